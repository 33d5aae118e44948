//! Pharmacy data: per-product rules and the prescriptions behind sale lines.

use rusqlite::{params, Connection};
use rust_decimal::Decimal;

use super::milli;
use crate::domain::catalog::DrugClass;
use crate::domain::money::{money_from_minor as money, qty_from_milli as qty};
use crate::domain::pharmacy::ApprovedPrescription;
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

pub fn insert_prescription(
    c: &Connection,
    uuid: &str,
    sale_id: i64,
    line_no: i64,
    p: &ApprovedPrescription,
    at: &str,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO prescriptions(uuid, sale_id, line_no, rx_no, doctor, sip, patient, rx_date,
                                   apoteker_id, apoteker, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
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
        at
    ])?;
    Ok(())
}

/// A prescription as stored, with its sale.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PrescriptionRow {
    pub sale_number: String,
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
                r.rx_date, r.apoteker, r.created_at
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
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One line of the psikotropika / narkotika register: a move with its prescription, if a sale.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
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
}

/// Every move of psikotropika and narkotika for `from <= at < to`, with running balances.
pub fn register(c: &Connection, from: &str, to: &str) -> Result<Vec<RegisterRow>> {
    let mut st = c.prepare(
        "SELECT m.at, p.sku, p.name, p.drug_class, m.kind, b.batch_no, m.qty,
                (SELECT coalesce(sum(qty), 0) FROM stock_moves m2 WHERE m2.product_id = m.product_id AND m2.id <= m.id),
                CASE m.ref_type WHEN 'sale' THEN s.number
                     WHEN 'receipt' THEN (SELECT doc_no FROM goods_receipts WHERE id = m.ref_id)
                     ELSE m.ref_type END,
                rx.patient, rx.doctor, rx.rx_no, u.username, m.note
         FROM stock_moves m JOIN products p ON p.id = m.product_id
         LEFT JOIN batches b ON b.id = m.batch_id
         LEFT JOIN users u ON u.id = m.user_id
         LEFT JOIN sales s ON m.ref_type = 'sale' AND s.id = m.ref_id
         LEFT JOIN prescriptions rx ON m.ref_type = 'sale' AND rx.sale_id = m.ref_id
              AND rx.line_no = (SELECT min(l.line_no) FROM sale_lines l
                                WHERE l.sale_id = m.ref_id AND l.product_id = m.product_id)
         WHERE p.drug_class IN ('psikotropika', 'narkotika') AND m.at >= ?1 AND m.at < ?2
         ORDER BY p.sku, m.id",
    )?;
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
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
