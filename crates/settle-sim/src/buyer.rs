//! Simulated buyers: how a buyer with a private reservation value answers offers, round by
//! round, until it accepts, walks away or runs out of time.
//!
//! Every amount here is a value to the buyer (an offer's amount times its option's appeal), in
//! the claim's currency. A buyer knows its *ask* (the value of its claim) and its *reserve* (the
//! least it will settle for); its *patience* ends a negotiation with a chance per reply and per
//! week, and at a deadline. Its *style* sets how it concedes from the ask towards the reserve.

use rand::Rng;
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde::Serialize;

/// How a buyer concedes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Style {
    /// Concedes little until late (time-based, exponent 1/5).
    Boulware,
    /// Concedes evenly over its time.
    Linear,
    /// Concedes most early (time-based, exponent 3).
    Conceder,
    /// Holds its ask; takes its reserve only at the deadline.
    Hardliner,
    /// Concedes as much as we conceded in our last offer.
    TitForTat,
    /// Seed 001: opens high, offers a cheap compromise, withdraws it when countered and raises
    /// its demand.
    Withdrawer,
    /// Not used to tune anything: accepts with a chance that rises smoothly around its reserve
    /// and counters with noisy demands (reported apart).
    Noisy,
}

impl Style {
    /// Every style, in report order.
    pub const ALL: [Style; 7] = [
        Style::Boulware,
        Style::Linear,
        Style::Conceder,
        Style::Hardliner,
        Style::TitForTat,
        Style::Withdrawer,
        Style::Noisy,
    ];

    /// The name on the command line and in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Style::Boulware => "boulware",
            Style::Linear => "linear",
            Style::Conceder => "conceder",
            Style::Hardliner => "hardliner",
            Style::TitForTat => "tit_for_tat",
            Style::Withdrawer => "withdrawer",
            Style::Noisy => "noisy",
        }
    }

    /// The style named `s`.
    pub fn parse(s: &str) -> Option<Style> {
        Style::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the engine's rules were tuned with this buyer in view (the noisy buyer never
    /// was: it is reported apart).
    pub fn held_out(self) -> bool {
        self == Style::Noisy
    }
}

/// How long a buyer keeps talking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Patience {
    /// Ends with 2% a reply and 0.5% a week; deadline after 10 replies.
    Patient,
    /// Ends with 6% a reply and 1.5% a week; deadline after 7 replies.
    Normal,
    /// Ends with 15% a reply and 4% a week; deadline after 4 replies.
    Impatient,
}

impl Patience {
    /// Every level.
    pub const ALL: [Patience; 3] = [Patience::Patient, Patience::Normal, Patience::Impatient];

    /// The name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Patience::Patient => "patient",
            Patience::Normal => "normal",
            Patience::Impatient => "impatient",
        }
    }

    /// Chance a reply ends the negotiation, per reply and per week elapsed.
    fn chances(self) -> (f64, f64) {
        match self {
            Patience::Patient => (0.02, 0.005),
            Patience::Normal => (0.06, 0.015),
            Patience::Impatient => (0.15, 0.04),
        }
    }

    /// The reply at which the buyer stops talking.
    pub fn deadline(self) -> u32 {
        match self {
            Patience::Patient => 10,
            Patience::Normal => 7,
            Patience::Impatient => 4,
        }
    }
}

/// Where a buyer's reserve lies, as a share of the value of its ask.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reserve {
    /// 35% of the ask.
    Low,
    /// 60% of the ask.
    Mid,
    /// 85% of the ask.
    High,
}

impl Reserve {
    /// Every level.
    pub const ALL: [Reserve; 3] = [Reserve::Low, Reserve::Mid, Reserve::High];

    /// The name in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Reserve::Low => "low",
            Reserve::Mid => "mid",
            Reserve::High => "high",
        }
    }

    /// The share of the ask.
    pub fn share(self) -> Decimal {
        match self {
            Reserve::Low => Decimal::new(35, 2),
            Reserve::Mid => Decimal::new(60, 2),
            Reserve::High => Decimal::new(85, 2),
        }
    }
}

/// A buyer's answer to an offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// It accepts the offer.
    Accept,
    /// It turns the offer down and proposes this value instead.
    Counter(Decimal),
    /// It turns the offer down and holds its last proposal.
    Refuse,
    /// It withdraws its proposal and proposes this value instead (seed 001).
    WithdrawAndRaise(Decimal),
    /// It walks away.
    Walk,
}

/// A simulated buyer in the middle of a negotiation.
#[derive(Debug, Clone)]
pub struct Buyer {
    /// How it concedes.
    pub style: Style,
    /// How long it keeps talking.
    pub patience: Patience,
    /// The value of its ask.
    pub ask: Decimal,
    /// The least it settles for.
    pub reserve: Decimal,
    /// Its replies so far.
    replies: u32,
    /// Its demand on the table (starts at the ask).
    demand: Decimal,
    /// Our previous offer's value (for tit-for-tat).
    last_offer: Option<Decimal>,
    /// Seed 001's compromise, while it stands.
    compromise: Option<Decimal>,
    /// Seed 001: it withdrew its compromise and raised its demand.
    raised: bool,
}

/// A value rounded to cents, from a float worked out by the buyer's concession curve.
fn money(x: f64) -> Decimal {
    Decimal::from_f64(x)
        .unwrap_or_default()
        .round_dp(2)
        .max(Decimal::ZERO)
}

fn f(x: Decimal) -> f64 {
    x.to_f64().unwrap_or(0.0)
}

impl Buyer {
    /// A buyer whose ask is worth `ask` to it, with its reserve at `reserve` of it.
    pub fn new(style: Style, patience: Patience, ask: Decimal, reserve: Reserve) -> Buyer {
        Buyer {
            style,
            patience,
            ask,
            reserve: (ask * reserve.share()).round_dp(2),
            replies: 0,
            demand: ask,
            last_offer: None,
            compromise: None,
            raised: false,
        }
    }

    /// A buyer whose reserve is `reserve` of value (any value up to its ask).
    pub fn with_reserve(style: Style, patience: Patience, ask: Decimal, reserve: Decimal) -> Buyer {
        Buyer {
            reserve: reserve.clamp(Decimal::ZERO, ask),
            ..Buyer::new(style, patience, ask, Reserve::Low)
        }
    }

    /// Its demand on the table.
    pub fn demand(&self) -> Decimal {
        self.demand
    }

    /// The time-based demand after `t` of `deadline` replies, from `from` towards `to`.
    fn curve(from: Decimal, to: Decimal, t: u32, deadline: u32, beta: f64) -> Decimal {
        let share = (f64::from(t) / f64::from(deadline.max(1))).clamp(0.0, 1.0);
        let alpha = share.powf(1.0 / beta);
        money(f(from) - (f(from) - f(to)) * alpha)
    }

    /// Answers an offer worth `offer` to the buyer, `weeks` after the claim was raised.
    pub fn answer(&mut self, offer: Decimal, weeks: f64, rng: &mut impl Rng) -> Answer {
        self.replies += 1;
        let t = self.replies;
        let deadline = self.patience.deadline();
        let previous = self.last_offer.replace(offer);
        // What it would ask next, by its style.
        let next = match self.style {
            Style::Boulware => Self::curve(self.ask, self.reserve, t, deadline, 0.2),
            Style::Linear => Self::curve(self.ask, self.reserve, t, deadline, 1.0),
            Style::Conceder => Self::curve(self.ask, self.reserve, t, deadline, 3.0),
            Style::Hardliner => {
                if t >= deadline {
                    self.reserve
                } else {
                    self.ask
                }
            }
            Style::TitForTat => {
                let ours = match previous {
                    Some(p) if offer > p => offer - p,
                    _ => Decimal::ZERO,
                };
                let first = if t == 1 {
                    (self.ask - self.reserve) / Decimal::from(10)
                } else {
                    Decimal::ZERO
                };
                (self.demand - ours - first).max(self.reserve).round_dp(2)
            }
            Style::Withdrawer => {
                if self.raised {
                    // After withdrawing, a Boulware buyer from the ask to a raised reserve.
                    let raised = (self.reserve + self.ask) / Decimal::TWO;
                    Self::curve(self.ask, raised, t, deadline, 0.2)
                } else {
                    self.reserve
                }
            }
            Style::Noisy => {
                let base = Self::curve(self.ask, self.reserve, t, deadline, 1.0);
                let noise = (rng.random::<f64>() - 0.5) * 0.1 * f(self.ask);
                money(f(base) + noise)
                    .clamp(self.reserve, self.ask)
                    .min(self.demand)
            }
        };
        // Accepting.
        let floor = match self.style {
            Style::Withdrawer if self.raised => (self.reserve + self.ask) / Decimal::TWO,
            _ => self.reserve,
        };
        let accepts = match self.style {
            Style::Noisy => {
                let z = (f(offer) - f(self.reserve)) / (0.05 * f(self.ask).max(1.0));
                rng.random::<f64>() < 1.0 / (1.0 + (-z).exp())
            }
            Style::Hardliner => offer >= self.ask || (t >= deadline && offer >= self.reserve),
            _ => offer >= next.max(floor) || offer >= self.demand,
        };
        if accepts {
            return Answer::Accept;
        }
        if t >= deadline {
            return Answer::Walk;
        }
        let (per_reply, per_week) = self.patience.chances();
        if rng.random::<f64>() < per_reply + per_week * weeks.max(0.0) {
            return Answer::Walk;
        }
        match self.style {
            Style::Withdrawer if self.compromise.is_some() && !self.raised => {
                // Countered below its compromise: it withdraws it and raises its demand.
                self.compromise = None;
                self.raised = true;
                self.demand = self.ask;
                Answer::WithdrawAndRaise(self.ask)
            }
            Style::Withdrawer if !self.raised => {
                self.compromise = Some(next);
                self.demand = next;
                Answer::Counter(next)
            }
            Style::Hardliner => Answer::Refuse,
            _ if next >= self.demand => Answer::Refuse,
            _ => {
                self.demand = next;
                Answer::Counter(next)
            }
        }
    }

    /// Whether the buyer takes an offer worth `offer` outright, without a reply counted (the
    /// seller accepting the buyer's own proposal needs no answer).
    pub fn would_take(&self, offer: Decimal) -> bool {
        offer >= self.demand
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn rng() -> rand_chacha::ChaCha8Rng {
        rand_chacha::ChaCha8Rng::seed_from_u64(7)
    }

    #[test]
    fn a_time_based_buyer_concedes_towards_its_reserve_and_never_below() {
        for style in [Style::Boulware, Style::Linear, Style::Conceder] {
            let mut b = Buyer::new(style, Patience::Patient, Decimal::from(1000), Reserve::Mid);
            let mut r = rng();
            let mut last = Decimal::from(1000);
            let mut demands = Vec::new();
            for _ in 0..9 {
                match b.answer(Decimal::from(100), 0.0, &mut r) {
                    Answer::Counter(d) => {
                        assert!(d <= last && d >= Decimal::from(600), "{style:?}: {d}");
                        last = d;
                        demands.push(d);
                    }
                    Answer::Refuse | Answer::Walk => {}
                    a => panic!("{style:?}: {a:?}"),
                }
            }
            assert!(!demands.is_empty());
        }
    }

    #[test]
    fn a_buyer_accepts_its_reserve_at_the_deadline_and_walks_below_it() {
        let mut b = Buyer::new(
            Style::Hardliner,
            Patience::Impatient,
            Decimal::from(1000),
            Reserve::Mid,
        );
        let mut r = rng();
        let mut got = Vec::new();
        for _ in 0..4 {
            got.push(b.answer(Decimal::from(600), 0.0, &mut r));
        }
        assert!(got.contains(&Answer::Accept) || got.contains(&Answer::Walk));
        let mut b = Buyer::new(
            Style::Hardliner,
            Patience::Impatient,
            Decimal::from(1000),
            Reserve::Mid,
        );
        let last = (0..4)
            .map(|_| b.answer(Decimal::from(500), 0.0, &mut r))
            .last();
        assert_eq!(last, Some(Answer::Walk));
    }

    #[test]
    fn the_seed_001_buyer_withdraws_its_compromise_when_countered() {
        let mut b = Buyer::new(
            Style::Withdrawer,
            Patience::Patient,
            Decimal::from(1000),
            Reserve::Mid,
        );
        let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        assert_eq!(
            b.answer(Decimal::from(300), 0.0, &mut r),
            Answer::Counter(Decimal::from(600))
        );
        assert_eq!(
            b.answer(Decimal::from(400), 0.0, &mut r),
            Answer::WithdrawAndRaise(Decimal::from(1000))
        );
        // Now it wants at least halfway between its reserve and its ask.
        assert_ne!(b.answer(Decimal::from(700), 0.0, &mut r), Answer::Accept);
    }
}
