//! Measures the rep's desk as the rep meets it, through the `settle` binary: `claim list` on a
//! ledger of COUNT open claims, and `claim record` followed by `claim next` on ROUNDS claims
//! (median and 99th percentile of each process's wall time, start-up and rule loading included).
//!
//! ```sh
//! cargo build --release -p settle-cli
//! cargo run --release -p settle-cli --example desk_latency -- TARGET [COUNT] [ROUNDS]
//! ```
//!
//! TARGET is a SQLite file or a postgres:// URL (an empty database: the claims are entered
//! once and kept). The binary measured is `target/release/settle` beside this example.

use settle_ledger::{Filter, Ledger, Target};
use settle_rules::{Format, SourceFile, parse_claim};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

fn settle() -> PathBuf {
    // target/release/examples/desk_latency -> target/release/settle
    let me = std::env::current_exe().expect("the example's path");
    me.parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("settle"))
        .expect("target folder")
}

fn run(db: &str, args: &[&str]) -> f64 {
    let t = Instant::now();
    let out = Command::new(settle())
        .args(args)
        .env("SETTLE_DB", db)
        .env("SETTLE_USER", "bench")
        .env("SETTLE_NOW", "2024-10-20T09:00:00Z")
        .output()
        .expect("run settle");
    let ms = t.elapsed().as_secs_f64() * 1e3;
    assert!(
        out.status.success(),
        "settle {}: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    ms
}

fn summary(label: &str, mut v: Vec<f64>) {
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() as f64 - 1.0) * q).round() as usize];
    println!(
        "{label}: median {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} runs)",
        at(0.5),
        at(0.99),
        at(1.0),
        v.len()
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let db = args
        .next()
        .ok_or("usage: desk_latency TARGET [COUNT] [ROUNDS]")?;
    let count: usize = args
        .next()
        .map(|c| c.parse())
        .transpose()?
        .unwrap_or(10_000);
    let rounds: usize = args.next().map(|c| c.parse()).transpose()?.unwrap_or(200);
    let target = Target::parse(&db)?;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/claims/tiles-transit-damage.toml"
    );
    let template = parse_claim(
        &SourceFile::new(path, std::fs::read_to_string(path)?),
        Format::Toml,
    )
    .map_err(|d| d[0].short())?;
    let mut ledger = Ledger::open(&target)?;
    let have = ledger.list(Filter::All, None)?.len();
    let now = time::OffsetDateTime::UNIX_EPOCH + time::Duration::days(19_800);
    let t = Instant::now();
    for i in have..count {
        let mut c = template.clone();
        c.id = format!("DESK-{i:06}");
        ledger.create_claim(&c, "bench", now)?;
    }
    if count > have {
        println!(
            "entered {} claims in {:.1} s",
            count - have,
            t.elapsed().as_secs_f64()
        );
    }
    drop(ledger);
    summary(
        &format!("claim list, {count} open claims"),
        (0..10).map(|_| run(&db, &["claim", "list"])).collect(),
    );
    let (mut record, mut next, mut both) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..rounds.min(count) {
        let id = format!("DESK-{i:06}");
        let amount = format!("{}", 100 + i);
        let r = run(
            &db,
            &[
                "claim",
                "record",
                &id,
                "propose",
                "--by",
                "seller",
                "--remedy",
                "refund",
                "--amount",
                &amount,
                "--on",
                "2024-10-20",
            ],
        );
        let n = run(&db, &["claim", "next", &id, "--as-of", "2024-10-20"]);
        record.push(r);
        next.push(n);
        both.push(r + n);
    }
    summary("claim record", record);
    summary("claim next", next);
    summary("claim record + claim next", both);
    Ok(())
}
