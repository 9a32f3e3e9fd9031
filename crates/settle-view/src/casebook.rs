//! `settle rules test --casebook`: how a rule set's advice agrees with casebooks of real past
//! cases (move, option, amount, responsibility), per casebook and overall, and each miss with
//! what differs, as a view.

use crate::check::DiagnosticView;
use crate::ruletest::TestedRules;
use rust_decimal::Decimal;
use serde::Serialize;
use settle_engine::Playbook;
use settle_rules::casebook::{Scored, Tally, Unscored, Verdict, either};

/// An agreement count: `agree` of `of`, in percent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Count {
    /// Cases that agree.
    pub agree: usize,
    /// Cases judged.
    pub of: usize,
    /// `agree / of` in percent, to one place; null when no case is judged.
    pub percent: Option<String>,
}

impl Count {
    fn of(agree: usize, of: usize) -> Count {
        Count {
            agree,
            of,
            percent: percent(agree, of).map(|p| p.to_string()),
        }
    }

    fn text(&self, what: &str) -> String {
        match &self.percent {
            Some(p) => format!("{} of {} {what} ({p}%)", self.agree, self.of),
            None => format!("none judged: no {what}"),
        }
    }
}

/// `agree / of` in percent, to one place.
fn percent(agree: usize, of: usize) -> Option<Decimal> {
    if of == 0 {
        return None;
    }
    let mut p = (Decimal::from(agree) * Decimal::ONE_HUNDRED / Decimal::from(of)).round_dp(1);
    p.rescale(1);
    Some(p)
}

/// Agreement over a set of cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AgreementView {
    /// Cases, including those that could not be advised.
    pub cases: usize,
    /// Cases whose move agrees (action, and option and amount where judged), of all cases.
    #[serde(rename = "move")]
    pub moves: Count,
    /// Offers and acceptances whose verdict names options: those whose option is one of them.
    pub option: Count,
    /// Moves with an amount whose verdict gives share bounds: those within them.
    pub amount: Count,
    /// Cases whose responsibility agrees, of all cases.
    pub responsibility: Count,
}

impl AgreementView {
    fn of(t: &Tally) -> AgreementView {
        AgreementView {
            cases: t.cases,
            moves: Count::of(t.moves, t.cases),
            option: Count::of(t.options, t.options_judged),
            amount: Count::of(t.amounts, t.amounts_judged),
            responsibility: Count::of(t.responsibility, t.cases),
        }
    }

    fn text(&self, indent: &str) -> String {
        let rows = [
            ("move", self.moves.text("agree")),
            (
                "option",
                self.option
                    .text("offers and acceptances whose verdict names options"),
            ),
            (
                "amount",
                self.amount.text("amounts whose verdict bounds the share"),
            ),
            ("responsibility", self.responsibility.text("agree")),
        ];
        rows.iter()
            .map(|(k, v)| format!("{indent}{k:<16}{v}\n"))
            .collect()
    }
}

/// What a verdict accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpectedView {
    /// `seller`, `buyer`, `carrier`, `shared` or `unclear`.
    pub responsibility: &'static str,
    /// The acceptable moves.
    pub actions: Vec<&'static str>,
    /// The acceptable options of an offer or acceptance; empty: any.
    pub options: Vec<&'static str>,
    /// The least share of the ask, as written.
    pub min_share: Option<String>,
    /// The largest share of the ask, as written.
    pub max_share: Option<String>,
}

impl ExpectedView {
    fn of(v: &Verdict) -> ExpectedView {
        ExpectedView {
            responsibility: v.responsibility.as_str(),
            actions: v.actions.iter().map(|a| a.as_str()).collect(),
            options: v.options.iter().map(|o| o.as_str()).collect(),
            min_share: v.share.min.map(|d| d.to_string()),
            max_share: v.share.max.map(|d| d.to_string()),
        }
    }

    fn text(&self, v: &Verdict) -> String {
        let mut parts = vec![either(&self.actions)];
        if !self.options.is_empty() {
            parts.push(format!("option {}", either(&self.options)));
        }
        if !v.share.is_empty() {
            parts.push(format!("share of the ask {}", v.share.describe()));
        }
        parts.push(format!("responsibility {}", self.responsibility));
        parts.join("; ")
    }
}

/// The advice on a case, in the terms it is scored in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GotView {
    /// The move.
    pub action: &'static str,
    /// The proposal's option; null without a proposal.
    pub option: Option<&'static str>,
    /// The proposal's amount; null without a proposal.
    pub amount: Option<String>,
    /// The buyer's ask.
    pub ask: String,
    /// The claim's currency code.
    pub currency: String,
    /// `amount ÷ ask` to four places; null without an amount or with a zero ask.
    pub share: Option<String>,
    /// The party the split names (the largest share at 0.65 or more), else `shared`.
    pub responsibility: &'static str,
    /// The seller's share.
    pub seller: String,
    /// The buyer's share.
    pub buyer: String,
    /// The carrier's share.
    pub carrier: String,
}

/// A case where the advice and the verdict differ, or that could not be advised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissView {
    /// The case id.
    pub case: String,
    /// The claim file.
    pub file: String,
    /// `file:line` of the verdict.
    pub at: String,
    /// What the verdict accepts.
    pub expected: ExpectedView,
    /// The advice; null when the case could not be advised.
    pub advice: Option<GotView>,
    /// Whether the move agrees.
    pub move_agrees: bool,
    /// Whether the responsibility agrees.
    pub responsibility_agrees: bool,
    /// Each difference, in a line.
    pub differences: Vec<String>,
    /// Why the case could not be advised; null when it was.
    pub error: Option<String>,
    /// The problems that kept the claim from loading, located.
    pub diagnostics: Vec<DiagnosticView>,
    /// The verdict in a line, with its source's address.
    pub why: String,
    #[serde(skip)]
    expected_text: String,
}

impl MissView {
    fn of(s: &Scored) -> MissView {
        let expected = ExpectedView::of(&s.verdict);
        let (advice, differences, error, diagnostics) = match &s.result {
            Ok((a, _)) => {
                let cur = &a.currency;
                let got = GotView {
                    action: a.action.as_str(),
                    option: a.option.map(|o| o.as_str()),
                    amount: a.amount.map(|x| cur.round_string(x)),
                    ask: cur.round_string(a.ask),
                    currency: cur.code().to_string(),
                    share: a.share_text(),
                    responsibility: a.responsibility.as_str(),
                    seller: a.seller.normalize().to_string(),
                    buyer: a.buyer.normalize().to_string(),
                    carrier: a.carrier.normalize().to_string(),
                };
                (Some(got), s.verdict.differences(a), None, Vec::new())
            }
            Err(Unscored::Invalid(diags)) => {
                let n = diags.len();
                let what = format!(
                    "the claim does not load ({n} problem{})",
                    if n == 1 { "" } else { "s" }
                );
                (
                    None,
                    vec![what.clone()],
                    Some(what),
                    DiagnosticView::all(diags),
                )
            }
            Err(Unscored::NotAdvised(e)) => {
                let what = format!("the claim cannot be advised: {e}");
                (None, vec![what.clone()], Some(what), Vec::new())
            }
        };
        MissView {
            case: s.id.clone(),
            file: s.file.clone(),
            at: s.at.clone(),
            expected_text: expected.text(&s.verdict),
            expected,
            advice,
            move_agrees: s.move_agrees(),
            responsibility_agrees: s.responsibility_agrees(),
            differences,
            error,
            diagnostics,
            why: s.verdict.why.clone(),
        }
    }

    fn text(&self) -> String {
        let pad = "                ";
        let mut s = format!("    {}  [{}]\n", self.case, self.at);
        s.push_str(&format!("      expected  {}\n", self.expected_text));
        match (&self.advice, &self.error) {
            (Some(a), _) => {
                let mut line = a.action.to_string();
                if let Some(o) = a.option {
                    line.push(' ');
                    line.push_str(o);
                }
                if let Some(amount) = &a.amount {
                    line.push_str(&format!(" {}", crate::money(&a.currency, amount)));
                    if let Some(sh) = &a.share {
                        line.push_str(&format!(" ({sh} of the ask)"));
                    }
                }
                s.push_str(&format!(
                    "      advice    {line}; responsibility {} (seller {}, buyer {}, carrier {})\n",
                    a.responsibility, a.seller, a.buyer, a.carrier
                ));
                for (i, d) in self.differences.iter().enumerate() {
                    let head = if i == 0 { "      differs   " } else { pad };
                    s.push_str(&format!("{head}{d}\n"));
                }
            }
            (None, e) => {
                s.push_str(&format!(
                    "      advice    none: {}\n",
                    e.as_deref().unwrap_or("no advice")
                ));
                for d in &self.diagnostics {
                    s.push_str(&format!(
                        "{pad}{}:{}:{}: {}\n",
                        d.file, d.line, d.column, d.message
                    ));
                }
            }
        }
        s.push_str(&format!("      why       {}\n", self.why));
        s
    }
}

/// One casebook's agreement and misses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CasebookView {
    /// The casebook folder.
    pub dir: String,
    /// Its agreement.
    #[serde(flatten)]
    pub agreement: AgreementView,
    /// Each case that is not in full agreement, in id order.
    pub misses: Vec<MissView>,
    #[serde(skip)]
    tally: Tally,
}

/// `settle rules test --casebook DIR --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CasebookRunView {
    /// The rule set the cases were advised under.
    pub rules: TestedRules,
    /// Each casebook, in the order given.
    pub casebooks: Vec<CasebookView>,
    /// All casebooks together.
    pub overall: AgreementView,
    /// The minimum move agreement asked for with `--min-agreement`, in percent.
    pub min_agreement: Option<String>,
    /// The casebooks whose move agreement is below it.
    pub below_minimum: Vec<String>,
}

impl CasebookRunView {
    /// The view of casebooks scored under `p` (each folder with its scored cases), against
    /// the minimum move agreement asked for.
    pub fn of(
        p: &Playbook,
        rules_dir: &str,
        casebooks: &[(String, Vec<Scored>)],
        min: Option<Decimal>,
    ) -> CasebookRunView {
        let mut overall = Tally::default();
        let mut views = Vec::new();
        for (dir, scored) in casebooks {
            let t = Tally::of(scored);
            overall = overall.plus(t);
            views.push(CasebookView {
                dir: dir.clone(),
                agreement: AgreementView::of(&t),
                misses: scored
                    .iter()
                    .filter(|s| s.is_miss())
                    .map(MissView::of)
                    .collect(),
                tally: t,
            });
        }
        let below_minimum = views
            .iter()
            .filter(|v| min.is_some_and(|m| below(&v.tally, m)))
            .map(|v| v.dir.clone())
            .collect();
        CasebookRunView {
            rules: TestedRules {
                dir: rules_dir.to_string(),
                name: p.name().to_string(),
                version: p.version().to_string(),
                hash: p.hash().to_string(),
            },
            casebooks: views,
            overall: AgreementView::of(&overall),
            min_agreement: min.map(|m| m.to_string()),
            below_minimum,
        }
    }

    /// Whether some casebook's move agreement is below the minimum asked for.
    pub fn below_minimum(&self) -> bool {
        !self.below_minimum.is_empty()
    }

    /// The results as text.
    pub fn text(&self) -> String {
        let r = &self.rules;
        let mut s = format!(
            "casebooks advised under rule set {} {} ({}) from {}\n",
            r.name,
            r.version,
            &r.hash[..12.min(r.hash.len())],
            r.dir
        );
        for c in &self.casebooks {
            s.push_str(&format!(
                "\ncasebook {}: {} case{}\n",
                c.dir,
                c.agreement.cases,
                if c.agreement.cases == 1 { "" } else { "s" }
            ));
            s.push_str(&c.agreement.text("  "));
            if c.misses.is_empty() {
                s.push_str("  no misses\n");
            } else {
                s.push_str(&format!("  misses ({})\n", c.misses.len()));
                for m in &c.misses {
                    s.push_str(&m.text());
                }
            }
        }
        if self.casebooks.len() > 1 {
            s.push_str(&format!(
                "\noverall: {} cases in {} casebooks\n",
                self.overall.cases,
                self.casebooks.len()
            ));
            s.push_str(&self.overall.text("  "));
        }
        if let Some(m) = &self.min_agreement {
            if self.below_minimum.is_empty() {
                s.push_str(&format!(
                    "\nmove agreement is at least {m}% in every casebook\n"
                ));
            } else {
                s.push_str(&format!(
                    "\nmove agreement below the minimum of {m}%: {}\n",
                    self.below_minimum.join(", ")
                ));
            }
        }
        s
    }
}

/// Whether the move agreement of `t` is below `min` percent, exactly (not the rounded figure).
fn below(t: &Tally, min: Decimal) -> bool {
    Decimal::from(t.moves) * Decimal::ONE_HUNDRED < min * Decimal::from(t.cases)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_have_one_place_and_none_without_cases() {
        assert_eq!(
            percent(2, 3).map(|p| p.to_string()).as_deref(),
            Some("66.7")
        );
        assert_eq!(
            percent(4, 4).map(|p| p.to_string()).as_deref(),
            Some("100.0")
        );
        assert_eq!(percent(0, 0), None);
    }

    #[test]
    fn the_gate_compares_the_exact_agreement_not_the_rounded_one() {
        let t = Tally {
            cases: 3,
            moves: 2,
            ..Tally::default()
        };
        // 2 of 3 is 66.67%, shown as 66.7: a minimum of 66.7 is still not met.
        assert!(below(&t, "66.7".parse().unwrap()));
        assert!(!below(&t, "66.6".parse().unwrap()));
        assert!(!below(&Tally::default(), Decimal::ONE_HUNDRED));
    }
}
