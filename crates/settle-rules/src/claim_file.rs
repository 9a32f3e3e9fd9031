//! Claim files (TOML or JSON, the same structure): reading with every problem reported, and
//! writing back. The format is `docs/claim-format.md`.

use crate::currency;
use crate::diag::{Diagnostic, Sink};
use crate::node::{self, Kind, Node};
use crate::read::{self, Table};
use crate::source::SourceFile;
use settle_engine::Claim;
use settle_engine::claim::*;
use settle_engine::schema::{
    Draft, Field, Kind as ValueKind, OutcomeField, Place, Presence, RoundField, Section, Value,
};

/// The formats a claim file can be written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML, the default for any file not ending in `.json`.
    Toml,
    /// JSON (`.json`), for claim files written by other systems.
    Json,
}

impl Format {
    /// The format a file name says: `.json` is JSON, anything else TOML.
    pub fn of_path(name: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".json") {
            Format::Json
        } else {
            Format::Toml
        }
    }
}

/// Most units or claims a claim may state (the schema's bound, kept here for readers).
pub use settle_engine::schema::{MAX_COUNT, MAX_YEARS};

/// Reads a claim file. On success the claim; otherwise every problem found, in file order.
pub fn parse_claim(source: &SourceFile, format: Format) -> Result<Claim, Vec<Diagnostic>> {
    let mut sink = Sink::new(source);
    let root = match format {
        Format::Toml => node::parse_toml(source.text(), &mut sink),
        Format::Json => node::parse_json(source.text(), &mut sink),
    };
    let claim = root.and_then(|root| lower_claim(&root, &mut sink));
    match claim {
        Some(c) if !sink.has_errors() => Ok(c),
        _ => Err(sink.finish()),
    }
}

/// Lowers a node tree (from any format) into a claim, reporting every problem to `sink`.
pub fn claim_from_node(root: &Node, sink: &mut Sink<'_>) -> Option<Claim> {
    lower_claim(root, sink)
}

/// Reads one value of a kind; every problem is a diagnostic at the value.
pub fn read_value(
    n: &Node,
    field: &str,
    kind: ValueKind,
    sink: &mut Sink<'_>,
) -> Option<Value<'static>> {
    match kind {
        ValueKind::Text => read::string(n, field, sink).map(|s| Value::Text(s.into())),
        ValueKind::Date => read::date(n, field, sink).map(Value::Date),
        ValueKind::Money => read::money(n, field, sink).map(Value::Money),
        ValueKind::Count(max) => read::whole(n, field, max, sink).map(Value::Count),
        ValueKind::Bool => read::boolean(n, field, sink).map(Value::Bool),
        ValueKind::Vocab(names) => read::one_of(
            n,
            field,
            names,
            |s| names.iter().position(|x| *x == s).map(|i| i as u8),
            sink,
        )
        .map(Value::Sym),
        ValueKind::Currency => {
            let code = read::string(n, field, sink)?;
            let c = currency::lookup(&code);
            if c.is_none() {
                sink.error(
                    n.span.clone(),
                    Some(field),
                    format!("`{field}` must be an ISO 4217 currency code; found `{code}`"),
                )
                .label("not an ISO 4217 code")
                .help("use the three capital letters of the invoice currency, e.g. USD, EUR, CNY");
            }
            c.map(Value::Currency)
        }
        ValueKind::Incoterm => {
            let name = read::string(n, field, sink)?;
            let t = Incoterm::read(&name);
            if t.is_none() {
                let aliases: Vec<String> = Incoterm::ALIASES
                    .iter()
                    .map(|(a, t)| format!("{a} as {t}"))
                    .collect();
                sink.error(
                    n.span.clone(),
                    Some(field),
                    format!(
                        "`{field}` must be an Incoterms 2020 rule ({}); found `{name}`",
                        Incoterm::NAMES.join(", ")
                    ),
                )
                .label("not an Incoterms 2020 rule")
                .help(format!(
                    "older names are read as their successors ({}); leave the field out when the contract names none",
                    aliases.join(", ")
                ));
            }
            t.map(|t| Value::Sym(t.index() as u8))
        }
    }
}

/// The keys a claim file allows at its top level: the top-level fields, the sections,
/// `round` and `outcome`.
fn top_keys() -> Vec<&'static str> {
    let mut keys: Vec<&str> = Field::CLAIM
        .iter()
        .filter(|f| f.section() == Section::Top)
        .map(|f| f.name())
        .collect();
    keys.extend(Section::ALL.iter().skip(1).map(|s| s.key()));
    keys.extend(["round", "outcome"]);
    keys
}

/// The key of a field within its section (`value` for `order.value`).
fn key_of(f: Field) -> &'static str {
    let name = f.name();
    name.rsplit_once('.').map_or(name, |(_, k)| k)
}

fn lower_claim(root: &Node, sink: &mut Sink<'_>) -> Option<Claim> {
    let mut t = Table::of(root, "", 0..0, sink)?;
    let mut draft = Draft::new();
    let mut spans: Vec<(Field, std::ops::Range<usize>)> = Vec::new();
    let mut ok = true;
    for &section in Section::ALL {
        let fields: Vec<Field> = Field::CLAIM
            .iter()
            .copied()
            .filter(|f| f.section() == section)
            .collect();
        let mut table = if section == Section::Top {
            None
        } else {
            let path = t.field(section.key());
            match t.need(section.key(), sink) {
                Some((k, n)) => match Table::of(n, &path, k.span.clone(), sink) {
                    Some(x) => Some(x),
                    None => {
                        ok = false;
                        continue;
                    }
                },
                None => {
                    ok = false;
                    continue;
                }
            }
        };
        let tab = table.as_mut().unwrap_or(&mut t);
        for &f in &fields {
            let key = key_of(f);
            match tab.take(key) {
                Some((_, n)) => match f.kind().and_then(|k| read_value(n, f.name(), k, sink)) {
                    Some(v) => {
                        draft.set(f, v);
                        spans.push((f, n.span.clone()));
                    }
                    None => ok = false,
                },
                None => {
                    if matches!(f.presence(), Presence::Required) {
                        tab.need(key, sink);
                        ok = false;
                    }
                }
            }
        }
        if let Some(tab) = table {
            let keys: Vec<&str> = fields.iter().map(|f| key_of(*f)).collect();
            let place = format!("[{}]", section.key());
            tab.finish(&keys, &place, sink);
        }
    }
    let (rounds, round_dates) = lower_rounds(&mut t, sink);
    let outcome = match t.take("outcome") {
        Some((k, n)) => Table::of(n, "outcome", k.span.clone(), sink).map(|mut o| {
            let mut x = Outcome {
                remedy: Remedy::Refund,
                amount: settle_engine::Money::ZERO,
                cost: settle_engine::Money::ZERO,
                closed: draft.claim.received,
                retained: false,
            };
            let complete = read_part(
                &mut o,
                OutcomeField::ALL,
                sink,
                |f, v| f.set(&mut x, v),
                |f| (f.key(), f.kind(), f.presence()),
            );
            o.finish(OutcomeField::KEYS, "[outcome]", sink);
            complete.then_some(x)
        }),
        None => Some(None),
    };
    t.finish(&top_keys(), "the claim", sink);
    draft.apply_defaults();
    for problem in draft.check(&round_dates) {
        let (span, field) = match problem.at {
            Place::Field(f) => (
                spans
                    .iter()
                    .find(|(g, _)| *g == f)
                    .map_or(0..0, |(_, s)| s.clone()),
                f.name().to_string(),
            ),
            Place::Round(i, rf) => (
                round_span(root, i, rf.key()),
                format!("round[{}].{}", i + 1, rf.key()),
            ),
        };
        sink.error(span, Some(&field), problem.message)
            .label(problem.label);
    }
    let mut claim = draft.claim;
    claim.rounds = rounds?;
    claim.outcome = outcome?;
    ok.then_some(claim)
}

/// Reads the fields of a sub-table (a round, the outcome) into `set`; whether every field was
/// read.
fn read_part<F: Copy>(
    t: &mut Table<'_>,
    fields: &[F],
    sink: &mut Sink<'_>,
    mut set: impl FnMut(F, Value<'static>) -> bool,
    meta: impl Fn(F) -> (&'static str, ValueKind, Presence),
) -> bool {
    let mut ok = true;
    for &f in fields {
        let (key, kind, presence) = meta(f);
        let field = t.field(key);
        match t.take(key) {
            Some((_, n)) => match read_value(n, &field, kind, sink) {
                Some(v) => {
                    set(f, v);
                }
                None => ok = false,
            },
            None => {
                if matches!(presence, Presence::Required) {
                    t.need(key, sink);
                    ok = false;
                }
            }
        }
    }
    ok
}

/// The span of a round's field, found again in the tree (for problems found after reading).
fn round_span(root: &Node, i: usize, key: &str) -> std::ops::Range<usize> {
    let rounds = match &root.kind {
        Kind::Table(entries) => entries
            .iter()
            .find(|(k, _)| k.name == "round")
            .map(|(_, n)| n),
        _ => None,
    };
    rounds
        .and_then(|n| match &n.kind {
            Kind::Array(items) => items.get(i),
            _ => None,
        })
        .and_then(|item| match &item.kind {
            Kind::Table(entries) => entries
                .iter()
                .find(|(k, _)| k.name == key)
                .map(|(_, v)| v.span.clone()),
            _ => None,
        })
        .unwrap_or(0..0)
}

fn lower_rounds(
    t: &mut Table<'_>,
    sink: &mut Sink<'_>,
) -> (Option<Vec<Round>>, Vec<Option<time::Date>>) {
    let Some((_, node)) = t.take("round") else {
        return (Some(Vec::new()), Vec::new());
    };
    let Kind::Array(items) = &node.kind else {
        read::wrong_type(sink, node, "round", "an array of tables ([[round]])");
        return (None, Vec::new());
    };
    let mut rounds = Vec::with_capacity(items.len());
    let mut dates = Vec::with_capacity(items.len());
    let mut ok = true;
    let mut read: Vec<(usize, Round)> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("round[{}]", i + 1);
        let Some(mut r) = Table::of(item, &path, item.span.clone(), sink) else {
            ok = false;
            dates.push(None);
            continue;
        };
        let mut round = Round::answer(time::Date::MIN, Party::Buyer, RoundKind::Propose);
        round.kind = None;
        let mut on = None;
        let complete = read_part(
            &mut r,
            RoundField::ALL,
            sink,
            |f, v| {
                if let (RoundField::On, Value::Date(d)) = (f, &v) {
                    on = Some(*d);
                }
                f.set(&mut round, v)
            },
            |f| (f.key(), f.kind(), f.presence()),
        );
        r.finish(RoundField::KEYS, "[[round]]", sink);
        dates.push(on);
        if complete {
            read.push((i, round.clone()));
            rounds.push(round);
        } else {
            ok = false;
        }
    }
    // What the rounds mean together: a proposal has its terms, an answer has something to
    // answer.
    let refs: Vec<(usize, &Round)> = read.iter().map(|(i, r)| (*i, r)).collect();
    for problem in Draft::check_rounds(&refs) {
        let Place::Round(i, field) = problem.at else {
            continue;
        };
        let Some(item) = items.get(i) else { continue };
        let span = match &item.kind {
            Kind::Table(entries) => entries
                .iter()
                .find(|(k, _)| k.name == field.key())
                .map(|(_, v)| v.span.clone())
                .unwrap_or_else(|| item.span.clone()),
            _ => item.span.clone(),
        };
        sink.error(
            span,
            Some(&format!("round[{}].{}", i + 1, field.key())),
            problem.message,
        )
        .label(problem.label);
        ok = false;
    }
    (ok.then_some(rounds), dates)
}

/// A value in TOML (a date bare, money quoted, a name quoted); `None` when absent.
fn toml_value(v: Value<'_>, kind: ValueKind) -> Option<String> {
    Some(match v {
        Value::Text(t) => toml_string(&t),
        Value::Date(d) => d.to_string(),
        Value::Currency(c) => toml_string(c.code()),
        Value::Money(m) => format!("\"{m}\""),
        Value::Count(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Sym(i) => toml_string(sym_name(kind, i)),
        Value::Absent => return None,
    })
}

/// The name of a closed-set value.
fn sym_name(kind: ValueKind, i: u8) -> &'static str {
    let names = match kind {
        ValueKind::Vocab(names) => names,
        ValueKind::Incoterm => Incoterm::NAMES,
        _ => &[],
    };
    names.get(usize::from(i)).copied().unwrap_or("?")
}

/// A value in JSON (money and dates as strings), as a JSON claim file writes it; `None` when
/// absent.
pub fn json_value(v: Value<'_>, kind: ValueKind) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match v {
        Value::Text(t) => J::String(t.into_owned()),
        Value::Date(d) => J::String(d.to_string()),
        Value::Currency(c) => J::String(c.code().to_string()),
        Value::Money(m) => J::String(m.to_string()),
        Value::Count(n) => J::from(n),
        Value::Bool(b) => J::Bool(b),
        Value::Sym(i) => J::String(sym_name(kind, i).to_string()),
        Value::Absent => return None,
    })
}

/// Writes a claim as TOML in the contract's layout, every field of the schema in file order
/// (defaults written out); reading it back gives the same claim.
pub fn to_toml(c: &Claim) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for &section in Section::ALL {
        if section != Section::Top {
            let _ = writeln!(out, "\n[{}]", section.key());
        }
        for &f in Field::CLAIM.iter().filter(|f| f.section() == section) {
            if let Some(kind) = f.kind()
                && let Some(v) = toml_value(c.get(f), kind)
            {
                let _ = writeln!(out, "{} = {v}", key_of(f));
            }
        }
    }
    for r in &c.rounds {
        let _ = writeln!(out, "\n[[round]]");
        for &f in RoundField::ALL {
            if let Some(v) = toml_value(f.get(r), f.kind()) {
                let _ = writeln!(out, "{} = {v}", f.key());
            }
        }
    }
    if let Some(o) = &c.outcome {
        let _ = writeln!(out, "\n[outcome]");
        for &f in OutcomeField::ALL {
            if let Some(v) = toml_value(f.get(o), f.kind()) {
                let _ = writeln!(out, "{} = {v}", f.key());
            }
        }
    }
    out
}

fn toml_string(s: &str) -> String {
    // A TOML basic string is a JSON string with the same escapes for the characters we emit.
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// Writes a claim as JSON with the same structure and key order as the TOML form.
pub fn to_json(c: &Claim) -> serde_json::Value {
    use serde_json::{Map, Value as J};
    let mut top = Map::new();
    for &section in Section::ALL {
        let mut table = Map::new();
        for &f in Field::CLAIM.iter().filter(|f| f.section() == section) {
            if let Some(kind) = f.kind()
                && let Some(v) = json_value(c.get(f), kind)
            {
                table.insert(key_of(f).into(), v);
            }
        }
        if section == Section::Top {
            top = table;
        } else {
            top.insert(section.key().into(), J::Object(table));
        }
    }
    if !c.rounds.is_empty() {
        let rounds = c
            .rounds
            .iter()
            .map(|r| {
                let mut x = Map::new();
                for &f in RoundField::ALL {
                    if let Some(v) = json_value(f.get(r), f.kind()) {
                        x.insert(f.key().into(), v);
                    }
                }
                J::Object(x)
            })
            .collect();
        top.insert("round".into(), J::Array(rounds));
    }
    if let Some(o) = &c.outcome {
        let mut x = Map::new();
        for &f in OutcomeField::ALL {
            if let Some(v) = json_value(f.get(o), f.kind()) {
                x.insert(f.key().into(), v);
            }
        }
        top.insert("outcome".into(), J::Object(x));
    }
    J::Object(top)
}
