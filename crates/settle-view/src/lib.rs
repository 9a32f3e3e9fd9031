//! settle-view: what settle shows. Each command's output is a typed view that derives
//! `Serialize` (its JSON, documented in docs/output.md) and is rendered from that same value
//! as text for a terminal and, where there is a page, as HTML through templates that escape
//! by construction. Views are built once from the engine's results; nothing here decides.
//!
//! Invariant: a view holds the figures as they are shown (money rounded to its currency,
//! probabilities to four places in JSON); the text and HTML forms read only the view.

#![deny(missing_docs)]

pub mod advice;
pub mod casebook;
pub mod check;
pub mod desk;
pub mod diff;
pub mod draft;
pub mod explain;
pub mod fit;
pub mod html;
pub mod l10n;
pub mod replay;
pub mod ruletest;
pub mod schema;
pub mod sim;
pub mod table;
pub mod words;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use settle_engine::Playbook;
use settle_engine::playbook::RuleRef;

/// A rule set as outputs name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleSetRef {
    /// `[ruleset] name`.
    pub name: String,
    /// `[ruleset] version`.
    pub version: String,
    /// The content hash (SHA-256, hex).
    pub hash: String,
}

impl RuleSetRef {
    /// The rule set's name, version and hash.
    pub fn of(p: &Playbook) -> RuleSetRef {
        RuleSetRef {
            name: p.name().to_string(),
            version: p.version().to_string(),
            hash: p.hash().to_string(),
        }
    }

    /// `name version (first 12 hex digits of the hash)`.
    pub fn short(&self) -> String {
        format!(
            "{} {} ({})",
            self.name,
            self.version,
            &self.hash[..12.min(self.hash.len())]
        )
    }
}

/// The warning when two rule sets compared call themselves the same (name and version) but
/// differ: a copy changed without being renamed, which headers would show as `default 2.0.0 ->
/// default 2.0.0`.
pub fn same_name_warning(
    (name_a, version_a, hash_a): (&str, &str, &str),
    (name_b, version_b, hash_b): (&str, &str, &str),
) -> Option<String> {
    (name_a == name_b && version_a == version_b && hash_a != hash_b).then(|| {
        format!(
            "warning: both rule sets call themselves `{name_a} {version_a}` but differ (hashes {} and {}); give the changed one its own name or version in ruleset.toml",
            &hash_a[..12.min(hash_a.len())],
            &hash_b[..12.min(hash_b.len())]
        )
    })
}

/// A rule, cited: its id, why it exists, its source, and where it is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cite {
    /// The rule's id.
    pub id: String,
    /// One line a rep can read.
    pub why: String,
    /// A seed, a CISG article or another source, when the rule cites one.
    pub source: Option<String>,
    /// `file:line`.
    pub at: String,
}

impl Cite {
    /// A rule of a playbook, cited.
    pub fn of(p: &Playbook, r: RuleRef) -> Cite {
        let info = p.rule(r);
        Cite {
            id: info.id.clone(),
            why: info.why.clone(),
            source: info.source.clone(),
            at: p.cite(r),
        }
    }

    /// `id (file:line)`.
    pub fn short(&self) -> String {
        format!("{} ({})", self.id, self.at)
    }
}

/// Serializes a probability as a JSON number rounded to four places (`0.7812`); the view
/// keeps the full value for the text, which shows whole percents.
pub(crate) fn prob<S: Serializer>(p: &Decimal, s: S) -> Result<S::Ok, S::Error> {
    // As JSON writes the number's shortest text: `1`, not `1.0`.
    let r = p.round_dp(4).normalize();
    if r.scale() == 0 {
        return match i64::try_from(r.mantissa()) {
            Ok(i) => s.serialize_i64(i),
            Err(_) => s.serialize_none(),
        };
    }
    match r.to_string().parse::<f64>() {
        Ok(f) => s.serialize_f64(f),
        Err(_) => s.serialize_none(),
    }
}

/// [`prob`] for an optional probability.
pub(crate) fn prob_opt<S: Serializer>(p: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        Some(p) => prob(p, s),
        None => s.serialize_none(),
    }
}

/// An amount in the rounded form a view holds (`"2100.00"`) shown with its currency and
/// thousands grouped: `USD 2,100.00`.
pub fn money(currency: &str, rounded: &str) -> String {
    format!(
        "{currency} {}",
        settle_engine::money::group_thousands(rounded)
    )
}

/// A probability as a whole percentage: `78%`.
pub fn percent(p: Decimal) -> String {
    format!("{}%", (p * Decimal::ONE_HUNDRED).round_dp(0))
}
