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
    /// The same, part by part, in a fixed order: each test of its condition (`when
    /// share.seller` = `>= 0.5`), then what it sets or does (`seller` = `1`, `blocks` =
    /// `[reject]`, `value` = `0.9` for a parameter). A diff shows the parts that differ.
    pub parts: Vec<(String, String)>,
}

/// A condition's tests as parts: `when FIELD` and the test without the field's name (`>= 0.5`,
/// `in [a, b]`, `= true`), or `when` = `always`.
fn condition_parts(c: &Condition) -> Vec<(String, String)> {
    if c.tests().is_empty() {
        return vec![("when".to_string(), "always".to_string())];
    }
    c.tests()
        .iter()
        .map(|(f, t)| {
            let text = t.describe(*f);
            let test = text
                .strip_prefix(f.name())
                .map_or(text.as_str(), str::trim_start)
                .to_string();
            (format!("when {}", f.name()), test)
        })
        .collect()
}

/// Parts from pairs of names and values.
fn parts<const N: usize>(pairs: [(&str, String); N]) -> Vec<(String, String)> {
    pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

impl Playbook {
    /// Every rule and parameter by id, with what it says. Settings without a rule of their own
    /// (`relationship.horizon_years`, `buyer.days_per_round`, `limits.approver`) are included as
    /// parameters under those names.
    pub fn definitions(&self) -> std::collections::BTreeMap<String, Definition> {
        use std::collections::BTreeMap;
        let mut out: BTreeMap<String, Definition> = BTreeMap::new();
        let mut put = |id: &str, kind: RuleKind, text: String, parts: Vec<(String, String)>| {
            out.insert(id.to_string(), Definition { kind, text, parts });
        };
        let value = |v: String| vec![("value".to_string(), v)];
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
            let mut p = condition_parts(&r.when);
            p.extend(parts([
                ("seller", r.shares.seller().normalize().to_string()),
                ("buyer", r.shares.buyer().normalize().to_string()),
                ("carrier", r.shares.carrier().normalize().to_string()),
                ("unclear", r.unclear.to_string()),
                ("priority", r.priority.to_string()),
                ("hit", self.responsibility().hit.as_str().to_string()),
            ]));
            put(
                id(r.rule),
                RuleKind::Responsibility,
                format!("{} hit {}", row(r), self.responsibility().hit.as_str()),
                p,
            );
        }
        for e in self.eligibility() {
            let options: Vec<&str> = e.options.iter().map(Remedy::as_str).collect();
            let mut p = parts([("blocks", format!("[{}]", options.join(", ")))]);
            p.extend(condition_parts(&e.when));
            put(
                id(e.rule),
                RuleKind::Eligibility,
                format!("blocks [{}] when [{}]", options.join(", "), cond(&e.when)),
                p,
            );
        }
        for a in self.cost_adjustments() {
            let set: Vec<String> = a
                .set
                .iter()
                .map(|(p, v)| format!("{} = {}", p.name(), v.normalize()))
                .collect();
            let mut p: Vec<(String, String)> = a
                .set
                .iter()
                .map(|(param, v)| (format!("sets {}", param.name()), v.normalize().to_string()))
                .collect();
            p.extend(condition_parts(&a.when));
            put(
                id(a.rule),
                RuleKind::CostAdjustment,
                format!("sets [{}] when [{}]", set.join(", "), cond(&a.when)),
                p,
            );
        }
        for e in self.escalation() {
            let mut p = parts([
                ("escalates", e.kind.as_str().to_string()),
                ("to", e.to.clone()),
            ]);
            p.extend(condition_parts(&e.when));
            put(
                id(e.rule),
                RuleKind::Escalation,
                format!("{} to {} when [{}]", e.kind.as_str(), e.to, cond(&e.when)),
                p,
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
            let mut p = parts([
                ("verifies", e.verify.to_string()),
                ("asks", format!("\"{}\"", e.documents)),
                ("assuming", format!("[{}]", assume.join(", "))),
            ]);
            p.extend(condition_parts(&e.when));
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
                p,
            );
        }
        for l in &self.limits().approval {
            put(
                id(l.rule),
                RuleKind::ApprovalLimit,
                l.amount.normalize().to_string(),
                value(l.amount.normalize().to_string()),
            );
        }
        let mut param = |p: &Param| {
            put(
                id(p.rule),
                RuleKind::Parameter,
                p.value.normalize().to_string(),
                value(p.value.normalize().to_string()),
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
        for (rule, c) in [
            (rel.fairness_rule, &rel.fairness),
            (b.by_ask_rule, &b.by_ask),
            (b.by_fair_rule, &b.by_fair),
        ] {
            put(
                id(rule),
                RuleKind::Parameter,
                curve(c),
                parts([("points", curve(c))]),
            );
        }
        let patience = b
            .patience
            .iter()
            .map(|s| s.get().normalize().to_string())
            .collect::<Vec<_>>()
            .join(" ");
        put(
            id(b.patience_rule),
            RuleKind::Parameter,
            patience.clone(),
            value(patience),
        );
        let ladder = self
            .tree()
            .ladder
            .iter()
            .map(|s| s.get().normalize().to_string())
            .collect::<Vec<_>>()
            .join(" ");
        put(
            id(self.tree().rule),
            RuleKind::Parameter,
            format!("rounds {} ladder {}", self.tree().rounds, ladder),
            parts([
                ("rounds", self.tree().rounds.to_string()),
                ("ladder", ladder.clone()),
            ]),
        );
        for (name, v) in [
            ("relationship.horizon_years", rel.horizon_years.to_string()),
            ("buyer.days_per_round", b.days_per_round.to_string()),
            ("limits.approver", l.approver.clone()),
        ] {
            put(name, RuleKind::Parameter, v.clone(), value(v));
        }
        out
    }
}
