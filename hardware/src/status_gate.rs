//! Whether a job may go to a printer, given how the printer answers status requests.
//!
//! Many printers never answer DLE EOT: 58 mm printers without a status line, one-way serial
//! cables, network print servers that take bytes and send nothing back. Each printer address
//! carries a status mode (`status=auto|on|off`, see [`crate::PrinterAddress`]):
//!
//! * `on`: answers are required; a printer that says nothing is offline and gets no job.
//! * `off`: it is never asked; jobs are printed blind and are not confirmed.
//! * `auto` (default): a printer that has answered before is offline when it falls silent;
//!   one that has never answered is printed to blind, its jobs sent but not confirmed.
//!
//! [`StatusGate`] is pure — a reply in, a verdict out, and what it learned about the printer
//! in [`StatusGate::answered_before`] — so the caller keeps that memory where it likes (the
//! till stores it per printer) and the rules are tested with a table.

use std::fmt;
use std::str::FromStr;

use crate::error::HardwareError;
use crate::status::{PrinterState, StatusReply};

/// How a printer's status answers are used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum StatusMode {
    /// Ask; a printer that has never answered is printed to blind.
    #[default]
    Auto,
    /// Ask, and require an answer.
    On,
    /// Never ask; print blind.
    Off,
}

impl StatusMode {
    /// The spelling used in printer addresses: `auto`, `on`, `off`.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusMode::Auto => "auto",
            StatusMode::On => "on",
            StatusMode::Off => "off",
        }
    }
}

impl fmt::Display for StatusMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for StatusMode {
    type Err = HardwareError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(StatusMode::Auto),
            "on" => Ok(StatusMode::On),
            "off" => Ok(StatusMode::Off),
            _ => Err(HardwareError::UnknownOption {
                option: format!("status={}", s.chars().take(40).collect::<String>()),
            }),
        }
    }
}

/// What to do with a job after the printer was asked (or not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Send it. `confirmed`: the printer said it is ready (or the link is one-way and took
    /// the bytes); otherwise it goes out blind. `state` is what the status bar shows.
    Send {
        confirmed: bool,
        state: PrinterState,
    },
    /// Do not send it now: the printer is in `state` (offline, no paper, cover open, fault).
    Hold(PrinterState),
}

/// The status rules of one printer: its mode and whether it has ever answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatusGate {
    pub mode: StatusMode,
    /// The printer has answered a status request before (kept across restarts by the caller).
    pub answered_before: bool,
}

impl StatusGate {
    pub fn new(mode: StatusMode, answered_before: bool) -> Self {
        StatusGate {
            mode,
            answered_before,
        }
    }

    /// Whether to ask the printer before a job.
    pub fn asks(&self) -> bool {
        self.mode != StatusMode::Off
    }

    /// The verdict on `reply` (`None` when the printer was not asked), remembering an answer.
    pub fn judge(&mut self, reply: Option<StatusReply>) -> Verdict {
        let blind = Verdict::Send {
            confirmed: false,
            state: PrinterState::Unknown,
        };
        match reply {
            None => blind,
            Some(StatusReply::OneWay) => Verdict::Send {
                confirmed: true,
                state: PrinterState::Ready,
            },
            Some(StatusReply::Answered(s)) => {
                if s.state == PrinterState::Unknown {
                    // Noise, not a status byte (a wrong baud rate): not an answer.
                    return blind;
                }
                self.answered_before = true;
                match s.refusal() {
                    Some(_) => Verdict::Hold(s.state),
                    None => Verdict::Send {
                        confirmed: true,
                        state: s.state,
                    },
                }
            }
            Some(StatusReply::Silent) => match self.mode {
                StatusMode::Auto if !self.answered_before => blind,
                _ => Verdict::Hold(PrinterState::Offline),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::PrinterStatus;

    #[test]
    fn verdict_table() {
        use PrinterState::*;
        use StatusMode::*;
        let ready = Some(StatusReply::Answered(PrinterStatus::from_replies(
            0x12, None, None,
        )));
        let paper_out = Some(StatusReply::Answered(PrinterStatus::from_replies(
            0x12,
            Some(0x12 | 0x20),
            None,
        )));
        let noise = Some(StatusReply::Answered(PrinterStatus::UNKNOWN));
        let silent = Some(StatusReply::Silent);
        let one_way = Some(StatusReply::OneWay);
        let send = |confirmed, state| Verdict::Send { confirmed, state };
        // (mode, answered before, reply) → (verdict, answered before after)
        let table: &[(StatusMode, bool, Option<StatusReply>, Verdict, bool)] = &[
            (Auto, false, ready, send(true, Ready), true),
            (Auto, true, ready, send(true, Ready), true),
            (Auto, false, silent, send(false, Unknown), false),
            (Auto, true, silent, Verdict::Hold(Offline), true),
            (Auto, false, paper_out, Verdict::Hold(PaperOut), true),
            (Auto, false, noise, send(false, Unknown), false),
            (Auto, false, one_way, send(true, Ready), false),
            (On, false, silent, Verdict::Hold(Offline), false),
            (On, true, silent, Verdict::Hold(Offline), true),
            (On, false, ready, send(true, Ready), true),
            (On, false, paper_out, Verdict::Hold(PaperOut), true),
            (Off, false, None, send(false, Unknown), false),
            (Off, true, None, send(false, Unknown), true),
        ];
        for &(mode, before, reply, verdict, after) in table {
            let mut gate = StatusGate::new(mode, before);
            assert_eq!(gate.asks(), mode != Off, "{mode}");
            assert_eq!(
                gate.judge(reply),
                verdict,
                "{mode} answered_before={before} {reply:?}"
            );
            assert_eq!(gate.answered_before, after, "{mode} {before} {reply:?}");
        }
    }

    #[test]
    fn a_printer_that_answered_once_is_offline_when_it_falls_silent_later() {
        let mut gate = StatusGate::default();
        let silent = Some(StatusReply::Silent);
        let ready = Some(StatusReply::Answered(PrinterStatus::from_replies(
            0x12, None, None,
        )));
        assert!(matches!(
            gate.judge(silent),
            Verdict::Send {
                confirmed: false,
                ..
            }
        ));
        assert!(matches!(
            gate.judge(ready),
            Verdict::Send {
                confirmed: true,
                ..
            }
        ));
        assert_eq!(gate.judge(silent), Verdict::Hold(PrinterState::Offline));
    }

    #[test]
    fn modes_parse_and_print() {
        for m in [StatusMode::Auto, StatusMode::On, StatusMode::Off] {
            assert_eq!(m.to_string().parse::<StatusMode>().unwrap(), m);
        }
        assert_eq!(" OFF ".parse::<StatusMode>().unwrap(), StatusMode::Off);
        assert!("maybe".parse::<StatusMode>().is_err());
    }
}
