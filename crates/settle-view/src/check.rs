//! `settle claim check`, `settle rules check` and `settle rules lint`: diagnostics and rule-set
//! summaries as views. The rustc-style text of diagnostics is rendered by `settle-rules`
//! (`diag::render`, which needs the sources); these are their data form.

use crate::RuleSetRef;
use serde::Serialize;
use settle_engine::Playbook;
use settle_rules::Diagnostic;

/// A diagnostic: a problem (or a lint warning) at a place in a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DiagnosticView {
    /// `error` or `warning`.
    pub severity: &'static str,
    /// The file, as the user named it.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// The field, as a dotted path, when there is one.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
    /// A note at the caret.
    pub label: Option<String>,
    /// How to fix it.
    pub help: Option<String>,
}

impl DiagnosticView {
    /// The view of a diagnostic.
    pub fn of(d: &Diagnostic) -> DiagnosticView {
        DiagnosticView {
            severity: d.severity.as_str(),
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            field: d.field.clone(),
            message: d.message.clone(),
            label: d.label.clone(),
            help: d.help.clone(),
        }
    }

    /// Views of a list of diagnostics.
    pub fn all(diags: &[Diagnostic]) -> Vec<DiagnosticView> {
        diags.iter().map(DiagnosticView::of).collect()
    }
}

/// One file checked by `claim check`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileCheck {
    /// The file, as the user named it.
    pub file: String,
    /// Whether it is a valid claim.
    pub valid: bool,
    /// The claim's id, when valid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claim: Option<String>,
    /// Every problem, when invalid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diagnostics: Option<Vec<DiagnosticView>>,
}

/// `settle claim check --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimCheckView {
    /// Each file, in the order given.
    pub files: Vec<FileCheck>,
    /// How many are valid.
    pub valid: usize,
    /// How many are not.
    pub invalid: usize,
}

impl ClaimCheckView {
    /// The summary line of the text form.
    pub fn summary(&self, problems: usize) -> String {
        let files = self.files.len();
        if self.invalid == 0 {
            format!("{files} claim file{} valid", plural(files))
        } else {
            format!(
                "{} of {files} claim file{} invalid ({problems} problem{})",
                self.invalid,
                plural(files),
                plural(problems)
            )
        }
    }
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Counts per section of a rule set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Responsibility rows, `otherwise` included.
    pub responsibility_rows: usize,
    /// Eligibility rules.
    pub eligibility_rules: usize,
    /// Cost parameters.
    pub cost_parameters: usize,
    /// Cost adjustments.
    pub cost_adjustments: usize,
    /// Escalation rules.
    pub escalation_rules: usize,
    /// Evidence requests.
    pub evidence_requests: usize,
    /// Approval limits (one per currency).
    pub approval_limits: usize,
    /// Seller moves the tree looks ahead.
    pub tree_rounds: usize,
}

impl Counts {
    /// The counts of a rule set.
    pub fn of(p: &Playbook) -> Counts {
        Counts {
            responsibility_rows: p.responsibility().rows.len()
                + usize::from(p.responsibility().otherwise.is_some()),
            eligibility_rules: p.eligibility().len(),
            cost_parameters: settle_engine::playbook::COST_PARAM_COUNT,
            cost_adjustments: p.cost_adjustments().len(),
            escalation_rules: p.escalation().len(),
            evidence_requests: p.evidence_requests().len(),
            approval_limits: p.limits().approval.len(),
            tree_rounds: p.tree().rounds as usize,
        }
    }

    /// Each count with its name in words.
    pub fn named(&self) -> [(&'static str, usize); 8] {
        [
            ("responsibility rows", self.responsibility_rows),
            ("eligibility rules", self.eligibility_rules),
            ("cost parameters", self.cost_parameters),
            ("cost adjustments", self.cost_adjustments),
            ("escalation rules", self.escalation_rules),
            ("evidence requests", self.evidence_requests),
            ("approval limits", self.approval_limits),
            ("tree rounds", self.tree_rounds),
        ]
    }
}

/// `settle rules check --format json` for a rule set that loads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulesOk {
    /// Always `true`.
    pub ok: bool,
    /// The folder, as given (or the built-in one).
    pub dir: String,
    /// The rule set's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// Its content hash.
    pub hash: String,
    /// Its files.
    pub files: Vec<String>,
    /// Counts per section.
    pub counts: Counts,
    /// The reply drafts (`drafts/<lang>/<name>.j2`) checked, by name; empty when the folder has
    /// none and the built-in drafts are used.
    pub drafts: Vec<String>,
    /// Always empty.
    pub diagnostics: Vec<DiagnosticView>,
}

impl RulesOk {
    /// The summary of a rule set that loads from `dir`.
    pub fn of(p: &Playbook, dir: &str, drafts: Vec<String>) -> RulesOk {
        RulesOk {
            drafts,
            ok: true,
            dir: dir.to_string(),
            name: p.name().to_string(),
            version: p.version().to_string(),
            hash: p.hash().to_string(),
            files: p.files().to_vec(),
            counts: Counts::of(p),
            diagnostics: Vec::new(),
        }
    }

    /// The summary as text.
    pub fn text(&self) -> String {
        let mut s = format!(
            "rule set {} {} ok: {}\n  hash  {}\n  files {}\n",
            self.name,
            self.version,
            self.dir,
            self.hash,
            self.files.len()
        );
        for (what, n) in self.counts.named() {
            s.push_str(&format!("  {n:>5} {what}\n"));
        }
        if self.drafts.is_empty() {
            s.push_str("  no reply drafts: the built-in ones are used\n");
        } else {
            let langs: std::collections::BTreeSet<&str> = self
                .drafts
                .iter()
                .filter_map(|d| d.split_once('/').map(|x| x.0))
                .collect();
            s.push_str(&format!(
                "  {:>5} reply drafts ({})\n",
                self.drafts.len(),
                langs.into_iter().collect::<Vec<_>>().join(", ")
            ));
        }
        s
    }
}

/// `settle rules check --format json` for a rule set that does not load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulesFailed {
    /// Always `false`.
    pub ok: bool,
    /// The folder, as given.
    pub dir: String,
    /// Every problem.
    pub diagnostics: Vec<DiagnosticView>,
}

impl RulesFailed {
    /// The summary line of the text form.
    pub fn summary(&self) -> String {
        let errors = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == "error")
            .count();
        format!(
            "rule set {}: {errors} error{}; nothing loaded",
            self.dir,
            plural(errors)
        )
    }
}

/// `settle rules lint --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LintView {
    /// The rule set.
    pub rules: RuleSetRef,
    /// Every warning.
    pub warnings: Vec<DiagnosticView>,
}

impl LintView {
    /// The summary line of the text form.
    pub fn summary(&self) -> String {
        format!(
            "rule set {} {}: {} warning{}",
            self.rules.name,
            self.rules.version,
            self.warnings.len(),
            plural(self.warnings.len())
        )
    }
}
