//! `settle claim check` and `settle rules check`.

use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::Result;
use serde_json::json;
use settle_engine::Playbook;
use settle_rules::{Diagnostic, Format, SourceFile, diag};
use std::io::IsTerminal;
use std::path::Path;

/// Reads a file into a source named as the user wrote its path.
pub fn read_source(path: &Path) -> Result<SourceFile> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

/// Prints diagnostics rustc-style to stderr.
pub fn print_diagnostics(diags: &[Diagnostic], sources: &[&SourceFile]) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    eprint!("{}", diag::render(diags, sources, color));
}

/// Diagnostics as JSON data.
pub fn diagnostics_json(diags: &[Diagnostic]) -> serde_json::Value {
    json!(
        diags
            .iter()
            .map(|d| json!({
                "severity": d.severity.as_str(),
                "file": d.file,
                "line": d.line,
                "column": d.column,
                "field": d.field,
                "message": d.message,
                "label": d.label,
                "help": d.help,
            }))
            .collect::<Vec<_>>()
    )
}

/// A rule set, or every error that kept it from loading.
pub type Loaded = Result<Playbook, Vec<Diagnostic>>;

/// Loads a rule set: the folder given, or the built-in default; also returns its sources.
pub fn load_rules(dir: Option<&Path>) -> Result<(Loaded, Vec<SourceFile>)> {
    let sources = match dir {
        Some(d) => settle_rules::defaults::read_dir(d)?,
        None => settle_rules::defaults::default_sources(),
    };
    Ok((settle_rules::ruleset::load(sources.clone()), sources))
}

/// Loads a rule set, or prints every error and `error: {what}` and gives `None` (exit 2).
pub fn rules_or_report(dir: Option<&Path>, what: &str) -> Result<Option<Playbook>> {
    let (loaded, sources) = load_rules(dir)?;
    match loaded {
        Ok(p) => Ok(Some(p)),
        Err(diags) => {
            let refs: Vec<&SourceFile> = sources.iter().collect();
            print_diagnostics(&diags, &refs);
            eprintln!("error: {what}");
            Ok(None)
        }
    }
}

/// Reads a claim file, or prints every problem and gives `None` (exit 2).
pub fn claim_or_report(path: &Path, what: &str) -> Result<Option<settle_engine::Claim>> {
    let source = read_source(path)?;
    match settle_rules::parse_claim(&source, Format::of_path(source.name())) {
        Ok(c) => Ok(Some(c)),
        Err(diags) => {
            print_diagnostics(&diags, &[&source]);
            eprintln!("error: {} is not a valid claim file; {what}", source.name());
            Ok(None)
        }
    }
}

pub fn claims(files: &[std::path::PathBuf], format: OutputFormat) -> Result<u8> {
    let mut all = Vec::new();
    let mut report = Vec::new();
    let mut bad = 0usize;
    for path in files {
        let source = match read_source(path) {
            Ok(s) => s,
            Err(e) => {
                // An unreadable file is reported like any other problem and the run goes on.
                bad += 1;
                let d = Diagnostic {
                    severity: settle_rules::Severity::Error,
                    file: path.display().to_string(),
                    line: 1,
                    column: 1,
                    span: 0..0,
                    message: format!("{e:#}"),
                    field: None,
                    label: None,
                    help: None,
                };
                report.push(json!({"file": path.display().to_string(), "valid": false, "diagnostics": diagnostics_json(std::slice::from_ref(&d))}));
                all.push((d, None));
                continue;
            }
        };
        match settle_rules::parse_claim(&source, Format::of_path(source.name())) {
            Ok(claim) => {
                report.push(json!({"file": source.name(), "valid": true, "claim": claim.id}))
            }
            Err(diags) => {
                bad += 1;
                report.push(json!({"file": source.name(), "valid": false, "diagnostics": diagnostics_json(&diags)}));
                for d in diags {
                    all.push((d, Some(source.clone())));
                }
            }
        }
    }
    match format {
        OutputFormat::Json => {
            println!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"files": report, "valid": files.len() - bad, "invalid": bad})
                )?
            );
        }
        OutputFormat::Text => {
            let sources: Vec<&SourceFile> = all.iter().filter_map(|(_, s)| s.as_ref()).collect();
            let diags: Vec<Diagnostic> = all.iter().map(|(d, _)| d.clone()).collect();
            print_diagnostics(&diags, &sources);
            let problems = diags.len();
            if bad == 0 {
                println!("{} claim file{} valid", files.len(), plural(files.len()));
            } else {
                println!(
                    "{} of {} claim file{} invalid ({problems} problem{})",
                    bad,
                    files.len(),
                    plural(files.len()),
                    plural(problems)
                );
            }
        }
    }
    Ok(if bad == 0 { EXIT_OK } else { EXIT_BAD_INPUT })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Counts per section of a rule set, for summaries.
pub fn counts(p: &Playbook) -> Vec<(&'static str, usize)> {
    vec![
        (
            "responsibility rows",
            p.responsibility().rows.len() + usize::from(p.responsibility().otherwise.is_some()),
        ),
        ("eligibility rules", p.eligibility().len()),
        ("cost parameters", settle_engine::playbook::COST_PARAM_COUNT),
        ("cost adjustments", p.cost_adjustments().len()),
        ("escalation rules", p.escalation().len()),
        ("evidence requests", p.evidence_requests().len()),
        ("approval limits", p.limits().approval.len()),
        ("tree rounds", p.tree().rounds as usize),
    ]
}

pub fn rules(dir: Option<&Path>, format: OutputFormat) -> Result<u8> {
    let (loaded, sources) = load_rules(dir)?;
    let shown = dir.map_or_else(
        || format!("{} (built in)", settle_rules::defaults::DEFAULT_DIR),
        |d| d.display().to_string(),
    );
    match (loaded, format) {
        (Ok(p), OutputFormat::Text) => {
            println!("rule set {} {} ok: {shown}", p.name(), p.version());
            println!("  hash  {}", p.hash());
            println!("  files {}", p.files().len());
            for (what, n) in counts(&p) {
                println!("  {n:>5} {what}");
            }
            Ok(EXIT_OK)
        }
        (Ok(p), OutputFormat::Json) => {
            let c: serde_json::Map<String, serde_json::Value> = counts(&p)
                .into_iter()
                .map(|(k, v)| (k.replace(' ', "_"), json!(v)))
                .collect();
            println!(
                "{}",
                serde_json::to_string_pretty(&json!({
                    "ok": true, "dir": shown, "name": p.name(), "version": p.version(), "hash": p.hash(),
                    "files": p.files(), "counts": c, "diagnostics": [],
                }))?
            );
            Ok(EXIT_OK)
        }
        (Err(diags), OutputFormat::Text) => {
            let refs: Vec<&SourceFile> = sources.iter().collect();
            print_diagnostics(&diags, &refs);
            let errors = diags
                .iter()
                .filter(|d| d.severity == settle_rules::Severity::Error)
                .count();
            println!(
                "rule set {shown}: {errors} error{}; nothing loaded",
                plural(errors)
            );
            Ok(EXIT_BAD_INPUT)
        }
        (Err(diags), OutputFormat::Json) => {
            println!(
                "{}",
                serde_json::to_string_pretty(
                    &json!({"ok": false, "dir": shown, "diagnostics": diagnostics_json(&diags)})
                )?
            );
            Ok(EXIT_BAD_INPUT)
        }
    }
}
