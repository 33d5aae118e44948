//! Login (PIN by keyboard or on-screen keypad) and opening a shift with a counted float.

use eframe::egui::{self, Key, RichText};

use super::widgets::{focus_if_free, submitted, ERROR};

use super::*;
use crate::domain::cash::DENOMINATIONS;
use crate::domain::money::{format_rupiah, Quantity};
use crate::i18n::t;

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

/// The login screen starts on the first cashier: the person who logs in most often.
pub(super) fn first_cashier(users: &[UserRow]) -> usize {
    users
        .iter()
        .position(|u| u.role == Role::Kasir)
        .unwrap_or(0)
}

impl TillApp {
    /// Actions of the login and float screens (and the session buttons).
    pub(super) fn apply_login(&mut self, action: Action) {
        let lang = self.lang;
        match action {
            Action::SelectUser(i) => {
                if let Screen::Login { user, pin, error } = &mut self.screen {
                    *user = i;
                    pin.clear();
                    *error = None;
                }
            }
            Action::PinKey(c) => {
                if let Screen::Login { pin, .. } = &mut self.screen {
                    if pin.len() < 12 {
                        pin.push(c);
                    }
                }
            }
            Action::PinBack => {
                if let Screen::Login { pin, .. } = &mut self.screen {
                    pin.pop();
                }
            }
            Action::Login => self.login(),
            Action::Logout => {
                self.actor = None;
                self.lang = self.default_lang;
                self.dialog = None;
                self.shift = None;
                self.cart = Cart::default();
                self.screen = Screen::Login {
                    user: first_cashier(&self.users),
                    pin: String::new(),
                    error: None,
                };
            }
            Action::ToggleLang => {
                self.lang = match self.lang {
                    Lang::Id => Lang::En,
                    Lang::En => Lang::Id,
                };
                // Kept for whoever is logged in: their next login starts in it.
                if let Some(actor) = self.actor.clone() {
                    if let Err(e) = self.shop.set_user_lang(&actor, self.lang) {
                        self.notify(err_text(&e, lang), true);
                    }
                }
            }
            Action::OpenShift => self.open_shift(),
            _ => {}
        }
    }

    pub(super) fn login(&mut self) {
        let lang = self.lang;
        let Screen::Login { user, pin, .. } = &self.screen else {
            return;
        };
        let Some(u) = self.users.get(*user) else {
            return;
        };
        let (username, pin) = (u.username.clone(), pin.clone());
        match self.shop.login(&username, &pin) {
            Ok(actor) => {
                tracing::info!(user = %actor.username, till = %self.till, "logged in");
                // Build the search index now, not on the cashier's first keystroke.
                if let Err(e) = self.shop.warm_search() {
                    tracing::warn!(error = %e, "search index not warmed");
                }
                // The user's own language, else the till's.
                self.lang = match self.shop.user_lang(&actor.username) {
                    Ok(l) => l.unwrap_or(self.default_lang),
                    Err(e) => {
                        tracing::warn!(error = %e, "user language not read");
                        self.default_lang
                    }
                };
                self.actor = Some(actor);
                self.notice = None;
                self.after_login_screen();
            }
            Err(e) => {
                if let Screen::Login { pin, error, .. } = &mut self.screen {
                    pin.clear();
                    *error = Some(err_text(&e, lang));
                }
            }
        }
    }

    /// A counter role sells (after the float is counted); the back office lands on its own
    /// screen without a shift: the treasurer on the books, the warehouse on stock, the admin
    /// on the settings.
    pub(super) fn after_login_screen(&mut self) {
        let Some(role) = self.actor.as_ref().map(|a| a.role) else {
            return;
        };
        if role.works_counter() {
            self.go_selling();
            return;
        }
        self.go_back(home_screen(role));
    }

    /// The selling screen with this till's open shift, or the float count to open one.
    pub(super) fn go_selling(&mut self) {
        let lang = self.lang;
        match self.shop.current_shift(&self.till) {
            Ok(Some(s)) => {
                self.shift = Some(s);
                self.screen = Screen::Selling;
                self.restore_draft();
            }
            Ok(None) => {
                self.screen = Screen::OpenShift {
                    counts: vec![String::new(); crate::domain::cash::DENOMINATIONS.len()],
                    error: None,
                }
            }
            Err(e) => self.notify(err_text(&e, lang), true),
        }
    }

    pub(super) fn restore_draft(&mut self) {
        let lang = self.lang;
        match self.shop.load_draft(&self.till) {
            Ok(Some(cart)) if !cart.is_empty() => {
                let n = cart.lines.len();
                self.cart = cart;
                self.selected = None;
                self.notify(
                    format!(
                        "{} ({n} {})",
                        t(lang, "till.draft_restored"),
                        t(lang, "till.lines")
                    ),
                    false,
                );
            }
            Ok(_) => {}
            Err(e) => self.notify(err_text(&e, lang), true),
        }
    }

    pub(super) fn open_shift(&mut self) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let Screen::OpenShift { counts, .. } = &self.screen else {
            return;
        };
        let fields = crate::domain::cash::DENOMINATIONS
            .iter()
            .copied()
            .zip(counts.iter().map(String::as_str));
        let result = crate::domain::cash::CashCount::from_fields(fields)
            .map_err(KasirError::from)
            .and_then(|count| {
                let float = count.total();
                self.shop.open_shift(&actor, &self.till, float, &count)
            });
        match result {
            Ok(shift) => {
                self.notify(
                    format!(
                        "{} {}",
                        t(lang, "shift.opened"),
                        format_rupiah(shift.opening_float)
                    ),
                    false,
                );
                self.shift = Some(shift);
                self.screen = Screen::Selling;
                self.restore_draft();
            }
            Err(e) => {
                if let Screen::OpenShift { error, .. } = &mut self.screen {
                    *error = Some(err_text(&e, lang));
                }
            }
        }
    }
}
