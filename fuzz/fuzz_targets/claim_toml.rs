//! cargo fuzz run claim_toml: see settle_fuzz::checks::claim_toml and docs/fuzzing.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| settle_fuzz::checks::claim_toml(data));
