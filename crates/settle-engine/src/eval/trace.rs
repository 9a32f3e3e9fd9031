//! The trace of an evaluation: every rule consulted, whether it matched, the values it read,
//! and what it set. The steps record it as they decide (when [`super::Options::trace`] is on),
//! so the trace is the evaluation itself, never a second reading of the rules.

use crate::condition::Condition;
use crate::playbook::RuleRef;
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

/// The part of a rule set a consulted rule belongs to, in the order the model consults them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    /// Step 1: the responsibility table.
    Responsibility,
    /// Step 2: eligibility rules.
    Eligibility,
    /// Step 3: cost adjustments.
    CostAdjustment,
    /// Step 8: escalation rules.
    Escalation,
    /// Step 8: evidence requests.
    Evidence,
}

impl Section {
    /// The name used in output (`cost adjustment`).
    pub fn as_str(self) -> &'static str {
        match self {
            Section::Responsibility => "responsibility",
            Section::Eligibility => "eligibility",
            Section::CostAdjustment => "cost adjustment",
            Section::Escalation => "escalation",
            Section::Evidence => "evidence",
        }
    }
}

/// One rule, as consulted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Consulted {
    /// The rule.
    pub rule: RuleRef,
    /// Where it belongs.
    pub section: Section,
    /// Whether its condition matched the claim.
    pub matched: bool,
    /// Whether the rule had a say: false for responsibility rows after the one that decided,
    /// and for evidence requests when no request is made (responsibility settled, or the claim
    /// too small).
    pub decided: bool,
    /// Each test of its condition, as evaluated.
    pub reads: Vec<Read>,
    /// What it set or did, in words (`seller 0.3, buyer 0.7`, `blocks refund`).
    pub sets: String,
}

/// Records what the steps consult, or nothing when tracing is off (the advice's fast path).
pub(crate) struct Tracer<'t>(Option<&'t mut Vec<Consulted>>);

impl<'t> Tracer<'t> {
    /// A tracer that records into `into`.
    pub(crate) fn to(into: &'t mut Vec<Consulted>) -> Tracer<'t> {
        Tracer(Some(into))
    }

    /// A tracer that records nothing.
    pub(crate) fn off() -> Tracer<'static> {
        Tracer(None)
    }

    /// Whether entries are recorded.
    pub(crate) fn on(&self) -> bool {
        self.0.is_some()
    }

    /// Records an entry, built only when tracing.
    pub(crate) fn record(&mut self, entry: impl FnOnce() -> Consulted) {
        if let Some(v) = self.0.as_mut() {
            v.push(entry());
        }
    }

    /// Marks the entry of `rule` in `section` as the one that decided.
    pub(crate) fn mark_deciding(&mut self, section: Section, rule: Option<RuleRef>) {
        if let (Some(v), Some(rule)) = (self.0.as_mut(), rule)
            && let Some(c) = v
                .iter_mut()
                .find(|c| c.section == section && c.rule == rule)
        {
            c.sets.push_str(" (decides)");
        }
    }

    /// Adds a note to the entry of `rule` in `section`.
    pub(crate) fn note(&mut self, section: Section, rule: RuleRef, note: &str) {
        if let Some(v) = self.0.as_mut()
            && let Some(c) = v
                .iter_mut()
                .find(|c| c.section == section && c.rule == rule)
        {
            c.sets.push_str(note);
        }
    }
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

/// Every test of a condition, as evaluated on the facts.
pub(crate) fn reads(when: &Condition, facts: &Facts<'_>) -> Vec<Read> {
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
