//! The claim schema, defined once: every field of a claim file (its path, how it is read, whether
//! it is required or has a default, what it means) and every fact a rule condition may read
//! (the claim's fields and the facts derived from them). The readers (TOML, JSON, the JSON Lines
//! fast path, CSV), the writers, the typing of rule conditions and the documentation table are
//! all derived from the one [`schema!`] table below.
//!
//! Fields come in stages: claim facts (from the file, or derived from it) are known before
//! responsibility is assigned; `share.*` and `responsibility.unclear` only after; and a few
//! fields name one particular claim (`id`, names, dates, free text) and are never tested by a
//! rule, which states a general practice.

use crate::claim::{
    Claim, ExpertOpinion, Incoterm, Inspection, Insurance, Outcome, Packing, Party, ProblemKind,
    QcRecord, Relationship, Remedy, RiskPoint, Round, RoundKind, SampleMatch, Severity, Stage,
};
use crate::eval::responsibility::Finding;
use crate::money::Currency;
use crate::money::Money;
use rust_decimal::Decimal;
use std::borrow::Cow;
use time::Date;

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
    /// Names one particular claim (its id, names, dates, free text): in the file, never tested
    /// by a rule.
    File,
}

/// How a claim field is written in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A string.
    Text,
    /// A date, `YYYY-MM-DD`.
    Date,
    /// An ISO 4217 currency code (the loader owns the list).
    Currency,
    /// Money: a decimal string, or an integer; never negative, never a float.
    Money,
    /// A whole number from 0 to the bound.
    Count(u64),
    /// `true` or `false`.
    Bool,
    /// One of a closed set of names.
    Vocab(&'static [&'static str]),
    /// An Incoterms 2020 rule, or one of its older aliases.
    Incoterm,
}

impl Kind {
    /// The type a rule condition sees.
    pub fn field_type(self) -> FieldType {
        match self {
            Kind::Text | Kind::Date | Kind::Currency => FieldType::Text,
            Kind::Money => FieldType::Money,
            Kind::Count(_) => FieldType::Int,
            Kind::Bool => FieldType::Bool,
            Kind::Vocab(names) => FieldType::Enum(names),
            Kind::Incoterm => FieldType::Enum(Incoterm::NAMES),
        }
    }

    /// How the kind is named in the documentation.
    pub fn describe(self) -> String {
        match self {
            Kind::Text => "string".into(),
            Kind::Date => "date".into(),
            Kind::Currency => "ISO 4217 code".into(),
            Kind::Money => "money".into(),
            Kind::Count(_) => "integer".into(),
            Kind::Bool => "bool".into(),
            Kind::Vocab(names) => names
                .iter()
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(" \\| "),
            Kind::Incoterm => "Incoterms 2020 rule".into(),
        }
    }
}

/// Whether a claim file must give a field.
#[derive(Debug, Clone, Copy)]
pub enum Presence {
    /// The file must give it.
    Required,
    /// It may be left out (and is then absent).
    Optional,
    /// It may be left out; then it takes this default (version-2 fields), described in words.
    Default(fn(&Claim) -> Value<'static>, &'static str),
}

/// The part of a claim file a field belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Section {
    /// Top-level keys.
    Top,
    /// `[customer]`.
    Customer,
    /// `[order]`.
    Order,
    /// `[problem]`.
    Problem,
    /// `[evidence]`.
    Evidence,
    /// `[ask]`.
    Ask,
}

impl Section {
    /// Every section, in file order.
    pub const ALL: &'static [Section] = &[
        Section::Top,
        Section::Customer,
        Section::Order,
        Section::Problem,
        Section::Evidence,
        Section::Ask,
    ];

    /// The table's key (`order`), empty for the top level.
    pub fn key(self) -> &'static str {
        match self {
            Section::Top => "",
            Section::Customer => "customer",
            Section::Order => "order",
            Section::Problem => "problem",
            Section::Evidence => "evidence",
            Section::Ask => "ask",
        }
    }
}

/// A field's value, as readers produce it and writers consume it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value<'a> {
    /// Text.
    Text(Cow<'a, str>),
    /// A date.
    Date(Date),
    /// A currency.
    Currency(Currency),
    /// An amount of money.
    Money(Money),
    /// A whole number.
    Count(u64),
    /// A boolean.
    Bool(bool),
    /// A name of a closed set, by its index.
    Sym(u8),
    /// An optional field that is not given.
    Absent,
}

/// A claim field's Rust type, as a [`Value`].
pub trait FieldValue: Sized {
    /// The value.
    fn to_value(&self) -> Value<'_>;
    /// The value as a rule reads it (the fast path of [`Facts::of`]).
    fn to_fact(&self) -> Fact<'_> {
        match self.to_value() {
            Value::Money(m) => Fact::Num(m),
            Value::Count(n) => Fact::Num(Decimal::from(n)),
            Value::Bool(b) => Fact::Bool(b),
            Value::Sym(i) => Fact::Sym(i),
            Value::Text(_) | Value::Date(_) | Value::Currency(_) | Value::Absent => Fact::Absent,
        }
    }
    /// The Rust value of a [`Value`] of the right kind.
    fn from_value(v: Value<'_>) -> Option<Self>;
}

impl FieldValue for String {
    fn to_value(&self) -> Value<'_> {
        Value::Text(Cow::Borrowed(self))
    }
    fn to_fact(&self) -> Fact<'_> {
        Fact::Text(self)
    }
    fn from_value(v: Value<'_>) -> Option<Self> {
        match v {
            Value::Text(t) => Some(t.into_owned()),
            _ => None,
        }
    }
}

impl FieldValue for Date {
    fn to_value(&self) -> Value<'_> {
        Value::Date(*self)
    }
    fn from_value(v: Value<'_>) -> Option<Self> {
        match v {
            Value::Date(d) => Some(d),
            _ => None,
        }
    }
}

impl FieldValue for Currency {
    fn to_value(&self) -> Value<'_> {
        Value::Currency(*self)
    }
    fn from_value(v: Value<'_>) -> Option<Self> {
        match v {
            Value::Currency(c) => Some(c),
            _ => None,
        }
    }
}

impl FieldValue for Decimal {
    fn to_value(&self) -> Value<'_> {
        Value::Money(*self)
    }
    fn to_fact(&self) -> Fact<'_> {
        Fact::Num(*self)
    }
    fn from_value(v: Value<'_>) -> Option<Self> {
        match v {
            Value::Money(m) => Some(m),
            _ => None,
        }
    }
}

impl FieldValue for u64 {
    fn to_value(&self) -> Value<'_> {
        Value::Count(*self)
    }
    fn to_fact(&self) -> Fact<'_> {
        Fact::Num(Decimal::from(*self))
    }
    fn from_value(v: Value<'_>) -> Option<Self> {
        match v {
            Value::Count(n) => Some(n),
            _ => None,
        }
    }
}

impl FieldValue for u32 {
    fn to_value(&self) -> Value<'_> {
        Value::Count(u64::from(*self))
    }
    fn to_fact(&self) -> Fact<'_> {
        Fact::Num(Decimal::from(*self))
    }
    fn from_value(v: Value<'_>) -> Option<Self> {
        match v {
            // Counts are bounded by the schema; a larger one saturates, as the reader did.
            Value::Count(n) => Some(u32::try_from(n).unwrap_or(u32::MAX)),
            _ => None,
        }
    }
}

impl FieldValue for bool {
    fn to_value(&self) -> Value<'_> {
        Value::Bool(*self)
    }
    fn to_fact(&self) -> Fact<'_> {
        Fact::Bool(*self)
    }
    fn from_value(v: Value<'_>) -> Option<Self> {
        match v {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
}

impl<T: FieldValue> FieldValue for Option<T> {
    fn to_value(&self) -> Value<'_> {
        match self {
            Some(x) => x.to_value(),
            None => Value::Absent,
        }
    }
    fn to_fact(&self) -> Fact<'_> {
        match self {
            Some(x) => x.to_fact(),
            None => Fact::Absent,
        }
    }
    fn from_value(v: Value<'_>) -> Option<Self> {
        match v {
            Value::Absent => Some(None),
            v => T::from_value(v).map(Some),
        }
    }
}

macro_rules! vocab_values {
    ($($t:ty),+) => {$(
        impl FieldValue for $t {
            fn to_value(&self) -> Value<'_> {
                Value::Sym(self.index() as u8)
            }
            fn to_fact(&self) -> Fact<'_> {
                Fact::Sym(self.index() as u8)
            }
            fn from_value(v: Value<'_>) -> Option<Self> {
                match v {
                    Value::Sym(i) => <$t>::ALL.get(usize::from(i)).copied(),
                    _ => None,
                }
            }
        }
    )+};
}
vocab_values!(
    Relationship,
    Stage,
    ProblemKind,
    Severity,
    Inspection,
    QcRecord,
    ExpertOpinion,
    Remedy,
    Party,
    RoundKind,
    Incoterm,
    Insurance,
    SampleMatch,
    Packing
);

fn no(_: &Claim) -> Value<'static> {
    Value::Bool(false)
}
fn no_sample(_: &Claim) -> Value<'static> {
    Value::Sym(SampleMatch::None.index() as u8)
}
fn packing_unknown(_: &Claim) -> Value<'static> {
    Value::Sym(Packing::Unknown.index() as u8)
}
fn insurance_by_incoterm(c: &Claim) -> Value<'static> {
    let i = match c.order.incoterm {
        Some(Incoterm::Cif | Incoterm::Cip) => Insurance::Seller,
        _ => Insurance::None,
    };
    Value::Sym(i.index() as u8)
}
fn absent(_: &Claim) -> Value<'static> {
    Value::Absent
}

macro_rules! schema {
    (
        claim {
            $( $v:ident = $path:literal in $sect:ident => $($acc:ident).+ : $kind:expr, $pres:expr, $stage:ident, $doc:literal; )+
        }
        derived {
            $( $dv:ident = $dpath:literal : $dty:expr, $dstage:ident, $ddoc:literal; )+
        }
    ) => {
        /// A field of a claim file, or a fact derived from one, that the schema names.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Field { $(#[doc = $doc] $v,)+ $(#[doc = $ddoc] $dv,)+ }

        impl Field {
            /// Every field, claim fields in file order, then the derived facts.
            pub const ALL: &'static [Field] = &[$(Field::$v,)+ $(Field::$dv,)+];
            /// The claim file's fields, in file order.
            pub const CLAIM: &'static [Field] = &[$(Field::$v),+];

            /// The dotted name used in claim and rule files, e.g. `problem.kind`.
            pub fn name(self) -> &'static str {
                match self { $(Field::$v => $path,)+ $(Field::$dv => $dpath,)+ }
            }

            /// The type a rule condition sees.
            pub fn ty(self) -> FieldType {
                match self { $(Field::$v => $kind.field_type(),)+ $(Field::$dv => $dty,)+ }
            }

            /// When the field's value is known.
            pub fn stage(self) -> FieldStage {
                match self { $(Field::$v => FieldStage::$stage,)+ $(Field::$dv => FieldStage::$dstage,)+ }
            }

            /// One line on what the field means.
            pub fn doc(self) -> &'static str {
                match self { $(Field::$v => $doc,)+ $(Field::$dv => $ddoc,)+ }
            }

            /// The field with this dotted name.
            pub fn lookup(name: &str) -> Option<Field> {
                match name { $($path => Some(Field::$v),)+ $($dpath => Some(Field::$dv),)+ _ => None }
            }

            /// How a claim field is written (`None` for a derived fact).
            pub fn kind(self) -> Option<Kind> {
                match self { $(Field::$v => Some($kind),)+ _ => None }
            }

            /// Whether a claim file must give the field (derived facts: optional).
            pub fn presence(self) -> Presence {
                match self { $(Field::$v => $pres,)+ _ => Presence::Optional }
            }

            /// The part of the file it belongs to (derived facts: the top level).
            pub fn section(self) -> Section {
                match self { $(Field::$v => Section::$sect,)+ _ => Section::Top }
            }
        }

        impl Claim {
            /// Writes the facts of every field a rule may test, straight from the fields.
            fn fill_facts<'a>(&'a self, v: &mut [Fact<'a>; FIELD_COUNT]) {
                $(
                    if matches!(FieldStage::$stage, FieldStage::Claim) {
                        v[Field::$v as usize] = FieldValue::to_fact(&self.$($acc).+);
                    }
                )+
            }

            /// A claim field's value (`Value::Absent` for a derived fact).
            pub fn get(&self, f: Field) -> Value<'_> {
                match f {
                    $(Field::$v => FieldValue::to_value(&self.$($acc).+),)+
                    _ => Value::Absent,
                }
            }

            /// Sets a claim field; false when the value is not of the field's kind (or the
            /// field is derived), and nothing changes.
            pub fn set(&mut self, f: Field, v: Value<'_>) -> bool {
                match f {
                    $(Field::$v => match FieldValue::from_value(v) {
                        Some(x) => { self.$($acc).+ = x; true }
                        None => false,
                    },)+
                    _ => false,
                }
            }
        }
    };
}

/// Most units or claims a claim may state; far above any real order, low enough to price safely.
pub const MAX_COUNT: u64 = 1_000_000_000_000;
/// Most years of business a claim may state.
pub const MAX_YEARS: u64 = 1000;
/// The longest contractual claim period a claim may state, in days (ten years).
pub const MAX_CLAIM_DAYS: u64 = 3650;

use FieldType::*;
use Presence::{Optional, Required};
schema! {
    claim {
        Id = "id" in Top => id: Kind::Text, Required, File, "your reference for the claim; it is quoted in all output";
        Received = "received" in Top => received: Kind::Date, Required, File, "the day the buyer raised the claim; the clock for patience and for the notice period starts here";
        AsOf = "as_of" in Top => as_of: Kind::Date, Optional, File, "the day you are deciding: the buyer's patience and your reply deadline run on it. `settle advise` and `explain` take `--as-of`, else this, else today; without either, the library decides on the date of the last round, else `received`";
        Currency = "currency" in Top => currency: Kind::Currency, Required, File, "the currency of every amount in the file, e.g. `USD`, `EUR`, `CNY`. Amounts are rounded in output to the currency's minor units (2 for USD, 0 for JPY, 3 for KWD)";
        CustomerName = "customer.name" in Customer => customer.name: Kind::Text, Required, File, "who the buyer is";
        CustomerRelationship = "customer.relationship" in Customer => customer.relationship: Kind::Vocab(Relationship::NAMES), Required, Claim, "how you stand with them. It sets how likely they are to order again each year, and so what keeping them is worth";
        CustomerAnnualPurchases = "customer.annual_purchases" in Customer => customer.annual_purchases: Kind::Money, Required, Claim, "what they would buy in a year if they stay. `0` for a one-off buyer: then a credit on a future order is worth nothing to them";
        CustomerYears = "customer.years" in Customer => customer.years: Kind::Count(MAX_YEARS), Required, Claim, "years of business with them";
        CustomerPastClaims = "customer.past_claims" in Customer => customer.past_claims: Kind::Count(MAX_COUNT), Required, Claim, "claims they raised before. Many past claims are a reason to check the pattern before paying";
        OrderNumber = "order.number" in Order => order.number: Kind::Text, Optional, File, "the order or PI number";
        OrderValue = "order.value" in Order => order.value: Kind::Money, Required, Claim, "the invoice value of the whole order";
        OrderPaid = "order.paid" in Order => order.paid: Kind::Money, Required, Claim, "what the buyer has paid so far; at most `value`. The unpaid rest is what a buyer who walks away withholds";
        OrderQuantity = "order.quantity" in Order => order.quantity: Kind::Count(MAX_COUNT), Required, Claim, "units in the order";
        OrderUnitCost = "order.unit_cost" in Order => order.unit_cost: Kind::Money, Required, Claim, "your cost to make or buy one unit again: what a replacement costs you";
        OrderIncoterm = "order.incoterm" in Order => order.incoterm: Kind::Incoterm, Optional, Claim, "the order's Incoterms 2020 rule (C&F and CNF read as CFR, DDU as DAP, DAT as DPU); absent: the risk point is unknown";
        OrderStage = "order.stage" in Order => order.stage: Kind::Vocab(Stage::NAMES), Required, Claim, "where the goods are. Before shipment a full refund cancels the affected units, and rework needs no freight; once the goods have left, anything coming back costs return freight";
        OrderDelivered = "order.delivered" in Order => order.delivered: Kind::Date, Optional, File, "when the goods were delivered; the notice periods (the contract's, CISG art. 39) count from here";
        OrderPerishable = "order.perishable" in Order => order.perishable: Kind::Bool, Presence::Default(no, "false"), Claim, "the goods spoil within days or weeks (fresh produce, meat, fish, dairy, live plants): no return trip, the buyer must mitigate (CISG 77, 85-88), a price reduction (CISG 50) is the usual remedy";
        OrderInsurance = "order.insurance" in Order => order.insurance: Kind::Vocab(Insurance::NAMES), Presence::Default(insurance_by_incoterm, "`seller` under CIF and CIP, else `none`"), Claim, "who took out cargo insurance for the voyage; a transit loss goes to that insurer first";
        OrderClaimDays = "order.claim_days" in Order => order.claim_days: Kind::Count(MAX_CLAIM_DAYS), Presence::Default(absent, "none"), Claim, "the contract's period for raising claims after delivery, in days; a claim received later is out of time unless the defect was hidden";
        ProblemKind = "problem.kind" in Problem => problem.kind: Kind::Vocab(ProblemKind::NAMES), Required, Claim, "what went wrong";
        ProblemSummary = "problem.summary" in Problem => problem.summary: Kind::Text, Required, File, "one line, in your words";
        ProblemCategory = "problem.category" in Problem => problem.category: Kind::Text, Required, Claim, "the product family, e.g. `electronics`, `furniture`, `tools`. Rules use it: repaired electronics fail again more often; bulky goods cost more to send back";
        ProblemAffected = "problem.affected" in Problem => problem.affected: Kind::Count(MAX_COUNT), Required, Claim, "units affected; at most `quantity`. Replacement, repair and the value of a full refund are sized on it";
        ProblemSeverity = "problem.severity" in Problem => problem.severity: Kind::Vocab(Severity::NAMES), Required, Claim, "how bad it is. A refund is for severe problems; a discount for goods still usable";
        ProblemRepairable = "problem.repairable" in Problem => problem.repairable: Kind::Bool, Required, Claim, "the goods can be fixed with parts or rework";
        ProblemStillNeeded = "problem.still_needed" in Problem => problem.still_needed: Kind::Bool, Required, Claim, "the buyer still wants the goods. If not, replacements help nobody";
        EvidenceBuyerPhotos = "evidence.buyer_photos" in Evidence => evidence.buyer_photos: Kind::Bool, Required, Claim, "the buyer sent photos or video";
        EvidenceInspection = "evidence.inspection" in Evidence => evidence.inspection: Kind::Vocab(Inspection::NAMES), Required, Claim, "who inspected the goods";
        EvidenceOurQc = "evidence.our_qc" in Evidence => evidence.our_qc: Kind::Vocab(QcRecord::NAMES), Required, Claim, "your own QC record for the lot. A failed or missing record on a requirement in the contract makes the defect yours";
        EvidenceSpecInContract = "evidence.spec_in_contract" in Evidence => evidence.spec_in_contract: Kind::Bool, Required, Claim, "the requirement at issue is written in the contract or PI";
        EvidenceSpecFromBuyer = "evidence.spec_from_buyer" in Evidence => evidence.spec_from_buyer: Kind::Bool, Required, Claim, "the buyer supplied the spec, artwork, label or document that proved wrong";
        EvidenceCarrierNoted = "evidence.carrier_noted" in Evidence => evidence.carrier_noted: Kind::Bool, Required, Claim, "damage or shortage was noted on the B/L or delivery receipt: the carrier's, and the buyer's claim is against it";
        EvidenceMisuseSigns = "evidence.misuse_signs" in Evidence => evidence.misuse_signs: Kind::Bool, Required, Claim, "signs of misuse or of damage after acceptance";
        EvidenceBuyerChanges = "evidence.buyer_changes" in Evidence => evidence.buyer_changes: Kind::Bool, Required, Claim, "the buyer changed the design or documents during the order";
        EvidenceBuyerPaidLate = "evidence.buyer_paid_late" in Evidence => evidence.buyer_paid_late: Kind::Bool, Required, Claim, "the buyer paid later than agreed";
        EvidenceProgressUpdates = "evidence.progress_updates" in Evidence => evidence.progress_updates: Kind::Bool, Required, Claim, "you sent regular order-status updates. Without them, delays the buyer caused are partly yours (seed 003)";
        EvidenceExpertOpinion = "evidence.expert_opinion" in Evidence => evidence.expert_opinion: Kind::Vocab(ExpertOpinion::NAMES), Required, Claim, "your engineer's or a surveyor's view";
        EvidenceSample = "evidence.sample" in Evidence => evidence.sample: Kind::Vocab(SampleMatch::NAMES), Presence::Default(no_sample, "`none`"), Claim, "the goods against a sample the buyer approved before the order (sale by sample, CISG 35(2)(c)); `none`: no approved sample";
        EvidencePacking = "evidence.packing" in Evidence => evidence.packing: Kind::Vocab(Packing::NAMES), Presence::Default(packing_unknown, "`unknown`"), Claim, "whether our packing was fit for the voyage; unfit packing is ours even when the carrier or the weather was the immediate cause (Hague-Visby IV(2)(n), Institute Cargo Clauses 4.3)";
        EvidenceLoadedClean = "evidence.loaded_clean" in Evidence => evidence.loaded_clean: Kind::Bool, Presence::Default(no, "false"), Claim, "a clean bill of lading or a loading inspection shows the goods loaded in apparent good order and full quantity";
        EvidenceWithinTolerance = "evidence.within_tolerance" in Evidence => evidence.within_tolerance: Kind::Bool, Presence::Default(no, "false"), Claim, "the defect rate or deviation lies within the tolerance (AQL, allowance, trade usage) the contract or the trade accepts";
        EvidenceBuyerDelay = "evidence.buyer_delay" in Evidence => evidence.buyer_delay: Kind::Bool, Presence::Default(no, "false"), Claim, "the buyer delayed taking delivery, examining, unloading or storing the goods, and the loss grew from that delay (CISG 38, 60, 85-86)";
        EvidenceImpediment = "evidence.impediment" in Evidence => evidence.impediment: Kind::Bool, Presence::Default(no, "false"), Claim, "an impediment beyond our control that we could not foresee or avoid caused the failure (CISG 79: war, embargo, export ban, natural disaster)";
        EvidenceLegalAction = "evidence.legal_action" in Evidence => evidence.legal_action: Kind::Bool, Presence::Default(no, "false"), Claim, "the buyer has started legal or arbitration proceedings, or an insurer or lawyer has taken the claim over: the case is handed over";
        EvidenceFraudSigns = "evidence.fraud_signs" in Evidence => evidence.fraud_signs: Kind::Bool, Presence::Default(no, "false"), Claim, "the claim does not hold together: documents that look forged, evidence that contradicts itself or our records";
        AskRemedy = "ask.remedy" in Ask => ask.remedy: Kind::Vocab(Remedy::NAMES), Required, Claim, "what the buyer asks for";
        AskAmount = "ask.amount" in Ask => ask.amount: Kind::Money, Required, Claim, "the value the buyer asks for. Refunds, discounts and credits are never advised above it";
    }
    derived {
        EvidenceNone = "evidence.none": Bool, Claim, "derived: no buyer photos, no inspection and no expert opinion";
        OrderRiskPasses = "order.risk_passes": Enum(RiskPoint::NAMES), Claim, "derived from the Incoterm: where the risk passed to the buyer (at_premises: EXW; at_loading: F and C rules; on_arrival: D rules; unknown: no Incoterm)";
        AskShareOfValue = "ask.share_of_value": Ratio, Claim, "derived: ask.amount / order.value (2.0 = twice the goods' value)";
        OrderPaidShare = "order.paid_share": Ratio, Claim, "derived: order.paid / order.value";
        ProblemAffectedShare = "problem.affected_share": Ratio, Claim, "derived: problem.affected / order.quantity";
        RoundsCount = "rounds.count": Int, Claim, "derived: negotiation rounds so far";
        RoundsBySeller = "rounds.by_seller": Int, Claim, "derived: rounds in which we made a proposal";
        RoundsByBuyer = "rounds.by_buyer": Int, Claim, "derived: rounds in which the buyer made a proposal";
        ProposalStanding = "proposal.standing": Bool, Claim, "derived: the last round is the buyer's, so its proposal is on the table";
        ProposalRaised = "proposal.raised": Bool, Claim, "derived: the buyer's latest proposal asks for more than one it made before (after our answer, the seed 001 pattern)";
        AskShareOfUnpaid = "ask.share_of_unpaid": Ratio, Claim, "derived: ask.amount / (order.value - order.paid), the claim against the price still owed; absent when the order is paid";
        DaysOpen = "days.open": Int, Claim, "derived: days from received to the decision date";
        DaysSinceDelivery = "days.since_delivery": Int, Claim, "derived: days from delivery to the claim (absent when not delivered)";
        DaysSinceLastRound = "days.since_last_round": Int, Claim, "derived: days from the last round to the decision date";
        ClaimOutOfTime = "claim.out_of_time": Bool, Claim, "derived: the claim came after the contract's claim period (order.claim_days after delivery); false without a period or a delivery date";
        ShareSeller = "share.seller": Ratio, Responsibility, "the seller's share of responsibility";
        ShareBuyer = "share.buyer": Ratio, Responsibility, "the buyer's share of responsibility";
        ShareCarrier = "share.carrier": Ratio, Responsibility, "the carrier's share of responsibility";
        ResponsibilityUnclear = "responsibility.unclear": Bool, Responsibility, "the evidence cannot decide who is responsible";
    }
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
        // The claim's own fields, from the schema: every field a rule may test.
        claim.fill_facts(&mut v);
        // The derived facts.
        let num = |d: Decimal| Fact::Num(d);
        let int = |i: u64| Fact::Num(Decimal::from(i));
        let (o, p, e) = (&claim.order, &claim.problem, &claim.evidence);
        v[F::EvidenceNone as usize] = Fact::Bool(
            !e.buyer_photos
                && e.inspection == Inspection::None
                && e.expert_opinion == ExpertOpinion::None,
        );
        v[F::OrderRiskPasses as usize] = Fact::Sym(claim.risk_passes().index() as u8);
        v[F::AskShareOfValue as usize] = ratio(claim.ask.amount, o.value);
        v[F::OrderPaidShare as usize] = ratio(o.paid, o.value);
        v[F::ProblemAffectedShare as usize] =
            ratio(Decimal::from(p.affected), Decimal::from(o.quantity));
        let by = |party| {
            claim
                .rounds
                .iter()
                .filter(|r: &&Round| r.by == party)
                .count() as u64
        };
        v[F::RoundsCount as usize] = int(claim.rounds.len() as u64);
        v[F::RoundsBySeller as usize] = int(by(Party::Seller));
        v[F::RoundsByBuyer as usize] = int(by(Party::Buyer));
        v[F::ProposalStanding as usize] = Fact::Bool(claim.standing_proposal().is_some());
        let buyers: Vec<Decimal> = claim
            .rounds
            .iter()
            .filter(|r| r.by == Party::Buyer)
            .filter_map(|r| r.terms().map(|(_, a)| a))
            .collect();
        v[F::ProposalRaised as usize] = Fact::Bool(
            buyers
                .split_last()
                .is_some_and(|(last, before)| before.iter().any(|a| last > a)),
        );
        let unpaid = o.value - o.paid;
        v[F::AskShareOfUnpaid as usize] = if unpaid > Decimal::ZERO {
            ratio(claim.ask.amount, unpaid)
        } else {
            Fact::Absent
        };
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
        v[F::ClaimOutOfTime as usize] = Fact::Bool(claim.out_of_time());
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

macro_rules! part {
    (
        $(#[$meta:meta])* $name:ident for $ty:ty {
            $( $v:ident = $key:literal => $acc:ident : $kind:expr, $pres:expr, $doc:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $(#[doc = $doc] $v),+ }

        impl $name {
            /// Every field, in file order.
            pub const ALL: &'static [$name] = &[$($name::$v),+];
            /// Every key, in file order.
            pub const KEYS: &'static [&'static str] = &[$($key),+];

            /// The key in the file.
            pub fn key(self) -> &'static str {
                match self { $($name::$v => $key),+ }
            }
            /// How it is written.
            pub fn kind(self) -> Kind {
                match self { $($name::$v => $kind),+ }
            }
            /// Whether it must be given.
            pub fn presence(self) -> Presence {
                match self { $($name::$v => $pres),+ }
            }
            /// What it means.
            pub fn doc(self) -> &'static str {
                match self { $($name::$v => $doc),+ }
            }
            /// Its value in `x`.
            pub fn get(self, x: &$ty) -> Value<'_> {
                match self { $($name::$v => FieldValue::to_value(&x.$acc)),+ }
            }
            /// Sets it in `x`; false when the value is not of its kind.
            pub fn set(self, x: &mut $ty, v: Value<'_>) -> bool {
                match self {
                    $($name::$v => match FieldValue::from_value(v) {
                        Some(y) => { x.$acc = y; true }
                        None => false,
                    }),+
                }
            }
        }
    };
}

part! {
    /// A field of a `[[round]]`: one round of the negotiation so far.
    RoundField for Round {
        On = "on" => on: Kind::Date, Required, "the day it happened (the message's date)";
        By = "by" => by: Kind::Vocab(Party::NAMES), Required, "`buyer` or `seller`";
        Kind = "kind" => kind: Kind::Vocab(RoundKind::NAMES), Optional, "what the round is: `propose` (the default), `accept` (the other side's standing proposal), `refuse` (it, without a counter-proposal), `withdraw` (one's own), `request_evidence`, `evidence`";
        Remedy = "remedy" => remedy: Kind::Vocab(Remedy::NAMES), Optional, "the option proposed (proposals only; required for them)";
        Amount = "amount" => amount: Kind::Money, Optional, "the value to the buyer of the proposal (proposals only; required for them)";
        Note = "note" => note: Kind::Text, Optional, "anything worth remembering about it";
    }
}

part! {
    /// A field of `[outcome]`: how a past claim really ended (histories only).
    OutcomeField for Outcome {
        Remedy = "remedy" => remedy: Kind::Vocab(Remedy::NAMES), Required, "the remedy settled on";
        Amount = "amount" => amount: Kind::Money, Required, "the value settled on";
        Cost = "cost" => cost: Kind::Money, Required, "what the settlement cost the seller";
        Closed = "closed" => closed: Kind::Date, Required, "when the claim was closed";
        Retained = "retained" => retained: Kind::Bool, Required, "whether the customer ordered again";
    }
}

/// Where a problem with a claim lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Place {
    /// A field of the claim.
    Field(Field),
    /// A field of round `i` (from 0).
    Round(usize, RoundField),
}

/// A problem the claim's fields have together (each read well on its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Where to point.
    pub at: Place,
    /// What is wrong, naming the fields and the values.
    pub message: String,
    /// A short note at the place.
    pub label: &'static str,
}

/// A claim being read: the fields read so far (each reader sets them from its format), and
/// each round's date as read. One validation step, [`Draft::check`], serves every reader.
#[derive(Debug, Clone)]
pub struct Draft {
    /// The claim, with the fields read so far and placeholders for the rest.
    pub claim: Claim,
    given: [bool; FIELD_COUNT],
}

impl Default for Draft {
    fn default() -> Self {
        Draft::new()
    }
}

impl Draft {
    /// An empty draft.
    pub fn new() -> Draft {
        Draft {
            claim: Claim::blank(),
            given: [false; FIELD_COUNT],
        }
    }

    /// Sets a claim field read from a file; false when the value is not of the field's kind.
    pub fn set(&mut self, f: Field, v: Value<'_>) -> bool {
        let ok = self.claim.set(f, v);
        self.given[f as usize] |= ok;
        ok
    }

    /// Whether the field was read.
    pub fn given(&self, f: Field) -> bool {
        self.given[f as usize]
    }

    /// Sets every field with a default that the file left out (after the others are read: a
    /// default may depend on them, as cargo insurance depends on the Incoterm).
    pub fn apply_defaults(&mut self) {
        for &f in Field::CLAIM {
            if let Presence::Default(default, _) = f.presence()
                && !self.given(f)
            {
                let v = default(&self.claim);
                self.claim.set(f, v);
            }
        }
    }

    /// The problems the fields read have together: `paid` above `value`, `affected` above
    /// `quantity`, a round dated before `received` or before the round before it.
    /// `round_dates` holds each round's date as read (`None` where it could not be read).
    pub fn check(&self, round_dates: &[Option<Date>]) -> Vec<Problem> {
        let mut out = Vec::new();
        let (c, o, p) = (&self.claim, &self.claim.order, &self.claim.problem);
        if self.given(Field::OrderValue) && self.given(Field::OrderPaid) && o.paid > o.value {
            out.push(Problem {
                at: Place::Field(Field::OrderPaid),
                message: format!(
                    "`order.paid` ({}) is more than `order.value` ({})",
                    o.paid, o.value
                ),
                label: "paid cannot exceed the order value",
            });
        }
        if self.given(Field::OrderQuantity)
            && self.given(Field::ProblemAffected)
            && p.affected > o.quantity
        {
            out.push(Problem {
                at: Place::Field(Field::ProblemAffected),
                message: format!(
                    "`problem.affected` ({}) is more than `order.quantity` ({})",
                    p.affected, o.quantity
                ),
                label: "more units affected than ordered",
            });
        }
        let received = self.given(Field::Received).then_some(c.received);
        let mut prev: Option<(usize, Date)> = None;
        for (i, d) in round_dates.iter().enumerate() {
            let Some(d) = *d else { continue };
            if let Some(rec) = received
                && d < rec
            {
                out.push(Problem {
                    at: Place::Round(i, RoundField::On),
                    message: format!(
                        "round {} is dated {d}, before the claim was received ({rec})",
                        i + 1
                    ),
                    label: "before `received`",
                });
            }
            if let Some((pi, pd)) = prev
                && d < pd
            {
                out.push(Problem {
                    at: Place::Round(i, RoundField::On),
                    message: format!(
                        "round {} is dated {d}, before round {} ({pd})",
                        i + 1,
                        pi + 1
                    ),
                    label: "rounds must be in date order, oldest first",
                });
            }
            prev = Some((i, d));
        }
        out
    }

    /// The problems of the rounds read (each read well on its own): a proposal without its
    /// terms, terms on a round that is not a proposal, an answer with nothing to answer, a
    /// round after the claim was settled. Readers call it with every round they could read.
    pub fn check_rounds(rounds: &[(usize, &Round)]) -> Vec<Problem> {
        let mut out = Vec::new();
        let mut walked: Vec<Round> = Vec::new();
        let mut settled_in: Option<usize> = None;
        for &(i, r) in rounds {
            let kind = r.kind();
            let what = kind.as_str();
            if kind == RoundKind::Propose {
                for (given, field) in [
                    (r.remedy.is_some(), RoundField::Remedy),
                    (r.amount.is_some(), RoundField::Amount),
                ] {
                    if !given {
                        out.push(Problem {
                            at: Place::Round(i, RoundField::Kind),
                            message: format!(
                                "round {} is a proposal without `{}`",
                                i + 1,
                                field.key()
                            ),
                            label: "a proposal needs `remedy` and `amount`",
                        });
                    }
                }
            } else {
                for (given, field) in [
                    (r.remedy.is_some(), RoundField::Remedy),
                    (r.amount.is_some(), RoundField::Amount),
                ] {
                    if given {
                        out.push(Problem {
                            at: Place::Round(i, field),
                            message: format!(
                                "round {} is a `{what}` round: only proposals carry `{}`",
                                i + 1,
                                field.key()
                            ),
                            label: "remove it, or make the round `kind = \"propose\"`",
                        });
                    }
                }
            }
            if let Some(s) = settled_in {
                out.push(Problem {
                    at: Place::Round(i, RoundField::On),
                    message: format!(
                        "round {} comes after the claim was settled in round {}",
                        i + 1,
                        s + 1
                    ),
                    label: "nothing follows an acceptance",
                });
                continue;
            }
            // What the round answers must be on the table.
            let before = Claim {
                rounds: std::mem::take(&mut walked),
                ..Claim::blank()
            };
            let n = before.negotiation();
            let missing = match (r.by, kind) {
                (Party::Buyer, RoundKind::Accept) | (Party::Buyer, RoundKind::Refuse) => n
                    .our_standing
                    .is_none()
                    .then_some("no proposal of ours is on the table"),
                (Party::Seller, RoundKind::Accept) | (Party::Seller, RoundKind::Refuse) => n
                    .buyer_standing
                    .is_none()
                    .then_some("no proposal of the buyer's is on the table"),
                (Party::Buyer, RoundKind::Withdraw) => n
                    .buyer_standing
                    .is_none()
                    .then_some("the buyer has no proposal on the table"),
                (Party::Seller, RoundKind::Withdraw) => n
                    .our_standing
                    .is_none()
                    .then_some("we have no proposal on the table"),
                _ => None,
            };
            if let Some(why) = missing {
                let verb = match kind {
                    RoundKind::Accept => "accepts",
                    RoundKind::Refuse => "refuses",
                    _ => "withdraws",
                };
                out.push(Problem {
                    at: Place::Round(i, RoundField::Kind),
                    message: format!("round {}: the {} {verb}, but {why}", i + 1, r.by.as_str()),
                    label: "nothing to answer",
                });
            }
            walked = before.rounds;
            walked.push(r.clone());
            if kind == RoundKind::Accept && missing.is_none() {
                settled_in = Some(i);
            }
        }
        out
    }

    /// The required claim fields not read, in file order.
    pub fn missing(&self) -> impl Iterator<Item = Field> + '_ {
        Field::CLAIM
            .iter()
            .copied()
            .filter(|f| matches!(f.presence(), Presence::Required) && !self.given(*f))
    }
}
