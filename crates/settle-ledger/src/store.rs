//! The two backends behind one small interface: a transaction that runs SQL with text and
//! integer parameters and returns rows of text and integers. Everything above it is written once.
//!
//! SQL is written in PostgreSQL's placeholder style (`$1`, `$2`, ...); for SQLite the `$` is
//! turned into `?`, which SQLite reads as the same numbered parameter.

use crate::error::{Error, Result};
use crate::target::Target;
use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

/// A parameter or a column value. Only the types the ledger's tables use.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    /// An integer (SQLite INTEGER, PostgreSQL BIGINT); `None` is NULL.
    Int(Option<i64>),
    /// Text (SQLite TEXT, PostgreSQL TEXT); `None` is NULL.
    Text(Option<String>),
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(Some(v))
    }
}

impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(Some(v.to_string()))
    }
}

impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(Some(v))
    }
}

impl From<Option<String>> for Value {
    fn from(v: Option<String>) -> Value {
        Value::Text(v)
    }
}

/// One result row.
#[derive(Debug)]
pub(crate) struct Row(Vec<Value>);

impl Row {
    /// Column `i` as text, NULL as `None`.
    pub(crate) fn opt_text(&self, i: usize) -> Result<Option<String>> {
        match self.0.get(i) {
            Some(Value::Text(t)) => Ok(t.clone()),
            Some(Value::Int(None)) => Ok(None),
            other => Err(Error::Corrupt(format!(
                "column {i} should be text, found {other:?}"
            ))),
        }
    }

    /// Column `i` as text, which must not be NULL.
    pub(crate) fn text(&self, i: usize) -> Result<String> {
        self.opt_text(i)?
            .ok_or_else(|| Error::Corrupt(format!("column {i} is NULL")))
    }

    /// Column `i` as an integer, NULL as `None`.
    pub(crate) fn opt_int(&self, i: usize) -> Result<Option<i64>> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Ok(*v),
            Some(Value::Text(None)) => Ok(None),
            other => Err(Error::Corrupt(format!(
                "column {i} should be an integer, found {other:?}"
            ))),
        }
    }

    /// Column `i` as an integer, which must not be NULL.
    pub(crate) fn int(&self, i: usize) -> Result<i64> {
        self.opt_int(i)?
            .ok_or_else(|| Error::Corrupt(format!("column {i} is NULL")))
    }

    /// Column `i` as a count or version: a non-negative integer.
    pub(crate) fn count(&self, i: usize) -> Result<u64> {
        let v = self.int(i)?;
        u64::try_from(v).map_err(|_| Error::Corrupt(format!("column {i} is negative ({v})")))
    }
}

/// One open transaction on either backend.
pub(crate) trait Tx {
    /// Runs a statement; the number of rows it changed.
    fn exec(&mut self, sql: &'static str, params: &[Value]) -> Result<u64>;
    /// Runs a query (or a statement with `RETURNING`); its rows.
    fn query(&mut self, sql: &'static str, params: &[Value]) -> Result<Vec<Row>>;
    /// Runs several statements without parameters (a migration).
    fn batch(&mut self, sql: &str) -> Result<()>;
    /// Serialises migrations between processes opening the same database at once.
    fn lock_migrations(&mut self) -> Result<()>;
    /// Which backend this is, to choose a migration's SQL.
    fn backend(&self) -> Backend;
}

/// The kinds of database the ledger can live in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backend {
    Sqlite,
    Postgres,
}

/// Whether a transaction may write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Read,
    Write,
}

/// An open connection to the ledger's database.
pub(crate) enum Conn {
    Sqlite(rusqlite::Connection),
    Postgres {
        client: Box<postgres::Client>,
        statements: HashMap<&'static str, postgres::Statement>,
    },
}

/// How long a SQLite writer waits for another writer's transaction before giving up.
const SQLITE_BUSY_WAIT: Duration = Duration::from_secs(30);

impl Conn {
    /// Connects to `target`: opens (or creates) the SQLite file, or connects to PostgreSQL.
    pub(crate) fn open(target: &Target) -> Result<Conn> {
        match target {
            Target::Sqlite(path) => {
                let c = rusqlite::Connection::open(path)?;
                c.busy_timeout(SQLITE_BUSY_WAIT)?;
                // WAL lets readers go on while one writer commits; FULL syncs every commit, so
                // a committed operation survives a power cut as well as a killed process.
                let mode: String = c.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
                if !mode.eq_ignore_ascii_case("wal") {
                    return Err(Error::Corrupt(format!(
                        "sqlite refused write-ahead logging (journal mode {mode})"
                    )));
                }
                c.pragma_update(None, "synchronous", "FULL")?;
                c.pragma_update(None, "foreign_keys", "ON")?;
                Ok(Conn::Sqlite(c))
            }
            Target::Postgres(url) => {
                let client = postgres::Client::connect(url, postgres::NoTls)?;
                Ok(Conn::Postgres {
                    client: Box::new(client),
                    statements: HashMap::new(),
                })
            }
        }
    }

    /// Runs `work` in one transaction: committed if it returns `Ok`, rolled back otherwise.
    ///
    /// A SQLite write transaction takes the write lock at its start (`BEGIN IMMEDIATE`), so
    /// its reads and writes see one state. A PostgreSQL write transaction is READ COMMITTED:
    /// each write first bumps the claim's version with a compare-and-set `UPDATE`, which holds
    /// the claim's row lock to the end. A PostgreSQL read is one REPEATABLE READ snapshot.
    pub(crate) fn transact<T>(
        &mut self,
        mode: Mode,
        work: impl FnOnce(&mut dyn Tx) -> Result<T>,
    ) -> Result<T> {
        match self {
            Conn::Sqlite(c) => {
                let behavior = match mode {
                    Mode::Read => rusqlite::TransactionBehavior::Deferred,
                    Mode::Write => rusqlite::TransactionBehavior::Immediate,
                };
                let tx = c.transaction_with_behavior(behavior)?;
                let out = work(&mut SqliteTx(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            Conn::Postgres { client, statements } => {
                let tx = match mode {
                    Mode::Read => client
                        .build_transaction()
                        .isolation_level(postgres::IsolationLevel::RepeatableRead)
                        .read_only(true)
                        .start()?,
                    Mode::Write => client.transaction()?,
                };
                let mut t = PgTx { tx, statements };
                let out = work(&mut t)?;
                t.tx.commit()?;
                Ok(out)
            }
        }
    }
}

struct SqliteTx<'a>(&'a rusqlite::Transaction<'a>);

fn sqlite_sql(sql: &str) -> Cow<'_, str> {
    if sql.contains('$') {
        Cow::Owned(sql.replace('$', "?"))
    } else {
        Cow::Borrowed(sql)
    }
}

fn sqlite_params(params: &[Value]) -> impl Iterator<Item = rusqlite::types::Value> + '_ {
    params.iter().map(|p| match p {
        Value::Int(Some(v)) => rusqlite::types::Value::Integer(*v),
        Value::Text(Some(t)) => rusqlite::types::Value::Text(t.clone()),
        Value::Int(None) | Value::Text(None) => rusqlite::types::Value::Null,
    })
}

impl Tx for SqliteTx<'_> {
    fn exec(&mut self, sql: &'static str, params: &[Value]) -> Result<u64> {
        let mut st = self.0.prepare_cached(&sqlite_sql(sql))?;
        let n = st.execute(rusqlite::params_from_iter(sqlite_params(params)))?;
        Ok(n as u64)
    }

    fn query(&mut self, sql: &'static str, params: &[Value]) -> Result<Vec<Row>> {
        let mut st = self.0.prepare_cached(&sqlite_sql(sql))?;
        let width = st.column_count();
        let mut rows = st.query(rusqlite::params_from_iter(sqlite_params(params)))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut row = Vec::with_capacity(width);
            for i in 0..width {
                use rusqlite::types::ValueRef;
                row.push(match r.get_ref(i)? {
                    ValueRef::Null => Value::Text(None),
                    ValueRef::Integer(v) => Value::Int(Some(v)),
                    ValueRef::Text(t) => Value::Text(Some(
                        String::from_utf8(t.to_vec())
                            .map_err(|_| Error::Corrupt(format!("column {i} is not UTF-8")))?,
                    )),
                    other => {
                        return Err(Error::Corrupt(format!(
                            "column {i} has an unexpected type {:?}",
                            other.data_type()
                        )));
                    }
                });
            }
            out.push(Row(row));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.0.execute_batch(sql)?)
    }

    fn lock_migrations(&mut self) -> Result<()> {
        // BEGIN IMMEDIATE already holds the database's one write lock.
        Ok(())
    }

    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
}

struct PgTx<'a> {
    tx: postgres::Transaction<'a>,
    statements: &'a mut HashMap<&'static str, postgres::Statement>,
}

impl PgTx<'_> {
    fn statement(&mut self, sql: &'static str) -> Result<postgres::Statement> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.tx.prepare(sql)?;
        self.statements.insert(sql, s.clone());
        Ok(s)
    }
}

fn pg_params(params: &[Value]) -> Vec<&(dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| match p {
            Value::Int(v) => v as &(dyn postgres::types::ToSql + Sync),
            Value::Text(t) => t as &(dyn postgres::types::ToSql + Sync),
        })
        .collect()
}

impl Tx for PgTx<'_> {
    fn exec(&mut self, sql: &'static str, params: &[Value]) -> Result<u64> {
        let st = self.statement(sql)?;
        Ok(self.tx.execute(&st, &pg_params(params))?)
    }

    fn query(&mut self, sql: &'static str, params: &[Value]) -> Result<Vec<Row>> {
        use postgres::types::Type;
        let st = self.statement(sql)?;
        let rows = self.tx.query(&st, &pg_params(params))?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let mut row = Vec::with_capacity(r.len());
            for (i, col) in r.columns().iter().enumerate() {
                let ty = col.type_();
                row.push(if *ty == Type::INT8 {
                    Value::Int(r.try_get::<_, Option<i64>>(i)?)
                } else if *ty == Type::INT4 {
                    Value::Int(r.try_get::<_, Option<i32>>(i)?.map(i64::from))
                } else if *ty == Type::TEXT || *ty == Type::VARCHAR {
                    Value::Text(r.try_get::<_, Option<String>>(i)?)
                } else {
                    return Err(Error::Corrupt(format!(
                        "column {} has an unexpected type {ty}",
                        col.name()
                    )));
                });
            }
            out.push(Row(row));
        }
        Ok(out)
    }

    fn batch(&mut self, sql: &str) -> Result<()> {
        Ok(self.tx.batch_execute(sql)?)
    }

    fn lock_migrations(&mut self) -> Result<()> {
        // A transaction-scoped advisory lock: two processes opening a new database at once
        // apply each migration once. The key is an arbitrary constant ("settle" in ASCII).
        self.tx
            .execute("SELECT pg_advisory_xact_lock(1936028789)", &[])
            .map(|_| ())
            .map_err(Error::from)
    }

    fn backend(&self) -> Backend {
        Backend::Postgres
    }
}
