//! What the printer receives: exact byte sequences, and the same lines as the text preview.

mod common;

use common::*;
use kasir_receipts::*;
use rust_decimal_macros::dec;

const BOLD_ON: &[u8] = &[0x1B, b'E', 1];
const BOLD_OFF: &[u8] = &[0x1B, b'E', 0];
const TALL_ON: &[u8] = &[0x1D, b'!', 0x01];
const TALL_OFF: &[u8] = &[0x1D, b'!', 0x00];
const CENTRE: &[u8] = &[0x1B, b'a', 1];
const LEFT: &[u8] = &[0x1B, b'a', 0];

fn sembako_bytes(opts: EscposOptions) -> Vec<u8> {
    receipt_escpos(&sembako(), Paper::Mm58, Lang::Id, &opts)
}

#[test]
fn job_starts_with_init_and_code_page() {
    let bytes = sembako_bytes(EscposOptions::default());
    assert!(
        bytes.starts_with(&[0x1B, 0x40, 0x1B, 0x74, 19]),
        "{:02X?}",
        &bytes[..8]
    );
    assert_eq!(count(&bytes, raw::INIT), 1);
}

#[test]
fn drawer_kick_only_when_asked_and_right_after_init() {
    let kick = sembako_bytes(EscposOptions {
        cut: true,
        drawer_kick: true,
    });
    assert!(kick.starts_with(&[0x1B, 0x40, 0x1B, 0x70, 0x00, 0x19, 0xFA, 0x1B, 0x74, 19]));
    assert_eq!(count(&kick, raw::DRAWER_KICK), 1);

    let no_kick = sembako_bytes(EscposOptions::default());
    assert_eq!(
        find(&no_kick, &[0x1B, 0x70]),
        None,
        "no ESC p at all without drawer_kick"
    );
    assert_eq!(kick.len(), no_kick.len() + raw::DRAWER_KICK.len());
}

#[test]
fn job_ends_with_feed_then_partial_cut() {
    let bytes = sembako_bytes(EscposOptions::default());
    assert!(
        bytes.ends_with(&[0x1B, b'd', 4, 0x1D, 0x56, 0x42, 0x00]),
        "{:02X?}",
        &bytes[bytes.len() - 8..]
    );
    assert_eq!(count(&bytes, &[0x1D, 0x56]), 1, "exactly one cut");

    let no_cut = sembako_bytes(EscposOptions {
        cut: false,
        drawer_kick: false,
    });
    assert!(no_cut.ends_with(&[0x1B, b'd', 4]));
    assert_eq!(
        find(&no_cut, &[0x1D, 0x56]),
        None,
        "no GS V at all without cut"
    );
}

#[test]
fn total_is_bold_and_double_height_and_switched_back() {
    let bytes = sembako_bytes(EscposOptions::default());
    let mut expected = [BOLD_ON, TALL_ON].concat();
    expected.extend_from_slice(b"TOTAL       Rp296.900\n");
    expected.extend_from_slice(&[BOLD_OFF, TALL_OFF].concat());
    expected.extend_from_slice(b"Tunai");
    assert!(find(&bytes, b"Jumlah item: 7\n").is_some());
    assert!(
        find(&bytes, &expected).is_some(),
        "TOTAL not wrapped in bold + double height"
    );
    // The only double-height line of a receipt without a copy banner.
    assert_eq!(count(&bytes, TALL_ON), 1);
    // The totals block is right-aligned by the printer (ESC a 2), without padding bytes.
    let mut block = b"--------------------------------\nJumlah item: 7\n".to_vec();
    block.extend_from_slice(&[0x1B, b'a', 2]);
    block.extend_from_slice(
        b"Subtotal    Rp298.950\nDiskon       -Rp2.000\nPembulatan      -Rp50\n",
    );
    assert!(find(&bytes, &block).is_some());
}

#[test]
fn header_is_centred_with_bold_shop_name_then_back_to_left() {
    let bytes = sembako_bytes(EscposOptions::default());
    let mut header = [CENTRE, BOLD_ON].concat();
    header.extend_from_slice(b"Koperasi Desa Merah\nPutih Sukamaju\n");
    header.extend_from_slice(BOLD_OFF);
    header.extend_from_slice(b"Toko Sembako\n");
    assert!(find(&bytes, &header).is_some());
    let mut back = b"Cibungbulang, Kab. Bogor\n".to_vec();
    back.extend_from_slice(LEFT);
    back.extend_from_slice(b"Kassa: T1      Kasir: Siti Rahma\n");
    assert!(find(&bytes, &back).is_some());
}

#[test]
fn copy_banner_is_bold_double_height_at_the_top() {
    let bytes = receipt_escpos(
        &apotek_member_copy(),
        Paper::Mm58,
        Lang::Id,
        &EscposOptions::default(),
    );
    let mut banner = [CENTRE, BOLD_ON, TALL_ON].concat();
    banner.extend_from_slice(b"*** SALINAN ***\n");
    banner.extend_from_slice(TALL_OFF);
    banner.extend_from_slice(b"Koperasi");
    assert_eq!(
        find(&bytes, &banner),
        Some(5),
        "banner right after init + code page"
    );
}

#[test]
fn separators_are_ascii_hyphens_and_no_0xf0_anywhere() {
    for paper in [Paper::Mm58, Paper::Mm80] {
        let width = paper.columns();
        let docs = [
            receipt_escpos(&sembako(), paper, Lang::Id, &EscposOptions::default()),
            receipt_escpos(
                &apotek_member_copy(),
                paper,
                Lang::En,
                &EscposOptions::default(),
            ),
            shift_report_escpos(&z_report(), paper, Lang::Id, &EscposOptions::default()),
            slip_escpos(
                &receiving_slip(),
                paper,
                Lang::Id,
                &EscposOptions::default(),
            ),
            return_slip_escpos(&return_slip(), paper, Lang::Id, &EscposOptions::default()),
            test_page_escpos(paper, Lang::Id),
        ];
        let mut separator = vec![0x2D; width];
        separator.push(b'\n');
        for bytes in docs {
            assert!(
                count(&bytes, &separator) >= 1,
                "no {width}-column separator"
            );
            assert!(!bytes.contains(&0xF0), "0xF0 in output");
            assert!(
                !decode_text(&bytes).contains('\u{FFFD}'),
                "non-ASCII text byte"
            );
        }
    }
}

#[test]
fn hyphens_inside_text_stay_ascii() {
    // Sale number, NPWP and batch all contain '-': each must arrive as 0x2D.
    let bytes = receipt_escpos(
        &apotek_member_copy(),
        Paper::Mm58,
        Lang::Id,
        &EscposOptions::default(),
    );
    assert!(find(&bytes, b"No. S-A1-250312-0021").is_some());
    assert!(find(&bytes, b"NPWP: 01.234.567.8-403.000").is_some());
    let slip = slip_escpos(
        &receiving_slip(),
        Paper::Mm58,
        Lang::Id,
        &EscposOptions::default(),
    );
    assert!(find(&slip, b"Batch: AMX-23-119").is_some());
}

#[test]
fn qr_code_carries_the_sale_number() {
    let bytes = sembako_bytes(EscposOptions::default());
    let data = b"S-T1-250312-0007";
    let mut store = vec![
        0x1D,
        0x28,
        0x6B,
        (data.len() + 3) as u8,
        0x00,
        0x31,
        0x50,
        0x30,
    ];
    store.extend_from_slice(data);
    assert!(
        find(&bytes, &store).is_some(),
        "QR store command with the sale number"
    );
    // Model 2, then print the symbol.
    assert!(find(
        &bytes,
        &[0x1D, 0x28, 0x6B, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]
    )
    .is_some());
    assert!(find(&bytes, &[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x51, 0x30]).is_some());

    assert_eq!(decode_qr(&bytes), vec!["S-T1-250312-0007".to_owned()]);
    // At 80 mm the module is bigger (GS ( k … 1 C 6), error correction M (1 E 49).
    let wide = receipt_escpos(&sembako(), Paper::Mm80, Lang::Id, &EscposOptions::default());
    assert!(find(&wide, &[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x43, 6]).is_some());
    assert!(find(&wide, &[0x1D, 0x28, 0x6B, 0x03, 0x00, 0x31, 0x45, 49]).is_some());
    assert_eq!(decode_qr(&wide), vec!["S-T1-250312-0007".to_owned()]);

    let mut no_qr = sembako();
    no_qr.qr = None;
    let bytes = receipt_escpos(&no_qr, Paper::Mm58, Lang::Id, &EscposOptions::default());
    assert_eq!(find(&bytes, &[0x1D, 0x28, 0x6B]), None);
    assert!(decode_qr(&bytes).is_empty());
}

#[test]
fn caller_text_cannot_inject_commands() {
    let mut r = sembako();
    r.lines[0].name = "Gula\x1b@\x1dV\x00 Pasir\x10\x04\x01\x1bp\x00\x19\x7f".to_owned();
    r.lines[0].unit = "kg\x1dV\x41\x00".to_owned();
    r.cashier = "Siti\x1bE\x01".to_owned();
    r.footer = vec!["Terima kasih\x0c\x1bd\x09".to_owned()];
    r.qr = Some("S-1\x1b@".to_owned());
    let bytes = receipt_escpos(&r, Paper::Mm58, Lang::Id, &EscposOptions::default());

    assert_eq!(count(&bytes, raw::INIT), 1, "only our own ESC @");
    assert_eq!(count(&bytes, &[0x1D, 0x56]), 1, "only our own cut");
    assert_eq!(find(&bytes, &[0x1B, 0x70]), None, "no drawer kick");
    assert_eq!(find(&bytes, &[0x10, 0x04]), None, "no status request");
    assert!(find(&bytes, b"Gula@V Pasirp\n").is_some());
    assert!(find(&bytes, b"  2 kgVA x Rp72.000").is_some());
    assert!(find(&bytes, b"Kasir: SitiE\n").is_some());
    assert!(find(&bytes, b"Terima kasih d\n").is_some());
    // Every byte that is not part of one of our commands is printable ASCII or LF.
    let text = decode_text(&bytes);
    assert!(
        text.chars().all(|c| c == '\n' || (' '..='~').contains(&c)),
        "{text:?}"
    );
}

#[test]
fn non_ascii_names_are_transliterated_on_paper_and_screen() {
    let mut r = sembako();
    r.lines[0].name = "Kopi \u{201C}Lu\u{00E9}wak\u{201D} \u{2013} 200 g".to_owned();
    let text = receipt_text(&r, Paper::Mm58, Lang::Id);
    assert!(text.contains("\nKopi \"Luewak\" - 200 g\n"), "{text}");
    let bytes = receipt_escpos(&r, Paper::Mm58, Lang::Id, &EscposOptions::default());
    assert!(find(&bytes, b"Kopi \"Luewak\" - 200 g\n").is_some());
    assert!(
        bytes.iter().all(|&b| b < 0x80 || b == 0xFA),
        "only the drawer/QR bytes may be high"
    );
}

#[test]
fn printer_gets_the_same_lines_as_the_preview() {
    for paper in [Paper::Mm58, Paper::Mm80] {
        for lang in [Lang::Id, Lang::En] {
            let opts = EscposOptions::default();
            let pairs = [
                (
                    receipt_text(&sembako(), paper, lang),
                    receipt_escpos(&sembako(), paper, lang, &opts),
                ),
                (
                    receipt_text(&apotek_member_copy(), paper, lang),
                    receipt_escpos(&apotek_member_copy(), paper, lang, &opts),
                ),
                (
                    shift_report_text(&x_report(), paper, lang),
                    shift_report_escpos(&x_report(), paper, lang, &opts),
                ),
                (
                    shift_report_text(&z_report(), paper, lang),
                    shift_report_escpos(&z_report(), paper, lang, &opts),
                ),
                (
                    slip_text(&receiving_slip(), paper, lang),
                    slip_escpos(&receiving_slip(), paper, lang, &opts),
                ),
                (test_page_text(paper, lang), test_page_escpos(paper, lang)),
            ];
            for (text, bytes) in pairs {
                assert_eq!(
                    comparable_lines(&decode_text(&bytes)),
                    comparable_lines(&text)
                );
            }
        }
    }
}

#[test]
fn decoded_lines_match_exactly_where_not_centred() {
    // Left-aligned lines, padding included, are byte-identical on paper and screen.
    let text = receipt_text(&sembako(), Paper::Mm80, Lang::Id);
    let decoded = decode_text(&receipt_escpos(
        &sembako(),
        Paper::Mm80,
        Lang::Id,
        &EscposOptions::default(),
    ));
    for line in [
        "Telur Ayam Negeri       1,25 kg  28.000   35.000",
        "Kassa: T1                      Kasir: Siti Rahma",
    ] {
        assert!(text.lines().any(|l| l == line));
        assert!(decoded.lines().any(|l| l == line));
    }
}

#[test]
fn ten_line_receipt_is_under_one_kilobyte() {
    // Ten sale lines, one-line shop name and address, one footer line, QR code.
    let mut r = with_items(10);
    r.shop_name = "KOPERASI SUKAMAJU".to_owned();
    r.address = "Jl. Raya Sukamaju 12, Bogor".to_owned();
    r.footer.truncate(1);
    let bytes = receipt_escpos(&r, Paper::Mm58, Lang::Id, &EscposOptions::default());
    let text = receipt_text(&r, Paper::Mm58, Lang::Id);
    println!(
        "10-line 58 mm receipt: {} bytes of ESC/POS, {} bytes of text preview, {} printed lines",
        bytes.len(),
        text.len(),
        text.lines().count()
    );
    assert!(bytes.len() < 1024, "{} bytes", bytes.len());
    // Text only: no raster (GS v 0) or bit image (ESC *) commands.
    assert_eq!(find(&bytes, &[0x1D, b'v', b'0']), None);
    assert_eq!(find(&bytes, &[0x1B, b'*']), None);
}

#[test]
fn escpos_overhead_over_the_printed_text_is_small() {
    // Commands (init, code page, styles, alignment, QR, feed, cut) add little to the text:
    // centring and right alignment are done by the printer, so the job can even be smaller
    // than the text preview.
    for r in [with_items(10), sembako(), apotek_member_copy()] {
        let bytes = receipt_escpos(&r, Paper::Mm58, Lang::Id, &EscposOptions::default());
        let printed = decode_text(&bytes);
        let overhead = bytes.len() - printed.len();
        assert!(overhead < 128, "{overhead} bytes of commands");
        assert!(bytes.len() <= receipt_text(&r, Paper::Mm58, Lang::Id).len() + 64);
    }
    let full = receipt_escpos(
        &with_items(10),
        Paper::Mm58,
        Lang::Id,
        &EscposOptions::default(),
    );
    println!(
        "10-line 58 mm receipt with two-line name/address, two footers: {} bytes",
        full.len()
    );
}

#[test]
fn shift_report_bold_rows_are_bold() {
    let bytes = shift_report_escpos(
        &x_report(),
        Paper::Mm58,
        Lang::Id,
        &EscposOptions::default(),
    );
    let mut row = BOLD_ON.to_vec();
    row.extend_from_slice(b"Penjualan bersih     Rp3.397.950\n");
    row.extend_from_slice(BOLD_OFF);
    assert!(find(&bytes, &row).is_some());
    let mut title = b"Toko Sembako\n".to_vec();
    title.extend_from_slice(&[BOLD_ON, TALL_ON].concat());
    title.extend_from_slice(b"LAPORAN X\n");
    assert!(find(&bytes, &title).is_some());
}

#[test]
fn test_page_has_ruler_hyphens_and_style_samples() {
    for (paper, width) in [(Paper::Mm58, 32), (Paper::Mm80, 48)] {
        let bytes = test_page_escpos(paper, Lang::Id);
        assert!(bytes.starts_with(raw::INIT));
        assert!(bytes.ends_with(raw::PARTIAL_CUT));
        let ruler: String = (1..=width)
            .map(|c| char::from(b'0' + (c % 10) as u8))
            .collect();
        assert!(find(&bytes, format!("{ruler}\n").as_bytes()).is_some());
        let arrows = format!("<{}>\n", "-".repeat(width - 2));
        assert!(find(&bytes, arrows.as_bytes()).is_some());
        let mut bold = BOLD_ON.to_vec();
        bold.extend_from_slice(b"Huruf tebal\n");
        assert!(find(&bytes, &bold).is_some());
        let mut tall = TALL_ON.to_vec();
        tall.extend_from_slice(b"Tinggi ganda\n");
        assert!(find(&bytes, &tall).is_some());
        let decoded = decode_text(&bytes);
        assert!(decoded.lines().all(|l| l.len() <= width));
        assert!(!decoded.contains("Koperasi"), "shop-agnostic");
    }
}

#[test]
fn rounding_and_discounts_always_print_as_reductions() {
    let mut r = sembako();
    r.rounding = dec!(-50);
    r.discount_total = dec!(-2000);
    let text = receipt_text(&r, Paper::Mm58, Lang::Id);
    assert!(text.contains("  Pembulatan      -Rp50\n"), "{text}");
    assert!(text.contains("  Diskon       -Rp2.000\n"), "{text}");
    assert_eq!(
        text.matches("Diskon").count(),
        2,
        "line discount and total discount"
    );
    r.rounding = dec!(0);
    r.discount_total = dec!(0);
    let text = receipt_text(&r, Paper::Mm58, Lang::Id);
    assert!(!text.contains("Pembulatan"));
    assert_eq!(
        text.matches("Diskon").count(),
        1,
        "only the line discount: {text}"
    );
}

#[test]
fn a_receipt_with_prescription_lines_names_the_prescription_and_the_pharmacist() {
    let mut r = apotek_member_copy();
    r.prescriptions = vec![ReceiptPrescription {
        number: "RX-003".to_owned(),
        apoteker: "apt. Rina Wulandari".to_owned(),
    }];
    for (lang, rx, apt) in [
        (Lang::Id, "Resep: RX-003", "Apoteker: apt. Rina Wulandari"),
        (
            Lang::En,
            "Prescription: RX-003",
            "Pharmacist: apt. Rina Wulandari",
        ),
    ] {
        for paper in [Paper::Mm58, Paper::Mm80] {
            let bytes = receipt_escpos(&r, paper, lang, &EscposOptions::default());
            let printed = decode_text(&bytes);
            let lines: Vec<&str> = printed.lines().map(str::trim_end).collect();
            let at = lines
                .iter()
                .position(|l| *l == rx)
                .unwrap_or_else(|| panic!("no {rx:?} on the {paper:?} receipt:\n{printed}"));
            assert_eq!(lines[at + 1], apt, "{printed}");
            // Below the items, above the totals.
            let item = lines
                .iter()
                .position(|l| l.starts_with("Minyak Kayu Putih"))
                .unwrap();
            assert!(item < at, "{printed}");
            assert!(lines[at + 2].starts_with("---"), "{printed}");
        }
    }
    // A receipt without prescription lines prints neither word.
    let plain = decode_text(&receipt_escpos(
        &apotek_member_copy(),
        Paper::Mm58,
        Lang::Id,
        &EscposOptions::default(),
    ));
    assert!(
        !plain.contains("Resep") && !plain.contains("Apoteker"),
        "{plain}"
    );
}
