//! `settle explain CLAIM`: the full trace behind an advice, for a manager checking the rules.

use crate::check::{claim_or_report, rules_or_report};
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::Result;
use settle_view::explain::ExplainView;
use std::path::Path;

pub fn run(
    claim_path: &Path,
    rules: Option<&Path>,
    format: OutputFormat,
    as_of: Option<time::Date>,
    m: &settle_view::l10n::Messages,
) -> Result<u8> {
    let Some(p) = rules_or_report(rules, "the rule set has errors; nothing explained", format)?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let Some(mut claim) = claim_or_report(claim_path, "nothing explained", format)? else {
        return Ok(EXIT_BAD_INPUT);
    };
    // The same decision day as `advise`, so that the two never disagree.
    if let Some(e) = crate::advise::decision_day(&mut claim, as_of)? {
        eprintln!("error: {}: {e}", claim_path.display());
        return Ok(EXIT_BAD_INPUT);
    }
    let x = settle_engine::explain(&p, &claim)
        .map_err(|e| anyhow::anyhow!("{}: {e}", claim_path.display()))?;
    let view = ExplainView::of(&p, &claim, &x);
    match format {
        OutputFormat::Text => out!("{}", view.text_in(m)),
        OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&view)?),
    }
    Ok(EXIT_OK)
}
