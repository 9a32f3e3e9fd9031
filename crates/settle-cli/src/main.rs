//! `settle`: the command line. It parses arguments, reads and writes files, and formats;
//! every decision is made by `settle-engine` and every file is read by `settle-rules`.

mod advise;
mod check;
mod table;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit codes, documented in the README: 0 success, 1 a policy result to act on, 2 bad input.
pub const EXIT_OK: u8 = 0;
/// Bad input or usage.
pub const EXIT_BAD_INPUT: u8 = 2;

#[derive(Parser)]
#[command(
    name = "settle",
    version,
    about = "Advice on export claims: what to offer the buyer next, and why"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Advise the rep on a claim: the next move, the bottom line, the options and why
    Advise {
        /// The claim file (TOML, or JSON with a .json name)
        claim: PathBuf,
        /// The rule-set folder (default: the built-in rules/default)
        #[arg(long)]
        rules: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        /// Also write the rolled-back negotiation tree as Graphviz DOT to this file
        #[arg(long, value_name = "FILE.dot")]
        tree: Option<PathBuf>,
    },
    /// Work with claim files
    Claim {
        #[command(subcommand)]
        command: ClaimCommand,
    },
    /// Work with rule sets
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
}

#[derive(Subcommand)]
enum ClaimCommand {
    /// Validate claim files; every problem is printed, exit 2 if any
    Check {
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Load a rule set and report every error, or a summary
    Check {
        /// The rule-set folder (default: the built-in rules/default)
        dir: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Advise {
            claim,
            rules,
            format,
            tree,
        } => advise::run(&claim, rules.as_deref(), format, tree.as_deref()),
        Command::Claim {
            command: ClaimCommand::Check { files, format },
        } => check::claims(&files, format),
        Command::Rules {
            command: RulesCommand::Check { dir, format },
        } => check::rules(dir.as_deref(), format),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}
