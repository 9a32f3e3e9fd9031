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

macro_rules! embed_drafts {
    ($($name:literal),+ $(,)?) => {
        /// The default reply drafts: (path under `drafts/`, text).
        pub const DEFAULT_DRAFTS: &[(&str, &str)] = &[
            $(($name, include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules/default/drafts/", $name)))),+
        ];
    };
}

embed_drafts!(
    "en/acknowledge.j2",
    "en/offer.j2",
    "en/accept.j2",
    "en/request_evidence.j2",
    "en/escalate.j2",
    "en/reject.j2",
    "en/execute.j2",
    "zh-CN/acknowledge.j2",
    "zh-CN/offer.j2",
    "zh-CN/accept.j2",
    "zh-CN/request_evidence.j2",
    "zh-CN/escalate.j2",
    "zh-CN/reject.j2",
    "zh-CN/execute.j2",
);

/// The default drafts as sources named `rules/default/drafts/<lang>/<name>.j2`.
pub fn default_draft_sources() -> Vec<SourceFile> {
    DEFAULT_DRAFTS
        .iter()
        .map(|(name, text)| SourceFile::new(format!("{DEFAULT_DIR}/drafts/{name}"), *text))
        .collect()
}

/// Reads the reply drafts of a rule folder: every `*.j2` file in each folder under
/// `dir/drafts/`, sorted, named `dir/drafts/<lang>/<file>`. A folder without `drafts/` has
/// none (`Ok` of an empty list).
pub fn read_drafts(dir: &Path) -> Result<Vec<SourceFile>, ReadError> {
    let drafts = dir.join("drafts");
    if !drafts.is_dir() {
        return Ok(Vec::new());
    }
    let io = |path: &Path| {
        let path = path.display().to_string();
        move |source| ReadError::Io { path, source }
    };
    let mut langs: Vec<_> = std::fs::read_dir(&drafts)
        .map_err(io(&drafts))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    langs.sort();
    let shown = dir.display().to_string();
    let mut out = Vec::new();
    for lang in langs {
        let mut files: Vec<_> = std::fs::read_dir(&lang)
            .map_err(io(&lang))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "j2"))
            .collect();
        files.sort();
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(io(&f))?;
            let name = |p: &Path| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            out.push(SourceFile::new(
                format!(
                    "{}/drafts/{}/{}",
                    shown.trim_end_matches('/'),
                    name(&lang),
                    name(&f)
                ),
                text,
            ));
        }
    }
    Ok(out)
}

/// The default rule set's tests (`rules/default/tests`), embedded so that `settle rules test`
/// without a folder tests the built-in rules like every other command uses them.
pub const DEFAULT_TESTS: &[(&str, &str)] = &[
    (
        "coverage.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../rules/default/tests/coverage.toml"
        )),
    ),
    (
        "law.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../rules/default/tests/law.toml"
        )),
    ),
    (
        "seeds.toml",
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../rules/default/tests/seeds.toml"
        )),
    ),
];

macro_rules! examples {
    ($($name:literal),+ $(,)?) => {
        /// The example claims the default rule set's tests name (`examples/claims`), by their
        /// path in the project.
        pub const EXAMPLE_CLAIMS: &[(&str, &str)] = &[
            $((concat!("examples/claims/", $name), include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/claims/", $name)))),+
        ];
    };
}

examples!(
    "brackets-late-vessel.toml",
    "cabinets-wrong-size.toml",
    "fasteners-short-shipment.toml",
    "grinder-hand-injury.toml",
    "lamps-battery-grade.toml",
    "tiles-transit-damage.toml",
    "towels-cosmetic-defect.json",
    "trial-order-failures.toml",
    "waybill-wrong-port.toml",
);

/// How the built-in default rule set is named in messages and citations: `builtin:default`,
/// the rule set's name rather than a path, since the files are inside the binary (the project
/// keeps them in `rules/default`).
pub const DEFAULT_DIR: &str = "builtin:default";

/// How files built into the binary are named: `builtin:` and their path in the project.
pub const BUILTIN: &str = "builtin:";

/// Where the built-in rules live in the project, for messages that point a manager at them.
pub const PROJECT_DIR: &str = "rules/default";

/// The default rule files as sources named `builtin:default/<file>`.
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
    // What the operating system said is the error's source, not part of its message, so that
    // a chain (`{e:#}`) says it once.
    #[error("cannot read rule set {path}")]
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
    // Every `*.toml` entry that is not a folder is read: one that cannot be (a broken link, a
    // symlink loop) is an error naming it, never a file silently left out of the rule set.
    let mut names: Vec<_> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let p = entry.map_err(io)?.path();
        if p.extension().is_some_and(|e| e == "toml") && !p.is_dir() {
            names.push(p);
        }
    }
    names.sort();
    let mut out = Vec::new();
    for p in names {
        let text = crate::source::read_text(&p).map_err(|source| ReadError::Io {
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
