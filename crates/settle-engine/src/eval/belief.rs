//! Step 5 of the model, second half: what the rounds so far tell about the buyer.
//!
//! The buyer accepts an offer when it is worth at least its *reservation value*. The prior
//! (the acceptance curves of `[buyer]`) is our belief about that value before any round; each
//! round moves it:
//!
//! - an offer of ours the buyer turned down (by a counter-proposal or a refusal) sets a lower
//!   bound: the buyer wants more than that (`buyer.belief.refusal` says how sure we are);
//! - a proposal of the buyer's sets an upper bound: it would take that much, while the proposal
//!   stands;
//! - a withdrawal lifts the upper bound again.
//!
//! The tree ([`super::tree`]) works out every chance of acceptance from the prior conditional on
//! these bounds, and moves them itself as it looks ahead, so that the plan it prints is the
//! advice it will give when the buyer answers as the plan assumed.

use super::buyer::Buyer;
use super::tree::Point;
use crate::claim::{Claim, Party, Remedy, RoundKind};
use crate::money::{Checked, Money, Overflow};
use crate::playbook::Playbook;

/// What one round told us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Signal {
    /// The buyer's claim itself (its first proposal, the ask): not a bound.
    Claim(Money),
    /// We offered this much (worth this to the buyer).
    Offered(Money),
    /// The buyer turned down our offer worth this much to it.
    TurnedDown(Money),
    /// The buyer proposed terms worth this much to it.
    Proposed(Money),
    /// The buyer withdrew its proposal.
    Withdrew,
    /// Nothing about the buyer's reservation value (our own offer, evidence, an acceptance).
    Nothing,
}

/// One round's effect on the belief.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BeliefStep {
    /// The round (from 0).
    pub round: usize,
    /// What it told us.
    pub signal: Signal,
    /// The lower bound after it: the most valuable offer the buyer has turned down.
    pub lower: Option<Money>,
    /// The upper bound after it: the buyer's proposal on the table.
    pub upper: Option<Money>,
}

/// The belief after the rounds so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Belief {
    /// The most valuable offer of ours the buyer turned down, with the prior chance there.
    pub refused: Option<Point>,
    /// The buyer's proposal (its value to the buyer, with the prior chance there), while it
    /// stands; the buyer's opening claim is not a proposal.
    pub upper: Option<Point>,
    /// The round of that proposal.
    pub proposal_round: Option<usize>,
    /// That proposal may be accepted now (we have not countered it since).
    pub open: bool,
    /// Our offers the buyer turned down: their option and amount.
    pub refused_offers: Vec<(Remedy, Money)>,
    /// Each round's effect, oldest first.
    pub steps: Vec<BeliefStep>,
    /// How fast the buyer concedes: the share of the gap between its previous proposal and our
    /// offer that its latest proposal gave up (from its last two proposals with an offer of
    /// ours between them).
    pub pace: Option<rust_decimal::Decimal>,
    /// The claim is settled: the accepting round and the accepted proposal's round
    /// ([`crate::claim::Negotiation::settled`], from the same walk of the rounds).
    pub settled: Option<(usize, usize)>,
}

/// The value to the buyer of a remedy and amount.
pub(crate) fn perceived(p: &Playbook, remedy: Remedy, amount: Money) -> Result<Money, Overflow> {
    amount.mul_or(p.buyer().appeal[remedy.index()].value, "perceived value")
}

/// The number of proposals we have made: the rounds held, for the buyer's patience and the
/// loyalty lost to rounds (one round = one offer of ours and the buyer's answer).
pub(crate) fn rounds_held(claim: &Claim) -> u32 {
    claim
        .rounds
        .iter()
        .filter(|r| r.by == Party::Seller && r.kind() == RoundKind::Propose)
        .count() as u32
}

impl Belief {
    /// The belief about the buyer of `claim` after its rounds.
    pub(crate) fn of(p: &Playbook, claim: &Claim, buyer: &Buyer<'_>) -> Result<Belief, Overflow> {
        let n = claim.negotiation();
        let value = |i: usize| -> Result<Option<Money>, Overflow> {
            match claim.rounds[i].terms() {
                Some((r, a)) => perceived(p, r, a).map(Some),
                None => Ok(None),
            }
        };
        // The buyer's proposal that bounds its reservation value: the one on the table, unless
        // it is its opening claim.
        let opening = |i: usize| {
            n.buyer_proposals.len() == 1
                && claim.rounds[i].terms() == Some((claim.ask.remedy, claim.ask.amount))
        };
        let bound_round = n.buyer_standing.filter(|&i| !opening(i));
        // In the steps, the buyer's first proposal, when it is the ask, is its claim.
        let first_buyer = n.buyer_proposals.first().copied();
        let is_claim = |i: usize| {
            Some(i) == first_buyer
                && claim.rounds[i].terms() == Some((claim.ask.remedy, claim.ask.amount))
        };
        // Walk the rounds once more for the steps shown in `explain`.
        let mut steps = Vec::with_capacity(claim.rounds.len());
        let mut lower: Option<Money> = None;
        let mut upper: Option<Money> = None;
        let mut ours: Option<Money> = None;
        for (i, r) in claim.rounds.iter().enumerate() {
            let signal = match (r.by, r.kind()) {
                (Party::Seller, RoundKind::Propose) => {
                    ours = value(i)?;
                    ours.map_or(Signal::Nothing, Signal::Offered)
                }
                (Party::Seller, RoundKind::Withdraw) => {
                    ours = None;
                    Signal::Nothing
                }
                (Party::Seller, RoundKind::Refuse) => {
                    upper = None;
                    Signal::Nothing
                }
                (Party::Buyer, RoundKind::Propose | RoundKind::Refuse) => {
                    // A counter-proposal or a refusal turns down our offer on the table.
                    let turned = ours.take();
                    if let Some(v) = turned {
                        lower = Some(lower.map_or(v, |l: Money| l.max(v)));
                    }
                    if r.kind() == RoundKind::Propose {
                        let v = value(i)?.unwrap_or_default();
                        if is_claim(i) {
                            Signal::Claim(v)
                        } else {
                            upper = Some(v);
                            Signal::Proposed(v)
                        }
                    } else {
                        turned.map_or(Signal::Nothing, Signal::TurnedDown)
                    }
                }
                (Party::Buyer, RoundKind::Accept) => {
                    ours = None;
                    Signal::Nothing
                }
                (Party::Buyer, RoundKind::Withdraw) => {
                    upper = None;
                    Signal::Withdrew
                }
                _ => Signal::Nothing,
            };
            steps.push(BeliefStep {
                round: i,
                signal,
                lower,
                upper,
            });
        }
        // The lower bound is the most valuable of the offers the buyer turned down.
        let mut lower: Option<Money> = None;
        for &i in &n.refused {
            if let Some(v) = value(i)? {
                lower = Some(lower.map_or(v, |l: Money| l.max(v)));
            }
        }
        let point = |v: Money| -> Result<Point, Overflow> {
            Ok(Point {
                value: v,
                prior: buyer.acceptance(v)?.0,
            })
        };
        let refused = match lower {
            Some(v) => Some(point(v)?),
            None => None,
        };
        let upper = match bound_round {
            Some(i) => match value(i)? {
                Some(v) => Some(point(v)?),
                None => None,
            },
            None => None,
        };
        let refused_offers = n
            .refused
            .iter()
            .filter_map(|&i| claim.rounds[i].terms())
            .collect();
        Ok(Belief {
            refused,
            upper,
            open: bound_round.is_some() && n.acceptable() == bound_round,
            refused_offers,
            proposal_round: bound_round,
            steps,
            pace: pace(p, claim)?,
            settled: n.settled,
        })
    }
}

/// The buyer's concession pace from its last two proposals and our offer between them.
fn pace(p: &Playbook, claim: &Claim) -> Result<Option<rust_decimal::Decimal>, Overflow> {
    let mut last_buyer: Option<Money> = None;
    let mut ours_since: Option<Money> = None;
    let mut out = None;
    for r in &claim.rounds {
        let Some((remedy, amount)) = r.terms() else {
            continue;
        };
        let v = perceived(p, remedy, amount)?;
        match r.by {
            Party::Seller => ours_since = Some(v),
            Party::Buyer => {
                if let (Some(prev), Some(o)) = (last_buyer, ours_since)
                    && prev > o
                {
                    let share = (prev - v).div_or(prev - o, "concession pace")?;
                    out = Some(
                        share
                            .clamp(rust_decimal::Decimal::ZERO, rust_decimal::Decimal::ONE)
                            .round_dp(3),
                    );
                }
                last_buyer = Some(v);
                ours_since = None;
            }
        }
    }
    Ok(out)
}
