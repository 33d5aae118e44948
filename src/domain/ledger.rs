//! The books: balanced journals, the day's posting rules, and exact sharing of a sum.
//!
//! A [`Journal`] cannot exist unbalanced: its only constructor checks Σdebit = Σcredit exactly
//! and its lines are private. Posting ([`post_day`]) turns a day's activity into one journal
//! per business unit, keyed by account *roles* (`cash.sembako`, `sales.apotek.member`…) that
//! the chart maps to the coop's own codes.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use super::catalog::BusinessUnit;

/// One line of a journal: an account and a debit or a credit (never both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalLine {
    pub account: String,
    pub debit: Decimal,
    pub credit: Decimal,
    pub memo: String,
}

/// Why a journal could not be built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JournalError {
    Unbalanced { debit: Decimal, credit: Decimal },
    NegativeAmount(String),
    BothSides(String),
    TooPrecise(String),
    Empty,
}

/// A balanced journal (Σdebit = Σcredit exactly), by construction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Journal {
    lines: Vec<JournalLine>,
}

impl Journal {
    /// Build a journal, refusing it unless every line is one-sided, non-negative, at most
    /// 1/100 rupiah precise, and the debits equal the credits exactly.
    pub fn new(lines: Vec<JournalLine>) -> Result<Journal, JournalError> {
        let lines: Vec<JournalLine> = lines
            .into_iter()
            .filter(|l| !(l.debit.is_zero() && l.credit.is_zero()))
            .collect();
        if lines.is_empty() {
            return Err(JournalError::Empty);
        }
        let (mut debit, mut credit) = (Decimal::ZERO, Decimal::ZERO);
        for l in &lines {
            if l.debit < Decimal::ZERO || l.credit < Decimal::ZERO {
                return Err(JournalError::NegativeAmount(l.account.clone()));
            }
            if !l.debit.is_zero() && !l.credit.is_zero() {
                return Err(JournalError::BothSides(l.account.clone()));
            }
            if l.debit.normalize().scale() > 2 || l.credit.normalize().scale() > 2 {
                return Err(JournalError::TooPrecise(l.account.clone()));
            }
            debit += l.debit;
            credit += l.credit;
        }
        if debit != credit {
            return Err(JournalError::Unbalanced { debit, credit });
        }
        Ok(Journal { lines })
    }

    pub fn lines(&self) -> &[JournalLine] {
        &self.lines
    }

    /// Σdebit (= Σcredit).
    pub fn total(&self) -> Decimal {
        self.lines.iter().map(|l| l.debit).sum()
    }

    /// The journal that undoes this one: every debit becomes a credit and back.
    pub fn reversed(&self) -> Journal {
        Journal {
            lines: self
                .lines
                .iter()
                .map(|l| JournalLine {
                    account: l.account.clone(),
                    debit: l.credit,
                    credit: l.debit,
                    memo: l.memo.clone(),
                })
                .collect(),
        }
    }

    /// The same journal with each account key replaced (role → code); refuses unknown keys.
    pub fn map_accounts<E>(
        &self,
        mut f: impl FnMut(&str) -> Result<String, E>,
    ) -> Result<Journal, E> {
        let mut lines = Vec::with_capacity(self.lines.len());
        for l in &self.lines {
            lines.push(JournalLine {
                account: f(&l.account)?,
                ..l.clone()
            });
        }
        Ok(Journal { lines })
    }
}

/// Signed amounts per account (debit positive), netted; becomes a [`Journal`].
#[derive(Debug, Clone, Default)]
pub struct JournalDraft {
    net: BTreeMap<String, Decimal>,
}

impl JournalDraft {
    pub fn debit(&mut self, account: impl Into<String>, amount: Decimal) {
        *self.net.entry(account.into()).or_default() += amount;
    }
    pub fn credit(&mut self, account: impl Into<String>, amount: Decimal) {
        *self.net.entry(account.into()).or_default() -= amount;
    }
    pub fn is_empty(&self) -> bool {
        self.net.values().all(|v| v.is_zero())
    }
    /// One line per account with a non-zero net, debits first in account order.
    pub fn build(self) -> Result<Journal, JournalError> {
        let mut lines: Vec<JournalLine> = self
            .net
            .into_iter()
            .filter(|(_, v)| !v.is_zero())
            .map(|(account, v)| JournalLine {
                account,
                debit: v.max(Decimal::ZERO),
                credit: (-v).max(Decimal::ZERO),
                memo: String::new(),
            })
            .collect();
        lines.sort_by_key(|l| l.debit.is_zero());
        Journal::new(lines)
    }
}

/// Posting role names.
pub mod role {
    use super::BusinessUnit;

    pub fn cash(u: BusinessUnit) -> String {
        format!("cash.{}", u.as_str())
    }
    pub fn receivable(u: BusinessUnit) -> String {
        format!("receivable.{}", u.as_str())
    }
    pub fn inventory(u: BusinessUnit) -> String {
        format!("inventory.{}", u.as_str())
    }
    fn who(member: bool) -> &'static str {
        if member {
            "member"
        } else {
            "public"
        }
    }
    pub fn sales(u: BusinessUnit, member: bool) -> String {
        format!("sales.{}.{}", u.as_str(), who(member))
    }
    pub fn cogs(u: BusinessUnit, member: bool) -> String {
        format!("cogs.{}.{}", u.as_str(), who(member))
    }
    pub const BANK: &str = "bank";
    pub const QRIS: &str = "qris";
    pub const PPN_OUT: &str = "ppn_out";
    pub const RETURNS: &str = "returns";
    pub const STOCK_LOSS: &str = "stock_loss";
    pub const PETTY_CASH: &str = "petty_cash";
    pub const OVER_SHORT: &str = "over_short";
    pub const ROUNDING: &str = "rounding";
    pub const INTERUNIT: &str = "interunit";
    pub const PAYABLE: &str = "payable";
    /// Kas Besar: the office safe.
    pub const CASH_SAFE: &str = "cash.safe";
    /// The equity the opening balances are stated against (Modal / Saldo Awal).
    pub const OPENING_EQUITY: &str = "equity.opening";
}

/// A sale or return line as posting needs it (amounts positive). Its cost is booked from
/// the stock moves ([`StockPost`]), not from here.
#[derive(Debug, Clone, PartialEq)]
pub struct PostLine {
    /// The product's unit: revenue belongs there.
    pub unit: BusinessUnit,
    /// Tax-inclusive amount.
    pub amount: Decimal,
    pub ppn: Decimal,
}

/// Why stock moved, as the books see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockFlow {
    /// Sold (HPP), to a member or the public.
    Sold { member: bool },
    /// Returned by a customer (HPP reversed).
    Returned { member: bool },
    /// Written off (damaged, expired, lost) or found different at a count (opname).
    Adjusted,
    /// Received from a supplier on credit (utang dagang).
    BoughtOnCredit,
    /// Received and paid in cash from a unit's kas (a till's drawer of that unit).
    BoughtFromKas(BusinessUnit),
    /// Received and paid in cash from the office safe (Kas Besar).
    BoughtFromSafe,
    /// Brought in without a supplier or payment after the opening balances (stock the coop
    /// already owned): against Modal / Saldo Awal.
    BroughtIn,
}

/// The stock moves of a day of one kind, summed: Persediaan of `unit` changes by exactly
/// `value` (the moves' own values, negative out of stock).
#[derive(Debug, Clone, PartialEq)]
pub struct StockPost {
    pub unit: BusinessUnit,
    pub flow: StockFlow,
    pub value: Decimal,
}

/// A sale for posting.
#[derive(Debug, Clone, PartialEq)]
pub struct PostSale {
    /// The counter's unit: the money belongs there.
    pub counter: BusinessUnit,
    pub member: bool,
    pub lines: Vec<PostLine>,
    /// Cash kept (tendered minus change), QRIS, transfer, kasbon.
    pub cash: Decimal,
    pub qris: Decimal,
    pub transfer: Decimal,
    pub kasbon: Decimal,
    /// Cash rounding given to the customer.
    pub rounding: Decimal,
}

/// A return for posting.
#[derive(Debug, Clone, PartialEq)]
pub struct PostReturn {
    pub counter: BusinessUnit,
    /// Whether the original sale was to a member.
    pub member: bool,
    pub lines: Vec<PostLine>,
    pub refund_cash: Decimal,
    pub refund_kasbon: Decimal,
    /// Kept by the shop when a cash refund is rounded down.
    pub rounding: Decimal,
}

/// A day's cash and stock events outside sales, per unit.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PostDay {
    pub sales: Vec<PostSale>,
    pub returns: Vec<PostReturn>,
    /// (counter unit, counted − expected) of each shift closed.
    pub over_short: Vec<(BusinessUnit, Decimal)>,
    /// (counter unit, amount): cash brought into a drawer (from the bank).
    pub cash_in: Vec<(BusinessUnit, Decimal)>,
    /// (counter unit, amount): petty cash paid out of a drawer.
    pub cash_out: Vec<(BusinessUnit, Decimal)>,
    /// (counter unit, amount): kasbon repaid in cash.
    /// Kasbon repaid: (till's unit, unit whose receivable it settles, amount).
    pub repayments: Vec<(BusinessUnit, BusinessUnit, Decimal)>,
    /// Every stock move of the day after the opening balances, at the moves' values: so
    /// Persediaan per unit follows the stock value per unit exactly.
    pub stock: Vec<StockPost>,
}

/// The day's drafts, one per business unit with any activity (in unit order), in role keys.
pub fn post_day(day: &PostDay) -> Vec<(BusinessUnit, JournalDraft)> {
    type Drafts = Vec<(BusinessUnit, JournalDraft)>;
    let mut d: Drafts = Vec::new();
    fn j(d: &mut Drafts, u: BusinessUnit) -> &mut JournalDraft {
        let i = match d.iter().position(|(x, _)| *x == u) {
            Some(i) => i,
            None => {
                d.push((u, JournalDraft::default()));
                d.len() - 1
            }
        };
        &mut d[i].1
    }
    // Goods of another unit: the product's unit is owed what the counter took.
    fn across(d: &mut Drafts, counter: BusinessUnit, l: &PostLine, amount: Decimal) {
        if l.unit != counter {
            j(d, counter).credit(role::INTERUNIT, amount);
            j(d, l.unit).debit(role::INTERUNIT, amount);
        }
    }
    for s in &day.sales {
        let c = s.counter;
        let cj = j(&mut d, c);
        cj.debit(role::cash(c), s.cash);
        cj.debit(role::QRIS, s.qris);
        cj.debit(role::BANK, s.transfer);
        cj.debit(role::receivable(c), s.kasbon);
        cj.debit(role::ROUNDING, s.rounding);
        for l in &s.lines {
            across(&mut d, c, l, l.amount);
            let p = j(&mut d, l.unit);
            p.credit(role::sales(l.unit, s.member), l.amount - l.ppn);
            p.credit(role::PPN_OUT, l.ppn);
        }
    }
    for r in &day.returns {
        let c = r.counter;
        let cj = j(&mut d, c);
        cj.credit(role::cash(c), r.refund_cash);
        cj.credit(role::receivable(c), r.refund_kasbon);
        cj.credit(role::ROUNDING, r.rounding);
        for l in &r.lines {
            across(&mut d, c, l, -l.amount);
            let p = j(&mut d, l.unit);
            p.debit(role::RETURNS, l.amount - l.ppn);
            p.debit(role::PPN_OUT, l.ppn);
        }
    }
    for (u, diff) in &day.over_short {
        j(&mut d, *u).debit(role::cash(*u), *diff);
        j(&mut d, *u).credit(role::OVER_SHORT, *diff);
    }
    for (u, a) in &day.cash_in {
        j(&mut d, *u).debit(role::cash(*u), *a);
        j(&mut d, *u).credit(role::BANK, *a);
    }
    for (u, a) in &day.cash_out {
        j(&mut d, *u).debit(role::PETTY_CASH, *a);
        j(&mut d, *u).credit(role::cash(*u), *a);
    }
    for (u, owed, a) in &day.repayments {
        j(&mut d, *u).debit(role::cash(*u), *a);
        if owed == u {
            j(&mut d, *u).credit(role::receivable(*u), *a);
        } else {
            // Cash taken at one unit's till for another unit's kasbon.
            j(&mut d, *u).credit(role::INTERUNIT, *a);
            j(&mut d, *owed).debit(role::INTERUNIT, *a);
            j(&mut d, *owed).credit(role::receivable(*owed), *a);
        }
    }
    for m in &day.stock {
        let u = m.unit;
        j(&mut d, u).debit(role::inventory(u), m.value);
        match m.flow {
            // Goods out at cost: HPP; back from a customer: HPP reversed.
            StockFlow::Sold { member } | StockFlow::Returned { member } => {
                j(&mut d, u).credit(role::cogs(u, member), m.value)
            }
            StockFlow::Adjusted => j(&mut d, u).credit(role::STOCK_LOSS, m.value),
            StockFlow::BoughtOnCredit => j(&mut d, u).credit(role::PAYABLE, m.value),
            StockFlow::BoughtFromKas(payer) if payer == u => {
                j(&mut d, u).credit(role::cash(u), m.value)
            }
            StockFlow::BoughtFromKas(payer) => {
                // Another unit's drawer paid for this unit's goods.
                j(&mut d, u).credit(role::INTERUNIT, m.value);
                j(&mut d, payer).debit(role::INTERUNIT, m.value);
                j(&mut d, payer).credit(role::cash(payer), m.value);
            }
            StockFlow::BoughtFromSafe => j(&mut d, u).credit(role::CASH_SAFE, m.value),
            StockFlow::BroughtIn => j(&mut d, u).credit(role::OPENING_EQUITY, m.value),
        }
    }
    d.retain(|(_, draft)| !draft.is_empty());
    d.sort_by_key(|(u, _)| u.as_str());
    d
}

/// Share `total` (whole rupiah) in proportion to `weights`, to the rupiah, so that the
/// shares add up to `total` exactly: each gets the floor of its quota, and the rupiahs left
/// go to the largest remainders (ties: earlier first). All-zero weights share nothing.
pub fn allocate(total: Decimal, weights: &[Decimal]) -> Vec<Decimal> {
    let sum: Decimal = weights.iter().copied().sum();
    if sum <= Decimal::ZERO || total <= Decimal::ZERO {
        return vec![Decimal::ZERO; weights.len()];
    }
    let total = total.trunc();
    let mut shares = Vec::with_capacity(weights.len());
    let mut rema: Vec<(usize, Decimal)> = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = total * *w / sum;
        let floor = exact.floor();
        shares.push(floor);
        rema.push((i, exact - floor));
    }
    let given: Decimal = shares.iter().copied().sum();
    let mut left = total - given;
    rema.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for (i, _) in rema {
        if left <= Decimal::ZERO {
            break;
        }
        if weights[i] > Decimal::ZERO {
            shares[i] += Decimal::ONE;
            left -= Decimal::ONE;
        }
    }
    shares
}

/// Split a repayment over the units a member owes: `till_unit` first, then the others in
/// order, each up to what it is owed; a remainder no unit accounts for (an opening balance)
/// goes to `till_unit`. Parts are positive and add up to `amount`.
pub fn allocate_repayment(
    till_unit: &str,
    amount: Decimal,
    owed: &[(String, Decimal)],
) -> Vec<(String, Decimal)> {
    let mut order: Vec<&(String, Decimal)> = owed.iter().filter(|(u, _)| u == till_unit).collect();
    order.extend(owed.iter().filter(|(u, _)| u != till_unit));
    let mut left = amount;
    let mut parts: Vec<(String, Decimal)> = Vec::new();
    for (unit, due) in order {
        let take = left.min(*due);
        if take > Decimal::ZERO {
            parts.push((unit.clone(), take));
            left -= take;
        }
    }
    if left > Decimal::ZERO {
        match parts.iter_mut().find(|(u, _)| u == till_unit) {
            Some(p) => p.1 += left,
            None => parts.insert(0, (till_unit.to_string(), left)),
        }
    }
    parts
}

#[cfg(test)]
mod repay_tests {
    use super::allocate_repayment;
    use rust_decimal_macros::dec;

    fn owed(list: &[(&str, rust_decimal::Decimal)]) -> Vec<(String, rust_decimal::Decimal)> {
        list.iter().map(|(u, a)| (u.to_string(), *a)).collect()
    }

    #[test]
    fn the_tills_own_unit_is_repaid_first_then_the_others() {
        let o = owed(&[("apotek", dec!(100000)), ("sembako", dec!(50000))]);
        assert_eq!(
            allocate_repayment("sembako", dec!(120000), &o),
            owed(&[("sembako", dec!(50000)), ("apotek", dec!(70000))])
        );
        assert_eq!(
            allocate_repayment("sembako", dec!(30000), &o),
            owed(&[("sembako", dec!(30000))])
        );
        assert_eq!(
            allocate_repayment("apotek", dec!(120000), &o),
            owed(&[("apotek", dec!(100000)), ("sembako", dec!(20000))])
        );
    }

    #[test]
    fn a_balance_no_unit_accounts_for_goes_to_the_tills_unit() {
        assert_eq!(
            allocate_repayment("sembako", dec!(40000), &[]),
            owed(&[("sembako", dec!(40000))])
        );
        let o = owed(&[("apotek", dec!(10000)), ("sembako", dec!(-5000))]);
        assert_eq!(
            allocate_repayment("sembako", dec!(40000), &o),
            owed(&[("sembako", dec!(30000)), ("apotek", dec!(10000))])
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    fn line(a: &str, d: Decimal, c: Decimal) -> JournalLine {
        JournalLine {
            account: a.into(),
            debit: d,
            credit: c,
            memo: String::new(),
        }
    }

    #[test]
    fn an_unbalanced_journal_cannot_be_built() {
        assert_eq!(
            Journal::new(vec![
                line("1-1101", dec!(100), dec!(0)),
                line("4-1101", dec!(0), dec!(99.99))
            ]),
            Err(JournalError::Unbalanced {
                debit: dec!(100),
                credit: dec!(99.99)
            })
        );
        assert!(matches!(
            Journal::new(vec![line("x", dec!(5), dec!(5))]),
            Err(JournalError::BothSides(_))
        ));
        assert!(matches!(
            Journal::new(vec![
                line("x", dec!(0.001), dec!(0)),
                line("y", dec!(0), dec!(0.001))
            ]),
            Err(JournalError::TooPrecise(_))
        ));
        assert_eq!(Journal::new(vec![]), Err(JournalError::Empty));
        let j = Journal::new(vec![
            line("1-1101", dec!(100), dec!(0)),
            line("4-1101", dec!(0), dec!(100)),
        ])
        .unwrap();
        assert_eq!(j.reversed().lines()[0].credit, dec!(100));
    }

    #[test]
    fn goods_of_the_other_unit_go_through_the_inter_unit_account() {
        let day = PostDay {
            sales: vec![PostSale {
                counter: BusinessUnit::Sembako,
                member: false,
                lines: vec![PostLine {
                    unit: BusinessUnit::Apotek,
                    amount: dec!(12000),
                    ppn: dec!(0),
                }],
                cash: dec!(12000),
                qris: dec!(0),
                transfer: dec!(0),
                kasbon: dec!(0),
                rounding: dec!(0),
            }],
            stock: vec![StockPost {
                unit: BusinessUnit::Apotek,
                flow: StockFlow::Sold { member: false },
                value: dec!(-9000),
            }],
            ..PostDay::default()
        };
        let d = post_day(&day);
        assert_eq!(d.len(), 2);
        let a = d[0].1.clone().build().unwrap();
        let s = d[1].1.clone().build().unwrap();
        let get = |j: &Journal, acc: &str| {
            j.lines()
                .iter()
                .find(|l| l.account == acc)
                .map(|l| l.debit - l.credit)
        };
        assert_eq!(get(&s, "cash.sembako"), Some(dec!(12000)));
        assert_eq!(get(&s, "interunit"), Some(dec!(-12000)));
        assert_eq!(get(&a, "interunit"), Some(dec!(12000)));
        assert_eq!(get(&a, "sales.apotek.public"), Some(dec!(-12000)));
        assert_eq!(get(&a, "inventory.apotek"), Some(dec!(-9000)));
    }

    #[test]
    fn every_stock_flow_moves_persediaan_by_the_moves_value() {
        use BusinessUnit::{Apotek, Sembako};
        let flows = [
            (
                Sembako,
                StockFlow::Sold { member: true },
                dec!(-2785.5),
                "cogs.sembako.member",
            ),
            (
                Sembako,
                StockFlow::Returned { member: false },
                dec!(2785.5),
                "cogs.sembako.public",
            ),
            (Sembako, StockFlow::Adjusted, dec!(-43000), "stock_loss"),
            (Sembako, StockFlow::Adjusted, dec!(8600), "stock_loss"),
            (
                Sembako,
                StockFlow::BoughtOnCredit,
                dec!(19686.59),
                "payable",
            ),
            (
                Sembako,
                StockFlow::BoughtFromKas(Sembako),
                dec!(10000),
                "cash.sembako",
            ),
            (
                Sembako,
                StockFlow::BoughtFromSafe,
                dec!(171000),
                "cash.safe",
            ),
            (Sembako, StockFlow::BroughtIn, dec!(5000), "equity.opening"),
        ];
        for (unit, flow, value, other) in flows {
            let day = PostDay {
                stock: vec![StockPost { unit, flow, value }],
                ..PostDay::default()
            };
            let d = post_day(&day);
            assert_eq!(d.len(), 1);
            let j = d[0].1.clone().build().unwrap();
            let net = |acc: &str| {
                j.lines()
                    .iter()
                    .filter(|l| l.account == acc)
                    .map(|l| l.debit - l.credit)
                    .sum::<Decimal>()
            };
            assert_eq!(net("inventory.sembako"), value, "{flow:?}");
            assert_eq!(net(other), -value, "{flow:?}");
        }
        // Goods of the apotek paid from a sembako drawer: the drawer's kas, across units.
        let day = PostDay {
            stock: vec![StockPost {
                unit: Apotek,
                flow: StockFlow::BoughtFromKas(Sembako),
                value: dec!(75000),
            }],
            ..PostDay::default()
        };
        let d = post_day(&day);
        let a = d[0].1.clone().build().unwrap();
        let s = d[1].1.clone().build().unwrap();
        let net = |j: &Journal, acc: &str| {
            j.lines()
                .iter()
                .filter(|l| l.account == acc)
                .map(|l| l.debit - l.credit)
                .sum::<Decimal>()
        };
        assert_eq!(net(&a, "inventory.apotek"), dec!(75000));
        assert_eq!(net(&a, "interunit"), dec!(-75000));
        assert_eq!(net(&s, "interunit"), dec!(75000));
        assert_eq!(net(&s, "cash.sembako"), dec!(-75000));
    }

    proptest! {
        #[test]
        fn allocation_adds_up_exactly(total in 0i64..10_000_000, ws in prop::collection::vec(0i64..1_000_000, 1..40)) {
            let weights: Vec<Decimal> = ws.iter().map(|w| Decimal::from(*w)).collect();
            let shares = allocate(Decimal::from(total), &weights);
            let sum: Decimal = shares.iter().copied().sum();
            if ws.iter().any(|w| *w > 0) {
                prop_assert_eq!(sum, Decimal::from(total));
            } else {
                prop_assert_eq!(sum, Decimal::ZERO);
            }
            for (s, w) in shares.iter().zip(&weights) {
                let exact = Decimal::from(total) * *w / weights.iter().copied().sum::<Decimal>().max(Decimal::ONE);
                prop_assert!((*s - exact).abs() < Decimal::ONE);
            }
        }
    }
}
