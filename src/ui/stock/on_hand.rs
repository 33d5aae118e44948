//! The stock-on-hand tab: the list (a search narrows it), low stock marked, and a
//! product's stock card (per batch for batch-tracked goods).

use eframe::egui::{self, RichText};

use super::*;

/// The stock-on-hand tab: the list, low stock, the stock card.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OnHandTab {
    pub query: String,
    pub rows: Vec<StockRow>,
    /// SKUs at or below their minimum (from the low-stock report).
    pub low: std::collections::HashSet<String>,
    pub card_sku: Option<String>,
    pub card_batch: Option<String>,
    pub card: Vec<MoveRow>,
}

/// The stock list shows at most this many products; a search narrows it.
const STOCK_ROWS_SHOWN: usize = 200;

pub(super) fn on_hand_ui(
    lang: Lang,
    s: &mut StockScreen,
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    if s.session.is_some() {
        ui.colored_label(LOW, t(lang, "stock.hidden_during_count"));
    }
    ui.horizontal(|ui| {
        field(ui, t(lang, "search.hint"), &mut s.on_hand.query, 300.0);
        if !s.on_hand.low.is_empty() {
            ui.colored_label(
                LOW,
                format!("{} {}", s.on_hand.low.len(), t(lang, "stock.low_count")),
            );
        }
    });
    let needle = s.on_hand.query.to_lowercase();
    let matching: Vec<&StockRow> = s
        .on_hand
        .rows
        .iter()
        .filter(|r| {
            needle.is_empty()
                || r.name.to_lowercase().contains(&needle)
                || r.sku.to_lowercase().contains(&needle)
        })
        .collect();
    if matching.len() > STOCK_ROWS_SHOWN {
        ui.label(format!(
            "{STOCK_ROWS_SHOWN} / {} {}",
            matching.len(),
            t(lang, "stock.rows_shown")
        ));
    }
    egui::ScrollArea::vertical()
        .id_salt("stock_rows")
        .max_height(320.0)
        .show(ui, |ui| {
            table(
                ui,
                lang,
                "stock",
                &[
                    "back.sku",
                    "till.item",
                    "stock.on_hand",
                    "stock.min",
                    "stock.value",
                    "stock.batches",
                ],
                |ui| {
                    // The first rows that match: laying out every product of a large
                    // catalog took seconds a frame (100k products: 5 s).
                    for r in matching.iter().take(STOCK_ROWS_SHOWN) {
                        let blind = s.blind(&r.business_unit);
                        let low = s.on_hand.low.contains(&r.sku) && !blind;
                        let text = |t: String| {
                            if low {
                                RichText::new(t).color(LOW).strong()
                            } else {
                                RichText::new(t)
                            }
                        };
                        ui.label(text(r.sku.clone()));
                        let selected = s.on_hand.card_sku.as_deref() == Some(r.sku.as_str());
                        if ui
                            .add(egui::Button::selectable(selected, text(r.name.clone())))
                            .clicked()
                        {
                            push(StockAction::Card(r.sku.clone(), None));
                        }
                        if blind {
                            ui.label("—");
                        } else {
                            ui.label(text(format!("{} {}", format_qty(r.on_hand), r.base_unit)));
                        }
                        ui.label(text(format_qty(r.min_stock)));
                        ui.label(if blind {
                            "—".to_string()
                        } else {
                            format_rupiah(r.value)
                        });
                        ui.label(
                            r.batches
                                .iter()
                                .map(|b| {
                                    let expiry = b.expiry.as_deref().unwrap_or("-");
                                    if blind {
                                        format!("{} ({expiry})", b.batch_no)
                                    } else {
                                        format!(
                                            "{} ({expiry}) {}",
                                            b.batch_no,
                                            format_qty(b.on_hand)
                                        )
                                    }
                                })
                                .collect::<Vec<_>>()
                                .join(", "),
                        );
                        ui.end_row();
                    }
                },
            );
        });
    let Some(sku) = s.on_hand.card_sku.clone() else {
        ui.label(t(lang, "stock.pick_product"));
        return;
    };
    ui.separator();
    let product = s.on_hand.rows.iter().find(|r| r.sku == sku);
    ui.strong(format!(
        "{}: {} {}",
        t(lang, "stock.card"),
        sku,
        product.map(|p| p.name.as_str()).unwrap_or("")
    ));
    if let Some(p) = product.filter(|p| !p.batches.is_empty()) {
        ui.horizontal_wrapped(|ui| {
            if ui
                .selectable_label(s.on_hand.card_batch.is_none(), t(lang, "stock.all_batches"))
                .clicked()
            {
                push(StockAction::Card(sku.clone(), None));
            }
            for b in &p.batches {
                if ui
                    .selectable_label(
                        s.on_hand.card_batch.as_deref() == Some(b.batch_no.as_str()),
                        &b.batch_no,
                    )
                    .clicked()
                {
                    push(StockAction::Card(sku.clone(), Some(b.batch_no.clone())));
                }
            }
        });
    }
    if product.is_some_and(|p| s.blind(&p.business_unit)) {
        ui.label(t(lang, "stock.hidden_during_count"));
        return;
    }
    table(
        ui,
        lang,
        "stock_card",
        &[
            "stock.date",
            "stock.kind",
            "stock.reason",
            "stock.user",
            "stock.batch",
            "till.qty",
            "stock.balance",
            "stock.reference",
        ],
        |ui| {
            for m in &s.on_hand.card {
                ui.label(m.at.get(..16).unwrap_or(&m.at));
                ui.label(kind_label(lang, &m.kind));
                ui.label(match m.note.as_deref() {
                    Some(note) => crate::domain::books_names::memo(note, lang),
                    None => "-".into(),
                });
                ui.label(m.user.as_deref().unwrap_or("-"));
                ui.label(m.batch.as_deref().unwrap_or("-"));
                ui.label(format_qty(m.qty));
                ui.label(format_qty(m.balance));
                ui.label(m.reference.as_deref().unwrap_or("-"));
                ui.end_row();
            }
        },
    );
}
