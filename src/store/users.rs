//! Users and their PIN hashes.

use rusqlite::{params, Connection, Row};

use super::opt;
use crate::domain::user::Role;
use crate::error::Result;

/// A user row.
#[derive(Debug, Clone)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub name: String,
    pub role: Role,
    pub pin_hash: String,
    pub failed_attempts: i64,
    pub locked_until: Option<String>,
}

fn row(r: &Row) -> rusqlite::Result<UserRow> {
    let role: String = r.get(3)?;
    Ok(UserRow {
        id: r.get(0)?,
        username: r.get(1)?,
        name: r.get(2)?,
        role: Role::parse(&role).unwrap_or(Role::Kasir),
        pin_hash: r.get(4)?,
        failed_attempts: r.get(5)?,
        locked_until: r.get(6)?,
    })
}

const COLS: &str = "id, username, name, role, pin_hash, failed_attempts, locked_until";

pub fn insert(
    c: &Connection,
    username: &str,
    name: &str,
    role: Role,
    pin_hash: &str,
) -> Result<i64> {
    c.prepare_cached("INSERT INTO users(username, name, role, pin_hash) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![username, name, role.as_str(), pin_hash])?;
    Ok(c.last_insert_rowid())
}

pub fn by_username(c: &Connection, username: &str) -> Result<Option<UserRow>> {
    opt(c.query_row(
        &format!("SELECT {COLS} FROM users WHERE username = ?1 AND active = 1"),
        [username],
        row,
    ))
}

pub fn list(c: &Connection) -> Result<Vec<UserRow>> {
    let mut st = c.prepare(&format!(
        "SELECT {COLS} FROM users WHERE active = 1 ORDER BY role, username"
    ))?;
    let rows = st.query_map([], row)?.collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn set_failures(
    c: &Connection,
    id: i64,
    failed: i64,
    locked_until: Option<&str>,
) -> Result<()> {
    c.prepare_cached("UPDATE users SET failed_attempts = ?2, locked_until = ?3 WHERE id = ?1")?
        .execute(params![id, failed, locked_until])?;
    Ok(())
}

/// A user as it travels between a coop's nodes: what login needs, not the lockout state
/// (each node counts its own wrong PINs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    pub username: String,
    pub name: String,
    pub role: Role,
    pub pin_hash: String,
    pub active: bool,
}

/// A user by username, active or not.
pub fn record(c: &Connection, username: &str) -> Result<Option<UserRecord>> {
    opt(c.query_row(
        "SELECT username, name, role, pin_hash, active FROM users WHERE username = ?1",
        [username],
        |r| {
            let role: String = r.get(2)?;
            Ok(UserRecord {
                username: r.get(0)?,
                name: r.get(1)?,
                role: Role::parse(&role).unwrap_or(Role::Kasir),
                pin_hash: r.get(3)?,
                active: r.get::<_, i64>(4)? != 0,
            })
        },
    ))
}

/// Insert or update a user by username (its lockout state here stays as it is).
pub fn upsert(c: &Connection, u: &UserRecord) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO users(username, name, role, pin_hash, active) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(username) DO UPDATE SET name = excluded.name, role = excluded.role,
             pin_hash = excluded.pin_hash, active = excluded.active",
    )?
    .execute(params![
        u.username,
        u.name,
        u.role.as_str(),
        u.pin_hash,
        u.active as i64
    ])?;
    Ok(())
}

/// Every username, active or not.
pub fn usernames(c: &Connection) -> Result<Vec<String>> {
    let mut st = c.prepare("SELECT username FROM users ORDER BY username")?;
    let rows = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
