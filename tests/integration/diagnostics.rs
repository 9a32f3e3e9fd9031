//! The corpus of broken claim and rule files in `tests/data/`, each with its exact expected
//! diagnostics (`file:line:col: severity: message`). `SETTLE_BLESS=1` rewrites the expected
//! files; every rewrite is reviewed by hand before it is committed.

use crate::common::{files, root, settle, source, stderr, stdout};
use settle_rules::{SourceFile, defaults};

pub(crate) fn check(case: &str, actual: Vec<String>) {
    let expected_path = root().join(case).with_extension("expected");
    let actual = actual.join("\n") + "\n";
    if std::env::var_os("SETTLE_BLESS").is_some() {
        std::fs::write(&expected_path, &actual).expect("write expected");
        return;
    }
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
    assert_eq!(actual, expected, "diagnostics for {case}");
}

#[test]
fn every_broken_claim_file_gets_its_exact_diagnostics() {
    let cases = files("tests/data/claims", &[".toml", ".json"]);
    assert!(cases.len() >= 12, "the corpus has a file per fault");
    for case in cases {
        let s = source(&case);
        let diags = settle_rules::parse_claim(&s, settle_rules::Format::of_path(&case))
            .expect_err(&format!("{case} must be rejected"));
        check(&case, diags.iter().map(|d| d.short()).collect());
    }
}

/// A rule case replaces one default file (`# replaces: x.toml`) or adds itself (`# adds`).
pub(crate) fn rule_case_sources(case: &str) -> Vec<SourceFile> {
    let s = source(case);
    let first = s.text().lines().next().unwrap_or_default().to_string();
    let replaced = first
        .strip_prefix("# replaces:")
        .map(|f| format!("{}/{}", defaults::DEFAULT_DIR, f.trim()));
    assert!(
        replaced.is_some() || first.starts_with("# adds"),
        "{case} must say what it replaces"
    );
    let mut sources: Vec<SourceFile> = defaults::default_sources()
        .into_iter()
        .filter(|d| Some(d.name()) != replaced.as_deref())
        .collect();
    assert_eq!(
        sources.len(),
        defaults::DEFAULT_FILES.len() - usize::from(replaced.is_some()),
        "{case}: replaced file exists"
    );
    sources.push(s);
    sources
}

#[test]
fn every_broken_rule_file_gets_its_exact_diagnostics() {
    let cases = files("tests/data/rules", &[".toml"]);
    assert!(cases.len() >= 8, "the corpus has a file per fault");
    for case in cases {
        let diags = settle_rules::ruleset::load(rule_case_sources(&case))
            .expect_err(&format!("{case} must be rejected"));
        check(&case, diags.iter().map(|d| d.short()).collect());
    }
}

#[test]
fn claim_check_prints_rustc_style_diagnostics_and_exits_2() {
    let out = settle(&[
        "claim",
        "check",
        "tests/data/claims/paid-above-value.toml",
        "examples/claims/lamps-battery-grade.toml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let expected = "\
error: `order.paid` (7900.00) is more than `order.value` (7500.00)
  --> tests/data/claims/paid-above-value.toml:15:8
   |
15 | paid = \"7900.00\"
   |        ^^^^^^^^^ paid cannot exceed the order value
";
    assert!(stderr(&out).starts_with(expected), "got:\n{}", stderr(&out));
    assert_eq!(stdout(&out), "1 of 2 claim files invalid (1 problem)\n");
}

#[test]
fn claim_check_reports_every_problem_of_every_file_in_one_run() {
    let out = settle(&[
        "claim",
        "check",
        "tests/data/claims/many-faults.toml",
        "tests/data/claims/json-faults.json",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("json");
    assert_eq!(v["invalid"], 2);
    assert_eq!(
        v["files"][0]["diagnostics"].as_array().map(Vec::len),
        Some(6)
    );
    assert_eq!(
        v["files"][1]["diagnostics"].as_array().map(Vec::len),
        Some(4)
    );
    assert_eq!(
        v["files"][1]["diagnostics"][0]["field"],
        "customer.relationship"
    );
    assert_eq!(v["files"][1]["diagnostics"][0]["line"], 5);
}

#[test]
fn a_missing_claim_file_is_reported_and_the_others_still_checked() {
    let out = settle(&[
        "claim",
        "check",
        "no/such/file.toml",
        "examples/claims/lamps-battery-grade.toml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read no/such/file.toml"));
    assert_eq!(stdout(&out), "1 of 2 claim files invalid (1 problem)\n");
}

#[test]
fn rules_check_on_a_broken_folder_exits_2_and_loads_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    for s in rule_case_sources("tests/data/rules/many-faults.toml") {
        let name = s.name().rsplit('/').next().unwrap().to_string();
        std::fs::write(dir.join(name), s.text()).unwrap();
    }
    let out = settle(&["rules", "check", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).ends_with(": 7 errors; nothing loaded\n"),
        "{}",
        stdout(&out)
    );
    assert!(stderr(&out).contains("unknown cost parameter `repair_fail`"));
    assert!(stderr(&out).contains("help: did you mean `repair_failure`?"));
    let json = settle(&["rules", "check", dir.to_str().unwrap(), "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).expect("json");
    assert_eq!(v["ok"], false);
    assert_eq!(v["diagnostics"].as_array().map(Vec::len), Some(7));
    // Advice refuses to run on a broken rule set: every error, no advice, exit 2.
    let advise = settle(&[
        "advise",
        "examples/claims/lamps-battery-grade.toml",
        "--rules",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(advise.status.code(), Some(2));
    assert_eq!(stdout(&advise), "");
    assert!(stderr(&advise).contains("unknown cost parameter `repair_fail`"));
    assert!(stderr(&advise).ends_with("error: the rule set has errors; no advice given\n"));
}
