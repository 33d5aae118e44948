//! A pseudo-terminal pair as a serial (CDC-ACM) barcode scanner.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::{pty_lock, pty_pair};
use kasir_hardware::{
    spawn_serial_scanner, ScanReject, ScannerConfig, ScannerEvent, ScannerHandle, Suffix,
};

const WAIT: Duration = Duration::from_secs(5);

/// The next event other than the raw bytes of a burst.
fn next(h: &ScannerHandle) -> ScannerEvent {
    loop {
        match h.recv_timeout(WAIT) {
            Some(ScannerEvent::Raw(_)) => {}
            Some(ev) => return ev,
            None => panic!("the scanner thread must report within 5 s"),
        }
    }
}

/// The next raw burst (skipping codes and warnings).
fn next_raw(h: &ScannerHandle) -> Vec<u8> {
    loop {
        match h.recv_timeout(WAIT) {
            Some(ScannerEvent::Raw(r)) => return r,
            Some(_) => {}
            None => panic!("the raw bytes must come within 5 s"),
        }
    }
}

/// Events that arrive within `d` (to prove that nothing else came).
fn quiet_for(h: &ScannerHandle, d: Duration) -> Vec<ScannerEvent> {
    let end = Instant::now() + d;
    let mut evs = Vec::new();
    while let Some(left) = end.checked_duration_since(Instant::now()) {
        match h.recv_timeout(left) {
            Some(ev) => evs.push(ev),
            None => break,
        }
    }
    evs
}

fn config(path: &str) -> ScannerConfig {
    let mut cfg = ScannerConfig::new(path);
    cfg.retry_interval = Duration::from_millis(100);
    cfg
}

#[test]
fn codes_noise_overlong_lines_and_unplug() {
    let _g = pty_lock();
    let Some((mut master, slave, path)) = pty_pair() else {
        return;
    };
    let mut h = spawn_serial_scanner(config(&path));
    assert_eq!(next(&h), ScannerEvent::Connected);

    // A good scan.
    master.write_all(b"8991234567891\r\n").unwrap();
    assert_eq!(next(&h), ScannerEvent::Code("8991234567891".into()));

    // Line noise: a warning, never a code.
    master.write_all(b"\x00\x1b\xff\xfe\x07\r\n").unwrap();
    assert_eq!(next(&h), ScannerEvent::Warning(ScanReject::NotAscii));

    // 10 KB without a newline: exactly one warning and no code...
    let big = vec![b'7'; 10 * 1024];
    for chunk in big.chunks(512) {
        master.write_all(chunk).unwrap();
    }
    assert!(matches!(next(&h), ScannerEvent::Warning(_)));
    // (the rest of the line is discarded until a pause of fragment_timeout = 500 ms)
    let extra: Vec<_> = quiet_for(&h, Duration::from_millis(700))
        .into_iter()
        .filter(|e| !matches!(e, ScannerEvent::Raw(_)))
        .collect();
    assert!(
        extra.is_empty(),
        "only one warning expected, also got {extra:?}"
    );
    // ...and the next scan after the pause still reads.
    master.write_all(b"12345670\r\n").unwrap();
    assert_eq!(next(&h), ScannerEvent::Code("12345670".into()));

    // Codes split over several writes, with a bare LF suffix, and two in one write.
    master.write_all(b"ABC-").unwrap();
    master.write_all(b"123/4\n4006381333931\r").unwrap();
    assert_eq!(next(&h), ScannerEvent::Code("ABC-123/4".into()));
    assert_eq!(next(&h), ScannerEvent::Code("4006381333931".into()));

    // Unplug: close the master side (and our copy of the slave).
    drop(master);
    drop(slave);
    assert_eq!(next(&h), ScannerEvent::Disconnected);
    assert!(h.is_running(), "the thread keeps trying to reopen");
    let extra = quiet_for(&h, Duration::from_millis(400));
    assert!(
        extra.is_empty(),
        "retries must not repeat Disconnected: {extra:?}"
    );

    h.stop();
    assert!(!h.is_running());
}

#[cfg(unix)]
#[test]
fn replugged_scanner_is_picked_up_again() {
    let _g = pty_lock();
    let Some((mut master, slave, pts)) = pty_pair() else {
        return;
    };
    // A stable name that can point at a new device after "replugging", like a udev
    // /dev/serial/by-id link.
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("scanner");
    std::os::unix::fs::symlink(&pts, &link).unwrap();
    let link_str = link.to_str().unwrap().to_string();

    let mut h = spawn_serial_scanner(config(&link_str));
    assert_eq!(next(&h), ScannerEvent::Connected);
    master.write_all(b"111111\r\n").unwrap();
    assert_eq!(next(&h), ScannerEvent::Code("111111".into()));

    drop(master);
    drop(slave);
    assert_eq!(next(&h), ScannerEvent::Disconnected);

    // Plug a "new" scanner in under the same name.
    let (mut master2, _slave2, pts2) = pty_pair().expect("second pty");
    std::fs::remove_file(&link).unwrap();
    std::os::unix::fs::symlink(&pts2, &link).unwrap();
    assert_eq!(next(&h), ScannerEvent::Connected);
    master2.write_all(b"222222\r\n").unwrap();
    assert_eq!(next(&h), ScannerEvent::Code("222222".into()));

    h.stop();
}

#[test]
fn missing_scanner_reports_disconnected_once_and_stops_cleanly() {
    let mut h = spawn_serial_scanner(config("/dev/ttyACM_KASIR_NONE"));
    assert_eq!(next(&h), ScannerEvent::Disconnected);
    let extra = quiet_for(&h, Duration::from_millis(350));
    assert!(extra.is_empty(), "{extra:?}");
    assert!(h.is_running());
    let started = Instant::now();
    h.stop();
    assert!(started.elapsed() < Duration::from_secs(1));
    assert!(!h.is_running());
}

#[test]
fn dropping_the_handle_ends_the_thread() {
    let h = spawn_serial_scanner(config("/dev/ttyACM_KASIR_NONE"));
    assert_eq!(next(&h), ScannerEvent::Disconnected);
    drop(h); // must not hang or panic; the thread notices within one poll
}

/// A framing case: its name, the settings, the bytes a scanner sends, what the till gets.
type Case = (
    &'static str,
    fn(ScannerConfig) -> ScannerConfig,
    &'static [u8],
    ScannerEvent,
);

/// Each framing a scanner in USB-serial mode may be set to, end to end through a pty: the
/// setting, the bytes the scanner sends, and the code the till gets.
#[test]
fn every_framing_reads_over_a_pty() {
    let _g = pty_lock();
    let strict = |c: ScannerConfig| ScannerConfig {
        strip_stx_etx: false,
        strip_aim: false,
        ..c
    };
    let cases: Vec<Case> = vec![
        (
            "CR LF",
            |c| c,
            b"8991234567891\r\n",
            ScannerEvent::Code("8991234567891".into()),
        ),
        (
            "CR",
            |c| c.with_suffix(Suffix::Cr),
            b"8991234567891\r",
            ScannerEvent::Code("8991234567891".into()),
        ),
        (
            "LF",
            |c| c.with_suffix(Suffix::Lf),
            b"8991234567891\n",
            ScannerEvent::Code("8991234567891".into()),
        ),
        (
            "Tab",
            |c| c.with_suffix(Suffix::Tab),
            b"8991234567891\t",
            ScannerEvent::Code("8991234567891".into()),
        ),
        (
            "no suffix",
            |c| c.with_suffix(Suffix::None),
            b"8991234567891",
            ScannerEvent::Code("8991234567891".into()),
        ),
        (
            "STX code ETX CR LF",
            |c| c,
            b"\x028991234567891\x03\r\n",
            ScannerEvent::Code("8991234567891".into()),
        ),
        (
            "AIM ]E0",
            |c| c,
            b"]E08991234567891\r\n",
            ScannerEvent::Code("8991234567891".into()),
        ),
        (
            "STX/ETX with stripping off",
            strict,
            b"\x028991234567891\x03\r\n",
            ScannerEvent::Warning(ScanReject::StxEtx),
        ),
        (
            "AIM with stripping off",
            strict,
            b"]E08991234567891\r\n",
            ScannerEvent::Warning(ScanReject::AimPrefix {
                prefix: "]E0".into(),
            }),
        ),
    ];
    for (name, setup, bytes, want) in cases {
        let Some((mut master, _slave, path)) = pty_pair() else {
            return;
        };
        let mut cfg = setup(config(&path)).with_baud(19200);
        cfg.idle_timeout = Duration::from_millis(80);
        let mut h = spawn_serial_scanner(cfg);
        assert_eq!(next(&h), ScannerEvent::Connected, "{name}");
        master.write_all(bytes).unwrap();
        assert_eq!(next(&h), want, "{name}");
        assert_eq!(next_raw(&h), bytes, "{name}: the raw bytes of the scan");
        // The next scan in the same framing reads too.
        master.write_all(bytes).unwrap();
        assert_eq!(next(&h), want, "{name}, second scan");
        h.stop();
    }
}
