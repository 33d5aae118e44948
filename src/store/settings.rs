//! Shop settings: a key/value table with typed accessors in the service layer.

use rusqlite::{params, Connection};

use super::opt;
use crate::error::Result;

pub fn get(c: &Connection, key: &str) -> Result<Option<String>> {
    opt(c
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0)))
}

pub fn set(c: &Connection, key: &str, value: &str) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO settings(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

/// Every setting, by key (one statement: the table holds a few dozen rows).
pub fn all(c: &Connection) -> Result<Vec<(String, String)>> {
    let mut st = c.prepare_cached("SELECT key, value FROM settings ORDER BY key")?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
