//! Back-office screens reachable by role: products (search, edit prices — audited),
//! members (search, kasbon), settings (admin).

use eframe::egui::{self, RichText};

use super::login::{submitted, ERROR};
use super::selling::status_bar;
use super::{Action, Back, BackKind, Screen, TillApp};
use crate::domain::catalog::BusinessUnit;
use crate::domain::money::{format_qty, format_rupiah};
use crate::domain::user::Permission;
use crate::i18n::t;

pub fn back_ui(app: &mut TillApp, ui: &mut egui::Ui) -> Vec<Action> {
    let lang = app.lang;
    let mut actions = Vec::new();
    let may_sell = app.may(Permission::Sell);
    let may_edit = app.may(Permission::ManageCatalog);
    let may_settings = app.may(Permission::ManageUsers);
    let may_stock = app.may(Permission::ReceiveStock);
    let has_shift = app.shift.is_some();
    let current = match &app.screen {
        Screen::Back(Back::Products { .. }) => Some(BackKind::Products),
        Screen::Back(Back::Members { .. }) => Some(BackKind::Members),
        Screen::Back(Back::Settings(_)) => Some(BackKind::Settings),
        Screen::Back(Back::Stock(_)) => Some(BackKind::Stock),
        Screen::Back(Back::Books(_)) => Some(BackKind::Books),
        _ => None,
    };
    egui::Panel::top("menu").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.strong(&app.settings.name);
            ui.separator();
            // Without a shift the way to the till says what it does: count a float first.
            let sell_key = if has_shift {
                "menu.selling"
            } else {
                "menu.open_shift_sell"
            };
            if may_sell && ui.selectable_label(false, t(lang, sell_key)).clicked() {
                actions.push(Action::GoSelling);
            }
            for (kind, key, show) in [
                (BackKind::Products, "menu.products", true),
                (BackKind::Members, "menu.members", true),
                (BackKind::Stock, "menu.stock", may_stock),
                (BackKind::Books, "menu.books", true),
                (BackKind::Settings, "menu.settings", may_settings),
            ] {
                if show
                    && ui
                        .selectable_label(current == Some(kind), t(lang, key))
                        .clicked()
                {
                    actions.push(Action::GoBack(kind));
                }
            }
            super::selling::session_buttons(lang, ui, &mut actions);
        });
    });
    actions.extend(status_bar(app, ui));
    let notice = app.notice.clone();
    egui::CentralPanel::default().show(ui, |ui| {
        // The notice line is always there (blank once the notice faded), so the fields
        // below keep their place and the one being typed in keeps the keyboard.
        match &notice {
            Some(n) => ui.colored_label(n.color(ui.input(|i| i.time)), &n.text),
            None => ui.label(" "),
        };
        match &mut app.screen {
            Screen::Back(Back::Products {
                query,
                results,
                edit,
            }) => {
                ui.heading(t(lang, "menu.products"));
                ui.horizontal(|ui| {
                    let resp = ui.add(
                        egui::TextEdit::singleline(query)
                            .id(egui::Id::unique("products_search"))
                            .hint_text(t(lang, "search.hint"))
                            .desired_width(400.0),
                    );
                    if resp.changed() || submitted(ui, &resp) {
                        actions.push(Action::ProductsSearch);
                    }
                });
                egui::ScrollArea::vertical().show(ui, |ui| {
                    egui::Grid::new("products")
                        .striped(true)
                        .num_columns(8)
                        .show(ui, |ui| {
                            for h in [
                                "back.sku",
                                "till.item",
                                "till.unit",
                                "back.plu",
                                "back.umum",
                                "back.anggota",
                                "back.grosir",
                                "",
                            ] {
                                if h.is_empty() {
                                    ui.label("");
                                } else {
                                    ui.strong(t(lang, h));
                                }
                            }
                            ui.end_row();
                            for (i, item) in results.iter().enumerate() {
                                ui.label(&item.sku);
                                ui.label(&item.name);
                                ui.label(format!("{} (×{})", item.unit, format_qty(item.factor)));
                                ui.label(item.plu.map(|p| p.to_string()).unwrap_or_default());
                                match edit.as_mut().filter(|e| e.row == i) {
                                    Some(e) => {
                                        for (text, hint) in [
                                            (&mut e.umum, "back.umum"),
                                            (&mut e.anggota, "back.anggota"),
                                            (&mut e.grosir, "back.grosir"),
                                        ] {
                                            ui.add(
                                                egui::TextEdit::singleline(text)
                                                    .hint_text(t(lang, hint))
                                                    .desired_width(90.0),
                                            );
                                        }
                                        if ui.button(t(lang, "back.save")).clicked() {
                                            actions.push(Action::SavePrice);
                                        }
                                    }
                                    None => {
                                        ui.label(format_rupiah(item.prices.umum));
                                        ui.label(format_rupiah(item.prices.anggota));
                                        ui.label(
                                            item.prices
                                                .grosir
                                                .map(format_rupiah)
                                                .unwrap_or_else(|| "-".into()),
                                        );
                                        if may_edit
                                            && ui.button(t(lang, "back.edit_price")).clicked()
                                        {
                                            actions.push(Action::EditPrice(i));
                                        }
                                    }
                                }
                                ui.end_row();
                            }
                        });
                    if let Some(e) = edit.as_ref().and_then(|e| e.error.as_ref()) {
                        ui.colored_label(ERROR, e);
                    }
                });
            }
            Screen::Back(Back::Members { query, results }) => {
                ui.heading(t(lang, "menu.members"));
                let resp = ui.add(
                    egui::TextEdit::singleline(query)
                        .id(egui::Id::unique("members_search"))
                        .hint_text(t(lang, "member.hint"))
                        .desired_width(400.0),
                );
                if resp.changed() || submitted(ui, &resp) {
                    actions.push(Action::MembersSearch);
                }
                egui::ScrollArea::vertical().show(ui, |ui| {
                    super::table(
                        ui,
                        lang,
                        "members",
                        &[
                            "back.number",
                            "back.name",
                            "back.phone",
                            "back.kasbon_limit",
                            "back.kasbon_balance",
                            "till.kasbon_left",
                        ],
                        |ui| {
                            for m in results.iter() {
                                ui.label(&m.number);
                                ui.label(&m.name);
                                ui.label(m.phone.as_deref().unwrap_or("-"));
                                ui.label(format_rupiah(m.kasbon_limit));
                                ui.label(format_rupiah(m.kasbon_balance));
                                ui.label(format_rupiah(m.cart_member().kasbon_available()));
                                ui.end_row();
                            }
                        },
                    );
                });
            }
            Screen::Back(Back::Settings(form)) => {
                ui.heading(t(lang, "menu.settings"));
                egui::Grid::new("settings")
                    .num_columns(2)
                    .spacing([12.0, 8.0])
                    .show(ui, |ui| {
                        for (key, field) in [
                            ("settings.name", &mut form.name),
                            ("settings.address", &mut form.address),
                            ("settings.rounding", &mut form.rounding),
                            ("settings.printer", &mut form.printer),
                            ("settings.till_printer", &mut form.till_printer),
                            ("settings.npwp", &mut form.npwp),
                            ("settings.footer", &mut form.footer),
                            ("settings.scale_port", &mut form.scale_port),
                            ("settings.scale_protocol", &mut form.scale_protocol),
                            ("settings.scale_baud", &mut form.scale_baud),
                            ("settings.scale_tare", &mut form.scale_tare),
                            ("settings.label_layout", &mut form.label_layout),
                        ] {
                            let label = ui.label(t(lang, key));
                            ui.add(egui::TextEdit::singleline(field).desired_width(360.0))
                                .labelled_by(label.id);
                            ui.end_row();
                        }
                        super::scanner_view::scanner_rows(ui, lang, form);
                        ui.label(t(lang, "settings.counter"));
                        ui.horizontal(|ui| {
                            for u in [BusinessUnit::Sembako, BusinessUnit::Apotek] {
                                if ui
                                    .selectable_label(form.unit == u.as_str(), u.label(lang))
                                    .clicked()
                                {
                                    form.unit = u.as_str().into();
                                }
                            }
                        });
                        ui.end_row();
                        ui.label(t(lang, "settings.paper"));
                        ui.horizontal(|ui| {
                            for p in ["58", "80"] {
                                if ui
                                    .selectable_label(form.paper == p, format!("{p} mm"))
                                    .clicked()
                                {
                                    form.paper = p.into();
                                }
                            }
                        });
                        ui.end_row();
                        ui.label(t(lang, "settings.pkp"));
                        ui.checkbox(&mut form.pkp, t(lang, "settings.pkp_hint"));
                        ui.end_row();
                        ui.label(t(lang, "settings.lang"));
                        ui.horizontal(|ui| {
                            for (code, name) in [("id", "Bahasa Indonesia"), ("en", "English")] {
                                if ui.selectable_label(form.lang == code, name).clicked() {
                                    form.lang = code.into();
                                }
                            }
                        });
                        ui.end_row();
                    });
                if let Some(e) = &form.error {
                    ui.colored_label(ERROR, e);
                }
                ui.horizontal(|ui| {
                    if ui
                        .add_sized(
                            [200.0, 40.0],
                            egui::Button::new(RichText::new(t(lang, "back.save"))),
                        )
                        .clicked()
                    {
                        actions.push(Action::SaveSettings);
                    }
                    if ui
                        .add_sized(
                            [200.0, 40.0],
                            egui::Button::new(t(lang, "settings.test_printer")),
                        )
                        .clicked()
                    {
                        actions.push(Action::TestPrinter);
                    }
                    if ui
                        .add_sized(
                            [200.0, 40.0],
                            egui::Button::selectable(
                                form.scanner_test,
                                t(lang, "settings.test_scanner"),
                            ),
                        )
                        .clicked()
                    {
                        form.scanner_test = !form.scanner_test;
                    }
                });
                if form.scanner_test {
                    super::scanner_view::scanner_test(ui, lang, form, &app.scans);
                }
            }
            Screen::Back(Back::Stock(_)) => super::stock::stock_ui(app, ui, &mut actions),
            Screen::Back(Back::Books(_)) => super::books::books_ui(app, ui, &mut actions),
            _ => {}
        }
    });
    actions
}
