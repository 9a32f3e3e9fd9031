//! cargo fuzz run fast_vs_spanned: see settle_fuzz::checks::fast_vs_spanned and docs/fuzzing.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| settle_fuzz::checks::fast_vs_spanned(data));
