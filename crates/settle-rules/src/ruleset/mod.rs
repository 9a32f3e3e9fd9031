//! Rule sets: a folder of TOML files lowered, all or nothing, into a [`Playbook`]. Every
//! problem in every file is reported in one pass; nothing is returned unless all is valid.
//! The language is `docs/rule-format.md`.
//!
//! `mod.rs` holds the load (files in name order, the content hash, all or nothing) and the
//! `Builder` that registers rules; `sections` reads each section; `conditions` lowers `when`
//! tables into typed conditions.

mod conditions;
mod sections;

use conditions::flatten;

use crate::diag::{Diagnostic, Sink};
use crate::node::{self, Kind, Node};
use crate::read::{self, Table};
use crate::source::SourceFile;
use rust_decimal::Decimal;
use settle_engine::claim::Remedy;
use settle_engine::condition::{Bound, Condition, Interval, Test};
use settle_engine::eval::moves::ASSUMABLE;
use settle_engine::playbook::*;
use settle_engine::schema::{Field, FieldStage, FieldType};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

const SECTIONS: &[&str] = &[
    "ruleset",
    "responsibility",
    "eligibility",
    "costs",
    "relationship",
    "buyer",
    "tree",
    "limits",
    "escalation",
    "evidence",
];

/// Loads a rule set from its files (names as shown in messages, texts). Files are read in
/// name order. On success the playbook; otherwise every error, in file order.
pub fn load(files: Vec<SourceFile>) -> Result<Playbook, Vec<Diagnostic>> {
    let mut files = files;
    files.sort_by(|a, b| a.name().cmp(b.name()));
    let mut hasher = Sha256::new();
    for f in &files {
        let base = f.name().rsplit('/').next().unwrap_or(f.name());
        hasher.update(base.as_bytes());
        hasher.update([0]);
        hasher.update(f.text().as_bytes());
        hasher.update([0]);
    }
    let hash: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();

    let mut b = Builder {
        names: files.iter().map(|f| f.name().to_string()).collect(),
        ..Builder::default()
    };
    let mut diags = Vec::new();
    if files.is_empty() {
        diags.push(Diagnostic {
            severity: crate::diag::Severity::Error,
            file: "(rule set)".to_string(),
            line: 1,
            column: 1,
            span: 0..0,
            message: "the rule set has no .toml files".to_string(),
            field: None,
            label: None,
            help: None,
        });
        return Err(diags);
    }
    for (i, f) in files.iter().enumerate() {
        let mut sink = Sink::new(f);
        b.file = i as u16;
        if let Some(root) = node::parse_toml(f.text(), &mut sink) {
            b.file_sections(&root, &mut sink);
        }
        diags.extend(sink.finish());
    }
    // Missing sections point at the manifest (the file with [ruleset]) or the first file.
    let anchor = &files[usize::from(b.ruleset.as_ref().map_or(0, |r| r.3))];
    let mut sink = Sink::new(anchor);
    let earlier_errors = diags
        .iter()
        .any(|d| d.severity == crate::diag::Severity::Error);
    let playbook = b.finish(
        files.iter().map(|f| f.name().to_string()).collect(),
        hash,
        earlier_errors,
        &mut sink,
    );
    diags.extend(sink.finish());
    crate::diag::sort(&mut diags);
    match playbook {
        Some(p)
            if diags
                .iter()
                .all(|d| d.severity != crate::diag::Severity::Error) =>
        {
            Ok(p)
        }
        _ => Err(diags),
    }
}

#[derive(Default)]
struct Builder {
    file: u16,
    /// The kind of the rules being registered (set by each section).
    kind: Option<RuleKind>,
    /// File names, for messages that point at another file.
    names: Vec<String>,
    registry: Registry,
    ids: HashMap<String, Origin>,
    /// name, version, description, file
    ruleset: Option<(String, String, Option<String>, u16)>,
    responsibility: Option<ResponsibilityTable>,
    eligibility: Vec<EligibilityRule>,
    costs: Option<(Costs, Vec<CostAdjustment>)>,
    relationship: Option<RelationshipModel>,
    buyer: Option<BuyerModel>,
    tree: Option<TreeSettings>,
    limits: Option<Limits>,
    escalation: Vec<EscalationRule>,
    evidence: Vec<EvidenceRequest>,
    /// Where each singleton section was first defined.
    defined: HashMap<&'static str, Origin>,
    /// A section was present but had errors: do not also report it missing.
    broken: Vec<&'static str>,
}

/// What every rule row carries.
struct RuleHead {
    rule: RuleRef,
}

impl Builder {
    fn origin(&self, sink: &Sink<'_>, span: &std::ops::Range<usize>) -> Origin {
        Origin {
            file: self.file,
            line: sink.source.line_col(span.start).0,
        }
    }

    fn file_sections(&mut self, root: &Node, sink: &mut Sink<'_>) {
        let Kind::Table(entries) = &root.kind else {
            return;
        };
        for (key, value) in entries {
            let Some(section) = SECTIONS.iter().find(|s| **s == key.name) else {
                let d = sink.error(
                    key.span.clone(),
                    Some(&key.name),
                    format!("unknown section `{}`", key.name),
                );
                d.label("not a rule-set section");
                match read::suggest(&key.name, SECTIONS) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("expected one of: {}", SECTIONS.join(", "))),
                };
                continue;
            };
            let singleton = !matches!(*section, "eligibility" | "escalation" | "evidence");
            if singleton {
                if let Some(o) = self.defined.get(section) {
                    let line = o.line;
                    let file = o.file;
                    sink.error(
                        key.span.clone(),
                        Some(section),
                        format!("section `{section}` is defined twice"),
                    )
                    .label("second definition")
                    .help(format!(
                        "the first is at {}:{line}; keep one",
                        self.names[usize::from(file)]
                    ));
                    continue;
                }
                let o = self.origin(sink, &key.span);
                self.defined.insert(section, o);
            }
            let before = sink.diags.len();
            match *section {
                "ruleset" => self.ruleset_section(key, value, sink),
                "responsibility" => self.responsibility_section(key, value, sink),
                "eligibility" => self.eligibility_section(value, sink),
                "costs" => self.costs_section(key, value, sink),
                "relationship" => self.relationship_section(key, value, sink),
                "buyer" => self.buyer_section(key, value, sink),
                "tree" => self.tree_section(key, value, sink),
                "limits" => self.limits_section(key, value, sink),
                "escalation" => self.escalation_section(value, sink),
                "evidence" => self.evidence_section(value, sink),
                _ => {}
            }
            if sink.diags.len() > before {
                self.broken.push(section);
            }
        }
    }

    /// Registers a rule id; a duplicate is an error at its second definition.
    fn register(
        &mut self,
        id: String,
        id_span: std::ops::Range<usize>,
        why: String,
        source: Option<String>,
        sink: &mut Sink<'_>,
    ) -> RuleRef {
        let origin = self.origin(sink, &id_span);
        if let Some(first) = self.ids.get(&id) {
            sink.error(id_span, Some(&id), format!("duplicate rule id `{id}`"))
                .label("already used")
                .help(format!(
                    "first defined at {}:{}; rule ids must be unique",
                    self.names[usize::from(first.file)],
                    first.line
                ));
        } else {
            self.ids.insert(id.clone(), origin);
        }
        self.registry.register(RuleInfo {
            kind: self.kind.unwrap_or(RuleKind::Parameter),
            id,
            why,
            source,
            origin,
        })
    }

    /// Reads `id`, `why` and `source` of a rule row and registers it.
    fn head(&mut self, t: &mut Table<'_>, sink: &mut Sink<'_>) -> Option<RuleHead> {
        let id_field = t.field("id");
        let id = t
            .need("id", sink)
            .and_then(|(_, n)| read::string(n, &id_field, sink).map(|s| (s, n.span.clone())));
        let why_field = t.field("why");
        let why = t
            .need("why", sink)
            .and_then(|(_, n)| read::string(n, &why_field, sink));
        let src_field = t.field("source");
        let source = match t.take("source") {
            Some((_, n)) => read::string(n, &src_field, sink).map(Some),
            None => Some(None),
        };
        if let Some((id, span)) = &id
            && (id.is_empty() || id.chars().any(char::is_whitespace))
        {
            sink.error(
                span.clone(),
                Some(&id_field),
                format!("rule id `{id}` must be one word without spaces"),
            );
        }
        if let Some(w) = &why
            && (w.trim().is_empty() || w.contains('\n'))
        {
            let span = t.at.clone();
            sink.error(
                span,
                Some(&why_field),
                "`why` must be one non-empty line a rep can read".to_string(),
            );
        }
        let (id, span) = id?;
        let rule = self.register(id, span, why?, source?, sink);
        Some(RuleHead { rule })
    }

    /// Registers a parameter as a rule (`costs.freight`) and reads its value.
    fn param(
        &mut self,
        t: &mut Table<'_>,
        key: &str,
        doc: &str,
        read: impl Fn(&Node, &str, &mut Sink<'_>) -> Option<Decimal>,
        sink: &mut Sink<'_>,
    ) -> Option<Param> {
        let field = t.field(key);
        let (k, n) = t.need(key, sink)?;
        let value = read(n, &field, sink)?;
        let saved = self.kind.replace(RuleKind::Parameter);
        let rule = self.register(field, k.span.clone(), doc.to_string(), None, sink);
        self.kind = saved;
        Some(Param { value, rule })
    }

    fn finish(
        self,
        files: Vec<String>,
        hash: String,
        earlier_errors: bool,
        sink: &mut Sink<'_>,
    ) -> Option<Playbook> {
        let missing = |present: bool, name: &'static str, sink: &mut Sink<'_>, broken: &[&str]| {
            if !present && !broken.contains(&name) {
                sink.error(
                    0..0,
                    Some(name),
                    format!("the rule set has no `[{name}]` section"),
                )
                .help("see docs/rule-format.md for what it holds");
            }
        };
        let b = &self.broken;
        missing(self.ruleset.is_some(), "ruleset", sink, b);
        missing(self.responsibility.is_some(), "responsibility", sink, b);
        missing(self.costs.is_some(), "costs", sink, b);
        missing(self.relationship.is_some(), "relationship", sink, b);
        missing(self.buyer.is_some(), "buyer", sink, b);
        missing(self.tree.is_some(), "tree", sink, b);
        missing(self.limits.is_some(), "limits", sink, b);
        let (name, version, description, _) = self.ruleset?;
        let (costs, cost_adjustments) = self.costs?;
        if earlier_errors {
            return None;
        }
        let mut parts = Parts::new(
            self.registry,
            self.responsibility?,
            costs,
            self.relationship?,
            self.buyer?,
            self.tree?,
            self.limits?,
        );
        parts.name = name;
        parts.version = version;
        parts.description = description;
        parts.hash = hash;
        parts.files = files;
        parts.eligibility = self.eligibility;
        parts.cost_adjustments = cost_adjustments;
        parts.escalation = self.escalation;
        parts.evidence_requests = self.evidence;
        match Playbook::new(parts) {
            Ok(p) => Some(p),
            Err(problems) => {
                // The sections above are checked as they are read; this is the engine's own
                // guard on what it is handed, so a failure here is a loader bug.
                for problem in problems {
                    sink.error(0..0, None, format!("internal error: {problem}"));
                }
                None
            }
        }
    }
}

/// The span of a row's `id` value, where an error about the row as a whole points; the row's
/// own span when it has no id (that is reported on its own).
fn id_span(row: &Node) -> std::ops::Range<usize> {
    match &row.kind {
        Kind::Table(entries) => entries
            .iter()
            .find(|(k, _)| k.name == "id")
            .map_or(row.span.clone(), |(_, v)| v.span.clone()),
        _ => row.span.clone(),
    }
}

#[allow(non_upper_case_globals)]
const Relationship_NAMES: &[&str] = settle_engine::claim::Relationship::NAMES;

/// A number >= 0 (multiples such as `foreseeable` or `opening`), at most 100.
fn nonneg(n: &Node, field: &str, sink: &mut Sink<'_>) -> Option<Decimal> {
    let v = read::number(n, field, sink)?;
    if v < Decimal::ZERO || v > Decimal::ONE_HUNDRED {
        sink.error(
            n.span.clone(),
            Some(field),
            format!("`{field}` is {v}, outside [0, 100]"),
        );
        return None;
    }
    Some(v)
}

/// Calls `f` on each table of an array-of-tables section; a row that fails is skipped after
/// its errors are reported (the whole load still fails).
fn for_each_row(
    value: &Node,
    path: &str,
    sink: &mut Sink<'_>,
    mut f: impl FnMut(&Node, &str, &mut Sink<'_>) -> Option<()>,
) {
    match &value.kind {
        Kind::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                let _ = f(item, &format!("{path}[{}]", i + 1), sink);
            }
        }
        _ => read::wrong_type(
            sink,
            value,
            path,
            &format!("an array of tables ([[{path}]])"),
        ),
    }
}

fn remedy_list(n: &Node, field: &str, sink: &mut Sink<'_>) -> Option<RemedySet> {
    let Kind::Array(items) = &n.kind else {
        read::wrong_type(sink, n, field, "an array of options");
        return None;
    };
    let list: Option<Vec<Remedy>> = items
        .iter()
        .map(|x| read::one_of(x, field, Remedy::NAMES, Remedy::parse, sink))
        .collect::<Vec<_>>()
        .into_iter()
        .collect();
    let list = list?;
    if list.is_empty() {
        sink.error(
            n.span.clone(),
            Some(field),
            format!("`{field}` names no option"),
        );
        return None;
    }
    Some(RemedySet::of(&list))
}

fn cost_settings(n: &Node, field: &str, sink: &mut Sink<'_>) -> Option<Vec<(CostParam, Decimal)>> {
    let Kind::Table(entries) = &n.kind else {
        read::wrong_type(
            sink,
            n,
            field,
            "a table of cost parameters, e.g. { repair_failure = 0.3 }",
        );
        return None;
    };
    let names: Vec<&str> = CostParam::ALL.iter().map(|p| p.name()).collect();
    let mut out = Vec::new();
    let mut ok = true;
    for (k, v) in entries {
        let f = format!("{field}.{}", k.name);
        match CostParam::lookup(&k.name) {
            Some(p) => {
                let value = if p.is_share() {
                    read::unit(v, &f, sink)
                } else {
                    nonneg(v, &f, sink)
                };
                match value {
                    Some(x) => out.push((p, x)),
                    None => ok = false,
                }
            }
            None => {
                let d = sink.error(
                    k.span.clone(),
                    Some(&f),
                    format!("unknown cost parameter `{}`", k.name),
                );
                match read::suggest(&k.name, &names) {
                    Some(s) => d.help(format!("did you mean `{s}`?")),
                    None => d.help(format!("expected one of: {}", names.join(", "))),
                };
                ok = false;
            }
        }
    }
    if out.is_empty() && ok {
        sink.error(
            n.span.clone(),
            Some(field),
            format!("`{field}` sets nothing"),
        );
        return None;
    }
    ok.then_some(out)
}

fn assumptions(n: &Node, field: &str, sink: &mut Sink<'_>) -> Option<Vec<(Field, Assumed)>> {
    if !matches!(n.kind, Kind::Table(_)) {
        read::wrong_type(sink, n, field, "a table of evidence fields and values");
        return None;
    }
    let mut out = Vec::new();
    let mut ok = true;
    flatten(n, "", &mut |name, key_span, value| {
        let f = Field::lookup(name).filter(|f| ASSUMABLE.contains(f));
        let Some(f) = f else {
            let names: Vec<&str> = ASSUMABLE.iter().map(|f| f.name()).collect();
            let d = sink.error(
                key_span.clone(),
                Some(name),
                format!("`{name}` cannot be assumed: only evidence fields can"),
            );
            if let Some(s) = read::suggest(name, &names) {
                d.help(format!("did you mean `{s}`?"));
            }
            ok = false;
            return;
        };
        let v = match (f.ty(), &value.kind) {
            (FieldType::Bool, Kind::Bool(b)) => Some(Assumed::Bool(*b)),
            (FieldType::Enum(names), Kind::Str(_)) => read::one_of(
                value,
                name,
                names,
                |s| names.iter().position(|x| *x == s),
                sink,
            )
            .map(|i| Assumed::Sym(i as u8)),
            (ty, _) => {
                read::wrong_type(sink, value, name, ty.describe());
                None
            }
        };
        match v {
            Some(v) => out.push((f, v)),
            None => ok = false,
        }
    });
    ok.then_some(out)
}
