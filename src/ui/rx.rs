//! The prescription form of a prescription-only line: what the paper says (number, doctor,
//! SIP, patient, date, the prescribed quantity and iter), the approving pharmacist's PIN and,
//! for a prescription past the shop's age limit, the pharmacist's reason.

use super::{err_text, Approval, Dialog, TillApp};
use crate::domain::money::{Quantity, QTY_SCALE};
use crate::domain::user::Role;
use crate::error::KasirError;
use crate::service::pharmacy::RxApproval;

/// The prescription form of an obat keras line.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RxForm {
    /// What was scanned (`code` or `qty*code`).
    pub entry: String,
    pub product: String,
    /// The product's base unit, in which the prescribed quantity is written.
    pub base_unit: String,
    pub number: String,
    pub doctor: String,
    pub sip: String,
    pub patient: String,
    pub date: String,
    /// The prescribed quantity in the base unit ("No. XXX" is 30).
    pub prescribed: String,
    /// Repeats the prescription allows (obat keras), empty for none.
    pub iter: String,
    /// Shown once the prescription turned out to be past its age limit.
    pub needs_reason: bool,
    pub reason: String,
    pub pharmacist: Approval,
}

impl TillApp {
    /// Open the prescription form for what was scanned.
    pub(super) fn open_prescription(&mut self, entry: &str, product: String) {
        let pharmacist = self
            .users
            .iter()
            .position(|u| u.role == Role::Apoteker)
            .unwrap_or(0);
        let code = crate::domain::barcode::parse_entry(entry)
            .map(|e| e.code)
            .unwrap_or_else(|_| entry.to_string());
        self.dialog = Some(Dialog::Prescription(Box::new(RxForm {
            entry: entry.to_string(),
            product,
            base_unit: self.shop.base_unit_of(&code).unwrap_or_default(),
            date: self.shop.now().date().format("%Y-%m-%d").to_string(),
            pharmacist: Approval {
                user: pharmacist,
                ..Default::default()
            },
            ..Default::default()
        })));
    }

    pub(super) fn approve_prescription(&mut self) {
        let lang = self.lang;
        let Some(Dialog::Prescription(rx)) = &mut self.dialog else {
            return;
        };
        let pin = std::mem::take(&mut rx.pharmacist.pin);
        let form = rx.clone();
        let Some(pharmacist) = self
            .users
            .get(form.pharmacist.user)
            .map(|u| u.username.clone())
        else {
            return;
        };
        let result = parse_form(&form).and_then(|rx| {
            let till = self.till.clone();
            let approval = RxApproval {
                apoteker: &pharmacist,
                pin: &pin,
                age_reason: Some(form.reason.as_str()).filter(|_| form.needs_reason),
            };
            self.shop
                .scan_or_prescribe(&till, &mut self.cart, &form.entry, Some((&rx, &approval)))
        });
        match result {
            Ok(i) => {
                self.dialog = None;
                self.added(i);
            }
            Err(e) => {
                if let Some(Dialog::Prescription(rx)) = &mut self.dialog {
                    rx.needs_reason |= matches!(e, KasirError::RxNeedsReason(_));
                    rx.pharmacist.error = Some(err_text(&e, lang));
                }
            }
        }
    }
}

/// The prescription as the form's fields say, or what is wrong with them.
fn parse_form(form: &RxForm) -> crate::error::Result<crate::domain::pharmacy::Prescription> {
    let date = chrono::NaiveDate::parse_from_str(form.date.trim(), "%Y-%m-%d").map_err(|_| {
        KasirError::invalid(
            format!("Tanggal resep \"{}\" tidak sah (TTTT-BB-HH)", form.date),
            format!(
                "Prescription date \"{}\" is not valid (YYYY-MM-DD)",
                form.date
            ),
        )
    })?;
    let prescribed = Quantity::parse(&form.prescribed, QTY_SCALE)
        .ok()
        .filter(|q| *q > rust_decimal::Decimal::ZERO)
        .ok_or_else(|| {
            KasirError::invalid(
                format!(
                    "Jumlah yang diresepkan \"{}\" tidak sah: tulis jumlah {} di resep, mis. 30",
                    form.prescribed, form.base_unit
                ),
                format!(
                    "Prescribed quantity \"{}\" is not valid: write the number of {} on the prescription, e.g. 30",
                    form.prescribed, form.base_unit
                ),
            )
        })?;
    let iter = match form.iter.trim().trim_end_matches(['x', 'X', '×']) {
        "" => 0,
        n => n.trim().parse().map_err(|_| {
            KasirError::invalid(
                format!("Iter \"{}\" tidak sah: kosong, 0, 1, 2, …", form.iter),
                format!("Iter \"{}\" is not valid: empty, 0, 1, 2, …", form.iter),
            )
        })?,
    };
    Ok(crate::domain::pharmacy::Prescription {
        number: form.number.trim().into(),
        doctor: form.doctor.trim().into(),
        sip: form.sip.trim().into(),
        patient: form.patient.trim().into(),
        date,
        prescribed,
        iter,
    })
}
