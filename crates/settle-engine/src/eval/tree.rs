//! Steps 4 and 5 of the model: the buyer's replies and the negotiation tree, rolled back.
//!
//! The seller's moves are offers on each option's concession ladder; the buyer accepts,
//! counters or walks away. Offers only climb: after a counter the seller never offers less
//! value than it just offered. So a decision state is (round, floor) and the rollback is a
//! suffix minimum over candidates sorted by value: O(rounds × candidates), not exponential.
//! [`Rollback::graph`] materialises the same tree as a petgraph graph for display and checks.

use super::pricing::Proposal;
use crate::claim::Remedy;
use crate::fast::order;
use crate::money::{Checked, Money, Overflow};
use petgraph::graph::{DiGraph, NodeIndex};
use rust_decimal::Decimal;
use std::borrow::Cow;

/// A candidate offer with everything the tree needs about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The offer.
    pub proposal: Proposal,
    /// Rung on the option's ladder (0 = opening offer).
    pub rung: usize,
    /// Value as the buyer perceives it (amount × the option's appeal).
    pub perceived: Money,
    /// Chance the buyer accepts it.
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
}

/// Per-round figures that do not depend on the offer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundTerms {
    /// Chance the buyer keeps talking rather than walks, when it does not accept.
    pub patience: Decimal,
    /// Loyalty lost to time by the end of this round.
    pub decay: Decimal,
}

/// The negotiation as the tree sees it: the offers, each round's terms, and what the ways a
/// negotiation can end cost.
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
}

/// The rolled-back tree.
///
/// Choices (which offer is best from each state) are made on binary floating-point
/// estimates of the expected costs, and settled in exact decimal arithmetic whenever two
/// estimates are too close for their error bound to tell apart: every choice is the one the
/// decimal figures make, and every figure reported ([`Rollback::best_opening`],
/// [`Rollback::best_of`], [`Rollback::expected`]) is worked out in decimal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rollback {
    /// Candidates sorted by perceived value, then option order, then rung.
    pub candidates: Vec<Candidate>,
    /// Per-round figures, one per modelled round.
    pub rounds: Vec<RoundTerms>,
    /// What the customer is worth.
    pub customer_value: Money,
    /// Expected cost when the buyer walks away (escalation + relationship).
    pub walk_cost: Money,
    /// Expected cost when the last modelled round ends in a counter (settle at the ask later,
    /// customer lost: the seed 001 lesson).
    pub stalemate_cost: Money,
    /// Loyalty lost when the buyer must counter an offer, per unit of the offer's unfairness
    /// (`1 - fairness`): a low-ball offer costs goodwill even if a deal follows (seed 001).
    pub countered: Decimal,
    /// `best[k][j]`: the best candidate index `>= j` in round `k` (the suffix argmin of the
    /// expected costs of round `k`; ties go to the lower index).
    pub best: Vec<Vec<usize>>,
    /// `floor[i]`: the first candidate worth as much to the buyer as candidate `i`; after `i`
    /// is countered, any candidate from there on may be offered (equal value included).
    pub floor: Vec<usize>,
    /// `rep[i]`: the cheapest member of candidate `i`'s tie group (equal value to the buyer),
    /// the one rolled back in full; the others follow from it by one multiplication.
    pub rep: Vec<usize>,
    opening: Option<(usize, Money)>,
    by_remedy: [Option<(usize, Money)>; 6],
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
        // Three factors of at most six decimal places: the product is exact (18 places).
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
/// largest figure in the tree. The worst case is about `(20 × rounds + 10) × 2⁻⁵³` (a few
/// roundings per term, terms bounded by that largest figure, errors adding up round by round),
/// under 10⁻¹³ for twenty rounds; this bound leaves four orders of magnitude to spare.
const APPROX_SHARE: f64 = 1e-9;

/// The rollback's working state: estimates for every (round, candidate), decimal figures
/// worked out on demand (memoised).
struct Solver<'a> {
    candidates: &'a [Candidate],
    rounds: &'a [RoundTerms],
    floor: &'a [usize],
    rep: &'a [usize],
    customer_value: Money,
    walk_cost: Money,
    stalemate_cost: Money,
    countered: Decimal,
    n: usize,
    /// `estimate[k * n + i]`; unused when `tolerance` is infinite.
    estimate: Vec<f64>,
    /// Estimates closer than this are compared in decimal; infinite when there are no
    /// estimates (every comparison is then decimal).
    tolerance: f64,
    exact: Vec<Option<Money>>,
    /// `best[k][j]`: being chosen while rolling back; borrowed from a finished rollback.
    best: Cow<'a, [Vec<usize>]>,
}

impl Solver<'_> {
    /// The decimal expected cost of offering candidate `i` in round `k`, playing best
    /// afterwards. Round `k + 1`'s choices must already be made.
    fn exact(&mut self, k: usize, i: usize) -> Result<Money, Overflow> {
        if let Some(v) = self.exact[k * self.n + i] {
            return Ok(v);
        }
        let r = self.rep[i];
        let v = if r != i {
            let rep_cost = self.exact(k, r)?;
            tie_member_cost(&self.candidates[i], &self.candidates[r], rep_cost)?
        } else {
            let next = if k + 1 < self.rounds.len() {
                let j = self.best[k + 1][self.floor[i]];
                self.exact(k + 1, j)?
            } else {
                self.stalemate_cost
            };
            expected_cost(
                &self.candidates[i],
                self.rounds[k],
                self.customer_value,
                self.walk_cost,
                self.countered,
                next,
            )?
        };
        self.exact[k * self.n + i] = Some(v);
        Ok(v)
    }

    /// Whether candidate `a` costs less than candidate `b` in round `k`, in decimal terms.
    fn less(&mut self, k: usize, a: usize, b: usize) -> Result<bool, Overflow> {
        if self.tolerance.is_finite() {
            let d = self.estimate[k * self.n + a] - self.estimate[k * self.n + b];
            if d < -self.tolerance {
                return Ok(true);
            }
            if d > self.tolerance {
                return Ok(false);
            }
        }
        Ok(self.exact(k, a)? < self.exact(k, b)?)
    }

    /// Estimates for every candidate of every round, from the last round back, choosing as
    /// it goes (the estimate of round `k` follows round `k + 1`'s choices). Returns `false`,
    /// with nothing estimated, when the figures are too large for estimates to be safe or a
    /// probability is out of range; decimal arithmetic then makes every comparison.
    fn estimate_all(&mut self) -> Result<bool, Overflow> {
        let n = self.n;
        let depth = self.rounds.len();
        let unit = crate::fast::in_unit;
        if !self
            .candidates
            .iter()
            .all(|c| unit(c.acceptance) && unit(c.fairness))
            || !self.rounds.iter().all(|t| unit(t.patience))
        {
            return Ok(false);
        }
        let cv = approx(self.customer_value);
        let walk = approx(self.walk_cost);
        let stalemate = approx(self.stalemate_cost);
        let countered = approx(self.countered);
        let cost: Vec<f64> = self
            .candidates
            .iter()
            .map(|c| approx(c.proposal.cost))
            .collect();
        // The largest figure in the tree: every expected cost is a probability-weighted mix
        // of settled costs, the walk-away and the stalemate, plus the goodwill of a counter
        // per round, plus (for tie-group members) a difference of direct costs.
        let max_cost = cost.iter().fold(0f64, |m, c| m.max(c.abs()));
        let largest = (max_cost + cv.abs()).max(walk.abs()).max(stalemate.abs())
            + depth as f64 * (cv * countered).abs()
            + 2.0 * max_cost;
        if !largest.is_finite() || largest >= APPROX_LIMIT {
            return Ok(false);
        }
        self.estimate = vec![0.0; depth * n];
        self.tolerance = largest * APPROX_SHARE;
        for k in (0..depth).rev() {
            let terms = self.rounds[k];
            let patience = approx(terms.patience);
            let decay = approx(terms.decay);
            for i in (0..n).filter(|&i| self.rep[i] == i) {
                let c = &self.candidates[i];
                let accept = approx(c.acceptance);
                let fairness = approx(c.fairness);
                let rest = 1.0 - accept;
                let walked = rest * (1.0 - patience) * (1.0 - fairness);
                let kept = (fairness - decay).clamp(0.0, 1.0);
                let settled = cost[i] + cv * (1.0 - kept);
                let next = if k + 1 < depth {
                    self.estimate[(k + 1) * n + self.best[k + 1][self.floor[i]]]
                } else {
                    stalemate
                } + cv * countered * (1.0 - fairness);
                self.estimate[k * n + i] =
                    accept * settled + walked * walk + (rest - walked) * next;
            }
            for i in (0..n).filter(|&i| self.rep[i] != i) {
                let r = self.rep[i];
                let accept = approx(self.candidates[i].acceptance);
                self.estimate[k * n + i] = self.estimate[k * n + r] + accept * (cost[i] - cost[r]);
            }
            self.choose(k)?;
        }
        Ok(true)
    }

    /// Round `k`'s suffix argmin; ties go to the lower index (less value, earlier option).
    fn choose(&mut self, k: usize) -> Result<(), Overflow> {
        let n = self.n;
        for i in (0..n).rev() {
            self.best.to_mut()[k][i] = i;
            if i + 1 < n {
                let b = self.best[k][i + 1];
                if self.less(k, b, i)? {
                    self.best.to_mut()[k][i] = b;
                }
            }
        }
        Ok(())
    }

    /// The cheapest candidate among those `keep` selects in round 0 (ties to the lower
    /// index), with its decimal expected cost.
    fn cheapest(
        &mut self,
        keep: impl Fn(&Candidate) -> bool,
    ) -> Result<Option<(usize, Money)>, Overflow> {
        let mut best: Option<usize> = None;
        for i in 0..self.n {
            if !keep(&self.candidates[i]) {
                continue;
            }
            best = match best {
                Some(b) if !self.less(0, i, b)? => Some(b),
                _ => Some(i),
            };
        }
        best.map(|i| self.exact(0, i).map(|e| (i, e))).transpose()
    }
}

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
    /// The next move alone: the best opening, without the per-option bests where they cannot
    /// fail (the estimated path, whose figures are far too small to overflow), so that it fails
    /// exactly when [`Mode::FULL`] does. On such a tree [`Rollback::best_of`] answers `None`;
    /// it never leaves the advice that made it.
    pub const OPENING: Mode = Mode {
        estimate: true,
        per_option: false,
    };
}

/// The expected cost of a tie-group member from its representative's: the same replies, so
/// `Q(member) = Q(rep) + accept × (cost_member − cost_rep)`.
fn tie_member_cost(
    member: &Candidate,
    rep: &Candidate,
    rep_cost: Money,
) -> Result<Money, Overflow> {
    let extra = member
        .proposal
        .cost
        .sub_or(rep.proposal.cost, "expected cost")?;
    rep_cost.add_or(
        member.acceptance.mul_or(extra, "expected cost")?,
        "expected cost",
    )
}

/// The expected cost of offering a candidate (the representative of its tie group) in a round,
/// given the expected cost `next` of playing best after a counter.
fn expected_cost(
    c: &Candidate,
    terms: RoundTerms,
    customer_value: Money,
    walk_cost: Money,
    countered: Decimal,
    next: Money,
) -> Result<Money, Overflow> {
    let r = Replies::new(c.acceptance, terms.patience, c.fairness);
    let kept = (c.fairness - terms.decay).clamp(Decimal::ZERO, Decimal::ONE);
    let settled = c.proposal.cost.add_or(
        customer_value.mul_or(Decimal::ONE - kept, "relationship loss")?,
        "settled cost",
    )?;
    let next = next.add_or(c.countered_cost(customer_value, countered)?, "counter cost")?;
    r.accept
        .mul_or(settled, "expected cost")?
        .add_or(r.walk.mul_or(walk_cost, "expected cost")?, "expected cost")?
        .add_or(r.counter.mul_or(next, "expected cost")?, "expected cost")
}

impl Rollback {
    /// Rolls back the tree in a [`Mode`]. The game's candidates must be sorted by
    /// [`Candidate::perceived`] (ties by option order, then rung); it has one [`RoundTerms`]
    /// per modelled round.
    pub fn solve(game: Game, mode: Mode) -> Result<Rollback, Overflow> {
        let Game {
            candidates,
            rounds,
            customer_value,
            walk_cost,
            stalemate_cost,
            countered,
        } = game;
        let n = candidates.len();
        let depth = rounds.len();
        let mut floor = vec![0usize; n];
        for i in 1..n {
            floor[i] = if order(candidates[i].perceived, candidates[i - 1].perceived).is_eq() {
                floor[i - 1]
            } else {
                i
            };
        }
        // Candidates of equal value to the buyer get the same replies, fairness and floor; they
        // differ only in direct cost. Each tie group's cheapest member (the earliest among
        // equals) is rolled back in full; the others follow from it:
        // Q(k, i) = Q(k, rep) + accept × (cost_i − cost_rep).
        let mut rep = vec![0usize; n];
        let mut start = 0;
        while start < n {
            let end = (start + 1..n).find(|&i| floor[i] != start).unwrap_or(n);
            let cost = |i: usize| candidates[i].proposal.cost;
            let r = (start..end)
                .min_by(|&a, &b| order(cost(a), cost(b)).then(a.cmp(&b)))
                .unwrap_or(start);
            rep[start..end].fill(r);
            start = end;
        }
        let mut s = Solver {
            candidates: &candidates,
            rounds: &rounds,
            floor: &floor,
            rep: &rep,
            customer_value,
            walk_cost,
            stalemate_cost,
            countered,
            n,
            estimate: Vec::new(),
            tolerance: f64::INFINITY,
            exact: vec![None; depth * n],
            best: Cow::Owned(vec![vec![0usize; n]; depth]),
        };
        let estimated = mode.estimate && s.estimate_all()?;
        if !estimated {
            s.tolerance = f64::INFINITY;
            for k in (0..depth).rev() {
                s.choose(k)?;
            }
        }
        let opening = match s.best.first().and_then(|b| b.first()) {
            Some(&i) => Some((i, s.exact(0, i)?)),
            None => None,
        };
        let mut by_remedy = [None; 6];
        if depth > 0 && (mode.per_option || !estimated) {
            for &remedy in Remedy::ALL.iter() {
                by_remedy[remedy.index()] = s.cheapest(|c| c.proposal.remedy == remedy)?;
            }
        }
        let best = s.best.into_owned();
        Ok(Rollback {
            candidates,
            floor,
            rounds,
            customer_value,
            walk_cost,
            stalemate_cost,
            countered,
            best,
            rep,
            opening,
            by_remedy,
        })
    }

    /// The game this tree was rolled back from (to solve it again, changed or in another mode).
    pub fn game(&self) -> Game {
        Game {
            candidates: self.candidates.clone(),
            rounds: self.rounds.clone(),
            customer_value: self.customer_value,
            walk_cost: self.walk_cost,
            stalemate_cost: self.stalemate_cost,
            countered: self.countered,
        }
    }

    /// The best opening offer and its expected cost, if there is any candidate.
    pub fn best_opening(&self) -> Option<(usize, Money)> {
        self.opening
    }

    /// The best offer of one option in the first round and its expected cost.
    pub fn best_of(&self, remedy: Remedy) -> Option<(usize, Money)> {
        self.by_remedy[remedy.index()]
    }

    /// The decimal expected cost of offering candidate `i` in round `k`, playing best
    /// afterwards, worked out along the best path (one step per later round). Past the last
    /// modelled round, every offer ends in the stalemate.
    pub fn expected(&self, k: usize, i: usize) -> Result<Money, Overflow> {
        if k >= self.rounds.len() {
            return Ok(self.stalemate_cost);
        }
        // The solver's own step, over the finished choices.
        let n = self.candidates.len();
        Solver {
            candidates: &self.candidates,
            rounds: &self.rounds,
            floor: &self.floor,
            rep: &self.rep,
            customer_value: self.customer_value,
            walk_cost: self.walk_cost,
            stalemate_cost: self.stalemate_cost,
            countered: self.countered,
            n,
            estimate: Vec::new(),
            tolerance: f64::INFINITY,
            exact: vec![None; self.rounds.len() * n],
            best: Cow::Borrowed(&self.best),
        }
        .exact(k, i)
    }

    /// The offers on the best path if the buyer keeps countering: one per modelled round.
    pub fn plan_from(&self, first: usize) -> Vec<usize> {
        let mut path = vec![first];
        let mut at = first;
        for k in 1..self.rounds.len() {
            at = self.best[k][self.floor[at]];
            path.push(at);
        }
        path
    }

    /// The tree as a graph. With `full`, every branch is expanded (exponential: for checks on
    /// small trees); otherwise only the best path's counters are expanded and other counters
    /// are leaves valued at their rolled-back cost.
    ///
    /// `root_moves` are the root's other moves (accepting the buyer's proposal, rejecting),
    /// each a leaf at its expected cost, so the root's value is the advice's expected cost.
    pub fn graph(
        &self,
        full: bool,
        root_moves: &[(RootMove, Money)],
    ) -> Result<TreeGraph, Overflow> {
        let mut g = DiGraph::new();
        let root = g.add_node(Node::Decision {
            round: 0,
            floor: None,
            entry: Decimal::ZERO,
        });
        for (m, cost) in root_moves {
            let leaf = g.add_node(Node::Leaf {
                what: LeafKind::Root(*m),
                cost: *cost,
            });
            g.add_edge(root, leaf, Edge::Root(*m));
        }
        let mut tree = TreeGraph { graph: g, root };
        self.expand(&mut tree, root, 0, 0, full, true)?;
        Ok(tree)
    }

    fn expand(
        &self,
        tree: &mut TreeGraph,
        at: NodeIndex,
        k: usize,
        floor: usize,
        full: bool,
        on_path: bool,
    ) -> Result<(), Overflow> {
        let best_here = self.best[k].get(floor).copied();
        for i in floor..self.candidates.len() {
            let c = &self.candidates[i];
            let chance = tree.graph.add_node(Node::Chance {
                round: k,
                candidate: i,
                expected: self.expected(k, i)?,
            });
            tree.graph
                .add_edge(at, chance, Edge::Offer { candidate: i });
            let r = Replies::new(c.acceptance, self.rounds[k].patience, c.fairness);
            let kept = (c.fairness - self.rounds[k].decay).clamp(Decimal::ZERO, Decimal::ONE);
            let settled = c.proposal.cost.add_or(
                self.customer_value
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
                cost: self.walk_cost,
            });
            tree.graph.add_edge(
                chance,
                walk,
                Edge::Reply {
                    reply: Reply::Walk,
                    p: r.walk,
                },
            );
            let entry = c.countered_cost(self.customer_value, self.countered)?;
            let counter = if k + 1 >= self.rounds.len() {
                tree.graph.add_node(Node::Leaf {
                    what: LeafKind::Stalemate,
                    cost: self.stalemate_cost.add_or(entry, "counter cost")?,
                })
            } else if full || (on_path && best_here == Some(i)) {
                let d = tree.graph.add_node(Node::Decision {
                    round: k + 1,
                    floor: Some(i),
                    entry,
                });
                self.expand(
                    tree,
                    d,
                    k + 1,
                    self.floor[i],
                    full,
                    on_path && best_here == Some(i),
                )?;
                d
            } else {
                let v = self.expected(k + 1, self.best[k + 1][self.floor[i]])?;
                tree.graph.add_node(Node::Leaf {
                    what: LeafKind::Continued,
                    cost: v.add_or(entry, "counter cost")?,
                })
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

/// A buyer's reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reply {
    /// The buyer accepts.
    Accept,
    /// The buyer counters.
    Counter,
    /// The buyer walks away.
    Walk,
}

/// A root move outside the offer ladder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootMove {
    /// Accept the buyer's standing proposal.
    AcceptProposal,
}

/// What a leaf stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeafKind {
    /// A root move valued at its expected cost.
    Root(RootMove),
    /// The buyer accepted: direct cost plus relationship loss.
    Settled,
    /// The buyer walked away.
    Walked,
    /// Still countering after the last modelled round.
    Stalemate,
    /// A branch off the best path, collapsed to its rolled-back value.
    Continued,
}

/// A node of the negotiation tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Node {
    /// The seller chooses; offers must be worth at least the candidate `floor`.
    Decision {
        /// The round, from 0.
        round: usize,
        /// The candidate whose value the next offer must at least match.
        floor: Option<usize>,
        /// Goodwill already lost by the counter that led here.
        entry: Money,
    },
    /// The buyer answers candidate `candidate`; `expected` is its rolled-back cost.
    Chance {
        /// The round, from 0.
        round: usize,
        /// Index into [`Rollback::candidates`].
        candidate: usize,
        /// Its rolled-back cost.
        expected: Money,
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
    /// A root move outside the ladder.
    Root(RootMove),
    /// An offer of a candidate.
    Offer {
        /// Index into [`Rollback::candidates`].
        candidate: usize,
    },
    /// A buyer's reply with its probability.
    Reply {
        /// Which reply.
        reply: Reply,
        /// Its probability.
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
            Node::Chance { .. } => {
                let mut sum = Decimal::ZERO;
                for e in self.graph.edges(at) {
                    use petgraph::visit::EdgeRef;
                    if let Edge::Reply { p, .. } = e.weight() {
                        sum = sum.add_or(
                            p.mul_or(self.value(e.target())?, "expected cost")?,
                            "expected cost",
                        )?;
                    }
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
            Node::Chance { .. } => {
                for e in self.graph.edges(at) {
                    if let Edge::Reply { p: q, .. } = e.weight() {
                        self.collect(e.target(), p.mul_or(*q, "path probability")?, carried, out)?;
                    }
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

    fn solve(candidates: Vec<Candidate>, exact: bool) -> Rollback {
        let rounds = vec![
            RoundTerms {
                patience: Decimal::new(8, 1),
                decay: Decimal::new(1, 2),
            };
            3
        ];
        let big = Decimal::new(10_000_000_000_000, 0);
        let game = Game {
            candidates,
            rounds,
            customer_value: big,
            walk_cost: big,
            stalemate_cost: big,
            countered: Decimal::new(1, 1),
        };
        Rollback::solve(game, if exact { Mode::EXACT } else { Mode::FULL }).unwrap()
    }

    /// Two offers whose expected costs differ in the fifteenth significant digit (one cent
    /// on ten trillion): too close for the estimates, so decimal arithmetic decides, and the
    /// cheaper one wins whichever comes first.
    #[test]
    fn near_ties_are_settled_in_decimal() {
        let base = Decimal::new(1_000_000_000_000_000, 2);
        let cent = Decimal::new(1, 2);
        let half = Decimal::new(5, 1);
        for (first, second) in [(base + cent, base), (base, base + cent)] {
            let cands = vec![
                candidate(Remedy::Refund, 100, first, half),
                candidate(Remedy::Discount, 200, second, half),
            ];
            let fast = solve(cands.clone(), false);
            assert_eq!(fast, solve(cands, true));
            let (best, cost) = fast.best_opening().unwrap();
            let cheaper = if first < second { 0 } else { 1 };
            assert_eq!(best, cheaper, "{first} vs {second}");
            assert_eq!(cost, fast.expected(0, cheaper).unwrap());
            assert!(cost < fast.expected(0, 1 - cheaper).unwrap());
        }
    }

    /// Exactly equal costs reached by different offers: the lower index wins, as in decimal.
    #[test]
    fn exact_ties_go_to_the_lower_index() {
        let cost = Decimal::new(12_345, 2);
        let cands = vec![
            candidate(Remedy::Refund, 100, cost, Decimal::ZERO),
            candidate(Remedy::Credit, 200, cost, Decimal::ZERO),
        ];
        let fast = solve(cands.clone(), false);
        assert_eq!(fast, solve(cands, true));
        assert_eq!(fast.best_opening().map(|(i, _)| i), Some(0));
        assert_eq!(fast.best[0], vec![0, 1]);
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

    /// The opening alone: the same best opening as the full rollback; the per-option bests
    /// are skipped on the estimated path only, and kept (with their errors) on the decimal one.
    #[test]
    fn the_opening_alone_is_the_full_rollbacks_opening() {
        let rounds = vec![
            RoundTerms {
                patience: Decimal::new(8, 1),
                decay: Decimal::new(1, 2),
            };
            3
        ];
        let cv = Decimal::new(50_000, 0);
        let half = Decimal::new(5, 1);
        let both = |cands: Vec<Candidate>| {
            let run = |mode: Mode| {
                let game = Game {
                    candidates: cands.clone(),
                    rounds: rounds.clone(),
                    customer_value: cv,
                    walk_cost: cv,
                    stalemate_cost: cv,
                    countered: half,
                };
                Rollback::solve(game, mode).unwrap()
            };
            (run(Mode::FULL), run(Mode::OPENING))
        };
        let (full, opening) = both(vec![
            candidate(Remedy::Refund, 100, Decimal::new(900, 0), half),
            candidate(Remedy::Credit, 200, Decimal::new(150, 0), half),
            candidate(Remedy::Discount, 300, Decimal::new(300, 0), half),
        ]);
        assert!(full.best_opening().is_some());
        assert_eq!(opening.best_opening(), full.best_opening());
        assert_eq!(opening.best, full.best);
        assert!(full.best_of(Remedy::Refund).is_some());
        assert!(Remedy::ALL.iter().all(|r| opening.best_of(*r).is_none()));
        // An acceptance out of range turns estimates off: everything is worked out.
        let (full, opening) = both(vec![
            candidate(Remedy::Refund, 100, Decimal::ONE, Decimal::new(3, 0)),
            candidate(Remedy::Discount, 200, Decimal::TWO, Decimal::ONE),
        ]);
        assert_eq!(opening, full);
    }
}
