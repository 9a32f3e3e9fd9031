//! The integration tests: one test binary (ripgrep style) over the library crates and the
//! `settle` binary. Data-driven cases live in `tests/data/`.

mod advice;
mod casebook;
mod cli;
mod common;
mod diagnostics;
mod drafts;
mod fuzzing;
mod regressions;
mod replay;
mod roundtrip;
mod scoring;
mod shipped;
mod simulate;
mod snapshots;
mod web;
mod workbench;
