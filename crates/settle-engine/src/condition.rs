//! Rule conditions: a conjunction of typed tests on schema fields, as a decision table row
//! reads them. Tests are sets and intervals, so overlap and shadowing are decidable.

use crate::schema::{Fact, Facts, Field};
use rust_decimal::Decimal;

/// One end of a numeric interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    pub value: Decimal,
    pub inclusive: bool,
}

/// A numeric interval; `None` is unbounded on that side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Interval {
    pub lo: Option<Bound>,
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
    Text { values: Vec<String>, negated: bool },
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
