//! The catalog and the members between nodes: the events their use cases write (the full
//! resulting state of each product or member touched) and applying them.
//!
//! Every node applies these changes in the server's order, its own included: the server
//! gives a node back its own catalog and member events (`kasir_feed`), and per product SKU
//! and member number a node keeps the change_seq of the last change it applied
//! (`sync_versions`) and skips an older one. A node's own change not yet acknowledged by the
//! server stays as it made it: the server will order it after everything it holds now.

use std::collections::HashSet;

use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::domain::catalog::{BusinessUnit, DrugClass, TaxClass, UnitPrices};
use crate::error::{KasirError, Result};
use crate::store::catalog::{self as cat, ProductRecord, UnitRecord};
use crate::store::pull as q;
use crate::store::{members, outbox};

use rusqlite::Connection;

/// Products or members per event.
const PER_EVENT: usize = 200;

fn product_json(c: &Connection, sku: &str) -> Result<Option<Value>> {
    let Some((p, active)) = cat::record(c, sku)? else {
        return Ok(None);
    };
    let units: Vec<Value> = p
        .units
        .iter()
        .map(|u| {
            json!({
                "unit": u.unit,
                "factor": u.factor,
                "prices": {
                    "umum": u.prices.umum,
                    "anggota": u.prices.anggota,
                    "grosir": u.prices.grosir,
                    "grosir_min_qty": u.prices.grosir_min_qty,
                },
                "barcodes": u.barcodes,
            })
        })
        .collect();
    Ok(Some(json!({
        "uuid": cat::uuid_of(c, sku)?,
        "sku": p.sku,
        "name": p.name,
        "business_unit": p.business_unit.as_str(),
        "base_unit": p.base_unit,
        "tax_class": p.tax_class.as_str(),
        "drug_class": p.drug_class.as_str(),
        "batch_tracked": p.batch_tracked,
        "weighed": p.weighed,
        "cost": p.cost,
        "min_stock": p.min_stock,
        "nie": p.nie,
        "het": p.het,
        "max_per_sale": p.max_per_sale.flatten(),
        "plu": p.plu.flatten(),
        "active": active,
        "units": units,
    })))
}

/// Write [`super::sync::CATALOG_KIND`] events (in the caller's transaction) carrying the
/// state of each product in `skus` as it now stands.
pub(super) fn catalog_events(c: &Connection, till: &str, at: &str, skus: &[String]) -> Result<()> {
    for chunk in skus.chunks(PER_EVENT) {
        let mut products = Vec::with_capacity(chunk.len());
        for sku in chunk {
            if let Some(p) = product_json(c, sku)? {
                products.push(p);
            }
        }
        outbox::append_event(
            c,
            till,
            super::sync::CATALOG_KIND,
            1,
            &json!({ "products": products }),
            at,
        )?;
    }
    Ok(())
}

/// Write [`super::sync::MEMBERS_KIND`] events (in the caller's transaction) carrying the
/// state of each member in `numbers` as it now stands.
pub(super) fn member_events(
    c: &Connection,
    till: &str,
    at: &str,
    numbers: &[String],
) -> Result<()> {
    for chunk in numbers.chunks(PER_EVENT) {
        let mut list = Vec::with_capacity(chunk.len());
        for n in chunk {
            if let Some((m, active)) = members::record(c, n)? {
                list.push(json!({
                    "uuid": members::uuid_of(c, n)?,
                    "number": m.number,
                    "name": m.name,
                    "phone": m.phone,
                    "nik": m.nik,
                    "kasbon_limit": m.kasbon_limit,
                    "active": active,
                }));
            }
        }
        outbox::append_event(
            c,
            till,
            super::sync::MEMBERS_KIND,
            1,
            &json!({ "members": list }),
            at,
        )?;
    }
    Ok(())
}

#[derive(Deserialize)]
struct PricesEv {
    umum: Decimal,
    anggota: Decimal,
    grosir: Option<Decimal>,
    grosir_min_qty: Option<Decimal>,
}

#[derive(Deserialize)]
struct UnitEv {
    unit: String,
    factor: Decimal,
    prices: PricesEv,
    barcodes: Vec<String>,
}

#[derive(Deserialize)]
struct ProductEv {
    uuid: Option<String>,
    sku: String,
    name: String,
    business_unit: String,
    base_unit: String,
    tax_class: String,
    drug_class: String,
    batch_tracked: bool,
    weighed: bool,
    cost: Decimal,
    min_stock: Decimal,
    nie: Option<String>,
    het: Option<Decimal>,
    max_per_sale: Option<Decimal>,
    plu: Option<u32>,
    active: bool,
    units: Vec<UnitEv>,
}

#[derive(Deserialize)]
pub(super) struct CatalogEv {
    products: Vec<ProductEv>,
}

#[derive(Deserialize)]
struct MemberEv {
    uuid: Option<String>,
    number: String,
    name: String,
    phone: Option<String>,
    nik: Option<String>,
    kasbon_limit: Decimal,
    active: bool,
}

#[derive(Deserialize)]
pub(super) struct MembersEv {
    members: Vec<MemberEv>,
}

fn unreadable(what: &str, value: &str) -> KasirError {
    KasirError::invalid(
        format!("Kejadian katalog: {what} {value} tidak dikenal"),
        format!("Catalog event: {what} {value} is unknown"),
    )
}

/// Keys (SKUs or member numbers, under `list`/`key`) of this file's own changes the server
/// has not acknowledged yet.
pub(super) fn unacked_keys(
    c: &Connection,
    kind: &str,
    list: &str,
    key: &str,
) -> Result<HashSet<String>> {
    let mut out = HashSet::new();
    for payload in q::unacked_payloads(c, &[kind])? {
        let Ok(v) = serde_json::from_str::<Value>(&payload) else {
            continue;
        };
        for x in v[list].as_array().into_iter().flatten() {
            if let Some(k) = x[key].as_str() {
                out.insert(k.to_string());
            }
        }
    }
    Ok(out)
}

/// Apply a catalog event at `change_seq`: each product newer than the last change applied
/// to its SKU here, and not changed here since, is upserted as the event states (units,
/// barcodes and prices with it); an inactive one is taken off the catalog.
pub(super) fn apply_catalog(c: &Connection, change_seq: i64, ev: &CatalogEv) -> Result<()> {
    let mine = unacked_keys(c, super::sync::CATALOG_KIND, "products", "sku")?;
    for p in &ev.products {
        if mine.contains(&p.sku) || q::version(c, "product", &p.sku)? >= change_seq {
            continue;
        }
        let rec = ProductRecord {
            sku: p.sku.clone(),
            name: p.name.clone(),
            business_unit: BusinessUnit::parse(&p.business_unit)
                .ok_or_else(|| unreadable("unit usaha", &p.business_unit))?,
            base_unit: p.base_unit.clone(),
            tax_class: TaxClass::parse(&p.tax_class)
                .ok_or_else(|| unreadable("kelas pajak", &p.tax_class))?,
            drug_class: DrugClass::parse(&p.drug_class)
                .ok_or_else(|| unreadable("golongan obat", &p.drug_class))?,
            batch_tracked: p.batch_tracked,
            weighed: p.weighed,
            cost: p.cost,
            min_stock: p.min_stock,
            nie: p.nie.clone(),
            het: p.het,
            max_per_sale: Some(p.max_per_sale),
            plu: Some(p.plu),
            units: p
                .units
                .iter()
                .map(|u| UnitRecord {
                    unit: u.unit.clone(),
                    factor: u.factor,
                    prices: UnitPrices {
                        umum: u.prices.umum,
                        anggota: u.prices.anggota,
                        grosir: u.prices.grosir,
                        grosir_min_qty: u.prices.grosir_min_qty,
                    },
                    barcodes: u.barcodes.clone(),
                })
                .collect(),
        };
        let uuid = p.uuid.clone().unwrap_or_else(super::new_uuid);
        cat::upsert(c, &rec, &uuid)?;
        if !p.active {
            cat::set_active(c, &p.sku, false)?;
        }
        q::set_version(c, "product", &p.sku, change_seq)?;
    }
    Ok(())
}

/// Apply a members event at `change_seq`, as [`apply_catalog`] does products: the kasbon
/// balance here stays what this node's entries add up to.
pub(super) fn apply_members(c: &Connection, change_seq: i64, ev: &MembersEv) -> Result<()> {
    let mine = unacked_keys(c, super::sync::MEMBERS_KIND, "members", "number")?;
    for m in &ev.members {
        if mine.contains(&m.number) || q::version(c, "member", &m.number)? >= change_seq {
            continue;
        }
        let uuid = m.uuid.clone().unwrap_or_else(super::new_uuid);
        members::upsert(
            c,
            &uuid,
            &m.number,
            &m.name,
            m.phone.as_deref(),
            m.nik.as_deref(),
            m.kasbon_limit,
        )?;
        if !m.active {
            members::set_active(c, &m.number, false)?;
        }
        q::set_version(c, "member", &m.number, change_seq)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;
    use rust_decimal_macros::dec;

    use super::*;
    use crate::store::outbox::Pulled;
    use crate::store::Store;
    use crate::sync::Node;

    fn product(price: Decimal) -> ProductRecord {
        ProductRecord {
            sku: "KOPI".into(),
            name: "Kopi".into(),
            business_unit: BusinessUnit::Sembako,
            base_unit: "pcs".into(),
            tax_class: TaxClass::Ppn,
            drug_class: DrugClass::None,
            batch_tracked: false,
            weighed: false,
            cost: dec!(1000),
            min_stock: dec!(0),
            nie: None,
            het: None,
            max_per_sale: Some(None),
            plu: Some(None),
            units: vec![UnitRecord {
                unit: "pcs".into(),
                factor: dec!(1),
                prices: UnitPrices {
                    umum: price,
                    anggota: price,
                    grosir: None,
                    grosir_min_qty: None,
                },
                barcodes: vec![],
            }],
        }
    }

    /// The product at `price` set on `s` and its catalog event under `till` (unacknowledged).
    fn change(s: &Store, till: &str, price: Decimal) -> crate::store::outbox::Event {
        s.write(|tx| {
            cat::upsert(tx, &product(price), "u-kopi")?;
            catalog_events(tx, till, "2026-12-02 10:00:00", &["KOPI".to_string()])
        })
        .unwrap();
        outbox::pending(s.conn(), till, 100).unwrap().pop().unwrap()
    }

    fn price(s: &Store) -> Decimal {
        cat::record(s.conn(), "KOPI").unwrap().unwrap().0.units[0]
            .prices
            .umum
    }

    fn apply(s: &Store, change_seq: i64, event: crate::store::outbox::Event) {
        let mut node = super::super::pull::StoreNode {
            store: s,
            now: NaiveDateTime::parse_from_str("2026-12-02 11:00:00", "%Y-%m-%d %H:%M:%S").unwrap(),
        };
        let done = node.apply(&[Pulled { change_seq, event }]).unwrap();
        assert_eq!(done.exceptions, 0);
    }

    #[test]
    fn a_change_applies_in_the_servers_order_and_never_over_an_own_change_still_waiting() {
        let here = Store::open_in_memory().unwrap();
        let there = Store::open_in_memory().unwrap();
        here.write(|tx| cat::upsert(tx, &product(dec!(100)), "u-kopi"))
            .unwrap();
        let newer = change(&there, "other", dec!(300));
        let older = change(&there, "other", dec!(200));
        apply(&here, 5, newer);
        assert_eq!(price(&here), dec!(300));
        // An older change in the server's order does not undo a newer one.
        apply(&here, 3, older);
        assert_eq!(price(&here), dec!(300));
        // This node's own change, not yet on the server, stays until it comes back.
        let mine = change(&here, "mine", dec!(400));
        apply(&here, 7, change(&there, "other", dec!(500)));
        assert_eq!(price(&here), dec!(400));
        here.write(|tx| outbox::ack_through(tx, "mine", mine.seq))
            .unwrap();
        apply(&here, 8, mine);
        assert_eq!(price(&here), dec!(400));
        apply(&here, 9, change(&there, "other", dec!(600)));
        assert_eq!(price(&here), dec!(600));
        // No event written while applying.
        assert_eq!(outbox::pending(here.conn(), "mine", 100).unwrap(), vec![]);
        assert_eq!(outbox::last_seq(here.conn(), "mine").unwrap(), 1);
    }
}
