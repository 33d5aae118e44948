//! The stock screen for the `gudang` and `apoteker` roles: stock on hand (more tabs to come:
//! receiving, opname, write-offs, expiry, pharmacy registers).

use eframe::egui;

use super::{Action, Back, Screen, TillApp};
use crate::domain::money::{format_qty, format_rupiah};
use crate::i18n::t;
use crate::store::stock::StockRow;

/// The stock screen's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StockScreen {
    pub query: String,
    pub rows: Vec<StockRow>,
}

/// What the stock screen asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum StockAction {
    Refresh,
}

impl StockScreen {
    pub fn new(app: &TillApp) -> Self {
        StockScreen {
            query: String::new(),
            rows: app.shop.stock(None).unwrap_or_default(),
        }
    }
}

/// Apply a stock-screen action (the one place its state changes).
pub fn apply(app: &mut TillApp, action: StockAction) {
    match action {
        StockAction::Refresh => {
            let rows = app.shop.stock(None).unwrap_or_default();
            if let Screen::Back(Back::Stock(s)) = &mut app.screen {
                s.rows = rows;
            }
        }
    }
}

/// Draw the stock screen inside the back office's central panel.
pub fn stock_ui(app: &mut TillApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let lang = app.lang;
    let Screen::Back(Back::Stock(s)) = &mut app.screen else {
        return;
    };
    ui.heading(t(lang, "menu.stock"));
    ui.horizontal(|ui| {
        let label = ui.label(t(lang, "search.hint"));
        ui.add(egui::TextEdit::singleline(&mut s.query).desired_width(300.0))
            .labelled_by(label.id);
        if ui.button(t(lang, "stock.refresh")).clicked() {
            actions.push(Action::Stock(StockAction::Refresh));
        }
    });
    let needle = s.query.to_lowercase();
    egui::ScrollArea::vertical().show(ui, |ui| {
        egui::Grid::new("stock")
            .striped(true)
            .num_columns(5)
            .show(ui, |ui| {
                for h in [
                    "back.sku",
                    "till.item",
                    "stock.on_hand",
                    "stock.value",
                    "stock.batches",
                ] {
                    ui.strong(t(lang, h));
                }
                ui.end_row();
                for r in s
                    .rows
                    .iter()
                    .filter(|r| needle.is_empty() || r.name.to_lowercase().contains(&needle))
                {
                    ui.label(&r.sku);
                    ui.label(&r.name);
                    ui.label(format!("{} {}", format_qty(r.on_hand), r.base_unit));
                    ui.label(format_rupiah(r.value));
                    ui.label(
                        r.batches
                            .iter()
                            .map(|b| {
                                format!(
                                    "{} ({}) {}",
                                    b.batch_no,
                                    b.expiry.as_deref().unwrap_or("-"),
                                    format_qty(b.on_hand)
                                )
                            })
                            .collect::<Vec<_>>()
                            .join(", "),
                    );
                    ui.end_row();
                }
            });
    });
}
