//! The print queue (`print_jobs`) and the shift totals printed on an X/Z report.
//!
//! A job belongs to a till and is for that till's printer; a queue is the jobs of one till
//! for one printer address, so two tills whose printers have the same local address
//! (`usb:/dev/usb/lp0`) never send each other's jobs.
//!
//! A job moves queued → printing → done; a failed attempt puts it back to queued with
//! `attempts + 1`, the error and the time of the next attempt. Every state change is one
//! guarded UPDATE, so two workers can never both claim, or both finish, the same job.

use rusqlite::{params, Connection, Row};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::opt;
use super::shifts::SALES_OF_SHIFT;
use crate::domain::catalog::text_enum;
use crate::domain::money::money_from_minor as money;
use crate::error::Result;

text_enum! {
    /// What a print job prints.
    JobKind {
        /// A sale's receipt, enqueued by checkout.
        Receipt = "receipt",
        /// A reprint of a sale's receipt, marked SALINAN.
        Reprint = "reprint",
        /// An X/Z shift report.
        Z = "z",
        /// A goods-received slip.
        Slip = "slip",
        /// The printer test page.
        Test = "test",
        /// A cash-drawer kick (a cash sale); expires instead of opening the drawer late.
        Drawer = "drawer",
        /// A return slip.
        Return = "return",
    }
}

text_enum! {
    /// Where a print job is.
    JobStatus {
        Queued = "queued",
        Printing = "printing",
        Done = "done",
        Failed = "failed",
    }
}

/// A job to enqueue.
pub struct NewJob<'a> {
    pub uuid: &'a str,
    pub kind: JobKind,
    pub reference: Option<&'a str>,
    pub sale_id: Option<i64>,
    /// The till whose printer (and drawer) it is for; `cli` for the back office.
    pub till: &'a str,
    pub printer: &'a str,
    pub payload: Option<&'a [u8]>,
    pub at: &'a str,
}

/// A job as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintJob {
    pub id: i64,
    pub uuid: String,
    pub kind: JobKind,
    pub reference: Option<String>,
    pub sale_id: Option<i64>,
    pub till: String,
    pub printer: String,
    pub payload: Option<Vec<u8>>,
    pub status: JobStatus,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: String,
    pub created_at: String,
    pub printed_at: Option<String>,
    /// Sent without the printer confirming it was ready (printed blind).
    pub unconfirmed: bool,
}

const COLS: &str = "id, uuid, kind, ref, sale_id, printer, payload, status, attempts, last_error,
                    next_attempt_at, created_at, printed_at, till, unconfirmed";

fn row(r: &Row) -> rusqlite::Result<PrintJob> {
    let text_enum_err = |i: usize, s: String| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Text,
            format!("unknown value {s}").into(),
        )
    };
    let kind: String = r.get(2)?;
    let status: String = r.get(7)?;
    Ok(PrintJob {
        id: r.get(0)?,
        uuid: r.get(1)?,
        kind: JobKind::parse(&kind).ok_or_else(|| text_enum_err(2, kind))?,
        reference: r.get(3)?,
        sale_id: r.get(4)?,
        printer: r.get(5)?,
        payload: r.get(6)?,
        status: JobStatus::parse(&status).ok_or_else(|| text_enum_err(7, status))?,
        attempts: r.get(8)?,
        last_error: r.get(9)?,
        next_attempt_at: r.get(10)?,
        created_at: r.get(11)?,
        printed_at: r.get(12)?,
        till: r.get(13)?,
        unconfirmed: r.get(14)?,
    })
}

/// Add a job, due at once. Returns its id.
pub fn insert(c: &Connection, j: &NewJob) -> Result<i64> {
    c.prepare_cached(
        "INSERT INTO print_jobs(uuid, kind, ref, sale_id, printer, payload, next_attempt_at,
                                created_at, till)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?8)",
    )?
    .execute(params![
        j.uuid,
        j.kind.as_str(),
        j.reference,
        j.sale_id,
        j.printer,
        j.payload,
        j.at,
        j.till,
    ])?;
    Ok(c.last_insert_rowid())
}

pub fn by_id(c: &Connection, id: i64) -> Result<Option<PrintJob>> {
    opt(c.query_row(
        &format!("SELECT {COLS} FROM print_jobs WHERE id = ?1"),
        [id],
        row,
    ))
}

/// Jobs still to print (queued or being printed), oldest first; one printer or all.
pub fn pending(c: &Connection, printer: Option<&str>) -> Result<Vec<PrintJob>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLS} FROM print_jobs
         WHERE status IN ('queued', 'printing') AND (?1 IS NULL OR printer = ?1)
         ORDER BY id"
    ))?;
    let rows = st
        .query_map([printer], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Waiting (queued) jobs of one till for one printer, oldest first.
pub fn queued_for(c: &Connection, till: &str, printer: &str) -> Result<Vec<PrintJob>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLS} FROM print_jobs WHERE till = ?1 AND printer = ?2 AND status = 'queued'
         ORDER BY id"
    ))?;
    let rows = st
        .query_map([till, printer], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The queues (till, printer) that have queued jobs, oldest first.
pub fn queues_with_queued(c: &Connection) -> Result<Vec<(String, String)>> {
    let mut st = c.prepare_cached(
        "SELECT till, printer FROM print_jobs WHERE status = 'queued'
         GROUP BY till, printer ORDER BY min(id)",
    )?;
    let rows = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A till's printer changed: its waiting jobs go to the new one. Returns how many.
pub fn repoint(c: &Connection, till: &str, printer: &str) -> Result<usize> {
    Ok(c.prepare_cached(
        "UPDATE print_jobs SET printer = ?2 WHERE till = ?1 AND status = 'queued'",
    )?
    .execute(params![till, printer])?)
}

/// The most recent `limit` jobs plus every one still pending, oldest first.
pub fn recent(c: &Connection, limit: i64) -> Result<Vec<PrintJob>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLS} FROM print_jobs
         WHERE status IN ('queued', 'printing')
            OR id > (SELECT coalesce(max(id), 0) FROM print_jobs) - ?1
         ORDER BY id"
    ))?;
    let rows = st
        .query_map([limit], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Every job of a sale, oldest first.
pub fn for_sale(c: &Connection, sale_id: i64) -> Result<Vec<PrintJob>> {
    let mut st = c.prepare_cached(&format!(
        "SELECT {COLS} FROM print_jobs WHERE sale_id = ?1 ORDER BY id"
    ))?;
    let rows = st
        .query_map([sale_id], row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Claim a queued job for printing. False when someone else claimed it first.
pub fn claim(c: &Connection, id: i64, at: &str) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE print_jobs SET status = 'printing', claimed_at = ?2
         WHERE id = ?1 AND status = 'queued'",
    )?
    .execute(params![id, at])?
        == 1)
}

/// A claimed job was sent (`confirmed`: the printer said it was ready). False when it was
/// not (or no longer) claimed — then nothing changes.
pub fn mark_done(c: &Connection, id: i64, at: &str, confirmed: bool) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE print_jobs SET status = 'done', printed_at = ?2, claimed_at = NULL,
                               unconfirmed = ?3
         WHERE id = ?1 AND status = 'printing'",
    )?
    .execute(params![id, at, !confirmed])?
        == 1)
}

/// Whether `till`'s printer at `printer` has ever answered a status request.
pub fn answered_before(c: &Connection, till: &str, printer: &str) -> Result<bool> {
    Ok(
        c.prepare_cached("SELECT 1 FROM printer_answers WHERE till = ?1 AND printer = ?2")?
            .exists([till, printer])?,
    )
}

/// `till`'s printer at `printer` answered a status request.
pub fn remember_answer(c: &Connection, till: &str, printer: &str, at: &str) -> Result<()> {
    c.prepare_cached(
        "INSERT INTO printer_answers(till, printer, answered_at) VALUES (?1, ?2, ?3)
         ON CONFLICT(till, printer) DO NOTHING",
    )?
    .execute([till, printer, at])?;
    Ok(())
}

/// A claimed job could not be sent: back to the queue, one attempt more, retried at `next`.
pub fn mark_retry(c: &Connection, id: i64, error: &str, next: &str) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE print_jobs SET status = 'queued', attempts = attempts + 1, last_error = ?2,
                               next_attempt_at = ?3, claimed_at = NULL
         WHERE id = ?1 AND status = 'printing'",
    )?
    .execute(params![id, error, next])?
        == 1)
}

/// Give up on a claimed or queued job.
pub fn mark_failed(c: &Connection, id: i64, error: &str) -> Result<bool> {
    Ok(c.prepare_cached(
        "UPDATE print_jobs SET status = 'failed', attempts = attempts + 1, last_error = ?2,
                               claimed_at = NULL
         WHERE id = ?1 AND status IN ('queued', 'printing')",
    )?
    .execute(params![id, error])?
        == 1)
}

/// Which jobs an operation on the queue touches: one till's, one printer's, both or all.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Scope<'a> {
    pub till: Option<&'a str>,
    pub printer: Option<&'a str>,
}

/// Put jobs left `printing` (by a worker that died) back in the queue: those in `scope`
/// claimed at or before `claimed_before`. Returns how many.
pub fn requeue_claimed(c: &Connection, scope: Scope, claimed_before: &str) -> Result<usize> {
    Ok(c.prepare_cached(
        "UPDATE print_jobs SET status = 'queued', claimed_at = NULL
         WHERE status = 'printing' AND claimed_at <= ?3
           AND (?1 IS NULL OR till = ?1) AND (?2 IS NULL OR printer = ?2)",
    )?
    .execute(params![scope.till, scope.printer, claimed_before])?)
}

/// Make every waiting job in `scope` due at `at`, and put failed print jobs back in the
/// queue (expired drawer kicks stay failed). Returns how many jobs changed.
pub fn make_due(c: &Connection, scope: Scope, at: &str) -> Result<usize> {
    Ok(c.prepare_cached(
        "UPDATE print_jobs SET status = 'queued', next_attempt_at = ?3
         WHERE (status = 'queued' OR (status = 'failed' AND kind <> 'drawer'))
           AND (?1 IS NULL OR till = ?1) AND (?2 IS NULL OR printer = ?2)",
    )?
    .execute(params![scope.till, scope.printer, at])?)
}

/// Sales totals of one shift, for the X/Z report.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ShiftTotals {
    pub sales: i64,
    pub gross: Decimal,
    pub discount: Decimal,
    pub rounding: Decimal,
    pub payable: Decimal,
    pub change: Decimal,
    /// PPN contained in the sales (Σ of each receipt's whole-rupiah PPN).
    pub ppn: Decimal,
    /// (tender kind, amount), in a fixed order: cash, qris, transfer, kasbon.
    pub tenders: Vec<(String, Decimal)>,
}

pub fn shift_totals(c: &Connection, shift_id: i64) -> Result<ShiftTotals> {
    let (sales, gross, discount, rounding, payable, change, ppn) = c
        .prepare_cached(&format!(
            "SELECT count(*), coalesce(sum(gross), 0), coalesce(sum(discount), 0),
                coalesce(sum(rounding), 0), coalesce(sum(payable), 0),
                coalesce(sum(change_given), 0), coalesce(sum(ppn), 0)
             FROM sales s WHERE {SALES_OF_SHIFT}"
        ))?
        .query_row([shift_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, i64>(3)?,
                r.get::<_, i64>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, i64>(6)?,
            ))
        })?;
    let mut st = c.prepare_cached(&format!(
        "SELECT t.kind, sum(t.amount) FROM sales s JOIN sale_tenders t ON t.sale_id = s.id
         WHERE {SALES_OF_SHIFT} GROUP BY t.kind
         ORDER BY CASE t.kind WHEN 'cash' THEN 0 WHEN 'qris' THEN 1 WHEN 'transfer' THEN 2
                  ELSE 3 END"
    ))?;
    let tenders = st
        .query_map([shift_id], |r| {
            Ok((r.get::<_, String>(0)?, money(r.get::<_, i64>(1)?)))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(ShiftTotals {
        sales,
        gross: money(gross),
        discount: money(discount),
        rounding: money(rounding),
        payable: money(payable),
        change: money(change),
        ppn: money(ppn),
        tenders,
    })
}
