//! The translation table: every user-visible string, in Bahasa Indonesia and English.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

/// Language of the user interface and messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    /// Bahasa Indonesia (default).
    #[default]
    Id,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().as_str() {
            "id" | "in" | "ind" | "indonesia" => Some(Lang::Id),
            "en" | "eng" | "english" => Some(Lang::En),
            _ => None,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Lang::Id => "id",
            Lang::En => "en",
        }
    }
    /// Pick the text for this language.
    pub fn pick<'a>(self, id: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Id => id,
            Lang::En => en,
        }
    }
    /// The receipts crate's language.
    pub fn receipts(self) -> kasir_receipts::Lang {
        match self {
            Lang::Id => kasir_receipts::Lang::Id,
            Lang::En => kasir_receipts::Lang::En,
        }
    }
}

/// A message already written in both languages (import row errors and the like).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bilingual {
    pub id: String,
    pub en: String,
}

impl std::fmt::Display for Bilingual {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.en)
    }
}

impl Bilingual {
    pub fn new(id: impl Into<String>, en: impl Into<String>) -> Self {
        Bilingual {
            id: id.into(),
            en: en.into(),
        }
    }
    pub fn get(&self, lang: Lang) -> &str {
        lang.pick(&self.id, &self.en)
    }
}

/// (key, Bahasa Indonesia, English)
const TABLE: &[(&str, &str, &str)] = &[
    ("app.title", "Kasir Koperasi", "Co-op Till"),
    ("login.title", "Masuk", "Log in"),
    ("login.user", "Pengguna", "User"),
    ("login.pin", "PIN", "PIN"),
    ("login.enter", "Masuk", "Log in"),
    (
        "login.choose_user",
        "Pilih pengguna lalu ketik PIN",
        "Choose a user, then type the PIN",
    ),
    ("till.scan", "Scan / ketik kode", "Scan / type code"),
    (
        "till.scan_hint",
        "Scan barcode atau ketik kode lalu Enter (qty*kode)",
        "Scan a barcode or type a code and Enter (qty*code)",
    ),
    ("till.item", "Barang", "Item"),
    ("till.unit", "Satuan", "Unit"),
    ("till.qty", "Jumlah", "Qty"),
    ("till.price", "Harga", "Price"),
    ("till.subtotal", "Subtotal", "Subtotal"),
    ("till.total", "TOTAL", "TOTAL"),
    (
        "till.empty",
        "Keranjang kosong — scan barang untuk mulai",
        "Cart is empty — scan an item to start",
    ),
    ("till.pay", "Bayar (F12)", "Pay (F12)"),
    ("till.logout", "Keluar", "Log out"),
    ("till.remove", "Hapus", "Remove"),
    ("till.member", "Anggota", "Member"),
    (
        "till.no_member",
        "Umum (bukan anggota)",
        "Public (non-member)",
    ),
    ("till.change", "Kembali", "Change"),
    ("till.last_sale", "Transaksi terakhir", "Last sale"),
    ("till.lines", "baris", "lines"),
    ("till.user", "Kasir", "Cashier"),
    ("till.counter", "Konter", "Counter"),
    ("till.printer", "Printer", "Printer"),
    ("till.language", "English", "Bahasa Indonesia"),
    ("pay.title", "Pembayaran", "Payment"),
    ("pay.cash", "Tunai", "Cash"),
    ("pay.qris", "QRIS", "QRIS"),
    ("pay.transfer", "Transfer", "Transfer"),
    ("pay.kasbon", "Kasbon", "Store credit"),
    ("pay.received", "Uang diterima", "Cash received"),
    ("pay.confirm", "Selesai (Enter)", "Done (Enter)"),
    ("pay.cancel", "Batal (Esc)", "Cancel (Esc)"),
    ("pay.exact", "Uang pas", "Exact"),
    ("pay.rounding", "Pembulatan", "Rounding"),
    ("pay.payable", "Dibayar", "To pay"),
    ("pay.done", "Transaksi tersimpan", "Sale saved"),
    (
        "receipt.thanks",
        "Terima kasih atas kunjungan Anda",
        "Thank you for shopping with us",
    ),
    (
        "receipt.member_coop",
        "Belanja anggota menambah SHU Anda",
        "Member purchases count towards your SHU",
    ),
    ("printer.ready", "Printer siap", "Printer ready"),
    (
        "printer.paper_near_end",
        "Kertas hampir habis",
        "Paper nearly finished",
    ),
    ("printer.paper_out", "Kertas habis", "Out of paper"),
    ("printer.cover_open", "Penutup terbuka", "Cover open"),
    ("printer.offline", "Printer offline", "Printer offline"),
    ("printer.error", "Printer bermasalah", "Printer error"),
    (
        "printer.unknown",
        "Status printer tidak terbaca",
        "Printer status unknown",
    ),
    ("printer.waiting", "struk menunggu", "waiting to print"),
    ("report.float", "Modal awal", "Opening float"),
    ("report.gross", "Penjualan kotor", "Gross sales"),
    ("report.discount", "Diskon", "Discounts"),
    ("report.net", "Total penjualan", "Net sales"),
    ("report.cash_expected", "Kas seharusnya", "Cash expected"),
];

fn table() -> &'static HashMap<&'static str, (&'static str, &'static str)> {
    static MAP: OnceLock<HashMap<&'static str, (&'static str, &'static str)>> = OnceLock::new();
    MAP.get_or_init(|| TABLE.iter().map(|(k, id, en)| (*k, (*id, *en))).collect())
}

/// Look up a UI string. An unknown key is returned as is, so a missing entry shows up on
/// screen instead of crashing (and a test checks the table is complete for the UI's keys).
pub fn t(lang: Lang, key: &'static str) -> &'static str {
    match table().get(key) {
        Some((id, en)) => lang.pick(id, en),
        None => key,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_has_no_duplicate_keys_and_no_empty_texts() {
        assert_eq!(table().len(), TABLE.len(), "duplicate key in TABLE");
        for (k, id, en) in TABLE {
            assert!(!id.is_empty() && !en.is_empty(), "{k} has an empty text");
        }
        assert_eq!(t(Lang::Id, "pay.cash"), "Tunai");
        assert_eq!(t(Lang::En, "pay.cash"), "Cash");
    }
}
