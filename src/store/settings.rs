//! Shop settings: a key/value table with typed accessors in the service layer.

use rusqlite::{params, Connection};

use super::opt;
use crate::error::Result;

pub fn get(c: &Connection, key: &str) -> Result<Option<String>> {
    opt(c
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0)))
}

/// The settings among `keys` that are set, read with one statement.
pub fn get_many(
    c: &Connection,
    keys: &[&str],
) -> Result<std::collections::HashMap<String, String>> {
    let marks = vec!["?"; keys.len()].join(", ");
    let mut st = c.prepare_cached(&format!(
        "SELECT key, value FROM settings WHERE key IN ({marks})"
    ))?;
    let rows = st
        .query_map(rusqlite::params_from_iter(keys), |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn set(c: &Connection, key: &str, value: &str) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO settings(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    )?
    .execute(params![key, value])?;
    Ok(())
}

pub fn all(c: &Connection) -> Result<Vec<(String, String)>> {
    let mut st = c.prepare("SELECT key, value FROM settings ORDER BY key")?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
