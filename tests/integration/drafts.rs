//! Reply drafts and the decision day of `advise`: `rules check` refuses a draft template with an
//! unknown variable, a syntax error, a failing filter or a missing move, each at its file, line
//! and column; `advise --draft` writes the reply; `advise --as-of` and today's date.

use crate::common::root;
use insta::assert_snapshot;
use std::path::Path;
use std::process::Command;

/// `settle` run from `dir`, with no locale and a fixed clock.
fn settle(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_settle"))
        .args(args)
        .current_dir(dir)
        .env("SETTLE_NOW", "2026-01-15T09:00:00Z")
        .env("SETTLE_USER", "ana")
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("run settle")
}

/// A copy of the default rules and drafts in `dir/rules`, with `edit` applied to the drafts.
fn rules_with(dir: &Path, edit: impl Fn(&Path)) {
    let rules = dir.join("rules");
    std::fs::create_dir_all(&rules).expect("rules folder");
    for (name, body) in settle_rules::defaults::DEFAULT_FILES {
        std::fs::write(rules.join(name), body).expect("rule file");
    }
    for (name, body) in settle_rules::defaults::DEFAULT_DRAFTS {
        let path = rules.join("drafts").join(name);
        std::fs::create_dir_all(path.parent().expect("a folder")).expect("drafts folder");
        std::fs::write(path, body).expect("draft");
    }
    edit(&rules.join("drafts"));
}

fn replace_in(path: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(path).expect("read draft");
    assert!(text.contains(from), "{} has no `{from}`", path.display());
    std::fs::write(path, text.replacen(from, to, 1)).expect("write draft");
}

fn whole(o: &std::process::Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}--- stderr\n{}",
        o.status.code(),
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[test]
fn rules_check_locates_every_fault_in_the_drafts() {
    let dir = tempfile::tempdir().expect("temporary folder");
    rules_with(dir.path(), |drafts| {
        replace_in(
            &drafts.join("en/offer.j2"),
            "Dear {{ claim.customer.name }}",
            "Dear {{ claim.custmer.name }}",
        );
        replace_in(
            &drafts.join("en/accept.j2"),
            "{% if p.option == \"refund\" %}",
            "{% if p.option == %}",
        );
        replace_in(
            &drafts.join("zh-CN/offer.j2"),
            "{{ claim.customer.name }}",
            "{{ claim.customer.name | shout }}",
        );
        std::fs::remove_file(drafts.join("zh-CN/reject.j2")).expect("remove a draft");
    });
    let o = settle(dir.path(), &["rules", "check", "rules"]);
    assert_eq!(o.status.code(), Some(2), "{}", whole(&o));
    assert_snapshot!("rules_check_bad_drafts", whole(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("--> rules/drafts/en/offer.j2:6:9"),
        "{stderr}"
    );
    assert!(
        stderr.contains("did you mean `claim.customer.name`?"),
        "{stderr}"
    );
}

#[test]
fn a_draft_that_fails_on_a_claim_is_refused_at_its_line() {
    let dir = tempfile::tempdir().expect("temporary folder");
    rules_with(dir.path(), |drafts| {
        replace_in(
            &drafts.join("en/offer.j2"),
            "Dear {{ claim.customer.name }}",
            "Dear {{ claim.customer.name | money }}",
        );
    });
    let o = settle(dir.path(), &["rules", "check", "rules"]);
    assert_eq!(o.status.code(), Some(2), "{}", whole(&o));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("draft `en/offer.j2` fails on a sample claim")
            && stderr.contains("rules/drafts/en/offer.j2:6"),
        "{stderr}"
    );
}

#[test]
fn a_rule_folder_without_drafts_checks_and_drafts_with_the_built_in_ones() {
    let lean = root().join("rules/lean");
    let o = settle(&root(), &["rules", "check", &lean.display().to_string()]);
    assert_eq!(o.status.code(), Some(0));
    let o = settle(
        &root(),
        &[
            "advise",
            "examples/claims/trial-order-failures.toml",
            "--rules",
            "rules/lean",
            "--draft",
            "--signature",
            "Ana Li",
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", whole(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("Best regards,\nAna Li\n"));
}

#[test]
fn advise_writes_the_draft_beside_the_advice() {
    let claim = "examples/claims/brackets-late-vessel.toml";
    let o = settle(
        &root(),
        &["advise", claim, "--draft", "--signature", "Ana Li"],
    );
    assert_eq!(o.status.code(), Some(0), "{}", whole(&o));
    assert_snapshot!("advise_draft_text", String::from_utf8_lossy(&o.stdout));
    let o = settle(
        &root(),
        &[
            "advise",
            claim,
            "--draft",
            "--buyer-lang",
            "zh-CN",
            "--format",
            "json",
        ],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["advice"]["claim"], "EX-003-BRACKETS");
    assert_eq!(v["draft"]["lang"], "zh-CN");
    assert_eq!(v["draft"]["draft"], v["advice"]["next"]["action"]);
    assert!(
        v["draft"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("尊敬的"))
    );
}

/// The trial example without its `as_of` line, in `dir`.
fn trial_without_as_of(dir: &Path) -> String {
    let text = std::fs::read_to_string(root().join("examples/claims/trial-order-failures.toml"))
        .expect("example");
    let stripped: String = text
        .lines()
        .filter(|l| !l.starts_with("as_of"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(stripped.len(), text.len(), "the example has an as_of line");
    let path = dir.join("trial.toml");
    std::fs::write(&path, stripped).expect("write claim");
    path.display().to_string()
}

#[test]
fn advise_decides_as_of_the_flag_the_file_or_today() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let file = trial_without_as_of(dir.path());
    let json = |args: &[&str]| -> serde_json::Value {
        let o = settle(dir.path(), args);
        assert_eq!(o.status.code(), Some(0), "{}", whole(&o));
        serde_json::from_slice(&o.stdout).expect("JSON")
    };
    // --as-of the example's own day gives the example's advice.
    let flagged = json(&["advise", &file, "--as-of", "2024-03-01", "--format", "json"]);
    let example = json(&[
        "advise",
        &root()
            .join("examples/claims/trial-order-failures.toml")
            .display()
            .to_string(),
        "--format",
        "json",
    ]);
    assert_eq!(flagged, example);
    // Without either, today (the fixed clock, 2026-01-15): the buyer has waited long.
    let today = json(&["advise", &file, "--format", "json"]);
    let codes: Vec<&str> = today["warnings"]
        .as_array()
        .map(|w| w.iter().filter_map(|x| x["code"].as_str()).collect())
        .unwrap_or_default();
    assert!(codes.contains(&"reply_overdue"), "{codes:?}");
    assert!(
        !example["warnings"].to_string().contains("reply_overdue"),
        "{}",
        example["warnings"]
    );
    // explain decides on the same day as advise.
    let explained = json(&["explain", &file, "--format", "json"]);
    assert_eq!(explained["next"]["message"], today["next"]["message"]);
    // A day before the last round is refused.
    let o = settle(dir.path(), &["advise", &file, "--as-of", "2024-02-20"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&o.stderr),
        format!(
            "error: {file}: --as-of (2024-02-20) is before the claim's last move (2024-03-01); give --as-of on or after it\n"
        )
    );
}

#[test]
fn advise_speaks_the_reps_language() {
    let claim = "examples/claims/trial-order-failures.toml";
    let o = settle(&root(), &["advise", claim, "--lang", "zh-CN"]);
    assert_eq!(o.status.code(), Some(0), "{}", whole(&o));
    assert_snapshot!("advise_text_zh", String::from_utf8_lossy(&o.stdout));
    let o = settle(&root(), &["explain", claim, "--lang", "zh-CN"]);
    assert_eq!(o.status.code(), Some(0), "{}", whole(&o));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(
        text.starts_with("解释 EX-001-TRIAL") && text.contains("生效的成本参数"),
        "{text}"
    );
    // JSON is the same in every language.
    let en = settle(&root(), &["advise", claim, "--format", "json"]);
    let zh = settle(
        &root(),
        &["advise", claim, "--format", "json", "--lang", "zh-CN"],
    );
    assert_eq!(en.stdout, zh.stdout);
}

/// A claim the buyer's acceptance settled gets `execute` and the confirmation draft: what was
/// agreed and when the proof comes, in both languages; one we closed with no compensation gets
/// a thank-you, not a promise of payment.
#[test]
fn a_settled_claim_drafts_the_confirmation() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(root().join("examples/claims/tiles-transit-damage.toml"))
        .expect("example");
    let settled = |remedy: &str, amount: &str| {
        format!(
            "{text}\n[[round]]\non = 2024-03-12\nby = \"seller\"\nremedy = \"{remedy}\"\namount = \"{amount}\"\n\n[[round]]\non = 2024-03-14\nby = \"buyer\"\nkind = \"accept\"\n"
        )
    };
    let path = dir.path().join("settled.toml");
    std::fs::write(&path, settled("discount", "1200.00")).expect("claim");
    let path = path.display().to_string();
    let o = settle(&root(), &["advise", &path, "--draft", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", whole(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["advice"]["next"]["action"], "execute");
    assert_eq!(v["advice"]["next"]["amount"], "1200.00");
    assert_eq!(v["draft"]["draft"], "execute");
    let text = v["draft"]["text"].as_str().expect("text");
    assert!(text.contains("we confirm what we agreed"), "{text}");
    assert!(text.contains("a discount of EUR 1,200.00"), "{text}");
    assert!(text.contains("bank slip"), "{text}");
    let o = settle(
        &root(),
        &["advise", &path, "--draft", "--buyer-lang", "zh-CN"],
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("折扣 EUR 1,200.00"),
        "{}",
        whole(&o)
    );

    std::fs::write(&path, settled("reject", "0")).expect("claim");
    let o = settle(&root(), &["advise", &path, "--draft", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["advice"]["next"]["action"], "execute");
    let text = v["draft"]["text"].as_str().expect("text");
    assert!(text.contains("closing the claim"), "{text}");
    assert!(
        text.contains("against the carrier or your insurer"),
        "{text}"
    );
    assert!(!text.contains("bank slip"), "{text}");
}
