//! Pins the faults of escpos 0.20 this crate works around (see `raw`). If an upgrade fixes one,
//! its test here fails: then the work-around can go.

use std::cell::RefCell;

use escpos::driver::Driver;
use escpos::errors::Result;
use escpos::printer::Printer;
use escpos::utils::{CashDrawer, PageCode, Protocol, RealTimeStatusRequest};
use kasir_receipts::raw;

#[derive(Default)]
struct Memory(RefCell<Vec<u8>>);

impl Driver for Memory {
    fn name(&self) -> String {
        "memory".to_owned()
    }
    fn write(&self, data: &[u8]) -> Result<()> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(())
    }
    fn read(&self, _buf: &mut [u8]) -> Result<usize> {
        Ok(0)
    }
    fn flush(&self) -> Result<()> {
        Ok(())
    }
}

fn bytes_of(build: impl FnOnce(&mut Printer<Memory>) -> Result<()>) -> Vec<u8> {
    let mut p = Printer::new(Memory::default(), Protocol::default(), None);
    build(&mut p).expect("builds");
    p.print().expect("prints");
    p.driver().0.into_inner()
}

#[test]
fn crate_cash_drawer_lacks_pulse_times() {
    let crate_bytes = bytes_of(|p| p.cash_drawer(CashDrawer::Pin2).map(|_| ()));
    assert_eq!(crate_bytes, [0x1B, 0x70, 0x00]);
    assert_eq!(raw::DRAWER_KICK, [0x1B, 0x70, 0x00, 0x19, 0xFA]);
}

#[test]
fn crate_partial_cut_is_a_full_cut() {
    let crate_bytes = bytes_of(|p| p.partial_cut().map(|_| ()));
    // GS V 65 1: function B, feed 1 unit and FULL cut.
    assert_eq!(crate_bytes, [0x1D, 0x56, 0x41, 0x01]);
    assert_eq!(raw::PARTIAL_CUT, [0x1D, 0x56, 0x42, 0x00]);
}

#[test]
fn crate_maps_hyphen_to_0xf0_under_pc850_858() {
    for page in [PageCode::PC850, PageCode::PC858, PageCode::PC857] {
        let crate_bytes = bytes_of(|p| p.page_code(page)?.write("a-b").map(|_| ()));
        assert_eq!(&crate_bytes[3..], [b'a', 0xF0, b'b'], "{page}");
    }
    // Windows code pages put it on 0xAD (soft hyphen) instead.
    let crate_bytes = bytes_of(|p| p.page_code(PageCode::WPC1250)?.write("a-b").map(|_| ()));
    assert_eq!(&crate_bytes[3..], [b'a', 0xAD, b'b']);
    // PC437 is not affected in 0.20.1.
    let crate_bytes = bytes_of(|p| p.page_code(PageCode::PC437)?.write("a-b").map(|_| ()));
    assert_eq!(&crate_bytes[3..], b"a-b");
    // Without a code page in the crate (what we do), '-' goes out as 0x2D.
    let plain = bytes_of(|p| p.write("a-b").map(|_| ()));
    assert_eq!(plain, b"a-b");
}

#[test]
fn crate_pc858_table_has_gaps_that_leak_utf8() {
    // 'Ò' is missing from the PC858 table (it lists 'Ô' twice), so it goes out as UTF-8 bytes,
    // and 'Ô' lands on 0xE3 (which is 'Ò'). One more reason we send ASCII only.
    let crate_bytes = bytes_of(|p| p.page_code(PageCode::PC858)?.write("ÒÔ").map(|_| ()));
    assert_eq!(&crate_bytes[3..], [0xC3, 0x92, 0xE3]);
    // With no code page, non-ASCII text is sent as UTF-8 without complaint.
    let crate_bytes = bytes_of(|p| p.write("é").map(|_| ()));
    assert_eq!(crate_bytes, [0xC3, 0xA9]);
}

#[test]
fn crate_status_request_has_a_stray_zero() {
    let crate_bytes = bytes_of(|p| {
        p.real_time_status(RealTimeStatusRequest::Printer)
            .map(|_| ())
    });
    assert_eq!(crate_bytes, [0x10, 0x04, 0x01, 0x00]);
    assert_eq!(raw::STATUS_PRINTER, [0x10, 0x04, 0x01]);
    for n in 1..=4u8 {
        assert_eq!(raw::status_request(n), [0x10, 0x04, n]);
    }
}

#[test]
fn crate_commands_we_use_are_right() {
    let crate_bytes = bytes_of(|p| {
        p.init()?
            .justify(escpos::utils::JustifyMode::CENTER)?
            .bold(true)?
            .size(1, 2)?
            .write("T\n")?
            .reset_size()?
            .bold(false)?
            .justify(escpos::utils::JustifyMode::LEFT)?
            .feeds(3)?;
        Ok(())
    });
    assert_eq!(
        crate_bytes,
        [
            0x1B, 0x40, 0x1B, 0x61, 1, 0x1B, 0x45, 1, 0x1D, 0x21, 0x01, b'T', b'\n', 0x1D, 0x21,
            0x00, 0x1B, 0x45, 0, 0x1B, 0x61, 0, 0x1B, 0x64, 3
        ]
    );
}
