//! `settle rules diff OLD NEW [--history FILE]`: what changed between two rule sets, rule by
//! rule, and with a history, which of those changes move money.

use crate::check::rules_or_report;
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::Result;
use settle_replay::history::HistoryReader;
use settle_replay::replay::{self, Options};
use settle_view::diff::{DiffView, Side};
use std::path::Path;

pub fn run(
    old: &Path,
    new: &Path,
    history: Option<&Path>,
    format: OutputFormat,
    allow_skipped: bool,
) -> Result<u8> {
    let (Some(a), Some(b)) = (
        rules_or_report(
            Some(old),
            &format!("{} has errors; nothing compared", old.display()),
            OutputFormat::Text,
        )?,
        rules_or_report(
            Some(new),
            &format!("{} has errors; nothing compared", new.display()),
            OutputFormat::Text,
        )?,
    ) else {
        return Ok(EXIT_BAD_INPUT);
    };
    let changes = replay::rule_changes(&a, &b);
    let report = match history {
        Some(h) => {
            let mut reader = match HistoryReader::open(h) {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(EXIT_BAD_INPUT);
                }
            };
            Some(replay::run(
                &mut reader,
                &a,
                &b,
                Options::default(),
                &if h == Path::new("-") {
                    "standard input".to_string()
                } else {
                    h.display().to_string()
                },
                &mut |_, _| {},
                &mut |_| {},
            )?)
        }
        None => None,
    };
    let view = DiffView::of(
        Side::of(&a, &old.display().to_string()),
        Side::of(&b, &new.display().to_string()),
        changes,
        report.as_ref(),
    );
    match format {
        OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&view)?),
        OutputFormat::Text => out!("{}", view.text()),
    }
    if let Some(r) = &report
        && r.totals.skipped > 0
        && !allow_skipped
    {
        eprintln!(
            "error: {} records of the history were skipped; pass --allow-skipped to accept",
            r.totals.skipped
        );
        return Ok(EXIT_BAD_INPUT);
    }
    Ok(EXIT_OK)
}
