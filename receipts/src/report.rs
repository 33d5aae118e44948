//! X (interim) and Z (final) shift reports.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::layout::{Layout, Style};
use crate::money::rupiah;
use crate::receipt::labelled;
use crate::{date_time, render, EscposOptions, Lang, Paper};

/// X: an interim read of an open shift; Z: the final report when the shift is closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ShiftReportKind {
    X,
    Z,
}

/// A cashier shift report, rows computed by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShiftReport {
    pub kind: ShiftReportKind,
    pub shop_name: String,
    pub unit_label: String,
    pub till: String,
    pub cashier: String,
    pub opened: NaiveDateTime,
    pub closed: Option<NaiveDateTime>,
    pub printed: NaiveDateTime,
    pub shift_no: String,
    pub sales_count: u32,
    /// Gross sales, returns, per-tender expected / counted / difference, ...
    pub rows: Vec<ReportRow>,
    /// Free text at the end (e.g. the reason given for a cash difference).
    pub notes: Vec<String>,
}

/// One "label ... amount" line of a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    pub label: String,
    pub amount: Decimal,
    pub bold: bool,
}

/// The shift report as plain text.
pub fn shift_report_text(r: &ShiftReport, paper: Paper, lang: Lang) -> String {
    render::text(&layout(r, paper, lang))
}

/// The shift report as one ESC/POS job.
pub fn shift_report_escpos(
    r: &ShiftReport,
    paper: Paper,
    lang: Lang,
    opts: &EscposOptions,
) -> Vec<u8> {
    render::escpos(&layout(r, paper, lang), opts)
}

pub(crate) fn layout(r: &ShiftReport, paper: Paper, lang: Lang) -> Layout {
    let l = lang.labels();
    let mut doc = Layout::new(paper);

    doc.centre(&r.shop_name, Style::BOLD);
    doc.centre(&r.unit_label, Style::NORMAL);
    let (title, note) = match r.kind {
        ShiftReportKind::X => (l.x_report, l.x_report_note),
        ShiftReportKind::Z => (l.z_report, l.z_report_note),
    };
    doc.centre(title, Style::TALL);
    doc.centre(note, Style::NORMAL);
    doc.separator();

    doc.pair(
        &labelled(l.till, &r.till),
        &labelled(l.cashier, &r.cashier),
        Style::NORMAL,
    );
    doc.left(&labelled(l.shift, &r.shift_no), Style::NORMAL);
    doc.pair(l.opened, &date_time(r.opened), Style::NORMAL);
    if let Some(closed) = r.closed {
        doc.pair(l.closed, &date_time(closed), Style::NORMAL);
    }
    doc.pair(l.printed, &date_time(r.printed), Style::NORMAL);
    doc.pair(l.sales_count, &r.sales_count.to_string(), Style::NORMAL);
    doc.separator();

    for row in &r.rows {
        let style = if row.bold { Style::BOLD } else { Style::NORMAL };
        doc.pair(&row.label, &rupiah(row.amount), style);
    }

    if r.notes.iter().any(|n| !n.trim().is_empty()) {
        doc.separator();
        for note in &r.notes {
            doc.left(note, Style::NORMAL);
        }
    }
    doc
}
