//! The goods-received slip (penerimaan barang) printed when a delivery is booked in.

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::layout::{Layout, Style};
use crate::money::{qty, rupiah};
use crate::receipt::labelled;
use crate::{date_time, render, EscposOptions, Lang, Paper};

/// A delivery as booked in, with batches and expiry dates where tracked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceivingSlip {
    pub shop_name: String,
    pub unit_label: String,
    pub supplier: String,
    pub doc_no: String,
    pub datetime: NaiveDateTime,
    /// Who booked the delivery in.
    pub user: String,
    pub lines: Vec<SlipLine>,
    pub total: Decimal,
}

/// One received item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlipLine {
    pub name: String,
    pub qty: Decimal,
    pub unit: String,
    /// Cost per unit (may carry sen: printed as `Rp1.250,50`).
    pub cost: Decimal,
    pub batch: Option<String>,
    pub expiry: Option<NaiveDate>,
    pub amount: Decimal,
}

/// The receiving slip as plain text.
pub fn slip_text(s: &ReceivingSlip, paper: Paper, lang: Lang) -> String {
    render::text(&layout(s, paper, lang))
}

/// The receiving slip as one ESC/POS job.
pub fn slip_escpos(s: &ReceivingSlip, paper: Paper, lang: Lang, opts: &EscposOptions) -> Vec<u8> {
    render::escpos(&layout(s, paper, lang), opts)
}

pub(crate) fn layout(s: &ReceivingSlip, paper: Paper, lang: Lang) -> Layout {
    let l = lang.labels();
    let mut doc = Layout::new(paper);

    doc.slip_head(&s.shop_name, &s.unit_label, l.goods_received);

    doc.left(&format!("{} {}", l.number, s.doc_no), Style::NORMAL);
    doc.left(&labelled(l.supplier, &s.supplier), Style::NORMAL);
    doc.pair(
        &date_time(s.datetime),
        &labelled(l.staff, &s.user),
        Style::NORMAL,
    );
    doc.separator();

    for line in &s.lines {
        doc.left(&line.name, Style::NORMAL);
        let unit = if line.unit.trim().is_empty() {
            String::new()
        } else {
            format!(" {}", line.unit.trim())
        };
        doc.pair_indented(
            2,
            &format!("{}{unit} x {}", qty(line.qty), rupiah(line.cost)),
            &rupiah(line.amount),
            Style::NORMAL,
        );
        let batch = line
            .batch
            .as_deref()
            .map(|b| labelled(l.batch, b))
            .unwrap_or_default();
        let expiry = line
            .expiry
            .map(|d| labelled(l.expiry, &d.format("%d/%m/%Y").to_string()))
            .unwrap_or_default();
        doc.pair_indented(2, &batch, &expiry, Style::NORMAL);
    }
    doc.separator();
    doc.pair(l.total, &rupiah(s.total), Style::TALL);

    // Signatures: the staff member who received the goods and the supplier's driver.
    doc.feed(1);
    doc.pair(l.received_by, l.delivered_by, Style::NORMAL);
    doc.feed(3);
    let staff = if s.user.trim().is_empty() {
        "(..........)".to_owned()
    } else {
        format!("({})", s.user.trim())
    };
    doc.pair(&staff, "(..........)", Style::NORMAL);
    doc
}
