//! What the coop's server knows of each till, on a real PostgreSQL (the server of
//! `sync_pg`): every use case's event is stored (none quarantined), and after each sync the
//! till reports its pending events and its clock, which `kasir server status` shows and
//! flags when it is off by more than 5 minutes. The till's clock is the shop's clock, set
//! ahead here with a `FixedClock`.

use crate::common;
use crate::sync_pg::{as_till, join, start_pg, till_shop};

use std::path::PathBuf;
use std::sync::Arc;

use common::{json, ok};
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::cash::CashCount;
use kasir::domain::user::Actor;
use kasir::i18n::Lang;
use kasir::service::shift_close::CashMoveKind;
use kasir::service::stock::{parse_receipt, Payment, ReceiveOptions};
use kasir::service::write_off::WriteOffReason;
use kasir::service::{Clock, FixedClock, Shop};
use rust_decimal_macros::dec;

const INDOMIE: &str = "8991234567891";

fn back() -> Actor {
    Actor::back_office()
}

/// Server kinds stored, with how many of each, and the quarantine's size.
fn server_kinds(pg: &crate::sync_pg::Pg) -> (Vec<(String, i64)>, i64) {
    let mut c = pg.client();
    let kinds = c
        .query(
            "SELECT kind, count(*) FROM events GROUP BY kind ORDER BY kind",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let q: i64 = c
        .query_one("SELECT count(*) FROM quarantine", &[])
        .unwrap()
        .get(0);
    (kinds, q)
}

#[test]
fn every_use_cases_event_is_stored_and_the_server_knows_each_tills_pending_and_clock() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("x.db");
    ok(&nowhere, &["server", "init", "--url", &pg.url()]);
    let a = till_shop(dir.path(), "sembako-1");
    join(&pg, &a, "sembako-1");

    // The till's clock runs 7 minutes ahead of the server's.
    let now = chrono::Local::now().naive_local();
    let clock = Arc::new(FixedClock::new(now + chrono::Duration::minutes(7)));
    let mut shop = Shop::open(&a, clock.clone()).unwrap();
    let lines = parse_receipt(
        format!("code,qty,unit,cost,batch,expiry\n{INDOMIE},40,,2500,,\n").as_bytes(),
    )
    .unwrap();
    shop.receive(
        &back(),
        &lines,
        &ReceiveOptions {
            payment: Payment::Cash,
            note: Some("stok".into()),
            ..Default::default()
        },
    )
    .unwrap();
    shop.write_off(&back(), INDOMIE, dec!(1), WriteOffReason::Rusak, None)
        .unwrap();
    shop.opname_start(&back(), None).unwrap();
    let on_hand = shop.stock(Some(INDOMIE)).unwrap()[0].on_hand;
    shop.opname_count(&back(), INDOMIE, on_hand - dec!(1), None)
        .unwrap();
    shop.opname_finish(&back(), Some(("admin", "9999")))
        .unwrap();
    shop.cash_move(
        &back(),
        None,
        "sembako-1",
        CashMoveKind::In,
        dec!(5000),
        "modal receh",
    )
    .unwrap();
    let mut cart = Cart::default();
    shop.attach_member(&mut cart, Some("A0001")).unwrap();
    shop.scan_into(&mut cart, INDOMIE).unwrap();
    let total = cart.totals(shop.settings().unwrap().tax()).total;
    shop.checkout(
        &back(),
        "sembako-1",
        &cart,
        &[Tender {
            kind: TenderKind::Kasbon,
            amount: total,
            reference: None,
        }],
    )
    .unwrap();
    shop.repay_kasbon(&back(), "sembako-1", "A0001", total)
        .unwrap();
    shop.close_shift(
        &back(),
        "sembako-1",
        &CashCount::default(),
        Some("uji"),
        Lang::Id,
    )
    .unwrap();
    let today = clock.now().date();
    shop.close_day(&back(), today).unwrap();
    shop.reverse_day(&back(), today, "salah akun", true)
        .unwrap();

    clock.set(chrono::Local::now().naive_local() + chrono::Duration::minutes(7));
    let r = shop.sync_once().unwrap();
    assert_eq!(r.pending, 0);
    let offset = r.clock_offset_ms.expect("the server measured the clock");
    assert!(
        (7 * 60_000 - 30_000..=7 * 60_000 + 30_000).contains(&offset),
        "the server measured the till 7 minutes ahead: {offset} ms"
    );
    let (kinds, quarantined) = server_kinds(&pg);
    assert_eq!(quarantined, 0, "no kind is unknown to the server");
    // (The demo's opening stock is no event: one delivery, the one above.)
    let kinds: Vec<(&str, i64)> = kinds.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(
        kinds,
        [
            ("cash_move.v1", 1),
            ("day_close.v1", 2),
            ("day_reverse.v1", 1),
            ("kasbon_repay.v1", 1),
            ("opname.v1", 1),
            ("receive.v1", 1),
            ("sale.v1", 1),
            ("shift_close.v1", 1),
            ("shift_open.v1", 1),
            ("write_off.v1", 1),
        ]
    );

    // `server status`: pending, quarantine and the clock, flagged in both languages.
    let status = json(&nowhere, &["server", "status", "--url", &pg.url()]);
    let t = &status["tills"][0];
    assert_eq!(t["till"], "sembako-1");
    assert_eq!(t["pending"], 0);
    assert_eq!(t["quarantined"], 0);
    assert_eq!(t["clock_off"], true);
    assert!(t["reported_at"].is_string());
    assert_snapshot_server_status(status.clone());
    let text = ok(&nowhere, &["server", "status", "--url", &pg.url()]);
    assert!(
        text.contains("Jam kasir sembako-1 selisih +7 mnt"),
        "{text}"
    );
    let text = ok(
        &nowhere,
        &["--lang", "en", "server", "status", "--url", &pg.url()],
    );
    assert!(
        text.contains("The clock of till sembako-1 is +7 min off"),
        "{text}"
    );

    // The clock set right, events waiting that the server could not take (a till id it
    // does not know would be refused; here the report is made directly by the till's role):
    // the next report says so, and the flag goes.
    clock.set(chrono::Local::now().naive_local());
    let r = shop.sync_once().unwrap();
    assert!(
        r.clock_offset_ms.is_some_and(|ms| ms.abs() < 30_000),
        "{:?}",
        r.clock_offset_ms
    );
    as_till(&a)
        .query_one("SELECT kasir_report('sembako-1', 12, now())", &[])
        .unwrap();
    let status = json(&nowhere, &["server", "status", "--url", &pg.url()]);
    assert_eq!(status["tills"][0]["pending"], 12);
    assert_eq!(status["tills"][0]["clock_off"], false);
    let text = ok(&nowhere, &["server", "status", "--url", &pg.url()]);
    assert!(!text.contains("Jam kasir"), "{text}");
}

#[test]
fn a_till_reports_only_for_itself_and_tills_joined_before_the_upgrade_may_report() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    // The schema as an older kasir installed it (everything before version 3), a till
    // joined to it, and that till's push: this kasir pushes to an older server too.
    let sql = include_str!("../../src/sync/server.sql");
    let older = &sql[..sql.find("-- Version 3").expect("a version 3 section")];
    pg.client().batch_execute(older).unwrap();
    let old = till_shop(dir.path(), "lama-1");
    join(&pg, &old, "lama-1");
    let r = json(&old, &["sync", "--once"]);
    assert_eq!(r["pending"], 0, "{r}");
    let nowhere = dir.path().join("x.db");
    let up = json(&nowhere, &["server", "init", "--url", &pg.url()]);
    assert_eq!(
        up["version"],
        kasir::store::coop::SERVER_SCHEMA_VERSION,
        "upgraded to this kasir's version"
    );
    assert_eq!(up["before"], 2, "{up}");
    as_till(&old)
        .query_one("SELECT kasir_report('lama-1', 3, now())", &[])
        .expect("a till registered before the upgrade may report");
    // A till joined after it, too; neither reports for the other.
    let b = till_shop(dir.path(), "sembako-2");
    join(&pg, &b, "sembako-2");
    as_till(&b)
        .query_one("SELECT kasir_report('sembako-2', 0, now())", &[])
        .unwrap();
    let err = as_till(&b)
        .query_one("SELECT kasir_report('lama-1', 0, now())", &[])
        .expect_err("reporting for another till is refused");
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE)
    );
    // Running init again changes nothing.
    let again = json(&nowhere, &["server", "init", "--url", &pg.url()]);
    assert_eq!(again["before"], up["version"]);
    let status = json(&nowhere, &["server", "status", "--url", &pg.url()]);
    let tills = status["tills"].as_array().unwrap();
    assert_eq!(tills[0]["till"], "lama-1");
    assert_eq!(tills[0]["pending"], 3);
    assert!(tills[0]["last_push"].is_string());
    assert_eq!(tills[1]["till"], "sembako-2");
    assert_eq!(tills[1]["pending"], 0);
    assert_eq!(tills[1]["last_push"], serde_json::Value::Null);
    // The old till's next sync reports by itself.
    ok(&old, &["sync", "--once"]);
    let status = json(&nowhere, &["server", "status", "--url", &pg.url()]);
    assert_eq!(status["tills"][0]["pending"], 0);
}

/// `kasir server status --json` against `tests/snapshots/cli_json/server_status.json`, its
/// times and clock offset masked (with `KASIR_UPDATE_SNAPSHOTS=1`, written instead).
fn assert_snapshot_server_status(mut v: serde_json::Value) {
    for t in v["tills"].as_array_mut().unwrap() {
        for k in ["last_push", "reported_at"] {
            if t[k].is_string() {
                t[k] = "YYYY-MM-DD hh:mm:ss".into();
            }
        }
        if t["clock_offset_ms"].is_number() {
            t["clock_offset_ms"] = 420000.into();
        }
    }
    let got = serde_json::to_string_pretty(&v).unwrap() + "\n";
    let file: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "snapshots",
        "cli_json",
        "server_status.json",
    ]
    .iter()
    .collect();
    if std::env::var_os("KASIR_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&file, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&file).unwrap_or_default();
    assert_eq!(
        want,
        got,
        "server status --json differs from {}",
        file.display()
    );
}

#[test]
fn the_windows_sync_thread_pushes_on_its_own_connection_while_the_till_sells() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    ok(
        &dir.path().join("x.db"),
        &["server", "init", "--url", &pg.url()],
    );
    let a = till_shop(dir.path(), "sembako-1");
    join(&pg, &a, "sembako-1");
    let clock: Arc<dyn Clock> = Arc::new(kasir::service::SystemClock);
    let mut shop = Shop::open(&a, clock.clone()).unwrap();
    let mut sync = kasir::service::sync_worker::SyncWorkerHandle::spawn(
        a.clone(),
        clock,
        std::time::Duration::from_millis(200),
    );
    // The till sells while the thread pushes.
    for _ in 0..5 {
        let mut cart = Cart::default();
        shop.scan_into(&mut cart, INDOMIE).unwrap();
        let total = cart.totals(shop.settings().unwrap().tax()).total;
        shop.checkout(
            &back(),
            "sembako-1",
            &cart,
            &[Tender {
                kind: TenderKind::Cash,
                amount: total,
                reference: None,
            }],
        )
        .unwrap();
    }
    // Until the thread has pushed everything (at most 20 s).
    let mut state = sync.state();
    for _ in 0..400 {
        state = sync.state();
        if state.last_ok.is_some() && state.pending == 0 && state.failure.is_none() {
            let held: i64 = pg
                .client()
                .query_one(
                    "SELECT count(*) FROM events WHERE till = 'sembako-1' AND kind = 'sale.v1'",
                    &[],
                )
                .unwrap()
                .get(0);
            if held == 5 {
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    sync.stop();
    assert_eq!(state.failure, None);
    assert_eq!(state.pending, 0, "{state:?}");
    assert!(state
        .text(shop.now(), Lang::Id)
        .starts_with("sinkron baru saja · 0 menunggu"));
    let held: i64 = pg
        .client()
        .query_one(
            "SELECT count(*) FROM events WHERE till = 'sembako-1' AND kind = 'sale.v1'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(held, 5, "every sale reached the server");
}
