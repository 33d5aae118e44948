//! The real binary: `print receipt|test|z|queue|retry`, `drawer open`, `devices list|scale`,
//! and a sale of a label-scale code.

use crate::common;

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

/// The lines of a decoded receipt, without the copy banner.
fn without_copy_mark(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.contains("SALINAN") && !l.contains("COPY"))
        .map(str::to_string)
        .collect()
}

#[test]
fn a_reprint_is_the_original_after_the_shop_and_the_members_kasbon_change() {
    let (dir, db) = demo_shop();
    let orig = dir.path().join("asli.bin");
    ok(
        &db,
        &[
            "settings",
            "set",
            "printer.uri",
            &format!("file:{}", orig.display()),
        ],
    );
    // A member's sale on kasbon, before the coop is PKP: no drawer kick, only the receipt.
    let no = sale_number(
        &db,
        &["--member", "A0001", "kasbon:4500", "8991502003465*3"],
    );
    ok(&db, &["print", "retry"]);
    let original = std::fs::read(&orig).unwrap();
    let original_text = kasir_receipts::decode_text(&original);
    assert!(original_text.contains(&no), "{original_text}");
    assert!(
        original_text.contains("Sisa limit kasbon"),
        "{original_text}"
    );
    assert!(
        !original_text.contains("PPN"),
        "not PKP yet: {original_text}"
    );

    // The shop changes: PKP with an NPWP, another name and footer, 80 mm paper; and the
    // member's kasbon moves with another sale.
    for (k, v) in [
        ("tax.pkp", "true"),
        ("shop.npwp", "01.234.567.8-901.000"),
        ("shop.name", "Koperasi Lain"),
        ("receipt.footer", "Kaki struk baru"),
        ("printer.paper", "80"),
        ("printer.uri", "sim"),
    ] {
        ok(&db, &["settings", "set", k, v]);
    }
    sale_number(
        &db,
        &["--member", "A0001", "kasbon:6800", "8991234567891*2"],
    );

    let copy = dir.path().join("salinan.bin");
    ok(
        &db,
        &[
            "print",
            "receipt",
            &no,
            "--printer",
            &format!("file:{}", copy.display()),
        ],
    );
    let copy_bytes = std::fs::read(&copy).unwrap();
    let copy_text = kasir_receipts::decode_text(&copy_bytes);
    assert!(copy_text.contains("SALINAN"), "{copy_text}");
    assert_eq!(
        without_copy_mark(&copy_text),
        without_copy_mark(&original_text)
    );
    // Byte for byte: the copy is the original with the banner's bytes added, nothing else.
    let banner = copy_bytes.len() - original.len();
    assert!(banner < 64, "{banner} bytes more than the original");
    let start = copy_bytes
        .iter()
        .zip(&original)
        .position(|(a, b)| a != b)
        .unwrap();
    assert_eq!(&copy_bytes[..start], &original[..start]);
    assert_eq!(&copy_bytes[start + banner..], &original[start..]);
    // `sales show` shows the same document.
    let shown = json(&db, &["sales", "show", &no])["receipt"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        shown.contains("Sisa limit kasbon:     Rp995.500"),
        "{shown}"
    );
    assert!(
        !shown.contains("Koperasi Lain") && !shown.contains("PPN"),
        "{shown}"
    );
}

#[test]
fn a_pkp_receipt_states_whole_rupiah_ppn_the_dpp_the_npwp_and_marks_its_lines() {
    let (dir, db) = demo_shop();
    for (k, v) in [("tax.pkp", "true"), ("shop.npwp", "01.234.567.8-901.000")] {
        ok(&db, &["settings", "set", k, v]);
    }
    let file = dir.path().join("struk.bin");
    let uri = format!("file:{}", file.display());
    // Three sachets at Rp1.500 (PPN) and a sack of rice (exempt): T = 4.500, PPN ⌊499,5⌋.
    let sale = json(
        &db,
        &[
            "sale",
            "--pay",
            "qris:67000",
            "8991502003465*3",
            "8991993003616",
        ],
    );
    assert_eq!(sale["sale"]["ppn"], "445");
    let no = sale["sale"]["number"].as_str().unwrap().to_string();
    ok(&db, &["print", "retry"]);
    ok(&db, &["print", "receipt", &no, "--printer", &uri]);
    let text = kasir_receipts::decode_text(&std::fs::read(&file).unwrap());
    for want in [
        "NPWP: 01.234.567.8-901.000",
        "Termasuk PPN",
        "Rp445\n",
        "DPP",
        "Rp4.055",
        "Rp4.500 P",
        "Rp62.500 B",
        "P = kena PPN, B = bebas PPN",
    ] {
        assert!(text.contains(want), "{want:?} missing from:\n{text}");
    }
    assert!(!text.contains("Rp445,"), "PPN without sen: {text}");
    // The X report of the shift states the PPN of its sales.
    let x = dir.path().join("x.bin");
    ok(
        &db,
        &["print", "z", "--printer", &format!("file:{}", x.display())],
    );
    let text = kasir_receipts::decode_text(&std::fs::read(&x).unwrap());
    assert!(
        text.lines()
            .any(|l| l.contains("Termasuk PPN") && l.ends_with("Rp445")),
        "{text}"
    );
}

fn price_label(plu: u32, rupiah: u32) -> String {
    kasir::domain::label::make_label("21IIIIIPPPPP", plu, rupiah).unwrap()
}

#[test]
fn a_label_code_sells_its_weight_and_the_receipt_line_shows_it() {
    let (_dir, db) = demo_shop();
    // Beras Medium Curah, item code 101, 1 250 g on the label scale; Rp13.000/kg.
    let code = kasir::domain::label::make_label("20IIIIIWWWWW", 101, 1250).unwrap();
    let out = ok(&db, &["sale", "--pay", "cash:20000", &code]);
    assert!(out.contains("Beras Medium Curah"), "{out}");
    assert!(out.contains("1,250 kg x Rp13.000"), "{out}");
    assert!(out.contains("Rp16.250"), "{out}");
    // A price label: Rp10.000 of bawang merah at Rp40.000/kg is 0,250 kg.
    let price = kasir::domain::label::make_label("21IIIIIPPPPP", 105, 10_000).unwrap();
    let out = ok(
        &db,
        &["--lang", "en", "sale", "--pay", "cash:10000", &price],
    );
    assert!(out.contains("0,250 kg x Rp40.000"), "{out}");
    assert!(out.contains("Rp10.000"), "{out}");

    // A Rp18.500 label of bawang merah rings up Rp18.500, the price the customer holds,
    // for 0,463 kg: 18 500 ÷ 40 000 = 0,4625 kg, rounded up to the gram.
    assert_eq!(price_label(105, 18_500), "2100105185003");
    let out = ok(&db, &["sale", "--pay", "cash:20000", "2100105185003"]);
    assert!(out.contains("0,463 kg x Rp40.000"), "{out}");
    let line = out
        .lines()
        .find(|l| l.contains("0,463 kg"))
        .unwrap_or_default();
    assert!(
        line.contains("Rp18.500"),
        "the line shows the printed price: {out}"
    );
    let total = out
        .lines()
        .find(|l| l.to_uppercase().contains("TOTAL"))
        .unwrap_or_default();
    assert!(
        total.contains("Rp18.500"),
        "the total is the printed price: {out}"
    );
    assert!(out.contains("Rp1.500"), "change from Rp20.000: {out}");
    // A member pays the label's price too (the anggota price is Rp39.000/kg).
    let out = ok(
        &db,
        &[
            "sale",
            "--member",
            "A0001",
            "--pay",
            "cash:20000",
            "2100105185003",
        ],
    );
    let line = out
        .lines()
        .find(|l| l.contains("0,463 kg"))
        .unwrap_or_default();
    assert!(line.contains("Rp18.500"), "a member pays the label: {out}");

    let sales = json(&db, &["sales", "list"]);
    // Unknown item code, zero weight and a bad check digit change nothing.
    let unknown = kasir::domain::label::make_label("20IIIIIWWWWW", 999, 1250).unwrap();
    let err = refused(
        &db,
        &["--lang", "en", "sale", "--pay", "cash:20000", &unknown],
    );
    assert!(err.contains("item code 999"), "{err}");
    let zero = kasir::domain::label::make_label("20IIIIIWWWWW", 101, 0).unwrap();
    let err = refused(&db, &["sale", "--pay", "cash:20000", &zero]);
    assert!(err.contains("beratnya nol"), "{err}");
    let mut bad = code.clone();
    let last = bad.pop().unwrap();
    bad.push(if last == '9' { '0' } else { '9' });
    let err = refused(&db, &["--lang", "en", "sale", "--pay", "cash:20000", &bad]);
    assert!(err.contains("check digit"), "{err}");
    assert_eq!(
        json(&db, &["sales", "list"]),
        sales,
        "refused sales store nothing"
    );
}

/// A pty pair whose master plays a scale: `reply` answers what the reader sends (Toledo) or
/// `stream` is written every 20 ms (CAS), until the returned flag is set.
fn fake_scale(
    stream: Option<&'static [u8]>,
    reply: Option<&'static [u8]>,
) -> Option<(
    String,
    std::sync::Arc<std::sync::atomic::AtomicBool>,
    std::thread::JoinHandle<()>,
    serialport::TTYPort,
)> {
    use std::io::{Read, Write};
    use std::sync::atomic::{AtomicBool, Ordering};
    let (mut master, slave) = match serialport::TTYPort::pair() {
        Ok(p) => p,
        Err(e) => {
            if std::env::var("KASIR_CI").as_deref() == Ok("1") {
                panic!("no pseudo-terminal under KASIR_CI=1: {e}");
            }
            eprintln!("SKIP: no pseudo-terminal available ({e})");
            return None;
        }
    };
    let path = serialport::SerialPort::name(&slave).expect("pty name");
    let stop = std::sync::Arc::new(AtomicBool::new(false));
    let flag = std::sync::Arc::clone(&stop);
    serialport::SerialPort::set_timeout(&mut master, std::time::Duration::from_millis(20)).unwrap();
    let t = std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        while !flag.load(Ordering::SeqCst) {
            if let Some(line) = stream {
                let _ = master.write_all(line);
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            if let Some(answer) = reply {
                if let Ok(n) = master.read(&mut buf) {
                    for _ in buf[..n].iter().filter(|b| **b == b'W') {
                        let _ = master.write_all(answer);
                    }
                }
            }
        }
    });
    Some((path, stop, t, slave))
}

#[test]
fn devices_scale_prints_one_stable_reading_or_why_not() {
    let db = std::path::Path::new("/nonexistent/kasir-scale-test.db");
    let Some((pts, stop, t, _slave)) =
        fake_scale(Some(b"US,GS,+  1.240kg\r\nST,GS,+  1.250kg\r\n"), None)
    else {
        return;
    };
    let out = ok(db, &["devices", "scale", "--port", &pts]);
    assert_eq!(out.trim(), "1,250 kg");
    let out = ok(db, &["--lang", "en", "devices", "scale", "--port", &pts]);
    assert_eq!(out.trim(), "1.250 kg");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    t.join().unwrap();

    // Toledo 8217: STX weight CR in answer to W.
    let Some((pts, stop, t, _slave)) = fake_scale(None, Some(b"\x02002.005N\r")) else {
        return;
    };
    let args = ["devices", "scale", "--port", &pts, "--protocol", "toledo"];
    assert_eq!(ok(db, &args).trim(), "2,005 kg (neto)");
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    t.join().unwrap();

    // Overloaded, always moving, silent: each says why, exit non-zero.
    for (reply, why) in [
        (&b"\x02?B\r"[..], "overloaded"),
        (&b"\x02?A\r"[..], "did not settle"),
        (&b""[..], "No reading"),
    ] {
        let Some((pts, stop, t, _slave)) = fake_scale(None, Some(reply)) else {
            return;
        };
        let err = refused(
            db,
            &[
                "--lang",
                "en",
                "devices",
                "scale",
                "--port",
                &pts,
                "--protocol",
                "toledo",
                "--timeout",
                "1",
            ],
        );
        assert!(err.contains(why), "{why}: {err}");
        stop.store(true, std::sync::atomic::Ordering::SeqCst);
        t.join().unwrap();
    }
    let err = refused(
        db,
        &[
            "--lang",
            "en",
            "devices",
            "scale",
            "--port",
            "/dev/ttyKASIR_NO_SCALE",
        ],
    );
    assert!(
        err.contains("Cannot open port /dev/ttyKASIR_NO_SCALE"),
        "{err}"
    );
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
    // The shop prints in English: the paper and the preview of a sale made then say the
    // same (a copy shows the receipt as it was printed, in its language).
    set(&db, "ui.lang", "en");
    ok(
        &db,
        &["sale", "--pay", "qris:7000:QR124", "8991234567891*2"],
    );
    let no = json(&db, &["sales", "list"])["sales"][1]["number"]
        .as_str()
        .unwrap()
        .to_string();
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
    // Turned on, the next sale's receipt carries its number; a copy of the earlier one
    // stays as it was printed.
    set(&db, "receipt.qr", "true");
    let bytes = print_to_file(&db, dir.path(), &no);
    assert!(kasir_receipts::decode_qr(&bytes).is_empty());
    let next = sale_number(&db, &["--pay", "cash:10000", "8991234567891*2"]);
    let bytes = print_to_file(&db, dir.path(), &next);
    assert_eq!(kasir_receipts::decode_qr(&bytes), vec![next.clone()]);
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
