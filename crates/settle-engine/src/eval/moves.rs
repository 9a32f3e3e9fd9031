//! Step 8 of the model: the move. The tree's choice (accept the buyer's standing proposal,
//! offer, reject), unless a rule takes the decision out of the rep's hands: an escalation, a
//! request for evidence while responsibility is unclear, or an offer above the approval limit.

use super::relationship::Decay;
use super::responsibility::Finding;
use super::trace::{Consulted, Section, Tracer};
use super::tree::{BuyerProposal, Choice, Rollback};
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

/// The buyer's proposal on the table, as we could accept it: its own terms where our rules
/// allow its option, else (money, not labels) the allowed option of the same value to the
/// buyer that costs us least; within the ask where it is money, and within the bottom line.
/// `None` when there is no proposal or it cannot be accepted. Accepting it in round `k` costs
/// its direct cost and the loyalty lost to the time taken by then.
#[allow(clippy::too_many_arguments)]
pub(crate) fn standing(
    p: &Playbook,
    claim: &Claim,
    costs: &Costs,
    basis: &Basis,
    allows: impl Fn(Remedy) -> bool,
    bottom_line: Money,
    customer_value: Money,
    decay: &Decay<'_>,
    days_open: i64,
    proposal_round: Option<usize>,
    open: bool,
) -> Result<Option<BuyerProposal>, Overflow> {
    let ask = claim.ask.amount;
    let Some((remedy, amount)) = proposal_round.and_then(|i| claim.rounds[i].terms()) else {
        return Ok(None);
    };
    let money = |r: Remedy| matches!(r, Remedy::Refund | Remedy::Discount | Remedy::Credit);
    if money(remedy) && amount > ask {
        return Ok(None);
    }
    let prop = if allows(remedy) {
        pricing::as_proposed(costs, basis, remedy, amount)?
    } else {
        // The same value to the buyer in an allowed option, the cheapest for us.
        let appeal = |r: Remedy| p.buyer().appeal[r.index()].value;
        let value = amount.mul_or(appeal(remedy), "value of the proposal")?;
        let mut best: Option<Proposal> = None;
        for r in [
            Remedy::Refund,
            Remedy::Reship,
            Remedy::Discount,
            Remedy::Credit,
        ] {
            if !allows(r) || appeal(r) <= Decimal::ZERO || value <= Decimal::ZERO {
                continue;
            }
            let x = value.div_or(appeal(r), "value of the proposal")?;
            let prop = match r {
                Remedy::Refund => pricing::refund(costs, basis, x)?,
                Remedy::Reship => pricing::reship(costs, basis, x)?,
                Remedy::Discount => pricing::discount(x),
                _ => pricing::credit(costs, basis, x)?,
            };
            if best.as_ref().is_none_or(|b| prop.cost < b.cost) {
                best = Some(prop);
            }
        }
        match best {
            Some(b) => b,
            None => return Ok(None),
        }
    };
    if prop.cost > bottom_line {
        return Ok(None);
    }
    let depth = super::buyer::depth(p, super::belief::rounds_held(claim));
    let per_round = i64::from(p.buyer().days_per_round);
    let accept_cost = (0..depth)
        .map(|k| {
            let lost = decay
                .at(k, days_open + i64::from(k) * per_round)
                .clamp(Decimal::ZERO, Decimal::ONE);
            prop.cost.add_or(
                customer_value.mul_or(lost, "relationship loss")?,
                "accept cost",
            )
        })
        .collect::<Result<Vec<Money>, Overflow>>()?;
    Ok(Some(BuyerProposal {
        open,
        proposal: prop,
        accept_cost,
    }))
}

/// The move on a settled claim (one side accepted the other's standing proposal): execute
/// what was agreed, at its direct cost. `None` while the claim is not settled, or when the
/// accepted round carries no terms.
pub(crate) fn settled(
    claim: &Claim,
    settled: Option<(usize, usize)>,
    costs: &Costs,
    basis: &Basis,
) -> Result<Option<NextMove>, Overflow> {
    let Some((accepting, accepted)) = settled else {
        return Ok(None);
    };
    let Some((remedy, amount)) = claim.rounds[accepted].terms() else {
        return Ok(None);
    };
    let proposal = pricing::as_proposed(costs, basis, remedy, amount)?;
    Ok(Some(NextMove {
        action: Action::Execute,
        expected_cost: Some(proposal.cost),
        proposal: Some(proposal),
        approver: None,
        because: Vec::new(),
        documents: Vec::new(),
        with_evidence: None,
        // We accepted the buyer's proposal (rather than the buyer ours).
        accepts_proposal: claim.rounds[accepting].by == crate::claim::Party::Seller,
        approval: None,
    }))
}

/// What the move is decided from.
pub(crate) struct Inputs<'a, 'c> {
    pub p: &'a Playbook,
    pub prepared: &'a Prepared<'c>,
    pub facts: &'a Facts<'c>,
    pub finding: &'a Finding,
    pub tree: &'a Rollback,
    pub bottom_line: Money,
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
    let rounds_so_far = super::belief::rounds_held(claim);

    // The best move in the tree: accept the buyer's proposal, an offer, or reject. With no
    // move in the tree, the claim goes up with no offer; it is projected to cost what no deal
    // costs (the bottom line).
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
    let root = tree.best_root();
    match root {
        Some((Choice::Accept, e)) => {
            if let Some(b) = &tree.game.standing {
                next = NextMove {
                    action: Action::Accept,
                    proposal: Some(b.proposal.clone()),
                    expected_cost: Some(e),
                    approver: None,
                    accepts_proposal: true,
                    ..next
                };
            }
        }
        Some((Choice::Offer(c), e)) => {
            let prop = tree.candidates()[c].proposal.clone();
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
        _ => {}
    }
    let plan: Vec<PlanStep> = match (i.detail, next.action, root) {
        (Detail::Full, Action::Offer | Action::Reject, Some((Choice::Offer(c), _))) => tree
            .plan_from(c)
            .into_iter()
            .enumerate()
            .filter_map(|(k, choice)| {
                let round = rounds_so_far + 1 + k as u32;
                match choice {
                    Choice::Offer(c) => Some(PlanStep {
                        round,
                        proposal: tree.candidates()[c].proposal.clone(),
                        accepts_proposal: false,
                    }),
                    Choice::Accept => tree.game.standing.as_ref().map(|b| PlanStep {
                        round,
                        proposal: b.proposal.clone(),
                        accepts_proposal: true,
                    }),
                    Choice::Nothing => None,
                }
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

/// The claim as it reads once the evidence asked for by these requests has come, as the rules
/// expect it to read (each request's `assume`); a request that only verifies (`verify = true`)
/// is answered by an independent inspection and photos that bear the claim out.
pub fn with_evidence(p: &Playbook, claim: &Claim, requests: &[RuleRef]) -> Claim {
    let mut out = claim.clone();
    for r in p.evidence_requests() {
        if !requests.contains(&r.rule) {
            continue;
        }
        if r.verify {
            out.evidence.buyer_photos = true;
            out.evidence.inspection = crate::claim::Inspection::ThirdParty;
        }
        for (field, value) in &r.assume {
            assume(&mut out, *field, *value);
        }
    }
    out
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
