//! The shipped default playbook, embedded so that `settle` works from any folder, and the
//! reading of a rule-set folder from disk.

use crate::diag::Diagnostic;
use crate::source::SourceFile;
use settle_engine::Playbook;
use std::path::Path;

macro_rules! embed {
    ($($name:literal),+ $(,)?) => {
        /// The default rule files: (name, text).
        pub const DEFAULT_FILES: &[(&str, &str)] = &[
            $(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/default/", $name)))),+
        ];
    };
}

embed!(
    "buyer.toml",
    "costs.toml",
    "eligibility.toml",
    "escalation.toml",
    "relationship.toml",
    "responsibility.toml",
    "ruleset.toml",
);

/// How the built-in default rule set is named in messages and citations.
pub const DEFAULT_DIR: &str = "rules/default";

/// The default rule files as sources named `rules/default/<file>`.
pub fn default_sources() -> Vec<SourceFile> {
    DEFAULT_FILES
        .iter()
        .map(|(name, text)| SourceFile::new(format!("{DEFAULT_DIR}/{name}"), *text))
        .collect()
}

/// Loads the built-in default rule set.
pub fn load_default() -> Result<Playbook, Vec<Diagnostic>> {
    crate::ruleset::load(default_sources())
}

/// A rule-set folder could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read rule set {path}: {source}")]
    /// A file or folder could not be opened or read.
    Io {
        /// The path as given.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
}

/// Reads every `*.toml` file directly in `dir` (name order), named `dir/file` in messages.
pub fn read_dir(dir: &Path) -> Result<Vec<SourceFile>, ReadError> {
    let shown = dir.display().to_string();
    let io = |source| ReadError::Io {
        path: shown.clone(),
        source,
    };
    let mut names: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "toml"))
        .collect();
    names.sort();
    let mut out = Vec::new();
    for p in names {
        let text = std::fs::read_to_string(&p).map_err(|source| ReadError::Io {
            path: p.display().to_string(),
            source,
        })?;
        let name = format!(
            "{}/{}",
            shown.trim_end_matches('/'),
            p.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        out.push(SourceFile::new(name, text));
    }
    Ok(out)
}
