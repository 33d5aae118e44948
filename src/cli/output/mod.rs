//! What the command line prints: text for people, and with `--json` one JSON document.

use std::path::Path;

use rust_decimal::Decimal;
use serde_json::json;

use crate::domain::money::format_rupiah;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;

pub(super) fn print_json(v: serde_json::Value) {
    println!("{v}");
}

pub(super) fn rp(d: Decimal) -> String {
    format_rupiah(d)
}

pub(super) fn done(json: bool, _lang: Lang, value: serde_json::Value, text: &str) {
    if json {
        print_json(value);
    } else {
        println!("{text}");
    }
}

/// Read an import file and say how many records came in (the service imports all or none).
pub(super) fn import(
    json: bool,
    lang: Lang,
    file: &Path,
    (what_id, what_en): (&str, &str),
    f: impl FnOnce(std::io::BufReader<std::fs::File>) -> Result<usize>,
) -> Result<()> {
    let n = f(std::io::BufReader::new(open_input(file)?))?;
    done(
        json,
        lang,
        json!({"imported": n}),
        &crate::i18n::count(lang, n, what_id, what_en),
    );
    Ok(())
}

/// A file the user named, or a refusal that names it.
pub(super) fn open_input(file: &Path) -> Result<std::fs::File> {
    let p = file.display();
    let refuse = |id: String, en: String| Err(KasirError::invalid(id, en));
    if file.is_dir() {
        return refuse(
            format!("{p} adalah folder, bukan file"),
            format!("{p} is a folder, not a file"),
        );
    }
    std::fs::File::open(file).map_err(|e| KasirError::file(file, e))
}

/// Write an export through [`write_atomically`] and say how many records went where.
pub(super) fn export(
    json: bool,
    lang: Lang,
    file: &Path,
    (key, what_id, what_en): (&str, &str, &str),
    f: impl FnOnce(&mut std::fs::File) -> Result<usize>,
) -> Result<()> {
    let n = write_atomically(file, f)?;
    done(
        json,
        lang,
        json!({ key: n, "file": file }),
        &format!(
            "{} → {}",
            crate::i18n::count(lang, n, what_id, what_en),
            file.display()
        ),
    );
    Ok(())
}

pub(super) use crate::atomic_file::write_atomically;

mod back_office;
mod books;
mod district;
mod district_report;
mod exceptions;
mod sales;
mod sync;

pub(super) use back_office::*;
pub(super) use books::*;
pub(super) use district::*;
pub(super) use district_report::*;
pub(super) use exceptions::*;
pub(super) use sales::*;
pub(super) use sync::*;
