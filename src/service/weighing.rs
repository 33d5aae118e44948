//! Weighed goods: label-scale barcodes (weight or price inside an in-store EAN-13) and the
//! counter scale's readings, turned into cart quantities under the shop's rules.

use crate::service::settings::Key;
use kasir_hardware::{format_kg, ScaleProtocol, ScaleReading, Unsellable};
use rust_decimal::Decimal;

use super::Shop;
use crate::domain::cart::ItemRef;
use crate::domain::label::{label_qty, LabelError, LabelLayout, LabelSale, LayoutError};
use crate::domain::user::Actor;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::store::settings;

/// Setting: the label layout (comma-separated 12-character patterns).
pub const LAYOUT_KEY: &str = Key::BarcodeInstore.name();
/// Settings of the counter scale.
pub const SCALE_PORT_KEY: &str = Key::ScalePort.name();
pub const SCALE_PROTOCOL_KEY: &str = Key::ScaleProtocol.name();
pub const SCALE_BAUD_KEY: &str = Key::ScaleBaud.name();
pub const SCALE_FRAMING_KEY: &str = Key::ScaleFraming.name();
pub const SCALE_TARE_KEY: &str = Key::ScaleTare.name();
/// The largest tare, in grams.
pub const MAX_TARE_G: u32 = 100_000;

/// The `scale.port` value of the demo's simulated scale.
pub const SIM_SCALE: &str = "sim";

/// The message for a layout the setting refuses.
pub fn layout_error(e: &LayoutError) -> KasirError {
    let (id, en) = layout_reason(e);
    KasirError::invalid(
        format!("barcode.instore: {id}"),
        format!("barcode.instore: {en}"),
    )
}

/// Why a label-scale layout is refused, in both languages.
pub fn layout_reason(e: &LayoutError) -> (String, String) {
    match e {
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
    }
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

    /// If `code` is a label-scale code of the shop's layout: its product and what to sell
    /// (the kilograms and, for a price code, the printed price as the line's amount).
    /// `None`: not a label code. A matching code with a bad check digit, an unknown item
    /// code or a zero weight is refused.
    pub fn label_item(&self, code: &str) -> Result<Option<(ItemRef, LabelSale)>> {
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
        let sale = label_qty(&label, item.prices.umum).map_err(|_| zero_weight(code))?;
        Ok(Some((item, sale)))
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
        self.store
            .write(|tx| super::audit(tx, actor, &at, "weight_typed", &detail, None))
    }
}

fn zero_weight(code: &str) -> KasirError {
    KasirError::invalid(
        format!("Kode timbang {code}: beratnya nol — cetak ulang labelnya"),
        format!("Label code {code}: the weight is zero — print the label again"),
    )
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use rust_decimal_macros::dec;

    use super::*;
    use crate::domain::cart::Cart;
    use crate::domain::label::make_label;
    use crate::service::FixedClock;
    use crate::store::Store;

    fn demo() -> Shop {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap();
        let mut shop = Shop::new(
            Store::open_in_memory().unwrap(),
            Arc::new(FixedClock::new(at)),
        );
        crate::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
        shop
    }

    const W: &str = "20IIIIIWWWWW";
    const P: &str = "21IIIIIPPPPP";

    /// What a scan did: the new line's (sku, qty, amount), or the refusal.
    type Scanned<E> = std::result::Result<(String, Decimal, Decimal), E>;

    /// What a scan did, with the refusal in English.
    fn scan(shop: &Shop, code: &str) -> Scanned<String> {
        let mut cart = Cart::default();
        cart.add(shop.find_item("8991234567891").unwrap(), Decimal::ONE)
            .unwrap();
        let before = cart.clone();
        match shop.scan_into(&mut cart, code) {
            Ok(i) => {
                let l = &cart.lines[i];
                Ok((l.item.sku.clone(), l.qty, l.amount()))
            }
            Err(e) => {
                assert_eq!(cart, before, "{code}: a refused code changes nothing");
                Err(e.message(Lang::En))
            }
        }
    }

    #[test]
    fn label_codes_table() {
        let shop = demo();
        let w = |plu, grams| make_label(W, plu, grams).unwrap();
        let p = |plu, rp| make_label(P, plu, rp).unwrap();
        let mut bad_check = w(101, 1250);
        let last = bad_check.pop().unwrap();
        bad_check.push(if last == '9' { '0' } else { '9' });
        let ok = |sku: &str, qty, amount| Ok((sku.to_string(), qty, amount));
        let table: Vec<(String, Scanned<&str>)> = vec![
            // Beras medium curah 13 000/kg, 1 250 g.
            (w(101, 1250), ok("BRS-CRM", dec!(1.25), dec!(16250))),
            (w(108, 5), ok("CBR-CRH", dec!(0.005), dec!(275))),
            // A price label costs exactly its price; the weight is rounded up to the gram.
            // Beras premium 14 500/kg, label Rp18 500: 1,2758… kg → 1,276 kg.
            (p(102, 18_500), ok("BRS-CRP", dec!(1.276), dec!(18500))),
            // Bawang merah 40 000/kg, label Rp18 500: 0,4625 kg → 0,463 kg.
            (p(105, 18_500), ok("BWM-CRH", dec!(0.463), dec!(18500))),
            // Label Rp10 000: exactly 250 g.
            (p(105, 10_000), ok("BWM-CRH", dec!(0.25), dec!(10000))),
            // Rp10 buys less than a gram of rice: the customer gets the gram.
            (p(101, 10), ok("BRS-CRM", dec!(0.001), dec!(10))),
            (bad_check, Err("check digit")),
            (w(999, 1250), Err("item code 999 is not in the catalog")),
            (p(999, 5000), Err("item code 999 is not in the catalog")),
            (w(101, 0), Err("weight is zero")),
            (p(101, 0), Err("weight is zero")),
            (format!("2*{}", w(101, 1250)), Err("without a quantity")),
            // A 22 prefix is no pattern of the layout: looked up as a barcode.
            ("2200101012500".into(), Err("not")),
        ];
        for (code, want) in table {
            let got = scan(&shop, &code);
            match (&got, want) {
                (Ok(g), Ok(w)) => assert_eq!(*g, w, "{code}"),
                (Err(g), Err(w)) => assert!(g.contains(w), "{code}: {g} lacks {w}"),
                (_, want) => panic!("{code}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn a_price_above_het_is_refused() {
        let shop = demo();
        // The government lowered the HET of medium rice below the shop's price.
        crate::store::catalog::set_het(shop.store.conn(), "BRS-CRM", dec!(12500)).unwrap();
        for code in [
            make_label(W, 101, 1000).unwrap(),
            make_label(P, 101, 13_000).unwrap(),
        ] {
            let got = scan(&shop, &code);
            assert!(
                got.as_ref().is_err_and(|e| e.contains("HET")),
                "{code}: {got:?}"
            );
        }
    }

    #[test]
    fn scale_readings_to_sell() {
        let r = |grams, stable| {
            Some(ScaleReading {
                weight: kasir_hardware::Weight::Grams(grams),
                stable,
                net: false,
            })
        };
        let en = |res: Result<Decimal>| res.map_err(|e| e.message(Lang::En));
        assert_eq!(en(weight_to_sell(r(1250, true), 0)), Ok(dec!(1.25)));
        assert_eq!(en(weight_to_sell(r(1250, true), 50)), Ok(dec!(1.2)));
        let refused = [
            (r(1250, false), 0, "not stable"),
            (r(0, true), 0, "zero"),
            (r(-20, true), 0, "negative"),
            (
                Some(ScaleReading {
                    weight: kasir_hardware::Weight::Overload,
                    stable: false,
                    net: false,
                }),
                0,
                "overloaded",
            ),
            (
                r(50, true),
                50,
                "tare 0.050 kg is not lighter than the weight 0.050 kg",
            ),
            (None, 0, "No weight from the scale"),
        ];
        for (reading, tare, want) in refused {
            let got = en(weight_to_sell(reading, tare));
            assert!(got.as_ref().is_err_and(|e| e.contains(want)), "{got:?}");
        }
    }

    #[test]
    fn scale_and_layout_settings_are_checked() {
        let mut shop = demo();
        let admin = Actor::back_office();
        for (k, v) in [
            (LAYOUT_KEY, "20IIIIIWWWW"),
            (LAYOUT_KEY, "20IIIIIWWWWW,20IIIIIPPPPP"),
            (SCALE_PROTOCOL_KEY, "dibal"),
            (SCALE_BAUD_KEY, "9601"),
            (SCALE_FRAMING_KEY, "9Z1"),
            (SCALE_TARE_KEY, "-5"),
        ] {
            assert!(shop.set_setting(&admin, k, v).is_err(), "{k}={v}");
        }
        assert_eq!(shop.label_layout().unwrap().patterns().len(), 2);
        shop.set_setting(&admin, LAYOUT_KEY, "22IIIIIWWWWW")
            .unwrap();
        shop.set_setting(&admin, SCALE_PORT_KEY, "/dev/ttyUSB1")
            .unwrap();
        shop.set_setting(&admin, SCALE_PROTOCOL_KEY, "toledo")
            .unwrap();
        shop.set_setting(&admin, SCALE_TARE_KEY, "15").unwrap();
        let s = shop.scale_settings().unwrap().unwrap();
        assert_eq!(s.protocol, ScaleProtocol::Toledo);
        assert_eq!(s.framing, kasir_hardware::Framing::SEVEN_E_ONE);
        assert_eq!(s.tare_g, 15);
        let w = make_label("22IIIIIWWWWW", 103, 500).unwrap();
        assert_eq!(scan(&shop, &w).map(|l| l.1), Ok(dec!(0.5)));
    }
}
