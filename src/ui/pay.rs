//! The payment dialog: split tender, quick cash, rounding, change, kasbon approval.

use eframe::egui::{self, RichText};
use rust_decimal::Decimal;

use super::dialogs::supervisor_ui;
use super::login::{focus_if_free, submitted, ERROR, GOOD};
use super::selling::quick_cash;
use super::{Action, Dialog, TillApp, CASH_ID};
use crate::domain::cart::Totals;
use crate::domain::money::{format_rupiah, round_cash_down, AllowSen, Amount};
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
    let rest = (totals.total - non_cash).max(Decimal::ZERO);
    let cash_due = round_cash_down(rest, step);
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
            let mut enter = false;
            egui::Grid::new("tenders")
                .num_columns(4)
                .spacing([10.0, 6.0])
                .show(ui, |ui| {
                    let resp = amount_field(ui, t(lang, "pay.received"), &mut pay.cash, CASH_ID);
                    enter |= submitted(ui, &resp);
                    if !resp.has_focus() {
                        focus_if_free(ui, &resp);
                    }
                    ui.end_row();
                    let resp = amount_field(ui, t(lang, "pay.qris"), &mut pay.qris, "qris_field");
                    enter |= submitted(ui, &resp);
                    let label = ui.label(t(lang, "pay.reference"));
                    ui.add_sized(
                        [140.0, 30.0],
                        egui::TextEdit::singleline(&mut pay.qris_ref)
                            .id(egui::Id::unique("qris_ref")),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                    let resp = amount_field(
                        ui,
                        t(lang, "pay.transfer"),
                        &mut pay.transfer,
                        "transfer_field",
                    );
                    enter |= submitted(ui, &resp);
                    let label = ui.label(t(lang, "pay.reference"));
                    ui.add_sized(
                        [140.0, 30.0],
                        egui::TextEdit::singleline(&mut pay.transfer_ref)
                            .id(egui::Id::unique("transfer_ref")),
                    )
                    .labelled_by(label.id);
                    ui.end_row();
                    if let Some(m) = &member {
                        let resp = amount_field(
                            ui,
                            t(lang, "pay.kasbon"),
                            &mut pay.kasbon,
                            "kasbon_field",
                        );
                        enter |= submitted(ui, &resp);
                        ui.label(format!(
                            "{} {}",
                            t(lang, "till.kasbon_left"),
                            format_rupiah(m.kasbon_available())
                        ));
                        ui.end_row();
                    }
                });
            if let Ok(c) = Amount::parse(&pay.cash, AllowSen::No) {
                if c >= cash_due {
                    ui.label(
                        RichText::new(format!(
                            "{} {}",
                            t(lang, "till.change"),
                            format_rupiah(c - cash_due)
                        ))
                        .size(26.0)
                        .color(GOOD),
                    );
                }
            }
            if cash_due > Decimal::ZERO {
                ui.horizontal(|ui| {
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
                });
            }
            if let Some(e) = &pay.error {
                ui.colored_label(ERROR, e.as_str());
            }
            if pay.needs_approval && supervisor_ui(lang, ui, &users, &mut pay.approval) {
                actions.push(Action::ApproveKasbon);
            }
            if let Some(a) = &pay.approver {
                ui.label(format!("{}: {}", t(lang, "override.approved_by"), a.name));
            }
            ui.horizontal(|ui| {
                if ui
                    .add_sized([170.0, 44.0], egui::Button::new(t(lang, "pay.confirm")))
                    .clicked()
                    || (enter && !pay.needs_approval)
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
