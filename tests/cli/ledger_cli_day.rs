//! A whole day at the command line: demo → shift open → sales → return → repayment and
//! petty cash → shift close → day close → ledger export, checked by hledger.

use crate::common;
use common::*;

use std::collections::BTreeMap;
use std::process::Command;

use rust_decimal::Decimal;

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("decimal string expected, got {v}"))
        .parse()
        .unwrap()
}

fn sale_no(out: &str) -> String {
    out.lines()
        .find_map(|l| l.strip_prefix("No. transaksi: "))
        .expect("sale number printed")
        .to_string()
}

/// Sell, return, repay, pay out petty cash, close the shift with the right count.
fn a_day(db: &std::path::Path) -> (String, Decimal) {
    ok(
        db,
        &[
            "shift", "open", "--user", "siti", "--pin", "1111", "--float", "200000",
        ],
    );
    let cash = sale_no(&ok(
        db,
        &[
            "sale",
            "--user",
            "siti",
            "--pin",
            "1111",
            "--pay",
            "cash:200000",
            "8991234567907*1",
            "8991234567891*3",
        ],
    ));
    let kasbon = sale_no(&ok(
        db,
        &[
            "sale",
            "--user",
            "siti",
            "--pin",
            "1111",
            "--member",
            "A0001",
            "--pay",
            "kasbon:30000",
            "--pay",
            "cash:4000",
            "8991234567891*10",
        ],
    ));
    // An apotek item sold at the sembako counter.
    let pct = sale_no(&ok(
        db,
        &[
            "sale",
            "--user",
            "siti",
            "--pin",
            "1111",
            "--pay",
            "qris:10000",
            "8996340002250*2",
        ],
    ));
    let date = json(db, &["sales", "show", &cash])["sale"]["business_date"]
        .as_str()
        .unwrap()
        .to_string();

    // A cashier alone may not take goods back; with the treasurer's approval she may.
    let err = refused(
        db,
        &[
            "--lang",
            "en",
            "return",
            &pct,
            "8996340002250*1",
            "--user",
            "siti",
            "--pin",
            "1111",
        ],
    );
    assert!(err.contains("supervisor"), "{err}");
    let before = on_hand(db, "8996340002250");
    let r = json(
        db,
        &[
            "return",
            &pct,
            "8996340002250*1",
            "--user",
            "siti",
            "--pin",
            "1111",
            "--supervisor",
            "ahmad",
            "--supervisor-pin",
            "4444",
        ],
    );
    assert_eq!(dec(&r["amount"]), Decimal::from(5000));
    assert_eq!(dec(&r["refund_cash"]), Decimal::from(5000));
    let after = on_hand(db, "8996340002250");
    assert_eq!(
        after.parse::<Decimal>().unwrap() - before.parse::<Decimal>().unwrap(),
        Decimal::from(10),
        "a strip of 10 back in"
    );
    let err = refused(db, &["--lang", "en", "return", &pct, "8996340002250*2"]);
    assert!(err.contains("at most 1"), "{err}");
    // A kasbon sale refunds to kasbon.
    let r = json(db, &["return", &kasbon, "8991234567891*2"]);
    assert_eq!(dec(&r["refund_kasbon"]), Decimal::from(6800));
    assert_eq!(
        dec(&json(db, &["members", "show", "A0001"])["kasbon_balance"]),
        Decimal::from(30000 - 6800)
    );

    ok(
        db,
        &[
            "members", "repay", "A0001", "10000", "--user", "siti", "--pin", "1111",
        ],
    );
    let err = refused(db, &["--lang", "en", "members", "repay", "A0001", "99000"]);
    assert!(err.contains("more than the credit balance"), "{err}");
    let err = refused(
        db,
        &[
            "--lang",
            "en",
            "shift",
            "cash-out",
            "5000",
            "--reason",
            "kantong plastik",
            "--user",
            "siti",
            "--pin",
            "1111",
        ],
    );
    assert!(err.contains("supervisor"), "{err}");
    ok(
        db,
        &[
            "shift",
            "cash-out",
            "5000",
            "--reason",
            "kantong plastik",
            "--user",
            "siti",
            "--pin",
            "1111",
            "--supervisor",
            "ahmad",
            "--supervisor-pin",
            "4444",
        ],
    );

    let err = refused(
        db,
        &[
            "--lang", "en", "day", "close", "--date", &date, "--user", "ahmad", "--pin", "4444",
        ],
    );
    assert!(err.contains("shifts are still open at cli"), "{err}");
    // A day that has not come yet cannot be closed (it would block every shift until then).
    let tomorrow = (chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap()
        + chrono::Duration::days(1))
    .to_string();
    let err = refused(
        db,
        &[
            "--lang", "en", "day", "close", "--date", &tomorrow, "--user", "ahmad", "--pin", "4444",
        ],
    );
    assert!(
        err.contains(&format!("Day {tomorrow} has not come yet")),
        "{err}"
    );
    let status = json(db, &["day", "status", "--date", &tomorrow]);
    assert_eq!(status["closed"], false, "{status}");

    // Expected: float 200.000 + cash 137.500 + 4.000 − refund 5.000 + repaid 10.000 − petty 5.000.
    let x = json(db, &["report", "x"]);
    let expected = x["report"]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["label"] == "Kas seharusnya")
        .unwrap()["amount"]
        .clone();
    assert_eq!(dec(&expected), Decimal::from(341500));
    let err = refused(
        db,
        &["--lang", "en", "shift", "close", "--count", "100000*3"],
    );
    assert!(
        err.contains("count again") && !err.contains("341"),
        "blind: {err}"
    );
    let z = ok(
        db,
        &[
            "shift", "close", "--user", "siti", "--pin", "1111", "--count", "100000*3", "20000*2",
            "1000*1", "500*1",
        ],
    );
    assert!(
        z.contains("LAPORAN Z") && z.contains("Selisih") && z.contains("Rp341.500"),
        "{z}"
    );
    assert_eq!(
        ok(db, &["report", "z"]).trim(),
        z.trim(),
        "the Z report is stored"
    );
    (date, Decimal::from(341500))
}

fn hledger_balances(file: &std::path::Path) -> BTreeMap<String, Decimal> {
    let out = Command::new("hledger")
        .arg("-f")
        .arg(file)
        .args(["bal", "--flat", "-O", "csv", "--no-total"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "hledger bal: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut m = BTreeMap::new();
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    for rec in r.records() {
        let rec = rec.unwrap();
        let amount = rec[1].trim().trim_start_matches("IDR").trim().to_string();
        m.insert(
            rec[0].split(' ').next().unwrap().to_string(),
            amount.parse::<Decimal>().unwrap(),
        );
    }
    m
}

fn kasir_balances(db: &std::path::Path, date: &str) -> BTreeMap<String, Decimal> {
    let tb = json(
        db,
        &["report", "trial-balance", "--from", date, "--to", date],
    );
    assert_eq!(dec(&tb["total_debit"]), dec(&tb["total_credit"]));
    tb["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| !dec(&r["closing"]).is_zero())
        .map(|r| (r["code"].as_str().unwrap().to_string(), dec(&r["closing"])))
        .collect()
}

#[test]
fn a_whole_day_from_demo_to_ledger_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["demo"]);
    let (date, _) = a_day(&db);

    let err = refused(
        &db,
        &[
            "--lang", "en", "day", "close", "--date", &date, "--user", "siti", "--pin", "1111",
        ],
    );
    assert!(err.contains("not allowed"), "{err}");
    let closed = json(
        &db,
        &[
            "day", "close", "--date", &date, "--user", "ahmad", "--pin", "4444",
        ],
    );
    let journals = closed["journals"].as_array().unwrap();
    assert_eq!(journals.len(), 2, "sembako and apotek");
    let mut net: BTreeMap<String, Decimal> = BTreeMap::new();
    for j in journals {
        let (mut d, mut c) = (Decimal::ZERO, Decimal::ZERO);
        for l in j["lines"].as_array().unwrap() {
            d += dec(&l["debit"]);
            c += dec(&l["credit"]);
            *net.entry(l["code"].as_str().unwrap().into()).or_default() +=
                dec(&l["debit"]) - dec(&l["credit"]);
        }
        assert_eq!(d, c, "journal balances");
    }
    // Sales: 137.500 + 34.000 (member) + 10.000 (apotek, PPN off); returns 5.000 + 6.800.
    assert_eq!(net["4-1102"], Decimal::from(-137500));
    assert_eq!(net["4-1101"], Decimal::from(-34000));
    assert_eq!(net["4-1202"], Decimal::from(-10000));
    assert_eq!(net["4-1901"], Decimal::from(11800));
    assert_eq!(net["1-1301"], Decimal::from(10000));
    assert_eq!(net["1-1401"], Decimal::from(30000 - 6800 - 10000));
    assert_eq!(
        net["1-1101"],
        Decimal::from(137500 + 4000 - 5000 + 10000 - 5000)
    );
    assert_eq!(net["6-1101"], Decimal::from(5000));
    assert_eq!(
        net.get("1-1901").copied().unwrap_or_default(),
        Decimal::ZERO
    );
    let err = refused(&db, &["--lang", "en", "day", "close", "--date", &date]);
    assert!(err.contains("already closed"), "{err}");

    let hl = dir.path().join("day.journal");
    ok(
        &db,
        &[
            "ledger",
            "export",
            "--format",
            "hledger",
            "--out",
            hl.to_str().unwrap(),
            "--from",
            &date,
            "--to",
            &date,
        ],
    );
    let text = std::fs::read_to_string(&hl).unwrap();
    assert!(
        text.contains("1-1101 Kas Gerai Sembako  IDR 141500"),
        "{text}"
    );
    let csv_file = dir.path().join("day.csv");
    ok(
        &db,
        &[
            "ledger",
            "export",
            "--format",
            "csv",
            "--out",
            csv_file.to_str().unwrap(),
        ],
    );
    let csv_text = std::fs::read_to_string(&csv_file).unwrap();
    assert!(
        csv_text.starts_with("date,journal,account_code,account_name,debit,credit,memo\n"),
        "{csv_text}"
    );
    assert!(
        csv_text.contains(&format!(
            "{date},J000003,1-1101,Kas Gerai Sembako,141500,0,"
        )),
        "{csv_text}"
    );
    let json_file = dir.path().join("day.json");
    ok(
        &db,
        &[
            "ledger",
            "export",
            "--format",
            "json",
            "--out",
            json_file.to_str().unwrap(),
        ],
    );
    let exported: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_file).unwrap()).unwrap();
    assert_eq!(
        exported["journals"].as_array().unwrap().len(),
        3,
        "the demo's opening and the day's two"
    );

    // A correction: reversal plus a fresh close; the books come out the same.
    let rev = json(
        &db,
        &[
            "day",
            "reverse",
            "--date",
            &date,
            "--reason",
            "cek ulang",
            "--user",
            "ahmad",
            "--pin",
            "4444",
        ],
    );
    assert_eq!(rev["journals"].as_array().unwrap().len(), 4);
    let gl = json(
        &db,
        &[
            "report",
            "gl",
            "--account",
            "1-1101",
            "--from",
            &date,
            "--to",
            &date,
        ],
    );
    assert_eq!(
        gl["entries"].as_array().unwrap().len(),
        4,
        "opening, day, reversal, day"
    );
    assert_eq!(dec(&gl["closing"]), Decimal::from(1_500_000 + 141500));
    assert!(ok(&db, &["check"]).starts_with("OK"));

    if !have_tool("hledger") {
        return;
    }
    ok(
        &db,
        &[
            "ledger",
            "export",
            "--format",
            "hledger",
            "--out",
            hl.to_str().unwrap(),
        ],
    );
    let check = Command::new("hledger")
        .arg("-f")
        .arg(&hl)
        .arg("check")
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "hledger check: {}",
        String::from_utf8_lossy(&check.stderr)
    );
    let strict = Command::new("hledger")
        .arg("-f")
        .arg(&hl)
        .args(["check", "accounts", "commodities"])
        .output()
        .unwrap();
    assert!(
        strict.status.success(),
        "hledger check accounts: {}",
        String::from_utf8_lossy(&strict.stderr)
    );
    assert_eq!(hledger_balances(&hl), kasir_balances(&db, &date));
}

#[test]
fn the_x_report_at_the_command_line_is_for_a_supervisor_not_for_the_one_who_counts() {
    let (_dir, db) = demo_shop();
    let db = db.as_path();
    ok(
        db,
        &[
            "shift", "open", "--till", "apotek-1", "--user", "rina", "--pin", "3333", "--float",
            "300000",
        ],
    );
    let rina = ["--till", "apotek-1", "--user", "rina", "--pin", "3333"];
    // Rp50.000 paid out of her drawer: Rp250.000 expected.
    ok(
        db,
        &["shift", "cash-out", "50000", "--reason", "galon air"]
            .iter()
            .chain(&rina)
            .copied()
            .collect::<Vec<_>>(),
    );
    for cmd in [["report", "x"], ["shift", "x"]] {
        let args: Vec<&str> = ["--lang", "en"]
            .iter()
            .chain(&cmd)
            .chain(&rina)
            .copied()
            .collect();
        let err = refused(db, &args);
        assert!(err.contains("not for the cashier who will count"), "{err}");
        assert!(!err.contains("300.000"), "{err}");
    }
    let err = refused(
        db,
        &[
            "--lang", "en", "shift", "x", "--till", "apotek-1", "--user", "siti", "--pin", "1111",
        ],
    );
    assert!(err.contains("not allowed"), "{err}");
    // Printed, the X report of her open shift is refused to her as well; the treasurer prints it.
    let paper = db.with_file_name("x-report.bin");
    let printer = format!("file:{}", paper.display());
    let print_x = |who: &[&str]| -> Vec<String> {
        [
            "--lang",
            "en",
            "print",
            "z",
            "--till",
            "apotek-1",
            "--printer",
            &printer,
        ]
        .iter()
        .chain(who)
        .map(|s| s.to_string())
        .collect()
    };
    let args = print_x(&["--user", "rina", "--pin", "3333"]);
    let err = refused(db, &args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(err.contains("not for the cashier who will count"), "{err}");
    assert!(!paper.exists(), "nothing printed for her");
    let args = print_x(&["--user", "ahmad", "--pin", "4444"]);
    ok(db, &args.iter().map(String::as_str).collect::<Vec<_>>());
    let text = kasir_receipts::decode_text(&std::fs::read(&paper).unwrap());
    assert!(
        text.lines()
            .any(|l| l.contains("Kas seharusnya") && l.ends_with("Rp250.000")),
        "printed expected cash as the X report's: {text}"
    );
    // The treasurer and the back office read it, expected cash and all.
    for who in [&["--user", "ahmad", "--pin", "4444"][..], &[][..]] {
        let args: Vec<&str> = ["report", "x", "--till", "apotek-1"]
            .iter()
            .chain(who)
            .copied()
            .collect();
        let x = json(db, &args);
        let rows = x["report"]["rows"].as_array().unwrap();
        let expected = rows
            .iter()
            .find(|r| r["label"] == "Kas seharusnya")
            .unwrap();
        assert_eq!(dec(&expected["amount"]), Decimal::from(250000));
    }
}

#[test]
fn the_dashboard_at_the_command_line_is_net_of_returns_with_units() {
    let (_dir, db) = demo_shop();
    let db = db.as_path();
    // A member buys a strip of Enervon-C (4 tablets, Rp5.300 for members); someone buys two
    // Indomie (Rp7.000) and brings one back (−Rp3.500) the same day.
    ok(
        db,
        &[
            "sale",
            "--member",
            "A0001",
            "--pay",
            "cash:5300",
            "8998549000457",
        ],
    );
    let mie = sale_no(&ok(db, &["sale", "--pay", "cash:7000", "8991234567891*2"]));
    ok(db, &["return", &mie, "8991234567891*1"]);
    let d = json(db, &["report", "dashboard"]);
    let at = |v: &serde_json::Value| dec(v);
    assert_eq!(at(&d["net_sales"]), Decimal::from(8800), "{d}");
    assert_eq!(at(&d["returns"]), Decimal::from(3500));
    assert_eq!(at(&d["member_sales"]), Decimal::from(5300));
    assert_eq!(at(&d["non_member_sales"]), Decimal::from(3500));
    assert_eq!(at(&d["member_share_percent"]), "60.23".parse().unwrap());
    let daily = d["daily"].as_array().unwrap();
    let row = |unit: &str| daily.iter().find(|x| x["business_unit"] == unit).unwrap();
    let sembako = row("sembako");
    assert_eq!(
        [
            &sembako["gross"],
            &sembako["returns"],
            &sembako["non_members"],
            &sembako["net"]
        ]
        .map(at),
        [7000, 3500, 3500, 3500].map(Decimal::from)
    );
    assert_eq!(at(&row("apotek")["members"]), Decimal::from(5300));
    let shares = d["member_share_daily"].as_array().unwrap();
    assert_eq!(shares.len(), 1);
    assert_eq!(
        at(&shares[0]["member_share_percent"]),
        "60.23".parse().unwrap()
    );
    let top = d["top_items"].as_array().unwrap();
    assert_eq!(top[0]["sku"], "ENV-C");
    assert_eq!(top[0]["quantity"], "1 strip (4 tablet)");
    assert_eq!(top[0]["sold_unit"], "strip");
    assert_eq!(at(&top[0]["sold_qty"]), Decimal::ONE);
    assert_eq!(at(&top[0]["base_qty"]), Decimal::from(4));
    assert_eq!(top[0]["base_unit"], "tablet");
    assert_eq!(top[1]["sku"], "IDM-GRG");
    assert_eq!(top[1]["quantity"], "1 pcs");
    assert_eq!(at(&top[1]["amount"]), Decimal::from(3500));
    // The text shows the same figures.
    let text = ok(db, &["report", "dashboard"]);
    for want in ["1 strip (4 tablet)", "Rp8.800", "60.23%", "Rp3.500"] {
        assert!(text.contains(want), "{want} in\n{text}");
    }
}

#[test]
fn chart_import_export_statements_savings_and_shu() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["demo"]);
    let opening_books = books(&db);
    let (date, _) = a_day(&db);
    let month = &date[..7];

    let st = json(&db, &["members", "statement", "A0001", "--month", month]);
    assert_eq!(dec(&st["kasbon_opening"]), Decimal::ZERO);
    assert_eq!(dec(&st["kasbon_taken"]), Decimal::from(30000));
    assert_eq!(dec(&st["kasbon_repaid"]), Decimal::from(16800));
    assert_eq!(dec(&st["kasbon_closing"]), Decimal::from(13200));
    assert_eq!(st["purchases"][0][0], "sembako");
    assert_eq!(dec(&st["purchases"][0][1]), Decimal::from(34000 - 6800));
    let err = refused(
        &db,
        &[
            "--lang",
            "en",
            "members",
            "statement",
            "A0001",
            "--month",
            "2026-13",
        ],
    );
    assert!(err.contains("YYYY-MM"), "{err}");

    // Savings: the limit follows 50% of them under the savings rule; bad files change nothing.
    let sav = dir.path().join("savings.csv");
    std::fs::write(
        &sav,
        "number,pokok,wajib,sukarela\nA0001,100000,500000,400000\nA0002,100000,300000,0\n",
    )
    .unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(
        &bad,
        "number,pokok,wajib,sukarela\nA0001,100000,500000,0\nZ9999,1,1,1\n",
    )
    .unwrap();
    refused(
        &db,
        &["members", "savings", "import", bad.to_str().unwrap()],
    );
    ok(
        &db,
        &["members", "kasbon-rule", "savings", "--percent", "50"],
    );
    ok(
        &db,
        &["members", "savings", "import", sav.to_str().unwrap()],
    );
    assert_eq!(
        dec(&json(&db, &["members", "show", "A0001"])["kasbon_limit"]),
        Decimal::from(500000)
    );
    assert_eq!(
        dec(&json(&db, &["members", "show", "A0002"])["kasbon_limit"]),
        Decimal::from(200000)
    );

    // SHU: 40% jasa usaha of 1.000.001, 20% jasa modal; allocations add up to the rupiah.
    let year = &date[..4];
    let out = dir.path().join("shu.csv");
    let shu = json(
        &db,
        &[
            "report",
            "shu",
            "--year",
            year,
            "--total",
            "1000001",
            "--usaha",
            "40",
            "--modal",
            "20",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(dec(&shu["pool_usaha"]), Decimal::from(400000));
    assert_eq!(dec(&shu["pool_modal"]), Decimal::from(200000));
    assert_eq!(dec(&shu["total_shared"]), Decimal::from(600000));
    let rows = shu["rows"].as_array().unwrap();
    let usaha: Decimal = rows.iter().map(|r| dec(&r["jasa_usaha"])).sum();
    let modal: Decimal = rows.iter().map(|r| dec(&r["jasa_modal"])).sum();
    assert_eq!(
        (usaha, modal),
        (Decimal::from(400000), Decimal::from(200000))
    );
    let a1 = rows.iter().find(|r| r["number"] == "A0001").unwrap();
    assert_eq!(
        dec(&a1["jasa_usaha"]),
        Decimal::from(400000),
        "the only member who bought"
    );
    // Capital: the demo's opening savings (pokok + wajib of every member), with A0001 and
    // A0002 replaced by the import (600.000 and 400.000).
    let capital = -(opening_books["3-1101"] + opening_books["3-1102"])
        - Decimal::from(110000 + 120000)
        + Decimal::from(1_000_000);
    let exact = Decimal::from(200000i64 * 600000) / capital;
    assert!(
        (dec(&a1["jasa_modal"]) - exact).abs() < Decimal::ONE,
        "{} vs {exact}",
        a1["jasa_modal"]
    );
    let csv_text = std::fs::read_to_string(&out).unwrap();
    assert!(
        csv_text
            .lines()
            .last()
            .unwrap()
            .ends_with(",400000,200000,600000"),
        "{csv_text}"
    );

    // The chart: export, rename an account (formula-like name), import; CSV exports neutralise it.
    let chart = dir.path().join("chart.csv");
    ok(&db, &["accounts", "export", chart.to_str().unwrap()]);
    let text = std::fs::read_to_string(&chart).unwrap();
    assert!(
        text.contains("1-1901,Rekening Antar Unit,asset,interunit"),
        "{text}"
    );
    let edited = text.replace(
        "6-1101,Beban Kas Kecil,expense,petty_cash",
        "6-1101,=Beban Kas Kecil,expense,petty_cash",
    );
    std::fs::write(&chart, edited).unwrap();
    let bad_chart = dir.path().join("bad_chart.csv");
    std::fs::write(&bad_chart, "code,name,kind,role\n9-1,Aneh,weird,\n").unwrap();
    let err = refused(
        &db,
        &[
            "--lang",
            "en",
            "accounts",
            "import",
            bad_chart.to_str().unwrap(),
        ],
    );
    assert!(err.contains("Line 2") && err.contains("weird"), "{err}");
    ok(&db, &["accounts", "import", chart.to_str().unwrap()]);
    ok(&db, &["day", "close", "--date", &date]);
    let csv_file = dir.path().join("l.csv");
    ok(
        &db,
        &[
            "ledger",
            "export",
            "--format",
            "csv",
            "--out",
            csv_file.to_str().unwrap(),
        ],
    );
    let csv_text = std::fs::read_to_string(&csv_file).unwrap();
    assert!(
        csv_text.contains(",6-1101,'=Beban Kas Kecil,5000,0,"),
        "{csv_text}"
    );
}

/// A cash count by denomination that adds up to `amount` (a multiple of Rp100).
fn count_of(amount: Decimal) -> Vec<String> {
    let mut left: i64 = amount.try_into().unwrap();
    assert_eq!(left % 100, 0, "{amount}");
    let mut out = Vec::new();
    for d in [100000, 50000, 20000, 10000, 5000, 2000, 1000, 500, 200, 100] {
        if left >= d {
            out.push(format!("{d}*{}", left / d));
            left %= d;
        }
    }
    out
}

fn x_row(db: &std::path::Path, till: &str, label: &str) -> Decimal {
    let x = json(db, &["report", "x", "--till", till]);
    let rows = x["report"]["rows"].as_array().unwrap();
    dec(&rows.iter().find(|r| r["label"] == label).unwrap()["amount"])
}

/// The stock value per unit as `report stock` shows it.
fn stock_per_unit(db: &std::path::Path) -> BTreeMap<String, Decimal> {
    json(db, &["report", "stock"])["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["business_unit"].as_str().unwrap().to_string(),
                dec(&u["value"]),
            )
        })
        .collect()
}

/// Closing balance per account over every posted journal.
fn books(db: &std::path::Path) -> BTreeMap<String, Decimal> {
    json(db, &["report", "trial-balance"])["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["code"].as_str().unwrap().to_string(), dec(&r["closing"])))
        .collect()
}

fn receive(
    db: &std::path::Path,
    dir: &std::path::Path,
    csv: &str,
    args: &[&str],
) -> serde_json::Value {
    let f = dir.join("terima.csv");
    std::fs::write(&f, format!("code,qty,unit,cost,batch,expiry\n{csv}\n")).unwrap();
    let mut all = vec!["receive", f.to_str().unwrap()];
    all.extend_from_slice(args);
    json(db, &all)
}

#[test]
fn books_equal_stock_per_unit_after_a_day_with_every_kind_of_stock_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["demo"]);
    // Random sales may go beyond the demo's stock: this shop allows it.
    ok(&db, &["settings", "set", "stock.allow_negative", "true"]);
    // The demo's opening: Persediaan per unit is the stock value per unit, cash is positive.
    let opening = books(&db);
    let stock = stock_per_unit(&db);
    assert_eq!(opening["1-1601"], stock["sembako"]);
    assert_eq!(opening["1-1602"], stock["apotek"]);
    assert!(opening["1-1001"] > Decimal::ZERO && opening["1-1102"] > Decimal::ZERO);
    assert!(opening["3-1101"] < Decimal::ZERO && opening["3-1102"] < Decimal::ZERO);
    assert_eq!(json(&db, &["check"])["books_match_stock"], true);

    ok(
        &db,
        &["shift", "open", "--till", "cli", "--float", "200000"],
    );
    ok(
        &db,
        &["shift", "open", "--till", "apotek-1", "--float", "300000"],
    );
    // Batch-tracked medicine is never sold beyond its unexpired batches (whatever the
    // setting): a fresh batch first, so that the random sales below always find stock.
    receive(
        &db,
        dir.path(),
        "8998808001768,48,botol,9500,BTD2612X,2028-12-31",
        &["--supplier", "KFTD", "--pay", "credit"],
    );
    // A generated day of sales at both counters, some to members.
    let goods = [
        "8991234567891",
        "8991234567907",
        "8991234567990",
        "8996965000266",
        "8991993003616",
        "8996340002250",
        "8998808001768",
    ];
    let mut rng = Rng::from_env("books_equal_stock");
    let mut sold = Vec::new();
    for i in 0..14 {
        let till = if i % 3 == 0 { "apotek-1" } else { "cli" };
        let mut args = vec![
            "sale".to_string(),
            "--till".into(),
            till.into(),
            "--pay".into(),
            "cash:1000000".into(),
        ];
        if rng.below(3) == 0 {
            args.extend(["--member".into(), format!("A{:04}", 1 + rng.below(9))]);
        }
        let code = goods[rng.below(goods.len() as u64) as usize];
        args.push(format!("{code}*{}", 1 + rng.below(3)));
        if rng.below(2) == 0 {
            args.push(format!(
                "{}*1",
                goods[rng.below(goods.len() as u64) as usize]
            ));
        }
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        sold.push((sale_no(&ok(&db, &a)), code));
    }
    // A return to stock.
    let (no, code) = &sold[1];
    ok(&db, &["return", no, &format!("{code}*1")]);
    // Receiving: on credit at a cost in sen (moving averages that are not whole rupiah) …
    receive(
        &db,
        dir.path(),
        "8991234567891,7,,\"2812,37\",,",
        &["--supplier", "SMBR", "--pay", "credit"],
    );
    // … paid in cash from the apotek drawer: the shift's expected cash falls, Z lists it …
    let before = x_row(&db, "apotek-1", "Kas seharusnya");
    let g = receive(
        &db,
        dir.path(),
        "8998808001768,5,,15000,BTD2612Z,2030-01-31",
        &[
            "--supplier",
            "KFTD",
            "--pay",
            "cash",
            "--from",
            "drawer",
            "--till",
            "apotek-1",
        ],
    );
    assert_eq!(g["paid_from"], "drawer");
    assert_eq!(
        x_row(&db, "apotek-1", "Kas seharusnya"),
        before - Decimal::from(75000)
    );
    // … and from the office safe.
    receive(
        &db,
        dir.path(),
        "8991993003616,3,sak,57000,,",
        &["--supplier", "BULOG", "--pay", "cash", "--from", "safe"],
    );
    // Write-offs (damaged, expired) and an opname with a gain and a loss, on goods the random
    // sales above never touch (their stock is whole and known).
    ok(
        &db,
        &["writeoff", "8997350002667", "2", "--reason", "rusak"],
    );
    ok(
        &db,
        &["writeoff", "8997003000798", "1", "--reason", "kedaluwarsa"],
    );
    ok(&db, &["opname", "start", "--unit", "sembako"]);
    let gain: Decimal = on_hand(&db, "8991750001060").parse().unwrap();
    let loss: Decimal = on_hand(&db, "8991483002310").parse().unwrap();
    ok(
        &db,
        &[
            "opname",
            "count",
            "8991750001060",
            &(gain + Decimal::from(3)).to_string(),
        ],
    );
    ok(
        &db,
        &[
            "opname",
            "count",
            "8991483002310",
            &(loss - Decimal::ONE).to_string(),
        ],
    );
    ok(
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

    // Both shifts close with the count they expect; the Z of the apotek lists the payment.
    for till in ["cli", "apotek-1"] {
        let expected = x_row(&db, till, "Kas seharusnya");
        let mut args = vec!["shift", "close", "--till", till, "--count"];
        let count = count_of(expected);
        args.extend(count.iter().map(String::as_str));
        let z = ok(&db, &args);
        if till == "apotek-1" {
            assert!(
                z.contains("Bayar barang")
                    && z.contains(&format!("Bayar {}", g["doc_no"].as_str().unwrap())),
                "{z}"
            );
        }
    }
    ok(&db, &["day", "close", "--user", "ahmad", "--pin", "4444"]);

    // The books hold the stock, per unit, to the sen; no cash account is negative.
    let b = books(&db);
    let stock = stock_per_unit(&db);
    assert_ne!(stock["sembako"], opening["1-1601"], "the day moved stock");
    assert_eq!(b["1-1601"], stock["sembako"]);
    assert_eq!(b["1-1602"], stock["apotek"]);
    for cash in ["1-1001", "1-1101", "1-1102"] {
        assert!(b[cash] >= Decimal::ZERO, "{cash} {}", b[cash]);
    }
    assert_eq!(
        b["1-1001"],
        Decimal::from(25_000_000 - 171_000),
        "paid from the safe"
    );
    let check = json(&db, &["check"]);
    assert_eq!(check["books_match_stock"], true, "{check}");
    assert!(ok(&db, &["check"]).contains("OK: persediaan di buku = nilai stok per unit"));

    let hl = dir.path().join("all.journal");
    if !hledger_export_checked(&db, &hl, &[]) {
        return;
    }
    let hb = hledger_balances(&hl);
    assert_eq!(hb["1-1601"], stock["sembako"]);
    assert_eq!(hb["1-1602"], stock["apotek"]);
}

#[test]
fn a_pkp_day_posts_whole_rupiah_ppn_per_unit_and_hledger_checks_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["demo"]);
    ok(&db, &["settings", "set", "tax.pkp", "true"]);
    ok(&db, &["shift", "open", "--float", "200000"]);
    // 3 sachets at Rp1.500 and an exempt sack of rice: PPN ⌊4.500 × 11/111⌋ = 445.
    let first = json(
        &db,
        &[
            "sale",
            "--pay",
            "qris:67000",
            "8991502003465*3",
            "8991993003616",
        ],
    );
    assert_eq!(first["sale"]["ppn"], "445");
    // 7 sachets: ⌊10.500 × 11/111⌋ = 1.040 (per line in sen it was 1.040,54).
    let second = json(&db, &["sale", "--pay", "qris:10500", "8991502003465*7"]);
    assert_eq!(second["sale"]["ppn"], "1040");
    let no = second["sale"]["number"].as_str().unwrap().to_string();
    let date = second["sale"]["business_date"]
        .as_str()
        .unwrap()
        .to_string();
    // Two of the seven back: ⌊1.040 × 2/7⌋ = 297; then the other five: the rest, 743.
    for (qty, want) in [("2", "297"), ("5", "743")] {
        let r = json(
            &db,
            &[
                "return",
                &no,
                &format!("8991502003465*{qty}"),
                "--supervisor",
                "ahmad",
                "--supervisor-pin",
                "4444",
            ],
        );
        // Each return line: (unit, amount, ppn, cost).
        let ppn: Decimal = r["lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| dec(&l[2]))
            .sum();
        assert_eq!(ppn, want.parse::<Decimal>().unwrap(), "{r}");
    }
    ok(
        &db,
        &[
            // Float 200.000 less the cash refunds 3.000 and 7.500.
            "shift", "close", "--count", "100000*1", "50000*1", "20000*1", "10000*1", "5000*1",
            "2000*2", "500*1",
        ],
    );
    ok(
        &db,
        &[
            "day", "close", "--date", &date, "--user", "ahmad", "--pin", "4444",
        ],
    );
    // The day's PPN Keluaran: what the receipts stated less what the returns reversed.
    let tb = kasir_balances(&db, &date);
    assert_eq!(tb.get("2-1201").copied(), Some(Decimal::from(-445)));
    let hl = dir.path().join("pkp.journal");
    let checked = hledger_export_checked(&db, &hl, &["accounts", "commodities"]);
    let text = std::fs::read_to_string(&hl).unwrap();
    assert!(text.contains("2-1201 PPN Keluaran"), "{text}");
    assert!(!text.contains("IDR 445."), "whole rupiah: {text}");
    if checked {
        assert_eq!(hledger_balances(&hl), tb);
    }
}
