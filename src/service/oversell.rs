//! Selling beyond stock on hand. By default a sale may not take more of a product than the
//! stock card shows (the till would otherwise leave −3.984 pcs behind a typing slip). A
//! supervisor may approve one line (goods on the shelf that the books have not caught up
//! with), audited with their name; a shop that wants negative stock sets
//! `stock.allow_negative`. Batch-tracked goods always come from unexpired batches (checkout).

use std::collections::HashSet;

use rusqlite::Connection;
use rust_decimal::Decimal;

use super::{Shop, STOCK_ALLOW_NEGATIVE};
use crate::domain::cart::Cart;
use crate::error::{KasirError, Result};

/// A product a cart takes beyond stock on a supervisor's approval.
#[derive(Debug, Clone, PartialEq)]
pub struct Oversold {
    pub sku: String,
    pub wanted: Decimal,
    pub on_hand: Decimal,
    pub unit: String,
    pub approver: String,
}

impl Shop {
    /// Refuse a cart that takes more of a product than is on hand, unless a supervisor
    /// approved a line of it or the shop allows negative stock: the check the till makes on
    /// every scan, and checkout again inside its write.
    pub fn check_stock(&self, cart: &Cart) -> Result<()> {
        stock_short(self.store.conn(), cart).map(|_| ())
    }

    /// The first line of each product the cart takes beyond stock without an approval.
    pub fn lines_beyond_stock(&self, cart: &Cart) -> Result<Vec<usize>> {
        Ok(shortfalls(self.store.conn(), cart)?
            .into_iter()
            .filter(|s| s.approver.is_none())
            .map(|s| s.line)
            .collect())
    }
}

/// A product the cart takes more of than is on hand.
struct Shortfall {
    /// The product's first line in the cart.
    line: usize,
    approver: Option<String>,
    oversold: Oversold,
    name: String,
}

fn shortfalls(c: &Connection, cart: &Cart) -> Result<Vec<Shortfall>> {
    let allow_negative =
        crate::store::settings::get(c, STOCK_ALLOW_NEGATIVE)?.is_some_and(|v| v.trim() == "true");
    let mut out = Vec::new();
    if allow_negative {
        return Ok(out);
    }
    let mut seen = HashSet::new();
    for (i, line) in cart.lines.iter().enumerate() {
        let product = line.item.product_id;
        if line.item.batch_tracked || !seen.insert(product) {
            continue;
        }
        let wanted = cart.base_qty_of(product);
        let (on_hand, _, _) = crate::store::stock::position(c, product)?;
        if wanted <= on_hand {
            continue;
        }
        let approver = cart
            .lines
            .iter()
            .filter(|l| l.item.product_id == product)
            .find_map(|l| l.oversell_approved_by.clone());
        out.push(Shortfall {
            line: i,
            oversold: Oversold {
                sku: line.item.sku.clone(),
                wanted,
                on_hand,
                unit: crate::store::stock::base_unit(c, product)?,
                approver: approver.clone().unwrap_or_default(),
            },
            approver,
            name: line.item.name.clone(),
        });
    }
    Ok(out)
}

/// The products `cart` takes beyond stock on an approval (for the audit log), or the
/// refusal for the first one it takes beyond stock without.
pub(crate) fn stock_short(c: &Connection, cart: &Cart) -> Result<Vec<Oversold>> {
    let all = shortfalls(c, cart)?;
    if let Some(s) = all.iter().find(|s| s.approver.is_none()) {
        return Err(KasirError::NotEnoughStock {
            product: s.name.clone(),
            available: s.oversold.on_hand.max(Decimal::ZERO),
            unit: s.oversold.unit.clone(),
        });
    }
    Ok(all.into_iter().map(|s| s.oversold).collect())
}
