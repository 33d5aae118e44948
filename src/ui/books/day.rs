//! The day-close tab: the day's journals (the preview before posting, the posted ones
//! after), the question before posting, and the reversal with its reason.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use eframe::egui;

use super::{
    act, bad_date, field, money_cell, parse_date, report, screen, BooksAction, BooksScreen,
    JournalView, ERROR, GOOD,
};
use crate::domain::books_names;
use crate::domain::money::format_rupiah;
use crate::error::KasirError;
use crate::i18n::{t, Lang};
use crate::service::ledger::DayStatus;
use crate::ui::{Action, TillApp};

/// The day-close tab.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DayTab {
    pub date: String,
    pub status: Option<DayStatus>,
    pub journals: Vec<JournalView>,
    pub reverse_reason: String,
    pub reclose: bool,
    /// A post or a reversal waiting for its second, explicit click.
    pub confirm: Option<DayConfirm>,
}

/// What the day-close tab asks the treasurer to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayConfirm {
    Post,
    Reverse,
}

/// Apply a day-close action; `s` is the screen as it was before.
pub(super) fn apply(app: &mut TillApp, s: &BooksScreen, action: BooksAction) {
    let lang = app.lang;
    match action {
        BooksAction::DayLoad => {
            let Some(date) = parse_date(&s.day.date) else {
                report(app, Err(bad_date(&s.day.date)));
                return;
            };
            let result = load_day(app, date);
            match result {
                Ok((status, journals)) => {
                    if let Some(s) = screen(app) {
                        s.day.confirm = None;
                        s.day.status = Some(status);
                        s.day.journals = journals;
                    }
                }
                Err(e) => {
                    if let Some(s) = screen(app) {
                        s.day.status = None;
                        s.day.journals.clear();
                    }
                    report(app, Err(e));
                }
            }
        }
        BooksAction::DayAskPost => {
            if parse_date(&s.day.date).is_none() {
                report(app, Err(bad_date(&s.day.date)));
                return;
            }
            super::apply(app, BooksAction::DayLoad);
            if let Some(s) = screen(app) {
                match &s.day.status {
                    Some(st) if st.closed => {
                        let text = format!("{} {}", st.date, t(lang, "books.day_closed"));
                        report(app, Ok(text));
                    }
                    Some(_) => {
                        s.day.confirm = Some(DayConfirm::Post);
                        s.error = None;
                        s.info = None;
                    }
                    None => {}
                }
            }
        }
        BooksAction::DayAskReverse => {
            if s.day.reverse_reason.trim().is_empty() {
                report(
                    app,
                    Err(KasirError::invalid(
                        "Koreksi hari perlu alasan: tulis alasannya dulu",
                        "Reversing a day needs a reason: write the reason first",
                    )),
                );
            } else if let Some(s) = screen(app) {
                s.day.confirm = Some(DayConfirm::Reverse);
                s.error = None;
                s.info = None;
            }
        }
        BooksAction::DayCancel => {
            if let Some(s) = screen(app) {
                s.day.confirm = None;
            }
            report(app, Ok(String::new()));
        }
        BooksAction::DayPost => {
            if let Some(s) = screen(app) {
                s.day.confirm = None;
            }
            let Some(actor) = app.actor.clone() else {
                return;
            };
            let Some(date) = parse_date(&s.day.date) else {
                report(app, Err(bad_date(&s.day.date)));
                return;
            };
            match app.shop.close_day(&actor, date) {
                Ok(posted) => {
                    // The day's books are final: the daily backup (if set and not made yet
                    // today) is taken now, beside the till; its outcome is logged.
                    let _ = app.start_daily_backup();
                    super::apply(app, BooksAction::DayLoad);
                    let text = format!("{} ({})", t(lang, "books.posted_done"), posted.len());
                    report(app, Ok(text));
                }
                Err(e) => report(app, Err(e)),
            }
        }
        BooksAction::DayReverse => {
            if let Some(s) = screen(app) {
                s.day.confirm = None;
            }
            let Some(actor) = app.actor.clone() else {
                return;
            };
            let Some(date) = parse_date(&s.day.date) else {
                report(app, Err(bad_date(&s.day.date)));
                return;
            };
            match app
                .shop
                .reverse_day(&actor, date, &s.day.reverse_reason, s.day.reclose)
            {
                Ok(written) => {
                    super::apply(app, BooksAction::DayLoad);
                    if let Some(s) = screen(app) {
                        s.day.reverse_reason.clear();
                    }
                    let text = format!("{} ({})", t(lang, "books.reversed_done"), written.len());
                    report(app, Ok(text));
                }
                Err(e) => report(app, Err(e)),
            }
        }
        _ => {}
    }
}

/// The day's status and its journals: posted ones when closed, else the preview.
fn load_day(app: &TillApp, date: NaiveDate) -> Result<(DayStatus, Vec<JournalView>), KasirError> {
    let lang = app.lang;
    let status = app.shop.day_status(date)?;
    let mut views = Vec::new();
    if status.closed {
        for j in &status.journals {
            let lines: Vec<_> = j
                .lines
                .iter()
                .map(|l| {
                    (
                        l.code.clone(),
                        books_names::account_name(&l.code, &l.name, lang),
                        l.debit,
                        l.credit,
                        l.memo.clone(),
                    )
                })
                .collect();
            views.push(JournalView {
                title: format!(
                    "{} · {} · {}",
                    j.number,
                    j.business_unit,
                    books_names::memo(&j.memo, lang)
                ),
                posted: true,
                total_debit: lines.iter().map(|l| l.2).sum(),
                total_credit: lines.iter().map(|l| l.3).sum(),
                lines,
            });
        }
    } else {
        let names: BTreeMap<String, String> = app
            .shop
            .accounts()?
            .into_iter()
            .map(|a| {
                let name = books_names::account_name(&a.code, &a.name, lang);
                (a.code, name)
            })
            .collect();
        for (u, j) in app.shop.preview_day(date)? {
            let lines: Vec<_> = j
                .lines()
                .iter()
                .map(|l| {
                    let name = names.get(&l.account).cloned().unwrap_or_default();
                    (l.account.clone(), name, l.debit, l.credit, l.memo.clone())
                })
                .collect();
            views.push(JournalView {
                title: format!("{} · {}", t(lang, "books.preview"), u.as_str()),
                posted: false,
                total_debit: lines.iter().map(|l| l.2).sum(),
                total_credit: lines.iter().map(|l| l.3).sum(),
                lines,
            });
        }
    }
    Ok((status, views))
}

/// Debit/credit table of one journal with its totals.
fn journal_ui(lang: Lang, ui: &mut egui::Ui, j: &JournalView, salt: usize) {
    ui.horizontal(|ui| {
        ui.strong(&j.title);
        if j.posted {
            ui.colored_label(GOOD, t(lang, "books.posted"));
        } else {
            ui.label(t(lang, "books.not_posted"));
        }
    });
    egui::Grid::new(("books_journal", salt))
        .striped(true)
        .num_columns(5)
        .show(ui, |ui| {
            crate::ui::header_row(
                ui,
                lang,
                &[
                    "books.account",
                    "books.account_name",
                    "books.debit",
                    "books.credit",
                    "books.memo",
                ],
            );
            for (code, name, debit, credit, memo) in &j.lines {
                ui.label(code);
                ui.label(name);
                money_cell(ui, *debit);
                money_cell(ui, *credit);
                ui.label(memo);
                ui.end_row();
            }
            ui.strong(t(lang, "books.total"));
            ui.label("");
            ui.strong(format_rupiah(j.total_debit));
            ui.strong(format_rupiah(j.total_credit));
            if j.total_debit == j.total_credit {
                ui.colored_label(GOOD, t(lang, "books.balanced"));
            } else {
                ui.colored_label(ERROR, t(lang, "books.unbalanced"));
            }
            ui.end_row();
        });
    ui.add_space(8.0);
}

pub(super) fn day_ui(lang: Lang, ui: &mut egui::Ui, tab: &mut DayTab, actions: &mut Vec<Action>) {
    if tab.confirm.is_some() && ui.input(|i| i.key_pressed(egui::Key::Escape)) {
        act(actions, BooksAction::DayCancel);
    }
    ui.horizontal(|ui| {
        let r = field(ui, t(lang, "books.date"), &mut tab.date, 110.0);
        if crate::ui::widgets::submitted(ui, &r) || ui.button(t(lang, "books.show")).clicked() {
            act(actions, BooksAction::DayLoad);
        }
        if tab.confirm.is_none() && ui.button(t(lang, "books.post")).clicked() {
            act(actions, BooksAction::DayAskPost);
        }
    });
    if tab.confirm == Some(DayConfirm::Post) {
        confirm_post_ui(lang, ui, tab, actions);
    }
    if let Some(st) = &tab.status {
        if st.closed {
            ui.colored_label(GOOD, format!("{} {}", st.date, t(lang, "books.day_closed")));
        } else {
            ui.label(format!("{} {}", st.date, t(lang, "books.day_open")));
        }
        if !st.open_shifts.is_empty() {
            ui.colored_label(
                ERROR,
                format!(
                    "{}: {}",
                    t(lang, "books.open_shifts"),
                    st.open_shifts.join(", ")
                ),
            );
        }
        if tab.journals.is_empty() {
            ui.label(t(lang, "books.no_journals"));
        }
    }
    for (i, j) in tab.journals.iter().enumerate() {
        journal_ui(lang, ui, j, i);
    }
    if tab.status.as_ref().is_some_and(|s| s.closed) {
        ui.separator();
        ui.strong(t(lang, "books.reverse_title"));
        ui.horizontal(|ui| {
            field(
                ui,
                t(lang, "books.reverse_reason"),
                &mut tab.reverse_reason,
                360.0,
            );
            ui.checkbox(&mut tab.reclose, t(lang, "books.reclose"));
            if tab.confirm.is_none() && ui.button(t(lang, "books.reverse")).clicked() {
                act(actions, BooksAction::DayAskReverse);
            }
        });
        if tab.confirm == Some(DayConfirm::Reverse) {
            ui.group(|ui| {
                ui.strong(format!(
                    "{} — {}: {}",
                    t(lang, "books.reverse_confirm"),
                    t(lang, "books.reverse_reason"),
                    tab.reverse_reason.trim()
                ));
                ui.horizontal(|ui| {
                    if ui.button(t(lang, "books.reverse_now")).clicked() {
                        act(actions, BooksAction::DayReverse);
                    }
                    if ui.button(t(lang, "books.cancel")).clicked() {
                        act(actions, BooksAction::DayCancel);
                    }
                });
            });
        }
    }
}

/// The question before posting: the totals per unit (the lines follow below), the tills
/// still open, what posting stops, and the explicit "post now".
fn confirm_post_ui(lang: Lang, ui: &mut egui::Ui, tab: &DayTab, actions: &mut Vec<Action>) {
    ui.group(|ui| {
        ui.heading(format!("{} {}?", t(lang, "books.post_confirm"), tab.date));
        if tab.journals.is_empty() {
            ui.label(t(lang, "books.no_journals"));
        }
        egui::Grid::new("books_post_totals")
            .num_columns(3)
            .show(ui, |ui| {
                for j in &tab.journals {
                    ui.label(&j.title);
                    ui.label(format!("{} {}", j.lines.len(), t(lang, "books.lines")));
                    ui.strong(format_rupiah(j.total_debit));
                    ui.end_row();
                }
            });
        match tab.status.as_ref().map(|s| &s.open_shifts) {
            Some(open) if !open.is_empty() => {
                ui.colored_label(
                    ERROR,
                    format!(
                        "{}: {} — {}",
                        t(lang, "books.open_shifts"),
                        open.join(", "),
                        t(lang, "books.close_them_first")
                    ),
                );
            }
            _ => {
                ui.label(t(lang, "books.no_open_shifts"));
            }
        }
        ui.label(t(lang, "books.post_stops_selling"));
        ui.horizontal(|ui| {
            if ui.button(t(lang, "books.post_now")).clicked() {
                act(actions, BooksAction::DayPost);
            }
            if ui.button(t(lang, "books.cancel")).clicked() {
                act(actions, BooksAction::DayCancel);
            }
        });
    });
    ui.add_space(8.0);
}
