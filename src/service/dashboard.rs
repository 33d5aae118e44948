//! Figures for the dashboard of the treasurer and the board: daily sales per unit, member
//! share, top items, kasbon outstanding, stock value. Data only; the till draws the charts.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::{day, Shop};
use crate::error::Result;
use crate::store::dashboard as q;

/// Sales of one day and unit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DailySales {
    pub date: String,
    pub business_unit: String,
    pub members: Decimal,
    pub non_members: Decimal,
    pub returns: Decimal,
    pub cost: Decimal,
}

/// One of the best-selling items.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TopItem {
    pub sku: String,
    pub name: String,
    pub base_qty: Decimal,
    pub amount: Decimal,
}

/// The dashboard over a date range.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Dashboard {
    pub from: String,
    pub to: String,
    pub daily: Vec<DailySales>,
    pub member_sales: Decimal,
    pub non_member_sales: Decimal,
    /// Members' share of sales, percent to 2 decimals (0 when nothing was sold).
    pub member_share_percent: Decimal,
    pub top_items: Vec<TopItem>,
    pub kasbon_members: i64,
    pub kasbon_outstanding: Decimal,
    /// (business unit, stock value at cost)
    pub stock_value: Vec<(String, Decimal)>,
}

impl Shop {
    /// The dashboard figures for [from, to].
    pub fn dashboard(&self, from: NaiveDate, to: NaiveDate, top: usize) -> Result<Dashboard> {
        let c = self.store.conn();
        let (f, t) = (day(from), day(to));
        let mut daily: Vec<DailySales> = Vec::new();
        let mut slot = |d: &str, u: &str| -> usize {
            match daily
                .iter()
                .position(|x| x.date == d && x.business_unit == u)
            {
                Some(i) => i,
                None => {
                    daily.push(DailySales {
                        date: d.to_string(),
                        business_unit: u.to_string(),
                        members: Decimal::ZERO,
                        non_members: Decimal::ZERO,
                        returns: Decimal::ZERO,
                        cost: Decimal::ZERO,
                    });
                    daily.len() - 1
                }
            }
        };
        let mut idx = Vec::new();
        for (d, u, member, amount, cost) in q::daily_sales(c, &f, &t)? {
            idx.push((slot(&d, &u), member, amount, cost));
        }
        let mut ret = Vec::new();
        for (d, u, amount) in q::daily_returns(c, &f, &t)? {
            ret.push((slot(&d, &u), amount));
        }
        for (i, member, amount, cost) in idx {
            if member {
                daily[i].members += amount;
            } else {
                daily[i].non_members += amount;
            }
            daily[i].cost += cost;
        }
        for (i, amount) in ret {
            daily[i].returns += amount;
        }
        daily.sort_by(|a, b| (&a.date, &a.business_unit).cmp(&(&b.date, &b.business_unit)));
        let member_sales: Decimal = daily.iter().map(|d| d.members).sum();
        let non_member_sales: Decimal = daily.iter().map(|d| d.non_members).sum();
        let all = member_sales + non_member_sales;
        let (kasbon_members, kasbon_outstanding) = q::kasbon_outstanding(c)?;
        Ok(Dashboard {
            from: f.clone(),
            to: t.clone(),
            member_share_percent: if all.is_zero() {
                Decimal::ZERO
            } else {
                (member_sales * Decimal::ONE_HUNDRED / all).round_dp(2)
            },
            member_sales,
            non_member_sales,
            top_items: q::top_items(c, &f, &t, top as i64)?
                .into_iter()
                .map(|(sku, name, base_qty, amount)| TopItem {
                    sku,
                    name,
                    base_qty,
                    amount,
                })
                .collect(),
            kasbon_members,
            kasbon_outstanding,
            stock_value: q::stock_value(c)?,
            daily,
        })
    }
}
