//! A fresh, empty ledger location per test: a SQLite file in a temporary folder, or a new
//! schema in the PostgreSQL database named by `SETTLE_TEST_POSTGRES` (dropped afterwards), so
//! that tests run in parallel without seeing each other's claims.

use settle_engine::Claim;
use settle_ledger::testing::Scratch;
use settle_ledger::{Ledger, Target};
use settle_rules::{Format, SourceFile, parse_claim};
use std::path::{Path, PathBuf};
use time::{Date, Month, OffsetDateTime};

pub use settle_ledger::testing::postgres_url;

/// One test's ledger location, removed when dropped (`settle_ledger::testing::Scratch`), with
/// the ways the tests reach into it.
pub struct Db(Scratch);

impl std::ops::Deref for Db {
    type Target = Scratch;
    fn deref(&self) -> &Scratch {
        &self.0
    }
}

impl Db {
    /// A SQLite file that does not exist yet, in a new temporary folder.
    pub fn sqlite() -> Result<Db, String> {
        Scratch::sqlite().map(Db)
    }

    /// A new, empty schema in the database at `url`, and a URL whose connections use it.
    pub fn postgres(url: &str, test: &str) -> Result<Db, String> {
        Scratch::postgres(url, "t", test).map(Db)
    }

    /// Opens the ledger (applying migrations on first use).
    pub fn open(&self) -> Ledger {
        match Ledger::open(&self.target) {
            Ok(l) => l,
            Err(e) => panic!("opening {}: {e}", self.target),
        }
    }

    /// Runs SQL on the database directly, bypassing the ledger (to tamper with it in tests).
    pub fn raw(&self, sql: &str) {
        match &self.target {
            Target::Sqlite(path) => {
                let c = rusqlite::Connection::open(path).expect("open sqlite");
                c.execute_batch(sql).expect("raw sqlite");
            }
            Target::Postgres(url) => {
                let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                c.batch_execute(sql).expect("raw postgres");
            }
        }
    }

    /// A query with one integer result, run directly on the database.
    pub fn raw_int(&self, sql: &str) -> i64 {
        match &self.target {
            Target::Sqlite(path) => {
                let c = rusqlite::Connection::open(path).expect("open sqlite");
                c.query_row(sql, [], |r| r.get(0)).expect("raw sqlite")
            }
            Target::Postgres(url) => {
                let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                c.query_one(sql, &[]).expect("raw postgres").get(0)
            }
        }
    }

    /// A query with one text result, run directly on the database.
    pub fn raw_text(&self, sql: &str) -> String {
        match &self.target {
            Target::Sqlite(path) => {
                let c = rusqlite::Connection::open(path).expect("open sqlite");
                c.query_row(sql, [], |r| r.get(0)).expect("raw sqlite")
            }
            Target::Postgres(url) => {
                let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                c.query_one(sql, &[]).expect("raw postgres").get(0)
            }
        }
    }
}

/// The workspace's example claims folder.
pub fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/claims")
}

/// Reads a claim file.
pub fn read_claim(path: &Path) -> Claim {
    let text = std::fs::read_to_string(path).expect("read claim file");
    let name = path.display().to_string();
    let format = Format::of_path(&name);
    match parse_claim(&SourceFile::new(name, text), format) {
        Ok(c) => c,
        Err(d) => panic!("{}: {}", path.display(), d[0].short()),
    }
}

/// Every example claim, by file name.
pub fn examples() -> Vec<Claim> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(examples_dir())
        .expect("examples folder")
        .map(|e| e.expect("entry").path())
        .collect();
    paths.sort();
    paths.iter().map(|p| read_claim(p)).collect()
}

/// The seed-001 example: three rounds, the buyer's proposal standing.
pub fn trial_claim() -> Claim {
    read_claim(&examples_dir().join("trial-order-failures.toml"))
}

/// A calendar date.
pub fn day(y: i32, m: u8, d: u8) -> Date {
    Date::from_calendar_date(y, Month::try_from(m).expect("month"), d).expect("date")
}

/// A fixed moment, `minutes` after 2024-03-04 09:00 UTC: tests never read the clock.
pub fn at(minutes: i64) -> OffsetDateTime {
    day(2024, 3, 4)
        .with_hms(9, 0, 0)
        .expect("time")
        .assume_utc()
        + time::Duration::minutes(minutes)
}
