//! Figures for the treasurer's and board's dashboard.

use rusqlite::{params, Connection};
use rust_decimal::Decimal;

use crate::domain::money::{money_from_minor as money, qty_from_milli as qty};
use crate::error::Result;

/// (date, product unit, sold to a member?, amount, cost).
pub type DailyRow = (String, String, bool, Decimal, Decimal);

/// Sales per day, product unit and member/non-member over [from, to].
pub fn daily_sales(c: &Connection, from: &str, to: &str) -> Result<Vec<DailyRow>> {
    let mut st = c.prepare(
        "SELECT s.business_date, l.business_unit, s.member_id IS NOT NULL, sum(l.amount), sum(l.cost)
         FROM sale_lines l JOIN sales s ON s.id = l.sale_id
         WHERE s.business_date BETWEEN ?1 AND ?2
         GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
    )?;
    let rows = st
        .query_map(params![from, to], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                money(r.get(3)?),
                money(r.get(4)?),
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// (date, product unit, returned amount) per day over [from, to].
pub fn daily_returns(
    c: &Connection,
    from: &str,
    to: &str,
) -> Result<Vec<(String, String, Decimal)>> {
    let mut st = c.prepare(
        "SELECT r.business_date, l.business_unit, sum(l.amount)
         FROM return_lines l JOIN returns r ON r.id = l.return_id
         WHERE r.business_date BETWEEN ?1 AND ?2 GROUP BY 1, 2 ORDER BY 1, 2",
    )?;
    let rows = st
        .query_map(params![from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, money(r.get(2)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// (sku, name, base qty, amount) of the best-selling products by amount.
pub fn top_items(
    c: &Connection,
    from: &str,
    to: &str,
    limit: i64,
) -> Result<Vec<(String, String, Decimal, Decimal)>> {
    let mut st = c.prepare(
        "SELECT p.sku, p.name, sum(l.base_qty), sum(l.amount)
         FROM sale_lines l JOIN sales s ON s.id = l.sale_id JOIN products p ON p.id = l.product_id
         WHERE s.business_date BETWEEN ?1 AND ?2
         GROUP BY p.id ORDER BY sum(l.amount) DESC, p.sku LIMIT ?3",
    )?;
    let rows = st
        .query_map(params![from, to, limit], |r| {
            Ok((r.get(0)?, r.get(1)?, qty(r.get(2)?), money(r.get(3)?)))
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
