//! `kasir devices list`: serial ports and USB printers present on this machine.

use std::path::Path;

use crate::uri::DEFAULT_BAUD;

/// What kind of device a path is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeviceKind {
    /// A built-in or PCI serial port (`/dev/ttyS*`).
    SerialPort,
    /// A USB-serial adapter (`/dev/ttyUSB*`): printer or scanner.
    UsbSerial,
    /// A USB CDC-ACM device (`/dev/ttyACM*`): usually a barcode scanner in serial mode.
    CdcAcm,
    /// A Bluetooth serial link (`/dev/rfcomm*`).
    Bluetooth,
    /// A USB printer-class device (`/dev/usb/lp*`).
    UsbPrinter,
}

/// One device found.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DeviceInfo {
    /// Device path.
    pub path: String,
    /// Kind.
    pub kind: DeviceKind,
    /// Plain-English description (with USB product name when known).
    pub description: String,
    /// A printer address to try, e.g. `serial:/dev/ttyUSB0?baud=9600`.
    pub suggested_uri: String,
}

fn kind_of(path: &str) -> DeviceKind {
    let name = path.rsplit('/').next().unwrap_or(path);
    if name.starts_with("ttyACM") {
        DeviceKind::CdcAcm
    } else if name.starts_with("ttyUSB") {
        DeviceKind::UsbSerial
    } else if name.starts_with("rfcomm") {
        DeviceKind::Bluetooth
    } else if path.starts_with("/dev/usb/lp") {
        DeviceKind::UsbPrinter
    } else {
        DeviceKind::SerialPort
    }
}

fn describe(path: &str, kind: DeviceKind, product: Option<String>) -> DeviceInfo {
    let base = match kind {
        DeviceKind::SerialPort => "serial port",
        DeviceKind::UsbSerial => "USB serial adapter (printer or scanner)",
        DeviceKind::CdcAcm => "USB CDC-ACM device (usually a barcode scanner)",
        DeviceKind::Bluetooth => "Bluetooth serial link",
        DeviceKind::UsbPrinter => "USB printer",
    };
    let description = match product {
        Some(p) if !p.trim().is_empty() => format!("{base}: {}", p.trim()),
        _ => base.to_string(),
    };
    let suggested_uri = match kind {
        DeviceKind::UsbPrinter => format!("usb:{path}"),
        _ => format!("serial:{path}?baud={DEFAULT_BAUD}"),
    };
    DeviceInfo {
        path: path.to_string(),
        kind,
        description,
        suggested_uri,
    }
}

/// Built-in ports beyond ttyS3 are listed by the kernel whether or not anything is there.
fn is_phantom_ttys(path: &str) -> bool {
    path.strip_prefix("/dev/ttyS")
        .and_then(|n| n.parse::<u32>().ok())
        .is_some_and(|n| n > 3)
}

/// Ports that `serialport` reports, or `None` if it cannot tell.
fn enumerated_ports() -> Option<Vec<(String, Option<String>)>> {
    // Without libudev, serialport scans /sys/class/tty and panics if it is missing
    // (containers, chroots): check first.
    #[cfg(target_os = "linux")]
    if !Path::new("/sys/class/tty").is_dir() {
        return None;
    }
    let ports = serialport::available_ports().ok()?;
    Some(
        ports
            .into_iter()
            .map(|p| {
                let product = match p.port_type {
                    serialport::SerialPortType::UsbPort(usb) => {
                        let words: Vec<String> = [usb.manufacturer, usb.product]
                            .into_iter()
                            .flatten()
                            .collect();
                        let ids = format!("{:04x}:{:04x}", usb.vid, usb.pid);
                        Some(if words.is_empty() {
                            ids
                        } else {
                            format!("{} ({ids})", words.join(" "))
                        })
                    }
                    _ => None,
                };
                (p.port_name, product)
            })
            .collect(),
    )
}

/// Files in `dir` whose names start with one of `prefixes`, as full paths, sorted.
fn glob(dir: &str, prefixes: &[&str]) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| prefixes.iter().any(|p| name.starts_with(p)))
        .map(|name| format!("{}/{name}", dir.trim_end_matches('/')))
        .collect();
    out.sort();
    out
}

/// Serial ports (from `serialport`, falling back to `/dev/ttyUSB*`, `/dev/ttyACM*`,
/// `/dev/ttyS0`–`3`) and USB printers (`/dev/usb/lp*`), each with a suggested address.
/// Never fails: a machine with nothing attached gives an empty list.
pub fn list_devices() -> Vec<DeviceInfo> {
    let mut found: Vec<(String, Option<String>)> = Vec::new();
    let enumerated = enumerated_ports().unwrap_or_default();
    let fallback = enumerated.is_empty();
    for (path, product) in enumerated {
        if !is_phantom_ttys(&path) {
            found.push((path, product));
        }
    }
    // USB serial devices are cheap to find by name and sometimes missed in sysfs.
    for path in glob("/dev", &["ttyUSB", "ttyACM"]) {
        if !found.iter().any(|(p, _)| *p == path) {
            found.push((path, None));
        }
    }
    if fallback {
        for n in 0..4 {
            let path = format!("/dev/ttyS{n}");
            if Path::new(&path).exists() && !found.iter().any(|(p, _)| *p == path) {
                found.push((path, None));
            }
        }
    }
    for path in glob("/dev/usb", &["lp"]) {
        found.push((path, None));
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    found.dedup_by(|a, b| a.0 == b.0);
    found
        .into_iter()
        .map(|(path, product)| {
            let kind = kind_of(&path);
            describe(&path, kind, product)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_uris() {
        let d = describe("/dev/usb/lp0", kind_of("/dev/usb/lp0"), None);
        assert_eq!(d.kind, DeviceKind::UsbPrinter);
        assert_eq!(d.suggested_uri, "usb:/dev/usb/lp0");
        let d = describe(
            "/dev/ttyACM0",
            kind_of("/dev/ttyACM0"),
            Some("Honeywell".into()),
        );
        assert_eq!(d.kind, DeviceKind::CdcAcm);
        assert_eq!(d.suggested_uri, "serial:/dev/ttyACM0?baud=9600");
        assert!(d.description.ends_with("Honeywell"));
        assert_eq!(kind_of("/dev/ttyUSB3"), DeviceKind::UsbSerial);
        assert_eq!(kind_of("/dev/ttyS0"), DeviceKind::SerialPort);
        assert!(is_phantom_ttys("/dev/ttyS12"));
        assert!(!is_phantom_ttys("/dev/ttyS3"));
        assert!(!is_phantom_ttys("/dev/ttyUSB9"));
    }

    #[test]
    fn listing_never_panics_and_uris_parse() {
        for d in list_devices() {
            assert!(
                d.suggested_uri.parse::<crate::PrinterUri>().is_ok(),
                "{d:?}"
            );
        }
    }
}
