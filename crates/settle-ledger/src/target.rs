//! Where a ledger lives: a SQLite file (the default) or a PostgreSQL database, parsed from text.

use crate::error::{Error, Result};
use std::fmt;
use std::path::PathBuf;

/// A ledger's location.
#[derive(Clone, PartialEq, Eq)]
pub enum Target {
    /// A SQLite database file; created on first use.
    Sqlite(PathBuf),
    /// A PostgreSQL connection URL (`postgres://user@host:port/database`); the database must
    /// exist, the ledger's tables are created on first use.
    Postgres(String),
}

impl Target {
    /// Reads a ledger location: a `postgres://` or `postgresql://` URL is PostgreSQL; anything
    /// else is a SQLite file path, with an optional `sqlite:` (or `sqlite://`) prefix.
    pub fn parse(text: &str) -> Result<Target> {
        let lower = text.get(..13).unwrap_or(text).to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(Target::Postgres(text.to_string()));
        }
        let path = if lower.starts_with("sqlite://") {
            &text[9..]
        } else if lower.starts_with("sqlite:") {
            &text[7..]
        } else {
            text
        };
        if path.is_empty() {
            return Err(Error::Target {
                target: text.to_string(),
                reason: "no file path; give a SQLite file or a postgres:// URL".into(),
            });
        }
        if path.contains("://") {
            return Err(Error::Target {
                target: Target::Postgres(text.to_string()).to_string(),
                reason: "only postgres://, postgresql:// and sqlite: locations are known".into(),
            });
        }
        Ok(Target::Sqlite(PathBuf::from(path)))
    }
}

/// Shows the location with any password in a URL replaced by `***`, so it can be logged.
impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Sqlite(p) => write!(f, "sqlite:{}", p.display()),
            Target::Postgres(url) => f.write_str(&hide_password(url)),
        }
    }
}

impl fmt::Debug for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Sqlite(p) => f.debug_tuple("Sqlite").field(p).finish(),
            Target::Postgres(_) => f.debug_tuple("Postgres").field(&self.to_string()).finish(),
        }
    }
}

fn hide_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.to_string();
    };
    let user_info = &authority[..at];
    match user_info.find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end + 3],
            &user_info[..colon],
            &url[scheme_end + 3 + at..]
        ),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_form() {
        let cases = [
            ("ledger.db", Target::Sqlite("ledger.db".into())),
            ("sqlite:ledger.db", Target::Sqlite("ledger.db".into())),
            ("sqlite:///tmp/l.db", Target::Sqlite("/tmp/l.db".into())),
            ("SQLite:a/b.sqlite", Target::Sqlite("a/b.sqlite".into())),
            (
                "postgres://settle@127.0.0.1:5433/x",
                Target::Postgres("postgres://settle@127.0.0.1:5433/x".into()),
            ),
            (
                "postgresql://h/x",
                Target::Postgres("postgresql://h/x".into()),
            ),
        ];
        for (text, want) in cases {
            assert_eq!(Target::parse(text).unwrap(), want, "{text}");
        }
    }

    #[test]
    fn refuses_empty_and_unknown_schemes() {
        for text in ["", "sqlite:", "mysql://h/db", "sqlite://"] {
            assert!(
                matches!(Target::parse(text), Err(Error::Target { .. })),
                "{text}"
            );
        }
    }

    #[test]
    fn hides_passwords() {
        let t = Target::parse("postgres://rep:s3cret@db:5432/settle?sslmode=disable").unwrap();
        assert_eq!(
            t.to_string(),
            "postgres://rep:***@db:5432/settle?sslmode=disable"
        );
        assert!(!format!("{t:?}").contains("s3cret"));
        let t = Target::parse("postgres://rep@db/settle").unwrap();
        assert_eq!(t.to_string(), "postgres://rep@db/settle");
    }
}
