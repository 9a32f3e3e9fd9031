//! The pages' own words, from the rep's message files (`web-*` in
//! `crates/settle-view/locales/<lang>/settle.ftl`), as one table per language that templates read
//! as `t.open_claims` (the id without `web-`, dashes as underscores).

use settle_view::l10n::{Lang, Messages};
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// Every message id the pages use.
pub const IDS: &[&str] = &[
    "web-skip",
    "web-nav",
    "web-language",
    "web-switch",
    "web-log-in",
    "web-log-out",
    "web-login-failed",
    "web-login-throttled",
    "web-user-name",
    "web-password",
    "web-open-claims",
    "web-new-claim",
    "web-new-claim-lead",
    "web-form-has-errors",
    "web-enter-claim",
    "web-assigned",
    "web-assign-to",
    "web-assign-help",
    "web-approvals",
    "web-approvals-lead",
    "web-outcomes",
    "web-outcomes-lead",
    "web-rules",
    "web-analyst",
    "web-analyst-lead",
    "web-closed-claims",
    "web-candidate",
    "web-run-what",
    "web-replay",
    "web-simulate",
    "web-run",
    "web-no-candidates",
    "web-no-history",
    "web-due",
    "web-claim",
    "web-customer",
    "web-problem",
    "web-ask",
    "web-order",
    "web-received",
    "web-move",
    "web-no-claims",
    "web-closed",
    "web-next-move",
    "web-gate",
    "web-approval-pending",
    "web-approval-approved",
    "web-approval-declined",
    "web-ask-approval",
    "web-we-sent-offer",
    "web-we-accepted",
    "web-we-acknowledged",
    "web-log-advice",
    "web-buyer-replied",
    "web-buyer-accepted",
    "web-buyer-refused",
    "web-counter-remedy",
    "web-counter-amount",
    "web-on-day",
    "web-record-counter",
    "web-record-other",
    "web-round-kind",
    "web-round-by",
    "web-party-buyer",
    "web-party-seller",
    "web-note",
    "web-record",
    "web-draft-ack",
    "web-draft-reply",
    "web-buyer-language",
    "web-draft-text",
    "web-copy",
    "web-copied",
    "web-the-advice",
    "web-options",
    "web-why-not",
    "web-plan",
    "web-warnings",
    "web-rules-behind",
    "web-rule-set",
    "web-history",
    "web-rounds",
    "web-no-rounds",
    "web-advice-given",
    "web-no-advice",
    "web-audit-log",
    "web-asked-by",
    "web-cost",
    "web-limit",
    "web-comment",
    "web-approve",
    "web-decline",
    "web-no-pending",
    "web-recent-decisions",
    "web-proposal",
    "web-decision",
    "web-version",
    "web-hash",
    "web-lint",
    "web-lint-clean",
    "web-warnings-count",
    "web-rule-tests",
    "web-rule-tests-none",
    "web-rule-tests-run",
    "web-rule-tests-failed",
    "web-rule-tests-broken",
    "web-every-rule",
    "web-rule",
    "web-why",
    "web-source",
    "web-where",
    "web-outcome",
    "web-retained",
    "web-no-outcomes",
    "web-yes",
    "web-no",
    "web-close-claim",
    "web-close-settled",
    "web-as-accepted",
    "web-cost-to-us",
    "web-units",
    "web-assign",
    "web-evidence-field",
    "web-evidence-value",
];

/// The pages' words in a language.
pub fn texts(lang: Lang) -> &'static BTreeMap<String, String> {
    static TABLES: OnceLock<[BTreeMap<String, String>; 2]> = OnceLock::new();
    let tables = TABLES.get_or_init(|| [table(Lang::En), table(Lang::ZhCn)]);
    match lang {
        Lang::En => &tables[0],
        Lang::ZhCn => &tables[1],
    }
}

fn table(lang: Lang) -> BTreeMap<String, String> {
    let m = Messages::new(lang);
    IDS.iter()
        .map(|id| {
            let key = id.trim_start_matches("web-").replace('-', "_");
            (key, m.text(id))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_word_exists_in_every_language() {
        for lang in Lang::ALL {
            for (key, text) in texts(lang) {
                assert!(!text.starts_with("web-"), "{} lacks web-{key}", lang.tag());
            }
        }
        assert_eq!(texts(Lang::ZhCn)["log_in"], "登录");
    }

    #[test]
    fn every_word_a_template_reads_is_in_the_table() {
        let keys = texts(Lang::En);
        for (name, source) in crate::render::TEMPLATES {
            let mut rest = *source;
            while let Some(i) = rest.find("t.") {
                let before = rest[..i].chars().last();
                rest = &rest[i + 2..];
                if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.') {
                    continue;
                }
                let key: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_lowercase() || *c == '_')
                    .collect();
                assert!(key.is_empty() || keys.contains_key(&key), "{name}: t.{key}");
            }
        }
    }
}
