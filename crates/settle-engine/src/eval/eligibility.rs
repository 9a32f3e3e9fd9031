//! Step 2 of the model: which options may be offered. Each eligibility rule whose condition
//! holds blocks its options; an option is eligible when no rule blocks it.

use super::trace::{Consulted, Section, Tracer};
use crate::claim::Remedy;
use crate::playbook::{Playbook, RuleRef};
use crate::schema::Facts;

/// The rules that block each option, in [`Remedy::ALL`] order, each list sorted by rule id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    blocked: [Vec<RuleRef>; 6],
}

impl Eligibility {
    /// Whether no rule blocks the option.
    pub fn allows(&self, r: Remedy) -> bool {
        self.blocked[r.index()].is_empty()
    }

    /// The rules that block the option, by id.
    pub fn blocked_by(&self, r: Remedy) -> &[RuleRef] {
        &self.blocked[r.index()]
    }

    /// Every option's blocking rules, in option order.
    pub fn all(&self) -> impl Iterator<Item = &[RuleRef]> {
        self.blocked.iter().map(Vec::as_slice)
    }
}

/// Applies the eligibility rules to a claim's facts (responsibility included).
pub(crate) fn decide(p: &Playbook, facts: &Facts<'_>, trace: &mut Tracer<'_>) -> Eligibility {
    let mut blocked: [Vec<RuleRef>; 6] = Default::default();
    for e in p.eligibility() {
        let matched = e.when.matches(facts);
        if matched {
            for r in e.options.iter() {
                blocked[r.index()].push(e.rule);
            }
        }
        trace.record(|| {
            let options: Vec<&str> = e.options.iter().map(Remedy::as_str).collect();
            Consulted {
                rule: e.rule,
                section: Section::Eligibility,
                matched,
                decided: true,
                reads: super::trace::reads(&e.when, facts),
                sets: format!("blocks {}", options.join(", ")),
            }
        });
    }
    // File order does not matter: each option's rules are listed by id.
    for v in &mut blocked {
        v.sort_by(|a, b| p.rule(*a).id.cmp(&p.rule(*b).id));
    }
    Eligibility { blocked }
}
