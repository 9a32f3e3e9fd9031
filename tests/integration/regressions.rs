//! Regression tests, each named after the defect it guards against.

use crate::common::{root, settle, stderr, stdout};

/// A `unique` overlap is reported at the later row's `id`, not at its `[[responsibility.row]]`
/// header (the error used to point at the header, found by searching a span that held only it).
#[test]
fn a_unique_overlap_points_at_the_later_rows_id() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in settle_rules::defaults::DEFAULT_FILES {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let case =
        std::fs::read_to_string(root().join("tests/data/rules/unique-overlap.toml")).unwrap();
    std::fs::write(dir.path().join("responsibility.toml"), &case).unwrap();
    let out = settle(&["rules", "check", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let id_line = case
        .lines()
        .position(|l| l == "id = \"late-small\"")
        .expect("the later row's id")
        + 1;
    let at = format!("responsibility.toml:{id_line}:6");
    assert!(
        stderr(&out).contains(&at),
        "expected {at} in\n{}",
        stderr(&out)
    );
    assert!(
        stderr(&out).contains("id = \"late-small\""),
        "{}",
        stderr(&out)
    );
}

/// A key given twice in a JSON claim is called a duplicate, at its second place (it used to be
/// reported as "unknown field `id`; did you mean `id`?").
#[test]
fn a_duplicate_key_in_a_json_claim_is_called_a_duplicate() {
    let out = settle(&[
        "claim",
        "check",
        "tests/data/claims/json-duplicate-key.json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("error: duplicate key `id`"), "{err}");
    assert!(err.contains("json-duplicate-key.json:5:3"), "{err}");
    assert!(err.contains("first given on line 2"), "{err}");
    assert!(!err.contains("did you mean"), "{err}");
}

/// Names in a rule test's expectations are resolved when the tests are read: an unknown option,
/// action or rule id is a located error and no test runs (`not_option = ["refnd"]` and
/// `not_fired = ["no-such-rule"]` used to pass silently).
#[test]
fn rule_tests_naming_unknown_options_actions_or_rules_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in settle_rules::defaults::DEFAULT_FILES {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    let claim = root().join("examples/claims/cabinets-wrong-size.toml");
    std::fs::write(
        dir.path().join("tests/typos.toml"),
        format!(
            r#"[[test]]
name = "typos"
claim = "{}"
expect = {{ action = "ofer", not_option = ["refnd"], not_fired = ["no-such-rule"] }}
"#,
            claim.display()
        ),
    )
    .unwrap();
    let out = settle(&["rules", "test", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    for want in [
        "names the action `ofer`, which the rule set does not know",
        "help: did you mean `offer`?",
        "names the option `refnd`, which the rule set does not know",
        "help: did you mean `refund`?",
        "names the rule `no-such-rule`, which the rule set does not know",
        "typos.toml:4:",
        "error: the rule tests have errors; none run",
    ] {
        assert!(err.contains(want), "missing {want:?} in\n{err}");
    }
    assert_eq!(stdout(&out), "");
}

/// `settle advise | head` used to panic ("failed printing to stdout: Broken pipe") and exit
/// 101: a reader that goes away ends every command quietly, with success.
#[test]
fn a_closed_pipe_ends_a_command_quietly() {
    use std::process::{Command, Stdio};
    for args in [
        &["history", "gen", "--count", "20000", "--seed", "1"][..],
        &["explain", "examples/claims/brackets-late-vessel.toml"][..],
        &["simulate", "examples/claims", "--runs", "1"][..],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_settle"))
            .args(args)
            .current_dir(crate::common::root())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close our end before the command writes: its first write meets a broken pipe.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(
            !err.contains("panicked") && !err.contains("Broken pipe"),
            "{args:?}: {err}"
        );
    }
}
