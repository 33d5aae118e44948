//! The back office at the command line, as a user would run it: demo shop, sales, stock.

mod common;
use common::*;

#[test]
fn demo_sale_takes_stock_down_by_base_quantity_and_shows_the_same_sale() {
    let (_dir, db) = demo_shop();
    // Indomie Goreng: pcs 8991234567891, dus of 40 8991234567907.
    let before: rust_decimal::Decimal = on_hand(&db, "8991234567891").parse().unwrap();
    let out = ok(
        &db,
        &[
            "sale",
            "--pay",
            "cash:200000",
            "8991234567907*1",
            "8991234567891*3",
        ],
    );
    assert!(out.contains("Indomie Goreng 85 g"), "{out}");
    let number = out
        .lines()
        .find_map(|l| l.strip_prefix("No. transaksi: "))
        .expect("sale number printed")
        .to_string();
    let after: rust_decimal::Decimal = on_hand(&db, "8991234567891").parse().unwrap();
    assert_eq!(
        before - after,
        rust_decimal::Decimal::from(43),
        "1 dus (40) + 3 pcs"
    );

    let shown = json(&db, &["sales", "show", &number]);
    let sale = &shown["sale"];
    assert_eq!(sale["number"], number.as_str());
    assert_eq!(sale["lines"].as_array().unwrap().len(), 2);
    assert_eq!(sale["lines"][0]["unit"], "dus");
    assert_eq!(sale["lines"][0]["base_qty"], "40");
    // 1 dus Rp127.000 + 3 pcs × Rp3.500 = Rp137.500, cash 200.000 → change 62.500
    assert_eq!(sale["total"], "137500");
    assert_eq!(sale["change"], "62500");
    assert_eq!(sale["tenders"][0]["kind"], "cash");

    let listed = json(&db, &["sales", "list"]);
    let numbers: Vec<&str> = listed["sales"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["number"].as_str().unwrap())
        .collect();
    assert_eq!(numbers, vec![number.as_str()]);
    assert!(ok(&db, &["check"]).starts_with("OK"));
}

#[test]
fn member_prices_kasbon_and_cash_rounding() {
    let (_dir, db) = demo_shop();
    let member_before = json(&db, &["members", "show", "A0001"]);
    assert_eq!(member_before["kasbon_balance"], "0");
    // A member pays member prices (Indomie Rp3.400) and may take kasbon within the limit.
    let v = json(
        &db,
        &[
            "sale",
            "--member",
            "A0001",
            "--pay",
            "kasbon:6800",
            "8991234567891*2",
        ],
    );
    assert_eq!(v["sale"]["total"], "6800");
    assert_eq!(v["sale"]["lines"][0]["tier"], "anggota");
    let member = json(&db, &["members", "show", "A0001"]);
    assert_eq!(member["kasbon_balance"], "6800");
    // Weighed telur/beras curah: 1,5 kg × Rp13.000 = Rp19.500; with a 3-pcs Indomie
    // Rp10.500 → Rp30.000. Cash rounding only shows with an odd total: 1,25 kg → 16.250.
    let v = json(&db, &["sale", "cash:20000", "BRS-CRM*1,25"]);
    assert_eq!(v["sale"]["total"], "16250");
    assert_eq!(v["sale"]["rounding"], "50");
    assert_eq!(v["sale"]["payable"], "16200");
    assert_eq!(v["sale"]["change"], "3800");
}

#[test]
fn catalog_and_members_round_trip_through_csv() {
    let (dir, db) = demo_shop();
    let cat = dir.path().join("catalog.csv");
    ok(&db, &["catalog", "export", cat.to_str().unwrap()]);
    let text = std::fs::read_to_string(&cat).unwrap();
    assert!(text.starts_with("sku,name,business_unit"));
    assert!(text.contains("8991234567891"));
    // Importing the export into a fresh shop gives the same export back.
    let other = dir.path().join("other.db");
    ok(&other, &["init"]);
    ok(&other, &["catalog", "import", cat.to_str().unwrap()]);
    let cat2 = dir.path().join("catalog2.csv");
    ok(&other, &["catalog", "export", cat2.to_str().unwrap()]);
    assert_eq!(text, std::fs::read_to_string(&cat2).unwrap());

    let mem = dir.path().join("members.csv");
    ok(&db, &["members", "export", mem.to_str().unwrap()]);
    let text = std::fs::read_to_string(&mem).unwrap();
    assert_eq!(text.lines().count(), 51, "header + 50 members");
    ok(&other, &["members", "import", mem.to_str().unwrap()]);
    assert_eq!(
        json(&other, &["members", "show", "A0050"])["number"],
        "A0050"
    );
}

#[test]
fn sales_need_an_open_shift_and_a_valid_user() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["demo"]);
    let msg = refused(&db, &["sale", "cash:5000", "8991234567891"]);
    assert!(msg.contains("shift"), "{msg}");
    ok(
        &db,
        &[
            "shift",
            "open",
            "--till",
            "sembako-1",
            "--count",
            "50000*1",
            "10000*5",
        ],
    );
    // The gudang role does not sell.
    let msg = refused(
        &db,
        &[
            "--lang",
            "en",
            "sale",
            "--till",
            "sembako-1",
            "--user",
            "budi",
            "--pin",
            "2222",
            "cash:5000",
            "8991234567891",
        ],
    );
    assert!(msg.contains("not allowed"), "{msg}");
    let v = json(
        &db,
        &[
            "sale",
            "--till",
            "sembako-1",
            "--user",
            "siti",
            "--pin",
            "1111",
            "cash:5000",
            "8991234567891",
        ],
    );
    assert_eq!(v["sale"]["cashier"], "Siti Rahmawati");
    assert!(v["sale"]["number"]
        .as_str()
        .unwrap()
        .starts_with("sembako-1-"));
}
