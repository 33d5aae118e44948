//! The exceptions tab of the books screen, driven headless with egui_kittest. The exception
//! is made through the service: the demo shop sells 150 Indomie at one till, and the same
//! sale, as another till's, is applied as pulled from the coop's server (`apply_pulled`):
//! stock goes below zero and an oversell exception opens. The treasurer reads its reason
//! on screen and resolves it with a note and a count; the cashier does not see the tab. A
//! prescription that the demo's apotek till and a pulled sale of another apotek till
//! together dispensed beyond its total is the apoteker's, resolved with a note only.

use crate::ui_common;

use std::sync::Arc;

use chrono::NaiveDate;
use egui::Key;
use egui_kittest::Harness;
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::cash::CashCount;
use kasir::domain::user::Actor;
use kasir::service::exceptions::ExceptionKind;
use kasir::service::{FixedClock, Shop};
use kasir::store::outbox::{canonical, Pulled};
use kasir::store::{OpenMode, Store};
use kasir::ui::books::BooksTab;
use kasir::ui::{Action, Back, BackKind, Screen, TillApp};
use rust_decimal_macros::dec;
use ui_common::{click, exact, fill, harness_sized, log_in, press, shown, typing};

const MIE: &str = "8991234567891"; // Indomie Goreng

/// The demo shop with an open oversell exception on Indomie.
fn oversold() -> (tempfile::TempDir, Harness<'static, TillApp>) {
    let dir = tempfile::tempdir().unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let clock = Arc::new(FixedClock::new(
        day.pred_opt().unwrap().and_hms_opt(9, 0, 0).unwrap(),
    ));
    let store = Store::open(&dir.path().join("shop.db"), OpenMode::CreateNew).unwrap();
    let mut shop = Shop::new(store, clock.clone());
    kasir::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
    clock.set(day.and_hms_opt(9, 0, 0).unwrap());
    let back = Actor::back_office();
    shop.open_shift(&back, "sembako-2", dec!(0), &CashCount { pieces: vec![] })
        .unwrap();
    let mut cart = Cart::default();
    shop.scan_into(&mut cart, &format!("{MIE}*150")).unwrap();
    shop.checkout(
        &back,
        "sembako-2",
        &cart,
        &[Tender {
            kind: TenderKind::Cash,
            amount: dec!(1000000),
            reference: None,
        }],
    )
    .unwrap();
    assert!(shop.exceptions(true).unwrap().is_empty());
    // The same sale, as if till sembako-9 had made it offline.
    let mut event = kasir::store::outbox::pending(shop.store.conn(), "sembako-2", 100)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == kasir::service::sync::SALE_KIND)
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&event.payload).unwrap();
    v["sale"]["uuid"] = kasir::service::new_uuid().into();
    v["sale"]["till"] = "sembako-9".into();
    v["sale"]["number"] = "sembako-9-20260302-0001".into();
    let (payload, hash) = canonical(&v);
    event.id = kasir::service::new_uuid();
    event.till = "sembako-9".into();
    event.seq = 1;
    event.payload = payload;
    event.hash = hash;
    let applied = shop
        .apply_pulled(&[Pulled {
            change_seq: 1,
            event,
        }])
        .unwrap();
    assert_eq!(applied.applied, 1);
    let open = shop.exceptions(false).unwrap();
    assert_eq!(open.len(), 1);
    assert_eq!(open[0].kind, ExceptionKind::Oversell);
    let h = harness_sized(shop, "sembako-1", egui::vec2(1280.0, 900.0));
    (dir, h)
}

fn go_exceptions(h: &mut Harness<TillApp>) {
    h.state_mut().apply(Action::GoBack(BackKind::Books));
    h.run_steps(3);
    h.state_mut()
        .apply(Action::Books(kasir::ui::books::BooksAction::Tab(
            BooksTab::Exceptions,
        )));
    h.run_steps(3);
}

#[test]
fn the_treasurer_reads_an_oversell_and_resolves_it_with_a_count() {
    let (_dir, mut h) = oversold();
    log_in(&mut h, "ahmad", "4444");
    h.state_mut().apply(Action::GoBack(BackKind::Books));
    h.run_steps(3);
    click(&mut h, "Pengecualian");
    assert!(matches!(
        &h.state().screen,
        Screen::Back(Back::Books(s)) if s.tab == BooksTab::Exceptions
    ));
    assert!(
        shown(&h, "terjual melebihi stok"),
        "the reason is on screen"
    );
    assert!(shown(&h, "sembako-9-20260302-0001"), "the sales are named");
    click(&mut h, "Selesaikan #1");
    // No note: refused, nothing resolved.
    click(&mut h, "Simpan penyelesaian");
    assert!(shown(&h, "Tulis catatan penyelesaiannya"));
    assert_eq!(h.state().shop.open_exception_count().unwrap(), 1);
    fill(&mut h, "Catatan", "dihitung ulang: rak kosong");
    fill(&mut h, "Jumlah di rak", "0");
    click(&mut h, "Simpan penyelesaian");
    assert!(shown(&h, "Diselesaikan #1"), "told it is resolved");
    assert!(shown(&h, "Tidak ada pengecualian terbuka"));
    let all = h.state().shop.exceptions(true).unwrap();
    let r = all[0].resolved.as_ref().expect("resolved");
    assert_eq!(
        (r.by.as_str(), r.note.as_str()),
        ("ahmad", "dihitung ulang: rak kosong")
    );
    assert_eq!(r.adjustment, Some(dec!(100)), "−100 counted as 0");
}

#[test]
fn the_cashier_has_no_exceptions_tab() {
    let (_dir, mut h) = oversold();
    log_in(&mut h, "siti", "1111");
    // The float (the field has the focus), then the books screen.
    typing(&mut h, "2");
    press(&mut h, Key::Enter);
    assert_eq!(h.state().screen, Screen::Selling);
    go_exceptions(&mut h);
    match &h.state().screen {
        Screen::Back(Back::Books(s)) => {
            assert_eq!(s.tab, BooksTab::Shift, "the tab is refused");
            assert!(s.error.is_some(), "with a reason");
        }
        other => panic!("not on the books screen: {other:?}"),
    }
    assert!(exact(&h, "Shift"));
    assert!(!exact(&h, "Pengecualian"));
    assert!(!shown(&h, "terjual melebihi stok"));
    assert_eq!(h.state().shop.open_exception_count().unwrap(), 1);
}

#[test]
fn the_apoteker_sees_the_tab_but_resolves_only_obat() {
    let (_dir, mut h) = oversold();
    log_in(&mut h, "rina", "3333");
    typing(&mut h, "2");
    press(&mut h, Key::Enter);
    h.state_mut().apply(Action::GoBack(BackKind::Books));
    h.run_steps(3);
    click(&mut h, "Pengecualian");
    assert!(shown(&h, "terjual melebihi stok"));
    click(&mut h, "Selesaikan #1");
    fill(&mut h, "Catatan", "bukan obat");
    click(&mut h, "Simpan penyelesaian");
    assert!(
        shown(
            &h,
            "Peran apoteker tidak berwenang untuk menyelesaikan pengecualian"
        ),
        "refused in words"
    );
    assert_eq!(h.state().shop.open_exception_count().unwrap(), 1);
}

/// The demo shop where apotek-1 dispensed 20 of the 30 diazepam tablets of R-9, and the
/// same dispensing arrived as apotek-9's sale pulled from the coop's server: an open
/// `rx_over_dispensed` exception.
fn over_dispensed() -> (tempfile::TempDir, Harness<'static, TillApp>) {
    let dir = tempfile::tempdir().unwrap();
    let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
    let clock = Arc::new(FixedClock::new(
        day.pred_opt().unwrap().and_hms_opt(9, 0, 0).unwrap(),
    ));
    let store = Store::open(&dir.path().join("shop.db"), OpenMode::CreateNew).unwrap();
    let mut shop = Shop::new(store, clock.clone());
    kasir::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
    clock.set(day.and_hms_opt(9, 0, 0).unwrap());
    let back = Actor::back_office();
    shop.open_shift(&back, "apotek-1", dec!(0), &CashCount { pieces: vec![] })
        .unwrap();
    let rx = kasir::domain::pharmacy::Prescription {
        number: "R-9".into(),
        doctor: "dr. Sari".into(),
        sip: "SIP-503/2025".into(),
        patient: "Joko".into(),
        date: day,
        prescribed: dec!(30),
        iter: 0,
    };
    let mut cart = Cart::default();
    shop.add_prescribed(
        "apotek-1",
        &mut cart,
        "8995895003248",
        dec!(2),
        &rx,
        "rina",
        "3333",
    )
    .unwrap();
    shop.checkout(
        &back,
        "apotek-1",
        &cart,
        &[Tender {
            kind: TenderKind::Cash,
            amount: dec!(1000000),
            reference: None,
        }],
    )
    .unwrap();
    let mut event = kasir::store::outbox::pending(shop.store.conn(), "apotek-1", 100)
        .unwrap()
        .into_iter()
        .find(|e| e.kind == kasir::service::sync::SALE_KIND)
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&event.payload).unwrap();
    v["sale"]["uuid"] = kasir::service::new_uuid().into();
    v["sale"]["till"] = "apotek-9".into();
    v["sale"]["number"] = "apotek-9-20260302-0001".into();
    v["prescriptions"][0]["uuid"] = kasir::service::new_uuid().into();
    let (payload, hash) = canonical(&v);
    event.id = kasir::service::new_uuid();
    event.till = "apotek-9".into();
    event.seq = 1;
    event.payload = payload;
    event.hash = hash;
    shop.apply_pulled(&[Pulled {
        change_seq: 1,
        event,
    }])
    .unwrap();
    let open = shop.exceptions(false).unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].kind, ExceptionKind::RxOverDispensed);
    let h = harness_sized(shop, "apotek-1", egui::vec2(1280.0, 900.0));
    (dir, h)
}

#[test]
fn the_apoteker_reads_a_prescription_dispensed_beyond_its_total_and_resolves_it_with_a_note() {
    let (_dir, mut h) = over_dispensed();
    log_in(&mut h, "rina", "3333");
    typing(&mut h, "2");
    press(&mut h, Key::Enter);
    h.state_mut().apply(Action::GoBack(BackKind::Books));
    h.run_steps(3);
    click(&mut h, "Pengecualian");
    assert!(shown(&h, "Resep R-9"), "the prescription is named");
    assert!(shown(&h, "melebihi totalnya 30 tablet"), "and its total");
    assert!(
        shown(&h, "apotek-9-20260302-0001 20 tablet"),
        "each till's part"
    );
    click(&mut h, "Selesaikan #1");
    assert!(!exact(&h, "Jumlah di rak"), "no count: the drugs have left");
    fill(&mut h, "Catatan", "pasien dihubungi");
    click(&mut h, "Simpan penyelesaian");
    assert!(shown(&h, "Diselesaikan #1"), "told it is resolved");
    let all = h.state().shop.exceptions(true).unwrap();
    let r = all[0].resolved.as_ref().expect("resolved");
    assert_eq!((r.by.as_str(), r.adjustment), ("rina", None));
}
