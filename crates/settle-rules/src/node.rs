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
    /// An integer too large for `Int` (beyond ±1.7 × 10³⁸), as written: every field that takes
    /// a number reports it as too large.
    BigInt(String),
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
            Kind::Int(_) | Kind::BigInt(_) => "an integer",
            Kind::Float(_) => "a float",
            Kind::Bool(_) => "a boolean",
            Kind::Date(_) => "a date",
            Kind::DateTime(_) => "a date-time",
            Kind::Null => "null",
        }
    }
}

/// The most TOML errors reported for one file: a file that is not TOML at all fails on every
/// line, and the first few say enough.
const SHOWN: usize = 10;

/// Parses TOML into a node tree; syntax errors go to `sink` and give `None`.
///
/// The syntax is checked first, in a pass of `toml_parser` that builds nothing and keeps only
/// the errors it will show (the `toml` crate's recoverable parse keeps every error: gigabytes
/// for a large file that is not TOML); only a file without syntax errors is then parsed into a
/// document.
pub fn parse_toml(text: &str, sink: &mut Sink<'_>) -> Option<Node> {
    let syntax = syntax::check(text);
    if syntax.total > 0 {
        let errors: Vec<(Range<usize>, String)> = syntax
            .first
            .iter()
            .map(|e| (syntax::span(e), syntax::message(e)))
            .collect();
        report_toml_errors(text, &errors, syntax.total, sink);
        return None;
    }
    let (doc, errors) = toml::de::DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        let total = errors.len();
        let errors: Vec<(Range<usize>, String)> = errors
            .into_iter()
            .take(SHOWN + 1)
            .map(|e| {
                let message = e.message().to_string();
                // The toml crate gives no place for a dotted key nested too deep; the syntax
                // pass found it.
                let span = e
                    .span()
                    .or_else(|| {
                        message
                            .contains("recursion")
                            .then(|| syntax.deep_key.clone())
                            .flatten()
                    })
                    .unwrap_or(0..0);
                (span, message)
            })
            .collect();
        report_toml_errors(text, &errors, total, sink);
        return None;
    }
    let span = 0..text.len();
    let inner = doc.into_inner();
    Some(Node {
        span,
        kind: Kind::Table(toml_table(&inner)),
    })
}

/// Reports the first [`SHOWN`] of `total` TOML errors (`errors` holds at least those, and the
/// next one when there are more, for its place), with a hint when the text looks like JSON.
fn report_toml_errors(
    text: &str,
    errors: &[(Range<usize>, String)],
    total: usize,
    sink: &mut Sink<'_>,
) {
    if total > SHOWN {
        let rest = total - SHOWN;
        let at = errors.get(SHOWN).map_or(0..0, |(span, _)| span.clone());
        sink.error(
            at,
            None,
            format!("{rest} more TOML syntax errors not shown; is this a TOML file?"),
        );
    }
    for (i, (span, message)) in errors.iter().take(SHOWN).enumerate() {
        let msg = message.trim().trim_end_matches('.').to_string();
        let d = sink.error(
            span.clone(),
            None,
            format!("invalid TOML: {}", first_lower(&msg)),
        );
        if i == 0 && looks_like_json(text) {
            d.help("this looks like JSON: settle reads a file as JSON only when its name ends in .json");
        }
    }
}

/// Whether a text that failed to parse as TOML is probably JSON: it opens with `{` (after
/// white space and a byte-order mark).
fn looks_like_json(text: &str) -> bool {
    text.trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('{')
}

/// Whether a text that failed to parse as JSON is probably TOML: it does not open with `{`, and
/// it opens with a `[table]` header or a comment, or a line of it sets a key with `=`.
fn looks_like_toml(text: &str) -> bool {
    let body = text.trim_start_matches('\u{feff}').trim_start();
    let first = body.lines().next().unwrap_or("").trim_end();
    let header = first.starts_with('[')
        && first.ends_with(']')
        && first[1..first.len() - 1]
            .trim_matches(['[', ']'])
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_-. ".contains(c));
    let key = |l: &str| {
        l.split_once('=').is_some_and(|(k, _)| {
            let k = k.trim();
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.\"".contains(c))
        })
    };
    !body.starts_with('{')
        && (header || first.starts_with('#') || body.lines().any(|l| key(l.trim_start())))
}

/// The syntax pass over TOML: `toml_parser`'s lexer and parser with the same checks the `toml`
/// crate runs (white space, nesting depth), keeping the first errors and a count.
mod syntax {
    use std::ops::Range;
    use toml_parser::parser::{EventReceiver, RecursionGuard, ValidateWhitespace};
    use toml_parser::{ErrorSink, ParseError, Source, Span};

    /// The `toml` crate's nesting limit (its `LIMIT`): arrays, inline tables and dotted keys.
    const DEPTH: usize = 80;

    /// What the pass found.
    pub(super) struct Syntax {
        /// The first errors, in the order found (one more than are shown, for its place).
        pub first: Vec<ParseError>,
        /// Every syntax error.
        pub total: usize,
        /// The first dotted key too deep for the `toml` crate, which reports it without a place.
        pub deep_key: Option<Range<usize>>,
    }

    /// Checks the syntax of `text`.
    pub(super) fn check(text: &str) -> Syntax {
        let source = Source::new(text);
        let tokens = source.lex().into_vec();
        let mut keys = Keys::default();
        let mut first = Vec::new();
        let mut total = 0usize;
        {
            let mut errors = |e: ParseError| {
                total += 1;
                if first.len() <= super::SHOWN {
                    first.push(e);
                }
            };
            let mut whitespace = ValidateWhitespace::new(&mut keys, source);
            let mut guard = RecursionGuard::new(&mut whitespace, DEPTH as u32);
            toml_parser::parser::parse_document(
                &tokens,
                &mut guard,
                &mut errors as &mut dyn ErrorSink,
            );
        }
        Syntax {
            first,
            total,
            deep_key: keys.deep,
        }
    }

    /// Where an error is: what was found unexpectedly, else its context.
    pub(super) fn span(e: &ParseError) -> Range<usize> {
        e.unexpected()
            .or(e.context())
            .map_or(0..0, |s| s.start()..s.end())
    }

    /// An error's message as the `toml` crate words it.
    pub(super) fn message(e: &ParseError) -> String {
        let mut m = e.description().to_string();
        if let Some(expected) = e.expected() {
            m.push_str(", expected ");
            if expected.is_empty() {
                m.push_str("nothing");
            }
            for (i, x) in expected.iter().enumerate() {
                if i > 0 {
                    m.push_str(", ");
                }
                match x {
                    toml_parser::Expected::Literal(l) => m.push_str(&literal(l)),
                    toml_parser::Expected::Description(d) => m.push_str(d),
                    _ => m.push_str("etc"),
                }
            }
        }
        m
    }

    fn literal(l: &str) -> String {
        match l {
            "\n" => "newline".to_string(),
            "`" => "'`'".to_string(),
            s if s.chars().all(|c| c.is_ascii_control()) => format!("`{}`", s.escape_debug()),
            s => format!("`{s}`"),
        }
    }

    /// Follows dotted keys (`a.b.c`) to find the first with more parts than the `toml` crate
    /// takes.
    #[derive(Default)]
    struct Keys {
        /// Parts of the key being read, if one is.
        parts: usize,
        start: usize,
        deep: Option<Range<usize>>,
    }

    impl Keys {
        fn other(&mut self) {
            self.parts = 0;
        }
    }

    impl EventReceiver for Keys {
        fn simple_key(
            &mut self,
            span: Span,
            _: Option<toml_parser::decoder::Encoding>,
            _: &mut dyn ErrorSink,
        ) {
            if self.parts == 0 {
                self.start = span.start();
            }
            self.parts += 1;
            if self.parts > DEPTH && self.deep.is_none() {
                self.deep = Some(self.start..span.end());
            }
        }
        fn key_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {}
        fn whitespace(&mut self, _: Span, _: &mut dyn ErrorSink) {}
        fn std_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.other();
        }
        fn std_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.other();
        }
        fn array_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.other();
        }
        fn array_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.other();
        }
        fn inline_table_open(&mut self, _: Span, _: &mut dyn ErrorSink) -> bool {
            self.other();
            true
        }
        fn inline_table_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.other();
        }
        fn array_open(&mut self, _: Span, _: &mut dyn ErrorSink) -> bool {
            self.other();
            true
        }
        fn array_close(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.other();
        }
        fn key_val_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.other();
        }
        fn scalar(
            &mut self,
            _: Span,
            _: Option<toml_parser::decoder::Encoding>,
            _: &mut dyn ErrorSink,
        ) {
            self.other();
        }
        fn value_sep(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.other();
        }
        fn comment(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.other();
        }
        fn newline(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.other();
        }
        fn error(&mut self, _: Span, _: &mut dyn ErrorSink) {
            self.other();
        }
    }
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
                // The lexer accepted it as an integer: only its size can be wrong.
                Err(_) => Kind::BigInt(i.as_str().to_string()),
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
    // A byte-order mark is not JSON, but editors on Windows write one (and TOML files with one
    // are read): it is read as white space of the same length, so places stay the same.
    let unmarked;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            unmarked = format!("   {rest}");
            unmarked.as_str()
        }
        None => text,
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
            let d = sink.error(
                r.start..r.end,
                None,
                format!("invalid JSON: {}", first_lower(&e.kind().to_string())),
            );
            if looks_like_toml(text) {
                d.help("this looks like TOML: settle reads a file as TOML unless its name ends in .json");
            }
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
                    .map_or_else(|_| Kind::BigInt(raw.to_string()), Kind::Int)
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
