//! The settings screen's form and saving it: every field through the registry's one
//! validator first, then each changed key through the settings service (audited); the
//! till follows the new scanner, scale and printer at once.

use eframe::egui::{self, RichText};

use super::input::ScanSource;
use super::widgets::ERROR;
use super::*;
use crate::i18n::t;
use crate::i18n::Lang;
use crate::service::settings::{Key, TillKey};
use crate::service::weighing;

/// The settings screen's fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SettingsForm {
    pub name: String,
    pub address: String,
    pub unit: String,
    pub rounding: String,
    pub pkp: bool,
    pub printer: String,
    /// This till's own printer and drawer (`till.<till>.printer`); empty: the shop's.
    pub till_printer: String,
    pub paper: String,
    /// The serial scanner: port (empty: keyboard wedge only), baud, suffix, idle gap.
    pub scanner: String,
    pub scanner_baud: String,
    pub scanner_suffix: String,
    pub scanner_idle: String,
    pub strip_stx_etx: bool,
    pub strip_aim: bool,
    /// The "test scanner" view is open (scans show there instead of being refused).
    pub scanner_test: bool,
    pub lang: String,
    /// As typed; stored as digits.
    pub npwp: String,
    pub footer: String,
    /// The counter scale and the label-scale barcode layout.
    pub scale_port: String,
    pub scale_protocol: String,
    pub scale_baud: String,
    pub scale_tare: String,
    pub label_layout: String,
    pub error: Option<String>,
}

impl TillApp {
    /// A stored setting's text, or `default` when unset.
    pub(super) fn setting_text(&self, key: &str, default: &str) -> String {
        self.shop
            .setting_as_stored(key)
            .ok()
            .flatten()
            .unwrap_or_else(|| default.to_string())
    }

    pub(super) fn save_settings(&mut self) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let Screen::Back(Back::Settings(form)) = &mut self.screen else {
            return;
        };
        let pairs = [
            (Key::ShopName.name().to_string(), form.name.clone()),
            (Key::ShopAddress.name().into(), form.address.clone()),
            (Key::ShopNpwp.name().into(), form.npwp.clone()),
            (Key::ReceiptFooter.name().into(), form.footer.clone()),
            (TillKey::Unit.of(&self.till), form.unit.clone()),
            (Key::CashRoundingStep.name().into(), form.rounding.clone()),
            (Key::TaxPkp.name().into(), form.pkp.to_string()),
            (Key::PrinterUri.name().into(), form.printer.clone()),
            (
                TillKey::Printer.of(&self.till),
                form.till_printer.trim().into(),
            ),
            (Key::PrinterPaper.name().into(), form.paper.clone()),
            (Key::ScannerPort.name().into(), form.scanner.clone()),
            (Key::UiLang.name().into(), form.lang.clone()),
            (
                weighing::SCALE_PORT_KEY.into(),
                form.scale_port.trim().into(),
            ),
            (
                weighing::SCALE_PROTOCOL_KEY.into(),
                form.scale_protocol.trim().to_lowercase(),
            ),
            (
                weighing::SCALE_BAUD_KEY.into(),
                form.scale_baud.trim().into(),
            ),
            (
                weighing::SCALE_TARE_KEY.into(),
                form.scale_tare.trim().into(),
            ),
            (weighing::LAYOUT_KEY.into(), form.label_layout.trim().into()),
        ];
        let mut pairs = pairs.to_vec();
        pairs.extend(scanner_view::changed(&self.settings.scanner, form));
        // The registry's one validator, for every field before anything is saved.
        let mut checked = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match crate::service::settings::validate(&k, &v) {
                Ok(stored) => checked.push((k, stored)),
                Err(e) => {
                    form.error = Some(err_text(&e, lang));
                    return;
                }
            }
        }
        let pairs = checked;
        for (k, v) in &pairs {
            let current = self.shop.setting_as_stored(k).ok().flatten();
            if current.as_deref() == Some(v.as_str()) || (current.is_none() && v.is_empty()) {
                continue;
            }
            if let Err(e) = self.shop.set_setting(&actor, k, v) {
                if let Screen::Back(Back::Settings(form)) = &mut self.screen {
                    form.error = Some(err_text(&e, lang));
                }
                return;
            }
        }
        match self.shop.settings() {
            Ok(s) => {
                self.scans = ScanSource::from_settings(&s, self.demo);
                self.settings = s;
                match self.shop.scale_settings() {
                    Ok(scale) => self.scale = ScaleSource::from_settings(scale.as_ref()),
                    Err(e) => self.notify(err_text(&e, lang), true),
                }
            }
            Err(e) => self.notify(err_text(&e, lang), true),
        }
        // A new printer address takes effect at once.
        if self.printer.is_some() {
            if let Err(e) = self.start_printer() {
                self.notify(err_text(&e, lang), true);
            }
        }
        if let Ok(Some(u)) = self.shop.till_unit(&self.till) {
            self.unit = u;
        }
        self.notify(t(lang, "back.saved").into(), false);
    }

    /// Queue a test page on this till's printer; the status bar shows how it went.
    pub(super) fn test_printer(&mut self) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let result = self.shop.receipt_printer(&self.till).and_then(|uri| {
            self.shop
                .enqueue_test(&actor, &self.till, &uri)
                .map(|_| uri)
        });
        match result {
            Ok(uri) => {
                if let Some(p) = &self.printer {
                    p.wake();
                }
                self.notify(format!("{} {uri}", t(lang, "settings.test_sent")), false);
            }
            Err(e) => self.notify(err_text(&e, lang), true),
        }
    }
}

/// The settings screen (admin): the shop, this till, printer, scanner, scale, language.
pub(super) fn settings_ui(
    ui: &mut egui::Ui,
    lang: Lang,
    form: &mut SettingsForm,
    scans: &ScanSource,
    actions: &mut Vec<Action>,
) {
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
                egui::Button::selectable(form.scanner_test, t(lang, "settings.test_scanner")),
            )
            .clicked()
        {
            form.scanner_test = !form.scanner_test;
        }
    });
    if form.scanner_test {
        super::scanner_view::scanner_test(ui, lang, form, scans);
    }
}
