//! ESC/POS byte sequences sent as they are, where the `escpos` crate (0.20) gets them wrong or
//! has no command for them. Each one is pinned by a byte-level test, next to a test that pins
//! the crate's own (faulty) output, so an upgrade that fixes or changes the crate shows up.

/// ESC @ — initialise the printer (clears the buffer, resets modes).
pub const INIT: &[u8] = &[0x1B, 0x40];

/// GS V 66 0 — feed to the cutting position and cut partially (one point left uncut).
/// escpos 0.20 `partial_cut()` sends GS V 65 1, a feed-and-*full*-cut.
pub const PARTIAL_CUT: &[u8] = &[0x1D, 0x56, 0x42, 0x00];

/// ESC p 0 25 250 — drawer kick on pin 2, 50 ms on, 500 ms off.
/// escpos 0.20 `cash_drawer(Pin2)` sends ESC p 0 with no pulse times, which many printers
/// ignore or read the next bytes of the job as the pulse times.
pub const DRAWER_KICK: &[u8] = &[0x1B, 0x70, 0x00, 0x19, 0xFA];

/// ESC t 19 — select code page PC858. Sent raw: telling the crate the code page makes it map
/// '-' to 0xF0 under PC850/857/858 (to 0xAD under the Windows pages). Our text is ASCII, which
/// PC858 prints as is.
pub const SELECT_PC858: &[u8] = &[0x1B, 0x74, 19];

/// DLE EOT 1 — real-time status: printer (online, drawer pin 3).
pub const STATUS_PRINTER: &[u8] = &[0x10, 0x04, 0x01];
/// DLE EOT 2 — real-time status: offline cause (cover open, paper fed by button).
pub const STATUS_OFFLINE: &[u8] = &[0x10, 0x04, 0x02];
/// DLE EOT 3 — real-time status: error cause (cutter, unrecoverable, auto-recoverable).
pub const STATUS_ERROR: &[u8] = &[0x10, 0x04, 0x03];
/// DLE EOT 4 — real-time status: roll paper sensor (near end, end).
pub const STATUS_PAPER: &[u8] = &[0x10, 0x04, 0x04];

/// DLE EOT n for n = 1..=4 (exactly 3 bytes; escpos 0.20 appends a stray 00, which a printer
/// takes as the start of the next command).
pub const fn status_request(n: u8) -> [u8; 3] {
    [0x10, 0x04, n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequences_are_exact() {
        assert_eq!(INIT, b"\x1b@");
        assert_eq!(PARTIAL_CUT, b"\x1dVB\x00");
        assert_eq!(DRAWER_KICK, b"\x1bp\x00\x19\xfa");
        assert_eq!(SELECT_PC858, b"\x1bt\x13");
        assert_eq!(STATUS_PRINTER, &status_request(1));
        assert_eq!(STATUS_OFFLINE, &status_request(2));
        assert_eq!(STATUS_ERROR, &status_request(3));
        assert_eq!(STATUS_PAPER, &status_request(4));
        assert_eq!(status_request(4), [0x10, 0x04, 0x04]);
    }
}
