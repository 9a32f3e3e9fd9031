//! settle-web: the web desk (`settle serve`). Server-rendered pages over the claim ledger and the
//! engine for the rep (the desk, a claim's advice, its draft, recording the buyer's reply), the
//! manager (approvals, the rule set in force, outcomes) and the analyst (replays and simulations
//! of a candidate rule set against the ledger's history).
//!
//! One axum router ([`router`]) over an [`App`]: the rule set and drafts loaded once, a small pool
//! of ledger connections used inside `spawn_blocking`, and the clock handed in by the caller
//! (the CLI reads it; this crate never does). Every page comes from settle-view's views, so the
//! web shows the figures the terminal shows; the engine's logic is never re-implemented here.
//!
//! Local mode (the default) serves one implicit user on loopback without a login; team mode has
//! users, roles and sessions ([`auth`]). Every form carries a CSRF token, in both modes.

#![deny(missing_docs)]

pub mod auth;
mod form;
mod pages;
mod render;
pub mod text;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use settle_engine::Playbook;
use settle_ledger::{Ledger, Target};
use settle_rules::SourceFile;
use settle_view::draft::Drafts;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::{Date, OffsetDateTime};

pub use auth::{hash_password, verify_password};

/// Now, and today in the user's time zone, as the caller's clock gives them.
#[derive(Debug, Clone, Copy)]
pub struct Now {
    /// Now, for the audit log and session expiry.
    pub now: OffsetDateTime,
    /// Today, the day deadlines and advice are judged on.
    pub today: Date,
}

/// The clock, read by the caller (settle-cli), so that tests and re-runs can fix it.
pub type Clock = Arc<dyn Fn() -> Now + Send + Sync>;

/// Who may use the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    /// One user on this machine, no login; binds to loopback only.
    Local {
        /// The name the audit log records.
        user: String,
    },
    /// Users, roles and sessions from the ledger's `users` table.
    Team {
        /// Whether cookies carry `Secure` (off only for plain HTTP on loopback).
        secure_cookies: bool,
    },
}

/// How the server runs.
#[derive(Clone)]
pub struct Config {
    /// The ledger.
    pub target: Target,
    /// The rule-set folder in force (`None`: the built-in rules).
    pub rules_dir: Option<PathBuf>,
    /// The rule tests of the rule set in force (`DIR/tests`), when they can be found.
    pub rule_tests_dir: Option<PathBuf>,
    /// The folder whose sub-folders an analyst may replay or simulate (`None`: none).
    pub candidates_dir: Option<PathBuf>,
    /// Local or team.
    pub mode: Mode,
    /// The clock.
    pub clock: Clock,
    /// How long a session lasts.
    pub session_ttl: Duration,
    /// The largest request body accepted.
    pub body_limit: usize,
    /// The longest a request may take.
    pub request_timeout: Duration,
}

impl Config {
    /// A configuration with the usual limits: sessions of 12 hours, bodies up to 64 KiB,
    /// requests of at most 10 seconds.
    pub fn new(target: Target, mode: Mode, clock: Clock) -> Config {
        Config {
            target,
            rules_dir: None,
            rule_tests_dir: None,
            candidates_dir: None,
            mode,
            clock,
            session_ttl: Duration::from_secs(12 * 3600),
            body_limit: 64 * 1024,
            request_timeout: Duration::from_secs(10),
        }
    }
}

/// Why the server cannot start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The rule set does not load.
    #[error("the rule set has errors:\n{0}")]
    Rules(String),
    /// The drafts do not load.
    #[error("the rule set's drafts have errors:\n{0}")]
    Drafts(String),
    /// The rule folder cannot be read.
    #[error("{0}")]
    Read(String),
    /// The ledger cannot be opened.
    #[error("cannot open the ledger {target}: {source}")]
    Ledger {
        /// Where.
        target: String,
        /// Why.
        source: settle_ledger::Error,
    },
    /// A non-loopback address without `--team`.
    #[error(
        "{0} is not a loopback address: local mode serves this machine only; use --team (users and logins) to serve a network"
    )]
    NotLoopback(SocketAddr),
    /// The address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// Where.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
}

/// The rule set in force and what the manager's page says about it.
pub(crate) struct Rules {
    pub playbook: Playbook,
    pub drafts: Drafts,
    pub lint: Vec<String>,
    pub tests: Option<Result<(usize, Vec<String>), String>>,
}

/// The running application: configuration, rules, ledger connections.
pub struct App {
    pub(crate) cfg: Config,
    pub(crate) rules: Rules,
    pool: Mutex<Vec<Ledger>>,
    /// On SQLite, writes take turns here: the database has one write lock, and a writer that
    /// finds it taken backs off in sleeps (up to 100 ms), which a queue in the process avoids.
    writer: Mutex<()>,
    /// Local mode's CSRF token (team sessions each have their own), fresh at every start.
    pub(crate) local_csrf: String,
    /// Failed logins by user name (team mode).
    pub(crate) logins: auth::Throttle,
}

/// Connections kept for reuse; more are opened under load and dropped after.
const POOL_KEEP: usize = 8;

fn render_diags(diags: &[settle_rules::Diagnostic], sources: &[SourceFile]) -> String {
    let refs: Vec<&SourceFile> = sources.iter().collect();
    settle_rules::diag::render(diags, &refs, false)
}

impl App {
    /// Loads the rule set and drafts, opens (and migrates) the ledger once.
    pub fn new(cfg: Config) -> Result<App, StartError> {
        let dir = cfg.rules_dir.as_deref();
        let sources = match dir {
            Some(d) => {
                settle_rules::defaults::read_dir(d).map_err(|e| StartError::Read(e.to_string()))?
            }
            None => settle_rules::defaults::default_sources(),
        };
        let playbook = settle_rules::ruleset::load(sources.clone())
            .map_err(|d| StartError::Rules(render_diags(&d, &sources)))?;
        let mut draft_sources = match dir {
            Some(d) => settle_rules::defaults::read_drafts(d)
                .map_err(|e| StartError::Read(e.to_string()))?,
            None => Vec::new(),
        };
        if draft_sources.is_empty() {
            draft_sources = settle_rules::defaults::default_draft_sources();
        }
        let drafts = Drafts::load(draft_sources.clone())
            .map_err(|d| StartError::Drafts(render_diags(&d, &draft_sources)))?;
        let lint = settle_rules::lint::lint(&playbook, &sources)
            .iter()
            .map(|d| d.short())
            .collect();
        let tests = cfg.rule_tests_dir.as_deref().map(|d| {
            match settle_rules::ruletest::load(d, &playbook) {
                Ok(tests) => {
                    let failed = tests
                        .iter()
                        .map(|t| settle_rules::ruletest::run(&playbook, t))
                        .filter(|o| !o.failures.is_empty())
                        .map(|o| format!("{} ({}): {}", o.name, o.at, o.failures.join("; ")))
                        .collect();
                    Ok((tests.len(), failed))
                }
                Err((d, s)) => Err(render_diags(&d, &s)),
            }
        });
        let first = Ledger::open(&cfg.target).map_err(|source| StartError::Ledger {
            target: cfg.target.to_string(),
            source,
        })?;
        Ok(App {
            cfg,
            rules: Rules {
                playbook,
                drafts,
                lint,
                tests,
            },
            pool: Mutex::new(vec![first]),
            writer: Mutex::new(()),
            local_csrf: auth::random_token(),
            logins: auth::Throttle::default(),
        })
    }

    /// The clock's reading.
    pub(crate) fn now(&self) -> Now {
        (self.cfg.clock)()
    }

    /// Runs `work` on a ledger connection from the pool (or a new one). A connection whose
    /// operation failed in the driver is dropped rather than reused.
    pub(crate) fn ledger<T>(
        &self,
        work: impl FnOnce(&mut Ledger) -> settle_ledger::Result<T>,
    ) -> Result<T, WebError> {
        let taken = self.pool.lock().ok().and_then(|mut p| p.pop());
        let mut l = match taken {
            Some(l) => l,
            None => Ledger::open(&self.cfg.target).map_err(WebError::ledger)?,
        };
        let out = work(&mut l);
        let broken = matches!(
            out,
            Err(settle_ledger::Error::Sqlite(_) | settle_ledger::Error::Postgres(_))
        );
        if !broken
            && let Ok(mut p) = self.pool.lock()
            && p.len() < POOL_KEEP
        {
            p.push(l);
        }
        out.map_err(WebError::ledger)
    }

    /// [`App::ledger`] for a write: on SQLite, one write at a time within the process.
    pub(crate) fn ledger_write<T>(
        &self,
        work: impl FnOnce(&mut Ledger) -> settle_ledger::Result<T>,
    ) -> Result<T, WebError> {
        let _turn = match self.cfg.target {
            Target::Sqlite(_) => Some(self.writer.lock().unwrap_or_else(|p| p.into_inner())),
            Target::Postgres(_) => None,
        };
        self.ledger(work)
    }

    /// Whether this is team mode.
    pub(crate) fn team(&self) -> bool {
        matches!(self.cfg.mode, Mode::Team { .. })
    }
}

/// A request that cannot be served: its status and a message for the user (never a secret,
/// never a stack).
#[derive(Debug)]
pub struct WebError {
    /// The status.
    pub status: StatusCode,
    /// What the user reads.
    pub message: String,
    /// Where to send a browser instead (a login page), if anywhere.
    pub redirect: Option<String>,
}

impl WebError {
    /// An error with a status and message.
    pub fn new(status: StatusCode, message: impl Into<String>) -> WebError {
        WebError {
            status,
            message: message.into(),
            redirect: None,
        }
    }

    /// A ledger error as the user reads it: not found 404, a conflict 409, refused input 422,
    /// anything else 500 (its detail goes to the server's log, not the page).
    pub fn ledger(e: settle_ledger::Error) -> WebError {
        use settle_ledger::Error as E;
        match &e {
            E::NotFound { .. } => WebError::new(StatusCode::NOT_FOUND, e.to_string()),
            E::Conflict { .. } => WebError::new(
                StatusCode::CONFLICT,
                format!("{e}; nothing was written: reload the claim and try again"),
            ),
            E::Exists { .. } | E::Invalid { .. } | E::Closed { .. } => WebError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{e}; nothing was written"),
            ),
            _ => {
                eprintln!("settle serve: ledger error: {e}");
                WebError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the ledger could not be read or written; nothing was written",
                )
            }
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        if let Some(to) = &self.redirect {
            return render::redirect(to);
        }
        render::error_page(self.status, &self.message)
    }
}

/// The router of every page, with the request size limit and timeout.
pub fn router(app: Arc<App>) -> Router {
    pages::routes(app.clone())
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            app.cfg.request_timeout,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(
            app.cfg.body_limit,
        ))
        .with_state(app)
}

/// Checks the address against the mode: local mode binds loopback only.
pub fn check_listen(addr: SocketAddr, mode: &Mode) -> Result<(), StartError> {
    if matches!(mode, Mode::Local { .. }) && !addr.ip().is_loopback() {
        return Err(StartError::NotLoopback(addr));
    }
    Ok(())
}

/// Binds `addr` and serves until the process is stopped (Ctrl-C ends it cleanly). `ready` is
/// called with the bound address (the port may have been 0).
pub async fn serve(
    cfg: Config,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), StartError> {
    serve_until(cfg, addr, ready, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await
}

/// [`serve`], until `stop` completes (tests stop their server this way).
pub async fn serve_until(
    cfg: Config,
    addr: SocketAddr,
    ready: impl FnOnce(SocketAddr),
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    check_listen(addr, &cfg.mode)?;
    let app = Arc::new(tokio::task::block_in_place(|| App::new(cfg))?);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| StartError::Bind { addr, source })?;
    let bound = listener
        .local_addr()
        .map_err(|source| StartError::Bind { addr, source })?;
    ready(bound);
    axum::serve(listener, router(app))
        .with_graceful_shutdown(stop)
        .await
        .map_err(|source| StartError::Bind { addr, source })
}
