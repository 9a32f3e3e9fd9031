//! `settle rules lint`: warnings on a rule set that loads, each at file:line:col with a fix a
//! manager can act on. Analysis is on conditions as sets and intervals, not on their text.

use crate::diag::{Diagnostic, Severity};
use crate::source::SourceFile;
use settle_engine::claim::Remedy;
use settle_engine::condition::{Condition, Test, uncovered};
use settle_engine::playbook::{HitPolicy, Playbook, RuleRef};
use settle_engine::schema::{Field, FieldType};

/// A lint's stable name, as reported (`shadowed-row`, `gap`, ...).
pub const LINTS: &[(&str, &str)] = &[
    (
        "shadowed-row",
        "a responsibility row that earlier rows always pre-empt",
    ),
    ("gap", "claims that no responsibility row covers"),
    (
        "ambiguous-rows",
        "rows of equal priority that overlap with different shares",
    ),
    (
        "conflicting-adjustments",
        "cost adjustments that overlap, set a parameter differently, and are equally specific",
    ),
    (
        "never-eligible",
        "an option that every claim is blocked from",
    ),
    ("always-true-test", "a test that every claim passes"),
    ("never-applies", "a rule whose condition no claim can meet"),
    (
        "inconsistent-threshold",
        "parameters that contradict each other",
    ),
    (
        "offers-above-fair-share",
        "settings that open above our fair share",
    ),
    (
        "builtin-name",
        "a rule set that calls itself what the built-in rules do but differs from them",
    ),
];

/// A rule set read from a folder that calls itself what the built-in rules call themselves
/// (name and version) while its files differ: a copy of `rules/default` changed without being
/// renamed, which diffs, replays and advice would show as the built-in rules. The warning is
/// at the `name` in `[ruleset]`. (Not part of [`lint`], which also lints the built-in rules and
/// the test corpora built from them; `settle rules lint DIR` adds it.)
pub fn copied_builtin(p: &Playbook, sources: &[SourceFile]) -> Option<Diagnostic> {
    let builtin = crate::defaults::load_default().ok()?;
    if p.name() != builtin.name() || p.version() != builtin.version() || p.hash() == builtin.hash()
    {
        return None;
    }
    let short = |h: &str| h[..12.min(h.len())].to_string();
    let message = format!(
        "this rule set calls itself `{} {}`, as the built-in rules do, but its files differ from theirs (hash {}, not {}) [builtin-name]",
        p.name(),
        p.version(),
        short(p.hash()),
        short(builtin.hash())
    );
    // The `name = ...` line of the file that holds `[ruleset]`.
    let (file, span, line, column) = sources
        .iter()
        .find_map(|src| {
            let text = src.text();
            let section = text.find("[ruleset]")?;
            let mut offset = section;
            for (i, l) in text[section..].split_inclusive('\n').enumerate() {
                let t = l.trim_start();
                if i > 0 && t.starts_with('[') {
                    break;
                }
                if i > 0 && t.starts_with("name") && t["name".len()..].trim_start().starts_with('=')
                {
                    let start = offset + (l.len() - t.len());
                    let end = start + t.trim_end().len();
                    let (line, column) = src.line_col(start);
                    return Some((src.name().to_string(), start..end, line, column));
                }
                offset += l.len();
            }
            let (line, column) = src.line_col(section);
            Some((src.name().to_string(), section..section + 9, line, column))
        })
        .unwrap_or_else(|| (p.files().first().cloned().unwrap_or_default(), 0..0, 1, 1));
    Some(Diagnostic {
        severity: Severity::Warning,
        file,
        line,
        column,
        span,
        message,
        field: Some("ruleset.name".to_string()),
        label: Some("the built-in rules' name and version".to_string()),
        help: Some(
            "give it its own `name` (or a new `version`) in [ruleset], so that diffs, replays and advice can tell the two apart".to_string(),
        ),
    })
}

struct Linter<'a> {
    p: &'a Playbook,
    sources: &'a [SourceFile],
    out: Vec<Diagnostic>,
}

impl Linter<'_> {
    fn warn(&mut self, at: RuleRef, lint: &str, message: String, help: String) {
        let info = self.p.rule(at);
        let file = self
            .p
            .files()
            .get(usize::from(info.origin.file))
            .cloned()
            .unwrap_or_default();
        let (span, column) = match self.sources.iter().find(|s| s.name() == file) {
            Some(src) => {
                let text = src.text();
                let start_of_line = text
                    .split_inclusive('\n')
                    .take(info.origin.line as usize - 1)
                    .map(str::len)
                    .sum::<usize>();
                let line = text[start_of_line..].lines().next().unwrap_or("");
                let indent = line.len() - line.trim_start().len();
                let start = start_of_line + indent;
                (start..start_of_line + line.len(), src.line_col(start).1)
            }
            None => (0..0, 1),
        };
        self.out.push(Diagnostic {
            severity: Severity::Warning,
            file,
            line: info.origin.line,
            column,
            span,
            message: format!("{message} [{lint}]"),
            field: Some(info.id.clone()),
            label: Some(info.id.clone()),
            help: Some(help),
        });
    }

    fn id(&self, r: RuleRef) -> &str {
        &self.p.rule(r).id
    }

    fn example(w: &[(Field, settle_engine::condition::Sample)]) -> String {
        if w.is_empty() {
            return "any claim".to_string();
        }
        w.iter()
            .map(|(f, s)| format!("{} = {}", f.name(), s.describe(*f)))
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn responsibility(&mut self) {
        let t = &self.p.responsibility();
        for (j, row) in t.rows.iter().enumerate() {
            // The rows that are tried before this one: those above it under `first`; those of a
            // higher priority (or the same, above it) under `priority`.
            let before: Vec<&settle_engine::playbook::ResponsibilityRow> = match t.hit {
                HitPolicy::First => t.rows[..j].iter().collect(),
                HitPolicy::Priority => t
                    .rows
                    .iter()
                    .enumerate()
                    .filter(|(i, r)| {
                        *i != j
                            && (r.priority > row.priority || (r.priority == row.priority && *i < j))
                    })
                    .map(|(_, r)| r)
                    .collect(),
                HitPolicy::Unique => Vec::new(),
            };
            let earlier: Vec<&Condition> = before.iter().map(|r| &r.when).collect();
            if t.hit != HitPolicy::Unique
                && !earlier.is_empty()
                && uncovered(&row.when, &earlier).is_none()
            {
                // Name a row that shadows it (one tried before it that matches some of its
                // claims), never one it shadows: under `first` the first such row above it,
                // which it must move above; under `priority` the one of the highest priority,
                // which it must outrank.
                let overlapping = before.iter().filter(|r| r.when.overlaps(&row.when));
                let help = match t.hit {
                    HitPolicy::Priority => overlapping
                        .copied()
                        .reduce(|a, b| if b.priority > a.priority { b } else { a })
                        .map(|r| {
                            format!(
                                "give it a priority above `{}` ({}), make it narrower than the rows tried before it, or remove it",
                                self.id(r.rule),
                                r.priority
                            )
                        }),
                    _ => overlapping.copied().next().map(|r| {
                        format!(
                            "move it above `{}`, make it narrower than the rows before it, or remove it",
                            self.id(r.rule)
                        )
                    }),
                }
                .unwrap_or_else(|| "remove it".to_string());
                self.warn(
                    row.rule,
                    "shadowed-row",
                    format!(
                        "row `{}` is never used: rows {} it match every claim it matches",
                        self.id(row.rule),
                        if t.hit == HitPolicy::Priority {
                            "tried before"
                        } else {
                            "before"
                        }
                    ),
                    help,
                );
            }
            if t.hit == HitPolicy::Priority {
                for other in &t.rows[..j] {
                    if other.priority == row.priority
                        && other.shares != row.shares
                        && other.when.overlaps(&row.when)
                    {
                        self.warn(
                            row.rule,
                            "ambiguous-rows",
                            format!(
                                "rows `{}` and `{}` have the same priority, overlap, and set different shares: file order decides between them",
                                self.id(other.rule),
                                self.id(row.rule)
                            ),
                            "give one of them a higher priority".to_string(),
                        );
                    }
                }
            }
        }
        if t.otherwise.is_none() {
            let all: Vec<&Condition> = t.rows.iter().map(|r| &r.when).collect();
            if let Some(w) = uncovered(&Condition::default(), &all)
                && let Some(first) = t.rows.first()
            {
                self.warn(
                    first.rule,
                    "gap",
                    format!("no responsibility row covers claims such as: {}", Self::example(&w)),
                    "add a row for them, or an `otherwise` row; until then they are treated as unclear, shared evenly".to_string(),
                );
            }
        }
    }

    fn adjustments(&mut self) {
        let adj = &self.p.cost_adjustments();
        for (j, b) in adj.iter().enumerate() {
            for a in &adj[..j] {
                for (param, va) in &a.set {
                    let Some((_, vb)) = b.set.iter().find(|(q, _)| q == param) else {
                        continue;
                    };
                    if va == vb || a.when.tests().len() != b.when.tests().len() {
                        continue;
                    }
                    let Some(both) = a.when.and(&b.when) else {
                        continue;
                    };
                    // Settled when a more specific adjustment of the same parameter covers the overlap.
                    let settled = adj.iter().any(|k| {
                        k.set.iter().any(|(q, _)| q == param)
                            && k.when.tests().len() > a.when.tests().len()
                            && both.within(&k.when)
                    });
                    if !settled {
                        self.warn(
                            b.rule,
                            "conflicting-adjustments",
                            format!(
                                "`{}` and `{}` both apply to claims with {} and set `{}` to {} and {}: only the alphabetical order of their ids decides",
                                self.id(a.rule),
                                self.id(b.rule),
                                both.describe(),
                                param.name(),
                                va.normalize(),
                                vb.normalize()
                            ),
                            format!("add an adjustment for exactly those claims ({}) that sets `{}`", both.describe(), param.name()),
                        );
                    }
                }
            }
        }
    }

    fn eligibility(&mut self) {
        for remedy in Remedy::ALL {
            let blocks: Vec<&settle_engine::playbook::EligibilityRule> = self
                .p
                .eligibility()
                .iter()
                .filter(|e| e.options.contains(*remedy))
                .collect();
            let Some(first) = blocks.first() else {
                continue;
            };
            let conds: Vec<&Condition> = blocks.iter().map(|e| &e.when).collect();
            if uncovered(&Condition::default(), &conds).is_none() {
                let ids: Vec<&str> = blocks.iter().map(|e| self.id(e.rule)).collect();
                self.warn(
                    first.rule,
                    "never-eligible",
                    format!(
                        "`{remedy}` can never be offered: the rules blocking it cover every claim"
                    ),
                    format!("narrow one of: {}", ids.join(", ")),
                );
            }
        }
    }

    fn conditions(&mut self) {
        let p = self.p;
        let mut rules: Vec<(RuleRef, &Condition, &str)> = Vec::new();
        rules.extend(
            p.responsibility()
                .rows
                .iter()
                .map(|r| (r.rule, &r.when, "row")),
        );
        rules.extend(
            p.eligibility()
                .iter()
                .map(|r| (r.rule, &r.when, "eligibility rule")),
        );
        rules.extend(
            p.cost_adjustments()
                .iter()
                .map(|r| (r.rule, &r.when, "adjustment")),
        );
        rules.extend(
            p.escalation()
                .iter()
                .map(|r| (r.rule, &r.when, "escalation rule")),
        );
        rules.extend(
            p.evidence_requests()
                .iter()
                .map(|r| (r.rule, &r.when, "evidence request")),
        );
        for (rule, when, what) in rules {
            for (field, test) in when.tests() {
                if accepts_everything(*field, test) {
                    self.warn(
                        rule,
                        "always-true-test",
                        format!(
                            "the test `{}` in {what} `{}` is true of every claim",
                            test.describe(*field),
                            self.id(rule)
                        ),
                        format!("drop the test on `{}`", field.name()),
                    );
                }
            }
            if !when.tests().is_empty() && uncovered(when, &[]).is_none() {
                self.warn(
                    rule,
                    "never-applies",
                    format!("{what} `{}` never applies: no claim can have {}", self.id(rule), when.describe()),
                    if when.test_on(Field::EvidenceNone).is_some() {
                        "fix the contradiction (evidence.none means no photos, no inspection and no expert opinion)".to_string()
                    } else {
                        "change the condition so that some claim can meet it, or remove the rule".to_string()
                    },
                );
            }
        }
        for e in p.escalation() {
            if e.when.tests().is_empty() {
                self.warn(
                    e.rule,
                    "always-true-test",
                    format!(
                        "escalation rule `{}` has no condition: every claim is escalated",
                        self.id(e.rule)
                    ),
                    "add a `when`".to_string(),
                );
            }
        }
    }

    fn thresholds(&mut self) {
        let p = self.p;
        let b = &p.buyer();
        if b.patience.windows(2).any(|w| w[1].get() > w[0].get()) {
            self.warn(
                b.patience_rule,
                "inconsistent-threshold",
                "`buyer.patience` rises from one round to the next: the buyer would grow more patient the longer it haggles".to_string(),
                "make each value no higher than the one before it (seed 001: the window closes)".to_string(),
            );
        }
        for (rule, curve, name) in [
            (b.by_ask_rule, &b.by_ask, "buyer.by_ask"),
            (b.by_fair_rule, &b.by_fair, "buyer.by_fair"),
            (
                p.relationship().fairness_rule,
                &p.relationship().fairness,
                "relationship.fairness",
            ),
        ] {
            if curve.points().windows(2).any(|w| w[1].1 < w[0].1) {
                self.warn(
                    rule,
                    "inconsistent-threshold",
                    format!("`{name}` falls somewhere: a better offer would be less welcome"),
                    "make each point's value no lower than the one before it".to_string(),
                );
            }
        }
        let l = &p.limits();
        if l.reply_within_days.value > l.prompt_notice_days.value {
            self.warn(
                l.reply_within_days.rule,
                "inconsistent-threshold",
                format!(
                    "we give ourselves {} days to answer, longer than the {} days we allow the buyer for notice",
                    l.reply_within_days.value, l.prompt_notice_days.value
                ),
                "answer within a day or two (seed 002, step 1)".to_string(),
            );
        }
        for limit in &l.approval {
            for e in p.escalation() {
                if let Some(Test::Range(iv)) = e.when.test_on(Field::AskAmount)
                    && let Some(lo) = iv.lo
                    && iv.hi.is_none()
                    && limit.amount < lo.value
                {
                    self.warn(
                        limit.rule,
                        "inconsistent-threshold",
                        format!(
                            "the {} approval limit ({}) is below the claim size that `{}` treats as routine up to ({}): claims in between go to the approver anyway",
                            limit.currency,
                            limit.amount.normalize(),
                            self.id(e.rule),
                            lo.value.normalize()
                        ),
                        "raise the approval limit, or lower the escalation threshold to it".to_string(),
                    );
                }
            }
        }
    }

    fn offers(&mut self) {
        let t = &self.p.tree();
        if t.opening.value > rust_decimal::Decimal::ONE {
            self.warn(
                t.opening.rule,
                "offers-above-fair-share",
                format!("`tree.opening` is {}: every offer opens above our fair share of the loss", t.opening.value.normalize()),
                "use 1.0 to open at our fair share (own our faults, seed 000) and let the ladder concede".to_string(),
            );
        }
    }
}

/// Whether a test passes for every value its field can hold.
fn accepts_everything(field: Field, test: &Test) -> bool {
    match (test, field.ty()) {
        (Test::OneOf(mask), FieldType::Enum(names)) => *mask == (1u32 << names.len()) - 1,
        (Test::Range(iv), FieldType::Int | FieldType::Money | FieldType::Ratio) => {
            // Amounts, counts and ratios are never negative; days can be.
            let non_negative = !matches!(
                field,
                Field::DaysOpen | Field::DaysSinceDelivery | Field::DaysSinceLastRound
            );
            iv.hi.is_none()
                && non_negative
                && iv.lo.is_none_or(|b| {
                    b.value < rust_decimal::Decimal::ZERO || (b.value.is_zero() && b.inclusive)
                })
        }
        _ => false,
    }
}

/// Every lint warning on a rule set, in file order. `sources` are the rule files, for places.
pub fn lint(p: &Playbook, sources: &[SourceFile]) -> Vec<Diagnostic> {
    let mut l = Linter {
        p,
        sources,
        out: Vec::new(),
    };
    l.responsibility();
    l.adjustments();
    l.eligibility();
    l.conditions();
    l.thresholds();
    l.offers();
    let mut out = l.out;
    crate::diag::sort(&mut out);
    out.dedup();
    out
}
