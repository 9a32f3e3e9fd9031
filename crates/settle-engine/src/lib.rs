//! settle-engine: the decision model behind `settle`.
//!
//! It holds the claim model ([`claim`]), the typed rule set ([`playbook`]), the fields rules
//! may read ([`schema`], [`condition`]), and the model's steps: [`responsibility`],
//! [`pricing`], the negotiation [`tree`], and the [`advice`] that ties them together.
//!
//! Invariant: this crate does no I/O and knows nothing of TOML, JSON or files. Money is
//! `rust_decimal::Decimal` with checked arithmetic; probabilities are decimals in [0, 1].

#![deny(missing_docs)]

pub mod advice;
pub mod claim;
pub mod condition;
pub mod explain;
mod fast;
pub mod money;
pub mod playbook;
pub mod pricing;
pub mod responsibility;
pub mod schema;
pub mod tree;
pub mod words;

pub use advice::{
    Action, Advice, Move, NextMove, OptionReport, PlanStep, Prepared, Warning, advise, advise_move,
};
pub use claim::Claim;
pub use money::{Currency, Money, Overflow};
pub use playbook::Playbook;
