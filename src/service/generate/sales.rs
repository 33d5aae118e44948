//! Generated sales: one business day on the generated till, a shift with its sales and
//! its close.

use chrono::{Duration, NaiveDate, NaiveTime};
use rust_decimal::Decimal;

use super::{Rng, GENERATED_TILL, SALE_BATCH};
use crate::domain::cart::{Cart, CartMember, ItemRef, Tender, TenderKind};
use crate::domain::catalog::BusinessUnit;
use crate::domain::stock::issue_cost;
use crate::domain::user::Actor;
use crate::error::Result;
use crate::service::{day, new_uuid, stamp, Shop};
use crate::store::sales::{self as sq, NewLine, NewSale};
use crate::store::shift_close::{self, NewShiftClose};
use crate::store::shifts::{self, NewShift};
use crate::store::stock::{self, MoveKind, NewMove};

impl Shop {
    /// One business day on the generated till: a shift, `n` sales, the shift closed with the
    /// cash counted as expected. Returns the number of sale lines.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn generate_day(
        &mut self,
        actor: &Actor,
        date: NaiveDate,
        n: usize,
        sellable: &[(ItemRef, Option<ItemRef>)],
        cart_members: &[CartMember],
        rng: &mut Rng,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize> {
        let settings = self.settings()?;
        let tax = settings.tax();
        let step = settings.rounding_step;
        let open_at = date.and_time(NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default());
        let close_at = date.and_time(NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default());
        let float = Decimal::from(200_000);
        let date_s = day(date);
        let yyyymmdd = date.format("%Y%m%d").to_string();
        let shift_id = self.store.write(|tx| {
            shifts::insert(
                tx,
                &NewShift {
                    uuid: &new_uuid(),
                    till: GENERATED_TILL,
                    business_unit: BusinessUnit::Sembako.as_str(),
                    user_id: actor.user_id,
                    cashier: &actor.name,
                    opened_at: &stamp(open_at),
                    opening_float: float,
                },
            )
        })?;
        let mut cash_in = Decimal::ZERO;
        let mut lines_total = 0;
        let mut k = 0;
        // Popular goods sell more: a third of the sales come from the first 2% of the list.
        let hot = (sellable.len() / 50).max(1);
        while k < n {
            let end = (k + SALE_BATCH).min(n);
            let mut carts = Vec::with_capacity(end - k);
            for _ in k..end {
                let mut cart = Cart::default();
                if rng.chance(30) && !cart_members.is_empty() {
                    cart.set_member(Some(rng.pick(cart_members).clone()));
                }
                let lines = 1 + rng.below(3) + rng.below(3);
                for _ in 0..lines {
                    let (base, pack) = if rng.chance(33) {
                        &sellable[rng.below(hot)]
                    } else {
                        rng.pick(sellable)
                    };
                    let (item, qty) = match pack {
                        Some(p) if rng.chance(4) => (p.clone(), 1),
                        _ => (base.clone(), 1 + rng.below(3) as i64),
                    };
                    cart.add(item, Decimal::from(qty))?;
                }
                let total = cart.totals(tax).total;
                let tender = if rng.chance(20) {
                    Tender {
                        kind: TenderKind::Qris,
                        amount: total,
                        reference: Some(format!("QR{:010}", rng.next() % 10_000_000_000)),
                    }
                } else {
                    let note = Decimal::from(if total > Decimal::from(50_000) {
                        50_000
                    } else {
                        10_000
                    });
                    Tender {
                        kind: TenderKind::Cash,
                        amount: (total / note).ceil() * note,
                        reference: None,
                    }
                };
                let settlement = cart.settle_with(&[tender], step, false)?;
                carts.push((cart, settlement));
            }
            let span = (close_at - open_at).num_seconds() - 60;
            let written = self.store.write(|tx| {
                let mut lines_n = 0;
                let mut cash = Decimal::ZERO;
                for (j, (cart, settlement)) in carts.iter().enumerate() {
                    let seq = k + j + 1;
                    let offset = span * seq as i64 / (n as i64 + 1);
                    let at = stamp(open_at + Duration::seconds(offset));
                    let totals = cart.totals(tax);
                    let sale_id = sq::insert(
                        tx,
                        &NewSale {
                            uuid: &new_uuid(),
                            number: &format!("{GENERATED_TILL}-{yyyymmdd}-{seq:04}"),
                            till: GENERATED_TILL,
                            shift_id: Some(shift_id),
                            business_unit: BusinessUnit::Sembako.as_str(),
                            business_date: &date_s,
                            created_at: &at,
                            user_id: actor.user_id,
                            cashier: &actor.name,
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
                    let shares = cart.ppn_shares(tax);
                    for (i, line) in cart.lines.iter().enumerate() {
                        let base = line.base_qty();
                        let pid = line.item.product_id;
                        let (on_hand, value, last_cost) = stock::position(tx, pid)?;
                        let cost = issue_cost(base, on_hand, value, last_cost);
                        stock::record(
                            tx,
                            &NewMove {
                                product_id: pid,
                                batch_id: None,
                                kind: MoveKind::Sale,
                                qty: -base,
                                value: -cost,
                                at: &at,
                                user_id: actor.user_id,
                                ref_type: Some("sale"),
                                ref_id: Some(sale_id),
                                note: None,
                            },
                        )?;
                        sq::insert_line(
                            tx,
                            sale_id,
                            &NewLine {
                                line_no: i as i64 + 1,
                                product_id: pid,
                                unit_id: line.item.unit_id,
                                name: &line.item.name,
                                unit: &line.item.unit,
                                qty: line.qty,
                                base_qty: base,
                                unit_price: line.unit_price,
                                tier: line.tier.as_str(),
                                discount: line.discount,
                                amount: line.amount(),
                                tax_class: line.item.tax_class.as_str(),
                                ppn: shares.lines()[i],
                                cost,
                                business_unit: line.item.business_unit.as_str(),
                            },
                        )?;
                        lines_n += 1;
                    }
                    for (k, t) in settlement.tenders.iter().enumerate() {
                        sq::insert_tender(
                            tx,
                            sale_id,
                            k as i64 + 1,
                            t.kind.as_str(),
                            t.amount,
                            t.reference.as_deref(),
                        )?;
                        if t.kind == TenderKind::Cash {
                            cash += t.amount;
                        }
                    }
                    cash -= settlement.change;
                }
                Ok((lines_n, cash))
            })?;
            lines_total += written.0;
            cash_in += written.1;
            progress(end);
            k = end;
        }
        let expected = float + cash_in;
        let report = format!("Shift {GENERATED_TILL} {date_s}: {n} penjualan (toko contoh)");
        self.store.write(|tx| {
            shift_close::insert_close(
                tx,
                &NewShiftClose {
                    shift_id,
                    business_date: &date_s,
                    closed_at: &stamp(close_at),
                    actor: &actor.username,
                    expected_cash: expected,
                    counted_cash: expected,
                    reason: None,
                    report: &report,
                },
            )
        })?;
        Ok(lines_total)
    }
}
