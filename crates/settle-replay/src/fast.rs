//! The fast path for JSON claims: one pass of serde over the line, driven by the claim schema
//! (`settle_engine::schema`), straight into a [`Draft`], then the schema's own validation. It
//! may refuse more than the spanned reader (it then falls back to that reader, which explains
//! the problem), never accept more: a property test holds it to that.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use settle_engine::Claim;
use settle_engine::claim::{Incoterm, Outcome, Party, Remedy, Round};
use settle_engine::schema::{
    Draft, Field, Kind, OutcomeField, Presence, RoundField, Section, Value,
};
use settle_rules::{currency, read};
use std::fmt;
use std::sync::OnceLock;

/// A claim from one line of JSON, if it is valid; `None` sends the caller to the spanned reader.
pub fn parse(text: &str) -> Option<Claim> {
    let mut de = serde_json::Deserializer::from_str(text);
    let mut doc = Doc::default();
    DocSeed(&mut doc).deserialize(&mut de).ok()?;
    de.end().ok()?;
    let Doc {
        mut draft,
        rounds,
        dates,
        outcome,
        ..
    } = doc;
    if draft.missing().next().is_some() {
        return None;
    }
    draft.apply_defaults();
    if !draft.check(&dates).is_empty() {
        return None;
    }
    let mut claim = draft.claim;
    claim.rounds = rounds;
    claim.outcome = outcome;
    Some(claim)
}

/// What one line holds, as read so far.
#[derive(Default)]
struct Doc {
    draft: Draft,
    sections: Vec<Section>,
    rounds: Vec<Round>,
    dates: Vec<Option<time::Date>>,
    outcome: Option<Outcome>,
    seen_rounds: bool,
}

/// Every claim field by its section and key, worked out once.
fn fields() -> &'static [(Section, &'static str, Field)] {
    static TABLE: OnceLock<Vec<(Section, &'static str, Field)>> = OnceLock::new();
    TABLE.get_or_init(|| {
        Field::CLAIM
            .iter()
            .map(|&f| {
                let name = f.name();
                let key = name.rsplit_once('.').map_or(name, |(_, k)| k);
                (f.section(), key, f)
            })
            .collect()
    })
}

fn field_in(section: Section, key: &str) -> Option<Field> {
    fields()
        .iter()
        .find(|(s, k, _)| *s == section && *k == key)
        .map(|(_, _, f)| *f)
}

fn section_named(key: &str) -> Option<Section> {
    Section::ALL
        .iter()
        .copied()
        .find(|s| *s != Section::Top && s.key() == key)
}

/// Reads one value of a kind, as the spanned reader would accept it.
struct ValueSeed(Kind);

impl<'de> DeserializeSeed<'de> for ValueSeed {
    type Value = Value<'static>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed {
    type Value = Value<'static>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "a value of kind {:?}", self.0)
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
        let bad = || E::custom("not a value of its kind");
        match self.0 {
            Kind::Text => Ok(Value::Text(s.to_string().into())),
            Kind::Date => read::iso_date(s).map(Value::Date).ok_or_else(bad),
            Kind::Currency => currency::lookup(s).map(Value::Currency).ok_or_else(bad),
            Kind::Money => match read::parse_decimal(s) {
                Some(d) if !d.is_sign_negative() || d.is_zero() => Ok(Value::Money(d)),
                _ => Err(bad()),
            },
            Kind::Vocab(names) => names
                .iter()
                .position(|n| *n == s)
                .map(|i| Value::Sym(i as u8))
                .ok_or_else(bad),
            Kind::Incoterm => Incoterm::read(s)
                .map(|t| Value::Sym(t.index() as u8))
                .ok_or_else(bad),
            Kind::Count(_) | Kind::Bool => Err(bad()),
        }
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Self::Value, E> {
        match self.0 {
            Kind::Count(max) if n <= max => Ok(Value::Count(n)),
            Kind::Money => Ok(Value::Money(n.into())),
            _ => Err(E::custom("not a value of its kind")),
        }
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Self::Value, E> {
        match u64::try_from(n) {
            Ok(n) => self.visit_u64(n),
            Err(_) => Err(E::custom("negative")),
        }
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Self::Value, E> {
        match self.0 {
            Kind::Bool => Ok(Value::Bool(b)),
            _ => Err(E::custom("not a value of its kind")),
        }
    }
}

/// The top level of a claim.
struct DocSeed<'a>(&'a mut Doc);

impl<'de> DeserializeSeed<'de> for DocSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for DocSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a claim")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let doc = self.0;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let key = key.as_ref();
            if let Some(f) = field_in(Section::Top, key) {
                set_once(&mut doc.draft, f, map.next_value_seed(ValueSeed(kind(f)))?)?;
            } else if let Some(s) = section_named(key) {
                if doc.sections.contains(&s) {
                    return Err(de::Error::custom("a section given twice"));
                }
                doc.sections.push(s);
                map.next_value_seed(SectionSeed(s, &mut doc.draft))?;
            } else if key == "round" && !doc.seen_rounds {
                doc.seen_rounds = true;
                map.next_value_seed(RoundsSeed(doc))?;
            } else if key == "outcome" && doc.outcome.is_none() {
                doc.outcome = Some(map.next_value_seed(OutcomeSeed)?);
            } else {
                return Err(de::Error::custom("an unknown or repeated key"));
            }
        }
        // Every section must be there, even when all its fields have defaults.
        if Section::ALL
            .iter()
            .any(|s| *s != Section::Top && !doc.sections.contains(s))
        {
            return Err(de::Error::custom("a missing section"));
        }
        Ok(())
    }
}

fn kind(f: Field) -> Kind {
    // Claim fields always have a kind.
    f.kind().unwrap_or(Kind::Text)
}

fn set_once<E: de::Error>(draft: &mut Draft, f: Field, v: Value<'static>) -> Result<(), E> {
    if draft.given(f) || !draft.set(f, v) {
        return Err(E::custom("a repeated or mistyped field"));
    }
    Ok(())
}

/// One section's table.
struct SectionSeed<'a>(Section, &'a mut Draft);

impl<'de> DeserializeSeed<'de> for SectionSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for SectionSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a section of a claim")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let SectionSeed(section, draft) = self;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let f = field_in(section, key.as_ref())
                .ok_or_else(|| de::Error::custom("an unknown field"))?;
            set_once(draft, f, map.next_value_seed(ValueSeed(kind(f)))?)?;
        }
        Ok(())
    }
}

/// The `round` list.
struct RoundsSeed<'a>(&'a mut Doc);

impl<'de> DeserializeSeed<'de> for RoundsSeed<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RoundsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of rounds")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(r) = seq.next_element_seed(PartSeed::<RoundField>::new())? {
            self.0.dates.push(Some(r.on));
            self.0.rounds.push(r);
        }
        Ok(())
    }
}

/// The `outcome` table.
struct OutcomeSeed;

impl<'de> DeserializeSeed<'de> for OutcomeSeed {
    type Value = Outcome;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Outcome, D::Error> {
        PartSeed::<OutcomeField>::new().deserialize(d)
    }
}

/// A sub-table whose fields are a schema part (a round, the outcome).
trait Part: Copy + 'static {
    type Of;
    const ALL: &'static [Self];
    fn blank() -> Self::Of;
    fn key(self) -> &'static str;
    fn kind(self) -> Kind;
    fn required(self) -> bool;
    fn set(self, x: &mut Self::Of, v: Value<'_>) -> bool;
}

impl Part for RoundField {
    type Of = Round;
    const ALL: &'static [Self] = RoundField::ALL;
    fn blank() -> Round {
        Round {
            on: time::Date::MIN,
            by: Party::Buyer,
            remedy: Remedy::Refund,
            amount: settle_engine::Money::ZERO,
            note: None,
        }
    }
    fn key(self) -> &'static str {
        RoundField::key(self)
    }
    fn kind(self) -> Kind {
        RoundField::kind(self)
    }
    fn required(self) -> bool {
        matches!(RoundField::presence(self), Presence::Required)
    }
    fn set(self, x: &mut Round, v: Value<'_>) -> bool {
        RoundField::set(self, x, v)
    }
}

impl Part for OutcomeField {
    type Of = Outcome;
    const ALL: &'static [Self] = OutcomeField::ALL;
    fn blank() -> Outcome {
        Outcome {
            remedy: Remedy::Refund,
            amount: settle_engine::Money::ZERO,
            cost: settle_engine::Money::ZERO,
            closed: time::Date::MIN,
            retained: false,
        }
    }
    fn key(self) -> &'static str {
        OutcomeField::key(self)
    }
    fn kind(self) -> Kind {
        OutcomeField::kind(self)
    }
    fn required(self) -> bool {
        matches!(OutcomeField::presence(self), Presence::Required)
    }
    fn set(self, x: &mut Outcome, v: Value<'_>) -> bool {
        OutcomeField::set(self, x, v)
    }
}

struct PartSeed<P>(std::marker::PhantomData<P>);

impl<P> PartSeed<P> {
    fn new() -> Self {
        PartSeed(std::marker::PhantomData)
    }
}

impl<'de, P: Part> DeserializeSeed<'de> for PartSeed<P> {
    type Value = P::Of;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<P::Of, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, P: Part> Visitor<'de> for PartSeed<P> {
    type Value = P::Of;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a table of a claim")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<P::Of, A::Error> {
        let mut x = P::blank();
        let mut given = [false; 16];
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let i = P::ALL
                .iter()
                .position(|f| f.key() == key.as_ref())
                .ok_or_else(|| de::Error::custom("an unknown field"))?;
            let f = P::ALL[i];
            let v = map.next_value_seed(ValueSeed(f.kind()))?;
            if given[i] || !f.set(&mut x, v) {
                return Err(de::Error::custom("a repeated or mistyped field"));
            }
            given[i] = true;
        }
        if P::ALL
            .iter()
            .enumerate()
            .any(|(i, f)| f.required() && !given[i])
        {
            return Err(de::Error::custom("a missing field"));
        }
        Ok(x)
    }
}
