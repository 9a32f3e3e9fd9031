//! Histories and replays: round trips, the generator, a hand-checked replay, bad records,
//! gates, thread-count independence, and the HTML and changes files.

use crate::common::{files, root, settle, stderr, stdout, valid_claim};
use proptest::prelude::*;
use settle_replay::history::{self, HistoryFormat, HistoryReader, RawRecord};
use std::path::{Path, PathBuf};

/// A scratch folder for one test (a `tempfile` folder, removed when dropped).
struct Scratch(tempfile::TempDir);

impl Scratch {
    fn new(name: &str) -> Scratch {
        Scratch(
            tempfile::Builder::new()
                .prefix(&format!("settle-{name}-"))
                .tempdir()
                .unwrap(),
        )
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.path().join(name)
    }
    fn s(&self, name: &str) -> String {
        self.path(name).display().to_string()
    }
}

fn read_all(path: &Path) -> Vec<Result<settle_engine::Claim, history::BadRecord>> {
    let mut r = HistoryReader::open(path).unwrap();
    let mut out = Vec::new();
    loop {
        let batch = r.next_batch(7).unwrap();
        if batch.is_empty() {
            return out;
        }
        out.extend(batch.iter().map(history::parse));
    }
}

/// The default rules plus one rule that blocks credit on every claim.
fn no_credit_rules(dir: &Scratch) -> String {
    let rules = dir.path("no-credit");
    std::fs::create_dir_all(&rules).unwrap();
    for (name, text) in settle_rules::defaults::DEFAULT_FILES {
        std::fs::write(rules.join(name), text).unwrap();
    }
    let mut elig = std::fs::read_to_string(rules.join("eligibility.toml")).unwrap();
    elig.push_str("\n[[eligibility]]\nid = \"no-credit-at-all\"\noption = \"credit\"\nwhy = \"Test rule: credit is never offered\"\n");
    std::fs::write(rules.join("eligibility.toml"), elig).unwrap();
    rules.display().to_string()
}

/// The example claims as a history, then a malformed line and a blank line.
fn example_history(dir: &Scratch) -> String {
    let out = settle(&[
        "history",
        "import",
        "examples/claims",
        "--out",
        &dir.s("examples.jsonl"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let mut text = std::fs::read_to_string(dir.path("examples.jsonl")).unwrap();
    text.push_str("{\"id\": \"broken\", \n\n");
    std::fs::write(dir.path("examples.jsonl"), text).unwrap();
    dir.s("examples.jsonl")
}

proptest! {
    #![proptest_config(crate::common::config(128))]

    #[test]
    fn claims_round_trip_through_a_jsonl_line(c in valid_claim()) {
        let line = history::to_jsonl(&c);
        prop_assert!(!line.contains('\n'));
        let raw = RawRecord::Json { line: 1, text: line };
        prop_assert_eq!(history::parse(&raw), Ok(c));
    }

    #[test]
    fn claims_round_trip_through_a_csv_row(c in valid_claim()) {
        let mut w = csv::Writer::from_writer(Vec::new());
        history::write_csv_header(&mut w).unwrap();
        history::write_csv_row(&mut w, &c).unwrap();
        let bytes = w.into_inner().unwrap();
        let mut r = HistoryReader::new(Box::new(std::io::Cursor::new(bytes)), HistoryFormat::Csv, "mem.csv").unwrap();
        let batch = r.next_batch(10).unwrap();
        prop_assert_eq!(batch.len(), 1);
        prop_assert_eq!(history::parse(&batch[0]), Ok(c));
    }

    /// The fast JSON path never accepts what the spanned reader refuses, and agrees with it
    /// on what both accept, for valid claims and for each of a set of breakages.
    #[test]
    fn the_fast_path_agrees_with_the_spanned_reader(c in valid_claim(), fault in 0usize..9) {
        let good = history::to_jsonl(&c);
        let line = match fault {
            0 => good.clone(),
            1 => good.replacen("\"paid\":\"", "\"paid\":\"-", 1),
            2 => good.replacen("\"currency\":\"", "\"currency\":\"X", 1),
            3 => good.replacen("\"severity\":\"", "\"severity\":\"very ", 1),
            4 => good.replacen("\"evidence\":{", "\"evidence\":{\"smell\":true,", 1),
            5 => good.replacen("\"quantity\":", "\"quantity\":-", 1),
            6 => good.replacen(",\"ask\":", ",\"as_of\":null,\"ask\":", 1),
            7 => good.replacen("\"value\":\"", "\"value\":0.5,\"x\":\"", 1),
            _ => good.replacen("\"received\":\"", "\"received\":\"1", 1),
        };
        let fast = settle_replay::fast::parse(&line);
        let slow = settle_rules::parse_claim(&settle_rules::SourceFile::new("l", line.clone()), settle_rules::Format::Json);
        match (fast, slow) {
            (Some(f), Ok(s)) => prop_assert_eq!(f, s),
            (Some(f), Err(d)) => prop_assert!(false, "fast accepted {:?} that the reader refuses: {:?}", f.id, d),
            (None, _) => {}
        }
        if fault == 0 {
            prop_assert!(settle_replay::fast::parse(&good).is_some());
        }
    }
}

#[test]
fn the_generator_gives_the_same_bytes_for_the_same_seed() {
    let a = settle(&["history", "gen", "--count", "300", "--seed", "42"]);
    let b = settle(&["history", "gen", "--count", "300", "--seed", "42"]);
    let c = settle(&["history", "gen", "--count", "300", "--seed", "43"]);
    assert_eq!(a.status.code(), Some(0));
    assert_eq!(a.stdout, b.stdout);
    assert_ne!(a.stdout, c.stdout);
    let text = stdout(&a);
    assert_eq!(text.lines().count(), 300);
    let csv1 = settle(&[
        "history", "gen", "--count", "50", "--seed", "42", "--format", "csv",
    ]);
    let csv2 = settle(&[
        "history", "gen", "--count", "50", "--seed", "42", "--format", "csv",
    ]);
    assert_eq!(csv1.stdout, csv2.stdout);
}

#[test]
fn generated_histories_are_valid_and_spread_across_kinds_and_outcomes() {
    let dir = Scratch::new("gen");
    let out = settle(&[
        "history",
        "gen",
        "--count",
        "2000",
        "--seed",
        "9",
        "--out",
        &dir.s("h.jsonl"),
    ]);
    assert_eq!(out.status.code(), Some(0));
    let claims: Vec<_> = read_all(&dir.path("h.jsonl"))
        .into_iter()
        .map(|r| r.expect("valid"))
        .collect();
    assert_eq!(claims.len(), 2000);
    let kinds: std::collections::BTreeSet<_> = claims.iter().map(|c| c.problem.kind).collect();
    assert_eq!(kinds.len(), settle_engine::claim::ProblemKind::ALL.len());
    let with_outcome = claims.iter().filter(|c| c.outcome.is_some()).count();
    assert!(
        (1400..=1800).contains(&with_outcome),
        "{with_outcome} outcomes"
    );
    let currencies: std::collections::BTreeSet<_> = claims
        .iter()
        .map(|c| c.currency.code().to_string())
        .collect();
    assert!(currencies.len() >= 4);
    assert!(claims.iter().any(|c| c.rounds.len() >= 3));
    assert!(claims.iter().any(|c| c.ask.amount > c.order.value));
}

#[test]
fn jsonl_and_csv_histories_hold_the_same_claims() {
    let dir = Scratch::new("formats");
    settle(&[
        "history",
        "gen",
        "--count",
        "400",
        "--seed",
        "5",
        "--out",
        &dir.s("h.jsonl"),
    ]);
    settle(&[
        "history",
        "gen",
        "--count",
        "400",
        "--seed",
        "5",
        "--out",
        &dir.s("h.csv"),
    ]);
    let a: Vec<_> = read_all(&dir.path("h.jsonl"));
    let b: Vec<_> = read_all(&dir.path("h.csv"));
    assert_eq!(a.len(), 400);
    assert_eq!(a, b);
}

#[test]
fn a_replay_of_the_examples_is_what_a_hand_check_says() {
    let dir = Scratch::new("hand");
    let history = example_history(&dir);
    let rules = no_credit_rules(&dir);
    let out = settle(&[
        "replay",
        &history,
        "--rules",
        &rules,
        "--format",
        "json",
        "--allow-skipped",
        "--changes",
        &dir.s("changes.csv"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let t = &v["totals"];
    // Nine example claims, one malformed line (line 10); the blank line is not a record.
    assert_eq!(
        (
            t["read"].as_u64(),
            t["evaluated"].as_u64(),
            t["skipped"].as_u64()
        ),
        (Some(10), Some(9), Some(1))
    );
    assert_eq!(t["skipped_by_reason"]["json"], 1);
    assert_eq!(t["skipped_records"][0]["line"], 10);
    // The two claims advised a credit change: the Canadian brackets' credit of USD 4,940.00
    // (cost 2,964.00) becomes a discount of 4,940.00, and the towels' credit of GBP 665.00
    // (cost 399.00) a discount of 665.00.
    assert_eq!(t["changed"], 2);
    let cells = v["transitions"].as_array().unwrap();
    let moved: Vec<_> = cells.iter().filter(|c| c["from"] != c["to"]).collect();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0]["from"], "offer:credit");
    assert_eq!(moved[0]["to"], "offer:discount");
    assert_eq!(moved[0]["claims"], 2);
    assert_eq!(
        moved[0]["samples"],
        serde_json::json!(["EX-003-BRACKETS", "EX-TOWELS-SHADE"])
    );
    assert_eq!(
        cells
            .iter()
            .map(|c| c["claims"].as_u64().unwrap())
            .sum::<u64>(),
        9
    );
    let usd = v["cost"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["currency"] == "USD")
        .unwrap();
    assert_eq!(usd["claims"], 6);
    assert_eq!(usd["change"]["direct"], "1976.00");
    let gbp = v["cost"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["currency"] == "GBP")
        .unwrap();
    assert_eq!(gbp["change"]["direct"], "266.00");
    let eur = v["cost"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["currency"] == "EUR")
        .unwrap();
    assert_eq!(eur["change"]["direct"], "0.00");
    assert_eq!(eur["change"]["expected"], "0.00");
    // The new rule fires on every claim; it does not exist in the baseline.
    let fired = |side: &str, id: &str| {
        v["rules"][side]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["id"] == id)
            .map(|r| r["fired"].clone())
    };
    assert_eq!(fired("new", "no-credit-at-all"), Some(serde_json::json!(9)));
    assert_eq!(fired("baseline", "no-credit-at-all"), None);
    assert_eq!(
        fired("baseline", "defect-shown"),
        fired("new", "defect-shown")
    );
    assert!(
        v["rules"]["dead_new"]
            .as_array()
            .unwrap()
            .iter()
            .any(|id| id == "notice-too-late")
    );
    // The rule sets differ by exactly the added rule.
    assert_eq!(
        v["rule_changes"],
        serde_json::json!([{
            "id": "no-credit-at-all", "kind": "eligibility", "change": "added",
            "baseline": null, "new": "blocks [credit] when [always]",
            "differences": [
                { "part": "blocks", "baseline": null, "new": "[credit]" },
                { "part": "when", "baseline": null, "new": "always" },
            ],
        }])
    );
    // The largest changes of each currency, currency by currency: GBP's, then USD's.
    let largest: Vec<(&str, &str)> = v["largest_changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["currency"].as_str().unwrap(),
                c["claim"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        largest,
        [("GBP", "EX-TOWELS-SHADE"), ("USD", "EX-003-BRACKETS")]
    );
    assert_eq!(
        v["largest_changes"][1]["rules"],
        serde_json::json!(["+no-credit-at-all"])
    );
    // The changes file has one row per changed claim, in history order.
    let changes = std::fs::read_to_string(dir.path("changes.csv")).unwrap();
    let lines: Vec<&str> = changes.lines().collect();
    assert_eq!(lines.len(), 3, "{changes}");
    assert!(
        lines[2].contains("EX-TOWELS-SHADE,GBP,offer:credit,665.00,399.00,"),
        "{}",
        lines[2]
    );
    assert!(lines[0].starts_with("line,claim,currency,baseline_move"));
    assert!(
        lines[1].contains("EX-003-BRACKETS,USD,offer:credit,4940.00,2964.00,"),
        "{}",
        lines[1]
    );
    assert!(lines[1].ends_with("+no-credit-at-all"));
}

#[test]
fn baseline_picks_the_rules_compared_against() {
    let dir = Scratch::new("baseline");
    let history = example_history(&dir);
    let no_credit = no_credit_rules(&dir);
    let replay = |rules: &str, baseline: &str| {
        let out = settle(&[
            "replay",
            &history,
            "--rules",
            rules,
            "--baseline",
            baseline,
            "--format",
            "json",
            "--allow-skipped",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()
    };
    // The no-credit rules as the baseline: the change runs the other way.
    let v = replay("rules/default", &no_credit);
    assert_eq!(v["totals"]["changed"], 2);
    let moved: Vec<_> = v["transitions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["from"] != c["to"])
        .collect();
    assert_eq!(moved.len(), 1);
    assert_eq!(
        (&moved[0]["from"], &moved[0]["to"]),
        (&"offer:discount".into(), &"offer:credit".into())
    );
    assert_eq!(v["rule_changes"][0]["change"], "removed");
    assert_eq!(
        v["largest_changes"][0]["rules"],
        serde_json::json!(["-no-credit-at-all"])
    );
    // A rule set against itself changes nothing.
    let v = replay(&no_credit, &no_credit);
    assert_eq!(v["totals"]["changed"], 0);
    assert_eq!(v["rule_changes"], serde_json::json!([]));
    assert_eq!(v["baseline_rules"], v["new_rules"]);
}

#[test]
fn skipped_records_are_reported_and_fail_the_replay_unless_allowed() {
    let dir = Scratch::new("skipped");
    let history = example_history(&dir);
    let out = settle(&["replay", &history, "--rules", "rules/default"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).contains("read 10  evaluated 9  skipped 1"),
        "{}",
        stdout(&out)
    );
    assert!(stdout(&out).contains("line 10: column"), "{}", stdout(&out));
    assert!(stderr(&out).contains("1 of 10 records were skipped"));
    let allowed = settle(&[
        "replay",
        &history,
        "--rules",
        "rules/default",
        "--allow-skipped",
    ]);
    assert_eq!(allowed.status.code(), Some(0));
}

#[test]
fn gates_exit_1_when_crossed_and_0_when_not() {
    let dir = Scratch::new("gates");
    let history = example_history(&dir);
    let rules = no_credit_rules(&dir);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "replay",
            history.as_str(),
            "--rules",
            rules.as_str(),
            "--allow-skipped",
        ];
        args.extend_from_slice(extra);
        settle(&args).status.code()
    };
    assert_eq!(run(&["--max-changed", "1"]), Some(1));
    assert_eq!(run(&["--max-changed", "2"]), Some(0));
    assert_eq!(run(&["--max-cost-increase", "0"]), Some(1));
    assert_eq!(run(&["--max-cost-increase", "50"]), Some(0));
    let out = settle(&[
        "replay",
        &history,
        "--rules",
        &rules,
        "--allow-skipped",
        "--max-changed",
        "0",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        v["gates"]["failures"][0],
        "2 claims change advice, above the limit of 0"
    );
}

#[test]
fn the_json_report_is_byte_identical_whatever_the_thread_count() {
    let dir = Scratch::new("threads");
    // More claims than one batch, so that batches and threads both matter.
    settle(&[
        "history",
        "gen",
        "--count",
        "9000",
        "--seed",
        "11",
        "--out",
        &dir.s("h.jsonl"),
    ]);
    let run = |threads: &str| {
        settle(&[
            "replay",
            &dir.s("h.jsonl"),
            "--rules",
            "rules/lean",
            "--format",
            "json",
            "--threads",
            threads,
        ])
        .stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("2"));
    assert_eq!(one, run("3"));
}

#[test]
fn the_html_report_is_one_file_with_no_external_references() {
    let dir = Scratch::new("html");
    settle(&[
        "history",
        "gen",
        "--count",
        "500",
        "--seed",
        "3",
        "--out",
        &dir.s("h.jsonl"),
    ]);
    let out = settle(&[
        "replay",
        &dir.s("h.jsonl"),
        "--rules",
        "rules/lean",
        "--html",
        &dir.s("r.html"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let html = std::fs::read_to_string(dir.path("r.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    for external in [
        "http:", "https:", "src=", "href=", "@import", "url(", "<script",
    ] {
        assert!(!html.contains(external), "the page refers to {external}");
    }
    assert!(html.contains("class=\"bars\""), "cost chart");
    assert!(html.matches("<svg").count() >= 1, "calibration plot");
    assert!(html.contains("class=\"hm\""), "transition heat map");
    assert!(html.contains("Largest changes"));
}

#[test]
fn a_csv_history_replays_like_its_jsonl_twin() {
    let dir = Scratch::new("csv-replay");
    settle(&[
        "history",
        "gen",
        "--count",
        "700",
        "--seed",
        "21",
        "--out",
        &dir.s("h.jsonl"),
    ]);
    settle(&[
        "history",
        "gen",
        "--count",
        "700",
        "--seed",
        "21",
        "--out",
        &dir.s("h.csv"),
    ]);
    let json = |h: &str| -> serde_json::Value {
        let mut v: serde_json::Value = serde_json::from_str(&stdout(&settle(&[
            "replay",
            h,
            "--rules",
            "rules/lean",
            "--format",
            "json",
        ])))
        .unwrap();
        v["history"] = serde_json::Value::Null;
        // CSV has a header line, so its records sit one line lower.
        for c in v["largest_changes"].as_array_mut().unwrap() {
            c["line"] = serde_json::Value::Null;
        }
        v
    };
    assert_eq!(json(&dir.s("h.jsonl")), json(&dir.s("h.csv")));
}

#[test]
fn importing_a_folder_with_a_bad_claim_writes_nothing() {
    let dir = Scratch::new("import");
    let src = dir.path("claims");
    std::fs::create_dir_all(&src).unwrap();
    for f in files("examples/claims", &[".toml"]).iter().take(2) {
        std::fs::copy(root().join(f), src.join(Path::new(f).file_name().unwrap())).unwrap();
    }
    std::fs::copy(
        root().join("tests/data/claims/paid-above-value.toml"),
        src.join("bad.toml"),
    )
    .unwrap();
    let out = settle(&[
        "history",
        "import",
        &src.display().to_string(),
        "--out",
        &dir.s("h.jsonl"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is more than `order.value`"));
    assert!(!dir.path("h.jsonl").exists());
}

#[test]
fn a_csv_history_with_the_wrong_header_is_refused() {
    let dir = Scratch::new("header");
    std::fs::write(dir.path("h.csv"), "id,received\nA,2024-01-01\n").unwrap();
    let out = settle(&["replay", &dir.s("h.csv"), "--rules", "rules/default"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 1: the header has no column for currency, customer_name"),
        "{}",
        stderr(&out)
    );
    std::fs::write(dir.path("u.csv"), "id,recieved\nA,2024-01-01\n").unwrap();
    let out = settle(&["replay", &dir.s("u.csv"), "--rules", "rules/default"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 1: unknown column `recieved`"),
        "{}",
        stderr(&out)
    );
}

/// A CSV history written before claim-format version 2 (without the version-2 columns, in
/// their old order) still reads, each version-2 field at its default.
#[test]
fn a_version_1_csv_history_reads_with_the_defaults() {
    let dir = Scratch::new("csv-v1");
    let h = dir.s("h.csv");
    assert_eq!(
        settle(&[
            "history", "gen", "--count", "20", "--seed", "4", "--out", &h
        ])
        .status
        .code(),
        Some(0)
    );
    let text = std::fs::read_to_string(&h).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rows.headers().unwrap().iter().map(str::to_string).collect();
    let v2 = [
        "order_perishable",
        "order_insurance",
        "order_claim_days",
        "evidence_sample",
        "evidence_packing",
        "evidence_loaded_clean",
        "evidence_within_tolerance",
        "evidence_buyer_delay",
        "evidence_impediment",
    ];
    let keep: Vec<usize> = (0..header.len())
        .filter(|i| !v2.contains(&header[*i].as_str()))
        .collect();
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(keep.iter().map(|i| &header[*i])).unwrap();
    for row in rows.records() {
        let row = row.unwrap();
        out.write_record(keep.iter().map(|i| &row[*i])).unwrap();
    }
    std::fs::write(dir.path("v1.csv"), out.into_inner().unwrap()).unwrap();
    let claims = read_all(&dir.path("v1.csv"));
    assert_eq!(claims.len(), 20);
    for c in claims {
        let c = c.expect("a version-1 row reads");
        assert!(!c.order.perishable && c.order.claim_days.is_none());
        assert_eq!(c.evidence.packing, settle_engine::claim::Packing::Unknown);
        let insured = matches!(
            c.order.incoterm,
            Some(settle_engine::claim::Incoterm::Cif | settle_engine::claim::Incoterm::Cip)
        );
        assert_eq!(
            c.order.insurance == settle_engine::claim::Insurance::Seller,
            insured
        );
    }
}

/// The batch size changes nothing: every record (bad ones included) is folded once, in input
/// order, and the report is the same whether the history is read in one batch or in many
/// (the two batch buffers are reused in turn, so a slip there would lose or repeat records).
#[test]
fn the_report_is_the_same_whatever_the_batch_size() {
    use settle_replay::replay::{self, Evaluated, Options};
    let base = crate::common::default_playbook();
    let lean = settle_rules::defaults::read_dir(&root().join("rules/lean"))
        .map(settle_rules::ruleset::load)
        .expect("the lean rules are readable")
        .expect("the lean rules load");
    let mut g = settle_replay::generate::Generator::new(5);
    let mut text = String::new();
    for i in 0..300 {
        text.push_str(&history::to_jsonl(&g.claim()));
        text.push('\n');
        if i % 37 == 0 {
            text.push_str("{not json\n");
        }
        if i % 53 == 0 {
            text.push('\n');
        }
    }
    let records = text.lines().filter(|l| !l.trim().is_empty()).count() as u64;
    let run = |batch: usize| {
        let reader = Box::new(std::io::Cursor::new(text.clone().into_bytes()));
        let mut r = HistoryReader::new(reader, HistoryFormat::Jsonl, "mem.jsonl").unwrap();
        let mut lines = Vec::new();
        let mut each = |e: &Evaluated, _: &replay::Aggregator<'_>| {
            lines.push(match e {
                Evaluated::Done(x) => x.line,
                Evaluated::Skipped(b) => b.line,
            })
        };
        let options = Options {
            batch,
            ..Options::default()
        };
        let report = replay::run(
            &mut r,
            &base,
            &lean,
            options,
            "mem.jsonl",
            &mut each,
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(report.totals.read, records, "batch {batch}");
        assert!(report.totals.skipped > 0);
        assert!(
            lines.windows(2).all(|w| w[0] < w[1]),
            "batch {batch}: out of order"
        );
        assert_eq!(lines.len() as u64, records, "batch {batch}");
        serde_json::to_string(&report).unwrap()
    };
    let whole = run(100_000);
    for batch in [1, 7, 64, 299] {
        assert_eq!(run(batch), whole, "batch {batch}");
    }
}

/// `settle rules fit` on a generated history (whose buyers follow the documented buyer model)
/// lowers the Brier score, writes a rule set that loads, and a replay under that rule set scores
/// the acceptance model as the fit said it would.
#[test]
fn rules_fit_lowers_the_brier_score_and_the_replay_agrees() {
    let dir = tempfile::tempdir().unwrap();
    let history = dir.path().join("h.jsonl");
    let out = settle(&[
        "history",
        "gen",
        "--count",
        "1500",
        "--seed",
        "4",
        "--out",
        history.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let fitted = dir.path().join("fitted");
    let out = settle(&[
        "rules",
        "fit",
        history.to_str().unwrap(),
        "--out",
        fitted.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let fit: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let before = fit["brier_before"].as_f64().unwrap();
    let after = fit["brier_after"].as_f64().unwrap();
    assert!(fit["offers"].as_u64().unwrap() > 1000, "{fit}");
    assert!(after < 0.25 && after < before * 0.6, "{before} -> {after}");
    let out = settle(&["rules", "check", fitted.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = settle(&[
        "replay",
        history.to_str().unwrap(),
        "--rules",
        fitted.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let brier = |side: &str| {
        r["outcomes"][side]["brier"]
            .as_str()
            .unwrap()
            .parse::<f64>()
            .unwrap()
    };
    assert!(
        (brier("baseline") - before).abs() < 0.002,
        "{} vs {before}",
        brier("baseline")
    );
    assert!(
        (brier("new") - after).abs() < 0.002,
        "{} vs {after}",
        brier("new")
    );
    // A second run into the same folder is refused: nothing is overwritten.
    let again = settle(&[
        "rules",
        "fit",
        history.to_str().unwrap(),
        "--out",
        fitted.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("is not empty"));
}
