//! The rules and parameters that differ between two rule sets (from what each rule says, so
//! layout, comments and order do not count), and what each difference moved in a replay.

use super::report::{Amount, PartChange, Report, RuleChange};
use serde::Serialize;
use settle_engine::playbook::Definition;
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
                differences: differences(Some(d), None),
            }),
            Some(e) if e != d => out.push(RuleChange {
                id: id.clone(),
                kind: d.kind.as_str().into(),
                change: "changed".into(),
                baseline: Some(d.text.clone()),
                new: Some(e.text.clone()),
                differences: differences(Some(d), Some(e)),
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
                differences: differences(None, Some(e)),
            });
        }
    }
    out.sort_by(|x, y| x.id.cmp(&y.id));
    out
}

/// The parts that differ between two definitions of a rule (either may be absent), in the
/// order the baseline gives them, then the parts only the new one has.
fn differences(a: Option<&Definition>, b: Option<&Definition>) -> Vec<PartChange> {
    let empty = Vec::new();
    let (pa, pb) = (
        a.map_or(&empty, |d| &d.parts),
        b.map_or(&empty, |d| &d.parts),
    );
    let get = |parts: &[(String, String)], k: &str| {
        parts.iter().find(|(p, _)| p == k).map(|(_, v)| v.clone())
    };
    let mut keys: Vec<&String> = pa.iter().map(|(k, _)| k).collect();
    keys.extend(
        pb.iter()
            .map(|(k, _)| k)
            .filter(|k| !pa.iter().any(|(p, _)| p == *k)),
    );
    keys.into_iter()
        .filter_map(|k| {
            let (x, y) = (get(pa, k), get(pb, k));
            (x != y).then(|| PartChange {
                part: k.clone(),
                baseline: x,
                new: y,
            })
        })
        .collect()
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
