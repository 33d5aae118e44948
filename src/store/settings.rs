//! Shop settings: a key/value table with typed accessors in the service layer
//! (`service::settings` is the registry of keys and their rules). Every write also records
//! the value in `settings_seal`, so that a value changed by hand is found by [`unsealed`].

use rusqlite::{params, Connection};

use super::opt;
use crate::error::Result;

pub fn get(c: &Connection, key: &str) -> Result<Option<String>> {
    opt(c
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([key], |r| r.get(0)))
}

/// Store a setting; call it inside the caller's transaction (the seal is a second row).
pub fn set(c: &Connection, key: &str, value: &str) -> Result<()> {
    for table in [
        "INSERT INTO settings(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        "INSERT INTO settings_seal(key, value) VALUES (?1, ?2)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value",
    ] {
        c.prepare_cached(table)?.execute(params![key, value])?;
    }
    Ok(())
}

/// A setting kasir did not write as it is: (key, as kasir last wrote it, as it is now),
/// `None` for a missing row.
pub type Unsealed = (String, Option<String>, Option<String>);

/// Settings whose value is not the one kasir last wrote.
pub fn unsealed(c: &Connection) -> Result<Vec<Unsealed>> {
    let mut st = c.prepare(
        "SELECT s.key, z.value, s.value FROM settings s
           LEFT JOIN settings_seal z ON z.key = s.key
          WHERE z.value IS NOT s.value
         UNION ALL
         SELECT z.key, z.value, NULL FROM settings_seal z
          WHERE NOT EXISTS (SELECT 1 FROM settings s WHERE s.key = z.key)
         ORDER BY 1",
    )?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every setting, by key (one statement: the table holds a few dozen rows).
pub fn all(c: &Connection) -> Result<Vec<(String, String)>> {
    let mut st = c.prepare_cached("SELECT key, value FROM settings ORDER BY key")?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
