//! Barcode checks: EAN-13, EAN-8, UPC-A check digits and in-store (20–29) codes, and the
//! `qty*code` form cashiers type.

use rust_decimal::Decimal;

use super::money::{Quantity, QTY_SCALE};

/// What kind of code a scanned or typed string is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    Ean13,
    Ean8,
    UpcA,
    /// EAN-13 with prefix 20–29: a code the shop assigned itself.
    InStore,
    /// A shop SKU or other non-GTIN code.
    Sku,
}

/// Why a code was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeError {
    Empty,
    BadCheckDigit,
    /// Characters that no scanner sends for a product (control bytes, spaces, symbols).
    Garbage,
    TooLong,
}

/// Mod-10 check digit over `digits` (without the check digit), GS1 weights 3,1 from the right.
pub fn gs1_check_digit(digits: &[u8]) -> u8 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| u32::from(*d) * if i % 2 == 0 { 3 } else { 1 })
        .sum();
    ((10 - sum % 10) % 10) as u8
}

fn gs1_valid(code: &str) -> bool {
    let digits: Vec<u8> = code.bytes().map(|b| b - b'0').collect();
    match digits.split_last() {
        Some((check, body)) => gs1_check_digit(body) == *check,
        None => false,
    }
}

/// Classify and validate a product code. All-digit codes of GTIN length must carry a valid
/// check digit; other codes are SKUs (letters, digits, `-`, `.`, `/`).
pub fn classify(code: &str) -> Result<CodeKind, CodeError> {
    if code.is_empty() {
        return Err(CodeError::Empty);
    }
    if code.len() > 48 {
        return Err(CodeError::TooLong);
    }
    if code.bytes().all(|b| b.is_ascii_digit()) {
        let kind = match code.len() {
            13 if matches!(code.as_bytes()[0], b'2') => CodeKind::InStore,
            13 => CodeKind::Ean13,
            12 => CodeKind::UpcA,
            8 => CodeKind::Ean8,
            _ => return Ok(CodeKind::Sku),
        };
        return if gs1_valid(code) {
            Ok(kind)
        } else {
            Err(CodeError::BadCheckDigit)
        };
    }
    if code
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'/' | b'_'))
    {
        Ok(CodeKind::Sku)
    } else {
        Err(CodeError::Garbage)
    }
}

/// A scan entry split into its optional quantity and its code: `3*8991234567891`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanEntry {
    pub qty: Option<Decimal>,
    pub code: String,
}

/// Split `qty*code`, `code*qty` (the CLI's form) or just `code`. The quantity may use a
/// decimal comma. When both sides are numbers the longer one is the code.
pub fn parse_entry(text: &str) -> Result<ScanEntry, EntryError> {
    let t = text.trim();
    let Some((a, b)) = t.split_once('*') else {
        return Ok(ScanEntry {
            qty: None,
            code: t.to_string(),
        });
    };
    let (a, b) = (a.trim(), b.trim());
    let qty = |s: &str| Quantity::parse(s, QTY_SCALE).ok();
    let (qa, qb) = (qty(a), qty(b));
    // A side written like a number with a separator is a quantity, never a code: `1.5*…`
    // is a mistyped quantity, not the code "1.5".
    let numberish = |s: &str| {
        let unsigned = s.strip_prefix('-').unwrap_or(s);
        (unsigned.len() < s.len() || unsigned.bytes().any(|b| b == b'.' || b == b','))
            && !unsigned.is_empty()
            && unsigned
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b',')
    };
    if (qa.is_none() && numberish(a)) || (qb.is_none() && numberish(b)) {
        return Err(EntryError::BadQty);
    }
    let (qty, code) = match (qa, qb) {
        (Some(q), Some(_)) if a.len() <= b.len() => (q, b),
        (Some(_), Some(q)) => (q, a),
        (Some(q), None) => (q, b),
        (None, Some(q)) => (q, a),
        (None, None) => return Err(EntryError::BadQty),
    };
    if code.is_empty() {
        return Err(EntryError::BadQty);
    }
    Ok(ScanEntry {
        qty: Some(qty),
        code: code.to_string(),
    })
}

/// A `qty*code` entry whose quantity part is not a number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryError {
    BadQty,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn check_digits_of_known_codes() {
        assert_eq!(classify("8991234567891"), Ok(CodeKind::Ean13));
        assert_eq!(classify("8991234567892"), Err(CodeError::BadCheckDigit));
        assert_eq!(classify("96385074"), Ok(CodeKind::Ean8));
        assert_eq!(classify("96385075"), Err(CodeError::BadCheckDigit));
        assert_eq!(classify("036000291452"), Ok(CodeKind::UpcA));
        assert_eq!(classify("036000291453"), Err(CodeError::BadCheckDigit));
        assert_eq!(classify("2000001000007"), Ok(CodeKind::InStore));
        assert_eq!(classify("BRS-PW5"), Ok(CodeKind::Sku));
        assert_eq!(classify("89912\u{1b}34"), Err(CodeError::Garbage));
        assert_eq!(classify("899 123"), Err(CodeError::Garbage));
        assert_eq!(classify(""), Err(CodeError::Empty));
    }

    #[test]
    fn qty_star_code() {
        assert_eq!(
            parse_entry("3*8991234567891"),
            Ok(ScanEntry {
                qty: Some(dec!(3)),
                code: "8991234567891".into()
            })
        );
        assert_eq!(parse_entry("1,5*TLR").map(|e| e.qty), Ok(Some(dec!(1.5))));
        assert_eq!(
            parse_entry("8991234567891*2").map(|e| (e.qty, e.code)),
            Ok((Some(dec!(2)), "8991234567891".into()))
        );
        assert_eq!(parse_entry("BRS-PW5*2").map(|e| e.qty), Ok(Some(dec!(2))));
        assert_eq!(parse_entry("x*y"), Err(EntryError::BadQty));
        // A dot does not mark decimals: `1.5` has no reading.
        assert_eq!(parse_entry("1.5*TLR"), Err(EntryError::BadQty));
        assert_eq!(parse_entry("1.5*8991234567891"), Err(EntryError::BadQty));
        assert_eq!(parse_entry("8991234567891*0.5"), Err(EntryError::BadQty));
        assert_eq!(parse_entry("8991234567891*-2"), Err(EntryError::BadQty));
        assert_eq!(parse_entry(" 899 ").map(|e| e.qty), Ok(None));
    }

    proptest! {
        #[test]
        fn any_twelve_digits_plus_computed_check_is_valid(body in prop::collection::vec(0u8..10, 12)) {
            let check = gs1_check_digit(&body);
            let code: String = body.iter().chain(std::iter::once(&check)).map(|d| char::from(b'0' + d)).collect();
            prop_assert!(classify(&code).is_ok());
            let wrong: String = body.iter().chain(std::iter::once(&((check + 1) % 10))).map(|d| char::from(b'0' + d)).collect();
            prop_assert_eq!(classify(&wrong), Err(CodeError::BadCheckDigit));
        }

        #[test]
        fn classify_never_panics(s in "\\PC{0,60}") {
            let _ = classify(&s);
            let _ = parse_entry(&s);
        }
    }
}
