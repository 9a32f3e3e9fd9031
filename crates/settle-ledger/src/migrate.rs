//! Schema migrations: the SQL of each schema version per backend, embedded in the binary, and
//! applying the missing ones on first use, each in one transaction, recorded in `settle_schema`.

use crate::error::{Error, Result};
use crate::store::{Backend, Conn, Mode, Tx};

/// One step of the schema.
struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// Every migration, oldest first; versions count from 1 without gaps. Never edit one that has
/// shipped: add the next.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "claims, rounds, advice log, events",
        sqlite: include_str!("../migrations/sqlite/0001_claims.sql"),
        postgres: include_str!("../migrations/postgres/0001_claims.sql"),
    },
    Migration {
        version: 2,
        name: "the day a claim was acknowledged",
        sqlite: include_str!("../migrations/sqlite/0002_acknowledged.sql"),
        postgres: include_str!("../migrations/postgres/0002_acknowledged.sql"),
    },
    Migration {
        version: 3,
        name: "users, sessions and approvals of the web desk",
        sqlite: include_str!("../migrations/sqlite/0003_team.sql"),
        postgres: include_str!("../migrations/postgres/0003_team.sql"),
    },
];

/// The newest schema version this build knows.
pub const SCHEMA_VERSION: i64 = 3;

const SCHEMA_TABLE_SQLITE: &str = "CREATE TABLE IF NOT EXISTS settle_schema (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    applied_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
)";

const SCHEMA_TABLE_POSTGRES: &str = "CREATE TABLE IF NOT EXISTS settle_schema (
    version    BIGINT      NOT NULL PRIMARY KEY,
    name       TEXT        NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
)";

/// Brings the schema up to [`SCHEMA_VERSION`], one migration per transaction, and returns the
/// version. A database at a newer version is refused and left untouched.
pub(crate) fn migrate(conn: &mut Conn) -> Result<i64> {
    loop {
        let step = conn.transact(Mode::Write, |tx| {
            tx.lock_migrations()?;
            tx.batch(match tx.backend() {
                Backend::Sqlite => SCHEMA_TABLE_SQLITE,
                Backend::Postgres => SCHEMA_TABLE_POSTGRES,
            })?;
            let current = current_version(tx)?;
            if current > SCHEMA_VERSION {
                return Err(Error::SchemaTooNew {
                    found: current,
                    known: SCHEMA_VERSION,
                });
            }
            let Some(next) = MIGRATIONS.iter().find(|m| m.version == current + 1) else {
                return Ok(Some(current));
            };
            tx.batch(match tx.backend() {
                Backend::Sqlite => next.sqlite,
                Backend::Postgres => next.postgres,
            })?;
            tx.exec(
                "INSERT INTO settle_schema (version, name) VALUES ($1, $2)",
                &[next.version.into(), next.name.into()],
            )?;
            Ok(None)
        })?;
        if let Some(v) = step {
            return Ok(v);
        }
    }
}

/// The schema version recorded in the database (0 for a new one).
pub(crate) fn current_version(tx: &mut dyn Tx) -> Result<i64> {
    let rows = tx.query("SELECT COALESCE(MAX(version), 0) FROM settle_schema", &[])?;
    match rows.first() {
        Some(r) => r.int(0),
        None => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_count_from_one_without_gaps() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
        }
        assert_eq!(MIGRATIONS.last().map(|m| m.version), Some(SCHEMA_VERSION));
    }
}
