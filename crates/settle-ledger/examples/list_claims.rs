//! Measures the rep's claim list on a large ledger: fills TARGET with COUNT open claims (once;
//! claims already there are kept), assigns every tenth to `rep.ana`, then times `list`.
//!
//! `cargo run --release -p settle-ledger --example list_claims -- TARGET [COUNT]`

use settle_ledger::{Filter, Ledger, Target};
use settle_rules::{Format, SourceFile, parse_claim};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let target = Target::parse(&args.next().ok_or("usage: list_claims TARGET [COUNT]")?)?;
    let count: usize = args
        .next()
        .map(|c| c.parse())
        .transpose()?
        .unwrap_or(10_000);
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/claims/trial-order-failures.toml"
    );
    let text = std::fs::read_to_string(path)?;
    let template =
        parse_claim(&SourceFile::new(path, text), Format::Toml).map_err(|d| d[0].short())?;
    let now = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(19_800);
    let mut ledger = Ledger::open(&target)?;
    let have = ledger.list(Filter::All, None)?.len();
    let started = Instant::now();
    for i in have..count {
        let mut c = template.clone();
        c.id = format!("BENCH-{i:06}");
        let rec = ledger.create_claim(&c, "bench", now)?;
        if i % 10 == 0 {
            ledger.assign(&c.id, rec.version, Some("rep.ana"), "bench", now)?;
        }
    }
    if count > have {
        let s = started.elapsed().as_secs_f64();
        println!(
            "created {} claims in {s:.1} s ({:.2} ms each)",
            count - have,
            s * 1e3 / (count - have) as f64
        );
    }
    for (label, filter, who) in [
        ("open", Filter::Open, None),
        ("open, rep.ana", Filter::Open, Some("rep.ana")),
        ("all", Filter::All, None),
    ] {
        let mut best = f64::MAX;
        let mut n = 0;
        for _ in 0..5 {
            let t = Instant::now();
            n = ledger.list(filter, who)?.len();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "list {label}: {n} claims in {:.1} ms (best of 5)",
            best * 1e3
        );
    }
    let t = Instant::now();
    let rec = ledger.get("BENCH-000042")?;
    println!(
        "get one claim ({} rounds): {:.2} ms",
        rec.rounds.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    Ok(())
}
