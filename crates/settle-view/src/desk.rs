//! The rep's desk: `settle claim list`, `show`, `record`, `next`, `close` and
//! `history export` as views. Their JSON is docs/output.md's "The rep's desk"; their text is in
//! the rep's language ([`crate::l10n`]), while JSON identifiers stay English.

use crate::advice::AdviceView;
use crate::l10n::{Arg, Messages};
use crate::table::render;
use serde::Serialize;
use serde_json::Value;
use settle_engine::Claim;
use settle_ledger::desk::{Desk, Due, DueState};
use settle_ledger::{ClaimRecord, ClaimSummary, Event, LoggedAdvice, RoundKind, RoundRecord};
use std::fmt::Write;
use time::Date;

/// One thing that falls due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DueView {
    /// `first_answer`, `reply`, `execute`, `claim_period`, `prompt_notice`, `notice_limit`.
    pub kind: &'static str,
    /// The last day, `YYYY-MM-DD`.
    pub by: String,
    /// `pending`, `overdue` (ours to do), `met`, `missed` (a notice limit).
    pub state: &'static str,
    /// Days from the desk's day to `by` (negative: overdue); for a notice limit, days the claim
    /// came after it (negative: before).
    pub days: i64,
    /// In the rep's words.
    #[serde(skip)]
    pub text: String,
}

impl DueView {
    /// A due item in the rep's language.
    pub fn of(d: &Due, m: &Messages) -> DueView {
        let what = m.text(&format!("due-{}", d.kind.as_str().replace('_', "-")));
        let by = d.by.to_string();
        let text = match d.state {
            DueState::Overdue => m.get(
                "due-overdue",
                &[
                    ("what", what.into()),
                    ("by", by.as_str().into()),
                    ("late", Arg::Num(-d.days)),
                ],
            ),
            DueState::Pending => m.get(
                "due-pending",
                &[
                    ("what", what.into()),
                    ("by", by.as_str().into()),
                    ("left", Arg::Num(d.days)),
                ],
            ),
            DueState::Met => m.get(
                "due-met",
                &[("what", what.into()), ("by", by.as_str().into())],
            ),
            DueState::Missed => m.get(
                "due-missed",
                &[
                    ("what", what.into()),
                    ("by", by.as_str().into()),
                    ("late", Arg::Num(d.days)),
                ],
            ),
        };
        DueView {
            kind: d.kind.as_str(),
            by,
            state: d.state.as_str(),
            days: d.days,
            text,
        }
    }
}

/// Whose move it is and what is due.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeskView {
    /// The day the desk was worked out for.
    pub as_of: String,
    /// `ours`, `buyer`, `settled`, `closed`.
    pub turn: &'static str,
    /// Since when the buyer has waited for us (our move), `YYYY-MM-DD`.
    pub waiting_since: Option<String>,
    /// Days the buyer has waited for us.
    pub waited_days: Option<i64>,
    /// Our deadlines (overdue first, then soonest), then the notice limits.
    pub due: Vec<DueView>,
}

impl DeskView {
    /// The view of a desk.
    pub fn of(d: &Desk, as_of: Date, m: &Messages) -> DeskView {
        DeskView {
            as_of: as_of.to_string(),
            turn: d.turn.as_str(),
            waiting_since: d.waiting_since.map(|x| x.to_string()),
            waited_days: d.waited,
            due: d.due.iter().map(|x| DueView::of(x, m)).collect(),
        }
    }

    /// `Move: ours, the buyer has waited 3 days` and one line per deadline of ours and per
    /// notice limit the claim missed.
    pub fn text(&self, m: &Messages) -> String {
        self.text_with(m, false)
    }

    /// [`DeskView::text`], with the notice limits the claim met too when `all`.
    pub fn text_with(&self, m: &Messages, all: bool) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}  {}",
            pad(&m.text("label-move"), 12),
            turn_text(self.turn, self.waited_days, m)
        );
        let shown = self.due.iter().filter(|d| all || d.state != "met");
        for (i, d) in shown.enumerate() {
            let label = if i == 0 {
                m.text("label-due")
            } else {
                String::new()
            };
            let mark = if matches!(d.state, "overdue" | "missed") {
                "! "
            } else {
                ""
            };
            let _ = writeln!(s, "{}  {mark}{}", pad(&label, 12), d.text);
        }
        s
    }
}

use crate::l10n::pad;

/// Whose move it is, in words: `ours: the buyer has waited 3 days`.
pub fn turn_text(turn: &str, waited: Option<i64>, m: &Messages) -> String {
    match (turn, waited) {
        ("ours", Some(n)) => m.get("turn-ours-waited", &[("n", Arg::Num(n))]),
        (t, _) => m.text(&format!("turn-{t}")),
    }
}

/// A line of `claim list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ListLine {
    /// The claim's id.
    pub claim: String,
    /// Its version.
    pub version: u64,
    /// `open` or `closed`.
    pub status: &'static str,
    /// The rep it is assigned to.
    pub assigned_to: Option<String>,
    /// The customer.
    pub customer: Option<String>,
    /// The kind of problem.
    pub kind: Option<String>,
    /// What the buyer asks for.
    pub ask_remedy: Option<String>,
    /// The ask's amount, as stored.
    pub ask_amount: Option<String>,
    /// The currency.
    pub currency: Option<String>,
    /// Whose move it is: `ours`, `buyer`, `settled`, `closed`.
    pub turn: &'static str,
    /// Days the buyer has waited for us.
    pub waited_days: Option<i64>,
    /// Our most urgent deadline.
    pub next_due: Option<DueView>,
    /// The notice limits the claim missed.
    pub missed: Vec<DueView>,
}

/// `settle claim list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimListView {
    /// The day the list was worked out for.
    pub as_of: String,
    /// `open`, `closed` or `all`.
    pub filter: &'static str,
    /// The rep whose claims these are, when asked.
    pub assigned_to: Option<String>,
    /// The claims: overdue first, then by the soonest deadline, then by id.
    pub claims: Vec<ListLine>,
    /// Claims with a deadline of ours overdue.
    pub overdue: usize,
}

impl ClaimListView {
    /// The view of a list: each claim with its desk (`None` for a claim whose document cannot
    /// say when it was received).
    pub fn of(
        lines: &[(ClaimSummary, Option<Desk>)],
        as_of: Date,
        filter: &'static str,
        assigned_to: Option<&str>,
        m: &Messages,
    ) -> ClaimListView {
        let mut order: Vec<usize> = (0..lines.len()).collect();
        order.sort_by_key(|&i| lines[i].1.as_ref().map_or((3, 0), |d| d.urgency()));
        let claims: Vec<ListLine> = order
            .into_iter()
            .map(|i| {
                let (s, d) = &lines[i];
                ListLine {
                    claim: s.id.clone(),
                    version: s.version,
                    status: s.status.as_str(),
                    assigned_to: s.assigned_to.clone(),
                    customer: s.customer.clone(),
                    kind: s.kind.clone(),
                    ask_remedy: s.ask_remedy.clone(),
                    ask_amount: s.ask_amount.clone(),
                    currency: s.currency.clone(),
                    turn: d.as_ref().map_or("ours", |d| d.turn.as_str()),
                    waited_days: d.as_ref().and_then(|d| d.waited),
                    next_due: d
                        .as_ref()
                        .and_then(|d| d.next_due())
                        .map(|x| DueView::of(x, m)),
                    missed: d
                        .as_ref()
                        .map(|d| d.missed().map(|x| DueView::of(x, m)).collect())
                        .unwrap_or_default(),
                }
            })
            .collect();
        ClaimListView {
            as_of: as_of.to_string(),
            filter,
            assigned_to: assigned_to.map(str::to_string),
            overdue: claims
                .iter()
                .filter(|c| c.next_due.as_ref().is_some_and(|d| d.state == "overdue"))
                .count(),
            claims,
        }
    }

    /// The list as the rep reads it.
    pub fn text(&self, m: &Messages) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}",
            m.get(
                "list-head",
                &[
                    ("as_of", self.as_of.as_str().into()),
                    ("n", Arg::Num(self.claims.len() as i64)),
                    ("overdue", Arg::Num(self.overdue as i64)),
                    ("filter", m.text(&format!("filter-{}", self.filter)).into()),
                ]
            )
        );
        if self.claims.is_empty() {
            return s;
        }
        let _ = writeln!(s);
        let rows: Vec<Vec<String>> = self
            .claims
            .iter()
            .map(|c| {
                let due = c.next_due.as_ref().map_or_else(
                    || "-".to_string(),
                    |d| {
                        if d.state == "overdue" {
                            format!("! {}", d.text)
                        } else {
                            d.text.clone()
                        }
                    },
                );
                let ask = match (&c.currency, &c.ask_amount) {
                    (Some(cur), Some(a)) => crate::money(cur, a),
                    _ => "?".to_string(),
                };
                vec![
                    due,
                    c.claim.clone(),
                    c.customer.clone().unwrap_or_default(),
                    c.kind
                        .as_deref()
                        .map(|k| crate::words::kind(k, m))
                        .unwrap_or_default(),
                    format!(
                        "{ask} {}",
                        c.ask_remedy
                            .as_deref()
                            .map(|r| crate::words::remedy(r, m))
                            .unwrap_or_default()
                    ),
                    match c.turn {
                        "ours" => m.text("turn-short-ours"),
                        t => m.text(&format!("turn-{t}")),
                    },
                    c.waited_days
                        .map(|n| m.get("days", &[("n", Arg::Num(n))]))
                        .unwrap_or_default(),
                ]
            })
            .collect();
        let header: Vec<String> = [
            "col-due",
            "col-claim",
            "col-customer",
            "col-problem",
            "col-ask",
            "col-move",
            "col-waited",
        ]
        .iter()
        .map(|k| m.text(k))
        .collect();
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        s.push_str(&render(&header, &rows, "  "));
        let notes: Vec<String> = self
            .claims
            .iter()
            .flat_map(|c| {
                c.missed
                    .iter()
                    .map(move |d| format!("  ! {}: {}", c.claim, d.text))
            })
            .collect();
        if !notes.is_empty() {
            let _ = writeln!(s);
            for n in notes {
                let _ = writeln!(s, "{n}");
            }
        }
        s
    }
}

/// A round as the desk shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RoundView {
    /// Its place, from 1.
    pub seq: u64,
    /// The claim's version after it was recorded.
    pub version: u64,
    /// The day of the move.
    pub on: String,
    /// `buyer` or `seller`.
    pub by: &'static str,
    /// `propose`, `accept`, `refuse`, `withdraw`, `request_evidence`, `evidence`.
    pub kind: &'static str,
    /// The proposal's remedy.
    pub remedy: Option<&'static str>,
    /// The proposal's amount, rounded to the currency.
    pub amount: Option<String>,
    /// The note.
    pub note: Option<String>,
    /// The evidence fields it set.
    pub changes: Option<Value>,
    /// When it was recorded (UTC).
    pub recorded_at: String,
    /// By whom.
    pub recorded_by: String,
}

impl RoundView {
    /// The view of a recorded round, amounts rounded to the claim's currency.
    pub fn of(r: &RoundRecord, cur: &settle_engine::Currency) -> RoundView {
        let (remedy, amount) = match &r.entry.kind {
            RoundKind::Propose { remedy, amount } => {
                (Some(remedy.as_str()), Some(cur.round_string(*amount)))
            }
            _ => (None, None),
        };
        RoundView {
            seq: r.seq,
            version: r.version,
            on: r.entry.on.to_string(),
            by: r.entry.by.as_str(),
            kind: r.entry.kind.name(),
            remedy,
            amount,
            note: r.entry.note.clone(),
            changes: match &r.entry.kind {
                RoundKind::Evidence { changes } if !changes.is_empty() => {
                    Some(Value::Object(changes.clone()))
                }
                _ => None,
            },
            recorded_at: time_text(r.recorded_at),
            recorded_by: r.recorded_by.clone(),
        }
    }

    /// The round in the rep's words: `the buyer proposes a refund of USD 4,000.00`.
    pub fn text(&self, currency: &str, m: &Messages) -> String {
        let who = m.text(&format!("party-{}", self.by));
        let mut s = match (self.remedy, &self.amount) {
            (Some(r), Some(a)) => m.get(
                "round-propose",
                &[
                    ("who", who.into()),
                    ("remedy", m.text(&format!("remedy-{r}")).into()),
                    ("amount", crate::money(currency, a).into()),
                ],
            ),
            _ => m.get(
                &format!("round-{}", self.kind.replace('_', "-")),
                &[("who", who.into())],
            ),
        };
        if let Some(Value::Object(c)) = &self.changes {
            let fields: Vec<String> = c
                .iter()
                .map(|(k, v)| format!("{k} = {}", v.get("to").unwrap_or(v)))
                .collect();
            let _ = write!(s, " ({})", fields.join(", "));
        }
        if let Some(n) = &self.note {
            let _ = write!(s, ": {n}");
        }
        s
    }
}

/// A piece of logged advice, in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoggedView {
    /// Its place in the log.
    pub seq: u64,
    /// The claim version it was given on.
    pub on_version: u64,
    /// The decision date.
    pub as_of: String,
    /// The rule set: `name version (hash)`.
    pub rules: crate::RuleSetRef,
    /// The move.
    pub action: &'static str,
    /// Its option.
    pub remedy: Option<&'static str>,
    /// Its amount.
    pub amount: Option<String>,
    /// Its expected cost.
    pub cost: Option<String>,
    /// The move in one sentence, as the rep saw it.
    pub message: Option<String>,
    /// When and to whom.
    pub given_at: String,
    /// To whom.
    pub given_by: String,
}

impl LoggedView {
    /// The view of logged advice.
    pub fn of(a: &LoggedAdvice) -> LoggedView {
        let e = &a.entry;
        LoggedView {
            seq: a.seq,
            on_version: a.on_version,
            as_of: e.as_of.to_string(),
            rules: crate::RuleSetRef {
                name: e.ruleset.name.clone(),
                version: e.ruleset.version.clone(),
                hash: e.ruleset.hash.clone(),
            },
            action: e.action.as_str(),
            remedy: e.remedy.map(|r| r.as_str()),
            amount: e.amount.map(|x| x.to_string()),
            cost: e.cost.map(|x| x.to_string()),
            message: e
                .advice
                .pointer("/next/message")
                .and_then(Value::as_str)
                .map(str::to_string),
            given_at: time_text(a.given_at),
            given_by: a.given_by.clone(),
        }
    }
}

/// An event of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventView {
    /// The claim version after the write.
    pub version: Option<u64>,
    /// When (UTC).
    pub at: String,
    /// Who.
    pub actor: String,
    /// `create`, `round`, `advice`, `acknowledge`, `assign`, `close`.
    pub action: String,
}

/// `settle claim show ID`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClaimShowView {
    /// The claim's id.
    pub claim: String,
    /// Its version.
    pub version: u64,
    /// `open` or `closed`.
    pub status: &'static str,
    /// The rep it is assigned to.
    pub assigned_to: Option<String>,
    /// When it entered the ledger, and who entered it.
    pub created_at: String,
    /// Who entered it.
    pub created_by: String,
    /// The day we acknowledged it.
    pub acknowledged_on: Option<String>,
    /// Whose move, and what is due.
    pub desk: DeskView,
    /// The claim as a claim file (JSON form, docs/claim-format.md).
    pub file: Value,
    /// Every round.
    pub rounds: Vec<RoundView>,
    /// The decision log.
    pub advice: Vec<LoggedView>,
    /// The audit log.
    pub events: Vec<EventView>,
    /// The claim's currency, for the text.
    #[serde(skip)]
    currency: String,
    /// The claim in brief, for the text.
    #[serde(skip)]
    brief: Vec<(String, String)>,
}

fn time_text(t: time::OffsetDateTime) -> String {
    let u = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{}T{:02}:{:02}:{:02}Z",
        u.date(),
        u.hour(),
        u.minute(),
        u.second()
    )
}

impl ClaimShowView {
    /// The view of a claim record with its logs and desk.
    pub fn of(
        r: &ClaimRecord,
        desk: DeskView,
        advice: &[LoggedAdvice],
        events: &[Event],
        m: &Messages,
    ) -> ClaimShowView {
        let c = &r.claim;
        ClaimShowView {
            claim: c.id.clone(),
            version: r.version,
            status: r.status.as_str(),
            assigned_to: r.assigned_to.clone(),
            created_at: time_text(r.created_at),
            created_by: r.created_by.clone(),
            acknowledged_on: r.acknowledged_on.map(|d| d.to_string()),
            desk,
            file: settle_rules::claim_file::to_json(c),
            rounds: r
                .rounds
                .iter()
                .map(|x| RoundView::of(x, &c.currency))
                .collect(),
            advice: advice.iter().map(LoggedView::of).collect(),
            events: events
                .iter()
                .map(|e| EventView {
                    version: e.version,
                    at: time_text(e.at),
                    actor: e.actor.clone(),
                    action: e.action.clone(),
                })
                .collect(),
            currency: c.currency.code().to_string(),
            brief: brief(c, m),
        }
    }

    /// The claim as the rep reads it.
    pub fn text(&self, m: &Messages) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}",
            m.get(
                "show-head",
                &[
                    ("claim", self.claim.as_str().into()),
                    ("status", m.text(&format!("status-{}", self.status)).into()),
                    ("version", Arg::Num(self.version as i64)),
                    (
                        "assigned",
                        self.assigned_to
                            .clone()
                            .unwrap_or_else(|| m.text("nobody"))
                            .into()
                    ),
                ]
            )
        );
        let _ = writeln!(s);
        for (k, v) in &self.brief {
            let _ = writeln!(s, "{}  {v}", pad(k, 12));
        }
        if let Some(d) = &self.acknowledged_on {
            let _ = writeln!(s, "{}  {d}", pad(&m.text("label-acknowledged"), 12));
        }
        s.push_str(&self.desk.text_with(m, true));
        let _ = writeln!(s, "\n{}", m.text("label-rounds"));
        if self.rounds.is_empty() {
            let _ = writeln!(s, "  {}", m.text("none-yet"));
        }
        for r in &self.rounds {
            let _ = writeln!(s, "  {:>2}  {}  {}", r.seq, r.on, r.text(&self.currency, m));
        }
        if !self.advice.is_empty() {
            let _ = writeln!(s, "\n{}", m.text("label-advice-log"));
            for a in &self.advice {
                let _ = writeln!(
                    s,
                    "  {:>2}  {}  v{}  {}  {}",
                    a.seq,
                    a.as_of,
                    a.on_version,
                    a.rules.short(),
                    a.message.as_deref().unwrap_or(a.action)
                );
            }
        }
        let _ = writeln!(
            s,
            "\n{}",
            m.get(
                "show-created",
                &[
                    ("at", self.created_at.as_str().into()),
                    ("by", self.created_by.as_str().into()),
                    ("events", Arg::Num(self.events.len() as i64)),
                ]
            )
        );
        s
    }
}

/// The claim in brief: customer, order, problem, ask (label, value) in the rep's language.
fn brief(c: &Claim, m: &Messages) -> Vec<(String, String)> {
    let cur = &c.currency;
    vec![
        (
            m.text("label-customer"),
            m.get(
                "brief-customer",
                &[
                    ("name", c.customer.name.as_str().into()),
                    (
                        "relationship",
                        m.text(&format!("relationship-{}", c.customer.relationship))
                            .into(),
                    ),
                    ("years", Arg::Num(i64::from(c.customer.years))),
                ],
            ),
        ),
        (
            m.text("label-order"),
            m.get(
                "brief-order",
                &[
                    (
                        "number",
                        c.order
                            .number
                            .clone()
                            .unwrap_or_else(|| m.text("no-order-number"))
                            .into(),
                    ),
                    ("value", cur.format(c.order.value).into()),
                    ("paid", cur.format(c.order.paid).into()),
                    ("quantity", Arg::from(c.order.quantity)),
                    (
                        "stage",
                        m.text(&format!(
                            "stage-{}",
                            c.order.stage.as_str().replace('_', "-")
                        ))
                        .into(),
                    ),
                ],
            ),
        ),
        (
            m.text("label-problem"),
            m.get(
                "brief-problem",
                &[
                    (
                        "kind",
                        crate::words::kind(c.problem.kind.as_str(), m).into(),
                    ),
                    ("summary", c.problem.summary.as_str().into()),
                    ("affected", Arg::from(c.problem.affected)),
                    ("received", c.received.to_string().into()),
                ],
            ),
        ),
        (
            m.text("label-ask"),
            m.get(
                "brief-ask",
                &[
                    ("amount", cur.format(c.ask.amount).into()),
                    (
                        "remedy",
                        crate::words::remedy(c.ask.remedy.as_str(), m).into(),
                    ),
                ],
            ),
        ),
    ]
}

/// `settle claim new`, `record` and `close`: what was written.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WrittenView {
    /// The claim.
    pub claim: String,
    /// `create`, `round`, `acknowledge`, `close`.
    pub action: &'static str,
    /// The claim's version after the write.
    pub version: u64,
    /// The round recorded, for `round`.
    pub round: Option<RoundView>,
    /// The outcome, for `close` (the claim file's `[outcome]`).
    pub outcome: Option<Value>,
    /// Whose move and what is due now.
    pub desk: DeskView,
    /// The claim's currency, for the text.
    #[serde(skip)]
    currency: String,
}

impl WrittenView {
    /// The view of a write.
    pub fn of(action: &'static str, r: &ClaimRecord, desk: DeskView) -> WrittenView {
        WrittenView {
            claim: r.claim.id.clone(),
            action,
            version: r.version,
            round: (action == "round")
                .then(|| r.rounds.last().map(|x| RoundView::of(x, &r.claim.currency)))
                .flatten(),
            outcome: r.claim.outcome.as_ref().map(|_| {
                settle_rules::claim_file::to_json(&r.claim)
                    .get("outcome")
                    .cloned()
                    .unwrap_or(Value::Null)
            }),
            desk,
            currency: r.claim.currency.code().to_string(),
        }
    }

    /// What was written, in the rep's words, and what is due now.
    pub fn text(&self, m: &Messages) -> String {
        let mut s = String::new();
        let what = match (&self.round, self.action) {
            (Some(r), _) => m.get(
                "written-round",
                &[
                    ("seq", Arg::from(r.seq)),
                    ("on", r.on.as_str().into()),
                    ("what", r.text(&self.currency, m).into()),
                ],
            ),
            (None, a) => m.text(&format!("written-{a}")),
        };
        let _ = writeln!(
            s,
            "{}",
            m.get(
                "written",
                &[
                    ("claim", self.claim.as_str().into()),
                    ("version", Arg::from(self.version)),
                    ("what", what.into()),
                ]
            )
        );
        s.push_str(&self.desk.text(m));
        s
    }
}

/// `settle claim next ID`: the advice on the ledger's state, as logged.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NextOnLedgerView {
    /// The claim.
    pub claim: String,
    /// The claim's version after the advice was logged.
    pub version: u64,
    /// The advice's place in the decision log.
    pub logged: u64,
    /// Whose move and what is due.
    pub desk: DeskView,
    /// The advice (as `settle advise --format json`).
    pub advice: AdviceView,
}

impl NextOnLedgerView {
    /// The desk, then the advice, in the rep's language.
    pub fn text(&self, m: &Messages) -> String {
        let mut s = self.desk.text(m);
        let _ = writeln!(
            s,
            "{}  {}",
            pad(&m.text("label-logged"), 12),
            m.get(
                "logged-as",
                &[
                    ("seq", Arg::from(self.logged)),
                    ("version", Arg::from(self.version)),
                ]
            )
        );
        let _ = writeln!(s);
        s.push_str(&self.advice.text_in(m));
        s
    }
}

/// The dates of a claim record the desk reads.
fn record_dates<'a>(
    r: &ClaimRecord,
    rounds: &'a [settle_ledger::RoundBrief],
) -> settle_ledger::desk::Dates<'a> {
    settle_ledger::desk::Dates {
        closed: r.status == settle_ledger::Status::Closed,
        received: r.claim.received,
        delivered: r.claim.order.delivered,
        claim_days: r.claim.order.claim_days,
        acknowledged_on: r.acknowledged_on,
        rounds,
    }
}

impl DeskView {
    /// The desk of a claim record under a rule set's deadlines, as of `today`.
    pub fn of_record(
        r: &ClaimRecord,
        p: &settle_engine::Playbook,
        today: Date,
        m: &Messages,
    ) -> DeskView {
        use settle_ledger::desk::{DeskLimits, briefs, desk};
        let rounds = briefs(r);
        DeskView::of(
            &desk(&record_dates(r, &rounds), &DeskLimits::of(p), today),
            today,
            m,
        )
    }
}

/// Whether the first answer (the acknowledgement) is still due on an open claim as of `today`:
/// then the draft to write is the acknowledgement.
pub fn first_answer_due(r: &ClaimRecord, p: &settle_engine::Playbook, today: Date) -> bool {
    use settle_ledger::desk::{DeskLimits, DueKind, briefs, desk};
    let rounds = briefs(r);
    let mut dates = record_dates(r, &rounds);
    dates.closed = false;
    desk(&dates, &DeskLimits::of(p), today)
        .due
        .iter()
        .any(|d| d.kind == DueKind::FirstAnswer)
}
