//! A TCP proxy in front of the throwaway PostgreSQL that loses what a bad village link
//! loses: it resets connections, delays the server's replies, and cuts a connection after
//! forwarding the client's bytes (so a call is done but its answer never arrives). Each new
//! connection draws its fault from a seeded generator while the proxy is faulty. Shared by
//! the tills' push (`sync_faults`) and the coops' relay to the district (`district_relay`).

use crate::common::Rng;

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

/// What the proxy does to one connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Fault {
    /// Forward both ways untouched.
    Pass,
    /// Close the till's connection at once.
    Reset,
    /// Forward the till's bytes; drop the server's `n`th reply chunk and everything after,
    /// then close both sides: with `n` = 3 the push is stored and its answer lost.
    CutReply(u32),
    /// Forward both ways, each server chunk `ms` late.
    Slow(u64),
}

impl Fault {
    /// A fault for a new connection; a cut falls on one of its first `longest_cut` replies.
    fn draw(rng: &mut Rng, longest_cut: u32) -> Fault {
        match rng.below(4) {
            0 => Fault::Pass,
            1 => Fault::Reset,
            // A till's connection gets three replies: the login, the prepared push, and the
            // push's answer (stored by then). Most cuts lose that answer.
            2 if longest_cut == 3 => Fault::CutReply(match rng.below(10) {
                0 => 1,
                1 | 2 => 2,
                _ => 3,
            }),
            // A connection with more calls (the relay: what the district holds, then batch
            // after batch): any of its replies.
            2 => Fault::CutReply(1 + rng.below(u64::from(longest_cut)) as u32),
            _ => Fault::Slow(rng.below(60)),
        }
    }
}

/// A TCP proxy on 127.0.0.1 in front of PostgreSQL. While `faulty`, every new connection
/// draws its fault from the seeded generator; otherwise it passes, or takes the fault
/// [`FaultProxy::force`]d on every connection.
pub(crate) struct FaultProxy {
    pub(crate) port: u16,
    faulty: Arc<AtomicBool>,
    forced: Arc<Mutex<Option<Fault>>>,
    stop: Arc<AtomicBool>,
    pub(crate) drawn: Arc<Mutex<Vec<Fault>>>,
}

impl FaultProxy {
    /// A proxy for tills' pushes: a cut falls on one of a connection's first three replies.
    pub(crate) fn start(upstream: u16, seed: u64) -> FaultProxy {
        FaultProxy::start_cutting(upstream, seed, 3)
    }

    /// A proxy whose cuts fall on one of a connection's first `longest_cut` replies.
    pub(crate) fn start_cutting(upstream: u16, seed: u64, longest_cut: u32) -> FaultProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let port = listener.local_addr().unwrap().port();
        let faulty = Arc::new(AtomicBool::new(false));
        let stop = Arc::new(AtomicBool::new(false));
        let drawn = Arc::new(Mutex::new(Vec::new()));
        let forced = Arc::new(Mutex::new(None));
        let (f, s, d, o) = (faulty.clone(), stop.clone(), drawn.clone(), forced.clone());
        thread::spawn(move || {
            let mut rng = Rng(seed);
            for conn in listener.incoming() {
                if s.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(client) = conn else { continue };
                let forced: Option<Fault> = *o.lock().unwrap();
                let fault = match forced {
                    Some(fault) => fault,
                    None if f.load(Ordering::SeqCst) => Fault::draw(&mut rng, longest_cut),
                    None => Fault::Pass,
                };
                d.lock().unwrap().push(fault);
                thread::spawn(move || relay(client, upstream, fault));
            }
        });
        FaultProxy {
            port,
            faulty,
            forced,
            stop,
            drawn,
        }
    }

    pub(crate) fn set_faulty(&self, on: bool) {
        self.faulty.store(on, Ordering::SeqCst);
    }

    /// Give every new connection `fault` (none: back to drawing, or passing).
    pub(crate) fn force(&self, fault: Option<Fault>) {
        *self.forced.lock().unwrap() = fault;
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

fn relay(client: TcpStream, upstream: u16, fault: Fault) {
    if fault == Fault::Reset {
        let _ = client.shutdown(Shutdown::Both);
        return;
    }
    let Ok(server) = TcpStream::connect(("127.0.0.1", upstream)) else {
        let _ = client.shutdown(Shutdown::Both);
        return;
    };
    let (Ok(mut from_client), Ok(mut to_server)) = (client.try_clone(), server.try_clone()) else {
        return;
    };
    let up = thread::spawn(move || {
        let mut buf = [0u8; 16384];
        loop {
            match from_client.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if to_server.write_all(&buf[..n]).is_err() {
                        break;
                    }
                }
            }
        }
        let _ = to_server.shutdown(Shutdown::Both);
        let _ = from_client.shutdown(Shutdown::Both);
    });
    let (mut from_server, mut to_client) = (server, client);
    let mut buf = [0u8; 16384];
    let mut chunks = 0u32;
    loop {
        match from_server.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => {
                chunks += 1;
                match fault {
                    Fault::CutReply(k) if chunks >= k => break,
                    Fault::Slow(ms) => thread::sleep(Duration::from_millis(ms)),
                    _ => {}
                }
                if to_client.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
        }
    }
    let _ = to_client.shutdown(Shutdown::Both);
    let _ = from_server.shutdown(Shutdown::Both);
    let _ = up.join();
}

/// Point a joined shop's credentials at `port` (the proxy) instead of the server's own.
pub(crate) fn route_through(db: &Path, port: u16) {
    route_file(&PathBuf::from(format!("{}.sync.json", db.display())), port);
}

/// Point the credentials kept in `file` (a till's or a coop's district credentials) at
/// `port` instead of the server's own.
pub(crate) fn route_file(file: &Path, port: u16) {
    let mut creds: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    creds["port"] = port.into();
    std::fs::write(file, creds.to_string()).unwrap();
}
