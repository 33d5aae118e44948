//! The till's own records: the draft cart of each till (saved on every change, so a crash
//! or power cut loses nothing) and carts put on hold.

use rusqlite::{params, Connection};
use rust_decimal::Decimal;

use super::{minor, opt};
use crate::domain::money::money_from_minor as money;
use crate::error::Result;

/// Save the draft of `till` (JSON of the cart); replaces the previous one.
pub fn save_draft(c: &Connection, till: &str, cart_json: &str, at: &str) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO drafts (till, cart, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(till) DO UPDATE SET cart = excluded.cart, updated_at = excluded.updated_at",
    )?
    .execute(params![till, cart_json, at])?;
    Ok(())
}

/// The draft of `till`, if any.
pub fn draft(c: &Connection, till: &str) -> Result<Option<String>> {
    opt(c
        .prepare_cached("SELECT cart FROM drafts WHERE till = ?1")?
        .query_row([till], |r| r.get(0)))
}

/// Forget the draft of `till` (the sale was committed, held or voided).
pub fn clear_draft(c: &Connection, till: &str) -> Result<()> {
    c.prepare_cached("DELETE FROM drafts WHERE till = ?1")?
        .execute([till])?;
    Ok(())
}

/// A cart on hold, as listed.
#[derive(Debug, Clone, PartialEq)]
pub struct HeldRow {
    pub id: i64,
    pub label: String,
    pub total: Decimal,
    pub lines: i64,
    pub created_at: String,
}

/// A new cart on hold.
pub struct NewHeld<'a> {
    pub till: &'a str,
    pub label: &'a str,
    pub cart_json: &'a str,
    pub total: Decimal,
    pub lines: i64,
    pub user_id: Option<i64>,
    pub at: &'a str,
}

pub fn insert_held(c: &Connection, h: &NewHeld) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO held_carts (till, label, cart, total, lines, user_id, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        h.till,
        h.label,
        h.cart_json,
        minor(h.total)?,
        h.lines,
        h.user_id,
        h.at
    ])?;
    Ok(c.last_insert_rowid())
}

/// Carts on hold at `till`, oldest first.
pub fn held(c: &Connection, till: &str) -> Result<Vec<HeldRow>> {
    let mut stmt = c.prepare_cached(
        "SELECT id, label, total, lines, created_at FROM held_carts WHERE till = ?1 ORDER BY id",
    )?;
    let rows = stmt
        .query_map([till], |r| {
            Ok(HeldRow {
                id: r.get(0)?,
                label: r.get(1)?,
                total: money(r.get(2)?),
                lines: r.get(3)?,
                created_at: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Take a held cart off hold: its JSON, and the row is gone.
pub fn take_held(c: &Connection, till: &str, id: i64) -> Result<Option<String>> {
    let cart: Option<String> = opt(c
        .prepare_cached("SELECT cart FROM held_carts WHERE id = ?1 AND till = ?2")?
        .query_row(params![id, till], |r| r.get(0)))?;
    if cart.is_some() {
        c.prepare_cached("DELETE FROM held_carts WHERE id = ?1")?
            .execute([id])?;
    }
    Ok(cart)
}
