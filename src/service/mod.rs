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
pub mod opname;
pub mod pharmacy;
pub mod print;
pub mod receipt;
pub mod returns;
pub mod shift;
pub mod shift_close;
pub mod stock;
pub mod stock_screen;
pub mod till;

use std::sync::{Arc, Mutex};

use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;

use crate::domain::cart::TaxRule;
use crate::domain::catalog::BusinessUnit;
use crate::error::Result;
use crate::i18n::Lang;
use crate::store::{settings, Store};

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
            settings::all(self.store.conn())?.into_iter().collect();
        let mut get = |k: &str| -> Result<Option<String>> { Ok(set.remove(k)) };
        Ok(ShopSettings {
            name: get("shop.name")?.unwrap_or_else(|| "Koperasi".into()),
            address: get("shop.address")?.unwrap_or_default(),
            npwp: get("shop.npwp")?.filter(|s| !s.is_empty()),
            pkp: get("tax.pkp")?.is_some_and(|v| v == "true"),
            ppn_percent: get("tax.ppn_percent")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(Decimal::from(11)),
            rounding_step: get("cash.rounding_step")?
                .and_then(|v| v.parse().ok())
                .unwrap_or(Decimal::ONE_HUNDRED),
            lang: get("ui.lang")?
                .and_then(|v| Lang::parse(&v))
                .unwrap_or_default(),
            footer: get("receipt.footer")?.unwrap_or_default(),
            printer: get("printer.uri")?.unwrap_or_else(|| "sim".into()),
            paper: get("printer.paper")?.unwrap_or_else(|| "58".into()),
            scanner: ScannerSettings {
                port: get("scanner.port")?.filter(|s| !s.trim().is_empty()),
                baud: get("scanner.baud")?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(kasir_hardware::DEFAULT_BAUD),
                suffix: get("scanner.suffix")?
                    .filter(|v| v.parse::<kasir_hardware::Suffix>().is_ok())
                    .unwrap_or_else(|| kasir_hardware::Suffix::default().as_str().into()),
                idle_ms: get("scanner.idle_ms")?
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(50),
                strip_stx_etx: get("scanner.strip_stx_etx")?.is_none_or(|v| v != "false"),
                strip_aim: get("scanner.strip_aim")?.is_none_or(|v| v != "false"),
            },
        })
    }

    /// Change one setting (admin only).
    pub fn set_setting(
        &mut self,
        actor: &crate::domain::user::Actor,
        key: &str,
        value: &str,
    ) -> Result<()> {
        auth::require(
            actor,
            crate::domain::user::Permission::ManageUsers,
            crate::domain::user::Act::ChangeSettings,
        )?;
        validate_setting(key, value)?;
        // The kasbon rule recomputes every member's limit: only through its own command.
        if matches!(key, "kasbon.limit_rule" | "kasbon.limit_percent") {
            return Err(crate::error::KasirError::invalid(
                format!(
                    "{key} diatur dengan: kasir members kasbon-rule (limit anggota dihitung ulang)"
                ),
                format!(
                    "{key} is set with: kasir members kasbon-rule (members' limits are recomputed)"
                ),
            ));
        }
        let at = stamp(self.now());
        self.store.write(|tx| {
            settings::set(tx, key, value)?;
            crate::store::audit::append(
                tx,
                &crate::store::audit::AuditEntry {
                    at: &at,
                    user_id: actor.user_id,
                    actor: &actor.username,
                    action: "setting",
                    detail: &format!("{key}={value}"),
                    approver: None,
                },
            )
        })
    }

    /// The business unit a till sells for, if the till is registered.
    pub fn till_unit(&self, till: &str) -> Result<Option<BusinessUnit>> {
        Ok(
            settings::get(self.store.conn(), &format!("till.{till}.unit"))?
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

/// The values a setting the shop reads may take; anything else is refused before it is
/// stored (a PPN of -5 % or a paper of 57 mm would otherwise be taken as typed).
pub fn validate_setting(key: &str, value: &str) -> Result<()> {
    let v = value.trim();
    let dec = || v.parse::<Decimal>().ok();
    let ok = match key {
        "tax.pkp" => matches!(v, "true" | "false"),
        "tax.ppn_percent" => dec().is_some_and(|d| d >= Decimal::ZERO && d <= Decimal::ONE_HUNDRED),
        "cash.rounding_step" => dec()
            .is_some_and(|d| d >= Decimal::ZERO && d <= Decimal::from(1000) && d.fract().is_zero()),
        "ui.lang" => Lang::parse(v).is_some(),
        "printer.paper" => matches!(v, "58" | "80"),
        "printer.uri" => v.is_empty() || print::parse_printer(v).is_ok(),
        // The serial scanner (empty port: keyboard wedge only).
        "scanner.baud" => v
            .parse::<u32>()
            .is_ok_and(|b| kasir_hardware::SUPPORTED_BAUDS.contains(&b)),
        "scanner.suffix" => v.parse::<kasir_hardware::Suffix>().is_ok(),
        "scanner.idle_ms" => v.parse::<u64>().is_ok_and(|ms| (10..=2000).contains(&ms)),
        "scanner.strip_stx_etx" | "scanner.strip_aim" => matches!(v, "true" | "false"),
        // A QR code of the receipt number on each receipt (for returns).
        receipt::QR_KEY => matches!(v, "true" | "false"),
        autobackup::KEEP_KEY => v.parse::<usize>().is_ok_and(|k| (1..=3650).contains(&k)),
        crate::store::audit::HEAD_KEY => false,
        k if k.starts_with("till.") && k.ends_with(".unit") => BusinessUnit::parse(v).is_some(),
        _ => !value.chars().any(|c| c.is_control() && c != '\n'),
    };
    if ok {
        Ok(())
    } else {
        Err(crate::error::KasirError::invalid(
            format!("Nilai \"{v}\" tidak berlaku untuk pengaturan {key}"),
            format!("\"{v}\" is not a valid value for setting {key}"),
        ))
    }
}
