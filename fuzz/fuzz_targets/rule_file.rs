//! cargo fuzz run rule_file: see settle_fuzz::checks::rule_file and docs/fuzzing.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| settle_fuzz::checks::rule_file(data));
