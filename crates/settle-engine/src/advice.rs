//! The advice: runs the model's steps on one claim and says what to do next, and why.

use crate::claim::{Claim, Party, Remedy, Stage};
use crate::fast::{annuity_factor, order};
use crate::money::{Checked, Money, Overflow};
use crate::playbook::{Assumed, CostParam, Costs, EscalationKind, Playbook, RuleRef};
use crate::pricing::{self, Basis, Proposal};
use crate::responsibility::{self, Finding};
use crate::schema::{Facts, Field};
use crate::tree::{Candidate, Mode, Rollback, RootMove, RoundTerms};
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
    /// Hand the decision up, with the offer to put to the approver.
    Escalate,
    /// Reject the claim, citing the evidence.
    Reject,
}

impl Action {
    /// Every move, in declaration order.
    pub const ALL: [Action; 5] = [
        Action::Offer,
        Action::Accept,
        Action::RequestEvidence,
        Action::Escalate,
        Action::Reject,
    ];

    /// The move's position in [`Action::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }

    /// The name used in JSON output.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Offer => "offer",
            Action::Accept => "accept",
            Action::RequestEvidence => "request_evidence",
            Action::Escalate => "escalate",
            Action::Reject => "reject",
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
}

/// One step of the plan: the offer to make in a round if the buyer keeps countering.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanStep {
    /// The negotiation round number, counting the rounds already held.
    pub round: u32,
    /// The offer to make in that round.
    pub proposal: Proposal,
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

const PROB_DP: u32 = 6;

/// `num × inv` (a ratio by a reciprocal), or `top` (a ratio at which every curve is flat)
/// when the denominator is zero.
///
/// The ratio is rounded to 12 places: a ratio of scaled amounts can differ from the unscaled one
/// in its 28th digit, and without this a curve value sitting on a rounding boundary would make
/// the advice depend on the scale of the amounts.
fn ratio_by(num: Money, inv: Option<Decimal>, top: Decimal) -> Result<Decimal, Overflow> {
    match inv {
        None => Ok(top),
        Some(inv) => crate::fast::mul_round12(num, inv).ok_or(Overflow { what: "ratio" }),
    }
}

/// Customer value: annual purchases × margin × Σ (retention / (1 + discount))^y over the horizon.
fn customer_value(p: &Playbook, claim: &Claim, costs: &Costs) -> Result<Money, Overflow> {
    let rel = &p.relationship();
    let r = rel.retention_of(claim.customer.relationship).value;
    let factor = annuity_factor(r, rel.discount_rate.value, rel.horizon_years)?;
    claim
        .customer
        .annual_purchases
        .mul_or(costs.get(CostParam::Margin), "customer value")?
        .mul_or(factor, "customer value")
}

/// `days / 30` to six places, rounded half up, by integer arithmetic.
fn days_fraction(days: i64) -> Decimal {
    let micro = (i128::from(days) * 1_000_000 + 15) / 30;
    Decimal::from_i128_with_scale(micro, 6)
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
fn acceptance_of_move(next: &NextMove, tree: &Rollback) -> Option<Decimal> {
    match &next.proposal {
        _ if next.accepts_proposal => Some(Decimal::ONE),
        Some(p) => tree
            .candidates
            .iter()
            .find(|c| &c.proposal == p)
            .map(|c| c.acceptance),
        None => None,
    }
}

/// Every rule that fired, sorted, without repeats (see [`Advice::fired`]).
fn fired_rules<'a>(
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
    v.sort_unstable();
    v.dedup();
    v
}

/// A claim with the figures that do not depend on the rules (its facts and its pricing
/// basis) worked out once, to advise it under several rule sets (see [`advise_move`]).
#[derive(Debug, Clone)]
pub struct Prepared<'c> {
    claim: &'c Claim,
    facts: Facts<'c>,
    /// The basis with no reorder chance (a rule figure, set per rule set); an overflow is kept
    /// and reported where the advice comes to the basis, so that each rule set fails as it
    /// would alone.
    basis: Result<Basis, Overflow>,
}

impl<'c> Prepared<'c> {
    /// Works out a claim's rule-independent figures.
    pub fn new(claim: &'c Claim) -> Prepared<'c> {
        Prepared {
            claim,
            facts: Facts::of(claim),
            basis: Basis::of(claim, Decimal::ZERO),
        }
    }

    /// The claim.
    pub fn claim(&self) -> &'c Claim {
        self.claim
    }
}

/// Works out the advice on a claim under a rule set.
pub fn advise(p: &Playbook, claim: &Claim) -> Result<Advice, Overflow> {
    let w = work(p, &Prepared::new(claim), true, Detail::Full)?;
    let warnings = warnings(p, claim, &w.facts, &w.finding);
    let tree = w.tree;

    // The options table.
    let options: Vec<OptionReport> = Remedy::ALL
        .iter()
        .map(|&remedy| {
            let blocked_by = w.blocked[remedy.index()].clone();
            let mut report = OptionReport {
                remedy,
                eligible: blocked_by.is_empty(),
                proposal: None,
                acceptance: None,
                expected_cost: None,
                unoffered: None,
                blocked_by,
            };
            if !report.eligible {
                return report;
            }
            if let Some((i, e)) = tree.best_of(remedy) {
                let c = &tree.candidates[i];
                report.proposal = Some(c.proposal.clone());
                report.acceptance = Some(c.acceptance);
                report.expected_cost = Some(e);
            } else if w.below_opening[remedy.index()] && !w.over_bottom[remedy.index()] {
                report.unoffered = Some(Unoffered::BelowOpening(w.opening));
            } else if w.over_bottom[remedy.index()] {
                report.unoffered = Some(Unoffered::OverBottomLine);
            } else {
                report.unoffered = Some(Unoffered::NoValue);
            }
            report
        })
        .collect();

    Ok(Advice {
        adjustments: w.adjusted,
        standing: w.standing,
        responsibility: w.finding,
        loss_basis: w.loss_basis,
        fair_share: w.fair,
        customer_value: w.cv,
        next: w.next,
        bottom_line: w.bottom_line,
        options,
        plan: w.plan,
        warnings,
        retention_rule: p
            .relationship()
            .retention_of(claim.customer.relationship)
            .rule,
        tree,
        costs: w.costs,
        escalations: w.escalations,
    })
}

/// Works out the next move on a claim under a rule set, and no more: see [`Move`].
pub fn advise_move(p: &Playbook, claim: &Prepared<'_>) -> Result<Move, Overflow> {
    let w = work(p, claim, true, Detail::Move)?;
    Ok(Move {
        acceptance: acceptance_of_move(&w.next, &w.tree),
        fired: fired_rules(
            &w.finding,
            w.blocked.iter().map(Vec::as_slice),
            &w.adjusted,
            &w.escalations,
            &w.next,
        ),
        next: w.next,
    })
}

/// How much of the advice to work out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Detail {
    /// Everything [`Advice`] reports.
    Full,
    /// What [`Move`] reports: no per-option bests, no plan.
    Move,
}

/// The figures behind the next move; [`advise`] adds the options table and the warnings.
struct Worked<'c> {
    facts: Facts<'c>,
    finding: Finding,
    costs: Costs,
    adjusted: Vec<RuleRef>,
    blocked: Vec<Vec<RuleRef>>,
    loss_basis: Money,
    fair: Money,
    cv: Money,
    bottom_line: Money,
    opening: Money,
    below_opening: [bool; 6],
    over_bottom: [bool; 6],
    tree: Rollback,
    standing: Option<(Proposal, Money)>,
    next: NextMove,
    plan: Vec<PlanStep>,
    escalations: Vec<RuleRef>,
}

fn work<'c>(
    p: &Playbook,
    prepared: &Prepared<'c>,
    may_request: bool,
    detail: Detail,
) -> Result<Worked<'c>, Overflow> {
    let claim = prepared.claim;
    let mut facts = prepared.facts.clone();
    let finding = responsibility::assign(p, &facts);
    facts.set_responsibility(&finding);

    // Costs in force: the base parameters, then every matching adjustment, the most specific
    // (most tests) last so that it wins; ties by rule id. File order does not matter.
    let mut costs = *p.costs();
    let mut matched: Vec<&crate::playbook::CostAdjustment> = p
        .cost_adjustments()
        .iter()
        .filter(|a| a.when.matches(&facts))
        .collect();
    matched.sort_by(|a, b| {
        (a.when.tests().len(), &p.rule(a.rule).id).cmp(&(b.when.tests().len(), &p.rule(b.rule).id))
    });
    for adj in &matched {
        for (param, value) in &adj.set {
            costs.set(
                *param,
                crate::playbook::Param {
                    value: *value,
                    rule: adj.rule,
                },
            );
        }
    }
    let adjusted: Vec<RuleRef> = matched.iter().map(|a| a.rule).collect();

    let by_id = |a: &RuleRef, b: &RuleRef| p.rule(*a).id.cmp(&p.rule(*b).id);
    let blocked: Vec<Vec<RuleRef>> = Remedy::ALL
        .iter()
        .map(|r| {
            let mut v: Vec<RuleRef> = p
                .eligibility()
                .iter()
                .filter(|e| e.options.contains(*r) && e.when.matches(&facts))
                .map(|e| e.rule)
                .collect();
            v.sort_by(by_id);
            v
        })
        .collect();
    let eligible = |r: Remedy| blocked[r.index()].is_empty();

    let o = &claim.order;
    let ask = claim.ask.amount;
    let foreseeable = o
        .value
        .mul_or(costs.get(CostParam::Foreseeable), "foreseeable loss")?;
    let loss_basis = ask.min(foreseeable);
    let fair = loss_basis.mul_or(finding.shares.seller(), "fair share")?;
    let cv = customer_value(p, claim, &costs)?;
    let reorder = p
        .relationship()
        .retention_of(claim.customer.relationship)
        .value;
    let basis = Basis {
        reorder_chance: reorder,
        ..prepared.basis.clone()?
    };

    let rounds_so_far = claim.rounds.len() as u32;
    let days_open = (claim.decision_date() - claim.received).whole_days().max(0);
    let rel = &p.relationship();
    let buyer = &p.buyer();
    let decay_at = |extra_rounds: u32, days: i64| -> Decimal {
        (rel.per_round.value * Decimal::from(rounds_so_far + extra_rounds)
            + rel.per_30_days.value * days_fraction(days))
        .round_dp(PROB_DP)
    };
    let patience_at = |round_index: u32, days: i64| -> Decimal {
        let idx = (round_index as usize).min(buyer.patience.len().saturating_sub(1));
        let base = buyer
            .patience
            .get(idx)
            .map(|s| s.get())
            .unwrap_or(Decimal::ZERO);
        (base - buyer.patience_per_30_days.value * days_fraction(days))
            .clamp(Decimal::ZERO, Decimal::ONE)
            .round_dp(PROB_DP)
    };
    let depth = p.tree().rounds.max(1);
    let round_terms: Vec<RoundTerms> = (0..depth)
        .map(|k| {
            let days = days_open + i64::from(k) * i64::from(buyer.days_per_round);
            RoundTerms {
                patience: patience_at(rounds_so_far + k, days),
                decay: decay_at(k + 1, days),
            }
        })
        .collect();

    let fair_top = buyer.by_fair.last_x().max(rel.fairness.last_x());
    // Ratios to the ask and to the fair share, by reciprocals worked out once per claim.
    let inverse = |x: Money| -> Result<Option<Decimal>, Overflow> {
        if x <= Decimal::ZERO {
            Ok(None)
        } else {
            Decimal::ONE.div_or(x, "ratio").map(Some)
        }
    };
    let (inv_ask, inv_fair) = (inverse(ask)?, inverse(fair)?);
    let acceptance_of = |perceived: Money| -> Result<(Decimal, Decimal), Overflow> {
        let ra = ratio_by(perceived, inv_ask, buyer.by_ask.last_x())?;
        let rf = ratio_by(perceived, inv_fair, fair_top)?;
        let w = buyer.fair_weight.value;
        let a = (w * buyer.by_fair.at(rf) + (Decimal::ONE - w) * buyer.by_ask.at(ra))
            .round_dp(PROB_DP)
            .clamp(Decimal::ZERO, Decimal::ONE);
        Ok((a, rel.fairness.at(rf)))
    };
    let perceived_of = |prop: &Proposal| -> Result<Money, Overflow> {
        prop.amount
            .mul_or(buyer.appeal[prop.remedy.index()].value, "perceived value")
    };

    // The buyer's walk-away: the balance it withholds, what it recovers by dispute or
    // chargeback, the dispute's cost, and the customer.
    let mut unpaid = o.value.sub_or(o.paid, "unpaid balance")?;
    if o.stage == Stage::PreShipment {
        let all_cost = o
            .unit_cost
            .mul_or(Decimal::from(o.quantity), "goods cost")?;
        unpaid = unpaid
            .sub_or(
                all_cost.mul_or(costs.get(CostParam::Salvage), "salvage")?,
                "unpaid balance",
            )?
            .max(Decimal::ZERO);
    }
    let escalation_cost = unpaid
        .mul_or(buyer.withhold.value, "withheld balance")?
        .add_or(fair.mul_or(buyer.award.value, "award")?, "walk-away cost")?
        .add_or(
            o.value.mul_or(buyer.dispute.value, "dispute cost")?,
            "walk-away cost",
        )?;
    let lost_customer = cv.mul_or(Decimal::ONE - rel.walkaway.value, "lost customer")?;
    let walk_cost = escalation_cost.add_or(lost_customer, "walk-away cost")?;
    let asked = pricing::as_proposed(&costs, &basis, claim.ask.remedy, ask)?;
    let stalemate_cost = if claim.ask.remedy == Remedy::Reject {
        walk_cost
    } else {
        asked.cost.add_or(lost_customer, "stalemate cost")?
    };

    // Reject as a final answer (accepted or walked away from): with walking away, the
    // seller's alternative to a deal, it sets the bottom line.
    let reject_eval = if eligible(Remedy::Reject) {
        let (a, fairness) = acceptance_of(Decimal::ZERO)?;
        let kept = (fairness - decay_at(1, days_open)).clamp(Decimal::ZERO, Decimal::ONE);
        let settled = cv.mul_or(Decimal::ONE - kept, "relationship loss")?;
        let e = a.mul_or(settled, "expected cost")?.add_or(
            (Decimal::ONE - a).mul_or(walk_cost, "expected cost")?,
            "expected cost",
        )?;
        Some((a, e))
    } else {
        None
    };
    // The bottom line: never pay more than granting the buyer's full ask costs (as asked, or
    // as its amount in cash, whichever is more), nor more than the alternative to a deal (the
    // buyer walking away, or a rejection) is expected to cost.
    let no_deal = match reject_eval {
        Some((_, e)) => e.min(walk_cost),
        None => walk_cost,
    };
    let bottom_line = if claim.ask.remedy == Remedy::Reject {
        no_deal
    } else {
        no_deal.min(asked.cost.max(ask))
    };

    // Candidates: each eligible option's ladder, within the bottom line.
    let mut candidates: Vec<Candidate> = Vec::new();
    let mut over_bottom: [bool; 6] = [false; 6];
    let opening = fair
        .mul_or(p.tree().opening.value, "opening offer")?
        .min(ask);
    let mut below_opening: [bool; 6] = [false; 6];
    let mut push =
        |prop: Proposal, rung: usize, cands: &mut Vec<Candidate>| -> Result<(), Overflow> {
            if prop.remedy != Remedy::Reject && prop.amount <= Decimal::ZERO {
                return Ok(());
            }
            let perceived = perceived_of(&prop)?;
            // Never low-ball: no offer is worth less to the buyer than the opening (our fair
            // share).
            if prop.remedy != Remedy::Reject && perceived < opening {
                below_opening[prop.remedy.index()] = true;
                return Ok(());
            }
            if prop.cost > bottom_line {
                over_bottom[prop.remedy.index()] = true;
                return Ok(());
            }
            if cands.iter().any(|c| c.proposal == prop) {
                return Ok(());
            }
            // Values reached by different computations (a repair's goods value × appeal, a
            // refund of what was paid) can agree to 27 digits and differ in the 28th; 12
            // significant digits make such ties ties, whatever the scale of the amounts.
            let perceived = crate::fast::round_sf(perceived, 12).unwrap_or(perceived);
            // Offers of equal value to the buyer (a refund, a discount and a reship on the same
            // rung) share their acceptance: work it out once.
            let (acceptance, fairness) =
                match cands.iter().find(|c| order(c.perceived, perceived).is_eq()) {
                    Some(c) => (c.acceptance, c.fairness),
                    None => acceptance_of(perceived)?,
                };
            cands.push(Candidate {
                proposal: prop,
                rung,
                perceived,
                acceptance,
                fairness,
            });
            Ok(())
        };
    for (rung, t) in p.tree().ladder.iter().enumerate() {
        let value = opening.add_or(
            (ask - opening)
                .max(Decimal::ZERO)
                .mul_or(t.get(), "ladder")?,
            "ladder",
        )?;
        // Rungs are amounts between the opening and the ask; an option whose amount is worth
        // less to the buyer than the opening (a credit's face at the fair share) is skipped.
        if eligible(Remedy::Refund) {
            push(
                pricing::refund(&costs, &basis, value)?,
                rung,
                &mut candidates,
            )?;
        }
        if eligible(Remedy::Discount) {
            push(pricing::discount(value), rung, &mut candidates)?;
        }
        if eligible(Remedy::Credit) {
            push(
                pricing::credit(&costs, &basis, value)?,
                rung,
                &mut candidates,
            )?;
        }
        if eligible(Remedy::Reship) {
            push(
                pricing::reship(&costs, &basis, value.min(basis.affected_value))?,
                rung,
                &mut candidates,
            )?;
        }
    }
    // A full refund of what the buyer paid for the affected goods is a natural offer of its
    // own: at that amount the goods come back (or the units are cancelled) and their salvage
    // is recovered, so it can cost less than a smaller partial refund.
    if eligible(Remedy::Refund) && basis.paid_affected >= opening && basis.paid_affected <= ask {
        let rung = p.tree().ladder.len();
        push(
            pricing::refund(&costs, &basis, basis.paid_affected)?,
            rung,
            &mut candidates,
        )?;
    }
    // Reject is the ladder's bottom rung: worth nothing to the buyer, who may still counter.
    if eligible(Remedy::Reject) {
        push(pricing::reject(), 0, &mut candidates)?;
    }
    if eligible(Remedy::Repair) && basis.affected > 0 {
        if basis.goods_away() {
            push(
                pricing::repair(&costs, &basis, Party::Buyer)?,
                0,
                &mut candidates,
            )?;
        }
        push(
            pricing::repair(&costs, &basis, Party::Seller)?,
            1,
            &mut candidates,
        )?;
    }
    candidates.sort_by(|a, b| {
        order(a.perceived, b.perceived)
            .then(a.proposal.remedy.cmp(&b.proposal.remedy))
            .then(a.rung.cmp(&b.rung))
    });
    let tree = Rollback::solve_with(
        candidates,
        round_terms,
        cv,
        walk_cost,
        stalemate_cost,
        rel.countered.value,
        match detail {
            Detail::Full => Mode::FULL,
            Detail::Move => Mode::OPENING,
        },
    )?;

    // The buyer's standing proposal: certain to be accepted, and it expires once countered.
    let accept_eval = match claim.standing_proposal() {
        Some(round)
            if eligible(round.remedy)
                && (round.amount <= ask
                    || !matches!(
                        round.remedy,
                        Remedy::Refund | Remedy::Discount | Remedy::Credit
                    )) =>
        {
            let prop = pricing::as_proposed(&costs, &basis, round.remedy, round.amount)?;
            if prop.cost <= bottom_line {
                let kept =
                    (Decimal::ONE - decay_at(0, days_open)).clamp(Decimal::ZERO, Decimal::ONE);
                let e = prop.cost.add_or(
                    cv.mul_or(Decimal::ONE - kept, "relationship loss")?,
                    "accept cost",
                )?;
                Some((prop, e))
            } else {
                None
            }
        }
        _ => None,
    };

    // The best move in the tree: accept, then offers in candidate order, then reject.
    let opening_best = tree.best_opening();
    // With no move in the tree, the claim goes up with no offer; it is projected to cost what
    // no deal costs (the bottom line).
    let mut next = NextMove {
        action: Action::Escalate,
        proposal: None,
        expected_cost: Some(bottom_line),
        approver: Some(p.limits().approver.clone()),
        because: Vec::new(),
        documents: Vec::new(),
        with_evidence: None,
        accepts_proposal: false,
    };
    let mut best_cost: Option<Money> = None;
    if let Some((prop, e)) = &accept_eval {
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
    if let Some((i, e)) = opening_best
        && best_cost.is_none_or(|b| e < b)
    {
        let prop = tree.candidates[i].proposal.clone();
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
                finding.rule.into_iter().collect()
            } else {
                Vec::new()
            },
            ..next
        };
    }
    let plan: Vec<PlanStep> = match (detail, next.action, opening_best) {
        (Detail::Full, Action::Offer | Action::Reject, Some((i, _))) => tree
            .plan_from(i)
            .into_iter()
            .enumerate()
            .map(|(k, c)| PlanStep {
                round: rounds_so_far + 1 + k as u32,
                proposal: tree.candidates[c].proposal.clone(),
            })
            .collect(),
        _ => Vec::new(),
    };

    // Rules that take the decision out of the rep's hands, in a fixed order: safety first,
    // then opportunistic, then other; by id within a kind.
    let rank = |k: EscalationKind| match k {
        EscalationKind::Safety => 0,
        EscalationKind::Opportunistic => 1,
        EscalationKind::Other => 2,
    };
    let mut matched_esc: Vec<&crate::playbook::EscalationRule> = p
        .escalation()
        .iter()
        .filter(|e| e.when.matches(&facts))
        .collect();
    matched_esc.sort_by(|a, b| {
        (rank(a.kind), &p.rule(a.rule).id).cmp(&(rank(b.kind), &p.rule(b.rule).id))
    });
    let escalations: Vec<RuleRef> = matched_esc.iter().map(|e| e.rule).collect();
    let material = ask
        >= o.value
            .mul_or(p.limits().material_share.value, "materiality")?;
    let mut requests: Vec<&crate::playbook::EvidenceRequest> =
        if may_request && finding.unclear && material {
            p.evidence_requests()
                .iter()
                .filter(|r| r.when.matches(&facts))
                .collect()
        } else {
            Vec::new()
        };
    requests.sort_by(|a, b| p.rule(a.rule).id.cmp(&p.rule(b.rule).id));
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
        let with = work(p, &Prepared::new(&assumed), false, Detail::Move)?;
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
        };
    } else if let (Some(prop), Some(limit)) =
        (&next.proposal, p.approval_limit(claim.currency.code()))
        && prop.cost > limit.amount
    {
        next.action = Action::Escalate;
        next.approver = Some(p.limits().approver.clone());
        next.because = vec![limit.rule];
    }

    Ok(Worked {
        facts,
        finding,
        costs,
        adjusted,
        blocked,
        loss_basis,
        fair,
        cv,
        bottom_line,
        opening,
        below_opening,
        over_bottom,
        tree,
        standing: accept_eval,
        next,
        plan,
        escalations,
    })
}

impl Advice {
    /// The root's moves outside the offer ladder, with their expected costs: accepting the
    /// buyer's standing proposal, when it may be accepted.
    pub fn root_moves(&self) -> Vec<(RootMove, Money)> {
        self.standing
            .iter()
            .map(|(_, e)| (RootMove::AcceptProposal, *e))
            .collect()
    }

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

fn warnings(p: &Playbook, claim: &Claim, facts: &Facts<'_>, finding: &Finding) -> Vec<Warning> {
    use crate::schema::Fact;
    let num = |f: Field| match facts.get(f) {
        Fact::Num(x) => Some(x),
        _ => None,
    };
    let mut out = Vec::new();
    if claim.standing_proposal().is_some()
        && let Some(d) = num(Field::DaysSinceLastRound)
        && d > p.limits().reply_within_days.value
    {
        out.push(Warning {
            code: "reply_overdue",
            message: format!(
                "the buyer has waited {d} days for an answer; answer within {} day(s), calmly, before anything else (seed 002, step 1)",
                p.limits().reply_within_days.value
            ),
        });
    }
    if claim.ask.amount > claim.order.value {
        out.push(Warning {
            code: "claim_above_value",
            message: format!(
                "the claim ({}) is above the goods' value ({}): verify it before paying (seed 004)",
                claim.currency.format(claim.ask.amount),
                claim.currency.format(claim.order.value)
            ),
        });
    }
    if let Some(d) = num(Field::DaysSinceDelivery) {
        if d > p.limits().notice_days.value {
            out.push(Warning {
                code: "notice_expired",
                message: format!(
                    "notice came {d} days after delivery, past the {}-day limit: the buyer may have lost the right to rely on the defect (CISG art. 39(2))",
                    p.limits().notice_days.value
                ),
            });
        } else if d > p.limits().prompt_notice_days.value {
            out.push(Warning {
                code: "notice_late",
                message: format!(
                    "notice came {d} days after delivery, later than {} days: check it was within a reasonable time (CISG art. 39(1))",
                    p.limits().prompt_notice_days.value
                ),
            });
        }
    }
    if finding.rule.is_none() {
        out.push(Warning {
            code: "no_responsibility_rule",
            message: "no responsibility rule covers this claim: shared evenly and marked unclear"
                .to_string(),
        });
    }
    if p.approval_limit(claim.currency.code()).is_none() {
        out.push(Warning {
            code: "no_approval_limit",
            message: format!(
                "the rule set has no approval limit for {}",
                claim.currency.code()
            ),
        });
    }
    out
}
