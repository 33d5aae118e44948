//! The SHU tab: the year's surplus shared among members (jasa usaha, jasa modal), shown
//! and exported as CSV.

use eframe::egui;

use super::*;
use crate::domain::money::{format_rupiah, AllowSen, Amount, Quantity};
use crate::service::member_books::{ShuParams, ShuReport};

/// The SHU tab.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShuTab {
    pub year: String,
    pub total: String,
    pub usaha: String,
    pub modal: String,
    pub report: Option<ShuReport>,
    pub path: String,
}

/// Actions of the SHU tab.
pub(super) fn apply(app: &mut TillApp, s: &BooksScreen, action: BooksAction) {
    let lang = app.lang;
    match action {
        BooksAction::Shu => match shu_report(app, &s.shu) {
            Ok(r) => {
                if let Some(s) = screen(app) {
                    s.shu.report = Some(r);
                    s.error = None;
                }
            }
            Err(e) => report(app, Err(e)),
        },
        BooksAction::ShuExport => {
            let path = s.shu.path.trim().to_string();
            let result = (|| {
                if path.is_empty() {
                    return Err(refuse("books.need_path"));
                }
                let r = shu_report(app, &s.shu)?;
                let file = std::fs::File::create(&path)?;
                let mut w = std::io::BufWriter::new(file);
                app.shop.write_shu_csv(&r, &mut w)?;
                std::io::Write::flush(&mut w)?;
                if let Some(s) = screen(app) {
                    s.shu.report = Some(r);
                }
                Ok(format!("{} {path}", t(lang, "books.exported_shu")))
            })();
            report(app, result);
        }
        _ => {}
    }
}

fn shu_report(app: &TillApp, tab: &ShuTab) -> Result<ShuReport, KasirError> {
    let year: i32 = tab
        .year
        .trim()
        .parse()
        .map_err(|_| refuse("books.bad_year"))?;
    let percent = |s: &str| Quantity::parse(s, 2);
    let params = ShuParams {
        total: Amount::parse(&tab.total, AllowSen::Yes)?,
        jasa_usaha_percent: percent(&tab.usaha)?,
        jasa_modal_percent: percent(&tab.modal)?,
    };
    app.shop.shu_report(year, &params)
}

pub(super) fn shu_ui(lang: Lang, ui: &mut egui::Ui, tab: &mut ShuTab, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        field(ui, t(lang, "books.year"), &mut tab.year, 60.0);
        field(ui, t(lang, "books.shu_total"), &mut tab.total, 140.0);
        field(ui, t(lang, "books.shu_usaha"), &mut tab.usaha, 50.0);
        field(ui, t(lang, "books.shu_modal"), &mut tab.modal, 50.0);
        if ui.button(t(lang, "books.show")).clicked() {
            act(actions, BooksAction::Shu);
        }
    });
    if let Some(r) = &tab.report {
        ui.label(format!(
            "{} {} · {} {}",
            t(lang, "books.pool_usaha"),
            format_rupiah(r.pool_usaha),
            t(lang, "books.pool_modal"),
            format_rupiah(r.pool_modal)
        ));
        table(
            ui,
            lang,
            "books_shu",
            &[
                "books.member_no",
                "back.name",
                "books.purchases",
                "books.capital",
                "books.jasa_usaha",
                "books.jasa_modal",
                "books.total",
            ],
            |ui| {
                for row in &r.rows {
                    ui.label(&row.number);
                    ui.label(&row.name);
                    ui.label(format_rupiah(row.purchases_total));
                    ui.label(format_rupiah(row.capital));
                    ui.label(format_rupiah(row.jasa_usaha));
                    ui.label(format_rupiah(row.jasa_modal));
                    ui.label(format_rupiah(row.total));
                    ui.end_row();
                }
                ui.strong(t(lang, "books.total"));
                ui.label("");
                ui.label("");
                ui.label("");
                ui.strong(format_rupiah(r.total_usaha));
                ui.strong(format_rupiah(r.total_modal));
                ui.strong(format_rupiah(r.total_shared));
                ui.end_row();
            },
        );
    }
    ui.horizontal(|ui| {
        field(ui, t(lang, "books.path"), &mut tab.path, 320.0);
        if ui.button(t(lang, "books.export_csv")).clicked() {
            act(actions, BooksAction::ShuExport);
        }
    });
}
