//! Returns against a receipt: refund at the price paid on that sale, never more than was
//! sold minus what came back already; stock back in at the cost recorded on the sale line,
//! into the batch it came from; a supervisor approves; audited. The checks, the number and
//! every write run in one immediate transaction, so two tills returning the same line
//! cannot both pass the check. The return slip (and, for a cash refund, a drawer kick) is
//! queued on the till's printer in that transaction; the cash refund is a cash move of the
//! shift (its expected cash falls, the X/Z report lists it).

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::shift_close::supervisor;
use super::{day, new_uuid, stamp, Shop};
use crate::domain::barcode::parse_entry;
use crate::domain::money::{format_qty, round_cash_down, round_money, round_rupiah};
use crate::domain::stock::take_in_order;
use crate::domain::tax::returned_share;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::members;
use crate::store::returns::{self as q, NewReturn, ReturnRecord};
use crate::store::stock::{self as stock, MoveKind, NewMove};

/// One item to take back: a code (barcode or SKU) and how many of the unit sold.
#[derive(Debug, Clone, PartialEq)]
pub struct ReturnItem {
    pub code: String,
    pub qty: Decimal,
}

/// Parse `CODE[*QTY]` (or `QTY*CODE`) entries as typed at the command line.
pub fn parse_return_items(entries: &[String]) -> Result<Vec<ReturnItem>> {
    entries
        .iter()
        .map(|e| {
            let p = parse_entry(e).map_err(|_| KasirError::BadQtyEntry(e.trim().to_string()))?;
            Ok(ReturnItem {
                code: p.code,
                qty: p.qty.unwrap_or(Decimal::ONE),
            })
        })
        .collect()
}

/// `part` of a line worth `whole` for `qty`, given `done` returned already worth `done_value`:
/// the cumulative share minus what was already refunded, so a full return refunds exactly.
fn share(
    whole: Decimal,
    qty: Decimal,
    done: Decimal,
    done_value: Decimal,
    part: Decimal,
    rupiah: bool,
) -> Decimal {
    let cum = done + part;
    if cum >= qty {
        return whole - done_value;
    }
    let exact = whole * cum / qty;
    let r = if rupiah {
        round_rupiah(exact)
    } else {
        round_money(exact)
    };
    r - done_value
}

impl Shop {
    /// Take goods back against sale `sale_no` on `till`. The refund goes back as kasbon up to
    /// what the sale put on kasbon (and the member still owes); the rest in cash from the
    /// drawer of the open shift, rounded down to the cash step (the difference is kept as
    /// rounding). Needs a supervisor: the actor, or `approver`.
    pub fn return_items(
        &mut self,
        actor: &Actor,
        approver: Option<&Actor>,
        till: &str,
        sale_no: &str,
        items: &[ReturnItem],
    ) -> Result<ReturnRecord> {
        super::auth::require(actor, Permission::Sell, crate::domain::user::Act::Return)?;
        let sup = supervisor(actor, approver, crate::domain::user::Act::Return)?;
        if items.is_empty() {
            return Err(KasirError::invalid(
                "Tidak ada barang yang diretur",
                "Nothing to return",
            ));
        }
        // Every check reads inside the write transaction: what was sold minus what was
        // returned already cannot change between the check and the write (another till
        // returning the same line waits for this one, then sees it).
        let _crash = crate::store::crash::use_case("return");
        let number = self
            .store
            .write(|tx| self.book_return(tx, actor, sup, till, sale_no, items))?;
        q::by_number(self.store.conn(), &number)?
            .ok_or_else(|| KasirError::invalid("Retur hilang", "Return vanished"))
    }

    /// The checks and writes of [`Shop::return_items`], in its transaction. Returns the
    /// return's number.
    fn book_return(
        &self,
        tx: &rusqlite::Transaction,
        actor: &Actor,
        sup: &Actor,
        till: &str,
        sale_no: &str,
        items: &[ReturnItem],
    ) -> Result<String> {
        let sale = self.sale(sale_no)?;
        let lines = q::returnable_lines(tx, sale.id)?;
        let mut asked: BTreeMap<usize, Decimal> = BTreeMap::new();
        for it in items {
            if it.qty <= Decimal::ZERO || it.qty.normalize().scale() > 3 {
                return Err(KasirError::BadQtyEntry(format!("{}*{}", it.code, it.qty)));
            }
            let item = self.find_item(&it.code)?;
            let left = |i: usize, l: &q::ReturnableLine| {
                l.qty - l.returned_qty - asked.get(&i).copied().unwrap_or_default()
            };
            let pick = lines
                .iter()
                .enumerate()
                .find(|(i, l)| l.unit_id == item.unit_id && left(*i, l) > Decimal::ZERO)
                .or_else(|| {
                    lines.iter().enumerate().find(|(i, l)| {
                        l.product_id == item.product_id && left(*i, l) > Decimal::ZERO
                    })
                })
                .map(|(i, _)| i);
            let Some(i) = pick else {
                return Err(KasirError::invalid(
                    format!(
                        "{} tidak ada (lagi) di transaksi {} untuk diretur",
                        item.name, sale.number
                    ),
                    format!(
                        "{} is not (or no longer) on sale {} to return",
                        item.name, sale.number
                    ),
                ));
            };
            let remaining = left(i, &lines[i]);
            if it.qty > remaining {
                return Err(KasirError::invalid(
                    format!(
                        "{}: paling banyak {} {} lagi yang bisa diretur",
                        lines[i].name,
                        format_qty(remaining),
                        item.unit
                    ),
                    format!(
                        "{}: at most {} {} more can be returned",
                        lines[i].name,
                        format_qty(remaining),
                        item.unit
                    ),
                ));
            }
            *asked.entry(i).or_default() += it.qty;
        }
        // (line, qty, base qty, amount, ppn, cost)
        let mut out = Vec::new();
        for (&i, &r) in &asked {
            let l = &lines[i];
            out.push((
                i,
                r,
                r * l.base_qty / l.qty,
                share(l.amount, l.qty, l.returned_qty, l.returned_amount, r, true),
                returned_share(l.ppn, l.qty, l.returned_qty, l.returned_ppn, r),
                share(l.cost, l.qty, l.returned_qty, l.returned_cost, r, false),
            ));
        }
        let amount: Decimal = out.iter().map(|o| o.3).sum();
        let member = match &sale.member_number {
            Some(n) => members::by_number(tx, n)?,
            None => None,
        };
        let kasbon_sold: Decimal = sale
            .tenders
            .iter()
            .filter(|t| t.kind == "kasbon")
            .map(|t| t.amount)
            .sum();
        let kasbon_open = (kasbon_sold - q::kasbon_refunded(tx, sale.id)?).max(Decimal::ZERO);
        let refund_kasbon = match &member {
            Some(m) => amount
                .min(kasbon_open)
                .min(m.kasbon_balance.max(Decimal::ZERO)),
            None => Decimal::ZERO,
        };
        let cash = amount - refund_kasbon;
        let refund_cash = round_cash_down(cash, self.settings()?.rounding_step);
        let rounding = cash - refund_cash;
        let shift = if refund_cash > Decimal::ZERO {
            Some(self.require_shift(till)?)
        } else {
            self.current_shift(till)?
        };
        let unit = match &shift {
            Some(s) => s.business_unit.clone(),
            None => self
                .till_unit(till)?
                .map(|u| u.as_str().to_string())
                .unwrap_or_else(|| sale.business_unit.clone()),
        };
        let now = self.now();
        let (at, date) = (stamp(now), day(now.date()));
        // Numbered like sales: per till and business day, from 0001 each day, taken inside
        // the write so two tills never draw the same number.
        let number = format!(
            "RT-{till}-{}-{:04}",
            now.date().format("%Y%m%d"),
            q::count_for_till_day(tx, till, &date)? + 1
        );
        let member_id = member.as_ref().map(|m| m.id);
        let product_of: Vec<i64> = lines.iter().map(|l| l.product_id).collect();
        let id = q::insert(
            tx,
            &NewReturn {
                uuid: &new_uuid(),
                number: &number,
                sale_id: sale.id,
                till,
                shift_id: shift.as_ref().map(|s| s.id),
                business_unit: &unit,
                business_date: &date,
                created_at: &at,
                actor: &actor.username,
                approver: &sup.username,
                member_id,
                amount,
                refund_cash,
                refund_kasbon,
                rounding,
            },
        )?;
        crate::store::crash::point("return.after_header");
        let sku_of = |line_no: i64| {
            sale.lines
                .iter()
                .find(|s| s.line_no == line_no)
                .map(|s| s.sku.clone())
        };
        let mut event_lines = Vec::new();
        let mut event_moves = Vec::new();
        for &(i, r, base, amt, ppn, cost) in &out {
            let l = &lines[i];
            event_lines.push(serde_json::json!({
                "line_no": l.line_no,
                "sku": sku_of(l.line_no),
                "name": l.name,
                "unit": l.unit,
                "qty": r.normalize(),
                "base_qty": base.normalize(),
                "amount": amt.normalize(),
                "ppn": ppn.normalize(),
                "cost": cost.normalize(),
                "business_unit": l.business_unit,
            }));
            q::insert_line(tx, id, l.id, r, base, amt, ppn, cost, &l.business_unit)?;
            let product = product_of[i];
            let batches = q::batches_left(tx, sale.id, product)?;
            let mv = |batch_id: Option<i64>, qty: Decimal, value: Decimal| NewMove {
                product_id: product,
                batch_id,
                kind: MoveKind::Return,
                qty,
                value,
                at: &at,
                user_id: actor.user_id,
                ref_type: Some("return"),
                ref_id: Some(id),
                note: Some(&number),
            };
            // Back into the batches the sale took them from, in the order it took them; the
            // last batch taken back holds what is left of the value.
            let moves = take_in_order(batches.iter().copied(), base).moves();
            let last_batch = moves.iter().rposition(|(b, _)| b.is_some());
            let mut value_left = cost;
            for (n, (batch, take)) in moves.into_iter().enumerate() {
                let value = match batch {
                    Some(_) if Some(n) != last_batch => round_money(cost * take / base),
                    _ => value_left,
                };
                stock::record(tx, &mv(batch, take, value))?;
                event_moves.push(serde_json::json!({
                    "line_no": l.line_no,
                    "sku": sku_of(l.line_no),
                    "qty": take.normalize(),
                    "value": value.normalize(),
                }));
                value_left -= value;
            }
        }
        crate::store::crash::point("return.after_lines");
        if let Some(m) = member_id {
            if refund_kasbon > Decimal::ZERO {
                members::add_kasbon(tx, m, -refund_kasbon)?;
            }
        }
        crate::store::crash::point("return.after_kasbon");
        super::audit(
            tx,
            actor,
            &at,
            "return",
            &format!(
                "{number} sale={} amount={amount} cash={refund_cash} kasbon={refund_kasbon}",
                sale.number
            ),
            Some(&sup.username),
        )?;
        let settings = self.settings()?;
        let lang = settings.lang;
        let slip = kasir_receipts::ReturnSlip {
            shop_name: settings.name.clone(),
            unit_label: super::receipt::unit_label(&unit, lang).to_string(),
            number: number.clone(),
            sale_no: sale.number.clone(),
            datetime: now,
            till: till.to_string(),
            cashier: actor.name.clone(),
            approver: sup.name.clone(),
            lines: out
                .iter()
                .map(|&(i, r, _, amt, _, _)| kasir_receipts::ReturnSlipLine {
                    name: lines[i].name.clone(),
                    qty: r,
                    unit: lines[i].unit.clone(),
                    amount: amt,
                })
                .collect(),
            total: amount,
            refund_cash,
            refund_kasbon,
            rounding,
        };
        let bytes = kasir_receipts::return_slip_escpos(
            &slip,
            self.paper()?,
            lang.receipts(),
            &kasir_receipts::EscposOptions::default(),
        );
        super::print::enqueue_return_slip(
            tx,
            &number,
            till,
            &bytes,
            refund_cash > Decimal::ZERO,
            &at,
        )?;
        let payload = serde_json::json!({
            "return": {
                "number": number,
                "sale_number": sale.number,
                "sale_uuid": sale.uuid,
                "till": till,
                "business_unit": unit,
                "business_date": date,
                "created_at": at,
                "actor": actor.username,
                "approver": sup.username,
                "member": sale.member_number,
                "amount": amount.normalize(),
                "refund_cash": refund_cash.normalize(),
                "refund_kasbon": refund_kasbon.normalize(),
                "rounding": rounding.normalize(),
            },
            "lines": event_lines,
            "stock_moves": event_moves,
        });
        crate::store::outbox::append_event(tx, till, super::sync::RETURN_KIND, 1, &payload, &at)?;
        Ok(number)
    }
}
