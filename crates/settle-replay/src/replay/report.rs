//! The replay report's types: what `settle replay --format json` serializes.

use rust_decimal::Decimal;
use serde::Serialize;
use settle_engine::{Money, Playbook};
use std::collections::BTreeMap;

/// A rule set as the report names it.
#[derive(Debug, Clone, Serialize)]
pub struct RuleSetId {
    /// The rule set's `name`.
    pub name: String,
    /// The rule set's `version`.
    pub version: String,
    /// Content hash over the rule files, to tell two edits of the same version apart.
    pub hash: String,
}

impl RuleSetId {
    pub(crate) fn of(p: &Playbook) -> RuleSetId {
        RuleSetId {
            name: p.name().to_string(),
            version: p.version().to_string(),
            hash: p.hash().to_string(),
        }
    }
}

/// Totals of claims read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    /// Records read.
    pub read: u64,
    /// Records advised under both rule sets.
    pub evaluated: u64,
    /// Records that are not valid claims (`read = evaluated + skipped`).
    pub skipped: u64,
    /// Claims whose advice changed (move, option, amount or cost).
    pub changed: u64,
    /// Skipped records by reason (`json`, `csv`, `claim`, `encoding`, `overflow`).
    pub skipped_by_reason: BTreeMap<String, u64>,
    /// The first skipped records, with line and reason.
    pub skipped_records: Vec<SkippedRecord>,
}

/// A skipped record.
#[derive(Debug, Clone, Serialize)]
pub struct SkippedRecord {
    /// The 1-based line the record starts on.
    pub line: u64,
    /// The short reason used to group it (`json`, `csv`, `claim`, ...).
    pub reason: String,
    /// The full message.
    pub message: String,
}

/// Direct and projected (expected) cost of the advice.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Costs {
    /// Direct cost of the advised proposals to the seller.
    pub direct: Money,
    /// Expected total cost of the advised moves, as the decision tree projects it.
    pub expected: Money,
}

/// Costs in one currency, overall or for one kind of claim.
#[derive(Debug, Clone, Serialize)]
pub struct CostLine {
    /// The claims' currency; money in different currencies is never added up.
    pub currency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    /// The kind of problem (`defect`, `shortage`, ...) for a `by_kind` line; absent overall.
    pub kind: Option<String>,
    /// Claims counted in this line.
    pub claims: u64,
    /// Costs under the baseline rule set.
    pub baseline: Costs,
    /// Costs under the new rule set.
    pub new: Costs,
    /// new − baseline.
    pub change: Costs,
    /// Change in projected cost as a percentage of the baseline's (null when the baseline is 0).
    pub change_percent: Option<Decimal>,
}

/// Money in one currency.
#[derive(Debug, Clone, Serialize)]
pub struct Amount {
    /// ISO 4217 currency code.
    pub currency: String,
    /// The amount, exact.
    pub amount: Money,
}

/// Claims whose advice moved, and the money that moved with them.
#[derive(Debug, Clone, Serialize)]
pub struct Moved {
    /// Claims whose advice changed.
    pub claims: u64,
    /// Change in projected cost, per currency.
    pub change: Vec<Amount>,
    /// The first claims, in history order.
    pub samples: Vec<String>,
}

/// One cell of the transition matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Transition {
    /// The move under the baseline (`offer:credit`, `request_evidence`).
    pub from: String,
    /// The move under the new rule set.
    pub to: String,
    #[serde(flatten)]
    /// The claims that made this move and the money they moved.
    pub moved: Moved,
}

/// How often a rule fired under one rule set.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    /// The rule's id.
    pub id: String,
    /// The kind of rule (`responsibility`, `cost adjustment`, `escalation`, ...).
    pub kind: String,
    /// Where the rule is written, `file:line`.
    pub at: String,
    /// Claims on which the rule fired.
    pub fired: u64,
}

/// Rule firing under both rule sets.
#[derive(Debug, Clone, Serialize)]
pub struct Rules {
    /// Firing counts under the baseline, by rule id.
    pub baseline: Vec<RuleCount>,
    /// Firing counts under the new rule set, by rule id.
    pub new: Vec<RuleCount>,
    /// Rules that never fired on this history.
    pub dead_baseline: Vec<String>,
    /// Rules of the new rule set that never fired on this history.
    pub dead_new: Vec<String>,
}

/// One bin of a reliability table.
#[derive(Debug, Clone, Serialize)]
pub struct Bin {
    /// The bin's range of predicted chances, e.g. `0.7-0.8`.
    pub range: String,
    /// Offers (of ours, answered by the buyer) whose predicted chance falls in this bin.
    pub offers: u64,
    /// Mean predicted chance of acceptance.
    pub predicted: Decimal,
    /// Share of those offers the buyer accepted.
    pub observed: Decimal,
}

/// The advice against what really happened, for one rule set.
#[derive(Debug, Clone, Serialize)]
pub struct Against {
    /// Claims whose real remedy is the advised option.
    pub matched: u64,
    /// `matched` as a share of claims with a known outcome (null when there are none).
    pub match_rate: Option<Decimal>,
    /// Mean squared error of the predicted acceptance (lower is better), over every offer of
    /// ours the buyer answered in the history's rounds (predicted as the advice would have seen
    /// it then).
    pub brier: Option<Decimal>,
    /// Offers the Brier score and the reliability table are computed over.
    pub offers_observed: u64,
    /// Predicted chance of acceptance against what buyers did, in tenths.
    pub reliability: Vec<Bin>,
    /// Real cost − the advice's direct cost, per currency: what following the advice would have saved.
    pub saved: Vec<Amount>,
}

/// Customers kept and lost, by advised move.
#[derive(Debug, Clone, Serialize)]
pub struct Retention {
    /// `baseline` or `new`.
    pub side: String,
    #[serde(rename = "move")]
    /// The advised move (`accept:credit`, `reject`, ...).
    pub move_: String,
    /// Claims whose outcome records the customer as retained.
    pub retained: u64,
    /// Claims whose outcome records the customer as lost.
    pub lost: u64,
}

/// Where real outcomes are known.
#[derive(Debug, Clone, Serialize)]
pub struct Outcomes {
    /// Claims with a recorded outcome.
    pub claims: u64,
    /// The baseline's advice against those outcomes.
    pub baseline: Against,
    /// The new rule set's advice against those outcomes.
    pub new: Against,
    /// Customers kept and lost, by side and advised move.
    pub retention: Vec<Retention>,
}

/// One of the largest changes.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The 1-based line of the claim in the history.
    pub line: u64,
    /// The claim's id.
    pub claim: String,
    /// The claim's currency.
    pub currency: String,
    /// The move under the baseline.
    pub from: String,
    /// The move under the new rule set.
    pub to: String,
    /// Expected cost under the baseline.
    pub baseline_expected: Money,
    /// Expected cost under the new rule set.
    pub new_expected: Money,
    /// `new_expected − baseline_expected`.
    pub change: Money,
    /// Rules that fired under one rule set and not the other (`+id` new only, `-id` baseline only).
    pub rules: Vec<String>,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The history file as named on the command line.
    pub history: String,
    /// The baseline rule set.
    pub baseline_rules: RuleSetId,
    /// The new rule set.
    pub new_rules: RuleSetId,
    /// Records read, advised, skipped and changed.
    pub totals: Totals,
    /// Costs per currency.
    pub cost: Vec<CostLine>,
    /// Costs per currency and kind of problem.
    pub by_kind: Vec<CostLine>,
    /// Baseline move → new move, for claims whose advice changed.
    pub transitions: Vec<Transition>,
    /// How often each rule fired under each rule set.
    pub rules: Rules,
    /// The advice against real outcomes, where the history records them.
    pub outcomes: Outcomes,
    /// The claims whose expected cost changed most in each currency: currency by currency (in
    /// code order), each one's largest first (amounts in different currencies are not compared).
    pub largest_changes: Vec<Change>,
    /// Rules and parameters that differ between the two rule sets.
    pub rule_changes: Vec<RuleChange>,
    /// For each cause (as in `largest_changes`), the claims whose advice it changed and the
    /// money moved. A claim with several causes counts under each, so the rows do not add up.
    pub by_cause: Vec<Cause>,
}

impl Rules {
    /// Every rule of either rule set, by id, with how often it fired under each (`None` where
    /// the rule set has no such rule).
    pub fn side_by_side(&self) -> Vec<(&str, &str, Option<u64>, Option<u64>)> {
        let mut ids: Vec<&str> = self
            .baseline
            .iter()
            .chain(&self.new)
            .map(|x| x.id.as_str())
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids.into_iter()
            .map(|id| {
                let b = self.baseline.iter().find(|x| x.id == id);
                let n = self.new.iter().find(|x| x.id == id);
                let kind = b.or(n).map_or("", |x| x.kind.as_str());
                (id, kind, b.map(|x| x.fired), n.map(|x| x.fired))
            })
            .collect()
    }
}

/// The replay impact of one cause.
#[derive(Debug, Clone, Serialize)]
pub struct Cause {
    /// `+id` (fired only under the new rules), `-id` (only under the baseline) or `~id` (fired
    /// under both but defined differently, or a parameter that changed).
    pub cause: String,
    #[serde(flatten)]
    /// The claims it changed and the money they moved.
    pub moved: Moved,
}

/// A rule or parameter that differs between the baseline and the new rule set.
#[derive(Debug, Clone, Serialize)]
pub struct RuleChange {
    /// The rule's or parameter's id.
    pub id: String,
    /// The kind of rule, or `parameter`.
    pub kind: String,
    /// `added`, `removed` or `changed`.
    pub change: String,
    /// What it says under each rule set (null where it does not exist).
    pub baseline: Option<String>,
    /// What it says under the new rule set (null where it does not exist).
    pub new: Option<String>,
    /// What it says part by part, only the parts that differ: for a changed rule those whose
    /// value changed; for an added or removed one, all of them.
    pub differences: Vec<PartChange>,
}

/// A part of a rule (a test of its condition, a share it sets, a parameter's value) that
/// differs between the rule sets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartChange {
    /// The part: `when share.seller`, `seller`, `blocks`, `sets costs.freight`, `value`, ...
    pub part: String,
    /// What it says under the baseline (null where the part is absent).
    pub baseline: Option<String>,
    /// What it says under the new rule set (null where the part is absent).
    pub new: Option<String>,
}
