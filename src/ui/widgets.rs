//! What every screen draws with: the colours, labelled fields, the keyboard rules of a
//! field (focus when free, Enter), tables with translated headers, amounts, a dialog
//! window, and the supervisor's name-and-PIN approval.

use eframe::egui::{self, Color32, Key};
use rust_decimal::Decimal;

use super::Approval;
use crate::domain::money::format_rupiah;
use crate::domain::user::Permission;
use crate::error::KasirError;
use crate::i18n::{t, Lang};
use crate::service::screen::UserRow;

/// Refusals and warnings.
pub(crate) const ERROR: Color32 = Color32::from_rgb(200, 40, 40);
/// Done, saved, in order.
pub(crate) const GOOD: Color32 = Color32::from_rgb(20, 110, 40);
/// Low-stock rows.
pub(crate) const LOW: Color32 = Color32::from_rgb(190, 100, 0);

/// Request focus for a field only when nothing else has it, so dialogs keep the keyboard.
pub(crate) fn focus_if_free(ui: &egui::Ui, resp: &egui::Response) {
    if ui.memory(|m| m.focused().is_none()) {
        resp.request_focus();
    }
}

/// Enter pressed in a single-line field this frame.
pub(crate) fn submitted(ui: &egui::Ui, resp: &egui::Response) -> bool {
    resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter))
}

/// A labelled one-line text field.
pub(crate) fn field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    width: f32,
) -> egui::Response {
    let l = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).desired_width(width))
        .labelled_by(l.id)
}

/// The code field: takes the keyboard when asked; true when Enter was pressed in it (the
/// next field then takes the keyboard).
pub(crate) fn code_field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    focus: &mut bool,
) -> (egui::Response, bool) {
    let resp = field(ui, label, text, 240.0);
    if std::mem::take(focus) {
        resp.request_focus();
    }
    let enter = submitted(ui, &resp);
    (resp, enter)
}

/// An amount in a table cell; zero is left blank.
pub(crate) fn money_cell(ui: &mut egui::Ui, amount: Decimal) {
    if amount.is_zero() {
        ui.label("");
    } else {
        ui.label(format_rupiah(amount));
    }
}

/// A striped grid whose header row is `headers` (translation keys, one per column), with
/// `body` drawing the rows.
pub(crate) fn table(
    ui: &mut egui::Ui,
    lang: Lang,
    id: &str,
    headers: &[&'static str],
    body: impl FnOnce(&mut egui::Ui),
) {
    egui::Grid::new(id)
        .striped(true)
        .num_columns(headers.len())
        .show(ui, |ui| {
            header_row(ui, lang, headers);
            body(ui);
        });
}

/// The header row of a grid: each translation key in bold (`""` an untitled column, such
/// as one of buttons), then the end of the row.
pub(crate) fn header_row(ui: &mut egui::Ui, lang: Lang, keys: &[&'static str]) {
    for k in keys {
        if k.is_empty() {
            ui.label("");
        } else {
            ui.strong(t(lang, k));
        }
    }
    ui.end_row();
}

pub(crate) fn err_text(e: &KasirError, lang: Lang) -> String {
    e.message(lang)
}

pub(crate) fn window(title: &str) -> egui::Window<'_> {
    egui::Window::new(title)
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
}

/// Supervisor picker and PIN (never shown); true when the approval is submitted. With
/// `take_keyboard` the PIN field holds the keyboard, so digits typed by the supervisor (after
/// picking a name with the mouse, say) can only land in it.
pub(crate) fn supervisor_ui(
    lang: Lang,
    ui: &mut egui::Ui,
    users: &[UserRow],
    approval: &mut Approval,
    take_keyboard: bool,
) -> bool {
    ui.label(t(lang, "override.supervisor"));
    ui.horizontal_wrapped(|ui| {
        for (i, u) in users.iter().enumerate() {
            if u.role.may(Permission::Supervise)
                && ui.selectable_label(approval.user == i, &u.name).clicked()
            {
                approval.user = i;
            }
        }
    });
    let mut submit = false;
    ui.horizontal(|ui| {
        let label = ui.label(t(lang, "login.pin"));
        let resp = ui
            .add(
                egui::TextEdit::singleline(&mut approval.pin)
                    .password(true)
                    .id(egui::Id::unique("supervisor_pin"))
                    .desired_width(120.0),
            )
            .labelled_by(label.id);
        submit |= submitted(ui, &resp);
        if take_keyboard && !resp.has_focus() {
            resp.request_focus();
        } else {
            focus_if_free(ui, &resp);
        }
        submit |= ui.button(t(lang, "override.approve")).clicked();
    });
    if let Some(e) = &approval.error {
        ui.colored_label(ERROR, e.as_str());
    }
    submit
}
