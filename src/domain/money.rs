//! Money and quantities: `Decimal` in code, integer minor units in SQLite.
//!
//! This module is the one place where amounts and quantities cross between the two.
//! Money is stored in 1/100 rupiah, quantities in 1/1000 of the base unit.

use rust_decimal::{Decimal, RoundingStrategy};

/// Minor units of money per rupiah in the store.
pub const MONEY_SCALE: u32 = 2;
/// Minor units of quantity per unit in the store.
pub const QTY_SCALE: u32 = 3;

/// Rupiah text as printed on shelves and receipts: `Rp12.500`.
pub use kasir_receipts::{qty as format_qty, rupiah as format_rupiah};

/// Decimal money → stored minor units, refusing anything finer than 1/100 rupiah or out of range.
pub fn money_to_minor(amount: Decimal) -> Option<i64> {
    to_scaled(amount, MONEY_SCALE)
}

/// Stored minor units → Decimal money.
pub fn money_from_minor(minor: i64) -> Decimal {
    Decimal::new(minor, MONEY_SCALE).normalize()
}

/// Decimal quantity → stored thousandths, refusing anything finer than 1/1000.
pub fn qty_to_milli(q: Decimal) -> Option<i64> {
    to_scaled(q, QTY_SCALE)
}

/// Stored thousandths → Decimal quantity.
pub fn qty_from_milli(milli: i64) -> Decimal {
    Decimal::new(milli, QTY_SCALE).normalize()
}

/// Round money to the stored precision (half away from zero), for computed amounts such as
/// tax shares and average costs.
pub fn round_money(amount: Decimal) -> Decimal {
    amount
        .round_dp_with_strategy(MONEY_SCALE, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// Round to whole rupiah, half away from zero.
pub fn round_rupiah(amount: Decimal) -> Decimal {
    amount
        .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
        .normalize()
}

/// Cash rounding: the largest multiple of `step` not above `amount`, so the customer never
/// pays more than the price. A zero or negative step means no rounding.
pub fn round_cash_down(amount: Decimal, step: Decimal) -> Decimal {
    if step <= Decimal::ZERO || amount <= Decimal::ZERO {
        return amount;
    }
    ((amount / step).floor() * step).normalize()
}

fn to_scaled(v: Decimal, scale: u32) -> Option<i64> {
    let scaled = v.checked_mul(Decimal::from(10i64.pow(scale)))?;
    if scaled.fract() != Decimal::ZERO {
        return None;
    }
    i64::try_from(scaled.trunc()).ok()
}

/// Parse an amount typed by a person or written in a CSV: `12500`, `12.500` (dot thousands),
/// `1250,50` / `1.250,50` (comma decimals), `1250.5` (dot decimal when it is not a thousands
/// group), with an optional `Rp` prefix. Returns `None` for anything else.
pub fn parse_amount(text: &str) -> Option<Decimal> {
    let t = text.trim();
    let t = t
        .strip_prefix("Rp")
        .or_else(|| t.strip_prefix("rp"))
        .unwrap_or(t)
        .trim();
    if t.is_empty() || t.len() > 30 {
        return None;
    }
    let (neg, t) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t),
    };
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let normalized = if t.contains(',') {
        // Indonesian: dots group thousands, the comma is the decimal point.
        if t.matches(',').count() > 1 || !dots_group_thousands(t.split(',').next()?) {
            return None;
        }
        t.replace('.', "").replace(',', ".")
    } else if t.matches('.').count() == 1 && !looks_grouped(t) {
        t.to_string()
    } else if t.contains('.') {
        if !dots_group_thousands(t) {
            return None;
        }
        t.replace('.', "")
    } else {
        t.to_string()
    };
    let d: Decimal = normalized.parse().ok()?;
    Some(if neg { -d } else { d })
}

fn looks_grouped(t: &str) -> bool {
    let mut parts = t.split('.');
    let head = parts.next().unwrap_or("");
    let tail = parts.next().unwrap_or("");
    !head.is_empty() && head.len() <= 3 && tail.len() == 3
}

fn dots_group_thousands(int_part: &str) -> bool {
    let groups: Vec<&str> = int_part.split('.').collect();
    if groups.len() == 1 {
        return !groups[0].is_empty();
    }
    !groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3)
}

/// Parse a quantity: `2`, `1,5`, `0.25`.
pub fn parse_qty(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty() || t.len() > 20 {
        return None;
    }
    if !t
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == ',' || c == '-')
    {
        return None;
    }
    t.replace(',', ".").parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn minor_units_round_trip_and_refuse_fractions() {
        assert_eq!(money_to_minor(dec!(12500)), Some(1_250_000));
        assert_eq!(money_to_minor(dec!(1250.5)), Some(125_050));
        assert_eq!(money_to_minor(dec!(0.001)), None);
        assert_eq!(money_from_minor(1_250_050), dec!(12500.5));
        assert_eq!(qty_to_milli(dec!(1.5)), Some(1500));
        assert_eq!(qty_to_milli(dec!(0.0001)), None);
        assert_eq!(qty_from_milli(250), dec!(0.25));
    }

    #[test]
    fn formats_rupiah_the_indonesian_way() {
        assert_eq!(format_rupiah(dec!(12500)), "Rp12.500");
        assert_eq!(format_rupiah(dec!(1000000)), "Rp1.000.000");
    }

    #[test]
    fn parses_amounts_people_type() {
        assert_eq!(parse_amount("12500"), Some(dec!(12500)));
        assert_eq!(parse_amount("12.500"), Some(dec!(12500)));
        assert_eq!(parse_amount("Rp1.250.000"), Some(dec!(1250000)));
        assert_eq!(parse_amount("1.250,50"), Some(dec!(1250.50)));
        assert_eq!(parse_amount("312.5"), Some(dec!(312.5)));
        assert_eq!(parse_amount("12,5,0"), None);
        assert_eq!(parse_amount("1.25.000"), None);
        assert_eq!(parse_amount("abc"), None);
        assert_eq!(parse_amount(""), None);
    }

    #[test]
    fn cash_rounding_examples() {
        assert_eq!(round_cash_down(dec!(37350), dec!(100)), dec!(37300));
        assert_eq!(round_cash_down(dec!(37300), dec!(100)), dec!(37300));
        assert_eq!(round_cash_down(dec!(37399), dec!(500)), dec!(37000));
        assert_eq!(round_cash_down(dec!(37399), dec!(0)), dec!(37399));
    }

    proptest! {
        #[test]
        fn cash_rounding_never_charges_the_customer_more(
            minor in 0i64..10_000_000_000, step in prop::sample::select(vec![1i64, 50, 100, 200, 500, 1000])
        ) {
            let amount = money_from_minor(minor);
            let step = Decimal::from(step);
            let rounded = round_cash_down(amount, step);
            prop_assert!(rounded <= amount);
            prop_assert!(amount - rounded < step);
            prop_assert_eq!((rounded / step).fract(), Decimal::ZERO);
        }

        #[test]
        fn parse_amount_never_panics(s in ".{0,40}") {
            let _ = parse_amount(&s);
            let _ = parse_qty(&s);
        }
    }
}
