//! The till and its printer: receipts through the queue, the return slip and drawer kick,
//! the till's own printer in Pengaturan, a printer that never answers status.

use std::path::Path;
use std::sync::Arc;

use egui::Key;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use kasir::ui::{Dialog, Screen, TillApp};
use rust_decimal::Decimal;

use super::{harness, login, notice, shop_at, MIE};
use crate::ui_common::{burst, press, typing};

/// Wait (frames and 50 ms sleeps, at most 5 s) until the till's printer file holds `needle`.
fn printed_file(h: &mut Harness<TillApp>, out: &Path, needle: &str) -> Vec<u8> {
    let mut printed = Vec::new();
    for _ in 0..100 {
        h.step();
        printed = std::fs::read(out).unwrap_or_default();
        if kasir_receipts::decode_text(&printed).contains(needle) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    printed
}

#[test]
fn a_saved_return_closes_its_form_prints_a_slip_and_opens_the_drawer() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let out = dir.path().join("printer.bin");
    let mut shop = shop_at(&db, true);
    shop.set_setting(
        &kasir::domain::user::Actor::back_office(),
        "till.sembako-1.printer",
        &format!("file:{}", out.display()),
    )
    .unwrap();
    let mut h = harness(shop);
    h.state_mut().start_printer().unwrap();
    login(&mut h, "siti", "1111");
    burst(&mut h, &format!("3*{MIE}"));
    press(&mut h, Key::F12);
    typing(&mut h, "20000");
    press(&mut h, Key::Enter);
    let sale = h.state().last_sale.clone().unwrap();
    printed_file(&mut h, &out, &sale.number);
    let before = h.state().shop.stock(Some(MIE)).unwrap()[0].on_hand;
    press(&mut h, Key::F11);
    burst(&mut h, MIE);
    let ahmad = h
        .state()
        .users
        .iter()
        .position(|u| u.username == "ahmad")
        .unwrap();
    if let Some(Dialog::Return(f)) = &mut h.state_mut().dialog {
        f.approval.user = ahmad;
    }
    // The supervisor types the PIN and presses Enter; the cashier presses Enter again.
    h.get_by_label("PIN").click();
    h.run_steps(2);
    typing(&mut h, "4444");
    press(&mut h, Key::Enter);
    assert!(notice(&h).contains("Retur tersimpan"), "{}", notice(&h));
    press(&mut h, Key::Enter);
    press(&mut h, Key::Enter);
    let returns: i64 = h
        .state()
        .shop
        .store
        .conn()
        .query_row("SELECT count(*) FROM returns", [], |r| r.get(0))
        .unwrap();
    assert_eq!(returns, 1, "one return only");
    assert!(h.state().dialog.is_none(), "the return form is closed");
    let after = h.state().shop.stock(Some(MIE)).unwrap()[0].on_hand;
    assert_eq!(after, before + Decimal::ONE);
    // The slip and a drawer kick for the cash refund reach this till's printer.
    let printed = printed_file(&mut h, &out, "RETUR BARANG");
    let text = kasir_receipts::decode_text(&printed);
    assert!(text.contains("RETUR BARANG"), "no return slip: {text}");
    assert!(text.contains(&sale.number), "{text}");
    assert!(text.contains("Uang kembali"), "{text}");
    assert!(text.contains("Rp3.500"), "{text}");
    let kick = kasir_hardware::commands::DRAWER_KICK;
    let kicks = printed.windows(kick.len()).filter(|w| *w == kick).count();
    assert_eq!(
        kicks, 2,
        "one kick for the sale's change, one for the refund"
    );
}

#[test]
fn a_paid_sale_prints_its_receipt_through_the_queue_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let out = dir.path().join("printer.bin");
    let mut shop = shop_at(&db, true);
    let admin = kasir::domain::user::Actor::back_office();
    shop.set_setting(
        &admin,
        "till.sembako-1.printer",
        &format!("file:{}", out.display()),
    )
    .unwrap();
    let mut h = harness(shop);
    h.state_mut().start_printer().unwrap();
    login(&mut h, "siti", "1111");
    burst(&mut h, MIE);
    press(&mut h, Key::F12);
    typing(&mut h, "5000");
    press(&mut h, Key::Enter);
    let number = h.state().last_sale.clone().unwrap().number;
    let mut printed = Vec::new();
    for _ in 0..100 {
        h.step();
        printed = std::fs::read(&out).unwrap_or_default();
        if String::from_utf8_lossy(&printed).contains(&number) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let text = kasir_receipts::decode_text(&printed);
    assert!(text.contains(&number), "receipt not printed: {text}");
    assert!(text.contains("Indomie"), "{text}");
}

#[test]
fn each_till_gets_its_own_printer_and_drawer_in_settings() {
    let dir = tempfile::tempdir().unwrap();
    let own = dir.path().join("own.bin");
    let mut h = harness(shop_at(&dir.path().join("shop.db"), true));
    h.state_mut().start_printer().unwrap();
    login(&mut h, "admin", "9999");
    h.get_by_label("Pengaturan").click();
    h.run_steps(3);
    let typed = format!("file:{}", own.display());
    // The field is typed into as the admin would.
    h.get_by_label("Printer & laci kassa ini (kosong: printer toko)")
        .click();
    h.run_steps(2);
    typing(&mut h, &typed);
    h.get_by_label("Simpan").click();
    h.run_steps(3);
    let conn = h.state().shop.store.conn();
    let till_printer = kasir::store::settings::get(conn, "till.sembako-1.printer").unwrap();
    assert_eq!(till_printer.as_deref(), Some(typed.as_str()));
    assert_eq!(
        h.state().settings.printer,
        "sim",
        "the shop's printer stays"
    );
    assert_eq!(
        kasir::service::print::receipt_printer(conn, "apotek-1").unwrap(),
        "sim",
        "another till keeps the shop's printer"
    );
    // The till's worker now prints to its own printer.
    h.get_by_label("Cetak halaman uji").click();
    h.run_steps(3);
    let printed = printed_file(&mut h, &own, "TES PRINTER");
    assert!(
        kasir_receipts::decode_text(&printed).contains("TES PRINTER"),
        "test page not on the till's printer"
    );
}

#[test]
fn a_printer_that_never_answers_status_prints_and_the_status_bar_says_status_unknown() {
    use std::io::Read;
    let dir = tempfile::tempdir().unwrap();
    // A network print server that takes bytes and never answers DLE EOT.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = got.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            let mut conn = conn;
            let mut buf = [0u8; 512];
            while let Ok(n) = conn.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        }
    });
    let mut shop = shop_at(&dir.path().join("shop.db"), true);
    shop.set_setting(
        &kasir::domain::user::Actor::back_office(),
        "till.sembako-1.printer",
        &format!("tcp:127.0.0.1:{port}"),
    )
    .unwrap();
    let mut h = harness(shop);
    h.state_mut().start_printer().unwrap();
    login(&mut h, "siti", "1111");
    burst(&mut h, MIE);
    press(&mut h, Key::F12);
    typing(&mut h, "5000");
    press(&mut h, Key::Enter);
    let number = h.state().last_sale.clone().unwrap().number;
    for _ in 0..100 {
        h.step();
        if kasir_receipts::decode_text(&got.lock().unwrap()).contains(&number) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let text = kasir_receipts::decode_text(&got.lock().unwrap());
    assert!(text.contains(&number), "receipt not printed blind: {text}");
    h.run_steps(3);
    assert!(
        h.query_by_label_contains("Printer: status tidak diketahui")
            .is_some(),
        "status bar: {:?}",
        h.state().printer_report
    );
}

#[test]
fn the_admin_chooses_a_printer_in_settings_and_prints_a_test_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("test-page.bin");
    let mut h = harness(shop_at(&dir.path().join("shop.db"), true));
    h.state_mut().start_printer().unwrap();
    login(&mut h, "admin", "9999");
    h.get_by_label("Pengaturan").click();
    h.run_steps(3);
    match &mut h.state_mut().screen {
        Screen::Back(kasir::ui::Back::Settings(form)) => {
            form.printer = "bogus:printer".into();
        }
        other => panic!("not on settings: {other:?}"),
    }
    h.get_by_label("Simpan").click();
    h.run_steps(3);
    assert_eq!(
        h.state().settings.printer,
        "sim",
        "a bad address is not saved"
    );
    if let Screen::Back(kasir::ui::Back::Settings(form)) = &mut h.state_mut().screen {
        assert!(form.error.is_some());
        form.printer = format!("file:{}", out.display());
        form.paper = "80".into();
    }
    h.get_by_label("Simpan").click();
    h.run_steps(3);
    assert_eq!(h.state().settings.paper, "80");
    h.get_by_label("Cetak halaman uji").click();
    h.run_steps(3);
    let mut text = String::new();
    for _ in 0..100 {
        h.step();
        text = kasir_receipts::decode_text(&std::fs::read(&out).unwrap_or_default());
        if !text.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert!(!text.is_empty(), "no test page printed");
    let audit = kasir::store::audit::recent(h.state().shop.store.conn(), 10).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "setting" && a.detail.starts_with("printer.uri: \"sim\" → \"file:")));
}
