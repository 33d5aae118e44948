//! Back-office screens reachable by role: products (search, edit prices — audited),
//! members (search, kasbon), settings (admin).

use eframe::egui::{self};

use super::selling::status_bar;
use super::widgets::{header_row, submitted, ERROR};
use super::*;
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
                            header_row(
                                ui,
                                lang,
                                &[
                                    "back.sku",
                                    "till.item",
                                    "till.unit",
                                    "back.plu",
                                    "back.umum",
                                    "back.anggota",
                                    "back.grosir",
                                    "",
                                ],
                            );
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
                super::settings::settings_ui(ui, lang, form, &app.scans, &mut actions)
            }
            Screen::Back(Back::Stock(_)) => super::stock::stock_ui(app, ui, &mut actions),
            Screen::Back(Back::Books(_)) => super::books::books_ui(app, ui, &mut actions),
            _ => {}
        }
    });
    actions
}

/// Back-office screens, by role.
#[derive(Debug, Clone, PartialEq)]
pub enum Back {
    Products {
        query: String,
        results: Vec<ItemRef>,
        edit: Option<PriceEdit>,
    },
    Members {
        query: String,
        results: Vec<MemberRow>,
    },
    Settings(Box<SettingsForm>),
    /// Stock on hand, receiving, opname, write-offs, expiry (gudang, apoteker).
    Stock(Box<stock::StockScreen>),
    /// Shift close and Z report (cashier); day close, ledger, members, SHU, dashboard.
    Books(Box<books::BooksScreen>),
}

/// A price being edited on the products screen.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceEdit {
    pub row: usize,
    pub umum: String,
    pub anggota: String,
    pub grosir: String,
    pub error: Option<String>,
}

impl TillApp {
    /// Actions of the back-office screens (products, members, settings) and the way back to selling.
    pub(super) fn apply_back(&mut self, action: Action) {
        match action {
            Action::GoBack(kind) => self.go_back(kind),
            Action::GoSelling if self.may(Permission::Sell) => self.go_selling(),
            Action::ProductsSearch => {
                if let Screen::Back(Back::Products {
                    query,
                    results,
                    edit,
                }) = &mut self.screen
                {
                    *results = self.shop.find_items(query, 100).unwrap_or_default();
                    *edit = None;
                }
            }
            Action::EditPrice(row) => {
                if let Screen::Back(Back::Products { results, edit, .. }) = &mut self.screen {
                    if let Some(item) = results.get(row) {
                        *edit = Some(PriceEdit {
                            row,
                            umum: item.prices.umum.to_string(),
                            anggota: item.prices.anggota.to_string(),
                            grosir: item
                                .prices
                                .grosir
                                .map(|g| g.to_string())
                                .unwrap_or_default(),
                            error: None,
                        });
                    }
                }
            }
            Action::SavePrice => self.save_price(),
            Action::MembersSearch => {
                if let Screen::Back(Back::Members { query, results }) = &mut self.screen {
                    *results = self.shop.search_members(query, 200).unwrap_or_default();
                }
            }
            Action::SaveSettings => self.save_settings(),
            Action::TestPrinter => self.test_printer(),
            _ => {}
        }
    }

    pub(super) fn go_back(&mut self, kind: BackKind) {
        let lang = self.lang;
        let allowed = match kind {
            BackKind::Products => true,
            BackKind::Members => self.may(Permission::Sell) || self.may(Permission::ManageMembers),
            BackKind::Settings => self.may(Permission::ManageUsers),
            BackKind::Stock => self.may(Permission::ReceiveStock),
            BackKind::Books => self.may(Permission::Sell) || self.may(Permission::ViewReports),
        };
        if !allowed {
            self.notify(t(lang, "back.not_allowed").into(), true);
            return;
        }
        self.dialog = None;
        let back = match kind {
            BackKind::Stock => Back::Stock(Box::new(stock::StockScreen::new(self))),
            BackKind::Books => Back::Books(Box::new(books::BooksScreen::new(self))),
            BackKind::Products => Back::Products {
                query: String::new(),
                results: self.shop.find_items("", 100).unwrap_or_default(),
                edit: None,
            },
            BackKind::Members => Back::Members {
                query: String::new(),
                results: self.shop.search_members("", 200).unwrap_or_default(),
            },
            BackKind::Settings => Back::Settings(Box::new(SettingsForm {
                name: self.settings.name.clone(),
                address: self.settings.address.clone(),
                unit: self.unit.as_str().into(),
                rounding: self.settings.rounding_step.to_string(),
                pkp: self.settings.pkp,
                printer: self.settings.printer.clone(),
                till_printer: self
                    .shop
                    .till_setting(crate::service::settings::TillKey::Printer, &self.till)
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
                paper: self.settings.paper.clone(),
                scanner: self.settings.scanner.port.clone().unwrap_or_default(),
                scanner_baud: self.settings.scanner.baud.to_string(),
                scanner_suffix: self.settings.scanner.suffix.clone(),
                scanner_idle: self.settings.scanner.idle_ms.to_string(),
                strip_stx_etx: self.settings.scanner.strip_stx_etx,
                strip_aim: self.settings.scanner.strip_aim,
                scanner_test: false,
                lang: self.settings.lang.code().into(),
                npwp: self
                    .settings
                    .npwp
                    .as_deref()
                    .map(crate::service::settings::format_npwp)
                    .unwrap_or_default(),
                footer: self.settings.footer.clone(),
                scale_port: self.setting_text(weighing::SCALE_PORT_KEY, ""),
                scale_protocol: self.setting_text(weighing::SCALE_PROTOCOL_KEY, "cas"),
                scale_baud: self.setting_text(weighing::SCALE_BAUD_KEY, "9600"),
                scale_tare: self.setting_text(weighing::SCALE_TARE_KEY, "0"),
                label_layout: self.setting_text(weighing::LAYOUT_KEY, ""),
                error: None,
            })),
        };
        self.screen = Screen::Back(back);
    }

    pub(super) fn save_price(&mut self) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let Screen::Back(Back::Products {
            results,
            edit: Some(edit),
            ..
        }) = &mut self.screen
        else {
            return;
        };
        let Some(item) = results.get(edit.row).cloned() else {
            return;
        };
        let mut changes = Vec::new();
        for (tier, text, old) in [
            (PriceTier::Umum, &edit.umum, Some(item.prices.umum)),
            (PriceTier::Anggota, &edit.anggota, Some(item.prices.anggota)),
            (PriceTier::Grosir, &edit.grosir, item.prices.grosir),
        ] {
            if text.trim().is_empty() {
                continue;
            }
            match Amount::parse(text, AllowSen::No) {
                Ok(p) if Some(p) != old => changes.push((tier, p)),
                Ok(_) => {}
                Err(e) => {
                    edit.error = Some(err_text(&e.into(), lang));
                    return;
                }
            }
        }
        for (tier, price) in changes {
            if let Err(e) = self.shop.set_price(&actor, &item, tier, price) {
                if let Screen::Back(Back::Products {
                    edit: Some(edit), ..
                }) = &mut self.screen
                {
                    edit.error = Some(err_text(&e, lang));
                }
                return;
            }
        }
        self.notify(t(lang, "back.saved").into(), false);
        self.apply_inner(Action::ProductsSearch);
    }
}
