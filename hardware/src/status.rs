//! Printer status over DLE EOT (real-time status transmission).
//!
//! Epson's DLE EOT n (n = 1..4) makes the printer answer one byte at once, even while it
//! is offline. Every reply byte has bits 0 and 7 clear and bits 1 and 4 set (`0xx1xx10`);
//! a byte without that shape is not a status byte and is ignored.

use std::fmt;
use std::time::{Duration, Instant};

use crate::commands::{
    is_status_byte, status_request, StatusRequest, CAUSE_COVER_OPEN, CAUSE_ERROR,
    CAUSE_PAPER_END_STOP, PRINTER_OFFLINE, ROLL_NEAR_END, ROLL_PAPER_END,
};
use crate::error::HardwareError;
use crate::transport::Transport;

/// How long [`crate::send_job`] waits for each status reply.
pub const DEFAULT_STATUS_TIMEOUT: Duration = Duration::from_millis(1000);

/// One word for what the printer is doing, for the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PrinterState {
    /// Online, paper fine.
    Ready,
    /// Online, but the roll is nearly finished.
    PaperNearEnd,
    /// No paper.
    PaperOut,
    /// Cover open.
    CoverOpen,
    /// Offline, switched off, unplugged or not answering.
    Offline,
    /// The printer reports an error (cutter jam, head too hot, …).
    Error,
    /// Not known: the connection is one-way or the printer answered something else.
    Unknown,
}

impl PrinterState {
    /// Whether a job may be sent in this state (Unknown is given the benefit of the doubt).
    pub fn can_print(self) -> bool {
        matches!(
            self,
            PrinterState::Ready | PrinterState::PaperNearEnd | PrinterState::Unknown
        )
    }
}

impl fmt::Display for PrinterState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PrinterState::Ready => "ready",
            PrinterState::PaperNearEnd => "paper nearly finished",
            PrinterState::PaperOut => "out of paper",
            PrinterState::CoverOpen => "cover open",
            PrinterState::Offline => "offline",
            PrinterState::Error => "error",
            PrinterState::Unknown => "status unknown",
        })
    }
}

/// What the printer said about itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PrinterStatus {
    /// The printer says it is online (false also when it did not answer).
    pub online: bool,
    /// The cover is open.
    pub cover_open: bool,
    /// The roll is nearly finished.
    pub paper_near_end: bool,
    /// No paper (roll sensor or "printing stopped by paper end").
    pub paper_out: bool,
    /// The printer reports an error.
    pub error: bool,
    /// The summary.
    pub state: PrinterState,
}

impl PrinterStatus {
    /// The status of a transport that cannot answer (file, one-way USB).
    pub const UNKNOWN: PrinterStatus = PrinterStatus {
        online: false,
        cover_open: false,
        paper_near_end: false,
        paper_out: false,
        error: false,
        state: PrinterState::Unknown,
    };

    /// The status of a printer that did not answer in time.
    pub const NO_ANSWER: PrinterStatus = PrinterStatus {
        online: false,
        cover_open: false,
        paper_near_end: false,
        paper_out: false,
        error: false,
        state: PrinterState::Offline,
    };

    /// Decode the replies to DLE EOT 1, 2 and 4. A missing reply (`None`) counts as
    /// "nothing to report" for that byte. Invalid bytes must be filtered out before.
    pub fn from_replies(printer: u8, offline_cause: Option<u8>, roll_paper: Option<u8>) -> Self {
        let cause = offline_cause.unwrap_or(0);
        let roll = roll_paper.unwrap_or(0);
        let online = printer & PRINTER_OFFLINE == 0;
        let cover_open = cause & CAUSE_COVER_OPEN != 0;
        let paper_out = cause & CAUSE_PAPER_END_STOP != 0 || roll & ROLL_PAPER_END != 0;
        let error = cause & CAUSE_ERROR != 0;
        let paper_near_end = roll & ROLL_NEAR_END != 0;
        let state = if cover_open {
            PrinterState::CoverOpen
        } else if paper_out {
            PrinterState::PaperOut
        } else if error {
            PrinterState::Error
        } else if !online {
            PrinterState::Offline
        } else if paper_near_end {
            PrinterState::PaperNearEnd
        } else {
            PrinterState::Ready
        };
        PrinterStatus {
            online,
            cover_open,
            paper_near_end,
            paper_out,
            error,
            state,
        }
    }

    /// The refusal error for this status, if a job must not be sent.
    pub fn refusal(&self) -> Option<HardwareError> {
        match self.state {
            PrinterState::PaperOut => Some(HardwareError::PaperOut),
            PrinterState::CoverOpen => Some(HardwareError::CoverOpen),
            PrinterState::Offline => Some(HardwareError::Offline),
            PrinterState::Error => Some(HardwareError::PrinterFault),
            PrinterState::Ready | PrinterState::PaperNearEnd | PrinterState::Unknown => None,
        }
    }
}

/// Outcome of one DLE EOT request.
enum Reply {
    Byte(u8),
    Silence,
    Garbage(u8),
}

/// Send DLE EOT `which` and wait up to `timeout` for a byte shaped like a status byte.
fn ask(
    t: &mut dyn Transport,
    which: StatusRequest,
    timeout: Duration,
) -> Result<Reply, HardwareError> {
    t.write_all(&status_request(which))?;
    t.flush()?;
    let deadline = crate::transport::deadline_after(timeout);
    let mut garbage = None;
    loop {
        let now = Instant::now();
        let left = deadline.saturating_duration_since(now);
        let mut buf = [0u8; 1];
        let n = t.read(&mut buf, left)?;
        if n == 0 {
            // read() waited as long as it was allowed to: nothing more is coming.
            return Ok(match garbage {
                Some(g) => Reply::Garbage(g),
                None => Reply::Silence,
            });
        }
        if is_status_byte(buf[0]) {
            return Ok(Reply::Byte(buf[0]));
        }
        garbage = Some(buf[0]);
        if Instant::now() >= deadline {
            return Ok(Reply::Garbage(buf[0]));
        }
    }
}

/// Drop whatever the printer sent before we asked (stale replies, ASB bytes).
fn drain(t: &mut dyn Transport) -> Result<(), HardwareError> {
    let mut buf = [0u8; 64];
    for _ in 0..16 {
        if t.read(&mut buf, Duration::from_millis(1))? == 0 {
            break;
        }
    }
    Ok(())
}

/// Ask the printer for its status with DLE EOT 1, 2 and 4 (each request exactly 3 bytes).
///
/// * A one-way transport gives [`PrinterState::Unknown`] without sending anything.
/// * A printer that does not answer the first request within `timeout` is
///   [`PrinterState::Offline`] (the other requests are then not sent).
/// * A reply that is not shaped like a status byte (`0xx1xx10`, e.g. noise from a wrong baud
///   rate) is rejected and gives [`PrinterState::Unknown`].
/// * Transport faults (disconnect, write timeout) are returned as errors.
pub fn query_status(
    t: &mut dyn Transport,
    timeout: Duration,
) -> Result<PrinterStatus, HardwareError> {
    Ok(match status_reply(t, timeout)? {
        StatusReply::OneWay => PrinterStatus::UNKNOWN,
        StatusReply::Silent => PrinterStatus::NO_ANSWER,
        StatusReply::Answered(s) => s,
    })
}

/// What came back when a printer was asked for its status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusReply {
    /// The link cannot carry an answer (a file, a one-way USB printer): nothing was asked.
    OneWay,
    /// Asked, and nothing came back in time.
    Silent,
    /// The printer answered (a reply that is not a status byte gives state `Unknown`).
    Answered(PrinterStatus),
}

/// [`query_status`], telling a printer that said it is offline from one that said nothing.
pub fn status_reply(
    t: &mut dyn Transport,
    timeout: Duration,
) -> Result<StatusReply, HardwareError> {
    if !t.two_way() {
        return Ok(StatusReply::OneWay);
    }
    drain(t)?;
    let printer = match ask(t, StatusRequest::Printer, timeout)? {
        Reply::Byte(b) => b,
        Reply::Silence => return Ok(StatusReply::Silent),
        Reply::Garbage(g) => {
            tracing::warn!(printer = %t.name(), byte = g, "printer status reply is not a status byte; check the baud rate");
            return Ok(StatusReply::Answered(PrinterStatus::UNKNOWN));
        }
    };
    let mut optional = |which| -> Result<Option<u8>, HardwareError> {
        Ok(match ask(t, which, timeout)? {
            Reply::Byte(b) => Some(b),
            Reply::Silence => None,
            Reply::Garbage(g) => {
                tracing::warn!(
                    byte = g,
                    ?which,
                    "ignoring a reply that is not a status byte"
                );
                None
            }
        })
    };
    let cause = optional(StatusRequest::OfflineCause)?;
    let roll = optional(StatusRequest::RollPaper)?;
    Ok(StatusReply::Answered(PrinterStatus::from_replies(
        printer, cause, roll,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_table() {
        use PrinterState::*;
        let table: &[(u8, Option<u8>, Option<u8>, PrinterState)] = &[
            (0x12, Some(0x12), Some(0x12), Ready),
            (0x12, None, None, Ready),
            (0x12, Some(0x12), Some(0x1E), PaperNearEnd),
            (0x1A, Some(0x32), Some(0x7E), PaperOut),
            (0x12, Some(0x12), Some(0x72), PaperOut), // roll sensor says empty
            (0x1A, Some(0x16), Some(0x12), CoverOpen),
            (0x1A, Some(0x36), Some(0x7E), CoverOpen), // cover first
            (0x1A, Some(0x52), Some(0x12), Error),
            (0x1A, Some(0x12), Some(0x12), Offline),
            (0x1A, None, None, Offline),
        ];
        for &(p, c, r, want) in table {
            assert_eq!(
                PrinterStatus::from_replies(p, c, r).state,
                want,
                "{p:#04x} {c:?} {r:?}"
            );
        }
    }

    #[test]
    fn flags_follow_bits() {
        let s = PrinterStatus::from_replies(0x1A, Some(0x32), Some(0x7E));
        assert!(!s.online && s.paper_out && s.paper_near_end && !s.cover_open && !s.error);
    }

    #[test]
    fn refusals() {
        assert_eq!(
            PrinterStatus::from_replies(0x1A, Some(0x32), None).refusal(),
            Some(HardwareError::PaperOut)
        );
        assert_eq!(PrinterStatus::UNKNOWN.refusal(), None);
        assert_eq!(
            PrinterStatus::NO_ANSWER.refusal(),
            Some(HardwareError::Offline)
        );
    }
}
