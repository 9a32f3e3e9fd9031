//! Replays a history under a baseline and a new rule set and reports what would change, in
//! money and in counts, rule by rule.
//!
//! Records are read in batches; each batch is parsed and advised in parallel, and the results
//! are folded into the report in input order, so the report is the same whatever the number of
//! threads. Sums are exact decimals; every list that is cut (samples, largest changes) is cut
//! by a total order that ends in the line number.
//!
//! | module | holds |
//! |---|---|
//! | [`evaluate`] | one record advised under both rule sets: `Decision`, `Evaluation` |
//! | [`report`] | the report's types, serialized as `replay --format json` |
//! | [`aggregate`] | the `Aggregator` that folds evaluations into a `Report` |
//! | [`run`] | the batched, parallel run, and its `Options` |
//! | [`gate`] | the thresholds a report may fail |
//! | [`rule_diff`] | the rules that differ between two rule sets, and what each moved |

pub mod aggregate;
pub mod evaluate;
pub mod gate;
pub mod report;
pub mod rule_diff;
pub mod run;

pub use aggregate::Aggregator;
pub use evaluate::{Decision, Evaluated, Evaluation, evaluate};
pub use gate::gate;
pub use report::*;
pub use rule_diff::{Impact, impacts, rule_changes};
pub use run::{Options, run};
