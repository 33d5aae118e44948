//! A stored sale as a receipt document (the receipts crate lays it out).

use kasir_receipts::{Paper, Receipt, ReceiptLine, ReceiptMember, ReceiptTender};

use super::Shop;
use crate::error::Result;
use crate::i18n::{t, Lang};
use crate::store::{members, sales::SaleRecord};

/// Label of a business unit on a receipt.
pub fn unit_label(unit: &str, lang: Lang) -> &'static str {
    crate::domain::catalog::BusinessUnit::parse(unit)
        .unwrap_or(crate::domain::catalog::BusinessUnit::Sembako)
        .label(lang)
}

/// The setting that prints a QR code of the receipt number (for returns); off by default.
pub const QR_KEY: &str = "receipt.qr";

/// The name printed as the cashier: the user who sold, or for a sale made at the command
/// line without a user, the back office in the receipt's language.
pub fn cashier_label(cashier: &str, lang: Lang) -> String {
    if cashier == crate::domain::user::Actor::back_office().name {
        lang.pick("Kantor koperasi", "Coop office").to_string()
    } else {
        cashier.to_string()
    }
}

/// Label of a tender kind.
pub fn tender_label(kind: &str, lang: Lang) -> &'static str {
    match kind {
        "cash" => t(lang, "pay.cash"),
        "qris" => t(lang, "pay.qris"),
        "transfer" => t(lang, "pay.transfer"),
        _ => t(lang, "pay.kasbon"),
    }
}

impl Shop {
    /// The receipt of a sale; `copy` marks a reprint.
    pub fn receipt(&self, sale: &SaleRecord, copy: bool, lang: Lang) -> Result<Receipt> {
        let s = self.settings()?;
        let member = match &sale.member_number {
            Some(n) => members::by_number(self.store.conn(), n)?.map(|m| ReceiptMember {
                number: m.number.clone(),
                name: m.name.clone(),
                kasbon_remaining: (m.kasbon_limit > rust_decimal::Decimal::ZERO)
                    .then(|| m.cart_member().kasbon_available()),
                kasbon_owed: Some(m.kasbon_balance),
            }),
            None => None,
        };
        let mut footer: Vec<String> = s.footer.lines().map(str::to_string).collect();
        if footer.is_empty() {
            footer.push(t(lang, "receipt.thanks").to_string());
        }
        if member.is_some() {
            footer.push(t(lang, "receipt.member_coop").to_string());
        }
        Ok(Receipt {
            shop_name: s.name.clone(),
            unit_label: unit_label(&sale.business_unit, lang).to_string(),
            address: s.address.clone(),
            npwp: s.npwp.clone(),
            till: sale.till.clone(),
            cashier: cashier_label(&sale.cashier, lang),
            datetime: chrono::NaiveDateTime::parse_from_str(&sale.created_at, "%Y-%m-%d %H:%M:%S")
                .unwrap_or_default(),
            sale_no: sale.number.clone(),
            lines: sale
                .lines
                .iter()
                .map(|l| ReceiptLine {
                    name: l.name.clone(),
                    qty: l.qty,
                    unit: l.unit.clone(),
                    unit_price: l.unit_price,
                    discount: l.discount,
                    amount: l.amount,
                })
                .collect(),
            subtotal: sale.gross,
            discount_total: sale.discount,
            ppn: s.pkp.then_some(sale.ppn),
            rounding: sale.rounding,
            total: sale.payable,
            tenders: sale
                .tenders
                .iter()
                .map(|t| ReceiptTender {
                    label: tender_label(&t.kind, lang).to_string(),
                    amount: t.amount,
                    reference: t.reference.clone(),
                    kind: t.kind.clone(),
                })
                .collect(),
            change: sale.change,
            member,
            footer,
            copy,
            qr: crate::store::settings::get(self.store.conn(), QR_KEY)?
                .filter(|v| v == "true")
                .map(|_| sale.number.clone()),
        })
    }

    /// The paper width set for the receipt printer.
    pub fn paper(&self) -> Result<Paper> {
        Ok(match self.settings()?.paper.as_str() {
            "80" | "80mm" => Paper::Mm80,
            _ => Paper::Mm58,
        })
    }

    /// The language receipts are printed in (the shop's language, `ui.lang`): the preview
    /// on screen and the paper always agree, whatever language the till shows.
    pub fn receipt_lang(&self) -> Result<Lang> {
        Ok(self.settings()?.lang)
    }

    /// A sale's receipt as plain text, as it is printed.
    pub fn receipt_text(&self, sale: &SaleRecord, copy: bool) -> Result<String> {
        let lang = self.receipt_lang()?;
        let r = self.receipt(sale, copy, lang)?;
        Ok(kasir_receipts::receipt_text(
            &r,
            self.paper()?,
            lang.receipts(),
        ))
    }
}
