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

    /// Parse `DENOM*N` entries (`50000*2 1000*7`); the same denomination may repeat.
    pub fn parse(entries: &[String]) -> Result<CashCount, CountError> {
        let mut pieces: Vec<(i64, u32)> = Vec::new();
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
            let n: u32 = Quantity::parse(n, 0)
                .ok()
                .and_then(|n| u32::try_from(n.trunc()).ok())
                .filter(|n| *n <= 100_000)
                .ok_or_else(|| CountError::BadCount(e.clone()))?;
            match pieces.iter_mut().find(|(pd, _)| *pd == d) {
                Some(p) => p.1 += n,
                None => pieces.push((d, n)),
            }
        }
        pieces.sort();
        Ok(CashCount { pieces })
    }
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
}
