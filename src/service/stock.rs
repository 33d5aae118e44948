//! Stock: goods received, and what is on hand.

use std::io::Read;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::catalog::CsvRows;
use super::{stamp, Shop};
use crate::domain::money::round_money;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::catalog as cat;
use crate::store::stock::{self as q, MoveKind, NewMove, StockRow};

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
    let mut rows = CsvRows::new(input, &["code", "qty", "cost"])?;
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

impl Shop {
    /// Receive goods: every line or none. Stock value grows by qty × cost, so the moving
    /// average follows.
    pub fn receive(
        &mut self,
        actor: &Actor,
        lines: &[ReceiptLine],
        supplier: Option<&str>,
    ) -> Result<usize> {
        super::auth::require(actor, Permission::ReceiveStock, "terima barang")?;
        let at = stamp(self.now());
        let mut resolved = Vec::with_capacity(lines.len());
        for l in lines {
            let line_err = |id: String, en: String| KasirError::Import {
                line: l.line,
                reason: crate::i18n::Bilingual::new(id, en),
            };
            let item = self.find_item(&l.code).map_err(|e| {
                line_err(
                    e.message(crate::i18n::Lang::Id),
                    e.message(crate::i18n::Lang::En),
                )
            })?;
            let item = match &l.unit {
                Some(u) if *u != item.unit => {
                    cat::item_by_unit(self.store.conn(), item.product_id, u)?.ok_or_else(|| {
                        line_err(
                            format!("{} tidak punya satuan {u}", item.name),
                            format!("{} has no unit {u}", item.name),
                        )
                    })?
                }
                _ => item,
            };
            if item.batch_tracked && (l.batch.is_none() || l.expiry.is_none()) {
                return Err(line_err(
                    format!("{} wajib diisi batch dan tanggal kedaluwarsa", item.name),
                    format!("{} needs a batch and an expiry date", item.name),
                ));
            }
            resolved.push((l, item));
        }
        let user_id = actor.user_id;
        self.store.write(|tx| {
            for (l, item) in &resolved {
                let base_qty = l.qty * item.factor;
                let value = round_money(l.qty * l.cost);
                let batch_id = match &l.batch {
                    Some(b) => Some(q::batch_id(
                        tx,
                        item.product_id,
                        b,
                        l.expiry.map(super::day).as_deref(),
                    )?),
                    None => None,
                };
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
                        ref_id: None,
                        note: supplier,
                    },
                )?;
                if !item.factor.is_zero() {
                    q::set_last_cost(tx, item.product_id, round_money(l.cost / item.factor))?;
                }
            }
            Ok(())
        })?;
        Ok(resolved.len())
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

    /// The stock card of a product.
    pub fn stock_card(&self, code: &str) -> Result<Vec<q::MoveRow>> {
        let c = self.store.conn();
        let id = q::product_id_by_code(c, code.trim())?
            .ok_or_else(|| KasirError::UnknownCode(code.to_string()))?;
        q::card(c, id)
    }
}
