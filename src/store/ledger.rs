//! The books: chart of accounts, posted journals, day close events; and the day's activity
//! the posting reads (shift closes, cash moves, returns, stock adjustments).

use rusqlite::{params, Connection, Row};
use rust_decimal::Decimal;

use super::{minor, opt};
use crate::domain::money::money_from_minor as money;
use crate::error::Result;

/// An account of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountRow {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub role: Option<String>,
}

fn account(r: &Row) -> rusqlite::Result<AccountRow> {
    Ok(AccountRow {
        id: r.get(0)?,
        code: r.get(1)?,
        name: r.get(2)?,
        kind: r.get(3)?,
        role: r.get(4)?,
    })
}

pub fn accounts(c: &Connection) -> Result<Vec<AccountRow>> {
    let mut st = c.prepare(
        "SELECT id, code, name, kind, role FROM accounts WHERE active = 1 ORDER BY code",
    )?;
    let rows = st
        .query_map([], account)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn account_by_role(c: &Connection, role: &str) -> Result<Option<AccountRow>> {
    opt(c
        .prepare_cached("SELECT id, code, name, kind, role FROM accounts WHERE role = ?1")?
        .query_row([role], account))
}

pub fn account_by_code(c: &Connection, code: &str) -> Result<Option<AccountRow>> {
    opt(c
        .prepare_cached("SELECT id, code, name, kind, role FROM accounts WHERE code = ?1")?
        .query_row([code], account))
}

/// Insert or update an account by code; a role moves to this account from any other.
pub fn upsert_account(
    c: &Connection,
    code: &str,
    name: &str,
    kind: &str,
    role: Option<&str>,
) -> Result<()> {
    if let Some(r) = role {
        c.execute(
            "UPDATE accounts SET role = NULL WHERE role = ?1 AND code <> ?2",
            params![r, code],
        )?;
    }
    c.execute(
        "INSERT INTO accounts(code, name, kind, role) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(code) DO UPDATE SET name = excluded.name, kind = excluded.kind,
             role = coalesce(excluded.role, accounts.role), active = 1",
        params![code, name, kind, role],
    )?;
    Ok(())
}

/// A journal to post.
pub struct NewJournal<'a> {
    pub uuid: &'a str,
    pub number: &'a str,
    pub business_date: &'a str,
    pub business_unit: &'a str,
    pub kind: &'a str,
    pub memo: &'a str,
    pub posted_at: &'a str,
    pub posted_by: &'a str,
    pub reverses: Option<i64>,
    /// The opening balances only: the last stock move their Persediaan holds.
    pub stock_through: Option<i64>,
}

/// Post a journal with its lines: (account id, debit, credit, memo).
pub fn insert_journal(
    c: &Connection,
    j: &NewJournal,
    lines: &[(i64, Decimal, Decimal, String)],
) -> Result<i64> {
    c.execute(
        "INSERT INTO journals(uuid, number, business_date, business_unit, kind, memo, posted_at,
             posted_by, reverses, stock_through) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
        params![
            j.uuid,
            j.number,
            j.business_date,
            j.business_unit,
            j.kind,
            j.memo,
            j.posted_at,
            j.posted_by,
            j.reverses,
            j.stock_through
        ],
    )?;
    let id = c.last_insert_rowid();
    let mut st = c.prepare_cached(
        "INSERT INTO journal_lines(journal_id, line_no, account_id, debit, credit, memo)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, (acc, d, cr, memo)) in lines.iter().enumerate() {
        st.execute(params![
            id,
            i as i64 + 1,
            acc,
            minor(*d)?,
            minor(*cr)?,
            memo
        ])?;
    }
    Ok(id)
}

pub fn journal_count(c: &Connection) -> Result<i64> {
    Ok(c.query_row("SELECT count(*) FROM journals", [], |r| r.get(0))?)
}

/// A posted journal line, with its account as posted.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct LineRecord {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub debit: Decimal,
    pub credit: Decimal,
    pub memo: String,
}

/// A posted journal.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct JournalRecord {
    #[serde(skip)]
    pub id: i64,
    pub number: String,
    pub date: String,
    pub business_unit: String,
    pub kind: String,
    pub memo: String,
    pub posted_at: String,
    pub posted_by: String,
    pub reverses: Option<String>,
    pub reversed_by: Option<String>,
    pub lines: Vec<LineRecord>,
}

fn journals_where(
    c: &Connection,
    cond: &str,
    p: &[&dyn rusqlite::ToSql],
) -> Result<Vec<JournalRecord>> {
    let mut st = c.prepare(&format!(
        "SELECT j.id, j.number, j.business_date, j.business_unit, j.kind, j.memo, j.posted_at,
                j.posted_by, (SELECT number FROM journals WHERE id = j.reverses),
                (SELECT number FROM journals WHERE reverses = j.id)
         FROM journals j WHERE {cond} ORDER BY j.business_date, j.id"
    ))?;
    let mut out: Vec<JournalRecord> = st
        .query_map(p, |r| {
            Ok(JournalRecord {
                id: r.get(0)?,
                number: r.get(1)?,
                date: r.get(2)?,
                business_unit: r.get(3)?,
                kind: r.get(4)?,
                memo: r.get(5)?,
                posted_at: r.get(6)?,
                posted_by: r.get(7)?,
                reverses: r.get(8)?,
                reversed_by: r.get(9)?,
                lines: Vec::new(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut st = c.prepare_cached(
        "SELECT a.code, a.name, a.kind, l.debit, l.credit, l.memo FROM journal_lines l
         JOIN accounts a ON a.id = l.account_id WHERE l.journal_id = ?1 ORDER BY l.line_no",
    )?;
    for j in &mut out {
        j.lines = st
            .query_map([j.id], |r| {
                Ok(LineRecord {
                    code: r.get(0)?,
                    name: r.get(1)?,
                    kind: r.get(2)?,
                    debit: money(r.get(3)?),
                    credit: money(r.get(4)?),
                    memo: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(out)
}

/// Journals dated within [from, to] (inclusive, YYYY-MM-DD).
pub fn journals_between(c: &Connection, from: &str, to: &str) -> Result<Vec<JournalRecord>> {
    journals_where(c, "j.business_date BETWEEN ?1 AND ?2", &[&from, &to])
}

/// The day journals of a date, and the adjusting journals of its late entries, that no
/// reversal has undone.
pub fn live_day_journals(c: &Connection, date: &str) -> Result<Vec<JournalRecord>> {
    journals_where(
        c,
        "j.business_date = ?1 AND j.kind IN ('day', 'adjust') AND NOT EXISTS (SELECT 1 FROM journals r WHERE r.reverses = j.id)",
        &[&date],
    )
}

/// Σdebit and Σcredit per account over [from, to], and the net before `from`.
#[derive(Debug, Clone, PartialEq)]
pub struct AccountTotals {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub opening: Decimal,
    pub debit: Decimal,
    pub credit: Decimal,
}

pub fn account_totals(c: &Connection, from: &str, to: &str) -> Result<Vec<AccountTotals>> {
    let mut st = c.prepare(
        "SELECT a.code, a.name, a.kind,
            coalesce(sum(CASE WHEN j.business_date < ?1 THEN l.debit - l.credit END), 0),
            coalesce(sum(CASE WHEN j.business_date BETWEEN ?1 AND ?2 THEN l.debit END), 0),
            coalesce(sum(CASE WHEN j.business_date BETWEEN ?1 AND ?2 THEN l.credit END), 0)
         FROM journal_lines l JOIN journals j ON j.id = l.journal_id
         JOIN accounts a ON a.id = l.account_id
         WHERE j.business_date <= ?2 GROUP BY a.id ORDER BY a.code",
    )?;
    let rows = st
        .query_map(params![from, to], |r| {
            Ok(AccountTotals {
                code: r.get(0)?,
                name: r.get(1)?,
                kind: r.get(2)?,
                opening: money(r.get(3)?),
                debit: money(r.get(4)?),
                credit: money(r.get(5)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The last close/reverse event of a day.
pub fn last_day_event(c: &Connection, date: &str) -> Result<Option<String>> {
    opt(c.query_row(
        "SELECT kind FROM day_events WHERE business_date = ?1 ORDER BY id DESC LIMIT 1",
        [date],
        |r| r.get(0),
    ))
}

pub fn insert_day_event(
    c: &Connection,
    date: &str,
    kind: &str,
    at: &str,
    actor: &str,
    reason: Option<&str>,
    covers: Option<&str>,
) -> Result<()> {
    c.execute(
        "INSERT INTO day_events(business_date, kind, at, actor, reason, covers)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![date, kind, at, actor, reason, covers],
    )?;
    Ok(())
}

/// Tills with a shift still open that was opened on or before `date`.
pub fn open_shifts_through(c: &Connection, date: &str) -> Result<Vec<String>> {
    let mut st = c.prepare(
        "SELECT till FROM shifts WHERE status = 'open' AND substr(opened_at, 1, 10) <= ?1 ORDER BY till",
    )?;
    let rows = st
        .query_map([date], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// (counter unit, counted − expected) of every shift closed on `date`.
pub fn over_short_on(c: &Connection, date: &str) -> Result<Vec<(String, Decimal)>> {
    let mut st = c.prepare(
        "SELECT s.business_unit, sc.difference FROM shift_closes sc JOIN shifts s ON s.id = sc.shift_id
         WHERE sc.business_date = ?1 ORDER BY sc.shift_id",
    )?;
    let rows = st
        .query_map([date], |r| Ok((r.get(0)?, money(r.get(1)?))))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A cash move of a day as the day close posts it.
#[derive(Debug, Clone, PartialEq)]
pub struct DayCashMove {
    /// The unit of the till whose drawer it went through.
    pub unit: String,
    pub kind: String,
    pub amount: Decimal,
    /// For a repayment, the unit whose kasbon it settles.
    pub receivable_unit: String,
}

/// Every cash move on `date`, except the payments for goods (their delivery books them).
pub fn cash_moves_on(c: &Connection, date: &str) -> Result<Vec<DayCashMove>> {
    let mut st = c.prepare(
        "SELECT business_unit, kind, amount, coalesce(receivable_unit, business_unit)
         FROM cash_moves WHERE business_date = ?1 AND goods_receipt_id IS NULL ORDER BY id",
    )?;
    let rows = st
        .query_map([date], |r| {
            Ok(DayCashMove {
                unit: r.get(0)?,
                kind: r.get(1)?,
                amount: money(r.get(2)?),
                receivable_unit: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// What a member owes per unit, as the day close books it: kasbon tendered at a unit's
/// tills, less kasbon refunded on returns there, less repayments that settled that unit.
pub fn kasbon_owed_by_unit(c: &Connection, member_id: i64) -> Result<Vec<(String, Decimal)>> {
    let mut st = c.prepare_cached(
        "SELECT unit, sum(amount) FROM (
             SELECT s.business_unit AS unit, t.amount AS amount
               FROM sales s JOIN sale_tenders t ON t.sale_id = s.id
              WHERE s.member_id = ?1 AND t.kind = 'kasbon'
             UNION ALL
             SELECT business_unit, -refund_kasbon FROM returns
              WHERE member_id = ?1 AND refund_kasbon <> 0
             UNION ALL
             SELECT coalesce(receivable_unit, business_unit), -amount FROM cash_moves
              WHERE member_id = ?1 AND kind = 'repay'
         ) GROUP BY unit ORDER BY unit",
    )?;
    let rows = st
        .query_map([member_id], |r| Ok((r.get(0)?, money(r.get(1)?))))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A day's stock moves as the books see them, summed: the product's unit, the move's kind,
/// whether the sale or return was a member's, and for goods received how they were paid.
#[derive(Debug, Clone, PartialEq)]
pub struct DayStockFlow {
    pub unit: String,
    pub kind: String,
    pub member: bool,
    /// Goods received: from a registered supplier.
    pub supplier: bool,
    /// Goods received: `cash` or `credit`.
    pub payment: Option<String>,
    /// Goods paid in cash: `drawer` or `safe` (none: booked before the choice existed).
    pub paid_from: Option<String>,
    /// Goods paid from a drawer: that till's unit.
    pub paid_unit: Option<String>,
    /// Σ the moves' values (negative: out of stock).
    pub value: Decimal,
}

/// Every stock move of a day (`?1`) after move `?2`, summed by what the books need to know,
/// found through the moves' time index (the day's moves, not the whole history; `+m.id`
/// keeps the planner from reading every move after `?2` by id instead). The sale or return
/// of a move is joined by its key, one step per move, rather than asked for in a correlated
/// subquery (which SQLite codes both in the grouping key and in the result).
pub const STOCK_FLOWS_ON: &str =
    "SELECT p.business_unit, m.kind,
            CASE m.kind
                WHEN 'sale' THEN coalesce(s.member_id IS NOT NULL, 0)
                WHEN 'return' THEN coalesce(r.member_id IS NOT NULL, 0)
                ELSE 0 END,
            coalesce(g.supplier_id IS NOT NULL, 0), g.payment, g.paid_from, g.paid_unit, sum(m.value)
     FROM stock_moves m JOIN products p ON p.id = m.product_id
     LEFT JOIN sales s ON m.kind = 'sale' AND m.ref_type = 'sale' AND s.id = m.ref_id
     LEFT JOIN returns r ON m.kind = 'return' AND m.ref_type = 'return' AND r.id = m.ref_id
     LEFT JOIN goods_receipts g ON m.kind = 'receipt' AND m.ref_type = 'receipt' AND g.id = m.ref_id
     WHERE m.at >= ?1 AND m.at < date(?1, '+1 day') AND +m.id > ?2
     GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7";

/// The stock flows of `date` after move `after` (0: all).
pub fn stock_flows_on(c: &Connection, date: &str, after: i64) -> Result<Vec<DayStockFlow>> {
    let mut st = c.prepare(STOCK_FLOWS_ON)?;
    let rows = st
        .query_map(params![date, after], |r| {
            Ok(DayStockFlow {
                unit: r.get(0)?,
                kind: r.get(1)?,
                member: r.get(2)?,
                supplier: r.get(3)?,
                payment: r.get(4)?,
                paid_from: r.get(5)?,
                paid_unit: r.get(6)?,
                value: money(r.get(7)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Per product unit, Σ the values of the stock moves after move `?2` made at or after `?1`
/// (`YYYY-MM-DD`): what the stock value holds and the books do not yet. Through the moves'
/// time index (`+m.id`: not by id): the moves since the last posted day, not the whole history.
pub const STOCK_SINCE: &str =
    "SELECT p.business_unit, sum(m.value) FROM stock_moves m JOIN products p ON p.id = m.product_id
     WHERE m.at >= ?1 AND +m.id > ?2 GROUP BY p.business_unit ORDER BY p.business_unit";

pub fn stock_since(c: &Connection, from: &str, after: i64) -> Result<Vec<(String, Decimal)>> {
    let mut st = c.prepare(STOCK_SINCE)?;
    let rows = st
        .query_map(params![from, after], |r| Ok((r.get(0)?, money(r.get(1)?))))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Per product unit, Σ the values of every stock move after move `?1` (by id).
pub const STOCK_AFTER: &str =
    "SELECT p.business_unit, sum(m.value) FROM stock_moves m JOIN products p ON p.id = m.product_id
     WHERE m.id > ?1 GROUP BY p.business_unit ORDER BY p.business_unit";

pub fn stock_after(c: &Connection, after: i64) -> Result<Vec<(String, Decimal)>> {
    let mut st = c.prepare(STOCK_AFTER)?;
    let rows = st
        .query_map([after], |r| Ok((r.get(0)?, money(r.get(1)?))))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The newest stock move (0: none).
pub fn last_stock_move(c: &Connection) -> Result<i64> {
    Ok(
        c.query_row("SELECT coalesce(max(id), 0) FROM stock_moves", [], |r| {
            r.get(0)
        })?,
    )
}

/// The opening balances, if posted: (journal, the last stock move they hold).
pub fn opening(c: &Connection) -> Result<Option<(JournalRecord, i64)>> {
    let through: Option<(i64, i64)> = opt(c.query_row(
        "SELECT id, stock_through FROM journals WHERE kind = 'opening'",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    ))?;
    let Some((id, through)) = through else {
        return Ok(None);
    };
    Ok(journals_where(c, "j.id = ?1", &[&id])?
        .into_iter()
        .next()
        .map(|j| (j, through)))
}

/// Whether any journal or day close exists: the books have started.
pub fn books_started(c: &Connection) -> Result<bool> {
    Ok(c.query_row(
        "SELECT EXISTS (SELECT 1 FROM journals) OR EXISTS (SELECT 1 FROM day_events)",
        [],
        |r| r.get(0),
    )?)
}

/// The last business day whose last event is a close (posted and not reversed since).
pub fn last_closed_day(c: &Connection) -> Result<Option<String>> {
    opt(c.query_row(
        "SELECT business_date FROM day_events e
         WHERE kind = 'close' AND id = (SELECT max(id) FROM day_events WHERE business_date = e.business_date)
         ORDER BY business_date DESC LIMIT 1",
        [],
        |r| r.get(0),
    ))
}

/// The balance (debit − credit) of the account holding `role`, over every posted journal.
pub fn role_balance(c: &Connection, role: &str) -> Result<Decimal> {
    let v: i64 = c.query_row(
        "SELECT coalesce(sum(l.debit - l.credit), 0) FROM journal_lines l
         WHERE l.account_id = (SELECT id FROM accounts WHERE role = ?1)",
        [role],
        |r| r.get(0),
    )?;
    Ok(money(v))
}

/// Savings of a member as imported.
#[derive(Debug, Clone, PartialEq)]
pub struct SavingsRow {
    pub number: String,
    pub name: String,
    pub pokok: Decimal,
    pub wajib: Decimal,
    pub sukarela: Decimal,
}

pub fn upsert_savings(
    c: &Connection,
    member_id: i64,
    pokok: Decimal,
    wajib: Decimal,
    sukarela: Decimal,
    at: &str,
) -> Result<()> {
    c.execute(
        "INSERT INTO member_savings(member_id, pokok, wajib, sukarela, imported_at)
         VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(member_id) DO UPDATE SET pokok = excluded.pokok, wajib = excluded.wajib,
             sukarela = excluded.sukarela, imported_at = excluded.imported_at",
        params![
            member_id,
            minor(pokok)?,
            minor(wajib)?,
            minor(sukarela)?,
            at
        ],
    )?;
    Ok(())
}

/// Every active member with their savings (zero when none were imported).
pub fn savings_all(c: &Connection) -> Result<Vec<SavingsRow>> {
    let mut st = c.prepare(
        "SELECT m.number, m.name, coalesce(s.pokok, 0), coalesce(s.wajib, 0), coalesce(s.sukarela, 0)
         FROM members m LEFT JOIN member_savings s ON s.member_id = m.id
         WHERE m.active = 1 ORDER BY m.number",
    )?;
    let rows = st
        .query_map([], |r| {
            Ok(SavingsRow {
                number: r.get(0)?,
                name: r.get(1)?,
                pokok: money(r.get(2)?),
                wajib: money(r.get(3)?),
                sukarela: money(r.get(4)?),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn set_kasbon_limit(c: &Connection, member_id: i64, limit: Decimal) -> Result<()> {
    c.execute(
        "UPDATE members SET kasbon_limit = ?2 WHERE id = ?1",
        params![member_id, minor(limit)?],
    )?;
    Ok(())
}

/// Member purchases net of returns over [from, to]: (member number, product unit, amount).
pub fn member_purchases(
    c: &Connection,
    from: &str,
    to: &str,
) -> Result<Vec<(String, String, Decimal)>> {
    let mut st = c.prepare(
        "SELECT number, unit, sum(amount) FROM (
            SELECT m.number AS number, l.business_unit AS unit, l.amount AS amount
            FROM sale_lines l JOIN sales s ON s.id = l.sale_id JOIN members m ON m.id = s.member_id
            WHERE s.business_date BETWEEN ?1 AND ?2
            UNION ALL
            SELECT m.number, rl.business_unit, -rl.amount
            FROM return_lines rl JOIN returns r ON r.id = rl.return_id JOIN members m ON m.id = r.member_id
            WHERE r.business_date BETWEEN ?1 AND ?2)
         GROUP BY number, unit ORDER BY number, unit",
    )?;
    let rows = st
        .query_map(params![from, to], |r| {
            Ok((r.get(0)?, r.get(1)?, money(r.get(2)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A member's kasbon movements from `from` on (inclusive): (date, what, number, signed amount).
pub fn kasbon_moves_since(
    c: &Connection,
    member_id: i64,
    from: &str,
) -> Result<Vec<(String, String, String, Decimal)>> {
    let mut st = c.prepare(
        "SELECT d, what, ref, amount FROM (
            SELECT s.business_date AS d, 'kasbon' AS what, s.number AS ref, t.amount AS amount, s.id AS o
            FROM sale_tenders t JOIN sales s ON s.id = t.sale_id
            WHERE t.kind = 'kasbon' AND s.member_id = ?1 AND s.business_date >= ?2
            UNION ALL
            SELECT r.business_date, 'return', r.number, -r.refund_kasbon, r.id
            FROM returns r WHERE r.member_id = ?1 AND r.refund_kasbon > 0 AND r.business_date >= ?2
            UNION ALL
            SELECT business_date, 'repay', uuid, -amount, id
            FROM cash_moves WHERE kind = 'repay' AND member_id = ?1 AND business_date >= ?2)
         ORDER BY d, what, o",
    )?;
    let rows = st
        .query_map(params![member_id, from], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, money(r.get(3)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
