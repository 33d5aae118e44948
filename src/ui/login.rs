//! Login (PIN by keyboard or on-screen keypad) and opening a shift with a counted float.

use eframe::egui::{self, Color32, Key, RichText};

use super::{Action, Screen, TillApp, PIN_ID};
use crate::domain::cash::DENOMINATIONS;
use crate::domain::money::{format_rupiah, Quantity};
use crate::i18n::t;

pub(super) const ERROR: Color32 = Color32::from_rgb(200, 40, 40);
pub(super) const GOOD: Color32 = Color32::from_rgb(20, 110, 40);

/// Request focus for a field only when nothing else has it, so dialogs keep the keyboard.
pub(super) fn focus_if_free(ui: &egui::Ui, resp: &egui::Response) {
    if ui.memory(|m| m.focused().is_none()) {
        resp.request_focus();
    }
}

/// Enter pressed in a single-line field this frame.
pub(super) fn submitted(ui: &egui::Ui, resp: &egui::Response) -> bool {
    resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter))
}

pub fn login_ui(app: &mut TillApp, ui: &mut egui::Ui) -> Vec<Action> {
    let lang = app.lang;
    let mut actions = Vec::new();
    let shop_name = app.settings.name.clone();
    let Screen::Login { user, pin, error } = &mut app.screen else {
        return actions;
    };
    let n = app.users.len();
    ui.input(|i| {
        if i.key_pressed(Key::ArrowDown) && *user + 1 < n {
            actions.push(Action::SelectUser(*user + 1));
        }
        if i.key_pressed(Key::ArrowUp) && *user > 0 {
            actions.push(Action::SelectUser(*user - 1));
        }
    });
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(24.0);
            ui.heading(RichText::new(&shop_name).size(28.0));
            ui.label(format!("{} · {}", t(lang, "till.counter"), app.till));
            ui.label(t(lang, "login.choose_user"));
            ui.add_space(12.0);
        });
        ui.columns(2, |cols| {
            cols[0].vertical_centered(|ui| {
                for (i, u) in app.users.iter().enumerate() {
                    let label = format!("{}  ({})", u.name, u.role.label(lang));
                    if ui
                        .add_sized([300.0, 40.0], egui::Button::selectable(*user == i, label))
                        .clicked()
                    {
                        actions.push(Action::SelectUser(i));
                    }
                }
            });
            cols[1].vertical_centered(|ui| {
                let label = ui.label(t(lang, "login.pin"));
                let resp = ui
                    .add(
                        egui::TextEdit::singleline(pin)
                            .password(true)
                            .id(egui::Id::unique(PIN_ID))
                            .desired_width(200.0)
                            .font(egui::TextStyle::Heading),
                    )
                    .labelled_by(label.id);
                // Read Enter before taking focus back: lost_focus() asks the live focus state.
                let enter = submitted(ui, &resp);
                focus_if_free(ui, &resp);
                ui.add_space(6.0);
                keypad(ui, lang, &mut actions);
                ui.add_space(6.0);
                if ui
                    .add_sized(
                        [200.0, 44.0],
                        egui::Button::new(RichText::new(t(lang, "login.enter")).size(20.0)),
                    )
                    .clicked()
                    || enter
                {
                    actions.push(Action::Login);
                }
                if let Some(e) = error {
                    ui.colored_label(ERROR, e.as_str());
                }
            });
        });
        ui.vertical_centered(|ui| {
            ui.add_space(12.0);
            if ui.button(t(lang, "till.language")).clicked() {
                actions.push(Action::ToggleLang);
            }
        });
    });
    actions
}

/// A 3×4 keypad for touch screens.
fn keypad(ui: &mut egui::Ui, lang: crate::i18n::Lang, actions: &mut Vec<Action>) {
    egui::Grid::new("keypad")
        .spacing([6.0, 6.0])
        .show(ui, |ui| {
            for row in [['1', '2', '3'], ['4', '5', '6'], ['7', '8', '9']] {
                for c in row {
                    if ui
                        .add_sized([60.0, 48.0], egui::Button::new(RichText::new(c).size(22.0)))
                        .clicked()
                    {
                        actions.push(Action::PinKey(c));
                    }
                }
                ui.end_row();
            }
            ui.label("");
            if ui
                .add_sized(
                    [60.0, 48.0],
                    egui::Button::new(RichText::new("0").size(22.0)),
                )
                .clicked()
            {
                actions.push(Action::PinKey('0'));
            }
            if ui
                .add_sized(
                    [60.0, 48.0],
                    egui::Button::new(RichText::new(t(lang, "login.backspace")).size(16.0)),
                )
                .clicked()
            {
                actions.push(Action::PinBack);
            }
            ui.end_row();
        });
}

pub fn open_shift_ui(app: &mut TillApp, ui: &mut egui::Ui) -> Vec<Action> {
    let lang = app.lang;
    let mut actions = Vec::new();
    let who = app
        .actor
        .as_ref()
        .map(|a| a.name.clone())
        .unwrap_or_default();
    // The back office came here by choice: it can go back without opening a shift.
    let back_home = app
        .actor
        .as_ref()
        .filter(|a| !a.role.works_counter())
        .map(|a| super::home_screen(a.role));
    let Screen::OpenShift { counts, error } = &mut app.screen else {
        return actions;
    };
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(16.0);
            ui.heading(RichText::new(t(lang, "shift.open_title")).size(26.0));
            ui.label(format!("{who} · {} {}", t(lang, "till.counter"), app.till));
            ui.label(t(lang, "shift.count_hint"));
            ui.add_space(8.0);
            let mut total = rust_decimal::Decimal::ZERO;
            let mut enter = false;
            egui::Grid::new("float_count")
                .num_columns(3)
                .spacing([16.0, 6.0])
                .show(ui, |ui| {
                    for (i, d) in DENOMINATIONS.iter().enumerate().rev() {
                        let label = ui.label(RichText::new(format_rupiah((*d).into())).size(18.0));
                        let resp = ui
                            .add(
                                egui::TextEdit::singleline(&mut counts[i])
                                    .id(egui::Id::unique(("float", i)))
                                    .desired_width(80.0),
                            )
                            .labelled_by(label.id);
                        enter |= submitted(ui, &resp);
                        if i == DENOMINATIONS.len() - 1 {
                            focus_if_free(ui, &resp);
                        }
                        let n = Quantity::parse(&counts[i], 0).unwrap_or_default();
                        let sub = n * rust_decimal::Decimal::from(*d);
                        total += sub;
                        ui.label(format_rupiah(sub));
                        ui.end_row();
                    }
                });
            ui.add_space(8.0);
            ui.label(
                RichText::new(format!(
                    "{}: {}",
                    t(lang, "shift.float"),
                    format_rupiah(total)
                ))
                .size(24.0)
                .strong(),
            );
            if ui
                .add_sized(
                    [240.0, 44.0],
                    egui::Button::new(RichText::new(t(lang, "shift.open")).size(20.0)),
                )
                .clicked()
                || enter
            {
                actions.push(Action::OpenShift);
            }
            if let Some(e) = error {
                ui.colored_label(ERROR, e.as_str());
            }
            ui.add_space(8.0);
            if let Some(home) = back_home {
                if ui.button(t(lang, "shift.back_office")).clicked() {
                    actions.push(Action::GoBack(home));
                }
            }
            if ui.button(t(lang, "till.logout")).clicked() {
                actions.push(Action::Logout);
            }
        });
    });
    actions
}
