//! The engine's speed shortcuts, each beside the reference it must equal, representation
//! included: a replay spends its time in decimal arithmetic, and these give `rust_decimal`'s
//! own results by cheaper routes (integer mantissas, scaled integers, a memo). Every shortcut is
//! property-tested against its reference below; nothing outside this module works around the
//! decimal arithmetic.
//!
//! | shortcut | reference |
//! |---|---|
//! | [`round_sf`] | `Decimal::round_sf` |
//! | [`mul_round12`] | `(num * inv).round_dp(12)` |
//! | [`order`] | `Decimal::cmp` |
//! | [`in_unit`] | `0 <= x && x <= 1` |
//! | [`interpolate`] (in [`crate::playbook::Curve::at`]) | `Curve::at_decimal` |
//! | [`annuity_factor`] (memoised) | [`annuity_factor_uncached`] |
//!
//! The rollback's estimated choices (`tree`, on `f64` with an error bound, settled in decimal
//! where too close) are the one shortcut that lives with its solver; `Mode::EXACT` is their
//! reference.

use crate::money::{Checked, Overflow};
use rust_decimal::Decimal;

/// `d` to `digits` significant figures, exactly as [`Decimal::round_sf`] gives it (digit for
/// digit and scale for scale: a value with fewer digits is scaled up to that many). Where the
/// value has no more digits than asked, the mantissa is scaled up directly instead of counted
/// digit by digit, which is most of `round_sf`'s time; otherwise `round_sf` does the work.
pub(crate) fn round_sf(d: Decimal, digits: u32) -> Option<Decimal> {
    let m = d.mantissa();
    if m == 0 || digits == 0 {
        return Some(Decimal::ZERO);
    }
    let sf = m.unsigned_abs().ilog10() + 1;
    if sf <= digits && digits <= 28 {
        let up = digits - sf;
        let scale = d.scale() + up;
        // `digits` digits fit in 96 bits; a scale above 28 is left to `round_sf`.
        if scale <= 28 {
            return Some(Decimal::from_i128_with_scale(m * 10i128.pow(up), scale));
        }
    }
    d.round_sf(digits)
}

/// `(num × inv).round_dp(12)`, the product rounded as `rust_decimal` rounds it and then to 12
/// places half to even: exactly that result, representation included, worked out in integers
/// where that is certain and by the decimal operations otherwise (`None` where the product
/// overflows).
///
/// The exact product `v` is split at the twelfth place in 128-bit integers. `rust_decimal`
/// keeps at least 28 significant digits of a product, so its rounding moves `v` by at most
/// `10^(d - 28) / 2` (`d` = digits before the point); where `v` lies further than 2,000 times
/// that from the half-way point between its two twelfth-place neighbours, rounding the rounded
/// product and rounding `v` itself give the same neighbour. Closer than that (about one case in
/// 10¹²), for negative operands, or where a step would not fit, the decimal operations decide.
pub(crate) fn mul_round12(num: Decimal, inv: Decimal) -> Option<Decimal> {
    fast_mul_round12(num, inv).or_else(|| num.checked_mul(inv).map(|p| p.round_dp(12)))
}

/// Powers of ten that fit in 128 bits: `POW10[i] = 10^i`.
pub(crate) const POW10: [u128; 39] = {
    let mut t = [1u128; 39];
    let mut i = 1;
    while i < 39 {
        t[i] = t[i - 1] * 10;
        i += 1;
    }
    t
};

fn fast_mul_round12(num: Decimal, inv: Decimal) -> Option<Decimal> {
    let (mn, mi) = (num.mantissa(), inv.mantissa());
    if mn <= 0 || mi <= 0 {
        return None;
    }
    let (mn, mi) = (mn.unsigned_abs(), mi.unsigned_abs());
    // v = mn × mi × 10^-s; the twelfth place is the unit 10^k of the product's last digit.
    let s = num.scale() + inv.scale();
    let k = s.checked_sub(12).filter(|&k| k > 0)?;
    let unit = *POW10.get(k as usize)?;
    // mn × mi = mn × (hi × unit + lo): q = floor(v × 10^12), r = what lies below, in 10^-s.
    let hi = mi / unit;
    let lo = mi - hi * unit;
    let low = mn.checked_mul(lo)?;
    let carried = low / unit;
    let r = low - carried * unit;
    let q = mn.checked_mul(hi)?.checked_add(carried)?;
    // Digits before the point (at least one). With 15 or more, the rounded product might
    // keep 12 places or fewer, and `round_dp` would leave it as it is: not here.
    let digits = (1..=14u32).find(|&d| q < POW10[12 + d as usize])?;
    // The tolerance around the half-way point, 10^(d - 25), in units of 10^-s; below one
    // unit the product has fewer than 25 digits and is not rounded at all.
    let tolerance = match (s + digits).checked_sub(25) {
        Some(e) => *POW10.get(e as usize)?,
        None => 0,
    };
    let half = unit / 2;
    if r.abs_diff(half) <= tolerance {
        return None;
    }
    let q = if r > half { q + 1 } else { q };
    if q == 0 {
        return None;
    }
    Some(Decimal::from_i128_with_scale(i128::try_from(q).ok()?, 12))
}

/// The order of two decimals, as [`Ord::cmp`] gives it; when their scales agree (most
/// comparisons of like figures), by their mantissas alone, without `cmp`'s rescaling.
#[inline]
pub(crate) fn order(a: Decimal, b: Decimal) -> std::cmp::Ordering {
    if a.scale() == b.scale() {
        a.mantissa().cmp(&b.mantissa())
    } else {
        a.cmp(&b)
    }
}

/// Whether a decimal lies in [0, 1], as `0 <= x && x <= 1` says: by the mantissa against
/// `10^scale`, without comparing decimals.
#[inline]
pub(crate) fn in_unit(x: Decimal) -> bool {
    let m = x.mantissa();
    m >= 0 && m <= 10i128.pow(x.scale())
}

/// Mantissas at most this large (in magnitude) fit a decimal's 96 bits.
const FITS_96: u128 = 1 << 96;

/// `10^n` for `n <= 28`.
pub(crate) fn pow10(n: u32) -> Option<i128> {
    // 10^28 < 2^127: the conversion is exact.
    (n <= 28).then(|| POW10[n as usize] as i128)
}

/// `m × 10^k`, if it fits: plain 64-bit-operand arithmetic when the operands are small enough
/// that it cannot overflow (the common case), checked 128-bit arithmetic otherwise.
fn scale_up(m: i128, k: u32) -> Option<i128> {
    if k == 0 {
        return Some(m);
    }
    let p = pow10(k)?;
    if k <= 18 && m.unsigned_abs() < 1 << 64 {
        // |m| < 2^64 and 10^k < 2^60: the product is below 2^124.
        return Some(m * p);
    }
    m.checked_mul(p)
}

/// A decimal's mantissa at twelve places, if it has at most twelve.
pub(crate) fn at_twelve(d: Decimal) -> Option<i128> {
    let s = d.scale();
    if s > 12 {
        return None;
    }
    scale_up(d.mantissa(), 12 - s)
}

/// A curve segment's interpolation `(y0 + slope × (x − x0)).round_dp(6).clamp(0, 1)` in
/// integers: the same difference, product, sum and rounding (half to even) at the same scales,
/// for operands whose results are exact in 96 bits. Zero operands take the decimal shortcuts
/// (the other operand, unchanged); `None` where the decimal arithmetic would round or where
/// the slope or the result is zero, which is then left to it (`Curve::at_decimal` is the
/// reference).
pub(crate) fn interpolate(x0: Decimal, y0: Decimal, slope: Decimal, x: Decimal) -> Option<Decimal> {
    {
        let fits = |m: i128| m.unsigned_abs() < FITS_96;
        if slope.is_zero() {
            return None;
        }
        // x - x0, at the larger of the two scales (x itself when x0 is zero).
        let (md, sd) = if x0.is_zero() {
            (x.mantissa(), x.scale())
        } else {
            let sd = x.scale().max(x0.scale());
            let a = scale_up(x.mantissa(), sd - x.scale())?;
            let b = scale_up(x0.mantissa(), sd - x0.scale())?;
            (a.checked_sub(b)?, sd)
        };
        if md == 0 || !fits(md) {
            return None;
        }
        // slope × (x - x0): exact when it fits 96 bits and 28 places.
        let sp = slope.scale() + sd;
        let mp = slope.mantissa().checked_mul(md)?;
        if sp > 28 || !fits(mp) {
            return None;
        }
        // y0 + product, at the larger scale (the product itself when y0 is zero).
        let (ms, ss) = if y0.is_zero() {
            (mp, sp)
        } else {
            let ss = y0.scale().max(sp);
            let a = scale_up(y0.mantissa(), ss - y0.scale())?;
            let b = scale_up(mp, ss - sp)?;
            let ms = a.checked_add(b)?;
            if !fits(a) || !fits(b) || !fits(ms) {
                return None;
            }
            (ms, ss)
        };
        if ms == 0 {
            return None;
        }
        // Round to six places, half to even.
        let (m, scale) = if ss > 6 {
            let unit = pow10(ss - 6)?;
            let (q, r) = (ms / unit, ms % unit);
            let half = unit / 2;
            let up = r.abs() > half || (r.abs() == half && q % 2 != 0);
            let q = if up { q + ms.signum() } else { q };
            if q == 0 {
                return None;
            }
            (q, 6)
        } else {
            (ms, ss)
        };
        // Clamped to [0, 1] as `Decimal::clamp` does: the bound itself when outside.
        if m < 0 {
            return Some(Decimal::ZERO);
        }
        if m > pow10(scale)? {
            return Some(Decimal::ONE);
        }
        Some(Decimal::from_i128_with_scale(m, scale))
    }
}

/// Σ (retention / (1 + discount))^y for y = 1..=years, each power rounded to 12 places.
///
/// It depends on three rule figures only, so each thread keeps the last few it worked out,
/// keyed by the figures' exact representation (scale included: the factor's scale follows
/// theirs); a claim's advice is the same with or without the memo.
pub(crate) fn annuity_factor(
    retention: Decimal,
    discount: Decimal,
    years: u32,
) -> Result<Decimal, Overflow> {
    type Key = ([u8; 16], [u8; 16], u32);
    const KEPT: usize = 16;
    thread_local! {
        static MEMO: std::cell::RefCell<Vec<(Key, Decimal)>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    let key: Key = (retention.serialize(), discount.serialize(), years);
    if let Some(f) = MEMO.with_borrow(|m| m.iter().find(|(k, _)| *k == key).map(|(_, f)| *f)) {
        return Ok(f);
    }
    let f = annuity_factor_uncached(retention, discount, years)?;
    MEMO.with_borrow_mut(|m| {
        if m.len() == KEPT {
            m.remove(0);
        }
        m.push((key, f));
    });
    Ok(f)
}

pub(crate) fn annuity_factor_uncached(
    retention: Decimal,
    discount: Decimal,
    years: u32,
) -> Result<Decimal, Overflow> {
    let q = retention
        .div_or(
            Decimal::ONE.add_or(discount, "discount")?,
            "retention factor",
        )?
        .round_dp(12);
    let mut factor = Decimal::ZERO;
    let mut term = Decimal::ONE;
    for _ in 0..years {
        term = term.mul_or(q, "annuity")?.round_dp(12);
        factor = factor.add_or(term, "annuity")?;
    }
    Ok(factor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    /// A decimal from a mantissa of `len` digits (leading digits from `seed`), a sign and a scale.
    fn decimal(seed: u128, len: u32, negative: bool, scale: u32) -> Decimal {
        let m = (seed % 10u128.pow(len)).max(10u128.pow(len - 1)) as i128;
        Decimal::from_i128_with_scale(if negative { -m } else { m }, scale)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]

        /// The fast path gives `round_sf`'s answer, mantissa, scale and sign, on every length of
        /// mantissa, every scale and every number of digits asked.
        #[test]
        fn round_sf_is_the_decimal_round_sf(
            seed in proptest::prelude::any::<u128>(),
            len in 1u32..=28,
            negative in proptest::prelude::any::<bool>(),
            scale in 0u32..=28,
            digits in 0u32..=30,
        ) {
            let d = decimal(seed, len, negative, scale);
            let (fast, slow) = (round_sf(d, digits), d.round_sf(digits));
            // By parts: `round_sf` can make a scale above 28, which `to_string` refuses.
            let parts = |x: Decimal| (x.mantissa(), x.scale(), x.is_sign_negative());
            proptest::prop_assert_eq!(fast.map(parts), slow.map(parts), "{} to {} digits", d, digits);
        }
    }

    /// A decimal of any sign, scale and mantissa length, zeros (signed) included.
    fn any_decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        (any::<u128>(), 0u32..=28, any::<bool>(), 0u32..=28).prop_map(
            |(seed, len, negative, scale)| {
                if len == 0 {
                    let mut z = Decimal::new(0, scale);
                    z.set_sign_negative(negative);
                    z
                } else {
                    decimal(seed, len, negative, scale)
                }
            },
        )
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(5_000))]

        /// The shortcut orders as `cmp` does, at equal and at different scales.
        #[test]
        fn order_is_cmp(a in any_decimal(), b in any_decimal(), same_scale in proptest::prelude::any::<bool>()) {
            let mut b = b;
            if same_scale {
                b.rescale(a.scale());
            }
            proptest::prop_assert_eq!(order(a, b), a.cmp(&b), "{} vs {}", a, b);
            proptest::prop_assert_eq!(order(a, a), std::cmp::Ordering::Equal);
        }

        /// The unit test by mantissa says what comparing with 0 and 1 says.
        #[test]
        fn in_unit_is_between_zero_and_one(a in any_decimal(), near in 0u32..4) {
            // Values near the ends: 0, 1, and a few units of the last place either side.
            let ends = [Decimal::ZERO, Decimal::ONE, Decimal::new(1, a.scale()), Decimal::ONE - Decimal::new(1, a.scale())];
            for x in [a, ends[near as usize], -ends[near as usize], ends[near as usize] + Decimal::new(1, a.scale())] {
                proptest::prop_assert_eq!(in_unit(x), x >= Decimal::ZERO && x <= Decimal::ONE, "{}", x);
            }
        }
    }

    /// The reference: the decimal product, rounded to 12 places; by parts.
    fn slow_mul_round12(num: Decimal, inv: Decimal) -> Option<(i128, u32)> {
        num.checked_mul(inv)
            .map(|p| p.round_dp(12))
            .map(|x| (x.mantissa(), x.scale()))
    }

    fn parts(d: Option<Decimal>) -> Option<(i128, u32)> {
        d.map(|x| (x.mantissa(), x.scale()))
    }

    /// A money-like amount: up to 12 digits, 0 to 4 places.
    fn amount() -> impl proptest::strategy::Strategy<Value = Decimal> {
        (1i64..1_000_000_000_000, 0u32..=4).prop_map(|(m, s)| Decimal::new(m, s))
    }

    use proptest::prelude::*;

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(20_000))]

        /// Ratios as the advice makes them (a value of 12 significant figures by the reciprocal
        /// of an amount): the same mantissa and scale as the decimal operations.
        #[test]
        fn mul_round12_is_the_decimal_product_rounded(value in amount(), x in amount()) {
            let num = round_sf(value, 12).unwrap();
            let inv = Decimal::ONE / x;
            proptest::prop_assert_eq!(parts(mul_round12(num, inv)), slow_mul_round12(num, inv), "{} x {}", num, inv);
        }

        /// Products that land next to a half-way point of the twelfth place, where the
        /// product's own rounding decides between the neighbours (a few units of the 28th
        /// place away) or where the integer path's tolerance ends (hundreds of units of the
        /// 26th place away): still the decimal result.
        #[test]
        fn mul_round12_is_exact_next_to_half_way_points(
            value in proptest::prop_oneof![
                amount(),
                // Below one, so that h / num is above one and keeps 28 significant digits:
                // the product then has 40 and is rounded, often onto h itself.
                (100_000_000_000i64..1_000_000_000_000).prop_map(|m| Decimal::new(m, 12)),
            ],
            j in 0i64..2_000_000_000_000,
            (place, nudge) in proptest::prop_oneof![
                (proptest::strategy::Just(28u32), -3i64..=3),
                (proptest::strategy::Just(26u32), -1000i64..=1000),
            ],
        ) {
            let num = round_sf(value, 12).unwrap();
            // h = (2j + 1) × 5 × 10^-13, a half-way point, moved by the nudge.
            let h = Decimal::new(10 * j + 5, 13) + Decimal::new(nudge, place);
            let inv = h / num;
            proptest::prop_assert_eq!(parts(mul_round12(num, inv)), slow_mul_round12(num, inv), "{} x {}", num, inv);
        }

        /// Any two decimals, signs, scales and overflow included.
        #[test]
        fn mul_round12_is_exact_on_any_decimals(a in any_decimal(), b in any_decimal()) {
            proptest::prop_assert_eq!(parts(mul_round12(a, b)), slow_mul_round12(a, b), "{} x {}", a, b);
        }
    }

    /// The integer path is the one taken on ordinary ratios (the tests above would pass on the
    /// decimal path alone), and it steps aside on an exact half-way point.
    #[test]
    fn mul_round12_takes_the_integer_path_on_ordinary_ratios() {
        let mut taken = 0;
        for i in 1..=1000i64 {
            let num = round_sf(Decimal::new(i * 7_919, 2), 12).unwrap();
            let inv = Decimal::ONE / Decimal::new(1_000_003 + i * 31, 2);
            taken += usize::from(fast_mul_round12(num, inv).is_some());
        }
        assert!(taken > 990, "{taken} of 1000");
        let half = Decimal::new(5, 13);
        assert_eq!(fast_mul_round12(Decimal::ONE, half), None);
        assert_eq!(
            parts(mul_round12(Decimal::ONE, half)),
            slow_mul_round12(Decimal::ONE, half)
        );
    }

    #[test]
    fn round_sf_scales_short_values_up_and_zero_down() {
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(
            round_sf(d("1234.5"), 12).unwrap().to_string(),
            "1234.50000000"
        );
        assert_eq!(round_sf(d("0.00"), 12).unwrap().scale(), 0);
        assert_eq!(
            round_sf(d("123456789012.345"), 12).unwrap().to_string(),
            "123456789012"
        );
    }

    /// The memo answers what the sum gives, representation included, however many rule
    /// figures pass through it (more than it keeps, and equal values at different scales).
    #[test]
    fn the_annuity_memo_gives_the_sum() {
        let d = |s: &str| Decimal::from_str(s).unwrap();
        // 0.5 and 0.50 with no discount give factors of different scales (0.75 and 0.7500 over
        // two years): a memo keyed by value would mix them up.
        let mut cases = vec![
            (d("0.5"), d("0")),
            (d("0.50"), d("0")),
            (d("0.9"), d("0.1")),
            (d("0.9"), d("0.10")),
        ];
        for i in 0..40u32 {
            cases.push((
                Decimal::new(i64::from(50 + i), 2),
                Decimal::new(i64::from(i % 7), 2),
            ));
        }
        for _ in 0..2 {
            for (r, disc) in &cases {
                for years in [0, 1, 2, 5, 12] {
                    let memo = annuity_factor(*r, *disc, years).unwrap();
                    let sum = annuity_factor_uncached(*r, *disc, years).unwrap();
                    assert_eq!(
                        (memo.mantissa(), memo.scale()),
                        (sum.mantissa(), sum.scale()),
                        "{r} {disc} {years}"
                    );
                }
            }
        }
    }
}
