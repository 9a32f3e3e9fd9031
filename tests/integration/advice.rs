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

/// Once one side accepts the other's standing proposal the claim is settled: the advice is to
/// carry out what was agreed (seed 002, step 7), at that deal's own cost, and never a new
/// offer or a rejection. Before, `claim next` on a claim the buyer had just settled advised
/// rejecting it.
#[test]
fn a_settled_claim_is_executed_on_the_agreed_terms() {
    use settle_engine::claim::{Party, Remedy, Round, RoundKind};
    let p = default_playbook();

    // We accept the buyer's own proposal (seed 001's trial order).
    let c = claim("examples/claims/trial-order-failures.toml");
    let before = advise(&p, &c).unwrap();
    assert_eq!(before.next.action, Action::Accept);
    let on = c.rounds.last().unwrap().on;
    let mut ours = c.clone();
    ours.rounds
        .push(Round::answer(on, Party::Seller, RoundKind::Accept));
    let a = advise(&p, &ours).unwrap();
    assert_eq!(a.next.action, Action::Execute);
    assert!(a.next.accepts_proposal, "we accepted the buyer's proposal");
    let agreed = a.next.proposal.as_ref().unwrap();
    let proposed = before.next.proposal.as_ref().unwrap();
    assert_eq!(
        (agreed.remedy, agreed.amount),
        (proposed.remedy, proposed.amount)
    );
    assert_eq!(agreed.cost, proposed.cost, "the deal's direct cost");
    assert_eq!(a.next.expected_cost, Some(agreed.cost));
    assert!(a.plan.is_empty(), "nothing left to plan");

    // The buyer accepts an offer of ours, whatever the advice would now say.
    let c = claim("examples/claims/tiles-transit-damage.toml");
    let mut theirs = c.clone();
    let day = c.decision_date();
    theirs.rounds.push(Round::propose(
        day,
        Party::Seller,
        Remedy::Discount,
        "1200.00".parse().unwrap(),
    ));
    theirs
        .rounds
        .push(Round::answer(day, Party::Buyer, RoundKind::Accept));
    let a = advise(&p, &theirs).unwrap();
    assert_eq!(a.next.action, Action::Execute);
    assert!(!a.next.accepts_proposal, "the buyer accepted ours");
    let agreed = a.next.proposal.as_ref().unwrap();
    assert_eq!(agreed.remedy, Remedy::Discount);
    assert_eq!(agreed.cost, "1200.00".parse().unwrap());
}
