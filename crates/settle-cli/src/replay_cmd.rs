//! `settle replay`: the analyst's backtest of new rules on past claims.

use crate::check::rules_or_report;
use crate::{EXIT_BAD_INPUT, EXIT_GATE, EXIT_OK, OutputFormat};
use anyhow::{Context, Result};
use settle_replay::history::HistoryReader;
use settle_replay::replay::{self, Evaluated, Options};
use settle_view::replay::ReportView;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// What `settle replay` was asked to do.
#[derive(clap::Args)]
pub struct Args {
    /// The history: JSON Lines, or CSV with a .csv name; `-` reads standard input
    pub history: PathBuf,
    /// The history's format (default: from its name, .csv is CSV, else JSON Lines; JSON Lines
    /// for standard input)
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub history_format: Option<crate::HistoryFormatArg>,
    /// The new rule-set folder
    #[arg(long, value_name = "DIR")]
    pub rules: PathBuf,
    /// The baseline rule-set folder (default: the built-in rules, a copy of rules/default)
    #[arg(long, value_name = "DIR")]
    pub baseline: Option<PathBuf>,
    /// The report's form on standard output
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Also write the report as one self-contained HTML page
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// Also write one CSV row per claim whose advice changed
    #[arg(long, value_name = "FILE.csv")]
    pub changes: Option<PathBuf>,
    /// Exit 1 if the projected cost in any currency rises by more than this percentage
    #[arg(long, value_name = "PCT")]
    pub max_cost_increase: Option<rust_decimal::Decimal>,
    /// Exit 1 if more than this many claims change advice
    #[arg(long, value_name = "N")]
    pub max_changed: Option<u64>,
    /// Exit 0 even if some records were skipped as invalid (they are still reported)
    #[arg(long)]
    pub allow_skipped: bool,
    /// Worker threads (default: one per core); the report is the same for any number
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
}

pub fn run(args: Args) -> Result<u8> {
    let Some(new) = rules_or_report(
        Some(&args.rules),
        "the new rule set has errors; nothing replayed",
        OutputFormat::Text,
    )?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let Some(baseline) = rules_or_report(
        args.baseline.as_deref(),
        "the baseline rule set has errors; nothing replayed",
        OutputFormat::Text,
    )?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let mut reader =
        match HistoryReader::open_as(&args.history, args.history_format.map(Into::into)) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: {e}");
                return Ok(EXIT_BAD_INPUT);
            }
        };
    let mut changes = match &args.changes {
        Some(p) => {
            let mut w = csv::Writer::from_path(p)
                .with_context(|| format!("cannot create {}", p.display()))?;
            w.write_record(CHANGE_COLUMNS)?;
            Some(w)
        }
        None => None,
    };
    // No bar for standard input: its length is not known.
    let total = std::fs::metadata(&args.history)
        .ok()
        .filter(|m| m.is_file() && args.history != std::path::Path::new("-"))
        .map_or(0, |m| m.len());
    let bar = (total > 0 && std::io::stderr().is_terminal() && std::env::var_os("CI").is_none())
        .then(|| {
            let b = indicatif::ProgressBar::new(total);
            b.set_style(
                indicatif::ProgressStyle::with_template(
                    "replay {elapsed_precise} [{bar:30}] {percent}% {bytes}/{total_bytes}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            b
        });
    let shown = if args.history == std::path::Path::new("-") {
        "standard input".to_string()
    } else {
        args.history.display().to_string()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads.unwrap_or(0))
        .build()?;
    let mut write_error: Option<csv::Error> = None;
    let report = pool.install(|| {
        let mut on_result = |result: &Evaluated, agg: &replay::Aggregator<'_>| {
            if let (Some(w), Evaluated::Done(e)) = (changes.as_mut(), result)
                && e.changed()
                && write_error.is_none()
            {
                let cur = &e.claim.currency;
                let row = [
                    e.line.to_string(),
                    e.claim.id.clone(),
                    cur.code().to_string(),
                    e.baseline.label().to_string(),
                    cur.round_string(e.baseline.amount),
                    cur.round_string(e.baseline.cost),
                    cur.round_string(e.baseline.expected),
                    e.new.label().to_string(),
                    cur.round_string(e.new.amount),
                    cur.round_string(e.new.cost),
                    cur.round_string(e.new.expected),
                    cur.round_string(e.delta()),
                    agg.causes(&e.baseline.fired, &e.new.fired).join(" "),
                ];
                if let Err(err) = w.write_record(&row) {
                    write_error = Some(err);
                }
            }
        };
        let mut on_batch = |bytes: u64| {
            if let Some(b) = &bar {
                b.set_position(bytes.min(total));
            }
        };
        replay::run(
            &mut reader,
            &baseline,
            &new,
            Options::default(),
            &shown,
            &mut on_result,
            &mut on_batch,
        )
    })?;
    if let Some(b) = &bar {
        b.finish_and_clear();
    }
    if let Some(e) = write_error {
        anyhow::bail!("cannot write the changes file: {e}");
    }
    if let Some(mut w) = changes {
        w.flush()?;
    }
    let failures = replay::gate(&report, args.max_cost_increase, args.max_changed);
    let view = ReportView::of(&report, &failures);
    if let Some(p) = &args.html {
        let page = view
            .html()
            .map_err(|e| anyhow::anyhow!("cannot render the page: {e}"))?;
        std::fs::write(p, page).with_context(|| format!("cannot write {}", p.display()))?;
    }
    match args.format {
        OutputFormat::Json => {
            let mut v = serde_json::to_value(&report)?;
            v["gates"] = serde_json::json!({
                "max_cost_increase": args.max_cost_increase.map(|d| d.to_string()),
                "max_changed": args.max_changed,
                "failures": failures,
            });
            outln!("{}", serde_json::to_string_pretty(&v)?);
        }
        OutputFormat::Text => out!("{}", view.text()),
    }
    let mut out = std::io::stdout();
    out.flush()?;
    if !failures.is_empty() {
        for f in &failures {
            eprintln!("gate: {f}");
        }
        return Ok(EXIT_GATE);
    }
    if report.totals.skipped > 0 && !args.allow_skipped {
        eprintln!(
            "error: {} of {} records were skipped (see above); pass --allow-skipped to accept",
            report.totals.skipped, report.totals.read
        );
        return Ok(EXIT_BAD_INPUT);
    }
    Ok(EXIT_OK)
}

/// The columns of `--changes FILE.csv`.
pub const CHANGE_COLUMNS: &[&str] = &[
    "line",
    "claim",
    "currency",
    "baseline_move",
    "baseline_amount",
    "baseline_cost",
    "baseline_expected",
    "new_move",
    "new_amount",
    "new_cost",
    "new_expected",
    "change",
    "rules",
];
