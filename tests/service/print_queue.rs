//! The print queue against stand-in printers: a pty pair as a serial printer, TCP listeners
//! as network printers, the simulator running out of paper, a restart, the background
//! worker, and a pty pair as a serial scanner feeding the cart through the service layer.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread;
use std::time::{Duration, Instant};

use chrono::{NaiveDate, NaiveDateTime};
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::user::Actor;
use kasir::i18n::Lang;
use kasir::service::print::{
    open_printer, state_text, Opener, PrintWorker, PrintWorkerConfig, PrinterState,
};
use kasir::service::{Clock, FixedClock, Shop, SystemClock};
use kasir::store::print::{JobKind, JobStatus};
use kasir::store::sales::SaleRecord;
use kasir::store::{OpenMode, Store};
use kasir_hardware::{HardwareError, SimPrinter, SimPrinterHandle, SimState, Transport};
use rust_decimal::Decimal;
use serialport::SerialPort;

const INDOMIE: &str = "8991234567891";

fn t0() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(10, 0, 0))
        .unwrap()
}

/// A demo shop with a shift open on till `cli`, built once and copied for each test.
fn shop_file() -> (tempfile::TempDir, PathBuf) {
    static TEMPLATE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_keep, template) = TEMPLATE.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("template.db");
        let mut shop = Shop::new(
            Store::open(&db, OpenMode::CreateNew).unwrap(),
            Arc::new(FixedClock::new(t0())),
        );
        kasir::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
        shop.open_shift(
            &Actor::back_office(),
            "cli",
            Decimal::from(200_000),
            &Default::default(),
        )
        .unwrap();
        drop(shop);
        (dir, db)
    });
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    std::fs::copy(template, &db).unwrap();
    (dir, db)
}

fn open_shop(db: &Path, clock: Arc<dyn Clock>) -> Shop {
    Shop::new(Store::open(db, OpenMode::Existing).unwrap(), clock)
}

fn sell(shop: &mut Shop, entry: &str, kind: TenderKind, amount: i64) -> SaleRecord {
    sell_on(shop, "cli", entry, kind, amount)
}

fn sell_on(shop: &mut Shop, till: &str, entry: &str, kind: TenderKind, amount: i64) -> SaleRecord {
    let mut cart = Cart::default();
    shop.scan_into(&mut cart, entry).unwrap();
    shop.checkout(
        &Actor::back_office(),
        till,
        &cart,
        &[Tender {
            kind,
            amount: Decimal::from(amount),
            reference: None,
        }],
    )
    .unwrap()
}

fn set_till_printer(shop: &mut Shop, uri: &str) {
    shop.set_setting(&Actor::back_office(), "till.cli.printer", uri)
        .unwrap();
}

fn count(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

fn contains(bytes: &[u8], needle: &[u8]) -> bool {
    bytes.windows(needle.len()).any(|w| w == needle)
}

fn position(bytes: &[u8], needle: &[u8]) -> Option<usize> {
    bytes.windows(needle.len()).position(|w| w == needle)
}

/// Opener for a private simulated printer (the process-wide `sim` is shared by tests).
fn sim_opener(h: &SimPrinterHandle) -> Box<Opener> {
    let h = h.clone();
    Box::new(move |_uri: &str| Ok(Box::new(h.transport()) as Box<dyn Transport>))
}

/// Whether a test needing a pseudo-terminal can run here.
fn pty_pair() -> Option<(serialport::TTYPort, serialport::TTYPort, String)> {
    static LOCK: Mutex<()> = Mutex::new(());
    let _g = LOCK.lock().unwrap_or_else(|p| p.into_inner());
    match serialport::TTYPort::pair() {
        Ok((master, slave)) => {
            let path = slave.name().expect("pty slave has a name");
            Some((master, slave, path))
        }
        Err(e) => {
            if std::env::var("KASIR_CI").as_deref() == Ok("1") {
                panic!("no pseudo-terminal under KASIR_CI=1: {e}");
            }
            eprintln!("SKIP: no pseudo-terminal available ({e})");
            None
        }
    }
}

#[test]
fn pty_serial_printer_prints_a_real_sale_with_drawer_kick() {
    let Some((mut master, _slave, path)) = pty_pair() else {
        return;
    };
    let (_dir, db) = shop_file();
    let clock = Arc::new(FixedClock::new(t0()));
    let mut shop = open_shop(&db, clock);
    let uri = format!("serial:{path}?baud=9600");
    set_till_printer(&mut shop, &uri);
    let sale = sell(&mut shop, &format!("2*{INDOMIE}"), TenderKind::Cash, 10_000);

    // Play an Epson printer on the master side: answer DLE EOT n with "all fine" (0x12).
    let printer = thread::spawn(move || {
        master.set_timeout(Duration::from_millis(20)).unwrap();
        let mut all = Vec::new();
        let mut answered = 0;
        let mut last = Instant::now();
        let mut buf = [0u8; 512];
        while last.elapsed() < Duration::from_millis(1500) {
            if let Ok(n) = master.read(&mut buf) {
                if n > 0 {
                    last = Instant::now();
                    all.extend_from_slice(&buf[..n]);
                    while answered + 3 <= all.len() {
                        if all[answered] == 0x10 && all[answered + 1] == 0x04 {
                            master.write_all(&[0x12]).unwrap();
                            answered += 3;
                        } else {
                            answered += 1;
                        }
                    }
                }
            }
        }
        all
    });
    let out = shop
        .process_queue_once("cli", &uri, &mut open_printer)
        .expect("queue pass");
    let bytes = printer.join().unwrap();

    let jobs = shop.sale_print_jobs(&sale.number).unwrap();
    let kinds: Vec<JobKind> = jobs.iter().map(|j| j.kind).collect();
    assert_eq!(kinds, vec![JobKind::Drawer, JobKind::Receipt]);
    assert_eq!(out.printed, jobs.iter().map(|j| j.id).collect::<Vec<_>>());
    assert!(jobs
        .iter()
        .all(|j| j.status == JobStatus::Done && j.printed_at.is_some()));
    assert_eq!(out.state, Some(PrinterState::Ready));

    let kick = position(&bytes, &[0x1B, 0x70, 0x00, 0x19, 0xFA]).expect("drawer kick sent");
    let init = position(&bytes, &[0x1B, 0x40]).expect("ESC @ init");
    assert!(kick < init, "the drawer opens before the receipt prints");
    assert!(contains(&bytes, &[0x10, 0x04, 0x01]), "status asked first");
    assert!(contains(&bytes, &[0x1B, 0x45, 0x01]), "emphasis on");
    assert!(
        bytes.ends_with(&[0x1D, 0x56, 0x42, 0x00]) || contains(&bytes, &[0x1D, 0x56, 0x42, 0x00]),
        "partial cut"
    );
    let text = kasir_receipts::decode_text(&bytes);
    assert_eq!(count(&text, &sale.number), 1, "{text}");
    assert!(text.contains("Indomie Goreng 85 g"), "{text}");
    assert!(text.contains("2 pcs x Rp3.500"), "{text}");
    assert!(text.contains("Rp7.000"), "{text}");
    assert!(
        text.contains("Rp10.000") && text.contains("Rp3.000"),
        "{text}"
    );
    assert!(!text.contains("SALINAN"), "{text}");
}

#[test]
fn tcp_printer_that_hangs_or_refuses_keeps_the_job_and_the_sale() {
    let (_dir, db) = shop_file();
    let clock = Arc::new(FixedClock::new(t0()));
    let mut shop = open_shop(&db, clock.clone());

    // A printer that accepts the connection and then never reads nor answers.
    let hang = TcpListener::bind("127.0.0.1:0").unwrap();
    // With `status=on` an answer is required: silence is offline and nothing is sent.
    let hang_uri = format!(
        "tcp:127.0.0.1:{}?status=on",
        hang.local_addr().unwrap().port()
    );
    let (release, held) = std::sync::mpsc::channel::<()>();
    let holder = thread::spawn(move || {
        let conn = hang.accept().map(|(s, _)| s);
        let _ = held.recv_timeout(Duration::from_secs(30));
        drop(conn);
    });
    set_till_printer(&mut shop, &hang_uri);
    let sale = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
    let out = shop
        .process_queue_once("cli", &hang_uri, &mut open_printer)
        .unwrap();
    let _ = release.send(());
    holder.join().unwrap();
    assert!(out.printed.is_empty());
    assert_eq!(out.state, Some(PrinterState::Offline));
    assert_eq!(
        state_text(PrinterState::Offline, Lang::Id),
        "Printer offline"
    );
    let job = &shop.sale_print_jobs(&sale.number).unwrap()[0];
    assert_eq!((job.status, job.attempts), (JobStatus::Queued, 1));
    assert!(
        job.last_error.as_deref().unwrap_or("").contains("offline"),
        "{job:?}"
    );
    assert_eq!(job.next_attempt_at, "2026-11-23 10:00:02");
    assert_eq!(
        shop.sale(&sale.number).unwrap().payable,
        Decimal::from(3_500)
    );

    // A printer that refuses the connection.
    let refused_port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let refused_uri = format!("tcp:127.0.0.1:{refused_port}");
    set_till_printer(&mut shop, &refused_uri);
    // The receipt still waiting follows the till to its new printer.
    let first = shop.sale_print_jobs(&sale.number).unwrap()[0].clone();
    assert_eq!(first.printer, refused_uri);
    let sale2 = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
    // Not due yet: the pass does not touch the printer.
    let out = shop
        .process_queue_once("cli", &refused_uri, &mut open_printer)
        .unwrap();
    assert_eq!(
        (out.state, out.next_due.as_deref()),
        (None, Some("2026-11-23 10:00:02"))
    );
    clock.advance(chrono::Duration::seconds(2));
    let out = shop
        .process_queue_once("cli", &refused_uri, &mut open_printer)
        .unwrap();
    assert_eq!(out.state, Some(PrinterState::Offline));
    let failure = out.failed.expect("the job failed");
    assert!(failure.error.contains("refused"), "{failure:?}");
    assert_eq!(failure.job, first.id);
    let job = shop.print_job(first.id).unwrap();
    assert_eq!((job.status, job.attempts), (JobStatus::Queued, 2));
    assert_eq!(job.next_attempt_at, "2026-11-23 10:00:06", "2 s then 4 s");
    // The younger receipt waits behind it, untried.
    let job = &shop.sale_print_jobs(&sale2.number).unwrap()[0];
    assert_eq!((job.status, job.attempts), (JobStatus::Queued, 0));

    // Both sales stay committed, each once; both receipts wait.
    let sales = shop.sales_on(t0().date()).unwrap();
    assert_eq!(sales.len(), 2);
    assert_eq!(shop.pending_jobs().unwrap().len(), 2);
}

/// A simulated printer that runs out of paper at the end of its first printed job.
struct RunsOut {
    inner: SimPrinter,
    tripped: Arc<Mutex<bool>>,
}

impl Transport for RunsOut {
    fn name(&self) -> String {
        self.inner.name()
    }
    fn write_all(&mut self, bytes: &[u8]) -> Result<(), HardwareError> {
        self.inner.write_all(bytes)
    }
    fn read(&mut self, buf: &mut [u8], timeout: Duration) -> Result<usize, HardwareError> {
        self.inner.read(buf, timeout)
    }
    fn flush(&mut self) -> Result<(), HardwareError> {
        let mut tripped = self.tripped.lock().unwrap();
        if !*tripped && self.inner.handle().writes() > 0 {
            *tripped = true;
            self.inner.handle().set_state(SimState::PaperOut);
        }
        self.inner.flush()
    }
    fn two_way(&self) -> bool {
        true
    }
}

#[test]
fn paper_out_mid_queue_is_retried_after_recovery_and_printed_exactly_once() {
    let (_dir, db) = shop_file();
    let clock = Arc::new(FixedClock::new(t0()));
    let mut shop = open_shop(&db, clock.clone());
    let sales: Vec<SaleRecord> = (1..=3)
        .map(|n| {
            sell(
                &mut shop,
                &format!("{n}*{INDOMIE}"),
                TenderKind::Qris,
                3_500 * n,
            )
        })
        .collect();
    let sim = SimPrinterHandle::new();
    let tripped = Arc::new(Mutex::new(false));
    let (h, tr) = (sim.clone(), tripped.clone());
    let mut open = move |_: &str| -> Result<Box<dyn Transport>, HardwareError> {
        Ok(Box::new(RunsOut {
            inner: h.transport(),
            tripped: tr.clone(),
        }))
    };

    let out = shop.process_queue_once("cli", "sim", &mut open).unwrap();
    assert_eq!(out.printed.len(), 1);
    assert_eq!(out.state, Some(PrinterState::PaperOut));
    assert_eq!(state_text(out.state.unwrap(), Lang::Id), "Kertas habis");
    assert_eq!(out.queued, 2);
    assert!(out.failed.unwrap().error.contains("out of paper"));

    // Still out of paper and not due: nothing is sent.
    let writes = sim.writes();
    shop.process_queue_once("cli", "sim", &mut open).unwrap();
    assert_eq!(sim.writes(), writes);

    // New paper; once the backoff has passed, the rest prints in order.
    sim.set_state(SimState::Online);
    clock.advance(chrono::Duration::seconds(2));
    let out = shop.process_queue_once("cli", "sim", &mut open).unwrap();
    assert_eq!(out.printed.len(), 2);
    assert_eq!((out.queued, out.state), (0, Some(PrinterState::Ready)));
    // Nothing left: another pass prints nothing.
    assert!(shop
        .process_queue_once("cli", "sim", &mut open)
        .unwrap()
        .printed
        .is_empty());

    let text = kasir_receipts::decode_text(&sim.output());
    let mut at = Vec::new();
    for s in &sales {
        assert_eq!(count(&text, &s.number), 1, "{} in {text}", s.number);
        at.push(text.find(&s.number).unwrap());
        let jobs = shop.sale_print_jobs(&s.number).unwrap();
        assert_eq!(jobs.len(), 1);
        assert_eq!(jobs[0].status, JobStatus::Done);
    }
    assert!(at.windows(2).all(|w| w[0] < w[1]), "printed in sale order");
    let second = &shop.sale_print_jobs(&sales[1].number).unwrap()[0];
    assert_eq!(second.attempts, 1);
    assert_eq!(second.printed_at.as_deref(), Some("2026-11-23 10:00:02"));
}

#[test]
fn jobs_survive_a_restart_and_an_interrupted_job_prints_once() {
    let (_dir, db) = shop_file();
    let clock: Arc<dyn Clock> = Arc::new(FixedClock::new(t0()));
    let (a, b) = {
        let mut shop = open_shop(&db, clock.clone());
        let a = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
        let b = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
        // The till dies while sending a's receipt: the job is left claimed.
        let id = shop.sale_print_jobs(&a.number).unwrap()[0].id;
        shop.store
            .write(|tx| kasir::store::print::claim(tx, id, "2026-11-23 10:00:00"))
            .unwrap();
        (a, b)
    };
    let mut shop = open_shop(&db, clock.clone());
    let pending = shop.pending_jobs().unwrap();
    assert_eq!(
        pending.iter().map(|j| j.status).collect::<Vec<_>>(),
        vec![JobStatus::Printing, JobStatus::Queued]
    );
    assert_eq!(
        shop.requeue_interrupted(
            kasir::store::print::Scope {
                till: Some("cli"),
                printer: Some("sim")
            },
            chrono::Duration::zero()
        )
        .unwrap(),
        1
    );
    let sim = SimPrinterHandle::new();
    let out = shop
        .process_queue_once("cli", "sim", &mut sim_opener(&sim))
        .unwrap();
    assert_eq!(out.printed.len(), 2);
    drop(shop);

    let shop = open_shop(&db, clock);
    assert!(shop.pending_jobs().unwrap().is_empty());
    let text = kasir_receipts::decode_text(&sim.output());
    assert_eq!(count(&text, &a.number), 1);
    assert_eq!(count(&text, &b.number), 1);
}

#[test]
fn reprint_is_a_marked_audited_copy() {
    let (_dir, db) = shop_file();
    let mut shop = open_shop(&db, Arc::new(FixedClock::new(t0())));
    let sale = sell(&mut shop, INDOMIE, TenderKind::Cash, 5_000);
    let sim = SimPrinterHandle::new();
    shop.process_queue_once("cli", "sim", &mut sim_opener(&sim))
        .unwrap();
    sim.clear();
    let siti = shop.login("siti", "1111").unwrap();
    let job = shop.reprint(&siti, &sale.number, Some("sim")).unwrap();
    assert_eq!(job.kind, JobKind::Reprint);
    let out = shop
        .process_queue_once("cli", "sim", &mut sim_opener(&sim))
        .unwrap();
    assert_eq!(out.printed, vec![job.id]);
    assert_eq!(sim.drawer_kicks(), 0, "a reprint never opens the drawer");
    let text = kasir_receipts::decode_text(&sim.output());
    assert!(text.contains("SALINAN"), "{text}");
    assert_eq!(count(&text, &sale.number), 1);
    let audited: i64 = shop
        .store
        .conn()
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'receipt_reprint' AND actor = 'siti'
             AND detail LIKE ?1",
            [format!("{}%", sale.number)],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(audited, 1);
    // Unknown sale: refused, nothing queued.
    let before = shop.print_queue(100).unwrap().len();
    assert!(shop.reprint(&siti, "cli-20261123-9999", None).is_err());
    assert_eq!(shop.print_queue(100).unwrap().len(), before);
}

#[test]
fn an_unsent_drawer_kick_expires_instead_of_opening_late() {
    let (_dir, db) = shop_file();
    let clock = Arc::new(FixedClock::new(t0()));
    let mut shop = open_shop(&db, clock.clone());
    let sale = sell(&mut shop, INDOMIE, TenderKind::Cash, 5_000);
    let sim = SimPrinterHandle::new();
    sim.set_state(SimState::Offline);
    shop.process_queue_once("cli", "sim", &mut sim_opener(&sim))
        .unwrap();
    sim.set_state(SimState::Online);
    clock.advance(chrono::Duration::seconds(90));
    let out = shop
        .process_queue_once("cli", "sim", &mut sim_opener(&sim))
        .unwrap();
    let jobs = shop.sale_print_jobs(&sale.number).unwrap();
    assert_eq!(out.given_up, vec![jobs[0].id]);
    assert_eq!(
        jobs.iter().map(|j| j.status).collect::<Vec<_>>(),
        vec![JobStatus::Failed, JobStatus::Done]
    );
    assert_eq!(sim.drawer_kicks(), 0);
    assert!(kasir_receipts::decode_text(&sim.output()).contains(&sale.number));
}

#[test]
fn worker_reports_paper_out_without_blocking_sales_and_prints_after_recovery() {
    let (_dir, db) = shop_file();
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut shop = open_shop(&db, clock.clone());
    let sim = SimPrinterHandle::new();
    sim.set_state(SimState::PaperOut);
    let mut cfg = PrintWorkerConfig::new(&db, "cli", "sim");
    cfg.tick = Duration::from_millis(50);
    cfg.probe_every = Duration::from_millis(200);
    let mut worker = PrintWorker::spawn_with(cfg, sim_opener(&sim), clock);

    let first = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
    worker.wake();
    let wait_for = |what: &str, ok: &dyn Fn(&kasir::service::print::PrinterReport) -> bool| {
        let deadline = Instant::now() + Duration::from_secs(15);
        let mut last = None;
        while Instant::now() < deadline {
            if let Some(r) = worker.try_status() {
                if ok(&r) {
                    return r;
                }
                last = Some(r);
            }
            thread::sleep(Duration::from_millis(20));
        }
        panic!("worker never reported {what}; last: {last:?}");
    };
    let r = wait_for("paper out", &|r| {
        r.state == PrinterState::PaperOut && r.queued == 1
    });
    assert_eq!(r.message(Lang::Id), "Kertas habis — 1 struk menunggu");
    // Selling goes on while the printer has no paper.
    let second = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
    worker.wake();
    sim.set_state(SimState::Online);
    worker.retry_now();
    wait_for("ready with an empty queue", &|r| {
        r.state == PrinterState::Ready && r.queued == 0
    });
    worker.stop();
    assert!(!worker.is_running());
    let text = kasir_receipts::decode_text(&sim.output());
    assert_eq!(count(&text, &first.number), 1);
    assert_eq!(count(&text, &second.number), 1);
    assert!(shop.pending_jobs().unwrap().is_empty());
}

#[test]
fn worker_on_a_missing_shop_reports_an_error_and_stops_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let mut cfg = PrintWorkerConfig::new(dir.path().join("none.db"), "cli", "sim");
    cfg.probe_every = Duration::from_millis(50);
    let mut worker = PrintWorker::spawn_with(
        cfg,
        sim_opener(&SimPrinterHandle::new()),
        Arc::new(SystemClock),
    );
    let deadline = Instant::now() + Duration::from_secs(10);
    let report = loop {
        if let Some(r) = worker.try_status() {
            break r;
        }
        assert!(Instant::now() < deadline, "no report");
        thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(report.state, PrinterState::Error);
    worker.stop();
    assert!(
        !dir.path().join("none.db").exists(),
        "the worker creates no shop"
    );
}

#[test]
fn pty_serial_scanner_puts_the_item_in_the_cart_through_the_service_layer() {
    let Some((mut master, _slave, path)) = pty_pair() else {
        return;
    };
    let (_dir, db) = shop_file();
    let shop = open_shop(&db, Arc::new(FixedClock::new(t0())));
    let mut cfg = kasir_hardware::ScannerConfig::new(&path);
    cfg.retry_interval = Duration::from_millis(100);
    let mut scanner = kasir_hardware::spawn_serial_scanner(cfg);
    // The next event other than the raw bytes of a burst.
    let next = |h: &kasir_hardware::ScannerHandle| loop {
        match h.recv_timeout(Duration::from_secs(5)) {
            Some(kasir_hardware::ScannerEvent::Raw(_)) => {}
            Some(ev) => break ev,
            None => panic!("scanner reports within 5 s"),
        }
    };
    assert_eq!(next(&scanner), kasir_hardware::ScannerEvent::Connected);
    let mut cart = Cart::default();
    let mut warnings = 0;
    for bytes in [
        format!("{INDOMIE}\r\n").into_bytes(),
        b"\x00\x1b\xff\x07\r\n".to_vec(),
    ] {
        master.write_all(&bytes).unwrap();
        match next(&scanner) {
            kasir_hardware::ScannerEvent::Code(code) => {
                shop.scan_into(&mut cart, &code).unwrap();
            }
            kasir_hardware::ScannerEvent::Warning(_) => warnings += 1,
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(warnings, 1, "noise gives a warning");
    // 10 KB without a newline: a warning, no code.
    for chunk in vec![b'7'; 10 * 1024].chunks(512) {
        master.write_all(chunk).unwrap();
    }
    master.write_all(b"\r\n").unwrap();
    match next(&scanner) {
        kasir_hardware::ScannerEvent::Warning(w) => assert!(
            matches!(w, kasir_hardware::ScanReject::TooLong { .. }),
            "{w}"
        ),
        other => panic!("an over-long line must warn, got {other:?}"),
    }
    // Unplug: the thread says so and keeps running; nothing reaches the cart.
    drop(master);
    drop(_slave);
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        match scanner.recv_timeout(Duration::from_millis(200)) {
            Some(kasir_hardware::ScannerEvent::Disconnected) => break,
            Some(kasir_hardware::ScannerEvent::Code(c)) => panic!("no code expected, got {c}"),
            _ => assert!(Instant::now() < deadline, "no disconnect reported"),
        }
    }
    assert!(
        scanner.is_running(),
        "the scanner thread survives an unplug"
    );
    scanner.stop();
    assert_eq!(cart.lines.len(), 1, "noise adds nothing");
    assert_eq!(cart.lines[0].item.name, "Indomie Goreng 85 g");
    assert_eq!(cart.lines[0].qty, Decimal::ONE);
    assert_eq!(cart.lines[0].unit_price, Decimal::from(3_500));
}

/// Two tills whose printers have the same local address (`usb:/dev/usb/lp0` on two machines:
/// two different printers). Each till's worker is started with its own machine's printer.
fn two_tills_one_address(db: &Path) -> (SimPrinterHandle, SimPrinterHandle) {
    let mut shop = open_shop(db, Arc::new(SystemClock));
    shop.open_shift(
        &Actor::back_office(),
        "t2",
        Decimal::from(100_000),
        &Default::default(),
    )
    .unwrap();
    for till in ["cli", "t2"] {
        shop.set_setting(
            &Actor::back_office(),
            &format!("till.{till}.printer"),
            "usb:/dev/usb/lp0",
        )
        .unwrap();
    }
    (SimPrinterHandle::new(), SimPrinterHandle::new())
}

fn fast(db: &Path, till: &str) -> PrintWorkerConfig {
    let mut cfg = PrintWorkerConfig::new(db, till, "usb:/dev/usb/lp0");
    cfg.tick = Duration::from_millis(50);
    cfg.probe_every = Duration::from_millis(200);
    cfg
}

/// Wait (at most 10 s) until `done` holds.
fn wait_until(what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while !done() {
        assert!(Instant::now() < deadline, "never: {what}");
        thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn two_tills_with_the_same_printer_address_print_and_kick_only_their_own() {
    let (_dir, db) = shop_file();
    let (printer_1, printer_2) = two_tills_one_address(&db);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut shop = open_shop(&db, clock.clone());
    let mut w1 = PrintWorker::spawn_with(fast(&db, "cli"), sim_opener(&printer_1), clock.clone());
    let mut w2 = PrintWorker::spawn_with(fast(&db, "t2"), sim_opener(&printer_2), clock);
    let a = sell_on(&mut shop, "cli", INDOMIE, TenderKind::Cash, 5_000);
    let b = sell_on(&mut shop, "t2", INDOMIE, TenderKind::Cash, 5_000);
    let c = sell_on(&mut shop, "t2", INDOMIE, TenderKind::Qris, 3_500);
    w1.wake();
    w2.wake();
    wait_until("both queues empty", || {
        shop.pending_jobs().unwrap().is_empty()
    });
    w1.stop();
    w2.stop();
    let one = kasir_receipts::decode_text(&printer_1.output());
    let two = kasir_receipts::decode_text(&printer_2.output());
    assert_eq!(count(&one, &a.number), 1, "{one}");
    assert_eq!(count(&one, &b.number) + count(&one, &c.number), 0, "{one}");
    assert_eq!(count(&two, &b.number), 1, "{two}");
    assert_eq!(count(&two, &c.number), 1, "{two}");
    assert_eq!(count(&two, &a.number), 0, "{two}");
    // Each cash sale opens its own till's drawer, and no other.
    assert_eq!(printer_1.drawer_kicks(), 1);
    assert_eq!(printer_2.drawer_kicks(), 1);
    let jobs = shop.sale_print_jobs(&b.number).unwrap();
    assert!(jobs.iter().all(|j| j.till == "t2"), "{jobs:?}");
}

#[test]
fn a_starting_worker_takes_back_only_stale_claims_of_its_own_till() {
    let (_dir, db) = shop_file();
    let (printer_1, printer_2) = two_tills_one_address(&db);
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let mut shop = open_shop(&db, clock.clone());
    let other = sell_on(&mut shop, "t2", INDOMIE, TenderKind::Qris, 3_500);
    let fresh = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
    let stale = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
    // Till t2's worker (another process) is sending its receipt right now; a worker of this
    // till claimed `fresh` a moment ago; `stale` was claimed ten minutes ago by one that died.
    let now = SystemClock.now();
    let claim = |shop: &mut Shop, sale: &SaleRecord, at: NaiveDateTime| {
        let job = shop.sale_print_jobs(&sale.number).unwrap()[0].id;
        let at = kasir::service::stamp(at);
        assert!(shop
            .store
            .write(|tx| kasir::store::print::claim(tx, job, &at))
            .unwrap());
        job
    };
    let other_job = claim(&mut shop, &other, now);
    let fresh_job = claim(&mut shop, &fresh, now);
    let stale_job = claim(&mut shop, &stale, now - chrono::Duration::minutes(10));
    let mut w1 = PrintWorker::spawn_with(fast(&db, "cli"), sim_opener(&printer_1), clock);
    wait_until("the stale job printed", || {
        shop.print_job(stale_job).unwrap().status == JobStatus::Done
    });
    // A few more passes: the fresh claims stay with whoever holds them.
    thread::sleep(Duration::from_millis(300));
    w1.stop();
    assert_eq!(
        shop.print_job(other_job).unwrap().status,
        JobStatus::Printing
    );
    assert_eq!(
        shop.print_job(fresh_job).unwrap().status,
        JobStatus::Printing
    );
    let one = kasir_receipts::decode_text(&printer_1.output());
    assert_eq!(count(&one, &stale.number), 1, "{one}");
    assert_eq!(
        count(&one, &other.number),
        0,
        "another till's receipt: {one}"
    );
    assert_eq!(count(&one, &fresh.number), 0, "{one}");
    assert!(printer_2.output().is_empty());
}

/// A network printer on 127.0.0.1 for one connection: it records every byte it gets and,
/// when `answers`, replies "all fine" (0x12) to each DLE EOT request.
fn tcp_peer(answers: bool, status: &str) -> (String, thread::JoinHandle<Vec<u8>>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!(
        "tcp:127.0.0.1:{}?status={status}",
        l.local_addr().unwrap().port()
    );
    let peer = thread::spawn(move || {
        let Ok((mut conn, _)) = l.accept() else {
            return Vec::new();
        };
        conn.set_read_timeout(Some(Duration::from_millis(3000)))
            .unwrap();
        let mut all = Vec::new();
        let mut seen = 0;
        let mut buf = [0u8; 512];
        while let Ok(n) = conn.read(&mut buf) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
            while answers && seen + 3 <= all.len() {
                if all[seen] == 0x10 && all[seen + 1] == 0x04 {
                    conn.write_all(&[0x12]).unwrap();
                    seen += 3;
                } else {
                    seen += 1;
                }
            }
        }
        all
    });
    (uri, peer)
}

const DLE_EOT_1: &[u8] = &[0x10, 0x04, 0x01];

#[test]
fn a_tcp_printer_that_never_answers_status_prints_blind_unconfirmed_until_it_has_answered() {
    let (_dir, db) = shop_file();
    let clock = Arc::new(FixedClock::new(t0()));
    let mut shop = open_shop(&db, clock.clone());
    // Auto: a printer that has never answered gets the receipt blind, marked unconfirmed.
    let (uri, peer) = tcp_peer(false, "auto");
    set_till_printer(&mut shop, &uri);
    let blind = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
    let out = shop
        .process_queue_once("cli", &uri, &mut open_printer)
        .unwrap();
    let got = peer.join().unwrap();
    assert_eq!(out.state, Some(PrinterState::Unknown));
    assert_eq!(
        state_text(PrinterState::Unknown, Lang::Id),
        "Printer: status tidak diketahui"
    );
    let job = &shop.sale_print_jobs(&blind.number).unwrap()[0];
    assert_eq!((job.status, job.unconfirmed), (JobStatus::Done, true));
    assert!(contains(&got, DLE_EOT_1), "auto asks first");
    let text = kasir_receipts::decode_text(&got);
    assert_eq!(count(&text, &blind.number), 1, "{text}");
    assert!(text.contains("Indomie Goreng 85 g"), "{text}");

    // The same address now answers: confirmed, and remembered (also after a restart).
    let port = uri
        .split(':')
        .nth(2)
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let answering = TcpListener::bind(format!("127.0.0.1:{port}"));
    let Ok(answering) = answering else {
        eprintln!("SKIP: port {port} taken again");
        return;
    };
    let peer = thread::spawn(move || {
        let (mut conn, _) = answering.accept().unwrap();
        conn.set_read_timeout(Some(Duration::from_millis(3000)))
            .unwrap();
        let mut all = Vec::new();
        let mut buf = [0u8; 512];
        let mut seen = 0;
        while let Ok(n) = conn.read(&mut buf) {
            if n == 0 {
                break;
            }
            all.extend_from_slice(&buf[..n]);
            while seen + 3 <= all.len() {
                if all[seen] == 0x10 && all[seen + 1] == 0x04 {
                    conn.write_all(&[0x12]).unwrap();
                    seen += 3;
                } else {
                    seen += 1;
                }
            }
        }
        (all, answering)
    });
    let confirmed = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
    let out = shop
        .process_queue_once("cli", &uri, &mut open_printer)
        .unwrap();
    let (got, listener) = peer.join().unwrap();
    assert_eq!(out.state, Some(PrinterState::Ready));
    let job = &shop.sale_print_jobs(&confirmed.number).unwrap()[0];
    assert_eq!((job.status, job.unconfirmed), (JobStatus::Done, false));
    assert_eq!(
        count(&kasir_receipts::decode_text(&got), &confirmed.number),
        1
    );

    // After a restart the printer falls silent: it answered before, so it is offline and
    // the receipt waits instead of going out blind.
    drop(shop);
    let mut shop = open_shop(&db, clock);
    let silent = thread::spawn(move || {
        let conn = listener.accept().map(|(c, _)| c);
        let mut all = Vec::new();
        if let Ok(mut c) = conn {
            c.set_read_timeout(Some(Duration::from_millis(3000)))
                .unwrap();
            let mut buf = [0u8; 512];
            while let Ok(n) = c.read(&mut buf) {
                if n == 0 {
                    break;
                }
                all.extend_from_slice(&buf[..n]);
            }
        }
        all
    });
    let held = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
    let out = shop
        .process_queue_once("cli", &uri, &mut open_printer)
        .unwrap();
    let got = silent.join().unwrap();
    assert_eq!(out.state, Some(PrinterState::Offline));
    assert!(out.printed.is_empty());
    let job = &shop.sale_print_jobs(&held.number).unwrap()[0];
    assert_eq!((job.status, job.attempts), (JobStatus::Queued, 1));
    assert!(!kasir_receipts::decode_text(&got).contains(&held.number));
}

#[test]
fn status_off_never_asks_and_status_on_requires_an_answer() {
    let (_dir, db) = shop_file();
    let mut shop = open_shop(&db, Arc::new(FixedClock::new(t0())));
    let (uri, peer) = tcp_peer(false, "off");
    set_till_printer(&mut shop, &uri);
    let sale = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
    let out = shop
        .process_queue_once("cli", &uri, &mut open_printer)
        .unwrap();
    let got = peer.join().unwrap();
    assert_eq!(out.state, Some(PrinterState::Unknown));
    assert!(!contains(&got, &[0x10, 0x04]), "off never asks");
    assert_eq!(count(&kasir_receipts::decode_text(&got), &sale.number), 1);
    assert!(shop.sale_print_jobs(&sale.number).unwrap()[0].unconfirmed);
    // On, with a printer that answers: asked, printed, confirmed.
    let (uri, peer) = tcp_peer(true, "on");
    set_till_printer(&mut shop, &uri);
    let sale = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
    let out = shop
        .process_queue_once("cli", &uri, &mut open_printer)
        .unwrap();
    let got = peer.join().unwrap();
    assert_eq!(out.state, Some(PrinterState::Ready));
    assert!(contains(&got, DLE_EOT_1));
    assert_eq!(count(&kasir_receipts::decode_text(&got), &sale.number), 1);
    assert!(!shop.sale_print_jobs(&sale.number).unwrap()[0].unconfirmed);
}

#[test]
fn a_pty_printer_that_never_answers_status_prints_blind_and_one_that_answers_is_confirmed() {
    for answers in [false, true] {
        let Some((mut master, _slave, path)) = pty_pair() else {
            return;
        };
        let (_dir, db) = shop_file();
        let mut shop = open_shop(&db, Arc::new(FixedClock::new(t0())));
        let uri = format!("serial:{path}?baud=9600");
        set_till_printer(&mut shop, &uri);
        let sale = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
        let printer = thread::spawn(move || {
            master.set_timeout(Duration::from_millis(20)).unwrap();
            let (mut all, mut seen, mut last) = (Vec::new(), 0, Instant::now());
            let mut buf = [0u8; 512];
            while last.elapsed() < Duration::from_millis(2500) {
                if let Ok(n) = master.read(&mut buf) {
                    if n > 0 {
                        last = Instant::now();
                        all.extend_from_slice(&buf[..n]);
                        while answers && seen + 3 <= all.len() {
                            if all[seen] == 0x10 && all[seen + 1] == 0x04 {
                                master.write_all(&[0x12]).unwrap();
                                seen += 3;
                            } else {
                                seen += 1;
                            }
                        }
                    }
                }
            }
            all
        });
        let out = shop
            .process_queue_once("cli", &uri, &mut open_printer)
            .unwrap();
        let got = printer.join().unwrap();
        let job = &shop.sale_print_jobs(&sale.number).unwrap()[0];
        assert_eq!(job.status, JobStatus::Done, "answers={answers}");
        assert_eq!(job.unconfirmed, !answers, "answers={answers}");
        let state = if answers {
            PrinterState::Ready
        } else {
            PrinterState::Unknown
        };
        assert_eq!(out.state, Some(state));
        assert!(contains(&got, DLE_EOT_1));
        let text = kasir_receipts::decode_text(&got);
        assert_eq!(count(&text, &sale.number), 1, "answers={answers}: {text}");
        assert!(text.contains("Indomie Goreng 85 g"), "{text}");
    }
}

#[test]
fn receipts_waiting_for_a_broken_printer_print_on_the_till_s_new_one() {
    let (dir, db) = shop_file();
    let mut shop = open_shop(&db, Arc::new(FixedClock::new(t0())));
    let dead = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("tcp:127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    set_till_printer(&mut shop, &dead);
    let sale = sell(&mut shop, INDOMIE, TenderKind::Qris, 3_500);
    let out = shop
        .process_queue_once("cli", &dead, &mut open_printer)
        .unwrap();
    assert!(out.printed.is_empty());
    let file = dir.path().join("new.bin");
    let new = format!("file:{}", file.display());
    set_till_printer(&mut shop, &new);
    shop.retry_now(kasir::store::print::Scope::default())
        .unwrap();
    let out = shop
        .process_queue_once("cli", &new, &mut open_printer)
        .unwrap();
    assert_eq!(out.printed.len(), 1);
    let text = kasir_receipts::decode_text(&std::fs::read(&file).unwrap());
    assert_eq!(count(&text, &sale.number), 1, "{text}");
}
