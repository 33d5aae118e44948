//! The cart a cashier builds and the settlement of its payment.
//!
//! Pure: lines carry copies of the product data they were priced from, so repricing after a
//! member is attached or a quantity changes needs no lookup.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::catalog::{text_enum, BusinessUnit, DrugClass, PriceTier, TaxClass, UnitPrices};
use super::money::{round_cash_down, round_rupiah};
use super::pharmacy::ApprovedPrescription;

/// Largest quantity of one selling unit on one line; anything above is a typing or scanning slip.
pub const MAX_LINE_QTY: Decimal = Decimal::from_parts(9999, 0, 0, false, 0);

text_enum! {
    /// How a customer pays.
    TenderKind { Cash = "cash", Qris = "qris", Transfer = "transfer", Kasbon = "kasbon" }
}

/// One payment within a sale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tender {
    pub kind: TenderKind,
    pub amount: Decimal,
    pub reference: Option<String>,
}

/// The member a cart is sold to, as far as pricing and kasbon need.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartMember {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub kasbon_limit: Decimal,
    pub kasbon_balance: Decimal,
}

impl CartMember {
    /// Kasbon the member may still take.
    pub fn kasbon_available(&self) -> Decimal {
        (self.kasbon_limit - self.kasbon_balance).max(Decimal::ZERO)
    }
}

/// What the cart needs to know about the item being added.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemRef {
    pub product_id: i64,
    pub unit_id: i64,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub factor: Decimal,
    pub prices: UnitPricesData,
    pub tax_class: TaxClass,
    pub business_unit: BusinessUnit,
    pub drug_class: DrugClass,
    pub weighed: bool,
    pub batch_tracked: bool,
    /// In-store item code of a weighed product (label-scale barcodes).
    #[serde(default)]
    pub plu: Option<u32>,
}

/// Serializable copy of [`UnitPrices`] kept on a line so drafts survive a restart.
pub type UnitPricesData = UnitPrices;

/// A line of the cart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CartLine {
    pub item: ItemRef,
    pub qty: Decimal,
    pub unit_price: Decimal,
    pub tier: PriceTier,
    /// A supervisor-approved unit price replacing the tiers.
    pub price_override: Option<Decimal>,
    /// Discount on the whole line, in rupiah.
    pub discount: Decimal,
    /// The prescription and approving pharmacist, for prescription-only drugs.
    #[serde(default)]
    pub prescription: Option<ApprovedPrescription>,
    /// The supervisor (username) who approved selling this product beyond stock on hand.
    #[serde(default)]
    pub oversell_approved_by: Option<String>,
    /// The price printed on a label-scale price code: the line's amount before discount,
    /// whatever its weight and tier (the label states the price). A quantity, unit or price
    /// change makes it an ordinary weighed line again.
    #[serde(default)]
    pub label_price: Option<Decimal>,
}

impl CartLine {
    /// The label's printed price, or qty × unit price in whole rupiah; before discount.
    pub fn gross(&self) -> Decimal {
        self.label_price
            .unwrap_or_else(|| round_rupiah(self.qty * self.unit_price))
    }
    /// The line's gross less its discount, in whole rupiah.
    pub fn amount(&self) -> Decimal {
        self.gross() - self.discount
    }
    /// The quantity in the product's base unit.
    pub fn base_qty(&self) -> Decimal {
        self.qty * self.item.factor
    }
}

/// Why the cart refused a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CartError {
    QtyNotPositive,
    QtyTooLarge,
    /// Only weighed items may be sold in fractions.
    QtyNotWhole,
    QtyTooPrecise,
    NoSuchLine,
    /// A discount below zero or above the line's amount.
    BadDiscount,
    /// A price override below zero.
    BadPrice,
    /// The unit chosen belongs to another product.
    OtherProduct,
}

/// Why a payment was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PayError {
    EmptyCart,
    TenderNotPositive,
    /// Non-cash tenders add up to more than the total: nothing gives change for them.
    NonCashOverpays {
        total: Decimal,
        non_cash: Decimal,
    },
    /// Cash is short of what is due in cash.
    CashShort {
        due: Decimal,
        given: Decimal,
    },
    /// Nothing paid the rest.
    Underpaid {
        remaining: Decimal,
    },
    KasbonNeedsMember,
    KasbonOverLimit {
        available: Decimal,
        asked: Decimal,
    },
    /// Cash was given although the other tenders leave nothing due in cash.
    CashNotDue,
}

/// Totals of the cart before payment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Totals {
    /// Σ qty × price before discounts.
    pub gross: Decimal,
    pub discount: Decimal,
    /// Σ line amounts: what is owed before cash rounding.
    pub total: Decimal,
    /// PPN contained in the total, whole rupiah per sale (zero unless the coop is PKP).
    pub ppn: Decimal,
    pub lines: usize,
}

/// How a paid cart was settled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Settlement {
    pub total: Decimal,
    /// Cash rounding given to the customer (≥ 0, < step).
    pub rounding: Decimal,
    /// What the customer owes after rounding.
    pub payable: Decimal,
    pub tenders: Vec<Tender>,
    pub change: Decimal,
}

/// What is left to pay in cash once the non-cash tenders are paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CashDue {
    /// The total less the non-cash tenders (never below zero).
    pub rest: Decimal,
    /// What the customer pays in cash: the rest rounded down to the cash step, never
    /// against the customer.
    pub due: Decimal,
}

impl CashDue {
    /// The rounding given to the customer on the cash part.
    pub fn rounding(&self) -> Decimal {
        self.rest - self.due
    }
}

pub use super::tax::TaxRule;

/// The cart.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Cart {
    pub lines: Vec<CartLine>,
    pub member: Option<CartMember>,
}

fn check_qty(qty: Decimal, weighed: bool) -> Result<(), CartError> {
    if qty <= Decimal::ZERO {
        return Err(CartError::QtyNotPositive);
    }
    if qty > MAX_LINE_QTY {
        return Err(CartError::QtyTooLarge);
    }
    if qty.normalize().scale() > 3 {
        return Err(CartError::QtyTooPrecise);
    }
    if !weighed && qty.fract() != Decimal::ZERO {
        return Err(CartError::QtyNotWhole);
    }
    Ok(())
}

impl Cart {
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Add `qty` of an item. Scanning the same unit again adds to its line (unless that line
    /// carries an override or discount). Returns the index of the line touched.
    pub fn add(&mut self, item: ItemRef, qty: Decimal) -> Result<usize, CartError> {
        check_qty(qty, item.weighed)?;
        let same = self.lines.iter().rposition(|l| {
            l.item.unit_id == item.unit_id
                && l.price_override.is_none()
                && l.discount.is_zero()
                && l.prescription.is_none()
                && !item.weighed
        });
        if let Some(i) = same {
            let new_qty = self.lines[i].qty + qty;
            check_qty(new_qty, item.weighed)?;
            self.lines[i].qty = new_qty;
            self.reprice(i);
            return Ok(i);
        }
        let (unit_price, tier) = item.prices.resolve(qty, self.member.is_some());
        self.lines.push(CartLine {
            item,
            qty,
            unit_price,
            tier,
            price_override: None,
            discount: Decimal::ZERO,
            prescription: None,
            oversell_approved_by: None,
            label_price: None,
        });
        Ok(self.lines.len() - 1)
    }

    /// Add a weighed item from a label-scale price code: its own line, costing exactly the
    /// printed `price` for `qty` (the weight the label stands for), at the shelf price
    /// whether or not a member is attached.
    pub fn add_labelled(
        &mut self,
        item: ItemRef,
        qty: Decimal,
        price: Decimal,
    ) -> Result<usize, CartError> {
        check_qty(qty, item.weighed)?;
        if price <= Decimal::ZERO || round_rupiah(price) != price {
            return Err(CartError::BadPrice);
        }
        self.lines.push(CartLine {
            unit_price: item.prices.umum,
            item,
            qty,
            tier: PriceTier::Umum,
            price_override: None,
            discount: Decimal::ZERO,
            prescription: None,
            oversell_approved_by: None,
            label_price: Some(price),
        });
        Ok(self.lines.len() - 1)
    }

    /// Add a prescription-only item on its own line, carrying its approved prescription.
    pub fn add_prescribed(
        &mut self,
        item: ItemRef,
        qty: Decimal,
        rx: ApprovedPrescription,
    ) -> Result<usize, CartError> {
        check_qty(qty, item.weighed)?;
        let (unit_price, tier) = item.prices.resolve(qty, self.member.is_some());
        self.lines.push(CartLine {
            item,
            qty,
            unit_price,
            tier,
            price_override: None,
            discount: Decimal::ZERO,
            prescription: Some(rx),
            oversell_approved_by: None,
            label_price: None,
        });
        Ok(self.lines.len() - 1)
    }

    /// Base units of a product across every line.
    pub fn base_qty_of(&self, product_id: i64) -> Decimal {
        self.lines
            .iter()
            .filter(|l| l.item.product_id == product_id)
            .map(CartLine::base_qty)
            .sum()
    }

    /// Change the quantity of a line. A label line weighed again becomes an ordinary
    /// weighed line: the new weight at its tier's price, no longer the printed price.
    pub fn set_qty(&mut self, line: usize, qty: Decimal) -> Result<(), CartError> {
        let l = self.lines.get(line).ok_or(CartError::NoSuchLine)?;
        check_qty(qty, l.item.weighed)?;
        if l.label_price.is_some() && qty == l.qty {
            return Ok(());
        }
        self.lines[line].label_price = None;
        self.lines[line].qty = qty;
        self.reprice(line);
        Ok(())
    }

    /// Remove a line.
    pub fn remove(&mut self, line: usize) -> Result<CartLine, CartError> {
        if line >= self.lines.len() {
            return Err(CartError::NoSuchLine);
        }
        Ok(self.lines.remove(line))
    }

    /// Give a discount in rupiah on a whole line (0 removes it). At most the line's amount.
    pub fn set_discount(&mut self, line: usize, discount: Decimal) -> Result<(), CartError> {
        let l = self.lines.get_mut(line).ok_or(CartError::NoSuchLine)?;
        let gross = l.gross();
        if discount < Decimal::ZERO || discount > gross || round_rupiah(discount) != discount {
            return Err(CartError::BadDiscount);
        }
        l.discount = discount;
        Ok(())
    }

    /// Replace a line's unit price (a supervisor's price override), or go back to the tiers
    /// with `None`.
    pub fn override_price(&mut self, line: usize, price: Option<Decimal>) -> Result<(), CartError> {
        let l = self.lines.get_mut(line).ok_or(CartError::NoSuchLine)?;
        if price.is_some_and(|p| p < Decimal::ZERO || round_rupiah(p) != p) {
            return Err(CartError::BadPrice);
        }
        l.price_override = price;
        l.discount = Decimal::ZERO;
        l.label_price = None;
        self.reprice(line);
        Ok(())
    }

    /// Sell a line in another unit of the same product (pcs → dus), keeping the quantity.
    pub fn set_unit(&mut self, line: usize, item: ItemRef) -> Result<(), CartError> {
        let l = self.lines.get(line).ok_or(CartError::NoSuchLine)?;
        if l.item.product_id != item.product_id {
            return Err(CartError::OtherProduct);
        }
        check_qty(l.qty, item.weighed)?;
        let l = &mut self.lines[line];
        l.item = item;
        l.price_override = None;
        l.discount = Decimal::ZERO;
        l.label_price = None;
        self.reprice(line);
        Ok(())
    }

    /// Attach or detach the member; every line re-resolves its tier.
    pub fn set_member(&mut self, member: Option<CartMember>) {
        self.member = member;
        for i in 0..self.lines.len() {
            self.reprice(i);
        }
    }

    fn reprice(&mut self, i: usize) {
        let member = self.member.is_some();
        let l = &mut self.lines[i];
        if let Some(p) = l.price_override {
            l.unit_price = p;
            return;
        }
        if l.label_price.is_some() {
            // The label states the price: no member or grosir tier applies.
            return;
        }
        let (price, tier) = l.item.prices.resolve(l.qty, member);
        l.unit_price = price;
        l.tier = tier;
    }

    /// Totals before payment.
    pub fn totals(&self, tax: TaxRule) -> Totals {
        let mut t = Totals {
            gross: Decimal::ZERO,
            discount: Decimal::ZERO,
            total: Decimal::ZERO,
            ppn: Decimal::ZERO,
            lines: self.lines.len(),
        };
        for l in &self.lines {
            let amount = l.amount();
            t.gross += amount + l.discount;
            t.discount += l.discount;
            t.total += amount;
        }
        t.ppn = self.ppn_shares(tax).total();
        t
    }

    /// The cart's PPN and each line's whole-rupiah share of it (`domain::tax`).
    pub fn ppn_shares(&self, tax: TaxRule) -> super::tax::PpnShares {
        let lines: Vec<_> = self
            .lines
            .iter()
            .map(|l| (l.amount(), l.item.tax_class))
            .collect();
        tax.shares(&lines)
    }

    /// What is due in cash after `non_cash` (QRIS, transfer, kasbon) is paid, rounded down
    /// to `step`: the one reckoning the pay screen shows and [`Cart::settle`] takes.
    pub fn cash_due(&self, non_cash: Decimal, step: Decimal) -> CashDue {
        let total: Decimal = self.lines.iter().map(CartLine::amount).sum();
        let rest = (total - non_cash).max(Decimal::ZERO);
        CashDue {
            rest,
            due: round_cash_down(rest, step),
        }
    }

    /// Check the tenders against the total and work out rounding and change.
    ///
    /// Cash rounding (down to `step`, never against the customer) applies to the part paid in
    /// cash; non-cash tenders are exact and may not exceed the total.
    pub fn settle(&self, tenders: &[Tender], step: Decimal) -> Result<Settlement, PayError> {
        self.settle_with(tenders, step, false)
    }

    /// [`Cart::settle`], where `over_limit_approved` lets kasbon go above the member's limit
    /// (a supervisor approved it; the caller records who).
    pub fn settle_with(
        &self,
        tenders: &[Tender],
        step: Decimal,
        over_limit_approved: bool,
    ) -> Result<Settlement, PayError> {
        if self.is_empty() {
            return Err(PayError::EmptyCart);
        }
        if tenders.iter().any(|t| t.amount <= Decimal::ZERO) {
            return Err(PayError::TenderNotPositive);
        }
        let total: Decimal = self.lines.iter().map(CartLine::amount).sum();
        let sum = |k: TenderKind| -> Decimal {
            tenders
                .iter()
                .filter(|t| t.kind == k)
                .map(|t| t.amount)
                .sum()
        };
        let kasbon = sum(TenderKind::Kasbon);
        if kasbon > Decimal::ZERO {
            let member = self.member.as_ref().ok_or(PayError::KasbonNeedsMember)?;
            if kasbon > member.kasbon_available() && !over_limit_approved {
                return Err(PayError::KasbonOverLimit {
                    available: member.kasbon_available(),
                    asked: kasbon,
                });
            }
        }
        let non_cash = kasbon + sum(TenderKind::Qris) + sum(TenderKind::Transfer);
        if non_cash > total {
            return Err(PayError::NonCashOverpays { total, non_cash });
        }
        let CashDue {
            rest: remaining,
            due,
        } = self.cash_due(non_cash, step);
        let cash = sum(TenderKind::Cash);
        let has_cash = tenders.iter().any(|t| t.kind == TenderKind::Cash);
        // What is left below the smallest coin after non-cash tenders is rounded away as if
        // paid in cash, so no Rp0 cash tender is needed for it.
        let (rounding, cash_due) = if has_cash || due.is_zero() {
            (remaining - due, due)
        } else {
            (Decimal::ZERO, remaining)
        };
        if has_cash && cash_due.is_zero() {
            return Err(PayError::CashNotDue);
        }
        if has_cash && cash < cash_due {
            return Err(PayError::CashShort {
                due: cash_due,
                given: cash,
            });
        }
        if !has_cash && cash_due > Decimal::ZERO {
            return Err(PayError::Underpaid { remaining });
        }
        Ok(Settlement {
            total,
            rounding,
            payable: total - rounding,
            tenders: tenders.to_vec(),
            change: if has_cash {
                cash - cash_due
            } else {
                Decimal::ZERO
            },
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal_macros::dec;

    pub fn item(id: i64, umum: Decimal, anggota: Decimal, weighed: bool) -> ItemRef {
        ItemRef {
            product_id: id,
            unit_id: id,
            sku: format!("SKU{id}"),
            name: format!("Barang {id}"),
            unit: if weighed { "kg".into() } else { "pcs".into() },
            factor: Decimal::ONE,
            prices: UnitPrices {
                umum,
                anggota,
                grosir: Some(umum - dec!(200)),
                grosir_min_qty: Some(dec!(10)),
            },
            tax_class: TaxClass::Ppn,
            business_unit: BusinessUnit::Sembako,
            drug_class: DrugClass::None,
            weighed,
            batch_tracked: false,
            plu: None,
        }
    }

    fn member(limit: Decimal, balance: Decimal) -> CartMember {
        CartMember {
            id: 1,
            number: "A0001".into(),
            name: "Siti".into(),
            kasbon_limit: limit,
            kasbon_balance: balance,
        }
    }

    fn cash(a: Decimal) -> Tender {
        Tender {
            kind: TenderKind::Cash,
            amount: a,
            reference: None,
        }
    }

    const NO_TAX: TaxRule = TaxRule {
        pkp: false,
        effective_percent: dec!(11),
    };

    #[test]
    fn the_cash_due_shown_is_what_settling_takes() {
        let mut cart = Cart::default();
        cart.add(item(1, dec!(10750), dec!(10500), false), dec!(1))
            .unwrap();
        let due = cart.cash_due(dec!(5000), dec!(100));
        assert_eq!(
            (due.rest, due.due, due.rounding()),
            (dec!(5750), dec!(5700), dec!(50))
        );
        let tender = |kind, amount| Tender {
            kind,
            amount,
            reference: None,
        };
        let s = cart
            .settle(
                &[
                    tender(TenderKind::Qris, dec!(5000)),
                    tender(TenderKind::Cash, due.due),
                ],
                dec!(100),
            )
            .unwrap();
        assert_eq!((s.rounding, s.change), (due.rounding(), dec!(0)));
        // Non-cash tenders covering the total leave nothing to pay in cash.
        assert_eq!(cart.cash_due(dec!(20000), dec!(100)).due, dec!(0));
    }

    #[test]
    fn scanning_twice_adds_to_the_line_and_grosir_kicks_in() {
        let mut c = Cart::default();
        c.add(item(1, dec!(3500), dec!(3400), false), dec!(9))
            .unwrap();
        assert_eq!(c.lines[0].tier, PriceTier::Umum);
        c.add(item(1, dec!(3500), dec!(3400), false), dec!(1))
            .unwrap();
        assert_eq!(c.lines.len(), 1);
        assert_eq!(c.lines[0].qty, dec!(10));
        assert_eq!(c.lines[0].tier, PriceTier::Grosir);
        assert_eq!(c.totals(NO_TAX).total, dec!(33000));
    }

    #[test]
    fn attaching_a_member_reprices_every_line() {
        let mut c = Cart::default();
        c.add(item(1, dec!(3500), dec!(3400), false), dec!(2))
            .unwrap();
        c.add(item(2, dec!(18000), dec!(17500), false), dec!(1))
            .unwrap();
        assert_eq!(c.totals(NO_TAX).total, dec!(25000));
        c.set_member(Some(member(dec!(0), dec!(0))));
        assert_eq!(c.totals(NO_TAX).total, dec!(24300));
        c.set_member(None);
        assert_eq!(c.totals(NO_TAX).total, dec!(25000));
    }

    #[test]
    fn bad_quantities_are_refused_and_change_nothing() {
        let mut c = Cart::default();
        let it = item(1, dec!(3500), dec!(3400), false);
        assert_eq!(c.add(it.clone(), dec!(0)), Err(CartError::QtyNotPositive));
        assert_eq!(c.add(it.clone(), dec!(-2)), Err(CartError::QtyNotPositive));
        assert_eq!(c.add(it.clone(), dec!(100000)), Err(CartError::QtyTooLarge));
        assert_eq!(c.add(it.clone(), dec!(1.5)), Err(CartError::QtyNotWhole));
        assert!(c.is_empty());
        let egg = item(2, dec!(30000), dec!(29000), true);
        c.add(egg, dec!(1.25)).unwrap();
        assert_eq!(c.totals(NO_TAX).total, dec!(37500));
        assert_eq!(c.set_qty(0, dec!(0.0001)), Err(CartError::QtyTooPrecise));
        assert_eq!(c.lines[0].qty, dec!(1.25));
    }

    #[test]
    fn ppn_only_when_pkp_and_only_on_taxable_goods() {
        let mut c = Cart::default();
        c.add(item(1, dec!(11100), dec!(11100), false), dec!(1))
            .unwrap();
        let mut rice = item(2, dec!(75000), dec!(75000), false);
        rice.tax_class = TaxClass::Exempt;
        c.add(rice, dec!(1)).unwrap();
        assert_eq!(c.totals(NO_TAX).ppn, dec!(0));
        let pkp = TaxRule {
            pkp: true,
            ..NO_TAX
        };
        assert_eq!(c.totals(pkp).ppn, dec!(1100));
    }

    #[test]
    fn cash_payment_rounds_down_and_gives_change() {
        let mut c = Cart::default();
        c.add(item(1, dec!(37350), dec!(37350), false), dec!(1))
            .unwrap();
        let s = c.settle(&[cash(dec!(50000))], dec!(100)).unwrap();
        assert_eq!(s.rounding, dec!(50));
        assert_eq!(s.payable, dec!(37300));
        assert_eq!(s.change, dec!(12700));
        assert_eq!(
            c.settle(&[cash(dec!(37000))], dec!(100)),
            Err(PayError::CashShort {
                due: dec!(37300),
                given: dec!(37000)
            })
        );
        let qris = Tender {
            kind: TenderKind::Qris,
            amount: dec!(37350),
            reference: Some("QR1".into()),
        };
        let s = c.settle(std::slice::from_ref(&qris), dec!(100)).unwrap();
        assert_eq!((s.rounding, s.change), (dec!(0), dec!(0)));
        // Cash on top of a QRIS that pays everything is refused: nothing is due in cash.
        assert_eq!(
            c.settle(&[qris, cash(dec!(5000))], dec!(100)),
            Err(PayError::CashNotDue)
        );
        // A QRIS leaving less than the smallest coin: the rest is rounded away, no cash.
        let short = Tender {
            kind: TenderKind::Qris,
            amount: dec!(37300),
            reference: None,
        };
        let s = c.settle(&[short], dec!(100)).unwrap();
        assert_eq!((s.rounding, s.payable), (dec!(50), dec!(37300)));
    }

    #[test]
    fn kasbon_needs_a_member_within_limit() {
        let mut c = Cart::default();
        c.add(item(1, dec!(100000), dec!(100000), false), dec!(1))
            .unwrap();
        let kasbon = Tender {
            kind: TenderKind::Kasbon,
            amount: dec!(100000),
            reference: None,
        };
        assert_eq!(
            c.settle(std::slice::from_ref(&kasbon), dec!(100)),
            Err(PayError::KasbonNeedsMember)
        );
        c.set_member(Some(member(dec!(500000), dec!(450000))));
        assert_eq!(
            c.settle(std::slice::from_ref(&kasbon), dec!(100)),
            Err(PayError::KasbonOverLimit {
                available: dec!(50000),
                asked: dec!(100000)
            })
        );
        c.set_member(Some(member(dec!(500000), dec!(400000))));
        assert!(c.settle(&[kasbon], dec!(100)).is_ok());
    }

    #[test]
    fn split_tender_and_refusals() {
        let mut c = Cart::default();
        assert_eq!(
            c.settle(&[cash(dec!(1000))], dec!(100)),
            Err(PayError::EmptyCart)
        );
        c.add(item(1, dec!(37350), dec!(37350), false), dec!(1))
            .unwrap();
        let qris = |a| Tender {
            kind: TenderKind::Qris,
            amount: a,
            reference: None,
        };
        let s = c
            .settle(&[qris(dec!(20000)), cash(dec!(20000))], dec!(100))
            .unwrap();
        assert_eq!((s.rounding, s.change), (dec!(50), dec!(2700)));
        assert!(matches!(
            c.settle(&[qris(dec!(40000))], dec!(100)),
            Err(PayError::NonCashOverpays { .. })
        ));
        assert_eq!(
            c.settle(&[qris(dec!(30000))], dec!(100)),
            Err(PayError::Underpaid {
                remaining: dec!(7350)
            })
        );
    }

    #[test]
    fn a_label_line_costs_its_printed_price_until_it_is_weighed_again() {
        let mut c = Cart::default();
        // Bawang 40 000/kg (anggota 39 000); the label says Rp18 500 for 0,463 kg.
        let onion = item(1, dec!(40000), dec!(39000), true);
        let i = c
            .add_labelled(onion.clone(), dec!(0.463), dec!(18500))
            .unwrap();
        assert_eq!(c.lines[i].amount(), dec!(18500));
        assert_eq!(c.totals(NO_TAX).total, dec!(18500));
        // A member's price does not apply: the label states the price.
        c.set_member(Some(member_for_test()));
        assert_eq!(c.lines[i].amount(), dec!(18500));
        assert_eq!(c.lines[i].tier, PriceTier::Umum);
        // A discount comes off the printed price, and at most all of it.
        assert_eq!(c.set_discount(i, dec!(18520)), Err(CartError::BadDiscount));
        c.set_discount(i, dec!(500)).unwrap();
        assert_eq!(c.totals(NO_TAX).total, dec!(18000));
        c.set_discount(i, dec!(0)).unwrap();
        // Scanning the same label again is a line of its own.
        let j = c
            .add_labelled(onion.clone(), dec!(0.463), dec!(18500))
            .unwrap();
        assert_eq!((j, c.totals(NO_TAX).total), (1, dec!(37000)));
        c.remove(j).unwrap();
        // Confirming the same weight in F4 keeps the label; a new weight is an ordinary
        // weighed line at the member's price.
        c.set_qty(i, dec!(0.463)).unwrap();
        assert_eq!(c.lines[i].amount(), dec!(18500));
        c.set_qty(i, dec!(0.5)).unwrap();
        assert_eq!(c.lines[i].label_price, None);
        assert_eq!(c.lines[i].amount(), dec!(19500));
        // A supervisor's price replaces the label too.
        let k = c.add_labelled(onion, dec!(0.463), dec!(18500)).unwrap();
        c.override_price(k, Some(dec!(30000))).unwrap();
        assert_eq!(c.lines[k].amount(), dec!(13890));
        let bad = item(2, dec!(40000), dec!(39000), true);
        assert_eq!(
            c.add_labelled(bad.clone(), dec!(0.4), dec!(0)),
            Err(CartError::BadPrice)
        );
        assert_eq!(
            c.add_labelled(bad, dec!(0), dec!(100)),
            Err(CartError::QtyNotPositive)
        );
        assert_eq!(c.lines.len(), 2);
    }

    proptest! {
        #[test]
        fn total_is_sum_of_lines_minus_rounding(
            // Below the wholesale quantity (10): each line is at the price of its tier.
            lines in prop::collection::vec((300i64..200_000, 1i64..10), 1..30),
            step in prop::sample::select(vec![1i64, 100, 500, 1000]),
            member in any::<bool>(),
        ) {
            let mut c = Cart::default();
            for (i, (price, qty)) in lines.iter().enumerate() {
                let p = Decimal::from(*price);
                c.add(item(i as i64, p, (p - dec!(100)).max(dec!(1)), false), Decimal::from(*qty)).unwrap();
            }
            if member { c.set_member(Some(member_for_test())); }
            // The total from the generated prices and quantities, not from the cart's lines.
            let sum: i64 = lines
                .iter()
                .map(|(p, q)| if member { (p - 100).max(1) * q } else { p * q })
                .sum();
            let sum = Decimal::from(sum);
            let totals = c.totals(NO_TAX);
            prop_assert_eq!(totals.total, sum);
            prop_assert_eq!(totals.gross, sum);
            let given = totals.total + dec!(100000);
            let s = c.settle(&[cash(given)], Decimal::from(step)).unwrap();
            // All cash: rounded down to the step, never against the customer.
            let rounding = sum % Decimal::from(step);
            prop_assert_eq!(s.rounding, rounding);
            prop_assert_eq!(s.payable, sum - rounding);
            prop_assert_eq!(s.change, given - s.payable);
        }
    }

    fn member_for_test() -> CartMember {
        member(dec!(0), dec!(0))
    }
}
