//! `settle rules test [DIR]`: runs the rule tests kept in `DIR/tests/*.toml`, reports each
//! difference, and the rules no test exercises.

use crate::check::{print_diagnostics, rules_or_report};
use crate::{EXIT_BAD_INPUT, EXIT_GATE, EXIT_OK, OutputFormat};
use anyhow::Result;
use rust_decimal::Decimal;
use settle_rules::ruletest;
use settle_view::ruletest::RuleTestView;
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
    let tests = match ruletest::load(&dir, &p) {
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
    let view = RuleTestView::of(
        &p,
        &dir.display().to_string(),
        &dir.join("tests").display().to_string(),
        &outcomes,
        &coverage,
        coverage_min,
    );
    match format {
        OutputFormat::Json => println!("{}", serde_json::to_string_pretty(&view)?),
        OutputFormat::Text => print!("{}", view.text()),
    }
    let below = view.below_minimum(coverage_min);
    if view.failed > 0 || below {
        if below {
            eprintln!(
                "coverage {}% is below the minimum of {}%",
                view.percent(),
                coverage_min.unwrap_or_default()
            );
        }
        return Ok(EXIT_GATE);
    }
    Ok(EXIT_OK)
}
