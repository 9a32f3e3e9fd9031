//! `settle claim list`, `show`, `record`, `next` and `close`: working claims in the ledger.
//! Each write is one ledger transaction that names the version it read (`--version`, or the one
//! just read), so two reps never overwrite each other: the second gets a conflict (exit 3).

use super::{Clock, LedgerOpts, date_arg, ledger, print, values};
use crate::check::{print_diagnostics, rules_or_report};
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::Result;
use clap::ValueEnum;
use settle_engine::claim::{Outcome, Party, Remedy};
use settle_engine::{Claim, Money, Playbook};
use settle_ledger::desk::{Dates, DeskLimits, desk};
use settle_ledger::{AdviceEntry, ClaimRecord, Filter, RoundEntry, RoundKind, Status};
use settle_rules::SourceFile;
use settle_view::advice::AdviceView;
use settle_view::desk::{ClaimListView, ClaimShowView, DeskView, NextOnLedgerView, WrittenView};
use settle_view::l10n::Messages;
use std::path::PathBuf;
use time::Date;

/// The desk of a claim record, as of `today`.
pub fn desk_view(r: &ClaimRecord, p: &Playbook, today: Date, m: &Messages) -> DeskView {
    DeskView::of_record(r, p, today, m)
}

/// The claim as the ledger has it, to be advised as of `as_of`; a day before the claim's
/// last round (or its receipt) is refused, naming the flag.
pub fn as_of(r: &ClaimRecord, as_of: Date, flag: &str) -> Result<Claim, String> {
    let mut c = r.claim.clone();
    let last = c.rounds.last().map_or(c.received, |x| x.on).max(c.received);
    if as_of < last {
        return Err(format!(
            "{flag} {as_of} is before the claim's last move ({last}): advice is given on or after it"
        ));
    }
    c.as_of = Some(as_of);
    Ok(c)
}

/// Which claims `claim list` shows.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusArg {
    /// Claims being negotiated
    Open,
    /// Closed claims
    Closed,
    /// Every claim
    All,
}

/// `settle claim list`.
#[derive(clap::Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub ledger: LedgerOpts,
    /// Which claims
    #[arg(long, value_enum, default_value = "open")]
    pub status: StatusArg,
    /// Only the claims assigned to this rep
    #[arg(long, value_name = "NAME")]
    pub assigned: Option<String>,
    /// Only my claims (assigned to --user)
    #[arg(long, conflicts_with = "assigned")]
    pub mine: bool,
    /// The day to judge deadlines on (default: today)
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub as_of: Option<Date>,
    /// The rule-set folder whose deadlines apply (default: the built-in rules/default)
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// The output's form
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

/// Runs `settle claim list`.
pub fn list(a: ListArgs, m: &Messages) -> Result<u8> {
    let clock = Clock::read()?;
    let today = a.as_of.unwrap_or(clock.today);
    let Some(playbook) = rules_or_report(a.rules.as_deref(), "the rule set has errors", a.format)?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let limits = DeskLimits::of(&playbook);
    let (filter, name) = match a.status {
        StatusArg::Open => (Filter::Open, "open"),
        StatusArg::Closed => (Filter::Closed, "closed"),
        StatusArg::All => (Filter::All, "all"),
    };
    let assigned = if a.mine {
        Some(a.ledger.actor())
    } else {
        a.assigned.clone()
    };
    let mut l = a.ledger.open()?;
    let lines = match ledger(l.list(filter, assigned.as_deref())) {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let lines: Vec<_> = lines
        .into_iter()
        .map(|s| {
            let d = Dates::of_summary(&s).map(|d| desk(&d, &limits, today));
            (s, d)
        })
        .collect();
    let view = ClaimListView::of(&lines, today, name, assigned.as_deref(), m);
    print(&view, a.format, || view.text(m))?;
    Ok(EXIT_OK)
}

/// `settle claim show`.
#[derive(clap::Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub ledger: LedgerOpts,
    /// The claim's id
    pub id: String,
    /// The day to judge deadlines on (default: today)
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub as_of: Option<Date>,
    /// The rule-set folder whose deadlines apply (default: the built-in rules/default)
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// The output's form
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

/// Runs `settle claim show`.
pub fn show(a: ShowArgs, m: &Messages) -> Result<u8> {
    let clock = Clock::read()?;
    let today = a.as_of.unwrap_or(clock.today);
    let Some(playbook) = rules_or_report(a.rules.as_deref(), "the rule set has errors", a.format)?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let mut l = a.ledger.open()?;
    let settle_ledger::ClaimFile {
        record,
        advice,
        events,
        ..
    } = match ledger(l.file(&a.id)) {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let desk = desk_view(&record, &playbook, today, m);
    let view = ClaimShowView::of(&record, desk, &advice, &events, m);
    print(&view, a.format, || view.text(m))?;
    Ok(EXIT_OK)
}

/// What a recorded round is.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    /// An offer or counter-proposal (--remedy and --amount)
    Propose,
    /// Accepts the other side's proposal on the table
    Accept,
    /// Turns down the other side's proposal without a counter
    Refuse,
    /// Takes back one's own proposal
    Withdraw,
    /// Asks for documents (--note says which)
    #[value(name = "request_evidence", alias = "request-evidence")]
    RequestEvidence,
    /// Documents arrive; --evidence FIELD=VALUE sets what they show
    Evidence,
    /// Not a round: our first answer to the claim (seed 002, step 1), sent on --on
    Acknowledge,
}

/// `settle claim record`.
#[derive(clap::Args)]
pub struct RecordArgs {
    #[command(flatten)]
    pub ledger: LedgerOpts,
    /// The claim's id
    pub id: String,
    /// What happened
    #[arg(value_enum)]
    pub kind: KindArg,
    /// Who made the move (for evidence, default the buyer; for a request for evidence or an
    /// acknowledgement, us)
    #[arg(long, value_enum)]
    pub by: Option<PartyArg>,
    /// The option proposed (proposals only)
    #[arg(long, value_enum)]
    pub remedy: Option<RemedyArg>,
    /// The value to the buyer of the proposal, in the claim's currency (proposals only)
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub amount: Option<String>,
    /// The day of the move, the message's date (default: today)
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub on: Option<Date>,
    /// Anything worth remembering; for a request for evidence, the documents asked for
    #[arg(long)]
    pub note: Option<String>,
    /// An [evidence] field the evidence changes, e.g. --evidence our_qc=failed (repeat)
    #[arg(long = "evidence", value_name = "FIELD=VALUE")]
    pub evidence: Vec<String>,
    /// The claim version you read (claim show); if another write landed since, nothing is
    /// written and the command exits 3
    #[arg(long, value_name = "N")]
    pub version: Option<u64>,
    /// The rule-set folder whose deadlines apply (default: the built-in rules/default)
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// The output's form
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

/// A party.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PartyArg {
    /// The buyer
    Buyer,
    /// Us, the seller
    Seller,
}

/// An option.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RemedyArg {
    /// Money back
    Refund,
    /// Replacement goods
    Reship,
    /// A price reduction
    Discount,
    /// Free repair or parts
    Repair,
    /// Credit on a future order
    Credit,
    /// No compensation
    Reject,
}

impl From<RemedyArg> for Remedy {
    fn from(r: RemedyArg) -> Remedy {
        match r {
            RemedyArg::Refund => Remedy::Refund,
            RemedyArg::Reship => Remedy::Reship,
            RemedyArg::Discount => Remedy::Discount,
            RemedyArg::Repair => Remedy::Repair,
            RemedyArg::Credit => Remedy::Credit,
            RemedyArg::Reject => Remedy::Reject,
        }
    }
}

/// An amount flag, read as a claim file's money (a decimal, not negative), or a located error.
fn amount(flag: &str, field: &str, raw: &str) -> Result<Money, u8> {
    match values::read_one(flag, field, settle_engine::schema::Kind::Money, raw) {
        Ok(settle_engine::schema::Value::Money(x)) => Ok(x),
        Ok(_) => Err(EXIT_BAD_INPUT),
        Err(diags) => {
            let src = SourceFile::new(
                flag,
                format!(
                    "{} = {}\n",
                    field.rsplit('.').next().unwrap_or(field),
                    values::literal(settle_engine::schema::Kind::Money, raw)
                ),
            );
            print_diagnostics(&diags, &[&src]);
            eprintln!("error: nothing was written");
            Err(EXIT_BAD_INPUT)
        }
    }
}

fn refuse(message: &str) -> u8 {
    eprintln!("error: {message}; nothing was written");
    EXIT_BAD_INPUT
}

/// Runs `settle claim record`.
pub fn record(a: RecordArgs, m: &Messages) -> Result<u8> {
    let clock = Clock::read()?;
    let on = a.on.unwrap_or(clock.today);
    let Some(playbook) = rules_or_report(a.rules.as_deref(), "the rule set has errors", a.format)?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let proposal = a.kind == KindArg::Propose;
    if proposal && (a.remedy.is_none() || a.amount.is_none()) {
        return Ok(refuse("a proposal needs --remedy and --amount"));
    }
    if !proposal && (a.remedy.is_some() || a.amount.is_some()) {
        return Ok(refuse("only a proposal takes --remedy and --amount"));
    }
    if !a.evidence.is_empty() && a.kind != KindArg::Evidence {
        return Ok(refuse("only an evidence round takes --evidence"));
    }
    let by = match (a.by, a.kind) {
        (Some(PartyArg::Buyer), _) => Party::Buyer,
        (Some(PartyArg::Seller), _) => Party::Seller,
        (None, KindArg::Evidence) => Party::Buyer,
        (None, KindArg::RequestEvidence | KindArg::Acknowledge) => Party::Seller,
        (None, _) => return Ok(refuse("say who made the move: --by buyer or --by seller")),
    };
    let kind = match a.kind {
        KindArg::Propose => {
            let (Some(r), Some(raw)) = (a.remedy, a.amount.as_deref()) else {
                return Ok(EXIT_BAD_INPUT);
            };
            match amount("--amount", "round.amount", raw) {
                Ok(x) => Some(RoundKind::Propose {
                    remedy: r.into(),
                    amount: x,
                }),
                Err(code) => return Ok(code),
            }
        }
        KindArg::Accept => Some(RoundKind::Accept),
        KindArg::Refuse => Some(RoundKind::Refuse),
        KindArg::Withdraw => Some(RoundKind::Withdraw),
        KindArg::RequestEvidence => Some(RoundKind::RequestEvidence),
        KindArg::Evidence => match values::evidence_changes(&a.evidence) {
            Ok(changes) => Some(RoundKind::Evidence { changes }),
            Err(problems) => {
                let sources: Vec<SourceFile> =
                    problems.iter().filter_map(|(_, s)| s.clone()).collect();
                let refs: Vec<&SourceFile> = sources.iter().collect();
                let diags: Vec<_> = problems.into_iter().map(|(d, _)| d).collect();
                print_diagnostics(&diags, &refs);
                eprintln!("error: nothing was written");
                return Ok(EXIT_BAD_INPUT);
            }
        },
        KindArg::Acknowledge => {
            if by != Party::Seller {
                return Ok(refuse("an acknowledgement is ours: leave out --by buyer"));
            }
            None
        }
    };
    let mut l = a.ledger.open()?;
    let actor = a.ledger.actor();
    let version = match a.version {
        Some(v) => v,
        None => match ledger(l.get(&a.id)) {
            Ok(r) => r.version,
            Err(code) => return Ok(code),
        },
    };
    let written = match kind {
        Some(kind) => l.record_round(
            &a.id,
            version,
            &RoundEntry {
                kind,
                by,
                on,
                note: a.note.clone(),
            },
            &actor,
            clock.now,
        ),
        None => l.acknowledge(&a.id, version, on, &actor, clock.now),
    };
    let r = match ledger(written) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let desk = desk_view(&r, &playbook, clock.today.max(on), m);
    let action = if a.kind == KindArg::Acknowledge {
        "acknowledge"
    } else {
        "round"
    };
    let view = WrittenView::of(action, &r, desk);
    print(&view, a.format, || view.text(m))?;
    Ok(EXIT_OK)
}

/// `settle claim next`.
#[derive(clap::Args)]
pub struct NextArgs {
    #[command(flatten)]
    pub ledger: LedgerOpts,
    /// The claim's id
    pub id: String,
    /// The day of the decision (default: today)
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub as_of: Option<Date>,
    /// The rule-set folder (default: the built-in rules/default)
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Also write the reply to send for the move
    #[arg(long)]
    pub draft: bool,
    /// The language of the reply to the buyer
    #[arg(long, value_enum, default_value = "en", requires = "draft")]
    pub buyer_lang: super::LangArg,
    /// The name to sign the reply with (default: --user)
    #[arg(long, value_name = "NAME", requires = "draft")]
    pub signature: Option<String>,
    /// The output's form
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

/// Runs `settle claim next`: advises on the ledger's claim and logs the advice.
pub fn next(a: NextArgs, m: &Messages) -> Result<u8> {
    let clock = Clock::read()?;
    let day = a.as_of.unwrap_or(clock.today);
    let Some(playbook) = rules_or_report(
        a.rules.as_deref(),
        "the rule set has errors; no advice given",
        a.format,
    )?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let drafts = if a.draft {
        match super::draft::load_drafts(a.rules.as_deref())? {
            Some(d) => Some(d),
            None => return Ok(EXIT_BAD_INPUT),
        }
    } else {
        None
    };
    let mut l = a.ledger.open()?;
    let record = match ledger(l.get(&a.id)) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    if record.status == Status::Closed {
        return Ok(refuse(&format!(
            "claim `{}` is closed; there is no next move",
            a.id
        )));
    }
    let flag = if a.as_of.is_some() {
        "--as-of"
    } else {
        "today,"
    };
    let claim = match as_of(&record, day, flag) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let advice = settle_engine::advise(&playbook, &claim).map_err(|e| {
        anyhow::anyhow!("claim `{}`: {e}; the figures are too large to price", a.id)
    })?;
    let view = AdviceView::of(&playbook, &claim, &advice);
    let entry = AdviceEntry::new(&playbook, &claim, &advice, serde_json::to_value(&view)?);
    let logged =
        match ledger(l.log_advice(&a.id, record.version, &entry, &a.ledger.actor(), clock.now)) {
            Ok(r) => r,
            Err(code) => return Ok(code),
        };
    // The advice's place in the decision log.
    let seq = match ledger(l.advice_log(&a.id)) {
        Ok(log) => log.last().map_or(0, |x| x.seq),
        Err(code) => return Ok(code),
    };
    let out = NextOnLedgerView {
        claim: a.id.clone(),
        version: logged.version,
        logged: seq,
        desk: desk_view(&record, &playbook, day, m),
        advice: view,
    };
    match (a.format, drafts) {
        (OutputFormat::Json, None) => print(&out, a.format, String::new)?,
        (OutputFormat::Text, None) => out!("{}", out.text(m)),
        (format, Some(drafts)) => {
            let rep = a.signature.clone().unwrap_or_else(|| a.ledger.actor());
            let d = match super::draft::write(
                &drafts,
                &playbook,
                &record,
                &claim,
                &advice,
                None,
                a.buyer_lang.tag(),
                day,
                &rep,
            ) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(EXIT_BAD_INPUT);
                }
            };
            match format {
                OutputFormat::Json => outln!(
                    "{}",
                    serde_json::to_string_pretty(&serde_json::json!({ "next": out, "draft": d }))?
                ),
                OutputFormat::Text => out!("{}\n{}", out.text(m), d.text),
            }
        }
    }
    Ok(EXIT_OK)
}

/// `settle claim close`.
#[derive(clap::Args)]
pub struct CloseArgs {
    #[command(flatten)]
    pub ledger: LedgerOpts,
    /// The claim's id
    pub id: String,
    /// The remedy settled on (default: the accepted proposal's)
    #[arg(long, value_enum)]
    pub outcome: Option<RemedyArg>,
    /// The value settled on (default: the accepted proposal's)
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub amount: Option<String>,
    /// What the settlement cost us
    #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
    pub cost: String,
    /// Whether the customer kept ordering (as far as you know at closing)
    #[arg(long, value_name = "yes|no", value_parser = yes_no, action = clap::ArgAction::Set)]
    pub retained: bool,
    /// The day it was closed (default: today)
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub on: Option<Date>,
    /// The claim version you read; if another write landed since, nothing is written (exit 3)
    #[arg(long, value_name = "N")]
    pub version: Option<u64>,
    /// The rule-set folder whose deadlines apply (default: the built-in rules/default)
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// The output's form
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

fn yes_no(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "y" | "true" => Ok(true),
        "no" | "n" | "false" => Ok(false),
        _ => Err(format!("`{text}` is not yes or no")),
    }
}

/// Runs `settle claim close`.
pub fn close(a: CloseArgs, m: &Messages) -> Result<u8> {
    let clock = Clock::read()?;
    let on = a.on.unwrap_or(clock.today);
    let Some(playbook) = rules_or_report(a.rules.as_deref(), "the rule set has errors", a.format)?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let mut l = a.ledger.open()?;
    let record = match ledger(l.get(&a.id)) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let settled = record
        .claim
        .negotiation()
        .settled
        .and_then(|(_, j)| record.claim.rounds.get(j))
        .and_then(|r| r.terms());
    let remedy = match (a.outcome, settled) {
        (Some(r), _) => Remedy::from(r),
        (None, Some((r, _))) => r,
        (None, None) => {
            return Ok(refuse(
                "the claim is not settled by an acceptance: give --outcome and --amount",
            ));
        }
    };
    let value = match (a.amount.as_deref(), settled) {
        (Some(raw), _) => match amount("--amount", "outcome.amount", raw) {
            Ok(x) => x,
            Err(code) => return Ok(code),
        },
        (None, Some((r, x))) if r == remedy => x,
        (None, _) => return Ok(refuse("give --amount, the value settled on")),
    };
    let cost = match amount("--cost", "outcome.cost", &a.cost) {
        Ok(x) => x,
        Err(code) => return Ok(code),
    };
    let outcome = Outcome {
        remedy,
        amount: value,
        cost,
        closed: on,
        retained: a.retained,
    };
    let version = a.version.unwrap_or(record.version);
    let r = match ledger(l.close(&a.id, version, &outcome, &a.ledger.actor(), clock.now)) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let desk = desk_view(&r, &playbook, on, m);
    let view = WrittenView::of("close", &r, desk);
    print(&view, a.format, || view.text(m))?;
    Ok(EXIT_OK)
}
