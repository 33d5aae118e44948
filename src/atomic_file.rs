//! Files written whole or not at all: the one way kasir writes a file the user asked for
//! (exports, reports, backups).
//!
//! The content goes to a temporary sibling in the same folder, is flushed to the disk
//! (`fsync`), then renamed over the name asked for, and the folder is flushed so the rename
//! itself survives a power cut. A failure on the way removes the temporary file and leaves
//! whatever was under the name before untouched.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::error::{KasirError, Result};

/// The temporary sibling `file` is written through: `NAME.tmp-kasir` in the same folder.
pub fn temporary_sibling(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".tmp-kasir");
    PathBuf::from(name)
}

/// Write `file` through `write`, atomically: the file is either the whole new content or,
/// on any error (from `write` or the disk), what it was before.
pub fn write_atomically<T>(file: &Path, write: impl FnOnce(&mut File) -> Result<T>) -> Result<T> {
    let tmp = temporary_sibling(file);
    let mut out = File::create(&tmp).map_err(|e| KasirError::file(file, e))?;
    let result = write(&mut out).and_then(|v| {
        out.sync_all()?;
        drop(out);
        put_in_place(&tmp, file)?;
        Ok(v)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A finished temporary file (written by someone else, e.g. SQLite's backup) takes the
/// name `file`: flushed, renamed, and the folder flushed.
pub fn put_in_place(tmp: &Path, file: &Path) -> Result<()> {
    File::open(tmp)?.sync_all()?;
    crate::store::crash::stage("after_sync");
    std::fs::rename(tmp, file).map_err(|e| KasirError::file(file, e))?;
    crate::store::crash::stage("after_rename");
    sync_folder_of(file);
    Ok(())
}

/// Flush the folder holding `file`, so a rename into it is on the disk. Where a folder
/// cannot be opened as a file (not on Unix) there is nothing to do.
fn sync_folder_of(file: &Path) {
    let dir = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.csv");
        std::fs::write(&file, "old").unwrap();
        let r: Result<()> = write_atomically(&file, |w| {
            w.write_all(b"half")?;
            Err(KasirError::invalid("gagal", "failed"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "old");
        assert!(!temporary_sibling(&file).exists());
    }

    #[test]
    fn a_finished_write_replaces_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("out.csv");
        std::fs::write(&file, "old").unwrap();
        let n = write_atomically(&file, |w| {
            w.write_all(b"new")?;
            Ok(3)
        })
        .unwrap();
        assert_eq!(n, 3);
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "new");
        assert!(!temporary_sibling(&file).exists());
    }
}
