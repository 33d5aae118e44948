//! Use cases shared by the till and the CLI. Each takes the shop (store + clock) and the
//! acting user, checks the role, and runs in one transaction.

pub mod admin;
pub mod auth;
pub mod autobackup;
pub mod catalog;
pub mod checkout;
pub mod dashboard;
pub mod demo;
pub mod generate;
pub mod ledger;
pub mod member_books;
pub mod members;
pub mod opening;
pub mod opname;
pub mod oversell;
pub mod pharmacy;
pub mod print;
pub mod receipt;
pub mod returns;
pub mod screen;
pub mod settings;
pub mod shift;
pub mod shift_close;
pub mod stock;
pub mod stock_reports;
pub mod stock_screen;
pub mod till;
pub mod weighing;

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
pub const STOCK_ALLOW_NEGATIVE: &str = "stock.allow_negative";

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
            name: get("shop.name"),
            address: get("shop.address"),
            npwp: Some(get("shop.npwp")).filter(|s| !s.is_empty()),
            pkp: get("tax.pkp") == "true",
            ppn_percent: parsed(get("tax.ppn_percent"), "tax.ppn_percent"),
            rounding_step: parsed(get("cash.rounding_step"), "cash.rounding_step"),
            lang: Lang::parse(&get("ui.lang")).unwrap_or_default(),
            footer: get("receipt.footer"),
            printer: get("printer.uri"),
            paper: get("printer.paper"),
            scanner: ScannerSettings {
                port: Some(get("scanner.port")).filter(|s| !s.trim().is_empty()),
                baud: get("scanner.baud")
                    .parse()
                    .unwrap_or(kasir_hardware::DEFAULT_BAUD),
                suffix: Some(get("scanner.suffix"))
                    .filter(|v| v.parse::<kasir_hardware::Suffix>().is_ok())
                    .unwrap_or_else(|| kasir_hardware::Suffix::default().as_str().into()),
                idle_ms: get("scanner.idle_ms").parse().unwrap_or(50),
                strip_stx_etx: get("scanner.strip_stx_etx") != "false",
                strip_aim: get("scanner.strip_aim") != "false",
            },
        })
    }

    /// The business unit a till sells for, if the till is registered.
    pub fn till_unit(&self, till: &str) -> Result<Option<BusinessUnit>> {
        Ok(
            crate::store::settings::get(self.store.conn(), &format!("till.{till}.unit"))?
                .and_then(|v| BusinessUnit::parse(&v)),
        )
    }
}

/// A new UUIDv7 for records that may leave this machine.
pub fn new_uuid() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// A CSV cell that a spreadsheet will not run as a formula (`=`, `+`, `-`, `@` first).
pub fn safe_cell(s: &str) -> String {
    match s.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{s}"),
        _ => s.to_string(),
    }
}

/// [`safe_cell`] for a cell that may hold a number: numbers (also negative ones) stay as
/// they are, any other text is neutralised.
pub fn safe_field(s: &str) -> String {
    if s.parse::<Decimal>().is_ok() {
        s.to_string()
    } else {
        safe_cell(s)
    }
}
