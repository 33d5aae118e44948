//! `kasir init`, `kasir demo`, `kasir check` and the catalog's import and export.

use std::path::Path;

use serde_json::json;

use super::args::CatalogCmd;
use super::output::{done, export, import, print_json, to_json, CheckOut, GeneratedOut};
use super::{create_with, open, progress_bar};
use crate::domain::user::Actor;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::demo;

pub(super) fn run_init(
    name: String,
    admin_pin: String,
    db: &Path,
    lang: Lang,
    json: bool,
) -> Result<()> {
    let shop = create_with(db, |s| {
        demo::init_settings(s, &name)?;
        s.add_user_here(
            &Actor::back_office(),
            "admin",
            "Admin",
            crate::domain::user::Role::Admin,
            &admin_pin,
        )?;
        Ok(())
    })?;
    done(
        json,
        lang,
        json!({"created": shop.path()}),
        &format!(
            "{} {}",
            lang.pick("Toko baru dibuat:", "New shop created:"),
            db.display()
        ),
    );

    Ok(())
}

pub(super) fn run_demo(
    n_products: usize,
    sales: usize,
    days: u32,
    db: &Path,
    lang: Lang,
    json: bool,
) -> Result<()> {
    let mut generated = None;
    let shop = create_with(db, |s| {
        demo::fill(s, &mut progress_bar(json, "demo"))?;
        if n_products > 0 || sales > 0 {
            let mut opts = crate::service::generate::GenerateOptions::new(n_products, sales);
            opts.days = days;
            generated = Some(s.generate(
                &Actor::back_office(),
                &opts,
                &mut progress_bar(json, "toko contoh"),
            )?);
        }
        demo::post_opening(s)
    })?;
    let products = shop.product_count()?;
    done(
        json,
        lang,
        json!({"created": db, "products": products, "generated": generated.as_ref().map(|g| to_json(&GeneratedOut::from(g))), "users": demo::DEMO_USERS.iter().map(|u| json!({"username": u.0, "role": u.2, "pin": u.3})).collect::<Vec<_>>()}),
        &format!(
            "{} {} ({})",
            lang.pick("Toko demo dibuat:", "Demo shop created:"),
            db.display(),
            crate::i18n::count(
                lang,
                usize::try_from(products).unwrap_or_default(),
                "produk",
                "products"
            )
        ),
    );

    Ok(())
}

pub(super) fn run_catalog(cmd: CatalogCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
    match cmd {
        CatalogCmd::Import { file } => {
            let mut shop = open(db)?;
            import(
                json,
                lang,
                &file,
                ("produk diimpor", "products imported"),
                |r| {
                    shop.import_catalog(
                        &Actor::back_office(),
                        r,
                        &mut progress_bar(json, "katalog"),
                    )
                },
            )?;
        }
        CatalogCmd::Export { file } => {
            let shop = open(db)?;
            export(json, lang, &file, ("exported", "produk", "products"), |w| {
                shop.export_catalog(w)
            })?;
        }
    }
    Ok(())
}

pub(super) fn run_check(db: &Path, lang: Lang, json: bool) -> Result<()> {
    let shop = open(db)?;
    let report = shop.check()?;
    let ok = report.problems.is_empty();
    if json {
        print_json(to_json(&CheckOut::from(&report)));
    } else if ok {
        println!(
            "{}",
            lang.pick(
                "OK: database utuh, jejak audit utuh, stok dan nilainya = mutasi, kasbon anggota = catatannya, pengaturan utuh",
                "OK: database intact, audit chain intact, stock and its value = moves, members' kasbon = entries, settings intact"
            )
        );
        if report.books_match_stock.is_some() {
            println!(
                "{}",
                lang.pick(
                    "OK: persediaan di buku = nilai stok per unit",
                    "OK: Persediaan in the books = stock value per unit"
                )
            );
        }
    } else {
        for p in &report.problems {
            println!("{}", p.get(lang));
        }
    }
    if !ok {
        let join = |f: fn(&crate::i18n::Bilingual) -> &String| {
            report
                .problems
                .iter()
                .map(|p| f(p).clone())
                .collect::<Vec<_>>()
                .join("; ")
        };
        // Books that differ from the stock are a posting matter, not a damaged file.
        let damaged = !(report.integrity
            && report.audit_chain
            && report.stock_matches_moves
            && report.stock_value_matches_moves
            && report.kasbon_matches_entries);
        return Err(if damaged {
            KasirError::DbCorrupt(join(|p| &p.en))
        } else {
            KasirError::invalid(join(|p| &p.id), join(|p| &p.en))
        });
    }

    Ok(())
}
