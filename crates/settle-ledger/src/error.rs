//! The ledger's error type: every way an operation can fail, as a value the caller can match.

/// What went wrong with a ledger operation. Nothing was written when an operation returns one.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// No claim has this id.
    #[error("claim `{id}` is not in the ledger")]
    NotFound {
        /// The id asked for.
        id: String,
    },
    /// A claim with this id is already in the ledger.
    #[error("claim `{id}` is already in the ledger")]
    Exists {
        /// The duplicate id.
        id: String,
    },
    /// Another write landed on the claim after the caller read it. Read it again and retry.
    #[error(
        "claim `{id}` changed since it was read: expected version {expected}, found version {found}"
    )]
    Conflict {
        /// The claim.
        id: String,
        /// The version the caller read.
        expected: u64,
        /// The version in the ledger now.
        found: u64,
    },
    /// The claim is closed and takes no more writes.
    #[error("claim `{id}` is closed and takes no more writes")]
    Closed {
        /// The claim.
        id: String,
    },
    /// The write is inconsistent with the claim; `field` names the value at fault.
    #[error("`{field}`: {reason}")]
    Invalid {
        /// The field at fault, e.g. `round.on` or `evidence.our_qc`.
        field: String,
        /// What is wrong with it, in one lowercase sentence.
        reason: String,
    },
    /// The text given as a ledger location is neither a PostgreSQL URL nor a file path.
    #[error("ledger target `{target}`: {reason}")]
    Target {
        /// The text as given (with any password hidden).
        target: String,
        /// Why it was refused.
        reason: String,
    },
    /// The database was written by a newer build of settle, whose schema this build does not know.
    #[error(
        "the ledger's schema is at version {found}, newer than this build of settle knows (version {known}); use a newer settle"
    )]
    SchemaTooNew {
        /// The schema version in the database.
        found: i64,
        /// The newest version this build knows.
        known: i64,
    },
    /// The database holds something this build cannot read back (edited by hand, or damaged).
    #[error("the ledger holds data that cannot be read back: {0}")]
    Corrupt(String),
    /// An error from SQLite.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// An error from PostgreSQL or the connection to it.
    #[error("postgres: {0}")]
    Postgres(#[from] postgres::Error),
}

/// The ledger's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Error {
        Error::Invalid {
            field: field.into(),
            reason: reason.into(),
        }
    }
}
