//! One record advised under both rule sets, reduced to what a replay compares.

use crate::history::{self, BadRecord, RawRecord};
use rust_decimal::Decimal;
use settle_engine::claim::Remedy;
use settle_engine::eval::calibration::{Answer, observations};
use settle_engine::playbook::RuleRef;
use settle_engine::{Action, Claim, Money, Playbook};
use settle_engine::{Move, Prepared, advise_move};
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
    /// Each offer of ours the buyer answered in the claim's rounds: the chance the baseline's
    /// acceptance model gave it, and whether the buyer accepted.
    pub observed_base: Vec<(Decimal, bool)>,
    /// The same under the new rule set.
    pub observed_new: Vec<(Decimal, bool)>,
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
    // The acceptance model against what the buyer did with each offer we made.
    let observed = |p: &Playbook| -> Result<Vec<(Decimal, bool)>, settle_engine::Overflow> {
        if !claim
            .rounds
            .iter()
            .any(|r| r.by == settle_engine::claim::Party::Seller)
        {
            return Ok(Vec::new());
        }
        Ok(observations(p, &claim)?
            .into_iter()
            .map(|o| (o.predicted, o.answer == Answer::Accepted))
            .collect())
    };
    // The advice on the claim as it stood when we first answered it; the claim's
    // rule-independent figures worked out once for both rule sets.
    let first = claim.at_first_decision();
    let prepared = Prepared::new(&first);
    let both = advise_move(baseline, &prepared)
        .and_then(|a| advise_move(new, &prepared).map(|b| (a, b)))
        .and_then(|(a, b)| Ok((a, b, observed(baseline)?, observed(new)?)));
    match both {
        Ok((a, b, ob, on)) => Evaluated::Done(Box::new(Evaluation {
            line: raw.line(),
            baseline: Decision::of(a),
            new: Decision::of(b),
            observed_base: ob,
            observed_new: on,
            claim,
        })),
        Err(e) => Evaluated::Skipped(BadRecord {
            line: raw.line(),
            reason: "overflow",
            message: format!("claim {}: {e}", claim.id),
        }),
    }
}
