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
pub struct RuleRef(u32);

impl RuleRef {
    /// The rule's position in [`Playbook::rules`].
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

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

mod curve;
mod definitions;

pub use curve::{Curve, CurveError, OutOfUnit, Share, Shares, SharesSum};
pub use definitions::Definition;

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
    Reduction = "reduction", "for goods the buyer keeps and can use, the most the loss can be, as a share of the affected goods' value: the price reduction in proportion (CISG 50); 1 sets no such bound";
    Damages = "damages", "the share of the loss beyond the price of the affected goods that counts as damages: 1 as a rule (CISG 74); less where the buyer had to mitigate (CISG 77), 0 under an impediment (CISG 79: the price is restored, damages are excused)";
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
    /// Sets a parameter (a cost adjustment applies; only the engine does this, on its own
    /// copy of the costs for one claim).
    pub(crate) fn set(&mut self, p: CostParam, value: Param) {
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
    /// How sure an offer the buyer turned down makes us that its reservation value lies above
    /// it: 1, certain (the prior below it is ruled out); less, that share of it is.
    pub refusal: Param,
    /// The chance the buyer withdraws its proposal when we counter it (seed 001).
    pub withdraws: Param,
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

/// Why a case is handed over. Escalation takes the case out of the rep's hands; it is not for
/// approving an offer (the approval gate does that) nor for checking a doubtful claim (a
/// request for evidence does that).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EscalationKind {
    /// An injury or a hazard: verified, compensated where genuine, escalated (seed 004).
    Safety,
    /// Legal or arbitration proceedings, or an insurer or lawyer taking the claim over.
    Legal,
    /// Suspected fraud: the claim does not hold together.
    Fraud,
    /// Any other reason a manager names.
    Other,
}

impl EscalationKind {
    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            EscalationKind::Safety => "safety",
            EscalationKind::Legal => "legal",
            EscalationKind::Fraud => "fraud",
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

/// Documents to ask for before offering money, and what they would likely show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceRequest {
    /// The request as a rule.
    pub rule: RuleRef,
    /// `false`: asked when responsibility is unclear and the claim is material (the evidence
    /// decides who is responsible). `true`: a claim to verify before paying (seed 004): asked
    /// whenever it matches and the advice would pay something, even when responsibility is
    /// settled.
    pub verify: bool,
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

/// Everything a rule set is made of, as the loader assembles it; [`Playbook::new`] checks it
/// and seals it. Rules are registered with [`Parts::register`], the only way to get a
/// [`RuleRef`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parts {
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
    rules: Vec<RuleInfo>,
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

/// A registry of rules being read, before the rest of the rule set exists: the loader
/// registers each rule as it meets it and gets its [`RuleRef`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Registry {
    rules: Vec<RuleInfo>,
}

impl Registry {
    /// Registers a rule; its reference is valid in the playbook built from this registry.
    pub fn register(&mut self, info: RuleInfo) -> RuleRef {
        self.rules.push(info);
        RuleRef(self.rules.len() as u32 - 1)
    }

    /// The rules registered so far.
    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }
}

impl Parts {
    /// The parts of a rule set whose rules are those of `registry`.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        registry: Registry,
        responsibility: ResponsibilityTable,
        costs: Costs,
        relationship: RelationshipModel,
        buyer: BuyerModel,
        tree: TreeSettings,
        limits: Limits,
    ) -> Parts {
        Parts {
            name: String::new(),
            version: String::new(),
            description: None,
            hash: String::new(),
            files: Vec::new(),
            rules: registry.rules,
            responsibility,
            eligibility: Vec::new(),
            costs,
            cost_adjustments: Vec::new(),
            relationship,
            buyer,
            tree,
            limits,
            escalation: Vec::new(),
            evidence_requests: Vec::new(),
        }
    }

    /// The rules, in registration order.
    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }
}

/// Why parts do not make a rule set: a broken reference or a setting outside its range. The
/// loader reports rule-file problems itself; these guard what it hands over.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Invalid {
    /// A rule reference that no registered rule answers.
    #[error("{what} refers to rule #{index}, but the rule set has {count} rules")]
    Dangling {
        /// Where the reference is.
        what: &'static str,
        /// The reference's index.
        index: u32,
        /// How many rules there are.
        count: usize,
    },
    /// A rule whose origin names a file the rule set does not have.
    #[error("rule `{id}` is said to be in file #{file}, but the rule set has {count} files")]
    NoSuchFile {
        /// The rule.
        id: String,
        /// The file index.
        file: u16,
        /// How many files there are.
        count: usize,
    },
    /// Two rules with the same id.
    #[error("rule id `{0}` is used twice")]
    DuplicateId(String),
    /// A setting outside its range.
    #[error("{0}")]
    Setting(&'static str),
}

/// A rule set, validated and ready to evaluate. It is made only by [`Playbook::new`], which
/// checks its parts, and cannot be changed afterwards: a `Playbook` that exists is valid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Playbook {
    parts: Parts,
}

impl Playbook {
    /// Seals a rule set: every rule reference resolves, every rule's file exists, rule ids are
    /// unique, the tree has at least one round and its ladder is sorted, the buyer has a
    /// patience for the first round, approval limits are one per currency.
    pub fn new(parts: Parts) -> Result<Playbook, Vec<Invalid>> {
        let mut problems = Vec::new();
        let count = parts.rules.len();
        let mut check = |what: &'static str, r: RuleRef| {
            if r.0 as usize >= count {
                problems.push(Invalid::Dangling {
                    what,
                    index: r.0,
                    count,
                });
            }
        };
        let t = &parts.responsibility;
        for row in t.rows.iter().chain(&t.otherwise) {
            check("a responsibility row", row.rule);
        }
        for e in &parts.eligibility {
            check("an eligibility rule", e.rule);
        }
        for c in CostParam::ALL {
            check("a cost parameter", parts.costs.param(*c).rule);
        }
        for a in &parts.cost_adjustments {
            check("a cost adjustment", a.rule);
        }
        let rel = &parts.relationship;
        for p in rel.retention.iter().chain([
            &rel.discount_rate,
            &rel.per_round,
            &rel.per_30_days,
            &rel.walkaway,
            &rel.countered,
        ]) {
            check("a relationship parameter", p.rule);
        }
        check("the fairness curve", rel.fairness_rule);
        let b = &parts.buyer;
        for p in b.appeal.iter().chain([
            &b.fair_weight,
            &b.patience_per_30_days,
            &b.award,
            &b.dispute,
            &b.withhold,
        ]) {
            check("a buyer parameter", p.rule);
        }
        for r in [b.by_ask_rule, b.by_fair_rule, b.patience_rule] {
            check("a buyer curve", r);
        }
        check("the tree", parts.tree.rule);
        check("the opening offer", parts.tree.opening.rule);
        let l = &parts.limits;
        for p in [
            &l.notice_days,
            &l.prompt_notice_days,
            &l.reply_within_days,
            &l.material_share,
        ] {
            check("a limit", p.rule);
        }
        for a in &l.approval {
            check("an approval limit", a.rule);
        }
        for e in &parts.escalation {
            check("an escalation rule", e.rule);
        }
        for e in &parts.evidence_requests {
            check("an evidence request", e.rule);
        }
        let mut ids = std::collections::BTreeSet::new();
        for r in &parts.rules {
            if usize::from(r.origin.file) >= parts.files.len() {
                problems.push(Invalid::NoSuchFile {
                    id: r.id.clone(),
                    file: r.origin.file,
                    count: parts.files.len(),
                });
            }
            if !ids.insert(r.id.as_str()) {
                problems.push(Invalid::DuplicateId(r.id.clone()));
            }
        }
        if parts.tree.rounds == 0 {
            problems.push(Invalid::Setting("the tree needs at least one round"));
        }
        if parts.tree.ladder.windows(2).any(|w| w[0] > w[1]) {
            problems.push(Invalid::Setting("the ladder's rungs must be sorted"));
        }
        if parts.buyer.patience.is_empty() {
            problems.push(Invalid::Setting("the buyer's patience needs a first value"));
        }
        let mut currencies = std::collections::BTreeSet::new();
        if l.approval
            .iter()
            .any(|a| !currencies.insert(a.currency.as_str()))
        {
            problems.push(Invalid::Setting(
                "an approval limit is given twice for a currency",
            ));
        }
        if problems.is_empty() {
            Ok(Playbook { parts })
        } else {
            Err(problems)
        }
    }

    /// The parts back, to build a changed rule set (it is checked again by [`Playbook::new`]).
    pub fn into_parts(self) -> Parts {
        self.parts
    }

    /// The rule set's name.
    pub fn name(&self) -> &str {
        &self.parts.name
    }
    /// Its version.
    pub fn version(&self) -> &str {
        &self.parts.version
    }
    /// One line on what it is for.
    pub fn description(&self) -> Option<&str> {
        self.parts.description.as_deref()
    }
    /// Content hash over the rule files (SHA-256, hex), quoted by every output.
    pub fn hash(&self) -> &str {
        &self.parts.hash
    }
    /// The rule files, relative to the rule set's folder.
    pub fn files(&self) -> &[String] {
        &self.parts.files
    }
    /// Every rule and parameter, addressed by [`RuleRef`].
    pub fn rules(&self) -> &[RuleInfo] {
        &self.parts.rules
    }
    /// Every rule's reference, in registration order.
    pub fn rule_refs(&self) -> impl Iterator<Item = RuleRef> + use<> {
        (0..self.parts.rules.len() as u32).map(RuleRef)
    }
    /// Who is responsible.
    pub fn responsibility(&self) -> &ResponsibilityTable {
        &self.parts.responsibility
    }
    /// When options may not be offered.
    pub fn eligibility(&self) -> &[EligibilityRule] {
        &self.parts.eligibility
    }
    /// What the options cost, before adjustments.
    pub fn costs(&self) -> &Costs {
        &self.parts.costs
    }
    /// Cost changes for particular claims.
    pub fn cost_adjustments(&self) -> &[CostAdjustment] {
        &self.parts.cost_adjustments
    }
    /// What a customer is worth.
    pub fn relationship(&self) -> &RelationshipModel {
        &self.parts.relationship
    }
    /// How the buyer answers.
    pub fn buyer(&self) -> &BuyerModel {
        &self.parts.buyer
    }
    /// The negotiation tree's shape.
    pub fn tree(&self) -> &TreeSettings {
        &self.parts.tree
    }
    /// Limits and deadlines.
    pub fn limits(&self) -> &Limits {
        &self.parts.limits
    }
    /// Cases that go above the rep.
    pub fn escalation(&self) -> &[EscalationRule] {
        &self.parts.escalation
    }
    /// Documents to ask for when responsibility is unclear.
    pub fn evidence_requests(&self) -> &[EvidenceRequest] {
        &self.parts.evidence_requests
    }

    /// The rule behind a reference.
    pub fn rule(&self, r: RuleRef) -> &RuleInfo {
        &self.parts.rules[r.0 as usize]
    }

    /// `file:line` of a rule, for citations.
    pub fn cite(&self, r: RuleRef) -> String {
        let info = self.rule(r);
        let file = self
            .parts
            .files
            .get(usize::from(info.origin.file))
            .map(String::as_str)
            .unwrap_or("?");
        format!("{file}:{}", info.origin.line)
    }

    /// The approval limit for a currency, if the rule set has one.
    pub fn approval_limit(&self, currency: &str) -> Option<&ApprovalLimit> {
        self.parts
            .limits
            .approval
            .iter()
            .find(|l| l.currency == currency)
    }
}
