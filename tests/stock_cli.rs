//! Stock and pharmacy commands through the real binary: receive, opname, writeoff, the
//! prescription flags of `sale`, and the reports.

mod common;
use common::*;

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.display().to_string()
}

fn moves(db: &std::path::Path, code: &str) -> Vec<serde_json::Value> {
    json(db, &["stock", "moves", code])["moves"]
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn receive_with_a_bad_row_changes_nothing_and_a_good_file_books_a_delivery() {
    let (dir, db) = demo_shop();
    let before = json(&db, &["stock"]);
    let suppliers = json(&db, &["supplier", "list"]);
    // Line 3: amoxicillin is batch-tracked and comes without a batch.
    let bad = write(
        dir.path(),
        "bad.csv",
        "code,qty,unit,cost,batch,expiry\n8991234567891,2,dus,120000,,\n8999825002592,5,strip,5390,,\n",
    );
    let err = refused(
        &db,
        &["receive", &bad, "--supplier", "SMBR", "--pay", "credit"],
    );
    assert!(err.contains("Baris 3") && err.contains("batch"), "{err}");
    for (name, row, word) in [
        ("unit.csv", "8991234567891,1,karung,1000,,", "satuan karung"),
        ("code.csv", "8991234567884,1,,1000,,", "tidak dikenal"),
        ("qty.csv", "8991234567891,-1,,1000,,", "qty"),
        (
            "date.csv",
            "8991234567891,1,,1000,,31-12-2027",
            "YYYY-MM-DD",
        ),
    ] {
        let f = write(
            dir.path(),
            name,
            &format!("code,qty,unit,cost,batch,expiry\n8991234567891,1,,3000,,\n{row}\n"),
        );
        let err = refused(&db, &["receive", &f]);
        assert!(err.contains("Baris 3") && err.contains(word), "{err}");
    }
    let unknown = write(
        dir.path(),
        "ok.csv",
        "code,qty,unit,cost,batch,expiry\n8991234567907,2,dus,120000,,\n",
    );
    let err = refused(
        &db,
        &["--lang", "en", "receive", &unknown, "--supplier", "NOBODY"],
    );
    assert!(err.contains("not registered"), "{err}");
    assert_eq!(
        json(&db, &["stock"]),
        before,
        "a refused receipt changed stock"
    );
    assert_eq!(json(&db, &["supplier", "list"]), suppliers);

    let pcs_before: rust_decimal::Decimal = on_hand(&db, "IDM-GRG").parse().unwrap();
    let out = ok(
        &db,
        &["receive", &unknown, "--supplier", "SMBR", "--pay", "credit"],
    );
    assert!(
        out.contains("Pemasok: CV Sumber") && out.contains("GR-"),
        "{out}"
    );
    let pcs_after: rust_decimal::Decimal = on_hand(&db, "IDM-GRG").parse().unwrap();
    assert_eq!(pcs_after - pcs_before, rust_decimal::Decimal::from(80));
    let list = json(&db, &["supplier", "list"]);
    let smbr = list["suppliers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["code"] == "SMBR")
        .unwrap()
        .clone();
    assert_eq!(smbr["owed"], "240000");
    let last = moves(&db, "IDM-GRG").pop().unwrap();
    assert_eq!(last["kind"], "receipt");
    assert_eq!(last["qty"], "80");
    ok(&db, &["check"]);
}

#[test]
fn opname_through_the_binary_is_blind_needs_approval_and_handles_a_sale_during_the_count() {
    let (_dir, db) = demo_shop();
    let start: rust_decimal::Decimal = on_hand(&db, "IDM-GRG").parse().unwrap();
    let counted = start - rust_decimal::Decimal::from(3);
    ok(
        &db,
        &[
            "opname", "start", "--unit", "sembako", "--user", "budi", "--pin", "2222",
        ],
    );
    refused(&db, &["opname", "start"]);
    let out = ok(
        &db,
        &[
            "opname",
            "count",
            "IDM-GRG",
            &counted.to_string(),
            "--user",
            "budi",
            "--pin",
            "2222",
        ],
    );
    assert!(
        !out.contains(&start.to_string()),
        "the count showed the expected figure: {out}"
    );
    let j = json(&db, &["opname", "count", "IDM-GRG", &counted.to_string()]);
    assert!(j.get("expected").is_none(), "{j}");
    let err = refused(&db, &["opname", "count", "8999825002592", "1"]);
    assert!(err.contains("sembako"), "{err}");
    // Two sell after the count.
    ok(&db, &["sale", "cash:10000", "8991234567891*2"]);
    let err = refused(&db, &["opname", "finish"]);
    assert!(err.contains("supervisor"), "{err}");
    refused(
        &db,
        &[
            "opname",
            "finish",
            "--approve-user",
            "siti",
            "--approve-pin",
            "1111",
        ],
    );
    assert_eq!(
        on_hand(&db, "IDM-GRG"),
        (start - rust_decimal::Decimal::TWO).to_string()
    );
    let r = json(
        &db,
        &[
            "opname",
            "finish",
            "--approve-user",
            "ahmad",
            "--approve-pin",
            "4444",
        ],
    );
    assert_eq!(r["session"]["approver"], "ahmad");
    assert_eq!(r["lines"][0]["variance"], "-3");
    let after: rust_decimal::Decimal = on_hand(&db, "IDM-GRG").parse().unwrap();
    assert_eq!(after, counted - rust_decimal::Decimal::TWO);
    let last = moves(&db, "IDM-GRG").pop().unwrap();
    assert_eq!(
        (last["kind"].as_str(), last["qty"].as_str()),
        (Some("opname"), Some("-3"))
    );
    refused(&db, &["opname", "count", "IDM-GRG", "1"]);
    ok(&db, &["check"]);
}

#[test]
fn writeoff_through_the_binary_books_the_reason_at_cost() {
    let (_dir, db) = demo_shop();
    let before = json(&db, &["stock", "IDM-GRG"]);
    let err = refused(&db, &["writeoff", "IDM-GRG", "2", "--reason", "dimakan"]);
    assert!(err.contains("rusak"), "{err}");
    refused(&db, &["writeoff", "IDM-GRG", "100000", "--reason", "rusak"]);
    refused(
        &db,
        &[
            "writeoff", "IDM-GRG", "2", "--reason", "rusak", "--user", "siti", "--pin", "1111",
        ],
    );
    assert_eq!(json(&db, &["stock", "IDM-GRG"]), before);
    let r = json(
        &db,
        &[
            "writeoff", "IDM-GRG", "2", "--reason", "rusak", "--user", "budi", "--pin", "2222",
        ],
    );
    assert_eq!(r["writeoffs"][0]["qty"], "2");
    let last = moves(&db, "IDM-GRG").pop().unwrap();
    assert_eq!(last["kind"], "writeoff");
    assert_eq!(last["note"], "rusak");
    assert_eq!(last["user"], "budi");
    assert_eq!(last["value"], format!("-{}", r["value"].as_str().unwrap()));
    let was: rust_decimal::Decimal = before["stock"][0]["on_hand"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        on_hand(&db, "IDM-GRG"),
        (was - rust_decimal::Decimal::TWO).to_string()
    );

    // The demo has expired batches (it is built "today"); write them off in one go.
    let exp = json(&db, &["report", "expiry", "--days", "30"]);
    let expired = exp["expired"].as_array().unwrap().len();
    if expired > 0 {
        let w = json(&db, &["writeoff", "--expired"]);
        assert_eq!(w["writeoffs"].as_array().unwrap().len(), expired);
        assert!(json(&db, &["report", "expiry"])["expired"]
            .as_array()
            .unwrap()
            .is_empty());
    }
    ok(&db, &["check"]);
}

#[test]
fn sale_with_a_prescription_and_the_monthly_reports() {
    let (dir, db) = demo_shop();
    ok(
        &db,
        &["shift", "open", "--till", "apotek-1", "--float", "100000"],
    );
    let today = chrono::Local::now().date_naive();
    let rx = format!("no=R-1;doctor=dr. Sari;sip=SIP-503/2025;patient=Joko;date={today}");
    let err = refused(
        &db,
        &["sale", "--till", "apotek-1", "cash:10000", "8995895003248"],
    );
    assert!(err.contains("resep"), "{err}");
    let err = refused(
        &db,
        &[
            "sale",
            "cash:10000",
            "--rx",
            &rx,
            "--apoteker",
            "rina",
            "--apoteker-pin",
            "3333",
            "8995895003248",
        ],
    );
    assert!(err.contains("gerai obat"), "{err}");
    let err = refused(
        &db,
        &[
            "sale",
            "--till",
            "apotek-1",
            "cash:10000",
            "--rx",
            &rx,
            "--apoteker",
            "rina",
            "8995895003248",
        ],
    );
    assert!(err.contains("--apoteker-pin"), "{err}");
    let before = on_hand(&db, "DZP-2");
    let j = json(
        &db,
        &[
            "sale",
            "--till",
            "apotek-1",
            "cash:10000",
            "--rx",
            &rx,
            "--apoteker",
            "rina",
            "--apoteker-pin",
            "3333",
            "8995895003248",
        ],
    );
    let number = j["sale"]["number"].as_str().unwrap().to_string();
    let after: rust_decimal::Decimal = on_hand(&db, "DZP-2").parse().unwrap();
    assert_eq!(
        before.parse::<rust_decimal::Decimal>().unwrap() - after,
        rust_decimal::Decimal::TEN
    );
    let month = today.format("%Y-%m").to_string();
    let reg = json(&db, &["report", "register", "--month", &month]);
    let sold = reg["register"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["kind"] == "sale")
        .unwrap()
        .clone();
    assert_eq!(sold["reference"], number.as_str());
    assert_eq!(sold["patient"], "Joko");
    let csv = dir.path().join("sipnap.csv");
    ok(
        &db,
        &[
            "report",
            "sipnap",
            "--month",
            &month,
            "--out",
            csv.to_str().unwrap(),
        ],
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let mut seen = 0;
    for r in rows.records() {
        let r = r.unwrap();
        let n = |i: usize| r[i].parse::<rust_decimal::Decimal>().unwrap();
        assert_eq!(n(6) + n(7) + n(8) - n(9) - n(10), n(11), "{r:?}");
        if &r[1] == "DZP-2" {
            assert_eq!(n(9), rust_decimal::Decimal::TEN);
            assert_eq!(n(11), after);
        }
        seen += 1;
    }
    assert!(seen >= 4, "{text}");
    refused(&db, &["report", "sipnap", "--month", "2026-13"]);
    let stock = json(&db, &["report", "stock"]);
    assert_eq!(stock["units"].as_array().unwrap().len(), 2);
    let low = json(&db, &["report", "stock", "--low"]);
    assert!(!low["low"].as_array().unwrap().is_empty());
    ok(&db, &["check"]);
}
