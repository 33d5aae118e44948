//! The exceptions tab (treasurer, apoteker): what syncing with the other tills found wrong
//! (stock sold below zero, kasbon above a member's limit), with the reason, and resolving
//! one with a note and, for an oversell, the quantity counted on the shelf.

use eframe::egui;

use super::*;
use crate::domain::money::{format_qty, format_rupiah};
use crate::service::exceptions::{BusinessException, ExceptionKind};

/// The exceptions tab.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExceptionsTab {
    /// Resolved ones too.
    pub all: bool,
    pub list: Vec<BusinessException>,
    /// The exception being resolved.
    pub resolving: Option<i64>,
    pub note: String,
    /// On the shelf now, in the base unit (oversell; empty: nothing left).
    pub counted: String,
}

/// Load the list.
pub(super) fn load(app: &mut TillApp, s: &BooksScreen) {
    match app.shop.exceptions(s.exceptions.all) {
        Ok(list) => {
            if let Some(s) = screen(app) {
                s.exceptions.list = list;
            }
        }
        Err(e) => report(app, Err(e)),
    }
}

/// Resolve the exception chosen, as the one logged in.
pub(super) fn resolve(app: &mut TillApp, s: &BooksScreen) {
    let lang = app.lang;
    let Some(id) = s.exceptions.resolving else {
        return;
    };
    let Some(actor) = app.actor.clone() else {
        return;
    };
    let counted = match s.exceptions.counted.trim() {
        "" => None,
        c => match c.replace(',', ".").parse::<Decimal>() {
            Ok(d) => Some(d),
            Err(_) => {
                report(app, Err(refuse("exc.bad_counted")));
                return;
            }
        },
    };
    let result = app
        .shop
        .resolve_exception(&actor, id, &s.exceptions.note, counted);
    match result {
        Ok(x) => {
            if let Some(s) = screen(app) {
                s.exceptions.resolving = None;
                s.exceptions.note.clear();
                s.exceptions.counted.clear();
            }
            let adjusted = x
                .resolved
                .as_ref()
                .and_then(|r| r.adjustment)
                .map(|a| format!(" ({} {})", t(lang, "exc.adjustment"), format_qty(a)))
                .unwrap_or_default();
            report(
                app,
                Ok(format!("{} #{}{adjusted}", t(lang, "exc.resolved"), x.id)),
            );
            if let Some(s) = screen(app).cloned() {
                load(app, &s);
            }
        }
        Err(e) => report(app, Err(e)),
    }
}

fn figure(x: &BusinessException) -> String {
    match x.kind {
        ExceptionKind::Oversell | ExceptionKind::RxOverDispensed => format_qty(x.figure),
        ExceptionKind::KasbonOverLimit | ExceptionKind::LateEvent => format_rupiah(x.figure),
    }
}

pub(super) fn exceptions_ui(
    lang: Lang,
    ui: &mut egui::Ui,
    tab: &mut ExceptionsTab,
    actions: &mut Vec<Action>,
) {
    ui.horizontal(|ui| {
        if ui.checkbox(&mut tab.all, t(lang, "exc.show_all")).changed() {
            act(actions, BooksAction::ExceptionsLoad);
        }
        if ui.button(t(lang, "books.show")).clicked() {
            act(actions, BooksAction::ExceptionsLoad);
        }
    });
    if tab.list.is_empty() {
        ui.label(t(lang, "exc.none"));
        return;
    }
    for x in &tab.list {
        ui.separator();
        let (id_name, en_name) = x.kind.names();
        ui.horizontal(|ui| {
            ui.strong(format!("#{} {}", x.id, lang.pick(id_name, en_name)));
            ui.label(&x.subject);
            ui.label(figure(x));
            ui.label(&x.detected_at);
        });
        ui.label(x.reason.get(lang));
        match &x.resolved {
            Some(r) => {
                let adjusted = r
                    .adjustment
                    .map(|a| format!(" · {} {}", t(lang, "exc.adjustment"), format_qty(a)))
                    .unwrap_or_default();
                ui.colored_label(
                    GOOD,
                    format!(
                        "{} {} {} ({}): {}{adjusted}",
                        t(lang, "exc.resolved"),
                        r.at,
                        r.by,
                        r.till,
                        r.note
                    ),
                );
            }
            None if tab.resolving == Some(x.id) => {
                ui.horizontal(|ui| {
                    field(ui, t(lang, "exc.note"), &mut tab.note, 320.0);
                    if x.kind == ExceptionKind::Oversell {
                        field(ui, t(lang, "exc.counted"), &mut tab.counted, 80.0);
                    }
                    if ui.button(t(lang, "exc.confirm")).clicked() {
                        act(actions, BooksAction::ExceptionResolve);
                    }
                    if ui.button(t(lang, "exc.cancel")).clicked() {
                        act(actions, BooksAction::ExceptionPick(None));
                    }
                });
            }
            None => {
                if ui
                    .button(format!("{} #{}", t(lang, "exc.resolve"), x.id))
                    .clicked()
                {
                    act(actions, BooksAction::ExceptionPick(Some(x.id)));
                }
            }
        }
    }
}
