//! Stock valuation: moving-average cost, and the variance of a count.

use rust_decimal::Decimal;

use super::money::round_money;

/// The cost of taking `qty` base units out of stock that holds `on_hand` worth `value`:
/// the moving average `value × qty / on_hand`, so what remains keeps its average exactly.
/// Taking everything takes the whole value; anything beyond what is on hand (or any issue
/// from empty or valueless stock) is costed at `last_cost` per base unit.
pub fn issue_cost(qty: Decimal, on_hand: Decimal, value: Decimal, last_cost: Decimal) -> Decimal {
    if on_hand > Decimal::ZERO && value > Decimal::ZERO {
        if qty >= on_hand {
            value + round_money((qty - on_hand) * last_cost)
        } else {
            round_money(value * qty / on_hand)
        }
    } else {
        round_money(qty * last_cost)
    }
}

/// The value of `qty` base units coming back into stock at the current average cost
/// (an opname surplus), or at `last_cost` when there is no average.
pub fn average_value(
    qty: Decimal,
    on_hand: Decimal,
    value: Decimal,
    last_cost: Decimal,
) -> Decimal {
    if on_hand > Decimal::ZERO && value > Decimal::ZERO {
        round_money(value * qty / on_hand)
    } else {
        round_money(qty * last_cost)
    }
}

/// The adjustment a count calls for: counted − what the books said when it was counted.
/// Sales and receipts after the count moved the books and the shelf alike, so they do not
/// change the variance.
pub fn count_variance(counted: Decimal, expected_at_count: Decimal) -> Decimal {
    counted - expected_at_count
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    #[test]
    fn average_cost_examples() {
        // 10 at 1.000 + 10 at 1.500 → 25.000 for 20; selling 5 takes 6.250.
        assert_eq!(
            issue_cost(dec!(5), dec!(20), dec!(25000), dec!(1500)),
            dec!(6250)
        );
        assert_eq!(
            issue_cost(dec!(20), dec!(20), dec!(25000), dec!(1500)),
            dec!(25000)
        );
        assert_eq!(issue_cost(dec!(2), dec!(0), dec!(0), dec!(700)), dec!(1400));
        assert_eq!(count_variance(dec!(8), dec!(10)), dec!(-2));
    }

    proptest! {
        /// An issue is costed at the moving average: what is taken out is within half a
        /// sen of value × qty / on hand, so what remains keeps its average cost per unit
        /// (to the sen); it is never more than the stock holds and never negative, and
        /// taking everything takes the whole value.
        #[test]
        fn moving_average_keeps_the_average_of_what_remains(
            ops in prop::collection::vec((any::<bool>(), 1i64..500, 1i64..200_000), 1..60)
        ) {
            let (mut on_hand, mut value, mut last) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
            let half_sen = dec!(0.005);
            for (receive, q, cost_sen) in ops {
                let q = Decimal::from(q);
                if receive {
                    let cost = Decimal::new(cost_sen, 2);
                    on_hand += q;
                    value += round_money(q * cost);
                    last = cost;
                } else if on_hand > Decimal::ZERO {
                    let q = q.min(on_hand);
                    let c = issue_cost(q, on_hand, value, last);
                    prop_assert_eq!(round_money(c), c);
                    prop_assert!(c >= Decimal::ZERO && c <= value);
                    // The exact share of the value, by the definition of the average.
                    prop_assert!((c - value * q / on_hand).abs() <= half_sen);
                    let (left, value_left) = (on_hand - q, value - c);
                    if left.is_zero() {
                        prop_assert_eq!(value_left, Decimal::ZERO);
                    } else {
                        // Average before and after differ by at most the rounding of c.
                        let drift = (value_left * on_hand - value * left).abs();
                        prop_assert!(drift <= half_sen * on_hand);
                    }
                    on_hand = left;
                    value = value_left;
                }
            }
        }
    }
}
