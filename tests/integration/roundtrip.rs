//! Claims survive write-then-read unchanged, in TOML and JSON; invalid ones are rejected
//! with diagnostics and never panic.

use crate::common::valid_claim;
use proptest::prelude::*;
use settle_rules::{Format, SourceFile, parse_claim};

proptest! {
    #![proptest_config(crate::common::config(256))]

    #[test]
    fn valid_claims_round_trip_through_toml(c in valid_claim()) {
        let text = settle_rules::claim_file::to_toml(&c);
        let back = parse_claim(&SourceFile::new("gen.toml", text.clone()), Format::Toml);
        prop_assert_eq!(back.as_ref().map_err(|d| format!("{d:?}\n{text}")), Ok(&c));
    }

    #[test]
    fn valid_claims_round_trip_through_json(c in valid_claim()) {
        let text = serde_json::to_string_pretty(&settle_rules::claim_file::to_json(&c)).unwrap();
        let back = parse_claim(&SourceFile::new("gen.json", text.clone()), Format::Json);
        prop_assert_eq!(back.as_ref().map_err(|d| format!("{d:?}\n{text}")), Ok(&c));
    }

    /// Breaking one invariant of a valid claim gets a diagnostic naming the field.
    #[test]
    fn invalid_claims_are_rejected_with_the_field_named(c in valid_claim(), fault in 0usize..6) {
        let text = settle_rules::claim_file::to_toml(&c);
        let (broken, field) = match fault {
            0 => (text.replacen(&format!("paid = \"{}\"", c.order.paid), &format!("paid = \"{}\"", c.order.value + rust_decimal::Decimal::ONE), 1), "order.paid"),
            1 => (text.replacen(&format!("affected = {}", c.problem.affected), &format!("affected = {}", c.order.quantity + 1), 1), "problem.affected"),
            2 => (text.replacen(&format!("currency = \"{}\"", c.currency.code()), "currency = \"XYZ\"", 1), "currency"),
            3 => (text.replacen(&format!("severity = \"{}\"", c.problem.severity), "severity = \"dreadful\"", 1), "problem.severity"),
            4 => (text.replacen("[evidence]\n", "[evidence]\nsmell = \"bad\"\n", 1), "evidence.smell"),
            _ => (text.replacen(&format!("unit_cost = \"{}\"", c.order.unit_cost), "unit_cost = \"-1.00\"", 1), "order.unit_cost"),
        };
        let diags = parse_claim(&SourceFile::new("bad.toml", broken), Format::Toml).expect_err("rejected");
        prop_assert!(diags.iter().any(|d| d.field.as_deref() == Some(field)), "{:?}", diags);
        prop_assert!(diags.iter().all(|d| d.line >= 1 && d.column >= 1));
    }

    /// Arbitrary text never panics the readers.
    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let _ = parse_claim(&SourceFile::new("x.toml", text.clone()), Format::Toml);
        let _ = parse_claim(&SourceFile::new("x.json", text.clone()), Format::Json);
        let _ = settle_rules::ruleset::load(vec![SourceFile::new("r.toml", text)]);
    }

    /// Valid claims with one line cut out never panic, and are either valid or explained.
    #[test]
    fn truncated_claims_never_panic(c in valid_claim(), cut in any::<prop::sample::Index>()) {
        let text = settle_rules::claim_file::to_toml(&c);
        let lines: Vec<&str> = text.lines().collect();
        let i = cut.index(lines.len());
        let broken: String = lines.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, l)| format!("{l}\n")).collect();
        if let Err(d) = parse_claim(&SourceFile::new("cut.toml", broken), Format::Toml) {
            prop_assert!(!d.is_empty());
        }
    }
}

#[test]
fn the_contract_layout_reads_the_same_in_toml_and_json() {
    for f in crate::common::files("examples/claims", &[".toml"]) {
        let c = crate::common::claim(&f);
        let json = serde_json::to_string(&settle_rules::claim_file::to_json(&c)).unwrap();
        assert_eq!(
            parse_claim(&SourceFile::new("x.json", json), Format::Json).as_ref(),
            Ok(&c),
            "{f}"
        );
    }
}
