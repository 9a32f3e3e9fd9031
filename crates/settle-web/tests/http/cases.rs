//! The HTTP layer's tests, each a function of a fresh ledger, run once per backend: who may do
//! what, CSRF, bad bodies, SQL metacharacters and markup in every text field, the approval
//! flow, errors beside the field, the language, and that no input makes the server fail.

use crate::support::*;
use axum::http::StatusCode;
use libtest_mimic::Failed;

pub type Test = fn(&Db) -> Result<(), Failed>;

pub const ALL: &[(&str, Test)] = &[
    (
        "every_route_without_a_session",
        every_route_without_a_session,
    ),
    ("the_wrong_role_is_refused", the_wrong_role_is_refused),
    (
        "a_rep_cannot_open_another_reps_claim",
        a_rep_cannot_open_another_reps_claim,
    ),
    (
        "posts_without_their_csrf_token_are_refused",
        posts_without_csrf,
    ),
    ("malformed_and_oversized_bodies_write_nothing", bad_bodies),
    (
        "sql_metacharacters_and_markup_in_every_text_field",
        metacharacters,
    ),
    ("form_errors_are_shown_beside_the_field", form_errors),
    (
        "an_offer_above_the_limit_waits_for_the_manager",
        approval_flow,
    ),
    ("a_rep_records_rounds_and_logs_advice", rep_records_rounds),
    ("logins_fail_closed", logins_fail_closed),
    (
        "failed_logins_are_throttled_by_name",
        failed_logins_are_throttled,
    ),
    ("local_mode_needs_no_login_but_checks_csrf", local_mode),
    ("the_language_is_remembered", language),
    ("manager_and_analyst_pages", manager_and_analyst_pages),
    ("garbage_never_fails_the_server", garbage),
    ("a_settled_claim_is_closed_from_its_page", closing),
    ("a_manager_assigns_a_claim_to_a_rep", assigning),
    ("evidence_changes_the_claim_it_arrives_on", evidence),
];

fn check(cond: bool, what: impl FnOnce() -> String) -> Result<(), Failed> {
    if cond { Ok(()) } else { Err(what().into()) }
}

fn status(r: &Reply, want: StatusCode, what: &str) -> Result<(), Failed> {
    check(r.status == want, || {
        format!(
            "{what}: status {} (want {want}); body: {}",
            r.status,
            r.body.chars().take(600).collect::<String>()
        )
    })
}

/// Every POST route, with a form that would write if it were allowed.
fn writes(id: &str, csrf: &str) -> Vec<(String, Vec<(String, String)>)> {
    let c = |k: &str, v: &str| (k.to_string(), v.to_string());
    vec![
        (
            "/claims/new".into(),
            vec![c("csrf", csrf), c("id", "NEW-1"), c("customer.name", "x")],
        ),
        (
            format!("/claims/{id}/rounds"),
            vec![
                c("csrf", csrf),
                c("version", "1"),
                c("kind", "refuse"),
                c("by", "buyer"),
            ],
        ),
        (
            format!("/claims/{id}/advice"),
            vec![c("csrf", csrf), c("version", "1")],
        ),
        (
            format!("/claims/{id}/approval"),
            vec![c("csrf", csrf), c("version", "1")],
        ),
        (
            "/approvals/1".into(),
            vec![c("csrf", csrf), c("decision", "approve")],
        ),
        (
            "/analyst".into(),
            vec![c("csrf", csrf), c("candidate", "lean"), c("kind", "replay")],
        ),
        ("/logout".into(), vec![c("csrf", csrf)]),
    ]
}

fn post_owned(c: &mut Client, path: &str, fields: &[(String, String)]) -> Reply {
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    c.post(path, &f)
}

fn every_route_without_a_session(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &example("trial-order-failures.toml"), Some("rep.ana"));
    let before = counts(db);
    let mut c = Client::new(team_app(db));
    for page in [
        "/",
        "/claims/new",
        "/claims/EX-001-TRIAL",
        "/approvals",
        "/rules",
        "/outcomes",
        "/analyst",
    ] {
        let r = c.get(page);
        status(&r, StatusCode::SEE_OTHER, page)?;
        check(r.location.as_deref() == Some("/login"), || {
            format!("{page}: redirected to {:?}", r.location)
        })?;
    }
    // A made-up session cookie is no session either.
    c.cookies.push(("settle_session".into(), "ab".repeat(32)));
    for (path, fields) in writes("EX-001-TRIAL", &"0".repeat(64)) {
        let r = post_owned(&mut c, &path, &fields);
        status(&r, StatusCode::UNAUTHORIZED, &path)?;
    }
    check(counts(db) == before, || {
        "a request without a session wrote".into()
    })?;
    // The login page and the assets need no session.
    status(&c.get("/login"), StatusCode::OK, "/login")?;
    status(&c.get("/assets/style.css"), StatusCode::OK, "style")?;
    Ok(())
}

fn the_wrong_role_is_refused(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &example("trial-order-failures.toml"), Some("rep.ana"));
    let before = counts(db);
    let app = team_app(db);
    // The analyst works no claims and decides no approvals.
    let mut analyst = Client::new(app.clone());
    let csrf = analyst.login("ann");
    let r = analyst.get("/");
    check(r.location.as_deref() == Some("/analyst"), || {
        format!("the analyst's home: {:?}", r.location)
    })?;
    for page in [
        "/claims/new",
        "/claims/EX-001-TRIAL",
        "/approvals",
        "/outcomes",
    ] {
        status(&analyst.get(page), StatusCode::FORBIDDEN, page)?;
    }
    for (path, fields) in writes("EX-001-TRIAL", &csrf).into_iter().take(5) {
        status(
            &post_owned(&mut analyst, &path, &fields),
            StatusCode::FORBIDDEN,
            &path,
        )?;
    }
    // A rep decides no approvals, sees no outcomes, runs no replays.
    let mut rep = Client::new(app);
    let csrf = rep.login("rep.ana");
    for page in ["/approvals", "/outcomes", "/analyst"] {
        status(&rep.get(page), StatusCode::FORBIDDEN, page)?;
    }
    for (path, fields) in writes("EX-001-TRIAL", &csrf) {
        if path.starts_with("/approvals") || path == "/analyst" {
            status(
                &post_owned(&mut rep, &path, &fields),
                StatusCode::FORBIDDEN,
                &path,
            )?;
        }
    }
    status(&rep.get("/rules"), StatusCode::OK, "a rep reads the rules")?;
    check(counts(db) == before, || "a refused request wrote".into())
}

fn a_rep_cannot_open_another_reps_claim(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &example("trial-order-failures.toml"), Some("rep.bo"));
    enter(db, &example("tiles-transit-damage.toml"), Some("rep.ana"));
    let before = counts(db);
    let app = team_app(db);
    let mut ana = Client::new(app.clone());
    let csrf = ana.login("rep.ana");
    let list = ana.get("/");
    check(
        list.body.contains("EX-TILES-TRANSIT") && !list.body.contains("EX-001-TRIAL"),
        || "a rep's list shows only their claims".into(),
    )?;
    let r = ana.get("/claims/EX-001-TRIAL");
    status(&r, StatusCode::FORBIDDEN, "another rep's claim")?;
    check(!r.body.contains("Electronics distributor"), || {
        "the refusal shows nothing of the claim".into()
    })?;
    for (path, fields) in writes("EX-001-TRIAL", &csrf).into_iter().skip(1).take(3) {
        status(
            &post_owned(&mut ana, &path, &fields),
            StatusCode::FORBIDDEN,
            &path,
        )?;
    }
    check(counts(db) == before, || "a refused write wrote".into())?;
    // The manager sees every claim.
    let mut boss = Client::new(app);
    boss.login("boss");
    let list = boss.get("/");
    check(
        list.body.contains("EX-TILES-TRANSIT") && list.body.contains("EX-001-TRIAL"),
        || "the manager's list shows every claim".into(),
    )?;
    status(
        &boss.get("/claims/EX-001-TRIAL"),
        StatusCode::OK,
        "the manager opens it",
    )
}

fn posts_without_csrf(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &example("trial-order-failures.toml"), Some("rep.ana"));
    let mut c = Client::new(team_app(db));
    let csrf = c.login("boss");
    let before = counts(db);
    for (path, fields) in writes("EX-001-TRIAL", &csrf) {
        let without: Vec<(String, String)> = fields
            .iter()
            .filter(|(k, _)| k != "csrf")
            .cloned()
            .collect();
        status(
            &post_owned(&mut c, &path, &without),
            StatusCode::FORBIDDEN,
            &path,
        )?;
        let mut wrong = without.clone();
        wrong.push(("csrf".into(), "f".repeat(64)));
        status(
            &post_owned(&mut c, &path, &wrong),
            StatusCode::FORBIDDEN,
            &path,
        )?;
    }
    check(counts(db) == before, || {
        "a post without its token wrote".into()
    })?;
    // The login form needs its pre-session token too.
    let mut fresh = Client::new(team_app(db));
    let r = fresh.post("/login", &[("user", "boss"), ("password", PASSWORD)]);
    status(&r, StatusCode::FORBIDDEN, "a login without its token")?;
    check(
        !fresh.cookies.iter().any(|(k, _)| k == "settle_session"),
        || "a login without its token got a session".into(),
    )?;
    // The session still works with its token.
    let r = c.post(
        "/claims/EX-001-TRIAL/rounds",
        &[
            ("csrf", &csrf),
            ("version", "2"),
            ("kind", "refuse"),
            ("by", "seller"),
        ],
    );
    status(&r, StatusCode::SEE_OTHER, "with its token")
}

fn bad_bodies(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &example("trial-order-failures.toml"), Some("rep.ana"));
    let mut c = Client::new(team_app(db));
    let csrf = c.login("rep.ana");
    let before = counts(db);
    let path = "/claims/EX-001-TRIAL/rounds";
    let json = format!(r#"{{"csrf":"{csrf}","version":1,"kind":"refuse","by":"buyer"}}"#);
    let r = c.post_raw(path, "application/json", json.into_bytes());
    status(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE, "JSON")?;
    check(r.body.contains("takes a form"), || r.body.clone())?;
    let r = c.post_raw(
        path,
        "application/x-www-form-urlencoded",
        vec![0xff, 0xfe, b'=', 0x80],
    );
    status(&r, StatusCode::BAD_REQUEST, "not UTF-8")?;
    let huge = format!(
        "csrf={csrf}&version=1&kind=refuse&by=buyer&note={}",
        "x".repeat(40_000)
    );
    let r = c.post_raw(path, "application/x-www-form-urlencoded", huge.into_bytes());
    status(&r, StatusCode::PAYLOAD_TOO_LARGE, "oversized")?;
    // Well-formed forms with bad values: refused with a message, nothing written.
    for (fields, want) in [
        (
            vec![("version", "1"), ("kind", "dance"), ("by", "buyer")],
            "not a kind of round",
        ),
        (
            vec![("version", "x"), ("kind", "refuse"), ("by", "buyer")],
            "no claim version",
        ),
        (
            vec![
                ("version", "1"),
                ("kind", "propose"),
                ("by", "buyer"),
                ("remedy", "refund"),
                ("amount", "-5"),
            ],
            "not an amount",
        ),
        (
            vec![
                ("version", "1"),
                ("kind", "propose"),
                ("by", "buyer"),
                ("remedy", "refund"),
                ("amount", "1e999"),
            ],
            "not an amount",
        ),
        (
            vec![
                ("version", "1"),
                ("kind", "refuse"),
                ("by", "buyer"),
                ("on", "2024-02-30"),
            ],
            "not a calendar date",
        ),
        (
            vec![("version", "1"), ("kind", "refuse"), ("by", "nobody")],
            "who made the move",
        ),
        (
            vec![
                ("version", "1"),
                ("kind", "refuse"),
                ("by", "buyer"),
                ("on", "1999-01-01"),
            ],
            "nothing was written",
        ),
    ] {
        let mut f = fields.clone();
        f.push(("csrf", &csrf));
        let r = c.post(path, &f);
        check(r.status.is_client_error(), || {
            format!("{fields:?}: {}", r.status)
        })?;
        check(r.body.contains(want), || format!("{fields:?}: {}", r.body))?;
    }
    // A stale version is a conflict.
    let r = c.post(
        path,
        &[
            ("csrf", &csrf),
            ("version", "7"),
            ("kind", "refuse"),
            ("by", "seller"),
        ],
    );
    status(&r, StatusCode::CONFLICT, "stale version")?;
    check(counts(db) == before, || "a bad body wrote".into())
}

/// Text that breaks naive SQL and naive HTML.
const NASTY: &str =
    "O'Brien \"quoted\" 100% _x_ back\\slash '; DROP TABLE claims; -- <script>alert(1)</script>";

fn metacharacters(db: &Db) -> Result<(), Failed> {
    add_users(db);
    let mut c = Client::new(team_app(db));
    let csrf = c.login("rep.ana");
    let id = "ID'; DROP TABLE claims; -- %_\"\\<script>";
    let form: Vec<(&str, &str)> = vec![
        ("csrf", &csrf),
        ("id", id),
        ("received", "2024-03-01"),
        ("currency", "USD"),
        ("customer.name", NASTY),
        ("customer.relationship", "repeat"),
        ("customer.annual_purchases", "10000"),
        ("customer.years", "3"),
        ("customer.past_claims", "0"),
        ("order.number", NASTY),
        ("order.value", "5000"),
        ("order.paid", "5000"),
        ("order.quantity", "100"),
        ("order.unit_cost", "20"),
        ("order.stage", "delivered"),
        ("order.delivered", "2024-02-20"),
        ("problem.kind", "quality_defect"),
        ("problem.summary", NASTY),
        ("problem.category", NASTY),
        ("problem.affected", "10"),
        ("problem.severity", "minor"),
        ("problem.still_needed", "true"),
        ("evidence.buyer_photos", "true"),
        ("evidence.inspection", "none"),
        ("evidence.our_qc", "passed"),
        ("evidence.expert_opinion", "none"),
        ("ask.remedy", "refund"),
        ("ask.amount", "500"),
    ];
    let r = c.post("/claims/new", &form);
    if r.status != StatusCode::SEE_OTHER {
        let errors: Vec<&str> = r
            .body
            .match_indices("field-error")
            .map(|(i, _)| &r.body[i..(i + 200).min(r.body.len())])
            .collect();
        return Err(format!("entering the claim: {} {errors:?}", r.status).into());
    }
    let url = r.location.clone().unwrap_or_default();
    check(url.starts_with("/claims/ID%27%3B%20DROP"), || url.clone())?;
    // A round's note and the claim page.
    let version = "2";
    let r = c.post(
        &format!("{url}/rounds"),
        &[
            ("csrf", &csrf),
            ("version", version),
            ("kind", "request_evidence"),
            ("by", "seller"),
            ("note", NASTY),
            ("on", "2024-03-02"),
        ],
    );
    status(&r, StatusCode::SEE_OTHER, "a note")?;
    let page = c.get(&url);
    status(&page, StatusCode::OK, "the claim page")?;
    let escaped = "O&#x27;Brien &quot;quoted&quot; 100% _x_ back\\slash &#x27;; DROP TABLE claims; -- &lt;script&gt;alert(1)&lt;&#x2f;script&gt;";
    check(page.body.matches(escaped).count() >= 3, || {
        format!("the text is not shown verbatim (escaped): {}", page.body)
    })?;
    check(!page.body.contains("<script>alert"), || {
        "markup from a claim reached the page".into()
    })?;
    // Stored verbatim: the ledger gives back exactly what was typed.
    let mut l = db.ledger();
    let rec = l.get(id).map_err(|e| format!("the claim by its id: {e}"))?;
    check(
        rec.claim.customer.name == NASTY && rec.claim.problem.summary == NASTY,
        || format!("stored as {:?}", rec.claim.customer.name),
    )?;
    check(
        rec.rounds.last().and_then(|r| r.entry.note.as_deref()) == Some(NASTY),
        || "the note was not stored verbatim".into(),
    )?;
    // The list shows it escaped too, and `%` and `_` match only themselves.
    let list = c.get("/");
    check(list.body.contains("O&#x27;Brien"), || "the list".into())?;
    check(
        l.get("ID%").is_err() && l.get("ID_'; DROP TABLE claims; -- %_\"\\<script>").is_err(),
        || "a wildcard matched".into(),
    )?;
    Ok(())
}

fn form_errors(db: &Db) -> Result<(), Failed> {
    add_users(db);
    let mut c = Client::new(team_app(db));
    let csrf = c.login("rep.ana");
    let before = counts(db);
    let r = c.post(
        "/claims/new",
        &[
            ("csrf", &csrf),
            ("id", "E-1"),
            ("received", "2024-03-01"),
            ("currency", "USD"),
            ("customer.name", "Acme"),
            ("order.value", "5000"),
            ("order.paid", "7000"),
            ("order.quantity", "many"),
        ],
    );
    status(&r, StatusCode::UNPROCESSABLE_ENTITY, "an invalid claim")?;
    for (field, words) in [
        ("f-order-paid-error", "more than"),
        ("f-order-quantity-error", ""),
        ("f-customer-relationship-error", ""),
    ] {
        let i = r.body.find(&format!("id=\"{field}\""));
        check(i.is_some(), || format!("no error beside {field}"))?;
        let at = &r.body[i.unwrap_or(0)..];
        let end = at.find("</p>").unwrap_or(at.len());
        check(at[..end].contains(words), || {
            format!("{field}: {}", &at[..end])
        })?;
    }
    // What was typed is kept.
    check(r.body.contains("value=\"Acme\""), || {
        "the form lost the input".into()
    })?;
    check(counts(db) == before, || "an invalid claim wrote".into())
}

fn approval_flow(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &big_claim("BIG-1"), Some("rep.ana"));
    let app = team_app(db);
    let mut ana = Client::new(app.clone());
    let csrf = ana.login("rep.ana");
    let page = ana.get("/claims/BIG-1");
    status(&page, StatusCode::OK, "the claim")?;
    check(page.body.contains("id=\"gate\""), || {
        "no approval gate on the page".into()
    })?;
    check(page.body.contains("id=\"we-accepted\" disabled"), || {
        "the move is not held back until approved".into()
    })?;
    // Accepting before approval is refused, and writes nothing.
    let before = counts(db);
    let r = ana.post(
        "/claims/BIG-1/rounds",
        &[
            ("csrf", &csrf),
            ("version", "2"),
            ("kind", "accept"),
            ("by", "seller"),
        ],
    );
    status(&r, StatusCode::FORBIDDEN, "accepting above the limit")?;
    check(counts(db) == before, || "a refused acceptance wrote".into())?;
    let r = ana.post(
        "/claims/BIG-1/approval",
        &[("csrf", &csrf), ("version", "2")],
    );
    status(&r, StatusCode::SEE_OTHER, "asking for approval")?;
    let r = ana.post(
        "/claims/BIG-1/approval",
        &[("csrf", &csrf), ("version", "3")],
    );
    status(&r, StatusCode::UNPROCESSABLE_ENTITY, "asking twice")?;
    let mut boss = Client::new(app);
    let bcsrf = boss.login("boss");
    let queue = boss.get("/approvals");
    check(
        queue.body.contains("BIG-1") && queue.body.contains("rep.ana"),
        || queue.body.clone(),
    )?;
    let n = db
        .ledger()
        .claim_approvals("BIG-1")
        .map_err(|e| e.to_string())?
        .first()
        .map(|a| a.id)
        .ok_or("no approval")?;
    let comment = "ok, a good customer <b>";
    let r = boss.post(
        &format!("/approvals/{n}"),
        &[
            ("csrf", &bcsrf),
            ("decision", "approve"),
            ("comment", comment),
        ],
    );
    status(&r, StatusCode::SEE_OTHER, "approving")?;
    let again = boss.post(
        &format!("/approvals/{n}"),
        &[("csrf", &bcsrf), ("decision", "decline")],
    );
    status(&again, StatusCode::UNPROCESSABLE_ENTITY, "deciding twice")?;
    let page = ana.get("/claims/BIG-1");
    check(page.body.contains("ok, a good customer &lt;b&gt;"), || {
        "the rep does not see the decision".into()
    })?;
    check(page.body.contains("id=\"we-accepted\">"), || {
        "the move is still held back".into()
    })?;
    let r = ana.post(
        "/claims/BIG-1/rounds",
        &[
            ("csrf", &csrf),
            ("version", "4"),
            ("kind", "accept"),
            ("by", "seller"),
        ],
    );
    status(&r, StatusCode::SEE_OTHER, "accepting once approved")?;
    let events: Vec<(String, String)> = db
        .ledger()
        .events("BIG-1")
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|e| (e.actor, e.action))
        .collect();
    let want = [
        ("rep.ana", "create"),
        ("boss", "assign"),
        ("rep.ana", "approval_request"),
        ("boss", "approval_decision"),
        ("rep.ana", "round"),
    ];
    check(
        events
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .eq(want.iter().copied()),
        || format!("the audit log: {events:?}"),
    )
}

fn rep_records_rounds(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &example("tiles-transit-damage.toml"), Some("rep.ana"));
    let mut c = Client::new(team_app(db));
    let csrf = c.login("rep.ana");
    let page = c.get("/claims/EX-TILES-TRANSIT");
    check(page.body.contains("id=\"acknowledged\""), || {
        "the first answer is due".into()
    })?;
    check(page.body.contains("id=\"draft-text\""), || {
        "no draft".into()
    })?;
    let r = c.post(
        "/claims/EX-TILES-TRANSIT/rounds",
        &[("csrf", &csrf), ("version", "2"), ("kind", "acknowledge")],
    );
    status(&r, StatusCode::SEE_OTHER, "acknowledging")?;
    let r = c.post(
        "/claims/EX-TILES-TRANSIT/advice",
        &[("csrf", &csrf), ("version", "3")],
    );
    status(&r, StatusCode::SEE_OTHER, "logging the advice")?;
    let r = c.post(
        "/claims/EX-TILES-TRANSIT/rounds",
        &[
            ("csrf", &csrf),
            ("version", "4"),
            ("kind", "propose"),
            ("by", "buyer"),
            ("remedy", "discount"),
            ("amount", "1,200.00"),
            ("on", "2024-03-12"),
        ],
    );
    status(&r, StatusCode::SEE_OTHER, "the buyer's counter")?;
    let rec = db
        .ledger()
        .get("EX-TILES-TRANSIT")
        .map_err(|e| e.to_string())?;
    check(rec.version == 5 && rec.acknowledged_on.is_some(), || {
        format!("version {}", rec.version)
    })?;
    let log = db
        .ledger()
        .advice_log("EX-TILES-TRANSIT")
        .map_err(|e| e.to_string())?;
    check(log.len() == 1 && log[0].given_by == "rep.ana", || {
        "the advice was not logged".into()
    })?;
    let page = c.get("/claims/EX-TILES-TRANSIT?buyer_lang=zh-CN");
    check(
        page.body.contains("proposed discount") || page.body.contains("discount"),
        || "the round".into(),
    )?;
    check(
        page.body.contains("尊敬的") || page.body.contains("您"),
        || "the Chinese draft".into(),
    )
}

fn logins_fail_closed(db: &Db) -> Result<(), Failed> {
    add_users(db);
    let mut c = Client::new(team_app(db));
    for (user, password) in [
        ("boss", "wrong password"),
        ("nobody", PASSWORD),
        ("gone", PASSWORD),
        ("' OR '1'='1", "' OR '1'='1"),
    ] {
        let csrf = c.get("/login").csrf();
        let r = c.post(
            "/login",
            &[("csrf", &csrf), ("user", user), ("password", password)],
        );
        status(&r, StatusCode::UNAUTHORIZED, user)?;
        check(
            !r.body.contains(password) || password == PASSWORD && !r.body.contains(PASSWORD),
            || "the page shows the password".into(),
        )?;
        check(
            !c.cookies.iter().any(|(k, _)| k == "settle_session"),
            || "a failed login got a session".into(),
        )?;
    }
    let csrf = c.login("boss");
    let cookie = c
        .cookies
        .iter()
        .find(|(k, _)| k == "settle_session")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    check(cookie.len() == 64, || "a 256-bit session token".into())?;
    let r = c.post("/logout", &[("csrf", &csrf)]);
    status(&r, StatusCode::SEE_OTHER, "logging out")?;
    // The old token is dead even if presented again.
    c.cookies.push(("settle_session".into(), cookie));
    status(&c.get("/approvals"), StatusCode::SEE_OTHER, "after logout")?;
    // Cookies are HttpOnly, SameSite=Strict and Secure in team mode.
    let mut d = Client::new(team_app(db));
    let page = d.get("/login");
    let csrf = page.csrf();
    let r = d.post(
        "/login",
        &[("csrf", &csrf), ("user", "boss"), ("password", PASSWORD)],
    );
    let set = r
        .cookies
        .iter()
        .find(|c| c.starts_with("settle_session="))
        .cloned()
        .unwrap_or_default();
    check(
        set.contains("HttpOnly")
            && set.contains("SameSite=Strict")
            && set.contains("Secure")
            && set.contains("Max-Age="),
        || set.clone(),
    )
}

/// Five failed logins for a name within 15 minutes refuse it (429) before any password is
/// checked, even the right one, and whether or not the name exists; other names are unaffected.
fn failed_logins_are_throttled(db: &Db) -> Result<(), Failed> {
    add_users(db);
    let mut c = Client::new(team_app(db));
    let attempt = |c: &mut Client, user: &str, password: &str| {
        let csrf = c.get("/login").csrf();
        c.post(
            "/login",
            &[("csrf", &csrf), ("user", user), ("password", password)],
        )
    };
    for user in ["boss", "nobody"] {
        for _ in 0..auth_failures() {
            let r = attempt(&mut c, user, "wrong password");
            status(&r, StatusCode::UNAUTHORIZED, user)?;
        }
        let r = attempt(&mut c, user, PASSWORD);
        status(&r, StatusCode::TOO_MANY_REQUESTS, "the sixth try")?;
        check(r.body.contains("try again in 15 minutes"), || {
            r.body.clone()
        })?;
        check(
            !c.cookies.iter().any(|(k, _)| k == "settle_session"),
            || "a refused login got a session".into(),
        )?;
    }
    // Another user logs in as usual.
    c.login("rep.ana");
    Ok(())
}

fn auth_failures() -> usize {
    settle_web::auth::THROTTLE_FAILURES
}

fn local_mode(db: &Db) -> Result<(), Failed> {
    enter(db, &example("trial-order-failures.toml"), None);
    let mut c = Client::new(local_app(db));
    let page = c.get("/");
    status(&page, StatusCode::OK, "the desk without a login")?;
    let csrf = page.csrf();
    for p in [
        "/claims/EX-001-TRIAL",
        "/approvals",
        "/rules",
        "/outcomes",
        "/analyst",
        "/claims/new",
    ] {
        status(&c.get(p), StatusCode::OK, p)?;
    }
    let before = counts(db);
    let r = c.post("/claims/EX-001-TRIAL/advice", &[("version", "1")]);
    status(&r, StatusCode::FORBIDDEN, "no token")?;
    check(counts(db) == before, || "wrote without a token".into())?;
    let r = c.post(
        "/claims/EX-001-TRIAL/advice",
        &[("csrf", &csrf), ("version", "1")],
    );
    status(&r, StatusCode::SEE_OTHER, "with the token")?;
    let log = db
        .ledger()
        .advice_log("EX-001-TRIAL")
        .map_err(|e| e.to_string())?;
    check(log.first().is_some_and(|a| a.given_by == "me"), || {
        "the local user".into()
    })?;
    // Local mode serves loopback only.
    let mode = settle_web::Mode::Local { user: "me".into() };
    check(
        settle_web::check_listen("0.0.0.0:8080".parse().map_err(|_| "addr")?, &mode).is_err(),
        || "local mode accepted 0.0.0.0".into(),
    )?;
    check(
        settle_web::check_listen("127.0.0.1:8080".parse().map_err(|_| "addr")?, &mode).is_ok(),
        || "local mode refused loopback".into(),
    )?;
    check(
        settle_web::check_listen("[::1]:8080".parse().map_err(|_| "addr")?, &mode).is_ok(),
        || "local mode refused ::1".into(),
    )
}

fn language(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &example("trial-order-failures.toml"), Some("rep.ana"));
    let app = team_app(db);
    let mut c = Client::new(app.clone());
    let csrf = c.login("rep.ana");
    let r = c.post(
        "/lang",
        &[
            ("csrf", &csrf),
            ("lang", "zh-CN"),
            ("back", "//evil.example/"),
        ],
    );
    status(&r, StatusCode::SEE_OTHER, "switching")?;
    check(r.location.as_deref() == Some("/"), || {
        format!("redirected to {:?}", r.location)
    })?;
    let page = c.get("/claims/EX-001-TRIAL");
    check(
        page.body.contains("lang=\"zh-CN\"") && page.body.contains("下一步"),
        || "not in Chinese".into(),
    )?;
    // The forms' choices too: the label in Chinese, the value the claim file's name.
    for want in [
        "<option value=\"refund\">退款</option>",
        "<option value=\"request_evidence\">要求提供证据</option>",
    ] {
        check(page.body.contains(want), || format!("no {want}"))?;
    }
    // Remembered for the user: a new browser without the cookie gets Chinese after login.
    let mut other = Client::new(app);
    other.login("rep.ana");
    let page = other.get("/");
    check(page.body.contains("未结索赔"), || {
        "the choice was not remembered".into()
    })?;
    let r = c.post("/lang", &[("csrf", &csrf), ("lang", "fr")]);
    check(r.status.is_client_error(), || "an unknown language".into())
}

fn manager_and_analyst_pages(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &example("trial-order-failures.toml"), Some("rep.ana"));
    let mut l = db.ledger();
    let rec = l.get("EX-001-TRIAL").map_err(|e| e.to_string())?;
    let outcome = settle_engine::claim::Outcome {
        remedy: settle_engine::claim::Remedy::Reship,
        amount: "2700.00".parse().map_err(|_| "money")?,
        cost: "2038.50".parse().map_err(|_| "money")?,
        closed: time::macros::date!(2024 - 03 - 10),
        retained: true,
    };
    l.close("EX-001-TRIAL", rec.version, &outcome, "boss", now().now)
        .map_err(|e| e.to_string())?;
    let app = team_app(db);
    let mut boss = Client::new(app.clone());
    boss.login("boss");
    let rules = boss.get("/rules");
    check(
        rules.body.contains("id=\"rule-refund-only-when-severe\"")
            && rules.body.contains("default"),
        || "the rules page".into(),
    )?;
    let outcomes = boss.get("/outcomes");
    check(
        outcomes.body.contains("EX-001-TRIAL") && outcomes.body.contains("USD 2,038.50"),
        || outcomes.body.clone(),
    )?;
    let mut ann = Client::new(app);
    let csrf = ann.login("ann");
    let page = ann.get("/analyst");
    check(page.body.contains("value=\"lean\""), || {
        "the candidates".into()
    })?;
    let r = ann.post(
        "/analyst",
        &[("csrf", &csrf), ("candidate", "lean"), ("kind", "replay")],
    );
    status(&r, StatusCode::OK, "a replay")?;
    check(
        r.body.contains("<svg") || r.body.contains("Replay") || r.body.contains("replay"),
        || "the report".into(),
    )?;
    let r = ann.post(
        "/analyst",
        &[("csrf", &csrf), ("candidate", "lean"), ("kind", "simulate")],
    );
    status(&r, StatusCode::OK, "a simulation")?;
    // Only a listed folder: never a path.
    for bad in ["../../etc", "/etc", "lean/../../..", ""] {
        let r = ann.post(
            "/analyst",
            &[("csrf", &csrf), ("candidate", bad), ("kind", "replay")],
        );
        status(&r, StatusCode::UNPROCESSABLE_ENTITY, bad)?;
    }
    Ok(())
}

fn garbage(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &example("trial-order-failures.toml"), Some("rep.ana"));
    let mut c = Client::new(team_app(db));
    let csrf = c.login("boss");
    let before = counts(db);
    // A fixed pseudo-random walk over paths and bodies (no clock, no seed from outside).
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let pieces = [
        "claims",
        "EX-001-TRIAL",
        "%00",
        "%FF",
        "..",
        "approvals",
        "-1",
        "99999999999999999999",
        "rounds",
        "advice",
        "approval",
        "new",
        "%2F",
        "rules",
        "'",
        "\u{1F600}",
        "a b",
    ];
    let values = [
        "",
        "1",
        "-1",
        "x",
        "propose",
        "buyer",
        "refund",
        "1e9",
        "NaN",
        "\u{0}",
        "2024-13-01",
    ];
    for _ in 0..150 {
        let n = (next() % 4) as usize + 1;
        let path: String = (0..n)
            .map(|_| format!("/{}", pieces[(next() % pieces.len() as u64) as usize]))
            .collect();
        let path = path.replace(' ', "%20");
        let Ok(uri) = path.parse::<axum::http::Uri>() else {
            continue;
        };
        let r = if next() % 2 == 0 {
            c.get(&uri.to_string())
        } else {
            let mut f = vec![("csrf", csrf.as_str())];
            for k in [
                "version", "kind", "by", "remedy", "amount", "on", "decision",
            ] {
                if next() % 2 == 0 {
                    f.push((k, values[(next() % values.len() as u64) as usize]));
                }
            }
            c.post(&uri.to_string(), &f)
        };
        check(r.status.as_u16() < 500, || {
            format!("{path}: {} {}", r.status, r.body)
        })?;
    }
    // Whatever was written went through the checks; the ledger still reads back.
    let after = counts(db);
    check(after[0] == before[0], || "a claim appeared".into())?;
    db.ledger()
        .get("EX-001-TRIAL")
        .map_err(|e| format!("the claim no longer reads: {e}"))?;
    Ok(())
}

fn closing(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &example("trial-order-failures.toml"), Some("rep.ana"));
    let app = team_app(db);
    let mut c = Client::new(app.clone());
    let csrf = c.login("rep.ana");
    // Not settled yet: closing needs the option and amount.
    let r = c.post(
        "/claims/EX-001-TRIAL/close",
        &[
            ("csrf", &csrf),
            ("version", "2"),
            ("cost", "10"),
            ("retained", "yes"),
        ],
    );
    status(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "closing an unsettled claim",
    )?;
    // We accept the buyer's proposal (below the limit), then close at the accepted terms.
    let r = c.post(
        "/claims/EX-001-TRIAL/rounds",
        &[
            ("csrf", &csrf),
            ("version", "2"),
            ("kind", "accept"),
            ("by", "seller"),
        ],
    );
    status(&r, StatusCode::SEE_OTHER, "accepting")?;
    let page = c.get("/claims/EX-001-TRIAL");
    check(page.body.contains("id=\"close-claim\""), || {
        "no close form".into()
    })?;
    for (cost, retained) in [("-1", "yes"), ("2038.50", "maybe")] {
        let r = c.post(
            "/claims/EX-001-TRIAL/close",
            &[
                ("csrf", &csrf),
                ("version", "3"),
                ("cost", cost),
                ("retained", retained),
            ],
        );
        status(&r, StatusCode::UNPROCESSABLE_ENTITY, cost)?;
    }
    let r = c.post(
        "/claims/EX-001-TRIAL/close",
        &[
            ("csrf", &csrf),
            ("version", "3"),
            ("cost", "2038.50"),
            ("retained", "yes"),
        ],
    );
    status(&r, StatusCode::SEE_OTHER, "closing")?;
    let rec = db.ledger().get("EX-001-TRIAL").map_err(|e| e.to_string())?;
    let o = rec.claim.outcome.ok_or("no outcome")?;
    check(
        o.remedy == settle_engine::claim::Remedy::Reship && o.amount.to_string() == "2700.00",
        || format!("{o:?}"),
    )?;
    let r = c.post(
        "/claims/EX-001-TRIAL/rounds",
        &[
            ("csrf", &csrf),
            ("version", "4"),
            ("kind", "refuse"),
            ("by", "buyer"),
        ],
    );
    status(
        &r,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a write on a closed claim",
    )?;
    let mut boss = Client::new(app);
    boss.login("boss");
    let page = boss.get("/outcomes");
    check(
        page.body.contains("EX-001-TRIAL") && page.body.contains("USD 2,700.00"),
        || page.body.clone(),
    )
}

fn assigning(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &example("trial-order-failures.toml"), Some("rep.bo"));
    let app = team_app(db);
    let mut ana = Client::new(app.clone());
    let acsrf = ana.login("rep.ana");
    status(
        &ana.get("/claims/EX-001-TRIAL"),
        StatusCode::FORBIDDEN,
        "before",
    )?;
    // A rep assigns nothing.
    let r = ana.post(
        "/claims/EX-001-TRIAL/assign",
        &[("csrf", &acsrf), ("version", "2"), ("rep", "rep.ana")],
    );
    status(&r, StatusCode::FORBIDDEN, "a rep assigning")?;
    let mut boss = Client::new(app);
    let csrf = boss.login("boss");
    check(
        boss.get("/claims/EX-001-TRIAL")
            .body
            .contains("id=\"assign\""),
        || "no assign form for the manager".into(),
    )?;
    for who in ["ann", "gone", "nobody", "'; DROP TABLE users; --"] {
        let r = boss.post(
            "/claims/EX-001-TRIAL/assign",
            &[("csrf", &csrf), ("version", "2"), ("rep", who)],
        );
        status(&r, StatusCode::UNPROCESSABLE_ENTITY, who)?;
    }
    let r = boss.post(
        "/claims/EX-001-TRIAL/assign",
        &[("csrf", &csrf), ("version", "2"), ("rep", "rep.ana")],
    );
    status(&r, StatusCode::SEE_OTHER, "assigning")?;
    status(&ana.get("/claims/EX-001-TRIAL"), StatusCode::OK, "after")?;
    let events = db
        .ledger()
        .events("EX-001-TRIAL")
        .map_err(|e| e.to_string())?;
    let last = events.last().ok_or("no event")?;
    check(last.actor == "boss" && last.action == "assign", || {
        format!("{last:?}")
    })
}

fn evidence(db: &Db) -> Result<(), Failed> {
    add_users(db);
    enter(db, &example("tiles-transit-damage.toml"), Some("rep.ana"));
    let mut c = Client::new(team_app(db));
    let csrf = c.login("rep.ana");
    let before = counts(db);
    for (field, value) in [
        ("our_qc", "sort of"),
        ("no_such_field", "x"),
        ("buyer_photos", "maybe"),
    ] {
        let r = c.post(
            "/claims/EX-TILES-TRANSIT/rounds",
            &[
                ("csrf", &csrf),
                ("version", "2"),
                ("kind", "evidence"),
                ("evidence_field", field),
                ("evidence_value", value),
            ],
        );
        status(&r, StatusCode::UNPROCESSABLE_ENTITY, field)?;
    }
    check(counts(db) == before, || {
        "a bad evidence change wrote".into()
    })?;
    let r = c.post(
        "/claims/EX-TILES-TRANSIT/rounds",
        &[
            ("csrf", &csrf),
            ("version", "2"),
            ("kind", "evidence"),
            ("evidence_field", "our_qc"),
            ("evidence_value", "failed"),
            ("note", "the QC report, found"),
        ],
    );
    status(&r, StatusCode::SEE_OTHER, "evidence")?;
    let rec = db
        .ledger()
        .get("EX-TILES-TRANSIT")
        .map_err(|e| e.to_string())?;
    check(rec.claim.evidence.our_qc.as_str() == "failed", || {
        format!("our_qc is {}", rec.claim.evidence.our_qc.as_str())
    })?;
    let page = c.get("/claims/EX-TILES-TRANSIT");
    check(page.body.contains("our_qc"), || {
        "the round's change is not shown".into()
    })
}
