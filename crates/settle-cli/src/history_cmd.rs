//! `settle history gen` and `settle history import`.

use crate::{EXIT_BAD_INPUT, EXIT_OK};
use anyhow::{Context, Result};
use settle_replay::generate::Generator;
use settle_replay::history::{self, HistoryFormat};
use std::io::Write;
use std::path::{Path, PathBuf};

fn output(out: Option<&Path>) -> Result<Box<dyn Write>> {
    Ok(match out {
        Some(p) => Box::new(std::io::BufWriter::new(
            std::fs::File::create(p).with_context(|| format!("cannot create {}", p.display()))?,
        )),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    })
}

pub(crate) fn format_of(out: Option<&Path>, explicit: Option<HistoryFormat>) -> HistoryFormat {
    explicit.unwrap_or_else(|| out.map_or(HistoryFormat::Jsonl, HistoryFormat::of_path))
}

/// Writes claims as a history, in JSON Lines or CSV.
pub(crate) fn write_all(
    claims: impl Iterator<Item = settle_engine::Claim>,
    out: Option<&Path>,
    format: HistoryFormat,
) -> Result<u64> {
    let mut w = output(out)?;
    let mut n = 0;
    match format {
        HistoryFormat::Jsonl => {
            for c in claims {
                writeln!(w, "{}", history::to_jsonl(&c))?;
                n += 1;
            }
        }
        HistoryFormat::Csv => {
            let mut csv = csv::Writer::from_writer(w);
            history::write_csv_header(&mut csv)?;
            for c in claims {
                history::write_csv_row(&mut csv, &c)?;
                n += 1;
            }
            csv.flush()?;
            return Ok(n);
        }
    }
    w.flush()?;
    Ok(n)
}

pub fn generate(
    count: u64,
    seed: u64,
    out: Option<&Path>,
    format: Option<HistoryFormat>,
) -> Result<u8> {
    let mut g = Generator::new(seed);
    let n = write_all((0..count).map(|_| g.claim()), out, format_of(out, format))?;
    if let Some(p) = out {
        eprintln!("wrote {n} claims to {}", p.display());
    }
    Ok(EXIT_OK)
}

pub fn import(dir: &Path, out: Option<&Path>, format: Option<HistoryFormat>) -> Result<u8> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .with_context(|| format!("cannot read {}", dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        // Not `is_file`: a broken link or a symlink loop is read, and reported, not left out.
        .filter(|p| !p.is_dir() && p.extension().is_some_and(|e| e == "toml" || e == "json"))
        .collect();
    files.sort();
    let mut claims = Vec::new();
    let mut bad = 0usize;
    for path in &files {
        let source = crate::check::read_source(path)?;
        match settle_rules::parse_claim(&source, settle_rules::Format::of_path(source.name())) {
            Ok(c) => claims.push(c),
            Err(diags) => {
                bad += 1;
                crate::check::print_diagnostics(&diags, &[&source]);
            }
        }
    }
    if bad > 0 {
        eprintln!(
            "error: {bad} of {} claim files are invalid; nothing written",
            files.len()
        );
        return Ok(EXIT_BAD_INPUT);
    }
    let n = write_all(claims.into_iter(), out, format_of(out, format))?;
    eprintln!("imported {n} claims from {}", dir.display());
    Ok(EXIT_OK)
}
