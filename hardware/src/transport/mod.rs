//! Byte pipes to printers: serial, USB printer class, TCP, file and the simulator.

use std::time::{Duration, Instant};

use crate::error::HardwareError;
use crate::uri::PrinterUri;

mod escpos_driver;
mod file;
mod serial;
mod sim;
mod tcp;
mod usblp;

pub use escpos_driver::EscposDriver;
pub use file::FileTransport;
pub use serial::SerialTransport;
pub use sim::{sim_printer, SimPrinter, SimPrinterHandle, SimState};
pub use tcp::TcpTransport;
pub use usblp::UsbLpTransport;

/// Default time allowed for a device to accept written bytes before giving up.
pub const DEFAULT_WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// A connection to a printer (or anything else that takes bytes).
///
/// Contract for implementations:
/// * nothing blocks forever: writes give up with [`HardwareError::Timeout`], reads wait at
///   most `timeout`;
/// * `read` returns `Ok(0)` when nothing arrived within `timeout` (or at once on a one-way
///   transport), and an error only for a real fault such as a disconnect;
/// * nothing panics.
pub trait Transport: Send {
    /// A human-readable name for messages and logs, e.g. `serial:/dev/ttyUSB0`.
    fn name(&self) -> String;
    /// Write all of `bytes` or fail.
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), HardwareError>;
    /// Read what the device sent, waiting at most `timeout`; `Ok(0)` means nothing came.
    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, HardwareError>;
    /// Push buffered bytes out to the device.
    fn flush(&mut self) -> Result<(), HardwareError>;
    /// Whether the device can answer (status queries make sense).
    fn two_way(&self) -> bool;
}

impl<T: Transport + ?Sized> Transport for Box<T> {
    fn name(&self) -> String {
        (**self).name()
    }
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), HardwareError> {
        (**self).write_all(bytes)
    }
    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, HardwareError> {
        (**self).read(buf, timeout)
    }
    fn flush(&mut self) -> Result<(), HardwareError> {
        (**self).flush()
    }
    fn two_way(&self) -> bool {
        (**self).two_way()
    }
}

/// Open the printer at `uri`.
///
/// `sim` opens the process-wide simulated printer returned by [`sim_printer`], so the demo
/// till and the CLI's `--printer sim` print to the same place.
pub fn open(uri: &PrinterUri) -> Result<Box<dyn Transport>, HardwareError> {
    let t: Box<dyn Transport> = match uri {
        PrinterUri::Serial { path, baud, flow } => {
            Box::new(SerialTransport::open(path, *baud, *flow)?)
        }
        PrinterUri::Usb { path } => Box::new(UsbLpTransport::open(path)?),
        PrinterUri::Tcp { host, port } => Box::new(TcpTransport::connect(host, *port)?),
        PrinterUri::File { path } => Box::new(FileTransport::open(path)?),
        PrinterUri::Sim => Box::new(sim_printer().transport()),
    };
    tracing::debug!(printer = %t.name(), two_way = t.two_way(), "printer opened");
    Ok(t)
}

/// `now + d`, saturating (a caller passing `Duration::MAX` must not make us panic).
pub(crate) fn deadline_after(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d)
        .or_else(|| now.checked_add(Duration::from_secs(86_400 * 365)))
        .unwrap_or(now)
}

/// Sleep for `d`, but never less than a millisecond and never more than `cap`.
pub(crate) fn nap(d: Duration, cap: Duration) {
    std::thread::sleep(d.clamp(Duration::from_millis(1), cap));
}
