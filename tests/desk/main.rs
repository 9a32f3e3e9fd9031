//! The rep's desk end to end: every `settle claim ...` command and `settle history export`
//! through the real `settle` binary, as one list of tests run against a SQLite ledger and
//! against a PostgreSQL one.
//!
//! The PostgreSQL tests run when `SETTLE_TEST_POSTGRES` names a server (each test in a fresh
//! schema of that database, dropped afterwards; `crates/settle-ledger/ci-postgres.sh` starts
//! one); without it they are listed as ignored, and a banner at the start and the end says that
//! they did not run. Both backends compare their output with the same snapshots.

/// This file has its own `main` (libtest-mimic). Built by libtest's harness instead (a target
/// without `harness = false`), that main would never run and the target would pass with no
/// test; then this one runs, and fails. Without the harness it is not compiled.
#[test]
fn needs_harness_false() {
    panic!("this test target needs `harness = false` in its Cargo.toml: it has its own main");
}

mod cases;
mod fixture;

use libtest_mimic::{Arguments, Completion, Trial};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let postgres = fixture::postgres_url();
    let mut trials = Vec::new();
    for &(name, backends, test) in cases::ALL {
        trials.push(Trial::test(format!("sqlite::{name}"), move || {
            test(&fixture::Desk::sqlite(name)?).map_err(Into::into)
        }));
        if backends == cases::Backends::SqliteOnly {
            continue;
        }
        let url = postgres.clone();
        trials.push(Trial::ignorable_test(
            format!("postgres::{name}"),
            move || match url {
                None => Ok(Completion::ignored_with(
                    "NOT RUN: SETTLE_TEST_POSTGRES is not set",
                )),
                Some(url) => test(&fixture::Desk::postgres(&url, name)?)
                    .map(|()| Completion::Completed)
                    .map_err(Into::into),
            },
        ));
    }
    let on_postgres = cases::ALL
        .iter()
        .filter(|c| c.1 == cases::Backends::Both)
        .count();
    let banner = postgres.is_none().then(|| {
        format!(
            "postgres: {on_postgres} desk tests NOT RUN: SETTLE_TEST_POSTGRES is not set \
             (see crates/settle-ledger/ci-postgres.sh)"
        )
    });
    if let Some(b) = &banner {
        eprintln!("{b}");
    }
    let conclusion = libtest_mimic::run(&args, trials);
    if let Some(b) = &banner {
        eprintln!("{b}");
    }
    conclusion.exit_code()
}
