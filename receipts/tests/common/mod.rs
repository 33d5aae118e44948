//! Realistic documents shared by the integration tests.
#![allow(dead_code)]

use chrono::{NaiveDate, NaiveDateTime};
use kasir_receipts::*;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

pub fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|date| date.and_hms_opt(h, min, 0))
        .expect("valid date")
}

pub fn line(
    name: &str,
    qty: Decimal,
    unit: &str,
    price: Decimal,
    discount: Decimal,
) -> ReceiptLine {
    ReceiptLine {
        name: name.to_owned(),
        qty,
        unit: unit.to_owned(),
        unit_price: price,
        discount,
        amount: qty * price - discount,
        taxable: true,
        weighed: false,
    }
}

pub fn tender(label: &str, amount: Decimal, reference: Option<&str>) -> ReceiptTender {
    ReceiptTender {
        label: label.to_owned(),
        amount,
        reference: reference.map(str::to_owned),
        cash: label == "Tunai" || label == "Cash",
    }
}

/// A cash sale at the toko sembako: seven items, a line discount, cash rounding, a QR code.
pub fn sembako() -> Receipt {
    let lines = vec![
        line(
            "Beras Premium Cap Bunga 5 kg",
            dec!(2),
            "sak",
            dec!(72000),
            dec!(0),
        ),
        line(
            "Minyak Goreng Bimoli Pouch 2 Liter",
            dec!(1),
            "pcs",
            dec!(36500),
            dec!(0),
        ),
        line(
            "Gula Pasir Gulaku 1 kg",
            dec!(2),
            "pcs",
            dec!(17500),
            dec!(2000),
        ),
        line("Telur Ayam Negeri", dec!(1.25), "kg", dec!(28000), dec!(0)),
        line("Indomie Goreng", dec!(5), "pcs", dec!(3500), dec!(0)),
        line(
            "Kopi Kapal Api Special Mix 10x25g",
            dec!(2),
            "renceng",
            dec!(14000),
            dec!(0),
        ),
        line(
            "Garam Dapur Cap Kapal 250 g",
            dec!(1),
            "pcs",
            dec!(2950),
            dec!(0),
        ),
    ];
    let gross: Decimal = lines.iter().map(|l| l.qty * l.unit_price).sum();
    Receipt {
        shop_name: "Koperasi Desa Merah Putih Sukamaju".to_owned(),
        unit_label: "Toko Sembako".to_owned(),
        address: "Jl. Raya Sukamaju No. 12, Kec. Cibungbulang, Kab. Bogor".to_owned(),
        npwp: None,
        till: "T1".to_owned(),
        cashier: "Siti Rahma".to_owned(),
        datetime: at(2025, 3, 12, 14, 5),
        sale_no: "S-T1-250312-0007".to_owned(),
        lines,
        subtotal: gross,
        discount_total: dec!(2000),
        ppn: None,
        dpp: None,
        rounding: dec!(50),
        total: dec!(296900),
        tenders: vec![tender("Tunai", dec!(300000), None)],
        change: dec!(3100),
        member: None,
        footer: vec![
            "Terima kasih atas kunjungan Anda".to_owned(),
            "Belanja di koperasi, untung kembali ke anggota".to_owned(),
        ],
        copy: false,
        qr: Some("S-T1-250312-0007".to_owned()),
        prescriptions: vec![],
    }
}

/// A reprinted apotek sale to a member: PKP coop (NPWP, PPN), QRIS with reference, cash and
/// kasbon.
pub fn apotek_member_copy() -> Receipt {
    let lines = vec![
        line(
            "Paracetamol 500 mg Tablet (Sanbe)",
            dec!(2),
            "strip",
            dec!(5000),
            dec!(0),
        ),
        line(
            "Amoxicillin 500 mg Kapsul",
            dec!(1),
            "strip",
            dec!(12000),
            dec!(0),
        ),
        line(
            "OBH Combi Batuk Berdahak 100 ml",
            dec!(1),
            "botol",
            dec!(21500),
            dec!(0),
        ),
        line(
            "Minyak Kayu Putih Cap Lang 60 ml",
            dec!(1),
            "botol",
            dec!(24000),
            dec!(0),
        ),
    ];
    Receipt {
        shop_name: "Koperasi Desa Merah Putih Sukamaju".to_owned(),
        unit_label: "Apotek".to_owned(),
        address: "Jl. Raya Sukamaju No. 12, Kab. Bogor".to_owned(),
        npwp: Some("01.234.567.8-403.000".to_owned()),
        till: "A1".to_owned(),
        cashier: "Dewi Lestari".to_owned(),
        datetime: at(2025, 3, 12, 16, 42),
        sale_no: "S-A1-250312-0021".to_owned(),
        lines,
        subtotal: dec!(67500),
        discount_total: dec!(0),
        ppn: Some(dec!(6689)),
        dpp: Some(dec!(60811)),
        rounding: dec!(0),
        total: dec!(67500),
        tenders: vec![
            tender("QRIS", dec!(10000), Some("QR8812736455")),
            tender("Tunai", dec!(10000), None),
            tender("Kasbon", dec!(47500), None),
        ],
        change: dec!(0),
        member: Some(ReceiptMember {
            number: "0012".to_owned(),
            name: "Siti Aminah".to_owned(),
            kasbon_remaining: Some(dec!(252500)),
        }),
        footer: vec!["Semoga lekas sembuh".to_owned()],
        copy: true,
        qr: None,
        prescriptions: vec![],
    }
}

/// A receipt with `n` one-word-ish items, the shape of a typical small village sale.
pub fn with_items(n: usize) -> Receipt {
    let names = [
        "Beras Pandan Wangi 5 kg",
        "Minyak Goreng Sania 1 L",
        "Gula Pasir 1 kg",
        "Telur Ayam",
        "Indomie Goreng",
        "Kecap Bango 220 ml",
        "Teh Sariwangi 25s",
        "Sabun Lifebuoy 85 g",
        "Susu Kental Manis",
        "Tepung Segitiga 1 kg",
        "Garam Refina 250 g",
        "Kopi Kapal Api 165 g",
    ];
    let mut r = sembako();
    r.lines = (0..n)
        .map(|i| {
            let name = names[i % names.len()];
            line(
                name,
                Decimal::from(i as u64 % 3 + 1),
                "pcs",
                Decimal::from(2500 + 1500 * i as u64),
                dec!(0),
            )
        })
        .collect();
    r.subtotal = r.lines.iter().map(|l| l.amount).sum();
    r.discount_total = dec!(0);
    r.rounding = dec!(0);
    r.total = r.subtotal;
    r.tenders = vec![tender("Tunai", dec!(500000), None)];
    r.change = dec!(500000) - r.total;
    r
}

pub fn x_report() -> ShiftReport {
    ShiftReport {
        kind: ShiftReportKind::X,
        shop_name: "Koperasi Desa Merah Putih Sukamaju".to_owned(),
        unit_label: "Toko Sembako".to_owned(),
        till: "T1".to_owned(),
        cashier: "Siti Rahma".to_owned(),
        opened: at(2025, 3, 12, 7, 0),
        closed: None,
        printed: at(2025, 3, 12, 12, 30),
        shift_no: "SH-T1-250312-1".to_owned(),
        sales_count: 42,
        rows: vec![
            row("Penjualan kotor", dec!(3456700), false),
            row("Retur", dec!(-45000), false),
            row("Diskon", dec!(-12500), false),
            row("Pembulatan", dec!(-1250), false),
            row("Penjualan bersih", dec!(3397950), true),
            row("Modal awal (float)", dec!(500000), false),
            row("Tunai diharapkan", dec!(2650000), true),
            row("QRIS", dec!(980450), false),
            row("Transfer", dec!(150000), false),
            row("Kasbon anggota", dec!(117500), false),
        ],
        notes: vec!["Laporan X tidak menutup shift.".to_owned()],
    }
}

pub fn z_report() -> ShiftReport {
    let mut z = x_report();
    z.kind = ShiftReportKind::Z;
    z.closed = Some(at(2025, 3, 12, 15, 0));
    z.printed = at(2025, 3, 12, 15, 2);
    z.sales_count = 77;
    z.rows.extend([
        row("Tunai dihitung", dec!(2647500), false),
        row("Selisih kas", dec!(-2500), true),
    ]);
    z.notes = vec!["Selisih: uang kembalian Rp2.500 salah hitung (disetujui Bu Ketua)".to_owned()];
    z
}

pub fn row(label: &str, amount: Decimal, bold: bool) -> ReportRow {
    ReportRow {
        label: label.to_owned(),
        amount,
        bold,
    }
}

pub fn receiving_slip() -> ReceivingSlip {
    ReceivingSlip {
        shop_name: "Koperasi Desa Merah Putih Sukamaju".to_owned(),
        unit_label: "Apotek".to_owned(),
        supplier: "PT Kimia Farma Trading & Distribution".to_owned(),
        doc_no: "GR-250312-003".to_owned(),
        datetime: at(2025, 3, 12, 10, 15),
        user: "Dewi Lestari".to_owned(),
        lines: vec![
            SlipLine {
                name: "Paracetamol 500 mg Tablet".to_owned(),
                qty: dec!(10),
                unit: "box".to_owned(),
                cost: dec!(25000.50),
                batch: Some("PCT2401A".to_owned()),
                expiry: NaiveDate::from_ymd_opt(2027, 1, 31),
                amount: dec!(250005),
            },
            SlipLine {
                name: "Amoxicillin 500 mg Kapsul".to_owned(),
                qty: dec!(5),
                unit: "box".to_owned(),
                cost: dec!(48750),
                batch: Some("AMX-23-119".to_owned()),
                expiry: NaiveDate::from_ymd_opt(2026, 6, 30),
                amount: dec!(243750),
            },
            SlipLine {
                name: "Kasa Steril 16x16 cm".to_owned(),
                qty: dec!(20),
                unit: "pcs".to_owned(),
                cost: dec!(3250.75),
                batch: None,
                expiry: None,
                amount: dec!(65015),
            },
        ],
        total: dec!(558770),
    }
}

/// Lines of a document with leading spaces removed (the printer centres with `ESC a 1`, the
/// text preview with spaces) and trailing blank lines (feed before the cut) dropped.
pub fn comparable_lines(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = text.lines().map(|l| l.trim_start().to_owned()).collect();
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}

pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

pub fn count(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len()).filter(|w| *w == needle).count()
}
