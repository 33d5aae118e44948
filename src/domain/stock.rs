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

/// Where a quantity is taken from: so much from each batch, in turn, and the rest from
/// stock kept without a batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan<B> {
    /// (batch, quantity), in the order taken; each quantity above zero.
    pub takes: Vec<(B, Decimal)>,
    /// What no batch holds: taken from unbatched stock.
    pub rest: Decimal,
}

impl<B: Copy> Plan<B> {
    /// The stock moves of the plan: each batch's part, then the rest (if any) unbatched.
    pub fn moves(&self) -> Vec<(Option<B>, Decimal)> {
        let mut out: Vec<(Option<B>, Decimal)> =
            self.takes.iter().map(|&(b, q)| (Some(b), q)).collect();
        if self.rest > Decimal::ZERO {
            out.push((None, self.rest));
        }
        out
    }

    /// What the batches give (`qty − rest`).
    pub fn from_batches(&self) -> Decimal {
        self.takes.iter().map(|(_, q)| *q).sum()
    }
}

/// `qty` taken from `batches` (batch, what it holds) in the order given: from each as much as
/// it holds, until nothing is left; what they cannot give is the plan's rest. Batches that
/// hold nothing are passed over.
pub fn take_in_order<B: Copy>(
    batches: impl IntoIterator<Item = (B, Decimal)>,
    qty: Decimal,
) -> Plan<B> {
    let mut left = qty.max(Decimal::ZERO);
    let mut takes = Vec::new();
    for (b, holds) in batches {
        if left.is_zero() {
            break;
        }
        if holds <= Decimal::ZERO {
            continue;
        }
        let take = left.min(holds);
        takes.push((b, take));
        left -= take;
    }
    Plan { takes, rest: left }
}

/// First expiry first (FEFO): `qty` taken from `batches` (batch, expiry, what it holds) by
/// expiry date, undated batches last, batches expiring together in the order given. With
/// `today`, a batch that expired before it is never taken (an expired batch is never sold);
/// what the batches cannot give is the plan's rest. Expiry is any ordered date
/// (`YYYY-MM-DD` text orders as the dates do).
pub fn fefo_plan<B: Copy, E: Ord>(
    batches: &[(B, Option<E>, Decimal)],
    qty: Decimal,
    today: Option<&E>,
) -> Plan<B> {
    let mut order: Vec<&(B, Option<E>, Decimal)> = batches
        .iter()
        .filter(|(_, expiry, _)| match (today, expiry) {
            (Some(t), Some(e)) => e >= t,
            _ => true,
        })
        .collect();
    // Stable: batches with the same expiry keep the order given.
    order.sort_by(|a, b| match (&a.1, &b.1) {
        (Some(x), Some(y)) => x.cmp(y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    take_in_order(order.into_iter().map(|(b, _, holds)| (*b, *holds)), qty)
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

    #[test]
    fn fefo_takes_the_first_expiry_first_and_never_an_expired_batch() {
        let batches = [
            (1, Some("2027-03-01"), dec!(5)),
            (2, None, dec!(100)),
            (3, Some("2026-12-31"), dec!(4)),
            (4, Some("2026-11-30"), dec!(9)), // expired before today
            (5, Some("2027-03-01"), dec!(2)),
            (6, Some("2026-12-31"), dec!(0)), // empty
        ];
        let today = "2026-12-01";
        let plan = fefo_plan(&batches, dec!(10), Some(&today));
        assert_eq!(plan.takes, vec![(3, dec!(4)), (1, dec!(5)), (5, dec!(1))]);
        assert_eq!(plan.rest, dec!(0));
        // Undated batches come last; beyond every batch is the rest.
        let plan = fefo_plan(&batches, dec!(120), Some(&today));
        assert_eq!(
            plan.takes,
            vec![(3, dec!(4)), (1, dec!(5)), (5, dec!(2)), (2, dec!(100))]
        );
        assert_eq!(plan.rest, dec!(9));
        assert_eq!(plan.from_batches(), dec!(111));
        assert_eq!(plan.moves().last(), Some(&(None, dec!(9))));
        // Without a day (write-offs, counts), an expired batch is taken first.
        let plan = fefo_plan(&batches, dec!(10), None);
        assert_eq!(plan.takes, vec![(4, dec!(9)), (3, dec!(1))]);
        // Nothing asked, nothing taken.
        assert_eq!(fefo_plan(&batches, dec!(0), None).moves(), vec![]);
    }

    #[test]
    fn taking_in_order_keeps_the_order_given() {
        let plan = take_in_order([(7, dec!(2)), (3, dec!(5))], dec!(4));
        assert_eq!(plan.moves(), vec![(Some(7), dec!(2)), (Some(3), dec!(2))]);
        let plan = take_in_order([(7, dec!(2))], dec!(4.5));
        assert_eq!(plan.moves(), vec![(Some(7), dec!(2)), (None, dec!(2.5))]);
    }

    proptest! {
        #[test]
        fn a_plan_takes_exactly_what_is_asked_never_more_than_a_batch_holds(
            holds in proptest::collection::vec((0i64..50, proptest::option::of(0u8..5)), 0..6),
            qty in 0i64..200,
        ) {
            let batches: Vec<(usize, Option<u8>, Decimal)> = holds
                .iter()
                .enumerate()
                .map(|(i, (h, e))| (i, *e, Decimal::from(*h)))
                .collect();
            let plan = fefo_plan(&batches, Decimal::from(qty), Some(&2));
            prop_assert_eq!(plan.from_batches() + plan.rest, Decimal::from(qty));
            for (b, q) in &plan.takes {
                prop_assert!(*q > Decimal::ZERO && *q <= batches[*b].2);
                prop_assert!(batches[*b].1.is_none_or(|e| e >= 2));
            }
            // The rest is only what the unexpired batches could not give.
            let fresh: Decimal = batches
                .iter()
                .filter(|b| b.1.is_none_or(|e| e >= 2))
                .map(|b| b.2)
                .sum();
            prop_assert_eq!(plan.rest, (Decimal::from(qty) - fresh).max(Decimal::ZERO));
        }
    }
}
