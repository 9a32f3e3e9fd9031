//! `settle rules test [DIR]`: runs the rule tests kept in `DIR/tests/*.toml`, reports each
//! difference, and the rules no test exercises.

use crate::check::{print_diagnostics, rules_or_report};
use crate::{EXIT_BAD_INPUT, EXIT_GATE, EXIT_OK, OutputFormat};
use anyhow::Result;
use rust_decimal::Decimal;
use serde_json::json;
use settle_rules::ruletest;
use std::path::{Path, PathBuf};

pub fn run(dir: Option<&Path>, coverage_min: Option<Decimal>, format: OutputFormat) -> Result<u8> {
    // The built-in rules' tests live in the project folder, with the claims they name.
    let dir: PathBuf = match dir {
        Some(d) => d.to_path_buf(),
        None if Path::new("rules/default/tests").is_dir() => PathBuf::from("rules/default"),
        None => {
            eprintln!(
                "error: no rule tests here: the built-in rules' tests are in the project's rules/default/tests; pass a rule-set folder"
            );
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let Some(p) = rules_or_report(Some(&dir), "the rule set has errors; no tests run")? else {
        return Ok(EXIT_BAD_INPUT);
    };
    let tests = match ruletest::load(&dir) {
        Ok(t) => t,
        Err((diags, sources)) => {
            let refs: Vec<_> = sources.iter().collect();
            print_diagnostics(&diags, &refs);
            eprintln!("error: the rule tests have errors; none run");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    if tests.is_empty() {
        eprintln!("error: no rule tests in {}", dir.join("tests").display());
        return Ok(EXIT_BAD_INPUT);
    }
    let outcomes: Vec<ruletest::Outcome> = tests.iter().map(|t| ruletest::run(&p, t)).collect();
    let coverage = ruletest::coverage(&p, &outcomes);
    let covered = coverage.iter().filter(|(_, hit)| *hit).count();
    let percent = if coverage.is_empty() {
        Decimal::ONE_HUNDRED
    } else {
        (Decimal::from(covered) * Decimal::ONE_HUNDRED / Decimal::from(coverage.len())).round_dp(1)
    };
    let failed = outcomes.iter().filter(|o| !o.failures.is_empty()).count();
    let below = coverage_min.is_some_and(|m| percent < m);
    match format {
        OutputFormat::Json => {
            let v = json!({
                "rules": { "dir": dir.display().to_string(), "name": p.name(), "version": p.version(), "hash": p.hash() },
                "tests": outcomes.iter().map(|o| json!({"name": o.name, "at": o.at, "passed": o.failures.is_empty(), "failures": o.failures})).collect::<Vec<_>>(),
                "passed": outcomes.len() - failed,
                "failed": failed,
                "coverage": {
                    "rules": coverage.len(),
                    "exercised": covered,
                    "percent": percent.to_string(),
                    "not_exercised": coverage.iter().filter(|(_, h)| !*h).map(|(r, _)| json!({"id": p.rule(*r).id, "at": p.cite(*r)})).collect::<Vec<_>>(),
                    "min": coverage_min.map(|m| m.to_string()),
                },
            });
            println!("{}", serde_json::to_string_pretty(&v)?);
        }
        OutputFormat::Text => {
            println!(
                "rule tests in {} (rule set {} {})",
                dir.join("tests").display(),
                p.name(),
                p.version()
            );
            for o in &outcomes {
                let mark = if o.failures.is_empty() {
                    "ok  "
                } else {
                    "FAIL"
                };
                println!("  {mark}  {}  [{}]", o.name, o.at);
                for f in &o.failures {
                    println!("          {f}");
                }
            }
            println!(
                "coverage: {covered} of {} rules exercised ({percent}%){}",
                coverage.len(),
                coverage_min.map_or(String::new(), |m| format!(", minimum {m}%"))
            );
            let missing: Vec<String> = coverage
                .iter()
                .filter(|(_, h)| !*h)
                .map(|(r, _)| format!("{} ({})", p.rule(*r).id, p.cite(*r)))
                .collect();
            if !missing.is_empty() {
                println!("  not exercised by any test: {}", missing.join(", "));
            }
            println!("{} passed, {failed} failed", outcomes.len() - failed);
        }
    }
    if failed > 0 || below {
        if below {
            eprintln!(
                "coverage {percent}% is below the minimum of {}%",
                coverage_min.unwrap_or_default()
            );
        }
        return Ok(EXIT_GATE);
    }
    Ok(EXIT_OK)
}
