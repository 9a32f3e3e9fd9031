//! The routes and their handlers. Each handler runs its work on a blocking thread (the ledger
//! is synchronous): it finds the viewer, checks their right and, for a form, its CSRF token
//! before anything else, then reads or writes the ledger, builds settle-view's views and renders
//! a template. A refused request writes nothing.

use crate::auth::{self, Right, Viewer};
use crate::form::{self, FormData};
use crate::render::{self, local_path, redirect};
use crate::{App, WebError};
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use settle_engine::claim::{Party, Remedy};
use settle_engine::{Claim, Money};
use settle_ledger::desk::{Dates, DeskLimits, desk};
use settle_ledger::{
    AdviceEntry, ApprovalRequest, ApprovalStatus, ClaimRecord, Filter, RoundEntry, RoundKind,
    Status,
};
use settle_rules::{Format, SourceFile};
use settle_view::advice::AdviceView;
use settle_view::desk::{ClaimListView, ClaimShowView, DeskView, turn_text};
use settle_view::l10n::{Arg, Lang, Messages};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::Arc;
use time::Date;

type AppState = State<Arc<App>>;

/// Every route.
pub fn routes(_app: Arc<App>) -> Router<Arc<App>> {
    Router::new()
        .route("/", get(desk_page))
        .route("/claims/new", get(new_form).post(new_claim))
        .route("/claims/{id}", get(claim_page))
        .route("/claims/{id}/rounds", post(record_round))
        .route("/claims/{id}/advice", post(log_advice))
        .route("/claims/{id}/approval", post(ask_approval))
        .route("/claims/{id}/close", post(close_claim))
        .route("/claims/{id}/assign", post(assign_claim))
        .route("/approvals", get(approvals_page))
        .route("/approvals/{n}", post(decide_approval))
        .route("/rules", get(rules_page))
        .route("/outcomes", get(outcomes_page))
        .route("/analyst", get(analyst_page).post(analyst_run))
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/lang", post(set_lang))
        .route("/assets/style.css", get(style))
        .route("/assets/app.js", get(script))
        .fallback(not_found)
}

/// Runs a handler's work on a blocking thread; a panic there is a 500, never a dead server.
async fn blocking<F>(work: F) -> Response
where
    F: FnOnce() -> Result<Response, WebError> + Send + 'static,
{
    match tokio::task::spawn_blocking(work).await {
        Ok(Ok(r)) => r,
        Ok(Err(e)) => e.into_response(),
        Err(_) => render::error_page(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the request failed; nothing was written",
        ),
    }
}

thread_local! {
    static MESSAGES: RefCell<Vec<(Lang, Rc<Messages>)>> = const { RefCell::new(Vec::new()) };
}

/// The rep's messages, built once per thread and language.
fn messages(lang: Lang) -> Rc<Messages> {
    MESSAGES.with(|c| {
        let mut c = c.borrow_mut();
        if let Some((_, m)) = c.iter().find(|(l, _)| *l == lang) {
            return m.clone();
        }
        let m = Rc::new(Messages::new(lang));
        c.push((lang, m.clone()));
        m
    })
}

fn t(lang: Lang, key: &str) -> String {
    crate::text::texts(lang)
        .get(key)
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

fn bad(message: impl Into<String>) -> WebError {
    WebError::new(StatusCode::UNPROCESSABLE_ENTITY, message)
}

/// Reads a form posted by a viewer and checks its CSRF token.
fn posted(app: &App, headers: &HeaderMap, body: &[u8]) -> Result<(Viewer, FormData), WebError> {
    let viewer = app.viewer(headers, false)?;
    let form = FormData::read(headers, body)?;
    viewer.check_csrf(form.get("csrf"))?;
    Ok((viewer, form))
}

/// A claim the viewer may open, or 404 / 403.
fn open_claim(app: &App, viewer: &Viewer, id: &str) -> Result<ClaimRecord, WebError> {
    viewer.need(Right::Claims)?;
    let record = app.ledger(|l| l.get(id))?;
    if !viewer.may_open(record.assigned_to.as_deref()) {
        return Err(WebError::new(
            StatusCode::FORBIDDEN,
            "this claim is not assigned to you",
        ));
    }
    Ok(record)
}

/// The claim as advised today: the decision date is today, or the claim's last move when that
/// is later (a round dated ahead of the clock).
fn advised_claim(r: &ClaimRecord, today: Date) -> Claim {
    let mut c = r.claim.clone();
    let last = c.rounds.last().map_or(c.received, |x| x.on).max(c.received);
    c.as_of = Some(today.max(last));
    c
}

/// The advice on the ledger's claim as of today, for a write that acts on it.
fn advise_today(
    app: &App,
    record: &ClaimRecord,
    today: Date,
) -> Result<(Claim, settle_engine::Advice), WebError> {
    let claim = advised_claim(record, today);
    let advice = settle_engine::advise(&app.rules.playbook, &claim)
        .map_err(|e| bad(format!("{e}; the figures are too large to price")))?;
    Ok((claim, advice))
}

fn claim_url(id: &str) -> String {
    format!("/claims/{}", encode_path(id))
}

/// Percent-encodes a path segment.
fn encode_path(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The rep's desk

#[derive(Serialize)]
struct DeskLine {
    url: String,
    claim: String,
    customer: String,
    problem: String,
    ask: String,
    turn: String,
    due: String,
    overdue: bool,
    assigned_to: String,
}

#[derive(Serialize)]
struct DeskPage {
    head: String,
    lines: Vec<DeskLine>,
}

async fn desk_page(State(app): AppState, headers: HeaderMap) -> Response {
    blocking(move || {
        let viewer = app.viewer(&headers, true)?;
        if !viewer.may(Right::Claims) {
            return Ok(redirect(if viewer.may(Right::Analyse) {
                "/analyst"
            } else {
                "/rules"
            }));
        }
        let m = messages(viewer.lang);
        let today = app.now().today;
        let mine = viewer.only_own_claims().then(|| viewer.name.clone());
        let summaries = app.ledger(|l| l.list(Filter::Open, mine.as_deref()))?;
        let limits = DeskLimits::of(&app.rules.playbook);
        let lines: Vec<_> = summaries
            .into_iter()
            .map(|s| {
                let d = Dates::of_summary(&s).map(|d| desk(&d, &limits, today));
                (s, d)
            })
            .collect();
        let view = ClaimListView::of(&lines, today, "open", mine.as_deref(), &m);
        let page = DeskPage {
            head: m.get(
                "list-head",
                &[
                    ("as_of", view.as_of.as_str().into()),
                    ("n", Arg::Num(view.claims.len() as i64)),
                    ("overdue", Arg::Num(view.overdue as i64)),
                    ("filter", m.text("filter-open").into()),
                ],
            ),
            lines: view
                .claims
                .iter()
                .map(|c| DeskLine {
                    url: claim_url(&c.claim),
                    claim: c.claim.clone(),
                    customer: c.customer.clone().unwrap_or_default(),
                    problem: c
                        .kind
                        .as_deref()
                        .map(|k| settle_view::words::kind(k, &m))
                        .unwrap_or_default(),
                    ask: match (&c.currency, &c.ask_amount, &c.ask_remedy) {
                        (Some(cur), Some(a), Some(r)) => format!(
                            "{} {}",
                            settle_view::money(cur, a),
                            settle_view::words::remedy(r, &m)
                        ),
                        _ => String::new(),
                    },
                    turn: turn_text(c.turn, c.waited_days, &m),
                    due: c
                        .missed
                        .iter()
                        .chain(c.next_due.iter())
                        .map(|d| d.text.clone())
                        .collect::<Vec<_>>()
                        .join("; "),
                    overdue: c
                        .next_due
                        .as_ref()
                        .is_some_and(|d| matches!(d.state, "overdue" | "missed"))
                        || !c.missed.is_empty(),
                    assigned_to: c.assigned_to.clone().unwrap_or_default(),
                })
                .collect(),
        };
        let title = t(viewer.lang, "open_claims");
        Ok(render::page(
            "desk.html",
            &viewer,
            app.team(),
            "/",
            &title,
            &page,
        ))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// A new claim

#[derive(Serialize)]
struct NewPage {
    groups: Vec<form::Group>,
    errors: Vec<String>,
    assign: bool,
    assign_value: String,
}

fn new_page(
    app: &App,
    viewer: &Viewer,
    posted: Option<&FormData>,
    errors: &[(String, String)],
    status: StatusCode,
) -> Response {
    let m = messages(viewer.lang);
    let page = NewPage {
        groups: form::claim_form(&m, app.now().today, posted, errors),
        errors: errors
            .iter()
            .filter(|(f, _)| f == "claim" || f == "assign")
            .map(|(_, e)| e.clone())
            .collect(),
        assign: app.team() && !viewer.only_own_claims(),
        assign_value: posted
            .and_then(|p| p.get("assign"))
            .unwrap_or("")
            .to_string(),
    };
    let title = t(viewer.lang, "new_claim");
    let mut r = render::page("new.html", viewer, app.team(), "/claims/new", &title, &page);
    *r.status_mut() = status;
    r
}

async fn new_form(State(app): AppState, headers: HeaderMap) -> Response {
    blocking(move || {
        let viewer = app.viewer(&headers, true)?;
        viewer.need(Right::Claims)?;
        Ok(new_page(&app, &viewer, None, &[], StatusCode::OK))
    })
    .await
}

async fn new_claim(State(app): AppState, headers: HeaderMap, body: Bytes) -> Response {
    blocking(move || {
        let (viewer, form) = posted(&app, &headers, &body)?;
        viewer.need(Right::Claims)?;
        let now = app.now();
        let src = SourceFile::new("the form", form::claim_toml(&form));
        let claim = match settle_rules::parse_claim(&src, Format::Toml) {
            Ok(c) => c,
            Err(diags) => {
                let errors = form::field_errors(&diags);
                return Ok(new_page(
                    &app,
                    &viewer,
                    Some(&form),
                    &errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                ));
            }
        };
        // A rep's claim is theirs; a manager may assign it (checked before anything is written).
        let assignee = if viewer.only_own_claims() {
            Some(viewer.name.clone())
        } else {
            form.text("assign").map(str::to_string)
        };
        if let Some(a) = &assignee
            && app.team()
        {
            let known = app.ledger(|l| l.credentials(a))?;
            if !known
                .is_some_and(|(u, _)| u.role == settle_ledger::Role::Rep || u.name == viewer.name)
            {
                let errors = vec![(
                    "assign".to_string(),
                    format!("`{a}` is not a rep of this desk"),
                )];
                return Ok(new_page(
                    &app,
                    &viewer,
                    Some(&form),
                    &errors,
                    StatusCode::UNPROCESSABLE_ENTITY,
                ));
            }
        }
        let actor = viewer.name.clone();
        let created = app.ledger_write(|l| {
            let r = l.create_claim(&claim, &actor, now.now)?;
            match &assignee {
                Some(a) => l.assign(&claim.id, r.version, Some(a), &actor, now.now),
                None => Ok(r),
            }
        });
        match created {
            Ok(r) => Ok(redirect(&claim_url(&r.claim.id))),
            Err(e) => {
                let errors = vec![("id".to_string(), e.message.clone())];
                Ok(new_page(&app, &viewer, Some(&form), &errors, e.status))
            }
        }
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// The claim page

#[derive(Deserialize)]
struct ClaimQuery {
    buyer_lang: Option<String>,
}

#[derive(Serialize)]
struct Gate {
    approver: String,
    limit: String,
    rule: settle_view::Cite,
    /// `none`, `pending`, `approved`, `declined`.
    state: &'static str,
    decided_by: String,
    comment: String,
    text: String,
}

/// A choice of a drop-down: the value the form sends (the claim file's name) and its label in
/// the page's language.
#[derive(Serialize)]
struct Choice {
    value: &'static str,
    label: String,
}

#[derive(Serialize)]
struct Offer {
    /// The move accepts the buyer's proposal (else it is our offer).
    accept: bool,
    remedy: &'static str,
    amount: String,
    text: String,
    allowed: bool,
}

#[derive(Serialize)]
struct ClaimPage {
    id: String,
    url: String,
    version: u64,
    open: bool,
    assigned_to: String,
    brief: Vec<(String, String)>,
    turn: String,
    due: Vec<(String, bool)>,
    advice: Option<settle_view::advice::AdvicePage>,
    advice_error: Option<String>,
    gate: Option<Gate>,
    offer: Option<Offer>,
    our_offer_standing: bool,
    /// The claim is settled by an acceptance: close it.
    settled: bool,
    draft_text: String,
    draft_error: Option<String>,
    draft_is_ack: bool,
    buyer_lang: &'static str,
    first_answer_due: bool,
    today: String,
    remedies: Vec<Choice>,
    evidence_fields: Vec<&'static str>,
    kinds: Vec<Choice>,
    rounds: Vec<(String, String, String)>,
    advice_log: Vec<(String, String, String, String)>,
    events: Vec<(String, String, String)>,
    approvals: Vec<(String, String, String)>,
    currency: String,
}

async fn claim_page(
    State(app): AppState,
    Path(id): Path<String>,
    Query(q): Query<ClaimQuery>,
    headers: HeaderMap,
) -> Response {
    blocking(move || {
        let viewer = app.viewer(&headers, true)?;
        viewer.need(Right::Claims)?;
        // One consistent read for the whole page; the rep's right to it is checked before
        // anything is shown.
        let settle_ledger::ClaimFile {
            record,
            advice: log,
            events,
            approvals,
        } = app.ledger(|l| l.file(&id))?;
        if !viewer.may_open(record.assigned_to.as_deref()) {
            return Err(WebError::new(
                StatusCode::FORBIDDEN,
                "this claim is not assigned to you",
            ));
        }
        let m = messages(viewer.lang);
        let now = app.now();
        let p = &app.rules.playbook;
        let show = ClaimShowView::of(
            &record,
            DeskView::of_record(&record, p, now.today, &m),
            &log,
            &events,
            &m,
        );
        let open = record.status == Status::Open;
        let currency = record.claim.currency.code().to_string();
        let buyer_lang = match q.buyer_lang.as_deref() {
            Some("zh-CN") => "zh-CN",
            _ => "en",
        };
        let first_due = open && settle_view::desk::first_answer_due(&record, p, now.today);
        let mut page = ClaimPage {
            id: record.claim.id.clone(),
            url: claim_url(&record.claim.id),
            version: record.version,
            open,
            assigned_to: record.assigned_to.clone().unwrap_or_default(),
            brief: brief(&record.claim, &m),
            turn: turn_text(show.desk.turn, show.desk.waited_days, &m),
            due: show
                .desk
                .due
                .iter()
                .filter(|d| d.state != "met")
                .map(|d| (d.text.clone(), matches!(d.state, "overdue" | "missed")))
                .collect(),
            advice: None,
            advice_error: None,
            gate: None,
            offer: None,
            settled: record.claim.negotiation().settled.is_some(),
            our_offer_standing: record.claim.negotiation().our_standing.is_some(),
            draft_text: String::new(),
            draft_error: None,
            draft_is_ack: false,
            buyer_lang,
            first_answer_due: first_due,
            today: now.today.to_string(),
            remedies: Remedy::NAMES
                .iter()
                .map(|r| Choice {
                    value: r,
                    label: settle_view::words::remedy(r, &m),
                })
                .collect(),
            evidence_fields: form::evidence_fields(),
            kinds: RoundKind::NAMES
                .iter()
                .map(|k| Choice {
                    value: k,
                    label: m.text(&format!("web-kind-{}", k.replace('_', "-"))),
                })
                .collect(),
            rounds: show
                .rounds
                .iter()
                .map(|r| (r.on.clone(), r.text(&currency, &m), r.recorded_by.clone()))
                .collect(),
            advice_log: show
                .advice
                .iter()
                .map(|a| {
                    (
                        a.given_at.clone(),
                        a.message.clone().unwrap_or_else(|| a.action.to_string()),
                        a.given_by.clone(),
                        a.rules.short(),
                    )
                })
                .collect(),
            events: show
                .events
                .iter()
                .map(|e| (e.at.clone(), e.actor.clone(), e.action.clone()))
                .collect(),
            approvals: approvals
                .iter()
                .map(|a| {
                    (
                        a.status.as_str().to_string(),
                        settle_view::money(&currency, &a.request.amount.to_string()),
                        match (&a.decided_by, &a.comment) {
                            (Some(by), Some(c)) => format!("{by}: {c}"),
                            _ => a.requested_by.clone(),
                        },
                    )
                })
                .collect(),
            currency: currency.clone(),
        };
        if open {
            let claim = advised_claim(&record, now.today);
            match settle_engine::advise(p, &claim) {
                Ok(advice) => {
                    let view = AdviceView::of(p, &claim, &advice);
                    if let (Some(a), Some(prop)) = (&view.next.approval, &advice.next.proposal) {
                        let found = approvals.iter().rev().find(|x| {
                            x.request.remedy == prop.remedy && x.request.amount == prop.amount
                        });
                        let (state, by, comment) = match found {
                            None => ("none", String::new(), String::new()),
                            Some(x) => (
                                x.status.as_str(),
                                x.decided_by.clone().unwrap_or_default(),
                                x.comment.clone().unwrap_or_default(),
                            ),
                        };
                        page.gate = Some(Gate {
                            approver: a.approver.clone(),
                            limit: settle_view::money(&currency, &a.limit),
                            rule: a.rule.clone(),
                            state,
                            decided_by: by,
                            comment,
                            text: m.get(
                                "web-gate",
                                &[
                                    ("approver", a.approver.as_str().into()),
                                    ("limit", settle_view::money(&currency, &a.limit).into()),
                                ],
                            ),
                        });
                    }
                    if let Some(prop) = &advice.next.proposal
                        && matches!(
                            advice.next.action,
                            settle_engine::Action::Offer | settle_engine::Action::Accept
                        )
                    {
                        let gate_ok = page.gate.as_ref().is_none_or(|g| g.state == "approved");
                        page.offer = Some(Offer {
                            accept: advice.next.action == settle_engine::Action::Accept,
                            remedy: prop.remedy.as_str(),
                            amount: claim.currency.round_string(prop.amount),
                            text: view
                                .next
                                .proposal
                                .as_ref()
                                .map(|pv| {
                                    if viewer.lang == Lang::En {
                                        pv.description.clone()
                                    } else {
                                        settle_view::words::proposal(pv, &currency, &m)
                                    }
                                })
                                .unwrap_or_default(),
                            allowed: gate_ok,
                        });
                    }
                    let name = first_due.then_some("acknowledge");
                    match settle_view::draft::for_record(
                        &app.rules.drafts,
                        p,
                        &record,
                        &claim,
                        &advice,
                        name,
                        buyer_lang,
                        now.today,
                        &viewer.name,
                    ) {
                        Ok(d) => {
                            page.draft_text = d.text.clone();
                            page.draft_is_ack = name.is_some();
                        }
                        Err(e) => page.draft_error = Some(e.to_string()),
                    }
                    page.advice = Some(view.page_in(&m));
                }
                Err(e) => {
                    page.advice_error = Some(format!("{e}; the figures are too large to price"));
                }
            }
        }
        Ok(render::page(
            "claim.html",
            &viewer,
            app.team(),
            &page.url.clone(),
            &record.claim.id,
            &page,
        ))
    })
    .await
}

/// The claim in brief: who, what, how much.
fn brief(c: &Claim, m: &Messages) -> Vec<(String, String)> {
    let cur = c.currency.code();
    vec![
        (m.text("web-customer"), c.customer.name.clone()),
        (
            m.text("web-problem"),
            format!(
                "{}: {}",
                settle_view::words::kind(c.problem.kind.as_str(), m),
                c.problem.summary
            ),
        ),
        (
            m.text("web-ask"),
            format!(
                "{} {}",
                settle_view::money(cur, &c.currency.round_string(c.ask.amount)),
                settle_view::words::remedy(c.ask.remedy.as_str(), m)
            ),
        ),
        (
            m.text("web-order"),
            format!(
                "{} {} ({})",
                c.order.number.clone().unwrap_or_default(),
                settle_view::money(cur, &c.currency.round_string(c.order.value)),
                m.get(
                    "web-units",
                    &[(
                        "n",
                        Arg::Num(i64::try_from(c.order.quantity).unwrap_or(i64::MAX))
                    )]
                )
            ),
        ),
        (m.text("web-received"), c.received.to_string()),
    ]
}

// ---------------------------------------------------------------------------------------------
// Writes on a claim

fn version_of(form: &FormData) -> Result<u64, WebError> {
    form.text("version")
        .and_then(|v| v.parse::<u64>().ok())
        .ok_or_else(|| bad("the form has no claim version; reload the claim; nothing was written"))
}

fn amount_of(form: &FormData, name: &str) -> Result<Money, WebError> {
    let raw = form
        .text(name)
        .ok_or_else(|| bad(format!("`{name}`: give an amount; nothing was written")))?;
    let cleaned: String = raw.chars().filter(|c| *c != ',').collect();
    match cleaned.parse::<Money>() {
        Ok(x) if !x.is_sign_negative() && cleaned.len() <= 30 => Ok(x),
        _ => Err(bad(format!(
            "`{name}`: `{raw}` is not an amount of money (a decimal such as 2700.00, not negative); nothing was written"
        ))),
    }
}

fn date_of(form: &FormData, name: &str, today: Date) -> Result<Date, WebError> {
    match form.text(name) {
        None => Ok(today),
        Some(raw) => settle_rules::read::iso_date(raw).ok_or_else(|| {
            bad(format!(
                "`{name}`: `{raw}` is not a calendar date YYYY-MM-DD; nothing was written"
            ))
        }),
    }
}

async fn record_round(
    State(app): AppState,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    blocking(move || {
        let (viewer, form) = posted(&app, &headers, &body)?;
        let record = open_claim(&app, &viewer, &id)?;
        let now = app.now();
        let version = version_of(&form)?;
        let on = date_of(&form, "on", now.today)?;
        let kind_name = form.text("kind").unwrap_or("");
        let by = match form.text("by") {
            Some("buyer") => Party::Buyer,
            Some("seller") => Party::Seller,
            None if matches!(kind_name, "request_evidence" | "acknowledge") => Party::Seller,
            None if kind_name == "evidence" => Party::Buyer,
            _ => {
                return Err(bad(
                    "say who made the move: the buyer or us; nothing was written",
                ));
            }
        };
        let note = form.text("note").map(str::to_string);
        if note.as_ref().is_some_and(|n| n.chars().count() > 2000) {
            return Err(bad(
                "the note is longer than 2,000 characters; nothing was written",
            ));
        }
        let kind = match kind_name {
            "propose" => {
                let remedy = form
                    .text("remedy")
                    .and_then(Remedy::parse)
                    .ok_or_else(|| bad("choose the option proposed; nothing was written"))?;
                let amount = amount_of(&form, "amount")?;
                // Our own offer above the rep's limit needs the approval the advice asked for.
                if by == Party::Seller {
                    check_approved(&app, &record, remedy, amount)?;
                }
                Some(RoundKind::Propose { remedy, amount })
            }
            "accept" => {
                // Accepting the buyer's proposal commits us like an offer does.
                if by == Party::Seller {
                    let n = record.claim.negotiation();
                    if let Some((remedy, amount)) = n
                        .buyer_standing
                        .and_then(|j| record.claim.rounds.get(j))
                        .and_then(|r| r.terms())
                    {
                        check_approved(&app, &record, remedy, amount)?;
                    }
                }
                Some(RoundKind::Accept)
            }
            "refuse" => Some(RoundKind::Refuse),
            "withdraw" => Some(RoundKind::Withdraw),
            "request_evidence" => Some(RoundKind::RequestEvidence),
            "evidence" => Some(RoundKind::Evidence {
                changes: match form.text("evidence_field") {
                    None => serde_json::Map::new(),
                    Some(field) => {
                        form::evidence_change(field, form.get("evidence_value").unwrap_or(""))
                            .map_err(|e| bad(format!("{e}; nothing was written")))?
                    }
                },
            }),
            "acknowledge" => None,
            other => {
                return Err(bad(format!(
                    "`{other}` is not a kind of round; nothing was written"
                )));
            }
        };
        let actor = viewer.name.clone();
        app.ledger_write(|l| match kind {
            Some(kind) => l.record_round(
                &id,
                version,
                &RoundEntry { kind, by, on, note },
                &actor,
                now.now,
            ),
            None => l.acknowledge(&id, version, on, &actor, now.now),
        })?;
        Ok(redirect(&claim_url(&id)))
    })
    .await
}

/// A seller proposal whose cost the rule set puts above the rep's limit needs an approved
/// approval of that proposal on this claim.
fn check_approved(
    app: &App,
    record: &ClaimRecord,
    remedy: Remedy,
    amount: Money,
) -> Result<(), WebError> {
    let p = &app.rules.playbook;
    let Some(limit) = p.approval_limit(record.claim.currency.code()) else {
        return Ok(());
    };
    // The direct cost of the proposal, as the engine prices it on this claim: the advised
    // move's own, else the option's offer at that amount, else the amount itself.
    let claim = advised_claim(record, app.now().today);
    let cost = match settle_engine::advise(p, &claim) {
        Ok(a) => match &a.next.proposal {
            Some(pr) if pr.remedy == remedy && pr.amount == amount => pr.cost,
            _ => a
                .options
                .iter()
                .find(|o| o.remedy == remedy)
                .and_then(|o| o.proposal.as_ref())
                .filter(|pr| pr.amount == amount)
                .map_or(amount, |pr| pr.cost),
        },
        Err(_) => amount,
    };
    if cost <= limit.amount {
        return Ok(());
    }
    let approvals = app.ledger(|l| l.claim_approvals(&record.claim.id))?;
    let approved = approvals.iter().any(|a| {
        a.status == ApprovalStatus::Approved
            && a.request.remedy == remedy
            && a.request.amount >= amount
    });
    if approved {
        Ok(())
    } else {
        Err(WebError::new(
            StatusCode::FORBIDDEN,
            format!(
                "this offer costs more than the rep's limit ({} {}): ask for approval first; nothing was written",
                record.claim.currency.code(),
                record.claim.currency.round_string(limit.amount)
            ),
        ))
    }
}

async fn log_advice(
    State(app): AppState,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    blocking(move || {
        let (viewer, form) = posted(&app, &headers, &body)?;
        let record = open_claim(&app, &viewer, &id)?;
        let version = version_of(&form)?;
        let now = app.now();
        let p = &app.rules.playbook;
        let (claim, advice) = advise_today(app.as_ref(), &record, now.today)?;
        let view = AdviceView::of(p, &claim, &advice);
        let json = serde_json::to_value(&view)
            .map_err(|e| WebError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?;
        let entry = AdviceEntry::new(p, &claim, &advice, json);
        let actor = viewer.name.clone();
        app.ledger_write(|l| l.log_advice(&id, version, &entry, &actor, now.now))?;
        Ok(redirect(&format!("{}#history", claim_url(&id))))
    })
    .await
}

async fn ask_approval(
    State(app): AppState,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    blocking(move || {
        let (viewer, form) = posted(&app, &headers, &body)?;
        let record = open_claim(&app, &viewer, &id)?;
        let version = version_of(&form)?;
        let now = app.now();
        let p = &app.rules.playbook;
        let (_, advice) = advise_today(app.as_ref(), &record, now.today)?;
        let (Some(gate), Some(prop)) = (&advice.next.approval, &advice.next.proposal) else {
            return Err(bad(
                "the advised move needs no approval; nothing was written",
            ));
        };
        let request = ApprovalRequest {
            action: advice.next.action.as_str().to_string(),
            remedy: prop.remedy,
            amount: prop.amount,
            cost: prop.cost,
            limit: gate.limit,
            approver: gate.approver.clone(),
            rule: p.rule(gate.rule).id.clone(),
        };
        let actor = viewer.name.clone();
        app.ledger_write(|l| l.request_approval(&id, version, &request, &actor, now.now))?;
        Ok(redirect(&claim_url(&id)))
    })
    .await
}

/// A manager assigns the claim to a rep (or to nobody: an empty name).
async fn assign_claim(
    State(app): AppState,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    blocking(move || {
        let (viewer, form) = posted(&app, &headers, &body)?;
        viewer.need(Right::Manage)?;
        let version = version_of(&form)?;
        let rep = form.text("rep").map(str::to_string);
        if let Some(name) = &rep
            && app.team()
        {
            let known = app.ledger(|l| l.credentials(name))?;
            if !known.is_some_and(|(u, _)| u.role == settle_ledger::Role::Rep && !u.disabled) {
                return Err(bad(format!(
                    "`{name}` is not an active rep of this desk; nothing was written"
                )));
            }
        }
        let now = app.now();
        let actor = viewer.name.clone();
        app.ledger_write(|l| l.assign(&id, version, rep.as_deref(), &actor, now.now))?;
        Ok(redirect(&claim_url(&id)))
    })
    .await
}

async fn close_claim(
    State(app): AppState,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    blocking(move || {
        let (viewer, form) = posted(&app, &headers, &body)?;
        let record = open_claim(&app, &viewer, &id)?;
        let version = version_of(&form)?;
        let now = app.now();
        let on = date_of(&form, "on", now.today)?;
        // By default the outcome is the accepted proposal, as `settle claim close`.
        let settled = record
            .claim
            .negotiation()
            .settled
            .and_then(|(_, j)| record.claim.rounds.get(j))
            .and_then(|r| r.terms());
        let remedy = match (form.text("outcome").map(Remedy::parse), settled) {
            (Some(Some(r)), _) => r,
            (Some(None), _) => return Err(bad("choose the option settled on; nothing was written")),
            (None, Some((r, _))) => r,
            (None, None) => {
                return Err(bad(
                    "the claim is not settled by an acceptance: give the option and amount settled on; nothing was written",
                ));
            }
        };
        let amount = match (form.text("amount"), settled) {
            (Some(_), _) => amount_of(&form, "amount")?,
            (None, Some((r, x))) if r == remedy => x,
            (None, _) => return Err(bad("give the amount settled on; nothing was written")),
        };
        let cost = amount_of(&form, "cost")?;
        let retained = match form.text("retained") {
            Some("yes") => true,
            Some("no") => false,
            _ => return Err(bad("say whether the customer stayed; nothing was written")),
        };
        let outcome = settle_engine::claim::Outcome {
            remedy,
            amount,
            cost,
            closed: on,
            retained,
        };
        let actor = viewer.name.clone();
        app.ledger_write(|l| l.close(&id, version, &outcome, &actor, now.now))?;
        Ok(redirect(&claim_url(&id)))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// The manager

#[derive(Serialize)]
struct ApprovalLine {
    id: i64,
    url: String,
    claim: String,
    requested_by: String,
    requested_at: String,
    proposal: String,
    cost: String,
    limit: String,
    rule: String,
    status: &'static str,
    decided_by: String,
    comment: String,
}

#[derive(Serialize)]
struct ApprovalsPage {
    pending: Vec<ApprovalLine>,
    decided: Vec<ApprovalLine>,
}

fn approval_line(
    a: &settle_ledger::Approval,
    cur: &settle_engine::Currency,
    m: &Messages,
) -> ApprovalLine {
    let money = |x: Money| settle_view::money(cur.code(), &cur.round_string(x));
    ApprovalLine {
        id: a.id,
        url: claim_url(&a.claim_id),
        claim: a.claim_id.clone(),
        requested_by: a.requested_by.clone(),
        requested_at: a.requested_at.date().to_string(),
        proposal: format!(
            "{} {}",
            settle_view::words::remedy(a.request.remedy.as_str(), m),
            money(a.request.amount)
        ),
        cost: money(a.request.cost),
        limit: money(a.request.limit),
        rule: a.request.rule.clone(),
        status: a.status.as_str(),
        decided_by: a.decided_by.clone().unwrap_or_default(),
        comment: a.comment.clone().unwrap_or_default(),
    }
}

async fn approvals_page(State(app): AppState, headers: HeaderMap) -> Response {
    blocking(move || {
        let viewer = app.viewer(&headers, true)?;
        viewer.need(Right::Manage)?;
        let m = messages(viewer.lang);
        // Each approval's amounts in its claim's currency.
        let (pending, decided) = app.ledger(|l| {
            let (pending, decided) = l.approvals(20)?;
            let mut lines =
                |list: Vec<settle_ledger::Approval>| -> settle_ledger::Result<Vec<ApprovalLine>> {
                    list.iter()
                        .map(|a| Ok(approval_line(a, &l.get(&a.claim_id)?.claim.currency, &m)))
                        .collect()
                };
            Ok((lines(pending)?, lines(decided)?))
        })?;
        let page = ApprovalsPage { pending, decided };
        let title = t(viewer.lang, "approvals");
        Ok(render::page(
            "approvals.html",
            &viewer,
            app.team(),
            "/approvals",
            &title,
            &page,
        ))
    })
    .await
}

async fn decide_approval(
    State(app): AppState,
    Path(n): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    blocking(move || {
        let (viewer, form) = posted(&app, &headers, &body)?;
        viewer.need(Right::Manage)?;
        let id: i64 = n.parse().map_err(|_| {
            WebError::new(StatusCode::NOT_FOUND, format!("there is no approval `{n}`"))
        })?;
        let approve = match form.text("decision") {
            Some("approve") => true,
            Some("decline") => false,
            _ => return Err(bad("choose approve or decline; nothing was written")),
        };
        let comment = form.text("comment").unwrap_or("").to_string();
        if comment.chars().count() > 2000 {
            return Err(bad(
                "the comment is longer than 2,000 characters; nothing was written",
            ));
        }
        let now = app.now();
        let actor = viewer.name.clone();
        app.ledger_write(|l| l.decide_approval(id, approve, &comment, &actor, now.now))?;
        Ok(redirect("/approvals"))
    })
    .await
}

#[derive(Serialize)]
struct RuleLine {
    id: String,
    anchor: String,
    kind: String,
    why: String,
    source: String,
    at: String,
}

#[derive(Serialize)]
struct RulesPage {
    name: String,
    version: String,
    hash: String,
    rules: Vec<RuleLine>,
    lint: Vec<String>,
    tests: String,
    test_failures: Vec<String>,
}

async fn rules_page(State(app): AppState, headers: HeaderMap) -> Response {
    blocking(move || {
        let viewer = app.viewer(&headers, true)?;
        viewer.need(Right::Rules)?;
        let p = &app.rules.playbook;
        let lang = viewer.lang;
        let (tests, test_failures) = match &app.rules.tests {
            None => (t(lang, "rule_tests_none"), Vec::new()),
            Some(Ok((n, failed))) => (
                format!(
                    "{} {n}, {} {}",
                    t(lang, "rule_tests_run"),
                    t(lang, "rule_tests_failed"),
                    failed.len()
                ),
                failed.clone(),
            ),
            Some(Err(e)) => (t(lang, "rule_tests_broken"), vec![e.clone()]),
        };
        let page = RulesPage {
            name: p.name().to_string(),
            version: p.version().to_string(),
            hash: p.hash().to_string(),
            rules: p
                .rule_refs()
                .map(|r| {
                    let info = p.rule(r);
                    RuleLine {
                        anchor: rule_anchor(&info.id),
                        id: info.id.clone(),
                        kind: format!("{:?}", info.kind),
                        why: info.why.clone(),
                        source: info.source.clone().unwrap_or_default(),
                        at: p.cite(r),
                    }
                })
                .collect(),
            lint: app.rules.lint.clone(),
            tests,
            test_failures,
        };
        let title = t(lang, "rules");
        Ok(render::page(
            "rules.html",
            &viewer,
            app.team(),
            "/rules",
            &title,
            &page,
        ))
    })
    .await
}

/// The anchor of a rule on the rules page (ids are letters, digits, `-`, `_`, `.`).
pub(crate) fn rule_anchor(id: &str) -> String {
    format!(
        "rule-{}",
        id.chars()
            .map(|c| if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            })
            .collect::<String>()
    )
}

#[derive(Serialize)]
struct OutcomeLine {
    url: String,
    claim: String,
    customer: String,
    ask: String,
    outcome: String,
    cost: String,
    closed: String,
    retained: bool,
}

async fn outcomes_page(State(app): AppState, headers: HeaderMap) -> Response {
    blocking(move || {
        let viewer = app.viewer(&headers, true)?;
        viewer.need(Right::Manage)?;
        let m = messages(viewer.lang);
        let lines: Vec<OutcomeLine> = app.ledger(|l| {
            let mut out = Vec::new();
            for rec in l.closed_claims() {
                let rec = rec?;
                let c = &rec.claim;
                let Some(o) = &c.outcome else { continue };
                let cur = c.currency.code();
                out.push(OutcomeLine {
                    url: claim_url(&c.id),
                    claim: c.id.clone(),
                    customer: c.customer.name.clone(),
                    ask: settle_view::money(cur, &c.currency.round_string(c.ask.amount)),
                    outcome: format!(
                        "{} {}",
                        settle_view::words::remedy(o.remedy.as_str(), &m),
                        settle_view::money(cur, &c.currency.round_string(o.amount))
                    ),
                    cost: settle_view::money(cur, &c.currency.round_string(o.cost)),
                    closed: o.closed.to_string(),
                    retained: o.retained,
                });
            }
            Ok(out)
        })?;
        // The most recent first, at most 100.
        let mut lines = lines;
        lines.sort_by(|a, b| b.closed.cmp(&a.closed).then(a.claim.cmp(&b.claim)));
        lines.truncate(100);
        let title = t(viewer.lang, "outcomes");
        Ok(render::page(
            "outcomes.html",
            &viewer,
            app.team(),
            "/outcomes",
            &title,
            &lines,
        ))
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// The analyst

#[derive(Serialize)]
struct AnalystPage {
    candidates: Vec<String>,
    closed: usize,
    error: Option<String>,
}

/// The candidate rule folders: the sub-folders of `--candidates` that hold a `ruleset.toml`.
fn candidates(app: &App) -> Vec<String> {
    let Some(dir) = &app.cfg.candidates_dir else {
        return Vec::new();
    };
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().join("ruleset.toml").is_file())
                .filter_map(|e| e.file_name().to_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    out.sort();
    out
}

fn analyst_view(
    app: &App,
    viewer: &Viewer,
    error: Option<String>,
    status: StatusCode,
) -> Result<Response, WebError> {
    let closed = app.ledger(|l| l.list(Filter::Closed, None))?.len();
    let page = AnalystPage {
        candidates: candidates(app),
        closed,
        error,
    };
    let title = t(viewer.lang, "analyst");
    let mut r = render::page(
        "analyst.html",
        viewer,
        app.team(),
        "/analyst",
        &title,
        &page,
    );
    *r.status_mut() = status;
    Ok(r)
}

async fn analyst_page(State(app): AppState, headers: HeaderMap) -> Response {
    blocking(move || {
        let viewer = app.viewer(&headers, true)?;
        viewer.need(Right::Analyse)?;
        analyst_view(&app, &viewer, None, StatusCode::OK)
    })
    .await
}

async fn analyst_run(State(app): AppState, headers: HeaderMap, body: Bytes) -> Response {
    blocking(move || {
        let (viewer, form) = posted(&app, &headers, &body)?;
        viewer.need(Right::Analyse)?;
        let name = form.text("candidate").unwrap_or("");
        // Only a listed folder: never a path from the request.
        if !candidates(&app).iter().any(|c| c == name) {
            return analyst_view(
                &app,
                &viewer,
                Some(format!("`{name}` is not one of the candidate rule folders")),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
        let Some(dir) = app.cfg.candidates_dir.as_ref().map(|d| d.join(name)) else {
            return Err(bad("no candidate folder"));
        };
        let sources = settle_rules::defaults::read_dir(&dir).map_err(|e| bad(e.to_string()))?;
        let candidate = match settle_rules::ruleset::load(sources.clone()) {
            Ok(p) => p,
            Err(diags) => {
                let refs: Vec<&SourceFile> = sources.iter().collect();
                let text = settle_rules::diag::render(&diags, &refs, false);
                return analyst_view(&app, &viewer, Some(text), StatusCode::UNPROCESSABLE_ENTITY);
            }
        };
        let baseline = &app.rules.playbook;
        let kind = form.text("kind").unwrap_or("replay");
        let page = match kind {
            "replay" => {
                let mut lines = Vec::new();
                app.ledger(|l| {
                    for rec in l.closed_claims() {
                        lines.push(settle_replay::history::to_jsonl(&rec?.claim));
                    }
                    Ok(())
                })?;
                if lines.is_empty() {
                    return analyst_view(&app, &viewer, Some(t(viewer.lang, "no_history")), StatusCode::UNPROCESSABLE_ENTITY);
                }
                let bytes = (lines.join("\n") + "\n").into_bytes();
                let mut reader = settle_replay::history::HistoryReader::new(
                    Box::new(std::io::Cursor::new(bytes)),
                    settle_replay::history::HistoryFormat::Jsonl,
                    "the ledger's closed claims",
                )
                .map_err(|e| bad(e.to_string()))?;
                let report = settle_replay::replay::run(
                    &mut reader,
                    baseline,
                    &candidate,
                    settle_replay::replay::Options::default(),
                    "the ledger's closed claims",
                    &mut |_, _| {},
                    &mut |_| {},
                )
                .map_err(|e| bad(e.to_string()))?;
                settle_view::replay::ReportView::of(&report, &[])
                    .html()
                    .map_err(|e| WebError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
            }
            "simulate" => {
                let claims: Vec<Claim> = app.ledger(|l| {
                    let mut out = Vec::new();
                    for s in l.list(Filter::All, None)?.into_iter().take(50) {
                        let mut c = l.get(&s.id)?.claim;
                        c.outcome = None;
                        out.push(c);
                    }
                    Ok(out)
                })?;
                if claims.is_empty() {
                    return analyst_view(&app, &viewer, Some(t(viewer.lang, "no_history")), StatusCode::UNPROCESSABLE_ENTITY);
                }
                let settings = settle_sim::Settings {
                    styles: Vec::new(),
                    runs: 3,
                    seed: 1,
                };
                let new = settle_sim::simulate(&candidate, &claims, &settings);
                let base = settle_sim::simulate(baseline, &claims, &settings);
                let view = settle_view::sim::SimView::of(&candidate, &new, Some((baseline, &base)));
                settle_view::html::sim_page(&view)
                    .map_err(|e| WebError::new(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()))?
            }
            _ => return Err(bad("choose a replay or a simulation; nothing was run")),
        };
        // The report is the same self-contained page as `--html`; its charts are inline.
        let mut r = (StatusCode::OK, page).into_response();
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'"),
        );
        Ok(r)
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Login, logout, language

#[derive(Serialize)]
struct LoginPage {
    error: Option<String>,
    user: String,
}

fn login_page(
    app: &App,
    headers: &HeaderMap,
    error: Option<String>,
    user: &str,
    status: StatusCode,
) -> Response {
    // The login form's CSRF token: a pre-session cookie, posted back in the form.
    let token = auth::random_token();
    let viewer = Viewer {
        name: String::new(),
        role: None,
        csrf: token.clone(),
        lang: auth::lang_of(headers, None),
        session: None,
    };
    let title = t(viewer.lang, "log_in");
    let page = LoginPage {
        error,
        user: user.to_string(),
    };
    let mut r = render::page("login.html", &viewer, true, "/login", &title, &page);
    *r.status_mut() = status;
    if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(
        auth::PRE_COOKIE,
        &token,
        1800,
        app.secure_cookies(),
    )) {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

async fn login_form(State(app): AppState, headers: HeaderMap) -> Response {
    blocking(move || {
        if !app.team() {
            return Ok(redirect("/"));
        }
        Ok(login_page(&app, &headers, None, "", StatusCode::OK))
    })
    .await
}

async fn login(State(app): AppState, headers: HeaderMap, body: Bytes) -> Response {
    blocking(move || {
        if !app.team() {
            return Ok(redirect("/"));
        }
        let form = FormData::read(&headers, &body)?;
        let pre = auth::cookie(&headers, auth::PRE_COOKIE).unwrap_or("");
        match form.get("csrf") {
            Some(t) if auth::same_token(t, pre) => {}
            _ => {
                return Err(WebError::new(
                    StatusCode::FORBIDDEN,
                    "the form's security token is missing or out of date: reload the login page and try again",
                ));
            }
        }
        let name = form.text("user").unwrap_or("");
        let password = form.get("password").unwrap_or("");
        let now = app.now().now;
        if let Some(until) = app.logins.refused_until(name, now) {
            // Refused before any password is checked: guessing costs the server nothing more.
            let lang = auth::lang_of(&headers, None);
            let minutes = ((until - now).whole_seconds().max(0) + 59) / 60;
            let text = t(lang, "login_throttled").replace("{minutes}", &minutes.to_string());
            return Ok(login_page(
                &app,
                &headers,
                Some(text),
                name,
                StatusCode::TOO_MANY_REQUESTS,
            ));
        }
        let found = if name.len() > 64 || password.len() > 1024 {
            None
        } else {
            app.ledger(|l| l.credentials(name))?
        };
        let ok = match &found {
            Some((u, hash)) => !u.disabled && auth::verify_password(password, hash),
            None => {
                // The same work for an unknown name, so that timing does not tell names apart.
                auth::verify_password(password, dummy_hash());
                false
            }
        };
        if !ok {
            app.logins.failed(name, now);
            let lang = auth::lang_of(&headers, None);
            return Ok(login_page(&app, &headers, Some(t(lang, "login_failed")), name, StatusCode::UNAUTHORIZED));
        }
        app.logins.succeeded(name);
        let token = auth::random_token();
        let ttl = app.cfg.session_ttl;
        let expires = now + time::Duration::seconds(i64::try_from(ttl.as_secs()).unwrap_or(43_200));
        let csrf = auth::random_token();
        app.ledger_write(|l| l.create_session(&auth::token_hash(&token), name, &csrf, now, expires))?;
        let mut r = redirect("/");
        let secure = app.secure_cookies();
        for c in [
            auth::set_cookie(auth::SESSION_COOKIE, &token, ttl.as_secs(), secure),
            auth::set_cookie(auth::PRE_COOKIE, "", 0, secure),
        ] {
            if let Ok(v) = HeaderValue::from_str(&c) {
                r.headers_mut().append(header::SET_COOKIE, v);
            }
        }
        Ok(r)
    })
    .await
}

fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| auth::hash_password("not a password").unwrap_or_default())
}

async fn logout(State(app): AppState, headers: HeaderMap, body: Bytes) -> Response {
    blocking(move || {
        let (viewer, _) = posted(&app, &headers, &body)?;
        if let Some(hash) = &viewer.session {
            app.ledger_write(|l| l.end_session(hash))?;
        }
        let mut r = redirect(if app.team() { "/login" } else { "/" });
        if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(
            auth::SESSION_COOKIE,
            "",
            0,
            app.secure_cookies(),
        )) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
        Ok(r)
    })
    .await
}

async fn set_lang(State(app): AppState, headers: HeaderMap, body: Bytes) -> Response {
    blocking(move || {
        // The login page may switch language too: then its pre-session token is the one.
        let form = FormData::read(&headers, &body)?;
        let viewer = match app.viewer(&headers, false) {
            Ok(v) => {
                v.check_csrf(form.get("csrf"))?;
                Some(v)
            }
            Err(e) => {
                let pre = auth::cookie(&headers, auth::PRE_COOKIE).unwrap_or("");
                if !form.get("csrf").is_some_and(|t| auth::same_token(t, pre)) {
                    return Err(e);
                }
                None
            }
        };
        let lang = form
            .text("lang")
            .and_then(Lang::parse)
            .ok_or_else(|| bad("choose English or 简体中文"))?;
        if let Some(v) = &viewer
            && v.role.is_some()
        {
            let name = v.name.clone();
            app.ledger_write(|l| l.set_user_lang(&name, lang.tag()))?;
        }
        let back = local_path(form.get("back").unwrap_or("/")).to_string();
        let mut r = redirect(&back);
        if let Ok(v) = HeaderValue::from_str(&auth::set_cookie(
            auth::LANG_COOKIE,
            lang.tag(),
            365 * 24 * 3600,
            app.secure_cookies(),
        )) {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
        Ok(r)
    })
    .await
}

// ---------------------------------------------------------------------------------------------
// Assets and the rest

async fn style() -> Response {
    asset(
        "text/css; charset=utf-8",
        include_str!("../assets/style.css"),
    )
}

async fn script() -> Response {
    asset(
        "text/javascript; charset=utf-8",
        include_str!("../assets/app.js"),
    )
}

fn asset(kind: &'static str, body: &'static str) -> Response {
    let mut r = body.into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=3600"),
    );
    r
}

async fn not_found() -> Response {
    render::error_page(StatusCode::NOT_FOUND, "there is no such page")
}
