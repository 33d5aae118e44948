//! The books screen: shift close (blind count, Z report) for the cashier; day close,
//! ledger, members' statements, SHU and the dashboard for the treasurer.

use eframe::egui;

use super::{Action, Back, Screen, TillApp};
use crate::i18n::t;

/// The books screen's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BooksScreen {
    /// The X report of this till's open shift, as text.
    pub x_report: Option<String>,
    pub error: Option<String>,
}

/// What the books screen asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum BooksAction {
    XReport,
}

impl BooksScreen {
    pub fn new(_app: &TillApp) -> Self {
        BooksScreen::default()
    }
}

/// Apply a books-screen action (the one place its state changes).
pub fn apply(app: &mut TillApp, action: BooksAction) {
    let lang = app.lang;
    match action {
        BooksAction::XReport => {
            let result = app.shop.x_report(&app.till, lang);
            if let Screen::Back(Back::Books(s)) = &mut app.screen {
                match result {
                    Ok((_, text)) => s.x_report = Some(text),
                    Err(e) => s.error = Some(e.message(lang)),
                }
            }
        }
    }
}

/// Draw the books screen inside the back office's central panel.
pub fn books_ui(app: &mut TillApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let lang = app.lang;
    let Screen::Back(Back::Books(s)) = &mut app.screen else {
        return;
    };
    ui.heading(t(lang, "menu.books"));
    if ui.button(t(lang, "books.x_report")).clicked() {
        actions.push(Action::Books(BooksAction::XReport));
    }
    if let Some(e) = &s.error {
        ui.colored_label(super::login::ERROR, e);
    }
    if let Some(x) = &s.x_report {
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.label(egui::RichText::new(x).monospace());
        });
    }
}
