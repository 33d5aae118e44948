//! Returns at the till: the form (receipt number, items scanned, a supervisor's PIN) and
//! booking it through the returns service; the form closes once booked.

use eframe::egui;

use super::widgets::{focus_if_free, supervisor_ui, window};
use super::*;
use crate::domain::money::format_rupiah;
use crate::i18n::t;
use crate::i18n::Lang;
use crate::service::screen::UserRow;

/// The return form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReturnForm {
    pub sale: String,
    /// `CODE[*QTY]` entries separated by spaces.
    pub items: String,
    pub approval: Approval,
}

impl TillApp {
    pub(super) fn submit_return(&mut self) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let Some(Dialog::Return(form)) = &mut self.dialog else {
            return;
        };
        let pin = std::mem::take(&mut form.approval.pin);
        let form = form.clone();
        let Some(sup) = self
            .users
            .get(form.approval.user)
            .map(|u| u.username.clone())
        else {
            return;
        };
        let entries: Vec<String> = form.items.split_whitespace().map(String::from).collect();
        let till = self.till.clone();
        let result = crate::service::returns::parse_return_items(&entries).and_then(|items| {
            let approver = self.shop.supervisor(&sup, &pin)?;
            self.shop
                .return_items(&actor, Some(&approver), &till, form.sale.trim(), &items)
        });
        match result {
            Ok(r) => {
                // The return is booked: the form goes, so Enter cannot book it a second time.
                self.dialog = None;
                if let Some(p) = &self.printer {
                    p.wake();
                }
                let msg = format!(
                    "{} {}: {} {}",
                    t(lang, "return.done"),
                    r.number,
                    t(lang, "return.refund"),
                    format_rupiah(r.refund_cash + r.refund_kasbon)
                );
                self.notify(msg, false);
            }
            Err(e) => {
                if let Some(Dialog::Return(f)) = &mut self.dialog {
                    f.approval.error = Some(err_text(&e, lang));
                }
            }
        }
    }
}

/// The return form over the selling screen: the receipt number (the last sale's to start
/// with), the items (scanned), and a supervisor's PIN; Enter in the PIN books it.
pub(super) fn return_ui(
    lang: Lang,
    ctx: &egui::Context,
    users: &[UserRow],
    form: &mut ReturnForm,
    actions: &mut Vec<Action>,
) {
    window(t(lang, "return.title")).show(ctx, |ui| {
        // Items come from the scanner; the PIN field has the keyboard once the receipt
        // number is there, unless the cashier clicks a field to type in it.
        let mut typing_form = form.sale.trim().is_empty();
        egui::Grid::new("return").num_columns(2).show(ui, |ui| {
            let label = ui.label(t(lang, "return.sale"));
            let resp = ui
                .add(
                    egui::TextEdit::singleline(&mut form.sale)
                        .id(egui::Id::unique("return_sale"))
                        .desired_width(280.0),
                )
                .labelled_by(label.id);
            if form.sale.trim().is_empty() {
                focus_if_free(ui, &resp);
            }
            typing_form |= resp.has_focus();
            ui.end_row();
            let label = ui.label(t(lang, "return.items"));
            let resp = ui
                .add(
                    egui::TextEdit::singleline(&mut form.items)
                        .id(egui::Id::unique("return_items"))
                        .hint_text(t(lang, "return.items_hint"))
                        .desired_width(280.0),
                )
                .labelled_by(label.id);
            typing_form |= resp.has_focus();
            ui.end_row();
        });
        if supervisor_ui(lang, ui, users, &mut form.approval, !typing_form) {
            actions.push(Action::SubmitReturn);
        }
        if ui.button(t(lang, "pay.cancel")).clicked() {
            actions.push(Action::CloseDialog);
        }
    });
}
