//! `settle explain`: the trace of an evaluation as a view (every rule consulted, the values it
//! read, what it set; the costs in force; the figures; every offer weighed and why it is not
//! the recommendation).

use crate::advice::{BasisView, basis};
use crate::l10n::Messages;
use crate::{RuleSetRef, money, prob};
use rust_decimal::Decimal;
use serde::Serialize;
use settle_engine::eval::Evaluation;
use settle_engine::{Claim, OptionReport, Playbook, words};
use std::fmt::Write;

/// The move, in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoveView {
    /// The action.
    pub action: &'static str,
    /// The move in one sentence.
    pub message: String,
}

/// One test of a condition, as evaluated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReadView {
    /// The field read.
    pub field: &'static str,
    /// Its value, in words.
    pub value: String,
    /// The test, in the rule language.
    pub test: String,
    /// Whether the value passed.
    pub passed: bool,
}

/// One rule, as consulted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsultedView {
    /// The rule's id.
    pub id: String,
    /// `file:line`.
    pub at: String,
    /// `responsibility`, `eligibility`, `cost adjustment`, `escalation` or `evidence`.
    pub section: &'static str,
    /// Whether its condition matched.
    pub matched: bool,
    /// Whether it had a say.
    pub consulted: bool,
    /// Each test, as evaluated.
    pub reads: Vec<ReadView>,
    /// What it set or did.
    pub sets: String,
}

/// A cost parameter in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CostView {
    /// The parameter.
    pub param: &'static str,
    /// Its value.
    pub value: String,
    /// The rule that set it.
    pub rule: String,
    /// `file:line`.
    pub at: String,
}

/// The figures behind the bottom line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FiguresView {
    /// The ask, capped at the foreseeable loss.
    pub loss_basis: String,
    /// Seller share × loss basis.
    pub fair_share: String,
    /// What the customer is worth.
    pub customer_value: String,
    /// What the buyer walking away costs.
    pub walk_cost: String,
    /// What a stalemate costs.
    pub stalemate_cost: String,
    /// The most to pay.
    pub bottom_line: String,
}

/// One offer weighed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OfferView {
    /// In words.
    pub description: String,
    /// Its amount.
    pub amount: String,
    /// Its direct cost.
    pub cost: String,
    /// The chance the buyer accepts it (four places).
    #[serde(serialize_with = "prob")]
    pub acceptance: Decimal,
    /// Expected total cost of opening with it.
    pub expected_cost: Option<String>,
}

/// One option, and why it is not the recommendation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WhyNotView {
    /// The option.
    pub option: &'static str,
    /// Why not, in words (`recommended` for the recommendation).
    pub why_not: String,
    /// Every offer of it the tree weighed.
    pub offers: Vec<OfferView>,
}

/// The trace behind an advice: `settle explain --format json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExplainView {
    /// The claim's id.
    pub claim: String,
    /// The rule set.
    pub rules: RuleSetRef,
    /// The move.
    pub next: MoveView,
    /// The responsibility table's hit policy.
    pub hit_policy: &'static str,
    /// Every rule consulted, in the order the steps consulted them.
    pub consulted: Vec<ConsultedView>,
    /// The cost parameters in force.
    pub costs: Vec<CostView>,
    /// The figures.
    pub figures: FiguresView,
    /// The options and the offers weighed.
    pub options: Vec<WhyNotView>,
    /// How each round moved the belief about the buyer.
    pub belief: BeliefTraceView,
    /// The rules behind each figure.
    pub basis: Vec<BasisView>,
    #[serde(skip)]
    currency: String,
}

/// One round's effect on the belief about the buyer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BeliefStepView {
    /// The round, from 1.
    pub round: usize,
    /// What it told us, in words.
    pub signal: String,
    /// The lower bound after it: the most valuable offer the buyer turned down.
    pub above: Option<String>,
    /// The upper bound after it: the buyer's proposal on the table.
    pub at_most: Option<String>,
}

/// The belief about the buyer, round by round, and what it does to the advised offer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BeliefTraceView {
    /// Each round's effect.
    pub steps: Vec<BeliefStepView>,
    /// The advised offer's chance of acceptance before any round (the acceptance curves).
    pub prior: Option<Decimal>,
    /// Its chance now, given the rounds.
    pub now: Option<Decimal>,
    /// The rules that set the belief.
    pub rules: Vec<String>,
}

/// Why an option is not the recommendation, in words.
fn why_not(p: &Playbook, claim: &Claim, x: &Evaluation, o: &OptionReport) -> String {
    let cur = &claim.currency;
    let a = &x.advice;
    let recommended = a.next.proposal.as_ref().map(|q| q.remedy);
    if !o.eligible || o.proposal.is_none() {
        return words::reasons(o, cur, p).join("; ");
    }
    if recommended == Some(o.remedy) {
        return "recommended".to_string();
    }
    match (o.expected_cost, a.next.expected_cost) {
        (Some(mine), Some(best)) if mine >= best => format!(
            "expected total cost {}, {} more than the recommended move ({})",
            cur.format(mine),
            cur.format(mine - best),
            cur.format(best)
        ),
        (Some(mine), _) => format!(
            "expected total cost {}; the move is decided by a rule, not by cost",
            cur.format(mine)
        ),
        _ => String::new(),
    }
}

impl ExplainView {
    /// The view of an evaluation made with the trace on.
    pub fn of(p: &Playbook, claim: &Claim, x: &Evaluation) -> ExplainView {
        let cur = &claim.currency;
        let a = &x.advice;
        let r = |m: Decimal| cur.round_string(m);
        ExplainView {
            claim: claim.id.clone(),
            rules: RuleSetRef::of(p),
            next: MoveView {
                action: a.next.action.as_str(),
                message: words::next_move(&a.next, cur, p),
            },
            hit_policy: p.responsibility().hit.as_str(),
            consulted: x
                .consulted
                .iter()
                .map(|c| ConsultedView {
                    id: p.rule(c.rule).id.clone(),
                    at: p.cite(c.rule),
                    section: c.section.as_str(),
                    matched: c.matched,
                    consulted: c.decided,
                    reads: c
                        .reads
                        .iter()
                        .map(|r| ReadView {
                            field: r.field.name(),
                            value: r.value.clone(),
                            test: r.test.clone(),
                            passed: r.passed,
                        })
                        .collect(),
                    sets: c.sets.clone(),
                })
                .collect(),
            costs: settle_engine::eval::costs_in_force(&a.costs)
                .iter()
                .map(|(c, v)| CostView {
                    param: c.name(),
                    value: v.value.normalize().to_string(),
                    rule: p.rule(v.rule).id.clone(),
                    at: p.cite(v.rule),
                })
                .collect(),
            figures: FiguresView {
                loss_basis: r(a.loss_basis),
                fair_share: r(a.fair_share),
                customer_value: r(a.customer_value),
                walk_cost: r(a.tree.game.walk_cost),
                stalemate_cost: r(a.tree.game.stalemate_cost),
                bottom_line: r(a.bottom_line),
            },
            options: a
                .options
                .iter()
                .map(|o| WhyNotView {
                    option: o.remedy.as_str(),
                    why_not: why_not(p, claim, x, o),
                    offers: a
                        .tree
                        .candidates()
                        .iter()
                        .enumerate()
                        .filter(|(_, c)| c.proposal.remedy == o.remedy)
                        .map(|(i, c)| OfferView {
                            description: words::proposal(&c.proposal, cur),
                            amount: r(c.proposal.amount),
                            cost: r(c.proposal.cost),
                            acceptance: a.tree.acceptance(i).unwrap_or(c.acceptance),
                            expected_cost: a.tree.expected(i).ok().map(r),
                        })
                        .collect(),
                })
                .collect(),
            belief: belief_trace(p, claim, a),
            basis: basis(p, a),
            currency: cur.code().to_string(),
        }
    }

    /// The trace as a manager reads it in a terminal, in English.
    pub fn text(&self) -> String {
        self.text_in(&Messages::english())
    }

    /// The trace in the rep's language: the headings, verdicts, figures and offers; the rules'
    /// ids, fields, values and the move's sentence stay as the rules and the engine state them.
    pub fn text_in(&self, msg: &Messages) -> String {
        let m = |x: &str| money(&self.currency, x);
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{}",
            msg.get(
                "explain-head",
                &[
                    ("claim", self.claim.as_str().into()),
                    ("rules", self.rules.short().into()),
                ]
            )
        );
        let _ = writeln!(s, "{}", self.next.message);
        let mut section = "";
        for c in &self.consulted {
            if c.section != section {
                section = c.section;
                let title = match section {
                    "responsibility" => msg.get(
                        "explain-section-responsibility",
                        &[("policy", self.hit_policy.to_string().into())],
                    ),
                    "eligibility" => msg.text("explain-section-eligibility"),
                    "cost adjustment" => msg.text("explain-section-cost-adjustment"),
                    "escalation" => msg.text("explain-section-escalation"),
                    _ => msg.text("explain-section-evidence"),
                };
                let _ = writeln!(s, "\n{title}");
            }
            let verdict = msg.text(match (c.matched, c.consulted) {
                (true, true) => "explain-match",
                (true, false) => "explain-match-not-consulted",
                (false, true) => "explain-no",
                (false, false) => "explain-no-not-consulted",
            });
            let _ = writeln!(
                s,
                "  {} {}  [{}]",
                crate::l10n::pad(&verdict, 6),
                c.id,
                c.at
            );
            for r in &c.reads {
                let _ = writeln!(
                    s,
                    "           {} {}",
                    if r.passed { "✓" } else { "✗" },
                    msg.get(
                        "explain-read",
                        &[
                            ("field", r.field.into()),
                            ("value", r.value.as_str().into()),
                            ("test", r.test.as_str().into()),
                        ]
                    )
                );
            }
            if c.reads.is_empty() {
                let _ = writeln!(s, "           {}", msg.text("explain-always"));
            }
            if c.matched {
                let _ = writeln!(s, "           -> {}", c.sets);
            }
        }
        let _ = writeln!(s, "\n{}", msg.text("explain-costs"));
        for c in &self.costs {
            let _ = writeln!(s, "  {:<16} {:<8} {} [{}]", c.param, c.value, c.rule, c.at);
        }
        let _ = writeln!(s, "\n{}", msg.text("explain-figures"));
        let f = &self.figures;
        for (id, v) in [
            ("loss-basis", &f.loss_basis),
            ("fair-share", &f.fair_share),
            ("customer-value", &f.customer_value),
            ("walk-cost", &f.walk_cost),
            ("stalemate-cost", &f.stalemate_cost),
            ("bottom-line", &f.bottom_line),
        ] {
            let name = msg.text(&format!("explain-figure-{id}"));
            let how = msg.text(&format!("explain-figure-{id}-how"));
            let _ = writeln!(s, "  {} {:>18}  {how}", crate::l10n::pad(&name, 16), m(v));
        }
        let b = &self.belief;
        if !b.steps.is_empty() {
            let _ = writeln!(s, "\n{}", msg.text("explain-belief"));
            for st in &b.steps {
                let bounds = match (&st.above, &st.at_most) {
                    (Some(l), Some(u)) => msg.get(
                        "explain-belief-between",
                        &[("above", m(l).into()), ("at_most", m(u).into())],
                    ),
                    (Some(l), None) => msg.get("explain-belief-above", &[("above", m(l).into())]),
                    (None, Some(u)) => {
                        msg.get("explain-belief-at-most", &[("at_most", m(u).into())])
                    }
                    (None, None) => msg.text("explain-belief-nothing"),
                };
                let _ = writeln!(
                    s,
                    "  {} {:<44} -> {bounds}",
                    crate::l10n::pad(
                        &msg.get(
                            "explain-belief-round",
                            &[("round", st.round.to_string().into())]
                        ),
                        8
                    ),
                    st.signal
                );
            }
            if let (Some(p0), Some(p1)) = (b.prior, b.now) {
                let _ = writeln!(
                    s,
                    "  {}",
                    msg.get(
                        "explain-belief-chance",
                        &[
                            (
                                "before",
                                (p0 * Decimal::ONE_HUNDRED).round_dp(1).to_string().into()
                            ),
                            (
                                "now",
                                (p1 * Decimal::ONE_HUNDRED).round_dp(1).to_string().into()
                            ),
                            ("rules", b.rules.join(", ").into()),
                        ]
                    )
                );
            }
        }
        s.push_str(&crate::advice::basis_lines_in(&self.basis, msg));
        let _ = writeln!(s, "\n{}", msg.text("explain-options"));
        for o in &self.options {
            let _ = writeln!(s, "  {}: {}", o.option, o.why_not);
            for c in &o.offers {
                let _ = writeln!(
                    s,
                    "      {}",
                    msg.get(
                        "explain-offer",
                        &[
                            ("offer", c.description.as_str().into()),
                            ("cost", m(&c.cost).into()),
                            (
                                "chance",
                                (c.acceptance * Decimal::ONE_HUNDRED)
                                    .round_dp(1)
                                    .to_string()
                                    .into()
                            ),
                            (
                                "expected",
                                c.expected_cost.as_deref().map_or(String::new(), m).into()
                            ),
                        ]
                    )
                );
            }
        }
        s
    }
}

/// How each round moved the belief, and the advised offer's chance before and after.
fn belief_trace(p: &Playbook, claim: &Claim, a: &settle_engine::Advice) -> BeliefTraceView {
    use settle_engine::eval::belief::Signal;
    let cur = &claim.currency;
    let r = |m: Decimal| cur.round_string(m);
    let steps = a
        .belief
        .steps
        .iter()
        .map(|st| {
            let round = &claim.rounds[st.round];
            let who = round.by.as_str();
            let signal = match &st.signal {
                Signal::Claim(v) => format!("the buyer's claim, worth {}", cur.format(*v)),
                Signal::Offered(v) => format!("we offered {} of value", cur.format(*v)),
                Signal::TurnedDown(v) => {
                    format!("the buyer turned down our {} offer", cur.format(*v))
                }
                Signal::Proposed(v) => format!("the buyer proposed {}", cur.format(*v)),
                Signal::Withdrew => "the buyer withdrew its proposal".to_string(),
                Signal::Nothing => format!("{who}: {}", round.kind().as_str()),
            };
            BeliefStepView {
                round: st.round + 1,
                signal,
                above: st.lower.map(r),
                at_most: st.upper.map(r),
            }
        })
        .collect();
    let offered = a
        .next
        .proposal
        .as_ref()
        .and_then(|x| a.tree.candidates().iter().position(|c| &c.proposal == x));
    let b = p.buyer();
    BeliefTraceView {
        steps,
        prior: offered.map(|i| a.tree.candidates()[i].acceptance),
        now: offered.and_then(|i| a.tree.acceptance(i).ok()),
        rules: [
            b.by_ask_rule,
            b.by_fair_rule,
            b.refusal.rule,
            b.withdraws.rule,
        ]
        .iter()
        .map(|x| p.rule(*x).id.clone())
        .collect(),
    }
}
