//! The coop's opening balances, posted once before the first posted day, and the check that
//! the books hold the stock: Persediaan per unit = the stock value per unit.

use std::io::Read;

use rust_decimal::Decimal;

use super::catalog::CsvRows;
use super::ledger::{account, no_account};
use super::{day, new_uuid, stamp, Shop};
use crate::domain::catalog::BusinessUnit;
use crate::domain::ledger::{role, Journal, JournalError, JournalLine};
use crate::domain::money::format_rupiah;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::ledger::{self as q, JournalRecord, NewJournal};
use crate::store::{audit, stock};

/// Persediaan of one unit in the books against its stock value, as of the last posted day.
#[derive(Debug, Clone, PartialEq)]
pub struct BooksAgainstStock {
    pub business_unit: String,
    /// Persediaan in the posted journals (the opening balances and every posted day).
    pub books: Decimal,
    /// The stock value the books should hold: the stock value now, less the moves made
    /// after the last posted day (not in the books yet).
    pub stock: Decimal,
    /// The last posted day (none: only the opening balances are posted).
    pub as_of: Option<String>,
}

impl BooksAgainstStock {
    pub fn matches(&self) -> bool {
        self.books == self.stock
    }
}

impl Shop {
    /// Read opening balances (`account,debit,credit[,memo]`, account by its code, amounts
    /// in rupiah as `12500`, `12.500` or `1.250.000,50`): every row or none. A row naming
    /// an unknown account, with a negative amount, with both sides or with neither is refused
    /// by its line number.
    pub fn parse_opening(&self, input: impl Read) -> Result<Vec<JournalLine>> {
        let mut rows = CsvRows::new(input, &["account", "debit", "credit"], &["memo"])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next_row() {
            let (_, r) = row?;
            let code = r.required("account")?;
            if q::account_by_code(self.store.conn(), &code)?.is_none() {
                let (id, en) = no_account(&code);
                return Err(r.err(id, en));
            }
            let debit = r.amount("debit")?.unwrap_or_default();
            let credit = r.amount("credit")?.unwrap_or_default();
            if debit < Decimal::ZERO || credit < Decimal::ZERO {
                return Err(r.err(
                    "jumlah tidak boleh negatif: tulis di kolom seberangnya",
                    "amounts cannot be negative: put them in the other column",
                ));
            }
            if !debit.is_zero() && !credit.is_zero() {
                return Err(r.err(
                    "isi debit atau kredit, tidak keduanya",
                    "fill in debit or credit, not both",
                ));
            }
            if debit.is_zero() && credit.is_zero() {
                return Err(r.err(
                    "baris tanpa jumlah (debit atau kredit)",
                    "a row without an amount (debit or credit)",
                ));
            }
            out.push(JournalLine {
                account: code,
                debit,
                credit,
                memo: r.opt_text("memo").unwrap_or_default(),
            });
        }
        Ok(out)
    }

    /// Post the coop's opening balances (bendahara): once, before the first posted day, as a
    /// balanced journal that is then as immutable as a posted day. Persediaan of each unit
    /// must be exactly the unit's stock value (`report stock`), so that from here on the books
    /// follow the stock: the day close books only the stock moves after this one.
    pub fn post_opening(
        &mut self,
        actor: &Actor,
        lines: Vec<JournalLine>,
    ) -> Result<JournalRecord> {
        super::auth::require(
            actor,
            Permission::CloseDay,
            crate::domain::user::Act::PostOpening,
        )?;
        let journal = Journal::new(lines).map_err(|e| match e {
            JournalError::Unbalanced { debit, credit } => KasirError::invalid(
                format!(
                    "Saldo awal tidak seimbang: debit {}, kredit {}, selisih {}",
                    format_rupiah(debit),
                    format_rupiah(credit),
                    format_rupiah((debit - credit).abs())
                ),
                format!(
                    "The opening balances do not balance: debit {}, credit {}, difference {}",
                    format_rupiah(debit),
                    format_rupiah(credit),
                    format_rupiah((debit - credit).abs())
                ),
            ),
            JournalError::Empty => {
                KasirError::invalid("Saldo awal tidak berisi baris", "The opening has no rows")
            }
            JournalError::TooPrecise(a) => KasirError::invalid(
                format!("Jumlah akun {a} lebih teliti dari 1 sen"),
                format!("The amount of account {a} is finer than 1 sen"),
            ),
            JournalError::NegativeAmount(a) | JournalError::BothSides(a) => KasirError::invalid(
                format!("Baris akun {a}: isi debit atau kredit, positif"),
                format!("Account {a}: fill in debit or credit, positive"),
            ),
        })?;
        let now = self.now();
        let (at, date) = (stamp(now), day(now.date()));
        let by = actor.username.clone();
        let user_id = actor.user_id;
        let number = self.store.write(|tx| {
            if let Some((j, _)) = q::opening(tx)? {
                return Err(KasirError::invalid(
                    format!("Saldo awal sudah diposting ({} tanggal {})", j.number, j.date),
                    format!("The opening balances are already posted ({} on {})", j.number, j.date),
                ));
            }
            if q::books_started(tx)? {
                return Err(KasirError::invalid(
                    "Sudah ada hari yang diposting: saldo awal hanya bisa sebelum hari pertama",
                    "A day is already posted: the opening balances come before the first posted day",
                ));
            }
            let mut resolved = Vec::new();
            for l in journal.lines() {
                let acc = account(tx, &l.account)?;
                resolved.push((acc, l.debit, l.credit, l.memo.clone()));
            }
            // Persediaan holds exactly the stock, read in this transaction.
            let stock = stock::value_per_unit(tx)?;
            for u in BusinessUnit::ALL {
                let r = role::inventory(*u);
                let books: Decimal = resolved
                    .iter()
                    .filter(|(a, ..)| a.role.as_deref() == Some(r.as_str()))
                    .map(|(_, d, c, _)| d - c)
                    .sum();
                let value = stock
                    .iter()
                    .find(|(unit, _)| unit == u.as_str())
                    .map(|(_, v)| *v)
                    .unwrap_or_default();
                if books != value {
                    let name = q::account_by_role(tx, &r)?
                        .map(|a| format!("{} {}", a.code, a.name))
                        .unwrap_or(r);
                    return Err(KasirError::invalid(
                        format!(
                            "{name}: saldo awal {}, nilai stok {} (kasir report stock): selisih {}",
                            format_rupiah(books),
                            format_rupiah(value),
                            format_rupiah((books - value).abs())
                        ),
                        format!(
                            "{name}: opening {}, stock value {} (kasir report stock): difference {}",
                            format_rupiah(books),
                            format_rupiah(value),
                            format_rupiah((books - value).abs())
                        ),
                    ));
                }
            }
            let through = q::last_stock_move(tx)?;
            let number = format!("J{:06}", q::journal_count(tx)? + 1);
            let lines: Vec<(i64, Decimal, Decimal, String)> = resolved
                .into_iter()
                .map(|(a, d, c, m)| (a.id, d, c, m))
                .collect();
            q::insert_journal(
                tx,
                &NewJournal {
                    uuid: &new_uuid(),
                    number: &number,
                    business_date: &date,
                    business_unit: "koperasi",
                    kind: "opening",
                    memo: "Saldo awal",
                    posted_at: &at,
                    posted_by: &by,
                    reverses: None,
                    stock_through: Some(through),
                },
                &lines,
            )?;
            audit::append(
                tx,
                &audit::AuditEntry {
                    at: &at,
                    user_id,
                    actor: &by,
                    action: "ledger_opening",
                    detail: &format!("{number} {date} total={}", journal.total()),
                    approver: None,
                },
            )?;
            Ok(number)
        })?;
        q::journals_between(self.store.conn(), &date, &date)?
            .into_iter()
            .find(|j| j.number == number)
            .ok_or_else(|| KasirError::invalid("Saldo awal tidak tersimpan", "Opening not stored"))
    }

    /// Persediaan per unit in the books against the stock value per unit as of the last
    /// posted day; `None` until the opening balances are posted (before them the books hold
    /// no stock to compare).
    pub fn books_against_stock(&self) -> Result<Option<Vec<BooksAgainstStock>>> {
        let c = self.store.conn();
        let Some((_, through)) = q::opening(c)? else {
            return Ok(None);
        };
        let last = q::last_closed_day(c)?;
        // Moves after the opening that no posted day holds yet: those made after the last
        // posted day (through the moves' time index), or every one since the opening when no
        // day is posted yet (through their ids).
        let pending = match &last {
            Some(d) => q::stock_since(c, &next_day(d), through)?,
            None => q::stock_after(c, through)?,
        };
        let now = stock::value_per_unit(c)?;
        let find = |rows: &[(String, Decimal)], u: BusinessUnit| {
            rows.iter()
                .find(|(unit, _)| unit == u.as_str())
                .map(|(_, v)| *v)
                .unwrap_or_default()
        };
        let mut out = Vec::new();
        for u in BusinessUnit::ALL {
            out.push(BooksAgainstStock {
                business_unit: u.as_str().to_string(),
                books: q::role_balance(c, &role::inventory(*u))?,
                stock: find(&now, *u) - find(&pending, *u),
                as_of: last.clone(),
            });
        }
        Ok(Some(out))
    }
}

fn next_day(d: &str) -> String {
    chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.succ_opt())
        .map(day)
        .unwrap_or_else(|| d.to_string())
}
