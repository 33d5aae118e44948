//! The serial scanner's part of Pengaturan: port, baud, suffix, idle gap, STX/ETX and AIM
//! stripping, and the "test scanner" view that shows the bytes of the last scan and what
//! the settings on screen make of them, so a shopkeeper can pick the framing that reads.

use crate::service::settings::Key;
use eframe::egui::{self, RichText};
use kasir_hardware::{describe_bytes, ScanFramer, ScannerEvent, Suffix, SUPPORTED_BAUDS};

use super::input::{reject_text, ScanSource, ScannerState};
use super::widgets::{ERROR, GOOD};
use super::SettingsForm;
use crate::i18n::{t, Lang};
use crate::service::ScannerSettings;

/// The form's scanner fields as settings (anything unreadable falls back to its default,
/// so the test view always shows something; saving refuses it).
pub fn form_scanner(form: &SettingsForm) -> ScannerSettings {
    ScannerSettings {
        port: Some(form.scanner.trim().to_string()).filter(|p| !p.is_empty()),
        baud: form.scanner_baud.trim().parse().unwrap_or(9600),
        suffix: form.scanner_suffix.clone(),
        idle_ms: form.scanner_idle.trim().parse().unwrap_or(50),
        strip_stx_etx: form.strip_stx_etx,
        strip_aim: form.strip_aim,
    }
}

/// The scanner settings the form changes, as (key, value) to store: only what differs from
/// what is in force, so the defaults stay defaults.
pub fn changed(now: &ScannerSettings, form: &SettingsForm) -> Vec<(String, String)> {
    let wanted = form_scanner(form);
    [
        (
            Key::ScannerBaud.name(),
            now.baud.to_string(),
            wanted.baud.to_string(),
        ),
        (
            Key::ScannerSuffix.name(),
            now.suffix.clone(),
            wanted.suffix.clone(),
        ),
        (
            Key::ScannerIdleMs.name(),
            now.idle_ms.to_string(),
            wanted.idle_ms.to_string(),
        ),
        (
            Key::ScannerStripStxEtx.name(),
            now.strip_stx_etx.to_string(),
            wanted.strip_stx_etx.to_string(),
        ),
        (
            Key::ScannerStripAim.name(),
            now.strip_aim.to_string(),
            wanted.strip_aim.to_string(),
        ),
    ]
    .into_iter()
    .filter(|(_, old, new)| old != new)
    .map(|(key, _, new)| (key.to_string(), new))
    .collect()
}

fn suffix_label(lang: Lang, s: Suffix) -> &'static str {
    match s {
        Suffix::CrLf => "CR LF",
        Suffix::Cr => "CR",
        Suffix::Lf => "LF",
        Suffix::Tab => "Tab",
        Suffix::None => t(lang, "scanner.suffix_none"),
    }
}

/// The scanner rows of the settings grid (the grid has two columns).
pub fn scanner_rows(ui: &mut egui::Ui, lang: Lang, form: &mut SettingsForm) {
    let label = ui.label(t(lang, "settings.scanner"));
    ui.add(egui::TextEdit::singleline(&mut form.scanner).desired_width(360.0))
        .labelled_by(label.id);
    ui.end_row();
    ui.label(t(lang, "settings.scanner_baud"));
    egui::ComboBox::from_id_salt("scanner_baud")
        .selected_text(form.scanner_baud.clone())
        .show_ui(ui, |ui| {
            for b in SUPPORTED_BAUDS {
                let b = b.to_string();
                if ui.selectable_label(form.scanner_baud == b, &b).clicked() {
                    form.scanner_baud = b;
                }
            }
        });
    ui.end_row();
    ui.label(t(lang, "settings.scanner_suffix"));
    ui.horizontal(|ui| {
        for s in Suffix::ALL {
            if ui
                .selectable_label(form.scanner_suffix == s.as_str(), suffix_label(lang, s))
                .clicked()
            {
                form.scanner_suffix = s.as_str().into();
            }
        }
        if form.scanner_suffix == Suffix::None.as_str() {
            let label = ui.label(t(lang, "settings.scanner_idle"));
            ui.add(egui::TextEdit::singleline(&mut form.scanner_idle).desired_width(60.0))
                .labelled_by(label.id);
        }
    });
    ui.end_row();
    ui.label("");
    ui.horizontal(|ui| {
        ui.checkbox(&mut form.strip_stx_etx, t(lang, "settings.strip_stx_etx"));
        ui.checkbox(&mut form.strip_aim, t(lang, "settings.strip_aim"));
    });
    ui.end_row();
}

/// The "test scanner" view: the scanner's state, the last burst of bytes in hex and as
/// text, and what the settings on screen make of it.
pub fn scanner_test(ui: &mut egui::Ui, lang: Lang, form: &SettingsForm, scans: &ScanSource) {
    ui.separator();
    ui.heading(t(lang, "scanner.test"));
    match (&scans.port, scans.state) {
        (_, ScannerState::Simulated) => {
            ui.label(format!(
                "{}: {}",
                t(lang, "till.scanner"),
                scans.state.label(lang)
            ));
        }
        (None, _) => {
            ui.label(t(lang, "scanner.test_no_port"));
        }
        (Some(port), ScannerState::Disconnected) => {
            ui.colored_label(ERROR, format!("{} ({port})", t(lang, "scanner.lost")));
        }
        (Some(port), state) => {
            ui.colored_label(
                GOOD,
                format!(
                    "{}: {} ({port})",
                    t(lang, "till.scanner"),
                    state.label(lang)
                ),
            );
        }
    }
    let running = scans.port.as_deref().unwrap_or("");
    if form.scanner.trim() != running {
        ui.label(t(lang, "scanner.test_save_first"));
    }
    let Some(raw) = &scans.last_raw else {
        ui.label(t(lang, "scanner.test_waiting"));
        return;
    };
    let (hex, text) = describe_bytes(raw);
    egui::Grid::new("scanner_test")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            ui.label(t(lang, "scanner.test_hex"));
            ui.label(RichText::new(hex).monospace());
            ui.end_row();
            ui.label(t(lang, "scanner.test_text"));
            ui.label(RichText::new(text).monospace());
            ui.end_row();
            ui.label(t(lang, "scanner.test_result"));
            ui.vertical(|ui| {
                let cfg = form_scanner(form).config(running);
                let events = ScanFramer::frame_burst(&cfg, raw);
                if events.is_empty() {
                    ui.colored_label(ERROR, t(lang, "scanner.test_nothing"));
                }
                for ev in events {
                    match ev {
                        ScannerEvent::Code(code) => {
                            ui.colored_label(
                                GOOD,
                                RichText::new(format!("{} {code}", t(lang, "scanner.test_code")))
                                    .strong(),
                            );
                        }
                        ScannerEvent::Warning(w) => {
                            ui.colored_label(ERROR, reject_text(lang, &w));
                        }
                        _ => {}
                    }
                }
            });
            ui.end_row();
        });
}
