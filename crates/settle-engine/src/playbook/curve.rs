//! Shares, the responsibility split, and curves: the numbers in [0, 1] a rule set is made of,
//! whose constructors enforce their ranges.

use rust_decimal::Decimal;

/// A number between 0 and 1 inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Share(pub(crate) Decimal);

/// A value outside [0, 1] where a share or probability was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0} is outside [0, 1]")]
pub struct OutOfUnit(pub Decimal);

impl Share {
    /// Zero.
    pub const ZERO: Share = Share(Decimal::ZERO);
    /// One.
    pub const ONE: Share = Share(Decimal::ONE);

    /// A share, if `value` lies in [0, 1].
    pub fn new(value: Decimal) -> Result<Share, OutOfUnit> {
        if value < Decimal::ZERO || value > Decimal::ONE {
            Err(OutOfUnit(value))
        } else {
            Ok(Share(value))
        }
    }

    /// Clamps into [0, 1]; for computed values such as probabilities.
    pub fn clamp(value: Decimal) -> Share {
        Share(value.clamp(Decimal::ZERO, Decimal::ONE))
    }

    /// The value.
    #[inline]
    pub fn get(self) -> Decimal {
        self.0
    }
}

/// Shares of responsibility for the seller, the buyer and the carrier; they sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shares {
    pub(crate) seller: Share,
    pub(crate) buyer: Share,
    pub(crate) carrier: Share,
}

/// Shares that do not add up to one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("shares sum to {0}, not 1")]
pub struct SharesSum(pub Decimal);

impl Shares {
    /// Shares, if they sum to exactly 1.
    pub fn new(seller: Share, buyer: Share, carrier: Share) -> Result<Shares, SharesSum> {
        let sum = seller.0 + buyer.0 + carrier.0;
        if sum == Decimal::ONE {
            Ok(Shares {
                seller,
                buyer,
                carrier,
            })
        } else {
            Err(SharesSum(sum))
        }
    }

    /// The seller's share.
    pub fn seller(&self) -> Decimal {
        self.seller.0
    }
    /// The buyer's share.
    pub fn buyer(&self) -> Decimal {
        self.buyer.0
    }
    /// The carrier's share.
    pub fn carrier(&self) -> Decimal {
        self.carrier.0
    }
}

/// A piecewise-linear curve from a ratio to a probability, flat beyond its end points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Curve {
    points: Vec<(Decimal, Share)>,
    /// `slopes[i]`: the slope from point `i` to point `i + 1`, worked out once.
    slopes: Vec<Decimal>,
    /// The points' x as integers at twelve places, when every x has at most twelve: the
    /// segment search is then integer comparisons.
    xs: Option<Vec<i128>>,
}

/// Why a list of points is not a curve.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurveError {
    #[error("a curve needs at least one point")]
    /// A curve with no points.
    Empty,
    #[error("point {index}: x = {x} does not increase on the point before it")]
    /// A point whose x is not above the point before it.
    NotIncreasing {
        /// The point's position, from 0.
        index: usize,
        /// Its x.
        x: Decimal,
    },
    #[error(
        "point {index}: x = {x} is too far from the point before it: the difference is beyond the decimal range"
    )]
    /// A point whose distance from the point before it cannot be represented (the slope
    /// between them could not be worked out).
    TooFar {
        /// The point's position, from 0.
        index: usize,
        /// Its x.
        x: Decimal,
    },
}

impl Curve {
    /// A curve, if it has points and their x values strictly increase.
    pub fn new(points: Vec<(Decimal, Share)>) -> Result<Curve, CurveError> {
        if points.is_empty() {
            return Err(CurveError::Empty);
        }
        for (i, w) in points.windows(2).enumerate() {
            if w[1].0 <= w[0].0 {
                return Err(CurveError::NotIncreasing {
                    index: i + 1,
                    x: w[1].0,
                });
            }
        }
        // Twelve places keep products with a ratio inside 96 bits (the fast path); the result is
        // rounded to six places anyway. The run between two points may be beyond the decimal
        // range (x values near its limits): that is an error, not a panic.
        let slopes = points
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                let run = w[1].0.checked_sub(w[0].0);
                let rise = w[1].1.get() - w[0].1.get();
                run.and_then(|run| rise.checked_div(run))
                    .map(|slope| slope.round_dp(12))
                    .ok_or(CurveError::TooFar {
                        index: i + 1,
                        x: w[1].0,
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let xs = points.iter().map(|p| crate::fast::at_twelve(p.0)).collect();
        Ok(Curve { points, slopes, xs })
    }

    /// The points.
    pub fn points(&self) -> &[(Decimal, Share)] {
        &self.points
    }

    /// The x of the last point: where the curve stops rising.
    pub fn last_x(&self) -> Decimal {
        self.points[self.points.len() - 1].0
    }

    /// The curve's value at `x`, by linear interpolation, rounded to 6 places so that
    /// products of probabilities stay well inside the decimal range.
    ///
    /// The result is the decimal computation's, digit for digit and scale for scale
    /// ([`Curve::at_decimal`]); where every operand is exact in integers, it is worked out
    /// in integers (the fast path of a replay).
    pub fn at(&self, x: Decimal) -> Decimal {
        let (Some(xs), Some(xq)) = (&self.xs, crate::fast::at_twelve(x)) else {
            return self.at_decimal(x);
        };
        let pts = &self.points;
        if xq <= xs[0] {
            return pts[0].1.get();
        }
        for i in 0..xs.len() - 1 {
            if xq <= xs[i + 1] {
                let (x0, y0) = pts[i];
                return crate::fast::interpolate(x0, y0.get(), self.slopes[i], x)
                    .unwrap_or_else(|| self.interpolate(i, x));
            }
        }
        pts[pts.len() - 1].1.get()
    }

    /// [`Curve::at`] in decimal arithmetic throughout: the reference for the fast path.
    pub fn at_decimal(&self, x: Decimal) -> Decimal {
        let pts = &self.points;
        let first = pts[0];
        if x <= first.0 {
            return first.1.get();
        }
        for (i, w) in pts.windows(2).enumerate() {
            if x <= w[1].0 {
                return self.interpolate(i, x);
            }
        }
        pts[pts.len() - 1].1.get()
    }

    /// The value at `x` on segment `i` (`x0 < x <= x1`).
    fn interpolate(&self, i: usize, x: Decimal) -> Decimal {
        let (x0, y0) = self.points[i];
        // x0 < x <= x1 and y in [0, 1]: no overflow is possible.
        let y = y0.get() + self.slopes[i] * (x - x0);
        y.round_dp(6).clamp(Decimal::ZERO, Decimal::ONE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn decimal(m: i64, scale: u32) -> Decimal {
        Decimal::new(m, scale)
    }

    prop_compose! {
        /// A curve of up to five points: x rising from zero or above, y anywhere in [0, 1]
        /// (rising, falling or flat), with few places (as rule files write them) or many.
        fn curve()(steps in prop::collection::vec((1i64..3_000, 0u32..=4, 0i64..=1_000_000, 0u32..=6), 1..=5), start in prop_oneof![Just(0i64), 0i64..500], start_scale in 0u32..=4, y0 in prop_oneof![Just(0i64), 0i64..=1_000_000], y_scale in 0u32..=6) -> Curve {
            let mut x = decimal(start, start_scale);
            let y = |m: i64, places: u32| Share::new(decimal(m, 6).round_dp(places)).unwrap();
            let mut points = vec![(x, y(y0, y_scale))];
            for (dx, scale, m, places) in steps {
                x += decimal(dx, scale);
                points.push((x, y(m, places)));
            }
            Curve::new(points).unwrap()
        }
    }

    prop_compose! {
        /// A ratio: anywhere (up to sixteen places), or just past one of the curve's points
        /// by a few units in some place up to the twelfth (where half-way ties, zero
        /// intercepts and short scales are common).
        fn query(c: Curve)(anywhere in any::<bool>(), m in 0i64..40_000_000_000_000, scale in 0u32..=16, point in 0usize..6, d in 1i64..2_000, places in 0u32..=12) -> Decimal {
            if anywhere {
                Decimal::new(m, scale)
            } else {
                let pts = c.points();
                pts[point % pts.len()].0 + Decimal::new(d, places)
            }
        }
    }

    fn curve_and_query() -> impl Strategy<Value = (Curve, Decimal)> {
        curve().prop_flat_map(|c| (Just(c.clone()), query(c)))
    }

    /// Half-way cases round to even, at the scales decimal arithmetic gives, on both paths.
    /// Points near the decimal limits whose distance cannot be represented are refused, not
    /// panicked on (found by fuzzing the rule files).
    #[test]
    fn points_too_far_apart_for_a_decimal_are_an_error() {
        let zero = Share::new(Decimal::ZERO).unwrap();
        for (a, b) in [
            (Decimal::MIN, Decimal::new(5, 0)),
            (Decimal::MIN, Decimal::MAX),
            (Decimal::new(-1, 0), Decimal::MAX),
        ] {
            assert_eq!(
                Curve::new(vec![(a, zero), (b, zero)]),
                Err(CurveError::TooFar { index: 1, x: b })
            );
        }
        // Far apart but representable: a curve, read anywhere without a panic.
        let c = Curve::new(vec![(Decimal::ZERO, zero), (Decimal::MAX, Share::ONE)]).unwrap();
        for x in [Decimal::MIN, Decimal::ZERO, Decimal::ONE, Decimal::MAX] {
            let y = c.at(x);
            assert!((Decimal::ZERO..=Decimal::ONE).contains(&y), "{x}: {y}");
            assert_eq!(y, c.at_decimal(x));
        }
    }

    #[test]
    fn half_way_values_round_to_even() {
        let share = |m, s| Share::new(decimal(m, s)).unwrap();
        // From (0, 0.1) to (1, 0.6): slope 0.5. From (0, 0) to (2, 1): slope 0.5, zero
        // intercept and zero start (the decimal shortcuts).
        let rising = Curve::new(vec![
            (Decimal::ZERO, share(1, 1)),
            (Decimal::ONE, share(6, 1)),
        ])
        .unwrap();
        let from_zero = Curve::new(vec![
            (Decimal::ZERO, share(0, 0)),
            (Decimal::TWO, share(1, 0)),
        ])
        .unwrap();
        for (c, x, want) in [
            (&rising, decimal(5, 6), "0.100002"),
            (&rising, decimal(15, 6), "0.100008"),
            (&rising, decimal(3, 1), "0.25"),
            (&from_zero, decimal(5, 6), "0.000002"),
            (&from_zero, decimal(7, 6), "0.000004"),
            (&from_zero, decimal(15, 1), "0.750"),
        ] {
            assert_eq!(c.at_decimal(x).to_string(), want, "decimal at {x}");
            assert_eq!(c.at(x).to_string(), want, "at {x}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 5_000, ..ProptestConfig::default() })]

        /// The integer path gives the decimal path's value with the same scale (so the same
        /// text), at ratios with up to twelve places and beyond.
        #[test]
        fn at_is_the_decimal_interpolation_digit_for_digit((c, x) in curve_and_query()) {
            let (fast, slow) = (c.at(x), c.at_decimal(x));
            prop_assert_eq!(fast.to_string(), slow.to_string(), "at {}", x);
        }

        #[test]
        fn at_the_points_the_curve_is_the_points(c in curve()) {
            for (x, y) in c.points() {
                prop_assert_eq!(c.at(*x).to_string(), c.at_decimal(*x).to_string());
                prop_assert_eq!(c.at(*x), y.get());
            }
        }
    }
}
