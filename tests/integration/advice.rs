//! Advice on the example claims (`tests/data/advice.toml`), and the advice's own invariants
//! on every example.

use crate::common::{claim, default_playbook, root};
use rust_decimal::Decimal;
use settle_engine::{Action, advise};

fn strings(v: Option<&toml::Value>) -> Vec<String> {
    v.and_then(|x| x.as_array())
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn advice_on_the_example_claims_is_what_the_seeds_teach() {
    let p = default_playbook();
    let text = std::fs::read_to_string(root().join("tests/data/advice.toml")).unwrap();
    let data: toml::Table = toml::from_str(&text).unwrap();
    let cases = data["case"].as_array().unwrap();
    assert!(cases.len() >= 9);
    for case in cases {
        let path = case["claim"].as_str().unwrap();
        let why = case["why"].as_str().unwrap();
        let c = claim(path);
        let a = advise(&p, &c).unwrap();
        let next = &a.next;
        let ctx = format!("{path} ({why}): got {:?} {:?}", next.action, next.proposal);
        assert!(
            strings(case.get("action")).contains(&next.action.as_str().to_string()),
            "action: {ctx}"
        );
        if let Some(options) = case.get("option") {
            let got = next
                .proposal
                .as_ref()
                .map(|x| x.remedy.as_str().to_string())
                .unwrap_or_default();
            assert!(strings(Some(options)).contains(&got), "option: {ctx}");
        }
        for never in strings(case.get("never")) {
            assert_ne!(
                next.proposal.as_ref().map(|x| x.remedy.as_str()),
                Some(never.as_str()),
                "never {never}: {ctx}"
            );
        }
        if let Some(rel) = case.get("amount").and_then(|v| v.as_str()) {
            let amount = next.proposal.as_ref().map(|x| x.amount).unwrap_or_default();
            let ask = c.ask.amount;
            let ok = match rel {
                "below_ask" => amount < ask,
                "well_below_ask" => amount <= ask * Decimal::new(6, 1),
                "equal_ask" => amount == ask,
                other => panic!("unknown amount relation {other}"),
            };
            assert!(ok, "amount {rel}: {amount} vs ask {ask}: {ctx}");
        }
        if let Some(back) = case.get("goods_back").and_then(|v| v.as_bool()) {
            assert_eq!(
                next.proposal.as_ref().map(|x| x.goods_back),
                Some(back),
                "goods_back: {ctx}"
            );
        }
        if let Some(rule) = case.get("because").and_then(|v| v.as_str()) {
            let ids: Vec<&str> = next
                .because
                .iter()
                .map(|r| p.rule(*r).id.as_str())
                .collect();
            assert!(ids.contains(&rule), "because {rule}: {ids:?}: {ctx}");
        }
        if let Some(who) = case.get("approver").and_then(|v| v.as_str()) {
            assert_eq!(next.approver.as_deref(), Some(who), "approver: {ctx}");
        }
    }
}

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
