//! Two tills, one shop (invariant 3): two processes sell the same items against one WAL
//! database at full speed. No stock update is lost (final on hand = start − Σ sold), no sale
//! number is used twice, and no cashier ever sees "database is locked".
//!
//! The library race starts both tills at one signal (a start file both wait for) and each
//! sells in batches of one sale with a pause after it, so the two really race for the
//! write lock: the test counts the switches between tills in id order and requires at
//! least one for every five sales, and each till's sale numbers are 1…n without a gap.
//!
//! Short run: 150 sales per till through the library plus 12 per till through the real
//! binary; `KASIR_CI=1`: 400 and 30; `KASIR_LONG=1`: 2000 (library) and 200 (binary).

use crate::common;
mod races;
use common::*;

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use kasir::domain::cart::Cart;
use kasir::domain::user::Actor;
use kasir::service::checkout::parse_tender;
use kasir::service::{Shop, SystemClock};
use kasir::store::{OpenMode, Store};
use rust_decimal::Decimal;

const INDOMIE: &str = "8991234567891";
const BERAS: &str = "8991993003616";

/// Child part: sell KASIR_SALES sales on KASIR_TILL as fast as it can, printing
/// "sold NUMBER" or "refused MESSAGE" for each.
#[test]
#[ignore = "a child process of another test, started by it with --ignored"]
fn till_seller_child() {
    let Ok(db) = std::env::var("KASIR_TILL_CHILD") else {
        return;
    };
    let till = std::env::var("KASIR_TILL").unwrap();
    let n: usize = std::env::var("KASIR_SALES").unwrap().parse().unwrap();
    let mut shop = Shop::new(
        Store::open(Path::new(&db), OpenMode::Existing).unwrap(),
        Arc::new(SystemClock),
    );
    let actor = Actor::back_office();
    let cash = [parse_tender("cash:100000").unwrap()];
    // The start barrier: both tills are open and ready before either sells.
    if let Ok(start) = std::env::var("KASIR_START") {
        println!("ready");
        while !Path::new(&start).exists() {
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
    }
    for _ in 0..n {
        let mut cart = Cart::default();
        let r = shop
            .scan_into(&mut cart, &format!("2*{INDOMIE}"))
            .and_then(|_| shop.scan_into(&mut cart, BERAS))
            .and_then(|_| {
                let sale = shop.checkout(&actor, &till, &cart, &cash)?;
                shop.save_draft(&till, &Cart::default())?;
                Ok(sale)
            });
        match r {
            Ok(sale) => println!("sold {}", sale.number),
            Err(e) => println!("refused {}", e.message(kasir::i18n::Lang::En)),
        }
        // A batch is one sale: a cashier's pause lets the other till take the lock.
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

/// Sales per till: `KASIR_LONG=1` long, `KASIR_CI=1` medium, else short.
fn count(short: usize, ci: usize, long: usize) -> usize {
    sized(short, ci, long)
}

/// Switches between tills in the order the sales were stored.
fn switches(db: &Path) -> usize {
    let c = rusqlite::Connection::open(db).unwrap();
    let tills: Vec<String> = c
        .prepare("SELECT till FROM sales ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    tills.windows(2).filter(|w| w[0] != w[1]).count()
}

/// Each till's sale numbers of a day run 1…n without a gap.
fn assert_gapless(numbers: &[String]) {
    let mut per: std::collections::BTreeMap<String, Vec<u32>> = Default::default();
    for n in numbers {
        let (prefix, seq) = n.rsplit_once('-').expect("TILL-DATE-SEQ");
        per.entry(prefix.to_string())
            .or_default()
            .push(seq.parse().expect("sequence"));
    }
    for (prefix, mut seqs) in per {
        seqs.sort_unstable();
        let want: Vec<u32> = (1..=seqs.len() as u32).collect();
        assert_eq!(seqs, want, "{prefix}: sale numbers with a gap or twice");
    }
}

fn on_hand_dec(db: &Path, code: &str) -> Decimal {
    on_hand(db, code).parse().unwrap()
}

fn shop_with_two_tills() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["demo"]);
    let csv = dir.path().join("in.csv");
    std::fs::write(
        &csv,
        format!("code,qty,unit,cost,batch,expiry\n{INDOMIE},20000,pcs,2785,,\n{BERAS},5000,sak,56410,,\n"),
    )
    .unwrap();
    ok(&db, &["receive", csv.to_str().unwrap()]);
    for till in ["sembako-1", "apotek-1"] {
        ok(&db, &["shift", "open", "--till", till, "--float", "100000"]);
    }
    (dir, db)
}

#[test]
fn two_processes_selling_the_same_items_lose_nothing() {
    let (dir, db) = shop_with_two_tills();
    let per_till: usize = count(150, 400, 2000);
    let start = (on_hand_dec(&db, INDOMIE), on_hand_dec(&db, BERAS));
    let go = dir.path().join("go");
    let mut children: Vec<_> = ["sembako-1", "apotek-1"]
        .iter()
        .map(|till| {
            self_exec(
                module_path!(),
                "till_seller_child",
                &[
                    ("KASIR_TILL_CHILD", db.display().to_string()),
                    ("KASIR_TILL", till.to_string()),
                    ("KASIR_SALES", per_till.to_string()),
                    ("KASIR_START", go.display().to_string()),
                ],
            )
        })
        .collect();
    // Both children are ready (shop open, waiting): release them together.
    let mut outs: Vec<std::io::BufReader<std::process::ChildStdout>> = children
        .iter_mut()
        .map(|c| std::io::BufReader::new(c.stdout.take().unwrap()))
        .collect();
    for o in &mut outs {
        loop {
            let mut line = String::new();
            let n = std::io::BufRead::read_line(o, &mut line).unwrap();
            assert!(n > 0, "a till ended before it was ready");
            if line.trim() == "ready" {
                break;
            }
        }
    }
    std::fs::write(&go, "").unwrap();
    let mut numbers = Vec::new();
    let mut refusals = Vec::new();
    for (mut c, mut o) in children.into_iter().zip(outs) {
        let mut out = String::new();
        o.read_to_string(&mut out).unwrap();
        assert!(c.wait().unwrap().success(), "a till crashed:\n{out}");
        for l in out.lines() {
            if let Some(n) = l.strip_prefix("sold ") {
                numbers.push(n.to_string());
            } else if let Some(m) = l.strip_prefix("refused ") {
                refusals.push(m.to_string());
            }
        }
    }
    assert!(refusals.is_empty(), "a cashier was refused: {refusals:?}");
    assert_eq!(numbers.len(), 2 * per_till);
    let unique: BTreeSet<_> = numbers.iter().collect();
    assert_eq!(unique.len(), numbers.len(), "a sale number was used twice");
    assert_gapless(&numbers);
    let switched = switches(&db);
    assert!(
        switched >= numbers.len() / 5,
        "the tills took turns instead of racing: {switched} switches in {} sales",
        numbers.len()
    );
    let sold = Decimal::from(numbers.len() as i64);
    assert_eq!(
        on_hand_dec(&db, INDOMIE),
        start.0 - Decimal::TWO * sold,
        "lost update"
    );
    assert_eq!(
        on_hand_dec(&db, BERAS),
        start.1 - Decimal::from(5) * sold,
        "lost update"
    );
    assert!(ok(&db, &["check"]).starts_with("OK"));
    eprintln!(
        "two tills (library): {} sales, {} unique numbers, gapless per till, {switched} switches between tills, 0 refused, stock exact",
        numbers.len(),
        unique.len()
    );
}

#[test]
fn two_real_binaries_selling_at_once_never_show_a_locked_database() {
    let (_dir, db) = shop_with_two_tills();
    let per_till = count(12, 30, 200);
    let start = on_hand_dec(&db, INDOMIE);
    let run = |till: &'static str, db: std::path::PathBuf| {
        std::thread::spawn(move || {
            let mut acked = Vec::new();
            let mut errors = Vec::new();
            for _ in 0..per_till {
                let out = kasir(
                    &db,
                    &[
                        "--lang",
                        "en",
                        "sale",
                        "--till",
                        till,
                        "cash:10000",
                        INDOMIE,
                    ],
                );
                let stdout = String::from_utf8_lossy(&out.stdout);
                if out.status.success() {
                    acked.extend(
                        stdout
                            .lines()
                            .find_map(|l| l.strip_prefix("Sale number: "))
                            .map(str::to_string),
                    );
                } else {
                    errors.push(String::from_utf8_lossy(&out.stderr).to_string());
                }
            }
            (acked, errors)
        })
    };
    let a = run("sembako-1", db.clone());
    let b = run("apotek-1", db.clone());
    let (mut numbers, mut errors) = a.join().unwrap();
    let (n2, e2) = b.join().unwrap();
    numbers.extend(n2);
    errors.extend(e2);
    assert!(errors.is_empty(), "refused: {errors:?}");
    let unique: BTreeSet<_> = numbers.iter().collect();
    assert_eq!(unique.len(), 2 * per_till);
    assert_gapless(&numbers);
    assert_eq!(
        on_hand_dec(&db, INDOMIE),
        start - Decimal::from(2 * per_till as i64)
    );
    assert!(ok(&db, &["check"]).starts_with("OK"));
}

const DIAZEPAM_STRIP: &str = "8995895003248";

/// The prescription of round `i` of the race: ten diazepam tablets (psikotropika).
fn race_rx(i: usize) -> kasir::domain::pharmacy::Prescription {
    kasir::domain::pharmacy::Prescription {
        number: format!("RX-{i:03}"),
        doctor: "dr. Sari".into(),
        sip: "SIP 503/2025".into(),
        patient: "Joko".into(),
        date: chrono::Local::now().date_naive(),
        prescribed: Decimal::TEN,
        iter: 0,
    }
}

/// Child part of the prescription race: build one cart per prescription (each is whole
/// when the cart is built), say "ready", wait for the go file, then check every cart out in
/// a seeded order, printing "sold RX-…" or "refused RX-… MESSAGE".
#[test]
#[ignore = "a child process of another test, started by it with --ignored"]
fn prescription_till_child() {
    let Ok(db) = std::env::var("KASIR_RX_CHILD") else {
        return;
    };
    let till = std::env::var("KASIR_TILL").unwrap();
    let rounds: usize = std::env::var("KASIR_SALES").unwrap().parse().unwrap();
    let go = std::path::PathBuf::from(std::env::var("KASIR_GO").unwrap());
    let mut rng = Rng(std::env::var("KASIR_SEED").unwrap().parse().unwrap());
    let mut shop = Shop::new(
        Store::open(Path::new(&db), OpenMode::Existing).unwrap(),
        Arc::new(SystemClock),
    );
    let actor = Actor::back_office();
    let cash = [parse_tender("cash:100000").unwrap()];
    let carts: Vec<Cart> = (0..rounds)
        .map(|i| {
            let mut cart = Cart::default();
            shop.add_prescribed(
                &till,
                &mut cart,
                DIAZEPAM_STRIP,
                Decimal::ONE,
                &race_rx(i),
                "rina",
                "3333",
            )
            .unwrap();
            cart
        })
        .collect();
    println!("ready");
    while !go.exists() {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // Each till takes the prescriptions in its own seeded order, with a little jitter, so
    // that the two meet on different papers at different moments.
    let mut order: Vec<usize> = (0..rounds).collect();
    for k in (1..order.len()).rev() {
        order.swap(k, rng.below(k as u64 + 1) as usize);
    }
    for i in order {
        let cart = &carts[i];
        std::thread::sleep(std::time::Duration::from_micros(rng.below(3000)));
        let rx = race_rx(i).number;
        match shop.checkout(&actor, &till, cart, &cash) {
            Ok(_) => println!("sold {rx}"),
            Err(e) => println!("refused {rx} {}", e.message(kasir::i18n::Lang::En)),
        }
    }
}

#[test]
fn two_tills_racing_on_one_prescription_dispense_it_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["demo"]);
    let rounds: usize = sized(12, 24, 60);
    let csv = dir.path().join("in.csv");
    std::fs::write(
        &csv,
        format!("code,qty,unit,cost,batch,expiry\n{DIAZEPAM_STRIP},{rounds},strip,2280,DZPRACE,2030-12-31\n"),
    )
    .unwrap();
    ok(&db, &["receive", csv.to_str().unwrap()]);
    {
        let mut shop = Shop::new(
            Store::open(&db, OpenMode::Existing).unwrap(),
            Arc::new(SystemClock),
        );
        for (k, v) in [
            ("till.apotek-2.unit", "apotek"),
            ("till.apotek-2.pharmacy", "apotek"),
        ] {
            shop.set_setting(&Actor::back_office(), k, v).unwrap();
        }
    }
    for till in ["apotek-1", "apotek-2"] {
        ok(&db, &["shift", "open", "--till", till, "--float", "100000"]);
    }
    let start = on_hand_dec(&db, "DZP-2");
    let seed = Rng::from_env("prescription race").0;
    let go = dir.path().join("go");
    let mut children: Vec<_> = ["apotek-1", "apotek-2"]
        .iter()
        .enumerate()
        .map(|(k, till)| {
            self_exec(
                module_path!(),
                "prescription_till_child",
                &[
                    ("KASIR_RX_CHILD", db.display().to_string()),
                    ("KASIR_TILL", till.to_string()),
                    ("KASIR_SALES", rounds.to_string()),
                    ("KASIR_GO", go.display().to_string()),
                    ("KASIR_SEED", (seed ^ k as u64).to_string()),
                ],
            )
        })
        .collect();
    let mut outs: Vec<_> = children
        .iter_mut()
        .map(|c| std::io::BufReader::new(c.stdout.take().unwrap()))
        .collect();
    for out in &mut outs {
        // The test harness may print its own lines first.
        let mut line = String::new();
        while line.trim() != "ready" {
            line.clear();
            let n = std::io::BufRead::read_line(out, &mut line).unwrap();
            assert!(n > 0, "a till could not build its carts");
        }
    }
    std::fs::write(&go, "").unwrap();
    let mut sold = Vec::new();
    let mut refused = Vec::new();
    let mut wins = Vec::new();
    for (mut c, mut out) in children.into_iter().zip(outs) {
        let before = sold.len();
        let mut text = String::new();
        out.read_to_string(&mut text).unwrap();
        assert!(c.wait().unwrap().success(), "a till crashed:\n{text}");
        for l in text.lines() {
            if let Some(rx) = l.strip_prefix("sold ") {
                sold.push(rx.to_string());
            } else if let Some(r) = l.strip_prefix("refused ") {
                refused.push(r.to_string());
            }
        }
        wins.push(sold.len() - before);
    }
    let once: BTreeSet<_> = sold.iter().collect();
    assert_eq!(
        (sold.len(), once.len()),
        (rounds, rounds),
        "each prescription dispensed exactly once (seed {seed}): sold {sold:?}, refused {refused:?}"
    );
    assert_eq!(refused.len(), rounds, "{refused:?}");
    for r in &refused {
        assert!(
            r.contains("has already dispensed 10 of 10 tablet"),
            "seed {seed}: {r}"
        );
    }
    assert_eq!(
        on_hand_dec(&db, "DZP-2"),
        start - Decimal::TEN * Decimal::from(rounds as i64)
    );
    assert!(ok(&db, &["check"]).starts_with("OK"));
    eprintln!(
        "prescription race: {rounds} prescriptions, each dispensed once (apotek-1 {}, apotek-2 {}), {} refused",
        wins[0],
        wins[1],
        refused.len()
    );
}

/// Child part: return KASIR_RETURNS times `q*INDOMIE` (q from KASIR_QTYS, comma separated)
/// against sale KASIR_SALE on KASIR_TILL, printing "returned NUMBER Q" or "refused MESSAGE".
#[test]
#[ignore = "a child process of another test, started by it with --ignored"]
fn till_returner_child() {
    let Ok(db) = std::env::var("KASIR_RETURN_CHILD") else {
        return;
    };
    let till = std::env::var("KASIR_TILL").unwrap();
    let sale = std::env::var("KASIR_SALE").unwrap();
    let qtys = std::env::var("KASIR_QTYS").unwrap();
    let mut shop = Shop::new(
        Store::open(Path::new(&db), OpenMode::Existing).unwrap(),
        Arc::new(SystemClock),
    );
    let actor = Actor::back_office();
    for q in qtys.split(',') {
        let items =
            kasir::service::returns::parse_return_items(&[format!("{q}*{INDOMIE}")]).unwrap();
        match shop.return_items(&actor, None, &till, &sale, &items) {
            Ok(r) => println!("returned {} {q}", r.number),
            Err(e) => println!("refused {}", e.message(kasir::i18n::Lang::En)),
        }
    }
}

#[test]
fn two_processes_returning_the_same_line_never_return_more_than_was_sold() {
    let (_dir, db) = shop_with_two_tills();
    let mut rng = Rng::from_env("two_tills returns");
    let sold = 40;
    let out = ok(
        &db,
        &[
            "--lang",
            "en",
            "sale",
            "--till",
            "sembako-1",
            "cash:200000",
            &format!("{sold}*{INDOMIE}"),
        ],
    );
    let sale = out
        .lines()
        .find_map(|l| l.strip_prefix("Sale number: "))
        .unwrap()
        .to_string();
    let start = on_hand_dec(&db, INDOMIE);
    // Each till asks for far more than was sold, in steps of 1–3.
    let children: Vec<_> = ["sembako-1", "apotek-1"]
        .iter()
        .map(|till| {
            let qtys: Vec<String> = (0..40).map(|_| (1 + rng.below(3)).to_string()).collect();
            self_exec(
                module_path!(),
                "till_returner_child",
                &[
                    ("KASIR_RETURN_CHILD", db.display().to_string()),
                    ("KASIR_TILL", till.to_string()),
                    ("KASIR_SALE", sale.clone()),
                    ("KASIR_QTYS", qtys.join(",")),
                ],
            )
        })
        .collect();
    let mut numbers = BTreeSet::new();
    let mut returned = 0i64;
    let mut refusals = Vec::new();
    for mut c in children {
        let mut out = String::new();
        c.stdout.take().unwrap().read_to_string(&mut out).unwrap();
        assert!(c.wait().unwrap().success(), "a till crashed:\n{out}");
        for l in out.lines() {
            if let Some(rest) = l.strip_prefix("returned ") {
                let (number, q) = rest.split_once(' ').unwrap();
                assert!(numbers.insert(number.to_string()), "{number} used twice");
                returned += q.parse::<i64>().unwrap();
            } else if let Some(m) = l.strip_prefix("refused ") {
                refusals.push(m.to_string());
            }
        }
    }
    // Refusals say how much is left, never that the file was busy or a number taken.
    for m in &refusals {
        assert!(
            m.contains("more can be returned") || m.contains("no longer"),
            "unexpected refusal: {m}"
        );
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let in_books: i64 = conn
        .query_row(
            "SELECT coalesce(sum(l.qty), 0) / 1000 FROM return_lines l
             JOIN returns r ON r.id = l.return_id JOIN sales s ON s.id = r.sale_id
             WHERE s.number = ?1",
            [&sale],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(in_books, returned, "every acknowledged return is booked");
    assert!(
        returned <= sold,
        "returned {returned} of {sold} sold (Σ returned must not exceed what was sold)"
    );
    assert_eq!(on_hand_dec(&db, INDOMIE), start + Decimal::from(returned));
    assert!(ok(&db, &["check"]).starts_with("OK"));
    eprintln!(
        "two tills (returns): {} returns, {returned} of {sold} returned, {} refused",
        numbers.len(),
        refusals.len()
    );
}
