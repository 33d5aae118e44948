//! The books in the reader's language: the default chart of accounts and the memos kasir
//! writes are stored in Bahasa Indonesia and shown in English on an English screen or
//! report. An account the coop renamed (or added) keeps the name it was given.

use crate::i18n::Lang;

/// The default chart of accounts: (code, name as installed, English name).
pub const DEFAULT_ACCOUNTS: &[(&str, &str, &str)] = &[
    ("1-1101", "Kas Gerai Sembako", "Cash — Grocery"),
    ("1-1102", "Kas Apotek", "Cash — Pharmacy"),
    ("1-1201", "Bank", "Bank"),
    ("1-1301", "Piutang QRIS", "QRIS receivable"),
    (
        "1-1401",
        "Piutang Anggota — Sembako",
        "Members' kasbon — Grocery",
    ),
    (
        "1-1402",
        "Piutang Anggota — Apotek",
        "Members' kasbon — Pharmacy",
    ),
    ("1-1601", "Persediaan Sembako", "Inventory — Grocery"),
    ("1-1602", "Persediaan Apotek", "Inventory — Pharmacy"),
    ("1-1901", "Rekening Antar Unit", "Inter-unit account"),
    ("2-1101", "Utang Dagang", "Accounts payable"),
    ("2-1201", "PPN Keluaran", "Output VAT (PPN)"),
    ("2-1401", "Simpanan Sukarela", "Voluntary savings"),
    ("3-1101", "Simpanan Pokok", "Principal savings"),
    ("3-1102", "Simpanan Wajib", "Mandatory savings"),
    (
        "4-1101",
        "Penjualan Sembako — Anggota",
        "Grocery sales — members",
    ),
    (
        "4-1102",
        "Penjualan Sembako — Non-anggota",
        "Grocery sales — public",
    ),
    (
        "4-1201",
        "Penjualan Apotek — Anggota",
        "Pharmacy sales — members",
    ),
    (
        "4-1202",
        "Penjualan Apotek — Non-anggota",
        "Pharmacy sales — public",
    ),
    ("4-1901", "Retur Penjualan", "Sales returns"),
    (
        "5-1101",
        "HPP Sembako — Anggota",
        "Cost of sales, grocery — members",
    ),
    (
        "5-1102",
        "HPP Sembako — Non-anggota",
        "Cost of sales, grocery — public",
    ),
    (
        "5-1201",
        "HPP Apotek — Anggota",
        "Cost of sales, pharmacy — members",
    ),
    (
        "5-1202",
        "HPP Apotek — Non-anggota",
        "Cost of sales, pharmacy — public",
    ),
    ("5-1901", "Kerugian Persediaan", "Inventory losses"),
    ("6-1101", "Beban Kas Kecil", "Petty cash expenses"),
    ("7-2101", "Selisih Kas", "Cash over/short"),
    ("7-2102", "Selisih Pembulatan", "Rounding differences"),
];

/// An account's name for the reader: the English name of a default account that still
/// has its installed name; any other name as it was written.
pub fn account_name(code: &str, name: &str, lang: Lang) -> String {
    match lang {
        Lang::En => DEFAULT_ACCOUNTS
            .iter()
            .find(|(c, id, _)| *c == code && *id == name)
            .map_or(name, |(_, _, en)| en)
            .to_string(),
        Lang::Id => name.to_string(),
    }
}

/// The memo of a journal (day close) as written, for storing.
pub fn day_close_memo(date: &str, unit: &str) -> String {
    format!("Tutup hari {date} {unit}")
}

/// The memo of an adjusting journal: the entries of `what`, an event that reached the books
/// after day `date` was posted, booked on that day.
pub fn late_memo(date: &str, unit: &str, what: &str) -> String {
    format!("Susulan hari {date} {unit}: {what}")
}

/// What kasir wrote as a memo or note, in the reader's language: "Tutup hari 2026-12-01
/// sembako" → "Day close 2026-12-01 sembako", "Balik J000001: …" → "Reversal of J000001: …",
/// "Stok awal" → "Opening stock". Anything else (a person's own words) stays as written.
pub fn memo(text: &str, lang: Lang) -> String {
    if lang == Lang::Id {
        return text.to_string();
    }
    for (id, en) in [
        ("Tutup hari ", "Day close "),
        ("Balik ", "Reversal of "),
        ("Susulan hari ", "Late entries, day "),
        ("Stok awal", "Opening stock"),
    ] {
        if let Some(rest) = text.strip_prefix(id) {
            return format!("{en}{rest}");
        }
    }
    text.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_names_translate_and_renamed_ones_stay() {
        assert_eq!(
            account_name("7-2101", "Selisih Kas", Lang::En),
            "Cash over/short"
        );
        assert_eq!(
            account_name("7-2101", "Selisih Kas", Lang::Id),
            "Selisih Kas"
        );
        // Renamed by the coop: as written, in both languages.
        assert_eq!(
            account_name("7-2101", "Selisih Kas Toko", Lang::En),
            "Selisih Kas Toko"
        );
        assert_eq!(
            account_name("9-9999", "Dana Sosial", Lang::En),
            "Dana Sosial"
        );
        assert_eq!(
            memo(&day_close_memo("2026-12-01", "sembako"), Lang::En),
            "Day close 2026-12-01 sembako"
        );
        assert_eq!(
            memo("Stok awal (toko contoh)", Lang::En),
            "Opening stock (toko contoh)"
        );
        assert_eq!(
            memo("Balik J000001: salah hitung", Lang::En),
            "Reversal of J000001: salah hitung"
        );
        assert_eq!(
            memo("Tutup hari 2026-12-01 sembako", Lang::Id),
            "Tutup hari 2026-12-01 sembako"
        );
        assert_eq!(memo("beli sapu", Lang::En), "beli sapu");
    }

    #[test]
    fn the_table_matches_the_installed_chart() {
        let sql = include_str!("../store/schema_v10_ledger.sql");
        for (code, id, _) in DEFAULT_ACCOUNTS {
            assert!(sql.contains(&format!("('{code}', '{id}',")), "{code} {id}");
        }
        assert_eq!(
            sql.matches("', 'asset'").count()
                + sql.matches("', 'liability'").count()
                + sql.matches("', 'equity'").count()
                + sql.matches("', 'income'").count()
                + sql.matches("', 'expense'").count(),
            DEFAULT_ACCOUNTS.len()
        );
    }
}
