//! Step 7 of the model, first half: the offers the tree may make. Each eligible option's
//! concession ladder from the opening (our fair share) to the ask, a refund of what the buyer
//! paid for the affected goods, repair, and reject as the bottom rung; none worth less to the
//! buyer than the opening, none costing more than the bottom line.

use super::buyer::Buyer;
use super::eligibility::Eligibility;
use super::tree::{Candidate, Rollback};
use crate::advice::{OptionReport, Unoffered};
use crate::claim::{Party, Remedy};
use crate::fast::order;
use crate::money::{Checked, Money, Overflow};
use crate::playbook::{Costs, Playbook};
use crate::pricing::{self, Basis, Proposal};
use rust_decimal::Decimal;

/// The candidates, sorted by value to the buyer (then option, then rung), and why options
/// have none.
#[derive(Debug, Clone)]
pub(crate) struct Ladder {
    /// The candidates for the tree.
    pub candidates: Vec<Candidate>,
    /// The opening offer's value: our fair share × `tree.opening`, at most the ask.
    pub opening: Money,
    /// An option had offers worth less to the buyer than the opening.
    below_opening: [bool; 6],
    /// An option had offers costing more than the bottom line.
    over_bottom: [bool; 6],
}

struct Builder<'a, 'p> {
    buyer: &'a Buyer<'p>,
    opening: Money,
    bottom_line: Money,
    ladder: Ladder,
}

impl Builder<'_, '_> {
    fn push(&mut self, prop: Proposal, rung: usize) -> Result<(), Overflow> {
        if prop.remedy != Remedy::Reject && prop.amount <= Decimal::ZERO {
            return Ok(());
        }
        let perceived = self.buyer.perceived(&prop)?;
        // Never low-ball: no offer is worth less to the buyer than the opening (our fair
        // share).
        if prop.remedy != Remedy::Reject && perceived < self.opening {
            self.ladder.below_opening[prop.remedy.index()] = true;
            return Ok(());
        }
        if prop.cost > self.bottom_line {
            self.ladder.over_bottom[prop.remedy.index()] = true;
            return Ok(());
        }
        let cands = &mut self.ladder.candidates;
        if cands.iter().any(|c| c.proposal == prop) {
            return Ok(());
        }
        // Values reached by different computations (a repair's goods value × appeal, a
        // refund of what was paid) can agree to 27 digits and differ in the 28th; 12
        // significant digits make such ties ties, whatever the scale of the amounts.
        let perceived = crate::fast::round_sf(perceived, 12).unwrap_or(perceived);
        // Offers of equal value to the buyer (a refund, a discount and a reship on the same
        // rung) share their acceptance: work it out once.
        let (acceptance, fairness) =
            match cands.iter().find(|c| order(c.perceived, perceived).is_eq()) {
                Some(c) => (c.acceptance, c.fairness),
                None => self.buyer.acceptance(perceived)?,
            };
        cands.push(Candidate {
            proposal: prop,
            rung,
            perceived,
            acceptance,
            fairness,
        });
        Ok(())
    }
}

/// Builds the candidates of a claim.
#[allow(clippy::too_many_arguments)]
pub(crate) fn ladder(
    p: &Playbook,
    costs: &Costs,
    basis: &Basis,
    eligible: &Eligibility,
    fair: Money,
    ask: Money,
    bottom_line: Money,
    buyer: &Buyer<'_>,
) -> Result<Ladder, Overflow> {
    let opening = fair
        .mul_or(p.tree().opening.value, "opening offer")?
        .min(ask);
    let mut b = Builder {
        buyer,
        opening,
        bottom_line,
        ladder: Ladder {
            candidates: Vec::new(),
            opening,
            below_opening: [false; 6],
            over_bottom: [false; 6],
        },
    };
    let allows = |r: Remedy| eligible.allows(r);
    for (rung, t) in p.tree().ladder.iter().enumerate() {
        let value = opening.add_or(
            (ask - opening)
                .max(Decimal::ZERO)
                .mul_or(t.get(), "ladder")?,
            "ladder",
        )?;
        // Rungs are amounts between the opening and the ask; an option whose amount is worth
        // less to the buyer than the opening (a credit's face at the fair share) is skipped.
        // Money for goods the buyer keeps is a price reduction: where a discount may be offered,
        // a partial refund (goods not returned) is the same thing under another name.
        if allows(Remedy::Refund) && !(allows(Remedy::Discount) && value < basis.paid_affected) {
            b.push(pricing::refund(costs, basis, value)?, rung)?;
        }
        if allows(Remedy::Discount) {
            b.push(pricing::discount(value), rung)?;
        }
        if allows(Remedy::Credit) {
            b.push(pricing::credit(costs, basis, value)?, rung)?;
        }
        if allows(Remedy::Reship) {
            b.push(
                pricing::reship(costs, basis, value.min(basis.affected_value))?,
                rung,
            )?;
        }
    }
    // A full refund of what the buyer paid for the affected goods is a natural offer of its
    // own: at that amount the goods come back (or the units are cancelled) and their salvage
    // is recovered, so it can cost less than a smaller partial refund.
    if allows(Remedy::Refund) && basis.paid_affected >= opening && basis.paid_affected <= ask {
        let rung = p.tree().ladder.len();
        b.push(pricing::refund(costs, basis, basis.paid_affected)?, rung)?;
    }
    // Reject is the ladder's bottom rung: worth nothing to the buyer, who may still counter.
    if allows(Remedy::Reject) {
        b.push(pricing::reject(), 0)?;
    }
    if allows(Remedy::Repair) && basis.affected > 0 {
        if basis.goods_away() {
            b.push(pricing::repair(costs, basis, Party::Buyer)?, 0)?;
        }
        b.push(pricing::repair(costs, basis, Party::Seller)?, 1)?;
    }
    let mut ladder = b.ladder;
    ladder.candidates.sort_by(|a, b| {
        order(a.perceived, b.perceived)
            .then(a.proposal.remedy.cmp(&b.proposal.remedy))
            .then(a.rung.cmp(&b.rung))
    });
    Ok(ladder)
}

impl Ladder {
    /// The options table: each option's best opening offer in the rolled-back tree, or why it
    /// has none.
    pub(crate) fn report(&self, eligible: &Eligibility, tree: &Rollback) -> Vec<OptionReport> {
        Remedy::ALL
            .iter()
            .map(|&remedy| {
                let blocked_by = eligible.blocked_by(remedy).to_vec();
                let mut report = OptionReport {
                    remedy,
                    eligible: blocked_by.is_empty(),
                    proposal: None,
                    acceptance: None,
                    expected_cost: None,
                    unoffered: None,
                    blocked_by,
                };
                if !report.eligible {
                    return report;
                }
                let (below, over) = (
                    self.below_opening[remedy.index()],
                    self.over_bottom[remedy.index()],
                );
                let cands = tree.candidates();
                let root = tree.game.root();
                if let Some((i, e)) = tree.best_of(remedy) {
                    let c = &cands[i];
                    report.proposal = Some(c.proposal.clone());
                    report.acceptance = tree.acceptance(i).ok();
                    report.expected_cost = Some(e);
                } else if cands.iter().any(|c| c.proposal.remedy == remedy)
                    && let Some(b) = tree.game.standing.as_ref().filter(|b| b.open)
                    && cands.iter().enumerate().all(|(i, c)| {
                        c.proposal.remedy != remedy
                            || (c.proposal.cost >= b.proposal.cost && !tree.game.allowed(root, i))
                    })
                {
                    report.unoffered = Some(Unoffered::AboveProposal(b.proposal.cost));
                } else if cands.iter().any(|c| c.proposal.remedy == remedy) {
                    report.unoffered = Some(Unoffered::TurnedDown);
                } else if below && !over {
                    report.unoffered = Some(Unoffered::BelowOpening(self.opening));
                } else if over {
                    report.unoffered = Some(Unoffered::OverBottomLine);
                } else {
                    report.unoffered = Some(Unoffered::NoValue);
                }
                report
            })
            .collect()
    }
}
