//! The print queue: receipts, reprints, reports and drawer kicks reach the printer through
//! the persistent `print_jobs` queue, so a printer fault never loses, blocks or duplicates
//! a sale.
//!
//! * Checkout enqueues the receipt inside the sale's own transaction
//!   ([`enqueue_sale_receipt`]). A cash sale also gets a `drawer` job just before it: the
//!   kick is sent on its own, without a status check, so the drawer opens for the change
//!   even when the paper has run out; a kick that could not be sent within
//!   [`DRAWER_KICK_TTL_SECS`] is given up instead of popping the drawer open minutes later.
//! * Receipt jobs hold no bytes: they are rebuilt from the stored (immutable) sale when sent.
//! * [`Shop::process_queue_once`] sends a printer's waiting jobs oldest first. A job is
//!   claimed (`printing`) in one transaction, sent, and marked `done` in another — exactly
//!   once. On two-way links the printer's status (DLE EOT) is asked first, so a printer
//!   without paper gets no bytes at all; the job goes back to the queue with one attempt
//!   more and waits 2 s, 4 s, 8 s … (at most 60 s, by the shop's clock). The queue keeps its
//!   order: while the oldest job waits, the younger ones wait behind it.
//! * [`PrintWorker`] runs that loop on its own thread with its own connection to the shop
//!   file, and reports the printer's state over a channel the till polls.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use kasir_hardware::{
    kick_drawer, query_status, send_job_with, HardwareError, JobOptions, PrinterUri, Transport,
    DEFAULT_STATUS_TIMEOUT,
};
use kasir_receipts::{EscposOptions, ReportRow, ShiftReport, ShiftReportKind};
use rusqlite::{Connection, Transaction};
use rust_decimal::Decimal;
use serde::Serialize;

pub use kasir_hardware::PrinterState;

use super::{new_uuid, stamp, Clock, Shop, SystemClock};
use crate::domain::cart::{Tender, TenderKind};
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::i18n::{t, Lang};
use crate::store::print::{self as q, JobKind, NewJob, PrintJob};
use crate::store::{audit, settings, shifts, OpenMode, Store};

/// Opens the connection to the printer at a URI (`serial:…`, `tcp:…`, `file:…`, `sim`).
pub type Opener = dyn FnMut(&str) -> std::result::Result<Box<dyn Transport>, HardwareError> + Send;

/// First retry delay after a failed attempt; it doubles with every attempt.
pub const BACKOFF_FIRST_SECS: i64 = 2;
/// The longest wait between two attempts.
pub const BACKOFF_MAX_SECS: i64 = 60;
/// A drawer kick not sent within this many seconds of the sale is given up.
pub const DRAWER_KICK_TTL_SECS: i64 = 60;
/// `print retry` takes back jobs another process claimed longer ago than this (it died).
pub const STALE_CLAIM_SECS: i64 = 120;

/// Open a printer by URI with the hardware crate.
pub fn open_printer(uri: &str) -> std::result::Result<Box<dyn Transport>, HardwareError> {
    kasir_hardware::open(&uri.parse::<PrinterUri>()?)
}

/// Check a printer URI, in its canonical spelling.
pub fn parse_printer(uri: &str) -> Result<String> {
    uri.parse::<PrinterUri>()
        .map(|u| u.to_string())
        .map_err(KasirError::Printer)
}

/// How long to wait after the `attempts`-th failed attempt: 2 s, 4 s, 8 s, … capped at 60 s.
pub fn backoff(attempts: i64) -> chrono::Duration {
    let exp = attempts.clamp(1, 7) - 1;
    chrono::Duration::seconds((BACKOFF_FIRST_SECS << exp).min(BACKOFF_MAX_SECS))
}

/// A printer URI in its canonical spelling when it parses (so `tcp:host` and
/// `tcp:host:9100` name one queue), else as written (the job then fails with a clear error
/// instead of the sale failing).
pub fn canonical_printer(uri: &str) -> String {
    uri.parse::<PrinterUri>()
        .map(|u| u.to_string())
        .unwrap_or_else(|_| uri.trim().to_string())
}

/// The printer that prints a till's receipts: setting `till.<till>.printer`, else
/// `printer.uri`, else the simulated printer.
pub fn receipt_printer(c: &Connection, till: &str) -> Result<String> {
    let own = settings::get(c, &format!("till.{till}.printer"))?.filter(|s| !s.is_empty());
    let uri = match own {
        Some(p) => p,
        None => settings::get(c, "printer.uri")?
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "sim".into()),
    };
    Ok(canonical_printer(&uri))
}

/// Enqueue a just-committed sale's receipt, inside the sale's transaction; a sale with a
/// cash tender gets a drawer kick in front of it.
pub fn enqueue_sale_receipt(
    tx: &Transaction,
    sale_id: i64,
    number: &str,
    till: &str,
    tenders: &[Tender],
    at: &str,
) -> Result<()> {
    let printer = receipt_printer(tx, till)?;
    let cash = tenders
        .iter()
        .any(|t| t.kind == TenderKind::Cash && t.amount > Decimal::ZERO);
    let job = |kind| NewJob {
        uuid: "",
        kind,
        reference: Some(number),
        sale_id: Some(sale_id),
        printer: &printer,
        payload: None,
        at,
    };
    if cash {
        q::insert(
            tx,
            &NewJob {
                uuid: &new_uuid(),
                ..job(JobKind::Drawer)
            },
        )?;
    }
    q::insert(
        tx,
        &NewJob {
            uuid: &new_uuid(),
            ..job(JobKind::Receipt)
        },
    )?;
    Ok(())
}

/// What the printer is doing, for the till's status bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PrinterReport {
    /// The printer URI.
    pub printer: String,
    #[serde(serialize_with = "state_code")]
    pub state: PrinterState,
    /// Jobs of this printer still waiting.
    pub queued: usize,
    /// The last error, in English (for logs and the settings screen).
    pub last_error: Option<String>,
}

fn state_code<S: serde::Serializer>(
    s: &PrinterState,
    ser: S,
) -> std::result::Result<S::Ok, S::Error> {
    ser.serialize_str(state_key(*s))
}

/// A stable word for a printer state (JSON, logs).
pub fn state_key(s: PrinterState) -> &'static str {
    match s {
        PrinterState::Ready => "ready",
        PrinterState::PaperNearEnd => "paper_near_end",
        PrinterState::PaperOut => "paper_out",
        PrinterState::CoverOpen => "cover_open",
        PrinterState::Offline => "offline",
        PrinterState::Error => "error",
        PrinterState::Unknown => "unknown",
    }
}

/// The printer state in the cashier's words: "Kertas habis", "Printer offline", …
pub fn state_text(s: PrinterState, lang: Lang) -> &'static str {
    t(
        lang,
        match s {
            PrinterState::Ready => "printer.ready",
            PrinterState::PaperNearEnd => "printer.paper_near_end",
            PrinterState::PaperOut => "printer.paper_out",
            PrinterState::CoverOpen => "printer.cover_open",
            PrinterState::Offline => "printer.offline",
            PrinterState::Error => "printer.error",
            PrinterState::Unknown => "printer.unknown",
        },
    )
}

impl PrinterReport {
    /// One line for the status bar, e.g. "Kertas habis — 2 struk menunggu".
    pub fn message(&self, lang: Lang) -> String {
        let state = state_text(self.state, lang);
        if self.queued == 0 {
            state.to_string()
        } else {
            format!("{state} — {} {}", self.queued, t(lang, "printer.waiting"))
        }
    }

    /// Whether the cashier needs to do something at the printer.
    pub fn needs_attention(&self) -> bool {
        !matches!(
            self.state,
            PrinterState::Ready | PrinterState::Unknown | PrinterState::PaperNearEnd
        )
    }
}

/// The state a send error tells about the printer.
pub fn state_of_error(e: &HardwareError) -> PrinterState {
    match e {
        HardwareError::PaperOut => PrinterState::PaperOut,
        HardwareError::CoverOpen => PrinterState::CoverOpen,
        HardwareError::Offline
        | HardwareError::Timeout { .. }
        | HardwareError::Disconnected { .. }
        | HardwareError::DeviceNotFound { .. }
        | HardwareError::Connection { .. } => PrinterState::Offline,
        _ => PrinterState::Error,
    }
}

/// A hardware error in the cashier's language.
pub fn hardware_message(e: &HardwareError, lang: Lang) -> String {
    use HardwareError as H;
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        H::PaperOut => "Kertas printer habis — pasang gulungan baru".into(),
        H::CoverOpen => "Penutup printer terbuka — tutup dulu".into(),
        H::Offline => "Printer offline atau tidak menjawab — periksa daya dan kabel".into(),
        H::PrinterFault => {
            "Printer bermasalah (kertas macet, pemotong, terlalu panas) — matikan lalu nyalakan"
                .into()
        }
        H::Timeout { device } => format!("{device} tidak menjawab tepat waktu"),
        H::Disconnected { device } => format!("{device} terputus"),
        H::DeviceNotFound { device } => {
            format!("Perangkat {device} tidak ditemukan (sudah dicolok dan dinyalakan?)")
        }
        H::PermissionDenied { device } => format!(
            "Akses ke {device} ditolak (masukkan pengguna kasir ke grup 'dialout' dan 'lp')"
        ),
        H::Busy { device } => format!("{device} sedang dipakai program lain"),
        H::Connection { target, reason } => {
            format!("Tidak bisa tersambung ke printer {target}: {reason}")
        }
        other if other.is_bad_uri() => format!(
            "Alamat printer tidak sah: {other} (contoh: serial:/dev/ttyUSB0?baud=9600, usb:/dev/usb/lp0, tcp:192.168.1.50:9100, file:/tmp/struk.bin, sim)"
        ),
        other => format!("Kesalahan printer: {other}"),
    }
}

/// A job that could not be sent this time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JobFailure {
    pub job: i64,
    pub error: String,
    /// When it will be tried again (empty for a test page, which is not retried).
    pub next_attempt_at: String,
}

/// What one pass over a printer's queue did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QueueOutcome {
    /// Jobs sent and marked done, in order.
    pub printed: Vec<i64>,
    /// The job that failed (the pass stops there).
    pub failed: Option<JobFailure>,
    /// Jobs given up (expired drawer kicks, documents that cannot be built).
    pub given_up: Vec<i64>,
    /// `Some` when the printer was talked to.
    #[serde(skip)]
    pub state: Option<PrinterState>,
    /// Jobs still waiting for this printer.
    pub queued: usize,
    /// When the oldest waiting job is due, if it is not due yet.
    pub next_due: Option<String>,
}

impl Shop {
    /// Queue the printer test page.
    pub fn enqueue_test(&mut self, actor: &Actor, printer: &str) -> Result<PrintJob> {
        super::auth::require(
            actor,
            Permission::Sell,
            crate::domain::user::Act::PrintTestPage,
        )?;
        let lang = self.settings()?.lang;
        let bytes = kasir_receipts::test_page_escpos(self.paper()?, lang.receipts());
        self.enqueue_bytes(JobKind::Test, None, printer, bytes)
    }

    /// Queue an X/Z shift report.
    pub fn enqueue_report(
        &mut self,
        actor: &Actor,
        printer: &str,
        report: &ShiftReport,
    ) -> Result<PrintJob> {
        super::auth::require(
            actor,
            Permission::Sell,
            crate::domain::user::Act::PrintShiftReport,
        )?;
        let lang = self.settings()?.lang;
        let bytes = kasir_receipts::shift_report_escpos(
            report,
            self.paper()?,
            lang.receipts(),
            &EscposOptions::default(),
        );
        self.enqueue_bytes(JobKind::Z, Some(&report.shift_no), printer, bytes)
    }

    /// Queue a goods-received slip.
    pub fn enqueue_slip(
        &mut self,
        actor: &Actor,
        printer: &str,
        slip: &kasir_receipts::ReceivingSlip,
        reference: &str,
    ) -> Result<PrintJob> {
        super::auth::require(
            actor,
            Permission::ReceiveStock,
            crate::domain::user::Act::PrintSlip,
        )?;
        let lang = self.settings()?.lang;
        let bytes = kasir_receipts::slip_escpos(
            slip,
            self.paper()?,
            lang.receipts(),
            &EscposOptions::default(),
        );
        self.enqueue_bytes(JobKind::Slip, Some(reference), printer, bytes)
    }

    fn enqueue_bytes(
        &mut self,
        kind: JobKind,
        reference: Option<&str>,
        printer: &str,
        bytes: Vec<u8>,
    ) -> Result<PrintJob> {
        let printer = parse_printer(printer)?;
        let at = stamp(self.now());
        let id = self.store.write(|tx| {
            q::insert(
                tx,
                &NewJob {
                    uuid: &new_uuid(),
                    kind,
                    reference,
                    sale_id: None,
                    printer: &printer,
                    payload: Some(&bytes),
                    at: &at,
                },
            )
        })?;
        self.print_job(id)
    }

    /// Queue a copy of a sale's receipt (marked SALINAN) for `printer` (default: the till's
    /// receipt printer). Audited.
    pub fn reprint(
        &mut self,
        actor: &Actor,
        sale_no: &str,
        printer: Option<&str>,
    ) -> Result<PrintJob> {
        super::auth::require(actor, Permission::Sell, crate::domain::user::Act::Reprint)?;
        let sale = self.sale(sale_no)?;
        let printer = match printer {
            Some(p) => parse_printer(p)?,
            None => receipt_printer(self.store.conn(), &sale.till)?,
        };
        let at = stamp(self.now());
        let id = self.store.write(|tx| {
            let id = q::insert(
                tx,
                &NewJob {
                    uuid: &new_uuid(),
                    kind: JobKind::Reprint,
                    reference: Some(&sale.number),
                    sale_id: Some(sale.id),
                    printer: &printer,
                    payload: None,
                    at: &at,
                },
            )?;
            audit::append(
                tx,
                &audit::AuditEntry {
                    at: &at,
                    user_id: actor.user_id,
                    actor: &actor.username,
                    action: "receipt_reprint",
                    detail: &format!("{} -> {printer}", sale.number),
                    approver: None,
                },
            )?;
            Ok(id)
        })?;
        self.print_job(id)
    }

    /// One job by id.
    pub fn print_job(&self, id: i64) -> Result<PrintJob> {
        q::by_id(self.store.conn(), id)?.ok_or_else(|| {
            KasirError::invalid(
                format!("Job cetak {id} tidak ada"),
                format!("No print job {id}"),
            )
        })
    }

    /// Jobs still to print, oldest first (every printer).
    pub fn pending_jobs(&self) -> Result<Vec<PrintJob>> {
        q::pending(self.store.conn(), None)
    }

    /// The last `limit` jobs and every pending one, oldest first (`kasir print queue`).
    pub fn print_queue(&self, limit: i64) -> Result<Vec<PrintJob>> {
        q::recent(self.store.conn(), limit)
    }

    /// The print jobs of a sale (receipt, drawer kick, reprints).
    pub fn sale_print_jobs(&self, sale_no: &str) -> Result<Vec<PrintJob>> {
        let sale = self.sale(sale_no)?;
        q::for_sale(self.store.conn(), sale.id)
    }

    /// Put jobs left `printing` by a process that died back in the queue: of `printer` (all
    /// when `None`), claimed at least `older_than` ago. Returns how many.
    pub fn requeue_interrupted(
        &mut self,
        printer: Option<&str>,
        older_than: chrono::Duration,
    ) -> Result<usize> {
        let before = stamp(self.now() - older_than);
        let n = self
            .store
            .write(|tx| q::requeue_claimed(tx, printer, &before))?;
        if n > 0 {
            tracing::warn!(
                jobs = n,
                "print jobs interrupted by a restart are queued again"
            );
        }
        Ok(n)
    }

    /// "Try again now": waiting jobs (of `printer`, or all) become due at once, failed print
    /// jobs go back in the queue, and jobs of a process that died are taken back.
    pub fn retry_now(&mut self, printer: Option<&str>) -> Result<usize> {
        self.requeue_interrupted(printer, chrono::Duration::seconds(STALE_CLAIM_SECS))?;
        let at = stamp(self.now());
        self.store.write(|tx| q::make_due(tx, printer, &at))
    }

    /// The ESC/POS bytes of a job.
    fn job_bytes(&self, job: &PrintJob, lang: Lang) -> Result<Vec<u8>> {
        match job.kind {
            JobKind::Receipt | JobKind::Reprint => {
                let sale = self.sale(job.reference.as_deref().unwrap_or_default())?;
                let r = self.receipt(&sale, job.kind == JobKind::Reprint, lang)?;
                Ok(kasir_receipts::receipt_escpos(
                    &r,
                    self.paper()?,
                    lang.receipts(),
                    &EscposOptions {
                        cut: true,
                        drawer_kick: false,
                    },
                ))
            }
            JobKind::Drawer => Ok(kasir_hardware::commands::DRAWER_KICK.to_vec()),
            JobKind::Z | JobKind::Slip | JobKind::Test => job.payload.clone().ok_or_else(|| {
                KasirError::invalid(
                    format!("Job cetak {} tidak berisi dokumen", job.id),
                    format!("Print job {} holds no document", job.id),
                )
            }),
        }
    }

    /// Send `printer`'s due jobs, oldest first, through `open`. Stops at the first job the
    /// printer does not take (that job waits with one attempt more). Never panics on a
    /// device fault; an `Err` is a database problem.
    pub fn process_queue_once(&mut self, printer: &str, open: &mut Opener) -> Result<QueueOutcome> {
        let printer = &canonical_printer(printer);
        let now = self.now();
        let now_s = stamp(now);
        let jobs = q::queued_for(self.store.conn(), printer)?;
        let mut out = QueueOutcome {
            printed: Vec::new(),
            failed: None,
            given_up: Vec::new(),
            state: None,
            queued: jobs.len(),
            next_due: None,
        };
        let Some(head) = jobs.first() else {
            return Ok(out);
        };
        if head.next_attempt_at > now_s {
            out.next_due = Some(head.next_attempt_at.clone());
            return Ok(out);
        }
        let lang = self.settings()?.lang;
        let mut transport: Option<Box<dyn Transport>> = None;
        for job in &jobs {
            if job.kind == JobKind::Drawer {
                let expired =
                    chrono::NaiveDateTime::parse_from_str(&job.created_at, "%Y-%m-%d %H:%M:%S")
                        .map(|c| now - c > chrono::Duration::seconds(DRAWER_KICK_TTL_SECS))
                        .unwrap_or(true);
                if expired {
                    let why = "drawer kick expired: not sent within 60 s of the sale";
                    self.store.write(|tx| q::mark_failed(tx, job.id, why))?;
                    out.given_up.push(job.id);
                    continue;
                }
            }
            let bytes = match self.job_bytes(job, lang) {
                Ok(b) => b,
                Err(e) => {
                    let why = e.message(Lang::En);
                    tracing::error!(job = job.id, error = %why, "print job cannot be built");
                    self.store.write(|tx| q::mark_failed(tx, job.id, &why))?;
                    out.given_up.push(job.id);
                    continue;
                }
            };
            if !self.store.write(|tx| q::claim(tx, job.id, &now_s))? {
                continue; // another worker has it
            }
            let sent = match &mut transport {
                Some(t) => send(t.as_mut(), job.kind, &bytes),
                None => match open(printer) {
                    Ok(t) => send(transport.insert(t).as_mut(), job.kind, &bytes),
                    Err(e) => Err(e),
                },
            };
            match sent {
                Ok(state) => {
                    let printed_at = stamp(self.now());
                    self.store
                        .write(|tx| q::mark_done(tx, job.id, &printed_at))?;
                    out.printed.push(job.id);
                    out.state = Some(match state {
                        // A one-way link that took the job is as good as ready.
                        PrinterState::Unknown => PrinterState::Ready,
                        s => s,
                    });
                }
                Err(e) if job.kind == JobKind::Test => {
                    // A test page is for now: it is not printed later by surprise.
                    let why = e.to_string();
                    self.store.write(|tx| q::mark_failed(tx, job.id, &why))?;
                    out.state = Some(state_of_error(&e));
                    out.failed = Some(JobFailure {
                        job: job.id,
                        error: why,
                        next_attempt_at: String::new(),
                    });
                    break;
                }
                Err(e) => {
                    let why = e.to_string();
                    let next = stamp(now + backoff(job.attempts + 1));
                    tracing::warn!(job = job.id, printer, error = %why, retry_at = %next, "print job not sent");
                    self.store
                        .write(|tx| q::mark_retry(tx, job.id, &why, &next))?;
                    out.state = Some(state_of_error(&e));
                    out.failed = Some(JobFailure {
                        job: job.id,
                        error: why,
                        next_attempt_at: next,
                    });
                    break;
                }
            }
        }
        out.queued = q::queued_for(self.store.conn(), printer)?.len();
        Ok(out)
    }

    /// Ask the printer how it is (DLE EOT where the link is two-way).
    pub fn probe_printer(&self, printer: &str, open: &mut Opener) -> Result<PrinterReport> {
        let printer = &canonical_printer(printer);
        let queued = q::queued_for(self.store.conn(), printer)?.len();
        let (state, last_error) = match open(printer)
            .and_then(|mut t| query_status(t.as_mut(), DEFAULT_STATUS_TIMEOUT))
        {
            Ok(s) => (s.state, None),
            Err(e) => (state_of_error(&e), Some(e.to_string())),
        };
        Ok(PrinterReport {
            printer: printer.to_string(),
            state,
            queued,
            last_error,
        })
    }

    /// Open the cash drawer now (a supervisor's "open drawer"; audited before the kick).
    /// Queue a drawer kick on `till`'s printer for the cashier's count at shift close; the
    /// cashier may open the drawer for that, and it is in the audit log.
    pub fn kick_drawer_for_count(&mut self, actor: &Actor, till: &str) -> Result<PrintJob> {
        super::auth::require(
            actor,
            Permission::Sell,
            crate::domain::user::Act::OpenDrawerForCount,
        )?;
        self.require_shift(till)?;
        let printer = receipt_printer(self.store.conn(), till)?;
        let at = stamp(self.now());
        let job = self.enqueue_bytes(
            JobKind::Drawer,
            Some("shift-close"),
            &printer,
            kasir_hardware::commands::DRAWER_KICK.to_vec(),
        )?;
        self.store.write(|tx| {
            audit::append(
                tx,
                &audit::AuditEntry {
                    at: &at,
                    user_id: actor.user_id,
                    actor: &actor.username,
                    action: "drawer_count",
                    detail: &format!("{till} {printer}"),
                    approver: None,
                },
            )
        })?;
        Ok(job)
    }

    /// Queue a delivery's receiving slip on the printer of the till it was booked at.
    pub fn print_slip(
        &mut self,
        actor: &Actor,
        till: &str,
        received: &super::stock::GoodsReceived,
    ) -> Result<PrintJob> {
        let printer = receipt_printer(self.store.conn(), till)?;
        self.enqueue_slip(actor, &printer, &received.slip, &received.doc_no)
    }

    /// Queue the Z report of a shift just closed on `till`'s printer.
    pub fn print_z(&mut self, actor: &Actor, till: &str, report: &ShiftReport) -> Result<PrintJob> {
        let printer = receipt_printer(self.store.conn(), till)?;
        self.enqueue_report(actor, &printer, report)
    }

    pub fn open_drawer(&mut self, actor: &Actor, printer: &str, open: &mut Opener) -> Result<()> {
        super::auth::require(
            actor,
            Permission::Supervise,
            crate::domain::user::Act::OpenDrawer,
        )?;
        let printer = parse_printer(printer)?;
        let at = stamp(self.now());
        self.store.write(|tx| {
            audit::append(
                tx,
                &audit::AuditEntry {
                    at: &at,
                    user_id: actor.user_id,
                    actor: &actor.username,
                    action: "drawer_open",
                    detail: &printer,
                    approver: Some(&actor.username),
                },
            )
        })?;
        let mut t = open(&printer).map_err(KasirError::Printer)?;
        kick_drawer(t.as_mut()).map_err(KasirError::Printer)
    }

    /// The shift report of a shift from what is stored: Z once the shift is closed, X while
    /// it is open. (Counted cash at close is not part of it yet.)
    pub fn shift_report(&self, shift_id: i64, lang: Lang) -> Result<ShiftReport> {
        let shift = shifts::by_id(self.store.conn(), shift_id)?.ok_or_else(|| {
            KasirError::invalid(
                format!("Shift {shift_id} tidak ada"),
                format!("No shift {shift_id}"),
            )
        })?;
        let totals = q::shift_totals(self.store.conn(), shift_id)?;
        let s = self.settings()?;
        let parse = |v: &str| NaiveDateTime::parse_from_str(v, "%Y-%m-%d %H:%M:%S").ok();
        let row = |key: &'static str, amount: Decimal, bold: bool| ReportRow {
            label: t(lang, key).to_string(),
            amount,
            bold,
        };
        let mut rows = vec![
            row("report.float", shift.opening_float, false),
            row("report.gross", totals.gross, false),
        ];
        if !totals.discount.is_zero() {
            rows.push(row("report.discount", -totals.discount, false));
        }
        if !totals.rounding.is_zero() {
            rows.push(row("pay.rounding", -totals.rounding, false));
        }
        rows.push(row("report.net", totals.payable, true));
        let mut cash = Decimal::ZERO;
        for (kind, amount) in &totals.tenders {
            if kind == "cash" {
                cash = *amount;
            }
            rows.push(ReportRow {
                label: super::receipt::tender_label(kind, lang).to_string(),
                amount: *amount,
                bold: false,
            });
        }
        rows.push(row("till.change", -totals.change, false));
        rows.push(row(
            "report.cash_expected",
            shift.opening_float + cash - totals.change,
            true,
        ));
        let closed = shift.status == "closed";
        Ok(ShiftReport {
            kind: if closed {
                ShiftReportKind::Z
            } else {
                ShiftReportKind::X
            },
            shop_name: s.name.clone(),
            unit_label: super::receipt::unit_label(&shift.business_unit, lang).to_string(),
            till: shift.till.clone(),
            cashier: shift.cashier.clone(),
            opened: parse(&shift.opened_at).unwrap_or_default(),
            closed: shift.closed_at.as_deref().and_then(parse),
            printed: self.now(),
            shift_no: shift.id.to_string(),
            sales_count: u32::try_from(totals.sales).unwrap_or(u32::MAX),
            rows,
            notes: Vec::new(),
        })
    }
}

/// Send one job on an open transport; returns the state the printer reported.
fn send(
    t: &mut dyn Transport,
    kind: JobKind,
    bytes: &[u8],
) -> std::result::Result<PrinterState, HardwareError> {
    if kind == JobKind::Drawer {
        // A kick goes out even without paper: the cashier needs the drawer for the change.
        t.write_all(bytes)?;
        t.flush()?;
        return Ok(PrinterState::Unknown);
    }
    let status = query_status(t, DEFAULT_STATUS_TIMEOUT)?;
    if let Some(refusal) = status.refusal() {
        return Err(refusal);
    }
    send_job_with(
        t,
        bytes,
        &JobOptions {
            check_status: false,
            ..JobOptions::default()
        },
    )?;
    Ok(status.state)
}

/// How a [`PrintWorker`] runs.
pub struct PrintWorkerConfig {
    /// The shop database file (the worker opens its own connection).
    pub db_path: PathBuf,
    /// The printer this worker prints to (jobs for other printers are left alone).
    pub printer: String,
    /// Pause between passes when not woken.
    pub tick: Duration,
    /// How often an idle worker asks the printer for its status.
    pub probe_every: Duration,
}

impl PrintWorkerConfig {
    /// One pass a second, a status probe every 10 s.
    pub fn new(db_path: impl Into<PathBuf>, printer: impl Into<String>) -> Self {
        PrintWorkerConfig {
            db_path: db_path.into(),
            printer: canonical_printer(&printer.into()),
            tick: Duration::from_secs(1),
            probe_every: Duration::from_secs(10),
        }
    }
}

enum Control {
    Wake,
    RetryNow,
    Stop,
}

/// The background printer worker of a till.
pub struct PrintWorker;

/// The till's handle on its [`PrintWorker`]. Dropping it stops the worker.
pub struct PrintWorkerHandle {
    control: Sender<Control>,
    reports: Receiver<PrinterReport>,
    thread: Option<JoinHandle<()>>,
}

impl PrintWorker {
    /// Start a worker printing to `printer_uri` from the queue in `db_path`.
    pub fn spawn(db_path: impl Into<PathBuf>, printer_uri: impl Into<String>) -> PrintWorkerHandle {
        Self::spawn_with(
            PrintWorkerConfig::new(db_path, printer_uri),
            Box::new(open_printer),
            Arc::new(SystemClock),
        )
    }

    /// Start a worker with its own way of opening the printer and its own clock (tests,
    /// the demo's simulated printer).
    pub fn spawn_with(
        cfg: PrintWorkerConfig,
        opener: Box<Opener>,
        clock: Arc<dyn Clock>,
    ) -> PrintWorkerHandle {
        let (control, control_rx) = mpsc::channel();
        let (reports_tx, reports) = mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("kasir-print".into())
            .spawn(move || worker_loop(cfg, opener, clock, control_rx, reports_tx))
            .map_err(|e| tracing::error!(error = %e, "print worker could not start"))
            .ok();
        PrintWorkerHandle {
            control,
            reports,
            thread,
        }
    }
}

impl PrintWorkerHandle {
    /// The newest report since the last call, if the printer's state or queue changed.
    /// Never blocks.
    pub fn try_status(&self) -> Option<PrinterReport> {
        self.reports.try_iter().last()
    }

    /// Look at the queue now (call after a sale is committed).
    pub fn wake(&self) {
        let _ = self.control.send(Control::Wake);
    }

    /// The cashier pressed "try again": waiting jobs are sent now, without their backoff.
    pub fn retry_now(&self) {
        let _ = self.control.send(Control::RetryNow);
    }

    /// Whether the worker thread is still running.
    pub fn is_running(&self) -> bool {
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stop the worker and wait for it (at most the job being sent).
    pub fn stop(&mut self) {
        let _ = self.control.send(Control::Stop);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for PrintWorkerHandle {
    fn drop(&mut self) {
        self.stop();
    }
}

fn worker_loop(
    cfg: PrintWorkerConfig,
    mut opener: Box<Opener>,
    clock: Arc<dyn Clock>,
    control: Receiver<Control>,
    reports: Sender<PrinterReport>,
) {
    let printer = cfg.printer.clone();
    let mut last: Option<PrinterReport> = None;
    let mut publish = |r: PrinterReport| {
        if last.as_ref() != Some(&r) {
            tracing::info!(printer = %r.printer, state = state_key(r.state), queued = r.queued, "printer state");
            let _ = reports.send(r.clone());
            last = Some(r);
        }
    };
    // Wait for the next pass; false when the worker must stop.
    let wait = |d: Duration, retry: &mut bool| -> bool {
        match control.recv_timeout(d) {
            Ok(Control::Stop) | Err(RecvTimeoutError::Disconnected) => false,
            Ok(Control::RetryNow) => {
                *retry = true;
                true
            }
            Ok(Control::Wake) | Err(RecvTimeoutError::Timeout) => true,
        }
    };
    let mut retry = false;
    let mut shop = loop {
        match Store::open(&cfg.db_path, OpenMode::Existing) {
            Ok(store) => break Shop::new(store, clock.clone()),
            Err(e) => {
                tracing::error!(error = %e, "print worker cannot open the shop");
                publish(PrinterReport {
                    printer: printer.clone(),
                    state: PrinterState::Error,
                    queued: 0,
                    last_error: Some(e.message(Lang::En)),
                });
                if !wait(cfg.probe_every, &mut retry) {
                    return;
                }
            }
        }
    };
    if let Err(e) = shop.requeue_interrupted(Some(&printer), chrono::Duration::zero()) {
        tracing::error!(error = %e, "print worker could not take back interrupted jobs");
    }
    let mut last_probe: Option<Instant> = None;
    let mut last_error: Option<String> = None;
    let mut state = PrinterState::Unknown;
    let mut queued_known = 0;
    loop {
        if std::mem::take(&mut retry) {
            if let Err(e) = shop.retry_now(Some(&printer)) {
                tracing::error!(error = %e, "print retry failed");
            }
        }
        let pass = catch_unwind(AssertUnwindSafe(|| {
            shop.process_queue_once(&printer, &mut *opener)
        }));
        let queued = match pass {
            Ok(Ok(outcome)) => {
                if let Some(s) = outcome.state {
                    state = s;
                    last_error = outcome.failed.as_ref().map(|f| f.error.clone());
                    last_probe = Some(Instant::now());
                } else if last_probe.is_none_or(|p| p.elapsed() >= cfg.probe_every) {
                    match catch_unwind(AssertUnwindSafe(|| {
                        shop.probe_printer(&printer, &mut *opener)
                    })) {
                        Ok(Ok(r)) => {
                            state = r.state;
                            last_error = r.last_error;
                        }
                        Ok(Err(e)) => tracing::error!(error = %e, "printer probe failed"),
                        Err(_) => tracing::error!("printer probe panicked; carrying on"),
                    }
                    last_probe = Some(Instant::now());
                }
                outcome.queued
            }
            Ok(Err(e)) => {
                tracing::error!(error = %e, "print queue pass failed");
                last_error = Some(e.message(Lang::En));
                queued_known
            }
            Err(_) => {
                tracing::error!("print queue pass panicked; carrying on");
                state = PrinterState::Error;
                queued_known
            }
        };
        queued_known = queued;
        publish(PrinterReport {
            printer: printer.clone(),
            state,
            queued,
            last_error: last_error.clone(),
        });
        if !wait(cfg.tick, &mut retry) {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_two_seconds_up_to_a_minute() {
        let secs: Vec<i64> = (1..=8).map(|a| backoff(a).num_seconds()).collect();
        assert_eq!(secs, vec![2, 4, 8, 16, 32, 60, 60, 60]);
        assert_eq!(backoff(0).num_seconds(), 2);
        assert_eq!(backoff(i64::MAX).num_seconds(), 60);
    }

    #[test]
    fn states_read_in_the_cashiers_words() {
        assert_eq!(
            state_text(state_of_error(&HardwareError::PaperOut), Lang::Id),
            "Kertas habis"
        );
        assert_eq!(
            state_text(
                state_of_error(&HardwareError::Connection {
                    target: "x".into(),
                    reason: "refused".into()
                }),
                Lang::Id
            ),
            "Printer offline"
        );
        assert_eq!(
            state_text(PrinterState::CoverOpen, Lang::Id),
            "Penutup terbuka"
        );
        assert_eq!(state_text(PrinterState::PaperOut, Lang::En), "Out of paper");
        let r = PrinterReport {
            printer: "sim".into(),
            state: PrinterState::PaperOut,
            queued: 2,
            last_error: None,
        };
        assert_eq!(r.message(Lang::Id), "Kertas habis — 2 struk menunggu");
        assert!(r.needs_attention());
    }
}
