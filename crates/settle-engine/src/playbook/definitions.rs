//! What each rule says, as canonical text: the basis of semantic diffs between rule sets.

use super::*;
use crate::claim::Remedy;
use crate::condition::Condition;

/// What a rule says, as a canonical string: equal strings mean the rule decides the same way,
/// whatever the formatting, comments or order of the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// What kind of rule it is.
    pub kind: RuleKind,
    /// What it says.
    pub text: String,
}

impl Playbook {
    /// Every rule and parameter by id, with what it says. Settings without a rule of their own
    /// (`relationship.horizon_years`, `buyer.days_per_round`, `limits.approver`) are included as
    /// parameters under those names.
    pub fn definitions(&self) -> std::collections::BTreeMap<String, Definition> {
        use std::collections::BTreeMap;
        let mut out: BTreeMap<String, Definition> = BTreeMap::new();
        let mut put = |id: &str, kind: RuleKind, text: String| {
            out.insert(id.to_string(), Definition { kind, text });
        };
        let id = |r: RuleRef| self.rule(r).id.as_str();
        let cond = |c: &Condition| c.describe();
        let row = |r: &ResponsibilityRow| {
            format!(
                "when [{}] seller {} buyer {} carrier {} unclear {} priority {}",
                cond(&r.when),
                r.shares.seller().normalize(),
                r.shares.buyer().normalize(),
                r.shares.carrier().normalize(),
                r.unclear,
                r.priority
            )
        };
        for r in self
            .responsibility()
            .rows
            .iter()
            .chain(&self.responsibility().otherwise)
        {
            put(
                id(r.rule),
                RuleKind::Responsibility,
                format!("{} hit {}", row(r), self.responsibility().hit.as_str()),
            );
        }
        for e in self.eligibility() {
            let options: Vec<&str> = e.options.iter().map(Remedy::as_str).collect();
            put(
                id(e.rule),
                RuleKind::Eligibility,
                format!("blocks [{}] when [{}]", options.join(", "), cond(&e.when)),
            );
        }
        for a in self.cost_adjustments() {
            let set: Vec<String> = a
                .set
                .iter()
                .map(|(p, v)| format!("{} = {}", p.name(), v.normalize()))
                .collect();
            put(
                id(a.rule),
                RuleKind::CostAdjustment,
                format!("sets [{}] when [{}]", set.join(", "), cond(&a.when)),
            );
        }
        for e in self.escalation() {
            put(
                id(e.rule),
                RuleKind::Escalation,
                format!("{} to {} when [{}]", e.kind.as_str(), e.to, cond(&e.when)),
            );
        }
        for e in self.evidence_requests() {
            let assume: Vec<String> = e
                .assume
                .iter()
                .map(|(f, v)| match (v, f.ty()) {
                    (Assumed::Bool(b), _) => format!("{} = {b}", f.name()),
                    (Assumed::Sym(i), crate::schema::FieldType::Enum(names)) => {
                        format!(
                            "{} = {}",
                            f.name(),
                            names.get(usize::from(*i)).copied().unwrap_or("?")
                        )
                    }
                    (Assumed::Sym(i), _) => format!("{} = #{i}", f.name()),
                })
                .collect();
            put(
                id(e.rule),
                RuleKind::Evidence,
                format!(
                    "{}asks \"{}\" assuming [{}] when [{}]",
                    if e.verify { "verifies: " } else { "" },
                    e.documents,
                    assume.join(", "),
                    cond(&e.when)
                ),
            );
        }
        for l in &self.limits().approval {
            put(
                id(l.rule),
                RuleKind::ApprovalLimit,
                l.amount.normalize().to_string(),
            );
        }
        let mut param = |p: &Param| {
            put(
                id(p.rule),
                RuleKind::Parameter,
                p.value.normalize().to_string(),
            )
        };
        for c in CostParam::ALL {
            param(&self.costs().param(*c));
        }
        let rel = &self.relationship();
        for p in rel.retention.iter().chain([
            &rel.discount_rate,
            &rel.per_round,
            &rel.per_30_days,
            &rel.walkaway,
            &rel.countered,
        ]) {
            param(p);
        }
        let b = &self.buyer();
        for p in b.appeal.iter().chain([
            &b.fair_weight,
            &b.patience_per_30_days,
            &b.award,
            &b.dispute,
            &b.withhold,
        ]) {
            param(p);
        }
        let l = &self.limits();
        for p in [
            &l.notice_days,
            &l.prompt_notice_days,
            &l.reply_within_days,
            &l.material_share,
            &self.tree().opening,
        ] {
            param(p);
        }
        let curve = |c: &Curve| {
            c.points()
                .iter()
                .map(|(x, y)| format!("[{}, {}]", x.normalize(), y.get().normalize()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        put(
            id(rel.fairness_rule),
            RuleKind::Parameter,
            curve(&rel.fairness),
        );
        put(id(b.by_ask_rule), RuleKind::Parameter, curve(&b.by_ask));
        put(id(b.by_fair_rule), RuleKind::Parameter, curve(&b.by_fair));
        put(
            id(b.patience_rule),
            RuleKind::Parameter,
            b.patience
                .iter()
                .map(|s| s.get().normalize().to_string())
                .collect::<Vec<_>>()
                .join(" "),
        );
        put(
            id(self.tree().rule),
            RuleKind::Parameter,
            format!(
                "rounds {} ladder {}",
                self.tree().rounds,
                self.tree()
                    .ladder
                    .iter()
                    .map(|s| s.get().normalize().to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        );
        put(
            "relationship.horizon_years",
            RuleKind::Parameter,
            rel.horizon_years.to_string(),
        );
        put(
            "buyer.days_per_round",
            RuleKind::Parameter,
            b.days_per_round.to_string(),
        );
        put("limits.approver", RuleKind::Parameter, l.approver.clone());
        out
    }
}
