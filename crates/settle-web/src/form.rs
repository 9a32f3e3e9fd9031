//! Posted forms: reading an `application/x-www-form-urlencoded` body (anything else is refused
//! with a clear message), and the new-claim form, driven by the claim schema
//! (`settle_engine::schema`) as `settle claim new` is: the same fields in the same sections, each
//! answer written as a line of a claim file and read by the claim-file reader, so a bad value is
//! the same diagnostic as in `claim check`, shown beside its field.

use crate::WebError;
use axum::http::{HeaderMap, StatusCode, header};
use serde::Serialize;
use settle_engine::schema::{Field, Kind, Presence, Section};
use settle_view::l10n::{Lang, Messages};
use time::Date;

/// A posted form's fields, in order.
#[derive(Debug, Default)]
pub struct FormData(Vec<(String, String)>);

impl FormData {
    /// Reads a form body; a body that is not a form is refused (415), an unreadable one 400.
    pub fn read(headers: &HeaderMap, body: &[u8]) -> Result<FormData, WebError> {
        let ct = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let mime = ct.split(';').next().unwrap_or("").trim();
        if !mime.eq_ignore_ascii_case("application/x-www-form-urlencoded") {
            return Err(WebError::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "this address takes a form (application/x-www-form-urlencoded); nothing was written",
            ));
        }
        if std::str::from_utf8(body).is_err() {
            return Err(WebError::new(
                StatusCode::BAD_REQUEST,
                "the form is not UTF-8 text; nothing was written",
            ));
        }
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .map(FormData)
            .map_err(|e| {
                WebError::new(
                    StatusCode::BAD_REQUEST,
                    format!("the form could not be read ({e}); nothing was written"),
                )
            })
    }

    /// The first value of a field.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// A field's value, trimmed; `None` when absent or empty.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).map(str::trim).filter(|v| !v.is_empty())
    }
}

/// One input of the new-claim form.
#[derive(Debug, Clone, Serialize)]
pub struct Input {
    /// The claim field, e.g. `order.paid` (also the input's name).
    pub name: &'static str,
    /// The HTML id.
    pub id: String,
    /// What it means, in the rep's language.
    pub help: String,
    /// `text`, `date`, `money`, `count`, `select` or `checkbox`.
    pub kind: &'static str,
    /// The choices of a select (an empty first one when the field is optional).
    pub choices: Vec<&'static str>,
    /// Whether it must be given.
    pub required: bool,
    /// The value shown.
    pub value: String,
    /// The problem with the value posted, beside the field.
    pub error: Option<String>,
}

/// A section of the form.
#[derive(Debug, Clone, Serialize)]
pub struct Group {
    /// Its heading, in the rep's language.
    pub title: String,
    /// Its inputs.
    pub inputs: Vec<Input>,
}

fn section_id(s: Section) -> &'static str {
    match s {
        Section::Top => "top",
        Section::Customer => "customer",
        Section::Order => "order",
        Section::Problem => "problem",
        Section::Evidence => "evidence",
        Section::Ask => "ask",
    }
}

/// What a field means in the rep's language (the schema's line in English).
fn meaning(f: Field, m: &Messages) -> String {
    if m.lang() == Lang::En {
        return f.doc().to_string();
    }
    let id = format!("field-{}", f.name().replace('.', "-"));
    let t = m.text(&id);
    if t == id { f.doc().to_string() } else { t }
}

/// The fields the form asks, as `claim new` does: every claim field but the decision date.
fn asked() -> impl Iterator<Item = Field> {
    Field::CLAIM.iter().copied().filter(|f| *f != Field::AsOf)
}

fn default_value(f: Field, today: Date) -> String {
    match f {
        Field::Received => today.to_string(),
        Field::Currency => "USD".into(),
        Field::CustomerAnnualPurchases | Field::CustomerYears | Field::CustomerPastClaims => {
            "0".into()
        }
        Field::OrderStage => "delivered".into(),
        Field::EvidenceInspection | Field::EvidenceExpertOpinion => "none".into(),
        Field::EvidenceOurQc => "passed".into(),
        _ => String::new(),
    }
}

/// The new-claim form: empty (with the defaults `claim new` offers), or as posted with each
/// field's problem beside it.
pub fn claim_form(
    m: &Messages,
    today: Date,
    posted: Option<&FormData>,
    errors: &[(String, String)],
) -> Vec<Group> {
    let mut groups = Vec::new();
    for &section in Section::ALL {
        let mut inputs = Vec::new();
        for f in asked().filter(|f| f.section() == section) {
            let Some(kind) = f.kind() else { continue };
            let required = matches!(f.presence(), Presence::Required);
            let (kind_name, choices): (&'static str, Vec<&'static str>) = match kind {
                Kind::Vocab(names) => ("select", names.to_vec()),
                Kind::Incoterm => ("select", settle_engine::claim::Incoterm::NAMES.to_vec()),
                Kind::Bool => ("checkbox", Vec::new()),
                Kind::Date => ("date", Vec::new()),
                Kind::Money => ("money", Vec::new()),
                Kind::Count(_) => ("count", Vec::new()),
                Kind::Text | Kind::Currency => ("text", Vec::new()),
            };
            let choices = if kind_name == "select" && !required {
                std::iter::once("").chain(choices).collect()
            } else {
                choices
            };
            let value = match posted {
                Some(p) if kind == Kind::Bool => if p.get(f.name()).is_some() {
                    "true"
                } else {
                    ""
                }
                .to_string(),
                Some(p) => p.get(f.name()).unwrap_or("").to_string(),
                None => default_value(f, today),
            };
            inputs.push(Input {
                name: f.name(),
                id: format!("f-{}", f.name().replace('.', "-")),
                help: meaning(f, m),
                kind: kind_name,
                choices,
                required,
                value,
                error: errors
                    .iter()
                    .find(|(field, _)| field == f.name())
                    .map(|(_, e)| e.clone()),
            });
        }
        groups.push(Group {
            title: m.text(&format!("prompt-section-{}", section_id(section))),
            inputs,
        });
    }
    groups
}

/// A posted value as a TOML literal of its kind: dates, counts and booleans bare when they read
/// as one, everything else a quoted string (so the reader names the fault).
fn literal(kind: Kind, raw: &str) -> String {
    let quoted = || serde_json::to_string(raw).unwrap_or_else(|_| "\"\"".into());
    let t = raw.trim();
    match kind {
        Kind::Date if settle_rules::read::iso_date(t).is_some() => t.to_string(),
        Kind::Count(_)
            if !t.is_empty() && t.len() < 19 && t.bytes().all(|b| b.is_ascii_digit()) =>
        {
            t.parse::<u64>()
                .map_or_else(|_| quoted(), |n| n.to_string())
        }
        Kind::Bool => match t.to_ascii_lowercase().as_str() {
            "" | "false" | "no" => "false".to_string(),
            "true" | "yes" | "on" => "true".to_string(),
            _ => quoted(),
        },
        _ => serde_json::to_string(t).unwrap_or_else(|_| quoted()),
    }
}

/// The posted form as a claim file (TOML): each given field, in schema order; checkboxes
/// unticked are `false`.
pub fn claim_toml(form: &FormData) -> String {
    let mut out = String::new();
    for &section in Section::ALL {
        if section != Section::Top {
            out.push_str(&format!("\n[{}]\n", section.key()));
        }
        for f in asked().filter(|f| f.section() == section) {
            let Some(kind) = f.kind() else { continue };
            let raw = form.get(f.name()).unwrap_or("");
            if kind != Kind::Bool && raw.trim().is_empty() {
                continue;
            }
            if kind == Kind::Bool && raw.is_empty() && !matches!(f.presence(), Presence::Required) {
                continue;
            }
            let key = f.name().rsplit('.').next().unwrap_or(f.name());
            out.push_str(&format!("{key} = {}\n", literal(kind, raw)));
        }
    }
    out
}

/// The claim-file reader's problems as (field, message) pairs; a problem that names no field of
/// the form is under `claim`.
pub fn field_errors(diags: &[settle_rules::Diagnostic]) -> Vec<(String, String)> {
    let names: Vec<&str> = asked().map(|f| f.name()).collect();
    diags
        .iter()
        .filter(|d| d.severity == settle_rules::Severity::Error)
        .map(|d| {
            let field = d
                .field
                .as_deref()
                .filter(|f| names.contains(f))
                .unwrap_or("claim")
                .to_string();
            let message = match &d.help {
                Some(h) => format!("{}: {h}", d.message),
                None => d.message.clone(),
            };
            (field, message)
        })
        .collect()
}

/// The fields of `[evidence]` an evidence round may change (their names without `evidence.`).
pub fn evidence_fields() -> Vec<&'static str> {
    Field::CLAIM
        .iter()
        .filter(|f| f.section() == Section::Evidence)
        .map(|f| f.name().trim_start_matches("evidence."))
        .collect()
}

/// One `[evidence]` change of an evidence round, read as a claim file reads that field: the
/// ledger's change (field name to JSON value), or the reader's message.
pub fn evidence_change(
    field: &str,
    raw: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, String> {
    let key = field.trim_start_matches("evidence.");
    let Some(f) = Field::CLAIM.iter().copied().find(|f| {
        f.section() == Section::Evidence && f.name().trim_start_matches("evidence.") == key
    }) else {
        return Err(format!("`{key}` is not a field of [evidence]"));
    };
    let Some(kind) = f.kind() else {
        return Err(format!("`{key}` is not a field of [evidence]"));
    };
    let src =
        settle_rules::SourceFile::new("the form", format!("{key} = {}\n", literal(kind, raw)));
    let mut sink = settle_rules::diag::Sink::new(&src);
    let value =
        settle_rules::node::parse_toml(src.text(), &mut sink).and_then(|root| match root.kind {
            settle_rules::node::Kind::Table(entries) => {
                entries.into_iter().next().and_then(|(_, n)| {
                    settle_rules::claim_file::read_value(&n, f.name(), kind, &mut sink)
                })
            }
            _ => None,
        });
    match value {
        Some(v) if !sink.has_errors() => {
            let json = settle_rules::claim_file::json_value(v, kind)
                .ok_or_else(|| format!("`{key}`: no value"))?;
            let mut out = serde_json::Map::new();
            out.insert(key.to_string(), json);
            Ok(out)
        }
        _ => Err(sink
            .finish()
            .into_iter()
            .map(|d| d.message)
            .collect::<Vec<_>>()
            .join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn evidence_changes_are_read_as_the_claim_file_reads_them() {
        let ok = evidence_change("our_qc", "failed").expect("a change");
        assert_eq!(ok.get("our_qc"), Some(&serde_json::json!("failed")));
        let ok = evidence_change("evidence.buyer_photos", "yes").expect("a change");
        assert_eq!(ok.get("buyer_photos"), Some(&serde_json::json!(true)));
        assert!(evidence_change("our_qc", "sort of").is_err());
        assert!(evidence_change("buyer_photos", "maybe").is_err());
        assert!(evidence_change("order.value", "1").is_err());
        assert!(evidence_fields().contains(&"our_qc"));
    }

    #[test]
    fn values_become_toml_literals_that_cannot_break_out() {
        assert_eq!(literal(Kind::Date, "2024-03-01"), "2024-03-01");
        assert_eq!(literal(Kind::Date, "March"), "\"March\"");
        assert_eq!(literal(Kind::Count(10), "007"), "7");
        assert_eq!(
            literal(Kind::Count(10), "99999999999999999999"),
            "\"99999999999999999999\""
        );
        assert_eq!(literal(Kind::Bool, "on"), "true");
        assert_eq!(literal(Kind::Bool, "no"), "false");
        assert_eq!(literal(Kind::Bool, "maybe"), "\"maybe\"");
        assert_eq!(
            literal(Kind::Text, "a\"\n[order]\nvalue = 1"),
            "\"a\\\"\\n[order]\\nvalue = 1\""
        );
    }
}
