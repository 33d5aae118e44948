//! Pharmacy rules: which counter may sell which drug class, prescriptions, OOT limits, HET.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::catalog::{text_enum, DrugClass};

text_enum! {
    /// What a counter is allowed to be: an `apotek` (a pharmacist on duty) or a `gerai`
    /// obat (no pharmacist: bebas and bebas terbatas only).
    PharmacyMode { Apotek = "apotek", Gerai = "gerai" }
}

/// A doctor's prescription as written on the paper the patient brings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prescription {
    pub number: String,
    pub doctor: String,
    /// The doctor's practice licence (Surat Izin Praktik).
    pub sip: String,
    pub patient: String,
    pub date: NaiveDate,
}

/// A prescription on a cart line, with the pharmacist who approved it (PIN checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovedPrescription {
    pub rx: Prescription,
    pub apoteker_id: i64,
    pub apoteker: String,
}

/// Why a pharmacy rule refused a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PharmacyError {
    /// A gerai obat may sell only bebas and bebas terbatas.
    NotAtGerai(DrugClass),
    /// Keras and above need a prescription and a pharmacist.
    NeedsPrescription(DrugClass),
    /// A prescription field is empty (named).
    RxIncomplete(&'static str),
    /// The prescription is dated after today.
    RxInFuture,
}

impl Prescription {
    /// Parse `no=…;doctor=…;sip=…;patient=…;date=YYYY-MM-DD` (the CLI's `--rx`).
    pub fn parse(s: &str) -> Option<Prescription> {
        let mut f = std::collections::HashMap::new();
        for part in s.split(';').filter(|p| !p.trim().is_empty()) {
            let (k, v) = part.split_once('=')?;
            f.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
        let get = |k: &str| f.get(k).cloned().unwrap_or_default();
        Some(Prescription {
            number: get("no"),
            doctor: get("doctor"),
            sip: get("sip"),
            patient: get("patient"),
            date: NaiveDate::parse_from_str(&get("date"), "%Y-%m-%d").ok()?,
        })
    }

    /// Every field filled in and the date not after `today`.
    pub fn validate(&self, today: NaiveDate) -> Result<(), PharmacyError> {
        for (name, v) in [
            ("no", &self.number),
            ("doctor", &self.doctor),
            ("sip", &self.sip),
            ("patient", &self.patient),
        ] {
            if v.trim().is_empty() {
                return Err(PharmacyError::RxIncomplete(name));
            }
        }
        if self.date > today {
            return Err(PharmacyError::RxInFuture);
        }
        Ok(())
    }
}

/// May a line of `class` be sold at a counter in `mode`, with or without a prescription?
/// Non-drug goods and bebas / bebas terbatas always may.
pub fn may_sell(mode: PharmacyMode, class: DrugClass, has_rx: bool) -> Result<(), PharmacyError> {
    if !class.needs_prescription() {
        return Ok(());
    }
    match mode {
        PharmacyMode::Gerai => Err(PharmacyError::NotAtGerai(class)),
        PharmacyMode::Apotek if !has_rx => Err(PharmacyError::NeedsPrescription(class)),
        PharmacyMode::Apotek => Ok(()),
    }
}

/// Whether a unit price is above the HET (maximum retail price per base unit).
pub fn above_het(unit_price: Decimal, factor: Decimal, het: Option<Decimal>) -> bool {
    het.is_some_and(|h| unit_price > h * factor)
}

/// Drug classes with their own register and the monthly SIPNAP report.
pub fn in_register(class: DrugClass) -> bool {
    matches!(class, DrugClass::Psikotropika | DrugClass::Narkotika)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn gerai_sells_only_bebas_and_apotek_needs_a_prescription() {
        use DrugClass::*;
        for c in [None, Bebas, BebasTerbatas] {
            assert_eq!(may_sell(PharmacyMode::Gerai, c, false), Ok(()));
            assert_eq!(may_sell(PharmacyMode::Apotek, c, false), Ok(()));
        }
        for c in [Keras, Psikotropika, Narkotika, Oot] {
            assert_eq!(
                may_sell(PharmacyMode::Gerai, c, true),
                Err(PharmacyError::NotAtGerai(c))
            );
            assert_eq!(
                may_sell(PharmacyMode::Apotek, c, false),
                Err(PharmacyError::NeedsPrescription(c))
            );
            assert_eq!(may_sell(PharmacyMode::Apotek, c, true), Ok(()));
        }
    }

    #[test]
    fn prescriptions_parse_and_validate() {
        let rx = Prescription::parse(
            "no=R-17;doctor=dr. Sari;sip=SIP 503/12/2025;patient=Pak Joko;date=2026-03-01",
        )
        .unwrap();
        assert_eq!(rx.doctor, "dr. Sari");
        let day = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(rx.validate(day("2026-03-02")), Ok(()));
        assert_eq!(
            rx.validate(day("2026-02-28")),
            Err(PharmacyError::RxInFuture)
        );
        let no_sip = Prescription {
            sip: " ".into(),
            ..rx
        };
        assert_eq!(
            no_sip.validate(day("2026-03-02")),
            Err(PharmacyError::RxIncomplete("sip"))
        );
        assert!(Prescription::parse("no=1;date=kemarin").is_none());
    }

    #[test]
    fn het_is_per_base_unit() {
        assert!(!above_het(dec!(6500), dec!(10), Some(dec!(800))));
        assert!(above_het(dec!(8500), dec!(10), Some(dec!(800))));
        assert!(!above_het(dec!(99999), dec!(1), None));
    }
}
