//! `settle replay`: the analyst's backtest of new rules on past claims.

use crate::check::rules_or_report;
use crate::table::{self, amounts, money};
use crate::{EXIT_BAD_INPUT, EXIT_GATE, EXIT_OK, OutputFormat};
use anyhow::{Context, Result};
use rust_decimal::Decimal;
use settle_replay::history::HistoryReader;
use settle_replay::replay::{self, Evaluated, Options, Report};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

/// What `settle replay` was asked to do.
#[derive(clap::Args)]
pub struct Args {
    /// The history: JSON Lines, or CSV with a .csv name
    pub history: PathBuf,
    /// The new rule-set folder
    #[arg(long)]
    pub rules: PathBuf,
    /// The baseline rule-set folder (default: the built-in rules/default)
    #[arg(long)]
    pub baseline: Option<PathBuf>,
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
    )?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let Some(baseline) = rules_or_report(
        args.baseline.as_deref(),
        "the baseline rule set has errors; nothing replayed",
    )?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let mut reader = match HistoryReader::open(&args.history) {
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
    let total = std::fs::metadata(&args.history)
        .map(|m| m.len())
        .unwrap_or(0);
    let bar = (std::io::stderr().is_terminal() && std::env::var_os("CI").is_none()).then(|| {
        let b = indicatif::ProgressBar::new(total);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "replay {elapsed_precise} [{bar:30}] {percent}% {bytes}/{total_bytes}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    });
    let shown = args.history.display().to_string();
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
    if let Some(p) = &args.html {
        std::fs::write(p, crate::html::report(&report, &failures))
            .with_context(|| format!("cannot write {}", p.display()))?;
    }
    match args.format {
        OutputFormat::Json => {
            let mut v = serde_json::to_value(&report)?;
            v["gates"] = serde_json::json!({
                "max_cost_increase": args.max_cost_increase.map(|d| d.to_string()),
                "max_changed": args.max_changed,
                "failures": failures,
            });
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        OutputFormat::Text => print!("{}", text(&report, &failures)),
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

fn pct(p: Option<Decimal>) -> String {
    p.map_or("n/a".to_string(), |p| {
        format!("{}{p}%", if p > Decimal::ZERO { "+" } else { "" })
    })
}

/// The rules that differ between two rule sets, as a table.
pub fn rule_changes_table(changes: &[replay::RuleChange], old: &str, new: &str) -> String {
    let rows: Vec<Vec<String>> = changes
        .iter()
        .map(|c| {
            vec![
                c.id.clone(),
                c.kind.clone(),
                c.change.clone(),
                c.baseline.clone().unwrap_or_default(),
                c.new.clone().unwrap_or_default(),
            ]
        })
        .collect();
    table::render(&["rule", "kind", "change", old, new], &rows, "  ")
}

/// The report as terminal tables.
pub fn text(r: &Report, failures: &[String]) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let t = &r.totals;
    let _ = writeln!(s, "Replay of {}", r.history);
    let _ = writeln!(
        s,
        "  baseline {} {} ({})   new {} {} ({})",
        r.baseline_rules.name,
        r.baseline_rules.version,
        &r.baseline_rules.hash[..12],
        r.new_rules.name,
        r.new_rules.version,
        &r.new_rules.hash[..12]
    );
    let _ = writeln!(
        s,
        "  read {}  evaluated {}  skipped {}  changed advice {}",
        t.read, t.evaluated, t.skipped, t.changed
    );
    for (reason, n) in &t.skipped_by_reason {
        let _ = writeln!(s, "    skipped ({reason}): {n}");
    }
    for rec in &t.skipped_records {
        let _ = writeln!(s, "    line {}: {}", rec.line, rec.message);
    }
    if (t.skipped as usize) > t.skipped_records.len() {
        let _ = writeln!(
            s,
            "    ... {} more skipped records",
            t.skipped as usize - t.skipped_records.len()
        );
    }

    if !r.rule_changes.is_empty() {
        let _ = writeln!(s, "\nRules that differ");
        s.push_str(&rule_changes_table(&r.rule_changes, "baseline", "new"));
    }

    let _ = writeln!(
        s,
        "\nProjected cost of the advice (direct cost; expected total cost)"
    );
    let rows: Vec<Vec<String>> = r
        .cost
        .iter()
        .map(|c| {
            vec![
                c.currency.clone(),
                c.claims.to_string(),
                money(c.baseline.direct),
                money(c.new.direct),
                money(c.baseline.expected),
                money(c.new.expected),
                money(c.change.expected),
                pct(c.change_percent),
            ]
        })
        .collect();
    s.push_str(&table::render(
        &[
            "currency",
            "claims",
            "direct (base)",
            "direct (new)",
            "expected (base)",
            "expected (new)",
            "change",
            "%",
        ],
        &rows,
        "  ",
    ));

    let _ = writeln!(s, "\nBy kind of claim (expected total cost)");
    let rows: Vec<Vec<String>> = r
        .by_kind
        .iter()
        .map(|c| {
            vec![
                c.kind.clone().unwrap_or_default(),
                c.currency.clone(),
                c.claims.to_string(),
                money(c.baseline.expected),
                money(c.new.expected),
                money(c.change.expected),
                pct(c.change_percent),
            ]
        })
        .collect();
    s.push_str(&table::render(
        &[
            "kind", "currency", "claims", "baseline", "new", "change", "%",
        ],
        &rows,
        "  ",
    ));

    let _ = writeln!(s, "\nTransitions (baseline move -> new move)");
    let mut cells: Vec<_> = r.transitions.iter().collect();
    cells.sort_by(|a, b| {
        b.moved
            .claims
            .cmp(&a.moved.claims)
            .then(a.from.cmp(&b.from))
            .then(a.to.cmp(&b.to))
    });
    let rows: Vec<Vec<String>> = cells
        .iter()
        .map(|c| {
            vec![
                c.from.clone(),
                c.to.clone(),
                c.moved.claims.to_string(),
                amounts(c.moved.change.iter().map(|a| (&a.currency, a.amount))),
                c.moved.samples.join(" "),
            ]
        })
        .collect();
    s.push_str(&table::render(
        &["from", "to", "claims", "change", "sample claims"],
        &rows,
        "  ",
    ));

    let _ = writeln!(s, "\nRules (times fired: baseline / new)");
    let count = |x: Option<u64>| x.map_or("-".to_string(), |n| n.to_string());
    let rows: Vec<Vec<String>> = r
        .rules
        .side_by_side()
        .into_iter()
        .map(|(id, _, b, n)| vec![id.to_string(), count(b), count(n)])
        .collect();
    s.push_str(&table::render(&["rule", "baseline", "new"], &rows, "  "));
    if !r.rules.dead_new.is_empty() {
        let _ = writeln!(
            s,
            "  never fired under the new rules: {}",
            r.rules.dead_new.join(", ")
        );
    }

    let o = &r.outcomes;
    let _ = writeln!(
        s,
        "\nAgainst what really happened ({} claims with an outcome)",
        o.claims
    );
    if o.claims > 0 {
        let rate = |x: Option<Decimal>| x.map_or("n/a".to_string(), |v| v.to_string());
        let rows = vec![
            vec![
                "advice matches the real remedy".to_string(),
                rate(o.baseline.match_rate),
                rate(o.new.match_rate),
            ],
            vec![
                "Brier score of acceptance (lower is better)".to_string(),
                rate(o.baseline.brier),
                rate(o.new.brier),
            ],
        ];
        s.push_str(&table::render(&["", "baseline", "new"], &rows, "  "));
        for (side, a) in [("baseline", &o.baseline), ("new", &o.new)] {
            let saved = amounts(a.saved.iter().map(|x| (&x.currency, x.amount)));
            let _ = writeln!(s, "  {side}: following the advice would have saved {saved}");
        }
        let _ = writeln!(
            s,
            "  Reliability of the new rules' acceptance (predicted vs observed)"
        );
        let rows: Vec<Vec<String>> = o
            .new
            .reliability
            .iter()
            .map(|b| {
                vec![
                    b.range.clone(),
                    b.claims.to_string(),
                    b.predicted.to_string(),
                    b.observed.to_string(),
                ]
            })
            .collect();
        s.push_str(&table::render(
            &["chance", "claims", "predicted", "observed"],
            &rows,
            "    ",
        ));
        let _ = writeln!(s, "  Customers retained and lost, by the advised move");
        let rows: Vec<Vec<String>> = o
            .retention
            .iter()
            .map(|x| {
                vec![
                    x.side.clone(),
                    x.move_.clone(),
                    x.retained.to_string(),
                    x.lost.to_string(),
                ]
            })
            .collect();
        s.push_str(&table::render(
            &["rules", "move", "retained", "lost"],
            &rows,
            "    ",
        ));
    }

    let _ = writeln!(s, "\nLargest changes (expected total cost)");
    let rows: Vec<Vec<String>> = r
        .largest_changes
        .iter()
        .map(|c| {
            vec![
                c.line.to_string(),
                c.claim.clone(),
                format!("{} -> {}", c.from, c.to),
                format!("{} {}", c.currency, money(c.change)),
                c.rules.join(" "),
            ]
        })
        .collect();
    s.push_str(&table::render(
        &["line", "claim", "move", "change", "rules"],
        &rows,
        "  ",
    ));

    if !failures.is_empty() {
        let _ = writeln!(s, "\nGate failed");
        for f in failures {
            let _ = writeln!(s, "  {f}");
        }
    }
    s
}
