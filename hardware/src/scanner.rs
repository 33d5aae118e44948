//! Serial / USB CDC-ACM barcode scanners (`/dev/ttyACM0`, `/dev/ttyUSB0`): how a byte
//! stream becomes codes.
//!
//! [`ScanFramer`] is pure: bytes and the time they came in, codes and warnings out; it
//! never reads a clock, so it is tested with tables like the keyboard-wedge detector.
//! The reader thread ([`spawn_serial_scanner`](crate::spawn_serial_scanner)) only moves
//! bytes from the port into it.
//!
//! Scanners in USB-serial mode frame a code in several ways, all read here: a CR, LF or
//! CR LF suffix (any of them ends a code in those modes), a Tab suffix, no suffix at all (a
//! pause ends the code), `STX code ETX` around the code, and an AIM symbology identifier
//! such as `]E0` (EAN-13) before it.

use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Longest code accepted (EAN/UPC are 8–14, Code128 labels rarely exceed 40).
pub const MAX_CODE_LEN: usize = 64;

/// Length of an AIM symbology identifier: `]`, the symbology letter, a modifier.
const AIM_LEN: usize = 3;
/// Longest line kept while framing: a code with room for an AIM prefix.
const MAX_LINE: usize = MAX_CODE_LEN + AIM_LEN;
/// Most bytes of one burst kept for [`ScannerEvent::Raw`].
pub const MAX_RAW: usize = 256;
/// Shortest pause that ends a burst of raw bytes.
const RAW_GAP: Duration = Duration::from_millis(100);

/// Start of text / end of text, as some scanners put around a code.
const STX: u8 = 0x02;
const ETX: u8 = 0x03;

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
    /// A Tab (`\t`), as scanners set up to fill forms send.
    Tab,
    /// No suffix: a pause of [`ScannerConfig::idle_timeout`] ends a code.
    None,
}

impl Suffix {
    /// Every suffix, in the order a settings screen offers them.
    pub const ALL: [Suffix; 5] = [
        Suffix::CrLf,
        Suffix::Cr,
        Suffix::Lf,
        Suffix::Tab,
        Suffix::None,
    ];

    /// The setting's value: `cr`, `lf`, `crlf`, `tab` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Suffix::Cr => "cr",
            Suffix::Lf => "lf",
            Suffix::CrLf => "crlf",
            Suffix::Tab => "tab",
            Suffix::None => "none",
        }
    }
}

impl FromStr for Suffix {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Suffix::ALL
            .into_iter()
            .find(|x| x.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or(())
    }
}

/// How to reach a serial scanner and how it frames a code.
///
/// With a CR, LF or CR LF suffix, both CR and LF end a code and the LF of a CR LF pair is
/// skipped, so a scanner set to a different line ending still works; with a Tab suffix a
/// Tab ends a code too; with no suffix a pause of `idle_timeout` does (and CR or LF, should
/// they come). An unterminated fragment followed by silence for `fragment_timeout` is
/// discarded with a warning (so noise never glues itself to the next code).
///
/// A line that grows past [`MAX_CODE_LEN`] gives one warning at that moment; the rest of it
/// is thrown away as it arrives (memory stays bounded) until a line end or a pause of
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
    /// With a suffix: the silence after which an unterminated fragment is dropped.
    pub fragment_timeout: Duration,
    /// Pause between attempts to reopen a missing scanner.
    pub retry_interval: Duration,
    /// Read `STX code ETX`: STX starts a code, ETX ends it. Off: a code with them is refused.
    pub strip_stx_etx: bool,
    /// Drop an AIM symbology identifier (`]E0`, `]C1`, …) before a code. Off: refused.
    pub strip_aim: bool,
}

impl ScannerConfig {
    /// 9600 baud, CR LF suffix, 50 ms idle, 500 ms fragment timeout, retry every second,
    /// STX/ETX and AIM prefixes stripped (neither can be part of a product code).
    pub fn new(path: impl Into<String>) -> Self {
        ScannerConfig {
            path: path.into(),
            baud: 9600,
            suffix: Suffix::CrLf,
            idle_timeout: Duration::from_millis(50),
            fragment_timeout: Duration::from_millis(500),
            retry_interval: Duration::from_secs(1),
            strip_stx_etx: true,
            strip_aim: true,
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

/// What a scanner reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScannerEvent {
    /// A valid code was scanned.
    Code(String),
    /// Something arrived that is not a code; the reason says whether scanning again can
    /// help ([`ScanReject::rescan_helps`]) or the scanner's settings need a look.
    Warning(ScanReject),
    /// The bytes of the last burst exactly as they came (at most [`MAX_RAW`]), sent after
    /// the pause that ends it: what the "test scanner" view shows.
    Raw(Vec<u8>),
    /// The scanner port is open.
    Connected,
    /// The scanner is gone (unplugged or never found); the reader keeps trying.
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
    /// Control characters (0x00–0x1F, 0x7F) — line noise.
    ControlChars,
    /// Bytes above 0x7F — line noise or the wrong baud rate.
    NotAscii,
    /// A printable character that is not used in product codes.
    BadChar {
        /// The character.
        ch: char,
    },
    /// Bytes without an end of line, then silence.
    Incomplete {
        /// How many bytes came.
        len: usize,
    },
    /// The code came between STX and ETX, and stripping them is off.
    StxEtx,
    /// The code came with an AIM symbology identifier, and stripping it is off.
    AimPrefix {
        /// The identifier, e.g. `]E0`.
        prefix: String,
    },
}

impl ScanReject {
    /// Whether scanning the same label again can give a code (noise, a cut-off scan);
    /// otherwise the scanner's settings or the label itself are the trouble.
    pub fn rescan_helps(&self) -> bool {
        matches!(
            self,
            ScanReject::ControlChars | ScanReject::Incomplete { .. }
        )
    }
}

impl fmt::Display for ScanReject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScanReject::Empty => f.write_str("empty scan"),
            ScanReject::TooLong { len } => write!(
                f,
                "scan too long ({len} characters, at most {MAX_CODE_LEN}): check the scanner's suffix"
            ),
            ScanReject::ControlChars => {
                f.write_str("scanner sent control characters (noise); scan again")
            }
            ScanReject::NotAscii => {
                f.write_str("scanner sent unreadable bytes: check the baud rate")
            }
            ScanReject::BadChar { ch } => {
                write!(f, "scan contains '{ch}', which is not used in product codes")
            }
            ScanReject::Incomplete { len } => {
                write!(f, "incomplete scan ({len} bytes without an end of line); scan again")
            }
            ScanReject::StxEtx => {
                f.write_str("scanner frames codes with STX/ETX: turn on stripping them")
            }
            ScanReject::AimPrefix { prefix } => write!(
                f,
                "scanner sends the AIM prefix {prefix}: turn on stripping it"
            ),
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

/// An AIM symbology identifier at the start of `line` (`]` + letter + letter or digit).
fn aim_prefix(line: &[u8]) -> Option<&[u8]> {
    match line {
        [b']', s, m, ..] if s.is_ascii_alphabetic() && m.is_ascii_alphanumeric() => {
            line.get(..AIM_LEN)
        }
        _ => None,
    }
}

/// Turn one framed line into what the cashier sees (empty lines are dropped silently).
fn line_event(cfg: &ScannerConfig, line: &[u8]) -> Option<ScannerEvent> {
    if !cfg.strip_stx_etx && line.iter().any(|&b| b == STX || b == ETX) {
        return Some(ScannerEvent::Warning(ScanReject::StxEtx));
    }
    let trimmed = line.trim_ascii();
    let code = match aim_prefix(trimmed) {
        Some(_) if cfg.strip_aim => trimmed.get(AIM_LEN..).unwrap_or_default(),
        Some(p) => {
            return Some(ScannerEvent::Warning(ScanReject::AimPrefix {
                prefix: p.iter().map(|&b| char::from(b)).collect(),
            }))
        }
        None => trimmed,
    };
    match parse_scan_line(code) {
        Ok(code) => Some(ScannerEvent::Code(code)),
        Err(ScanReject::Empty) => None,
        Err(reject) => Some(ScannerEvent::Warning(reject)),
    }
}

/// Splits a scanner's byte stream into codes, with bounded memory.
///
/// Feed every read with [`ScanFramer::push`] and call [`ScanFramer::tick`] when nothing
/// came (the reader does both every 20 ms); `now` is a monotonic time since any fixed
/// start. Both return the events in the order they happened.
#[derive(Debug, Clone)]
pub struct ScanFramer {
    cfg: ScannerConfig,
    buf: Vec<u8>,
    discarding: bool,
    after_cr: bool,
    last_byte: Option<Duration>,
    raw: Vec<u8>,
}

impl ScanFramer {
    /// A framer for the suffix, timeouts and stripping of `cfg`.
    pub fn new(cfg: &ScannerConfig) -> Self {
        ScanFramer {
            cfg: cfg.clone(),
            buf: Vec::with_capacity(MAX_LINE),
            discarding: false,
            after_cr: false,
            last_byte: None,
            raw: Vec::new(),
        }
    }

    /// What a scanner sending `bytes` in one burst gives with `cfg` (the "test scanner"
    /// view uses it to show what other settings would make of the last scan).
    pub fn frame_burst(cfg: &ScannerConfig, bytes: &[u8]) -> Vec<ScannerEvent> {
        let mut f = ScanFramer::new(cfg);
        let mut out = f.push(bytes, Duration::ZERO);
        out.extend(f.tick(Duration::from_secs(3600)));
        out.retain(|e| !matches!(e, ScannerEvent::Raw(_)));
        out
    }

    fn end_line(&mut self, out: &mut Vec<ScannerEvent>) {
        if self.discarding {
            // The warning went out when the line passed the limit.
            self.discarding = false;
            self.buf.clear();
        } else {
            let line = std::mem::take(&mut self.buf);
            out.extend(line_event(&self.cfg, &line));
        }
    }

    fn ends_code(&self, b: u8) -> bool {
        match b {
            b'\r' | b'\n' => true,
            b'\t' => self.cfg.suffix == Suffix::Tab,
            ETX => self.cfg.strip_stx_etx,
            _ => false,
        }
    }

    /// Bytes that just came at `now`.
    pub fn push(&mut self, bytes: &[u8], now: Duration) -> Vec<ScannerEvent> {
        let mut out = self.tick(now);
        if bytes.is_empty() {
            return out;
        }
        for &b in bytes {
            if self.raw.len() < MAX_RAW {
                self.raw.push(b);
            }
            if self.ends_code(b) {
                let skip = b == b'\n' && self.after_cr;
                self.after_cr = b == b'\r';
                if !skip {
                    self.end_line(&mut out);
                }
                continue;
            }
            self.after_cr = false;
            if b == STX && self.cfg.strip_stx_etx {
                // A code starts here: what came before it was not one.
                if !self.buf.is_empty() && !self.discarding {
                    out.push(ScannerEvent::Warning(ScanReject::Incomplete {
                        len: self.buf.len(),
                    }));
                }
                self.buf.clear();
                self.discarding = false;
                continue;
            }
            if self.discarding {
                continue;
            }
            if self.buf.len() >= MAX_LINE {
                self.buf.clear();
                self.discarding = true;
                out.push(ScannerEvent::Warning(ScanReject::TooLong {
                    len: MAX_LINE + 1,
                }));
                continue;
            }
            self.buf.push(b);
        }
        self.last_byte = Some(now);
        out
    }

    /// Nothing came until `now`: a pause may end a code (no suffix), drop a fragment, or
    /// end the burst that [`ScannerEvent::Raw`] reports.
    pub fn tick(&mut self, now: Duration) -> Vec<ScannerEvent> {
        let mut out = Vec::new();
        let Some(last) = self.last_byte else {
            return out;
        };
        let quiet = now.saturating_sub(last);
        let (ends, gap) = match self.cfg.suffix {
            Suffix::None => (true, self.cfg.idle_timeout),
            _ => (false, self.cfg.fragment_timeout),
        };
        if quiet >= gap {
            if self.discarding {
                self.discarding = false;
                self.buf.clear();
            } else if !self.buf.is_empty() {
                let line = std::mem::take(&mut self.buf);
                if ends {
                    out.extend(line_event(&self.cfg, &line));
                } else {
                    out.push(ScannerEvent::Warning(ScanReject::Incomplete {
                        len: line.len(),
                    }));
                }
            }
        }
        if !self.raw.is_empty() && quiet >= RAW_GAP.max(self.cfg.idle_timeout) {
            out.push(ScannerEvent::Raw(std::mem::take(&mut self.raw)));
        }
        out
    }
}

/// Bytes as a shopkeeper can read them: hex, and the printable text with control bytes
/// named (`<STX>8991234567891<ETX><CR><LF>`).
pub fn describe_bytes(bytes: &[u8]) -> (String, String) {
    let hex = bytes
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(" ");
    let mut text = String::new();
    for &b in bytes {
        match b {
            STX => text.push_str("<STX>"),
            ETX => text.push_str("<ETX>"),
            b'\r' => text.push_str("<CR>"),
            b'\n' => text.push_str("<LF>"),
            b'\t' => text.push_str("<TAB>"),
            0x20..=0x7E => text.push(char::from(b)),
            _ => text.push_str(&format!("<{b:02X}>")),
        }
    }
    (hex, text)
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

    /// Feed `(bytes, ms)` chunks, then tick at `idle_at` ms; every event in order.
    fn run(
        cfg: &ScannerConfig,
        chunks: &[(&[u8], u64)],
        idle_at: Option<u64>,
    ) -> Vec<ScannerEvent> {
        let mut f = ScanFramer::new(cfg);
        let mut out = Vec::new();
        for (bytes, ms) in chunks {
            out.extend(f.push(bytes, Duration::from_millis(*ms)));
        }
        if let Some(ms) = idle_at {
            out.extend(f.tick(Duration::from_millis(ms)));
        }
        out
    }

    fn code(c: &str) -> ScannerEvent {
        ScannerEvent::Code(c.into())
    }

    fn warn(r: ScanReject) -> ScannerEvent {
        ScannerEvent::Warning(r)
    }

    /// Only the codes and warnings (the raw bursts are tested on their own).
    fn scans(evs: Vec<ScannerEvent>) -> Vec<ScannerEvent> {
        evs.into_iter()
            .filter(|e| !matches!(e, ScannerEvent::Raw(_)))
            .collect()
    }

    #[test]
    fn framings_of_common_scanners() {
        let crlf = ScannerConfig::new("x");
        let tab = crlf.clone().with_suffix(Suffix::Tab);
        let none = crlf.clone().with_suffix(Suffix::None);
        let strict = ScannerConfig {
            strip_stx_etx: false,
            strip_aim: false,
            ..crlf.clone()
        };
        let ean = "8991234567891";
        #[allow(clippy::type_complexity)]
        let table: &[(
            &str,
            &ScannerConfig,
            &[(&[u8], u64)],
            Option<u64>,
            Vec<ScannerEvent>,
        )] = &[
            (
                "CR LF",
                &crlf,
                &[(b"8991234567891\r\n", 0)],
                None,
                vec![code(ean)],
            ),
            (
                "CR",
                &crlf,
                &[(b"8991234567891\r", 0)],
                None,
                vec![code(ean)],
            ),
            (
                "LF",
                &crlf,
                &[(b"8991234567891\n", 0)],
                None,
                vec![code(ean)],
            ),
            (
                "split over reads, two codes in one",
                &crlf,
                &[(b"123\r\n456\n", 0), (b"78\r", 1), (b"\n9\r", 2)],
                None,
                vec![code("123"), code("456"), code("78"), code("9")],
            ),
            (
                "STX code ETX CR LF",
                &crlf,
                &[(b"\x028991234567891\x03\r\n", 0)],
                None,
                vec![code(ean)],
            ),
            (
                "STX code ETX, nothing after",
                &crlf,
                &[(b"\x0212345670\x03", 0)],
                None,
                vec![code("12345670")],
            ),
            (
                "STX/ETX refused when stripping is off",
                &strict,
                &[(b"\x028991234567891\x03\r\n", 0)],
                None,
                vec![warn(ScanReject::StxEtx)],
            ),
            (
                "AIM ]E0",
                &crlf,
                &[(b"]E08991234567891\r\n", 0)],
                None,
                vec![code(ean)],
            ),
            (
                "AIM ]C1 in STX/ETX",
                &crlf,
                &[(b"\x02]C1ABC-123\x03\r\n", 0)],
                None,
                vec![code("ABC-123")],
            ),
            (
                "AIM refused when stripping is off",
                &strict,
                &[(b"]E08991234567891\r\n", 0)],
                None,
                vec![warn(ScanReject::AimPrefix {
                    prefix: "]E0".into(),
                })],
            ),
            (
                "a 64-character code after an AIM prefix",
                &crlf,
                &[(b"]C0", 0), (&[b'7'; 64], 0), (b"\r", 0)],
                None,
                vec![code(&"7".repeat(64))],
            ),
            (
                "Tab",
                &tab,
                &[(b"8991234567891\t12345670\t", 0)],
                None,
                vec![code(ean), code("12345670")],
            ),
            (
                "Tab refused without the Tab suffix",
                &crlf,
                &[(b"12\t34\r\n", 0)],
                None,
                vec![warn(ScanReject::ControlChars)],
            ),
            (
                "no suffix: a pause ends the code",
                &none,
                &[(b"123", 0), (b"456", 10), (b"789", 200)],
                Some(400),
                vec![code("123456"), code("789")],
            ),
            (
                "no suffix, still waiting",
                &none,
                &[(b"123", 0)],
                Some(40),
                vec![],
            ),
            (
                "no suffix with a suffix setting: incomplete after the fragment timeout",
                &crlf,
                &[(b"8991234567891", 0)],
                Some(600),
                vec![warn(ScanReject::Incomplete { len: 13 })],
            ),
            (
                "noise, then a pause, then a good code",
                &crlf,
                &[(b"\x00\x1b", 0), (b"8991234567891\r\n", 900)],
                None,
                vec![warn(ScanReject::Incomplete { len: 2 }), code(ean)],
            ),
            (
                "garbage before STX is reported, the code still reads",
                &crlf,
                &[(b"\x1b[\x028991234567891\x03\r\n", 0)],
                None,
                vec![warn(ScanReject::Incomplete { len: 2 }), code(ean)],
            ),
            (
                "wrong baud",
                &crlf,
                &[(b"\xf8\x80\xfe\r\n", 0)],
                None,
                vec![warn(ScanReject::NotAscii)],
            ),
            (
                "empty lines are dropped",
                &crlf,
                &[(b"\r\n\r\n  \r\n", 0)],
                None,
                vec![],
            ),
        ];
        for (name, cfg, chunks, idle, want) in table {
            assert_eq!(&scans(run(cfg, chunks, *idle)), want, "{name}");
        }
    }

    #[test]
    fn raw_bytes_of_a_burst_come_after_its_pause() {
        let cfg = ScannerConfig::new("x");
        let mut f = ScanFramer::new(&cfg);
        assert_eq!(f.push(b"\x02899", Duration::ZERO), vec![]);
        assert_eq!(
            f.push(b"1\x03\r\n", Duration::from_millis(5)),
            vec![code("8991")]
        );
        assert_eq!(f.tick(Duration::from_millis(50)), vec![]);
        assert_eq!(
            f.tick(Duration::from_millis(105)),
            vec![ScannerEvent::Raw(b"\x028991\x03\r\n".to_vec())]
        );
        assert_eq!(f.tick(Duration::from_millis(500)), vec![]);
        // A flood keeps at most MAX_RAW bytes.
        let flood = vec![b'9'; 5000];
        let evs = f.push(&flood, Duration::from_secs(2));
        assert_eq!(evs, vec![warn(ScanReject::TooLong { len: MAX_LINE + 1 })]);
        match f.tick(Duration::from_secs(3)).as_slice() {
            [ScannerEvent::Raw(r)] => assert_eq!(r.len(), MAX_RAW),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn framer_bounds_memory() {
        let cfg = ScannerConfig::new("x");
        // 10 KB without a newline: one TooLong, buffer never above the limit, next code ok.
        let big = vec![b'7'; 10 * 1024];
        let mut f = ScanFramer::new(&cfg);
        let mut out = Vec::new();
        for chunk in big.chunks(100) {
            out.extend(f.push(chunk, Duration::ZERO));
            assert!(f.buf.len() <= MAX_LINE);
            assert!(f.buf.capacity() <= 2 * MAX_LINE);
        }
        out.extend(f.push(b"8991234567891\r\n", Duration::from_secs(1)));
        assert_eq!(
            scans(out),
            vec![
                warn(ScanReject::TooLong { len: MAX_LINE + 1 }),
                code("8991234567891")
            ]
        );
    }

    #[test]
    fn suffix_names_and_byte_descriptions() {
        for s in Suffix::ALL {
            assert_eq!(s.as_str().parse::<Suffix>(), Ok(s));
        }
        assert_eq!(" CRLF ".parse::<Suffix>(), Ok(Suffix::CrLf));
        assert!("semicolon".parse::<Suffix>().is_err());
        let (hex, text) = describe_bytes(b"\x02]E0899\x03\r\n\xff");
        assert_eq!(hex, "02 5D 45 30 38 39 39 03 0D 0A FF");
        assert_eq!(text, "<STX>]E0899<ETX><CR><LF><FF>");
        let burst = ScanFramer::frame_burst(
            &ScannerConfig::new("x").with_suffix(Suffix::None),
            b"8991234567891",
        );
        assert_eq!(burst, vec![code("8991234567891")]);
        assert!(ScanReject::Incomplete { len: 3 }.rescan_helps());
        assert!(!ScanReject::NotAscii.rescan_helps());
        assert!(!ScanReject::AimPrefix {
            prefix: "]E0".into()
        }
        .rescan_helps());
    }
}
