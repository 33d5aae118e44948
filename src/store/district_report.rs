//! The district's reports read from its report tables (district schema Version 2, kept up
//! to date by a trigger as events are stored): each query reads the small aggregates, never
//! the events, through the `district_v_*` views and `district_kasbon`, so a role granted
//! `kasir_district_reader` runs every report. Amounts come back as exact decimals (numeric
//! read as text).

use chrono::NaiveDate;
use postgres::Client;
use rust_decimal::Decimal;

use crate::error::{KasirError, Result};
use crate::store::coop::{config, connect, pg_error};

/// A connection to the district's database at `url` (an owner's or a reader's address).
pub fn open(url: &str) -> Result<Client> {
    connect(&config(url)?)
}

fn dec(s: Option<String>) -> Result<Decimal> {
    match s {
        None => Ok(Decimal::ZERO),
        Some(s) => s.parse::<Decimal>().map(|d| d.normalize()).map_err(|e| {
            KasirError::invalid(
                format!("Angka dari server distrik tidak terbaca: {s} ({e})"),
                format!("A figure from the district's server does not read: {s} ({e})"),
            )
        }),
    }
}

/// Sales of one coop, business unit and day.
#[derive(Debug, Clone, PartialEq)]
pub struct SalesRow {
    pub coop_id: String,
    pub coop_name: String,
    pub day: String,
    pub business_unit: String,
    pub sales: i64,
    pub returns_count: i64,
    pub gross: Decimal,
    pub returns: Decimal,
    pub net: Decimal,
    pub members: Decimal,
    pub non_members: Decimal,
    pub cost: Decimal,
}

/// Sales per coop, business unit and day over [from, to] (business dates).
pub fn sales(c: &mut Client, from: NaiveDate, to: NaiveDate) -> Result<Vec<SalesRow>> {
    let rows = c
        .query(
            "SELECT d.coop_id, COALESCE(d.coop_name, ''), d.day::text, d.business_unit, d.sales,
                    d.returns_count, d.gross::text, d.returns::text, d.net::text,
                    d.members::text, d.non_members::text, d.cost::text
             FROM district_v_sales_daily d
             WHERE d.day BETWEEN $1::text::date AND $2::text::date
             ORDER BY d.coop_id, d.day, d.business_unit",
            &[&from.to_string(), &to.to_string()],
        )
        .map_err(|e| pg_error("district sales", e))?;
    rows.iter()
        .map(|r| {
            Ok(SalesRow {
                coop_id: r.get(0),
                coop_name: r.get(1),
                day: r.get(2),
                business_unit: r.get(3),
                sales: r.get(4),
                returns_count: r.get(5),
                gross: dec(r.get(6))?,
                returns: dec(r.get(7))?,
                net: dec(r.get(8))?,
                members: dec(r.get(9))?,
                non_members: dec(r.get(10))?,
                cost: dec(r.get(11))?,
            })
        })
        .collect()
}

/// Members' share of one coop's net sales over a range, per business unit (`None`: all
/// units of the coop).
#[derive(Debug, Clone, PartialEq)]
pub struct ShareRow {
    pub coop_id: String,
    pub coop_name: String,
    pub business_unit: Option<String>,
    pub members: Decimal,
    pub non_members: Decimal,
    pub net: Decimal,
    /// Percent to 2 decimals; 0 when net is not above zero.
    pub member_share_percent: Decimal,
}

/// Members' and others' net purchases per coop and unit, and per coop, over [from, to].
pub fn member_share(c: &mut Client, from: NaiveDate, to: NaiveDate) -> Result<Vec<ShareRow>> {
    let rows = c
        .query(
            "SELECT d.coop_id, COALESCE(max(d.coop_name), ''), d.business_unit,
                    sum(d.members)::text, sum(d.non_members)::text,
                    sum(d.gross - d.returns)::text,
                    (CASE WHEN sum(d.gross - d.returns) > 0
                          THEN round(sum(d.members) * 100 / sum(d.gross - d.returns), 2)
                          ELSE 0 END)::text
             FROM district_v_sales_daily d
             WHERE d.day BETWEEN $1::text::date AND $2::text::date
             GROUP BY GROUPING SETS ((d.coop_id, d.business_unit), (d.coop_id))
             ORDER BY d.coop_id, d.business_unit NULLS LAST",
            &[&from.to_string(), &to.to_string()],
        )
        .map_err(|e| pg_error("district member share", e))?;
    rows.iter()
        .map(|r| {
            Ok(ShareRow {
                coop_id: r.get(0),
                coop_name: r.get(1),
                business_unit: r.get(2),
                members: dec(r.get(3))?,
                non_members: dec(r.get(4))?,
                net: dec(r.get(5))?,
                member_share_percent: dec(r.get(6))?,
            })
        })
        .collect()
}

/// Stock value of one coop and business unit, now.
#[derive(Debug, Clone, PartialEq)]
pub struct StockRow {
    pub coop_id: String,
    pub coop_name: String,
    pub business_unit: String,
    pub products: i64,
    pub below_zero: i64,
    pub value: Decimal,
}

/// Stock value per coop and business unit, as of the last event stored.
pub fn stock(c: &mut Client) -> Result<Vec<StockRow>> {
    let rows = c
        .query(
            "SELECT v.coop_id, COALESCE(v.coop_name, ''), v.business_unit, v.products,
                    v.below_zero, v.value::text
             FROM district_v_stock_value v ORDER BY v.coop_id, v.business_unit",
            &[],
        )
        .map_err(|e| pg_error("district stock", e))?;
    rows.iter()
        .map(|r| {
            Ok(StockRow {
                coop_id: r.get(0),
                coop_name: r.get(1),
                business_unit: r.get(2),
                products: r.get(3),
                below_zero: r.get(4),
                value: dec(r.get(5))?,
            })
        })
        .collect()
}

/// Kasbon of one coop as of a day.
#[derive(Debug, Clone, PartialEq)]
pub struct KasbonRow {
    pub coop_id: String,
    pub coop_name: String,
    /// Members owing something.
    pub members_owing: i64,
    pub outstanding: Decimal,
    /// Members with kasbon older than the overdue days unpaid.
    pub members_overdue: i64,
    pub overdue: Decimal,
    /// The oldest day whose kasbon is not all repaid (FIFO), over the coop's members.
    pub oldest_unpaid: Option<String>,
}

/// Kasbon per coop as of `as_of`: outstanding, and the part older than `days` days unpaid
/// (repayments pay the oldest kasbon first).
pub fn kasbon(c: &mut Client, as_of: NaiveDate, days: i32) -> Result<Vec<KasbonRow>> {
    let rows = c
        .query(
            "SELECT k.coop_id, COALESCE(max(c.coop_name), ''),
                    count(*) FILTER (WHERE k.outstanding > 0),
                    sum(k.outstanding)::text,
                    count(*) FILTER (WHERE k.overdue > 0),
                    sum(k.overdue)::text,
                    min(k.oldest_unpaid)::text
             FROM district_kasbon($1::text::date, $2) k
             LEFT JOIN district_v_coops c ON c.coop_id = k.coop_id
             GROUP BY k.coop_id ORDER BY k.coop_id",
            &[&as_of.to_string(), &days],
        )
        .map_err(|e| pg_error("district kasbon", e))?;
    rows.iter()
        .map(|r| {
            Ok(KasbonRow {
                coop_id: r.get(0),
                coop_name: r.get(1),
                members_owing: r.get(2),
                outstanding: dec(r.get(3))?,
                members_overdue: r.get(4),
                overdue: dec(r.get(5))?,
                oldest_unpaid: r.get(6),
            })
        })
        .collect()
}

/// The SHU basis of one coop and year: members' purchases net of returns.
#[derive(Debug, Clone, PartialEq)]
pub struct ShuRow {
    pub coop_id: String,
    pub coop_name: String,
    pub year: i32,
    /// Members who bought (net purchases above zero).
    pub members: i64,
    pub sembako: Decimal,
    pub apotek: Decimal,
    /// Sum over members of their net purchases, a member below zero counting as zero (as
    /// the coop's SHU shares the jasa usaha pool).
    pub shu_basis: Decimal,
}

/// The SHU basis per coop for each year from `from`'s to `to`'s.
pub fn shu(c: &mut Client, from_year: i32, to_year: i32) -> Result<Vec<ShuRow>> {
    let rows = c
        .query(
            "SELECT s.coop_id, COALESCE(max(c.coop_name), ''), s.year,
                    count(*) FILTER (WHERE s.shu_basis > 0),
                    COALESCE(sum(s.sembako), 0)::text, COALESCE(sum(s.apotek), 0)::text,
                    sum(s.shu_basis)::text
             FROM district_v_shu_basis s LEFT JOIN district_v_coops c ON c.coop_id = s.coop_id
             WHERE s.year BETWEEN $1 AND $2
             GROUP BY s.coop_id, s.year ORDER BY s.coop_id, s.year",
            &[&from_year, &to_year],
        )
        .map_err(|e| pg_error("district shu", e))?;
    rows.iter()
        .map(|r| {
            Ok(ShuRow {
                coop_id: r.get(0),
                coop_name: r.get(1),
                year: r.get(2),
                members: r.get(3),
                sembako: dec(r.get(4))?,
                apotek: dec(r.get(5))?,
                shu_basis: dec(r.get(6))?,
            })
        })
        .collect()
}

/// A registered coop and when its last event arrived.
#[derive(Debug, Clone, PartialEq)]
pub struct CoopSeen {
    pub coop_id: String,
    pub coop_name: String,
    /// UTC, `YYYY-MM-DD HH:MM:SS`; none: never reported.
    pub last_received: Option<String>,
    /// Whole days since then (since registering, for a coop that never reported).
    pub days_silent: i64,
}

/// Every registered coop with when its last event arrived, by coop id.
pub fn coops_seen(c: &mut Client) -> Result<Vec<CoopSeen>> {
    let rows = c
        .query(
            "SELECT c.coop_id, c.coop_name,
                    to_char(c.last_received AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                    c.days_silent::bigint
             FROM district_v_coops c ORDER BY c.coop_id",
            &[],
        )
        .map_err(|e| pg_error("district coops", e))?;
    Ok(rows
        .iter()
        .map(|r| CoopSeen {
            coop_id: r.get(0),
            coop_name: r.get(1),
            last_received: r.get(2),
            days_silent: r.get(3),
        })
        .collect())
}
