//! cargo fuzz run history_csv: see settle_fuzz::checks::history_csv and docs/fuzzing.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| settle_fuzz::checks::history_csv(data));
