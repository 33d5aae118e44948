//! Rupiah and quantity formatting in Indonesian notation (dot for thousands, comma for decimals).
//!
//! This is the project's only rupiah formatter: the root crate re-uses [`rupiah`] for screens,
//! reports and exports so every place writes money the same way.

use rust_decimal::{Decimal, RoundingStrategy};

/// Formats an amount of rupiah: `Rp12.500`, `-Rp1.000`, `Rp1.250,50`.
///
/// Whole amounts print without decimals; an amount with a fraction (costs, averages) prints with
/// exactly two decimals after a comma. The amount is rounded half away from zero to whole sen
/// first, so `Rp0,005` prints as `Rp0,01` and an amount that rounds to zero prints as `Rp0`
/// (never `-Rp0`).
pub fn rupiah(amount: Decimal) -> String {
    let rounded = amount.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let negative = rounded.is_sign_negative() && !rounded.is_zero();
    let abs = rounded.abs();
    let whole = abs.trunc();
    let sen = ((abs - whole) * Decimal::ONE_HUNDRED).trunc();

    let mut out = String::with_capacity(20);
    if negative {
        out.push('-');
    }
    out.push_str("Rp");
    out.push_str(&group_thousands(&whole.normalize().to_string()));
    if !sen.is_zero() {
        out.push(',');
        out.push_str(&format!("{:0>2}", sen.normalize().to_string()));
    }
    out
}

/// Formats a quantity: `2`, `1,5`, `0,25`, `1.000` (trailing zeros trimmed, decimal comma).
pub fn qty(q: Decimal) -> String {
    let n = q.normalize();
    if n.is_zero() {
        return "0".to_owned();
    }
    let digits = n.abs().to_string();
    let (int, frac) = match digits.split_once('.') {
        Some((int, frac)) => (int, frac),
        None => (digits.as_str(), ""),
    };
    let mut out = String::with_capacity(digits.len() + 4);
    if n.is_sign_negative() {
        out.push('-');
    }
    out.push_str(&group_thousands(int));
    if !frac.is_empty() {
        out.push(',');
        out.push_str(frac);
    }
    out
}

/// Formats a weight to the gram: `1,250`, `0,005`, `12,000` (always three decimals).
pub fn weight(q: Decimal) -> String {
    let grams = (q * Decimal::ONE_THOUSAND).trunc();
    let int = (grams / Decimal::ONE_THOUSAND).trunc();
    let frac = (grams - int * Decimal::ONE_THOUSAND).abs();
    let sign = if q.is_sign_negative() && !grams.is_zero() {
        "-"
    } else {
        ""
    };
    format!(
        "{sign}{},{:0>3}",
        group_thousands(&int.abs().normalize().to_string()),
        frac.normalize().to_string()
    )
}

/// Inserts a dot every three digits from the right: `1234567` → `1.234.567`.
fn group_thousands(digits: &str) -> String {
    let len = digits.len();
    let mut out = String::with_capacity(len + len / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (len - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rupiah_whole_amounts() {
        assert_eq!(rupiah(dec!(0)), "Rp0");
        assert_eq!(rupiah(dec!(5)), "Rp5");
        assert_eq!(rupiah(dec!(100)), "Rp100");
        assert_eq!(rupiah(dec!(999)), "Rp999");
        assert_eq!(rupiah(dec!(1000)), "Rp1.000");
        assert_eq!(rupiah(dec!(12500)), "Rp12.500");
        assert_eq!(rupiah(dec!(123456)), "Rp123.456");
        assert_eq!(rupiah(dec!(1000000)), "Rp1.000.000");
        assert_eq!(rupiah(dec!(1000000000)), "Rp1.000.000.000");
        assert_eq!(rupiah(dec!(4800000000000)), "Rp4.800.000.000.000");
    }

    #[test]
    fn rupiah_scale_does_not_leak() {
        // Amounts read from minor units carry scale 2; whole values still print without decimals.
        assert_eq!(rupiah(dec!(12500.00)), "Rp12.500");
        assert_eq!(rupiah(dec!(1000.000)), "Rp1.000");
        assert_eq!(rupiah(Decimal::new(1_250_000, 2)), "Rp12.500");
    }

    #[test]
    fn rupiah_negative() {
        assert_eq!(rupiah(dec!(-1000)), "-Rp1.000");
        assert_eq!(rupiah(dec!(-50)), "-Rp50");
        assert_eq!(rupiah(dec!(-1250.5)), "-Rp1.250,50");
        assert_eq!(rupiah(dec!(-0.001)), "Rp0");
        assert_eq!(rupiah(-Decimal::ZERO), "Rp0");
    }

    #[test]
    fn rupiah_fractions() {
        assert_eq!(rupiah(dec!(1250.5)), "Rp1.250,50");
        assert_eq!(rupiah(dec!(1250.50)), "Rp1.250,50");
        assert_eq!(rupiah(dec!(0.05)), "Rp0,05");
        assert_eq!(rupiah(dec!(99.99)), "Rp99,99");
        assert_eq!(rupiah(dec!(1234567.89)), "Rp1.234.567,89");
        // Rounded to whole sen, half away from zero.
        assert_eq!(rupiah(dec!(0.005)), "Rp0,01");
        assert_eq!(rupiah(dec!(10.004)), "Rp10");
        assert_eq!(rupiah(dec!(999.995)), "Rp1.000");
        assert_eq!(rupiah(dec!(-999.995)), "-Rp1.000");
    }

    #[test]
    fn qty_formats() {
        assert_eq!(qty(dec!(2)), "2");
        assert_eq!(qty(dec!(2.000)), "2");
        assert_eq!(qty(dec!(1.5)), "1,5");
        assert_eq!(qty(dec!(1.500)), "1,5");
        assert_eq!(qty(dec!(0.25)), "0,25");
        assert_eq!(qty(dec!(0.125)), "0,125");
        assert_eq!(qty(dec!(0)), "0");
        assert_eq!(qty(dec!(0.000)), "0");
        assert_eq!(qty(dec!(-2)), "-2");
        assert_eq!(qty(dec!(-0.5)), "-0,5");
        assert_eq!(qty(dec!(1000)), "1.000");
        assert_eq!(qty(dec!(12500.75)), "12.500,75");
        assert_eq!(weight(dec!(1.25)), "1,250");
        assert_eq!(weight(dec!(0.005)), "0,005");
        assert_eq!(weight(dec!(1200)), "1.200,000");
        assert_eq!(weight(dec!(-0.5)), "-0,500");
    }
}
