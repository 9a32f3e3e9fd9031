//! Every file the project ships loads: each rule set in `rules/`, every example claim.

use crate::common::{default_playbook, files, root, settle, stdout};

#[test]
fn every_rule_set_in_rules_loads() {
    let mut dirs: Vec<_> = std::fs::read_dir(root().join("rules"))
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty());
    for d in dirs {
        let sources = settle_rules::defaults::read_dir(&d).unwrap();
        if let Err(diags) = settle_rules::ruleset::load(sources) {
            panic!("{} does not load: {:#?}", d.display(), diags);
        }
    }
}

#[test]
fn the_embedded_default_is_the_shipped_folder() {
    let dir = root().join("rules/default");
    let on_disk = settle_rules::defaults::read_dir(&dir).unwrap();
    let embedded = settle_rules::defaults::default_sources();
    assert_eq!(
        on_disk.len(),
        embedded.len(),
        "every file in rules/default is embedded"
    );
    for (a, b) in on_disk.iter().zip(&embedded) {
        assert_eq!(a.text(), b.text(), "{} matches its embedded copy", a.name());
    }
    let from_disk = settle_rules::ruleset::load(
        on_disk
            .into_iter()
            .map(|s| {
                settle_rules::SourceFile::new(
                    s.name()
                        .replace(&dir.display().to_string(), "rules/default"),
                    s.text(),
                )
            })
            .collect(),
    )
    .unwrap();
    assert_eq!(from_disk.hash(), crate::common::default_playbook().hash());
}

#[test]
fn every_example_claim_loads() {
    let claims = files("examples/claims", &[".toml", ".json"]);
    assert!(claims.len() >= 9);
    for c in &claims {
        crate::common::claim(c);
    }
    let mut args = vec!["claim", "check"];
    args.extend(claims.iter().map(String::as_str));
    let out = settle(&args);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stdout(&out),
        format!("{} claim files valid\n", claims.len())
    );
}

#[test]
fn examples_cover_every_claim_kind() {
    let kinds: std::collections::BTreeSet<_> = files("examples/claims", &[".toml", ".json"])
        .iter()
        .map(|c| crate::common::claim(c).problem.kind)
        .collect();
    assert_eq!(
        kinds.len(),
        settle_engine::claim::ProblemKind::ALL.len(),
        "kinds covered: {kinds:?}"
    );
}

#[test]
fn rules_check_summarises_the_default_set() {
    let out = settle(&["rules", "check"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let p = crate::common::default_playbook();
    assert!(
        text.starts_with("rule set default 2.1.0 ok: builtin:default\n"),
        "{text}"
    );
    assert!(text.contains(&format!("  hash  {}\n", p.hash())));
    assert!(text.contains(&format!(
        "{:>7} responsibility rows\n",
        p.responsibility().rows.len() + 1
    )));
    let json = settle(&["rules", "check", "rules/default", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["hash"], p.hash());
    assert_eq!(v["counts"]["eligibility_rules"], p.eligibility().len());
}

#[test]
fn the_rule_format_reference_names_every_field_and_parameter() {
    let doc = std::fs::read_to_string(root().join("docs/rule-format.md")).unwrap();
    for f in settle_engine::schema::Field::ALL {
        assert!(
            doc.contains(&format!("`{}`", f.name())),
            "docs/rule-format.md does not name `{}`",
            f.name()
        );
    }
    for p in settle_engine::playbook::CostParam::ALL {
        assert!(
            doc.contains(&format!("\n{} = ", p.name())),
            "docs/rule-format.md has no example of costs.{}",
            p.name()
        );
    }
}

#[test]
fn the_readme_shows_the_real_output_of_its_first_command() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let block: Vec<&str> = readme
        .split("```text\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .expect("a text block in the README")
        .lines()
        .collect();
    let out = settle(&["advise", "examples/claims/trial-order-failures.toml"]);
    let real: Vec<String> = stdout(&out)
        .lines()
        .take(block.len())
        .map(str::to_string)
        .collect();
    assert_eq!(block, real, "README.md's sample output is out of date");
}

/// A rule set is sealed by `Playbook::new`, which refuses parts that break its invariants:
/// a rule reference no rule answers, a tree with no rounds, an unsorted ladder.
#[test]
fn a_playbook_is_only_made_from_valid_parts() {
    use settle_engine::playbook::{Invalid, Origin, Registry, RuleInfo, RuleKind};
    let p = default_playbook();
    assert!(settle_engine::Playbook::new(p.clone().into_parts()).is_ok());

    let mut other = Registry::default();
    let mut stray = None;
    for i in 0..(p.rules().len() + 5) {
        stray = Some(other.register(RuleInfo {
            kind: RuleKind::Eligibility,
            id: format!("r{i}"),
            why: "a rule of another rule set".into(),
            source: None,
            origin: Origin { file: 0, line: 1 },
        }));
    }
    let mut parts = p.clone().into_parts();
    parts.eligibility[0].rule = stray.expect("registered");
    let problems = settle_engine::Playbook::new(parts).expect_err("a dangling reference");
    assert!(
        matches!(
            problems[0],
            Invalid::Dangling {
                what: "an eligibility rule",
                ..
            }
        ),
        "{problems:?}"
    );

    let mut parts = p.clone().into_parts();
    parts.tree.rounds = 0;
    parts.tree.ladder.reverse();
    let problems = settle_engine::Playbook::new(parts).expect_err("a broken tree");
    assert_eq!(problems.len(), 2, "{problems:?}");
}

/// Replaces the generated region named `what` in a document with `body`.
fn regenerate(doc: &str, what: &str, body: &str) -> String {
    let start = format!("<!-- generated: {what} -->\n");
    let end = "<!-- end generated -->";
    let a = doc
        .find(&start)
        .unwrap_or_else(|| panic!("no region {what}"))
        + start.len();
    let b = a + doc[a..].find(end).expect("the region's end");
    format!("{}{}{}", &doc[..a], body, &doc[b..])
}

/// The field tables of the claim-format and rule-format references are the schema's own:
/// generated from `settle_engine::schema`, never written by hand (`SETTLE_BLESS=1` rewrites).
#[test]
fn the_field_tables_in_the_docs_are_generated_from_the_schema() {
    for (file, what, body) in [
        (
            "docs/claim-format.md",
            "claim fields (settle_view::schema::claim_fields_markdown)",
            settle_view::schema::claim_fields_markdown(),
        ),
        (
            "docs/rule-format.md",
            "rule fields (settle_view::schema::rule_fields_markdown)",
            settle_view::schema::rule_fields_markdown(),
        ),
    ] {
        let path = root().join(file);
        let doc = std::fs::read_to_string(&path).unwrap();
        let want = regenerate(&doc, what, &body);
        if std::env::var_os("SETTLE_BLESS").is_some() {
            std::fs::write(&path, &want).unwrap();
        } else {
            assert_eq!(doc, want, "{file} is out of date: run with SETTLE_BLESS=1");
        }
    }
}
