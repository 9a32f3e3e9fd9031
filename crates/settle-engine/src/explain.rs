//! The full trace behind an advice: every rule consulted, whether it matched, the values it
//! read, and what it set. Kept apart from [`crate::advise`] so the advice itself stays lean.

use crate::advice::{Advice, advise};
use crate::claim::Claim;
use crate::condition::Condition;
use crate::money::Overflow;
use crate::playbook::{CostParam, HitPolicy, Playbook, RuleRef};
use crate::schema::{Fact, Facts, Field, FieldType};

/// One test of a condition, as evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The field read.
    pub field: Field,
    /// The claim's value, in words (`late_delivery`, `0.3`, `absent`).
    pub value: String,
    /// The test, in the rule language (`share.seller >= 0.5`).
    pub test: String,
    /// Whether the value passed the test.
    pub passed: bool,
}

/// One rule, as consulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consulted {
    /// The rule.
    pub rule: RuleRef,
    /// `responsibility`, `eligibility`, `cost adjustment`, `escalation`, `evidence`.
    pub section: &'static str,
    /// Whether its condition matched the claim.
    pub matched: bool,
    /// Whether the rule had a say: false for responsibility rows after the one that decided.
    pub decided: bool,
    /// Each test of its condition, as evaluated.
    pub reads: Vec<Read>,
    /// What it set or did, in words (`seller 0.3, buyer 0.7`, `blocks refund`).
    pub sets: String,
}

/// The advice with its trace.
#[derive(Debug, Clone)]
pub struct Explanation {
    /// Every rule, in the order it was consulted.
    pub consulted: Vec<Consulted>,
    /// The advice itself.
    pub advice: Advice,
}

/// A fact in words.
pub fn fact_text(field: Field, fact: Fact<'_>) -> String {
    match (fact, field.ty()) {
        (Fact::Bool(b), _) => b.to_string(),
        (Fact::Sym(i), FieldType::Enum(names)) => names
            .get(usize::from(i))
            .copied()
            .unwrap_or("?")
            .to_string(),
        (Fact::Sym(i), _) => format!("#{i}"),
        (Fact::Num(x), _) => x.normalize().to_string(),
        (Fact::Text(t), _) => t.to_string(),
        (Fact::Absent, _) => "absent".to_string(),
    }
}

fn reads(when: &Condition, facts: &Facts<'_>) -> Vec<Read> {
    when.tests()
        .iter()
        .map(|(f, t)| {
            let fact = facts.get(*f);
            Read {
                field: *f,
                value: fact_text(*f, fact),
                test: t.describe(*f),
                passed: t.matches(fact),
            }
        })
        .collect()
}

/// Works out the advice and the trace behind it.
pub fn explain(p: &Playbook, claim: &Claim) -> Result<Explanation, Overflow> {
    let advice = advise(p, claim)?;
    let mut facts = Facts::of(claim);
    let mut consulted = Vec::new();

    let table = &p.responsibility();
    let chosen = advice.responsibility.rule;
    let mut decided_yet = false;
    for row in table.rows.iter().chain(&table.otherwise) {
        let is_otherwise = table.otherwise.as_ref().is_some_and(|o| o.rule == row.rule);
        let matched = if is_otherwise {
            chosen == Some(row.rule)
        } else {
            row.when.matches(&facts)
        };
        let decided = match table.hit {
            HitPolicy::First | HitPolicy::Unique => !decided_yet,
            HitPolicy::Priority => true,
        };
        if Some(row.rule) == chosen {
            decided_yet = true;
        }
        consulted.push(Consulted {
            rule: row.rule,
            section: "responsibility",
            matched,
            decided: decided || Some(row.rule) == chosen,
            reads: reads(&row.when, &facts),
            sets: format!(
                "seller {}, buyer {}, carrier {}{}{}{}",
                row.shares.seller().normalize(),
                row.shares.buyer().normalize(),
                row.shares.carrier().normalize(),
                if row.unclear { ", unclear" } else { "" },
                if table.hit == HitPolicy::Priority {
                    format!(", priority {}", row.priority)
                } else {
                    String::new()
                },
                if Some(row.rule) == chosen {
                    " (decides)"
                } else {
                    ""
                }
            ),
        });
    }
    facts.set_responsibility(&advice.responsibility);

    for e in p.eligibility() {
        let options: Vec<&str> = e.options.iter().map(|r| r.as_str()).collect();
        consulted.push(Consulted {
            rule: e.rule,
            section: "eligibility",
            matched: e.when.matches(&facts),
            decided: true,
            reads: reads(&e.when, &facts),
            sets: format!("blocks {}", options.join(", ")),
        });
    }
    for a in p.cost_adjustments() {
        let set: Vec<String> = a
            .set
            .iter()
            .map(|(c, v)| format!("{} = {}", c.name(), v.normalize()))
            .collect();
        let matched = a.when.matches(&facts);
        // Where several adjustments set a parameter, the most specific wins; say which lost.
        let overridden: Vec<&str> = a
            .set
            .iter()
            .filter(|(c, _)| matched && advice.costs.param(*c).rule != a.rule)
            .map(|(c, _)| c.name())
            .collect();
        consulted.push(Consulted {
            rule: a.rule,
            section: "cost adjustment",
            matched,
            decided: true,
            reads: reads(&a.when, &facts),
            sets: if overridden.is_empty() {
                format!("sets {}", set.join(", "))
            } else {
                format!(
                    "sets {} (overridden by a more specific adjustment: {})",
                    set.join(", "),
                    overridden.join(", ")
                )
            },
        });
    }
    for e in p.escalation() {
        consulted.push(Consulted {
            rule: e.rule,
            section: "escalation",
            matched: e.when.matches(&facts),
            decided: true,
            reads: reads(&e.when, &facts),
            sets: format!("escalates to {} ({})", e.to, e.kind.as_str()),
        });
    }
    for r in p.evidence_requests() {
        consulted.push(Consulted {
            rule: r.rule,
            section: "evidence",
            matched: r.when.matches(&facts),
            // Requests are made only when responsibility is unclear and the claim is material.
            decided: advice.responsibility.unclear,
            reads: reads(&r.when, &facts),
            sets: format!("asks for {}", r.documents),
        });
    }
    Ok(Explanation { consulted, advice })
}

/// The cost parameters in force, each with the rule that set it.
pub fn costs_in_force(advice: &Advice) -> Vec<(CostParam, rust_decimal::Decimal, RuleRef)> {
    CostParam::ALL
        .iter()
        .map(|c| {
            let p = advice.costs.param(*c);
            (*c, p.value, p.rule)
        })
        .collect()
}
