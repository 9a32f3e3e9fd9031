//! Typed reading of a node tree: fields are taken one by one, every missing, unknown or
//! mistyped field becomes a diagnostic, and reading goes on so that one pass finds them all.

use crate::diag::Sink;
use crate::node::{Key, Kind, Node, RawDate};
use rust_decimal::Decimal;
use std::ops::Range;
use std::str::FromStr;

/// A table being read: tracks which keys were taken so the rest can be reported as unknown.
pub struct Table<'n> {
    /// Dotted path of the table, e.g. `order` (empty for the document root).
    pub path: String,
    /// Where to point when a field is missing: the table's header or the file start.
    pub at: Range<usize>,
    entries: &'n [(Key, Node)],
    taken: Vec<bool>,
}

impl<'n> Table<'n> {
    /// Reads `node` as a table at `path`; reports and gives `None` if it is not one.
    pub fn of(
        node: &'n Node,
        path: &str,
        at: Range<usize>,
        sink: &mut Sink<'_>,
    ) -> Option<Table<'n>> {
        match &node.kind {
            Kind::Table(entries) => Some(Table {
                path: path.to_string(),
                at,
                entries,
                taken: vec![false; entries.len()],
            }),
            other => {
                sink.error(
                    node.span.clone(),
                    Some(path),
                    format!("`{path}` must be a table, found {}", other.describe()),
                );
                None
            }
        }
    }

    /// The full dotted name of a key in this table.
    pub fn field(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// Takes a key if present.
    pub fn take(&mut self, key: &str) -> Option<(&'n Key, &'n Node)> {
        let i = self.entries.iter().position(|(k, _)| k.name == key)?;
        self.taken[i] = true;
        let (k, n) = &self.entries[i];
        Some((k, n))
    }

    /// The value under a key, without taking it.
    pub fn peek(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, _)| k.name == key)
            .map(|(_, n)| n)
    }

    /// Takes a key that must be present; reports it missing otherwise.
    pub fn need(&mut self, key: &str, sink: &mut Sink<'_>) -> Option<(&'n Key, &'n Node)> {
        let found = self.take(key);
        if found.is_none() {
            let field = self.field(key);
            let place = if self.path.is_empty() {
                "the file".to_string()
            } else {
                format!("[{}]", self.path)
            };
            sink.error(
                self.at.clone(),
                Some(&field),
                format!("missing field `{key}` in {place}"),
            )
            .label(format!("`{field}` is required"));
        }
        found
    }

    /// The entries not yet taken.
    pub fn rest(&self) -> impl Iterator<Item = &'n (Key, Node)> + '_ {
        self.entries
            .iter()
            .zip(&self.taken)
            .filter(|(_, t)| !**t)
            .map(|(e, _)| e)
    }

    /// Reports every key not taken as unknown, listing the keys that are allowed.
    pub fn finish(self, allowed: &[&str], what: &str, sink: &mut Sink<'_>) {
        let place = if self.path.is_empty() {
            what.to_string()
        } else {
            format!("[{}]", self.path)
        };
        for (key, _) in self.rest() {
            let field = self.field(&key.name);
            let d = sink.error(
                key.span.clone(),
                Some(&field),
                format!("unknown field `{}` in {place}", key.name),
            );
            d.label("not a field here");
            match suggest(&key.name, allowed) {
                Some(s) => d.help(format!("did you mean `{s}`?")),
                None => d.help(format!("expected one of: {}", allowed.join(", "))),
            };
        }
    }
}

/// The closest allowed name, when it is close enough to be a typo.
pub fn suggest<'a>(name: &str, allowed: &[&'a str]) -> Option<&'a str> {
    allowed
        .iter()
        .map(|a| (edit_distance(name, a), *a))
        .filter(|(d, a)| *d <= 2.max(a.len() / 4))
        .min()
        .map(|(_, a)| a)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// Reports a value of the wrong type for `field`.
pub fn wrong_type(sink: &mut Sink<'_>, node: &Node, field: &str, expected: &str) {
    sink.error(
        node.span.clone(),
        Some(field),
        format!(
            "wrong type for `{field}`: expected {expected}, found {}",
            node.kind.describe()
        ),
    )
    .label(format!("expected {expected}"));
}

/// A string value.
pub fn string(node: &Node, field: &str, sink: &mut Sink<'_>) -> Option<String> {
    match &node.kind {
        Kind::Str(s) => Some(s.clone()),
        _ => {
            wrong_type(sink, node, field, "a string");
            None
        }
    }
}

/// An integer too large for any number settle reads: too large, or too far below zero.
fn too_large<'s>(
    node: &Node,
    field: &str,
    raw: &str,
    sink: &'s mut Sink<'_>,
) -> &'s mut crate::diag::Diagnostic {
    let what = if raw.starts_with('-') {
        "too far below zero"
    } else {
        "too large"
    };
    sink.error(
        node.span.clone(),
        Some(field),
        format!("`{field}` is {what} ({raw})"),
    )
}

/// A boolean value.
pub fn boolean(node: &Node, field: &str, sink: &mut Sink<'_>) -> Option<bool> {
    match &node.kind {
        Kind::Bool(b) => Some(*b),
        _ => {
            wrong_type(sink, node, field, "true or false");
            None
        }
    }
}

/// A whole number in `[0, max]`.
pub fn whole(node: &Node, field: &str, max: u64, sink: &mut Sink<'_>) -> Option<u64> {
    match &node.kind {
        Kind::Int(n) if *n < 0 => {
            sink.error(
                node.span.clone(),
                Some(field),
                format!("`{field}` is negative ({n})"),
            )
            .label("must be 0 or more");
            None
        }
        Kind::Int(n) if *n > i128::from(max) => {
            sink.error(
                node.span.clone(),
                Some(field),
                format!("`{field}` is too large ({n}); at most {max}"),
            );
            None
        }
        Kind::Int(n) => Some(*n as u64),
        Kind::BigInt(raw) => {
            too_large(node, field, raw, sink).label(format!("at most {max}"));
            None
        }
        _ => {
            wrong_type(sink, node, field, "a whole number");
            None
        }
    }
}

/// Money: a decimal string such as `"80000.00"`, or an integer. A float is refused: binary
/// floats cannot hold cents exactly. Negative amounts are refused.
pub fn money(node: &Node, field: &str, sink: &mut Sink<'_>) -> Option<Decimal> {
    let value = match &node.kind {
        Kind::Str(s) => match parse_decimal(s) {
            Some(d) => d,
            None => {
                sink.error(
                    node.span.clone(),
                    Some(field),
                    format!("`{field}` is not an amount: \"{s}\""),
                )
                .label("expected a decimal string such as \"80000.00\"");
                return None;
            }
        },
        Kind::Int(n) => match Decimal::try_from_i128_with_scale(*n, 0) {
            Ok(d) => d,
            Err(_) => {
                sink.error(
                    node.span.clone(),
                    Some(field),
                    format!("`{field}` is too large ({n})"),
                );
                return None;
            }
        },
        Kind::BigInt(raw) => {
            too_large(node, field, raw, sink);
            return None;
        }
        Kind::Float(raw) => {
            sink.error(node.span.clone(), Some(field), format!("wrong type for `{field}`: expected a decimal string or an integer, found a float ({raw})"))
                .label("write money as a string, e.g. \"80000.00\"");
            return None;
        }
        _ => {
            wrong_type(
                sink,
                node,
                field,
                "an amount of money (a decimal string such as \"80000.00\")",
            );
            return None;
        }
    };
    if value.is_sign_negative() && !value.is_zero() {
        sink.error(
            node.span.clone(),
            Some(field),
            format!("`{field}` is negative ({value})"),
        )
        .label("amounts are never negative");
        return None;
    }
    Some(value)
}

/// A plain decimal number such as `12.50`; no exponent, no thousands separators.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let t = s.trim();
    if t.is_empty()
        || t != s
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return None;
    }
    Decimal::from_str(t).ok()
}

/// Comparisons as written in conditions and test bounds: `">= 2"`, `"< 0.5"`, `"> 1 and <= 3"`,
/// or a bare amount (equal to it). `None` when the text is not of that form.
pub fn parse_interval(text: &str) -> Option<settle_engine::condition::Interval> {
    use settle_engine::condition::{Bound, Interval};
    let mut iv = Interval::default();
    for part in text.split(" and ") {
        let part = part.trim();
        let (op, rest) = ["<=", ">=", "==", "<", ">", "="]
            .iter()
            .find_map(|op| part.strip_prefix(op).map(|r| (*op, r.trim())))
            .unwrap_or(("=", part));
        let x = parse_decimal(rest)?;
        let b = |inclusive| {
            Some(Bound {
                value: x,
                inclusive,
            })
        };
        let part_iv = match op {
            ">=" => Interval {
                lo: b(true),
                hi: None,
            },
            ">" => Interval {
                lo: b(false),
                hi: None,
            },
            "<=" => Interval {
                lo: None,
                hi: b(true),
            },
            "<" => Interval {
                lo: None,
                hi: b(false),
            },
            _ => Interval {
                lo: b(true),
                hi: b(true),
            },
        };
        iv = iv.intersect(&part_iv);
    }
    Some(iv)
}

/// A number: an integer, a float (read from its text, exactly), or a decimal string.
pub fn number(node: &Node, field: &str, sink: &mut Sink<'_>) -> Option<Decimal> {
    let parsed = match &node.kind {
        Kind::Int(n) => Decimal::try_from_i128_with_scale(*n, 0).ok(),
        Kind::Float(raw) => Decimal::from_str(raw)
            .ok()
            .or_else(|| Decimal::from_scientific(raw).ok()),
        Kind::Str(s) => parse_decimal(s),
        Kind::BigInt(raw) => {
            too_large(node, field, raw, sink);
            return None;
        }
        _ => {
            wrong_type(sink, node, field, "a number");
            return None;
        }
    };
    if parsed.is_none() {
        let shown = match &node.kind {
            Kind::Str(s) => format!("\"{s}\""),
            Kind::Float(s) => s.clone(),
            other => other.describe().to_string(),
        };
        sink.error(
            node.span.clone(),
            Some(field),
            format!("`{field}` is not a number: {shown}"),
        )
        .label("expected a number such as 0.25");
    }
    parsed
}

/// A number in [0, 1].
pub fn unit(node: &Node, field: &str, sink: &mut Sink<'_>) -> Option<Decimal> {
    let v = number(node, field, sink)?;
    if v < Decimal::ZERO || v > Decimal::ONE {
        sink.error(
            node.span.clone(),
            Some(field),
            format!("`{field}` is {v}, outside [0, 1]"),
        )
        .label("a share or probability lies between 0 and 1");
        return None;
    }
    Some(v)
}

/// A calendar date: a TOML date, or a `YYYY-MM-DD` string (JSON).
pub fn date(node: &Node, field: &str, sink: &mut Sink<'_>) -> Option<time::Date> {
    let raw = match &node.kind {
        Kind::Date(d) => Some(*d),
        Kind::Str(s) => parse_iso_date(s),
        _ => None,
    };
    let Some(raw) = raw else {
        wrong_type(sink, node, field, "a date (YYYY-MM-DD)");
        return None;
    };
    let month = time::Month::try_from(raw.month).ok();
    match month.and_then(|m| time::Date::from_calendar_date(raw.year, m, raw.day).ok()) {
        Some(d) => Some(d),
        None => {
            sink.error(
                node.span.clone(),
                Some(field),
                format!(
                    "`{field}` is not a calendar date ({:04}-{:02}-{:02})",
                    raw.year, raw.month, raw.day
                ),
            );
            None
        }
    }
}

/// A `YYYY-MM-DD` string as a calendar date, exactly as claim files accept it.
pub fn iso_date(s: &str) -> Option<time::Date> {
    let raw = parse_iso_date(s)?;
    let month = time::Month::try_from(raw.month).ok()?;
    time::Date::from_calendar_date(raw.year, month, raw.day).ok()
}

fn parse_iso_date(s: &str) -> Option<RawDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: Range<usize>| {
        s.get(r)
            .filter(|t| t.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|t| t.parse::<i32>().ok())
    };
    Some(RawDate {
        year: num(0..4)?,
        month: num(5..7)? as u8,
        day: num(8..10)? as u8,
    })
}

/// One name from a closed set.
pub fn one_of<T: Copy>(
    node: &Node,
    field: &str,
    names: &[&str],
    parse: impl Fn(&str) -> Option<T>,
    sink: &mut Sink<'_>,
) -> Option<T> {
    match &node.kind {
        Kind::Str(s) => match parse(s) {
            Some(v) => Some(v),
            None => {
                let d = sink.error(
                    node.span.clone(),
                    Some(field),
                    format!("`{field}` must be one of {}; found `{s}`", names.join(", ")),
                );
                d.label("not one of the allowed values");
                if let Some(g) = suggest(s, names) {
                    d.help(format!("did you mean `{g}`?"));
                }
                None
            }
        },
        _ => {
            wrong_type(sink, node, field, &format!("one of {}", names.join(", ")));
            None
        }
    }
}
