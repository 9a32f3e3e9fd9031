//! The claim schema as documentation: the field tables of docs/claim-format.md and
//! docs/rule-format.md, generated from `settle_engine::schema` (a test holds the documents to
//! them; `SETTLE_BLESS=1` rewrites them).

use settle_engine::schema::{
    Field, FieldStage, FieldType, Kind, OutcomeField, Presence, RoundField, Section,
};
use std::fmt::Write;

fn given(p: Presence) -> String {
    match p {
        Presence::Required => "required".to_string(),
        Presence::Optional => "optional".to_string(),
        Presence::Default(_, d) => format!("default: {d}"),
    }
}

fn kind_text(k: Kind) -> String {
    match k {
        Kind::Vocab(names) => names
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", "),
        Kind::Incoterm => "an Incoterms 2020 rule".to_string(),
        Kind::Count(_) => "integer".to_string(),
        other => other.describe(),
    }
}

fn key(f: Field) -> &'static str {
    let name = f.name();
    name.rsplit_once('.').map_or(name, |(_, k)| k)
}

/// The claim file's fields, one table per section, then `[[round]]` and `[outcome]`.
pub fn claim_fields_markdown() -> String {
    let mut s = String::new();
    for &section in Section::ALL {
        let title = match section {
            Section::Top => "#### The claim".to_string(),
            other => format!("#### `[{}]`", other.key()),
        };
        let _ = writeln!(s, "{title}\n");
        let _ = writeln!(s, "| field | type | given | meaning |\n|---|---|---|---|");
        for &f in Field::CLAIM.iter().filter(|f| f.section() == section) {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} | {} |",
                key(f),
                f.kind().map_or(String::new(), kind_text),
                given(f.presence()),
                f.doc()
            );
        }
        let _ = writeln!(s);
    }
    let _ = writeln!(
        s,
        "#### `[[round]]`: the negotiation so far, oldest first\n"
    );
    let _ = writeln!(s, "| field | type | given | meaning |\n|---|---|---|---|");
    for &f in RoundField::ALL {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} |",
            f.key(),
            kind_text(f.kind()),
            given(f.presence()),
            f.doc()
        );
    }
    let _ = writeln!(s, "\n#### `[outcome]`, histories only\n");
    let _ = writeln!(s, "| field | type | given | meaning |\n|---|---|---|---|");
    for &f in OutcomeField::ALL {
        let _ = writeln!(
            s,
            "| `{}` | {} | {} | {} |",
            f.key(),
            kind_text(f.kind()),
            given(f.presence()),
            f.doc()
        );
    }
    s
}

fn type_text(t: FieldType) -> String {
    match t {
        FieldType::Bool => "bool".into(),
        FieldType::Enum(names) => format!(
            "one of {}",
            names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        FieldType::Int => "whole number".into(),
        FieldType::Money => "money".into(),
        FieldType::Ratio => "number".into(),
        FieldType::Text => "text".into(),
    }
}

/// The facts a rule condition may read: the claim's own, the derived ones, and those the
/// responsibility table sets.
pub fn rule_fields_markdown() -> String {
    let mut s = String::new();
    let table = |s: &mut String, title: &str, pick: &dyn Fn(Field) -> bool| {
        let _ = writeln!(s, "{title}\n\n| field | type | meaning |\n|---|---|---|");
        for &f in Field::ALL.iter().filter(|f| pick(**f)) {
            let _ = writeln!(
                s,
                "| `{}` | {} | {} |",
                f.name(),
                type_text(f.ty()),
                f.doc()
            );
        }
        let _ = writeln!(s);
    };
    table(&mut s, "#### The claim's fields", &|f| {
        f.kind().is_some() && f.stage() == FieldStage::Claim
    });
    table(&mut s, "#### Derived from the claim", &|f| {
        f.kind().is_none() && f.stage() == FieldStage::Claim
    });
    table(
        &mut s,
        "#### Set by the responsibility table (not in `[responsibility]` itself)",
        &|f| f.stage() == FieldStage::Responsibility,
    );
    let hidden: Vec<String> = Field::ALL
        .iter()
        .filter(|f| f.stage() == FieldStage::File)
        .map(|f| format!("`{}`", f.name()))
        .collect();
    let _ = writeln!(
        s,
        "Fields that name one particular claim ({}) cannot be tested: a rule states a general practice or a point of law, never a case.",
        hidden.join(", ")
    );
    s
}
