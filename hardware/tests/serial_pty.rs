//! A pseudo-terminal pair as a serial printer: the till opens the slave with a `serial:`
//! address, the test plays the printer on the master.

mod common;

use std::io::{Read, Write};
use std::thread;
use std::time::{Duration, Instant};

use common::{pty_lock, pty_pair, read_exact_within};
use kasir_hardware::{
    kick_drawer, open, query_status, send_job, HardwareError, PrinterState, PrinterUri, Transport,
};
use serialport::SerialPort;

fn serial_uri(path: &str) -> PrinterUri {
    format!("serial:{path}?baud=9600").parse().unwrap()
}

#[test]
fn bytes_written_arrive_on_the_master() {
    let _g = pty_lock();
    let Some((mut master, _slave, path)) = pty_pair() else {
        return;
    };
    let mut t = open(&serial_uri(&path)).unwrap();
    assert!(t.two_way());
    assert_eq!(t.name(), format!("serial:{path}"));
    let payload: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let reader = thread::spawn(move || {
        master.set_timeout(Duration::from_millis(100)).unwrap();
        read_exact_within(&mut master, 3000, Duration::from_secs(10))
    });
    t.write_all(&payload).unwrap();
    t.flush().unwrap();
    assert_eq!(reader.join().unwrap(), payload);
}

#[test]
fn drawer_kick_over_serial() {
    let _g = pty_lock();
    let Some((mut master, _slave, path)) = pty_pair() else {
        return;
    };
    let mut t = open(&serial_uri(&path)).unwrap();
    kick_drawer(&mut t).unwrap();
    master.set_timeout(Duration::from_millis(100)).unwrap();
    let got = read_exact_within(&mut master, 5, Duration::from_secs(5));
    assert_eq!(got, vec![0x1B, 0x70, 0x00, 0x19, 0xFA]);
}

/// Play a printer on `master`: answer DLE EOT n with `reply(n)` (None = stay silent), and
/// return everything received once `quiet` passes with no bytes.
fn fake_printer(
    mut master: serialport::TTYPort,
    reply: fn(u8) -> Option<u8>,
    quiet: Duration,
) -> thread::JoinHandle<Vec<u8>> {
    thread::spawn(move || {
        master.set_timeout(Duration::from_millis(20)).unwrap();
        let mut all = Vec::new();
        let mut i = 0;
        let mut last = Instant::now();
        let mut buf = [0u8; 256];
        while last.elapsed() < quiet {
            match master.read(&mut buf) {
                Ok(n) if n > 0 => {
                    last = Instant::now();
                    all.extend_from_slice(&buf[..n]);
                    while i + 3 <= all.len() {
                        if all[i] == 0x10 && all[i + 1] == 0x04 {
                            if let Some(b) = reply(all[i + 2]) {
                                master.write_all(&[b]).unwrap();
                            }
                            i += 3;
                        } else {
                            i += 1;
                        }
                    }
                }
                Ok(_) => break,
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => break,
            }
        }
        all
    })
}

#[test]
fn paper_out_reply_gives_paper_out_and_refuses_the_job() {
    let _g = pty_lock();
    let Some((master, _slave, path)) = pty_pair() else {
        return;
    };
    let printer = fake_printer(
        master,
        |n| match n {
            1 => Some(0x1A), // offline
            2 => Some(0x32), // stopped by paper end
            4 => Some(0x7E), // near end + paper end
            _ => None,
        },
        Duration::from_millis(800),
    );
    let mut t = open(&serial_uri(&path)).unwrap();
    let status = query_status(&mut t, Duration::from_secs(2)).unwrap();
    assert_eq!(status.state, PrinterState::PaperOut);
    assert!(status.paper_out && status.paper_near_end && !status.online && !status.cover_open);
    assert_eq!(send_job(&mut t, b"STRUK"), Err(HardwareError::PaperOut));
    let got = printer.join().unwrap();
    assert!(
        !got.windows(5).any(|w| w == b"STRUK"),
        "job must not be sent"
    );
    // Every request was exactly DLE EOT n.
    assert_eq!(&got[..9], &[0x10, 4, 1, 0x10, 4, 2, 0x10, 4, 4]);
}

#[test]
fn ready_printer_gets_the_job() {
    let _g = pty_lock();
    let Some((master, _slave, path)) = pty_pair() else {
        return;
    };
    let printer = fake_printer(master, |_| Some(0x12), Duration::from_millis(800));
    let mut t = open(&serial_uri(&path)).unwrap();
    send_job(&mut t, b"STRUK 1\n").unwrap();
    let got = printer.join().unwrap();
    assert!(got.ends_with(b"STRUK 1\n"));
}

#[test]
fn silent_serial_printer_is_offline() {
    let _g = pty_lock();
    let Some((master, _slave, path)) = pty_pair() else {
        return;
    };
    let printer = fake_printer(master, |_| None, Duration::from_millis(800));
    let mut t = open(&serial_uri(&path)).unwrap();
    let started = Instant::now();
    let status = query_status(&mut t, Duration::from_millis(200)).unwrap();
    assert_eq!(status.state, PrinterState::Offline);
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(t);
    let _ = printer.join();
}

#[test]
fn garbage_reply_is_rejected_as_unknown() {
    let _g = pty_lock();
    let Some((master, _slave, path)) = pty_pair() else {
        return;
    };
    // 0xFF has bit 7 and bit 0 set: not a status byte (e.g. a wrong baud rate).
    let printer = fake_printer(master, |_| Some(0xFF), Duration::from_millis(800));
    let mut t = open(&serial_uri(&path)).unwrap();
    let status = query_status(&mut t, Duration::from_millis(200)).unwrap();
    assert_eq!(status.state, PrinterState::Unknown);
    drop(t);
    let _ = printer.join();
}

#[test]
fn unplugged_serial_printer_is_an_error_not_a_hang() {
    let _g = pty_lock();
    let Some((master, slave, path)) = pty_pair() else {
        return;
    };
    let mut t = open(&serial_uri(&path)).unwrap();
    drop(master);
    drop(slave);
    let started = Instant::now();
    let r = query_status(&mut t, Duration::from_millis(300));
    assert!(
        matches!(r, Err(HardwareError::Disconnected { .. })),
        "{r:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    let w = t.write_all(b"x");
    assert!(
        matches!(w, Err(HardwareError::Disconnected { .. })),
        "{w:?}"
    );
}

#[test]
fn missing_device_is_device_not_found() {
    let err = open(&serial_uri("/dev/ttyKASIR_DOES_NOT_EXIST"))
        .err()
        .unwrap();
    assert!(
        matches!(err, HardwareError::DeviceNotFound { .. }),
        "{err:?}"
    );
}
