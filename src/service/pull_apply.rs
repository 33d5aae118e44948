//! Applying the other nodes' goods, counts, drawers and books (`service::pull` applies
//! sales, returns and shifts, and calls these): goods received with their receipt, lines
//! and stock moves by SKU and batch number (a batch not here yet is made with the number
//! and expiry the event carries); stock written off or adjusted by a count; petty cash and
//! kasbon repaid, into the other till's shift; and the journals another node posted or
//! reversed, so every synced node holds the same books. Each runs inside the pull's
//! savepoint: what cannot be applied here is an exception, and nothing of it stays.

use rust_decimal::Decimal;
use serde::Deserialize;

use crate::domain::money::round_money;
use crate::error::{KasirError, Result};
use crate::store::pull as q;
use crate::store::shift_close::{self, NewCashMove};
use crate::store::stock::{self, MoveKind, NewGoodsReceipt, NewMove};
use crate::store::{ledger, members};

use rusqlite::Connection;

fn invalid(id: String, en: String) -> KasirError {
    KasirError::invalid(id, en)
}

fn product(c: &Connection, sku: &str) -> Result<i64> {
    q::product_by_sku(c, sku)?.ok_or_else(|| {
        invalid(
            format!("Produk {sku} tidak ada di sini"),
            format!("Product {sku} is not here"),
        )
    })
}

/// The batch of an event's move: known here by its number, or made with the expiry the
/// event carries; without an expiry, a batch not here cannot be applied.
fn batch(
    c: &Connection,
    product_id: i64,
    sku: &str,
    batch_no: Option<&str>,
    expiry: Option<&str>,
) -> Result<Option<i64>> {
    let Some(b) = batch_no else { return Ok(None) };
    if let Some(id) = q::batch_of(c, product_id, b)? {
        return Ok(Some(id));
    }
    match expiry {
        Some(e) => Ok(Some(stock::batch_id(c, product_id, b, Some(e))?)),
        None => Err(invalid(
            format!("Batch {b} produk {sku} tidak ada di sini"),
            format!("Batch {b} of product {sku} is not here"),
        )),
    }
}

fn shift(c: &Connection, uuid: &str, till: &str) -> Result<i64> {
    q::shift_by_uuid(c, uuid)?.ok_or_else(|| {
        invalid(
            format!("Shift {uuid} kasir {till} belum ada di sini"),
            format!("Shift {uuid} of till {till} is not here yet"),
        )
    })
}

#[derive(Deserialize)]
pub(super) struct ReceiveEv {
    receipt: ReceiptEv,
    lines: Vec<ReceiveLineEv>,
    #[serde(default)]
    cash_move: Option<ReceiveCashEv>,
}

#[derive(Deserialize)]
struct ReceiptEv {
    uuid: String,
    doc_no: String,
    supplier: Option<String>,
    business_date: String,
    at: String,
    actor: String,
    payment: String,
    total: Decimal,
    note: Option<String>,
    paid_from: Option<String>,
    paid_unit: Option<String>,
}

#[derive(Deserialize)]
struct ReceiveLineEv {
    line_no: i64,
    sku: String,
    unit: String,
    qty: Decimal,
    base_qty: Decimal,
    cost: Decimal,
    value: Decimal,
    batch: Option<String>,
    expiry: Option<String>,
}

#[derive(Deserialize)]
struct ReceiveCashEv {
    uuid: String,
    till: String,
    shift: String,
    amount: Decimal,
}

/// Goods received on another node: the receipt (under its own number; one taken here by
/// another delivery gets the till id after it), its lines and stock moves, and the cash
/// out of the drawer that paid it.
pub(super) fn receive(c: &Connection, till: &str, ev: &ReceiveEv) -> Result<()> {
    let r = &ev.receipt;
    if q::receipt_exists(c, &r.uuid)? {
        return Err(invalid(
            format!("Penerimaan {} sudah ada di sini", r.doc_no),
            format!("Goods receipt {} is already here", r.doc_no),
        ));
    }
    let supplier_id = match &r.supplier {
        None => None,
        Some(code) => Some(match stock::supplier_id_any(c, code)? {
            Some(id) => id,
            None => {
                stock::supplier(c, code)?
                    .ok_or_else(|| {
                        invalid(
                            format!("Pemasok {code} tidak ada di sini"),
                            format!("Supplier {code} is not here"),
                        )
                    })?
                    .id
            }
        }),
    };
    let mut lines = Vec::with_capacity(ev.lines.len());
    for l in &ev.lines {
        let product_id = product(c, &l.sku)?;
        lines.push(product_id);
    }
    let cash_shift = match &ev.cash_move {
        Some(m) => Some(shift(c, &m.shift, &m.till)?),
        None => None,
    };
    let doc_no = if q::receipt_doc_no_taken(c, &r.doc_no)? {
        format!("{}/{till}", r.doc_no)
    } else {
        r.doc_no.clone()
    };
    let paid_from = r.paid_from.as_deref().map(|p| {
        if p.starts_with("drawer") {
            "drawer"
        } else {
            "safe"
        }
    });
    let id = stock::insert_goods_receipt(
        c,
        &NewGoodsReceipt {
            uuid: &r.uuid,
            doc_no: &doc_no,
            supplier_id,
            at: &r.at,
            user_id: None,
            username: &r.actor,
            payment: &r.payment,
            total: r.total,
            note: r.note.as_deref(),
            paid_from,
            paid_unit: r.paid_unit.as_deref(),
        },
    )?;
    if let (Some(m), Some(shift_id)) = (&ev.cash_move, cash_shift) {
        let reason = match &r.supplier {
            Some(code) => format!("Bayar {doc_no} {code}"),
            None => format!("Bayar {doc_no}"),
        };
        shift_close::insert_cash_move(
            c,
            &NewCashMove {
                uuid: &m.uuid,
                shift_id,
                business_unit: r.paid_unit.as_deref().unwrap_or(""),
                business_date: &r.business_date,
                kind: "out",
                amount: m.amount,
                member_id: None,
                reason: &reason,
                at: &r.at,
                actor: &r.actor,
                approver: None,
                receivable_unit: None,
                goods_receipt_id: Some(id),
            },
        )?;
    }
    for (l, product_id) in ev.lines.iter().zip(lines) {
        let batch_id = batch(
            c,
            product_id,
            &l.sku,
            l.batch.as_deref(),
            l.expiry.as_deref(),
        )?;
        stock::record(
            c,
            &NewMove {
                product_id,
                batch_id,
                kind: MoveKind::Receipt,
                qty: l.base_qty,
                value: l.value,
                at: &r.at,
                user_id: None,
                ref_type: Some("receipt"),
                ref_id: Some(id),
                note: r.note.as_deref(),
            },
        )?;
        stock::insert_goods_receipt_line(
            c, id, l.line_no, product_id, &l.unit, l.qty, l.base_qty, l.cost, l.value, batch_id,
        )?;
        if !l.base_qty.is_zero() {
            let factor = l.base_qty / l.qty;
            if !factor.is_zero() {
                stock::set_last_cost(c, product_id, round_money(l.cost / factor))?;
            }
        }
    }
    Ok(())
}

#[derive(Deserialize)]
struct MoveEv {
    sku: String,
    #[serde(default)]
    batch: Option<String>,
    #[serde(default)]
    expiry: Option<String>,
    qty: Decimal,
    value: Decimal,
}

#[derive(Deserialize)]
pub(super) struct WriteOffEv {
    at: String,
    reason: String,
    stock_moves: Vec<MoveEv>,
}

/// Stock moves by SKU and batch number, every look-up before the first write.
fn moves(c: &Connection, list: &[MoveEv], kind: MoveKind, at: &str, note: &str) -> Result<()> {
    let mut found = Vec::with_capacity(list.len());
    for m in list {
        let p = product(c, &m.sku)?;
        found.push((
            p,
            batch(c, p, &m.sku, m.batch.as_deref(), m.expiry.as_deref())?,
        ));
    }
    for (m, (product_id, batch_id)) in list.iter().zip(found) {
        stock::record(
            c,
            &NewMove {
                product_id,
                batch_id,
                kind,
                qty: m.qty,
                value: m.value,
                at,
                user_id: None,
                ref_type: Some(kind.as_str()),
                ref_id: None,
                note: Some(note),
            },
        )?;
    }
    Ok(())
}

/// Stock written off on another node: its moves as they were made there.
pub(super) fn write_off(c: &Connection, ev: &WriteOffEv) -> Result<()> {
    moves(c, &ev.stock_moves, MoveKind::WriteOff, &ev.at, &ev.reason)
}

#[derive(Deserialize)]
pub(super) struct OpnameEv {
    session: OpnameSessionEv,
    stock_moves: Vec<MoveEv>,
}

#[derive(Deserialize)]
struct OpnameSessionEv {
    uuid: String,
    finished_at: String,
}

/// A count finished on another node: its adjustments as they were made there.
pub(super) fn opname(c: &Connection, ev: &OpnameEv) -> Result<()> {
    let note = format!("opname {}", ev.session.uuid);
    moves(
        c,
        &ev.stock_moves,
        MoveKind::Opname,
        &ev.session.finished_at,
        &note,
    )
}

#[derive(Deserialize)]
pub(super) struct CashMoveEv {
    uuid: String,
    shift: String,
    till: String,
    business_unit: String,
    business_date: String,
    kind: String,
    amount: Decimal,
    reason: String,
    at: String,
    actor: String,
    approver: Option<String>,
}

/// Petty cash in or out of another till's drawer, into that till's shift.
pub(super) fn cash_move(c: &Connection, ev: &CashMoveEv) -> Result<()> {
    if q::cash_move_exists(c, &ev.uuid)? {
        return Err(invalid(
            format!("Kas masuk/keluar {} sudah ada di sini", ev.uuid),
            format!("Cash move {} is already here", ev.uuid),
        ));
    }
    if ev.kind != "in" && ev.kind != "out" {
        return Err(invalid(
            format!("Jenis kas {} tidak dikenal", ev.kind),
            format!("Cash move kind {} is unknown", ev.kind),
        ));
    }
    let shift_id = shift(c, &ev.shift, &ev.till)?;
    shift_close::insert_cash_move(
        c,
        &NewCashMove {
            uuid: &ev.uuid,
            shift_id,
            business_unit: &ev.business_unit,
            business_date: &ev.business_date,
            kind: &ev.kind,
            amount: ev.amount,
            member_id: None,
            reason: &ev.reason,
            at: &ev.at,
            actor: &ev.actor,
            approver: ev.approver.as_deref(),
            receivable_unit: None,
            goods_receipt_id: None,
        },
    )
}

#[derive(Deserialize)]
pub(super) struct KasbonRepayEv {
    member: String,
    amount: Decimal,
    shift: String,
    till: String,
    business_unit: String,
    business_date: String,
    at: String,
    actor: String,
    parts: Vec<RepayPartEv>,
}

#[derive(Deserialize)]
struct RepayPartEv {
    uuid: String,
    receivable_unit: String,
    amount: Decimal,
}

/// Kasbon repaid at another till: the repayment into that till's shift, per unit it
/// settled, and the member's balance down by the amount.
pub(super) fn kasbon_repay(c: &Connection, ev: &KasbonRepayEv) -> Result<()> {
    let m = members::by_number(c, &ev.member)?.ok_or_else(|| {
        invalid(
            format!("Anggota {} tidak ada di sini", ev.member),
            format!("Member {} is not here", ev.member),
        )
    })?;
    let shift_id = shift(c, &ev.shift, &ev.till)?;
    let parts: Decimal = ev.parts.iter().map(|p| p.amount).sum();
    if parts != ev.amount {
        return Err(invalid(
            format!(
                "Pelunasan kasbon {}: bagian tidak sama dengan jumlahnya",
                ev.member
            ),
            format!(
                "Kasbon repayment of {}: the parts do not add up to it",
                ev.member
            ),
        ));
    }
    for p in &ev.parts {
        if q::cash_move_exists(c, &p.uuid)? {
            return Err(invalid(
                format!("Pelunasan kasbon {} sudah ada di sini", p.uuid),
                format!("Kasbon repayment {} is already here", p.uuid),
            ));
        }
        shift_close::insert_cash_move(
            c,
            &NewCashMove {
                uuid: &p.uuid,
                shift_id,
                business_unit: &ev.business_unit,
                business_date: &ev.business_date,
                kind: "repay",
                amount: p.amount,
                member_id: Some(m.id),
                reason: &format!("kasbon {}", m.number),
                at: &ev.at,
                actor: &ev.actor,
                approver: None,
                receivable_unit: Some(&p.receivable_unit),
                goods_receipt_id: None,
            },
        )?;
    }
    members::add_kasbon(c, m.id, -ev.amount)?;
    Ok(())
}

#[derive(Deserialize)]
pub(super) struct DayEv {
    business_date: String,
    at: String,
    actor: String,
    #[serde(default)]
    reason: Option<String>,
    journals: Vec<JournalEv>,
    /// A close's: per till, the highest event sequence the closing node held.
    #[serde(default)]
    covers: Option<std::collections::BTreeMap<String, i64>>,
}

#[derive(Deserialize)]
struct JournalEv {
    uuid: String,
    number: String,
    business_unit: String,
    kind: String,
    memo: String,
    #[serde(default)]
    reverses: Option<String>,
    #[serde(default)]
    reverses_uuid: Option<String>,
    lines: Vec<JournalLineEv>,
}

#[derive(Deserialize)]
struct JournalLineEv {
    account: String,
    debit: Decimal,
    credit: Decimal,
    memo: String,
}

/// The journals of a day close or reversal as the other node posted them: the same uuid,
/// number, lines and poster, and the day's close or reversal noted as posted there.
fn post_journals(c: &Connection, till: &str, ev: &DayEv, kind: &str) -> Result<()> {
    let d = &ev.business_date;
    let mut resolved = Vec::with_capacity(ev.journals.len());
    for j in &ev.journals {
        if q::journal_by_uuid(c, &j.uuid)?.is_some() {
            return Err(invalid(
                format!("Jurnal {} sudah ada di sini", j.number),
                format!("Journal {} is already here", j.number),
            ));
        }
        // A number this node already gave another journal (both nodes posted before
        // either pulled the other's): kept with the till id after it.
        let number = if q::journal_by_number(c, &j.number)?.is_some() {
            format!("{}/{till}", j.number)
        } else {
            j.number.clone()
        };
        if j.kind != kind {
            return Err(invalid(
                format!("Jurnal {} berjenis {} tidak diharapkan", j.number, j.kind),
                format!("Journal {} of kind {} is not expected", j.number, j.kind),
            ));
        }
        if kind == "day" {
            if let Some(here) = q::live_day_journal(c, d, &j.business_unit)? {
                return Err(invalid(
                    format!(
                        "Hari {d} unit {} sudah diposting di sini ({here}); jurnal {} dari {till} tidak diterapkan — balik salah satunya",
                        j.business_unit, j.number
                    ),
                    format!(
                        "Day {d} of unit {} is already posted here ({here}); journal {} from {till} is not applied — reverse one of them",
                        j.business_unit, j.number
                    ),
                ));
            }
        }
        // The reversed journal by its uuid (an older payload: by its number).
        let reverses = match (&j.reverses_uuid, &j.reverses) {
            (None, None) => None,
            (by_uuid, by_number) => {
                let found = match by_uuid {
                    Some(u) => q::journal_by_uuid(c, u)?,
                    None => q::journal_by_number(c, by_number.as_deref().unwrap_or(""))?,
                };
                let n = by_number.as_deref().unwrap_or("");
                Some(found.ok_or_else(|| {
                    invalid(
                        format!("Jurnal {n} yang dibalik {} tidak ada di sini", j.number),
                        format!("Journal {n} reversed by {} is not here", j.number),
                    )
                })?)
            }
        };
        let mut lines = Vec::with_capacity(j.lines.len());
        for l in &j.lines {
            let acc = ledger::account_by_code(c, &l.account)?.ok_or_else(|| {
                let (id, en) = super::ledger::no_account(&l.account);
                invalid(id, en)
            })?;
            lines.push((acc.id, l.debit, l.credit, l.memo.clone()));
        }
        resolved.push((j, number, reverses, lines));
    }
    for (j, number, reverses, lines) in resolved {
        ledger::insert_journal(
            c,
            &ledger::NewJournal {
                uuid: &j.uuid,
                number: &number,
                business_date: d,
                business_unit: &j.business_unit,
                kind: &j.kind,
                memo: &j.memo,
                posted_at: &ev.at,
                posted_by: &ev.actor,
                reverses,
                stock_through: None,
            },
            &lines,
        )?;
    }
    let event = if kind == "day" { "close" } else { "reverse" };
    let covers = match (&ev.covers, kind) {
        (Some(m), "day") => Some(serde_json::to_string(m).map_err(|e| {
            invalid(
                format!("Cakupan penutupan tidak terbaca: {e}"),
                format!("The close's coverage is unreadable: {e}"),
            )
        })?),
        _ => None,
    };
    q::insert_day_event_from(
        c,
        d,
        event,
        &ev.at,
        &ev.actor,
        ev.reason.as_deref(),
        till,
        covers.as_deref(),
    )
}

/// A day closed on another node. A day already closed here is not closed twice.
pub(super) fn day_close(c: &Connection, till: &str, ev: &DayEv) -> Result<()> {
    if let Some(on) = q::day_closed_on(c, &ev.business_date)? {
        let (id, en) = match on {
            Some(t) => (format!("di {t}"), format!("on {t}")),
            None => ("di sini".to_string(), "here".to_string()),
        };
        return Err(invalid(
            format!(
                "Hari {} sudah ditutup {id}; penutupan dari {till} tidak diterapkan",
                ev.business_date
            ),
            format!(
                "Day {} is already closed {en}; the close from {till} is not applied",
                ev.business_date
            ),
        ));
    }
    post_journals(c, till, ev, "day")
}

/// A posted day reversed on another node: its reversing journals.
pub(super) fn day_reverse(c: &Connection, till: &str, ev: &DayEv) -> Result<()> {
    if q::day_closed_on(c, &ev.business_date)?.is_none() {
        return Err(invalid(
            format!(
                "Hari {} belum ditutup di sini: pembalikan dari {till} menunggu",
                ev.business_date
            ),
            format!(
                "Day {} is not closed here: the reversal from {till} waits",
                ev.business_date
            ),
        ));
    }
    post_journals(c, till, ev, "reversal")
}
