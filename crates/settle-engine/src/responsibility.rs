//! Step 1 of the model: who is responsible, by the responsibility table's hit policy.

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
    let table = &playbook.responsibility();
    let mut hit = None;
    match table.hit {
        // Under `unique` the loader proved that rows do not overlap, so the first match is the only one.
        HitPolicy::First | HitPolicy::Unique => {
            hit = table.rows.iter().find(|row| row.when.matches(facts));
        }
        HitPolicy::Priority => {
            for row in &table.rows {
                if row.when.matches(facts)
                    && hit.is_none_or(|h: &ResponsibilityRow| row.priority > h.priority)
                {
                    hit = Some(row);
                }
            }
        }
    }
    match hit.or(table.otherwise.as_ref()) {
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
    }
}
