//! The X/Z shift report of a shift, from what is stored (the shift's sales totals): what
//! shift close and `kasir print z` print.

use chrono::NaiveDateTime;
use kasir_receipts::{ReportRow, ShiftReport, ShiftReportKind};
use rust_decimal::Decimal;

use crate::domain::user::Actor;
use crate::error::{KasirError, Result};
use crate::i18n::{t, Lang};
use crate::service::Shop;
use crate::store::print as q;
use crate::store::shifts;

impl Shop {
    /// The shift report of a shift from what is stored: Z once the shift is closed, X while
    /// it is open. (Counted cash at close is not part of it yet.) An X report shows the
    /// expected cash, so `actor` gets it only under the X report's rule
    /// ([`crate::service::shift_close::may_see_expected_cash`]).
    pub fn shift_report(&self, actor: &Actor, shift_id: i64, lang: Lang) -> Result<ShiftReport> {
        let shift = shifts::by_id(self.store.conn(), shift_id)?.ok_or_else(|| {
            KasirError::invalid(
                format!("Shift {shift_id} tidak ada"),
                format!("No shift {shift_id}"),
            )
        })?;
        if shift.status != "closed" {
            crate::service::shift_close::check_x_report(actor, &shift)?;
        }
        let totals = q::shift_totals(self.store.conn(), shift_id)?;
        let s = self.settings()?;
        let parse = |v: &str| NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S").ok();
        let row = |key: &'static str, amount: Decimal, bold: bool| ReportRow {
            label: t(lang, key).to_string(),
            amount,
            bold,
        };
        let mut rows = vec![
            row("report.float", shift.opening_float, false),
            row("report.gross", totals.gross, false),
        ];
        if !totals.discount.is_zero() {
            rows.push(row("report.discount", -totals.discount, false));
        }
        if !totals.rounding.is_zero() {
            rows.push(row("pay.rounding", -totals.rounding, false));
        }
        rows.push(row("report.net", totals.payable, true));
        if s.pkp || !totals.ppn.is_zero() {
            rows.push(row("report.ppn", totals.ppn, false));
        }
        for (kind, amount) in &totals.tenders {
            rows.push(ReportRow {
                label: crate::service::receipt::tender_label(kind, lang).to_string(),
                amount: *amount,
                bold: false,
            });
        }
        rows.push(row("till.change", -totals.change, false));
        // The drawer's expected cash as the X report and the close compute it (refunds,
        // petty cash, goods paid and kasbon repaid included).
        rows.push(row(
            "report.cash_expected",
            self.shift_summary(&shift)?.expected_cash,
            true,
        ));
        let closed = shift.status == "closed";
        Ok(ShiftReport {
            kind: if closed {
                ShiftReportKind::Z
            } else {
                ShiftReportKind::X
            },
            shop_name: s.name.clone(),
            unit_label: crate::service::receipt::unit_label(&shift.business_unit, lang).to_string(),
            till: shift.till.clone(),
            cashier: shift.cashier.clone(),
            opened: parse(&shift.opened_at).unwrap_or_default(),
            closed: shift.closed_at.as_deref().and_then(parse),
            printed: self.now(),
            shift_no: shift.id.to_string(),
            sales_count: u32::try_from(totals.sales).unwrap_or(u32::MAX),
            rows,
            notes: Vec::new(),
        })
    }
}
