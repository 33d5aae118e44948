//! Bad input at every door (invariant 8): thousands of generated inputs to every parser and
//! import, and random argv to the real binary. No panic; a refusal is a clear one-line
//! message in both languages; a refused import or command changes nothing.
//!
//! The scanner line parser, the keyboard-wedge detector and printer URIs are also
//! property-tested in `hardware/tests/properties.rs` (`PROPTEST_CASES` raises the count).
//! `KASIR_CI=1` doubles every count here, `KASIR_LONG=1` multiplies it by 10.

use crate::common;
use common::*;

use std::cell::RefCell;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use kasir::domain::user::Actor;
use kasir::error::KasirError;
use kasir::i18n::Lang;
use kasir::service::{FixedClock, Shop};
use kasir::store::Store;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

fn cases(n: u32) -> u32 {
    sized(n, n * 2, n * 10)
}

fn runner(n: u32) -> TestRunner {
    eprintln!("bad input: {} generated cases", cases(n));
    TestRunner::new(Config {
        cases: cases(n),
        failure_persistence: None,
        ..Config::default()
    })
}

/// A refusal a person can read: both languages, one line each, not SQLite's raw words.
fn clear(e: &KasirError) -> Result<(), TestCaseError> {
    for lang in [Lang::Id, Lang::En] {
        let m = e.message(lang);
        prop_assert!(!m.trim().is_empty(), "empty message for {e:?}");
        prop_assert!(!m.contains('\n'), "multi-line message: {m}");
        prop_assert!(!m.contains("database is locked"), "{m}");
        // Words for a person, never Rust's debug text such as `UnknownDenomination("7000")`.
        for name in [
            "UnknownDenomination",
            "BadCount",
            "CountError",
            "CartError",
            "PayError",
            "JournalError",
            "NumberError",
            "NumberProblem",
            "EntryError",
            "CodeError",
        ] {
            prop_assert!(!m.contains(name), "debug text: {m}");
        }
    }
    Ok(())
}

/// Text that looks enough like input to get past the first check.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,14}",
        "[0-9]{0,4}[.,][0-9]{0,4}",
        "-?[0-9]{1,20}",
        "[A-Za-z0-9*.,:+=@ -]{0,20}",
        Just(String::new()),
        Just("8991234567891".to_string()),
        Just("2*8991234567891".to_string()),
        Just("=HYPERLINK(\"x\")".to_string()),
        Just("99999999999999999999999999999".to_string()),
        Just("1e9".to_string()),
        Just("NaN".to_string()),
        Just("\u{0}\u{7f}\u{feff}".to_string()),
        any::<String>(),
    ]
}

#[test]
fn barcode_money_tender_and_count_parsers_never_panic() {
    use kasir::domain::barcode::{classify, parse_entry};
    use kasir::domain::money::{AllowSen, Amount, Quantity};
    runner(3000)
        .run(&token(), |s| {
            let _ = classify(&s);
            if let Ok(e) = parse_entry(&s) {
                // A quantity that parses is one the store keeps exactly.
                if let Some(q) = e.qty {
                    prop_assert!(
                        kasir::domain::money::qty_to_milli(q).is_some(),
                        "{s:?}: a scanned quantity finer than 1/1000: {q}"
                    );
                }
            }
            match Amount::parse(&s, AllowSen::Yes) {
                // Whatever parses converts to stored units exactly.
                Ok(a) => prop_assert!(kasir::domain::money::money_to_minor(a).is_some()),
                Err(e) => clear(&KasirError::from(e))?,
            }
            match Quantity::parse(&s, 3) {
                Ok(q) => prop_assert!(kasir::domain::money::qty_to_milli(q).is_some()),
                Err(e) => clear(&KasirError::from(e))?,
            }
            match kasir::service::checkout::parse_tender(&s) {
                Ok(t) => prop_assert!(t.amount > rust_decimal::Decimal::ZERO),
                Err(e) => clear(&e)?,
            }
            if let Err(e) = kasir::domain::cash::CashCount::parse(std::slice::from_ref(&s)) {
                clear(&KasirError::from(e))?;
            }
            if let Err(e) = kasir::service::returns::parse_return_items(std::slice::from_ref(&s)) {
                clear(&e)?;
            }
            if let Err(e) = kasir::service::print::parse_printer(&s) {
                clear(&e)?;
            }
            if let Ok(u) = s.parse::<kasir_hardware::PrinterUri>() {
                prop_assert_eq!(u.to_string().parse::<kasir_hardware::PrinterUri>(), Ok(u));
            }
            Ok(())
        })
        .unwrap();
}

/// A typed amount or quantity is taken exactly as typed or refused — never rounded: the
/// value parsed is the decimal the digits say, and one more decimal than allowed is refused.
#[test]
fn typed_numbers_are_exact_or_refused_never_rounded() {
    use kasir::domain::money::{AllowSen, Amount, Quantity};
    let strategy = (0u64..10_000_000, "[0-9]{0,5}");
    runner(3000)
        .run(&strategy, |(int, frac)| {
            let typed = if frac.is_empty() {
                int.to_string()
            } else {
                format!("{int},{frac}")
            };
            let exact: rust_decimal::Decimal = if frac.is_empty() {
                rust_decimal::Decimal::from(int)
            } else {
                format!("{int}.{frac}").parse().unwrap()
            };
            match Amount::parse(&typed, AllowSen::Yes) {
                Ok(a) => {
                    prop_assert!(
                        frac.len() <= 2,
                        "{typed}: sen beyond the second decimal taken as {a}"
                    );
                    prop_assert_eq!(a, exact, "{} read as {}", typed, a);
                }
                Err(_) => prop_assert!(frac.len() > 2, "{typed} refused"),
            }
            match Quantity::parse(&typed, 3) {
                Ok(q) => {
                    prop_assert!(frac.len() <= 3, "{typed}: a fourth decimal taken as {q}");
                    prop_assert_eq!(q, exact, "{} read as {}", typed, q);
                }
                Err(_) => prop_assert!(frac.len() > 3, "{typed} refused"),
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn scanner_lines_and_wedge_bursts_never_panic() {
    use kasir_hardware::{classify, parse_scan_line, KeyEvent};
    runner(2000)
        .run(&proptest::collection::vec(any::<u8>(), 0..120), |bytes| {
            if let Ok(code) = parse_scan_line(&bytes) {
                prop_assert!(!code.is_empty());
            }
            // The same bytes from a scale, in either protocol: readings or errors, no panic.
            for protocol in kasir_hardware::ScaleProtocol::ALL {
                let mut parser = kasir_hardware::ScaleParser::new(*protocol);
                for chunk in bytes.chunks(7) {
                    let _ = parser.push(chunk);
                }
            }
            // And as a label-scale code of the demo's layout.
            let layout = kasir::domain::label::LabelLayout::parse("20IIIIIWWWWW,21IIIIIPPPPP")
                .expect("demo layout");
            let _ = layout.read(&String::from_utf8_lossy(&bytes));
            Ok(())
        })
        .unwrap();
    let events = proptest::collection::vec((any::<char>(), 0u64..200, 0u8..3), 0..80);
    runner(2000)
        .run(&events, |evs| {
            let mut at = Duration::ZERO;
            let evs: Vec<KeyEvent> = evs
                .into_iter()
                .map(|(c, gap, kind)| {
                    at += Duration::from_millis(gap);
                    match kind {
                        0 => KeyEvent::enter(at),
                        1 => KeyEvent::other(at),
                        _ => KeyEvent::char(c, at),
                    }
                })
                .collect();
            let _ = classify(&evs);
            Ok(())
        })
        .unwrap();
}

fn demo_in_memory() -> Shop {
    let mut shop = Shop::new(
        Store::open_in_memory().unwrap(),
        Arc::new(FixedClock::new(
            chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
                .unwrap()
                .and_hms_opt(9, 0, 0)
                .unwrap(),
        )),
    );
    kasir::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
    shop
}

/// A CSV: a header made of the real columns (some missing, some extra), then rows of cells
/// drawn from plausible and hostile values.
fn csv_text(columns: &'static [&'static str]) -> impl Strategy<Value = String> {
    let header =
        proptest::sample::subsequence(columns.to_vec(), 0..=columns.len()).prop_flat_map(|cols| {
            let n = cols.len().max(1);
            (
                Just(cols),
                proptest::collection::vec(proptest::collection::vec(token(), 0..n + 2), 0..6),
            )
        });
    (header, any::<bool>(), any::<bool>()).prop_map(|((cols, rows), quote, crlf)| {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut out = cols.join(",");
        for r in rows {
            out.push_str(nl);
            let cells: Vec<String> = r
                .iter()
                .map(|c| {
                    if quote {
                        format!("\"{}\"", c.replace('"', "\"\""))
                    } else {
                        c.clone()
                    }
                })
                .collect();
            out.push_str(&cells.join(","));
        }
        out
    })
}

const CATALOG: &[&str] = kasir::service::catalog::CATALOG_COLUMNS;
const MEMBERS: &[&str] = &["number", "name", "phone", "nik", "kasbon_limit"];
const RECEIVING: &[&str] = &["code", "qty", "unit", "cost", "batch", "expiry"];
const SAVINGS: &[&str] = &["number", "pokok", "wajib", "sukarela"];

#[test]
fn corrupt_csv_imports_are_refused_clearly_and_change_nothing() {
    let shop = RefCell::new(demo_in_memory());
    let boss = Actor::back_office();
    let accepted = std::cell::Cell::new(0usize);
    type Import = fn(&mut Shop, &Actor, &[u8]) -> kasir::Result<()>;
    let imports: [(&str, &'static [&'static str], Import); 4] = [
        ("catalog", CATALOG, |s, a, b| {
            s.import_catalog(a, b, &mut |_, _| {}).map(drop)
        }),
        ("members", MEMBERS, |s, a, b| {
            s.import_members(a, b).map(drop)
        }),
        ("receiving", RECEIVING, |s, a, b| {
            let lines = kasir::service::stock::parse_receipt(b)?;
            s.receive(a, &lines, &Default::default()).map(drop)
        }),
        ("savings", SAVINGS, |s, a, b| {
            s.import_savings(a, b).map(drop)
        }),
    ];
    for (what, cols, import) in imports {
        let mut r = runner(400);
        r.run(&csv_text(cols), |text| {
            let mut shop = shop.borrow_mut();
            let before = shop.store.conn().total_changes();
            match import(&mut shop, &boss, text.as_bytes()) {
                Ok(()) => accepted.set(accepted.get() + 1),
                Err(e) => {
                    clear(&e)?;
                    prop_assert_eq!(
                        shop.store.conn().total_changes(),
                        before,
                        "{} import refused but wrote: {}",
                        what,
                        e.message(Lang::En)
                    );
                }
            }
            Ok(())
        })
        .unwrap();
    }
    let report = shop.borrow().check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    eprintln!(
        "csv imports: {} generated files were valid and imported",
        accepted.get()
    );
}

/// Every row of every table, for "nothing changed".
fn fingerprint(db: &Path) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let mut out = String::new();
    for t in tables {
        let mut st = c.prepare(&format!("SELECT * FROM \"{t}\"")).unwrap();
        let n = st.column_count();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            out.push_str(&t);
            for i in 0..n {
                out.push_str(&format!("|{:?}", r.get_ref(i).unwrap()));
            }
            out.push('\n');
        }
    }
    out
}

fn argv_token(rng: &mut common::Rng) -> String {
    const WORDS: &[&str] = &[
        "sale",
        "sales",
        "list",
        "show",
        "stock",
        "moves",
        "receive",
        "shift",
        "open",
        "close",
        "day",
        "ledger",
        "export",
        "report",
        "z",
        "x",
        "members",
        "catalog",
        "import",
        "print",
        "queue",
        "retry",
        "return",
        "check",
        "opname",
        "start",
        "count",
        "finish",
        "writeoff",
        "supplier",
        "accounts",
        "backup",
        "--auto",
        "--json",
        "--lang",
        "en",
        "id",
        "xx",
        "--till",
        "cli",
        "sembako-1",
        "--pay",
        "--member",
        "A0001",
        "--float",
        "--count",
        "--date",
        "--format",
        "--out",
        "out.csv",
        "--reason",
        "--limit",
        "--printer",
        "sim",
        "file:struk.bin",
        "usb:",
        "serial:",
        "8991234567891",
        "8991234567891*2",
        "2*x",
        "*",
        "cash:10000",
        "qris:-5",
        "kasbon:1e9",
        "transfer:",
        "100000*2",
        "-1",
        "0",
        "9999999999",
        "2026-13-45",
        "2026-03-02",
        "",
        " ",
        "--",
        "-v",
        "--help",
        "--version",
        "=SUM(A1)",
        "nope",
        "\u{1F600}",
        "../x",
        "\u{0}",
    ];
    if rng.below(6) == 0 {
        // Random printable junk.
        (0..rng.below(12))
            .map(|_| (b' ' + rng.below(95) as u8) as char)
            .collect()
    } else {
        WORDS[rng.below(WORDS.len() as u64) as usize].replace('\u{0}', "")
    }
}

fn run_with_timeout(dir: &Path, args: &[String]) -> (Option<i32>, String) {
    let mut child = Command::new(bin())
        .current_dir(dir)
        .arg("--db")
        .arg("shop.db")
        .args(args)
        .env("KASIR_LOG", "off")
        .env("KASIR_BUSY_TIMEOUT_MS", "2000")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut err = String::new();
            use std::io::Read;
            child
                .stderr
                .take()
                .unwrap()
                .read_to_string(&mut err)
                .unwrap();
            return (status.code(), err);
        }
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("kasir {args:?} hung");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn random_command_lines_exit_cleanly_and_refusals_change_nothing() {
    let mut rng = common::Rng::from_env("argv fuzz");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["demo"]);
    ok(&db, &["shift", "open", "--float", "100000"]);
    let runs = sized(250, 600, 3000);
    let mut base = fingerprint(&db);
    let (mut refused_n, mut accepted, mut usage) = (0, 0, 0);
    for _ in 0..runs {
        const COMMANDS: &[&str] = &[
            "sale",
            "sales list",
            "sales show",
            "stock",
            "stock moves",
            "shift open",
            "shift close",
            "day close",
            "report z",
            "report x",
            "report stock",
            "members show",
            "members import",
            "catalog import",
            "print queue",
            "print receipt",
            "return",
            "opname start",
            "opname count",
            "writeoff",
            "ledger export",
            "backup",
            "receive",
            "check",
            "accounts",
        ];
        let mut args: Vec<String> = COMMANDS[rng.below(COMMANDS.len() as u64) as usize]
            .split(' ')
            .map(String::from)
            .collect();
        for _ in 0..rng.below(6) {
            args.push(argv_token(&mut rng));
        }
        let (code, err) = run_with_timeout(dir.path(), &args);
        match code {
            Some(0) => {
                accepted += 1;
                base = fingerprint(&db);
            }
            Some(1) => {
                refused_n += 1;
                let line = err.trim();
                assert_eq!(line.lines().count(), 1, "{args:?}: {err}");
                assert!(line.starts_with("kasir: "), "{args:?}: {err}");
                assert!(!line.contains("database is locked"), "{args:?}: {err}");
                assert_eq!(fingerprint(&db), base, "refused {args:?} changed the shop");
            }
            Some(2) => {
                usage += 1;
                assert_eq!(
                    fingerprint(&db),
                    base,
                    "usage error {args:?} changed the shop"
                );
            }
            other => panic!("kasir {args:?} ended with {other:?} (a panic is 101): {err}"),
        }
    }
    assert!(ok(&db, &["check"]).starts_with("OK"));
    eprintln!(
        "argv fuzz: {runs} command lines: {accepted} done, {refused_n} refused (exit 1), {usage} usage errors (exit 2), 0 panics"
    );
}

#[test]
fn garbage_settings_fall_back_to_defaults_without_panic() {
    // Every key of the registry (a per-till key for the till `cli`), and the audit head:
    // a key outside the registry would only test the unknown-key refusal.
    let keys: Vec<String> = kasir::service::settings::REGISTRY
        .iter()
        .map(|s| s.key.replace('*', "cli"))
        .chain(["audit.head".to_string()])
        .collect();
    let keys: &'static [String] = Box::leak(keys.into_boxed_slice());
    let set_ok = RefCell::new(std::collections::BTreeSet::new());
    let shop = RefCell::new(demo_in_memory());
    let boss = Actor::back_office();
    let strategy = (proptest::sample::select(keys), token());
    runner(500)
        .run(&strategy, |(key, value)| {
            let key = key.as_str();
            let mut shop = shop.borrow_mut();
            if key == "audit.head" {
                // Only check reads it; a bad head is reported, not a crash.
                let _ = shop.check().unwrap();
                return Ok(());
            }
            let before = kasir::store::settings::get(shop.store.conn(), key).unwrap();
            match shop.set_setting(&boss, key, &value) {
                Err(e) => {
                    clear(&e)?;
                    prop_assert_eq!(
                        kasir::store::settings::get(shop.store.conn(), key).unwrap(),
                        before
                    );
                }
                Ok(()) => {
                    set_ok.borrow_mut().insert(key.to_string());
                }
            }
            prop_assert!(shop.settings().is_ok());
            prop_assert!(shop.backup_policy().is_ok());
            prop_assert!(shop.kasbon_rule().is_ok());
            prop_assert!(shop.over_short_threshold().is_ok());
            prop_assert!(shop.shu_params().is_ok());
            for class in [
                kasir::domain::catalog::DrugClass::Keras,
                kasir::domain::catalog::DrugClass::Oot,
                kasir::domain::catalog::DrugClass::Psikotropika,
                kasir::domain::catalog::DrugClass::Narkotika,
            ] {
                prop_assert!(shop
                    .rx_max_age_days(class)
                    .is_ok_and(|d| (0..=365).contains(&d)));
            }
            prop_assert!(shop.scale_settings().is_ok());
            prop_assert!(shop.scale_tare().is_ok());
            prop_assert!(shop.label_layout().is_ok());
            let mut cart = kasir::domain::cart::Cart::default();
            if let Err(e) = shop.scan_into(&mut cart, "8991234567891") {
                clear(&e)?;
            }
            Ok(())
        })
        .unwrap();
    // Some garbage was accepted (a valid token for the key) and then read back by the
    // readers above: the run did more than watch refusals.
    assert!(
        set_ok.borrow().len() >= 5,
        "too few settings were ever stored: {:?}",
        set_ok.borrow()
    );
}

#[test]
fn settings_out_of_range_are_refused_and_kept() {
    let mut shop = demo_in_memory();
    let boss = Actor::back_office();
    for (key, bad) in [
        ("tax.ppn_percent", "-5"),
        ("tax.ppn_percent", "120"),
        ("tax.pkp", "ya"),
        ("cash.rounding_step", "0.5"),
        ("printer.paper", "57"),
        ("printer.uri", "lpt:1"),
        ("ui.lang", "jawa"),
        ("backup.keep", "0"),
        ("till.sembako-1.unit", "bengkel"),
        ("rx.max_age_days.keras", "-1"),
        ("rx.max_age_days.oot", "2,5"),
        ("rx.max_age_days.psikotropika", "3 hari"),
        ("rx.max_age_days.narkotika", "366"),
        ("cash.rounding_step", "0"),
        ("shop.npwp", "01.234.567.8-901"),
        ("scale.protocol", "dibal"),
        ("scale.baud", "9601"),
        ("scale.tare", "-50"),
        ("barcode.instore", "20IIIIIWWWW"),
        ("barcode.instore", "30IIIIIWWWWW"),
        ("till.sembako-1.printer", "lpt:1"),
        ("scanner.baud", "9601"),
        ("scanner.suffix", "semicolon"),
        ("scanner.idle_ms", "0"),
        ("scanner.idle_ms", "60000"),
        ("scanner.strip_stx_etx", "ya"),
        ("scanner.strip_aim", "1"),
    ] {
        let before = kasir::store::settings::get(shop.store.conn(), key).unwrap();
        let e = shop.set_setting(&boss, key, bad).unwrap_err();
        // A label layout says which pattern is wrong and why.
        let msg = e.message(Lang::En);
        assert!(
            msg.contains("not a valid value")
                || key == "barcode.instore" && msg.contains("pattern"),
            "{key}: {msg}"
        );
        assert_eq!(
            kasir::store::settings::get(shop.store.conn(), key).unwrap(),
            before
        );
    }
    // Kept by kasir itself, and unknown keys: refused by name.
    for (key, says) in [
        ("audit.head", "kept by kasir itself"),
        ("shop.nama", "did you mean shop.name"),
    ] {
        let before = kasir::store::settings::get(shop.store.conn(), key).unwrap();
        let e = shop.set_setting(&boss, key, "1:00").unwrap_err();
        assert!(e.message(Lang::En).contains(says), "{key}: {e}");
        assert_eq!(
            kasir::store::settings::get(shop.store.conn(), key).unwrap(),
            before
        );
    }
    // The serial scanner's framing, as the reader will use it.
    let s = shop.settings().unwrap().scanner;
    assert_eq!((s.baud, s.suffix.as_str(), s.idle_ms), (9600, "crlf", 50));
    assert!(s.strip_stx_etx && s.strip_aim && s.port.is_none());
    for (key, value) in [
        ("scanner.port", "/dev/ttyACM0"),
        ("scanner.baud", "115200"),
        ("scanner.suffix", "none"),
        ("scanner.idle_ms", "120"),
        ("scanner.strip_stx_etx", "false"),
        ("scanner.strip_aim", "false"),
    ] {
        shop.set_setting(&boss, key, value).unwrap();
    }
    let cfg = shop.settings().unwrap().scanner.config("/dev/ttyACM0");
    assert_eq!(cfg.baud, 115_200);
    assert_eq!(cfg.suffix, kasir_hardware::Suffix::None);
    assert_eq!(cfg.idle_timeout, std::time::Duration::from_millis(120));
    assert!(!cfg.strip_stx_etx && !cfg.strip_aim);
    shop.set_setting(&boss, "tax.ppn_percent", "12").unwrap();
    assert_eq!(
        shop.settings().unwrap().ppn_percent,
        rust_decimal::Decimal::from(12)
    );
    // The kasbon rule recomputes limits, so it is not a plain setting.
    for (key, value) in [
        ("kasbon.limit_rule", "savings"),
        ("kasbon.limit_percent", "80"),
    ] {
        let e = shop.set_setting(&boss, key, value).unwrap_err();
        assert!(
            e.message(Lang::En).contains("kasir members kasbon-rule"),
            "{key}: {}",
            e.message(Lang::En)
        );
        assert_eq!(
            kasir::store::settings::get(shop.store.conn(), key).unwrap(),
            None
        );
    }
    assert_eq!(
        shop.kasbon_rule().unwrap(),
        kasir::service::member_books::KasbonRule::Fixed
    );
}
