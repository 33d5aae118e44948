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

/// Whether an amount may carry sen (1/100 rupiah). Cash never does: no coin is smaller
/// than a rupiah, so a cash tender, a float or a cash count is whole rupiah.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AllowSen {
    Yes,
    No,
}

/// Money typed by a person or written in a CSV.
pub struct Amount;

/// A quantity typed by a person or written in a CSV.
pub struct Quantity;

/// What kind of number was expected, for the message that shows the accepted forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberKind {
    Money(AllowSen),
    /// A quantity with at most this many decimals.
    Quantity(u32),
}

/// Why a typed number was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumberProblem {
    /// Not one of the accepted forms (a stray dot or comma, letters, spaces).
    Form,
    /// Below zero.
    Negative,
    /// Sen where only whole rupiah count.
    Sen,
    /// More decimals than allowed.
    TooPrecise,
    /// More than the store can hold.
    TooLarge,
}

/// A refused amount or quantity: the text as typed, what was expected and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberError {
    pub text: String,
    pub kind: NumberKind,
    pub problem: NumberProblem,
}

impl Amount {
    /// The one reading of money typed by a person, in Indonesian notation: digits, with dots
    /// grouping thousands consistently (`12500`, `12.500`, `1.250.000`) and a comma before
    /// the sen (`12.500,50`, at most two decimals, only where `sen` allows them), optionally
    /// after `Rp`. Anything else is refused rather than guessed: `12.50`, `5,000.00` and
    /// `2,500` have two readings. Never negative.
    pub fn parse(text: &str, sen: AllowSen) -> Result<Decimal, NumberError> {
        let kind = NumberKind::Money(sen);
        let t = text.trim();
        let t = ["Rp.", "Rp", "RP", "rp"]
            .iter()
            .find_map(|p| t.strip_prefix(p))
            .unwrap_or(t)
            .trim_start();
        let v = match read_number(t, MONEY_SCALE) {
            Err(NumberProblem::TooPrecise) if sen == AllowSen::No => Err(NumberProblem::Sen),
            Ok(v) if sen == AllowSen::No && !v.fract().is_zero() => Err(NumberProblem::Sen),
            other => other,
        }
        .map_err(|problem| err(text, kind, problem))?;
        money_to_minor(v).ok_or_else(|| err(text, kind, NumberProblem::TooLarge))?;
        Ok(v.normalize())
    }
}

impl Quantity {
    /// The one reading of a quantity typed by a person: the same notation as [`Amount`]
    /// (dots group thousands, the comma is the decimal mark: `1,5` kg, `1.200` pcs), with at
    /// most `max_decimals` decimals (at most three, the store's precision). Never negative.
    pub fn parse(text: &str, max_decimals: u32) -> Result<Decimal, NumberError> {
        let max_decimals = max_decimals.min(QTY_SCALE);
        let kind = NumberKind::Quantity(max_decimals);
        let v = read_number(text.trim(), max_decimals).map_err(|p| err(text, kind, p))?;
        qty_to_milli(v).ok_or_else(|| err(text, kind, NumberProblem::TooLarge))?;
        Ok(v.normalize())
    }
}

fn err(text: &str, kind: NumberKind, problem: NumberProblem) -> NumberError {
    NumberError {
        text: text.trim().chars().take(40).collect(),
        kind,
        problem,
    }
}

/// Indonesian notation: `D+` or `D{1,3}(.DDD)+`, then optionally `,D{1,max_decimals}`.
fn read_number(t: &str, max_decimals: u32) -> Result<Decimal, NumberProblem> {
    if let Some(rest) = t.strip_prefix(['-', '\u{2212}']) {
        return Err(match read_number(rest, max_decimals) {
            Ok(_) => NumberProblem::Negative,
            Err(e) => e,
        });
    }
    let (int, frac) = match t.split_once(',') {
        Some((i, f)) => (i, Some(f)),
        None => (t, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let whole: String = if int.contains('.') {
        let mut groups = int.split('.');
        let head = groups.next().unwrap_or("");
        let grouped = digits(head)
            && head.len() <= 3
            && !head.starts_with('0')
            && groups.all(|g| g.len() == 3 && digits(g));
        if !grouped {
            return Err(NumberProblem::Form);
        }
        int.replace('.', "")
    } else if digits(int) {
        int.to_string()
    } else {
        return Err(NumberProblem::Form);
    };
    if whole.len() > 18 {
        return Err(NumberProblem::TooLarge);
    }
    // As many decimals as written, zeros too: `2,500` is not Rp2,50 written oddly but most
    // likely 2500 written the English way, so it is refused where sen have two digits.
    let plain = match frac {
        None => whole,
        Some(f) if !digits(f) => return Err(NumberProblem::Form),
        Some(f) if f.len() > max_decimals as usize => return Err(NumberProblem::TooPrecise),
        Some(f) => format!("{whole}.{f}"),
    };
    Decimal::from_str_exact(&plain).map_err(|_| NumberProblem::TooLarge)
}

/// A number as kasir writes it into a CSV or a form: the comma before decimals, no grouping
/// (`436,25`, `12500`, `0,5`), so that it reads back with [`Amount`] and [`Quantity`].
pub fn plain_number(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
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

    /// Every form a person might type, and what kasir makes of it: one reading or a refusal.
    #[test]
    fn amounts_and_quantities_have_one_reading_or_none() {
        use AllowSen::{No, Yes};
        use NumberProblem::*;
        let money: &[(&str, AllowSen, Result<Decimal, NumberProblem>)] = &[
            ("12500", Yes, Ok(dec!(12500))),
            ("12.500", Yes, Ok(dec!(12500))),
            ("1.250.000", No, Ok(dec!(1250000))),
            ("Rp1.250.000", No, Ok(dec!(1250000))),
            ("Rp 12.500", No, Ok(dec!(12500))),
            ("12.500,50", Yes, Ok(dec!(12500.50))),
            ("1250,5", Yes, Ok(dec!(1250.5))),
            ("12.500,00", No, Ok(dec!(12500))),
            ("0", No, Ok(dec!(0))),
            (" 7000 ", No, Ok(dec!(7000))),
            // Two readings each: refused, never guessed.
            ("12,5.00", Yes, Err(Form)),
            ("5,000.00", Yes, Err(Form)),
            ("12.50", Yes, Err(Form)),
            ("312.5", Yes, Err(Form)),
            ("1.25.000", Yes, Err(Form)),
            ("12500.00", Yes, Err(Form)),
            ("1.2500", Yes, Err(Form)),
            ("0.500", Yes, Err(Form)),
            ("12,5,0", Yes, Err(Form)),
            ("12 500", Yes, Err(Form)),
            ("12,", Yes, Err(Form)),
            (",5", Yes, Err(Form)),
            (".500", Yes, Err(Form)),
            ("1e3", Yes, Err(Form)),
            ("abc", Yes, Err(Form)),
            ("", Yes, Err(Form)),
            ("+100", Yes, Err(Form)),
            // A comma is the decimal mark: three decimals are not sen.
            ("2,500", Yes, Err(TooPrecise)),
            ("12,505", Yes, Err(TooPrecise)),
            // Cash is whole rupiah.
            ("3500,5", No, Err(Sen)),
            ("3.500,50", No, Err(Sen)),
            ("2,500", No, Err(Sen)),
            ("-100", No, Err(Negative)),
            ("-1.000,50", Yes, Err(Negative)),
            ("99999999999999999999", Yes, Err(TooLarge)),
            ("999.999.999.999.999.999", Yes, Err(TooLarge)),
        ];
        for (text, sen, want) in money {
            let got = Amount::parse(text, *sen).map_err(|e| e.problem);
            assert_eq!(&got, want, "amount {text:?} ({sen:?})");
        }
        let qty: &[(&str, u32, Result<Decimal, NumberProblem>)] = &[
            ("2", 3, Ok(dec!(2))),
            ("1,5", 3, Ok(dec!(1.5))),
            ("0,25", 3, Ok(dec!(0.25))),
            ("7,66", 3, Ok(dec!(7.66))),
            ("1,125", 3, Ok(dec!(1.125))),
            ("1.200", 3, Ok(dec!(1200))),
            ("1.200,5", 3, Ok(dec!(1200.5))),
            ("2,000", 0, Err(TooPrecise)),
            ("0.25", 3, Err(Form)),
            ("1.5", 3, Err(Form)),
            ("2.5kg", 3, Err(Form)),
            ("1,2345", 3, Err(TooPrecise)),
            ("1,5", 0, Err(TooPrecise)),
            ("-3", 3, Err(Negative)),
            ("", 3, Err(Form)),
        ];
        for (text, dp, want) in qty {
            let got = Quantity::parse(text, *dp).map_err(|e| e.problem);
            assert_eq!(&got, want, "quantity {text:?} ({dp} decimals)");
        }
    }

    #[test]
    fn what_kasir_writes_reads_back() {
        for d in [dec!(436.25), dec!(12500), dec!(1250000.5), dec!(0)] {
            assert_eq!(Amount::parse(&plain_number(d), AllowSen::Yes), Ok(d));
        }
        for d in [dec!(1.125), dec!(0.5), dec!(1200), dec!(7.66)] {
            assert_eq!(Quantity::parse(&plain_number(d), 3), Ok(d));
        }
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
            let _ = Amount::parse(&s, AllowSen::Yes);
            let _ = Quantity::parse(&s, 3);
        }
    }
}
