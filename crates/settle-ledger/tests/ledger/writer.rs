//! The kill test: this test binary, started with `SETTLE_LEDGER_WRITER` set, is a writer that
//! records rounds and advice on one claim in a loop until it is killed; the test kills it with
//! SIGKILL at varied moments and then checks that every operation is wholly there or not at all.

use crate::cases::REP;
use crate::fixture::{Db, at, day};
use libtest_mimic::Failed;
use serde_json::{Map, json};
use settle_engine::Action;
use settle_engine::claim::{Party, Remedy};
use settle_ledger::{AdviceEntry, Error, Ledger, RoundEntry, RoundKind, RulesetId, Target};
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

const WRITER_VAR: &str = "SETTLE_LEDGER_WRITER";
const CLAIM: &str = "K-1";
const KILLS: u64 = 20;
/// Far longer than the test lets a writer live (under 0.4 s).
const WRITER_LIFETIME: Duration = Duration::from_secs(20);

/// In writer mode, writes until killed (an error ends it with exit code 3); otherwise `None`.
pub fn run_if_asked() -> Option<ExitCode> {
    let target = std::env::var(WRITER_VAR).ok()?;
    Some(match write_forever(&target) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("writer: {e}");
            ExitCode::from(3)
        }
    })
}

/// Writes until killed: by the claim's version, a proposal, advice, a request for evidence, or
/// evidence that sets `progress_updates` (so the document changes too). It stops by itself
/// after [`WRITER_LIFETIME`], so that a writer whose test died does not write on forever.
fn write_forever(target: &str) -> Result<(), Error> {
    let mut ledger = Ledger::open(&Target::parse(target)?)?;
    let born = Instant::now();
    while born.elapsed() < WRITER_LIFETIME {
        let v = ledger.get(CLAIM)?.version;
        let on = day(2024, 2, 5) + time::Duration::days(v as i64 / 16);
        let result = match v % 4 {
            0 => ledger.record_round(
                CLAIM,
                v,
                &RoundEntry {
                    kind: RoundKind::Propose {
                        remedy: Remedy::Refund,
                        amount: settle_engine::Money::new(v as i64 * 100 + 1, 2),
                    },
                    by: if v % 8 == 0 {
                        Party::Buyer
                    } else {
                        Party::Seller
                    },
                    on,
                    note: Some(format!("write {v}")),
                },
                "writer",
                at(v as i64),
            ),
            1 => ledger.log_advice(CLAIM, v, &advice(on, v), "writer", at(v as i64)),
            2 => ledger.record_round(
                CLAIM,
                v,
                &RoundEntry {
                    kind: RoundKind::RequestEvidence,
                    by: Party::Seller,
                    on,
                    note: Some(format!("write {v}")),
                },
                "writer",
                at(v as i64),
            ),
            _ => {
                let mut changes = Map::new();
                changes.insert("progress_updates".into(), json!(v % 8 == 3));
                ledger.record_round(
                    CLAIM,
                    v,
                    &RoundEntry {
                        kind: RoundKind::Evidence { changes },
                        by: Party::Buyer,
                        on,
                        note: Some(format!("write {v}")),
                    },
                    "writer",
                    at(v as i64),
                )
            }
        };
        match result {
            Ok(_) | Err(Error::Conflict { .. }) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

fn advice(as_of: time::Date, v: u64) -> AdviceEntry {
    AdviceEntry {
        as_of,
        ruleset: RulesetId {
            name: "kill-test".into(),
            version: "1".into(),
            hash: format!("{v:016x}"),
        },
        action: Action::Offer,
        remedy: Some(Remedy::Discount),
        amount: Some(settle_engine::Money::new(v as i64, 0)),
        cost: Some(settle_engine::Money::new(v as i64, 1)),
        advice: json!({ "write": v, "text": "x".repeat(2000) }),
    }
}

pub fn kill_test(db: &Db) -> Result<(), Failed> {
    let mut claim = crate::fixture::trial_claim();
    claim.id = CLAIM.into();
    claim.rounds.truncate(1);
    {
        let mut l = db.open();
        l.create_claim(&claim, REP, at(0))
            .map_err(|e| e.to_string())?;
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let started = Instant::now();
    let mut landed_before = 1;
    for k in 0..KILLS {
        let mut child = Command::new(&exe)
            .env(WRITER_VAR, target_text(&db.target))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("spawning the writer: {e}"))?;
        // Varied moments: 40 to 390 ms after the start, in a scattered order.
        let wait = Duration::from_millis(40 + (k * 137) % 351);
        std::thread::sleep(wait);
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let out = child.wait_with_output().map_err(|e| e.to_string())?;
            return Err(format!(
                "the writer stopped by itself ({status}): {}",
                String::from_utf8_lossy(&out.stderr)
            )
            .into());
        }
        child.kill().map_err(|e| e.to_string())?; // SIGKILL
        let status = child.wait().map_err(|e| e.to_string())?;
        assert!(!status.success(), "killed, not finished");
        let landed = check_consistent(db, claim.rounds.len() as u64)?;
        assert!(landed >= landed_before, "writes are never lost");
        landed_before = landed;
    }
    assert!(
        landed_before > KILLS,
        "the writers landed only {landed_before} writes in {KILLS} runs: the test proved little"
    );
    // A fresh write still works after all that.
    let mut l = db.open();
    let rec = l.get(CLAIM).map_err(|e| e.to_string())?;
    let next = l
        .log_advice(
            CLAIM,
            rec.version,
            &advice(rec.claim.received, rec.version),
            REP,
            at(0),
        )
        .map_err(|e| e.to_string())?;
    assert_eq!(next.version, rec.version + 1);
    check_consistent(db, claim.rounds.len() as u64)?;
    if let Target::Sqlite(_) = db.target {
        assert_eq!(db.raw_text("PRAGMA integrity_check"), "ok");
    }
    eprintln!(
        "  {KILLS} writers killed in {:.1} s; {} writes landed",
        started.elapsed().as_secs_f64(),
        rec.version - 1
    );
    Ok(())
}

fn target_text(t: &Target) -> String {
    match t {
        Target::Sqlite(p) => format!("sqlite:{}", p.display()),
        Target::Postgres(url) => url.clone(),
    }
}

/// Checks that the claim's rows agree with each other; returns its version.
fn check_consistent(db: &Db, initial_rounds: u64) -> Result<u64, Failed> {
    // One consistent read: on PostgreSQL the server may still be committing a killed
    // writer's last transaction, so separate reads could straddle that commit.
    let mut l = db.open();
    let file = l
        .file(CLAIM)
        .map_err(|e| format!("the claim does not read back: {e}"))?;
    let (rec, logged, events) = (file.record, file.advice, file.events);
    let rounds = rec.rounds.clone();
    let v = rec.version;
    // Every write is one version, one event, and its rows; none half there.
    assert_eq!(
        v,
        1 + (rounds.len() as u64 - initial_rounds) + logged.len() as u64,
        "version = 1 + rounds recorded + advice logged"
    );
    assert_eq!(events.len() as u64, v, "one event per write");
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.version, Some(i as u64 + 1), "events in version order");
    }
    for (i, r) in rounds.iter().enumerate() {
        assert_eq!(r.seq, i as u64 + 1, "round seqs contiguous");
        let e = &events[r.version as usize - 1];
        if r.version > 1 {
            assert_eq!(e.action, "round");
            assert_eq!(e.detail["seq"], json!(r.seq), "the round's event names it");
            assert_eq!(
                r.entry.note.as_deref(),
                Some(format!("write {}", r.version - 1).as_str())
            );
        }
    }
    for (i, a) in logged.iter().enumerate() {
        assert_eq!(a.seq, i as u64 + 1, "advice seqs contiguous");
        let e = &events[a.on_version as usize];
        assert_eq!(
            (e.action.as_str(), e.version),
            ("advice", Some(a.on_version + 1))
        );
        assert_eq!(
            a.entry,
            advice(a.entry.as_of, a.on_version),
            "advice kept whole"
        );
    }
    // The document carries the last evidence round's change, and only it.
    let last_evidence = rounds.iter().rev().find_map(|r| match &r.entry.kind {
        RoundKind::Evidence { changes } => changes.get("progress_updates").cloned(),
        _ => None,
    });
    let want = last_evidence.and_then(|v| v.as_bool()).unwrap_or(true);
    assert_eq!(
        rec.claim.evidence.progress_updates, want,
        "document and rounds agree"
    );
    // Every round recorded is a round of the claim, of the same kind.
    assert_eq!(rec.claim.rounds.len(), rounds.len());
    for (r, c) in rounds.iter().zip(&rec.claim.rounds) {
        assert_eq!(r.entry.kind.name(), c.kind().as_str(), "round kinds agree");
    }
    Ok(v)
}
