//! The apotek's rules at the till: which counter may sell which drug class, prescriptions
//! approved by a pharmacist, per-sale limits for OOT, HET; the psikotropika / narkotika
//! register and the monthly SIPNAP report.

use crate::service::settings::{Key, TillKey};
use std::io::Write;

use chrono::NaiveDate;
use rusqlite::Transaction;
use rust_decimal::Decimal;

use super::Shop;
use crate::domain::barcode::parse_entry;
use crate::domain::cart::{Cart, ItemRef};
use crate::domain::catalog::DrugClass;
use crate::domain::money::format_qty;
use crate::domain::pharmacy::{
    above_het, may_sell, ApprovedPrescription, Dispensing, PharmacyError, PharmacyMode,
    Prescription, MAX_ITER,
};
use crate::domain::user::{Actor, Permission, Role};
use crate::error::{KasirError, Result};
use crate::i18n::Bilingual;
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
        PharmacyError::RxIncomplete("qty") => KasirError::invalid(
            "Jumlah yang diresepkan harus diisi, lebih dari 0 (qty=…)",
            "The prescribed quantity must be filled in, above 0 (qty=…)",
        ),
        PharmacyError::RxIncomplete(field) => KasirError::invalid(
            format!("Resep belum lengkap: {field} kosong (no, doctor, sip, patient, date)"),
            format!("Prescription incomplete: {field} is empty (no, doctor, sip, patient, date)"),
        ),
        PharmacyError::IterNotAllowed(class) => KasirError::invalid(
            format!("{product}: resep obat {class} tidak boleh diulang — iter harus 0"),
            format!("{product}: a {class} prescription is never repeated — iter must be 0"),
        ),
        PharmacyError::IterTooMany(n) => KasirError::invalid(
            format!("Iter {n}× terlalu banyak (paling banyak {MAX_ITER}×)"),
            format!("Iter {n}x is too many (at most {MAX_ITER}x)"),
        ),
        // Refusals that name the prescription go through `rx_refusal`.
        PharmacyError::RxInFuture
        | PharmacyError::RxTooOld { .. }
        | PharmacyError::RxDiffers { .. }
        | PharmacyError::RxUsedUp { .. } => KasirError::invalid(
            format!("{product}: resep tidak dapat dilayani"),
            format!("{product}: the prescription cannot be dispensed"),
        ),
    }
}

/// A refusal about one prescription, naming it, its drug's class and base unit.
fn rx_refusal(
    e: PharmacyError,
    product: &str,
    rx: &Prescription,
    class: DrugClass,
    unit: &str,
    max_age: i64,
) -> KasirError {
    let no = &rx.number;
    let date = rx.date;
    let q = |d: Decimal| format_qty(d);
    match e {
        PharmacyError::RxInFuture => KasirError::RxNeedsReason(Bilingual::new(
            format!(
                "Resep {no} bertanggal {date}, di masa depan: hanya dengan alasan dan PIN apoteker"
            ),
            format!(
                "Prescription {no} is dated {date}, in the future: only with a reason and the pharmacist's PIN"
            ),
        )),
        PharmacyError::RxTooOld { age_days, max_days } => {
            let (limit_id, limit_en) = if rx.iter > 0 {
                (
                    format!("{max_age} hari × {} pengambilan = {max_days} hari", rx.iter + 1),
                    format!("{max_age} days × {} fills = {max_days} days", rx.iter + 1),
                )
            } else {
                (format!("{max_days} hari"), format!("{max_days} days"))
            };
            KasirError::RxNeedsReason(Bilingual::new(
                format!(
                    "Resep {no} bertanggal {date} sudah {age_days} hari (batas obat {class}: {limit_id}): hanya dengan alasan dan PIN apoteker"
                ),
                format!(
                    "Prescription {no} dated {date} is {age_days} days old (limit for {class}: {limit_en}): only with a reason and the pharmacist's PIN"
                ),
            ))
        }
        PharmacyError::RxDiffers {
            recorded,
            recorded_iter,
        } => KasirError::invalid(
            format!(
                "Resep {no} tercatat {} {unit} iter {recorded_iter}× untuk {product}, bukan {} {unit} iter {}× — periksa kertas resep",
                q(recorded),
                q(rx.prescribed),
                rx.iter
            ),
            format!(
                "Prescription {no} was recorded as {} {unit} iter {recorded_iter}x of {product}, not {} {unit} iter {}x — check the paper",
                q(recorded),
                q(rx.prescribed),
                rx.iter
            ),
        ),
        PharmacyError::RxUsedUp {
            total,
            taken,
            asked,
        } if taken >= total => KasirError::invalid(
            format!(
                "Resep {no} sudah ditebus {} dari {} {unit} {product} — tidak dapat ditebus lagi (diminta {})",
                q(taken),
                q(total),
                q(asked)
            ),
            format!(
                "Prescription {no} has already dispensed {} of {} {unit} of {product} — nothing is left ({} asked)",
                q(taken),
                q(total),
                q(asked)
            ),
        ),
        PharmacyError::RxUsedUp {
            total,
            taken,
            asked,
        } => KasirError::invalid(
            format!(
                "Resep {no} tinggal {} {unit} {product} (sudah ditebus {} dari {}); diminta {}",
                q(total - taken),
                q(taken),
                q(total),
                q(asked)
            ),
            format!(
                "Prescription {no} has {} {unit} of {product} left (dispensed {} of {}); {} asked",
                q(total - taken),
                q(taken),
                q(total),
                q(asked)
            ),
        ),
        other => rx_error(other, product),
    }
}

/// Setting keys of the prescription age limits, in days, per drug class, with their
/// defaults (see README, "Prescriptions"). OOT drugs are obat keras that are often misused:
/// they follow the keras rules with a shorter limit.
pub const RX_MAX_AGE_DAYS: [(DrugClass, &str, i64); 4] = [
    (DrugClass::Keras, Key::RxMaxAgeDaysKeras.name(), 30),
    (DrugClass::Oot, Key::RxMaxAgeDaysOot.name(), 7),
    (
        DrugClass::Psikotropika,
        Key::RxMaxAgeDaysPsikotropika.name(),
        3,
    ),
    (DrugClass::Narkotika, Key::RxMaxAgeDaysNarkotika.name(), 3),
];

/// The approving pharmacist of a prescription line: user, PIN and, for a prescription
/// outside the age limit, the reason the pharmacist accepts it.
#[derive(Debug, Clone, Copy)]
pub struct RxApproval<'a> {
    pub apoteker: &'a str,
    pub pin: &'a str,
    pub age_reason: Option<&'a str>,
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
        Ok(self
            .till_setting(TillKey::Pharmacy, till)?
            .and_then(|v| PharmacyMode::parse(&v))
            .unwrap_or(PharmacyMode::Gerai))
    }

    /// The most of a product one sale may carry, in base units: its own limit, else for
    /// OOT the setting `pharmacy.oot_max_per_sale` (default 10).
    pub fn sale_limit(&self, rules: &DrugRules) -> Result<Option<Decimal>> {
        if rules.max_per_sale.is_some() {
            return Ok(rules.max_per_sale);
        }
        if rules.drug_class == DrugClass::Oot {
            return Ok(Some(Decimal::from(self.setting_i64(
                Key::PharmacyOotMaxPerSale.name(),
                DEFAULT_OOT_MAX,
            )?)));
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
        self.check_scan_at(None, cart, item, qty)
    }

    /// [`Shop::check_scan`] at a counter of a known mode: at a gerai obat a
    /// prescription-only drug is refused outright (no prescription can make it sellable
    /// there), so the cashier is sent to the apotek counter instead of a prescription form.
    pub fn check_scan_at(
        &self,
        mode: Option<PharmacyMode>,
        cart: &Cart,
        item: &ItemRef,
        qty: Decimal,
    ) -> Result<()> {
        if item.drug_class.needs_prescription() {
            if mode == Some(PharmacyMode::Gerai) {
                return Err(KasirError::NotAtGerai {
                    product: item.name.clone(),
                    class: item.drug_class,
                });
            }
            return Err(KasirError::NeedsPrescription {
                product: item.name.clone(),
                class: item.drug_class,
            });
        }
        let total = cart.base_qty_of(item.product_id) + qty * item.factor;
        self.check_het_and_limit(item, item.prices.umum, total)?;
        Ok(())
    }

    /// The age limit in days of prescriptions for a drug class (settings
    /// `rx.max_age_days.<class>`, defaults in [`RX_MAX_AGE_DAYS`]; other classes as keras).
    pub fn rx_max_age_days(&self, class: DrugClass) -> Result<i64> {
        let (_, key, default) = RX_MAX_AGE_DAYS
            .iter()
            .find(|(c, _, _)| *c == class)
            .unwrap_or(&RX_MAX_AGE_DAYS[0]);
        let days = self.setting_i64(key, *default)?;
        // A value stored behind kasir's back outside 0..=365 falls back to the default.
        Ok(if (0..=365).contains(&days) {
            days
        } else {
            *default
        })
    }

    /// The base unit of the product a code names, in which a prescription counts.
    pub fn base_unit_of(&self, code: &str) -> Result<String> {
        let item = self.find_item(code)?;
        Ok(q::rules(self.store.conn(), item.product_id)?.base_unit)
    }

    /// Every prescription rule for one line of `base` base units: the prescription complete,
    /// an iter only where the class allows one, its age within the limit unless the
    /// pharmacist gave a reason, and not more than it may dispense in total — counting what
    /// earlier sales took (read through the store's connection: at checkout, inside the
    /// sale's write transaction) and `in_cart`, what earlier lines of the cart take of it.
    /// Returns whether the prescription is outside its age limit (and so carries a reason).
    fn check_rx_line(
        &self,
        item: &ItemRef,
        rx: &Prescription,
        age_reason: Option<&str>,
        base: Decimal,
        in_cart: Decimal,
    ) -> Result<bool> {
        let class = item.drug_class;
        rx.validate(class).map_err(|e| rx_error(e, &item.name))?;
        let conn = self.store.conn();
        let unit = q::rules(conn, item.product_id)?.base_unit;
        let max_age = self.rx_max_age_days(class)?;
        let refusal = |e| rx_refusal(e, &item.name, rx, class, &unit, max_age);
        let out_of_age = match rx.check_age(self.now().date(), max_age) {
            Ok(()) => false,
            Err(e) if age_reason.is_none_or(|r| r.trim().is_empty()) => return Err(refusal(e)),
            Err(_) => true,
        };
        let mut history = q::history(conn, &rx.key(), item.product_id)?;
        history.dispensed += in_cart;
        rx.check_dispense(class, history, base).map_err(refusal)?;
        Ok(out_of_age)
    }

    /// Base units of `product_id` the cart's lines already take on the prescription `key`.
    fn in_cart_on(cart: &Cart, key: &str, product_id: i64) -> Decimal {
        cart.lines
            .iter()
            .filter(|l| l.item.product_id == product_id)
            .filter(|l| l.prescription.as_ref().is_some_and(|p| p.rx.key() == key))
            .map(|l| l.base_qty())
            .sum()
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
        let approval = RxApproval {
            apoteker: apoteker_username,
            pin: apoteker_pin,
            age_reason: None,
        };
        self.add_prescribed_with(till, cart, code, qty, rx, &approval)
    }

    /// [`Shop::add_prescribed`] with the pharmacist's reason for a prescription outside the
    /// age limit of its class (checked before the PIN, so the pharmacist learns that a
    /// reason is needed before typing it). The reason stays on the line and is audited with
    /// the sale.
    pub fn add_prescribed_with(
        &mut self,
        till: &str,
        cart: &mut Cart,
        code: &str,
        qty: Decimal,
        rx: &Prescription,
        approval: &RxApproval,
    ) -> Result<usize> {
        let item = self.find_item(code)?;
        let mode = self.pharmacy_mode(till)?;
        may_sell(mode, item.drug_class, true).map_err(|e| rx_error(e, &item.name))?;
        let total = cart.base_qty_of(item.product_id) + qty * item.factor;
        self.check_het_and_limit(&item, item.prices.umum, total)?;
        let in_cart = Self::in_cart_on(cart, &rx.key(), item.product_id);
        let out_of_age =
            self.check_rx_line(&item, rx, approval.age_reason, qty * item.factor, in_cart)?;
        let pharmacist = self.login(approval.apoteker, approval.pin)?;
        if pharmacist.role != Role::Apoteker {
            return Err(KasirError::NotApoteker(pharmacist.username));
        }
        let age_reason = approval
            .age_reason
            .filter(|_| out_of_age)
            .map(|r| r.trim().to_string());
        let approved = ApprovedPrescription {
            rx: rx.clone(),
            apoteker_id: pharmacist.user_id.unwrap_or_default(),
            apoteker: pharmacist.username,
            age_reason,
        };
        Ok(cart.add_prescribed(item, qty, approved)?)
    }

    /// Scan `code` or `qty*code`; a prescription-only drug goes through
    /// [`Shop::add_prescribed_with`] when a prescription and pharmacist are given, and is
    /// refused otherwise.
    pub fn scan_or_prescribe(
        &mut self,
        till: &str,
        cart: &mut Cart,
        entry: &str,
        rx: Option<(&Prescription, &RxApproval)>,
    ) -> Result<usize> {
        // Without a prescription it is a plain scan (label-scale codes included).
        let Some((rx, approval)) = rx else {
            return self.scan_at(till, cart, entry);
        };
        let e =
            parse_entry(entry).map_err(|_| KasirError::BadQtyEntry(entry.trim().to_string()))?;
        let item = self.find_item(&e.code)?;
        if item.drug_class.needs_prescription() {
            self.add_prescribed_with(
                till,
                cart,
                &e.code,
                e.qty.unwrap_or(Decimal::ONE),
                rx,
                approval,
            )
        } else {
            self.scan_into(cart, entry)
        }
    }

    /// The pharmacy rules again at checkout, on the cart as it is now (quantities and prices
    /// may have changed since the lines were added; the till may be a gerai obat; another
    /// till may have dispensed on the same prescription). Checkout calls it inside the
    /// sale's write transaction.
    pub fn check_cart_pharmacy(&self, till: &str, cart: &Cart) -> Result<()> {
        let mode = self.pharmacy_mode(till)?;
        let mut taken: std::collections::HashMap<(String, i64), Decimal> = Default::default();
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
                let in_cart = taken.entry((p.rx.key(), item.product_id)).or_default();
                self.check_rx_line(
                    item,
                    &p.rx,
                    p.age_reason.as_deref(),
                    line.base_qty(),
                    *in_cart,
                )?;
                *in_cart += line.base_qty();
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
        q::register(
            self.store.conn(),
            &crate::domain::pharmacy::register_class_names(),
            &super::day(from),
            &super::day(to),
        )
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
            &crate::domain::pharmacy::register_class_names(),
            &super::day(from),
            &super::day(to),
        )
    }

    /// Write the SIPNAP report of a month (`YYYY-MM`) as CSV to `path`; returns the number of
    /// products in it. The file is written whole or not at all (a temporary file renamed).
    pub fn export_sipnap_csv(
        &self,
        actor: &Actor,
        month: &str,
        path: &std::path::Path,
    ) -> Result<usize> {
        let rows = self.sipnap(actor, month)?;
        if path.as_os_str().is_empty() {
            return Err(KasirError::invalid(
                "Nama file CSV wajib diisi",
                "The CSV file needs a name",
            ));
        }
        crate::atomic_file::write_atomically(path, |w| write_sipnap_csv(month.trim(), &rows, w))?;
        Ok(rows.len())
    }
}

/// How the register shows a dispensing of less than the whole prescription:
/// "sebagian: 10 dari 30 tablet, sisa 20"; `None` for a whole one.
pub fn partial_note(d: &Dispensing, unit: &str, lang: crate::i18n::Lang) -> Option<String> {
    d.is_partial().then(|| {
        let (this, total, left) = (
            format_qty(d.this),
            format_qty(d.total),
            format_qty(d.remaining()),
        );
        lang.pick(
            &format!("sebagian: {this} dari {total} {unit}, sisa {left}"),
            &format!("partial: {this} of {total} {unit}, {left} left"),
        )
        .to_string()
    })
}

/// The register's patient cell: the patient and, for a partial dispensing, its note.
pub fn register_patient(r: &RegisterRow, lang: crate::i18n::Lang) -> String {
    let patient = r.patient.as_deref().unwrap_or("-");
    match r
        .rx_dispensing
        .and_then(|d| partial_note(&d, &r.base_unit, lang))
    {
        Some(note) => format!("{patient} ({note})"),
        None => patient.to_string(),
    }
}

/// The SIPNAP report as CSV (one row per product).
pub fn write_sipnap_csv(month: &str, rows: &[PeriodMovement], out: impl Write) -> Result<()> {
    let mut w = crate::service::CsvOut::new(out);
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
            r.sku.to_string(),
            r.nie.clone().unwrap_or_default(),
            r.name.to_string(),
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
/// audit each with the approving pharmacist — and, for a prescription accepted outside its
/// age limit, the pharmacist's reason. Returns them as the sale's event carries them.
pub(crate) fn record_prescriptions(
    tx: &Transaction,
    sale_id: i64,
    sale_number: &str,
    cart: &Cart,
    at: &str,
    actor: &Actor,
) -> Result<Vec<super::sync::SaleRx>> {
    let mut out = Vec::new();
    for (i, line) in cart.lines.iter().enumerate() {
        let Some(p) = &line.prescription else {
            continue;
        };
        let uuid = super::new_uuid();
        q::insert_prescription(tx, &uuid, sale_id, i as i64 + 1, line, p, at)?;
        out.push(super::sync::SaleRx {
            age_reason: p.age_reason.clone(),
            apoteker: p.apoteker.clone(),
            date: p.rx.date.format("%Y-%m-%d").to_string(),
            dispensed: line.base_qty().normalize(),
            doctor: p.rx.doctor.clone(),
            iter: p.rx.iter,
            line_no: i as i64 + 1,
            number: p.rx.number.clone(),
            patient: p.rx.patient.clone(),
            prescribed: p.rx.prescribed.normalize(),
            sip: p.rx.sip.clone(),
            uuid,
        });
        let audit = |action: &str, detail: &str| {
            super::audit(tx, actor, at, action, detail, Some(&p.apoteker))
        };
        audit(
            "prescription",
            &format!(
                "{sale_number} line {} {} {} rx {} dr {} SIP {} patient {} {} prescribed {} iter {}",
                i + 1,
                line.item.sku,
                line.qty,
                p.rx.number,
                p.rx.doctor,
                p.rx.sip,
                p.rx.patient,
                p.rx.date,
                p.rx.prescribed.normalize(),
                p.rx.iter
            ),
        )?;
        if let Some(reason) = &p.age_reason {
            audit(
                "prescription_age",
                &format!(
                    "{sale_number} line {} rx {} SIP {} dated {}: {reason}",
                    i + 1,
                    p.rx.number,
                    p.rx.sip,
                    p.rx.date
                ),
            )?;
        }
    }
    Ok(out)
}
