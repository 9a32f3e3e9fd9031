//! `settle simulate`: the advice against simulated buyers, beside two fixed-curve sellers, per
//! buyer style and overall; with a baseline rule set, both side by side.

use crate::RuleSetRef;
use rust_decimal::Decimal;
use serde::Serialize;
use settle_engine::Playbook;
use settle_sim::play::Seller;
use settle_sim::{Report, Tally};
use std::fmt::Write;

/// One seller's figures on a set of runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TallyView {
    /// Runs.
    pub runs: u64,
    /// Runs the advice escalated (set aside).
    pub escalated: u64,
    /// Runs where a deal existed.
    pub deal_existed: u64,
    /// Of those, the share settled.
    pub settled_where_deal: Option<String>,
    /// Median offers made in settled runs.
    pub median_rounds: Option<u32>,
    /// Mean cost to us as a share of the ask, no deals included.
    pub mean_cost: Option<String>,
    /// Runs that lost a buyer proposal within our bottom line.
    pub lost_proposal: u64,
    /// Deals above the bottom line.
    pub above_bottom_line: u64,
}

impl TallyView {
    fn of(t: &Tally) -> TallyView {
        TallyView {
            runs: t.runs,
            escalated: t.escalated,
            deal_existed: t.deal_existed,
            settled_where_deal: t.settled_share().map(|s| s.normalize().to_string()),
            median_rounds: t.median_rounds,
            mean_cost: t.mean_cost_share().map(|s| s.normalize().to_string()),
            lost_proposal: t.lost_proposal,
            above_bottom_line: t.above_bottom_line,
        }
    }
}

/// A row of the comparison: a buyer style (or all) and each seller's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowView {
    /// The buyer style, `tuned` (every style the rules had in view) or `held_out`.
    pub buyers: String,
    /// Each seller's figures, in the order of `sellers`.
    pub sellers: Vec<TallyView>,
}

/// One claim's figures for the advice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimRowView {
    /// The claim.
    pub claim: String,
    /// Its bottom line, in its currency.
    pub bottom_line: String,
    /// The currency.
    pub currency: String,
    /// The advice's figures.
    pub advice: TallyView,
}

/// A simulation under one rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunView {
    /// The rule set.
    pub rules: RuleSetRef,
    /// The sellers, in column order.
    pub sellers: Vec<&'static str>,
    /// Per buyer style, then `tuned` and `held_out`.
    pub rows: Vec<RowView>,
    /// Per claim, the advice.
    pub claims: Vec<ClaimRowView>,
    /// Claims that could not be simulated, with why.
    pub skipped: Vec<(String, String)>,
}

/// The report of `settle simulate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SimView {
    /// Runs per claim, buyer style, patience and reserve.
    pub runs: u32,
    /// The seed.
    pub seed: u64,
    /// The rule set simulated.
    pub new: RunView,
    /// The baseline, when one was given.
    pub baseline: Option<RunView>,
}

impl RunView {
    /// The view of one rule set's report.
    pub fn of(p: &Playbook, r: &Report) -> RunView {
        let sellers: Vec<&'static str> = r.sellers.iter().map(|s| s.seller.as_str()).collect();
        let mut rows = Vec::new();
        if let Some(first) = r.sellers.first() {
            for (i, (style, _)) in first.by_style.iter().enumerate() {
                rows.push(RowView {
                    buyers: style.as_str().to_string(),
                    sellers: r
                        .sellers
                        .iter()
                        .map(|s| TallyView::of(&s.by_style[i].1))
                        .collect(),
                });
            }
        }
        rows.push(RowView {
            buyers: "tuned".to_string(),
            sellers: r.sellers.iter().map(|s| TallyView::of(&s.tuned)).collect(),
        });
        if r.sellers.iter().any(|s| s.held_out.runs > 0) {
            rows.push(RowView {
                buyers: "held_out".to_string(),
                sellers: r
                    .sellers
                    .iter()
                    .map(|s| TallyView::of(&s.held_out))
                    .collect(),
            });
        }
        RunView {
            rules: RuleSetRef::of(p),
            sellers,
            rows,
            claims: r
                .claims
                .iter()
                .map(|c| ClaimRowView {
                    claim: c.claim.clone(),
                    bottom_line: c.bottom_line.round_dp(2).to_string(),
                    currency: c.currency.clone(),
                    advice: TallyView::of(&c.advice),
                })
                .collect(),
            skipped: r.skipped.clone(),
        }
    }

    fn text(&self, s: &mut String) {
        let _ = writeln!(s, "Rule set {}", self.rules.short());
        let _ = writeln!(
            s,
            "  {:<12} {:<16} {:>6} {:>8} {:>8} {:>7} {:>6} {:>6} {:>6}",
            "buyers", "seller", "runs", "deal", "settled", "rounds", "cost", "lost", "above"
        );
        for row in &self.rows {
            for (k, t) in row.sellers.iter().enumerate() {
                let _ = writeln!(
                    s,
                    "  {:<12} {:<16} {:>6} {:>8} {:>8} {:>7} {:>6} {:>6} {:>6}",
                    if k == 0 { row.buyers.as_str() } else { "" },
                    self.sellers[k],
                    t.runs,
                    t.deal_existed,
                    t.settled_where_deal
                        .as_deref()
                        .map(percent)
                        .unwrap_or_else(|| "-".to_string()),
                    t.median_rounds
                        .map(|r| r.to_string())
                        .unwrap_or_else(|| "-".to_string()),
                    t.mean_cost
                        .as_deref()
                        .map(percent)
                        .unwrap_or_else(|| "-".to_string()),
                    t.lost_proposal,
                    t.above_bottom_line
                );
            }
        }
        let _ = writeln!(s, "\n  Per claim (the advice)");
        for c in &self.claims {
            let _ = writeln!(
                s,
                "  {:<22} bottom line {} {:>12}  settled {:>6}  escalated {:>4}  cost {:>6}  lost {}",
                c.claim,
                c.currency,
                c.bottom_line,
                c.advice
                    .settled_where_deal
                    .as_deref()
                    .map(percent)
                    .unwrap_or_else(|| "-".to_string()),
                c.advice.escalated,
                c.advice
                    .mean_cost
                    .as_deref()
                    .map(percent)
                    .unwrap_or_else(|| "-".to_string()),
                c.advice.lost_proposal
            );
        }
        for (id, why) in &self.skipped {
            let _ = writeln!(s, "  skipped {id}: {why}");
        }
    }
}

fn percent(x: &str) -> String {
    x.parse::<Decimal>()
        .map(|d| format!("{}%", (d * Decimal::ONE_HUNDRED).round_dp(1)))
        .unwrap_or_else(|_| x.to_string())
}

impl SimView {
    /// The view of a simulation (and its baseline).
    pub fn of(p: &Playbook, r: &Report, baseline: Option<(&Playbook, &Report)>) -> SimView {
        SimView {
            runs: r.runs,
            seed: r.seed,
            new: RunView::of(p, r),
            baseline: baseline.map(|(bp, br)| RunView::of(bp, br)),
        }
    }

    /// The report as an analyst reads it in a terminal.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Simulation: {} runs per claim, buyer style, patience (3) and reserve (3); seed {}",
            self.runs, self.seed
        );
        let _ = writeln!(
            s,
            "deal: runs where the buyer's reserve lay within our bottom line; settled: of those; rounds: median offers of ours in settled runs; cost: mean cost to us as a share of the ask, no deals priced at the walk-away; lost: runs that lost a buyer proposal within our bottom line; above: deals above the bottom line\n"
        );
        if let Some(b) = &self.baseline {
            let _ = writeln!(s, "Baseline");
            b.text(&mut s);
            let _ = writeln!(s, "\nNew");
        }
        self.new.text(&mut s);
        s
    }

    /// The sellers compared, as named in the report.
    pub fn sellers() -> Vec<&'static str> {
        Seller::ALL.iter().map(|s| s.as_str()).collect()
    }
}
