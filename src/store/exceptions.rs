//! Business exceptions (`schema_v26_exceptions`, `schema_v30_rx_sync`,
//! `schema_v33_late_events`): stock sold below zero, kasbon above a member's limit, a
//! prescription dispensed beyond its total, an event of a day already posted, found
//! after the other tills' events were applied; and the look-ups that find them and name the
//! tills and sales involved.

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use super::{milli, minor};
use crate::domain::money::{money_from_minor as money, qty_from_milli as qty};
use crate::error::Result;

/// An exception as stored. `figure` is thousandths of the base unit (oversell) or minor
/// units (kasbon); `adjustment` thousandths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionRow {
    pub id: i64,
    pub kind: String,
    pub subject: String,
    pub sku: Option<String>,
    pub batch_no: Option<String>,
    pub member: Option<String>,
    pub figure: i64,
    pub involved: String,
    pub reason_id: String,
    pub reason_en: String,
    pub detected_at: String,
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    pub resolved_till: Option<String>,
    pub note: Option<String>,
    pub adjustment: Option<i64>,
    pub resolve_event: Option<String>,
}

/// A newly found exception.
pub struct NewException<'a> {
    pub kind: &'a str,
    pub subject: &'a str,
    pub sku: Option<&'a str>,
    pub batch_no: Option<&'a str>,
    pub member: Option<&'a str>,
    pub figure: i64,
    pub involved: &'a str,
    pub reason: (&'a str, &'a str),
    pub detected_at: &'a str,
}

/// How an exception was resolved.
pub struct Resolution<'a> {
    pub at: &'a str,
    pub by: &'a str,
    pub till: &'a str,
    pub note: &'a str,
    pub adjustment: Option<Decimal>,
    pub event: &'a str,
}

const COLS: &str = "id, kind, subject, sku, batch_no, member, figure, involved, reason_id,
    reason_en, detected_at, resolved_at, resolved_by, resolved_till, note, adjustment,
    resolve_event";

fn row(r: &rusqlite::Row) -> rusqlite::Result<ExceptionRow> {
    Ok(ExceptionRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        subject: r.get(2)?,
        sku: r.get(3)?,
        batch_no: r.get(4)?,
        member: r.get(5)?,
        figure: r.get(6)?,
        involved: r.get(7)?,
        reason_id: r.get(8)?,
        reason_en: r.get(9)?,
        detected_at: r.get(10)?,
        resolved_at: r.get(11)?,
        resolved_by: r.get(12)?,
        resolved_till: r.get(13)?,
        note: r.get(14)?,
        adjustment: r.get(15)?,
        resolve_event: r.get(16)?,
    })
}

/// The open exception of this kind and subject, if there is one.
pub fn open_for(c: &Connection, kind: &str, subject: &str) -> Result<Option<i64>> {
    Ok(c.prepare_cached(
        "SELECT id FROM business_exceptions
          WHERE kind = ?1 AND subject = ?2 AND resolved_at IS NULL",
    )?
    .query_row(params![kind, subject], |r| r.get(0))
    .optional()?)
}

/// Whether an exception of this kind and subject was ever recorded here (open or resolved).
pub fn any_for(c: &Connection, kind: &str, subject: &str) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT 1 FROM business_exceptions WHERE kind = ?1 AND subject = ?2 LIMIT 1",
    )?
    .query_row(params![kind, subject], |_| Ok(()))
    .optional()?
    .is_some())
}

/// The open exceptions of a kind, oldest first.
pub fn open_of_kind(c: &Connection, kind: &str) -> Result<Vec<ExceptionRow>> {
    let sql = format!(
        "SELECT {COLS} FROM business_exceptions
          WHERE kind = ?1 AND resolved_at IS NULL ORDER BY id"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st
        .query_map([kind], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Keep the correction of a late event with its (open) exception.
pub fn set_correction(c: &Connection, id: i64, correction: &str) -> Result<()> {
    c.prepare_cached(
        "UPDATE business_exceptions SET correction = ?2 WHERE id = ?1 AND resolved_at IS NULL",
    )?
    .execute(params![id, correction])?;
    Ok(())
}

/// The correction kept with an exception (a late event's), if any.
pub fn correction(c: &Connection, id: i64) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT correction FROM business_exceptions WHERE id = ?1")?
            .query_row([id], |r| r.get(0))
            .optional()?
            .flatten(),
    )
}

/// The open exception of this kind and subject, or the id of one resolved, if any.
pub fn latest_for(c: &Connection, kind: &str, subject: &str) -> Result<Option<(i64, bool)>> {
    Ok(c.prepare_cached(
        "SELECT id, resolved_at IS NULL FROM business_exceptions
          WHERE kind = ?1 AND subject = ?2 ORDER BY resolved_at IS NULL DESC, id DESC LIMIT 1",
    )?
    .query_row(params![kind, subject], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?)
}

/// Record a newly found exception, open.
pub fn insert(c: &Connection, e: &NewException) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO business_exceptions(kind, subject, sku, batch_no, member, figure, involved,
                                         reason_id, reason_en, detected_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        e.kind,
        e.subject,
        e.sku,
        e.batch_no,
        e.member,
        e.figure,
        e.involved,
        e.reason.0,
        e.reason.1,
        e.detected_at
    ])?;
    Ok(c.last_insert_rowid())
}

/// Mark the open exception `id` resolved.
pub fn resolve(c: &Connection, id: i64, r: &Resolution) -> Result<()> {
    let adjustment = r.adjustment.map(milli).transpose()?;
    c.prepare_cached(
        "UPDATE business_exceptions SET resolved_at = ?2, resolved_by = ?3, resolved_till = ?4,
                note = ?5, adjustment = ?6, resolve_event = ?7
          WHERE id = ?1 AND resolved_at IS NULL",
    )?
    .execute(params![id, r.at, r.by, r.till, r.note, adjustment, r.event])?;
    Ok(())
}

/// Every exception (open only, or all), newest first.
pub fn list(c: &Connection, all: bool) -> Result<Vec<ExceptionRow>> {
    let sql = format!(
        "SELECT {COLS} FROM business_exceptions
          WHERE ?1 OR resolved_at IS NULL ORDER BY id DESC"
    );
    let mut st = c.prepare_cached(&sql)?;
    let rows = st.query_map([all], row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One exception.
pub fn by_id(c: &Connection, id: i64) -> Result<Option<ExceptionRow>> {
    Ok(c.prepare_cached(&format!(
        "SELECT {COLS} FROM business_exceptions WHERE id = ?1"
    ))?
    .query_row([id], row)
    .optional()?)
}

/// The highest figure an exception of this kind and subject was resolved at, if one was:
/// what it had reached when it was resolved (a prescription's dispensed quantity).
pub fn resolved_figure(c: &Connection, kind: &str, subject: &str) -> Result<Option<i64>> {
    Ok(c.prepare_cached(
        "SELECT max(figure) FROM business_exceptions
          WHERE kind = ?1 AND subject = ?2 AND resolved_at IS NOT NULL",
    )?
    .query_row(params![kind, subject], |r| r.get(0))?)
}

/// Set the figure of the open exception `id` (a prescription's: what it had dispensed where
/// it was resolved).
pub fn set_figure(c: &Connection, id: i64, figure: i64) -> Result<()> {
    c.prepare_cached(
        "UPDATE business_exceptions SET figure = ?2 WHERE id = ?1 AND resolved_at IS NULL",
    )?
    .execute(params![id, figure])?;
    Ok(())
}

/// How many exceptions are open.
pub fn open_count(c: &Connection) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT count(*) FROM business_exceptions WHERE resolved_at IS NULL")?
            .query_row([], |r| r.get(0))?,
    )
}

/// What an exception needs to know of a product: id, name, base unit, batch-tracked, drug
/// class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductFacts {
    pub id: i64,
    pub name: String,
    pub base_unit: String,
    pub batch_tracked: bool,
    pub drug_class: String,
}

/// The product with this SKU.
pub fn product(c: &Connection, sku: &str) -> Result<Option<ProductFacts>> {
    Ok(c.prepare_cached(
        "SELECT id, name, base_unit, batch_tracked, drug_class FROM products WHERE sku = ?1",
    )?
    .query_row([sku], |r| {
        Ok(ProductFacts {
            id: r.get(0)?,
            name: r.get(1)?,
            base_unit: r.get(2)?,
            batch_tracked: r.get(3)?,
            drug_class: r.get(4)?,
        })
    })
    .optional()?)
}

/// The sales of a product (or one batch of it) since stock last came in or was counted
/// (the run of sales that together took more than there was): (till, sale number), oldest
/// first, at most `limit` moves looked at.
pub fn sales_since_stock_in(
    c: &Connection,
    product_id: i64,
    batch_id: Option<i64>,
    limit: i64,
) -> Result<Vec<(String, String)>> {
    let mut st = c.prepare_cached(
        "SELECT m.kind, s.till, s.number
           FROM stock_moves m LEFT JOIN sales s ON m.ref_type = 'sale' AND s.id = m.ref_id
          WHERE m.product_id = ?1 AND (?2 IS NULL OR m.batch_id = ?2)
          ORDER BY m.id DESC LIMIT ?3",
    )?;
    let moves: Vec<(String, Option<String>, Option<String>)> = st
        .query_map(params![product_id, batch_id, limit], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::new();
    for (kind, till, number) in moves {
        if kind != "sale" && kind != "return" {
            break;
        }
        if let (Some(t), Some(n)) = (till, number) {
            out.push((t, n));
        }
    }
    out.reverse();
    Ok(out)
}

/// A member's kasbon figures: (number, name, limit, balance).
pub fn member_kasbon(
    c: &Connection,
    number: &str,
) -> Result<Option<(i64, String, Decimal, Decimal)>> {
    Ok(c.prepare_cached(
        "SELECT id, name, kasbon_limit, kasbon_balance FROM members WHERE number = ?1",
    )?
    .query_row([number], |r| {
        Ok((r.get(0)?, r.get(1)?, money(r.get(2)?), money(r.get(3)?)))
    })
    .optional()?)
}

/// The sales that put kasbon on a member from `since` (a business date) on: (till, sale
/// number), oldest first.
pub fn kasbon_sales_since(
    c: &Connection,
    member_id: i64,
    since: &str,
) -> Result<Vec<(String, String)>> {
    let mut st = c.prepare_cached(
        "SELECT DISTINCT s.till, s.number, s.id
           FROM sales s JOIN sale_tenders t ON t.sale_id = s.id
          WHERE s.member_id = ?1 AND t.kind = 'kasbon' AND s.business_date >= ?2
          ORDER BY s.business_date, s.created_at, s.id LIMIT 50",
    )?;
    let rows = st
        .query_map(params![member_id, since], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Thousandths of a base unit as a quantity.
pub fn qty_of(milli: i64) -> Decimal {
    qty(milli)
}

/// Minor units as money.
pub fn money_of(minor: i64) -> Decimal {
    money(minor)
}

/// Money in minor units.
pub fn minor_of(d: Decimal) -> Result<i64> {
    minor(d)
}
