//! `sim` — an in-memory ESC/POS printer for the demo till and for tests.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use super::Transport;
use crate::commands::{
    CAUSE_COVER_OPEN, CAUSE_ERROR, CAUSE_PAPER_END_STOP, DLE, DRAWER_KICK, EOT, PRINTER_OFFLINE,
    ROLL_NEAR_END, ROLL_PAPER_END, STATUS_FIXED_VALUE,
};
use crate::error::HardwareError;

/// What the simulated printer is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SimState {
    /// Ready to print.
    #[default]
    Online,
    /// Offline (e.g. switched to offline by its button); refuses print data.
    Offline,
    /// Out of paper; refuses print data.
    PaperOut,
    /// Cover open; refuses print data.
    CoverOpen,
    /// Paper nearly finished; still prints.
    PaperNearEnd,
    /// An error such as a cutter jam; refuses print data.
    Error,
}

impl SimState {
    fn prints(self) -> bool {
        matches!(self, SimState::Online | SimState::PaperNearEnd)
    }

    /// The DLE EOT n reply this state gives, or `None` for an n the sim does not answer.
    fn reply(self, n: u8) -> Option<u8> {
        let base = STATUS_FIXED_VALUE;
        match n {
            1 => Some(if self.prints() {
                base
            } else {
                base | PRINTER_OFFLINE
            }),
            2 => Some(match self {
                SimState::CoverOpen => base | CAUSE_COVER_OPEN,
                SimState::PaperOut => base | CAUSE_PAPER_END_STOP,
                SimState::Error => base | CAUSE_ERROR,
                _ => base,
            }),
            3 => Some(match self {
                SimState::Error => base | 0x08, // auto-cutter error
                _ => base,
            }),
            4 => Some(match self {
                SimState::PaperNearEnd => base | ROLL_NEAR_END,
                SimState::PaperOut => base | ROLL_NEAR_END | ROLL_PAPER_END,
                _ => base,
            }),
            _ => None,
        }
    }

    fn refusal(self) -> HardwareError {
        match self {
            SimState::PaperOut => HardwareError::PaperOut,
            SimState::CoverOpen => HardwareError::CoverOpen,
            SimState::Error => HardwareError::PrinterFault,
            _ => HardwareError::Offline,
        }
    }
}

#[derive(Debug, Default)]
struct SimInner {
    state: SimState,
    output: Vec<u8>,
    writes: usize,
    drawer_kicks: usize,
    status_queries: usize,
}

/// A shared handle on a simulated printer: read what was printed, inject faults.
///
/// Cloning gives another handle on the same printer.
#[derive(Debug, Clone, Default)]
pub struct SimPrinterHandle {
    inner: Arc<Mutex<SimInner>>,
}

impl SimPrinterHandle {
    /// A new, separate simulated printer (Online, nothing printed).
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> MutexGuard<'_, SimInner> {
        // A panic elsewhere while holding the lock must not take the till down with it.
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Put the printer into `state` (paper out, cover open, …).
    pub fn set_state(&self, state: SimState) {
        self.lock().state = state;
    }

    /// The current state.
    pub fn state(&self) -> SimState {
        self.lock().state
    }

    /// Everything printed so far (print data only: status queries and drawer kicks sent on
    /// their own are not included).
    pub fn output(&self) -> Vec<u8> {
        self.lock().output.clone()
    }

    /// Take everything printed so far, leaving the printer empty.
    pub fn take_output(&self) -> Vec<u8> {
        std::mem::take(&mut self.lock().output)
    }

    /// How many print writes were accepted.
    pub fn writes(&self) -> usize {
        self.lock().writes
    }

    /// How many times the cash drawer was kicked.
    pub fn drawer_kicks(&self) -> usize {
        self.lock().drawer_kicks
    }

    /// How many DLE EOT requests were answered.
    pub fn status_queries(&self) -> usize {
        self.lock().status_queries
    }

    /// Forget output and counters (the state is kept).
    pub fn clear(&self) {
        let mut g = self.lock();
        let state = g.state;
        *g = SimInner {
            state,
            ..SimInner::default()
        };
    }

    /// A transport that prints to this simulated printer.
    pub fn transport(&self) -> SimPrinter {
        SimPrinter {
            handle: self.clone(),
            replies: VecDeque::new(),
        }
    }
}

/// The process-wide simulated printer behind the `sim` printer address.
pub fn sim_printer() -> SimPrinterHandle {
    static SIM: OnceLock<SimPrinterHandle> = OnceLock::new();
    SIM.get_or_init(SimPrinterHandle::new).clone()
}

/// A transport to a [`SimPrinterHandle`]. Two-way: it answers DLE EOT n (n = 1..4) with
/// the bit patterns of a real Epson-compatible printer, in any state.
///
/// Real-time commands are recognised within a single `write_all` call (the crate always
/// sends them that way); a write made only of DLE EOT requests and drawer kicks is handled
/// even while the printer refuses print data, like a real printer's real-time commands.
#[derive(Debug)]
pub struct SimPrinter {
    handle: SimPrinterHandle,
    replies: VecDeque<u8>,
}

impl SimPrinter {
    /// The handle of the printer this transport prints to.
    pub fn handle(&self) -> &SimPrinterHandle {
        &self.handle
    }
}

/// Scan `bytes` for DLE EOT n and drawer kicks. Returns (status requests, kicks, whether
/// every byte belongs to one of those commands).
fn scan_commands(bytes: &[u8]) -> (Vec<u8>, usize, bool) {
    let mut requests = Vec::new();
    let mut kicks = 0;
    let mut only_control = true;
    let mut i = 0;
    while i < bytes.len() {
        let rest = bytes.get(i..).unwrap_or_default();
        if let [DLE, EOT, n, ..] = rest {
            requests.push(*n);
            i += 3;
        } else if rest.starts_with(&DRAWER_KICK[..2]) && rest.len() >= DRAWER_KICK.len() {
            kicks += 1;
            i += DRAWER_KICK.len();
        } else {
            only_control = false;
            i += 1;
        }
    }
    (requests, kicks, only_control)
}

impl Transport for SimPrinter {
    fn name(&self) -> String {
        "sim".to_string()
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), HardwareError> {
        let mut g = self.handle.lock();
        let state = g.state;
        let (requests, kicks, only_control) = scan_commands(bytes);
        for n in requests {
            if let Some(r) = state.reply(n) {
                self.replies.push_back(r);
                g.status_queries += 1;
            }
        }
        if only_control {
            if kicks > 0 && state == SimState::Offline {
                return Err(HardwareError::Offline);
            }
            g.drawer_kicks += kicks;
            return Ok(());
        }
        if !state.prints() {
            return Err(state.refusal());
        }
        g.drawer_kicks += kicks;
        g.writes += 1;
        g.output.extend_from_slice(bytes);
        Ok(())
    }

    fn read(&mut self, buf: &mut [u8], _timeout: Duration) -> Result<usize, HardwareError> {
        let mut n = 0;
        for slot in buf.iter_mut() {
            match self.replies.pop_front() {
                Some(b) => {
                    *slot = b;
                    n += 1;
                }
                None => break,
            }
        }
        Ok(n)
    }

    fn flush(&mut self) -> Result<(), HardwareError> {
        Ok(())
    }

    fn two_way(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_use_real_bit_patterns() {
        assert_eq!(SimState::Online.reply(1), Some(0x12));
        assert_eq!(SimState::PaperOut.reply(1), Some(0x1A));
        assert_eq!(SimState::PaperOut.reply(2), Some(0x32));
        assert_eq!(SimState::PaperOut.reply(4), Some(0x7E));
        assert_eq!(SimState::PaperNearEnd.reply(4), Some(0x1E));
        assert_eq!(SimState::CoverOpen.reply(2), Some(0x16));
        assert_eq!(SimState::Error.reply(2), Some(0x52));
        assert_eq!(SimState::Online.reply(9), None);
    }

    #[test]
    fn scan_commands_finds_requests_and_kicks() {
        let (r, k, only) = scan_commands(&[0x10, 0x04, 0x01, 0x1B, 0x70, 0x00, 0x19, 0xFA]);
        assert_eq!((r, k, only), (vec![1], 1, true));
        let (r, k, only) = scan_commands(b"hello\x10\x04\x04");
        assert_eq!((r, k, only), (vec![4], 0, false));
    }

    #[test]
    fn refuses_print_data_but_answers_status_when_paper_out() {
        let h = SimPrinterHandle::new();
        let mut t = h.transport();
        h.set_state(SimState::PaperOut);
        assert_eq!(t.write_all(b"struk"), Err(HardwareError::PaperOut));
        assert_eq!(t.write_all(&[0x10, 0x04, 0x04]), Ok(()));
        let mut b = [0u8; 4];
        assert_eq!(t.read(&mut b, Duration::ZERO), Ok(1));
        assert_eq!(b[0], 0x7E);
        assert!(h.output().is_empty());
    }
}
