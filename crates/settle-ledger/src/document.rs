//! The claim as a stored document (the claim file's JSON form without its rounds and outcome),
//! putting it back together with its rounds, and the text forms of times, dates and money.

use crate::error::{Error, Result};
use serde_json::{Map, Value};
use settle_engine::claim::{Outcome, Round};
use settle_engine::{Claim, Money};
use settle_rules::{Format, SourceFile, parse_claim};
use std::str::FromStr;
use time::{Date, Month, OffsetDateTime, UtcOffset};

/// The document stored for `claim`: its JSON claim-file form without `round` and `outcome`.
pub(crate) fn document_of(claim: &Claim) -> Map<String, Value> {
    let mut doc = match settle_rules::claim_file::to_json(claim) {
        Value::Object(m) => m,
        _ => Map::new(),
    };
    doc.remove("round");
    doc.remove("outcome");
    doc
}

/// Reads a stored document back into a map.
pub(crate) fn parse_document(text: &str) -> Result<Map<String, Value>> {
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::Corrupt(
            "a claim document is not a JSON object".into(),
        )),
        Err(e) => Err(Error::Corrupt(format!("a claim document is not JSON: {e}"))),
    }
}

/// The claim a document stands for, with `rounds` as its `[[round]]` list and its outcome,
/// read by settle-rules exactly as a JSON claim file is. `Err` carries the first problem
/// settle-rules found, with the field it names.
pub(crate) fn assemble(
    doc: &Map<String, Value>,
    rounds: &[Round],
    outcome: Option<&Outcome>,
) -> std::result::Result<Claim, (String, String)> {
    let mut whole = doc.clone();
    whole.remove("round");
    whole.remove("outcome");
    if !rounds.is_empty() {
        whole.insert(
            "round".into(),
            Value::Array(rounds.iter().map(round_json).collect()),
        );
    }
    if let Some(o) = outcome {
        whole.insert("outcome".into(), outcome_json(o));
    }
    let id = whole.get("id").and_then(Value::as_str).unwrap_or("?");
    let source = SourceFile::new(
        format!("ledger:{id}"),
        Value::Object(whole.clone()).to_string(),
    );
    parse_claim(&source, Format::Json).map_err(|diags| {
        let first = diags.into_iter().next();
        match first {
            Some(d) => (d.field.unwrap_or_else(|| "claim".into()), d.message),
            None => ("claim".into(), "cannot be read back".into()),
        }
    })
}

fn round_json(r: &Round) -> Value {
    let mut x = Map::new();
    x.insert("on".into(), Value::String(r.on.to_string()));
    x.insert("by".into(), Value::String(r.by.as_str().into()));
    if let Some(k) = r.kind {
        x.insert("kind".into(), Value::String(k.as_str().into()));
    }
    if let Some(remedy) = r.remedy {
        x.insert("remedy".into(), Value::String(remedy.as_str().into()));
    }
    if let Some(amount) = r.amount {
        x.insert("amount".into(), Value::String(amount.to_string()));
    }
    if let Some(n) = &r.note {
        x.insert("note".into(), Value::String(n.clone()));
    }
    Value::Object(x)
}

/// An outcome in the claim file's JSON form.
pub(crate) fn outcome_json(o: &Outcome) -> Value {
    serde_json::json!({
        "remedy": o.remedy.as_str(),
        "amount": o.amount.to_string(),
        "cost": o.cost.to_string(),
        "closed": o.closed.to_string(),
        "retained": o.retained,
    })
}

/// Reads an outcome back from its JSON form.
pub(crate) fn outcome_from_json(text: &str) -> Result<Outcome> {
    let bad = |what: &str| Error::Corrupt(format!("a stored outcome has no valid `{what}`"));
    let v: Value =
        serde_json::from_str(text).map_err(|e| Error::Corrupt(format!("a stored outcome: {e}")))?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).ok_or_else(|| bad(k));
    Ok(Outcome {
        remedy: settle_engine::claim::Remedy::parse(s("remedy")?).ok_or_else(|| bad("remedy"))?,
        amount: money(s("amount")?).ok_or_else(|| bad("amount"))?,
        cost: money(s("cost")?).ok_or_else(|| bad("cost"))?,
        closed: date(s("closed")?).ok_or_else(|| bad("closed"))?,
        retained: v
            .get("retained")
            .and_then(Value::as_bool)
            .ok_or_else(|| bad("retained"))?,
    })
}

/// Money as stored: the decimal's own text, never a float.
pub(crate) fn money(text: &str) -> Option<Money> {
    Money::from_str(text).ok()
}

/// A date as stored: `YYYY-MM-DD`.
pub(crate) fn date(text: &str) -> Option<Date> {
    let mut parts = text.splitn(3, '-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    if text.len() != 10 {
        return None;
    }
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// A date's stored text; only four-digit years, so that text order is date order.
pub(crate) fn date_text(d: Date, field: &str) -> Result<String> {
    if !(1..=9999).contains(&d.year()) {
        return Err(Error::invalid(
            field,
            format!("the year {} is outside 1 to 9999", d.year()),
        ));
    }
    Ok(format!(
        "{:04}-{:02}-{:02}",
        d.year(),
        u8::from(d.month()),
        d.day()
    ))
}

/// A moment as stored: UTC, `YYYY-MM-DDTHH:MM:SS.ffffffZ`, fixed width so that text order is
/// time order in both databases.
pub(crate) fn time_text(t: OffsetDateTime) -> Result<String> {
    let u = t
        .checked_to_offset(UtcOffset::UTC)
        .ok_or_else(|| Error::invalid("now", "the time is outside the calendar"))?;
    let d = date_text(u.date(), "now")?;
    Ok(format!(
        "{d}T{:02}:{:02}:{:02}.{:06}Z",
        u.hour(),
        u.minute(),
        u.second(),
        u.microsecond()
    ))
}

/// Reads a stored moment back.
pub(crate) fn time(text: &str) -> Result<OffsetDateTime> {
    let bad = || Error::Corrupt(format!("`{text}` is not a stored time"));
    if text.len() != 27 || !text.is_ascii() || !text.ends_with('Z') {
        return Err(bad());
    }
    let d = date(&text[..10]).ok_or_else(bad)?;
    let num = |r: std::ops::Range<usize>| text[r].parse::<u32>().map_err(|_| bad());
    let (h, m, s, us) = (num(11..13)?, num(14..16)?, num(17..19)?, num(20..26)?);
    let t = time::Time::from_hms_micro(
        u8::try_from(h).map_err(|_| bad())?,
        u8::try_from(m).map_err(|_| bad())?,
        u8::try_from(s).map_err(|_| bad())?,
        us,
    )
    .map_err(|_| bad())?;
    Ok(d.with_time(t).assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_round_trip_and_sort_as_text() {
        let a = Date::from_calendar_date(2024, Month::April, 8)
            .unwrap()
            .with_hms_micro(9, 5, 7, 120)
            .unwrap()
            .assume_offset(UtcOffset::from_hms(2, 0, 0).unwrap());
        let text = time_text(a).unwrap();
        assert_eq!(text, "2024-04-08T07:05:07.000120Z");
        assert_eq!(time(&text).unwrap(), a);
        let b = a + time::Duration::microseconds(1);
        assert!(time_text(b).unwrap() > text);
    }

    #[test]
    fn refuses_times_it_did_not_write() {
        for t in [
            "",
            "2024-04-08",
            "2024-04-08T07:05:07Z",
            "2024-13-08T07:05:07.000120Z",
        ] {
            assert!(time(t).is_err(), "{t}");
        }
    }

    #[test]
    fn dates_are_calendar_dates() {
        assert_eq!(
            date("2024-02-29"),
            Some(Date::from_calendar_date(2024, Month::February, 29).unwrap())
        );
        assert_eq!(date("2023-02-29"), None);
        assert_eq!(date("2024-2-9"), None);
        assert_eq!(date("+2024-02-09"), None);
    }
}
