//! The desk's cases. Each takes a fresh ledger and drives `settle` as a rep would; outputs are
//! compared whole with snapshots (the same for both backends), errors exactly, and the ledger
//! is checked to hold nothing a refused command tried to write.

use crate::fixture::{Desk, check, root};
use insta::assert_snapshot;

/// Which backends a case runs on.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Backends {
    /// SQLite and PostgreSQL.
    Both,
    /// SQLite only (the case is about the default file).
    SqliteOnly,
}

/// A case.
pub type Case = fn(&Desk) -> Result<(), String>;

/// Every case.
pub const ALL: &[(&str, Backends, Case)] = &[
    (
        "a_claim_file_is_entered_listed_and_shown",
        Backends::Both,
        entered_listed_shown,
    ),
    (
        "flags_enter_a_claim_and_bad_ones_write_nothing",
        Backends::Both,
        flags,
    ),
    (
        "without_a_terminal_new_never_prompts",
        Backends::Both,
        no_terminal,
    ),
    (
        "the_negotiation_is_recorded_round_by_round",
        Backends::Both,
        negotiation,
    ),
    (
        "bad_rounds_are_refused_and_write_nothing",
        Backends::Both,
        bad_rounds,
    ),
    (
        "a_stale_version_is_a_conflict",
        Backends::Both,
        stale_version,
    ),
    (
        "two_reps_recording_at_once_never_overwrite",
        Backends::Both,
        concurrent,
    ),
    (
        "killed_recorders_leave_the_ledger_whole",
        Backends::Both,
        killed,
    ),
    (
        "next_advises_on_the_ledger_and_logs_it",
        Backends::Both,
        next_logs,
    ),
    (
        "a_settled_claim_is_closed_and_exported_as_history",
        Backends::Both,
        close_export,
    ),
    ("deadlines_show_overdue_first", Backends::Both, deadlines),
    (
        "drafts_for_every_move_in_both_languages",
        Backends::Both,
        drafts,
    ),
    ("the_desk_speaks_chinese", Backends::Both, chinese),
    (
        "the_default_ledger_is_a_file_in_the_data_folder",
        Backends::SqliteOnly,
        default_db,
    ),
];

fn entered_listed_shown(d: &Desk) -> Result<(), String> {
    let o = d.run(&[
        "claim",
        "new",
        "--from",
        "repo/examples/claims/trial-order-failures.toml",
    ]);
    assert_snapshot!("new_from_file", o.whole());
    d.enter(&["brackets-late-vessel", "tiles-transit-damage"])?;
    // The same id again: refused.
    let again = d.run(&[
        "claim",
        "new",
        "--from",
        "repo/examples/claims/tiles-transit-damage.toml",
    ]);
    assert_snapshot!("new_twice", again.whole());
    let at = "2024-09-20T09:00:00Z";
    assert_snapshot!("list_text", d.run_at(at, &["claim", "list"]).whole());
    assert_snapshot!(
        "list_json",
        d.run_at(at, &["claim", "list", "--format", "json"]).whole()
    );
    assert_snapshot!(
        "show_text",
        d.run_at(at, &["claim", "show", "EX-001-TRIAL"]).whole()
    );
    let shown = d.show("EX-001-TRIAL")?;
    check(
        shown["file"]["round"].as_array().map(Vec::len) == Some(3),
        || format!("three rounds: {}", shown["file"]),
    )?;
    check(shown["events"][0]["action"] == "create", || {
        format!("{}", shown["events"])
    })?;
    let missing = d.run(&["claim", "show", "NO-SUCH"]);
    assert_snapshot!("show_missing", missing.whole());
    Ok(())
}

/// Every required field of a claim as `--set` flags.
fn set_flags(id: &str) -> Vec<String> {
    [
        format!("id={id}"),
        "received=2024-03-04".into(),
        "currency=USD".into(),
        "customer.name=Acme Trading".into(),
        "customer.relationship=repeat".into(),
        "customer.annual_purchases=60000".into(),
        "customer.years=2".into(),
        "customer.past_claims=0".into(),
        "order.number=PI-2024-031".into(),
        "order.value=12000.00".into(),
        "order.paid=12000.00".into(),
        "order.quantity=400".into(),
        "order.unit_cost=18.50".into(),
        "order.incoterm=FOB".into(),
        "order.stage=delivered".into(),
        "order.delivered=2024-02-26".into(),
        "problem.kind=quality_defect".into(),
        "problem.summary=Hinges on 60 cabinets crack when opened".into(),
        "problem.category=furniture".into(),
        "problem.affected=60".into(),
        "problem.severity=minor".into(),
        "problem.repairable=yes".into(),
        "problem.still_needed=yes".into(),
        "evidence.buyer_photos=yes".into(),
        "evidence.inspection=none".into(),
        "evidence.our_qc=passed".into(),
        "evidence.spec_in_contract=yes".into(),
        "evidence.spec_from_buyer=no".into(),
        "evidence.carrier_noted=no".into(),
        "evidence.misuse_signs=no".into(),
        "evidence.buyer_changes=no".into(),
        "evidence.buyer_paid_late=no".into(),
        "evidence.progress_updates=yes".into(),
        "evidence.expert_opinion=none".into(),
        "ask.remedy=refund".into(),
        "ask.amount=1800".into(),
    ]
    .to_vec()
}

fn with_set(flags: &[String]) -> Vec<String> {
    let mut args = vec!["claim".to_string(), "new".to_string()];
    for f in flags {
        args.push("--set".into());
        args.push(f.clone());
    }
    args
}

fn flags(d: &Desk) -> Result<(), String> {
    let args = with_set(&set_flags("AC-1"));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = d.run(&refs);
    assert_snapshot!("new_from_flags", o.whole());
    // A paid amount above the value and a misspelt field: located, and nothing is written.
    let mut bad = set_flags("AC-2");
    bad[10] = "order.paid=13000.00".into();
    bad.push("problem.severty=major".into());
    let args = with_set(&bad);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_snapshot!("new_flags_unknown_field", d.run(&refs).whole());
    bad.pop();
    let args = with_set(&bad);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    assert_snapshot!("new_flags_paid_above_value", d.run(&refs).whole());
    // Required fields left out: each is named with the flag to give and what it means, all
    // in one pass (it used to say only that a whole section was missing "in the file").
    let mut short = set_flags("AC-3");
    short.retain(|f| !f.starts_with("ask.amount") && !f.starts_with("customer.relationship"));
    let args = with_set(&short);
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = d.run(&refs);
    o.expect(2, &refs)?;
    for want in [
        "`ask.amount` is required: give --set ask.amount=AMOUNT",
        "`customer.relationship` is required: give --set customer.relationship=new|repeat|key",
    ] {
        check(o.stderr().contains(want), || o.stderr())?;
    }
    let list = d.ok(&["claim", "list", "--format", "json"])?;
    let v: serde_json::Value = serde_json::from_str(&list).map_err(|e| e.to_string())?;
    let ids: Vec<&str> = v["claims"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["claim"].as_str()).collect())
        .unwrap_or_default();
    check(ids == ["AC-1"], || {
        format!("only AC-1 was entered: {ids:?}")
    })
}

fn no_terminal(d: &Desk) -> Result<(), String> {
    let o = d.run(&["claim", "new"]);
    assert_snapshot!("new_without_terminal", o.whole());
    Ok(())
}

fn negotiation(d: &Desk) -> Result<(), String> {
    d.enter(&["waybill-wrong-port"])?;
    let id = "EX-003-WAYBILL";
    let steps: &[&[&str]] = &[
        &["claim", "record", id, "acknowledge", "--on", "2024-10-02"],
        &[
            "claim",
            "record",
            id,
            "propose",
            "--by",
            "seller",
            "--remedy",
            "discount",
            "--amount",
            "2550.00",
            "--on",
            "2024-10-04",
            "--note",
            "half the extra trucking",
        ],
        &[
            "claim",
            "record",
            id,
            "propose",
            "--by",
            "buyer",
            "--remedy",
            "refund",
            "--amount",
            "4000",
            "--on",
            "2024-10-08",
        ],
        &[
            "claim",
            "record",
            id,
            "request_evidence",
            "--on",
            "2024-10-09",
            "--note",
            "the trucking invoices",
        ],
        &[
            "claim",
            "record",
            id,
            "evidence",
            "--on",
            "2024-10-14",
            "--evidence",
            "buyer_photos=true",
            "--evidence",
            "expert_opinion=supports_claim",
        ],
        &[
            "claim",
            "record",
            id,
            "refuse",
            "--by",
            "seller",
            "--on",
            "2024-10-15",
        ],
    ];
    let mut outputs = String::new();
    for s in steps {
        let o = d.run_at("2024-10-15T09:00:00Z", s);
        o.expect(0, s)?;
        outputs.push_str(&format!("$ settle {}\n{}\n", s[1..].join(" "), o.stdout()));
    }
    assert_snapshot!("record_rounds", outputs);
    let shown = d.show(id)?;
    check(shown["version"] == 7, || {
        format!("one version per write: {}", shown["version"])
    })?;
    check(shown["acknowledged_on"] == "2024-10-02", || {
        format!("{}", shown["acknowledged_on"])
    })?;
    check(
        shown["file"]["evidence"]["expert_opinion"] == "supports_claim",
        || {
            format!(
                "the evidence changed the claim: {}",
                shown["file"]["evidence"]
            )
        },
    )?;
    let kinds: Vec<&str> = shown["rounds"]
        .as_array()
        .map(|r| r.iter().filter_map(|x| x["kind"].as_str()).collect())
        .unwrap_or_default();
    check(
        kinds
            == [
                "propose",
                "propose",
                "propose",
                "request_evidence",
                "evidence",
                "refuse",
            ],
        || format!("{kinds:?}"),
    )?;
    assert_snapshot!(
        "show_after_rounds",
        d.run_at("2024-10-16T09:00:00Z", &["claim", "show", id])
            .whole()
    );
    // The same claim as a claim file, with the rounds written out, gives the same advice.
    let file = shown["file"].to_string();
    std::fs::write(d.path().join("back.json"), &file).map_err(|e| e.to_string())?;
    let from_file = d.ok(&[
        "advise",
        "back.json",
        "--as-of",
        "2024-10-16",
        "--format",
        "json",
    ])?;
    let next = d.ok(&[
        "claim",
        "next",
        id,
        "--as-of",
        "2024-10-16",
        "--format",
        "json",
    ])?;
    let next: serde_json::Value = serde_json::from_str(&next).map_err(|e| e.to_string())?;
    let file_advice: serde_json::Value =
        serde_json::from_str(&from_file).map_err(|e| e.to_string())?;
    check(next["advice"] == file_advice, || {
        format!(
            "ledger and file advice differ:\n{}\n{}",
            next["advice"], file_advice
        )
    })
}

fn bad_rounds(d: &Desk) -> Result<(), String> {
    d.enter(&["tiles-transit-damage"])?;
    let id = "EX-TILES-TRANSIT";
    let before = d.version(id)?;
    let cases: &[(&str, &[&str])] = &[
        (
            "accept_with_nothing_on_the_table",
            &["claim", "record", id, "accept", "--by", "buyer"],
        ),
        (
            "negative_amount",
            &[
                "claim", "record", id, "propose", "--by", "seller", "--remedy", "refund",
                "--amount", "-5",
            ],
        ),
        (
            "before_received",
            &[
                "claim",
                "record",
                id,
                "propose",
                "--by",
                "seller",
                "--remedy",
                "refund",
                "--amount",
                "5",
                "--on",
                "2023-01-01",
            ],
        ),
        (
            "proposal_without_terms",
            &["claim", "record", id, "propose", "--by", "seller"],
        ),
        (
            "evidence_field_unknown",
            &[
                "claim",
                "record",
                id,
                "evidence",
                "--evidence",
                "our_qcc=failed",
            ],
        ),
        (
            "evidence_value_wrong",
            &[
                "claim",
                "record",
                id,
                "evidence",
                "--evidence",
                "our_qc=maybe",
            ],
        ),
        ("no_party", &["claim", "record", id, "refuse"]),
        (
            "unknown_claim",
            &["claim", "record", "NO-SUCH", "withdraw", "--by", "buyer"],
        ),
        (
            "close_without_outcome",
            &["claim", "close", id, "--cost", "10", "--retained", "no"],
        ),
        (
            "next_before_last_round",
            &["claim", "next", id, "--as-of", "2024-01-01"],
        ),
    ];
    let mut all = String::new();
    for (name, args) in cases {
        let o = d.run(args);
        o.expect(2, args)?;
        all.push_str(&format!(
            "## {name}: settle {}\n{}\n",
            args[1..].join(" "),
            o.stderr()
        ));
    }
    assert_snapshot!("refused_writes", all);
    let after = d.version(id)?;
    check(after == before, || {
        format!("a refused write moved the version: {before} -> {after}")
    })
}

fn stale_version(d: &Desk) -> Result<(), String> {
    d.enter(&["tiles-transit-damage"])?;
    let id = "EX-TILES-TRANSIT";
    let v = d.version(id)?.to_string();
    d.ok(&["claim", "record", id, "acknowledge", "--version", &v])?;
    let args = [
        "claim",
        "record",
        id,
        "propose",
        "--by",
        "seller",
        "--remedy",
        "discount",
        "--amount",
        "100",
        "--version",
        &v,
    ];
    let o = d.run(&args);
    assert_snapshot!("stale_version", o.whole());
    check(o.code() == Some(3), || o.whole())
}

fn concurrent(d: &Desk) -> Result<(), String> {
    d.enter(&["tiles-transit-damage"])?;
    let id = "EX-TILES-TRANSIT";
    for round in 0..5 {
        let v = d.version(id)?.to_string();
        let by = if round % 2 == 0 { "seller" } else { "buyer" };
        let amount = format!("{}", 100 + round);
        let args = [
            "claim",
            "record",
            id,
            "propose",
            "--by",
            by,
            "--remedy",
            "refund",
            "--amount",
            &amount,
            "--version",
            &v,
        ];
        let (a, b) = (d.cmd(&args).spawn(), d.cmd(&args).spawn());
        let (a, b) = (
            a.and_then(|c| c.wait_with_output())
                .map_err(|e| e.to_string())?,
            b.and_then(|c| c.wait_with_output())
                .map_err(|e| e.to_string())?,
        );
        let mut codes = [a.status.code(), b.status.code()];
        codes.sort();
        check(codes == [Some(0), Some(3)], || {
            format!(
                "round {round}: exactly one write lands, the other is a conflict: {codes:?}\n{}\n{}",
                String::from_utf8_lossy(&a.stderr),
                String::from_utf8_lossy(&b.stderr)
            )
        })?;
    }
    let shown = d.show(id)?;
    let n = shown["rounds"].as_array().map_or(0, Vec::len);
    check(n == 1 + 5, || {
        format!("the round of the file and five more: {n}")
    })
}

/// `settle claim record` killed (SIGKILL) at any point of its run leaves the claim as before
/// or after the round, never between: one event per version, rounds without gaps, each round
/// written with its event.
fn killed(d: &Desk) -> Result<(), String> {
    d.enter(&["tiles-transit-damage"])?;
    let id = "EX-TILES-TRANSIT";
    // How long a run takes here (a whole one, which lands), so that the kills fall across it.
    let started = std::time::Instant::now();
    d.ok(&[
        "claim", "record", id, "propose", "--by", "seller", "--remedy", "refund", "--amount", "9",
    ])?;
    let run = started.elapsed().as_micros() as u64;
    let mut landed = 0;
    for i in 0..30u64 {
        let before = d.version(id)?;
        let by = if i % 2 == 0 { "buyer" } else { "seller" };
        let amount = format!("{}", 10 + i);
        let v = before.to_string();
        let args = [
            "claim",
            "record",
            id,
            "propose",
            "--by",
            by,
            "--remedy",
            "refund",
            "--amount",
            &amount,
            "--version",
            &v,
        ];
        let mut child = d
            .cmd(&args)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .map_err(|e| e.to_string())?;
        // Kill it somewhere between its start and its end (a run takes some tens of ms).
        std::thread::sleep(std::time::Duration::from_micros(run * (i + 1) / 15));
        let _ = child.kill();
        let _ = child.wait();
        let shown = d.show(id)?;
        let version = shown["version"].as_u64().unwrap_or(0);
        check(version == before || version == before + 1, || {
            format!("kill {i}: version {before} became {version}")
        })?;
        landed += version - before;
        let rounds = shown["rounds"].as_array().cloned().unwrap_or_default();
        let events = shown["events"].as_array().cloned().unwrap_or_default();
        check(events.len() as u64 == version, || {
            format!("kill {i}: {} events for version {version}", events.len())
        })?;
        check(rounds.len() as u64 == version, || {
            format!("kill {i}: {} rounds at version {version}", rounds.len())
        })?;
        for (n, r) in rounds.iter().enumerate() {
            check(r["seq"] == n as u64 + 1, || {
                format!("kill {i}: round {n} has seq {}", r["seq"])
            })?;
        }
    }
    // Some runs were killed before they wrote, some after: both happened, or the test
    // exercised nothing.
    check(landed > 0 && landed < 30, || {
        format!("{landed} of 30 killed runs wrote their round")
    })
}

fn next_logs(d: &Desk) -> Result<(), String> {
    d.enter(&["trial-order-failures"])?;
    let id = "EX-001-TRIAL";
    let at = "2024-03-05T09:00:00Z";
    let o = d.run_at(at, &["claim", "next", id]);
    assert_snapshot!("next_text", o.whole());
    let json = d.run_at(at, &["claim", "next", id, "--format", "json"]);
    json.expect(0, &["claim", "next"])?;
    let json = json.stdout();
    let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    check(v["logged"] == 2 && v["version"] == 3, || {
        format!("second advice, version 3: {} {}", v["logged"], v["version"])
    })?;
    check(v["advice"]["next"]["action"] == "accept", || {
        format!("{}", v["advice"]["next"])
    })?;
    let shown = d.show(id)?;
    let log = &shown["advice"];
    check(log.as_array().map(Vec::len) == Some(2), || format!("{log}"))?;
    check(
        log[0]["rules"]["name"] == "default" && log[0]["as_of"] == "2024-03-05",
        || format!("{}", log[0]),
    )?;
    check(log[1]["on_version"] == 2, || format!("{}", log[1]))
}

fn close_export(d: &Desk) -> Result<(), String> {
    d.enter(&["trial-order-failures", "tiles-transit-damage"])?;
    let id = "EX-001-TRIAL";
    d.ok(&["claim", "record", id, "accept", "--by", "seller"])?;
    let o = d.run(&[
        "claim",
        "close",
        id,
        "--cost",
        "2038.50",
        "--retained",
        "no",
    ]);
    assert_snapshot!("close", o.whole());
    let again = d.run(&["claim", "record", id, "withdraw", "--by", "buyer"]);
    check(
        again.code() == Some(2) && again.stderr().contains("closed"),
        || again.whole(),
    )?;
    let out = d.path().join("history.jsonl");
    let o = d.run(&["history", "export", "--out", &out.display().to_string()]);
    o.expect(0, &["history", "export"])?;
    let text = std::fs::read_to_string(&out).map_err(|e| e.to_string())?;
    check(text.lines().count() == 1, || {
        format!("one closed claim: {text}")
    })?;
    assert_snapshot!("export_jsonl", text);
    let csv = d.ok(&["history", "export", "--format", "csv"])?;
    check(
        csv.lines().count() == 2 && csv.contains("EX-001-TRIAL"),
        || csv.clone(),
    )?;
    // The history replays.
    let r = d.run(&[
        "replay",
        "history.jsonl",
        "--rules",
        "repo/rules/lean",
        "--format",
        "json",
    ]);
    r.expect(0, &["replay"])?;
    let v: serde_json::Value = serde_json::from_str(&r.stdout()).map_err(|e| e.to_string())?;
    check(v["outcomes"]["claims"] == 1, || {
        format!("{}", v["outcomes"])
    })
}

fn deadlines(d: &Desk) -> Result<(), String> {
    // Received 2024-02-05 (trial: answered), 2024-03-11 (tiles: no answer yet), 2024-09-16.
    d.enter(&[
        "trial-order-failures",
        "tiles-transit-damage",
        "brackets-late-vessel",
    ])?;
    let list = |at: &str| d.run(&["claim", "list", "--as-of", at]);
    assert_snapshot!("deadlines_2024_03_12", list("2024-03-12").whole());
    assert_snapshot!("deadlines_2024_09_30", list("2024-09-30").whole());
    // An acknowledgement stops the first-answer clock; the reply is still due.
    d.ok(&[
        "claim",
        "record",
        "EX-TILES-TRANSIT",
        "acknowledge",
        "--on",
        "2024-03-11",
    ])?;
    let json = d.ok(&["claim", "list", "--as-of", "2024-03-12", "--format", "json"])?;
    let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
    let tiles = v["claims"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["claim"] == "EX-TILES-TRANSIT"))
        .cloned()
        .unwrap_or_default();
    check(tiles["next_due"]["kind"] == "reply", || format!("{tiles}"))
}

fn drafts(d: &Desk) -> Result<(), String> {
    d.enter(&[
        "trial-order-failures",
        "tiles-transit-damage",
        "fasteners-short-shipment",
        "grinder-hand-injury",
        "brackets-late-vessel",
        "cabinets-wrong-size",
    ])?;
    let mut moves = std::collections::BTreeSet::new();
    // Each as of the day its example decides on.
    for (id, day, extra) in [
        ("EX-TILES-TRANSIT", "2024-03-11", &[][..]),
        ("EX-TILES-TRANSIT", "2024-03-11", &["--reply"][..]),
        ("EX-001-TRIAL", "2024-03-01", &[][..]),
        ("EX-FASTENERS-SHORT", "2024-08-19", &["--reply"][..]),
        ("EX-004-GRINDER", "2024-05-20", &["--reply"][..]),
        ("EX-003-BRACKETS", "2024-09-16", &["--reply"][..]),
        ("EX-004-CABINETS", "2024-07-03", &["--reply"][..]),
    ] {
        for lang in ["en", "zh-CN"] {
            let mut args = vec![
                "claim",
                "draft",
                id,
                "--buyer-lang",
                lang,
                "--signature",
                "Ana Li",
                "--as-of",
                day,
            ];
            args.extend_from_slice(extra);
            let json = d.ok(&[&args[..], &["--format", "json"]].concat())?;
            let v: serde_json::Value = serde_json::from_str(&json).map_err(|e| e.to_string())?;
            let name = v["draft"].as_str().unwrap_or("?").to_string();
            moves.insert(name.clone());
            let text = v["text"].as_str().unwrap_or_default().to_string();
            check(text.contains("Ana Li") && !text.contains("{{"), || {
                text.clone()
            })?;
            assert_snapshot!(format!("draft_{id}_{name}_{lang}"), text);
        }
    }
    let want = [
        "accept",
        "acknowledge",
        "escalate",
        "offer",
        "reject",
        "request_evidence",
    ];
    let got: Vec<&str> = moves.iter().map(String::as_str).collect();
    check(got == want, || {
        format!("every draft is written once: {got:?}")
    })
}

fn chinese(d: &Desk) -> Result<(), String> {
    d.enter(&["trial-order-failures", "tiles-transit-damage"])?;
    assert_snapshot!(
        "list_zh",
        d.run(&["claim", "list", "--lang", "zh-CN"]).whole()
    );
    assert_snapshot!(
        "show_zh",
        d.run(&["claim", "show", "EX-001-TRIAL", "--lang", "zh-CN"])
            .whole()
    );
    let o = d
        .cmd(&["claim", "next", "EX-001-TRIAL", "--as-of", "2024-03-05"])
        .env("LANG", "zh_CN.UTF-8")
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&o.stdout).into_owned();
    assert_snapshot!("next_zh_from_locale", text);
    // JSON identifiers stay English.
    let json = d.ok(&["claim", "list", "--lang", "zh-CN", "--format", "json"])?;
    check(
        json.contains("\"turn\": \"ours\"") && !json.contains("我方"),
        || json.clone(),
    )
}

fn default_db(d: &Desk) -> Result<(), String> {
    let home = d.path().join("home");
    let o = d
        .cmd(&[
            "claim",
            "new",
            "--from",
            "repo/examples/claims/tiles-transit-damage.toml",
        ])
        .env_remove("SETTLE_DB")
        .env_remove("XDG_DATA_HOME")
        .env("HOME", &home)
        .output()
        .map_err(|e| e.to_string())?;
    check(o.status.code() == Some(0), || {
        String::from_utf8_lossy(&o.stderr).into_owned()
    })?;
    let file = home.join(".local/share/settle/ledger.db");
    check(file.is_file(), || {
        format!("no ledger at {}", file.display())
    })?;
    // --db wins over SETTLE_DB.
    let other = d.path().join("other.db");
    let o = d.run(&["claim", "list", "--db", &other.display().to_string()]);
    o.expect(0, &["claim", "list", "--db"])?;
    check(
        o.stdout().contains("no open claims") && other.is_file(),
        || o.whole(),
    )?;
    let _ = root();
    Ok(())
}
