//! The apotek tab (apoteker, admin): the month's SIPNAP report and its export,
//! prescriptions served, and the narcotics and psychotropics register.

use eframe::egui::{self};

use super::*;

/// The apotek tab: the month, SIPNAP, prescriptions, the register, the export path.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ApotekTab {
    pub month: String,
    pub sipnap: Vec<PeriodMovement>,
    pub prescriptions: Vec<PrescriptionRow>,
    pub register: Vec<RegisterRow>,
    pub csv_path: String,
}

pub(super) fn apotek_ui(
    lang: Lang,
    s: &mut StockScreen,
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    ui.horizontal(|ui| {
        let resp = field(ui, t(lang, "stock.month"), &mut s.apotek.month, 90.0);
        if submitted(ui, &resp) || ui.button(t(lang, "stock.show")).clicked() {
            push(StockAction::Refresh);
        }
    });
    ui.strong(t(lang, "stock.sipnap"));
    if s.apotek.sipnap.is_empty() {
        ui.label(t(lang, "stock.none"));
    } else {
        table(
            ui,
            lang,
            "sipnap",
            &[
                "back.sku",
                "stock.nie",
                "till.item",
                "stock.class",
                "stock.opening",
                "stock.in",
                "stock.out",
                "stock.closing",
                "till.unit",
            ],
            |ui| {
                for r in &s.apotek.sipnap {
                    ui.label(&r.sku);
                    ui.label(r.nie.as_deref().unwrap_or("-"));
                    ui.label(&r.name);
                    ui.label(&r.drug_class);
                    ui.label(format_qty(r.opening));
                    ui.label(format_qty(r.received + r.other_in));
                    ui.label(format_qty(r.sold + r.other_out));
                    ui.label(format_qty(r.closing));
                    ui.label(&r.base_unit);
                    ui.end_row();
                }
            },
        );
    }
    ui.horizontal(|ui| {
        field(ui, t(lang, "stock.csv_path"), &mut s.apotek.csv_path, 320.0);
        if ui.button(t(lang, "stock.export_csv")).clicked() {
            push(StockAction::SipnapExport);
        }
    });
    ui.separator();
    ui.strong(t(lang, "stock.prescriptions"));
    if s.apotek.prescriptions.is_empty() {
        ui.label(t(lang, "stock.none"));
    } else {
        table(
            ui,
            lang,
            "prescriptions",
            &[
                "stock.date",
                "stock.reference",
                "till.item",
                "till.qty",
                "stock.rx_no",
                "stock.doctor",
                "stock.patient",
                "stock.apoteker",
            ],
            |ui| {
                for p in &s.apotek.prescriptions {
                    ui.label(p.created_at.get(..16).unwrap_or(&p.created_at));
                    ui.label(&p.sale_number);
                    ui.label(&p.product);
                    ui.label(format!("{} {}", format_qty(p.qty), p.unit));
                    ui.label(&p.rx_no);
                    ui.label(format!("{} ({})", p.doctor, p.sip));
                    ui.label(&p.patient);
                    ui.label(&p.apoteker);
                    ui.end_row();
                }
            },
        );
    }
    ui.separator();
    ui.strong(t(lang, "stock.register"));
    if s.apotek.register.is_empty() {
        ui.label(t(lang, "stock.none"));
    } else {
        table(
            ui,
            lang,
            "drug_register",
            &[
                "stock.date",
                "till.item",
                "stock.kind",
                "stock.batch",
                "till.qty",
                "stock.balance",
                "stock.patient",
                "stock.doctor",
            ],
            |ui| {
                for r in &s.apotek.register {
                    ui.label(r.at.get(..16).unwrap_or(&r.at));
                    ui.label(format!("{} {}", r.sku, r.name));
                    ui.label(kind_label(lang, &r.kind));
                    ui.label(r.batch.as_deref().unwrap_or("-"));
                    ui.label(format_qty(r.qty));
                    ui.label(format_qty(r.balance));
                    ui.label(crate::service::pharmacy::register_patient(r, lang));
                    ui.label(r.doctor.as_deref().unwrap_or("-"));
                    ui.end_row();
                }
            },
        );
    }
}
