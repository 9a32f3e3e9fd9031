//! `settle rules lint [DIR] [--deny warnings]`: warnings a manager can act on.

use crate::check::{copied_default, load_rules, print_diagnostics};
use crate::{EXIT_BAD_INPUT, EXIT_GATE, EXIT_OK, OutputFormat};
use anyhow::Result;
use settle_view::RuleSetRef;
use settle_view::check::{DiagnosticView, LintView};
use std::path::Path;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Deny {
    /// Exit 1 if there is any warning
    Warnings,
}

pub fn run(dir: Option<&Path>, deny: Option<Deny>, format: OutputFormat) -> Result<u8> {
    let (loaded, sources) = load_rules(dir)?;
    let p = match loaded {
        Ok(p) => p,
        Err(diags) => {
            let refs: Vec<_> = sources.iter().collect();
            print_diagnostics(&diags, &refs);
            eprintln!("error: the rule set has errors; fix them before linting");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let mut warnings = settle_rules::lint::lint(&p, &sources);
    if let Some(w) = copied_default(&p, dir, &sources) {
        warnings.push(w);
        settle_rules::diag::sort(&mut warnings);
    }
    let view = LintView {
        rules: RuleSetRef::of(&p),
        warnings: DiagnosticView::all(&warnings),
    };
    match format {
        OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&view)?),
        OutputFormat::Text => {
            let refs: Vec<_> = sources.iter().collect();
            print_diagnostics(&warnings, &refs);
            outln!("{}", view.summary());
        }
    }
    Ok(if deny.is_some() && !warnings.is_empty() {
        EXIT_GATE
    } else {
        EXIT_OK
    })
}
