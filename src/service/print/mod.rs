//! The print queue: receipts, reprints, reports and drawer kicks reach the printer through
//! the persistent `print_jobs` queue, so a printer fault never loses, blocks or duplicates
//! a sale.
//!
//! * Checkout enqueues the receipt inside the sale's own transaction
//!   ([`enqueue_sale_receipt`]). A cash sale also gets a `drawer` job just before it: the
//!   kick is sent on its own, without a status check, so the drawer opens for the change
//!   even when the paper has run out; a kick that could not be sent within
//!   [`DRAWER_KICK_TTL_SECS`] is given up instead of popping the drawer open minutes later.
//!   A return enqueues its slip (and, for a cash refund, a kick) the same way
//!   ([`enqueue_return_slip`]).
//! * Every job belongs to a till and goes to that till's printer ([`receipt_printer`]:
//!   setting `till.<till>.printer`, else the shop's `printer.uri`). A till's worker sends
//!   only its own till's jobs, so two tills with a local printer at the same address
//!   (`usb:/dev/usb/lp0` on two machines) never print each other's receipts or open each
//!   other's drawers.
//! * Receipt jobs hold no bytes: they are rebuilt from the stored (immutable) sale when sent.
//! * [`Shop::process_queue_once`] sends a till's waiting jobs for its printer oldest first. A job is
//!   claimed (`printing`) in one transaction, sent, and marked `done` in another — exactly
//!   once. On two-way links the printer's status (DLE EOT) is asked first, so a printer
//!   without paper gets no bytes at all; the job goes back to the queue with one attempt
//!   more and waits 2 s, 4 s, 8 s … (at most 60 s, by the shop's clock). The queue keeps its
//!   order: while the oldest job waits, the younger ones wait behind it.
//! * [`PrintWorker`] runs that loop on its own thread with its own connection to the shop
//!   file, and reports the printer's state over a channel the till polls.
//!
//! Files: `route` (which printer, addresses), `queue` (enqueue, claim, send, retry),
//! `worker` (the till's thread). The X/Z report it prints is made by `service::shift_report`.

mod queue;
mod route;
mod worker;

use kasir_hardware::{HardwareError, Transport};
use serde::Serialize;

pub use crate::store::print::{JobKind, JobStatus, PrintJob, Scope};
pub use kasir_hardware::PrinterState;
pub use queue::{backoff, enqueue_return_slip, enqueue_sale_receipt, JobFailure, QueueOutcome};
pub use route::{
    canonical_printer, follow_printer_change, open_printer, parse_printer, receipt_printer,
};
pub use worker::{PrintWorker, PrintWorkerConfig, PrintWorkerHandle};

use crate::i18n::{t, Lang};

/// Opens the connection to the printer at a URI (`serial:…`, `tcp:…`, `file:…`, `sim`).
pub type Opener = dyn FnMut(&str) -> std::result::Result<Box<dyn Transport>, HardwareError> + Send;

/// First retry delay after a failed attempt; it doubles with every attempt.
pub const BACKOFF_FIRST_SECS: i64 = 2;
/// The longest wait between two attempts.
pub const BACKOFF_MAX_SECS: i64 = 60;
/// A drawer kick not sent within this many seconds of the sale is given up.
pub const DRAWER_KICK_TTL_SECS: i64 = 60;
/// A job claimed longer ago than this is taken back by `print retry` and by its till's worker
/// (starting, and every [`REQUEUE_EVERY_SECS`]): the worker that claimed it is gone, since a
/// claim is held only for one send. A younger claim is never taken: its worker may be
/// sending it right now.
pub const STALE_CLAIM_SECS: i64 = 120;
/// How often a running worker looks for its till's stale claims.
pub const REQUEUE_EVERY_SECS: u64 = 30;

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
