//! The real binary: `print receipt|test|z|queue|retry`, `drawer open`, `devices list`.

mod common;

use common::{demo_shop, json, kasir, ok, refused};
use rust_decimal::Decimal;

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

#[test]
fn a_cash_return_prints_its_slip_and_opens_the_drawer_of_its_till_and_leaves_the_drawer_count() {
    let (dir, db) = demo_shop();
    let file = dir.path().join("cli-till.bin");
    let uri = format!("file:{}", file.display());
    {
        let mut shop = kasir::service::Shop::new(
            kasir::store::Store::open(&db, kasir::store::OpenMode::Existing).unwrap(),
            std::sync::Arc::new(kasir::service::SystemClock),
        );
        shop.set_setting(
            &kasir::domain::user::Actor::back_office(),
            "till.cli.printer",
            &uri,
        )
        .unwrap();
    }
    let dec = |v: &serde_json::Value| -> Decimal {
        v.as_str()
            .map(str::to_string)
            .unwrap_or_else(|| v.to_string())
            .parse()
            .unwrap()
    };
    let expected = |db: &std::path::Path| {
        let x = json(db, &["report", "x"]);
        let rows = x["report"]["rows"].as_array().unwrap().clone();
        let amount = |label: &str| {
            rows.iter()
                .find(|r| r["label"] == label)
                .map(|r| dec(&r["amount"]))
        };
        (amount("Kas seharusnya").unwrap(), amount("Refund tunai"))
    };
    let no = sale_number(&db, &["--pay", "cash:10000", "8991234567891*2"]);
    let (before, refunds) = expected(&db);
    assert_eq!(refunds, Some(Decimal::ZERO));
    let r = json(&db, &["return", &no, "8991234567891*1"]);
    assert_eq!(dec(&r["refund_cash"]), Decimal::from(3500));
    let (after, refunds) = expected(&db);
    assert_eq!(
        before - after,
        Decimal::from(3500),
        "expected cash falls by the refund"
    );
    assert_eq!(
        refunds,
        Some(Decimal::from(-3500)),
        "the X report lists the cash refund"
    );
    // The return queued a drawer kick and its slip for this till; they print in order.
    ok(&db, &["print", "retry", "--till", "cli"]);
    let bytes = std::fs::read(&file).unwrap();
    let kick = [0x1B, 0x70, 0x00];
    let kicks = bytes.windows(3).filter(|w| *w == kick).count();
    assert_eq!(kicks, 2, "one kick for the sale, one for the cash refund");
    let text = kasir_receipts::decode_text(&bytes);
    assert!(text.contains("RETUR BARANG"), "{text}");
    let slip = &text[text.find("RETUR BARANG").unwrap()..];
    assert!(
        slip.contains("Atas transaksi:") && slip.contains(&no),
        "{text}"
    );
    assert!(text.contains("Uang kembali"), "{text}");
    let last_kick = bytes.windows(3).rposition(|w| w == kick).unwrap();
    let slip_at = text.find("RETUR BARANG").unwrap();
    assert!(
        kasir_receipts::decode_text(&bytes[..last_kick]).len() < slip_at,
        "the refund's kick comes before its slip"
    );
}

#[test]
fn print_receipt_to_a_printer_that_never_answers_status_prints_blind_and_says_so() {
    use std::io::Read;
    let (_dir, db) = demo_shop();
    let no = sale_number(&db, &["--pay", "qris:3500", "8991234567891"]);
    // A network print server: takes the bytes, never answers DLE EOT.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let peer = std::thread::spawn(move || {
        let (mut conn, _) = listener.accept().unwrap();
        conn.set_read_timeout(Some(std::time::Duration::from_secs(5)))
            .unwrap();
        let mut got = Vec::new();
        let _ = conn.read_to_end(&mut got);
        got
    });
    let uri = format!("tcp:127.0.0.1:{port}?status=auto");
    let out = ok(
        &db,
        &["--lang", "en", "print", "receipt", &no, "--printer", &uri],
    );
    assert!(
        out.contains("sent without confirmation (printer status unknown)"),
        "{out}"
    );
    let got = peer.join().unwrap();
    assert!(got.windows(3).any(|w| w == [0x10, 0x04, 0x01]), "asked");
    let text = kasir_receipts::decode_text(&got);
    assert!(text.contains("SALINAN") && text.contains(&no), "{text}");
    let jobs = json(&db, &["print", "queue"])["jobs"].clone();
    let reprint = jobs
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["kind"] == "reprint")
        .unwrap()
        .clone();
    assert_eq!(reprint["status"], "done");
    assert_eq!(reprint["unconfirmed"], true);
    let listing = ok(&db, &["--lang", "en", "print", "queue"]);
    assert!(listing.contains("sent without confirmation"), "{listing}");
}
