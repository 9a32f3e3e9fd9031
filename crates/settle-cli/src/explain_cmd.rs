//! `settle explain CLAIM`: the full trace behind an advice, for a manager checking the rules.

use crate::check::{claim_or_report, rules_or_report};
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::Result;
use settle_view::explain::ExplainView;
use std::path::Path;

pub fn run(claim_path: &Path, rules: Option<&Path>, format: OutputFormat) -> Result<u8> {
    let Some(p) = rules_or_report(rules, "the rule set has errors; nothing explained", format)?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let Some(claim) = claim_or_report(claim_path, "nothing explained", format)? else {
        return Ok(EXIT_BAD_INPUT);
    };
    let x = settle_engine::explain(&p, &claim)
        .map_err(|e| anyhow::anyhow!("{}: {e}", claim_path.display()))?;
    let view = ExplainView::of(&p, &claim, &x);
    match format {
        OutputFormat::Text => print!("{}", view.text()),
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&view)?),
    }
    Ok(EXIT_OK)
}
