//! The shop's settings: ONE typed registry of every key kasir reads, used by the settings
//! screen, `kasir settings list|get|set` and `kasir check` alike.
//!
//! Each [`Setting`] names its key, the values it takes ([`Kind`], which is also the one
//! validator: the screen and the command line both call [`validate`]), its default, what it
//! means in Bahasa Indonesia and English, and who may change it ([`Who`]). A change goes
//! through [`Shop::set_setting`]: checked against the registry, written with an audit row
//! `KEY: "old" → "new"` naming who, in one transaction.
//!
//! **Adding a setting** (e.g. `scanner.*`, `scale.*`, `stock.allow_negative`, prescription
//! age limits): add one entry to [`REGISTRY`] (`settings/registry.rs`) — the key (a per-till
//! key uses `*` for the till, `till.*.printer`), its [`Kind`] (add a variant if none fits,
//! with its check in [`Kind::check`]), the default as stored text, a description in both
//! languages and [`Who`] may set it — then a variant of [`Key`] (or [`TillKey`] for a
//! per-till key; a unit test holds the two lists equal), and read it with [`Shop::setting`]
//! (the stored value, else the registry's default) or [`Shop::till_setting`]. No key is
//! written as a string outside this file and the registry (`tests/cli/layers.rs`). Nothing
//! else: the command, the screen's validation and `kasir check` pick it up. A key that is
//! not in the registry cannot be set.
//!
//! **Changes behind kasir's back.** Every write through `store::settings::set` also records
//! the value in `settings_seal`; `kasir check` compares the two tables and names a key whose
//! value was changed, added or removed by hand (`sqlite3 … UPDATE settings …`), and a stored
//! value the registry no longer accepts.

use rust_decimal::Decimal;

use super::{stamp, Shop};
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::i18n::{Bilingual, Lang};
use crate::store::settings as q;

mod registry;
pub use registry::REGISTRY;

/// What values a setting takes. [`Kind::check`] turns a typed value into the stored one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One line of text up to `max` characters; `required`: not empty.
    Text { max: usize, required: bool },
    /// Several lines (receipt footer) up to `max` characters.
    Lines { max: usize },
    /// `true` or `false`.
    Bool,
    /// A percentage from 0 to `max` (decimals allowed).
    Percent { max: i64 },
    /// Whole rupiah between `min` and `max`.
    Rupiah { min: i64, max: i64 },
    /// A whole number between `min` and `max`.
    Number { min: i64, max: i64 },
    /// One of the listed words.
    Choice(&'static [&'static str]),
    /// A printer address (`sim`, `file:…`, `serial:…`, `usb:…`, `tcp:…`); `optional`: may be
    /// empty (a till without its own printer uses the shop's).
    Printer { optional: bool },
    /// The coop's NPWP: 15 or 16 digits, typed with or without dots and dashes; stored as
    /// digits only; empty clears it.
    Npwp,
    /// A serial line speed kasir can set (`kasir_hardware::SUPPORTED_BAUDS`).
    Baud,
    /// Serial framing such as `8N1` or `7E1`; empty: the device's default.
    Framing,
    /// Label-scale barcode patterns (`domain::label::LabelLayout`); empty: none.
    LabelLayout,
}

/// Who may change a setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    /// The admin only (devices, counters, backups, stock and pharmacy limits).
    Admin,
    /// The admin or the bendahara (tax, money, the shop's name on receipts).
    Treasurer,
    /// Only through its own command, which does more than store the value.
    Command(&'static str),
    /// Kept by kasir itself; never set by hand.
    Internal,
}

impl Who {
    fn permission(self) -> Permission {
        match self {
            Who::Treasurer => Permission::ManageShopSettings,
            _ => Permission::ManageUsers,
        }
    }

    /// The roles, as `kasir settings list` shows them.
    pub fn label(self) -> &'static str {
        match self {
            Who::Admin => "admin",
            Who::Treasurer => "admin, bendahara",
            Who::Command(c) => c,
            Who::Internal => "kasir",
        }
    }
}

/// One setting of the registry.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// The key; `*` stands for a till's name in per-till keys.
    pub key: &'static str,
    pub kind: Kind,
    /// The value in force when the key is not stored, as stored text.
    pub default: &'static str,
    pub id: &'static str,
    pub en: &'static str,
    pub who: Who,
}

/// Whether `key` is `pattern`, where a `*` in the pattern stands for a till's name
/// (letters, digits, `-` and `_`).
fn matches(pattern: &str, key: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == key,
        Some((pre, post)) => {
            key.len() > pre.len() + post.len()
                && key.starts_with(pre)
                && key.ends_with(post)
                && key[pre.len()..key.len() - post.len()]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        }
    }
}

/// A setting key kasir reads or writes, typed: the one place (with [`REGISTRY`]) where a
/// key is spelled. Code names `Key::PrinterUri`, never `"printer.uri"`; a per-till key is a
/// [`TillKey`]. `kasir settings get/set KEY`, which takes the key as the user typed it,
/// goes through [`lookup`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Key {
    ShopName,
    ShopAddress,
    ShopNpwp,
    TaxPkp,
    TaxPpnPercent,
    CashRoundingStep,
    CashOverShortThreshold,
    ReceiptFooter,
    UiLang,
    PrinterUri,
    PrinterPaper,
    ScannerPort,
    ScalePort,
    ScaleProtocol,
    ScaleBaud,
    ScaleFraming,
    ScaleTare,
    BarcodeInstore,
    ScannerBaud,
    ScannerSuffix,
    ScannerIdleMs,
    ScannerStripStxEtx,
    ScannerStripAim,
    ReceiptQr,
    TillDefault,
    CoopId,
    BackupDir,
    BackupKeep,
    StockExpiryWarnDays,
    StockReorderDays,
    StockReorderCoverDays,
    StockSlowDays,
    StockAllowNegative,
    PharmacyOotMaxPerSale,
    RxMaxAgeDaysKeras,
    RxMaxAgeDaysOot,
    RxMaxAgeDaysPsikotropika,
    RxMaxAgeDaysNarkotika,
    ShuTotal,
    ShuJasaUsahaPercent,
    ShuJasaModalPercent,
    KasbonLimitRule,
    KasbonLimitPercent,
    SyncIntervalSecs,
    SyncKasbonFreshAbove,
    SyncKasbonFreshMinutes,
}

impl Key {
    /// Every key, in the registry's order.
    pub const ALL: &[Key] = &[
        Key::ShopName,
        Key::ShopAddress,
        Key::ShopNpwp,
        Key::TaxPkp,
        Key::TaxPpnPercent,
        Key::CashRoundingStep,
        Key::CashOverShortThreshold,
        Key::ReceiptFooter,
        Key::UiLang,
        Key::PrinterUri,
        Key::PrinterPaper,
        Key::ScannerPort,
        Key::ScalePort,
        Key::ScaleProtocol,
        Key::ScaleBaud,
        Key::ScaleFraming,
        Key::ScaleTare,
        Key::BarcodeInstore,
        Key::ScannerBaud,
        Key::ScannerSuffix,
        Key::ScannerIdleMs,
        Key::ScannerStripStxEtx,
        Key::ScannerStripAim,
        Key::ReceiptQr,
        Key::TillDefault,
        Key::CoopId,
        Key::BackupDir,
        Key::BackupKeep,
        Key::StockExpiryWarnDays,
        Key::StockReorderDays,
        Key::StockReorderCoverDays,
        Key::StockSlowDays,
        Key::StockAllowNegative,
        Key::PharmacyOotMaxPerSale,
        Key::RxMaxAgeDaysKeras,
        Key::RxMaxAgeDaysOot,
        Key::RxMaxAgeDaysPsikotropika,
        Key::RxMaxAgeDaysNarkotika,
        Key::ShuTotal,
        Key::ShuJasaUsahaPercent,
        Key::ShuJasaModalPercent,
        Key::KasbonLimitRule,
        Key::KasbonLimitPercent,
        Key::SyncIntervalSecs,
        Key::SyncKasbonFreshAbove,
        Key::SyncKasbonFreshMinutes,
    ];

    /// The key as stored.
    pub const fn name(self) -> &'static str {
        match self {
            Key::ShopName => "shop.name",
            Key::ShopAddress => "shop.address",
            Key::ShopNpwp => "shop.npwp",
            Key::TaxPkp => "tax.pkp",
            Key::TaxPpnPercent => "tax.ppn_percent",
            Key::CashRoundingStep => "cash.rounding_step",
            Key::CashOverShortThreshold => "cash.over_short_threshold",
            Key::ReceiptFooter => "receipt.footer",
            Key::UiLang => "ui.lang",
            Key::PrinterUri => "printer.uri",
            Key::PrinterPaper => "printer.paper",
            Key::ScannerPort => "scanner.port",
            Key::ScalePort => "scale.port",
            Key::ScaleProtocol => "scale.protocol",
            Key::ScaleBaud => "scale.baud",
            Key::ScaleFraming => "scale.framing",
            Key::ScaleTare => "scale.tare",
            Key::BarcodeInstore => "barcode.instore",
            Key::ScannerBaud => "scanner.baud",
            Key::ScannerSuffix => "scanner.suffix",
            Key::ScannerIdleMs => "scanner.idle_ms",
            Key::ScannerStripStxEtx => "scanner.strip_stx_etx",
            Key::ScannerStripAim => "scanner.strip_aim",
            Key::ReceiptQr => "receipt.qr",
            Key::TillDefault => "till.default",
            Key::CoopId => "coop.id",
            Key::BackupDir => "backup.dir",
            Key::BackupKeep => "backup.keep",
            Key::StockExpiryWarnDays => "stock.expiry_warn_days",
            Key::StockReorderDays => "stock.reorder_days",
            Key::StockReorderCoverDays => "stock.reorder_cover_days",
            Key::StockSlowDays => "stock.slow_days",
            Key::StockAllowNegative => "stock.allow_negative",
            Key::PharmacyOotMaxPerSale => "pharmacy.oot_max_per_sale",
            Key::RxMaxAgeDaysKeras => "rx.max_age_days.keras",
            Key::RxMaxAgeDaysOot => "rx.max_age_days.oot",
            Key::RxMaxAgeDaysPsikotropika => "rx.max_age_days.psikotropika",
            Key::RxMaxAgeDaysNarkotika => "rx.max_age_days.narkotika",
            Key::ShuTotal => "shu.total",
            Key::ShuJasaUsahaPercent => "shu.jasa_usaha_percent",
            Key::ShuJasaModalPercent => "shu.jasa_modal_percent",
            Key::KasbonLimitRule => "kasbon.limit_rule",
            Key::KasbonLimitPercent => "kasbon.limit_percent",
            Key::SyncIntervalSecs => "sync.interval_secs",
            Key::SyncKasbonFreshAbove => "sync.kasbon_fresh_above",
            Key::SyncKasbonFreshMinutes => "sync.kasbon_fresh_minutes",
        }
    }

    /// The registry's default (as stored text).
    pub fn default(self) -> &'static str {
        default_of(self.name())
    }
}

/// A per-till setting: `till.<TILL>.unit`, `.printer`, `.pharmacy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TillKey {
    /// The business unit the till sells for (`sembako`, `apotek`).
    Unit,
    /// The till's own receipt printer (else `printer.uri`).
    Printer,
    /// `apotek` or `gerai`: whether the till has a pharmacist.
    Pharmacy,
}

impl TillKey {
    pub const ALL: &[TillKey] = &[TillKey::Unit, TillKey::Printer, TillKey::Pharmacy];

    /// The key of this setting for `till`, e.g. `till.apotek-1.printer`.
    pub fn of(self, till: &str) -> String {
        let what = match self {
            TillKey::Unit => "unit",
            TillKey::Printer => "printer",
            TillKey::Pharmacy => "pharmacy",
        };
        format!("till.{till}.{what}")
    }
}

/// A user's own setting (`user.<USERNAME>.…`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserKey {
    /// The screen language the user chose (`id` or `en`).
    Lang,
}

impl UserKey {
    pub const ALL: &[UserKey] = &[UserKey::Lang];

    /// The key of this setting for `username`, e.g. `user.rina.lang`.
    pub fn of(self, username: &str) -> String {
        match self {
            UserKey::Lang => format!("user.{username}.lang"),
        }
    }
}

/// The registry entry of a key.
pub fn lookup(key: &str) -> Option<&'static Setting> {
    REGISTRY.iter().find(|s| matches(s.key, key))
}

/// Whether a setting holds for the whole coop and travels to every node (`settings.v1`),
/// rather than for this machine only. This machine's devices and files stay here: the
/// printer and its paper, the scanner, the scale, the backup folder, the window's default
/// till, the coop id its bundles carry, how often the window syncs and each till's own printer address. Every other
/// setting travels, each till's unit and medicine counter (`till.<TILL>.unit`,
/// `till.<TILL>.pharmacy`) and each user's screen language included; the audit head, kept
/// by kasir itself, never does.
pub fn travels(key: &str) -> bool {
    if let Some(k) = Key::ALL.iter().find(|k| k.name() == key) {
        return !matches!(
            k,
            Key::PrinterUri
                | Key::PrinterPaper
                | Key::ScannerPort
                | Key::ScannerBaud
                | Key::ScannerSuffix
                | Key::ScannerIdleMs
                | Key::ScannerStripStxEtx
                | Key::ScannerStripAim
                | Key::ScalePort
                | Key::ScaleProtocol
                | Key::ScaleBaud
                | Key::ScaleFraming
                | Key::ScaleTare
                | Key::BackupDir
                | Key::BackupKeep
                | Key::TillDefault
                | Key::CoopId
                | Key::SyncIntervalSecs
        );
    }
    match lookup(key) {
        Some(s) => s.who != Who::Internal && s.key != TillKey::Printer.of("*"),
        None => false,
    }
}

/// The default of a key ("" for a key the registry does not know).
pub fn default_of(key: &str) -> &'static str {
    lookup(key).map(|s| s.default).unwrap_or("")
}

fn refuse(key: &str, v: &str, why_id: &str, why_en: &str) -> KasirError {
    KasirError::invalid(
        format!("Nilai \"{v}\" tidak berlaku untuk pengaturan {key}: {why_id}"),
        format!("\"{v}\" is not a valid value for setting {key}: {why_en}"),
    )
}

impl Kind {
    /// The stored form of `value`, or why it is refused.
    pub fn check(self, key: &str, value: &str) -> Result<String> {
        let v = value.trim();
        let one_line = !v.chars().any(char::is_control);
        let bad = |id: &str, en: &str| refuse(key, v, id, en);
        let whole = |min: i64, max: i64, id: &str, en: &str| -> Result<String> {
            let n = crate::domain::money::Quantity::parse(v, 0)
                .ok()
                .filter(|d| d.fract().is_zero())
                .and_then(|d| i64::try_from(d).ok())
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| {
                    bad(
                        &format!("{id} bulat {min}–{max}"),
                        &format!("a whole {en} {min}–{max}"),
                    )
                })?;
            Ok(n.to_string())
        };
        match self {
            Kind::Text { max, required } => {
                if !one_line {
                    Err(bad("satu baris saja", "one line only"))
                } else if required && v.is_empty() {
                    Err(bad("tidak boleh kosong", "must not be empty"))
                } else if v.chars().count() > max {
                    Err(bad(
                        &format!("paling panjang {max} huruf"),
                        &format!("at most {max} characters"),
                    ))
                } else {
                    Ok(v.to_string())
                }
            }
            Kind::Lines { max } => {
                let text = value.trim_matches(|c: char| c.is_whitespace());
                if text.chars().any(|c| c.is_control() && c != '\n') {
                    Err(bad("teks biasa saja", "plain text only"))
                } else if text.chars().count() > max {
                    Err(bad(
                        &format!("paling panjang {max} huruf"),
                        &format!("at most {max} characters"),
                    ))
                } else {
                    Ok(text.to_string())
                }
            }
            Kind::Bool => match v {
                "true" | "false" => Ok(v.to_string()),
                _ => Err(bad("true atau false", "true or false")),
            },
            Kind::Percent { max } => crate::domain::money::Quantity::parse(v, 2)
                .ok()
                .filter(|d| *d >= Decimal::ZERO && *d <= Decimal::from(max))
                .map(|d| d.normalize().to_string())
                .ok_or_else(|| bad(&format!("persen 0–{max}"), &format!("a percentage 0–{max}"))),
            Kind::Rupiah { min, max } => whole(min, max, "rupiah", "rupiah amount"),
            Kind::Number { min, max } => whole(min, max, "angka", "number"),
            Kind::Choice(words) => {
                if words.contains(&v) {
                    Ok(v.to_string())
                } else {
                    Err(bad(
                        &format!("salah satu dari {}", words.join(", ")),
                        &format!("one of {}", words.join(", ")),
                    ))
                }
            }
            Kind::Printer { optional } => {
                if v.is_empty() && optional {
                    Ok(String::new())
                } else {
                    super::print::parse_printer(v).map_err(|_| {
                        bad(
                            "alamat printer seperti sim, file:struk.bin, serial:/dev/ttyUSB0?baud=9600, usb:/dev/usb/lp0, tcp:192.168.1.50:9100",
                            "a printer address such as sim, file:receipt.bin, serial:/dev/ttyUSB0?baud=9600, usb:/dev/usb/lp0, tcp:192.168.1.50:9100",
                        )
                    })
                }
            }
            Kind::Npwp => normalise_npwp(v).ok_or_else(|| {
                bad(
                    "NPWP berisi 15 angka (01.234.567.8-901.000) atau 16 angka",
                    "an NPWP has 15 digits (01.234.567.8-901.000) or 16 digits",
                )
            }),
            Kind::Baud => v
                .parse::<u32>()
                .ok()
                .filter(|b| kasir_hardware::SUPPORTED_BAUDS.contains(b))
                .map(|b| b.to_string())
                .ok_or_else(|| {
                    let rates = kasir_hardware::SUPPORTED_BAUDS
                        .iter()
                        .map(u32::to_string)
                        .collect::<Vec<_>>()
                        .join(", ");
                    bad(
                        &format!("salah satu dari {rates}"),
                        &format!("one of {rates}"),
                    )
                }),
            Kind::Framing => {
                if v.is_empty() || kasir_hardware::Framing::parse(v).is_some() {
                    Ok(v.to_string())
                } else {
                    Err(bad("seperti 8N1 atau 7E1", "such as 8N1 or 7E1"))
                }
            }
            Kind::LabelLayout => crate::domain::label::LabelLayout::parse(v)
                .map(|_| v.to_string())
                .map_err(|e| {
                    let (id, en) = super::weighing::layout_reason(&e);
                    bad(&id, &en)
                }),
        }
    }

    /// The values, in words, for `kasir settings list`.
    pub fn describe(self, lang: Lang) -> String {
        match self {
            Kind::Text { .. } | Kind::Lines { .. } => lang.pick("teks", "text").into(),
            Kind::Bool => "true|false".into(),
            Kind::Percent { max } => format!("0–{max} %"),
            Kind::Rupiah { min, max } => format!("Rp {min}–{max}"),
            Kind::Number { min, max } => format!("{min}–{max}"),
            Kind::Choice(w) => w.join("|"),
            Kind::Printer { .. } => "sim|file:|serial:|usb:|tcp:".into(),
            Kind::Npwp => "NPWP".into(),
            Kind::Baud => "9600|19200|…".into(),
            Kind::Framing => "8N1|7E1|…".into(),
            Kind::LabelLayout => "20IIIIIWWWWW,21IIIIIPPPPP".into(),
        }
    }
}

/// An NPWP as typed (`01.234.567.8-901.000`, `0123456789010000`) → its digits, when it has
/// 15 or 16 of them and nothing but dots, dashes and spaces between; `Some("")` for empty.
pub fn normalise_npwp(typed: &str) -> Option<String> {
    let typed = typed.trim();
    if !typed
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | ' '))
    {
        return None;
    }
    let digits: String = typed.chars().filter(char::is_ascii_digit).collect();
    matches!(digits.len(), 0 | 15 | 16).then_some(digits)
}

/// An NPWP as printed: 15 digits as `01.234.567.8-901.000`, 16 digits as they are.
pub fn format_npwp(digits: &str) -> String {
    if digits.len() == 15 && digits.bytes().all(|b| b.is_ascii_digit()) {
        format!(
            "{}.{}.{}.{}-{}.{}",
            &digits[0..2],
            &digits[2..5],
            &digits[5..8],
            &digits[8..9],
            &digits[9..12],
            &digits[12..15]
        )
    } else {
        digits.to_string()
    }
}

/// The one validator: the stored form of `value` for `key`, or a refusal naming the key and
/// what it takes. Unknown keys are refused with the closest known one.
pub fn validate(key: &str, value: &str) -> Result<String> {
    let Some(s) = lookup(key) else {
        return Err(unknown(key));
    };
    match s.who {
        Who::Command(cmd) => Err(KasirError::invalid(
            format!("{key} diatur dengan: {cmd} (limit anggota dihitung ulang)"),
            format!("{key} is set with: {cmd} (members' limits are recomputed)"),
        )),
        Who::Internal => Err(KasirError::invalid(
            format!("{key} dijaga oleh kasir sendiri dan tidak bisa diubah"),
            format!("{key} is kept by kasir itself and cannot be changed"),
        )),
        Who::Admin | Who::Treasurer => s.kind.check(key, value),
    }
}

fn unknown(key: &str) -> KasirError {
    let closest = REGISTRY
        .iter()
        .filter(|s| s.who != Who::Internal)
        .map(|s| (edit_distance(s.key, key), s.key))
        .min()
        .map(|(_, k)| k)
        .unwrap_or("shop.name");
    KasirError::invalid(
        format!("Pengaturan \"{key}\" tidak dikenal (maksudnya {closest}?); daftar: kasir settings list"),
        format!("Unknown setting \"{key}\" (did you mean {closest}?); see: kasir settings list"),
    )
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}

/// One setting as `kasir settings list|get` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingView {
    pub key: String,
    /// The value in force: the stored one, else the default.
    pub value: String,
    /// Whether the value is the default (nothing stored).
    pub default: bool,
    pub values: String,
    pub who: &'static str,
    pub description: String,
}

/// A change as made: who, key, old → new.
#[derive(Debug, Clone, PartialEq)]
pub struct SettingChange {
    pub key: String,
    pub old: Option<String>,
    pub new: String,
    pub changed: bool,
}

/// The audit detail of a change: `KEY: "old" → "new"` (`null` when nothing was stored).
pub fn audit_detail(key: &str, old: Option<&str>, new: &str) -> String {
    let quote = |s: Option<&str>| serde_json::to_string(&s).unwrap_or_default();
    format!("{key}: {} → {}", quote(old), quote(Some(new)))
}

impl Shop {
    /// One setting with its value in force; unknown keys are refused.
    pub fn setting_view(&self, key: &str, lang: Lang) -> Result<SettingView> {
        let s = lookup(key).ok_or_else(|| unknown(key))?;
        let stored = q::get(self.store.conn(), key)?;
        Ok(view(s, key, stored, lang))
    }

    /// The value in force of a setting: as stored, else the registry's default.
    pub fn setting(&self, key: Key) -> Result<String> {
        Ok(q::get(self.store.conn(), key.name())?.unwrap_or_else(|| key.default().to_string()))
    }

    /// A till's own setting (`till.<TILL>.…`), if one is stored.
    pub fn till_setting(&self, key: TillKey, till: &str) -> Result<Option<String>> {
        Ok(q::get(self.store.conn(), &key.of(till))?.filter(|v| !v.trim().is_empty()))
    }

    /// Every setting: the registry's keys with their values in force, and the per-till
    /// keys that are stored. The audit head, kept by kasir itself, is left out.
    pub fn setting_list(&self, lang: Lang) -> Result<Vec<SettingView>> {
        let stored: std::collections::BTreeMap<String, String> =
            q::all(self.store.conn())?.into_iter().collect();
        let mut out = Vec::new();
        for s in REGISTRY.iter().filter(|s| s.who != Who::Internal) {
            if s.key.contains('*') {
                for (k, v) in stored.iter().filter(|(k, _)| matches(s.key, k)) {
                    out.push(view(s, k, Some(v.clone()), lang));
                }
            } else {
                out.push(view(s, s.key, stored.get(s.key).cloned(), lang));
            }
        }
        Ok(out)
    }

    /// The screen language `username` chose with the language button (`user.<name>.lang`),
    /// if they ever did.
    pub fn user_lang(&self, username: &str) -> Result<Option<Lang>> {
        Ok(q::get(self.store.conn(), &UserKey::Lang.of(username))?.and_then(|v| Lang::parse(&v)))
    }

    /// Keep `lang` as the actor's own screen language, for their next login. Anyone may
    /// choose their own (the key of another user is the admin's, through
    /// [`Shop::set_setting`]); audited like any setting.
    pub fn set_user_lang(&mut self, actor: &Actor, lang: Lang) -> Result<()> {
        let key = UserKey::Lang.of(&actor.username);
        let new = validate(&key, lang.code())?;
        let at = stamp(self.now());
        let till = self.event_till()?;
        self.store.write(|tx| {
            let old = q::get(tx, &key)?;
            if old.as_deref() == Some(new.as_str()) {
                return Ok(());
            }
            q::set(tx, &key, &new)?;
            super::travel::setting_events(tx, &till, &at, std::slice::from_ref(&key))?;
            super::audit(
                tx,
                actor,
                &at,
                "setting",
                &audit_detail(&key, old.as_deref(), &new),
                None,
            )?;
            Ok(())
        })
    }

    /// Change one setting: the registry says what it takes and who may; the change is
    /// audited with its old and new value. Setting a value it already has changes nothing.
    pub fn set_setting(&mut self, actor: &Actor, key: &str, value: &str) -> Result<()> {
        self.change_setting(actor, key, value).map(drop)
    }

    /// [`Shop::set_setting`], saying what changed.
    pub fn change_setting(
        &mut self,
        actor: &Actor,
        key: &str,
        value: &str,
    ) -> Result<SettingChange> {
        let who = lookup(key).map(|s| s.who).unwrap_or(Who::Admin);
        super::auth::require(
            actor,
            who.permission(),
            crate::domain::user::Act::ChangeSettings,
        )?;
        let new = validate(key, value)?;
        let at = stamp(self.now());
        let till = self.event_till()?;
        self.store.write(|tx| {
            let old = q::get(tx, key)?;
            if old.as_deref() == Some(new.as_str()) {
                return Ok(SettingChange {
                    key: key.into(),
                    old,
                    new: new.clone(),
                    changed: false,
                });
            }
            q::set(tx, key, &new)?;
            super::travel::setting_events(tx, &till, &at, &[key.to_string()])?;
            // A printer changed: the tills' waiting jobs go to their printers as they are now.
            if key == "printer.uri" || (key.starts_with("till.") && key.ends_with(".printer")) {
                super::print::follow_printer_change(tx)?;
            }
            super::audit(
                tx,
                actor,
                &at,
                "setting",
                &audit_detail(key, old.as_deref(), &new),
                None,
            )?;
            Ok(SettingChange {
                key: key.into(),
                old,
                new: new.clone(),
                changed: true,
            })
        })
    }

    /// Settings changed behind kasir's back (their value differs from the one kasir last
    /// wrote, or kasir never wrote them, or they were removed), and stored values the
    /// registry refuses, for `kasir check`.
    pub fn settings_problems(&self) -> Result<Vec<Bilingual>> {
        let c = self.store.conn();
        let mut problems = Vec::new();
        let show = |v: &Option<String>| serde_json::to_string(v).unwrap_or_default();
        for (key, sealed, now) in q::unsealed(c)? {
            problems.push(Bilingual::new(
                format!(
                    "Pengaturan {key} diubah di luar kasir: terakhir disimpan kasir {}, sekarang {}",
                    show(&sealed),
                    show(&now)
                ),
                format!(
                    "Setting {key} was changed outside kasir: kasir last stored {}, now {}",
                    show(&sealed),
                    show(&now)
                ),
            ));
        }
        for (key, value) in q::all(c)? {
            if let Some(s) = lookup(&key).filter(|s| s.who != Who::Internal) {
                if let Err(e) = s.kind.check(&key, &value) {
                    problems.push(Bilingual::new(e.message(Lang::Id), e.message(Lang::En)));
                }
            }
        }
        Ok(problems)
    }
}

fn view(s: &Setting, key: &str, stored: Option<String>, lang: Lang) -> SettingView {
    SettingView {
        key: key.to_string(),
        default: stored.is_none(),
        value: stored.unwrap_or_else(|| s.default.to_string()),
        values: s.kind.describe(lang),
        who: s.who.label(),
        description: lang.pick(s.id, s.en).to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::audit;

    #[test]
    fn every_typed_key_is_in_the_registry_and_every_entry_has_a_key() {
        for k in Key::ALL {
            assert!(
                lookup(k.name()).is_some(),
                "{k:?} ({}) not in REGISTRY",
                k.name()
            );
        }
        for k in TillKey::ALL {
            assert!(lookup(&k.of("t1")).is_some(), "{k:?} not in REGISTRY");
        }
        for k in UserKey::ALL {
            assert!(lookup(&k.of("u1")).is_some(), "{k:?} not in REGISTRY");
        }
        // Internal keys (the audit head) are kasir's own bookkeeping, spelled by the store.
        for s in REGISTRY.iter().filter(|s| s.who != Who::Internal) {
            let typed = Key::ALL.iter().any(|k| k.name() == s.key)
                || TillKey::ALL.iter().any(|k| matches(s.key, &k.of("t1")))
                || UserKey::ALL.iter().any(|k| matches(s.key, &k.of("u1")));
            assert!(typed, "{} has no Key", s.key);
        }
    }

    #[test]
    fn npwp_is_15_or_16_digits_typed_with_dots_and_dashes() {
        for (typed, stored) in [
            ("01.234.567.8-901.000", "012345678901000"),
            ("012345678901000", "012345678901000"),
            ("3201 0123 4567 8901", "3201012345678901"),
            ("", ""),
        ] {
            assert_eq!(validate("shop.npwp", typed).unwrap(), stored, "{typed}");
        }
        for bad in [
            "01.234.567.8-901.00",
            "12345678901234567",
            "01.234.567.8/901.000",
            "NPWP",
        ] {
            assert!(validate("shop.npwp", bad).is_err(), "{bad}");
        }
        assert_eq!(format_npwp("012345678901000"), "01.234.567.8-901.000");
        assert_eq!(format_npwp("3201012345678901"), "3201012345678901");
    }

    #[test]
    fn one_rule_per_key_including_the_per_till_ones() {
        assert!(validate("cash.rounding_step", "0").is_err());
        assert_eq!(validate("cash.rounding_step", "1.000").unwrap(), "1000");
        assert!(validate("till.apotek-1.unit", "apotek").is_ok());
        assert!(validate("till.apotek-1.unit", "bengkel").is_err());
        assert_eq!(validate("till.apotek-1.printer", "").unwrap(), "");
        assert!(validate("printer.uri", "").is_err());
        assert!(validate("till..unit", "apotek").is_err());
        let e = validate("shop.nama", "X").unwrap_err();
        assert!(
            e.message(Lang::En).contains("did you mean shop.name"),
            "{e}"
        );
        assert!(validate(audit::HEAD_KEY, "1:00").is_err());
    }

    #[test]
    fn coop_settings_travel_and_this_machines_devices_stay() {
        for key in [
            "shop.name",
            "tax.ppn_percent",
            "till.apotek-1.unit",
            "till.apotek-1.pharmacy",
            "user.rina.lang",
            "sync.kasbon_fresh_above",
        ] {
            assert!(travels(key), "{key}");
        }
        for key in [
            "printer.uri",
            "scale.port",
            "scanner.port",
            "backup.dir",
            "till.default",
            "till.apotek-1.printer",
            "sync.interval_secs",
            audit::HEAD_KEY,
            "nope",
        ] {
            assert!(!travels(key), "{key}");
        }
    }

    #[test]
    fn every_default_passes_its_own_rule() {
        for s in REGISTRY.iter().filter(|s| s.who != Who::Internal) {
            let key = s.key.replace('*', "cli");
            let stored = s.kind.check(&key, s.default);
            // Defaults stand for "nothing stored": an empty default may mean "none".
            assert!(
                stored.is_ok() || s.default.is_empty(),
                "{}: {:?}",
                s.key,
                stored
            );
        }
    }
}
