//! Step 6 of the model: what no deal costs (the buyer walking away, or a stalemate), and the
//! bottom line: the most to pay before rejecting or walking away is cheaper.

use super::buyer::Buyer;
use super::relationship::Decay;
use crate::claim::{Claim, Remedy, Stage};
use crate::money::{Checked, Money, Overflow};
use crate::playbook::{CostParam, Costs, Playbook};
use crate::pricing::{self, Basis};
use rust_decimal::Decimal;

/// The costs of no deal and the bottom line they set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NoDeal {
    /// Expected cost when the buyer walks away: withheld balance, award, dispute, and the
    /// customer lost.
    pub walk_cost: Money,
    /// Expected cost when the last modelled round ends in a counter: granting the ask later
    /// and losing the customer (the seed 001 story).
    pub stalemate_cost: Money,
    /// The most to pay.
    pub bottom_line: Money,
}

/// Works out the walk-away and stalemate costs and the bottom line.
#[allow(clippy::too_many_arguments)]
pub(crate) fn no_deal(
    p: &Playbook,
    claim: &Claim,
    costs: &Costs,
    basis: &Basis,
    fair: Money,
    customer_value: Money,
    buyer: &Buyer<'_>,
    decay: &Decay<'_>,
    days_open: i64,
    reject_allowed: bool,
) -> Result<NoDeal, Overflow> {
    let o = &claim.order;
    let b = p.buyer();
    let ask = claim.ask.amount;
    // The buyer's walk-away: the balance it withholds, what it recovers by dispute or
    // chargeback, the dispute's cost, and the customer.
    let mut unpaid = o.value.sub_or(o.paid, "unpaid balance")?;
    if o.stage == Stage::PreShipment {
        let all_cost = o
            .unit_cost
            .mul_or(Decimal::from(o.quantity), "goods cost")?;
        unpaid = unpaid
            .sub_or(
                all_cost.mul_or(costs.get(CostParam::Salvage), "salvage")?,
                "unpaid balance",
            )?
            .max(Decimal::ZERO);
    }
    let escalation_cost = unpaid
        .mul_or(b.withhold.value, "withheld balance")?
        .add_or(fair.mul_or(b.award.value, "award")?, "walk-away cost")?
        .add_or(
            o.value.mul_or(b.dispute.value, "dispute cost")?,
            "walk-away cost",
        )?;
    let lost_customer = customer_value.mul_or(
        Decimal::ONE - p.relationship().walkaway.value,
        "lost customer",
    )?;
    let walk_cost = escalation_cost.add_or(lost_customer, "walk-away cost")?;
    let asked = pricing::as_proposed(costs, basis, claim.ask.remedy, ask)?;
    let stalemate_cost = if claim.ask.remedy == Remedy::Reject {
        walk_cost
    } else {
        asked.cost.add_or(lost_customer, "stalemate cost")?
    };

    // Reject as a final answer (accepted or walked away from): with walking away, the
    // seller's alternative to a deal, it sets the bottom line.
    let reject = if reject_allowed {
        let (a, fairness) = buyer.acceptance(Decimal::ZERO)?;
        let kept = (fairness - decay.at(1, days_open)).clamp(Decimal::ZERO, Decimal::ONE);
        let settled = customer_value.mul_or(Decimal::ONE - kept, "relationship loss")?;
        Some(a.mul_or(settled, "expected cost")?.add_or(
            (Decimal::ONE - a).mul_or(walk_cost, "expected cost")?,
            "expected cost",
        )?)
    } else {
        None
    };
    // Never pay more than granting the buyer's full ask costs (as asked, or as its amount in
    // cash, whichever is more), nor more than the alternative to a deal (the buyer walking
    // away, or a rejection) is expected to cost.
    let no_deal = match reject {
        Some(e) => e.min(walk_cost),
        None => walk_cost,
    };
    let bottom_line = if claim.ask.remedy == Remedy::Reject {
        no_deal
    } else {
        no_deal.min(asked.cost.max(ask))
    };
    Ok(NoDeal {
        walk_cost,
        stalemate_cost,
        bottom_line,
    })
}
