//! The printer self-test page: shows whether the configured paper width, the characters and the
//! styles come out right, without any shop data.

use rust_decimal::Decimal;

use crate::layout::{Layout, Style};
use crate::money::rupiah;
use crate::{render, EscposOptions, Lang, Paper};

/// The test page as plain text (what the page should look like).
pub fn test_page_text(paper: Paper, lang: Lang) -> String {
    render::text(&layout(paper, lang))
}

/// The test page as one ESC/POS job, cut at the end, no drawer kick.
pub fn test_page_escpos(paper: Paper, lang: Lang) -> Vec<u8> {
    render::escpos(&layout(paper, lang), &EscposOptions::default())
}

pub(crate) fn layout(paper: Paper, lang: Lang) -> Layout {
    let l = lang.labels();
    let width = paper.columns();
    let mut doc = Layout::new(paper);

    doc.centre(l.test_title, Style::TALL);
    doc.centre("kasir", Style::NORMAL);
    doc.centre(
        &format!("{} mm, {width} {}", paper.millimetres(), l.columns),
        Style::NORMAL,
    );
    doc.separator();

    // Ruler: a digit in every column, tens above. A printer set to fewer columns wraps these.
    let tens: String = (1..=width)
        .map(|c| {
            if c % 10 == 0 {
                char::from(b'0' + ((c / 10) % 10) as u8)
            } else {
                ' '
            }
        })
        .collect();
    let units: String = (1..=width)
        .map(|c| char::from(b'0' + (c % 10) as u8))
        .collect();
    doc.verbatim(&tens, Style::NORMAL);
    doc.verbatim(&units, Style::NORMAL);
    doc.left(&format!("<{}>", "-".repeat(width - 2)), Style::NORMAL);
    doc.separator();

    doc.left(l.normal_sample, Style::NORMAL);
    doc.left(l.bold_sample, Style::BOLD);
    doc.left(l.tall_sample, Style::TALL);
    doc.centre(l.centred_sample, Style::NORMAL);
    doc.pair(
        &rupiah(Decimal::new(-1000, 0)),
        &rupiah(Decimal::new(123_456_789, 2)),
        Style::NORMAL,
    );
    let ascii: String = (0x21u8..=0x7E).map(char::from).collect();
    doc.left(&ascii, Style::NORMAL);
    doc.separator();
    doc.centre(l.test_end, Style::NORMAL);
    doc
}
