//! The real binary: `print receipt|test|z|queue|retry`, `drawer open`, `devices list|scale`,
//! and a sale of a label-scale code.

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
