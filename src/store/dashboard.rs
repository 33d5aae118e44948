//! Figures for the treasurer's and board's dashboard.

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use crate::domain::money::{money_from_minor as money, qty_from_milli as qty};
use crate::error::Result;

/// (date, product unit, a member's?, amount, cost): a day's sales or returns.
pub type DailyRow = (String, String, bool, Decimal, Decimal);

/// Sales per day, product unit and member/non-member over [from, to] (the sale's date).
pub fn daily_sales(c: &Connection, from: &str, to: &str) -> Result<Vec<DailyRow>> {
    let mut st = c.prepare(
        "SELECT s.business_date, l.business_unit, s.member_id IS NOT NULL, sum(l.amount), sum(l.cost)
         FROM sale_lines l JOIN sales s ON s.id = l.sale_id
         WHERE s.business_date BETWEEN ?1 AND ?2
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )?;
    let rows = st
        .query_map(params![from, to], daily_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Returns per day, product unit and member/non-member over [from, to], on the return's
/// date (as the day close books them).
pub fn daily_returns(c: &Connection, from: &str, to: &str) -> Result<Vec<DailyRow>> {
    let mut st = c.prepare(
        "SELECT r.business_date, l.business_unit, r.member_id IS NOT NULL, sum(l.amount), sum(l.cost)
         FROM return_lines l JOIN returns r ON r.id = l.return_id
         WHERE r.business_date BETWEEN ?1 AND ?2 GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )?;
    let rows = st
        .query_map(params![from, to], daily_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn daily_row(r: &rusqlite::Row) -> rusqlite::Result<DailyRow> {
    Ok((
        r.get(0)?,
        r.get(1)?,
        r.get(2)?,
        money(r.get(3)?),
        money(r.get(4)?),
    ))
}

/// What was sold over [from, to] (the sale's date) per product and unit of sale:
/// (product id, unit id, base qty, amount). One pass over the range's lines gives both the
/// best sellers and the unit each sells in most.
pub fn sold_by_unit(
    c: &Connection,
    from: &str,
    to: &str,
) -> Result<Vec<(i64, i64, Decimal, Decimal)>> {
    let mut st = c.prepare_cached(
        "SELECT l.product_id, l.unit_id, sum(l.base_qty), sum(l.amount)
         FROM sale_lines l JOIN sales s ON s.id = l.sale_id
         WHERE s.business_date BETWEEN ?1 AND ?2
         GROUP BY l.product_id, l.unit_id",
    )?;
    let rows = st
        .query_map(params![from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, qty(r.get(2)?), money(r.get(3)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// What came back over [from, to] (the return's date) per product: (product id, base qty,
/// amount).
pub fn returned_by_product(
    c: &Connection,
    from: &str,
    to: &str,
) -> Result<Vec<(i64, Decimal, Decimal)>> {
    let mut st = c.prepare_cached(
        "SELECT sl.product_id, sum(rl.base_qty), sum(rl.amount)
         FROM return_lines rl JOIN returns r ON r.id = rl.return_id
         JOIN sale_lines sl ON sl.id = rl.sale_line_id
         WHERE r.business_date BETWEEN ?1 AND ?2
         GROUP BY sl.product_id",
    )?;
    let rows = st
        .query_map(params![from, to], |r| {
            Ok((r.get(0)?, qty(r.get(1)?), money(r.get(2)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// (sku, name, base unit) of a product.
pub fn product_names(c: &Connection, id: i64) -> Result<Option<(String, String, String)>> {
    let mut st = c.prepare_cached("SELECT sku, name, base_unit FROM products WHERE id = ?1")?;
    Ok(st
        .query_row(params![id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?)
}

/// (unit name, base units per unit) of a product unit.
pub fn unit_of(c: &Connection, unit_id: i64) -> Result<Option<(String, Decimal)>> {
    let mut st = c.prepare_cached("SELECT unit, factor FROM product_units WHERE id = ?1")?;
    Ok(st
        .query_row(params![unit_id], |r| Ok((r.get(0)?, qty(r.get(1)?))))
        .optional()?)
}

/// (members owing, total kasbon outstanding).
pub fn kasbon_outstanding(c: &Connection) -> Result<(i64, Decimal)> {
    let (n, total): (i64, i64) = c.query_row(
        "SELECT count(*), coalesce(sum(kasbon_balance), 0) FROM members WHERE kasbon_balance > 0",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok((n, money(total)))
}

/// (business unit, stock value at cost) of active products.
pub fn stock_value(c: &Connection) -> Result<Vec<(String, Decimal)>> {
    let mut st = c.prepare(&format!(
        "SELECT p.business_unit, coalesce(sum({}), 0) FROM products p WHERE p.active = 1
         GROUP BY p.business_unit ORDER BY p.business_unit",
        super::stock::last_of_p("value_after")
    ))?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, money(r.get(1)?))))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
