//! Step 8 of the model: the move. The tree's choice (accept the buyer's standing proposal,
//! offer, reject), unless a rule takes the decision out of the rep's hands: an escalation, a
//! request for evidence while responsibility is unclear, or an offer above the approval limit.

use super::relationship::Decay;
use super::responsibility::Finding;
use super::trace::{Consulted, Section, Tracer};
use super::tree::Rollback;
use super::{Detail, Prepared};
use crate::advice::{Action, NextMove, PlanStep};
use crate::claim::{Claim, Remedy};
use crate::money::{Checked, Money, Overflow};
use crate::playbook::{
    Assumed, Costs, EscalationKind, EscalationRule, EvidenceRequest, Playbook, RuleRef,
};
use crate::pricing::{self, Basis, Proposal};
use crate::schema::{Facts, Field};
use rust_decimal::Decimal;

/// The buyer's standing proposal (the last round, when it is the buyer's), when it may be
/// accepted: an eligible option, within the ask where it is money, and within the bottom line.
/// Accepting it is certain; its expected cost adds the loyalty lost to the time taken.
#[allow(clippy::too_many_arguments)]
pub(crate) fn standing(
    claim: &Claim,
    costs: &Costs,
    basis: &Basis,
    allows: impl Fn(Remedy) -> bool,
    bottom_line: Money,
    customer_value: Money,
    decay: &Decay<'_>,
    days_open: i64,
) -> Result<Option<(Proposal, Money)>, Overflow> {
    let ask = claim.ask.amount;
    let Some((remedy, amount)) = claim.standing_proposal().and_then(|r| r.terms()) else {
        return Ok(None);
    };
    let money = matches!(remedy, Remedy::Refund | Remedy::Discount | Remedy::Credit);
    if !allows(remedy) || (money && amount > ask) {
        return Ok(None);
    }
    let prop = pricing::as_proposed(costs, basis, remedy, amount)?;
    if prop.cost > bottom_line {
        return Ok(None);
    }
    let kept = (Decimal::ONE - decay.at(0, days_open)).clamp(Decimal::ZERO, Decimal::ONE);
    let e = prop.cost.add_or(
        customer_value.mul_or(Decimal::ONE - kept, "relationship loss")?,
        "accept cost",
    )?;
    Ok(Some((prop, e)))
}

/// What the move is decided from.
pub(crate) struct Inputs<'a, 'c> {
    pub p: &'a Playbook,
    pub prepared: &'a Prepared<'c>,
    pub facts: &'a Facts<'c>,
    pub finding: &'a Finding,
    pub tree: &'a Rollback,
    pub bottom_line: Money,
    pub standing: Option<&'a (Proposal, Money)>,
    /// Whether evidence may be requested (not in the advice worked out as if it had come).
    pub may_request: bool,
    pub detail: Detail,
}

/// The move, the plan if the buyer keeps countering, and the escalation rules that matched.
pub(crate) struct Decided {
    pub next: NextMove,
    pub plan: Vec<PlanStep>,
    pub escalations: Vec<RuleRef>,
}

/// Decides the move.
pub(crate) fn decide(i: Inputs<'_, '_>, trace: &mut Tracer<'_>) -> Result<Decided, Overflow> {
    let (p, claim, tree) = (i.p, i.prepared.claim(), i.tree);
    let rounds_so_far = claim.rounds.len() as u32;

    // The best move in the tree: accept, then offers in candidate order, then reject.
    let opening_best = tree.best_opening();
    // With no move in the tree, the claim goes up with no offer; it is projected to cost what
    // no deal costs (the bottom line).
    let mut next = NextMove {
        action: Action::Escalate,
        proposal: None,
        expected_cost: Some(i.bottom_line),
        approver: Some(p.limits().approver.clone()),
        because: Vec::new(),
        documents: Vec::new(),
        with_evidence: None,
        accepts_proposal: false,
        approval: None,
    };
    let mut best_cost: Option<Money> = None;
    if let Some((prop, e)) = i.standing {
        next = NextMove {
            action: Action::Accept,
            proposal: Some(prop.clone()),
            expected_cost: Some(*e),
            approver: None,
            accepts_proposal: true,
            ..next
        };
        best_cost = Some(*e);
    }
    if let Some((c, e)) = opening_best
        && best_cost.is_none_or(|b| e < b)
    {
        let prop = tree.candidates[c].proposal.clone();
        let rejecting = prop.remedy == Remedy::Reject;
        next = NextMove {
            action: if rejecting {
                Action::Reject
            } else {
                Action::Offer
            },
            proposal: Some(prop),
            expected_cost: Some(e),
            approver: None,
            accepts_proposal: false,
            // A rejection cites the finding that makes it someone else's responsibility.
            because: if rejecting {
                i.finding.rule.into_iter().collect()
            } else {
                Vec::new()
            },
            ..next
        };
    }
    let plan: Vec<PlanStep> = match (i.detail, next.action, opening_best) {
        (Detail::Full, Action::Offer | Action::Reject, Some((c, _))) => tree
            .plan_from(c)
            .into_iter()
            .enumerate()
            .map(|(k, c)| PlanStep {
                round: rounds_so_far + 1 + k as u32,
                proposal: tree.candidates[c].proposal.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };

    let matched_esc = escalations(p, i.facts, trace);
    let escalations: Vec<RuleRef> = matched_esc.iter().map(|e| e.rule).collect();
    let material = claim.ask.amount
        >= claim
            .order
            .value
            .mul_or(p.limits().material_share.value, "materiality")?;
    // A claim to verify is checked before money is paid; an unclear one before anything is.
    let pays = next
        .proposal
        .as_ref()
        .is_some_and(|pr| pr.remedy != Remedy::Reject && pr.cost > Decimal::ZERO);
    let requests = evidence_requests(
        p,
        i.facts,
        Consider {
            unclear: i.may_request && i.finding.unclear && material,
            verify: i.may_request && pays,
        },
        trace,
    );
    if let Some(first) = matched_esc.first() {
        let offer = next
            .proposal
            .clone()
            .filter(|pr| pr.remedy != Remedy::Reject || first.kind != EscalationKind::Safety);
        next = NextMove {
            action: Action::Escalate,
            proposal: offer,
            approver: Some(first.to.clone()),
            because: escalations.clone(),
            ..next
        };
    } else if !requests.is_empty() {
        let mut assumed = claim.clone();
        for r in &requests {
            for (field, value) in &r.assume {
                assume(&mut assumed, *field, *value);
            }
        }
        let with = super::run(
            p,
            &Prepared::new(&assumed),
            false,
            Detail::Move,
            &mut Tracer::off(),
        )?;
        next = NextMove {
            action: Action::RequestEvidence,
            proposal: None,
            // Projected as the advice it would become with the evidence.
            expected_cost: with.next.expected_cost,
            approver: None,
            because: requests.iter().map(|r| r.rule).collect(),
            documents: requests.iter().map(|r| r.documents.clone()).collect(),
            with_evidence: Some(Box::new(with.next)),
            accepts_proposal: false,
            approval: None,
        };
    } else if let (Some(prop), Some(limit)) =
        (&next.proposal, p.approval_limit(claim.currency.code()))
        && prop.cost > limit.amount
    {
        // Approval is a gate on the move, not a move: the rep still offers or accepts, once the
        // approver has signed it off.
        next.approval = Some(crate::advice::Approval {
            approver: p.limits().approver.clone(),
            limit: limit.amount,
            rule: limit.rule,
        });
    }
    Ok(Decided {
        next,
        plan,
        escalations,
    })
}

/// The escalation rules that match, in a fixed order: safety first, then legal, fraud, other;
/// by id within a kind.
fn escalations<'p>(
    p: &'p Playbook,
    facts: &Facts<'_>,
    trace: &mut Tracer<'_>,
) -> Vec<&'p EscalationRule> {
    let rank = |k: EscalationKind| match k {
        EscalationKind::Safety => 0,
        EscalationKind::Legal => 1,
        EscalationKind::Fraud => 2,
        EscalationKind::Other => 3,
    };
    let mut matched = Vec::new();
    for e in p.escalation() {
        let hit = e.when.matches(facts);
        if hit {
            matched.push(e);
        }
        trace.record(|| Consulted {
            rule: e.rule,
            section: Section::Escalation,
            matched: hit,
            decided: true,
            reads: super::trace::reads(&e.when, facts),
            sets: format!("escalates to {} ({})", e.to, e.kind.as_str()),
        });
    }
    matched.sort_by(|a, b| {
        (rank(a.kind), &p.rule(a.rule).id).cmp(&(rank(b.kind), &p.rule(b.rule).id))
    });
    matched
}

/// Which evidence requests are made at all.
#[derive(Debug, Clone, Copy)]
struct Consider {
    /// Requests that settle an unclear responsibility: responsibility is unclear and the claim
    /// is material.
    unclear: bool,
    /// Claims to verify before paying: the advice would pay something.
    verify: bool,
}

/// The evidence requests that match and are made, by id.
fn evidence_requests<'p>(
    p: &'p Playbook,
    facts: &Facts<'_>,
    consider: Consider,
    trace: &mut Tracer<'_>,
) -> Vec<&'p EvidenceRequest> {
    let mut requests = Vec::new();
    if !consider.unclear && !consider.verify && !trace.on() {
        return requests;
    }
    for r in p.evidence_requests() {
        let made = if r.verify {
            consider.verify
        } else {
            consider.unclear
        };
        let hit = r.when.matches(facts);
        if made && hit {
            requests.push(r);
        }
        trace.record(|| Consulted {
            rule: r.rule,
            section: Section::Evidence,
            matched: hit,
            decided: made,
            reads: super::trace::reads(&r.when, facts),
            sets: if r.verify {
                format!("verifies before paying: asks for {}", r.documents)
            } else {
                format!("asks for {}", r.documents)
            },
        });
    }
    requests.sort_by(|a, b| p.rule(a.rule).id.cmp(&p.rule(b.rule).id));
    requests
}

/// Applies an evidence request's assumption to a copy of the claim.
fn assume(claim: &mut Claim, field: Field, value: Assumed) {
    use crate::claim::{ExpertOpinion, Inspection, QcRecord};
    let e = &mut claim.evidence;
    match (field, value) {
        (Field::EvidenceBuyerPhotos, Assumed::Bool(b)) => e.buyer_photos = b,
        (Field::EvidenceSpecInContract, Assumed::Bool(b)) => e.spec_in_contract = b,
        (Field::EvidenceSpecFromBuyer, Assumed::Bool(b)) => e.spec_from_buyer = b,
        (Field::EvidenceCarrierNoted, Assumed::Bool(b)) => e.carrier_noted = b,
        (Field::EvidenceMisuseSigns, Assumed::Bool(b)) => e.misuse_signs = b,
        (Field::EvidenceBuyerChanges, Assumed::Bool(b)) => e.buyer_changes = b,
        (Field::EvidenceBuyerPaidLate, Assumed::Bool(b)) => e.buyer_paid_late = b,
        (Field::EvidenceProgressUpdates, Assumed::Bool(b)) => e.progress_updates = b,
        (Field::EvidenceInspection, Assumed::Sym(i)) => {
            if let Some(v) = Inspection::ALL.get(usize::from(i)) {
                e.inspection = *v;
            }
        }
        (Field::EvidenceOurQc, Assumed::Sym(i)) => {
            if let Some(v) = QcRecord::ALL.get(usize::from(i)) {
                e.our_qc = *v;
            }
        }
        (Field::EvidenceExpertOpinion, Assumed::Sym(i)) => {
            if let Some(v) = ExpertOpinion::ALL.get(usize::from(i)) {
                e.expert_opinion = *v;
            }
        }
        // The loader only accepts evidence fields with values of their type.
        _ => {}
    }
}

/// Fields an evidence request may assume a value for.
pub const ASSUMABLE: &[Field] = &[
    Field::EvidenceBuyerPhotos,
    Field::EvidenceSpecInContract,
    Field::EvidenceSpecFromBuyer,
    Field::EvidenceCarrierNoted,
    Field::EvidenceMisuseSigns,
    Field::EvidenceBuyerChanges,
    Field::EvidenceBuyerPaidLate,
    Field::EvidenceProgressUpdates,
    Field::EvidenceInspection,
    Field::EvidenceOurQc,
    Field::EvidenceExpertOpinion,
];
