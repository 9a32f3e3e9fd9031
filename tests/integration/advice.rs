//! The advice's own invariants on every example claim, and behaviours a rule test cannot state
//! (the advice on the example claims themselves is in `rules/default/tests/seeds.toml`).

use crate::common::{claim, default_playbook};
use settle_engine::{Action, advise};

#[test]
fn a_request_for_evidence_says_which_documents_and_what_the_advice_would_become() {
    let p = default_playbook();
    let a = advise(&p, &claim("examples/claims/fasteners-short-shipment.toml")).unwrap();
    assert_eq!(a.next.action, Action::RequestEvidence);
    assert!(
        a.next.documents.iter().any(|d| d.contains("photos")),
        "{:?}",
        a.next.documents
    );
    let with = a
        .next
        .with_evidence
        .as_ref()
        .expect("the advice with the evidence");
    assert_ne!(with.action, Action::RequestEvidence);
    assert!(a.responsibility.unclear);
}

#[test]
fn every_example_advice_keeps_its_invariants() {
    let p = default_playbook();
    for path in crate::common::files("examples/claims", &[".toml", ".json"]) {
        let c = claim(&path);
        let a = advise(&p, &c).unwrap();
        crate::scoring::assert_invariants(&p, &c, &a);
    }
}

#[test]
fn the_seed_001_window_closes_once_the_proposal_is_countered() {
    // Drop the buyer's 50% proposal: with only our counter on the table, `accept` is gone and
    // settling costs more than accepting did.
    let p = default_playbook();
    let c = claim("examples/claims/trial-order-failures.toml");
    let with = advise(&p, &c).unwrap();
    let mut countered = c.clone();
    countered.rounds.pop();
    let without = advise(&p, &countered).unwrap();
    assert_eq!(with.next.action, Action::Accept);
    assert_ne!(without.next.action, Action::Accept);
    assert!(without.next.expected_cost.unwrap() > with.next.expected_cost.unwrap());
}
