//! cargo fuzz run claim_json: see settle_fuzz::checks::claim_json and docs/fuzzing.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| settle_fuzz::checks::claim_json(data));
