//! settle-rules: reads rule sets and claim files into the engine's typed model.
//!
//! Parse, then lower: TOML (or JSON, for claims) is parsed into a spanned node tree
//! ([`node`]), and one lowering step reads it field by field ([`read`]) into
//! `settle_engine` types, reporting every problem with file, line and column ([`diag`]).
//! Nothing is returned unless everything is valid.

#![deny(missing_docs)]

pub mod casebook;
pub mod claim_file;
pub mod currency;
pub mod defaults;
pub mod diag;
pub mod lint;
pub mod node;
pub mod read;
pub mod ruleset;
pub mod ruletest;
pub mod source;

pub use claim_file::{Format, parse_claim};
pub use diag::{Diagnostic, Severity};
pub use source::SourceFile;
