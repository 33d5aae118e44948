//! Sales: header, lines, tenders.

use rusqlite::{params, Connection, Row};
use rust_decimal::Decimal;

use super::{milli, minor, opt};
use crate::domain::money::{money_from_minor as money, qty_from_milli as qty};
use crate::error::Result;

/// A sale header to insert.
pub struct NewSale<'a> {
    pub uuid: &'a str,
    pub number: &'a str,
    pub till: &'a str,
    pub shift_id: Option<i64>,
    pub business_unit: &'a str,
    pub business_date: &'a str,
    pub created_at: &'a str,
    pub user_id: Option<i64>,
    pub cashier: &'a str,
    pub member_id: Option<i64>,
    pub gross: Decimal,
    pub discount: Decimal,
    pub total: Decimal,
    pub rounding: Decimal,
    pub payable: Decimal,
    pub ppn: Decimal,
    pub change: Decimal,
}

/// A sale line to insert.
pub struct NewLine<'a> {
    pub line_no: i64,
    pub product_id: i64,
    pub unit_id: i64,
    pub name: &'a str,
    pub unit: &'a str,
    pub qty: Decimal,
    pub base_qty: Decimal,
    pub unit_price: Decimal,
    pub tier: &'a str,
    pub discount: Decimal,
    pub amount: Decimal,
    pub tax_class: &'a str,
    pub ppn: Decimal,
    pub cost: Decimal,
    pub business_unit: &'a str,
}

/// The number of sales a till has made on a day, counted (the slow, obvious way; tests hold
/// [`last_seq_for_till_day`] to it).
pub fn count_for_till_day(c: &Connection, till: &str, date: &str) -> Result<i64> {
    Ok(
        c.prepare_cached("SELECT count(*) FROM sales WHERE till = ?1 AND business_date = ?2")?
            .query_row(params![till, date], |r| r.get(0))?,
    )
}

/// The number of a till's last sale of a day (`?1` till, `?2` date).
pub const LAST_OF_TILL_DAY: &str =
    "SELECT number FROM sales WHERE business_date = ?2 AND till = ?1 ORDER BY id DESC LIMIT 1";

/// The sequence number of a till's last sale of a day (0 before the first), read from that
/// sale's number (`TILL-YYYYMMDD-NNNN`) through the `sales_day_till` index: one b-tree
/// descent however many sales the day already has.
pub fn last_seq_for_till_day(c: &Connection, till: &str, date: &str) -> Result<i64> {
    let last: Option<String> = opt(c
        .prepare_cached(LAST_OF_TILL_DAY)?
        .query_row(params![till, date], |r| r.get(0)))?;
    match last {
        None => Ok(0),
        Some(n) => match n.rsplit('-').next().and_then(|s| s.parse::<i64>().ok()) {
            Some(seq) => Ok(seq),
            // A number not in the till's own pattern: fall back to counting.
            None => count_for_till_day(c, till, date),
        },
    }
}

pub fn insert(c: &Connection, s: &NewSale) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO sales(uuid, number, till, business_unit, business_date, created_at, user_id,
                           cashier, member_id, gross, discount, total, rounding, payable, ppn, change_given,
                           shift_id)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
    )?
    .execute(params![
        s.uuid,
        s.number,
        s.till,
        s.business_unit,
        s.business_date,
        s.created_at,
        s.user_id,
        s.cashier,
        s.member_id,
        minor(s.gross)?,
        minor(s.discount)?,
        minor(s.total)?,
        minor(s.rounding)?,
        minor(s.payable)?,
        minor(s.ppn)?,
        minor(s.change)?,
        s.shift_id,
    ])?;
    Ok(c.last_insert_rowid())
}

pub fn insert_line(c: &Connection, sale_id: i64, l: &NewLine) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO sale_lines(sale_id, line_no, product_id, unit_id, name, unit, qty, base_qty,
            unit_price, tier, discount, amount, tax_class, ppn, cost, business_unit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
    )?
    .execute(params![
        sale_id,
        l.line_no,
        l.product_id,
        l.unit_id,
        l.name,
        l.unit,
        milli(l.qty)?,
        milli(l.base_qty)?,
        minor(l.unit_price)?,
        l.tier,
        minor(l.discount)?,
        minor(l.amount)?,
        l.tax_class,
        minor(l.ppn)?,
        minor(l.cost)?,
        l.business_unit,
    ])?;
    Ok(())
}

pub fn insert_tender(
    c: &Connection,
    sale_id: i64,
    seq: i64,
    kind: &str,
    amount: Decimal,
    reference: Option<&str>,
) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO sale_tenders(sale_id, seq, kind, amount, reference) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![sale_id, seq, kind, minor(amount)?, reference])?;
    Ok(())
}

/// A stored sale with its lines and tenders.
#[derive(Debug, Clone, PartialEq)]
pub struct SaleRecord {
    pub id: i64,
    pub uuid: String,
    pub number: String,
    pub till: String,
    pub business_unit: String,
    pub business_date: String,
    pub created_at: String,
    pub cashier: String,
    pub member_number: Option<String>,
    pub member_name: Option<String>,
    pub gross: Decimal,
    pub discount: Decimal,
    pub total: Decimal,
    pub rounding: Decimal,
    pub payable: Decimal,
    pub ppn: Decimal,
    pub change: Decimal,
    pub status: String,
    pub lines: Vec<SaleLineRecord>,
    pub tenders: Vec<TenderRecord>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct SaleLineRecord {
    pub line_no: i64,
    pub sku: String,
    pub name: String,
    pub unit: String,
    pub qty: Decimal,
    pub base_qty: Decimal,
    pub unit_price: Decimal,
    pub tier: String,
    pub discount: Decimal,
    pub amount: Decimal,
    pub ppn: Decimal,
    pub cost: Decimal,
    pub business_unit: String,
    /// `ppn` or `exempt`.
    pub tax_class: String,
    /// Sold by weight (the product's flag): shown to the gram.
    pub weighed: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TenderRecord {
    pub kind: String,
    pub amount: Decimal,
    pub reference: Option<String>,
}

const HEAD: &str = "s.id, s.uuid, s.number, s.till, s.business_unit, s.business_date, s.created_at,
    s.cashier, m.number, m.name, s.gross, s.discount, s.total, s.rounding, s.payable, s.ppn,
    s.change_given, s.status";

fn head(r: &Row) -> rusqlite::Result<SaleRecord> {
    Ok(SaleRecord {
        id: r.get(0)?,
        uuid: r.get(1)?,
        number: r.get(2)?,
        till: r.get(3)?,
        business_unit: r.get(4)?,
        business_date: r.get(5)?,
        created_at: r.get(6)?,
        cashier: r.get(7)?,
        member_number: r.get(8)?,
        member_name: r.get(9)?,
        gross: money(r.get(10)?),
        discount: money(r.get(11)?),
        total: money(r.get(12)?),
        rounding: money(r.get(13)?),
        payable: money(r.get(14)?),
        ppn: money(r.get(15)?),
        change: money(r.get(16)?),
        status: r.get(17)?,
        lines: Vec::new(),
        tenders: Vec::new(),
    })
}

fn fill(c: &Connection, s: &mut SaleRecord) -> Result<()> {
    let mut st = c.prepare_cached(
        "SELECT l.line_no, p.sku, l.name, l.unit, l.qty, l.base_qty, l.unit_price, l.tier,
                l.discount, l.amount, l.ppn, l.cost, l.business_unit, l.tax_class, p.weighed
         FROM sale_lines l JOIN products p ON p.id = l.product_id
         WHERE l.sale_id = ?1 ORDER BY l.line_no",
    )?;
    s.lines = st
        .query_map([s.id], |r| {
            Ok(SaleLineRecord {
                line_no: r.get(0)?,
                sku: r.get(1)?,
                name: r.get(2)?,
                unit: r.get(3)?,
                qty: qty(r.get(4)?),
                base_qty: qty(r.get(5)?),
                unit_price: money(r.get(6)?),
                tier: r.get(7)?,
                discount: money(r.get(8)?),
                amount: money(r.get(9)?),
                ppn: money(r.get(10)?),
                cost: money(r.get(11)?),
                business_unit: r.get(12)?,
                tax_class: r.get(13)?,
                weighed: r.get(14)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = c.prepare_cached(
        "SELECT kind, amount, reference FROM sale_tenders WHERE sale_id = ?1 ORDER BY seq",
    )?;
    s.tenders = st
        .query_map([s.id], |r| {
            Ok(TenderRecord {
                kind: r.get(0)?,
                amount: money(r.get(1)?),
                reference: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(())
}

pub fn by_number(c: &Connection, number: &str) -> Result<Option<SaleRecord>> {
    let found = opt(c.query_row(
        &format!(
            "SELECT {HEAD} FROM sales s LEFT JOIN members m ON m.id = s.member_id WHERE s.number = ?1"
        ),
        [number],
        head,
    ))?;
    match found {
        Some(mut s) => {
            fill(c, &mut s)?;
            Ok(Some(s))
        }
        None => Ok(None),
    }
}

/// The newest sale of a till on business day `date` (`YYYY-MM-DD`), with lines and tenders:
/// the "last receipt", also after a restart. One step down `sales_day_till`.
pub fn last_for_till(c: &Connection, till: &str, date: &str) -> Result<Option<SaleRecord>> {
    let found = opt(c.query_row(
        &format!(
            "SELECT {HEAD} FROM sales s LEFT JOIN members m ON m.id = s.member_id
             WHERE s.business_date = ?2 AND s.till = ?1 ORDER BY s.id DESC LIMIT 1"
        ),
        [till, date],
        head,
    ))?;
    match found {
        Some(mut s) => {
            fill(c, &mut s)?;
            Ok(Some(s))
        }
        None => Ok(None),
    }
}

/// Every sale of a business day, with lines and tenders, in order.
pub fn by_date(c: &Connection, date: &str) -> Result<Vec<SaleRecord>> {
    let mut st = c.prepare(&format!(
        "SELECT {HEAD} FROM sales s LEFT JOIN members m ON m.id = s.member_id
         WHERE s.business_date = ?1 ORDER BY s.id"
    ))?;
    let mut sales: Vec<SaleRecord> = st
        .query_map([date], head)?
        .collect::<rusqlite::Result<_>>()?;
    for s in &mut sales {
        fill(c, s)?;
    }
    Ok(sales)
}

/// Total number of sales in the shop.
pub fn count(c: &Connection) -> Result<i64> {
    Ok(c.prepare_cached("SELECT count(*) FROM sales")?
        .query_row([], |r| r.get(0))?)
}

/// Keep the document a sale's receipt printed (JSON), in the sale's transaction.
pub fn insert_receipt_document(c: &Connection, sale_id: i64, json: &str) -> Result<()> {
    c.prepare_cached("INSERT INTO sale_receipts(sale_id, document) VALUES (?1, ?2)")?
        .execute(rusqlite::params![sale_id, json])?;
    Ok(())
}

/// The document a sale's receipt printed, if kasir kept it (sales since schema v16).
pub fn receipt_document(c: &Connection, sale_id: i64) -> Result<Option<String>> {
    opt(c
        .prepare_cached("SELECT document FROM sale_receipts WHERE sale_id = ?1")?
        .query_row([sale_id], |r| r.get(0)))
}

/// What the day close books of one sale: its counter's unit, whether a member bought, the
/// change and rounding, each line's unit, amount and PPN, and each tender's kind and amount.
#[derive(Debug, Clone, PartialEq)]
pub struct SalePosting {
    pub business_unit: String,
    pub member: bool,
    pub change: Decimal,
    pub rounding: Decimal,
    /// (unit, amount, PPN) per line, in line order.
    pub lines: Vec<(String, Decimal, Decimal)>,
    /// (kind, amount) per tender, in tender order.
    pub tenders: Vec<(String, Decimal)>,
}

/// [`SalePosting`] of every sale of business day `date`, in sale order: three reads of the
/// day's rows through the day's sales, not a lookup of lines, tenders and each line's
/// product per sale as [`by_date`] makes (the day close reads ~100,000 lines).
pub fn postings_on(c: &Connection, date: &str) -> Result<Vec<SalePosting>> {
    let mut st = c.prepare_cached(
        "SELECT id, business_unit, member_id IS NOT NULL, change_given, rounding FROM sales
         WHERE business_date = ?1 ORDER BY id",
    )?;
    let mut ids = Vec::new();
    let mut out: Vec<SalePosting> = st
        .query_map([date], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                SalePosting {
                    business_unit: r.get(1)?,
                    member: r.get(2)?,
                    change: money(r.get(3)?),
                    rounding: money(r.get(4)?),
                    lines: Vec::new(),
                    tenders: Vec::new(),
                },
            ))
        })?
        .map(|row| {
            row.map(|(id, p)| {
                ids.push(id);
                p
            })
        })
        .collect::<rusqlite::Result<_>>()?;
    // Sale ids come in order, so a sale's place is found by binary search.
    let at = |id: i64| ids.binary_search(&id).ok();
    let mut st = c.prepare_cached(
        "SELECT l.sale_id, l.business_unit, l.amount, l.ppn
         FROM sales s JOIN sale_lines l ON l.sale_id = s.id
         WHERE s.business_date = ?1 ORDER BY l.sale_id, l.line_no",
    )?;
    let mut rows = st.query([date])?;
    while let Some(r) = rows.next()? {
        if let Some(i) = at(r.get(0)?) {
            out[i]
                .lines
                .push((r.get(1)?, money(r.get(2)?), money(r.get(3)?)));
        }
    }
    let mut st = c.prepare_cached(
        "SELECT t.sale_id, t.kind, t.amount FROM sales s JOIN sale_tenders t ON t.sale_id = s.id
         WHERE s.business_date = ?1 ORDER BY t.sale_id, t.seq",
    )?;
    let mut rows = st.query([date])?;
    while let Some(r) = rows.next()? {
        if let Some(i) = at(r.get(0)?) {
            out[i].tenders.push((r.get(1)?, money(r.get(2)?)));
        }
    }
    Ok(out)
}
