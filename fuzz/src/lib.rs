//! The fuzz targets' checks (shared with the stable property tests in
//! `tests/integration/fuzzing.rs`, which include `checks.rs` by path).

pub mod checks;
