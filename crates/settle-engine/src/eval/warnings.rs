//! Step 9 of the model: what the rep must not miss (a reply overdue, a claim above the goods'
//! value, notice late or out of time, a claim no rule covers, no approval limit).

use super::responsibility::Finding;
use crate::advice::Warning;
use crate::claim::Claim;
use crate::playbook::Playbook;
use crate::schema::{Facts, Field};

/// The warnings on a claim.
pub(crate) fn warnings(
    p: &Playbook,
    claim: &Claim,
    facts: &Facts<'_>,
    finding: &Finding,
) -> Vec<Warning> {
    use crate::schema::Fact;
    let num = |f: Field| match facts.get(f) {
        Fact::Num(x) => Some(x),
        _ => None,
    };
    let mut out = Vec::new();
    if claim.standing_proposal().is_some()
        && let Some(d) = num(Field::DaysSinceLastRound)
        && d > p.limits().reply_within_days.value
    {
        out.push(Warning {
            code: "reply_overdue",
            message: format!(
                "the buyer has waited {d} days for an answer; answer within {} day(s), calmly, before anything else (seed 002, step 1)",
                p.limits().reply_within_days.value
            ),
        });
    }
    if claim.ask.amount > claim.order.value {
        out.push(Warning {
            code: "claim_above_value",
            message: format!(
                "the claim ({}) is above the goods' value ({}): verify it before paying (seed 004)",
                claim.currency.format(claim.ask.amount),
                claim.currency.format(claim.order.value)
            ),
        });
    }
    if let Some(d) = num(Field::DaysSinceDelivery) {
        if d > p.limits().notice_days.value {
            out.push(Warning {
                code: "notice_expired",
                message: format!(
                    "notice came {d} days after delivery, past the {}-day limit: the buyer may have lost the right to rely on the defect (CISG art. 39(2))",
                    p.limits().notice_days.value
                ),
            });
        } else if d > p.limits().prompt_notice_days.value {
            out.push(Warning {
                code: "notice_late",
                message: format!(
                    "notice came {d} days after delivery, later than {} days: check it was within a reasonable time (CISG art. 39(1))",
                    p.limits().prompt_notice_days.value
                ),
            });
        }
    }
    if finding.rule.is_none() {
        out.push(Warning {
            code: "no_responsibility_rule",
            message: "no responsibility rule covers this claim: shared evenly and marked unclear"
                .to_string(),
        });
    }
    if p.approval_limit(claim.currency.code()).is_none() {
        out.push(Warning {
            code: "no_approval_limit",
            message: format!(
                "the rule set has no approval limit for {}",
                claim.currency.code()
            ),
        });
    }
    out
}
