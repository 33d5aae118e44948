//! Use cases shared by the till and the CLI. Each takes the shop (store + clock) and the
//! acting user, checks the role, and runs in one transaction.

pub mod admin;
pub mod auth;
pub mod autobackup;
pub mod bundle;
pub mod catalog;
mod catalog_sync;
pub mod checkout;
pub mod dashboard;
pub mod demo;
pub mod district_report;
pub mod exceptions;
pub mod generate;
mod late;
pub mod ledger;
pub mod member_books;
pub mod members;
pub mod opening;
pub mod opname;
pub mod oversell;
pub mod pharmacy;
pub mod print;
pub mod pull;
mod pull_apply;
pub mod receipt;
pub mod relay;
pub mod retention;
pub mod returns;
pub mod screen;
pub mod settings;
pub mod shift;
pub mod shift_close;
pub mod shift_report;
pub mod stock;
pub mod stock_reports;
pub mod sync;
pub mod sync_worker;
pub mod till;
pub mod travel;
pub mod weighing;
pub mod write_off;

/// The records use cases return, as the store reads them. Callers above `service` name
/// them from here.
pub use crate::store::{
    ledger::{AccountRow, JournalRecord, LineRecord},
    members::MemberRow,
    opname::SessionRow,
    pharmacy::RegisterRow,
    returns::ReturnRecord,
    sales::{SaleLineRecord, SaleRecord, TenderRecord},
    shift_close::ShiftCloseRow,
    shifts::ShiftRow,
    stock::{BatchRow, ExpiryRow, MoveRow, PeriodMovement, StockRow, SupplierRow},
};

use crate::service::settings::{Key, TillKey};
use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::domain::cart::TaxRule;
use crate::domain::catalog::BusinessUnit;

use crate::error::Result;
use crate::i18n::Lang;
use crate::store::Store;

/// Where "now" comes from; tests use a fixed clock.
pub trait Clock: Send + Sync {
    fn now(&self) -> NaiveDateTime;
}

/// The machine's local time.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> NaiveDateTime {
        chrono::Local::now().naive_local()
    }
}

/// A clock that says what it is told.
pub struct FixedClock(Mutex<NaiveDateTime>);

impl FixedClock {
    pub fn new(at: NaiveDateTime) -> Self {
        FixedClock(Mutex::new(at))
    }
    pub fn set(&self, at: NaiveDateTime) {
        if let Ok(mut g) = self.0.lock() {
            *g = at;
        }
    }
    pub fn advance(&self, by: chrono::Duration) {
        if let Ok(mut g) = self.0.lock() {
            *g += by;
        }
    }
}

impl Clock for FixedClock {
    fn now(&self) -> NaiveDateTime {
        self.0.lock().map(|g| *g).unwrap_or_default()
    }
}

/// The shop: its store and its clock.
pub struct Shop {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
}

/// Setting `stock.allow_negative` (`true`/`false`, default false): whether a sale may take
/// more than is on hand without a supervisor, leaving the stock negative.
pub const STOCK_ALLOW_NEGATIVE: &str = Key::StockAllowNegative.name();

/// Timestamps as stored: local time, second precision.
pub fn stamp(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M:%S").to_string()
}

/// Dates as stored.
pub fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The shop's settings with their defaults.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ShopSettings {
    pub name: String,
    pub address: String,
    pub npwp: Option<String>,
    pub pkp: bool,
    pub ppn_percent: Decimal,
    pub rounding_step: Decimal,
    pub lang: Lang,
    pub footer: String,
    pub printer: String,
    pub paper: String,
    /// The serial / CDC-ACM scanner, if one is set up (keyboard-wedge scanners need nothing).
    pub scanner: ScannerSettings,
}

/// How the serial scanner is reached and frames its codes (settings `scanner.*`).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ScannerSettings {
    /// `scanner.port`; none: keyboard wedge only.
    pub port: Option<String>,
    /// `scanner.baud` (default 9600).
    pub baud: u32,
    /// `scanner.suffix`: cr, lf, crlf (default), tab or none.
    pub suffix: String,
    /// `scanner.idle_ms`: with no suffix, the pause that ends a code (default 50).
    pub idle_ms: u64,
    /// `scanner.strip_stx_etx` (default true).
    pub strip_stx_etx: bool,
    /// `scanner.strip_aim` (default true).
    pub strip_aim: bool,
}

impl ScannerSettings {
    /// The reader's configuration for a port (the form's port, or the saved one).
    pub fn config(&self, port: &str) -> kasir_hardware::ScannerConfig {
        let mut cfg = kasir_hardware::ScannerConfig::new(port)
            .with_baud(self.baud)
            .with_suffix(self.suffix.parse().unwrap_or_default());
        cfg.idle_timeout = std::time::Duration::from_millis(self.idle_ms);
        cfg.strip_stx_etx = self.strip_stx_etx;
        cfg.strip_aim = self.strip_aim;
        cfg
    }
}

impl ShopSettings {
    pub fn tax(&self) -> TaxRule {
        TaxRule {
            pkp: self.pkp,
            effective_percent: self.ppn_percent,
        }
    }
}

impl Shop {
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Shop { store, clock }
    }

    /// The shop in the file at `path`, which must exist and be a kasir shop.
    pub fn open(path: &std::path::Path, clock: Arc<dyn Clock>) -> Result<Self> {
        Ok(Shop::new(
            Store::open(path, crate::store::OpenMode::Existing)?,
            clock,
        ))
    }

    /// A new, empty shop in the file at `path` (refused if the file exists).
    pub fn create(path: &std::path::Path, clock: Arc<dyn Clock>) -> Result<Self> {
        Ok(Shop::new(
            Store::open(path, crate::store::OpenMode::CreateNew)?,
            clock,
        ))
    }

    /// The shop's file.
    pub fn path(&self) -> &std::path::Path {
        self.store.path()
    }

    pub fn now(&self) -> NaiveDateTime {
        self.clock.now()
    }

    /// Settings with defaults for anything unset.
    pub fn settings(&self) -> Result<ShopSettings> {
        let mut set: std::collections::HashMap<String, String> =
            crate::store::settings::all(self.store.conn())?
                .into_iter()
                .collect();
        // The stored value, else the registry's default.
        let mut get = |k: &str| -> String {
            set.remove(k)
                .unwrap_or_else(|| settings::default_of(k).to_string())
        };
        let parsed = |v: String, k: &str| -> Decimal {
            v.parse()
                .or_else(|_| settings::default_of(k).parse())
                .unwrap_or_default()
        };
        Ok(ShopSettings {
            name: get(Key::ShopName.name()),
            address: get(Key::ShopAddress.name()),
            npwp: Some(get(Key::ShopNpwp.name())).filter(|s| !s.is_empty()),
            pkp: get(Key::TaxPkp.name()) == "true",
            ppn_percent: parsed(get(Key::TaxPpnPercent.name()), Key::TaxPpnPercent.name()),
            rounding_step: parsed(
                get(Key::CashRoundingStep.name()),
                Key::CashRoundingStep.name(),
            ),
            lang: Lang::parse(&get(Key::UiLang.name())).unwrap_or_default(),
            footer: get(Key::ReceiptFooter.name()),
            printer: get(Key::PrinterUri.name()),
            paper: get(Key::PrinterPaper.name()),
            scanner: ScannerSettings {
                port: Some(get(Key::ScannerPort.name())).filter(|s| !s.trim().is_empty()),
                baud: get(Key::ScannerBaud.name())
                    .parse()
                    .unwrap_or(kasir_hardware::DEFAULT_BAUD),
                suffix: Some(get(Key::ScannerSuffix.name()))
                    .filter(|v| v.parse::<kasir_hardware::Suffix>().is_ok())
                    .unwrap_or_else(|| kasir_hardware::Suffix::default().as_str().into()),
                idle_ms: get(Key::ScannerIdleMs.name()).parse().unwrap_or(50),
                strip_stx_etx: get(Key::ScannerStripStxEtx.name()) != "false",
                strip_aim: get(Key::ScannerStripAim.name()) != "false",
            },
        })
    }

    /// The business unit a till sells for, if the till is registered.
    pub fn till_unit(&self, till: &str) -> Result<Option<BusinessUnit>> {
        Ok(self
            .till_setting(TillKey::Unit, till)?
            .and_then(|v| BusinessUnit::parse(&v)))
    }
}

/// Append what `actor` did to the hash-chained audit log, in the use case's own
/// transaction; `approver` is the supervisor who allowed it.
pub(crate) fn audit(
    tx: &rusqlite::Connection,
    actor: &crate::domain::user::Actor,
    at: &str,
    action: &str,
    detail: &str,
    approver: Option<&str>,
) -> Result<()> {
    crate::store::audit::append(
        tx,
        &crate::store::audit::AuditEntry {
            at,
            user_id: actor.user_id,
            actor: &actor.username,
            action,
            detail,
            approver,
        },
    )
}

/// A new UUIDv7 for records that may leave this machine.
pub fn new_uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A CSV cell that a spreadsheet will not run as a formula (`=`, `+`, `-`, `@`, tab or CR
/// first): such a cell gets a leading `'`.
fn safe_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// [`safe_cell`] for a cell that may hold a number: numbers (also negative ones, `-5000`)
/// stay as they are and readable as numbers; any other text that could start a formula is
/// neutralised. A number cannot run as a formula, so this is safe for every cell.
pub fn safe_field(s: &str) -> String {
    if s.parse::<Decimal>().is_ok() {
        s.to_string()
    } else {
        safe_cell(s)
    }
}

/// The one CSV writer of the program: every file kasir writes as CSV (catalog, members,
/// reports, SIPNAP, SHU, ledger, accounts) goes through it, and every cell, header or data,
/// through [`safe_field`] — so no text from the shop (a name, a NIE, a phone number, a
/// memo) can reach a spreadsheet as a formula, while numbers stay numbers.
pub struct CsvOut<W: std::io::Write>(csv::Writer<W>);

impl<W: std::io::Write> CsvOut<W> {
    pub fn new(out: W) -> Self {
        CsvOut(csv::Writer::from_writer(out))
    }

    /// A writer whose rows may differ in length (a file of several tables, one after the
    /// other).
    pub fn flexible(out: W) -> Self {
        CsvOut(csv::WriterBuilder::new().flexible(true).from_writer(out))
    }

    /// One row, each cell neutralised.
    pub fn write_record<I, T>(&mut self, cells: I) -> Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<str>,
    {
        self.0
            .write_record(cells.into_iter().map(|c| safe_field(c.as_ref())))?;
        Ok(())
    }

    /// Serialize a row (a struct of named fields, headers first when it is the first
    /// row), then neutralise its cells like [`CsvOut::write_record`].
    pub fn serialize_rows<S: serde::Serialize>(&mut self, rows: &[S]) -> Result<()> {
        let mut raw = csv::Writer::from_writer(Vec::new());
        for r in rows {
            raw.serialize(r)?;
        }
        let raw = raw.into_inner().map_err(|e| e.into_error())?;
        for rec in csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(raw.as_slice())
            .records()
        {
            self.write_record(rec?.iter())?;
        }
        Ok(())
    }

    pub fn flush(&mut self) -> Result<()> {
        self.0.flush()?;
        Ok(())
    }
}
