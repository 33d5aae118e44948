//! PPN (Pajak Pertambahan Nilai, VAT) on the coop's prices, which include it.
//!
//! **The rule.** A PKP coop states PPN per receipt, in whole rupiah, fractions rounded down
//! (Indonesian tax documents state PPN without sen). For a sale:
//!
//! * T = the sum of its taxable (PPN) line amounts after discounts; exempt goods carry none;
//! * PPN = ⌊T × r / (100 + r)⌋ rupiah, r the effective rate (setting `tax.ppn_percent`).
//!   With r = 11 that is ⌊T × 11/111⌋; PPN 12% on a DPP of 11/12 of the price (the rule
//!   since 2025) is the same effective 11%, so the same 11/111;
//! * DPP (the tax base) = T − PPN.
//!
//! Cash rounding is a payment adjustment made after the total: it never changes T or PPN.
//!
//! **Shares.** The sale's PPN is shared over its taxable lines in whole rupiah by largest
//! remainder ([`PpnShares`]: it cannot be built not summing to the sale's PPN), so the
//! journal of each business unit gets whole rupiah that add up to the receipt exactly. A
//! return reverses a whole-rupiah part of a line's share ([`returned_share`]): rounded down
//! on the way, the last return of the line taking what is left, so returning everything
//! reverses exactly the sale's PPN.

use rust_decimal::Decimal;
use serde::Serialize;

use super::catalog::TaxClass;

/// Tax settings of the coop.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaxRule {
    /// Whether the coop is a PKP (registered for PPN).
    pub pkp: bool,
    /// Effective PPN on the tax-inclusive price, in percent (11 for 12% on DPP 11/12).
    pub effective_percent: Decimal,
}

impl TaxRule {
    /// The PPN contained in a sale whose taxable lines come to `taxable_total`:
    /// ⌊T × r / (100 + r)⌋ whole rupiah; zero unless the coop is PKP.
    pub fn sale_ppn(&self, taxable_total: Decimal) -> Decimal {
        let r = self.effective_percent;
        if !self.pkp || taxable_total <= Decimal::ZERO || r <= Decimal::ZERO {
            return Decimal::ZERO;
        }
        (taxable_total * r / (Decimal::ONE_HUNDRED + r))
            .floor()
            .normalize()
    }

    /// The sale's PPN and its whole-rupiah share per line, for lines of (amount after
    /// discount, tax class) in sale order.
    pub fn shares(&self, lines: &[(Decimal, TaxClass)]) -> PpnShares {
        let taxable: Vec<Decimal> = lines
            .iter()
            .map(|(a, c)| match c {
                TaxClass::Ppn => (*a).max(Decimal::ZERO),
                TaxClass::Exempt => Decimal::ZERO,
            })
            .collect();
        let total = self.sale_ppn(taxable.iter().sum());
        PpnShares {
            lines: largest_remainder(total, &taxable),
            total,
        }
    }
}

/// `whole` (whole rupiah) shared in proportion to `weights` in whole rupiah: each gets the
/// floor of its exact part, and the rupiah left over go one each to the largest fractions
/// (the earlier line first on a tie). Integer arithmetic on sen, so Σ = `whole` exactly
/// whenever Σ weights > 0.
fn largest_remainder(whole: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
    let sen = |d: Decimal| i128::try_from((d * Decimal::ONE_HUNDRED).trunc()).unwrap_or(0);
    let w: Vec<i128> = weights.iter().map(|d| sen(*d).max(0)).collect();
    let sum: i128 = w.iter().sum();
    let whole_i = i128::try_from(whole.trunc()).unwrap_or(0);
    if sum <= 0 || whole_i <= 0 {
        return vec![Decimal::ZERO; weights.len()];
    }
    let mut out: Vec<i128> = w.iter().map(|x| whole_i * x / sum).collect();
    let rem: Vec<i128> = w.iter().map(|x| whole_i * x % sum).collect();
    let left = whole_i - out.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..w.len()).filter(|&i| w[i] > 0).collect();
    order.sort_by(|&a, &b| rem[b].cmp(&rem[a]).then(a.cmp(&b)));
    for &i in order.iter().take(usize::try_from(left).unwrap_or(0)) {
        out[i] += 1;
    }
    out.into_iter().map(Decimal::from).collect()
}

/// A sale's PPN and its whole-rupiah shares per line. Built only by [`TaxRule::shares`], so
/// the shares always add up to the sale's PPN.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PpnShares {
    total: Decimal,
    lines: Vec<Decimal>,
}

impl PpnShares {
    /// The sale's PPN, whole rupiah.
    pub fn total(&self) -> Decimal {
        self.total
    }

    /// Each line's share, in sale order (zero on exempt lines).
    pub fn lines(&self) -> &[Decimal] {
        &self.lines
    }
}

/// DPP, the tax base printed on the receipt: the taxable line amounts T less their PPN.
pub fn dpp(taxable_total: Decimal, ppn: Decimal) -> Decimal {
    taxable_total - ppn
}

/// The whole-rupiah part of a line's PPN `share` that returning `part` more of its `qty`
/// reverses, when `done` of it has been returned already reversing `done_share`: the
/// cumulative part rounded down, the last return taking what is left.
pub fn returned_share(
    share: Decimal,
    qty: Decimal,
    done: Decimal,
    done_share: Decimal,
    part: Decimal,
) -> Decimal {
    let cum = done + part;
    if qty <= Decimal::ZERO || cum >= qty {
        return share - done_share;
    }
    (share * cum / qty).floor() - done_share
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    const PKP: TaxRule = TaxRule {
        pkp: true,
        effective_percent: dec!(11),
    };

    #[test]
    fn three_sachets_at_1500_carry_445_rupiah_not_445_95() {
        let s = PKP.shares(&[(dec!(4500), TaxClass::Ppn)]);
        assert_eq!(s.total(), dec!(445));
        assert_eq!(dpp(dec!(4500), s.total()), dec!(4055));
        // 12% on DPP 11/12 is the same 11/111 of the price.
        let twelve = dec!(12) * dec!(11) / dec!(12);
        let rule = TaxRule {
            effective_percent: twelve,
            ..PKP
        };
        assert_eq!(rule.sale_ppn(dec!(4500)), dec!(445));
    }

    #[test]
    fn per_receipt_not_per_line() {
        // Three lines of Rp1.000: per line ⌊110,99⌋ × 3 = 297, per receipt ⌊297,29⌋ = 297;
        // seven lines of Rp1.000: per line 770, per receipt ⌊693,69⌋ = 693.
        let lines = vec![(dec!(1000), TaxClass::Ppn); 7];
        let s = PKP.shares(&lines);
        assert_eq!(s.total(), dec!(693));
        assert_eq!(s.lines().iter().sum::<Decimal>(), dec!(693));
        assert!(s.lines().iter().all(|l| *l == dec!(99) || *l == dec!(100)));
        let mixed = PKP.shares(&[
            (dec!(11100), TaxClass::Ppn),
            (dec!(75000), TaxClass::Exempt),
        ]);
        assert_eq!(mixed.lines(), &[dec!(1100), dec!(0)]);
        let not_pkp = TaxRule { pkp: false, ..PKP };
        assert_eq!(
            not_pkp.shares(&[(dec!(11100), TaxClass::Ppn)]).total(),
            dec!(0)
        );
    }

    fn line() -> impl Strategy<Value = (Decimal, TaxClass)> {
        (
            0i64..5_000_000,
            0u32..3,
            prop_oneof![
                Just(TaxClass::Ppn),
                Just(TaxClass::Ppn),
                Just(TaxClass::Exempt)
            ],
        )
            .prop_map(|(minor, scale, c)| (Decimal::new(minor, scale.min(2)), c))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        #[test]
        fn shares_are_whole_rupiah_and_add_up_to_the_sale_ppn(
            lines in prop::collection::vec(line(), 1..25),
            units in prop::collection::vec(0u8..3, 25),
        ) {
            let s = PKP.shares(&lines);
            let t: Decimal = lines.iter().filter(|l| l.1 == TaxClass::Ppn).map(|l| l.0).sum();
            prop_assert_eq!(s.total(), (t * dec!(11) / dec!(111)).floor());
            prop_assert_eq!(s.lines().iter().sum::<Decimal>(), s.total());
            for (share, (amount, class)) in s.lines().iter().zip(&lines) {
                prop_assert!(share.fract().is_zero() && *share >= Decimal::ZERO);
                if *class == TaxClass::Exempt {
                    prop_assert_eq!(*share, Decimal::ZERO);
                }
                // Largest remainder: never a rupiah away from the exact part.
                if !t.is_zero() {
                    let exact = s.total() * *amount / t;
                    prop_assert!((*share - exact).abs() < Decimal::ONE || *class == TaxClass::Exempt);
                }
            }
            // Per business unit (the journal's PPN Keluaran lines): whole rupiah, same sum.
            let mut by_unit = std::collections::BTreeMap::<u8, Decimal>::new();
            for (u, share) in units.iter().zip(s.lines()) {
                *by_unit.entry(*u).or_default() += *share;
            }
            prop_assert!(by_unit.values().all(|v| v.fract().is_zero()));
            prop_assert_eq!(by_unit.values().sum::<Decimal>(), s.total());
        }

        #[test]
        fn returns_in_any_parts_reverse_exactly_the_line_share(
            share in 0i64..100_000,
            qty in 1i64..50,
            cuts in prop::collection::vec(1i64..10, 1..10),
        ) {
            let (share, qty) = (Decimal::from(share), Decimal::from(qty));
            let (mut done, mut back) = (Decimal::ZERO, Decimal::ZERO);
            for c in cuts.iter().map(|c| Decimal::from(*c)) {
                let part = c.min(qty - done);
                if part <= Decimal::ZERO {
                    break;
                }
                let r = returned_share(share, qty, done, back, part);
                prop_assert!(r.fract().is_zero() && r >= Decimal::ZERO);
                done += part;
                back += r;
            }
            if done < qty {
                back += returned_share(share, qty, done, back, qty - done);
            }
            prop_assert_eq!(back, share);
        }
    }
}
