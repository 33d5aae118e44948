//! Dialogs over the selling screen: help, product search, member lookup, quantity and unit,
//! held sales, supervisor approval, receipt preview. Esc closes any of them unchanged.

use eframe::egui::{self, Key, RichText};

use super::selling::HOTKEYS;
use super::widgets::{focus_if_free, submitted, supervisor_ui, window, ERROR};
use super::*;
use crate::domain::money::{format_qty, format_rupiah};
use crate::domain::user::Permission;
use crate::i18n::t;

/// A supervisor's name and PIN being typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Approval {
    pub user: usize,
    pub pin: String,
    pub error: Option<String>,
}

/// What a supervisor is asked to approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideKind {
    Discount,
    Price,
    VoidLine,
    VoidSale,
    /// Sell beyond the stock on hand: asked for when a scan or pick is refused for stock.
    Oversell,
}

/// A dialog over the selling screen; at most one is open, Esc closes it with no side effect.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    Help,
    Search {
        query: String,
        results: Vec<ItemRef>,
        selected: usize,
    },
    Member {
        query: String,
        results: Vec<MemberRow>,
        selected: usize,
    },
    Qty {
        line: usize,
        text: String,
        units: Vec<ItemRef>,
        unit: usize,
        error: Option<String>,
        /// A weighed line: the dialog offers Timbang (weigh) and a tare.
        weighed: bool,
        /// Tare in grams, subtracted from the scale's weight.
        tare: String,
        /// The quantity text the scale gave (anything else was typed).
        from_scale: Option<String>,
        /// Select the quantity text on the next frame (just opened): typing replaces it.
        select_all: bool,
    },
    Held {
        rows: Vec<HeldRow>,
        selected: usize,
    },
    Supervise {
        kind: OverrideKind,
        line: usize,
        amount: String,
        approval: Approval,
        /// For [`OverrideKind::Oversell`]: the cart with the refused item on line `line`,
        /// which becomes the cart once approved, and the refusal shown.
        pending: Option<Box<(Cart, String)>>,
    },
    Pay(Box<PayState>),
    Receipt {
        title: String,
        text: String,
        /// The sale it belongs to, for a reprint.
        sale: Option<String>,
    },
    /// A prescription-only drug was scanned: the prescription and a pharmacist's PIN.
    Prescription(Box<RxForm>),
    /// A return against a receipt number.
    Return(Box<ReturnForm>),
}

/// Up/Down move a list selection; Enter picks it.
fn list_keys(ui: &egui::Ui, selected: &mut usize, len: usize) -> bool {
    ui.input(|i| {
        if i.key_pressed(Key::ArrowDown) && *selected + 1 < len {
            *selected += 1;
        }
        if i.key_pressed(Key::ArrowUp) && *selected > 0 {
            *selected -= 1;
        }
    });
    false
}

pub fn dialog_ui(app: &mut TillApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let lang = app.lang;
    let users = app.users.clone();
    let cart_line = |i: usize| {
        app.cart
            .lines
            .get(i)
            .map(|l| format!("{} — {} {}", l.item.name, format_qty(l.qty), l.item.unit))
    };
    let line_names: Vec<Option<String>> = (0..app.cart.lines.len()).map(cart_line).collect();
    let scale_state = app.scale.shown(lang);
    let Some(dialog) = app.dialog.as_mut() else {
        return;
    };
    let ctx = ui.ctx().clone();
    match dialog {
        Dialog::Help => {
            window(t(lang, "help.title")).show(&ctx, |ui| {
                ui.label(t(lang, "help.intro"));
                egui::Grid::new("help").num_columns(2).show(ui, |ui| {
                    for (k, what) in HOTKEYS {
                        ui.strong(*k);
                        ui.label(t(lang, what));
                        ui.end_row();
                    }
                });
                ui.label(t(lang, "help.qty"));
                if ui.button(t(lang, "pay.cancel")).clicked() {
                    actions.push(Action::CloseDialog);
                }
            });
        }
        Dialog::Search {
            query,
            results,
            selected,
        } => {
            window(t(lang, "search.title")).show(&ctx, |ui| {
                ui.set_min_width(560.0);
                let resp = ui.add(
                    egui::TextEdit::singleline(query)
                        .id(egui::Id::unique(SEARCH_ID))
                        .hint_text(t(lang, "search.hint"))
                        .desired_width(540.0)
                        .font(egui::TextStyle::Heading),
                );
                if resp.changed() {
                    actions.push(Action::SearchChanged);
                }
                let enter = submitted(ui, &resp);
                focus_if_free(ui, &resp);
                list_keys(ui, selected, results.len());
                if enter && !results.is_empty() {
                    actions.push(Action::PickItem(*selected));
                }
                egui::ScrollArea::vertical()
                    .max_height(360.0)
                    .show(ui, |ui| {
                        for (i, item) in results.iter().enumerate() {
                            let label = format!(
                                "{}  ·  {}  ·  {}  ·  {}",
                                item.name,
                                item.unit,
                                format_rupiah(item.prices.umum),
                                item.sku
                            );
                            if ui
                                .add(egui::Button::selectable(i == *selected, label))
                                .clicked()
                            {
                                actions.push(Action::PickItem(i));
                            }
                        }
                        if results.is_empty() && !query.trim().is_empty() {
                            ui.label(t(lang, "search.nothing"));
                        }
                    });
            });
        }
        Dialog::Member {
            query,
            results,
            selected,
        } => {
            window(t(lang, "member.title")).show(&ctx, |ui| {
                ui.set_min_width(520.0);
                let resp = ui.add(
                    egui::TextEdit::singleline(query)
                        .id(egui::Id::unique("member_field"))
                        .hint_text(t(lang, "member.hint"))
                        .desired_width(500.0)
                        .font(egui::TextStyle::Heading),
                );
                if resp.changed() {
                    actions.push(Action::MemberChanged);
                }
                let enter = submitted(ui, &resp);
                focus_if_free(ui, &resp);
                list_keys(ui, selected, results.len());
                if enter && !results.is_empty() {
                    actions.push(Action::PickMember(*selected));
                }
                for (i, m) in results.iter().enumerate() {
                    let label = format!(
                        "{}  {}  ·  {}  ·  {} {}",
                        m.number,
                        m.name,
                        m.phone.as_deref().unwrap_or("-"),
                        t(lang, "till.kasbon_left"),
                        format_rupiah(m.cart_member().kasbon_available())
                    );
                    if ui
                        .add(egui::Button::selectable(i == *selected, label))
                        .clicked()
                    {
                        actions.push(Action::PickMember(i));
                    }
                }
                if results.is_empty() && !query.trim().is_empty() {
                    ui.label(t(lang, "search.nothing"));
                }
            });
        }
        Dialog::Qty {
            line,
            text,
            units,
            unit,
            error,
            weighed,
            tare,
            select_all,
            ..
        } => {
            let name = line_names.get(*line).cloned().flatten().unwrap_or_default();
            window(t(lang, "qty.title")).show(&ctx, |ui| {
                ui.label(RichText::new(name).strong());
                ui.horizontal(|ui| {
                    let label = ui.label(t(lang, "till.qty"));
                    let id = egui::Id::unique("qty_field");
                    if std::mem::take(select_all) {
                        // Opened with the quantity selected: what is typed replaces it.
                        let mut state =
                            egui::text_edit::TextEditState::load(ui.ctx(), id).unwrap_or_default();
                        state.cursor.set_char_range(Some(
                            egui::text_selection::CCursorRange::select_all_str(text),
                        ));
                        state.store(ui.ctx(), id);
                        ui.memory_mut(|m| m.request_focus(id));
                    }
                    let resp = ui
                        .add(
                            egui::TextEdit::singleline(text)
                                .id(id)
                                .desired_width(120.0)
                                .font(egui::TextStyle::Heading),
                        )
                        .labelled_by(label.id);
                    if submitted(ui, &resp) {
                        actions.push(Action::ApplyQty);
                    }
                    focus_if_free(ui, &resp);
                });
                if units.len() > 1 {
                    ui.horizontal_wrapped(|ui| {
                        ui.label(t(lang, "till.unit"));
                        for (i, u) in units.iter().enumerate() {
                            let label = format!("{} ({})", u.unit, format_rupiah(u.prices.umum));
                            if ui.selectable_label(*unit == i, label).clicked() {
                                *unit = i;
                            }
                        }
                    });
                }
                if *weighed {
                    ui.horizontal(|ui| {
                        let label = ui.label(t(lang, "scale.tare_label"));
                        ui.add(
                            egui::TextEdit::singleline(tare)
                                .id(egui::Id::unique("tare_field"))
                                .desired_width(80.0),
                        )
                        .labelled_by(label.id);
                        ui.label(format!("{}: {scale_state}", t(lang, "scale.title")));
                    });
                }
                if let Some(e) = error {
                    ui.colored_label(ERROR, e.as_str());
                }
                ui.horizontal(|ui| {
                    if *weighed && ui.button(t(lang, "scale.weigh")).clicked() {
                        actions.push(Action::Weigh);
                    }
                    if ui.button(t(lang, "pay.confirm")).clicked() {
                        actions.push(Action::ApplyQty);
                    }
                    if ui.button(t(lang, "pay.cancel")).clicked() {
                        actions.push(Action::CloseDialog);
                    }
                });
            });
        }
        Dialog::Held { rows, selected } => {
            window(t(lang, "hold.title")).show(&ctx, |ui| {
                list_keys(ui, selected, rows.len());
                if ui.input(|i| i.key_pressed(Key::Enter)) {
                    if let Some(r) = rows.get(*selected) {
                        actions.push(Action::Recall(r.id));
                    }
                }
                for (i, r) in rows.iter().enumerate() {
                    let label = format!(
                        "{}  ·  {} {}  ·  {}  ·  {}",
                        r.label,
                        r.lines,
                        t(lang, "till.lines"),
                        format_rupiah(r.total),
                        r.created_at.get(11..16).unwrap_or("")
                    );
                    if ui
                        .add(egui::Button::selectable(i == *selected, label))
                        .clicked()
                    {
                        actions.push(Action::Recall(r.id));
                    }
                }
            });
        }
        Dialog::Supervise {
            kind,
            line,
            amount,
            approval,
            pending,
        } => {
            let title = match kind {
                OverrideKind::Discount => t(lang, "key.discount"),
                OverrideKind::Price => t(lang, "key.price"),
                OverrideKind::VoidLine => t(lang, "key.void_line"),
                OverrideKind::VoidSale => t(lang, "key.void_sale"),
                OverrideKind::Oversell => t(lang, "override.oversell"),
            };
            let what = match (*kind, pending.as_ref()) {
                (OverrideKind::VoidSale, _) => t(lang, "override.whole_sale").to_string(),
                (_, Some(p)) => p.1.clone(),
                _ => line_names.get(*line).cloned().flatten().unwrap_or_default(),
            };
            let needs_amount = matches!(kind, OverrideKind::Discount | OverrideKind::Price);
            window(title).show(&ctx, |ui| {
                ui.label(RichText::new(what).strong());
                // The amount first; once typed (Enter or a click elsewhere) the PIN field
                // keeps the keyboard.
                let mut typing_amount = false;
                if needs_amount {
                    ui.horizontal(|ui| {
                        let label = ui.label(if *kind == OverrideKind::Discount {
                            t(lang, "override.discount_amount")
                        } else {
                            t(lang, "override.new_price")
                        });
                        let resp = ui
                            .add(
                                egui::TextEdit::singleline(amount)
                                    .id(egui::Id::unique("override_amount"))
                                    .desired_width(140.0),
                            )
                            .labelled_by(label.id);
                        if amount.trim().is_empty() {
                            focus_if_free(ui, &resp);
                        }
                        typing_amount = resp.has_focus() || amount.trim().is_empty();
                    });
                }
                if supervisor_ui(lang, ui, &users, approval, !typing_amount) {
                    actions.push(Action::Approve);
                }
            });
        }
        Dialog::Receipt { title, text, sale } => {
            window(title).show(&ctx, |ui| {
                egui::ScrollArea::vertical()
                    .max_height(460.0)
                    .show(ui, |ui| {
                        ui.label(RichText::new(text.as_str()).monospace());
                    });
                ui.horizontal(|ui| {
                    if sale.is_some() && ui.button(t(lang, "receipt.reprint")).clicked() {
                        actions.push(Action::ReprintLast);
                    }
                    if ui.button(t(lang, "pay.cancel")).clicked() {
                        actions.push(Action::CloseDialog);
                    }
                });
            });
        }
        Dialog::Prescription(rx) => {
            window(t(lang, "rx.title")).show(&ctx, |ui| {
                ui.label(RichText::new(&rx.product).strong());
                ui.label(t(lang, "rx.hint"));
                egui::Grid::new("rx").num_columns(2).show(ui, |ui| {
                    for (i, (key, field)) in [
                        ("rx.number", &mut rx.number),
                        ("rx.doctor", &mut rx.doctor),
                        ("rx.sip", &mut rx.sip),
                        ("rx.patient", &mut rx.patient),
                        ("rx.date", &mut rx.date),
                    ]
                    .into_iter()
                    .enumerate()
                    {
                        let label = ui.label(t(lang, key));
                        let resp = ui
                            .add(
                                egui::TextEdit::singleline(field)
                                    .id(egui::Id::unique(("rx", i)))
                                    .desired_width(260.0),
                            )
                            .labelled_by(label.id);
                        if i == 0 {
                            focus_if_free(ui, &resp);
                        }
                        ui.end_row();
                    }
                    let prescribed = format!("{} ({})", t(lang, "rx.prescribed"), rx.base_unit);
                    let mut more = vec![
                        (prescribed, &mut rx.prescribed, "rx_qty"),
                        (t(lang, "rx.iter").to_string(), &mut rx.iter, "rx_iter"),
                    ];
                    if rx.needs_reason {
                        more.push((
                            t(lang, "rx.reason").to_string(),
                            &mut rx.reason,
                            "rx_reason",
                        ));
                    }
                    for (text, field, id) in more {
                        let label = ui.label(text);
                        ui.add(
                            egui::TextEdit::singleline(field)
                                .id(egui::Id::unique(id))
                                .desired_width(260.0),
                        )
                        .labelled_by(label.id);
                        ui.end_row();
                    }
                });
                ui.label(t(lang, "rx.pharmacist"));
                ui.horizontal_wrapped(|ui| {
                    for (i, u) in users.iter().enumerate() {
                        if u.role.may(Permission::ApprovePrescription)
                            && ui
                                .selectable_label(rx.pharmacist.user == i, &u.name)
                                .clicked()
                        {
                            rx.pharmacist.user = i;
                        }
                    }
                });
                let mut submit = false;
                ui.horizontal(|ui| {
                    let label = ui.label(t(lang, "login.pin"));
                    let resp = ui
                        .add(
                            egui::TextEdit::singleline(&mut rx.pharmacist.pin)
                                .password(true)
                                .id(egui::Id::unique("rx_pin"))
                                .desired_width(120.0),
                        )
                        .labelled_by(label.id);
                    submit |= submitted(ui, &resp);
                    submit |= ui.button(t(lang, "override.approve")).clicked();
                });
                if let Some(e) = &rx.pharmacist.error {
                    ui.colored_label(ERROR, e.as_str());
                }
                if submit {
                    actions.push(Action::ApprovePrescription);
                }
            });
        }
        Dialog::Return(form) => super::returns::return_ui(lang, &ctx, &users, form, actions),
        Dialog::Pay(_) => {}
    }
}
