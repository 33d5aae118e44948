//! Generated sales: one business day on the generated till, a shift with its sales and
//! its close.

use chrono::{Duration, NaiveDate, NaiveTime};
use rust_decimal::Decimal;

use super::{Rng, GENERATED_TILL, SALE_BATCH};
use crate::domain::cart::{Cart, CartMember, ItemRef, Tender, TenderKind};
use crate::domain::catalog::BusinessUnit;
use crate::domain::user::Actor;
use crate::error::Result;
use crate::service::checkout::{write_sale, SaleHead};
use crate::service::{day, new_uuid, stamp, Shop};
use crate::store::shift_close::{self, NewShiftClose};
use crate::store::shifts::{self, NewShift};

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
                    let number = format!("{GENERATED_TILL}-{yyyymmdd}-{seq:04}");
                    let head = SaleHead {
                        uuid: &new_uuid(),
                        number: &number,
                        till: GENERATED_TILL,
                        shift_id,
                        unit: BusinessUnit::Sembako,
                        date,
                        at: &at,
                        actor,
                    };
                    write_sale(tx, &head, cart, tax, settlement, |_, _, _| {
                        lines_n += 1;
                        Ok(())
                    })?;
                    for t in &settlement.tenders {
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
