//! Members (anggota) and their kasbon balances.

use rusqlite::{params, Connection, Row};
use rust_decimal::Decimal;

use super::{minor, opt};
use crate::domain::money::money_from_minor as money;
use crate::error::Result;

/// A member as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberRow {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub phone: Option<String>,
    pub nik: Option<String>,
    pub kasbon_limit: Decimal,
    pub kasbon_balance: Decimal,
}

impl MemberRow {
    /// The member as a cart needs it.
    pub fn cart_member(&self) -> crate::domain::cart::CartMember {
        crate::domain::cart::CartMember {
            id: self.id,
            number: self.number.clone(),
            name: self.name.clone(),
            kasbon_limit: self.kasbon_limit,
            kasbon_balance: self.kasbon_balance,
        }
    }
}

const COLS: &str = "id, number, name, phone, nik, kasbon_limit, kasbon_balance";

fn row(r: &Row) -> rusqlite::Result<MemberRow> {
    Ok(MemberRow {
        id: r.get(0)?,
        number: r.get(1)?,
        name: r.get(2)?,
        phone: r.get(3)?,
        nik: r.get(4)?,
        kasbon_limit: money(r.get(5)?),
        kasbon_balance: money(r.get(6)?),
    })
}

/// Insert a member or update the one with the same number (the balance is kept).
#[allow(clippy::too_many_arguments)]
pub fn upsert(
    c: &Connection,
    uuid: &str,
    number: &str,
    name: &str,
    phone: Option<&str>,
    nik: Option<&str>,
    kasbon_limit: Decimal,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO members(uuid, number, name, phone, nik, kasbon_limit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(number) DO UPDATE SET name = excluded.name, phone = excluded.phone,
             nik = excluded.nik, kasbon_limit = excluded.kasbon_limit, active = 1",
    )?
    .execute(params![
        uuid,
        number,
        name,
        phone,
        nik,
        minor(kasbon_limit)?
    ])?;
    Ok(())
}

pub fn by_number(c: &Connection, number: &str) -> Result<Option<MemberRow>> {
    opt(c.query_row(
        &format!("SELECT {COLS} FROM members WHERE number = ?1 COLLATE NOCASE AND active = 1"),
        [number],
        row,
    ))
}

pub fn by_id(c: &Connection, id: i64) -> Result<Option<MemberRow>> {
    opt(c.query_row(
        &format!("SELECT {COLS} FROM members WHERE id = ?1"),
        [id],
        row,
    ))
}

/// Members whose number, name or phone contains `needle`.
pub fn search(c: &Connection, needle: &str, limit: usize) -> Result<Vec<MemberRow>> {
    let like = format!("%{}%", needle.replace(['%', '_'], ""));
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLS} FROM members WHERE active = 1 AND
         (number LIKE ?1 OR name LIKE ?1 OR phone LIKE ?1) ORDER BY number LIMIT ?2"
    ))?;
    let rows = st
        .query_map(params![like, limit as i64], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn all(c: &Connection) -> Result<Vec<MemberRow>> {
    let mut st = c.prepare(&format!(
        "SELECT {COLS} FROM members WHERE active = 1 ORDER BY number"
    ))?;
    let rows = st.query_map([], row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Add `delta` to the member's kasbon balance (positive: credit taken).
pub fn add_kasbon(c: &Connection, member_id: i64, delta: Decimal) -> Result<()> {
    c.prepare_cached("UPDATE members SET kasbon_balance = kasbon_balance + ?2 WHERE id = ?1")?
        .execute(params![member_id, minor(delta)?])?;
    Ok(())
}

/// Members whose stored kasbon balance is not what their entries add up to: kasbon tendered
/// on sales, less kasbon refunded on returns, less repayments. (number, stored, sum).
pub fn kasbon_mismatches(c: &Connection) -> Result<Vec<(String, Decimal, Decimal)>> {
    use std::collections::HashMap;
    let mut sums: HashMap<i64, i64> = HashMap::new();
    let mut st = c.prepare(
        "SELECT s.member_id, t.amount FROM sale_tenders t JOIN sales s ON s.id = t.sale_id
          WHERE t.kind = 'kasbon' AND s.member_id IS NOT NULL
         UNION ALL
         SELECT member_id, -refund_kasbon FROM returns
          WHERE member_id IS NOT NULL AND refund_kasbon <> 0
         UNION ALL
         SELECT member_id, -amount FROM cash_moves
          WHERE kind = 'repay' AND member_id IS NOT NULL",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let (m, a): (i64, i64) = (r.get(0)?, r.get(1)?);
        *sums.entry(m).or_insert(0) += a;
    }
    let mut out = Vec::new();
    let mut st = c.prepare("SELECT id, number, kasbon_balance FROM members ORDER BY id")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let (id, number, stored): (i64, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let sum = sums.get(&id).copied().unwrap_or(0);
        if sum != stored {
            out.push((number, money(stored), money(sum)));
        }
    }
    Ok(out)
}

/// The member with this number as stored, active or not, and whether active.
pub fn record(c: &Connection, number: &str) -> Result<Option<(MemberRow, bool)>> {
    opt(c
        .prepare_cached(&format!(
            "SELECT {COLS}, active FROM members WHERE number = ?1"
        ))?
        .query_row([number], |r| Ok((row(r)?, r.get::<_, bool>(7)?))))
}

/// Take a member off (or back onto) the list, keeping the kasbon history.
pub fn set_active(c: &Connection, number: &str, active: bool) -> Result<()> {
    c.prepare_cached("UPDATE members SET active = ?2 WHERE number = ?1")?
        .execute(params![number, active])?;
    Ok(())
}

/// The uuid of the member with this number (the same on every node it travelled to).
pub fn uuid_of(c: &Connection, number: &str) -> Result<Option<String>> {
    opt(c
        .prepare_cached("SELECT uuid FROM members WHERE number = ?1")?
        .query_row([number], |r| r.get(0)))
}

/// Every member's number, active or not.
pub fn numbers(c: &Connection) -> Result<Vec<String>> {
    let mut st = c.prepare("SELECT number FROM members ORDER BY number")?;
    let rows = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
