//! Cashier shifts and cash counts.

use rusqlite::{params, Connection, Row};
use rust_decimal::Decimal;

use super::{minor, opt};
use crate::domain::cash::CashCount;
use crate::domain::money::money_from_minor as money;
use crate::error::Result;

/// A shift as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftRow {
    pub id: i64,
    pub uuid: String,
    pub till: String,
    pub business_unit: String,
    pub user_id: Option<i64>,
    pub cashier: String,
    pub opened_at: String,
    pub opening_float: Decimal,
    pub status: String,
    pub closed_at: Option<String>,
}

const COLS: &str =
    "id, uuid, till, business_unit, user_id, cashier, opened_at, opening_float, status, closed_at";

fn row(r: &Row) -> rusqlite::Result<ShiftRow> {
    Ok(ShiftRow {
        id: r.get(0)?,
        uuid: r.get(1)?,
        till: r.get(2)?,
        business_unit: r.get(3)?,
        user_id: r.get(4)?,
        cashier: r.get(5)?,
        opened_at: r.get(6)?,
        opening_float: money(r.get(7)?),
        status: r.get(8)?,
        closed_at: r.get(9)?,
    })
}

/// A new open shift.
pub struct NewShift<'a> {
    pub uuid: &'a str,
    pub till: &'a str,
    pub business_unit: &'a str,
    pub user_id: Option<i64>,
    pub cashier: &'a str,
    pub opened_at: &'a str,
    pub opening_float: Decimal,
}

pub fn insert(c: &Connection, s: &NewShift) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO shifts(uuid, till, business_unit, user_id, cashier, opened_at, opening_float,
                            sales_from)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, (SELECT coalesce(max(id), 0) FROM sales))",
    )?
    .execute(params![
        s.uuid,
        s.till,
        s.business_unit,
        s.user_id,
        s.cashier,
        s.opened_at,
        minor(s.opening_float)?
    ])?;
    Ok(c.last_insert_rowid())
}

/// Record a count of the drawer for a shift (`stage`: open or close).
pub fn insert_count(c: &Connection, shift_id: i64, stage: &str, count: &CashCount) -> Result<()> {
    for (denom, n) in &count.pieces {
        c.prepare_cached(
            "INSERT INTO cash_counts(shift_id, stage, denom, count) VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute(params![shift_id, stage, denom, n])?;
    }
    Ok(())
}

/// The open shift of a till, if any.
/// The sales of shift `?1` in a query over `sales AS s`: the range of sale ids the shift can
/// hold (sale ids only grow; a shift's sales come after it opened and, once it is closed,
/// none after), read through the table's own key, then the shift itself.
pub const SALES_OF_SHIFT: &str = "s.id > (SELECT sales_from FROM shifts WHERE id = ?1)
     AND s.id <= (SELECT coalesce(sales_to, 9223372036854775807) FROM shifts WHERE id = ?1)
     AND s.shift_id = ?1";

pub fn open_on(c: &Connection, till: &str) -> Result<Option<ShiftRow>> {
    opt(c
        .prepare_cached(&format!(
            "SELECT {COLS} FROM shifts WHERE till = ?1 AND status = 'open'"
        ))?
        .query_row([till], row))
}

pub fn by_id(c: &Connection, id: i64) -> Result<Option<ShiftRow>> {
    opt(c.query_row(
        &format!("SELECT {COLS} FROM shifts WHERE id = ?1"),
        [id],
        row,
    ))
}
