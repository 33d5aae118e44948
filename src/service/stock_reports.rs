//! Stock reports: what is on hand (per batch), the stock card, expiry, stock value per
//! unit, the reorder list and slow movers.

use crate::service::settings::Key;
use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{stamp, Shop};
use crate::error::{KasirError, Result};
use crate::store::stock::{self as q, ExpiryRow, StockRow};

/// Expired and soon-expiring batches.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpiryReport {
    pub today: NaiveDate,
    pub days: i64,
    pub expired: Vec<ExpiryRow>,
    pub near: Vec<ExpiryRow>,
}

/// Stock value of one business unit.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitStockValue {
    pub business_unit: String,
    pub products: usize,
    pub value: Decimal,
}

/// A product at or below its minimum, with what to order.
#[derive(Debug, Clone, PartialEq)]
pub struct ReorderRow {
    pub sku: String,
    pub name: String,
    pub business_unit: String,
    pub base_unit: String,
    pub on_hand: Decimal,
    pub min_stock: Decimal,
    /// Base units sold over the look-back window.
    pub sold: Decimal,
    pub days: i64,
    pub suggested: Decimal,
}

/// A product with stock that has not sold for a while.
#[derive(Debug, Clone, PartialEq)]
pub struct SlowMover {
    pub sku: String,
    pub name: String,
    pub business_unit: String,
    pub base_unit: String,
    pub on_hand: Decimal,
    pub value: Decimal,
    pub last_sale: Option<String>,
}

impl Shop {
    /// Batches already expired, and those expiring within `days` (default: the setting
    /// `stock.expiry_warn_days`, 90).
    pub fn expiry_report(&self, days: Option<i64>) -> Result<ExpiryReport> {
        let days = match days {
            Some(d) => d,
            None => self.setting_i64(Key::StockExpiryWarnDays.name(), 90)?,
        };
        if !(0..=3650).contains(&days) {
            return Err(KasirError::invalid(
                "Jumlah hari harus 0–3650",
                "Days must be 0–3650",
            ));
        }
        let today = self.now().date();
        let until = super::day(today + chrono::Duration::days(days));
        let today_s = super::day(today);
        let (expired, near) = q::expiring(self.store.conn(), &until)?
            .into_iter()
            .partition(|e| e.expiry < today_s);
        Ok(ExpiryReport {
            today,
            days,
            expired,
            near,
        })
    }

    /// Stock value per business unit (at moving-average cost).
    pub fn stock_value_by_unit(&self) -> Result<Vec<UnitStockValue>> {
        let rows = q::all(self.store.conn())?;
        let mut out: Vec<UnitStockValue> = Vec::new();
        for r in rows {
            match out.iter_mut().find(|u| u.business_unit == r.business_unit) {
                Some(u) => {
                    u.products += 1;
                    u.value += r.value;
                }
                None => out.push(UnitStockValue {
                    business_unit: r.business_unit.clone(),
                    products: 1,
                    value: r.value,
                }),
            }
        }
        out.sort_by(|a, b| a.business_unit.cmp(&b.business_unit));
        Ok(out)
    }

    /// Products at or below their minimum, with a suggested order: enough for the minimum
    /// plus `stock.reorder_cover_days` (14) of the daily sales over the last
    /// `stock.reorder_days` (30), and at least twice the minimum.
    pub fn low_stock(&self) -> Result<Vec<ReorderRow>> {
        let days = self.setting_i64(Key::StockReorderDays.name(), 30)?.max(1);
        let cover = self
            .setting_i64(Key::StockReorderCoverDays.name(), 14)?
            .max(0);
        let since = stamp(self.now() - chrono::Duration::days(days));
        let sales = q::sales_in_window(self.store.conn(), &since)?;
        let mut out = Vec::new();
        for r in q::all(self.store.conn())? {
            if r.min_stock <= Decimal::ZERO || r.on_hand > r.min_stock {
                continue;
            }
            let sold = sales.get(&r.product_id).map(|s| s.0).unwrap_or_default();
            let daily = sold / Decimal::from(days);
            let target =
                (r.min_stock + daily * Decimal::from(cover)).max(r.min_stock * Decimal::TWO);
            let suggested = (target - r.on_hand).max(Decimal::ZERO).ceil();
            out.push(ReorderRow {
                sku: r.sku,
                name: r.name,
                business_unit: r.business_unit,
                base_unit: r.base_unit,
                on_hand: r.on_hand,
                min_stock: r.min_stock,
                sold,
                days,
                suggested,
            });
        }
        Ok(out)
    }

    /// Products with stock that have not sold in `days` (default `stock.slow_days`, 90),
    /// most valuable first.
    pub fn slow_movers(&self, days: Option<i64>) -> Result<Vec<SlowMover>> {
        let days = match days {
            Some(d) => d,
            None => self.slow_days()?,
        };
        let since = stamp(self.now() - chrono::Duration::days(days.max(0)));
        let c = self.store.conn();
        let recent = q::sales_in_window(c, &since)?;
        let mut out = Vec::new();
        for r in q::all(c)?.into_iter().filter(|r| r.on_hand > Decimal::ZERO) {
            if recent
                .get(&r.product_id)
                .is_some_and(|(_, last)| last.as_deref().is_some_and(|l| l >= since.as_str()))
            {
                continue;
            }
            // Not sold in the window: when it last sold, if ever.
            out.push(SlowMover {
                last_sale: q::last_sale_at(c, r.product_id)?,
                sku: r.sku,
                name: r.name,
                business_unit: r.business_unit,
                base_unit: r.base_unit,
                on_hand: r.on_hand,
                value: r.value,
            });
        }
        out.sort_by(|a, b| b.value.cmp(&a.value).then(a.sku.cmp(&b.sku)));
        Ok(out)
    }

    /// `qty` of `item`'s unit in base units (refused finer than 1/1000), and the named batch
    /// of the product if one is given (refused if the product has no such batch).
    pub(crate) fn base_and_batch(
        &self,
        item: &crate::domain::cart::ItemRef,
        qty: Decimal,
        batch: Option<&str>,
    ) -> Result<(Decimal, Option<q::BatchRow>)> {
        let base = qty * item.factor;
        crate::domain::money::qty_to_milli(base).ok_or(KasirError::Cart(
            crate::domain::cart::CartError::QtyTooPrecise,
        ))?;
        let batch_row = match batch {
            Some(b) => Some(
                q::batch_by_no(self.store.conn(), item.product_id, b.trim())?.ok_or_else(|| {
                    KasirError::invalid(
                        format!("{} tidak punya batch {b}", item.name),
                        format!("{} has no batch {b}", item.name),
                    )
                })?,
            ),
            None => None,
        };
        Ok((base, batch_row))
    }

    /// The slow-mover window in days (setting `stock.slow_days`, default 90).
    pub fn slow_days(&self) -> Result<i64> {
        self.setting_i64(Key::StockSlowDays.name(), 90)
    }

    /// An integer setting with a default.
    pub(crate) fn setting_i64(&self, key: &str, default: i64) -> Result<i64> {
        Ok(crate::store::settings::get(self.store.conn(), key)?
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(default))
    }

    /// Stock of every product, or of the product a code names.
    pub fn stock(&self, code: Option<&str>) -> Result<Vec<StockRow>> {
        let c = self.store.conn();
        match code {
            None => q::all(c),
            Some(code) => {
                let id = q::product_id_by_code(c, code.trim())?
                    .ok_or_else(|| KasirError::UnknownCode(code.to_string()))?;
                Ok(q::of_product(c, id)?.into_iter().collect())
            }
        }
    }

    /// The stock card (kartu stok) of a product, or of one of its batches: every move
    /// with date, kind, reason, user and running balance.
    pub fn stock_card(&self, code: &str, batch: Option<&str>) -> Result<Vec<q::MoveRow>> {
        let c = self.store.conn();
        let id = q::product_id_by_code(c, code.trim())?
            .ok_or_else(|| KasirError::UnknownCode(code.to_string()))?;
        let batch_id = match batch {
            Some(b) => Some(
                q::batch_by_no(c, id, b.trim())?
                    .ok_or_else(|| {
                        KasirError::invalid(
                            format!("Batch {b} tidak ada untuk {code}"),
                            format!("No batch {b} of {code}"),
                        )
                    })?
                    .id,
            ),
            None => None,
        };
        q::card(c, id, batch_id)
    }
}
