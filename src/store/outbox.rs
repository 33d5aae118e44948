//! The outbox (`events`, schema_v23_outbox): the events each use case caused, appended in
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

/// Another till's event as the coop's server gave it, with its place in the server's order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pulled {
    pub change_seq: i64,
    pub event: Event,
}

/// The canonical text of a payload and its sha256 hex. serde_json's map keeps keys sorted,
/// so the same value always gives the same text.
pub fn canonical(payload: &serde_json::Value) -> (String, String) {
    let text = payload.to_string();
    let hash = hex::encode(Sha256::digest(text.as_bytes()));
    (text, hash)
}

/// [`canonical`] of a payload serialised straight from its own type (a sale's, on the sale's
/// path, without building a `serde_json::Value` first): the same text as the value would
/// give, provided its fields are declared in sorted key order and its maps are sorted.
pub fn canonical_of<T: serde::Serialize + ?Sized>(payload: &T) -> Result<(String, String)> {
    let text = serde_json::to_string(payload).map_err(|e| {
        crate::error::KasirError::invalid(
            format!("Peristiwa tidak bisa ditulis: {e}"),
            format!("The event cannot be written: {e}"),
        )
    })?;
    let hash = hex::encode(Sha256::digest(text.as_bytes()));
    Ok((text, hash))
}

/// Append an event of `till` in the caller's transaction: the next seq of that till, a new
/// UUIDv7 id, the canonical payload and its hash.
pub fn append_event(
    c: &Connection,
    till: &str,
    kind: &str,
    schema_version: i64,
    payload: &(impl serde::Serialize + ?Sized),
    till_time: &str,
) -> Result<Event> {
    let last = last_seq(c, till)?;
    let (payload, hash) = canonical_of(payload)?;
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

/// The till's last acknowledged seq (0 if none): walking back from its newest event, so the
/// cost is what is pending, never the acknowledged history.
pub fn acked_through(c: &Connection, till: &str) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT seq FROM events WHERE till = ?1 AND acked = 1 ORDER BY seq DESC LIMIT 1",
    )?
    .query_row([till], |r| r.get(0))
    .optional()?
    .unwrap_or(0))
}

/// The till's newest seq (0 if none).
pub fn last_seq(c: &Connection, till: &str) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT COALESCE(max(seq), 0) FROM events WHERE till = ?1")?
            .query_row([till], |r| r.get(0))?,
    )
}

/// The first `limit` events of `till` the server has not acknowledged, in seq order.
pub fn pending(c: &Connection, till: &str, limit: i64) -> Result<Vec<Event>> {
    let after = acked_through(c, till)?;
    events_after(c, till, after, limit)
}

/// The first `limit` events of `till` after seq `after`, in seq order.
pub fn events_after(c: &Connection, till: &str, after: i64, limit: i64) -> Result<Vec<Event>> {
    let mut st = c.prepare_cached(
        "SELECT id, till, seq, kind, schema_version, payload, hash, till_time
         FROM events WHERE till = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = st
        .query_map(params![till, after, limit], |r| {
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

/// The first `limit` events of `till` this file still keeps after `seq`, acknowledged or
/// not, in seq order (pushed again to a server that was rebuilt).
pub fn kept_after(c: &Connection, till: &str, seq: i64, limit: i64) -> Result<Vec<Event>> {
    let mut st = c.prepare_cached(
        "SELECT id, till, seq, kind, schema_version, payload, hash, till_time
         FROM events WHERE till = ?1 AND seq > ?2 ORDER BY seq LIMIT ?3",
    )?;
    let rows = st
        .query_map(params![till, seq, limit], |r| {
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

/// What [`prune`] did: events deleted, and where the rest begin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Prune {
    pub deleted: usize,
    /// The till's newest seq, its last acknowledged one, and the first seq written after
    /// `cutoff` (newest + 1: none).
    pub newest: i64,
    pub acked: i64,
    pub first_recent: i64,
    /// The first seq still kept (none: the till has no events).
    pub first_kept: Option<i64>,
}

/// Delete `till`'s events up to the first one of: its last acknowledged, `district_held`,
/// the one before its newest, the one before the first written after `cutoff` (its
/// `till_time`, `YYYY-MM-DD HH:MM:SS`). Always a prefix of the till's events.
pub fn prune(c: &Connection, till: &str, district_held: i64, cutoff: &str) -> Result<Prune> {
    let newest = last_seq(c, till)?;
    let acked = acked_through(c, till)?;
    let first_recent: i64 = c
        .prepare_cached(
            "SELECT COALESCE(min(seq), ?3 + 1) FROM events WHERE till = ?1 AND till_time > ?2",
        )?
        .query_row(params![till, cutoff, newest], |r| r.get(0))?;
    let upto = acked
        .min(district_held)
        .min(newest - 1)
        .min(first_recent - 1);
    let deleted = c
        .prepare_cached("DELETE FROM events WHERE till = ?1 AND seq <= ?2")?
        .execute(params![till, upto])?;
    let first_kept: Option<i64> = c
        .prepare_cached("SELECT min(seq) FROM events WHERE till = ?1")?
        .query_row([till], |r| r.get(0))?;
    Ok(Prune {
        deleted,
        newest,
        acked,
        first_recent,
        first_kept,
    })
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

/// The till ids that have events in this file: one index step per till, never a read of
/// the history.
pub fn tills(c: &Connection) -> Result<Vec<String>> {
    let mut st = c.prepare_cached(
        "WITH RECURSIVE t(till) AS (
             SELECT min(till) FROM events
             UNION ALL
             SELECT (SELECT min(e.till) FROM events e WHERE e.till > t.till) FROM t
             WHERE t.till IS NOT NULL)
         SELECT till FROM t WHERE till IS NOT NULL",
    )?;
    let rows = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Per till: how many events wait for the server (its newest seq less its last
/// acknowledged one).
pub fn pending_counts(c: &Connection) -> Result<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for till in tills(c)? {
        let n = last_seq(c, &till)? - acked_through(c, &till)?;
        if n > 0 {
            out.push((till, n));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn event(s: &Store, till: &str, n: i64) -> Event {
        s.write(|tx| {
            append_event(
                tx,
                till,
                "sale.v1",
                1,
                &serde_json::json!({ "n": n, "b": "2500.5", "a": null }),
                "2026-01-01 08:00:00",
            )
        })
        .unwrap()
    }

    #[test]
    fn seqs_are_per_till_and_gapless_and_the_payload_is_canonical() {
        let s = Store::open_in_memory().unwrap();
        let a1 = event(&s, "a", 1);
        let b1 = event(&s, "b", 1);
        let a2 = event(&s, "a", 2);
        assert_eq!((a1.seq, b1.seq, a2.seq), (1, 1, 2));
        assert_eq!(a1.payload, r#"{"a":null,"b":"2500.5","n":1}"#);
        assert_eq!(a1.hash, hex::encode(Sha256::digest(a1.payload.as_bytes())));
        assert_eq!(uuid::Uuid::parse_str(&a1.id).unwrap().get_version_num(), 7);
        // A gap is refused by the file itself.
        let gap = s.conn().execute(
            "INSERT INTO events(id, till, seq, kind, schema_version, payload, hash, till_time)
             VALUES ('x', 'a', 4, 'sale.v1', 1, '{}', 'h', 't')",
            [],
        );
        assert!(gap.is_err());
        assert_eq!(
            pending(s.conn(), "a", 10).unwrap(),
            vec![a1.clone(), a2.clone()]
        );
        assert_eq!(
            pending_counts(s.conn()).unwrap(),
            vec![("a".to_string(), 2), ("b".to_string(), 1)]
        );
    }

    #[test]
    fn only_acked_changes_and_an_unacknowledged_event_is_kept() {
        let s = Store::open_in_memory().unwrap();
        let a1 = event(&s, "a", 1);
        event(&s, "a", 2);
        event(&s, "b", 1);
        for change in [
            "UPDATE events SET payload = '{}' WHERE till = 'a' AND seq = 1",
            "UPDATE events SET hash = 'x' WHERE till = 'a' AND seq = 1",
            "UPDATE events SET seq = 9 WHERE till = 'a' AND seq = 1",
            "UPDATE events SET kind = 'return.v1' WHERE till = 'a' AND seq = 1",
            "DELETE FROM events WHERE till = 'a' AND seq = 1",
        ] {
            assert!(s.conn().execute(change, []).is_err(), "{change}");
        }
        assert_eq!(pending(s.conn(), "a", 1).unwrap(), vec![a1.clone()]);
        assert_eq!(s.write(|tx| ack_through(tx, "a", 1)).unwrap(), 1);
        assert_eq!(pending(s.conn(), "a", 10).unwrap().len(), 1);
        // Acknowledged stays acknowledged; an acknowledged event may go, but not the till's
        // newest: the next event must not take a seq the server already holds.
        assert!(s
            .conn()
            .execute(
                "UPDATE events SET acked = 0 WHERE till = 'a' AND seq = 1",
                []
            )
            .is_err());
        s.write(|tx| ack_through(tx, "a", 2)).unwrap();
        // Acknowledged by the coop's server is not enough: the district must hold it too.
        assert!(s
            .conn()
            .execute("DELETE FROM events WHERE till = 'a' AND seq = 1", [])
            .is_err());
        s.conn()
            .execute(
                "INSERT INTO district_acks (till, held, heard_at) VALUES ('a', 2, 'now')",
                [],
            )
            .unwrap();
        assert!(s
            .conn()
            .execute("UPDATE district_acks SET held = 1 WHERE till = 'a'", [])
            .is_err());
        s.conn()
            .execute("DELETE FROM events WHERE till = 'a' AND seq = 1", [])
            .unwrap();
        assert!(s
            .conn()
            .execute("DELETE FROM events WHERE till = 'a' AND seq = 2", [])
            .is_err());
        assert_eq!(event(&s, "a", 3).seq, 3);
    }
}
