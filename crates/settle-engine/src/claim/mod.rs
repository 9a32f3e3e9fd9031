//! The claim: what the buyer says went wrong, the facts and evidence, and the rounds so far.
//! Its fields, as files name them, are defined once in [`crate::schema`].
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
    Relationship {
        /// A first order, or a customer we hardly know.
        New = "new",
        /// A customer who orders again.
        Repeat = "repeat",
        /// A key account.
        Key = "key",
    }
}

vocabulary! {
    /// Where the goods are.
    Stage {
        /// Not shipped yet.
        PreShipment = "pre_shipment",
        /// On its way.
        InTransit = "in_transit",
        /// Delivered, not yet in use.
        Delivered = "delivered",
        /// In use by the buyer or its customers.
        InUse = "in_use",
    }
}

vocabulary! {
    /// What went wrong.
    ProblemKind {
        /// The goods are defective.
        QualityDefect = "quality_defect",
        /// Fewer goods than invoiced.
        ShortShipment = "short_shipment",
        /// Damaged on the way.
        TransitDamage = "transit_damage",
        /// Shipped or delivered late.
        LateDelivery = "late_delivery",
        /// Not made to the specification.
        WrongSpec = "wrong_spec",
        /// Wrong or missing shipping documents.
        Documents = "documents",
        /// An injury or a hazard.
        Safety = "safety",
    }
}

vocabulary! {
    /// How bad it is.
    Severity {
        /// Looks only.
        Cosmetic = "cosmetic",
        /// Usable, with a small fault.
        Minor = "minor",
        /// A serious fault.
        Major = "major",
        /// The goods cannot be used.
        Unusable = "unusable",
        /// The goods are dangerous.
        Hazardous = "hazardous",
    }
}

vocabulary! {
    /// Who inspected the goods.
    Inspection {
        /// Nobody inspected the goods.
        None = "none",
        /// The buyer or its agent did.
        Buyer = "buyer",
        /// An independent inspector did.
        ThirdParty = "third_party",
    }
}

vocabulary! {
    /// Our own QC record for the lot.
    QcRecord {
        /// The lot passed our QC.
        Passed = "passed",
        /// The lot failed our QC.
        Failed = "failed",
        /// We have no QC record for the lot.
        Missing = "missing",
    }
}

vocabulary! {
    /// Our engineer's or a surveyor's view of the claim.
    ExpertOpinion {
        /// No expert has looked at it.
        None = "none",
        /// The expert finds the claim credible.
        SupportsClaim = "supports_claim",
        /// The expert disputes the claim.
        DisputesClaim = "disputes_claim",
    }
}

vocabulary! {
    /// Who made a proposal in a negotiation round.
    Party {
        /// The buyer.
        Buyer = "buyer",
        /// The seller (us).
        Seller = "seller",
    }
}

vocabulary! {
    /// What a round of the negotiation is: a proposal, or an answer to the other side's.
    RoundKind {
        /// An offer or a counter-proposal: the round's `remedy` and `amount` are its terms.
        Propose = "propose",
        /// The party accepts the other side's standing proposal: the claim is settled on it.
        Accept = "accept",
        /// The party refuses the other side's standing proposal without a counter-proposal.
        Refuse = "refuse",
        /// The party withdraws its own standing proposal.
        Withdraw = "withdraw",
        /// We ask the buyer for documents (the note says which).
        RequestEvidence = "request_evidence",
        /// Evidence arrives (the claim's `[evidence]` section holds what it shows).
        Evidence = "evidence",
    }
}

vocabulary! {
    /// An Incoterms 2020 rule: where the risk passes from seller to buyer.
    Incoterm {
        /// Ex works: at our premises.
        Exw = "EXW",
        /// Free carrier: handed to the buyer's first carrier.
        Fca = "FCA",
        /// Free alongside ship.
        Fas = "FAS",
        /// Free on board: on board the vessel at the port of shipment.
        Fob = "FOB",
        /// Cost and freight: on board; we pay the freight.
        Cfr = "CFR",
        /// Cost, insurance and freight: on board; we pay freight and minimum cover.
        Cif = "CIF",
        /// Carriage paid to: handed to the first carrier; we pay the carriage.
        Cpt = "CPT",
        /// Carriage and insurance paid to: handed to the first carrier; all-risks cover.
        Cip = "CIP",
        /// Delivered at place: on arrival at the named place.
        Dap = "DAP",
        /// Delivered at place unloaded.
        Dpu = "DPU",
        /// Delivered duty paid.
        Ddp = "DDP",
    }
}

impl Incoterm {
    /// Older names in daily use, read as their Incoterms 2020 successor.
    pub const ALIASES: &'static [(&'static str, Incoterm)] = &[
        ("C&F", Incoterm::Cfr),
        ("CNF", Incoterm::Cfr),
        ("DDU", Incoterm::Dap),
        ("DAT", Incoterm::Dpu),
    ];

    /// The rule a name says, Incoterms 2020 names and the older aliases, in any case.
    pub fn read(name: &str) -> Option<Incoterm> {
        let upper = name.trim().to_ascii_uppercase();
        Incoterm::parse(&upper).or_else(|| {
            Incoterm::ALIASES
                .iter()
                .find(|(a, _)| *a == upper)
                .map(|(_, t)| *t)
        })
    }

    /// Where the risk passes to the buyer under this rule.
    pub fn risk_passes(self) -> RiskPoint {
        match self {
            Incoterm::Exw => RiskPoint::AtPremises,
            Incoterm::Dap | Incoterm::Dpu | Incoterm::Ddp => RiskPoint::OnArrival,
            _ => RiskPoint::AtLoading,
        }
    }
}

vocabulary! {
    /// Where the risk of loss passed from seller to buyer (Incoterms 2020; CISG art. 66-69).
    RiskPoint {
        /// At our premises (EXW).
        AtPremises = "at_premises",
        /// When loaded or handed to the first carrier (F and C rules).
        AtLoading = "at_loading",
        /// At the named destination (D rules).
        OnArrival = "on_arrival",
        /// The claim names no Incoterm.
        Unknown = "unknown",
    }
}

vocabulary! {
    /// Who took out cargo insurance for the voyage.
    Insurance {
        /// Nobody.
        None = "none",
        /// We did (CIF and CIP oblige us to).
        Seller = "seller",
        /// The buyer did.
        Buyer = "buyer",
    }
}

vocabulary! {
    /// The goods against a sample the buyer approved (sale by sample, CISG art. 35(2)(c)).
    SampleMatch {
        /// There was no approved sample.
        None = "none",
        /// The goods match the approved sample.
        Matches = "matches",
        /// The goods differ from it.
        Differs = "differs",
    }
}

vocabulary! {
    /// Whether our packing was fit for the voyage and the goods.
    Packing {
        /// Fit for the voyage.
        Adequate = "adequate",
        /// Not fit (no moisture protection, loose fixing, weak crates).
        Inadequate = "inadequate",
        /// Not known.
        Unknown = "unknown",
    }
}

/// The customer behind the claim.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// The customer's name.
    pub name: String,
    /// New, repeat or key customer.
    pub relationship: Relationship,
    /// Expected yearly purchases if the customer stays.
    pub annual_purchases: Money,
    /// Years of business with the customer.
    pub years: u32,
    /// Claims the customer raised before.
    pub past_claims: u32,
}

/// The order the claim is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Order {
    /// The order or PI number.
    pub number: Option<String>,
    /// Invoice value of the order.
    pub value: Money,
    /// What the buyer has paid so far.
    pub paid: Money,
    /// Units in the order.
    pub quantity: u64,
    /// The seller's cost to make or buy one unit again.
    pub unit_cost: Money,
    /// The order's Incoterms 2020 rule, when the claim names one.
    pub incoterm: Option<Incoterm>,
    /// Where the goods are.
    pub stage: Stage,
    /// When the goods were delivered.
    pub delivered: Option<Date>,
    /// The goods spoil within days or weeks.
    pub perishable: bool,
    /// Who took out cargo insurance for the voyage.
    pub insurance: Insurance,
    /// The contract's period for raising claims after delivery, in days.
    pub claim_days: Option<u32>,
}

/// What went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// What went wrong.
    pub kind: ProblemKind,
    /// One line, in the rep's words.
    pub summary: String,
    /// Product family, e.g. `electronics`.
    pub category: String,
    /// Units affected.
    pub affected: u64,
    /// How bad it is.
    pub severity: Severity,
    /// The goods can be fixed with parts or rework.
    pub repairable: bool,
    /// The buyer still wants the goods.
    pub still_needed: bool,
}

/// What each side can show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Photos or video from the buyer.
    pub buyer_photos: bool,
    /// Who inspected the goods.
    pub inspection: Inspection,
    /// Our own QC record for the lot.
    pub our_qc: QcRecord,
    /// The requirement at issue is written in the contract or PI.
    pub spec_in_contract: bool,
    /// The buyer supplied the spec or document that proved wrong.
    pub spec_from_buyer: bool,
    /// Damage or shortage noted on the B/L or delivery receipt.
    pub carrier_noted: bool,
    /// Signs of misuse or damage after acceptance.
    pub misuse_signs: bool,
    /// The buyer changed the design or documents during the order.
    pub buyer_changes: bool,
    /// The buyer paid later than agreed.
    pub buyer_paid_late: bool,
    /// We sent regular order-status updates.
    pub progress_updates: bool,
    /// Our engineer's or a surveyor's view.
    pub expert_opinion: ExpertOpinion,
    /// The goods against a sample the buyer approved.
    pub sample: SampleMatch,
    /// Whether our packing was fit for the voyage.
    pub packing: Packing,
    /// A clean bill of lading or a loading inspection shows the goods loaded in good order.
    pub loaded_clean: bool,
    /// The defects lie within the tolerance the contract or the trade accepts.
    pub within_tolerance: bool,
    /// The buyer's delay in taking delivery, examining or storing the goods made the loss.
    pub buyer_delay: bool,
    /// An impediment beyond our control caused the failure (CISG art. 79).
    pub impediment: bool,
    /// The buyer has started legal or arbitration proceedings, or an insurer or lawyer has
    /// taken the claim over.
    pub legal_action: bool,
    /// The claim does not hold together: documents that look forged, evidence that contradicts
    /// itself or our records.
    pub fraud_signs: bool,
}

/// What the buyer asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ask {
    /// What the buyer asks for.
    pub remedy: Remedy,
    /// The value the buyer asks for.
    pub amount: Money,
}

/// One round of the negotiation so far: a proposal, or an answer to the other side's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Round {
    /// When it happened (the message's date).
    pub on: Date,
    /// Who made it.
    pub by: Party,
    /// What it is; absent means a proposal (claim format 1 rounds are all proposals).
    pub kind: Option<RoundKind>,
    /// What was proposed (proposals only).
    pub remedy: Option<Remedy>,
    /// The value to the buyer of the proposal (proposals only).
    pub amount: Option<Money>,
    /// Anything worth remembering about it.
    pub note: Option<String>,
}

impl Round {
    /// A proposal.
    pub fn propose(on: Date, by: Party, remedy: Remedy, amount: Money) -> Round {
        Round {
            on,
            by,
            kind: None,
            remedy: Some(remedy),
            amount: Some(amount),
            note: None,
        }
    }

    /// A round that is not a proposal (an acceptance, a refusal, a withdrawal, a request for
    /// evidence, evidence).
    pub fn answer(on: Date, by: Party, kind: RoundKind) -> Round {
        Round {
            on,
            by,
            kind: Some(kind),
            remedy: None,
            amount: None,
            note: None,
        }
    }

    /// What the round is.
    pub fn kind(&self) -> RoundKind {
        self.kind.unwrap_or(RoundKind::Propose)
    }

    /// The proposal's terms, for a proposal.
    pub fn terms(&self) -> Option<(Remedy, Money)> {
        match (self.kind(), self.remedy, self.amount) {
            (RoundKind::Propose, Some(r), Some(a)) => Some((r, a)),
            _ => None,
        }
    }
}

/// How a past claim really ended (history files only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The remedy settled on.
    pub remedy: Remedy,
    /// The value settled on.
    pub amount: Money,
    /// What the settlement cost the seller.
    pub cost: Money,
    /// When the claim was closed.
    pub closed: Date,
    /// Whether the customer ordered again.
    pub retained: bool,
}

/// A claim file, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claim {
    /// The claim's reference.
    pub id: String,
    /// The day the buyer raised the claim.
    pub received: Date,
    /// The day of the decision, as written; see [`Claim::decision_date`].
    pub as_of: Option<Date>,
    /// The currency of every amount in the claim.
    pub currency: Currency,
    /// The customer behind the claim.
    pub customer: Customer,
    /// The order the claim is about.
    pub order: Order,
    /// What went wrong.
    pub problem: Problem,
    /// What each side can show.
    pub evidence: Evidence,
    /// What the buyer asks for.
    pub ask: Ask,
    /// The negotiation so far, oldest first.
    pub rounds: Vec<Round>,
    /// How the claim really ended (history files only).
    pub outcome: Option<Outcome>,
}

impl Claim {
    /// A claim with every field empty (zero, false, the first name of each set, no rounds):
    /// where a reader starts, setting each field it reads.
    pub fn blank() -> Claim {
        let epoch = Date::from_ordinal_date(2000, 1).unwrap_or(Date::MIN);
        Claim {
            id: String::new(),
            received: epoch,
            as_of: None,
            currency: Currency::new(*b"XXX", 2),
            customer: Customer {
                name: String::new(),
                relationship: Relationship::New,
                annual_purchases: Money::ZERO,
                years: 0,
                past_claims: 0,
            },
            order: Order {
                number: None,
                value: Money::ZERO,
                paid: Money::ZERO,
                quantity: 0,
                unit_cost: Money::ZERO,
                incoterm: None,
                stage: Stage::PreShipment,
                delivered: None,
                perishable: false,
                insurance: Insurance::None,
                claim_days: None,
            },
            problem: Problem {
                kind: ProblemKind::QualityDefect,
                summary: String::new(),
                category: String::new(),
                affected: 0,
                severity: Severity::Cosmetic,
                repairable: false,
                still_needed: false,
            },
            evidence: Evidence {
                buyer_photos: false,
                inspection: Inspection::None,
                our_qc: QcRecord::Passed,
                spec_in_contract: false,
                spec_from_buyer: false,
                carrier_noted: false,
                misuse_signs: false,
                buyer_changes: false,
                buyer_paid_late: false,
                progress_updates: false,
                expert_opinion: ExpertOpinion::None,
                sample: SampleMatch::None,
                packing: Packing::Unknown,
                loaded_clean: false,
                within_tolerance: false,
                buyer_delay: false,
                impediment: false,
                legal_action: false,
                fraud_signs: false,
            },
            ask: Ask {
                remedy: Remedy::Refund,
                amount: Money::ZERO,
            },
            rounds: Vec::new(),
            outcome: None,
        }
    }

    /// Where the risk passed to the buyer, by the claim's Incoterm.
    pub fn risk_passes(&self) -> RiskPoint {
        self.order
            .incoterm
            .map_or(RiskPoint::Unknown, Incoterm::risk_passes)
    }

    /// Whether the claim came after the contract's claim period (`order.claim_days` after
    /// delivery); false when the contract sets no period or the goods are not delivered.
    pub fn out_of_time(&self) -> bool {
        match (self.order.claim_days, self.order.delivered) {
            (Some(days), Some(d)) => (self.received - d).whole_days() > i64::from(days),
            _ => false,
        }
    }

    /// The day of the decision: `as_of`, else the last round's date, else `received`.
    pub fn decision_date(&self) -> Date {
        self.as_of
            .or_else(|| self.rounds.last().map(|r| r.on))
            .unwrap_or(self.received)
    }

    /// Where the negotiation stands after the rounds so far (see [`Negotiation`]).
    pub fn negotiation(&self) -> Negotiation {
        Negotiation::of(self)
    }

    /// The buyer's standing proposal, when it may be accepted now: its latest proposal, not
    /// withdrawn, not refused by us, and not countered by us since (unless the buyer has since
    /// refused our counter, which puts its proposal back on the table). The buyer's opening
    /// claim (its only round so far, with the same remedy and amount as the ask) is the claim
    /// itself, not a proposal to accept: we answer it with our own offer, which may grant it
    /// in full.
    pub fn standing_proposal(&self) -> Option<&Round> {
        let i = self.negotiation().acceptable()?;
        let round = &self.rounds[i];
        let (remedy, amount) = round.terms()?;
        let proposals = self
            .rounds
            .iter()
            .filter(|r| r.by == Party::Buyer && r.terms().is_some())
            .count();
        let opening_claim =
            proposals == 1 && remedy == self.ask.remedy && amount == self.ask.amount;
        (!opening_claim).then_some(round)
    }

    /// The claim as it stood when we first answered it: its rounds before our first proposal
    /// or acceptance, decided on the day of that answer. A claim we have not answered yet is
    /// unchanged. A replay advises a past claim here: what came after depended on the answer
    /// given.
    pub fn at_first_decision(&self) -> Claim {
        let first = self.rounds.iter().position(|r| {
            r.by == Party::Seller && matches!(r.kind(), RoundKind::Propose | RoundKind::Accept)
        });
        match first {
            None => self.clone(),
            Some(i) => {
                let mut c = self.clone();
                c.as_of = Some(self.rounds[i].on);
                c.rounds.truncate(i);
                c
            }
        }
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

/// Where a negotiation stands after its rounds: who has a proposal on the table, which of
/// our offers the buyer has turned down, whether the claim is settled. Worked out by walking
/// the rounds in order (see docs/claim-format.md, "Rounds").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Negotiation {
    /// The round of the buyer's latest proposal still on the table (not withdrawn, not
    /// refused by us).
    pub buyer_standing: Option<usize>,
    /// We have countered the buyer's standing proposal and the buyer has not answered since.
    pub countered: bool,
    /// The round of our latest proposal still on the table (not yet answered).
    pub our_standing: Option<usize>,
    /// Our proposals the buyer turned down (by a counter-proposal or a refusal), in order.
    pub refused: Vec<usize>,
    /// The buyer's proposals, in order (withdrawn ones included).
    pub buyer_proposals: Vec<usize>,
    /// The buyer's proposals it withdrew.
    pub withdrawn: Vec<usize>,
    /// Our proposals, in order.
    pub our_proposals: Vec<usize>,
    /// The claim is settled: the accepting round and the accepted proposal's round.
    pub settled: Option<(usize, usize)>,
    /// Our request for evidence not yet answered by evidence.
    pub evidence_pending: Option<usize>,
}

impl Negotiation {
    /// Walks a claim's rounds.
    pub fn of(claim: &Claim) -> Negotiation {
        let mut n = Negotiation::default();
        for (i, r) in claim.rounds.iter().enumerate() {
            match (r.by, r.kind()) {
                (Party::Buyer, RoundKind::Propose) => {
                    if let Some(j) = n.our_standing.take() {
                        n.refused.push(j);
                    }
                    n.buyer_standing = Some(i);
                    n.buyer_proposals.push(i);
                    n.countered = false;
                }
                (Party::Seller, RoundKind::Propose) => {
                    if n.buyer_standing.is_some() {
                        n.countered = true;
                    }
                    n.our_standing = Some(i);
                    n.our_proposals.push(i);
                }
                (Party::Buyer, RoundKind::Refuse) => {
                    if let Some(j) = n.our_standing.take() {
                        n.refused.push(j);
                    }
                    n.countered = false;
                }
                (Party::Seller, RoundKind::Refuse) => {
                    n.buyer_standing = None;
                    n.countered = false;
                }
                (Party::Buyer, RoundKind::Accept) => {
                    if let Some(j) = n.our_standing {
                        n.settled = Some((i, j));
                    }
                }
                (Party::Seller, RoundKind::Accept) => {
                    if let Some(j) = n.buyer_standing {
                        n.settled = Some((i, j));
                    }
                }
                (Party::Buyer, RoundKind::Withdraw) => {
                    if let Some(j) = n.buyer_standing.take() {
                        n.withdrawn.push(j);
                    }
                    n.countered = false;
                }
                (Party::Seller, RoundKind::Withdraw) => n.our_standing = None,
                (Party::Seller, RoundKind::RequestEvidence) => n.evidence_pending = Some(i),
                (Party::Buyer, RoundKind::RequestEvidence) => {}
                (_, RoundKind::Evidence) => {
                    if r.by == Party::Buyer {
                        n.evidence_pending = None;
                    }
                }
            }
        }
        n
    }

    /// The buyer's proposal that may be accepted now: standing and not countered since.
    pub fn acceptable(&self) -> Option<usize> {
        if self.settled.is_some() || self.countered {
            None
        } else {
            self.buyer_standing
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn march(day: u8) -> Date {
        Date::from_calendar_date(2024, time::Month::March, day).unwrap_or(Date::MIN)
    }

    fn claim(rounds: Vec<Round>) -> Claim {
        let mut c = Claim::blank();
        c.received = march(1);
        c.ask = Ask {
            remedy: Remedy::Refund,
            amount: Money::from(1000),
        };
        c.rounds = rounds;
        c
    }

    fn propose(day: u8, by: Party, amount: i64) -> Round {
        let on = march(day);
        Round::propose(on, by, Remedy::Refund, Money::from(amount))
    }

    fn answer(day: u8, by: Party, kind: RoundKind) -> Round {
        let on = march(day);
        Round::answer(on, by, kind)
    }

    use Party::{Buyer, Seller};

    #[test]
    fn the_opening_claim_is_not_a_proposal_to_accept_but_a_counter_is() {
        let c = claim(vec![propose(1, Buyer, 1000)]);
        assert_eq!(c.standing_proposal(), None);
        let c = claim(vec![
            propose(1, Buyer, 1000),
            propose(2, Seller, 400),
            propose(3, Buyer, 800),
        ]);
        assert_eq!(
            c.standing_proposal().and_then(Round::terms).map(|t| t.1),
            Some(Money::from(800))
        );
        let n = c.negotiation();
        assert_eq!(n.refused, vec![1], "the counter turned our offer down");
        assert_eq!(n.buyer_proposals, vec![0, 2]);
    }

    #[test]
    fn a_countered_proposal_is_off_the_table_until_the_buyer_answers() {
        let mut rounds = vec![
            propose(1, Buyer, 1000),
            propose(2, Seller, 400),
            propose(3, Buyer, 800),
            propose(4, Seller, 500),
        ];
        assert_eq!(claim(rounds.clone()).standing_proposal(), None);
        // The buyer refuses our counter: its 800 is on the table again.
        rounds.push(answer(5, Buyer, RoundKind::Refuse));
        let c = claim(rounds.clone());
        assert_eq!(
            c.standing_proposal().and_then(Round::terms).map(|t| t.1),
            Some(Money::from(800))
        );
        assert_eq!(c.negotiation().refused, vec![1, 3]);
        // It withdraws it: nothing of the buyer's is on the table.
        rounds.push(answer(6, Buyer, RoundKind::Withdraw));
        let c = claim(rounds);
        assert_eq!(c.standing_proposal(), None);
        assert_eq!(c.negotiation().withdrawn, vec![2]);
    }

    #[test]
    fn an_acceptance_settles_the_claim_on_the_accepted_proposal() {
        let c = claim(vec![
            propose(1, Buyer, 1000),
            propose(2, Seller, 600),
            answer(3, Buyer, RoundKind::Accept),
        ]);
        assert_eq!(c.negotiation().settled, Some((2, 1)));
        assert_eq!(c.standing_proposal(), None);
        let c = claim(vec![
            propose(1, Buyer, 1000),
            propose(2, Seller, 600),
            propose(3, Buyer, 700),
            answer(4, Seller, RoundKind::Accept),
        ]);
        assert_eq!(c.negotiation().settled, Some((3, 2)));
    }

    #[test]
    fn our_refusal_takes_the_buyers_proposal_off_the_table_and_evidence_answers_a_request() {
        let c = claim(vec![
            propose(1, Buyer, 1000),
            propose(2, Seller, 600),
            propose(3, Buyer, 900),
            answer(4, Seller, RoundKind::Refuse),
            answer(5, Seller, RoundKind::RequestEvidence),
        ]);
        let n = c.negotiation();
        assert_eq!((n.buyer_standing, n.evidence_pending), (None, Some(4)));
        let mut rounds = c.rounds.clone();
        rounds.push(answer(6, Buyer, RoundKind::Evidence));
        assert_eq!(claim(rounds).negotiation().evidence_pending, None);
    }
}
