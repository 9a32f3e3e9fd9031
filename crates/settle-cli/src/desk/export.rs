//! `settle history export`: the ledger's closed claims as a history (JSON Lines or CSV), each
//! with its outcome, for `settle replay` and for fitting rules to what really happened.

use super::LedgerOpts;
use crate::history_cmd::{format_of, write_all};
use crate::{EXIT_BAD_INPUT, EXIT_OK, HistoryFormatArg};
use anyhow::Result;
use std::path::PathBuf;

/// `settle history export`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub ledger: LedgerOpts,
    /// The file to write (default: standard output)
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Default: from the file name (.csv is CSV), else JSON Lines
    #[arg(long, value_enum)]
    pub format: Option<HistoryFormatArg>,
}

/// Runs `settle history export`.
pub fn run(a: Args) -> Result<u8> {
    let mut l = a.ledger.open()?;
    let mut failed = None;
    let claims = l.closed_claims().map_while(|r| match r {
        Ok(rec) => Some(rec.claim),
        Err(e) => {
            failed = Some(e);
            None
        }
    });
    let format = format_of(a.out.as_deref(), a.format.map(Into::into));
    let n = write_all(claims, a.out.as_deref(), format)?;
    if let Some(e) = failed {
        return Ok(super::report(&e).max(EXIT_BAD_INPUT));
    }
    if let Some(p) = &a.out {
        eprintln!("wrote {n} closed claims to {}", p.display());
    }
    Ok(EXIT_OK)
}
