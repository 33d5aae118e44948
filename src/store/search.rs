//! Product search as the cashier types, fast at 100k products.
//!
//! `store::catalog::search_scan` is the plain rule: units of active products whose name or
//! SKU contains the needle (`LIKE '%needle%'`, ASCII case folded), ordered by name, unit
//! factor and unit id. SQLite can only answer it by scanning and sorting every product (tens of
//! milliseconds at 100k). [`search`] gives the same answer from an in-memory list of the
//! active products' names and SKUs in name order: it walks the list, stops as soon as it
//! has `limit` unit rows (plus any products of the same name), and reads only those products'
//! units from SQLite. The list is rebuilt when `catalog_version` (bumped by triggers on every
//! product insert, rename or (de)activation, from any till) changes.

use std::sync::Mutex;

use rusqlite::Connection;

use crate::domain::cart::ItemRef;
use crate::error::Result;

/// Active products, lower-cased (ASCII) name and SKU, in `ORDER BY name, id` order.
struct NameIndex {
    version: i64,
    /// `name` then `sku` of every product, back to back.
    text: String,
    /// (start of name, start of sku, end) in `text`, and the product id.
    rows: Vec<(u32, u32, u32, i64)>,
    /// The original names, for ties (same name) at the limit.
    names: Vec<Box<str>>,
}

/// The in-memory name list of one connection, built on first use.
#[derive(Default)]
pub struct NameCache(Mutex<Option<NameIndex>>);

fn catalog_version(c: &Connection) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT v FROM catalog_version WHERE id = 1")?
            .query_row([], |r| r.get(0))?,
    )
}

fn build(c: &Connection, version: i64) -> Result<NameIndex> {
    let mut st =
        c.prepare("SELECT id, name, sku FROM products WHERE active = 1 ORDER BY name, id")?;
    let mut rows = st.query([])?;
    let mut idx = NameIndex {
        version,
        text: String::new(),
        rows: Vec::new(),
        names: Vec::new(),
    };
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let name: String = r.get(1)?;
        let sku: String = r.get(2)?;
        let start = idx.text.len() as u32;
        idx.text.push_str(&name.to_ascii_lowercase());
        let mid = idx.text.len() as u32;
        idx.text.push_str(&sku.to_ascii_lowercase());
        idx.rows.push((start, mid, idx.text.len() as u32, id));
        idx.names.push(name.into_boxed_str());
    }
    idx.text.shrink_to_fit();
    idx.rows.shrink_to_fit();
    idx.names.shrink_to_fit();
    Ok(idx)
}

/// Build the name list now (e.g. while the till shows its login screen) instead of on the
/// first keystroke.
pub fn warm(c: &Connection, cache: &NameCache) -> Result<()> {
    let version = catalog_version(c)?;
    let mut guard = cache.0.lock().unwrap_or_else(|e| e.into_inner());
    if guard.as_ref().is_none_or(|i| i.version != version) {
        *guard = Some(build(c, version)?);
    }
    Ok(())
}

/// The same rows as `catalog::search_scan(c, needle, limit)`, from the name list.
pub fn search(
    c: &Connection,
    cache: &NameCache,
    needle: &str,
    limit: usize,
) -> Result<Vec<ItemRef>> {
    let needle = needle.replace(['%', '_'], "").to_ascii_lowercase();
    let version = catalog_version(c)?;
    let mut guard = cache.0.lock().unwrap_or_else(|e| e.into_inner());
    if guard.as_ref().is_none_or(|i| i.version != version) {
        *guard = Some(build(c, version)?);
    }
    let Some(idx) = guard.as_ref() else {
        return Ok(Vec::new());
    };
    let mut out: Vec<ItemRef> = Vec::new();
    let mut last_name: Option<&str> = None;
    for (k, &(start, mid, end, id)) in idx.rows.iter().enumerate() {
        let name = &idx.names[k];
        if out.len() >= limit && last_name != Some(name) {
            break;
        }
        let lname = &idx.text[start as usize..mid as usize];
        let lsku = &idx.text[mid as usize..end as usize];
        if lname.contains(&needle) || lsku.contains(&needle) {
            out.extend(super::catalog::units_of(c, id)?);
            last_name = Some(name);
        }
    }
    out.sort_by(|a, b| {
        a.name
            .cmp(&b.name)
            .then(a.factor.cmp(&b.factor))
            .then(a.unit_id.cmp(&b.unit_id))
    });
    out.truncate(limit);
    Ok(out)
}
