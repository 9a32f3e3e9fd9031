//! The claim: what the buyer says went wrong, the facts and evidence, and the rounds so far.
//!
//! A `Claim` that exists has passed the loader's validation (amounts not negative, `paid` at
//! most `value`, `affected` at most `quantity`, rounds in date order and not before `received`).

use crate::money::{Currency, Money};
use time::Date;

/// Defines a closed set of names that claim files and rules spell in snake_case.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every value, in the order the format documents them.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// Every value's name as written in files.
            pub const NAMES: &'static [&'static str] = &[$($text),+];

            /// The name as written in files.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// The value named `text`, if it is one of the set.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }

            /// Position in [`Self::ALL`]; used for bit sets in rule conditions.
            pub fn index(self) -> usize {
                self as usize
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// The six things a seller can do about a claim.
    Remedy {
        /// Money back, in full or in part.
        Refund = "refund",
        /// Replacement goods.
        Reship = "reship",
        /// A price reduction on the goods delivered (CISG art. 50).
        Discount = "discount",
        /// Free repair or spare parts.
        Repair = "repair",
        /// Credit on a future order.
        Credit = "credit",
        /// No compensation, with the evidence that it is not the seller's fault.
        Reject = "reject",
    }
}

vocabulary! {
    /// How the seller stands with the customer.
    Relationship { New = "new", Repeat = "repeat", Key = "key" }
}

vocabulary! {
    /// Where the goods are.
    Stage {
        PreShipment = "pre_shipment",
        InTransit = "in_transit",
        Delivered = "delivered",
        InUse = "in_use",
    }
}

vocabulary! {
    /// What went wrong.
    ProblemKind {
        QualityDefect = "quality_defect",
        ShortShipment = "short_shipment",
        TransitDamage = "transit_damage",
        LateDelivery = "late_delivery",
        WrongSpec = "wrong_spec",
        Documents = "documents",
        Safety = "safety",
    }
}

vocabulary! {
    /// How bad it is.
    Severity {
        Cosmetic = "cosmetic",
        Minor = "minor",
        Major = "major",
        Unusable = "unusable",
        Hazardous = "hazardous",
    }
}

vocabulary! {
    /// Who inspected the goods.
    Inspection { None = "none", Buyer = "buyer", ThirdParty = "third_party" }
}

vocabulary! {
    /// Our own QC record for the lot.
    QcRecord { Passed = "passed", Failed = "failed", Missing = "missing" }
}

vocabulary! {
    /// Our engineer's or a surveyor's view of the claim.
    ExpertOpinion { None = "none", SupportsClaim = "supports_claim", DisputesClaim = "disputes_claim" }
}

vocabulary! {
    /// Who made a proposal in a negotiation round.
    Party { Buyer = "buyer", Seller = "seller" }
}

/// The customer behind the claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    pub name: String,
    pub relationship: Relationship,
    /// Expected yearly purchases if the customer stays.
    pub annual_purchases: Money,
    pub years: u32,
    pub past_claims: u32,
}

/// The order the claim is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    pub number: Option<String>,
    /// Invoice value of the order.
    pub value: Money,
    /// What the buyer has paid so far.
    pub paid: Money,
    pub quantity: u64,
    /// The seller's cost to make or buy one unit again.
    pub unit_cost: Money,
    pub incoterm: Option<String>,
    pub stage: Stage,
    pub delivered: Option<Date>,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    pub summary: String,
    /// Product family, e.g. `electronics`.
    pub category: String,
    pub affected: u64,
    pub severity: Severity,
    pub repairable: bool,
    pub still_needed: bool,
}

/// What each side can show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    pub buyer_photos: bool,
    pub inspection: Inspection,
    pub our_qc: QcRecord,
    pub spec_in_contract: bool,
    pub spec_from_buyer: bool,
    pub carrier_noted: bool,
    pub misuse_signs: bool,
    pub buyer_changes: bool,
    pub buyer_paid_late: bool,
    pub progress_updates: bool,
    pub expert_opinion: ExpertOpinion,
}

/// What the buyer asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    pub remedy: Remedy,
    pub amount: Money,
}

/// One proposal in the negotiation so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    pub on: Date,
    pub by: Party,
    pub remedy: Remedy,
    /// The value to the buyer of the proposal.
    pub amount: Money,
    pub note: Option<String>,
}

/// How a past claim really ended (history files only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub remedy: Remedy,
    pub amount: Money,
    pub cost: Money,
    pub closed: Date,
    pub retained: bool,
}

/// A claim file, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    pub id: String,
    pub received: Date,
    /// The day of the decision, as written; see [`Claim::decision_date`].
    pub as_of: Option<Date>,
    pub currency: Currency,
    pub customer: Customer,
    pub order: Order,
    pub problem: Problem,
    pub evidence: Evidence,
    pub ask: Ask,
    pub rounds: Vec<Round>,
    pub outcome: Option<Outcome>,
}

impl Claim {
    /// The day of the decision: `as_of`, else the last round's date, else `received`.
    pub fn decision_date(&self) -> Date {
        self.as_of
            .or_else(|| self.rounds.last().map(|r| r.on))
            .unwrap_or(self.received)
    }

    /// The buyer's standing proposal: the last round, when the buyer made it.
    pub fn standing_proposal(&self) -> Option<&Round> {
        self.rounds.last().filter(|r| r.by == Party::Buyer)
    }

    /// The invoice price of one unit (`value / quantity`), zero for an empty order.
    pub fn unit_price(&self) -> Money {
        if self.order.quantity == 0 {
            Money::ZERO
        } else {
            self.order.value / Money::from(self.order.quantity)
        }
    }
}
