//! The back office at the command line, as a user would run it: demo shop, sales, stock.

use crate::common;
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

/// An EAN-13 with its GS1 check digit, from its first 12 digits.
fn ean13(first12: &str) -> String {
    let sum: u32 = first12
        .chars()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).unwrap() * if i % 2 == 0 { 1 } else { 3 })
        .sum();
    format!("{first12}{}", (10 - sum % 10) % 10)
}

#[test]
fn a_catalog_edited_in_a_spreadsheet_comes_back_exactly_as_edited() {
    let (dir, db) = demo_shop();
    let cat = dir.path().join("catalog.csv");
    ok(&db, &["catalog", "export", cat.to_str().unwrap()]);
    let exported = std::fs::read_to_string(&cat).unwrap();
    // Imported back unedited, nothing changes.
    ok(&db, &["catalog", "import", cat.to_str().unwrap()]);
    let again = dir.path().join("again.csv");
    ok(&db, &["catalog", "export", again.to_str().unwrap()]);
    assert_eq!(exported, std::fs::read_to_string(&again).unwrap());

    // Edit it as a spreadsheet would: rename a product, raise a price, give a unit a second
    // barcode and a wholesale tier, and add a product with two units.
    let mut reader = csv::Reader::from_reader(exported.as_bytes());
    let head: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    let col = |name: &str| head.iter().position(|h| h == name).unwrap();
    let mut rows: Vec<Vec<String>> = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    let first_sku = rows[0][col("sku")].clone();
    let extra = ean13("200000000001");
    for row in rows.iter_mut().filter(|r| r[col("sku")] == first_sku) {
        row[col("name")] = "Kopi Mocca, renceng hemat".into();
    }
    let old_price = rows[0][col("price_umum")].clone();
    rows[0][col("price_umum")] = "1600".into();
    rows[0][col("barcodes")] = format!("{extra}|{}", rows[0][col("barcodes")]);
    rows[0][col("price_grosir")] = "1450".into();
    rows[0][col("grosir_min_qty")] = "20".into();
    let mut new_unit = |unit: &str, factor: &str, code: String, price: &str| {
        let mut r = rows[0].clone();
        for (name, value) in [
            ("sku", "ZZ-SABUN"),
            ("name", "Sabun Cuci \"Wangi\" 500 g"),
            ("base_unit", "pcs"),
            ("unit", unit),
            ("factor", factor),
            ("price_umum", price),
            ("price_anggota", price),
            ("price_grosir", ""),
            ("grosir_min_qty", ""),
            ("cost", "4100"),
            ("min_stock", "12"),
        ] {
            r[col(name)] = value.into();
        }
        r[col("barcodes")] = code;
        rows.push(r);
    };
    new_unit("pcs", "1", ean13("200000000002"), "5000");
    new_unit("dus", "24", ean13("200000000003"), "115000");
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&head).unwrap();
    for r in &rows {
        w.write_record(r).unwrap();
    }
    let edited = String::from_utf8(w.into_inner().unwrap()).unwrap();
    assert_ne!(edited, exported);
    std::fs::write(&cat, &edited).unwrap();

    let out = ok(&db, &["catalog", "import", cat.to_str().unwrap()]);
    let products: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r[col("sku")].as_str()).collect();
    assert!(out.contains(&products.len().to_string()), "{out}");
    ok(&db, &["catalog", "export", again.to_str().unwrap()]);
    assert_eq!(edited, std::fs::read_to_string(&again).unwrap());
    // The till sees the edit: the new barcode rings up the product at its new price.
    assert_ne!(old_price, "1600");
    let v = json(&db, &["sale", "cash:100000", &extra]);
    assert_eq!(v["sale"]["total"], "1600");
    assert_eq!(v["sale"]["lines"][0]["name"], "Kopi Mocca, renceng hemat");
    let v = json(&db, &["stock", &ean13("200000000003")]);
    assert_eq!(v["stock"][0]["sku"], "ZZ-SABUN");
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
