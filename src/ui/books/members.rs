//! The members tab: a member's monthly statement (purchases, kasbon, savings).

use eframe::egui;

use super::*;
use crate::domain::money::format_rupiah;
use crate::service::member_books::Statement;

/// The members' statement tab.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberTab {
    pub number: String,
    pub month: String,
    pub statement: Option<Statement>,
}

/// Load the statement of the member and month typed.
pub(super) fn load(app: &mut TillApp, s: &BooksScreen) {
    match app.shop.member_statement(&s.member.number, &s.member.month) {
        Ok(st) => {
            if let Some(s) = screen(app) {
                s.member.statement = Some(st);
                s.error = None;
            }
        }
        Err(e) => {
            if let Some(s) = screen(app) {
                s.member.statement = None;
            }
            report(app, Err(e));
        }
    }
}

pub(super) fn member_ui(
    lang: Lang,
    ui: &mut egui::Ui,
    tab: &mut MemberTab,
    actions: &mut Vec<Action>,
) {
    ui.horizontal(|ui| {
        field(ui, t(lang, "books.member_no"), &mut tab.number, 140.0);
        let r = field(ui, t(lang, "books.month"), &mut tab.month, 90.0);
        if submitted(ui, &r) || ui.button(t(lang, "books.show")).clicked() {
            act(actions, BooksAction::Statement);
        }
    });
    let Some(st) = &tab.statement else {
        return;
    };
    ui.strong(format!("{} {} · {}", st.number, st.name, st.month));
    egui::Grid::new("books_statement")
        .num_columns(2)
        .show(ui, |ui| {
            for (u, a) in &st.purchases {
                ui.label(format!("{} {u}", t(lang, "books.purchases")));
                ui.label(format_rupiah(*a));
                ui.end_row();
            }
            for (k, a) in [
                ("books.kasbon_opening", st.kasbon_opening),
                ("books.kasbon_taken", st.kasbon_taken),
                ("books.kasbon_repaid", st.kasbon_repaid),
                ("books.kasbon_closing", st.kasbon_closing),
            ] {
                ui.label(t(lang, k));
                ui.label(format_rupiah(a));
                ui.end_row();
            }
        });
    if !st.moves.is_empty() {
        egui::Grid::new("books_moves")
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                for (d, what, r, a) in &st.moves {
                    ui.label(d);
                    ui.label(what);
                    ui.label(r);
                    ui.label(format_rupiah(*a));
                    ui.end_row();
                }
            });
    }
}
