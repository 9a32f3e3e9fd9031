//! Snapshots of every user-facing output, run through the real `settle` binary: stdout, stderr
//! and the exit status compared whole (insta + insta-cmd). Review a change with
//! `cargo insta review` (or `INSTA_UPDATE=always cargo test` and `git diff`); a snapshot that
//! changes is a change in what a rep, a manager or an analyst reads, and belongs in CHANGELOG.md.

use crate::common::{files, root};
use insta_cmd::assert_cmd_snapshot;
use std::path::Path;
use std::process::Command;

/// `settle` with these arguments, run from the repository root.
fn settle(args: &[&str]) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_settle"));
    c.args(args).current_dir(root());
    // English whatever the machine's locale: the rep's language comes from it.
    for k in ["LC_ALL", "LC_MESSAGES", "LANG"] {
        c.env_remove(k);
    }
    c
}

/// The file stem of a repository path: `examples/claims/x.toml` → `x`.
fn stem(rel: &str) -> String {
    Path::new(rel)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A scratch folder for a test, with `repo` linking to the repository, so that commands run
/// inside it name every file by a short relative path that is the same on every machine.
struct Scratch(tempfile::TempDir);

impl Scratch {
    fn new() -> Scratch {
        let dir = tempfile::tempdir().expect("temporary folder");
        std::os::unix::fs::symlink(root(), dir.path().join("repo")).expect("link the repository");
        Scratch(dir)
    }

    fn path(&self) -> &Path {
        self.0.path()
    }

    /// `settle` with these arguments, run from the scratch folder.
    fn settle(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_settle"));
        c.args(args).current_dir(self.path());
        for k in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            c.env_remove(k);
        }
        c
    }
}

/// A copy of the default rule files in `dir`, renamed `case` as a manager's copy should be,
/// with `case` replacing the file its first line names (`# replaces: x.toml`) or added beside
/// them (`# adds`).
fn rule_set_with(dir: &Path, case: &str) {
    std::fs::create_dir_all(dir).expect("make the rule folder");
    let text = std::fs::read_to_string(root().join(case)).expect("read the case");
    let first = text.lines().next().unwrap_or_default();
    let replaced = first.strip_prefix("# replaces:").map(str::trim);
    for (name, body) in settle_rules::defaults::DEFAULT_FILES {
        if Some(*name) != replaced {
            let body = if *name == "ruleset.toml" {
                body.replacen("name = \"default\"", "name = \"case\"", 1)
            } else {
                body.to_string()
            };
            std::fs::write(dir.join(name), body).expect("write a rule file");
        }
    }
    let name = replaced.map_or_else(|| format!("{}.toml", stem(case)), str::to_string);
    std::fs::write(dir.join(name), text).expect("write the case");
}

#[test]
fn advise_text_and_json_on_every_example_claim() {
    let claims = files("examples/claims", &[".toml", ".json"]);
    assert!(claims.len() >= 9);
    for claim in claims {
        let name = stem(&claim);
        assert_cmd_snapshot!(format!("advise_text__{name}"), settle(&["advise", &claim]));
        assert_cmd_snapshot!(
            format!("advise_json__{name}"),
            settle(&["advise", &claim, "--format", "json"])
        );
    }
}

#[test]
fn advise_under_the_lean_rules() {
    assert_cmd_snapshot!(settle(&[
        "advise",
        "examples/claims/tiles-transit-damage.toml",
        "--rules",
        "rules/lean"
    ]));
}

#[test]
fn advise_writes_the_tree_as_dot() {
    let tmp = Scratch::new();
    assert_cmd_snapshot!(
        "advise_tree__waybill-wrong-port",
        tmp.settle(&[
            "advise",
            "repo/examples/claims/waybill-wrong-port.toml",
            "--tree",
            "tree.dot",
        ])
    );
    insta::assert_snapshot!(
        "advise_tree_dot__waybill-wrong-port",
        std::fs::read_to_string(tmp.path().join("tree.dot")).expect("the tree was written")
    );
}

#[test]
fn explain_text_and_json_on_every_example_claim() {
    for claim in files("examples/claims", &[".toml", ".json"]) {
        let name = stem(&claim);
        assert_cmd_snapshot!(
            format!("explain_text__{name}"),
            settle(&["explain", &claim])
        );
        assert_cmd_snapshot!(
            format!("explain_json__{name}"),
            settle(&["explain", &claim, "--format", "json"])
        );
    }
}

#[test]
fn claim_check_on_every_broken_claim_file() {
    for case in files("tests/data/claims", &[".toml", ".json"]) {
        let name = stem(&case);
        assert_cmd_snapshot!(
            format!("claim_check__{name}"),
            settle(&["claim", "check", &case])
        );
    }
    assert_cmd_snapshot!(
        "claim_check_json__many_faults",
        settle(&[
            "claim",
            "check",
            "tests/data/claims/many-faults.toml",
            "tests/data/claims/json-faults.json",
            "examples/claims/lamps-battery-grade.toml",
            "--format",
            "json"
        ])
    );
    assert_cmd_snapshot!(
        "claim_check__examples",
        settle(&["claim", "check", "examples/claims/lamps-battery-grade.toml"])
    );
}

#[test]
fn rules_check_on_the_default_set_and_every_broken_rule_file() {
    assert_cmd_snapshot!("rules_check__default", settle(&["rules", "check"]));
    assert_cmd_snapshot!(
        "rules_check_json__default",
        settle(&["rules", "check", "--format", "json"])
    );
    assert_cmd_snapshot!(
        "rules_check__lean",
        settle(&["rules", "check", "rules/lean"])
    );
    for case in files("tests/data/rules", &[".toml"]) {
        let tmp = Scratch::new();
        rule_set_with(&tmp.path().join("set"), &case);
        assert_cmd_snapshot!(
            format!("rules_check__{}", stem(&case)),
            tmp.settle(&["rules", "check", "set"])
        );
    }
    let tmp = Scratch::new();
    rule_set_with(&tmp.path().join("set"), "tests/data/rules/many-faults.toml");
    assert_cmd_snapshot!(
        "rules_check_json__many_faults",
        tmp.settle(&["rules", "check", "set", "--format", "json"])
    );
}

#[test]
fn rules_lint_on_the_shipped_sets_and_every_lint_case() {
    assert_cmd_snapshot!("lint__default", settle(&["rules", "lint"]));
    assert_cmd_snapshot!("lint__lean", settle(&["rules", "lint", "rules/lean"]));
    for case in files("tests/data/lint", &[".toml"]) {
        let name = stem(&case);
        let tmp = Scratch::new();
        rule_set_with(&tmp.path().join("set"), &case);
        assert_cmd_snapshot!(
            format!("lint__{name}"),
            tmp.settle(&["rules", "lint", "set"])
        );
        if name == "shadowed-row" {
            assert_cmd_snapshot!(
                "lint_json__shadowed-row",
                tmp.settle(&["rules", "lint", "set", "--format", "json"])
            );
        }
    }
    // A copy of the default rules, changed but not renamed: it would pass for the built-in rules.
    let tmp = Scratch::new();
    let set = tmp.path().join("copy");
    std::fs::create_dir_all(&set).expect("make the rule folder");
    for (name, body) in settle_rules::defaults::DEFAULT_FILES {
        let body = body.replacen("opening = 1.0", "opening = 0.9", 1);
        std::fs::write(set.join(name), body).expect("write a rule file");
    }
    assert_cmd_snapshot!(
        "lint__copied-default",
        tmp.settle(&["rules", "lint", "copy"])
    );
    assert_cmd_snapshot!(
        "rules_check__copied-default",
        tmp.settle(&["rules", "check", "copy"])
    );
}

#[test]
fn rules_test_on_the_default_set() {
    assert_cmd_snapshot!(
        "rules_test__default",
        settle(&["rules", "test", "rules/default"])
    );
    assert_cmd_snapshot!(
        "rules_test_json__default",
        settle(&["rules", "test", "rules/default", "--format", "json"])
    );
}

#[test]
fn rules_test_against_the_synthetic_casebook() {
    assert_cmd_snapshot!(
        "rules_test_casebook__synthetic",
        settle(&["rules", "test", "--casebook", "tests/data/casebook"])
    );
    assert_cmd_snapshot!(
        "rules_test_casebook_json__synthetic",
        settle(&[
            "rules",
            "test",
            "--casebook",
            "tests/data/casebook",
            "--format",
            "json"
        ])
    );
}

#[test]
fn rules_diff_and_graph() {
    assert_cmd_snapshot!(
        "rules_diff__default_lean",
        settle(&["rules", "diff", "rules/default", "rules/lean"])
    );
    assert_cmd_snapshot!(
        "rules_diff_json__default_lean",
        settle(&[
            "rules",
            "diff",
            "rules/default",
            "rules/lean",
            "--format",
            "json"
        ])
    );
    let tmp = Scratch::new();
    let made = tmp
        .settle(&[
            "history", "gen", "--count", "300", "--seed", "3", "--out", "h.jsonl",
        ])
        .status()
        .expect("run settle");
    assert!(made.success());
    assert_cmd_snapshot!(
        "rules_diff_history__default_lean",
        tmp.settle(&[
            "rules",
            "diff",
            "repo/rules/default",
            "repo/rules/lean",
            "--history",
            "h.jsonl"
        ])
    );
    assert_cmd_snapshot!("rules_graph__default", settle(&["rules", "graph"]));
}

#[test]
fn history_gen_heads_and_import() {
    assert_cmd_snapshot!(
        "history_gen__jsonl",
        settle(&["history", "gen", "--count", "3", "--seed", "11"])
    );
    assert_cmd_snapshot!(
        "history_gen__csv",
        settle(&[
            "history", "gen", "--count", "3", "--seed", "11", "--format", "csv"
        ])
    );
    assert_cmd_snapshot!(
        "history_import__examples",
        settle(&["history", "import", "examples/claims"])
    );
}

#[test]
fn replay_text_json_html_and_changes() {
    let tmp = Scratch::new();
    let made = tmp
        .settle(&[
            "history", "gen", "--count", "400", "--seed", "5", "--out", "h.jsonl",
        ])
        .status()
        .expect("run settle");
    assert!(made.success());
    let lean = "repo/rules/lean";
    assert_cmd_snapshot!(
        "replay_text__lean",
        tmp.settle(&["replay", "h.jsonl", "--rules", lean])
    );
    assert_cmd_snapshot!(
        "replay_json__lean",
        tmp.settle(&["replay", "h.jsonl", "--rules", lean, "--format", "json"])
    );
    assert_cmd_snapshot!(
        "replay_files__lean",
        tmp.settle(&[
            "replay",
            "h.jsonl",
            "--rules",
            lean,
            "--html",
            "r.html",
            "--changes",
            "changes.csv",
            "--max-changed",
            "0",
        ])
    );
    let read = |name: &str| std::fs::read_to_string(tmp.path().join(name)).expect(name);
    insta::assert_snapshot!("replay_html__lean", read("r.html"));
    insta::assert_snapshot!("replay_changes_csv__lean", read("changes.csv"));
}

#[test]
fn help_of_every_command() {
    let commands: &[&[&str]] = &[
        &[],
        &["advise"],
        &["explain"],
        &["claim"],
        &["claim", "check"],
        &["rules"],
        &["rules", "check"],
        &["rules", "lint"],
        &["rules", "test"],
        &["rules", "graph"],
        &["rules", "diff"],
        &["rules", "fit"],
        &["history"],
        &["history", "gen"],
        &["history", "import"],
        &["replay"],
        &["simulate"],
        &["serve"],
        &["user"],
        &["user", "add"],
    ];
    for c in commands {
        let mut args: Vec<&str> = c.to_vec();
        args.push("--help");
        let name = if c.is_empty() {
            "help__settle".to_string()
        } else {
            format!("help__{}", c.join("_"))
        };
        assert_cmd_snapshot!(name, settle(&args));
    }
}

#[test]
fn simulate_text_json_and_html() {
    let args = [
        "simulate",
        "examples/claims/brackets-late-vessel.toml",
        "examples/claims/towels-cosmetic-defect.json",
        "--runs",
        "2",
        "--seed",
        "5",
        "--buyers",
        "boulware,withdrawer,noisy",
    ];
    assert_cmd_snapshot!("simulate_text", settle(&args));
    let mut json = args.to_vec();
    json.extend(["--format", "json"]);
    assert_cmd_snapshot!("simulate_json", settle(&json));
    let scratch = Scratch::new();
    let mut html = args.to_vec();
    let page = scratch.path().join("sim.html");
    html.extend(["--html", page.to_str().unwrap()]);
    let out = settle(&html).output().unwrap();
    assert!(out.status.success());
    insta::assert_snapshot!("simulate_html", std::fs::read_to_string(&page).unwrap());
}
