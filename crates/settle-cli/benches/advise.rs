//! `settle advise` speed: the model alone (rules applied, options priced, tree rolled back) on
//! each example claim, and the whole CLI run (process start, rules and claim loaded, JSON out).
//! Results are recorded in docs/performance.md.

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;

fn examples() -> Vec<(String, settle_engine::Claim)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/claims");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let name = p.file_stem().unwrap().to_string_lossy().into_owned();
            let src = settle_rules::SourceFile::new(
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            );
            let claim =
                settle_rules::parse_claim(&src, settle_rules::Format::of_path(src.name())).unwrap();
            (name, claim)
        })
        .collect()
}

fn model(c: &mut Criterion) {
    let playbook = settle_rules::defaults::load_default().unwrap();
    let claims = examples();
    let mut g = c.benchmark_group("model");
    for (name, claim) in &claims {
        g.bench_function(name.as_str(), |b| {
            b.iter(|| settle_engine::advise(black_box(&playbook), black_box(claim)).unwrap())
        });
    }
    g.bench_function("all-examples", |b| {
        b.iter(|| {
            for (_, claim) in &claims {
                black_box(settle_engine::advise(&playbook, claim).unwrap());
            }
        })
    });
    g.finish();
}

/// How the rollback scales with the tree's depth: one claim, `tree.rounds` from 1 to 6.
fn depth(c: &mut Criterion) {
    let base = settle_rules::defaults::load_default().unwrap();
    let claim = examples()
        .into_iter()
        .find(|(n, _)| n == "waybill-wrong-port")
        .unwrap()
        .1;
    let mut g = c.benchmark_group("rounds");
    for n in 1..=6u32 {
        let mut parts = base.clone().into_parts();
        parts.tree.rounds = n;
        let p = settle_engine::Playbook::new(parts).unwrap();
        g.bench_function(format!("{n}"), |b| {
            b.iter(|| settle_engine::advise(black_box(&p), black_box(&claim)).unwrap())
        });
    }
    g.finish();
}

fn loading(c: &mut Criterion) {
    let mut g = c.benchmark_group("load");
    g.bench_function("default-rules", |b| {
        b.iter(|| settle_rules::defaults::load_default().unwrap())
    });
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/claims/trial-order-failures.toml");
    let src = settle_rules::SourceFile::new("trial.toml", std::fs::read_to_string(path).unwrap());
    g.bench_function("claim-toml", |b| {
        b.iter(|| settle_rules::parse_claim(black_box(&src), settle_rules::Format::Toml).unwrap())
    });
    g.finish();
}

/// The replay's per-claim path: one JSON line parsed, then advised under two rule sets.
fn replay_claim(c: &mut Criterion) {
    let base = settle_rules::defaults::load_default().unwrap();
    let lean_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/lean");
    let lean =
        settle_rules::ruleset::load(settle_rules::defaults::read_dir(&lean_dir).unwrap()).unwrap();
    let mut generator = settle_replay::generate::Generator::new(1);
    let lines: Vec<settle_replay::history::RawRecord> = (0..1000)
        .map(|i| settle_replay::history::RawRecord::Json {
            line: i,
            text: settle_replay::history::to_jsonl(&generator.claim()),
        })
        .collect();
    let mut g = c.benchmark_group("replay");
    g.bench_function("parse-and-advise-twice/1000-claims", |b| {
        b.iter(|| {
            for raw in &lines {
                black_box(settle_replay::replay::evaluate(raw, &base, &lean));
            }
        })
    });
    g.bench_function("parse/1000-claims", |b| {
        b.iter(|| {
            for raw in &lines {
                black_box(settle_replay::history::parse(raw).unwrap());
            }
        })
    });
    g.finish();
}

fn cli(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut g = c.benchmark_group("cli");
    g.sample_size(30);
    g.bench_function("advise-json", |b| {
        b.iter(|| {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_settle"))
                .args([
                    "advise",
                    "examples/claims/trial-order-failures.toml",
                    "--format",
                    "json",
                ])
                .current_dir(&root)
                .output()
                .unwrap();
            assert!(out.status.success());
        })
    });
    g.finish();
}

criterion_group!(benches, model, depth, loading, replay_claim, cli);
criterion_main!(benches);
