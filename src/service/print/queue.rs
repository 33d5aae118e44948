//! The queue: jobs are put in (with the sale, the return, or on their own), claimed, sent
//! and marked done or retried later.

use kasir_hardware::{
    kick_drawer, send_job_with, status_reply, HardwareError, JobOptions, StatusGate, Transport,
    Verdict, DEFAULT_STATUS_TIMEOUT,
};
use kasir_receipts::{EscposOptions, ShiftReport};
use rusqlite::Transaction;
use rust_decimal::Decimal;

use super::route::status_mode_of;
use super::{
    canonical_printer, parse_printer, receipt_printer, state_of_error, Opener, PrinterReport,
    PrinterState, BACKOFF_FIRST_SECS, BACKOFF_MAX_SECS, DRAWER_KICK_TTL_SECS, STALE_CLAIM_SECS,
};
use crate::domain::cart::{Tender, TenderKind};
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::{new_uuid, stamp, Shop};
use crate::store::print::{self as q, JobKind, NewJob, PrintJob, Scope};

/// How long to wait after the `attempts`-th failed attempt: 2 s, 4 s, 8 s, … capped at 60 s.
pub fn backoff(attempts: i64) -> chrono::Duration {
    let exp = attempts.clamp(1, 7) - 1;
    chrono::Duration::seconds((BACKOFF_FIRST_SECS << exp).min(BACKOFF_MAX_SECS))
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
        till,
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

/// Enqueue a just-booked return's slip, inside the return's transaction, on `till`'s
/// printer; a cash refund gets a drawer kick in front of it.
pub fn enqueue_return_slip(
    tx: &Transaction,
    number: &str,
    till: &str,
    slip: &[u8],
    cash_refund: bool,
    at: &str,
) -> Result<()> {
    let printer = receipt_printer(tx, till)?;
    let job = |kind, payload| NewJob {
        uuid: "",
        kind,
        reference: Some(number),
        sale_id: None,
        till,
        printer: &printer,
        payload: Some(payload),
        at,
    };
    if cash_refund {
        q::insert(
            tx,
            &NewJob {
                uuid: &new_uuid(),
                ..job(JobKind::Drawer, &kasir_hardware::commands::DRAWER_KICK)
            },
        )?;
    }
    q::insert(
        tx,
        &NewJob {
            uuid: &new_uuid(),
            ..job(JobKind::Return, slip)
        },
    )?;
    Ok(())
}

/// A job that could not be sent this time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobFailure {
    pub job: i64,
    pub error: String,
    /// When it will be tried again (empty for a test page, which is not retried).
    pub next_attempt_at: String,
}

/// What one pass over a printer's queue did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueOutcome {
    /// Jobs sent and marked done, in order.
    pub printed: Vec<i64>,
    /// The job that failed (the pass stops there).
    pub failed: Option<JobFailure>,
    /// Jobs given up (expired drawer kicks, documents that cannot be built).
    pub given_up: Vec<i64>,
    /// `Some` when the printer was talked to.
    pub state: Option<PrinterState>,
    /// Jobs still waiting for this printer.
    pub queued: usize,
    /// When the oldest waiting job is due, if it is not due yet.
    pub next_due: Option<String>,
}

impl Shop {
    /// Queue the printer test page on `printer`, as `till`'s job.
    pub fn enqueue_test(&mut self, actor: &Actor, till: &str, printer: &str) -> Result<PrintJob> {
        crate::service::auth::require(
            actor,
            Permission::Sell,
            crate::domain::user::Act::PrintTestPage,
        )?;
        let lang = self.settings()?.lang;
        let bytes = kasir_receipts::test_page_escpos(self.paper()?, lang.receipts());
        self.enqueue_bytes(JobKind::Test, None, till, printer, bytes)
    }

    /// Queue an X/Z shift report on `printer`, as `till`'s job.
    pub fn enqueue_report(
        &mut self,
        actor: &Actor,
        till: &str,
        printer: &str,
        report: &ShiftReport,
    ) -> Result<PrintJob> {
        crate::service::auth::require(
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
        self.enqueue_bytes(JobKind::Z, Some(&report.shift_no), till, printer, bytes)
    }

    /// Queue a goods-received slip on `printer`, as `till`'s job.
    pub fn enqueue_slip(
        &mut self,
        actor: &Actor,
        till: &str,
        printer: &str,
        slip: &kasir_receipts::ReceivingSlip,
        reference: &str,
    ) -> Result<PrintJob> {
        crate::service::auth::require(
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
        self.enqueue_bytes(JobKind::Slip, Some(reference), till, printer, bytes)
    }

    fn enqueue_bytes(
        &mut self,
        kind: JobKind,
        reference: Option<&str>,
        till: &str,
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
                    till,
                    printer: &printer,
                    payload: Some(&bytes),
                    at: &at,
                },
            )
        })?;
        self.print_job(id)
    }

    /// Queue a copy of a sale's receipt (marked SALINAN) for `printer` (default: the
    /// receipt printer of the till that sold it), as that till's job. Audited.
    pub fn reprint(
        &mut self,
        actor: &Actor,
        sale_no: &str,
        printer: Option<&str>,
    ) -> Result<PrintJob> {
        crate::service::auth::require(actor, Permission::Sell, crate::domain::user::Act::Reprint)?;
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
                    till: &sale.till,
                    printer: &printer,
                    payload: None,
                    at: &at,
                },
            )?;
            crate::service::audit(
                tx,
                actor,
                &at,
                "receipt_reprint",
                &format!("{} -> {printer}", sale.number),
                None,
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

    /// Put jobs left `printing` by a process that died back in the queue: those in `scope`
    /// claimed at least `older_than` ago. Returns how many.
    pub fn requeue_interrupted(
        &mut self,
        scope: Scope,
        older_than: chrono::Duration,
    ) -> Result<usize> {
        let before = stamp(self.now() - older_than);
        let n = self
            .store
            .write(|tx| q::requeue_claimed(tx, scope, &before))?;
        if n > 0 {
            tracing::warn!(
                jobs = n,
                "print jobs interrupted by a restart are queued again"
            );
        }
        Ok(n)
    }

    /// "Try again now": waiting jobs in `scope` become due at once, failed print jobs go
    /// back in the queue, and jobs of a process that died are taken back.
    pub fn retry_now(&mut self, scope: Scope) -> Result<usize> {
        self.requeue_interrupted(scope, chrono::Duration::seconds(STALE_CLAIM_SECS))?;
        let at = stamp(self.now());
        self.store.write(|tx| q::make_due(tx, scope, &at))
    }

    /// `kasir print retry`: every waiting job in `scope` becomes due and each queue (till,
    /// printer) with waiting jobs is sent once, oldest queue first. Returns each queue's
    /// printer with what happened.
    pub fn send_waiting(
        &mut self,
        scope: Scope,
        open: &mut Opener,
    ) -> Result<Vec<(String, QueueOutcome)>> {
        self.retry_now(scope)?;
        let queues: Vec<(String, String)> = q::queues_with_queued(self.store.conn())?
            .into_iter()
            .filter(|(t, p)| {
                scope.till.is_none_or(|s| s == t) && scope.printer.is_none_or(|s| s == p)
            })
            .collect();
        let mut results = Vec::new();
        for (t, p) in queues {
            let out = self.process_queue_once(&t, &p, open)?;
            results.push((p, out));
        }
        Ok(results)
    }

    /// The ESC/POS bytes of a job.
    fn job_bytes(&self, job: &PrintJob, lang: Lang) -> Result<Vec<u8>> {
        match job.kind {
            JobKind::Receipt | JobKind::Reprint => {
                let sale = self.sale(job.reference.as_deref().unwrap_or_default())?;
                Ok(self
                    .printed_receipt(&sale, job.kind == JobKind::Reprint, lang)?
                    .escpos())
            }
            JobKind::Drawer => Ok(kasir_hardware::commands::DRAWER_KICK.to_vec()),
            JobKind::Z | JobKind::Slip | JobKind::Test | JobKind::Return => {
                job.payload.clone().ok_or_else(|| {
                    KasirError::invalid(
                        format!("Job cetak {} tidak berisi dokumen", job.id),
                        format!("Print job {} holds no document", job.id),
                    )
                })
            }
        }
    }

    /// Send `till`'s due jobs for `printer`, oldest first, through `open`. Stops at the
    /// first job the printer does not take (that job waits with one attempt more). Never
    /// panics on a device fault; an `Err` is a database problem.
    pub fn process_queue_once(
        &mut self,
        till: &str,
        printer: &str,
        open: &mut Opener,
    ) -> Result<QueueOutcome> {
        let _crash = crate::store::crash::use_case("print");
        let printer = &canonical_printer(printer);
        let now = self.now();
        let now_s = stamp(now);
        let jobs = q::queued_for(self.store.conn(), till, printer)?;
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
        let (mode, answers_key) = status_mode_of(printer);
        let mut remembered = q::answered_before(self.store.conn(), till, &answers_key)?;
        let mut gate = StatusGate::new(mode, remembered);
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
                Some(t) => send(t.as_mut(), job.kind, &bytes, &mut gate),
                None => match open(printer) {
                    Ok(t) => send(transport.insert(t).as_mut(), job.kind, &bytes, &mut gate),
                    Err(e) => Err(e),
                },
            };
            if gate.answered_before && !remembered {
                remembered = true;
                self.store
                    .write(|tx| q::remember_answer(tx, till, &answers_key, &now_s))?;
            }
            crate::store::crash::point("print.after_send");
            match sent {
                Ok(news) => {
                    let printed_at = stamp(self.now());
                    let confirmed = news.is_none_or(|(_, c)| c);
                    self.store
                        .write(|tx| q::mark_done(tx, job.id, &printed_at, confirmed))?;
                    out.printed.push(job.id);
                    if let Some((state, _)) = news {
                        out.state = Some(state);
                    }
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
        out.queued = q::queued_for(self.store.conn(), till, printer)?.len();
        Ok(out)
    }

    /// Ask `till`'s printer how it is (DLE EOT where the link is two-way and the printer's
    /// status mode asks), under the same rules as a job.
    pub fn probe_printer(
        &self,
        till: &str,
        printer: &str,
        open: &mut Opener,
    ) -> Result<PrinterReport> {
        let printer = &canonical_printer(printer);
        let queued = q::queued_for(self.store.conn(), till, printer)?.len();
        let (mode, answers_key) = status_mode_of(printer);
        let before = q::answered_before(self.store.conn(), till, &answers_key)?;
        let mut gate = StatusGate::new(mode, before);
        let (state, last_error) = if !gate.asks() {
            (PrinterState::Unknown, None)
        } else {
            match open(printer).and_then(|mut t| status_reply(t.as_mut(), DEFAULT_STATUS_TIMEOUT)) {
                Ok(reply) => match gate.judge(Some(reply)) {
                    Verdict::Hold(s) | Verdict::Send { state: s, .. } => (s, None),
                },
                Err(e) => (state_of_error(&e), Some(e.to_string())),
            }
        };
        if gate.answered_before && !before {
            let at = stamp(self.now());
            self.store
                .write(|tx| q::remember_answer(tx, till, &answers_key, &at))?;
        }
        Ok(PrinterReport {
            printer: printer.to_string(),
            state,
            queued,
            last_error,
        })
    }

    /// Queue a drawer kick on `till`'s printer for the cashier's count at shift close; the
    /// cashier may open the drawer for that, and it is in the audit log.
    pub fn kick_drawer_for_count(&mut self, actor: &Actor, till: &str) -> Result<PrintJob> {
        crate::service::auth::require(
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
            till,
            &printer,
            kasir_hardware::commands::DRAWER_KICK.to_vec(),
        )?;
        self.store.write(|tx| {
            crate::service::audit(
                tx,
                actor,
                &at,
                "drawer_count",
                &format!("{till} {printer}"),
                None,
            )
        })?;
        Ok(job)
    }

    /// Queue a delivery's receiving slip on the printer of the till it was booked at.
    pub fn print_slip(
        &mut self,
        actor: &Actor,
        till: &str,
        received: &crate::service::stock::GoodsReceived,
    ) -> Result<PrintJob> {
        let printer = receipt_printer(self.store.conn(), till)?;
        self.enqueue_slip(actor, till, &printer, &received.slip, &received.doc_no)
    }

    /// Queue the Z report of a shift just closed on `till`'s printer.
    pub fn print_z(&mut self, actor: &Actor, till: &str, report: &ShiftReport) -> Result<PrintJob> {
        let printer = receipt_printer(self.store.conn(), till)?;
        self.enqueue_report(actor, till, &printer, report)
    }

    /// Open the cash drawer now (a supervisor's "open drawer"; audited before the kick).
    pub fn open_drawer(&mut self, actor: &Actor, printer: &str, open: &mut Opener) -> Result<()> {
        crate::service::auth::require(
            actor,
            Permission::Supervise,
            crate::domain::user::Act::OpenDrawer,
        )?;
        let printer = parse_printer(printer)?;
        let at = stamp(self.now());
        self.store.write(|tx| {
            crate::service::audit(
                tx,
                actor,
                &at,
                "drawer_open",
                &printer,
                Some(&actor.username),
            )
        })?;
        let mut t = open(&printer).map_err(KasirError::Printer)?;
        kick_drawer(t.as_mut()).map_err(KasirError::Printer)
    }
}

/// Send one job on an open transport under the printer's status rules. `Ok(None)`: a drawer
/// kick, which tells nothing of the printer; `Ok(Some((state, confirmed)))`: the job went out,
/// `confirmed` when the printer said it was ready (or the link is one-way).
fn send(
    t: &mut dyn Transport,
    kind: JobKind,
    bytes: &[u8],
    gate: &mut StatusGate,
) -> std::result::Result<Option<(PrinterState, bool)>, HardwareError> {
    if kind == JobKind::Drawer {
        // A kick goes out even without paper: the cashier needs the drawer for the change.
        t.write_all(bytes)?;
        t.flush()?;
        return Ok(None);
    }
    let reply = if gate.asks() {
        Some(status_reply(t, DEFAULT_STATUS_TIMEOUT)?)
    } else {
        None
    };
    match gate.judge(reply) {
        Verdict::Hold(state) => Err(match state {
            PrinterState::PaperOut => HardwareError::PaperOut,
            PrinterState::CoverOpen => HardwareError::CoverOpen,
            PrinterState::Error => HardwareError::PrinterFault,
            _ => HardwareError::Offline,
        }),
        Verdict::Send { confirmed, state } => {
            send_job_with(
                t,
                bytes,
                &JobOptions {
                    check_status: false,
                    ..JobOptions::default()
                },
            )?;
            Ok(Some((state, confirmed)))
        }
    }
}
