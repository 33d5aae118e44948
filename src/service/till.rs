//! What the till needs beyond selling: the draft cart saved on every change, carts on hold,
//! supervisor approvals of overrides (each one in the audit log), and price edits.

use rust_decimal::Decimal;

use super::{stamp, Shop};
use crate::domain::cart::{Cart, ItemRef};
use crate::domain::catalog::PriceTier;
use crate::domain::money::format_rupiah;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::till::{self as q, HeldRow, NewHeld};

/// An override a supervisor approves at the till.
#[derive(Debug, Clone, PartialEq)]
pub enum Override {
    /// A discount in rupiah on a whole line.
    Discount { line: usize, amount: Decimal },
    /// A new unit price for a line.
    Price { line: usize, price: Decimal },
    /// Remove a line.
    VoidLine { line: usize },
    /// Throw the whole cart away.
    VoidSale,
    /// Sell a line's product beyond the stock on hand.
    Oversell { line: usize },
}

impl Override {
    fn action(&self) -> &'static str {
        match self {
            Override::Discount { .. } => "line_discount",
            Override::Price { .. } => "price_override",
            Override::VoidLine { .. } => "void_line",
            Override::VoidSale => "void_sale",
            Override::Oversell { .. } => "oversell_approve",
        }
    }
}

fn bad_cart(e: serde_json::Error) -> KasirError {
    KasirError::invalid(
        format!("Keranjang tersimpan rusak: {e}"),
        format!("The saved cart is damaged: {e}"),
    )
}

fn to_json(cart: &Cart) -> Result<String> {
    serde_json::to_string(cart).map_err(bad_cart)
}

impl Shop {
    /// Save the cart in progress at `till` (an empty cart clears the draft). Called on every
    /// change, so a crash or power cut loses nothing the cashier rang up.
    pub fn save_draft(&mut self, till: &str, cart: &Cart) -> Result<()> {
        let at = stamp(self.now());
        if cart.is_empty() {
            return self.store.write(|tx| q::clear_draft(tx, till));
        }
        let json = to_json(cart)?;
        self.store.write(|tx| q::save_draft(tx, till, &json, &at))
    }

    /// The cart that was in progress at `till` when the till last stopped, if any.
    pub fn load_draft(&self, till: &str) -> Result<Option<Cart>> {
        match q::draft(self.store.conn(), till)? {
            Some(json) => Ok(Some(serde_json::from_str(&json).map_err(bad_cart)?)),
            None => Ok(None),
        }
    }

    /// Put the cart on hold (to serve the next customer); the draft goes with it.
    pub fn hold_cart(&mut self, actor: &Actor, till: &str, cart: &Cart) -> Result<i64> {
        super::auth::require(actor, Permission::Sell, crate::domain::user::Act::HoldSale)?;
        if cart.is_empty() {
            return Err(crate::domain::cart::PayError::EmptyCart.into());
        }
        let at = stamp(self.now());
        let json = to_json(cart)?;
        let total: Decimal = cart.lines.iter().map(|l| l.amount()).sum();
        let label = match &cart.member {
            Some(m) => format!("{} {}", m.number, m.name),
            None => format!(
                "{} — {}",
                cart.lines
                    .first()
                    .map(|l| l.item.name.as_str())
                    .unwrap_or(""),
                format_rupiah(total)
            ),
        };
        self.store.write(|tx| {
            let id = q::insert_held(
                tx,
                &NewHeld {
                    till,
                    label: &label,
                    cart_json: &json,
                    total,
                    lines: cart.lines.len() as i64,
                    user_id: actor.user_id,
                    at: &at,
                },
            )?;
            q::clear_draft(tx, till)?;
            Ok(id)
        })
    }

    /// Carts on hold at `till`.
    pub fn held_carts(&self, till: &str) -> Result<Vec<HeldRow>> {
        q::held(self.store.conn(), till)
    }

    /// Take a cart off hold; it becomes the till's draft in the same transaction.
    pub fn recall_cart(&mut self, actor: &Actor, till: &str, id: i64) -> Result<Cart> {
        super::auth::require(
            actor,
            Permission::Sell,
            crate::domain::user::Act::RecallSale,
        )?;
        let at = stamp(self.now());
        self.store.write(|tx| {
            let json = q::take_held(tx, till, id)?.ok_or_else(|| {
                KasirError::invalid(
                    "Transaksi tertahan itu sudah tidak ada",
                    "That held sale is no longer there",
                )
            })?;
            let cart: Cart = serde_json::from_str(&json).map_err(bad_cart)?;
            q::save_draft(tx, till, &json, &at)?;
            Ok(cart)
        })
    }

    /// Check a supervisor's PIN (wrong PINs count towards their lockout) and that their role
    /// may approve overrides.
    pub fn supervisor(&mut self, username: &str, pin: &str) -> Result<Actor> {
        let a = self.login(username, pin)?;
        super::auth::require(&a, Permission::Supervise, crate::domain::user::Act::Approve)?;
        Ok(a)
    }

    /// Apply an override a supervisor approved to the cart, and record it in the audit log
    /// with both names. Nothing changes if the override is refused.
    pub fn apply_override(
        &mut self,
        cashier: &Actor,
        supervisor: &Actor,
        till: &str,
        cart: &mut Cart,
        what: &Override,
    ) -> Result<()> {
        super::auth::require(
            supervisor,
            Permission::Supervise,
            crate::domain::user::Act::Approve,
        )?;
        let mut next = cart.clone();
        let line_detail = |c: &Cart, i: usize| {
            c.lines
                .get(i)
                .map(|l| {
                    format!(
                        "{} {} {} @ {}",
                        l.item.sku,
                        l.qty,
                        l.item.unit,
                        format_rupiah(l.unit_price)
                    )
                })
                .unwrap_or_default()
        };
        let detail = match what {
            Override::Discount { line, amount } => {
                let d = line_detail(cart, *line);
                next.set_discount(*line, *amount)?;
                format!("{till} {d} diskon {}", format_rupiah(*amount))
            }
            Override::Price { line, price } => {
                let d = line_detail(cart, *line);
                next.override_price(*line, Some(*price))?;
                format!("{till} {d} -> {}", format_rupiah(*price))
            }
            Override::VoidLine { line } => {
                let d = line_detail(cart, *line);
                next.remove(*line)?;
                format!("{till} {d}")
            }
            Override::Oversell { line } => {
                let d = line_detail(cart, *line);
                let l = next
                    .lines
                    .get_mut(*line)
                    .ok_or(crate::domain::cart::CartError::NoSuchLine)?;
                l.oversell_approved_by = Some(supervisor.username.clone());
                format!("{till} {d}")
            }
            Override::VoidSale => {
                let total: Decimal = cart.lines.iter().map(|l| l.amount()).sum();
                next = Cart::default();
                format!(
                    "{till} {} baris, {}",
                    cart.lines.len(),
                    format_rupiah(total)
                )
            }
        };
        let at = stamp(self.now());
        let json = to_json(&next)?;
        self.store.write(|tx| {
            super::audit(
                tx,
                cashier,
                &at,
                what.action(),
                &detail,
                Some(&supervisor.username),
            )?;
            if next.is_empty() {
                q::clear_draft(tx, till)
            } else {
                q::save_draft(tx, till, &json, &at)
            }
        })?;
        *cart = next;
        Ok(())
    }

    /// Every selling unit of the product on a cart line (for changing its unit).
    pub fn units_of(&self, product_id: i64) -> Result<Vec<ItemRef>> {
        crate::store::catalog::units_of(self.store.conn(), product_id)
    }

    /// Products by name, SKU or barcode, for the search dialog: an exact code first.
    pub fn find_items(&self, needle: &str, limit: usize) -> Result<Vec<ItemRef>> {
        let needle = needle.trim();
        let mut out = Vec::new();
        if needle.len() >= 4 {
            if let Ok(exact) = self.find_item(needle) {
                out.push(exact);
            }
        }
        for i in self.search_items(needle, limit)? {
            if out.len() >= limit {
                break;
            }
            if !out.iter().any(|o| o.unit_id == i.unit_id) {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// Change one tier's price of a selling unit (catalog role), recorded in the audit log
    /// with the old and the new price.
    pub fn set_price(
        &mut self,
        actor: &Actor,
        item: &ItemRef,
        tier: PriceTier,
        price: Decimal,
    ) -> Result<()> {
        super::auth::require(
            actor,
            Permission::ManageCatalog,
            crate::domain::user::Act::ChangePrice,
        )?;
        if price < Decimal::ZERO || price.fract() != Decimal::ZERO {
            return Err(crate::domain::cart::CartError::BadPrice.into());
        }
        let old = match tier {
            PriceTier::Umum => Some(item.prices.umum),
            PriceTier::Anggota => Some(item.prices.anggota),
            PriceTier::Grosir => item.prices.grosir,
        };
        let at = stamp(self.now());
        let detail = format!(
            "{} {} {}: {} -> {}",
            item.sku,
            item.unit,
            tier.as_str(),
            old.map(format_rupiah).unwrap_or_else(|| "-".into()),
            format_rupiah(price)
        );
        let till = self.event_till()?;
        self.store.write(|tx| {
            crate::store::catalog::set_unit_price(tx, item.unit_id, tier, price)?;
            super::catalog_sync::catalog_events(tx, &till, &at, std::slice::from_ref(&item.sku))?;
            super::audit(tx, actor, &at, "price_change", &detail, None)
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::NaiveDate;
    use rust_decimal_macros::dec;

    use super::*;
    use crate::service::FixedClock;
    use crate::store::Store;

    fn demo() -> (Shop, Actor) {
        let at = NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap();
        let mut shop = Shop::new(
            Store::open_in_memory().unwrap(),
            Arc::new(FixedClock::new(at)),
        );
        crate::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
        let siti = shop.login("siti", "1111").unwrap();
        shop.open_shift(&siti, "sembako-1", Decimal::ZERO, &Default::default())
            .unwrap();
        (shop, siti)
    }

    fn audit_actions(shop: &Shop) -> Vec<(String, Option<String>)> {
        crate::store::audit::recent(shop.store.conn(), 50)
            .unwrap()
            .into_iter()
            .map(|r| (r.action, r.approver))
            .collect()
    }

    #[test]
    fn the_draft_survives_a_reopen_and_a_sale_clears_it() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("shop.db");
        {
            let mut shop = Shop::new(
                Store::open(&db, crate::store::OpenMode::CreateNew).unwrap(),
                Arc::new(crate::service::SystemClock),
            );
            crate::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
            let mut cart = Cart::default();
            shop.scan_into(&mut cart, "3*8991234567891").unwrap();
            shop.save_draft("sembako-1", &cart).unwrap();
        }
        let mut shop = Shop::new(
            Store::open(&db, crate::store::OpenMode::Existing).unwrap(),
            Arc::new(crate::service::SystemClock),
        );
        let cart = shop.load_draft("sembako-1").unwrap().expect("draft kept");
        assert_eq!(cart.lines[0].qty, dec!(3));
        assert!(shop.load_draft("apotek-1").unwrap().is_none());
        let siti = shop.login("siti", "1111").unwrap();
        shop.open_shift(&siti, "sembako-1", Decimal::ZERO, &Default::default())
            .unwrap();
        let total = cart.totals(shop.settings().unwrap().tax()).total;
        shop.checkout(
            &siti,
            "sembako-1",
            &cart,
            &[crate::domain::cart::Tender {
                kind: crate::domain::cart::TenderKind::Cash,
                amount: total,
                reference: None,
            }],
        )
        .unwrap();
        assert!(
            shop.load_draft("sembako-1").unwrap().is_none(),
            "a committed sale must not come back as an unpaid draft"
        );
    }

    #[test]
    fn hold_and_recall_round_trip_per_till() {
        let (mut shop, siti) = demo();
        let mut cart = Cart::default();
        shop.scan_into(&mut cart, "8991234567891").unwrap();
        shop.attach_member(&mut cart, Some("A0001")).unwrap();
        shop.save_draft("sembako-1", &cart).unwrap();
        let id = shop.hold_cart(&siti, "sembako-1", &cart).unwrap();
        assert!(shop.load_draft("sembako-1").unwrap().is_none());
        let held = shop.held_carts("sembako-1").unwrap();
        assert_eq!(held.len(), 1);
        assert!(held[0].label.starts_with("A0001"));
        assert!(shop.held_carts("apotek-1").unwrap().is_empty());
        assert!(shop.recall_cart(&siti, "apotek-1", id).is_err());
        let back = shop.recall_cart(&siti, "sembako-1", id).unwrap();
        assert_eq!(back, cart);
        assert_eq!(shop.load_draft("sembako-1").unwrap(), Some(cart));
        assert!(shop.held_carts("sembako-1").unwrap().is_empty());
        assert!(shop.recall_cart(&siti, "sembako-1", id).is_err());
        assert!(shop
            .hold_cart(&siti, "sembako-1", &Cart::default())
            .is_err());
    }

    #[test]
    fn overrides_need_a_supervisor_and_are_audited_with_both_names() {
        let (mut shop, siti) = demo();
        let mut cart = Cart::default();
        shop.scan_into(&mut cart, "2*8991234567891").unwrap();
        let before = cart.clone();
        // A cashier cannot approve, even with the right PIN.
        assert!(matches!(
            shop.supervisor("siti", "1111"),
            Err(KasirError::NotAllowed { .. })
        ));
        assert!(matches!(
            shop.supervisor("ahmad", "0000"),
            Err(KasirError::WrongPin { .. })
        ));
        let boss = shop.supervisor("ahmad", "4444").unwrap();
        assert!(shop
            .apply_override(&siti, &siti, "sembako-1", &mut cart, &Override::VoidSale)
            .is_err());
        // A discount larger than the line is refused and changes nothing.
        assert!(shop
            .apply_override(
                &siti,
                &boss,
                "sembako-1",
                &mut cart,
                &Override::Discount {
                    line: 0,
                    amount: dec!(1000000)
                }
            )
            .is_err());
        assert_eq!(cart, before);
        shop.apply_override(
            &siti,
            &boss,
            "sembako-1",
            &mut cart,
            &Override::Discount {
                line: 0,
                amount: dec!(500),
            },
        )
        .unwrap();
        let gross = before.lines[0].amount();
        assert_eq!(cart.lines[0].amount(), gross - dec!(500));
        shop.apply_override(
            &siti,
            &boss,
            "sembako-1",
            &mut cart,
            &Override::Price {
                line: 0,
                price: dec!(3000),
            },
        )
        .unwrap();
        assert_eq!(cart.lines[0].amount(), dec!(6000));
        shop.apply_override(&siti, &boss, "sembako-1", &mut cart, &Override::VoidSale)
            .unwrap();
        assert!(cart.is_empty());
        let log = audit_actions(&shop);
        for action in ["line_discount", "price_override", "void_sale"] {
            assert!(
                log.contains(&(action.to_string(), Some("ahmad".to_string()))),
                "{action} not audited with its approver: {log:?}"
            );
        }
        assert!(shop.check().unwrap().audit_chain);
    }

    #[test]
    fn price_edits_need_the_catalog_role_and_are_audited() {
        let (mut shop, siti) = demo();
        let item = shop.find_item("8991234567891").unwrap();
        assert!(matches!(
            shop.set_price(&siti, &item, PriceTier::Umum, dec!(3600)),
            Err(KasirError::NotAllowed { .. })
        ));
        let budi = shop.login("budi", "2222").unwrap();
        shop.set_price(&budi, &item, PriceTier::Umum, dec!(3600))
            .unwrap();
        assert_eq!(
            shop.find_item("8991234567891").unwrap().prices.umum,
            dec!(3600)
        );
        assert!(audit_actions(&shop)
            .iter()
            .any(|(a, _)| a == "price_change"));
    }

    #[test]
    fn kasbon_above_the_limit_only_with_a_supervisor() {
        let (mut shop, siti) = demo();
        let mut cart = Cart::default();
        shop.scan_into(&mut cart, "8991234567891").unwrap();
        shop.attach_member(&mut cart, Some("A0001")).unwrap();
        let m = cart.member.clone().unwrap();
        // Make the cart cost more than the member may still take.
        let avail = m.kasbon_available();
        let mut big = cart.clone();
        big.set_qty(0, Decimal::from(9000)).unwrap();
        // More than the shelf holds: selling it beyond stock is approved, only kasbon is at issue.
        big.lines[0].oversell_approved_by = Some("ahmad".into());
        let total = big.totals(shop.settings().unwrap().tax()).total;
        assert!(total > avail, "demo member limit too high for this test");
        let kasbon = [crate::domain::cart::Tender {
            kind: crate::domain::cart::TenderKind::Kasbon,
            amount: total,
            reference: None,
        }];
        let sales_before = crate::store::sales::count(shop.store.conn()).unwrap();
        assert!(matches!(
            shop.checkout(&siti, "sembako-1", &big, &kasbon),
            Err(KasirError::Pay(
                crate::domain::cart::PayError::KasbonOverLimit { .. }
            ))
        ));
        assert_eq!(
            crate::store::sales::count(shop.store.conn()).unwrap(),
            sales_before
        );
        assert!(shop
            .checkout_approved(&siti, "sembako-1", &big, &kasbon, Some(&siti))
            .is_err());
        let boss = shop.supervisor("ahmad", "4444").unwrap();
        let sale = shop
            .checkout_approved(&siti, "sembako-1", &big, &kasbon, Some(&boss))
            .unwrap();
        assert_eq!(sale.payable, total);
        assert!(audit_actions(&shop)
            .contains(&("kasbon_over_limit".to_string(), Some("ahmad".to_string()))));
    }
}
