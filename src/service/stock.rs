//! Stock in: suppliers and goods received (write-offs are in `write_off`, the reports in
//! `stock_reports`).

use std::io::Read;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use kasir_receipts::{ReceivingSlip, SlipLine};

use super::catalog::CsvRows;
use super::{stamp, Shop};
use crate::domain::cart::ItemRef;
use crate::domain::money::round_money;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::catalog as cat;
use crate::store::stock::{self as q, MoveKind, NewMove};

/// One line of goods received.
#[derive(Debug, Clone, PartialEq)]
pub struct ReceiptLine {
    pub code: String,
    pub qty: Decimal,
    /// Selling unit the quantity is counted in; empty: the unit of the barcode.
    pub unit: Option<String>,
    /// Cost per `unit`.
    pub cost: Decimal,
    pub batch: Option<String>,
    pub expiry: Option<NaiveDate>,
    /// CSV line, for messages.
    pub line: usize,
}

/// Parse a goods-received CSV (`code,qty,unit,cost,batch,expiry`).
pub fn parse_receipt(input: impl Read) -> Result<Vec<ReceiptLine>> {
    let mut rows = CsvRows::new(
        input,
        &["code", "qty", "cost"],
        &["unit", "batch", "expiry"],
    )?;
    let mut out = Vec::new();
    while let Some(row) = rows.next_row() {
        let (line, r) = row?;
        let qty = r
            .qty("qty")?
            .filter(|q| *q > Decimal::ZERO)
            .ok_or_else(|| r.err("qty harus lebih dari 0", "qty must be above 0"))?;
        let expiry = match r.opt_text("expiry") {
            None => None,
            Some(t) => Some(NaiveDate::parse_from_str(&t, "%Y-%m-%d").map_err(|_| {
                r.err(
                    format!("tanggal kedaluwarsa \"{t}\" harus YYYY-MM-DD"),
                    format!("expiry \"{t}\" must be YYYY-MM-DD"),
                )
            })?),
        };
        out.push(ReceiptLine {
            code: r.required("code")?,
            qty,
            unit: r.opt_text("unit"),
            cost: r.amount("cost")?.unwrap_or_default(),
            batch: r.opt_text("batch"),
            expiry,
            line,
        });
    }
    Ok(out)
}

/// How a delivery is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Payment {
    /// Paid in cash on delivery.
    #[default]
    Cash,
    /// Owed to the supplier (utang dagang).
    Credit,
}

impl Payment {
    pub fn as_str(self) -> &'static str {
        match self {
            Payment::Cash => "cash",
            Payment::Credit => "credit",
        }
    }
    /// `cash` / `tunai`, or `credit` / `utang` / `tempo`.
    pub fn parse(s: &str) -> Option<Payment> {
        match s.trim().to_ascii_lowercase().as_str() {
            "cash" | "tunai" => Some(Payment::Cash),
            "credit" | "utang" | "tempo" | "owed" => Some(Payment::Credit),
            _ => None,
        }
    }
}

/// Where cash paid for goods comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CashSource {
    /// A till's drawer, during its open shift: a cash move of that shift (the expected cash
    /// falls, the Z report lists it); booked against the till's unit's kas.
    Drawer { till: String },
    /// The office safe: booked against Kas Besar.
    Safe,
}

impl CashSource {
    pub fn as_str(&self) -> &'static str {
        match self {
            CashSource::Drawer { .. } => "drawer",
            CashSource::Safe => "safe",
        }
    }
}

/// Who delivered and how it is paid.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReceiveOptions {
    /// Supplier code or name; none for opening stock.
    pub supplier: Option<String>,
    pub payment: Payment,
    /// For goods paid in cash: from a drawer or the safe. Goods from a supplier paid in cash
    /// must say which; without a supplier and without it, the goods are stock the coop
    /// already owned (opening stock), paid by nobody.
    pub cash_from: Option<CashSource>,
    pub note: Option<String>,
    /// Why batches that have already expired are taken in anyway (returned to the
    /// supplier later, destroyed under supervision); without it they are refused. Audited.
    pub expired_reason: Option<String>,
}

/// What [`Shop::change_supplier`] changes (`None`: left as it is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupplierChange {
    pub name: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub active: Option<bool>,
}

/// A delivery as booked in.
#[derive(Debug, Clone, PartialEq)]
pub struct GoodsReceived {
    pub id: i64,
    pub doc_no: String,
    pub supplier: Option<String>,
    pub payment: Payment,
    /// Paid in cash from `drawer` or `safe`.
    pub paid_from: Option<&'static str>,
    pub lines: usize,
    pub total: Decimal,
    /// The receiving slip (screen and printer).
    pub slip: ReceivingSlip,
}

/// The batch a receipt line goes to: its own batch number, or for goods that are not
/// batch-tracked but carry an expiry date, a batch named after that date.
fn receipt_batch_no(l: &ReceiptLine) -> Option<String> {
    match (&l.batch, l.expiry) {
        (Some(b), _) => Some(b.clone()),
        (None, Some(e)) => Some(format!("ED{}", e.format("%Y%m%d"))),
        (None, None) => None,
    }
}

/// Goods from a supplier paid in cash: from where?
pub fn cash_source_missing() -> KasirError {
    KasirError::invalid(
        "Barang dibayar tunai: sebut asal uangnya, dari laci kasir (--from drawer --till KASIR) atau dari brankas/Kas Besar (--from safe); atau --pay credit",
        "Goods paid in cash: say where the cash comes from, a till's drawer (--from drawer --till TILL) or the office safe/Kas Besar (--from safe); or --pay credit",
    )
}

impl Shop {
    /// The item a receiving line books, in the unit it names, under the rules every line
    /// follows wherever it is typed (the stock screen asks as each line is added, receive
    /// asks for every line): a known code and unit; batch-tracked goods with a batch and an
    /// expiry date; quantity and cost no finer than the books keep. (A batch already
    /// expired is receive's to refuse: it knows whether a reason was given.)
    pub fn receipt_line_item(&self, l: &ReceiptLine) -> Result<ItemRef> {
        let item = self.find_item(&l.code)?;
        let item = match &l.unit {
            Some(u) if *u != item.unit => cat::item_by_unit(self.store.conn(), item.product_id, u)?
                .ok_or_else(|| {
                    KasirError::invalid(
                        format!("{} tidak punya satuan {u}", item.name),
                        format!("{} has no unit {u}", item.name),
                    )
                })?,
            _ => item,
        };
        if item.batch_tracked && (l.batch.is_none() || l.expiry.is_none()) {
            return Err(KasirError::invalid(
                format!("{} wajib diisi batch dan tanggal kedaluwarsa", item.name),
                format!("{} needs a batch and an expiry date", item.name),
            ));
        }
        if crate::domain::money::qty_to_milli(l.qty * item.factor).is_none()
            || crate::domain::money::money_to_minor(round_money(l.qty * l.cost)).is_none()
        {
            return Err(KasirError::invalid(
                "jumlah atau biaya terlalu teliti",
                "quantity or cost too precise",
            ));
        }
        Ok(item)
    }

    /// Receive goods: every line or none, recorded as one delivery (goods receipt) from a
    /// supplier, paid in cash or owed. A line in any selling unit adds qty × factor base
    /// units; stock value grows by qty × cost, so the moving average follows.
    pub fn receive(
        &mut self,
        actor: &Actor,
        lines: &[ReceiptLine],
        opts: &ReceiveOptions,
    ) -> Result<GoodsReceived> {
        self.receive_with(actor, lines, opts, true)
    }

    /// The demo shop's opening stock: received like any delivery but without its event.
    /// The demo is the same fixture on every node of a coop, so its stock is no event to
    /// carry to the others (they would hold it twice). Only `demo::fill` calls this.
    pub(super) fn receive_demo_stock(
        &mut self,
        actor: &Actor,
        lines: &[ReceiptLine],
        opts: &ReceiveOptions,
    ) -> Result<GoodsReceived> {
        self.receive_with(actor, lines, opts, false)
    }

    fn receive_with(
        &mut self,
        actor: &Actor,
        lines: &[ReceiptLine],
        opts: &ReceiveOptions,
        event: bool,
    ) -> Result<GoodsReceived> {
        super::auth::require(
            actor,
            Permission::ReceiveStock,
            crate::domain::user::Act::ReceiveGoods,
        )?;
        if lines.is_empty() {
            return Err(KasirError::invalid(
                "Tidak ada barang yang diterima",
                "Nothing to receive",
            ));
        }
        let supplier = match &opts.supplier {
            Some(s) => Some(q::supplier(self.store.conn(), s.trim())?.ok_or_else(|| {
                KasirError::invalid(
                    format!("Pemasok \"{s}\" tidak terdaftar (kasir supplier add KODE NAMA)"),
                    format!("Supplier \"{s}\" is not registered (kasir supplier add CODE NAME)"),
                )
            })?),
            None => None,
        };
        if opts.payment == Payment::Credit && supplier.is_none() {
            return Err(KasirError::invalid(
                "Barang utang harus menyebut pemasoknya (--supplier)",
                "Goods on credit need their supplier (--supplier)",
            ));
        }
        let cash_from = match opts.payment {
            Payment::Credit => None,
            Payment::Cash => opts.cash_from.clone(),
        };
        if opts.payment == Payment::Cash && supplier.is_some() && cash_from.is_none() {
            return Err(cash_source_missing());
        }
        let now = self.now();
        let at = stamp(now);
        let mut resolved = Vec::with_capacity(lines.len());
        for l in lines {
            let line_err = |id: String, en: String| KasirError::Import {
                line: l.line,
                reason: crate::i18n::Bilingual::new(id, en),
            };
            let item = self.receipt_line_item(l).map_err(|e| {
                line_err(
                    e.message(crate::i18n::Lang::Id),
                    e.message(crate::i18n::Lang::En),
                )
            })?;
            if let Some(e) = l.expiry.filter(|e| *e < now.date()) {
                if opts.expired_reason.is_none() {
                    return Err(line_err(
                        format!(
                            "{} batch {} sudah kedaluwarsa {e} — tidak diterima (barang kedaluwarsa yang memang harus dicatat: --allow-expired --reason ALASAN)",
                            item.name,
                            l.batch.as_deref().unwrap_or("-")
                        ),
                        format!(
                            "{} batch {} expired on {e} — not received (to record expired goods anyway: --allow-expired --reason TEXT)",
                            item.name,
                            l.batch.as_deref().unwrap_or("-")
                        ),
                    ));
                }
            }
            resolved.push((l, item));
        }
        let total: Decimal = resolved
            .iter()
            .map(|(l, _)| round_money(l.qty * l.cost))
            .sum();
        let date = super::day(now.date());
        let username = actor.username.clone();
        let user_id = actor.user_id;
        let supplier_id = supplier.as_ref().map(|s| s.id);
        let supplier_code = supplier.as_ref().map(|s| s.code.clone());
        let now = self.now();
        let event_till = self.event_till()?;
        let _crash = crate::store::crash::use_case("receive");
        let (id, doc_no) = self.store.write(|tx| {
            super::ledger::refuse_if_day_posted(tx, now, "penerimaan barang", "goods received")?;
            // Cash from a drawer: from its open shift, never more than it holds, both read
            // in this transaction.
            let drawer = match &cash_from {
                Some(CashSource::Drawer { till }) => Some(self.require_shift(till)?),
                _ => None,
            };
            if let Some(shift) = &drawer {
                let expected = self.shift_summary(shift)?.expected_cash;
                if total > expected {
                    return Err(KasirError::invalid(
                        format!(
                            "Kas di laci {} hanya {}: tidak cukup untuk membayar {}",
                            shift.till,
                            crate::domain::money::format_rupiah(expected),
                            crate::domain::money::format_rupiah(total)
                        ),
                        format!(
                            "The drawer of {} holds only {}: not enough to pay {}",
                            shift.till,
                            crate::domain::money::format_rupiah(expected),
                            crate::domain::money::format_rupiah(total)
                        ),
                    ));
                }
            }
            let seq = q::receipts_on(tx, &date)? + 1;
            let doc_no = format!("GR-{}-{:04}", now.format("%Y%m%d"), seq);
            let uuid = super::new_uuid();
            let id = q::insert_goods_receipt(
                tx,
                &q::NewGoodsReceipt {
                    uuid: &uuid,
                    doc_no: &doc_no,
                    supplier_id,
                    at: &at,
                    user_id,
                    username: &username,
                    payment: opts.payment.as_str(),
                    total,
                    note: opts.note.as_deref(),
                    paid_from: cash_from.as_ref().map(CashSource::as_str),
                    paid_unit: drawer.as_ref().map(|s| s.business_unit.as_str()),
                },
            )?;
            crate::store::crash::point("receive.after_header");
            let mut event_cash = serde_json::Value::Null;
            if let Some(shift) = &drawer {
                let reason = match &supplier_code {
                    Some(code) => format!("Bayar {doc_no} {code}"),
                    None => format!("Bayar {doc_no}"),
                };
                let move_uuid = super::new_uuid();
                event_cash = serde_json::json!({
                    "uuid": move_uuid,
                    "till": shift.till,
                    "shift": shift.uuid,
                    "amount": total.normalize(),
                });
                crate::store::shift_close::insert_cash_move(
                    tx,
                    &crate::store::shift_close::NewCashMove {
                        uuid: &move_uuid,
                        shift_id: shift.id,
                        business_unit: &shift.business_unit,
                        business_date: &date,
                        kind: "out",
                        amount: total,
                        member_id: None,
                        reason: &reason,
                        at: &at,
                        actor: &username,
                        approver: None,
                        receivable_unit: None,
                        goods_receipt_id: Some(id),
                    },
                )?;
            }
            let mut event_lines = Vec::with_capacity(resolved.len());
            for (i, (l, item)) in resolved.iter().enumerate() {
                let base_qty = l.qty * item.factor;
                let value = round_money(l.qty * l.cost);
                let batch_no = receipt_batch_no(l);
                let batch_id = match &batch_no {
                    Some(b) => Some(q::batch_id(
                        tx,
                        item.product_id,
                        b,
                        l.expiry.map(super::day).as_deref(),
                    )?),
                    None => None,
                };
                event_lines.push(serde_json::json!({
                    "line_no": i + 1,
                    "sku": item.sku,
                    "unit": item.unit,
                    "qty": l.qty.normalize(),
                    "base_qty": base_qty.normalize(),
                    "cost": l.cost.normalize(),
                    "value": value.normalize(),
                    "batch": batch_no,
                    "expiry": l.expiry.map(super::day),
                }));
                q::record(
                    tx,
                    &NewMove {
                        product_id: item.product_id,
                        batch_id,
                        kind: MoveKind::Receipt,
                        qty: base_qty,
                        value,
                        at: &at,
                        user_id,
                        ref_type: Some("receipt"),
                        ref_id: Some(id),
                        note: opts.note.as_deref(),
                    },
                )?;
                q::insert_goods_receipt_line(
                    tx,
                    id,
                    i as i64 + 1,
                    item.product_id,
                    &item.unit,
                    l.qty,
                    base_qty,
                    l.cost,
                    value,
                    batch_id,
                )?;
                if !item.factor.is_zero() {
                    q::set_last_cost(tx, item.product_id, round_money(l.cost / item.factor))?;
                }
            }
            crate::store::crash::point("receive.after_lines");
            if let Some(reason) = &opts.expired_reason {
                let expired: Vec<String> = resolved
                    .iter()
                    .filter(|(l, _)| l.expiry.is_some_and(|e| e < now.date()))
                    .map(|(l, item)| {
                        format!(
                            "{} {} {} batch {} ED {}",
                            item.sku,
                            l.qty,
                            item.unit,
                            l.batch.as_deref().unwrap_or("-"),
                            l.expiry.map(super::day).unwrap_or_default()
                        )
                    })
                    .collect();
                if !expired.is_empty() {
                    crate::store::audit::append(
                        tx,
                        &crate::store::audit::AuditEntry {
                            at: &at,
                            user_id,
                            actor: &username,
                            action: "receive_expired",
                            detail: &format!("{doc_no}: {}; {reason}", expired.join(", ")),
                            approver: None,
                        },
                    )?;
                }
            }
            if !event {
                return Ok((id, doc_no));
            }
            crate::store::outbox::append_event(
                tx,
                &event_till,
                super::sync::RECEIVE_KIND,
                1,
                &serde_json::json!({
                    "receipt": {
                        "uuid": uuid,
                        "doc_no": doc_no,
                        "supplier": supplier_code,
                        "business_date": date,
                        "at": at,
                        "actor": username,
                        "payment": opts.payment.as_str(),
                        "total": total.normalize(),
                        "note": opts.note,
                        "paid_from": cash_from.as_ref().map(|c| match c {
                            CashSource::Drawer { till } => format!("drawer:{till}"),
                            CashSource::Safe => "safe".to_string(),
                        }),
                        "paid_unit": drawer.as_ref().map(|s| s.business_unit.clone()),
                    },
                    "lines": event_lines,
                    "cash_move": event_cash,
                }),
                &at,
            )?;
            Ok((id, doc_no))
        })?;
        let unit = resolved
            .first()
            .map(|(_, i)| i.business_unit.as_str())
            .unwrap_or("sembako");
        let lang = self.settings()?.lang;
        let slip = ReceivingSlip {
            shop_name: self.settings()?.name,
            unit_label: super::receipt::unit_label(unit, lang).to_string(),
            supplier: supplier
                .as_ref()
                .map(|s| s.name.clone())
                .or_else(|| opts.note.clone())
                .unwrap_or_else(|| "-".into()),
            doc_no: doc_no.clone(),
            datetime: now,
            user: super::receipt::cashier_label(&actor.name, lang),
            lines: resolved
                .iter()
                .map(|(l, item)| SlipLine {
                    name: item.name.clone(),
                    qty: l.qty,
                    unit: item.unit.clone(),
                    cost: l.cost,
                    batch: l.batch.clone(),
                    expiry: l.expiry,
                    amount: round_money(l.qty * l.cost),
                })
                .collect(),
            total,
        };
        Ok(GoodsReceived {
            id,
            doc_no,
            supplier: supplier.map(|s| s.name),
            payment: opts.payment,
            paid_from: cash_from.as_ref().map(CashSource::as_str),
            lines: resolved.len(),
            total,
            slip,
        })
    }

    /// The receiving slip as plain text for the screen or a preview.
    pub fn receiving_slip_text(
        &self,
        g: &GoodsReceived,
        lang: crate::i18n::Lang,
    ) -> Result<String> {
        Ok(kasir_receipts::slip_text(
            &g.slip,
            self.paper()?,
            lang.receipts(),
        ))
    }

    /// Register a supplier; it travels to every node of the coop (`suppliers.v1`).
    pub fn add_supplier(
        &mut self,
        actor: &Actor,
        code: &str,
        name: &str,
        phone: Option<&str>,
        address: Option<&str>,
    ) -> Result<i64> {
        self.add_supplier_with(actor, code, name, phone, address, true)
    }

    /// [`Shop::add_supplier`] written as no event (the demo's suppliers: the same fixture on
    /// every node).
    pub(super) fn add_demo_supplier(
        &mut self,
        actor: &Actor,
        code: &str,
        name: &str,
        phone: Option<&str>,
    ) -> Result<i64> {
        self.add_supplier_with(actor, code, name, phone, None, false)
    }

    fn add_supplier_with(
        &mut self,
        actor: &Actor,
        code: &str,
        name: &str,
        phone: Option<&str>,
        address: Option<&str>,
        event: bool,
    ) -> Result<i64> {
        super::auth::require(
            actor,
            Permission::ReceiveStock,
            crate::domain::user::Act::AddSupplier,
        )?;
        let (code, name) = (code.trim(), name.trim());
        if code.is_empty() || name.is_empty() {
            return Err(KasirError::invalid(
                "Kode dan nama pemasok wajib diisi",
                "A supplier needs a code and a name",
            ));
        }
        let till = if event {
            Some(self.event_till()?)
        } else {
            None
        };
        let at = super::stamp(self.now());
        self.store.write(|tx| {
            if q::supplier(tx, code)?.is_some_and(|s| s.code.eq_ignore_ascii_case(code))
                || q::supplier_record(tx, code)?.is_some()
            {
                return Err(KasirError::Duplicate(format!("supplier {code}")));
            }
            let id = q::insert_supplier(tx, &super::new_uuid(), code, name, phone, address)?;
            if let Some(till) = &till {
                super::travel::supplier_events(tx, till, &at, &[code.to_string()])?;
            }
            Ok(id)
        })
    }

    /// Change a supplier's name, phone or address, or take it off (`active` false: no new
    /// deliveries from it; what is owed stays) or back on. Travels to every node
    /// (`suppliers.v1`); a change to nothing new changes nothing.
    pub fn change_supplier(
        &mut self,
        actor: &Actor,
        code: &str,
        change: &SupplierChange,
    ) -> Result<()> {
        super::auth::require(
            actor,
            Permission::ReceiveStock,
            crate::domain::user::Act::AddSupplier,
        )?;
        if change.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            return Err(KasirError::invalid(
                "Kode dan nama pemasok wajib diisi",
                "A supplier needs a code and a name",
            ));
        }
        let till = self.event_till()?;
        let at = super::stamp(self.now());
        self.store.write(|tx| {
            let old = q::supplier_record(tx, code.trim())?.ok_or_else(|| {
                KasirError::invalid(
                    format!("Pemasok {code} tidak ada"),
                    format!("No supplier {code}"),
                )
            })?;
            let new = q::SupplierRecord {
                name: change
                    .name
                    .as_deref()
                    .map_or(old.name.clone(), |n| n.trim().to_string()),
                phone: change.phone.clone().or_else(|| old.phone.clone()),
                address: change.address.clone().or_else(|| old.address.clone()),
                active: change.active.unwrap_or(old.active),
                ..old.clone()
            };
            if new == old {
                return Ok(());
            }
            q::upsert_supplier(tx, &new)?;
            super::travel::supplier_events(tx, &till, &at, std::slice::from_ref(&new.code))?;
            super::audit(
                tx,
                actor,
                &at,
                "supplier_change",
                &format!("{}: active {} → {}", new.code, old.active, new.active),
                None,
            )
        })
    }

    /// Suppliers with what the coop owes each (deliveries on credit).
    pub fn suppliers(&self) -> Result<Vec<q::SupplierRow>> {
        q::suppliers(self.store.conn())
    }
}
