//! The ledger tab: trial balance, general ledger of an account, and the export
//! (hledger, CSV, JSON).

use eframe::egui;

use super::*;
use crate::domain::books_names;
use crate::domain::money::format_rupiah;
use crate::service::ledger::{GeneralLedger, LedgerFormat, TrialBalance};

/// The ledger tab: trial balance, general ledger, export.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LedgerTab {
    pub from: String,
    pub to: String,
    pub trial: Option<TrialBalance>,
    pub account: String,
    pub gl: Option<GeneralLedger>,
    /// 0 hledger, 1 csv, 2 json.
    pub format: usize,
    pub path: String,
}

const FORMATS: [(&str, LedgerFormat, &str); 3] = [
    ("hledger", LedgerFormat::Hledger, "journal"),
    ("csv", LedgerFormat::Csv, "csv"),
    ("json", LedgerFormat::Json, "json"),
];

/// Actions of the ledger tab.
pub(super) fn apply(app: &mut TillApp, s: &BooksScreen, action: BooksAction) {
    let lang = app.lang;
    match action {
        BooksAction::TrialBalance => {
            let result = range_date(&s.ledger.from)
                .and_then(|f| Ok((f, range_date(&s.ledger.to)?)))
                .and_then(|(f, to)| app.shop.trial_balance(f, to));
            match result {
                Ok(tb) => {
                    if let Some(s) = screen(app) {
                        s.ledger.trial = Some(tb);
                    }
                }
                Err(e) => report(app, Err(e)),
            }
        }
        BooksAction::GeneralLedger => {
            let result = range_date(&s.ledger.from)
                .and_then(|f| Ok((f, range_date(&s.ledger.to)?)))
                .and_then(|(f, to)| app.shop.general_ledger(&s.ledger.account, f, to));
            match result {
                Ok(gl) => {
                    if let Some(s) = screen(app) {
                        s.ledger.gl = Some(gl);
                        s.error = None;
                    }
                }
                Err(e) => report(app, Err(e)),
            }
        }
        BooksAction::Export => {
            let (_, format, _) = FORMATS[s.ledger.format.min(FORMATS.len() - 1)];
            let path = s.ledger.path.trim().to_string();
            let result = (|| {
                if path.is_empty() {
                    return Err(refuse("books.need_path"));
                }
                let from = range_date(&s.ledger.from)?;
                let to = range_date(&s.ledger.to)?;
                // Whole or not at all: a failed export leaves no half file under the name.
                let n = crate::atomic_file::write_atomically(std::path::Path::new(&path), |f| {
                    let mut w = std::io::BufWriter::new(f);
                    let n = app.shop.export_ledger(format, from, to, &mut w)?;
                    std::io::Write::flush(&mut w)?;
                    Ok(n)
                })?;
                Ok(format!("{n} {} {path}", t(lang, "books.exported")))
            })();
            report(app, result);
        }
        _ => {}
    }
}

pub(super) fn ledger_ui(
    lang: Lang,
    ui: &mut egui::Ui,
    tab: &mut LedgerTab,
    actions: &mut Vec<Action>,
) {
    ui.horizontal(|ui| {
        field(ui, t(lang, "books.from"), &mut tab.from, 110.0);
        field(ui, t(lang, "books.to"), &mut tab.to, 110.0);
        if ui.button(t(lang, "books.trial_balance")).clicked() {
            act(actions, BooksAction::TrialBalance);
        }
    });
    if let Some(tb) = &tab.trial {
        ui.strong(format!(
            "{} {} – {}",
            t(lang, "books.trial_balance"),
            tb.from,
            tb.to
        ));
        table(
            ui,
            lang,
            "books_trial",
            &[
                "books.account",
                "books.account_name",
                "books.opening",
                "books.debit",
                "books.credit",
                "books.closing",
            ],
            |ui| {
                for r in tb
                    .rows
                    .iter()
                    .filter(|r| !(r.opening.is_zero() && r.debit.is_zero() && r.credit.is_zero()))
                {
                    ui.label(&r.code);
                    ui.label(books_names::account_name(&r.code, &r.name, lang));
                    ui.label(format_rupiah(r.opening));
                    money_cell(ui, r.debit);
                    money_cell(ui, r.credit);
                    ui.label(format_rupiah(r.closing));
                    ui.end_row();
                }
                ui.strong(t(lang, "books.total"));
                ui.label("");
                ui.label("");
                ui.strong(format_rupiah(tb.total_debit));
                ui.strong(format_rupiah(tb.total_credit));
                if tb.total_debit == tb.total_credit {
                    ui.colored_label(GOOD, t(lang, "books.balanced"));
                } else {
                    ui.colored_label(ERROR, t(lang, "books.unbalanced"));
                }
                ui.end_row();
            },
        );
    }
    ui.separator();
    ui.horizontal(|ui| {
        let r = field(ui, t(lang, "books.account"), &mut tab.account, 100.0);
        if submitted(ui, &r) || ui.button(t(lang, "books.general_ledger")).clicked() {
            act(actions, BooksAction::GeneralLedger);
        }
    });
    if let Some(gl) = &tab.gl {
        ui.strong(format!(
            "{} {} — {}: {}",
            gl.code,
            books_names::account_name(&gl.code, &gl.name, lang),
            t(lang, "books.opening"),
            format_rupiah(gl.opening)
        ));
        table(
            ui,
            lang,
            "books_gl",
            &[
                "books.date",
                "books.journal",
                "books.memo",
                "books.debit",
                "books.credit",
                "books.balance",
            ],
            |ui| {
                for e in &gl.entries {
                    ui.label(&e.date);
                    ui.label(&e.journal);
                    ui.label(books_names::memo(&e.memo, lang));
                    money_cell(ui, e.debit);
                    money_cell(ui, e.credit);
                    ui.label(format_rupiah(e.balance));
                    ui.end_row();
                }
            },
        );
        ui.label(format!(
            "{}: {}",
            t(lang, "books.closing"),
            format_rupiah(gl.closing)
        ));
    }
    ui.separator();
    ui.strong(t(lang, "books.export"));
    ui.horizontal(|ui| {
        for (i, (name, _, ext)) in FORMATS.iter().enumerate() {
            if ui.selectable_label(tab.format == i, *name).clicked() && tab.format != i {
                tab.format = i;
                let stem = tab
                    .path
                    .rsplit_once('.')
                    .map(|(s, _)| s.to_string())
                    .unwrap_or_else(|| tab.path.clone());
                tab.path = format!("{stem}.{ext}");
            }
        }
        field(ui, t(lang, "books.path"), &mut tab.path, 320.0);
        if ui.button(t(lang, "books.export_button")).clicked() {
            act(actions, BooksAction::Export);
        }
    });
}
