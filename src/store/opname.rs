//! Stock opname sessions and their counts.

use rusqlite::{params, Connection};
use rust_decimal::Decimal;

use super::{milli, opt};
use crate::domain::money::qty_from_milli as qty;
use crate::error::Result;

/// An opname session.
#[derive(Debug, Clone, PartialEq)]
pub struct SessionRow {
    pub id: i64,
    pub uuid: String,
    pub scope_unit: Option<String>,
    pub started_at: String,
    pub started_by: String,
    pub status: String,
    pub finished_at: Option<String>,
    pub approver: Option<String>,
}

fn session_row(r: &rusqlite::Row) -> rusqlite::Result<SessionRow> {
    Ok(SessionRow {
        id: r.get(0)?,
        uuid: r.get(1)?,
        scope_unit: r.get(2)?,
        started_at: r.get(3)?,
        started_by: r.get(4)?,
        status: r.get(5)?,
        finished_at: r.get(6)?,
        approver: r.get(7)?,
    })
}

const SESSION_COLS: &str =
    "id, uuid, scope_unit, started_at, started_by, status, finished_at, approver";

/// The open session, if a count is under way.
pub fn open_session(c: &Connection) -> Result<Option<SessionRow>> {
    opt(c.query_row(
        &format!("SELECT {SESSION_COLS} FROM opname_sessions WHERE status = 'open'"),
        [],
        session_row,
    ))
}

pub fn session(c: &Connection, id: i64) -> Result<Option<SessionRow>> {
    opt(c.query_row(
        &format!("SELECT {SESSION_COLS} FROM opname_sessions WHERE id = ?1"),
        [id],
        session_row,
    ))
}

pub fn insert_session(
    c: &Connection,
    uuid: &str,
    scope: Option<&str>,
    at: &str,
    by: &str,
) -> Result<i64> {
    c.execute(
        "INSERT INTO opname_sessions(uuid, scope_unit, started_at, started_by) VALUES (?1, ?2, ?3, ?4)",
        params![uuid, scope, at, by],
    )?;
    Ok(c.last_insert_rowid())
}

/// Record (or replace) a count with the books' figure at this moment.
#[allow(clippy::too_many_arguments)]
pub fn upsert_count(
    c: &Connection,
    session_id: i64,
    product_id: i64,
    batch_id: Option<i64>,
    counted: Decimal,
    expected: Decimal,
    at: &str,
    by: &str,
) -> Result<()> {
    c.execute(
        "INSERT INTO opname_counts(session_id, product_id, batch_id, counted, expected, counted_at, counted_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT(session_id, product_id, batch_id) DO UPDATE SET counted = excluded.counted,
             expected = excluded.expected, counted_at = excluded.counted_at, counted_by = excluded.counted_by",
        params![
            session_id,
            product_id,
            batch_id.unwrap_or(0),
            milli(counted)?,
            milli(expected)?,
            at,
            by
        ],
    )?;
    Ok(())
}

/// One count of a session.
#[derive(Debug, Clone, PartialEq)]
pub struct CountRow {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub base_unit: String,
    pub batch_id: Option<i64>,
    pub batch_no: Option<String>,
    pub counted: Decimal,
    pub expected: Decimal,
    pub counted_at: String,
    pub counted_by: String,
}

pub fn counts(c: &Connection, session_id: i64) -> Result<Vec<CountRow>> {
    let mut st = c.prepare(
        "SELECT p.id, p.sku, p.name, p.base_unit, nullif(oc.batch_id, 0), b.batch_no,
                oc.counted, oc.expected, oc.counted_at, oc.counted_by
         FROM opname_counts oc JOIN products p ON p.id = oc.product_id
         LEFT JOIN batches b ON b.id = oc.batch_id
         WHERE oc.session_id = ?1 ORDER BY p.sku, b.batch_no",
    )?;
    let rows = st
        .query_map([session_id], |r| {
            Ok(CountRow {
                product_id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                base_unit: r.get(3)?,
                batch_id: r.get(4)?,
                batch_no: r.get(5)?,
                counted: qty(r.get(6)?),
                expected: qty(r.get(7)?),
                counted_at: r.get(8)?,
                counted_by: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn finish(
    c: &Connection,
    session_id: i64,
    at: &str,
    by: &str,
    approver_id: Option<i64>,
    approver: Option<&str>,
) -> Result<()> {
    c.execute(
        "UPDATE opname_sessions SET status = 'finished', finished_at = ?2, finished_by = ?3,
             approver_id = ?4, approver = ?5 WHERE id = ?1",
        params![session_id, at, by, approver_id, approver],
    )?;
    Ok(())
}
