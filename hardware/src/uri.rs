//! Printer addresses: `serial:/dev/ttyUSB0?baud=9600`, `usb:/dev/usb/lp0`,
//! `tcp:HOST[:PORT]`, `file:PATH`, `sim`.

use std::fmt;
use std::net::Ipv6Addr;
use std::str::FromStr;

use crate::error::HardwareError;
use crate::status_gate::StatusMode;

/// Baud rate used when a `serial:` address gives none.
pub const DEFAULT_BAUD: u32 = 9600;
/// TCP port used when a `tcp:` address gives none (the raw "JetDirect" port).
pub const DEFAULT_TCP_PORT: u16 = 9100;
/// Serial speeds accepted in `baud=` (anything else is almost always a typo).
pub const SUPPORTED_BAUDS: &[u32] = &[
    1200, 2400, 4800, 9600, 19200, 38400, 57600, 115_200, 230_400, 460_800, 921_600,
];

/// Serial flow control.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum FlowControl {
    /// No flow control (most receipt printers with a 3-wire cable).
    #[default]
    None,
    /// RTS/CTS hardware handshake (`flow=hw`).
    Hardware,
    /// XON/XOFF software handshake (`flow=sw`).
    Software,
}

impl FlowControl {
    /// The spelling used in printer addresses: `none`, `hw`, `sw`.
    pub fn as_str(self) -> &'static str {
        match self {
            FlowControl::None => "none",
            FlowControl::Hardware => "hw",
            FlowControl::Software => "sw",
        }
    }
}

impl fmt::Display for FlowControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FlowControl {
    type Err = HardwareError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "no" | "off" => Ok(FlowControl::None),
            "hw" | "hardware" | "rtscts" => Ok(FlowControl::Hardware),
            "sw" | "software" | "xonxoff" => Ok(FlowControl::Software),
            _ => Err(HardwareError::BadFlow { value: shorten(s) }),
        }
    }
}

impl From<FlowControl> for serialport::FlowControl {
    fn from(f: FlowControl) -> Self {
        match f {
            FlowControl::None => serialport::FlowControl::None,
            FlowControl::Hardware => serialport::FlowControl::Hardware,
            FlowControl::Software => serialport::FlowControl::Software,
        }
    }
}

/// Where receipts go.
///
/// `Display` writes the canonical form, and parsing that form gives the same value back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PrinterUri {
    /// An RS-232 / USB-serial printer: `serial:/dev/ttyUSB0?baud=9600&flow=hw`.
    Serial {
        /// Device path, e.g. `/dev/ttyUSB0`.
        path: String,
        /// Line speed (8N1 is always used).
        baud: u32,
        /// Flow control.
        flow: FlowControl,
    },
    /// A USB printer-class device handled by the kernel's usblp driver: `usb:/dev/usb/lp0`.
    Usb {
        /// Device path, e.g. `/dev/usb/lp0`.
        path: String,
    },
    /// A network printer on raw TCP: `tcp:192.168.1.50:9100`.
    Tcp {
        /// Host name or IP address (IPv6 without brackets).
        host: String,
        /// TCP port, 9100 by default.
        port: u16,
    },
    /// Append the raw bytes to a file (preview, debugging, a CUPS spool directory).
    File {
        /// File path.
        path: String,
    },
    /// The in-memory simulated printer shared by the demo till and the CLI (`sim`).
    Sim,
}

impl PrinterUri {
    /// The printer type word: `serial`, `usb`, `tcp`, `file` or `sim`.
    pub fn scheme(&self) -> &'static str {
        match self {
            PrinterUri::Serial { .. } => "serial",
            PrinterUri::Usb { .. } => "usb",
            PrinterUri::Tcp { .. } => "tcp",
            PrinterUri::File { .. } => "file",
            PrinterUri::Sim => "sim",
        }
    }

    /// Whether this kind of connection can, in principle, answer status requests.
    /// (`usb:` depends on the printer; the open transport knows for sure.)
    pub fn may_be_two_way(&self) -> bool {
        !matches!(self, PrinterUri::File { .. })
    }
}

impl fmt::Display for PrinterUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PrinterUri::Serial { path, baud, flow } => {
                write!(f, "serial:{path}?baud={baud}")?;
                if *flow != FlowControl::None {
                    write!(f, "&flow={flow}")?;
                }
                Ok(())
            }
            PrinterUri::Usb { path } => write!(f, "usb:{path}"),
            PrinterUri::Tcp { host, port } => {
                if host.contains(':') {
                    write!(f, "tcp:[{host}]:{port}")
                } else {
                    write!(f, "tcp:{host}:{port}")
                }
            }
            PrinterUri::File { path } => write!(f, "file:{path}"),
            PrinterUri::Sim => f.write_str("sim"),
        }
    }
}

impl FromStr for PrinterUri {
    type Err = HardwareError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        if s.is_empty() {
            return Err(HardwareError::EmptyUri);
        }
        let (scheme, rest) = match s.split_once(':') {
            Some((scheme, rest)) => (scheme, rest),
            None => (s, ""),
        };
        match scheme.to_ascii_lowercase().as_str() {
            "sim" => {
                if rest.is_empty() {
                    Ok(PrinterUri::Sim)
                } else {
                    Err(HardwareError::UnknownOption {
                        option: shorten(rest),
                    })
                }
            }
            "serial" => parse_serial(rest),
            "usb" => Ok(PrinterUri::Usb {
                path: parse_path("usb", rest)?,
            }),
            "file" => Ok(PrinterUri::File {
                path: parse_path("file", rest)?,
            }),
            "tcp" => parse_tcp(rest),
            _ => Err(HardwareError::UnknownScheme {
                scheme: shorten(scheme),
            }),
        }
    }
}

/// A printer address with its status mode: `tcp:192.168.1.50:9100?status=off`,
/// `serial:/dev/ttyUSB0?baud=9600&status=on`. Without `status=` the mode is `auto`.
///
/// `Display` writes the canonical form (the mode only when it is not `auto`), and parsing
/// that form gives the same value back.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PrinterAddress {
    pub uri: PrinterUri,
    pub status: StatusMode,
}

impl fmt::Display for PrinterAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let uri = self.uri.to_string();
        if self.status == StatusMode::Auto {
            return f.write_str(&uri);
        }
        let sep = if uri.contains('?') { '&' } else { '?' };
        write!(f, "{uri}{sep}status={}", self.status)
    }
}

impl FromStr for PrinterAddress {
    type Err = HardwareError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let Some((base, query)) = s.split_once('?') else {
            return Ok(PrinterAddress {
                uri: s.parse()?,
                status: StatusMode::Auto,
            });
        };
        let mut status = StatusMode::Auto;
        let mut rest = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            match pair.split_once('=') {
                Some((k, v)) if k.trim().eq_ignore_ascii_case("status") => status = v.parse()?,
                _ => rest.push(pair),
            }
        }
        let uri = if rest.is_empty() {
            base.parse()?
        } else {
            format!("{base}?{}", rest.join("&")).parse()?
        };
        Ok(PrinterAddress { uri, status })
    }
}

/// Cut user text down for an error message (never panics on char boundaries).
fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = s
        .chars()
        .take(MAX)
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if s.chars().count() > MAX {
        out.push('…');
    }
    out
}

fn parse_path(scheme: &str, rest: &str) -> Result<String, HardwareError> {
    if rest.is_empty() {
        return Err(HardwareError::MissingPath {
            scheme: scheme.to_string(),
        });
    }
    if rest.chars().any(char::is_control) {
        return Err(HardwareError::BadPath {
            path: shorten(rest),
        });
    }
    Ok(rest.to_string())
}

fn parse_serial(rest: &str) -> Result<PrinterUri, HardwareError> {
    let (path, query) = match rest.split_once('?') {
        Some((p, q)) => (p, q),
        None => (rest, ""),
    };
    let path = parse_path("serial", path)?;
    let mut baud = DEFAULT_BAUD;
    let mut flow = FlowControl::None;
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match key.trim().to_ascii_lowercase().as_str() {
            "baud" => {
                baud = value
                    .trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|b| SUPPORTED_BAUDS.contains(b))
                    .ok_or_else(|| HardwareError::BadBaud {
                        value: shorten(value),
                    })?;
            }
            "flow" => flow = value.parse()?,
            _ => {
                return Err(HardwareError::UnknownOption {
                    option: shorten(pair),
                })
            }
        }
    }
    Ok(PrinterUri::Serial { path, baud, flow })
}

fn parse_tcp(rest: &str) -> Result<PrinterUri, HardwareError> {
    // Be forgiving about `tcp://host:port/`.
    let rest = rest.strip_prefix("//").unwrap_or(rest);
    let rest = rest.strip_suffix('/').unwrap_or(rest);
    if rest.is_empty() {
        return Err(HardwareError::MissingHost);
    }
    let (host, port) = if let Some(after_bracket) = rest.strip_prefix('[') {
        let (inside, after) =
            after_bracket
                .split_once(']')
                .ok_or_else(|| HardwareError::BadHost {
                    value: shorten(rest),
                })?;
        if inside.parse::<Ipv6Addr>().is_err() {
            return Err(HardwareError::BadHost {
                value: shorten(inside),
            });
        }
        let port = if after.is_empty() {
            None
        } else {
            Some(
                after
                    .strip_prefix(':')
                    .ok_or_else(|| HardwareError::BadHost {
                        value: shorten(rest),
                    })?,
            )
        };
        (inside, port)
    } else {
        match rest.matches(':').count() {
            0 => (rest, None),
            1 => {
                let (h, p) = rest.split_once(':').unwrap_or((rest, ""));
                (h, Some(p))
            }
            _ => {
                return Err(HardwareError::BadHost {
                    value: shorten(rest),
                })
            }
        }
    };
    if host.is_empty() {
        return Err(HardwareError::MissingHost);
    }
    let bracketed = host.contains(':');
    if !bracketed && !valid_host_name(host) {
        return Err(HardwareError::BadHost {
            value: shorten(host),
        });
    }
    let port = match port {
        None => DEFAULT_TCP_PORT,
        Some(p) => p
            .trim()
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or_else(|| HardwareError::BadPort { value: shorten(p) })?,
    };
    Ok(PrinterUri::Tcp {
        host: host.to_string(),
        port,
    })
}

/// A DNS name or IPv4 address: letters, digits, '-', '.', '_' and at most 253 characters.
fn valid_host_name(host: &str) -> bool {
    host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> PrinterUri {
        match s.parse::<PrinterUri>() {
            Ok(u) => u,
            Err(e) => panic!("{s:?} should parse: {e}"),
        }
    }

    fn err(s: &str) -> HardwareError {
        match s.parse::<PrinterUri>() {
            Ok(u) => panic!("{s:?} should not parse, got {u:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn the_status_mode_rides_on_the_address() {
        let table: &[(&str, &str, StatusMode)] = &[
            (
                "tcp:127.0.0.1:9100?status=off",
                "tcp:127.0.0.1:9100",
                StatusMode::Off,
            ),
            (
                "tcp:printer.local?status=ON",
                "tcp:printer.local:9100",
                StatusMode::On,
            ),
            (
                "tcp:127.0.0.1:9100?status=auto",
                "tcp:127.0.0.1:9100",
                StatusMode::Auto,
            ),
            ("usb:/dev/usb/lp0", "usb:/dev/usb/lp0", StatusMode::Auto),
            (
                "serial:/dev/ttyUSB0?status=off&baud=19200",
                "serial:/dev/ttyUSB0?baud=19200",
                StatusMode::Off,
            ),
            ("sim?status=on", "sim", StatusMode::On),
        ];
        for &(text, uri, mode) in table {
            let a: PrinterAddress = text.parse().unwrap();
            assert_eq!(
                (a.uri.to_string().as_str(), a.status),
                (uri, mode),
                "{text}"
            );
            let again: PrinterAddress = a.to_string().parse().unwrap();
            assert_eq!(again, a, "{text} → {a}");
        }
        assert_eq!(
            "serial:/dev/ttyUSB0?baud=19200&status=off"
                .parse::<PrinterAddress>()
                .unwrap()
                .to_string(),
            "serial:/dev/ttyUSB0?baud=19200&status=off"
        );
        assert!("tcp:127.0.0.1?status=sometimes"
            .parse::<PrinterAddress>()
            .is_err());
        assert!("tcp:127.0.0.1?colour=red"
            .parse::<PrinterAddress>()
            .is_err());
    }

    #[test]
    fn good_addresses() {
        let table: &[(&str, PrinterUri)] = &[
            (
                "serial:/dev/ttyUSB0?baud=9600",
                PrinterUri::Serial {
                    path: "/dev/ttyUSB0".into(),
                    baud: 9600,
                    flow: FlowControl::None,
                },
            ),
            (
                "serial:/dev/ttyS0",
                PrinterUri::Serial {
                    path: "/dev/ttyS0".into(),
                    baud: DEFAULT_BAUD,
                    flow: FlowControl::None,
                },
            ),
            (
                "serial:/dev/ttyUSB1?baud=115200&flow=hw",
                PrinterUri::Serial {
                    path: "/dev/ttyUSB1".into(),
                    baud: 115_200,
                    flow: FlowControl::Hardware,
                },
            ),
            (
                "SERIAL:/dev/ttyUSB1?flow=sw&baud=19200",
                PrinterUri::Serial {
                    path: "/dev/ttyUSB1".into(),
                    baud: 19200,
                    flow: FlowControl::Software,
                },
            ),
            (
                "usb:/dev/usb/lp0",
                PrinterUri::Usb {
                    path: "/dev/usb/lp0".into(),
                },
            ),
            (
                "tcp:127.0.0.1:9100",
                PrinterUri::Tcp {
                    host: "127.0.0.1".into(),
                    port: 9100,
                },
            ),
            (
                "tcp:printer.local",
                PrinterUri::Tcp {
                    host: "printer.local".into(),
                    port: DEFAULT_TCP_PORT,
                },
            ),
            (
                "tcp://192.168.1.50:9101/",
                PrinterUri::Tcp {
                    host: "192.168.1.50".into(),
                    port: 9101,
                },
            ),
            (
                "tcp:[::1]:9100",
                PrinterUri::Tcp {
                    host: "::1".into(),
                    port: 9100,
                },
            ),
            (
                "tcp:[fe80::1]",
                PrinterUri::Tcp {
                    host: "fe80::1".into(),
                    port: 9100,
                },
            ),
            (
                "file:/tmp/struk.bin",
                PrinterUri::File {
                    path: "/tmp/struk.bin".into(),
                },
            ),
            (
                "file:relative name?.bin",
                PrinterUri::File {
                    path: "relative name?.bin".into(),
                },
            ),
            ("sim", PrinterUri::Sim),
            ("  sim  ", PrinterUri::Sim),
            ("sim:", PrinterUri::Sim),
        ];
        for (text, want) in table {
            assert_eq!(&ok(text), want, "{text}");
        }
    }

    #[test]
    fn bad_addresses() {
        let table: &[(&str, HardwareError)] = &[
            ("", HardwareError::EmptyUri),
            ("   ", HardwareError::EmptyUri),
            (
                "lpt:/dev/lp0",
                HardwareError::UnknownScheme {
                    scheme: "lpt".into(),
                },
            ),
            (
                "/dev/ttyUSB0",
                HardwareError::UnknownScheme {
                    scheme: "/dev/ttyUSB0".into(),
                },
            ),
            (
                "serial:",
                HardwareError::MissingPath {
                    scheme: "serial".into(),
                },
            ),
            (
                "serial:?baud=9600",
                HardwareError::MissingPath {
                    scheme: "serial".into(),
                },
            ),
            (
                "serial:/dev/ttyUSB0?baud=fast",
                HardwareError::BadBaud {
                    value: "fast".into(),
                },
            ),
            (
                "serial:/dev/ttyUSB0?baud=96000",
                HardwareError::BadBaud {
                    value: "96000".into(),
                },
            ),
            (
                "serial:/dev/ttyUSB0?baud=",
                HardwareError::BadBaud { value: "".into() },
            ),
            (
                "serial:/dev/ttyUSB0?flow=maybe",
                HardwareError::BadFlow {
                    value: "maybe".into(),
                },
            ),
            (
                "serial:/dev/ttyUSB0?parity=even",
                HardwareError::UnknownOption {
                    option: "parity=even".into(),
                },
            ),
            (
                "usb:",
                HardwareError::MissingPath {
                    scheme: "usb".into(),
                },
            ),
            (
                "file:",
                HardwareError::MissingPath {
                    scheme: "file".into(),
                },
            ),
            ("tcp:", HardwareError::MissingHost),
            ("tcp::9100", HardwareError::MissingHost),
            ("tcp:host:0", HardwareError::BadPort { value: "0".into() }),
            (
                "tcp:host:70000",
                HardwareError::BadPort {
                    value: "70000".into(),
                },
            ),
            ("tcp:host:", HardwareError::BadPort { value: "".into() }),
            (
                "tcp:::1",
                HardwareError::BadHost {
                    value: "::1".into(),
                },
            ),
            (
                "tcp:[nothex]:9100",
                HardwareError::BadHost {
                    value: "nothex".into(),
                },
            ),
            (
                "tcp:bad host:9100",
                HardwareError::BadHost {
                    value: "bad host".into(),
                },
            ),
            (
                "file:a\u{80}b",
                HardwareError::BadPath {
                    path: "a\\u{80}b".into(),
                },
            ),
            (
                "sim:extra",
                HardwareError::UnknownOption {
                    option: "extra".into(),
                },
            ),
        ];
        for (text, want) in table {
            assert_eq!(&err(text), want, "{text}");
        }
    }

    #[test]
    fn display_is_canonical_and_round_trips() {
        let table = [
            ("serial:/dev/ttyUSB0", "serial:/dev/ttyUSB0?baud=9600"),
            (
                "serial:/dev/ttyUSB0?flow=hw&baud=38400",
                "serial:/dev/ttyUSB0?baud=38400&flow=hw",
            ),
            ("usb:/dev/usb/lp0", "usb:/dev/usb/lp0"),
            ("tcp:printer.local", "tcp:printer.local:9100"),
            ("tcp://10.0.0.9:9100", "tcp:10.0.0.9:9100"),
            ("tcp:[::1]", "tcp:[::1]:9100"),
            ("file:/tmp/x.bin", "file:/tmp/x.bin"),
            ("SIM", "sim"),
        ];
        for (text, canonical) in table {
            let u = ok(text);
            assert_eq!(u.to_string(), canonical);
            assert_eq!(ok(&u.to_string()), u);
        }
    }

    #[test]
    fn messages_are_plain_english() {
        assert_eq!(
            err("serial:/dev/ttyUSB0?baud=fast").to_string(),
            "'fast' is not a supported baud rate (use 9600, 19200, 38400, 57600 or 115200)"
        );
        assert!(err("lpt:x")
            .to_string()
            .contains("unknown printer type 'lpt'"));
    }

    #[test]
    fn long_garbage_is_shortened_in_messages() {
        let long = "x".repeat(5000);
        match err(&long) {
            HardwareError::UnknownScheme { scheme } => assert!(scheme.chars().count() <= 41),
            other => panic!("unexpected {other:?}"),
        }
    }
}
