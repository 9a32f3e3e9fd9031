//! `settle claim check` and `settle rules check`, and the reading of claims and rule sets that
//! every command shares: problems are printed rustc-style, or as the same JSON as these two
//! commands when the command was asked for JSON.

use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::Result;
use settle_engine::Playbook;
use settle_rules::{Diagnostic, Format, SourceFile, diag};
use settle_view::check::{ClaimCheckView, DiagnosticView, FileCheck, RulesFailed, RulesOk};
use std::path::Path;

/// Reads a file into a source named as the user wrote its path.
pub fn read_source(path: &Path) -> Result<SourceFile> {
    let text = settle_rules::source::read_text(path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
    Ok(SourceFile::new(path.display().to_string(), text))
}

/// Prints diagnostics rustc-style to stderr, coloured as `--color` and `NO_COLOR` say.
pub fn print_diagnostics(diags: &[Diagnostic], sources: &[&SourceFile]) {
    eprint!("{}", diag::render(diags, sources, crate::color::stderr()));
}

/// A rule set, or every error that kept it from loading.
pub type Loaded = Result<Playbook, Vec<Diagnostic>>;

/// How a rule set is named in output: the folder as given, or `builtin:default`.
pub fn rules_shown(dir: Option<&Path>) -> String {
    dir.map_or_else(
        || settle_rules::defaults::DEFAULT_DIR.to_string(),
        |d| d.display().to_string(),
    )
}

/// Loads a rule set: the folder given, or the built-in default; also returns its sources.
pub fn load_rules(dir: Option<&Path>) -> Result<(Loaded, Vec<SourceFile>)> {
    let sources = match dir {
        Some(d) => settle_rules::defaults::read_dir(d)?,
        None => settle_rules::defaults::default_sources(),
    };
    Ok((settle_rules::ruleset::load(sources.clone()), sources))
}

/// A diagnostic for a file or folder that could not be read at all.
fn unreadable(file: String, message: String) -> Diagnostic {
    Diagnostic {
        severity: settle_rules::Severity::Error,
        file,
        line: 1,
        column: 1,
        span: 0..0,
        message,
        field: None,
        label: None,
        help: None,
    }
}

/// Loads a rule set, or reports why it cannot be loaded and gives `None` (exit 2): as text,
/// every error and `error: {what}` on stderr; as JSON, the `rules check --format json` of it on
/// stdout.
pub fn rules_or_report(
    dir: Option<&Path>,
    what: &str,
    format: OutputFormat,
) -> Result<Option<Playbook>> {
    let loaded = match load_rules(dir) {
        Ok(l) => l,
        Err(e) if format == OutputFormat::Json => {
            let view = RulesFailed {
                ok: false,
                dir: rules_shown(dir),
                diagnostics: DiagnosticView::all(&[unreadable(rules_shown(dir), format!("{e:#}"))]),
            };
            outln!("{}", serde_json::to_string_pretty(&view)?);
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    match loaded {
        (Ok(p), _) => Ok(Some(p)),
        (Err(diags), sources) => {
            match format {
                OutputFormat::Json => {
                    let view = RulesFailed {
                        ok: false,
                        dir: rules_shown(dir),
                        diagnostics: DiagnosticView::all(&diags),
                    };
                    outln!("{}", serde_json::to_string_pretty(&view)?);
                }
                OutputFormat::Text => {
                    let refs: Vec<&SourceFile> = sources.iter().collect();
                    print_diagnostics(&diags, &refs);
                    eprintln!("error: {what}");
                }
            }
            Ok(None)
        }
    }
}

/// One claim file checked: its line in `claim check`'s report, its problems with the source
/// they point into, and the claim when it is valid.
struct Checked {
    file: FileCheck,
    diagnostics: Vec<Diagnostic>,
    source: Option<SourceFile>,
    claim: Option<settle_engine::Claim>,
}

fn check_file(path: &Path) -> Checked {
    let source = match read_source(path) {
        Ok(s) => s,
        Err(e) => {
            // An unreadable file is reported like any other problem.
            let d = unreadable(path.display().to_string(), format!("{e:#}"));
            return Checked {
                file: FileCheck {
                    file: path.display().to_string(),
                    valid: false,
                    claim: None,
                    diagnostics: Some(DiagnosticView::all(std::slice::from_ref(&d))),
                },
                diagnostics: vec![d],
                source: None,
                claim: None,
            };
        }
    };
    match settle_rules::parse_claim(&source, Format::of_path(source.name())) {
        Ok(claim) => Checked {
            file: FileCheck {
                file: source.name().to_string(),
                valid: true,
                claim: Some(claim.id.clone()),
                diagnostics: None,
            },
            diagnostics: Vec::new(),
            source: Some(source),
            claim: Some(claim),
        },
        Err(diags) => Checked {
            file: FileCheck {
                file: source.name().to_string(),
                valid: false,
                claim: None,
                diagnostics: Some(DiagnosticView::all(&diags)),
            },
            diagnostics: diags,
            source: Some(source),
            claim: None,
        },
    }
}

/// Reads a claim file, or reports why it is not a valid claim and gives `None` (exit 2): as
/// text, every problem and `error: ... {what}` on stderr; as JSON, the `claim check --format
/// json` of it on stdout.
pub fn claim_or_report(
    path: &Path,
    what: &str,
    format: OutputFormat,
) -> Result<Option<settle_engine::Claim>> {
    let checked = check_file(path);
    if let Some(c) = checked.claim {
        return Ok(Some(c));
    }
    match format {
        OutputFormat::Json => {
            let view = ClaimCheckView {
                valid: 0,
                invalid: 1,
                files: vec![checked.file],
            };
            outln!("{}", serde_json::to_string_pretty(&view)?);
        }
        OutputFormat::Text => {
            let sources: Vec<&SourceFile> = checked.source.iter().collect();
            print_diagnostics(&checked.diagnostics, &sources);
            match &checked.source {
                Some(s) => eprintln!("error: {} is not a valid claim file; {what}", s.name()),
                None => eprintln!("error: {what}"),
            }
        }
    }
    Ok(None)
}

pub fn claims(files: &[std::path::PathBuf], format: OutputFormat) -> Result<u8> {
    let mut all: Vec<Checked> = files.iter().map(|p| check_file(p)).collect();
    let invalid = all.iter().filter(|c| !c.file.valid).count();
    let diagnostics: Vec<Diagnostic> = all
        .iter_mut()
        .flat_map(|c| std::mem::take(&mut c.diagnostics))
        .collect();
    let sources: Vec<&SourceFile> = all
        .iter()
        .filter(|c| !c.file.valid)
        .filter_map(|c| c.source.as_ref())
        .collect();
    match format {
        OutputFormat::Json => {
            let view = ClaimCheckView {
                valid: all.len() - invalid,
                invalid,
                files: all.iter().map(|c| c.file.clone()).collect(),
            };
            outln!("{}", serde_json::to_string_pretty(&view)?);
        }
        OutputFormat::Text => {
            print_diagnostics(&diagnostics, &sources);
            let view = ClaimCheckView {
                valid: all.len() - invalid,
                invalid,
                files: all.iter().map(|c| c.file.clone()).collect(),
            };
            outln!("{}", view.summary(diagnostics.len()));
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
    let shown = rules_shown(dir);
    match loaded {
        Ok(p) => {
            let view = RulesOk::of(&p, &shown, draft_names);
            match format {
                OutputFormat::Text => {
                    out!("{}", view.text());
                    if let Some(w) = copied_default(&p, dir, &sources) {
                        let refs: Vec<&SourceFile> = sources.iter().collect();
                        print_diagnostics(&[w], &refs);
                    }
                }
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

/// The warning for a rule set read from a folder that calls itself what the built-in rules
/// call themselves (name and version) but whose files differ: a copy of `rules/default` changed
/// without being renamed (see `settle_rules::lint::copied_builtin`).
pub fn copied_default(
    p: &Playbook,
    dir: Option<&Path>,
    sources: &[SourceFile],
) -> Option<Diagnostic> {
    dir?;
    settle_rules::lint::copied_builtin(p, sources)
}
