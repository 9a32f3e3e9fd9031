//! `settle advise` from the command line: text for the rep, JSON as documented, the tree.

use crate::common::{settle, stderr, stdout};

#[test]
fn advise_text_starts_with_the_move_in_one_sentence() {
    let out = settle(&["advise", "examples/claims/trial-order-failures.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let first = text.lines().next().unwrap();
    assert_eq!(
        first,
        "Accept the buyer's proposal: replacement goods worth USD 2,700.00 (135 units, freight paid by us); it costs us USD 2,038.50."
    );
    for heading in [
        "Bottom line  USD ",
        "Responsible  seller 100%, buyer 0%, carrier 0%",
        "\nOptions\n",
        "\nWhy not\n",
        "\nRules behind the figures\n",
    ] {
        assert!(text.contains(heading), "missing {heading:?} in\n{text}");
    }
    assert!(
        text.contains("no-repair-return-electronics (builtin:default/eligibility.toml:"),
        "{text}"
    );
}

#[test]
fn advise_json_has_the_documented_fields_and_money_as_strings() {
    let out = settle(&[
        "advise",
        "examples/claims/waybill-wrong-port.toml",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    for key in [
        "claim",
        "currency",
        "rules",
        "responsibility",
        "next",
        "bottom_line",
        "options",
        "plan",
        "warnings",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["claim"], "EX-003-WAYBILL");
    assert_eq!(v["currency"], "USD");
    assert_eq!(v["rules"]["name"], "default");
    assert_eq!(v["rules"]["hash"].as_str().map(str::len), Some(64));
    assert_eq!(v["responsibility"]["seller"], "0.5");
    assert_eq!(
        v["responsibility"]["basis"][0]["id"],
        "documents-unconfirmed-version"
    );
    assert_eq!(v["next"]["action"], "offer");
    assert!(
        v["next"]["amount"].as_str().unwrap().contains('.'),
        "money is a decimal string"
    );
    assert!(v["bottom_line"].is_string());
    assert_eq!(v["options"].as_array().unwrap().len(), 6);
    let reject = &v["options"][5];
    assert_eq!(reject["option"], "reject");
    assert_eq!(reject["eligible"], false);
    assert_eq!(reject["blocked_by"][0]["id"], "no-reject-when-ours");
    for key in [
        "option",
        "eligible",
        "amount",
        "cost",
        "acceptance",
        "expected_cost",
        "reasons",
    ] {
        assert!(v["options"][2].get(key).is_some(), "options[] lacks {key}");
    }
    for key in ["round", "option", "amount"] {
        assert!(v["plan"][0].get(key).is_some(), "plan[] lacks {key}");
    }
}

#[test]
fn advise_json_is_byte_identical_across_runs() {
    let a = settle(&[
        "advise",
        "examples/claims/brackets-late-vessel.toml",
        "--format",
        "json",
    ]);
    let b = settle(&[
        "advise",
        "examples/claims/brackets-late-vessel.toml",
        "--format",
        "json",
    ]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn advise_writes_the_tree_as_dot() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("tree.dot");
    let out = settle(&[
        "advise",
        "examples/claims/trial-order-failures.toml",
        "--tree",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let dot = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert!(dot.starts_with("digraph {"));
    // The buyer's proposal costs less than any offer of ours: accepting it is the only move.
    assert!(dot.contains("label=\"accept proposal\""));
    assert!(!dot.contains("walks away"));
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());
    // Where we offer, the buyer's replies are drawn.
    let out = settle(&[
        "advise",
        "examples/claims/waybill-wrong-port.toml",
        "--tree",
        path.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let dot = std::fs::read_to_string(&path).unwrap();
    assert!(dot.contains("walks away") && dot.contains("accepts") && dot.contains("counters"));
    assert_eq!(dot.matches('{').count(), dot.matches('}').count());
}

#[test]
fn advise_on_a_bad_claim_exits_2_with_diagnostics() {
    let out = settle(&["advise", "tests/data/claims/rounds-out-of-order.toml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("error: round 3 is dated 2019-06-20, before round 2 (2019-06-25)")
    );
    assert!(stderr(&out).contains("--> tests/data/claims/rounds-out-of-order.toml:61:6"));
}

#[test]
fn bad_usage_exits_2() {
    assert_eq!(settle(&["advise"]).status.code(), Some(2));
    assert_eq!(settle(&["claim", "check"]).status.code(), Some(2));
    assert_eq!(
        settle(&[
            "advise",
            "examples/claims/trial-order-failures.toml",
            "--format",
            "xml"
        ])
        .status
        .code(),
        Some(2)
    );
    assert_eq!(
        settle(&["advise", "no/such/claim.toml"]).status.code(),
        Some(2)
    );
}
