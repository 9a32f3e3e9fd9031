//! The fuzz targets' checks on stable: the same checks as `fuzz/fuzz_targets/` (they live in
//! `fuzz/src/checks.rs`, included here), on the shipped files mutated with the fuzzing
//! dictionary's boundary numbers and tokens, and on the structure-aware claims built from
//! random bytes. `cargo fuzz` explores further on nightly (docs/fuzzing.md).

#[path = "../../fuzz/src/checks.rs"]
mod checks;

use crate::common::{config, files, root};
use proptest::prelude::*;
use std::sync::OnceLock;

/// The dictionary's entries (`fuzz/settle.dict`), unescaped.
fn dictionary() -> &'static [Vec<u8>] {
    static D: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    D.get_or_init(|| {
        let text =
            std::fs::read_to_string(root().join("fuzz/settle.dict")).expect("the dictionary");
        text.lines()
            .filter_map(|l| l.trim().strip_prefix('"')?.strip_suffix('"'))
            .map(unescape)
            .collect()
    })
}

fn unescape(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match (b[i], b.get(i + 1)) {
            (b'\\', Some(b'x')) if i + 3 < b.len() + 1 => {
                let hex = std::str::from_utf8(&b[i + 2..(i + 4).min(b.len())]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                i += 4;
            }
            (b'\\', Some(&c)) => {
                out.push(c);
                i += 2;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

/// Files of the repository as seeds.
fn read_all(paths: &[String]) -> Vec<Vec<u8>> {
    paths
        .iter()
        .map(|p| std::fs::read(root().join(p)).expect("a seed"))
        .collect()
}

/// One edit of a seed: where, what kind, which dictionary entry, which byte.
type Edit = (u32, u8, u8, u8);

/// A seed with edits applied: insert a dictionary entry, cut a few bytes, change a byte, or put
/// a dictionary entry in place of the number (or word) around a place.
fn mutate(seed: &[u8], edits: &[Edit]) -> Vec<u8> {
    let dict = dictionary();
    let mut out = seed.to_vec();
    for &(at, op, entry, byte) in edits {
        let at = at as usize % (out.len() + 1);
        let token = &dict[usize::from(entry) % dict.len()];
        match op % 4 {
            0 => {
                out.splice(at..at, token.iter().copied());
            }
            1 => {
                let end = (at + usize::from(byte % 8) + 1).min(out.len());
                out.drain(at..end);
            }
            2 if at < out.len() => out[at] = byte,
            _ => {
                let word = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_');
                let mut start = at.min(out.len());
                while start > 0 && word(&out[start - 1]) {
                    start -= 1;
                }
                let mut end = at.min(out.len());
                while end < out.len() && word(&out[end]) {
                    end += 1;
                }
                out.splice(start..end, token.iter().copied());
            }
        }
    }
    out
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec(any::<Edit>(), 1..6)
}

fn seeds(dirs: &[(&str, &[&str])]) -> Vec<Vec<u8>> {
    let mut paths = Vec::new();
    for (dir, exts) in dirs {
        paths.extend(files(dir, exts));
    }
    read_all(&paths)
}

fn claim_seeds_toml() -> &'static [Vec<u8>] {
    static S: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    S.get_or_init(|| {
        seeds(&[
            ("examples/claims", &[".toml"]),
            ("tests/data/claims", &[".toml"]),
        ])
    })
}

fn claim_seeds_json() -> &'static [Vec<u8>] {
    static S: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    S.get_or_init(|| {
        seeds(&[
            ("examples/claims", &[".json"]),
            ("tests/data/claims", &[".json"]),
        ])
    })
}

/// Each rule file of both shipped sets, with the byte that puts it in place of its default.
fn rule_seeds() -> &'static [Vec<u8>] {
    static S: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    S.get_or_init(|| {
        let mut out = Vec::new();
        for (i, (name, _)) in settle_rules::defaults::DEFAULT_FILES.iter().enumerate() {
            for set in ["rules/default", "rules/lean"] {
                let mut seed = vec![i as u8];
                seed.extend(std::fs::read(root().join(set).join(name)).expect("a rule file"));
                out.push(seed);
            }
        }
        out
    })
}

/// A generated history and the example claims, as JSON Lines and as CSV.
fn history_seeds(csv: bool) -> Vec<u8> {
    let mut g = settle_replay::generate::Generator::new(11);
    let claims: Vec<settle_engine::Claim> = (0..6).map(|_| g.claim()).collect();
    if csv {
        let mut w = csv::Writer::from_writer(Vec::new());
        settle_replay::history::write_csv_header(&mut w).unwrap();
        for c in &claims {
            settle_replay::history::write_csv_row(&mut w, c).unwrap();
        }
        w.into_inner().unwrap()
    } else {
        claims
            .iter()
            .map(|c| settle_replay::history::to_jsonl(c) + "\n")
            .collect::<String>()
            .into_bytes()
    }
}

fn pick(seeds: &[Vec<u8>], i: usize) -> &[u8] {
    &seeds[i % seeds.len()]
}

proptest! {
    #![proptest_config(config(150))]

    #[test]
    fn claim_toml_files_mutated(i in any::<usize>(), e in edits()) {
        checks::claim_toml(&mutate(pick(claim_seeds_toml(), i), &e));
    }

    #[test]
    fn claim_json_files_mutated(i in any::<usize>(), e in edits()) {
        checks::claim_json(&mutate(pick(claim_seeds_json(), i), &e));
    }

    #[test]
    fn json_lines_read_alike_by_both_readers(i in any::<usize>(), e in edits()) {
        let history = history_seeds(false);
        let lines: Vec<&[u8]> = history.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();
        let line = mutate(lines[i % lines.len()], &e);
        checks::fast_vs_spanned(&line);
        checks::fast_vs_spanned(lines[i % lines.len()]);
    }

    #[test]
    fn histories_mutated(csv in any::<bool>(), e in prop::collection::vec(any::<Edit>(), 1..12)) {
        let history = mutate(&history_seeds(csv), &e);
        if csv {
            checks::history_csv(&history);
        } else {
            checks::history_jsonl(&history);
        }
    }
}

proptest! {
    #![proptest_config(config(60))]

    #[test]
    fn rule_files_mutated(i in any::<usize>(), e in edits()) {
        checks::rule_file(&mutate(pick(rule_seeds(), i), &e));
    }

    #[test]
    fn any_claim_gets_advice(bytes in prop::collection::vec(any::<u8>(), 0..6000)) {
        checks::advise_any_claim(&bytes);
    }
}

/// Every seed, unmutated, passes every check (the shipped files are the corpus's start).
#[test]
fn the_seeds_pass_the_checks() {
    for s in claim_seeds_toml() {
        checks::claim_toml(s);
    }
    for s in claim_seeds_json() {
        checks::claim_json(s);
    }
    for s in rule_seeds() {
        checks::rule_file(s);
    }
    checks::history_jsonl(&history_seeds(false));
    checks::history_csv(&history_seeds(true));
    assert!(dictionary().len() > 40);
    assert!(dictionary().contains(&"\u{feff}".as_bytes().to_vec()));
}

/// Found by `histories_mutated`: a lone carriage return (byte 13) ends a CSV record without
/// ending a line, so two records start on line 2; both are read and reported, none dropped.
#[test]
fn a_lone_carriage_return_splits_a_csv_row_on_one_line() {
    let e: Vec<Edit> = vec![
        (142091949, 159, 190, 0),
        (503066627, 70, 0, 13),
        (537525703, 30, 0, 0),
        (206426453, 169, 0, 76),
        (88870278, 0, 0, 0),
        (213485199, 41, 0, 12),
        (46232122, 6, 0, 14),
    ];
    checks::history_csv(&mutate(&history_seeds(true), &e));
}
