//! Step 5 of the model: how the buyer answers an offer. Its value to the buyer is the amount
//! times the option's appeal; the chance of acceptance comes from two curves (against the ask
//! and against our fair share); patience decides between a counter and walking away.

use super::relationship::{Decay, PROB_DP, days_fraction};
use super::tree::RoundTerms;
use crate::money::{Checked, Money, Overflow};
use crate::playbook::{BuyerModel, Playbook, RelationshipModel};
use crate::pricing::Proposal;
use rust_decimal::Decimal;

/// The buyer's model for one claim: the curves, with the ratios' reciprocals worked out once.
pub(crate) struct Buyer<'p> {
    model: &'p BuyerModel,
    rel: &'p RelationshipModel,
    inv_ask: Option<Decimal>,
    inv_fair: Option<Decimal>,
    /// The ratio to the fair share at which both curves are flat (for a zero fair share).
    fair_top: Decimal,
}

/// `num × inv` (a ratio by a reciprocal), or `top` (a ratio at which every curve is flat)
/// when the denominator is zero.
///
/// The ratio is rounded to 12 places: a ratio of scaled amounts can differ from the unscaled one
/// in its 28th digit, and without this a curve value sitting on a rounding boundary would make
/// the advice depend on the scale of the amounts.
fn ratio_by(num: Money, inv: Option<Decimal>, top: Decimal) -> Result<Decimal, Overflow> {
    match inv {
        None => Ok(top),
        Some(inv) => crate::fast::mul_round12(num, inv).ok_or(Overflow { what: "ratio" }),
    }
}

impl<'p> Buyer<'p> {
    /// The buyer of a claim whose ask and fair share are these.
    pub(crate) fn new(p: &'p Playbook, ask: Money, fair: Money) -> Result<Buyer<'p>, Overflow> {
        let model = p.buyer();
        let rel = p.relationship();
        let inverse = |x: Money| -> Result<Option<Decimal>, Overflow> {
            if x <= Decimal::ZERO {
                Ok(None)
            } else {
                Decimal::ONE.div_or(x, "ratio").map(Some)
            }
        };
        Ok(Buyer {
            model,
            rel,
            inv_ask: inverse(ask)?,
            inv_fair: inverse(fair)?,
            fair_top: model.by_fair.last_x().max(rel.fairness.last_x()),
        })
    }

    /// The chance the buyer accepts an offer of this perceived value, and the loyalty a
    /// settlement on it keeps before time decay (the fairness curve).
    pub(crate) fn acceptance(&self, perceived: Money) -> Result<(Decimal, Decimal), Overflow> {
        let b = self.model;
        let ra = ratio_by(perceived, self.inv_ask, b.by_ask.last_x())?;
        let rf = ratio_by(perceived, self.inv_fair, self.fair_top)?;
        let w = b.fair_weight.value;
        let a = (w * b.by_fair.at(rf) + (Decimal::ONE - w) * b.by_ask.at(ra))
            .round_dp(PROB_DP)
            .clamp(Decimal::ZERO, Decimal::ONE);
        Ok((a, self.rel.fairness.at(rf)))
    }

    /// What an offer is worth to the buyer: its amount × the option's appeal.
    pub(crate) fn perceived(&self, prop: &Proposal) -> Result<Money, Overflow> {
        prop.amount.mul_or(
            self.model.appeal[prop.remedy.index()].value,
            "perceived value",
        )
    }
}

/// The chance the buyer keeps talking after an unsatisfying round `round_index` (counting the
/// rounds held), `days` after the claim was received.
fn patience_at(b: &BuyerModel, round_index: u32, days: i64) -> Decimal {
    let idx = (round_index as usize).min(b.patience.len().saturating_sub(1));
    let base = b
        .patience
        .get(idx)
        .map(|s| s.get())
        .unwrap_or(Decimal::ZERO);
    (base - b.patience_per_30_days.value * days_fraction(days))
        .clamp(Decimal::ZERO, Decimal::ONE)
        .round_dp(PROB_DP)
}

/// The rounds the tree looks ahead: what is left of the negotiation's `tree.rounds` after the
/// rounds held, and at least one. A fixed horizon, not a rolling one, so that the plan the tree
/// prints is the advice it gives when the buyer answers as the plan assumed.
pub(crate) fn depth(p: &Playbook, rounds_so_far: u32) -> u32 {
    p.tree().rounds.saturating_sub(rounds_so_far).max(1)
}

/// Each modelled round's patience and loyalty decay: round `k` comes `k × days_per_round` days
/// after the decision.
pub(crate) fn round_terms(
    p: &Playbook,
    rounds_so_far: u32,
    days_open: i64,
    decay: &Decay<'_>,
) -> Vec<RoundTerms> {
    let b = p.buyer();
    let depth = depth(p, rounds_so_far);
    (0..depth)
        .map(|k| {
            let days = days_open + i64::from(k) * i64::from(b.days_per_round);
            RoundTerms {
                patience: patience_at(b, rounds_so_far + k, days),
                decay: decay.at(k + 1, days),
            }
        })
        .collect()
}
