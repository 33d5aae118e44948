//! Business exceptions across tills, without a server: two shop files that start alike sell
//! offline, then each applies the other's sale events through `Shop::apply_pulled` (what
//! `kasir sync` does with what it pulls). Stock below zero and kasbon above a member's limit
//! are found once, on both nodes; the treasurer resolves them with a note (and a stock
//! adjustment), the cashier may not; the resolution's event resolves the same exception
//! on the other node, with the same adjustment.

use std::sync::Arc;

use chrono::NaiveDateTime;
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::cash::CashCount;
use kasir::domain::user::{Actor, Role};
use kasir::error::KasirError;
use kasir::i18n::Lang;
use kasir::service::exceptions::ExceptionKind;
use kasir::service::stock::{parse_receipt, Payment, ReceiveOptions};
use kasir::service::{demo, sync, FixedClock, Shop};
use kasir::store::outbox::Pulled;
use kasir::store::Store;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const CATALOG: &str = "sku,name,business_unit,base_unit,tax_class,drug_class,batch_tracked,weighed,unit,factor,barcodes,price_umum,price_anggota,price_grosir,grosir_min_qty,cost,min_stock,nie,het
BRS,Beras Uji 1 kg,sembako,kg,exempt,none,0,0,kg,1,,10000,10000,,,8600,0,,
OBT,Obat Uji strip,apotek,strip,ppn,bebas,1,0,strip,1,,12000,11500,,,9000,0,,
";
const MEMBERS: &str = "number,name,phone,nik,kasbon_limit\nA0001,Sri Wahyuni,,,50000\n";

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

/// A node: the same catalog, member and 5 kg of rice received, a shift open on `till`.
fn node(till: &str) -> Shop {
    let clock = Arc::new(FixedClock::new(
        NaiveDateTime::parse_from_str("2026-12-01 08:00:00", "%Y-%m-%d %H:%M:%S").unwrap(),
    ));
    let mut shop = Shop::new(Store::open_in_memory().unwrap(), clock);
    demo::init_settings(&mut shop, "Koperasi Uji").unwrap();
    shop.set_setting(&back(), "till.default", till).unwrap();
    shop.add_user(&back(), "ahmad", "Ahmad", Role::Bendahara, "4444")
        .unwrap();
    shop.add_user(&back(), "sari", "Sari", Role::Kasir, "1111")
        .unwrap();
    shop.add_user(&back(), "rina", "Rina", Role::Apoteker, "3333")
        .unwrap();
    shop.import_catalog(&back(), CATALOG.as_bytes(), &mut |_, _| {})
        .unwrap();
    shop.import_members(&back(), MEMBERS.as_bytes()).unwrap();
    let lines = parse_receipt(
        "code,qty,unit,cost,batch,expiry\nBRS,5,,8600,,\nOBT,5,,9000,B1,2030-01-31\n".as_bytes(),
    )
    .unwrap();
    shop.receive(
        &back(),
        &lines,
        &ReceiveOptions {
            payment: Payment::Cash,
            ..Default::default()
        },
    )
    .unwrap();
    shop.open_shift(&back(), till, dec!(100000), &count(100000))
        .unwrap();
    shop
}

/// Sell `kg` of rice at `till`, to A0001 on kasbon when `kasbon`.
fn sell(shop: &mut Shop, till: &str, kg: u32, kasbon: bool) {
    sell_code(shop, till, "BRS", kg, kasbon)
}

fn sell_code(shop: &mut Shop, till: &str, code: &str, n: u32, kasbon: bool) {
    let mut cart = Cart::default();
    if kasbon {
        shop.attach_member(&mut cart, Some("A0001")).unwrap();
    }
    shop.scan_into(&mut cart, &format!("{code}*{n}")).unwrap();
    // Rice is Rp 10.000 to everyone; cash pays more than enough for anything else.
    let amount = Decimal::from(n)
        * if code == "BRS" {
            dec!(10000)
        } else {
            dec!(20000)
        };
    let kind = if kasbon {
        TenderKind::Kasbon
    } else {
        TenderKind::Cash
    };
    shop.checkout(
        &back(),
        till,
        &cart,
        &[Tender {
            kind,
            amount,
            reference: None,
        }],
    )
    .unwrap();
}

/// The events of `till` in `shop` of `kind` from seq `after` on, as pulled from a server.
fn events(shop: &Shop, till: &str, kind: &str, first_change_seq: i64) -> Vec<Pulled> {
    kasir::store::outbox::pending(shop.store.conn(), till, 1000)
        .unwrap()
        .into_iter()
        .filter(|e| e.kind == kind)
        .enumerate()
        .map(|(i, event)| Pulled {
            change_seq: first_change_seq + i as i64,
            event,
        })
        .collect()
}

fn on_hand(shop: &Shop) -> i64 {
    shop.store
        .conn()
        .query_row(
            "SELECT coalesce(sum(m.qty), 0) FROM stock_moves m JOIN products p ON p.id = m.product_id
             WHERE p.sku = 'BRS'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn kasbon_balance(shop: &Shop) -> i64 {
    shop.store
        .conn()
        .query_row(
            "SELECT kasbon_balance FROM members WHERE number = 'A0001'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn audit_count(shop: &Shop, action: &str) -> i64 {
    shop.store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = ?1",
            [action],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn kasbon_put_on_a_member_at_two_tills_beyond_the_limit_is_one_exception_on_each_node() {
    let (mut t1, mut t2) = (node("t1"), node("t2"));
    // Each till is within the limit of Rp 50.000 on its own: Rp 40.000 at t1, Rp 40.000
    // and Rp 10.000 at t2.
    sell(&mut t1, "t1", 4, true);
    sell(&mut t2, "t2", 4, true);
    sell(&mut t2, "t2", 1, true);
    assert!(t1.exceptions(true).unwrap().is_empty());
    assert!(t2.exceptions(true).unwrap().is_empty());
    let from_t1 = events(&t1, "t1", sync::SALE_KIND, 1);
    let from_t2 = events(&t2, "t2", sync::SALE_KIND, 2);
    assert_eq!(from_t2.len(), 2);
    // t1 gets t2's first sale in one batch, and its second in a later one.
    assert_eq!(t1.apply_pulled(&from_t2[..1]).unwrap().applied, 1);
    assert_eq!(t2.apply_pulled(&from_t1).unwrap().applied, 1);
    for (shop, name, balance) in [(&t1, "t1", dec!(80000)), (&t2, "t2", dec!(90000))] {
        assert_eq!(
            Decimal::from(kasbon_balance(shop)) / dec!(100),
            balance,
            "{name}"
        );
        let open: Vec<_> = shop
            .exceptions(false)
            .unwrap()
            .into_iter()
            .filter(|x| x.kind == ExceptionKind::KasbonOverLimit)
            .collect();
        assert_eq!(open.len(), 1, "{name}: {open:?}");
        let x = &open[0];
        assert_eq!(x.member.as_deref(), Some("A0001"));
        assert_eq!(x.subject, "A0001");
        assert_eq!(x.figure, balance);
        assert!(
            x.involved.contains("t1: t1-20261201-0001")
                && x.involved.contains("t2: t2-20261201-0001"),
            "{name}: {}",
            x.involved
        );
        assert!(x.reason.id.contains("melebihi limit"), "{}", x.reason.id);
        assert!(x.reason.en.contains("above the limit"), "{}", x.reason.en);
    }

    // t2's second kasbon sale arrives while the exception is open: not recorded again.
    assert_eq!(t1.apply_pulled(&from_t2[1..]).unwrap().applied, 1);
    assert_eq!(kasbon_balance(&t1), 9_000_000);
    let kasbon_open = |shop: &Shop| {
        shop.exceptions(true)
            .unwrap()
            .into_iter()
            .filter(|x| x.kind == ExceptionKind::KasbonOverLimit)
            .collect::<Vec<_>>()
    };
    assert_eq!(kasbon_open(&t1).len(), 1);

    // The cashier may not resolve it; the treasurer does, with a note.
    let id = kasbon_open(&t1)[0].id;
    let sari = t1.login("sari", "1111").unwrap();
    let refused = t1.resolve_exception(&sari, id, "sudah ditagih", None);
    match refused {
        Err(e @ KasirError::NotAllowed { .. }) => {
            assert!(e.message(Lang::Id).contains("menyelesaikan pengecualian"));
            assert!(e.message(Lang::En).contains("resolve an exception"));
        }
        other => panic!("the cashier is refused, got {other:?}"),
    }
    let ahmad = t1.login("ahmad", "4444").unwrap();
    assert!(t1.resolve_exception(&ahmad, id, "  ", None).is_err());
    let done = t1
        .resolve_exception(&ahmad, id, "disetujui pengurus, ditagih akhir bulan", None)
        .unwrap();
    let r = done.resolved.expect("resolved");
    assert_eq!((r.by.as_str(), r.till.as_str()), ("ahmad", "t1"));
    assert_eq!(r.adjustment, None);
    assert_eq!(audit_count(&t1, "exception_resolve"), 1);
    assert!(t1
        .resolve_exception(&ahmad, id, "lagi", None)
        .is_err_and(|e| e.message(Lang::En).contains("resolved already")));

    // Its event resolves the same exception on t2.
    let resolve = events(&t1, "t1", sync::EXCEPTION_RESOLVE_KIND, 10);
    assert_eq!(resolve.len(), 1);
    assert_eq!(t2.apply_pulled(&resolve).unwrap().applied, 1);
    let on_t2 = kasbon_open(&t2);
    assert_eq!(on_t2.len(), 1);
    let r2 = on_t2[0].resolved.as_ref().expect("resolved on t2");
    assert_eq!(
        (r2.by.as_str(), r2.till.as_str(), r2.note.as_str()),
        ("ahmad", "t1", "disetujui pengurus, ditagih akhir bulan")
    );
}

#[test]
fn stock_sold_below_zero_at_two_tills_is_resolved_with_one_adjustment_everywhere() {
    let (mut t1, mut t2) = (node("t1"), node("t2"));
    sell(&mut t1, "t1", 4, false);
    sell(&mut t2, "t2", 3, false);
    t1.apply_pulled(&events(&t2, "t2", sync::SALE_KIND, 2))
        .unwrap();
    t2.apply_pulled(&events(&t1, "t1", sync::SALE_KIND, 1))
        .unwrap();
    for (shop, name) in [(&t1, "t1"), (&t2, "t2")] {
        assert_eq!(on_hand(shop), -2000, "{name}: 5 - 4 - 3 kg, in grams");
        let open = shop.exceptions(false).unwrap();
        assert_eq!(open.len(), 1, "{name}: {open:?}");
        assert_eq!(open[0].kind, ExceptionKind::Oversell);
        assert_eq!(open[0].subject, "BRS");
        assert_eq!(open[0].figure, dec!(-2));
        assert!(open[0].involved.contains("t1: t1-20261201-0001"));
        assert!(open[0].involved.contains("t2: t2-20261201-0001"));
        assert!(open[0].reason.en.contains("-2 kg"), "{}", open[0].reason.en);
    }
    // The treasurer finds 1 kg still on the shelf: +3 kg, valued at the last cost.
    let ahmad = t1.login("ahmad", "4444").unwrap();
    let id = t1.exceptions(false).unwrap()[0].id;
    let x = t1
        .resolve_exception(&ahmad, id, "dihitung ulang di rak", Some(dec!(1)))
        .unwrap();
    assert_eq!(x.resolved.unwrap().adjustment, Some(dec!(3)));
    assert_eq!(on_hand(&t1), 1000);
    let resolve = events(&t1, "t1", sync::EXCEPTION_RESOLVE_KIND, 10);
    t2.apply_pulled(&resolve).unwrap();
    assert_eq!(on_hand(&t2), 1000);
    assert_eq!(t2.open_exception_count().unwrap(), 0);
    assert_eq!(
        t2.exceptions(true).unwrap()[0]
            .resolved
            .as_ref()
            .unwrap()
            .adjustment,
        Some(dec!(3))
    );
}

fn batch_on_hand(shop: &Shop) -> i64 {
    shop.store
        .conn()
        .query_row(
            "SELECT on_hand FROM batches WHERE batch_no = 'B1'",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn a_batch_of_obat_sold_below_zero_is_resolved_by_the_apoteker_into_that_batch() {
    let (mut t1, mut t2) = (node("t1"), node("t2"));
    sell_code(&mut t1, "t1", "OBT", 4, false);
    sell_code(&mut t2, "t2", "OBT", 3, false);
    t1.apply_pulled(&events(&t2, "t2", sync::SALE_KIND, 2))
        .unwrap();
    t2.apply_pulled(&events(&t1, "t1", sync::SALE_KIND, 1))
        .unwrap();
    for shop in [&t1, &t2] {
        assert_eq!(batch_on_hand(shop), -2000);
        let open = shop.exceptions(false).unwrap();
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(
            (open[0].subject.as_str(), open[0].batch.as_deref()),
            ("OBT/B1", Some("B1"))
        );
        assert!(
            open[0].reason.id.contains("batch B1"),
            "{}",
            open[0].reason.id
        );
    }
    // The apoteker answers for obat; the cashier does not.
    let id = t1.exceptions(false).unwrap()[0].id;
    let sari = t1.login("sari", "1111").unwrap();
    assert!(t1.resolve_exception(&sari, id, "x", Some(dec!(0))).is_err());
    let rina = t1.login("rina", "3333").unwrap();
    let x = t1
        .resolve_exception(&rina, id, "strip rusak dibuang", Some(dec!(0)))
        .unwrap();
    assert_eq!(x.resolved.unwrap().adjustment, Some(dec!(2)));
    assert_eq!(batch_on_hand(&t1), 0);
    t2.apply_pulled(&events(&t1, "t1", sync::EXCEPTION_RESOLVE_KIND, 10))
        .unwrap();
    assert_eq!(batch_on_hand(&t2), 0);
    assert_eq!(t2.open_exception_count().unwrap(), 0);
}
