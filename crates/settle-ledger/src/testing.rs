//! Throwaway ledgers for tests (feature `testing`): a SQLite file in a new temporary folder, or
//! a fresh schema in the PostgreSQL database that `SETTLE_TEST_POSTGRES` names, dropped when
//! the [`Scratch`] is. The ledger's, the desk's and the web desk's suites share it.

use crate::Target;
use std::sync::atomic::{AtomicU32, Ordering};

/// The variable that names the PostgreSQL server for the tests.
pub const POSTGRES_VAR: &str = "SETTLE_TEST_POSTGRES";

/// The PostgreSQL URL to test against, if one is set.
pub fn postgres_url() -> Option<String> {
    std::env::var(POSTGRES_VAR)
        .ok()
        .filter(|s| !s.trim().is_empty())
}

/// One test's ledger location, removed when dropped.
pub struct Scratch {
    /// Where the ledger lives.
    pub target: Target,
    /// As `--db` and `SETTLE_DB` take it: the SQLite file's path, or the PostgreSQL URL.
    pub db: String,
    _dir: Option<tempfile::TempDir>,
    schema: Option<(String, String)>,
}

static SCHEMAS: AtomicU32 = AtomicU32::new(0);

impl Scratch {
    /// A SQLite file that does not exist yet, in a new temporary folder.
    pub fn sqlite() -> Result<Scratch, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("temporary folder: {e}"))?;
        let path = dir.path().join("ledger.db");
        Ok(Scratch {
            db: path.display().to_string(),
            target: Target::Sqlite(path),
            _dir: Some(dir),
            schema: None,
        })
    }

    /// A new, empty schema (named after `prefix` and `test`) in the database at `url`, and a
    /// URL whose connections use it.
    pub fn postgres(url: &str, prefix: &str, test: &str) -> Result<Scratch, String> {
        let schema = format!(
            "{prefix}_{}_{}_{}",
            test.chars().take(30).collect::<String>(),
            std::process::id(),
            SCHEMAS.fetch_add(1, Ordering::Relaxed)
        );
        let mut admin = postgres::Client::connect(url, postgres::NoTls)
            .map_err(|e| format!("cannot connect to {POSTGRES_VAR}: {e}"))?;
        admin
            .batch_execute(&format!(
                "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
            ))
            .map_err(|e| format!("creating schema {schema}: {e}"))?;
        let sep = if url.contains('?') { '&' } else { '?' };
        let with_schema = format!("{url}{sep}options=-c%20search_path%3D{schema}");
        Ok(Scratch {
            db: with_schema.clone(),
            target: Target::Postgres(with_schema),
            _dir: None,
            schema: Some((url.to_string(), schema)),
        })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Some((url, schema)) = &self.schema
            && let Ok(mut c) = postgres::Client::connect(url, postgres::NoTls)
        {
            let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
        }
    }
}
