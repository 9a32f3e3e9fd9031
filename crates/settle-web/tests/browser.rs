//! The web desk in a real browser: headless Chromium driven through chromedriver (WebDriver,
//! fantoccini) against the real server on a loopback port, on a SQLite ledger. The flows the
//! issue names: a rep enters a claim, records the buyer's counter, gets the next advice and
//! copies the draft; an offer above the limit goes to the manager, who approves it; a rep cannot
//! open another rep's claim; a form posted without its CSRF token is refused; a claim summary
//! holding `<script>` is shown as text; and the main pages at phone width (390 px) do not
//! overflow. Screenshots of the main pages go to `target/tmp/web-screenshots/` (not committed).
//!
//! Without `chromium` and `chromedriver` (Debian's packages; `.ci/run` installs them) every test
//! is reported as NOT RUN, never as passed.

#[path = "http/support.rs"]
#[allow(dead_code)]
mod support;

use fantoccini::{Client, ClientBuilder, Locator};
use libtest_mimic::{Arguments, Completion, Failed, Trial};
use serde_json::json;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use support::*;

type Flow = fn(&Env) -> Result<(), Failed>;

const FLOWS: &[(&str, Flow)] = &[
    (
        "a_rep_enters_a_claim_records_a_counter_and_copies_the_draft",
        rep_flow,
    ),
    (
        "an_offer_above_the_limit_goes_to_the_manager_who_approves_it",
        approval_flow,
    ),
    ("a_rep_cannot_open_another_reps_claim", other_reps_claim),
    ("a_form_without_its_csrf_token_is_refused", no_csrf),
    ("a_script_in_a_summary_is_shown_as_text", script_as_text),
    ("the_main_pages_fit_a_phone", phone_width),
];

fn find(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

/// Chromium and chromedriver, if this machine has them.
fn browser_tools() -> Option<(PathBuf, PathBuf)> {
    let chromium = ["chromium", "chromium-browser", "google-chrome"]
        .iter()
        .find_map(|n| find(n))?;
    Some((chromium, find("chromedriver")?))
}

fn main() -> ExitCode {
    let mut args = Arguments::from_args();
    // One browser at a time on a two-core machine.
    args.test_threads = Some(1);
    let tools = browser_tools();
    let trials: Vec<Trial> = FLOWS
        .iter()
        .map(|&(name, flow)| {
            let tools = tools.clone();
            Trial::ignorable_test(name, move || match tools {
                None => Ok(Completion::ignored_with(
                    "NOT RUN: chromium and chromedriver are not installed",
                )),
                Some(t) => run(flow, &t).map(|()| Completion::Completed),
            })
        })
        .collect();
    let banner = tools.is_none().then(|| {
        format!(
            "browser: {} tests NOT RUN: chromium and chromedriver are not installed (apt-get install chromium chromium-driver)",
            FLOWS.len()
        )
    });
    if let Some(b) = &banner {
        eprintln!("{b}");
    }
    let conclusion = libtest_mimic::run(&args, trials);
    if let Some(b) = &banner {
        eprintln!("{b}");
    }
    if let Some(mut d) = DRIVER.get().and_then(|d| d.lock().ok()) {
        let _ = d.0.kill();
        let _ = d.0.wait();
    }
    conclusion.exit_code()
}

/// chromedriver, started once for the whole run.
struct Driver(Child, u16);

static DRIVER: OnceLock<Mutex<Driver>> = OnceLock::new();

fn free_port() -> Result<u16, Failed> {
    let l = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| format!("a free port: {e}"))?;
    Ok(l.local_addr().map_err(|e| e.to_string())?.port())
}

fn driver_port(driver: &Path) -> Result<u16, Failed> {
    if let Some(d) = DRIVER.get() {
        return Ok(d.lock().map_err(|_| "driver lock")?.1);
    }
    let port = free_port()?;
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .arg("--allowed-ips=127.0.0.1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot start chromedriver: {e}"))?;
    let start = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        if start.elapsed() > Duration::from_secs(20) {
            return Err("chromedriver did not start listening within 20 s".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = DRIVER.set(Mutex::new(Driver(child, port)));
    Ok(port)
}

/// One test's world: a ledger, the real server on a loopback port, a browser session.
struct Env {
    rt: tokio::runtime::Runtime,
    db: Db,
    base: String,
    client: Client,
    shots: PathBuf,
}

impl Env {
    fn block<T>(&self, f: impl std::future::Future<Output = T>) -> T {
        self.rt.block_on(f)
    }

    fn goto(&self, path: &str) -> Result<(), Failed> {
        self.block(self.client.goto(&format!("{}{path}", self.base)))
            .map_err(|e| format!("goto {path}: {e}").into())
    }

    fn css(&self, sel: &str) -> Result<fantoccini::elements::Element, Failed> {
        self.block(
            self.client
                .wait()
                .at_most(Duration::from_secs(5))
                .for_element(Locator::Css(sel)),
        )
        .map_err(|e| format!("no `{sel}` on {}: {e}", self.url()).into())
    }

    fn url(&self) -> String {
        self.block(self.client.current_url())
            .map(|u| u.to_string())
            .unwrap_or_default()
    }

    fn fill(&self, sel: &str, text: &str) -> Result<(), Failed> {
        let e = self.css(sel)?;
        self.block(async {
            e.clear().await?;
            e.send_keys(text).await
        })
        .map_err(|e| format!("typing into {sel}: {e}").into())
    }

    fn click(&self, sel: &str) -> Result<(), Failed> {
        let e = self.css(sel)?;
        self.block(e.click())
            .map_err(|e| format!("clicking {sel}: {e}").into())
    }

    fn select(&self, sel: &str, value: &str) -> Result<(), Failed> {
        let e = self.css(sel)?;
        self.block(e.select_by_value(value))
            .map(|_| ())
            .map_err(|e| format!("choosing {value} in {sel}: {e}").into())
    }

    fn text(&self, sel: &str) -> Result<String, Failed> {
        let e = self.css(sel)?;
        self.block(e.text())
            .map_err(|e| format!("{sel}: {e}").into())
    }

    fn body(&self) -> Result<String, Failed> {
        self.text("body")
    }

    fn js(&self, script: &str) -> Result<serde_json::Value, Failed> {
        self.block(self.client.execute(script, vec![]))
            .map_err(|e| format!("script: {e}").into())
    }

    fn shot(&self, name: &str) -> Result<(), Failed> {
        let png = self
            .block(self.client.screenshot())
            .map_err(|e| format!("screenshot: {e}"))?;
        std::fs::write(self.shots.join(format!("{name}.png")), png)
            .map_err(|e| format!("writing the screenshot: {e}").into())
    }

    fn size(&self, w: u32, h: u32) -> Result<(), Failed> {
        self.block(self.client.set_window_size(w, h))
            .map_err(|e| format!("window size: {e}").into())
    }

    fn login(&self, user: &str) -> Result<(), Failed> {
        self.goto("/login")?;
        self.fill("#user", user)?;
        self.fill("#password", PASSWORD)?;
        self.click("form[action='/login'] button[type=submit]")?;
        self.css("nav")?;
        Ok(())
    }

    fn logout(&self) -> Result<(), Failed> {
        self.click("form[action='/logout'] button")?;
        self.css("#user")?;
        Ok(())
    }
}

fn run(flow: Flow, (chromium, driver): &(PathBuf, PathBuf)) -> Result<(), Failed> {
    let port = driver_port(driver)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let db = Db::sqlite()?;
    add_users(&db);
    let mut cfg = settle_web::Config::new(
        db.target.clone(),
        settle_web::Mode::Team {
            secure_cookies: false,
        },
        Arc::new(now),
    );
    cfg.candidates_dir = Some(format!("{}/../../rules", env!("CARGO_MANIFEST_DIR")).into());
    let (tx, rx) = std::sync::mpsc::channel::<SocketAddr>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let server = rt.spawn(settle_web::serve_until(
        cfg,
        "127.0.0.1:0".parse().map_err(|_| "addr")?,
        move |a| {
            let _ = tx.send(a);
        },
        async {
            let _ = stop_rx.await;
        },
    ));
    let addr = rx
        .recv_timeout(Duration::from_secs(20))
        .map_err(|_| "the server did not start")?;
    let caps = json!({
        "goog:chromeOptions": {
            "binary": chromium,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,900", "--lang=en-US"]
        }
    });
    let serde_json::Value::Object(caps) = caps else {
        return Err("capabilities".into());
    };
    let client = rt
        .block_on(
            ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps)
                .connect(&format!("http://127.0.0.1:{port}")),
        )
        .map_err(|e| format!("cannot start a Chromium session: {e}"))?;
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web-screenshots");
    std::fs::create_dir_all(&shots).map_err(|e| e.to_string())?;
    let env = Env {
        rt,
        db,
        base: format!("http://{addr}"),
        client,
        shots,
    };
    let result = flow(&env);
    let Env { rt, client, .. } = env;
    let _ = rt.block_on(client.close());
    let _ = stop_tx.send(());
    let _ = rt.block_on(server);
    result
}

fn check(cond: bool, what: impl FnOnce() -> String) -> Result<(), Failed> {
    if cond { Ok(()) } else { Err(what().into()) }
}

fn rep_flow(e: &Env) -> Result<(), Failed> {
    e.login("rep.ana")?;
    e.shot("desk-empty")?;
    e.click("nav a[href='/claims/new']")?;
    e.fill("#f-id", "WEB-1")?;
    e.fill("#f-customer-name", "Garden tools retailer, Poland")?;
    e.select("#f-customer-relationship", "repeat")?;
    e.fill("#f-customer-annual_purchases", "60000")?;
    e.fill("#f-customer-years", "4")?;
    e.fill("#f-order-value", "12000")?;
    e.fill("#f-order-paid", "13000")?;
    e.fill("#f-order-quantity", "400")?;
    e.fill("#f-order-unit_cost", "18")?;
    e.select("#f-problem-kind", "quality_defect")?;
    e.fill("#f-problem-summary", "Handles crack after a week of use")?;
    e.fill("#f-problem-category", "tools")?;
    e.fill("#f-problem-affected", "60")?;
    e.select("#f-problem-severity", "major")?;
    e.click("#f-problem-still_needed")?;
    e.click("#f-evidence-buyer_photos")?;
    e.click("#f-evidence-spec_in_contract")?;
    e.select("#f-ask-remedy", "refund")?;
    e.fill("#f-ask-amount", "1800")?;
    e.shot("new-claim")?;
    // Paid more than the order's value: refused, the problem beside the field, nothing lost.
    e.click("form.claim-form button[type=submit]")?;
    let problem = e.text("#f-order-paid-error")?;
    check(problem.contains("more than"), || {
        format!("beside order.paid: {problem}")
    })?;
    check(counts(&e.db)[0] == 0, || {
        "an invalid claim was entered".into()
    })?;
    e.js("document.getElementById('f-order-paid').scrollIntoView(); return true;")?;
    e.shot("new-claim-error")?;
    e.fill("#f-order-paid", "12000")?;
    e.click("form.claim-form button[type=submit]")?;
    let move1 = e.text("#move")?;
    check(e.url().ends_with("/claims/WEB-1"), || {
        format!("after entering: {}", e.url())
    })?;
    e.shot("claim")?;
    // The buyer counters: two fields and a click.
    e.select("#counter-remedy", "refund")?;
    e.fill("#counter-amount", "1500")?;
    e.click("#record-counter")?;
    let body = e.body()?;
    check(body.contains("USD 1,500.00"), || {
        "the counter is not in the history".into()
    })?;
    let move2 = e.text("#move")?;
    check(!move2.is_empty(), || "no next advice".into())?;
    check(move1 != move2 || body.contains("1,500.00"), || {
        "the advice did not follow".into()
    })?;
    e.shot("claim-after-counter")?;
    // Copy the draft.
    let draft = e.css("#draft-text")?;
    let text = e
        .block(draft.prop("value"))
        .map_err(|x| x.to_string())?
        .unwrap_or_default();
    check(text.contains("WEB-1"), || format!("the draft: {text}"))?;
    e.click("#copy-draft")?;
    let done = e.css("#copy-draft")?;
    let start = Instant::now();
    loop {
        let d = e.block(done.attr("data-done")).map_err(|x| x.to_string())?;
        if d.as_deref() == Some("yes") {
            break;
        }
        if start.elapsed() > Duration::from_secs(5) {
            return Err("the copy button did not copy".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    check(e.text(".copied")? == "Copied.", || {
        "no word that it copied".into()
    })?;
    let selected = e.js("return window.getSelection().toString() || document.activeElement.value.substring(document.activeElement.selectionStart, document.activeElement.selectionEnd);")?;
    check(
        selected.as_str().is_some_and(|s| s.contains("WEB-1")),
        || format!("the draft was not selected for copying: {selected}"),
    )?;
    // The log: the advice can be logged, and the ledger has the rounds.
    e.click("#log-advice")?;
    let rec = e.db.ledger().get("WEB-1").map_err(|x| x.to_string())?;
    check(rec.assigned_to.as_deref() == Some("rep.ana"), || {
        "the rep's own claim".into()
    })?;
    check(rec.rounds.len() == 1, || {
        format!("{} rounds", rec.rounds.len())
    })?;
    e.goto("/")?;
    e.shot("desk")?;
    e.goto("/rules")?;
    e.shot("rules")?;
    Ok(())
}

fn approval_flow(e: &Env) -> Result<(), Failed> {
    enter(&e.db, &big_claim("BIG-1"), Some("rep.ana"));
    e.login("rep.ana")?;
    e.goto("/claims/BIG-1")?;
    let held = e
        .block(e.css("#we-accepted")?.attr("disabled"))
        .map_err(|x| x.to_string())?;
    check(held.is_some(), || "the acceptance is not held back".into())?;
    e.shot("claim-needs-approval")?;
    e.click("#ask-approval")?;
    check(e.text("#gate")?.contains("Waiting for approval"), || {
        "not pending".into()
    })?;
    e.logout()?;
    e.login("boss")?;
    e.click("nav a[href='/approvals']")?;
    e.shot("approvals")?;
    let n =
        e.db.ledger()
            .claim_approvals("BIG-1")
            .map_err(|x| x.to_string())?
            .first()
            .map(|a| a.id)
            .ok_or("no approval")?;
    e.fill(
        &format!("#comment-{n}"),
        "Approved: a key account, settle fast",
    )?;
    e.click(&format!("#approve-{n}"))?;
    check(e.body()?.contains("No approvals are waiting"), || {
        "still pending".into()
    })?;
    e.logout()?;
    e.login("rep.ana")?;
    e.goto("/claims/BIG-1")?;
    let gate = e.text("#gate")?;
    check(
        gate.contains("Approved by boss") && gate.contains("a key account"),
        || gate.clone(),
    )?;
    let held = e
        .block(e.css("#we-accepted")?.attr("disabled"))
        .map_err(|x| x.to_string())?;
    check(held.is_none(), || "still held back after approval".into())?;
    e.click("#we-accepted")?;
    let rec = e.db.ledger().get("BIG-1").map_err(|x| x.to_string())?;
    check(rec.claim.negotiation().settled.is_some(), || {
        "the acceptance was not recorded".into()
    })
}

fn other_reps_claim(e: &Env) -> Result<(), Failed> {
    enter(&e.db, &example("trial-order-failures.toml"), Some("rep.bo"));
    e.login("rep.ana")?;
    e.goto("/claims/EX-001-TRIAL")?;
    let body = e.body()?;
    check(
        body.contains("403") && body.contains("not assigned to you"),
        || body.clone(),
    )?;
    check(!body.contains("Electronics distributor"), || {
        "the claim leaked".into()
    })
}

fn no_csrf(e: &Env) -> Result<(), Failed> {
    enter(
        &e.db,
        &example("trial-order-failures.toml"),
        Some("rep.ana"),
    );
    e.login("rep.ana")?;
    e.goto("/claims/EX-001-TRIAL")?;
    let before = counts(&e.db);
    e.js("document.querySelectorAll('form.counter input[name=csrf]').forEach(function (i) { i.remove(); }); return true;")?;
    e.fill("#counter-amount", "2000")?;
    e.click("#record-counter")?;
    let body = e.body()?;
    check(
        body.contains("403") && body.contains("security token"),
        || body.clone(),
    )?;
    check(counts(&e.db) == before, || {
        "the form without a token wrote".into()
    })
}

fn script_as_text(e: &Env) -> Result<(), Failed> {
    let text = std::fs::read_to_string(format!(
        "{}/../../examples/claims/tiles-transit-damage.toml",
        env!("CARGO_MANIFEST_DIR")
    ))
    .map_err(|x| x.to_string())?;
    let i = text.find("summary = ").ok_or("no summary")?;
    let j = i + text[i..].find('\n').ok_or("eol")?;
    let script = "<script>document.title='pwned';window.pwned=1</script>";
    let text = format!("{}summary = \"{script}\"{}", &text[..i], &text[j..]);
    enter(&e.db, &claim_from(&text), Some("rep.ana"));
    e.login("rep.ana")?;
    e.goto("/claims/EX-TILES-TRANSIT")?;
    let pwned = e.js("return [document.title, window.pwned === undefined];")?;
    check(pwned[0] != "pwned" && pwned[1] == true, || {
        format!("the script ran: {pwned}")
    })?;
    check(e.body()?.contains(script), || {
        "the summary is not shown as text".into()
    })?;
    e.goto("/")?;
    check(e.js("return window.pwned === undefined;")? == true, || {
        "the script ran on the desk".into()
    })
}

fn phone_width(e: &Env) -> Result<(), Failed> {
    enter(
        &e.db,
        &example("trial-order-failures.toml"),
        Some("rep.ana"),
    );
    enter(&e.db, &big_claim("BIG-2"), Some("rep.ana"));
    e.login("rep.ana")?;
    e.size(390, 844)?;
    let width = e.js("return window.innerWidth;")?;
    check(width.as_u64().is_some_and(|w| w <= 400), || {
        format!("the window is {width} px wide")
    })?;
    for (path, name) in [
        ("/", "phone-desk"),
        ("/claims/EX-001-TRIAL", "phone-claim"),
        ("/claims/BIG-2", "phone-claim-approval"),
        ("/claims/new", "phone-new-claim"),
        ("/rules", "phone-rules"),
    ] {
        e.goto(path)?;
        let fits = e.js("return [document.documentElement.scrollWidth, window.innerWidth];")?;
        check(fits[0].as_u64() <= fits[1].as_u64(), || {
            format!("{path} overflows: {fits}")
        })?;
        e.shot(name)?;
    }
    // The rep's language: chosen once, kept.
    e.select("#lang-choice", "zh-CN")?;
    e.click("form[action='/lang'] button")?;
    e.goto("/claims/EX-001-TRIAL")?;
    check(e.body()?.contains("下一步"), || {
        "the page is not in Chinese".into()
    })?;
    e.shot("phone-claim-zh")?;
    e.size(1280, 900)?;
    e.shot("claim-zh")?;
    e.select("#lang-choice", "en")?;
    e.click("form[action='/lang'] button")?;
    // Keyboard: the skip link comes first and every control is reachable by Tab.
    e.goto("/claims/EX-001-TRIAL")?;
    let first = e.js(
        "document.activeElement.blur(); return document.querySelector('a.skip').textContent;",
    )?;
    check(first == "Skip to the content", || format!("{first}"))?;
    let unlabelled = e.js(
        "return Array.from(document.querySelectorAll('input:not([type=hidden]), select, textarea'))\
         .filter(function (i) { return !i.labels || i.labels.length === 0; }).map(function (i) { return i.name || i.id; });",
    )?;
    check(unlabelled.as_array().is_some_and(|a| a.is_empty()), || {
        format!("inputs without a label: {unlabelled}")
    })?;
    Ok(())
}
