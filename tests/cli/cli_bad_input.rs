//! Every bad input gets a clear one-line message in the user's language and changes nothing.

use crate::common;
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
            "Jumlah tidak valid",
            "Invalid quantity",
        ),
        (
            &["sale", "cash:99999999", "8991234567891*100000"],
            "terlalu besar",
            "too large",
        ),
        (
            &["sale", "cash:5000", "8991234567891*1,5"],
            "bilangan bulat",
            "whole number",
        ),
        (
            // A dot never marks decimals: 1.5 has no one reading.
            &["sale", "cash:5000", "8991234567891*1.5"],
            "Jumlah tidak valid",
            "Invalid quantity",
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

/// Whether a message shows Rust's debug text (`UnknownDenomination("7000")`, `Some(…)`)
/// rather than words for a person.
fn looks_like_debug(m: &str) -> bool {
    if m.contains("(\"") || m.contains("Some(") || m.contains("None") || m.contains("\\\"") {
        return true;
    }
    let chars: Vec<char> = m.chars().collect();
    chars.iter().enumerate().any(|(i, c)| {
        if *c != '(' && *c != '{' {
            return false;
        }
        let mut j = if *c == '{' && i > 0 && chars[i - 1] == ' ' {
            i - 1
        } else {
            i
        };
        let end = j;
        while j > 0 && chars[j - 1].is_ascii_alphanumeric() {
            j -= 1;
        }
        let word: String = chars[j..end].iter().collect();
        // CamelCase right before a bracket: a variant or struct name.
        word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && word.chars().skip(1).any(|c| c.is_ascii_uppercase())
            && word.chars().any(|c| c.is_ascii_lowercase())
    })
}

/// A refusal in both languages, each a plain sentence; returns (id, en).
fn refused_both(db: &std::path::Path, args: &[&str]) -> (String, String) {
    let id = refused(db, args);
    let mut en_args = vec!["--lang", "en"];
    en_args.extend_from_slice(args);
    let en = refused(db, &en_args);
    for m in [&id, &en] {
        assert!(!looks_like_debug(m), "debug text in {args:?}: {m}");
    }
    (id, en)
}

#[test]
fn the_debug_detector_sees_debug_text() {
    assert!(looks_like_debug(
        "Hitungan kas tidak sah: UnknownDenomination(\"7000\")"
    ));
    assert!(looks_like_debug("cart: QtyNotWhole {"));
    assert!(!looks_like_debug(
        "Nominal \"12,5.00\" tidak terbaca. Tulis seperti: 12500, 12.500 (titik memisahkan ribuan)"
    ));
}

#[test]
fn typed_amounts_have_one_reading_or_are_refused_with_the_accepted_forms() {
    let (_dir, db) = demo_shop();
    let before = snapshot(&db);
    // Each of these was once taken as a few rupiah or a few sen.
    for amount in [
        "cash:12,5.00",
        "cash:5,000.00",
        "cash:12.50",
        "cash:1.25.000",
    ] {
        let (id, en) = refused_both(&db, &["sale", amount, "8991234567891"]);
        assert!(
            id.contains("tidak terbaca") && id.contains("12.500") && id.contains("1.250.000"),
            "{amount}: {id}"
        );
        assert!(
            en.contains("cannot be read") && en.contains("a dot groups thousands"),
            "{amount}: {en}"
        );
    }
    // Cash is whole rupiah: no sen in the change.
    let (id, en) = refused_both(&db, &["sale", "cash:3500,5", "8991234567891"]);
    assert!(id.contains("tanpa sen"), "{id}");
    assert!(en.contains("without sen"), "{en}");
    let (id, _) = refused_both(&db, &["sale", "--pay", "qris:3.500,50", "8991234567891"]);
    assert!(id.contains("tanpa sen"), "{id}");
    assert_unchanged(&db, &before);
    // The Indonesian forms are read as written.
    let v = json(&db, &["sale", "cash:Rp12.500", "8991234567891"]);
    assert_eq!(v["sale"]["change"], "9000");
    let v = json(&db, &["sale", "cash:5.000,00", "8991234567891"]);
    assert_eq!(v["sale"]["change"], "1500");
}

#[test]
fn a_negative_or_odd_float_gets_kasirs_own_message_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["demo"]);
    let (id, en) = refused_both(&db, &["shift", "open", "--float", "-100"]);
    assert!(id.contains("\"-100\" tidak boleh negatif"), "{id}");
    assert!(en.contains("\"-100\" may not be negative"), "{en}");
    assert!(!en.contains("unexpected argument"), "clap's words: {en}");
    let (id, _) = refused_both(&db, &["shift", "open", "--float", "200.00"]);
    assert!(id.contains("12.500"), "{id}");
    // Nothing was opened: a sale still needs a shift.
    refused(&db, &["sale", "cash:5000", "8991234567891"]);
    let v = json(&db, &["shift", "open", "--float", "200.000"]);
    assert_eq!(v["opening_float"], "200000");
    // Any value the command line cannot read is refused in kasir's words, not clap's.
    let (id, en) = refused_both(&db, &["sales", "list", "--date", "2026-13-01"]);
    assert!(
        id.contains("\"2026-13-01\"") && id.contains("TTTT-BB-HH"),
        "{id}"
    );
    assert!(en.contains("not a valid value for --date"), "{en}");
}

#[test]
fn no_refusal_shows_rust_debug_text() {
    let (_dir, db) = demo_shop();
    let before = snapshot(&db);
    // An odd note in a drawer count once came back as UnknownDenomination("7000").
    let (id, en) = refused_both(&db, &["shift", "close", "--count", "7000*1"]);
    assert!(id.contains("7000 bukan pecahan rupiah"), "{id}");
    assert!(en.contains("7000 is not a rupiah note or coin"), "{en}");
    let (id, _) = refused_both(&db, &["shift", "close", "--count", "1000*x"]);
    assert!(id.contains("PECAHAN*JUMLAH"), "{id}");
    for args in [
        &["sale", "cash:5000", "8991234567891*1.5"][..],
        &["sale", "cash:abc", "8991234567891"],
        &["sale", "cash:5000", "8991234567891*0"],
        &["writeoff", "8991234567891", "1.5", "--reason", "rusak"],
        &["shift", "cash-in", "12.50", "--reason", "modal"],
        &["members", "repay", "A0001", "-5000"],
    ] {
        refused_both(&db, args);
    }
    assert_unchanged(&db, &before);
}

#[test]
fn a_missing_import_file_is_named() {
    let (dir, db) = demo_shop();
    let gone = dir.path().join("tidak-ada.csv");
    let gone = gone.to_str().unwrap();
    for args in [
        &["catalog", "import", gone][..],
        &["members", "import", gone],
        &["receive", gone],
    ] {
        let (id, en) = refused_both(&db, args);
        assert!(id.contains(gone) && id.contains("tidak ada"), "{id}");
        assert!(en.contains(gone) && en.contains("not found"), "{en}");
    }
}

#[test]
fn csv_files_are_read_as_spreadsheets_write_them_and_unknown_columns_are_refused() {
    let (dir, db) = demo_shop();
    let path = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    // A misspelt column would have been ignored without a word.
    let cat = path("typo.csv");
    std::fs::write(
        &cat,
        "sku,name,business_unit,base_unit,unit,factor,price_umum,max_persale\n\
         NEW-1,Kerupuk Udang 250 g,sembako,pcs,pcs,1,12000,2\n",
    )
    .unwrap();
    let (id, en) = refused_both(&db, &["catalog", "import", &cat]);
    assert!(
        id.contains("\"max_persale\" tidak dikenal") && id.contains("maksudnya \"max_per_sale\"?"),
        "{id}"
    );
    assert!(en.contains("did you mean \"max_per_sale\"?"), "{en}");
    refused(&db, &["stock", "NEW-1"]);
    let members = path("members_typo.csv");
    std::fs::write(&members, "number,name,kasbon_limt\nB0001,Joko,100000\n").unwrap();
    let (_, en) = refused_both(&db, &["members", "import", &members]);
    assert!(en.contains("did you mean \"kasbon_limit\"?"), "{en}");

    // Indonesian Excel: `;` between cells, a comma before decimals, dots for thousands.
    let semi = path("excel.csv");
    std::fs::write(
        &semi,
        "sku;name;business_unit;base_unit;unit;factor;price_umum;cost\n\
         NEW-2;Keripik Singkong;sembako;pcs;pcs;1;12.500;9.437,50\n",
    )
    .unwrap();
    assert!(ok(&db, &["catalog", "import", &semi]).contains("1 produk"));
    let out = path("out.csv");
    ok(&db, &["catalog", "export", &out]);
    let exported = std::fs::read_to_string(&out).unwrap();
    assert!(
        exported.contains(
            "NEW-2,Keripik Singkong,sembako,pcs,ppn,none,0,0,pcs,1,,12500,12500,,,\"9437,5\","
        ),
        "{exported}"
    );
    // What kasir exports reads back.
    ok(&db, &["catalog", "import", &out]);

    // UTF-16 LE with a BOM (Excel's "Unicode text"), tab-separated.
    let utf16 = path("members16.csv");
    let text = "number\tname\tkasbon_limit\nB0002\tTini Lestari\t250.000\n";
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    std::fs::write(&utf16, bytes).unwrap();
    ok(&db, &["members", "import", &utf16]);
    let m = json(&db, &["members", "show", "B0002"]);
    assert_eq!(
        (m["name"].as_str(), m["kasbon_limit"].as_str()),
        (Some("Tini Lestari"), Some("250000"))
    );

    // UTF-8 with a BOM, and a receiving cost of `2,500` that once became Rp2,50.
    let recv = path("recv.csv");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(b"code,qty,cost\n8991234567891,10,2,500\n");
    std::fs::write(&recv, &bytes).unwrap();
    let stock_before = on_hand(&db, "8991234567891");
    let (id, _) = refused_both(&db, &["receive", &recv]);
    assert!(id.contains("Baris 2") && id.contains("4 sel"), "{id}");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(b"code,qty,cost\n8991234567891,10,\"2,500\"\n");
    std::fs::write(&recv, &bytes).unwrap();
    let (id, _) = refused_both(&db, &["receive", &recv]);
    assert!(id.contains("Baris 2") && id.contains("\"2,500\""), "{id}");
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(b"code,qty,cost\n8991234567891,10,\"2.500\"\n");
    std::fs::write(&recv, &bytes).unwrap();
    assert_eq!(on_hand(&db, "8991234567891"), stock_before);
    let v = json(&db, &["receive", &recv]);
    assert_eq!(v["total"], "25000");

    // Bytes that are neither: refused with the way out.
    let latin1 = path("latin1.csv");
    std::fs::write(&latin1, b"number,name\nB0003,Jos\xe9\n").unwrap();
    let (id, _) = refused_both(&db, &["members", "import", &latin1]);
    assert!(id.contains("CSV UTF-8"), "{id}");
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
    assert_eq!(
        en,
        format!("kasir: File {missing_s} not found — check its name and folder")
    );
    let id = refused(&db, &["catalog", "import", missing_s]);
    assert_eq!(
        id,
        format!("kasir: Berkas {missing_s} tidak ada — periksa nama dan foldernya")
    );

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
        format!("File {missing_s} not found — check its name and folder").as_str()
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
