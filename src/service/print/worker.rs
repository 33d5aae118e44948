//! The till's print worker: its own thread and connection, sending the till's jobs and
//! reporting the printer's state over a channel the till polls.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::{
    canonical_printer, open_printer, state_key, Opener, PrinterReport, PrinterState,
    REQUEUE_EVERY_SECS, STALE_CLAIM_SECS,
};
use crate::i18n::Lang;
use crate::service::{Clock, Shop, SystemClock};
use crate::store::print::Scope;
use crate::store::{OpenMode, Store};

/// How a [`PrintWorker`] runs.
pub struct PrintWorkerConfig {
    /// The shop database file (the worker opens its own connection).
    pub db_path: PathBuf,
    /// The till whose jobs this worker sends (other tills' jobs are left alone, even when
    /// their printer has the same address).
    pub till: String,
    /// The till's printer.
    pub printer: String,
    /// Pause between passes when not woken.
    pub tick: Duration,
    /// How often an idle worker asks the printer for its status.
    pub probe_every: Duration,
}

impl PrintWorkerConfig {
    /// One pass a second, a status probe every 10 s.
    pub fn new(
        db_path: impl Into<PathBuf>,
        till: impl Into<String>,
        printer: impl Into<String>,
    ) -> Self {
        PrintWorkerConfig {
            db_path: db_path.into(),
            till: till.into(),
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
    /// Start a worker printing `till`'s jobs to `printer_uri` from the queue in `db_path`.
    pub fn spawn(
        db_path: impl Into<PathBuf>,
        till: impl Into<String>,
        printer_uri: impl Into<String>,
    ) -> PrintWorkerHandle {
        Self::spawn_with(
            PrintWorkerConfig::new(db_path, till, printer_uri),
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
    // Jobs of this till left `printing` by a worker that is gone: only claims old enough that
    // no live worker is still sending them (a claim is held for one send).
    let scope = Scope {
        till: Some(&cfg.till),
        printer: None,
    };
    let stale = chrono::Duration::seconds(STALE_CLAIM_SECS);
    if let Err(e) = shop.requeue_interrupted(scope, stale) {
        tracing::error!(error = %e, "print worker could not take back interrupted jobs");
    }
    let mut last_requeue = Instant::now();
    let mut last_probe: Option<Instant> = None;
    let mut last_error: Option<String> = None;
    let mut state = PrinterState::Unknown;
    let mut queued_known = 0;
    loop {
        if std::mem::take(&mut retry) {
            if let Err(e) = shop.retry_now(scope) {
                tracing::error!(error = %e, "print retry failed");
            }
        }
        if last_requeue.elapsed() >= Duration::from_secs(REQUEUE_EVERY_SECS) {
            last_requeue = Instant::now();
            if let Err(e) = shop.requeue_interrupted(scope, stale) {
                tracing::error!(error = %e, "print worker could not take back interrupted jobs");
            }
        }
        let pass = catch_unwind(AssertUnwindSafe(|| {
            shop.process_queue_once(&cfg.till, &printer, &mut *opener)
        }));
        let queued = match pass {
            Ok(Ok(outcome)) => {
                if let Some(s) = outcome.state {
                    state = s;
                    last_error = outcome.failed.as_ref().map(|f| f.error.clone());
                    last_probe = Some(Instant::now());
                } else if last_probe.is_none_or(|p| p.elapsed() >= cfg.probe_every) {
                    match catch_unwind(AssertUnwindSafe(|| {
                        shop.probe_printer(&cfg.till, &printer, &mut *opener)
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
