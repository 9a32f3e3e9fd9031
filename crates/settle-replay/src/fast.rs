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
    let refs: Vec<(usize, &Round)> = rounds.iter().enumerate().collect();
    if !Draft::check_rounds(&refs).is_empty() {
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

/// Each section's claim fields by key, in file order (the order writers use, so a scan meets
/// the next key early), worked out once from the schema.
fn keys() -> &'static [Vec<(&'static str, Field)>] {
    static KEYS: std::sync::OnceLock<Vec<Vec<(&'static str, Field)>>> = std::sync::OnceLock::new();
    KEYS.get_or_init(|| {
        Section::ALL
            .iter()
            .map(|&section| {
                let v: Vec<(&'static str, Field)> = Field::CLAIM
                    .iter()
                    .filter(|f| f.section() == section)
                    .map(|&f| {
                        let name = f.name();
                        (name.rsplit_once('.').map_or(name, |(_, k)| k), f)
                    })
                    .collect();
                v
            })
            .collect()
    })
}

/// The claim field `key` of `section`: a scan of that section's keys, lengths compared first
/// (most keys differ in length, so few bytes are ever compared).
fn field_in(section: Section, key: &str) -> Option<Field> {
    let key = key.as_bytes();
    keys()[section as usize]
        .iter()
        .find(|(k, _)| k.len() == key.len() && k.as_bytes() == key)
        .map(|(_, f)| *f)
}

fn section_named(key: &str) -> Option<Section> {
    Section::ALL
        .iter()
        .copied()
        .find(|s| *s != Section::Top && s.key() == key)
}

/// What a key names, resolved as it is read (without copying the key).
#[derive(Clone, Copy)]
enum Key {
    Field(Field),
    Section(Section),
    Round,
    Outcome,
    /// A key the claim format does not have.
    Unknown,
}

/// Reads a key of a claim's table `section` (the top level, or a section) and resolves it.
struct KeySeed(Section);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
        if let Some(f) = field_in(self.0, key) {
            return Ok(Key::Field(f));
        }
        if self.0 != Section::Top {
            return Ok(Key::Unknown);
        }
        Ok(match key {
            "round" => Key::Round,
            "outcome" => Key::Outcome,
            _ => section_named(key).map_or(Key::Unknown, Key::Section),
        })
    }
}

/// Reads a key of a sub-table whose fields are a schema part, as the field's position.
struct PartKey<P>(std::marker::PhantomData<P>);

impl<'de, P: Part> DeserializeSeed<'de> for PartKey<P> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de, P: Part> Visitor<'de> for PartKey<P> {
    type Value = Option<usize>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }

    fn visit_str<E: de::Error>(self, key: &str) -> Result<Option<usize>, E> {
        Ok(P::ALL.iter().position(|f| f.key() == key))
    }
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
        while let Some(key) = map.next_key_seed(KeySeed(Section::Top))? {
            match key {
                Key::Field(f) => {
                    set_once(&mut doc.draft, f, map.next_value_seed(ValueSeed(kind(f)))?)?
                }
                Key::Section(s) if !doc.sections.contains(&s) => {
                    doc.sections.push(s);
                    map.next_value_seed(SectionSeed(s, &mut doc.draft))?;
                }
                Key::Round if !doc.seen_rounds => {
                    doc.seen_rounds = true;
                    map.next_value_seed(RoundsSeed(doc))?;
                }
                Key::Outcome if doc.outcome.is_none() => {
                    doc.outcome = Some(map.next_value_seed(OutcomeSeed)?);
                }
                _ => return Err(de::Error::custom("an unknown or repeated key")),
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
        while let Some(key) = map.next_key_seed(KeySeed(section))? {
            let Key::Field(f) = key else {
                return Err(de::Error::custom("an unknown field"));
            };
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
            kind: None,
            remedy: None,
            amount: None,
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
        while let Some(key) = map.next_key_seed(PartKey::<P>(std::marker::PhantomData))? {
            let i = key.ok_or_else(|| de::Error::custom("an unknown field"))?;
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
