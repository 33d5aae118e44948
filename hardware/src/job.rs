//! Sending print jobs and opening the cash drawer.

use std::time::Duration;

use crate::commands::DRAWER_KICK;
use crate::error::HardwareError;
use crate::status::{query_status, PrinterState, DEFAULT_STATUS_TIMEOUT};
use crate::transport::Transport;

/// Bytes per `write_all` call when sending a job (small enough that a slow serial line
/// makes progress within the write timeout).
pub const DEFAULT_CHUNK: usize = 1024;

/// How [`send_job_with`] sends a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobOptions {
    /// Ask the printer's status first (on two-way transports) and refuse when it cannot print.
    pub check_status: bool,
    /// How long to wait for each status reply.
    pub status_timeout: Duration,
    /// Bytes per write.
    pub chunk: usize,
}

impl Default for JobOptions {
    fn default() -> Self {
        JobOptions {
            check_status: true,
            status_timeout: DEFAULT_STATUS_TIMEOUT,
            chunk: DEFAULT_CHUNK,
        }
    }
}

/// Send a finished job (ESC/POS bytes) to the printer.
///
/// On a two-way transport the status is asked first and the job is refused with
/// [`HardwareError::PaperOut`], [`HardwareError::CoverOpen`], [`HardwareError::Offline`]
/// or [`HardwareError::PrinterFault`] before a single byte is sent, so the caller can keep
/// the job in its queue and print it again later. The job is then written in chunks and
/// flushed.
pub fn send_job(t: &mut dyn Transport, bytes: &[u8]) -> Result<(), HardwareError> {
    send_job_with(t, bytes, &JobOptions::default())
}

/// [`send_job`] with explicit options.
pub fn send_job_with(
    t: &mut dyn Transport,
    bytes: &[u8],
    opts: &JobOptions,
) -> Result<(), HardwareError> {
    if opts.check_status && t.two_way() {
        let status = query_status(t, opts.status_timeout)?;
        if let Some(refusal) = status.refusal() {
            tracing::info!(printer = %t.name(), state = %status.state, "print job refused");
            return Err(refusal);
        }
        if status.state == PrinterState::PaperNearEnd {
            tracing::warn!(printer = %t.name(), "paper nearly finished");
        }
    }
    for chunk in bytes.chunks(opts.chunk.max(1)) {
        t.write_all(chunk)?;
    }
    t.flush()
}

/// Open the cash drawer on connector pin 2 with `1B 70 00 19 FA`.
pub fn kick_drawer(t: &mut dyn Transport) -> Result<(), HardwareError> {
    t.write_all(&DRAWER_KICK)?;
    t.flush()
}
