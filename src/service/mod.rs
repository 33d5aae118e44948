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
pub mod oversell;
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
use crate::domain::money::{AllowSen, Amount, NumberError, Quantity};
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
    /// Serial port of a serial / CDC-ACM scanner; none: keyboard wedge only.
    pub scanner: Option<String>,
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
            scanner: get("scanner.port")?.filter(|s| !s.trim().is_empty()),
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
            "ubah pengaturan",
        )?;
        let value = &setting_value(key, value)?;
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
    setting_value(key, value).map(|_| ())
}

/// How a number setting is read.
type NumberParser = fn(&str) -> std::result::Result<Decimal, NumberError>;

/// Settings holding money, a percentage or a count, and how each is typed and bounded.
/// What a person types (`1.000`, `11,5`) is read by the one parser in `domain::money` and
/// stored as a plain number, so `1.000` is a thousand rupiah and never one.
fn number_setting(key: &str) -> Option<(NumberParser, Decimal)> {
    fn whole_rupiah(s: &str) -> std::result::Result<Decimal, NumberError> {
        Amount::parse(s, AllowSen::No)
    }
    fn rupiah(s: &str) -> std::result::Result<Decimal, NumberError> {
        Amount::parse(s, AllowSen::Yes)
    }
    fn percent(s: &str) -> std::result::Result<Decimal, NumberError> {
        Quantity::parse(s, 2)
    }
    fn count(s: &str) -> std::result::Result<Decimal, NumberError> {
        Quantity::parse(s, 0)
    }
    let hundred = Decimal::ONE_HUNDRED;
    Some(match key {
        "tax.ppn_percent" => (percent, hundred),
        "cash.rounding_step" => (whole_rupiah, Decimal::from(1000)),
        "cash.over_short_threshold" => (whole_rupiah, Decimal::from(100_000_000)),
        "shu.total" => (rupiah, Decimal::from(1_000_000_000_000i64)),
        "shu.jasa_usaha_percent" | "shu.jasa_modal_percent" => (percent, hundred),
        "stock.slow_days" => (count, Decimal::from(3650)),
        _ => return None,
    })
}

/// A setting's value as stored, once it is known to be valid.
pub fn setting_value(key: &str, value: &str) -> Result<String> {
    let v = value.trim();
    if let Some((parse, max)) = number_setting(key) {
        let d = parse(v).map_err(|e| {
            crate::error::KasirError::invalid(
                format!(
                    "Nilai \"{v}\" tidak berlaku untuk pengaturan {key}: {}",
                    crate::error::number_message(&e, Lang::Id)
                ),
                format!(
                    "\"{v}\" is not a valid value for setting {key}: {}",
                    crate::error::number_message(&e, Lang::En)
                ),
            )
        })?;
        if d > max {
            return Err(crate::error::KasirError::invalid(
                format!("Nilai \"{v}\" tidak berlaku untuk pengaturan {key}: paling tinggi {max}"),
                format!("\"{v}\" is not a valid value for setting {key}: at most {max}"),
            ));
        }
        return Ok(d.normalize().to_string());
    }
    let ok = match key {
        "tax.pkp" | STOCK_ALLOW_NEGATIVE => matches!(v, "true" | "false"),
        "ui.lang" => Lang::parse(v).is_some(),
        "printer.paper" => matches!(v, "58" | "80"),
        "printer.uri" => v.is_empty() || print::parse_printer(v).is_ok(),
        autobackup::KEEP_KEY => v.parse::<usize>().is_ok_and(|k| (1..=3650).contains(&k)),
        crate::store::audit::HEAD_KEY => false,
        k if k.starts_with("till.") && k.ends_with(".unit") => BusinessUnit::parse(v).is_some(),
        _ => !value.chars().any(|c| c.is_control() && c != '\n'),
    };
    if ok {
        Ok(value.to_string())
    } else {
        Err(crate::error::KasirError::invalid(
            format!("Nilai \"{v}\" tidak berlaku untuk pengaturan {key}"),
            format!("\"{v}\" is not a valid value for setting {key}"),
        ))
    }
}
