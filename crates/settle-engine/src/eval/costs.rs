//! The cost parameters in force for a claim (the prices of step 3): the rule set's `[costs]`,
//! then every matching `[[costs.adjust]]`, the most specific last so that it wins.

use super::trace::{Consulted, Section, Tracer};
use crate::playbook::{CostAdjustment, Costs, Param, Playbook, RuleRef};
use crate::schema::Facts;

/// The costs in force and the adjustments that made them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostsInForce {
    /// Every parameter with the rule that set it.
    pub costs: Costs,
    /// The adjustments that matched, in the order they applied.
    pub adjustments: Vec<RuleRef>,
}

/// Applies the cost adjustments to a claim's facts. Ties in specificity (number of tests) go
/// by rule id: file order does not matter.
pub(crate) fn in_force(p: &Playbook, facts: &Facts<'_>, trace: &mut Tracer<'_>) -> CostsInForce {
    let mut costs = *p.costs();
    let mut matched: Vec<&CostAdjustment> = Vec::new();
    for a in p.cost_adjustments() {
        let hit = a.when.matches(facts);
        if hit {
            matched.push(a);
        }
        trace.record(|| Consulted {
            rule: a.rule,
            section: Section::CostAdjustment,
            matched: hit,
            decided: true,
            reads: super::trace::reads(&a.when, facts),
            sets: {
                let set: Vec<String> = a
                    .set
                    .iter()
                    .map(|(c, v)| format!("{} = {}", c.name(), v.normalize()))
                    .collect();
                format!("sets {}", set.join(", "))
            },
        });
    }
    matched.sort_by(|a, b| {
        (a.when.tests().len(), &p.rule(a.rule).id).cmp(&(b.when.tests().len(), &p.rule(b.rule).id))
    });
    for adj in &matched {
        for (param, value) in &adj.set {
            costs.set(
                *param,
                Param {
                    value: *value,
                    rule: adj.rule,
                },
            );
        }
    }
    // Where several adjustments set a parameter, the most specific wins: say which lost.
    if trace.on() {
        for adj in &matched {
            let overridden: Vec<&str> = adj
                .set
                .iter()
                .filter(|(c, _)| costs.param(*c).rule != adj.rule)
                .map(|(c, _)| c.name())
                .collect();
            if !overridden.is_empty() {
                trace.note(
                    Section::CostAdjustment,
                    adj.rule,
                    &format!(
                        " (overridden by a more specific adjustment: {})",
                        overridden.join(", ")
                    ),
                );
            }
        }
    }
    CostsInForce {
        costs,
        adjustments: matched.iter().map(|a| a.rule).collect(),
    }
}
