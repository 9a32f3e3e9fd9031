//! What every fuzz target checks, written once: the cargo-fuzz targets (`fuzz/fuzz_targets/`,
//! nightly) call these on libFuzzer's inputs, and the property tests of
//! `tests/integration/fuzzing.rs` (stable, `cargo test`) call them on mutated shipped files.
//! A panic is a finding; errors returned for bad input are what settle must do.
//!
//! Each check takes raw bytes. Text parsers see them as text (invalid UTF-8 is read lossily:
//! the files are read as UTF-8 before they are parsed); the structure-aware check builds a
//! claim from them with `arbitrary`.

#![allow(dead_code)]

use arbitrary::{Arbitrary, Unstructured};
use rust_decimal::Decimal;
use settle_engine::schema::{Field, Kind, Presence, RoundField};
use settle_engine::{Claim, Move, Playbook, Prepared, advise, advise_move};
use settle_replay::history::{self, HistoryFormat, HistoryReader, RawRecord};
use settle_rules::{Format, SourceFile, parse_claim};
use std::sync::OnceLock;

/// The built-in default rules, loaded once.
pub fn default_rules() -> &'static Playbook {
    static P: OnceLock<Playbook> = OnceLock::new();
    P.get_or_init(|| settle_rules::defaults::load_default().expect("the default rules load"))
}

/// A claim read once is the same claim after a trip through the JSON Lines writer and back,
/// through the fast path and through the spanned reader.
fn round_trips(claim: &Claim) {
    let line = history::to_jsonl(claim);
    let src = SourceFile::new("line", line.as_str());
    let again = parse_claim(&src, Format::Json)
        .unwrap_or_else(|d| panic!("a written claim does not read back: {d:?}\n{line}"));
    assert_eq!(
        &again, claim,
        "the spanned reader reads the writer's line differently"
    );
    let fast = settle_replay::fast::parse(&line).expect("the fast path reads the writer's line");
    assert_eq!(
        &fast, claim,
        "the fast path reads the writer's line differently"
    );
}

/// The advice on a claim: no panic; an overflow is an answer; the replay's move is the
/// advice's move.
fn advises(p: &Playbook, claim: &Claim) {
    let advice = advise(p, claim);
    let moved = advise_move(p, &Prepared::new(claim));
    match (&advice, &moved) {
        (Ok(a), Ok(m)) => assert_eq!(&Move::of(a), m, "the replay's move is not the advice's"),
        (Err(_), Err(_)) => {}
        _ => panic!(
            "advise and advise_move disagree on overflow: {:?} / {:?}",
            advice.is_ok(),
            moved.is_ok()
        ),
    }
    if let Ok(a) = &advice {
        let _ = settle_engine::words::tree_dot(a, &claim.currency);
    }
    let _ = settle_engine::explain(p, claim);
}

/// A claim file in TOML: read without a panic; a claim read round-trips and gets advice.
pub fn claim_toml(data: &[u8]) {
    claim_file(data, Format::Toml);
}

/// A claim file in JSON: as [`claim_toml`].
pub fn claim_json(data: &[u8]) {
    claim_file(data, Format::Json);
}

fn claim_file(data: &[u8], format: Format) {
    let text = String::from_utf8_lossy(data);
    let src = SourceFile::new("claim", text.as_ref());
    if let Ok(claim) = parse_claim(&src, format) {
        round_trips(&claim);
        advises(default_rules(), &claim);
    }
}

/// A rule file put in place of one of the default set's files (the first byte picks which; the
/// rest is its text): the set loads or reports errors without a panic; a set that loads is
/// linted, diffed against the default, and advises every example claim.
pub fn rule_file(data: &[u8]) {
    let Some((&pick, rest)) = data.split_first() else {
        return;
    };
    let files = settle_rules::defaults::DEFAULT_FILES;
    let replaced = files[usize::from(pick) % files.len()].0;
    let text = String::from_utf8_lossy(rest);
    let sources: Vec<SourceFile> = files
        .iter()
        .map(|(name, body)| {
            let body = if *name == replaced {
                text.as_ref()
            } else {
                body
            };
            SourceFile::new(format!("set/{name}"), body)
        })
        .collect();
    let Ok(p) = settle_rules::ruleset::load(sources.clone()) else {
        return;
    };
    let _ = settle_rules::lint::lint(&p, &sources);
    let _ = settle_rules::lint::copied_builtin(&p, &sources);
    let _ = settle_replay::replay::rule_changes(default_rules(), &p);
    for claim in example_claims() {
        advises(&p, claim);
    }
}

/// The example claims, parsed once.
pub fn example_claims() -> &'static [Claim] {
    static C: OnceLock<Vec<Claim>> = OnceLock::new();
    C.get_or_init(|| {
        settle_rules::defaults::EXAMPLE_CLAIMS
            .iter()
            .map(|(name, text)| {
                let src = SourceFile::new(*name, *text);
                parse_claim(&src, Format::of_path(name)).expect("the example claims load")
            })
            .collect()
    })
}

/// A history in JSON Lines: every record is read and parsed without a panic, each line is a
/// record or blank, and a record that parses round-trips.
pub fn history_jsonl(data: &[u8]) {
    history_bytes(data, HistoryFormat::Jsonl);
}

/// A history in CSV: as [`history_jsonl`].
pub fn history_csv(data: &[u8]) {
    history_bytes(data, HistoryFormat::Csv);
}

fn history_bytes(data: &[u8], format: HistoryFormat) {
    let input: Box<dyn std::io::Read + Send> = Box::new(std::io::Cursor::new(data.to_vec()));
    let Ok(mut reader) = HistoryReader::new(input, format, "history") else {
        return;
    };
    let mut last_line = 0;
    loop {
        let batch = reader
            .next_batch(64)
            .expect("reading from memory does not fail");
        if batch.is_empty() {
            break;
        }
        for raw in &batch {
            // A lone carriage return ends a CSV record (as it does for the csv crate and for
            // spreadsheets) but is no line break, so two CSV records may start on one line.
            match format {
                HistoryFormat::Csv => assert!(raw.line() >= last_line, "records in line order"),
                _ => assert!(raw.line() > last_line, "records come in line order"),
            }
            last_line = raw.line();
            match history::parse(raw) {
                Ok(claim) => {
                    if let RawRecord::Json { .. } = raw {
                        round_trips(&claim);
                    }
                }
                Err(bad) => assert_eq!(bad.line, raw.line()),
            }
        }
    }
}

/// The replay's fast JSON path accepts only what the spanned reader accepts, and reads it the
/// same.
pub fn fast_vs_spanned(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(fast) = settle_replay::fast::parse(text) {
        let src = SourceFile::new("line", text);
        match parse_claim(&src, Format::Json) {
            Ok(spanned) => assert_eq!(fast, spanned, "the two readers read {text} differently"),
            Err(d) => {
                panic!("the fast path accepts what the spanned reader refuses: {d:?}\n{text}")
            }
        }
    }
}

/// Amounts at and near the decimal limits, and zero.
const BOUNDARY_AMOUNTS: &[&str] = &[
    "0",
    "0.01",
    "1",
    "79228162514264337593543950335",
    "79228162514264337593543950334",
    "39614081257132168796771975167",
    "7922816251426433759354395033.5",
    "0.0000000000000000000000000001",
    "4294967296",
    "18446744073709551616",
    "1000000000000",
];

fn amount(u: &mut Unstructured<'_>) -> arbitrary::Result<Decimal> {
    Ok(match u.int_in_range(0..=3u8)? {
        0 => BOUNDARY_AMOUNTS[u.choose_index(BOUNDARY_AMOUNTS.len())?]
            .parse()
            .unwrap_or_default(),
        1 => Decimal::new(i64::from(u.int_in_range(0..=10_000_000u32)?), 2),
        _ => {
            let lo = u64::arbitrary(u)?;
            let hi = u32::arbitrary(u)?;
            let mantissa = (u128::from(hi) << 64 | u128::from(lo)) as i128;
            Decimal::try_from_i128_with_scale(mantissa, u.int_in_range(0..=28u32)?)
                .unwrap_or_default()
        }
    })
}

fn date(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    let year = u.int_in_range(1..=9999u16)?;
    let month = u.int_in_range(1..=12u8)?;
    // Now and then a day that does not exist (the reader must say so).
    let last = if u.ratio(1, 20)? { 31u8 } else { 28 };
    let day = u.int_in_range(1..=last)?;
    Ok(format!("{year:04}-{month:02}-{day:02}"))
}

fn text(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    let s = String::arbitrary(u)?;
    Ok(s.chars().take(60).collect())
}

/// A value of a field's kind (sometimes at or just beyond its bounds).
fn value(u: &mut Unstructured<'_>, kind: Kind) -> arbitrary::Result<serde_json::Value> {
    use serde_json::json;
    Ok(match kind {
        Kind::Text => json!(text(u)?),
        Kind::Date => json!(date(u)?),
        Kind::Currency => {
            let codes = [
                "USD", "EUR", "GBP", "JPY", "KWD", "CNY", "BHD", "CLF", "XXX",
            ];
            json!(codes[u.choose_index(codes.len())?])
        }
        Kind::Money => json!(amount(u)?.to_string()),
        Kind::Count(max) => json!(match u.int_in_range(0..=4u8)? {
            0 => max,
            1 => max.saturating_add(1),
            2 => u.int_in_range(0..=10u64)?,
            _ => u.int_in_range(0..=max)?,
        }),
        Kind::Bool => json!(bool::arbitrary(u)?),
        Kind::Vocab(names) => json!(names[u.choose_index(names.len())?]),
        Kind::Incoterm => {
            let names = settle_engine::claim::Incoterm::NAMES;
            json!(names[u.choose_index(names.len())?])
        }
    })
}

/// Sets `value` at a dotted path of objects in `doc`.
fn set(doc: &mut serde_json::Value, path: &str, value: serde_json::Value) {
    let mut at = doc;
    let parts: Vec<&str> = path.split('.').collect();
    for p in &parts[..parts.len() - 1] {
        at = at
            .as_object_mut()
            .expect("objects on the way")
            .entry(p.to_string())
            .or_insert_with(|| serde_json::json!({}));
    }
    at[parts[parts.len() - 1]] = value;
}

/// A claim document built from the schema: every field of its kind (amounts from zero to the
/// decimal limit, counts to their bound and one past it, dates across the calendar), mostly
/// consistent (paid within the value, affected within the quantity, rounds in date order) so
/// that most documents are claims; up to thousands of rounds.
pub fn claim_document(u: &mut Unstructured<'_>) -> arbitrary::Result<serde_json::Value> {
    let mut doc = serde_json::json!({});
    for f in Field::CLAIM {
        let Some(kind) = f.kind() else { continue };
        if matches!(f.presence(), Presence::Required) || u.ratio(1, 2)? {
            let v = value(u, kind)?;
            set(&mut doc, f.name(), v);
        }
    }
    let consistent = u.ratio(9, 10)?;
    if consistent {
        // Paid and affected within value and quantity; rounds after `received`.
        let value: Decimal = doc["order"]["value"]
            .as_str()
            .and_then(|s| s.parse().ok())
            .unwrap_or_default();
        let share = Decimal::from(u.int_in_range(0..=100u8)?) / Decimal::ONE_HUNDRED;
        let paid = value
            .checked_mul(share)
            .unwrap_or(value)
            .round_dp(2)
            .min(value);
        set(&mut doc, "order.paid", serde_json::json!(paid.to_string()));
        let quantity = doc["order"]["quantity"].as_u64().unwrap_or(0);
        let affected = u.int_in_range(0..=quantity)?;
        set(&mut doc, "problem.affected", serde_json::json!(affected));
    }
    let rounds = match u.int_in_range(0..=9u8)? {
        0 => u.int_in_range(0..=3000u16)?,
        _ => u.int_in_range(0..=6u16)?,
    };
    let received = doc["received"].as_str().unwrap_or("2024-01-01").to_string();
    let mut on = calendar_date(&received)
        .or_else(|| calendar_date("2024-01-01"))
        .expect("a date");
    let mut list = Vec::new();
    for _ in 0..rounds {
        if consistent {
            on = on
                .checked_add(time::Duration::days(i64::from(u.int_in_range(0..=40u8)?)))
                .unwrap_or(on);
        }
        let mut round = serde_json::json!({});
        for f in RoundField::ALL {
            if matches!(f.presence(), Presence::Required) || u.ratio(1, 4)? {
                let v = match (f, consistent) {
                    (RoundField::On, true) => serde_json::json!(format!(
                        "{:04}-{:02}-{:02}",
                        on.year(),
                        u8::from(on.month()),
                        on.day()
                    )),
                    _ => value(u, f.kind())?,
                };
                round[f.key()] = v;
            }
        }
        list.push(round);
    }
    if !list.is_empty() {
        doc["round"] = serde_json::Value::Array(list);
    }
    Ok(doc)
}

fn calendar_date(text: &str) -> Option<time::Date> {
    let mut parts = text.split('-');
    let year = parts.next()?.parse().ok()?;
    let month = time::Month::try_from(parts.next()?.parse::<u8>().ok()?).ok()?;
    let day = parts.next()?.parse().ok()?;
    time::Date::from_calendar_date(year, month, day).ok()
}

/// A claim built from the bytes ([`claim_document`]), read, and advised under the default
/// rules: any valid claim gets advice (or an overflow) without a panic, and its move is the
/// replay's.
pub fn advise_any_claim(data: &[u8]) {
    let mut u = Unstructured::new(data);
    let Ok(doc) = claim_document(&mut u) else {
        return;
    };
    let text = doc.to_string();
    let src = SourceFile::new("claim.json", text.as_str());
    if let Ok(claim) = parse_claim(&src, Format::Json) {
        round_trips(&claim);
        advises(default_rules(), &claim);
    }
}
