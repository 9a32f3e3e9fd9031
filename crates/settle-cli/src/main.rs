//! `settle`: the command line. It parses arguments, reads and writes files, and formats;
//! every decision is made by `settle-engine` and every file is read by `settle-rules`.

/// `print!` through [`emit`].
macro_rules! out {
    ($($t:tt)*) => { $crate::emit(format_args!($($t)*)) };
}

/// `println!` through [`emit`].
macro_rules! outln {
    () => { $crate::emit(format_args!("\n")) };
    ($($t:tt)*) => { $crate::emit(format_args!("{}\n", format_args!($($t)*))) };
}

mod advise;
mod check;
mod color;
mod desk;
mod diff_cmd;
mod explain_cmd;
mod fit_cmd;
mod graph_cmd;
mod history_cmd;
mod lint_cmd;
mod replay_cmd;
mod ruletest_cmd;
mod serve_cmd;
mod simulate_cmd;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Writes to standard output; a reader that has gone away (`settle advise | head`) ends the
/// command quietly with success, as every command-line tool does.
pub fn emit(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(text).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(i32::from(EXIT_OK));
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(i32::from(EXIT_BAD_INPUT));
    }
}

/// Exit codes, documented in the README: 0 success, 1 a policy result to act on, 2 bad input.
pub const EXIT_OK: u8 = 0;
/// A policy result the caller must act on: a replay gate failed.
pub const EXIT_GATE: u8 = 1;
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
    /// The language of the text for the rep (default: from the locale, LC_ALL/LC_MESSAGES/LANG)
    #[arg(long, global = true, value_enum)]
    lang: Option<desk::LangArg>,
    /// When to colour diagnostics and help: auto (on a terminal, unless NO_COLOR is set), always
    /// or never
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "auto",
        value_name = "WHEN"
    )]
    color: color::ColorChoice,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// For people: aligned text, which may change between versions
    Text,
    /// For programs: the stable JSON of docs/output.md
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HistoryFormatArg {
    /// One claim per line, as JSON
    Jsonl,
    /// One claim per row, flat columns
    Csv,
}

impl From<HistoryFormatArg> for settle_replay::history::HistoryFormat {
    fn from(f: HistoryFormatArg) -> Self {
        match f {
            HistoryFormatArg::Jsonl => settle_replay::history::HistoryFormat::Jsonl,
            HistoryFormatArg::Csv => settle_replay::history::HistoryFormat::Csv,
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Advise the rep on a claim: the next move, the bottom line, the options and why
    Advise {
        /// The claim file (TOML, or JSON with a .json name)
        claim: PathBuf,
        /// The rule-set folder (default: the built-in rules, a copy of rules/default)
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// The output's form; with json, an invalid claim or rule set is reported as JSON too
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        /// Also write the rolled-back negotiation tree as Graphviz DOT to this file
        #[arg(long, value_name = "FILE.dot")]
        tree: Option<PathBuf>,
        /// The day of the decision (default: the claim's as_of, else today)
        #[arg(long, value_name = "DATE", value_parser = desk::date_arg)]
        as_of: Option<time::Date>,
        /// Also write the reply to send the buyer for the move
        #[arg(long)]
        draft: bool,
        /// The language of the reply to the buyer
        #[arg(long, value_enum, default_value = "en", requires = "draft")]
        buyer_lang: desk::LangArg,
        /// The name to sign the reply with (default: $SETTLE_USER, else $USER)
        #[arg(long, value_name = "NAME", requires = "draft")]
        signature: Option<String>,
    },
    /// The full trace behind an advice: every rule consulted, the values it read, what it set,
    /// the figures, and why each option is not the recommendation
    Explain {
        /// The claim file (TOML, or JSON with a .json name)
        claim: PathBuf,
        /// The rule-set folder (default: the built-in rules, a copy of rules/default)
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        /// The output's form; with json, an invalid claim or rule set is reported as JSON too
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        /// The day of the decision (default: the claim's as_of, else today)
        #[arg(long, value_name = "DATE", value_parser = desk::date_arg)]
        as_of: Option<time::Date>,
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
    /// Make and import histories of past claims
    History {
        #[command(subcommand)]
        command: HistoryCommand,
    },
    /// Replay a history under new rules against a baseline: what would change, in money
    Replay(replay_cmd::Args),
    /// Play the advice against simulated buyers, round by round, beside two fixed-curve sellers
    Simulate(simulate_cmd::Args),
    /// The web desk: pages for reps, managers and analysts over the ledger (local mode: this
    /// machine, no login; --team: users and roles)
    Serve(serve_cmd::ServeArgs),
    /// The web desk's users (team mode)
    User {
        #[command(subcommand)]
        command: serve_cmd::UserCommand,
    },
    /// Print a shell completion script for settle (e.g. `settle completions bash >
    /// ~/.local/share/bash-completion/completions/settle`)
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print settle's manual page (roff), or write one page per command into a folder
    Man {
        /// Write settle.1 and a page per command (settle-advise.1, ...) into this folder
        /// instead of printing settle.1
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum HistoryCommand {
    /// Generate a reproducible synthetic history: the same seed gives the same bytes
    Gen {
        /// How many claims to generate
        #[arg(long, value_name = "N")]
        count: u64,
        /// The generator's seed: the same seed gives the same history, byte for byte
        #[arg(long, default_value_t = 1, value_name = "S")]
        seed: u64,
        /// The file to write (default: standard output)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The history's format (default: from the file name, .csv is CSV, else JSON Lines)
        #[arg(long, value_enum)]
        format: Option<HistoryFormatArg>,
    },
    /// Turn a folder of claim files (TOML or JSON) into a history
    Import {
        /// The folder of claim files (*.toml and *.json directly in it)
        dir: PathBuf,
        /// The file to write (default: standard output)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// The history's format (default: from the file name, .csv is CSV, else JSON Lines)
        #[arg(long, value_enum)]
        format: Option<HistoryFormatArg>,
    },
    /// Write the ledger's closed claims, with their outcomes, as a history
    Export(desk::export::Args),
}

#[derive(Subcommand)]
enum ClaimCommand {
    /// Validate claim files; every problem is printed, exit 2 if any
    Check {
        /// The claim files (TOML, or JSON with a .json name)
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// The output's form
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    #[command(flatten)]
    Desk(desk::ClaimDesk),
}

#[derive(Subcommand)]
enum RulesCommand {
    /// Load a rule set and report every error, or a summary
    Check {
        /// The rule-set folder (default: the built-in rules, a copy of rules/default)
        dir: Option<PathBuf>,
        /// The output's form
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// Warnings a manager can act on: shadowed rows, gaps, conflicts, options never eligible,
    /// tests always true, inconsistent thresholds
    Lint {
        /// The rule-set folder (default: the built-in rules, a copy of rules/default)
        dir: Option<PathBuf>,
        /// `--deny warnings`: exit 1 if there is any warning (for CI)
        #[arg(long, value_enum)]
        deny: Option<lint_cmd::Deny>,
        /// The output's form
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// Run the rule tests in DIR/tests/*.toml and report rule coverage; with --casebook, score
    /// the advice against casebooks of real past cases instead
    Test {
        /// The rule-set folder, its tests in DIR/tests (default: the built-in rules with their
        /// built-in tests)
        dir: Option<PathBuf>,
        /// Exit 1 if fewer than this percentage of the rules are exercised by a test
        #[arg(long, value_name = "PCT", conflicts_with = "casebook")]
        coverage_min: Option<rust_decimal::Decimal>,
        /// A casebook folder (cases/*.toml and expected.toml) to score the advice against;
        /// repeat for several
        #[arg(long, value_name = "CASEBOOK_DIR")]
        casebook: Vec<PathBuf>,
        /// With --casebook: exit 1 if any casebook's move agreement is below this percentage
        #[arg(long, value_name = "PCT", requires = "casebook")]
        min_agreement: Option<rust_decimal::Decimal>,
        /// The output's form
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// Draw the rule set: responsibility table, eligibility, escalation paths (Graphviz DOT or SVG)
    Graph {
        /// The rule-set folder (default: the built-in rules, a copy of rules/default)
        dir: Option<PathBuf>,
        /// The picture's form: Graphviz DOT, or SVG drawn by Graphviz's `dot`
        #[arg(long, value_enum, default_value = "dot")]
        format: graph_cmd::GraphFormat,
        /// Write to this file (default: standard output)
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Fit the buyer rules (acceptance curves, patience) to what buyers did in a history, and
    /// show the fit before and after
    Fit {
        /// The history: JSON Lines, or CSV with a .csv name
        history: PathBuf,
        /// The rule-set folder to fit (default: the built-in rules/default)
        #[arg(long)]
        rules: Option<PathBuf>,
        /// Write the rule set with the fitted values to this new folder
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// The output's form
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
    },
    /// What changed between two rule sets, rule by rule; with --history, which changes move money
    Diff {
        /// The rule-set folder before the change
        old: PathBuf,
        /// The rule-set folder after the change
        new: PathBuf,
        /// Replay this history (`-`: standard input, JSON Lines) under both and attribute the
        /// changes in advice to rule changes
        #[arg(long, value_name = "FILE")]
        history: Option<PathBuf>,
        /// The output's form
        #[arg(long, value_enum, default_value = "text")]
        format: OutputFormat,
        /// Exit 0 even if some history records were skipped
        #[arg(long)]
        allow_skipped: bool,
    },
}

fn main() -> ExitCode {
    // `--color` is read before clap parses, so that clap's own help and errors follow it.
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let early = color::from_args(&args);
    let matches = Cli::command()
        .color(color::for_clap(early))
        .get_matches_from(args);
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    color::set(cli.color);
    let m = desk::messages(cli.lang);
    let result = match cli.command {
        Command::Advise {
            claim,
            rules,
            format,
            tree,
            as_of,
            draft,
            buyer_lang,
            signature,
        } => advise::run(
            &claim,
            rules.as_deref(),
            format,
            tree.as_deref(),
            as_of,
            draft.then_some(advise::DraftAsk {
                lang: buyer_lang,
                signature,
            }),
            &m,
        ),
        Command::Explain {
            claim,
            rules,
            format,
            as_of,
        } => explain_cmd::run(&claim, rules.as_deref(), format, as_of, &m),
        Command::Claim {
            command: ClaimCommand::Desk(c),
        } => desk::run(c, &m),
        Command::History {
            command: HistoryCommand::Export(a),
        } => desk::export::run(a),
        Command::Claim {
            command: ClaimCommand::Check { files, format },
        } => check::claims(&files, format),
        Command::Rules {
            command: RulesCommand::Check { dir, format },
        } => check::rules(dir.as_deref(), format),
        Command::Rules {
            command: RulesCommand::Graph { dir, format, out },
        } => graph_cmd::run(dir.as_deref(), format, out.as_deref()),
        Command::Rules {
            command: RulesCommand::Lint { dir, deny, format },
        } => lint_cmd::run(dir.as_deref(), deny, format),
        Command::Rules {
            command:
                RulesCommand::Test {
                    dir,
                    coverage_min,
                    casebook,
                    min_agreement,
                    format,
                },
        } => {
            if casebook.is_empty() {
                ruletest_cmd::run(dir.as_deref(), coverage_min, format)
            } else {
                ruletest_cmd::casebooks(dir.as_deref(), &casebook, min_agreement, format)
            }
        }
        Command::Rules {
            command:
                RulesCommand::Diff {
                    old,
                    new,
                    history,
                    format,
                    allow_skipped,
                },
        } => diff_cmd::run(&old, &new, history.as_deref(), format, allow_skipped),
        Command::Rules {
            command:
                RulesCommand::Fit {
                    history,
                    rules,
                    out,
                    format,
                },
        } => fit_cmd::run(&history, rules.as_deref(), out.as_deref(), format),
        Command::History {
            command:
                HistoryCommand::Gen {
                    count,
                    seed,
                    out,
                    format,
                },
        } => history_cmd::generate(count, seed, out.as_deref(), format.map(Into::into)),
        Command::History {
            command: HistoryCommand::Import { dir, out, format },
        } => history_cmd::import(&dir, out.as_deref(), format.map(Into::into)),
        Command::Replay(args) => replay_cmd::run(args),
        Command::Simulate(args) => simulate_cmd::run(args),
        Command::Serve(args) => serve_cmd::serve(args),
        Command::User { command } => serve_cmd::user(command),
        Command::Completions { shell } => {
            // Through the one writer, so a closed pipe ends it quietly like every command.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "settle", &mut script);
            out!("{}", String::from_utf8_lossy(&script));
            Ok(EXIT_OK)
        }
        Command::Man { out } => man(out.as_deref()),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // A reader that went away mid-stream (a history written to `| head`).
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>()
                    .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::from(EXIT_OK)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

/// `settle man`: the manual page of settle (roff) on standard output, or with `--out DIR` one
/// page per command written into `DIR`.
fn man(out: Option<&std::path::Path>) -> anyhow::Result<u8> {
    use anyhow::Context;
    match out {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            std::io::Write::write_all(&mut std::io::stdout(), &page)?;
        }
        Some(dir) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            clap_mangen::generate_to(Cli::command(), dir)
                .with_context(|| format!("cannot write the pages into {}", dir.display()))?;
            eprintln!("wrote the manual pages into {}", dir.display());
        }
    }
    Ok(EXIT_OK)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every command and argument says what it is for (in `--help`, the man page and the
    /// completions), as cargo, ripgrep and gh do.
    #[test]
    fn every_command_and_argument_has_help() {
        fn walk(cmd: &clap::Command, path: &str, missing: &mut Vec<String>) {
            let path = format!("{path} {}", cmd.get_name());
            if cmd.get_about().is_none() {
                missing.push(format!("{path}: the command"));
            }
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                if arg.get_help().is_none() && arg.get_long_help().is_none() {
                    missing.push(format!("{path}: {id}"));
                }
                // The shells' names are clap_complete's and say what they are.
                for v in arg.get_possible_values() {
                    if v.get_help().is_none() && arg.get_action().takes_values() && id != "shell" {
                        missing.push(format!("{path}: {id}={}", v.get_name()));
                    }
                }
            }
            for sub in cmd.get_subcommands() {
                if sub.get_name() != "help" {
                    walk(sub, &path, missing);
                }
            }
        }
        let mut missing = Vec::new();
        let cmd = Cli::command();
        cmd.clone().debug_assert();
        walk(&cmd, "", &mut missing);
        assert!(missing.is_empty(), "without help: {missing:#?}");
    }
}
