//! settle-engine: the decision model behind `settle`.
//!
//! It holds the claim model ([`claim`]), the typed rule set ([`playbook`]), the fields rules
//! may read ([`schema`], [`condition`]), the model's steps in [`eval`] (responsibility,
//! eligibility, pricing, relationship, the buyer, the bottom line, the tree, the move,
//! warnings), and the [`advice`] they produce.
//!
//! Invariant: this crate does no I/O and knows nothing of TOML, JSON or files. Money is
//! `rust_decimal::Decimal` with checked arithmetic; probabilities are decimals in [0, 1].

#![deny(missing_docs)]

pub mod advice;
pub mod claim;
pub mod condition;
pub mod eval;
mod fast;
pub mod money;
pub mod playbook;
pub mod schema;
pub mod words;

pub use advice::{Action, Advice, Move, NextMove, OptionReport, PlanStep, Warning};
pub use claim::Claim;
pub use eval::{
    Detail, Evaluation, Options, Prepared, advise, advise_move, explain, pricing, responsibility,
    tree,
};
pub use money::{Currency, Money, Overflow};
pub use playbook::Playbook;
