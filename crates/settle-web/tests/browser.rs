//! The web desk in a real browser: headless Chromium driven through chromedriver (settle-browser,
//! WebDriver) against the real server on a loopback port, on a SQLite ledger. The flows the
//! issue names: a rep enters a claim, records the buyer's counter, gets the next advice and
//! copies the draft; an offer above the limit goes to the manager, who approves it; a rep cannot
//! open another rep's claim; a form posted without its CSRF token is refused; a claim summary
//! holding `<script>` is shown as text; and the main pages at phone width (390 px) do not
//! overflow. Screenshots of the main pages go to `target/tmp/web-screenshots/` (not committed).
//!
//! Without `chromium` and `chromedriver` (Debian's packages; `.ci/run` installs them through
//! `tests/browser/ci-chromium.sh`) every test is reported as NOT RUN, never as passed.

#[path = "http/support.rs"]
#[allow(dead_code)]
mod support;

/// This file has its own `main` (libtest-mimic). Built by libtest's harness instead (a target
/// without `harness = false`), that main would never run and the target would pass with no
/// test; then this one runs, and fails. Without the harness it is not compiled.
#[test]
fn needs_harness_false() {
    panic!("this test target needs `harness = false` in its Cargo.toml: it has its own main");
}

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use settle_browser::{Browser, Page, Tools, Viewport};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};
use support::*;

type Flow = fn(&Env<'_>) -> Result<(), Failed>;

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

fn main() -> ExitCode {
    let mut args = Arguments::from_args();
    // One browser at a time on a two-core machine.
    args.test_threads = Some(1);
    let tools = Tools::find();
    let trials: Vec<Trial> = FLOWS
        .iter()
        .map(|&(name, flow)| {
            let tools = tools.clone();
            Trial::ignorable_test(name, move || match tools {
                Err(missing) => Ok(Completion::ignored_with(format!("NOT RUN: {missing}"))),
                Ok(t) => run(flow, &t).map(|()| Completion::Completed),
            })
        })
        .collect();
    let banner = tools.as_ref().err().map(|missing| {
        format!(
            "web browser tests: {} NOT RUN: {missing} (tests/browser/ci-chromium.sh installs them)",
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
    conclusion.exit_code()
}

/// A browser error with its causes.
fn why(e: settle_browser::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        text.push_str(&format!(": {s}"));
        source = s.source();
    }
    text
}

/// One test's world: a ledger, the real server on a loopback port, a browser window.
struct Env<'b> {
    db: Db,
    base: String,
    browser: &'b Browser,
    page: Page<'b>,
    shots: PathBuf,
}

impl<'b> Env<'b> {
    fn goto(&self, path: &str) -> Result<(), Failed> {
        self.page
            .goto(&format!("{}{path}", self.base))
            .map_err(|e| format!("goto {path}: {}", why(e)).into())
    }

    fn url(&self) -> String {
        self.page.url().unwrap_or_default()
    }

    fn fill(&self, sel: &str, text: &str) -> Result<(), Failed> {
        self.page
            .fill(sel, text)
            .map_err(|e| format!("typing into {sel} on {}: {}", self.url(), why(e)).into())
    }

    /// Clicks a button or link that loads a page, and waits for it.
    fn click(&self, sel: &str) -> Result<(), Failed> {
        self.page
            .click_to_load(sel)
            .map_err(|e| format!("clicking {sel} on {}: {}", self.url(), why(e)).into())
    }

    /// Clicks a control that stays on the page.
    fn press(&self, sel: &str) -> Result<(), Failed> {
        self.page
            .click(sel)
            .map_err(|e| format!("clicking {sel} on {}: {}", self.url(), why(e)).into())
    }

    fn select(&self, sel: &str, value: &str) -> Result<(), Failed> {
        self.page
            .select(sel, value)
            .map_err(|e| format!("choosing {value} in {sel}: {}", why(e)).into())
    }

    fn text(&self, sel: &str) -> Result<String, Failed> {
        self.page
            .text(sel)
            .map_err(|e| format!("no `{sel}` on {}: {}", self.url(), why(e)).into())
    }

    fn attr(&self, sel: &str, name: &str) -> Result<Option<String>, Failed> {
        self.page
            .attr(sel, name)
            .map_err(|e| format!("{sel}: {}", why(e)).into())
    }

    fn body(&self) -> Result<String, Failed> {
        self.text("body")
    }

    fn js(&self, script: &str) -> Result<serde_json::Value, Failed> {
        self.page
            .eval(script)
            .map_err(|e| format!("script: {}", why(e)).into())
    }

    fn shot(&self, name: &str) -> Result<(), Failed> {
        self.page
            .screenshot(&self.shots.join(format!("{name}.png")))
            .map_err(|e| format!("screenshot: {}", why(e)).into())
    }

    fn login_on(&self, page: &Page<'_>, user: &str) -> Result<(), Failed> {
        let step = |r: Result<(), settle_browser::Error>| r.map_err(|e| Failed::from(why(e)));
        step(page.goto(&format!("{}/login", self.base)))?;
        step(page.fill("#user", user))?;
        step(page.fill("#password", PASSWORD))?;
        step(page.click_to_load("form[action='/login'] button[type=submit]"))?;
        page.text("nav")
            .map_err(|e| Failed::from(format!("not logged in: {}", why(e))))?;
        Ok(())
    }

    fn login(&self, user: &str) -> Result<(), Failed> {
        self.login_on(&self.page, user)
    }

    fn logout(&self) -> Result<(), Failed> {
        self.click("form[action='/logout'] button")?;
        self.text("#user")?;
        Ok(())
    }
}

fn run(flow: Flow, tools: &Tools) -> Result<(), Failed> {
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
    let browser = Browser::start(tools).map_err(why)?;
    let page = browser.open(Viewport::DESKTOP).map_err(why)?;
    let shots = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("web-screenshots");
    std::fs::create_dir_all(&shots).map_err(|e| e.to_string())?;
    let env = Env {
        db,
        base: format!("http://{addr}"),
        browser: &browser,
        page,
        shots,
    };
    let result = flow(&env);
    drop(env);
    drop(browser);
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
    e.press("#f-problem-still_needed")?;
    e.press("#f-evidence-buyer_photos")?;
    e.press("#f-evidence-spec_in_contract")?;
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
    let text = e
        .page
        .prop("#draft-text", "value")
        .map_err(why)?
        .unwrap_or_default();
    check(text.contains("WEB-1"), || format!("the draft: {text}"))?;
    e.press("#copy-draft")?;
    let start = Instant::now();
    loop {
        let d = e.attr("#copy-draft", "data-done")?;
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
    let held = e.attr("#we-accepted", "disabled")?;
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
    let held = e.attr("#we-accepted", "disabled")?;
    check(held.is_none(), || "still held back after approval".into())?;
    e.click("#we-accepted")?;
    // The click posts the form; the page that comes back shows the claim settled.
    let start = Instant::now();
    loop {
        let rec = e.db.ledger().get("BIG-1").map_err(|x| x.to_string())?;
        if rec.claim.negotiation().settled.is_some() {
            return Ok(());
        }
        if start.elapsed() > Duration::from_secs(5) {
            return Err("the acceptance was not recorded".into());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
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
    // A phone: 390 CSS pixels wide, touch, mobile layout (settle-browser's emulation).
    let phone = e.browser.open(Viewport::PHONE).map_err(why)?;
    e.login_on(&phone, "rep.ana")?;
    for (path, name) in [
        ("/", "phone-desk"),
        ("/claims/EX-001-TRIAL", "phone-claim"),
        ("/claims/BIG-2", "phone-claim-approval"),
        ("/claims/new", "phone-new-claim"),
        ("/rules", "phone-rules"),
    ] {
        phone.goto(&format!("{}{path}", e.base)).map_err(why)?;
        let fits = phone
            .eval("return [document.documentElement.scrollWidth, window.innerWidth];")
            .map_err(why)?;
        check(
            fits[1].as_u64() == Some(390) && fits[0].as_u64() <= fits[1].as_u64(),
            || format!("{path} overflows a 390 px screen: {fits}"),
        )?;
        phone
            .screenshot(&e.shots.join(format!("{name}.png")))
            .map_err(why)?;
    }
    drop(phone);
    // The rep's language: chosen once, kept.
    e.login("rep.ana")?;
    e.select("#lang-choice", "zh-CN")?;
    e.click("form[action='/lang'] button")?;
    e.goto("/claims/EX-001-TRIAL")?;
    check(e.body()?.contains("下一步"), || {
        "the page is not in Chinese".into()
    })?;
    e.shot("claim-zh")?;
    e.select("#lang-choice", "en")?;
    e.click("form[action='/lang'] button")?;
    // Keyboard: the skip link comes first, and every input has a label.
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
