//! Steps 5 and 7 of the model: the negotiation tree, rolled back over the belief about the
//! buyer.
//!
//! The seller's moves are offers on each option's concession ladder, or accepting the buyer's
//! proposal on the table; the buyer accepts, counters (turns the offer down) or walks away.
//! The buyer accepts an offer when it is worth at least its *reservation value*, which the
//! seller does not know: the prior (the acceptance curves) is a distribution of it, and every
//! offer the buyer turns down raises its lower bound, every proposal of the buyer's sets an
//! upper bound (it would take that much). So the chance the buyer accepts an offer is the
//! prior's chance *conditional on what the rounds showed*: an offer the buyer turned down keeps
//! no chance of being accepted later, and the next offer's chance is worked out as if the last
//! one was turned down. Offers only climb.
//!
//! A decision state is (round, the last offer turned down, the buyer's proposal: open, countered
//! or withdrawn), and the rollback is O(rounds × candidates²): each state chooses among the
//! offers worth more than the last one turned down. [`Rollback::graph`] materialises the same
//! tree as a petgraph graph for display and checks.
//!
//! Choices are made on binary floating-point estimates of the expected costs and settled in
//! exact decimal arithmetic whenever two estimates are too close for their error bound to tell
//! apart: every choice is the one the decimal figures make, and every figure reported is worked
//! out in decimal.

use super::pricing::Proposal;
use crate::claim::Remedy;
use crate::fast::order;
use crate::money::{Checked, Money, Overflow};
use petgraph::graph::{DiGraph, NodeIndex};
use rust_decimal::Decimal;

/// Conditional chances of acceptance are rounded to twelve places: far finer than any rule
/// figure, and coarse enough that the estimates' error (well under 10⁻¹⁵) stays far inside the
/// tolerance with which the estimated choices are checked.
const ACCEPT_DP: u32 = 12;

/// A candidate offer with everything the tree needs about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The offer.
    pub proposal: Proposal,
    /// Rung on the option's ladder (0 = opening offer).
    pub rung: usize,
    /// Value as the buyer perceives it (amount × the option's appeal).
    pub perceived: Money,
    /// The prior chance the buyer accepts it (the acceptance curves, before any round).
    pub acceptance: Decimal,
    /// Loyalty kept if settled on it, before time decay (the fairness curve's value).
    pub fairness: Decimal,
}

impl Candidate {
    /// Goodwill lost if the buyer has to counter this offer.
    pub fn countered_cost(
        &self,
        customer_value: Money,
        countered: Decimal,
    ) -> Result<Money, Overflow> {
        customer_value
            .mul_or(countered, "counter cost")?
            .mul_or(Decimal::ONE - self.fairness, "counter cost")
    }

    fn point(&self) -> Point {
        Point {
            value: self.perceived,
            prior: self.acceptance,
        }
    }
}

/// Per-round figures that do not depend on the offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundTerms {
    /// Chance the buyer keeps talking rather than walks, when it does not accept.
    pub patience: Decimal,
    /// Loyalty lost to time by the end of this round.
    pub decay: Decimal,
}

/// The chance the buyer accepts an offer at `at` (its value and the prior there), given that it
/// turned down `lower` (the prior's mass below it kept in `1 − refusal` share) and would take
/// `upper`: the prior conditional on what the rounds showed. Where the prior has no mass between
/// the bounds, the chance rises evenly between them.
pub fn conditional(
    at: Point,
    lower: Option<Point>,
    upper: Option<Point>,
    refusal: Decimal,
) -> Result<Decimal, Overflow> {
    if let Some(u) = upper
        && at.value >= u.value
    {
        return Ok(Decimal::ONE);
    }
    let f_low = match lower {
        Some(l) => refusal.mul_or(l.prior, "acceptance")?,
        None => Decimal::ZERO,
    };
    let f_up = upper.map_or(Decimal::ONE, |u| u.prior);
    let den = f_up - f_low;
    let a = if den > Decimal::ZERO {
        (at.prior - f_low).div_or(den, "acceptance")?
    } else {
        let lo = lower.map_or(Decimal::ZERO, |l| l.value);
        match upper {
            Some(u) if u.value > lo => (at.value - lo).div_or(u.value - lo, "acceptance")?,
            _ if at.value > lo => Decimal::ONE,
            _ => Decimal::ZERO,
        }
    };
    Ok(a.clamp(Decimal::ZERO, Decimal::ONE).round_dp(ACCEPT_DP))
}

/// A value to the buyer, with the prior chance that the buyer accepts that much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Point {
    /// The value to the buyer.
    pub value: Money,
    /// The prior chance of acceptance at that value.
    pub prior: Decimal,
}

/// The buyer's proposal, as the tree may accept it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuyerProposal {
    /// The proposal as we would accept it: the buyer's own terms, or, where our rules block its
    /// option, an allowed option of the same value to the buyer at the least cost to us.
    pub proposal: Proposal,
    /// It may be accepted now; false when we countered it and the buyer has not answered.
    pub open: bool,
    /// The expected cost of accepting it in round `k` (its direct cost and the loyalty lost to
    /// the time taken), one per modelled round.
    pub accept_cost: Vec<Money>,
}

/// Where the buyer's proposal stands in a state of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum OnTable {
    /// It may be accepted now.
    Open,
    /// We countered it and the buyer has not answered (at the root only).
    Countered,
    /// There is none, or the buyer withdrew it.
    Gone,
}

impl OnTable {
    fn index(self) -> usize {
        self as usize
    }
}

/// The negotiation as the tree sees it: the offers, each round's terms, what the rounds so far
/// showed about the buyer, and what the ways a negotiation can end cost.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Game {
    /// The offers, sorted by [`Candidate::perceived`], then option order, then rung.
    pub candidates: Vec<Candidate>,
    /// Per-round figures, one per modelled round.
    pub rounds: Vec<RoundTerms>,
    /// What the customer is worth.
    pub customer_value: Money,
    /// Expected cost when the buyer walks away.
    pub walk_cost: Money,
    /// Expected cost when the last modelled round ends in a counter.
    pub stalemate_cost: Money,
    /// Loyalty lost when the buyer must counter an offer, per unit of its unfairness.
    pub countered: Decimal,
    /// The most valuable offer of ours the buyer has turned down so far.
    pub refused: Option<Point>,
    /// The buyer's proposal on the table (its value to the buyer), an upper bound on its
    /// reservation value while it stands.
    pub upper: Option<Point>,
    /// That proposal, if we could accept it (an allowed option within the bottom line).
    pub standing: Option<BuyerProposal>,
    /// How much a turned-down offer tells (`buyer.belief.refusal`): 1, the buyer's
    /// reservation value is surely above it; less, the prior's mass below it is kept in that
    /// share.
    pub refusal: Decimal,
    /// The chance the buyer withdraws its proposal when we counter it
    /// (`buyer.belief.withdraws`).
    pub withdraws: Decimal,
}

/// A seller's move in a state of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Choice {
    /// Accept the buyer's proposal.
    Accept,
    /// Offer candidate `i`.
    Offer(usize),
    /// No move is left (every offer is worth no more than one turned down, or costs more than
    /// accepting the buyer's proposal): the negotiation ends without a deal.
    Nothing,
}

/// A state of the tree: the round (from 0), the last offer turned down in the tree (`None`:
/// only the rounds before it), and where the buyer's proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct State {
    /// The round, from 0.
    pub round: usize,
    /// The last candidate the buyer turned down in the tree.
    pub last: Option<usize>,
    /// Where the buyer's proposal stands.
    pub table: OnTable,
}

/// A reply's probabilities; they sum to exactly one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Replies {
    /// Chance the buyer accepts.
    pub accept: Decimal,
    /// Chance the buyer counters.
    pub counter: Decimal,
    /// Chance the buyer walks away.
    pub walk: Decimal,
}

impl Replies {
    /// The replies to an offer accepted with chance `accept`. A buyer that does not accept
    /// walks away only when it is out of `patience` and the offer is unfair: an offer that
    /// keeps `fairness` of its loyalty is countered, not walked away from, in that share.
    pub fn new(accept: Decimal, patience: Decimal, fairness: Decimal) -> Replies {
        let rest = Decimal::ONE - accept;
        // Factors of at most twelve, six and six places: the product is exact.
        let walk = rest * (Decimal::ONE - patience) * (Decimal::ONE - fairness);
        Replies {
            accept,
            counter: rest - walk,
            walk,
        }
    }
}

/// The nearest binary floating-point number to `d`, give or take three units in the last
/// place: the mantissa's high 32 bits (exact) and low 64 bits (rounded once) added (rounded
/// once), divided by an exact power of ten (rounded once more). Without a 128-bit
/// conversion, which is a slow library call.
fn approx(d: Decimal) -> f64 {
    const POW10: [f64; 29] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
        1e17, 1e18, 1e19, 1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28,
    ];
    let m = d.mantissa();
    let u = m.unsigned_abs();
    let magnitude = ((u >> 64) as u64) as f64 * 18_446_744_073_709_551_616.0 + (u as u64) as f64;
    let v = magnitude / POW10[(d.scale() as usize).min(28)];
    if m < 0 { -v } else { v }
}

/// Estimates below this bound (in money) keep decimal arithmetic well away from overflow, so
/// the estimate path never hides an overflow that the decimal path would report.
const APPROX_LIMIT: f64 = 1e20;

/// Relative error tolerated between an estimate and its decimal figure, as a share of the
/// largest figure in the tree. Each term carries a few roundings of 2⁻⁵³ and a chance of
/// acceptance rounded to twelve places in decimal and not at all in the estimate (at most
/// 5 × 10⁻¹³ of a figure per round); this bound leaves three orders of magnitude to spare for
/// twenty rounds.
const APPROX_SHARE: f64 = 1e-9;

/// How [`Rollback::solve`] works: on estimates (settled in decimal) or in decimal throughout;
/// with or without the per-option bests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mode {
    estimate: bool,
    per_option: bool,
}

impl Mode {
    /// Estimates, every figure: the advice.
    pub const FULL: Mode = Mode {
        estimate: true,
        per_option: true,
    };
    /// Decimal throughout, every figure: slower, and the reference the estimated rollback
    /// must agree with exactly.
    pub const EXACT: Mode = Mode {
        estimate: false,
        per_option: true,
    };
    /// The next move alone: the best move at the root, without the per-option bests where they
    /// cannot fail (the estimated path, whose figures are far too small to overflow), so that
    /// it fails exactly when [`Mode::FULL`] does. On such a tree [`Rollback::best_of`] answers
    /// `None`; it never leaves the advice that made it.
    pub const OPENING: Mode = Mode {
        estimate: true,
        per_option: false,
    };
}

/// The rolled-back tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollback {
    /// The game it was rolled back from.
    pub game: Game,
    /// `rep[i]`: the cheapest member of candidate `i`'s tie group (equal value to the buyer),
    /// the one rolled back in full; the others follow from it by one multiplication.
    pub rep: Vec<usize>,
    /// The best move of every state the rollback reached.
    choices: Vec<Option<Choice>>,
    root: Option<(Choice, Money)>,
    by_remedy: [Option<(usize, Money)>; 6],
}

/// A memo of the few decimal figures a rollback works out (along the best path and at near
/// ties): a short list searched in order, cheaper than hashing for a few dozen entries.
struct Memo<K, V>(Vec<(K, V)>);

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo(Vec::new())
    }
}

impl<K: PartialEq, V: Copy> Memo<K, V> {
    fn get(&self, k: &K) -> Option<&V> {
        self.0.iter().find(|(x, _)| x == k).map(|(_, v)| v)
    }

    fn insert(&mut self, k: K, v: V) {
        self.0.push((k, v));
    }
}

/// The game's figures as estimates and its comparisons worked out once, for the estimated
/// choices (each agrees with the decimal [`Game`] method of the same name).
struct Fast {
    cost: Vec<f64>,
    prior: Vec<f64>,
    fairness: Vec<f64>,
    /// The tie group of each candidate: groups rise with the value to the buyer.
    group: Vec<usize>,
    reject: Vec<bool>,
    /// Worth more than the offer the buyer turned down before the tree (all, if none).
    above_refused: Vec<bool>,
    /// Worth at least the buyer's proposal (none, if it has none).
    covers_upper: Vec<bool>,
    /// Costs less than accepting the buyer's proposal (all, if none).
    under_standing: Vec<bool>,
    refused_prior: Option<f64>,
    upper_prior: Option<f64>,
    refusal: f64,
    withdraws: f64,
    patience: Vec<f64>,
    decay: Vec<f64>,
    accept_cost: Vec<f64>,
    customer_value: f64,
    walk_cost: f64,
    stalemate_cost: f64,
    countered: f64,
}

impl Fast {
    fn of(g: &Game) -> Fast {
        let c = &g.candidates;
        let mut group = vec![0usize; c.len()];
        for i in 1..c.len() {
            group[i] =
                group[i - 1] + usize::from(!order(c[i].perceived, c[i - 1].perceived).is_eq());
        }
        Fast {
            cost: c.iter().map(|x| approx(x.proposal.cost)).collect(),
            prior: c.iter().map(|x| approx(x.acceptance)).collect(),
            fairness: c.iter().map(|x| approx(x.fairness)).collect(),
            group,
            reject: c
                .iter()
                .map(|x| x.proposal.remedy == Remedy::Reject)
                .collect(),
            above_refused: c
                .iter()
                .map(|x| g.refused.is_none_or(|r| x.perceived > r.value))
                .collect(),
            covers_upper: c
                .iter()
                .map(|x| g.upper.is_some_and(|u| x.perceived >= u.value))
                .collect(),
            under_standing: c
                .iter()
                .map(|x| {
                    g.standing
                        .as_ref()
                        .is_none_or(|b| x.proposal.cost < b.proposal.cost)
                })
                .collect(),
            refused_prior: g.refused.map(|r| approx(r.prior)),
            upper_prior: g.upper.map(|u| approx(u.prior)),
            refusal: approx(g.refusal),
            withdraws: approx(g.withdraws),
            patience: g.rounds.iter().map(|t| approx(t.patience)).collect(),
            decay: g.rounds.iter().map(|t| approx(t.decay)).collect(),
            accept_cost: g
                .standing
                .iter()
                .flat_map(|b| b.accept_cost.iter().map(|x| approx(*x)))
                .collect(),
            customer_value: approx(g.customer_value),
            walk_cost: approx(g.walk_cost),
            stalemate_cost: approx(g.stalemate_cost),
            countered: approx(g.countered),
        }
    }

    /// [`Game::allowed`].
    fn allowed(&self, s: State, i: usize, standing: bool) -> bool {
        if self.reject[i] {
            return true;
        }
        let above = match s.last {
            Some(j) => self.group[i] > self.group[j],
            None => self.above_refused[i],
        };
        above && (s.table != OnTable::Open || !standing || self.under_standing[i])
    }

    /// [`Game::acceptance`], estimated; `NaN` where only decimal can decide the branch.
    fn acceptance(&self, s: State, i: usize) -> f64 {
        let upper = if s.table == OnTable::Gone {
            None
        } else {
            self.upper_prior
        };
        if upper.is_some() && self.covers_upper[i] {
            return 1.0;
        }
        let f_low = match s.last {
            Some(j) => self.refusal * self.prior[j],
            None => self.refused_prior.map_or(0.0, |p| self.refusal * p),
        };
        let den = upper.unwrap_or(1.0) - f_low;
        // The decimal path decides by the exact sign of the denominator; an estimate must
        // take the same branch, so a denominator within rounding of zero is left to decimal.
        if den > 1e-12 {
            ((self.prior[i] - f_low) / den).clamp(0.0, 1.0)
        } else {
            f64::NAN
        }
    }
}

/// The rollback's working state.
struct Solver<'a> {
    g: &'a Game,
    fast: Fast,
    rep: &'a [usize],
    n: usize,
    depth: usize,
    /// Estimated value of each state (`NaN`: not yet worked out).
    est: Vec<f64>,
    choices: Vec<Option<Choice>>,
    /// Estimates closer than this are compared in decimal; infinite when there are no
    /// estimates (every comparison is then decimal).
    tolerance: f64,
    exact_v: Memo<usize, Money>,
    exact_q: Memo<(usize, Choice), Money>,
    accept: Memo<(usize, usize), Decimal>,
}

impl Game {
    fn state_index(&self, s: State) -> usize {
        let n = self.candidates.len();
        (s.round * (n + 1) + s.last.unwrap_or(n)) * 3 + s.table.index()
    }

    fn states(&self) -> usize {
        self.rounds.len() * (self.candidates.len() + 1) * 3
    }

    /// The root state.
    pub fn root(&self) -> State {
        State {
            round: 0,
            last: None,
            table: match (&self.upper, &self.standing) {
                (None, _) => OnTable::Gone,
                (Some(_), Some(b)) if b.open => OnTable::Open,
                (Some(_), _) => OnTable::Countered,
            },
        }
    }

    /// The lower bound on the buyer's reservation value in a state: the last offer it turned
    /// down.
    fn lower(&self, s: State) -> Option<Point> {
        match s.last {
            Some(i) => Some(self.candidates[i].point()),
            None => self.refused,
        }
    }

    /// The upper bound: the buyer's proposal, while it stands.
    fn upper(&self, s: State) -> Option<Point> {
        match s.table {
            OnTable::Gone => None,
            _ => self.upper,
        }
    }

    /// Whether candidate `i` may be offered in state `s`: worth more to the buyer than the last
    /// offer it turned down, and, while its proposal is open, costing less than accepting it.
    pub fn allowed(&self, s: State, i: usize) -> bool {
        let c = &self.candidates[i];
        // A rejection is a final answer, not an offer the buyer may still take: it stays open
        // whatever the buyer turned down.
        if c.proposal.remedy == Remedy::Reject {
            return true;
        }
        if let Some(l) = self.lower(s)
            && c.perceived <= l.value
        {
            return false;
        }
        match (&self.standing, s.table) {
            (Some(b), OnTable::Open) => c.proposal.cost < b.proposal.cost,
            _ => true,
        }
    }

    /// The chance the buyer accepts candidate `i` in state `s`: the prior's, conditional on
    /// the buyer's reservation value lying above the lower bound (kept in `1 − refusal` share
    /// below it) and at or below the upper bound. Where the prior has no mass between the
    /// bounds, the chance rises evenly between them.
    pub fn acceptance(&self, s: State, i: usize) -> Result<Decimal, Overflow> {
        let c = &self.candidates[i];
        conditional(c.point(), self.lower(s), self.upper(s), self.refusal)
    }

    /// The state after the buyer counters candidate `i` in state `s`, keeping (`true`) or
    /// withdrawing its proposal.
    fn after_counter(&self, s: State, i: usize, keeps: bool) -> State {
        // A rejection the buyer pushes back on says nothing new about its reservation value.
        let last = if self.candidates[i].proposal.remedy == Remedy::Reject {
            s.last
        } else {
            Some(i)
        };
        State {
            round: s.round + 1,
            last,
            table: match s.table {
                OnTable::Gone => OnTable::Gone,
                _ if keeps => OnTable::Open,
                _ => OnTable::Gone,
            },
        }
    }
}

impl Solver<'_> {
    fn acc(&mut self, s: State, i: usize) -> Result<Decimal, Overflow> {
        let key = (self.g.state_index(s), i);
        if let Some(a) = self.accept.get(&key) {
            return Ok(*a);
        }
        let a = self.g.acceptance(s, i)?;
        self.accept.insert(key, a);
        Ok(a)
    }

    /// Whether candidate `i` is a move of state `s` (tie groups are rolled back by their
    /// cheapest member).
    fn offers(&self, s: State, i: usize) -> bool {
        self.rep[i] == i && self.fast.allowed(s, i, self.g.standing.is_some())
    }

    /// Makes the choice of state `s` (and of every state after it). Ties go to accepting the
    /// buyer's proposal, then to offers by candidate order.
    fn ensure(&mut self, s: State) -> Result<(), Overflow> {
        let idx = self.g.state_index(s);
        if self.choices[idx].is_some() {
            return Ok(());
        }
        if s.round + 1 < self.depth {
            for i in 0..self.n {
                if self.offers(s, i) {
                    self.ensure(self.g.after_counter(s, i, true))?;
                    if s.table != OnTable::Gone {
                        self.ensure(self.g.after_counter(s, i, false))?;
                    }
                }
            }
        }
        let mut best: Option<(Choice, f64)> = None;
        let accept = s.table == OnTable::Open && self.g.standing.is_some();
        let moves = accept
            .then_some(Choice::Accept)
            .into_iter()
            .chain((0..self.n).map(Choice::Offer));
        for m in moves {
            if let Choice::Offer(i) = m
                && !self.offers(s, i)
            {
                continue;
            }
            let e = if self.tolerance.is_finite() {
                self.estimate_q(s, m)
            } else {
                f64::NAN
            };
            best = match best {
                None => Some((m, e)),
                Some((b, be)) => {
                    if self.less(s, (m, e), (b, be))? {
                        Some((m, e))
                    } else {
                        Some((b, be))
                    }
                }
            };
        }
        let (choice, est) = best.unwrap_or((Choice::Nothing, approx(self.g.walk_cost)));
        self.choices[idx] = Some(choice);
        self.est[idx] = est;
        Ok(())
    }

    /// Whether move `a` costs less than move `b` in state `s`, in decimal terms (estimates
    /// decide when they are far enough apart).
    fn less(&mut self, s: State, a: (Choice, f64), b: (Choice, f64)) -> Result<bool, Overflow> {
        let d = a.1 - b.1;
        if d.is_finite() {
            if d < -self.tolerance {
                return Ok(true);
            }
            if d > self.tolerance {
                return Ok(false);
            }
        }
        Ok(self.exact_q(s, a.0)? < self.exact_q(s, b.0)?)
    }

    fn estimate_v(&self, s: State) -> f64 {
        self.est[self.g.state_index(s)]
    }

    /// The estimated expected cost of move `m` in state `s`; `NaN` when the estimate cannot be
    /// trusted to follow the decimal path (decimal then decides).
    fn estimate_q(&self, s: State, m: Choice) -> f64 {
        let f = &self.fast;
        match m {
            Choice::Accept => f.accept_cost.get(s.round).copied().unwrap_or(f64::NAN),
            Choice::Nothing => f.walk_cost,
            Choice::Offer(i) => {
                let a = f.acceptance(s, i);
                let fairness = f.fairness[i];
                let rest = 1.0 - a;
                let walked = rest * (1.0 - f.patience[s.round]) * (1.0 - fairness);
                let kept = (fairness - f.decay[s.round]).clamp(0.0, 1.0);
                let cv = f.customer_value;
                let settled = f.cost[i] + cv * (1.0 - kept);
                let next = |st: State| {
                    if st.round < self.depth {
                        self.estimate_v(st)
                    } else {
                        f.stalemate_cost
                    }
                };
                let keep = next(self.g.after_counter(s, i, true));
                let cont = if s.table == OnTable::Gone {
                    keep
                } else {
                    let w = f.withdraws;
                    (1.0 - w) * keep + w * next(self.g.after_counter(s, i, false))
                };
                let cont = cont + cv * f.countered * (1.0 - fairness);
                a * settled + walked * f.walk_cost + (rest - walked) * cont
            }
        }
    }

    /// The decimal value of state `s` (its choice must be made).
    fn exact_v(&mut self, s: State) -> Result<Money, Overflow> {
        if s.round >= self.depth {
            return Ok(self.g.stalemate_cost);
        }
        let idx = self.g.state_index(s);
        if let Some(v) = self.exact_v.get(&idx) {
            return Ok(*v);
        }
        self.ensure(s)?;
        let choice = self.choices[idx].unwrap_or(Choice::Nothing);
        let v = self.exact_q(s, choice)?;
        self.exact_v.insert(idx, v);
        Ok(v)
    }

    /// The decimal expected cost of move `m` in state `s`, playing best afterwards.
    fn exact_q(&mut self, s: State, m: Choice) -> Result<Money, Overflow> {
        let key = (self.g.state_index(s), m);
        if let Some(v) = self.exact_q.get(&key) {
            return Ok(*v);
        }
        let g = self.g;
        let v = match m {
            Choice::Accept => match &g.standing {
                Some(b) => b.accept_cost[s.round],
                None => g.walk_cost,
            },
            Choice::Nothing => g.walk_cost,
            Choice::Offer(i) => {
                let c = &g.candidates[i];
                let t = g.rounds[s.round];
                let a = self.acc(s, i)?;
                let keep = self.exact_v(g.after_counter(s, i, true))?;
                let cont = if s.table == OnTable::Gone {
                    keep
                } else {
                    let gone = self.exact_v(g.after_counter(s, i, false))?;
                    (Decimal::ONE - g.withdraws)
                        .mul_or(keep, "expected cost")?
                        .add_or(g.withdraws.mul_or(gone, "expected cost")?, "expected cost")?
                };
                offer_cost(c, a, t, g, cont)?
            }
        };
        self.exact_q.insert(key, v);
        Ok(v)
    }

    /// The tolerance of the estimates: a share of the largest figure in the tree; `None`
    /// when a figure is too large, or a chance out of range, for estimates to be safe.
    fn tolerance(&self) -> Option<f64> {
        let g = self.g;
        let unit = crate::fast::in_unit;
        if !g
            .candidates
            .iter()
            .all(|c| unit(c.acceptance) && unit(c.fairness))
            || !g.rounds.iter().all(|t| unit(t.patience) && unit(t.decay))
            || !unit(g.withdraws)
            || !unit(g.refusal)
            || g.upper.is_some_and(|u| !unit(u.prior))
            || g.refused.is_some_and(|r| !unit(r.prior))
        {
            return None;
        }
        // Every expected cost is a probability-weighted mix of settled costs (a direct cost
        // and a share of the customer), the walk-away and the stalemate, plus the goodwill of
        // a counter per round, plus (for tie-group members) a difference of direct costs.
        let max_cost = g
            .candidates
            .iter()
            .map(|c| approx(c.proposal.cost).abs())
            .chain(
                g.standing
                    .iter()
                    .flat_map(|b| b.accept_cost.iter().map(|x| approx(*x).abs())),
            )
            .fold(0f64, f64::max);
        let cv = approx(g.customer_value).abs();
        let largest = (max_cost + cv)
            .max(approx(g.walk_cost).abs())
            .max(approx(g.stalemate_cost).abs())
            + self.depth as f64 * (cv * approx(g.countered)).abs()
            + 2.0 * max_cost;
        (largest.is_finite() && largest < APPROX_LIMIT).then_some(largest * APPROX_SHARE)
    }
}

/// The expected cost of offering candidate `c` with chance of acceptance `a` in a round with
/// terms `t`, given the expected cost `cont` of playing on after a counter.
fn offer_cost(
    c: &Candidate,
    a: Decimal,
    t: RoundTerms,
    g: &Game,
    cont: Money,
) -> Result<Money, Overflow> {
    let r = Replies::new(a, t.patience, c.fairness);
    let kept = (c.fairness - t.decay).clamp(Decimal::ZERO, Decimal::ONE);
    let settled = c.proposal.cost.add_or(
        g.customer_value
            .mul_or(Decimal::ONE - kept, "relationship loss")?,
        "settled cost",
    )?;
    let next = cont.add_or(
        c.countered_cost(g.customer_value, g.countered)?,
        "counter cost",
    )?;
    r.accept
        .mul_or(settled, "expected cost")?
        .add_or(
            r.walk.mul_or(g.walk_cost, "expected cost")?,
            "expected cost",
        )?
        .add_or(r.counter.mul_or(next, "expected cost")?, "expected cost")
}

/// The expected cost of a tie-group member from its representative's: the same replies, so
/// `Q(member) = Q(rep) + accept × (cost_member − cost_rep)`.
fn tie_member_cost(
    member: &Candidate,
    rep: &Candidate,
    accept: Decimal,
    rep_cost: Money,
) -> Result<Money, Overflow> {
    let extra = member
        .proposal
        .cost
        .sub_or(rep.proposal.cost, "expected cost")?;
    rep_cost.add_or(accept.mul_or(extra, "expected cost")?, "expected cost")
}

impl Rollback {
    /// Rolls back the tree in a [`Mode`]. The game's candidates must be sorted by
    /// [`Candidate::perceived`] (ties by option order, then rung); it has one [`RoundTerms`]
    /// per modelled round, and a buyer's proposal, if any, has one accepting cost per round.
    pub fn solve(game: Game, mode: Mode) -> Result<Rollback, Overflow> {
        let n = game.candidates.len();
        let depth = game.rounds.len();
        // Candidates of equal value to the buyer get the same replies, fairness and bounds;
        // they differ only in direct cost. Each tie group's cheapest member (the earliest among
        // equals) is rolled back in full; the others follow from it.
        let mut rep = vec![0usize; n];
        let mut start = 0;
        while start < n {
            let end = (start + 1..n)
                .find(|&i| {
                    !order(
                        game.candidates[i].perceived,
                        game.candidates[start].perceived,
                    )
                    .is_eq()
                })
                .unwrap_or(n);
            let cost = |i: usize| game.candidates[i].proposal.cost;
            let r = (start..end)
                .min_by(|&a, &b| order(cost(a), cost(b)).then(a.cmp(&b)))
                .unwrap_or(start);
            rep[start..end].fill(r);
            start = end;
        }
        if let Some(b) = &game.standing
            && b.accept_cost.len() < depth
        {
            return Err(Overflow {
                what: "accepting cost per round",
            });
        }
        let (choices, root, by_remedy) = {
            let mut s = Solver {
                g: &game,
                fast: Fast::of(&game),
                rep: &rep,
                n,
                depth,
                est: vec![f64::NAN; game.states()],
                choices: vec![None; game.states()],
                tolerance: f64::INFINITY,
                exact_v: Memo::default(),
                exact_q: Memo::default(),
                accept: Memo::default(),
            };
            if mode.estimate
                && let Some(t) = s.tolerance()
            {
                s.tolerance = t;
            }
            let mut root = None;
            let mut by_remedy = [None; 6];
            if depth > 0 {
                let r = game.root();
                s.ensure(r)?;
                let choice = s.choices[game.state_index(r)].unwrap_or(Choice::Nothing);
                root = Some((choice, s.exact_v(r)?));
                if mode.per_option || !s.tolerance.is_finite() {
                    for &remedy in Remedy::ALL.iter() {
                        by_remedy[remedy.index()] = best_of_remedy(&mut s, r, remedy)?;
                    }
                }
            }
            (s.choices, root, by_remedy)
        };
        Ok(Rollback {
            game,
            rep,
            choices,
            root,
            by_remedy,
        })
    }

    /// The candidates.
    pub fn candidates(&self) -> &[Candidate] {
        &self.game.candidates
    }

    /// The per-round figures.
    pub fn rounds(&self) -> &[RoundTerms] {
        &self.game.rounds
    }

    /// The best move at the root and its expected cost, if any round is modelled.
    pub fn best_root(&self) -> Option<(Choice, Money)> {
        self.root
    }

    /// The best offer at the root and its expected cost, when the best move is an offer.
    pub fn best_opening(&self) -> Option<(usize, Money)> {
        match self.root {
            Some((Choice::Offer(i), e)) => Some((i, e)),
            _ => None,
        }
    }

    /// The best offer of one option at the root and its expected cost.
    pub fn best_of(&self, remedy: Remedy) -> Option<(usize, Money)> {
        self.by_remedy[remedy.index()]
    }

    /// The choice the rollback made in a state it reached.
    pub fn choice(&self, s: State) -> Option<Choice> {
        if s.round >= self.game.rounds.len() {
            return None;
        }
        self.choices
            .get(self.game.state_index(s))
            .copied()
            .flatten()
    }

    /// The chance the buyer accepts candidate `i` offered now.
    pub fn acceptance(&self, i: usize) -> Result<Decimal, Overflow> {
        self.game.acceptance(self.game.root(), i)
    }

    /// The decimal expected cost of move `m` in state `s`, playing best afterwards. Past the
    /// last modelled round every state ends in the stalemate.
    pub fn expected_in(&self, s: State, m: Choice) -> Result<Money, Overflow> {
        if s.round >= self.game.rounds.len() {
            return Ok(self.game.stalemate_cost);
        }
        let mut solver = Solver {
            g: &self.game,
            fast: Fast::of(&self.game),
            rep: &self.rep,
            n: self.game.candidates.len(),
            depth: self.game.rounds.len(),
            est: vec![f64::NAN; self.game.states()],
            choices: self.choices.clone(),
            tolerance: f64::INFINITY,
            exact_v: Memo::default(),
            exact_q: Memo::default(),
            accept: Memo::default(),
        };
        match m {
            Choice::Offer(i) if self.rep[i] != i => {
                let r = self.rep[i];
                let a = solver.acc(s, r)?;
                let rep_cost = solver.exact_q(s, Choice::Offer(r))?;
                tie_member_cost(
                    &self.game.candidates[i],
                    &self.game.candidates[r],
                    a,
                    rep_cost,
                )
            }
            m => solver.exact_q(s, m),
        }
    }

    /// The decimal expected cost of offering candidate `i` now, playing best afterwards.
    pub fn expected(&self, i: usize) -> Result<Money, Overflow> {
        self.expected_in(self.game.root(), Choice::Offer(i))
    }

    /// The moves on the best path if the buyer keeps turning our offers down and keeps its
    /// proposal on the table: the first move, then one per later round until the path accepts
    /// the buyer's proposal or has nothing left to offer.
    pub fn plan_from(&self, first: usize) -> Vec<Choice> {
        let mut path = vec![Choice::Offer(first)];
        let mut s = self.game.root();
        let mut at = first;
        loop {
            s = self.game.after_counter(s, at, true);
            match self.choice(s) {
                Some(Choice::Offer(i)) => {
                    path.push(Choice::Offer(i));
                    at = i;
                }
                Some(Choice::Accept) => {
                    path.push(Choice::Accept);
                    break;
                }
                _ => break,
            }
        }
        path
    }

    /// The tree as a graph. With `full`, every branch is expanded (exponential: for checks on
    /// small trees); otherwise only the best path's states are expanded and other states are
    /// leaves valued at their rolled-back cost.
    pub fn graph(&self, full: bool) -> Result<TreeGraph, Overflow> {
        let mut g = DiGraph::new();
        let root_state = self.game.root();
        let root = g.add_node(Node::Decision {
            state: root_state,
            entry: Decimal::ZERO,
        });
        let mut tree = TreeGraph { graph: g, root };
        self.expand(&mut tree, root, root_state, full, true)?;
        Ok(tree)
    }

    fn expand(
        &self,
        tree: &mut TreeGraph,
        at: NodeIndex,
        s: State,
        full: bool,
        on_path: bool,
    ) -> Result<(), Overflow> {
        let g = &self.game;
        let best_here = self.choice(s);
        if s.table == OnTable::Open
            && let Some(b) = &g.standing
        {
            let leaf = tree.graph.add_node(Node::Leaf {
                what: LeafKind::AcceptedProposal,
                cost: b.accept_cost[s.round],
            });
            tree.graph.add_edge(at, leaf, Edge::Accept);
        }
        let offers: Vec<usize> = (0..g.candidates.len())
            .filter(|&i| g.allowed(s, i))
            .collect();
        if offers.is_empty() && !(s.table == OnTable::Open && g.standing.is_some()) {
            let leaf = tree.graph.add_node(Node::Leaf {
                what: LeafKind::NoOffer,
                cost: g.walk_cost,
            });
            tree.graph.add_edge(at, leaf, Edge::Nothing);
        }
        for i in offers {
            let c = &g.candidates[i];
            let t = g.rounds[s.round];
            let a = g.acceptance(s, i)?;
            let chance = tree.graph.add_node(Node::Chance {
                state: s,
                candidate: i,
                expected: self.expected_in(s, Choice::Offer(i))?,
            });
            tree.graph
                .add_edge(at, chance, Edge::Offer { candidate: i });
            let r = Replies::new(a, t.patience, c.fairness);
            let kept = (c.fairness - t.decay).clamp(Decimal::ZERO, Decimal::ONE);
            let settled = c.proposal.cost.add_or(
                g.customer_value
                    .mul_or(Decimal::ONE - kept, "relationship loss")?,
                "settled cost",
            )?;
            let acc = tree.graph.add_node(Node::Leaf {
                what: LeafKind::Settled,
                cost: settled,
            });
            tree.graph.add_edge(
                chance,
                acc,
                Edge::Reply {
                    reply: Reply::Accept,
                    p: r.accept,
                },
            );
            let walk = tree.graph.add_node(Node::Leaf {
                what: LeafKind::Walked,
                cost: g.walk_cost,
            });
            tree.graph.add_edge(
                chance,
                walk,
                Edge::Reply {
                    reply: Reply::Walk,
                    p: r.walk,
                },
            );
            let entry = c.countered_cost(g.customer_value, g.countered)?;
            let on_best = on_path && best_here == Some(Choice::Offer(i));
            let expand_here = full || on_best;
            let branch = |tree: &mut TreeGraph, next: State| -> Result<NodeIndex, Overflow> {
                Ok(if next.round >= g.rounds.len() {
                    tree.graph.add_node(Node::Leaf {
                        what: LeafKind::Stalemate,
                        cost: g.stalemate_cost.add_or(entry, "counter cost")?,
                    })
                } else if expand_here {
                    let d = tree.graph.add_node(Node::Decision { state: next, entry });
                    self.expand(tree, d, next, full, on_best)?;
                    d
                } else {
                    let m = self.choice(next).unwrap_or(Choice::Nothing);
                    let v = self.expected_in(next, m)?;
                    tree.graph.add_node(Node::Leaf {
                        what: LeafKind::Continued,
                        cost: v.add_or(entry, "counter cost")?,
                    })
                })
            };
            let counter = if s.table == OnTable::Gone {
                branch(tree, g.after_counter(s, i, true))?
            } else {
                let split = tree.graph.add_node(Node::Withdrawal {
                    state: s,
                    candidate: i,
                });
                let keeps = branch(tree, g.after_counter(s, i, true))?;
                let gone = branch(tree, g.after_counter(s, i, false))?;
                tree.graph.add_edge(
                    split,
                    keeps,
                    Edge::Proposal {
                        withdrawn: false,
                        p: Decimal::ONE - g.withdraws,
                    },
                );
                tree.graph.add_edge(
                    split,
                    gone,
                    Edge::Proposal {
                        withdrawn: true,
                        p: g.withdraws,
                    },
                );
                split
            };
            tree.graph.add_edge(
                chance,
                counter,
                Edge::Reply {
                    reply: Reply::Counter,
                    p: r.counter,
                },
            );
        }
        Ok(())
    }
}

/// The best offer of `remedy` in state `s`, tie-group members included, with its decimal cost.
fn best_of_remedy(
    s: &mut Solver<'_>,
    st: State,
    remedy: Remedy,
) -> Result<Option<(usize, Money)>, Overflow> {
    let g = s.g;
    let mut best: Option<(usize, f64)> = None;
    for i in 0..s.n {
        let c = &g.candidates[i];
        if c.proposal.remedy != remedy || !g.allowed(st, i) {
            continue;
        }
        let r = s.rep[i];
        let est = if s.tolerance.is_finite() {
            let a = s.fast.acceptance(st, i);
            s.estimate_q(st, Choice::Offer(r))
                + a * (approx(c.proposal.cost) - approx(g.candidates[r].proposal.cost))
        } else {
            f64::NAN
        };
        best = match best {
            None => Some((i, est)),
            Some((b, be)) => {
                let d = est - be;
                let less = if d.is_finite() && d < -s.tolerance {
                    true
                } else if d.is_finite() && d > s.tolerance {
                    false
                } else {
                    member_cost(s, st, i)? < member_cost(s, st, b)?
                };
                if less { Some((i, est)) } else { Some((b, be)) }
            }
        };
    }
    best.map(|(i, _)| member_cost(s, st, i).map(|e| (i, e)))
        .transpose()
}

fn member_cost(s: &mut Solver<'_>, st: State, i: usize) -> Result<Money, Overflow> {
    let r = s.rep[i];
    let rep_cost = s.exact_q(st, Choice::Offer(r))?;
    if r == i {
        return Ok(rep_cost);
    }
    let a = s.acc(st, r)?;
    tie_member_cost(&s.g.candidates[i], &s.g.candidates[r], a, rep_cost)
}

/// A buyer's reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// The buyer accepts.
    Accept,
    /// The buyer counters (turns the offer down).
    Counter,
    /// The buyer walks away.
    Walk,
}

/// What a leaf stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafKind {
    /// We accept the buyer's proposal.
    AcceptedProposal,
    /// The buyer accepted: direct cost plus relationship loss.
    Settled,
    /// The buyer walked away.
    Walked,
    /// Still countering after the last modelled round.
    Stalemate,
    /// Nothing left to offer: no deal.
    NoOffer,
    /// A branch off the best path, collapsed to its rolled-back value.
    Continued,
}

/// A node of the negotiation tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// The seller chooses.
    Decision {
        /// The state.
        state: State,
        /// Goodwill already lost by the counter that led here.
        entry: Money,
    },
    /// The buyer answers candidate `candidate`; `expected` is its rolled-back cost.
    Chance {
        /// The state the offer is made in.
        state: State,
        /// Index into the candidates.
        candidate: usize,
        /// Its rolled-back cost.
        expected: Money,
    },
    /// After a counter, the buyer keeps or withdraws its proposal.
    Withdrawal {
        /// The state the countered offer was made in.
        state: State,
        /// The candidate countered.
        candidate: usize,
    },
    /// An end of the tree.
    Leaf {
        /// What it stands for.
        what: LeafKind,
        /// Its cost.
        cost: Money,
    },
}

/// An edge of the negotiation tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    /// Accept the buyer's proposal.
    Accept,
    /// No move left.
    Nothing,
    /// An offer of a candidate.
    Offer {
        /// Index into the candidates.
        candidate: usize,
    },
    /// A buyer's reply with its probability.
    Reply {
        /// Which reply.
        reply: Reply,
        /// Its probability.
        p: Decimal,
    },
    /// The buyer keeps or withdraws its proposal, with the probability.
    Proposal {
        /// Whether it withdraws it.
        withdrawn: bool,
        /// The probability.
        p: Decimal,
    },
}

/// The tree as a petgraph graph with its root.
#[derive(Debug, Clone)]
pub struct TreeGraph {
    /// The tree.
    pub graph: DiGraph<Node, Edge>,
    /// The seller's first decision.
    pub root: NodeIndex,
}

impl TreeGraph {
    /// Rolls the graph back from its leaves: chance nodes take the probability-weighted sum,
    /// decision nodes the minimum. Independent of [`Rollback::solve`], so each checks the other.
    pub fn value(&self, at: NodeIndex) -> Result<Money, Overflow> {
        use petgraph::visit::EdgeRef;
        match self.graph[at] {
            Node::Leaf { cost, .. } => Ok(cost),
            Node::Decision { entry, .. } => {
                let mut best: Option<Money> = None;
                for child in self.graph.neighbors(at) {
                    let v = self.value(child)?;
                    best = Some(best.map_or(v, |b: Money| b.min(v)));
                }
                best.unwrap_or(Decimal::ZERO).add_or(entry, "counter cost")
            }
            Node::Chance { .. } | Node::Withdrawal { .. } => {
                let mut sum = Decimal::ZERO;
                for e in self.graph.edges(at) {
                    let p = match e.weight() {
                        Edge::Reply { p, .. } | Edge::Proposal { p, .. } => *p,
                        _ => continue,
                    };
                    sum = sum.add_or(
                        p.mul_or(self.value(e.target())?, "expected cost")?,
                        "expected cost",
                    )?;
                }
                Ok(sum)
            }
        }
    }

    /// The leaves under a node with the probability of reaching each and their cost, plus
    /// the goodwill lost by counters on the way, following the best move at every decision.
    pub fn leaves_on_best(&self, at: NodeIndex) -> Result<Vec<(Decimal, Money)>, Overflow> {
        let mut out = Vec::new();
        self.collect(at, Decimal::ONE, Decimal::ZERO, &mut out)?;
        Ok(out)
    }

    fn collect(
        &self,
        at: NodeIndex,
        p: Decimal,
        carried: Money,
        out: &mut Vec<(Decimal, Money)>,
    ) -> Result<(), Overflow> {
        use petgraph::visit::EdgeRef;
        match self.graph[at] {
            Node::Leaf { cost, .. } => out.push((p, cost.add_or(carried, "path cost")?)),
            Node::Decision { entry, .. } => {
                let carried = carried.add_or(entry, "path cost")?;
                let mut best: Option<(Money, NodeIndex)> = None;
                // petgraph lists neighbours newest first; walk in insertion order for ties.
                let mut kids: Vec<_> = self.graph.neighbors(at).collect();
                kids.sort();
                for child in kids {
                    let v = self.value(child)?;
                    if best.is_none_or(|(b, _)| v < b) {
                        best = Some((v, child));
                    }
                }
                if let Some((_, child)) = best {
                    self.collect(child, p, carried, out)?;
                }
            }
            Node::Chance { .. } | Node::Withdrawal { .. } => {
                for e in self.graph.edges(at) {
                    let q = match e.weight() {
                        Edge::Reply { p, .. } | Edge::Proposal { p, .. } => *p,
                        _ => continue,
                    };
                    self.collect(e.target(), p.mul_or(q, "path probability")?, carried, out)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidate(remedy: Remedy, perceived: i64, cost: Decimal, acceptance: Decimal) -> Candidate {
        Candidate {
            proposal: Proposal {
                remedy,
                amount: Decimal::from(perceived),
                units: None,
                freight_by: None,
                goods_back: false,
                cancels_order: false,
                cost,
            },
            rung: 0,
            perceived: Decimal::from(perceived),
            acceptance,
            fairness: Decimal::new(5, 1),
        }
    }

    fn game(candidates: Vec<Candidate>, big: Decimal) -> Game {
        Game {
            candidates,
            rounds: vec![
                RoundTerms {
                    patience: Decimal::new(8, 1),
                    decay: Decimal::new(1, 2),
                };
                3
            ],
            customer_value: big,
            walk_cost: big,
            stalemate_cost: big,
            countered: Decimal::new(1, 1),
            refused: None,
            upper: None,
            standing: None,
            refusal: Decimal::ONE,
            withdraws: Decimal::new(25, 2),
        }
    }

    fn solve(candidates: Vec<Candidate>, exact: bool) -> Rollback {
        let big = Decimal::new(10_000_000_000_000, 0);
        Rollback::solve(
            game(candidates, big),
            if exact { Mode::EXACT } else { Mode::FULL },
        )
        .unwrap()
    }

    /// Two offers whose expected costs differ in the fifteenth significant digit (one cent
    /// on ten trillion): too close for the estimates, so decimal arithmetic decides, and the
    /// cheaper one wins whichever comes first.
    #[test]
    fn near_ties_are_settled_in_decimal() {
        let base = Decimal::new(1_000_000_000_000_000, 2);
        let cent = Decimal::new(1, 2);
        let one = Decimal::ONE;
        for (first, second) in [(base + cent, base), (base, base + cent)] {
            // Both certain to be accepted: only their direct costs differ.
            let cands = vec![
                candidate(Remedy::Refund, 100, first, one),
                candidate(Remedy::Discount, 200, second, one),
            ];
            let fast = solve(cands.clone(), false);
            assert_eq!(fast, solve(cands, true));
            let (best, cost) = fast.best_opening().unwrap();
            let cheaper = if first < second { 0 } else { 1 };
            assert_eq!(best, cheaper, "{first} vs {second}");
            assert_eq!(cost, fast.expected(cheaper).unwrap());
            assert!(cost < fast.expected(1 - cheaper).unwrap());
        }
    }

    /// Exactly equal costs reached by different offers: the lower index wins, as in decimal.
    #[test]
    fn exact_ties_go_to_the_lower_index() {
        let cost = Decimal::new(12_345, 2);
        let cands = vec![
            candidate(Remedy::Refund, 100, cost, Decimal::ONE),
            candidate(Remedy::Credit, 200, cost, Decimal::ONE),
        ];
        let fast = solve(cands.clone(), false);
        assert_eq!(fast, solve(cands, true));
        assert_eq!(fast.best_opening().map(|(i, _)| i), Some(0));
    }

    /// Out-of-range figures turn estimates off; the result is the decimal one.
    #[test]
    fn out_of_range_figures_are_solved_in_decimal() {
        let over = Decimal::new(3, 0);
        let cands = vec![
            candidate(Remedy::Refund, 100, Decimal::ONE, over),
            candidate(Remedy::Discount, 200, Decimal::TWO, Decimal::ONE),
        ];
        assert_eq!(solve(cands.clone(), false), solve(cands, true));
    }

    /// An offer the buyer turned down keeps no chance; the next is conditional on it.
    #[test]
    fn a_turned_down_offer_is_not_accepted_later_and_the_next_chance_is_conditional() {
        let half = Decimal::new(5, 1);
        let cands = vec![
            candidate(
                Remedy::Discount,
                100,
                Decimal::from(100),
                Decimal::new(2, 1),
            ),
            candidate(Remedy::Discount, 200, Decimal::from(200), half),
            candidate(
                Remedy::Discount,
                300,
                Decimal::from(300),
                Decimal::new(8, 1),
            ),
        ];
        let mut g = game(cands, Decimal::from(1000));
        g.refused = Some(g.candidates[0].point());
        let root = g.root();
        assert!(!g.allowed(root, 0), "the refused offer is not made again");
        // (0.5 − 0.2) / (1 − 0.2) = 0.375
        assert_eq!(g.acceptance(root, 1).unwrap(), Decimal::new(375, 3));
        // Half as sure: (0.5 − 0.1) / (1 − 0.1)
        g.refusal = half;
        assert_eq!(
            g.acceptance(root, 1).unwrap(),
            (Decimal::new(4, 1) / Decimal::new(9, 1)).round_dp(ACCEPT_DP)
        );
    }

    /// The buyer's proposal bounds its reservation value: an offer worth as much is certain,
    /// and no offer costing more than accepting it is made while it is open.
    #[test]
    fn the_buyers_proposal_bounds_the_belief_and_the_offers() {
        let cands = vec![
            candidate(Remedy::Credit, 150, Decimal::from(60), Decimal::new(3, 1)),
            candidate(Remedy::Refund, 150, Decimal::from(150), Decimal::new(3, 1)),
            candidate(
                Remedy::Discount,
                250,
                Decimal::from(250),
                Decimal::new(6, 1),
            ),
        ];
        let mut g = game(cands, Decimal::from(1000));
        // A customer worth nothing: only direct costs count.
        g.customer_value = Decimal::ZERO;
        g.upper = Some(Point {
            value: Decimal::from(150),
            prior: Decimal::new(3, 1),
        });
        g.standing = Some(BuyerProposal {
            proposal: candidate(Remedy::Refund, 150, Decimal::from(150), Decimal::new(3, 1))
                .proposal,
            open: true,
            accept_cost: vec![Decimal::from(160); 3],
        });
        let root = g.root();
        assert_eq!(root.table, OnTable::Open);
        assert_eq!(g.acceptance(root, 0).unwrap(), Decimal::ONE);
        assert!(g.allowed(root, 0), "the same value for less: a credit");
        assert!(
            !g.allowed(root, 1) && !g.allowed(root, 2),
            "costs as much or more"
        );
        let rb = Rollback::solve(g.clone(), Mode::FULL).unwrap();
        assert_eq!(rb, Rollback::solve(g, Mode::EXACT).unwrap());
        // A credit of the same value, certain to be accepted at 60, beats accepting at 160.
        assert_eq!(rb.best_root().map(|(c, _)| c), Some(Choice::Offer(0)));
    }
}
