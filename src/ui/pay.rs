//! The payment dialog: split tender, quick cash, rounding, change, kasbon approval.

use eframe::egui::{self, RichText};
use rust_decimal::Decimal;

use super::selling::quick_cash;
use super::widgets::supervisor_ui;
use super::widgets::{focus_if_free, submitted, ERROR, GOOD};
use super::*;
use crate::domain::cart::Totals;
use crate::domain::money::{format_rupiah, AllowSen, Amount};
use crate::i18n::t;

fn amount_field(ui: &mut egui::Ui, label: &str, text: &mut String, id: &str) -> egui::Response {
    let label = ui.label(label);
    ui.add_sized(
        [180.0, 30.0],
        egui::TextEdit::singleline(text)
            .id(egui::Id::unique(id))
            .font(egui::TextStyle::Heading),
    )
    .labelled_by(label.id)
}

fn reference_field(
    ui: &mut egui::Ui,
    lang: crate::i18n::Lang,
    text: &mut String,
    id: &str,
) -> egui::Response {
    let label = ui.label(t(lang, "pay.reference"));
    ui.add_sized(
        [140.0, 30.0],
        egui::TextEdit::singleline(text).id(egui::Id::unique(id)),
    )
    .labelled_by(label.id)
}

pub fn pay_dialog(
    app: &mut TillApp,
    ui: &mut egui::Ui,
    totals: &Totals,
    actions: &mut Vec<Action>,
) {
    let lang = app.lang;
    let step = app.settings.rounding_step;
    let users = app.users.clone();
    let member = app.cart.member.clone();
    let Some(Dialog::Pay(pay)) = app.dialog.as_mut() else {
        return;
    };
    let amount = |s: &str| Amount::parse(s, AllowSen::No).unwrap_or_default();
    let non_cash = amount(&pay.qris) + amount(&pay.transfer) + amount(&pay.kasbon);
    let due = app.cart.cash_due(non_cash, step);
    let (rest, cash_due) = (due.rest, due.due);
    let ctx = ui.ctx().clone();
    egui::Window::new(t(lang, "pay.title"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(&ctx, |ui| {
            ui.set_min_width(520.0);
            ui.label(
                RichText::new(format!(
                    "{}: {}",
                    t(lang, "till.total"),
                    format_rupiah(totals.total)
                ))
                .size(26.0)
                .strong(),
            );
            if cash_due != rest {
                ui.label(format!(
                    "{}: -{}",
                    t(lang, "pay.rounding"),
                    format_rupiah(rest - cash_due)
                ));
            }
            ui.label(
                RichText::new(format!(
                    "{}: {}",
                    t(lang, "pay.cash_due"),
                    format_rupiah(cash_due)
                ))
                .size(22.0),
            );
            ui.add_space(6.0);
            // While a supervisor approves, the tenders are locked and the PIN field has the
            // keyboard: no typed digit can reach an amount.
            let approving = pay.needs_approval;
            if !approving && std::mem::take(&mut pay.refocus) {
                let id = egui::Id::unique(pay.return_to.unwrap_or(CASH_ID));
                ui.memory_mut(|m| m.request_focus(id));
            }
            let mut enter = false;
            let mut focused = None;
            ui.add_enabled_ui(!approving, |ui| {
                egui::Grid::new("tenders")
                    .num_columns(4)
                    .spacing([10.0, 6.0])
                    .show(ui, |ui| {
                        let mut track = |ui: &egui::Ui, resp: &egui::Response, id| {
                            enter |= submitted(ui, resp);
                            if resp.has_focus() {
                                focused = Some(id);
                            }
                        };
                        let resp =
                            amount_field(ui, t(lang, "pay.received"), &mut pay.cash, CASH_ID);
                        track(ui, &resp, CASH_ID);
                        if !approving && !resp.has_focus() {
                            focus_if_free(ui, &resp);
                        }
                        ui.end_row();
                        let resp =
                            amount_field(ui, t(lang, "pay.qris"), &mut pay.qris, "qris_field");
                        track(ui, &resp, "qris_field");
                        let resp = reference_field(ui, lang, &mut pay.qris_ref, "qris_ref");
                        track(ui, &resp, "qris_ref");
                        ui.end_row();
                        let resp = amount_field(
                            ui,
                            t(lang, "pay.transfer"),
                            &mut pay.transfer,
                            "transfer_field",
                        );
                        track(ui, &resp, "transfer_field");
                        let resp = reference_field(ui, lang, &mut pay.transfer_ref, "transfer_ref");
                        track(ui, &resp, "transfer_ref");
                        ui.end_row();
                        if let Some(m) = &member {
                            let resp = amount_field(
                                ui,
                                t(lang, "pay.kasbon"),
                                &mut pay.kasbon,
                                "kasbon_field",
                            );
                            track(ui, &resp, "kasbon_field");
                            ui.label(format!(
                                "{} {}",
                                t(lang, "till.kasbon_left"),
                                format_rupiah(m.kasbon_available())
                            ));
                            ui.end_row();
                        }
                    });
            });
            if focused.is_some() {
                pay.return_to = focused;
            }
            // The change line keeps its space when empty, so the dialog does not jump.
            let change = Amount::parse(&pay.cash, AllowSen::No)
                .ok()
                .filter(|c| cash_due > Decimal::ZERO && *c >= cash_due)
                .map(|c| format!("{} {}", t(lang, "till.change"), format_rupiah(c - cash_due)));
            ui.label(
                RichText::new(change.unwrap_or_else(|| " ".into()))
                    .size(26.0)
                    .color(GOOD),
            );
            // Quick cash keeps its row when nothing is due in cash, so the dialog stays put.
            ui.horizontal(|ui| {
                ui.set_min_height(44.0);
                if cash_due > Decimal::ZERO && !approving {
                    for (label, amount) in quick_cash(cash_due, lang) {
                        if ui
                            .add_sized(
                                [110.0, 44.0],
                                egui::Button::new(RichText::new(label).size(17.0)),
                            )
                            .clicked()
                        {
                            actions.push(Action::PayCash(amount));
                        }
                    }
                }
            });
            if let Some(e) = &pay.error {
                ui.colored_label(ERROR, e.as_str());
            }
            if approving && supervisor_ui(lang, ui, &users, &mut pay.approval, true) {
                actions.push(Action::ApproveKasbon);
            }
            if let Some(a) = &pay.approver {
                ui.label(format!("{}: {}", t(lang, "override.approved_by"), a.name));
            }
            ui.horizontal(|ui| {
                if ui
                    .add_enabled(
                        !approving,
                        egui::Button::new(t(lang, "pay.confirm")).min_size([170.0, 44.0].into()),
                    )
                    .clicked()
                    || (enter && !approving)
                {
                    actions.push(Action::Pay);
                }
                if ui
                    .add_sized([170.0, 44.0], egui::Button::new(t(lang, "pay.cancel")))
                    .clicked()
                {
                    actions.push(Action::CloseDialog);
                }
            });
        });
}

/// The payment dialog's state: one field per tender.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PayState {
    pub cash: String,
    pub qris: String,
    pub qris_ref: String,
    pub transfer: String,
    pub transfer_ref: String,
    pub kasbon: String,
    pub error: Option<String>,
    /// Kasbon above the limit was asked: a supervisor must approve.
    pub needs_approval: bool,
    pub approval: Approval,
    pub approver: Option<Actor>,
    /// The kasbon amount the approver approved; another amount needs approving again.
    pub approved_kasbon: String,
    /// The payment field the cashier was in, where the keyboard goes back after an approval.
    pub return_to: Option<&'static str>,
    /// Give the keyboard back to `return_to` on the next frame.
    pub refocus: bool,
}

impl TillApp {
    /// The tenders typed in the payment dialog. An empty cash field pays the rest in cash,
    /// exactly (after rounding).
    pub(super) fn tenders(
        &self,
        pay: &PayState,
        quick_cash: Option<Decimal>,
    ) -> Result<Vec<Tender>> {
        let lang = self.lang;
        let field = |text: &str, what: &str| -> Result<Option<Decimal>> {
            if text.trim().is_empty() {
                return Ok(None);
            }
            // Every tender is whole rupiah: no coin is smaller.
            Amount::parse(text, AllowSen::No).map(Some).map_err(|e| {
                KasirError::invalid(
                    format!("{what}: {}", number_message(&e, Lang::Id)),
                    format!("{what}: {}", number_message(&e, Lang::En)),
                )
            })
        };
        let mut out = Vec::new();
        let reference = |r: &str| (!r.trim().is_empty()).then(|| r.trim().to_string());
        for (kind, text, r, label) in [
            (TenderKind::Qris, &pay.qris, Some(&pay.qris_ref), "pay.qris"),
            (
                TenderKind::Transfer,
                &pay.transfer,
                Some(&pay.transfer_ref),
                "pay.transfer",
            ),
            (TenderKind::Kasbon, &pay.kasbon, None, "pay.kasbon"),
        ] {
            if let Some(a) = field(text, t(lang, label))? {
                out.push(Tender {
                    kind,
                    amount: a,
                    reference: r.and_then(|r| reference(r)),
                });
            }
        }
        let non_cash: Decimal = out.iter().map(|t| t.amount).sum();
        let cash = match quick_cash {
            Some(c) => Some(c),
            None => match field(&pay.cash, t(lang, "pay.cash"))? {
                Some(c) => Some(c),
                // An empty cash field pays the rest in cash; a rest below the smallest coin
                // is rounded away (no Rp0 cash tender).
                None => Some(
                    self.cart
                        .cash_due(non_cash, self.settings.rounding_step)
                        .due,
                )
                .filter(|c| *c > Decimal::ZERO),
            },
        };
        if let Some(c) = cash {
            out.push(Tender {
                kind: TenderKind::Cash,
                amount: c,
                reference: None,
            });
        }
        Ok(out)
    }

    pub(super) fn pay(&mut self, quick_cash: Option<Decimal>) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let Some(Dialog::Pay(pay)) = &self.dialog else {
            return;
        };
        let tenders = match self.tenders(pay, quick_cash) {
            Ok(t) => t,
            Err(e) => {
                if let Some(Dialog::Pay(p)) = &mut self.dialog {
                    p.error = Some(err_text(&e, lang));
                }
                return;
            }
        };
        if let Some(e) = &self.damaged {
            let text = err_text(e, lang);
            if let Some(Dialog::Pay(p)) = &mut self.dialog {
                p.error = Some(text);
            }
            return;
        }
        let approver = pay
            .approver
            .clone()
            .filter(|_| pay.approved_kasbon.trim() == pay.kasbon.trim());
        match self.shop.checkout_approved(
            &actor,
            &self.till,
            &self.cart,
            &tenders,
            approver.as_ref(),
        ) {
            Ok(sale) => {
                tracing::info!(number = %sale.number, total = %sale.payable, "sale committed");
                self.cart = Cart::default();
                self.selected = None;
                self.dialog = None;
                self.show_change = true;
                self.notify(format!("{} {}", t(lang, "pay.done"), sale.number), false);
                if let Some(p) = &self.printer {
                    p.wake();
                }
                self.last_sale = Some(sale);
            }
            Err(e) => {
                let over = matches!(e, KasirError::Pay(PayError::KasbonOverLimit { .. }));
                if let Some(Dialog::Pay(p)) = &mut self.dialog {
                    p.error = Some(err_text(&e, lang));
                    p.needs_approval |= over;
                }
            }
        }
    }

    pub(super) fn approve_kasbon(&mut self) {
        let lang = self.lang;
        let Some(Dialog::Pay(pay)) = &mut self.dialog else {
            return;
        };
        let Some(u) = self.users.get(pay.approval.user) else {
            return;
        };
        let username = u.username.clone();
        let pin = std::mem::take(&mut pay.approval.pin);
        match self.shop.supervisor(&username, &pin) {
            Ok(sup) => {
                // Approving does not pay: the cashier is back in their field and their
                // Enter commits the sale.
                if let Some(Dialog::Pay(p)) = &mut self.dialog {
                    p.approver = Some(sup);
                    p.approved_kasbon = p.kasbon.clone();
                    p.needs_approval = false;
                    p.error = None;
                    p.approval.error = None;
                    p.refocus = true;
                }
            }
            Err(e) => {
                if let Some(Dialog::Pay(p)) = &mut self.dialog {
                    p.approval.error = Some(err_text(&e, lang));
                }
            }
        }
    }
}
