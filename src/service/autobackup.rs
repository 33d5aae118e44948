//! The daily automatic backup: settings `backup.dir` (where; unset = off) and `backup.keep`
//! (how many daily copies to keep, default 7). The till calls [`Shop::auto_backup_if_due`]
//! at start and after day close; `kasir backup --auto` does the same from cron.

use crate::service::settings::Key;
use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;

use super::Shop;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::settings;

/// Setting: the folder for daily backups.
pub const DIR_KEY: &str = Key::BackupDir.name();
/// Setting: how many daily backups to keep.
pub const KEEP_KEY: &str = Key::BackupKeep.name();
/// Daily backups kept when `backup.keep` is unset.
pub const DEFAULT_KEEP: usize = 7;

/// Where daily backups go and how many stay.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupPolicy {
    pub dir: PathBuf,
    pub keep: usize,
}

/// What one automatic backup run did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AutoBackup {
    /// The copy written now; none when today's copy already existed.
    pub written: Option<PathBuf>,
    /// Older copies removed by the rotation.
    pub removed: Vec<PathBuf>,
    /// Every copy now in the folder, oldest first.
    pub kept: Vec<PathBuf>,
}

impl Shop {
    /// The backup policy from the settings; `None` when daily backups are off.
    pub fn backup_policy(&self) -> Result<Option<BackupPolicy>> {
        let c = self.store.conn();
        let Some(dir) = settings::get(c, DIR_KEY)?.filter(|d| !d.trim().is_empty()) else {
            return Ok(None);
        };
        let keep = settings::get(c, KEEP_KEY)?
            .and_then(|k| k.trim().parse::<usize>().ok())
            .filter(|k| *k > 0)
            .unwrap_or(DEFAULT_KEEP);
        Ok(Some(BackupPolicy {
            dir: PathBuf::from(dir),
            keep,
        }))
    }

    /// Turn daily backups on (a folder) or off (`None`), keeping `keep` copies (admin only;
    /// audited like every setting).
    pub fn set_backup_policy(
        &mut self,
        actor: &Actor,
        dir: Option<&Path>,
        keep: usize,
    ) -> Result<()> {
        super::auth::require(
            actor,
            Permission::ManageUsers,
            crate::domain::user::Act::BackupPolicy,
        )?;
        if keep == 0 || keep > 3650 {
            return Err(KasirError::invalid(
                "Jumlah cadangan yang disimpan harus 1–3650",
                "The number of backups kept must be 1–3650",
            ));
        }
        let dir = dir.map(|d| d.display().to_string()).unwrap_or_default();
        self.set_setting(actor, DIR_KEY, &dir)?;
        self.set_setting(actor, KEEP_KEY, &keep.to_string())
    }

    /// Today's backup if the policy is on and it is not made yet, then rotation.
    pub fn auto_backup_if_due(&self, now: NaiveDateTime) -> Result<AutoBackup> {
        match self.backup_policy()? {
            Some(p) => self.auto_backup_into(&p, now),
            None => Ok(AutoBackup::default()),
        }
    }

    /// One daily copy `<shop>-YYYY-MM-DD.db` in `policy.dir` (see [`Shop::backup`]), and
    /// only the newest `policy.keep` copies kept.
    pub fn auto_backup_into(
        &self,
        policy: &BackupPolicy,
        now: NaiveDateTime,
    ) -> Result<AutoBackup> {
        create_private_dir(&policy.dir)?;
        let stem = self
            .store
            .path()
            .file_stem()
            .and_then(|s| s.to_str())
            .filter(|s| !s.is_empty() && *s != ":memory:")
            .unwrap_or("kasir")
            .to_string();
        let name = format!("{stem}-{}.db", now.format("%Y-%m-%d"));
        let target = policy.dir.join(&name);
        let mut out = AutoBackup::default();
        if !target.exists() {
            self.backup(&target)?;
            out.written = Some(target);
        }
        let mut copies = daily_copies(&policy.dir, &stem)?;
        while copies.len() > policy.keep {
            let old = copies.remove(0);
            std::fs::remove_file(&old)?;
            out.removed.push(old);
        }
        out.kept = copies;
        Ok(out)
    }
}

/// `<stem>-YYYY-MM-DD.db` files in `dir`, oldest first.
fn daily_copies(dir: &Path, stem: &str) -> Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
            continue;
        };
        let date = name
            .strip_prefix(stem)
            .and_then(|r| r.strip_prefix('-'))
            .and_then(|r| r.strip_suffix(".db"));
        if date.is_some_and(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").is_ok()) {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::DirBuilderExt;
    if !dir.is_dir() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)?;
    }
    Ok(())
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::FixedClock;
    use crate::store::{OpenMode, Store};
    use std::sync::Arc;

    fn at(d: u32) -> NaiveDateTime {
        chrono::NaiveDate::from_ymd_opt(2026, 3, d)
            .unwrap()
            .and_hms_opt(21, 0, 0)
            .unwrap()
    }

    #[test]
    fn one_copy_a_day_and_only_the_newest_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let db = tmp.path().join("toko.db");
        let mut shop = Shop::new(
            Store::open(&db, OpenMode::CreateNew).unwrap(),
            Arc::new(FixedClock::new(at(1))),
        );
        assert_eq!(
            shop.auto_backup_if_due(at(1)).unwrap(),
            AutoBackup::default()
        );
        let dir = tmp.path().join("cadangan");
        shop.set_backup_policy(&Actor::back_office(), Some(&dir), 3)
            .unwrap();
        // Something foreign in the folder is never rotated away.
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("catatan.txt"), "jangan dihapus").unwrap();
        for d in 1..=5 {
            let r = shop.auto_backup_if_due(at(d)).unwrap();
            assert_eq!(r.written, Some(dir.join(format!("toko-2026-03-{d:02}.db"))));
            // A second call the same day writes nothing.
            assert_eq!(shop.auto_backup_if_due(at(d)).unwrap().written, None);
        }
        let names: Vec<String> = daily_copies(&dir, "toko")
            .unwrap()
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "toko-2026-03-03.db",
                "toko-2026-03-04.db",
                "toko-2026-03-05.db"
            ]
        );
        assert!(dir.join("catatan.txt").exists());
        let copy = Store::open(&dir.join("toko-2026-03-05.db"), OpenMode::Existing).unwrap();
        copy.integrity_check().unwrap();
        assert!(matches!(
            shop.set_backup_policy(&Actor::back_office(), Some(&dir), 0),
            Err(KasirError::Invalid(_))
        ));
    }
}
