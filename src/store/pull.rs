//! The pull's own tables (`schema_v24_pull`): how far this node has read the server's order
//! of events, every remote event applied here (once), the ones it could not apply yet; and
//! the look-ups that turn a remote event's SKUs, units, batch numbers, sale and shift uuids
//! into this file's ids.

use rusqlite::{params, Connection, OptionalExtension};

use super::outbox::{Event, Pulled};
use crate::error::Result;

/// The server's change_seq this node has read through (0 before the first pull).
pub fn last_change_seq(c: &Connection) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT last_change_seq FROM sync_pull WHERE id = 1")?
            .query_row([], |r| r.get(0))?,
    )
}

/// Record that the server's order has been read through `seq` (never backwards).
pub fn set_last_change_seq(c: &Connection, seq: i64) -> Result<()> {
    c.prepare_cached(
        "UPDATE sync_pull SET last_change_seq = max(last_change_seq, ?1) WHERE id = 1",
    )?
    .execute([seq])?;
    Ok(())
}

/// Record that a pull which began at `at` read everything the server held (its last
/// batch came back empty).
pub fn set_synced_at(c: &Connection, at: &str) -> Result<()> {
    c.prepare_cached("UPDATE sync_pull SET synced_at = ?1 WHERE id = 1")?
        .execute([at])?;
    Ok(())
}

/// When this node last read everything the server held (none before its first whole pull).
pub fn synced_at(c: &Connection) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT synced_at FROM sync_pull WHERE id = 1")?
            .query_row([], |r| r.get(0))?,
    )
}

/// Has the event `id` been applied here?
pub fn is_applied(c: &Connection, id: &str) -> Result<bool> {
    Ok(
        c.prepare_cached("SELECT 1 FROM sync_applied WHERE id = ?1")?
            .query_row([id], |_| Ok(()))
            .optional()?
            .is_some(),
    )
}

/// Record the event applied (fails if it already was: the id is the table's key).
pub fn record_applied(c: &Connection, p: &Pulled, at: &str) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO sync_applied(id, change_seq, till, seq, kind, applied_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?
    .execute(params![
        p.event.id,
        p.change_seq,
        p.event.till,
        p.event.seq,
        p.event.kind,
        at
    ])?;
    Ok(())
}

/// A remote event not applied here yet, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExceptionRow {
    pub pulled: Pulled,
    pub reason_id: String,
    pub reason_en: String,
    pub first_seen: String,
    pub last_tried: String,
    pub tries: i64,
}

/// Keep (or, when it is kept already, update) the exception of a remote event.
pub fn record_exception(c: &Connection, p: &Pulled, reason: (&str, &str), at: &str) -> Result<()> {
    let e = &p.event;
    c.prepare_cached(
        "INSERT INTO sync_exceptions(id, change_seq, till, seq, kind, schema_version, payload,
                                     hash, till_time, reason_id, reason_en, first_seen, last_tried)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)
         ON CONFLICT(id) DO UPDATE SET reason_id = excluded.reason_id,
             reason_en = excluded.reason_en, last_tried = excluded.last_tried,
             tries = sync_exceptions.tries + 1",
    )?
    .execute(params![
        e.id,
        p.change_seq,
        e.till,
        e.seq,
        e.kind,
        e.schema_version,
        e.payload,
        e.hash,
        e.till_time,
        reason.0,
        reason.1,
        at
    ])?;
    Ok(())
}

/// The event is applied now: its exception goes.
pub fn clear_exception(c: &Connection, id: &str) -> Result<()> {
    c.prepare_cached("DELETE FROM sync_exceptions WHERE id = ?1")?
        .execute([id])?;
    Ok(())
}

/// Every open exception, in the server's order.
pub fn exceptions(c: &Connection) -> Result<Vec<ExceptionRow>> {
    let mut st = c.prepare_cached(
        "SELECT change_seq, id, till, seq, kind, schema_version, payload, hash, till_time,
                reason_id, reason_en, first_seen, last_tried, tries
         FROM sync_exceptions ORDER BY change_seq",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok(ExceptionRow {
                pulled: Pulled {
                    change_seq: r.get(0)?,
                    event: Event {
                        id: r.get(1)?,
                        till: r.get(2)?,
                        seq: r.get(3)?,
                        kind: r.get(4)?,
                        schema_version: r.get(5)?,
                        payload: r.get(6)?,
                        hash: r.get(7)?,
                        till_time: r.get(8)?,
                    },
                },
                reason_id: r.get(9)?,
                reason_en: r.get(10)?,
                first_seen: r.get(11)?,
                last_tried: r.get(12)?,
                tries: r.get(13)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// How many exceptions are open.
pub fn exception_count(c: &Connection) -> Result<i64> {
    Ok(c.prepare_cached("SELECT count(*) FROM sync_exceptions")?
        .query_row([], |r| r.get(0))?)
}

/// Run `f` inside a savepoint of the caller's transaction: what it wrote stays if it
/// succeeds and is undone if it fails (the transaction itself goes on).
pub fn in_savepoint<T>(c: &Connection, f: impl FnOnce() -> Result<T>) -> Result<T> {
    c.execute_batch("SAVEPOINT sync_event")?;
    match f() {
        Ok(v) => {
            c.execute_batch("RELEASE sync_event")?;
            Ok(v)
        }
        Err(e) => {
            c.execute_batch("ROLLBACK TO sync_event; RELEASE sync_event")?;
            Err(e)
        }
    }
}

fn one(c: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<Option<i64>> {
    Ok(c.prepare_cached(sql)?
        .query_row(p, |r| r.get(0))
        .optional()?)
}

/// The product with this SKU (exactly as the other till wrote it).
pub fn product_by_sku(c: &Connection, sku: &str) -> Result<Option<i64>> {
    one(c, "SELECT id FROM products WHERE sku = ?1", [sku])
}

/// The product's unit of this name.
pub fn unit_of(c: &Connection, product_id: i64, unit: &str) -> Result<Option<i64>> {
    one(
        c,
        "SELECT id FROM product_units WHERE product_id = ?1 AND unit = ?2",
        params![product_id, unit],
    )
}

/// The product's batch of this number.
pub fn batch_of(c: &Connection, product_id: i64, batch_no: &str) -> Result<Option<i64>> {
    one(
        c,
        "SELECT id FROM batches WHERE product_id = ?1 AND batch_no = ?2",
        params![product_id, batch_no],
    )
}

/// The sale with this uuid.
pub fn sale_by_uuid(c: &Connection, uuid: &str) -> Result<Option<i64>> {
    one(c, "SELECT id FROM sales WHERE uuid = ?1", [uuid])
}

/// The line `line_no` of a sale: (line id, product id).
pub fn sale_line(c: &Connection, sale_id: i64, line_no: i64) -> Result<Option<(i64, i64)>> {
    Ok(c.prepare_cached(
        "SELECT id, product_id FROM sale_lines WHERE sale_id = ?1 AND line_no = ?2",
    )?
    .query_row(params![sale_id, line_no], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?)
}

/// The shift with this uuid.
pub fn shift_by_uuid(c: &Connection, uuid: &str) -> Result<Option<i64>> {
    one(c, "SELECT id FROM shifts WHERE uuid = ?1", [uuid])
}

/// A return with this uuid or number exists.
pub fn return_exists(c: &Connection, uuid: &str, number: &str) -> Result<bool> {
    Ok(one(
        c,
        "SELECT id FROM returns WHERE uuid = ?1 OR number = ?2",
        params![uuid, number],
    )?
    .is_some())
}

/// A sale with this number exists.
pub fn sale_number_exists(c: &Connection, number: &str) -> Result<bool> {
    Ok(one(c, "SELECT id FROM sales WHERE number = ?1", [number])?.is_some())
}

/// Replace the server's list of the other tills (till, change_seq of its newest event).
pub fn set_tills(c: &Connection, tills: &[(String, i64)], at: &str) -> Result<()> {
    c.execute("DELETE FROM sync_tills", [])?;
    for (till, seq) in tills {
        c.prepare_cached(
            "INSERT INTO sync_tills(till, last_change_seq, listed_at) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![till, seq, at])?;
    }
    Ok(())
}

/// Tills whose events are not all applied here: the server listed events of theirs beyond
/// the change_seq this node has applied through, or an event of theirs from `date` or
/// before waits as an exception.
pub fn unsynced_tills(c: &Connection, date: &str) -> Result<Vec<String>> {
    let mut st = c.prepare_cached(
        "SELECT till FROM sync_tills
          WHERE last_change_seq > (SELECT last_change_seq FROM sync_pull WHERE id = 1)
         UNION
         SELECT till FROM sync_exceptions WHERE substr(till_time, 1, 10) <= ?1
         ORDER BY 1",
    )?;
    let rows = st
        .query_map([date], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The business unit of the product with this SKU.
pub fn product_unit(c: &Connection, sku: &str) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT business_unit FROM products WHERE sku = ?1")?
            .query_row([sku], |r| r.get(0))
            .optional()?,
    )
}

/// The business unit of the shift with this uuid.
pub fn shift_unit(c: &Connection, uuid: &str) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT business_unit FROM shifts WHERE uuid = ?1")?
            .query_row([uuid], |r| r.get(0))
            .optional()?,
    )
}

/// Per till, the highest event sequence held here: applied from the other tills, or
/// written by this file's own.
pub fn held_through(c: &Connection) -> Result<Vec<(String, i64)>> {
    let mut out = Vec::new();
    for sql in [
        "SELECT till, max(seq) FROM sync_applied GROUP BY till",
        "SELECT till, max(seq) FROM events GROUP BY till",
    ] {
        let mut st = c.prepare_cached(sql)?;
        let rows = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.extend(rows);
    }
    Ok(out)
}

/// The day's last close/reverse event: (kind, what a close covered as JSON).
pub fn last_day_covers(c: &Connection, date: &str) -> Result<Option<(String, Option<String>)>> {
    Ok(c.prepare_cached(
        "SELECT kind, covers FROM day_events WHERE business_date = ?1 ORDER BY id DESC LIMIT 1",
    )?
    .query_row([date], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?)
}

/// The last close written or applied here that says what it covered: (date, covers JSON).
pub fn last_close_covers(c: &Connection) -> Result<Option<(String, Option<String>)>> {
    Ok(c.prepare_cached(
        "SELECT business_date, covers FROM day_events
          WHERE kind = 'close' AND covers IS NOT NULL ORDER BY id DESC LIMIT 1",
    )?
    .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
    .optional()?)
}

/// This file's own events of `till` after seq `after` written on day `since` or later (by
/// the till's clock): (id, seq, kind, payload).
pub fn own_events_after(
    c: &Connection,
    till: &str,
    after: i64,
    since: &str,
) -> Result<Vec<(String, i64, String, String)>> {
    let mut st = c.prepare_cached(
        "SELECT id, seq, kind, payload FROM events
          WHERE till = ?1 AND seq > ?2 AND substr(till_time, 1, 10) >= ?3 ORDER BY seq",
    )?;
    let rows = st
        .query_map(params![till, after, since], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A goods receipt with this uuid exists.
pub fn receipt_exists(c: &Connection, uuid: &str) -> Result<bool> {
    Ok(one(c, "SELECT id FROM goods_receipts WHERE uuid = ?1", [uuid])?.is_some())
}

/// A goods receipt with this document number exists.
pub fn receipt_doc_no_taken(c: &Connection, doc_no: &str) -> Result<bool> {
    Ok(one(
        c,
        "SELECT id FROM goods_receipts WHERE doc_no = ?1",
        [doc_no],
    )?
    .is_some())
}

/// A cash move with this uuid exists.
pub fn cash_move_exists(c: &Connection, uuid: &str) -> Result<bool> {
    Ok(one(c, "SELECT id FROM cash_moves WHERE uuid = ?1", [uuid])?.is_some())
}

/// The journal with this uuid.
pub fn journal_by_uuid(c: &Connection, uuid: &str) -> Result<Option<i64>> {
    one(c, "SELECT id FROM journals WHERE uuid = ?1", [uuid])
}

/// The uuid of a journal (the same on every node that holds it).
pub fn journal_uuid(c: &Connection, id: i64) -> Result<Option<String>> {
    Ok(c.prepare_cached("SELECT uuid FROM journals WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

/// The journal with this number.
pub fn journal_by_number(c: &Connection, number: &str) -> Result<Option<i64>> {
    one(c, "SELECT id FROM journals WHERE number = ?1", [number])
}

/// The live day journal of a date and unit, if one is posted here: its number.
pub fn live_day_journal(c: &Connection, date: &str, unit: &str) -> Result<Option<String>> {
    Ok(c.prepare_cached(
        "SELECT j.number FROM journals j
          WHERE j.business_date = ?1 AND j.business_unit = ?2 AND j.kind = 'day'
            AND NOT EXISTS (SELECT 1 FROM journals r WHERE r.reverses = j.id)",
    )?
    .query_row(params![date, unit], |r| r.get(0))
    .optional()?)
}

/// A day closed or reversed on another node (`posted_on`: the till id it pushes under;
/// `covers`: what a close covered, JSON).
#[allow(clippy::too_many_arguments)]
pub fn insert_day_event_from(
    c: &Connection,
    date: &str,
    kind: &str,
    at: &str,
    actor: &str,
    reason: Option<&str>,
    posted_on: &str,
    covers: Option<&str>,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO day_events(business_date, kind, at, actor, reason, posted_on, covers)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![date, kind, at, actor, reason, posted_on, covers])?;
    Ok(())
}

/// Where the day's last close was posted, when it is closed: `Some(None)` on this node,
/// `Some(Some(till))` on the node that pushes under `till`.
pub fn day_closed_on(c: &Connection, date: &str) -> Result<Option<Option<String>>> {
    let last: Option<(String, Option<String>)> = c
        .prepare_cached(
            "SELECT kind, posted_on FROM day_events WHERE business_date = ?1
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row([date], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match last {
        Some((kind, on)) if kind == "close" => Some(on),
        _ => None,
    })
}

/// The change_seq of the last change to product SKU or member number (`kind`: product,
/// member) this node applied from the server (0: none).
pub fn version(c: &Connection, kind: &str, key: &str) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT change_seq FROM sync_versions WHERE kind = ?1 AND key = ?2")?
            .query_row(params![kind, key], |r| r.get(0))
            .optional()?
            .unwrap_or(0),
    )
}

/// Record the change at `change_seq` applied to `key` (never backwards).
pub fn set_version(c: &Connection, kind: &str, key: &str, change_seq: i64) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO sync_versions(kind, key, change_seq) VALUES (?1, ?2, ?3)
         ON CONFLICT(kind, key) DO UPDATE SET change_seq = max(change_seq, excluded.change_seq)",
    )?
    .execute(params![kind, key, change_seq])?;
    Ok(())
}

/// The payloads of this file's own events of `kinds` the server has not acknowledged yet
/// (per till, from its last acknowledged seq on: never a read of the history).
pub fn unacked_payloads(c: &Connection, kinds: &[&str]) -> Result<Vec<String>> {
    let mut out = Vec::new();
    for till in super::outbox::tills(c)? {
        let after = super::outbox::acked_through(c, &till)?;
        let mut st = c.prepare_cached(
            "SELECT kind, payload FROM events WHERE till = ?1 AND seq > ?2 ORDER BY seq",
        )?;
        let rows = st
            .query_map(params![till, after], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        out.extend(
            rows.into_iter()
                .filter(|(k, _)| kinds.contains(&k.as_str()))
                .map(|(_, p)| p),
        );
    }
    Ok(out)
}

/// The id of the coop's server this node last synced with (none: never yet, or a server
/// older than schema version 8).
pub fn server_id(c: &Connection) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT server_id FROM sync_pull WHERE id = 1")?
            .query_row([], |r| r.get(0))?,
    )
}

/// Record the id of the server this node syncs with (its first sync with it).
pub fn set_server_id(c: &Connection, id: &str) -> Result<()> {
    c.prepare_cached("UPDATE sync_pull SET server_id = ?1 WHERE id = 1")?
        .execute([id])?;
    Ok(())
}

/// The coop's server was rebuilt (it answers another id): read the new server's order from
/// its start. What was applied here stays applied (`sync_applied`, by event id: the re-read
/// skips it); the catalog's and members' versions, which are the old server's change_seqs,
/// go (the new server numbers anew), and so do the events kept as exceptions (the re-read
/// brings each back under its new change_seq, applied or kept again).
pub fn restart_on_server(c: &Connection, id: &str) -> Result<()> {
    c.prepare_cached("UPDATE sync_pull SET last_change_seq = 0, server_id = ?1 WHERE id = 1")?
        .execute([id])?;
    c.execute("DELETE FROM sync_versions", [])?;
    c.execute("DELETE FROM sync_exceptions", [])?;
    Ok(())
}

/// What the district holds of `till` (the highest seq), as this node last heard it.
pub fn district_held(c: &Connection, till: &str) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT held FROM district_acks WHERE till = ?1")?
            .query_row([till], |r| r.get(0))
            .optional()?
            .unwrap_or(0),
    )
}

/// Record that the district holds `till`'s events through `held` (never backwards).
pub fn set_district_held(c: &Connection, till: &str, held: i64, at: &str) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO district_acks(till, held, heard_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(till) DO UPDATE SET held = max(held, excluded.held),
             heard_at = excluded.heard_at",
    )?
    .execute(params![till, held.max(0), at])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    #[test]
    fn the_read_position_goes_back_only_to_a_new_servers_start() {
        let s = Store::open_in_memory().unwrap();
        let c = s.conn();
        set_server_id(c, "old").unwrap();
        set_last_change_seq(c, 40).unwrap();
        set_version(c, "product", "SKU-1", 39).unwrap();
        // Never backwards under the same server, nor part-way back under another.
        for sql in [
            "UPDATE sync_pull SET last_change_seq = 10 WHERE id = 1",
            "UPDATE sync_pull SET last_change_seq = 0 WHERE id = 1",
            "UPDATE sync_pull SET last_change_seq = 10, server_id = 'new' WHERE id = 1",
        ] {
            assert!(c.execute(sql, []).is_err(), "{sql}");
        }
        restart_on_server(c, "new").unwrap();
        assert_eq!(last_change_seq(c).unwrap(), 0);
        assert_eq!(server_id(c).unwrap().as_deref(), Some("new"));
        // The old server's change_seqs no longer hold back the new server's changes.
        assert_eq!(version(c, "product", "SKU-1").unwrap(), 0);
    }

    #[test]
    fn what_the_district_holds_only_moves_forward() {
        let s = Store::open_in_memory().unwrap();
        let c = s.conn();
        assert_eq!(district_held(c, "a").unwrap(), 0);
        set_district_held(c, "a", 5, "t1").unwrap();
        set_district_held(c, "a", 3, "t2").unwrap();
        assert_eq!(district_held(c, "a").unwrap(), 5);
    }
}
