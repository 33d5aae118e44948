//! Bulk inserts for generated shops: plain INSERTs through cached prepared statements, for
//! products known to be new (no upsert, no lookups).

use rusqlite::{params, Connection};

use super::{milli, minor};
use crate::error::Result;
use crate::store::catalog::ProductRecord;

/// Insert a new product with its units and barcodes; returns the product id and the unit ids
/// in the order of `p.units`. A SKU or barcode that exists already is refused by SQLite.
pub fn insert_product(c: &Connection, p: &ProductRecord, uuid: &str) -> Result<(i64, Vec<i64>)> {
    c.prepare_cached(
        "INSERT INTO products(uuid, sku, name, business_unit, base_unit, tax_class, drug_class,
                              batch_tracked, weighed, min_stock, nie, het, last_cost)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
    )?
    .execute(params![
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
    ])?;
    let product_id = c.last_insert_rowid();
    let mut unit_ids = Vec::with_capacity(p.units.len());
    for u in &p.units {
        c.prepare_cached(
            "INSERT INTO product_units(product_id, unit, factor, price_umum, price_anggota,
                                       price_grosir, grosir_min_qty)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
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
        let unit_id = c.last_insert_rowid();
        for code in &u.barcodes {
            c.prepare_cached("INSERT INTO barcodes(code, unit_id) VALUES (?1, ?2)")?
                .execute(params![code, unit_id])?;
        }
        unit_ids.push(unit_id);
    }
    Ok((product_id, unit_ids))
}

/// How many products the shop has, active or not (the next generated product's number).
pub fn product_count(c: &Connection) -> Result<i64> {
    Ok(c.prepare_cached("SELECT count(*) FROM products")?
        .query_row([], |r| r.get(0))?)
}

/// How many members the shop has (the next generated member's number).
pub fn member_count(c: &Connection) -> Result<i64> {
    Ok(c.prepare_cached("SELECT count(*) FROM members")?
        .query_row([], |r| r.get(0))?)
}

/// Products of the demo and of a generated catalog (SKUs `G…`): (demo, generated).
pub fn generated_split(c: &Connection) -> Result<(i64, i64)> {
    Ok(c.prepare_cached(
        "SELECT count(*) FILTER (WHERE sku NOT GLOB 'G[0-9]*'),
                count(*) FILTER (WHERE sku GLOB 'G[0-9]*')
         FROM products",
    )?
    .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))?)
}
