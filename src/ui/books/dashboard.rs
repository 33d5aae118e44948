//! The dashboard tab: net sales per day side by side for each unit, members and non-members
//! per day, the members' share over time, the best sellers in the unit they sell in,
//! kasbon outstanding and stock value, as the service computes them (net of returns, a
//! return on the day it is taken back). Every chart has a legend.

use eframe::egui::{self, Color32};
use egui_plot::{Bar, BarChart, Corner, GridMark, Legend, Line, Plot, PlotPoints, Points};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::{act, field, range_date, report, screen, BooksAction, BooksScreen, GOOD};
use crate::domain::catalog::BusinessUnit;
use crate::domain::money::format_rupiah;
use crate::i18n::{t, Lang};
use crate::service::dashboard::Dashboard;
use crate::ui::{Action, TillApp};

/// The dashboard tab.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DashTab {
    pub from: String,
    pub to: String,
    pub dash: Option<Dashboard>,
}

/// Load the dashboard for the range typed.
pub(super) fn load(app: &mut TillApp, s: &BooksScreen) {
    let result = (|| {
        let today = app.shop.now().date();
        let from = range_date(&s.dash.from)?.unwrap_or(today);
        let to = range_date(&s.dash.to)?.unwrap_or(today);
        app.shop.dashboard(from, to, 10)
    })();
    match result {
        Ok(d) => {
            if let Some(s) = screen(app) {
                s.dash.dash = Some(d);
                s.error = None;
            }
        }
        Err(e) => report(app, Err(e)),
    }
}

/// A chart shows at least this many days, so a short range does not draw wide blocks.
const MIN_DAYS: usize = 7;
/// The width a day's group of bars takes (of 1.0 between days).
const GROUP: f64 = 0.7;
/// The widest a single bar is drawn.
const BAR: f64 = 0.3;
const OTHERS: Color32 = Color32::from_rgb(120, 140, 200);

/// Rupiah to a chart height (display only; the figures shown as text stay exact).
fn chart_value(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

/// The colour of a product unit's bars.
fn unit_color(unit: &str) -> Color32 {
    match BusinessUnit::parse(unit) {
        Some(BusinessUnit::Apotek) => Color32::from_rgb(60, 150, 170),
        _ => Color32::from_rgb(230, 150, 60),
    }
}

/// A product unit's name as people say it ("Toko Sembako", "Apotek").
fn unit_name(unit: &str, lang: Lang) -> String {
    BusinessUnit::parse(unit)
        .map(|u| u.label(lang).to_string())
        .unwrap_or_else(|| unit.to_string())
}

/// "2026-05-04" → "04/05" under a bar group.
fn short_date(date: &str) -> String {
    match (date.get(8..10), date.get(5..7)) {
        (Some(d), Some(m)) => format!("{d}/{m}"),
        _ => date.to_string(),
    }
}

/// One series of a grouped chart: its legend name, colour, and per day (height, hover text).
type Series = (String, Color32, Vec<(f64, String)>);

/// `series` as bars side by side within each day.
fn grouped(series: Vec<Series>) -> Vec<BarChart> {
    let n = series.len().max(1) as f64;
    let width = (GROUP / n).min(BAR);
    series
        .into_iter()
        .enumerate()
        .map(|(k, (name, color, values))| {
            let offset = width * (k as f64 - (n - 1.0) / 2.0);
            let bars = values
                .into_iter()
                .enumerate()
                .map(|(day, (value, hover))| {
                    Bar::new(day as f64 + offset, value)
                        .width(width)
                        .name(hover)
                        .fill(color)
                })
                .collect();
            BarChart::new(name, bars).color(color)
        })
        .collect()
}

/// A plot over `days` day slots, with a legend and the dates under the bars.
fn day_plot<'a>(id: &str, days: &'a [String], height: f32) -> Plot<'a> {
    let slots = days.len().max(MIN_DAYS);
    Plot::new(id)
        .height(height)
        .legend(Legend::default().position(Corner::RightTop))
        .allow_drag(false)
        .allow_zoom(false)
        .allow_scroll(false)
        .allow_boxed_zoom(false)
        .include_x(-0.6)
        .include_x(slots as f64 - 0.4)
        .include_y(0.0)
        .x_axis_formatter(move |mark: GridMark, _| {
            let i = mark.value.round();
            if (mark.value - i).abs() < 1e-6 && i >= 0.0 {
                days.get(i as usize)
                    .map(|d| short_date(d))
                    .unwrap_or_default()
            } else {
                String::new()
            }
        })
}

/// A grid line's rupiah, short: "Rp10 jt", "Rp2,5 jt", "Rp500 rb" (display only).
fn rupiah_axis(lang: Lang) -> impl Fn(GridMark, &std::ops::RangeInclusive<f64>) -> String {
    move |mark, _| {
        let v = mark.value;
        let (scaled, unit) = if v.abs() >= 1e6 {
            (v / 1e6, lang.pick("jt", "M"))
        } else if v.abs() >= 1e3 {
            (v / 1e3, lang.pick("rb", "k"))
        } else {
            return format_rupiah(Decimal::from(v.round() as i64));
        };
        let text = format!("{:.1}", scaled);
        let text = text.strip_suffix(".0").unwrap_or(&text).replace('.', ",");
        format!("Rp{text} {unit}")
    }
}

pub(super) fn dash_ui(lang: Lang, ui: &mut egui::Ui, tab: &mut DashTab, actions: &mut Vec<Action>) {
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
    ui.weak(t(lang, "books.net_note"));
    summary(lang, ui, d);
    ui.add_space(6.0);
    let days: Vec<String> = d
        .member_share_daily
        .iter()
        .map(|s| s.date.clone())
        .collect();
    daily_chart(lang, ui, d, &days);
    ui.add_space(6.0);
    members_chart(lang, ui, d, &days);
    ui.add_space(6.0);
    share_chart(lang, ui, d, &days);
    ui.add_space(6.0);
    top_items(lang, ui, d);
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
        ui.label(format!("{}: {}", unit_name(u, lang), format_rupiah(*v)));
    }
}

/// The range's totals in words.
fn summary(lang: Lang, ui: &mut egui::Ui, d: &Dashboard) {
    let units: Vec<String> = d
        .per_unit
        .iter()
        .map(|(u, v)| format!("{} {}", unit_name(u, lang), format_rupiah(*v)))
        .collect();
    ui.label(format!(
        "{} {} ({} {}) · {}",
        t(lang, "books.net_sales"),
        format_rupiah(d.net_sales),
        t(lang, "books.returns_total"),
        format_rupiah(d.returns),
        units.join(" · ")
    ));
    ui.label(format!(
        "{} {} · {} {} · {} {}%",
        t(lang, "books.legend_members"),
        format_rupiah(d.member_sales),
        t(lang, "books.legend_non_members"),
        format_rupiah(d.non_member_sales),
        t(lang, "books.member_percent"),
        d.member_share_percent.normalize()
    ));
}

/// Net sales per day, one narrow bar per unit side by side.
fn daily_chart(lang: Lang, ui: &mut egui::Ui, d: &Dashboard, days: &[String]) {
    ui.strong(t(lang, "books.daily_sales"));
    let mut units: Vec<&str> = d.daily.iter().map(|x| x.business_unit.as_str()).collect();
    units.sort_unstable();
    units.dedup();
    let series = units
        .iter()
        .map(|u| {
            let name = unit_name(u, lang);
            let values = days
                .iter()
                .map(|day| {
                    let net = d
                        .daily
                        .iter()
                        .find(|x| x.date == *day && x.business_unit == *u)
                        .map(|x| x.net)
                        .unwrap_or_default();
                    (
                        chart_value(net),
                        format!("{day} {name}: {}", format_rupiah(net)),
                    )
                })
                .collect();
            (name, unit_color(u), values)
        })
        .collect();
    let charts = grouped(series);
    day_plot("books_daily_plot", days, 200.0)
        .y_axis_formatter(rupiah_axis(lang))
        .show(ui, |p| {
            for c in charts {
                p.bar_chart(c);
            }
        });
}

/// Members' and others' net purchases per day, side by side.
fn members_chart(lang: Lang, ui: &mut egui::Ui, d: &Dashboard, days: &[String]) {
    ui.strong(t(lang, "books.member_share"));
    let members = t(lang, "books.legend_members").to_string();
    let others = t(lang, "books.legend_non_members").to_string();
    let pick = |f: fn(&crate::service::dashboard::DayShare) -> Decimal, name: &str| {
        d.member_share_daily
            .iter()
            .map(|s| {
                (
                    chart_value(f(s)),
                    format!("{} {name}: {}", s.date, format_rupiah(f(s))),
                )
            })
            .collect::<Vec<_>>()
    };
    let charts = grouped(vec![
        (members.clone(), GOOD, pick(|s| s.members, &members)),
        (others.clone(), OTHERS, pick(|s| s.non_members, &others)),
    ]);
    day_plot("books_share_plot", days, 160.0)
        .y_axis_formatter(rupiah_axis(lang))
        .show(ui, |p| {
            for c in charts {
                p.bar_chart(c);
            }
        });
}

/// The members' share of each day's net sales, as a line.
fn share_chart(lang: Lang, ui: &mut egui::Ui, d: &Dashboard, days: &[String]) {
    ui.strong(t(lang, "books.share_daily"));
    let name = t(lang, "books.share_line");
    let points: Vec<[f64; 2]> = d
        .member_share_daily
        .iter()
        .enumerate()
        .map(|(i, s)| [i as f64, chart_value(s.member_share_percent)])
        .collect();
    day_plot("books_share_line", days, 140.0)
        .include_y(100.0)
        .y_axis_formatter(|mark, _| format!("{}%", mark.value.round()))
        .show(ui, |p| {
            p.line(Line::new(name, PlotPoints::from(points.clone())).color(GOOD));
            p.points(
                Points::new(name, PlotPoints::from(points))
                    .color(GOOD)
                    .filled(true)
                    .radius(3.0),
            );
        });
}

/// The best sellers: quantity in the unit they sell in, amount net of returns.
fn top_items(lang: Lang, ui: &mut egui::Ui, d: &Dashboard) {
    ui.strong(t(lang, "books.top_items"));
    egui::Grid::new("books_top")
        .striped(true)
        .num_columns(4)
        .spacing([16.0, 4.0])
        .show(ui, |ui| {
            ui.label("");
            ui.strong(t(lang, "books.top_item"));
            ui.strong(t(lang, "books.top_qty"));
            ui.strong(t(lang, "books.top_amount"));
            ui.end_row();
            for (i, it) in d.top_items.iter().enumerate() {
                ui.label(format!("{}.", i + 1));
                ui.label(&it.name);
                ui.label(&it.quantity);
                ui.label(format_rupiah(it.amount));
                ui.end_row();
            }
        });
}
