//! Login and selling screens.

use eframe::egui::{self, Align, Color32, Key, Layout, RichText};

use super::{Action, Screen, TillApp};
use crate::domain::money::{format_qty, format_rupiah, parse_amount};
use crate::i18n::t;

/// The scan field's id, so tests and the focus rule can find it.
pub const SCAN_ID: &str = "scan_field";
/// The PIN field's id.
pub const PIN_ID: &str = "pin_field";
/// The cash field's id.
pub const CASH_ID: &str = "cash_field";

pub fn login_ui(app: &mut TillApp, ui: &mut egui::Ui) -> Vec<Action> {
    let lang = app.lang;
    let mut actions = Vec::new();
    let Screen::Login { user, pin, error } = &mut app.screen else {
        return actions;
    };
    egui::CentralPanel::default().show(ui, |ui| {
        ui.vertical_centered(|ui| {
            ui.add_space(40.0);
            ui.heading(
                RichText::new(app.shop.settings().map(|s| s.name).unwrap_or_default()).size(28.0),
            );
            ui.label(t(lang, "login.choose_user"));
            ui.add_space(20.0);
            for (i, u) in app.users.iter().enumerate() {
                let label = format!("{}  ({})", u.name, u.role);
                if ui
                    .add_sized([320.0, 36.0], egui::Button::selectable(*user == i, label))
                    .clicked()
                {
                    actions.push(Action::SelectUser(i));
                }
            }
            ui.add_space(16.0);
            ui.label(t(lang, "login.pin"));
            let resp = ui.add(
                egui::TextEdit::singleline(pin)
                    .password(true)
                    .id(egui::Id::unique(PIN_ID))
                    .desired_width(160.0)
                    .font(egui::TextStyle::Heading),
            );
            // Read Enter before taking focus back: lost_focus() asks the live focus state.
            let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            if ui.memory(|m| m.focused().is_none()) {
                resp.request_focus();
            }
            if ui
                .add_sized([160.0, 36.0], egui::Button::new(t(lang, "login.enter")))
                .clicked()
                || enter
            {
                actions.push(Action::Login);
            }
            if let Some(e) = error {
                ui.colored_label(Color32::from_rgb(200, 40, 40), e.as_str());
            }
            ui.add_space(12.0);
            if ui.button(t(lang, "till.language")).clicked() {
                actions.push(Action::ToggleLang);
            }
        });
    });
    actions
}

pub fn selling_ui(app: &mut TillApp, ui: &mut egui::Ui) -> Vec<Action> {
    let lang = app.lang;
    let mut actions = Vec::new();
    let totals = app
        .cart
        .totals(
            app.shop
                .settings()
                .map(|s| s.tax())
                .unwrap_or(crate::domain::cart::TaxRule {
                    pkp: false,
                    effective_percent: rust_decimal::Decimal::from(11),
                }),
        );
    if ui.input(|i| i.key_pressed(Key::F12)) && app.pay.is_none() {
        actions.push(Action::OpenPay);
    }

    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            if let Some(a) = &app.actor {
                ui.label(format!("{}: {} ({})", t(lang, "till.user"), a.name, a.role));
            }
            ui.separator();
            ui.label(format!("{}: {}", t(lang, "till.counter"), app.till));
            ui.separator();
            ui.label(format!(
                "{}: {}",
                t(lang, "till.printer"),
                app.shop.settings().map(|s| s.printer).unwrap_or_default()
            ));
            ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
                ui.label(chrono::Local::now().format("%d/%m/%Y %H:%M").to_string());
                if ui.button(t(lang, "till.logout")).clicked() {
                    actions.push(Action::Logout);
                }
                if ui.button(t(lang, "till.language")).clicked() {
                    actions.push(Action::ToggleLang);
                }
            });
        });
    });

    egui::Panel::right("totals")
        .exact_size(320.0)
        .show(ui, |ui| {
            ui.add_space(8.0);
            ui.label(RichText::new(t(lang, "till.total")).size(20.0));
            ui.label(
                RichText::new(format_rupiah(totals.total))
                    .size(44.0)
                    .strong(),
            );
            ui.label(format!("{} {}", totals.lines, t(lang, "till.lines")));
            ui.add_space(8.0);
            match &app.cart.member {
                Some(m) => ui.label(
                    RichText::new(format!(
                        "{}: {} {}",
                        t(lang, "till.member"),
                        m.number,
                        m.name
                    ))
                    .color(Color32::from_rgb(20, 110, 40)),
                ),
                None => ui.label(t(lang, "till.no_member")),
            };
            ui.add_space(16.0);
            if ui
                .add_sized(
                    [300.0, 56.0],
                    egui::Button::new(RichText::new(t(lang, "till.pay")).size(24.0)),
                )
                .clicked()
            {
                actions.push(Action::OpenPay);
            }
            if let Some(sale) = &app.last_sale {
                ui.add_space(20.0);
                ui.label(format!("{} {}", t(lang, "till.last_sale"), sale.number));
                ui.label(
                    RichText::new(format!(
                        "{} {}",
                        t(lang, "till.change"),
                        format_rupiah(sale.change)
                    ))
                    .size(32.0)
                    .strong()
                    .color(Color32::from_rgb(20, 110, 40)),
                );
            }
        });

    egui::CentralPanel::default().show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.label(RichText::new(t(lang, "till.scan")).size(18.0));
            let resp = ui.add(
                egui::TextEdit::singleline(&mut app.scan_text)
                    .id(egui::Id::unique(SCAN_ID))
                    .hint_text(t(lang, "till.scan_hint"))
                    .desired_width(f32::INFINITY)
                    .font(egui::TextStyle::Heading),
            );
            if resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) {
                actions.push(Action::Scan(std::mem::take(&mut app.scan_text)));
            }
            if app.pay.is_none() && ui.memory(|m| m.focused().is_none()) {
                resp.request_focus();
            }
        });
        if let Some(n) = &app.notice {
            let color = if n.error {
                Color32::from_rgb(200, 40, 40)
            } else {
                Color32::from_rgb(20, 110, 40)
            };
            ui.colored_label(color, RichText::new(&n.text).size(16.0));
        }
        ui.separator();
        if app.cart.is_empty() {
            ui.add_space(40.0);
            ui.vertical_centered(|ui| {
                ui.label(RichText::new(t(lang, "till.empty")).size(18.0).weak())
            });
        } else {
            cart_table(app, ui, &mut actions);
        }
    });

    if app.pay.is_some() {
        pay_dialog(app, ui, &totals, &mut actions);
    }
    actions
}

fn cart_table(app: &TillApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let lang = app.lang;
    egui::ScrollArea::vertical()
        .stick_to_bottom(true)
        .show_rows(ui, 26.0, app.cart.lines.len() + 1, |ui, range| {
            egui::Grid::new("cart")
                .striped(true)
                .num_columns(6)
                .min_col_width(60.0)
                .show(ui, |ui| {
                    for row in range {
                        if row == 0 {
                            for h in [
                                "till.item",
                                "till.unit",
                                "till.qty",
                                "till.price",
                                "till.subtotal",
                            ] {
                                ui.strong(t(lang, h));
                            }
                            ui.label("");
                            ui.end_row();
                            continue;
                        }
                        let i = row - 1;
                        let l = &app.cart.lines[i];
                        ui.label(&l.item.name);
                        ui.label(&l.item.unit);
                        ui.label(format_qty(l.qty));
                        ui.label(format!(
                            "{} {}",
                            format_rupiah(l.unit_price),
                            if l.tier != crate::domain::catalog::PriceTier::Umum {
                                l.tier.as_str()
                            } else {
                                ""
                            }
                        ));
                        ui.label(format_rupiah(l.amount()));
                        if ui.small_button(t(lang, "till.remove")).clicked() {
                            actions.push(Action::RemoveLine(i));
                        }
                        ui.end_row();
                    }
                });
        });
}

fn pay_dialog(
    app: &mut TillApp,
    ui: &mut egui::Ui,
    totals: &crate::domain::cart::Totals,
    actions: &mut Vec<Action>,
) {
    let lang = app.lang;
    let step = app
        .shop
        .settings()
        .map(|s| s.rounding_step)
        .unwrap_or(rust_decimal::Decimal::ONE_HUNDRED);
    let payable = crate::domain::money::round_cash_down(totals.total, step);
    let Some(pay) = app.pay.as_mut() else { return };
    if ui.input(|i| i.key_pressed(Key::Escape)) {
        actions.push(Action::ClosePay);
        return;
    }
    egui::Window::new(t(lang, "pay.title"))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ui.ctx(), |ui| {
            ui.label(
                RichText::new(format!(
                    "{}: {}",
                    t(lang, "till.total"),
                    format_rupiah(totals.total)
                ))
                .size(22.0),
            );
            if payable != totals.total {
                ui.label(format!(
                    "{}: -{}",
                    t(lang, "pay.rounding"),
                    format_rupiah(totals.total - payable)
                ));
                ui.label(
                    RichText::new(format!(
                        "{}: {}",
                        t(lang, "pay.payable"),
                        format_rupiah(payable)
                    ))
                    .size(26.0)
                    .strong(),
                );
            }
            ui.add_space(8.0);
            ui.label(t(lang, "pay.received"));
            let resp = ui.add(
                egui::TextEdit::singleline(&mut pay.cash_text)
                    .id(egui::Id::unique(CASH_ID))
                    .desired_width(240.0)
                    .font(egui::TextStyle::Heading),
            );
            let enter = resp.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter));
            if !resp.has_focus()
                && ui.memory(|m| {
                    m.focused().is_none() || m.focused() == Some(egui::Id::unique(SCAN_ID))
                })
            {
                resp.request_focus();
            }
            let cash = parse_amount(&pay.cash_text);
            if let Some(c) = cash {
                if c >= payable {
                    ui.label(
                        RichText::new(format!(
                            "{} {}",
                            t(lang, "till.change"),
                            format_rupiah(c - payable)
                        ))
                        .size(22.0),
                    );
                }
            }
            ui.horizontal(|ui| {
                for (label, amount) in super::till::quick_cash(payable, lang) {
                    if ui
                        .add_sized([96.0, 40.0], egui::Button::new(label))
                        .clicked()
                    {
                        actions.push(Action::Pay { cash: amount });
                    }
                }
            });
            if let Some(e) = &pay.error {
                ui.colored_label(Color32::from_rgb(200, 40, 40), e.as_str());
            }
            ui.horizontal(|ui| {
                let confirm = ui
                    .add_sized([150.0, 40.0], egui::Button::new(t(lang, "pay.confirm")))
                    .clicked();
                if confirm || enter {
                    match cash {
                        Some(c) => actions.push(Action::Pay { cash: c }),
                        None if pay.cash_text.trim().is_empty() => {
                            actions.push(Action::Pay { cash: payable })
                        }
                        None => {
                            pay.error = Some(
                                lang.pick("Nominal tidak valid", "Invalid amount")
                                    .to_string(),
                            )
                        }
                    }
                }
                if ui
                    .add_sized([150.0, 40.0], egui::Button::new(t(lang, "pay.cancel")))
                    .clicked()
                {
                    actions.push(Action::ClosePay);
                }
            });
        });
}

/// Quick-cash buttons: the exact amount, then the next sensible notes above it.
pub fn quick_cash(
    payable: rust_decimal::Decimal,
    lang: crate::i18n::Lang,
) -> Vec<(String, rust_decimal::Decimal)> {
    use rust_decimal::Decimal;
    let mut out = vec![(t(lang, "pay.exact").to_string(), payable)];
    let notes = [5_000i64, 10_000, 20_000, 50_000, 100_000];
    let mut seen = vec![payable];
    for step in notes {
        let step = Decimal::from(step);
        let up = (payable / step).ceil() * step;
        if up > payable && !seen.contains(&up) && out.len() < 4 {
            seen.push(up);
            out.push((format_rupiah(up), up));
        }
    }
    out
}
