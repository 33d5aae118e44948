//! The outbox (`events`, schema_v22_outbox): the events each use case caused, appended in
//! the use case's own transaction, pushed to the coop's server by `crate::sync` and marked
//! acknowledged once the server has stored them. Nothing else about an event ever changes.

use rusqlite::{params, Connection, OptionalExtension};
use sha2::{Digest, Sha256};

use crate::error::Result;

/// One stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    pub till: String,
    pub seq: i64,
    pub kind: String,
    pub schema_version: i64,
    /// Canonical JSON: keys sorted, no spaces (serde_json's own map order).
    pub payload: String,
    /// sha256 hex of `payload`.
    pub hash: String,
    pub till_time: String,
}

/// The canonical text of a payload and its sha256 hex. serde_json's map keeps keys sorted,
/// so the same value always gives the same text.
pub fn canonical(payload: &serde_json::Value) -> (String, String) {
    let text = payload.to_string();
    let hash = hex::encode(Sha256::digest(text.as_bytes()));
    (text, hash)
}

/// Append an event of `till` in the caller's transaction: the next seq of that till, a new
/// UUIDv7 id, the canonical payload and its hash.
pub fn append_event(
    c: &Connection,
    till: &str,
    kind: &str,
    schema_version: i64,
    payload: &serde_json::Value,
    till_time: &str,
) -> Result<Event> {
    let last: i64 = c
        .prepare_cached("SELECT COALESCE(max(seq), 0) FROM events WHERE till = ?1")?
        .query_row([till], |r| r.get(0))?;
    let (payload, hash) = canonical(payload);
    let e = Event {
        id: uuid::Uuid::now_v7().to_string(),
        till: till.to_string(),
        seq: last + 1,
        kind: kind.to_string(),
        schema_version,
        payload,
        hash,
        till_time: till_time.to_string(),
    };
    c.prepare_cached(
        "INSERT INTO events(id, till, seq, kind, schema_version, payload, hash, till_time)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        e.id,
        e.till,
        e.seq,
        e.kind,
        e.schema_version,
        e.payload,
        e.hash,
        e.till_time
    ])?;
    Ok(e)
}

/// The first `limit` events of `till` the server has not acknowledged, in seq order.
pub fn pending(c: &Connection, till: &str, limit: i64) -> Result<Vec<Event>> {
    let mut st = c.prepare_cached(
        "SELECT id, till, seq, kind, schema_version, payload, hash, till_time
         FROM events WHERE till = ?1 AND acked = 0 ORDER BY seq LIMIT ?2",
    )?;
    let rows = st
        .query_map(params![till, limit], |r| {
            Ok(Event {
                id: r.get(0)?,
                till: r.get(1)?,
                seq: r.get(2)?,
                kind: r.get(3)?,
                schema_version: r.get(4)?,
                payload: r.get(5)?,
                hash: r.get(6)?,
                till_time: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Mark every event of `till` up to `seq` acknowledged; returns how many changed.
pub fn ack_through(c: &Connection, till: &str, seq: i64) -> Result<usize> {
    Ok(
        c.prepare_cached(
            "UPDATE events SET acked = 1 WHERE till = ?1 AND acked = 0 AND seq <= ?2",
        )?
        .execute(params![till, seq])?,
    )
}

/// Per till: how many events wait for the server (through the partial index of what is
/// pending, never the acknowledged history).
pub fn pending_counts(c: &Connection) -> Result<Vec<(String, i64)>> {
    let mut st = c.prepare_cached(
        "SELECT till, count(*) FROM events WHERE acked = 0 GROUP BY till ORDER BY till",
    )?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The event with this id, if any.
pub fn by_id(c: &Connection, id: &str) -> Result<Option<Event>> {
    Ok(c.prepare_cached(
        "SELECT id, till, seq, kind, schema_version, payload, hash, till_time
             FROM events WHERE id = ?1",
    )?
    .query_row([id], |r| {
        Ok(Event {
            id: r.get(0)?,
            till: r.get(1)?,
            seq: r.get(2)?,
            kind: r.get(3)?,
            schema_version: r.get(4)?,
            payload: r.get(5)?,
            hash: r.get(6)?,
            till_time: r.get(7)?,
        })
    })
    .optional()?)
}
