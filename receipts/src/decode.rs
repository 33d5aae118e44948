//! A small ESC/POS reader: what text would a printer put on paper for these bytes?
//!
//! Used by tests (here and in `kasir-hardware`) to check what a printer received. It knows the
//! lengths of the common ESC, GS, DLE and FS commands so it can skip them with their arguments
//! (including length-prefixed QR data and bit images); it keeps no style and no alignment, so a
//! centred line comes out without the padding the text preview adds.

const LF: u8 = 0x0A;
const FF: u8 = 0x0C;
const HT: u8 = 0x09;
const DLE: u8 = 0x10;
const ESC: u8 = 0x1B;
const FS: u8 = 0x1C;
const GS: u8 = 0x1D;

/// The printable text in an ESC/POS byte stream, one '\n' per line fed. Commands are dropped;
/// `ESC d n` counts as `n` line feeds; a byte outside ASCII shows as U+FFFD so a test can spot
/// it. A command cut off by the end of the stream ends the decoding.
pub fn decode_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    let mut line_open = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let len = match b {
            ESC | GS | DLE | FS => match command_len(&bytes[i..]) {
                Some(len) => len,
                None => break,
            },
            _ => 1,
        };
        match (b, bytes.get(i + 1).copied(), bytes.get(i + 2).copied()) {
            (LF | FF, _, _) => feed(&mut out, &mut line_open, 1),
            (HT, _, _) => {
                out.push(' ');
                line_open = true;
            }
            (0x20..=0x7E, _, _) => {
                out.push(char::from(b));
                line_open = true;
            }
            (0x80..=0xFF, _, _) => {
                out.push(char::REPLACEMENT_CHARACTER);
                line_open = true;
            }
            // ESC d n: print and feed n lines. ESC J n: print and feed n dots (ends the line).
            (ESC, Some(b'd'), Some(n)) => feed(&mut out, &mut line_open, n),
            (ESC, Some(b'J'), Some(_)) => feed(&mut out, &mut line_open, 0),
            _ => {}
        }
        i += len;
    }
    out
}

/// The data of every QR code an ESC/POS stream prints (`GS ( k` function 180, "store the
/// symbol data", followed by function 181, "print the symbol"), in order. Data stored but
/// never printed is not counted.
pub fn decode_qr(bytes: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    let mut stored: Option<String> = None;
    let mut i = 0;
    while i < bytes.len() {
        let len = match bytes[i] {
            ESC | GS | DLE | FS => match command_len(&bytes[i..]) {
                Some(len) => len,
                None => break,
            },
            _ => 1,
        };
        // GS ( k pL pH cn fn m [data]: cn 49 is the QR code.
        if let Some([GS, b'(', b'k', _, _, 49, f, m, data @ ..]) = bytes.get(i..i + len) {
            match (*f, *m) {
                (80, 48) => stored = Some(String::from_utf8_lossy(data).into_owned()),
                (81, 48) => out.extend(stored.take()),
                _ => {}
            }
        }
        i += len;
    }
    out
}

/// One line as a printer puts it on paper, with the modes in force when it was printed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PrintedLine {
    /// The printable text (no padding for alignment: the printer aligns it).
    pub text: String,
    /// Emphasised (`ESC E 1`).
    pub bold: bool,
    /// Double height (`GS !` with a height above 1).
    pub tall: bool,
    /// `ESC a n`: 0 left, 1 centre, 2 right.
    pub align: u8,
    /// A QR code printed here (its data), instead of text.
    pub qr: Option<String>,
}

/// The lines an ESC/POS stream prints, with bold, double height, alignment and QR codes,
/// for drawing a receipt as it comes out of the printer (`ESC d n` gives `n` blank lines).
pub fn decode_lines(bytes: &[u8]) -> Vec<PrintedLine> {
    let mut out = Vec::new();
    let mut cur = PrintedLine::default();
    let mut open = false;
    let mut stored: Option<String> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let len = match b {
            ESC | GS | DLE | FS => match command_len(&bytes[i..]) {
                Some(len) => len,
                None => break,
            },
            _ => 1,
        };
        let cmd = bytes.get(i..i + len).unwrap_or_default();
        let end_line = |cur: &mut PrintedLine, open: &mut bool, out: &mut Vec<PrintedLine>| {
            out.push(PrintedLine {
                text: std::mem::take(&mut cur.text),
                qr: None,
                ..cur.clone()
            });
            *open = false;
        };
        match cmd {
            [LF | FF] => end_line(&mut cur, &mut open, &mut out),
            [c @ 0x20..=0x7E] => {
                cur.text.push(char::from(*c));
                open = true;
            }
            [ESC, b'E', n] => cur.bold = n & 1 == 1,
            [ESC, b'a', n] => cur.align = n % 48,
            [GS, b'!', n] => cur.tall = n & 0x0F > 0,
            [ESC, b'@'] => {
                cur = PrintedLine::default();
            }
            [ESC, b'd', n] => {
                let blank = if open { n.saturating_sub(1) } else { *n };
                if open {
                    end_line(&mut cur, &mut open, &mut out);
                }
                for _ in 0..blank {
                    out.push(PrintedLine {
                        text: String::new(),
                        ..cur.clone()
                    });
                }
            }
            [GS, b'(', b'k', _, _, 49, 80, 48, data @ ..] => {
                stored = Some(String::from_utf8_lossy(data).into_owned());
            }
            [GS, b'(', b'k', _, _, 49, 81, 48] => {
                if let Some(data) = stored.take() {
                    out.push(PrintedLine {
                        text: String::new(),
                        qr: Some(data),
                        ..cur.clone()
                    });
                }
            }
            _ => {}
        }
        i += len;
    }
    if open {
        out.push(cur);
    }
    out
}

/// Ends the open line (if any) and feeds `n` lines in all.
fn feed(out: &mut String, line_open: &mut bool, n: u8) {
    let newlines = if *line_open { n.max(1) } else { n };
    out.extend((0..newlines).map(|_| '\n'));
    *line_open = false;
}

/// Total length in bytes of the command starting at `cmd[0]` (an ESC, GS, DLE or FS byte), or
/// `None` when the stream ends inside it.
fn command_len(cmd: &[u8]) -> Option<usize> {
    let at = |i: usize| cmd.get(i).copied().map(usize::from);
    let prefixed = |i: usize| -> Option<usize> { Some(at(i)? + 256 * at(i + 1)?) };
    let len = match (cmd.first().copied()?, cmd.get(1).copied()?) {
        (ESC, c) => match c {
            b'@' | b'2' | b'<' | b'i' | b'm' | b'L' | b'S' | FF => 2,
            b' ' | b'!' | b'%' | b'-' | b'3' | b'=' | b'?' | b'E' | b'G' | b'J' | b'K' | b'M'
            | b'R' | b'T' | b'U' | b'V' | b'a' | b'd' | b'e' | b'r' | b't' | b'u' | b'v' | b'{' => {
                3
            }
            b'$' | b'\\' | b'B' | b'c' => 4,
            b'p' => 5,
            b'W' => 10,
            // ESC D n1 ... nk NUL: tab stops.
            b'D' => 2 + cmd.get(2..)?.iter().position(|&b| b == 0)? + 1,
            // ESC * m nL nH data: bit image, 3 bytes per column in 24-dot modes.
            b'*' => {
                let columns = prefixed(3)?;
                let per_column = if at(2)? >= 32 { 3 } else { 1 };
                5 + columns * per_column
            }
            // ESC ( fn pL pH data.
            b'(' => 5 + prefixed(3)?,
            _ => 2,
        },
        (GS, c) => match c {
            b':' | b'c' => 2,
            b'!' | b'B' | b'b' | b'H' | b'f' | b'h' | b'w' | b'a' | b'r' | b'I' | b'/' | b'E'
            | b'Z' => 3,
            b'L' | b'W' | b'P' | b'$' | b'\\' => 4,
            b'^' => 5,
            // GS V m [n]: cut; the "feed and cut" forms (m >= 65) carry n.
            b'V' => {
                if at(2)? >= 65 {
                    4
                } else {
                    3
                }
            }
            // GS ( fn pL pH data: QR codes, 2D codes and other extended functions.
            b'(' => 5 + prefixed(3)?,
            // GS k m data NUL (m <= 6) or GS k m n data.
            b'k' => {
                let m = at(2)?;
                if m <= 6 {
                    3 + cmd.get(3..)?.iter().position(|&b| b == 0)? + 1
                } else {
                    4 + at(3)?
                }
            }
            // GS v 0 m xL xH yL yH data: raster image of (xL + 256 xH) bytes by (yL + 256 yH).
            b'v' => 8 + prefixed(4)? * prefixed(6)?,
            // GS 8 L p1 p2 p3 p4 data.
            b'8' => {
                let n = prefixed(3)? + 65_536 * prefixed(5)?;
                7 + n
            }
            // GS * x y data: downloaded bit image of x * y * 8 bytes.
            b'*' => 4 + at(2)? * at(3)? * 8,
            _ => 2,
        },
        (DLE, c) => match c {
            // DLE EOT n, DLE ENQ n: real-time status request / recovery.
            0x04 | 0x05 => 3,
            // DLE DC4 fn ...: real-time pulse (fn 1: m t), power off, clear buffer.
            0x14 => match at(2)? {
                1 | 2 => 5,
                7 => 4,
                8 => 10,
                _ => 3,
            },
            _ => 2,
        },
        (FS, c) => match c {
            b'&' | b'.' => 2,
            b'!' | b'-' | b'C' | b'W' => 3,
            b'S' | b'p' => 4,
            b'(' => 5 + prefixed(3)?,
            _ => 2,
        },
        _ => 1,
    };
    (len <= cmd.len()).then_some(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_and_line_feeds() {
        assert_eq!(decode_text(b"abc\ndef\n"), "abc\ndef\n");
        assert_eq!(decode_text(b"a\r\nb"), "a\nb");
    }

    #[test]
    fn style_commands_are_dropped() {
        let bytes =
            b"\x1b@\x1bt\x13\x1ba\x01\x1bE\x01\x1d!\x01TOTAL\n\x1d!\x00\x1bE\x00\x1b!\x10x\n";
        assert_eq!(decode_text(bytes), "TOTAL\nx\n");
    }

    #[test]
    fn arguments_that_look_like_text_are_not_text() {
        // ESC a '1' (0x31), ESC E 'A', GS ! '0': arguments in the printable range.
        assert_eq!(decode_text(b"\x1ba1\x1bEA\x1d!0ok\n"), "ok\n");
    }

    #[test]
    fn feed_commands_count_lines() {
        assert_eq!(decode_text(b"abc\x1bd\x01def\x1bd\x03"), "abc\ndef\n\n\n");
        assert_eq!(decode_text(b"abc\n\x1bd\x02"), "abc\n\n\n");
        assert_eq!(decode_text(b"abc\x1bd\x00def"), "abc\ndef");
        assert_eq!(decode_text(b"abc\x1bJ\x40def"), "abc\ndef");
    }

    #[test]
    fn cuts_drawer_and_status_are_dropped() {
        let bytes =
            b"\x1bp\x00\x19\xfaA\n\x1dVB\x00\x1dV\x00\x1dVA\x01\x10\x04\x01\x10\x04\x04\x1bi\x1bmB";
        assert_eq!(decode_text(bytes), "A\nB");
    }

    #[test]
    fn qr_and_barcode_payloads_are_skipped() {
        let mut bytes = b"x\n".to_vec();
        bytes.extend_from_slice(b"\x1d(k\x04\x001A2\x00");
        bytes.extend_from_slice(b"\x1d(k\x03\x001C\x05");
        bytes.extend_from_slice(b"\x1d(k\x0c\x001P0SALE-0001\x1d(k\x03\x001Q0");
        bytes.extend_from_slice(b"\x1dkC\x0d8991234567891");
        bytes.extend_from_slice(b"\x1dk\x02899123456789\x00");
        bytes.extend_from_slice(b"\x1dv0\x00\x02\x00\x02\x00ABCD");
        bytes.extend_from_slice(b"y\n");
        assert_eq!(decode_text(&bytes), "x\ny\n");
    }

    #[test]
    fn qr_codes_are_read_back() {
        let mut bytes = b"x\n".to_vec();
        bytes.extend_from_slice(b"\x1d(k\x04\x001A2\x00\x1d(k\x03\x001C\x05");
        bytes.extend_from_slice(b"\x1d(k\x0c\x001P0SALE-0001\x1d(k\x03\x001Q0");
        // Stored but never printed: not on paper.
        bytes.extend_from_slice(b"\x1d(k\x06\x001P0ABC");
        assert_eq!(decode_qr(&bytes), vec!["SALE-0001".to_owned()]);
        assert_eq!(decode_text(&bytes), "x\n");
        assert!(decode_qr(b"plain\n").is_empty());
    }

    #[test]
    fn lines_keep_their_modes() {
        let bytes = b"\x1b@\x1ba\x01\x1bE\x01Koperasi\n\x1bE\x00\x1ba\x00x\n\x1d!\x01\x1bE\x01TOTAL\n\x1d!\x00\x1bE\x00\x1bd\x02";
        let lines = decode_lines(bytes);
        let show: Vec<(&str, bool, bool, u8)> = lines
            .iter()
            .map(|l| (l.text.as_str(), l.bold, l.tall, l.align))
            .collect();
        assert_eq!(
            show,
            vec![
                ("Koperasi", true, false, 1),
                ("x", false, false, 0),
                ("TOTAL", true, true, 0),
                ("", false, false, 0),
                ("", false, false, 0),
            ]
        );
        let qr = decode_lines(b"\x1d(k\x0c\x001P0SALE-0001\x1d(k\x03\x001Q0");
        assert_eq!(qr.len(), 1);
        assert_eq!(qr[0].qr.as_deref(), Some("SALE-0001"));
    }

    #[test]
    fn non_ascii_bytes_show_as_replacement_character() {
        assert_eq!(decode_text(b"a\xf0b\n"), "a\u{FFFD}b\n");
    }

    #[test]
    fn truncated_command_ends_decoding() {
        assert_eq!(decode_text(b"ok\n\x1d(k\x10\x001P0abc"), "ok\n");
        assert_eq!(decode_text(b"ok\n\x1b"), "ok\n");
    }
}
