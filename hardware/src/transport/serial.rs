//! `serial:/dev/ttyUSB0?baud=9600` — RS-232 and USB-serial printers (8N1).

use std::io::{Read, Write};
use std::time::{Duration, Instant};

use super::{deadline_after, nap, Transport, DEFAULT_WRITE_TIMEOUT};
use crate::error::{io_error, serial_open_error, HardwareError};
use crate::uri::FlowControl;

/// A serial port. Two-way: ESC/POS printers answer DLE EOT on the RX line.
pub struct SerialTransport {
    path: String,
    port: Box<dyn serialport::SerialPort>,
    write_timeout: Duration,
}

impl std::fmt::Debug for SerialTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SerialTransport")
            .field("path", &self.path)
            .field("write_timeout", &self.write_timeout)
            .finish_non_exhaustive()
    }
}

impl SerialTransport {
    /// Open `path` at `baud`, 8 data bits, no parity, 1 stop bit, with a 5 s write timeout.
    pub fn open(path: &str, baud: u32, flow: FlowControl) -> Result<Self, HardwareError> {
        Self::open_with_timeout(path, baud, flow, DEFAULT_WRITE_TIMEOUT)
    }

    /// Like [`SerialTransport::open`] with an explicit write timeout.
    pub fn open_with_timeout(
        path: &str,
        baud: u32,
        flow: FlowControl,
        write_timeout: Duration,
    ) -> Result<Self, HardwareError> {
        let write_timeout = write_timeout.max(Duration::from_millis(1));
        let port = serialport::new(path, baud)
            .data_bits(serialport::DataBits::Eight)
            .parity(serialport::Parity::None)
            .stop_bits(serialport::StopBits::One)
            .flow_control(flow.into())
            .timeout(write_timeout)
            .open()
            .map_err(|e| serial_open_error(path, &e))?;
        Ok(SerialTransport {
            path: path.to_string(),
            port,
            write_timeout,
        })
    }
}

impl Transport for SerialTransport {
    fn name(&self) -> String {
        format!("serial:{}", self.path)
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), HardwareError> {
        let name = self.name();
        self.port
            .set_timeout(self.write_timeout)
            .map_err(|e| HardwareError::Io {
                device: name.clone(),
                reason: e.to_string(),
            })?;
        self.port.write_all(bytes).map_err(|e| io_error(&name, &e))
    }

    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, HardwareError> {
        if buf.is_empty() {
            return Ok(0);
        }
        let name = self.name();
        self.port
            .set_timeout(timeout.max(Duration::from_millis(1)))
            .map_err(|e| HardwareError::Io {
                device: name.clone(),
                reason: e.to_string(),
            })?;
        match self.port.read(buf) {
            // A tty that polls readable and then reads nothing has hung up.
            Ok(0) => Err(HardwareError::Disconnected { device: name }),
            Ok(n) => Ok(n),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                Ok(0)
            }
            Err(e) => Err(io_error(&name, &e)),
        }
    }

    /// Wait (at most the write timeout) until the kernel's output queue is empty.
    ///
    /// This polls TIOCOUTQ instead of calling `tcdrain`, which can block forever when a
    /// printer holds CTS low.
    fn flush(&mut self) -> Result<(), HardwareError> {
        let deadline = deadline_after(self.write_timeout);
        loop {
            match self.port.bytes_to_write() {
                Ok(0) => return Ok(()),
                Ok(_) => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(HardwareError::Timeout {
                            device: self.name(),
                        });
                    }
                    nap(deadline - now, Duration::from_millis(10));
                }
                // Not every driver reports its queue; the bytes are with the kernel anyway.
                Err(_) => return Ok(()),
            }
        }
    }

    fn two_way(&self) -> bool {
        true
    }
}
