//! Sync with the coop's PostgreSQL: the till pushes its outbox (`store::outbox`) through the
//! server's `kasir_push` function and marks acknowledged what the server says it holds;
//! then it pulls the other tills' events (`kasir_pull`, in the server's `change_seq` order)
//! and applies them to its own tables.
//!
//! The protocols, [`push_all`] and [`pull_all`], are written against small traits so the
//! same code runs on the real store and server ([`StoreOutbox`], `service::sync`'s node,
//! [`crate::store::coop::PgServer`]) and in the deterministic simulation of this module's
//! tests (in-memory tills and server with seeded faults).
//! A push whose reply is lost is an unknown outcome: nothing is acknowledged, and the next
//! run pushes the same events again; the server stores each event id once. A pulled batch
//! is applied together with the new last change_seq in one transaction; a batch lost or
//! delivered twice is pulled again or skipped by event id, so each event is applied once.

pub mod bundle;
pub mod relay;

use crate::error::{KasirError, Result};
use crate::store::outbox::{self, Event, Pulled};
use crate::store::Store;

/// Events per push.
pub const BATCH: i64 = 500;

/// Where the till's unacknowledged events are kept.
pub trait Outbox {
    /// The first `limit` unacknowledged events of `till`, in seq order.
    fn pending(&mut self, till: &str, limit: i64) -> Result<Vec<Event>>;
    /// Mark `till`'s events up to `seq` acknowledged.
    fn ack_through(&mut self, till: &str, seq: i64) -> Result<()>;
}

/// The coop's server.
pub trait Server {
    /// Store a batch of `till`'s events; the highest seq of `till` the server now holds.
    /// An error means the outcome is unknown (the batch may or may not be stored).
    fn push(&mut self, till: &str, batch: &[Event]) -> Result<i64>;
}

/// The server's feed of other tills' events.
pub trait Feed {
    /// At most `limit` events of tills other than `till` after `after`, in change_seq order,
    /// and `till`'s own events of the [`ORDERED_KINDS`].
    fn pull(&mut self, till: &str, after: i64, limit: i64) -> Result<Vec<Pulled>>;
}

/// A node that applies pulled events.
pub trait Node {
    /// The change_seq this node has applied through.
    fn last_pulled(&mut self) -> Result<i64>;
    /// Apply a batch and record its last change_seq, all or nothing. An event already
    /// applied is skipped; one that cannot be applied here is kept as an exception.
    fn apply(&mut self, batch: &[Pulled]) -> Result<Applied>;
    /// Try the kept exceptions again (those now applicable are applied).
    fn retry_exceptions(&mut self) -> Result<Applied>;
}

/// What applying a batch (or retrying exceptions) did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Applied {
    /// Events applied now.
    pub applied: usize,
    /// Events already applied before (a batch delivered again).
    pub already: usize,
    /// Events kept as exceptions now (new or still failing).
    pub exceptions: usize,
}

/// What one run of [`pull_all`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PullReport {
    /// Events received from the server.
    pub pulled: usize,
    /// Events applied (pulled now, or kept from an earlier pull and applied now).
    pub applied: usize,
    /// The change_seq the node has applied through after the run.
    pub through: i64,
}

/// Kinds every node applies in the server's order, its own events of them included (the
/// catalog, the members, users, suppliers and settings): the server gives a till back its own events of these kinds.
pub const ORDERED_KINDS: &[&str] = &[
    "catalog.v1",
    "members.v1",
    "users.v1",
    "suppliers.v1",
    "settings.v1",
];

/// Is `kind` one of [`ORDERED_KINDS`]?
pub fn ordered_kind(kind: &str) -> bool {
    ORDERED_KINDS.contains(&kind)
}

/// Retry the node's exceptions once, then pull `batch` events at a time after the node's
/// last change_seq and apply each batch, until the server has nothing new; when the run
/// pulled a product, member, user, supplier or setting ([`ORDERED_KINDS`]), retry the
/// exceptions once more, so an event that waited for one (goods from a supplier this node
/// did not have yet) applies in the same run. Stops at the first error; every batch
/// applied before it stays applied.
pub fn pull_all(
    node: &mut dyn Node,
    feed: &mut dyn Feed,
    till: &str,
    batch: i64,
) -> Result<PullReport> {
    let mut report = PullReport {
        applied: node.retry_exceptions()?.applied,
        ..PullReport::default()
    };
    let mut pulled_ordered = false;
    loop {
        let after = node.last_pulled()?;
        let events = feed.pull(till, after, batch)?;
        report.through = after;
        if events.is_empty() {
            if pulled_ordered {
                report.applied += node.retry_exceptions()?.applied;
            }
            return Ok(report);
        }
        pulled_ordered |= events.iter().any(|p| ordered_kind(&p.event.kind));
        let mut prev = after;
        for p in &events {
            if p.change_seq <= prev || (p.event.till == till && !ordered_kind(&p.event.kind)) {
                return Err(KasirError::invalid(
                    format!(
                        "Server mengirim kejadian #{} tidak berurutan atau milik kasir ini",
                        p.change_seq
                    ),
                    format!(
                        "The server sent event #{} out of order or of this till",
                        p.change_seq
                    ),
                ));
            }
            prev = p.change_seq;
        }
        report.pulled += events.len();
        let done = node.apply(&events)?;
        report.applied += done.applied;
    }
}

/// What one run of [`push_all`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    /// Events sent (a retried event counts again).
    pub sent: usize,
    /// Batches the server answered.
    pub batches: usize,
    /// The highest seq acknowledged in this run, if any.
    pub acked_through: Option<i64>,
}

/// Push every unacknowledged event of `till`, `batch` at a time, acknowledging after each
/// answered push up to the server's highest seq (never beyond the batch just sent), until a
/// batch comes back short of full (events committed after that wait for the next run). Stops
/// at the first error, with everything answered so far acknowledged.
pub fn push_all(
    outbox: &mut dyn Outbox,
    server: &mut dyn Server,
    till: &str,
    batch: i64,
) -> Result<PushReport> {
    let mut report = PushReport::default();
    loop {
        let events = outbox.pending(till, batch)?;
        let (Some(first), Some(last)) = (events.first(), events.last()) else {
            return Ok(report);
        };
        let (first, last) = (first.seq, last.seq);
        report.sent += events.len();
        let held = server.push(till, &events)?;
        crate::store::crash::point("sync.after_push");
        report.batches += 1;
        if held < first {
            return Err(KasirError::invalid(
                format!("Server tidak menyimpan kejadian {first}–{last} kasir {till}"),
                format!("The server did not keep events {first}–{last} of till {till}"),
            ));
        }
        let upto = held.min(last);
        outbox.ack_through(till, upto)?;
        report.acked_through = Some(upto);
        // A batch short of full held everything that waited when it was read: what a till
        // sells meanwhile goes with the next run, so a run ends while the till sells on.
        if (events.len() as i64) < batch {
            return Ok(report);
        }
    }
}

/// Push again every event of `till` the shop file still keeps, acknowledged or not, from
/// its first kept seq, `batch` at a time: to a coop server that was lost and rebuilt, which
/// stores each event id once (what it already holds, from the district, changes nothing).
/// Acknowledges what the server holds of the events not yet acknowledged. Returns the
/// events sent.
pub fn repush_all(store: &Store, server: &mut dyn Server, till: &str, batch: i64) -> Result<usize> {
    let mut after = 0;
    let mut sent = 0;
    loop {
        let events = outbox::kept_after(store.conn(), till, after, batch)?;
        let (Some(first), Some(last)) = (events.first(), events.last()) else {
            return Ok(sent);
        };
        let (first, last) = (first.seq, last.seq);
        sent += events.len();
        let held = server.push(till, &events)?;
        if held < first {
            return Err(KasirError::invalid(
                format!("Server tidak menyimpan kejadian {first}–{last} kasir {till}"),
                format!("The server did not keep events {first}–{last} of till {till}"),
            ));
        }
        let _crash = crate::store::crash::use_case("sync_ack");
        store.write(|tx| outbox::ack_through(tx, till, held.min(last)))?;
        after = last;
    }
}

/// The shop file's outbox.
pub struct StoreOutbox<'a>(pub &'a Store);

impl Outbox for StoreOutbox<'_> {
    fn pending(&mut self, till: &str, limit: i64) -> Result<Vec<Event>> {
        outbox::pending(self.0.conn(), till, limit)
    }

    fn ack_through(&mut self, till: &str, seq: i64) -> Result<()> {
        let _crash = crate::store::crash::use_case("sync_ack");
        self.0.write(|tx| outbox::ack_through(tx, till, seq))?;
        Ok(())
    }
}

/// The JSON array `kasir_push` takes: each event with its payload as the canonical text the
/// hash was taken of.
pub fn batch_json(batch: &[Event]) -> String {
    let items: Vec<serde_json::Value> = batch.iter().map(event_json).collect();
    serde_json::Value::Array(items).to_string()
}

/// One event as the server takes it (and as a bundle carries it): its payload as the
/// canonical text the hash was taken of.
pub fn event_json(e: &Event) -> serde_json::Value {
    serde_json::json!({
        "id": e.id,
        "till": e.till,
        "seq": e.seq,
        "kind": e.kind,
        "version": e.schema_version,
        "payload": e.payload,
        "hash": e.hash,
        "till_time": e.till_time,
    })
}

#[cfg(test)]
mod sim;
