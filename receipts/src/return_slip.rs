//! The return slip (bukti retur) printed when goods are taken back against a receipt: what
//! came back, what it was worth, and how it was refunded (cash out of the drawer, or the
//! member's kasbon reduced), with the customer's and the approving supervisor's signatures.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::layout::{Layout, Style};
use crate::money::{qty, rupiah};
use crate::receipt::labelled;
use crate::{date_time, render, EscposOptions, Lang, Paper};

/// A return as booked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnSlip {
    pub shop_name: String,
    pub unit_label: String,
    /// The return's number (`RT-…`).
    pub number: String,
    /// The receipt the goods were sold on.
    pub sale_no: String,
    pub datetime: NaiveDateTime,
    pub till: String,
    pub cashier: String,
    /// The supervisor who approved the return.
    pub approver: String,
    pub lines: Vec<ReturnSlipLine>,
    /// The value of the goods taken back.
    pub total: Decimal,
    /// Paid out of the drawer.
    pub refund_cash: Decimal,
    /// Taken off the member's kasbon.
    #[serde(default)]
    pub refund_kasbon: Decimal,
    /// Kept by the shop when the cash refund is rounded down to the cash step.
    #[serde(default)]
    pub rounding: Decimal,
}

/// One item taken back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnSlipLine {
    pub name: String,
    pub qty: Decimal,
    pub unit: String,
    pub amount: Decimal,
}

/// The return slip as plain text.
pub fn return_slip_text(s: &ReturnSlip, paper: Paper, lang: Lang) -> String {
    render::text(&layout(s, paper, lang))
}

/// The return slip as one ESC/POS job.
pub fn return_slip_escpos(
    s: &ReturnSlip,
    paper: Paper,
    lang: Lang,
    opts: &EscposOptions,
) -> Vec<u8> {
    render::escpos(&layout(s, paper, lang), opts)
}

pub(crate) fn layout(s: &ReturnSlip, paper: Paper, lang: Lang) -> Layout {
    let l = lang.labels();
    let mut doc = Layout::new(paper);

    doc.slip_head(&s.shop_name, &s.unit_label, l.return_title);

    doc.left(&format!("{} {}", l.number, s.number), Style::NORMAL);
    // The sale number stays whole: on the same line as its label, or right-aligned below.
    doc.pair(&format!("{}:", l.return_of_sale), &s.sale_no, Style::NORMAL);
    doc.pair(
        &date_time(s.datetime),
        &labelled(l.till, &s.till),
        Style::NORMAL,
    );
    doc.left(&labelled(l.cashier, &s.cashier), Style::NORMAL);
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
            &format!("{}{unit}", qty(line.qty)),
            &rupiah(line.amount),
            Style::NORMAL,
        );
    }
    doc.separator();
    doc.pair(l.total, &rupiah(s.total), Style::BOLD);
    if !s.refund_kasbon.is_zero() {
        doc.pair(l.refund_kasbon, &rupiah(s.refund_kasbon), Style::NORMAL);
    }
    if !s.rounding.is_zero() {
        doc.pair(l.rounding, &rupiah(-s.rounding), Style::NORMAL);
    }
    doc.pair(l.refund_cash, &rupiah(s.refund_cash), Style::TALL);

    // Signatures: the customer who took the refund and the supervisor who approved it.
    doc.feed(1);
    doc.pair(l.customer, l.approved_by, Style::NORMAL);
    doc.feed(3);
    let approver = if s.approver.trim().is_empty() {
        "(..........)".to_owned()
    } else {
        format!("({})", s.approver.trim())
    };
    doc.pair("(..........)", &approver, Style::NORMAL);
    doc
}
