//! The advice: what the evaluation of one claim says to do next, and why (the model's output;
//! the steps that work it out are in [`crate::eval`]).

use crate::claim::Remedy;
use crate::eval::responsibility::Finding;
use crate::eval::tree::Rollback;
use crate::money::Money;
use crate::playbook::{CostParam, Costs, Playbook, RuleRef};
use crate::pricing::Proposal;
use rust_decimal::Decimal;

/// What the rep should do next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Put an offer to the buyer.
    Offer,
    /// Accept the buyer's standing proposal.
    Accept,
    /// Ask for evidence before offering money.
    RequestEvidence,
    /// Hand the case over (a safety incident, legal proceedings, suspected fraud), with the
    /// offer the advice would make.
    Escalate,
    /// Reject the claim, citing the evidence.
    Reject,
    /// The claim is settled (one side accepted the other's proposal): carry out what was
    /// agreed, send the buyer the proof, and close the claim. Nothing is left to negotiate.
    Execute,
}

impl Action {
    /// Every move, in declaration order.
    pub const ALL: [Action; 6] = [
        Action::Offer,
        Action::Accept,
        Action::RequestEvidence,
        Action::Escalate,
        Action::Reject,
        Action::Execute,
    ];

    /// The move's position in [`Action::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name used in JSON output.
    pub const fn as_str(self) -> &'static str {
        match self {
            Action::Offer => "offer",
            Action::Accept => "accept",
            Action::RequestEvidence => "request_evidence",
            Action::Escalate => "escalate",
            Action::Reject => "reject",
            Action::Execute => "execute",
        }
    }
}

/// The next move.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NextMove {
    /// The kind of move.
    pub action: Action,
    /// The proposal to make, accept or put to the approver.
    pub proposal: Option<Proposal>,
    /// Expected total cost of the move (direct + expected relationship and escalation costs).
    pub expected_cost: Option<Money>,
    /// Who must approve, for `escalate`.
    pub approver: Option<String>,
    /// Why the move was escalated or evidence requested.
    pub because: Vec<RuleRef>,
    /// Documents to ask for, for `request_evidence`.
    pub documents: Vec<String>,
    /// What the advice would become with the requested evidence.
    pub with_evidence: Option<Box<NextMove>>,
    /// The proposal is the buyer's own standing proposal (also when it is escalated).
    pub accepts_proposal: bool,
    /// The approval the move needs: its direct cost is above the rep's limit. The move stays
    /// what it is (offer or accept); the approver signs it off.
    pub approval: Option<Approval>,
}

/// An approval a move needs before the rep makes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Approval {
    /// Who approves (`limits.approver`).
    pub approver: String,
    /// The rep's limit in the claim's currency.
    pub limit: Money,
    /// The limit as a rule.
    pub rule: RuleRef,
}

/// One of the six options, assessed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionReport {
    /// The option.
    pub remedy: Remedy,
    /// Whether no eligibility rule blocks it.
    pub eligible: bool,
    /// The option's best proposal, if it is eligible and within the bottom line.
    pub proposal: Option<Proposal>,
    /// Chance the buyer accepts the proposal.
    pub acceptance: Option<Decimal>,
    /// Expected total cost of opening with the proposal and playing best afterwards.
    pub expected_cost: Option<Money>,
    /// Eligibility rules that block the option.
    pub blocked_by: Vec<RuleRef>,
    /// Why an eligible option has no proposal.
    pub unoffered: Option<Unoffered>,
}

/// Why an eligible option has no proposal in the advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unoffered {
    /// Every offer of it is worth less to the buyer than the opening offer (this amount).
    BelowOpening(Money),
    /// Every offer of it costs more than the bottom line.
    OverBottomLine,
    /// No offer of it has any value to the buyer.
    NoValue,
    /// Every offer of it costs at least what accepting the buyer's proposal costs (this much).
    AboveProposal(Money),
    /// The buyer has already turned down offers worth as much.
    TurnedDown,
}

/// One step of the plan: the offer to make in a round if the buyer keeps countering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStep {
    /// The negotiation round number, counting the rounds already held.
    pub round: u32,
    /// The offer to make in that round, or the buyer's proposal to accept.
    pub proposal: Proposal,
    /// The step accepts the buyer's proposal (it kept it on the table while turning our
    /// offers down).
    pub accepts_proposal: bool,
}

/// Something the rep must not miss.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Warning {
    /// Stable code, e.g. `reply_overdue`.
    pub code: &'static str,
    /// What to tell the rep, in one sentence.
    pub message: String,
}

/// A figure and the rules it rests on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// The figure, e.g. `fair share`.
    pub figure: &'static str,
    /// The rules it rests on.
    pub rules: Vec<RuleRef>,
}

/// The advice on one claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advice {
    /// Who is responsible, and the row that says so.
    pub responsibility: Finding,
    /// The loss the shares apply to: the ask, capped at the foreseeable loss.
    pub loss_basis: Money,
    /// The seller's fair share: seller share × loss basis.
    pub fair_share: Money,
    /// What the customer is worth over the horizon.
    pub customer_value: Money,
    /// What to do next.
    pub next: NextMove,
    /// The most the seller should pay before rejecting or walking away is cheaper.
    pub bottom_line: Money,
    /// Why the bottom line is what it is.
    pub bottom_line_basis: crate::eval::bottom_line::BottomLineBasis,
    /// What the rounds so far tell about the buyer.
    pub belief: crate::eval::belief::Belief,
    /// The six options in [`Remedy::ALL`] order.
    pub options: Vec<OptionReport>,
    /// The offers to make if the buyer keeps countering, one per modelled round.
    pub plan: Vec<PlanStep>,
    /// Things the rep must not miss.
    pub warnings: Vec<Warning>,
    /// The rule that set the customer's retention (for citations).
    pub retention_rule: RuleRef,
    /// The rolled-back tree.
    pub tree: Rollback,
    /// Cost parameters in force after adjustments.
    pub costs: Costs,
    /// Escalation rules that matched.
    pub escalations: Vec<RuleRef>,
    /// Cost adjustments that matched, in the order they applied.
    pub adjustments: Vec<RuleRef>,
    /// The buyer's standing proposal, when it may be accepted, with its expected cost.
    pub standing: Option<(Proposal, Money)>,
}

/// The next move on a claim alone, as [`advise`] works it out, with the figures a replay
/// compares: [`advise`] without the options table, the plan and the warnings, and so faster.
/// `advise_move(p, &Prepared::new(c))` equals `advise(p, c).map(|a| Move::of(&a))`, errors
/// included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Move {
    /// What to do next.
    pub next: NextMove,
    /// The chance the buyer accepts the move's proposal, when the model gives one (1 for the
    /// buyer's own proposal).
    pub acceptance: Option<Decimal>,
    /// Every rule that fired, as [`Advice::fired`] lists them.
    pub fired: Vec<RuleRef>,
}

impl Move {
    /// The move of a full advice.
    pub fn of(a: &Advice) -> Move {
        Move {
            acceptance: acceptance_of_move(&a.next, &a.tree),
            fired: a.fired(),
            next: a.next.clone(),
        }
    }
}

/// The chance the buyer accepts a move's proposal: certain for its own proposal, else the
/// tree's figure for the candidate offered.
pub(crate) fn acceptance_of_move(next: &NextMove, tree: &Rollback) -> Option<Decimal> {
    match &next.proposal {
        _ if next.accepts_proposal => Some(Decimal::ONE),
        Some(p) => tree
            .candidates()
            .iter()
            .position(|c| &c.proposal == p)
            .and_then(|i| tree.acceptance(i).ok()),
        None => None,
    }
}

/// Every rule that fired, sorted, without repeats (see [`Advice::fired`]).
pub(crate) fn fired_rules<'a>(
    finding: &Finding,
    blocked: impl Iterator<Item = &'a [RuleRef]>,
    adjustments: &[RuleRef],
    escalations: &[RuleRef],
    next: &NextMove,
) -> Vec<RuleRef> {
    let mut v: Vec<RuleRef> = Vec::with_capacity(8);
    v.extend(finding.rule);
    for b in blocked {
        v.extend_from_slice(b);
    }
    v.extend_from_slice(adjustments);
    v.extend_from_slice(escalations);
    v.extend_from_slice(&next.because);
    v.extend(next.approval.as_ref().map(|a| a.rule));
    v.sort_unstable();
    v.dedup();
    v
}

impl Advice {
    /// The rules behind each figure: responsibility, fair share, customer value, acceptance,
    /// patience, loyalty, bottom line, ladder, cost adjustments, the proposal's cost, the move.
    pub fn basis(&self, p: &Playbook) -> Vec<Citation> {
        let mut basis_list = vec![
            Citation {
                figure: "responsibility",
                rules: self.responsibility.rule.into_iter().collect(),
            },
            Citation {
                figure: "fair share",
                rules: [
                    self.responsibility.rule,
                    Some(self.costs.param(CostParam::Foreseeable).rule),
                ]
                .into_iter()
                .flatten()
                .collect(),
            },
            Citation {
                figure: "customer value",
                rules: vec![
                    self.retention_rule,
                    self.costs.param(CostParam::Margin).rule,
                    p.relationship().discount_rate.rule,
                ],
            },
            Citation {
                figure: "acceptance",
                rules: vec![
                    p.buyer().by_ask_rule,
                    p.buyer().by_fair_rule,
                    p.buyer().fair_weight.rule,
                ],
            },
            Citation {
                figure: "patience",
                rules: vec![p.buyer().patience_rule, p.buyer().patience_per_30_days.rule],
            },
            Citation {
                figure: "loyalty",
                rules: vec![
                    p.relationship().fairness_rule,
                    p.relationship().per_round.rule,
                    p.relationship().per_30_days.rule,
                    p.relationship().countered.rule,
                ],
            },
            Citation {
                figure: "bottom line",
                rules: vec![
                    p.buyer().withhold.rule,
                    p.buyer().award.rule,
                    p.buyer().dispute.rule,
                    p.relationship().walkaway.rule,
                ],
            },
            Citation {
                figure: "concession ladder",
                rules: vec![p.tree().rule, p.tree().opening.rule],
            },
        ];
        if !self.adjustments.is_empty() {
            basis_list.push(Citation {
                figure: "cost adjustments",
                rules: self.adjustments.clone(),
            });
        }
        if let Some(prop) = &self.next.proposal {
            let params: &[CostParam] = match prop.remedy {
                Remedy::Refund => &[
                    CostParam::ReturnFreight,
                    CostParam::Handling,
                    CostParam::Salvage,
                ],
                Remedy::Reship => &[CostParam::Freight, CostParam::Duty],
                Remedy::Repair => &[
                    CostParam::Repair,
                    CostParam::RepairFailure,
                    CostParam::Freight,
                    CostParam::ReturnFreight,
                ],
                Remedy::Credit => &[CostParam::Margin],
                Remedy::Discount | Remedy::Reject => &[],
            };
            let mut rules: Vec<RuleRef> =
                params.iter().map(|c| self.costs.param(*c).rule).collect();
            rules.dedup();
            if !rules.is_empty() {
                basis_list.push(Citation {
                    figure: "cost of the proposal",
                    rules,
                });
            }
        }
        if !self.next.because.is_empty() {
            basis_list.push(Citation {
                figure: "next move",
                rules: self.next.because.clone(),
            });
        }

        basis_list
    }

    /// Every rule that fired for this claim (parameters, which always apply, aside): the
    /// responsibility row, eligibility blocks, cost adjustments, escalations, and the evidence
    /// requests, approval limit or finding behind the move. Sorted, without repeats.
    pub fn fired(&self) -> Vec<RuleRef> {
        fired_rules(
            &self.responsibility,
            self.options.iter().map(|o| o.blocked_by.as_slice()),
            &self.adjustments,
            &self.escalations,
            &self.next,
        )
    }
}
