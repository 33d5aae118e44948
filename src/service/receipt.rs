//! A stored sale as a receipt document (the receipts crate lays it out).
//!
//! **A reprint is the original.** Checkout stores the document it prints — header, NPWP and
//! PKP marks, lines, PPN and DPP, tenders, the member's kasbon left, footer, paper width and
//! language — in `sale_receipts`, in the sale's own transaction ([`Shop::printed_receipt`]).
//! The receipt job, `kasir print receipt` and every SALINAN render that document with the
//! copy mark and nothing else changed; today's settings and balances never enter it. Sales
//! made before kasir kept the document have none and are rendered from the sale's rows and
//! today's settings, as they always were.

use crate::service::settings::Key;
use kasir_receipts::{
    Paper, Receipt, ReceiptLine, ReceiptMember, ReceiptPrescription, ReceiptTender,
};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::{Shop, ShopSettings};
use crate::error::{KasirError, Result};
use crate::i18n::{t, Lang};
use crate::store::{members, sales::SaleRecord};

/// A receipt as printed: the document, on what paper, in which language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrintedReceipt {
    pub receipt: Receipt,
    pub paper: Paper,
    pub lang: kasir_receipts::Lang,
}

impl PrintedReceipt {
    /// The document's ESC/POS bytes (with a cut, never a drawer kick).
    pub fn escpos(&self) -> Vec<u8> {
        kasir_receipts::receipt_escpos(
            &self.receipt,
            self.paper,
            self.lang,
            &kasir_receipts::EscposOptions {
                cut: true,
                drawer_kick: false,
            },
        )
    }

    /// The document as plain text.
    pub fn text(&self) -> String {
        kasir_receipts::receipt_text(&self.receipt, self.paper, self.lang)
    }
}

/// Label of a business unit on a receipt.
pub fn unit_label(unit: &str, lang: Lang) -> &'static str {
    crate::domain::catalog::BusinessUnit::parse(unit)
        .unwrap_or(crate::domain::catalog::BusinessUnit::Sembako)
        .label(lang)
}

/// The setting that prints a QR code of the receipt number (for returns); off by default.
pub const QR_KEY: &str = Key::ReceiptQr.name();

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

/// The paper width set for the receipt printer.
fn paper_of(s: &ShopSettings) -> Paper {
    match s.paper.as_str() {
        "80" | "80mm" => Paper::Mm80,
        _ => Paper::Mm58,
    }
}

impl Shop {
    /// The receipt of a sale; `copy` marks a reprint.
    pub fn receipt(&self, sale: &SaleRecord, copy: bool, lang: Lang) -> Result<Receipt> {
        self.receipt_with(&self.settings()?, sale, copy, lang)
    }

    /// [`Shop::receipt`] with the shop's settings already read (checkout reads them once).
    fn receipt_with(
        &self,
        s: &ShopSettings,
        sale: &SaleRecord,
        copy: bool,
        lang: Lang,
    ) -> Result<Receipt> {
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
        let taxable: Decimal = sale
            .lines
            .iter()
            .filter(|l| l.tax_class == "ppn")
            .map(|l| l.amount)
            .sum();
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
            npwp: s.npwp.as_deref().map(super::settings::format_npwp),
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
                    taxable: l.tax_class == "ppn",
                    weighed: l.weighed,
                })
                .collect(),
            subtotal: sale.gross,
            discount_total: sale.discount,
            ppn: s.pkp.then_some(sale.ppn),
            dpp: s.pkp.then(|| crate::domain::tax::dpp(taxable, sale.ppn)),
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
            prescriptions: crate::store::pharmacy::receipt_prescriptions(
                self.store.conn(),
                sale.id,
            )?
            .into_iter()
            .map(|(number, apoteker)| ReceiptPrescription { number, apoteker })
            .collect(),
        })
    }

    /// The paper width set for the receipt printer.
    pub fn paper(&self) -> Result<Paper> {
        Ok(paper_of(&self.settings()?))
    }

    /// The language receipts are printed in (the shop's language, `ui.lang`): the preview
    /// on screen and the paper always agree, whatever language the till shows.
    pub fn receipt_lang(&self) -> Result<Lang> {
        Ok(self.settings()?.lang)
    }

    /// The receipt of a sale as it was printed, with the copy mark when `copy`; a sale from
    /// before kasir kept its document is rendered from today's settings in `lang`.
    pub fn printed_receipt(
        &self,
        sale: &SaleRecord,
        copy: bool,
        lang: Lang,
    ) -> Result<PrintedReceipt> {
        if let Some(json) = crate::store::sales::receipt_document(self.store.conn(), sale.id)? {
            let mut doc: PrintedReceipt = serde_json::from_str(&json).map_err(|e| {
                KasirError::invalid(
                    format!(
                        "Struk tersimpan transaksi {} tidak terbaca: {e}",
                        sale.number
                    ),
                    format!(
                        "The stored receipt of sale {} cannot be read: {e}",
                        sale.number
                    ),
                )
            })?;
            doc.receipt.copy = copy;
            return Ok(doc);
        }
        Ok(PrintedReceipt {
            receipt: self.receipt(sale, copy, lang)?,
            paper: self.paper()?,
            lang: lang.receipts(),
        })
    }

    /// The document a sale prints, built at checkout inside its transaction (the member's
    /// kasbon already moved) and stored with it.
    /// `settings` are the shop's settings as read in that transaction.
    pub(crate) fn store_printed_receipt(
        &self,
        tx: &rusqlite::Transaction,
        sale: &SaleRecord,
        settings: &ShopSettings,
    ) -> Result<()> {
        let lang = settings.lang;
        let doc = PrintedReceipt {
            receipt: self.receipt_with(settings, sale, false, lang)?,
            paper: paper_of(settings),
            lang: lang.receipts(),
        };
        let json = serde_json::to_string(&doc).map_err(|e| {
            KasirError::invalid(
                format!("Struk tidak bisa disimpan: {e}"),
                format!("The receipt cannot be stored: {e}"),
            )
        })?;
        crate::store::sales::insert_receipt_document(tx, sale.id, &json)
    }

    /// A sale's receipt as plain text, as printed (see [`Shop::printed_receipt`]); a sale
    /// from before kasir kept its document in the shop's language, like the paper.
    pub fn receipt_text(&self, sale: &SaleRecord, copy: bool) -> Result<String> {
        let lang = self.receipt_lang()?;
        Ok(self.printed_receipt(sale, copy, lang)?.text())
    }
}
