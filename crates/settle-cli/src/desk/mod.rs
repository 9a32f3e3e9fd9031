//! The rep's desk on the command line: `settle claim new|list|show|record|next|close|draft` and
//! `settle history export`, over the claim ledger (settle-ledger). This module holds what the
//! commands share: where the ledger is, who is working, the clock (read here, at the edge, and
//! passed into the libraries as dates), the rep's language, and how ledger errors are shown.

pub mod draft;
pub mod export;
pub mod new;
mod prompt;
pub mod values;
pub mod work;

use crate::{EXIT_BAD_INPUT, OutputFormat};
use anyhow::{Context, Result};
use clap::{Subcommand, ValueEnum};
use settle_ledger::{Error as LedgerError, Ledger, Target};
use settle_view::l10n::{Lang, Messages};
use time::{Date, OffsetDateTime};

/// The ledger changed since the command read it (another rep wrote first): nothing was
/// written; read it again and retry.
pub const EXIT_CONFLICT: u8 = 3;

/// The languages `--lang` takes: English and Simplified Chinese.
#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LangArg {
    /// English
    En,
    /// Simplified Chinese
    #[value(name = "zh-CN")]
    ZhCn,
}

impl LangArg {
    /// The tag.
    pub fn tag(self) -> &'static str {
        match self {
            LangArg::En => "en",
            LangArg::ZhCn => "zh-CN",
        }
    }
}

/// The rep's messages: `--lang`, else the locale (`LC_ALL`, `LC_MESSAGES`, `LANG`).
pub fn messages(lang: Option<LangArg>) -> Messages {
    Messages::new(match lang {
        Some(LangArg::En) => Lang::En,
        Some(LangArg::ZhCn) => Lang::ZhCn,
        None => Lang::from_locale(|k| std::env::var(k).ok()),
    })
}

/// Where the ledger is and who is working; every desk command takes these.
#[derive(clap::Args, Clone)]
pub struct LedgerOpts {
    /// The claim ledger: a SQLite file, or a postgres:// URL for a team's server (default:
    /// $SETTLE_DB, else ledger.db in your data folder, created on first use)
    #[arg(long, value_name = "PATH|URL")]
    pub db: Option<String>,
    /// Who is working, as the audit log records it (default: $SETTLE_USER, else $USER)
    #[arg(long, value_name = "NAME")]
    pub user: Option<String>,
}

impl LedgerOpts {
    /// The ledger's location: `--db`, `SETTLE_DB`, or `ledger.db` in the user's data folder.
    pub fn target(&self) -> Result<Target> {
        let text = match self.db.clone().or_else(|| env_nonempty("SETTLE_DB")) {
            Some(t) => t,
            None => {
                let dirs = directories::ProjectDirs::from("", "", "settle").context(
                    "no home folder to keep the ledger in; give --db PATH or set SETTLE_DB",
                )?;
                let dir = dirs.data_dir();
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
                dir.join("ledger.db").display().to_string()
            }
        };
        Ok(Target::parse(&text)?)
    }

    /// Opens the ledger (creating and migrating it on first use).
    pub fn open(&self) -> Result<Ledger> {
        let target = self.target()?;
        Ledger::open(&target).with_context(|| format!("cannot open the ledger {target}"))
    }

    /// Who is working.
    pub fn actor(&self) -> String {
        self.user
            .clone()
            .filter(|u| !u.is_empty())
            .or_else(|| env_nonempty("SETTLE_USER"))
            .or_else(|| env_nonempty("USER"))
            .unwrap_or_else(|| "rep".to_string())
    }
}

fn env_nonempty(key: &str) -> Option<String> {
    std::env::var(key).ok().filter(|v| !v.is_empty())
}

/// The clock, read once at the edge. `SETTLE_NOW` (`YYYY-MM-DDTHH:MM:SSZ`) fixes it, for
/// tests and for re-running a day's work.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    /// Now, for the audit log.
    pub now: OffsetDateTime,
    /// Today, in the rep's time zone (UTC when it cannot be known).
    pub today: Date,
}

impl Clock {
    /// The clock.
    pub fn read() -> Result<Clock> {
        if let Some(text) = env_nonempty("SETTLE_NOW") {
            let now = parse_now(&text).with_context(|| {
                format!("SETTLE_NOW `{text}` is not a time YYYY-MM-DDTHH:MM:SSZ")
            })?;
            return Ok(Clock {
                now,
                today: now.date(),
            });
        }
        let now = OffsetDateTime::now_utc();
        let local = time::UtcOffset::current_local_offset()
            .map(|o| now.to_offset(o))
            .unwrap_or(now);
        Ok(Clock {
            now,
            today: local.date(),
        })
    }
}

fn parse_now(text: &str) -> Option<OffsetDateTime> {
    let date = settle_rules::read::iso_date(text.get(..10)?)?;
    let rest = text.get(10..)?;
    let t = rest.strip_prefix('T')?.strip_suffix('Z')?;
    let mut parts = t.split(':').map(|p| p.parse::<u8>().ok());
    let (h, m, s) = (parts.next()??, parts.next()??, parts.next()??);
    Some(
        date.with_time(time::Time::from_hms(h, m, s).ok()?)
            .assume_utc(),
    )
}

/// A date flag: `YYYY-MM-DD`.
pub fn date_arg(text: &str) -> Result<Date, String> {
    settle_rules::read::iso_date(text)
        .ok_or_else(|| format!("`{text}` is not a calendar date YYYY-MM-DD"))
}

/// A ledger error as the rep reads it, and the exit code: 3 for a conflict (read again and
/// retry), 2 for anything else (bad input; nothing was written).
pub fn report(e: &LedgerError) -> u8 {
    match e {
        LedgerError::Conflict { id, .. } => {
            eprintln!("error: {e}; nothing was written");
            eprintln!(
                "help: another write landed first: read the claim again (`settle claim show {id}`) and retry"
            );
            EXIT_CONFLICT
        }
        LedgerError::Invalid { .. } | LedgerError::Closed { .. } => {
            eprintln!("error: {e}; nothing was written");
            EXIT_BAD_INPUT
        }
        _ => {
            eprintln!("error: {e}");
            EXIT_BAD_INPUT
        }
    }
}

/// Runs a ledger operation: its value, or the error reported (`Err` carries the exit code).
pub fn ledger<T>(r: settle_ledger::Result<T>) -> std::result::Result<T, u8> {
    r.map_err(|e| report(&e))
}

/// Prints a view in the form asked for: JSON, or its text.
pub fn print<V: serde::Serialize>(
    view: &V,
    format: OutputFormat,
    text: impl FnOnce() -> String,
) -> Result<()> {
    match format {
        OutputFormat::Json => outln!("{}", serde_json::to_string_pretty(view)?),
        OutputFormat::Text => out!("{}", text()),
    }
    Ok(())
}

/// The rep's desk commands under `settle claim`.
#[derive(Subcommand)]
pub enum ClaimDesk {
    /// Enter a new claim in the ledger: asks what matters on a terminal, or reads --from FILE or
    /// --set FIELD=VALUE (never prompts without a terminal)
    New(new::Args),
    /// The open claims: whose move it is, how long the buyer has waited, what is due when;
    /// overdue first
    List(work::ListArgs),
    /// One claim: the facts, whose move, what is due, every round, the advice given
    Show(work::ShowArgs),
    /// Record a round: the buyer's counter, acceptance, refusal or evidence; our offer as sent;
    /// or our acknowledgement (the first answer)
    Record(work::RecordArgs),
    /// The advice on the claim as the ledger has it, as of today (or --as-of), logged in the
    /// decision log
    Next(work::NextArgs),
    /// Close a claim with its outcome
    Close(work::CloseArgs),
    /// The reply to send for the next move (or the first answer), from the rule set's drafts
    Draft(draft::Args),
}

/// Runs a desk command.
pub fn run(c: ClaimDesk, m: &Messages) -> Result<u8> {
    match c {
        ClaimDesk::New(a) => new::run(a, m),
        ClaimDesk::List(a) => work::list(a, m),
        ClaimDesk::Show(a) => work::show(a, m),
        ClaimDesk::Record(a) => work::record(a, m),
        ClaimDesk::Next(a) => work::next(a, m),
        ClaimDesk::Close(a) => work::close(a, m),
        ClaimDesk::Draft(a) => draft::run(a, m),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_reads_as_utc() {
        let t = parse_now("2024-03-10T09:30:05Z").expect("a time");
        assert_eq!(t.date().to_string(), "2024-03-10");
        assert_eq!((t.hour(), t.minute(), t.second()), (9, 30, 5));
        for bad in [
            "2024-03-10",
            "2024-03-10T09:30Z",
            "2024-13-10T09:30:05Z",
            "x",
        ] {
            assert!(parse_now(bad).is_none(), "{bad}");
        }
    }
}
