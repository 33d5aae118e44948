//! The apotek's rules at the till: which counter may sell which drug class, prescriptions
//! approved by a pharmacist, per-sale limits for OOT, HET; the psikotropika / narkotika
//! register and the monthly SIPNAP report.

use std::io::Write;

use chrono::NaiveDate;
use rusqlite::Transaction;
use rust_decimal::Decimal;

use super::Shop;
use crate::domain::barcode::parse_entry;
use crate::domain::cart::{Cart, ItemRef};
use crate::domain::catalog::DrugClass;
use crate::domain::pharmacy::{
    above_het, may_sell, ApprovedPrescription, PharmacyError, PharmacyMode, Prescription,
};
use crate::domain::user::{Actor, Permission, Role};
use crate::error::{KasirError, Result};
use crate::store::pharmacy::{self as q, DrugRules, PrescriptionRow, RegisterRow};
use crate::store::stock::{self as st, PeriodMovement};

/// Default per-sale limit of OOT drugs in base units (setting `pharmacy.oot_max_per_sale`).
pub const DEFAULT_OOT_MAX: i64 = 10;

fn rx_error(e: PharmacyError, product: &str) -> KasirError {
    match e {
        PharmacyError::NotAtGerai(class) => KasirError::NotAtGerai {
            product: product.to_string(),
            class,
        },
        PharmacyError::NeedsPrescription(class) => KasirError::NeedsPrescription {
            product: product.to_string(),
            class,
        },
        PharmacyError::RxIncomplete(field) => KasirError::invalid(
            format!("Resep belum lengkap: {field} kosong (no, doctor, sip, patient, date)"),
            format!("Prescription incomplete: {field} is empty (no, doctor, sip, patient, date)"),
        ),
        PharmacyError::RxInFuture => KasirError::invalid(
            "Tanggal resep di masa depan",
            "The prescription is dated in the future",
        ),
    }
}

/// The first and the day after the last of a month given as `YYYY-MM`.
pub fn month_range(month: &str) -> Result<(NaiveDate, NaiveDate)> {
    let bad = || {
        KasirError::invalid(
            format!("Bulan \"{month}\" harus YYYY-MM"),
            format!("Month \"{month}\" must be YYYY-MM"),
        )
    };
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d")
        .map_err(|_| bad())?;
    let next = first
        .checked_add_months(chrono::Months::new(1))
        .ok_or_else(bad)?;
    Ok((first, next))
}

impl Shop {
    /// The pharmacy mode of a till (setting `till.<T>.pharmacy`: `apotek` or `gerai`). A till
    /// without the setting has no pharmacist and is a gerai obat.
    pub fn pharmacy_mode(&self, till: &str) -> Result<PharmacyMode> {
        Ok(
            crate::store::settings::get(self.store.conn(), &format!("till.{till}.pharmacy"))?
                .and_then(|v| PharmacyMode::parse(&v))
                .unwrap_or(PharmacyMode::Gerai),
        )
    }

    /// The most of a product one sale may carry, in base units: its own limit, else for
    /// OOT the setting `pharmacy.oot_max_per_sale` (default 10).
    pub fn sale_limit(&self, rules: &DrugRules) -> Result<Option<Decimal>> {
        if rules.max_per_sale.is_some() {
            return Ok(rules.max_per_sale);
        }
        if rules.drug_class == DrugClass::Oot {
            return Ok(Some(Decimal::from(
                self.setting_i64("pharmacy.oot_max_per_sale", DEFAULT_OOT_MAX)?,
            )));
        }
        Ok(None)
    }

    /// Set (or clear) a product's own per-sale limit, in base units.
    pub fn set_sale_limit(
        &mut self,
        actor: &Actor,
        code: &str,
        max: Option<Decimal>,
    ) -> Result<()> {
        super::auth::require(
            actor,
            Permission::ManageCatalog,
            crate::domain::user::Act::SaleLimits,
        )?;
        if max.is_some_and(|m| m <= Decimal::ZERO) {
            return Err(KasirError::invalid(
                "Batas harus lebih dari 0",
                "The limit must be above 0",
            ));
        }
        let id = st::product_id_by_code(self.store.conn(), code.trim())?
            .ok_or_else(|| KasirError::UnknownCode(code.to_string()))?;
        self.store.write(|tx| q::set_max_per_sale(tx, id, max))
    }

    /// Rules that hold for every line whatever the counter: HET and the per-sale limit
    /// (`base_total` = base units of the product the cart would then hold).
    fn check_het_and_limit(
        &self,
        item: &ItemRef,
        unit_price: Decimal,
        base_total: Decimal,
    ) -> Result<DrugRules> {
        let rules = q::rules(self.store.conn(), item.product_id)?;
        if above_het(unit_price, item.factor, rules.het) {
            return Err(KasirError::AboveHet {
                product: item.name.clone(),
                price: unit_price,
                het: rules.het.unwrap_or_default() * item.factor,
                unit: item.unit.clone(),
            });
        }
        if let Some(max) = self.sale_limit(&rules)? {
            if base_total > max {
                return Err(KasirError::AboveSaleLimit {
                    product: item.name.clone(),
                    max,
                    asked: base_total,
                    unit: rules.base_unit.clone(),
                });
            }
        }
        Ok(rules)
    }

    /// The check `scan_into` makes before a plain scan adds a line: prescription-only drugs
    /// never go in by a plain scan (at a gerai obat they may not be sold at all, at an
    /// apotek they need `add_prescribed`), and HET and per-sale limits hold (for any
    /// product that has them: rice and LPG have an HET too).
    pub fn check_scan(&self, cart: &Cart, item: &ItemRef, qty: Decimal) -> Result<()> {
        if item.drug_class.needs_prescription() {
            return Err(KasirError::NeedsPrescription {
                product: item.name.clone(),
                class: item.drug_class,
            });
        }
        let total = cart.base_qty_of(item.product_id) + qty * item.factor;
        self.check_het_and_limit(item, item.prices.umum, total)?;
        Ok(())
    }

    /// Add a prescription-only drug at an apotek counter: the prescription must be complete
    /// and the pharmacist's PIN right (a user with the `apoteker` role); refused at a gerai
    /// obat; OOT limits and HET hold. The line carries the approved prescription, which
    /// checkout stores with the sale.
    #[allow(clippy::too_many_arguments)]
    pub fn add_prescribed(
        &mut self,
        till: &str,
        cart: &mut Cart,
        code: &str,
        qty: Decimal,
        rx: &Prescription,
        apoteker_username: &str,
        apoteker_pin: &str,
    ) -> Result<usize> {
        let item = self.find_item(code)?;
        let mode = self.pharmacy_mode(till)?;
        may_sell(mode, item.drug_class, true).map_err(|e| rx_error(e, &item.name))?;
        rx.validate(self.now().date())
            .map_err(|e| rx_error(e, &item.name))?;
        let total = cart.base_qty_of(item.product_id) + qty * item.factor;
        self.check_het_and_limit(&item, item.prices.umum, total)?;
        let pharmacist = self.login(apoteker_username, apoteker_pin)?;
        if pharmacist.role != Role::Apoteker {
            return Err(KasirError::NotApoteker(pharmacist.username));
        }
        let approved = ApprovedPrescription {
            rx: rx.clone(),
            apoteker_id: pharmacist.user_id.unwrap_or_default(),
            apoteker: pharmacist.username,
        };
        Ok(cart.add_prescribed(item, qty, approved)?)
    }

    /// Scan `code` or `qty*code`; a prescription-only drug goes through [`Shop::add_prescribed`]
    /// when a prescription and pharmacist are given, and is refused otherwise.
    pub fn scan_or_prescribe(
        &mut self,
        till: &str,
        cart: &mut Cart,
        entry: &str,
        rx: Option<(&Prescription, &str, &str)>,
    ) -> Result<usize> {
        let e =
            parse_entry(entry).map_err(|_| KasirError::BadQtyEntry(entry.trim().to_string()))?;
        let item = self.find_item(&e.code)?;
        match rx {
            Some((rx, user, pin)) if item.drug_class.needs_prescription() => self.add_prescribed(
                till,
                cart,
                &e.code,
                e.qty.unwrap_or(Decimal::ONE),
                rx,
                user,
                pin,
            ),
            _ => self.scan_into(cart, entry),
        }
    }

    /// The pharmacy rules again at checkout, on the cart as it is now (quantities and prices
    /// may have changed since the lines were added; the till may be a gerai obat).
    pub fn check_cart_pharmacy(&self, till: &str, cart: &Cart) -> Result<()> {
        let mode = self.pharmacy_mode(till)?;
        for line in &cart.lines {
            let item = &line.item;
            let rx = line.prescription.as_ref();
            may_sell(mode, item.drug_class, rx.is_some()).map_err(|e| rx_error(e, &item.name))?;
            if let Some(p) = rx {
                if item.drug_class.needs_prescription()
                    && !q::is_apoteker(self.store.conn(), p.apoteker_id)?
                {
                    return Err(KasirError::NotApoteker(p.apoteker.clone()));
                }
            }
            self.check_het_and_limit(item, line.unit_price, cart.base_qty_of(item.product_id))?;
        }
        Ok(())
    }

    /// The psikotropika / narkotika register of a month (`YYYY-MM`): every move with its
    /// running balance and, for sales, the patient and doctor.
    pub fn drug_register(&self, actor: &Actor, month: &str) -> Result<Vec<RegisterRow>> {
        super::auth::require(
            actor,
            Permission::ViewReports,
            crate::domain::user::Act::ViewDrugRegister,
        )?;
        let (from, to) = month_range(month)?;
        q::register(self.store.conn(), &super::day(from), &super::day(to))
    }

    /// Prescriptions recorded in a month.
    pub fn prescriptions_in(&self, actor: &Actor, month: &str) -> Result<Vec<PrescriptionRow>> {
        super::auth::require(
            actor,
            Permission::ViewReports,
            crate::domain::user::Act::ViewPrescriptions,
        )?;
        let (from, to) = month_range(month)?;
        q::prescriptions(self.store.conn(), &super::day(from), &super::day(to), None)
    }

    /// The monthly SIPNAP report: per psikotropika / narkotika product, opening stock,
    /// received, other ins, sold (on prescription), other outs (write-offs, count
    /// shortages), closing — in base units; opening + in − out = closing.
    pub fn sipnap(&self, actor: &Actor, month: &str) -> Result<Vec<PeriodMovement>> {
        super::auth::require(
            actor,
            Permission::ViewReports,
            crate::domain::user::Act::SipnapReport,
        )?;
        let (from, to) = month_range(month)?;
        st::movement(
            self.store.conn(),
            &["psikotropika", "narkotika"],
            &super::day(from),
            &super::day(to),
        )
    }
}

/// The SIPNAP report as CSV (one row per product).
pub fn write_sipnap_csv(month: &str, rows: &[PeriodMovement], out: impl Write) -> Result<()> {
    let mut w = csv::Writer::from_writer(out);
    w.write_record([
        "periode",
        "kode",
        "nie",
        "nama_obat",
        "golongan",
        "satuan",
        "stok_awal",
        "pemasukan",
        "pemasukan_lain",
        "pengeluaran_resep",
        "pengeluaran_lain",
        "stok_akhir",
    ])?;
    let s = |d: Decimal| d.normalize().to_string();
    for r in rows {
        w.write_record([
            month.to_string(),
            super::safe_cell(&r.sku),
            r.nie.clone().unwrap_or_default(),
            super::safe_cell(&r.name),
            r.drug_class.clone(),
            r.base_unit.clone(),
            s(r.opening),
            s(r.received),
            s(r.other_in),
            s(r.sold),
            s(r.other_out),
            s(r.closing),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Store the approved prescriptions of a sale's lines, inside checkout's transaction, and
/// audit each with the approving pharmacist.
pub(crate) fn record_prescriptions(
    tx: &Transaction,
    sale_id: i64,
    sale_number: &str,
    cart: &Cart,
    at: &str,
    actor: &Actor,
) -> Result<()> {
    for (i, line) in cart.lines.iter().enumerate() {
        let Some(p) = &line.prescription else {
            continue;
        };
        q::insert_prescription(tx, &super::new_uuid(), sale_id, i as i64 + 1, p, at)?;
        crate::store::audit::append(
            tx,
            &crate::store::audit::AuditEntry {
                at,
                user_id: actor.user_id,
                actor: &actor.username,
                action: "prescription",
                detail: &format!(
                    "{sale_number} line {} {} {} rx {} dr {} SIP {} patient {} {}",
                    i + 1,
                    line.item.sku,
                    line.qty,
                    p.rx.number,
                    p.rx.doctor,
                    p.rx.sip,
                    p.rx.patient,
                    p.rx.date
                ),
                approver: Some(&p.apoteker),
            },
        )?;
    }
    Ok(())
}
