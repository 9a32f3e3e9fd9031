//! `settle rules diff`: what changed between two rule sets, rule by rule, and with a history,
//! which changes move money.

use crate::replay::rule_changes_table;
use crate::table::{Table, amounts};
use serde::Serialize;
use settle_engine::Playbook;
use settle_replay::replay::{Cause, Impact, Report, RuleChange};
use std::fmt::Write;

/// A rule set compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Side {
    /// The folder.
    pub dir: String,
    /// The rule set's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its content hash.
    pub hash: String,
}

impl Side {
    /// A rule set read from `dir`.
    pub fn of(p: &Playbook, dir: &str) -> Side {
        Side {
            dir: dir.to_string(),
            name: p.name().to_string(),
            version: p.version().to_string(),
            hash: p.hash().to_string(),
        }
    }

    fn short(&self) -> String {
        format!(
            "{} {} ({})",
            self.name,
            self.version,
            &self.hash[..12.min(self.hash.len())]
        )
    }
}

/// What the changes moved on a history.
#[derive(Debug, Clone, Serialize)]
pub struct ImpactView {
    /// The history, as named.
    pub history: String,
    /// Records read.
    pub read: u64,
    /// Records advised under both rule sets.
    pub evaluated: u64,
    /// Records skipped as invalid.
    pub skipped: u64,
    /// Claims whose advice changed.
    pub changed: u64,
    /// What each rule change moved.
    pub by_change: Vec<Impact>,
    /// What each cause moved (rules that fired differently, changed or not).
    pub by_cause: Vec<Cause>,
}

/// `settle rules diff --format json`.
#[derive(Debug, Clone, Serialize)]
pub struct DiffView {
    /// The old rule set.
    pub old: Side,
    /// The new rule set.
    pub new: Side,
    /// Every rule and parameter that differs, by id.
    pub changes: Vec<RuleChange>,
    /// With `--history`: what the changes moved.
    pub impact: Option<ImpactView>,
}

impl DiffView {
    /// The view of a comparison, with the replay of a history when there is one.
    pub fn of(old: Side, new: Side, changes: Vec<RuleChange>, report: Option<&Report>) -> DiffView {
        let impact = report.map(|r| ImpactView {
            history: r.history.clone(),
            read: r.totals.read,
            evaluated: r.totals.evaluated,
            skipped: r.totals.skipped,
            changed: r.totals.changed,
            by_change: settle_replay::replay::impacts(&changes, r),
            by_cause: r.by_cause.clone(),
        });
        DiffView {
            old,
            new,
            changes,
            impact,
        }
    }

    /// The comparison as text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{} -> {}", self.old.short(), self.new.short());
        if let Some(w) = crate::same_name_warning(
            (&self.old.name, &self.old.version, &self.old.hash),
            (&self.new.name, &self.new.version, &self.new.hash),
        ) {
            let _ = writeln!(s, "{w}");
        }
        let count = |what: &str| self.changes.iter().filter(|c| c.change == what).count();
        let _ = writeln!(
            s,
            "{} added, {} removed, {} changed",
            count("added"),
            count("removed"),
            count("changed")
        );
        if !self.changes.is_empty() {
            s.push_str(&rule_changes_table(&self.changes).text("  "));
        }
        if let Some(im) = &self.impact {
            let _ = writeln!(
                s,
                "\nReplay impact on {}: {} of {} claims change advice ({} skipped)",
                im.history, im.changed, im.evaluated, im.skipped
            );
            let rows: Vec<Vec<String>> = im
                .by_change
                .iter()
                .map(|i| {
                    vec![
                        i.id.clone(),
                        i.claims.to_string(),
                        amounts(i.change.iter().map(|a| (&a.currency, a.amount))),
                        i.samples.join(" "),
                    ]
                })
                .collect();
            s.push_str(
                &Table::new(
                    &[
                        "rule",
                        "claims changed",
                        "money moved (expected cost)",
                        "sample claims",
                    ],
                    rows,
                )
                .text("  "),
            );
            let knock_on: Vec<&Cause> = im
                .by_cause
                .iter()
                .filter(|x| {
                    !self
                        .changes
                        .iter()
                        .any(|c| x.cause.get(1..) == Some(c.id.as_str()))
                })
                .collect();
            if !knock_on.is_empty() {
                let _ = writeln!(
                    s,
                    "  knock-on: unchanged rules that fire differently because of the changes"
                );
                for k in knock_on {
                    let _ = writeln!(s, "    {} on {} claims", k.cause, k.moved.claims);
                }
            }
            let _ = writeln!(s, "  (a claim with several causes counts under each)");
        }
        s
    }
}
