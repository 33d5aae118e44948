//! Our transports as an `escpos::driver::Driver`, so one connection serves both
//! `escpos::printer::Printer` and raw status queries.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use escpos::errors::PrinterError;

use super::Transport;
use crate::error::HardwareError;

/// How long `Driver::read` waits for the printer.
pub const DRIVER_READ_TIMEOUT: Duration = Duration::from_secs(1);

/// Wraps a `Box<dyn Transport>` for `escpos`. Clones share the same connection.
///
/// ```
/// use kasir_hardware::{EscposDriver, SimPrinterHandle};
/// use escpos::{printer::Printer, utils::Protocol};
///
/// let sim = SimPrinterHandle::new();
/// let driver = EscposDriver::new(Box::new(sim.transport()));
/// let mut printer = Printer::new(driver.clone(), Protocol::default(), None);
/// printer.init().and_then(|p| p.writeln("Terima kasih")).and_then(|p| p.print()).ok();
/// let status = driver.with_transport(|t| {
///     kasir_hardware::query_status(t, std::time::Duration::from_millis(200))
/// });
/// assert!(status.is_ok());
/// assert!(sim.output().windows(12).any(|w| w == b"Terima kasih"));
/// ```
#[derive(Clone)]
pub struct EscposDriver {
    inner: Arc<Mutex<Box<dyn Transport>>>,
    read_timeout: Duration,
}

impl std::fmt::Debug for EscposDriver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EscposDriver")
            .field("transport", &self.lock().name())
            .finish()
    }
}

impl EscposDriver {
    /// Wrap `transport`.
    pub fn new(transport: Box<dyn Transport>) -> Self {
        EscposDriver {
            inner: Arc::new(Mutex::new(transport)),
            read_timeout: DRIVER_READ_TIMEOUT,
        }
    }

    /// Change how long `Driver::read` waits.
    pub fn with_read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }

    fn lock(&self) -> MutexGuard<'_, Box<dyn Transport>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Use the underlying transport directly (status query, drawer kick, raw job).
    pub fn with_transport<R>(&self, f: impl FnOnce(&mut dyn Transport) -> R) -> R {
        let mut guard = self.lock();
        f(&mut **guard)
    }

    /// Take the transport back; fails (returning `self`) while clones are alive.
    pub fn into_inner(self) -> Result<Box<dyn Transport>, Self> {
        let read_timeout = self.read_timeout;
        match Arc::try_unwrap(self.inner) {
            Ok(m) => Ok(m.into_inner().unwrap_or_else(|p| p.into_inner())),
            Err(inner) => Err(EscposDriver {
                inner,
                read_timeout,
            }),
        }
    }
}

fn to_printer_error(e: HardwareError) -> PrinterError {
    PrinterError::Io(e.to_string())
}

impl escpos::driver::Driver for EscposDriver {
    fn name(&self) -> String {
        self.lock().name()
    }

    fn write(&self, data: &[u8]) -> escpos::errors::Result<()> {
        self.lock().write_all(data).map_err(to_printer_error)
    }

    fn read(&self, buf: &mut [u8]) -> escpos::errors::Result<usize> {
        let timeout = self.read_timeout;
        self.lock().read(buf, timeout).map_err(to_printer_error)
    }

    fn flush(&self) -> escpos::errors::Result<()> {
        self.lock().flush().map_err(to_printer_error)
    }
}
