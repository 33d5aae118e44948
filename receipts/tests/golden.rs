//! Golden files of the text output: realistic documents, reviewed by eye in
//! `tests/snapshots/*.snap`. A layout change shows up as a snapshot diff.

mod common;

use common::*;
use kasir_receipts::*;

#[test]
fn sembako_receipt_58mm() {
    insta::assert_snapshot!(receipt_text(&sembako(), Paper::Mm58, Lang::Id));
}

#[test]
fn sembako_receipt_80mm() {
    insta::assert_snapshot!(receipt_text(&sembako(), Paper::Mm80, Lang::Id));
}

#[test]
fn sembako_receipt_58mm_english() {
    insta::assert_snapshot!(receipt_text(&sembako(), Paper::Mm58, Lang::En));
}

#[test]
fn apotek_member_kasbon_reprint_58mm() {
    insta::assert_snapshot!(receipt_text(&apotek_member_copy(), Paper::Mm58, Lang::Id));
}

#[test]
fn apotek_member_kasbon_reprint_80mm_english() {
    insta::assert_snapshot!(receipt_text(&apotek_member_copy(), Paper::Mm80, Lang::En));
}

#[test]
fn x_report_58mm() {
    insta::assert_snapshot!(shift_report_text(&x_report(), Paper::Mm58, Lang::Id));
}

#[test]
fn z_report_80mm() {
    insta::assert_snapshot!(shift_report_text(&z_report(), Paper::Mm80, Lang::Id));
}

#[test]
fn receiving_slip_58mm() {
    insta::assert_snapshot!(slip_text(&receiving_slip(), Paper::Mm58, Lang::Id));
}

#[test]
fn receiving_slip_80mm_english() {
    insta::assert_snapshot!(slip_text(&receiving_slip(), Paper::Mm80, Lang::En));
}

#[test]
fn return_slip_58mm() {
    insta::assert_snapshot!(return_slip_text(&return_slip(), Paper::Mm58, Lang::Id));
}

#[test]
fn return_slip_80mm_english() {
    insta::assert_snapshot!(return_slip_text(&return_slip(), Paper::Mm80, Lang::En));
}

#[test]
fn printer_test_page_58mm() {
    insta::assert_snapshot!(test_page_text(Paper::Mm58, Lang::Id));
}

#[test]
fn printer_test_page_80mm_english() {
    insta::assert_snapshot!(test_page_text(Paper::Mm80, Lang::En));
}

/// The receipt's lines, checked independently of the snapshot files.
#[test]
fn sembako_receipt_has_the_key_lines() {
    let text = receipt_text(&sembako(), Paper::Mm58, Lang::Id);
    let lines: Vec<&str> = text.lines().collect();
    for expected in [
        "Beras Premium Cap Bunga 5 kg",
        "  2 sak x Rp72.000     Rp144.000",
        "  2 pcs x Rp17.500      Rp33.000",
        "  Diskon                -Rp2.000",
        "  1,25 kg x Rp28.000    Rp35.000",
        "           Subtotal    Rp298.950",
        "           Diskon       -Rp2.000",
        "           Pembulatan      -Rp50",
        "           TOTAL       Rp296.900",
        "           Tunai       Rp300.000",
        "           Kembali       Rp3.100",
        "--------------------------------",
    ] {
        assert!(lines.contains(&expected), "missing {expected:?} in\n{text}");
    }
    assert!(!text.contains("SALINAN"));
    assert!(!text.contains("PPN"));
    assert!(!text.contains("Anggota"));
}

#[test]
fn reprint_has_copy_banner_first_and_member_block() {
    let text = receipt_text(&apotek_member_copy(), Paper::Mm58, Lang::Id);
    assert_eq!(text.lines().next().map(str::trim), Some("*** SALINAN ***"));
    assert!(text.contains("\nAnggota: 0012 Siti Aminah\n"), "{text}");
    assert!(
        text.contains("\nSisa limit kasbon:     Rp252.500\n"),
        "{text}"
    );
    assert!(
        text.contains("\n          Termasuk PPN   Rp6.689\n"),
        "{text}"
    );
    assert!(text.contains("\nQRIS Ref: QR8812736455\n"), "{text}");
    let en = receipt_text(&apotek_member_copy(), Paper::Mm58, Lang::En);
    assert_eq!(en.lines().next().map(str::trim), Some("*** COPY ***"));
    assert!(en.contains("\nMember: 0012 Siti Aminah\n"), "{en}");
    assert!(en.contains("Kasbon limit left:"), "{en}");
}

#[test]
fn kasbon_sale_shows_what_the_member_owes_and_a_signature_line() {
    let text = receipt_text(&apotek_member_copy(), Paper::Mm58, Lang::Id);
    assert!(
        text.contains("\nTotal kasbon anggota:  Rp247.500\n"),
        "{text}"
    );
    assert!(
        text.contains("\n    ________________________\n      Tanda tangan anggota\n"),
        "{text}"
    );
    // Without a kasbon tender: neither.
    let mut r = apotek_member_copy();
    r.tenders.retain(|t| t.kind != "kasbon");
    let text = receipt_text(&r, Paper::Mm58, Lang::Id);
    assert!(
        !text.contains("Total kasbon") && !text.contains("Tanda tangan"),
        "{text}"
    );
}

#[test]
fn change_only_where_cash_was_given_and_the_item_count() {
    let text = receipt_text(&apotek_member_copy(), Paper::Mm58, Lang::Id);
    assert!(
        text.contains("Kembali            Rp0"),
        "cash was given: {text}"
    );
    assert!(text.contains("\nJumlah item: 4\n"), "{text}");
    let mut r = apotek_member_copy();
    r.tenders.retain(|t| t.kind != "cash");
    let text = receipt_text(&r, Paper::Mm58, Lang::Id);
    assert!(!text.contains("Kembali"), "no cash, no change line: {text}");
    let en = receipt_text(&r, Paper::Mm80, Lang::En);
    assert!(!en.contains("Change"), "{en}");
    assert!(en.contains("\nItems: 4\n"), "{en}");
}

#[test]
fn eighty_mm_items_take_one_line_when_the_name_fits() {
    let text = receipt_text(&sembako(), Paper::Mm80, Lang::Id);
    for line in [
        "Telur Ayam Negeri       1,25 kg  28.000   35.000",
        "Indomie Goreng            5 pcs   3.500   17.500",
    ] {
        assert!(text.lines().any(|l| l == line), "{line:?} in\n{text}");
    }
    // A longer name wraps in its column, at a word, with no word left alone.
    assert!(
        text.contains("\nMinyak Goreng Bimoli      1 pcs  36.500   36.500\nPouch 2 Liter\n"),
        "{text}"
    );
    // 58 mm keeps two lines per item.
    let narrow = receipt_text(&sembako(), Paper::Mm58, Lang::Id);
    assert!(
        narrow.contains("\nIndomie Goreng\n  5 pcs x Rp3.500       Rp17.500\n"),
        "{narrow}"
    );
    assert!(
        narrow.contains("\nMinyak Goreng Bimoli Pouch\n2 Liter\n"),
        "{narrow}"
    );
}
