//! Steps 4 and 5 of the model: the buyer's replies and the negotiation tree, rolled back.
//!
//! The seller's moves are offers on each option's concession ladder; the buyer accepts,
//! counters or walks away. Offers only climb: after a counter the seller never offers less
//! value than it just offered. So a decision state is (round, floor) and the rollback is a
//! suffix minimum over candidates sorted by value: O(rounds × candidates), not exponential.
//! [`Rollback::graph`] materialises the same tree as a petgraph graph for display and checks.

use crate::claim::Remedy;
use crate::money::{Checked, Money, Overflow};
use crate::pricing::Proposal;
use petgraph::graph::{DiGraph, NodeIndex};
use rust_decimal::Decimal;

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

/// The rolled-back tree.
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
    /// `q[k][i]`: expected cost of offering candidate `i` in round `k`, playing best afterwards.
    pub q: Vec<Vec<Money>>,
    /// `best[k][j]`: the best candidate index `>= j` in round `k` (the suffix argmin of `q[k]`).
    pub best: Vec<Vec<usize>>,
    /// `floor[i]`: the first candidate worth as much to the buyer as candidate `i`; after `i`
    /// is countered, any candidate from there on may be offered (equal value included).
    pub floor: Vec<usize>,
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

impl Rollback {
    /// Rolls back the tree. Candidates must be sorted by [`Candidate::perceived`] (ties by
    /// option order, then rung); `rounds` has one entry per modelled round.
    pub fn solve(
        candidates: Vec<Candidate>,
        rounds: Vec<RoundTerms>,
        customer_value: Money,
        walk_cost: Money,
        stalemate_cost: Money,
        countered: Decimal,
    ) -> Result<Rollback, Overflow> {
        let n = candidates.len();
        let depth = rounds.len();
        let mut floor = vec![0usize; n];
        for i in 1..n {
            floor[i] = if candidates[i].perceived == candidates[i - 1].perceived {
                floor[i - 1]
            } else {
                i
            };
        }
        let mut q = vec![vec![Decimal::ZERO; n]; depth];
        let mut best = vec![vec![0usize; n]; depth];
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
                .min_by(|&a, &b| cost(a).cmp(&cost(b)).then(a.cmp(&b)))
                .unwrap_or(start);
            rep[start..end].fill(r);
            start = end;
        }
        let countered_costs: Vec<Money> = candidates
            .iter()
            .map(|c| c.countered_cost(customer_value, countered))
            .collect::<Result<_, _>>()?;
        for k in (0..depth).rev() {
            let terms = rounds[k];
            for i in (0..n).filter(|&i| rep[i] == i) {
                let c = &candidates[i];
                let r = Replies::new(c.acceptance, terms.patience, c.fairness);
                let kept = (c.fairness - terms.decay).clamp(Decimal::ZERO, Decimal::ONE);
                let settled = c.proposal.cost.add_or(
                    customer_value.mul_or(Decimal::ONE - kept, "relationship loss")?,
                    "settled cost",
                )?;
                let next = if k + 1 < depth {
                    q[k + 1][best[k + 1][floor[i]]]
                } else {
                    stalemate_cost
                };
                let next = next.add_or(countered_costs[i], "counter cost")?;
                q[k][i] = r
                    .accept
                    .mul_or(settled, "expected cost")?
                    .add_or(r.walk.mul_or(walk_cost, "expected cost")?, "expected cost")?
                    .add_or(r.counter.mul_or(next, "expected cost")?, "expected cost")?;
            }
            for i in (0..n).filter(|&i| rep[i] != i) {
                let c = &candidates[i];
                let extra = c
                    .proposal
                    .cost
                    .sub_or(candidates[rep[i]].proposal.cost, "expected cost")?;
                q[k][i] = q[k][rep[i]].add_or(
                    c.acceptance.mul_or(extra, "expected cost")?,
                    "expected cost",
                )?;
            }
            // Suffix argmin; ties go to the lower index (less value, earlier option).
            for i in (0..n).rev() {
                best[k][i] = if i + 1 < n && q[k][best[k][i + 1]] < q[k][i] {
                    best[k][i + 1]
                } else {
                    i
                };
            }
        }
        Ok(Rollback {
            candidates,
            floor,
            rounds,
            customer_value,
            walk_cost,
            stalemate_cost,
            countered,
            q,
            best,
        })
    }

    /// The best opening offer and its expected cost, if there is any candidate.
    pub fn best_opening(&self) -> Option<(usize, Money)> {
        let first = self.best.first()?;
        let i = *first.first()?;
        Some((i, self.q[0][i]))
    }

    /// The best offer of one option in the first round and its expected cost.
    pub fn best_of(&self, remedy: Remedy) -> Option<(usize, Money)> {
        let q0 = self.q.first()?;
        self.candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.proposal.remedy == remedy)
            .map(|(i, _)| (i, q0[i]))
            .min_by(|a, b| a.1.cmp(&b.1).then(a.0.cmp(&b.0)))
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
                expected: self.q[k][i],
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
                let v = self.q[k + 1][self.best[k + 1][self.floor[i]]];
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
