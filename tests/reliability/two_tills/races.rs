//! Two processes racing on the use cases that must happen once: closing a day, opening a
//! till's shift, returning the same sale line, and a day close against a till that opens
//! and sells. The parent holds the file's write lock while it lets both children go, so
//! each child has done whatever it does before its write transaction when the lock is
//! released; then the two writes queue. A use case whose checks run outside its write
//! transaction is caught every round; one whose checks run inside it is never caught.
//! The order of the children in each round is seeded (printed; replay with `KASIR_SEED`).

use crate::common::*;

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{NaiveDate, NaiveDateTime};
use kasir::domain::cart::Cart;
use kasir::domain::cash::CashCount;
use kasir::domain::user::Actor;
use kasir::i18n::Lang;
use kasir::service::checkout::parse_tender;
use kasir::service::{FixedClock, Shop};
use kasir::store::{OpenMode, Store};
use rust_decimal::Decimal;

const INDOMIE: &str = "8991234567891";

/// The first business day of the races; round `k` trades on this day + k.
fn day_of(k: usize) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap() + chrono::Days::new(k as u64)
}

fn at(k: usize, hour: u32) -> NaiveDateTime {
    day_of(k).and_hms_opt(hour, 0, 0).unwrap()
}

fn shop_at(db: &Path, when: NaiveDateTime) -> (Shop, Arc<FixedClock>) {
    let clock = Arc::new(FixedClock::new(when));
    let shop = Shop::new(Store::open(db, OpenMode::Existing).unwrap(), clock.clone());
    (shop, clock)
}

/// Open a shift on `till`, sell `qty` Indomie for cash, and (with `close`) close the shift.
/// Returns the sale's number.
fn trade(shop: &mut Shop, till: &str, qty: u32, close: bool) -> kasir::error::Result<String> {
    let actor = Actor::back_office();
    shop.open_shift(&actor, till, Decimal::from(100_000), &CashCount::default())?;
    let mut cart = Cart::default();
    shop.scan_into(&mut cart, &format!("{qty}*{INDOMIE}"))?;
    let sale = shop.checkout(&actor, till, &cart, &[parse_tender("cash:100000").unwrap()])?;
    if close {
        shop.close_shift(&actor, till, &CashCount::default(), Some("uji"), Lang::En)?;
    }
    Ok(sale.number)
}

/// Child part: for each round `k`, wait for the file `go-k`, play this child's part of
/// race KASIR_RACE, and print "k ok DETAIL" or "k refused MESSAGE".
#[test]
#[ignore = "a child process of another test, started by it with --ignored"]
fn race_child() {
    let Ok(db) = std::env::var("KASIR_RACE_CHILD") else {
        return;
    };
    let db = PathBuf::from(db);
    let race = std::env::var("KASIR_RACE").unwrap();
    let part = std::env::var("KASIR_PART").unwrap();
    let rounds: usize = std::env::var("KASIR_ROUNDS").unwrap().parse().unwrap();
    let dir = PathBuf::from(std::env::var("KASIR_GO_DIR").unwrap());
    let (mut shop, clock) = shop_at(&db, at(0, 12));
    let actor = Actor::back_office();
    for k in 0..rounds {
        let go = dir.join(format!("go-{k}"));
        while !go.exists() {
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        clock.set(at(k, 20));
        let r: kasir::error::Result<String> = match (race.as_str(), part.as_str()) {
            ("day_close", _) => shop
                .close_day(&actor, day_of(k))
                .map(|j| format!("{} journals", j.len())),
            ("shift_open", _) => shop
                .open_shift(
                    &actor,
                    &format!("race-{k}"),
                    Decimal::from(50_000),
                    &CashCount::default(),
                )
                .map(|s| format!("shift {}", s.id)),
            ("return", _) => {
                let items =
                    kasir::service::returns::parse_return_items(&[format!("3*{INDOMIE}")]).unwrap();
                let sale = std::env::var(format!("KASIR_SALE_{k}")).unwrap();
                shop.return_items(&actor, None, "sembako-1", &sale, &items)
                    .map(|r| r.number)
            }
            ("close_vs_sale", "close") => shop
                .close_day(&actor, day_of(k))
                .map(|j| format!("{} journals", j.len())),
            ("close_vs_sale", _) => trade(&mut shop, "sembako-1", 1, true),
            other => panic!("no race {other:?}"),
        };
        match r {
            Ok(s) => println!("{k} ok {s}"),
            Err(e) => println!("{k} refused {}", e.message(Lang::En)),
        }
    }
}

/// Run `rounds` rounds of `race` between two children (`parts`), returning each round's
/// two answers in the order of `parts`. Each round: the parent takes the write lock, lets
/// both children go (in a seeded order), gives them time to reach their writes, and lets
/// go of the lock.
fn race(
    db: &Path,
    race: &str,
    parts: [&str; 2],
    rounds: usize,
    env: &[(String, String)],
) -> Vec<[String; 2]> {
    let mut rng = Rng::from_env(&format!("two_tills race {race}"));
    let dir = tempfile::tempdir().unwrap();
    let mut children: Vec<_> = parts
        .iter()
        .map(|part| {
            let mut all = vec![
                ("KASIR_RACE_CHILD", db.display().to_string()),
                ("KASIR_RACE", race.to_string()),
                ("KASIR_PART", part.to_string()),
                ("KASIR_ROUNDS", rounds.to_string()),
                ("KASIR_GO_DIR", dir.path().display().to_string()),
            ];
            all.extend(env.iter().map(|(k, v)| (k.as_str(), v.clone())));
            self_exec(module_path!(), "race_child", &all)
        })
        .collect();
    let mut outs: Vec<_> = children
        .iter_mut()
        .map(|c| std::io::BufReader::new(c.stdout.take().unwrap()))
        .collect();
    let lock = rusqlite::Connection::open(db).unwrap();
    let mut answers = Vec::new();
    for k in 0..rounds {
        lock.execute_batch("BEGIN IMMEDIATE").unwrap();
        // Both children go while the file is locked; the seed decides who is let go first.
        std::fs::write(dir.path().join(format!("go-{k}")), "").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(100 + rng.below(50)));
        lock.execute_batch("ROLLBACK").unwrap();
        let mut round: [String; 2] = Default::default();
        for (i, out) in outs.iter_mut().enumerate() {
            let prefix = format!("{k} ");
            let mut line = String::new();
            while !line.starts_with(&prefix) {
                line.clear();
                let n = out.read_line(&mut line).unwrap();
                assert!(
                    n > 0,
                    "the {} child of race {race} died in round {k}",
                    parts[i]
                );
            }
            round[i] = line[prefix.len()..].trim().to_string();
        }
        answers.push(round);
    }
    for mut c in children {
        assert!(c.wait().unwrap().success(), "a child of race {race} failed");
    }
    answers
}

/// A demo shop with plenty of Indomie.
fn stocked_shop() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["demo"]);
    let csv = dir.path().join("in.csv");
    std::fs::write(
        &csv,
        format!("code,qty,unit,cost,batch,expiry\n{INDOMIE},5000,pcs,2785,,\n"),
    )
    .unwrap();
    ok(&db, &["receive", csv.to_str().unwrap()]);
    (dir, db)
}

const ROUNDS: usize = 6;

/// Σ debit of each unit's live day journals of a date.
fn posted(shop: &Shop, date: NaiveDate) -> BTreeMap<String, Decimal> {
    let mut out = BTreeMap::new();
    for j in shop.day_status(date).unwrap().journals {
        let debit: Decimal = j.lines.iter().map(|l| l.debit).sum();
        *out.entry(j.business_unit).or_default() += debit;
    }
    out
}

/// Σ debit of each unit's journal as the day would post now.
fn as_it_stands(shop: &Shop, date: NaiveDate) -> BTreeMap<String, Decimal> {
    shop.preview_day(date)
        .unwrap()
        .into_iter()
        .map(|(u, j)| (u.as_str().to_string(), j.total()))
        .collect()
}

#[test]
fn two_day_closes_at_once_post_the_day_once() {
    let (_dir, db) = stocked_shop();
    {
        let (mut shop, clock) = shop_at(&db, at(0, 9));
        for k in 0..ROUNDS {
            clock.set(at(k, 9));
            trade(&mut shop, "sembako-1", 2, true).unwrap();
        }
    }
    let answers = race(&db, "day_close", ["a", "b"], ROUNDS, &[]);
    let (shop, _) = shop_at(&db, at(ROUNDS, 9));
    for (k, [a, b]) in answers.iter().enumerate() {
        let oks = [a, b].iter().filter(|s| s.starts_with("ok")).count();
        assert_eq!(oks, 1, "round {k}: exactly one close posts: {a} / {b}");
        let refusal = if a.starts_with("ok") { b } else { a };
        assert!(
            refusal.contains("is already closed and posted"),
            "round {k}: {refusal}"
        );
        let live = shop.day_status(day_of(k)).unwrap().journals;
        assert_eq!(live.len(), 1, "round {k}: one live day journal: {live:?}");
        assert_eq!(posted(&shop, day_of(k)), as_it_stands(&shop, day_of(k)));
    }
    assert!(ok(&db, &["check"]).starts_with("OK"));
}

#[test]
fn two_kasir_day_close_processes_post_the_day_once() {
    let (_dir, db) = stocked_shop();
    ok(
        &db,
        &["shift", "open", "--till", "sembako-1", "--float", "100000"],
    );
    ok(&db, &["sale", "--till", "sembako-1", "cash:10000", INDOMIE]);
    ok(
        &db,
        &[
            "shift",
            "close",
            "--till",
            "sembako-1",
            "--count",
            "100000*1",
            "--reason",
            "uji",
        ],
    );
    // Both processes start while the file is locked, so both have looked at the day before
    // either may write.
    let lock = rusqlite::Connection::open(&db).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();
    let children: Vec<_> = (0..2)
        .map(|_| {
            std::process::Command::new(bin())
                .arg("--db")
                .arg(&db)
                .args(["--lang", "en", "day", "close"])
                .env("KASIR_LOG", "warn")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    lock.execute_batch("ROLLBACK").unwrap();
    let outs: Vec<_> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    let posted = outs.iter().filter(|o| o.status.success()).count();
    let why: Vec<String> = outs
        .iter()
        .map(|o| String::from_utf8_lossy(&o.stderr).trim().to_string())
        .collect();
    assert_eq!(posted, 1, "exactly one `kasir day close` posts: {why:?}");
    assert!(
        why.iter()
            .any(|w| w.contains("is already closed and posted")),
        "{why:?}"
    );
    let status = json(&db, &["day", "status"]);
    assert_eq!(status["journals"].as_array().unwrap().len(), 1, "{status}");
    assert!(ok(&db, &["check"]).starts_with("OK"));
}

#[test]
fn two_shift_opens_on_one_till_at_once_open_one_shift() {
    let (_dir, db) = stocked_shop();
    let answers = race(&db, "shift_open", ["a", "b"], ROUNDS, &[]);
    for (k, [a, b]) in answers.iter().enumerate() {
        let oks = [a, b].iter().filter(|s| s.starts_with("ok")).count();
        assert_eq!(oks, 1, "round {k}: exactly one shift opens: {a} / {b}");
        let refusal = if a.starts_with("ok") { b } else { a };
        assert!(
            refusal.contains(&format!("A shift on race-{k} is still open")),
            "round {k}: {refusal}"
        );
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    let open: i64 = conn
        .query_row(
            "SELECT count(*) FROM shifts WHERE till LIKE 'race-%' AND status = 'open'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(open, ROUNDS as i64);
}

#[test]
fn two_returns_of_one_line_at_once_never_exceed_what_was_sold() {
    let (_dir, db) = stocked_shop();
    // Round k returns 3 + 3 of a sale of 5.
    let mut env = Vec::new();
    {
        let (mut shop, clock) = shop_at(&db, at(0, 9));
        shop.open_shift(
            &Actor::back_office(),
            "sembako-1",
            Decimal::from(500_000),
            &CashCount::default(),
        )
        .unwrap();
        for k in 0..ROUNDS {
            clock.set(at(0, 9) + chrono::Duration::minutes(k as i64));
            let mut cart = Cart::default();
            shop.scan_into(&mut cart, &format!("5*{INDOMIE}")).unwrap();
            let sale = shop
                .checkout(
                    &Actor::back_office(),
                    "sembako-1",
                    &cart,
                    &[parse_tender("cash:100000").unwrap()],
                )
                .unwrap();
            env.push((format!("KASIR_SALE_{k}"), sale.number));
        }
    }
    let start = on_hand(&db, INDOMIE).parse::<Decimal>().unwrap();
    let answers = race(&db, "return", ["a", "b"], ROUNDS, &env);
    for (k, [a, b]) in answers.iter().enumerate() {
        let oks = [a, b].iter().filter(|s| s.starts_with("ok")).count();
        assert_eq!(oks, 1, "round {k}: one return of 3 of 5 passes: {a} / {b}");
        let refusal = if a.starts_with("ok") { b } else { a };
        assert!(
            refusal.contains("at most 2 pcs more can be returned"),
            "round {k}: {refusal}"
        );
    }
    assert_eq!(
        on_hand(&db, INDOMIE).parse::<Decimal>().unwrap(),
        start + Decimal::from(3 * ROUNDS as i64)
    );
    assert!(ok(&db, &["check"]).starts_with("OK"));
}

#[test]
fn a_day_close_racing_a_till_never_leaves_a_sale_out_of_the_posted_day() {
    let (_dir, db) = stocked_shop();
    // Each day already has a closed shift with a sale, so the close has something to post.
    {
        let (mut shop, clock) = shop_at(&db, at(0, 9));
        for k in 0..ROUNDS {
            clock.set(at(k, 9));
            trade(&mut shop, "sembako-1", 2, true).unwrap();
        }
    }
    let answers = race(&db, "close_vs_sale", ["close", "till"], ROUNDS, &[]);
    let (shop, _) = shop_at(&db, at(ROUNDS, 9));
    for (k, [close, till]) in answers.iter().enumerate() {
        let status = shop.day_status(day_of(k)).unwrap();
        if status.closed {
            // The till came too late (refused), or traded and closed its shift before the
            // close began: either way everything sold that day is in the posted journal.
            assert!(close.starts_with("ok"), "round {k}: {close}");
            assert!(
                till.starts_with("ok") || till.contains("has been closed by the treasurer"),
                "round {k}: {till}"
            );
            assert_eq!(
                posted(&shop, day_of(k)),
                as_it_stands(&shop, day_of(k)),
                "round {k}: a sale of the posted day is not in its journal ({close} / {till})"
            );
        } else {
            assert!(
                close.contains("shifts are still open"),
                "round {k}: {close}"
            );
            assert!(till.starts_with("ok"), "round {k}: {till}");
        }
        assert!(status.open_shifts.is_empty(), "round {k}: {status:?}");
    }
}

/// The schema itself refuses what the use cases refuse, whatever writes to the file.
#[test]
fn the_schema_refuses_a_second_posted_day_an_over_return_and_a_second_open_shift() {
    let (_dir, db) = stocked_shop();
    {
        let (mut shop, clock) = shop_at(&db, at(0, 9));
        trade(&mut shop, "sembako-1", 5, true).unwrap();
        clock.set(at(0, 20));
        shop.close_day(&Actor::back_office(), day_of(0)).unwrap();
    }
    let conn = rusqlite::Connection::open(&db).unwrap();
    // A second day journal for the date and unit.
    let second_day = conn.execute(
        "INSERT INTO journals(uuid, number, business_date, business_unit, kind, memo, posted_at, posted_by)
         VALUES ('x', 'J999999', '2026-12-01', 'sembako', 'day', 'again', 't', 'x')",
        [],
    );
    assert!(second_day.is_err(), "a second live day journal was stored");
    // A second close of a closed day.
    let second_close = conn.execute(
        "INSERT INTO day_events(business_date, kind, at, actor) VALUES ('2026-12-01', 'close', 't', 'x')",
        [],
    );
    assert!(second_close.is_err(), "a closed day was closed again");
    // Returning more than the line sold (5): 6 in one line.
    let sale_line: i64 = conn
        .query_row("SELECT max(id) FROM sale_lines", [], |r| r.get(0))
        .unwrap();
    conn.execute(
        "INSERT INTO returns(uuid, number, sale_id, till, business_unit, business_date, created_at,
                             actor, approver, amount, refund_cash, refund_kasbon, rounding)
         SELECT 'r', 'RT-x', sale_id, 't', 'sembako', '2026-12-01', 't', 'x', 'x', 0, 0, 0, 0
         FROM sale_lines WHERE id = ?1",
        [sale_line],
    )
    .unwrap();
    let rid = conn.last_insert_rowid();
    let ret = |qty: i64| {
        conn.execute(
            "INSERT INTO return_lines(return_id, sale_line_id, qty, base_qty, amount, ppn, cost,
                                      business_unit)
             VALUES (?1, ?2, ?3, ?3, 0, 0, 0, 'sembako')",
            [rid, sale_line, qty],
        )
    };
    assert!(ret(3000).is_ok());
    assert!(ret(2000).is_ok());
    assert!(ret(1).is_err(), "more came back than was sold");
    // A second open shift on one till.
    let open = |uuid: &str| {
        conn.execute(
            "INSERT INTO shifts(uuid, till, business_unit, cashier, opened_at, opening_float)
             VALUES (?1, 'dup', 'sembako', 'c', 't', 0)",
            [uuid],
        )
    };
    assert!(open("s1").is_ok());
    assert!(open("s2").is_err());
}
