//! settle-sim: the advice played against simulated buyers, round by round through the real
//! `advise` path, beside two fixed-curve sellers on the same buyers and seeds.
//!
//! A simulation is a grid: every claim × buyer style × patience level × reserve level × run,
//! each cell seeded from (seed, claim, style, patience, reserve, run), so the same seed gives
//! the same bytes whatever the thread count. See docs/model.md, "Simulation", for the buyer
//! models and how a run is priced.
//!
//! Invariant: no I/O; the claims and rule sets come in, a [`Report`] goes out.

#![deny(missing_docs)]

pub mod buyer;
pub mod play;

use buyer::{Buyer, Patience, Reserve, Style};
use play::{End, Run, Seller, Stage};
use rand::SeedableRng;
use rayon::prelude::*;
use rust_decimal::Decimal;
use serde::Serialize;
use settle_engine::{Claim, Money, Playbook};

/// What to simulate.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The buyer styles.
    pub styles: Vec<Style>,
    /// Runs per claim, style, patience and reserve.
    pub runs: u32,
    /// The seed.
    pub seed: u64,
}

/// The figures of a set of runs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Runs.
    pub runs: u64,
    /// Runs the advice escalated.
    pub escalated: u64,
    /// Runs where a deal existed (the buyer's reserve within our bottom line), escalations aside.
    pub deal_existed: u64,
    /// Of those, settled.
    pub settled_where_deal: u64,
    /// Runs settled in all.
    pub settled: u64,
    /// Offers we made in each settled run, sorted (for the median).
    #[serde(skip)]
    rounds: Vec<u32>,
    /// Median offers made in settled runs.
    pub median_rounds: Option<u32>,
    /// Sum of the cost to us, no deals included, escalations aside (one claim's currency: per
    /// claim only).
    pub total_cost: Money,
    /// Sum of the cost to us as a share of each claim's ask, escalations aside.
    pub total_cost_share: Decimal,
    /// Runs that lost a buyer proposal within our bottom line.
    pub lost_proposal: u64,
    /// Deals above the bottom line.
    pub above_bottom_line: u64,
}

impl Tally {
    fn add(&mut self, r: &Run) {
        self.runs += 1;
        if r.end == End::Escalated {
            self.escalated += 1;
            return;
        }
        if r.deal_existed {
            self.deal_existed += 1;
            if r.end == End::Settled {
                self.settled_where_deal += 1;
            }
        }
        if r.end == End::Settled {
            self.settled += 1;
            self.rounds.push(r.rounds);
        }
        self.total_cost += r.cost;
        self.total_cost_share += r.cost_share;
        self.lost_proposal += u64::from(r.lost_proposal);
        self.above_bottom_line += u64::from(r.above_bottom_line);
    }

    fn merge(&mut self, o: &Tally) {
        self.runs += o.runs;
        self.escalated += o.escalated;
        self.deal_existed += o.deal_existed;
        self.settled_where_deal += o.settled_where_deal;
        self.settled += o.settled;
        self.rounds.extend_from_slice(&o.rounds);
        self.total_cost += o.total_cost;
        self.total_cost_share += o.total_cost_share;
        self.lost_proposal += o.lost_proposal;
        self.above_bottom_line += o.above_bottom_line;
    }

    fn seal(&mut self) {
        self.rounds.sort_unstable();
        self.median_rounds = if self.rounds.is_empty() {
            None
        } else {
            Some(self.rounds[(self.rounds.len() - 1) / 2])
        };
    }

    /// The mean cost to us as a share of the ask, escalations aside.
    pub fn mean_cost_share(&self) -> Option<Decimal> {
        let n = self.runs - self.escalated;
        (n > 0).then(|| (self.total_cost_share / Decimal::from(n)).round_dp(4))
    }

    /// The share of runs where a deal existed that settled.
    pub fn settled_share(&self) -> Option<Decimal> {
        (self.deal_existed > 0).then(|| {
            (Decimal::from(self.settled_where_deal) / Decimal::from(self.deal_existed)).round_dp(4)
        })
    }
}

/// One seller's figures, per buyer style and overall.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SellerReport {
    /// The seller.
    pub seller: Seller,
    /// Per buyer style, in the order asked for.
    pub by_style: Vec<(Style, Tally)>,
    /// Every style the engine was tuned with in view (held-out styles apart).
    pub tuned: Tally,
    /// The held-out styles.
    pub held_out: Tally,
}

/// One claim's figures for the advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimReport {
    /// The claim's id.
    pub claim: String,
    /// The advice's figures on it.
    pub advice: Tally,
    /// Its bottom line.
    pub bottom_line: Money,
    /// Its currency.
    pub currency: String,
}

/// A simulation's report for one rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The claims simulated (ids), and those that could not be (id and why).
    pub skipped: Vec<(String, String)>,
    /// Runs per cell.
    pub runs: u32,
    /// The seed.
    pub seed: u64,
    /// The sellers.
    pub sellers: Vec<SellerReport>,
    /// Per claim, the advice.
    pub claims: Vec<ClaimReport>,
}

/// A cell of the grid.
#[derive(Debug, Clone, Copy)]
struct Cell {
    claim: usize,
    style: Style,
    patience: Patience,
    reserve: Reserve,
    run: u32,
}

fn seed_of(seed: u64, c: &Cell) -> u64 {
    // A fixed mix of the cell's coordinates (SplitMix64 steps), independent of the order cells
    // are worked in.
    let mut x = seed ^ 0x9E37_79B9_7F4A_7C15;
    for v in [
        c.claim as u64,
        c.style as u64,
        c.patience as u64,
        c.reserve as u64,
        u64::from(c.run),
    ] {
        x = x.wrapping_add(v.wrapping_add(0x9E37_79B9_7F4A_7C15));
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
    }
    x
}

/// Simulates every claim under a rule set.
pub fn simulate(p: &Playbook, claims: &[Claim], s: &Settings) -> Report {
    let mut skipped = Vec::new();
    let mut stages: Vec<(usize, Stage)> = Vec::new();
    for (i, c) in claims.iter().enumerate() {
        match Stage::new(p, c) {
            Some(st) => stages.push((i, st)),
            None => skipped.push((c.id.clone(), "the advice overflowed on it".to_string())),
        }
    }
    let mut cells = Vec::new();
    for (k, _) in stages.iter().enumerate() {
        for &style in &s.styles {
            for patience in Patience::ALL {
                for reserve in Reserve::ALL {
                    for run in 0..s.runs {
                        cells.push(Cell {
                            claim: k,
                            style,
                            patience,
                            reserve,
                            run,
                        });
                    }
                }
            }
        }
    }
    // Each cell plays the three sellers against the same buyer, each from the cell's seed.
    let results: Vec<[Run; 3]> = cells
        .par_iter()
        .map(|c| {
            let stage = &stages[c.claim].1;
            let ask = stage.ask_value(p);
            let buyer = Buyer::new(c.style, c.patience, ask, c.reserve);
            let seed = seed_of(s.seed, c);
            let rng = || rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            [
                play::play_advice(p, stage, buyer.clone(), &mut rng()),
                play::play_fixed(p, stage, 0.2, buyer.clone(), &mut rng()),
                play::play_fixed(p, stage, 3.0, buyer, &mut rng()),
            ]
        })
        .collect();
    let mut sellers: Vec<SellerReport> = Seller::ALL
        .iter()
        .map(|&seller| SellerReport {
            seller,
            by_style: s.styles.iter().map(|&st| (st, Tally::default())).collect(),
            tuned: Tally::default(),
            held_out: Tally::default(),
        })
        .collect();
    let mut per_claim: Vec<Tally> = vec![Tally::default(); stages.len()];
    for (c, runs) in cells.iter().zip(&results) {
        // A claim the advice hands over (a safety incident, legal proceedings) is not a
        // negotiation: it is set aside for every seller, so all are compared on the same runs.
        let handed_over = runs[0].end == End::Escalated;
        for (k, r) in runs.iter().enumerate() {
            let mut r = r.clone();
            if handed_over {
                r.end = End::Escalated;
            }
            let r = &r;
            let sr = &mut sellers[k];
            if let Some((_, t)) = sr.by_style.iter_mut().find(|(st, _)| *st == c.style) {
                t.add(r);
            }
        }
        per_claim[c.claim].add(&runs[0]);
    }
    for sr in &mut sellers {
        for (st, t) in &mut sr.by_style {
            t.seal();
            if st.held_out() {
                sr.held_out.merge(t);
            } else {
                sr.tuned.merge(t);
            }
        }
        sr.tuned.seal();
        sr.held_out.seal();
    }
    let claims_out = stages
        .iter()
        .zip(per_claim)
        .map(|((i, st), mut t)| {
            t.seal();
            ClaimReport {
                claim: claims[*i].id.clone(),
                advice: t,
                bottom_line: st.first().bottom_line,
                currency: claims[*i].currency.code().to_string(),
            }
        })
        .collect();
    Report {
        skipped,
        runs: s.runs,
        seed: s.seed,
        sellers,
        claims: claims_out,
    }
}
