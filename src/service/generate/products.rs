//! Generated products: EAN-13 barcodes, names, units, prices, and the cart's view of them.

use rust_decimal::Decimal;

use super::names::{BRANDS, KINDS, VARIANTS};
use super::Rng;
use crate::domain::barcode::gs1_check_digit;
use crate::domain::cart::ItemRef;
use crate::domain::catalog::{BusinessUnit, DrugClass, TaxClass, UnitPrices};
use crate::store::bulk;
use crate::store::catalog::{ProductRecord, UnitRecord};

/// An EAN-13 with the 8990 prefix for generated item `n`, check digit included.
pub fn generated_barcode(n: u64) -> String {
    let body = format!("8990{:08}", n % 100_000_000);
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    format!("{body}{}", gs1_check_digit(&digits))
}

/// `count` barcodes of a generated shop's products, spread over the generated catalog
/// (every 7919th), for benchmarks and probes that scan across the whole catalog.
pub fn spread_barcodes(
    c: &rusqlite::Connection,
    count: usize,
) -> crate::error::Result<Vec<String>> {
    let (demo, generated) = bulk::generated_split(c)?;
    let n = generated.max(1) as u64;
    Ok((0..count as u64)
        .map(|k| generated_barcode(2 * (demo as u64 + (k * 7919) % n)))
        .collect())
}

pub(super) fn rupiah(x: u64) -> Decimal {
    Decimal::from(x)
}

/// Product `i` of a generated catalog.
pub(super) fn product(i: usize, rng: &mut Rng) -> ProductRecord {
    let (kind, base, pack, factor, sizes, lo, hi, ppn) = *rng.pick(KINDS);
    let brand = rng.pick(BRANDS);
    let variant = rng.pick(VARIANTS);
    let size = rng.pick(sizes);
    let name = if variant.is_empty() {
        format!("{kind} {brand} {size}")
    } else {
        format!("{kind} {brand} {variant} {size}")
    };
    let apotek = kind.contains("mg") || kind.starts_with("Obat") || kind.contains("Kayu Putih");
    let price = u64::from(lo) + (rng.next() % u64::from(hi - lo + 1));
    let umum = (price / 500).max(1) * 500;
    let anggota = umum - (umum * 3 / 100) / 100 * 100;
    let cost = umum * 85 / 100;
    let mut units = vec![UnitRecord {
        unit: base.to_string(),
        factor: Decimal::ONE,
        prices: UnitPrices {
            umum: rupiah(umum),
            anggota: rupiah(anggota),
            grosir: None,
            grosir_min_qty: None,
        },
        barcodes: vec![generated_barcode(2 * i as u64)],
    }];
    if factor > 1 {
        let pack_price = (umum * u64::from(factor) * 95 / 100 / 500).max(1) * 500;
        units.push(UnitRecord {
            unit: pack.to_string(),
            factor: Decimal::from(factor),
            prices: UnitPrices {
                umum: rupiah(pack_price),
                anggota: rupiah(pack_price - pack_price / 100 / 100 * 100),
                grosir: None,
                grosir_min_qty: None,
            },
            barcodes: vec![generated_barcode(2 * i as u64 + 1)],
        });
    }
    ProductRecord {
        sku: format!("G{i:06}"),
        name,
        business_unit: if apotek {
            BusinessUnit::Apotek
        } else {
            BusinessUnit::Sembako
        },
        base_unit: base.to_string(),
        tax_class: if ppn { TaxClass::Ppn } else { TaxClass::Exempt },
        drug_class: if apotek {
            DrugClass::Bebas
        } else {
            DrugClass::None
        },
        batch_tracked: false,
        weighed: false,
        cost: rupiah(cost),
        min_stock: Decimal::from(5),
        nie: None,
        max_per_sale: None,
        plu: None,
        het: None,
        units,
    }
}

pub(super) fn item_ref(p: &ProductRecord, product_id: i64, unit_ids: &[i64], k: usize) -> ItemRef {
    let u = &p.units[k];
    ItemRef {
        product_id,
        unit_id: unit_ids[k],
        sku: p.sku.clone(),
        name: p.name.clone(),
        unit: u.unit.clone(),
        factor: u.factor,
        prices: u.prices.clone(),
        tax_class: p.tax_class,
        business_unit: p.business_unit,
        drug_class: p.drug_class,
        weighed: false,
        batch_tracked: false,
        plu: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::barcode::classify;

    #[test]
    fn generated_barcodes_are_valid_ean13_and_distinct() {
        let codes: Vec<String> = (0..2000).map(generated_barcode).collect();
        for c in &codes {
            assert_eq!(c.len(), 13);
            assert!(c.starts_with("8990"));
            assert!(classify(c).is_ok(), "{c} refused");
        }
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
    }
}
