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

/// A doctor's prescription as written on the paper the patient brings, for one drug on it.
///
/// A prescription is known by its number and the prescriber's SIP ([`rx_key`]): two doctors
/// may both write "R-003", one doctor never twice. What it may dispense of a drug in total is
/// [`dispensable`]: the prescribed quantity, times (1 + iter) for obat keras and OOT; a
/// psikotropika or narkotika prescription is never repeated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prescription {
    pub number: String,
    pub doctor: String,
    /// The doctor's practice licence (Surat Izin Praktik).
    pub sip: String,
    pub patient: String,
    pub date: NaiveDate,
    /// How much of the drug the doctor prescribed, in its base unit (tablets, capsules,
    /// bottles): "R/ Diazepam 2 mg No. XXX" is 30.
    #[serde(default)]
    pub prescribed: Decimal,
    /// How many repeats the doctor allows after the first fill ("iter 2x" is 2).
    #[serde(default)]
    pub iter: u32,
}

/// A prescription on a cart line, with the pharmacist who approved it (PIN checked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApprovedPrescription {
    pub rx: Prescription,
    pub apoteker_id: i64,
    pub apoteker: String,
    /// Why the pharmacist accepted a prescription older than the shop's limit for its drug
    /// class (or dated in the future); `None` when it is within the limit.
    #[serde(default)]
    pub age_reason: Option<String>,
}

/// The most repeats a prescription may allow (a year of monthly fills).
pub const MAX_ITER: u32 = 12;

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
    /// The prescription is older than the shop's limit for the drug's class.
    RxTooOld { age_days: i64, max_days: i64 },
    /// A psikotropika or narkotika prescription with an iter: never repeated.
    IterNotAllowed(DrugClass),
    /// More repeats than [`MAX_ITER`].
    IterTooMany(u32),
    /// The shop recorded this prescription earlier with another quantity or iter.
    RxDiffers {
        recorded: Decimal,
        recorded_iter: u32,
    },
    /// The prescription would dispense more than it allows in total.
    RxUsedUp {
        /// What it may dispense in total.
        total: Decimal,
        /// What earlier sales (and the cart's other lines) took.
        taken: Decimal,
        /// What this line asks.
        asked: Decimal,
    },
}

/// A prescription's identity: number and prescriber's SIP, letters and digits only, in
/// capitals — "rx-003", "RX 003" and "RX003" from "SIP 503/12" are the same paper, so a
/// prescription cannot be used again by typing its number another way.
pub fn rx_key(number: &str, sip: &str) -> String {
    let norm = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
            .to_ascii_uppercase()
    };
    format!("{}|{}", norm(number), norm(sip))
}

/// Whether a class's prescriptions are dispensed once and never repeated.
pub fn never_repeated(class: DrugClass) -> bool {
    matches!(class, DrugClass::Psikotropika | DrugClass::Narkotika)
}

/// What a prescription may dispense of its drug in total, over every sale and till:
/// psikotropika and narkotika exactly what is prescribed; other classes the prescribed
/// quantity once and again for each iter.
pub fn dispensable(class: DrugClass, prescribed: Decimal, iter: u32) -> Decimal {
    if never_repeated(class) {
        prescribed
    } else {
        prescribed * Decimal::from(iter + 1)
    }
}

/// What the shop has recorded of one prescription for one drug.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RxHistory {
    /// The prescribed quantity and iter as first recorded (`None`: never recorded with them).
    pub recorded: Option<(Decimal, u32)>,
    /// What earlier sales dispensed on it, in base units.
    pub dispensed: Decimal,
}

/// One dispensing against its prescription: this sale's quantity, what the prescription has
/// given up to and with it, and what it may give in total (base units).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Dispensing {
    pub this: Decimal,
    pub to_date: Decimal,
    pub total: Decimal,
}

impl Dispensing {
    /// What the prescription may still dispense after this.
    pub fn remaining(&self) -> Decimal {
        (self.total - self.to_date).max(Decimal::ZERO)
    }
    /// A dispensing of less than the whole prescription.
    pub fn is_partial(&self) -> bool {
        self.this < self.total
    }
}

impl Prescription {
    /// Parse `no=…;doctor=…;sip=…;patient=…;date=YYYY-MM-DD;qty=30[;iter=2]` (the CLI's
    /// `--rx`); `qty` is the prescribed quantity in the drug's base unit.
    pub fn parse(s: &str) -> Option<Prescription> {
        let mut f = std::collections::HashMap::new();
        for part in s.split(';').filter(|p| !p.trim().is_empty()) {
            let (k, v) = part.split_once('=')?;
            f.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
        let get = |k: &str| f.get(k).cloned().unwrap_or_default();
        let prescribed = match f.get("qty") {
            Some(q) => super::money::Quantity::parse(q, super::money::QTY_SCALE).ok()?,
            None => Decimal::ZERO,
        };
        let iter = match f.get("iter") {
            Some(n) => n.trim_end_matches(['x', 'X', '\u{d7}']).parse().ok()?,
            None => 0,
        };
        Some(Prescription {
            number: get("no"),
            doctor: get("doctor"),
            sip: get("sip"),
            patient: get("patient"),
            date: NaiveDate::parse_from_str(&get("date"), "%Y-%m-%d").ok()?,
            prescribed,
            iter,
        })
    }

    /// This prescription's identity ([`rx_key`]).
    pub fn key(&self) -> String {
        rx_key(&self.number, &self.sip)
    }

    /// Every field filled in, a prescribed quantity above 0, and an iter only where the
    /// drug's class allows one.
    pub fn validate(&self, class: DrugClass) -> Result<(), PharmacyError> {
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
        if self.prescribed <= Decimal::ZERO {
            return Err(PharmacyError::RxIncomplete("qty"));
        }
        if self.iter > 0 && never_repeated(class) {
            return Err(PharmacyError::IterNotAllowed(class));
        }
        if self.iter > MAX_ITER {
            return Err(PharmacyError::IterTooMany(self.iter));
        }
        Ok(())
    }

    /// Whether the prescription may still be filled on `today` without the pharmacist's
    /// reason: not dated in the future, and no older than `max_days` for each fill it
    /// allows (an iter 2x prescription of a keras drug runs three times the limit, so a
    /// monthly repeat is not refused for its age).
    pub fn check_age(&self, today: NaiveDate, max_days: i64) -> Result<(), PharmacyError> {
        let age_days = (today - self.date).num_days();
        if age_days < 0 {
            return Err(PharmacyError::RxInFuture);
        }
        let max_days = max_days * i64::from(self.iter + 1);
        if age_days > max_days {
            return Err(PharmacyError::RxTooOld { age_days, max_days });
        }
        Ok(())
    }

    /// May this line, of `asked` base units, be dispensed on the prescription, given what
    /// the shop recorded of it? Refuses a prescription that disagrees with the first record
    /// of it, and anything beyond [`dispensable`].
    pub fn check_dispense(
        &self,
        class: DrugClass,
        history: RxHistory,
        asked: Decimal,
    ) -> Result<Dispensing, PharmacyError> {
        if let Some((recorded, recorded_iter)) = history.recorded {
            if (recorded, recorded_iter) != (self.prescribed, self.iter) {
                return Err(PharmacyError::RxDiffers {
                    recorded,
                    recorded_iter,
                });
            }
        }
        let total = dispensable(class, self.prescribed, self.iter);
        if history.dispensed + asked > total {
            return Err(PharmacyError::RxUsedUp {
                total,
                taken: history.dispensed,
                asked,
            });
        }
        Ok(Dispensing {
            this: asked,
            to_date: history.dispensed + asked,
            total,
        })
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

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn prescriptions_parse_and_validate() {
        let rx = Prescription::parse(
            "no=R-17;doctor=dr. Sari;sip=SIP 503/12/2025;patient=Pak Joko;date=2026-03-01;qty=30;iter=2x",
        )
        .unwrap();
        assert_eq!(rx.doctor, "dr. Sari");
        assert_eq!((rx.prescribed, rx.iter), (dec!(30), 2));
        assert_eq!(rx.validate(DrugClass::Keras), Ok(()));
        assert_eq!(
            rx.validate(DrugClass::Psikotropika),
            Err(PharmacyError::IterNotAllowed(DrugClass::Psikotropika))
        );
        let no_sip = Prescription {
            sip: " ".into(),
            ..rx.clone()
        };
        assert_eq!(
            no_sip.validate(DrugClass::Keras),
            Err(PharmacyError::RxIncomplete("sip"))
        );
        let no_qty = Prescription {
            prescribed: Decimal::ZERO,
            ..rx.clone()
        };
        assert_eq!(
            no_qty.validate(DrugClass::Keras),
            Err(PharmacyError::RxIncomplete("qty"))
        );
        let many = Prescription { iter: 13, ..rx };
        assert_eq!(
            many.validate(DrugClass::Keras),
            Err(PharmacyError::IterTooMany(13))
        );
        assert!(Prescription::parse("no=1;date=kemarin").is_none());
        assert!(Prescription::parse("no=1;date=2026-03-01;qty=tiga").is_none());
        assert!(Prescription::parse("no=1;date=2026-03-01;qty=3;iter=-1").is_none());
    }

    #[test]
    fn one_paper_is_one_prescription_however_it_is_typed() {
        assert_eq!(
            rx_key("rx-003", "SIP 503/12"),
            rx_key(" RX 003", "sip503/12 ")
        );
        assert_eq!(
            rx_key("RX.003", "SIP. 503/12"),
            rx_key("rx003", "SIP-503-12")
        );
        assert_ne!(
            rx_key("RX-003", "SIP 503/12"),
            rx_key("RX-003", "SIP 503/13")
        );
        assert_ne!(
            rx_key("RX-003", "SIP 503/12"),
            rx_key("RX-004", "SIP 503/12")
        );
    }

    #[test]
    fn an_old_or_future_prescription_is_out_of_age_and_iter_stretches_the_limit() {
        let rx =
            Prescription::parse("no=R;doctor=d;sip=s;patient=p;date=2026-03-01;qty=30").unwrap();
        assert_eq!(rx.check_age(day("2026-03-04"), 3), Ok(()));
        assert_eq!(
            rx.check_age(day("2026-03-05"), 3),
            Err(PharmacyError::RxTooOld {
                age_days: 4,
                max_days: 3
            })
        );
        assert_eq!(
            rx.check_age(day("2026-02-28"), 3),
            Err(PharmacyError::RxInFuture)
        );
        let iter2 = Prescription { iter: 2, ..rx };
        assert_eq!(iter2.check_age(day("2026-05-29"), 30), Ok(()));
        assert!(iter2.check_age(day("2026-05-31"), 30).is_err());
    }

    #[test]
    fn a_prescription_dispenses_at_most_what_it_allows_in_total() {
        let rx =
            Prescription::parse("no=R;doctor=d;sip=s;patient=p;date=2026-03-01;qty=30").unwrap();
        let psi = DrugClass::Psikotropika;
        let first = rx
            .check_dispense(psi, RxHistory::default(), dec!(10))
            .unwrap();
        assert!(first.is_partial());
        assert_eq!(first.remaining(), dec!(20));
        let seen = RxHistory {
            recorded: Some((dec!(30), 0)),
            dispensed: dec!(20),
        };
        let last = rx.check_dispense(psi, seen, dec!(10)).unwrap();
        assert_eq!((last.to_date, last.remaining()), (dec!(30), dec!(0)));
        let used = RxHistory {
            dispensed: dec!(30),
            ..seen
        };
        assert_eq!(
            rx.check_dispense(psi, used, dec!(1)),
            Err(PharmacyError::RxUsedUp {
                total: dec!(30),
                taken: dec!(30),
                asked: dec!(1)
            })
        );
        // Another quantity on the same paper is not the same prescription.
        let more = Prescription {
            prescribed: dec!(60),
            ..rx.clone()
        };
        assert_eq!(
            more.check_dispense(psi, seen, dec!(1)),
            Err(PharmacyError::RxDiffers {
                recorded: dec!(30),
                recorded_iter: 0
            })
        );
        // Obat keras with iter 2x: three fills.
        let keras = Prescription { iter: 2, ..rx };
        assert_eq!(dispensable(DrugClass::Keras, dec!(30), 2), dec!(90));
        assert_eq!(dispensable(psi, dec!(30), 2), dec!(30));
        let third = RxHistory {
            recorded: Some((dec!(30), 2)),
            dispensed: dec!(60),
        };
        assert!(keras
            .check_dispense(DrugClass::Keras, third, dec!(30))
            .is_ok());
        let fourth = RxHistory {
            dispensed: dec!(90),
            ..third
        };
        assert!(keras
            .check_dispense(DrugClass::Keras, fourth, dec!(30))
            .is_err());
    }

    #[test]
    fn het_is_per_base_unit() {
        assert!(!above_het(dec!(6500), dec!(10), Some(dec!(800))));
        assert!(above_het(dec!(8500), dec!(10), Some(dec!(800))));
        assert!(!above_het(dec!(99999), dec!(1), None));
    }
}
