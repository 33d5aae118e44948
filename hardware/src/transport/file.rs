//! `file:PATH` — append the bytes to a file (preview printer, debugging).

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::time::Duration;

use super::Transport;
use crate::error::{io_error, open_error, HardwareError};

/// Appends everything written to a file. One-way: status is always unknown.
#[derive(Debug)]
pub struct FileTransport {
    path: String,
    file: File,
}

impl FileTransport {
    /// Open (create if needed) `path` for appending.
    pub fn open(path: &str) -> Result<Self, HardwareError> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|e| open_error(path, &e))?;
        Ok(FileTransport {
            path: path.to_string(),
            file,
        })
    }
}

impl Transport for FileTransport {
    fn name(&self) -> String {
        format!("file:{}", self.path)
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), HardwareError> {
        self.file
            .write_all(bytes)
            .map_err(|e| io_error(&self.name(), &e))
    }

    fn read(&mut self, _buf: &mut [u8], _timeout: Duration) -> Result<usize, HardwareError> {
        Ok(0)
    }

    fn flush(&mut self) -> Result<(), HardwareError> {
        self.file.flush().map_err(|e| io_error(&self.name(), &e))
    }

    fn two_way(&self) -> bool {
        false
    }
}
