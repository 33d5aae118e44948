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
        /// Stock value is conserved: after any sequence of receipts and issues, the value
        /// left equals what came in minus what went out, and never goes negative while
        /// stock remains.
        #[test]
        fn moving_average_conserves_value(
            ops in prop::collection::vec((any::<bool>(), 1i64..500, 1i64..200_000), 1..60)
        ) {
            let (mut on_hand, mut value, mut last) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
            let (mut value_in, mut value_out) = (Decimal::ZERO, Decimal::ZERO);
            for (receive, q, cost_sen) in ops {
                let q = Decimal::from(q);
                if receive {
                    let cost = Decimal::new(cost_sen, 2);
                    let v = round_money(q * cost);
                    on_hand += q;
                    value += v;
                    value_in += v;
                    last = cost;
                } else if on_hand > Decimal::ZERO {
                    let q = q.min(on_hand);
                    let c = issue_cost(q, on_hand, value, last);
                    prop_assert!(c >= Decimal::ZERO);
                    on_hand -= q;
                    value -= c;
                    value_out += c;
                    prop_assert!(value >= Decimal::ZERO);
                    if on_hand.is_zero() {
                        prop_assert_eq!(value, Decimal::ZERO);
                    }
                }
                prop_assert_eq!(value, value_in - value_out);
                prop_assert_eq!(round_money(value), value);
            }
        }
    }
}
