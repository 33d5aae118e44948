//! A pseudo-terminal pair as a counter scale: the till's reader opens the slave, the test
//! plays a CAS scale (continuous lines) or a Toledo 8217 scale (answers `W`) on the master.

mod common;

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use common::{pty_lock, pty_pair};
use kasir_hardware::{
    read_stable, spawn_serial_scale, ScaleConfig, ScaleEvent, ScaleHandle, ScaleProtocol,
    ScaleReadError, ScaleReading, Unsellable, Weight,
};

const WAIT: Duration = Duration::from_secs(5);

fn config(path: &str, protocol: ScaleProtocol) -> ScaleConfig {
    let mut cfg = ScaleConfig::new(path, protocol);
    cfg.retry_interval = Duration::from_millis(100);
    cfg.poll_interval = Duration::from_millis(30);
    cfg.reply_timeout = Duration::from_millis(300);
    cfg
}

/// The first event matching `want` within 5 s; panics naming what came instead.
fn wait_for(h: &mut ScaleHandle, what: &str, want: impl Fn(&ScaleEvent) -> bool) -> ScaleEvent {
    let end = Instant::now() + WAIT;
    let mut seen = Vec::new();
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        match h.recv_timeout(left) {
            Some(ev) if want(&ev) => return ev,
            Some(ev) => seen.push(ev),
            None => break,
        }
    }
    panic!("no {what} within 5 s; saw {seen:?}");
}

/// The sellable weight (or refusal) of the next reading.
fn next_reading(h: &mut ScaleHandle) -> Result<i64, Unsellable> {
    match wait_for(h, "reading", |e| matches!(e, ScaleEvent::Reading(_))) {
        ScaleEvent::Reading(r) => r.sellable_grams(),
        _ => unreachable!(),
    }
}

/// A stable link name that can point at a new pty after "replugging" (like a udev
/// /dev/serial/by-id link).
fn link_to(dir: &tempfile::TempDir, pts: &str) -> String {
    let link = dir.path().join("scale");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(pts, &link).unwrap();
    link.to_str().unwrap().to_string()
}

#[test]
fn cas_stream_stable_unstable_zero_overload_unplug_and_replug() {
    let _g = pty_lock();
    let Some((mut master, slave, pts)) = pty_pair() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let link = link_to(&dir, &pts);
    let mut h = spawn_serial_scale(config(&link, ScaleProtocol::Cas));
    wait_for(&mut h, "Connected", |e| *e == ScaleEvent::Connected);

    let table: &[(&[u8], Result<i64, Unsellable>)] = &[
        (b"US,GS,+  1.245kg\r\n", Err(Unsellable::Unstable)),
        (b"ST,GS,+  1.250kg\r\n", Ok(1250)),
        (b"ST,GS,+  0.000kg\r\n", Err(Unsellable::Zero)),
        (b"ST,NT,-  0.500kg\r\n", Err(Unsellable::Negative)),
        (b"OL,GS,+ --.---kg\r\n", Err(Unsellable::Overload)),
        (b"ST,GS,   750 g\r\n", Ok(750)),
    ];
    for (line, want) in table {
        // Cut every line in two writes: the scale's bytes may come in any pieces.
        let (a, b) = line.split_at(line.len() / 2);
        master.write_all(a).unwrap();
        master.write_all(b).unwrap();
        assert_eq!(
            next_reading(&mut h),
            *want,
            "{}",
            String::from_utf8_lossy(line)
        );
    }
    assert_eq!(h.latest().map(|r| r.sellable_grams()), Some(Ok(750)));

    // Noise gives a warning and forgets the last weight (it no longer says what is there).
    master.write_all(b"\x00\xff\x07garbage\r\n").unwrap();
    wait_for(&mut h, "warning", |e| matches!(e, ScaleEvent::Warning(_)));
    assert_eq!(h.latest(), None);

    // Unplug: the reader says so, keeps trying, and holds no weight.
    drop(master);
    drop(slave);
    wait_for(&mut h, "Disconnected", |e| *e == ScaleEvent::Disconnected);
    assert!(!h.connected());
    assert!(h.is_running(), "the reader keeps trying to reopen");

    // Replug under the same name: readings flow again.
    let (mut master2, _slave2, pts2) = pty_pair().expect("second pty");
    link_to(&dir, &pts2);
    wait_for(&mut h, "Connected again", |e| *e == ScaleEvent::Connected);
    master2.write_all(b"ST,GS,+  2.000kg\r\n").unwrap();
    assert_eq!(next_reading(&mut h), Ok(2000));
    h.stop();
    assert!(!h.is_running());
}

/// Play a Toledo 8217 scale on `master`: answer every `W` with STX, `*shown`, CR. Returns
/// the master and how many requests came when `stop` is set.
fn fake_toledo(
    mut master: serialport::TTYPort,
    shown: Arc<Mutex<Vec<u8>>>,
    stop: Arc<AtomicBool>,
) -> thread::JoinHandle<(serialport::TTYPort, usize)> {
    thread::spawn(move || {
        serialport::SerialPort::set_timeout(&mut master, Duration::from_millis(20)).unwrap();
        let mut requests = 0;
        let mut buf = [0u8; 64];
        while !stop.load(Ordering::SeqCst) {
            match master.read(&mut buf) {
                Ok(n) => {
                    for &b in &buf[..n] {
                        assert_eq!(b, b'W', "the till sends only W");
                        requests += 1;
                        let body = shown.lock().unwrap().clone();
                        if body.is_empty() {
                            continue; // a silent scale
                        }
                        let mut frame = vec![0x02];
                        frame.extend_from_slice(&body);
                        frame.push(b'\r');
                        master.write_all(&frame).unwrap();
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => break,
            }
        }
        (master, requests)
    })
}

#[test]
fn toledo_request_response_statuses_silence_unplug_and_replug() {
    let _g = pty_lock();
    let Some((master, slave, pts)) = pty_pair() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let link = link_to(&dir, &pts);
    let shown = Arc::new(Mutex::new(b"?A".to_vec()));
    let stop = Arc::new(AtomicBool::new(false));
    let scale = fake_toledo(master, Arc::clone(&shown), Arc::clone(&stop));
    let mut h = spawn_serial_scale(config(&link, ScaleProtocol::Toledo));
    wait_for(&mut h, "Connected", |e| *e == ScaleEvent::Connected);

    // Motion first; then each status until the reader reports it.
    assert_eq!(next_reading(&mut h), Err(Unsellable::Unstable));
    let table: &[(&[u8], Result<i64, Unsellable>)] = &[
        (b"001.250", Ok(1250)),
        (b"?P", Err(Unsellable::Zero)),
        (b"?B", Err(Unsellable::Overload)),
        (b"?D", Err(Unsellable::Negative)),
        (b"  0.375N", Ok(375)),
    ];
    for (body, want) in table {
        *shown.lock().unwrap() = body.to_vec();
        let end = Instant::now() + WAIT;
        loop {
            let got = next_reading(&mut h);
            if got == *want {
                break;
            }
            assert!(Instant::now() < end, "{body:?} never read as {want:?}");
        }
    }

    // A scale that stops answering: a warning, and no weight is held.
    *shown.lock().unwrap() = Vec::new();
    match wait_for(&mut h, "warning", |e| matches!(e, ScaleEvent::Warning(_))) {
        ScaleEvent::Warning(w) => assert!(w.contains("answer"), "{w}"),
        _ => unreachable!(),
    }
    assert_eq!(h.latest(), None);

    // Unplug.
    stop.store(true, Ordering::SeqCst);
    let (master, requests) = scale.join().unwrap();
    assert!(
        requests >= 6,
        "the reader asks again and again ({requests})"
    );
    drop(master);
    drop(slave);
    wait_for(&mut h, "Disconnected", |e| *e == ScaleEvent::Disconnected);
    assert!(!h.connected());

    // Replug.
    let (master2, _slave2, pts2) = pty_pair().expect("second pty");
    link_to(&dir, &pts2);
    let shown2 = Arc::new(Mutex::new(b"002.500".to_vec()));
    let stop2 = Arc::new(AtomicBool::new(false));
    let scale2 = fake_toledo(master2, shown2, Arc::clone(&stop2));
    wait_for(&mut h, "Connected again", |e| *e == ScaleEvent::Connected);
    assert_eq!(next_reading(&mut h), Ok(2500));
    h.stop();
    stop2.store(true, Ordering::SeqCst);
    let _ = scale2.join();
}

#[test]
fn one_stable_reading_or_why_not() {
    let _g = pty_lock();
    // Toledo: in motion twice, then stable.
    let Some((master, _slave, pts)) = pty_pair() else {
        return;
    };
    let shown = Arc::new(Mutex::new(b"?A".to_vec()));
    let stop = Arc::new(AtomicBool::new(false));
    let scale = fake_toledo(master, Arc::clone(&shown), Arc::clone(&stop));
    let flip = {
        let shown = Arc::clone(&shown);
        thread::spawn(move || {
            thread::sleep(Duration::from_millis(150));
            *shown.lock().unwrap() = b"001.250".to_vec();
        })
    };
    let r = read_stable(&config(&pts, ScaleProtocol::Toledo), WAIT).unwrap();
    assert_eq!(r.sellable_grams(), Ok(1250));
    flip.join().unwrap();

    // Always moving: unstable for too long.
    *shown.lock().unwrap() = b"?A".to_vec();
    let cfg = config(&pts, ScaleProtocol::Toledo);
    assert_eq!(
        read_stable(&cfg, Duration::from_millis(400)),
        Err(ScaleReadError::UnstableTooLong)
    );
    // Overloaded.
    *shown.lock().unwrap() = b"?B".to_vec();
    assert_eq!(
        read_stable(&cfg, Duration::from_millis(400)),
        Err(ScaleReadError::Overload)
    );
    // Silent.
    shown.lock().unwrap().clear();
    assert_eq!(
        read_stable(&cfg, Duration::from_millis(400)),
        Err(ScaleReadError::Timeout)
    );
    stop.store(true, Ordering::SeqCst);
    let _ = scale.join();

    // CAS: the stream is read as it comes.
    let (mut master, _slave, pts) = pty_pair().expect("pty");
    let writer = thread::spawn(move || {
        for _ in 0..20 {
            master
                .write_all(b"US,GS,+  0.990kg\r\nST,GS,+  1.000kg\r\n")
                .unwrap();
            thread::sleep(Duration::from_millis(20));
        }
        master
    });
    let r = read_stable(&config(&pts, ScaleProtocol::Cas), WAIT).unwrap();
    assert_eq!(r, ScaleReading::stable_grams(1000));
    let _ = writer.join();

    assert!(matches!(
        read_stable(&config("/dev/ttyKASIR_NO_SCALE", ScaleProtocol::Cas), WAIT),
        Err(ScaleReadError::NoSuchPort(_))
    ));
    assert_eq!(
        ScaleReading {
            weight: Weight::Overload,
            stable: false,
            net: false
        }
        .sellable_grams(),
        Err(Unsellable::Overload)
    );
}
