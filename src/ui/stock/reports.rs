//! The stock reports tab: stock value per business unit, the reorder list and slow
//! movers (figures hidden while a count of their unit is under way).

use eframe::egui::{self};

use super::*;

/// The stock reports tab: value per unit, reorder list, slow movers.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReportsTab {
    pub values: Vec<UnitStockValue>,
    pub reorder: Vec<ReorderRow>,
    pub slow: Vec<SlowMover>,
    /// The slow-mover window (`stock.slow_days`, 90, unless picked on the tab).
    pub slow_days: Option<i64>,
}

/// A figure, or a dash while a count of its unit is under way (the count is blind).
pub(super) fn figure(ui: &mut egui::Ui, blind: bool, text: String) {
    if blind {
        ui.label("—");
    } else {
        ui.label(text);
    }
}

pub(super) fn reports_ui(
    lang: Lang,
    s: &mut StockScreen,
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    ui.strong(t(lang, "stock.value_by_unit"));
    table(
        ui,
        lang,
        "stock_values",
        &["stock.unit", "stock.products_head", "stock.value"],
        |ui| {
            for v in &s.reports.values {
                ui.label(&v.business_unit);
                ui.label(v.products.to_string());
                figure(ui, s.blind(&v.business_unit), format_rupiah(v.value));
                ui.end_row();
            }
        },
    );
    ui.separator();
    ui.strong(format!(
        "{} ({})",
        t(lang, "stock.reorder"),
        s.reports.reorder.len()
    ));
    if s.reports.reorder.is_empty() {
        ui.label(t(lang, "stock.none"));
    } else {
        egui::Grid::new("stock_reorder")
            .striped(true)
            .num_columns(6)
            .show(ui, |ui| {
                let days = s
                    .reports
                    .reorder
                    .first()
                    .map(|r| r.days)
                    .unwrap_or_default();
                ui.strong(t(lang, "back.sku"));
                ui.strong(t(lang, "till.item"));
                ui.strong(t(lang, "stock.on_hand"));
                ui.strong(t(lang, "stock.min"));
                ui.strong(format!(
                    "{} {days} {}",
                    t(lang, "stock.sold"),
                    t(lang, "stock.days")
                ));
                ui.strong(t(lang, "stock.suggested"));
                ui.end_row();
                for r in &s.reports.reorder {
                    let blind = s.blind(&r.business_unit);
                    let unit = &r.base_unit;
                    ui.label(&r.sku);
                    ui.colored_label(LOW, &r.name);
                    figure(ui, blind, format!("{} {unit}", format_qty(r.on_hand)));
                    ui.label(format!("{} {unit}", format_qty(r.min_stock)));
                    ui.label(format!("{} {unit}", format_qty(r.sold)));
                    figure(ui, blind, format!("{} {unit}", format_qty(r.suggested)));
                    ui.end_row();
                }
            });
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.strong(format!(
            "{} ({})",
            t(lang, "stock.slow"),
            s.reports.slow.len()
        ));
        ui.label(t(lang, "stock.not_sold_in"));
        for d in [30, 60, 90, 180] {
            if ui
                .selectable_label(
                    s.reports.slow_days == Some(d),
                    format!("{d} {}", t(lang, "stock.days")),
                )
                .clicked()
            {
                push(StockAction::SlowDays(d));
            }
        }
    });
    if s.reports.slow.is_empty() {
        ui.label(t(lang, "stock.none"));
        return;
    }
    table(
        ui,
        lang,
        "stock_slow",
        &[
            "back.sku",
            "till.item",
            "stock.on_hand",
            "stock.value",
            "stock.last_sale",
        ],
        |ui| {
            for m in &s.reports.slow {
                let blind = s.blind(&m.business_unit);
                ui.label(&m.sku);
                ui.label(&m.name);
                figure(
                    ui,
                    blind,
                    format!("{} {}", format_qty(m.on_hand), m.base_unit),
                );
                figure(ui, blind, format_rupiah(m.value));
                match &m.last_sale {
                    Some(at) => ui.label(at.get(..10).unwrap_or(at)),
                    None => ui.label(t(lang, "stock.never_sold")),
                };
                ui.end_row();
            }
        },
    );
}
