//! Step 4 of the model: what the customer is worth, and how a settlement and the time it takes
//! move its loyalty.

use crate::claim::Claim;
use crate::fast::annuity_factor;
use crate::money::{Checked, Money, Overflow};
use crate::playbook::{CostParam, Costs, Playbook, RelationshipModel};
use rust_decimal::Decimal;

/// Probabilities and loyalty figures are rounded to six places, so that products stay exact
/// enough and results do not depend on the platform.
pub(crate) const PROB_DP: u32 = 6;

/// Customer value: annual purchases × margin × Σ (retention / (1 + discount))^y over the horizon.
pub(crate) fn customer_value(
    p: &Playbook,
    claim: &Claim,
    costs: &Costs,
) -> Result<Money, Overflow> {
    let rel = p.relationship();
    let r = rel.retention_of(claim.customer.relationship).value;
    let factor = annuity_factor(r, rel.discount_rate.value, rel.horizon_years)?;
    claim
        .customer
        .annual_purchases
        .mul_or(costs.get(CostParam::Margin), "customer value")?
        .mul_or(factor, "customer value")
}

/// `days / 30` to six places, rounded half up, by integer arithmetic.
pub(crate) fn days_fraction(days: i64) -> Decimal {
    let micro = (i128::from(days) * 1_000_000 + 15) / 30;
    Decimal::from_i128_with_scale(micro, 6)
}

/// Loyalty lost to time: `per_round` for every round held and `per_30_days` for every 30 days
/// the claim stays open.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Decay<'p> {
    rel: &'p RelationshipModel,
    /// Rounds held before the decision.
    rounds_so_far: u32,
}

impl<'p> Decay<'p> {
    pub(crate) fn new(p: &'p Playbook, rounds_so_far: u32) -> Decay<'p> {
        Decay {
            rel: p.relationship(),
            rounds_so_far,
        }
    }

    /// The loyalty lost after `extra_rounds` more rounds, `days` after the claim was received.
    pub(crate) fn at(&self, extra_rounds: u32, days: i64) -> Decimal {
        (self.rel.per_round.value * Decimal::from(self.rounds_so_far + extra_rounds)
            + self.rel.per_30_days.value * days_fraction(days))
        .round_dp(PROB_DP)
    }
}
