//! Step 1 of the model: who is responsible, by the responsibility table's hit policy.

use super::trace::{Consulted, Section, Tracer};
use crate::playbook::{HitPolicy, Playbook, ResponsibilityRow, RuleRef, Share, Shares};
use crate::schema::Facts;
use rust_decimal::Decimal;

/// Who is responsible for a claim, and the row that says so.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Finding {
    /// Shares for seller, buyer and carrier.
    pub shares: Shares,
    /// The evidence cannot decide; the shares are a placeholder.
    pub unclear: bool,
    /// The row that set the shares; `None` when no row matched and there is no `otherwise`.
    pub rule: Option<RuleRef>,
}

/// The shares used when no row matches and the table has no `otherwise` row.
pub fn fallback_shares() -> Shares {
    let half = Share(Decimal::new(5, 1));
    Shares {
        seller: half,
        buyer: half,
        carrier: Share::ZERO,
    }
}

/// Applies the responsibility table to a claim's facts.
pub fn assign(playbook: &Playbook, facts: &Facts<'_>) -> Finding {
    decide(playbook, facts, &mut Tracer::off())
}

/// Applies the table, recording every row consulted when the tracer is on. Under `first` and
/// `unique` the rows after the one that decides are not consulted (a trace still shows whether
/// they match); under `priority` every row is.
pub(crate) fn decide(playbook: &Playbook, facts: &Facts<'_>, trace: &mut Tracer<'_>) -> Finding {
    let table = playbook.responsibility();
    let mut hit: Option<&ResponsibilityRow> = None;
    for row in &table.rows {
        let consulted = match table.hit {
            // Under `unique` the loader proved that rows do not overlap, so the first match
            // is the only one.
            HitPolicy::First | HitPolicy::Unique => hit.is_none(),
            HitPolicy::Priority => true,
        };
        if !consulted && !trace.on() {
            break;
        }
        let matched = row.when.matches(facts);
        if consulted
            && matched
            && hit.is_none_or(|h| table.hit != HitPolicy::Priority || row.priority > h.priority)
        {
            hit = Some(row);
        }
        trace.record(|| row_consulted(table.hit, row, facts, matched, consulted));
    }
    let chosen = hit.or(table.otherwise.as_ref());
    if let Some(other) = &table.otherwise {
        let decides = hit.is_none();
        trace.record(|| row_consulted(table.hit, other, facts, decides, decides));
    }
    let finding = match chosen {
        Some(row) => Finding {
            shares: row.shares,
            unclear: row.unclear,
            rule: Some(row.rule),
        },
        None => Finding {
            shares: fallback_shares(),
            unclear: true,
            rule: None,
        },
    };
    trace.mark_deciding(Section::Responsibility, finding.rule);
    finding
}

fn row_consulted(
    hit: HitPolicy,
    row: &ResponsibilityRow,
    facts: &Facts<'_>,
    matched: bool,
    consulted: bool,
) -> Consulted {
    Consulted {
        rule: row.rule,
        section: Section::Responsibility,
        matched,
        decided: consulted,
        reads: super::trace::reads(&row.when, facts),
        sets: format!(
            "seller {}, buyer {}, carrier {}{}{}",
            row.shares.seller().normalize(),
            row.shares.buyer().normalize(),
            row.shares.carrier().normalize(),
            if row.unclear { ", unclear" } else { "" },
            if hit == HitPolicy::Priority {
                format!(", priority {}", row.priority)
            } else {
                String::new()
            },
        ),
    }
}
