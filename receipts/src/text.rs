//! ASCII-safe text and word wrapping.
//!
//! Every string a caller hands us (shop name, product names, member names, footer lines) is
//! made ASCII-safe before layout: printers differ in the code pages they know, and a control
//! byte inside a product name must never reach the printer as a command. After this step one
//! character is one byte is one printed column, which the width arithmetic relies on.

/// Returns `text` as printable ASCII: accented letters lose their accents (`é` → `e`), typographic
/// punctuation becomes its ASCII look-alike (curly quotes → `'` / `"`, dashes → `-`), tabs and
/// line breaks become spaces, other control characters (ESC, GS, DLE, NUL, DEL, C1, zero-width
/// and bidi marks) are dropped, and anything else becomes `?`.
pub fn ascii_safe(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ' '..='~' => out.push(c),
            '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' => out.push(' '),
            c if c.is_control() => {}
            c => out.push_str(transliterate(c)),
        }
    }
    out
}

/// ASCII stand-in for one non-ASCII, non-control character.
fn transliterate(c: char) -> &'static str {
    match c {
        'À' | 'Á' | 'Â' | 'Ã' | 'Ä' | 'Å' | 'Ā' | 'Ă' | 'Ą' => "A",
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ā' | 'ă' | 'ą' | 'ª' => "a",
        'Æ' => "AE",
        'æ' => "ae",
        'Ç' | 'Ć' | 'Č' => "C",
        'ç' | 'ć' | 'č' => "c",
        'Ð' | 'Ď' | 'Đ' => "D",
        'ð' | 'ď' | 'đ' => "d",
        'È' | 'É' | 'Ê' | 'Ë' | 'Ē' | 'Ė' | 'Ę' | 'Ě' => "E",
        'è' | 'é' | 'ê' | 'ë' | 'ē' | 'ė' | 'ę' | 'ě' => "e",
        'Ğ' => "G",
        'ğ' => "g",
        'Ì' | 'Í' | 'Î' | 'Ï' | 'Ī' | 'İ' => "I",
        'ì' | 'í' | 'î' | 'ï' | 'ī' | 'ı' => "i",
        'Ł' => "L",
        'ł' => "l",
        'Ñ' | 'Ń' | 'Ň' => "N",
        'ñ' | 'ń' | 'ň' => "n",
        'Ò' | 'Ó' | 'Ô' | 'Õ' | 'Ö' | 'Ø' | 'Ō' | 'Ő' => "O",
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' | 'ō' | 'ő' | 'º' => "o",
        'Œ' => "OE",
        'œ' => "oe",
        'Ř' => "R",
        'ř' => "r",
        'Ś' | 'Š' | 'Ş' => "S",
        'ś' | 'š' | 'ş' => "s",
        'ß' => "ss",
        'Ť' | 'Ţ' => "T",
        'ť' | 'ţ' => "t",
        'Þ' => "Th",
        'þ' => "th",
        'Ù' | 'Ú' | 'Û' | 'Ü' | 'Ū' | 'Ů' | 'Ű' => "U",
        'ù' | 'ú' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
        'Ý' | 'Ÿ' => "Y",
        'ý' | 'ÿ' => "y",
        'Ź' | 'Ż' | 'Ž' => "Z",
        'ź' | 'ż' | 'ž' => "z",
        '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' | '\u{2032}' | '\u{00B4}' => "'",
        '\u{201C}' | '\u{201D}' | '\u{201E}' | '\u{201F}' | '\u{2033}' | '\u{00AB}'
        | '\u{00BB}' => "\"",
        '\u{2010}' | '\u{2011}' | '\u{2012}' | '\u{2013}' | '\u{2014}' | '\u{2015}'
        | '\u{2212}' => "-",
        '\u{2026}' => "...",
        '\u{2022}' | '\u{00B7}' | '\u{2027}' => "*",
        '\u{00D7}' => "x",
        '\u{00F7}' => "/",
        '\u{00B0}' => "o",
        '\u{00B1}' => "+/-",
        '\u{00B5}' | '\u{03BC}' => "u",
        '\u{00B2}' => "2",
        '\u{00B3}' => "3",
        '\u{00B9}' => "1",
        '\u{00BC}' => "1/4",
        '\u{00BD}' => "1/2",
        '\u{00BE}' => "3/4",
        '\u{00A9}' => "(c)",
        '\u{00AE}' => "(R)",
        '\u{2122}' => "TM",
        '\u{20AC}' => "EUR",
        '\u{00A3}' => "GBP",
        '\u{00A2}' => "c",
        '\u{2116}' => "No.",
        // Spaces of every width become a plain space.
        '\u{00A0}' | '\u{2000}'..='\u{200A}' | '\u{202F}' | '\u{205F}' | '\u{3000}' => " ",
        // Invisible format characters (zero-width, joiners, bidi marks, BOM, soft hyphen).
        '\u{00AD}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' => "",
        '\u{2066}'..='\u{2069}' | '\u{FEFF}' => "",
        _ => "?",
    }
}

/// Number of printed columns of ASCII-safe text.
pub(crate) fn columns(text: &str) -> usize {
    text.chars().count()
}

/// Splits ASCII-safe `text` into lines of at most `width` columns, breaking at spaces. A single
/// word longer than the width is cut into pieces of exactly `width`. Runs of spaces collapse;
/// blank text gives no lines.
pub(crate) fn wrap(text: &str, width: usize) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word_cols = columns(word);
        if !current.is_empty() && columns(&current) + 1 + word_cols <= width {
            current.push(' ');
            current.push_str(word);
            continue;
        }
        if !current.is_empty() {
            // A number goes to the next line with its unit ("2" / "L Pouch" → "2 L Pouch").
            let carried = match current.rsplit_once(' ') {
                Some((head, number))
                    if is_number(number)
                        && word_cols <= 4
                        && columns(number) + 1 + word_cols <= width =>
                {
                    let number = number.to_owned();
                    current.truncate(head.len());
                    Some(number)
                }
                _ => None,
            };
            lines.push(std::mem::take(&mut current));
            if let Some(number) = carried {
                current = format!("{number} {word}");
                continue;
            }
        }
        let chars: Vec<char> = word.chars().collect();
        let mut pieces = chars.chunks(width).peekable();
        while let Some(piece) = pieces.next() {
            let piece: String = piece.iter().collect();
            if pieces.peek().is_some() {
                lines.push(piece);
            } else {
                current = piece;
            }
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    no_orphan(&mut lines, width);
    lines
}

/// A quantity such as `2`, `1,5` or `250`, which belongs with the unit after it.
fn is_number(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
        && word
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
}

/// A last line of one word ("Bogor", "g") takes the previous line's last word with it when
/// both fit, so `… Kab.` / `Bogor` prints as `…` / `Kab. Bogor`.
fn no_orphan(lines: &mut [String], width: usize) {
    let [.., prev, last] = lines else {
        return;
    };
    if last.contains(' ') {
        return;
    }
    let Some((head, word)) = prev.rsplit_once(' ') else {
        return;
    };
    if columns(word) + 1 + columns(last) <= width {
        *last = format!("{word} {last}");
        *prev = head.to_owned();
    }
}

/// `text` preceded by enough spaces to end at column `width`.
pub(crate) fn right_align(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(columns(text))))
}

/// `text` preceded by enough spaces to centre it in `width` columns (no trailing spaces).
pub(crate) fn centre(text: &str, width: usize) -> String {
    format!(
        "{}{text}",
        " ".repeat(width.saturating_sub(columns(text)) / 2)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ascii_text_passes_unchanged() {
        let s = "Beras Premium 5kg @Rp72.000 (promo) #1 ~ok~ {a|b} [c] \\ ^_^";
        assert_eq!(ascii_safe(s), s);
    }

    #[test]
    fn accents_and_typography_are_transliterated() {
        assert_eq!(ascii_safe("Crème brûlée"), "Creme brulee");
        assert_eq!(ascii_safe("Café Ñoño"), "Cafe Nono");
        assert_eq!(
            ascii_safe("\u{201C}Indomie\u{201D} Jum\u{2019}at"),
            "\"Indomie\" Jum'at"
        );
        assert_eq!(ascii_safe("5\u{2013}10 tablet\u{2026}"), "5-10 tablet...");
        assert_eq!(
            ascii_safe("Vit C 500\u{00A0}mg \u{00D7} 10"),
            "Vit C 500 mg x 10"
        );
        assert_eq!(ascii_safe("25\u{00B0}C, 5 \u{00B5}g"), "25oC, 5 ug");
        assert_eq!(ascii_safe("Stra\u{00DF}e"), "Strasse");
        assert_eq!(ascii_safe("\u{20AC}5"), "EUR5");
    }

    #[test]
    fn unknown_characters_become_question_marks() {
        assert_eq!(ascii_safe("Teh \u{1F375} 日本"), "Teh ? ??");
    }

    #[test]
    fn control_characters_are_stripped() {
        assert_eq!(
            ascii_safe("Gula\u{1B}@\u{1D}V\u{0}A Pasir"),
            "Gula@VA Pasir"
        );
        assert_eq!(
            ascii_safe("a\u{10}\u{4}\u{1}b\u{7F}c\u{85}d\u{9B}e"),
            "abcde"
        );
        assert_eq!(ascii_safe("Minyak\nGoreng\t2L\r"), "Minyak Goreng 2L ");
        assert_eq!(
            ascii_safe("zero\u{200B}width\u{FEFF}\u{202E}rtl"),
            "zerowidthrtl"
        );
    }

    #[test]
    fn ascii_safe_output_is_printable_ascii() {
        let nasty: String = (0u32..0x3000).filter_map(char::from_u32).collect();
        let clean = ascii_safe(&nasty);
        assert!(
            clean.bytes().all(|b| (0x20..=0x7E).contains(&b)),
            "{clean:?}"
        );
    }

    #[test]
    fn wrap_breaks_at_word_boundaries() {
        assert_eq!(
            wrap("Minyak Goreng Bimoli Spesial Pouch 2 Liter", 20),
            vec!["Minyak Goreng Bimoli", "Spesial Pouch", "2 Liter"]
        );
        // A number stays with its unit.
        assert_eq!(
            wrap("Minyak Goreng Bimoli 2 L Pouch", 22),
            vec!["Minyak Goreng Bimoli", "2 L Pouch"]
        );
        // No one-word orphans: the unit stays with its number, the regency with its name.
        assert_eq!(
            wrap("Biskuit Roma Kelapa Berlubang 190 g", 32),
            vec!["Biskuit Roma Kelapa Berlubang", "190 g"]
        );
        assert_eq!(
            wrap("Jl. Raya Sukamaju No. 12, Kab. Bogor", 32),
            vec!["Jl. Raya Sukamaju No. 12,", "Kab. Bogor"]
        );
        assert_eq!(wrap("Gula Pasir 1kg", 32), vec!["Gula Pasir 1kg"]);
    }

    #[test]
    fn wrap_fits_exactly_at_width() {
        assert_eq!(wrap("aaaa bbbb", 9), vec!["aaaa bbbb"]);
        assert_eq!(wrap("aaaa bbbbb", 9), vec!["aaaa", "bbbbb"]);
    }

    #[test]
    fn wrap_cuts_only_words_longer_than_the_width() {
        assert_eq!(
            wrap("ab SUPERCALIFRAGILISTIC x", 8),
            vec!["ab", "SUPERCAL", "IFRAGILI", "STIC x"]
        );
        assert_eq!(wrap("12345678", 8), vec!["12345678"]);
        assert_eq!(wrap("123456789", 8), vec!["12345678", "9"]);
    }

    #[test]
    fn wrap_collapses_spaces_and_drops_blank_text() {
        assert_eq!(wrap("  Teh   Botol  ", 32), vec!["Teh Botol"]);
        assert!(wrap("", 32).is_empty());
        assert!(wrap("     ", 32).is_empty());
    }

    #[test]
    fn padding_helpers() {
        assert_eq!(right_align("Rp1.000", 10), "   Rp1.000");
        assert_eq!(right_align("too long text", 5), "too long text");
        assert_eq!(centre("abc", 9), "   abc");
        assert_eq!(centre("abcd", 9), "  abcd");
    }
}
