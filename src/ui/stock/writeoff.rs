//! The write-off and expiry tabs: writing off goods with a reason (expired batches in one
//! go), and the near-expiry list by 30/60/90 days.

use eframe::egui::{self};

use super::*;

/// The expiry tab: the window in days and the report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ExpiryTab {
    pub days: Option<i64>,
    pub expiry: Option<ExpiryReport>,
}

/// The write-off tab: the line being written off and the expired batches.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WriteOffTab {
    pub wo_code: String,
    pub wo_qty: String,
    pub wo_batch: String,
    pub wo_reason: Option<WriteOffReason>,
    pub expired: Vec<ExpiryRow>,
}

pub(super) fn expiry_grid(
    lang: Lang,
    ui: &mut egui::Ui,
    id: &str,
    rows: &[ExpiryRow],
    blind: impl Fn(&str) -> bool,
) {
    if rows.is_empty() {
        ui.label(t(lang, "stock.none"));
        return;
    }
    table(
        ui,
        lang,
        id,
        &[
            "back.sku",
            "till.item",
            "stock.batch",
            "stock.expiry_date",
            "stock.on_hand",
        ],
        |ui| {
            for e in rows {
                ui.label(&e.sku);
                ui.label(&e.name);
                ui.label(&e.batch_no);
                ui.label(&e.expiry);
                if blind(&e.business_unit) {
                    ui.label("—");
                } else {
                    ui.label(format!("{} {}", format_qty(e.on_hand), e.base_unit));
                }
                ui.end_row();
            }
        },
    );
}

pub(super) fn write_off_ui(
    lang: Lang,
    s: &mut StockScreen,
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    egui::Grid::new("write_off_form")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let (_, enter) = code_field(
                ui,
                t(lang, "stock.code"),
                &mut s.write_off.wo_code,
                &mut s.focus_code,
            );
            ui.end_row();
            let qty = field(ui, t(lang, "stock.qty"), &mut s.write_off.wo_qty, 100.0);
            if enter {
                qty.request_focus();
            }
            ui.end_row();
            ui.label(t(lang, "stock.reason"));
            ui.horizontal(|ui| {
                for (r, key) in [
                    (WriteOffReason::Rusak, "stock.reason_rusak"),
                    (WriteOffReason::Kedaluwarsa, "stock.reason_kedaluwarsa"),
                    (WriteOffReason::Hilang, "stock.reason_hilang"),
                ] {
                    if ui
                        .selectable_label(s.write_off.wo_reason == Some(r), t(lang, key))
                        .clicked()
                    {
                        s.write_off.wo_reason = Some(r);
                    }
                }
            });
            ui.end_row();
            field(
                ui,
                t(lang, "stock.batch_optional"),
                &mut s.write_off.wo_batch,
                120.0,
            );
            ui.end_row();
        });
    if ui
        .add_sized([160.0, 36.0], egui::Button::new(t(lang, "stock.write_off")))
        .clicked()
    {
        push(StockAction::WriteOff);
    }
    ui.separator();
    ui.strong(t(lang, "stock.expired"));
    expiry_grid(lang, ui, "write_off_expired", &s.write_off.expired, |u| {
        s.blind(u)
    });
    if !s.write_off.expired.is_empty()
        && ui
            .add_sized(
                [260.0, 36.0],
                egui::Button::new(t(lang, "stock.write_off_expired")),
            )
            .clicked()
    {
        push(StockAction::WriteOffExpired);
    }
}

pub(super) fn expiry_ui(
    lang: Lang,
    s: &mut StockScreen,
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    ui.horizontal(|ui| {
        ui.label(t(lang, "stock.near_within"));
        for d in [30, 60, 90] {
            if ui
                .selectable_label(
                    s.near_expiry.days == Some(d),
                    format!("{d} {}", t(lang, "stock.days")),
                )
                .clicked()
            {
                push(StockAction::ExpiryDays(d));
            }
        }
    });
    let Some(r) = &s.near_expiry.expiry else {
        return;
    };
    ui.strong(format!(
        "{} ({} {})",
        t(lang, "stock.near"),
        r.days,
        t(lang, "stock.days")
    ));
    expiry_grid(lang, ui, "expiry_near", &r.near, |u| s.blind(u));
    ui.separator();
    ui.strong(t(lang, "stock.expired"));
    expiry_grid(lang, ui, "expiry_expired", &r.expired, |u| s.blind(u));
}
