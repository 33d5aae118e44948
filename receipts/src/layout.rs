//! The one layout every document goes through: a list of printed lines with their style and
//! alignment, already wrapped and padded to the paper width.
//!
//! Invariants, relied on by both renderers:
//! - every `Text` element holds printable ASCII only (caller text passes [`ascii_safe`]);
//! - every `Text` element is at most `width` columns long and carries no trailing spaces;
//! - left/right pairs are padded with spaces here, so both outputs show identical lines; only
//!   whole-line centring and right alignment are left to the renderer (padding in the text
//!   preview, `ESC a 1` / `ESC a 2` on the printer, which saves the padding bytes on the wire).

use crate::text::{ascii_safe, centre, columns, right_align, wrap};
use crate::Paper;

/// Character style of one printed line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Style {
    pub bold: bool,
    /// Double height (same width, so the column count is unchanged).
    pub tall: bool,
}

impl Style {
    pub const NORMAL: Style = Style {
        bold: false,
        tall: false,
    };
    pub const BOLD: Style = Style {
        bold: true,
        tall: false,
    };
    /// Bold and double height: totals and titles.
    pub const TALL: Style = Style {
        bold: true,
        tall: true,
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Align {
    #[default]
    Left,
    Centre,
    Right,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Element {
    /// One printed line.
    Text {
        text: String,
        align: Align,
        style: Style,
    },
    /// A full-width line of '-'.
    Separator,
    /// Blank lines.
    Feed(u8),
    /// A centred QR code (printable ASCII data); no text line on either output.
    Qr(String),
}

/// Spaces between the label and amount columns of a right-aligned block.
const BLOCK_GAP: usize = 2;

/// Spaces before each column of a table row ([`Layout::row`]).
pub(crate) const COLUMN_GAP: usize = 2;

/// Longest QR payload the ESC/POS QR command takes; longer data is left out of the layout.
const QR_MAX_BYTES: usize = 7089;

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Layout {
    pub width: usize,
    pub elements: Vec<Element>,
}

impl Layout {
    pub fn new(paper: Paper) -> Self {
        Self {
            width: paper.columns(),
            elements: Vec::new(),
        }
    }

    fn push_text(&mut self, text: String, align: Align, style: Style) {
        debug_assert!(
            columns(&text) <= self.width,
            "{text:?} wider than {}",
            self.width
        );
        self.elements.push(Element::Text {
            text: text.trim_end().to_owned(),
            align,
            style,
        });
    }

    /// Caller text, wrapped and centred; blank text prints nothing.
    pub fn centre(&mut self, text: &str, style: Style) {
        for line in wrap(&ascii_safe(text), self.width) {
            self.push_text(line, Align::Centre, style);
        }
    }

    /// The head of a slip: the shop in bold, its unit, the document's title tall, a rule.
    pub fn slip_head(&mut self, shop: &str, unit: &str, title: &str) {
        self.centre(shop, Style::BOLD);
        self.centre(unit, Style::NORMAL);
        self.centre(title, Style::TALL);
        self.separator();
    }

    /// Caller text, wrapped, left-aligned.
    pub fn left(&mut self, text: &str, style: Style) {
        self.indented(0, text, style);
    }

    /// One line kept as it is (spaces included), cut at the paper width: rulers and samples.
    pub fn verbatim(&mut self, text: &str, style: Style) {
        let line: String = ascii_safe(text).chars().take(self.width).collect();
        if !line.trim().is_empty() {
            self.push_text(line, Align::Left, style);
        }
    }

    /// Caller text, wrapped, each line starting after `indent` spaces.
    pub fn indented(&mut self, indent: usize, text: &str, style: Style) {
        let indent = indent.min(self.width / 2);
        for line in wrap(&ascii_safe(text), self.width - indent) {
            self.push_text(format!("{}{line}", " ".repeat(indent)), Align::Left, style);
        }
    }

    /// `left` at the left edge and `right` at the right edge of the same line; when they do not
    /// fit together, `left` wraps and `right` goes right-aligned on the line(s) below.
    pub fn pair(&mut self, left: &str, right: &str, style: Style) {
        self.pair_indented(0, left, right, style);
    }

    /// Like [`Layout::pair`], with the left part indented by `indent` spaces.
    pub fn pair_indented(&mut self, indent: usize, left: &str, right: &str, style: Style) {
        let width = self.width;
        let indent = indent.min(width / 2);
        let pad = " ".repeat(indent);
        let mut lines: Vec<String> = wrap(&ascii_safe(left), width - indent)
            .into_iter()
            .map(|l| format!("{pad}{l}"))
            .collect();
        let right_lines = wrap(&ascii_safe(right), width);
        let joined = match (lines.last_mut(), right_lines.as_slice()) {
            (Some(last), [only]) if columns(last) + 1 + columns(only) <= width => {
                let gap = width - columns(last) - columns(only);
                last.push_str(&" ".repeat(gap));
                last.push_str(only);
                true
            }
            _ => false,
        };
        for line in lines {
            self.push_text(line, Align::Left, style);
        }
        if !joined {
            for line in right_lines {
                self.push_text(line, Align::Right, style);
            }
        }
    }

    /// A table row: `name` wrapped in the first column, and `cells` right-aligned in
    /// columns of the given widths (each after [`COLUMN_GAP`] spaces) on the name's first
    /// line. The caller sizes the columns so the cells fit.
    pub fn row(&mut self, name: &str, cells: &[(String, usize)], style: Style) {
        let fixed: usize = cells.iter().map(|(_, w)| w + COLUMN_GAP).sum();
        let name_cols = self.width.saturating_sub(fixed).max(1);
        let mut names = wrap(&ascii_safe(name), name_cols).into_iter();
        let mut first = format!("{:<name_cols$}", names.next().unwrap_or_default());
        for (cell, w) in cells {
            let cell = ascii_safe(cell);
            first.push_str(&format!("{:>gap$}{cell:>w$}", "", gap = COLUMN_GAP));
        }
        let first: String = first.chars().take(self.width).collect();
        self.push_text(first, Align::Left, style);
        for line in names {
            self.push_text(line, Align::Left, style);
        }
    }

    /// Label/amount rows as a right-aligned block: labels in one column, amounts right-aligned
    /// in the next, the block flush with the right edge. Falls back to full-width pairs when the
    /// longest label and amount do not fit side by side.
    pub fn right_block(&mut self, rows: &[(String, String, Style)]) {
        let rows: Vec<(String, String, Style)> = rows
            .iter()
            .map(|(label, amount, style)| {
                let one_line = |s: &str| wrap(&ascii_safe(s), usize::MAX).join(" ");
                (one_line(label), one_line(amount), *style)
            })
            .collect();
        let label_cols = rows.iter().map(|r| columns(&r.0)).max().unwrap_or(0);
        let amount_cols = rows.iter().map(|r| columns(&r.1)).max().unwrap_or(0);
        if label_cols + BLOCK_GAP + amount_cols > self.width {
            for (label, amount, style) in &rows {
                self.pair(label, amount, *style);
            }
            return;
        }
        for (label, amount, style) in rows {
            let line = format!(
                "{label:<label_cols$}{:gap$}{amount:>amount_cols$}",
                "",
                gap = BLOCK_GAP
            );
            self.push_text(line, Align::Right, style);
        }
    }

    pub fn separator(&mut self) {
        self.elements.push(Element::Separator);
    }

    pub fn feed(&mut self, lines: u8) {
        if lines > 0 {
            self.elements.push(Element::Feed(lines));
        }
    }

    /// A QR code of caller data (made ASCII-safe); blank or oversized data prints nothing.
    pub fn qr(&mut self, data: &str) {
        let data = ascii_safe(data).trim().to_owned();
        if !data.is_empty() && data.len() <= QR_MAX_BYTES {
            self.elements.push(Element::Qr(data));
        }
    }

    /// The lines as the plain-text preview shows them (one `String` per printed line).
    pub fn text_lines(&self) -> Vec<String> {
        let mut out = Vec::new();
        for element in &self.elements {
            match element {
                Element::Text { text, align, .. } => out.push(match align {
                    Align::Left => text.clone(),
                    Align::Centre => centre(text, self.width),
                    Align::Right => right_align(text, self.width),
                }),
                Element::Separator => out.push(self.separator_line()),
                Element::Feed(n) => out.extend((0..*n).map(|_| String::new())),
                Element::Qr(_) => {}
            }
        }
        out
    }

    pub fn separator_line(&self) -> String {
        "-".repeat(self.width)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(layout: &Layout) -> Vec<String> {
        layout.text_lines()
    }

    #[test]
    fn pair_puts_left_and_right_on_one_line_when_they_fit() {
        let mut l = Layout::new(Paper::Mm58);
        l.pair("Subtotal", "Rp150.500", Style::NORMAL);
        assert_eq!(lines(&l), vec!["Subtotal               Rp150.500"]);
        assert_eq!(lines(&l)[0].len(), 32);
    }

    #[test]
    fn pair_moves_right_part_below_when_too_long() {
        let mut l = Layout::new(Paper::Mm58);
        l.pair_indented(
            2,
            "1.234,567 karung x Rp1.000.000",
            "Rp1.234.567.000",
            Style::NORMAL,
        );
        assert_eq!(
            lines(&l),
            vec![
                "  1.234,567 karung x Rp1.000.000",
                "                 Rp1.234.567.000"
            ]
        );
        let mut l = Layout::new(Paper::Mm58);
        l.pair("Remaining credit limit:", "Rp12.345.678", Style::NORMAL);
        assert_eq!(
            lines(&l),
            vec![
                "Remaining credit limit:",
                "                    Rp12.345.678"
            ]
        );
    }

    #[test]
    fn right_block_aligns_labels_and_amounts() {
        let mut l = Layout::new(Paper::Mm58);
        let rows = [
            ("Subtotal".to_owned(), "Rp298.950".to_owned(), Style::NORMAL),
            ("Pembulatan".to_owned(), "-Rp50".to_owned(), Style::NORMAL),
            ("TOTAL".to_owned(), "Rp296.900".to_owned(), Style::TALL),
        ];
        l.right_block(&rows);
        assert_eq!(
            lines(&l),
            vec![
                "           Subtotal    Rp298.950",
                "           Pembulatan      -Rp50",
                "           TOTAL       Rp296.900",
            ]
        );
        assert!(l.elements.iter().all(|e| matches!(
            e,
            Element::Text {
                align: Align::Right,
                ..
            }
        )));
    }

    #[test]
    fn right_block_falls_back_to_pairs_when_too_wide() {
        let mut l = Layout::new(Paper::Mm58);
        let rows = [
            (
                "Transfer Bank Rakyat Indonesia".to_owned(),
                "Rp1.000".to_owned(),
                Style::NORMAL,
            ),
            ("TOTAL".to_owned(), "Rp1.000".to_owned(), Style::TALL),
        ];
        l.right_block(&rows);
        assert_eq!(
            lines(&l),
            vec![
                "Transfer Bank Rakyat Indonesia",
                "                         Rp1.000",
                "TOTAL                    Rp1.000",
            ]
        );
    }

    #[test]
    fn pair_with_empty_left_right_aligns() {
        let mut l = Layout::new(Paper::Mm58);
        l.pair("", "Rp1.000", Style::NORMAL);
        assert_eq!(lines(&l), vec!["                         Rp1.000"]);
    }

    #[test]
    fn indented_wrap_keeps_indent_on_every_line() {
        let mut l = Layout::new(Paper::Mm58);
        l.indented(
            2,
            "Batch: B2301-XYZ Kedaluwarsa: 31/12/2026 simpan di tempat sejuk",
            Style::NORMAL,
        );
        for line in lines(&l) {
            assert!(
                line.starts_with("  ") && !line.starts_with("   "),
                "{line:?}"
            );
            assert!(line.len() <= 32);
        }
    }

    #[test]
    fn centre_wraps_and_centres_caller_text() {
        let mut l = Layout::new(Paper::Mm58);
        l.centre(
            "Jl. Raya Cibodas No. 12, Desa Sukamaju, Kec. Cisarua",
            Style::NORMAL,
        );
        assert_eq!(
            lines(&l),
            vec![
                " Jl. Raya Cibodas No. 12, Desa",
                "     Sukamaju, Kec. Cisarua"
            ]
        );
    }

    #[test]
    fn verbatim_keeps_spaces_and_cuts_at_width() {
        let mut l = Layout::new(Paper::Mm58);
        l.verbatim("         1         2         3         4", Style::NORMAL);
        assert_eq!(lines(&l), vec!["         1         2         3"]);
    }

    #[test]
    fn blank_text_and_blank_qr_print_nothing() {
        let mut l = Layout::new(Paper::Mm80);
        l.centre("   ", Style::BOLD);
        l.left("", Style::NORMAL);
        l.qr("  ");
        l.feed(0);
        assert!(l.elements.is_empty());
    }
}
