//! The dashboard tab: daily sales per unit, the members' share, the best sellers, kasbon
//! outstanding and stock value, as the service computes them.

use eframe::egui;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::{act, field, BooksAction, DashTab, GOOD};
use crate::domain::money::{format_qty, format_rupiah};
use crate::i18n::{t, Lang};
use crate::ui::Action;

/// Rupiah to a chart height (display only; the figures shown as text stay exact).
fn chart_value(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

pub(super) fn dash_ui(lang: Lang, ui: &mut egui::Ui, tab: &mut DashTab, actions: &mut Vec<Action>) {
    use egui_plot::{Bar, BarChart, Legend, Plot};
    ui.horizontal(|ui| {
        field(ui, t(lang, "books.from"), &mut tab.from, 110.0);
        field(ui, t(lang, "books.to"), &mut tab.to, 110.0);
        if ui.button(t(lang, "books.show")).clicked() {
            act(actions, BooksAction::Dashboard);
        }
    });
    let Some(d) = &tab.dash else {
        return;
    };
    ui.strong(t(lang, "books.daily_sales"));
    let dates: Vec<&str> = {
        let mut v: Vec<&str> = d.daily.iter().map(|x| x.date.as_str()).collect();
        v.dedup();
        v
    };
    let units: Vec<&str> = {
        let mut v: Vec<&str> = d.daily.iter().map(|x| x.business_unit.as_str()).collect();
        v.sort_unstable();
        v.dedup();
        v
    };
    let width = 0.8 / units.len().max(1) as f64;
    let charts: Vec<BarChart> = units
        .iter()
        .enumerate()
        .map(|(k, u)| {
            let bars = d
                .daily
                .iter()
                .filter(|x| x.business_unit == *u)
                .filter_map(|x| {
                    let i = dates.iter().position(|dd| *dd == x.date)?;
                    let net = x.members + x.non_members - x.returns;
                    Some(
                        Bar::new(i as f64 - 0.4 + width * (k as f64 + 0.5), chart_value(net))
                            .width(width)
                            .name(format!("{} {u}: {}", x.date, format_rupiah(net))),
                    )
                })
                .collect();
            BarChart::new(u.to_string(), bars)
        })
        .collect();
    let labels: Vec<String> = dates.iter().map(|s| s.to_string()).collect();
    Plot::new("books_daily_plot")
        .height(200.0)
        .legend(Legend::default())
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .x_axis_formatter(move |mark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                labels.get(i as usize).cloned().unwrap_or_default()
            } else {
                String::new()
            }
        })
        .show(ui, |p| {
            for c in charts {
                p.bar_chart(c);
            }
        });
    ui.add_space(6.0);
    ui.strong(t(lang, "books.member_share"));
    ui.label(format!(
        "{} {} · {} {} · {} {}%",
        t(lang, "books.members"),
        format_rupiah(d.member_sales),
        t(lang, "books.non_members"),
        format_rupiah(d.non_member_sales),
        t(lang, "books.member_percent"),
        d.member_share_percent.normalize()
    ));
    let share = vec![
        Bar::new(0.0, chart_value(d.member_sales))
            .name(t(lang, "books.members"))
            .fill(GOOD),
        Bar::new(1.0, chart_value(d.non_member_sales))
            .name(t(lang, "books.non_members"))
            .fill(egui::Color32::from_rgb(120, 140, 200)),
    ];
    Plot::new("books_share_plot")
        .height(90.0)
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .show_axes([false, false])
        .show(ui, |p| {
            p.bar_chart(BarChart::new(t(lang, "books.member_share"), share).horizontal())
        });
    ui.add_space(6.0);
    ui.strong(t(lang, "books.top_items"));
    egui::Grid::new("books_top")
        .striped(true)
        .num_columns(4)
        .show(ui, |ui| {
            for (i, it) in d.top_items.iter().enumerate() {
                ui.label(format!("{}.", i + 1));
                ui.label(&it.name);
                ui.label(format_qty(it.base_qty));
                ui.label(format_rupiah(it.amount));
                ui.end_row();
            }
        });
    ui.add_space(6.0);
    ui.label(format!(
        "{}: {} ({} {})",
        t(lang, "books.kasbon_outstanding"),
        format_rupiah(d.kasbon_outstanding),
        d.kasbon_members,
        t(lang, "books.members")
    ));
    ui.strong(t(lang, "books.stock_value"));
    for (u, v) in &d.stock_value {
        ui.label(format!("{u}: {}", format_rupiah(*v)));
    }
}
