//! Stock and pharmacy commands through the real binary: receive, opname, writeoff, the
//! prescription flags of `sale`, and the reports.

use crate::common;
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
    let rx = format!("no=R-1;doctor=dr. Sari;sip=SIP-503/2025;patient=Joko;date={today};qty=10");
    let err = refused(
        &db,
        &["sale", "--till", "apotek-1", "cash:10000", "8995895003248"],
    );
    assert!(err.contains("resep"), "{err}");
    // At the sembako till (a gerai obat) it is refused at the scan, naming the apotek
    // counter, with or without a prescription.
    let err = refused(&db, &["sale", "cash:10000", "8995895003248"]);
    assert!(err.contains("Jual di konter apotek"), "{err}");
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

/// `kasir sale` on the apotek till with a prescription (`--rx`) and rina's PIN; `extra`
/// goes before the items.
fn rx_sale(
    db: &std::path::Path,
    lang: &str,
    rx: &str,
    extra: &[&str],
    items: &[&str],
) -> std::process::Output {
    let mut args = vec![
        "--lang",
        lang,
        "sale",
        "--till",
        "apotek-1",
        "--rx",
        rx,
        "--apoteker",
        "rina",
        "--apoteker-pin",
        "3333",
        "cash:100000",
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(items);
    kasir(db, &args)
}

fn stderr_of(out: &std::process::Output) -> String {
    assert!(
        !out.status.success(),
        "should have been refused: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    err.strip_prefix("kasir: ").unwrap_or(&err).to_string()
}

fn stdout_of(out: &std::process::Output) -> String {
    assert!(
        out.status.success(),
        "refused: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

const DIAZEPAM_STRIP: &str = "8995895003248";
const DIAZEPAM_TABLET: &str = "8995895003231";
const AMOXICILLIN_STRIP: &str = "8999825002592";

#[test]
fn a_psikotropika_prescription_dispenses_in_parts_up_to_its_total_and_never_again() {
    let (dir, db) = demo_shop();
    ok(
        &db,
        &["shift", "open", "--till", "apotek-1", "--float", "100000"],
    );
    let today = chrono::Local::now().date_naive();
    let rx = format!("no=RX-003;doctor=dr. Sari;sip=SIP 503/2025;patient=Joko;date={today};qty=30");
    // Ten tablets today and ten more later: both partial, on one prescription of 30.
    let first = stdout_of(&rx_sale(&db, "id", &rx, &[], &[DIAZEPAM_STRIP]));
    // The receipt names the prescription and the pharmacist who approved it.
    assert!(first.contains("Resep: RX-003"), "{first}");
    assert!(first.contains("Apoteker: apt. Rina Wulandari"), "{first}");
    stdout_of(&rx_sale(&db, "id", &rx, &[], &[DIAZEPAM_STRIP]));
    // Twenty more is more than is left: refused, naming what is left, and nothing changes.
    let before = snapshot(&db);
    let err = stderr_of(&rx_sale(
        &db,
        "id",
        &rx,
        &[],
        &[&format!("2*{DIAZEPAM_STRIP}")],
    ));
    assert_eq!(
        err,
        "Resep RX-003 tinggal 10 tablet Diazepam 2 mg Tablet (sudah ditebus 20 dari 30); diminta 20"
    );
    assert_eq!(snapshot(&db), before);
    // The same paper typed a little differently is still the same prescription.
    let typed = rx.replace("no=RX-003", "no=rx 003");
    stdout_of(&rx_sale(&db, "id", &typed, &[], &[DIAZEPAM_STRIP]));
    for (lang, expected) in [
        (
            "id",
            "Resep RX-003 sudah ditebus 30 dari 30 tablet Diazepam 2 mg Tablet — tidak dapat ditebus lagi (diminta 1)",
        ),
        (
            "en",
            "Prescription RX-003 has already dispensed 30 of 30 tablet of Diazepam 2 mg Tablet — nothing is left (1 asked)",
        ),
    ] {
        assert_eq!(
            stderr_of(&rx_sale(&db, lang, &rx, &[], &[DIAZEPAM_TABLET])),
            expected
        );
    }
    assert_eq!(snapshot(&db), {
        let mut s = before.clone();
        s.0 = json(&db, &["sales", "list"]);
        s.1 = json(&db, &["stock"]);
        s
    });
    // A psikotropika prescription has no iter.
    let err = stderr_of(&rx_sale(
        &db,
        "en",
        &format!(
            "no=RX-009;doctor=dr. Sari;sip=SIP 503/2025;patient=Joko;date={today};qty=10;iter=1"
        ),
        &[],
        &[DIAZEPAM_STRIP],
    ));
    assert!(err.contains("never repeated"), "{err}");
    // The register shows each dispensing as partial, with what is left.
    let month = today.format("%Y-%m").to_string();
    let reg = json(&db, &["report", "register", "--month", &month]);
    let sold: Vec<&serde_json::Value> = reg["register"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["kind"] == "sale" && r["rx_no"].is_string())
        .collect();
    let parts: Vec<(String, String, String)> = sold
        .iter()
        .map(|r| {
            let d = &r["rx_dispensing"];
            let s = |k: &str| d[k].as_str().unwrap().to_string();
            (s("this"), s("to_date"), s("total"))
        })
        .collect();
    let p = |a: &str, b: &str| (a.to_string(), b.to_string(), "30".to_string());
    assert_eq!(parts, vec![p("10", "10"), p("10", "20"), p("10", "30")]);
    let text = ok(&db, &["report", "register", "--month", &month]);
    for left in ["sisa 20", "sisa 10", "sisa 0"] {
        assert!(
            text.contains(&format!("(sebagian: 10 dari 30 tablet, {left})")),
            "{text}"
        );
    }
    // The printed receipt carries the same lines as the preview.
    let number = json(&db, &["sales", "list"])["sales"]
        .as_array()
        .unwrap()
        .iter()
        .find_map(|s| s["number"].as_str().filter(|n| n.starts_with("apotek-1")))
        .unwrap()
        .to_string();
    let file = dir.path().join("struk.bin");
    ok(
        &db,
        &[
            "print",
            "receipt",
            &number,
            "--printer",
            &format!("file:{}", file.display()),
        ],
    );
    let printed = kasir_receipts::decode_text(&std::fs::read(&file).unwrap());
    assert!(printed.contains("Resep: RX-003"), "{printed}");
    assert!(
        printed.contains("Apoteker: apt. Rina Wulandari"),
        "{printed}"
    );
    ok(&db, &["check"]);
}

#[test]
fn an_obat_keras_prescription_with_iter_2_fills_three_times() {
    let (_dir, db) = demo_shop();
    ok(
        &db,
        &["shift", "open", "--till", "apotek-1", "--float", "100000"],
    );
    let today = chrono::Local::now().date_naive();
    let rx =
        format!("no=R-88;doctor=dr. Budi;sip=SIP 77/2024;patient=Ani;date={today};qty=10;iter=2");
    for _ in 0..3 {
        stdout_of(&rx_sale(&db, "id", &rx, &[], &[AMOXICILLIN_STRIP]));
    }
    let before = snapshot(&db);
    let err = stderr_of(&rx_sale(&db, "id", &rx, &[], &[AMOXICILLIN_STRIP]));
    assert!(
        err.starts_with("Resep R-88 sudah ditebus 30 dari 30 kapsul Amoksisilin 500 mg Kapsul"),
        "{err}"
    );
    assert_eq!(snapshot(&db), before);
    // Without the prescribed quantity there is nothing to count against.
    let err = stderr_of(&rx_sale(
        &db,
        "en",
        &rx.replace(";qty=10", ""),
        &[],
        &[AMOXICILLIN_STRIP],
    ));
    assert_eq!(
        err,
        "The prescribed quantity must be filled in, above 0 (qty=…)"
    );
}

#[test]
fn an_old_prescription_needs_the_pharmacists_reason_and_pin_and_is_audited() {
    let (_dir, db) = demo_shop();
    ok(
        &db,
        &["shift", "open", "--till", "apotek-1", "--float", "100000"],
    );
    let rx = "no=R-2019;doctor=dr. Budi;sip=SIP 77/2019;patient=Ani;date=2019-06-01;qty=10";
    let before = snapshot(&db);
    let err = stderr_of(&rx_sale(&db, "id", rx, &[], &[AMOXICILLIN_STRIP]));
    assert!(
        err.starts_with("Resep R-2019 bertanggal 2019-06-01 sudah ")
            && err.ends_with(
                " hari (batas obat keras: 30 hari): hanya dengan alasan dan PIN apoteker"
            ),
        "{err}"
    );
    let err = stderr_of(&rx_sale(&db, "en", rx, &[], &[AMOXICILLIN_STRIP]));
    assert!(
        err.contains("only with a reason and the pharmacist's PIN"),
        "{err}"
    );
    // A reason with a wrong PIN is no approval.
    let wrong_pin = kasir(
        &db,
        &[
            "sale",
            "--till",
            "apotek-1",
            "--rx",
            rx,
            "--apoteker",
            "rina",
            "--apoteker-pin",
            "0000",
            "--rx-reason",
            "pasien kontrol rutin",
            "cash:100000",
            AMOXICILLIN_STRIP,
        ],
    );
    assert!(!wrong_pin.status.success());
    // A future date is no better than an old one.
    let tomorrow = chrono::Local::now().date_naive() + chrono::Days::new(1);
    let err = stderr_of(&rx_sale(
        &db,
        "id",
        &rx.replace("2019-06-01", &tomorrow.to_string()),
        &[],
        &[AMOXICILLIN_STRIP],
    ));
    assert!(err.contains("di masa depan"), "{err}");
    assert_eq!(snapshot(&db), before);
    let reason = "resep lama dibawa kembali, dokter dikonfirmasi per telepon";
    stdout_of(&rx_sale(
        &db,
        "id",
        rx,
        &["--rx-reason", reason],
        &[AMOXICILLIN_STRIP],
    ));
    let c = rusqlite::Connection::open(&db).unwrap();
    let (detail, approver): (String, String) = c
        .query_row(
            "SELECT detail, approver FROM audit_log WHERE action = 'prescription_age'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert!(
        detail.contains("R-2019") && detail.contains(reason),
        "{detail}"
    );
    assert_eq!(approver, "rina");
    let stored: String = c
        .query_row("SELECT age_reason FROM prescriptions", [], |r| r.get(0))
        .unwrap();
    assert_eq!(stored, reason);
    ok(&db, &["check"]);
}

/// What a refused opening must leave unchanged: the books and the journals.
fn books_snapshot(db: &std::path::Path) -> (serde_json::Value, String) {
    let out = db.with_extension("journals.json");
    let _ = std::fs::remove_file(&out);
    ok(
        db,
        &[
            "ledger",
            "export",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    (
        json(db, &["report", "trial-balance"]),
        std::fs::read_to_string(&out).unwrap(),
    )
}

#[test]
fn the_opening_balances_are_posted_once_balanced_and_before_the_first_posted_day() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("toko.db");
    ok(&db, &["init", "--name", "Koperasi Uji"]);
    let before = books_snapshot(&db);
    let head = "account,debit,credit,memo\n";
    for (name, rows, words) in [
        (
            "unbalanced.csv",
            "1-1101,1.000.000,,laci\n3-1201,,900.000,\n",
            &[
                "difference Rp100.000",
                "debit Rp1.000.000",
                "credit Rp900.000",
            ][..],
        ),
        (
            "unknown.csv",
            "1-1101,1.000.000,,\n9-9999,,1.000.000,\n",
            &["Line 3", "9-9999"][..],
        ),
        (
            "both.csv",
            "1-1101,1.000.000,5,\n3-1201,,1.000.000,\n",
            &["Line 2", "not both"][..],
        ),
        (
            "stock.csv",
            "1-1601,500.000,,\n3-1201,,500.000,\n",
            &["1-1601 Persediaan Sembako", "stock value Rp0"][..],
        ),
    ] {
        let f = write(dir.path(), name, &format!("{head}{rows}"));
        let err = refused(&db, &["--lang", "en", "ledger", "opening", &f]);
        for w in words {
            assert!(err.contains(w), "{name}: {err}");
        }
        assert_eq!(books_snapshot(&db), before, "{name} changed nothing");
    }
    let good = write(
        dir.path(),
        "saldo.csv",
        &format!(
            "{head}1-1101,1.500.000,,laci\n1-1001,25.000.000,,brankas\n3-1201,,26.500.000,modal\n"
        ),
    );
    let posted = json(&db, &["ledger", "opening", &good]);
    assert_eq!(posted["opening"]["kind"], "opening");
    assert_eq!(posted["opening"]["lines"].as_array().unwrap().len(), 3);
    let after = books_snapshot(&db);
    let err = refused(&db, &["--lang", "en", "ledger", "opening", &good]);
    assert!(err.contains("already posted"), "{err}");
    assert_eq!(
        books_snapshot(&db),
        after,
        "a second opening changed nothing"
    );
    assert_eq!(json(&db, &["check"])["books_match_stock"], true);

    // After a posted day the opening comes too late.
    let late = dir.path().join("late.db");
    ok(&late, &["init"]);
    ok(&late, &["day", "close"]);
    let before = books_snapshot(&late);
    let err = refused(&late, &["--lang", "en", "ledger", "opening", &good]);
    assert!(err.contains("before the first posted day"), "{err}");
    assert_eq!(books_snapshot(&late), before);

    hledger_export_checked(&db, &dir.path().join("buku.journal"), &[]);
}

#[test]
fn goods_paid_in_cash_say_drawer_or_safe_and_the_drawer_pays_only_what_it_holds() {
    let (dir, db) = demo_shop();
    let f = write(
        dir.path(),
        "mie.csv",
        "code,qty,unit,cost,batch,expiry\n8991234567891,50,,3000,,\n",
    );
    let before = on_hand(&db, "8991234567891");
    for args in [
        &["--supplier", "SMBR", "--pay", "cash"][..],
        &["--supplier", "SMBR"][..],
    ] {
        let mut a = vec!["--lang", "en", "receive", &f];
        a.extend_from_slice(args);
        let err = refused(&db, &a);
        assert!(
            err.contains("--from drawer --till") && err.contains("--from safe"),
            "{err}"
        );
    }
    // The cli drawer holds the float, Rp200.000: Rp150.000 it can pay, not twice.
    let x = |db: &std::path::Path| {
        let x = json(db, &["report", "x"]);
        x["report"]["rows"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["label"] == "Kas seharusnya")
            .unwrap()["amount"]
            .as_str()
            .unwrap()
            .parse::<rust_decimal::Decimal>()
            .unwrap()
    };
    assert_eq!(x(&db), rust_decimal::Decimal::from(200000));
    let drawer = [
        "--supplier",
        "SMBR",
        "--pay",
        "cash",
        "--from",
        "drawer",
        "--till",
        "cli",
    ];
    let mut a = vec!["receive", f.as_str()];
    a.extend_from_slice(&drawer);
    let g = json(&db, &a);
    assert_eq!(x(&db), rust_decimal::Decimal::from(50000));
    let mut a = vec!["--lang", "en", "receive", f.as_str()];
    a.extend_from_slice(&drawer);
    let err = refused(&db, &a);
    assert!(err.contains("holds only Rp50.000"), "{err}");
    let on = on_hand(&db, "8991234567891");
    assert_eq!(
        on.parse::<rust_decimal::Decimal>().unwrap()
            - before.parse::<rust_decimal::Decimal>().unwrap(),
        rust_decimal::Decimal::from(50),
        "one delivery in"
    );
    let z = ok(&db, &["shift", "close", "--count", "50000*1"]);
    // The note may wrap on 58 mm paper: read it as one text.
    let flat = z.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Bayar barang")
            && flat.contains(&format!("Bayar {} SMBR", g["doc_no"].as_str().unwrap())),
        "{z}"
    );
}

#[test]
fn stock_does_not_change_on_a_day_whose_books_are_posted() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("toko.db");
    ok(&db, &["demo"]);
    ok(&db, &["day", "close"]);
    let before = json(&db, &["stock", "8991234567891"]);
    let goods = write(
        dir.path(),
        "terima.csv",
        "code,qty,unit,cost,batch,expiry\n8991234567891,24,pcs,2785,,\n",
    );
    let err = refused(&db, &["--lang", "en", "receive", &goods]);
    assert!(
        err.contains("has been closed by the treasurer") && err.contains("goods received"),
        "{err}"
    );
    let err = refused(
        &db,
        &["writeoff", "8991234567891", "2", "--reason", "rusak"],
    );
    assert!(err.contains("sudah ditutup bendahara"), "{err}");
    assert_eq!(json(&db, &["stock", "8991234567891"]), before);
    // The books still hold exactly the stock.
    assert_eq!(json(&db, &["check"])["books_match_stock"], true);
}

/// The shop file opened through the library, for setup and for reading the audit log.
fn shop(db: &std::path::Path) -> kasir::service::Shop {
    kasir::service::Shop::new(
        kasir::store::Store::open(db, kasir::store::OpenMode::Existing).unwrap(),
        std::sync::Arc::new(kasir::service::SystemClock),
    )
}

fn audit(db: &std::path::Path, action: &str) -> Vec<kasir::store::audit::AuditRow> {
    kasir::store::audit::recent(shop(db).store.conn(), 200)
        .unwrap()
        .into_iter()
        .filter(|a| a.action == action)
        .collect()
}

#[test]
fn an_expired_batch_is_received_only_with_a_reason_and_audited() {
    let (dir, db) = demo_shop();
    let csv = write(
        dir.path(),
        "expired.csv",
        "code,qty,unit,cost,batch,expiry\n8999825002592,5,strip,5390,AMX-OLD,2020-01-31\n",
    );
    let before = json(&db, &["stock"]);
    // The demo's own opening stock holds one expired batch, taken in with a reason.
    let logged = audit(&db, "receive_expired").len();
    let err = refused(&db, &["receive", &csv]);
    assert!(
        err.contains("AMX-OLD sudah kedaluwarsa 2020-01-31") && err.contains("--allow-expired"),
        "{err}"
    );
    let err = refused(&db, &["--lang", "en", "receive", &csv, "--allow-expired"]);
    assert!(err.contains("needs --reason"), "{err}");
    assert_eq!(json(&db, &["stock"]), before, "a refusal changed the stock");
    assert_eq!(audit(&db, "receive_expired").len(), logged);
    let v = json(
        &db,
        &[
            "receive",
            &csv,
            "--allow-expired",
            "--reason",
            "retur ke PBF besok",
        ],
    );
    assert_eq!(v["received"], 1);
    let log = audit(&db, "receive_expired");
    assert_eq!(log.len(), logged + 1);
    assert!(
        log[0].detail.contains("AMX-OLD") && log[0].detail.contains("retur ke PBF besok"),
        "{}",
        log[0].detail
    );
}

#[test]
fn selling_beyond_stock_is_refused_unless_a_supervisor_approves_or_the_shop_allows_it() {
    let (_dir, db) = demo_shop();
    assert_eq!(on_hand(&db, "GLA-GK1"), "100");
    let sales = json(&db, &["sales", "list"]);
    let err = refused(&db, &["sale", "cash:5.000.000", "GLA-GK1*150"]);
    assert!(err.contains("stok hanya 100 pcs"), "{err}");
    let err = refused(
        &db,
        &["--lang", "en", "sale", "cash:5.000.000", "GLA-GK1*150"],
    );
    assert!(err.contains("only 100 pcs in stock"), "{err}");
    // Weighed goods say their unit too.
    let err = refused(&db, &["sale", "cash:5.000.000", "BRS-CRM*120,5"]);
    assert!(err.contains("stok hanya 115 kg"), "{err}");
    // A cashier cannot approve; a wrong PIN approves nothing.
    let err = refused(
        &db,
        &[
            "sale",
            "cash:5.000.000",
            "GLA-GK1*150",
            "--supervisor",
            "siti",
            "--supervisor-pin",
            "1111",
        ],
    );
    assert!(err.contains("tidak berwenang"), "{err}");
    refused(
        &db,
        &[
            "sale",
            "cash:5.000.000",
            "GLA-GK1*150",
            "--supervisor",
            "ahmad",
            "--supervisor-pin",
            "0000",
        ],
    );
    assert_eq!(on_hand(&db, "GLA-GK1"), "100");
    assert_eq!(json(&db, &["sales", "list"]), sales);
    assert!(audit(&db, "oversell").is_empty());

    let v = json(
        &db,
        &[
            "sale",
            "cash:5.000.000",
            "GLA-GK1*150",
            "IDM-GRG*2",
            "--supervisor",
            "ahmad",
            "--supervisor-pin",
            "4444",
        ],
    );
    assert_eq!(on_hand(&db, "GLA-GK1"), "-50");
    let log = audit(&db, "oversell");
    assert_eq!(log.len(), 1, "only the line beyond stock is approved");
    assert_eq!(log[0].approver.as_deref(), Some("ahmad"));
    let number = v["sale"]["number"].as_str().unwrap();
    assert!(
        log[0].detail.starts_with(number) && log[0].detail.contains("GLA-GK1 150 > 100 pcs"),
        "{}",
        log[0].detail
    );

    // A shop that wants negative stock says so once.
    shop(&db)
        .set_setting(
            &kasir::domain::user::Actor::back_office(),
            "stock.allow_negative",
            "true",
        )
        .unwrap();
    ok(&db, &["sale", "cash:500.000", "GLA-GK1*10"]);
    assert_eq!(on_hand(&db, "GLA-GK1"), "-60");
    assert_eq!(audit(&db, "oversell").len(), 1);
}
