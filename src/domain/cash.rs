//! Cash in the drawer: rupiah denominations and counts.

use rust_decimal::Decimal;

use super::money::{AllowSen, Amount, Quantity};
use serde::{Deserialize, Serialize};

/// Notes and coins in circulation, smallest first.
pub const DENOMINATIONS: [i64; 10] = [
    100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000,
];

/// A count of the drawer: how many of each denomination.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashCount {
    /// (denomination in rupiah, pieces)
    pub pieces: Vec<(i64, u32)>,
}

/// Why a count was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CountError {
    /// Not a rupiah note or coin.
    UnknownDenomination(String),
    BadCount(String),
}

impl CashCount {
    /// Total value of the count.
    pub fn total(&self) -> Decimal {
        self.pieces
            .iter()
            .map(|(d, n)| Decimal::from(*d) * Decimal::from(*n))
            .sum()
    }

    /// Parse `DENOM*N` entries (`50000*2 1000*7`), as typed at the command line; the same
    /// denomination may repeat.
    pub fn parse(entries: &[String]) -> Result<CashCount, CountError> {
        let mut count = CashCount::default();
        for e in entries {
            let (d, n) = e
                .split_once('*')
                .ok_or_else(|| CountError::BadCount(e.clone()))?;
            let d = Amount::parse(d, AllowSen::No)
                .ok()
                .and_then(|d| {
                    i64::try_from(d.trunc())
                        .ok()
                        .filter(|_| d.fract().is_zero())
                })
                .filter(|d| DENOMINATIONS.contains(d))
                .ok_or_else(|| CountError::UnknownDenomination(d.to_string()))?;
            let n = pieces(n).ok_or_else(|| CountError::BadCount(e.clone()))?;
            count.add(d, n)?;
        }
        count.pieces.sort();
        Ok(count)
    }

    /// A count from the pieces typed per denomination, as the till's count form has them
    /// (one field a note or coin): an empty field, or 0, is none of that denomination.
    pub fn from_fields<'a>(
        fields: impl IntoIterator<Item = (i64, &'a str)>,
    ) -> Result<CashCount, CountError> {
        let mut count = CashCount::default();
        for (d, text) in fields {
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let n = pieces(text).ok_or_else(|| CountError::BadCount(format!("{d}*{text}")))?;
            if n > 0 {
                count.add(d, n)?;
            }
        }
        count.pieces.sort();
        Ok(count)
    }

    /// `n` more of denomination `d` (a rupiah note or coin).
    fn add(&mut self, d: i64, n: u32) -> Result<(), CountError> {
        if !DENOMINATIONS.contains(&d) {
            return Err(CountError::UnknownDenomination(d.to_string()));
        }
        match self.pieces.iter_mut().find(|(pd, _)| *pd == d) {
            Some(p) => p.1 += n,
            None => self.pieces.push((d, n)),
        }
        Ok(())
    }
}

/// A number of pieces: a whole number, at most 100.000.
fn pieces(text: &str) -> Option<u32> {
    Quantity::parse(text, 0)
        .ok()
        .and_then(|n| u32::try_from(n.trunc()).ok())
        .filter(|n| *n <= 100_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_add_up_and_refuse_odd_notes() {
        let c = CashCount::parse(&["50000*2".into(), "1000*7".into(), "1.000*3".into()]).unwrap();
        assert_eq!(c.total(), Decimal::from(110_000));
        assert_eq!(c.pieces, vec![(1000, 10), (50000, 2)]);
        assert!(matches!(
            CashCount::parse(&["3000*1".into()]),
            Err(CountError::UnknownDenomination(_))
        ));
        assert!(matches!(
            CashCount::parse(&["1000*x".into()]),
            Err(CountError::BadCount(_))
        ));
        assert!(matches!(
            CashCount::parse(&["1000*1,5".into()]),
            Err(CountError::BadCount(_))
        ));
        assert_eq!(
            CashCount::parse(&["100*1.200".into()]).map(|c| c.total()),
            Ok(Decimal::from(120_000))
        );
        assert!(matches!(
            CashCount::parse(&["1000".into()]),
            Err(CountError::BadCount(_))
        ));
    }

    #[test]
    fn the_count_form_gives_the_same_count_as_the_command_line() {
        let form = [(100_000, " 2 "), (50_000, ""), (1_000, "7"), (500, "0")];
        let c = CashCount::from_fields(form).unwrap();
        assert_eq!(
            c,
            CashCount::parse(&["100000*2".into(), "1000*7".into()]).unwrap()
        );
        assert_eq!(c.pieces, vec![(1000, 7), (100_000, 2)]);
        assert_eq!(
            CashCount::from_fields([(1000, "x")]),
            Err(CountError::BadCount("1000*x".into()))
        );
        assert!(matches!(
            CashCount::from_fields([(3000, "1")]),
            Err(CountError::UnknownDenomination(_))
        ));
        assert_eq!(CashCount::from_fields([]), Ok(CashCount::default()));
    }
}
