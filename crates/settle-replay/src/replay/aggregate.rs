//! The fold of evaluations into a report, in input order: exact sums, bounded lists cut by a
//! total order ending in the line number.

use super::evaluate::{Decision, Evaluated, Evaluation};
use super::report::*;
use super::rule_diff::rule_changes;
use super::run::Options;
use rust_decimal::Decimal;
use settle_engine::claim::ProblemKind;
use settle_engine::playbook::{RuleKind, RuleRef};
use settle_engine::{Money, Playbook};
use std::collections::BTreeMap;

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
    }

    /// The acceptance model against every offer of ours the buyer answered.
    fn observe(&mut self, observed: &[(Decimal, bool)]) {
        for &(p, accepted) in observed {
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
            offers_observed: self.predicted,
            reliability: self
                .bins
                .iter()
                .enumerate()
                .filter(|(_, b)| b.0 > 0)
                .map(|(i, b)| Bin {
                    range: format!("{:.1}-{:.1}", i as f64 / 10.0, (i + 1) as f64 / 10.0),
                    offers: b.0,
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
    /// The largest changes so far in each currency, largest first: amounts in different
    /// currencies are never compared (a yen is not a dollar), so each currency keeps its own.
    largest: BTreeMap<String, Vec<Kept>>,
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
            largest: BTreeMap::new(),
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
        // The acceptance model against every offer the buyer answered, open claims included.
        self.cal_base.observe(&e.observed_base);
        self.cal_new.observe(&e.observed_new);
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
            let top = self.options.top;
            let kept = self.largest.get(currency);
            let keep = kept.is_none_or(|v| {
                v.len() < top
                    || v.last().is_some_and(|k| {
                        (size, std::cmp::Reverse(e.line)) > (k.size, std::cmp::Reverse(k.line))
                    })
            }) && top > 0;
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
                let list = match self.largest.get_mut(currency) {
                    Some(list) => list,
                    None => self.largest.entry(currency.to_string()).or_default(),
                };
                list.push(Kept {
                    size,
                    line: e.line,
                    change,
                    baseline_fired: e.baseline.fired.clone(),
                    new_fired: e.new.fired.clone(),
                });
                // Largest first; equal sizes by line, so the cut is the same in any run.
                list.sort_by(|a, b| b.size.cmp(&a.size).then(a.line.cmp(&b.line)));
                list.truncate(top);
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
        // Currency by currency (in code order), each one's largest first.
        let largest = self
            .largest
            .values()
            .flatten()
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
