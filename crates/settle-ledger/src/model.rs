//! The ledger's records: round kinds and entries, logged advice, events, claim records and
//! summaries, as the API hands them in and out.

use serde_json::{Map, Value};
use settle_engine::claim::{Party, Remedy};
use settle_engine::{Action, Advice, Claim, Money, Playbook};
use time::{Date, OffsetDateTime};

/// What happened in one round of the negotiation.
#[derive(Debug, Clone, PartialEq)]
pub enum RoundKind {
    /// An offer or counter-proposal: what a claim file's `[[round]]` holds.
    Propose {
        /// What is proposed.
        remedy: Remedy,
        /// Its value to the buyer.
        amount: Money,
    },
    /// The party accepts the other party's standing proposal.
    Accept,
    /// The party refuses the other party's standing proposal without countering.
    Refuse,
    /// The party withdraws its own standing proposal.
    Withdraw,
    /// We ask for documents; the round's note says which.
    RequestEvidence,
    /// Evidence received. `changes` sets fields of the claim's `[evidence]` section (field
    /// name to new value, as written in a JSON claim file); empty when nothing changes.
    Evidence {
        /// The evidence fields this evidence changes.
        changes: Map<String, Value>,
    },
}

impl RoundKind {
    /// Every kind's name, as stored.
    pub const NAMES: &'static [&'static str] = &[
        "propose",
        "accept",
        "refuse",
        "withdraw",
        "request_evidence",
        "evidence",
    ];

    /// The kind's name, as stored in the ledger and shown to users.
    pub fn name(&self) -> &'static str {
        match self {
            RoundKind::Propose { .. } => "propose",
            RoundKind::Accept => "accept",
            RoundKind::Refuse => "refuse",
            RoundKind::Withdraw => "withdraw",
            RoundKind::RequestEvidence => "request_evidence",
            RoundKind::Evidence { .. } => "evidence",
        }
    }
}

/// A round to record: who did what, and when.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundEntry {
    /// What happened.
    pub kind: RoundKind,
    /// Who did it.
    pub by: Party,
    /// The day it happened (the message's date, not the day it was typed in).
    pub on: Date,
    /// Anything worth remembering; for `RequestEvidence`, the documents asked for.
    pub note: Option<String>,
}

/// A round as the ledger holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoundRecord {
    /// Its place in the claim's rounds, from 1, without gaps.
    pub seq: u64,
    /// The claim's version after the write that recorded it.
    pub version: u64,
    /// The round.
    pub entry: RoundEntry,
    /// When it was recorded.
    pub recorded_at: OffsetDateTime,
    /// Who recorded it.
    pub recorded_by: String,
}

/// The rule set behind a piece of advice, so that an analyst can load the same rules again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesetId {
    /// The rule set's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its content hash.
    pub hash: String,
}

/// Advice given to the rep, to log in the decision log.
#[derive(Debug, Clone, PartialEq)]
pub struct AdviceEntry {
    /// The decision date the advice was worked out for.
    pub as_of: Date,
    /// The rule set that gave it.
    pub ruleset: RulesetId,
    /// The move advised.
    pub action: Action,
    /// The option of the move's proposal, if it has one.
    pub remedy: Option<Remedy>,
    /// The proposal's value to the buyer.
    pub amount: Option<Money>,
    /// The move's expected cost to us.
    pub cost: Option<Money>,
    /// The whole advice as the caller shows it (the JSON of `docs/output.md`); kept verbatim.
    pub advice: Value,
}

impl AdviceEntry {
    /// The entry for `advice`, given on `claim` under `playbook`; `json` is the advice as
    /// shown to the rep (the ledger does not format advice itself).
    pub fn new(playbook: &Playbook, claim: &Claim, advice: &Advice, json: Value) -> AdviceEntry {
        let next = &advice.next;
        AdviceEntry {
            as_of: claim.decision_date(),
            ruleset: RulesetId {
                name: playbook.name().to_string(),
                version: playbook.version().to_string(),
                hash: playbook.hash().to_string(),
            },
            action: next.action,
            remedy: next.proposal.as_ref().map(|p| p.remedy),
            amount: next.proposal.as_ref().map(|p| p.amount),
            cost: next.expected_cost,
            advice: json,
        }
    }
}

/// Advice as the decision log holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedAdvice {
    /// Its place in the claim's decision log, from 1, without gaps.
    pub seq: u64,
    /// The claim version the advice was worked out on.
    pub on_version: u64,
    /// The advice.
    pub entry: AdviceEntry,
    /// When it was given.
    pub given_at: OffsetDateTime,
    /// To whom (the rep who asked for it).
    pub given_by: String,
}

/// One line of the audit log: who did what, when.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// Its place in the whole ledger's log; increasing, perhaps with gaps.
    pub id: i64,
    /// The claim it concerns.
    pub claim_id: Option<String>,
    /// The claim's version after the write.
    pub version: Option<u64>,
    /// When.
    pub at: OffsetDateTime,
    /// Who.
    pub actor: String,
    /// What: `create`, `round`, `advice`, `assign` or `close`.
    pub action: String,
    /// The particulars, e.g. the round recorded or the evidence fields changed (old and new).
    pub detail: Value,
}

/// Whether a claim is still being negotiated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Status {
    /// Being negotiated.
    Open,
    /// Settled; takes no more writes.
    Closed,
}

impl Status {
    /// The status as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Closed => "closed",
        }
    }
}

/// Which claims [`crate::Ledger::list`] returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// Open claims.
    Open,
    /// Closed claims.
    Closed,
    /// Every claim.
    All,
}

/// A claim as the ledger holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimRecord {
    /// The claim: its document, its `propose` rounds as `[[round]]`s, and its outcome once
    /// closed. The same `Claim` settle-rules reads from the equivalent claim file.
    pub claim: Claim,
    /// Starts at 1 and goes up by one with every write; name it when writing.
    pub version: u64,
    /// Open or closed.
    pub status: Status,
    /// The rep the claim is assigned to.
    pub assigned_to: Option<String>,
    /// Every round, of every kind, in order.
    pub rounds: Vec<RoundRecord>,
    /// When the claim entered the ledger.
    pub created_at: OffsetDateTime,
    /// Who entered it.
    pub created_by: String,
    /// When it was last written.
    pub updated_at: OffsetDateTime,
    /// When it was closed.
    pub closed_at: Option<OffsetDateTime>,
    /// The day we acknowledged the claim (the first answer, seed 002 step 1), if recorded.
    pub acknowledged_on: Option<Date>,
}

/// A claim with its decision log and audit log, read in one consistent read
/// ([`crate::Ledger::file`]).
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimFile {
    /// The claim as the ledger holds it.
    pub record: ClaimRecord,
    /// Every piece of advice logged on it, in order.
    pub advice: Vec<LoggedAdvice>,
    /// Who did what, when, in order.
    pub events: Vec<Event>,
    /// Its approvals (offers above a rep's limit), oldest first.
    pub approvals: Vec<crate::team::Approval>,
}

/// A line of a claim list.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimSummary {
    /// The claim's id.
    pub id: String,
    /// Its version.
    pub version: u64,
    /// Open or closed.
    pub status: Status,
    /// The rep it is assigned to.
    pub assigned_to: Option<String>,
    /// The customer's name, as the document has it.
    pub customer: Option<String>,
    /// The problem's kind, as the document has it.
    pub kind: Option<String>,
    /// What the buyer asks for.
    pub ask_remedy: Option<String>,
    /// The ask's amount, as a decimal string.
    pub ask_amount: Option<String>,
    /// The claim's currency.
    pub currency: Option<String>,
    /// When the claim was last written.
    pub updated_at: OffsetDateTime,
    /// The day the buyer raised the claim.
    pub received: Option<Date>,
    /// When the goods were delivered.
    pub delivered: Option<Date>,
    /// The contract's period for raising claims after delivery, in days.
    pub claim_days: Option<u32>,
    /// The day we acknowledged the claim, if recorded.
    pub acknowledged_on: Option<Date>,
    /// Every round in brief (who, what, when), in order: what the desk needs to say whose move
    /// it is and what is due.
    pub rounds: Vec<RoundBrief>,
}

/// A round in brief: who did what, when.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundBrief {
    /// Who made the move.
    pub by: Party,
    /// What it was.
    pub kind: settle_engine::claim::RoundKind,
    /// The day of the move.
    pub on: Date,
}
