//! Weighed goods: label-scale barcodes (weight or price inside an in-store EAN-13) and the
//! counter scale's readings, turned into cart quantities under the shop's rules.

use kasir_hardware::{format_kg, ScaleProtocol, ScaleReading, Unsellable};
use rust_decimal::Decimal;

use super::Shop;
use crate::domain::cart::ItemRef;
use crate::domain::label::{label_qty, LabelError, LabelLayout, LayoutError};
use crate::domain::user::Actor;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::store::settings;

/// Setting: the label layout (comma-separated 12-character patterns).
pub const LAYOUT_KEY: &str = "barcode.instore";
/// Settings of the counter scale.
pub const SCALE_PORT_KEY: &str = "scale.port";
pub const SCALE_PROTOCOL_KEY: &str = "scale.protocol";
pub const SCALE_BAUD_KEY: &str = "scale.baud";
pub const SCALE_FRAMING_KEY: &str = "scale.framing";
pub const SCALE_TARE_KEY: &str = "scale.tare";
/// The largest tare, in grams.
pub const MAX_TARE_G: u32 = 100_000;

/// The `scale.port` value of the demo's simulated scale.
pub const SIM_SCALE: &str = "sim";

/// The message for a layout the setting refuses.
pub fn layout_error(e: &LayoutError) -> KasirError {
    let (id, en) = match e {
        LayoutError::Length(p) => (
            format!("pola {p} harus 12 karakter (angka sebelum digit cek)"),
            format!("pattern {p} must be 12 characters (the digits before the check digit)"),
        ),
        LayoutError::BadChar(p, c) => (
            format!("pola {p}: '{c}' tidak dikenal (pakai angka, I, W, P)"),
            format!("pattern {p}: '{c}' is not known (use digits, I, W, P)"),
        ),
        LayoutError::NotInStore(p) => (
            format!("pola {p} harus diawali angka 2 (kode toko 20–29)"),
            format!("pattern {p} must start with the digit 2 (in-store codes 20–29)"),
        ),
        LayoutError::ItemCode(p) => (
            format!("pola {p} perlu satu deret I (kode barang, paling banyak 6)"),
            format!("pattern {p} needs one run of I (the item code, at most 6)"),
        ),
        LayoutError::Value(p) => (
            format!(
                "pola {p} perlu satu deret W (berat gram) atau P (harga rupiah), tidak keduanya"
            ),
            format!("pattern {p} needs one run of W (grams) or P (rupiah), not both"),
        ),
        LayoutError::Ambiguous(a, b) => (
            format!("pola {a} dan {b} bisa cocok dengan kode yang sama"),
            format!("patterns {a} and {b} can match the same code"),
        ),
    };
    KasirError::invalid(
        format!("barcode.instore: {id}"),
        format!("barcode.instore: {en}"),
    )
}

/// Why the scale's weight cannot go on the line.
pub fn unsellable_error(u: Unsellable) -> KasirError {
    let (id, en) = match u {
        Unsellable::Unstable => (
            "Berat belum stabil — tunggu timbangan diam, lalu timbang lagi",
            "The weight is not stable — wait until the scale settles, then weigh again",
        ),
        Unsellable::Zero => (
            "Timbangan menunjukkan nol — taruh barangnya dulu",
            "The scale shows zero — put the goods on it first",
        ),
        Unsellable::Negative => (
            "Timbangan menunjukkan berat negatif — nolkan timbangan",
            "The scale shows a negative weight — zero the scale",
        ),
        Unsellable::Overload => (
            "Timbangan kelebihan beban — kurangi barangnya",
            "The scale is overloaded — take some goods off",
        ),
    };
    KasirError::invalid(id, en)
}

/// The kilograms to sell from a scale reading: the stable weight less the tare (grams).
/// Unstable, zero, negative and overloaded readings are refused, and so is a tare as heavy
/// as the goods or heavier.
pub fn weight_to_sell(reading: Option<ScaleReading>, tare_g: u32) -> Result<Decimal> {
    let Some(reading) = reading else {
        return Err(KasirError::invalid(
            "Belum ada berat dari timbangan — periksa kabel timbangan, atau ketik beratnya",
            "No weight from the scale — check the scale's cable, or type the weight",
        ));
    };
    let gross = reading.sellable_grams().map_err(unsellable_error)?;
    let net = gross - i64::from(tare_g);
    if net <= 0 {
        return Err(KasirError::invalid(
            format!(
                "Tara {} tidak lebih ringan dari berat {} — periksa tara",
                format_kg(i64::from(tare_g), true),
                format_kg(gross, true)
            ),
            format!(
                "The tare {} is not lighter than the weight {} — check the tare",
                format_kg(i64::from(tare_g), false),
                format_kg(gross, false)
            ),
        ));
    }
    Ok(Decimal::new(net, 3))
}

/// A weight in kilograms as the till shows it: `1,250 kg` / `1.250 kg`.
pub fn show_kg(kg: Decimal, lang: Lang) -> String {
    let grams = (kg * Decimal::ONE_THOUSAND).trunc();
    let g = i64::try_from(grams).unwrap_or_default();
    format_kg(g, lang == Lang::Id)
}

/// The counter scale as the settings describe it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleSettings {
    /// Serial port, or [`SIM_SCALE`].
    pub port: String,
    pub protocol: ScaleProtocol,
    pub baud: u32,
    pub framing: kasir_hardware::Framing,
    /// Grams subtracted from every weighing (a container, a bag).
    pub tare_g: u32,
}

impl ScaleSettings {
    /// The reader configuration for a real port.
    pub fn config(&self) -> kasir_hardware::ScaleConfig {
        let mut cfg = kasir_hardware::ScaleConfig::new(self.port.clone(), self.protocol);
        cfg.baud = self.baud;
        cfg.framing = self.framing;
        cfg
    }
}

impl Shop {
    /// The shop's label layout (empty: no label codes).
    pub fn label_layout(&self) -> Result<LabelLayout> {
        let setting = settings::get(self.store.conn(), LAYOUT_KEY)?.unwrap_or_default();
        LabelLayout::parse(&setting).map_err(|e| layout_error(&e))
    }

    /// The counter scale, if one is set (`scale.port`).
    pub fn scale_settings(&self) -> Result<Option<ScaleSettings>> {
        let c = self.store.conn();
        let Some(port) = settings::get(c, SCALE_PORT_KEY)?.filter(|p| !p.trim().is_empty()) else {
            return Ok(None);
        };
        let protocol = settings::get(c, SCALE_PROTOCOL_KEY)?
            .and_then(|p| ScaleProtocol::parse(&p))
            .unwrap_or_default();
        Ok(Some(ScaleSettings {
            port: port.trim().to_string(),
            protocol,
            baud: settings::get(c, SCALE_BAUD_KEY)?
                .and_then(|b| b.trim().parse().ok())
                .unwrap_or(9600),
            framing: settings::get(c, SCALE_FRAMING_KEY)?
                .and_then(|f| kasir_hardware::Framing::parse(&f))
                .unwrap_or(protocol.default_framing()),
            tare_g: self.scale_tare()?,
        }))
    }

    /// The tare in grams (setting `scale.tare`, default 0).
    pub fn scale_tare(&self) -> Result<u32> {
        Ok(settings::get(self.store.conn(), SCALE_TARE_KEY)?
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0))
    }

    /// If `code` is a label-scale code of the shop's layout: its product and the quantity
    /// (kilograms) to sell. `None`: not a label code. A matching code with a bad check
    /// digit, an unknown item code or a zero weight is refused.
    pub fn label_item(&self, code: &str) -> Result<Option<(ItemRef, Decimal)>> {
        let layout = self.label_layout()?;
        let Some(read) = layout.read(code) else {
            return Ok(None);
        };
        let code = code.trim();
        let label = read.map_err(|e| match e {
            LabelError::BadCheckDigit => KasirError::BadCode(
                code.to_string(),
                crate::domain::barcode::CodeError::BadCheckDigit,
            ),
            LabelError::ZeroWeight => zero_weight(code),
        })?;
        let item =
            crate::store::catalog::item_by_plu(self.store.conn(), label.plu)?.ok_or_else(|| {
                KasirError::invalid(
                    format!(
                        "Kode timbang {code}: kode barang {} tidak ada di katalog",
                        label.plu
                    ),
                    format!(
                        "Label code {code}: item code {} is not in the catalog",
                        label.plu
                    ),
                )
            })?;
        let qty = label_qty(&label, item.prices.umum).map_err(|_| zero_weight(code))?;
        Ok(Some((item, qty)))
    }

    /// Record that a weighed line's weight was typed rather than read, with what the scale
    /// showed (`scale_state`), so the books can tell typed weights from weighed ones.
    pub fn audit_typed_weight(
        &mut self,
        actor: &Actor,
        till: &str,
        item: &ItemRef,
        qty: Decimal,
        scale_state: &str,
    ) -> Result<()> {
        let at = super::stamp(self.now());
        let detail = format!(
            "{till} {} {} typed; scale {scale_state}",
            item.sku,
            show_kg(qty, Lang::En)
        );
        self.store.write(|tx| {
            crate::store::audit::append(
                tx,
                &crate::store::audit::AuditEntry {
                    at: &at,
                    user_id: actor.user_id,
                    actor: &actor.username,
                    action: "weight_typed",
                    detail: &detail,
                    approver: None,
                },
            )
        })
    }
}

fn zero_weight(code: &str) -> KasirError {
    KasirError::invalid(
        format!("Kode timbang {code}: beratnya nol — cetak ulang labelnya"),
        format!("Label code {code}: the weight is zero — print the label again"),
    )
}
