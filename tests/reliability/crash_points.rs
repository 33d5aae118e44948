//! Crash points: every use case that writes is killed at every named point of its write
//! (`kasir::store::crash::POINTS`: before BEGIN, after each statement group, before COMMIT,
//! after COMMIT before the acknowledgement is printed; for backups after the copy, the sync
//! and the rename; for printing after the claim and after the send). The real binary runs
//! with `KASIR_CRASH_AT=<point>` and must die by that abort — a point the use case never
//! reaches fails the test. Afterwards the shop is reopened and:
//! - killed before COMMIT, the shop is exactly as before (every table's row count, every
//!   member's kasbon balance, every product's stock, the draft, the print jobs' states);
//! - killed after COMMIT, it is exactly as after the same command run to its end in a copy;
//! - `kasir check` passes (integrity, audit chain, stock and its value = the moves, each
//!   member's kasbon = the entries) and nothing was acknowledged on stdout.

use crate::common;
use common::*;

use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use kasir::domain::cart::Cart;
use kasir::service::{Shop, SystemClock};
use kasir::store::crash::POINTS;
use kasir::store::{OpenMode, Store};

const INDOMIE: &str = "8991234567891";
const BERAS: &str = "8991993003616";

/// What a kill may change, read straight from the tables.
#[derive(Debug, PartialEq, Eq, Clone)]
struct Snapshot {
    rows: Vec<(String, i64)>,
    kasbon: Vec<(String, i64)>,
    stock: Vec<(i64, i64, i64)>,
    draft: Option<String>,
    jobs: Vec<(String, i64)>,
}

/// What differs between two snapshots, for a failure message a person can read.
fn diff(a: &Snapshot, b: &Snapshot) -> String {
    let mut out = Vec::new();
    for (x, y) in a.rows.iter().zip(&b.rows) {
        if x != y {
            out.push(format!("{}: {} rows vs {}", x.0, x.1, y.1));
        }
    }
    for (x, y) in a.kasbon.iter().zip(&b.kasbon) {
        if x != y {
            out.push(format!("kasbon {}: {} vs {}", x.0, x.1, y.1));
        }
    }
    if a.stock != b.stock {
        out.push("stock moves (Σ qty, Σ value) differ".to_string());
    }
    if a.draft != b.draft {
        out.push(format!(
            "draft: {} vs {}",
            a.draft.is_some(),
            b.draft.is_some()
        ));
    }
    if a.jobs != b.jobs {
        out.push(format!("print jobs: {:?} vs {:?}", a.jobs, b.jobs));
    }
    out.join("; ")
}

fn snapshot(db: &Path) -> Snapshot {
    let c = rusqlite::Connection::open(db).expect("open");
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let rows = tables
        .into_iter()
        .map(|t| {
            let n: i64 = c
                .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect();
    let kasbon = c
        .prepare("SELECT number, kasbon_balance FROM members ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let stock = c
        .prepare(
            "SELECT product_id, coalesce(sum(qty), 0), coalesce(sum(value), 0)
             FROM stock_moves GROUP BY product_id ORDER BY product_id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let draft = c
        .query_row("SELECT cart FROM drafts WHERE till = 'cli'", [], |r| {
            r.get(0)
        })
        .ok();
    let jobs = c
        .prepare("SELECT status, count(*) FROM print_jobs GROUP BY status ORDER BY status")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    Snapshot {
        rows,
        kasbon,
        stock,
        draft,
        jobs,
    }
}

/// A shop ready for `use_case`, and the command that runs it.
fn prepare(dir: &Path, use_case: &str) -> (PathBuf, Vec<String>) {
    let db = dir.join(format!("{use_case}.db"));
    ok(&db, &["demo"]);
    ok(&db, &["shift", "open", "--float", "200000"]);
    let kasbon_sale = |db: &Path| -> String {
        let out = ok(
            db,
            &[
                "sale",
                "--member",
                "A0001",
                "--pay",
                "kasbon:5000",
                "--pay",
                "cash:2000000",
                &format!("{INDOMIE}*3"),
                &format!("{BERAS}*1"),
            ],
        );
        out.lines()
            .find_map(|l| l.strip_prefix("No. transaksi: "))
            .expect("sale number")
            .to_string()
    };
    let args: Vec<String> = match use_case {
        "sale" => {
            // The till's draft: the sale clears it in its own transaction.
            let mut shop = Shop::new(
                Store::open(&db, OpenMode::Existing).unwrap(),
                Arc::new(SystemClock),
            );
            let mut cart = Cart::default();
            shop.scan_into(&mut cart, &format!("2*{INDOMIE}")).unwrap();
            shop.save_draft("cli", &cart).unwrap();
            [
                "sale",
                "--member",
                "A0001",
                "--pay",
                "kasbon:5000",
                "--pay",
                "cash:2000000",
                &format!("{INDOMIE}*2"),
                &format!("{BERAS}*1"),
            ]
            .map(String::from)
            .into()
        }
        "return" => {
            let no = kasbon_sale(&db);
            vec![
                "return".into(),
                no,
                format!("{INDOMIE}*2"),
                format!("{BERAS}*1"),
            ]
        }
        "receive" => {
            let csv = dir.join("delivery.csv");
            std::fs::write(
                &csv,
                format!("code,qty,unit,cost,batch,expiry\n{INDOMIE},24,pcs,2785,,\n{BERAS},2,sak,56410,,\n"),
            )
            .unwrap();
            vec!["receive".into(), csv.display().to_string()]
        }
        "opname" => {
            ok(&db, &["opname", "start"]);
            ok(&db, &["opname", "count", INDOMIE, "7"]);
            ok(&db, &["opname", "count", BERAS, "999"]);
            [
                "opname",
                "finish",
                "--approve-user",
                "ahmad",
                "--approve-pin",
                "4444",
            ]
            .map(String::from)
            .into()
        }
        "shift_close" => {
            kasbon_sale(&db);
            ["shift", "close", "--count", "100000*1", "--reason", "uji"]
                .map(String::from)
                .into()
        }
        "day_close" => {
            kasbon_sale(&db);
            ok(
                &db,
                &["shift", "close", "--count", "100000*1", "--reason", "uji"],
            );
            let date = chrono::Local::now().date_naive().to_string();
            vec!["day".into(), "close".into(), "--date".into(), date]
        }
        "backup" => {
            kasbon_sale(&db);
            vec!["backup".into(), dir.join("copy.db").display().to_string()]
        }
        "print" => {
            kasbon_sale(&db);
            vec!["print".into(), "retry".into()]
        }
        other => panic!("crash point of an unknown use case {other}: add it to this test"),
    };
    (db, args)
}

fn run(db: &Path, args: &[String], point: Option<&str>) -> std::process::Output {
    let mut c = Command::new(bin());
    c.arg("--db").arg(db).args(args).env("KASIR_LOG", "warn");
    // An abort may leave a core file (where core dumps are on): next to the shop, not in
    // the source tree.
    c.current_dir(db.parent().expect("shop folder"));
    match point {
        Some(p) => c.env("KASIR_CRASH_AT", p),
        None => c.env_remove("KASIR_CRASH_AT"),
    };
    c.output().expect("run kasir")
}

fn check_ok(db: &Path, what: &str) {
    let out = kasir(db, &["--lang", "en", "check"]);
    assert!(
        out.status.success(),
        "{what}: kasir check: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Whether a kill at `point` comes after the use case's work is durable.
fn committed(point: &str) -> bool {
    point.ends_with(".after_commit")
        || point == "backup.after_rename"
        || point == "print.after_send"
}

#[test]
fn every_use_case_killed_at_every_crash_point_leaves_a_whole_shop() {
    let dir = tempfile::tempdir().unwrap();
    let mut use_cases: Vec<&str> = POINTS
        .iter()
        .map(|p| p.split_once('.').expect("use_case.stage").0)
        .collect();
    use_cases.dedup();
    // The pull needs the coop's server: `sync_pull.rs` kills `kasir sync` at each of these
    // points against a real PostgreSQL.
    let elsewhere = POINTS
        .iter()
        .filter(|p| p.starts_with("sync_pull.") || p.starts_with("sync_tills."))
        .count();
    assert_eq!(elsewhere, 6, "sync_pull.rs kills at these six points");
    use_cases.retain(|u| *u != "sync_pull" && *u != "sync_tills");
    let mut cases = elsewhere;
    for use_case in use_cases {
        let work = dir.path().join(use_case);
        std::fs::create_dir_all(&work).unwrap();
        let (template, args) = prepare(&work, use_case);
        let before = snapshot(&template);
        // The same command run to its end: what "committed" looks like.
        let done_db = work.join("done.db");
        std::fs::copy(&template, &done_db).unwrap();
        let done_args = retarget(&args, &work, "done");
        let out = run(&done_db, &done_args, None);
        assert!(
            out.status.success(),
            "{use_case} without a crash point: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let after = snapshot(&done_db);
        // Each use case that changes stock, cash or books leaves exactly one event in the
        // outbox, written in its transaction: killed before COMMIT none, after COMMIT that
        // one (the comparisons below count every table's rows).
        let events = |s: &Snapshot| s.rows.iter().find(|(t, _)| t == "events").map(|r| r.1);
        if matches!(
            use_case,
            "sale" | "return" | "shift_close" | "receive" | "opname" | "day_close"
        ) {
            assert_eq!(
                events(&after),
                Some(events(&before).unwrap_or(0) + 1),
                "{use_case}: one event in the outbox"
            );
        }
        if use_case != "backup" {
            assert_ne!(
                before, after,
                "{use_case} changed nothing: the test proves nothing"
            );
        }
        for point in POINTS
            .iter()
            .filter(|p| p.starts_with(&format!("{use_case}.")))
        {
            cases += 1;
            let stage = point.split_once('.').unwrap().1;
            let db = work.join(format!("{stage}.db"));
            std::fs::copy(&template, &db).unwrap();
            let args = retarget(&args, &work, stage);
            let out = run(&db, &args, Some(point));
            assert_eq!(
                out.status.signal(),
                Some(6),
                "{point}: the process was not killed there (never reached?) — status {:?}, stderr {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                !stdout.contains("No. transaksi") && !stdout.contains("OK"),
                "{point}: acknowledged before dying: {stdout}"
            );
            check_ok(&db, point);
            let now = snapshot(&db);
            match use_case {
                "backup" => {
                    assert_eq!(now, before, "{point}: a backup changed the shop");
                    let copy = work.join(format!("{stage}.copy.db"));
                    if committed(point) {
                        assert!(copy.exists(), "{point}: renamed copy missing");
                        check_ok(&copy, point);
                    } else {
                        assert!(
                            !copy.exists(),
                            "{point}: a copy under the asked name before it was whole"
                        );
                    }
                }
                "print" if *point == "print.after_commit" || *point == "print.after_send" => {
                    // The job is claimed, not printed: everything else as before.
                    let claimed = |s: &Snapshot, status: &str| {
                        s.jobs
                            .iter()
                            .find(|(k, _)| k == status)
                            .map(|(_, n)| *n)
                            .unwrap_or(0)
                    };
                    assert_eq!(now.rows, before.rows, "{point}: rows changed");
                    assert_eq!(claimed(&now, "printing"), claimed(&before, "printing") + 1);
                    assert_eq!(claimed(&now, "done"), claimed(&before, "done"));
                }
                _ if committed(point) => assert!(
                    now == after,
                    "{point}: committed work is not whole: {}",
                    diff(&now, &after)
                ),
                _ => assert!(
                    now == before,
                    "{point}: uncommitted work left traces: {}",
                    diff(&now, &before)
                ),
            }
            // The shop goes on: the same command now runs to its end.
            if use_case != "backup" && use_case != "print" && !committed(point) {
                let out = run(&db, &args, None);
                assert!(
                    out.status.success(),
                    "{point}: the command after the crash: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                let rerun = snapshot(&db);
                assert!(
                    rerun == after,
                    "{point}: the rerun differs: {}",
                    diff(&rerun, &after)
                );
            }
        }
    }
    assert_eq!(cases, POINTS.len());
    eprintln!("crash points: {cases} points, each killed once, 0 lost, 0 partial");
}

/// The backup's target file named after the case, so each case writes its own copy.
fn retarget(args: &[String], work: &Path, stage: &str) -> Vec<String> {
    let copy = work.join("copy.db").display().to_string();
    args.iter()
        .map(|a| {
            if *a == copy {
                work.join(format!("{stage}.copy.db")).display().to_string()
            } else {
                a.clone()
            }
        })
        .collect()
}
