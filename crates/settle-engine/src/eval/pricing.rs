//! Step 2 of the model: each option's concrete proposal and its direct cost to the seller,
//! measured against the contract being performed as agreed.

use crate::claim::{Claim, Party, Remedy, Stage};
use crate::money::{Checked, Money, Overflow};
use crate::playbook::{CostParam, Costs};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// A concrete proposal to put to the buyer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    /// The option.
    pub remedy: Remedy,
    /// The value to the buyer.
    pub amount: Money,
    /// Units replaced or repaired.
    pub units: Option<u64>,
    /// Who pays the freight, when goods travel.
    pub freight_by: Option<Party>,
    /// Whether the goods come back to us.
    pub goods_back: bool,
    /// Pre-shipment refund: the order for the affected units is cancelled.
    pub cancels_order: bool,
    /// The seller's direct cost.
    pub cost: Money,
}

/// Per-claim quantities that every option's price uses.
#[derive(Debug, Clone, Copy)]
pub struct Basis {
    /// Invoice price of one unit.
    pub unit_price: Money,
    /// Invoice value and units of the whole order.
    pub order_value: Money,
    /// Units in the whole order.
    pub quantity: u64,
    /// Units affected.
    pub affected: u64,
    /// Invoice value of the affected units.
    pub affected_value: Money,
    /// Our cost to make the affected units again.
    pub affected_cost: Money,
    /// What the buyer paid for the affected units.
    pub paid_affected: Money,
    /// The unpaid balance on the affected units.
    pub unpaid_affected: Money,
    /// Where the goods are.
    pub stage: Stage,
    /// Whether we pay duty on replacement goods (DDP).
    pub seller_pays_duty: bool,
    /// The chance that a credit is used on a reorder.
    pub reorder_chance: Decimal,
    /// Our cost per unit of invoice value of the affected goods (`affected_cost / affected_value`).
    pub cost_ratio: Decimal,
}

impl Basis {
    /// The quantities of a claim.
    pub fn of(claim: &Claim, reorder_chance: Decimal) -> Result<Basis, Overflow> {
        let o = &claim.order;
        let unit_price = claim.unit_price();
        let affected = claim.problem.affected;
        let a = Decimal::from(affected);
        // Amount × affected / quantity, multiplied first and always in that order, so that
        // equal amounts come out exactly equal (all units affected is exactly the order value;
        // a fully paid order's paid share equals its value share).
        let of_affected = |amount: Money, what: &'static str| -> Result<Money, Overflow> {
            if o.quantity == 0 {
                Ok(Decimal::ZERO)
            } else {
                amount
                    .mul_or(a, what)?
                    .div_or(Decimal::from(o.quantity), what)
            }
        };
        let affected_value = of_affected(o.value, "affected value")?;
        let affected_cost = o.unit_cost.mul_or(a, "cost of the affected units")?;
        let paid_affected = of_affected(o.paid, "paid for the affected units")?;
        let unpaid_affected =
            of_affected(o.value.sub_or(o.paid, "unpaid balance")?, "unpaid balance")?;
        let cost_ratio = if affected_value.is_zero() {
            Decimal::ZERO
        } else {
            affected_cost.div_or(affected_value, "cost ratio")?
        };
        Ok(Basis {
            cost_ratio,
            unit_price,
            order_value: o.value,
            quantity: o.quantity,
            affected,
            affected_value,
            affected_cost,
            paid_affected,
            unpaid_affected,
            stage: o.stage,
            seller_pays_duty: o.incoterm == Some(crate::claim::Incoterm::Ddp),
            reorder_chance,
        })
    }

    /// Whether the goods have left us.
    pub fn goods_away(&self) -> bool {
        self.stage != Stage::PreShipment
    }
}

/// Salvage of `units` goods: what they are worth to us back in our hands.
fn salvage(costs: &Costs, unit_cost_total: Money) -> Result<Money, Overflow> {
    unit_cost_total.mul_or(costs.get(CostParam::Salvage), "salvage value")
}

/// A refund of `amount`. Goods come back (or, before shipment, the affected units are cancelled)
/// only for a full refund of what the buyer paid for them, and only when that costs us less
/// than the money alone: their salvage is worth more than the return freight and handling (or
/// than the unpaid balance we give up). So a refund never costs more than its amount.
pub fn refund(costs: &Costs, b: &Basis, amount: Money) -> Result<Proposal, Overflow> {
    let full = amount >= b.paid_affected && b.affected > 0;
    let mut p = Proposal {
        remedy: Remedy::Refund,
        amount,
        units: None,
        freight_by: None,
        goods_back: false,
        cancels_order: false,
        cost: amount,
    };
    if !full {
        return Ok(p);
    }
    let kept = salvage(costs, b.affected_cost)?;
    if b.goods_away() {
        let back = b
            .affected_value
            .mul_or(costs.get(CostParam::ReturnFreight), "return freight")?
            .add_or(
                b.affected_value
                    .mul_or(costs.get(CostParam::Handling), "handling")?,
                "return costs",
            )?;
        if kept > back {
            p.goods_back = true;
            p.freight_by = Some(Party::Seller);
            p.cost = amount
                .add_or(back, "refund cost")?
                .sub_or(kept, "refund cost")?
                .max(Decimal::ZERO);
        }
    } else if kept > b.unpaid_affected {
        // Before shipment a full refund may cancel the affected units: we lose their unpaid
        // balance and keep goods worth their salvage, when that costs less than shipping them.
        p.cancels_order = true;
        p.cost = amount
            .add_or(b.unpaid_affected, "refund cost")?
            .sub_or(kept, "refund cost")?
            .max(Decimal::ZERO);
    }
    Ok(p)
}

/// Replacement goods worth `amount` to the buyer, shipped at our cost.
pub fn reship(costs: &Costs, b: &Basis, amount: Money) -> Result<Proposal, Overflow> {
    // Units from exact inputs (amount × quantity / value), not the rounded unit price, and
    // rounded to 9 places before the ceiling, so that an exact whole number stays whole.
    let units = if b.order_value.is_zero() {
        0
    } else {
        let u = amount
            .mul_or(Decimal::from(b.quantity), "units to reship")?
            .div_or(b.order_value, "units to reship")?
            .round_dp(9)
            .ceil();
        u.to_u64().unwrap_or(u64::MAX)
    };
    let cost_ratio = b.cost_ratio;
    let mut rate = costs.get(CostParam::Freight);
    if b.seller_pays_duty {
        rate = rate.add_or(costs.get(CostParam::Duty), "freight and duty")?;
    }
    let cost = amount
        .mul_or(cost_ratio, "replacement goods")?
        .add_or(amount.mul_or(rate, "freight")?, "reship cost")?;
    Ok(Proposal {
        remedy: Remedy::Reship,
        amount,
        units: Some(units),
        freight_by: Some(Party::Seller),
        goods_back: false,
        cancels_order: false,
        cost,
    })
}

impl Proposal {
    /// The same money under another option's name (a refund without the goods coming back
    /// costs what a discount of the same amount costs).
    pub(crate) fn with_remedy(mut self, remedy: Remedy) -> Proposal {
        self.remedy = remedy;
        self
    }
}

/// A discount of `amount` on the goods delivered.
pub fn discount(amount: Money) -> Proposal {
    Proposal {
        remedy: Remedy::Discount,
        amount,
        units: None,
        freight_by: None,
        goods_back: false,
        cancels_order: false,
        cost: amount,
    }
}

/// A credit of `amount` on a future order. It costs the goods we give on the reorder that
/// uses it (face value less our margin), weighted by the chance that the reorder comes.
pub fn credit(costs: &Costs, b: &Basis, amount: Money) -> Result<Proposal, Overflow> {
    let goods = Decimal::ONE.sub_or(costs.get(CostParam::Margin), "credit cost")?;
    let cost = amount
        .mul_or(goods, "credit cost")?
        .mul_or(b.reorder_chance, "credit cost")?;
    Ok(Proposal {
        remedy: Remedy::Credit,
        amount,
        units: None,
        freight_by: None,
        goods_back: false,
        cancels_order: false,
        cost,
    })
}

/// Free repair of the affected units. `freight_by` says who pays freight both ways when the
/// goods must travel; the value to the buyer is the goods made good, less any freight it pays.
pub fn repair(costs: &Costs, b: &Basis, freight_by: Party) -> Result<Proposal, Overflow> {
    let work = b
        .affected_cost
        .mul_or(costs.get(CostParam::Repair), "repair work")?;
    let out = b
        .affected_value
        .mul_or(costs.get(CostParam::Freight), "freight")?;
    let (both, outbound) = if b.goods_away() {
        let back = b
            .affected_value
            .mul_or(costs.get(CostParam::ReturnFreight), "return freight")?;
        (out.add_or(back, "freight both ways")?, out)
    } else {
        (Decimal::ZERO, Decimal::ZERO)
    };
    // A unit that fails again must be replaced and shipped.
    let second = b
        .affected_cost
        .add_or(outbound, "replacement after a second failure")?
        .mul_or(costs.get(CostParam::RepairFailure), "second-failure risk")?;
    let mut cost = work.add_or(second, "repair cost")?;
    let mut amount = b.affected_value;
    match freight_by {
        Party::Seller => cost = cost.add_or(both, "repair cost")?,
        Party::Buyer => amount = amount.sub_or(both, "repair value")?.max(Decimal::ZERO),
    }
    Ok(Proposal {
        remedy: Remedy::Repair,
        amount,
        units: Some(b.affected),
        freight_by: if b.goods_away() {
            Some(freight_by)
        } else {
            None
        },
        goods_back: b.goods_away(),
        cancels_order: false,
        cost,
    })
}

/// No compensation.
pub fn reject() -> Proposal {
    Proposal {
        remedy: Remedy::Reject,
        amount: Decimal::ZERO,
        units: None,
        freight_by: None,
        goods_back: false,
        cancels_order: false,
        cost: Decimal::ZERO,
    }
}

/// A proposal of `remedy` worth `amount` to the buyer, as the buyer would phrase it
/// (used to price the buyer's own proposals and its ask).
pub fn as_proposed(
    costs: &Costs,
    b: &Basis,
    remedy: Remedy,
    amount: Money,
) -> Result<Proposal, Overflow> {
    match remedy {
        Remedy::Refund => refund(costs, b, amount),
        Remedy::Reship => reship(costs, b, amount),
        Remedy::Discount => Ok(discount(amount)),
        Remedy::Credit => credit(costs, b, amount),
        Remedy::Repair => {
            // The buyer's repair proposal: value below the goods' value means it pays freight.
            let mut p = repair(costs, b, Party::Seller)?;
            if amount < p.amount && b.goods_away() {
                p = repair(costs, b, Party::Buyer)?;
            }
            p.amount = amount;
            Ok(p)
        }
        Remedy::Reject => Ok(reject()),
    }
}
