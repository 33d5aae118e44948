//! The JSON documents of sales, returns, shifts, journals, stock and members, the `Out`
//! mark every document carries, and `to_json`.

use super::*;

// ---------------------------------------------------------------------------------------
// The JSON documents of `--json`.
//
// These types are the command line's promise to scripts: they are built from what the
// services return and change only on purpose (the snapshots in `tests/cli/cli_json.rs` pin
// them), whatever the store keeps. Conventions:
//
// * money is a decimal string of rupiah: `"137500"`, `"2500.5"` (never a float, never
//   minor units);
// * quantities are decimal strings in the unit named beside them (`qty` in the sold unit,
//   `base_qty` and `on_hand` in the product's base unit, up to 3 decimals: `"1.25"`);
// * dates are `YYYY-MM-DD`, times `YYYY-MM-DD HH:MM:SS` in the shop's local time;
// * a value that may be missing is `null`, never left out.

use serde::Serialize;

use crate::service::{
    BatchRow, JournalRecord, LineRecord, MemberRow, ReturnRecord, SaleLineRecord, SaleRecord,
    ShiftRow, StockRow, TenderRecord,
};

/// A committed sale (`kasir sale`, `kasir sales show`, each of `kasir sales list`).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct SaleOut {
    /// Globally unique id of the sale (UUID v7).
    pub uuid: String,
    /// The sale number printed on the receipt, e.g. `SBK-20261201-0001`.
    pub number: String,
    pub till: String,
    /// `sembako` or `apotek`.
    pub business_unit: String,
    /// `YYYY-MM-DD`.
    pub business_date: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub created_at: String,
    /// Username of the cashier.
    pub cashier: String,
    pub member_number: Option<String>,
    pub member_name: Option<String>,
    /// Money (rupiah): before discounts.
    pub gross: Decimal,
    /// Money: discounts given.
    pub discount: Decimal,
    /// Money: gross less discounts.
    pub total: Decimal,
    /// Money: cash rounding taken off the total (never against the customer).
    pub rounding: Decimal,
    /// Money: what the customer pays (total less rounding).
    pub payable: Decimal,
    /// Money: PPN contained in the total.
    pub ppn: Decimal,
    /// Money: change given in cash.
    pub change: Decimal,
    /// `completed`, or `voided`.
    pub status: String,
    pub lines: Vec<SaleLineOut>,
    pub tenders: Vec<TenderOut>,
}

/// One line of a sale.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct SaleLineOut {
    /// 1, 2, … in the order rung up.
    pub line_no: i64,
    pub sku: String,
    pub name: String,
    /// The unit sold (`pcs`, `dus`, `kg`, …).
    pub unit: String,
    /// Quantity in `unit`.
    pub qty: Decimal,
    /// Quantity in the product's base unit.
    pub base_qty: Decimal,
    /// Money: price of one `unit`.
    pub unit_price: Decimal,
    /// Price tier applied: `umum`, `anggota`, `grosir`, …
    pub tier: String,
    /// Money: discount on the line.
    pub discount: Decimal,
    /// Money: what the line costs the customer.
    pub amount: Decimal,
    /// Money: the line's share of the receipt's PPN.
    pub ppn: Decimal,
    /// Money: cost of the goods at sale time (moving average).
    pub cost: Decimal,
    pub business_unit: String,
    /// `ppn` or `exempt`.
    pub tax_class: String,
    /// Sold by weight (shown to the gram).
    pub weighed: bool,
}

/// One tender of a sale.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct TenderOut {
    /// `cash`, `qris`, `transfer` or `kasbon`.
    pub kind: String,
    /// Money: amount tendered.
    pub amount: Decimal,
    /// Payment reference (QRIS / transfer), if given.
    pub reference: Option<String>,
}

impl From<&SaleRecord> for SaleOut {
    fn from(s: &SaleRecord) -> Self {
        SaleOut {
            uuid: s.uuid.clone(),
            number: s.number.clone(),
            till: s.till.clone(),
            business_unit: s.business_unit.clone(),
            business_date: s.business_date.clone(),
            created_at: s.created_at.clone(),
            cashier: s.cashier.clone(),
            member_number: s.member_number.clone(),
            member_name: s.member_name.clone(),
            gross: s.gross,
            discount: s.discount,
            total: s.total,
            rounding: s.rounding,
            payable: s.payable,
            ppn: s.ppn,
            change: s.change,
            status: s.status.clone(),
            lines: s.lines.iter().map(SaleLineOut::from).collect(),
            tenders: s.tenders.iter().map(TenderOut::from).collect(),
        }
    }
}

impl From<&SaleLineRecord> for SaleLineOut {
    fn from(l: &SaleLineRecord) -> Self {
        SaleLineOut {
            line_no: l.line_no,
            sku: l.sku.clone(),
            name: l.name.clone(),
            unit: l.unit.clone(),
            qty: l.qty,
            base_qty: l.base_qty,
            unit_price: l.unit_price,
            tier: l.tier.clone(),
            discount: l.discount,
            amount: l.amount,
            ppn: l.ppn,
            cost: l.cost,
            business_unit: l.business_unit.clone(),
            tax_class: l.tax_class.clone(),
            weighed: l.weighed,
        }
    }
}

impl From<&TenderRecord> for TenderOut {
    fn from(t: &TenderRecord) -> Self {
        TenderOut {
            kind: t.kind.clone(),
            amount: t.amount,
            reference: t.reference.clone(),
        }
    }
}

/// `kasir sale` and `kasir sales show`: `{"sale": SaleOut, "receipt": "…"}`, the receipt
/// as plain text (the original layout; `sales show` marks it as a copy).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct SaleWithReceiptOut {
    pub sale: SaleOut,
    pub receipt: String,
}

/// `kasir sales list`: `{"date": "YYYY-MM-DD", "sales": [SaleOut…]}`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct SalesOut {
    pub date: chrono::NaiveDate,
    pub sales: Vec<SaleOut>,
}

/// `kasir return`: the return as booked.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ReturnOut {
    /// The return number, e.g. `RT-SBK-20261201-0001`.
    pub number: String,
    /// The sale the goods came from.
    pub sale_number: String,
    pub business_unit: String,
    /// `YYYY-MM-DD`.
    pub business_date: String,
    /// Whether the sale was to a member.
    pub member: bool,
    /// Money: value of the goods taken back.
    pub amount: Decimal,
    /// Money: refunded in cash.
    pub refund_cash: Decimal,
    /// Money: taken off the member's kasbon.
    pub refund_kasbon: Decimal,
    /// Money: cash rounding of the refund.
    pub rounding: Decimal,
    /// Username of the approving supervisor.
    pub approver: String,
    /// Per returned line: `[business_unit, amount, ppn, cost]` (money as decimal strings).
    pub lines: Vec<(String, Decimal, Decimal, Decimal)>,
}

impl From<&ReturnRecord> for ReturnOut {
    fn from(r: &ReturnRecord) -> Self {
        ReturnOut {
            number: r.number.clone(),
            sale_number: r.sale_number.clone(),
            business_unit: r.business_unit.clone(),
            business_date: r.business_date.clone(),
            member: r.member,
            amount: r.amount,
            refund_cash: r.refund_cash,
            refund_kasbon: r.refund_kasbon,
            rounding: r.rounding,
            approver: r.approver.clone(),
            lines: r.lines.clone(),
        }
    }
}

/// `kasir shift open`: the shift as opened.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ShiftOut {
    /// Shift id (for `kasir report z --shift ID`).
    pub id: i64,
    pub uuid: String,
    pub till: String,
    pub business_unit: String,
    pub user_id: Option<i64>,
    /// Username of the cashier.
    pub cashier: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub opened_at: String,
    /// Money: cash in the drawer at the start.
    pub opening_float: Decimal,
    /// `open` or `closed`.
    pub status: String,
    pub closed_at: Option<String>,
}

impl From<&ShiftRow> for ShiftOut {
    fn from(s: &ShiftRow) -> Self {
        ShiftOut {
            id: s.id,
            uuid: s.uuid.clone(),
            till: s.till.clone(),
            business_unit: s.business_unit.clone(),
            user_id: s.user_id,
            cashier: s.cashier.clone(),
            opened_at: s.opened_at.clone(),
            opening_float: s.opening_float,
            status: s.status.clone(),
            closed_at: s.closed_at.clone(),
        }
    }
}

/// `kasir day close` and `kasir day reverse`: `{"date": "YYYY-MM-DD", "journals":
/// [JournalOut…]}`, the journals posted (one per business unit; for a reversal, the
/// reversing journals and those of the new close).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct DayCloseOut {
    pub date: chrono::NaiveDate,
    pub journals: Vec<JournalOut>,
}

/// A posted journal.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct JournalOut {
    /// Journal number, e.g. `JU-SBK-20261201`.
    pub number: String,
    /// Business date, `YYYY-MM-DD`.
    pub date: String,
    pub business_unit: String,
    /// `day`, `reversal`, `opening`.
    pub kind: String,
    /// kasir's memo (in English; the text output translates it).
    pub memo: String,
    /// `YYYY-MM-DD HH:MM:SS`.
    pub posted_at: String,
    pub posted_by: String,
    /// The journal this one reverses.
    pub reverses: Option<String>,
    /// The journal that reversed this one.
    pub reversed_by: Option<String>,
    pub lines: Vec<JournalLineOut>,
}

/// One line of a journal.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct JournalLineOut {
    /// Account code, e.g. `1-1101`.
    pub code: String,
    pub name: String,
    /// `asset`, `liability`, `equity`, `income`, `expense`.
    pub kind: String,
    /// Money.
    pub debit: Decimal,
    /// Money.
    pub credit: Decimal,
    pub memo: String,
}

impl From<&JournalRecord> for JournalOut {
    fn from(j: &JournalRecord) -> Self {
        JournalOut {
            number: j.number.clone(),
            date: j.date.clone(),
            business_unit: j.business_unit.clone(),
            kind: j.kind.clone(),
            memo: j.memo.clone(),
            posted_at: j.posted_at.clone(),
            posted_by: j.posted_by.clone(),
            reverses: j.reverses.clone(),
            reversed_by: j.reversed_by.clone(),
            lines: j.lines.iter().map(JournalLineOut::from).collect(),
        }
    }
}

impl From<&LineRecord> for JournalLineOut {
    fn from(l: &LineRecord) -> Self {
        JournalLineOut {
            code: l.code.clone(),
            name: l.name.clone(),
            kind: l.kind.clone(),
            debit: l.debit,
            credit: l.credit,
            memo: l.memo.clone(),
        }
    }
}

/// `kasir stock [CODE]`: `{"stock": [StockOut…]}`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct StockOut {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub business_unit: String,
    /// The unit `on_hand` and `min_stock` are counted in.
    pub base_unit: String,
    /// Quantity on hand (may be negative where the shop allows it).
    pub on_hand: Decimal,
    /// Money: stock value at moving-average cost.
    pub value: Decimal,
    /// Quantity below which the product is to be reordered.
    pub min_stock: Decimal,
    /// Batches with stock, first expiry first (empty for goods without batches).
    pub batches: Vec<BatchOut>,
}

/// A batch with stock.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct BatchOut {
    pub id: i64,
    pub batch_no: String,
    /// `YYYY-MM-DD`, or null.
    pub expiry: Option<String>,
    /// Quantity in the product's base unit.
    pub on_hand: Decimal,
}

impl From<&StockRow> for StockOut {
    fn from(r: &StockRow) -> Self {
        StockOut {
            product_id: r.product_id,
            sku: r.sku.clone(),
            name: r.name.clone(),
            business_unit: r.business_unit.clone(),
            base_unit: r.base_unit.clone(),
            on_hand: r.on_hand,
            value: r.value,
            min_stock: r.min_stock,
            batches: r.batches.iter().map(BatchOut::from).collect(),
        }
    }
}

impl From<&BatchRow> for BatchOut {
    fn from(b: &BatchRow) -> Self {
        BatchOut {
            id: b.id,
            batch_no: b.batch_no.clone(),
            expiry: b.expiry.clone(),
            on_hand: b.on_hand,
        }
    }
}

/// `kasir members show` and `kasir members repay`: the member.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct MemberOut {
    pub id: i64,
    /// Member number, e.g. `A0001`.
    pub number: String,
    pub name: String,
    pub phone: Option<String>,
    /// The national id number (NIK).
    pub nik: Option<String>,
    /// Money: most the member may owe.
    pub kasbon_limit: Decimal,
    /// Money: what the member owes now.
    pub kasbon_balance: Decimal,
}

impl From<&MemberRow> for MemberOut {
    fn from(m: &MemberRow) -> Self {
        MemberOut {
            id: m.id,
            number: m.number.clone(),
            name: m.name.clone(),
            phone: m.phone.clone(),
            nik: m.nik.clone(),
            kasbon_limit: m.kasbon_limit,
            kasbon_balance: m.kasbon_balance,
        }
    }
}

/// `kasir report members`: `{"members": [MemberReportOut…]}`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct MemberReportOut {
    pub number: String,
    pub name: String,
    /// Money.
    pub kasbon_limit: Decimal,
    /// Money.
    pub kasbon_balance: Decimal,
    /// Money: simpanan pokok.
    pub pokok: Decimal,
    /// Money: simpanan wajib.
    pub wajib: Decimal,
    /// Money: simpanan sukarela.
    pub sukarela: Decimal,
}

impl From<&crate::service::member_books::MemberReportRow> for MemberReportOut {
    fn from(m: &crate::service::member_books::MemberReportRow) -> Self {
        MemberReportOut {
            number: m.number.clone(),
            name: m.name.clone(),
            kasbon_limit: m.kasbon_limit,
            kasbon_balance: m.kasbon_balance,
            pokok: m.pokok,
            wajib: m.wajib,
            sukarela: m.sukarela,
        }
    }
}

/// A JSON document of the command line: only the types of this file are (`tests/cli/cli_json.rs`
/// checks that no other file of `src/cli` serialises anything itself).
pub(in crate::cli) trait Out: Serialize {}

macro_rules! out {
    ($($t:ty),* $(,)?) => { $(impl Out for $t {})* };
}

out!(
    SaleWithReceiptOut,
    SalesOut,
    ReturnOut,
    ShiftOut,
    DayCloseOut,
    JournalOut,
    MemberOut,
    PrintJobOut,
    XReportOut,
    ShiftCloseOut,
    ShiftClosedOut,
    DayStatusOut,
    TrialBalanceOut,
    GeneralLedgerOut,
    DashboardOut,
    ShuOut,
    StatementOut,
    OpnameSessionOut,
    CountAckOut,
    OpnameFinishOut,
    ReceivedOut,
    WriteOffsOut,
    ExpiryOut,
    SettingOut,
    SettingChangeOut,
    AutoBackupOut,
    CheckOut,
    GeneratedOut,
    KasbonRuleOut,
    JobFailureOut,
    SyncOut,
    RebuiltOut,
    PrunedOut,
    SyncExceptionsOut,
    ServerStatusOut,
    DistrictStatusOut,
    DistrictQuarantineOut,
    RelayOut,
    ExceptionsOut,
    ExceptionOut,
);

/// An output document as JSON (the types of this file cannot fail to serialise).
pub(in crate::cli) fn to_json(v: &impl Out) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// A list of service records as their output documents.
pub(in crate::cli) fn all<'a, R: 'a, O: From<&'a R>>(rows: &'a [R]) -> Vec<O> {
    rows.iter().map(O::from).collect()
}
