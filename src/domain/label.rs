//! Label-scale barcodes: EAN-13 codes with prefix 20–29 that carry a product's in-store
//! item code (PLU) and its weight or price, as printed by a label scale.
//!
//! The shop's layout is one or more 12-character patterns for the digits before the check
//! digit (setting `barcode.instore`, comma-separated): digits are fixed prefix digits, `I`
//! the item code, `W` the weight in grams, `P` the price in rupiah. For example
//! `20IIIIIWWWWW,21IIIIIPPPPP`: `200012301250` + check digit is item 123 weighing 1,250 kg.

use rust_decimal::Decimal;

use super::barcode::gs1_check_digit;

/// Digits before the check digit of an EAN-13.
const BODY_LEN: usize = 12;
/// Widest item code a pattern may hold (and largest PLU: 999 999).
pub const MAX_PLU_DIGITS: usize = 6;
/// Largest in-store item code.
pub const MAX_PLU: u32 = 999_999;

/// What the variable part of a label code is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelField {
    /// Weight in grams.
    Weight,
    /// Price in rupiah.
    Price,
}

/// One pattern of the layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LabelPattern {
    text: String,
    /// (position, digit) of every fixed digit.
    fixed: Vec<(usize, u8)>,
    item: std::ops::Range<usize>,
    field: LabelField,
    value: std::ops::Range<usize>,
}

/// The shop's label layout: patterns tried in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelLayout {
    patterns: Vec<LabelPattern>,
}

/// Why a layout setting is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LayoutError {
    /// A pattern is not 12 characters.
    Length(String),
    /// A character other than a digit, `I`, `W`, `P`.
    BadChar(String, char),
    /// The first digit must be a fixed `2` (in-store codes are 20–29).
    NotInStore(String),
    /// No `I` run, or `I`/`W`/`P` split into more than one run.
    ItemCode(String),
    /// Neither or both of weight and price, or a field split into more than one run.
    Value(String),
    /// Two patterns that one code could match.
    Ambiguous(String, String),
}

/// What a label code says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelCode {
    /// The product's in-store item code.
    pub plu: u32,
    /// Weight in grams or price in rupiah.
    pub field: LabelField,
    pub value: u32,
}

/// Why a code that matches the layout cannot be sold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LabelError {
    BadCheckDigit,
    /// The weight or price is zero (or the product has no shelf price to weigh a price by).
    ZeroWeight,
}

fn single_run(text: &str, letter: char) -> Result<Option<std::ops::Range<usize>>, ()> {
    let first = text.find(letter);
    let last = text.rfind(letter);
    match (first, last) {
        (Some(a), Some(b)) => {
            if text[a..=b].chars().all(|c| c == letter) {
                Ok(Some(a..b + 1))
            } else {
                Err(())
            }
        }
        _ => Ok(None),
    }
}

impl LabelPattern {
    fn parse(raw: &str) -> Result<LabelPattern, LayoutError> {
        let text = raw.trim().to_ascii_uppercase();
        if text.chars().count() != BODY_LEN {
            return Err(LayoutError::Length(raw.trim().to_string()));
        }
        if let Some(c) = text
            .chars()
            .find(|c| !(c.is_ascii_digit() || matches!(c, 'I' | 'W' | 'P')))
        {
            return Err(LayoutError::BadChar(text, c));
        }
        if !text.starts_with('2') {
            return Err(LayoutError::NotInStore(text));
        }
        let item = match single_run(&text, 'I') {
            Ok(Some(r)) if r.len() <= MAX_PLU_DIGITS => r,
            _ => return Err(LayoutError::ItemCode(text)),
        };
        let (field, value) = match (single_run(&text, 'W'), single_run(&text, 'P')) {
            (Ok(Some(r)), Ok(None)) => (LabelField::Weight, r),
            (Ok(None), Ok(Some(r))) => (LabelField::Price, r),
            _ => return Err(LayoutError::Value(text)),
        };
        // Weights up to 99 999 g and prices up to 999 999 999 rupiah fit a u32.
        if value.len() > 9 {
            return Err(LayoutError::Value(text));
        }
        let fixed = text
            .bytes()
            .enumerate()
            .filter(|(_, b)| b.is_ascii_digit())
            .map(|(i, b)| (i, b - b'0'))
            .collect();
        Ok(LabelPattern {
            text,
            fixed,
            item,
            field,
            value,
        })
    }

    /// Whether some code could match both patterns (their fixed digits never disagree).
    fn overlaps(&self, other: &LabelPattern) -> bool {
        self.fixed.iter().all(|(i, d)| {
            other
                .fixed
                .iter()
                .find(|(j, _)| j == i)
                .is_none_or(|(_, e)| e == d)
        })
    }

    fn matches(&self, digits: &[u8]) -> bool {
        self.fixed
            .iter()
            .all(|(i, d)| digits.get(*i).is_some_and(|x| x == d))
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn number(digits: &[u8], range: std::ops::Range<usize>) -> u32 {
    digits
        .get(range)
        .unwrap_or_default()
        .iter()
        .fold(0u32, |n, d| {
            n.saturating_mul(10).saturating_add(u32::from(*d))
        })
}

impl LabelLayout {
    /// Parse the `barcode.instore` setting; empty means no label codes.
    pub fn parse(setting: &str) -> Result<LabelLayout, LayoutError> {
        let mut patterns: Vec<LabelPattern> = Vec::new();
        for raw in setting.split(',').filter(|p| !p.trim().is_empty()) {
            let p = LabelPattern::parse(raw)?;
            if let Some(q) = patterns.iter().find(|q| q.overlaps(&p)) {
                return Err(LayoutError::Ambiguous(q.text.clone(), p.text));
            }
            patterns.push(p);
        }
        Ok(LabelLayout { patterns })
    }

    /// The patterns, in order.
    pub fn patterns(&self) -> &[LabelPattern] {
        &self.patterns
    }

    /// What `code` says, if it is a 13-digit code matching one of the patterns (`None`:
    /// not a label code, look it up as a barcode). A matching code with a wrong check
    /// digit is refused.
    pub fn read(&self, code: &str) -> Option<Result<LabelCode, LabelError>> {
        let code = code.trim();
        if code.len() != BODY_LEN + 1 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits: Vec<u8> = code.bytes().map(|b| b - b'0').collect();
        let (check, body) = digits.split_last()?;
        let pattern = self.patterns.iter().find(|p| p.matches(body))?;
        if gs1_check_digit(body) != *check {
            return Some(Err(LabelError::BadCheckDigit));
        }
        let label = LabelCode {
            plu: number(body, pattern.item.clone()),
            field: pattern.field,
            value: number(body, pattern.value.clone()),
        };
        if label.value == 0 {
            return Some(Err(LabelError::ZeroWeight));
        }
        Some(Ok(label))
    }
}

/// What a label sells: the weight in kilograms and, for a price code, the printed price
/// that is the line's amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelSale {
    pub qty: Decimal,
    /// The printed price in rupiah (price codes only): the line costs exactly this.
    pub price: Option<Decimal>,
}

/// What a label sells, given the product's shelf (umum) price per kilogram.
///
/// A weight code is its weight, priced like any weighed line. A price code's amount is the
/// printed price, exactly; its weight is the printed price divided by the shelf price,
/// rounded UP to the gram, in the customer's favour: the customer is credited with at least
/// the goods they pay for (weight × shelf price ≥ printed price, and less than one gram's
/// price above it). Stock moves by that weight. A shelf price of zero or less gives no
/// weight and is refused.
pub fn label_qty(label: &LabelCode, shelf_price_per_kg: Decimal) -> Result<LabelSale, LabelError> {
    let (grams, price) = match label.field {
        LabelField::Weight => (Decimal::from(label.value), None),
        LabelField::Price => {
            if shelf_price_per_kg <= Decimal::ZERO {
                return Err(LabelError::ZeroWeight);
            }
            let printed = Decimal::from(label.value);
            (
                (printed * Decimal::ONE_THOUSAND / shelf_price_per_kg).ceil(),
                Some(printed),
            )
        }
    };
    if grams <= Decimal::ZERO {
        return Err(LabelError::ZeroWeight);
    }
    Ok(LabelSale {
        qty: grams / Decimal::ONE_THOUSAND,
        price,
    })
}

/// A label code for `plu` with `value` in `pattern` (check digit added), for the demo's
/// label printer and tests. `None` if the pattern is invalid or a number does not fit.
pub fn make_label(pattern: &str, plu: u32, value: u32) -> Option<String> {
    let p = LabelPattern::parse(pattern).ok()?;
    let fill = |range: &std::ops::Range<usize>, n: u32| -> Option<String> {
        let s = format!("{n:0width$}", width = range.len());
        (s.len() == range.len()).then_some(s)
    };
    let item = fill(&p.item, plu)?;
    let val = fill(&p.value, value)?;
    let mut body = p.text.clone();
    body.replace_range(p.item.clone(), &item);
    body.replace_range(p.value.clone(), &val);
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    let check = gs1_check_digit(&digits);
    Some(format!("{body}{check}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    const LAYOUT: &str = "20IIIIIWWWWW, 21IIIIIPPPPP";

    #[test]
    fn layouts_are_checked_when_set() {
        assert_eq!(LabelLayout::parse(LAYOUT).map(|l| l.patterns.len()), Ok(2));
        assert_eq!(LabelLayout::parse("").map(|l| l.patterns.len()), Ok(0));
        assert_eq!(
            LabelLayout::parse("2iiiiwwwwwww").map(|l| l.patterns[0].as_str().to_string()),
            Ok("2IIIIWWWWWWW".into())
        );
        let bad = [
            ("20IIIIIWWWW", "Length"),
            ("20IIIIIWWWWX", "BadChar"),
            ("30IIIIIWWWWW", "NotInStore"),
            ("20WWWWWWWWWW", "ItemCode"),
            ("20IIWIIWWWWW", "ItemCode"),
            ("2IIIIIIIWWWW", "ItemCode"),
            ("20IIIII00000", "Value"),
            ("20IIIIIWWPPP", "Value"),
            ("20IIIIIWW0WW", "Value"),
            ("20IIIIIWWWWW,2IIIIIIPPPPP", "Ambiguous"),
            ("20IIIIIWWWWW,20IIIIIPPPPP", "Ambiguous"),
        ];
        for (setting, kind) in bad {
            let got = LabelLayout::parse(setting);
            assert!(
                format!("{got:?}").contains(kind),
                "{setting}: expected {kind}, got {got:?}"
            );
        }
    }

    #[test]
    fn codes_are_read_by_their_pattern() {
        let layout = LabelLayout::parse(LAYOUT).unwrap();
        let weight = make_label("20IIIIIWWWWW", 123, 1250).unwrap();
        assert_eq!(weight, "2000123012506");
        let price = make_label("21IIIIIPPPPP", 7, 18_500).unwrap();
        let mut wrong = price.clone();
        let last = wrong.pop().unwrap();
        wrong.push(char::from(b'0' + (last as u8 - b'0' + 1) % 10));
        let table: Vec<(&str, Option<Result<LabelCode, LabelError>>)> = vec![
            (
                &weight,
                Some(Ok(LabelCode {
                    plu: 123,
                    field: LabelField::Weight,
                    value: 1250,
                })),
            ),
            (
                &price,
                Some(Ok(LabelCode {
                    plu: 7,
                    field: LabelField::Price,
                    value: 18_500,
                })),
            ),
            (&wrong, Some(Err(LabelError::BadCheckDigit))),
            ("2000123000008", Some(Err(LabelError::ZeroWeight))),
            // Not a pattern's prefix, or not 13 digits: an ordinary code.
            ("2200123012500", None),
            ("8991234567891", None),
            ("BRS-CRM", None),
            ("200012301250", None),
        ];
        for (code, want) in table {
            assert_eq!(layout.read(code), want, "{code}");
        }
        assert_eq!(LabelLayout::default().read(&weight), None);
        assert_eq!(make_label("20IIIIIWWWWW", 123_456, 1), None);
    }

    #[test]
    fn price_codes_sell_the_printed_price_and_round_the_weight_up() {
        let price = |rp| LabelCode {
            plu: 1,
            field: LabelField::Price,
            value: rp,
        };
        let sale = |qty, rp| {
            Ok(LabelSale {
                qty,
                price: Some(Decimal::from(rp)),
            })
        };
        // 18 500 at 40 000/kg is 0,4625 kg: rounded up to 0,463 kg, still Rp18 500.
        assert_eq!(
            label_qty(&price(18_500), dec!(40000)),
            sale(dec!(0.463), 18_500)
        );
        // 18 500 at 15 000/kg is 1,2333… kg: 1,234 kg.
        assert_eq!(
            label_qty(&price(18_500), dec!(15000)),
            sale(dec!(1.234), 18_500)
        );
        assert_eq!(
            label_qty(&price(18_600), dec!(15000)),
            sale(dec!(1.24), 18_600)
        );
        // Rp10 buys less than a gram of rice: the customer gets the gram.
        assert_eq!(label_qty(&price(10), dec!(15000)), sale(dec!(0.001), 10));
        assert_eq!(
            label_qty(&price(10), Decimal::ZERO),
            Err(LabelError::ZeroWeight)
        );
        let weight = LabelCode {
            plu: 1,
            field: LabelField::Weight,
            value: 1250,
        };
        assert_eq!(
            label_qty(&weight, dec!(15000)),
            Ok(LabelSale {
                qty: dec!(1.25),
                price: None
            })
        );
    }

    proptest::proptest! {
        /// The customer never gets less than they pay for, and gets less than one gram more.
        #[test]
        fn price_codes_never_short_the_customer(rp in 1u32..=999_999_999, unit in 1u32..=2_000_000) {
            let code = LabelCode { plu: 1, field: LabelField::Price, value: rp };
            let unit = Decimal::from(unit);
            let printed = Decimal::from(rp);
            let sale = label_qty(&code, unit).unwrap();
            proptest::prop_assert_eq!(sale.price, Some(printed));
            proptest::prop_assert_eq!(sale.qty, (sale.qty * Decimal::ONE_THOUSAND).trunc() / Decimal::ONE_THOUSAND);
            proptest::prop_assert!(sale.qty * unit >= printed, "{} at {}: {}", rp, unit, sale.qty);
            proptest::prop_assert!((sale.qty - dec!(0.001)) * unit < printed, "{} at {}: {}", rp, unit, sale.qty);
        }
    }
}
