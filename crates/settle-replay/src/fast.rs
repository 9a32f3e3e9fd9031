//! The fast path for JSON claims: serde straight into file-shaped structs, then the same
//! checks as `settle_rules::claim_file`. It may refuse more than the spanned reader (it then
//! falls back to that reader, which explains the problem), never accept more: a property
//! test holds it to that.

use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use settle_engine::Claim;
use settle_engine::claim::*;
use settle_rules::claim_file::{MAX_COUNT, MAX_YEARS};
use settle_rules::{currency, read};

/// Money: a plain decimal string or a JSON integer, never negative; floats are refused.
#[derive(Debug, Clone, Copy)]
struct MoneyDoc(Decimal);

impl<'de> Deserialize<'de> for MoneyDoc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = MoneyDoc;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("money as a decimal string or an integer")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<MoneyDoc, E> {
                match read::parse_decimal(s) {
                    Some(d) if !d.is_sign_negative() || d.is_zero() => Ok(MoneyDoc(d)),
                    _ => Err(E::custom("not an amount")),
                }
            }
            fn visit_u64<E: de::Error>(self, n: u64) -> Result<MoneyDoc, E> {
                Ok(MoneyDoc(Decimal::from(n)))
            }
            fn visit_i64<E: de::Error>(self, n: i64) -> Result<MoneyDoc, E> {
                if n < 0 {
                    Err(E::custom("negative"))
                } else {
                    Ok(MoneyDoc(Decimal::from(n)))
                }
            }
        }
        d.deserialize_any(V)
    }
}

/// A `YYYY-MM-DD` string.
#[derive(Debug, Clone, Copy)]
struct DateDoc(time::Date);

impl<'de> Deserialize<'de> for DateDoc {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s: &str = Deserialize::deserialize(d)?;
        read::iso_date(s)
            .map(DateDoc)
            .ok_or_else(|| de::Error::custom("not a date"))
    }
}

/// An optional field: absent is `None`; `null` is refused, as the spanned reader refuses it.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

macro_rules! name_doc {
    ($doc:ident, $ty:ty) => {
        #[derive(Debug, Clone, Copy)]
        struct $doc($ty);
        impl<'de> Deserialize<'de> for $doc {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s: &str = Deserialize::deserialize(d)?;
                <$ty>::parse(s)
                    .map($doc)
                    .ok_or_else(|| de::Error::custom("not a known name"))
            }
        }
    };
}
name_doc!(RelationshipDoc, Relationship);
name_doc!(StageDoc, Stage);
name_doc!(KindDoc, ProblemKind);
name_doc!(SeverityDoc, Severity);
name_doc!(InspectionDoc, Inspection);
name_doc!(QcDoc, QcRecord);
name_doc!(ExpertDoc, ExpertOpinion);
name_doc!(RemedyDoc, Remedy);
name_doc!(PartyDoc, Party);

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CustomerDoc {
    name: String,
    relationship: RelationshipDoc,
    annual_purchases: MoneyDoc,
    years: u64,
    past_claims: u64,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OrderDoc {
    #[serde(default, deserialize_with = "present")]
    number: Option<String>,
    value: MoneyDoc,
    paid: MoneyDoc,
    quantity: u64,
    unit_cost: MoneyDoc,
    #[serde(default, deserialize_with = "present")]
    incoterm: Option<String>,
    stage: StageDoc,
    #[serde(default, deserialize_with = "present")]
    delivered: Option<DateDoc>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProblemDoc {
    kind: KindDoc,
    summary: String,
    category: String,
    affected: u64,
    severity: SeverityDoc,
    repairable: bool,
    still_needed: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceDoc {
    buyer_photos: bool,
    inspection: InspectionDoc,
    our_qc: QcDoc,
    spec_in_contract: bool,
    spec_from_buyer: bool,
    carrier_noted: bool,
    misuse_signs: bool,
    buyer_changes: bool,
    buyer_paid_late: bool,
    progress_updates: bool,
    expert_opinion: ExpertDoc,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AskDoc {
    remedy: RemedyDoc,
    amount: MoneyDoc,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoundDoc {
    on: DateDoc,
    by: PartyDoc,
    remedy: RemedyDoc,
    amount: MoneyDoc,
    #[serde(default, deserialize_with = "present")]
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutcomeDoc {
    remedy: RemedyDoc,
    amount: MoneyDoc,
    cost: MoneyDoc,
    closed: DateDoc,
    retained: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ClaimDoc {
    id: String,
    received: DateDoc,
    #[serde(default, deserialize_with = "present")]
    as_of: Option<DateDoc>,
    currency: String,
    customer: CustomerDoc,
    order: OrderDoc,
    problem: ProblemDoc,
    evidence: EvidenceDoc,
    ask: AskDoc,
    #[serde(default, deserialize_with = "present")]
    round: Option<Vec<RoundDoc>>,
    #[serde(default, deserialize_with = "present")]
    outcome: Option<OutcomeDoc>,
}

/// A claim from one line of JSON, if it is valid; `None` sends the caller to the spanned reader.
pub fn parse(text: &str) -> Option<Claim> {
    let doc: ClaimDoc = serde_json::from_str(text).ok()?;
    let currency = currency::lookup(&doc.currency)?;
    let c = doc.customer;
    let o = doc.order;
    let p = doc.problem;
    let e = doc.evidence;
    if c.years > MAX_YEARS
        || c.past_claims > MAX_COUNT
        || o.quantity > MAX_COUNT
        || p.affected > MAX_COUNT
    {
        return None;
    }
    if o.paid.0 > o.value.0 || p.affected > o.quantity {
        return None;
    }
    let rounds: Vec<Round> = doc
        .round
        .unwrap_or_default()
        .into_iter()
        .map(|r| Round {
            on: r.on.0,
            by: r.by.0,
            remedy: r.remedy.0,
            amount: r.amount.0,
            note: r.note,
        })
        .collect();
    let received = doc.received.0;
    if rounds.iter().any(|r| r.on < received) || rounds.windows(2).any(|w| w[1].on < w[0].on) {
        return None;
    }
    Some(Claim {
        id: doc.id,
        received,
        as_of: doc.as_of.map(|d| d.0),
        currency,
        customer: Customer {
            name: c.name,
            relationship: c.relationship.0,
            annual_purchases: c.annual_purchases.0,
            years: c.years as u32,
            past_claims: c.past_claims as u32,
        },
        order: Order {
            number: o.number,
            value: o.value.0,
            paid: o.paid.0,
            quantity: o.quantity,
            unit_cost: o.unit_cost.0,
            incoterm: o.incoterm,
            stage: o.stage.0,
            delivered: o.delivered.map(|d| d.0),
        },
        problem: Problem {
            kind: p.kind.0,
            summary: p.summary,
            category: p.category,
            affected: p.affected,
            severity: p.severity.0,
            repairable: p.repairable,
            still_needed: p.still_needed,
        },
        evidence: Evidence {
            buyer_photos: e.buyer_photos,
            inspection: e.inspection.0,
            our_qc: e.our_qc.0,
            spec_in_contract: e.spec_in_contract,
            spec_from_buyer: e.spec_from_buyer,
            carrier_noted: e.carrier_noted,
            misuse_signs: e.misuse_signs,
            buyer_changes: e.buyer_changes,
            buyer_paid_late: e.buyer_paid_late,
            progress_updates: e.progress_updates,
            expert_opinion: e.expert_opinion.0,
        },
        ask: Ask {
            remedy: doc.ask.remedy.0,
            amount: doc.ask.amount.0,
        },
        rounds,
        outcome: doc.outcome.map(|x| Outcome {
            remedy: x.remedy.0,
            amount: x.amount.0,
            cost: x.cost.0,
            closed: x.closed.0,
            retained: x.retained,
        }),
    })
}
