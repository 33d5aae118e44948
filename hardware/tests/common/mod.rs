//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use kasir_hardware::{HardwareError, Transport};

/// A two-way transport that records every `write_all` call and answers DLE EOT requests
/// from a script.
#[derive(Default)]
pub struct Recorder {
    pub log: std::sync::Arc<Mutex<Vec<Vec<u8>>>>,
    pub answers: Vec<(u8, u8)>,
    pub pending: std::collections::VecDeque<u8>,
    pub two_way: bool,
}

impl Recorder {
    pub fn two_way(answers: &[(u8, u8)]) -> Self {
        Recorder {
            answers: answers.to_vec(),
            two_way: true,
            ..Recorder::default()
        }
    }

    /// Every `write_all` call so far, one entry each.
    pub fn writes(&self) -> Vec<Vec<u8>> {
        self.log.lock().unwrap().clone()
    }
}

impl Transport for Recorder {
    fn name(&self) -> String {
        "recorder".into()
    }
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), HardwareError> {
        if let [0x10, 0x04, n] = bytes {
            if let Some((_, reply)) = self.answers.iter().find(|(req, _)| req == n) {
                self.pending.push_back(*reply);
            }
        }
        self.log.lock().unwrap().push(bytes.to_vec());
        Ok(())
    }
    fn read(&mut self, buf: &mut [u8], _timeout: Duration) -> Result<usize, HardwareError> {
        match (buf.first_mut(), self.pending.pop_front()) {
            (Some(slot), Some(b)) => {
                *slot = b;
                Ok(1)
            }
            _ => Ok(0),
        }
    }
    fn flush(&mut self) -> Result<(), HardwareError> {
        Ok(())
    }
    fn two_way(&self) -> bool {
        self.two_way
    }
}

/// Serialises the tests of one binary that create pseudo-terminals.
pub fn pty_lock() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|p| p.into_inner())
}

/// A pseudo-terminal pair `(master, slave, slave_path)`, or `None` (test skipped) where the
/// platform has none. With `KASIR_CI=1` a missing pty fails the test instead.
pub fn pty_pair() -> Option<(serialport::TTYPort, serialport::TTYPort, String)> {
    match serialport::TTYPort::pair() {
        Ok((master, slave)) => {
            let path = serialport::SerialPort::name(&slave).expect("pty slave has a name");
            Some((master, slave, path))
        }
        Err(e) => {
            if std::env::var("KASIR_CI").as_deref() == Ok("1") {
                panic!("no pseudo-terminal available under KASIR_CI=1: {e}");
            }
            eprintln!("SKIP: no pseudo-terminal available ({e})");
            None
        }
    }
}

/// Read from `port` until `want` bytes came or `timeout` passed.
pub fn read_exact_within(port: &mut dyn std::io::Read, want: usize, timeout: Duration) -> Vec<u8> {
    let deadline = std::time::Instant::now() + timeout;
    let mut got = Vec::new();
    let mut buf = [0u8; 4096];
    while got.len() < want && std::time::Instant::now() < deadline {
        match port.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => panic!("read failed: {e}"),
        }
    }
    got
}
