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
}
