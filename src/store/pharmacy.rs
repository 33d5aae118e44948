//! Pharmacy data: per-product rules and the prescriptions behind sale lines.

use rusqlite::{params, Connection};
use rust_decimal::Decimal;

use super::milli;
use crate::domain::cart::CartLine;
use crate::domain::catalog::DrugClass;
use crate::domain::money::{money_from_minor as money, qty_from_milli as qty};
use crate::domain::pharmacy::{dispensable, ApprovedPrescription, Dispensing, RxHistory};
use crate::error::Result;

/// What the pharmacy rules need to know about a product.
#[derive(Debug, Clone, PartialEq)]
pub struct DrugRules {
    pub name: String,
    pub base_unit: String,
    pub drug_class: DrugClass,
    /// Maximum retail price per base unit.
    pub het: Option<Decimal>,
    /// Limit per sale in base units, when the product has its own.
    pub max_per_sale: Option<Decimal>,
}

pub fn rules(c: &Connection, product_id: i64) -> Result<DrugRules> {
    let (name, base_unit, class, het, max): (String, String, String, Option<i64>, Option<i64>) = c
        .prepare_cached(
            "SELECT name, base_unit, drug_class, het, max_per_sale FROM products WHERE id = ?1",
        )?
        .query_row([product_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
    Ok(DrugRules {
        name,
        base_unit,
        drug_class: DrugClass::parse(&class).unwrap_or(DrugClass::None),
        het: het.map(money),
        max_per_sale: max.map(qty),
    })
}

pub fn set_max_per_sale(c: &Connection, product_id: i64, max: Option<Decimal>) -> Result<()> {
    c.prepare_cached("UPDATE products SET max_per_sale = ?2 WHERE id = ?1")?
        .execute(params![product_id, max.map(milli).transpose()?])?;
    Ok(())
}

/// Whether a user id is an active pharmacist.
pub fn is_apoteker(c: &Connection, user_id: i64) -> Result<bool> {
    Ok(c.prepare_cached(
        "SELECT count(*) FROM users WHERE id = ?1 AND role = 'apoteker' AND active = 1",
    )?
    .query_row([user_id], |r| r.get::<_, i64>(0))?
        > 0)
}

/// Store the prescription `p` behind sale line `line_no` (`line`, which dispenses its base
/// quantity on it).
pub fn insert_prescription(
    c: &Connection,
    uuid: &str,
    sale_id: i64,
    line_no: i64,
    line: &CartLine,
    p: &ApprovedPrescription,
    at: &str,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO prescriptions(uuid, sale_id, line_no, rx_no, doctor, sip, patient, rx_date,
                                   apoteker_id, apoteker, created_at, rx_key, product_id,
                                   prescribed, iter, dispensed, age_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        uuid,
        sale_id,
        line_no,
        p.rx.number,
        p.rx.doctor,
        p.rx.sip,
        p.rx.patient,
        p.rx.date.format("%Y-%m-%d").to_string(),
        p.apoteker_id,
        p.apoteker,
        at,
        p.rx.key(),
        line.item.product_id,
        milli(p.rx.prescribed)?,
        p.rx.iter,
        milli(line.base_qty())?,
        p.age_reason,
    ])?;
    Ok(())
}

/// A prescription pulled with another till's sale, as its event carries it.
pub struct PulledPrescription<'a> {
    pub uuid: &'a str,
    pub sale_id: i64,
    pub line_no: i64,
    pub product_id: i64,
    pub number: &'a str,
    pub doctor: &'a str,
    pub sip: &'a str,
    pub patient: &'a str,
    pub date: &'a str,
    /// The approving pharmacist's username on the till that dispensed (users do not travel:
    /// no user id here).
    pub apoteker: &'a str,
    pub created_at: &'a str,
    pub prescribed: Decimal,
    pub iter: u32,
    pub dispensed: Decimal,
    pub age_reason: Option<&'a str>,
}

/// Store a prescription pulled with another till's sale as that till recorded it.
pub fn insert_pulled_prescription(c: &Connection, p: &PulledPrescription) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO prescriptions(uuid, sale_id, line_no, rx_no, doctor, sip, patient, rx_date,
                                   apoteker_id, apoteker, created_at, rx_key, product_id,
                                   prescribed, iter, dispensed, age_reason)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        p.uuid,
        p.sale_id,
        p.line_no,
        p.number,
        p.doctor,
        p.sip,
        p.patient,
        p.date,
        p.apoteker,
        p.created_at,
        crate::domain::pharmacy::rx_key(p.number, p.sip),
        p.product_id,
        milli(p.prescribed)?,
        p.iter,
        milli(p.dispensed)?,
        p.age_reason,
    ])?;
    Ok(())
}

/// One dispensing on a prescription, with the till and sale that made it.
#[derive(Debug, Clone, PartialEq)]
pub struct DispensingRow {
    pub till: String,
    pub sale_number: String,
    pub rx_no: String,
    pub sip: String,
    pub dispensed: Decimal,
}

/// Every dispensing of prescription `key` for a product, in the order this file recorded
/// them.
pub fn dispensings(c: &Connection, key: &str, product_id: i64) -> Result<Vec<DispensingRow>> {
    let mut st = c.prepare_cached(
        "SELECT s.till, s.number, r.rx_no, r.sip, r.dispensed
         FROM prescriptions r JOIN sales s ON s.id = r.sale_id
         WHERE r.rx_key = ?1 AND r.product_id = ?2
         ORDER BY r.id",
    )?;
    let rows = st
        .query_map(params![key, product_id], |r| {
            Ok(DispensingRow {
                till: r.get(0)?,
                sale_number: r.get(1)?,
                rx_no: r.get(2)?,
                sip: r.get(3)?,
                dispensed: qty(r.get(4)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// What the shop has recorded of prescription `key` for a product: the quantity and iter
/// it was first recorded with, and what every sale dispensed on it. Read inside checkout's
/// write transaction, so two tills cannot both take the last of a prescription.
pub fn history(c: &Connection, key: &str, product_id: i64) -> Result<RxHistory> {
    let (first, dispensed): (Option<(i64, u32)>, i64) = c
        .prepare_cached(
            "SELECT (SELECT prescribed FROM prescriptions
                     WHERE rx_key = ?1 AND product_id = ?2 AND prescribed IS NOT NULL
                     ORDER BY id LIMIT 1),
                    (SELECT iter FROM prescriptions
                     WHERE rx_key = ?1 AND product_id = ?2 AND prescribed IS NOT NULL
                     ORDER BY id LIMIT 1),
                    coalesce(sum(dispensed), 0)
             FROM prescriptions WHERE rx_key = ?1 AND product_id = ?2",
        )?
        .query_row(params![key, product_id], |r| {
            let p: Option<i64> = r.get(0)?;
            let i: Option<u32> = r.get(1)?;
            Ok((p.zip(i), r.get(2)?))
        })?;
    Ok(RxHistory {
        recorded: first.map(|(p, i)| (qty(p), i)),
        dispensed: qty(dispensed),
    })
}

/// The prescriptions of a sale as its receipt names them: number and the approving
/// pharmacist's name, in line order, each pair once.
pub fn receipt_prescriptions(c: &Connection, sale_id: i64) -> Result<Vec<(String, String)>> {
    let mut st = c.prepare_cached(
        "SELECT r.rx_no, coalesce(u.name, r.apoteker) FROM prescriptions r
         LEFT JOIN users u ON u.id = r.apoteker_id
         WHERE r.sale_id = ?1 ORDER BY r.line_no",
    )?;
    let rows: Vec<(String, String)> = st
        .query_map([sale_id], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut out: Vec<(String, String)> = Vec::with_capacity(rows.len());
    for r in rows {
        if !out.contains(&r) {
            out.push(r);
        }
    }
    Ok(out)
}

/// A prescription as stored, with its sale.
#[derive(Debug, Clone, PartialEq)]
pub struct PrescriptionRow {
    pub sale_number: String,
    /// The till that dispensed it (this one, or another whose sale was pulled).
    pub till: String,
    pub line_no: i64,
    pub product: String,
    pub qty: Decimal,
    pub unit: String,
    pub rx_no: String,
    pub doctor: String,
    pub sip: String,
    pub patient: String,
    pub rx_date: String,
    pub apoteker: String,
    pub created_at: String,
}

/// Prescriptions recorded for `from <= created_at < to`, or for one sale.
pub fn prescriptions(
    c: &Connection,
    from: &str,
    to: &str,
    sale: Option<&str>,
) -> Result<Vec<PrescriptionRow>> {
    let mut st = c.prepare(
        "SELECT s.number, r.line_no, l.name, l.qty, l.unit, r.rx_no, r.doctor, r.sip, r.patient,
                r.rx_date, r.apoteker, r.created_at, s.till
         FROM prescriptions r JOIN sales s ON s.id = r.sale_id
         JOIN sale_lines l ON l.sale_id = r.sale_id AND l.line_no = r.line_no
         WHERE (?3 IS NULL AND r.created_at >= ?1 AND r.created_at < ?2) OR s.number = ?3
         ORDER BY r.id",
    )?;
    let rows = st
        .query_map(params![from, to, sale], |r| {
            Ok(PrescriptionRow {
                sale_number: r.get(0)?,
                line_no: r.get(1)?,
                product: r.get(2)?,
                qty: qty(r.get(3)?),
                unit: r.get(4)?,
                rx_no: r.get(5)?,
                doctor: r.get(6)?,
                sip: r.get(7)?,
                patient: r.get(8)?,
                rx_date: r.get(9)?,
                apoteker: r.get(10)?,
                created_at: r.get(11)?,
                till: r.get(12)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One line of the psikotropika / narkotika register: a move with its prescription, if a sale.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterRow {
    pub at: String,
    pub sku: String,
    pub name: String,
    pub drug_class: String,
    pub kind: String,
    pub batch: Option<String>,
    pub qty: Decimal,
    pub balance: Decimal,
    pub reference: Option<String>,
    pub patient: Option<String>,
    pub doctor: Option<String>,
    pub rx_no: Option<String>,
    pub user: Option<String>,
    pub note: Option<String>,
    /// The product's base unit (the unit of `qty` and `balance`).
    pub base_unit: String,
    /// For a sale on a prescription that records its quantity: this dispensing, what the
    /// prescription has given up to and with it, and its total, so that a partial
    /// dispensing reads as one ("sebagian: 10 dari 30 tablet, sisa 20").
    pub rx_dispensing: Option<Dispensing>,
}

/// Every move of the drug classes `classes` (the register's: psikotropika and narkotika)
/// for `from <= at < to`, with running balances.
pub fn register(
    c: &Connection,
    classes: &[&str],
    from: &str,
    to: &str,
) -> Result<Vec<RegisterRow>> {
    let list = super::text_list(classes);
    let mut st = c.prepare(&format!(
        "SELECT m.at, p.sku, p.name, p.drug_class, m.kind, b.batch_no, m.qty,
                (SELECT coalesce(sum(qty), 0) FROM stock_moves m2 WHERE m2.product_id = m.product_id AND m2.id <= m.id),
                CASE m.ref_type WHEN 'sale' THEN s.number
                     WHEN 'receipt' THEN (SELECT doc_no FROM goods_receipts WHERE id = m.ref_id)
                     ELSE m.ref_type END,
                rx.patient, rx.doctor, rx.rx_no, u.username, m.note, p.base_unit,
                rx.dispensed,
                (SELECT sum(r2.dispensed) FROM prescriptions r2
                 WHERE r2.rx_key = rx.rx_key AND r2.product_id = rx.product_id AND r2.id <= rx.id),
                rx.prescribed, rx.iter
         FROM stock_moves m JOIN products p ON p.id = m.product_id
         LEFT JOIN batches b ON b.id = m.batch_id
         LEFT JOIN users u ON u.id = m.user_id
         LEFT JOIN sales s ON m.ref_type = 'sale' AND s.id = m.ref_id
         LEFT JOIN prescriptions rx ON m.ref_type = 'sale' AND rx.sale_id = m.ref_id
              AND rx.line_no = (SELECT min(l.line_no) FROM sale_lines l
                                WHERE l.sale_id = m.ref_id AND l.product_id = m.product_id)
         WHERE p.drug_class IN ({list}) AND m.at >= ?1 AND m.at < ?2
         ORDER BY p.sku, m.id"
    ))?;
    let rows = st
        .query_map(params![from, to], |r| {
            Ok(RegisterRow {
                at: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                drug_class: r.get(3)?,
                kind: r.get(4)?,
                batch: r.get(5)?,
                qty: qty(r.get(6)?),
                balance: qty(r.get(7)?),
                reference: r.get(8)?,
                patient: r.get(9)?,
                doctor: r.get(10)?,
                rx_no: r.get(11)?,
                user: r.get(12)?,
                note: r.get(13)?,
                base_unit: r.get(14)?,
                rx_dispensing: match (r.get::<_, Option<i64>>(17)?, r.get::<_, Option<i64>>(15)?) {
                    (Some(prescribed), Some(this)) => {
                        let class =
                            DrugClass::parse(&r.get::<_, String>(3)?).unwrap_or(DrugClass::None);
                        Some(Dispensing {
                            this: qty(this),
                            to_date: qty(r.get::<_, Option<i64>>(16)?.unwrap_or(this)),
                            total: dispensable(class, qty(prescribed), r.get(18)?),
                        })
                    }
                    _ => None,
                },
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{OpenMode, Store, APPLICATION_ID};
    use rust_decimal_macros::dec;

    /// v30 rebuilds the prescriptions and the exceptions: every row keeps its id, a pulled
    /// prescription may name a pharmacist this file has no user for, and the new kind is
    /// accepted.
    #[test]
    fn a_v29_shop_keeps_its_prescriptions_and_exceptions_through_v30() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kasir.db");
        {
            let mut c = Connection::open(&db).unwrap();
            super::super::migrations().to_version(&mut c, 29).unwrap();
            c.execute_batch(
                "INSERT INTO users(id, username, name, role, pin_hash)
                 VALUES (3, 'rina', 'apt. Rina', 'apoteker', 'x');
                 INSERT INTO products(id, uuid, sku, name, business_unit, base_unit, tax_class, drug_class)
                 VALUES (7, 'p7', 'DZP', 'Diazepam', 'apotek', 'tablet', 'ppn', 'psikotropika');
                 INSERT INTO sales(id, uuid, number, till, business_unit, business_date, created_at,
                                   cashier, gross, discount, total, rounding, payable, ppn, change_given)
                 VALUES (1, 'u1', 'n1', 't', 'apotek', '2026-03-01', 't', 'c', 0, 0, 0, 0, 0, 0, 0),
                        (2, 'u2', 'n2', 't2', 'apotek', '2026-03-01', 't', 'c', 0, 0, 0, 0, 0, 0, 0);
                 INSERT INTO prescriptions(id, uuid, sale_id, line_no, rx_no, doctor, sip, patient,
                                           rx_date, apoteker_id, apoteker, created_at, rx_key,
                                           product_id, prescribed, iter, dispensed)
                 VALUES (5, 'a', 1, 1, 'RX-3', 'dr', 'SIP1', 'p', '2026-03-01', 3, 'rina', 't',
                         'RX3|SIP1', 7, 30000, 0, 20000);
                 INSERT INTO business_exceptions(id, kind, subject, sku, figure, reason_id,
                                                 reason_en, detected_at)
                 VALUES (9, 'oversell', 'DZP', 'DZP', -1000, 'x', 'x', 't');",
            )
            .unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
        }
        let s = Store::open(&db, OpenMode::Existing).unwrap();
        let c = s.conn();
        assert_eq!(
            history(c, "RX3|SIP1", 7).unwrap(),
            RxHistory {
                recorded: Some((dec!(30), 0)),
                dispensed: dec!(20)
            }
        );
        let id: i64 = c
            .query_row("SELECT id FROM prescriptions WHERE uuid = 'a'", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(id, 5);
        insert_pulled_prescription(
            c,
            &PulledPrescription {
                uuid: "b",
                sale_id: 2,
                line_no: 1,
                product_id: 7,
                number: "rx 3",
                doctor: "dr",
                sip: "sip-1",
                patient: "p",
                date: "2026-03-01",
                apoteker: "dewi",
                created_at: "t",
                prescribed: dec!(30),
                iter: 0,
                dispensed: dec!(20),
                age_reason: None,
            },
        )
        .unwrap();
        assert_eq!(history(c, "RX3|SIP1", 7).unwrap().dispensed, dec!(40));
        let found = dispensings(c, "RX3|SIP1", 7).unwrap();
        assert_eq!(
            found
                .iter()
                .map(|d| (d.till.as_str(), d.sale_number.as_str(), d.dispensed))
                .collect::<Vec<_>>(),
            vec![("t", "n1", dec!(20)), ("t2", "n2", dec!(20))]
        );
        c.execute(
            "INSERT INTO business_exceptions(kind, subject, sku, figure, reason_id, reason_en,
                                             detected_at)
             VALUES ('rx_over_dispensed', 'RX3|SIP1/DZP', 'DZP', 40000, 'x', 'x', 't')",
            [],
        )
        .unwrap();
        let kept: (i64, String) = c
            .query_row(
                "SELECT id, kind FROM business_exceptions ORDER BY id LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!(kept, (9, "oversell".to_string()));
        assert!(c
            .execute("DELETE FROM business_exceptions WHERE id = 9", [])
            .is_err());
    }

    /// Prescriptions stored before their quantity was recorded keep counting: the
    /// migration gives each its identity (number + SIP), product and dispensed quantity.
    #[test]
    fn a_v15_shops_prescriptions_count_towards_their_totals_after_the_migration() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kasir.db");
        {
            let mut c = Connection::open(&db).unwrap();
            super::super::migrations().to_version(&mut c, 15).unwrap();
            c.execute_batch(
                "INSERT INTO users(id, username, name, role, pin_hash)
                 VALUES (3, 'rina', 'apt. Rina', 'apoteker', 'x');
                 INSERT INTO products(id, uuid, sku, name, business_unit, base_unit, tax_class, drug_class)
                 VALUES (7, 'p7', 'DZP', 'Diazepam', 'apotek', 'tablet', 'ppn', 'psikotropika');
                 INSERT INTO product_units(id, product_id, unit, factor, price_umum, price_anggota)
                 VALUES (70, 7, 'strip', 10000, 0, 0);
                 INSERT INTO sales(id, uuid, number, till, business_unit, business_date, created_at,
                                   cashier, gross, discount, total, rounding, payable, ppn, change_given)
                 VALUES (1, 'u1', 'n1', 't', 'apotek', '2026-03-01', 't', 'c', 0, 0, 0, 0, 0, 0, 0),
                        (2, 'u2', 'n2', 't', 'apotek', '2026-03-01', 't', 'c', 0, 0, 0, 0, 0, 0, 0);
                 INSERT INTO sale_lines(sale_id, line_no, product_id, unit_id, name, unit, qty,
                                        base_qty, unit_price, tier, discount, amount, tax_class,
                                        ppn, cost, business_unit)
                 VALUES (1, 1, 7, 70, 'Diazepam', 'strip', 1000, 10000, 0, 'umum', 0, 0, 'ppn', 0, 0, 'apotek'),
                        (2, 2, 7, 70, 'Diazepam', 'strip', 2000, 20000, 0, 'umum', 0, 0, 'ppn', 0, 0, 'apotek');
                 INSERT INTO prescriptions(uuid, sale_id, line_no, rx_no, doctor, sip, patient,
                                           rx_date, apoteker_id, apoteker, created_at)
                 VALUES ('a', 1, 1, 'rx-003 ', 'dr', 'sip. 503/1', 'p', '2026-03-01', 3, 'rina', 't'),
                        ('b', 2, 2, 'RX-004', 'dr', 'SIP 503/1', 'p', '2026-03-01', 3, 'rina', 't');",
            )
            .unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
        }
        let s = Store::open(&db, OpenMode::Existing).unwrap();
        let key = crate::domain::pharmacy::rx_key("RX003", "SIP503/1");
        assert_eq!(
            history(s.conn(), &key, 7).unwrap(),
            RxHistory {
                recorded: None,
                dispensed: dec!(10)
            }
        );
        assert_eq!(history(s.conn(), &key, 8).unwrap(), RxHistory::default());
        // The lookup goes through the index, not the whole history.
        let plan: String = s
            .conn()
            .query_row(
                "EXPLAIN QUERY PLAN SELECT sum(dispensed) FROM prescriptions
                 WHERE rx_key = 'x' AND product_id = 1",
                [],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("prescriptions_key"), "{plan}");
    }
}
