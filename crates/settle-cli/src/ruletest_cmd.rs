//! `settle rules test [DIR]`: runs the rule tests kept in `DIR/tests/*.toml`, reports each
//! difference, and the rules no test exercises; with `--casebook`, scores the rule set's advice
//! against casebooks of real past cases instead.

use crate::check::{print_diagnostics, rules_or_report, rules_shown};
use crate::{EXIT_BAD_INPUT, EXIT_GATE, EXIT_OK, OutputFormat};
use anyhow::Result;
use rust_decimal::Decimal;
use settle_rules::{SourceFile, casebook, ruletest};
use settle_view::casebook::CasebookRunView;
use settle_view::ruletest::RuleTestView;
use std::path::{Path, PathBuf};

pub fn run(dir: Option<&Path>, coverage_min: Option<Decimal>, format: OutputFormat) -> Result<u8> {
    // Without a folder, the built-in rules with their own tests (built in too), as every other
    // command uses the built-in rules.
    let Some(p) = rules_or_report(
        dir,
        "the rule set has errors; no tests run",
        OutputFormat::Text,
    )?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let loaded = match dir {
        Some(d) => ruletest::load(d, &p),
        None => ruletest::load_builtin(&p),
    };
    let tests = match loaded {
        Ok(t) => t,
        Err((diags, sources)) => {
            let refs: Vec<_> = sources.iter().collect();
            print_diagnostics(&diags, &refs);
            eprintln!("error: the rule tests have errors; none run");
            return Ok(EXIT_BAD_INPUT);
        }
    };
    let shown = rules_shown(dir);
    let tests_shown = match dir {
        Some(d) => d.join("tests").display().to_string(),
        None => format!("{shown}/tests"),
    };
    if tests.is_empty() {
        eprintln!("error: no rule tests in {tests_shown}");
        return Ok(EXIT_BAD_INPUT);
    }
    let outcomes: Vec<ruletest::Outcome> = tests.iter().map(|t| ruletest::run(&p, t)).collect();
    let coverage = ruletest::coverage(&p, &outcomes);
    let view = RuleTestView::of(&p, &shown, &tests_shown, &outcomes, &coverage, coverage_min);
    match format {
        OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&view)?),
        OutputFormat::Text => out!("{}", view.text()),
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

/// `settle rules test [DIR] --casebook CASEBOOK_DIR...`: advises on every case of each
/// casebook under the rule set in `dir` (default: the built-in rules) and reports how the
/// advice agrees with the verdicts. Exit 1 when a casebook's move agreement is below
/// `min_agreement`; exit 2 when a casebook has errors (every one is printed first).
pub fn casebooks(
    dir: Option<&Path>,
    books: &[PathBuf],
    min_agreement: Option<Decimal>,
    format: OutputFormat,
) -> Result<u8> {
    if let Some(m) = min_agreement
        && (m < Decimal::ZERO || m > Decimal::ONE_HUNDRED)
    {
        eprintln!("error: --min-agreement is a percentage from 0 to 100, not {m}");
        return Ok(EXIT_BAD_INPUT);
    }
    let Some(p) = rules_or_report(
        dir,
        "the rule set has errors; no case advised",
        OutputFormat::Text,
    )?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let mut loaded = Vec::new();
    let mut diags = Vec::new();
    let mut sources: Vec<SourceFile> = Vec::new();
    for book in books {
        match casebook::load(book) {
            Ok(b) => loaded.push(b),
            Err((d, s)) => {
                diags.extend(d);
                sources.extend(s);
            }
        }
    }
    if !diags.is_empty() {
        let refs: Vec<_> = sources.iter().collect();
        print_diagnostics(&diags, &refs);
        let n = diags.len();
        eprintln!(
            "error: the casebook has {n} problem{}; no case advised",
            if n == 1 { "" } else { "s" }
        );
        return Ok(EXIT_BAD_INPUT);
    }
    let scored: Vec<(String, Vec<casebook::Scored>)> = loaded
        .iter()
        .map(|b| {
            let cases = b.cases.iter().map(|c| casebook::score(&p, c)).collect();
            (b.dir.clone(), cases)
        })
        .collect();
    let rules_dir = rules_shown(dir);
    let view = CasebookRunView::of(&p, &rules_dir, &scored, min_agreement);
    match format {
        OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&view)?),
        OutputFormat::Text => out!("{}", view.text()),
    }
    if view.below_minimum() {
        // The text says so itself; JSON goes to a program, and the person running it reads stderr.
        if format == OutputFormat::Json {
            eprintln!(
                "move agreement is below the minimum of {}% in {}",
                min_agreement.unwrap_or_default(),
                view.below_minimum.join(", ")
            );
        }
        return Ok(EXIT_GATE);
    }
    Ok(EXIT_OK)
}
