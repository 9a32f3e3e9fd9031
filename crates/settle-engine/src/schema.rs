//! The claim schema as rules see it: every field a condition may read, its type, and the
//! facts of one claim laid out for fast lookup.
//!
//! Fields come in two stages: claim facts (from the file, or derived from it) are known
//! before responsibility is assigned; `share.*` and `responsibility.unclear` only after.

use crate::claim::{
    Claim, ExpertOpinion, Inspection, Party, ProblemKind, QcRecord, Relationship, Remedy, Severity,
    Stage,
};
use crate::eval::responsibility::Finding;
use crate::money::Money;
use rust_decimal::Decimal;

/// The type of a field, which decides what a condition on it may say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    /// `true` or `false`.
    Bool,
    /// One of a closed set of names.
    Enum(&'static [&'static str]),
    /// A whole number (units, days, counts).
    Int,
    /// An amount in the claim's currency.
    Money,
    /// A dimensionless number such as a share (`0.5`) or a ratio (`1.8`).
    Ratio,
    /// Free text compared for equality, such as a product category.
    Text,
}

impl FieldType {
    /// How the type is named in messages.
    pub fn describe(&self) -> &'static str {
        match self {
            FieldType::Bool => "a boolean",
            FieldType::Enum(_) => "one of a set of names",
            FieldType::Int => "a whole number",
            FieldType::Money => "an amount of money",
            FieldType::Ratio => "a number",
            FieldType::Text => "text",
        }
    }

    /// Whether conditions compare this field with `<`, `>=` and ranges.
    pub fn is_numeric(&self) -> bool {
        matches!(self, FieldType::Int | FieldType::Money | FieldType::Ratio)
    }
}

/// When a field's value is known during evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FieldStage {
    /// From the claim file, or derived from it.
    Claim,
    /// Set by the responsibility table.
    Responsibility,
}

macro_rules! fields {
    ($($variant:ident = $name:literal : $ty:expr, $stage:ident, $doc:literal;)+) => {
        /// A field that a rule condition may read.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Field { $(#[doc = $doc] $variant),+ }

        impl Field {
            /// Every field, in schema order.
            pub const ALL: &'static [Field] = &[$(Field::$variant),+];

            /// The dotted name used in rule files, e.g. `problem.kind`.
            pub fn name(self) -> &'static str {
                match self { $(Field::$variant => $name),+ }
            }

            /// The field's type.
            pub fn ty(self) -> FieldType {
                match self { $(Field::$variant => $ty),+ }
            }

            /// When the field's value is known.
            pub fn stage(self) -> FieldStage {
                match self { $(Field::$variant => FieldStage::$stage),+ }
            }

            /// One line on what the field means.
            pub fn doc(self) -> &'static str {
                match self { $(Field::$variant => $doc),+ }
            }

            /// The field with this dotted name.
            pub fn lookup(name: &str) -> Option<Field> {
                match name { $($name => Some(Field::$variant),)+ _ => None }
            }
        }
    };
}

use FieldType::*;
fields! {
    CustomerRelationship = "customer.relationship": Enum(Relationship::NAMES), Claim, "new, repeat or key customer";
    CustomerAnnualPurchases = "customer.annual_purchases": Money, Claim, "expected yearly purchases if the customer stays";
    CustomerYears = "customer.years": Int, Claim, "years of business with the customer";
    CustomerPastClaims = "customer.past_claims": Int, Claim, "claims the customer raised before";
    OrderValue = "order.value": Money, Claim, "invoice value of the order";
    OrderPaid = "order.paid": Money, Claim, "what the buyer has paid so far";
    OrderQuantity = "order.quantity": Int, Claim, "units in the order";
    OrderUnitCost = "order.unit_cost": Money, Claim, "our cost to make or buy one unit again";
    OrderIncoterm = "order.incoterm": Text, Claim, "the order's Incoterm (EXW, FOB, CIF, DAP, DDP, ...)";
    OrderStage = "order.stage": Enum(Stage::NAMES), Claim, "where the goods are";
    ProblemKind = "problem.kind": Enum(ProblemKind::NAMES), Claim, "what went wrong";
    ProblemCategory = "problem.category": Text, Claim, "product family, e.g. electronics";
    ProblemAffected = "problem.affected": Int, Claim, "units affected";
    ProblemSeverity = "problem.severity": Enum(Severity::NAMES), Claim, "how bad it is";
    ProblemRepairable = "problem.repairable": Bool, Claim, "the goods can be fixed with parts or rework";
    ProblemStillNeeded = "problem.still_needed": Bool, Claim, "the buyer still wants the goods";
    EvidenceBuyerPhotos = "evidence.buyer_photos": Bool, Claim, "photos or video from the buyer";
    EvidenceInspection = "evidence.inspection": Enum(Inspection::NAMES), Claim, "who inspected the goods";
    EvidenceOurQc = "evidence.our_qc": Enum(QcRecord::NAMES), Claim, "our own QC record for the lot";
    EvidenceSpecInContract = "evidence.spec_in_contract": Bool, Claim, "the requirement is written in the contract or PI";
    EvidenceSpecFromBuyer = "evidence.spec_from_buyer": Bool, Claim, "the buyer supplied the spec or document that proved wrong";
    EvidenceCarrierNoted = "evidence.carrier_noted": Bool, Claim, "damage or shortage noted on the B/L or delivery receipt";
    EvidenceMisuseSigns = "evidence.misuse_signs": Bool, Claim, "signs of misuse or damage after acceptance";
    EvidenceBuyerChanges = "evidence.buyer_changes": Bool, Claim, "the buyer changed the design or documents during the order";
    EvidenceBuyerPaidLate = "evidence.buyer_paid_late": Bool, Claim, "the buyer paid later than agreed";
    EvidenceProgressUpdates = "evidence.progress_updates": Bool, Claim, "we sent regular order-status updates";
    EvidenceExpertOpinion = "evidence.expert_opinion": Enum(ExpertOpinion::NAMES), Claim, "our engineer's or a surveyor's view";
    EvidenceNone = "evidence.none": Bool, Claim, "derived: no buyer photos, no inspection and no expert opinion";
    AskRemedy = "ask.remedy": Enum(Remedy::NAMES), Claim, "what the buyer asks for";
    AskAmount = "ask.amount": Money, Claim, "the value the buyer asks for";
    AskShareOfValue = "ask.share_of_value": Ratio, Claim, "derived: ask.amount / order.value (2.0 = twice the goods' value)";
    OrderPaidShare = "order.paid_share": Ratio, Claim, "derived: order.paid / order.value";
    ProblemAffectedShare = "problem.affected_share": Ratio, Claim, "derived: problem.affected / order.quantity";
    RoundsCount = "rounds.count": Int, Claim, "derived: negotiation rounds so far";
    RoundsBySeller = "rounds.by_seller": Int, Claim, "derived: rounds in which we made a proposal";
    RoundsByBuyer = "rounds.by_buyer": Int, Claim, "derived: rounds in which the buyer made a proposal";
    ProposalStanding = "proposal.standing": Bool, Claim, "derived: the last round is the buyer's, so its proposal is on the table";
    DaysOpen = "days.open": Int, Claim, "derived: days from received to the decision date";
    DaysSinceDelivery = "days.since_delivery": Int, Claim, "derived: days from delivery to the claim (absent when not delivered)";
    DaysSinceLastRound = "days.since_last_round": Int, Claim, "derived: days from the last round to the decision date";
    ShareSeller = "share.seller": Ratio, Responsibility, "the seller's share of responsibility";
    ShareBuyer = "share.buyer": Ratio, Responsibility, "the buyer's share of responsibility";
    ShareCarrier = "share.carrier": Ratio, Responsibility, "the carrier's share of responsibility";
    ResponsibilityUnclear = "responsibility.unclear": Bool, Responsibility, "the evidence cannot decide who is responsible";
}

/// Number of fields in the schema.
pub const FIELD_COUNT: usize = Field::ALL.len();

/// The value of one field for one claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact<'a> {
    /// A boolean field's value.
    Bool(bool),
    /// Index into the field's enum names.
    Sym(u8),
    /// A number, amount or count.
    Num(Decimal),
    /// A text field's value.
    Text(&'a str),
    /// The claim does not say (e.g. no delivery date); only negated tests pass.
    Absent,
}

/// Every field's value for one claim, indexed by [`Field`].
#[derive(Debug, Clone)]
pub struct Facts<'a> {
    values: [Fact<'a>; FIELD_COUNT],
}

fn ratio(num: Money, den: Money) -> Fact<'static> {
    if den.is_zero() {
        Fact::Num(Decimal::ZERO)
    } else {
        // Both sides are validated non-negative amounts; the quotient of two in-range
        // decimals only overflows for absurd values, which we treat as "very large".
        Fact::Num(num.checked_div(den).unwrap_or(Decimal::MAX))
    }
}

fn days(from: time::Date, to: time::Date) -> Decimal {
    Decimal::from((to - from).whole_days())
}

impl<'a> Facts<'a> {
    /// The claim-stage facts of a claim; responsibility fields are absent until
    /// [`Facts::set_responsibility`].
    pub fn of(claim: &'a Claim) -> Self {
        use Field as F;
        let mut v = [Fact::Absent; FIELD_COUNT];
        let sym = |i: usize| Fact::Sym(i as u8);
        let num = |d: Decimal| Fact::Num(d);
        let int = |i: u64| Fact::Num(Decimal::from(i));
        let (c, o, p, e) = (
            &claim.customer,
            &claim.order,
            &claim.problem,
            &claim.evidence,
        );
        v[F::CustomerRelationship as usize] = sym(c.relationship.index());
        v[F::CustomerAnnualPurchases as usize] = num(c.annual_purchases);
        v[F::CustomerYears as usize] = int(u64::from(c.years));
        v[F::CustomerPastClaims as usize] = int(u64::from(c.past_claims));
        v[F::OrderValue as usize] = num(o.value);
        v[F::OrderPaid as usize] = num(o.paid);
        v[F::OrderQuantity as usize] = int(o.quantity);
        v[F::OrderUnitCost as usize] = num(o.unit_cost);
        v[F::OrderIncoterm as usize] = match &o.incoterm {
            Some(t) => Fact::Text(t.as_str()),
            None => Fact::Absent,
        };
        v[F::OrderStage as usize] = sym(o.stage.index());
        v[F::ProblemKind as usize] = sym(p.kind.index());
        v[F::ProblemCategory as usize] = Fact::Text(p.category.as_str());
        v[F::ProblemAffected as usize] = int(p.affected);
        v[F::ProblemSeverity as usize] = sym(p.severity.index());
        v[F::ProblemRepairable as usize] = Fact::Bool(p.repairable);
        v[F::ProblemStillNeeded as usize] = Fact::Bool(p.still_needed);
        v[F::EvidenceBuyerPhotos as usize] = Fact::Bool(e.buyer_photos);
        v[F::EvidenceInspection as usize] = sym(e.inspection.index());
        v[F::EvidenceOurQc as usize] = sym(e.our_qc.index());
        v[F::EvidenceSpecInContract as usize] = Fact::Bool(e.spec_in_contract);
        v[F::EvidenceSpecFromBuyer as usize] = Fact::Bool(e.spec_from_buyer);
        v[F::EvidenceCarrierNoted as usize] = Fact::Bool(e.carrier_noted);
        v[F::EvidenceMisuseSigns as usize] = Fact::Bool(e.misuse_signs);
        v[F::EvidenceBuyerChanges as usize] = Fact::Bool(e.buyer_changes);
        v[F::EvidenceBuyerPaidLate as usize] = Fact::Bool(e.buyer_paid_late);
        v[F::EvidenceProgressUpdates as usize] = Fact::Bool(e.progress_updates);
        v[F::EvidenceExpertOpinion as usize] = sym(e.expert_opinion.index());
        v[F::EvidenceNone as usize] = Fact::Bool(
            !e.buyer_photos
                && e.inspection == Inspection::None
                && e.expert_opinion == ExpertOpinion::None,
        );
        v[F::AskRemedy as usize] = sym(claim.ask.remedy.index());
        v[F::AskAmount as usize] = num(claim.ask.amount);
        v[F::AskShareOfValue as usize] = ratio(claim.ask.amount, o.value);
        v[F::OrderPaidShare as usize] = ratio(o.paid, o.value);
        v[F::ProblemAffectedShare as usize] =
            ratio(Decimal::from(p.affected), Decimal::from(o.quantity));
        let by = |party| claim.rounds.iter().filter(|r| r.by == party).count() as u64;
        v[F::RoundsCount as usize] = int(claim.rounds.len() as u64);
        v[F::RoundsBySeller as usize] = int(by(Party::Seller));
        v[F::RoundsByBuyer as usize] = int(by(Party::Buyer));
        v[F::ProposalStanding as usize] = Fact::Bool(claim.standing_proposal().is_some());
        let decided = claim.decision_date();
        v[F::DaysOpen as usize] = num(days(claim.received, decided));
        v[F::DaysSinceDelivery as usize] = match o.delivered {
            Some(d) => num(days(d, claim.received)),
            None => Fact::Absent,
        };
        v[F::DaysSinceLastRound as usize] = match claim.rounds.last() {
            Some(r) => num(days(r.on, decided)),
            None => Fact::Absent,
        };
        Facts { values: v }
    }

    /// Adds the responsibility-stage facts.
    pub fn set_responsibility(&mut self, finding: &Finding) {
        self.values[Field::ShareSeller as usize] = Fact::Num(finding.shares.seller());
        self.values[Field::ShareBuyer as usize] = Fact::Num(finding.shares.buyer());
        self.values[Field::ShareCarrier as usize] = Fact::Num(finding.shares.carrier());
        self.values[Field::ResponsibilityUnclear as usize] = Fact::Bool(finding.unclear);
    }

    /// The value of one field.
    #[inline]
    pub fn get(&self, field: Field) -> Fact<'a> {
        self.values[field as usize]
    }
}
