//! `settle claim check` and `settle rules check`.

use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::Result;
use settle_engine::Playbook;
use settle_rules::{Diagnostic, Format, SourceFile, diag};
use settle_view::check::{ClaimCheckView, DiagnosticView, FileCheck, RulesFailed, RulesOk};
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
    for path in files {
        let source = match read_source(path) {
            Ok(s) => s,
            Err(e) => {
                // An unreadable file is reported like any other problem and the run goes on.
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
                report.push(FileCheck {
                    file: path.display().to_string(),
                    valid: false,
                    claim: None,
                    diagnostics: Some(DiagnosticView::all(std::slice::from_ref(&d))),
                });
                all.push((d, None));
                continue;
            }
        };
        match settle_rules::parse_claim(&source, Format::of_path(source.name())) {
            Ok(claim) => report.push(FileCheck {
                file: source.name().to_string(),
                valid: true,
                claim: Some(claim.id),
                diagnostics: None,
            }),
            Err(diags) => {
                report.push(FileCheck {
                    file: source.name().to_string(),
                    valid: false,
                    claim: None,
                    diagnostics: Some(DiagnosticView::all(&diags)),
                });
                for d in diags {
                    all.push((d, Some(source.clone())));
                }
            }
        }
    }
    let invalid = report.iter().filter(|f| !f.valid).count();
    let view = ClaimCheckView {
        valid: report.len() - invalid,
        invalid,
        files: report,
    };
    match format {
        OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&view)?),
        OutputFormat::Text => {
            let sources: Vec<&SourceFile> = all.iter().filter_map(|(_, s)| s.as_ref()).collect();
            let diags: Vec<Diagnostic> = all.iter().map(|(d, _)| d.clone()).collect();
            print_diagnostics(&diags, &sources);
            outln!("{}", view.summary(diags.len()));
        }
    }
    Ok(if invalid == 0 {
        EXIT_OK
    } else {
        EXIT_BAD_INPUT
    })
}

/// Reply drafts, or every error that kept them from loading.
pub type LoadedDrafts = Result<settle_view::draft::Drafts, Vec<Diagnostic>>;

/// A rule set's reply drafts (`drafts/<lang>/*.j2`; the built-in ones for the built-in rules),
/// loaded and checked, and their sources.
pub fn load_drafts(dir: Option<&Path>) -> Result<(LoadedDrafts, Vec<SourceFile>)> {
    let sources = match dir {
        Some(d) => settle_rules::defaults::read_drafts(d)?,
        None => settle_rules::defaults::default_draft_sources(),
    };
    Ok((settle_view::draft::Drafts::load(sources.clone()), sources))
}

pub fn rules(dir: Option<&Path>, format: OutputFormat) -> Result<u8> {
    let (loaded, mut sources) = load_rules(dir)?;
    let (drafts, draft_sources) = load_drafts(dir)?;
    sources.extend(draft_sources.iter().cloned());
    // The rule set and its drafts are checked together: every problem of both, in one pass.
    let loaded = match (loaded, drafts) {
        (Ok(p), Ok(_)) => Ok(p),
        (Ok(_), Err(d)) => Err(d),
        (Err(mut a), Err(b)) => {
            a.extend(b);
            Err(a)
        }
        (Err(a), Ok(_)) => Err(a),
    };
    let draft_names: Vec<String> = draft_sources
        .iter()
        .map(|s| {
            let n = s.name();
            n.rfind("drafts/").map_or(n, |i| &n[i + 7..]).to_string()
        })
        .collect();
    let shown = dir.map_or_else(
        || format!("{} (built in)", settle_rules::defaults::DEFAULT_DIR),
        |d| d.display().to_string(),
    );
    match loaded {
        Ok(p) => {
            let view = RulesOk::of(&p, &shown, draft_names);
            match format {
                OutputFormat::Text => out!("{}", view.text()),
                OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&view)?),
            }
            Ok(EXIT_OK)
        }
        Err(diags) => {
            let view = RulesFailed {
                ok: false,
                dir: shown,
                diagnostics: DiagnosticView::all(&diags),
            };
            match format {
                OutputFormat::Text => {
                    let refs: Vec<&SourceFile> = sources.iter().collect();
                    print_diagnostics(&diags, &refs);
                    outln!("{}", view.summary());
                }
                OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(&view)?),
            }
            Ok(EXIT_BAD_INPUT)
        }
    }
}
