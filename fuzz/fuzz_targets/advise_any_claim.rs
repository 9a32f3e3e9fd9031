//! cargo fuzz run advise_any_claim: see settle_fuzz::checks::advise_any_claim and docs/fuzzing.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| settle_fuzz::checks::advise_any_claim(data));
