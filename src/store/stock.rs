//! Stock moves (append-only) and the balances cached from them.

use rusqlite::{params, Connection, OptionalExtension};
use rust_decimal::Decimal;

use super::{milli, minor, opt};
use crate::domain::money::{money_from_minor as money, qty_from_milli as qty};
use crate::error::Result;

/// Why stock moved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MoveKind {
    Sale,
    Return,
    Receipt,
    Opname,
    WriteOff,
    Transfer,
}

impl MoveKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MoveKind::Sale => "sale",
            MoveKind::Return => "return",
            MoveKind::Receipt => "receipt",
            MoveKind::Opname => "opname",
            MoveKind::WriteOff => "writeoff",
            MoveKind::Transfer => "transfer",
        }
    }
}

/// A move to record. `qty` in base units (negative: out), `value` at cost (same sign).
pub struct NewMove<'a> {
    pub product_id: i64,
    pub batch_id: Option<i64>,
    pub kind: MoveKind,
    pub qty: Decimal,
    pub value: Decimal,
    pub at: &'a str,
    pub user_id: Option<i64>,
    pub ref_type: Option<&'a str>,
    pub ref_id: Option<i64>,
    pub note: Option<&'a str>,
}

/// A product's balance after its newest move, as stored (thousandths, minor units): one
/// step down the moves' product index, whose entries carry the balance.
pub const LAST_BALANCE: &str = "SELECT on_hand_after, value_after FROM stock_moves
     WHERE product_id = ?1 ORDER BY id DESC LIMIT 1";

/// For every product of an outer query over `products AS p`: `column` (`on_hand_after` or
/// `value_after`) of its newest move, 0 if it never moved. One covering step down the
/// moves' product index each; a join to the move row itself reads the moves table too and
/// was slower on a 1M-sale shop (`report stock --slow` 1.29 s against 1.47 s).
pub fn last_of_p(column: &str) -> String {
    format!(
        "coalesce((SELECT m.{column} FROM stock_moves m
         WHERE m.product_id = p.id ORDER BY m.id DESC LIMIT 1), 0)"
    )
}

/// Stock value at cost per business unit (every product that ever moved, active or not):
/// one step down the moves' product index per product.
pub fn value_per_unit(c: &Connection) -> Result<Vec<(String, Decimal)>> {
    let mut st = c.prepare(&format!(
        "SELECT p.business_unit, sum({}) FROM products p GROUP BY p.business_unit
         ORDER BY p.business_unit",
        last_of_p("value_after")
    ))?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, money(r.get(1)?))))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn last_balance(c: &Connection, product_id: i64) -> Result<(i64, i64)> {
    Ok(opt(c
        .prepare_cached(LAST_BALANCE)?
        .query_row([product_id], |r| Ok((r.get(0)?, r.get(1)?))))?
    .unwrap_or((0, 0)))
}

/// Record a move with the product's balance after it, and update the batch's cached
/// balance, in the caller's transaction.
pub fn record(c: &Connection, m: &NewMove) -> Result<()> {
    let (on_hand, value) = last_balance(c, m.product_id)?;
    insert_move(c, m, on_hand, value)
}

/// [`record`] for a caller that read the product's balance with [`position`] in this same
/// transaction and carries it across its moves (checkout taking a line from several
/// batches), so the balance is not read again for every move.
pub fn record_after(c: &Connection, m: &NewMove, on_hand: Decimal, value: Decimal) -> Result<()> {
    insert_move(c, m, milli(on_hand)?, minor(value)?)
}

fn insert_move(c: &Connection, m: &NewMove, on_hand: i64, value: i64) -> Result<()> {
    let q = milli(m.qty)?;
    let v = minor(m.value)?;
    c.prepare_cached(
        "INSERT INTO stock_moves(product_id, batch_id, kind, qty, value, at, user_id, ref_type, ref_id,
                                 note, on_hand_after, value_after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        m.product_id,
        m.batch_id,
        m.kind.as_str(),
        q,
        v,
        m.at,
        m.user_id,
        m.ref_type,
        m.ref_id,
        m.note,
        on_hand + q,
        value + v
    ])?;
    if let Some(b) = m.batch_id {
        c.prepare_cached("UPDATE batches SET on_hand = on_hand + ?2 WHERE id = ?1")?
            .execute(params![b, q])?;
    }
    Ok(())
}

/// On hand (base units), stock value at cost, and the last known cost per base unit.
pub fn position(c: &Connection, product_id: i64) -> Result<(Decimal, Decimal, Decimal)> {
    let (q, v) = last_balance(c, product_id)?;
    let last: i64 = c
        .prepare_cached("SELECT last_cost FROM products WHERE id = ?1")?
        .query_row([product_id], |r| r.get(0))?;
    Ok((qty(q), money(v), money(last)))
}

/// The base unit a product's stock is counted in (`pcs`, `kg`).
pub fn base_unit(c: &Connection, product_id: i64) -> Result<String> {
    Ok(
        c.prepare_cached("SELECT base_unit FROM products WHERE id = ?1")?
            .query_row([product_id], |r| r.get(0))?,
    )
}

/// Set the last known cost per base unit (after a receipt).
pub fn set_last_cost(c: &Connection, product_id: i64, cost: Decimal) -> Result<()> {
    c.prepare_cached("UPDATE products SET last_cost = ?2 WHERE id = ?1")?
        .execute(params![product_id, minor(cost)?])?;
    Ok(())
}

/// A batch of a batch-tracked product.
#[derive(Debug, Clone, PartialEq)]
pub struct BatchRow {
    pub id: i64,
    pub batch_no: String,
    pub expiry: Option<String>,
    pub on_hand: Decimal,
}

/// Batches with stock, first expiry first (FEFO order; undated batches last).
pub fn batches_with_stock(c: &Connection, product_id: i64) -> Result<Vec<BatchRow>> {
    let mut st = c.prepare_cached(
        "SELECT id, batch_no, expiry, on_hand FROM batches WHERE product_id = ?1 AND on_hand > 0
         ORDER BY expiry IS NULL, expiry, id",
    )?;
    let rows = st
        .query_map([product_id], |r| {
            Ok(BatchRow {
                id: r.get(0)?,
                batch_no: r.get(1)?,
                expiry: r.get(2)?,
                on_hand: qty(r.get(3)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The id of a product's batch, created if new. An existing batch keeps its expiry unless
/// it had none.
pub fn batch_id(
    c: &Connection,
    product_id: i64,
    batch_no: &str,
    expiry: Option<&str>,
) -> Result<i64> {
    c.prepare_cached("INSERT INTO batches(product_id, batch_no, expiry) VALUES (?1, ?2, ?3)
         ON CONFLICT(product_id, batch_no) DO UPDATE SET expiry = coalesce(batches.expiry, excluded.expiry)")?.execute(
        params![product_id, batch_no, expiry],
    )?;
    Ok(
        c.prepare_cached("SELECT id FROM batches WHERE product_id = ?1 AND batch_no = ?2")?
            .query_row(params![product_id, batch_no], |r| r.get(0))?,
    )
}

/// The batch number of a batch.
pub fn batch_no(c: &Connection, batch_id: i64) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT batch_no FROM batches WHERE id = ?1")?
            .query_row([batch_id], |r| r.get(0))
            .optional()?,
    )
}

/// The batch number and expiry date of a batch.
pub fn batch_no_expiry(c: &Connection, batch_id: i64) -> Result<Option<(String, Option<String>)>> {
    Ok(
        c.prepare_cached("SELECT batch_no, expiry FROM batches WHERE id = ?1")?
            .query_row([batch_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?,
    )
}

/// Stock of one product for the `stock` report.
#[derive(Debug, Clone, PartialEq)]
pub struct StockRow {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub business_unit: String,
    pub base_unit: String,
    pub on_hand: Decimal,
    pub value: Decimal,
    pub min_stock: Decimal,
    pub batches: Vec<BatchRow>,
}

pub(super) fn stock_cols() -> String {
    format!(
        "p.id, p.sku, p.name, p.business_unit, p.base_unit, {}, {}, p.min_stock, p.batch_tracked",
        last_of_p("on_hand_after"),
        last_of_p("value_after")
    )
}

fn stock_row(c: &Connection, r: &rusqlite::Row) -> Result<StockRow> {
    let id: i64 = r.get(0)?;
    let tracked: bool = r.get(8)?;
    Ok(StockRow {
        product_id: id,
        sku: r.get(1)?,
        name: r.get(2)?,
        business_unit: r.get(3)?,
        base_unit: r.get(4)?,
        on_hand: qty(r.get(5)?),
        value: money(r.get(6)?),
        min_stock: qty(r.get(7)?),
        batches: if tracked {
            batches_with_stock(c, id)?
        } else {
            Vec::new()
        },
    })
}

/// Stock of every active product.
pub fn all(c: &Connection) -> Result<Vec<StockRow>> {
    let mut st = c.prepare(&format!(
        "SELECT {} FROM products p WHERE p.active = 1 ORDER BY p.sku",
        stock_cols()
    ))?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(stock_row(c, r)?);
    }
    Ok(out)
}

/// Stock of one product.
pub fn of_product(c: &Connection, product_id: i64) -> Result<Option<StockRow>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {} FROM products p WHERE p.id = ?1",
        stock_cols()
    ))?;
    let mut rows = st.query([product_id])?;
    match rows.next()? {
        Some(r) => Ok(Some(stock_row(c, r)?)),
        None => Ok(None),
    }
}

/// One line of a stock card.
#[derive(Debug, Clone, PartialEq)]
pub struct MoveRow {
    pub at: String,
    pub kind: String,
    pub batch: Option<String>,
    pub qty: Decimal,
    pub value: Decimal,
    pub balance: Decimal,
    pub reference: Option<String>,
    pub user: Option<String>,
    pub note: Option<String>,
}

/// Every move of a product (or of one of its batches) in order, with the running balance.
pub fn card(c: &Connection, product_id: i64, batch_id: Option<i64>) -> Result<Vec<MoveRow>> {
    let mut st = c.prepare(
        "SELECT m.at, m.kind, b.batch_no, m.qty, m.value,
                CASE m.ref_type WHEN 'sale' THEN (SELECT number FROM sales WHERE id = m.ref_id)
                     WHEN 'receipt' THEN coalesce((SELECT doc_no FROM goods_receipts WHERE id = m.ref_id), 'receipt')
                     ELSE m.ref_type || coalesce(' ' || m.ref_id, '') END,
                u.username, m.note
         FROM stock_moves m LEFT JOIN batches b ON b.id = m.batch_id
         LEFT JOIN users u ON u.id = m.user_id
         WHERE m.product_id = ?1 AND (?2 IS NULL OR m.batch_id = ?2) ORDER BY m.id",
    )?;
    let mut balance = Decimal::ZERO;
    let rows = st
        .query_map(params![product_id, batch_id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, Option<String>>(5)?,
                r.get::<_, Option<String>>(6)?,
                r.get::<_, Option<String>>(7)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|(at, kind, batch, q, v, reference, user, note)| {
            balance += qty(q);
            MoveRow {
                at,
                kind,
                batch,
                qty: qty(q),
                value: money(v),
                balance,
                reference,
                user: user.or_else(|| Some("backoffice".into())),
                note,
            }
        })
        .collect())
}

/// Products whose balance (after their newest move) differs from the sum of their moves,
/// and batches whose cached balance does: (sku, balance, sum of moves). Empty when the
/// books agree. The moves are read once, in the order they were written (the table's own
/// order, so the pages are read one after another): a sum per product through the index
/// looked every move up in the table at random, 26× the time for 10× the shop.
pub fn mismatches(c: &Connection) -> Result<Vec<(String, Decimal, Decimal)>> {
    Ok(balances_against_moves(c)?.0)
}

/// Each product's stock value carried by its newest move (`value_after`, what every report
/// and the books read) against Σ value of its moves: (sku, recorded, sum).
pub fn value_mismatches(c: &Connection) -> Result<Vec<(String, Decimal, Decimal)>> {
    Ok(balances_against_moves(c)?.1)
}

type Mismatches = Vec<(String, Decimal, Decimal)>;

/// Quantities (products and batches) and values against the moves, in one read of them.
pub fn balances_against_moves(c: &Connection) -> Result<(Mismatches, Mismatches)> {
    use std::collections::HashMap;
    // Per product: (Σ qty, balance after its newest move, Σ value, value after it);
    // per batch: Σ qty.
    let mut products: HashMap<i64, (i64, i64, i64, i64)> = HashMap::new();
    let mut batches: HashMap<i64, i64> = HashMap::new();
    let mut st = c.prepare(
        "SELECT product_id, batch_id, qty, on_hand_after, value, value_after
         FROM stock_moves ORDER BY id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let (product, batch, q, after): (i64, Option<i64>, i64, i64) =
            (r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?);
        let (v, v_after): (i64, i64) = (r.get(4)?, r.get(5)?);
        let e = products.entry(product).or_insert((0, 0, 0, 0));
        e.0 += q;
        e.1 = after;
        e.2 += v;
        e.3 = v_after;
        if let Some(b) = batch {
            *batches.entry(b).or_insert(0) += q;
        }
    }
    let mut out = Vec::new();
    let mut values = Vec::new();
    let mut st = c.prepare("SELECT id, sku FROM products ORDER BY id")?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let (id, sku): (i64, String) = (r.get(0)?, r.get(1)?);
        let (sum, balance, value, value_after) = products.get(&id).copied().unwrap_or((0, 0, 0, 0));
        if value != value_after {
            values.push((sku.clone(), money(value_after), money(value)));
        }
        if sum != balance {
            out.push((sku, qty(balance), qty(sum)));
        }
    }
    let mut st = c.prepare(
        "SELECT b.id, p.sku || '/' || b.batch_no, b.on_hand
         FROM batches b JOIN products p ON p.id = b.product_id ORDER BY b.id",
    )?;
    let mut rows = st.query([])?;
    while let Some(r) = rows.next()? {
        let (id, name, on_hand): (i64, String, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let sum = batches.get(&id).copied().unwrap_or(0);
        if sum != on_hand {
            out.push((name, qty(on_hand), qty(sum)));
        }
    }
    Ok((out, values))
}

/// A product id by SKU or barcode.
pub fn product_id_by_code(c: &Connection, code: &str) -> Result<Option<i64>> {
    opt(c.prepare_cached("SELECT id FROM products WHERE sku = ?1 COLLATE NOCASE
         UNION ALL
         SELECT pu.product_id FROM barcodes b JOIN product_units pu ON pu.id = b.unit_id WHERE b.code = ?1
         LIMIT 1")?.query_row(
        [code],
        |r| r.get(0),
    ))
}

/// A product's batch by number.
pub fn batch_by_no(c: &Connection, product_id: i64, batch_no: &str) -> Result<Option<BatchRow>> {
    opt(c.prepare_cached("SELECT id, batch_no, expiry, on_hand FROM batches WHERE product_id = ?1 AND batch_no = ?2")?.query_row(
        params![product_id, batch_no],
        |r| {
            Ok(BatchRow {
                id: r.get(0)?,
                batch_no: r.get(1)?,
                expiry: r.get(2)?,
                on_hand: qty(r.get(3)?),
            })
        },
    ))
}

/// A batch's on hand.
pub fn batch_on_hand(c: &Connection, batch_id: i64) -> Result<Decimal> {
    Ok(qty(c
        .prepare_cached("SELECT on_hand FROM batches WHERE id = ?1")?
        .query_row([batch_id], |r| r.get(0))?))
}

/// A supplier.
#[derive(Debug, Clone, PartialEq)]
pub struct SupplierRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// Deliveries booked as owed (utang dagang), in total.
    pub owed: Decimal,
}

pub fn insert_supplier(
    c: &Connection,
    uuid: &str,
    code: &str,
    name: &str,
    phone: Option<&str>,
    address: Option<&str>,
) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO suppliers(uuid, code, name, phone, address) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![uuid, code, name, phone, address])?;
    Ok(c.last_insert_rowid())
}

/// A supplier as it travels between a coop's nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SupplierRecord {
    pub uuid: String,
    pub code: String,
    pub name: String,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub active: bool,
}

/// A supplier by its code (case-insensitive), active or not.
pub fn supplier_record(c: &Connection, code: &str) -> Result<Option<SupplierRecord>> {
    opt(c.query_row(
        "SELECT uuid, code, name, phone, address, active FROM suppliers WHERE code = ?1",
        [code],
        |r| {
            Ok(SupplierRecord {
                uuid: r.get(0)?,
                code: r.get(1)?,
                name: r.get(2)?,
                phone: r.get(3)?,
                address: r.get(4)?,
                active: r.get::<_, i64>(5)? != 0,
            })
        },
    ))
}

/// Insert or update a supplier by its code (the uuid of one already here stays).
pub fn upsert_supplier(c: &Connection, s: &SupplierRecord) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO suppliers(uuid, code, name, phone, address, active)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, phone = excluded.phone,
             address = excluded.address, active = excluded.active",
    )?
    .execute(params![
        s.uuid,
        s.code,
        s.name,
        s.phone,
        s.address,
        s.active as i64
    ])?;
    Ok(())
}

/// The id of the supplier with this code (case-insensitive), active or not: goods another
/// node received from a supplier taken off since still name it.
pub fn supplier_id_any(c: &Connection, code: &str) -> Result<Option<i64>> {
    opt(c
        .prepare_cached("SELECT id FROM suppliers WHERE code = ?1")?
        .query_row([code], |r| r.get(0)))
}

/// Every supplier's code, active or not.
pub fn supplier_codes(c: &Connection) -> Result<Vec<String>> {
    let mut st = c.prepare("SELECT code FROM suppliers ORDER BY code")?;
    let rows = st
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

const SUPPLIER_SQL: &str = "SELECT s.id, s.code, s.name, s.phone, s.address,
    coalesce((SELECT sum(total) FROM goods_receipts g WHERE g.supplier_id = s.id AND g.payment = 'credit'), 0)
    FROM suppliers s";

fn supplier_row(r: &rusqlite::Row) -> rusqlite::Result<SupplierRow> {
    Ok(SupplierRow {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        phone: r.get(3)?,
        address: r.get(4)?,
        owed: money(r.get(5)?),
    })
}

/// A supplier by code or exact name (case-insensitive).
pub fn supplier(c: &Connection, code_or_name: &str) -> Result<Option<SupplierRow>> {
    opt(c.query_row(
        &format!(
            "{SUPPLIER_SQL} WHERE s.active = 1 AND (s.code = ?1 OR s.name = ?1 COLLATE NOCASE)
             ORDER BY s.code = ?1 DESC LIMIT 1"
        ),
        [code_or_name],
        supplier_row,
    ))
}

pub fn suppliers(c: &Connection) -> Result<Vec<SupplierRow>> {
    let mut st = c.prepare(&format!(
        "{SUPPLIER_SQL} WHERE s.active = 1 ORDER BY s.code"
    ))?;
    let rows = st
        .query_map([], supplier_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A goods-received header to insert.
pub struct NewGoodsReceipt<'a> {
    pub uuid: &'a str,
    pub doc_no: &'a str,
    pub supplier_id: Option<i64>,
    pub at: &'a str,
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub payment: &'a str,
    pub total: Decimal,
    pub note: Option<&'a str>,
    /// Paid in cash from `drawer` or `safe`.
    pub paid_from: Option<&'a str>,
    /// Paid from a drawer: that till's unit.
    pub paid_unit: Option<&'a str>,
}

pub fn insert_goods_receipt(c: &Connection, g: &NewGoodsReceipt) -> Result<i64> {
    c.prepare_cached("INSERT INTO goods_receipts(uuid, doc_no, supplier_id, received_at, user_id, username, payment, total, note,
             paid_from, paid_unit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)")?.execute(
        params![
            g.uuid,
            g.doc_no,
            g.supplier_id,
            g.at,
            g.user_id,
            g.username,
            g.payment,
            minor(g.total)?,
            g.note,
            g.paid_from,
            g.paid_unit
        ],
    )?;
    Ok(c.last_insert_rowid())
}

#[allow(clippy::too_many_arguments)]
pub fn insert_goods_receipt_line(
    c: &Connection,
    receipt_id: i64,
    line_no: i64,
    product_id: i64,
    unit: &str,
    qty_: Decimal,
    base_qty: Decimal,
    cost: Decimal,
    amount: Decimal,
    batch_id: Option<i64>,
) -> Result<()> {
    c.prepare_cached("INSERT INTO goods_receipt_lines(receipt_id, line_no, product_id, unit, qty, base_qty, cost, amount, batch_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)")?.execute(
        params![
            receipt_id,
            line_no,
            product_id,
            unit,
            milli(qty_)?,
            milli(base_qty)?,
            minor(cost)?,
            minor(amount)?,
            batch_id
        ],
    )?;
    Ok(())
}

/// Goods receipts booked on a day (`YYYY-MM-DD`), for the next document number.
pub fn receipts_on(c: &Connection, date: &str) -> Result<i64> {
    Ok(c.prepare_cached(
        "SELECT count(*) FROM goods_receipts WHERE received_at >= ?1 AND received_at < date(?1, '+1 day')",
    )?
    .query_row([date], |r| r.get(0))?)
}

/// A batch with stock that expires on or before a day.
#[derive(Debug, Clone, PartialEq)]
pub struct ExpiryRow {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub business_unit: String,
    pub base_unit: String,
    pub batch_id: i64,
    pub batch_no: String,
    pub expiry: String,
    pub on_hand: Decimal,
}

/// Batches with stock expiring on or before `until`, first expiry first.
pub fn expiring(c: &Connection, until: &str) -> Result<Vec<ExpiryRow>> {
    let mut st = c.prepare(
        "SELECT p.id, p.sku, p.name, p.business_unit, p.base_unit, b.id, b.batch_no, b.expiry, b.on_hand
         FROM batches b JOIN products p ON p.id = b.product_id
         WHERE b.on_hand > 0 AND b.expiry IS NOT NULL AND b.expiry <= ?1
         ORDER BY b.expiry, p.sku, b.batch_no",
    )?;
    let rows = st
        .query_map([until], |r| {
            Ok(ExpiryRow {
                product_id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                business_unit: r.get(3)?,
                base_unit: r.get(4)?,
                batch_id: r.get(5)?,
                batch_no: r.get(6)?,
                expiry: r.get(7)?,
                on_hand: qty(r.get(8)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Sales and returns per product since `?1`, read through the moves' time index.
pub const SALES_IN_WINDOW: &str =
    "SELECT product_id, -coalesce(sum(qty), 0), max(CASE WHEN kind = 'sale' THEN at END)
     FROM stock_moves INDEXED BY stock_moves_at
     WHERE at >= ?1 AND kind IN ('sale', 'return') GROUP BY product_id";

/// Base units sold (net of returns) per product since `since` (a stored timestamp), and
/// the last time each product sold since then: only the window's moves are read, through
/// the moves' time index. [`last_sale_at`] gives the last sale before the window.
pub fn sales_in_window(
    c: &Connection,
    since: &str,
) -> Result<std::collections::HashMap<i64, (Decimal, Option<String>)>> {
    let mut st = c.prepare_cached(SALES_IN_WINDOW)?;
    sold_per_product(&mut st, since)
}

/// Rows of (product, −Σ qty, last sale) as a map of sold quantities and last sales.
fn sold_per_product(
    st: &mut rusqlite::Statement,
    since: &str,
) -> Result<std::collections::HashMap<i64, (Decimal, Option<String>)>> {
    let rows = st
        .query_map([since], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Option<String>>(2)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|(id, q, last)| (id, (qty(q), last)))
        .collect())
}

/// When a product last sold, from its newest moves back (the product's move index).
pub fn last_sale_at(c: &Connection, product_id: i64) -> Result<Option<String>> {
    opt(c
        .prepare_cached(
            "SELECT at FROM stock_moves WHERE product_id = ?1 AND kind = 'sale'
             ORDER BY id DESC LIMIT 1",
        )?
        .query_row([product_id], |r| r.get(0)))
}

/// [`sales_in_window`] and [`last_sale_at`] the plain way, reading every sale and return
/// move of the shop: the sold quantity since `since`, and the last sale ever. Tests hold
/// the fast pair to it.
pub fn sales_since(
    c: &Connection,
    since: &str,
) -> Result<std::collections::HashMap<i64, (Decimal, Option<String>)>> {
    let mut st = c.prepare(
        "SELECT product_id,
                -coalesce(sum(CASE WHEN at >= ?1 THEN qty END), 0),
                max(CASE WHEN kind = 'sale' THEN at END)
         FROM stock_moves WHERE kind IN ('sale', 'return') GROUP BY product_id",
    )?;
    sold_per_product(&mut st, since)
}

/// Movement of one product over a period, for the SIPNAP report.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodMovement {
    pub product_id: i64,
    pub sku: String,
    pub name: String,
    pub nie: Option<String>,
    pub drug_class: String,
    pub base_unit: String,
    pub opening: Decimal,
    pub received: Decimal,
    pub other_in: Decimal,
    pub sold: Decimal,
    pub other_out: Decimal,
    pub closing: Decimal,
}

/// Opening, ins, outs and closing per product of the given drug classes for
/// `from <= at < to` (stored timestamps).
pub fn movement(
    c: &Connection,
    classes: &[&str],
    from: &str,
    to: &str,
) -> Result<Vec<PeriodMovement>> {
    let list = super::text_list(classes);
    let mut st = c.prepare(&format!(
        "SELECT p.id, p.sku, p.name, p.nie, p.drug_class, p.base_unit,
            coalesce(sum(CASE WHEN m.at < ?1 THEN m.qty END), 0),
            coalesce(sum(CASE WHEN m.at >= ?1 AND m.at < ?2 AND m.kind = 'receipt' THEN m.qty END), 0),
            coalesce(sum(CASE WHEN m.at >= ?1 AND m.at < ?2 AND m.kind <> 'receipt' AND m.qty > 0 THEN m.qty END), 0),
            coalesce(sum(CASE WHEN m.at >= ?1 AND m.at < ?2 AND m.kind = 'sale' THEN -m.qty END), 0),
            coalesce(sum(CASE WHEN m.at >= ?1 AND m.at < ?2 AND m.kind <> 'sale' AND m.qty < 0 THEN -m.qty END), 0),
            coalesce(sum(CASE WHEN m.at < ?2 THEN m.qty END), 0)
         FROM products p LEFT JOIN stock_moves m ON m.product_id = p.id
         WHERE p.drug_class IN ({list}) GROUP BY p.id ORDER BY p.sku"
    ))?;
    let rows = st
        .query_map(params![from, to], |r| {
            Ok(PeriodMovement {
                product_id: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                nie: r.get(3)?,
                drug_class: r.get(4)?,
                base_unit: r.get(5)?,
                opening: qty(r.get(6)?),
                received: qty(r.get(7)?),
                other_in: qty(r.get(8)?),
                sold: qty(r.get(9)?),
                other_out: qty(r.get(10)?),
                closing: qty(r.get(11)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn mismatches_name_each_product_and_batch_whose_balance_is_not_the_sum_of_its_moves() {
        let s = crate::store::Store::open_in_memory().unwrap();
        let c = s.conn();
        c.execute_batch(
            "INSERT INTO products(id, uuid, sku, name, business_unit, base_unit, tax_class)
                 VALUES (1, 'u1', 'GULA', 'Gula', 'sembako', 'kg', 'exempt'),
                        (2, 'u2', 'OBAT', 'Obat', 'apotek', 'strip', 'exempt'),
                        (3, 'u3', 'BARU', 'Baru', 'sembako', 'pcs', 'exempt');
             INSERT INTO batches(id, product_id, batch_no, expiry) VALUES (1, 2, 'B1', '2027-01-01');",
        )
        .unwrap();
        let mv = |product_id, batch_id, q: Decimal| NewMove {
            product_id,
            batch_id,
            kind: MoveKind::Receipt,
            qty: q,
            value: q,
            at: "2026-12-01T08:00:00",
            user_id: None,
            ref_type: None,
            ref_id: None,
            note: None,
        };
        record(c, &mv(1, None, dec!(10))).unwrap();
        record(c, &mv(2, Some(1), dec!(5))).unwrap();
        record(c, &mv(1, None, dec!(-2.5))).unwrap();
        assert!(mismatches(c).unwrap().is_empty());
        // A move written with a wrong balance after it, and a batch cache that drifted.
        insert_move(c, &mv(1, None, dec!(1)), 0, 0).unwrap();
        c.execute("UPDATE batches SET on_hand = 4000 WHERE id = 1", [])
            .unwrap();
        assert_eq!(
            mismatches(c).unwrap(),
            vec![
                ("GULA".to_string(), dec!(1), dec!(8.5)),
                ("OBAT/B1".to_string(), dec!(4), dec!(5)),
            ]
        );
    }
}
