//! Backup and integrity checks.

use std::path::Path;

use super::Shop;
use crate::domain::money::format_rupiah;
use crate::error::{KasirError, Result};
use crate::i18n::Bilingual;
use crate::store::{audit, stock};

/// What `check` found.
#[derive(Debug, Clone)]
pub struct CheckReport {
    pub integrity: bool,
    pub audit_chain: bool,
    pub stock_matches_moves: bool,
    /// Each product's stock value (carried by its newest move) = Σ value of its moves.
    pub stock_value_matches_moves: bool,
    /// Each member's kasbon balance = Σ kasbon tendered − refunded − repaid.
    pub kasbon_matches_entries: bool,
    /// Persediaan per unit in the books = the stock value per unit as of the last posted
    /// day; `None` until the opening balances are posted.
    pub books_match_stock: Option<bool>,
    pub books_against_stock: Vec<super::opening::BooksAgainstStock>,
    /// Every setting is as kasir last wrote it, and valid.
    pub settings_intact: bool,
    pub problems: Vec<Bilingual>,
}

impl Shop {
    /// Copy the live database to `file` with SQLite's online backup (the till may keep
    /// selling meanwhile). The copy is owner-only from its first byte, is written as
    /// `FILE.partial`, checked, synced and only then renamed to `file`: a backup killed
    /// half-way never leaves a half copy under the name the user asked for.
    pub fn backup(&self, file: &Path) -> Result<()> {
        if file.exists() {
            return Err(KasirError::DbExists(file.display().to_string()));
        }
        let mut partial = file.as_os_str().to_owned();
        partial.push(".partial");
        let partial = std::path::PathBuf::from(partial);
        let _ = std::fs::remove_file(&partial);
        private_file(&partial)?;
        let _crash = crate::store::crash::use_case("backup");
        let result = (|| -> Result<()> {
            self.store.copy_to(&partial)?;
            // The sync and the rename raise `backup.after_sync` / `backup.after_rename`.
            crate::atomic_file::put_in_place(&partial, file)
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    }

    /// SQLite integrity, the audit chain, stock and its value = Σ moves, each member's
    /// kasbon = Σ its entries, settings as kasir wrote them, and
    /// (once the opening balances are posted) Persediaan per unit in the books = the stock
    /// value per unit.
    pub fn check(&self) -> Result<CheckReport> {
        let mut problems = Vec::new();
        let integrity = match self.store.integrity_check() {
            Ok(()) => true,
            Err(e) => {
                problems.push(Bilingual::new(
                    e.message(crate::i18n::Lang::Id),
                    e.message(crate::i18n::Lang::En),
                ));
                false
            }
        };
        let broken = audit::verify(self.store.conn())?;
        if let Some(id) = broken {
            problems.push(Bilingual::new(
                format!("Jejak audit rusak mulai baris {id}: ada catatan yang diubah atau dihapus"),
                format!("Audit chain broken at row {id}: an entry was edited or deleted"),
            ));
        }
        let (mismatches, value_mismatches) = stock::balances_against_moves(self.store.conn())?;
        for (sku, cached, sum) in &mismatches {
            problems.push(Bilingual::new(
                format!("Stok {sku}: tercatat {cached}, jumlah mutasi {sum}"),
                format!("Stock {sku}: recorded {cached}, sum of moves {sum}"),
            ));
        }
        for (sku, recorded, sum) in &value_mismatches {
            let (recorded, sum) = (format_rupiah(*recorded), format_rupiah(*sum));
            problems.push(Bilingual::new(
                format!("Nilai stok {sku}: tercatat {recorded}, jumlah nilai mutasi {sum}"),
                format!("Stock value {sku}: recorded {recorded}, sum of move values {sum}"),
            ));
        }
        let kasbon = crate::store::members::kasbon_mismatches(self.store.conn())?;
        for (number, stored, sum) in &kasbon {
            let (stored, sum) = (format_rupiah(*stored), format_rupiah(*sum));
            problems.push(Bilingual::new(
                format!("Kasbon anggota {number}: tercatat {stored}, jumlah kasbon, retur dan pelunasan {sum}"),
                format!("Kasbon of member {number}: recorded {stored}, sum of kasbon, returns and repayments {sum}"),
            ));
        }
        let books = self.books_against_stock()?;
        for b in books.iter().flatten().filter(|b| !b.matches()) {
            let (as_of_id, as_of_en) = match &b.as_of {
                Some(d) => (format!("per akhir {d}"), format!("as of the end of {d}")),
                None => (
                    "per saldo awal".to_string(),
                    "as of the opening".to_string(),
                ),
            };
            let diff = format_rupiah((b.books - b.stock).abs());
            let (books, stock) = (format_rupiah(b.books), format_rupiah(b.stock));
            problems.push(Bilingual::new(
                format!(
                    "Persediaan {} di buku {books}, nilai stok {as_of_id} {stock}: selisih {diff}",
                    b.business_unit
                ),
                format!(
                    "Persediaan {} in the books {books}, stock value {as_of_en} {stock}: difference {diff}",
                    b.business_unit
                ),
            ));
        }
        let settings = self.settings_problems()?;
        let settings_intact = settings.is_empty();
        problems.extend(settings);
        Ok(CheckReport {
            integrity,
            audit_chain: broken.is_none(),
            stock_matches_moves: mismatches.is_empty(),
            stock_value_matches_moves: value_mismatches.is_empty(),
            kasbon_matches_entries: kasbon.is_empty(),
            books_match_stock: books.as_ref().map(|v| v.iter().all(|b| b.matches())),
            books_against_stock: books.unwrap_or_default(),
            settings_intact,
            problems,
        })
    }
}

#[cfg(unix)]
fn private_file(path: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    Ok(())
}

#[cfg(not(unix))]
fn private_file(path: &Path) -> Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    Ok(())
}
