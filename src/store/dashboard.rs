//! Figures for the treasurer's and board's dashboard.

use rusqlite::{params, Connection};
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

/// A best seller, net of returns: (product id, sku, name, base unit, base qty, amount).
pub type TopRow = (i64, String, String, String, Decimal, Decimal);

/// The best-selling products by amount over [from, to], net of what came back (sales on
/// the sale's date, returns on the return's date).
pub fn top_items(c: &Connection, from: &str, to: &str, limit: i64) -> Result<Vec<TopRow>> {
    let mut st = c.prepare(
        "SELECT p.id, p.sku, p.name, p.base_unit, sum(x.base_qty), sum(x.amount)
         FROM (SELECT l.product_id AS product_id, l.base_qty AS base_qty, l.amount AS amount
               FROM sale_lines l JOIN sales s ON s.id = l.sale_id
               WHERE s.business_date BETWEEN ?1 AND ?2
               UNION ALL
               SELECT sl.product_id, -rl.base_qty, -rl.amount
               FROM return_lines rl JOIN returns r ON r.id = rl.return_id
               JOIN sale_lines sl ON sl.id = rl.sale_line_id
               WHERE r.business_date BETWEEN ?1 AND ?2) x
         JOIN products p ON p.id = x.product_id
         GROUP BY p.id ORDER BY sum(x.amount) DESC, p.sku LIMIT ?3",
    )?;
    let rows = st
        .query_map(params![from, to, limit], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                qty(r.get(4)?),
                money(r.get(5)?),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// How each product was sold over [from, to]: (product id, unit, base units per unit,
/// base qty sold in that unit).
pub fn units_sold(
    c: &Connection,
    from: &str,
    to: &str,
) -> Result<Vec<(i64, String, Decimal, Decimal)>> {
    let mut st = c.prepare(
        "SELECT l.product_id, u.unit, u.factor, sum(l.base_qty)
         FROM sale_lines l JOIN sales s ON s.id = l.sale_id
         JOIN product_units u ON u.id = l.unit_id
         WHERE s.business_date BETWEEN ?1 AND ?2
         GROUP BY l.product_id, l.unit_id ORDER BY l.product_id, u.factor",
    )?;
    let rows = st
        .query_map(params![from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, qty(r.get(2)?), qty(r.get(3)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
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
