//! Every use case that changes stock, cash or the books leaves exactly one event of its
//! kind in the outbox, written in its own transaction, with the payload the coop's server
//! stores: amounts as exact decimal strings.

use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::cash::CashCount;
use kasir::domain::user::{Actor, Role};
use kasir::i18n::Lang;
use kasir::service::shift_close::CashMoveKind;
use kasir::service::stock::{parse_receipt, Payment, ReceiveOptions};
use kasir::service::sync;
use kasir::service::write_off::WriteOffReason;
use kasir::service::{demo, FixedClock, Shop};
use kasir::store::Store;
use rust_decimal_macros::dec;
use serde_json::{json, Value};

const CATALOG: &str = "sku,name,business_unit,base_unit,tax_class,drug_class,batch_tracked,weighed,unit,factor,barcodes,price_umum,price_anggota,price_grosir,grosir_min_qty,cost,min_stock,nie,het
BRS,Beras Uji 1 kg,sembako,kg,exempt,none,0,0,kg,1,,10000,10000,,,8600,0,,
OBT,Obat Uji strip,apotek,strip,ppn,bebas,1,0,strip,1,,12000,11500,,,9000,0,,
";
const MEMBERS: &str = "number,name,phone,nik,kasbon_limit\nA0001,Sri Wahyuni,,,1000000\n";

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
}

fn back() -> Actor {
    Actor::back_office()
}

/// Every event in the file: (till, kind, payload), oldest first.
fn events(shop: &Shop) -> Vec<(String, String, Value)> {
    let c = shop.store.conn();
    let mut st = c
        .prepare("SELECT till, kind, payload FROM events ORDER BY till, seq")
        .unwrap();
    st.query_map([], |r| {
        let payload: String = r.get(2)?;
        Ok((
            r.get(0)?,
            r.get(1)?,
            serde_json::from_str(&payload).unwrap(),
        ))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// Run a use case and return the one event it added (failing if it added none, more than
/// one, or one of another kind).
fn one_event(shop: &mut Shop, kind: &str, f: impl FnOnce(&mut Shop)) -> (String, Value) {
    let before = events(shop);
    f(shop);
    let after = events(shop);
    let new: Vec<_> = after.into_iter().filter(|e| !before.contains(e)).collect();
    assert_eq!(
        new.len(),
        1,
        "{kind}: exactly one new event, got {:?}",
        new.iter().map(|e| &e.1).collect::<Vec<_>>()
    );
    let (till, k, payload) = new.into_iter().next().unwrap();
    assert_eq!(k, kind);
    (till, payload)
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

fn shop() -> (Shop, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(at("2026-12-01 08:00:00")));
    let mut shop = Shop::new(Store::open_in_memory().unwrap(), clock.clone());
    demo::init_settings(&mut shop, "Koperasi Uji").unwrap();
    for (k, v) in [("till.t1.unit", "sembako"), ("till.default", "kantor")] {
        shop.set_setting(&back(), k, v).unwrap();
    }
    shop.add_user(&back(), "ahmad", "Ahmad", Role::Bendahara, "4444")
        .unwrap();
    shop.import_catalog(&back(), CATALOG.as_bytes(), &mut |_, _| {})
        .unwrap();
    shop.import_members(&back(), MEMBERS.as_bytes()).unwrap();
    (shop, clock)
}

#[test]
fn each_use_case_that_changes_stock_cash_or_books_leaves_one_event_of_its_kind() {
    let (mut shop, _clock) = shop();
    assert_eq!(sync::RECEIVE_KIND, "receive.v1");

    // Goods received: the back office's event, under its till id (not joined: till.default).
    let (till, p) = one_event(&mut shop, sync::RECEIVE_KIND, |shop| {
        let lines = parse_receipt(
            "code,qty,unit,cost,batch,expiry\nBRS,100,,\"8600,50\",,\nOBT,30,,9000,B1,2030-01-31\n"
                .as_bytes(),
        )
        .unwrap();
        shop.receive(
            &back(),
            &lines,
            &ReceiveOptions {
                payment: Payment::Cash,
                note: Some("Saldo awal".into()),
                ..Default::default()
            },
        )
        .unwrap();
    });
    assert_eq!(till, "kantor");
    assert_eq!(p["receipt"]["doc_no"], "GR-20261201-0001");
    assert_eq!(p["receipt"]["total"], "1130050");
    assert_eq!(p["receipt"]["payment"], "cash");
    assert_eq!(p["receipt"]["business_date"], "2026-12-01");
    assert_eq!(p["cash_move"], Value::Null);
    assert_eq!(
        p["lines"],
        json!([
            {"line_no": 1, "sku": "BRS", "unit": "kg", "qty": "100", "base_qty": "100",
             "cost": "8600.5", "value": "860050", "batch": null, "expiry": null},
            {"line_no": 2, "sku": "OBT", "unit": "strip", "qty": "30", "base_qty": "30",
             "cost": "9000", "value": "270000", "batch": "B1", "expiry": "2030-01-31"},
        ])
    );

    // A write-off at moving-average cost.
    let (_, p) = one_event(&mut shop, sync::WRITE_OFF_KIND, |shop| {
        shop.write_off(&back(), "OBT", dec!(2), WriteOffReason::Rusak, Some("B1"))
            .unwrap();
    });
    assert_eq!(p["reason"], "rusak");
    assert_eq!(
        p["stock_moves"],
        json!([{"sku": "OBT", "batch": "B1", "expiry": "2030-01-31", "qty": "-2", "value": "-18000"}])
    );

    // A count that finds one kilo of rice short and the medicine as booked.
    let (_, p) = one_event(&mut shop, sync::OPNAME_KIND, |shop| {
        shop.opname_start(&back(), None).unwrap();
        shop.opname_count(&back(), "BRS", dec!(99), None).unwrap();
        shop.opname_count(&back(), "OBT", dec!(28), Some("B1"))
            .unwrap();
        shop.opname_finish(&back(), Some(("ahmad", "4444")))
            .unwrap();
    });
    assert_eq!(p["session"]["approver"], "ahmad");
    assert_eq!(
        p["counts"],
        json!([
            {"sku": "BRS", "batch": null, "expected": "100", "counted": "99", "variance": "-1"},
            {"sku": "OBT", "batch": "B1", "expected": "28", "counted": "28", "variance": "0"},
        ])
    );
    assert_eq!(
        p["stock_moves"],
        json!([{"sku": "BRS", "batch": null, "expiry": null, "qty": "-1", "value": "-8600.5"}])
    );

    // Petty cash and a kasbon repayment in a shift of till t1: that till's events.
    shop.open_shift(&back(), "t1", dec!(100000), &count(100000))
        .unwrap();
    let (till, p) = one_event(&mut shop, sync::CASH_MOVE_KIND, |shop| {
        shop.cash_move(
            &back(),
            None,
            "t1",
            CashMoveKind::Out,
            dec!(12500),
            "beli plastik",
        )
        .unwrap();
    });
    assert_eq!(till, "t1");
    let shift_uuid = shop.current_shift("t1").unwrap().unwrap().uuid;
    assert_eq!(p["shift"], shift_uuid.as_str());
    assert_eq!(
        (&p["kind"], &p["amount"], &p["reason"], &p["business_unit"]),
        (
            &json!("out"),
            &json!("12500"),
            &json!("beli plastik"),
            &json!("sembako")
        )
    );
    let mut cart = Cart::default();
    shop.attach_member(&mut cart, Some("A0001")).unwrap();
    shop.scan_into(&mut cart, "BRS*3").unwrap();
    shop.checkout(
        &back(),
        "t1",
        &cart,
        &[Tender {
            kind: TenderKind::Kasbon,
            amount: dec!(30000),
            reference: None,
        }],
    )
    .unwrap();
    let (till, p) = one_event(&mut shop, sync::KASBON_REPAY_KIND, |shop| {
        shop.repay_kasbon(&back(), "t1", "A0001", dec!(20000))
            .unwrap();
    });
    assert_eq!(till, "t1");
    assert_eq!(p["member"], "A0001");
    assert_eq!(p["amount"], "20000");
    assert_eq!(p["parts"][0]["receivable_unit"], "sembako");
    assert_eq!(p["parts"][0]["amount"], "20000");
    assert_eq!(p["parts"].as_array().unwrap().len(), 1);
    let expected = shop
        .shift_summary(&shop.current_shift("t1").unwrap().unwrap())
        .unwrap()
        .expected_cash;
    shop.close_shift(
        &back(),
        "t1",
        &count(i64::try_from(expected).unwrap()),
        None,
        Lang::En,
    )
    .unwrap();

    // The day closed: its journals with their lines, as posted.
    let d = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let mut posted = Vec::new();
    let (till, p) = one_event(&mut shop, sync::DAY_CLOSE_KIND, |shop| {
        posted = shop.close_day(&back(), d).unwrap();
    });
    assert_eq!(till, "kantor");
    assert_eq!(p["business_date"], "2026-12-01");
    let journals = p["journals"].as_array().unwrap();
    assert_eq!(journals.len(), posted.len());
    assert!(!journals.is_empty());
    for (e, j) in journals.iter().zip(&posted) {
        assert_eq!(e["number"], j.number.as_str());
        assert_eq!(e["business_unit"], j.business_unit.as_str());
        let lines: Vec<Value> = j
            .lines
            .iter()
            .map(|l| {
                json!({"account": l.code, "debit": l.debit.normalize(),
                       "credit": l.credit.normalize(), "memo": l.memo})
            })
            .collect();
        assert_eq!(e["lines"], Value::Array(lines));
    }

    // Reversed without a re-close: one reversal event, its journals mirror the posted ones.
    let (_, p) = one_event(&mut shop, sync::DAY_REVERSE_KIND, |shop| {
        shop.reverse_day(&back(), d, "salah akun", false).unwrap();
    });
    assert_eq!(p["reason"], "salah akun");
    let reversing = p["journals"].as_array().unwrap();
    assert_eq!(reversing.len(), posted.len());
    for (r, j) in reversing.iter().zip(journals) {
        assert_eq!(r["reverses"], j["number"]);
        for (rl, jl) in r["lines"]
            .as_array()
            .unwrap()
            .iter()
            .zip(j["lines"].as_array().unwrap())
        {
            assert_eq!((&rl["debit"], &rl["credit"]), (&jl["credit"], &jl["debit"]));
        }
    }
    // Every amount in every event is a decimal string, never a JSON number.
    fn no_float(v: &Value, path: &str) {
        match v {
            Value::Number(n) => assert!(n.is_i64(), "{path} is a JSON number {n}"),
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, x)| no_float(x, &format!("{path}[{i}]"))),
            Value::Object(o) => o
                .iter()
                .for_each(|(k, x)| no_float(x, &format!("{path}.{k}"))),
            _ => {}
        }
    }
    for (_, kind, p) in events(&shop) {
        no_float(&p, &kind);
    }
}

#[test]
fn a_use_case_refused_leaves_no_event() {
    let (mut shop, _clock) = shop();
    let before = events(&shop).len();
    assert!(shop
        .write_off(&back(), "BRS", dec!(5), WriteOffReason::Hilang, None)
        .is_err());
    assert!(shop.write_off_expired(&back(), None).unwrap().is_empty());
    shop.open_shift(&back(), "t1", dec!(1000), &count(1000))
        .unwrap();
    assert!(shop
        .cash_move(&back(), None, "t1", CashMoveKind::Out, dec!(5000), "x")
        .is_err());
    assert_eq!(events(&shop).len(), before + 1, "only the shift opened");
}

/// A price change, a catalog import and a members import each leave one event carrying
/// what they changed as it now stands (not the rest of the catalog); a file that changes
/// nothing leaves none.
#[test]
fn a_price_change_and_catalog_and_members_imports_leave_what_they_changed_as_it_stands() {
    let (mut shop, _clock) = shop();
    let item = shop.find_item("BRS").unwrap();
    let (till, p) = one_event(&mut shop, sync::CATALOG_KIND, |shop| {
        shop.set_price(
            &back(),
            &item,
            kasir::domain::catalog::PriceTier::Umum,
            dec!(10500),
        )
        .unwrap();
    });
    assert_eq!(till, "kantor");
    let products = p["products"].as_array().unwrap();
    assert_eq!(products.len(), 1, "{p}");
    assert_eq!(products[0]["sku"], "BRS");
    assert_eq!(products[0]["active"], true);
    assert_eq!(products[0]["tax_class"], "exempt");
    assert_eq!(products[0]["units"][0]["unit"], "kg");
    assert_eq!(products[0]["units"][0]["prices"]["umum"], "10500");
    assert_eq!(products[0]["units"][0]["prices"]["anggota"], "10000");

    // A file of the two products that changes only the medicine's name.
    let file = CATALOG
        .replace("Obat Uji strip", "Obat Uji strip 10")
        .replace(",10000,10000,", ",10500,10000,");
    let (_, p) = one_event(&mut shop, sync::CATALOG_KIND, |shop| {
        shop.import_catalog(&back(), file.as_bytes(), &mut |_, _| {})
            .unwrap();
    });
    let products = p["products"].as_array().unwrap();
    assert_eq!(products.len(), 1, "{p}");
    assert_eq!(products[0]["sku"], "OBT");
    assert_eq!(products[0]["name"], "Obat Uji strip 10");
    assert_eq!(products[0]["drug_class"], "bebas");
    assert_eq!(products[0]["batch_tracked"], true);

    let (_, p) = one_event(&mut shop, sync::MEMBERS_KIND, |shop| {
        shop.import_members(
            &back(),
            "number,name,phone,nik,kasbon_limit\nA0001,Sri Wahyuni,,,1000000\nA0002,Budi,081234567890,,250000\n"
                .as_bytes(),
        )
        .unwrap();
    });
    assert_eq!(
        p["members"],
        json!([{"active": true, "kasbon_limit": "250000", "name": "Budi", "nik": null,
                "number": "A0002", "phone": "081234567890",
                "uuid": p["members"][0]["uuid"].clone()}])
    );

    // The same files again change nothing and leave no event.
    let before = events(&shop).len();
    shop.import_catalog(&back(), file.as_bytes(), &mut |_, _| {})
        .unwrap();
    shop.import_members(&back(), MEMBERS.as_bytes()).unwrap();
    assert_eq!(events(&shop).len(), before);
}
