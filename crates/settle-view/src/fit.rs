//! `settle rules fit`: the buyer rules fitted to a history, before and after.

use crate::RuleSetRef;
use serde::Serialize;
use settle_engine::Playbook;
use settle_replay::fit::{Bin, Fit};
use std::fmt::Write;

/// The fit as the manager reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitView {
    /// The rule set fitted.
    pub rules: RuleSetRef,
    /// The history.
    pub history: String,
    /// Records read, offers observed, accepted and walked away from.
    pub read: u64,
    /// Offers of ours the buyer answered.
    pub offers: u64,
    /// Of those, accepted.
    pub accepted: u64,
    /// Walk-aways after an offer.
    pub walked: u64,
    /// Records skipped as invalid: line and why.
    pub skipped: Vec<(u64, String)>,
    /// Brier score before and after (lower is better; saying 50% always scores 0.25).
    pub brier_before: f64,
    /// After.
    pub brier_after: f64,
    /// The proposed values, as `[buyer]` lines of a rule file.
    pub proposed: Vec<(String, String)>,
    /// The current values.
    pub current: Vec<(String, String)>,
    /// Reliability before.
    pub reliability_before: Vec<Bin>,
    /// Reliability after.
    pub reliability_after: Vec<Bin>,
    /// Where the fitted rule set was written, if it was.
    pub written: Option<String>,
}

impl FitView {
    /// The view of a fit.
    pub fn of(p: &Playbook, history: &str, f: &Fit, written: Option<String>) -> FitView {
        let lines = |m: &settle_replay::fit::Model| {
            m.toml_lines()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect()
        };
        FitView {
            rules: RuleSetRef::of(p),
            history: history.to_string(),
            read: f.read,
            offers: f.offers,
            accepted: f.accepted,
            walked: f.walked,
            skipped: f.skipped.clone(),
            brier_before: f.brier_before,
            brier_after: f.brier_after,
            proposed: lines(&f.after),
            current: lines(&f.before),
            reliability_before: f.reliability_before.clone(),
            reliability_after: f.reliability_after.clone(),
            written,
        }
    }

    /// The fit in a terminal.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "Fit of {} to {}: {} offers answered in {} records ({} accepted, {} walked away from)",
            self.rules.short(),
            self.history,
            self.offers,
            self.read,
            self.accepted,
            self.walked
        );
        for (line, why) in &self.skipped {
            let _ = writeln!(s, "  skipped line {line}: {why}");
        }
        let _ = writeln!(
            s,
            "Brier score {:.4} -> {:.4} (lower is better; always saying 50% scores 0.2500)\n",
            self.brier_before, self.brier_after
        );
        let _ = writeln!(s, "Proposed [buyer] values (current in brackets):");
        for ((k, v), (_, old)) in self.proposed.iter().zip(&self.current) {
            let _ = writeln!(s, "  {k} = {v}");
            if old != v {
                let _ = writeln!(s, "    (now {old})");
            }
        }
        for (title, bins) in [
            ("\nReliability before", &self.reliability_before),
            ("\nReliability after", &self.reliability_after),
        ] {
            let _ = writeln!(s, "{title}");
            let _ = writeln!(
                s,
                "  {:<8} {:>7} {:>10} {:>9}",
                "chance", "offers", "predicted", "observed"
            );
            for b in bins {
                let _ = writeln!(
                    s,
                    "  {:<8} {:>7} {:>10.4} {:>9.4}",
                    b.range, b.offers, b.predicted, b.observed
                );
            }
        }
        match &self.written {
            Some(dir) => {
                let _ = writeln!(
                    s,
                    "\nWrote the fitted rule set to {dir} (buyer.toml changed); compare it with `settle rules diff`, `settle replay` and `settle simulate` before adopting it."
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "\nTo adopt: `--out DIR` writes the rule set with these values, to compare with `settle rules diff`, `settle replay` and `settle simulate`."
                );
            }
        }
        s
    }
}
