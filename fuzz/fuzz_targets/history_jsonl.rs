//! cargo fuzz run history_jsonl: see settle_fuzz::checks::history_jsonl and docs/fuzzing.md.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| settle_fuzz::checks::history_jsonl(data));
