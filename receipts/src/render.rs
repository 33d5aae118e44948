//! The two renderers of a [`Layout`]: plain text and ESC/POS bytes.
//!
//! ESC/POS commands are built with the `escpos` crate where its bytes are right, and sent raw
//! (from [`crate::raw`]) where escpos 0.20 is wrong: the drawer pulse, the partial cut and the
//! code page selection (letting the crate know the code page would make it translate '-' to
//! 0xF0). Text is written with no code page set in the crate, so our ASCII goes out byte for
//! byte.

use std::cell::RefCell;

use escpos::driver::Driver;
use escpos::errors::Result as EscposResult;
use escpos::printer::Printer;
use escpos::utils::{JustifyMode, Protocol, QRCodeCorrectionLevel, QRCodeModel, QRCodeOption};

use crate::layout::{Align, Element, Layout, Style};
use crate::{raw, EscposOptions};

/// Blank lines fed after the last line so it clears the tear bar / cutter.
pub(crate) const FEED_BEFORE_CUT: u8 = 4;

/// The plain-text preview: one line per printed line, each ending in '\n'.
pub(crate) fn text(layout: &Layout) -> String {
    let mut out = String::new();
    for line in layout.text_lines() {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The ESC/POS job for a layout.
pub(crate) fn escpos(layout: &Layout, opts: &EscposOptions) -> Vec<u8> {
    // The crate's builders fail only on out-of-range arguments (text size outside 1..=8, QR data
    // over 7089 bytes) which the layout never produces. Should one fail anyway, the document
    // still prints, as plain lines without styles.
    escpos_styled(layout, opts).unwrap_or_else(|_| escpos_plain(layout, opts))
}

/// An `escpos` driver writing into memory, so `Printer` builds a byte buffer for our transports.
#[derive(Default)]
struct MemoryDriver {
    buf: RefCell<Vec<u8>>,
}

impl Driver for MemoryDriver {
    fn name(&self) -> String {
        "memory".to_owned()
    }

    fn write(&self, data: &[u8]) -> EscposResult<()> {
        self.buf.borrow_mut().extend_from_slice(data);
        Ok(())
    }

    fn read(&self, _buf: &mut [u8]) -> EscposResult<usize> {
        Ok(0)
    }

    fn flush(&self) -> EscposResult<()> {
        Ok(())
    }
}

/// Printer modes as they stand after `ESC @`.
#[derive(Clone, Copy, PartialEq, Eq)]
struct Mode {
    align: Align,
    style: Style,
}

const AFTER_INIT: Mode = Mode {
    align: Align::Left,
    style: Style::NORMAL,
};

fn escpos_styled(layout: &Layout, opts: &EscposOptions) -> EscposResult<Vec<u8>> {
    let mut p = Printer::new(MemoryDriver::default(), Protocol::default(), None);
    p.init()?;
    if opts.drawer_kick {
        p.custom(raw::DRAWER_KICK)?;
    }
    p.custom(raw::SELECT_PC858)?;

    let mut mode = AFTER_INIT;
    for element in &layout.elements {
        match element {
            Element::Text { text, align, style } => {
                set_mode(&mut p, &mut mode, *align, *style)?;
                p.write(&format!("{text}\n"))?;
            }
            Element::Separator => {
                set_mode(&mut p, &mut mode, Align::Left, Style::NORMAL)?;
                p.write(&format!("{}\n", layout.separator_line()))?;
            }
            Element::Feed(n) => {
                p.feeds(*n)?;
            }
            Element::Qr(data) => {
                set_mode(&mut p, &mut mode, Align::Centre, Style::NORMAL)?;
                let size = if layout.width > 32 { 6 } else { 5 };
                p.qrcode_option(
                    data,
                    QRCodeOption::new(QRCodeModel::Model2, size, QRCodeCorrectionLevel::M),
                )?;
            }
        }
    }
    set_mode(&mut p, &mut mode, Align::Left, Style::NORMAL)?;
    p.feeds(FEED_BEFORE_CUT)?;
    if opts.cut {
        p.custom(raw::PARTIAL_CUT)?;
    }
    p.print()?;
    Ok(p.driver().buf.into_inner())
}

/// Emits only the mode changes needed to go from `mode` to the wanted one.
fn set_mode(
    p: &mut Printer<MemoryDriver>,
    mode: &mut Mode,
    align: Align,
    style: Style,
) -> EscposResult<()> {
    if mode.align != align {
        p.justify(match align {
            Align::Left => JustifyMode::LEFT,
            Align::Centre => JustifyMode::CENTER,
            Align::Right => JustifyMode::RIGHT,
        })?;
    }
    if mode.style.bold != style.bold {
        p.bold(style.bold)?;
    }
    if mode.style.tall != style.tall {
        // GS ! 0x01 (double height, normal width) / GS ! 0x00.
        if style.tall {
            p.size(1, 2)?;
        } else {
            p.reset_size()?;
        }
    }
    *mode = Mode { align, style };
    Ok(())
}

/// The same lines without styles, alignment commands or QR, from raw bytes only.
fn escpos_plain(layout: &Layout, opts: &EscposOptions) -> Vec<u8> {
    let mut out = raw::INIT.to_vec();
    if opts.drawer_kick {
        out.extend_from_slice(raw::DRAWER_KICK);
    }
    for line in layout.text_lines() {
        out.extend(line.bytes().filter(|b| (0x20..=0x7E).contains(b)));
        out.push(b'\n');
    }
    out.extend_from_slice(&[0x1B, b'd', FEED_BEFORE_CUT]);
    if opts.cut {
        out.extend_from_slice(raw::PARTIAL_CUT);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{decode_text, Paper};

    fn sample() -> Layout {
        let mut l = Layout::new(Paper::Mm58);
        l.centre("Koperasi", Style::BOLD);
        l.separator();
        l.pair("TOTAL", "Rp1.000", Style::TALL);
        l.qr("S-1");
        l.feed(1);
        l.left("Terima kasih", Style::NORMAL);
        l
    }

    #[test]
    fn text_renders_every_line_with_newline() {
        assert_eq!(
            text(&sample()),
            "            Koperasi\n--------------------------------\nTOTAL                    Rp1.000\n\nTerima kasih\n"
        );
    }

    #[test]
    fn plain_fallback_prints_the_same_lines() {
        let l = sample();
        let opts = EscposOptions {
            cut: true,
            drawer_kick: true,
        };
        let bytes = escpos_plain(&l, &opts);
        assert!(bytes.starts_with(&[raw::INIT, raw::DRAWER_KICK].concat()));
        assert!(bytes.ends_with(raw::PARTIAL_CUT));
        assert_eq!(decode_text(&bytes).trim_end(), text(&l).trim_end());
    }

    #[test]
    fn styles_switch_only_on_change() {
        let mut l = Layout::new(Paper::Mm58);
        l.left("a", Style::BOLD);
        l.left("b", Style::BOLD);
        l.left("c", Style::NORMAL);
        let bytes = escpos(&l, &EscposOptions::default());
        let bold_on = bytes.windows(3).filter(|w| w == &[0x1B, b'E', 1]).count();
        let bold_off = bytes.windows(3).filter(|w| w == &[0x1B, b'E', 0]).count();
        assert_eq!((bold_on, bold_off), (1, 1));
        assert!(contains(&bytes, b"\x1bE\x01a\nb\n\x1bE\x00c\n"));
    }

    fn contains(hay: &[u8], needle: &[u8]) -> bool {
        hay.windows(needle.len()).any(|w| w == needle)
    }
}
