//! Figures for the dashboard of the treasurer and the board: daily sales per unit, member
//! share, top items, kasbon outstanding, stock value. Data only; the till draws the charts.
//!
//! Every amount is net of returns, and a return counts on the day it is taken back (its
//! business date), whatever the day of the sale — as the day close books it. A day with more
//! coming back than going out is thus below zero. Members' figures are sales to members less
//! members' returns.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{day, Shop};
use crate::domain::money::format_qty;
use crate::error::Result;
use crate::store::dashboard as q;

/// Sales of one day and product unit, net of that day's returns.
#[derive(Debug, Clone, PartialEq)]
pub struct DailySales {
    pub date: String,
    pub business_unit: String,
    /// Sold that day, before returns.
    pub gross: Decimal,
    /// Taken back that day (of sales of any day).
    pub returns: Decimal,
    /// Sales to members less members' returns.
    pub members: Decimal,
    /// Sales to others less their returns.
    pub non_members: Decimal,
    /// `gross − returns` = `members + non_members`.
    pub net: Decimal,
    /// Cost of the goods sold less the cost of those that came back.
    pub cost: Decimal,
}

/// Members' share of one day's net sales, all units together.
#[derive(Debug, Clone, PartialEq)]
pub struct DayShare {
    pub date: String,
    pub members: Decimal,
    pub non_members: Decimal,
    /// Percent to 2 decimals (0 when the day's net is not above zero).
    pub member_share_percent: Decimal,
}

/// One of the best-selling items, net of returns.
#[derive(Debug, Clone, PartialEq)]
pub struct TopItem {
    pub sku: String,
    pub name: String,
    /// Net quantity in the product's base unit.
    pub base_qty: Decimal,
    pub base_unit: String,
    /// The unit it was sold in most (by base quantity).
    pub sold_unit: String,
    /// The net quantity in `sold_unit`, when it is a whole number of them.
    pub sold_qty: Option<Decimal>,
    /// What the dashboard shows: "12 strip (48 tablet)", or "49 tablet" when not whole strips.
    pub quantity: String,
    pub amount: Decimal,
}

/// The dashboard over a date range.
#[derive(Debug, Clone, PartialEq)]
pub struct Dashboard {
    pub from: String,
    pub to: String,
    /// Per day and product unit, by date then unit.
    pub daily: Vec<DailySales>,
    /// Net sales per product unit over the range.
    pub per_unit: Vec<(String, Decimal)>,
    pub net_sales: Decimal,
    pub returns: Decimal,
    pub member_sales: Decimal,
    pub non_member_sales: Decimal,
    /// Members' share of net sales, percent to 2 decimals (0 when nothing was sold net).
    pub member_share_percent: Decimal,
    /// Members' share per day.
    pub member_share_daily: Vec<DayShare>,
    pub top_items: Vec<TopItem>,
    pub kasbon_members: i64,
    pub kasbon_outstanding: Decimal,
    /// (business unit, stock value at cost)
    pub stock_value: Vec<(String, Decimal)>,
}

/// `part` as a percentage of `all`, to 2 decimals; 0 unless `all` is above zero.
fn percent(part: Decimal, all: Decimal) -> Decimal {
    if all > Decimal::ZERO {
        (part * Decimal::ONE_HUNDRED / all).round_dp(2)
    } else {
        Decimal::ZERO
    }
}

/// "12 strip (48 tablet)" when `base` is a whole number of the unit sold most, else "49 tablet".
fn quantity_text(
    base: Decimal,
    base_unit: &str,
    unit: &str,
    factor: Decimal,
) -> (Option<Decimal>, String) {
    let base_text = format!("{} {base_unit}", format_qty(base));
    if factor.is_zero() || unit == base_unit || factor == Decimal::ONE {
        return (Some(base), base_text);
    }
    let n = base / factor;
    if n.fract().is_zero() {
        (Some(n), format!("{} {unit} ({base_text})", format_qty(n)))
    } else {
        (None, base_text)
    }
}

impl Shop {
    /// The dashboard figures for [from, to].
    pub fn dashboard(&self, from: NaiveDate, to: NaiveDate, top: usize) -> Result<Dashboard> {
        let c = self.store.conn();
        let (f, t) = (day(from), day(to));
        let mut by_day: BTreeMap<(String, String), DailySales> = BTreeMap::new();
        for (d, u, member, amount, cost) in q::daily_sales(c, &f, &t)? {
            let x = entry(&mut by_day, d, u);
            x.gross += amount;
            x.cost += cost;
            if member {
                x.members += amount;
            } else {
                x.non_members += amount;
            }
        }
        for (d, u, member, amount, cost) in q::daily_returns(c, &f, &t)? {
            let x = entry(&mut by_day, d, u);
            x.returns += amount;
            x.cost -= cost;
            if member {
                x.members -= amount;
            } else {
                x.non_members -= amount;
            }
        }
        let daily: Vec<DailySales> = by_day
            .into_values()
            .map(|mut x| {
                x.net = x.gross - x.returns;
                x
            })
            .collect();
        let mut per_unit: BTreeMap<String, Decimal> = BTreeMap::new();
        let mut shares: BTreeMap<String, (Decimal, Decimal)> = BTreeMap::new();
        for x in &daily {
            *per_unit.entry(x.business_unit.clone()).or_default() += x.net;
            let s = shares.entry(x.date.clone()).or_default();
            s.0 += x.members;
            s.1 += x.non_members;
        }
        let member_sales: Decimal = daily.iter().map(|d| d.members).sum();
        let non_member_sales: Decimal = daily.iter().map(|d| d.non_members).sum();
        let net_sales = member_sales + non_member_sales;
        let returns = daily.iter().map(|d| d.returns).sum();
        let top_items = self.top_items(&f, &t, top)?;
        let (kasbon_members, kasbon_outstanding) = q::kasbon_outstanding(c)?;
        Ok(Dashboard {
            from: f.clone(),
            to: t.clone(),
            per_unit: per_unit.into_iter().collect(),
            net_sales,
            returns,
            member_share_percent: percent(member_sales, net_sales),
            member_sales,
            non_member_sales,
            member_share_daily: shares
                .into_iter()
                .map(|(date, (m, n))| DayShare {
                    date,
                    members: m,
                    non_members: n,
                    member_share_percent: percent(m, m + n),
                })
                .collect(),
            top_items,
            kasbon_members,
            kasbon_outstanding,
            stock_value: q::stock_value(c)?,
            daily,
        })
    }
}

/// A product's net base qty, net amount, and the (unit id, base qty) it sold most in.
type Sold = (Decimal, Decimal, Option<(i64, Decimal)>);

impl Shop {
    /// The `top` best sellers over [f, t] by net amount (ties by product id), each with its
    /// net quantity in the unit it was sold in most (by base quantity; the larger unit on a
    /// tie).
    fn top_items(&self, f: &str, t: &str, top: usize) -> Result<Vec<TopItem>> {
        let c = self.store.conn();
        // product id → (net base qty, net amount, (unit id, base qty) sold most in)
        let mut per: BTreeMap<i64, Sold> = BTreeMap::new();
        for (id, unit_id, base, amount) in q::sold_by_unit(c, f, t)? {
            let e = per.entry(id).or_default();
            e.0 += base;
            e.1 += amount;
            if e.2.is_none_or(|(_, most)| base >= most) {
                e.2 = Some((unit_id, base));
            }
        }
        for (id, base, amount) in q::returned_by_product(c, f, t)? {
            let e = per.entry(id).or_default();
            e.0 -= base;
            e.1 -= amount;
        }
        let mut ranked: Vec<_> = per.into_iter().collect();
        ranked.sort_by(|a, b| b.1 .1.cmp(&a.1 .1).then(a.0.cmp(&b.0)));
        ranked.truncate(top);
        let mut out = Vec::with_capacity(ranked.len());
        for (id, (base_qty, amount, most)) in ranked {
            let Some((sku, name, base_unit)) = q::product_names(c, id)? else {
                continue;
            };
            let (unit, factor) = match most {
                Some((unit_id, _)) => q::unit_of(c, unit_id)?,
                None => None,
            }
            .unwrap_or_else(|| (base_unit.clone(), Decimal::ONE));
            let (sold_qty, quantity) = quantity_text(base_qty, &base_unit, &unit, factor);
            out.push(TopItem {
                sku,
                name,
                base_qty,
                base_unit,
                sold_unit: unit,
                sold_qty,
                quantity,
                amount,
            });
        }
        Ok(out)
    }
}

fn entry(
    by_day: &mut BTreeMap<(String, String), DailySales>,
    date: String,
    unit: String,
) -> &mut DailySales {
    by_day
        .entry((date.clone(), unit.clone()))
        .or_insert_with(|| DailySales {
            date,
            business_unit: unit,
            gross: Decimal::ZERO,
            returns: Decimal::ZERO,
            members: Decimal::ZERO,
            non_members: Decimal::ZERO,
            net: Decimal::ZERO,
            cost: Decimal::ZERO,
        })
}
