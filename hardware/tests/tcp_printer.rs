//! A TCP listener on 127.0.0.1 as a network printer.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::thread;
use std::time::{Duration, Instant};

use kasir_hardware::{
    open, query_status, send_job, HardwareError, PrinterState, PrinterUri, TcpTransport, Transport,
};

fn uri(port: u16) -> PrinterUri {
    format!("tcp:127.0.0.1:{port}").parse().unwrap()
}

/// A printer that answers every DLE EOT n with `reply(n)` and records everything else.
fn fake_printer(reply: fn(u8) -> u8) -> (u16, thread::JoinHandle<Vec<u8>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let h = thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut all = Vec::new();
        let mut buf = [0u8; 4096];
        let mut i = 0;
        loop {
            match s.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    all.extend_from_slice(&buf[..n]);
                    // Answer each request once it has fully arrived.
                    while i + 3 <= all.len() {
                        if all[i] == 0x10 && all[i + 1] == 0x04 {
                            let _ = s.write_all(&[reply(all[i + 2])]);
                            i += 3;
                        } else {
                            i += 1;
                        }
                    }
                }
            }
        }
        all
    });
    (port, h)
}

#[test]
fn raw_bytes_arrive_intact() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let reader = thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        s.read_to_end(&mut got).unwrap();
        got
    });
    let payload: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    {
        let mut t = open(&uri(port)).unwrap();
        assert!(t.two_way());
        t.write_all(&payload).unwrap();
        t.flush().unwrap();
    }
    assert_eq!(reader.join().unwrap(), payload);
}

#[test]
fn send_job_checks_status_then_sends_the_job() {
    let (port, h) = fake_printer(|_| 0x12);
    let job = b"\x1b@Struk jual #42\n\x1dVB\x00".to_vec();
    {
        let mut t = open(&uri(port)).unwrap();
        send_job(&mut t, &job).unwrap();
    }
    let got = h.join().unwrap();
    let mut want = vec![0x10, 0x04, 0x01, 0x10, 0x04, 0x02, 0x10, 0x04, 0x04];
    want.extend_from_slice(&job);
    assert_eq!(got, want);
}

#[test]
fn paper_out_over_the_network_refuses_the_job() {
    let (port, h) = fake_printer(|n| match n {
        1 => 0x1A,
        2 => 0x32,
        4 => 0x7E,
        _ => 0x12,
    });
    {
        let mut t = open(&uri(port)).unwrap();
        let status = query_status(&mut *t, Duration::from_secs(2)).unwrap();
        assert_eq!(status.state, PrinterState::PaperOut);
        assert!(status.paper_out && !status.online);
        assert_eq!(send_job(&mut t, b"struk"), Err(HardwareError::PaperOut));
    }
    let got = h.join().unwrap();
    assert!(
        !got.windows(5).any(|w| w == b"struk"),
        "the job must not be sent"
    );
}

#[test]
fn silent_printer_is_offline_within_the_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    // Accepts, never answers, keeps the socket open until told.
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let h = thread::spawn(move || {
        let (s, _) = listener.accept().unwrap();
        let _ = rx.recv_timeout(Duration::from_secs(20));
        drop(s);
    });
    let mut t = open(&uri(port)).unwrap();
    let started = Instant::now();
    let status = query_status(&mut *t, Duration::from_millis(300)).unwrap();
    let took = started.elapsed();
    assert_eq!(status.state, PrinterState::Offline);
    assert!(took >= Duration::from_millis(250), "waited {took:?}");
    assert!(took < Duration::from_secs(2), "took {took:?}");
    assert_eq!(send_job(&mut t, b"struk"), Err(HardwareError::Offline));
    tx.send(()).unwrap();
    h.join().unwrap();
}

#[test]
fn printer_that_stops_reading_gives_a_write_timeout() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let (tx, rx) = std::sync::mpsc::channel::<()>();
    let h = thread::spawn(move || {
        let (s, _) = listener.accept().unwrap();
        let _ = rx.recv_timeout(Duration::from_secs(60));
        drop(s);
    });
    let mut t = TcpTransport::connect_with(
        "127.0.0.1",
        port,
        Duration::from_secs(1),
        Duration::from_millis(300),
    )
    .unwrap();
    let chunk = vec![b'x'; 1 << 20];
    let started = Instant::now();
    let mut result = Ok(());
    // Loopback buffers hold a few MB; the write must fail once they are full.
    for _ in 0..256 {
        result = t.write_all(&chunk);
        if result.is_err() {
            break;
        }
    }
    assert!(
        matches!(result, Err(HardwareError::Timeout { .. })),
        "{result:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(20));
    tx.send(()).unwrap();
    h.join().unwrap();
}

#[test]
fn refused_connection_is_a_quick_connection_error() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    }; // dropped: nothing listens there now
    let started = Instant::now();
    let err = open(&uri(port)).err().expect("must not connect");
    assert!(matches!(err, HardwareError::Connection { .. }), "{err:?}");
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(err.to_string().contains("refused"), "{err}");
}

#[test]
fn printer_that_hangs_up_gives_disconnected() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let h = thread::spawn(move || {
        let (s, _) = listener.accept().unwrap();
        drop(s);
    });
    let mut t = open(&uri(port)).unwrap();
    h.join().unwrap();
    let mut buf = [0u8; 4];
    let r = t.read(&mut buf, Duration::from_secs(2));
    assert!(
        matches!(r, Err(HardwareError::Disconnected { .. })),
        "{r:?}"
    );
    // Writing to a closed peer fails (reset) rather than hanging; the first write may be
    // buffered, so try a few.
    let mut failed = false;
    for _ in 0..50 {
        if t.write_all(&[0u8; 1024]).is_err() {
            failed = true;
            break;
        }
        thread::sleep(Duration::from_millis(10));
    }
    assert!(failed);
    let _ = TcpStream::connect(("127.0.0.1", port)); // nothing listens: must not matter
}
