//! The thin I/O side of serial scanners: a background thread moves bytes from the port into
//! a [`ScanFramer`] and its events into a channel the UI polls with `try_recv`.
//!
//! The thread survives everything a scanner can do: garbage, endless lines without a
//! suffix, unplugging (it reports [`ScannerEvent::Disconnected`] and tries to reopen the
//! port about once a second until the scanner is back or the handle is stopped).

use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use crate::reader::{sleep_unless_stopped, Reader, POLL};
use crate::scanner::{ScanFramer, ScannerConfig, ScannerEvent};

/// The UI's end of a scanner: poll it every frame with [`ScannerHandle::try_recv`].
///
/// Dropping the handle asks the thread to stop (it exits within ~50 ms);
/// [`ScannerHandle::stop`] also waits for it.
#[derive(Debug)]
pub struct ScannerHandle {
    rx: Receiver<ScannerEvent>,
    reader: Reader,
}

impl ScannerHandle {
    /// The next event, if one is waiting.
    pub fn try_recv(&self) -> Option<ScannerEvent> {
        self.rx.try_recv().ok()
    }

    /// Wait up to `timeout` for the next event.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<ScannerEvent> {
        self.rx.recv_timeout(timeout).ok()
    }

    /// All events waiting now.
    pub fn drain(&self) -> Vec<ScannerEvent> {
        self.rx.try_iter().collect()
    }

    /// The raw receiver, for callers that prefer `std::sync::mpsc` directly.
    pub fn receiver(&self) -> &Receiver<ScannerEvent> {
        &self.rx
    }

    /// Whether the reader thread is still running (always false for a simulated scanner).
    pub fn is_running(&self) -> bool {
        self.reader.is_running()
    }

    /// Stop the reader thread and wait for it. Events already sent can still be received.
    pub fn stop(&mut self) {
        self.reader.stop();
    }
}

/// Start reading a serial scanner on a background thread.
pub fn spawn_serial_scanner(cfg: ScannerConfig) -> ScannerHandle {
    let name = format!("scanner {}", cfg.path);
    let (reader, rx) = Reader::spawn(name, ScannerEvent::Disconnected, move |tx, stop| {
        run_scanner(&cfg, tx, stop)
    });
    ScannerHandle { rx, reader }
}

fn run_scanner(cfg: &ScannerConfig, tx: &Sender<ScannerEvent>, stop: &AtomicBool) {
    // Whether Disconnected has been reported for the current outage (each outage, including
    // a scanner missing at start, is reported once, not at every retry).
    let mut reported_down = false;
    while !stop.load(Ordering::SeqCst) {
        let opened = serialport::new(cfg.path.as_str(), cfg.baud)
            .data_bits(serialport::DataBits::Eight)
            .parity(serialport::Parity::None)
            .stop_bits(serialport::StopBits::One)
            .flow_control(serialport::FlowControl::None)
            .timeout(POLL)
            .open();
        match opened {
            Ok(port) => {
                tracing::info!(path = %cfg.path, "scanner connected");
                if tx.send(ScannerEvent::Connected).is_err() {
                    return;
                }
                let keep_going = read_port(port, cfg, tx, stop);
                if !keep_going {
                    return;
                }
                tracing::warn!(path = %cfg.path, "scanner disconnected");
                reported_down = true;
                if tx.send(ScannerEvent::Disconnected).is_err() {
                    return;
                }
            }
            Err(e) => {
                if !reported_down {
                    tracing::warn!(path = %cfg.path, error = %e, "scanner not available");
                    reported_down = true;
                    if tx.send(ScannerEvent::Disconnected).is_err() {
                        return;
                    }
                }
            }
        }
        // At least 50 ms between attempts, so a zero interval cannot spin a core.
        let pause = cfg.retry_interval.max(Duration::from_millis(50));
        if !sleep_unless_stopped(pause, stop) {
            return;
        }
    }
}

/// Read until the port fails. Returns false when the thread should end (stop requested or
/// nobody listens any more), true when the port was lost and should be reopened.
fn read_port(
    mut port: Box<dyn serialport::SerialPort>,
    cfg: &ScannerConfig,
    tx: &Sender<ScannerEvent>,
    stop: &AtomicBool,
) -> bool {
    let mut framer = ScanFramer::new(cfg);
    let start = Instant::now();
    let mut buf = [0u8; 256];
    loop {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        let events = match port.read(&mut buf) {
            Ok(0) => return true, // hung up
            Ok(n) => framer.push(buf.get(..n).unwrap_or_default(), start.elapsed()),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                framer.tick(start.elapsed())
            }
            Err(e) => {
                tracing::debug!(error = %e, "scanner read failed");
                return true;
            }
        };
        for ev in events {
            if let ScannerEvent::Warning(w) = &ev {
                tracing::warn!(warning = %w, "scanner");
            }
            if tx.send(ev).is_err() {
                return false;
            }
        }
    }
}

/// A simulated scanner for the demo till and tests: `.scan("8991234567891")` delivers a
/// code exactly as a serial scanner would, into a [`ScannerHandle`].
#[derive(Debug, Clone)]
pub struct SimScanner {
    tx: Sender<ScannerEvent>,
}

impl SimScanner {
    /// A simulated scanner and the handle the UI polls (already `Connected`).
    pub fn new() -> (SimScanner, ScannerHandle) {
        let (tx, rx) = mpsc::channel();
        let _ = tx.send(ScannerEvent::Connected);
        let handle = ScannerHandle {
            rx,
            reader: Reader::none(),
        };
        (SimScanner { tx }, handle)
    }

    /// Scan `code`: delivers [`ScannerEvent::Code`] if it is a valid code, else a warning,
    /// then the raw bytes (the code and CR LF), as a serial scanner would.
    pub fn scan(&self, code: &str) -> bool {
        let mut bytes = code.as_bytes().to_vec();
        bytes.extend_from_slice(b"\r\n");
        self.scan_bytes(&bytes)
    }

    /// Send raw bytes as one burst, framed with the default settings (CR LF; STX/ETX and
    /// AIM prefixes stripped); a burst without an end of line is an incomplete scan.
    pub fn scan_bytes(&self, bytes: &[u8]) -> bool {
        let mut framer = ScanFramer::new(&ScannerConfig::new("sim"));
        let mut events = framer.push(bytes, Duration::ZERO);
        events.extend(framer.tick(Duration::from_secs(3600)));
        events.into_iter().all(|ev| self.tx.send(ev).is_ok())
    }

    /// Simulate pulling the cable.
    pub fn unplug(&self) -> bool {
        self.tx.send(ScannerEvent::Disconnected).is_ok()
    }

    /// Simulate plugging it back in.
    pub fn plug(&self) -> bool {
        self.tx.send(ScannerEvent::Connected).is_ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scanner::ScanReject;

    #[test]
    fn sim_scanner_delivers_codes_and_warnings() {
        let (sim, handle) = SimScanner::new();
        assert_eq!(handle.try_recv(), Some(ScannerEvent::Connected));
        assert!(sim.scan("8991234567891"));
        assert!(sim.scan_bytes(b"\x00\xff\r\n"));
        assert!(sim.unplug());
        let evs = handle.drain();
        assert_eq!(
            evs,
            vec![
                ScannerEvent::Code("8991234567891".into()),
                ScannerEvent::Raw(b"8991234567891\r\n".to_vec()),
                ScannerEvent::Warning(ScanReject::NotAscii),
                ScannerEvent::Raw(b"\x00\xff\r\n".to_vec()),
                ScannerEvent::Disconnected,
            ]
        );
        assert!(!handle.is_running());
    }
}
