//! The real binary: `print receipt|test|z|queue|retry`, `drawer open`, `devices list`.

mod common;

use common::{demo_shop, json, kasir, ok, refused};

fn sale_number(db: &std::path::Path, args: &[&str]) -> String {
    let mut all = vec!["sale"];
    all.extend_from_slice(args);
    json(db, &all)["sale"]["number"]
        .as_str()
        .expect("sale number")
        .to_string()
}

#[test]
fn print_receipt_writes_a_decodable_marked_copy_to_a_file_printer() {
    let (dir, db) = demo_shop();
    let no = sale_number(&db, &["--pay", "cash:10000", "8991234567891*2"]);
    // The sale queued its receipt and a drawer kick for the shop's printer.
    let queue = json(&db, &["print", "queue"]);
    let kinds: Vec<&str> = queue["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, vec!["drawer", "receipt"]);

    let file = dir.path().join("struk.bin");
    let uri = format!("file:{}", file.display());
    let out = ok(&db, &["print", "receipt", &no, "--printer", &uri]);
    assert!(out.contains(&no) || out.contains("job"), "{out}");
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with(&[0x1B, 0x40]), "starts with ESC @");
    assert!(
        bytes.windows(4).any(|w| w == [0x1D, 0x56, 0x42, 0x00]),
        "cut"
    );
    assert!(
        !bytes.windows(3).any(|w| w == [0x1B, 0x70, 0x00]),
        "a reprint does not open the drawer"
    );
    assert!(bytes.len() < 1024, "{} bytes", bytes.len());
    let text = kasir_receipts::decode_text(&bytes);
    assert!(text.contains("SALINAN"), "{text}");
    assert!(text.contains(&no), "{text}");
    assert!(text.contains("Indomie Goreng 85 g"), "{text}");
    assert!(text.contains("Rp7.000"), "{text}");

    let queue = json(&db, &["print", "queue"]);
    let reprint = queue["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["kind"] == "reprint")
        .expect("reprint job");
    assert_eq!(reprint["status"], "done");
    assert_eq!(reprint["printer"], uri.as_str());
    assert_eq!(reprint["reference"], no.as_str());

    // Unknown sale: refused, nothing printed, nothing queued.
    let before = json(&db, &["print", "queue"])["jobs"]
        .as_array()
        .unwrap()
        .len();
    let err = refused(
        &db,
        &[
            "--lang",
            "en",
            "print",
            "receipt",
            "cli-20200101-0001",
            "--printer",
            &uri,
        ],
    );
    assert!(err.contains("not found"), "{err}");
    assert_eq!(std::fs::read(&file).unwrap().len(), bytes.len());
    let after = json(&db, &["print", "queue"])["jobs"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(before, after);
}

#[test]
fn test_page_z_report_drawer_and_devices() {
    let (dir, db) = demo_shop();
    sale_number(&db, &["--pay", "cash:10000", "8991234567891*2"]);
    let page = dir.path().join("test.bin");
    ok(
        &db,
        &[
            "print",
            "test",
            "--printer",
            &format!("file:{}", page.display()),
        ],
    );
    let text = kasir_receipts::decode_text(&std::fs::read(&page).unwrap());
    assert!(text.contains("1234567890"), "ruler: {text}");

    let z = dir.path().join("z.bin");
    let v = json(
        &db,
        &["print", "z", "--printer", &format!("file:{}", z.display())],
    );
    assert_eq!(v["printed"], true);
    let text = kasir_receipts::decode_text(&std::fs::read(&z).unwrap());
    assert!(text.contains("Modal awal"), "{text}");
    assert!(text.contains("Rp200.000"), "float: {text}");
    assert!(text.contains("Rp7.000"), "sales: {text}");
    assert!(text.contains("Rp207.000"), "cash expected: {text}");

    // A cashier may not open the drawer; a pharmacist (supervisor) may, and it is audited.
    let drawer = dir.path().join("drawer.bin");
    let duri = format!("file:{}", drawer.display());
    let err = refused(
        &db,
        &[
            "--lang",
            "en",
            "drawer",
            "open",
            "--printer",
            &duri,
            "--user",
            "siti",
            "--pin",
            "1111",
        ],
    );
    assert!(err.contains("not allowed"), "{err}");
    assert!(!drawer.exists());
    ok(
        &db,
        &[
            "drawer",
            "open",
            "--printer",
            &duri,
            "--user",
            "rina",
            "--pin",
            "3333",
        ],
    );
    assert_eq!(
        std::fs::read(&drawer).unwrap(),
        vec![0x1B, 0x70, 0x00, 0x19, 0xFA]
    );
    ok(&db, &["check"]);

    let devices = json(&db, &["devices", "list"]);
    assert!(devices["devices"].is_array(), "{devices}");
}

#[test]
fn an_unreachable_printer_fails_clearly_and_keeps_the_receipt_queued() {
    let (_dir, db) = demo_shop();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let uri = format!("tcp:127.0.0.1:{port}");
    let no = sale_number(&db, &["--pay", "qris:3500", "8991234567891"]);
    let err = refused(
        &db,
        &["--lang", "en", "print", "receipt", &no, "--printer", &uri],
    );
    assert!(
        err.contains("Printer offline") && err.contains("waits in the queue"),
        "{err}"
    );
    let err = refused(&db, &["print", "receipt", &no, "--printer", &uri]);
    assert!(err.contains("Printer offline"), "{err}");
    let jobs = json(&db, &["print", "queue"])["jobs"].clone();
    let reprint = jobs
        .as_array()
        .unwrap()
        .iter()
        .filter(|j| j["kind"] == "reprint")
        .collect::<Vec<_>>();
    assert_eq!(reprint.len(), 2, "{jobs}");
    assert!(reprint.iter().all(|j| j["status"] == "queued"));
    // The sale is untouched.
    let sale = json(&db, &["sales", "show", &no]);
    assert_eq!(sale["sale"]["payable"], "3500");
    // `print retry` reports the jobs still waiting with a non-zero exit.
    let out = kasir(&db, &["print", "retry", "--printer", &uri]);
    assert!(!out.status.success());
    // A bad printer address is refused before anything is queued.
    let err = refused(&db, &["print", "test", "--printer", "bogus:x"]);
    assert!(err.contains("bogus"), "{err}");
}

/// Set a shop setting as the admin would (through the service, validated and audited).
fn set(db: &std::path::Path, key: &str, value: &str) {
    let mut shop = kasir::service::Shop::new(
        kasir::store::Store::open(db, kasir::store::OpenMode::Existing).unwrap(),
        std::sync::Arc::new(kasir::service::SystemClock),
    );
    shop.set_setting(&kasir::domain::user::Actor::back_office(), key, value)
        .unwrap();
}

fn print_to_file(db: &std::path::Path, dir: &std::path::Path, no: &str) -> Vec<u8> {
    let file = dir.join(format!("{no}.bin"));
    let uri = format!("file:{}", file.display());
    ok(db, &["print", "receipt", no, "--printer", &uri]);
    std::fs::read(&file).unwrap()
}

#[test]
fn paper_and_preview_agree_on_language_and_name_the_cashier() {
    let (dir, db) = demo_shop();
    // A QRIS sale made at the command line without a user: no change line, the back office
    // named in the receipt's language, not "Back office".
    let out = ok(
        &db,
        &[
            "--lang",
            "en",
            "sale",
            "--pay",
            "qris:7000:QR123",
            "8991234567891*2",
        ],
    );
    assert!(out.contains("Kasir: Kantor koperasi"), "{out}");
    assert!(out.contains("Toko Sembako"), "{out}");
    assert!(!out.contains("Kembali"), "no cash given, no change: {out}");
    assert!(out.contains("Jumlah item: 1"), "{out}");
    let no = json(&db, &["sales", "list"])["sales"][0]["number"]
        .as_str()
        .unwrap()
        .to_string();
    // The shop prints in English: the paper and the preview say the same.
    set(&db, "ui.lang", "en");
    let paper = kasir_receipts::decode_text(&print_to_file(&db, dir.path(), &no));
    let preview = ok(&db, &["--lang", "id", "sales", "show", &no]);
    for text in [&paper, &preview] {
        assert!(text.contains("*** COPY ***"), "{text}");
        assert!(!text.contains("SALINAN"), "{text}");
        assert!(
            text.contains("Grocery"),
            "a sembako unit in English: {text}"
        );
        assert!(text.contains("Cashier: Coop office"), "{text}");
    }
    // A sale by a user names that user.
    let out = ok(
        &db,
        &[
            "sale",
            "--user",
            "siti",
            "--pin",
            "1111",
            "--pay",
            "cash:10000",
            "8991234567891",
        ],
    );
    assert!(out.contains("Cashier: Siti Rahmawati"), "{out}");
    assert!(out.contains("Change"), "cash given: {out}");
}

#[test]
fn receipt_qr_code_is_off_by_default_and_carries_the_receipt_number() {
    let (dir, db) = demo_shop();
    let no = sale_number(&db, &["--pay", "cash:10000", "8991234567891*2"]);
    let bytes = print_to_file(&db, dir.path(), &no);
    assert!(kasir_receipts::decode_qr(&bytes).is_empty());
    assert!(
        !bytes.windows(3).any(|w| w == [0x1D, 0x28, 0x6B]),
        "no GS ( k"
    );
    set(&db, "receipt.qr", "true");
    let bytes = print_to_file(&db, dir.path(), &no);
    assert_eq!(kasir_receipts::decode_qr(&bytes), vec![no.clone()]);
}

#[test]
fn a_kasbon_receipt_shows_the_balance_owed_and_a_signature_line() {
    let (_dir, db) = demo_shop();
    let out = ok(
        &db,
        &[
            "sale",
            "--member",
            "A0001",
            "kasbon:6800",
            "8991234567891*2",
        ],
    );
    assert!(out.contains("Total kasbon anggota:"), "{out}");
    assert!(out.contains("Rp6.800"), "{out}");
    assert!(out.contains("Tanda tangan anggota"), "{out}");
    assert!(!out.contains("Kembali"), "{out}");
}
