//! The till's stock screen driven headless with egui_kittest: the gudang user receives,
//! counts and writes off through the real widgets; the apoteker sees the SIPNAP report; a
//! cashier never reaches the screen. Tests read what is on screen and what the shop booked.

use crate::ui_common;

use egui::Key;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use kasir::domain::money::format_qty;
use kasir::ui::stock::{StockScreen, StockTab};
use kasir::ui::{Action, Back, BackKind, Screen, TillApp};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use ui_common::{burst, click, demo_shop_at, fill, harness_on, log_in, press, typing};

const MIE_DUS: &str = "8991234567907"; // Indomie Goreng, a dus of 40 pcs
const PCT_TABLET: &str = "8996340002205"; // Paracetamol 500 mg, batch-tracked
const GULA: &str = "8991483002310"; // Gula Pasir 1 kg, 100 pcs on the demo shelf

fn demo() -> (tempfile::TempDir, Harness<'static, TillApp>) {
    let dir = tempfile::tempdir().unwrap();
    let shop = demo_shop_at(&dir.path().join("shop.db"), true);
    (dir, harness_on(shop, "sembako-1"))
}

/// Log in; a role that sells opens the shift with a Rp200.000 float.
fn login(h: &mut Harness<TillApp>, username: &str, pin: &str) {
    log_in(h, username, pin);
    if matches!(h.state().screen, Screen::OpenShift { .. }) {
        typing(h, "2");
        press(h, Key::Enter);
    }
}

/// The gudang user logs in and lands on Stok.
fn gudang_on_stock() -> (tempfile::TempDir, Harness<'static, TillApp>) {
    let (dir, mut h) = demo();
    login(&mut h, "budi", "2222");
    // Gudang does not sell: it lands on Stok at once, no float counted, no shift opened.
    assert!(
        matches!(h.state().screen, Screen::Back(Back::Stock(_))),
        "gudang lands on Stok: {:?}",
        h.state().screen
    );
    assert!(h.state().shift.is_none());
    assert!(h
        .state()
        .shop
        .current_shift(&h.state().till)
        .unwrap()
        .is_none());
    (dir, h)
}

fn screen<'a>(h: &'a Harness<'_, TillApp>) -> &'a StockScreen {
    match &h.state().screen {
        Screen::Back(Back::Stock(s)) => s,
        other => panic!("not on the stock screen: {other:?}"),
    }
}

fn on_hand(h: &Harness<TillApp>, code: &str) -> Decimal {
    h.state().shop.stock(Some(code)).unwrap()[0].on_hand
}

fn error(h: &Harness<TillApp>) -> String {
    screen(h).error.clone().unwrap_or_default()
}

#[test]
fn gudang_receives_two_dus_of_indomie_and_on_hand_rises_by_eighty_pcs() {
    let (_dir, mut h) = gudang_on_stock();
    let before = on_hand(&h, "IDM-GRG");
    click(&mut h, "Terima barang");
    assert_eq!(screen(&h).tab, StockTab::Receive);
    assert!(!screen(&h).receive.suppliers.is_empty(), "suppliers loaded");
    click(&mut h, "CV Sumber Pangan Sukamaju");
    click(&mut h, "Utang ke pemasok");
    fill(&mut h, "Kode / barcode", MIE_DUS);
    // The scanned code's unit is picked; the product's other units are offered.
    let units: Vec<String> = screen(&h)
        .receive
        .form
        .units
        .iter()
        .map(|u| u.unit.clone())
        .collect();
    assert_eq!(units.len(), 2, "{units:?}");
    assert_eq!(units[screen(&h).receive.form.unit], "dus");
    h.get_by_label("dus (×40)");
    fill(&mut h, "Banyaknya", "2");
    fill(&mut h, "Harga pokok per satuan", "111400");
    click(&mut h, "Tambah baris");
    assert_eq!(error(&h), "");
    assert_eq!(screen(&h).receive.lines.len(), 1);
    h.get_by_label("2 dus");
    h.get_by_label("Total Rp222.800");
    assert_eq!(
        on_hand(&h, "IDM-GRG"),
        before,
        "nothing booked before Submit"
    );
    click(&mut h, "Simpan penerimaan");
    assert_eq!(error(&h), "");
    assert_eq!(on_hand(&h, "IDM-GRG"), before + dec!(80));
    assert!(screen(&h).receive.lines.is_empty());
    let slip = screen(&h).receive.slip.clone().expect("slip shown");
    assert!(slip.contains("Indomie Goreng"), "{slip}");
    assert!(slip.contains("CV Sumber"), "{slip}");
    h.get_by_label(&slip);
    let owed = h
        .state()
        .shop
        .suppliers()
        .unwrap()
        .into_iter()
        .find(|s| s.code == "SMBR")
        .unwrap()
        .owed;
    assert_eq!(owed, dec!(222800), "owed to the supplier");
    // The slip went to the printer queue as well as to the screen.
    let jobs = h.state().shop.print_queue(10).unwrap();
    assert!(
        jobs.iter()
            .any(|j| j.kind == kasir::store::print::JobKind::Slip),
        "{jobs:?}"
    );
}

#[test]
fn a_batch_tracked_drug_without_batch_or_with_a_bad_date_is_refused_and_nothing_changes() {
    let (_dir, mut h) = gudang_on_stock();
    let before = on_hand(&h, "PCT-500");
    let moves_before = h.state().shop.stock_card("PCT-500", None).unwrap().len();
    click(&mut h, "Terima barang");
    fill(&mut h, "Kode / barcode", PCT_TABLET);
    fill(&mut h, "Banyaknya", "100");
    fill(&mut h, "Harga pokok per satuan", "418");
    click(&mut h, "Tambah baris");
    let e = error(&h);
    assert!(e.contains("batch") && e.contains("Paracetamol"), "{e}");
    h.get_by_label(&e);
    assert!(screen(&h).receive.lines.is_empty());
    // The typed line stays for correction; a bad date is refused too.
    fill(&mut h, "Batch", "PCT2701A");
    fill(&mut h, "Kedaluwarsa (YYYY-MM-DD)", "2027-13-01");
    click(&mut h, "Tambah baris");
    assert!(error(&h).contains("YYYY-MM-DD"), "{}", error(&h));
    assert!(screen(&h).receive.lines.is_empty());
    // An unknown code and a bad quantity are refused with a message.
    h.state_mut()
        .apply(Action::Stock(kasir::ui::stock::StockAction::Tab(
            StockTab::Receive,
        )));
    if let Screen::Back(Back::Stock(s)) = &mut h.state_mut().screen {
        s.receive.form = Default::default();
        s.receive.form.code = "8990000000006".into();
        s.receive.form.qty = "1".into();
        s.receive.form.cost = "1000".into();
    }
    h.state_mut()
        .apply(Action::Stock(kasir::ui::stock::StockAction::AddLine));
    h.run_steps(2);
    assert!(error(&h).contains("tidak dikenal"), "{}", error(&h));
    assert!(screen(&h).receive.lines.is_empty());
    assert_eq!(on_hand(&h, "PCT-500"), before);
    assert_eq!(
        h.state().shop.stock_card("PCT-500", None).unwrap().len(),
        moves_before,
        "no move booked"
    );
}

#[test]
fn a_blind_count_never_shows_the_expected_figure_and_the_supervisor_books_the_variance() {
    let (_dir, mut h) = gudang_on_stock();
    let expected = on_hand(&h, "IDM-GRG");
    let counted = expected - dec!(3);
    let shown = format!("{} pcs", format_qty(expected));
    // The stock list shows it (so the check below can see it when it is there).
    fill(&mut h, "Nama, SKU atau barcode", "IDM-GRG");
    assert_eq!(h.query_all_by_label_contains(&shown).count(), 1);
    click(&mut h, "Opname");
    click(&mut h, "Mulai opname: sembako");
    assert!(screen(&h).session.is_some(), "{}", error(&h));
    fill(&mut h, "Kode / barcode", "IDM-GRG");
    fill(&mut h, "Jumlah dihitung", &counted.to_string());
    click(&mut h, "Catat hitungan");
    assert_eq!(error(&h), "");
    assert_eq!(screen(&h).count.counted.len(), 1);
    assert_eq!(screen(&h).count.counted[0].counted, counted);
    h.get_by_label(&format!("{} pcs", format_qty(counted)));
    // Nothing on screen tells the counter what the books expect.
    let figure = format_qty(expected);
    let leaks = shows_figure(&h, &figure);
    assert!(
        leaks.is_empty(),
        "expected figure {figure} on screen: {leaks:?}"
    );
    // Nor do the other tabs while the count of sembako is under way; the apotek's still show.
    click(&mut h, "Stok & kartu stok");
    if let Screen::Back(Back::Stock(s)) = &mut h.state_mut().screen {
        s.on_hand.query.clear();
    }
    h.run_steps(2);
    fill(&mut h, "Nama, SKU atau barcode", "Indomie Goreng 85");
    click(&mut h, "Indomie Goreng 85 g");
    assert!(
        shows_figure(&h, &figure).is_empty(),
        "{:?}",
        shows_figure(&h, &figure)
    );
    // The note above the list, and in place of the stock card.
    assert_eq!(
        h.get_all_by_label("Opname berjalan: angka stok yang dihitung disembunyikan")
            .count(),
        2
    );
    assert!(h.query_by_label("Saldo").is_none(), "no stock card drawn");
    let pct = on_hand(&h, "PCT-500");
    if let Screen::Back(Back::Stock(s)) = &mut h.state_mut().screen {
        s.on_hand.query = "PCT-500".into();
    }
    h.run_steps(2);
    h.get_by_label(&format!("{} tablet", format_qty(pct)));
    click(&mut h, "Opname");
    // A wrong supervisor PIN books nothing.
    click(&mut h, "Ahmad Hidayat");
    fill(&mut h, "PIN", "0000");
    click(&mut h, "Setujui");
    assert!(screen(&h).count.approval.error.is_some());
    assert_eq!(on_hand(&h, "IDM-GRG"), expected);
    fill(&mut h, "PIN", "4444");
    click(&mut h, "Setujui");
    assert_eq!(
        screen(&h).count.approval.error,
        None,
        "{:?}",
        screen(&h).count.approval
    );
    assert_eq!(on_hand(&h, "IDM-GRG"), counted, "adjusted by the variance");
    let report = screen(&h)
        .count
        .report
        .clone()
        .expect("variance report shown");
    assert_eq!(report.session.approver.as_deref(), Some("ahmad"));
    let line = &report.lines[0];
    assert_eq!(line.variance, dec!(-3));
    assert!(line.value < Decimal::ZERO);
    h.get_by_label("-3 pcs");
    h.get_by_label(&kasir::domain::money::format_rupiah(line.value));
    // The count is over: the figures show again.
    click(&mut h, "Stok & kartu stok");
    if let Screen::Back(Back::Stock(s)) = &mut h.state_mut().screen {
        s.on_hand.query = "IDM-GRG".into();
    }
    h.run_steps(2);
    h.get_by_label(&format!("{} pcs", format_qty(counted)));
}

/// Widgets whose text has `figure` as a number of its own.
fn shows_figure(h: &Harness<TillApp>, figure: &str) -> Vec<String> {
    h.query_all_by(|n| {
        let text = format!(
            "{} {}",
            n.label().unwrap_or_default(),
            n.value().unwrap_or_default()
        );
        text.split(|c: char| !(c.is_ascii_digit() || c == '.' || c == ','))
            .any(|w| w == figure)
    })
    .map(|n| format!("{n:?}"))
    .collect()
}

#[test]
fn a_write_off_with_a_reason_reduces_stock_and_appears_on_the_stock_card() {
    let (_dir, mut h) = gudang_on_stock();
    let before = on_hand(&h, "IDM-GRG");
    click(&mut h, "Hapus stok");
    assert_eq!(screen(&h).tab, StockTab::WriteOff);
    fill(&mut h, "Kode / barcode", "IDM-GRG");
    fill(&mut h, "Banyaknya", "5");
    // No reason yet: refused, nothing booked.
    click(&mut h, "Catat hapus stok");
    assert!(error(&h).contains("alasan"), "{}", error(&h));
    assert_eq!(on_hand(&h, "IDM-GRG"), before);
    click(&mut h, "Rusak");
    click(&mut h, "Catat hapus stok");
    assert_eq!(error(&h), "");
    assert_eq!(on_hand(&h, "IDM-GRG"), before - dec!(5));
    h.get_by_label_contains("Stok dihapus: Indomie Goreng 85 g 5 pcs (rusak)");
    // The stock card shows it, with the reason and the user.
    click(&mut h, "Stok & kartu stok");
    fill(&mut h, "Nama, SKU atau barcode", "Indomie Goreng 85");
    click(&mut h, "Indomie Goreng 85 g");
    let card = screen(&h).on_hand.card.clone();
    let last = card.last().expect("card rows");
    assert_eq!(last.kind, "writeoff");
    assert_eq!(last.qty, dec!(-5));
    assert_eq!(last.balance, before - dec!(5));
    assert_eq!(last.note.as_deref(), Some("rusak"));
    h.get_by_label("rusak");
    h.get_by_label(&format_qty(before - dec!(5)));
}

#[test]
fn the_apoteker_sees_the_apotek_tab_with_sipnap_and_exports_it() {
    let (dir, mut h) = demo();
    login(&mut h, "rina", "3333");
    h.state_mut().apply(Action::GoBack(BackKind::Stock));
    h.run_steps(3);
    assert!(matches!(h.state().screen, Screen::Back(Back::Stock(_))));
    click(&mut h, "Apotek");
    assert_eq!(screen(&h).tab, StockTab::Apotek, "{}", error(&h));
    assert_eq!(error(&h), "");
    h.get_by_label("Stok awal");
    h.get_by_label("Stok akhir");
    let dzp = screen(&h)
        .apotek
        .sipnap
        .iter()
        .find(|r| r.sku == "DZP-2")
        .cloned()
        .expect("diazepam in SIPNAP");
    assert_eq!(
        dzp.opening + dzp.received + dzp.other_in - dzp.sold - dzp.other_out,
        dzp.closing
    );
    assert_eq!(dzp.closing, on_hand(&h, "DZP-2"));
    h.get_by_label("DZP-2");
    assert!(screen(&h).apotek.sipnap.iter().all(|r| r.sku != "IDM-GRG"));
    let out = dir.path().join("sipnap.csv");
    if let Screen::Back(Back::Stock(s)) = &mut h.state_mut().screen {
        s.apotek.csv_path.clear();
    }
    h.run_steps(2);
    fill(&mut h, "File CSV", out.to_str().unwrap());
    click(&mut h, "Ekspor CSV");
    assert_eq!(error(&h), "");
    let csv = std::fs::read_to_string(&out).unwrap();
    assert!(csv.starts_with("periode,kode,nie"), "{csv}");
    assert!(csv.contains("DZP-2"), "{csv}");
    // A bad month is refused with a message and the table is emptied, not stale.
    if let Screen::Back(Back::Stock(s)) = &mut h.state_mut().screen {
        s.apotek.month = "2026-13".into();
    }
    click(&mut h, "Tampilkan");
    assert!(error(&h).contains("YYYY-MM"), "{}", error(&h));
    assert!(screen(&h).apotek.sipnap.is_empty());
}

#[test]
fn the_gudang_user_does_not_see_the_apotek_tab() {
    let (_dir, mut h) = gudang_on_stock();
    assert!(h.query_by_label("Apotek").is_none());
    h.state_mut()
        .apply(Action::Stock(kasir::ui::stock::StockAction::Tab(
            StockTab::Apotek,
        )));
    h.run_steps(2);
    assert_eq!(screen(&h).tab, StockTab::OnHand);
    assert!(screen(&h).apotek.sipnap.is_empty());
    assert!(!error(&h).is_empty());
}

#[test]
fn a_cashier_cannot_open_the_stock_screen() {
    let (_dir, mut h) = demo();
    login(&mut h, "siti", "1111");
    h.state_mut().apply(Action::GoBack(BackKind::Products));
    h.run_steps(3);
    assert!(matches!(
        h.state().screen,
        Screen::Back(Back::Products { .. })
    ));
    assert!(h.query_by_label("Stok").is_none(), "no Stok menu entry");
    h.state_mut().apply(Action::GoBack(BackKind::Stock));
    h.run_steps(3);
    assert!(matches!(
        h.state().screen,
        Screen::Back(Back::Products { .. })
    ));
    assert!(h.state().notice.as_ref().is_some_and(|n| n.error));
}

/// Book a batch of paracetamol expiring `days` from today (setup, through the service).
fn receive_batch(h: &mut Harness<TillApp>, batch: &str, days: i64) {
    let shop = &mut h.state_mut().shop;
    let expiry = shop.now().date() + chrono::Duration::days(days);
    shop.receive(
        &kasir::domain::user::Actor::back_office(),
        &[kasir::service::stock::ReceiptLine {
            code: PCT_TABLET.into(),
            qty: dec!(20),
            unit: None,
            cost: dec!(400),
            batch: Some(batch.into()),
            expiry: Some(expiry),
            line: 1,
        }],
        &kasir::service::stock::ReceiveOptions {
            // Some tests stock a batch that has already expired, on purpose.
            expired_reason: (days < 0).then(|| "uji".into()),
            ..Default::default()
        },
    )
    .unwrap();
}

fn batch_on_hand(h: &Harness<TillApp>, batch: &str) -> Decimal {
    h.state().shop.stock(Some("PCT-500")).unwrap()[0]
        .batches
        .iter()
        .find(|b| b.batch_no == batch)
        .map(|b| b.on_hand)
        .unwrap_or_default()
}

#[test]
fn the_expiry_tab_lists_near_expiry_by_30_60_90_days_and_expired_batches_are_written_off() {
    let (_dir, mut h) = gudang_on_stock();
    receive_batch(&mut h, "OLD-1", -1);
    receive_batch(&mut h, "SOON-20", 20);
    receive_batch(&mut h, "LATER-75", 75);
    let before = on_hand(&h, "PCT-500");
    click(&mut h, "Cek kedaluwarsa");
    let near = |h: &Harness<TillApp>| -> Vec<String> {
        let r = screen(h)
            .near_expiry
            .expiry
            .clone()
            .expect("expiry report loaded");
        r.near.into_iter().map(|e| e.batch_no).collect()
    };
    assert_eq!(
        screen(&h).near_expiry.days,
        Some(90),
        "the setting's default"
    );
    assert!(near(&h).contains(&"LATER-75".to_string()));
    click(&mut h, "30 hari");
    assert_eq!(screen(&h).near_expiry.days, Some(30));
    assert!(near(&h).contains(&"SOON-20".to_string()));
    assert!(!near(&h).contains(&"LATER-75".to_string()));
    h.get_by_label("SOON-20");
    assert!(h.query_by_label("LATER-75").is_none());
    // Expired batches are listed apart, never as "near".
    h.get_by_label("OLD-1");
    assert!(!near(&h).contains(&"OLD-1".to_string()));
    click(&mut h, "60 hari");
    assert!(near(&h).contains(&"SOON-20".to_string()));
    assert!(!near(&h).contains(&"LATER-75".to_string()));
    // The write-off tab lists the expired batch and writes all of it off at once.
    click(&mut h, "Hapus stok");
    h.get_by_label("OLD-1");
    click(&mut h, "Hapus semua yang kedaluwarsa");
    assert_eq!(error(&h), "");
    assert_eq!(batch_on_hand(&h, "OLD-1"), Decimal::ZERO);
    assert_eq!(batch_on_hand(&h, "SOON-20"), dec!(20));
    assert_eq!(on_hand(&h, "PCT-500"), before - dec!(20));
    assert!(screen(&h).write_off.expired.is_empty());
    assert!(h.query_by_label("OLD-1").is_none());
    assert!(h.query_by_label("Hapus semua yang kedaluwarsa").is_none());
    let card = h.state().shop.stock_card("PCT-500", Some("OLD-1")).unwrap();
    let last = card.last().unwrap();
    assert_eq!((last.kind.as_str(), last.qty), ("writeoff", dec!(-20)));
    assert_eq!(last.note.as_deref(), Some("kedaluwarsa"));
}

#[test]
fn a_batch_tracked_drug_with_batch_and_expiry_is_received_into_that_batch() {
    let (_dir, mut h) = gudang_on_stock();
    let before = on_hand(&h, "PCT-500");
    click(&mut h, "Terima barang");
    click(&mut h, "PT Kimia Farma Trading & Distribution Bogor");
    fill(&mut h, "Kode / barcode", "8996340002250"); // a strip of 10
    assert_eq!(
        screen(&h).receive.form.units[screen(&h).receive.form.unit].unit,
        "strip",
        "the scanned unit"
    );
    // The cashier switches to boxes of 100.
    click(&mut h, "box (×100)");
    fill(&mut h, "Banyaknya", "3");
    fill(&mut h, "Harga pokok per satuan", "41800");
    fill(&mut h, "Batch", "PCT2701A");
    fill(&mut h, "Kedaluwarsa (YYYY-MM-DD)", "2028-01-31");
    press(&mut h, Key::Enter);
    assert_eq!(error(&h), "");
    assert_eq!(screen(&h).receive.lines.len(), 1, "Enter adds the line");
    h.get_by_label("3 box");
    // A second line, then removed again.
    fill(&mut h, "Kode / barcode", MIE_DUS);
    fill(&mut h, "Banyaknya", "1");
    fill(&mut h, "Harga pokok per satuan", "111400");
    click(&mut h, "Tambah baris");
    assert_eq!(screen(&h).receive.lines.len(), 2);
    h.get_all_by_label("Hapus baris").nth(1).unwrap().click();
    h.run_steps(3);
    assert_eq!(screen(&h).receive.lines.len(), 1);
    assert_eq!(
        screen(&h).receive.lines[0].name,
        "Paracetamol 500 mg Tablet"
    );
    // How it is paid is chosen each time: nothing is booked until it is.
    click(&mut h, "Simpan penerimaan");
    assert!(error(&h).contains("Pilih cara bayar"), "{}", error(&h));
    assert_eq!(on_hand(&h, "PCT-500"), before);
    // Cash from this till's drawer needs its shift open; the office safe pays.
    click(&mut h, "Tunai dari laci kasir ini");
    click(&mut h, "Simpan penerimaan");
    assert!(
        error(&h).contains("Belum ada shift terbuka"),
        "{}",
        error(&h)
    );
    assert_eq!(on_hand(&h, "PCT-500"), before);
    click(&mut h, "Tunai dari brankas (Kas Besar)");
    click(&mut h, "Simpan penerimaan");
    assert_eq!(error(&h), "");
    assert_eq!(on_hand(&h, "PCT-500"), before + dec!(300));
    assert_eq!(batch_on_hand(&h, "PCT2701A"), dec!(300));
    let slip = screen(&h).receive.slip.clone().unwrap();
    assert!(slip.contains("PCT2701A"), "{slip}");
}

#[test]
fn counting_is_keyboard_first_scan_the_code_type_the_count_enter_and_scan_the_next() {
    let (_dir, mut h) = gudang_on_stock();
    click(&mut h, "Opname");
    click(&mut h, "Mulai opname: semua");
    // The code field has the keyboard: scan, the count field takes it, Enter records.
    burst(&mut h, MIE_DUS);
    typing(&mut h, "4");
    press(&mut h, Key::Enter);
    assert_eq!(error(&h), "");
    burst(&mut h, "8991483002310"); // Gula Pasir 1 kg
    typing(&mut h, "7");
    press(&mut h, Key::Enter);
    assert_eq!(error(&h), "");
    let counted: Vec<(String, Decimal)> = screen(&h)
        .count
        .counted
        .iter()
        .map(|c| (c.sku.clone(), c.counted))
        .collect();
    assert_eq!(counted.len(), 2, "{counted:?}");
    // A dus counted is 40 pcs each.
    assert!(
        counted.contains(&("IDM-GRG".into(), dec!(160))),
        "{counted:?}"
    );
    h.get_by_label("160 pcs");
    // A bad count is refused and nothing is recorded.
    burst(&mut h, MIE_DUS);
    typing(&mut h, "x");
    press(&mut h, Key::Enter);
    assert!(error(&h).contains("Jumlah"), "{}", error(&h));
    assert_eq!(screen(&h).count.counted.len(), 2);
    assert!(screen(&h)
        .count
        .counted
        .contains(&kasir::service::opname::CountAck {
            sku: "IDM-GRG".into(),
            name: "Indomie Goreng 85 g".into(),
            batch: None,
            counted: dec!(160),
            base_unit: "pcs".into(),
        }));
}

#[test]
fn the_stock_reports_tab_shows_value_per_unit_the_reorder_list_and_slow_movers_blind_during_a_count(
) {
    let (_dir, mut h) = gudang_on_stock();
    click(&mut h, "Laporan stok");
    assert_eq!(screen(&h).tab, StockTab::Reports, "{}", error(&h));
    let shop = &h.state().shop;
    let values = shop.stock_value_by_unit().unwrap();
    let reorder = shop.low_stock().unwrap();
    let slow = shop.slow_movers(Some(90)).unwrap();
    assert!(!reorder.is_empty() && !slow.is_empty(), "the demo has both");
    let sembako = values
        .iter()
        .find(|v| v.business_unit == "sembako")
        .unwrap()
        .value;
    let sembako_value = kasir::domain::money::format_rupiah(sembako);
    h.get_by_label(&sembako_value);
    // The reorder list: each low product with its suggested order.
    let low = &reorder[0];
    assert!(h.query_all_by_label(&low.name).count() >= 1);
    let suggested = format!("{} {}", format_qty(low.suggested), low.base_unit);
    assert!(h.query_all_by_label(&suggested).count() >= 1, "{suggested}");
    // Slow movers over the default 90 days, then over 30.
    assert_eq!(screen(&h).reports.slow_days, Some(90));
    assert_eq!(screen(&h).reports.slow.len(), slow.len());
    h.state_mut()
        .apply(Action::Stock(kasir::ui::stock::StockAction::SlowDays(30)));
    h.run_steps(2);
    assert_eq!(screen(&h).reports.slow_days, Some(30));
    let slow_30 = h.state().shop.slow_movers(Some(30)).unwrap();
    assert_eq!(screen(&h).reports.slow, slow_30);
    h.get_by_label(&format!("Barang lambat laku ({})", slow_30.len()));
    // While sembako is being counted, its figures are hidden here too.
    let budi = h.state().actor.clone().unwrap();
    h.state_mut()
        .shop
        .opname_start(&budi, Some(kasir::domain::catalog::BusinessUnit::Sembako))
        .unwrap();
    click(&mut h, "Muat ulang");
    assert!(screen(&h).session.is_some());
    assert!(
        h.query_by_label(&sembako_value).is_none(),
        "sembako's stock value shown during its count"
    );
    // A dash for sembako's value, and for the on-hand and suggested order (reorder) or
    // on-hand and value (slow movers) of every sembako row; apotek's figures still show.
    let sembako_rows = |units: Vec<&str>| units.iter().filter(|u| **u == "sembako").count();
    let dashes = 1
        + 2 * sembako_rows(reorder.iter().map(|r| r.business_unit.as_str()).collect())
        + 2 * sembako_rows(slow_30.iter().map(|r| r.business_unit.as_str()).collect());
    assert_eq!(h.query_all_by_label("—").count(), dashes);
    let apotek = values.iter().find(|v| v.business_unit == "apotek").unwrap();
    h.get_by_label(&kasir::domain::money::format_rupiah(apotek.value));
}

#[test]
fn a_new_supplier_is_added_on_the_receiving_tab_and_picked_for_the_delivery() {
    let (_dir, mut h) = gudang_on_stock();
    click(&mut h, "Terima barang");
    let before = screen(&h).receive.suppliers.len();
    click(&mut h, "+ Pemasok baru");
    // A name without a code is refused and adds nothing.
    fill(&mut h, "Nama pemasok", "UD Tani Makmur");
    click(&mut h, "Simpan pemasok");
    assert!(!error(&h).is_empty());
    assert_eq!(h.state().shop.suppliers().unwrap().len(), before);
    fill(&mut h, "Kode pemasok", "TANI");
    fill(&mut h, "Telepon", "081234567890");
    click(&mut h, "Simpan pemasok");
    assert_eq!(error(&h), "");
    let s = screen(&h);
    assert_eq!(s.receive.suppliers.len(), before + 1);
    assert!(s.receive.new_supplier.is_none(), "the form closes");
    let picked = s
        .receive
        .supplier
        .map(|i| s.receive.suppliers[i].code.clone());
    assert_eq!(picked.as_deref(), Some("TANI"));
    h.get_by_label("Pemasok disimpan: UD Tani Makmur");
    // The delivery is booked against the new supplier.
    click(&mut h, "Utang ke pemasok");
    fill(&mut h, "Kode / barcode", MIE_DUS);
    fill(&mut h, "Banyaknya", "1");
    fill(&mut h, "Harga pokok per satuan", "111400");
    click(&mut h, "Tambah baris");
    click(&mut h, "Simpan penerimaan");
    assert_eq!(error(&h), "");
    let tani = h
        .state()
        .shop
        .suppliers()
        .unwrap()
        .into_iter()
        .find(|s| s.code == "TANI")
        .unwrap();
    assert_eq!(tani.owed, dec!(111400));
    assert_eq!(tani.phone.as_deref(), Some("081234567890"));
}

#[test]
fn a_scan_beyond_stock_is_refused_until_a_supervisor_approves_the_line() {
    let (_dir, mut h) = demo();
    login(&mut h, "siti", "1111");
    burst(&mut h, "8991234567891");
    let cart = h.state().cart.clone();
    // Gula: 100 pcs on the shelf.
    burst(&mut h, &format!("150*{GULA}"));
    assert_eq!(h.state().cart, cart, "nothing added beyond stock");
    match &h.state().dialog {
        Some(kasir::ui::Dialog::Supervise { pending, .. }) => {
            let (_, why) = pending.as_deref().expect("the refused line waits");
            assert!(why.contains("stok hanya 100 pcs"), "{why}");
        }
        other => panic!("no approval asked: {other:?}"),
    }
    h.get_by_label("Jual melebihi stok");
    // Esc: nothing added, nothing approved.
    press(&mut h, Key::Escape);
    assert!(h.state().dialog.is_none());
    assert_eq!(h.state().cart, cart);
    burst(&mut h, &format!("150*{GULA}"));
    let ahmad = h
        .state()
        .users
        .iter()
        .position(|u| u.username == "ahmad")
        .unwrap();
    if let Some(kasir::ui::Dialog::Supervise { approval, .. }) = &mut h.state_mut().dialog {
        approval.user = ahmad;
        approval.pin = "0000".into();
    }
    h.get_by_label("Setujui").click();
    h.run_steps(3);
    assert_eq!(h.state().cart, cart, "a wrong PIN approves nothing");
    if let Some(kasir::ui::Dialog::Supervise { approval, .. }) = &mut h.state_mut().dialog {
        approval.pin = "4444".into();
    }
    h.get_by_label("Setujui").click();
    h.run_steps(3);
    assert!(h.state().dialog.is_none());
    assert_eq!(h.state().cart.lines.len(), 2);
    assert_eq!(
        h.state().cart.lines[1].oversell_approved_by.as_deref(),
        Some("ahmad")
    );
    press(&mut h, Key::F12);
    h.get_by_label("Uang pas").click();
    h.run_steps(3);
    assert_eq!(
        kasir::store::sales::count(h.state().shop.store.conn()).unwrap(),
        1
    );
    let audit = kasir::store::audit::recent(h.state().shop.store.conn(), 10).unwrap();
    for action in ["oversell_approve", "oversell"] {
        assert!(
            audit
                .iter()
                .any(|a| a.action == action && a.approver.as_deref() == Some("ahmad")),
            "{action} not audited with its approver"
        );
    }
    let stock = h.state().shop.stock(Some(GULA)).unwrap();
    // Sold on approval: the shelf now owes 50.
    assert_eq!(stock[0].on_hand, dec!(-50));
}

#[test]
fn a_large_catalog_lists_its_first_products_and_a_search_finds_any_other() {
    let (_dir, mut h) = gudang_on_stock();
    let rows = screen(&h).on_hand.rows.len();
    assert!(rows > 200, "the demo shop has {rows} products");
    h.get_by_label(&format!(
        "200 / {rows} produk ditampilkan: ketik nama atau SKU untuk menyaring"
    ));
    // Products are listed by SKU: the last one is past the first 200 and not drawn.
    let last = screen(&h).on_hand.rows.last().unwrap().clone();
    assert!(
        h.query_by_label(&last.name).is_none(),
        "{} drawn",
        last.name
    );
    fill(&mut h, "Nama, SKU atau barcode", &last.sku);
    h.get_by_label(&last.name);
    assert_eq!(
        h.query_all_by_label_contains("produk ditampilkan").count(),
        0
    );
}
