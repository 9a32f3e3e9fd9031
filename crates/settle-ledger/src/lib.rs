//! settle-ledger: the claim ledger, where the rep's desk keeps every claim, every round, every
//! piece of advice and who did what when, in SQLite (one file) or PostgreSQL (for a team).
//!
//! One data-access layer ([`Ledger`]) runs the same SQL on both backends (the `store` module's small
//! transaction interface). The schema is versioned and migrated on first use ([`migrate`]).
//! Each operation is one transaction, and every write names the claim version it read: if
//! another write landed first it fails with [`Error::Conflict`] and writes nothing.
//!
//! Claims are stored as documents (the claim file's JSON form, without its rounds) plus rounds
//! as rows, so the ledger needs no column per claim field; reading a claim back puts the two
//! together and reads them with settle-rules, giving the same `settle_engine::Claim`.
//!
//! The library never reads the clock: every write takes the time as an argument.

#![deny(missing_docs)]

pub mod desk;
mod document;
pub mod error;
pub mod ledger;
pub mod migrate;
pub mod model;
mod store;
pub mod target;
pub mod team;
#[cfg(feature = "testing")]
pub mod testing;

pub use error::{Error, Result};
pub use ledger::{ClosedClaims, Ledger};
pub use migrate::SCHEMA_VERSION;
pub use model::{
    AdviceEntry, ClaimFile, ClaimRecord, ClaimSummary, Event, Filter, LoggedAdvice, RoundBrief,
    RoundEntry, RoundKind, RoundRecord, RulesetId, Status,
};
pub use target::Target;
pub use team::{Approval, ApprovalRequest, ApprovalStatus, Role, Session, User};
