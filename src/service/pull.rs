//! Applying the other tills' events to this node's own tables, as those tills' rows: a sale
//! with its uuid, till, number, lines, tenders, member, its stock moves by SKU and batch
//! number, the kasbon it gave and the prescriptions it dispensed on (so a later dispensing
//! here, the register and SIPNAP count them); a return with its stock and kasbon back; a shift opened
//! and closed; and (`pull_apply`) goods received, written off and counted, petty cash and
//! kasbon repaid at a drawer, and the journals of a day closed or reversed. Stock on hand,
//! stock value and kasbon balances are sums of these entries, and the books are the same
//! journals, so every node that applied the same events holds the same figures. Applying writes nothing to the
//! outbox: only a node's own use cases cause events.
//!
//! A pulled batch is applied in one write transaction together with the new last
//! change_seq (crash use case `sync_pull`): a crash leaves all of it or none, and the next
//! pull repeats it. Each event runs in a savepoint; one that cannot be applied here (a SKU
//! this node does not have, a kind or version it does not know) is kept as an exception
//! with its reason, retried on every later pull, and never blocks the events after it.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::Value;

use super::{stamp, Shop};
use crate::domain::stock::take_in_order;
use crate::error::{KasirError, Result};
use crate::i18n::{Bilingual, Lang};
use crate::store::outbox::{canonical, Pulled};
use crate::store::pull as q;
use crate::store::returns::{self as ret, NewReturn};
use crate::store::sales::{self, NewLine, NewSale};
use crate::store::shift_close::{self, NewShiftClose};
use crate::store::shifts::{self, NewShift};
use crate::store::stock::{self, MoveKind, NewMove};
use crate::store::{members, pharmacy, Store};
use crate::sync::{Applied, Node};

use rusqlite::Connection;

/// An event kept because it could not be applied here yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyException {
    pub event_id: String,
    pub till: String,
    pub seq: i64,
    pub kind: String,
    pub change_seq: i64,
    pub reason: Bilingual,
    pub first_seen: String,
    pub last_tried: String,
    pub tries: i64,
}

impl Shop {
    /// The remote events kept because they could not be applied here, in the server's order.
    pub fn sync_exceptions(&self) -> Result<Vec<ApplyException>> {
        Ok(q::exceptions(self.store.conn())?
            .into_iter()
            .map(|x| ApplyException {
                event_id: x.pulled.event.id,
                till: x.pulled.event.till,
                seq: x.pulled.event.seq,
                kind: x.pulled.event.kind,
                change_seq: x.pulled.change_seq,
                reason: Bilingual::new(x.reason_id, x.reason_en),
                first_seen: x.first_seen,
                last_tried: x.last_tried,
                tries: x.tries,
            })
            .collect())
    }
}

/// This node's tables as a [`Node`] of the pull.
pub(super) struct StoreNode<'a> {
    pub store: &'a Store,
    pub now: NaiveDateTime,
}

impl Node for StoreNode<'_> {
    fn last_pulled(&mut self) -> Result<i64> {
        q::last_change_seq(self.store.conn())
    }

    fn apply(&mut self, batch: &[Pulled]) -> Result<Applied> {
        let at = stamp(self.now);
        let _crash = crate::store::crash::use_case("sync_pull");
        self.store.write(|tx| {
            let mut done = Applied::default();
            for p in batch {
                if q::is_applied(tx, &p.event.id)? {
                    done.already += 1;
                    continue;
                }
                // A book event of a day already posted here, or a close that leaves this
                // file's own events of its day out, is found in the same savepoint.
                match q::in_savepoint(tx, || {
                    apply_one(tx, p)?;
                    super::late::found(tx, p, &at)
                }) {
                    Ok(()) => {
                        q::record_applied(tx, p, &at)?;
                        q::clear_exception(tx, &p.event.id)?;
                        done.applied += 1;
                    }
                    Err(e) => {
                        let reason = (e.message(Lang::Id), e.message(Lang::En));
                        q::record_exception(tx, p, (&reason.0, &reason.1), &at)?;
                        done.exceptions += 1;
                    }
                }
            }
            super::exceptions::detect(tx, batch, &at)?;
            super::late::own_after_last_close(tx, &at)?;
            if let Some(last) = batch.iter().map(|p| p.change_seq).max() {
                q::set_last_change_seq(tx, last)?;
            }
            Ok(done)
        })
    }

    fn retry_exceptions(&mut self) -> Result<Applied> {
        // Every sync begins here: this file's own events of a day posted since are found
        // late here too (a till whose shift was open when the close arrived).
        let at = stamp(self.now);
        self.store
            .write(|tx| super::late::own_after_last_close(tx, &at))?;
        let kept: Vec<Pulled> = q::exceptions(self.store.conn())?
            .into_iter()
            .map(|x| x.pulled)
            .collect();
        if kept.is_empty() {
            return Ok(Applied::default());
        }
        self.apply(&kept)
    }
}

/// Apply one remote event to this node's tables (inside the caller's savepoint).
fn apply_one(c: &Connection, p: &Pulled) -> Result<()> {
    let e = &p.event;
    let value: Value = serde_json::from_str(&e.payload).map_err(|_| {
        KasirError::invalid(
            "Isi kejadian bukan JSON yang terbaca",
            "The event's payload is not readable JSON",
        )
    })?;
    // The server keeps the payload as jsonb: back in canonical form it must give the hash
    // the till took when it wrote the event.
    if canonical(&value).1 != e.hash {
        return Err(KasirError::invalid(
            "Isi kejadian tidak cocok dengan hash-nya",
            "The event's payload does not match its hash",
        ));
    }
    let parse = |what: &str| -> KasirError {
        KasirError::invalid(
            format!("Isi kejadian {what} tidak lengkap atau tidak terbaca"),
            format!("The {what} event's payload is incomplete or unreadable"),
        )
    };
    match (e.kind.as_str(), e.schema_version) {
        (super::sync::SALE_KIND, 1) => apply_sale(
            c,
            &serde_json::from_value(value).map_err(|_| parse("sale"))?,
        ),
        (super::sync::RETURN_KIND, 1) => apply_return(
            c,
            &e.id,
            &serde_json::from_value(value).map_err(|_| parse("return"))?,
        ),
        (super::sync::SHIFT_OPEN_KIND, 1) => apply_shift_open(
            c,
            &serde_json::from_value(value).map_err(|_| parse("shift"))?,
        ),
        (super::sync::SHIFT_CLOSE_KIND, 1) => apply_shift_close(
            c,
            &serde_json::from_value(value).map_err(|_| parse("shift"))?,
        ),
        (super::sync::RECEIVE_KIND, 1) => super::pull_apply::receive(
            c,
            &e.till,
            &serde_json::from_value(value).map_err(|_| parse("receive"))?,
        ),
        (super::sync::WRITE_OFF_KIND, 1) => super::pull_apply::write_off(
            c,
            &serde_json::from_value(value).map_err(|_| parse("write_off"))?,
        ),
        (super::sync::OPNAME_KIND, 1) => super::pull_apply::opname(
            c,
            &serde_json::from_value(value).map_err(|_| parse("opname"))?,
        ),
        (super::sync::CASH_MOVE_KIND, 1) => super::pull_apply::cash_move(
            c,
            &serde_json::from_value(value).map_err(|_| parse("cash_move"))?,
        ),
        (super::sync::KASBON_REPAY_KIND, 1) => super::pull_apply::kasbon_repay(
            c,
            &serde_json::from_value(value).map_err(|_| parse("kasbon_repay"))?,
        ),
        (super::sync::DAY_CLOSE_KIND, 1) => super::pull_apply::day_close(
            c,
            &e.till,
            &serde_json::from_value(value).map_err(|_| parse("day_close"))?,
        ),
        (super::sync::DAY_REVERSE_KIND, 1) => super::pull_apply::day_reverse(
            c,
            &e.till,
            &serde_json::from_value(value).map_err(|_| parse("day_reverse"))?,
        ),
        (super::sync::CATALOG_KIND, 1) => super::catalog_sync::apply_catalog(
            c,
            p.change_seq,
            &serde_json::from_value(value).map_err(|_| parse("catalog"))?,
        ),
        (super::sync::MEMBERS_KIND, 1) => super::catalog_sync::apply_members(
            c,
            p.change_seq,
            &serde_json::from_value(value).map_err(|_| parse("members"))?,
        ),
        (super::sync::USERS_KIND, 1) => super::travel::apply_users(
            c,
            p.change_seq,
            &serde_json::from_value(value).map_err(|_| parse("users"))?,
        ),
        (super::sync::SUPPLIERS_KIND, 1) => super::travel::apply_suppliers(
            c,
            p.change_seq,
            &serde_json::from_value(value).map_err(|_| parse("suppliers"))?,
        ),
        (super::sync::SETTINGS_KIND, 1) => super::travel::apply_settings(
            c,
            p.change_seq,
            &serde_json::from_value(value).map_err(|_| parse("settings"))?,
        ),
        (super::sync::EXCEPTION_RESOLVE_KIND, 1) => {
            super::exceptions::apply_resolve(c, &e.id, &e.till, value)
        }
        (kind, v) => Err(KasirError::invalid(
            format!("Jenis kejadian {kind} versi {v} tidak dikenal program ini"),
            format!("Event kind {kind} version {v} is unknown to this program"),
        )),
    }
}

#[derive(Deserialize)]
struct SaleEv {
    sale: SaleHeadEv,
    lines: Vec<SaleLineEv>,
    tenders: Vec<TenderEv>,
    stock_moves: Vec<MoveEv>,
    /// The prescriptions its lines dispensed on; a sale event written before they travelled
    /// has none.
    #[serde(default)]
    prescriptions: Vec<super::sync::SaleRx>,
}

#[derive(Deserialize)]
struct SaleHeadEv {
    uuid: String,
    number: String,
    till: String,
    business_unit: String,
    business_date: String,
    created_at: String,
    cashier: String,
    member: Option<String>,
    gross: Decimal,
    discount: Decimal,
    total: Decimal,
    rounding: Decimal,
    payable: Decimal,
    ppn: Decimal,
    change: Decimal,
}

#[derive(Deserialize)]
struct SaleLineEv {
    line_no: i64,
    sku: String,
    name: String,
    unit: String,
    qty: Decimal,
    base_qty: Decimal,
    unit_price: Decimal,
    tier: String,
    discount: Decimal,
    amount: Decimal,
    ppn: Decimal,
    cost: Decimal,
    business_unit: String,
    tax_class: String,
}

#[derive(Deserialize)]
struct TenderEv {
    kind: String,
    amount: Decimal,
    reference: Option<String>,
}

#[derive(Deserialize)]
struct MoveEv {
    line_no: i64,
    sku: Option<String>,
    #[serde(default)]
    batch: Option<String>,
    qty: Decimal,
    value: Decimal,
}

fn product(c: &Connection, sku: Option<&str>) -> Result<i64> {
    let sku = sku.unwrap_or("");
    q::product_by_sku(c, sku)?.ok_or_else(|| {
        KasirError::invalid(
            format!("Produk {sku} tidak ada di sini"),
            format!("Product {sku} is not here"),
        )
    })
}

fn member(c: &Connection, number: Option<&str>) -> Result<Option<i64>> {
    match number {
        None => Ok(None),
        Some(n) => match members::by_number(c, n)? {
            Some(m) => Ok(Some(m.id)),
            None => Err(KasirError::invalid(
                format!("Anggota {n} tidak ada di sini"),
                format!("Member {n} is not here"),
            )),
        },
    }
}

fn apply_sale(c: &Connection, ev: &SaleEv) -> Result<()> {
    let h = &ev.sale;
    if q::sale_by_uuid(c, &h.uuid)?.is_some() || q::sale_number_exists(c, &h.number)? {
        return Err(KasirError::invalid(
            format!("Transaksi {} sudah ada di sini dengan asal lain", h.number),
            format!("Sale {} is already here from elsewhere", h.number),
        ));
    }
    let member_id = member(c, h.member.as_deref())?;
    // Every look-up before the first write.
    let mut lines = Vec::with_capacity(ev.lines.len());
    for l in &ev.lines {
        let product_id = product(c, Some(&l.sku))?;
        let unit_id = q::unit_of(c, product_id, &l.unit)?.ok_or_else(|| {
            KasirError::invalid(
                format!("Satuan {} produk {} tidak ada di sini", l.unit, l.sku),
                format!("Unit {} of product {} is not here", l.unit, l.sku),
            )
        })?;
        lines.push((product_id, unit_id));
    }
    let mut moves = Vec::with_capacity(ev.stock_moves.len());
    for m in &ev.stock_moves {
        let product_id = product(c, m.sku.as_deref())?;
        let batch_id = match &m.batch {
            None => None,
            Some(b) => Some(q::batch_of(c, product_id, b)?.ok_or_else(|| {
                KasirError::invalid(
                    format!(
                        "Batch {b} produk {} tidak ada di sini",
                        m.sku.as_deref().unwrap_or("")
                    ),
                    format!(
                        "Batch {b} of product {} is not here",
                        m.sku.as_deref().unwrap_or("")
                    ),
                )
            })?),
        };
        moves.push((product_id, batch_id));
    }
    let mut rx_products = Vec::with_capacity(ev.prescriptions.len());
    for r in &ev.prescriptions {
        let at = ev.lines.iter().position(|l| l.line_no == r.line_no);
        let product_id = at.map(|i| lines[i].0).ok_or_else(|| {
            KasirError::invalid(
                format!(
                    "Resep {} pada transaksi {} menyebut baris {} yang tidak ada",
                    r.number, h.number, r.line_no
                ),
                format!(
                    "Prescription {} on sale {} names line {}, which is not there",
                    r.number, h.number, r.line_no
                ),
            )
        })?;
        rx_products.push(product_id);
    }
    // The sale belongs to its till's open shift: a till only sells with its shift open, and
    // its events arrive in its own order.
    let shift_id = shifts::open_on(c, &h.till)?.map(|s| s.id);
    let sale_id = sales::insert(
        c,
        &NewSale {
            uuid: &h.uuid,
            number: &h.number,
            till: &h.till,
            shift_id,
            business_unit: &h.business_unit,
            business_date: &h.business_date,
            created_at: &h.created_at,
            user_id: None,
            cashier: &h.cashier,
            member_id,
            gross: h.gross,
            discount: h.discount,
            total: h.total,
            rounding: h.rounding,
            payable: h.payable,
            ppn: h.ppn,
            change: h.change,
        },
    )?;
    for (l, (product_id, unit_id)) in ev.lines.iter().zip(&lines) {
        sales::insert_line(
            c,
            sale_id,
            &NewLine {
                line_no: l.line_no,
                product_id: *product_id,
                unit_id: *unit_id,
                name: &l.name,
                unit: &l.unit,
                qty: l.qty,
                base_qty: l.base_qty,
                unit_price: l.unit_price,
                tier: &l.tier,
                discount: l.discount,
                amount: l.amount,
                tax_class: &l.tax_class,
                ppn: l.ppn,
                cost: l.cost,
                business_unit: &l.business_unit,
            },
        )?;
    }
    for (m, (product_id, batch_id)) in ev.stock_moves.iter().zip(&moves) {
        stock::record(
            c,
            &NewMove {
                product_id: *product_id,
                batch_id: *batch_id,
                kind: MoveKind::Sale,
                qty: m.qty,
                value: m.value,
                at: &h.created_at,
                user_id: None,
                ref_type: Some("sale"),
                ref_id: Some(sale_id),
                note: None,
            },
        )?;
    }
    // Its prescriptions as that till recorded them: the register, the prescription list and
    // a later dispensing here on the same paper count them.
    for (r, product_id) in ev.prescriptions.iter().zip(rx_products) {
        pharmacy::insert_pulled_prescription(
            c,
            &pharmacy::PulledPrescription {
                uuid: &r.uuid,
                sale_id,
                line_no: r.line_no,
                product_id,
                number: &r.number,
                doctor: &r.doctor,
                sip: &r.sip,
                patient: &r.patient,
                date: &r.date,
                apoteker: &r.apoteker,
                created_at: &h.created_at,
                prescribed: r.prescribed,
                iter: r.iter,
                dispensed: r.dispensed,
                age_reason: r.age_reason.as_deref(),
            },
        )?;
    }
    for (k, t) in ev.tenders.iter().enumerate() {
        sales::insert_tender(
            c,
            sale_id,
            k as i64 + 1,
            &t.kind,
            t.amount,
            t.reference.as_deref(),
        )?;
        if t.kind == "kasbon" {
            let m = member_id.ok_or_else(|| {
                KasirError::invalid(
                    format!("Kasbon pada transaksi {} tanpa anggota", h.number),
                    format!("Kasbon on sale {} without a member", h.number),
                )
            })?;
            members::add_kasbon(c, m, t.amount)?;
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct ReturnEv {
    #[serde(rename = "return")]
    head: ReturnHeadEv,
    lines: Vec<ReturnLineEv>,
    stock_moves: Vec<MoveEv>,
}

#[derive(Deserialize)]
struct ReturnHeadEv {
    number: String,
    sale_number: String,
    sale_uuid: String,
    till: String,
    business_unit: String,
    business_date: String,
    created_at: String,
    actor: String,
    approver: String,
    member: Option<String>,
    amount: Decimal,
    refund_cash: Decimal,
    refund_kasbon: Decimal,
    rounding: Decimal,
}

#[derive(Deserialize)]
struct ReturnLineEv {
    line_no: i64,
    base_qty: Decimal,
    qty: Decimal,
    amount: Decimal,
    ppn: Decimal,
    cost: Decimal,
    business_unit: String,
}

/// A return: the event carries no uuid of its own, so the return is stored under the
/// event's id (the same on every node that pulls it).
fn apply_return(c: &Connection, event_id: &str, ev: &ReturnEv) -> Result<()> {
    let h = &ev.head;
    let sale_id = q::sale_by_uuid(c, &h.sale_uuid)?.ok_or_else(|| {
        KasirError::invalid(
            format!(
                "Transaksi {} dari retur {} belum ada di sini",
                h.sale_number, h.number
            ),
            format!(
                "Sale {} of return {} is not here yet",
                h.sale_number, h.number
            ),
        )
    })?;
    if q::return_exists(c, event_id, &h.number)? {
        return Err(KasirError::invalid(
            format!("Retur {} sudah ada di sini", h.number),
            format!("Return {} is already here", h.number),
        ));
    }
    let member_id = member(c, h.member.as_deref())?;
    let shift_id = shifts::open_on(c, &h.till)?.map(|s| s.id);
    let id = ret::insert(
        c,
        &NewReturn {
            uuid: event_id,
            number: &h.number,
            sale_id,
            till: &h.till,
            shift_id,
            business_unit: &h.business_unit,
            business_date: &h.business_date,
            created_at: &h.created_at,
            actor: &h.actor,
            approver: &h.approver,
            member_id,
            amount: h.amount,
            refund_cash: h.refund_cash,
            refund_kasbon: h.refund_kasbon,
            rounding: h.rounding,
        },
    )?;
    for l in &ev.lines {
        let (line_id, product_id) = q::sale_line(c, sale_id, l.line_no)?.ok_or_else(|| {
            KasirError::invalid(
                format!(
                    "Baris {} transaksi {} tidak ada di sini",
                    l.line_no, h.sale_number
                ),
                format!("Line {} of sale {} is not here", l.line_no, h.sale_number),
            )
        })?;
        ret::insert_line(
            c,
            id,
            line_id,
            l.qty,
            l.base_qty,
            l.amount,
            l.ppn,
            l.cost,
            &l.business_unit,
        )?;
        // Back into the batches the sale took them from, in the order it took them — as
        // the till that took the return worked them out from the same moves.
        let planned = take_in_order(ret::batches_left(c, sale_id, product_id)?, l.base_qty);
        let moves: Vec<&MoveEv> = ev
            .stock_moves
            .iter()
            .filter(|m| m.line_no == l.line_no)
            .collect();
        let planned = planned.moves();
        if planned.len() != moves.len() || planned.iter().zip(&moves).any(|((_, q), m)| *q != m.qty)
        {
            return Err(KasirError::invalid(
                format!(
                    "Mutasi stok retur {} tidak cocok dengan batch di sini",
                    h.number
                ),
                format!(
                    "The stock moves of return {} do not match the batches here",
                    h.number
                ),
            ));
        }
        for ((batch_id, _), m) in planned.into_iter().zip(moves) {
            stock::record(
                c,
                &NewMove {
                    product_id,
                    batch_id,
                    kind: MoveKind::Return,
                    qty: m.qty,
                    value: m.value,
                    at: &h.created_at,
                    user_id: None,
                    ref_type: Some("return"),
                    ref_id: Some(id),
                    note: Some(&h.number),
                },
            )?;
        }
    }
    if let Some(m) = member_id {
        if h.refund_kasbon > Decimal::ZERO {
            members::add_kasbon(c, m, -h.refund_kasbon)?;
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct ShiftOpenEv {
    shift: String,
    till: String,
    business_unit: String,
    cashier: String,
    opened_at: String,
    opening_float: Decimal,
}

fn apply_shift_open(c: &Connection, ev: &ShiftOpenEv) -> Result<()> {
    if q::shift_by_uuid(c, &ev.shift)?.is_some() {
        return Err(KasirError::invalid(
            format!("Shift {} sudah ada di sini", ev.shift),
            format!("Shift {} is already here", ev.shift),
        ));
    }
    if let Some(open) = shifts::open_on(c, &ev.till)? {
        return Err(KasirError::invalid(
            format!(
                "Shift di {} masih terbuka di sini (dibuka {})",
                ev.till, open.opened_at
            ),
            format!(
                "A shift on {} is still open here (opened {})",
                ev.till, open.opened_at
            ),
        ));
    }
    shifts::insert(
        c,
        &NewShift {
            uuid: &ev.shift,
            till: &ev.till,
            business_unit: &ev.business_unit,
            user_id: None,
            cashier: &ev.cashier,
            opened_at: &ev.opened_at,
            opening_float: ev.opening_float,
        },
    )?;
    Ok(())
}

#[derive(Deserialize)]
struct ShiftCloseEv {
    shift: String,
    business_date: String,
    closed_at: String,
    actor: String,
    expected_cash: Decimal,
    counted_cash: Decimal,
    reason: Option<String>,
}

fn apply_shift_close(c: &Connection, ev: &ShiftCloseEv) -> Result<()> {
    let id = q::shift_by_uuid(c, &ev.shift)?.ok_or_else(|| {
        KasirError::invalid(
            format!("Shift {} belum ada di sini", ev.shift),
            format!("Shift {} is not here yet", ev.shift),
        )
    })?;
    if shift_close::close_of(c, id)?.is_some() {
        return Err(KasirError::invalid(
            format!("Shift {} sudah ditutup di sini", ev.shift),
            format!("Shift {} is already closed here", ev.shift),
        ));
    }
    // The Z report stays on the till that printed it.
    shift_close::insert_close(
        c,
        &NewShiftClose {
            shift_id: id,
            business_date: &ev.business_date,
            closed_at: &ev.closed_at,
            actor: &ev.actor,
            expected_cash: ev.expected_cash,
            counted_cash: ev.counted_cash,
            reason: ev.reason.as_deref(),
            report: "",
        },
    )?;
    Ok(())
}
