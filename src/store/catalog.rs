//! Products, selling units, barcodes and prices.

use rusqlite::{params, Connection, Row};
use rust_decimal::Decimal;

use super::{milli, minor, opt};
use crate::domain::cart::ItemRef;
use crate::domain::catalog::{BusinessUnit, DrugClass, TaxClass, UnitPrices};
use crate::domain::money::{money_from_minor as money, qty_from_milli as qty};
use crate::error::{KasirError, Result};

/// A product with all its selling units, as imported and exported.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductRecord {
    pub sku: String,
    pub name: String,
    pub business_unit: BusinessUnit,
    pub base_unit: String,
    pub tax_class: TaxClass,
    pub drug_class: DrugClass,
    pub batch_tracked: bool,
    pub weighed: bool,
    /// Cost per base unit, used until stock gives a moving average.
    pub cost: Decimal,
    pub min_stock: Decimal,
    pub nie: Option<String>,
    pub het: Option<Decimal>,
    /// The most one sale may carry, in base units (`Some(None)`: no limit of its own).
    /// `None` on import: leave the product's limit as it is (the file has no such column).
    pub max_per_sale: Option<Option<Decimal>>,
    /// In-store item code printed in label-scale barcodes (`Some(None)`: none). `None` on
    /// import: leave the product's code as it is (the file has no such column).
    pub plu: Option<Option<u32>>,
    pub units: Vec<UnitRecord>,
}

/// One selling unit of a [`ProductRecord`].
#[derive(Debug, Clone, PartialEq)]
pub struct UnitRecord {
    pub unit: String,
    pub factor: Decimal,
    pub prices: UnitPrices,
    pub barcodes: Vec<String>,
}

/// Insert the product or update the one with the same SKU; units are matched by name.
/// A barcode that belongs to another product is refused.
pub fn upsert(c: &Connection, p: &ProductRecord, uuid: &str) -> Result<i64> {
    if let Some(Some(plu)) = p.plu {
        let owner: Option<String> = opt(c
            .prepare_cached("SELECT sku FROM products WHERE plu = ?1")?
            .query_row([plu], |r| r.get(0)))?;
        if matches!(&owner, Some(o) if *o != p.sku) {
            return Err(KasirError::Duplicate(format!("PLU {plu}")));
        }
    }
    c.prepare_cached("INSERT INTO products(uuid, sku, name, business_unit, base_unit, tax_class, drug_class,
                              batch_tracked, weighed, min_stock, nie, het, last_cost, max_per_sale, plu)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?16)
         ON CONFLICT(sku) DO UPDATE SET name = excluded.name, business_unit = excluded.business_unit,
             base_unit = excluded.base_unit, tax_class = excluded.tax_class,
             drug_class = excluded.drug_class, batch_tracked = excluded.batch_tracked,
             weighed = excluded.weighed, min_stock = excluded.min_stock, nie = excluded.nie,
             het = excluded.het, last_cost = excluded.last_cost, active = 1,
             max_per_sale = CASE WHEN ?15 THEN excluded.max_per_sale ELSE products.max_per_sale END,
             plu = CASE WHEN ?17 THEN excluded.plu ELSE products.plu END")?.execute(
        params![
            uuid,
            p.sku,
            p.name,
            p.business_unit.as_str(),
            p.base_unit,
            p.tax_class.as_str(),
            p.drug_class.as_str(),
            p.batch_tracked,
            p.weighed,
            milli(p.min_stock)?,
            p.nie,
            p.het.map(minor).transpose()?,
            minor(p.cost)?,
            p.max_per_sale.flatten().map(milli).transpose()?,
            p.max_per_sale.is_some(),
            p.plu.flatten(),
            p.plu.is_some(),
        ],
    )?;
    let product_id: i64 = c
        .prepare_cached("SELECT id FROM products WHERE sku = ?1")?
        .query_row([&p.sku], |r| r.get(0))?;
    for u in &p.units {
        c.prepare_cached(
            "INSERT INTO product_units(product_id, unit, factor, price_umum, price_anggota,
                                       price_grosir, grosir_min_qty)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT(product_id, unit) DO UPDATE SET factor = excluded.factor,
                 price_umum = excluded.price_umum, price_anggota = excluded.price_anggota,
                 price_grosir = excluded.price_grosir, grosir_min_qty = excluded.grosir_min_qty",
        )?
        .execute(params![
            product_id,
            u.unit,
            milli(u.factor)?,
            minor(u.prices.umum)?,
            minor(u.prices.anggota)?,
            u.prices.grosir.map(minor).transpose()?,
            u.prices.grosir_min_qty.map(milli).transpose()?,
        ])?;
        let unit_id: i64 = c
            .prepare_cached("SELECT id FROM product_units WHERE product_id = ?1 AND unit = ?2")?
            .query_row(params![product_id, u.unit], |r| r.get(0))?;
        for code in &u.barcodes {
            let owner: Option<i64> = opt(c.prepare_cached("SELECT pu.product_id FROM barcodes b JOIN product_units pu ON pu.id = b.unit_id
                 WHERE b.code = ?1")?.query_row(
                [code],
                |r| r.get(0),
            ))?;
            if matches!(owner, Some(o) if o != product_id) {
                return Err(KasirError::Duplicate(format!("barcode {code}")));
            }
            c.prepare_cached(
                "INSERT INTO barcodes(code, unit_id) VALUES (?1, ?2)
                 ON CONFLICT(code) DO UPDATE SET unit_id = excluded.unit_id",
            )?
            .execute(params![code, unit_id])?;
        }
    }
    Ok(product_id)
}

const ITEM_COLS: &str = "p.id, pu.id, p.sku, p.name, pu.unit, pu.factor, pu.price_umum,
    pu.price_anggota, pu.price_grosir, pu.grosir_min_qty, p.tax_class, p.business_unit,
    p.drug_class, p.weighed, p.batch_tracked, p.plu";

fn item_row(r: &Row) -> rusqlite::Result<ItemRef> {
    let tax: String = r.get(10)?;
    let bu: String = r.get(11)?;
    let drug: String = r.get(12)?;
    Ok(ItemRef {
        product_id: r.get(0)?,
        unit_id: r.get(1)?,
        sku: r.get(2)?,
        name: r.get(3)?,
        unit: r.get(4)?,
        factor: qty(r.get(5)?),
        prices: UnitPrices {
            umum: money(r.get(6)?),
            anggota: money(r.get(7)?),
            grosir: r.get::<_, Option<i64>>(8)?.map(money),
            grosir_min_qty: r.get::<_, Option<i64>>(9)?.map(qty),
        },
        tax_class: TaxClass::parse(&tax).unwrap_or(TaxClass::Ppn),
        business_unit: BusinessUnit::parse(&bu).unwrap_or(BusinessUnit::Sembako),
        drug_class: DrugClass::parse(&drug).unwrap_or(DrugClass::None),
        weighed: r.get(13)?,
        batch_tracked: r.get(14)?,
        plu: r.get(15)?,
    })
}

/// The selling unit a barcode belongs to.
pub fn item_by_barcode(c: &Connection, code: &str) -> Result<Option<ItemRef>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {ITEM_COLS} FROM barcodes b JOIN product_units pu ON pu.id = b.unit_id
         JOIN products p ON p.id = pu.product_id WHERE b.code = ?1 AND p.active = 1"
    ))?;
    opt(st.query_row([code], item_row))
}

/// The product with in-store item code `plu`, in its smallest selling unit.
pub fn item_by_plu(c: &Connection, plu: u32) -> Result<Option<ItemRef>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {ITEM_COLS} FROM products p JOIN product_units pu ON pu.product_id = p.id
         WHERE p.plu = ?1 AND p.active = 1 ORDER BY pu.factor, pu.id LIMIT 1"
    ))?;
    opt(st.query_row([plu], item_row))
}

/// A product by SKU, in its smallest selling unit (for weighed goods and typed codes).
pub fn item_by_sku(c: &Connection, sku: &str) -> Result<Option<ItemRef>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {ITEM_COLS} FROM products p JOIN product_units pu ON pu.product_id = p.id
         WHERE p.sku = ?1 COLLATE NOCASE AND p.active = 1 ORDER BY pu.factor, pu.id LIMIT 1"
    ))?;
    opt(st.query_row([sku], item_row))
}

/// A product's selling unit by name.
pub fn item_by_unit(c: &Connection, product_id: i64, unit: &str) -> Result<Option<ItemRef>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {ITEM_COLS} FROM products p JOIN product_units pu ON pu.product_id = p.id
         WHERE p.id = ?1 AND pu.unit = ?2"
    ))?;
    opt(st.query_row(params![product_id, unit], item_row))
}

/// Products whose name or SKU contains `needle`, as selling units, at most `limit`: the
/// plain rule, one scan of every product. The till and CLI use the same answer from
/// `store::search::search`, which is fast at 100k products.
pub fn search_scan(c: &Connection, needle: &str, limit: usize) -> Result<Vec<ItemRef>> {
    let like = format!("%{}%", needle.replace(['%', '_'], ""));
    let mut st = c.prepare_cached(&format!(
        "SELECT {ITEM_COLS} FROM products p JOIN product_units pu ON pu.product_id = p.id
         WHERE p.active = 1 AND (p.name LIKE ?1 OR p.sku LIKE ?1)
         ORDER BY p.name, pu.factor, pu.id LIMIT ?2"
    ))?;
    let rows = st
        .query_map(params![like, limit as i64], item_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A product's head row, columns `p.id, p.sku, p.name, p.business_unit, p.base_unit,
/// p.tax_class, p.drug_class, p.batch_tracked, p.weighed, p.last_cost, p.min_stock, p.nie,
/// p.het, p.max_per_sale, p.plu` in that order, without its units.
fn product_head(r: &rusqlite::Row) -> rusqlite::Result<(i64, ProductRecord)> {
    let bu: String = r.get(3)?;
    let tax: String = r.get(5)?;
    let drug: String = r.get(6)?;
    Ok((
        r.get(0)?,
        ProductRecord {
            sku: r.get(1)?,
            name: r.get(2)?,
            business_unit: BusinessUnit::parse(&bu).unwrap_or(BusinessUnit::Sembako),
            base_unit: r.get(4)?,
            tax_class: TaxClass::parse(&tax).unwrap_or(TaxClass::Ppn),
            drug_class: DrugClass::parse(&drug).unwrap_or(DrugClass::None),
            batch_tracked: r.get(7)?,
            weighed: r.get(8)?,
            cost: money(r.get(9)?),
            min_stock: qty(r.get(10)?),
            nie: r.get(11)?,
            het: r.get::<_, Option<i64>>(12)?.map(money),
            max_per_sale: Some(r.get::<_, Option<i64>>(13)?.map(qty)),
            plu: Some(r.get(14)?),
            units: Vec::new(),
        },
    ))
}

/// Every active product with its units and barcodes, ordered by SKU.
pub fn all(c: &Connection) -> Result<Vec<ProductRecord>> {
    let mut st = c.prepare(
        "SELECT p.id, p.sku, p.name, p.business_unit, p.base_unit, p.tax_class, p.drug_class,
                p.batch_tracked, p.weighed, p.last_cost, p.min_stock, p.nie, p.het, p.max_per_sale,
                p.plu
         FROM products p WHERE p.active = 1 ORDER BY p.sku",
    )?;
    let mut products: Vec<(i64, ProductRecord)> = st
        .query_map([], product_head)?
        .collect::<rusqlite::Result<_>>()?;
    let mut ust = c.prepare(
        "SELECT pu.product_id, pu.unit, pu.factor, pu.price_umum, pu.price_anggota, pu.price_grosir,
                pu.grosir_min_qty, (SELECT group_concat(code, '|') FROM
                    (SELECT code FROM barcodes WHERE unit_id = pu.id ORDER BY code))
         FROM product_units pu ORDER BY pu.product_id, pu.factor, pu.id",
    )?;
    let mut units: std::collections::HashMap<i64, Vec<UnitRecord>> = Default::default();
    for row in ust.query_map([], |r| {
        let codes: Option<String> = r.get(7)?;
        Ok((
            r.get::<_, i64>(0)?,
            UnitRecord {
                unit: r.get(1)?,
                factor: qty(r.get(2)?),
                prices: UnitPrices {
                    umum: money(r.get(3)?),
                    anggota: money(r.get(4)?),
                    grosir: r.get::<_, Option<i64>>(5)?.map(money),
                    grosir_min_qty: r.get::<_, Option<i64>>(6)?.map(qty),
                },
                barcodes: codes
                    .map(|s| s.split('|').map(str::to_string).collect())
                    .unwrap_or_default(),
            },
        ))
    })? {
        let (pid, u) = row?;
        units.entry(pid).or_default().push(u);
    }
    for (id, p) in &mut products {
        p.units = units.remove(id).unwrap_or_default();
    }
    Ok(products.into_iter().map(|(_, p)| p).collect())
}

/// Number of active products.
pub fn count(c: &Connection) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT count(*) FROM products WHERE active = 1")?
            .query_row([], |r| r.get(0))?,
    )
}

/// Every selling unit of a product, smallest first (to change a cart line's unit).
pub fn units_of(c: &Connection, product_id: i64) -> Result<Vec<ItemRef>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {ITEM_COLS} FROM products p JOIN product_units pu ON pu.product_id = p.id
         WHERE p.id = ?1 ORDER BY pu.factor, pu.id"
    ))?;
    let rows = st
        .query_map([product_id], item_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Set one tier's price of a selling unit.
pub fn set_unit_price(
    c: &Connection,
    unit_id: i64,
    tier: crate::domain::catalog::PriceTier,
    price: Decimal,
) -> Result<()> {
    use crate::domain::catalog::PriceTier;
    let column = match tier {
        PriceTier::Umum => "price_umum",
        PriceTier::Anggota => "price_anggota",
        PriceTier::Grosir => "price_grosir",
    };
    c.execute(
        &format!("UPDATE product_units SET {column} = ?1 WHERE id = ?2"),
        params![minor(price)?, unit_id],
    )?;
    Ok(())
}

/// Set a product's HET as the government changed it, leaving its prices as they are (so a
/// price may now be above it). Only tests do this by hand; an import refuses such a row.
#[cfg(test)]
pub(crate) fn set_het(c: &Connection, sku: &str, het: Decimal) -> Result<()> {
    c.execute(
        "UPDATE products SET het = ?1 WHERE sku = ?2",
        params![minor(het)?, sku],
    )?;
    Ok(())
}

/// The product with this SKU as it stands (active or not), with its units and barcodes:
/// what a catalog event carries. `max_per_sale` and `plu` are always `Some`.
pub fn record(c: &Connection, sku: &str) -> Result<Option<(ProductRecord, bool)>> {
    let head = opt(c
        .prepare_cached(
            "SELECT p.id, p.sku, p.name, p.business_unit, p.base_unit, p.tax_class, p.drug_class,
                    p.batch_tracked, p.weighed, p.last_cost, p.min_stock, p.nie, p.het,
                    p.max_per_sale, p.plu, p.active
             FROM products p WHERE p.sku = ?1",
        )?
        .query_row([sku], |r| {
            let (id, p) = product_head(r)?;
            Ok((id, p, r.get::<_, bool>(15)?))
        }))?;
    let Some((id, mut p, active)) = head else {
        return Ok(None);
    };
    let mut st = c.prepare_cached(
        "SELECT pu.unit, pu.factor, pu.price_umum, pu.price_anggota, pu.price_grosir,
                pu.grosir_min_qty, (SELECT group_concat(code, '|') FROM
                    (SELECT code FROM barcodes WHERE unit_id = pu.id ORDER BY code))
         FROM product_units pu WHERE pu.product_id = ?1 ORDER BY pu.factor, pu.id",
    )?;
    p.units = st
        .query_map([id], |r| {
            let codes: Option<String> = r.get(6)?;
            Ok(UnitRecord {
                unit: r.get(0)?,
                factor: qty(r.get(1)?),
                prices: UnitPrices {
                    umum: money(r.get(2)?),
                    anggota: money(r.get(3)?),
                    grosir: r.get::<_, Option<i64>>(4)?.map(money),
                    grosir_min_qty: r.get::<_, Option<i64>>(5)?.map(qty),
                },
                barcodes: codes
                    .map(|s| s.split('|').map(str::to_string).collect())
                    .unwrap_or_default(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some((p, active)))
}

/// The SKU of a selling unit.
pub fn sku_of_unit(c: &Connection, unit_id: i64) -> Result<Option<String>> {
    opt(c
        .prepare_cached(
            "SELECT p.sku FROM product_units pu JOIN products p ON p.id = pu.product_id
             WHERE pu.id = ?1",
        )?
        .query_row([unit_id], |r| r.get(0)))
}

/// Take a product off (or back onto) the catalog, keeping its history.
pub fn set_active(c: &Connection, sku: &str, active: bool) -> Result<()> {
    c.prepare_cached("UPDATE products SET active = ?2 WHERE sku = ?1")?
        .execute(params![sku, active])?;
    Ok(())
}

/// The uuid of the product with this SKU (the same on every node it travelled to).
pub fn uuid_of(c: &Connection, sku: &str) -> Result<Option<String>> {
    opt(c
        .prepare_cached("SELECT uuid FROM products WHERE sku = ?1")?
        .query_row([sku], |r| r.get(0)))
}

/// Every product's SKU, active or not.
pub fn skus(c: &Connection) -> Result<Vec<String>> {
    let mut st = c.prepare("SELECT sku FROM products ORDER BY sku")?;
    let rows = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
