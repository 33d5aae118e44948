//! The few raw ESC/POS byte sequences this crate sends itself, because `escpos` 0.20
//! gets them wrong (see the tests at the bottom and `tests/escpos_bytes.rs`).

/// DLE (0x10).
pub const DLE: u8 = 0x10;
/// EOT (0x04).
pub const EOT: u8 = 0x04;
/// ESC (0x1B).
pub const ESC: u8 = 0x1B;
/// GS (0x1D).
pub const GS: u8 = 0x1D;

/// Open the cash drawer: ESC p m t1 t2 = `1B 70 00 19 FA` — pulse on connector pin 2,
/// on for 25 × 2 ms = 50 ms, off for 250 × 2 ms = 500 ms.
///
/// `escpos` 0.20's `Printer::cash_drawer()` sends only `1B 70 00` (no timing bytes), which
/// leaves the printer waiting for two more bytes and eats the start of the next command.
pub const DRAWER_KICK: [u8; 5] = [ESC, b'p', 0x00, 0x19, 0xFA];

/// Partial cut with feed: GS V 66 0 = `1D 56 42 00` (`escpos` 0.20's `partial_cut()` sends a
/// full cut).
pub const PARTIAL_CUT: [u8; 4] = [GS, b'V', 0x42, 0x00];

/// Which real-time status to ask for with DLE EOT n.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StatusRequest {
    /// n = 1: printer status (bit 3 = offline).
    Printer = 1,
    /// n = 2: offline cause (bit 2 cover open, bit 5 stopped by paper end, bit 6 error).
    OfflineCause = 2,
    /// n = 3: error cause (bit 3 auto-cutter, bit 5 unrecoverable, bit 6 auto-recoverable).
    ErrorCause = 3,
    /// n = 4: roll paper sensor (bits 2–3 near end, bits 5–6 paper end).
    RollPaper = 4,
}

/// The DLE EOT request for `which`: exactly three bytes `10 04 n`.
///
/// `escpos` 0.20's `real_time_status()` appends a fourth byte `00`, which a real printer
/// takes as the start of the next command (or prints).
pub const fn status_request(which: StatusRequest) -> [u8; 3] {
    [DLE, EOT, which as u8]
}

/// Bits of a DLE EOT reply that Epson fixes: bit 0 = 0, bit 1 = 1, bit 4 = 1, bit 7 = 0.
pub const STATUS_FIXED_MASK: u8 = 0b1001_0011;
/// The values of the fixed bits.
pub const STATUS_FIXED_VALUE: u8 = 0b0001_0010;

/// Whether `b` has the shape of a DLE EOT status byte (`0xx1xx10`).
pub const fn is_status_byte(b: u8) -> bool {
    b & STATUS_FIXED_MASK == STATUS_FIXED_VALUE
}

/// n=1 bit 3: the printer is offline.
pub const PRINTER_OFFLINE: u8 = 0x08;
/// n=2 bit 2: the cover is open.
pub const CAUSE_COVER_OPEN: u8 = 0x04;
/// n=2 bit 5: printing stopped because the paper ran out.
pub const CAUSE_PAPER_END_STOP: u8 = 0x20;
/// n=2 bit 6: an error occurred.
pub const CAUSE_ERROR: u8 = 0x40;
/// n=4 bits 2–3: roll paper near its end.
pub const ROLL_NEAR_END: u8 = 0x0C;
/// n=4 bits 5–6: no roll paper.
pub const ROLL_PAPER_END: u8 = 0x60;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drawer_kick_is_exact() {
        assert_eq!(DRAWER_KICK, [0x1B, 0x70, 0x00, 0x19, 0xFA]);
    }

    #[test]
    fn status_request_is_three_bytes() {
        assert_eq!(status_request(StatusRequest::Printer), [0x10, 0x04, 0x01]);
        assert_eq!(
            status_request(StatusRequest::OfflineCause),
            [0x10, 0x04, 0x02]
        );
        assert_eq!(status_request(StatusRequest::RollPaper), [0x10, 0x04, 0x04]);
    }

    #[test]
    fn status_byte_shape() {
        assert!(is_status_byte(0x12));
        assert!(is_status_byte(0x1A));
        assert!(is_status_byte(0x7E));
        assert!(!is_status_byte(0x00));
        assert!(!is_status_byte(0xFF));
        assert!(!is_status_byte(0x13)); // bit 0 set
        assert!(!is_status_byte(0x92)); // bit 7 set
        assert!(!is_status_byte(0x02)); // bit 4 clear
        assert!(!is_status_byte(b'A'));
    }
}
