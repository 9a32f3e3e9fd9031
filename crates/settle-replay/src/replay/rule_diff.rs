//! The rules and parameters that differ between two rule sets (from what each rule says, so
//! layout, comments and order do not count), and what each difference moved in a replay.

use super::report::{Amount, Report, RuleChange};
use serde::Serialize;
use settle_engine::{Money, Playbook};

/// The rules and parameters that differ between two rule sets, by id.
pub fn rule_changes(baseline: &Playbook, new: &Playbook) -> Vec<RuleChange> {
    let (a, b) = (baseline.definitions(), new.definitions());
    let mut out = Vec::new();
    for (id, d) in &a {
        match b.get(id) {
            None => out.push(RuleChange {
                id: id.clone(),
                kind: d.kind.as_str().into(),
                change: "removed".into(),
                baseline: Some(d.text.clone()),
                new: None,
            }),
            Some(e) if e != d => out.push(RuleChange {
                id: id.clone(),
                kind: d.kind.as_str().into(),
                change: "changed".into(),
                baseline: Some(d.text.clone()),
                new: Some(e.text.clone()),
            }),
            Some(_) => {}
        }
    }
    for (id, e) in &b {
        if !a.contains_key(id) {
            out.push(RuleChange {
                id: id.clone(),
                kind: e.kind.as_str().into(),
                change: "added".into(),
                baseline: None,
                new: Some(e.text.clone()),
            });
        }
    }
    out.sort_by(|x, y| x.id.cmp(&y.id));
    out
}

/// What one rule change moved in a replay: the claims whose advice changed because of it (it
/// fired on one side only, fired and was redefined, or is a changed parameter), the money those
/// claims moved per currency, and a few of them.
#[derive(Debug, Clone, Serialize)]
pub struct Impact {
    /// The rule's or parameter's id.
    pub id: String,
    /// Claims whose advice it changed.
    pub claims: u64,
    /// Change in projected cost, per currency (saturating sums).
    pub change: Vec<Amount>,
    /// Up to three of those claims, by id.
    pub samples: Vec<String>,
}

/// The impact of each rule change on a replay, in the order of the changes. A claim with
/// several causes counts under each.
pub fn impacts(changes: &[RuleChange], report: &Report) -> Vec<Impact> {
    changes
        .iter()
        .map(|c| {
            let mut claims = 0;
            let mut money: std::collections::BTreeMap<String, Money> = Default::default();
            let mut samples = Vec::new();
            for cause in report
                .by_cause
                .iter()
                .filter(|x| x.cause.get(1..) == Some(c.id.as_str()))
            {
                claims += cause.moved.claims;
                for a in &cause.moved.change {
                    let sum = money.entry(a.currency.clone()).or_default();
                    *sum = sum.saturating_add(a.amount);
                }
                samples.extend(cause.moved.samples.iter().cloned());
            }
            samples.sort();
            samples.dedup();
            samples.truncate(3);
            Impact {
                id: c.id.clone(),
                claims,
                change: money
                    .into_iter()
                    .map(|(currency, amount)| Amount { currency, amount })
                    .collect(),
                samples,
            }
        })
        .collect()
}
