//! Checkout: a paid cart becomes a sale in one transaction — header, lines with cost,
//! tenders, stock moves (FEFO for batch-tracked goods), and the member's kasbon.

use rusqlite::Transaction;
use rust_decimal::Decimal;

use super::{day, new_uuid, stamp, Shop};
use crate::domain::barcode::parse_entry;
use chrono::NaiveDate;

use crate::domain::cart::{Cart, CartLine, ItemRef, PayError, Settlement, Tender, TenderKind};
use crate::domain::catalog::BusinessUnit;
use crate::domain::money::{AllowSen, Amount};
use crate::domain::pharmacy::PharmacyMode;
use crate::domain::stock::{fefo_plan, issue_cost};
use crate::domain::tax::TaxRule;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::members;
use crate::store::sales::{self as q, NewLine, NewSale, SaleRecord};
use crate::store::stock::{self as stock, MoveKind, NewMove};

impl Shop {
    /// Add what the cashier scanned or typed (`code` or `qty*code`) to the cart.
    pub fn scan_into(&self, cart: &mut Cart, entry: &str) -> Result<usize> {
        self.scan_entry(None, cart, entry)
    }

    /// [`Shop::scan_into`] at the counter `till`: a drug the counter may not sell at all
    /// (prescription-only at a gerai obat) is refused at the scan, naming the apotek counter.
    pub fn scan_at(&self, till: &str, cart: &mut Cart, entry: &str) -> Result<usize> {
        let mode = self.pharmacy_mode(till)?;
        self.scan_entry(Some(mode), cart, entry)
    }

    /// [`Shop::add_item`] at the counter `till`, under the same counter rule as
    /// [`Shop::scan_at`].
    pub fn add_item_at(
        &self,
        till: &str,
        cart: &mut Cart,
        item: ItemRef,
        qty: Decimal,
    ) -> Result<usize> {
        let mode = self.pharmacy_mode(till)?;
        self.check_scan_at(Some(mode), cart, &item, qty)?;
        Ok(cart.add(item, qty)?)
    }

    fn scan_entry(
        &self,
        mode: Option<PharmacyMode>,
        cart: &mut Cart,
        entry: &str,
    ) -> Result<usize> {
        let e =
            parse_entry(entry).map_err(|_| KasirError::BadQtyEntry(entry.trim().to_string()))?;
        // A code the catalog knows (barcode or SKU) is that product, even with an in-store
        // prefix; only an unknown code is read as a label-scale code, which carries its own
        // weight (or price) and is one weighed line. One lookup for a known code.
        let unknown = match self.find_item(&e.code) {
            Ok(item) => {
                let qty = e.qty.unwrap_or(Decimal::ONE);
                self.check_scan_at(mode, cart, &item, qty)?;
                return Ok(cart.add(item, qty)?);
            }
            Err(e @ (KasirError::UnknownCode(_) | KasirError::BadCode(..))) => e,
            Err(other) => return Err(other),
        };
        if let Some((item, sale)) = self.label_item(&e.code)? {
            if e.qty.is_some() {
                return Err(KasirError::invalid(
                    format!(
                        "Kode timbang {} sudah berisi beratnya — scan tanpa jumlah",
                        e.code
                    ),
                    format!(
                        "Label code {} carries its own weight — scan it without a quantity",
                        e.code
                    ),
                ));
            }
            self.check_scan_at(mode, cart, &item, sale.qty)?;
            return Ok(match sale.price {
                Some(price) => cart.add_labelled(item, sale.qty, price)?,
                None => cart.add(item, sale.qty)?,
            });
        }
        Err(unknown)
    }

    /// Add an item found by code or picked from a search, under the same drug rules.
    pub fn add_item(&self, cart: &mut Cart, item: ItemRef, qty: Decimal) -> Result<usize> {
        self.check_scan(cart, &item, qty)?;
        Ok(cart.add(item, qty)?)
    }

    /// Attach a member by number (prices re-resolve), or detach with `None`.
    pub fn attach_member(&self, cart: &mut Cart, number: Option<&str>) -> Result<()> {
        match number {
            Some(n) => cart.set_member(Some(self.member(n)?.cart_member())),
            None => cart.set_member(None),
        }
        Ok(())
    }

    /// Commit a paid cart on `till`. Nothing is written unless all of it is.
    pub fn checkout(
        &mut self,
        actor: &Actor,
        till: &str,
        cart: &Cart,
        tenders: &[Tender],
    ) -> Result<SaleRecord> {
        self.checkout_approved(actor, till, cart, tenders, None)
    }

    /// [`Shop::checkout`] where `kasbon_approver`, a supervisor, lets the member's kasbon go
    /// above the limit; the approval is in the audit log with the sale.
    pub fn checkout_approved(
        &mut self,
        actor: &Actor,
        till: &str,
        cart: &Cart,
        tenders: &[Tender],
        kasbon_approver: Option<&Actor>,
    ) -> Result<SaleRecord> {
        super::auth::require(actor, Permission::Sell, crate::domain::user::Act::Sell)?;
        if let Some(a) = kasbon_approver {
            super::auth::require(
                a,
                Permission::Supervise,
                crate::domain::user::Act::ApproveKasbon,
            )?;
        }
        let over_limit_ok = kasbon_approver.is_some();
        let _crash = crate::store::crash::use_case("sale");
        self.store.write(|tx| {
            let shift = self.require_shift(till)?;
            self.check_cart_pharmacy(till, cart)?;
            // Stock as it is now, inside the write: another till may just have sold the last.
            let oversold = super::oversell::stock_short(tx, cart)?;
            let settings = self.settings()?;
            let settlement = cart.settle_with(tenders, settings.rounding_step, over_limit_ok)?;
            let now = self.now();
            let today = now.date();
            let unit = match self.till_unit(till)? {
                Some(u) => u,
                None => cart.lines[0].item.business_unit,
            };
            // The member's balance may have moved since the cart was built (another till).
            let mut member_name = None;
            if let Some(m) = &cart.member {
                let fresh = members::by_id(tx, m.id)?
                    .ok_or_else(|| KasirError::NoSuchMember(m.number.clone()))?;
                member_name = Some(fresh.name.clone());
                let kasbon: Decimal = tenders
                    .iter()
                    .filter(|t| t.kind == TenderKind::Kasbon)
                    .map(|t| t.amount)
                    .sum();
                let available = fresh.cart_member().kasbon_available();
                if kasbon > available && !over_limit_ok {
                    return Err(PayError::KasbonOverLimit {
                        available,
                        asked: kasbon,
                    }
                    .into());
                }
                self.check_kasbon_fresh(kasbon)?;
            }
            let date = day(today);
            let seq = q::last_seq_for_till_day(tx, till, &date)? + 1;
            let number = format!("{}-{}-{:04}", till, today.format("%Y%m%d"), seq);
            let at = stamp(now);
            let uuid = new_uuid();
            let head = SaleHead {
                uuid: &uuid,
                number: &number,
                till,
                shift_id: shift.id,
                unit,
                date: today,
                at: &at,
                actor,
            };
            let mut lines = Vec::with_capacity(cart.lines.len());
            let mut moves = Vec::new();
            let sale_id = write_sale(
                tx,
                &head,
                cart,
                settings.tax(),
                &settlement,
                |line, new, taken| {
                    for (batch_no, qty, value) in &taken.moves {
                        moves.push(super::sync::SaleMove {
                            batch: batch_no.clone(),
                            line_no: new.line_no,
                            qty: stored_qty(*qty)?,
                            sku: line.item.sku.clone(),
                            value: stored(*value)?,
                        });
                    }
                    lines.push(q::SaleLineRecord {
                        line_no: new.line_no,
                        sku: line.item.sku.clone(),
                        name: new.name.to_string(),
                        unit: new.unit.to_string(),
                        qty: stored_qty(new.qty)?,
                        base_qty: stored_qty(new.base_qty)?,
                        unit_price: stored(new.unit_price)?,
                        tier: new.tier.to_string(),
                        discount: stored(new.discount)?,
                        amount: stored(new.amount)?,
                        ppn: stored(new.ppn)?,
                        cost: stored(new.cost)?,
                        business_unit: new.business_unit.to_string(),
                        tax_class: new.tax_class.to_string(),
                        weighed: line.item.weighed,
                    });
                    Ok(())
                },
            )?;
            // The sale as stored, built from what is in hand rather than read back.
            let totals = cart.totals(settings.tax());
            let mut tenders = Vec::with_capacity(settlement.tenders.len());
            for t in &settlement.tenders {
                tenders.push(q::TenderRecord {
                    kind: t.kind.as_str().to_string(),
                    amount: stored(t.amount)?,
                    reference: t.reference.clone(),
                });
                if t.kind == TenderKind::Kasbon {
                    if let Some(m) = &cart.member {
                        members::add_kasbon(tx, m.id, t.amount)?;
                    }
                }
            }
            let record = SaleRecord {
                id: sale_id,
                uuid,
                number: number.clone(),
                till: till.to_string(),
                business_unit: unit.as_str().to_string(),
                business_date: date,
                created_at: at.clone(),
                cashier: actor.name.clone(),
                member_number: cart.member.as_ref().map(|m| m.number.clone()),
                member_name,
                gross: stored(totals.gross)?,
                discount: stored(totals.discount)?,
                total: stored(settlement.total)?,
                rounding: stored(settlement.rounding)?,
                payable: stored(settlement.payable)?,
                ppn: stored(totals.ppn)?,
                change: stored(settlement.change)?,
                status: "completed".to_string(),
                lines,
                tenders,
            };
            let prescriptions =
                super::pharmacy::record_prescriptions(tx, sale_id, &number, cart, &at, actor)?;
            crate::store::crash::point("sale.after_tenders");
            crate::store::till::clear_draft(tx, till)?;
            self.store_printed_receipt(tx, &record, &settings)?;
            if let (Some(a), Some(m)) = (kasbon_approver, &cart.member) {
                super::audit(
                    tx,
                    actor,
                    &at,
                    "kasbon_over_limit",
                    &format!("{number} {} {}", m.number, settlement.total),
                    Some(&a.username),
                )?;
            }
            for o in &oversold {
                super::audit(
                    tx,
                    actor,
                    &at,
                    "oversell",
                    &format!("{number} {} {} > {} {}", o.sku, o.wanted, o.on_hand, o.unit),
                    Some(&o.approver),
                )?;
            }
            super::print::enqueue_sale_receipt(
                tx,
                sale_id,
                &number,
                till,
                &settlement.tenders,
                &at,
            )?;
            crate::store::outbox::append_event(
                tx,
                till,
                super::sync::SALE_KIND,
                1,
                &super::sync::sale_payload(&record, &moves, &prescriptions),
                &at,
            )?;
            Ok(record)
        })
    }

    /// A sale by number.
    pub fn sale(&self, number: &str) -> Result<SaleRecord> {
        q::by_number(self.store.conn(), number.trim())?
            .ok_or_else(|| KasirError::NoSuchSale(number.trim().to_string()))
    }

    /// The till's newest sale, from the file (what F10 shows, also after a restart).
    pub fn last_sale(&self, till: &str) -> Result<Option<SaleRecord>> {
        // Today's, or (just after midnight) yesterday's: the days a cashier asks F10 about,
        // each one index step, never a walk through the till's whole history.
        let today = self.now().date();
        for date in [today, today - chrono::Days::new(1)] {
            if let Some(s) = q::last_for_till(self.store.conn(), till, &day(date))? {
                return Ok(Some(s));
            }
        }
        Ok(None)
    }

    /// Every sale of a business day.
    pub fn sales_on(&self, date: chrono::NaiveDate) -> Result<Vec<SaleRecord>> {
        q::by_date(self.store.conn(), &day(date))
    }
}

/// Who, where and when of a sale, besides what its cart says.
pub(super) struct SaleHead<'a> {
    pub uuid: &'a str,
    pub number: &'a str,
    pub till: &'a str,
    pub shift_id: i64,
    pub unit: BusinessUnit,
    pub date: NaiveDate,
    pub at: &'a str,
    pub actor: &'a Actor,
}

/// The one writer of a sale's rows, for checkout and for generated days alike: the header
/// from the cart's totals and its settlement, each line with the stock it takes (first
/// expiry first, at moving-average cost, [`take_stock`]) and its share of PPN, then the
/// tenders. `line_written` is handed each line as stored. Returns the sale's id.
pub(super) fn write_sale(
    tx: &Transaction,
    head: &SaleHead,
    cart: &Cart,
    tax: TaxRule,
    settlement: &Settlement,
    mut line_written: impl FnMut(&CartLine, &NewLine, &Taken) -> Result<()>,
) -> Result<i64> {
    let totals = cart.totals(tax);
    let sale_id = q::insert(
        tx,
        &NewSale {
            uuid: head.uuid,
            number: head.number,
            till: head.till,
            shift_id: Some(head.shift_id),
            business_unit: head.unit.as_str(),
            business_date: &day(head.date),
            created_at: head.at,
            user_id: head.actor.user_id,
            cashier: &head.actor.name,
            member_id: cart.member.as_ref().map(|m| m.id),
            gross: totals.gross,
            discount: totals.discount,
            total: settlement.total,
            rounding: settlement.rounding,
            payable: settlement.payable,
            ppn: totals.ppn,
            change: settlement.change,
        },
    )?;
    crate::store::crash::point("sale.after_header");
    let shares = cart.ppn_shares(tax);
    for (i, line) in cart.lines.iter().enumerate() {
        let taken = take_stock(tx, line, head.date, head.at, head.actor.user_id, sale_id)?;
        let new = NewLine {
            line_no: i as i64 + 1,
            product_id: line.item.product_id,
            unit_id: line.item.unit_id,
            name: &line.item.name,
            unit: &line.item.unit,
            qty: line.qty,
            base_qty: line.base_qty(),
            unit_price: line.unit_price,
            tier: line.tier.as_str(),
            discount: line.discount,
            amount: line.amount(),
            tax_class: line.item.tax_class.as_str(),
            ppn: shares.lines()[i],
            cost: taken.total,
            business_unit: line.item.business_unit.as_str(),
        };
        q::insert_line(tx, sale_id, &new)?;
        line_written(line, &new, &taken)?;
    }
    crate::store::crash::point("sale.after_lines");
    for (k, t) in settlement.tenders.iter().enumerate() {
        q::insert_tender(
            tx,
            sale_id,
            k as i64 + 1,
            t.kind.as_str(),
            t.amount,
            t.reference.as_deref(),
        )?;
    }
    Ok(sale_id)
}

/// An amount as it reads back from the store (whole minor units, normalised).
fn stored(d: Decimal) -> Result<Decimal> {
    Ok(crate::domain::money::money_from_minor(crate::store::minor(
        d,
    )?))
}

/// A quantity as it reads back from the store.
fn stored_qty(d: Decimal) -> Result<Decimal> {
    Ok(crate::domain::money::qty_from_milli(crate::store::milli(
        d,
    )?))
}

/// What a line took out of stock: its cost, and each move (batch number, qty, value).
pub(super) struct Taken {
    total: Decimal,
    moves: Vec<(Option<String>, Decimal, Decimal)>,
}

/// Take a line's stock out and return its cost at moving average. Batches are taken first
/// expiry first; expired batches are never sold.
fn take_stock(
    tx: &Transaction,
    line: &CartLine,
    today: chrono::NaiveDate,
    at: &str,
    user_id: Option<i64>,
    sale_id: i64,
) -> Result<Taken> {
    let product = line.item.product_id;
    let base = line.base_qty();
    let (on_hand, value, last_cost) = stock::position(tx, product)?;
    let mv = |batch_id: Option<i64>, qty: Decimal, cost: Decimal| NewMove {
        product_id: product,
        batch_id,
        kind: MoveKind::Sale,
        qty: -qty,
        value: -cost,
        at,
        user_id,
        ref_type: Some("sale"),
        ref_id: Some(sale_id),
        note: None,
    };
    let today_s = day(today);
    let batches = stock::batches_with_stock(tx, product)?;
    let listed: Vec<_> = batches
        .iter()
        .map(|b| (b.id, b.expiry.as_deref(), b.on_hand))
        .collect();
    // Goods that are not batch-tracked may still have dated batches (food with an expiry
    // date): those are taken first expiry first too, the rest from undated stock.
    let plan = fefo_plan(&listed, base, Some(&today_s.as_str()));
    if line.item.batch_tracked && plan.rest > Decimal::ZERO {
        let expired = batches
            .iter()
            .find(|b| b.expiry.as_deref().is_some_and(|e| e < today_s.as_str()));
        return Err(match expired {
            Some(b) => KasirError::ExpiredBatch {
                product: line.item.name.clone(),
                batch: b.batch_no.clone(),
                expiry: b.expiry.clone().unwrap_or_default(),
            },
            None => KasirError::NotEnoughBatchStock {
                product: line.item.name.clone(),
                available: plan.from_batches() / line.item.factor,
                unit: line.item.unit.clone(),
            },
        });
    }
    let mut total_cost = Decimal::ZERO;
    let mut moves = Vec::new();
    let (mut on_hand, mut value) = (on_hand, value);
    for (batch, take) in plan.moves() {
        let cost = issue_cost(take, on_hand, value, last_cost);
        stock::record_after(tx, &mv(batch, take, cost), on_hand, value)?;
        on_hand -= take;
        value -= cost;
        total_cost += cost;
        let batch_no = batch.and_then(|id| batches.iter().find(|b| b.id == id));
        moves.push((batch_no.map(|b| b.batch_no.clone()), -take, -cost));
    }
    Ok(Taken {
        total: total_cost,
        moves,
    })
}

/// Parse `TENDER:AMOUNT[:REF]` as given on the command line.
pub fn parse_tender(s: &str) -> Result<Tender> {
    let mut parts = s.splitn(3, ':');
    let kind = parts.next().unwrap_or("");
    let amount = parts.next().unwrap_or("");
    let kind = TenderKind::parse(&kind.to_ascii_lowercase()).ok_or_else(|| {
        KasirError::invalid(
            format!("Cara bayar \"{kind}\" tidak dikenal (cash, qris, transfer, kasbon)"),
            format!("Unknown tender \"{kind}\" (cash, qris, transfer, kasbon)"),
        )
    })?;
    // Sales are whole rupiah, so every tender is too: `cash:3500,5` would give sen in change.
    let amount = Amount::parse(amount, AllowSen::No)?;
    if amount <= Decimal::ZERO {
        return Err(PayError::TenderNotPositive.into());
    }
    Ok(Tender {
        kind,
        amount,
        reference: parts.next().map(str::to_string),
    })
}
