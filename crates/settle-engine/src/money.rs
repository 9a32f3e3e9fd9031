//! Money: exact decimal amounts, checked arithmetic, and each currency's rounding rule.

use rust_decimal::{Decimal, RoundingStrategy};

/// An amount of money in the claim's currency. Always exact; never `f64`.
pub type Money = Decimal;

/// Arithmetic overflowed the exact decimal range; the claim's figures are too large to price.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("arithmetic overflow while computing {what}")]
pub struct Overflow {
    /// The figure being computed when the overflow happened.
    pub what: &'static str,
}

/// Checked arithmetic that names the figure it computes, so an overflow says where it happened.
pub(crate) trait Checked: Sized {
    fn add_or(self, rhs: Self, what: &'static str) -> Result<Self, Overflow>;
    fn sub_or(self, rhs: Self, what: &'static str) -> Result<Self, Overflow>;
    fn mul_or(self, rhs: Self, what: &'static str) -> Result<Self, Overflow>;
    fn div_or(self, rhs: Self, what: &'static str) -> Result<Self, Overflow>;
}

impl Checked for Decimal {
    #[inline]
    fn add_or(self, rhs: Self, what: &'static str) -> Result<Self, Overflow> {
        self.checked_add(rhs).ok_or(Overflow { what })
    }
    #[inline]
    fn sub_or(self, rhs: Self, what: &'static str) -> Result<Self, Overflow> {
        self.checked_sub(rhs).ok_or(Overflow { what })
    }
    #[inline]
    fn mul_or(self, rhs: Self, what: &'static str) -> Result<Self, Overflow> {
        self.checked_mul(rhs).ok_or(Overflow { what })
    }
    #[inline]
    fn div_or(self, rhs: Self, what: &'static str) -> Result<Self, Overflow> {
        self.checked_div(rhs).ok_or(Overflow { what })
    }
}

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

/// An ISO 4217 currency code with its number of minor units (the rounding rule for display).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u8,
}

impl Currency {
    /// A currency from a code already known to be ISO 4217 and its minor units.
    /// The rule loader owns the list of codes; the engine trusts what it is given.
    pub fn new(code: [u8; 3], minor_units: u8) -> Self {
        Currency { code, minor_units }
    }

    /// The three-letter code, e.g. `USD`.
    pub fn code(&self) -> &str {
        // The loader only builds currencies from ASCII codes.
        std::str::from_utf8(&self.code).unwrap_or("???")
    }

    /// Digits after the decimal point in this currency (2 for USD, 0 for JPY, 3 for KWD).
    pub fn minor_units(&self) -> u8 {
        self.minor_units
    }

    /// The currency's rounding rule: to its minor units, half away from zero.
    pub fn round(&self, amount: Money) -> Money {
        amount.round_dp_with_strategy(
            u32::from(self.minor_units),
            RoundingStrategy::MidpointAwayFromZero,
        )
    }

    /// An amount rounded and shown with exactly the currency's minor units and thousands
    /// separators, e.g. `USD 2,100.00`.
    pub fn format(&self, amount: Money) -> String {
        format!(
            "{} {}",
            self.code(),
            group_thousands(&self.round_string(amount))
        )
    }

    /// The rounded amount as a plain decimal string with the currency's minor units, e.g. `2100.00`.
    pub fn round_string(&self, amount: Money) -> String {
        let mut rounded = self.round(amount);
        rounded.rescale(u32::from(self.minor_units));
        rounded.to_string()
    }
}

/// A plain decimal string (`-1131103.08`) with its thousands grouped (`-1,131,103.08`).
pub fn group_thousands(plain: &str) -> String {
    let (sign, rest) = match plain.strip_prefix('-') {
        Some(r) => ("-", r),
        None => ("", plain),
    };
    let (int, frac) = match rest.find('.') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let mut out = String::with_capacity(plain.len() + int.len() / 3);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    format!("{sign}{out}{frac}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn formats_with_minor_units_and_separators() {
        let usd = Currency::new(*b"USD", 2);
        let jpy = Currency::new(*b"JPY", 0);
        let kwd = Currency::new(*b"KWD", 3);
        let d = |s| Decimal::from_str(s).unwrap();
        assert_eq!(usd.format(d("2100")), "USD 2,100.00");
        assert_eq!(usd.format(d("1234567.005")), "USD 1,234,567.01");
        assert_eq!(usd.format(d("999.994")), "USD 999.99");
        assert_eq!(jpy.format(d("1500.5")), "JPY 1,501");
        assert_eq!(kwd.format(d("12.3456")), "KWD 12.346");
        assert_eq!(usd.format(d("-2500")), "USD -2,500.00");
        assert_eq!(usd.round_string(d("7")), "7.00");
    }

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
}
