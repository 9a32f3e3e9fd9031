//! The typed rule set ("playbook"): what the loader builds from rule files and the engine
//! evaluates. A value of these types is valid: shares sum to one, probabilities and curve
//! values lie in [0, 1], curve points are in order, every rule reference resolves.

use crate::claim::{Relationship, Remedy};
use crate::condition::Condition;
use crate::money::Money;
use crate::schema::Field;
use rust_decimal::Decimal;

/// Where a rule or parameter is written: an index into [`Playbook::files`] and a 1-based line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Origin {
    /// Index into [`Playbook::files`].
    pub file: u16,
    /// 1-based line.
    pub line: u32,
}

/// A handle on a rule in [`Playbook::rules`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleRef(pub u32);

/// What a rule is: a row or rule that fires on some claims, or a parameter that always applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RuleKind {
    /// A row of the responsibility table.
    Responsibility,
    /// An eligibility rule (a case in which options may not be offered).
    Eligibility,
    /// A cost adjustment.
    CostAdjustment,
    /// An escalation rule.
    Escalation,
    /// An evidence request.
    Evidence,
    /// An approval limit for one currency.
    ApprovalLimit,
    /// A number in `[costs]`, `[relationship]`, `[buyer]`, `[tree]` or `[limits]`.
    Parameter,
}

impl RuleKind {
    /// The name used in reports.
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::Responsibility => "responsibility",
            RuleKind::Eligibility => "eligibility",
            RuleKind::CostAdjustment => "cost adjustment",
            RuleKind::Escalation => "escalation",
            RuleKind::Evidence => "evidence",
            RuleKind::ApprovalLimit => "approval limit",
            RuleKind::Parameter => "parameter",
        }
    }
}

/// What a rep or a manager reads about a rule: its id, why it exists, where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    /// What kind of rule it is.
    pub kind: RuleKind,
    /// Unique within the rule set, e.g. `reject-only-when-not-ours` or `costs.freight`.
    pub id: String,
    /// One line a rep can read.
    pub why: String,
    /// A seed file name or a CISG article, when the rule cites one.
    pub source: Option<String>,
    /// Where it is written.
    pub origin: Origin,
}

/// A number between 0 and 1 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Share(pub(crate) Decimal);

/// A value outside [0, 1] where a share or probability was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is outside [0, 1]")]
pub struct OutOfUnit(pub Decimal);

impl Share {
    /// Zero.
    pub const ZERO: Share = Share(Decimal::ZERO);
    /// One.
    pub const ONE: Share = Share(Decimal::ONE);

    /// A share, if `value` lies in [0, 1].
    pub fn new(value: Decimal) -> Result<Share, OutOfUnit> {
        if value < Decimal::ZERO || value > Decimal::ONE {
            Err(OutOfUnit(value))
        } else {
            Ok(Share(value))
        }
    }

    /// Clamps into [0, 1]; for computed values such as probabilities.
    pub fn clamp(value: Decimal) -> Share {
        Share(value.clamp(Decimal::ZERO, Decimal::ONE))
    }

    /// The value.
    #[inline]
    pub fn get(self) -> Decimal {
        self.0
    }
}

/// Shares of responsibility for the seller, the buyer and the carrier; they sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shares {
    pub(crate) seller: Share,
    pub(crate) buyer: Share,
    pub(crate) carrier: Share,
}

/// Shares that do not add up to one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("shares sum to {0}, not 1")]
pub struct SharesSum(pub Decimal);

impl Shares {
    /// Shares, if they sum to exactly 1.
    pub fn new(seller: Share, buyer: Share, carrier: Share) -> Result<Shares, SharesSum> {
        let sum = seller.0 + buyer.0 + carrier.0;
        if sum == Decimal::ONE {
            Ok(Shares {
                seller,
                buyer,
                carrier,
            })
        } else {
            Err(SharesSum(sum))
        }
    }

    /// The seller's share.
    pub fn seller(&self) -> Decimal {
        self.seller.0
    }
    /// The buyer's share.
    pub fn buyer(&self) -> Decimal {
        self.buyer.0
    }
    /// The carrier's share.
    pub fn carrier(&self) -> Decimal {
        self.carrier.0
    }
}

/// A piecewise-linear curve from a ratio to a probability, flat beyond its end points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curve {
    points: Vec<(Decimal, Share)>,
    /// `slopes[i]`: the slope from point `i` to point `i + 1`, worked out once.
    slopes: Vec<Decimal>,
    /// The points' x as integers at twelve places, when every x has at most twelve: the
    /// segment search is then integer comparisons.
    xs: Option<Vec<i128>>,
}

/// Mantissas at most this large (in magnitude) fit a decimal's 96 bits.
const FITS_96: u128 = 1 << 96;

/// `10^n` for `n <= 28`.
fn pow10(n: u32) -> Option<i128> {
    // 10^28 < 2^127: the conversion is exact.
    (n <= 28).then(|| crate::money::POW10[n as usize] as i128)
}

/// `m × 10^k`, if it fits: plain 64-bit-operand arithmetic when the operands are small enough
/// that it cannot overflow (the common case), checked 128-bit arithmetic otherwise.
fn scale_up(m: i128, k: u32) -> Option<i128> {
    if k == 0 {
        return Some(m);
    }
    let p = pow10(k)?;
    if k <= 18 && m.unsigned_abs() < 1 << 64 {
        // |m| < 2^64 and 10^k < 2^60: the product is below 2^124.
        return Some(m * p);
    }
    m.checked_mul(p)
}

/// A decimal's mantissa at twelve places, if it has at most twelve.
fn at_twelve(d: Decimal) -> Option<i128> {
    let s = d.scale();
    if s > 12 {
        return None;
    }
    scale_up(d.mantissa(), 12 - s)
}

/// Why a list of points is not a curve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurveError {
    #[error("a curve needs at least one point")]
    /// A curve with no points.
    Empty,
    #[error("point {index}: x = {x} does not increase on the point before it")]
    /// A point whose x is not above the point before it.
    NotIncreasing {
        /// The point's position, from 0.
        index: usize,
        /// Its x.
        x: Decimal,
    },
}

impl Curve {
    /// A curve, if it has points and their x values strictly increase.
    pub fn new(points: Vec<(Decimal, Share)>) -> Result<Curve, CurveError> {
        if points.is_empty() {
            return Err(CurveError::Empty);
        }
        for (i, w) in points.windows(2).enumerate() {
            if w[1].0 <= w[0].0 {
                return Err(CurveError::NotIncreasing {
                    index: i + 1,
                    x: w[1].0,
                });
            }
        }
        let slopes = points
            .windows(2)
            // Twelve places keep products with a ratio inside 96 bits (the fast path); the
            // result is rounded to six places anyway.
            .map(|w| ((w[1].1.get() - w[0].1.get()) / (w[1].0 - w[0].0)).round_dp(12))
            .collect();
        let xs = points.iter().map(|p| at_twelve(p.0)).collect();
        Ok(Curve { points, slopes, xs })
    }

    /// The points.
    pub fn points(&self) -> &[(Decimal, Share)] {
        &self.points
    }

    /// The x of the last point: where the curve stops rising.
    pub fn last_x(&self) -> Decimal {
        self.points[self.points.len() - 1].0
    }

    /// The curve's value at `x`, by linear interpolation, rounded to 6 places so that
    /// products of probabilities stay well inside the decimal range.
    ///
    /// The result is the decimal computation's, digit for digit and scale for scale
    /// ([`Curve::at_decimal`]); where every operand is exact in integers, it is worked out
    /// in integers (the fast path of a replay).
    pub fn at(&self, x: Decimal) -> Decimal {
        let (Some(xs), Some(xq)) = (&self.xs, at_twelve(x)) else {
            return self.at_decimal(x);
        };
        let pts = &self.points;
        if xq <= xs[0] {
            return pts[0].1.get();
        }
        for i in 0..xs.len() - 1 {
            if xq <= xs[i + 1] {
                return self
                    .interpolate_exact(i, x)
                    .unwrap_or_else(|| self.interpolate(i, x));
            }
        }
        pts[pts.len() - 1].1.get()
    }

    /// [`Curve::at`] in decimal arithmetic throughout: the reference for the fast path.
    pub fn at_decimal(&self, x: Decimal) -> Decimal {
        let pts = &self.points;
        let first = pts[0];
        if x <= first.0 {
            return first.1.get();
        }
        for (i, w) in pts.windows(2).enumerate() {
            if x <= w[1].0 {
                return self.interpolate(i, x);
            }
        }
        pts[pts.len() - 1].1.get()
    }

    /// The value at `x` on segment `i` (`x0 < x <= x1`).
    fn interpolate(&self, i: usize, x: Decimal) -> Decimal {
        let (x0, y0) = self.points[i];
        // x0 < x <= x1 and y in [0, 1]: no overflow is possible.
        let y = y0.get() + self.slopes[i] * (x - x0);
        y.round_dp(6).clamp(Decimal::ZERO, Decimal::ONE)
    }

    /// [`Curve::interpolate`] in integers: the same difference, product, sum and rounding
    /// (half to even) at the same scales, for operands whose results are exact in 96 bits.
    /// Zero operands take the decimal shortcuts (the other operand, unchanged); `None` where
    /// the decimal arithmetic would round or where the slope or the result is zero, which is
    /// then left to it.
    fn interpolate_exact(&self, i: usize, x: Decimal) -> Option<Decimal> {
        let fits = |m: i128| m.unsigned_abs() < FITS_96;
        let (x0, y0) = self.points[i];
        let (y0, slope) = (y0.get(), self.slopes[i]);
        if slope.is_zero() {
            return None;
        }
        // x - x0, at the larger of the two scales (x itself when x0 is zero).
        let (md, sd) = if x0.is_zero() {
            (x.mantissa(), x.scale())
        } else {
            let sd = x.scale().max(x0.scale());
            let a = scale_up(x.mantissa(), sd - x.scale())?;
            let b = scale_up(x0.mantissa(), sd - x0.scale())?;
            (a.checked_sub(b)?, sd)
        };
        if md == 0 || !fits(md) {
            return None;
        }
        // slope × (x - x0): exact when it fits 96 bits and 28 places.
        let sp = slope.scale() + sd;
        let mp = slope.mantissa().checked_mul(md)?;
        if sp > 28 || !fits(mp) {
            return None;
        }
        // y0 + product, at the larger scale (the product itself when y0 is zero).
        let (ms, ss) = if y0.is_zero() {
            (mp, sp)
        } else {
            let ss = y0.scale().max(sp);
            let a = scale_up(y0.mantissa(), ss - y0.scale())?;
            let b = scale_up(mp, ss - sp)?;
            let ms = a.checked_add(b)?;
            if !fits(a) || !fits(b) || !fits(ms) {
                return None;
            }
            (ms, ss)
        };
        if ms == 0 {
            return None;
        }
        // Round to six places, half to even.
        let (m, scale) = if ss > 6 {
            let unit = pow10(ss - 6)?;
            let (q, r) = (ms / unit, ms % unit);
            let half = unit / 2;
            let up = r.abs() > half || (r.abs() == half && q % 2 != 0);
            let q = if up { q + ms.signum() } else { q };
            if q == 0 {
                return None;
            }
            (q, 6)
        } else {
            (ms, ss)
        };
        // Clamped to [0, 1] as `Decimal::clamp` does: the bound itself when outside.
        if m < 0 {
            return Some(Decimal::ZERO);
        }
        if m > pow10(scale)? {
            return Some(Decimal::ONE);
        }
        Some(Decimal::from_i128_with_scale(m, scale))
    }
}

/// A number from a rule file with the rule that set it, so every figure can cite its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Param {
    /// The number.
    pub value: Decimal,
    /// The rule (or parameter) that set it.
    pub rule: RuleRef,
}

/// How a decision table picks among matching rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitPolicy {
    /// The first matching row in file order.
    First,
    /// At most one row may match any claim; overlapping rows are a load error.
    Unique,
    /// The matching row with the highest `priority`; ties go to the earlier row.
    Priority,
}

impl HitPolicy {
    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            HitPolicy::First => "first",
            HitPolicy::Unique => "unique",
            HitPolicy::Priority => "priority",
        }
    }
}

/// One row of the responsibility table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponsibilityRow {
    /// The row as a rule.
    pub rule: RuleRef,
    /// When the row applies.
    pub when: Condition,
    /// The shares it sets.
    pub shares: Shares,
    /// The evidence cannot decide: the shares are a placeholder, and evidence may be requested.
    pub unclear: bool,
    /// Only used under [`HitPolicy::Priority`].
    pub priority: i64,
}

/// The responsibility decision table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponsibilityTable {
    /// How a row is picked among those that match.
    pub hit: HitPolicy,
    /// The rows, in file order.
    pub rows: Vec<ResponsibilityRow>,
    /// The row used when no row matches; without it such a claim is "unclear", shared evenly
    /// between seller and buyer.
    pub otherwise: Option<ResponsibilityRow>,
}

/// A set of remedies as a bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RemedySet(u8);

impl RemedySet {
    /// The set with these remedies.
    pub fn of(remedies: &[Remedy]) -> RemedySet {
        RemedySet(remedies.iter().fold(0, |m, r| m | (1 << r.index())))
    }
    /// Whether the set holds `r`.
    pub fn contains(self, r: Remedy) -> bool {
        self.0 & (1 << r.index()) != 0
    }
    /// The remedies in the set, in option order.
    pub fn iter(self) -> impl Iterator<Item = Remedy> {
        Remedy::ALL
            .iter()
            .copied()
            .filter(move |r| self.contains(*r))
    }
}

/// A case in which some options may not be offered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EligibilityRule {
    /// The rule.
    pub rule: RuleRef,
    /// The options it blocks.
    pub options: RemedySet,
    /// When it blocks them.
    pub when: Condition,
}

macro_rules! cost_params {
    ($($variant:ident = $name:literal, $doc:literal;)+) => {
        /// A parameter that prices the options for the seller.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum CostParam { $(#[doc = $doc] $variant),+ }

        impl CostParam {
            /// Every parameter.
            pub const ALL: &'static [CostParam] = &[$(CostParam::$variant),+];
            /// The key in `[costs]`.
            pub fn name(self) -> &'static str {
                match self { $(CostParam::$variant => $name),+ }
            }
            /// What the parameter means.
            pub fn doc(self) -> &'static str {
                match self { $(CostParam::$variant => $doc),+ }
            }
            /// The parameter with this key.
            pub fn lookup(name: &str) -> Option<CostParam> {
                match name { $($name => Some(CostParam::$variant),)+ _ => None }
            }
            /// Whether the parameter is a share in [0, 1] (the others are multiples >= 0).
            pub fn is_share(self) -> bool {
                !matches!(self, CostParam::Foreseeable)
            }
        }
    };
}

cost_params! {
    Freight = "freight", "outbound freight for replacement goods, as a share of their value";
    ReturnFreight = "return_freight", "freight to bring goods back, as a share of their value";
    Handling = "handling", "handling and customs of returned goods, as a share of their value";
    Salvage = "salvage", "what returned goods are worth to us, as a share of their unit cost";
    Duty = "duty", "duty on replacement goods when we pay it (DDP), as a share of their value";
    Repair = "repair", "parts and labour per repaired unit, as a share of its unit cost";
    RepairFailure = "repair_failure", "the chance that a repaired unit fails again and must be replaced";
    Margin = "margin", "our margin on sales, as a share of the price";
    Foreseeable = "foreseeable", "the most loss we treat as foreseeable, as a multiple of the order value (CISG art. 74)";
}

/// Number of cost parameters.
pub const COST_PARAM_COUNT: usize = CostParam::ALL.len();

/// The cost parameters in force for a claim, each with the rule that set it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Costs {
    params: [Param; COST_PARAM_COUNT],
}

impl Costs {
    /// Costs from one value per parameter, in [`CostParam::ALL`] order.
    pub fn new(params: [Param; COST_PARAM_COUNT]) -> Costs {
        Costs { params }
    }
    /// A parameter's value.
    #[inline]
    pub fn get(&self, p: CostParam) -> Decimal {
        self.params[p as usize].value
    }
    /// A parameter with its rule.
    pub fn param(&self, p: CostParam) -> Param {
        self.params[p as usize]
    }
    /// Sets a parameter (a cost adjustment applies).
    pub fn set(&mut self, p: CostParam, value: Param) {
        self.params[p as usize] = value;
    }
}

/// A rule that changes cost parameters for matching claims, e.g. a higher second-failure
/// risk for electronics. Adjustments apply in file order; a later one wins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CostAdjustment {
    /// The adjustment as a rule.
    pub rule: RuleRef,
    /// When it applies.
    pub when: Condition,
    /// The parameters it sets.
    pub set: Vec<(CostParam, Decimal)>,
}

/// What a customer is worth and how settlements move its loyalty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RelationshipModel {
    /// Years of future business counted.
    pub horizon_years: u32,
    /// Yearly discount rate for future margin.
    pub discount_rate: Param,
    /// The chance a customer of each kind stays each year, in [`Relationship::ALL`] order.
    pub retention: [Param; 3],
    /// Loyalty kept after a settlement, by the offer's value against the fair share.
    pub fairness: Curve,
    /// The rule behind `fairness`.
    pub fairness_rule: RuleRef,
    /// Loyalty lost per negotiation round.
    pub per_round: Param,
    /// Loyalty lost per 30 days the claim stays open.
    pub per_30_days: Param,
    /// Loyalty left when the buyer walks away or the claim ends in a stalemate.
    pub walkaway: Param,
    /// Loyalty lost when the buyer must counter an offer, times the offer's unfairness.
    pub countered: Param,
}

impl RelationshipModel {
    /// The yearly retention of a kind of customer.
    pub fn retention_of(&self, r: Relationship) -> Param {
        self.retention[r.index()]
    }
}

/// How a buyer answers an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuyerModel {
    /// Weight of the fairness curve against the ask curve, in [0, 1].
    pub fair_weight: Param,
    /// Chance of acceptance by the offer's value against the buyer's ask.
    pub by_ask: Curve,
    /// The rule behind `by_ask`.
    pub by_ask_rule: RuleRef,
    /// Chance of acceptance by the offer's value against the fair share.
    pub by_fair: Curve,
    /// The rule behind `by_fair`.
    pub by_fair_rule: RuleRef,
    /// Chance the buyer keeps talking after an unsatisfying round, by rounds already held;
    /// the last value holds for all later rounds.
    pub patience: Vec<Share>,
    /// The rule behind `patience`.
    pub patience_rule: RuleRef,
    /// Patience lost per 30 days the claim stays open.
    pub patience_per_30_days: Param,
    /// Days a modelled round takes.
    pub days_per_round: u32,
    /// What a unit of each option's value is worth to the buyer, in [`Remedy::ALL`] order.
    pub appeal: [Param; 6],
    /// Share of the fair share the buyer recovers by dispute or chargeback when it walks away.
    pub award: Param,
    /// Dispute costs, as a share of the order value.
    pub dispute: Param,
    /// Share of the unpaid balance the buyer withholds when it walks away.
    pub withhold: Param,
}

/// The shape of the negotiation tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeSettings {
    /// Seller moves looked ahead (the tree's depth).
    pub rounds: u32,
    /// Rungs of each option's concession ladder, as points from the opening offer (0) to the
    /// buyer's ask (1); sorted, in [0, 1].
    pub ladder: Vec<Share>,
    /// The opening offer as a multiple of the fair share.
    pub opening: Param,
    /// The rule behind `rounds` and `ladder`.
    pub rule: RuleRef,
}

/// Who escalations go to and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalationKind {
    /// An injury or hazard: verified, compensated where genuine, escalated (seed 004).
    Safety,
    /// A claim that may be opportunistic: verify before paying (seed 004).
    Opportunistic,
    /// Any other reason a manager names.
    Other,
}

impl EscalationKind {
    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationKind::Safety => "safety",
            EscalationKind::Opportunistic => "opportunistic",
            EscalationKind::Other => "other",
        }
    }
}

/// A case that goes to someone above the rep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EscalationRule {
    /// The escalation as a rule.
    pub rule: RuleRef,
    /// When it applies.
    pub when: Condition,
    /// Why it escalates.
    pub kind: EscalationKind,
    /// Who decides, e.g. `headquarters`.
    pub to: String,
}

/// A value an evidence request assumes the new evidence would show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Assumed {
    /// A boolean evidence field's value.
    Bool(bool),
    /// Index into the enum field's names.
    Sym(u8),
}

/// Documents to ask for when responsibility is unclear, and what they would likely show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRequest {
    /// The request as a rule.
    pub rule: RuleRef,
    /// When it applies.
    pub when: Condition,
    /// What to ask the buyer for.
    pub documents: String,
    /// Evidence fields and the values to assume when showing what the advice would become.
    pub assume: Vec<(Field, Assumed)>,
}

/// An approval limit: above `amount` (the seller's direct cost) a rep needs `approver`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApprovalLimit {
    /// The ISO 4217 code.
    pub currency: String,
    /// The most a rep may commit, in that currency.
    pub amount: Money,
    /// The limit as a rule.
    pub rule: RuleRef,
}

/// Limits and deadlines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// CISG art. 39(2): notice later than this many days after delivery loses the right.
    pub notice_days: Param,
    /// CISG art. 39(1): a reasonable time for notice; later notice gets a warning.
    pub prompt_notice_days: Param,
    /// We answer a buyer within this many days (seed 002 step 1).
    pub reply_within_days: Param,
    /// A claim below this share of the order value is not worth a request for evidence.
    pub material_share: Param,
    /// Who approves above a rep's limit.
    pub approver: String,
    /// The approval limits, one per currency.
    pub approval: Vec<ApprovalLimit>,
}

/// A rule set, validated and ready to evaluate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playbook {
    /// The rule set's name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// One line on what it is for.
    pub description: Option<String>,
    /// Content hash over the rule files, quoted by every output.
    pub hash: String,
    /// The rule files, relative to the rule set's folder.
    pub files: Vec<String>,
    /// Every rule and parameter, addressed by [`RuleRef`].
    pub rules: Vec<RuleInfo>,
    /// Who is responsible.
    pub responsibility: ResponsibilityTable,
    /// When options may not be offered.
    pub eligibility: Vec<EligibilityRule>,
    /// What the options cost.
    pub costs: Costs,
    /// Cost changes for particular claims.
    pub cost_adjustments: Vec<CostAdjustment>,
    /// What a customer is worth.
    pub relationship: RelationshipModel,
    /// How the buyer answers.
    pub buyer: BuyerModel,
    /// The negotiation tree's shape.
    pub tree: TreeSettings,
    /// Limits and deadlines.
    pub limits: Limits,
    /// Cases that go above the rep.
    pub escalation: Vec<EscalationRule>,
    /// Documents to ask for when responsibility is unclear.
    pub evidence_requests: Vec<EvidenceRequest>,
}

impl Playbook {
    /// The rule behind a reference.
    pub fn rule(&self, r: RuleRef) -> &RuleInfo {
        &self.rules[r.0 as usize]
    }

    /// `file:line` of a rule, for citations.
    pub fn cite(&self, r: RuleRef) -> String {
        let info = self.rule(r);
        let file = self
            .files
            .get(usize::from(info.origin.file))
            .map(String::as_str)
            .unwrap_or("?");
        format!("{file}:{}", info.origin.line)
    }

    /// The approval limit for a currency, if the rule set has one.
    pub fn approval_limit(&self, currency: &str) -> Option<&ApprovalLimit> {
        self.limits.approval.iter().find(|l| l.currency == currency)
    }
}

/// What a rule says, as a canonical string: equal strings mean the rule decides the same way,
/// whatever the formatting, comments or order of the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Definition {
    /// What kind of rule it is.
    pub kind: RuleKind,
    /// What it says.
    pub text: String,
}

impl Playbook {
    /// Every rule and parameter by id, with what it says. Settings without a rule of their own
    /// (`relationship.horizon_years`, `buyer.days_per_round`, `limits.approver`) are included as
    /// parameters under those names.
    pub fn definitions(&self) -> std::collections::BTreeMap<String, Definition> {
        use std::collections::BTreeMap;
        let mut out: BTreeMap<String, Definition> = BTreeMap::new();
        let mut put = |id: &str, kind: RuleKind, text: String| {
            out.insert(id.to_string(), Definition { kind, text });
        };
        let id = |r: RuleRef| self.rule(r).id.as_str();
        let cond = |c: &Condition| c.describe();
        let row = |r: &ResponsibilityRow| {
            format!(
                "when [{}] seller {} buyer {} carrier {} unclear {} priority {}",
                cond(&r.when),
                r.shares.seller().normalize(),
                r.shares.buyer().normalize(),
                r.shares.carrier().normalize(),
                r.unclear,
                r.priority
            )
        };
        for r in self
            .responsibility
            .rows
            .iter()
            .chain(&self.responsibility.otherwise)
        {
            put(
                id(r.rule),
                RuleKind::Responsibility,
                format!("{} hit {}", row(r), self.responsibility.hit.as_str()),
            );
        }
        for e in &self.eligibility {
            let options: Vec<&str> = e.options.iter().map(Remedy::as_str).collect();
            put(
                id(e.rule),
                RuleKind::Eligibility,
                format!("blocks [{}] when [{}]", options.join(", "), cond(&e.when)),
            );
        }
        for a in &self.cost_adjustments {
            let set: Vec<String> = a
                .set
                .iter()
                .map(|(p, v)| format!("{} = {}", p.name(), v.normalize()))
                .collect();
            put(
                id(a.rule),
                RuleKind::CostAdjustment,
                format!("sets [{}] when [{}]", set.join(", "), cond(&a.when)),
            );
        }
        for e in &self.escalation {
            put(
                id(e.rule),
                RuleKind::Escalation,
                format!("{} to {} when [{}]", e.kind.as_str(), e.to, cond(&e.when)),
            );
        }
        for e in &self.evidence_requests {
            let assume: Vec<String> = e
                .assume
                .iter()
                .map(|(f, v)| match (v, f.ty()) {
                    (Assumed::Bool(b), _) => format!("{} = {b}", f.name()),
                    (Assumed::Sym(i), crate::schema::FieldType::Enum(names)) => {
                        format!(
                            "{} = {}",
                            f.name(),
                            names.get(usize::from(*i)).copied().unwrap_or("?")
                        )
                    }
                    (Assumed::Sym(i), _) => format!("{} = #{i}", f.name()),
                })
                .collect();
            put(
                id(e.rule),
                RuleKind::Evidence,
                format!(
                    "asks \"{}\" assuming [{}] when [{}]",
                    e.documents,
                    assume.join(", "),
                    cond(&e.when)
                ),
            );
        }
        for l in &self.limits.approval {
            put(
                id(l.rule),
                RuleKind::ApprovalLimit,
                l.amount.normalize().to_string(),
            );
        }
        let mut param = |p: &Param| {
            put(
                id(p.rule),
                RuleKind::Parameter,
                p.value.normalize().to_string(),
            )
        };
        for c in CostParam::ALL {
            param(&self.costs.param(*c));
        }
        let rel = &self.relationship;
        for p in rel.retention.iter().chain([
            &rel.discount_rate,
            &rel.per_round,
            &rel.per_30_days,
            &rel.walkaway,
            &rel.countered,
        ]) {
            param(p);
        }
        let b = &self.buyer;
        for p in b.appeal.iter().chain([
            &b.fair_weight,
            &b.patience_per_30_days,
            &b.award,
            &b.dispute,
            &b.withhold,
        ]) {
            param(p);
        }
        let l = &self.limits;
        for p in [
            &l.notice_days,
            &l.prompt_notice_days,
            &l.reply_within_days,
            &l.material_share,
            &self.tree.opening,
        ] {
            param(p);
        }
        let curve = |c: &Curve| {
            c.points()
                .iter()
                .map(|(x, y)| format!("[{}, {}]", x.normalize(), y.get().normalize()))
                .collect::<Vec<_>>()
                .join(" ")
        };
        put(
            id(rel.fairness_rule),
            RuleKind::Parameter,
            curve(&rel.fairness),
        );
        put(id(b.by_ask_rule), RuleKind::Parameter, curve(&b.by_ask));
        put(id(b.by_fair_rule), RuleKind::Parameter, curve(&b.by_fair));
        put(
            id(b.patience_rule),
            RuleKind::Parameter,
            b.patience
                .iter()
                .map(|s| s.get().normalize().to_string())
                .collect::<Vec<_>>()
                .join(" "),
        );
        put(
            id(self.tree.rule),
            RuleKind::Parameter,
            format!(
                "rounds {} ladder {}",
                self.tree.rounds,
                self.tree
                    .ladder
                    .iter()
                    .map(|s| s.get().normalize().to_string())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
        );
        put(
            "relationship.horizon_years",
            RuleKind::Parameter,
            rel.horizon_years.to_string(),
        );
        put(
            "buyer.days_per_round",
            RuleKind::Parameter,
            b.days_per_round.to_string(),
        );
        put("limits.approver", RuleKind::Parameter, l.approver.clone());
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decimal(m: i64, scale: u32) -> Decimal {
        Decimal::new(m, scale)
    }

    prop_compose! {
        /// A curve of up to five points: x rising from zero or above, y anywhere in [0, 1]
        /// (rising, falling or flat), with few places (as rule files write them) or many.
        fn curve()(steps in prop::collection::vec((1i64..3_000, 0u32..=4, 0i64..=1_000_000, 0u32..=6), 1..=5), start in prop_oneof![Just(0i64), 0i64..500], start_scale in 0u32..=4, y0 in prop_oneof![Just(0i64), 0i64..=1_000_000], y_scale in 0u32..=6) -> Curve {
            let mut x = decimal(start, start_scale);
            let y = |m: i64, places: u32| Share::new(decimal(m, 6).round_dp(places)).unwrap();
            let mut points = vec![(x, y(y0, y_scale))];
            for (dx, scale, m, places) in steps {
                x += decimal(dx, scale);
                points.push((x, y(m, places)));
            }
            Curve::new(points).unwrap()
        }
    }

    prop_compose! {
        /// A ratio: anywhere (up to sixteen places), or just past one of the curve's points
        /// by a few units in some place up to the twelfth (where half-way ties, zero
        /// intercepts and short scales are common).
        fn query(c: Curve)(anywhere in any::<bool>(), m in 0i64..40_000_000_000_000, scale in 0u32..=16, point in 0usize..6, d in 1i64..2_000, places in 0u32..=12) -> Decimal {
            if anywhere {
                Decimal::new(m, scale)
            } else {
                let pts = c.points();
                pts[point % pts.len()].0 + Decimal::new(d, places)
            }
        }
    }

    fn curve_and_query() -> impl Strategy<Value = (Curve, Decimal)> {
        curve().prop_flat_map(|c| (Just(c.clone()), query(c)))
    }

    /// Half-way cases round to even, at the scales decimal arithmetic gives, on both paths.
    #[test]
    fn half_way_values_round_to_even() {
        let share = |m, s| Share::new(decimal(m, s)).unwrap();
        // From (0, 0.1) to (1, 0.6): slope 0.5. From (0, 0) to (2, 1): slope 0.5, zero
        // intercept and zero start (the decimal shortcuts).
        let rising = Curve::new(vec![
            (Decimal::ZERO, share(1, 1)),
            (Decimal::ONE, share(6, 1)),
        ])
        .unwrap();
        let from_zero = Curve::new(vec![
            (Decimal::ZERO, share(0, 0)),
            (Decimal::TWO, share(1, 0)),
        ])
        .unwrap();
        for (c, x, want) in [
            (&rising, decimal(5, 6), "0.100002"),
            (&rising, decimal(15, 6), "0.100008"),
            (&rising, decimal(3, 1), "0.25"),
            (&from_zero, decimal(5, 6), "0.000002"),
            (&from_zero, decimal(7, 6), "0.000004"),
            (&from_zero, decimal(15, 1), "0.750"),
        ] {
            assert_eq!(c.at_decimal(x).to_string(), want, "decimal at {x}");
            assert_eq!(c.at(x).to_string(), want, "at {x}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 5_000, ..ProptestConfig::default() })]

        /// The integer path gives the decimal path's value with the same scale (so the same
        /// text), at ratios with up to twelve places and beyond.
        #[test]
        fn at_is_the_decimal_interpolation_digit_for_digit((c, x) in curve_and_query()) {
            let (fast, slow) = (c.at(x), c.at_decimal(x));
            prop_assert_eq!(fast.to_string(), slow.to_string(), "at {}", x);
        }

        #[test]
        fn at_the_points_the_curve_is_the_points(c in curve()) {
            for (x, y) in c.points() {
                prop_assert_eq!(c.at(*x).to_string(), c.at_decimal(*x).to_string());
                prop_assert_eq!(c.at(*x), y.get());
            }
        }
    }
}
