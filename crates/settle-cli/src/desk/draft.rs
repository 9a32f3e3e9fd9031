//! `settle claim draft` (and the drafts of `claim next --draft` and `advise --draft`): the
//! message to send the buyer, written from the rule set's draft templates.

use super::{Clock, LangArg, LedgerOpts, date_arg, ledger, print};
use crate::check::{print_diagnostics, rules_or_report};
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::Result;
use settle_engine::{Advice, Claim, Playbook};
use settle_ledger::ClaimRecord;
use settle_rules::SourceFile;
use settle_view::draft::{DraftView, Drafts};
use settle_view::l10n::Messages;
use std::path::{Path, PathBuf};
use time::Date;

/// `settle claim draft`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub ledger: LedgerOpts,
    /// The claim's id
    pub id: String,
    /// The first answer (seed 002, step 1: within 24 hours); the default while the claim has
    /// no answer of ours
    #[arg(long, conflicts_with = "reply")]
    pub acknowledge: bool,
    /// The reply for the advice's move, even before the first answer
    #[arg(long)]
    pub reply: bool,
    /// The language of the message to the buyer
    #[arg(long, value_enum, default_value = "en")]
    pub buyer_lang: LangArg,
    /// The name to sign with (default: --user)
    #[arg(long, value_name = "NAME")]
    pub signature: Option<String>,
    /// The day of the decision (default: today)
    #[arg(long, value_name = "DATE", value_parser = date_arg)]
    pub as_of: Option<Date>,
    /// The rule-set folder, with its drafts/ (default: the built-in rules/default)
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// The output's form
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

/// The drafts of a rule folder (the built-in ones when it has none), or every problem
/// printed and `None`.
pub fn load_drafts(dir: Option<&Path>) -> Result<Option<Drafts>> {
    let (mut loaded, mut sources) = crate::check::load_drafts(dir)?;
    if sources.is_empty() {
        (loaded, sources) = crate::check::load_drafts(None)?;
    }
    Ok(report_drafts(loaded, &sources))
}

/// Drafts, or their problems printed.
pub fn report_drafts(
    loaded: Result<Drafts, Vec<settle_rules::Diagnostic>>,
    sources: &[SourceFile],
) -> Option<Drafts> {
    match loaded {
        Ok(d) => Some(d),
        Err(diags) => {
            let refs: Vec<&SourceFile> = sources.iter().collect();
            print_diagnostics(&diags, &refs);
            eprintln!("error: the rule set's drafts have errors; no draft written");
            None
        }
    }
}

/// Writes a draft: `acknowledge`, or the advice's move when `name` is `None`.
#[allow(clippy::too_many_arguments)]
pub fn write(
    drafts: &Drafts,
    p: &Playbook,
    record: &ClaimRecord,
    claim: &Claim,
    advice: &Advice,
    name: Option<&str>,
    lang: &str,
    today: Date,
    rep: &str,
) -> Result<DraftView, settle_view::draft::DraftError> {
    settle_view::draft::for_record(drafts, p, record, claim, advice, name, lang, today, rep)
}

/// Runs `settle claim draft`.
pub fn run(a: Args, _m: &Messages) -> Result<u8> {
    let clock = Clock::read()?;
    let day = a.as_of.unwrap_or(clock.today);
    let Some(playbook) = rules_or_report(
        a.rules.as_deref(),
        "the rule set has errors; no draft written",
        a.format,
    )?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let Some(drafts) = load_drafts(a.rules.as_deref())? else {
        return Ok(EXIT_BAD_INPUT);
    };
    let mut l = a.ledger.open()?;
    let record = match ledger(l.get(&a.id)) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    let flag = if a.as_of.is_some() {
        "--as-of"
    } else {
        "today,"
    };
    let claim = match super::work::as_of(&record, day, flag) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let advice = settle_engine::advise(&playbook, &claim).map_err(|e| {
        anyhow::anyhow!("claim `{}`: {e}; the figures are too large to price", a.id)
    })?;
    // The first answer is the default while it is due.
    let first_due = settle_view::desk::first_answer_due(&record, &playbook, day);
    let name = (a.acknowledge || (first_due && !a.reply)).then_some("acknowledge");
    let rep = a.signature.clone().unwrap_or_else(|| a.ledger.actor());
    let view = match write(
        &drafts,
        &playbook,
        &record,
        &claim,
        &advice,
        name,
        a.buyer_lang.tag(),
        day,
        &rep,
    ) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    if name.is_some() && !a.acknowledge && a.format == OutputFormat::Text {
        eprintln!(
            "note: the first answer is due, so this is the acknowledgement; --reply writes the reply for the advice's move"
        );
    }
    print(&view, a.format, || view.text.clone())?;
    Ok(EXIT_OK)
}
