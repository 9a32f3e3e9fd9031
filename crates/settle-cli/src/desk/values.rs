//! Claim values given on the command line (`--set FIELD=VALUE`, `--evidence FIELD=VALUE`, an
//! answer to a prompt), read by the claim-file reader so that they are checked exactly as a file
//! is: each is written as a line of TOML in a source named after the flag, and a problem is a
//! diagnostic at that line.

use settle_engine::schema::{Field, Kind, Section, Value};
use settle_rules::diag::Sink;
use settle_rules::{Diagnostic, SourceFile, claim_file, node};

/// A value as a TOML literal of its kind: strings quoted; dates, counts and booleans bare when
/// they read as one (else quoted, so that the reader names the fault).
pub fn literal(kind: Kind, raw: &str) -> String {
    let quoted = || serde_json::to_string(raw).unwrap_or_else(|_| "\"\"".into());
    let raw_t = raw.trim();
    match kind {
        Kind::Date if settle_rules::read::iso_date(raw_t).is_some() => raw_t.to_string(),
        Kind::Count(_) if !raw_t.is_empty() && raw_t.bytes().all(|b| b.is_ascii_digit()) => {
            let t = raw_t.trim_start_matches('0');
            if t.is_empty() {
                "0".into()
            } else {
                t.to_string()
            }
        }
        Kind::Bool => match raw_t.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" => "true".into(),
            "false" | "no" | "n" => "false".into(),
            _ => quoted(),
        },
        _ => quoted(),
    }
}

/// `FIELD=VALUE` split at the first `=`.
pub fn split(text: &str) -> Option<(&str, &str)> {
    let (k, v) = text.split_once('=')?;
    Some((k.trim(), v))
}

/// A diagnostic about a flag that names no place in a file.
pub fn flag_error(flag: &str, message: String, help: Option<String>) -> Diagnostic {
    Diagnostic {
        severity: settle_rules::Severity::Error,
        file: flag.to_string(),
        line: 1,
        column: 1,
        span: 0..0,
        message,
        field: None,
        label: None,
        help,
    }
}

/// The claim fields a flag may set, by name.
fn claim_field(name: &str) -> Option<Field> {
    Field::CLAIM.iter().copied().find(|f| f.name() == name)
}

/// `--set FIELD=VALUE` flags as a claim file's TOML text (dotted keys, one per line, in flag
/// order), or the flags that name no field.
pub fn set_flags_toml(sets: &[String]) -> Result<String, Vec<Diagnostic>> {
    let names: Vec<&str> = Field::CLAIM.iter().map(|f| f.name()).collect();
    let mut text = String::new();
    let mut bad = Vec::new();
    for s in sets {
        let Some((key, raw)) = split(s) else {
            bad.push(flag_error(
                &format!("--set {s}"),
                format!("`{s}` is not FIELD=VALUE"),
                Some("for example --set customer.name=\"Acme Ltd\"".into()),
            ));
            continue;
        };
        match claim_field(key) {
            Some(f) => {
                let kind = f.kind().unwrap_or(Kind::Text);
                text.push_str(&format!("{} = {}\n", f.name(), literal(kind, raw)));
            }
            None => bad.push(flag_error(
                &format!("--set {s}"),
                format!("`--set {s}`: `{key}` is not a claim field"),
                settle_rules::read::suggest(key, &names)
                    .map(|n| format!("did you mean `{n}`?"))
                    .or_else(|| Some("see docs/claim-format.md for the fields".into())),
            )),
        }
    }
    if bad.is_empty() { Ok(text) } else { Err(bad) }
}

/// Every required claim field that no `--set` flag gives, each named with the flag to give, its
/// values and what it means.
pub fn missing_required(sets: &[String]) -> Vec<Diagnostic> {
    let mut bad = Vec::new();
    let given: Vec<&str> = sets
        .iter()
        .filter_map(|s| split(s))
        .filter_map(|(key, _)| claim_field(key))
        .map(|f| f.name())
        .collect();
    for f in Field::CLAIM {
        if matches!(f.presence(), settle_engine::schema::Presence::Required)
            && !given.contains(&f.name())
        {
            let value = match f.kind() {
                Some(Kind::Vocab(names)) => names.join("|"),
                Some(Kind::Bool) => "true|false".to_string(),
                Some(Kind::Date) => "YYYY-MM-DD".to_string(),
                Some(Kind::Money) => "AMOUNT".to_string(),
                Some(Kind::Count(_)) => "COUNT".to_string(),
                _ => "VALUE".to_string(),
            };
            bad.push(flag_error(
                "--set",
                format!(
                    "`{}` is required: give --set {}={value}",
                    f.name(),
                    f.name()
                ),
                Some(f.doc().to_string()),
            ));
        }
    }
    bad
}

/// One value of `field` given as `raw` (a flag or an answer), read as a claim file reads it.
pub fn read_one(
    flag: &str,
    field: &str,
    kind: Kind,
    raw: &str,
) -> Result<Value<'static>, Vec<Diagnostic>> {
    let key = field.rsplit('.').next().unwrap_or(field);
    let src = SourceFile::new(
        flag.to_string(),
        format!("{key} = {}\n", literal(kind, raw)),
    );
    let mut sink = Sink::new(&src);
    let value = node::parse_toml(src.text(), &mut sink).and_then(|root| match root.kind {
        node::Kind::Table(entries) => entries
            .into_iter()
            .next()
            .and_then(|(_, n)| claim_file::read_value(&n, field, kind, &mut sink)),
        _ => None,
    });
    match value {
        Some(v) if !sink.has_errors() => Ok(v),
        _ => Err(sink.finish()),
    }
}

/// A problem with a flag, and the one-line source it points into (none when it names no
/// value).
pub type FlagProblem = (Diagnostic, Option<SourceFile>);

/// `--evidence FIELD=VALUE` flags as the ledger's evidence changes (field name to JSON value).
pub fn evidence_changes(
    flags: &[String],
) -> Result<serde_json::Map<String, serde_json::Value>, Vec<FlagProblem>> {
    let names: Vec<&str> = Field::CLAIM
        .iter()
        .filter(|f| f.section() == Section::Evidence)
        .map(|f| f.name().trim_start_matches("evidence."))
        .collect();
    let mut out = serde_json::Map::new();
    let mut bad = Vec::new();
    for s in flags {
        let Some((key, raw)) = split(s) else {
            bad.push((
                flag_error(
                    &format!("--evidence {s}"),
                    format!("`{s}` is not FIELD=VALUE"),
                    Some("for example --evidence our_qc=failed".into()),
                ),
                None,
            ));
            continue;
        };
        let key = key.trim_start_matches("evidence.");
        let Some(f) = claim_field(&format!("evidence.{key}")) else {
            bad.push((
                flag_error(
                    &format!("--evidence {s}"),
                    format!("`--evidence {s}`: `{key}` is not a field of [evidence]"),
                    settle_rules::read::suggest(key, &names)
                        .map(|n| format!("did you mean `{n}`?")),
                ),
                None,
            ));
            continue;
        };
        let kind = f.kind().unwrap_or(Kind::Text);
        match read_one("--evidence", f.name(), kind, raw) {
            Ok(v) => {
                if let Some(j) = claim_file::json_value(v, kind) {
                    out.insert(key.to_string(), j);
                }
            }
            Err(diags) => {
                let src =
                    SourceFile::new("--evidence", format!("{key} = {}\n", literal(kind, raw)));
                for d in diags {
                    bad.push((d, Some(src.clone())));
                }
            }
        }
    }
    if bad.is_empty() { Ok(out) } else { Err(bad) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use settle_engine::schema::Field;

    #[test]
    fn values_are_written_as_the_reader_expects_them() {
        assert_eq!(literal(Kind::Date, "2024-03-04"), "2024-03-04");
        assert_eq!(literal(Kind::Date, "4 March"), "\"4 March\"");
        assert_eq!(literal(Kind::Count(10), "0012"), "12");
        assert_eq!(literal(Kind::Count(10), "0"), "0");
        assert_eq!(literal(Kind::Count(10), "-3"), "\"-3\"");
        assert_eq!(literal(Kind::Bool, "Yes"), "true");
        assert_eq!(literal(Kind::Money, "1,200.50"), "\"1,200.50\"");
        assert_eq!(literal(Kind::Text, "Acme \"A\""), "\"Acme \\\"A\\\"\"");
    }

    #[test]
    fn one_value_is_read_and_checked_by_its_kind() {
        let kind = Field::EvidenceOurQc.kind().expect("a claim field");
        assert!(read_one("--evidence", "evidence.our_qc", kind, "failed").is_ok());
        let e = read_one("--evidence", "evidence.our_qc", kind, "maybe").expect_err("not a name");
        assert_eq!(e.len(), 1);
        assert_eq!((e[0].file.as_str(), e[0].line), ("--evidence", 1));
        assert!(e[0].message.contains("evidence.our_qc"), "{}", e[0].message);
        let money = Field::OrderValue.kind().expect("a claim field");
        assert!(read_one("--set", "order.value", money, "-5").is_err());
        assert!(read_one("--set", "order.value", money, "1200.50").is_ok());
    }

    #[test]
    fn set_flags_become_dotted_toml_and_unknown_fields_are_named() {
        let t = set_flags_toml(&["customer.name=Acme".into(), "order.quantity=12".into()])
            .expect("known fields");
        assert_eq!(t, "customer.name = \"Acme\"\norder.quantity = 12\n");
        let e = set_flags_toml(&["customer.nmae=Acme".into(), "oops".into()]).expect_err("bad");
        assert_eq!(e.len(), 2);
        assert_eq!(e[0].help.as_deref(), Some("did you mean `customer.name`?"));
        let missing = missing_required(&["id=C-1".into(), "currency=USD".into()]);
        assert!(missing.iter().all(|d| d.message.contains("is required")));
        assert!(missing.iter().any(|d| d.message
            == "`customer.relationship` is required: give --set customer.relationship=new|repeat|key"));
        assert!(!missing.iter().any(|d| d.message.starts_with("`id`")));
    }
}
