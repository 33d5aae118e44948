//! The till's real widgets driven headless with egui_kittest: keys and text go in as egui
//! events, and the tests read what a cashier would see (cart, total, messages) and what the
//! shop recorded (sales, audit log, drafts).

use crate::ui_common;

mod approvals;
mod counter;
mod payment;
mod printing;
mod restart;
mod sync_bar;

use std::path::Path;

use egui::Key;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use kasir::domain::catalog::PriceTier;
use kasir::service::Shop;
use kasir::store::{OpenMode, Store};
use kasir::ui::{Dialog, Screen, TillApp};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use ui_common::{burst, click, demo_shop_at, harness_on, press, select_user, typing};

const MIE: &str = "8991234567891"; // Indomie Goreng, Rp3.500 umum / Rp3.400 anggota
const GULA: &str = "8991483002310"; // Gula Pasir 1 kg, Rp18.500

fn shop_at(db: &Path, create: bool) -> Shop {
    demo_shop_at(db, create)
}

fn harness(shop: Shop) -> Harness<'static, TillApp> {
    harness_on(shop, "sembako-1")
}

/// Log in as `username` and open the shift with a Rp200.000 float if none is open. The back
/// office lands on its own screen and goes to the till from the menu.
fn login(h: &mut Harness<TillApp>, username: &str, pin: &str) {
    select_user(h, username);
    typing(h, pin);
    press(h, Key::Enter);
    if matches!(h.state().screen, Screen::Back(_)) {
        h.state_mut().apply(kasir::ui::Action::GoSelling);
        h.run_steps(2);
    }
    if matches!(h.state().screen, Screen::OpenShift { .. }) {
        // The Rp100.000 field has the focus: two notes.
        typing(h, "2");
        press(h, Key::Enter);
    }
    assert_eq!(h.state().screen, Screen::Selling, "not selling after login");
}

fn sales_count(h: &Harness<TillApp>) -> i64 {
    kasir::store::sales::count(h.state().shop.store.conn()).unwrap()
}

fn notice(h: &Harness<TillApp>) -> String {
    h.state()
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

fn total(h: &Harness<TillApp>) -> Decimal {
    let app = h.state();
    app.cart.totals(app.settings.tax()).total
}

fn demo() -> (tempfile::TempDir, Harness<'static, TillApp>) {
    let dir = tempfile::tempdir().unwrap();
    let shop = shop_at(&dir.path().join("shop.db"), true);
    (dir, harness(shop))
}

#[test]
fn login_with_a_wrong_then_right_pin_and_open_the_shift_with_a_counted_float() {
    let (_dir, mut h) = demo();
    select_user(&mut h, "siti");
    typing(&mut h, "0000");
    press(&mut h, Key::Enter);
    match &h.state().screen {
        Screen::Login { error, pin, .. } => {
            assert!(
                error.as_deref().unwrap_or("").contains("PIN salah"),
                "{error:?}"
            );
            assert!(pin.is_empty(), "a wrong PIN is cleared");
        }
        other => panic!("still expected the login screen, got {other:?}"),
    }
    // The on-screen keypad types the PIN too.
    for _ in 0..4 {
        h.get_by_label("1").click();
        h.run_steps(2);
    }
    h.get_by_label("Masuk").click();
    h.run_steps(3);
    assert!(matches!(h.state().screen, Screen::OpenShift { .. }));
    typing(&mut h, "2");
    press(&mut h, Key::Enter);
    assert_eq!(h.state().screen, Screen::Selling);
    let shift = h.state().shift.clone().expect("shift open");
    assert_eq!(shift.opening_float, dec!(200000));
    assert_eq!(shift.till, "sembako-1");
}

#[test]
fn a_scanner_burst_adds_the_item_and_slow_typing_goes_through_the_field() {
    let (_dir, mut h) = demo();
    login(&mut h, "siti", "1111");
    burst(&mut h, MIE);
    assert_eq!(h.state().cart.lines.len(), 1);
    assert_eq!(h.state().scan_text, "", "a scan never lands in the field");
    assert_eq!(total(&h), dec!(3500));
    // A person types qty*code slowly and presses Enter: same result through the field.
    typing(&mut h, &format!("3*{GULA}"));
    assert_eq!(h.state().scan_text, format!("3*{GULA}"));
    press(&mut h, Key::Enter);
    assert_eq!(h.state().cart.lines.len(), 2);
    assert_eq!(h.state().cart.lines[1].qty, dec!(3));
    assert_eq!(total(&h), dec!(3500) + dec!(55500));
    h.get_by_label("Rp59.000");
}

#[test]
fn garbage_and_unknown_codes_are_refused_with_a_message_and_change_nothing() {
    let (_dir, mut h) = demo();
    login(&mut h, "siti", "1111");
    burst(&mut h, MIE);
    let before = h.state().cart.clone();
    burst(&mut h, "8991234567892");
    assert!(notice(&h).contains("digit cek"), "{}", notice(&h));
    burst(&mut h, "8990000000006");
    assert!(notice(&h).contains("tidak dikenal"), "{}", notice(&h));
    burst(&mut h, "#$%^&*!");
    assert!(!notice(&h).is_empty());
    assert_eq!(h.state().cart, before);
    // F12 on an empty cart after a void is refused too.
    let mut empty = harness_after_login();
    press(&mut empty.1, Key::F12);
    assert!(empty.1.state().dialog.is_none());
    assert!(notice(&empty.1).contains("kosong"), "{}", notice(&empty.1));
}

fn harness_after_login() -> (tempfile::TempDir, Harness<'static, TillApp>) {
    let (dir, mut h) = demo();
    login(&mut h, "siti", "1111");
    (dir, h)
}

#[test]
fn search_by_name_and_pick_with_enter() {
    let (_dir, mut h) = harness_after_login();
    press(&mut h, Key::F2);
    assert!(matches!(h.state().dialog, Some(Dialog::Search { .. })));
    typing(&mut h, "gulaku");
    match &h.state().dialog {
        Some(Dialog::Search { results, .. }) => {
            assert!(!results.is_empty());
            assert!(results
                .iter()
                .all(|r| r.name.to_lowercase().contains("gulaku")));
        }
        other => panic!("search closed: {other:?}"),
    }
    press(&mut h, Key::ArrowDown);
    let expected = match &h.state().dialog {
        Some(Dialog::Search {
            results, selected, ..
        }) => results[*selected].unit_id,
        _ => unreachable!(),
    };
    press(&mut h, Key::Enter);
    assert!(h.state().dialog.is_none());
    assert_eq!(h.state().cart.lines.len(), 1);
    assert_eq!(h.state().cart.lines[0].item.unit_id, expected);
}

#[test]
fn attaching_a_member_reprices_the_cart_to_the_member_tier() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, &format!("2*{MIE}"));
    assert_eq!(total(&h), dec!(7000));
    press(&mut h, Key::F3);
    typing(&mut h, "A0001");
    press(&mut h, Key::Enter);
    let app = h.state();
    assert_eq!(
        app.cart.member.as_ref().map(|m| m.number.as_str()),
        Some("A0001")
    );
    assert_eq!(app.cart.lines[0].tier, PriceTier::Anggota);
    assert_eq!(total(&h), dec!(6800));
    assert!(h.get_all_by_label("Rp6.800").count() >= 1);
}

#[test]
fn hold_serves_the_next_customer_and_recall_brings_the_cart_back() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE);
    burst(&mut h, GULA);
    let cart = h.state().cart.clone();
    press(&mut h, Key::F5);
    assert!(h.state().cart.is_empty());
    assert_eq!(h.state().shop.held_carts("sembako-1").unwrap().len(), 1);
    press(&mut h, Key::F5);
    assert!(matches!(h.state().dialog, Some(Dialog::Held { .. })));
    press(&mut h, Key::Enter);
    assert_eq!(h.state().cart, cart);
    assert!(h.state().shop.held_carts("sembako-1").unwrap().is_empty());
}

#[test]
fn esc_closes_every_dialog_without_side_effects() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE);
    let cart = h.state().cart.clone();
    for key in [
        Key::F1,
        Key::F2,
        Key::F3,
        Key::F4,
        Key::F6,
        Key::F9,
        Key::F12,
    ] {
        press(&mut h, key);
        assert!(h.state().dialog.is_some(), "{key:?} opened nothing");
        typing(&mut h, "5");
        press(&mut h, Key::Escape);
        assert!(h.state().dialog.is_none(), "{key:?} dialog stayed open");
        assert_eq!(h.state().cart, cart, "{key:?} changed the cart");
    }
    assert_eq!(sales_count(&h), 0);
}

#[test]
fn a_scan_while_paying_is_refused_and_another_dialog_gives_way_to_it() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE);
    press(&mut h, Key::F12);
    burst(&mut h, GULA);
    assert!(matches!(h.state().dialog, Some(Dialog::Pay(_))));
    assert_eq!(
        h.state().cart.lines.len(),
        1,
        "the total must not change while paying"
    );
    assert!(notice(&h).contains("Scan diabaikan"), "{}", notice(&h));
    press(&mut h, Key::Escape);
    press(&mut h, Key::F2);
    burst(&mut h, GULA);
    assert!(h.state().dialog.is_none());
    assert_eq!(h.state().cart.lines.len(), 2);
}

#[test]
fn after_a_crash_the_till_reopens_with_the_cart_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    {
        let mut h = harness(shop_at(&db, true));
        login(&mut h, "siti", "1111");
        burst(&mut h, MIE);
        burst(&mut h, &format!("2*{GULA}"));
        // The window is closed in the middle of the payment: no logout, no save on exit.
        press(&mut h, Key::F12);
        typing(&mut h, "50");
    }
    let mut h = harness(shop_at(&db, false));
    login(&mut h, "siti", "1111");
    assert_eq!(h.state().cart.lines.len(), 2);
    assert_eq!(total(&h), dec!(40500));
    assert!(notice(&h).contains("dipulihkan"), "{}", notice(&h));
    assert_eq!(
        sales_count(&h),
        0,
        "nothing was paid, nothing is recorded as paid"
    );
    assert!(
        h.state().dialog.is_none(),
        "the till reopens selling, not half-paying"
    );
}

#[test]
fn the_language_toggle_switches_the_screen_to_english() {
    let (_dir, mut h) = harness_after_login();
    h.get_by_label("English").click();
    h.run_steps(3);
    h.get_by_label("Pay (F12)");
    burst(&mut h, "8990000000006");
    assert!(notice(&h).contains("Unknown code"), "{}", notice(&h));
}

#[test]
fn a_serial_scanner_code_lands_in_the_cart_through_the_channel() {
    let (_dir, mut h) = harness_after_login();
    let (source, sim) = kasir::ui::ScanSource::simulated();
    h.state_mut().scans = source;
    assert!(sim.scan(MIE));
    for _ in 0..20 {
        h.step();
        if !h.state().cart.is_empty() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(h.state().cart.lines.len(), 1);
}

#[test]
fn a_stock_clerk_lands_in_the_back_office_and_edits_a_price_with_audit() {
    let (_dir, mut h) = demo();
    select_user(&mut h, "budi");
    typing(&mut h, "2222");
    press(&mut h, Key::Enter);
    assert!(matches!(h.state().screen, Screen::Back(_)));
    h.state_mut()
        .apply(kasir::ui::Action::GoBack(kasir::ui::BackKind::Products));
    h.run_steps(2);
    if let Screen::Back(kasir::ui::Back::Products { query, .. }) = &mut h.state_mut().screen {
        *query = "Indomie Goreng".into();
    }
    h.state_mut().apply(kasir::ui::Action::ProductsSearch);
    let item = h.state().shop.find_item(MIE).unwrap();
    let row = match &h.state().screen {
        Screen::Back(kasir::ui::Back::Products { results, .. }) => results
            .iter()
            .position(|r| r.unit_id == item.unit_id)
            .unwrap(),
        other => panic!("{other:?}"),
    };
    h.state_mut().apply(kasir::ui::Action::EditPrice(row));
    if let Screen::Back(kasir::ui::Back::Products { edit: Some(e), .. }) = &mut h.state_mut().screen
    {
        e.umum = "3.600".into();
    }
    h.state_mut().apply(kasir::ui::Action::SavePrice);
    h.run_steps(2);
    assert_eq!(
        h.state().shop.find_item(MIE).unwrap().prices.umum,
        dec!(3600)
    );
    let audit = kasir::store::audit::recent(h.state().shop.store.conn(), 3).unwrap();
    assert_eq!(audit[0].action, "price_change");
    assert_eq!(audit[0].actor, "budi");
}

#[test]
fn obat_keras_needs_a_prescription_and_the_pharmacists_pin_at_the_apotek() {
    const AMOXICILLIN_STRIP: &str = "8999825002592";
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_on(shop_at(&dir.path().join("shop.db"), true), "apotek-1");
    login(&mut h, "siti", "1111");
    burst(&mut h, AMOXICILLIN_STRIP);
    assert!(h.state().cart.is_empty(), "no line before the prescription");
    assert!(matches!(h.state().dialog, Some(Dialog::Prescription(_))));
    // A scan while the prescription is being written changes nothing.
    burst(&mut h, MIE);
    assert!(h.state().cart.is_empty());
    let rina = h
        .state()
        .users
        .iter()
        .position(|u| u.username == "rina")
        .unwrap();
    let siti = h
        .state()
        .users
        .iter()
        .position(|u| u.username == "siti")
        .unwrap();
    if let Some(Dialog::Prescription(rx)) = &mut h.state_mut().dialog {
        rx.number = "R-77".into();
        rx.doctor = "dr. Sari".into();
        rx.sip = "SIP-503/2025".into();
        rx.patient = "Joko".into();
        rx.prescribed = "10".into();
        // The cashier is no pharmacist, whatever her PIN.
        rx.pharmacist.user = siti;
        rx.pharmacist.pin = "1111".into();
    }
    h.get_by_label("Setujui").click();
    h.run_steps(3);
    assert!(h.state().cart.is_empty());
    if let Some(Dialog::Prescription(rx)) = &mut h.state_mut().dialog {
        assert!(rx.pharmacist.error.is_some());
        rx.pharmacist.user = rina;
        rx.pharmacist.pin = "3333".into();
    }
    h.get_by_label("Setujui").click();
    h.run_steps(3);
    assert!(h.state().dialog.is_none());
    let line = &h.state().cart.lines[0];
    let rx = line
        .prescription
        .as_ref()
        .expect("prescription on the line");
    assert_eq!(rx.rx.number, "R-77");
    press(&mut h, Key::F12);
    press(&mut h, Key::Enter);
    assert_eq!(sales_count(&h), 1);
}

#[test]
fn the_prescription_form_records_quantity_and_iter_and_asks_a_reason_for_an_old_paper() {
    const AMOXICILLIN_STRIP: &str = "8999825002592";
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_on(shop_at(&dir.path().join("shop.db"), true), "apotek-1");
    login(&mut h, "siti", "1111");
    burst(&mut h, AMOXICILLIN_STRIP);
    let rina = h
        .state()
        .users
        .iter()
        .position(|u| u.username == "rina")
        .unwrap();
    if let Some(Dialog::Prescription(rx)) = &mut h.state_mut().dialog {
        rx.number = "R-2019".into();
        rx.doctor = "dr. Sari".into();
        rx.sip = "SIP-503/2019".into();
        rx.patient = "Joko".into();
        rx.date = "2019-06-01".into();
    }
    h.run_steps(2);
    // The prescribed quantity is asked in the drug's own unit; the reason is not asked yet.
    h.get_by_label("Jumlah diresepkan (kapsul)").focus();
    h.run_steps(2);
    typing(&mut h, "10");
    h.get_by_label("Iter (ulang, obat keras)").focus();
    h.run_steps(2);
    typing(&mut h, "2");
    assert!(h.query_by_label("Alasan menerima resep lama").is_none());
    if let Some(Dialog::Prescription(rx)) = &mut h.state_mut().dialog {
        assert_eq!((rx.prescribed.as_str(), rx.iter.as_str()), ("10", "2"));
        rx.pharmacist.user = rina;
        rx.pharmacist.pin = "3333".into();
    }
    h.get_by_label("Setujui").click();
    h.run_steps(3);
    // A 2019 prescription is refused, saying why, and the form now asks for a reason.
    assert!(h.state().cart.is_empty());
    match &h.state().dialog {
        Some(Dialog::Prescription(rx)) => {
            let e = rx.pharmacist.error.as_deref().unwrap_or("");
            assert!(e.contains("Resep R-2019 bertanggal 2019-06-01"), "{e}");
            assert!(e.contains("hanya dengan alasan dan PIN apoteker"), "{e}");
        }
        other => panic!("the form should stay open: {other:?}"),
    }
    h.get_by_label("Alasan menerima resep lama").focus();
    h.run_steps(2);
    typing(&mut h, "kontrol rutin, dokter dikonfirmasi");
    if let Some(Dialog::Prescription(rx)) = &mut h.state_mut().dialog {
        rx.pharmacist.pin = "3333".into();
    }
    h.get_by_label("Setujui").click();
    h.run_steps(3);
    assert!(h.state().dialog.is_none(), "{:?}", h.state().dialog);
    let p = h.state().cart.lines[0].prescription.clone().unwrap();
    assert_eq!((p.rx.prescribed, p.rx.iter), (dec!(10), 2));
    assert_eq!(
        p.age_reason.as_deref(),
        Some("kontrol rutin, dokter dikonfirmasi")
    );
    press(&mut h, Key::F12);
    press(&mut h, Key::Enter);
    assert_eq!(sales_count(&h), 1);
    let sale = h.state().last_sale.clone().unwrap();
    let text = h.state().shop.receipt_text(&sale, false).unwrap();
    assert!(text.contains("Resep: R-2019"), "{text}");
    assert!(text.contains("Apoteker: apt. Rina Wulandari"), "{text}");
    let audited: i64 = h
        .state()
        .shop
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'prescription_age' AND approver = 'rina'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
}

#[test]
fn a_return_against_the_last_receipt_needs_a_supervisor_and_puts_stock_back() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, &format!("3*{MIE}"));
    press(&mut h, Key::F12);
    press(&mut h, Key::Enter);
    let sale = h.state().last_sale.clone().unwrap();
    let before = h.state().shop.stock(Some(MIE)).unwrap()[0].on_hand;
    press(&mut h, Key::F11);
    // The receipt number is filled in; the item is scanned.
    burst(&mut h, MIE);
    let ahmad = h
        .state()
        .users
        .iter()
        .position(|u| u.username == "ahmad")
        .unwrap();
    match &mut h.state_mut().dialog {
        Some(Dialog::Return(f)) => {
            assert_eq!(f.sale, sale.number);
            assert_eq!(f.items, MIE);
            f.approval.user = ahmad;
            f.approval.pin = "4444".into();
        }
        other => panic!("no return form: {other:?}"),
    }
    h.get_by_label("Setujui").click();
    h.run_steps(3);
    assert!(notice(&h).contains("Retur tersimpan"), "{}", notice(&h));
    assert!(notice(&h).contains("Rp3.500"), "{}", notice(&h));
    let after = h.state().shop.stock(Some(MIE)).unwrap()[0].on_hand;
    assert_eq!(after, before + Decimal::ONE);
}

#[test]
fn the_settings_screen_refuses_what_the_command_line_refuses_with_the_same_words() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(shop_at(&dir.path().join("shop.db"), true));
    login(&mut h, "admin", "9999");
    h.get_by_label("Pengaturan").click();
    h.run_steps(3);
    let stored = |h: &Harness<TillApp>, k: &str| {
        kasir::store::settings::get(h.state().shop.store.conn(), k).unwrap()
    };
    for (key, typed) in [
        ("cash.rounding_step", "0"),
        ("shop.npwp", "01.234.567.8-901"),
    ] {
        let before = (stored(&h, "cash.rounding_step"), stored(&h, "shop.npwp"));
        if let Screen::Back(kasir::ui::Back::Settings(form)) = &mut h.state_mut().screen {
            form.rounding = if key == "cash.rounding_step" {
                typed
            } else {
                "100"
            }
            .into();
            form.npwp = if key == "shop.npwp" { typed } else { "" }.into();
            form.name = "Toko Baru".into();
        }
        h.get_by_label("Simpan").click();
        h.run_steps(3);
        // The registry's own refusal, word for word, and nothing saved (not even the name).
        let want = kasir::service::settings::validate(key, typed)
            .unwrap_err()
            .message(kasir::i18n::Lang::Id);
        match &h.state().screen {
            Screen::Back(kasir::ui::Back::Settings(form)) => {
                assert_eq!(form.error.as_deref(), Some(want.as_str()), "{key}")
            }
            other => panic!("not on settings: {other:?}"),
        }
        assert_eq!(
            (stored(&h, "cash.rounding_step"), stored(&h, "shop.npwp")),
            before
        );
        assert_ne!(stored(&h, "shop.name").as_deref(), Some("Toko Baru"));
    }
    if let Screen::Back(kasir::ui::Back::Settings(form)) = &mut h.state_mut().screen {
        form.rounding = "500".into();
        form.npwp = "01.234.567.8-901.000".into();
    }
    h.get_by_label("Simpan").click();
    h.run_steps(3);
    assert_eq!(stored(&h, "shop.npwp").as_deref(), Some("012345678901000"));
    assert_eq!(h.state().settings.rounding_step, dec!(500));
    assert_eq!(h.state().settings.name, "Toko Baru");
}

#[test]
fn picking_obat_keras_from_search_asks_for_the_prescription_too() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_on(shop_at(&dir.path().join("shop.db"), true), "apotek-1");
    login(&mut h, "siti", "1111");
    press(&mut h, Key::F2);
    typing(&mut h, "Amoksisilin 500");
    press(&mut h, Key::Enter);
    assert!(h.state().cart.is_empty(), "no line without a prescription");
    assert!(
        matches!(h.state().dialog, Some(Dialog::Prescription(_))),
        "{:?}",
        h.state().dialog
    );
}

#[test]
fn the_cashier_counting_blind_is_not_offered_the_x_report() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE);
    h.get_by_label("Tutup & Buku").click();
    h.run_steps(3);
    assert!(matches!(
        h.state().screen,
        Screen::Back(kasir::ui::Back::Books(_))
    ));
    assert!(h.query_by_label("Laporan X").is_none());
    h.state_mut().apply(kasir::ui::Action::Books(
        kasir::ui::books::BooksAction::XReport,
    ));
    h.run_steps(2);
    assert!(h.query_by_label_contains("Kas seharusnya").is_none());
}

#[test]
fn closing_the_shift_opens_the_drawer_for_the_count_and_prints_the_z_report() {
    use kasir::store::print::JobKind;
    use kasir::ui::books::BooksAction;
    let (_dir, mut h) = harness_after_login();
    h.get_by_label("Tutup & Buku").click();
    h.run_steps(3);
    h.state_mut()
        .apply(kasir::ui::Action::Books(BooksAction::StartClose));
    h.run_steps(2);
    let kinds = |h: &Harness<TillApp>| -> Vec<JobKind> {
        h.state()
            .shop
            .print_queue(20)
            .unwrap()
            .into_iter()
            .map(|j| j.kind)
            .collect()
    };
    assert!(kinds(&h).contains(&JobKind::Drawer), "{:?}", kinds(&h));
    // The float was two Rp100.000 notes and nothing was sold: count them.
    if let Screen::Back(kasir::ui::Back::Books(s)) = &mut h.state_mut().screen {
        s.shift.counts[kasir::domain::cash::DENOMINATIONS.len() - 1] = "2".into();
    }
    h.state_mut()
        .apply(kasir::ui::Action::Books(BooksAction::SubmitCount));
    h.run_steps(2);
    assert!(h.state().shift.is_none(), "{}", notice(&h));
    assert!(kinds(&h).contains(&JobKind::Z), "{:?}", kinds(&h));
    let audit = kasir::store::audit::recent(h.state().shop.store.conn(), 10).unwrap();
    assert!(audit.iter().any(|a| a.action == "drawer_count"));
}

/// Junk over the root page of `table`, with the WAL folded into the file first.
fn damage_table(db: &Path, table: &str) {
    use std::io::{Seek, SeekFrom, Write};
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    let root: i64 = c
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
            [table],
            |r| r.get(0),
        )
        .unwrap();
    drop(c);
    let mut f = std::fs::OpenOptions::new().write(true).open(db).unwrap();
    f.seek(SeekFrom::Start((root as u64 - 1) * 4096)).unwrap();
    f.write_all(&[0xA5; 4096]).unwrap();
    f.sync_all().unwrap();
}

#[test]
fn damage_in_the_sales_history_found_after_start_stops_selling_with_the_advice_to_restore() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    {
        let mut shop = shop_at(&db, true);
        // 150 sales take more than the demo shelf holds: this shop allows negative stock.
        shop.set_setting(
            &kasir::domain::user::Actor::back_office(),
            "stock.allow_negative",
            "true",
        )
        .unwrap();
        let kasir = shop.login("siti", "1111").unwrap();
        shop.open_shift(&kasir, "cli", dec!(100000), &Default::default())
            .unwrap();
        for _ in 0..150 {
            let mut cart = kasir::domain::cart::Cart::default();
            shop.scan_into(&mut cart, &format!("2*{MIE}")).unwrap();
            shop.scan_into(&mut cart, GULA).unwrap();
            let pay = [kasir::domain::cart::Tender {
                kind: kasir::domain::cart::TenderKind::Cash,
                amount: dec!(50000),
                reference: None,
            }];
            shop.checkout(&kasir, "cli", &cart, &pay).unwrap();
        }
    }
    damage_table(&db, "sale_lines");
    // Opening checks the working tables only: the till starts.
    let mut h = harness(shop_at(&db, false));
    login(&mut h, "siti", "1111");
    assert!(h.state().damaged.is_none());
    h.state_mut().start_file_check();
    let started = std::time::Instant::now();
    while h.state().damaged.is_none() && started.elapsed() < std::time::Duration::from_secs(20) {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.run();
    assert!(
        matches!(h.state().damaged, Some(kasir::KasirError::DbCorrupt(_))),
        "{:?}",
        h.state().damaged
    );
    // The banner says so on every screen, and the till refuses to take money.
    assert!(h
        .query_by_label_contains("pulihkan dari cadangan terakhir")
        .is_some());
    burst(&mut h, MIE);
    press(&mut h, Key::F12);
    press(&mut h, Key::Enter);
    match &h.state().dialog {
        Some(Dialog::Pay(p)) => assert!(
            p.error
                .as_deref()
                .is_some_and(|e| e.contains("pulihkan dari cadangan terakhir")),
            "{:?}",
            p.error
        ),
        other => panic!("payment closed: {other:?}"),
    }
}

#[test]
fn the_daily_backup_at_start_is_written_beside_the_till_while_it_sells() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let copies = dir.path().join("cadangan");
    {
        let mut shop = shop_at(&db, true);
        shop.set_backup_policy(&kasir::domain::user::Actor::back_office(), Some(&copies), 7)
            .unwrap();
    }
    let mut h = harness(shop_at(&db, false));
    let backup = h
        .state()
        .start_daily_backup()
        .expect("backup thread started");
    // The till keeps working while the copy is made.
    login(&mut h, "siti", "1111");
    burst(&mut h, MIE);
    assert_eq!(h.state().cart.lines.len(), 1);
    let done = backup.join().unwrap().unwrap();
    let written = done.written.expect("today's copy written");
    assert!(written.starts_with(&copies), "{}", written.display());
    // The copy is a whole shop, and a second start the same day writes no other.
    let copy = Store::open(&written, OpenMode::Existing).unwrap();
    copy.integrity_check().unwrap();
    let again = h
        .state()
        .start_daily_backup()
        .unwrap()
        .join()
        .unwrap()
        .unwrap();
    assert_eq!(again.written, None);
    assert_eq!(again.kept, vec![written]);
}

/// The Qty dialog's error, if it is open.
fn qty_error(h: &Harness<TillApp>) -> String {
    match &h.state().dialog {
        Some(Dialog::Qty { error, .. }) => error.clone().unwrap_or_default(),
        other => panic!("the F4 dialog is not open: {other:?}"),
    }
}

#[test]
fn f4_timbang_sells_the_stable_weight_refuses_bad_readings_and_audits_typed_weights() {
    let (_dir, mut h) = harness_after_login();
    typing(&mut h, "BRS-CRM"); // Beras Medium Curah, Rp13.000/kg, weighed
    press(&mut h, Key::Enter);
    assert_eq!(h.state().cart.lines[0].qty, dec!(1));
    // The demo's scale control puts 1 250 g on the simulated scale.
    h.state_mut().scale.sim_grams = "1250".into();
    click(&mut h, "Taruh di timbangan");
    press(&mut h, Key::F4);
    click(&mut h, "Timbang");
    assert!(h.state().dialog.is_none(), "weighed and closed");
    assert_eq!(h.state().cart.lines[0].qty, dec!(1.25));
    assert_eq!(total(&h), dec!(16250));
    h.get_by_label("1,250"); // the weight shown is the one sold

    // Readings that cannot be sold are refused in the dialog; the line keeps its weight.
    let (source, sim) = kasir::ui::ScaleSource::simulated();
    h.state_mut().scale = source;
    let moving = |grams| kasir_hardware::ScaleReading {
        weight: kasir_hardware::Weight::Grams(grams),
        stable: false,
        net: false,
    };
    let overload = kasir_hardware::ScaleReading {
        weight: kasir_hardware::Weight::Overload,
        stable: false,
        net: false,
    };
    press(&mut h, Key::F4);
    for (reading, why) in [
        (moving(1300), "belum stabil"),
        (kasir_hardware::ScaleReading::stable_grams(0), "nol"),
        (kasir_hardware::ScaleReading::stable_grams(-40), "negatif"),
        (overload, "kelebihan beban"),
    ] {
        sim.show(reading);
        h.run_steps(2);
        click(&mut h, "Timbang");
        assert!(qty_error(&h).contains(why), "{why}: {}", qty_error(&h));
        assert_eq!(h.state().cart.lines[0].qty, dec!(1.25));
    }
    // A tare of 50 g is taken off; a tare as heavy as the goods is refused.
    sim.put(850);
    h.get_by_label("Tara (gram)").click();
    typing(&mut h, "5");
    h.run_steps(2);
    if let Some(Dialog::Qty { tare, .. }) = &mut h.state_mut().dialog {
        assert_eq!(tare, "05", "typed into the tare field");
        *tare = "850".into();
    }
    click(&mut h, "Timbang");
    assert!(qty_error(&h).contains("Tara"), "{}", qty_error(&h));
    if let Some(Dialog::Qty { tare, .. }) = &mut h.state_mut().dialog {
        *tare = "50".into();
    }
    click(&mut h, "Timbang");
    assert_eq!(h.state().cart.lines[0].qty, dec!(0.8));

    // Unplugged: the status bar says so, Timbang cannot weigh, a typed weight is audited.
    sim.unplug();
    h.run_steps(3);
    h.get_by_label("Timbangan: terputus — ketik berat");
    press(&mut h, Key::F4);
    click(&mut h, "Timbang");
    assert!(
        qty_error(&h).contains("ketik beratnya"),
        "{}",
        qty_error(&h)
    );
    if let Some(Dialog::Qty { text, .. }) = &mut h.state_mut().dialog {
        *text = "0,75".into();
    }
    click(&mut h, "Selesai (Enter)");
    assert_eq!(h.state().cart.lines[0].qty, dec!(0.75));
    let audit = kasir::store::audit::recent(h.state().shop.store.conn(), 1).unwrap();
    assert_eq!(audit[0].action, "weight_typed");
    assert!(
        audit[0]
            .detail
            .contains("BRS-CRM 0.750 kg typed; scale disconnected"),
        "{}",
        audit[0].detail
    );

    // Confirming the same weight again types nothing new.
    press(&mut h, Key::F4);
    click(&mut h, "Selesai (Enter)");
    let again = kasir::store::audit::recent(h.state().shop.store.conn(), 2).unwrap();
    assert_ne!(again[1].action, "weight_typed", "audited once");

    // A label-scale code scanned at scanner speed is one weighed line of its product.
    let label = kasir::domain::label::make_label("20IIIIIWWWWW", 105, 500).unwrap();
    burst(&mut h, &label);
    let line = h.state().cart.lines.last().unwrap().clone();
    assert_eq!((line.item.sku.as_str(), line.qty), ("BWM-CRH", dec!(0.5)));
}

#[test]
fn typed_quantities_and_cash_have_one_reading_in_the_till() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE);
    let cart = h.state().cart.clone();
    // F4: a dot never marks decimals.
    press(&mut h, Key::F4);
    if let Some(Dialog::Qty { text, .. }) = &mut h.state_mut().dialog {
        *text = "1.5".into();
    }
    h.state_mut().apply(kasir::ui::Action::ApplyQty);
    h.run_steps(2);
    let e = qty_error(&h);
    assert!(
        e.contains("\"1.5\" tidak terbaca") && e.contains("1,5"),
        "{e}"
    );
    assert_eq!(h.state().cart, cart);
    // More than the shelf holds (200 pcs): refused with the unit.
    if let Some(Dialog::Qty { text, .. }) = &mut h.state_mut().dialog {
        *text = "1.200".into();
    }
    h.state_mut().apply(kasir::ui::Action::ApplyQty);
    h.run_steps(2);
    let e = qty_error(&h);
    assert!(e.contains("stok hanya 200 pcs"), "{e}");
    assert_eq!(h.state().cart, cart);
    if let Some(Dialog::Qty { text, .. }) = &mut h.state_mut().dialog {
        *text = "3".into();
    }
    h.state_mut().apply(kasir::ui::Action::ApplyQty);
    h.run_steps(2);
    assert_eq!(total(&h), dec!(10500));
    // Cash is whole rupiah: `10500,5` would give sen in change.
    press(&mut h, Key::F12);
    if let Some(Dialog::Pay(p)) = &mut h.state_mut().dialog {
        p.cash = "10.500,5".into();
    }
    press(&mut h, Key::Enter);
    assert_eq!(sales_count(&h), 0);
    match &h.state().dialog {
        Some(Dialog::Pay(p)) => {
            let e = p.error.clone().unwrap_or_default();
            assert!(e.contains("tanpa sen") && e.contains("1.250.000"), "{e}");
        }
        other => panic!("payment closed: {other:?}"),
    }
    if let Some(Dialog::Pay(p)) = &mut h.state_mut().dialog {
        p.cash = "20.000".into();
    }
    press(&mut h, Key::Enter);
    assert_eq!(sales_count(&h), 1);
    assert_eq!(h.state().last_sale.as_ref().unwrap().change, dec!(9500));
}

#[test]
fn an_unplugged_scanner_is_hard_to_miss_and_coming_back_is_said() {
    let (_dir, mut h) = harness_after_login();
    let (source, sim) = kasir::ui::ScanSource::simulated();
    h.state_mut().scans = source;
    h.run_steps(2);
    assert!(h
        .query_by_label("Scanner terputus: periksa kabelnya")
        .is_none());
    assert!(sim.unplug());
    h.run_steps(2);
    // In the status bar (white on red) and as the notice.
    assert_eq!(
        h.query_all_by_label("Scanner terputus: periksa kabelnya")
            .count(),
        2
    );
    assert!(h.state().notice.as_ref().is_some_and(|n| n.error));
    assert!(sim.plug());
    h.run_steps(2);
    assert!(h
        .query_by_label("Scanner terputus: periksa kabelnya")
        .is_none());
    assert_eq!(notice(&h), "Scanner tersambung lagi");
}

#[test]
fn a_scan_on_a_back_office_screen_is_refused_at_once_not_added_later() {
    let (_dir, mut h) = harness_after_login();
    let (source, sim) = kasir::ui::ScanSource::simulated();
    h.state_mut().scans = source;
    h.state_mut()
        .apply(kasir::ui::Action::GoBack(kasir::ui::BackKind::Products));
    h.run_steps(2);
    assert!(sim.scan(MIE));
    h.run_steps(2);
    assert!(
        notice(&h).starts_with("Scan tidak masuk keranjang"),
        "{}",
        notice(&h)
    );
    h.state_mut().apply(kasir::ui::Action::GoSelling);
    h.run_steps(3);
    assert!(h.state().cart.is_empty(), "the scan must not land later");
    // A scanner's warning is in the user's language, and says what helps.
    h.state_mut().apply(kasir::ui::Action::ToggleLang);
    assert!(sim.scan_bytes(b"]E0\xff\xfe\r\n"));
    h.run_steps(2);
    assert_eq!(
        notice(&h),
        "Scanner: the scanner sent unreadable bytes: check the baud rate (check Settings > Test scanner)"
    );
    assert!(sim.scan_bytes(b"89912345"));
    h.run_steps(2);
    assert_eq!(
        notice(&h),
        "Scanner: incomplete scan (8 bytes without an ending); scan again"
    );
}

#[test]
fn the_test_scanner_view_shows_the_bytes_and_what_the_settings_make_of_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(shop_at(&dir.path().join("shop.db"), true));
    login(&mut h, "admin", "9999");
    let (source, sim) = kasir::ui::ScanSource::simulated();
    h.state_mut().scans = source;
    h.get_by_label("Pengaturan").click();
    h.run_steps(3);
    h.get_by_label("Tes scanner").click();
    h.run_steps(3);
    h.get_by_label("Menunggu scan …");
    assert!(sim.scan_bytes(b"\x02]E08991234567891\x03\r\n"));
    h.run_steps(3);
    h.get_by_label("02 5D 45 30 38 39 39 31 32 33 34 35 36 37 38 39 31 03 0D 0A");
    h.get_by_label("<STX>]E08991234567891<ETX><CR><LF>");
    h.get_by_label("terbaca kode 8991234567891");
    assert!(
        !notice(&h).contains("Scan"),
        "the test view takes the scan: {}",
        notice(&h)
    );
    // Turning stripping off shows at once what the till would say then.
    h.get_by_label("Buang STX/ETX").click();
    h.run_steps(3);
    assert!(h.query_by_label("terbaca kode 8991234567891").is_none());
    h.get_by_label(
        "scanner membungkus kode dengan STX/ETX: nyalakan \"buang STX/ETX\" (periksa Pengaturan > Tes scanner)",
    );
    // A scanner without a suffix: nothing reads until "none (pause)" is chosen.
    h.get_by_label("Buang STX/ETX").click();
    assert!(sim.scan_bytes(b"8991234567891"));
    h.run_steps(3);
    h.get_by_label("38 39 39 31 32 33 34 35 36 37 38 39 31");
    h.get_by_label("scan tidak lengkap (13 byte tanpa akhiran); scan lagi");
    h.get_by_label("tanpa (jeda)").click();
    h.run_steps(3);
    h.get_by_label("terbaca kode 8991234567891");
    // Saving stores only what differs from the defaults.
    h.get_by_label("Simpan").click();
    h.run_steps(3);
    assert_eq!(h.state().settings.scanner.suffix, "none");
    let stored = |k: &str| kasir::store::settings::get(h.state().shop.store.conn(), k).unwrap();
    assert_eq!(stored("scanner.suffix").as_deref(), Some("none"));
    assert_eq!(stored("scanner.strip_stx_etx"), None);
}

#[test]
fn the_receipt_preview_is_in_the_language_the_paper_is_printed_in() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE);
    press(&mut h, Key::F12);
    typing(&mut h, "5000");
    h.get_by_label("Selesai (Enter)").click();
    h.run_steps(4);
    assert_eq!(sales_count(&h), 1);
    // The cashier reads the till in English; the shop prints in Indonesian.
    h.state_mut().apply(kasir::ui::Action::ToggleLang);
    press(&mut h, Key::F10);
    match &h.state().dialog {
        Some(Dialog::Receipt { text, .. }) => {
            assert!(text.contains("*** SALINAN ***"), "{text}");
            assert!(text.contains("Kasir: Siti Rahmawati"), "{text}");
            assert!(!text.contains("COPY"), "{text}");
        }
        other => panic!("no receipt preview: {other:?}"),
    }
}
