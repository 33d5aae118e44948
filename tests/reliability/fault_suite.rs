//! Faults around the till: the database locked by another process, a read-only file, a full
//! disk. In each the CLI gives a clear one-line reason (never SQLite's raw "database is
//! locked"), exits non-zero, and nothing acknowledged is lost.
//!
//! Printer faults (offline, paper out, hanging TCP printer) are in `tests/service/print_queue.rs`
//! and `hardware/tests/tcp_printer.rs`; a scanner unplugged mid-burst is in
//! `hardware/tests/scanner_pty.rs`.

use crate::common;
use common::*;

use std::path::Path;
use std::process::Command;
use std::sync::Arc;

use kasir::domain::cart::Cart;
use kasir::domain::cash::CashCount;
use kasir::domain::user::Actor;
use kasir::service::{FixedClock, Shop};
use kasir::store::{OpenMode, Store};
use rust_decimal::Decimal;

fn kasir_env(db: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut c = Command::new(bin());
    c.arg("--db").arg(db).args(args).env("KASIR_LOG", "warn");
    for (k, v) in env {
        c.env(k, v);
    }
    c.output().expect("run kasir")
}

fn stderr(o: &std::process::Output) -> String {
    String::from_utf8_lossy(&o.stderr).trim().to_string()
}

fn sale_count(db: &Path) -> usize {
    json(db, &["sales", "list"])["sales"]
        .as_array()
        .unwrap()
        .len()
}

const SALE: &[&str] = &["--lang", "en", "sale", "cash:10000", "8991234567891*2"];

#[test]
fn a_write_lock_held_by_another_process_gives_a_clear_message_after_the_timeout() {
    let (_dir, db) = demo_shop();
    ok(&db, &["sale", "cash:10000", "8991234567891*2"]);
    let before = snapshot(&db);
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();

    let out = kasir_env(&db, SALE, &[("KASIR_BUSY_TIMEOUT_MS", "300")]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        !err.contains("database is locked"),
        "raw SQLite text: {err}"
    );
    assert!(
        err.contains("busy") && err.contains("nothing was saved"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
    // Reading goes on while another till writes: the back office is not blocked.
    let out = kasir_env(
        &db,
        &["--json", "sales", "list"],
        &[("KASIR_BUSY_TIMEOUT_MS", "300")],
    );
    assert!(out.status.success(), "{}", stderr(&out));

    holder.execute_batch("ROLLBACK").unwrap();
    assert_eq!(snapshot(&db), before, "the refused sale changed something");
    ok(&db, &["sale", "cash:10000", "8991234567891*2"]);
    assert_eq!(sale_count(&db), 2);
    assert!(ok(&db, &["check"]).starts_with("OK"));
}

#[test]
fn a_lock_released_within_the_timeout_is_waited_for() {
    let (_dir, db) = demo_shop();
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN IMMEDIATE").unwrap();
    let release = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(300));
        holder.execute_batch("COMMIT").unwrap();
    });
    let out = kasir_env(&db, SALE, &[("KASIR_BUSY_TIMEOUT_MS", "20000")]);
    release.join().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sale_count(&db), 1);
}

/// Make the file read-only in a way that holds even for root: `chattr +i` as root, else
/// mode 0444. Returns a guard that undoes it.
struct ReadOnly(std::path::PathBuf, bool);

impl ReadOnly {
    fn new(db: &Path) -> Option<ReadOnly> {
        let root = Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        if root {
            let done = Command::new("chattr")
                .arg("+i")
                .arg(db)
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if !done {
                if std::env::var("KASIR_CI").as_deref() == Ok("1") {
                    panic!("chattr +i is needed as root under KASIR_CI=1");
                }
                println!("SKIP: running as root and chattr +i is not available here");
                return None;
            }
            Some(ReadOnly(db.to_path_buf(), true))
        } else {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(db, std::fs::Permissions::from_mode(0o444)).unwrap();
            Some(ReadOnly(db.to_path_buf(), false))
        }
    }
}

impl Drop for ReadOnly {
    fn drop(&mut self) {
        if self.1 {
            let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        } else {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o600));
        }
    }
}

fn file_bytes(db: &Path) -> Vec<u8> {
    std::fs::read(db).unwrap()
}

#[test]
fn a_read_only_database_refuses_writes_clearly_and_keeps_every_byte() {
    let (_dir, db) = demo_shop();
    ok(&db, &["sale", "cash:10000", "8991234567891*2"]);
    // Fold the WAL into the file so the file alone is the shop.
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let bytes = file_bytes(&db);
    let Some(_ro) = ReadOnly::new(&db) else {
        return;
    };
    for args in [
        SALE,
        &[
            "--lang", "en", "shift", "close", "--count", "100000*2", "--reason", "uji",
        ],
        &["--lang", "en", "opname", "start"],
    ] {
        let out = kasir_env(&db, args, &[]);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = stderr(&out);
        assert!(err.contains("read-only"), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    // What is there can still be read.
    assert_eq!(sale_count(&db), 1);
    assert_eq!(file_bytes(&db), bytes, "a refused write changed the file");
}

#[test]
fn a_full_disk_refuses_the_sale_cleanly_and_earlier_sales_stay() {
    if !have_tool("sh") {
        return;
    }
    let (_dir, db) = demo_shop();
    let first = ok(&db, &["sale", "cash:10000", "8991234567891*2"]);
    assert!(first.contains("No. transaksi"));
    let before = snapshot(&db);
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    // No file of the process may grow past 2 KiB: the WAL frame of the sale cannot be written.
    // SIGXFSZ is ignored, so the write fails with EFBIG as on a full disk.
    let script = format!(
        "trap '' XFSZ; ulimit -f 4; exec '{}' --db '{}' --lang en sale cash:10000 8991234567891*2",
        bin(),
        db.display()
    );
    let out = Command::new("sh")
        .args(["-c", &script])
        .env("KASIR_LOG", "off")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("NOT saved"), "{err}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Sale number"));
    assert_eq!(snapshot(&db), before, "the refused sale left a trace");
    assert!(ok(&db, &["check"]).starts_with("OK"));
    ok(&db, &["sale", "cash:10000", "8991234567891*2"]);
    assert_eq!(sale_count(&db), 2);
}

#[test]
fn a_database_at_its_size_cap_refuses_the_sale_with_disk_full() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    ok(&db, &["demo"]);
    let clock = Arc::new(FixedClock::new(
        chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
    ));
    let mut shop = Shop::new(Store::open(&db, OpenMode::Existing).unwrap(), clock);
    let boss = Actor::back_office();
    shop.open_shift(&boss, "cli", Decimal::from(100_000), &CashCount::default())
        .unwrap();
    let sell = |shop: &mut Shop| {
        let mut cart = Cart::default();
        shop.scan_or_prescribe("cli", &mut cart, "8991234567891*2", None)
            .unwrap();
        shop.checkout(
            &boss,
            "cli",
            &cart,
            &[kasir::service::checkout::parse_tender("cash:10000").unwrap()],
        )
    };
    let first = sell(&mut shop).unwrap();
    let pages: i64 = shop
        .store
        .conn()
        .query_row("PRAGMA page_count", [], |r| r.get(0))
        .unwrap();
    // Fill the file up to a cap with one extra page of room: a sale needs more than that.
    shop.store
        .conn()
        .execute_batch(&format!("PRAGMA max_page_count={pages}"))
        .unwrap();
    let mut refused = 0;
    for _ in 0..40 {
        match sell(&mut shop) {
            Ok(_) => {}
            Err(e) => {
                let msg = e.message(kasir::i18n::Lang::En);
                assert!(msg.contains("disk is full"), "{msg}");
                refused += 1;
                break;
            }
        }
    }
    assert_eq!(refused, 1, "the cap never bit");
    let kept = shop.sale(&first.number).unwrap();
    assert_eq!(kept.payable, first.payable);
    let report = shop.check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
}

#[test]
fn a_shop_in_a_folder_without_write_access_is_read_only_not_foreign() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let shop_dir = dir.path().join("toko");
    std::fs::create_dir(&shop_dir).unwrap();
    let db = shop_dir.join("shop.db");
    ok(&db, &["demo"]);
    let bytes = file_bytes(&db);
    let set =
        |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    set(dir.path(), 0o755);
    set(&shop_dir, 0o555);
    set(&db, 0o444);
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let run = |args: &[&str]| {
        let mut c = if root {
            let mut c = Command::new("setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups", bin()]);
            c
        } else {
            Command::new(bin())
        };
        c.arg("--db")
            .arg(&db)
            .args(args)
            .env("KASIR_LOG", "off")
            .output()
    };
    if root && !have_tool("setpriv") {
        set(&shop_dir, 0o755);
        return;
    }
    // SQLite cannot make the -shm file next to the shop: neither command may call the shop
    // foreign, and the sale is refused as read-only.
    let list = run(&["--lang", "en", "sales", "list"]).unwrap();
    let sale = run(&["--lang", "en", "sale", "cash:10000", "8991234567891"]).unwrap();
    set(&shop_dir, 0o755);
    set(&db, 0o600);
    for out in [&list, &sale] {
        let err = stderr(out);
        assert!(!err.contains("not a kasir database"), "{err}");
    }
    assert_eq!(sale.status.code(), Some(1));
    assert!(stderr(&sale).contains("read-only"), "{}", stderr(&sale));
    assert_eq!(file_bytes(&db), bytes);
}

/// A small filesystem of its own (tmpfs), unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// Mount a tmpfs of `size` (e.g. "24m"); `None` (with SKIP, or a failure under
    /// `KASIR_CI=1`) when this machine cannot mount one.
    fn new(size: &str) -> Option<SmallDisk> {
        let dir = tempfile::tempdir().unwrap();
        let mounted = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if !mounted {
            assert!(
                std::env::var("KASIR_CI").as_deref() != Ok("1"),
                "mounting a tmpfs is required under KASIR_CI=1 (run as root)"
            );
            println!("SKIP: cannot mount a tmpfs here (needs root)");
            return None;
        }
        Some(SmallDisk { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Fill the filesystem of `dir` to the last byte with `file`.
fn fill(file: &Path) -> u64 {
    use std::io::Write;
    let mut f = std::fs::File::create(file).unwrap();
    let block = vec![0u8; 64 * 1024];
    let mut written = 0u64;
    let mut chunk = block.len();
    while chunk > 0 {
        match f.write(&block[..chunk]) {
            Ok(0) => break,
            Ok(n) => written += n as u64,
            Err(_) => chunk /= 2,
        }
    }
    let _ = f.sync_all();
    written
}

#[test]
fn a_disk_that_fills_while_the_till_is_open_refuses_the_sale_whole_and_the_till_goes_on() {
    let Some(disk) = SmallDisk::new("24m") else {
        return;
    };
    let db = disk.path().join("shop.db");
    ok(&db, &["demo"]);
    let clock = Arc::new(FixedClock::new(
        chrono::NaiveDate::from_ymd_opt(2026, 3, 2)
            .unwrap()
            .and_hms_opt(9, 0, 0)
            .unwrap(),
    ));
    // The till: its connection open, its shift open, one sale rung.
    let mut shop = Shop::new(Store::open(&db, OpenMode::Existing).unwrap(), clock);
    let boss = Actor::back_office();
    shop.open_shift(&boss, "cli", Decimal::from(100_000), &CashCount::default())
        .unwrap();
    let sell = |shop: &mut Shop| {
        let mut cart = Cart::default();
        shop.scan_or_prescribe("cli", &mut cart, "8991234567891*2", None)
            .unwrap();
        shop.scan_or_prescribe("cli", &mut cart, "8991993003616", None)
            .unwrap();
        shop.checkout(
            &boss,
            "cli",
            &cart,
            &[kasir::service::checkout::parse_tender("cash:200000").unwrap()],
        )
    };
    let first = sell(&mut shop).unwrap();
    // The WAL back to nothing, so the next sale's frames need new space on the disk.
    shop.store
        .conn()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .unwrap();
    let rows = |shop: &Shop| -> (i64, i64, i64, i64) {
        shop.store
            .conn()
            .query_row(
                "SELECT (SELECT count(*) FROM sales), (SELECT count(*) FROM sale_lines),
                        (SELECT count(*) FROM stock_moves), (SELECT count(*) FROM print_jobs)",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
            )
            .unwrap()
    };
    let before = rows(&shop);
    // Another program fills the disk while the till is open.
    let filler = disk.path().join("filler");
    let filled = fill(&filler);
    assert!(filled > 0);
    let err = sell(&mut shop).expect_err("a sale on a full disk was acknowledged");
    let msg = err.message(kasir::i18n::Lang::En);
    assert!(msg.contains("disk is full"), "{msg}");
    assert!(msg.contains("NOT saved"), "{msg}");
    assert_eq!(rows(&shop), before, "the refused sale left a part behind");
    // Space returns: the same till goes on, and the shop is whole.
    std::fs::remove_file(&filler).unwrap();
    let next = sell(&mut shop).unwrap();
    assert_ne!(next.number, first.number);
    assert_eq!(rows(&shop).0, before.0 + 1);
    let report = shop.check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    eprintln!("full disk: {filled} bytes filled, the sale refused whole, the next one sold");
}
