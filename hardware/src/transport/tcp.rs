//! `tcp:HOST:PORT` — a network printer on raw port 9100.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::Duration;

use super::Transport;
use crate::error::{io_error, HardwareError};

/// Time allowed for the TCP handshake.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// Time allowed for the printer to take written bytes.
pub const IO_TIMEOUT: Duration = Duration::from_secs(5);

/// A raw TCP connection to a network printer. Two-way: most network printers answer
/// DLE EOT on the same socket.
#[derive(Debug)]
pub struct TcpTransport {
    target: String,
    stream: TcpStream,
}

impl TcpTransport {
    /// Connect with the default timeouts (3 s to connect, 5 s per write).
    pub fn connect(host: &str, port: u16) -> Result<Self, HardwareError> {
        Self::connect_with(host, port, CONNECT_TIMEOUT, IO_TIMEOUT)
    }

    /// Connect with explicit timeouts.
    pub fn connect_with(
        host: &str,
        port: u16,
        connect_timeout: Duration,
        write_timeout: Duration,
    ) -> Result<Self, HardwareError> {
        let target = if host.contains(':') {
            format!("[{host}]:{port}")
        } else {
            format!("{host}:{port}")
        };
        let addrs: Vec<SocketAddr> = (host, port)
            .to_socket_addrs()
            .map_err(|e| HardwareError::Connection {
                target: target.clone(),
                reason: format!("the name could not be resolved ({e})"),
            })?
            .collect();
        if addrs.is_empty() {
            return Err(HardwareError::Connection {
                target,
                reason: "the name could not be resolved".into(),
            });
        }
        let connect_timeout = connect_timeout.max(Duration::from_millis(1));
        let mut last_reason = String::new();
        for addr in addrs {
            match TcpStream::connect_timeout(&addr, connect_timeout) {
                Ok(stream) => {
                    let write_timeout = Some(write_timeout.max(Duration::from_millis(1)));
                    let configured = stream
                        .set_write_timeout(write_timeout)
                        .and_then(|()| stream.set_nodelay(true));
                    if let Err(e) = configured {
                        last_reason = e.to_string();
                        continue;
                    }
                    return Ok(TcpTransport { target, stream });
                }
                Err(e) => {
                    last_reason = match e.kind() {
                        std::io::ErrorKind::ConnectionRefused => {
                            "connection refused (is the printer on and the port right?)".into()
                        }
                        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock => {
                            format!("no answer within {} s", connect_timeout.as_secs_f32())
                        }
                        _ => e.to_string(),
                    };
                }
            }
        }
        Err(HardwareError::Connection {
            target,
            reason: last_reason,
        })
    }
}

impl Transport for TcpTransport {
    fn name(&self) -> String {
        format!("tcp:{}", self.target)
    }

    fn write_all(&mut self, bytes: &[u8]) -> Result<(), HardwareError> {
        self.stream
            .write_all(bytes)
            .map_err(|e| io_error(&self.name(), &e))
    }

    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, HardwareError> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.stream
            .set_read_timeout(Some(timeout.max(Duration::from_millis(1))))
            .map_err(|e| io_error(&self.name(), &e))?;
        match self.stream.read(buf) {
            Ok(0) => Err(HardwareError::Disconnected {
                device: self.name(),
            }),
            Ok(n) => Ok(n),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                Ok(0)
            }
            Err(e) => Err(io_error(&self.name(), &e)),
        }
    }

    fn flush(&mut self) -> Result<(), HardwareError> {
        self.stream.flush().map_err(|e| io_error(&self.name(), &e))
    }

    fn two_way(&self) -> bool {
        true
    }
}
