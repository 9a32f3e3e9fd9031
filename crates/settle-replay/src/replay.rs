//! Replays a history under a baseline and a new rule set and reports what would change, in
//! money and in counts, rule by rule.
//!
//! Records are read in batches; each batch is parsed and advised in parallel, and the results
//! are folded into the report in input order, so the report is the same whatever the number of
//! threads. Sums are exact decimals; every list that is cut (samples, largest changes) is cut
//! by a total order that ends in the line number.

use crate::history::{self, BadRecord, HistoryReader, RawRecord};
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use settle_engine::claim::{ProblemKind, Remedy};
use settle_engine::playbook::{RuleKind, RuleRef};
use settle_engine::{Action, Claim, Money, Playbook};
use settle_engine::{Move, Prepared, advise_move};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What one rule set advised on one claim, reduced to what a replay compares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// The move advised.
    pub action: Action,
    /// The option proposed (or rejected), if the move names one.
    pub option: Option<Remedy>,
    /// The proposal's value to the buyer (0 without a proposal).
    pub amount: Money,
    /// The proposal's direct cost to the seller (0 without a proposal).
    pub cost: Money,
    /// The move's expected total cost (0 when the move has none, e.g. a request for evidence).
    pub expected: Money,
    /// The chance the buyer accepts the proposal, when the model gives one.
    pub acceptance: Option<Decimal>,
    /// The rules that fired.
    pub fired: Vec<RuleRef>,
}

impl Decision {
    /// Reduces a move (see [`settle_engine::advice::advise_move`]).
    pub fn of(m: Move) -> Decision {
        let prop = m.next.proposal.as_ref();
        Decision {
            action: m.next.action,
            option: prop.map(|p| p.remedy),
            amount: prop.map_or(Decimal::ZERO, |p| p.amount),
            cost: prop.map_or(Decimal::ZERO, |p| p.cost),
            expected: m.next.expected_cost.unwrap_or(Decimal::ZERO),
            acceptance: m.acceptance,
            fired: m.fired,
        }
    }

    /// The move as a transition-matrix label: `offer:credit`, `request_evidence`.
    pub fn label(&self) -> &'static str {
        // Every label, made once: move × (option or none).
        static LABELS: OnceLock<Vec<String>> = OnceLock::new();
        const NONE: usize = Remedy::ALL.len();
        let labels = LABELS.get_or_init(|| {
            Action::ALL
                .iter()
                .flat_map(|a| {
                    Remedy::ALL
                        .iter()
                        .map(move |o| format!("{}:{}", a.as_str(), o.as_str()))
                        .chain(std::iter::once(a.as_str().to_string()))
                })
                .collect()
        });
        let option = match self.option {
            Some(o) if self.action != Action::Reject => o.index(),
            _ => NONE,
        };
        &labels[self.action.index() * (NONE + 1) + option]
    }

    fn same_as(&self, other: &Decision) -> bool {
        self.action == other.action
            && self.option == other.option
            && self.amount == other.amount
            && self.cost == other.cost
    }
}

/// One claim, advised under both rule sets.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The 1-based line of the record in the history.
    pub line: u64,
    /// The claim as parsed.
    pub claim: Claim,
    /// What the baseline rule set advised.
    pub baseline: Decision,
    /// What the new rule set advised.
    pub new: Decision,
}

impl Evaluation {
    /// Whether the advice changed (move, option, amount or cost).
    pub fn changed(&self) -> bool {
        !self.baseline.same_as(&self.new)
    }

    /// Change in projected (expected) cost: new − baseline.
    pub fn delta(&self) -> Money {
        self.new.expected.saturating_sub(self.baseline.expected)
    }
}

/// The result of one record.
#[derive(Debug, Clone)]
pub enum Evaluated {
    /// The record is a valid claim and was advised under both rule sets.
    Done(Box<Evaluation>),
    /// The record is not a valid claim; it is counted and reported, never dropped.
    Skipped(BadRecord),
}

/// Parses and advises one record under both rule sets.
pub fn evaluate(raw: &RawRecord, baseline: &Playbook, new: &Playbook) -> Evaluated {
    let claim = match history::parse(raw) {
        Ok(c) => c,
        Err(bad) => return Evaluated::Skipped(bad),
    };
    // The claim's rule-independent figures, worked out once for both rule sets.
    let prepared = Prepared::new(&claim);
    let both =
        advise_move(baseline, &prepared).and_then(|a| advise_move(new, &prepared).map(|b| (a, b)));
    match both {
        Ok((a, b)) => Evaluated::Done(Box::new(Evaluation {
            line: raw.line(),
            baseline: Decision::of(a),
            new: Decision::of(b),
            claim,
        })),
        Err(e) => Evaluated::Skipped(BadRecord {
            line: raw.line(),
            reason: "overflow",
            message: format!("claim {}: {e}", claim.id),
        }),
    }
}

/// How a replay runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Records read and evaluated together.
    pub batch: usize,
    /// Largest changes kept.
    pub top: usize,
    /// Sample claim ids kept per transition cell.
    pub samples: usize,
    /// Bad records kept with their messages (all are counted).
    pub skipped_shown: usize,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            batch: 4096,
            top: 10,
            samples: 3,
            skipped_shown: 50,
        }
    }
}

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
    fn of(p: &Playbook) -> RuleSetId {
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
    /// Claims whose prediction falls in this bin.
    pub claims: u64,
    /// Mean predicted chance of acceptance.
    pub predicted: Decimal,
    /// Share of those claims that settled on the advised option for no more than its amount.
    pub observed: Decimal,
}

/// The advice against what really happened, for one rule set.
#[derive(Debug, Clone, Serialize)]
pub struct Against {
    /// Claims whose real remedy is the advised option.
    pub matched: u64,
    /// `matched` as a share of claims with a known outcome (null when there are none).
    pub match_rate: Option<Decimal>,
    /// Mean squared error of the predicted acceptance (lower is better), over claims with a prediction.
    pub brier: Option<Decimal>,
    /// Claims the Brier score and the reliability table are computed over.
    pub predicted_claims: u64,
    /// Predicted chance of acceptance against observed settlement, in tenths.
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
    /// The claims whose expected cost changed most, largest first.
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
}

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

/// Adds into a running sum. Sums of claim amounts stay far inside the decimal range; a history
/// of absurd amounts saturates rather than panics.
fn acc(sum: &mut Money, x: Money) {
    *sum = sum.saturating_add(x);
}

/// The value under `key`, inserted as the default if missing; the key is copied only then.
fn entry<'m, V: Default>(map: &'m mut BTreeMap<String, V>, key: &str) -> &'m mut V {
    if !map.contains_key(key) {
        map.insert(key.to_string(), V::default());
    }
    map.get_mut(key).expect("inserted above")
}

#[derive(Default)]
struct Sums {
    claims: u64,
    base: Costs,
    new: Costs,
}

impl Sums {
    fn add(&mut self, e: &Evaluation) {
        self.claims += 1;
        acc(&mut self.base.direct, e.baseline.cost);
        acc(&mut self.base.expected, e.baseline.expected);
        acc(&mut self.new.direct, e.new.cost);
        acc(&mut self.new.expected, e.new.expected);
    }
}

#[derive(Default)]
struct Cell {
    claims: u64,
    change: BTreeMap<String, Money>,
    samples: Vec<String>,
}

impl Cell {
    /// Adds a claim whose projected cost changed by `delta`, keeping the first `samples` ids.
    fn add(&mut self, currency: &str, delta: Money, id: &str, samples: usize) {
        self.claims += 1;
        acc(entry(&mut self.change, currency), delta);
        if self.samples.len() < samples {
            self.samples.push(id.to_string());
        }
    }

    fn finish(&self, round: &dyn Fn(&str, Money) -> Money) -> Moved {
        Moved {
            claims: self.claims,
            change: self
                .change
                .iter()
                .map(|(c, a)| Amount {
                    currency: c.clone(),
                    amount: round(c, *a),
                })
                .collect(),
            samples: self.samples.clone(),
        }
    }
}

#[derive(Default)]
struct Calibration {
    matched: u64,
    predicted: u64,
    brier: Decimal,
    bins: [(u64, Decimal, u64); 10],
    saved: BTreeMap<String, Money>,
}

impl Calibration {
    fn add(&mut self, d: &Decision, o: &settle_engine::claim::Outcome, currency: &str) {
        if d.option == Some(o.remedy) {
            self.matched += 1;
        }
        acc(
            entry(&mut self.saved, currency),
            o.cost.saturating_sub(d.cost),
        );
        if let Some(p) = d.acceptance {
            let accepted = d.option == Some(o.remedy) && o.amount <= d.amount;
            let y = if accepted {
                Decimal::ONE
            } else {
                Decimal::ZERO
            };
            self.predicted += 1;
            acc(&mut self.brier, (p - y) * (p - y));
            let bin = ((p * Decimal::TEN).floor().try_into().unwrap_or(0i64)).clamp(0, 9) as usize;
            self.bins[bin].0 += 1;
            acc(&mut self.bins[bin].1, p);
            self.bins[bin].2 += u64::from(accepted);
        }
    }

    fn finish(&self, claims: u64) -> Against {
        let ratio = |a: Decimal, n: u64| {
            if n == 0 {
                None
            } else {
                Some((a / Decimal::from(n)).round_dp(4))
            }
        };
        Against {
            matched: self.matched,
            match_rate: ratio(Decimal::from(self.matched), claims),
            brier: ratio(self.brier, self.predicted),
            predicted_claims: self.predicted,
            reliability: self
                .bins
                .iter()
                .enumerate()
                .filter(|(_, b)| b.0 > 0)
                .map(|(i, b)| Bin {
                    range: format!("{:.1}-{:.1}", i as f64 / 10.0, (i + 1) as f64 / 10.0),
                    claims: b.0,
                    predicted: (b.1 / Decimal::from(b.0)).round_dp(4),
                    observed: (Decimal::from(b.2) / Decimal::from(b.0)).round_dp(4),
                })
                .collect(),
            saved: self
                .saved
                .iter()
                .map(|(c, a)| Amount {
                    currency: c.clone(),
                    amount: *a,
                })
                .collect(),
        }
    }
}

/// One of the largest changes as kept during the replay: its size and line (the order), the
/// change, and the rules fired on each side (turned into ids at the end).
struct Kept {
    size: Money,
    line: u64,
    change: Change,
    baseline_fired: Vec<RuleRef>,
    new_fired: Vec<RuleRef>,
}

/// Folds evaluations into a report, in input order.
pub struct Aggregator<'a> {
    baseline: &'a Playbook,
    new: &'a Playbook,
    options: Options,
    totals: Totals,
    by_currency: BTreeMap<String, Sums>,
    by_kind: BTreeMap<String, BTreeMap<ProblemKind, Sums>>,
    cells: BTreeMap<(&'static str, &'static str), Cell>,
    fired_base: Vec<u64>,
    fired_new: Vec<u64>,
    outcome_claims: u64,
    cal_base: Calibration,
    cal_new: Calibration,
    retention: BTreeMap<(&'static str, &'static str), (u64, u64)>,
    /// The largest changes so far, largest first.
    largest: Vec<Kept>,
    /// Ids of rules whose definition differs between the rule sets (present in both).
    redefined: std::collections::BTreeSet<String>,
    /// Parameters that differ, which apply to every claim.
    changed_parameters: Vec<String>,
    /// Every rule that differs, for the report.
    rule_changes: Vec<RuleChange>,
    /// Changed claims and money moved, by cause.
    by_cause: BTreeMap<String, Cell>,
}

impl<'a> Aggregator<'a> {
    /// An empty aggregation.
    pub fn new(baseline: &'a Playbook, new: &'a Playbook, options: Options) -> Aggregator<'a> {
        let rule_changes = rule_changes(baseline, new);
        Aggregator {
            redefined: rule_changes
                .iter()
                .filter(|c| c.change == "changed")
                .map(|c| c.id.clone())
                .collect(),
            changed_parameters: rule_changes
                .iter()
                .filter(|c| c.kind == RuleKind::Parameter.as_str())
                .map(|c| c.id.clone())
                .collect(),
            rule_changes,
            by_cause: BTreeMap::new(),
            baseline,
            new,
            fired_base: vec![0; baseline.rules().len()],
            fired_new: vec![0; new.rules().len()],
            options,
            totals: Totals::default(),
            by_currency: BTreeMap::new(),
            by_kind: BTreeMap::new(),
            cells: BTreeMap::new(),
            outcome_claims: 0,
            cal_base: Calibration::default(),
            cal_new: Calibration::default(),
            retention: BTreeMap::new(),
            largest: Vec::new(),
        }
    }

    /// Adds one result.
    pub fn add(&mut self, result: &Evaluated) {
        self.totals.read += 1;
        let e = match result {
            Evaluated::Skipped(bad) => {
                self.totals.skipped += 1;
                *self
                    .totals
                    .skipped_by_reason
                    .entry(bad.reason.to_string())
                    .or_default() += 1;
                if self.totals.skipped_records.len() < self.options.skipped_shown {
                    self.totals.skipped_records.push(SkippedRecord {
                        line: bad.line,
                        reason: bad.reason.to_string(),
                        message: bad.message.clone(),
                    });
                }
                return;
            }
            Evaluated::Done(e) => e,
        };
        self.totals.evaluated += 1;
        let currency = e.claim.currency.code();
        entry(&mut self.by_currency, currency).add(e);
        entry(&mut self.by_kind, currency)
            .entry(e.claim.problem.kind)
            .or_default()
            .add(e);
        for r in &e.baseline.fired {
            self.fired_base[r.index()] += 1;
        }
        for r in &e.new.fired {
            self.fired_new[r.index()] += 1;
        }
        let cell = self
            .cells
            .entry((e.baseline.label(), e.new.label()))
            .or_default();
        cell.add(currency, e.delta(), &e.claim.id, self.options.samples);
        if let Some(o) = &e.claim.outcome {
            self.outcome_claims += 1;
            self.cal_base.add(&e.baseline, o, currency);
            self.cal_new.add(&e.new, o, currency);
            for (side, d) in [("baseline", &e.baseline), ("new", &e.new)] {
                let slot = self.retention.entry((side, d.label())).or_default();
                if o.retained {
                    slot.0 += 1;
                } else {
                    slot.1 += 1;
                }
            }
        }
        if e.changed() {
            self.totals.changed += 1;
            for cause in self.causes(&e.baseline.fired, &e.new.fired) {
                let samples = self.options.samples;
                self.by_cause.entry(cause).or_default().add(
                    currency,
                    e.delta(),
                    &e.claim.id,
                    samples,
                );
            }
            let size = e.delta().abs();
            let keep = self.largest.len() < self.options.top
                || self.largest.last().is_some_and(|k| {
                    (size, std::cmp::Reverse(e.line)) > (k.size, std::cmp::Reverse(k.line))
                });
            if keep {
                let change = Change {
                    line: e.line,
                    claim: e.claim.id.clone(),
                    currency: currency.to_string(),
                    from: e.baseline.label().to_string(),
                    to: e.new.label().to_string(),
                    baseline_expected: e.claim.currency.round(e.baseline.expected),
                    new_expected: e.claim.currency.round(e.new.expected),
                    change: e.claim.currency.round(e.delta()),
                    rules: Vec::new(),
                };
                self.largest.push(Kept {
                    size,
                    line: e.line,
                    change,
                    baseline_fired: e.baseline.fired.clone(),
                    new_fired: e.new.fired.clone(),
                });
                // Largest first; equal sizes by line, so the cut is the same in any run.
                self.largest
                    .sort_by(|a, b| b.size.cmp(&a.size).then(a.line.cmp(&b.line)));
                self.largest.truncate(self.options.top);
            }
        }
    }

    /// What caused a claim's advice to change: rules that fired under one rule set only
    /// (`+id` new only, `-id` baseline only), rules that fired under both and whose definition
    /// changed (`~id`), and changed parameters, which apply to every claim (`~id`). Each rule
    /// appears at most once.
    pub fn causes(&self, base: &[RuleRef], new: &[RuleRef]) -> Vec<String> {
        let ids = |p: &'a Playbook, v: &[RuleRef]| -> std::collections::BTreeSet<&'a str> {
            v.iter().map(|r| p.rule(*r).id.as_str()).collect()
        };
        let (b, n) = (ids(self.baseline, base), ids(self.new, new));
        let mut out: Vec<String> = n.difference(&b).map(|id| format!("+{id}")).collect();
        out.extend(b.difference(&n).map(|id| format!("-{id}")));
        out.extend(
            b.intersection(&n)
                .filter(|id| self.redefined.contains(**id))
                .map(|id| format!("~{id}")),
        );
        for p in &self.changed_parameters {
            if !out.iter().any(|x| &x[1..] == p) {
                out.push(format!("~{p}"));
            }
        }
        out
    }

    /// The report.
    pub fn finish(self, history: &str) -> Report {
        let round = |currency: &str, m: Money| match settle_rules::currency::lookup(currency) {
            Some(c) => c.round(m),
            None => m.round_dp(2),
        };
        let line = |currency: &str, kind: Option<String>, s: &Sums| {
            let change = Costs {
                direct: s.new.direct.saturating_sub(s.base.direct),
                expected: s.new.expected.saturating_sub(s.base.expected),
            };
            CostLine {
                currency: currency.to_string(),
                kind,
                claims: s.claims,
                baseline: Costs {
                    direct: round(currency, s.base.direct),
                    expected: round(currency, s.base.expected),
                },
                new: Costs {
                    direct: round(currency, s.new.direct),
                    expected: round(currency, s.new.expected),
                },
                change_percent: if s.base.expected.is_zero() {
                    None
                } else {
                    change
                        .expected
                        .checked_mul(Decimal::ONE_HUNDRED)
                        .and_then(|x| x.checked_div(s.base.expected))
                        .map(|x| x.round_dp(2))
                },
                change: Costs {
                    direct: round(currency, change.direct),
                    expected: round(currency, change.expected),
                },
            }
        };
        let counts = |p: &Playbook, fired: &[u64]| -> Vec<RuleCount> {
            let mut v: Vec<RuleCount> = p
                .rule_refs()
                .map(|r| (r, p.rule(r)))
                .filter(|(_, info)| info.kind != RuleKind::Parameter)
                .map(|(r, info)| RuleCount {
                    id: info.id.clone(),
                    kind: info.kind.as_str().to_string(),
                    at: p.cite(r),
                    fired: fired[r.index()],
                })
                .collect();
            v.sort_by(|a, b| a.id.cmp(&b.id));
            v
        };
        let base_counts = counts(self.baseline, &self.fired_base);
        let new_counts = counts(self.new, &self.fired_new);
        let dead = |v: &[RuleCount]| {
            v.iter()
                .filter(|r| r.fired == 0)
                .map(|r| r.id.clone())
                .collect()
        };
        let largest = self
            .largest
            .iter()
            .map(|k| Change {
                rules: self.causes(&k.baseline_fired, &k.new_fired),
                ..k.change.clone()
            })
            .collect();
        Report {
            history: history.to_string(),
            baseline_rules: RuleSetId::of(self.baseline),
            new_rules: RuleSetId::of(self.new),
            cost: self
                .by_currency
                .iter()
                .map(|(c, s)| line(c, None, s))
                .collect(),
            by_kind: self
                .by_kind
                .iter()
                .flat_map(|(c, kinds)| kinds.iter().map(move |(k, s)| (c, k, s)))
                .map(|(c, k, s)| line(c, Some(k.as_str().to_string()), s))
                .collect(),
            transitions: self
                .cells
                .iter()
                .map(|((from, to), cell)| Transition {
                    from: from.to_string(),
                    to: to.to_string(),
                    moved: cell.finish(&round),
                })
                .collect(),
            rules: Rules {
                dead_baseline: dead(&base_counts),
                dead_new: dead(&new_counts),
                baseline: base_counts,
                new: new_counts,
            },
            outcomes: Outcomes {
                claims: self.outcome_claims,
                baseline: round_saved(self.cal_base.finish(self.outcome_claims), &round),
                new: round_saved(self.cal_new.finish(self.outcome_claims), &round),
                retention: self
                    .retention
                    .iter()
                    .map(|((side, m), (kept, lost))| Retention {
                        side: side.to_string(),
                        move_: m.to_string(),
                        retained: *kept,
                        lost: *lost,
                    })
                    .collect(),
            },
            largest_changes: largest,
            by_cause: self
                .by_cause
                .iter()
                .map(|(cause, cell)| Cause {
                    cause: cause.clone(),
                    moved: cell.finish(&round),
                })
                .collect(),
            rule_changes: self.rule_changes,
            totals: self.totals,
        }
    }
}

fn round_saved(mut a: Against, round: &dyn Fn(&str, Money) -> Money) -> Against {
    for s in &mut a.saved {
        s.amount = round(&s.currency, s.amount);
    }
    a
}

/// Runs a replay: reads `reader` to the end in batches, evaluates each batch in parallel on the
/// current rayon pool, and folds the results in input order. `each` sees every result in input
/// order (for a changes file); `progress` gets the bytes read up to each batch folded.
///
/// The fold of one batch and the reading of the next run alongside the evaluation of the
/// current one (`rayon::join`), so no core waits on the one-threaded parts; the order of the
/// fold, and so the report, does not depend on the pool's size.
pub fn run(
    reader: &mut HistoryReader,
    baseline: &Playbook,
    new: &Playbook,
    options: Options,
    history_name: &str,
    each: &mut (dyn FnMut(&Evaluated, &Aggregator<'_>) + Send),
    progress: &mut (dyn FnMut(u64) + Send),
) -> std::io::Result<Report> {
    let batch = options.batch.max(1);
    let mut agg = Aggregator::new(baseline, new, options);
    // Two batches of records and two of results, swapped each turn: their memory is reused.
    let (mut raws, mut spare) = (Vec::new(), Vec::new());
    reader.fill_batch(&mut raws, batch)?;
    let mut bytes = reader.bytes_read();
    let mut results: Vec<Evaluated> = Vec::new();
    // The evaluated batch waiting to be folded, with the bytes read up to its end.
    let (mut done, mut done_at): (Vec<Evaluated>, u64) = (Vec::new(), 0);
    let mut fold = |results: &mut Vec<Evaluated>, at: u64| {
        for r in results.iter() {
            agg.add(r);
            each(r, &agg);
        }
        if !results.is_empty() {
            progress(at);
        }
        results.clear();
    };
    loop {
        if raws.is_empty() {
            fold(&mut done, done_at);
            break;
        }
        let ((), next) = rayon::join(
            || {
                raws.par_iter()
                    .map(|r| evaluate(r, baseline, new))
                    .collect_into_vec(&mut results)
            },
            || {
                fold(&mut done, done_at);
                reader
                    .fill_batch(&mut spare, batch)
                    .map(|()| reader.bytes_read())
            },
        );
        std::mem::swap(&mut done, &mut results);
        done_at = bytes;
        std::mem::swap(&mut raws, &mut spare);
        bytes = next?;
    }
    Ok(agg.finish(history_name))
}

/// A gate on a report: why it fails, if it does.
pub fn gate(
    report: &Report,
    max_cost_increase: Option<Decimal>,
    max_changed: Option<u64>,
) -> Vec<String> {
    let mut failures = Vec::new();
    if let Some(limit) = max_cost_increase {
        for line in &report.cost {
            if let Some(pct) = line.change_percent
                && pct > limit
            {
                failures.push(format!(
                    "projected cost in {} rises {pct}%, above the limit of {limit}%",
                    line.currency
                ));
            }
        }
    }
    if let Some(limit) = max_changed
        && report.totals.changed > limit
    {
        failures.push(format!(
            "{} claims change advice, above the limit of {limit}",
            report.totals.changed
        ));
    }
    failures
}
