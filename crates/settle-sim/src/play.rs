//! One negotiation, played round by round between a seller and a simulated buyer.
//!
//! The seller is either the advice itself (every move is what `advise` says on the claim as it
//! stands, the rounds so far appended to it as the rep would record them) or a fixed-curve
//! seller that concedes from the same opening to the same bottom line on a time curve. Both
//! face the same buyer, drawn from the same seed, and every outcome is priced the same way.
//!
//! **Cost to us** of a run: a deal costs its direct cost plus the loyalty it loses (the
//! customer's value times one less what it keeps: the fairness curve at the deal's value over
//! our fair share, less the time decay of the rounds and days taken: `[relationship]`); no deal
//! costs what the buyer walking away costs (its withheld balance, its award, the dispute and
//! the customer lost: the walk-away cost of the first advice).

use crate::buyer::{Answer, Buyer};
use rand::Rng;
use rust_decimal::Decimal;
use serde::Serialize;
use settle_engine::claim::{Party, Remedy, Round, RoundKind};
use settle_engine::pricing::{self, Basis, Proposal};
use settle_engine::{Action, Advice, Claim, Money, Playbook, advise};

/// Who sits on our side of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Seller {
    /// The advice, followed move by move.
    Advice,
    /// A fixed curve that concedes late (exponent 1/5).
    Boulware,
    /// A fixed curve that concedes early (exponent 3).
    Conceder,
}

impl Seller {
    /// Every seller, in report order.
    pub const ALL: [Seller; 3] = [Seller::Advice, Seller::Boulware, Seller::Conceder];

    /// The name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Seller::Advice => "advice",
            Seller::Boulware => "boulware_seller",
            Seller::Conceder => "conceder_seller",
        }
    }
}

/// Rounds a fixed-curve seller takes to reach its bottom line.
pub const FIXED_ROUNDS: u32 = 5;
/// The most offers any seller makes before the run is stopped (no deal).
pub const MAX_OFFERS: u32 = 12;
/// Days between our offer and the buyer's answer.
pub const DAYS_PER_REPLY: i64 = 7;

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum End {
    /// A deal.
    Settled,
    /// The buyer walked away or the offers ran out.
    NoDeal,
    /// The advice handed the case over (a safety incident, legal proceedings, fraud).
    Escalated,
}

/// One run's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Run {
    /// How it ended.
    pub end: End,
    /// Offers we made (our rounds).
    pub rounds: u32,
    /// The deal's direct cost.
    pub direct: Option<Money>,
    /// Cost to us, no deal included (see the module's documentation).
    pub cost: Money,
    /// The cost as a share of the value of the ask (to add up across claims and currencies).
    pub cost_share: Decimal,
    /// A deal existed: the buyer's reserve could be met within our bottom line.
    pub deal_existed: bool,
    /// A buyer proposal within our bottom line was on the table, and we ended with no deal or
    /// paid more than it would have cost.
    pub lost_proposal: bool,
    /// The deal cost more than our bottom line.
    pub above_bottom_line: bool,
}

/// What every seller's run on a claim shares: the first advice's figures.
#[derive(Debug, Clone)]
pub struct Stage {
    claim: Claim,
    first: Advice,
    basis: Basis,
    allowed: [bool; 6],
    fair: Money,
}

impl Stage {
    /// The claim as the negotiation starts (its opening round only, and the evidence the advice
    /// asks for first, as the rules expect it to read) and the first advice on it.
    pub fn new(p: &Playbook, claim: &Claim) -> Option<Stage> {
        let mut c = claim.clone();
        c.rounds = vec![Round::propose(
            c.received,
            Party::Buyer,
            c.ask.remedy,
            c.ask.amount,
        )];
        c.as_of = Some(c.received);
        c.outcome = None;
        let mut first = advise(p, &c).ok()?;
        // Facts first: the buyer sends what was asked for before the negotiation starts.
        for _ in 0..3 {
            if first.next.action != Action::RequestEvidence {
                break;
            }
            c = settle_engine::eval::moves::with_evidence(p, &c, &first.next.because);
            first = advise(p, &c).ok()?;
        }
        let reorder = p.relationship().retention_of(c.customer.relationship).value;
        let basis = Basis::of(&c, reorder).ok()?;
        let mut allowed = [false; 6];
        for o in &first.options {
            allowed[o.remedy.index()] = o.eligible;
        }
        Some(Stage {
            fair: first.fair_share,
            claim: c,
            first,
            basis,
            allowed,
        })
    }

    /// The claim as the negotiation starts.
    pub fn claim(&self) -> &Claim {
        &self.claim
    }

    /// The first advice.
    pub fn first(&self) -> &Advice {
        &self.first
    }

    /// The value of the ask to the buyer.
    pub fn ask_value(&self, p: &Playbook) -> Money {
        value(p, self.claim.ask.remedy, self.claim.ask.amount)
    }

    /// The cheapest allowed way to give the buyer `v` of value: its direct cost and terms.
    pub fn cheapest(&self, p: &Playbook, v: Money) -> Option<Proposal> {
        let mut best: Option<Proposal> = None;
        for r in [
            Remedy::Refund,
            Remedy::Discount,
            Remedy::Credit,
            Remedy::Reship,
        ] {
            let appeal = p.buyer().appeal[r.index()].value;
            if !self.allowed[r.index()] || appeal <= Decimal::ZERO {
                continue;
            }
            if r == Remedy::Reship && v > self.basis.affected_value {
                continue;
            }
            let amount = v / appeal;
            let Ok(prop) = price(&self.first, &self.basis, r, amount) else {
                continue;
            };
            if best.as_ref().is_none_or(|b| prop.cost < b.cost) {
                best = Some(prop);
            }
        }
        best
    }

    /// Cost to us of a deal worth `v` to the buyer at direct cost `direct`, after `rounds` of our
    /// offers and `days` days.
    fn deal_cost(&self, p: &Playbook, v: Money, direct: Money, rounds: u32, days: i64) -> Money {
        let rel = p.relationship();
        let ratio = if self.fair > Decimal::ZERO {
            (v / self.fair).round_dp(12)
        } else {
            rel.fairness.last_x()
        };
        let decay = rel.per_round.value * Decimal::from(rounds)
            + rel.per_30_days.value * Decimal::from(days) / Decimal::from(30);
        let kept = (rel.fairness.at(ratio) - decay).clamp(Decimal::ZERO, Decimal::ONE);
        direct + self.first.customer_value * (Decimal::ONE - kept)
    }

    fn walk_cost(&self) -> Money {
        self.first.tree.game.walk_cost
    }
}

fn value(p: &Playbook, remedy: Remedy, amount: Money) -> Money {
    amount * p.buyer().appeal[remedy.index()].value
}

fn price(
    a: &Advice,
    b: &Basis,
    remedy: Remedy,
    amount: Money,
) -> Result<Proposal, settle_engine::Overflow> {
    pricing::as_proposed(&a.costs, b, remedy, amount)
}

/// The bookkeeping of one run.
struct Ledger<'s> {
    stage: &'s Stage,
    bottom: Money,
    rounds: u32,
    /// The cheapest direct cost of a buyer proposal within the bottom line seen so far.
    best_proposal: Option<Money>,
}

impl Ledger<'_> {
    /// A buyer proposal worth `v`, in the option of its ask: what accepting it costs us (its
    /// own terms where our rules allow them, else the cheapest allowed option of that value).
    fn saw_proposal(&mut self, p: &Playbook, v: Money) {
        let ask = self.stage.claim.ask.remedy;
        let own = if self.stage.allowed[ask.index()] {
            let appeal = p.buyer().appeal[ask.index()].value;
            (appeal > Decimal::ZERO)
                .then(|| {
                    price(
                        &self.stage.first,
                        &self.stage.basis,
                        ask,
                        (v / appeal).round_dp(2),
                    )
                    .ok()
                })
                .flatten()
        } else {
            None
        };
        if let Some(c) = own.or_else(|| self.stage.cheapest(p, v))
            && c.cost <= self.bottom
        {
            self.best_proposal = Some(self.best_proposal.map_or(c.cost, |b| b.min(c.cost)));
        }
    }

    fn finish(
        &self,
        p: &Playbook,
        buyer: &Buyer,
        end: End,
        deal: Option<(Money, Money)>,
        days: i64,
    ) -> Run {
        let deal_existed = self
            .stage
            .cheapest(p, buyer.reserve)
            .is_some_and(|c| c.cost <= self.bottom);
        let (direct, cost) = match deal {
            Some((v, direct)) => (
                Some(direct),
                self.stage.deal_cost(p, v, direct, self.rounds, days),
            ),
            None => (None, self.stage.walk_cost()),
        };
        let ask = self.stage.ask_value(p);
        let cost_share = if ask > Decimal::ZERO {
            (cost / ask).round_dp(6)
        } else {
            Decimal::ZERO
        };
        Run {
            end,
            rounds: self.rounds,
            direct,
            cost,
            cost_share,
            deal_existed,
            lost_proposal: end != End::Escalated
                && self
                    .best_proposal
                    .is_some_and(|b| direct.is_none_or(|d| d > b)),
            above_bottom_line: direct.is_some_and(|d| d > self.bottom),
        }
    }
}

/// Plays the advice against `buyer` on the staged claim.
pub fn play_advice(p: &Playbook, stage: &Stage, buyer: Buyer, rng: &mut impl Rng) -> Run {
    play_advice_traced(p, stage, buyer, rng, false)
}

/// [`play_advice`], printing every move to standard error when `trace` is set (for the
/// `trace` example).
pub fn play_advice_traced(
    p: &Playbook,
    stage: &Stage,
    mut buyer: Buyer,
    rng: &mut impl Rng,
    trace: bool,
) -> Run {
    let mut claim = stage.claim.clone();
    let start = claim.received;
    let mut ledger = Ledger {
        stage,
        bottom: stage.first.bottom_line,
        rounds: 0,
        best_proposal: None,
    };
    let mut day = start;
    let mut requests = 0;
    loop {
        let days = (day - start).whole_days();
        claim.as_of = Some(day);
        let Ok(a) = advise(p, &claim) else {
            return ledger.finish(p, &buyer, End::NoDeal, None, days);
        };
        let next = &a.next;
        if trace {
            eprintln!(
                "{day}: {} {:?} (bottom line {}, belief {:?}/{:?})",
                next.action.as_str(),
                next.proposal.as_ref().map(|x| (x.remedy, x.amount, x.cost)),
                a.bottom_line,
                a.belief.refused.map(|x| x.value),
                a.belief.upper.map(|x| x.value)
            );
        }
        match next.action {
            Action::Escalate => return ledger.finish(p, &buyer, End::Escalated, None, days),
            // The play ends at an acceptance, so the advice never finds the claim settled; were
            // it to, the deal is the one agreed.
            Action::Execute => {
                let Some(prop) = &next.proposal else {
                    return ledger.finish(p, &buyer, End::NoDeal, None, days);
                };
                let v = value(p, prop.remedy, prop.amount);
                return ledger.finish(p, &buyer, End::Settled, Some((v, prop.cost)), days);
            }
            Action::Accept => {
                let Some(prop) = &next.proposal else {
                    return ledger.finish(p, &buyer, End::NoDeal, None, days);
                };
                let v = value(p, prop.remedy, prop.amount);
                claim
                    .rounds
                    .push(Round::answer(day, Party::Seller, RoundKind::Accept));
                return ledger.finish(p, &buyer, End::Settled, Some((v, prop.cost)), days);
            }
            Action::RequestEvidence => {
                requests += 1;
                if requests > 2 {
                    return ledger.finish(p, &buyer, End::Escalated, None, days);
                }
                claim.rounds.push(Round::answer(
                    day,
                    Party::Seller,
                    RoundKind::RequestEvidence,
                ));
                day += time::Duration::days(DAYS_PER_REPLY);
                claim = settle_engine::eval::moves::with_evidence(p, &claim, &next.because);
                claim
                    .rounds
                    .push(Round::answer(day, Party::Buyer, RoundKind::Evidence));
            }
            Action::Offer | Action::Reject => {
                let Some(prop) = next.proposal.clone() else {
                    return ledger.finish(p, &buyer, End::NoDeal, None, days);
                };
                if ledger.rounds >= MAX_OFFERS {
                    return ledger.finish(p, &buyer, End::NoDeal, None, days);
                }
                ledger.rounds += 1;
                claim
                    .rounds
                    .push(Round::propose(day, Party::Seller, prop.remedy, prop.amount));
                day += time::Duration::days(DAYS_PER_REPLY);
                let weeks = (day - start).whole_days() as f64 / 7.0;
                let v = value(p, prop.remedy, prop.amount);
                let answer = buyer.answer(v, weeks, rng);
                if trace {
                    eprintln!("  buyer: {answer:?} (demand {})", buyer.demand());
                }
                match answer {
                    Answer::Accept => {
                        claim
                            .rounds
                            .push(Round::answer(day, Party::Buyer, RoundKind::Accept));
                        let days = (day - start).whole_days();
                        return ledger.finish(p, &buyer, End::Settled, Some((v, prop.cost)), days);
                    }
                    Answer::Walk => {
                        let days = (day - start).whole_days();
                        return ledger.finish(p, &buyer, End::NoDeal, None, days);
                    }
                    Answer::Refuse => {
                        claim
                            .rounds
                            .push(Round::answer(day, Party::Buyer, RoundKind::Refuse));
                    }
                    Answer::Counter(d) => {
                        ledger.saw_proposal(p, d);
                        claim.rounds.push(buyer_proposal(p, &claim, day, d));
                    }
                    Answer::WithdrawAndRaise(d) => {
                        claim
                            .rounds
                            .push(Round::answer(day, Party::Buyer, RoundKind::Withdraw));
                        claim.rounds.push(buyer_proposal(p, &claim, day, d));
                    }
                }
            }
        }
    }
}

/// The buyer's proposal of value `v`, in the option of its ask.
fn buyer_proposal(p: &Playbook, claim: &Claim, day: time::Date, v: Money) -> Round {
    let remedy = claim.ask.remedy;
    let appeal = p.buyer().appeal[remedy.index()].value;
    let amount = if appeal > Decimal::ZERO {
        (v / appeal).round_dp(2)
    } else {
        v
    };
    Round::propose(day, Party::Buyer, remedy, amount.min(claim.ask.amount))
}

/// Plays a fixed-curve seller against `buyer`: offers in the cheapest allowed form climb from
/// the advice's opening value to the value our bottom line buys, on a time curve with exponent
/// `beta` over [`FIXED_ROUNDS`] offers; the seller accepts the buyer's proposal when it costs
/// no more than its own next offer, and never pays above the bottom line.
pub fn play_fixed(
    p: &Playbook,
    stage: &Stage,
    beta: f64,
    mut buyer: Buyer,
    rng: &mut impl Rng,
) -> Run {
    let bottom = stage.first.bottom_line;
    let mut ledger = Ledger {
        stage,
        bottom,
        rounds: 0,
        best_proposal: None,
    };
    let ask_value = stage.ask_value(p);
    let open = (stage.fair * p.tree().opening.value)
        .min(ask_value)
        .max(Decimal::ZERO);
    // The most valuable offer within the bottom line, by halving on the value.
    let top = {
        let (mut lo, mut hi) = (open, ask_value);
        if stage.cheapest(p, hi).is_some_and(|c| c.cost <= bottom) {
            hi
        } else {
            for _ in 0..40 {
                let mid = ((lo + hi) / Decimal::TWO).round_dp(2);
                if stage.cheapest(p, mid).is_some_and(|c| c.cost <= bottom) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            lo
        }
    };
    let offer_at = |t: u32| -> Money {
        let share = (f64::from(t) / f64::from(FIXED_ROUNDS - 1)).clamp(0.0, 1.0);
        let alpha = rust_decimal::Decimal::try_from(share.powf(1.0 / beta)).unwrap_or(Decimal::ONE);
        (open + (top - open) * alpha).round_dp(2)
    };
    let start = stage.claim.received;
    let mut day = start;
    let mut standing: Option<Money> = None;
    for t in 0..MAX_OFFERS {
        let mine = offer_at(t);
        let Some(prop) = stage.cheapest(p, mine) else {
            break;
        };
        // Accept the buyer's proposal when it costs no more than our own next offer.
        if let Some(d) = standing
            && let Some(theirs) = stage.cheapest(p, d)
            && theirs.cost <= prop.cost.min(bottom)
        {
            let days = (day - start).whole_days();
            return ledger.finish(p, &buyer, End::Settled, Some((d, theirs.cost)), days);
        }
        ledger.rounds += 1;
        day += time::Duration::days(DAYS_PER_REPLY);
        let weeks = (day - start).whole_days() as f64 / 7.0;
        let days = (day - start).whole_days();
        match buyer.answer(mine, weeks, rng) {
            Answer::Accept => {
                return ledger.finish(p, &buyer, End::Settled, Some((mine, prop.cost)), days);
            }
            Answer::Walk => return ledger.finish(p, &buyer, End::NoDeal, None, days),
            Answer::Refuse => {}
            Answer::Counter(d) | Answer::WithdrawAndRaise(d) => {
                ledger.saw_proposal(p, d);
                standing = Some(d);
            }
        }
    }
    let days = (day - start).whole_days();
    ledger.finish(p, &buyer, End::NoDeal, None, days)
}
