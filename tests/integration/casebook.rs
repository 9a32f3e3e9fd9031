//! Casebooks (`settle rules test --casebook`) and the acceptable sets rule tests share with them
//! (`responsibility`, `min_share`, `max_share`). The synthetic casebook in
//! `tests/data/casebook/` holds four example claims with verdicts chosen so that, under the
//! default rules, two cases agree in full and two miss.

use crate::common::{root, settle, stderr, stdout};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BOOK: &str = "tests/data/casebook";

/// `settle` run from `dir`.
fn settle_in(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_settle"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run settle")
}

/// A scratch folder holding a copy of the synthetic casebook as `book`, so that messages name
/// its files by the same short paths on every machine.
fn scratch_book() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("temporary folder");
    let book = tmp.path().join("book");
    std::fs::create_dir_all(book.join("cases")).unwrap();
    let src = root().join(BOOK);
    std::fs::copy(src.join("expected.toml"), book.join("expected.toml")).unwrap();
    for e in std::fs::read_dir(src.join("cases")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), book.join("cases").join(e.file_name())).unwrap();
    }
    tmp
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_str(&stdout(o)).unwrap_or_else(|e| panic!("{e}: {}", stdout(o)))
}

fn count(v: &serde_json::Value) -> (u64, u64, &str) {
    (
        v["agree"].as_u64().unwrap(),
        v["of"].as_u64().unwrap(),
        v["percent"].as_str().unwrap(),
    )
}

#[test]
fn the_synthetic_casebook_gets_its_exact_agreement_counts() {
    let out = settle(&["rules", "test", "--casebook", BOOK, "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    assert_eq!(v["rules"]["name"], "default");
    assert_eq!(v["rules"]["dir"], "builtin:default");
    let book = &v["casebooks"][0];
    assert_eq!(book["dir"], BOOK);
    assert_eq!(book["cases"], 4);
    assert_eq!(count(&book["move"]), (2, 4, "50.0"));
    assert_eq!(count(&book["option"]), (2, 3, "66.7"));
    assert_eq!(count(&book["amount"]), (1, 2, "50.0"));
    assert_eq!(count(&book["responsibility"]), (3, 4, "75.0"));
    assert_eq!(v["overall"], {
        let mut o = book.clone();
        let o = o.as_object_mut().unwrap();
        o.remove("dir");
        o.remove("misses");
        serde_json::Value::Object(o.clone())
    });
    assert_eq!(v["min_agreement"], serde_json::Value::Null);
    assert_eq!(v["below_minimum"], serde_json::json!([]));
    let ids: Vec<&str> = book["misses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["case"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["EX-001-TRIAL", "EX-003-WAYBILL"]);
}

#[test]
fn a_miss_holds_what_was_expected_what_the_advice_says_and_why() {
    let v = json(&settle(&[
        "rules",
        "test",
        "--casebook",
        BOOK,
        "--format",
        "json",
    ]));
    let trial = &v["casebooks"][0]["misses"][0];
    assert_eq!(trial["file"], "tests/data/casebook/cases/EX-001-TRIAL.toml");
    assert_eq!(trial["at"], "tests/data/casebook/expected.toml:6");
    assert_eq!(
        trial["expected"],
        serde_json::json!({ "responsibility": "buyer", "actions": ["accept", "offer"],
            "options": ["reship"], "min_share": "0.90", "max_share": null })
    );
    assert_eq!(
        trial["advice"],
        serde_json::json!({ "action": "accept", "option": "reship", "amount": "2700.00",
            "ask": "5400.00", "currency": "USD", "share": "0.5", "responsibility": "seller",
            "seller": "1", "buyer": "0", "carrier": "0" })
    );
    assert_eq!(trial["move_agrees"], false);
    assert_eq!(trial["responsibility_agrees"], false);
    assert_eq!(
        trial["differences"],
        serde_json::json!([
            "amount: expected a share of the ask at least 0.90, got 0.5 (USD 2,700.00 of USD 5,400.00)",
            "responsibility: expected buyer, got seller (seller 1, buyer 0, carrier 0)"
        ])
    );
    assert_eq!(trial["error"], serde_json::Value::Null);
    assert_eq!(trial["diagnostics"], serde_json::json!([]));
    assert!(
        trial["why"]
            .as_str()
            .unwrap()
            .ends_with("; examples/claims/trial-order-failures.toml")
    );
    let waybill = &v["casebooks"][0]["misses"][1];
    assert_eq!(waybill["move_agrees"], false);
    assert_eq!(waybill["responsibility_agrees"], true);
    assert_eq!(
        waybill["differences"],
        serde_json::json!(["option: expected refund, got discount"])
    );
}

#[test]
fn the_text_lists_each_miss_with_its_differences() {
    let out = settle(&["rules", "test", "--casebook", BOOK]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for line in [
        "casebook tests/data/casebook: 4 cases\n",
        "  move            2 of 4 agree (50.0%)\n",
        "  option          2 of 3 offers and acceptances whose verdict names options (66.7%)\n",
        "  amount          1 of 2 amounts whose verdict bounds the share (50.0%)\n",
        "  responsibility  3 of 4 agree (75.0%)\n",
        "  misses (2)\n",
        "    EX-001-TRIAL  [tests/data/casebook/expected.toml:6]\n",
        "      expected  accept or offer; option reship; share of the ask at least 0.90; responsibility buyer\n",
        "      advice    accept reship USD 2,700.00 (0.5 of the ask); responsibility seller (seller 1, buyer 0, carrier 0)\n",
        "      differs   amount: expected a share of the ask at least 0.90, got 0.5 (USD 2,700.00 of USD 5,400.00)\n",
        "                responsibility: expected buyer, got seller (seller 1, buyer 0, carrier 0)\n",
        "    EX-003-WAYBILL  [tests/data/casebook/expected.toml:20]\n",
        "      differs   option: expected refund, got discount\n",
        "      why       Both sides missed the wrong port: refund part of the order (a made-up verdict); examples/claims/waybill-wrong-port.toml\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(!text.contains("EX-003-BRACKETS"), "{text}");
    assert!(!text.contains("EX-FASTENERS-SHORT"), "{text}");
}

#[test]
fn min_agreement_exits_1_only_when_a_casebook_is_below_it() {
    let at = settle(&["rules", "test", "--casebook", BOOK, "--min-agreement", "50"]);
    assert_eq!(at.status.code(), Some(0), "{}", stderr(&at));
    assert!(stdout(&at).ends_with("move agreement is at least 50% in every casebook\n"));

    let above = settle(&[
        "rules",
        "test",
        "--casebook",
        BOOK,
        "--min-agreement",
        "50.1",
    ]);
    assert_eq!(above.status.code(), Some(1));
    assert!(
        stdout(&above)
            .ends_with("move agreement below the minimum of 50.1%: tests/data/casebook\n"),
        "{}",
        stdout(&above)
    );

    let json_out = settle(&[
        "rules",
        "test",
        "--casebook",
        BOOK,
        "--min-agreement",
        "75",
        "--format",
        "json",
    ]);
    assert_eq!(json_out.status.code(), Some(1));
    let v = json(&json_out);
    assert_eq!(v["min_agreement"], "75");
    assert_eq!(v["below_minimum"], serde_json::json!([BOOK]));
    assert!(
        stderr(&json_out)
            .contains("move agreement is below the minimum of 75% in tests/data/casebook")
    );
}

#[test]
fn min_agreement_needs_a_casebook_and_a_percentage() {
    let alone = settle(&["rules", "test", "--min-agreement", "50"]);
    assert_eq!(alone.status.code(), Some(2));
    assert!(stderr(&alone).contains("--casebook"), "{}", stderr(&alone));
    let wild = settle(&[
        "rules",
        "test",
        "--casebook",
        BOOK,
        "--min-agreement",
        "150",
    ]);
    assert_eq!(wild.status.code(), Some(2));
    assert!(
        stderr(&wild).contains("--min-agreement is a percentage from 0 to 100, not 150"),
        "{}",
        stderr(&wild)
    );
    let both = settle(&["rules", "test", "--casebook", BOOK, "--coverage-min", "50"]);
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn a_rule_folder_given_with_a_casebook_is_the_rule_set_advising() {
    let v = json(&settle(&[
        "rules",
        "test",
        "rules/lean",
        "--casebook",
        BOOK,
        "--format",
        "json",
    ]));
    assert_eq!(v["rules"]["dir"], "rules/lean");
    assert_eq!(v["rules"]["name"], "lean");
    assert_eq!(v["casebooks"][0]["cases"], 4);
}

#[test]
fn a_case_file_that_does_not_load_is_a_miss_at_its_place() {
    let tmp = scratch_book();
    let case = tmp.path().join("book/cases/EX-003-WAYBILL.toml");
    let text = std::fs::read_to_string(&case).unwrap();
    std::fs::write(
        &case,
        text.replacen("received = 2024-", "received = \"someday\" # ", 1),
    )
    .unwrap();
    let out = settle_in(tmp.path(), &["rules", "test", "--casebook", "book"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("  move            2 of 4 agree (50.0%)\n"),
        "{text}"
    );
    assert!(
        text.contains("  responsibility  2 of 4 agree (50.0%)\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "      advice    none: the claim does not load (1 problem)\n                book/cases/EX-003-WAYBILL.toml:6:12: wrong type for `received`: expected a date (YYYY-MM-DD), found a string\n"
        ),
        "{text}"
    );
    let v = json(&settle_in(
        tmp.path(),
        &["rules", "test", "--casebook", "book", "--format", "json"],
    ));
    let miss = &v["casebooks"][0]["misses"][1];
    assert_eq!(miss["case"], "EX-003-WAYBILL");
    assert_eq!(miss["advice"], serde_json::Value::Null);
    assert_eq!(miss["error"], "the claim does not load (1 problem)");
    let d = &miss["diagnostics"][0];
    assert_eq!(
        (&d["file"], &d["line"], &d["column"], &d["field"]),
        (
            &serde_json::json!("book/cases/EX-003-WAYBILL.toml"),
            &serde_json::json!(6),
            &serde_json::json!(12),
            &serde_json::json!("received")
        )
    );
}

/// Runs the scratch casebook after `change` and returns stderr, checking nothing was advised.
fn casebook_error(change: impl FnOnce(&Path)) -> String {
    let tmp = scratch_book();
    change(&tmp.path().join("book"));
    let out = settle_in(tmp.path(), &["rules", "test", "--casebook", "book"]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    assert_eq!(stdout(&out), "");
    stderr(&out)
}

fn append(path: PathBuf, text: &str) {
    let mut old = std::fs::read_to_string(&path).unwrap();
    old.push_str(text);
    std::fs::write(path, old).unwrap();
}

#[test]
fn a_verdict_without_a_case_is_a_located_error() {
    let err = casebook_error(|book| {
        append(
            book.join("expected.toml"),
            "\n[EX-003-BRACKET]\nresponsibility = \"buyer\"\nactions = [\"offer\"]\nwhy = \"a typo\"\n",
        )
    });
    assert!(
        err.contains(
            "error: the verdict `EX-003-BRACKET` has no case: there is no book/cases/EX-003-BRACKET.toml\n  --> book/expected.toml:31:2\n"
        ),
        "{err}"
    );
    assert!(
        err.contains("help: did you mean `EX-003-BRACKETS`?"),
        "{err}"
    );
    assert!(
        err.ends_with("error: the casebook has 1 problem; no case advised\n"),
        "{err}"
    );
}

#[test]
fn a_case_without_a_verdict_is_a_located_error() {
    let err = casebook_error(|book| {
        std::fs::copy(
            book.join("cases/EX-001-TRIAL.toml"),
            book.join("cases/EX-002-TRIAL.toml"),
        )
        .unwrap();
    });
    assert!(
        err.contains(
            "error: the case `EX-002-TRIAL` has no verdict in book/expected.toml\n --> book/cases/EX-002-TRIAL.toml:1:1\n"
        ),
        "{err}"
    );
}

#[test]
fn every_problem_in_the_verdicts_is_reported_at_once_at_its_place() {
    let err = casebook_error(|book| {
        let path = book.join("expected.toml");
        let text = std::fs::read_to_string(&path).unwrap();
        let text = text
            .replace("responsibility = \"shared\"", "responsibility = \"shard\"")
            .replace(
                "actions = [\"request_evidence\", \"reject\"]",
                "actions = [\"request_evidense\"]\nverdict = \"x\"",
            )
            .replace(
                "max_share = \"0.50\"",
                "max_share = \"0.40\"\nmin_share = 0.45",
            );
        std::fs::write(path, text).unwrap();
    });
    for want in [
        "error: `EX-003-BRACKETS.max_share` (0.40) is below `EX-003-BRACKETS.min_share` (0.45)\n  --> book/expected.toml:17:13\n",
        "error: `EX-003-WAYBILL.responsibility` must be one of seller, buyer, carrier, shared, unclear; found `shard`\n  --> book/expected.toml:22:18\n",
        "help: did you mean `shared`?",
        "error: `EX-FASTENERS-SHORT.actions` must be one of offer, accept, request_evidence, escalate, reject, execute; found `request_evidense`\n  --> book/expected.toml:29:12\n",
        "help: did you mean `request_evidence`?",
        "error: unknown field `verdict` in [EX-FASTENERS-SHORT]\n  --> book/expected.toml:30:1\n",
        "error: the casebook has 4 problems; no case advised\n",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
}

#[test]
fn a_missing_casebook_folder_is_an_error() {
    let out = settle(&["rules", "test", "--casebook", "tests/data/no-such-casebook"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("cannot read the casebook's cases folder tests/data/no-such-casebook/cases"),
        "{err}"
    );
    assert!(
        err.contains(
            "cannot read the casebook's verdicts tests/data/no-such-casebook/expected.toml"
        ),
        "{err}"
    );
}

#[test]
fn the_real_casebooks_are_scored_and_cases_that_do_not_load_are_misses() {
    let out = settle(&[
        "rules",
        "test",
        "--casebook",
        "casebook/shared",
        "--casebook",
        "casebook/found",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v = json(&out);
    let books = v["casebooks"].as_array().unwrap();
    assert_eq!(books[0]["cases"], 34);
    assert_eq!(books[1]["cases"], 45);
    assert_eq!(v["overall"]["cases"], 79);
    for book in books {
        let cases = book["cases"].as_u64().unwrap();
        let misses = book["misses"].as_array().unwrap();
        let agree = book["move"]["agree"].as_u64().unwrap();
        assert!(cases - agree <= misses.len() as u64);
        for m in misses {
            // Never dropped: either advised, or the reason with every problem located.
            match &m["advice"] {
                serde_json::Value::Null => {
                    assert!(m["error"].is_string(), "{m}");
                    for d in m["diagnostics"].as_array().unwrap() {
                        assert!(d["line"].as_u64().unwrap() >= 1, "{d}");
                        assert!(d["file"].as_str().unwrap().starts_with("casebook/"), "{d}");
                    }
                }
                a => assert!(a["action"].is_string(), "{m}"),
            }
            assert!(m["why"].as_str().unwrap().contains("http"), "{m}");
        }
    }
}

/// A copy of the default rules with one rule-test file, run; returns the output.
fn rule_test(tests: &str) -> Output {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::create_dir_all(dir.join("tests")).unwrap();
    for (file, text) in settle_rules::defaults::DEFAULT_FILES {
        std::fs::write(dir.join(file), text).unwrap();
    }
    let claim = root().join("examples/claims/brackets-late-vessel.toml");
    std::fs::write(
        dir.join("tests/t.toml"),
        tests.replace("CLAIM", &claim.display().to_string()),
    )
    .unwrap();
    settle(&["rules", "test", dir.to_str().unwrap()])
}

#[test]
fn rule_tests_accept_responsibility_and_share_bounds() {
    // The brackets claim: a credit of USD 4,940.00 on an ask of USD 10,400.00 (0.475), seller
    // 0.3 and buyer 0.7 (the buyer's).
    let out = rule_test(
        "[[test]]\nname = \"holds\"\nclaim = \"CLAIM\"\nexpect = { action = [\"offer\", \"accept\"], responsibility = \"buyer\", min_share = \"0.47\", max_share = 0.5 }\n\n\
         [[test]]\nname = \"fails\"\nclaim = \"CLAIM\"\nexpect = { responsibility = \"shared\", min_share = 0.5 }\n\n\
         [[test]]\nname = \"unclear\"\nclaim = \"CLAIM\"\nexpect = { responsibility = \"unclear\", max_share = 0.4 }\n",
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("  ok    holds"), "{text}");
    assert!(text.contains("  FAIL  fails  [",), "{text}");
    for line in [
        "          amount: expected a share of the ask at least 0.5, got 0.475 (USD 4,940.00 of USD 10,400.00)\n",
        "          responsibility: expected shared, got buyer (seller 0.3, buyer 0.7, carrier 0)\n",
        "          amount: expected a share of the ask at most 0.4, got 0.475 (USD 4,940.00 of USD 10,400.00)\n",
        "          responsibility: expected unclear (a request for evidence or a shared split), got buyer (seller 0.3, buyer 0.7, carrier 0)\n",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    assert!(text.ends_with("1 passed, 2 failed\n"), "{text}");
}

#[test]
fn rule_test_responsibility_and_shares_are_checked_when_read() {
    let out = rule_test(
        "[[test]]\nname = \"x\"\nclaim = \"CLAIM\"\nexpect = { responsibility = \"byer\", min_share = -1, max_share = \"lots\" }\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    for want in [
        "error: `test[1].expect.responsibility` must be one of seller, buyer, carrier, shared, unclear; found `byer`",
        "help: did you mean `buyer`?",
        "error: `test[1].expect.min_share` is -1, below zero",
        "error: `test[1].expect.max_share` is not a number: \"lots\"",
        "error: the rule tests have errors; none run",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
}
