//! The ledger's test suite: one list of tests, run against SQLite and against PostgreSQL.
//!
//! PostgreSQL tests run when `SETTLE_TEST_POSTGRES` holds a server URL (each test in a fresh
//! schema of that database); without it they are listed as ignored and a banner says that they
//! did not run. With `SETTLE_LEDGER_WRITER` set, this binary is instead the writer process of
//! the kill test (see `writer.rs`).

/// This file has its own `main` (libtest-mimic). Built by libtest's harness instead (a target
/// without `harness = false`), that main would never run and the target would pass with no
/// test; then this one runs, and fails. Without the harness it is not compiled.
#[test]
fn needs_harness_false() {
    panic!("this test target needs `harness = false` in its Cargo.toml: it has its own main");
}

#[path = "ledger/cases.rs"]
mod cases;
#[path = "ledger/fixture.rs"]
mod fixture;
#[path = "ledger/writer.rs"]
mod writer;

use libtest_mimic::{Arguments, Completion, Failed, Trial};
use std::process::ExitCode;

fn main() -> ExitCode {
    if let Some(code) = writer::run_if_asked() {
        return code;
    }
    let args = Arguments::from_args();
    let postgres = fixture::postgres_url();
    let mut trials = Vec::new();
    for &(name, test) in cases::ALL {
        trials.push(Trial::test(format!("sqlite::{name}"), move || {
            run(test, fixture::Db::sqlite()?)
        }));
        let url = postgres.clone();
        trials.push(Trial::ignorable_test(
            format!("postgres::{name}"),
            move || match url {
                None => Ok(Completion::ignored_with(
                    "NOT RUN: SETTLE_TEST_POSTGRES is not set",
                )),
                Some(url) => {
                    run(test, fixture::Db::postgres(&url, name)?).map(|()| Completion::Completed)
                }
            },
        ));
    }
    let banner = match &postgres {
        None => Some(format!(
            "postgres: {} tests NOT RUN: SETTLE_TEST_POSTGRES is not set \
             (see crates/settle-ledger/ci-postgres.sh)",
            cases::ALL.len()
        )),
        Some(_) => None,
    };
    if let Some(b) = &banner {
        eprintln!("{b}");
    }
    let conclusion = libtest_mimic::run(&args, trials);
    if let Some(b) = &banner {
        eprintln!("{b}");
    }
    conclusion.exit_code()
}

fn run(test: cases::Test, db: fixture::Db) -> Result<(), Failed> {
    test(&db)
}
