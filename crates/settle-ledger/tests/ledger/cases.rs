//! The test cases, each a function of a fresh ledger location, run once per backend.

use crate::fixture::{Db, at, day, examples, trial_claim};
use crate::writer;
use libtest_mimic::Failed;
use serde_json::{Map, Value, json};
use settle_engine::claim::{Outcome, Party, Remedy, Round};
use settle_engine::{Action, Claim, Money};
use settle_ledger::{
    AdviceEntry, ClaimRecord, Error, Filter, Ledger, RoundEntry, RoundKind, SCHEMA_VERSION, Status,
};
use std::str::FromStr;
use std::sync::{Arc, Barrier};
use time::Date;

/// A test: a function of a fresh ledger location.
pub type Test = fn(&Db) -> Result<(), Failed>;

/// Every test, run against each backend.
pub const ALL: &[(&str, Test)] = &[
    (
        "create_and_get_round_trip_every_example",
        create_and_get_round_trip_every_example,
    ),
    (
        "create_refuses_a_duplicate_id",
        create_refuses_a_duplicate_id,
    ),
    (
        "create_refuses_what_it_cannot_keep",
        create_refuses_what_it_cannot_keep,
    ),
    ("every_round_kind_is_recorded", every_round_kind_is_recorded),
    ("invalid_rounds_write_nothing", invalid_rounds_write_nothing),
    ("stale_versions_conflict", stale_versions_conflict),
    (
        "advice_is_logged_with_its_rules",
        advice_is_logged_with_its_rules,
    ),
    ("assign_and_list", assign_and_list),
    (
        "close_records_the_outcome_and_ends_writes",
        close_records_the_outcome_and_ends_writes,
    ),
    (
        "closed_claims_export_as_history",
        closed_claims_export_as_history,
    ),
    ("migrations_run_once", migrations_run_once),
    ("a_newer_schema_is_refused", a_newer_schema_is_refused),
    (
        "two_writers_on_one_version_one_conflicts",
        two_writers_on_one_version_one_conflicts,
    ),
    (
        "many_writers_with_retries_all_land",
        many_writers_with_retries_all_land,
    ),
    (
        "killed_writers_leave_the_ledger_consistent",
        killed_writers_leave_the_ledger_consistent,
    ),
    (
        "proposals_read_back_as_the_claim_file",
        proposals_read_back_as_the_claim_file,
    ),
    (
        "any_rounds_read_back_with_the_claim_files_advice",
        any_rounds_read_back_with_the_claim_files_advice,
    ),
    ("acknowledging_stops_the_first_answer_clock", acknowledging),
    ("lists_carry_the_rounds_in_brief", lists_carry_rounds),
    ("users_and_sessions_of_the_web_desk", users_and_sessions),
    (
        "approvals_are_asked_once_and_decided_once",
        approvals_are_asked_once_and_decided_once,
    ),
];

pub const REP: &str = "rep.ana";

fn ok<T>(r: settle_ledger::Result<T>) -> T {
    match r {
        Ok(v) => v,
        Err(e) => panic!("unexpected error: {e}"),
    }
}

fn money(s: &str) -> Money {
    Money::from_str(s).expect("money")
}

fn propose(by: Party, on: Date, remedy: Remedy, amount: &str) -> RoundEntry {
    RoundEntry {
        kind: RoundKind::Propose {
            remedy,
            amount: money(amount),
        },
        by,
        on,
        note: None,
    }
}

fn plain(kind: RoundKind, by: Party, on: Date) -> RoundEntry {
    RoundEntry {
        kind,
        by,
        on,
        note: None,
    }
}

/// A claim with no rounds, under a new id.
fn bare(id: &str) -> Claim {
    let mut c = trial_claim();
    c.id = id.to_string();
    c.rounds.clear();
    c
}

fn assert_invalid<T: std::fmt::Debug>(r: settle_ledger::Result<T>, field: &str) {
    match r {
        Err(Error::Invalid { field: f, .. }) if f == field => {}
        other => panic!("expected an invalid `{field}`, got {other:?}"),
    }
}

/// Every table's rows for a claim, to show that a refused write wrote nothing.
fn snapshot(l: &mut Ledger, id: &str) -> (ClaimRecord, usize, usize) {
    (
        ok(l.get(id)),
        ok(l.events(id)).len(),
        ok(l.advice_log(id)).len(),
    )
}

fn create_and_get_round_trip_every_example(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    let claims = examples();
    assert!(claims.len() >= 9, "found {} examples", claims.len());
    for c in &claims {
        let made = ok(l.create_claim(c, REP, at(0)));
        let got = ok(l.get(&c.id));
        assert_eq!(made, got);
        assert_eq!(got.claim, *c, "{}", c.id);
        assert_eq!(got.version, 1);
        assert_eq!(got.status, Status::Open);
        assert_eq!(got.assigned_to, None);
        assert_eq!((got.created_at, got.updated_at), (at(0), at(0)));
        assert_eq!(got.created_by, REP);
        assert_eq!(got.closed_at, None);
        assert_eq!(got.rounds.len(), c.rounds.len());
        for (i, (r, want)) in got.rounds.iter().zip(&c.rounds).enumerate() {
            assert_eq!(r.seq, i as u64 + 1);
            assert_eq!(r.version, 1);
            let (remedy, amount) = want.terms().expect("the claim's rounds are proposals");
            assert_eq!(r.entry.kind, RoundKind::Propose { remedy, amount });
            assert_eq!((r.entry.by, r.entry.on), (want.by, want.on));
            assert_eq!(r.entry.note, want.note);
        }
        let events = ok(l.events(&c.id));
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].action, "create");
        assert_eq!(events[0].actor, REP);
        assert_eq!(events[0].version, Some(1));
        assert_eq!(
            events[0].detail["claim"],
            settle_rules::claim_file::to_json(c),
            "the create event keeps the claim as entered"
        );
    }
    let ids: Vec<String> = ok(l.list(Filter::All, None))
        .into_iter()
        .map(|s| s.id)
        .collect();
    let mut want: Vec<String> = claims.iter().map(|c| c.id.clone()).collect();
    want.sort();
    assert_eq!(ids, want);
    assert!(matches!(l.get("NO-SUCH"), Err(Error::NotFound { .. })));
    Ok(())
}

fn create_refuses_a_duplicate_id(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    let c = trial_claim();
    ok(l.create_claim(&c, REP, at(0)));
    let mut other = bare(&c.id);
    other.customer.name = "someone else".into();
    match l.create_claim(&other, "rep.bo", at(5)) {
        Err(Error::Exists { id }) => assert_eq!(id, c.id),
        r => panic!("expected Exists, got {r:?}"),
    }
    let (rec, events, _) = snapshot(&mut l, &c.id);
    assert_eq!(rec.claim, c, "the first claim is untouched");
    assert_eq!((rec.version, events), (1, 1));
    Ok(())
}

fn create_refuses_what_it_cannot_keep(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    let mut closed = bare("X-1");
    closed.outcome = Some(Outcome {
        remedy: Remedy::Refund,
        amount: money("10"),
        cost: money("10"),
        closed: day(2024, 3, 1),
        retained: true,
    });
    assert_invalid(l.create_claim(&closed, REP, at(0)), "outcome");
    assert_invalid(l.create_claim(&bare("X-2"), "", at(0)), "actor");
    assert_invalid(l.create_claim(&bare(""), REP, at(0)), "id");
    let mut negative = bare("X-3");
    negative.rounds.push(Round::propose(
        day(2024, 2, 6),
        Party::Buyer,
        Remedy::Refund,
        money("-1"),
    ));
    assert_invalid(l.create_claim(&negative, REP, at(0)), "round[1].amount");
    let mut early = bare("X-4");
    early.rounds.push(Round::propose(
        day(2024, 1, 6),
        Party::Buyer,
        Remedy::Refund,
        money("1"),
    ));
    assert_invalid(l.create_claim(&early, REP, at(0)), "round[1].on");
    assert!(
        ok(l.list(Filter::All, None)).is_empty(),
        "nothing was written"
    );
    Ok(())
}

fn every_round_kind_is_recorded(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    let c = bare("R-1");
    let mut v = ok(l.create_claim(&c, REP, at(0))).version;
    let mut changes = Map::new();
    changes.insert("our_qc".into(), json!("failed"));
    changes.insert("expert_opinion".into(), json!("supports_claim"));
    let steps = vec![
        propose(Party::Buyer, day(2024, 2, 5), Remedy::Refund, "5400.00"),
        RoundEntry {
            note: Some("QC report and photos of the failed boards".into()),
            ..plain(RoundKind::RequestEvidence, Party::Seller, day(2024, 2, 6))
        },
        plain(
            RoundKind::Evidence {
                changes: changes.clone(),
            },
            Party::Buyer,
            day(2024, 2, 9),
        ),
        plain(RoundKind::Refuse, Party::Seller, day(2024, 2, 10)),
        propose(Party::Seller, day(2024, 2, 12), Remedy::Repair, "4000"),
        plain(RoundKind::Withdraw, Party::Seller, day(2024, 2, 12)),
        propose(Party::Seller, day(2024, 2, 13), Remedy::Discount, "1500.50"),
        plain(RoundKind::Accept, Party::Buyer, day(2024, 2, 20)),
    ];
    for (i, step) in steps.iter().enumerate() {
        let rec = ok(l.record_round("R-1", v, step, "rep.bo", at(10 + i as i64)));
        assert_eq!(rec.version, v + 1);
        assert_eq!(rec.updated_at, at(10 + i as i64));
        v = rec.version;
    }
    let rec = ok(l.get("R-1"));
    assert_eq!(rec.version, 1 + steps.len() as u64);
    let kinds: Vec<&str> = rec.rounds.iter().map(|r| r.entry.kind.name()).collect();
    assert_eq!(
        kinds,
        [
            "propose",
            "request_evidence",
            "evidence",
            "refuse",
            "propose",
            "withdraw",
            "propose",
            "accept"
        ]
    );
    for (i, (r, step)) in rec.rounds.iter().zip(&steps).enumerate() {
        assert_eq!(r.entry, *step);
        assert_eq!((r.seq, r.version), (i as u64 + 1, i as u64 + 2));
        assert_eq!(
            (r.recorded_at, r.recorded_by.as_str()),
            (at(10 + i as i64), "rep.bo")
        );
    }
    assert_eq!(ok(l.rounds("R-1")), rec.rounds);
    // Only proposals are the claim's [[round]]s; the evidence changed the claim itself.
    let mut want = c.clone();
    want.rounds = steps.iter().filter_map(as_claim_round).collect();
    want.evidence.our_qc = settle_engine::claim::QcRecord::Failed;
    want.evidence.expert_opinion = settle_engine::claim::ExpertOpinion::SupportsClaim;
    assert_eq!(rec.claim, want);
    // The audit log: one event per write, in order, the evidence change with old and new values.
    let events = ok(l.events("R-1"));
    assert_eq!(events.len(), 1 + steps.len());
    for (i, e) in events.iter().enumerate() {
        assert_eq!(e.version, Some(i as u64 + 1));
        assert_eq!(e.claim_id.as_deref(), Some("R-1"));
    }
    assert!(events.windows(2).all(|w| w[0].id < w[1].id));
    let evidence = &events[3];
    assert_eq!(
        (evidence.action.as_str(), evidence.actor.as_str()),
        ("round", "rep.bo")
    );
    assert_eq!(evidence.detail["kind"], "evidence");
    assert_eq!(evidence.detail["seq"], 3);
    assert_eq!(
        evidence.detail["changes"]["our_qc"],
        json!({ "from": "passed", "to": "failed" })
    );
    assert_eq!(
        events[2].detail["note"],
        "QC report and photos of the failed boards"
    );
    Ok(())
}

fn as_claim_round(e: &RoundEntry) -> Option<Round> {
    use settle_engine::claim::RoundKind as K;
    let mut r = match &e.kind {
        RoundKind::Propose { remedy, amount } => Round::propose(e.on, e.by, *remedy, *amount),
        RoundKind::Accept => Round::answer(e.on, e.by, K::Accept),
        RoundKind::Refuse => Round::answer(e.on, e.by, K::Refuse),
        RoundKind::Withdraw => Round::answer(e.on, e.by, K::Withdraw),
        RoundKind::RequestEvidence => Round::answer(e.on, e.by, K::RequestEvidence),
        RoundKind::Evidence { .. } => Round::answer(e.on, e.by, K::Evidence),
    };
    r.note = e.note.clone();
    Some(r)
}

fn invalid_rounds_write_nothing(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    let c = trial_claim(); // received 2024-02-05; rounds to 2024-03-01, the buyer's standing
    ok(l.create_claim(&c, REP, at(0)));
    let before = snapshot(&mut l, &c.id);
    let evidence = |k: &str, v: Value| {
        let mut m = Map::new();
        m.insert(k.to_string(), v);
        plain(
            RoundKind::Evidence { changes: m },
            Party::Buyer,
            day(2024, 3, 2),
        )
    };
    let cases: Vec<(RoundEntry, &str)> = vec![
        (
            propose(Party::Seller, day(2024, 2, 4), Remedy::Refund, "1"),
            "round.on",
        ),
        (
            propose(Party::Seller, day(2024, 2, 28), Remedy::Refund, "1"),
            "round.on",
        ),
        (
            propose(Party::Seller, day(2024, 3, 2), Remedy::Refund, "-0.01"),
            "round.amount",
        ),
        (
            plain(RoundKind::Accept, Party::Buyer, day(2024, 3, 2)),
            "round.kind",
        ),
        (
            plain(RoundKind::Withdraw, Party::Seller, day(2024, 3, 2)),
            "round.kind",
        ),
        (
            plain(RoundKind::Refuse, Party::Buyer, day(2024, 3, 2)),
            "round.kind",
        ),
        (
            evidence("drone_footage", json!(true)),
            "evidence.drone_footage",
        ),
        (evidence("our_qc", json!("lost")), "evidence.our_qc"),
        (
            evidence("buyer_photos", json!("yes")),
            "evidence.buyer_photos",
        ),
    ];
    for (round, field) in cases {
        assert_invalid(l.record_round(&c.id, 1, &round, REP, at(5)), field);
        assert_eq!(
            snapshot(&mut l, &c.id),
            before,
            "{field}: nothing was written"
        );
    }
    assert_invalid(
        l.record_round(
            &c.id,
            1,
            &plain(RoundKind::Accept, Party::Seller, day(2024, 3, 2)),
            "",
            at(5),
        ),
        "actor",
    );
    // The same rounds that are consistent do land.
    let accepted = ok(l.record_round(
        &c.id,
        1,
        &plain(RoundKind::Accept, Party::Seller, day(2024, 3, 2)),
        REP,
        at(6),
    ));
    assert_eq!(accepted.version, 2);
    Ok(())
}

fn stale_versions_conflict(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    ok(l.create_claim(&bare("C-1"), REP, at(0)));
    let r = propose(Party::Buyer, day(2024, 2, 6), Remedy::Refund, "100");
    ok(l.record_round("C-1", 1, &r, REP, at(1)));
    let before = snapshot(&mut l, "C-1");
    for stale in [0, 1, 3, u64::MAX] {
        match l.record_round("C-1", stale, &r, "rep.bo", at(2)) {
            Err(Error::Conflict {
                id,
                expected,
                found,
            }) => assert_eq!((id.as_str(), expected, found), ("C-1", stale, 2)),
            other => panic!("expected a conflict at {stale}, got {other:?}"),
        }
        assert!(matches!(
            l.assign("C-1", stale, Some("rep.bo"), REP, at(2)),
            Err(Error::Conflict { found: 2, .. })
        ));
    }
    assert_eq!(snapshot(&mut l, "C-1"), before);
    assert!(matches!(
        l.record_round("NO-SUCH", 1, &r, REP, at(2)),
        Err(Error::NotFound { .. })
    ));
    assert!(matches!(l.events("NO-SUCH"), Err(Error::NotFound { .. })));
    Ok(())
}

fn advice_entry(claim: &Claim) -> AdviceEntry {
    let playbook = settle_rules::defaults::load_default().expect("default rules");
    let advice = settle_engine::advise(&playbook, claim).expect("advice");
    let shown = json!({
        "next": advice.next.action.as_str(),
        "bottom_line": advice.bottom_line.to_string(),
        "rules": { "name": playbook.name(), "version": playbook.version(), "hash": playbook.hash() },
    });
    AdviceEntry::new(&playbook, claim, &advice, shown)
}

fn advice_is_logged_with_its_rules(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    let c = trial_claim();
    let rec = ok(l.create_claim(&c, REP, at(0)));
    let entry = advice_entry(&rec.claim);
    assert_eq!(
        entry.action,
        Action::Accept,
        "seed 001: accept the buyer's proposal"
    );
    let after = ok(l.log_advice(&c.id, rec.version, &entry, REP, at(3)));
    assert_eq!(after.version, 2);
    assert_eq!(after.claim, c, "advice does not change the claim");
    let log = ok(l.advice_log(&c.id));
    assert_eq!(log.len(), 1);
    let logged = &log[0];
    assert_eq!((logged.seq, logged.on_version), (1, 1));
    assert_eq!((logged.given_at, logged.given_by.as_str()), (at(3), REP));
    assert_eq!(logged.entry, entry);
    assert_eq!(logged.entry.amount, Some(money("2700.00")));
    assert!(!logged.entry.ruleset.hash.is_empty());
    // Replaying the decision: the claim at the logged version under the logged rules.
    let playbook = settle_rules::defaults::load_default().expect("default rules");
    assert_eq!(playbook.hash(), logged.entry.ruleset.hash);
    let again = settle_engine::advise(&playbook, &ok(l.get(&c.id)).claim).expect("advice");
    assert_eq!(again.next.action, logged.entry.action);
    let events = ok(l.events(&c.id));
    assert_eq!(events[1].action, "advice");
    assert_eq!(events[1].detail["ruleset"]["hash"], json!(playbook.hash()));
    // The claim page's one read gives what the separate reads give.
    let file = ok(l.file(&c.id));
    assert_eq!(file.record, ok(l.get(&c.id)));
    assert_eq!(file.advice, log);
    assert_eq!(file.events, events);
    // A stale version and negative amounts are refused; nothing is logged.
    assert!(matches!(
        l.log_advice(&c.id, 1, &entry, REP, at(4)),
        Err(Error::Conflict { .. })
    ));
    let negative = AdviceEntry {
        cost: Some(money("-5")),
        ..entry.clone()
    };
    assert_invalid(l.log_advice(&c.id, 2, &negative, REP, at(4)), "advice.cost");
    let mut unnamed = entry.clone();
    unnamed.ruleset.hash.clear();
    assert_invalid(
        l.log_advice(&c.id, 2, &unnamed, REP, at(4)),
        "advice.ruleset.hash",
    );
    assert_eq!(ok(l.advice_log(&c.id)).len(), 1);
    let second = ok(l.log_advice(&c.id, 2, &entry, "rep.bo", at(5)));
    assert_eq!(second.version, 3);
    assert_eq!(ok(l.advice_log(&c.id))[1].seq, 2);
    Ok(())
}

fn assign_and_list(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    for (id, rep) in [
        ("L-3", Some("rep.ana")),
        ("L-1", Some("rep.bo")),
        ("L-2", None),
        ("L-4", Some("rep.ana")),
    ] {
        ok(l.create_claim(&bare(id), REP, at(0)));
        if let Some(r) = rep {
            let rec = ok(l.assign(id, 1, Some(r), "manager", at(1)));
            assert_eq!((rec.version, rec.assigned_to.as_deref()), (2, Some(r)));
        }
    }
    let close = Outcome {
        remedy: Remedy::Discount,
        amount: money("100"),
        cost: money("100"),
        closed: day(2024, 3, 1),
        retained: true,
    };
    ok(l.close("L-4", 2, &close, REP, at(2)));
    let ids = |l: &mut Ledger, f, who: Option<&str>| -> Vec<String> {
        ok(l.list(f, who)).into_iter().map(|s| s.id).collect()
    };
    assert_eq!(ids(&mut l, Filter::All, None), ["L-1", "L-2", "L-3", "L-4"]);
    assert_eq!(ids(&mut l, Filter::Open, None), ["L-1", "L-2", "L-3"]);
    assert_eq!(ids(&mut l, Filter::Closed, None), ["L-4"]);
    assert_eq!(ids(&mut l, Filter::Open, Some("rep.ana")), ["L-3"]);
    assert_eq!(ids(&mut l, Filter::All, Some("rep.ana")), ["L-3", "L-4"]);
    assert_eq!(
        ids(&mut l, Filter::Closed, Some("rep.bo")),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&mut l, Filter::All, Some("nobody")),
        Vec::<String>::new()
    );
    let s = &ok(l.list(Filter::Open, Some("rep.bo")))[0];
    assert_eq!(s.id, "L-1");
    assert_eq!((s.version, s.status), (2, Status::Open));
    assert_eq!(s.assigned_to.as_deref(), Some("rep.bo"));
    assert_eq!(
        s.customer.as_deref(),
        Some("Electronics distributor, trial order")
    );
    assert_eq!(s.kind.as_deref(), Some("quality_defect"));
    assert_eq!(s.ask_remedy.as_deref(), Some("reship"));
    assert_eq!(s.ask_amount.as_deref(), Some("5400.00"));
    assert_eq!(s.currency.as_deref(), Some("USD"));
    assert_eq!(s.updated_at, at(1));
    // Reassigning and unassigning are audited with who it was before.
    ok(l.assign("L-1", 2, Some("rep.ana"), "manager", at(3)));
    let rec = ok(l.assign("L-1", 3, None, "manager", at(4)));
    assert_eq!(rec.assigned_to, None);
    let events = ok(l.events("L-1"));
    assert_eq!(
        events[2].detail,
        json!({ "from": "rep.bo", "to": "rep.ana" })
    );
    assert_eq!(events[3].detail, json!({ "from": "rep.ana", "to": null }));
    assert_eq!(events[3].actor, "manager");
    assert_invalid(
        l.assign("L-1", 4, Some(""), "manager", at(5)),
        "assigned_to",
    );
    Ok(())
}

fn close_records_the_outcome_and_ends_writes(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    let c = trial_claim(); // last round 2024-03-01
    ok(l.create_claim(&c, REP, at(0)));
    let outcome = Outcome {
        remedy: Remedy::Reship,
        amount: money("2700.00"),
        cost: money("2038.50"),
        closed: day(2024, 3, 4),
        retained: true,
    };
    let early = Outcome {
        closed: day(2024, 2, 29),
        ..outcome.clone()
    };
    assert_invalid(l.close(&c.id, 1, &early, REP, at(1)), "outcome.closed");
    let negative = Outcome {
        cost: money("-1"),
        ..outcome.clone()
    };
    assert_invalid(l.close(&c.id, 1, &negative, REP, at(1)), "outcome.cost");
    assert_eq!(ok(l.get(&c.id)).status, Status::Open);
    let rec = ok(l.close(&c.id, 1, &outcome, "manager", at(2)));
    assert_eq!((rec.version, rec.status), (2, Status::Closed));
    assert_eq!(rec.closed_at, Some(at(2)));
    let mut want = c.clone();
    want.outcome = Some(outcome.clone());
    assert_eq!(rec.claim, want);
    assert_eq!(ok(l.get(&c.id)), rec);
    let round = propose(Party::Buyer, day(2024, 3, 5), Remedy::Refund, "1");
    assert!(matches!(
        l.record_round(&c.id, 2, &round, REP, at(3)),
        Err(Error::Closed { .. })
    ));
    assert!(matches!(
        l.close(&c.id, 2, &outcome, REP, at(3)),
        Err(Error::Closed { .. })
    ));
    assert!(matches!(
        l.assign(&c.id, 2, Some("x"), REP, at(3)),
        Err(Error::Closed { .. })
    ));
    let entry = advice_entry(&c);
    assert!(matches!(
        l.log_advice(&c.id, 2, &entry, REP, at(3)),
        Err(Error::Closed { .. })
    ));
    let after = ok(l.get(&c.id));
    assert_eq!((after.version, after.rounds.len()), (2, 3));
    let events = ok(l.events(&c.id));
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].action, "close");
    assert_eq!(events[1].detail["outcome"]["cost"], "2038.50");
    Ok(())
}

fn closed_claims_export_as_history(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    // More than one page (200) of closed claims, among open ones.
    let n = 230;
    for i in 0..n {
        let id = format!("H-{i:04}");
        let mut c = bare(&id);
        c.rounds.push(Round::propose(
            day(2024, 2, 6),
            Party::Buyer,
            Remedy::Refund,
            money(&format!("{}.25", 100 + i)),
        ));
        ok(l.create_claim(&c, REP, at(0)));
        if i % 9 != 4 {
            let outcome = Outcome {
                remedy: Remedy::Refund,
                amount: money(&format!("{}.25", 90 + i)),
                cost: money(&format!("{}.75", 90 + i)),
                closed: day(2024, 2, 20),
                retained: i % 2 == 0,
            };
            ok(l.close(&id, 1, &outcome, REP, at(1)));
        }
    }
    let exported: Vec<ClaimRecord> = l.closed_claims().map(ok).collect();
    let want: Vec<String> = (0..n)
        .filter(|i| i % 9 != 4)
        .map(|i| format!("H-{i:04}"))
        .collect();
    let got: Vec<String> = exported.iter().map(|r| r.claim.id.clone()).collect();
    assert_eq!(got, want);
    for r in &exported {
        assert_eq!(r.status, Status::Closed);
        let o = r
            .claim
            .outcome
            .as_ref()
            .expect("a closed claim has its outcome");
        // A history line is the claim file's JSON with its outcome; it reads back the same.
        let line = settle_rules::claim_file::to_json(&r.claim).to_string();
        let back = settle_rules::parse_claim(
            &settle_rules::SourceFile::new("line", line),
            settle_rules::Format::Json,
        )
        .expect("history line");
        assert_eq!(back, r.claim);
        assert_eq!(o.amount + money("0.50"), o.cost);
    }
    Ok(())
}

fn migrations_run_once(db: &Db) -> Result<(), Failed> {
    {
        let mut l = db.open();
        assert_eq!(ok(l.schema_version()), SCHEMA_VERSION);
        ok(l.create_claim(&bare("M-1"), REP, at(0)));
    }
    let applied =
        db.raw_text("SELECT CAST(applied_at AS TEXT) FROM settle_schema WHERE version = 1");
    for _ in 0..3 {
        let mut l = db.open();
        assert_eq!(ok(l.schema_version()), SCHEMA_VERSION);
        assert_eq!(ok(l.get("M-1")).version, 1, "the data survives reopening");
    }
    assert_eq!(
        db.raw_int("SELECT COUNT(*) FROM settle_schema"),
        SCHEMA_VERSION
    );
    assert_eq!(
        db.raw_text("SELECT CAST(applied_at AS TEXT) FROM settle_schema WHERE version = 1"),
        applied,
        "migration 1 was applied once"
    );
    Ok(())
}

fn a_newer_schema_is_refused(db: &Db) -> Result<(), Failed> {
    {
        let mut l = db.open();
        ok(l.create_claim(&bare("N-1"), REP, at(0)));
    }
    db.raw("INSERT INTO settle_schema (version, name) VALUES (99, 'from the future')");
    match Ledger::open(&db.target) {
        Err(e @ Error::SchemaTooNew { found: 99, known }) => {
            assert_eq!(known, SCHEMA_VERSION);
            let msg = e.to_string();
            assert!(msg.contains("version 99") && msg.contains("newer"), "{msg}");
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
    assert_eq!(
        db.raw_int("SELECT COUNT(*) FROM claims"),
        1,
        "left untouched"
    );
    assert_eq!(db.raw_int("SELECT MAX(version) FROM settle_schema"), 99);
    Ok(())
}

fn two_writers_on_one_version_one_conflicts(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    let c = bare("W-1");
    ok(l.create_claim(&c, REP, at(0)));
    for attempt in 0..5u64 {
        let read = ok(l.get("W-1")).version;
        let gate = Arc::new(Barrier::new(2));
        let handles: Vec<_> = [Party::Buyer, Party::Seller]
            .into_iter()
            .map(|by| {
                let gate = Arc::clone(&gate);
                let target = db.target.clone();
                std::thread::spawn(move || {
                    let mut mine = ok(Ledger::open(&target));
                    let round = propose(by, day(2024, 2, 6), Remedy::Refund, &format!("{attempt}"));
                    let who = format!("rep.{}", by.as_str());
                    gate.wait();
                    let first = mine.record_round("W-1", read, &round, &who, at(1));
                    let lost = matches!(first, Err(Error::Conflict { .. }));
                    // The loser re-reads and retries until it lands.
                    let mut result = first;
                    while matches!(result, Err(Error::Conflict { .. })) {
                        let v = ok(mine.get("W-1")).version;
                        result = mine.record_round("W-1", v, &round, &who, at(2));
                    }
                    (lost, result.map(|r| r.version))
                })
            })
            .collect();
        let outcomes: Vec<(bool, settle_ledger::Result<u64>)> = handles
            .into_iter()
            .map(|h| h.join().expect("writer thread"))
            .collect();
        let conflicts = outcomes.iter().filter(|(lost, _)| *lost).count();
        assert_eq!(
            conflicts, 1,
            "exactly one of two writers on version {read} conflicts"
        );
        let mut versions: Vec<u64> = outcomes.into_iter().map(|(_, r)| ok(r)).collect();
        versions.sort();
        assert_eq!(versions, [read + 1, read + 2]);
    }
    let rec = ok(l.get("W-1"));
    assert_eq!(rec.version, 11);
    assert_eq!(rec.rounds.len(), 10, "nothing was overwritten");
    let seqs: Vec<u64> = rec.rounds.iter().map(|r| r.seq).collect();
    assert_eq!(seqs, (1..=10).collect::<Vec<u64>>());
    for attempt in 0..5 {
        let pair = &rec.rounds[attempt * 2..attempt * 2 + 2];
        let mut parties: Vec<&str> = pair.iter().map(|r| r.entry.by.as_str()).collect();
        parties.sort();
        assert_eq!(
            parties,
            ["buyer", "seller"],
            "both writers' rounds of attempt {attempt}"
        );
    }
    Ok(())
}

fn many_writers_with_retries_all_land(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    ok(l.create_claim(&bare("W-2"), REP, at(0)));
    let (writers, each) = (4, 10);
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let target = db.target.clone();
            std::thread::spawn(move || {
                let mut mine = ok(Ledger::open(&target));
                let mut conflicts = 0;
                for i in 0..each {
                    let note = format!("writer {w} write {i}");
                    loop {
                        let v = ok(mine.get("W-2")).version;
                        let round = RoundEntry {
                            note: Some(note.clone()),
                            ..plain(RoundKind::RequestEvidence, Party::Seller, day(2024, 2, 6))
                        };
                        match mine.record_round("W-2", v, &round, &format!("rep.{w}"), at(1)) {
                            Ok(_) => break,
                            Err(Error::Conflict { .. }) => conflicts += 1,
                            Err(e) => panic!("writer {w}: {e}"),
                        }
                    }
                }
                conflicts
            })
        })
        .collect();
    let conflicts: usize = handles.into_iter().map(|h| h.join().expect("writer")).sum();
    let rec = ok(l.get("W-2"));
    assert_eq!(rec.version, 1 + (writers * each) as u64);
    let mut notes: Vec<String> = rec
        .rounds
        .iter()
        .filter_map(|r| r.entry.note.clone())
        .collect();
    notes.sort();
    let mut want: Vec<String> = (0..writers)
        .flat_map(|w| (0..each).map(move |i| format!("writer {w} write {i}")))
        .collect();
    want.sort();
    assert_eq!(notes, want, "every write landed once");
    assert_eq!(ok(l.events("W-2")).len(), 1 + writers * each);
    eprintln!(
        "  {} writers x {each} writes: {conflicts} conflicts retried",
        writers
    );
    Ok(())
}

fn killed_writers_leave_the_ledger_consistent(db: &Db) -> Result<(), Failed> {
    writer::kill_test(db)
}

fn proposals_read_back_as_the_claim_file(db: &Db) -> Result<(), Failed> {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
    let l = std::cell::RefCell::new(db.open());
    let config = Config {
        cases: 24,
        rng_seed: RngSeed::Fixed(0x5e771e),
        failure_persistence: None,
        ..Config::default()
    };
    let round = (
        any::<bool>(),
        0..Remedy::ALL.len(),
        0u64..10_000_000,
        0i64..4,
        proptest::option::of("[a-z ,.'\"\\\\é]{0,12}"),
    );
    let strategy = proptest::collection::vec(round, 0..7);
    let mut runner = TestRunner::new(config);
    let case = std::cell::Cell::new(0);
    let result = runner.run(&strategy, |rounds| {
        case.set(case.get() + 1);
        let id = format!("P-{}", case.get());
        let mut l = l.borrow_mut();
        let base = bare(&id);
        let mut on = base.received;
        let mut want = base.clone();
        let fail = |e: Error| TestCaseError::fail(e.to_string());
        let mut v = l.create_claim(&base, REP, at(0)).map_err(fail)?.version;
        for (buyer, remedy, cents, gap, note) in rounds {
            on += time::Duration::days(gap);
            let by = if buyer { Party::Buyer } else { Party::Seller };
            let (remedy, amount) = (Remedy::ALL[remedy], Money::new(cents as i64, 2));
            let mut r = Round::propose(on, by, remedy, amount);
            r.note = note;
            let entry = RoundEntry {
                kind: RoundKind::Propose { remedy, amount },
                by: r.by,
                on: r.on,
                note: r.note.clone(),
            };
            v = l
                .record_round(&id, v, &entry, REP, at(1))
                .map_err(fail)?
                .version;
            want.rounds.push(r);
        }
        let got = l.get(&id).map_err(fail)?.claim;
        prop_assert_eq!(&got, &want);
        // The same claim written as a claim file with those [[round]]s reads the same.
        let file = settle_rules::claim_file::to_toml(&want);
        let read = settle_rules::parse_claim(
            &settle_rules::SourceFile::new("case.toml", file),
            settle_rules::Format::Toml,
        )
        .map_err(|d| TestCaseError::fail(d[0].short()))?;
        prop_assert_eq!(&got, &read);
        // And entering that claim whole gives the same record of it.
        let mut whole = want.clone();
        whole.id = format!("{id}-whole");
        let entered = l.create_claim(&whole, REP, at(0)).map_err(fail)?;
        prop_assert_eq!(entered.claim.rounds, got.rounds);
        Ok(())
    });
    result.map_err(|e| Failed::from(e.to_string()))
}

/// Any sequence of recorded rounds, of every kind (evidence with changes to the claim's
/// `[evidence]`), reads back as the claim file with those rounds and that evidence, and the
/// default rules give both the same advice.
fn any_rounds_read_back_with_the_claim_files_advice(db: &Db) -> Result<(), Failed> {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngSeed, TestCaseError, TestRunner};
    use settle_engine::claim::RoundKind as K;
    use settle_engine::schema::{Draft, Field, Value as V};
    let playbook =
        settle_rules::defaults::load_default().map_err(|d| Failed::from(d[0].short()))?;
    let l = std::cell::RefCell::new(db.open());
    let config = Config {
        cases: 24,
        rng_seed: RngSeed::Fixed(0x5e771e),
        failure_persistence: None,
        ..Config::default()
    };
    // Evidence fields an evidence round may change, with the values they take.
    let changes: &[(Field, &str, &[&str])] = &[
        (
            Field::EvidenceBuyerPhotos,
            "buyer_photos",
            &["true", "false"],
        ),
        (
            Field::EvidenceOurQc,
            "our_qc",
            &["passed", "failed", "missing"],
        ),
        (
            Field::EvidenceExpertOpinion,
            "expert_opinion",
            &["none", "supports_claim", "disputes_claim"],
        ),
        (
            Field::EvidenceCarrierNoted,
            "carrier_noted",
            &["true", "false"],
        ),
        (
            Field::EvidenceMisuseSigns,
            "misuse_signs",
            &["true", "false"],
        ),
    ];
    let round = (
        any::<bool>(),
        0..K::ALL.len(),
        0..Remedy::ALL.len(),
        0u64..1_000_000,
        0i64..5,
        proptest::option::of("[a-z ,.'\"é]{0,8}"),
        proptest::collection::vec((0..changes.len(), 0usize..3), 0..3),
    );
    let strategy = proptest::collection::vec(round, 0..8);
    let mut runner = TestRunner::new(config);
    let case = std::cell::Cell::new(0);
    let result = runner.run(&strategy, |rounds| {
        case.set(case.get() + 1);
        let id = format!("A-{}", case.get());
        let mut l = l.borrow_mut();
        let mut base = bare(&id);
        base.as_of = None;
        let mut on = base.received;
        let mut want = base.clone();
        let fail = |e: Error| TestCaseError::fail(e.to_string());
        let mut v = l.create_claim(&base, REP, at(0)).map_err(fail)?.version;
        for (buyer, kind, remedy, cents, gap, note, evidence) in rounds {
            on += time::Duration::days(gap);
            let by = if buyer { Party::Buyer } else { Party::Seller };
            let (remedy, amount) = (Remedy::ALL[remedy], Money::new(cents as i64, 2));
            // Any kind where the negotiation so far allows it, else a proposal.
            let mut r = Round::answer(on, by, K::ALL[kind]);
            let fits = |r: &Round| {
                let mut with = want.rounds.clone();
                with.push(r.clone());
                let refs: Vec<(usize, &Round)> = with.iter().enumerate().collect();
                Draft::check_rounds(&refs).is_empty()
            };
            if K::ALL[kind] == K::Propose || !fits(&r) {
                r = Round::propose(on, by, remedy, amount);
            }
            if !fits(&r) {
                // Nothing follows an acceptance.
                break;
            }
            r.note = note;
            let mut map = Map::new();
            if r.kind() == K::Evidence {
                for (f, i) in evidence {
                    let (field, key, values) = changes[f];
                    let text = values[i % values.len()];
                    let value = match text {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        t => Value::String(t.to_string()),
                    };
                    let set = match &value {
                        Value::Bool(b) => V::Bool(*b),
                        Value::String(t) => match field.kind() {
                            Some(settle_engine::schema::Kind::Vocab(names)) => {
                                V::Sym(names.iter().position(|n| n == t).unwrap_or(0) as u8)
                            }
                            _ => V::Absent,
                        },
                        _ => V::Absent,
                    };
                    prop_assert!(want.set(field, set));
                    map.insert(key.to_string(), value);
                }
            }
            let entry = RoundEntry {
                kind: match r.kind() {
                    K::Propose => RoundKind::Propose { remedy, amount },
                    K::Accept => RoundKind::Accept,
                    K::Refuse => RoundKind::Refuse,
                    K::Withdraw => RoundKind::Withdraw,
                    K::RequestEvidence => RoundKind::RequestEvidence,
                    K::Evidence => RoundKind::Evidence { changes: map },
                },
                by: r.by,
                on: r.on,
                note: r.note.clone(),
            };
            v = l
                .record_round(&id, v, &entry, REP, at(1))
                .map_err(fail)?
                .version;
            want.rounds.push(r);
        }
        let got = l.get(&id).map_err(fail)?.claim;
        prop_assert_eq!(&got, &want);
        let file = settle_rules::claim_file::to_toml(&want);
        let read = settle_rules::parse_claim(
            &settle_rules::SourceFile::new("case.toml", file),
            settle_rules::Format::Toml,
        )
        .map_err(|d| TestCaseError::fail(d[0].short()))?;
        prop_assert_eq!(&got, &read);
        // The same advice, on the same decision day.
        let day = on + time::Duration::days(3);
        let (mut a, mut b) = (got.clone(), read.clone());
        a.as_of = Some(day);
        b.as_of = Some(day);
        let (x, y) = (
            settle_engine::advise(&playbook, &a),
            settle_engine::advise(&playbook, &b),
        );
        prop_assert_eq!(x, y);
        Ok(())
    });
    result.map_err(|e| Failed::from(e.to_string()))
}

fn acknowledging(db: &Db) -> Result<(), Failed> {
    let mut l = db.open();
    let c = bare("ACK-1");
    let v = ok(l.create_claim(&c, REP, at(0))).version;
    // Before the claim was received: refused, nothing written.
    let before = snapshot(&mut l, "ACK-1");
    assert_invalid(
        l.acknowledge("ACK-1", v, day(2020, 1, 1), REP, at(1)),
        "acknowledged_on",
    );
    assert_eq!(snapshot(&mut l, "ACK-1"), before);
    let r = ok(l.acknowledge("ACK-1", v, c.received, REP, at(1)));
    assert_eq!((r.version, r.acknowledged_on), (v + 1, Some(c.received)));
    assert_invalid(
        l.acknowledge("ACK-1", r.version, c.received, REP, at(2)),
        "acknowledged_on",
    );
    assert!(matches!(
        l.acknowledge("ACK-1", v, c.received, REP, at(2)),
        Err(Error::Conflict { .. })
    ));
    let events = ok(l.events("ACK-1"));
    assert_eq!(
        events.last().map(|e| e.action.as_str()),
        Some("acknowledge")
    );
    let list = ok(l.list(Filter::Open, None));
    assert_eq!(list[0].acknowledged_on, Some(c.received));
    Ok(())
}

fn lists_carry_rounds(db: &Db) -> Result<(), Failed> {
    use settle_ledger::RoundBrief;
    let mut l = db.open();
    for c in examples() {
        ok(l.create_claim(&c, REP, at(0)));
    }
    ok(l.assign("EX-001-TRIAL", 1, Some("rep.bo"), REP, at(1)));
    for (filter, who) in [
        (Filter::Open, None),
        (Filter::All, None),
        (Filter::Open, Some("rep.bo")),
        (Filter::All, Some("rep.bo")),
    ] {
        for s in ok(l.list(filter, who)) {
            let r = ok(l.get(&s.id));
            let want: Vec<RoundBrief> = r
                .claim
                .rounds
                .iter()
                .map(|x| RoundBrief {
                    by: x.by,
                    kind: x.kind(),
                    on: x.on,
                })
                .collect();
            assert_eq!(s.rounds, want, "{}", s.id);
            assert_eq!(s.received, Some(r.claim.received));
            assert_eq!(s.delivered, r.claim.order.delivered);
            assert_eq!(s.claim_days, r.claim.order.claim_days);
        }
    }
    assert_eq!(ok(l.list(Filter::Closed, None)).len(), 0);
    Ok(())
}

fn users_and_sessions(db: &Db) -> Result<(), Failed> {
    use settle_ledger::Role;
    let mut l = db.open();
    let ana = ok(l.add_user("rep.ana", Role::Rep, "$argon2id$v=19$fake", "admin", at(0)));
    assert_eq!((ana.role, ana.disabled), (Role::Rep, false));
    ok(l.add_user(
        "boss",
        Role::Manager,
        "$argon2id$v=19$other",
        "admin",
        at(1),
    ));
    // A taken name, a name that is not plain, an empty hash: refused, nothing written.
    for (name, hash) in [
        ("rep.ana", "h"),
        ("'; DROP TABLE users; --", "h"),
        ("x", ""),
    ] {
        match l.add_user(name, Role::Analyst, hash, "admin", at(2)) {
            Err(Error::Invalid { field, .. }) => assert!(field.starts_with("user."), "{field}"),
            other => panic!("{name}: {other:?}"),
        }
    }
    let names: Vec<String> = ok(l.users()).into_iter().map(|u| u.name).collect();
    assert_eq!(names, ["boss", "rep.ana"]);
    let (u, hash) = ok(l.credentials("rep.ana")).expect("the user");
    assert_eq!(
        (u.name.as_str(), hash.as_str()),
        ("rep.ana", "$argon2id$v=19$fake")
    );
    assert!(ok(l.credentials("nobody")).is_none());
    // Sessions: live until they expire, gone when ended or when the user is disabled.
    ok(l.create_session("hash-1", "rep.ana", "csrf-1", at(10), at(70)));
    ok(l.create_session("hash-2", "rep.ana", "csrf-2", at(10), at(70)));
    let s = ok(l.session("hash-1", at(20))).expect("a live session");
    assert_eq!(
        (s.user.name.as_str(), s.csrf.as_str()),
        ("rep.ana", "csrf-1")
    );
    assert!(ok(l.session("hash-1", at(70))).is_none(), "expired");
    assert!(ok(l.session("no-such", at(20))).is_none());
    ok(l.end_session("hash-1"));
    assert!(ok(l.session("hash-1", at(20))).is_none(), "ended");
    ok(l.set_user_lang("rep.ana", "zh-CN"));
    let u = ok(l.set_user_disabled("rep.ana", true, "admin", at(30)));
    assert!(u.disabled);
    assert_eq!(u.lang.as_deref(), Some("zh-CN"));
    assert!(
        ok(l.session("hash-2", at(31))).is_none(),
        "disabled users lose their sessions"
    );
    assert!(
        l.create_session("hash-3", "rep.ana", "c", at(31), at(90))
            .is_err()
    );
    assert!(
        l.create_session("hash-3", "nobody", "c", at(31), at(90))
            .is_err()
    );
    assert!(
        l.set_user_disabled("nobody", true, "admin", at(32))
            .is_err()
    );
    // Who did it is in the audit log, never the hash.
    let count = |sql: &str| db.raw_int(sql);
    assert_eq!(
        count("SELECT COUNT(*) FROM events WHERE actor = 'admin' AND action = 'user_add'"),
        2
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM events WHERE actor = 'admin' AND action = 'user_disable'"),
        1
    );
    assert_eq!(
        count("SELECT COUNT(*) FROM events WHERE detail LIKE '%argon2%'"),
        0
    );
    Ok(())
}

fn approvals_are_asked_once_and_decided_once(db: &Db) -> Result<(), Failed> {
    use settle_ledger::{ApprovalRequest, ApprovalStatus};
    let mut l = db.open();
    let c = trial_claim();
    let rec = ok(l.create_claim(&c, REP, at(0)));
    let request = ApprovalRequest {
        action: "offer".into(),
        remedy: Remedy::Refund,
        amount: money("30000.00"),
        cost: money("30000.00"),
        limit: money("25000.00"),
        approver: "sales manager".into(),
        rule: "approval-limit".into(),
    };
    // A stale version conflicts and writes nothing.
    assert!(matches!(
        l.request_approval(&c.id, rec.version + 5, &request, REP, at(1)),
        Err(Error::Conflict { .. })
    ));
    let (rec, a) = ok(l.request_approval(&c.id, rec.version, &request, REP, at(1)));
    assert_eq!(
        (rec.version, a.on_version, a.status),
        (2, 2, ApprovalStatus::Pending)
    );
    assert_eq!(a.request, request);
    // One pending per claim.
    assert!(matches!(
        l.request_approval(&c.id, rec.version, &request, REP, at(2)),
        Err(Error::Invalid { .. })
    ));
    let (pending, decided) = ok(l.approvals(10));
    assert_eq!((pending.len(), decided.len()), (1, 0));
    let d = ok(l.decide_approval(a.id, true, "ok; a good customer", "boss", at(3)));
    assert_eq!(d.status, ApprovalStatus::Approved);
    assert_eq!(d.decided_by.as_deref(), Some("boss"));
    assert_eq!(d.comment.as_deref(), Some("ok; a good customer"));
    // Decided once.
    assert!(l.decide_approval(a.id, false, "no", "boss", at(4)).is_err());
    assert!(
        l.decide_approval(a.id + 100, false, "no", "boss", at(4))
            .is_err()
    );
    assert_eq!(ok(l.get(&c.id)).version, 3);
    let events: Vec<String> = ok(l.events(&c.id)).into_iter().map(|e| e.action).collect();
    assert_eq!(events, ["create", "approval_request", "approval_decision"]);
    let (pending, decided) = ok(l.approvals(10));
    assert_eq!((pending.len(), decided.len()), (0, 1));
    assert_eq!(ok(l.claim_approvals(&c.id)), vec![d]);
    // The claim page's one read carries them too.
    assert_eq!(ok(l.file(&c.id)).approvals, ok(l.claim_approvals(&c.id)));
    Ok(())
}
