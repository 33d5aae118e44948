//! The books screen driven headless with egui_kittest: a cashier closes her shift with a
//! blind count (recount, then a reason), the treasurer closes the day and reads the trial
//! balance. The tests read what is on screen and what the shop recorded.

use crate::ui_common;

use std::sync::Arc;

use chrono::NaiveDate;
use egui::Key;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use kasir::service::{FixedClock, Shop};
use kasir::store::{OpenMode, Store};
use kasir::ui::books::{BooksAction, BooksTab, DayConfirm};
use kasir::ui::{Action, Back, BackKind, Screen, TillApp};
use rust_decimal_macros::dec;
use ui_common::{burst, click, exact, fill, harness_sized, log_in, press, shown, typing};

const MIE: &str = "8991234567891"; // Indomie Goreng, Rp3.500 umum

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

fn demo() -> (tempfile::TempDir, Harness<'static, TillApp>) {
    demo_on("sembako-1")
}

fn demo_on(till: &str) -> (tempfile::TempDir, Harness<'static, TillApp>) {
    let dir = tempfile::tempdir().unwrap();
    // The demo shop (and its opening balances) is made the day before the day traded here.
    let day_before = day().pred_opt().unwrap().and_hms_opt(9, 0, 0).unwrap();
    let clock = Arc::new(FixedClock::new(day_before));
    let store = Store::open(&dir.path().join("shop.db"), OpenMode::CreateNew).unwrap();
    let mut shop = Shop::new(store, clock.clone());
    kasir::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
    clock.set(day().and_hms_opt(9, 0, 0).unwrap());
    let h = harness_sized(shop, till, egui::vec2(1280.0, 900.0));
    (dir, h)
}

fn login(h: &mut Harness<TillApp>, username: &str, pin: &str) {
    log_in(h, username, pin);
}

fn books(h: &Harness<TillApp>) -> kasir::ui::books::BooksScreen {
    match &h.state().screen {
        Screen::Back(Back::Books(s)) => (**s).clone(),
        other => panic!("not on the books screen: {other:?}"),
    }
}

fn go_books(h: &mut Harness<TillApp>) {
    h.state_mut().apply(Action::GoBack(BackKind::Books));
    h.run_steps(3);
}

#[test]
fn blind_close_recount_reason_then_the_treasurer_posts_the_day() {
    let (_dir, mut h) = demo();
    login(&mut h, "siti", "1111");
    // The float: two Rp100.000 notes (the field has the focus).
    typing(&mut h, "2");
    press(&mut h, Key::Enter);
    assert_eq!(h.state().screen, Screen::Selling);
    burst(&mut h, MIE);
    press(&mut h, Key::F12);
    h.state_mut().apply(Action::PayCash(dec!(3500)));
    h.run_steps(3);
    assert_eq!(
        kasir::store::sales::count(h.state().shop.store.conn()).unwrap(),
        1
    );

    go_books(&mut h);
    // A cashier sees only the shift tab.
    assert!(exact(&h, "Shift"));
    assert!(!exact(&h, "Tutup hari"));
    // Expected cash is Rp203.500: nowhere on screen before the count is sent.
    assert!(!shown(&h, "Rp203.500"));
    click(&mut h, "Tutup shift (hitung buta)");
    assert!(!shown(&h, "Rp203.500"));

    // Five Rp100.000 notes: far off. Refused, fields cleared, "hitung ulang".
    fill(&mut h, "Rp100.000", "5");
    assert_eq!(h.get_by_label("Rp100.000").value().as_deref(), Some("5"));
    click(&mut h, "Kirim hitungan");
    assert!(shown(&h, "hitung ulang"), "recount asked");
    assert_eq!(h.get_by_label("Rp100.000").value().as_deref(), Some(""));
    assert!(books(&h).shift.counts.iter().all(String::is_empty));
    assert!(
        h.query_by_label("Alasan selisih").is_none(),
        "no reason yet"
    );
    assert!(!shown(&h, "Rp203.500"));
    assert!(h.state().shift.is_some(), "shift still open");

    // Still off: now a reason is asked, and it must be filled.
    fill(&mut h, "Rp100.000", "5");
    click(&mut h, "Kirim hitungan");
    assert!(shown(&h, "tulis alasan selisih"));
    assert_eq!(
        h.get_by_label("Rp100.000").value().as_deref(),
        Some("5"),
        "the recount stays for the reason"
    );
    click(&mut h, "Kirim hitungan");
    assert!(shown(&h, "Alasan selisih wajib diisi"));
    assert!(h.state().shift.is_some(), "no close without a reason");
    assert!(!shown(&h, "Rp203.500"));

    fill(&mut h, "Alasan selisih", "uang pribadi tercampur");
    click(&mut h, "Kirim hitungan");
    let z = books(&h).shift.z_report.expect("Z report shown");
    assert!(
        z.contains("Kas dihitung") && z.contains("Kas seharusnya"),
        "{z}"
    );
    assert!(z.contains("500.000") && z.contains("203.500"), "{z}");
    assert!(z.contains("uang pribadi tercampur"), "{z}");
    assert!(shown(&h, "Kas seharusnya"), "the Z report is on screen");
    assert!(shown(&h, "Rp203.500"), "expected shown only now");
    // The till no longer sells on that shift.
    assert!(h.state().shift.is_none());
    assert!(shown(&h, "buka shift baru"));
    let close = h.state().shop.z_report("sembako-1", None).unwrap();
    assert_eq!(close.expected_cash, dec!(203500));
    assert_eq!(close.counted_cash, dec!(500000));
    assert_eq!(close.reason.as_deref(), Some("uang pribadi tercampur"));
    assert!(h.state().shop.current_shift("sembako-1").unwrap().is_none());

    // The treasurer closes the day.
    h.state_mut().apply(Action::Logout);
    h.run_steps(2);
    login(&mut h, "ahmad", "4444");
    go_books(&mut h);
    click(&mut h, "Tutup hari");
    let s = books(&h);
    assert_eq!(s.tab, BooksTab::Day);
    assert_eq!(s.day.date, "2026-03-02");
    assert!(!s.day.status.as_ref().unwrap().closed);
    assert_eq!(s.day.journals.len(), 1, "one journal: sembako");
    let j = &s.day.journals[0];
    assert!(!j.posted);
    assert_eq!(j.total_debit, j.total_credit);
    let line = |code: &str| {
        let l = j.lines.iter().find(|l| l.0 == code).expect(code);
        (l.2, l.3)
    };
    // Cash kept Rp3.500 + over Rp296.500 into the sembako kas; sale and over/short credited.
    assert_eq!(line("1-1101"), (dec!(300000), dec!(0)));
    assert_eq!(line("4-1102"), (dec!(0), dec!(3500)));
    assert_eq!(line("7-2101"), (dec!(0), dec!(296500)));
    assert!(shown(&h, "Pratinjau (belum diposting)"));
    assert!(shown(&h, "Seimbang"));
    assert!(
        h.get_all_by_label(&kasir::domain::money::format_rupiah(j.total_debit))
            .count()
            >= 2
    );

    // The first click only asks: totals per unit, the tills, and "Posting sekarang".
    click(&mut h, "Posting");
    assert_eq!(posted_days(&h), 0, "nothing posted on the first click");
    assert!(!books(&h).day.status.unwrap().closed);
    assert!(shown(&h, "Posting hari 2026-03-02?"));
    assert!(shown(&h, "Semua shift hari ini sudah ditutup"));
    assert!(shown(&h, "penjualan hari ini selesai"));
    click(&mut h, "Posting sekarang");
    let s = books(&h);
    assert!(s.day.status.as_ref().unwrap().closed);
    assert!(s.day.journals.iter().all(|j| j.posted));
    assert!(shown(&h, "Diposting"));
    assert!(shown(&h, "Hari ditutup, jurnal diposting"));
    assert_eq!(posted_days(&h), 1);

    click(&mut h, "Buku besar");
    let tb = books(&h).ledger.trial.expect("trial balance");
    assert!(tb.total_debit > dec!(0));
    assert_eq!(tb.total_debit, tb.total_credit);
    // The whole books: the demo's opening balances and the day just posted.
    let opening: rust_decimal::Decimal = h
        .state()
        .shop
        .journals(None, None)
        .unwrap()
        .iter()
        .filter(|j| j.kind == "opening")
        .flat_map(|j| j.lines.iter().map(|l| l.debit))
        .sum();
    assert!(opening > dec!(0));
    assert_eq!(tb.total_debit, j.total_debit + opening);
    let total = kasir::domain::money::format_rupiah(tb.total_debit);
    assert_eq!(
        h.get_all_by_label(&total).count(),
        2,
        "debit and credit totals"
    );
    assert!(shown(&h, "Seimbang"));

    // Posting again is refused and nothing more is written.
    click(&mut h, "Tutup hari");
    click(&mut h, "Posting");
    assert!(shown(&h, "sudah ditutup"), "second post refused");
    assert!(!shown(&h, "Posting sekarang"));
    assert_eq!(posted_days(&h), 1);
}

#[test]
fn a_count_within_the_limit_closes_at_once_and_roles_see_their_tabs() {
    let (_dir, mut h) = demo();
    login(&mut h, "ahmad", "4444");
    // The bendahara sells when he chooses to: from the menu, the float count, a shift.
    click(&mut h, "Buka shift untuk jual");
    assert!(matches!(h.state().screen, Screen::OpenShift { .. }));
    typing(&mut h, "1");
    press(&mut h, Key::Enter);
    assert_eq!(h.state().screen, Screen::Selling);
    go_books(&mut h);
    for tab in [
        "Shift",
        "Tutup hari",
        "Buku besar",
        "Buku anggota",
        "SHU",
        "Dasbor",
    ] {
        assert!(exact(&h, tab), "{tab} tab");
    }
    // His own shift: he counts its drawer, so no X report (no expected cash) for him.
    assert!(!exact(&h, "Laporan X"));
    assert!(!shown(&h, "Kas seharusnya"));
    click(&mut h, "Tutup shift (hitung buta)");
    assert!(!shown(&h, "Kas seharusnya"));
    fill(&mut h, "Rp100.000", "1");
    press(&mut h, Key::Enter);
    assert!(h.state().shift.is_none(), "closed in one go");
    let z = books(&h).shift.z_report.expect("Z report");
    assert!(z.contains("100.000"), "{z}");

    // The dashboard and SHU tabs load and draw.
    click(&mut h, "Dasbor");
    assert!(books(&h).dash.dash.is_some());
    assert!(shown(&h, "Barang terlaris"));
    click(&mut h, "SHU");
    click(&mut h, "Tampilkan");
    let shu = books(&h).shu.report.expect("SHU report");
    assert_eq!(shu.total_shared, shu.total_usaha + shu.total_modal);

    // A bad date is refused on screen, nothing changes.
    h.state_mut()
        .apply(Action::Books(BooksAction::Tab(BooksTab::Day)));
    h.run_steps(2);
    if let Screen::Back(Back::Books(s)) = &mut h.state_mut().screen {
        s.day.date = "kemarin".into();
    }
    click(&mut h, "Posting");
    assert!(shown(&h, "YYYY-MM-DD"));
    assert_eq!(posted_days(&h), 0);
}

/// Day journals posted (the demo's opening balances are not one).
fn posted_days(h: &Harness<'_, TillApp>) -> usize {
    h.state()
        .shop
        .journals(None, None)
        .unwrap()
        .iter()
        .filter(|j| j.kind != "opening")
        .count()
}

#[test]
fn the_pharmacist_counts_her_own_drawer_blind_and_the_treasurer_may_read_it() {
    let (_dir, mut h) = demo_on("apotek-1");
    login(&mut h, "rina", "3333");
    // The float: two Rp100.000 notes.
    typing(&mut h, "2");
    press(&mut h, Key::Enter);
    assert_eq!(h.state().screen, Screen::Selling);
    go_books(&mut h);
    assert_eq!(books(&h).tab, BooksTab::Shift);
    // An apoteker may supervise, but this is her own drawer: no X report, no expected cash.
    assert!(!exact(&h, "Laporan X"));
    assert!(!shown(&h, "Kas seharusnya"));
    h.state_mut().apply(Action::Books(BooksAction::XReport));
    h.run_steps(2);
    assert!(books(&h).shift.x_report.is_none());
    assert!(!shown(&h, "Kas seharusnya"));
    assert!(shown(&h, "hitung buta"), "the refusal says why");

    // The treasurer, at the same till on her open shift, may read it.
    h.state_mut().apply(Action::Logout);
    h.run_steps(2);
    login(&mut h, "ahmad", "4444");
    click(&mut h, "Buka shift untuk jual");
    assert_eq!(h.state().screen, Screen::Selling, "her shift is still open");
    go_books(&mut h);
    click(&mut h, "Shift");
    click(&mut h, "Laporan X");
    let x = books(&h)
        .shift
        .x_report
        .expect("X report for the treasurer");
    assert!(x.contains("Kas seharusnya") && x.contains("200.000"), "{x}");
    assert!(shown(&h, "Kas seharusnya"));
}

#[test]
fn the_dashboard_shows_units_legends_and_figures_net_of_returns() {
    use kasir::domain::cart::Cart;
    use kasir::domain::cash::CashCount;
    use kasir::domain::user::Actor;
    use kasir::service::checkout::parse_tender;
    use kasir::service::returns::ReturnItem;
    let (_dir, mut h) = demo();
    {
        let shop = &mut h.state_mut().shop;
        let boss = Actor::back_office();
        for till in ["apotek-1", "sembako-1"] {
            shop.open_shift(&boss, till, dec!(0), &CashCount::default())
                .unwrap();
        }
        let mut sell = |till: &str, member: Option<&str>, code: &str, pay: &str| {
            let mut cart = Cart::default();
            shop.attach_member(&mut cart, member).unwrap();
            shop.scan_into(&mut cart, code).unwrap();
            shop.checkout(&boss, till, &cart, &[parse_tender(pay).unwrap()])
                .unwrap()
                .number
        };
        // A member buys one strip of Enervon-C (4 tablets) at the member's Rp5.300.
        sell("apotek-1", Some("A0001"), "8998549000457", "cash:5300");
        // Someone buys 2 Indomie and brings one back: Rp3.500 net.
        let mie = sell("sembako-1", None, &format!("2*{MIE}"), "cash:7000");
        shop.return_items(
            &boss,
            None,
            "sembako-1",
            &mie,
            &[ReturnItem {
                code: MIE.into(),
                qty: dec!(1),
            }],
        )
        .unwrap();
    }
    login(&mut h, "ahmad", "4444");
    go_books(&mut h);
    click(&mut h, "Dasbor");
    let dash = books(&h).dash.dash.expect("dashboard loaded");
    // The best sellers say their unit, and what was brought back is not counted.
    assert!(
        shown(&h, "1 strip (4 tablet)"),
        "the strip is shown as a strip"
    );
    let mie_row = dash
        .top_items
        .iter()
        .find(|t| t.sku.starts_with("IDM"))
        .map(|t| t.amount);
    assert_eq!(mie_row, Some(dec!(3500)), "{:?}", dash.top_items);
    assert!(shown(&h, "Nilai bersih"));
    assert!(
        !shown(&h, "Rp7.000"),
        "the sale before its return is nowhere"
    );
    // Every chart has a legend: the units, members and others, the share line.
    for legend in [
        "Toko Sembako",
        "Apotek",
        "Anggota",
        "Non-anggota",
        "Porsi anggota (%)",
    ] {
        assert!(exact(&h, legend), "legend {legend}");
    }
    assert!(shown(&h, "Penjualan bersih Rp8.800"));
    assert!(shown(&h, "porsi anggota 60,23%") || shown(&h, "porsi anggota 60.23%"));
}

#[test]
fn petty_cash_with_a_supervisor_kasbon_repayment_statement_export_and_reversal() {
    use kasir::domain::cart::{Cart, Tender, TenderKind};
    let (dir, mut h) = demo();
    login(&mut h, "siti", "1111");
    typing(&mut h, "2");
    press(&mut h, Key::Enter);
    // A member buys two packs of mie on kasbon (set up through the services).
    {
        let app = h.state_mut();
        let actor = app.actor.clone().unwrap();
        let mut cart = Cart::default();
        app.shop.scan_into(&mut cart, &format!("2*{MIE}")).unwrap();
        app.shop.attach_member(&mut cart, Some("A0001")).unwrap();
        let total = cart.totals(app.settings.tax()).total;
        let kasbon = Tender {
            kind: TenderKind::Kasbon,
            amount: total,
            reference: None,
        };
        app.shop
            .checkout(&actor, "sembako-1", &cart, &[kasbon])
            .unwrap();
    }
    let owed = h.state().shop.member("A0001").unwrap().kasbon_balance;
    assert_eq!(owed, dec!(6800), "two packs at the member price");
    go_books(&mut h);

    // Cash in Rp50.000 for change, approved by the treasurer's PIN.
    click(&mut h, "Kas masuk / keluar");
    fill(&mut h, "Nominal", "50000");
    fill(&mut h, "Alasan kas", "tambah uang kembalian");
    let sup = h
        .state()
        .users
        .iter()
        .position(|u| u.username == "ahmad")
        .unwrap();
    if let Screen::Back(Back::Books(s)) = &mut h.state_mut().screen {
        s.shift.approval.user = sup;
    }
    h.run_steps(2);
    fill(&mut h, "PIN", "0000");
    click(&mut h, "Setujui");
    assert!(shown(&h, "PIN salah"), "a wrong PIN is refused");
    fill(&mut h, "PIN", "4444");
    click(&mut h, "Setujui");
    assert!(shown(&h, "Kas masuk dicatat Rp50.000"));
    let shift = h.state().shop.current_shift("sembako-1").unwrap().unwrap();
    let summary = h.state().shop.shift_summary(&shift).unwrap();
    assert_eq!(summary.totals.cash_in, dec!(50000));

    // The member repays Rp5.000 of kasbon.
    click(&mut h, "Bayar kasbon");
    fill(&mut h, "No. anggota", "A0001");
    fill(&mut h, "Nominal bayar", "5000");
    click(&mut h, "Terima bayar");
    assert!(shown(&h, "saldo kasbon sekarang Rp1.800"));
    assert_eq!(
        h.state().shop.member("A0001").unwrap().kasbon_balance,
        dec!(1800)
    );
    // Close exactly: float 200.000 + cash in 50.000 + repaid 5.000.
    click(&mut h, "Tutup shift (hitung buta)");
    fill(&mut h, "Rp100.000", "2");
    fill(&mut h, "Rp50.000", "1");
    fill(&mut h, "Rp5.000", "1");
    click(&mut h, "Kirim hitungan");
    assert!(h.state().shift.is_none(), "{:?}", books(&h).error);

    // The treasurer: statement, post, export, reverse.
    h.state_mut().apply(Action::Logout);
    h.run_steps(2);
    login(&mut h, "ahmad", "4444");
    go_books(&mut h);
    click(&mut h, "Buku anggota");
    fill(&mut h, "No. anggota", "A0001");
    click(&mut h, "Tampilkan");
    let st = books(&h).member.statement.expect("statement");
    assert_eq!(st.month, "2026-03");
    assert_eq!(st.kasbon_taken, dec!(6800));
    assert_eq!(st.kasbon_repaid, dec!(5000));
    assert_eq!(st.kasbon_closing, dec!(1800));
    assert!(shown(&h, "Sri Wahyuni"));

    click(&mut h, "Tutup hari");
    click(&mut h, "Posting");
    click(&mut h, "Posting sekarang");
    assert!(books(&h).day.status.unwrap().closed);
    click(&mut h, "Buku besar");
    let path = dir.path().join("buku.csv");
    if let Screen::Back(Back::Books(s)) = &mut h.state_mut().screen {
        s.ledger.path = path.display().to_string();
    }
    h.run_steps(2);
    click(&mut h, "csv");
    // Choosing csv renames the file's extension.
    assert_eq!(books(&h).ledger.path, path.display().to_string());
    click(&mut h, "Ekspor");
    assert!(
        shown(&h, "2 jurnal ditulis ke"),
        "the opening and the day: {:?}",
        books(&h).error
    );
    let csv = std::fs::read_to_string(&path).unwrap();
    assert!(csv.starts_with("date,journal,account_code"), "{csv}");
    assert!(csv.contains("Kas Gerai Sembako"), "{csv}");

    // Reverse: a reason is required; with it the day nets to zero.
    click(&mut h, "Tutup hari");
    click(&mut h, "Balik jurnal");
    assert!(shown(&h, "perlu alasan"));
    fill(&mut h, "Alasan koreksi", "salah hitung");
    click(&mut h, "Balik jurnal");
    // The window asks first, naming the reason; Batal changes nothing.
    assert!(shown(&h, "Balik penutupan hari ini?"));
    assert!(shown(&h, "salah hitung"));
    click(&mut h, "Batal");
    assert!(books(&h).day.status.unwrap().closed, "cancel keeps the day");
    assert!(!shown(&h, "Balik sekarang"));
    click(&mut h, "Balik jurnal");
    click(&mut h, "Balik sekarang");
    assert!(shown(&h, "Jurnal dibalik (1)"), "{:?}", books(&h).error);
    assert!(
        !books(&h).day.status.unwrap().closed,
        "the day is open again"
    );
    // What is left is the demo's opening balances, dated the day before.
    let tb = h.state().shop.trial_balance(Some(day()), None).unwrap();
    assert!(
        tb.rows.iter().all(|r| r.closing == r.opening),
        "reversal nets to zero"
    );
}

#[test]
fn the_treasurer_lands_on_the_day_close_without_a_shift_and_posting_asks_first() {
    let (_dir, mut h) = demo();
    // A cashier sells and leaves her shift open.
    login(&mut h, "siti", "1111");
    typing(&mut h, "2");
    press(&mut h, Key::Enter);
    burst(&mut h, MIE);
    press(&mut h, Key::F12);
    h.state_mut().apply(Action::PayCash(dec!(3500)));
    h.run_steps(3);
    h.state_mut().apply(Action::Logout);
    h.run_steps(2);

    // The treasurer logs in: straight to Tutup & Buku, day tab, no float count, no shift.
    login(&mut h, "ahmad", "4444");
    let s = books(&h);
    assert_eq!(s.tab, BooksTab::Day);
    assert!(h.state().shift.is_none());
    let open = h.state().shop.day_status(day()).unwrap().open_shifts;
    assert_eq!(open, vec!["sembako-1".to_string()], "only siti's shift");
    assert!(exact(&h, "Buka shift untuk jual"));

    // Posting first shows the preview and the till still open; Esc changes nothing.
    click(&mut h, "Posting");
    assert_eq!(books(&h).day.confirm, Some(DayConfirm::Post));
    assert!(shown(&h, "Posting hari 2026-03-02?"));
    assert!(shown(&h, "Shift masih terbuka: sembako-1"));
    assert!(exact(&h, "Pratinjau · sembako"), "the unit's journal");
    assert!(shown(&h, "Rp3.500"), "the sale's line is shown");
    press(&mut h, Key::Escape);
    assert_eq!(books(&h).day.confirm, None);
    assert!(!shown(&h, "Posting sekarang"));
    assert_eq!(posted_days(&h), 0);

    // Confirmed with the till still open: refused, nothing written.
    click(&mut h, "Posting");
    click(&mut h, "Posting sekarang");
    assert!(shown(&h, "shift masih terbuka di sembako-1"));
    assert_eq!(posted_days(&h), 0);
}
