//! Backup and restore: an online backup taken while another process sells is a whole shop;
//! damage in the working tables is refused at start, damage in the history wherever it is
//! touched and by `check` and `backup`, always with the advice to restore the last backup;
//! the daily automatic backup rotates its copies.

use crate::common;
use common::*;

use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

fn numbers(db: &Path) -> Vec<String> {
    json(db, &["sales", "list"])["sales"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["number"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_backup_taken_while_another_till_sells_is_a_whole_shop() {
    let (dir, db) = demo_shop();
    // Stock for a thousand sales: the seller must never run out (the demo has 19 sacks of
    // rice), however slow the backups are on a loaded machine.
    let goods = dir.path().join("goods.csv");
    std::fs::write(
        &goods,
        "code,qty,unit,cost,batch,expiry\n8991993003616,1000,sak,56410,,\n8991234567891,2000,,3000,,\n",
    )
    .unwrap();
    ok(
        &db,
        &[
            "receive",
            goods.to_str().unwrap(),
            "--supplier",
            "SMBR",
            "--pay",
            "credit",
        ],
    );
    let stop = Arc::new(AtomicBool::new(false));
    let seller = {
        let (db, stop) = (db.clone(), stop.clone());
        std::thread::spawn(move || {
            let mut sold = 0;
            while !stop.load(Ordering::Relaxed) {
                let out = kasir(
                    &db,
                    &["sale", "cash:100000", "8991234567891*2", "8991993003616"],
                );
                assert!(
                    out.status.success(),
                    "a sale was refused during the backup: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                sold += 1;
            }
            sold
        })
    };
    let rounds = sized(6, 12, 40);
    let mut copies = Vec::new();
    for i in 0..rounds {
        let copy = dir.path().join(format!("copy{i}.db"));
        ok(&db, &["backup", copy.to_str().unwrap()]);
        copies.push(copy);
    }
    stop.store(true, Ordering::Relaxed);
    let sold = seller.join().unwrap();
    assert!(sold > 0, "nothing was sold while backing up");
    let all = numbers(&db);
    let mut last = 0;
    for copy in &copies {
        assert!(
            ok(copy, &["check"]).starts_with("OK"),
            "{} is not a whole shop",
            copy.display()
        );
        let in_copy = numbers(copy);
        // A prefix of the live shop's sales: nothing half-copied, nothing invented.
        assert_eq!(&all[..in_copy.len()], &in_copy[..]);
        assert!(in_copy.len() >= last, "a later copy has fewer sales");
        last = in_copy.len();
    }
    eprintln!(
        "backup under load: {rounds} copies while {sold} sales were rung, every copy checks OK"
    );
}

/// A shop with five sales and a good backup of it, then the WAL folded into the file.
fn shop_with_backup() -> (tempfile::TempDir, std::path::PathBuf, std::path::PathBuf) {
    let (dir, db) = demo_shop();
    for _ in 0..5 {
        ok(&db, &["sale", "cash:20000", "8991234567891*2"]);
    }
    let good = dir.path().join("good.db");
    ok(&db, &["backup", good.to_str().unwrap()]);
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    (dir, db, good)
}

const PAGE: u64 = 4096;

fn junk_pages(db: &Path, pages: &[u64]) {
    let mut f = std::fs::OpenOptions::new().write(true).open(db).unwrap();
    let mut rng = Rng(0xdead_beef);
    for p in pages {
        f.seek(SeekFrom::Start(p * PAGE)).unwrap();
        let junk: Vec<u8> = (0..PAGE).map(|_| rng.next() as u8).collect();
        f.write_all(&junk).unwrap();
    }
    f.sync_all().unwrap();
}

/// The 0-based page of a table's b-tree root.
fn root_page(db: &Path, table: &str) -> u64 {
    let root: i64 = rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT rootpage FROM sqlite_schema WHERE name = ?1",
            [table],
            |r| r.get(0),
        )
        .unwrap();
    root as u64 - 1
}

fn says_damaged(err: &str, what: &str) {
    assert!(
        err.contains("damaged") && err.contains("restore the last backup"),
        "{what}: {err}"
    );
}

/// The backup is whole and becomes the shop again.
fn restore(good: &Path, db: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::copy(good, db).unwrap();
    assert!(ok(db, &["check"]).starts_with("OK"));
    assert_eq!(numbers(db).len(), 5);
}

#[test]
fn damage_in_the_working_tables_is_refused_at_start_with_the_advice_to_restore() {
    let (_dir, db, good) = shop_with_backup();
    junk_pages(
        &db,
        &[root_page(&db, "products"), root_page(&db, "barcodes")],
    );
    for args in [
        &["--lang", "en", "sales", "list"][..],
        &["--lang", "en", "sale", "cash:20000", "8991234567891"],
        &["--lang", "en", "check"],
    ] {
        says_damaged(&refused(&db, args), &format!("{args:?}"));
    }
    let err = refused(&db, &["sales", "list"]);
    assert!(err.contains("pulihkan dari cadangan terakhir"), "{err}");
    restore(&good, &db);
}

#[test]
fn damage_in_the_sales_history_is_found_by_check_and_backup_and_refused_where_touched() {
    let (dir, db, good) = shop_with_backup();
    junk_pages(&db, &[root_page(&db, "sale_lines")]);
    // Opening does not read the whole history; what reaches the damage is refused …
    says_damaged(
        &refused(
            &db,
            &["--lang", "en", "sale", "cash:20000", "8991234567891"],
        ),
        "sale",
    );
    // … and the checks that read every page find it.
    says_damaged(&refused(&db, &["--lang", "en", "check"]), "check");
    let copy = dir.path().join("copy.db");
    says_damaged(
        &refused(&db, &["--lang", "en", "backup", copy.to_str().unwrap()]),
        "backup",
    );
    assert!(!copy.exists(), "a damaged copy was left as a backup");
    restore(&good, &db);
}

#[test]
fn damage_anywhere_in_the_file_is_found_by_check() {
    let (_dir, db, good) = shop_with_backup();
    let pages = std::fs::metadata(&db).unwrap().len() / PAGE;
    junk_pages(&db, &[pages / 2, pages / 2 + 1, pages / 3]);
    says_damaged(&refused(&db, &["--lang", "en", "check"]), "check");
    restore(&good, &db);
}

#[test]
fn the_daily_backup_writes_one_copy_a_day_and_rotates() {
    let (dir, db) = demo_shop();
    let auto = dir.path().join("cadangan");
    let err = refused(&db, &["--lang", "en", "backup", "--auto"]);
    assert!(err.contains("not set up"), "{err}");
    let first = json(
        &db,
        &[
            "backup",
            "--auto",
            "--dir",
            auto.to_str().unwrap(),
            "--keep",
            "3",
        ],
    );
    let written = first["written"]
        .as_str()
        .expect("a copy written")
        .to_string();
    assert!(ok(Path::new(&written), &["check"]).starts_with("OK"));
    // Again today: nothing new; the policy was saved, so no flags are needed.
    let again = json(&db, &["backup", "--auto"]);
    assert!(again["written"].is_null());
    // Older copies from earlier days: only the newest three stay.
    for d in 1..=4 {
        std::fs::copy(&written, auto.join(format!("shop-2020-01-0{d}.db"))).unwrap();
    }
    std::fs::write(auto.join("catatan.txt"), "bukan cadangan").unwrap();
    let r = json(&db, &["backup", "--auto"]);
    let kept: Vec<&str> = r["kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_str().unwrap())
        .collect();
    assert_eq!(kept.len(), 3);
    assert!(kept[0].ends_with("shop-2020-01-03.db"), "{kept:?}");
    assert_eq!(kept[2], written);
    assert_eq!(r["removed"].as_array().unwrap().len(), 2);
    assert!(auto.join("catatan.txt").exists());
    let audit = json(&db, &["check"]);
    assert_eq!(audit["audit_chain"], true);
}

#[test]
fn closing_the_day_makes_the_daily_backup() {
    let (dir, db) = demo_shop();
    let auto = dir.path().join("harian");
    ok(
        &db,
        &[
            "backup",
            "--auto",
            "--dir",
            auto.to_str().unwrap(),
            "--keep",
            "7",
        ],
    );
    // Today's copy exists; remove it so the close has to make it.
    for f in std::fs::read_dir(&auto).unwrap() {
        std::fs::remove_file(f.unwrap().path()).unwrap();
    }
    ok(&db, &["sale", "cash:20000", "8991234567891*2"]);
    ok(
        &db,
        &["shift", "close", "--count", "100000*2", "--reason", "uji"],
    );
    let date = json(&db, &["sales", "list"])["date"]
        .as_str()
        .unwrap()
        .to_string();
    let out = kasir(&db, &["--lang", "en", "day", "close", "--date", &date]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("Daily backup written"));
    let copies: Vec<_> = std::fs::read_dir(&auto).unwrap().collect();
    assert_eq!(copies.len(), 1);
    let copy = copies[0].as_ref().unwrap().path();
    // The copy already holds the closed day.
    let err = refused(&copy, &["--lang", "en", "day", "close", "--date", &date]);
    assert!(err.contains("already closed"), "{err}");
}
