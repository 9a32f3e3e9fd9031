//! `settle claim new`: enters a claim in the ledger, from a claim file (`--from`), from
//! `--set FIELD=VALUE` flags, or, on a terminal, by asking (see `prompt`). Every way goes through
//! the claim-file reader, so a bad value is the same located diagnostic as in `claim check`, and
//! nothing is written.

use super::prompt::{Ask, Terminal, ask_claim};
use super::{Clock, LedgerOpts, ledger, print, values, work};
use crate::check::{claim_or_report, print_diagnostics, rules_or_report};
use crate::{EXIT_BAD_INPUT, EXIT_OK, OutputFormat};
use anyhow::{Context, Result};
use settle_rules::{Format, SourceFile};
use settle_view::desk::WrittenView;
use settle_view::l10n::Messages;
use std::io::IsTerminal;
use std::path::PathBuf;

/// `settle claim new`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub ledger: LedgerOpts,
    /// A claim file to enter (TOML, or JSON with a .json name)
    #[arg(long, value_name = "FILE", conflicts_with = "set")]
    pub from: Option<PathBuf>,
    /// A claim field and its value, e.g. --set customer.name="Acme Ltd"; repeat for each field
    /// (every required one: docs/claim-format.md)
    #[arg(long = "set", value_name = "FIELD=VALUE")]
    pub set: Vec<String>,
    /// Also write the claim as a TOML claim file
    #[arg(long, value_name = "FILE.toml")]
    pub save: Option<PathBuf>,
    /// Assign the claim to this rep
    #[arg(long, value_name = "NAME")]
    pub assign: Option<String>,
    /// The rule-set folder whose deadlines apply (default: the built-in rules/default)
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// The output's form
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
}

/// Reads `--set` flags into a claim, or prints every problem (exit 2).
fn from_flags(sets: &[String]) -> Result<Option<settle_engine::Claim>> {
    // Every problem of the flags in one pass: unknown fields, then required ones left out.
    let missing = values::missing_required(sets);
    let text = match values::set_flags_toml(sets) {
        Ok(t) if missing.is_empty() => t,
        result => {
            let mut diags = result.err().unwrap_or_default();
            diags.extend(missing);
            print_diagnostics(&diags, &[]);
            eprintln!("error: the flags do not make a claim; nothing was written");
            return Ok(None);
        }
    };
    parse_or_report(SourceFile::new("--set", text))
}

fn parse_or_report(src: SourceFile) -> Result<Option<settle_engine::Claim>> {
    match settle_rules::parse_claim(&src, Format::Toml) {
        Ok(c) => Ok(Some(c)),
        Err(diags) => {
            print_diagnostics(&diags, &[&src]);
            eprintln!(
                "error: {} is not a valid claim; nothing was written",
                src.name()
            );
            Ok(None)
        }
    }
}

/// Asks for the claim on the terminal; `None` when the rep does not confirm it.
fn from_prompts(m: &Messages, today: time::Date) -> Result<Option<settle_engine::Claim>> {
    let mut t = Terminal::new();
    eprintln!("{}", m.text("prompt-intro"));
    let answers = ask_claim(&mut t, m, today)?;
    let src = SourceFile::new("claim new", answers.toml());
    let Some(claim) = parse_or_report(src)? else {
        return Ok(None);
    };
    eprintln!("\n{}", settle_rules::claim_file::to_toml(&claim));
    if !t.confirm(&m.text("prompt-confirm"), "", true)? {
        eprintln!("{}", m.text("prompt-cancelled"));
        return Ok(None);
    }
    Ok(Some(claim))
}

/// Runs `settle claim new`.
pub fn run(a: Args, m: &Messages) -> Result<u8> {
    let clock = Clock::read()?;
    let Some(playbook) = rules_or_report(a.rules.as_deref(), "the rule set has errors", a.format)?
    else {
        return Ok(EXIT_BAD_INPUT);
    };
    let claim = if let Some(path) = &a.from {
        claim_or_report(path, "nothing was written", a.format)?
    } else if !a.set.is_empty() {
        from_flags(&a.set)?
    } else if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        from_prompts(m, clock.today)?
    } else {
        eprintln!(
            "error: no terminal to ask on: give the claim with --from FILE or --set FIELD=VALUE (settle claim new --help)"
        );
        return Ok(EXIT_BAD_INPUT);
    };
    let Some(claim) = claim else {
        return Ok(EXIT_BAD_INPUT);
    };
    let mut l = a.ledger.open()?;
    let actor = a.ledger.actor();
    let mut record = match ledger(l.create_claim(&claim, &actor, clock.now)) {
        Ok(r) => r,
        Err(code) => return Ok(code),
    };
    if let Some(user) = &a.assign {
        record = match ledger(l.assign(&claim.id, record.version, Some(user), &actor, clock.now)) {
            Ok(r) => r,
            Err(code) => return Ok(code),
        };
    }
    if let Some(path) = &a.save {
        std::fs::write(path, settle_rules::claim_file::to_toml(&record.claim))
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let desk = work::desk_view(&record, &playbook, clock.today, m);
    let view = WrittenView::of("create", &record, desk);
    print(&view, a.format, || view.text(m))?;
    Ok(EXIT_OK)
}
