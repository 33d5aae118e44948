//! Every bad input gets a clear one-line message in the user's language and changes nothing.

mod common;
use common::*;

fn assert_unchanged(
    db: &std::path::Path,
    before: &(serde_json::Value, serde_json::Value, serde_json::Value),
) {
    assert_eq!(&snapshot(db), before, "a refusal changed the data");
}

#[test]
fn bad_sales_are_refused_in_both_languages_and_change_nothing() {
    let (_dir, db) = demo_shop();
    ok(&db, &["sale", "cash:5000", "8991234567891"]);
    let before = snapshot(&db);
    let cases: &[(&[&str], &str, &str)] = &[
        (
            &["sale", "cash:5000", "8991234567884"],
            "tidak dikenal",
            "Unknown code",
        ),
        (
            &["sale", "cash:5000", "8991234567892"],
            "digit cek",
            "check digit",
        ),
        (
            &["sale", "cash:5000", "8991234567891*0"],
            "lebih dari 0",
            "above 0",
        ),
        (
            &["sale", "cash:5000", "8991234567891*-2"],
            "lebih dari 0",
            "above 0",
        ),
        (
            &["sale", "cash:99999999", "8991234567891*100000"],
            "terlalu besar",
            "too large",
        ),
        (
            &["sale", "cash:5000", "8991234567891*1.5"],
            "bilangan bulat",
            "whole number",
        ),
        (
            &["sale", "cash:3000", "8991234567891"],
            "Uang kurang",
            "Not enough cash",
        ),
        (
            &["sale", "kasbon:3500", "8991234567891"],
            "hanya untuk anggota",
            "members only",
        ),
        (
            &["sale", "--member", "A0001", "kasbon:2000000", "BRS-PW5*5"],
            "melebihi sisa limit",
            "above the member's remaining limit",
        ),
        (
            &["sale", "--member", "Z9999", "cash:5000", "8991234567891"],
            "tidak ditemukan",
            "not found",
        ),
        (
            &[
                "sale",
                "--user",
                "siti",
                "--pin",
                "0000",
                "cash:5000",
                "8991234567891",
            ],
            "PIN salah",
            "Wrong PIN",
        ),
        (
            &["sale", "bitcoin:5000", "8991234567891"],
            "tidak dikenal",
            "Unknown",
        ),
        (
            &["sale", "cash:5000", "\u{1b}[31m899"],
            "tidak terbaca",
            "Unreadable",
        ),
    ];
    for (args, id, en) in cases {
        let msg = refused(&db, args);
        assert!(msg.contains(id), "id message for {args:?}: {msg}");
        let mut with_en = vec!["--lang", "en"];
        with_en.extend_from_slice(args);
        let msg = refused(&db, &with_en);
        assert!(msg.contains(en), "en message for {args:?}: {msg}");
        assert_unchanged(&db, &before);
    }
}

#[test]
fn wrong_pins_lock_the_user_out() {
    let (_dir, db) = demo_shop();
    for left in (1..=4).rev() {
        let msg = refused(
            &db,
            &[
                "--lang",
                "en",
                "sale",
                "--user",
                "siti",
                "--pin",
                "0000",
                "cash:5000",
                "8991234567891",
            ],
        );
        assert!(msg.contains(&format!("Attempts left: {left}")), "{msg}");
    }
    let msg = refused(
        &db,
        &[
            "--lang",
            "en",
            "sale",
            "--user",
            "siti",
            "--pin",
            "0000",
            "cash:5000",
            "8991234567891",
        ],
    );
    assert!(msg.contains("Too many wrong PINs"), "{msg}");
    // Even the right PIN waits out the lockout.
    let msg = refused(
        &db,
        &[
            "--lang",
            "en",
            "sale",
            "--user",
            "siti",
            "--pin",
            "1111",
            "cash:5000",
            "8991234567891",
        ],
    );
    assert!(msg.contains("Try again in"), "{msg}");
}

#[test]
fn a_bad_csv_row_imports_nothing_and_names_its_line() {
    let (dir, db) = demo_shop();
    let before = snapshot(&db);
    let cat_before = dir.path().join("before.csv");
    ok(&db, &["catalog", "export", cat_before.to_str().unwrap()]);
    let csv = dir.path().join("new.csv");
    std::fs::write(
        &csv,
        "sku,name,business_unit,base_unit,tax_class,drug_class,batch_tracked,weighed,unit,factor,barcodes,price_umum,price_anggota,price_grosir,grosir_min_qty,cost,min_stock,nie,het\n\
         NEW-1,Kerupuk Udang 250 g,sembako,pcs,ppn,none,0,0,pcs,1,8990000000013,12000,11500,,,9000,10,,\n\
         NEW-2,Keripik Singkong,sembako,pcs,ppn,none,0,0,pcs,1,8990000000020,9000,8800,,,7000,10,,\n\
         NEW-3,Rempeyek Kacang,sembako,pcs,ppn,none,0,0,pcs,1,8990000000037,abc,8800,,,7000,10,,\n",
    )
    .unwrap();
    let msg = refused(&db, &["catalog", "import", csv.to_str().unwrap()]);
    assert!(
        msg.contains("Baris 4") && msg.contains("price_umum"),
        "{msg}"
    );
    let msg = refused(
        &db,
        &["--lang", "en", "catalog", "import", csv.to_str().unwrap()],
    );
    assert!(
        msg.contains("Line 4") && msg.contains("nothing was imported"),
        "{msg}"
    );
    let cat_after = dir.path().join("after.csv");
    ok(&db, &["catalog", "export", cat_after.to_str().unwrap()]);
    assert_eq!(
        std::fs::read(&cat_before).unwrap(),
        std::fs::read(&cat_after).unwrap()
    );
    refused(&db, &["sale", "cash:20000", "8990000000013"]);
    assert_unchanged(&db, &before);

    let members = dir.path().join("members.csv");
    std::fs::write(&members, "number,name,phone,nik,kasbon_limit\nB0001,Joko,081234567890,,100000\nB0002,Tini,12,,100000\n").unwrap();
    let msg = refused(
        &db,
        &[
            "--lang",
            "en",
            "members",
            "import",
            members.to_str().unwrap(),
        ],
    );
    assert!(msg.contains("Line 3") && msg.contains("phone"), "{msg}");
    refused(&db, &["members", "show", "B0001"]);
}

#[test]
fn a_directory_or_a_foreign_file_is_not_opened_as_a_shop() {
    let dir = tempfile::tempdir().unwrap();
    let msg = refused(dir.path(), &["--lang", "en", "sales", "list"]);
    assert!(msg.contains("is a folder"), "{msg}");
    let notes = dir.path().join("notes.db");
    std::fs::write(&notes, b"catatan belanja, bukan database").unwrap();
    let msg = refused(&notes, &["sales", "list"]);
    assert!(msg.contains("bukan database kasir"), "{msg}");
    assert_eq!(
        std::fs::read(&notes).unwrap(),
        b"catatan belanja, bukan database"
    );
    let missing = dir.path().join("none.db");
    let msg = refused(&missing, &["--lang", "en", "stock"]);
    assert!(msg.contains("kasir init"), "{msg}");
    assert!(!missing.exists());
    let db = dir.path().join("shop.db");
    ok(&db, &["init"]);
    let msg = refused(&db, &["--lang", "en", "demo"]);
    assert!(msg.contains("already exists"), "{msg}");
}

#[test]
fn output_into_a_closed_pipe_ends_quietly_without_a_panic() {
    let (_dir, db) = demo_shop();
    for args in [&["stock"][..], &["--json", "stock"]] {
        let mut child = std::process::Command::new(bin())
            .arg("--db")
            .arg(&db)
            .args(args)
            .env("KASIR_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before anything is printed, as `| head -0` would.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(141), "{args:?}: {err}");
    }
}

/// Refusals and reports read as English in English and as Indonesian in Indonesian.
#[test]
fn english_is_english_and_indonesian_is_indonesian() {
    let (dir, db) = demo_shop();
    // A permission refusal names the role and the action in the reader's language.
    let args = ["day", "close", "--user", "siti", "--pin", "1111"];
    let en = refused(&db, &[&["--lang", "en"][..], &args].concat());
    assert_eq!(en, "kasir: Role cashier is not allowed to close the day");
    let id = refused(&db, &args);
    assert_eq!(id, "kasir: Peran kasir tidak berwenang untuk tutup hari");

    // A missing file is named.
    let missing = dir.path().join("katalog-baru.csv");
    let missing_s = missing.to_str().unwrap();
    let en = refused(&db, &["--lang", "en", "catalog", "import", missing_s]);
    assert_eq!(en, format!("kasir: File {missing_s} not found"));
    let id = refused(&db, &["catalog", "import", missing_s]);
    assert_eq!(id, format!("kasir: Berkas {missing_s} tidak ada"));

    // --json: the refusal is also a JSON document on stdout.
    let out = kasir(
        &db,
        &["--json", "--lang", "en", "catalog", "import", missing_s],
    );
    assert!(!out.status.success());
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(doc["error"]["code"], "invalid");
    assert_eq!(
        doc["error"]["message"],
        format!("File {missing_s} not found").as_str()
    );
    let out = kasir(&db, &["--json", "sale", "cash:5000", "8991234567884"]);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(doc["error"]["code"], "unknown_code");
    assert!(
        String::from_utf8_lossy(&out.stderr).starts_with("kasir: "),
        "the line on stderr stays"
    );

    // One sale: "1 sale", with column headers.
    ok(&db, &["sale", "cash:5000", "8991234567891"]);
    let en = ok(&db, &["--lang", "en", "sales", "list"]);
    assert!(en.starts_with("Sale "), "{en}");
    assert!(en.contains("Total  Member"), "{en}");
    assert!(en.contains("\n1 sale, total: Rp3.500"), "{en}");
    let id = ok(&db, &["sales", "list"]);
    assert!(id.starts_with("No. transaksi "), "{id}");
    assert!(id.contains("\n1 transaksi, total: Rp3.500"), "{id}");
    // Thousands with dots in English counts too.
    let en = ok(
        &db,
        &[
            "--lang",
            "en",
            "catalog",
            "export",
            dir.path().join("k.csv").to_str().unwrap(),
        ],
    );
    assert!(en.starts_with("3") && en.contains(" products → "), "{en}");

    // The day closed: a sale afterwards says so, not "no open shift".
    ok(
        &db,
        &[
            "shift", "close", "--count", "100000*2", "5000*1", "--reason", "tes",
        ],
    );
    ok(&db, &["day", "close", "--user", "ahmad", "--pin", "4444"]);
    let en = refused(&db, &["--lang", "en", "sale", "cash:5000", "8991234567891"]);
    assert!(en.contains("has been closed by the treasurer"), "{en}");
    assert!(!en.contains("No open shift"), "{en}");
    let id = refused(&db, &["sale", "cash:5000", "8991234567891"]);
    assert!(id.contains("sudah ditutup bendahara"), "{id}");

    // The books in English: the default chart and kasir's memos; headers; "1 journal".
    let en = ok(&db, &["--lang", "en", "day", "status"]);
    assert!(en.contains("— Day close "), "{en}");
    assert!(en.contains("Cash — Grocery"), "{en}");
    assert!(en.contains("Account  Name"), "{en}");
    assert!(
        !en.contains("Tutup hari") && !en.contains("Kas Gerai"),
        "{en}"
    );
    let id = ok(&db, &["day", "status"]);
    assert!(
        id.contains("— Tutup hari ") && id.contains("Kas Gerai Sembako"),
        "{id}"
    );
    let en = ok(&db, &["--lang", "en", "accounts", "list"]);
    assert!(en.starts_with("Code "), "{en}");
    assert!(en.contains("Cash over/short"), "{en}");
}
