//! The opname tab: start a count (per business unit or the whole shop), scan and count
//! blind, and finish with a supervisor's approval; the variance report after.

use eframe::egui::{self};

use super::*;

/// The opname tab: the code and count being typed, what was counted, the approval, the report.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct OpnameTab {
    pub count_code: String,
    pub count_qty: String,
    pub count_batch: String,
    /// Counted figures only: a blind count never shows what the books expect.
    pub counted: Vec<CountAck>,
    pub approval: Approval,
    pub report: Option<OpnameReport>,
}

pub(super) fn opname_ui(
    lang: Lang,
    s: &mut StockScreen,
    users: &[UserRow],
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    match &s.session {
        None => {
            ui.label(t(lang, "stock.no_count"));
            ui.horizontal(|ui| {
                for (scope, key) in [
                    (None, "stock.start_all"),
                    (Some(BusinessUnit::Sembako), "stock.start_sembako"),
                    (Some(BusinessUnit::Apotek), "stock.start_apotek"),
                ] {
                    if ui
                        .add_sized([180.0, 36.0], egui::Button::new(t(lang, key)))
                        .clicked()
                    {
                        push(StockAction::OpnameStart(scope));
                    }
                }
            });
        }
        Some(session) => {
            ui.strong(format!(
                "{} #{} · {} · {} {}",
                t(lang, "stock.count_under_way"),
                session.id,
                session
                    .scope_unit
                    .as_deref()
                    .unwrap_or(t(lang, "stock.scope_all")),
                session.started_at.get(..16).unwrap_or(&session.started_at),
                session.started_by
            ));
            ui.label(t(lang, "stock.blind_hint"));
            let mut count = false;
            ui.horizontal(|ui| {
                let (_, enter) = code_field(
                    ui,
                    t(lang, "stock.code"),
                    &mut s.count.count_code,
                    &mut s.focus_code,
                );
                let qty = field(
                    ui,
                    t(lang, "stock.counted_qty"),
                    &mut s.count.count_qty,
                    100.0,
                );
                if enter {
                    qty.request_focus();
                }
                count |= submitted(ui, &qty);
                let batch = field(
                    ui,
                    t(lang, "stock.batch_optional"),
                    &mut s.count.count_batch,
                    120.0,
                );
                count |= submitted(ui, &batch);
                count |= ui.button(t(lang, "stock.record_count")).clicked();
            });
            if count {
                push(StockAction::OpnameCount);
            }
            table(
                ui,
                lang,
                "opname_counted",
                &["back.sku", "till.item", "stock.batch", "stock.counted_qty"],
                |ui| {
                    for c in &s.count.counted {
                        ui.label(&c.sku);
                        ui.label(&c.name);
                        ui.label(c.batch.as_deref().unwrap_or("-"));
                        ui.label(format!("{} {}", format_qty(c.counted), c.base_unit));
                        ui.end_row();
                    }
                },
            );
            ui.separator();
            ui.strong(t(lang, "stock.finish_count"));
            if supervisor_ui(lang, ui, users, &mut s.count.approval, false) {
                push(StockAction::OpnameFinish);
            }
        }
    }
    if let Some(r) = &s.count.report {
        ui.separator();
        ui.strong(format!("{} #{}", t(lang, "stock.variance"), r.session.id));
        table(
            ui,
            lang,
            "opname_variance",
            &[
                "back.sku",
                "till.item",
                "stock.batch",
                "stock.counted_qty",
                "stock.variance_qty",
                "stock.variance_value",
            ],
            |ui| {
                for l in &r.lines {
                    ui.label(&l.sku);
                    ui.label(&l.name);
                    ui.label(l.batch.as_deref().unwrap_or("-"));
                    ui.label(format!("{} {}", format_qty(l.counted), l.base_unit));
                    let sign = if l.variance > Decimal::ZERO { "+" } else { "" };
                    ui.label(format!("{sign}{} {}", format_qty(l.variance), l.base_unit));
                    ui.label(format_rupiah(l.value));
                    ui.end_row();
                }
            },
        );
        ui.label(format!(
            "{} {} · {} {} · {} {} · {} {}",
            t(lang, "stock.short"),
            format_rupiah(r.value_short),
            t(lang, "stock.over"),
            format_rupiah(r.value_over),
            t(lang, "stock.net"),
            format_rupiah(r.net_value),
            t(lang, "stock.not_counted"),
            r.not_counted
        ));
    }
}
