//! Returns against a receipt: what was sold, what came back already, and the new return.

use rusqlite::{params, Connection};
use rust_decimal::Decimal;

use super::{milli, minor};
use crate::domain::money::{money_from_minor as money, qty_from_milli as qty};
use crate::error::Result;

/// A sale line with what has been returned of it so far.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnableLine {
    pub id: i64,
    pub line_no: i64,
    pub product_id: i64,
    pub unit_id: i64,
    pub name: String,
    /// The unit it was sold in.
    pub unit: String,
    pub qty: Decimal,
    pub base_qty: Decimal,
    pub amount: Decimal,
    pub ppn: Decimal,
    pub cost: Decimal,
    pub business_unit: String,
    pub returned_qty: Decimal,
    pub returned_amount: Decimal,
    pub returned_ppn: Decimal,
    pub returned_cost: Decimal,
}

pub fn returnable_lines(c: &Connection, sale_id: i64) -> Result<Vec<ReturnableLine>> {
    let mut st = c.prepare(
        "SELECT l.id, l.line_no, l.product_id, l.unit_id, l.name, l.qty, l.base_qty, l.amount, l.ppn,
                l.cost, l.business_unit, coalesce(sum(r.qty), 0), coalesce(sum(r.amount), 0),
                coalesce(sum(r.ppn), 0), coalesce(sum(r.cost), 0), l.unit
         FROM sale_lines l LEFT JOIN return_lines r ON r.sale_line_id = l.id
         WHERE l.sale_id = ?1 GROUP BY l.id ORDER BY l.line_no",
    )?;
    let rows = st
        .query_map([sale_id], |r| {
            Ok(ReturnableLine {
                id: r.get(0)?,
                line_no: r.get(1)?,
                product_id: r.get(2)?,
                unit_id: r.get(3)?,
                name: r.get(4)?,
                qty: qty(r.get(5)?),
                base_qty: qty(r.get(6)?),
                amount: money(r.get(7)?),
                ppn: money(r.get(8)?),
                cost: money(r.get(9)?),
                business_unit: r.get(10)?,
                returned_qty: qty(r.get(11)?),
                returned_amount: money(r.get(12)?),
                returned_ppn: money(r.get(13)?),
                returned_cost: money(r.get(14)?),
                unit: r.get(15)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Per batch of `product_id`: base quantity taken by the sale minus what returns put back.
pub fn batches_left(c: &Connection, sale_id: i64, product_id: i64) -> Result<Vec<(i64, Decimal)>> {
    let mut st = c.prepare(
        "SELECT batch_id, sum(q) FROM (
            SELECT batch_id, -qty AS q, id FROM stock_moves
            WHERE kind = 'sale' AND ref_type = 'sale' AND ref_id = ?1 AND product_id = ?2
              AND batch_id IS NOT NULL
            UNION ALL
            SELECT batch_id, -qty, id FROM stock_moves
            WHERE kind = 'return' AND ref_type = 'return' AND product_id = ?2 AND batch_id IS NOT NULL
              AND ref_id IN (SELECT id FROM returns WHERE sale_id = ?1))
         GROUP BY batch_id HAVING sum(q) > 0 ORDER BY min(id)",
    )?;
    let rows = st
        .query_map(params![sale_id, product_id], |r| {
            Ok((r.get(0)?, qty(r.get::<_, i64>(1)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Kasbon already refunded against a sale.
pub fn kasbon_refunded(c: &Connection, sale_id: i64) -> Result<Decimal> {
    Ok(money(c.query_row(
        "SELECT coalesce(sum(refund_kasbon), 0) FROM returns WHERE sale_id = ?1",
        [sale_id],
        |r| r.get(0),
    )?))
}

/// Returns taken at `till` on business day `date`.
pub fn count_for_till_day(c: &Connection, till: &str, date: &str) -> Result<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM returns WHERE business_date = ?2 AND till = ?1",
        [till, date],
        |r| r.get(0),
    )?)
}

pub fn count(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM returns", [], |r| r.get(0))?)
}

pub struct NewReturn<'a> {
    pub uuid: &'a str,
    pub number: &'a str,
    pub sale_id: i64,
    pub till: &'a str,
    pub shift_id: Option<i64>,
    pub business_unit: &'a str,
    pub business_date: &'a str,
    pub created_at: &'a str,
    pub actor: &'a str,
    pub approver: &'a str,
    pub member_id: Option<i64>,
    pub amount: Decimal,
    pub refund_cash: Decimal,
    pub refund_kasbon: Decimal,
    pub rounding: Decimal,
}

pub fn insert(c: &Connection, r: &NewReturn) -> Result<i64> {
    c.execute(
        "INSERT INTO returns(uuid, number, sale_id, till, shift_id, business_unit, business_date,
             created_at, actor, approver, member_id, amount, refund_cash, refund_kasbon, rounding)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)",
        params![
            r.uuid,
            r.number,
            r.sale_id,
            r.till,
            r.shift_id,
            r.business_unit,
            r.business_date,
            r.created_at,
            r.actor,
            r.approver,
            r.member_id,
            minor(r.amount)?,
            minor(r.refund_cash)?,
            minor(r.refund_kasbon)?,
            minor(r.rounding)?
        ],
    )?;
    Ok(c.last_insert_rowid())
}

#[allow(clippy::too_many_arguments)]
pub fn insert_line(
    c: &Connection,
    return_id: i64,
    sale_line_id: i64,
    q: Decimal,
    base_qty: Decimal,
    amount: Decimal,
    ppn: Decimal,
    cost: Decimal,
    unit: &str,
) -> Result<()> {
    c.execute(
        "INSERT INTO return_lines(return_id, sale_line_id, qty, base_qty, amount, ppn, cost, business_unit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            return_id,
            sale_line_id,
            milli(q)?,
            milli(base_qty)?,
            minor(amount)?,
            minor(ppn)?,
            minor(cost)?,
            unit
        ],
    )?;
    Ok(())
}

/// A return as posting and reports need it.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnRecord {
    pub id: i64,
    pub number: String,
    pub sale_number: String,
    pub business_unit: String,
    pub business_date: String,
    pub member: bool,
    pub amount: Decimal,
    pub refund_cash: Decimal,
    pub refund_kasbon: Decimal,
    pub rounding: Decimal,
    pub approver: String,
    /// (product unit, amount, ppn, cost)
    pub lines: Vec<(String, Decimal, Decimal, Decimal)>,
}

fn records(c: &Connection, cond: &str, p: &dyn rusqlite::ToSql) -> Result<Vec<ReturnRecord>> {
    let mut st = c.prepare(&format!(
        "SELECT r.id, r.number, s.number, r.business_unit, r.business_date, s.member_id IS NOT NULL,
                r.amount, r.refund_cash, r.refund_kasbon, r.rounding, r.approver
         FROM returns r JOIN sales s ON s.id = r.sale_id WHERE {cond} ORDER BY r.id"
    ))?;
    let mut out: Vec<ReturnRecord> = st
        .query_map([p], |r| {
            Ok(ReturnRecord {
                id: r.get(0)?,
                number: r.get(1)?,
                sale_number: r.get(2)?,
                business_unit: r.get(3)?,
                business_date: r.get(4)?,
                member: r.get(5)?,
                amount: money(r.get(6)?),
                refund_cash: money(r.get(7)?),
                refund_kasbon: money(r.get(8)?),
                rounding: money(r.get(9)?),
                approver: r.get(10)?,
                lines: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = c.prepare_cached(
        "SELECT business_unit, amount, ppn, cost FROM return_lines WHERE return_id = ?1 ORDER BY id",
    )?;
    for r in &mut out {
        r.lines = st
            .query_map([r.id], |x| {
                Ok((
                    x.get(0)?,
                    money(x.get(1)?),
                    money(x.get(2)?),
                    money(x.get(3)?),
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(out)
}

pub fn on_date(c: &Connection, date: &str) -> Result<Vec<ReturnRecord>> {
    records(c, "r.business_date = ?1", &date)
}

pub fn by_number(c: &Connection, number: &str) -> Result<Option<ReturnRecord>> {
    Ok(records(c, "r.number = ?1", &number)?.into_iter().next())
}
