//! settle-replay: histories of past claims and the replay of rule sets against them.
//!
//! [`history`] reads and writes histories (JSON Lines, CSV) in batches; [`fast`] is the quick
//! JSON path; [`generate`] makes reproducible synthetic histories; [`replay`] evaluates every
//! claim under a baseline and a new rule set, in parallel, and aggregates a deterministic
//! [`replay::Report`].

#![deny(missing_docs)]

pub mod fast;
pub mod fit;
pub mod generate;
pub mod history;
pub mod replay;
