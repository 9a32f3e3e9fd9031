//! A spanned document tree, the same for TOML and JSON, so that one lowering step reads
//! both formats and reports every problem with its place.

use crate::diag::Sink;
use std::ops::Range;

/// A key of a table, with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Key {
    /// The key as written, unquoted.
    pub name: String,
    /// Byte range of the key in the file.
    pub span: Range<usize>,
}

/// A calendar date as written (not yet checked against the calendar).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RawDate {
    /// The year, as written.
    pub year: i32,
    /// The month, as written.
    pub month: u8,
    /// The day of the month, as written.
    pub day: u8,
}

/// A value with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// Byte range of the value in the file.
    pub span: Range<usize>,
    /// The value itself.
    pub kind: Kind,
}

/// What a value is.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// A table (TOML table or JSON object): keys in file order, duplicates already reported.
    Table(Vec<(Key, Node)>),
    /// An array, in file order.
    Array(Vec<Node>),
    /// A string, unescaped.
    Str(String),
    /// An integer, exactly.
    Int(i128),
    /// A float as written, so that `0.08` reads as exactly 0.08.
    Float(String),
    /// `true` or `false`.
    Bool(bool),
    /// A plain calendar date (TOML only).
    Date(RawDate),
    /// A datetime with a time or offset; not accepted anywhere in settle's formats.
    DateTime(String),
    /// JSON `null`; TOML has no such value.
    Null,
}

impl Kind {
    /// How the kind is named in messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Kind::Table(_) => "a table",
            Kind::Array(_) => "an array",
            Kind::Str(_) => "a string",
            Kind::Int(_) => "an integer",
            Kind::Float(_) => "a float",
            Kind::Bool(_) => "a boolean",
            Kind::Date(_) => "a date",
            Kind::DateTime(_) => "a date-time",
            Kind::Null => "null",
        }
    }
}

/// Parses TOML into a node tree; syntax errors go to `sink` and give `None`.
pub fn parse_toml(text: &str, sink: &mut Sink<'_>) -> Option<Node> {
    let (doc, errors) = toml::de::DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        // A file that is not TOML at all fails on every line; the first few say enough.
        const SHOWN: usize = 10;
        if errors.len() > SHOWN {
            let rest = errors.len() - SHOWN;
            let at = errors[SHOWN].span().unwrap_or(0..0);
            sink.error(
                at,
                None,
                format!("{rest} more TOML syntax errors not shown; is this a TOML file?"),
            );
        }
        for e in errors.into_iter().take(SHOWN) {
            let span = e.span().unwrap_or(0..0);
            let msg = e.message().trim().trim_end_matches('.').to_string();
            sink.error(span, None, format!("invalid TOML: {}", first_lower(&msg)));
        }
        return None;
    }
    let span = 0..text.len();
    let inner = doc.into_inner();
    Some(Node {
        span,
        kind: Kind::Table(toml_table(&inner)),
    })
}

fn first_lower(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().collect::<String>() + c.as_str(),
        None => String::new(),
    }
}

fn toml_table(t: &toml::de::DeTable<'_>) -> Vec<(Key, Node)> {
    let mut entries: Vec<(Key, Node)> = t
        .iter()
        .map(|(k, v)| {
            (
                Key {
                    name: k.get_ref().to_string(),
                    span: k.span(),
                },
                toml_value(v.get_ref(), v.span()),
            )
        })
        .collect();
    // The map is ordered by key; restore file order so diagnostics and rows follow the file.
    entries.sort_by_key(|(k, _)| k.span.start);
    entries
}

fn toml_value(v: &toml::de::DeValue<'_>, span: Range<usize>) -> Node {
    use toml::de::DeValue as V;
    let kind = match v {
        V::String(s) => Kind::Str(s.to_string()),
        V::Integer(i) => {
            let digits: String = i.as_str().chars().filter(|c| *c != '_').collect();
            match i128::from_str_radix(&digits, i.radix()) {
                Ok(n) => Kind::Int(n),
                Err(_) => Kind::Float(digits),
            }
        }
        V::Float(f) => Kind::Float(f.as_str().chars().filter(|c| *c != '_').collect()),
        V::Boolean(b) => Kind::Bool(*b),
        V::Datetime(d) => match (d.date, d.time, d.offset) {
            (Some(date), None, None) => Kind::Date(RawDate {
                year: i32::from(date.year),
                month: date.month,
                day: date.day,
            }),
            _ => Kind::DateTime(d.to_string()),
        },
        V::Array(a) => Kind::Array(
            a.iter()
                .map(|x| toml_value(x.get_ref(), x.span()))
                .collect(),
        ),
        V::Table(t) => Kind::Table(toml_table(t)),
    };
    Node { span, kind }
}

/// Parses strict JSON into a node tree; a syntax error goes to `sink` and gives `None`.
pub fn parse_json(text: &str, sink: &mut Sink<'_>) -> Option<Node> {
    use jsonc_parser::{CollectOptions, ParseOptions, parse_to_ast};
    let strict = ParseOptions {
        allow_comments: false,
        allow_loose_object_property_names: false,
        allow_trailing_commas: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    };
    match parse_to_ast(text, &CollectOptions::default(), &strict) {
        Ok(result) => match result.value {
            Some(v) => Some(json_value(&v, sink)),
            None => {
                sink.error(0..0, None, "invalid JSON: the file is empty");
                None
            }
        },
        Err(e) => {
            let r = e.range();
            sink.error(
                r.start..r.end,
                None,
                format!("invalid JSON: {}", first_lower(&e.kind().to_string())),
            );
            None
        }
    }
}

/// A JSON value as a node. A key repeated in an object is an error at its second place (JSON
/// parsers disagree on which value wins, so a claim must not depend on it); the first is kept.
fn json_value(v: &jsonc_parser::ast::Value<'_>, sink: &mut Sink<'_>) -> Node {
    use jsonc_parser::ast::Value as V;
    use jsonc_parser::common::Ranged;
    let r = v.range();
    let span = r.start..r.end;
    let kind = match v {
        V::StringLit(s) => Kind::Str(s.value.to_string()),
        V::NumberLit(n) => {
            let raw = n.value;
            if raw.contains(['.', 'e', 'E']) {
                Kind::Float(raw.to_string())
            } else {
                raw.parse::<i128>()
                    .map_or_else(|_| Kind::Float(raw.to_string()), Kind::Int)
            }
        }
        V::BooleanLit(b) => Kind::Bool(b.value),
        V::NullKeyword(_) => Kind::Null,
        V::Array(a) => Kind::Array(a.elements.iter().map(|e| json_value(e, sink)).collect()),
        V::Object(o) => {
            let mut entries: Vec<(Key, Node)> = Vec::with_capacity(o.properties.len());
            for p in &o.properties {
                let kr = p.name.range();
                let name = p.name.as_str().to_string();
                if let Some((first, _)) = entries.iter().find(|(k, _)| k.name == name) {
                    let (line, _) = sink.source.line_col(first.span.start);
                    sink.error(
                        kr.start..kr.end,
                        Some(&name),
                        format!("duplicate key `{name}`"),
                    )
                    .label("given again here")
                    .help(format!(
                        "`{name}` is first given on line {line}; give it once"
                    ));
                    continue;
                }
                let value = json_value(&p.value, sink);
                entries.push((
                    Key {
                        name,
                        span: kr.start..kr.end,
                    },
                    value,
                ));
            }
            Kind::Table(entries)
        }
    };
    Node { span, kind }
}
