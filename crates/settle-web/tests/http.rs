//! The web desk's HTTP layer: one list of tests run against SQLite and against PostgreSQL,
//! through the real router (`tower::ServiceExt::oneshot`). The PostgreSQL half runs when
//! `SETTLE_TEST_POSTGRES` names a server (`crates/settle-ledger/ci-postgres.sh` starts one) and
//! is reported as NOT RUN otherwise.

/// This file has its own `main` (libtest-mimic). Built by libtest's harness instead (a target
/// without `harness = false`), that main would never run and the target would pass with no
/// test; then this one runs, and fails. Without the harness it is not compiled.
#[test]
fn needs_harness_false() {
    panic!("this test target needs `harness = false` in its Cargo.toml: it has its own main");
}

#[path = "http/cases.rs"]
mod cases;
#[path = "http/support.rs"]
mod support;

use libtest_mimic::{Arguments, Completion, Trial};
use std::process::ExitCode;

fn main() -> ExitCode {
    let args = Arguments::from_args();
    let postgres = settle_ledger::testing::postgres_url();
    let mut trials = Vec::new();
    for &(name, test) in cases::ALL {
        trials.push(Trial::test(format!("sqlite::{name}"), move || {
            test(&support::Db::sqlite()?)
        }));
        let url = postgres.clone();
        trials.push(Trial::ignorable_test(
            format!("postgres::{name}"),
            move || match url {
                None => Ok(Completion::ignored_with(
                    "NOT RUN: SETTLE_TEST_POSTGRES is not set",
                )),
                Some(url) => {
                    test(&support::Db::postgres(&url, name)?).map(|()| Completion::Completed)
                }
            },
        ));
    }
    let banner = postgres.is_none().then(|| {
        format!(
            "postgres: {} web tests NOT RUN: SETTLE_TEST_POSTGRES is not set \
             (see crates/settle-ledger/ci-postgres.sh)",
            cases::ALL.len()
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
