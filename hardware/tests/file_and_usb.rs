//! `file:` and `usb:` transports on ordinary files (no USB printer needed).

use std::time::Duration;

use kasir_hardware::{
    kick_drawer, open, query_status, send_job, FileTransport, HardwareError, PrinterState,
    PrinterUri, Transport, UsbLpTransport,
};

#[test]
fn file_printer_appends_and_is_one_way() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("preview.bin");
    let uri: PrinterUri = format!("file:{}", path.display()).parse().unwrap();
    {
        let mut t = open(&uri).unwrap();
        assert!(!t.two_way());
        // One-way: status is Unknown and nothing is sent to ask.
        let s = query_status(&mut t, Duration::from_secs(5)).unwrap();
        assert_eq!(s.state, PrinterState::Unknown);
        send_job(&mut t, b"first\n").unwrap();
    }
    {
        let mut t = FileTransport::open(path.to_str().unwrap()).unwrap();
        send_job(&mut t, b"second\n").unwrap();
        kick_drawer(&mut t).unwrap();
    }
    let mut want = b"first\nsecond\n".to_vec();
    want.extend_from_slice(&[0x1B, 0x70, 0x00, 0x19, 0xFA]);
    assert_eq!(std::fs::read(&path).unwrap(), want);
}

#[test]
fn file_printer_in_missing_directory_is_device_not_found() {
    let err = open(&"file:/nonexistent-kasir-dir/x.bin".parse().unwrap())
        .err()
        .unwrap();
    assert!(
        matches!(err, HardwareError::DeviceNotFound { .. }),
        "{err:?}"
    );
}

#[test]
fn usb_transport_on_a_plain_file_is_one_way_and_writes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("lp0");
    std::fs::write(&path, b"").unwrap();
    let mut t = UsbLpTransport::open(path.to_str().unwrap()).unwrap();
    assert!(
        !t.two_way(),
        "a file gives EOF, not EAGAIN: no status channel"
    );
    assert_eq!(t.name(), format!("usb:{}", path.display()));
    let mut buf = [0u8; 8];
    assert_eq!(t.read(&mut buf, Duration::from_millis(10)), Ok(0));
    send_job(&mut t, b"usb job").unwrap();
    drop(t);
    assert_eq!(std::fs::read(&path).unwrap(), b"usb job");
}

#[test]
fn missing_usb_printer_is_device_not_found() {
    let err = open(&"usb:/dev/usb/lp_kasir_none".parse().unwrap())
        .err()
        .unwrap();
    assert!(
        matches!(err, HardwareError::DeviceNotFound { .. }),
        "{err:?}"
    );
}
