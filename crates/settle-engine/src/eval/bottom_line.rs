//! Step 6 of the model: what no deal costs (the buyer walking away, or a stalemate), and the
//! bottom line: the most to pay before rejecting or walking away is cheaper.

use super::buyer::Buyer;
use super::relationship::Decay;
use crate::claim::{Claim, Remedy, Stage};
use crate::money::{Checked, Money, Overflow};
use crate::playbook::{CostParam, Costs, Playbook};
use crate::pricing::{self, Basis, Proposal};
use rust_decimal::Decimal;

/// Why the bottom line is what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BottomLineBasis {
    /// Granting the whole ask, in its cheapest allowed form, costs less than no deal.
    GrantAsk {
        /// The cheapest form of the ask: its option and amount, and what it costs us.
        proposal: Proposal,
        /// Our rules allow that option (else no allowed option grants the ask, and the bottom
        /// line is still never above what granting it would cost).
        allowed: bool,
        /// What no deal is expected to cost.
        no_deal: Money,
    },
    /// No deal (the buyer walking away, or a rejection) is expected to cost less than
    /// granting the ask.
    NoDeal {
        /// What granting the ask in its cheapest form costs, if any option can grant it.
        grant: Option<Proposal>,
        /// Our rules allow that option.
        allowed: bool,
        /// The buyer walking away: what it withholds, recovers and the dispute cost.
        escalation: Money,
        /// The customer lost when it walks away.
        lost_customer: Money,
        /// A rejection's expected cost, when it is cheaper than the walk-away.
        reject: Option<Money>,
    },
}

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
    /// Why.
    pub basis: BottomLineBasis,
}

/// The cheapest way to give the buyer the whole value of its ask with an allowed option whose
/// cost moves smoothly with the amount (money back without the goods, a discount, replacement
/// goods): the bottom line never jumps with the last cent of an amount. A credit is not one:
/// it settles nothing unless the buyer orders again, so the most we would pay is counted in
/// money and goods.
pub(crate) fn cheapest_grant(
    p: &Playbook,
    claim: &Claim,
    costs: &Costs,
    basis: &Basis,
    refused_offers: &[(Remedy, Money)],
    allows: impl Fn(Remedy) -> bool,
) -> Result<Option<Proposal>, Overflow> {
    let ask = &claim.ask;
    if ask.remedy == Remedy::Reject {
        return Ok(None);
    }
    let appeal = |r: Remedy| p.buyer().appeal[r.index()].value;
    let value = ask.amount.mul_or(appeal(ask.remedy), "value of the ask")?;
    let mut best: Option<Proposal> = None;
    // An option the buyer turned down at the whole value of its ask does not grant it.
    let refused = |r: Remedy| -> Result<bool, Overflow> {
        for &(remedy, amount) in refused_offers {
            if remedy == r && amount.mul_or(appeal(r), "value of an offer")? >= value {
                return Ok(true);
            }
        }
        Ok(false)
    };
    for r in [Remedy::Refund, Remedy::Reship, Remedy::Discount] {
        if !allows(r) || appeal(r) <= Decimal::ZERO || refused(r)? {
            continue;
        }
        // Replacement goods give at most the affected goods' value.
        if r == Remedy::Reship && value > basis.affected_value {
            continue;
        }
        let amount = if r == ask.remedy {
            ask.amount
        } else {
            value.div_or(appeal(r), "value of the ask")?
        };
        let prop = match r {
            Remedy::Refund => pricing::discount(amount).with_remedy(Remedy::Refund),
            Remedy::Reship => pricing::reship(costs, basis, amount)?,
            _ => pricing::discount(amount),
        };
        if best.as_ref().is_none_or(|b| prop.cost < b.cost) {
            best = Some(prop);
        }
    }
    Ok(best)
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
    refused_offers: &[(Remedy, Money)],
    allows: impl Fn(Remedy) -> bool,
) -> Result<NoDeal, Overflow> {
    let reject_allowed = allows(Remedy::Reject);
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
    // Never pay more than granting the buyer's whole ask costs in its cheapest allowed form,
    // nor more than the alternative to a deal (the buyer walking away, or a rejection) is
    // expected to cost.
    let no_deal = match reject {
        Some(e) => e.min(walk_cost),
        None => walk_cost,
    };
    // Where our rules allow no option that grants the ask, the bottom line is still never above
    // what granting it would cost.
    let (grant, allowed) = match cheapest_grant(p, claim, costs, basis, refused_offers, &allows)? {
        Some(g) => (Some(g), true),
        None => (
            cheapest_grant(p, claim, costs, basis, refused_offers, |_| true)?,
            false,
        ),
    };
    let (bottom_line, why) = match grant {
        Some(g) if g.cost <= no_deal => (
            g.cost,
            BottomLineBasis::GrantAsk {
                proposal: g,
                allowed,
                no_deal,
            },
        ),
        grant => (
            no_deal,
            BottomLineBasis::NoDeal {
                grant,
                allowed,
                escalation: escalation_cost,
                lost_customer,
                reject: reject.filter(|e| *e < walk_cost),
            },
        ),
    };
    Ok(NoDeal {
        walk_cost,
        stalemate_cost,
        bottom_line,
        basis: why,
    })
}
