//! `settle rules diff OLD NEW [--history FILE]`: what changed between two rule sets, rule by
//! rule, and with a history, which of those changes move money.

use crate::check::rules_or_report;
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat, table};
use anyhow::Result;
use serde_json::json;
use settle_replay::history::HistoryReader;
use settle_replay::replay::{self, Options, Report, RuleChange};
use std::path::Path;

/// The impact of one rule change on a replay: claims whose advice changed because of it
/// (the rule fired on one side only, or fired and was redefined, or is a changed parameter).
struct Impact<'a> {
    change: &'a RuleChange,
    claims: u64,
    money: Vec<(String, rust_decimal::Decimal)>,
    samples: Vec<String>,
}

fn impacts<'a>(changes: &'a [RuleChange], report: &Report) -> Vec<Impact<'a>> {
    changes
        .iter()
        .map(|c| {
            let mut claims = 0;
            let mut money: std::collections::BTreeMap<String, rust_decimal::Decimal> =
                Default::default();
            let mut samples = Vec::new();
            for cause in report
                .by_cause
                .iter()
                .filter(|x| x.cause.get(1..) == Some(c.id.as_str()))
            {
                claims += cause.moved.claims;
                for a in &cause.moved.change {
                    let sum = money.entry(a.currency.clone()).or_default();
                    *sum = sum.saturating_add(a.amount);
                }
                samples.extend(cause.moved.samples.iter().cloned());
            }
            samples.sort();
            samples.dedup();
            samples.truncate(3);
            Impact {
                change: c,
                claims,
                money: money.into_iter().collect(),
                samples,
            }
        })
        .collect()
}

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
        )?,
        rules_or_report(
            Some(new),
            &format!("{} has errors; nothing compared", new.display()),
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
                &h.display().to_string(),
                &mut |_, _| {},
                &mut |_| {},
            )?)
        }
        None => None,
    };
    let impact = report.as_ref().map(|r| impacts(&changes, r));
    match format {
        OutputFormat::Json => {
            let v = json!({
                "old": { "dir": old.display().to_string(), "name": a.name(), "version": a.version(), "hash": a.hash() },
                "new": { "dir": new.display().to_string(), "name": b.name(), "version": b.version(), "hash": b.hash() },
                "changes": changes,
                "impact": report.as_ref().map(|r| json!({
                    "history": r.history,
                    "read": r.totals.read,
                    "evaluated": r.totals.evaluated,
                    "skipped": r.totals.skipped,
                    "changed": r.totals.changed,
                    "by_change": impact.as_ref().map(|im| im.iter().map(|i| json!({
                        "id": i.change.id,
                        "claims": i.claims,
                        "change": i.money.iter().map(|(c, m)| json!({"currency": c, "amount": m.to_string()})).collect::<Vec<_>>(),
                        "samples": i.samples,
                    })).collect::<Vec<_>>()),
                    "by_cause": r.by_cause,
                })),
            });
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        OutputFormat::Text => {
            println!(
                "{} {} ({}) -> {} {} ({})",
                a.name(),
                a.version(),
                &a.hash()[..12],
                b.name(),
                b.version(),
                &b.hash()[..12]
            );
            let count = |what: &str| changes.iter().filter(|c| c.change == what).count();
            println!(
                "{} added, {} removed, {} changed",
                count("added"),
                count("removed"),
                count("changed")
            );
            if !changes.is_empty() {
                print!(
                    "{}",
                    crate::replay_cmd::rule_changes_table(&changes, "old", "new")
                );
            }
            if let (Some(r), Some(im)) = (&report, &impact) {
                println!(
                    "\nReplay impact on {}: {} of {} claims change advice ({} skipped)",
                    r.history, r.totals.changed, r.totals.evaluated, r.totals.skipped
                );
                let rows: Vec<Vec<String>> = im
                    .iter()
                    .map(|i| {
                        vec![
                            i.change.id.clone(),
                            i.claims.to_string(),
                            table::amounts(i.money.iter().map(|(c, m)| (c, *m))),
                            i.samples.join(" "),
                        ]
                    })
                    .collect();
                print!(
                    "{}",
                    table::render(
                        &[
                            "rule",
                            "claims changed",
                            "money moved (expected cost)",
                            "sample claims"
                        ],
                        &rows,
                        "  "
                    )
                );
                let knock_on: Vec<_> = r
                    .by_cause
                    .iter()
                    .filter(|x| {
                        !changes
                            .iter()
                            .any(|c| x.cause.get(1..) == Some(c.id.as_str()))
                    })
                    .collect();
                if !knock_on.is_empty() {
                    println!(
                        "  knock-on: unchanged rules that fire differently because of the changes"
                    );
                    for k in knock_on {
                        println!("    {} on {} claims", k.cause, k.moved.claims);
                    }
                }
                println!("  (a claim with several causes counts under each)");
            }
        }
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
