//! Backup and integrity checks.

use std::path::Path;

use super::Shop;
use crate::error::{KasirError, Result};
use crate::i18n::Bilingual;
use crate::store::{audit, stock};

/// What `check` found.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckReport {
    pub integrity: bool,
    pub audit_chain: bool,
    pub stock_matches_moves: bool,
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
        let result = (|| -> Result<()> {
            {
                let mut dst = rusqlite::Connection::open(&partial)?;
                {
                    let b = rusqlite::backup::Backup::new(self.store.conn(), &mut dst)?;
                    b.run_to_completion(256, std::time::Duration::from_millis(5), None)?;
                }
                // The copy must open as a whole shop, or it is no backup.
                let ok: String = dst.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
                if ok != "ok" {
                    return Err(KasirError::DbCorrupt(ok));
                }
            }
            std::fs::File::open(&partial)?.sync_all()?;
            std::fs::rename(&partial, file)?;
            Ok(())
        })();
        if result.is_err() {
            let _ = std::fs::remove_file(&partial);
        }
        result
    }

    /// SQLite integrity, the audit chain, stock = Σ moves, and settings as kasir wrote them.
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
        let mismatches = stock::mismatches(self.store.conn())?;
        for (sku, cached, sum) in &mismatches {
            problems.push(Bilingual::new(
                format!("Stok {sku}: tercatat {cached}, jumlah mutasi {sum}"),
                format!("Stock {sku}: recorded {cached}, sum of moves {sum}"),
            ));
        }
        let settings = self.settings_problems()?;
        let settings_intact = settings.is_empty();
        problems.extend(settings);
        Ok(CheckReport {
            integrity,
            audit_chain: broken.is_none(),
            stock_matches_moves: mismatches.is_empty(),
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
