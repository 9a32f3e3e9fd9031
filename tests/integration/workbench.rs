//! The manager's workbench: `rules diff`, `explain`, `rules graph`.

use crate::common::{settle, stderr, stdout};

#[test]
fn rules_diff_lists_each_change_semantically() {
    let out = settle(&["rules", "diff", "rules/default", "rules/lean"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("0 added, 0 removed, 4 changed"), "{text}");
    // What changed, not the whole rule twice.
    assert!(
        text.contains(
            "no-reject-when-ours  eligibility     changed  when share.seller: >= 0.5 -> >= 0.6\n"
        ),
        "{text}"
    );
    assert!(!text.contains("blocks [reject]"), "{text}");
    let json = settle(&[
        "rules",
        "diff",
        "rules/default",
        "rules/lean",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let ids: Vec<&str> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "limits.approval.EUR",
            "limits.approval.USD",
            "no-reject-when-ours",
            "tree.opening"
        ]
    );
    assert_eq!(v["changes"][3]["baseline"], "1");
    assert_eq!(v["changes"][3]["new"], "0.9");
    assert!(v["impact"].is_null());
}

#[test]
fn a_rule_set_compared_with_itself_has_no_changes_whatever_its_layout() {
    // Reordered files and comments do not count: the default as embedded vs on disk.
    let out = settle(&[
        "rules",
        "diff",
        "rules/default",
        "rules/default",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["changes"], serde_json::json!([]));
}

#[test]
fn rules_diff_with_a_history_says_which_changes_move_money() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let history = dir.join("h.jsonl");
    assert_eq!(
        settle(&[
            "history",
            "import",
            "examples/claims",
            "--out",
            history.to_str().unwrap()
        ])
        .status
        .code(),
        Some(0)
    );
    let rules = dir.join("no-credit");
    std::fs::create_dir_all(&rules).unwrap();
    for (name, text) in settle_rules::defaults::DEFAULT_FILES {
        std::fs::write(rules.join(name), text).unwrap();
    }
    let mut elig = std::fs::read_to_string(rules.join("eligibility.toml")).unwrap();
    elig.push_str(
        "\n[[eligibility]]\nid = \"no-credit-at-all\"\noption = \"credit\"\nwhy = \"Test rule\"\n",
    );
    std::fs::write(rules.join("eligibility.toml"), elig).unwrap();
    // And a parameter change that no example claim is near: a shorter reasonable-notice period.
    let lim = std::fs::read_to_string(rules.join("ruleset.toml"))
        .unwrap()
        .replace("prompt_notice_days = 180", "prompt_notice_days = 170");
    std::fs::write(rules.join("ruleset.toml"), lim).unwrap();
    let out = settle(&[
        "rules",
        "diff",
        "rules/default",
        rules.to_str().unwrap(),
        "--history",
        history.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let by_change = v["impact"]["by_change"].as_array().unwrap();
    let of = |id: &str| by_change.iter().find(|c| c["id"] == id).unwrap().clone();
    // The credit block changes the two claims advised a credit (the brackets and the towels,
    // credit to discount): it moves money.
    assert_eq!(of("no-credit-at-all")["claims"], 2);
    assert_eq!(
        of("no-credit-at-all")["samples"],
        serde_json::json!(["EX-003-BRACKETS", "EX-TOWELS-SHADE"])
    );
    assert_ne!(of("no-credit-at-all")["change"][0]["amount"], "0");
    // The notice period is a parameter, so it is listed as a cause of every change; it moves
    // money only where advice changes.
    assert_eq!(of("limits.prompt_notice_days")["claims"], 2);
    assert_eq!(v["impact"]["changed"], 2);
}

#[test]
fn explain_traces_every_rule_with_the_values_it_read() {
    let out = settle(&["explain", "examples/claims/brackets-late-vessel.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Explain EX-003-BRACKETS under default 2.1.0"),
        "{text}"
    );
    assert!(
        text.contains(
            "  MATCH  late-buyer-paid-late-no-updates  [builtin:default/responsibility.toml:"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "✓ evidence.progress_updates is false   (needs evidence.progress_updates = false)"
        ),
        "{text}"
    );
    assert!(
        text.contains("-> seller 0.3, buyer 0.7, carrier 0 (decides)"),
        "{text}"
    );
    assert!(text.contains("match (not consulted) late-ours"), "{text}");
    assert!(text.contains("  credit: recommended"), "{text}");
    assert!(
        text.contains("  refund: A refund is for severe problems"),
        "{text}"
    );
    assert!(text.contains("more than the recommended move"), "{text}");
    let json = settle(&[
        "explain",
        "examples/claims/brackets-late-vessel.toml",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let p = crate::common::default_playbook();
    let consulted = v["consulted"].as_array().unwrap();
    let expected = p.responsibility().rows.len()
        + 1
        + p.eligibility().len()
        + p.cost_adjustments().len()
        + p.escalation().len()
        + p.evidence_requests().len();
    assert_eq!(consulted.len(), expected, "every rule is in the trace");
    let matched: Vec<&str> = consulted
        .iter()
        .filter(|c| c["matched"] == true && c["consulted"] == true)
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(matched.contains(&"late-buyer-paid-late-no-updates"));
    assert!(matched.contains(&"refund-only-when-severe"));
    assert!(
        !matched.contains(&"late-ours"),
        "rows after the deciding row are not consulted under `first`"
    );
    assert_eq!(v["figures"]["fair_share"], "3120.00");
    assert_eq!(v["options"][4]["why_not"], "recommended");
}

#[test]
fn rules_graph_draws_the_rule_set_as_dot() {
    let out = settle(&["rules", "graph"]);
    assert_eq!(out.status.code(), Some(0));
    let dot = stdout(&out);
    assert!(dot.starts_with("digraph \"default\" {"));
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());
    let p = crate::common::default_playbook();
    for r in &p.responsibility().rows {
        assert!(
            dot.contains(&format!("label=\"{}\\n", p.rule(r.rule).id)),
            "row {} is drawn",
            p.rule(r.rule).id
        );
    }
    assert!(
        dot.contains("label=\"no reject\""),
        "what a rule blocks, beside it"
    );
    assert!(dot.contains("label=\"blocks\""));
    assert!(dot.contains("label=\"escalate to headquarters\""));
    assert!(dot.contains("share.seller >= 0.5"));
}

#[test]
fn rules_graph_as_svg_uses_graphviz_or_says_it_is_missing() {
    let out = settle(&["rules", "graph", "rules/lean", "--format", "svg"]);
    let graphviz = std::process::Command::new("dot").arg("-V").output().is_ok();
    if graphviz {
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stdout(&out).contains("<svg"));
    } else {
        assert_eq!(out.status.code(), Some(2));
        assert!(stderr(&out).contains("SVG needs Graphviz's `dot`, which is not installed"));
    }
}

/// A copy of the default rules in a scratch folder, with `tests` holding one test file.
/// The folder is removed when the returned guard is dropped.
fn rules_with_tests(tests: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    for (file, text) in settle_rules::defaults::DEFAULT_FILES {
        std::fs::write(dir.join(file), text).unwrap();
    }
    let claim = crate::common::root().join("examples/claims/brackets-late-vessel.toml");
    std::fs::write(
        dir.join("tests/t.toml"),
        tests.replace("CLAIM", &claim.display().to_string()),
    )
    .unwrap();
    (tmp, dir)
}

#[test]
fn the_default_rules_pass_their_own_tests() {
    let out = settle(&["rules", "test", "--coverage-min", "95"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    let text = stdout(&out);
    assert!(text.contains(", 0 failed\n"), "{text}");
    assert!(text.contains("coverage: "), "{text}");
}

#[test]
fn a_failing_rule_test_shows_the_difference_and_exits_1() {
    let (_tmp, dir) = rules_with_tests(
        "[[test]]\nname = \"wrongly expects a refund\"\nclaim = \"CLAIM\"\nexpect = { option = \"refund\", seller = 1, fired = [\"late-ours\"], amount = \"<= 100\" }\n",
    );
    let out = settle(&["rules", "test", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    assert!(text.contains("FAIL  wrongly expects a refund"), "{text}");
    assert!(
        text.contains("option: expected refund, got credit"),
        "{text}"
    );
    assert!(text.contains("seller share: expected 1, got 0.3"), "{text}");
    assert!(
        text.contains("rule `late-ours` was expected to fire and did not"),
        "{text}"
    );
    assert!(
        text.contains("amount: expected <= 100, got 4940.00"),
        "{text}"
    );
    assert!(text.ends_with("0 passed, 1 failed\n"), "{text}");
}

#[test]
fn coverage_below_the_minimum_exits_1_and_names_the_unexercised_rules() {
    let (_tmp, dir) = rules_with_tests(
        "[[test]]\nname = \"brackets\"\nclaim = \"CLAIM\"\nexpect = { seller = 0.3 }\n",
    );
    let out = settle(&[
        "rules",
        "test",
        dir.to_str().unwrap(),
        "--coverage-min",
        "50",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["passed"], 1);
    let missing: Vec<&str> = v["coverage"]["not_exercised"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(missing.contains(&"safety-incident"));
    assert!(!missing.contains(&"late-buyer-paid-late-no-updates"));
    assert!(
        v["coverage"]["percent"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
            < 50.0
    );
}

#[test]
fn a_broken_rule_test_file_is_reported_and_nothing_runs() {
    let (_tmp, dir) = rules_with_tests(
        "[[test]]\nname = \"x\"\nclaim = \"CLAIM\"\nset = { \"evidence.smell\" = true, \"order.paid\" = \"99999999.00\" }\nexpect = { colour = \"red\" }\n",
    );
    let out = settle(&["rules", "test", dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("unknown field `colour` in [test[1].expect]"),
        "{err}"
    );
    assert!(
        err.contains("error: the rule tests have errors; none run"),
        "{err}"
    );
}

#[test]
fn every_crafted_rule_set_gets_its_exact_lint_warnings() {
    let cases = crate::common::files("tests/data/lint", &[".toml"]);
    assert!(cases.len() >= 8);
    for case in cases {
        let sources = crate::diagnostics::rule_case_sources(&case);
        let p = settle_rules::ruleset::load(sources.clone())
            .unwrap_or_else(|d| panic!("{case} must load: {d:?}"));
        let warnings = settle_rules::lint::lint(&p, &sources);
        assert!(!warnings.is_empty(), "{case} must warn");
        crate::diagnostics::check(&case, warnings.iter().map(|d| d.short()).collect());
    }
}

#[test]
fn the_shipped_rule_sets_pass_lint_with_warnings_denied() {
    for dir in ["rules/default", "rules/lean"] {
        let out = settle(&["rules", "lint", dir, "--deny", "warnings"]);
        assert_eq!(out.status.code(), Some(0), "{dir}: {}", stderr(&out));
        assert!(stdout(&out).ends_with(": 0 warnings\n"));
    }
}

#[test]
fn lint_with_warnings_denied_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    for s in crate::diagnostics::rule_case_sources("tests/data/lint/never-eligible.toml") {
        std::fs::write(dir.join(s.name().rsplit('/').next().unwrap()), s.text()).unwrap();
    }
    let out = settle(&["rules", "lint", dir.to_str().unwrap(), "--deny", "warnings"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("warning: `credit` can never be offered"),
        "{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("help: narrow one of:"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        settle(&["rules", "lint", dir.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
}
