//! `settle serve` (the web desk, settle-web) and `settle user add|list|disable|enable` (the
//! team's users in the ledger). The clock is read here and handed to the server.

use crate::desk::{Clock, LedgerOpts};
use crate::{EXIT_BAD_INPUT, EXIT_OK};
use anyhow::{Context, Result};
use settle_ledger::Role;
use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

/// `settle serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub ledger: LedgerOpts,
    /// The rule-set folder in force (default: the built-in rules/default)
    #[arg(long)]
    pub rules: Option<PathBuf>,
    /// Where to listen (local mode: a loopback address only)
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Team mode: users, roles and logins (settle user add); required to listen beyond loopback
    #[arg(long)]
    pub team: bool,
    /// A folder of candidate rule-set folders the analyst may replay and simulate
    #[arg(long, value_name = "DIR")]
    pub candidates: Option<PathBuf>,
    /// Mark cookies Secure even on a loopback address (behind a TLS proxy on this machine);
    /// team mode on any other address always does
    #[arg(long, requires = "team")]
    pub secure_cookies: bool,
}

/// Runs `settle serve` until it is stopped.
pub fn serve(a: ServeArgs) -> Result<u8> {
    Clock::read()?;
    let clock: settle_web::Clock = Arc::new(|| {
        let c = Clock::read().unwrap_or_else(|_| Clock {
            now: time::OffsetDateTime::now_utc(),
            today: time::OffsetDateTime::now_utc().date(),
        });
        settle_web::Now {
            now: c.now,
            today: c.today,
        }
    });
    let mode = if a.team {
        settle_web::Mode::Team {
            secure_cookies: a.secure_cookies || !a.listen.ip().is_loopback(),
        }
    } else {
        settle_web::Mode::Local {
            user: a.ledger.actor(),
        }
    };
    if let Err(e) = settle_web::check_listen(a.listen, &mode) {
        eprintln!("error: {e}");
        return Ok(EXIT_BAD_INPUT);
    }
    let target = a.ledger.target()?;
    let mut cfg = settle_web::Config::new(target.clone(), mode, clock);
    // The rule tests: the folder's own, or the built-in rules' in the project folder.
    cfg.rule_tests_dir = match &a.rules {
        Some(d) => Some(d.clone()),
        None => Some(PathBuf::from("rules/default")).filter(|d| d.join("tests").is_dir()),
    };
    cfg.rules_dir = a.rules.clone();
    cfg.candidates_dir = a.candidates.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(32)
        .build()
        .context("cannot start the server's threads")?;
    let team = a.team;
    let result = runtime.block_on(settle_web::serve(cfg, a.listen, |addr| {
        eprintln!(
            "settle serve: the web desk is at http://{addr}/ ({}; ledger {target}); Ctrl-C stops it",
            if team {
                "team mode: log in as a user of `settle user list`"
            } else {
                "local mode: this machine only, no login"
            }
        );
    }));
    match result {
        Ok(()) => Ok(EXIT_OK),
        Err(e) => {
            eprintln!("error: {e}");
            Ok(EXIT_BAD_INPUT)
        }
    }
}

/// A role.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RoleArg {
    /// Works the claims assigned to them
    Rep,
    /// Every claim, approvals, the rule set, outcomes
    Manager,
    /// Replays and simulations of candidate rule sets
    Analyst,
}

impl From<RoleArg> for Role {
    fn from(r: RoleArg) -> Role {
        match r {
            RoleArg::Rep => Role::Rep,
            RoleArg::Manager => Role::Manager,
            RoleArg::Analyst => Role::Analyst,
        }
    }
}

/// `settle user ...`: the web desk's users (team mode).
#[derive(clap::Subcommand)]
pub enum UserCommand {
    /// Add a user with a role; the password is asked on a terminal, or read from the first line
    /// of standard input
    Add {
        #[command(flatten)]
        ledger: LedgerOpts,
        /// The name they log in with
        name: String,
        /// What they may do
        #[arg(long, value_enum)]
        role: RoleArg,
    },
    /// Every user, their role and whether they are disabled
    List {
        #[command(flatten)]
        ledger: LedgerOpts,
    },
    /// Disable a user: they cannot log in and their sessions end
    Disable {
        #[command(flatten)]
        ledger: LedgerOpts,
        /// The user
        name: String,
    },
    /// Enable a disabled user again
    Enable {
        #[command(flatten)]
        ledger: LedgerOpts,
        /// The user
        name: String,
    },
}

/// The shortest password accepted.
const MIN_PASSWORD: usize = 8;

fn read_password() -> Result<String> {
    if std::io::stdin().is_terminal() && std::io::stderr().is_terminal() {
        Ok(dialoguer::Password::new()
            .with_prompt("Password")
            .with_confirmation("Again", "the two passwords differ")
            .interact()?)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\n', '\r']).to_string())
    }
}

/// Runs `settle user ...`.
pub fn user(c: UserCommand) -> Result<u8> {
    let clock = Clock::read()?;
    match c {
        UserCommand::Add { ledger, name, role } => {
            let password = read_password()?;
            if password.chars().count() < MIN_PASSWORD {
                eprintln!(
                    "error: the password is shorter than {MIN_PASSWORD} characters; nothing was written"
                );
                return Ok(EXIT_BAD_INPUT);
            }
            let hash = settle_web::hash_password(&password)
                .map_err(|e| anyhow::anyhow!("cannot hash the password: {e}"))?;
            let mut l = ledger.open()?;
            match l.add_user(&name, role.into(), &hash, &ledger.actor(), clock.now) {
                Ok(u) => {
                    outln!("{} ({}): added", u.name, u.role.as_str());
                    Ok(EXIT_OK)
                }
                Err(e) => Ok(crate::desk::report(&e)),
            }
        }
        UserCommand::List { ledger } => {
            let mut l = ledger.open()?;
            let users = match l.users() {
                Ok(u) => u,
                Err(e) => return Ok(crate::desk::report(&e)),
            };
            if users.is_empty() {
                outln!("no users yet: settle user add NAME --role rep|manager|analyst");
            }
            for u in users {
                outln!(
                    "{:<24} {:<8} {}{}",
                    u.name,
                    u.role.as_str(),
                    if u.disabled { "disabled" } else { "active" },
                    u.lang.map(|l| format!(" ({l})")).unwrap_or_default()
                );
            }
            Ok(EXIT_OK)
        }
        UserCommand::Disable { ledger, name } => set_disabled(&ledger, &name, true, &clock),
        UserCommand::Enable { ledger, name } => set_disabled(&ledger, &name, false, &clock),
    }
}

fn set_disabled(ledger: &LedgerOpts, name: &str, disabled: bool, clock: &Clock) -> Result<u8> {
    let mut l = ledger.open()?;
    match l.set_user_disabled(name, disabled, &ledger.actor(), clock.now) {
        Ok(u) => {
            outln!(
                "{}: {}",
                u.name,
                if u.disabled { "disabled" } else { "enabled" }
            );
            Ok(EXIT_OK)
        }
        Err(e) => Ok(crate::desk::report(&e)),
    }
}
