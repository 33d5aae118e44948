//! The one error type of this crate.
//!
//! Every variant names a situation the till can explain to a cashier; the root crate
//! translates by variant (the English text here is for logs and the CLI in `--lang en`).

use std::io;

/// Everything that can go wrong while parsing a printer address or talking to a device.
///
/// Variants carry plain strings (not `io::Error`) so the error is `Clone` and comparable in
/// tests, and can be stored in a print-queue row as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HardwareError {
    // ---- printer address (URI) problems ----
    /// The printer address is empty.
    #[error("the printer address is empty (examples: serial:/dev/ttyUSB0?baud=9600, usb:/dev/usb/lp0, tcp:192.168.1.50:9100, file:/tmp/receipt.bin, sim)")]
    EmptyUri,
    /// The part before the first ':' is not a known printer type.
    #[error("unknown printer type '{scheme}' (use serial:, usb:, tcp:, file: or sim)")]
    UnknownScheme {
        /// What was written before the ':' (shortened if very long).
        scheme: String,
    },
    /// `serial:`, `usb:` or `file:` without a path.
    #[error("the printer address '{scheme}:' needs a device or file path after the ':'")]
    MissingPath {
        /// The scheme that lacks its path.
        scheme: String,
    },
    /// A path with control characters in it.
    #[error("the path '{path}' contains control characters")]
    BadPath {
        /// The offending path (control characters escaped).
        path: String,
    },
    /// `baud=` is not a number or not a supported serial speed.
    #[error("'{value}' is not a supported baud rate (use 9600, 19200, 38400, 57600 or 115200)")]
    BadBaud {
        /// The text after `baud=`.
        value: String,
    },
    /// `flow=` is not none, hw or sw.
    #[error("'{value}' is not a flow control setting (use none, hw or sw)")]
    BadFlow {
        /// The text after `flow=`.
        value: String,
    },
    /// An option in the `?key=value` part that this printer type does not know.
    #[error("unknown printer option '{option}'")]
    UnknownOption {
        /// The option as written.
        option: String,
    },
    /// `tcp:` without a host.
    #[error(
        "a network printer address needs a host name or IP address, e.g. tcp:192.168.1.50:9100"
    )]
    MissingHost,
    /// A host that cannot be a host name or IP address.
    #[error("'{value}' is not a valid host name or IP address (put IPv6 addresses in brackets: tcp:[::1]:9100)")]
    BadHost {
        /// The host part as written.
        value: String,
    },
    /// The TCP port is not a number from 1 to 65535.
    #[error("'{value}' is not a valid TCP port (1 to 65535)")]
    BadPort {
        /// The port part as written.
        value: String,
    },

    // ---- opening a device ----
    /// The device file does not exist (unplugged, wrong path).
    #[error("device {device} was not found (is it plugged in and switched on?)")]
    DeviceNotFound {
        /// Path or name of the device.
        device: String,
    },
    /// The operating system refused access to the device.
    #[error("permission denied for {device} (add the till user to the 'dialout' and 'lp' groups)")]
    PermissionDenied {
        /// Path or name of the device.
        device: String,
    },
    /// Another program holds the device.
    #[error("device {device} is in use by another program")]
    Busy {
        /// Path or name of the device.
        device: String,
    },
    /// Opening failed for another reason.
    #[error("could not open {device}: {reason}")]
    Open {
        /// Path or name of the device.
        device: String,
        /// The operating system's words.
        reason: String,
    },
    /// A network printer could not be reached (refused, unreachable, name not found).
    #[error("could not connect to printer at {target}: {reason}")]
    Connection {
        /// `host:port`.
        target: String,
        /// Why, in plain words.
        reason: String,
    },

    // ---- talking to a device ----
    /// The device did not accept data (or answer) in time.
    #[error("{device} did not respond in time")]
    Timeout {
        /// Transport name.
        device: String,
    },
    /// The device went away while in use (unplugged, connection closed).
    #[error("{device} was disconnected")]
    Disconnected {
        /// Transport name.
        device: String,
    },
    /// Any other I/O failure.
    #[error("input/output error on {device}: {reason}")]
    Io {
        /// Transport name.
        device: String,
        /// The operating system's words.
        reason: String,
    },

    // ---- what the printer says about itself ----
    /// The printer reports that its paper roll is empty.
    #[error("the printer is out of paper")]
    PaperOut,
    /// The printer reports that its cover is open.
    #[error("the printer cover is open")]
    CoverOpen,
    /// The printer is offline or does not answer a status request.
    #[error("the printer is offline or not answering")]
    Offline,
    /// The printer reports an error (cutter jam, overheating, …).
    #[error(
        "the printer reports an error (paper jam, cutter or overheating); switch it off and on"
    )]
    PrinterFault,
}

impl HardwareError {
    /// True for faults a cashier can fix at the printer (paper, cover, power, cable), after
    /// which the same job can simply be sent again.
    pub fn is_printer_condition(&self) -> bool {
        matches!(
            self,
            HardwareError::PaperOut
                | HardwareError::CoverOpen
                | HardwareError::Offline
                | HardwareError::PrinterFault
                | HardwareError::Timeout { .. }
                | HardwareError::Disconnected { .. }
                | HardwareError::DeviceNotFound { .. }
                | HardwareError::Connection { .. }
        )
    }

    /// True for errors in the printer address itself (fix the setting, not the printer).
    pub fn is_bad_uri(&self) -> bool {
        matches!(
            self,
            HardwareError::EmptyUri
                | HardwareError::UnknownScheme { .. }
                | HardwareError::MissingPath { .. }
                | HardwareError::BadPath { .. }
                | HardwareError::BadBaud { .. }
                | HardwareError::BadFlow { .. }
                | HardwareError::UnknownOption { .. }
                | HardwareError::MissingHost
                | HardwareError::BadHost { .. }
                | HardwareError::BadPort { .. }
        )
    }
}

// errno values shared by Linux, the BSDs and macOS.
const EIO: i32 = 5;
const ENXIO: i32 = 6;
const EBUSY: i32 = 16;
const ENODEV: i32 = 19;

/// Map an I/O error that happened while *opening* `device`.
pub(crate) fn open_error(device: &str, e: &io::Error) -> HardwareError {
    let device = device.to_string();
    match e.raw_os_error() {
        Some(EBUSY) => return HardwareError::Busy { device },
        Some(ENXIO) | Some(ENODEV) => return HardwareError::DeviceNotFound { device },
        _ => {}
    }
    match e.kind() {
        io::ErrorKind::NotFound => HardwareError::DeviceNotFound { device },
        io::ErrorKind::PermissionDenied => HardwareError::PermissionDenied { device },
        io::ErrorKind::ResourceBusy => HardwareError::Busy { device },
        _ => HardwareError::Open {
            device,
            reason: e.to_string(),
        },
    }
}

/// Map an I/O error that happened while *using* an open device.
pub(crate) fn io_error(device: &str, e: &io::Error) -> HardwareError {
    let device = device.to_string();
    match e.raw_os_error() {
        Some(EIO) | Some(ENXIO) | Some(ENODEV) => return HardwareError::Disconnected { device },
        _ => {}
    }
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => HardwareError::Timeout { device },
        io::ErrorKind::BrokenPipe
        | io::ErrorKind::ConnectionReset
        | io::ErrorKind::ConnectionAborted
        | io::ErrorKind::NotConnected
        | io::ErrorKind::UnexpectedEof
        | io::ErrorKind::NotFound => HardwareError::Disconnected { device },
        io::ErrorKind::PermissionDenied => HardwareError::PermissionDenied { device },
        _ => HardwareError::Io {
            device,
            reason: e.to_string(),
        },
    }
}

/// Map a `serialport` error raised while opening `device`.
pub(crate) fn serial_open_error(device: &str, e: &serialport::Error) -> HardwareError {
    match e.kind() {
        serialport::ErrorKind::NoDevice => HardwareError::DeviceNotFound {
            device: device.to_string(),
        },
        serialport::ErrorKind::Io(kind) => open_error(device, &io::Error::new(kind, e.to_string())),
        serialport::ErrorKind::InvalidInput | serialport::ErrorKind::Unknown => {
            // serialport turns errno into Unknown/NoDevice/Io; look at the text for the rest.
            let text = e.to_string();
            let lower = text.to_ascii_lowercase();
            if lower.contains("busy") {
                HardwareError::Busy {
                    device: device.to_string(),
                }
            } else if lower.contains("permission") {
                HardwareError::PermissionDenied {
                    device: device.to_string(),
                }
            } else {
                HardwareError::Open {
                    device: device.to_string(),
                    reason: text,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_errors_map_to_meaningful_variants() {
        let d = "x";
        let e = |k| io::Error::new(k, "boom");
        assert_eq!(
            io_error(d, &e(io::ErrorKind::TimedOut)),
            HardwareError::Timeout { device: d.into() }
        );
        assert_eq!(
            io_error(d, &e(io::ErrorKind::BrokenPipe)),
            HardwareError::Disconnected { device: d.into() }
        );
        assert_eq!(
            io_error(d, &io::Error::from_raw_os_error(EIO)),
            HardwareError::Disconnected { device: d.into() }
        );
        assert_eq!(
            open_error(d, &e(io::ErrorKind::NotFound)),
            HardwareError::DeviceNotFound { device: d.into() }
        );
        assert_eq!(
            open_error(d, &io::Error::from_raw_os_error(EBUSY)),
            HardwareError::Busy { device: d.into() }
        );
        assert_eq!(
            open_error(d, &e(io::ErrorKind::PermissionDenied)),
            HardwareError::PermissionDenied { device: d.into() }
        );
    }

    #[test]
    fn classification_helpers() {
        assert!(HardwareError::PaperOut.is_printer_condition());
        assert!(!HardwareError::PaperOut.is_bad_uri());
        assert!(HardwareError::MissingHost.is_bad_uri());
    }
}
