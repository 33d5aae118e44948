//! The sale receipt.

use chrono::NaiveDateTime;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::layout::{Layout, Style};
use crate::money::{qty, rupiah, weight};
use crate::{date_time, render, EscposOptions, Lang, Paper};

/// Everything printed on a sale receipt. Amounts are computed by the caller; this only lays
/// them out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub shop_name: String,
    /// The business unit, e.g. "Toko Sembako" or "Apotek".
    pub unit_label: String,
    pub address: String,
    /// Printed only when the coop has an NPWP on file.
    pub npwp: Option<String>,
    pub till: String,
    pub cashier: String,
    pub datetime: NaiveDateTime,
    pub sale_no: String,
    pub lines: Vec<ReceiptLine>,
    pub subtotal: Decimal,
    /// Sum of discounts; printed as a negative amount when non-zero.
    pub discount_total: Decimal,
    /// PPN included in the total, whole rupiah; `Some` only when the coop is PKP. Lines are
    /// then marked taxable (P) or exempt (B), with a legend.
    pub ppn: Option<Decimal>,
    /// The tax base (DPP) of the taxable lines, printed below the PPN.
    #[serde(default)]
    pub dpp: Option<Decimal>,
    /// Cash rounding in the customer's favour; printed when non-zero, always as a negative amount.
    pub rounding: Decimal,
    pub total: Decimal,
    pub tenders: Vec<ReceiptTender>,
    pub change: Decimal,
    pub member: Option<ReceiptMember>,
    /// Centred lines at the end ("Terima kasih", return policy, ...), already translated.
    pub footer: Vec<String>,
    /// A reprint: prints a SALINAN / COPY banner at the top.
    pub copy: bool,
    /// QR code data (usually the sale number) printed below the totals.
    pub qr: Option<String>,
    /// The prescriptions the sale's lines were dispensed on, printed below the lines.
    #[serde(default)]
    pub prescriptions: Vec<ReceiptPrescription>,
}

/// A prescription behind lines of the sale and the pharmacist who approved it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPrescription {
    /// The prescription's number as written by the doctor.
    pub number: String,
    /// The approving pharmacist's name.
    pub apoteker: String,
}

/// One sold item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    pub name: String,
    pub qty: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    /// Discount on this line; printed as a negative amount when non-zero.
    pub discount: Decimal,
    /// What the line costs after its discount.
    pub amount: Decimal,
    /// PPN is included in the line's price (marked on a PKP receipt).
    #[serde(default)]
    pub taxable: bool,
    /// A weighed line: its quantity is printed to the gram (`1,250 kg`).
    #[serde(default)]
    pub weighed: bool,
}

/// One payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptTender {
    /// "Tunai", "QRIS", "Transfer", "Kasbon" — translated by the caller.
    pub label: String,
    pub amount: Decimal,
    /// QRIS / transfer reference, printed below the tender.
    pub reference: Option<String>,
    /// Paid in cash: the receipt then prints the change (Kembali), even Rp0.
    #[serde(default)]
    pub cash: bool,
}

/// The member (anggota) a sale was made to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptMember {
    pub number: String,
    pub name: String,
    /// Kasbon (credit) still available after this sale.
    pub kasbon_remaining: Option<Decimal>,
}

/// The receipt as plain text (screen preview, `file:` printer), one line per printed line.
pub fn receipt_text(r: &Receipt, paper: Paper, lang: Lang) -> String {
    render::text(&layout(r, paper, lang))
}

/// The receipt as one ESC/POS job: init, optional drawer kick, the lines, feed, optional cut.
pub fn receipt_escpos(r: &Receipt, paper: Paper, lang: Lang, opts: &EscposOptions) -> Vec<u8> {
    render::escpos(&layout(r, paper, lang), opts)
}

/// "Label: value", or nothing when the value is blank.
pub(crate) fn labelled(label: &str, value: &str) -> String {
    if value.trim().is_empty() {
        String::new()
    } else {
        format!("{label}: {value}")
    }
}

pub(crate) fn layout(r: &Receipt, paper: Paper, lang: Lang) -> Layout {
    let l = lang.labels();
    let mut doc = Layout::new(paper);

    if r.copy {
        doc.centre(l.copy_banner, Style::TALL);
    }
    doc.centre(&r.shop_name, Style::BOLD);
    doc.centre(&r.unit_label, Style::NORMAL);
    doc.centre(&r.address, Style::NORMAL);
    if let Some(npwp) = &r.npwp {
        doc.centre(&labelled("NPWP", npwp), Style::NORMAL);
    }
    doc.pair(
        &labelled(l.till, &r.till),
        &labelled(l.cashier, &r.cashier),
        Style::NORMAL,
    );
    doc.pair(
        &date_time(r.datetime),
        &format!("{} {}", l.number, r.sale_no),
        Style::NORMAL,
    );
    doc.separator();

    let pkp = r.ppn.is_some();
    for line in &r.lines {
        doc.left(&line.name, Style::NORMAL);
        let unit = if line.unit.trim().is_empty() {
            String::new()
        } else {
            format!(" {}", line.unit.trim())
        };
        let mark = match (pkp, line.taxable) {
            (false, _) => String::new(),
            (true, true) => format!(" {}", l.taxable_mark),
            (true, false) => format!(" {}", l.exempt_mark),
        };
        let shown_qty = if line.weighed {
            weight(line.qty)
        } else {
            qty(line.qty)
        };
        doc.pair_indented(
            2,
            &format!("{}{unit} x {}", shown_qty, rupiah(line.unit_price)),
            &format!("{}{mark}", rupiah(line.amount)),
            Style::NORMAL,
        );
        if !line.discount.is_zero() {
            doc.pair_indented(2, l.discount, &rupiah(-line.discount.abs()), Style::NORMAL);
        }
    }
    for rx in &r.prescriptions {
        doc.left(&labelled(l.prescription, &rx.number), Style::NORMAL);
        doc.left(&labelled(l.apoteker, &rx.apoteker), Style::NORMAL);
    }
    doc.separator();

    let mut totals = vec![(l.subtotal.to_owned(), rupiah(r.subtotal), Style::NORMAL)];
    if !r.discount_total.is_zero() {
        totals.push((
            l.discount.to_owned(),
            rupiah(-r.discount_total.abs()),
            Style::NORMAL,
        ));
    }
    if !r.rounding.is_zero() {
        totals.push((
            l.rounding.to_owned(),
            rupiah(-r.rounding.abs()),
            Style::NORMAL,
        ));
    }
    totals.push((l.total.to_owned(), rupiah(r.total), Style::TALL));
    if let Some(ppn) = r.ppn {
        totals.push((l.incl_ppn.to_owned(), rupiah(ppn), Style::NORMAL));
        if let Some(dpp) = r.dpp {
            totals.push((l.dpp.to_owned(), rupiah(dpp), Style::NORMAL));
        }
    }
    for tender in &r.tenders {
        totals.push((tender.label.clone(), rupiah(tender.amount), Style::NORMAL));
    }
    // Change is given on cash only: a sale paid by kasbon, QRIS or transfer prints none.
    if !r.change.is_zero() || r.tenders.iter().any(|t| t.cash) {
        totals.push((l.change.to_owned(), rupiah(r.change), Style::NORMAL));
    }
    doc.right_block(&totals);
    if pkp {
        doc.left(l.tax_legend, Style::NORMAL);
    }
    for tender in &r.tenders {
        if let Some(reference) = tender.reference.as_deref().filter(|r| !r.trim().is_empty()) {
            doc.left(
                &format!(
                    "{} {}: {}",
                    tender.label.trim(),
                    l.reference,
                    reference.trim()
                ),
                Style::NORMAL,
            );
        }
    }

    if let Some(member) = &r.member {
        doc.separator();
        doc.left(
            &format!(
                "{}: {} {}",
                l.member,
                member.number.trim(),
                member.name.trim()
            ),
            Style::NORMAL,
        );
        if let Some(remaining) = member.kasbon_remaining {
            doc.pair(
                &format!("{}:", l.kasbon_remaining),
                &rupiah(remaining),
                Style::NORMAL,
            );
        }
    }

    if let Some(qr) = r.qr.as_deref().filter(|q| !q.trim().is_empty()) {
        doc.feed(1);
        doc.qr(qr);
    }
    if r.footer.iter().any(|f| !f.trim().is_empty()) {
        doc.feed(1);
        for line in &r.footer {
            doc.centre(line, Style::NORMAL);
        }
    }
    doc
}
