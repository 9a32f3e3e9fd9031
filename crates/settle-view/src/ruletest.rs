//! `settle rules test`: the outcome of a rule set's tests and its rule coverage as a view.

use rust_decimal::Decimal;
use serde::Serialize;
use settle_engine::Playbook;
use settle_engine::playbook::RuleRef;
use settle_rules::ruletest::Outcome;

/// The rule set the tests ran against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestedRules {
    /// The folder.
    pub dir: String,
    /// The rule set's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its content hash.
    pub hash: String,
}

/// One test's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TestView {
    /// The test's name.
    pub name: String,
    /// `file:line` of the test.
    pub at: String,
    /// Whether every expectation held.
    pub passed: bool,
    /// Each expectation that did not hold: what was expected and what the advice says.
    pub failures: Vec<String>,
}

/// A rule, where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleAt {
    /// The rule's id.
    pub id: String,
    /// `file:line`.
    pub at: String,
}

/// Which rules the tests exercise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoverageView {
    /// Rules that can fire (parameters aside).
    pub rules: usize,
    /// How many some test fired.
    pub exercised: usize,
    /// `exercised / rules` in percent, to one place.
    pub percent: String,
    /// The rules no test fired.
    pub not_exercised: Vec<RuleAt>,
    /// The minimum asked for with `--coverage-min`.
    pub min: Option<String>,
}

/// `settle rules test --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleTestView {
    /// The rule set.
    pub rules: TestedRules,
    /// Each test, in file and then file order.
    pub tests: Vec<TestView>,
    /// Tests that passed.
    pub passed: usize,
    /// Tests that failed.
    pub failed: usize,
    /// Rule coverage.
    pub coverage: CoverageView,
    #[serde(skip)]
    tests_dir: String,
    #[serde(skip)]
    percent: Decimal,
}

impl RuleTestView {
    /// The view of a test run: the outcomes, the coverage (each rule and whether a test fired
    /// it), and the minimum coverage asked for.
    pub fn of(
        p: &Playbook,
        dir: &str,
        tests_dir: &str,
        outcomes: &[Outcome],
        coverage: &[(RuleRef, bool)],
        min: Option<Decimal>,
    ) -> RuleTestView {
        let covered = coverage.iter().filter(|(_, hit)| *hit).count();
        let percent = if coverage.is_empty() {
            Decimal::ONE_HUNDRED
        } else {
            (Decimal::from(covered) * Decimal::ONE_HUNDRED / Decimal::from(coverage.len()))
                .round_dp(1)
        };
        let failed = outcomes.iter().filter(|o| !o.failures.is_empty()).count();
        RuleTestView {
            rules: TestedRules {
                dir: dir.to_string(),
                name: p.name().to_string(),
                version: p.version().to_string(),
                hash: p.hash().to_string(),
            },
            tests: outcomes
                .iter()
                .map(|o| TestView {
                    name: o.name.clone(),
                    at: o.at.clone(),
                    passed: o.failures.is_empty(),
                    failures: o.failures.clone(),
                })
                .collect(),
            passed: outcomes.len() - failed,
            failed,
            coverage: CoverageView {
                rules: coverage.len(),
                exercised: covered,
                percent: percent.to_string(),
                not_exercised: coverage
                    .iter()
                    .filter(|(_, h)| !*h)
                    .map(|(r, _)| RuleAt {
                        id: p.rule(*r).id.clone(),
                        at: p.cite(*r),
                    })
                    .collect(),
                min: min.map(|m| m.to_string()),
            },
            tests_dir: tests_dir.to_string(),
            percent,
        }
    }

    /// Whether coverage fell below the minimum asked for.
    pub fn below_minimum(&self, min: Option<Decimal>) -> bool {
        min.is_some_and(|m| self.percent < m)
    }

    /// The coverage in percent.
    pub fn percent(&self) -> Decimal {
        self.percent
    }

    /// The results as text.
    pub fn text(&self) -> String {
        let mut s = format!(
            "rule tests in {} (rule set {} {})\n",
            self.tests_dir, self.rules.name, self.rules.version
        );
        for t in &self.tests {
            let mark = if t.passed { "ok  " } else { "FAIL" };
            s.push_str(&format!("  {mark}  {}  [{}]\n", t.name, t.at));
            for f in &t.failures {
                s.push_str(&format!("          {f}\n"));
            }
        }
        let c = &self.coverage;
        s.push_str(&format!(
            "coverage: {} of {} rules exercised ({}%){}\n",
            c.exercised,
            c.rules,
            c.percent,
            c.min
                .as_deref()
                .map_or(String::new(), |m| format!(", minimum {m}%"))
        ));
        if !c.not_exercised.is_empty() {
            let missing: Vec<String> = c
                .not_exercised
                .iter()
                .map(|r| format!("{} ({})", r.id, r.at))
                .collect();
            s.push_str(&format!(
                "  not exercised by any test: {}\n",
                missing.join(", ")
            ));
        }
        s.push_str(&format!("{} passed, {} failed\n", self.passed, self.failed));
        s
    }
}
