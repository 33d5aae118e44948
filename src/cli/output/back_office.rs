//! The JSON documents of the back office: stock counts, receiving, write-offs, expiry and
//! stock reports, settings, backups, the check, the demo and printer failures.

use super::*;
use serde::Serialize;

/// `kasir opname start` (and `session` of [`OpnameFinishOut`]).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct OpnameSessionOut {
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
pub(in crate::cli) struct CountAckOut {
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
pub(in crate::cli) struct OpnameFinishOut {
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
pub(in crate::cli) struct VarianceOut {
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
pub(in crate::cli) struct ReceivedOut {
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
pub(in crate::cli) struct WriteOffsOut {
    pub writeoffs: Vec<WriteOffOut>,
    /// Money: their value at cost.
    pub value: Decimal,
}

/// One write-off (quantity in the base unit).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct WriteOffOut {
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
pub(in crate::cli) struct ExpiryOut {
    /// `YYYY-MM-DD`.
    pub today: chrono::NaiveDate,
    pub days: i64,
    pub expired: Vec<ExpiryRowOut>,
    pub near: Vec<ExpiryRowOut>,
}

/// A batch with stock and an expiry date (quantity in the base unit).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ExpiryRowOut {
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
pub(in crate::cli) struct ReorderOut {
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
pub(in crate::cli) struct SlowMoverOut {
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
pub(in crate::cli) struct UnitStockValueOut {
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
pub(in crate::cli) struct SettingOut {
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
pub(in crate::cli) struct AutoBackupOut {
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
pub(in crate::cli) struct CheckOut {
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
pub(in crate::cli) struct BooksAgainstStockOut {
    pub business_unit: String,
    pub books: Decimal,
    pub stock: Decimal,
    /// The last posted day, or null.
    pub as_of: Option<String>,
}

/// A problem, in Bahasa Indonesia and English.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ProblemOut {
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
pub(in crate::cli) struct SettingChangeOut {
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
pub(in crate::cli) struct GeneratedOut {
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
pub(in crate::cli) enum KasbonRuleOut {
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
pub(in crate::cli) struct JobFailureOut {
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
pub(in crate::cli) struct StockCsvOut {
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
pub(in crate::cli) fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}
