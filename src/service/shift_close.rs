//! Closing a shift: X report at any time, a blind count by denomination, expected vs counted,
//! the stored Z report; petty cash in/out and kasbon repayments during the shift.

use crate::service::settings::Key;
use chrono::NaiveDateTime;
use kasir_receipts::{ReportRow, ShiftReport, ShiftReportKind};
use rust_decimal::Decimal;

use super::{day, new_uuid, stamp, Shop};
use crate::domain::cash::CashCount;
use crate::domain::money::format_rupiah;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::store::members::{self, MemberRow};
use crate::store::settings;
use crate::store::shift_close::{
    self as q, NewCashMove, NewShiftClose, ShiftCloseRow, ShiftTotals,
};
use crate::store::shifts::{self, ShiftRow};

/// Default over/short (Rp) above which a close needs a reason.
pub const DEFAULT_OVER_SHORT_THRESHOLD: i64 = 5_000;

/// What a shift took and what its drawer should hold.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftSummary {
    pub shift: ShiftRow,
    pub totals: ShiftTotals,
    /// Float + cash kept − cash refunds + cash in − cash out + kasbon repaid.
    pub expected_cash: Decimal,
}

/// A closed shift: the stored close and its Z report.
#[derive(Debug, Clone, PartialEq)]
pub struct ShiftClosed {
    pub close: ShiftCloseRow,
    pub report: ShiftReport,
}

/// Petty cash into or out of a drawer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CashMoveKind {
    In,
    Out,
}

/// The supervisor for an action: the actor if they may supervise, else the approver.
pub(crate) fn supervisor<'a>(
    actor: &'a Actor,
    approver: Option<&'a Actor>,
    what: crate::domain::user::Act,
) -> Result<&'a Actor> {
    if actor.role.may(Permission::Supervise) {
        return Ok(actor);
    }
    match approver {
        Some(a) => {
            super::auth::require(a, Permission::Supervise, what)?;
            Ok(a)
        }
        None => Err(KasirError::invalid(
            format!("{}: perlu persetujuan supervisor", what.name(Lang::Id)),
            format!("{}: needs a supervisor's approval", what.name(Lang::En)),
        )),
    }
}

/// Whether `actor` may see the expected cash of the open `shift` before its count is
/// recorded: a supervisor (apoteker, bendahara, admin, the back office at the CLI) who is not
/// the shift's own cashier. The one who opened the shift counts its drawer blind, whatever
/// the role, so it is hidden from them; a cashier never sees it. The X report on screen, in
/// the CLI and on paper all come from [`Shop::x_report`], which keeps this rule.
pub fn may_see_expected_cash(actor: &Actor, shift: &ShiftRow) -> bool {
    let own = actor.user_id.is_some() && actor.user_id == shift.user_id;
    actor.role.may(Permission::Supervise) && !own
}

/// Refuse `actor` the X report (the expected cash) of the open `shift` unless
/// [`may_see_expected_cash`]: a role that may not supervise is not allowed; the shift's own
/// cashier is told to count first.
pub(crate) fn check_x_report(actor: &Actor, shift: &ShiftRow) -> Result<()> {
    super::auth::require(
        actor,
        Permission::Supervise,
        crate::domain::user::Act::ViewXReport,
    )?;
    if !may_see_expected_cash(actor, shift) {
        return Err(KasirError::invalid(
            "Laporan X menampilkan kas seharusnya: tidak untuk kasir yang akan menghitung laci shift ini. Tutup shift dengan hitung buta; laporan Z menampilkan semuanya",
            "The X report shows the expected cash: not for the cashier who will count this shift's drawer. Close the shift with a blind count; the Z report shows everything",
        ));
    }
    Ok(())
}

fn positive(amount: Decimal) -> Result<()> {
    if amount <= Decimal::ZERO || amount.normalize().scale() > 2 {
        return Err(KasirError::invalid(
            format!("Nominal {amount} tidak sah"),
            format!("Amount {amount} is not valid"),
        ));
    }
    Ok(())
}

fn parse_stamp(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap_or_default()
}

impl Shop {
    /// Over/short (Rp) above which a shift close needs a reason (`cash.over_short_threshold`).
    pub fn over_short_threshold(&self) -> Result<Decimal> {
        Ok(
            settings::get(self.store.conn(), Key::CashOverShortThreshold.name())?
                .and_then(|v| v.parse().ok())
                .unwrap_or(Decimal::from(DEFAULT_OVER_SHORT_THRESHOLD)),
        )
    }

    /// What a shift took so far and what its drawer should hold.
    pub fn shift_summary(&self, shift: &ShiftRow) -> Result<ShiftSummary> {
        let t = q::totals(self.store.conn(), shift.id)?;
        let expected_cash =
            shift.opening_float + t.cash - t.refund_cash + t.cash_in - t.cash_out - t.goods_paid
                + t.repayments;
        Ok(ShiftSummary {
            shift: shift.clone(),
            totals: t,
            expected_cash,
        })
    }

    fn report_of(
        &self,
        s: &ShiftSummary,
        close: Option<(&CashCount, Option<&str>, NaiveDateTime)>,
        lang: Lang,
    ) -> Result<ShiftReport> {
        let set = self.settings()?;
        let t = &s.totals;
        let row = |id: &str, en: &str, amount: Decimal, bold: bool| ReportRow {
            label: lang.pick(id, en).to_string(),
            amount,
            bold,
        };
        let mut rows = vec![
            row("Penjualan", "Sales", t.sales_total, true),
            row("Pembulatan", "Rounding", -t.rounding, false),
            row("Retur", "Returns", -t.returns_total, false),
            row("Tunai", "Cash", t.cash, false),
            row("QRIS", "QRIS", t.qris, false),
            row("Transfer", "Transfer", t.transfer, false),
            row("Kasbon", "Kasbon", t.kasbon, false),
            row("Refund tunai", "Cash refunds", -t.refund_cash, false),
            row("Refund kasbon", "Kasbon refunds", -t.refund_kasbon, false),
            row("Modal awal", "Float", s.shift.opening_float, false),
            row("Kas masuk", "Cash in", t.cash_in, false),
            row("Kas keluar", "Cash out", -t.cash_out, false),
            row("Bayar barang", "Goods paid", -t.goods_paid, false),
            row("Bayar kasbon", "Kasbon repaid", t.repayments, false),
            row("Kas seharusnya", "Expected cash", s.expected_cash, true),
        ];
        let mut notes = Vec::new();
        for (what, amount) in q::goods_paid(self.store.conn(), s.shift.id)? {
            notes.push(format!("{what}: {}", format_rupiah(amount)));
        }
        let mut closed = None;
        if let Some((count, reason, at)) = close {
            let counted = count.total();
            rows.push(row("Kas dihitung", "Counted cash", counted, true));
            rows.push(row(
                "Selisih",
                "Over/short",
                counted - s.expected_cash,
                true,
            ));
            for (d, n) in &count.pieces {
                notes.push(format!("{} x {n}", format_rupiah(Decimal::from(*d))));
            }
            if let Some(r) = reason {
                notes.push(format!("{}: {r}", lang.pick("Alasan", "Reason")));
            }
            closed = Some(at);
        }
        Ok(ShiftReport {
            kind: if close.is_some() {
                ShiftReportKind::Z
            } else {
                ShiftReportKind::X
            },
            shop_name: set.name.clone(),
            unit_label: super::receipt::unit_label(&s.shift.business_unit, lang).to_string(),
            till: s.shift.till.clone(),
            cashier: s.shift.cashier.clone(),
            opened: parse_stamp(&s.shift.opened_at),
            closed,
            printed: self.now(),
            shift_no: s.shift.id.to_string(),
            sales_count: t.sales_count,
            rows,
            notes,
        })
    }

    /// The X report (interim) of the open shift on `till`, and its text, for `actor`. It shows
    /// the expected cash, so only one who may see it gets it ([`may_see_expected_cash`]): a
    /// supervisor who is not the shift's own cashier. The one who will count the drawer
    /// blind is refused until the count is recorded (then the Z report shows everything).
    pub fn x_report(&self, actor: &Actor, till: &str, lang: Lang) -> Result<(ShiftReport, String)> {
        let shift = self.require_shift(till)?;
        check_x_report(actor, &shift)?;
        let r = self.report_of(&self.shift_summary(&shift)?, None, lang)?;
        let text = kasir_receipts::shift_report_text(&r, self.paper()?, lang.receipts());
        Ok((r, text))
    }

    /// Whether a blind count of the open shift on `till` is off by more than the over/short
    /// threshold, so that [`Shop::close_shift`] wants a recount or a reason. Yes or no only:
    /// the expected figure stays hidden from the cashier.
    pub fn count_needs_reason(&self, till: &str, count: &CashCount) -> Result<bool> {
        let shift = self.require_shift(till)?;
        self.off_by_more_than_limit(&self.shift_summary(&shift)?, count)
    }

    fn off_by_more_than_limit(&self, summary: &ShiftSummary, count: &CashCount) -> Result<bool> {
        Ok((count.total() - summary.expected_cash).abs() > self.over_short_threshold()?)
    }

    /// Close the open shift on `till` with a blind count of the drawer. A difference above the
    /// threshold is refused without a reason (the till asks for a recount first); the figure
    /// expected is not revealed by the refusal. The Z report is stored with the close.
    pub fn close_shift(
        &mut self,
        actor: &Actor,
        till: &str,
        count: &CashCount,
        reason: Option<&str>,
        lang: Lang,
    ) -> Result<ShiftClosed> {
        super::auth::require(
            actor,
            Permission::Sell,
            crate::domain::user::Act::CloseShift,
        )?;
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        let now = self.now();
        let at = stamp(now);
        let date = day(now.date());
        let _crash = crate::store::crash::use_case("shift_close");
        // What the drawer should hold is worked out inside the write: a sale, refund or
        // cash move committed a moment before (another process) is in the Z report, and a
        // second close of the same shift finds it closed.
        self.store.write(|tx| {
            let shift = self.require_shift(till)?;
            let summary = self.shift_summary(&shift)?;
            let counted = count.total();
            let diff = counted - summary.expected_cash;
            if self.off_by_more_than_limit(&summary, count)? && reason.is_none() {
                return Err(KasirError::invalid(
                    "Hitungan kas tidak cocok melebihi batas: hitung ulang, atau tutup dengan alasan (--reason)",
                    "The cash count is off by more than the limit: count again, or close with a reason (--reason)",
                ));
            }
            let report = self.report_of(&summary, Some((count, reason, now)), lang)?;
            let text = kasir_receipts::shift_report_text(&report, self.paper()?, lang.receipts());
            shifts::insert_count(tx, shift.id, "close", count)?;
            q::insert_close(
                tx,
                &NewShiftClose {
                    shift_id: shift.id,
                    business_date: &date,
                    closed_at: &at,
                    actor: &actor.username,
                    expected_cash: summary.expected_cash,
                    counted_cash: counted,
                    reason,
                    report: &text,
                },
            )?;
            crate::store::crash::point("shift_close.after_close");
            super::audit(tx, actor, &at, "shift_close", &format!(
                        "till={till} shift={} expected={} counted={counted} diff={diff}{}",
                        shift.id,
                        summary.expected_cash,
                        reason.map(|r| format!(" reason={r}")).unwrap_or_default()
                    ), None)?;
            crate::store::outbox::append_event(
                tx,
                till,
                super::sync::SHIFT_CLOSE_KIND,
                1,
                &serde_json::json!({
                    "shift": shift.uuid,
                    "till": till,
                    "business_unit": shift.business_unit,
                    "business_date": date,
                    "closed_at": at,
                    "actor": actor.username,
                    "expected_cash": summary.expected_cash.normalize(),
                    "counted_cash": counted.normalize(),
                    "reason": reason,
                }),
                &at,
            )?;
            let close = q::close_of(tx, shift.id)?
                .ok_or_else(|| KasirError::invalid("Shift hilang", "Shift vanished"))?;
            Ok(ShiftClosed { close, report })
        })
    }

    /// The stored Z report of a closed shift; `None` picks the last closed shift of `till`.
    pub fn z_report(&self, till: &str, shift_id: Option<i64>) -> Result<ShiftCloseRow> {
        let id = match shift_id {
            Some(id) => Some(id),
            None => q::last_closed_on(self.store.conn(), till)?,
        };
        id.and_then(|id| q::close_of(self.store.conn(), id).transpose())
            .transpose()?
            .ok_or_else(|| {
                KasirError::invalid(
                    format!("Belum ada shift yang ditutup di {till}"),
                    format!("No closed shift on {till}"),
                )
            })
    }

    /// Petty cash into or out of the drawer of `till`, with a reason and a supervisor.
    pub fn cash_move(
        &mut self,
        actor: &Actor,
        approver: Option<&Actor>,
        till: &str,
        kind: CashMoveKind,
        amount: Decimal,
        reason: &str,
    ) -> Result<()> {
        super::auth::require(actor, Permission::Sell, crate::domain::user::Act::CashInOut)?;
        let sup = supervisor(actor, approver, crate::domain::user::Act::CashInOut)?;
        positive(amount)?;
        let reason = reason.trim();
        if reason.is_empty() {
            return Err(KasirError::invalid(
                "Kas masuk/keluar perlu alasan",
                "Cash in/out needs a reason",
            ));
        }
        let now = self.now();
        let (at, date) = (stamp(now), day(now.date()));
        let k = match kind {
            CashMoveKind::In => "in",
            CashMoveKind::Out => "out",
        };
        // The drawer is read inside the write: two payouts at once never take out more
        // than it holds.
        self.store.write(|tx| {
            let shift = self.require_shift(till)?;
            if kind == CashMoveKind::Out {
                let expected = self.shift_summary(&shift)?.expected_cash;
                if amount > expected {
                    return Err(KasirError::invalid(
                        "Kas di laci tidak cukup untuk dikeluarkan",
                        "Not enough cash in the drawer to pay that out",
                    ));
                }
            }
            let uuid = new_uuid();
            q::insert_cash_move(
                tx,
                &NewCashMove {
                    uuid: &uuid,
                    shift_id: shift.id,
                    business_unit: &shift.business_unit,
                    business_date: &date,
                    kind: k,
                    amount,
                    member_id: None,
                    reason,
                    at: &at,
                    actor: &actor.username,
                    approver: Some(&sup.username),
                    receivable_unit: None,
                    goods_receipt_id: None,
                },
            )?;
            super::audit(
                tx,
                actor,
                &at,
                if k == "in" { "cash_in" } else { "cash_out" },
                &format!("till={till} amount={amount} reason={reason}"),
                Some(&sup.username),
            )?;
            crate::store::outbox::append_event(
                tx,
                till,
                super::sync::CASH_MOVE_KIND,
                1,
                &serde_json::json!({
                    "uuid": uuid,
                    "shift": shift.uuid,
                    "till": till,
                    "business_unit": shift.business_unit,
                    "business_date": date,
                    "kind": k,
                    "amount": amount.normalize(),
                    "reason": reason,
                    "at": at,
                    "actor": actor.username,
                    "approver": sup.username,
                }),
                &at,
            )?;
            Ok(())
        })
    }

    /// A member repays kasbon in cash at `till`: the cash goes into the drawer (and the shift's
    /// expected cash), the member's balance goes down. Never more than the balance.
    pub fn repay_kasbon(
        &mut self,
        actor: &Actor,
        till: &str,
        member_no: &str,
        amount: Decimal,
    ) -> Result<MemberRow> {
        super::auth::require(
            actor,
            Permission::Sell,
            crate::domain::user::Act::TakeRepayment,
        )?;
        positive(amount)?;
        let now = self.now();
        let (at, date) = (stamp(now), day(now.date()));
        // The balance and the shift are read inside the write (another till may have just
        // taken a repayment or closed the shift).
        let number = self.store.write(|tx| {
            let m = self.member(member_no)?;
            if amount > m.kasbon_balance {
                return Err(KasirError::invalid(
                    format!(
                        "Pembayaran {} melebihi saldo kasbon {}",
                        format_rupiah(amount),
                        format_rupiah(m.kasbon_balance)
                    ),
                    format!(
                        "Repayment {} is more than the credit balance {}",
                        format_rupiah(amount),
                        format_rupiah(m.kasbon_balance)
                    ),
                ));
            }
            let shift = self.require_shift(till)?;
            // The unit the member owes is the one repaid: this till's unit first, then the
            // others; what no unit's kasbon accounts for goes to this till's unit.
            let owed = crate::store::ledger::kasbon_owed_by_unit(tx, m.id)?;
            let parts =
                crate::domain::ledger::allocate_repayment(&shift.business_unit, amount, &owed);
            let mut event_parts = Vec::with_capacity(parts.len());
            for (unit, part) in &parts {
                let uuid = new_uuid();
                event_parts.push(serde_json::json!({
                    "uuid": uuid,
                    "receivable_unit": unit,
                    "amount": part.normalize(),
                }));
                q::insert_cash_move(
                    tx,
                    &NewCashMove {
                        uuid: &uuid,
                        shift_id: shift.id,
                        business_unit: &shift.business_unit,
                        business_date: &date,
                        kind: "repay",
                        amount: *part,
                        member_id: Some(m.id),
                        reason: &format!("kasbon {}", m.number),
                        at: &at,
                        actor: &actor.username,
                        approver: None,
                        receivable_unit: Some(unit),
                        goods_receipt_id: None,
                    },
                )?;
            }
            members::add_kasbon(tx, m.id, -amount)?;
            super::audit(
                tx,
                actor,
                &at,
                "kasbon_repay",
                &format!(
                    "member={} amount={amount} till={till} units={}",
                    m.number,
                    parts
                        .iter()
                        .map(|(u, a)| format!("{u}:{a}"))
                        .collect::<Vec<_>>()
                        .join(",")
                ),
                None,
            )?;
            crate::store::outbox::append_event(
                tx,
                till,
                super::sync::KASBON_REPAY_KIND,
                1,
                &serde_json::json!({
                    "member": m.number,
                    "amount": amount.normalize(),
                    "shift": shift.uuid,
                    "till": till,
                    "business_unit": shift.business_unit,
                    "business_date": date,
                    "at": at,
                    "actor": actor.username,
                    "parts": event_parts,
                }),
                &at,
            )?;
            Ok(m.number)
        })?;
        self.member(&number)
    }
}
