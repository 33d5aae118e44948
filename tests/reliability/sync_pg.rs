//! Sync against a real PostgreSQL: each test starts its own throwaway server from the
//! installed package (`pg_server`: `initdb -A trust` and `pg_ctl` into a temp dir, as the
//! `postgres` user when the tests run as root, on a free 127.0.0.1 port) and stops it at the
//! end. Without PostgreSQL the tests print `SKIP:`; under `KASIR_CI=1` they fail instead.
//!
//! Each till is its own shop file driven through the real `kasir` binary, one process per
//! command: tills sell offline, join, and `kasir sync --once` pushes. PostgreSQL is read
//! directly to check what it holds.

use crate::common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{json, kasir, ok};
use rust_decimal::Decimal;

pub(crate) const INDOMIE: &str = "8991234567891";
pub(crate) const BERAS: &str = "8991993003616";

pub(crate) use crate::pg_server::{start_pg, Pg};

/// A demo shop for till `till` in `dir`, with its shift open.
pub(crate) fn till_shop(dir: &Path, till: &str) -> PathBuf {
    let db = dir.join(format!("{till}.db"));
    ok(&db, &["demo"]);
    ok(&db, &["shift", "open", "--till", till, "--float", "100000"]);
    db
}

pub(crate) fn sell(db: &Path, till: &str, n: usize) {
    for i in 0..n {
        let items = [format!("{INDOMIE}*{}", i + 1), BERAS.to_string()];
        ok(
            db,
            &["sale", "--till", till, &items[0], &items[1], "cash:500000"],
        );
    }
}

/// Sales of `till` in the shop file: (count, total in rupiah).
pub(crate) fn local_sales(db: &Path, till: &str) -> (i64, Decimal) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT count(*), COALESCE(sum(total), 0) FROM sales WHERE till = ?1",
        [till],
        |r| {
            Ok((
                r.get::<_, i64>(0)?,
                Decimal::new(r.get::<_, i64>(1)?, 2).normalize(),
            ))
        },
    )
    .unwrap()
}

/// Events of `till` in the shop file the server has not acknowledged.
pub(crate) fn unacked(db: &Path, till: &str) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT count(*) FROM events WHERE acked = 0 AND till = ?1",
        [till],
        |r| r.get(0),
    )
    .unwrap()
}

/// Sales PostgreSQL holds for `till`: (events, distinct sale numbers, total in rupiah).
pub(crate) fn server_sales(pg: &Pg, till: &str) -> (i64, i64, Decimal) {
    let row = pg
        .client()
        .query_one(
            "SELECT count(*), count(DISTINCT payload->'sale'->>'number'),
                    COALESCE(sum((payload->'sale'->>'total')::numeric), 0)::text
             FROM events WHERE till = $1 AND kind = 'sale.v1'",
            &[&till],
        )
        .unwrap();
    let total: String = row.get(2);
    (
        row.get(0),
        row.get(1),
        total.parse::<Decimal>().unwrap().normalize(),
    )
}

pub(crate) fn join(pg: &Pg, db: &Path, till: &str) -> serde_json::Value {
    let joined = json(db, &["till", "join", "--server", &pg.url(), "--till", till]);
    let creds = credentials(db);
    let password = creds["password"].as_str().unwrap();
    assert!(password.len() >= 32);
    assert!(
        !joined.to_string().contains(password),
        "the password must never be printed: {joined}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(creds_file(db))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "credentials readable by their owner only"
        );
    }
    joined
}

pub(crate) fn creds_file(db: &Path) -> PathBuf {
    PathBuf::from(format!("{}.sync.json", db.display()))
}

pub(crate) fn credentials(db: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(creds_file(db)).unwrap()).unwrap()
}

/// A connection to PostgreSQL as the till's own role.
pub(crate) fn as_till(db: &Path) -> postgres::Client {
    let c = credentials(db);
    postgres::Config::new()
        .host(c["host"].as_str().unwrap())
        .port(c["port"].as_u64().unwrap() as u16)
        .dbname(c["dbname"].as_str().unwrap())
        .user(c["role"].as_str().unwrap())
        .password(c["password"].as_str().unwrap())
        .connect(postgres::NoTls)
        .expect("connect as the till's role")
}

#[test]
fn two_tills_sell_offline_and_the_server_holds_every_sale_once() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("none.db");
    let first = json(&nowhere, &["server", "init", "--url", &pg.url()]);
    assert_eq!(first["before"], serde_json::Value::Null);
    let again = json(&nowhere, &["server", "init", "--url", &pg.url()]);
    assert_eq!(
        again["before"], first["version"],
        "init is idempotent and versioned"
    );

    // Both tills sell before they ever talk to the server.
    let a = till_shop(dir.path(), "sembako-1");
    let b = till_shop(dir.path(), "sembako-2");
    sell(&a, "sembako-1", 4);
    sell(&b, "sembako-2", 3);
    assert_eq!(
        unacked(&a, "sembako-1"),
        5,
        "the shift opened and four sales (the demo's opening stock is no event)"
    );
    join(&pg, &a, "sembako-1");
    join(&pg, &b, "sembako-2");
    let ra = json(&a, &["sync", "--once"]);
    let rb = json(&b, &["sync", "--once"]);
    assert_eq!(
        (ra["acked_through"].as_i64(), ra["pending"].as_i64()),
        (Some(5), Some(0))
    );
    assert_eq!(
        (rb["acked_through"].as_i64(), rb["pending"].as_i64()),
        (Some(4), Some(0))
    );
    // A second run has nothing to send.
    assert_eq!(json(&a, &["sync", "--once"])["sent"], 0);
    for (db, till) in [(&a, "sembako-1"), (&b, "sembako-2")] {
        let (n, total) = local_sales(db, till);
        assert_eq!(server_sales(&pg, till), (n, n, total), "{till}");
        assert_eq!(unacked(db, till), 0);
    }
    // A return travels too.
    let sale_no: String = rusqlite::Connection::open(&a)
        .unwrap()
        .query_row("SELECT number FROM sales ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    ok(
        &a,
        &[
            "return",
            &sale_no,
            INDOMIE,
            "--till",
            "sembako-1",
            "--supervisor",
            "admin",
            "--supervisor-pin",
            "9999",
        ],
    );
    json(&a, &["sync", "--once"]);
    let returns: i64 = pg
        .client()
        .query_one("SELECT count(*) FROM events WHERE kind = 'return.v1'", &[])
        .unwrap()
        .get(0);
    assert_eq!(returns, 1);
    let status = json(&nowhere, &["server", "status", "--url", &pg.url()]);
    let tills = status["tills"].as_array().unwrap();
    assert_eq!(tills.len(), 2);
    assert_eq!(tills[0]["till"], "sembako-1");
    assert_eq!(tills[0]["highest_seq"], 6);
    assert_eq!(tills[1]["highest_seq"], 4);
    assert_eq!(tills[0]["quarantined"], 0);
    assert!(tills[0]["last_push"].is_string());
}

#[test]
fn a_push_whose_reply_is_lost_is_sent_again_and_stored_once() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    ok(
        &dir.path().join("x.db"),
        &["server", "init", "--url", &pg.url()],
    );
    let a = till_shop(dir.path(), "sembako-1");
    join(&pg, &a, "sembako-1");
    sell(&a, "sembako-1", 3);
    // The server commits the batch; the till dies before it records the acknowledgement.
    let out = Command::new(common::bin())
        .arg("--db")
        .arg(&a)
        .args(["sync", "--once"])
        .env("KASIR_CRASH_AT", "sync.after_push")
        .env("KASIR_LOG", "warn")
        .output()
        .unwrap();
    assert!(
        !out.status.success(),
        "the sync process was killed after the push"
    );
    assert_eq!(
        server_sales(&pg, "sembako-1").0,
        3,
        "the server stored the batch"
    );
    assert_eq!(
        unacked(&a, "sembako-1"),
        4,
        "the till does not know: its shift opened, three sales"
    );
    sell(&a, "sembako-1", 1);
    // The next run sends the same events again (and the new one): nothing twice.
    let r = json(&a, &["sync", "--once"]);
    assert_eq!(r["sent"], 5);
    assert_eq!(r["acked_through"], 5);
    let (n, total) = local_sales(&a, "sembako-1");
    assert_eq!(server_sales(&pg, "sembako-1"), (4, 4, total));
    assert_eq!(n, 4);
    assert_eq!(unacked(&a, "sembako-1"), 0);
    let q: i64 = pg
        .client()
        .query_one("SELECT count(*) FROM quarantine", &[])
        .unwrap()
        .get(0);
    assert_eq!(q, 0, "a retried batch is not a conflict");
}

#[test]
fn a_tampered_event_goes_to_quarantine_and_later_events_still_land() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("x.db");
    ok(&nowhere, &["server", "init", "--url", &pg.url()]);
    let a = till_shop(dir.path(), "sembako-1");
    join(&pg, &a, "sembako-1");
    sell(&a, "sembako-1", 2);
    json(&a, &["sync", "--once"]);
    // Another event under the till's seq 1: its own id, payload and (correct) hash.
    let payload = r#"{"sale":{"number":"sembako-1-forged","total":"1"}}"#;
    let hash: String = pg
        .client()
        .query_one(
            "SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')",
            &[&payload],
        )
        .unwrap()
        .get(0);
    let forged = serde_json::json!([{
        "id": "01890000-0000-7000-8000-000000000001", "till": "sembako-1", "seq": 1,
        "kind": "sale.v1", "version": 1, "payload": payload, "hash": hash,
        "till_time": "2026-01-01 08:00:00",
    }])
    .to_string();
    let held: i64 = as_till(&a)
        .query_one(
            "SELECT kasir_push('sembako-1', $1::text::jsonb)",
            &[&forged],
        )
        .expect("the batch is not refused for one bad event")
        .get(0);
    assert_eq!(held, 3);
    // An unknown version is kept aside too.
    let unknown = forged
        .replace("\"version\":1", "\"version\":99")
        .replace("0001\"", "0002\"")
        .replace("\"seq\":1", "\"seq\":4");
    as_till(&a)
        .query_one(
            "SELECT kasir_push('sembako-1', $1::text::jsonb)",
            &[&unknown],
        )
        .unwrap();
    let status = json(&nowhere, &["server", "status", "--url", &pg.url()]);
    assert_eq!(status["tills"][0]["quarantined"], 2);
    let reasons: Vec<String> = pg
        .client()
        .query("SELECT reason FROM quarantine ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(
        reasons,
        [
            "till and seq already hold another event",
            "unknown kind or version"
        ]
    );
    // The till's own events after it still land, its seq 4 too: a quarantined event holds
    // no place in the till's sequence.
    sell(&a, "sembako-1", 2);
    let r = json(&a, &["sync", "--once"]);
    assert_eq!(r["pending"], 0);
    let stored: Vec<i64> = pg
        .client()
        .query("SELECT seq FROM events ORDER BY seq", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(stored, [1, 2, 3, 4, 5]);
    let first: String = pg
        .client()
        .query_one("SELECT kind FROM events WHERE seq = 1", &[])
        .unwrap()
        .get(0);
    assert_eq!(first, "shift_open.v1", "the stored event is not replaced");
}

#[test]
fn a_till_role_may_only_push_for_its_own_till() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    ok(
        &dir.path().join("x.db"),
        &["server", "init", "--url", &pg.url()],
    );
    let a = till_shop(dir.path(), "sembako-1");
    let b = till_shop(dir.path(), "sembako-2");
    join(&pg, &a, "sembako-1");
    join(&pg, &b, "sembako-2");
    let mut c = as_till(&a);
    let err = c
        .query_one("SELECT kasir_push('sembako-2', '[]'::jsonb)", &[])
        .expect_err("pushing as another till is refused");
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
        "{err}"
    );
    let err = c
        .query("SELECT * FROM kasir_pull('sembako-2', 0, 10)", &[])
        .expect_err("pulling as another till is refused");
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
        "{err}"
    );
    c.query("SELECT * FROM kasir_pull('sembako-1', 0, 10)", &[])
        .expect("a till pulls as itself");
    let err = c
        .query("SELECT * FROM kasir_tills('sembako-2')", &[])
        .expect_err("listing as another till is refused");
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE),
        "{err}"
    );
    let listed: Vec<String> = c
        .query("SELECT till FROM kasir_tills('sembako-1')", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(listed, ["sembako-2"], "the other tills");
    let err = c
        .query_one("SELECT count(*) FROM events", &[])
        .expect_err("a till's role reads no table");
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE)
    );
    let err = c
        .query_one("SELECT kasir_register_till('x', 'y', true)", &[])
        .expect_err("a till's role registers no till");
    assert_eq!(
        err.code(),
        Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE)
    );
    // Till ids are unique in the coop: a second machine joining as sembako-1 is refused,
    // and with --rejoin takes the id over (the first machine's role can no longer log in).
    let other = till_shop(dir.path(), "other");
    let out = kasir(
        &other,
        &["till", "join", "--server", &pg.url(), "--till", "sembako-1"],
    );
    assert!(!out.status.success(), "a registered till id is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("already registered"));
    // Its own till works.
    c.query_one("SELECT kasir_push('sembako-1', '[]'::jsonb)", &[])
        .unwrap();
    ok(
        &other,
        &[
            "till",
            "join",
            "--server",
            &pg.url(),
            "--till",
            "sembako-1",
            "--rejoin",
        ],
    );
    // Without joining, sync says how to join and changes nothing.
    let fresh = till_shop(dir.path(), "sembako-3");
    let out = kasir(&fresh, &["sync", "--once"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("till join"));
}
