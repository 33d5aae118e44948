//! An event of a business day that reaches a node after that day was posted there, without a
//! server: two shop files that start alike, a till (`sembako-1`) and the back office
//! (`kantor`), each apply the other's events through `Shop::apply_pulled` (what `kasir sync`
//! does with what it pulls). The back office closes the day while the till, offline, opens
//! a shift again on the same date and sells: its sales reach the back office after the
//! day's journal, and the till receives the close after its own sales. On both nodes each
//! late sale is one open exception naming the till, sale, day and amount; the treasurer
//! resolves it and a correcting journal of that day is posted once, the same on every node,
//! so that both ledger exports are equal and the day's sales in the books are every sale.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::cash::CashCount;
use kasir::domain::user::{Actor, Role};
use kasir::i18n::Lang;
use kasir::service::exceptions::ExceptionKind;
use kasir::service::ledger::LedgerFormat;
use kasir::service::stock::{parse_receipt, Payment, ReceiveOptions};
use kasir::service::{demo, FixedClock, Shop};
use kasir::store::outbox::Pulled;
use kasir::store::Store;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const CATALOG: &str = "sku,name,business_unit,base_unit,tax_class,drug_class,batch_tracked,weighed,unit,factor,barcodes,price_umum,price_anggota,price_grosir,grosir_min_qty,cost,min_stock,nie,het
BRS,Beras Uji 1 kg,sembako,kg,exempt,none,0,0,kg,1,,10000,10000,,,8600,0,,
";
const MEMBERS: &str = "number,name,phone,nik,kasbon_limit\nA0001,Sri Wahyuni,,,50000\n";
const DAY: &str = "2026-12-01";

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn back() -> Actor {
    Actor::back_office()
}

fn count(total: i64) -> CashCount {
    let mut left = total;
    let mut pieces = Vec::new();
    for d in kasir::domain::cash::DENOMINATIONS.iter().rev() {
        let n = left / d;
        if n > 0 {
            pieces.push((*d, n as u32));
            left -= n * d;
        }
    }
    pieces.sort();
    CashCount { pieces }
}

/// A node writing its events as `till`: the same settings, users, catalog and member.
fn node(till: &str) -> (Shop, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(at(&format!("{DAY} 07:00:00"))));
    let mut shop = Shop::new(Store::open_in_memory().unwrap(), clock.clone());
    demo::init_settings(&mut shop, "Koperasi Uji").unwrap();
    shop.set_setting(&back(), "till.default", till).unwrap();
    shop.add_user(&back(), "ahmad", "Ahmad", Role::Bendahara, "4444")
        .unwrap();
    shop.import_catalog(&back(), CATALOG.as_bytes(), &mut |_, _| {})
        .unwrap();
    shop.import_members(&back(), MEMBERS.as_bytes()).unwrap();
    (shop, clock)
}

fn sell(shop: &mut Shop, kg: u32, kasbon: bool) {
    let mut cart = Cart::default();
    if kasbon {
        shop.attach_member(&mut cart, Some("A0001")).unwrap();
    }
    shop.scan_into(&mut cart, &format!("BRS*{kg}")).unwrap();
    let kind = if kasbon {
        TenderKind::Kasbon
    } else {
        TenderKind::Cash
    };
    shop.checkout(
        &back(),
        "sembako-1",
        &cart,
        &[Tender {
            kind,
            amount: Decimal::from(kg) * dec!(10000),
            reference: None,
        }],
    )
    .unwrap();
}

/// `till`'s events in `shop` after seq `after`, as a server would hand them out from
/// `first_change_seq` on.
fn events_after(shop: &Shop, till: &str, after: i64, first_change_seq: i64) -> Vec<Pulled> {
    kasir::store::outbox::pending(shop.store.conn(), till, 1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.seq > after)
        .enumerate()
        .map(|(i, event)| Pulled {
            change_seq: first_change_seq + i as i64,
            event,
        })
        .collect()
}

fn last_seq(shop: &Shop, till: &str) -> i64 {
    kasir::store::outbox::pending(shop.store.conn(), till, 1000)
        .unwrap()
        .last()
        .map(|e| e.seq)
        .unwrap_or(0)
}

fn export(shop: &Shop) -> String {
    let mut out = Vec::new();
    shop.export_ledger(LedgerFormat::Hledger, None, None, &mut out)
        .unwrap();
    String::from_utf8(out).unwrap()
}

/// Σ credit − debit of the sales accounts (4-1xxx but returns) in the day's journals.
fn booked_sales(shop: &Shop, day: NaiveDate) -> Decimal {
    shop.journals(Some(day), Some(day))
        .unwrap()
        .iter()
        .flat_map(|j| j.lines.iter())
        .filter(|l| l.code.starts_with("4-1") && l.code != "4-1901")
        .map(|l| l.credit - l.debit)
        .sum()
}

fn every_journal_balances(shop: &Shop) {
    for j in shop.journals(None, None).unwrap() {
        let d: Decimal = j.lines.iter().map(|l| l.debit).sum();
        let c: Decimal = j.lines.iter().map(|l| l.credit).sum();
        assert_eq!(d, c, "journal {} does not balance", j.number);
    }
}

fn sales_total(shop: &Shop) -> Decimal {
    let minor: i64 = shop
        .store
        .conn()
        .query_row(
            "SELECT coalesce(sum(total), 0) FROM sales WHERE business_date = ?1",
            [DAY],
            |r| r.get(0),
        )
        .unwrap();
    Decimal::new(minor, 2)
}

#[test]
fn a_sale_that_reaches_a_posted_day_is_an_exception_and_its_correction_is_posted_once_everywhere() {
    let day = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").unwrap();
    let (mut till, till_clock) = node("sembako-1");
    let (mut office, office_clock) = node("kantor");

    // The morning at the till: goods in, a shift, one cash sale, the shift closed; all of it
    // reaches the office.
    let lines =
        parse_receipt("code,qty,unit,cost,batch,expiry\nBRS,10,,8600,,\n".as_bytes()).unwrap();
    till.receive(
        &back(),
        &lines,
        &ReceiveOptions {
            payment: Payment::Cash,
            ..Default::default()
        },
    )
    .unwrap();
    till.open_shift(&back(), "sembako-1", dec!(100000), &count(100000))
        .unwrap();
    till_clock.set(at(&format!("{DAY} 09:00:00")));
    sell(&mut till, 1, false);
    till_clock.set(at(&format!("{DAY} 12:00:00")));
    till.close_shift(&back(), "sembako-1", &count(110000), None, Lang::Id)
        .unwrap();
    let morning = events_after(&till, "sembako-1", 0, 1);
    let synced = last_seq(&till, "sembako-1");
    let done = office.apply_pulled(&morning).unwrap();
    assert_eq!(
        done.exceptions,
        0,
        "{:?}",
        office.sync_exceptions().unwrap()
    );

    // The office closes the day: every shift it knows of is closed.
    office_clock.set(at(&format!("{DAY} 17:00:00")));
    let ahmad = office.login("ahmad", "4444").unwrap();
    office.close_day(&ahmad, day).unwrap();
    assert_eq!(booked_sales(&office, day), dec!(10000));

    // The till, offline, does not know: a shift opened late, a cash sale and a kasbon sale.
    till_clock.set(at(&format!("{DAY} 18:00:00")));
    till.open_shift(&back(), "sembako-1", dec!(100000), &count(100000))
        .unwrap();
    sell(&mut till, 2, false);
    sell(&mut till, 1, true);
    till_clock.set(at(&format!("{DAY} 20:00:00")));
    till.close_shift(&back(), "sembako-1", &count(120000), None, Lang::Id)
        .unwrap();

    // They reach the office after the day's journal: applied to stock and kasbon, and each
    // sale is one open exception naming the till, the sale, the day and its amount.
    office_clock.set(at("2026-12-02 08:00:00"));
    let evening = events_after(&till, "sembako-1", synced, 100);
    let done = office.apply_pulled(&evening).unwrap();
    assert_eq!(
        done.exceptions,
        0,
        "{:?}",
        office.sync_exceptions().unwrap()
    );
    assert_eq!(sales_total(&office), dec!(40000));
    let late: Vec<_> = office
        .exceptions(false)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == ExceptionKind::LateEvent)
        .collect();
    assert_eq!(late.len(), 2, "{late:#?}");
    for e in &late {
        let id = e.reason.get(Lang::Id);
        let en = e.reason.get(Lang::En);
        for text in [id, en] {
            assert!(text.contains("sembako-1"), "{text}");
            assert!(text.contains(DAY), "{text}");
            assert!(text.contains("sembako-1-20261201-"), "{text}");
        }
        assert!(en.contains("already posted"), "{en}");
    }
    assert!(late
        .iter()
        .any(|e| e.reason.get(Lang::Id).contains("Rp20.000")));
    assert!(late
        .iter()
        .any(|e| e.reason.get(Lang::En).contains("kasbon Rp10.000")));
    // The books of the day do not hold them yet.
    assert_eq!(booked_sales(&office, day), dec!(10000));

    // The till receives the close after its own sales: the same two exceptions there.
    till_clock.set(at("2026-12-02 08:05:00"));
    let from_office = events_after(&office, "kantor", 0, 200);
    let done = till.apply_pulled(&from_office).unwrap();
    assert_eq!(done.exceptions, 0, "{:?}", till.sync_exceptions().unwrap());
    let mut on_till: Vec<String> = till
        .exceptions(false)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == ExceptionKind::LateEvent)
        .map(|e| e.subject)
        .collect();
    let mut on_office: Vec<String> = late.iter().map(|e| e.subject.clone()).collect();
    on_till.sort();
    on_office.sort();
    assert_eq!(on_till, on_office);
    assert_eq!(
        export(&till),
        export(&office),
        "the same books before resolving"
    );

    // A note is needed, and a cashier may not; the treasurer resolves both at the office.
    let before = last_seq(&office, "kantor");
    assert!(office
        .resolve_exception(&ahmad, late[0].id, " ", None)
        .is_err());
    for e in &late {
        let done = office
            .resolve_exception(
                &ahmad,
                e.id,
                "kasir buka shift lagi setelah tutup hari",
                None,
            )
            .unwrap();
        assert!(done.resolved.is_some());
    }
    assert_eq!(booked_sales(&office, day), dec!(40000));
    assert_eq!(booked_sales(&office, day), sales_total(&office));
    let adjusting: Vec<_> = office
        .journals(Some(day), Some(day))
        .unwrap()
        .into_iter()
        .filter(|j| j.kind == "adjust")
        .collect();
    assert_eq!(adjusting.len(), 2, "{adjusting:#?}");
    for j in &adjusting {
        assert_eq!(j.date, DAY);
        assert!(j.memo.starts_with("Susulan hari 2026-12-01"), "{}", j.memo);
    }
    every_journal_balances(&office);

    // The resolutions travel: the till posts the same journals and resolves the same
    // exceptions; both exports are equal, and a resolution applied twice posts nothing.
    let resolutions = events_after(&office, "kantor", before, 300);
    assert_eq!(resolutions.len(), 2);
    let done = till.apply_pulled(&resolutions).unwrap();
    assert_eq!(done.exceptions, 0, "{:?}", till.sync_exceptions().unwrap());
    assert!(till
        .exceptions(false)
        .unwrap()
        .iter()
        .all(|e| e.kind != ExceptionKind::LateEvent));
    assert_eq!(booked_sales(&till, day), dec!(40000));
    assert_eq!(booked_sales(&till, day), sales_total(&till));
    every_journal_balances(&till);
    assert_eq!(export(&till), export(&office));
    assert_eq!(till.apply_pulled(&resolutions).unwrap().already, 2);
    assert_eq!(export(&till), export(&office));
}

#[test]
fn two_nodes_that_resolve_the_same_late_sale_post_one_correction() {
    let day = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").unwrap();
    let (mut till, till_clock) = node("sembako-1");
    let (mut office, office_clock) = node("kantor");
    let ahmad_office = office.login("ahmad", "4444").unwrap();
    let ahmad_till = till.login("ahmad", "4444").unwrap();

    // The office closes a day with nothing in it; the till, offline, sells on it.
    office_clock.set(at(&format!("{DAY} 17:00:00")));
    office.close_day(&ahmad_office, day).unwrap();
    till.set_setting(&back(), "stock.allow_negative", "true")
        .unwrap();
    till.open_shift(&back(), "sembako-1", dec!(100000), &count(100000))
        .unwrap();
    till_clock.set(at(&format!("{DAY} 18:00:00")));
    sell(&mut till, 3, false);
    let sale = events_after(&till, "sembako-1", 0, 1);
    office.apply_pulled(&sale).unwrap();
    till.apply_pulled(&events_after(&office, "kantor", 0, 100))
        .unwrap();

    // Both resolve it before either has the other's resolution.
    let late = |shop: &Shop| -> Vec<_> {
        shop.exceptions(false)
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == ExceptionKind::LateEvent)
            .collect()
    };
    let on_office = late(&office);
    let on_till = late(&till);
    assert_eq!(on_office.len(), 1, "{on_office:#?}");
    assert_eq!(on_till.len(), 1, "{on_till:#?}");
    let office_seq = last_seq(&office, "kantor");
    let till_seq = last_seq(&till, "sembako-1");
    office
        .resolve_exception(&ahmad_office, on_office[0].id, "dicek", None)
        .unwrap();
    till.resolve_exception(&ahmad_till, on_till[0].id, "dicek juga", None)
        .unwrap();
    office
        .apply_pulled(&events_after(&till, "sembako-1", till_seq, 500))
        .unwrap();
    till.apply_pulled(&events_after(&office, "kantor", office_seq, 600))
        .unwrap();
    assert!(office.sync_exceptions().unwrap().is_empty());
    assert!(till.sync_exceptions().unwrap().is_empty());
    for shop in [&office, &till] {
        assert_eq!(booked_sales(shop, day), dec!(30000));
        assert_eq!(
            shop.journals(None, None)
                .unwrap()
                .iter()
                .filter(|j| j.kind == "adjust")
                .count(),
            1
        );
        every_journal_balances(shop);
    }
    assert_eq!(export(&till), export(&office));

    // The till's shift was open when the close arrived: a sale it makes on the posted day
    // after that is found late on the till at its next sync, as at the office.
    let till_seq = last_seq(&till, "sembako-1");
    let office_seq = last_seq(&office, "kantor");
    sell(&mut till, 1, false);
    till.apply_pulled(&[]).unwrap();
    assert_eq!(late(&till).len(), 1, "{:#?}", late(&till));
    office
        .apply_pulled(&events_after(&till, "sembako-1", till_seq, 700))
        .unwrap();
    let found = late(&office);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].subject, late(&till)[0].subject);
    office
        .resolve_exception(&ahmad_office, found[0].id, "dicek", None)
        .unwrap();
    till.apply_pulled(&events_after(&office, "kantor", office_seq, 800))
        .unwrap();
    assert!(late(&till).is_empty());
    for shop in [&office, &till] {
        assert_eq!(booked_sales(shop, day), dec!(40000));
        assert_eq!(booked_sales(shop, day), sales_total(shop));
        every_journal_balances(shop);
    }
    assert_eq!(export(&till), export(&office));
}

#[test]
fn a_day_reversed_and_closed_again_takes_in_its_late_events_once() {
    let day = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").unwrap();
    let (mut till, till_clock) = node("sembako-1");
    let (mut office, office_clock) = node("kantor");
    let ahmad = office.login("ahmad", "4444").unwrap();
    office_clock.set(at(&format!("{DAY} 17:00:00")));
    office.close_day(&ahmad, day).unwrap();
    till.set_setting(&back(), "stock.allow_negative", "true")
        .unwrap();
    till.open_shift(&back(), "sembako-1", dec!(100000), &count(100000))
        .unwrap();
    till_clock.set(at(&format!("{DAY} 18:00:00")));
    sell(&mut till, 1, false);
    sell(&mut till, 2, false);
    till.close_shift(&back(), "sembako-1", &count(130000), None, Lang::Id)
        .unwrap();
    office
        .apply_pulled(&events_after(&till, "sembako-1", 0, 1))
        .unwrap();
    let late = |shop: &Shop, all: bool| -> Vec<_> {
        shop.exceptions(all)
            .unwrap()
            .into_iter()
            .filter(|e| e.kind == ExceptionKind::LateEvent)
            .collect()
    };
    let found = late(&office, false);
    assert_eq!(found.len(), 2, "{found:#?}");

    // One resolved (its adjusting journal posted), one still open; then the day is reversed
    // and closed again: the adjusting journal is reversed with the day's, the new close
    // holds both sales, and the open one is settled by it.
    office
        .resolve_exception(&ahmad, found[0].id, "dicek", None)
        .unwrap();
    assert!(booked_sales(&office, day) > Decimal::ZERO);
    office_clock.set(at("2026-12-02 09:00:00"));
    office
        .reverse_day(&ahmad, day, "kasir jual setelah tutup hari", true)
        .unwrap();
    assert!(
        late(&office, false).is_empty(),
        "{:#?}",
        late(&office, false)
    );
    assert_eq!(late(&office, true).len(), 2);
    assert_eq!(booked_sales(&office, day), dec!(30000));
    assert_eq!(booked_sales(&office, day), sales_total(&office));
    every_journal_balances(&office);

    // The till gets the same: the close, the resolution, the reversal and the new close.
    till.apply_pulled(&events_after(&office, "kantor", 0, 100))
        .unwrap();
    assert!(
        till.sync_exceptions().unwrap().is_empty(),
        "{:?}",
        till.sync_exceptions().unwrap()
    );
    assert!(late(&till, false).is_empty(), "{:#?}", late(&till, false));
    assert_eq!(booked_sales(&till, day), dec!(30000));
    assert_eq!(export(&till), export(&office));
}

#[test]
fn a_close_from_a_program_before_covers_calls_none_of_the_tills_own_events_late() {
    let day = NaiveDate::parse_from_str(DAY, "%Y-%m-%d").unwrap();
    let (mut till, till_clock) = node("sembako-1");
    let (mut office, office_clock) = node("kantor");
    till.set_setting(&back(), "stock.allow_negative", "true")
        .unwrap();
    till.open_shift(&back(), "sembako-1", dec!(100000), &count(100000))
        .unwrap();
    till_clock.set(at(&format!("{DAY} 09:00:00")));
    sell(&mut till, 1, false);
    till.close_shift(&back(), "sembako-1", &count(110000), None, Lang::Id)
        .unwrap();
    office
        .apply_pulled(&events_after(&till, "sembako-1", 0, 1))
        .unwrap();
    office_clock.set(at(&format!("{DAY} 17:00:00")));
    let ahmad = office.login("ahmad", "4444").unwrap();
    office.close_day(&ahmad, day).unwrap();

    // The close as a program before this one wrote it: without what it covered.
    let mut close = events_after(&office, "kantor", 0, 100);
    for p in &mut close {
        let mut v: serde_json::Value = serde_json::from_str(&p.event.payload).unwrap();
        if let Some(o) = v.as_object_mut() {
            o.remove("covers");
        }
        let (payload, hash) = kasir::store::outbox::canonical(&v);
        p.event.payload = payload;
        p.event.hash = hash;
    }
    let done = till.apply_pulled(&close).unwrap();
    assert_eq!(done.exceptions, 0, "{:?}", till.sync_exceptions().unwrap());
    let late: Vec<_> = till
        .exceptions(false)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == ExceptionKind::LateEvent)
        .collect();
    assert!(late.is_empty(), "{late:#?}");
    assert_eq!(export(&till), export(&office));
}
