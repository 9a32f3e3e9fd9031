//! The acceptance model against what buyers did: every offer of ours in a claim's rounds that
//! the buyer answered, the chance the model gave it at that point (the prior conditional on
//! what the earlier rounds showed, as the advice would have seen it), and the buyer's answer.
//! `settle replay` scores the model on them (Brier score, reliability) and `settle rules fit`
//! fits the buyer rules to them.

use super::buyer::Buyer;
use super::tree::{Point, conditional};
use super::{Prepared, ask_value, costs, loss_and_fair, responsibility};
use crate::claim::{Claim, Party, Remedy, RoundKind};
use crate::money::{Checked, Money, Overflow};
use crate::playbook::Playbook;
use rust_decimal::Decimal;

/// How the buyer answered an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// It accepted.
    Accepted,
    /// It turned the offer down (a counter-proposal or a refusal) and kept talking.
    TurnedDown,
    /// It walked away: the claim closed with no deal after the offer.
    Walked,
}

/// One offer of ours and the buyer's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observation {
    /// Our offers before it (the rounds held).
    pub held: u32,
    /// Its value to the buyer.
    pub value: Money,
    /// The value of the ask and our fair share: the acceptance curves' yardsticks.
    pub ask_value: Money,
    /// Our fair share.
    pub fair: Money,
    /// The most valuable offer the buyer had turned down before it.
    pub lower: Option<Money>,
    /// The buyer's proposal on the table then.
    pub upper: Option<Money>,
    /// The chance the model gave it.
    pub predicted: Decimal,
    /// The loyalty a settlement on it keeps (the fairness curve).
    pub fairness: Decimal,
    /// What the buyer did.
    pub answer: Answer,
}

/// Every offer of ours the buyer answered in a claim's rounds, with the model's chance for it.
pub fn observations(p: &Playbook, claim: &Claim) -> Result<Vec<Observation>, Overflow> {
    let prepared = Prepared::new(claim);
    let mut facts = prepared.facts.clone();
    let mut off = super::trace::Tracer::off();
    let finding = responsibility::decide(p, &facts, &mut off);
    facts.set_responsibility(&finding);
    let in_force = costs::in_force(p, &facts, &mut off);
    let (_, fair) = loss_and_fair(&prepared, &finding, &in_force.costs)?;
    let ask = ask_value(p, claim)?;
    let buyer = Buyer::new(p, ask, fair)?;
    let value = |r: Remedy, a: Money| a.mul_or(p.buyer().appeal[r.index()].value, "offer value");
    // Each value's chance (and fairness) is worked out once, when its round is read: the
    // bounds below are carried as points, not recomputed for every later offer.
    let point = |v: Money| -> Result<(Point, Decimal), Overflow> {
        let (prior, fairness) = buyer.acceptance(v)?;
        Ok((Point { value: v, prior }, fairness))
    };
    let refusal = p.buyer().refusal.value;
    let first_buyer = claim
        .rounds
        .iter()
        .position(|r| r.by == Party::Buyer && r.terms().is_some());
    let mut out = Vec::new();
    let mut lower: Option<Point> = None;
    let mut upper: Option<Point> = None;
    // An offer awaiting the buyer's answer: its point and fairness, the rounds held before it,
    // and the bounds when it was made.
    type Pending = (Point, Decimal, u32, Option<Point>, Option<Point>);
    let mut pending: Option<Pending> = None;
    let mut held = 0u32;
    let mut record = |pending: &mut Option<Pending>, answer: Answer| -> Result<(), Overflow> {
        if let Some((at, fairness, h, lo, up)) = pending.take() {
            let predicted = conditional(at, lo, up, refusal)?;
            out.push(Observation {
                held: h,
                value: at.value,
                ask_value: ask,
                fair,
                lower: lo.map(|l| l.value),
                upper: up.map(|u| u.value),
                predicted,
                fairness,
                answer,
            });
        }
        Ok(())
    };
    for (i, r) in claim.rounds.iter().enumerate() {
        match (r.by, r.kind()) {
            (Party::Seller, RoundKind::Propose) => {
                pending = match r.terms() {
                    Some((remedy, amount)) if remedy != Remedy::Reject => {
                        let (at, fairness) = point(value(remedy, amount)?)?;
                        Some((at, fairness, held, lower, upper))
                    }
                    _ => None,
                };
                held += 1;
            }
            (Party::Seller, RoundKind::Withdraw) => pending = None,
            (Party::Seller, RoundKind::Refuse) => upper = None,
            (Party::Buyer, RoundKind::Accept) => record(&mut pending, Answer::Accepted)?,
            (Party::Buyer, RoundKind::Propose | RoundKind::Refuse) => {
                if let Some((at, ..)) = pending {
                    lower = Some(match lower {
                        Some(l) if l.value >= at.value => l,
                        _ => at,
                    });
                }
                record(&mut pending, Answer::TurnedDown)?;
                if let Some((remedy, amount)) = r.terms()
                    && !(Some(i) == first_buyer
                        && (remedy, amount) == (claim.ask.remedy, claim.ask.amount))
                {
                    upper = Some(point(value(remedy, amount)?)?.0);
                }
            }
            (Party::Buyer, RoundKind::Withdraw) => upper = None,
            _ => {}
        }
    }
    // An offer left unanswered in a claim closed with no deal: the buyer walked away.
    if claim
        .outcome
        .as_ref()
        .is_some_and(|o| o.remedy == Remedy::Reject)
    {
        record(&mut pending, Answer::Walked)?;
    }
    Ok(out)
}
