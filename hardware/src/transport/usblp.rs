//! `usb:/dev/usb/lp0` — a USB printer-class device driven by the kernel's usblp driver.
//!
//! The device is opened non-blocking so that a printer that stops taking data (paper out,
//! cable pulled) gives a timeout instead of hanging the till: usblp returns `EAGAIN` while
//! the previous block is still in flight, and we retry until the write timeout.
//! Reading is only possible when the printer has a bulk-IN endpoint (usblp says
//! "Bidirectional"); for a one-way printer `read()` fails with `EINVAL`, which is how
//! [`UsbLpTransport::two_way`] is detected at open time.

use std::fs::{File, OpenOptions};
use std::io::{ErrorKind, Read, Write};
use std::time::{Duration, Instant};

use super::{deadline_after, nap, Transport, DEFAULT_WRITE_TIMEOUT};
use crate::error::{io_error, open_error, HardwareError};

/// `O_NONBLOCK` on Linux for the architectures a till runs on (std has no constant for it
/// and this crate takes no libc dependency). Elsewhere the device is opened blocking and
/// treated as one-way.
#[cfg(all(
    target_os = "linux",
    any(
        target_arch = "x86",
        target_arch = "x86_64",
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "riscv64",
        target_arch = "loongarch64",
        target_arch = "s390x",
        target_arch = "powerpc64"
    )
))]
const O_NONBLOCK: Option<i32> = Some(0o4000);
#[cfg(not(all(
    target_os = "linux",
    any(
        target_arch = "x86",
        target_arch = "x86_64",
        target_arch = "arm",
        target_arch = "aarch64",
        target_arch = "riscv64",
        target_arch = "loongarch64",
        target_arch = "s390x",
        target_arch = "powerpc64"
    )
)))]
const O_NONBLOCK: Option<i32> = None;

/// A `/dev/usb/lp*` device (also works on any character device or file for tests).
#[derive(Debug)]
pub struct UsbLpTransport {
    path: String,
    file: File,
    nonblocking: bool,
    two_way: bool,
    write_timeout: Duration,
}

impl UsbLpTransport {
    /// Open `path` for writing, and for reading when the printer supports it.
    pub fn open(path: &str) -> Result<Self, HardwareError> {
        Self::open_with_timeout(path, DEFAULT_WRITE_TIMEOUT)
    }

    /// Like [`UsbLpTransport::open`] with an explicit write timeout.
    pub fn open_with_timeout(path: &str, write_timeout: Duration) -> Result<Self, HardwareError> {
        let mut opts = OpenOptions::new();
        opts.read(true).write(true);
        if let Some(flag) = O_NONBLOCK {
            use std::os::unix::fs::OpenOptionsExt;
            opts.custom_flags(flag);
        }
        let (mut file, readable) = match opts.open(path) {
            Ok(f) => (f, true),
            // Some setups grant write-only access to the printer device.
            Err(e) if e.kind() == ErrorKind::PermissionDenied => {
                let mut wo = OpenOptions::new();
                wo.write(true);
                if let Some(flag) = O_NONBLOCK {
                    use std::os::unix::fs::OpenOptionsExt;
                    wo.custom_flags(flag);
                }
                (wo.open(path).map_err(|e| open_error(path, &e))?, false)
            }
            Err(e) => return Err(open_error(path, &e)),
        };
        let nonblocking = O_NONBLOCK.is_some();
        // Probe: a bidirectional usblp device with nothing to say answers EAGAIN; a
        // one-way one answers EINVAL; a regular file answers 0 (end of file).
        let two_way = readable
            && nonblocking
            && match file.read(&mut [0u8; 64]) {
                Ok(n) => n > 0,
                Err(e) => e.kind() == ErrorKind::WouldBlock,
            };
        Ok(UsbLpTransport {
            path: path.to_string(),
            file,
            nonblocking,
            two_way,
            write_timeout: write_timeout.max(Duration::from_millis(1)),
        })
    }
}

impl Transport for UsbLpTransport {
    fn name(&self) -> String {
        format!("usb:{}", self.path)
    }

    fn write_all(&mut self, mut bytes: &[u8]) -> Result<(), HardwareError> {
        let mut deadline = deadline_after(self.write_timeout);
        while !bytes.is_empty() {
            match self.file.write(bytes) {
                Ok(0) => {
                    return Err(HardwareError::Disconnected {
                        device: self.name(),
                    })
                }
                Ok(n) => {
                    bytes = bytes.get(n..).unwrap_or_default();
                    // Progress: the printer is taking data, give the next block full time.
                    deadline = deadline_after(self.write_timeout);
                }
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock && self.nonblocking => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Err(HardwareError::Timeout {
                            device: self.name(),
                        });
                    }
                    nap(deadline - now, Duration::from_millis(5));
                }
                Err(e) => return Err(io_error(&self.name(), &e)),
            }
        }
        Ok(())
    }

    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, HardwareError> {
        if !self.two_way || buf.is_empty() {
            return Ok(0);
        }
        let deadline = deadline_after(timeout);
        loop {
            match self.file.read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) if e.kind() == ErrorKind::WouldBlock => {
                    let now = Instant::now();
                    if now >= deadline {
                        return Ok(0);
                    }
                    nap(deadline - now, Duration::from_millis(5));
                }
                Err(e) => return Err(io_error(&self.name(), &e)),
            }
        }
    }

    fn flush(&mut self) -> Result<(), HardwareError> {
        // usblp does not buffer beyond the block in flight; nothing to do but std's flush.
        self.file.flush().map_err(|e| io_error(&self.name(), &e))
    }

    fn two_way(&self) -> bool {
        self.two_way
    }
}
