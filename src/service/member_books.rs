//! Members' books: monthly statement, savings imported from simpan-pinjam, the kasbon limit
//! rule, and the yearly SHU (sisa hasil usaha) allocation.

use crate::service::settings::Key;
use std::collections::BTreeMap;
use std::io::{Read, Write};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use super::catalog::CsvRows;
use super::{day, stamp, Shop};
use crate::domain::ledger::allocate;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::ledger::{self as q, SavingsRow};
use crate::store::{members, settings};

/// How a member's kasbon limit is set (`kasbon.limit_rule`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KasbonRule {
    /// The limit in the members file.
    Fixed,
    /// `percent` of the member's savings (pokok + wajib + sukarela).
    Savings { percent: Decimal },
}

/// A member's month.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub number: String,
    pub name: String,
    pub month: String,
    /// (business unit, purchases net of returns)
    pub purchases: Vec<(String, Decimal)>,
    pub kasbon_opening: Decimal,
    pub kasbon_taken: Decimal,
    /// Repaid in cash plus refunds of goods returned.
    pub kasbon_repaid: Decimal,
    pub kasbon_closing: Decimal,
    /// (date, what, reference, amount): the month's kasbon movements.
    pub moves: Vec<(String, String, String, Decimal)>,
}

/// SHU parameters (settings `shu.total`, `shu.jasa_usaha_percent`, `shu.jasa_modal_percent`).
#[derive(Debug, Clone, PartialEq)]
pub struct ShuParams {
    /// SHU of the year, as set by the RAT.
    pub total: Decimal,
    /// Share of the SHU for jasa usaha (members' transactions), percent.
    pub jasa_usaha_percent: Decimal,
    /// Share of the SHU for jasa modal (members' capital: pokok + wajib), percent.
    pub jasa_modal_percent: Decimal,
}

/// One member's SHU.
#[derive(Debug, Clone, PartialEq)]
pub struct ShuRow {
    pub number: String,
    pub name: String,
    /// (business unit, purchases net of returns)
    pub purchases: Vec<(String, Decimal)>,
    pub purchases_total: Decimal,
    pub capital: Decimal,
    pub jasa_usaha: Decimal,
    pub jasa_modal: Decimal,
    pub total: Decimal,
}

/// The SHU report of a year.
#[derive(Debug, Clone, PartialEq)]
pub struct ShuReport {
    pub year: i32,
    pub params: ShuParams,
    /// The pools shared: total × percent, rounded down to the rupiah.
    pub pool_usaha: Decimal,
    pub pool_modal: Decimal,
    pub rows: Vec<ShuRow>,
    pub total_usaha: Decimal,
    pub total_modal: Decimal,
    pub total_shared: Decimal,
}

fn month_bounds(month: &str) -> Result<(NaiveDate, NaiveDate)> {
    let bad = || {
        KasirError::invalid(
            format!("Bulan \"{month}\" harus YYYY-MM"),
            format!("Month \"{month}\" must be YYYY-MM"),
        )
    };
    let first = NaiveDate::parse_from_str(&format!("{}-01", month.trim()), "%Y-%m-%d")
        .map_err(|_| bad())?;
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    }
    .ok_or_else(bad)?;
    Ok((first, next.pred_opt().ok_or_else(bad)?))
}

fn percent(shop: &Shop, key: &str, default: Decimal) -> Result<Decimal> {
    Ok(settings::get(shop.store.conn(), key)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(default))
}

/// One member in the members report.
#[derive(Debug, Clone, PartialEq)]
pub struct MemberReportRow {
    pub number: String,
    pub name: String,
    pub kasbon_limit: Decimal,
    pub kasbon_balance: Decimal,
    pub pokok: Decimal,
    pub wajib: Decimal,
    pub sukarela: Decimal,
}

impl Shop {
    /// A member's statement for a month (`YYYY-MM`).
    pub fn member_statement(&self, number: &str, month: &str) -> Result<Statement> {
        let m = self.member(number)?;
        let (first, last) = month_bounds(month)?;
        let c = self.store.conn();
        let purchases = q::member_purchases(c, &day(first), &day(last))?
            .into_iter()
            .filter(|(n, _, _)| *n == m.number)
            .map(|(_, u, a)| (u, a))
            .collect();
        let since = q::kasbon_moves_since(c, m.id, &day(first))?;
        let after: Decimal = since
            .iter()
            .filter(|x| x.0.as_str() > day(last).as_str())
            .map(|x| x.3)
            .sum();
        let moves: Vec<_> = since
            .into_iter()
            .filter(|x| x.0.as_str() <= day(last).as_str())
            .collect();
        let in_month: Decimal = moves.iter().map(|x| x.3).sum();
        let closing = m.kasbon_balance - after;
        Ok(Statement {
            number: m.number.clone(),
            name: m.name.clone(),
            month: first.format("%Y-%m").to_string(),
            purchases,
            kasbon_opening: closing - in_month,
            kasbon_taken: moves
                .iter()
                .filter(|x| x.3 > Decimal::ZERO)
                .map(|x| x.3)
                .sum(),
            kasbon_repaid: -moves
                .iter()
                .filter(|x| x.3 < Decimal::ZERO)
                .map(|x| x.3)
                .sum::<Decimal>(),
            kasbon_closing: closing,
            moves,
        })
    }

    /// The kasbon limit rule in force.
    pub fn kasbon_rule(&self) -> Result<KasbonRule> {
        Ok(
            match settings::get(self.store.conn(), Key::KasbonLimitRule.name())?.as_deref() {
                Some("savings") => KasbonRule::Savings {
                    percent: percent(self, Key::KasbonLimitPercent.name(), Decimal::from(50))?,
                },
                _ => KasbonRule::Fixed,
            },
        )
    }

    /// Set the kasbon limit rule; under the savings rule every member's limit is recomputed.
    pub fn set_kasbon_rule(&mut self, actor: &Actor, rule: KasbonRule) -> Result<()> {
        super::auth::require(
            actor,
            Permission::ManageMembers,
            crate::domain::user::Act::KasbonRule,
        )?;
        let at = stamp(self.now());
        let till = self.event_till()?;
        self.store.write(|tx| {
            match rule {
                KasbonRule::Fixed => settings::set(tx, Key::KasbonLimitRule.name(), "fixed")?,
                KasbonRule::Savings { percent } => {
                    settings::set(tx, Key::KasbonLimitRule.name(), "savings")?;
                    settings::set(
                        tx,
                        Key::KasbonLimitPercent.name(),
                        &percent.normalize().to_string(),
                    )?;
                }
            }
            apply_rule(tx, rule)?;
            super::travel::setting_events(
                tx,
                &till,
                &at,
                &[
                    Key::KasbonLimitRule.name().to_string(),
                    Key::KasbonLimitPercent.name().to_string(),
                ],
            )?;
            super::audit(
                tx,
                actor,
                &at,
                "kasbon_rule",
                &match rule {
                    KasbonRule::Fixed => "fixed".to_string(),
                    KasbonRule::Savings { percent } => format!("savings {percent}%"),
                },
                None,
            )
        })
    }

    /// Import savings balances (`number,pokok,wajib,sukarela`): all rows or none. Under the
    /// savings rule, limits follow.
    pub fn import_savings(&mut self, actor: &Actor, input: impl Read) -> Result<usize> {
        super::auth::require(
            actor,
            Permission::ManageMembers,
            crate::domain::user::Act::ImportSavings,
        )?;
        let mut rows = CsvRows::new(input, &["number", "pokok", "wajib", "sukarela"], &[])?;
        let mut out: Vec<(i64, Decimal, Decimal, Decimal)> = Vec::new();
        while let Some(row) = rows.next_row() {
            let (_, r) = row?;
            let number = r.required("number")?;
            let m = members::by_number(self.store.conn(), &number)?.ok_or_else(|| {
                r.err(
                    format!("anggota {number} tidak ada"),
                    format!("no member {number}"),
                )
            })?;
            if out.iter().any(|(id, ..)| *id == m.id) {
                return Err(r.err(
                    format!("anggota {number} muncul dua kali"),
                    format!("member {number} appears twice"),
                ));
            }
            let amt = |col: &str| -> Result<Decimal> {
                let v = r.amount(col)?.unwrap_or_default();
                if v < Decimal::ZERO {
                    return Err(r.err(
                        format!("{col} tidak boleh negatif"),
                        format!("{col} cannot be negative"),
                    ));
                }
                Ok(v)
            };
            out.push((m.id, amt("pokok")?, amt("wajib")?, amt("sukarela")?));
        }
        let at = stamp(self.now());
        self.store.write(|tx| {
            // The rule as it stands in this transaction (not one changed a moment before).
            let rule = self.kasbon_rule()?;
            for (id, p, w, s) in &out {
                q::upsert_savings(tx, *id, *p, *w, *s, &at)?;
            }
            apply_rule(tx, rule)?;
            super::audit(
                tx,
                actor,
                &at,
                "savings_import",
                &format!("{} members", out.len()),
                None,
            )
        })?;
        Ok(out.len())
    }

    /// Every member's savings.
    pub fn savings(&self) -> Result<Vec<SavingsRow>> {
        q::savings_all(self.store.conn())
    }

    /// Every active member with the kasbon limit and balance and the savings balances
    /// (zero where the simpan-pinjam unit has none): the members report.
    pub fn members_report(&self) -> Result<Vec<MemberReportRow>> {
        let savings = self.savings()?;
        let rows = members::all(self.store.conn())?
            .into_iter()
            .map(|m| {
                let s = savings.iter().find(|s| s.number == m.number);
                MemberReportRow {
                    pokok: s.map(|s| s.pokok).unwrap_or_default(),
                    wajib: s.map(|s| s.wajib).unwrap_or_default(),
                    sukarela: s.map(|s| s.sukarela).unwrap_or_default(),
                    number: m.number,
                    name: m.name,
                    kasbon_limit: m.kasbon_limit,
                    kasbon_balance: m.kasbon_balance,
                }
            })
            .collect();
        Ok(rows)
    }

    /// The members report as CSV (text cells made safe for spreadsheets). Returns the rows.
    pub fn write_members_report_csv(
        &self,
        rows: &[MemberReportRow],
        out: impl Write,
    ) -> Result<usize> {
        let mut c = super::CsvOut::new(out);
        c.write_record([
            "number",
            "name",
            "kasbon_limit",
            "kasbon_balance",
            "pokok",
            "wajib",
            "sukarela",
        ])?;
        for r in rows {
            c.write_record([
                r.number.clone(),
                r.name.clone(),
                r.kasbon_limit.to_string(),
                r.kasbon_balance.to_string(),
                r.pokok.to_string(),
                r.wajib.to_string(),
                r.sukarela.to_string(),
            ])?;
        }
        c.flush()?;
        Ok(rows.len())
    }

    /// SHU parameters from the settings.
    pub fn shu_params(&self) -> Result<ShuParams> {
        Ok(ShuParams {
            total: percent(self, Key::ShuTotal.name(), Decimal::ZERO)?,
            jasa_usaha_percent: percent(self, Key::ShuJasaUsahaPercent.name(), Decimal::from(25))?,
            jasa_modal_percent: percent(self, Key::ShuJasaModalPercent.name(), Decimal::from(20))?,
        })
    }

    /// The SHU of `year`: the jasa usaha pool shared by members' purchases (net of returns,
    /// all units), the jasa modal pool by their capital (pokok + wajib), each to the rupiah
    /// by largest remainder, so the allocations add up to the pools exactly.
    pub fn shu_report(&self, year: i32, params: &ShuParams) -> Result<ShuReport> {
        shu_check(params)?;
        let from = format!("{year:04}-01-01");
        let to = format!("{year:04}-12-31");
        let mut purchases: BTreeMap<String, Vec<(String, Decimal)>> = BTreeMap::new();
        for (n, u, a) in q::member_purchases(self.store.conn(), &from, &to)? {
            purchases.entry(n).or_default().push((u, a));
        }
        let savings = self.savings()?;
        let pool_usaha = (params.total * params.jasa_usaha_percent / Decimal::ONE_HUNDRED).floor();
        let pool_modal = (params.total * params.jasa_modal_percent / Decimal::ONE_HUNDRED).floor();
        let totals: Vec<Decimal> = savings
            .iter()
            .map(|s| {
                purchases
                    .get(&s.number)
                    .map(|p| p.iter().map(|x| x.1).sum::<Decimal>())
                    .unwrap_or_default()
                    .max(Decimal::ZERO)
            })
            .collect();
        let capital: Vec<Decimal> = savings.iter().map(|s| s.pokok + s.wajib).collect();
        let usaha = allocate(pool_usaha, &totals);
        let modal = allocate(pool_modal, &capital);
        let rows: Vec<ShuRow> = savings
            .iter()
            .enumerate()
            .map(|(i, s)| ShuRow {
                number: s.number.clone(),
                name: s.name.clone(),
                purchases: purchases.get(&s.number).cloned().unwrap_or_default(),
                purchases_total: totals[i],
                capital: capital[i],
                jasa_usaha: usaha[i],
                jasa_modal: modal[i],
                total: usaha[i] + modal[i],
            })
            .collect();
        let total_usaha: Decimal = rows.iter().map(|r| r.jasa_usaha).sum();
        let total_modal: Decimal = rows.iter().map(|r| r.jasa_modal).sum();
        Ok(ShuReport {
            year,
            params: params.clone(),
            pool_usaha,
            pool_modal,
            total_shared: total_usaha + total_modal,
            total_usaha,
            total_modal,
            rows,
        })
    }

    /// The SHU report as CSV.
    pub fn write_shu_csv(&self, r: &ShuReport, out: impl Write) -> Result<()> {
        let mut w = crate::service::CsvOut::new(out);
        w.write_record([
            "number",
            "name",
            "purchases_sembako",
            "purchases_apotek",
            "purchases_total",
            "capital",
            "jasa_usaha",
            "jasa_modal",
            "total",
        ])?;
        for row in &r.rows {
            let unit = |u: &str| {
                row.purchases
                    .iter()
                    .filter(|p| p.0 == u)
                    .map(|p| p.1)
                    .sum::<Decimal>()
                    .normalize()
                    .to_string()
            };
            w.write_record([
                row.number.to_string(),
                row.name.to_string(),
                unit("sembako"),
                unit("apotek"),
                row.purchases_total.normalize().to_string(),
                row.capital.normalize().to_string(),
                row.jasa_usaha.normalize().to_string(),
                row.jasa_modal.normalize().to_string(),
                row.total.normalize().to_string(),
            ])?;
        }
        w.write_record([
            "TOTAL".to_string(),
            String::new(),
            String::new(),
            String::new(),
            r.rows
                .iter()
                .map(|x| x.purchases_total)
                .sum::<Decimal>()
                .normalize()
                .to_string(),
            r.rows
                .iter()
                .map(|x| x.capital)
                .sum::<Decimal>()
                .normalize()
                .to_string(),
            r.total_usaha.normalize().to_string(),
            r.total_modal.normalize().to_string(),
            r.total_shared.normalize().to_string(),
        ])?;
        w.flush()?;
        Ok(())
    }
}

fn shu_check(p: &ShuParams) -> Result<()> {
    let (u, m) = (p.jasa_usaha_percent, p.jasa_modal_percent);
    if p.total < Decimal::ZERO
        || u < Decimal::ZERO
        || m < Decimal::ZERO
        || u + m > Decimal::ONE_HUNDRED
    {
        return Err(KasirError::invalid(
            "Parameter SHU tidak sah: total ≥ 0, persen jasa usaha + jasa modal ≤ 100",
            "Invalid SHU parameters: total ≥ 0, jasa usaha + jasa modal percent ≤ 100",
        ));
    }
    Ok(())
}

/// Under the savings rule, set every member's limit to the percent of their savings.
fn apply_rule(tx: &rusqlite::Transaction, rule: KasbonRule) -> Result<()> {
    if let KasbonRule::Savings { percent } = rule {
        for s in q::savings_all(tx)? {
            if let Some(m) = members::by_number(tx, &s.number)? {
                let limit =
                    ((s.pokok + s.wajib + s.sukarela) * percent / Decimal::ONE_HUNDRED).floor();
                q::set_kasbon_limit(tx, m.id, limit)?;
            }
        }
    }
    Ok(())
}
