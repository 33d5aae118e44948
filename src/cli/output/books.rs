//! The JSON documents of the books and reports: accounts, print jobs, suppliers, stock moves,
//! SIPNAP and the register, shift reports, the day, the ledger, dashboard, SHU, statements.

use super::*;
use serde::Serialize;

/// `kasir accounts list`: `{"accounts": [AccountOut…]}`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct AccountOut {
    /// Account code, e.g. `1-1101`.
    pub code: String,
    /// The name as the coop keeps it.
    pub name: String,
    /// `asset`, `liability`, `equity`, `income`, `expense`.
    pub kind: String,
    /// What kasir posts to it (e.g. `cash:sembako`), if anything.
    pub role: Option<String>,
}

impl From<&crate::service::AccountRow> for AccountOut {
    fn from(a: &crate::service::AccountRow) -> Self {
        AccountOut {
            code: a.code.clone(),
            name: a.name.clone(),
            kind: a.kind.clone(),
            role: a.role.clone(),
        }
    }
}

/// A print job (`kasir print queue`: `{"jobs": [PrintJobOut…]}`; the printing commands:
/// `{"job": PrintJobOut, "printed": true, "outcome": …}`).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct PrintJobOut {
    pub id: i64,
    pub uuid: String,
    /// `receipt`, `reprint`, `drawer`, `z`, `slip`, `return`, `test`.
    pub kind: String,
    /// The sale or return number, where there is one.
    pub reference: Option<String>,
    pub sale_id: Option<i64>,
    /// The till the job belongs to (only its print worker sends it).
    pub till: String,
    /// The printer address.
    pub printer: String,
    /// `queued`, `printing`, `done`, `failed`.
    pub status: String,
    /// Failed sends so far.
    pub attempts: i64,
    pub last_error: Option<String>,
    /// `YYYY-MM-DD HH:MM:SS`: when a waiting job is tried next.
    pub next_attempt_at: String,
    pub created_at: String,
    pub printed_at: Option<String>,
    /// Sent without the printer confirming it was ready (printed blind).
    pub unconfirmed: bool,
}

impl From<&crate::service::print::PrintJob> for PrintJobOut {
    fn from(j: &crate::service::print::PrintJob) -> Self {
        PrintJobOut {
            id: j.id,
            uuid: j.uuid.clone(),
            kind: j.kind.as_str().to_string(),
            reference: j.reference.clone(),
            sale_id: j.sale_id,
            till: j.till.clone(),
            printer: j.printer.clone(),
            status: j.status.as_str().to_string(),
            attempts: j.attempts,
            last_error: j.last_error.clone(),
            next_attempt_at: j.next_attempt_at.clone(),
            created_at: j.created_at.clone(),
            printed_at: j.printed_at.clone(),
            unconfirmed: j.unconfirmed,
        }
    }
}

/// `kasir supplier list`: `{"suppliers": [SupplierOut…]}`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct SupplierOut {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// Money: deliveries booked as owed (utang dagang), in total.
    pub owed: Decimal,
}

impl From<&crate::service::SupplierRow> for SupplierOut {
    fn from(s: &crate::service::SupplierRow) -> Self {
        SupplierOut {
            id: s.id,
            code: s.code.clone(),
            name: s.name.clone(),
            phone: s.phone.clone(),
            address: s.address.clone(),
            owed: s.owed,
        }
    }
}

/// `kasir stock moves CODE`: `{"code": "…", "moves": [StockMoveOut…]}`, the stock card.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct StockMoveOut {
    /// `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    /// `sale`, `return`, `receipt`, `opname`, `writeoff`, `transfer`.
    pub kind: String,
    pub batch: Option<String>,
    /// Quantity in the base unit: positive in, negative out.
    pub qty: Decimal,
    /// Money: value of the move at moving-average cost (signed like `qty`).
    pub value: Decimal,
    /// Quantity on hand after the move.
    pub balance: Decimal,
    /// The sale, delivery or other document.
    pub reference: Option<String>,
    pub user: Option<String>,
    pub note: Option<String>,
}

impl From<&crate::service::MoveRow> for StockMoveOut {
    fn from(m: &crate::service::MoveRow) -> Self {
        StockMoveOut {
            at: m.at.clone(),
            kind: m.kind.clone(),
            batch: m.batch.clone(),
            qty: m.qty,
            value: m.value,
            balance: m.balance,
            reference: m.reference.clone(),
            user: m.user.clone(),
            note: m.note.clone(),
        }
    }
}

/// `kasir report sipnap --month M`: `{"month": "YYYY-MM", "rows": [SipnapRowOut…]}`, one
/// psikotropika / narkotika product's month (quantities in its base unit).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct SipnapRowOut {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    /// Registration number (NIE).
    pub nie: Option<String>,
    pub drug_class: String,
    pub base_unit: String,
    pub opening: Decimal,
    pub received: Decimal,
    pub other_in: Decimal,
    pub sold: Decimal,
    pub other_out: Decimal,
    pub closing: Decimal,
}

impl From<&crate::service::PeriodMovement> for SipnapRowOut {
    fn from(r: &crate::service::PeriodMovement) -> Self {
        SipnapRowOut {
            product_id: r.product_id,
            sku: r.sku.clone(),
            name: r.name.clone(),
            nie: r.nie.clone(),
            drug_class: r.drug_class.clone(),
            base_unit: r.base_unit.clone(),
            opening: r.opening,
            received: r.received,
            other_in: r.other_in,
            sold: r.sold,
            other_out: r.other_out,
            closing: r.closing,
        }
    }
}

/// `kasir report register --month M`: `{"month": "YYYY-MM", "register": [RegisterOut…]}`,
/// the narcotics and psychotropics register.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct RegisterOut {
    /// `YYYY-MM-DD HH:MM:SS`.
    pub at: String,
    pub sku: String,
    pub name: String,
    pub drug_class: String,
    /// The stock move's kind (`sale`, `receipt`, …).
    pub kind: String,
    pub batch: Option<String>,
    /// Quantity in `base_unit`, signed.
    pub qty: Decimal,
    /// On hand after the move.
    pub balance: Decimal,
    pub reference: Option<String>,
    pub patient: Option<String>,
    pub doctor: Option<String>,
    pub rx_no: Option<String>,
    pub user: Option<String>,
    pub note: Option<String>,
    pub base_unit: String,
    /// For a sale on a prescription with its quantity: `{"this", "to_date", "total"}` in
    /// base units.
    pub rx_dispensing: Option<DispensingOut>,
}

/// One dispensing against its prescription (base units).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct DispensingOut {
    /// This sale's quantity.
    pub this: Decimal,
    /// What the prescription has given up to and with this sale.
    pub to_date: Decimal,
    /// What it may give in total.
    pub total: Decimal,
}

impl From<&crate::service::RegisterRow> for RegisterOut {
    fn from(r: &crate::service::RegisterRow) -> Self {
        RegisterOut {
            at: r.at.clone(),
            sku: r.sku.clone(),
            name: r.name.clone(),
            drug_class: r.drug_class.clone(),
            kind: r.kind.clone(),
            batch: r.batch.clone(),
            qty: r.qty,
            balance: r.balance,
            reference: r.reference.clone(),
            patient: r.patient.clone(),
            doctor: r.doctor.clone(),
            rx_no: r.rx_no.clone(),
            user: r.user.clone(),
            note: r.note.clone(),
            base_unit: r.base_unit.clone(),
            rx_dispensing: r.rx_dispensing.map(|d| DispensingOut {
                this: d.this,
                to_date: d.to_date,
                total: d.total,
            }),
        }
    }
}

/// A shift report (`kasir report x`, `kasir shift x`: `{"report": ShiftReportOut, "text":
/// "…"}`; also inside [`ShiftClosedOut`]).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ShiftReportOut {
    /// `X` (interim) or `Z` (final).
    pub kind: &'static str,
    pub shop_name: String,
    pub unit_label: String,
    pub till: String,
    pub cashier: String,
    /// `YYYY-MM-DDTHH:MM:SS`.
    pub opened: chrono::NaiveDateTime,
    pub closed: Option<chrono::NaiveDateTime>,
    /// `YYYY-MM-DDTHH:MM:SS` with fractions of a second.
    pub printed: chrono::NaiveDateTime,
    pub shift_no: String,
    pub sales_count: u32,
    /// The report's rows: `label`, money `amount`, `bold`.
    pub rows: Vec<ReportRowOut>,
    pub notes: Vec<String>,
}

/// One row of a shift report.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ReportRowOut {
    pub label: String,
    /// Money.
    pub amount: Decimal,
    pub bold: bool,
}

impl From<&kasir_receipts::ShiftReport> for ShiftReportOut {
    fn from(r: &kasir_receipts::ShiftReport) -> Self {
        ShiftReportOut {
            kind: match r.kind {
                kasir_receipts::ShiftReportKind::X => "X",
                kasir_receipts::ShiftReportKind::Z => "Z",
            },
            shop_name: r.shop_name.clone(),
            unit_label: r.unit_label.clone(),
            till: r.till.clone(),
            cashier: r.cashier.clone(),
            opened: r.opened,
            closed: r.closed,
            printed: r.printed,
            shift_no: r.shift_no.clone(),
            sales_count: r.sales_count,
            rows: r
                .rows
                .iter()
                .map(|x| ReportRowOut {
                    label: x.label.clone(),
                    amount: x.amount,
                    bold: x.bold,
                })
                .collect(),
            notes: r.notes.clone(),
        }
    }
}

/// `kasir report x`, `kasir shift x`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct XReportOut {
    pub report: ShiftReportOut,
    /// The report as printed, plain text.
    pub text: String,
}

/// `kasir report z`: the close of a shift (also `close` in [`ShiftClosedOut`]).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ShiftCloseOut {
    pub shift_id: i64,
    /// `YYYY-MM-DD`.
    pub business_date: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub closed_at: String,
    /// Username of who closed it.
    pub actor: String,
    /// Money.
    pub expected_cash: Decimal,
    /// Money.
    pub counted_cash: Decimal,
    /// Money: counted less expected.
    pub difference: Decimal,
    pub reason: Option<String>,
    /// The Z report as printed, plain text.
    pub report: String,
}

impl From<&crate::service::ShiftCloseRow> for ShiftCloseOut {
    fn from(c: &crate::service::ShiftCloseRow) -> Self {
        ShiftCloseOut {
            shift_id: c.shift_id,
            business_date: c.business_date.clone(),
            closed_at: c.closed_at.clone(),
            actor: c.actor.clone(),
            expected_cash: c.expected_cash,
            counted_cash: c.counted_cash,
            difference: c.difference,
            reason: c.reason.clone(),
            report: c.report.clone(),
        }
    }
}

/// `kasir shift close`: `{"close": ShiftCloseOut, "report": ShiftReportOut}`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ShiftClosedOut {
    pub close: ShiftCloseOut,
    pub report: ShiftReportOut,
}

impl From<&crate::service::shift_close::ShiftClosed> for ShiftClosedOut {
    fn from(c: &crate::service::shift_close::ShiftClosed) -> Self {
        ShiftClosedOut {
            close: ShiftCloseOut::from(&c.close),
            report: ShiftReportOut::from(&c.report),
        }
    }
}

/// `kasir day status`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct DayStatusOut {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub closed: bool,
    /// Tills with a shift still open.
    pub open_shifts: Vec<String>,
    /// Tills whose events on the coop's server are not all applied here yet.
    pub unsynced_tills: Vec<String>,
    /// The day's posted journals.
    pub journals: Vec<JournalOut>,
}

impl From<&crate::service::ledger::DayStatus> for DayStatusOut {
    fn from(s: &crate::service::ledger::DayStatus) -> Self {
        DayStatusOut {
            date: s.date.clone(),
            closed: s.closed,
            open_shifts: s.open_shifts.clone(),
            unsynced_tills: s.unsynced_tills.clone(),
            journals: all(&s.journals),
        }
    }
}

/// `kasir report trial-balance`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct TrialBalanceOut {
    /// `YYYY-MM-DD` (`0000-01-01` when not given).
    pub from: String,
    /// `YYYY-MM-DD` (`9999-12-31` when not given).
    pub to: String,
    pub rows: Vec<TrialRowOut>,
    /// Money.
    pub total_debit: Decimal,
    /// Money.
    pub total_credit: Decimal,
}

/// One account of the trial balance (money).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct TrialRowOut {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub opening: Decimal,
    pub debit: Decimal,
    pub credit: Decimal,
    pub closing: Decimal,
}

impl From<&crate::service::ledger::TrialBalance> for TrialBalanceOut {
    fn from(t: &crate::service::ledger::TrialBalance) -> Self {
        TrialBalanceOut {
            from: t.from.clone(),
            to: t.to.clone(),
            rows: t
                .rows
                .iter()
                .map(|r| TrialRowOut {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    kind: r.kind.clone(),
                    opening: r.opening,
                    debit: r.debit,
                    credit: r.credit,
                    closing: r.closing,
                })
                .collect(),
            total_debit: t.total_debit,
            total_credit: t.total_credit,
        }
    }
}

/// `kasir report gl --account CODE`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct GeneralLedgerOut {
    pub code: String,
    pub name: String,
    pub from: String,
    pub to: String,
    /// Money.
    pub opening: Decimal,
    pub entries: Vec<GlEntryOut>,
    /// Money.
    pub closing: Decimal,
}

/// One posting of the general ledger.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct GlEntryOut {
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Journal number.
    pub journal: String,
    pub memo: String,
    /// Money.
    pub debit: Decimal,
    /// Money.
    pub credit: Decimal,
    /// Money: the balance after this posting.
    pub balance: Decimal,
}

impl From<&crate::service::ledger::GeneralLedger> for GeneralLedgerOut {
    fn from(g: &crate::service::ledger::GeneralLedger) -> Self {
        GeneralLedgerOut {
            code: g.code.clone(),
            name: g.name.clone(),
            from: g.from.clone(),
            to: g.to.clone(),
            opening: g.opening,
            entries: g
                .entries
                .iter()
                .map(|e| GlEntryOut {
                    date: e.date.clone(),
                    journal: e.journal.clone(),
                    memo: e.memo.clone(),
                    debit: e.debit,
                    credit: e.credit,
                    balance: e.balance,
                })
                .collect(),
            closing: g.closing,
        }
    }
}

/// `kasir report dashboard`: net of returns (a return counts on the day it is taken back).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct DashboardOut {
    pub from: String,
    pub to: String,
    pub daily: Vec<DailySalesOut>,
    /// `[business_unit, net sales]`.
    pub per_unit: Vec<(String, Decimal)>,
    pub net_sales: Decimal,
    pub returns: Decimal,
    pub member_sales: Decimal,
    pub non_member_sales: Decimal,
    /// Percent, to 2 decimals.
    pub member_share_percent: Decimal,
    pub member_share_daily: Vec<DayShareOut>,
    pub top_items: Vec<TopItemOut>,
    /// Members owing kasbon.
    pub kasbon_members: i64,
    pub kasbon_outstanding: Decimal,
    /// `[business_unit, stock value at cost]`.
    pub stock_value: Vec<(String, Decimal)>,
}

/// One day of one unit (money).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct DailySalesOut {
    pub date: String,
    pub business_unit: String,
    pub gross: Decimal,
    pub returns: Decimal,
    pub members: Decimal,
    pub non_members: Decimal,
    pub net: Decimal,
    pub cost: Decimal,
}

/// Members' share of one day's sales.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct DayShareOut {
    pub date: String,
    pub members: Decimal,
    pub non_members: Decimal,
    pub member_share_percent: Decimal,
}

/// A best-selling product.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct TopItemOut {
    pub sku: String,
    pub name: String,
    pub base_qty: Decimal,
    pub base_unit: String,
    /// The unit it sold in most.
    pub sold_unit: String,
    /// `base_qty` in `sold_unit`, when a whole number of it.
    pub sold_qty: Option<Decimal>,
    /// For people: `12 strip (48 tablet)`.
    pub quantity: String,
    /// Money.
    pub amount: Decimal,
}

impl From<&crate::service::dashboard::Dashboard> for DashboardOut {
    fn from(d: &crate::service::dashboard::Dashboard) -> Self {
        DashboardOut {
            from: d.from.clone(),
            to: d.to.clone(),
            daily: d
                .daily
                .iter()
                .map(|x| DailySalesOut {
                    date: x.date.clone(),
                    business_unit: x.business_unit.clone(),
                    gross: x.gross,
                    returns: x.returns,
                    members: x.members,
                    non_members: x.non_members,
                    net: x.net,
                    cost: x.cost,
                })
                .collect(),
            per_unit: d.per_unit.clone(),
            net_sales: d.net_sales,
            returns: d.returns,
            member_sales: d.member_sales,
            non_member_sales: d.non_member_sales,
            member_share_percent: d.member_share_percent,
            member_share_daily: d
                .member_share_daily
                .iter()
                .map(|x| DayShareOut {
                    date: x.date.clone(),
                    members: x.members,
                    non_members: x.non_members,
                    member_share_percent: x.member_share_percent,
                })
                .collect(),
            top_items: d
                .top_items
                .iter()
                .map(|x| TopItemOut {
                    sku: x.sku.clone(),
                    name: x.name.clone(),
                    base_qty: x.base_qty,
                    base_unit: x.base_unit.clone(),
                    sold_unit: x.sold_unit.clone(),
                    sold_qty: x.sold_qty,
                    quantity: x.quantity.clone(),
                    amount: x.amount,
                })
                .collect(),
            kasbon_members: d.kasbon_members,
            kasbon_outstanding: d.kasbon_outstanding,
            stock_value: d.stock_value.clone(),
        }
    }
}

/// `kasir report shu --year Y`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ShuOut {
    pub year: i32,
    pub params: ShuParamsOut,
    /// Money: the part for jasa usaha.
    pub pool_usaha: Decimal,
    /// Money: the part for jasa modal.
    pub pool_modal: Decimal,
    pub rows: Vec<ShuRowOut>,
    pub total_usaha: Decimal,
    pub total_modal: Decimal,
    pub total_shared: Decimal,
}

/// The figures the SHU was shared by.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ShuParamsOut {
    /// Money.
    pub total: Decimal,
    pub jasa_usaha_percent: Decimal,
    pub jasa_modal_percent: Decimal,
}

/// One member's SHU (money).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ShuRowOut {
    pub number: String,
    pub name: String,
    /// `[business_unit, purchases]`.
    pub purchases: Vec<(String, Decimal)>,
    pub purchases_total: Decimal,
    /// Simpanan (pokok + wajib) at year end.
    pub capital: Decimal,
    pub jasa_usaha: Decimal,
    pub jasa_modal: Decimal,
    pub total: Decimal,
}

impl From<&crate::service::member_books::ShuReport> for ShuOut {
    fn from(r: &crate::service::member_books::ShuReport) -> Self {
        ShuOut {
            year: r.year,
            params: ShuParamsOut {
                total: r.params.total,
                jasa_usaha_percent: r.params.jasa_usaha_percent,
                jasa_modal_percent: r.params.jasa_modal_percent,
            },
            pool_usaha: r.pool_usaha,
            pool_modal: r.pool_modal,
            rows: r
                .rows
                .iter()
                .map(|x| ShuRowOut {
                    number: x.number.clone(),
                    name: x.name.clone(),
                    purchases: x.purchases.clone(),
                    purchases_total: x.purchases_total,
                    capital: x.capital,
                    jasa_usaha: x.jasa_usaha,
                    jasa_modal: x.jasa_modal,
                    total: x.total,
                })
                .collect(),
            total_usaha: r.total_usaha,
            total_modal: r.total_modal,
            total_shared: r.total_shared,
        }
    }
}

/// `kasir members statement NO --month M`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct StatementOut {
    pub number: String,
    pub name: String,
    /// `YYYY-MM`.
    pub month: String,
    /// `[business_unit, money]`.
    pub purchases: Vec<(String, Decimal)>,
    pub kasbon_opening: Decimal,
    pub kasbon_taken: Decimal,
    pub kasbon_repaid: Decimal,
    pub kasbon_closing: Decimal,
    /// `[time, kind, reference, money]`.
    pub moves: Vec<(String, String, String, Decimal)>,
}

impl From<&crate::service::member_books::Statement> for StatementOut {
    fn from(s: &crate::service::member_books::Statement) -> Self {
        StatementOut {
            number: s.number.clone(),
            name: s.name.clone(),
            month: s.month.clone(),
            purchases: s.purchases.clone(),
            kasbon_opening: s.kasbon_opening,
            kasbon_taken: s.kasbon_taken,
            kasbon_repaid: s.kasbon_repaid,
            kasbon_closing: s.kasbon_closing,
            moves: s.moves.clone(),
        }
    }
}
