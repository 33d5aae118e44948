//! Sync with the coop's PostgreSQL: the till pushes its outbox (`store::outbox`) through the
//! server's `kasir_push` function and marks acknowledged what the server says it holds.
//!
//! The protocol, [`push_all`], is written against two small traits so the same code runs
//! on the real store and server ([`StoreOutbox`], [`crate::store::coop::PgServer`]) and in the deterministic
//! simulation of this module's tests (an in-memory outbox and server with seeded faults).
//! A push whose reply is lost is an unknown outcome: nothing is acknowledged, and the next
//! run pushes the same events again; the server stores each event id once.

pub mod bundle;

use crate::error::{KasirError, Result};
use crate::store::outbox::{self, Event};
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
/// answered push up to the server's highest seq (never beyond the batch just sent). Stops at
/// the first error, with everything answered so far acknowledged.
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
    let items: Vec<serde_json::Value> = batch
        .iter()
        .map(|e| {
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
        })
        .collect();
    serde_json::Value::Array(items).to_string()
}

#[cfg(test)]
mod sim;
