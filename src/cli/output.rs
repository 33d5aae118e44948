//! What the command line prints: text for people, and with `--json` one JSON document.

use std::path::Path;

use rust_decimal::Decimal;
use serde_json::json;

use crate::domain::money::format_rupiah;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;

pub(super) fn print_json(v: serde_json::Value) {
    println!("{v}");
}

pub(super) fn rp(d: Decimal) -> String {
    format_rupiah(d)
}

pub(super) fn done(json: bool, _lang: Lang, value: serde_json::Value, text: &str) {
    if json {
        print_json(value);
    } else {
        println!("{text}");
    }
}

/// Read an import file and say how many records came in (the service imports all or none).
pub(super) fn import(
    json: bool,
    lang: Lang,
    file: &Path,
    (what_id, what_en): (&str, &str),
    f: impl FnOnce(std::io::BufReader<std::fs::File>) -> Result<usize>,
) -> Result<()> {
    let n = f(std::io::BufReader::new(open_input(file)?))?;
    done(
        json,
        lang,
        json!({"imported": n}),
        &crate::i18n::count(lang, n, what_id, what_en),
    );
    Ok(())
}

/// A file the user named, or a refusal that names it.
pub(super) fn open_input(file: &Path) -> Result<std::fs::File> {
    let p = file.display();
    let refuse = |id: String, en: String| Err(KasirError::invalid(id, en));
    if file.is_dir() {
        return refuse(
            format!("{p} adalah folder, bukan file"),
            format!("{p} is a folder, not a file"),
        );
    }
    std::fs::File::open(file).map_err(|e| KasirError::file(file, e))
}

/// Write an export through [`write_atomically`] and say how many records went where.
pub(super) fn export(
    json: bool,
    lang: Lang,
    file: &Path,
    (key, what_id, what_en): (&str, &str, &str),
    f: impl FnOnce(&mut std::fs::File) -> Result<usize>,
) -> Result<()> {
    let n = write_atomically(file, f)?;
    done(
        json,
        lang,
        json!({ key: n, "file": file }),
        &format!(
            "{} → {}",
            crate::i18n::count(lang, n, what_id, what_en),
            file.display()
        ),
    );
    Ok(())
}

pub(super) use crate::atomic_file::write_atomically;

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
pub(super) struct SaleOut {
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
pub(super) struct SaleLineOut {
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
pub(super) struct TenderOut {
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
pub(super) struct SaleWithReceiptOut {
    pub sale: SaleOut,
    pub receipt: String,
}

/// `kasir sales list`: `{"date": "YYYY-MM-DD", "sales": [SaleOut…]}`.
#[derive(Debug, Serialize)]
pub(super) struct SalesOut {
    pub date: chrono::NaiveDate,
    pub sales: Vec<SaleOut>,
}

/// `kasir return`: the return as booked.
#[derive(Debug, Serialize)]
pub(super) struct ReturnOut {
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
pub(super) struct ShiftOut {
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
pub(super) struct DayCloseOut {
    pub date: chrono::NaiveDate,
    pub journals: Vec<JournalOut>,
}

/// A posted journal.
#[derive(Debug, Serialize)]
pub(super) struct JournalOut {
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
pub(super) struct JournalLineOut {
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
pub(super) struct StockOut {
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
pub(super) struct BatchOut {
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
pub(super) struct MemberOut {
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
pub(super) struct MemberReportOut {
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
pub(super) trait Out: Serialize {}

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
);

/// An output document as JSON (the types of this file cannot fail to serialise).
pub(super) fn to_json(v: &impl Out) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

/// A list of service records as their output documents.
pub(super) fn all<'a, R: 'a, O: From<&'a R>>(rows: &'a [R]) -> Vec<O> {
    rows.iter().map(O::from).collect()
}

/// `kasir accounts list`: `{"accounts": [AccountOut…]}`.
#[derive(Debug, Serialize)]
pub(super) struct AccountOut {
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
pub(super) struct PrintJobOut {
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
pub(super) struct SupplierOut {
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
pub(super) struct StockMoveOut {
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
pub(super) struct SipnapRowOut {
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
pub(super) struct RegisterOut {
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
pub(super) struct DispensingOut {
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
pub(super) struct ShiftReportOut {
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
pub(super) struct ReportRowOut {
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
pub(super) struct XReportOut {
    pub report: ShiftReportOut,
    /// The report as printed, plain text.
    pub text: String,
}

/// `kasir report z`: the close of a shift (also `close` in [`ShiftClosedOut`]).
#[derive(Debug, Serialize)]
pub(super) struct ShiftCloseOut {
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
pub(super) struct ShiftClosedOut {
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
pub(super) struct DayStatusOut {
    /// `YYYY-MM-DD`.
    pub date: String,
    pub closed: bool,
    /// Tills with a shift still open.
    pub open_shifts: Vec<String>,
    /// The day's posted journals.
    pub journals: Vec<JournalOut>,
}

impl From<&crate::service::ledger::DayStatus> for DayStatusOut {
    fn from(s: &crate::service::ledger::DayStatus) -> Self {
        DayStatusOut {
            date: s.date.clone(),
            closed: s.closed,
            open_shifts: s.open_shifts.clone(),
            journals: all(&s.journals),
        }
    }
}

/// `kasir report trial-balance`.
#[derive(Debug, Serialize)]
pub(super) struct TrialBalanceOut {
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
pub(super) struct TrialRowOut {
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
pub(super) struct GeneralLedgerOut {
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
pub(super) struct GlEntryOut {
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
pub(super) struct DashboardOut {
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
pub(super) struct DailySalesOut {
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
pub(super) struct DayShareOut {
    pub date: String,
    pub members: Decimal,
    pub non_members: Decimal,
    pub member_share_percent: Decimal,
}

/// A best-selling product.
#[derive(Debug, Serialize)]
pub(super) struct TopItemOut {
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
pub(super) struct ShuOut {
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
pub(super) struct ShuParamsOut {
    /// Money.
    pub total: Decimal,
    pub jasa_usaha_percent: Decimal,
    pub jasa_modal_percent: Decimal,
}

/// One member's SHU (money).
#[derive(Debug, Serialize)]
pub(super) struct ShuRowOut {
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
pub(super) struct StatementOut {
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

/// `kasir opname start` (and `session` of [`OpnameFinishOut`]).
#[derive(Debug, Serialize)]
pub(super) struct OpnameSessionOut {
    pub id: i64,
    pub uuid: String,
    /// The business unit counted, or null for all.
    pub scope_unit: Option<String>,
    pub started_at: String,
    pub started_by: String,
    /// `open`, `finished`.
    pub status: String,
    pub finished_at: Option<String>,
    pub approver: Option<String>,
}

impl From<&crate::service::SessionRow> for OpnameSessionOut {
    fn from(s: &crate::service::SessionRow) -> Self {
        OpnameSessionOut {
            id: s.id,
            uuid: s.uuid.clone(),
            scope_unit: s.scope_unit.clone(),
            started_at: s.started_at.clone(),
            started_by: s.started_by.clone(),
            status: s.status.clone(),
            finished_at: s.finished_at.clone(),
            approver: s.approver.clone(),
        }
    }
}

/// `kasir opname count`: what was recorded (quantity in the base unit).
#[derive(Debug, Serialize)]
pub(super) struct CountAckOut {
    pub sku: String,
    pub name: String,
    pub batch: Option<String>,
    pub counted: Decimal,
    pub base_unit: String,
}

impl From<&crate::service::opname::CountAck> for CountAckOut {
    fn from(a: &crate::service::opname::CountAck) -> Self {
        CountAckOut {
            sku: a.sku.clone(),
            name: a.name.clone(),
            batch: a.batch.clone(),
            counted: a.counted,
            base_unit: a.base_unit.clone(),
        }
    }
}

/// `kasir opname finish`: the variances booked.
#[derive(Debug, Serialize)]
pub(super) struct OpnameFinishOut {
    pub session: OpnameSessionOut,
    pub lines: Vec<VarianceOut>,
    /// Products in scope that were not counted (left as they were).
    pub not_counted: usize,
    /// Money.
    pub value_short: Decimal,
    /// Money.
    pub value_over: Decimal,
    /// Money.
    pub net_value: Decimal,
}

/// One counted product (or batch): quantities in `base_unit`, `value` money.
#[derive(Debug, Serialize)]
pub(super) struct VarianceOut {
    pub sku: String,
    pub name: String,
    pub batch: Option<String>,
    pub base_unit: String,
    pub expected: Decimal,
    pub counted: Decimal,
    pub variance: Decimal,
    pub value: Decimal,
    pub counted_by: String,
    pub counted_at: String,
}

impl From<&crate::service::opname::OpnameReport> for OpnameFinishOut {
    fn from(r: &crate::service::opname::OpnameReport) -> Self {
        OpnameFinishOut {
            session: OpnameSessionOut::from(&r.session),
            lines: r
                .lines
                .iter()
                .map(|l| VarianceOut {
                    sku: l.sku.clone(),
                    name: l.name.clone(),
                    batch: l.batch.clone(),
                    base_unit: l.base_unit.clone(),
                    expected: l.expected,
                    counted: l.counted,
                    variance: l.variance,
                    value: l.value,
                    counted_by: l.counted_by.clone(),
                    counted_at: l.counted_at.clone(),
                })
                .collect(),
            not_counted: r.not_counted,
            value_short: r.value_short,
            value_over: r.value_over,
            net_value: r.net_value,
        }
    }
}

/// `kasir receive FILE`: the delivery booked.
#[derive(Debug, Serialize)]
pub(super) struct ReceivedOut {
    /// Number of lines received.
    pub received: usize,
    /// The goods-received number, e.g. `GR-20261201-0001`.
    pub doc_no: String,
    /// Money.
    pub total: Decimal,
    /// `cash` or `credit`.
    pub payment: &'static str,
    /// The cash account paid from (for cash), or null.
    pub paid_from: Option<&'static str>,
    /// Supplier code, or null.
    pub supplier: Option<String>,
}

impl From<&crate::service::stock::GoodsReceived> for ReceivedOut {
    fn from(g: &crate::service::stock::GoodsReceived) -> Self {
        ReceivedOut {
            received: g.lines,
            doc_no: g.doc_no.clone(),
            total: g.total,
            payment: match g.payment {
                crate::service::stock::Payment::Cash => "cash",
                crate::service::stock::Payment::Credit => "credit",
            },
            paid_from: g.paid_from,
            supplier: g.supplier.clone(),
        }
    }
}

/// `kasir writeoff`: `{"writeoffs": [WriteOffOut…], "value": money}`.
#[derive(Debug, Serialize)]
pub(super) struct WriteOffsOut {
    pub writeoffs: Vec<WriteOffOut>,
    /// Money: their value at cost.
    pub value: Decimal,
}

/// One write-off (quantity in the base unit).
#[derive(Debug, Serialize)]
pub(super) struct WriteOffOut {
    pub sku: String,
    pub name: String,
    pub base_unit: String,
    pub batch: Option<String>,
    pub qty: Decimal,
    /// Money.
    pub value: Decimal,
    /// `rusak`, `kedaluwarsa`, `hilang`.
    pub reason: &'static str,
}

impl From<&crate::service::write_off::WriteOffRecord> for WriteOffOut {
    fn from(r: &crate::service::write_off::WriteOffRecord) -> Self {
        WriteOffOut {
            sku: r.sku.clone(),
            name: r.name.clone(),
            base_unit: r.base_unit.clone(),
            batch: r.batch.clone(),
            qty: r.qty,
            value: r.value,
            reason: r.reason.as_str(),
        }
    }
}

/// `kasir report expiry`: batches expired, and expiring within `days`.
#[derive(Debug, Serialize)]
pub(super) struct ExpiryOut {
    /// `YYYY-MM-DD`.
    pub today: chrono::NaiveDate,
    pub days: i64,
    pub expired: Vec<ExpiryRowOut>,
    pub near: Vec<ExpiryRowOut>,
}

/// A batch with stock and an expiry date (quantity in the base unit).
#[derive(Debug, Serialize)]
pub(super) struct ExpiryRowOut {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub business_unit: String,
    pub base_unit: String,
    pub batch_id: i64,
    pub batch_no: String,
    /// `YYYY-MM-DD`.
    pub expiry: String,
    pub on_hand: Decimal,
}

impl From<&crate::service::ExpiryRow> for ExpiryRowOut {
    fn from(r: &crate::service::ExpiryRow) -> Self {
        ExpiryRowOut {
            product_id: r.product_id,
            sku: r.sku.clone(),
            name: r.name.clone(),
            business_unit: r.business_unit.clone(),
            base_unit: r.base_unit.clone(),
            batch_id: r.batch_id,
            batch_no: r.batch_no.clone(),
            expiry: r.expiry.clone(),
            on_hand: r.on_hand,
        }
    }
}

impl From<&crate::service::stock_reports::ExpiryReport> for ExpiryOut {
    fn from(r: &crate::service::stock_reports::ExpiryReport) -> Self {
        ExpiryOut {
            today: r.today,
            days: r.days,
            expired: all(&r.expired),
            near: all(&r.near),
        }
    }
}

/// `kasir report stock --low`: `{"low": [ReorderOut…]}` (quantities in the base unit).
#[derive(Debug, Serialize)]
pub(super) struct ReorderOut {
    pub sku: String,
    pub name: String,
    pub business_unit: String,
    pub base_unit: String,
    pub on_hand: Decimal,
    pub min_stock: Decimal,
    /// Sold over the last `days`.
    pub sold: Decimal,
    pub days: i64,
    /// What to order.
    pub suggested: Decimal,
}

impl From<&crate::service::stock_reports::ReorderRow> for ReorderOut {
    fn from(r: &crate::service::stock_reports::ReorderRow) -> Self {
        ReorderOut {
            sku: r.sku.clone(),
            name: r.name.clone(),
            business_unit: r.business_unit.clone(),
            base_unit: r.base_unit.clone(),
            on_hand: r.on_hand,
            min_stock: r.min_stock,
            sold: r.sold,
            days: r.days,
            suggested: r.suggested,
        }
    }
}

/// `kasir report stock --slow`: `{"slow": [SlowMoverOut…]}`.
#[derive(Debug, Serialize)]
pub(super) struct SlowMoverOut {
    pub sku: String,
    pub name: String,
    pub business_unit: String,
    pub base_unit: String,
    pub on_hand: Decimal,
    /// Money.
    pub value: Decimal,
    /// `YYYY-MM-DD HH:MM:SS`, or null if never sold.
    pub last_sale: Option<String>,
}

impl From<&crate::service::stock_reports::SlowMover> for SlowMoverOut {
    fn from(r: &crate::service::stock_reports::SlowMover) -> Self {
        SlowMoverOut {
            sku: r.sku.clone(),
            name: r.name.clone(),
            business_unit: r.business_unit.clone(),
            base_unit: r.base_unit.clone(),
            on_hand: r.on_hand,
            value: r.value,
            last_sale: r.last_sale.clone(),
        }
    }
}

/// `kasir report stock`: `{"units": [UnitStockValueOut…], "total": money}`.
#[derive(Debug, Serialize)]
pub(super) struct UnitStockValueOut {
    pub business_unit: String,
    /// Products with stock.
    pub products: usize,
    /// Money.
    pub value: Decimal,
}

impl From<&crate::service::stock_reports::UnitStockValue> for UnitStockValueOut {
    fn from(u: &crate::service::stock_reports::UnitStockValue) -> Self {
        UnitStockValueOut {
            business_unit: u.business_unit.clone(),
            products: u.products,
            value: u.value,
        }
    }
}

/// `kasir settings get KEY` (and each of `kasir settings list`: `{"settings": […]}`).
#[derive(Debug, Serialize)]
pub(super) struct SettingOut {
    pub key: String,
    pub value: String,
    /// The value is the default (never set).
    pub default: bool,
    /// What values it takes, for people.
    pub values: String,
    /// Roles that may change it.
    pub who: &'static str,
    pub description: String,
}

impl From<&crate::service::settings::SettingView> for SettingOut {
    fn from(v: &crate::service::settings::SettingView) -> Self {
        SettingOut {
            key: v.key.clone(),
            value: v.value.clone(),
            default: v.default,
            values: v.values.clone(),
            who: v.who,
            description: v.description.clone(),
        }
    }
}

/// `kasir backup --auto`: the daily copy written (null if today's exists), removed, kept.
#[derive(Debug, Serialize)]
pub(super) struct AutoBackupOut {
    pub written: Option<std::path::PathBuf>,
    pub removed: Vec<std::path::PathBuf>,
    pub kept: Vec<std::path::PathBuf>,
}

impl From<&crate::service::autobackup::AutoBackup> for AutoBackupOut {
    fn from(a: &crate::service::autobackup::AutoBackup) -> Self {
        AutoBackupOut {
            written: a.written.clone(),
            removed: a.removed.clone(),
            kept: a.kept.clone(),
        }
    }
}

/// `kasir check`.
#[derive(Debug, Serialize)]
pub(super) struct CheckOut {
    pub integrity: bool,
    pub audit_chain: bool,
    pub stock_matches_moves: bool,
    pub stock_value_matches_moves: bool,
    pub kasbon_matches_entries: bool,
    /// Null until the opening balances are posted.
    pub books_match_stock: Option<bool>,
    pub books_against_stock: Vec<BooksAgainstStockOut>,
    pub settings_intact: bool,
    /// Each problem found, `{"id": "…", "en": "…"}`.
    pub problems: Vec<ProblemOut>,
}

/// Persediaan of one unit in the books against its stock value (money).
#[derive(Debug, Serialize)]
pub(super) struct BooksAgainstStockOut {
    pub business_unit: String,
    pub books: Decimal,
    pub stock: Decimal,
    /// The last posted day, or null.
    pub as_of: Option<String>,
}

/// A problem, in Bahasa Indonesia and English.
#[derive(Debug, Serialize)]
pub(super) struct ProblemOut {
    pub id: String,
    pub en: String,
}

impl From<&crate::service::admin::CheckReport> for CheckOut {
    fn from(r: &crate::service::admin::CheckReport) -> Self {
        CheckOut {
            integrity: r.integrity,
            audit_chain: r.audit_chain,
            stock_matches_moves: r.stock_matches_moves,
            stock_value_matches_moves: r.stock_value_matches_moves,
            kasbon_matches_entries: r.kasbon_matches_entries,
            books_match_stock: r.books_match_stock,
            books_against_stock: r
                .books_against_stock
                .iter()
                .map(|b| BooksAgainstStockOut {
                    business_unit: b.business_unit.clone(),
                    books: b.books,
                    stock: b.stock,
                    as_of: b.as_of.clone(),
                })
                .collect(),
            settings_intact: r.settings_intact,
            problems: r
                .problems
                .iter()
                .map(|p| ProblemOut {
                    id: p.id.clone(),
                    en: p.en.clone(),
                })
                .collect(),
        }
    }
}

/// `kasir settings set KEY VALUE`: `{"change": SettingChangeOut, "by": "username"}`.
#[derive(Debug, Serialize)]
pub(super) struct SettingChangeOut {
    pub key: String,
    /// The value before, or null if it was never set.
    pub old: Option<String>,
    pub new: String,
    /// False when the value was already this.
    pub changed: bool,
}

impl From<&crate::service::settings::SettingChange> for SettingChangeOut {
    fn from(c: &crate::service::settings::SettingChange) -> Self {
        SettingChangeOut {
            key: c.key.clone(),
            old: c.old.clone(),
            new: c.new.clone(),
            changed: c.changed,
        }
    }
}

/// `generated` of `kasir demo --products N --sales N`: what the generator made (null
/// without those flags).
#[derive(Debug, Serialize)]
pub(super) struct GeneratedOut {
    pub products: usize,
    pub barcodes: usize,
    pub members: usize,
    pub sales: usize,
    pub sale_lines: usize,
    pub days: u32,
    /// `YYYY-MM-DD` of the first and last day with sales, or null.
    pub first_day: Option<String>,
    pub last_day: Option<String>,
}

impl From<&crate::service::generate::Generated> for GeneratedOut {
    fn from(g: &crate::service::generate::Generated) -> Self {
        GeneratedOut {
            products: g.products,
            barcodes: g.barcodes,
            members: g.members,
            sales: g.sales,
            sale_lines: g.sale_lines,
            days: g.days,
            first_day: g.first_day.clone(),
            last_day: g.last_day.clone(),
        }
    }
}

/// `rule` of `kasir members kasbon-rule`: `"Fixed"`, or `{"Savings": {"percent": "…"}}`.
#[derive(Debug, Serialize)]
pub(super) enum KasbonRuleOut {
    Fixed,
    Savings { percent: Decimal },
}

impl From<crate::service::member_books::KasbonRule> for KasbonRuleOut {
    fn from(r: crate::service::member_books::KasbonRule) -> Self {
        match r {
            crate::service::member_books::KasbonRule::Fixed => KasbonRuleOut::Fixed,
            crate::service::member_books::KasbonRule::Savings { percent } => {
                KasbonRuleOut::Savings { percent }
            }
        }
    }
}

/// `failed` of a printer's outcome (`kasir print …`): the job that could not be sent.
#[derive(Debug, Serialize)]
pub(super) struct JobFailureOut {
    /// The print job's id.
    pub job: i64,
    /// The error, in English.
    pub error: String,
    /// `YYYY-MM-DD HH:MM:SS` of the next try (empty for a test page, not retried).
    pub next_attempt_at: String,
}

impl From<&crate::service::print::JobFailure> for JobFailureOut {
    fn from(f: &crate::service::print::JobFailure) -> Self {
        JobFailureOut {
            job: f.job,
            error: f.error.clone(),
            next_attempt_at: f.next_attempt_at.clone(),
        }
    }
}

/// One row of `kasir report stock --out FILE` (CSV, headed by these names).
#[derive(Debug, Serialize)]
pub(super) struct StockCsvOut {
    pub sku: String,
    pub name: String,
    pub business_unit: String,
    pub base_unit: String,
    /// Quantity in `base_unit`.
    pub on_hand: Decimal,
    /// Money.
    pub value: Decimal,
}

/// A text in double quotes, as JSON writes it (for the text output of settings).
pub(super) fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}
