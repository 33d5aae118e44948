//! Serial / USB CDC-ACM barcode scanners (`/dev/ttyACM0`, `/dev/ttyUSB0`), read on a
//! background thread into a channel the UI polls with `try_recv`.
//!
//! The thread survives everything a scanner can do: garbage, endless lines without a
//! suffix, unplugging (it reports [`ScannerEvent::Disconnected`] and tries to reopen the
//! port about once a second until the scanner is back or the handle is stopped).

use std::fmt;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

/// Longest code accepted (EAN/UPC are 8–14, Code128 labels rarely exceed 40).
pub const MAX_CODE_LEN: usize = 64;

/// What ends a code in the byte stream from the scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Suffix {
    /// Carriage return (`\r`).
    Cr,
    /// Line feed (`\n`).
    Lf,
    /// `\r\n` (the most common factory setting).
    #[default]
    CrLf,
    /// No suffix: a pause of [`ScannerConfig::idle_timeout`] ends a code.
    None,
}

/// How to reach a serial scanner.
///
/// With any of the line suffixes, both CR and LF end a code and the LF of a CR LF pair is
/// skipped, so a scanner set to a different line ending still works. An unterminated
/// fragment followed by silence for [`ScannerConfig::fragment_timeout`] is discarded with a
/// warning (so noise never glues itself to the next code).
///
/// A line that grows past [`MAX_CODE_LEN`] gives one warning at that moment; the rest of it
/// is thrown away as it arrives (memory stays bounded) until a CR/LF or a pause of
/// `fragment_timeout` (`idle_timeout` with [`Suffix::None`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannerConfig {
    /// Device path, e.g. `/dev/ttyACM0`.
    pub path: String,
    /// Line speed (CDC-ACM scanners ignore it).
    pub baud: u32,
    /// What ends a code.
    pub suffix: Suffix,
    /// With [`Suffix::None`]: the silence that ends a code.
    pub idle_timeout: Duration,
    /// With a line suffix: the silence after which an unterminated fragment is dropped.
    pub fragment_timeout: Duration,
    /// Pause between attempts to reopen a missing scanner.
    pub retry_interval: Duration,
}

impl ScannerConfig {
    /// 9600 baud, CR LF suffix, 50 ms idle, 500 ms fragment timeout, retry every second.
    pub fn new(path: impl Into<String>) -> Self {
        ScannerConfig {
            path: path.into(),
            baud: 9600,
            suffix: Suffix::CrLf,
            idle_timeout: Duration::from_millis(50),
            fragment_timeout: Duration::from_millis(500),
            retry_interval: Duration::from_secs(1),
        }
    }

    /// Same config with another suffix.
    pub fn with_suffix(mut self, suffix: Suffix) -> Self {
        self.suffix = suffix;
        self
    }

    /// Same config with another baud rate.
    pub fn with_baud(mut self, baud: u32) -> Self {
        self.baud = baud;
        self
    }
}

/// What the scanner thread reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannerEvent {
    /// A valid code was scanned.
    Code(String),
    /// Something arrived that is not a code (noise, too long, cut off); nothing to do but
    /// tell the cashier to scan again.
    Warning(String),
    /// The scanner port is open.
    Connected,
    /// The scanner is gone (unplugged or never found); the thread keeps trying.
    Disconnected,
}

/// Why a line from the scanner is not a code.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ScanReject {
    /// Nothing but whitespace.
    Empty,
    /// Longer than [`MAX_CODE_LEN`].
    TooLong {
        /// Length in bytes.
        len: usize,
    },
    /// Control characters (0x00–0x1F, 0x7F) — line noise or a misconfigured scanner.
    ControlChars,
    /// Bytes above 0x7F — line noise or the wrong baud rate.
    NotAscii,
    /// A printable character that is not used in product codes.
    BadChar {
        /// The character.
        ch: char,
    },
}

impl fmt::Display for ScanReject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanReject::Empty => f.write_str("empty scan"),
            ScanReject::TooLong { len } => write!(
                f,
                "scan too long ({len} characters, at most {MAX_CODE_LEN}); scan again"
            ),
            ScanReject::ControlChars => {
                f.write_str("scanner sent control characters (noise); scan again")
            }
            ScanReject::NotAscii => {
                f.write_str("scanner sent unreadable bytes (check the baud rate); scan again")
            }
            ScanReject::BadChar { ch } => {
                write!(
                    f,
                    "scan contains '{ch}', which is not used in codes; scan again"
                )
            }
        }
    }
}

impl std::error::Error for ScanReject {}

/// Check one line from a scanner (without or with its CR/LF) and return the code.
///
/// Accepts 1..=64 ASCII letters, digits, `-`, `.` and `/` (leading/trailing spaces and the
/// line ending are trimmed); rejects empty lines, control noise, non-ASCII bytes and
/// over-long lines.
pub fn parse_scan_line(line: &[u8]) -> Result<String, ScanReject> {
    let mut s = line;
    while let [rest @ .., b'\r' | b'\n' | b' '] = s {
        s = rest;
    }
    while let [b' ', rest @ ..] = s {
        s = rest;
    }
    if s.is_empty() {
        return Err(ScanReject::Empty);
    }
    if s.len() > MAX_CODE_LEN {
        return Err(ScanReject::TooLong { len: s.len() });
    }
    if s.iter().any(|b| !b.is_ascii()) {
        return Err(ScanReject::NotAscii);
    }
    if s.iter().any(|b| b.is_ascii_control()) {
        return Err(ScanReject::ControlChars);
    }
    if let Some(&b) = s
        .iter()
        .find(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'/')))
    {
        return Err(ScanReject::BadChar { ch: char::from(b) });
    }
    Ok(s.iter().map(|&b| char::from(b)).collect())
}

/// A unit of scanner input found by [`Framer`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Frame {
    /// A complete line (at most [`MAX_CODE_LEN`] bytes, without its terminator).
    Line(Vec<u8>),
    /// A line grew past [`MAX_CODE_LEN`]; the rest of it is being thrown away.
    TooLong,
    /// An unterminated fragment dropped after a pause (line-suffix modes).
    Fragment(Vec<u8>),
}

/// Splits the scanner byte stream into lines with bounded memory.
#[derive(Debug)]
struct Framer {
    suffix: Suffix,
    idle_timeout: Duration,
    fragment_timeout: Duration,
    buf: Vec<u8>,
    discarding: bool,
    after_cr: bool,
    last_byte: Option<Instant>,
}

impl Framer {
    fn new(cfg: &ScannerConfig) -> Self {
        Framer {
            suffix: cfg.suffix,
            idle_timeout: cfg.idle_timeout,
            fragment_timeout: cfg.fragment_timeout,
            buf: Vec::with_capacity(MAX_CODE_LEN),
            discarding: false,
            after_cr: false,
            last_byte: None,
        }
    }

    fn end_line(&mut self, out: &mut Vec<Frame>) {
        if self.discarding {
            // The warning went out when the line passed the limit.
            self.discarding = false;
            self.buf.clear();
        } else {
            out.push(Frame::Line(std::mem::take(&mut self.buf)));
        }
    }

    fn push(&mut self, bytes: &[u8], now: Instant, out: &mut Vec<Frame>) {
        for &b in bytes {
            if b == b'\r' || b == b'\n' {
                let skip = b == b'\n' && self.after_cr;
                self.after_cr = b == b'\r';
                if !skip {
                    self.end_line(out);
                }
                continue;
            }
            self.after_cr = false;
            if self.discarding {
                continue;
            }
            if self.buf.len() >= MAX_CODE_LEN {
                self.buf.clear();
                self.discarding = true;
                out.push(Frame::TooLong);
                continue;
            }
            self.buf.push(b);
        }
        if !bytes.is_empty() {
            self.last_byte = Some(now);
        }
    }

    /// Called when no bytes came for a while.
    fn idle(&mut self, now: Instant, out: &mut Vec<Frame>) {
        let Some(last) = self.last_byte else {
            return;
        };
        let quiet = now.saturating_duration_since(last);
        let reset_after = match self.suffix {
            Suffix::None => self.idle_timeout,
            Suffix::Cr | Suffix::Lf | Suffix::CrLf => self.fragment_timeout,
        };
        if self.discarding && quiet >= reset_after {
            self.discarding = false;
            self.buf.clear();
            return;
        }
        if self.buf.is_empty() {
            return;
        }
        match self.suffix {
            Suffix::None if quiet >= self.idle_timeout => {
                out.push(Frame::Line(std::mem::take(&mut self.buf)));
            }
            Suffix::Cr | Suffix::Lf | Suffix::CrLf if quiet >= self.fragment_timeout => {
                out.push(Frame::Fragment(std::mem::take(&mut self.buf)));
            }
            _ => {}
        }
    }
}

/// Turn a frame into the event the UI sees (empty lines are dropped silently).
fn frame_event(frame: Frame) -> Option<ScannerEvent> {
    match frame {
        Frame::Line(line) => match parse_scan_line(&line) {
            Ok(code) => Some(ScannerEvent::Code(code)),
            Err(ScanReject::Empty) => None,
            Err(reject) => Some(ScannerEvent::Warning(reject.to_string())),
        },
        Frame::TooLong => Some(ScannerEvent::Warning(
            ScanReject::TooLong {
                len: MAX_CODE_LEN + 1,
            }
            .to_string(),
        )),
        Frame::Fragment(bytes) => Some(ScannerEvent::Warning(format!(
            "incomplete scan ({} bytes without an end-of-line); scan again",
            bytes.len()
        ))),
    }
}

/// The UI's end of a scanner: poll it every frame with [`ScannerHandle::try_recv`].
///
/// Dropping the handle asks the thread to stop (it exits within ~50 ms);
/// [`ScannerHandle::stop`] also waits for it.
#[derive(Debug)]
pub struct ScannerHandle {
    rx: Receiver<ScannerEvent>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
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
        self.thread.as_ref().is_some_and(|t| !t.is_finished())
    }

    /// Stop the reader thread and wait for it. Events already sent can still be received.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            if t.join().is_err() {
                tracing::error!("scanner thread panicked");
            }
        }
    }
}

impl Drop for ScannerHandle {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

/// How often the reader wakes up to check for stop requests and pauses.
const POLL: Duration = Duration::from_millis(20);

/// Start reading a serial scanner on a background thread.
pub fn spawn_serial_scanner(cfg: ScannerConfig) -> ScannerHandle {
    let (tx, rx) = mpsc::channel();
    let stop = Arc::new(AtomicBool::new(false));
    let thread_stop = Arc::clone(&stop);
    let name = format!("scanner {}", cfg.path);
    let spawned = std::thread::Builder::new()
        .name(name)
        .spawn(move || run_scanner(&cfg, &tx, &thread_stop));
    let thread = match spawned {
        Ok(t) => Some(t),
        Err(e) => {
            tracing::error!(error = %e, "could not start the scanner thread");
            let (tx2, rx2) = mpsc::channel();
            let _ = tx2.send(ScannerEvent::Warning(format!(
                "could not start the scanner reader: {e}"
            )));
            let _ = tx2.send(ScannerEvent::Disconnected);
            return ScannerHandle {
                rx: rx2,
                stop,
                thread: None,
            };
        }
    };
    ScannerHandle { rx, stop, thread }
}

/// Sleep `d` in small steps; returns false if asked to stop meanwhile.
fn sleep_unless_stopped(d: Duration, stop: &AtomicBool) -> bool {
    let end = crate::transport::deadline_after(d);
    loop {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        let now = Instant::now();
        if now >= end {
            return true;
        }
        std::thread::sleep((end - now).min(POLL));
    }
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
    let mut framer = Framer::new(cfg);
    let mut buf = [0u8; 256];
    let mut frames = Vec::new();
    loop {
        if stop.load(Ordering::SeqCst) {
            return false;
        }
        match port.read(&mut buf) {
            Ok(0) => return true, // hung up
            Ok(n) => framer.push(
                buf.get(..n).unwrap_or_default(),
                Instant::now(),
                &mut frames,
            ),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::Interrupted
                ) => {}
            Err(e) => {
                tracing::debug!(error = %e, "scanner read failed");
                return true;
            }
        }
        framer.idle(Instant::now(), &mut frames);
        for frame in frames.drain(..) {
            if let Some(ev) = frame_event(frame) {
                if tx.send(ev).is_err() {
                    return false;
                }
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
            stop: Arc::new(AtomicBool::new(false)),
            thread: None,
        };
        (SimScanner { tx }, handle)
    }

    /// Scan `code`: delivers [`ScannerEvent::Code`] if it is a valid code, else a warning.
    /// Returns whether the handle is still there to receive it.
    pub fn scan(&self, code: &str) -> bool {
        self.scan_bytes(code.as_bytes())
    }

    /// Send raw bytes as one scan (to simulate noise).
    pub fn scan_bytes(&self, bytes: &[u8]) -> bool {
        let ev = match parse_scan_line(bytes) {
            Ok(code) => ScannerEvent::Code(code),
            Err(reject) => ScannerEvent::Warning(reject.to_string()),
        };
        self.tx.send(ev).is_ok()
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

    #[test]
    fn parse_table() {
        let table: &[(&[u8], Result<&str, ScanReject>)] = &[
            (b"8991234567891", Ok("8991234567891")),
            (b"8991234567891\r\n", Ok("8991234567891")),
            (b"  12345670 \r", Ok("12345670")),
            (b"ABC-123/4.5", Ok("ABC-123/4.5")),
            (b"7", Ok("7")),
            (b"", Err(ScanReject::Empty)),
            (b"\r\n", Err(ScanReject::Empty)),
            (b"   ", Err(ScanReject::Empty)),
            (b"\x00\x1b\xff", Err(ScanReject::NotAscii)),
            (b"\x00\x1b[A", Err(ScanReject::ControlChars)),
            (b"12\t34", Err(ScanReject::ControlChars)),
            (b"899\x7f", Err(ScanReject::ControlChars)),
            ("89é".as_bytes(), Err(ScanReject::NotAscii)),
            (b"12 34", Err(ScanReject::BadChar { ch: ' ' })),
            (b"2*3", Err(ScanReject::BadChar { ch: '*' })),
            (b"DROP;TABLE", Err(ScanReject::BadChar { ch: ';' })),
        ];
        for (input, want) in table {
            let got = parse_scan_line(input);
            assert_eq!(
                got.as_deref().map_err(Clone::clone),
                want.clone(),
                "{input:?}"
            );
        }
        assert_eq!(parse_scan_line(&[b'1'; 64]).map(|s| s.len()), Ok(64));
        assert_eq!(
            parse_scan_line(&[b'1'; 65]),
            Err(ScanReject::TooLong { len: 65 })
        );
    }

    fn frames(cfg: &ScannerConfig, chunks: &[(&[u8], u64)], idle_at: Option<u64>) -> Vec<Frame> {
        let t0 = Instant::now();
        let mut f = Framer::new(cfg);
        let mut out = Vec::new();
        for (bytes, ms) in chunks {
            f.idle(t0 + Duration::from_millis(*ms), &mut out);
            f.push(bytes, t0 + Duration::from_millis(*ms), &mut out);
        }
        if let Some(ms) = idle_at {
            f.idle(t0 + Duration::from_millis(ms), &mut out);
        }
        out
    }

    #[test]
    fn framer_splits_lines_and_bounds_memory() {
        let cfg = ScannerConfig::new("x");
        assert_eq!(
            frames(
                &cfg,
                &[(b"123\r\n456\n", 0), (b"78\r", 1), (b"\n9\r", 2)],
                None
            ),
            vec![
                Frame::Line(b"123".to_vec()),
                Frame::Line(b"456".to_vec()),
                Frame::Line(b"78".to_vec()),
                Frame::Line(b"9".to_vec()),
            ]
        );
        // 10 KB without a newline: one TooLong, buffer never above the limit, next code ok.
        let big = vec![b'7'; 10 * 1024];
        let mut f = Framer::new(&cfg);
        let mut out = Vec::new();
        let t0 = Instant::now();
        for chunk in big.chunks(100) {
            f.push(chunk, t0, &mut out);
            assert!(f.buf.len() <= MAX_CODE_LEN);
            assert!(f.buf.capacity() <= 2 * MAX_CODE_LEN);
        }
        assert_eq!(out, vec![Frame::TooLong]);
        f.idle(t0 + Duration::from_secs(1), &mut out);
        f.push(b"8991234567891\r\n", t0 + Duration::from_secs(1), &mut out);
        assert_eq!(
            out,
            vec![Frame::TooLong, Frame::Line(b"8991234567891".to_vec())]
        );
    }

    #[test]
    fn framer_idle_modes() {
        let none = ScannerConfig::new("x").with_suffix(Suffix::None);
        assert_eq!(
            frames(
                &none,
                &[(b"123", 0), (b"456", 10), (b"789", 200)],
                Some(400)
            ),
            vec![
                Frame::Line(b"123456".to_vec()),
                Frame::Line(b"789".to_vec())
            ]
        );
        let crlf = ScannerConfig::new("x");
        assert_eq!(
            frames(
                &crlf,
                &[(b"\x00\x1b", 0), (b"8991234567891\r\n", 900)],
                None
            ),
            vec![
                Frame::Fragment(b"\x00\x1b".to_vec()),
                Frame::Line(b"8991234567891".to_vec())
            ]
        );
    }

    #[test]
    fn sim_scanner_delivers_codes_and_warnings() {
        let (sim, handle) = SimScanner::new();
        assert_eq!(handle.try_recv(), Some(ScannerEvent::Connected));
        assert!(sim.scan("8991234567891"));
        assert!(sim.scan_bytes(b"\x00\xff"));
        assert!(sim.unplug());
        let evs = handle.drain();
        assert_eq!(evs[0], ScannerEvent::Code("8991234567891".into()));
        assert!(matches!(evs[1], ScannerEvent::Warning(_)));
        assert_eq!(evs[2], ScannerEvent::Disconnected);
        assert!(!handle.is_running());
    }
}
