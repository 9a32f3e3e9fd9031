//! Rule conditions: a conjunction of typed tests on schema fields, as a decision table row
//! reads them. Tests are sets and intervals, so overlap and shadowing are decidable.

use crate::schema::{Fact, Facts, Field};
use rust_decimal::Decimal;

/// One end of a numeric interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// The bound's value.
    pub value: Decimal,
    /// Whether the value itself is inside.
    pub inclusive: bool,
}

/// A numeric interval; `None` is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Interval {
    /// The lower bound.
    pub lo: Option<Bound>,
    /// The upper bound.
    pub hi: Option<Bound>,
}

impl Interval {
    /// Whether `x` lies in the interval.
    pub fn contains(&self, x: Decimal) -> bool {
        let above = match self.lo {
            None => true,
            Some(b) => x > b.value || (b.inclusive && x == b.value),
        };
        let below = match self.hi {
            None => true,
            Some(b) => x < b.value || (b.inclusive && x == b.value),
        };
        above && below
    }

    /// Whether no number satisfies the interval (e.g. `> 5 and < 3`).
    pub fn is_empty(&self) -> bool {
        match (self.lo, self.hi) {
            (Some(lo), Some(hi)) => {
                lo.value > hi.value || (lo.value == hi.value && !(lo.inclusive && hi.inclusive))
            }
            _ => false,
        }
    }

    /// The interval of numbers in both.
    pub fn intersect(&self, other: &Interval) -> Interval {
        let lo = match (self.lo, other.lo) {
            (None, b) | (b, None) => b,
            (Some(a), Some(b)) => Some(
                if a.value > b.value || (a.value == b.value && !a.inclusive) {
                    a
                } else {
                    b
                },
            ),
        };
        let hi = match (self.hi, other.hi) {
            (None, b) | (b, None) => b,
            (Some(a), Some(b)) => Some(
                if a.value < b.value || (a.value == b.value && !a.inclusive) {
                    a
                } else {
                    b
                },
            ),
        };
        Interval { lo, hi }
    }

    /// Whether every number in `self` is also in `other`.
    pub fn within(&self, other: &Interval) -> bool {
        let lo_ok = match (other.lo, self.lo) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(o), Some(s)) => {
                s.value > o.value || (s.value == o.value && (o.inclusive || !s.inclusive))
            }
        };
        let hi_ok = match (other.hi, self.hi) {
            (None, _) => true,
            (Some(_), None) => false,
            (Some(o), Some(s)) => {
                s.value < o.value || (s.value == o.value && (o.inclusive || !s.inclusive))
            }
        };
        lo_ok && hi_ok
    }
}

/// A test on one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Test {
    /// The boolean field equals this.
    Bool(bool),
    /// The enum field is one of these (bit `i` set means the `i`-th name).
    OneOf(u32),
    /// The text field is (or, negated, is not) one of these.
    Text {
        /// The names.
        values: Vec<String>,
        /// Whether the field must be none of them.
        negated: bool,
    },
    /// The numeric field lies in this interval.
    Range(Interval),
}

impl Test {
    /// Whether the fact passes the test. An absent fact passes only a negated text test.
    pub fn matches(&self, fact: Fact<'_>) -> bool {
        match (self, fact) {
            (Test::Bool(want), Fact::Bool(got)) => *want == got,
            (Test::OneOf(mask), Fact::Sym(i)) => mask & (1 << i) != 0,
            (Test::Text { values, negated }, Fact::Text(t)) => {
                values.iter().any(|v| v == t) != *negated
            }
            (Test::Text { negated, .. }, Fact::Absent) => *negated,
            (Test::Range(iv), Fact::Num(x)) => iv.contains(x),
            _ => false,
        }
    }

    /// Whether some value passes both tests (assuming both are on the same field).
    pub fn overlaps(&self, other: &Test) -> bool {
        match (self, other) {
            (Test::Bool(a), Test::Bool(b)) => a == b,
            (Test::OneOf(a), Test::OneOf(b)) => a & b != 0,
            (Test::Range(a), Test::Range(b)) => !a.intersect(b).is_empty(),
            (
                Test::Text {
                    values: a,
                    negated: na,
                },
                Test::Text {
                    values: b,
                    negated: nb,
                },
            ) => match (na, nb) {
                (false, false) => a.iter().any(|x| b.contains(x)),
                (false, true) => a.iter().any(|x| !b.contains(x)),
                (true, false) => b.iter().any(|x| !a.contains(x)),
                (true, true) => true,
            },
            _ => false,
        }
    }

    /// The test both must pass, on the same field: `None` when no value passes both.
    pub fn intersect(&self, other: &Test) -> Option<Test> {
        let out = match (self, other) {
            (Test::Bool(a), Test::Bool(b)) => (a == b).then_some(Test::Bool(*a))?,
            (Test::OneOf(a), Test::OneOf(b)) => Some(a & b).filter(|m| *m != 0).map(Test::OneOf)?,
            (Test::Range(a), Test::Range(b)) => Some(a.intersect(b))
                .filter(|iv| !iv.is_empty())
                .map(Test::Range)?,
            (
                Test::Text {
                    values: a,
                    negated: na,
                },
                Test::Text {
                    values: b,
                    negated: nb,
                },
            ) => {
                // A listed set against another test keeps the values of the set that pass it.
                let keep = |pos: &[String], other: &[String], other_negated: bool| {
                    let v: Vec<String> = pos
                        .iter()
                        .filter(|x| other.contains(x) != other_negated)
                        .cloned()
                        .collect();
                    (!v.is_empty()).then_some(Test::Text {
                        values: v,
                        negated: false,
                    })
                };
                match (na, nb) {
                    (false, _) => keep(a, b, *nb)?,
                    (true, false) => keep(b, a, true)?,
                    (true, true) => {
                        let mut v = a.clone();
                        v.extend(b.iter().filter(|x| !a.contains(x)).cloned());
                        Test::Text {
                            values: v,
                            negated: true,
                        }
                    }
                }
            }
            _ => return None,
        };
        Some(out)
    }

    /// Whether every value that passes `self` also passes `other`.
    pub fn within(&self, other: &Test) -> bool {
        match (self, other) {
            (Test::Bool(a), Test::Bool(b)) => a == b,
            (Test::OneOf(a), Test::OneOf(b)) => a & !b == 0,
            (Test::Range(a), Test::Range(b)) => a.is_empty() || a.within(b),
            (
                Test::Text {
                    values: a,
                    negated: na,
                },
                Test::Text {
                    values: b,
                    negated: nb,
                },
            ) => match (na, nb) {
                (false, false) => a.iter().all(|x| b.contains(x)),
                (false, true) => a.iter().all(|x| !b.contains(x)),
                (true, false) => false,
                (true, true) => b.iter().all(|x| a.contains(x)),
            },
            _ => false,
        }
    }
}

/// A row's condition: every test must pass. No tests means "always".
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Condition {
    tests: Vec<(Field, Test)>,
}

impl Condition {
    /// A condition from its tests, sorted by field so that equal conditions compare equal.
    /// The loader guarantees at most one test per field and that each test fits its field's type.
    pub fn new(mut tests: Vec<(Field, Test)>) -> Self {
        tests.sort_by_key(|(f, _)| *f);
        Condition { tests }
    }

    /// The tests, sorted by field.
    pub fn tests(&self) -> &[(Field, Test)] {
        &self.tests
    }

    /// Whether every test passes on these facts.
    #[inline]
    pub fn matches(&self, facts: &Facts<'_>) -> bool {
        self.tests
            .iter()
            .all(|(field, test)| test.matches(facts.get(*field)))
    }

    /// The test on a field, if the condition has one.
    pub fn test_on(&self, field: Field) -> Option<&Test> {
        self.tests.iter().find(|(f, _)| *f == field).map(|(_, t)| t)
    }

    /// Whether some claim could match both conditions (fields are treated as independent).
    pub fn overlaps(&self, other: &Condition) -> bool {
        self.tests
            .iter()
            .all(|(field, test)| match other.test_on(*field) {
                Some(t) => test.overlaps(t),
                None => true,
            })
    }

    /// The condition both must hold: `None` when no claim can match both.
    pub fn and(&self, other: &Condition) -> Option<Condition> {
        let mut tests: Vec<(Field, Test)> = Vec::new();
        for (f, t) in self.tests.iter().chain(&other.tests) {
            match tests.iter_mut().find(|(g, _)| g == f) {
                None => tests.push((*f, t.clone())),
                Some((_, existing)) => *existing = existing.intersect(t)?,
            }
        }
        Some(Condition::new(tests))
    }

    /// Whether every claim matching `self` also matches `other`.
    pub fn within(&self, other: &Condition) -> bool {
        other
            .tests
            .iter()
            .all(|(field, theirs)| match self.test_on(*field) {
                Some(mine) => mine.within(theirs),
                None => false,
            })
    }
}

impl Test {
    /// The test in the rule language's own words, e.g. `share.seller >= 0.5`.
    pub fn describe(&self, field: Field) -> String {
        let name = field.name();
        match self {
            Test::Bool(b) => format!("{name} = {b}"),
            Test::OneOf(mask) => {
                let names: Vec<&str> = match field.ty() {
                    crate::schema::FieldType::Enum(all) => all
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| mask & (1 << i) != 0)
                        .map(|(_, n)| *n)
                        .collect(),
                    _ => Vec::new(),
                };
                if names.len() == 1 {
                    format!("{name} = {}", names[0])
                } else {
                    format!("{name} in [{}]", names.join(", "))
                }
            }
            Test::Text { values, negated } => {
                let op = if *negated { "not in" } else { "in" };
                if values.len() == 1 {
                    format!("{name} {} {}", if *negated { "!=" } else { "=" }, values[0])
                } else {
                    format!("{name} {op} [{}]", values.join(", "))
                }
            }
            Test::Range(iv) => match (iv.lo, iv.hi) {
                (Some(l), Some(h)) if l.value == h.value && l.inclusive && h.inclusive => {
                    format!("{name} = {}", l.value.normalize())
                }
                (lo, hi) => {
                    let mut parts = Vec::new();
                    if let Some(l) = lo {
                        parts.push(format!(
                            "{} {}",
                            if l.inclusive { ">=" } else { ">" },
                            l.value.normalize()
                        ));
                    }
                    if let Some(h) = hi {
                        parts.push(format!(
                            "{} {}",
                            if h.inclusive { "<=" } else { "<" },
                            h.value.normalize()
                        ));
                    }
                    format!("{name} {}", parts.join(" and "))
                }
            },
        }
    }
}

impl Condition {
    /// The condition in the rule language's own words; `always` when it has no tests.
    pub fn describe(&self) -> String {
        if self.tests.is_empty() {
            return "always".to_string();
        }
        self.tests
            .iter()
            .map(|(f, t)| t.describe(*f))
            .collect::<Vec<_>>()
            .join(" and ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(lo: Option<(i64, bool)>, hi: Option<(i64, bool)>) -> Interval {
        let b = |(v, inclusive): (i64, bool)| Bound {
            value: Decimal::from(v),
            inclusive,
        };
        Interval {
            lo: lo.map(b),
            hi: hi.map(b),
        }
    }

    #[test]
    fn intervals_meet_and_nest_by_their_bounds() {
        let ge2 = iv(Some((2, true)), None);
        let lt2 = iv(None, Some((2, false)));
        let le2 = iv(None, Some((2, true)));
        assert!(ge2.intersect(&lt2).is_empty());
        assert!(!ge2.intersect(&le2).is_empty());
        assert!(iv(Some((3, true)), Some((5, false))).within(&ge2));
        assert!(!ge2.within(&iv(Some((2, false)), None)));
        assert!(iv(Some((2, false)), None).within(&ge2));
        assert!(ge2.contains(Decimal::from(2)) && !lt2.contains(Decimal::from(2)));
    }

    #[test]
    fn text_tests_intersect_as_sets() {
        let t = |values: &[&str], negated| Test::Text {
            values: values.iter().map(|v| v.to_string()).collect(),
            negated,
        };
        let (ab, bc) = (t(&["a", "b"], false), t(&["b", "c"], false));
        assert_eq!(ab.intersect(&bc), Some(t(&["b"], false)));
        assert_eq!(ab.intersect(&t(&["c"], false)), None);
        // A listed set against "none of" keeps the listed values that are not excluded.
        assert_eq!(ab.intersect(&t(&["a"], true)), Some(t(&["b"], false)));
        assert_eq!(t(&["a"], true).intersect(&ab), Some(t(&["b"], false)));
        assert_eq!(ab.intersect(&t(&["a", "b"], true)), None);
        // Two "none of" tests exclude both lists.
        assert_eq!(
            t(&["a", "b"], true).intersect(&t(&["b", "c"], true)),
            Some(t(&["a", "b", "c"], true))
        );
    }

    #[test]
    fn conditions_describe_themselves_in_the_rule_language() {
        let b = |value: i64, inclusive| {
            Some(Bound {
                value: Decimal::new(value, 1),
                inclusive,
            })
        };
        let c = Condition::new(vec![
            (
                Field::ShareSeller,
                Test::Range(Interval {
                    lo: b(5, true),
                    hi: None,
                }),
            ),
            (Field::ProblemKind, Test::OneOf(0b1000001)),
            (Field::EvidenceCarrierNoted, Test::Bool(false)),
            (
                Field::DaysOpen,
                Test::Range(Interval {
                    lo: b(30, true),
                    hi: b(30, true),
                }),
            ),
        ]);
        assert_eq!(
            c.describe(),
            // Tests are listed in schema order.
            "problem.kind in [quality_defect, safety] and evidence.carrier_noted = false and days.open = 3 and share.seller >= 0.5"
        );
        assert_eq!(Condition::default().describe(), "always");
    }

    #[test]
    fn text_tests_overlap_by_sets_and_negation() {
        let t = |v: &[&str], negated| Test::Text {
            values: v.iter().map(|s| s.to_string()).collect(),
            negated,
        };
        assert!(t(&["a"], false).overlaps(&t(&["a", "b"], false)));
        assert!(!t(&["a"], false).overlaps(&t(&["a"], true)));
        assert!(t(&["a"], true).overlaps(&t(&["b"], true)));
        assert!(t(&["a"], false).within(&t(&["b"], true)));
        assert!(!t(&["a"], true).within(&t(&["b"], false)));
    }
}

/// A value chosen for a field while searching for a claim no condition covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sample {
    /// A boolean.
    Bool(bool),
    /// The index of an enum field's name.
    Sym(u8),
    /// A number.
    Num(Decimal),
    /// A text that a condition names.
    Text(String),
    /// Absent (e.g. no delivery date), or text none of the conditions names.
    Other,
}

impl Sample {
    fn fact(&self) -> crate::schema::Fact<'_> {
        use crate::schema::Fact;
        match self {
            Sample::Bool(b) => Fact::Bool(*b),
            Sample::Sym(i) => Fact::Sym(*i),
            Sample::Num(x) => Fact::Num(*x),
            Sample::Text(t) => Fact::Text(t.as_str()),
            Sample::Other => Fact::Text("\u{1}other"),
        }
    }

    /// The value in words.
    pub fn describe(&self, field: Field) -> String {
        match (self, field.ty()) {
            (Sample::Bool(b), _) => b.to_string(),
            (Sample::Sym(i), crate::schema::FieldType::Enum(names)) => names
                .get(usize::from(*i))
                .copied()
                .unwrap_or("?")
                .to_string(),
            (Sample::Sym(i), _) => format!("#{i}"),
            (Sample::Num(x), _) => x.normalize().to_string(),
            (Sample::Text(t), _) => t.clone(),
            (Sample::Other, _) => "anything else".to_string(),
        }
    }
}

/// The atoms of a field's domain that the tests on it can tell apart, each as a sample value.
fn atoms(field: Field, tests: &[&Test]) -> Vec<Sample> {
    use crate::schema::FieldType;
    match field.ty() {
        FieldType::Bool => vec![Sample::Bool(false), Sample::Bool(true)],
        FieldType::Enum(names) => (0..names.len() as u8).map(Sample::Sym).collect(),
        FieldType::Text => {
            let mut values: Vec<String> = tests
                .iter()
                .flat_map(|t| match t {
                    Test::Text { values, .. } => values.clone(),
                    _ => Vec::new(),
                })
                .collect();
            values.sort();
            values.dedup();
            let mut out: Vec<Sample> = values.into_iter().map(Sample::Text).collect();
            out.push(Sample::Other);
            out
        }
        FieldType::Int | FieldType::Money | FieldType::Ratio => {
            let mut cuts: Vec<Decimal> = tests
                .iter()
                .flat_map(|t| match t {
                    Test::Range(iv) => [iv.lo.map(|b| b.value), iv.hi.map(|b| b.value)]
                        .into_iter()
                        .flatten()
                        .collect(),
                    _ => Vec::new(),
                })
                .collect();
            cuts.sort();
            cuts.dedup();
            let whole = field.ty() == FieldType::Int;
            let mut out = Vec::new();
            let mut push = |x: Decimal| {
                // Claims never hold negative amounts or counts; whole-number fields hold whole numbers.
                if x >= Decimal::ZERO
                    && (!whole || x.fract().is_zero())
                    && !out.contains(&Sample::Num(x))
                {
                    out.push(Sample::Num(x));
                }
            };
            match (cuts.first(), cuts.last()) {
                (Some(first), Some(last)) => {
                    // Cuts may lie at the decimal limits (a rule may test `> 79228...`): a
                    // sample beyond a limit does not exist, so none is taken there.
                    // Below the lowest cut: halfway down to zero (amounts are never negative).
                    if whole {
                        if let Some(below) = first.checked_sub(Decimal::ONE) {
                            push(below.floor());
                        }
                    } else {
                        push(*first / Decimal::TWO);
                    }
                    for w in cuts.windows(2) {
                        push(w[0]);
                        let mid = w[0].checked_add(w[1]).map_or_else(
                            || w[0] / Decimal::TWO + w[1] / Decimal::TWO,
                            |sum| sum / Decimal::TWO,
                        );
                        push(if whole { mid.floor() } else { mid });
                        if whole && let Some(next) = w[0].checked_add(Decimal::ONE) {
                            push(next);
                        }
                    }
                    push(*last);
                    if let Some(above) = last.checked_add(Decimal::ONE) {
                        push(if whole { above.floor() } else { above });
                    }
                }
                _ => push(Decimal::ZERO),
            }
            out
        }
    }
}

/// Derived facts that constrain others: a witness that breaks them is not a real claim.
fn consistent(assigned: &[(Field, Sample)]) -> bool {
    let get = |f: Field| assigned.iter().find(|(g, _)| *g == f).map(|(_, s)| s);
    // evidence.none = true means no photos, no inspection (index 0: none), no expert view (0: none).
    if let Some(Sample::Bool(none)) = get(Field::EvidenceNone) {
        let photos = matches!(get(Field::EvidenceBuyerPhotos), Some(Sample::Bool(true)));
        let inspected = matches!(get(Field::EvidenceInspection), Some(Sample::Sym(i)) if *i != 0);
        let expert = matches!(get(Field::EvidenceExpertOpinion), Some(Sample::Sym(i)) if *i != 0);
        let all_known_absent = matches!(get(Field::EvidenceBuyerPhotos), Some(Sample::Bool(false)))
            && matches!(get(Field::EvidenceInspection), Some(Sample::Sym(0)))
            && matches!(get(Field::EvidenceExpertOpinion), Some(Sample::Sym(0)));
        if *none && (photos || inspected || expert) {
            return false;
        }
        if !*none && all_known_absent {
            return false;
        }
    }
    true
}

/// A claim (as field values) that matches `region` and none of `by`, if there is one. Fields
/// the result leaves out may take any value. Fields are treated as independent, except for the
/// derived facts a real claim ties together (`evidence.none`).
pub fn uncovered(region: &Condition, by: &[&Condition]) -> Option<Vec<(Field, Sample)>> {
    let mut fields: Vec<Field> = region.tests().iter().map(|(f, _)| *f).collect();
    for c in by {
        fields.extend(c.tests().iter().map(|(f, _)| *f));
    }
    fields.sort();
    fields.dedup();
    if fields.contains(&Field::EvidenceNone) {
        for f in [
            Field::EvidenceBuyerPhotos,
            Field::EvidenceInspection,
            Field::EvidenceExpertOpinion,
        ] {
            if !fields.contains(&f) {
                fields.push(f);
            }
        }
    }
    let mut assigned = Vec::new();
    search(&fields, region, by.to_vec(), &mut assigned)
}

fn search(
    fields: &[Field],
    region: &Condition,
    live: Vec<&Condition>,
    assigned: &mut Vec<(Field, Sample)>,
) -> Option<Vec<(Field, Sample)>> {
    // With no condition left, the rest of the region only has to be met consistently: keep
    // assigning the fields it constrains or that a derived fact ties together.
    let tied = |f: &Field| {
        region.test_on(*f).is_some()
            || matches!(
                f,
                Field::EvidenceNone
                    | Field::EvidenceBuyerPhotos
                    | Field::EvidenceInspection
                    | Field::EvidenceExpertOpinion
            )
    };
    if live.is_empty() && !fields.iter().any(tied) {
        return consistent(assigned).then(|| assigned.clone());
    }
    let Some((&field, rest)) = fields.split_first() else {
        return if live.is_empty() && consistent(assigned) {
            Some(assigned.clone())
        } else {
            None
        };
    };
    // A live condition with no test on any field still to decide matches everything here.
    if live
        .iter()
        .any(|c| c.tests().iter().all(|(f, _)| !fields.contains(f)))
    {
        return None;
    }
    let mut tests: Vec<&Test> = live.iter().filter_map(|c| c.test_on(field)).collect();
    if let Some(t) = region.test_on(field) {
        tests.push(t);
    }
    for sample in atoms(field, &tests) {
        let fact = sample.fact();
        if region.test_on(field).is_some_and(|t| !t.matches(fact)) {
            continue;
        }
        let next: Vec<&Condition> = live
            .iter()
            .copied()
            .filter(|c| c.test_on(field).is_none_or(|t| t.matches(fact)))
            .collect();
        assigned.push((field, sample));
        if let Some(w) = search(rest, region, next, assigned) {
            return Some(w);
        }
        assigned.pop();
    }
    None
}

#[cfg(test)]
mod cover_tests {
    use super::*;

    fn c(tests: Vec<(Field, Test)>) -> Condition {
        Condition::new(tests)
    }
    fn ge(x: i64) -> Test {
        Test::Range(Interval {
            lo: Some(Bound {
                value: Decimal::from(x),
                inclusive: true,
            }),
            hi: None,
        })
    }
    fn lt(x: i64) -> Test {
        Test::Range(Interval {
            lo: None,
            hi: Some(Bound {
                value: Decimal::from(x),
                inclusive: false,
            }),
        })
    }

    #[test]
    fn a_row_inside_the_union_of_earlier_rows_is_covered() {
        let a = c(vec![(Field::CustomerPastClaims, lt(3))]);
        let b = c(vec![(Field::CustomerPastClaims, ge(3))]);
        let row = c(vec![
            (Field::CustomerPastClaims, ge(1)),
            (Field::EvidenceMisuseSigns, Test::Bool(true)),
        ]);
        assert!(uncovered(&row, &[&a, &b]).is_none());
        assert!(uncovered(&row, &[&a]).is_some());
    }

    #[test]
    fn a_share_below_the_only_threshold_is_found() {
        let ratio_ge = Test::Range(Interval {
            lo: Some(Bound {
                value: Decimal::new(5, 1),
                inclusive: true,
            }),
            hi: None,
        });
        let a = c(vec![(Field::ShareSeller, ratio_ge)]);
        let w = uncovered(&Condition::default(), &[&a]).expect("a seller share below 0.5");
        assert!(matches!(&w[0], (Field::ShareSeller, Sample::Num(x)) if *x < Decimal::new(5, 1)));
    }

    /// Thresholds at the decimal limits are cut points like any other: the samples beyond them
    /// do not exist and are not taken (`rules lint` used to panic on `> 79228162514264337593543950335`).
    #[test]
    fn thresholds_at_the_decimal_limits_do_not_overflow() {
        let bound = |value: Decimal, inclusive: bool| Some(Bound { value, inclusive });
        let above = |x| {
            Test::Range(Interval {
                lo: bound(x, false),
                hi: None,
            })
        };
        let below = |x| {
            Test::Range(Interval {
                lo: None,
                hi: bound(x, true),
            })
        };
        for field in [
            Field::OrderValue,
            Field::CustomerPastClaims,
            Field::ShareSeller,
        ] {
            for (a, b) in [
                (Decimal::MAX, Decimal::MAX),
                (Decimal::MIN, Decimal::MAX),
                (Decimal::MIN, Decimal::MIN),
                (Decimal::MAX, Decimal::MAX - Decimal::ONE),
            ] {
                let x = c(vec![(field, above(a))]);
                let y = c(vec![(field, below(b))]);
                // No panic; and a claim below MAX is never covered by `> MAX` alone.
                let _ = uncovered(&Condition::default(), &[&x, &y]);
                let _ = uncovered(&x, &[&y]);
                let _ = uncovered(&y, &[&x]);
            }
            let only = c(vec![(field, above(Decimal::MAX))]);
            assert!(
                uncovered(&Condition::default(), &[&only]).is_some(),
                "{field:?}"
            );
        }
    }

    #[test]
    fn a_gap_comes_with_a_concrete_value() {
        let a = c(vec![(Field::CustomerPastClaims, lt(3))]);
        let b = c(vec![(Field::CustomerPastClaims, ge(5))]);
        let gap = uncovered(&Condition::default(), &[&a, &b]).expect("3 and 4 are not covered");
        assert_eq!(gap.len(), 1);
        match &gap[0] {
            (Field::CustomerPastClaims, Sample::Num(x)) => {
                assert!(*x >= Decimal::from(3) && *x < Decimal::from(5))
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn impossible_claims_are_not_gaps() {
        // evidence.none = true with photos cannot happen, so these two rows cover every claim.
        let a = c(vec![(Field::EvidenceNone, Test::Bool(true))]);
        let b = c(vec![(Field::EvidenceBuyerPhotos, Test::Bool(true))]);
        let d = c(vec![
            (Field::EvidenceNone, Test::Bool(false)),
            (Field::EvidenceBuyerPhotos, Test::Bool(false)),
        ]);
        assert!(uncovered(&Condition::default(), &[&a, &b, &d]).is_none());
    }
}
