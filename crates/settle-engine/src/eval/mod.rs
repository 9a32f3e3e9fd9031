//! The evaluation: the model's steps run in order on one claim under one rule set, each in a
//! module of its own that returns its figures and the rules behind them (numbered as in
//! docs/model.md). [`advise`], [`advise_move`] and [`explain`] are the same evaluation with
//! different [`Options`]: `explain` is `advise` with the trace on.
//!
//! | step | module |
//! |---|---|
//! | 1 responsibility | [`responsibility`] |
//! | 2 eligibility | [`eligibility`] |
//! | 3 pricing (costs in force, each option's price) | [`costs`], [`pricing`] |
//! | 4 relationship value and loyalty | [`relationship`] |
//! | 5 the buyer's replies | [`buyer`] |
//! | 6 walking away, stalemate, the bottom line | [`bottom_line`] |
//! | 7 the candidates and the tree | [`candidates`], [`tree`] |
//! | 8 the move | [`moves`] |
//! | 9 warnings | [`warnings`] |

pub mod belief;
pub mod bottom_line;
pub mod buyer;
pub mod calibration;
pub mod candidates;
pub mod costs;
pub mod eligibility;
pub mod moves;
pub mod pricing;
pub mod relationship;
pub mod responsibility;
pub mod trace;
pub mod tree;
pub mod warnings;

use crate::advice::{Advice, Move, NextMove, PlanStep, acceptance_of_move, fired_rules};
use crate::claim::Claim;
use crate::money::{Checked, Money, Overflow};
use crate::playbook::{Costs, Param, Playbook, RuleRef};
use crate::schema::Facts;
use pricing::{Basis, Proposal};
use responsibility::Finding;
use rust_decimal::Decimal;
use trace::{Consulted, Tracer};
use tree::{Mode, Rollback};

/// How much of the advice to work out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    /// Everything [`Advice`] reports.
    Full,
    /// What [`Move`] reports: no per-option bests, no plan (a replay's fast path).
    Move,
}

/// What an evaluation works out and records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// How much of the advice to work out.
    pub detail: Detail,
    /// Record every rule consulted, with the values it read (for `explain`).
    pub trace: bool,
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

/// The steps' results, in model order: what [`advise`], [`advise_move`] and [`explain`] report.
pub(crate) struct Steps<'c> {
    pub facts: Facts<'c>,
    pub finding: Finding,
    pub eligibility: eligibility::Eligibility,
    pub costs: costs::CostsInForce,
    pub loss_basis: Money,
    pub fair: Money,
    pub customer_value: Money,
    pub bottom_line: Money,
    pub bottom_line_basis: bottom_line::BottomLineBasis,
    pub belief: belief::Belief,
    pub ladder: candidates::Ladder,
    pub tree: Rollback,
    pub standing: Option<(Proposal, Money)>,
    pub next: NextMove,
    pub plan: Vec<PlanStep>,
    pub escalations: Vec<RuleRef>,
}

/// Runs the steps. `may_request`: evidence may be requested (not when working out what the
/// advice would become with the evidence).
pub(crate) fn run<'c>(
    p: &Playbook,
    prepared: &Prepared<'c>,
    may_request: bool,
    detail: Detail,
    trace: &mut Tracer<'_>,
) -> Result<Steps<'c>, Overflow> {
    let claim = prepared.claim;
    let mut facts = prepared.facts.clone();

    // 1. Responsibility; later steps may read the shares.
    let finding = responsibility::decide(p, &facts, trace);
    facts.set_responsibility(&finding);
    // 2. Eligibility.
    let eligible = eligibility::decide(p, &facts, trace);
    // 3. Pricing: the costs in force, and the claim's pricing basis.
    let in_force = costs::in_force(p, &facts, trace);
    let costs = &in_force.costs;
    let (loss_basis, fair) = loss_and_fair(prepared, &finding, costs)?;
    // 4. Relationship value.
    let customer_value = relationship::customer_value(p, claim, costs)?;
    let retention = p
        .relationship()
        .retention_of(claim.customer.relationship)
        .value;
    let basis = Basis {
        reorder_chance: retention,
        ..prepared.basis.clone()?
    };
    let rounds_so_far = belief::rounds_held(claim);
    let days_open = (claim.decision_date() - claim.received).whole_days().max(0);
    let decay = relationship::Decay::new(p, rounds_so_far);
    // 5. The buyer's replies, and what the rounds so far tell about the buyer.
    let round_terms = buyer::round_terms(p, rounds_so_far, days_open, &decay);
    // The ask as the buyer values it (a repair asked for is worth its appeal's share of the
    // amount): the top of the ladder and the yardstick of the buyer's acceptance.
    let ask_value = ask_value(p, claim)?;
    let buyer = buyer::Buyer::new(p, ask_value, fair)?;
    let belief = belief::Belief::of(p, claim, &buyer)?;
    // 6. No deal, and the bottom line.
    let no_deal = bottom_line::no_deal(
        p,
        claim,
        costs,
        &basis,
        fair,
        customer_value,
        &buyer,
        &decay,
        days_open,
        &belief.refused_offers,
        |r| eligible.allows(r),
    )?;
    let bottom_line = no_deal.bottom_line;
    // 7. The candidates and the tree, with the buyer's proposal as we could accept it.
    let mut ladder = candidates::ladder(
        p,
        costs,
        &basis,
        &eligible,
        fair,
        ask_value,
        bottom_line,
        &buyer,
    )?;
    let proposal = moves::standing(
        p,
        claim,
        costs,
        &basis,
        |r| eligible.allows(r),
        bottom_line,
        customer_value,
        &decay,
        days_open,
        belief.proposal_round,
        belief.open,
    )?;
    let standing = proposal
        .as_ref()
        .filter(|b| b.open)
        .and_then(|b| b.accept_cost.first().map(|e| (b.proposal.clone(), *e)));
    let tree = Rollback::solve(
        tree::Game {
            candidates: std::mem::take(&mut ladder.candidates),
            rounds: round_terms,
            customer_value,
            walk_cost: no_deal.walk_cost,
            stalemate_cost: no_deal.stalemate_cost,
            countered: p.relationship().countered.value,
            refused: belief.refused,
            upper: belief.upper,
            standing: proposal,
            refusal: p.buyer().refusal.value,
            withdraws: p.buyer().withdraws.value,
        },
        match detail {
            Detail::Full => Mode::FULL,
            Detail::Move => Mode::OPENING,
        },
    )?;
    // 8. The move.
    let decided = moves::decide(
        moves::Inputs {
            p,
            prepared,
            facts: &facts,
            finding: &finding,
            tree: &tree,
            bottom_line,
            may_request,
            detail,
        },
        trace,
    )?;
    // A settled claim has nothing left to negotiate: the move is to carry out what was agreed.
    let decided = match moves::settled(claim, belief.settled, costs, &basis)? {
        Some(next) => moves::Decided {
            next,
            plan: Vec::new(),
            escalations: decided.escalations,
        },
        None => decided,
    };
    Ok(Steps {
        facts,
        finding,
        eligibility: eligible,
        costs: in_force,
        loss_basis,
        fair,
        customer_value,
        bottom_line,
        bottom_line_basis: no_deal.basis,
        belief,
        ladder,
        tree,
        standing,
        next: decided.next,
        plan: decided.plan,
        escalations: decided.escalations,
    })
}

/// The loss the shares apply to, and our fair share of it. The loss is the ask, capped at the
/// foreseeable loss (CISG 74), and, for goods the buyer keeps and uses, at the price reduction
/// in proportion (CISG 50); of what lies beyond the price of the affected goods, only the
/// `damages` share counts (less where the buyer had to mitigate, CISG 77; none under an
/// impediment, CISG 79).
pub(crate) fn loss_and_fair(
    prepared: &Prepared<'_>,
    finding: &Finding,
    costs: &Costs,
) -> Result<(Money, Money), Overflow> {
    let claim = prepared.claim;
    let ask = claim.ask.amount;
    let foreseeable = claim.order.value.mul_or(
        costs.get(crate::playbook::CostParam::Foreseeable),
        "foreseeable loss",
    )?;
    let damages = costs.get(crate::playbook::CostParam::Damages);
    let reduction = costs.get(crate::playbook::CostParam::Reduction);
    let mut capped = ask.min(foreseeable);
    if reduction < Decimal::ONE
        && let Ok(b) = &prepared.basis
    {
        capped = capped.min(b.affected_value.mul_or(reduction, "price reduction")?);
    }
    let loss_basis = if damages >= Decimal::ONE {
        capped
    } else {
        let price = prepared
            .basis
            .as_ref()
            .map_or(Decimal::ZERO, |b| b.paid_affected)
            .min(capped);
        price.add_or((capped - price).mul_or(damages, "damages")?, "loss basis")?
    };
    let fair = loss_basis.mul_or(finding.shares.seller(), "fair share")?;
    Ok((loss_basis, fair))
}

/// The value of the ask to the buyer (its amount times its option's appeal; the amount itself
/// for an ask with no appeal).
pub(crate) fn ask_value(p: &Playbook, claim: &Claim) -> Result<Money, Overflow> {
    let ask = claim.ask.amount;
    match p.buyer().appeal[claim.ask.remedy.index()].value {
        a if a > Decimal::ZERO => ask.mul_or(a, "value of the ask"),
        _ => Ok(ask),
    }
}

/// An evaluation's result: the advice, and the trace when it was asked for.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The advice.
    pub advice: Advice,
    /// Every rule consulted, in the order the steps consulted them (empty without
    /// [`Options::trace`]).
    pub consulted: Vec<Consulted>,
}

/// Evaluates a claim under a rule set with these options. With [`Detail::Move`] the advice's
/// options table and plan are left empty; use [`advise_move`] for the move alone.
pub fn evaluate(p: &Playbook, claim: &Claim, options: Options) -> Result<Evaluation, Overflow> {
    let mut consulted = Vec::new();
    let mut tracer = if options.trace {
        Tracer::to(&mut consulted)
    } else {
        Tracer::off()
    };
    let s = run(p, &Prepared::new(claim), true, options.detail, &mut tracer)?;
    // 9. Warnings, and the options table.
    let warnings = warnings::warnings(p, claim, &s.facts, &s.finding);
    let options_table = s.ladder.report(&s.eligibility, &s.tree);
    let advice = Advice {
        adjustments: s.costs.adjustments,
        standing: s.standing,
        responsibility: s.finding,
        loss_basis: s.loss_basis,
        fair_share: s.fair,
        customer_value: s.customer_value,
        next: s.next,
        bottom_line: s.bottom_line,
        bottom_line_basis: s.bottom_line_basis,
        belief: s.belief,
        options: options_table,
        plan: s.plan,
        warnings,
        retention_rule: p
            .relationship()
            .retention_of(claim.customer.relationship)
            .rule,
        tree: s.tree,
        costs: s.costs.costs,
        escalations: s.escalations,
    };
    Ok(Evaluation { advice, consulted })
}

/// Works out the advice on a claim under a rule set.
pub fn advise(p: &Playbook, claim: &Claim) -> Result<Advice, Overflow> {
    evaluate(
        p,
        claim,
        Options {
            detail: Detail::Full,
            trace: false,
        },
    )
    .map(|e| e.advice)
}

/// Works out the advice and the trace behind it: the same evaluation as [`advise`], with
/// every rule consulted recorded as the steps consult it.
pub fn explain(p: &Playbook, claim: &Claim) -> Result<Evaluation, Overflow> {
    evaluate(
        p,
        claim,
        Options {
            detail: Detail::Full,
            trace: true,
        },
    )
}

/// Works out the next move on a claim under a rule set, and no more: see [`Move`].
pub fn advise_move(p: &Playbook, claim: &Prepared<'_>) -> Result<Move, Overflow> {
    let s = run(p, claim, true, Detail::Move, &mut Tracer::off())?;
    Ok(Move {
        acceptance: acceptance_of_move(&s.next, &s.tree),
        fired: fired_rules(
            &s.finding,
            s.eligibility.all(),
            &s.costs.adjustments,
            &s.escalations,
            &s.next,
        ),
        next: s.next,
    })
}

/// The cost parameters in force for an advice, each with the rule that set it.
pub fn costs_in_force(costs: &Costs) -> Vec<(crate::playbook::CostParam, Param)> {
    crate::playbook::CostParam::ALL
        .iter()
        .map(|c| (*c, costs.param(*c)))
        .collect()
}
