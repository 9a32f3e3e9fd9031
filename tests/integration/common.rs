//! Shared helpers: paths, the binary, loading, and the generator of valid claims.

use proptest::prelude::*;
use rust_decimal::Decimal;
use settle_engine::claim::*;
use settle_engine::schema::Draft;
use settle_engine::{Claim, Playbook};
use settle_rules::SourceFile;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// Runs `settle` from the repository root.
pub fn settle(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_settle"))
        .args(args)
        .current_dir(root())
        // English whatever the machine's locale: the rep's language comes from it.
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANG")
        .output()
        .expect("run settle")
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The built-in default playbook.
pub fn default_playbook() -> Playbook {
    settle_rules::defaults::load_default().expect("the default rules load")
}

/// Reads a file under the repository root as a source named by its relative path.
pub fn source(rel: &str) -> SourceFile {
    let text =
        std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("read {rel}: {e}"));
    SourceFile::new(rel, text)
}

/// Parses a claim file under the repository root.
pub fn claim(rel: &str) -> Claim {
    let s = source(rel);
    settle_rules::parse_claim(&s, settle_rules::Format::of_path(rel))
        .unwrap_or_else(|d| panic!("{rel}: {d:?}"))
}

/// Files in a folder of the repository, sorted, with one of these extensions.
pub fn files(dir: &str, exts: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("read {dir}: {e}"))
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| exts.iter().any(|x| n.ends_with(x)))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    out.sort();
    out
}

/// Property-test settings: `cases` unless `PROPTEST_CASES` says otherwise, and a fixed seed
/// unless `PROPTEST_RNG_SEED` says otherwise, so that CI runs the same cases every time.
pub fn config(cases: u32) -> ProptestConfig {
    let mut c = ProptestConfig::default();
    if std::env::var_os("PROPTEST_CASES").is_none() {
        c.cases = cases;
    }
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        c.rng_seed = proptest::test_runner::RngSeed::Fixed(0x5e771e);
    }
    c
}

fn cents(max_units: i64) -> impl Strategy<Value = Decimal> {
    (0..=max_units * 100).prop_map(|c| Decimal::new(c, 2))
}

fn date_after(start: time::Date, max_days: i64) -> impl Strategy<Value = time::Date> {
    (0..=max_days).prop_map(move |d| start + time::Duration::days(d))
}

fn pick<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(all)
}

prop_compose! {
    fn evidence()(
        b in proptest::collection::vec(any::<bool>(), 14),
        inspection in pick(Inspection::ALL),
        our_qc in pick(QcRecord::ALL),
        expert in pick(ExpertOpinion::ALL),
        sample in pick(SampleMatch::ALL),
        packing in pick(Packing::ALL),
    ) -> Evidence {
        Evidence {
            buyer_photos: b[0], inspection, our_qc, spec_in_contract: b[1], spec_from_buyer: b[2],
            carrier_noted: b[3], misuse_signs: b[4], buyer_changes: b[5], buyer_paid_late: b[6],
            progress_updates: b[7], expert_opinion: expert, sample, packing, loaded_clean: b[8],
            within_tolerance: b[9], buyer_delay: b[10], impediment: b[11], legal_action: b[12],
            fraud_signs: b[13],
        }
    }
}

prop_compose! {
    fn round_list(start: time::Date)(
        steps in proptest::collection::vec((0i64..40, pick(Party::ALL), pick(RoundKind::ALL), pick(Remedy::ALL), cents(50_000), any::<bool>()), 0..6)
    ) -> Vec<Round> {
        // Any kind of round where the negotiation so far allows it, else a proposal.
        let mut on = start;
        let mut rounds: Vec<Round> = Vec::new();
        for (d, by, kind, remedy, amount, note) in steps {
            on += time::Duration::days(d);
            let mut r = Round::answer(on, by, kind);
            let mut with = rounds.clone();
            with.push(r.clone());
            let refs: Vec<(usize, &Round)> = with.iter().enumerate().collect();
            if kind == RoundKind::Propose || !Draft::check_rounds(&refs).is_empty() {
                r = Round::propose(on, by, remedy, amount);
            }
            r.note = note.then(|| "a note with \"quotes\" and é".to_string());
            with.pop();
            with.push(r.clone());
            let refs: Vec<(usize, &Round)> = with.iter().enumerate().collect();
            if Draft::check_rounds(&refs).is_empty() {
                rounds.push(r);
            }
        }
        rounds
    }
}

prop_compose! {
    /// Valid claims across the schema's ranges.
    pub fn valid_claim()(
        id in "[A-Z]{2}-[0-9]{1,6}",
        received in date_after(time::macros::date!(2015-01-01), 4000),
        currency in pick(&["USD", "EUR", "JPY", "KWD", "CNY", "GBP"]),
        relationship in pick(Relationship::ALL),
        annual in cents(2_000_000),
        years in 0u32..30,
        past in 0u32..6,
        value in 1i64..2_000_000,
        paid_pct in 0i64..=100,
        quantity in 1u64..50_000,
        cost_ratio in 10i64..=120,
        stage in pick(Stage::ALL),
        incoterm in proptest::option::of(pick(Incoterm::ALL)),
        (perishable, insurance, claim_days) in (any::<bool>(), pick(Insurance::ALL), proptest::option::of(0u32..400)),
        kind in pick(ProblemKind::ALL),
        category in pick(&["electronics", "furniture", "tools", "hardware", "textiles"]),
        affected_pct in 0u64..=100,
        severity in pick(Severity::ALL),
        flags in (any::<bool>(), any::<bool>()),
        evidence in evidence(),
        ask_remedy in pick(Remedy::ALL),
        ask_pct in 0i64..=250,
        delivered_days_before in proptest::option::of(0i64..900),
        as_of_days in proptest::option::of(0i64..200),
        offsets in round_list(time::macros::date!(2000-01-01)),
    ) -> Claim {
        let value = Decimal::new(value * 100, 2);
        let paid = (value * Decimal::new(paid_pct, 2)).round_dp(2);
        let unit_price = value / Decimal::from(quantity);
        let unit_cost = (unit_price * Decimal::new(cost_ratio, 2)).round_dp(2);
        let affected = quantity * affected_pct / 100;
        let ask = (value * Decimal::new(ask_pct, 2)).round_dp(2);
        // Rounds are generated from a fixed start; move them to begin on `received`.
        let shift = received - time::macros::date!(2000-01-01);
        let rounds: Vec<Round> = offsets.into_iter().map(|mut r| { r.on += shift; r }).collect();
        let last = rounds.last().map_or(received, |r| r.on);
        Claim {
            id,
            received,
            as_of: as_of_days.map(|d| last + time::Duration::days(d)),
            currency: settle_rules::currency::lookup(currency).expect("known currency"),
            customer: Customer { name: "Buyer \"B\" Ltd.".into(), relationship, annual_purchases: annual, years, past_claims: past },
            order: Order {
                number: None,
                value,
                paid,
                quantity,
                unit_cost,
                incoterm,
                stage,
                delivered: delivered_days_before.filter(|_| matches!(stage, Stage::Delivered | Stage::InUse)).map(|d| received - time::Duration::days(d)),
                perishable,
                insurance,
                claim_days,
            },
            problem: Problem { kind, summary: "what went wrong".into(), category: category.into(), affected, severity, repairable: flags.0, still_needed: flags.1 },
            evidence,
            ask: Ask { remedy: ask_remedy, amount: ask },
            rounds,
            outcome: None,
        }
    }
}
