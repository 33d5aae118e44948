//! Documents kasir prints — sale receipts, X/Z shift reports, goods-received slips, return
//! slips and the printer test page — as a plain-text preview and as ESC/POS bytes, for 58 mm and 80 mm paper.
//!
//! One layout, two outputs: each document is first laid out as a list of printed lines (with
//! bold / double-height style, alignment, separators, feeds and QR codes), already wrapped to the
//! paper's column count; the text renderer and the ESC/POS renderer both walk that list, so the
//! screen preview and the paper show the same lines. [`decode_text`] reads ESC/POS back to text
//! for tests.
//!
//! All caller text is made ASCII-safe ([`ascii_safe`]) before layout: accents are dropped,
//! control characters stripped, so a product name can never carry printer commands.
//!
//! What this crate does NOT do: talk to printers or drawers (`kasir-hardware` does), compute
//! totals, tax or rounding (the caller passes them), translate caller data such as tender names
//! or footers, or read the database.

mod decode;
mod labels;
mod layout;
mod money;
pub mod raw;
mod receipt;
mod render;
mod report;
mod return_slip;
mod slip;
mod test_page;
mod text;

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

pub use decode::{decode_lines, decode_qr, decode_text, PrintedLine};
pub use money::{qty, rupiah, weight};
pub use receipt::{
    receipt_escpos, receipt_text, Receipt, ReceiptLine, ReceiptMember, ReceiptPrescription,
    ReceiptTender, TENDER_CASH, TENDER_KASBON,
};
pub use report::{shift_report_escpos, shift_report_text, ReportRow, ShiftReport, ShiftReportKind};
pub use return_slip::{return_slip_escpos, return_slip_text, ReturnSlip, ReturnSlipLine};
pub use slip::{slip_escpos, slip_text, ReceivingSlip, SlipLine};
pub use test_page::{test_page_escpos, test_page_text};
pub use text::ascii_safe;

/// Paper roll width.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Paper {
    /// 58 mm roll: 32 columns of font A.
    #[default]
    Mm58,
    /// 80 mm roll: 48 columns of font A.
    Mm80,
}

impl Paper {
    /// Characters per line in font A.
    pub fn columns(self) -> usize {
        match self {
            Paper::Mm58 => 32,
            Paper::Mm80 => 48,
        }
    }

    pub fn millimetres(self) -> u32 {
        match self {
            Paper::Mm58 => 58,
            Paper::Mm80 => 80,
        }
    }
}

/// Error for a paper width other than 58 or 80 mm.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown paper width {0:?}: expected 58 or 80 (mm)")]
pub struct ParsePaperError(pub String);

impl FromStr for Paper {
    type Err = ParsePaperError;

    /// Accepts `58`, `80`, `58mm`, `80mm`, `58 mm` (any case, surrounding spaces ignored).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let lower = s.trim().to_ascii_lowercase();
        let number = lower.strip_suffix("mm").unwrap_or(&lower).trim_end();
        match number {
            "58" => Ok(Paper::Mm58),
            "80" => Ok(Paper::Mm80),
            _ => Err(ParsePaperError(s.to_owned())),
        }
    }
}

impl fmt::Display for Paper {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}mm", self.millimetres())
    }
}

/// Language of the words the documents print themselves (labels such as Subtotal / Kembali).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Lang {
    /// Bahasa Indonesia.
    #[default]
    Id,
    /// English.
    En,
}

/// Error for a language other than `id` or `en`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}: expected id or en")]
pub struct ParseLangError(pub String);

impl FromStr for Lang {
    type Err = ParseLangError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" => Ok(Lang::Id),
            "en" => Ok(Lang::En),
            _ => Err(ParseLangError(s.to_owned())),
        }
    }
}

/// How an ESC/POS job starts and ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscposOptions {
    /// Feed and partial cut at the end (default true). Off for printers with only a tear bar.
    pub cut: bool,
    /// Pulse the cash drawer (pin 2) before printing (default false).
    pub drawer_kick: bool,
}

impl Default for EscposOptions {
    fn default() -> Self {
        Self {
            cut: true,
            drawer_kick: false,
        }
    }
}

/// Date and time as printed on every document: `dd/mm/yyyy HH:MM`.
pub(crate) fn date_time(at: NaiveDateTime) -> String {
    at.format("%d/%m/%Y %H:%M").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paper_parses_common_spellings() {
        for s in ["58", "58mm", "58 mm", "58MM", " 58mm "] {
            assert_eq!(s.parse::<Paper>(), Ok(Paper::Mm58), "{s}");
        }
        for s in ["80", "80mm", "80 mm"] {
            assert_eq!(s.parse::<Paper>(), Ok(Paper::Mm80), "{s}");
        }
        for s in ["", "57", "mm", "58mmm", "80cm", "5 8"] {
            assert!(s.parse::<Paper>().is_err(), "{s}");
        }
        assert_eq!(Paper::Mm58.columns(), 32);
        assert_eq!(Paper::Mm80.columns(), 48);
        assert_eq!(Paper::Mm80.to_string(), "80mm");
        assert_eq!(Paper::Mm80.to_string().parse::<Paper>(), Ok(Paper::Mm80));
    }

    #[test]
    fn lang_parses_and_defaults_to_indonesian() {
        assert_eq!("id".parse::<Lang>(), Ok(Lang::Id));
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
        assert_eq!(Lang::default(), Lang::Id);
    }

    #[test]
    fn escpos_options_default_cuts_without_drawer() {
        let o = EscposOptions::default();
        assert!(o.cut);
        assert!(!o.drawer_kick);
    }

    #[test]
    fn date_time_is_day_month_year() {
        let at = chrono::NaiveDate::from_ymd_opt(2025, 3, 7)
            .and_then(|d| d.and_hms_opt(9, 5, 59))
            .expect("valid date");
        assert_eq!(date_time(at), "07/03/2025 09:05");
    }
}
