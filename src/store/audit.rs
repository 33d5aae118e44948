//! The audit log: append-only, each row carries the hash of the one before it, so an
//! edited or deleted row breaks the chain.

use rusqlite::{params, Connection};
use sha2::{Digest, Sha256};

use crate::error::Result;

/// An entry to append.
pub struct AuditEntry<'a> {
    pub at: &'a str,
    pub user_id: Option<i64>,
    pub actor: &'a str,
    pub action: &'a str,
    pub detail: &'a str,
    pub approver: Option<&'a str>,
}

fn digest(prev: &str, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        e.at,
        &e.user_id.map(|u| u.to_string()).unwrap_or_default(),
        e.actor,
        e.action,
        e.detail,
        e.approver.unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0x1f]);
    }
    hex::encode(h.finalize())
}

const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

pub fn append(c: &Connection, e: &AuditEntry) -> Result<()> {
    let prev: String = c
        .query_row(
            "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1",
            [],
            |r| r.get(0),
        )
        .or_else(|err| match err {
            rusqlite::Error::QueryReturnedNoRows => Ok(GENESIS.to_string()),
            other => Err(other),
        })?;
    let hash = digest(&prev, e);
    c.prepare_cached(
        "INSERT INTO audit_log(at, user_id, actor, action, detail, approver, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.at, e.user_id, e.actor, e.action, e.detail, e.approver, prev, hash
    ])?;
    // The head of the chain, kept apart: deleting the newest rows leaves a chain that
    // verifies on its own, but no longer ends where the head says.
    let id = c.last_insert_rowid();
    super::settings::set(c, HEAD_KEY, &format!("{id}:{hash}"))?;
    Ok(())
}

/// Setting that holds `id:hash` of the newest audit row.
pub const HEAD_KEY: &str = "audit.head";

/// Walk the chain; returns the id of the first row that does not verify.
pub fn verify(c: &Connection) -> Result<Option<i64>> {
    let mut st = c.prepare(
        "SELECT id, at, user_id, actor, action, detail, approver, prev_hash, hash
         FROM audit_log ORDER BY id",
    )?;
    let mut rows = st.query([])?;
    let mut prev = GENESIS.to_string();
    let mut last: Option<(i64, String)> = None;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let at: String = r.get(1)?;
        let actor: String = r.get(3)?;
        let action: String = r.get(4)?;
        let detail: String = r.get(5)?;
        let approver: Option<String> = r.get(6)?;
        let prev_hash: String = r.get(7)?;
        let hash: String = r.get(8)?;
        let e = AuditEntry {
            at: &at,
            user_id: r.get(2)?,
            actor: &actor,
            action: &action,
            detail: &detail,
            approver: approver.as_deref(),
        };
        if prev_hash != prev || digest(&prev, &e) != hash {
            return Ok(Some(id));
        }
        prev = hash;
        last = Some((id, prev.clone()));
    }
    if let Some(head) = super::settings::get(c, HEAD_KEY)? {
        let (id, hash) = head.split_once(':').unwrap_or(("0", ""));
        let head_id: i64 = id.parse().unwrap_or(0);
        if last.as_ref().map(|(i, h)| (*i, h.as_str())) != Some((head_id, hash)) {
            return Ok(Some(head_id));
        }
    }
    Ok(None)
}

/// How many `action` entries by `actor` since `since` (a stored timestamp).
pub fn count_since(c: &Connection, actor: &str, action: &str, since: &str) -> Result<i64> {
    Ok(c.query_row(
        "SELECT count(*) FROM audit_log WHERE actor = ?1 AND action = ?2 AND at >= ?3",
        params![actor, action, since],
        |r| r.get(0),
    )?)
}

/// An audit entry as read back.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub detail: String,
    pub approver: Option<String>,
}

/// The last `n` entries, newest first.
pub fn recent(c: &Connection, n: i64) -> Result<Vec<AuditRow>> {
    let mut st = c.prepare(
        "SELECT at, actor, action, detail, approver FROM audit_log ORDER BY id DESC LIMIT ?1",
    )?;
    let rows = st
        .query_map([n], |r| {
            Ok(AuditRow {
                at: r.get(0)?,
                actor: r.get(1)?,
                action: r.get(2)?,
                detail: r.get(3)?,
                approver: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
