//! Prescriptions across tills, without a server: shop files that start alike dispense on one
//! paper at their own apotek till, then apply each other's sale events through
//! `Shop::apply_pulled` (what `kasir sync` does with what it pulls). The prescription and
//! its dispensing arrive as the other till's rows: a later dispensing here counts them, and
//! the register, the prescription list and SIPNAP of any node show every till's. A paper
//! the tills together dispensed beyond its total is one open exception on every node, for
//! the apoteker, resolved with a note that travels.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::cash::CashCount;
use kasir::domain::pharmacy::Prescription;
use kasir::domain::user::{Actor, Role};
use kasir::error::KasirError;
use kasir::i18n::Lang;
use kasir::service::exceptions::BusinessException;
use kasir::service::stock::{parse_receipt, Payment, ReceiveOptions};
use kasir::service::{demo, sync, FixedClock, Shop};
use kasir::store::outbox::Pulled;
use kasir::store::Store;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const CATALOG: &str = "sku,name,business_unit,base_unit,tax_class,drug_class,batch_tracked,weighed,unit,factor,barcodes,price_umum,price_anggota,price_grosir,grosir_min_qty,cost,min_stock,nie,het
DZP,Diazepam 2 mg Tablet,apotek,tablet,ppn,psikotropika,1,0,tablet,1,,300,300,,,228,30,GPL8884930310A2,350
AMX,Amoksisilin 500 mg Kapsul,apotek,kapsul,ppn,keras,1,0,kapsul,1,,700,700,,,539,100,GKL1391865604A1,800
";

const MONTH: &str = "2026-12";

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

/// A node: the same catalog and 100 tablets of diazepam and capsules of amoxicillin
/// received in batch D1 / A1; the apoteker rina; `till`, when given, an apotek counter with
/// its shift open.
fn node(till: Option<&str>) -> Shop {
    let clock = Arc::new(FixedClock::new(
        NaiveDateTime::parse_from_str("2026-12-01 08:00:00", "%Y-%m-%d %H:%M:%S").unwrap(),
    ));
    let mut shop = Shop::new(Store::open_in_memory().unwrap(), clock);
    demo::init_settings(&mut shop, "Koperasi Uji").unwrap();
    for (u, n, r, p) in [
        ("rina", "apt. Rina", Role::Apoteker, "3333"),
        ("ahmad", "Ahmad", Role::Bendahara, "4444"),
        ("sari", "Sari", Role::Kasir, "1111"),
    ] {
        shop.add_user(&back(), u, n, r, p).unwrap();
    }
    shop.import_catalog(&back(), CATALOG.as_bytes(), &mut |_, _| {})
        .unwrap();
    let lines = parse_receipt(
        "code,qty,unit,cost,batch,expiry\nDZP,100,,228,D1,2030-01-31\nAMX,100,,539,A1,2030-01-31\n"
            .as_bytes(),
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
    if let Some(till) = till {
        shop.set_setting(&back(), "till.default", till).unwrap();
        shop.set_setting(&back(), &format!("till.{till}.unit"), "apotek")
            .unwrap();
        shop.set_setting(&back(), &format!("till.{till}.pharmacy"), "apotek")
            .unwrap();
        shop.open_shift(&back(), till, dec!(100000), &count(100000))
            .unwrap();
    } else {
        shop.set_setting(&back(), "till.default", "kantor").unwrap();
    }
    shop
}

/// RX-7 of dr. Sari: 30 tablets of diazepam (psikotropika: never repeated).
fn rx() -> Prescription {
    Prescription {
        number: "RX-7".into(),
        doctor: "dr. Sari Handayani".into(),
        sip: "SIP 503/445/2025".into(),
        patient: "Joko Susilo".into(),
        date: NaiveDate::from_ymd_opt(2026, 12, 1).unwrap(),
        prescribed: dec!(30),
        iter: 0,
    }
}

/// Dispense `n` of `code` on `rx` at `till`; the sale's number.
fn dispense(
    shop: &mut Shop,
    till: &str,
    code: &str,
    n: Decimal,
    rx: &Prescription,
) -> kasir::error::Result<String> {
    let mut cart = Cart::default();
    shop.add_prescribed(till, &mut cart, code, n, rx, "rina", "3333")?;
    let sale = shop.checkout(
        &back(),
        till,
        &cart,
        &[Tender {
            kind: TenderKind::Cash,
            amount: dec!(100000),
            reference: None,
        }],
    )?;
    Ok(sale.number)
}

/// The events of `till` in `shop` of `kind`, as pulled from a server from `first_change_seq`.
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

fn rx_exceptions(shop: &Shop, all: bool) -> Vec<BusinessException> {
    shop.exceptions(all)
        .unwrap()
        .into_iter()
        .filter(|x| x.kind.as_str() == "rx_over_dispensed")
        .collect()
}

#[test]
fn a_follow_up_dispensing_at_a_second_till_counts_what_the_first_till_dispensed() {
    let (mut t1, mut t2) = (node(Some("apotek-1")), node(Some("apotek-2")));
    let first = dispense(&mut t1, "apotek-1", "DZP", dec!(20), &rx()).unwrap();
    let sales = events(&t1, "apotek-1", sync::SALE_KIND, 1);
    assert_eq!(sales.len(), 1);
    let payload: serde_json::Value = serde_json::from_str(&sales[0].event.payload).unwrap();
    let carried = &payload["prescriptions"][0];
    assert_eq!(
        (
            &carried["number"],
            &carried["prescribed"],
            &carried["dispensed"],
            &carried["line_no"],
            &carried["apoteker"]
        ),
        (
            &serde_json::json!("RX-7"),
            &serde_json::json!("30"),
            &serde_json::json!("20"),
            &serde_json::json!(1),
            &serde_json::json!("rina")
        ),
        "{payload}"
    );
    assert_eq!(t2.apply_pulled(&sales).unwrap().applied, 1);
    assert!(t2.sync_exceptions().unwrap().is_empty());

    // apotek-2 knows the first 20: 20 more is refused, naming what was dispensed; the rest
    // (10) is dispensed and the register reads it as the last part of 30.
    let refused = dispense(&mut t2, "apotek-2", "DZP", dec!(20), &rx()).unwrap_err();
    assert!(
        refused.message(Lang::Id).contains("20 dari 30"),
        "{}",
        refused.message(Lang::Id)
    );
    assert!(
        refused.message(Lang::En).contains("RX-7"),
        "{}",
        refused.message(Lang::En)
    );
    let second = dispense(&mut t2, "apotek-2", "DZP", dec!(10), &rx()).unwrap();
    let rina = t2.login("rina", "3333").unwrap();
    let register = t2.drug_register(&rina, MONTH).unwrap();
    let sold: Vec<_> = register.iter().filter(|r| r.kind == "sale").collect();
    assert_eq!(sold.len(), 2, "{register:?}");
    assert_eq!(sold[0].reference.as_deref(), Some(first.as_str()));
    assert_eq!(sold[0].rx_no.as_deref(), Some("RX-7"));
    assert_eq!(sold[0].patient.as_deref(), Some("Joko Susilo"));
    assert_eq!(sold[1].reference.as_deref(), Some(second.as_str()));
    let d = sold[1].rx_dispensing.expect("a dispensing");
    assert_eq!((d.this, d.to_date, d.total), (dec!(10), dec!(30), dec!(30)));
    let listed = t2.prescriptions_in(&rina, MONTH).unwrap();
    assert_eq!(
        listed
            .iter()
            .map(|p| (
                p.sale_number.as_str(),
                p.rx_no.as_str(),
                p.apoteker.as_str()
            ))
            .collect::<Vec<_>>(),
        vec![
            (first.as_str(), "RX-7", "rina"),
            (second.as_str(), "RX-7", "rina")
        ]
    );
    assert!(t2.exceptions(true).unwrap().is_empty());
}

#[test]
fn a_prescription_dispensed_beyond_its_total_on_two_tills_is_one_exception_for_the_apoteker() {
    let (mut t1, mut t2) = (node(Some("apotek-1")), node(Some("apotek-2")));
    let bo = node(None);
    // Offline together, each till gives 20 of the 30 tablets: fine alone, 10 beyond together.
    let s1 = dispense(&mut t1, "apotek-1", "DZP", dec!(20), &rx()).unwrap();
    let s2 = dispense(&mut t2, "apotek-2", "DZP", dec!(20), &rx()).unwrap();
    // An obat keras on another paper, within its total, raises nothing.
    let amx = Prescription {
        number: "RX-8".into(),
        prescribed: dec!(10),
        iter: 1,
        ..rx()
    };
    dispense(&mut t1, "apotek-1", "AMX", dec!(10), &amx).unwrap();
    dispense(&mut t2, "apotek-2", "AMX", dec!(10), &amx).unwrap();
    let from_t1 = events(&t1, "apotek-1", sync::SALE_KIND, 1);
    let from_t2 = events(&t2, "apotek-2", sync::SALE_KIND, 3);
    assert_eq!(t1.apply_pulled(&from_t2).unwrap().applied, 2);
    assert_eq!(t2.apply_pulled(&from_t1).unwrap().applied, 2);
    let both: Vec<Pulled> = from_t1.iter().chain(&from_t2).cloned().collect();
    assert_eq!(bo.apply_pulled(&both).unwrap().applied, 4);

    for (shop, name) in [(&t1, "apotek-1"), (&t2, "apotek-2"), (&bo, "kantor")] {
        let open = shop.exceptions(false).unwrap();
        assert_eq!(open.len(), 1, "{name}: {open:?}");
        let x = &open[0];
        assert_eq!(x.kind.as_str(), "rx_over_dispensed", "{name}");
        assert_eq!(x.sku.as_deref(), Some("DZP"));
        assert_eq!(x.figure, dec!(40), "{name}");
        assert!(
            x.involved.contains(&format!("apotek-1: {s1} 20 tablet"))
                && x.involved.contains(&format!("apotek-2: {s2} 20 tablet")),
            "{name}: {}",
            x.involved
        );
        assert!(
            x.reason.id.contains("Resep RX-7")
                && x.reason.id.contains("40 tablet")
                && x.reason.id.contains("melebihi totalnya 30 tablet"),
            "{name}: {}",
            x.reason.id
        );
        assert!(
            x.reason.en.contains("Prescription RX-7")
                && x.reason.en.contains("beyond its total of 30 tablet"),
            "{name}: {}",
            x.reason.en
        );
        // The register of every node lists both tills' dispensing.
        let rina = Actor {
            role: Role::Apoteker,
            ..back()
        };
        let sold: Vec<String> = shop
            .drug_register(&rina, MONTH)
            .unwrap()
            .into_iter()
            .filter(|r| r.kind == "sale" && r.rx_no.as_deref() == Some("RX-7"))
            .filter_map(|r| r.reference)
            .collect();
        assert_eq!(sold.len(), 2, "{name}: {sold:?}");
        assert!(sold.contains(&s1) && sold.contains(&s2), "{name}: {sold:?}");
        let sipnap = shop.sipnap(&rina, MONTH).unwrap();
        let dzp = sipnap
            .iter()
            .find(|r| r.sku == "DZP")
            .expect("DZP in SIPNAP");
        assert_eq!(dzp.sold, dec!(40), "{name}: {dzp:?}");
    }

    // Applying the same sales again (a retry) records nothing again.
    assert_eq!(bo.apply_pulled(&both).unwrap().already, 4);
    assert_eq!(rx_exceptions(&bo, true).len(), 1);

    // The prescription is the apoteker's: the treasurer and the cashier are refused, a
    // count is refused; the apoteker resolves it with a note.
    let id = rx_exceptions(&t1, false)[0].id;
    let ahmad = t1.login("ahmad", "4444").unwrap();
    assert!(matches!(
        t1.resolve_exception(&ahmad, id, "x", None),
        Err(KasirError::NotAllowed { .. })
    ));
    let sari = t1.login("sari", "1111").unwrap();
    assert!(t1.resolve_exception(&sari, id, "x", None).is_err());
    let rina = t1.login("rina", "3333").unwrap();
    let counted = t1
        .resolve_exception(&rina, id, "x", Some(dec!(0)))
        .unwrap_err();
    assert!(
        counted.message(Lang::Id).contains("catatan saja")
            && counted.message(Lang::En).contains("note only"),
        "{counted:?}"
    );
    let done = t1
        .resolve_exception(
            &rina,
            id,
            "pasien dihubungi, 10 tablet dikembalikan ke dokter",
            None,
        )
        .unwrap();
    let r = done.resolved.expect("resolved");
    assert_eq!((r.by.as_str(), r.till.as_str()), ("rina", "apotek-1"));
    assert_eq!(r.adjustment, None);

    // Its event resolves the same exception on the other till and the back office.
    let resolve = events(&t1, "apotek-1", sync::EXCEPTION_RESOLVE_KIND, 10);
    assert_eq!(resolve.len(), 1);
    for (shop, name) in [(&t2, "apotek-2"), (&bo, "kantor")] {
        assert_eq!(shop.apply_pulled(&resolve).unwrap().applied, 1, "{name}");
        assert_eq!(shop.open_exception_count().unwrap(), 0, "{name}");
        let all = rx_exceptions(shop, true);
        assert_eq!(all.len(), 1, "{name}: {all:?}");
        let r = all[0].resolved.as_ref().expect("resolved");
        assert_eq!(
            (r.by.as_str(), r.till.as_str()),
            ("rina", "apotek-1"),
            "{name}"
        );
    }

    // A node that pulls the sales and the resolution in one batch keeps it resolved and
    // does not find it again.
    let mut late = node(None);
    let mut all: Vec<Pulled> = both.clone();
    all.extend(resolve.iter().cloned());
    assert_eq!(late.apply_pulled(&all).unwrap().applied, 5);
    assert_eq!(late.open_exception_count().unwrap(), 0);
    assert_eq!(rx_exceptions(&late, true).len(), 1);
    // The paper is used up there as everywhere: a further dispensing is refused.
    late.set_setting(&back(), "till.apotek-3.pharmacy", "apotek")
        .unwrap();
    let mut cart = Cart::default();
    let refused = late
        .add_prescribed("apotek-3", &mut cart, "DZP", dec!(1), &rx(), "rina", "3333")
        .unwrap_err();
    assert!(
        refused.message(Lang::Id).contains("40 dari 30"),
        "{}",
        refused.message(Lang::Id)
    );
}

#[test]
fn a_sale_event_written_before_prescriptions_travelled_still_applies() {
    let (mut t1, t2) = (node(Some("apotek-1")), node(Some("apotek-2")));
    dispense(&mut t1, "apotek-1", "DZP", dec!(20), &rx()).unwrap();
    let mut sales = events(&t1, "apotek-1", sync::SALE_KIND, 1);
    // The same sale as an older program wrote it: no `prescriptions` key.
    let mut v: serde_json::Value = serde_json::from_str(&sales[0].event.payload).unwrap();
    assert!(v.as_object_mut().unwrap().remove("prescriptions").is_some());
    let (payload, hash) = kasir::store::outbox::canonical(&v);
    sales[0].event.payload = payload;
    sales[0].event.hash = hash;
    assert_eq!(t2.apply_pulled(&sales).unwrap().applied, 1);
    assert!(t2.sync_exceptions().unwrap().is_empty());
    let rina = Actor {
        role: Role::Apoteker,
        ..back()
    };
    assert!(t2.prescriptions_in(&rina, MONTH).unwrap().is_empty());
    let sold = t2
        .drug_register(&rina, MONTH)
        .unwrap()
        .into_iter()
        .filter(|r| r.kind == "sale")
        .count();
    assert_eq!(sold, 1, "the stock move arrived, without its prescription");
    assert!(t2.exceptions(true).unwrap().is_empty());
}

/// Open (figure) and resolved (figure) prescription exceptions of a node.
fn rx_state(shop: &Shop) -> (Vec<Decimal>, Vec<Decimal>) {
    let all = rx_exceptions(shop, true);
    let mut open: Vec<Decimal> = all
        .iter()
        .filter(|x| x.resolved.is_none())
        .map(|x| x.figure)
        .collect();
    let mut resolved: Vec<Decimal> = all
        .iter()
        .filter(|x| x.resolved.is_some())
        .map(|x| x.figure)
        .collect();
    open.sort();
    resolved.sort();
    (open, resolved)
}

#[test]
fn a_dispensing_the_resolver_did_not_know_of_is_found_again_on_every_node() {
    let (mut t1, mut t2, mut t3) = (
        node(Some("apotek-1")),
        node(Some("apotek-2")),
        node(Some("apotek-3")),
    );
    let bo = node(None);
    dispense(&mut t1, "apotek-1", "DZP", dec!(20), &rx()).unwrap();
    dispense(&mut t2, "apotek-2", "DZP", dec!(20), &rx()).unwrap();
    dispense(&mut t3, "apotek-3", "DZP", dec!(5), &rx()).unwrap();
    let s1 = events(&t1, "apotek-1", sync::SALE_KIND, 1);
    let s2 = events(&t2, "apotek-2", sync::SALE_KIND, 2);
    let s3 = events(&t3, "apotek-3", sync::SALE_KIND, 3);
    // apotek-1 knows apotek-2's 20 only, and its apoteker resolves what she sees: 40.
    t1.apply_pulled(&s2).unwrap();
    let id = rx_exceptions(&t1, false)[0].id;
    let rina = t1.login("rina", "3333").unwrap();
    t1.resolve_exception(&rina, id, "dokter dihubungi", None)
        .unwrap();
    let resolve = events(&t1, "apotek-1", sync::EXCEPTION_RESOLVE_KIND, 4);
    // The server's order: the three sales, then the resolution. apotek-3's 5 tablets were
    // not known where it was resolved: on every node the paper is open again at 45.
    t1.apply_pulled(&s3).unwrap();
    t2.apply_pulled(&[s1.clone(), s3.clone(), resolve.clone()].concat())
        .unwrap();
    t3.apply_pulled(&[s1.clone(), s2.clone(), resolve.clone()].concat())
        .unwrap();
    bo.apply_pulled(&[s1, s2, s3, resolve].concat()).unwrap();
    for (shop, name) in [
        (&t1, "apotek-1"),
        (&t2, "apotek-2"),
        (&t3, "apotek-3"),
        (&bo, "kantor"),
    ] {
        assert_eq!(
            rx_state(shop),
            (vec![dec!(45)], vec![dec!(40)]),
            "{name}: {:?}",
            rx_exceptions(shop, true)
        );
        let open = &rx_exceptions(shop, false)[0];
        assert!(
            open.involved
                .contains("apotek-3: apotek-3-20261201-0001 5 tablet"),
            "{name}: {}",
            open.involved
        );
    }
}
