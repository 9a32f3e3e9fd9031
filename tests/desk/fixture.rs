//! One test's desk: a ledger of its own (a SQLite file in a temporary folder, or a fresh schema
//! in the PostgreSQL test database), and `settle` run against it with a fixed clock, a fixed
//! user and no locale, from a scratch folder that links to the repository as `repo`.

use settle_ledger::testing::Scratch;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

pub use settle_ledger::testing::postgres_url;

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("repository root")
}

/// One test's ledger (removed when dropped) and scratch folder.
pub struct Desk {
    /// The ledger; `ledger.db` is its location as `--db` takes it.
    pub ledger: Scratch,
    dir: tempfile::TempDir,
}

/// The fixed clock of every test, unless a test moves it: after every example claim used was
/// received, so that a round recorded "today" can follow them.
pub const NOW: &str = "2024-10-20T09:00:00Z";

impl Desk {
    fn scratch() -> Result<tempfile::TempDir, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temporary folder: {e}"))?;
        std::os::unix::fs::symlink(root(), dir.path().join("repo"))
            .map_err(|e| format!("link the repository: {e}"))?;
        Ok(dir)
    }

    /// A SQLite ledger that does not exist yet.
    pub fn sqlite(_test: &str) -> Result<Desk, String> {
        Ok(Desk {
            ledger: Scratch::sqlite()?,
            dir: Desk::scratch()?,
        })
    }

    /// A new, empty schema in the PostgreSQL database at `url`.
    pub fn postgres(url: &str, test: &str) -> Result<Desk, String> {
        Ok(Desk {
            ledger: Scratch::postgres(url, "d", test)?,
            dir: Desk::scratch()?,
        })
    }

    /// The scratch folder.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// `settle` with these arguments against this test's ledger, at the fixed clock.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_settle"));
        c.args(args)
            .current_dir(self.path())
            .env("SETTLE_DB", &self.ledger.db)
            .env("SETTLE_USER", "ana")
            .env("SETTLE_NOW", NOW)
            .env_remove("LC_ALL")
            .env_remove("LC_MESSAGES")
            .env_remove("LANG")
            .env_remove("NO_COLOR")
            .stdin(Stdio::null());
        c
    }

    /// Runs `settle` with these arguments.
    pub fn run(&self, args: &[&str]) -> Out {
        Out(self.cmd(args).output().expect("run settle"))
    }

    /// Runs `settle` at another moment (`YYYY-MM-DDTHH:MM:SSZ`).
    pub fn run_at(&self, now: &str, args: &[&str]) -> Out {
        Out(self
            .cmd(args)
            .env("SETTLE_NOW", now)
            .output()
            .expect("run settle"))
    }

    /// Runs `settle` and requires exit 0; its standard output.
    pub fn ok(&self, args: &[&str]) -> Result<String, String> {
        let o = self.run(args);
        o.expect(0, args)?;
        Ok(o.stdout())
    }

    /// Enters the example claims named (file stems of `examples/claims/*.toml`).
    pub fn enter(&self, names: &[&str]) -> Result<(), String> {
        for n in names {
            self.ok(&[
                "claim",
                "new",
                "--from",
                &format!("repo/examples/claims/{n}.toml"),
            ])?;
        }
        Ok(())
    }

    /// The claim as `claim show --format json` gives it.
    pub fn show(&self, id: &str) -> Result<serde_json::Value, String> {
        let out = self.ok(&["claim", "show", id, "--format", "json"])?;
        serde_json::from_str(&out).map_err(|e| format!("show {id}: {e}\n{out}"))
    }

    /// The claim's version.
    pub fn version(&self, id: &str) -> Result<u64, String> {
        self.show(id)?["version"]
            .as_u64()
            .ok_or_else(|| format!("{id} has no version"))
    }
}

/// A finished run of `settle`.
pub struct Out(pub Output);

impl Out {
    /// Standard output.
    pub fn stdout(&self) -> String {
        String::from_utf8_lossy(&self.0.stdout).into_owned()
    }

    /// Standard error.
    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.0.stderr).into_owned()
    }

    /// The exit code.
    pub fn code(&self) -> Option<i32> {
        self.0.status.code()
    }

    /// Requires this exit code.
    pub fn expect(&self, code: i32, args: &[&str]) -> Result<(), String> {
        if self.code() == Some(code) {
            Ok(())
        } else {
            Err(format!(
                "settle {}: exit {:?}, expected {code}\nstdout:\n{}\nstderr:\n{}",
                args.join(" "),
                self.code(),
                self.stdout(),
                self.stderr()
            ))
        }
    }

    /// stdout, stderr and the exit code as one text, for a snapshot.
    pub fn whole(&self) -> String {
        format!(
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code(),
            self.stdout(),
            self.stderr()
        )
    }
}

/// A check that fails the test with a message.
pub fn check(cond: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if cond { Ok(()) } else { Err(what()) }
}
