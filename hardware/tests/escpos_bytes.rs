//! Byte-level pins: what we send, and how `escpos` 0.20 differs (why we bypass it).

mod common;

use std::time::Duration;

use common::Recorder;
use escpos::printer::Printer;
use escpos::utils::{CashDrawer, Protocol, RealTimeStatusRequest};
use kasir_hardware::commands::{status_request, StatusRequest, DRAWER_KICK, PARTIAL_CUT};
use kasir_hardware::{kick_drawer, query_status, EscposDriver, PrinterState, SimPrinterHandle};

/// Run `f` on an escpos Printer over our driver and return every byte it wrote.
fn escpos_bytes(f: impl FnOnce(&mut Printer<EscposDriver>)) -> Vec<u8> {
    let sim = SimPrinterHandle::new();
    let driver = EscposDriver::new(Box::new(sim.transport()));
    let mut printer = Printer::new(driver, Protocol::default(), None);
    f(&mut printer);
    sim.output()
}

#[test]
fn drawer_kick_sends_exactly_the_five_bytes() {
    let mut rec = Recorder::default();
    kick_drawer(&mut rec).unwrap();
    assert_eq!(rec.writes(), vec![vec![0x1B, 0x70, 0x00, 0x19, 0xFA]]);
    assert_eq!(DRAWER_KICK, [0x1B, 0x70, 0x00, 0x19, 0xFA]);
}

#[test]
fn escpos_cash_drawer_lacks_the_timing_bytes() {
    let bytes = escpos_bytes(|p| {
        p.cash_drawer(CashDrawer::Pin2).unwrap().print().unwrap();
    });
    // escpos sends ESC p 0 and stops: the printer waits for t1 t2 and eats the next bytes.
    assert_eq!(bytes, vec![0x1B, 0x70, 0x00]);
    assert_ne!(bytes, DRAWER_KICK.to_vec());
}

#[test]
fn status_query_sends_three_byte_requests_only() {
    let mut rec = Recorder::two_way(&[(1, 0x12), (2, 0x12), (4, 0x12)]);
    let status = query_status(&mut rec, Duration::from_millis(50)).unwrap();
    assert_eq!(status.state, PrinterState::Ready);
    assert_eq!(
        rec.writes(),
        vec![
            vec![0x10, 0x04, 0x01],
            vec![0x10, 0x04, 0x02],
            vec![0x10, 0x04, 0x04]
        ]
    );
    for w in &rec.writes() {
        assert_eq!(w.len(), 3);
    }
    assert_eq!(status_request(StatusRequest::Printer), [0x10, 0x04, 0x01]);
}

#[test]
fn escpos_real_time_status_appends_a_stray_zero() {
    let rec = Recorder::default();
    let log = rec.log.clone();
    let mut printer = Printer::new(EscposDriver::new(Box::new(rec)), Protocol::default(), None);
    printer
        .real_time_status(RealTimeStatusRequest::Printer)
        .unwrap()
        .send_status()
        .unwrap();
    let writes = log.lock().unwrap().clone();
    // escpos sends DLE EOT 1 00: four bytes where the command is three; the 00 reaches the
    // printer as the start of the next command (or as data).
    assert_eq!(writes, vec![vec![0x10, 0x04, 0x01, 0x00]]);
    assert_ne!(writes[0], status_request(StatusRequest::Printer).to_vec());
}

#[test]
fn escpos_partial_cut_is_a_full_cut() {
    let bytes = escpos_bytes(|p| {
        p.partial_cut().unwrap().print().unwrap();
    });
    // GS V 65 n = feed and FULL cut; a partial cut is GS V 66 n.
    assert_eq!(bytes, vec![0x1D, 0x56, 0x41, 0x01]);
    assert_eq!(PARTIAL_CUT, [0x1D, 0x56, 0x42, 0x00]);
}

#[test]
fn escpos_printer_and_status_share_one_transport() {
    let sim = SimPrinterHandle::new();
    let driver = EscposDriver::new(Box::new(sim.transport()));
    let mut printer = Printer::new(driver.clone(), Protocol::default(), None);
    printer
        .init()
        .unwrap()
        .writeln("KOPERASI DESA")
        .unwrap()
        .print()
        .unwrap();
    let status = driver
        .with_transport(|t| query_status(t, Duration::from_millis(100)))
        .unwrap();
    assert_eq!(status.state, PrinterState::Ready);
    let out = sim.output();
    assert!(out.windows(13).any(|w| w == b"KOPERASI DESA"));
    assert_eq!(sim.status_queries(), 3);
}
