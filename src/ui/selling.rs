//! The selling screen: scan field, cart, big total, member badge, hotkeys, status bar.

use eframe::egui::{self, Align, Key, Layout, RichText};
use rust_decimal::Decimal;

use super::widgets::{focus_if_free, submitted, ERROR, GOOD};
use super::{
    dialogs, err_text, pay, Action, Approval, BackKind, Dialog, OverrideKind, TillApp, SCAN_ID,
};
use crate::domain::cart::Cart;
use crate::domain::catalog::PriceTier;
use crate::domain::money::{format_qty, format_rupiah};
use crate::domain::user::Permission;
use crate::error::KasirError;
use crate::i18n::{t, Lang};

/// The hotkeys, as shown on screen and in help: (key, action text key).
pub const HOTKEYS: &[(&str, &str)] = &[
    ("F1", "key.help"),
    ("F2", "key.search"),
    ("F3", "key.member"),
    ("F4", "key.qty"),
    ("F5", "key.hold"),
    ("F6", "key.discount"),
    ("F7", "key.price"),
    ("F8", "key.void_line"),
    ("F9", "key.void_sale"),
    ("F10", "key.receipt"),
    ("F11", "key.return"),
    ("F12", "key.pay"),
    ("Esc", "key.close"),
];

/// The selling screen's keys. With a dialog open none of them act: the dialog has the
/// keyboard (its own lists take Up/Down).
fn hotkey_actions(ui: &egui::Ui, dialog_open: bool, current: Option<usize>) -> Vec<Action> {
    let mut out = Vec::new();
    ui.input(|i| {
        if dialog_open {
            return;
        }
        // Up/Down walk the cart lines; F4 and F6–F8 act on the selected one.
        if let Some(cur) = current {
            if i.key_pressed(Key::ArrowUp) && cur > 0 {
                out.push(Action::SelectLine(cur - 1));
            }
            if i.key_pressed(Key::ArrowDown) {
                out.push(Action::SelectLine(cur + 1));
            }
        }
        let map = [
            (Key::F1, Action::Help),
            (Key::F2, Action::OpenSearch),
            (Key::F3, Action::OpenMember),
            (Key::F4, Action::OpenQty),
            (Key::F5, Action::HoldOrRecall),
            (Key::F6, Action::AskSupervisor(OverrideKind::Discount)),
            (Key::F7, Action::AskSupervisor(OverrideKind::Price)),
            (Key::F8, Action::AskSupervisor(OverrideKind::VoidLine)),
            (Key::F9, Action::AskSupervisor(OverrideKind::VoidSale)),
            (Key::F10, Action::ShowLastReceipt),
            (Key::F11, Action::OpenReturn),
            (Key::F12, Action::OpenPay),
        ];
        for (k, a) in map {
            if i.key_pressed(k) {
                out.push(a);
            }
        }
    });
    out
}

pub fn selling_ui(app: &mut TillApp, ui: &mut egui::Ui) -> Vec<Action> {
    let lang = app.lang;
    let mut actions = hotkey_actions(ui, app.dialog.is_some(), app.current_line());
    let totals = app.cart.totals(app.settings.tax());

    top_bar(app, ui, &mut actions);
    actions.extend(status_bar(app, ui));
    egui::Panel::bottom("hotkeys").show(ui, |ui| hotkey_legend(lang, ui));

    egui::Panel::right("totals")
        .exact_size(330.0)
        .show(ui, |ui| {
            ui.add_space(8.0);
            ui.label(RichText::new(t(lang, "till.total")).size(20.0));
            ui.label(
                RichText::new(format_rupiah(totals.total))
                    .size(46.0)
                    .strong(),
            );
            ui.label(format!("{} {}", totals.lines, t(lang, "till.lines")));
            if totals.discount > Decimal::ZERO {
                ui.label(format!(
                    "{}: -{}",
                    t(lang, "till.discount"),
                    format_rupiah(totals.discount)
                ));
            }
            if app.settings.pkp && totals.ppn > Decimal::ZERO {
                ui.label(format!("PPN: {}", format_rupiah(totals.ppn)));
            }
            ui.add_space(8.0);
            member_badge(app, ui, &mut actions);
            ui.add_space(12.0);
            if ui
                .add_sized(
                    [310.0, 60.0],
                    egui::Button::new(RichText::new(t(lang, "till.pay")).size(26.0)),
                )
                .clicked()
            {
                actions.push(Action::OpenPay);
            }
            if let Some(sale) = app.last_sale.as_ref().filter(|_| app.show_change) {
                ui.add_space(16.0);
                ui.label(format!("{} {}", t(lang, "till.last_sale"), sale.number));
                ui.label(
                    RichText::new(format!(
                        "{} {}",
                        t(lang, "till.change"),
                        format_rupiah(sale.change)
                    ))
                    .size(40.0)
                    .strong()
                    .color(GOOD),
                );
                if sale.rounding > Decimal::ZERO {
                    ui.label(format!(
                        "{}: -{}",
                        t(lang, "pay.rounding"),
                        format_rupiah(sale.rounding)
                    ));
                }
            }
        });

    egui::CentralPanel::default().show(ui, |ui| {
        ui.horizontal(|ui| {
            let label = ui.label(RichText::new(t(lang, "till.scan")).size(18.0));
            let resp = ui
                .add(
                    egui::TextEdit::singleline(&mut app.scan_text)
                        .id(egui::Id::unique(SCAN_ID))
                        .hint_text(t(lang, "till.scan_hint"))
                        .desired_width(f32::INFINITY)
                        .font(egui::TextStyle::Heading),
                )
                .labelled_by(label.id);
            if submitted(ui, &resp) {
                actions.push(Action::Scan(std::mem::take(&mut app.scan_text)));
            }
            if app.dialog.is_none() {
                focus_if_free(ui, &resp);
            } else if resp.has_focus() {
                // A dialog takes the keyboard; the scan field gets it back when it closes.
                resp.surrender_focus();
            }
        });
        if let Some(n) = &app.notice {
            let color = n.color(ui.input(|i| i.time));
            ui.colored_label(color, RichText::new(&n.text).size(17.0));
        } else {
            ui.label(" ");
        }
        ui.separator();
        if app.cart.is_empty() {
            ui.add_space(40.0);
            ui.vertical_centered(|ui| {
                ui.label(RichText::new(t(lang, "till.empty")).size(18.0).weak())
            });
        } else {
            let reveal = std::mem::take(&mut app.reveal_line);
            app.reveal_line = cart_table(app, ui, reveal, &mut actions);
        }
    });

    if app.dialog.is_some() {
        if ui.input(|i| i.key_pressed(Key::Escape)) {
            actions.push(Action::CloseDialog);
        } else if matches!(app.dialog, Some(super::Dialog::Pay(_))) {
            pay::pay_dialog(app, ui, &totals, &mut actions);
        } else {
            dialogs::dialog_ui(app, ui, &mut actions);
        }
    }
    actions
}

fn member_badge(app: &TillApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let lang = app.lang;
    match &app.cart.member {
        Some(m) => {
            egui::Frame::group(ui.style())
                .fill(egui::Color32::from_rgb(220, 240, 220))
                .show(ui, |ui| {
                    ui.set_width(300.0);
                    ui.label(
                        RichText::new(format!("{} {}", t(lang, "till.member"), m.number))
                            .color(GOOD)
                            .strong(),
                    );
                    ui.label(RichText::new(&m.name).color(egui::Color32::BLACK));
                    ui.label(
                        RichText::new(format!(
                            "{}: {}",
                            t(lang, "till.kasbon_left"),
                            format_rupiah(m.kasbon_available())
                        ))
                        .color(egui::Color32::DARK_GRAY),
                    );
                });
            if ui.small_button(t(lang, "till.detach_member")).clicked() {
                actions.push(Action::DetachMember);
            }
        }
        None => {
            if ui.button(t(lang, "till.no_member")).clicked() {
                actions.push(Action::OpenMember);
            }
        }
    }
}

fn hotkey_legend(lang: Lang, ui: &mut egui::Ui) {
    ui.horizontal_wrapped(|ui| {
        for (k, what) in HOTKEYS {
            ui.label(RichText::new(*k).strong().monospace());
            ui.label(RichText::new(t(lang, what)).small());
            ui.add_space(6.0);
        }
    });
}

fn top_bar(app: &mut TillApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let lang = app.lang;
    egui::Panel::top("menu").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.strong(&app.settings.name);
            ui.separator();
            let _ = ui.selectable_label(true, t(lang, "menu.selling"));
            if ui
                .selectable_label(false, t(lang, "menu.products"))
                .clicked()
            {
                actions.push(Action::GoBack(BackKind::Products));
            }
            if ui
                .selectable_label(false, t(lang, "menu.members"))
                .clicked()
            {
                actions.push(Action::GoBack(BackKind::Members));
            }
            if app.may(Permission::ReceiveStock)
                && ui.selectable_label(false, t(lang, "menu.stock")).clicked()
            {
                actions.push(Action::GoBack(BackKind::Stock));
            }
            if ui.selectable_label(false, t(lang, "menu.books")).clicked() {
                actions.push(Action::GoBack(BackKind::Books));
            }
            if app.may(Permission::ManageUsers)
                && ui
                    .selectable_label(false, t(lang, "menu.settings"))
                    .clicked()
            {
                actions.push(Action::GoBack(BackKind::Settings));
            }
            if app.scans.can_simulate() && ui.button(t(lang, "scanner.simulate")).clicked() {
                actions.push(Action::SimScan);
            }
            if app.scale.can_simulate() {
                sim_scale_control(app, ui, actions);
            }
            session_buttons(lang, ui, actions);
        });
    });
}

/// Language toggle and log out, at the right of the top bar.
pub(super) fn session_buttons(lang: Lang, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    ui.with_layout(Layout::right_to_left(Align::Center), |ui| {
        if ui.button(t(lang, "till.logout")).clicked() {
            actions.push(Action::Logout);
        }
        if ui.button(t(lang, "till.language")).clicked() {
            actions.push(Action::ToggleLang);
        }
    });
}

/// The demo's simulated scale: type grams, put them on the scale, or take them off.
fn sim_scale_control(app: &mut TillApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let lang = app.lang;
    ui.separator();
    ui.label(t(lang, "scale.title"));
    let label = ui.label(t(lang, "scale.sim_grams"));
    ui.add(
        egui::TextEdit::singleline(&mut app.scale.sim_grams)
            .id(egui::Id::unique("sim_scale_grams"))
            .desired_width(60.0),
    )
    .labelled_by(label.id);
    if ui.button(t(lang, "scale.sim_put")).clicked() {
        match app.scale.sim_grams.trim().parse::<i64>() {
            Ok(g) => actions.push(Action::SimScale(g)),
            Err(_) => app.scale.sim_grams.clear(),
        }
    }
    if ui.button(t(lang, "scale.sim_clear")).clicked() {
        actions.push(Action::SimScale(0));
    }
}

pub(super) fn status_bar(app: &TillApp, ui: &mut egui::Ui) -> Vec<Action> {
    let lang = app.lang;
    let mut actions = Vec::new();
    egui::Panel::bottom("status").show(ui, |ui| {
        // Wrapped: at the window's opening width (1024) the bar is wider than one line, and
        // what comes last (the sync state, the clock) must stay in view.
        ui.horizontal_wrapped(|ui| {
            if let Some(a) = &app.actor {
                ui.label(format!(
                    "{}: {} ({})",
                    t(lang, "till.user"),
                    a.name,
                    a.role.label(lang)
                ));
            }
            ui.separator();
            ui.label(format!(
                "{}: {} · {}",
                t(lang, "till.counter"),
                app.till,
                app.unit.label(lang)
            ));
            ui.separator();
            match &app.shift {
                Some(s) => ui.label(format!(
                    "{} #{} ({})",
                    t(lang, "till.shift"),
                    s.id,
                    s.opened_at.get(11..16).unwrap_or("")
                )),
                None => ui.label(t(lang, "till.no_shift")),
            };
            ui.separator();
            match &app.printer_report {
                Some(r) if r.needs_attention() => {
                    ui.colored_label(ERROR, r.message(lang));
                    if ui.small_button(t(lang, "printer.retry")).clicked() {
                        actions.push(Action::RetryPrinter);
                    }
                }
                Some(r) => {
                    ui.label(r.message(lang));
                }
                None => {
                    ui.label(format!(
                        "{}: {}",
                        t(lang, "till.printer"),
                        app.settings.printer
                    ));
                }
            }
            ui.separator();
            if app.scans.state == super::input::ScannerState::Disconnected {
                // Hard to miss: white on red, with what to do.
                ui.label(
                    RichText::new(app.scans.disconnected_text(lang))
                        .strong()
                        .color(egui::Color32::WHITE)
                        .background_color(ERROR),
                );
            } else {
                ui.label(format!(
                    "{}: {}",
                    t(lang, "till.scanner"),
                    app.scans.state.label(lang)
                ));
            }
            if app.scale.state != super::ScaleState::None {
                ui.separator();
                let text = format!("{}: {}", t(lang, "scale.title"), app.scale.shown(lang));
                if app.scale.state == super::ScaleState::Disconnected {
                    ui.colored_label(ERROR, text);
                } else {
                    ui.label(text);
                }
            }
            if let Some(sync) = &app.sync {
                ui.separator();
                let state = sync.state();
                let text = state.text(app.shop.now(), lang);
                if state.failed() {
                    ui.colored_label(ERROR, text);
                } else {
                    ui.label(text);
                }
            }
            ui.separator();
            ui.label(chrono::Local::now().format("%d/%m/%Y %H:%M").to_string());
        });
    });
    actions
}

/// The cart. With `reveal` (the selected line was just chosen with Up/Down, or added) the
/// selected line is brought into view if it is not; true when that takes another frame.
fn cart_table(app: &TillApp, ui: &mut egui::Ui, reveal: bool, actions: &mut Vec<Action>) -> bool {
    let lang = app.lang;
    let selected = app.current_line();
    let row_h = 26.0;
    let spacing = ui.spacing().item_spacing.x;
    let fixed = [60.0, 56.0, 96.0, 120.0];
    let name_w = (ui.available_width() - fixed.iter().sum::<f32>() - 5.0 * spacing).max(120.0);
    let widths = [name_w, fixed[0], fixed[1], fixed[2], fixed[3]];
    ui.horizontal(|ui| {
        for (h, w) in [
            "till.item",
            "till.unit",
            "till.qty",
            "till.price",
            "till.subtotal",
        ]
        .into_iter()
        .zip(widths)
        {
            ui.add_sized(
                [w, row_h],
                egui::Label::new(RichText::new(t(lang, h)).strong()),
            );
        }
    });
    // Only the visible rows are laid out: a 200-line cart costs what a 20-line one does.
    // The scroll offset that puts the selected row third from the top, once a frame found
    // it out of view (the area clamps it at the end).
    let scroll_id = egui::Id::unique("cart_reveal");
    let jump: Option<f32> = ui.data_mut(|d| d.remove_temp(scroll_id));
    let mut area = egui::ScrollArea::vertical()
        .stick_to_bottom(jump.is_none())
        .auto_shrink([false, false]);
    if let Some(offset) = jump {
        area = area.vertical_scroll_offset(offset);
    }
    let pitch = row_h + ui.spacing().item_spacing.y;
    let n = app.cart.lines.len();
    let mut out_of_view = false;
    area.show_rows(ui, row_h, n, |ui, range| {
        if let (true, Some(sel)) = (reveal, selected) {
            // The first and last rows drawn may be cut off at the edge of the area.
            let top_ok = sel > range.start || range.start == 0;
            let bottom_ok = sel + 1 < range.end || range.end == n;
            if !(range.contains(&sel) && top_ok && bottom_ok) {
                out_of_view = true;
                let offset = sel.saturating_sub(2) as f32 * pitch;
                ui.data_mut(|d| d.insert_temp(scroll_id, offset));
            }
        }
        for i in range {
            let l = &app.cart.lines[i];
            let tier = match (l.price_override.is_some(), l.tier) {
                (true, _) => " *",
                (false, PriceTier::Umum) => "",
                (false, PriceTier::Anggota) => " A",
                (false, PriceTier::Grosir) => " G",
            };
            let row = ui.horizontal(|ui| {
                let name = ui.add_sized(
                    [widths[0], row_h],
                    egui::Button::selectable(Some(i) == selected, &l.item.name).truncate(),
                );
                if name.clicked() {
                    actions.push(Action::SelectLine(i));
                }
                ui.add_sized([widths[1], row_h], egui::Label::new(&l.item.unit));
                // A weighed line shows the weight sold, to the gram.
                let qty = if l.item.weighed {
                    kasir_receipts::weight(l.qty)
                } else {
                    format_qty(l.qty)
                };
                ui.add_sized([widths[2], row_h], egui::Label::new(qty));
                ui.add_sized(
                    [widths[3], row_h],
                    egui::Label::new(format!("{}{tier}", format_rupiah(l.unit_price))),
                );
                let amount = if l.discount > Decimal::ZERO {
                    format!(
                        "{} (-{})",
                        format_rupiah(l.amount()),
                        format_rupiah(l.discount)
                    )
                } else {
                    format_rupiah(l.amount())
                };
                ui.add_sized([widths[4], row_h], egui::Label::new(amount));
            });
            let _ = row;
        }
    });
    out_of_view
}

/// Quick-cash buttons: the exact amount, the next two sensible amounts in notes, and the
/// next multiple of Rp100.000 (e.g. 37.300 → 37.300 / 40.000 / 50.000 / 100.000).
pub fn quick_cash(payable: Decimal, lang: Lang) -> Vec<(String, Decimal)> {
    let up = |step: i64| {
        let step = Decimal::from(step);
        (payable / step).ceil() * step
    };
    let mut notes: Vec<Decimal> = [5_000, 10_000, 20_000, 50_000]
        .into_iter()
        .map(up)
        .filter(|a| *a > payable)
        .collect();
    notes.dedup();
    notes.truncate(2);
    let hundred = up(100_000);
    if hundred > payable && !notes.contains(&hundred) {
        notes.push(hundred);
    }
    let mut out = vec![(t(lang, "pay.exact").to_string(), payable)];
    out.extend(notes.into_iter().map(|a| (format_rupiah(a), a)));
    out
}

impl TillApp {
    /// Take `next` (the cart with line `line` added or grown) as the cart if the stock on
    /// hand covers it; otherwise keep the cart as it was, say why, and offer the supervisor's
    /// approval to sell beyond stock.
    pub(super) fn take_if_in_stock(&mut self, next: Cart, line: usize) {
        match self.shop.check_stock(&next) {
            Ok(()) => {
                self.cart = next;
                self.added(line);
            }
            Err(e @ KasirError::NotEnoughStock { .. }) => {
                let text = err_text(&e, self.lang);
                self.notify(text.clone(), true);
                self.dialog = Some(Dialog::Supervise {
                    kind: OverrideKind::Oversell,
                    line,
                    amount: String::new(),
                    approval: Approval {
                        user: self.first_supervisor(),
                        ..Default::default()
                    },
                    pending: Some(Box::new((next, text))),
                });
            }
            Err(e) => self.notify(err_text(&e, self.lang), true),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn quick_cash_offers_exact_then_the_next_notes() {
        let amounts: Vec<Decimal> = quick_cash(dec!(37300), Lang::Id)
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        assert_eq!(
            amounts,
            vec![dec!(37300), dec!(40000), dec!(50000), dec!(100000)]
        );
        let round: Vec<Decimal> = quick_cash(dec!(50000), Lang::Id)
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        assert_eq!(round, vec![dec!(50000), dec!(60000), dec!(100000)]);
        let odd: Vec<Decimal> = quick_cash(dec!(40500), Lang::Id)
            .into_iter()
            .map(|(_, a)| a)
            .collect();
        assert_eq!(
            odd,
            vec![dec!(40500), dec!(45000), dec!(50000), dec!(100000)]
        );
    }
}
