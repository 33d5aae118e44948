//! Closing a shift: what the drawer should hold, cash moves during the shift, the stored close.

use rusqlite::{params, Connection};
use rust_decimal::Decimal;

use super::shifts::SALES_OF_SHIFT;
use super::{minor, opt};
use crate::domain::money::money_from_minor as money;
use crate::error::Result;

/// Money a shift took, per tender, and its cash moves.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ShiftTotals {
    pub sales_count: u32,
    /// Σ sale totals before cash rounding.
    pub sales_total: Decimal,
    pub rounding: Decimal,
    /// Cash kept: tendered minus change.
    pub cash: Decimal,
    pub qris: Decimal,
    pub transfer: Decimal,
    pub kasbon: Decimal,
    pub returns_count: u32,
    pub returns_total: Decimal,
    pub refund_cash: Decimal,
    pub refund_kasbon: Decimal,
    pub cash_in: Decimal,
    pub cash_out: Decimal,
    pub repayments: Decimal,
    /// Cash out of the drawer paying for goods received.
    pub goods_paid: Decimal,
}

pub fn totals(c: &Connection, shift_id: i64) -> Result<ShiftTotals> {
    let mut t = ShiftTotals::default();
    let (n, total, rounding, change): (i64, i64, i64, i64) = c.query_row(
        &format!(
            "SELECT count(*), coalesce(sum(total), 0), coalesce(sum(rounding), 0),
                    coalesce(sum(change_given), 0)
             FROM sales s WHERE {SALES_OF_SHIFT}"
        ),
        [shift_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    t.sales_count = n as u32;
    t.sales_total = money(total);
    t.rounding = money(rounding);
    let mut st = c.prepare_cached(&format!(
        "SELECT t.kind, sum(t.amount) FROM sales s JOIN sale_tenders t ON t.sale_id = s.id
         WHERE {SALES_OF_SHIFT} GROUP BY t.kind"
    ))?;
    let rows: Vec<(String, i64)> = st
        .query_map([shift_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (k, a) in rows {
        let a = money(a);
        match k.as_str() {
            "cash" => t.cash = a - money(change),
            "qris" => t.qris = a,
            "transfer" => t.transfer = a,
            _ => t.kasbon = a,
        }
    }
    let (n, amount, cash, kasbon): (i64, i64, i64, i64) = c.query_row(
        "SELECT count(*), coalesce(sum(amount), 0), coalesce(sum(refund_cash), 0), coalesce(sum(refund_kasbon), 0)
         FROM returns WHERE shift_id = ?1",
        [shift_id],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
    )?;
    t.returns_count = n as u32;
    t.returns_total = money(amount);
    t.refund_cash = money(cash);
    t.refund_kasbon = money(kasbon);
    let mut st = c.prepare_cached(
        "SELECT kind, goods_receipt_id IS NOT NULL, sum(amount) FROM cash_moves WHERE shift_id = ?1
         GROUP BY 1, 2",
    )?;
    let rows: Vec<(String, bool, i64)> = st
        .query_map([shift_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (k, goods, a) in rows {
        let a = money(a);
        match k.as_str() {
            "in" => t.cash_in = a,
            "out" if goods => t.goods_paid = a,
            "out" => t.cash_out = a,
            _ => t.repayments = a,
        }
    }
    Ok(t)
}

/// The deliveries paid from a shift's drawer: (what the cash move says, amount).
pub fn goods_paid(c: &Connection, shift_id: i64) -> Result<Vec<(String, Decimal)>> {
    let mut st = c.prepare_cached(
        "SELECT reason, amount FROM cash_moves
         WHERE shift_id = ?1 AND goods_receipt_id IS NOT NULL ORDER BY id",
    )?;
    let rows = st
        .query_map([shift_id], |r| Ok((r.get(0)?, money(r.get(1)?))))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A cash move to record.
pub struct NewCashMove<'a> {
    pub uuid: &'a str,
    pub shift_id: i64,
    pub business_unit: &'a str,
    pub business_date: &'a str,
    pub kind: &'a str,
    pub amount: Decimal,
    pub member_id: Option<i64>,
    pub reason: &'a str,
    pub at: &'a str,
    pub actor: &'a str,
    pub approver: Option<&'a str>,
    /// For a repayment: the unit whose kasbon it settles (`None`: the till's unit).
    pub receivable_unit: Option<&'a str>,
    /// Cash out paying for a delivery: the goods receipt.
    pub goods_receipt_id: Option<i64>,
}

pub fn insert_cash_move(c: &Connection, m: &NewCashMove) -> Result<()> {
    c.execute(
        "INSERT INTO cash_moves(uuid, shift_id, business_unit, business_date, kind, amount, member_id,
             reason, at, actor, approver, receivable_unit, goods_receipt_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            m.uuid,
            m.shift_id,
            m.business_unit,
            m.business_date,
            m.kind,
            minor(m.amount)?,
            m.member_id,
            m.reason,
            m.at,
            m.actor,
            m.approver,
            m.receivable_unit,
            m.goods_receipt_id
        ],
    )?;
    Ok(())
}

/// The close of a shift as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftCloseRow {
    pub shift_id: i64,
    pub business_date: String,
    pub closed_at: String,
    pub actor: String,
    pub expected_cash: Decimal,
    pub counted_cash: Decimal,
    pub difference: Decimal,
    pub reason: Option<String>,
    /// The Z report as printed text.
    pub report: String,
}

pub struct NewShiftClose<'a> {
    pub shift_id: i64,
    pub business_date: &'a str,
    pub closed_at: &'a str,
    pub actor: &'a str,
    pub expected_cash: Decimal,
    pub counted_cash: Decimal,
    pub reason: Option<&'a str>,
    pub report: &'a str,
}

/// Store the close and mark the shift closed.
pub fn insert_close(c: &Connection, s: &NewShiftClose) -> Result<()> {
    c.execute(
        "INSERT INTO shift_closes(shift_id, business_date, closed_at, actor, expected_cash,
             counted_cash, difference, reason, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            s.shift_id,
            s.business_date,
            s.closed_at,
            s.actor,
            minor(s.expected_cash)?,
            minor(s.counted_cash)?,
            minor(s.counted_cash - s.expected_cash)?,
            s.reason,
            s.report
        ],
    )?;
    c.execute(
        "UPDATE shifts SET status = 'closed', closed_at = ?2,
                sales_to = (SELECT coalesce(max(id), 0) FROM sales)
         WHERE id = ?1 AND status = 'open'",
        params![s.shift_id, s.closed_at],
    )?;
    Ok(())
}

pub fn close_of(c: &Connection, shift_id: i64) -> Result<Option<ShiftCloseRow>> {
    opt(c.query_row(
        "SELECT shift_id, business_date, closed_at, actor, expected_cash, counted_cash, difference,
                reason, report FROM shift_closes WHERE shift_id = ?1",
        [shift_id],
        |r| {
            Ok(ShiftCloseRow {
                shift_id: r.get(0)?,
                business_date: r.get(1)?,
                closed_at: r.get(2)?,
                actor: r.get(3)?,
                expected_cash: money(r.get(4)?),
                counted_cash: money(r.get(5)?),
                difference: money(r.get(6)?),
                reason: r.get(7)?,
                report: r.get(8)?,
            })
        },
    ))
}

/// The last closed shift of a till.
pub fn last_closed_on(c: &Connection, till: &str) -> Result<Option<i64>> {
    opt(c.query_row(
        "SELECT id FROM shifts WHERE till = ?1 AND status = 'closed' ORDER BY id DESC LIMIT 1",
        [till],
        |r| r.get(0),
    ))
}
