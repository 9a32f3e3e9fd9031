//! What the HTTP tests share: a fresh ledger per test (a SQLite file, or a new schema in the
//! PostgreSQL database named by `SETTLE_TEST_POSTGRES`), an app over it with the clock fixed,
//! users of every role, and a small client that keeps cookies and reads CSRF tokens from pages.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use settle_ledger::testing::Scratch;
use settle_ledger::{Ledger, Role};
use settle_web::{App, Config, Mode, Now};
use std::sync::Arc;
use tower::ServiceExt;

/// One test's ledger location, removed when dropped (`settle_ledger::testing::Scratch`).
pub struct Db(Scratch);

impl std::ops::Deref for Db {
    type Target = Scratch;
    fn deref(&self) -> &Scratch {
        &self.0
    }
}

impl Db {
    pub fn sqlite() -> Result<Db, String> {
        Scratch::sqlite().map(Db)
    }

    pub fn postgres(url: &str, test: &str) -> Result<Db, String> {
        Scratch::postgres(url, "w", test).map(Db)
    }

    pub fn ledger(&self) -> Ledger {
        Ledger::open(&self.target).expect("open the ledger")
    }
}

/// The fixed clock of every test: 2024-03-12, 09:00 UTC.
pub fn now() -> Now {
    let now = time::macros::datetime!(2024-03-12 09:00 UTC);
    Now {
        now,
        today: now.date(),
    }
}

pub const PASSWORD: &str = "correct horse battery";

/// Users of every role: two reps, a manager, an analyst, and a disabled rep.
pub fn add_users(db: &Db) {
    let mut l = db.ledger();
    let hash = settle_web::hash_password(PASSWORD).expect("hash");
    for (name, role) in [
        ("rep.ana", Role::Rep),
        ("rep.bo", Role::Rep),
        ("boss", Role::Manager),
        ("ann", Role::Analyst),
        ("gone", Role::Rep),
    ] {
        l.add_user(name, role, &hash, "admin", now().now)
            .expect("add user");
    }
    l.set_user_disabled("gone", true, "admin", now().now)
        .expect("disable");
}

/// An example claim file, read.
pub fn example(name: &str) -> settle_engine::Claim {
    let path = format!(
        "{}/../../examples/claims/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("example");
    claim_from(&text)
}

pub fn claim_from(text: &str) -> settle_engine::Claim {
    let src = settle_rules::SourceFile::new("claim.toml", text.to_string());
    settle_rules::parse_claim(&src, settle_rules::Format::Toml).expect("a valid claim")
}

/// The trial-order example with every amount a hundred times larger: its advised move (accept
/// the buyer's proposal) costs more than the rep's limit, so it needs the manager's approval.
pub fn big_claim(id: &str) -> settle_engine::Claim {
    let path = format!(
        "{}/../../examples/claims/trial-order-failures.toml",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).expect("example");
    let text = text
        .replace("EX-001-TRIAL", id)
        .replace("\"40000.00\"", "\"4000000.00\"")
        .replace("\"5400.00\"", "\"540000.00\"")
        .replace("\"4000.00\"", "\"400000.00\"")
        .replace("\"2700.00\"", "\"270000.00\"")
        .replace("\"13.50\"", "\"1350.00\"");
    claim_from(&text)
}

/// Enters a claim assigned to `rep` (or nobody).
pub fn enter(db: &Db, claim: &settle_engine::Claim, rep: Option<&str>) {
    let mut l = db.ledger();
    let r = l.create_claim(claim, "rep.ana", now().now).expect("create");
    if rep.is_some() {
        l.assign(&claim.id, r.version, rep, "boss", now().now)
            .expect("assign");
    }
}

pub fn team_app(db: &Db) -> Arc<App> {
    app(
        db,
        Mode::Team {
            secure_cookies: true,
        },
    )
}

pub fn local_app(db: &Db) -> Arc<App> {
    app(db, Mode::Local { user: "me".into() })
}

fn app(db: &Db, mode: Mode) -> Arc<App> {
    let mut cfg = Config::new(db.target.clone(), mode, Arc::new(now));
    cfg.body_limit = 16 * 1024;
    cfg.candidates_dir = Some(format!("{}/../../rules", env!("CARGO_MANIFEST_DIR")).into());
    Arc::new(App::new(cfg).expect("the app starts"))
}

/// A response, read whole.
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub cookies: Vec<String>,
    pub body: String,
}

impl Reply {
    /// The CSRF token of the first form on the page.
    pub fn csrf(&self) -> String {
        let key = "name=\"csrf\" value=\"";
        let i = self.body.find(key).expect("a form with a CSRF token") + key.len();
        self.body[i..i + 64].to_string()
    }
}

/// A browser, as far as the tests need one: it keeps cookies.
pub struct Client {
    app: Arc<App>,
    rt: tokio::runtime::Runtime,
    pub cookies: Vec<(String, String)>,
}

impl Client {
    pub fn new(app: Arc<App>) -> Client {
        Client {
            app,
            rt: tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .max_blocking_threads(4)
                .enable_all()
                .build()
                .expect("runtime"),
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    pub fn send(&mut self, req: Request<Body>) -> Reply {
        let router = settle_web::router(self.app.clone());
        let res = self
            .rt
            .block_on(router.oneshot(req))
            .expect("the router answers");
        let status = res.status();
        let location = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let cookies: Vec<String> = res
            .headers()
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok().map(str::to_string))
            .collect();
        for c in &cookies {
            if let Some((k, rest)) = c.split_once('=') {
                let v = rest.split(';').next().unwrap_or("").to_string();
                self.cookies.retain(|(name, _)| name != k);
                if !v.is_empty() {
                    self.cookies.push((k.to_string(), v));
                }
            }
        }
        let bytes = self
            .rt
            .block_on(res.into_body().collect())
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        Reply {
            status,
            location,
            cookies,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub fn get(&mut self, path: &str) -> Reply {
        let req = Request::get(path)
            .header(header::COOKIE, self.cookie_header())
            .body(Body::empty())
            .expect("request");
        self.send(req)
    }

    /// Posts a form (fields URL-encoded).
    pub fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = serde_urlencoded::to_string(fields).expect("form");
        self.post_raw(path, "application/x-www-form-urlencoded", body.into_bytes())
    }

    pub fn post_raw(&mut self, path: &str, content_type: &str, body: Vec<u8>) -> Reply {
        let req = Request::post(path)
            .header(header::COOKIE, self.cookie_header())
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .expect("request");
        self.send(req)
    }

    /// Logs in as `user`; the session's CSRF token.
    pub fn login(&mut self, user: &str) -> String {
        let page = self.get("/login");
        assert_eq!(page.status, StatusCode::OK);
        let csrf = page.csrf();
        let r = self.post(
            "/login",
            &[("csrf", &csrf), ("user", user), ("password", PASSWORD)],
        );
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login as {user}: {}",
            r.body
        );
        self.csrf_of("/rules")
    }

    /// The CSRF token of a page's forms.
    pub fn csrf_of(&mut self, path: &str) -> String {
        let r = self.get(path);
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
        r.csrf()
    }
}

/// What the ledger holds, in numbers: claims, rounds, advice, events, approvals, sessions.
pub fn counts(db: &Db) -> Vec<usize> {
    let mut l = db.ledger();
    let claims = l.list(settle_ledger::Filter::All, None).expect("list");
    let mut rounds = 0;
    let mut advice = 0;
    let mut events = 0;
    let mut approvals = 0;
    for c in &claims {
        rounds += l.rounds(&c.id).expect("rounds").len();
        advice += l.advice_log(&c.id).expect("advice").len();
        events += l.events(&c.id).expect("events").len();
        approvals += l.claim_approvals(&c.id).expect("approvals").len();
    }
    vec![claims.len(), rounds, advice, events, approvals]
}
