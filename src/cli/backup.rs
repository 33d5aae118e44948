//! `kasir backup FILE` (online backup) and `kasir backup --auto` (the daily copy with
//! rotation; `--dir`/`--keep` also save the policy as the `backup.*` settings).

use std::path::{Path, PathBuf};

use serde_json::json;

use super::open;
use super::output::{done, to_json, AutoBackupOut};
use crate::domain::user::Actor;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::autobackup::DEFAULT_KEEP;

#[derive(clap::Args, Debug)]
pub struct BackupArgs {
    /// The copy to write (must not exist).
    #[arg(required_unless_present = "auto", conflicts_with = "auto")]
    pub file: Option<PathBuf>,
    /// Today's automatic copy if not made yet, then keep only the newest ones.
    #[arg(long)]
    pub auto: bool,
    /// Folder for the daily copies (saved as setting backup.dir).
    #[arg(long, requires = "auto", value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// How many daily copies to keep (saved as setting backup.keep; default 7).
    #[arg(long, requires = "auto", value_name = "N")]
    pub keep: Option<usize>,
}

pub(super) fn run_backup(db: &Path, json: bool, lang: Lang, args: BackupArgs) -> Result<()> {
    let mut shop = open(db)?;
    if let Some(file) = args.file {
        shop.backup(&file)?;
        done(
            json,
            lang,
            json!({"backup": file}),
            &format!(
                "{} {}",
                lang.pick("Cadangan dibuat:", "Backup written:"),
                file.display()
            ),
        );
        return Ok(());
    }
    if args.dir.is_some() || args.keep.is_some() {
        let current = shop.backup_policy()?;
        let dir = args
            .dir
            .clone()
            .or_else(|| current.as_ref().map(|p| p.dir.clone()));
        let keep = args
            .keep
            .or(current.map(|p| p.keep))
            .unwrap_or(DEFAULT_KEEP);
        shop.set_backup_policy(&Actor::back_office(), dir.as_deref(), keep)?;
    }
    let Some(policy) = shop.backup_policy()? else {
        return Err(KasirError::invalid(
            "Cadangan otomatis belum diatur: jalankan `kasir backup --auto --dir FOLDER [--keep 7]`",
            "Automatic backups are not set up: run `kasir backup --auto --dir FOLDER [--keep 7]`",
        ));
    };
    let r = shop.auto_backup_into(&policy, shop.now())?;
    let text = match &r.written {
        Some(f) => format!(
            "{} {} ({} {})",
            lang.pick("Cadangan harian dibuat:", "Daily backup written:"),
            f.display(),
            crate::i18n::count(lang, r.kept.len(), "cadangan", "backups"),
            lang.pick("disimpan", "kept")
        ),
        None => format!(
            "{} ({} {})",
            lang.pick(
                "Cadangan hari ini sudah ada",
                "Today's backup already exists"
            ),
            crate::i18n::count(lang, r.kept.len(), "cadangan", "backups"),
            lang.pick("disimpan", "kept")
        ),
    };
    done(json, lang, to_json(&AutoBackupOut::from(&r)), &text);
    Ok(())
}

/// The day is closed: make today's automatic backup if the policy is on. A failed backup
/// does not undo the close; it is said on stderr.
pub(super) fn after_day_close(shop: &crate::service::Shop, lang: Lang) {
    match shop.auto_backup_if_due(shop.now()) {
        Ok(r) => {
            if let Some(f) = r.written {
                eprintln!(
                    "{} {}",
                    lang.pick("Cadangan harian dibuat:", "Daily backup written:"),
                    f.display()
                );
            }
        }
        Err(e) => eprintln!(
            "kasir: {} {}",
            lang.pick("cadangan harian gagal:", "daily backup failed:"),
            e.message(lang)
        ),
    }
}
