//! Rule sets: a folder of TOML files lowered, all or nothing, into a [`Playbook`]. Every
//! problem in every file is reported in one pass; nothing is returned unless all is valid.
//! The language is `docs/rule-format.md`.

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

    fn ruleset_section(&mut self, key: &node::Key, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Parameter);
        let Some(mut t) = Table::of(value, "ruleset", key.span.clone(), sink) else {
            return;
        };
        let name = t
            .need("name", sink)
            .and_then(|(_, n)| read::string(n, "ruleset.name", sink));
        let version = t
            .need("version", sink)
            .and_then(|(_, n)| read::string(n, "ruleset.version", sink));
        let description = match t.take("description") {
            Some((_, n)) => read::string(n, "ruleset.description", sink).map(Some),
            None => Some(None),
        };
        t.finish(&["name", "version", "description"], "[ruleset]", sink);
        if let (Some(n), Some(v), Some(d)) = (name, version, description) {
            self.ruleset = Some((n, v, d, self.file));
        }
    }

    fn responsibility_section(&mut self, key: &node::Key, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Responsibility);
        let Some(mut t) = Table::of(value, "responsibility", key.span.clone(), sink) else {
            return;
        };
        let hit = t.need("hit", sink).and_then(|(_, n)| {
            read::one_of(
                n,
                "responsibility.hit",
                &["first", "unique", "priority"],
                |s| match s {
                    "first" => Some(HitPolicy::First),
                    "unique" => Some(HitPolicy::Unique),
                    "priority" => Some(HitPolicy::Priority),
                    _ => None,
                },
                sink,
            )
        });
        let mut rows = Vec::new();
        let mut ok = true;
        let mut row_spans = Vec::new();
        if let Some((_, n)) = t.need("row", sink) {
            match &n.kind {
                Kind::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        match self.responsibility_row(
                            item,
                            &format!("responsibility.row[{}]", i + 1),
                            hit,
                            sink,
                        ) {
                            Some(r) => {
                                row_spans.push(id_span(item));
                                rows.push(r)
                            }
                            None => ok = false,
                        }
                    }
                }
                _ => {
                    read::wrong_type(
                        sink,
                        n,
                        "responsibility.row",
                        "an array of tables ([[responsibility.row]])",
                    );
                    ok = false;
                }
            }
        }
        let otherwise = match t.take("otherwise") {
            Some((_, n)) => {
                match self.responsibility_row(n, "responsibility.otherwise", hit, sink) {
                    Some(r) => {
                        if !r.when.tests().is_empty() {
                            sink.error(n.span.clone(), Some("responsibility.otherwise"), "the `otherwise` row applies when no row matches; it takes no `when`".to_string());
                        }
                        Some(r)
                    }
                    None => {
                        ok = false;
                        None
                    }
                }
            }
            None => None,
        };
        t.finish(&["hit", "row", "otherwise"], "[responsibility]", sink);
        let Some(hit) = hit else { return };
        if hit == HitPolicy::Unique {
            for j in 0..rows.len() {
                for i in 0..j {
                    if rows[i].when.overlaps(&rows[j].when) {
                        let (a, b) = (
                            &self.registry.rules()[rows[i].rule.index()].id,
                            &self.registry.rules()[rows[j].rule.index()].id,
                        );
                        let msg = format!(
                            "rows `{a}` and `{b}` overlap under hit policy `unique`: a claim can match both"
                        );
                        sink.error(row_spans[j].clone(), Some(b), msg)
                            .label("overlaps an earlier row")
                            .help("make the conditions exclusive, or use hit = \"first\" and order the rows");
                    }
                }
            }
        }
        if ok {
            self.responsibility = Some(ResponsibilityTable {
                hit,
                rows,
                otherwise,
            });
        }
    }

    fn responsibility_row(
        &mut self,
        node: &Node,
        path: &str,
        hit: Option<HitPolicy>,
        sink: &mut Sink<'_>,
    ) -> Option<ResponsibilityRow> {
        let mut t = Table::of(node, path, node.span.clone(), sink)?;
        let head = self.head(&mut t, sink);
        let when = self.when(&mut t, FieldStage::Claim, sink);
        let share = |t: &mut Table<'_>,
                     key: &str,
                     sink: &mut Sink<'_>|
         -> Option<(Decimal, Option<std::ops::Range<usize>>)> {
            let field = t.field(key);
            match t.take(key) {
                Some((_, n)) => read::unit(n, &field, sink).map(|v| (v, Some(n.span.clone()))),
                None => Some((Decimal::ZERO, None)),
            }
        };
        let seller = share(&mut t, "seller", sink);
        let buyer = share(&mut t, "buyer", sink);
        let carrier = share(&mut t, "carrier", sink);
        let unclear = match t.take("unclear") {
            Some((_, n)) => read::boolean(n, &format!("{path}.unclear"), sink),
            None => Some(false),
        };
        let priority = match t.take("priority") {
            Some((k, n)) => {
                if hit.is_some_and(|h| h != HitPolicy::Priority) {
                    sink.error(
                        k.span.clone(),
                        Some(&format!("{path}.priority")),
                        "`priority` only applies under hit policy `priority`".to_string(),
                    )
                    .help("remove it, or set hit = \"priority\"");
                    None
                } else {
                    match &n.kind {
                        Kind::Int(p) if i64::try_from(*p).is_ok() => Some(*p as i64),
                        _ => {
                            read::wrong_type(
                                sink,
                                n,
                                &format!("{path}.priority"),
                                "a whole number",
                            );
                            None
                        }
                    }
                }
            }
            None => Some(0),
        };
        t.finish(
            &[
                "id", "why", "source", "when", "seller", "buyer", "carrier", "unclear", "priority",
            ],
            &format!("[{path}]"),
            sink,
        );
        let (seller, buyer, carrier) = (seller?, buyer?, carrier?);
        let shares = Shares::new(
            Share::new(seller.0).ok()?,
            Share::new(buyer.0).ok()?,
            Share::new(carrier.0).ok()?,
        );
        let shares = match shares {
            Ok(s) => s,
            Err(e) => {
                let span = seller
                    .1
                    .or(buyer.1)
                    .or(carrier.1)
                    .unwrap_or(node.span.clone());
                sink.error(
                    span,
                    Some(path),
                    format!(
                        "shares of `{path}` sum to {}, not 1 (seller {} + buyer {} + carrier {})",
                        e.0, seller.0, buyer.0, carrier.0
                    ),
                )
                .label("seller + buyer + carrier must be 1");
                return None;
            }
        };
        Some(ResponsibilityRow {
            rule: head?.rule,
            when: when?,
            shares,
            unclear: unclear?,
            priority: priority?,
        })
    }

    /// Reads a row's optional `when` table into a condition.
    fn when(
        &mut self,
        t: &mut Table<'_>,
        stage: FieldStage,
        sink: &mut Sink<'_>,
    ) -> Option<Condition> {
        let path = t.field("when");
        let Some((_, node)) = t.take("when") else {
            return Some(Condition::default());
        };
        let Kind::Table(_) = node.kind else {
            read::wrong_type(
                sink,
                node,
                &path,
                "a table of field tests, e.g. when.problem.kind = \"safety\"",
            );
            return None;
        };
        let mut tests: Vec<(Field, Test)> = Vec::new();
        let mut ok = true;
        flatten(node, "", &mut |name, key_span, value| match lower_test(
            name, key_span, value, stage, sink,
        ) {
            Some((field, test)) => {
                if tests.iter().any(|(f, _)| *f == field) {
                    sink.error(
                        key_span.clone(),
                        Some(name),
                        format!("`{name}` is tested twice in one condition"),
                    );
                    ok = false;
                } else {
                    tests.push((field, test));
                }
            }
            None => ok = false,
        });
        ok.then(|| Condition::new(tests))
    }

    fn eligibility_section(&mut self, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Eligibility);
        for_each_row(value, "eligibility", sink, |item, path, sink| {
            let mut t = Table::of(item, path, item.span.clone(), sink)?;
            let head = self.head(&mut t, sink);
            let when = self.when(&mut t, FieldStage::Responsibility, sink);
            let options = match (t.take("option"), t.take("options")) {
                (Some((_, n)), None) => read::one_of(
                    n,
                    &format!("{path}.option"),
                    Remedy::NAMES,
                    Remedy::parse,
                    sink,
                )
                .map(|r| RemedySet::of(&[r])),
                (None, Some((_, n))) => remedy_list(n, &format!("{path}.options"), sink),
                (Some((k, _)), Some(_)) => {
                    sink.error(
                        k.span.clone(),
                        Some(path),
                        "give `option` or `options`, not both".to_string(),
                    );
                    None
                }
                (None, None) => {
                    sink.error(
                        t.at.clone(),
                        Some(path),
                        format!("missing field `option` in [{path}]"),
                    )
                    .label("which option this rule blocks");
                    None
                }
            };
            t.finish(
                &["id", "why", "source", "when", "option", "options"],
                &format!("[[{path}]]"),
                sink,
            );
            self.eligibility.push(EligibilityRule {
                rule: head?.rule,
                options: options?,
                when: when?,
            });
            Some(())
        });
    }

    fn costs_section(&mut self, key: &node::Key, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Parameter);
        let Some(mut t) = Table::of(value, "costs", key.span.clone(), sink) else {
            return;
        };
        let mut params = Vec::with_capacity(COST_PARAM_COUNT);
        for p in CostParam::ALL {
            let reader = if p.is_share() { read::unit } else { nonneg };
            params.push(self.param(&mut t, p.name(), p.doc(), reader, sink));
        }
        let mut adjustments = Vec::new();
        let mut ok = true;
        if let Some((_, n)) = t.take("adjust") {
            for_each_row(n, "costs.adjust", sink, |item, path, sink| {
                let mut r = Table::of(item, path, item.span.clone(), sink)?;
                self.kind = Some(RuleKind::CostAdjustment);
                let head = self.head(&mut r, sink);
                self.kind = Some(RuleKind::Parameter);
                let when = self.when(&mut r, FieldStage::Responsibility, sink);
                let set = match r.need("set", sink) {
                    Some((_, n)) => cost_settings(n, &format!("{path}.set"), sink),
                    None => None,
                };
                r.finish(
                    &["id", "why", "source", "when", "set"],
                    &format!("[[{path}]]"),
                    sink,
                );
                match (head, when, set) {
                    (Some(h), Some(w), Some(s)) => adjustments.push(CostAdjustment {
                        rule: h.rule,
                        when: w,
                        set: s,
                    }),
                    _ => ok = false,
                }
                Some(())
            });
        }
        let mut allowed: Vec<&str> = CostParam::ALL.iter().map(|p| p.name()).collect();
        allowed.push("adjust");
        t.finish(&allowed, "[costs]", sink);
        let params: Option<Vec<Param>> = params.into_iter().collect();
        if let (Some(params), true) = (params, ok)
            && let Ok(arr) = <[Param; COST_PARAM_COUNT]>::try_from(params)
        {
            self.costs = Some((Costs::new(arr), adjustments));
        }
    }

    fn relationship_section(&mut self, key: &node::Key, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Parameter);
        let Some(mut t) = Table::of(value, "relationship", key.span.clone(), sink) else {
            return;
        };
        let horizon = t
            .need("horizon_years", sink)
            .and_then(|(_, n)| read::whole(n, "relationship.horizon_years", 50, sink));
        let discount = self.param(
            &mut t,
            "discount_rate",
            "yearly discount rate for future margin",
            read::unit,
            sink,
        );
        let retention = t.need("retention", sink).and_then(|(k, n)| {
            let mut r = Table::of(n, "relationship.retention", k.span.clone(), sink)?;
            let new = self.param(
                &mut r,
                "new",
                "the chance a new customer orders again each year",
                read::unit,
                sink,
            );
            let repeat = self.param(
                &mut r,
                "repeat",
                "the chance a repeat customer orders again each year",
                read::unit,
                sink,
            );
            let key_ = self.param(
                &mut r,
                "key",
                "the chance a key account orders again each year",
                read::unit,
                sink,
            );
            r.finish(Relationship_NAMES, "[relationship.retention]", sink);
            Some([new?, repeat?, key_?])
        });
        let fairness = self.curve(
            &mut t,
            "fairness",
            "loyalty kept by the settlement's value against the fair share",
            sink,
        );
        let per_round = self.param(
            &mut t,
            "per_round",
            "loyalty lost per negotiation round",
            read::unit,
            sink,
        );
        let per_30 = self.param(
            &mut t,
            "per_30_days",
            "loyalty lost per 30 days the claim stays open",
            read::unit,
            sink,
        );
        let countered = self.param(
            &mut t,
            "countered",
            "loyalty lost when the buyer must counter an offer, times the offer's unfairness",
            read::unit,
            sink,
        );
        let walkaway = self.param(
            &mut t,
            "walkaway",
            "loyalty left when the buyer walks away",
            read::unit,
            sink,
        );
        t.finish(
            &[
                "horizon_years",
                "discount_rate",
                "retention",
                "fairness",
                "per_round",
                "per_30_days",
                "walkaway",
                "countered",
            ],
            "[relationship]",
            sink,
        );
        if let (Some(h), Some(d), Some(r), Some((f, fr)), Some(pr), Some(p30), Some(w), Some(c)) = (
            horizon, discount, retention, fairness, per_round, per_30, walkaway, countered,
        ) {
            self.relationship = Some(RelationshipModel {
                horizon_years: h as u32,
                discount_rate: d,
                retention: r,
                fairness: f,
                fairness_rule: fr,
                per_round: pr,
                per_30_days: p30,
                walkaway: w,
                countered: c,
            });
        }
    }

    fn curve(
        &mut self,
        t: &mut Table<'_>,
        key: &str,
        doc: &str,
        sink: &mut Sink<'_>,
    ) -> Option<(Curve, RuleRef)> {
        let field = t.field(key);
        let (k, n) = t.need(key, sink)?;
        let Kind::Array(items) = &n.kind else {
            read::wrong_type(sink, n, &field, "an array of [x, y] points");
            return None;
        };
        let mut points = Vec::new();
        let mut ok = true;
        for (i, item) in items.iter().enumerate() {
            let pf = format!("{field}[{}]", i + 1);
            match &item.kind {
                Kind::Array(xy) if xy.len() == 2 => {
                    let x = read::number(&xy[0], &pf, sink);
                    let y = read::unit(&xy[1], &pf, sink);
                    match (x, y) {
                        (Some(x), Some(y)) => {
                            if let Some((px, _)) = points.last()
                                && x <= *px
                            {
                                sink.error(xy[0].span.clone(), Some(&pf), format!("point {} of `{field}`: x = {x} must be greater than the point before ({px})", i + 1))
                                    .label("x values must increase");
                                ok = false;
                            }
                            points.push((x, Share::clamp(y)));
                        }
                        _ => ok = false,
                    }
                }
                _ => {
                    read::wrong_type(sink, item, &pf, "a point [x, y]");
                    ok = false;
                }
            }
        }
        if !ok {
            return None;
        }
        let curve = match Curve::new(points) {
            Ok(c) => c,
            Err(e) => {
                sink.error(n.span.clone(), Some(&field), format!("`{field}`: {e}"));
                return None;
            }
        };
        let rule = self.register(field, k.span.clone(), doc.to_string(), None, sink);
        Some((curve, rule))
    }

    fn buyer_section(&mut self, key: &node::Key, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Parameter);
        let Some(mut t) = Table::of(value, "buyer", key.span.clone(), sink) else {
            return;
        };
        let fair_weight = self.param(
            &mut t,
            "fair_weight",
            "weight of fairness against the ask in the buyer's acceptance",
            read::unit,
            sink,
        );
        let by_ask = self.curve(
            &mut t,
            "by_ask",
            "chance of acceptance by the offer against the buyer's ask",
            sink,
        );
        let by_fair = self.curve(
            &mut t,
            "by_fair",
            "chance of acceptance by the offer against the fair share",
            sink,
        );
        let patience = t.need("patience", sink).and_then(|(k, n)| {
            let Kind::Array(items) = &n.kind else {
                read::wrong_type(
                    sink,
                    n,
                    "buyer.patience",
                    "an array of numbers in [0, 1], one per round",
                );
                return None;
            };
            if items.is_empty() {
                sink.error(
                    n.span.clone(),
                    Some("buyer.patience"),
                    "`buyer.patience` needs at least one value".to_string(),
                );
                return None;
            }
            let values: Option<Vec<Share>> = items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    read::unit(x, &format!("buyer.patience[{}]", i + 1), sink).map(Share::clamp)
                })
                .collect::<Vec<_>>()
                .into_iter()
                .collect();
            let rule = self.register(
                "buyer.patience".to_string(),
                k.span.clone(),
                "chance the buyer keeps talking after an unsatisfying round, by rounds held"
                    .to_string(),
                None,
                sink,
            );
            Some((values?, rule))
        });
        let p30 = self.param(
            &mut t,
            "patience_per_30_days",
            "patience lost per 30 days the claim stays open",
            read::unit,
            sink,
        );
        let days = t
            .need("days_per_round", sink)
            .and_then(|(_, n)| read::whole(n, "buyer.days_per_round", 365, sink));
        let appeal = t.need("appeal", sink).and_then(|(k, n)| {
            let mut a = Table::of(n, "buyer.appeal", k.span.clone(), sink)?;
            let mut out = Vec::new();
            for r in Remedy::ALL {
                out.push(self.param(
                    &mut a,
                    r.as_str(),
                    "what a unit of this option's value is worth to the buyer",
                    read::unit,
                    sink,
                ));
            }
            a.finish(Remedy::NAMES, "[buyer.appeal]", sink);
            let out: Option<Vec<Param>> = out.into_iter().collect();
            <[Param; 6]>::try_from(out?).ok()
        });
        let walk = t.need("walkaway", sink).and_then(|(k, n)| {
            let mut w = Table::of(n, "buyer.walkaway", k.span.clone(), sink)?;
            let award = self.param(
                &mut w,
                "award",
                "share of the fair share the buyer recovers by dispute or chargeback",
                read::unit,
                sink,
            );
            let dispute = self.param(
                &mut w,
                "dispute",
                "dispute costs, as a share of the order value",
                read::unit,
                sink,
            );
            let withhold = self.param(
                &mut w,
                "withhold",
                "share of the unpaid balance the buyer withholds",
                read::unit,
                sink,
            );
            w.finish(&["award", "dispute", "withhold"], "[buyer.walkaway]", sink);
            Some((award?, dispute?, withhold?))
        });
        t.finish(
            &[
                "fair_weight",
                "by_ask",
                "by_fair",
                "patience",
                "patience_per_30_days",
                "days_per_round",
                "appeal",
                "walkaway",
            ],
            "[buyer]",
            sink,
        );
        if let (
            Some(fw),
            Some((ba, bar)),
            Some((bf, bfr)),
            Some((pat, patr)),
            Some(p30),
            Some(d),
            Some(ap),
            Some((aw, di, wi)),
        ) = (
            fair_weight,
            by_ask,
            by_fair,
            patience,
            p30,
            days,
            appeal,
            walk,
        ) {
            self.buyer = Some(BuyerModel {
                fair_weight: fw,
                by_ask: ba,
                by_ask_rule: bar,
                by_fair: bf,
                by_fair_rule: bfr,
                patience: pat,
                patience_rule: patr,
                patience_per_30_days: p30,
                days_per_round: d as u32,
                appeal: ap,
                award: aw,
                dispute: di,
                withhold: wi,
            });
        }
    }

    fn tree_section(&mut self, key: &node::Key, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Parameter);
        let Some(mut t) = Table::of(value, "tree", key.span.clone(), sink) else {
            return;
        };
        let rounds = t.need("rounds", sink).and_then(|(k, n)| {
            let r = read::whole(n, "tree.rounds", 6, sink)?;
            if r == 0 {
                sink.error(
                    n.span.clone(),
                    Some("tree.rounds"),
                    "`tree.rounds` must be at least 1".to_string(),
                );
                return None;
            }
            Some((r as u32, k.span.clone()))
        });
        let ladder = t.need("ladder", sink).and_then(|(_, n)| {
            let Kind::Array(items) = &n.kind else {
                read::wrong_type(sink, n, "tree.ladder", "an array of rungs in [0, 1]");
                return None;
            };
            let mut out: Vec<Share> = Vec::new();
            let mut ok = !items.is_empty();
            if items.is_empty() {
                sink.error(n.span.clone(), Some("tree.ladder"), "`tree.ladder` needs at least one rung".to_string());
            }
            for (i, x) in items.iter().enumerate() {
                match read::unit(x, &format!("tree.ladder[{}]", i + 1), sink) {
                    Some(v) => {
                        if out.last().is_some_and(|p| p.get() >= v) {
                            sink.error(x.span.clone(), Some("tree.ladder"), format!("rung {} of `tree.ladder` ({v}) must be above the rung before it", i + 1));
                            ok = false;
                        }
                        out.push(Share::clamp(v));
                    }
                    None => ok = false,
                }
            }
            ok.then_some(out)
        });
        let opening = self.param(
            &mut t,
            "opening",
            "the opening offer, as a multiple of the fair share",
            nonneg,
            sink,
        );
        t.finish(&["rounds", "ladder", "opening"], "[tree]", sink);
        if let (Some((r, span)), Some(l), Some(o)) = (rounds, ladder, opening) {
            let rule = self.register(
                "tree".to_string(),
                span,
                "the negotiation tree's depth and concession ladder".to_string(),
                None,
                sink,
            );
            self.tree = Some(TreeSettings {
                rounds: r,
                ladder: l,
                opening: o,
                rule,
            });
        }
    }

    fn limits_section(&mut self, key: &node::Key, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Parameter);
        let Some(mut t) = Table::of(value, "limits", key.span.clone(), sink) else {
            return;
        };
        let days =
            |n: &Node, f: &str, s: &mut Sink<'_>| read::whole(n, f, 100_000, s).map(Decimal::from);
        let notice = self.param(
            &mut t,
            "notice_days",
            "CISG art. 39(2): notice later than this after delivery loses the right",
            days,
            sink,
        );
        let prompt = self.param(
            &mut t,
            "prompt_notice_days",
            "CISG art. 39(1): notice later than this may not be within a reasonable time",
            days,
            sink,
        );
        let reply = self.param(
            &mut t,
            "reply_within_days",
            "we answer a buyer within this many days (seed 002, step 1)",
            days,
            sink,
        );
        let material = self.param(
            &mut t,
            "material_share",
            "a claim below this share of the order value is not worth a request for evidence",
            read::unit,
            sink,
        );
        let approver = t
            .need("approver", sink)
            .and_then(|(_, n)| read::string(n, "limits.approver", sink));
        let approval = t.need("approval", sink).and_then(|(k, n)| {
            let Kind::Table(entries) = &n.kind else {
                read::wrong_type(
                    sink,
                    n,
                    "limits.approval",
                    "a table of currency = \"amount\"",
                );
                return None;
            };
            let _ = k;
            let mut out = Vec::new();
            let mut ok = true;
            for (ck, cv) in entries {
                let field = format!("limits.approval.{}", ck.name);
                if crate::currency::lookup(&ck.name).is_none() {
                    sink.error(
                        ck.span.clone(),
                        Some(&field),
                        format!("`{}` is not an ISO 4217 currency code", ck.name),
                    );
                    ok = false;
                    continue;
                }
                match read::money(cv, &field, sink) {
                    Some(amount) => {
                        self.kind = Some(RuleKind::ApprovalLimit);
                        let rule = self.register(
                            field,
                            ck.span.clone(),
                            format!("the most a rep may commit in {} without approval", ck.name),
                            None,
                            sink,
                        );
                        out.push(ApprovalLimit {
                            currency: ck.name.clone(),
                            amount,
                            rule,
                        });
                    }
                    None => ok = false,
                }
            }
            ok.then_some(out)
        });
        let at = t.at.clone();
        t.finish(
            &[
                "notice_days",
                "prompt_notice_days",
                "reply_within_days",
                "material_share",
                "approver",
                "approval",
            ],
            "[limits]",
            sink,
        );
        if let (Some(p), Some(n)) = (&prompt, &notice)
            && p.value > n.value
        {
            sink.error(
                at,
                Some("limits.prompt_notice_days"),
                format!(
                    "`limits.prompt_notice_days` ({}) is above `limits.notice_days` ({})",
                    p.value, n.value
                ),
            );
            return;
        }
        if let (Some(n), Some(p), Some(r), Some(m), Some(a), Some(ap)) =
            (notice, prompt, reply, material, approver, approval)
        {
            self.limits = Some(Limits {
                notice_days: n,
                prompt_notice_days: p,
                reply_within_days: r,
                material_share: m,
                approver: a,
                approval: ap,
            });
        }
    }

    fn escalation_section(&mut self, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Escalation);
        for_each_row(value, "escalation", sink, |item, path, sink| {
            let mut t = Table::of(item, path, item.span.clone(), sink)?;
            let head = self.head(&mut t, sink);
            let when = self.when(&mut t, FieldStage::Responsibility, sink);
            let kind = t.need("kind", sink).and_then(|(_, n)| {
                read::one_of(
                    n,
                    &format!("{path}.kind"),
                    &["safety", "opportunistic", "other"],
                    |s| match s {
                        "safety" => Some(EscalationKind::Safety),
                        "opportunistic" => Some(EscalationKind::Opportunistic),
                        "other" => Some(EscalationKind::Other),
                        _ => None,
                    },
                    sink,
                )
            });
            let to = t
                .need("to", sink)
                .and_then(|(_, n)| read::string(n, &format!("{path}.to"), sink));
            t.finish(
                &["id", "why", "source", "when", "kind", "to"],
                &format!("[[{path}]]"),
                sink,
            );
            self.escalation.push(EscalationRule {
                rule: head?.rule,
                when: when?,
                kind: kind?,
                to: to?,
            });
            Some(())
        });
    }

    fn evidence_section(&mut self, value: &Node, sink: &mut Sink<'_>) {
        self.kind = Some(RuleKind::Evidence);
        for_each_row(value, "evidence", sink, |item, path, sink| {
            let mut t = Table::of(item, path, item.span.clone(), sink)?;
            let head = self.head(&mut t, sink);
            let when = self.when(&mut t, FieldStage::Responsibility, sink);
            let documents = t
                .need("documents", sink)
                .and_then(|(_, n)| read::string(n, &format!("{path}.documents"), sink));
            let assume = match t.take("assume") {
                Some((_, n)) => assumptions(n, &format!("{path}.assume"), sink),
                None => Some(Vec::new()),
            };
            t.finish(
                &["id", "why", "source", "when", "documents", "assume"],
                &format!("[[{path}]]"),
                sink,
            );
            self.evidence.push(EvidenceRequest {
                rule: head?.rule,
                when: when?,
                documents: documents?,
                assume: assume?,
            });
            Some(())
        });
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

/// Walks a `when` table, joining nested tables into dotted names (`when.problem.kind = ...`
/// and `when = { "problem.kind" = ... }` read the same).
fn flatten(node: &Node, prefix: &str, f: &mut dyn FnMut(&str, &std::ops::Range<usize>, &Node)) {
    let Kind::Table(entries) = &node.kind else {
        return;
    };
    for (k, v) in entries {
        let name = if prefix.is_empty() {
            k.name.clone()
        } else {
            format!("{prefix}.{}", k.name)
        };
        if Field::lookup(&name).is_none() && matches!(v.kind, Kind::Table(_)) {
            flatten(v, &name, f);
        } else {
            f(&name, &k.span, v);
        }
    }
}

fn field_names() -> Vec<&'static str> {
    Field::ALL.iter().map(|f| f.name()).collect()
}

/// Lowers one field test, checking the field exists, is known at this stage, and that the
/// test fits its type.
fn lower_test(
    name: &str,
    key_span: &std::ops::Range<usize>,
    value: &Node,
    stage: FieldStage,
    sink: &mut Sink<'_>,
) -> Option<(Field, Test)> {
    let Some(field) = Field::lookup(name) else {
        let names = field_names();
        let d = sink.error(
            key_span.clone(),
            Some(name),
            format!("unknown field `{name}` in condition"),
        );
        d.label("not a claim field");
        match read::suggest(name, &names) {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help("see docs/rule-format.md for the fields a condition can read"),
        };
        return None;
    };
    if field.stage() > stage {
        sink.error(
            key_span.clone(),
            Some(name),
            format!("`{name}` is set by the responsibility table and cannot be read in it"),
        )
        .label("not known yet here");
        return None;
    }
    let ty = field.ty();
    let mismatch = |sink: &mut Sink<'_>, expected: &str| {
        sink.error(
            value.span.clone(),
            Some(name),
            format!(
                "wrong type in condition on `{name}`: expected {expected}, found {}",
                value.kind.describe()
            ),
        )
        .label(format!("`{name}` is {}", ty.describe()));
    };
    let test = match ty {
        FieldType::Bool => match value.kind {
            Kind::Bool(b) => Test::Bool(b),
            _ => {
                mismatch(sink, "true or false");
                return None;
            }
        },
        FieldType::Enum(names) => {
            let (items, negated) = string_set(value)?;
            if items.is_empty() {
                mismatch(
                    sink,
                    &format!("one of {} (or a list of them)", names.join(", ")),
                );
                return None;
            }
            let mut mask = 0u32;
            let mut ok = true;
            for (s, span) in &items {
                match names.iter().position(|n| n == s) {
                    Some(i) => mask |= 1 << i,
                    None => {
                        let d = sink.error(
                            span.clone(),
                            Some(name),
                            format!(
                                "`{name}` has no value `{s}`; expected one of {}",
                                names.join(", ")
                            ),
                        );
                        d.label("not a value of this field");
                        if let Some(g) = read::suggest(s, names) {
                            d.help(format!("did you mean `{g}`?"));
                        }
                        ok = false;
                    }
                }
            }
            if !ok {
                return None;
            }
            let all = (1u32 << names.len()) - 1;
            Test::OneOf(if negated { all & !mask } else { mask })
        }
        FieldType::Text => {
            let (items, negated) = string_set(value)?;
            if items.is_empty() {
                mismatch(sink, "a string or a list of strings");
                return None;
            }
            Test::Text {
                values: items.into_iter().map(|(s, _)| s).collect(),
                negated,
            }
        }
        FieldType::Int | FieldType::Money | FieldType::Ratio => {
            let iv = match &value.kind {
                Kind::Int(_) | Kind::Float(_) => {
                    let x = literal(value, name, ty, sink)?;
                    Interval {
                        lo: Some(Bound {
                            value: x,
                            inclusive: true,
                        }),
                        hi: Some(Bound {
                            value: x,
                            inclusive: true,
                        }),
                    }
                }
                Kind::Str(s) => comparison(s, value, name, ty, sink)?,
                _ => {
                    mismatch(
                        sink,
                        &format!("{} or a comparison such as \">= 2\"", ty.describe()),
                    );
                    return None;
                }
            };
            if iv.is_empty() {
                sink.error(
                    value.span.clone(),
                    Some(name),
                    format!("the condition on `{name}` can never be true"),
                )
                .label("empty range");
                return None;
            }
            Test::Range(iv)
        }
    };
    Some((field, test))
}

/// A string or list of strings, and whether it was written `"not ..."`.
/// Names written in a condition, each with its place.
type Names = Vec<(String, std::ops::Range<usize>)>;

fn string_set(value: &Node) -> Option<(Names, bool)> {
    match &value.kind {
        Kind::Str(s) => match s.strip_prefix("not ") {
            Some(rest) => Some((vec![(rest.trim().to_string(), value.span.clone())], true)),
            None => Some((vec![(s.clone(), value.span.clone())], false)),
        },
        Kind::Array(items) => {
            let mut out = Vec::new();
            for i in items {
                match &i.kind {
                    Kind::Str(s) => out.push((s.clone(), i.span.clone())),
                    _ => return Some((Vec::new(), false)),
                }
            }
            Some((out, false))
        }
        _ => Some((Vec::new(), false)),
    }
}

fn literal(value: &Node, name: &str, ty: FieldType, sink: &mut Sink<'_>) -> Option<Decimal> {
    let x = read::number(value, name, sink)?;
    if ty == FieldType::Int && !x.fract().is_zero() {
        sink.error(
            value.span.clone(),
            Some(name),
            format!("`{name}` is a whole number; {x} can never match"),
        );
        return None;
    }
    Some(x)
}

/// Parses `">= 2"`, `"< 0.5"`, `"> 1 and <= 3"` into an interval.
fn comparison(
    text: &str,
    value: &Node,
    name: &str,
    ty: FieldType,
    sink: &mut Sink<'_>,
) -> Option<Interval> {
    let Some(iv) = read::parse_interval(text) else {
        sink.error(
            value.span.clone(),
            Some(name),
            format!("cannot read the condition on `{name}`: \"{text}\""),
        )
        .label("expected a comparison such as \">= 2\" or \"> 0.5 and <= 1\"")
        .help("operators: <, <=, >, >=, =; join two with `and`");
        return None;
    };
    let fractional = [iv.lo, iv.hi]
        .into_iter()
        .flatten()
        .find(|b| !b.value.fract().is_zero());
    if ty == FieldType::Int
        && let Some(b) = fractional
    {
        sink.error(
            value.span.clone(),
            Some(name),
            format!(
                "`{name}` is a whole number; compare it with whole numbers, not {}",
                b.value
            ),
        );
        return None;
    }
    Some(iv)
}
