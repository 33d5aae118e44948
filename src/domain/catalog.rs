//! Catalog: products, their selling units, price tiers and classes.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $var:ident = $txt:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($(#[$vm])* $var),+ }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];
            /// The stable text stored in the database and CSV files.
            pub fn as_str(self) -> &'static str { match self { $($name::$var => $txt),+ } }
            /// Parse the stored text.
            pub fn parse(s: &str) -> Option<Self> {
                match s.trim() { $($txt => Some($name::$var),)+ _ => None }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str(self.as_str()) }
        }
    };
}
pub(crate) use text_enum;

text_enum! {
    /// The coop's business units that sell goods.
    BusinessUnit { Sembako = "sembako", Apotek = "apotek" }
}

impl BusinessUnit {
    /// The unit's name for people, in `lang` (receipts, the status bar, settings).
    pub fn label(self, lang: crate::i18n::Lang) -> &'static str {
        match self {
            BusinessUnit::Sembako => lang.pick("Toko Sembako", "Grocery"),
            BusinessUnit::Apotek => lang.pick("Apotek", "Pharmacy"),
        }
    }
}

text_enum! {
    /// Tax class: `ppn` goods carry PPN inside their price when the coop is PKP; basic
    /// staples (PP 49/2022) are exempt.
    TaxClass { Ppn = "ppn", Exempt = "exempt" }
}

text_enum! {
    /// Drug classes of Indonesian pharmacy law; `none` for non-drug goods.
    DrugClass {
        None = "none",
        Bebas = "bebas",
        BebasTerbatas = "bebas_terbatas",
        Keras = "keras",
        Psikotropika = "psikotropika",
        Narkotika = "narkotika",
        /// Obat-obat tertentu: frequently misused, sold in limited quantities.
        Oot = "oot",
    }
}

text_enum! {
    /// Which price list a cart line was priced from.
    PriceTier { Umum = "umum", Anggota = "anggota", Grosir = "grosir" }
}

impl DrugClass {
    /// Whether a prescription and a pharmacist's approval are needed to sell it.
    pub fn needs_prescription(self) -> bool {
        matches!(
            self,
            DrugClass::Keras | DrugClass::Psikotropika | DrugClass::Narkotika | DrugClass::Oot
        )
    }
}

/// A product as the till needs it to sell one of its units.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Product {
    pub id: i64,
    pub sku: String,
    pub name: String,
    pub business_unit: BusinessUnit,
    pub base_unit: String,
    pub tax_class: TaxClass,
    pub drug_class: DrugClass,
    pub batch_tracked: bool,
    pub weighed: bool,
    pub het: Option<Decimal>,
}

/// One selling unit of a product with its own prices.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SellingUnit {
    pub id: i64,
    pub unit: String,
    /// Base units in one of this unit.
    pub factor: Decimal,
    pub prices: UnitPrices,
}

/// The price list of one selling unit (tax-inclusive, whole rupiah).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UnitPrices {
    pub umum: Decimal,
    pub anggota: Decimal,
    pub grosir: Option<Decimal>,
    /// Quantity of this unit from which the grosir price applies.
    pub grosir_min_qty: Option<Decimal>,
}

impl UnitPrices {
    /// The unit price a buyer pays for `qty` of this unit: the lowest of the tiers they are
    /// entitled to (members: anggota; anyone buying at least the minimum: grosir).
    pub fn resolve(&self, qty: Decimal, member: bool) -> (Decimal, PriceTier) {
        let mut best = if member && self.anggota < self.umum {
            (self.anggota, PriceTier::Anggota)
        } else {
            (self.umum, PriceTier::Umum)
        };
        if let (Some(price), Some(min)) = (self.grosir, self.grosir_min_qty) {
            if qty >= min && price < best.0 {
                best = (price, PriceTier::Grosir);
            }
        }
        best
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn mie() -> UnitPrices {
        UnitPrices {
            umum: dec!(3500),
            anggota: dec!(3400),
            grosir: Some(dec!(3250)),
            grosir_min_qty: Some(dec!(10)),
        }
    }

    #[test]
    fn tiers_resolve_to_the_buyers_best_entitled_price() {
        let p = mie();
        assert_eq!(p.resolve(dec!(1), false), (dec!(3500), PriceTier::Umum));
        assert_eq!(p.resolve(dec!(1), true), (dec!(3400), PriceTier::Anggota));
        assert_eq!(p.resolve(dec!(9), true), (dec!(3400), PriceTier::Anggota));
        assert_eq!(p.resolve(dec!(10), false), (dec!(3250), PriceTier::Grosir));
        assert_eq!(p.resolve(dec!(12), true), (dec!(3250), PriceTier::Grosir));
        let no_grosir = UnitPrices {
            grosir: None,
            grosir_min_qty: None,
            ..mie()
        };
        assert_eq!(no_grosir.resolve(dec!(100), false).1, PriceTier::Umum);
    }

    #[test]
    fn text_enums_round_trip() {
        for d in DrugClass::ALL {
            assert_eq!(DrugClass::parse(d.as_str()), Some(*d));
        }
        assert_eq!(BusinessUnit::parse("apotek"), Some(BusinessUnit::Apotek));
        assert_eq!(BusinessUnit::parse("warung"), None);
        assert!(DrugClass::Keras.needs_prescription());
        assert!(!DrugClass::BebasTerbatas.needs_prescription());
    }
}
