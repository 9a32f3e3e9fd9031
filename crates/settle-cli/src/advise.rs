//! `settle advise`: the rep's view (text) and the stable data form (JSON, docs/output.md),
//! both from one `AdviceView`; with `--draft`, the reply to send for the move.

use crate::check::{claim_or_report, rules_or_report};
use crate::desk::{Clock, LangArg};
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::{Context, Result};
use settle_engine::{Claim, words};
use settle_view::advice::AdviceView;
use settle_view::l10n::Messages;
use std::path::Path;
use time::Date;

/// The day a claim file is advised on: `--as-of`, else the file's `as_of`, else today (read at
/// this edge; the library takes the date in). A day before the claim's last move is refused.
pub fn decision_day(claim: &mut Claim, flag: Option<Date>) -> Result<Option<String>> {
    let (day, from) = match (flag, claim.as_of) {
        (Some(d), _) => (d, "--as-of"),
        (None, Some(_)) => return Ok(None),
        (None, None) => (Clock::read()?.today, "today"),
    };
    let last = claim
        .rounds
        .last()
        .map_or(claim.received, |r| r.on)
        .max(claim.received);
    if day < last {
        return Ok(Some(format!(
            "{from} ({day}) is before the claim's last move ({last}); give --as-of on or after it"
        )));
    }
    claim.as_of = Some(day);
    Ok(None)
}

/// What `--draft` asks for: the buyer's language and the signature.
pub struct DraftAsk {
    /// The language of the message.
    pub lang: LangArg,
    /// The name to sign with.
    pub signature: Option<String>,
}

#[allow(clippy::too_many_arguments)]
pub fn run(
    claim_path: &Path,
    rules: Option<&Path>,
    format: OutputFormat,
    tree: Option<&Path>,
    as_of: Option<Date>,
    draft: Option<DraftAsk>,
    m: &Messages,
) -> Result<u8> {
    let Some(playbook) =
        rules_or_report(rules, "the rule set has errors; no advice given", format)?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let Some(mut claim) = claim_or_report(claim_path, "no advice given", format)? else {
        return Ok(EXIT_BAD_INPUT);
    };
    if let Some(e) = decision_day(&mut claim, as_of)? {
        eprintln!("error: {}: {e}", claim_path.display());
        return Ok(EXIT_BAD_INPUT);
    }
    let drafts = match &draft {
        Some(_) => match crate::desk::draft::load_drafts(rules)? {
            Some(d) => Some(d),
            None => return Ok(EXIT_BAD_INPUT),
        },
        None => None,
    };
    let advice = settle_engine::advise(&playbook, &claim).map_err(|e| {
        anyhow::anyhow!(
            "{}: {e}; the figures are too large to price",
            claim_path.display()
        )
    })?;
    if let Some(path) = tree {
        let dot = words::tree_dot(&advice, &claim.currency).map_err(|e| anyhow::anyhow!("{e}"))?;
        std::fs::write(path, dot).with_context(|| format!("cannot write {}", path.display()))?;
    }
    let view = AdviceView::of(&playbook, &claim, &advice);
    let written = match (&draft, &drafts) {
        (Some(d), Some(drafts)) => {
            let rep = d
                .signature
                .clone()
                .or_else(|| std::env::var("SETTLE_USER").ok())
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "rep".into());
            let request = settle_view::draft::DraftRequest {
                name: None,
                lang: d.lang.tag(),
                today: claim.decision_date(),
                rep: &rep,
                first_answer: !claim
                    .rounds
                    .iter()
                    .any(|r| r.by == settle_engine::claim::Party::Seller),
                reply_by: {
                    use settle_ledger::desk::{DeskLimits, claim_briefs, claim_dates, reply_by};
                    let rounds = claim_briefs(&claim);
                    reply_by(
                        &claim_dates(&claim, None, &rounds),
                        &DeskLimits::of(&playbook),
                        claim.decision_date(),
                    )
                },
            };
            let ctx = settle_view::draft::DraftContext::of(&playbook, &claim, &advice, &request);
            match drafts.render(&ctx) {
                Ok(v) => Some(v),
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(EXIT_BAD_INPUT);
                }
            }
        }
        _ => None,
    };
    match (format, written) {
        (OutputFormat::Json, None) => outln!("{}", serde_json::to_string_pretty(&view)?),
        (OutputFormat::Text, None) => out!("{}", view.text_in(m)),
        (OutputFormat::Json, Some(d)) => outln!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({ "advice": view, "draft": d }))?
        ),
        (OutputFormat::Text, Some(d)) => out!("{}\n{}", view.text_in(m), d.text),
    }
    Ok(EXIT_OK)
}
