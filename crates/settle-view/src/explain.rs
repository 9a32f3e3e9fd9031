//! `settle explain`: the trace of an evaluation as a view (every rule consulted, the values it
//! read, what it set; the costs in force; the figures; every offer weighed and why it is not
//! the recommendation).

use crate::advice::{BasisView, basis, basis_lines};
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

    /// The trace as a manager reads it in a terminal.
    pub fn text(&self) -> String {
        let m = |x: &str| money(&self.currency, x);
        let mut s = String::new();
        let _ = writeln!(s, "Explain {} under {}", self.claim, self.rules.short());
        let _ = writeln!(s, "{}", self.next.message);
        let mut section = "";
        for c in &self.consulted {
            if c.section != section {
                section = c.section;
                let title = match section {
                    "responsibility" => {
                        format!("Responsibility (hit policy {})", self.hit_policy)
                    }
                    "eligibility" => "Eligibility: rules that block options".to_string(),
                    "cost adjustment" => "Cost adjustments".to_string(),
                    "escalation" => "Escalation".to_string(),
                    _ => "Evidence requests (made only when responsibility is unclear and the claim is material)".to_string(),
                };
                let _ = writeln!(s, "\n{title}");
            }
            let verdict = match (c.matched, c.consulted) {
                (true, true) => "MATCH",
                (true, false) => "match (not consulted)",
                (false, true) => "no",
                (false, false) => "no (not consulted)",
            };
            let _ = writeln!(s, "  {:<6} {}  [{}]", verdict, c.id, c.at);
            for r in &c.reads {
                let _ = writeln!(
                    s,
                    "           {} {} is {}   (needs {})",
                    if r.passed { "✓" } else { "✗" },
                    r.field,
                    r.value,
                    r.test
                );
            }
            if c.reads.is_empty() {
                let _ = writeln!(s, "           always");
            }
            if c.matched {
                let _ = writeln!(s, "           -> {}", c.sets);
            }
        }
        let _ = writeln!(s, "\nCosts in force");
        for c in &self.costs {
            let _ = writeln!(s, "  {:<16} {:<8} {} [{}]", c.param, c.value, c.rule, c.at);
        }
        let _ = writeln!(s, "\nFigures");
        let f = &self.figures;
        for (name, v, how) in [
            (
                "loss basis",
                &f.loss_basis,
                "the ask, capped at costs.foreseeable x the order value (CISG art. 74)",
            ),
            ("fair share", &f.fair_share, "seller share x loss basis"),
            (
                "customer value",
                &f.customer_value,
                "annual purchases x margin x retention annuity",
            ),
            (
                "walk-away cost",
                &f.walk_cost,
                "withheld balance + award + dispute + customer lost",
            ),
            (
                "stalemate cost",
                &f.stalemate_cost,
                "granting the ask later + customer lost (seed 001)",
            ),
            (
                "bottom line",
                &f.bottom_line,
                "least of: granting the ask, walking away, rejecting",
            ),
        ] {
            let _ = writeln!(s, "  {name:<16} {:>18}  {how}", m(v));
        }
        let b = &self.belief;
        if !b.steps.is_empty() {
            let _ = writeln!(
                s,
                "\nThe buyer, round by round (what it will accept: more than the offers it turned down, at most its proposal)"
            );
            for st in &b.steps {
                let bounds = match (&st.above, &st.at_most) {
                    (Some(l), Some(u)) => format!("more than {}, at most {}", m(l), m(u)),
                    (Some(l), None) => format!("more than {}", m(l)),
                    (None, Some(u)) => format!("at most {}", m(u)),
                    (None, None) => "nothing known yet".to_string(),
                };
                let _ = writeln!(s, "  round {:<2} {:<44} -> {bounds}", st.round, st.signal);
            }
            if let (Some(p0), Some(p1)) = (b.prior, b.now) {
                let _ = writeln!(
                    s,
                    "  the advised offer: {}% before any round, {}% now  [{}]",
                    (p0 * Decimal::ONE_HUNDRED).round_dp(1),
                    (p1 * Decimal::ONE_HUNDRED).round_dp(1),
                    b.rules.join(", ")
                );
            }
        }
        s.push_str(&basis_lines(&self.basis));
        let _ = writeln!(s, "\nOptions: the offers weighed, and why not");
        for o in &self.options {
            let _ = writeln!(s, "  {}: {}", o.option, o.why_not);
            for c in &o.offers {
                let _ = writeln!(
                    s,
                    "      {}  cost {}  chance {}%  expected {}",
                    c.description,
                    m(&c.cost),
                    (c.acceptance * Decimal::ONE_HUNDRED).round_dp(1),
                    c.expected_cost.as_deref().map_or(String::new(), m)
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
