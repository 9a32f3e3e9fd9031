//! `settle advise`: the rep's view (text) and the stable data form (JSON, docs/output.md),
//! both from one `AdviceView`.

use crate::check::{claim_or_report, rules_or_report};
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::{Context, Result};
use settle_engine::words;
use settle_view::advice::AdviceView;
use std::path::Path;

pub fn run(
    claim_path: &Path,
    rules: Option<&Path>,
    format: OutputFormat,
    tree: Option<&Path>,
) -> Result<u8> {
    let Some(playbook) =
        rules_or_report(rules, "the rule set has errors; no advice given", format)?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let Some(claim) = claim_or_report(claim_path, "no advice given", format)? else {
        return Ok(EXIT_BAD_INPUT);
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
    match format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&view)?),
        OutputFormat::Text => print!("{}", view.text()),
    }
    Ok(EXIT_OK)
}
