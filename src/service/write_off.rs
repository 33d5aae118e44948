//! Stock out without a sale: write-offs (damaged, expired, lost), and the issue of stock at
//! moving-average cost first expiry first that write-offs and count shortages share.

use rusqlite::Connection;
use rust_decimal::Decimal;

use super::{stamp, Shop};
use crate::domain::stock::{fefo_plan, issue_cost};
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::stock::{self as q, ExpiryRow, MoveKind, NewMove};

/// Why stock is written off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteOffReason {
    Rusak,
    Kedaluwarsa,
    Hilang,
}

impl WriteOffReason {
    pub fn as_str(self) -> &'static str {
        match self {
            WriteOffReason::Rusak => "rusak",
            WriteOffReason::Kedaluwarsa => "kedaluwarsa",
            WriteOffReason::Hilang => "hilang",
        }
    }
    /// Indonesian or English names: rusak/damaged, kedaluwarsa/expired, hilang/lost.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "rusak" | "damaged" => Some(WriteOffReason::Rusak),
            "kedaluwarsa" | "expired" => Some(WriteOffReason::Kedaluwarsa),
            "hilang" | "lost" => Some(WriteOffReason::Hilang),
            _ => None,
        }
    }
}

/// A write-off as booked.
#[derive(Debug, Clone, PartialEq)]
pub struct WriteOffRecord {
    pub sku: String,
    pub name: String,
    pub base_unit: String,
    pub batch: Option<String>,
    /// Base units written off.
    pub qty: Decimal,
    /// At moving-average cost.
    pub value: Decimal,
    pub reason: WriteOffReason,
}

/// Take `base` units of a product out of stock (a write-off or an opname shortage) at
/// moving-average cost: from `batch` if given, else first expiry first across its
/// batches for batch-tracked goods, else unbatched. Returns (batch, qty, value) per move.
#[allow(clippy::too_many_arguments)]
pub(crate) fn issue(
    tx: &Connection,
    product_id: i64,
    tracked: bool,
    batch: Option<i64>,
    base: Decimal,
    kind: MoveKind,
    at: &str,
    user_id: Option<i64>,
    ref_id: Option<i64>,
    note: Option<&str>,
) -> Result<Vec<(Option<i64>, Decimal, Decimal)>> {
    let plan: Vec<(Option<i64>, Decimal)> = match batch {
        Some(b) => vec![(Some(b), base)],
        None if tracked => {
            let listed: Vec<_> = q::batches_with_stock(tx, product_id)?
                .into_iter()
                .map(|b| (b.id, b.expiry, b.on_hand))
                .collect();
            fefo_plan(&listed, base, None).moves()
        }
        None => vec![(None, base)],
    };
    let mut out = Vec::new();
    for (batch_id, qty) in plan {
        let (on_hand, value, last) = q::position(tx, product_id)?;
        let cost = issue_cost(qty, on_hand, value, last);
        q::record(
            tx,
            &NewMove {
                product_id,
                batch_id,
                kind,
                qty: -qty,
                value: -cost,
                at,
                user_id,
                ref_type: Some(kind.as_str()),
                ref_id,
                note,
            },
        )?;
        out.push((batch_id, qty, cost));
    }
    Ok(out)
}

/// The stock moves `issue` made, as an event's `stock_moves` (negative: stock out), each
/// with its batch's number and expiry (a node that lacks the batch makes it from them).
pub(crate) fn event_moves(
    tx: &Connection,
    sku: &str,
    moves: &[(Option<i64>, Decimal, Decimal)],
) -> Result<Vec<serde_json::Value>> {
    let mut out = Vec::with_capacity(moves.len());
    for (batch, qty, value) in moves {
        out.push(event_move(tx, sku, *batch, -*qty, -*value)?);
    }
    Ok(out)
}

/// One stock move as an event carries it: `sku`, `batch` number and its `expiry`, `qty`,
/// `value` (as stored: negative out).
pub(crate) fn event_move(
    tx: &Connection,
    sku: &str,
    batch: Option<i64>,
    qty: Decimal,
    value: Decimal,
) -> Result<serde_json::Value> {
    let (batch, expiry) = match batch {
        Some(b) => match q::batch_no_expiry(tx, b)? {
            Some((no, expiry)) => (Some(no), expiry),
            None => (None, None),
        },
        None => (None, None),
    };
    Ok(serde_json::json!({
        "sku": sku,
        "batch": batch,
        "expiry": expiry,
        "qty": qty.normalize(),
        "value": value.normalize(),
    }))
}

impl Shop {
    /// Write off `qty` of the unit `code` names (a dus code writes off a dus), from one batch
    /// or first expiry first, valued at moving-average cost. Audited.
    pub fn write_off(
        &mut self,
        actor: &Actor,
        code: &str,
        qty: Decimal,
        reason: WriteOffReason,
        batch: Option<&str>,
    ) -> Result<WriteOffRecord> {
        super::auth::require(
            actor,
            Permission::ReceiveStock,
            crate::domain::user::Act::WriteOff,
        )?;
        if qty <= Decimal::ZERO {
            return Err(KasirError::Cart(
                crate::domain::cart::CartError::QtyNotPositive,
            ));
        }
        let item = self.find_item(code)?;
        let (base, batch_row) = self.base_and_batch(&item, qty, batch)?;
        let at = stamp(self.now());
        let batch_id = batch_row.as_ref().map(|b| b.id);
        let product = q::of_product(self.store.conn(), item.product_id)?
            .ok_or_else(|| KasirError::UnknownCode(code.to_string()))?;
        let now = self.now();
        let event_till = self.event_till()?;
        let value = self.store.write(|tx| {
            super::ledger::refuse_if_day_posted(tx, now, "penghapusan stok", "write-off")?;
            // What is on hand now, read in this transaction: a sale on another till a moment
            // before is counted.
            let available = match batch_id {
                Some(b) => q::batch_on_hand(tx, b)?,
                None => q::position(tx, item.product_id)?.0,
            };
            if base > available {
                return Err(KasirError::invalid(
                    format!(
                        "{}: stok hanya {} {}, tidak bisa menghapus {}",
                        item.name,
                        crate::domain::money::format_qty(available),
                        product.base_unit,
                        crate::domain::money::format_qty(base)
                    ),
                    format!(
                        "{}: only {} on hand, cannot write off {}",
                        item.name,
                        crate::domain::money::format_qty(available),
                        crate::domain::money::format_qty(base)
                    ),
                ));
            }
            let moves = issue(
                tx,
                item.product_id,
                item.batch_tracked,
                batch_id,
                base,
                MoveKind::WriteOff,
                &at,
                actor.user_id,
                None,
                Some(reason.as_str()),
            )?;
            let value: Decimal = moves.iter().map(|m| m.2).sum();
            super::audit(
                tx,
                actor,
                &at,
                "writeoff",
                &format!(
                    "{} {} {}{} value {}",
                    item.sku,
                    base,
                    reason.as_str(),
                    batch.map(|b| format!(" batch {b}")).unwrap_or_default(),
                    value
                ),
                None,
            )?;
            let stock_moves = event_moves(tx, &item.sku, &moves)?;
            write_off_event(tx, &event_till, &at, now, actor, reason, stock_moves)?;
            Ok(value)
        })?;
        Ok(WriteOffRecord {
            sku: item.sku,
            name: item.name,
            base_unit: product.base_unit,
            batch: batch_row.map(|b| b.batch_no),
            qty: base,
            value,
            reason,
        })
    }

    /// Write off every expired batch with stock (of one product, or all), reason kedaluwarsa.
    pub fn write_off_expired(
        &mut self,
        actor: &Actor,
        code: Option<&str>,
    ) -> Result<Vec<WriteOffRecord>> {
        super::auth::require(
            actor,
            Permission::ReceiveStock,
            crate::domain::user::Act::WriteOff,
        )?;
        let only = match code {
            Some(c) => Some(
                q::product_id_by_code(self.store.conn(), c.trim())?
                    .ok_or_else(|| KasirError::UnknownCode(c.to_string()))?,
            ),
            None => None,
        };
        let now = self.now();
        let yesterday = super::day(now.date() - chrono::Duration::days(1));
        let at = stamp(now);
        let event_till = self.event_till()?;
        self.store.write(|tx| {
            super::ledger::refuse_if_day_posted(tx, now, "penghapusan stok", "write-off")?;
            // The expired batches as they hold now: one sold or written off a moment
            // before (another till) is not written off twice.
            let expired: Vec<ExpiryRow> = q::expiring(tx, &yesterday)?
                .into_iter()
                .filter(|e| only.is_none_or(|p| p == e.product_id))
                .collect();
            let mut out = Vec::new();
            let mut event = Vec::new();
            for e in &expired {
                let moves = issue(
                    tx,
                    e.product_id,
                    true,
                    Some(e.batch_id),
                    e.on_hand,
                    MoveKind::WriteOff,
                    &at,
                    actor.user_id,
                    None,
                    Some(WriteOffReason::Kedaluwarsa.as_str()),
                )?;
                let value: Decimal = moves.iter().map(|m| m.2).sum();
                event.extend(event_moves(tx, &e.sku, &moves)?);
                super::audit(
                    tx,
                    actor,
                    &at,
                    "writeoff",
                    &format!(
                        "{} {} kedaluwarsa batch {} value {}",
                        e.sku, e.on_hand, e.batch_no, value
                    ),
                    None,
                )?;
                out.push(WriteOffRecord {
                    sku: e.sku.clone(),
                    name: e.name.clone(),
                    base_unit: e.base_unit.clone(),
                    batch: Some(e.batch_no.clone()),
                    qty: e.on_hand,
                    value,
                    reason: WriteOffReason::Kedaluwarsa,
                });
            }
            if !event.is_empty() {
                write_off_event(
                    tx,
                    &event_till,
                    &at,
                    now,
                    actor,
                    WriteOffReason::Kedaluwarsa,
                    event,
                )?;
            }
            Ok(out)
        })
    }
}

/// The `write_off.v1` event of one write-off (one or more stock moves, one reason), in the
/// write-off's transaction.
fn write_off_event(
    tx: &rusqlite::Transaction,
    till: &str,
    at: &str,
    now: chrono::NaiveDateTime,
    actor: &Actor,
    reason: WriteOffReason,
    stock_moves: Vec<serde_json::Value>,
) -> Result<()> {
    crate::store::outbox::append_event(
        tx,
        till,
        super::sync::WRITE_OFF_KIND,
        1,
        &serde_json::json!({
            "at": at,
            "business_date": super::day(now.date()),
            "actor": actor.username,
            "reason": reason.as_str(),
            "stock_moves": stock_moves,
        }),
        at,
    )?;
    Ok(())
}
