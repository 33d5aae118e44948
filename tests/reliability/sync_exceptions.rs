//! Business exceptions through a real PostgreSQL (started like `sync_pg`'s; `SKIP:` without
//! one): two tills, offline, each sell more Indomie than the other left on the shelf; once
//! both have synced, every node holds the same stock below zero and one open oversell
//! exception naming both tills' sales. The treasurer resolves it at the back office with a
//! count (a cashier is refused); after the next syncs the adjustment and the resolution
//! are on every node, and stock is equal everywhere.

use crate::common;
use crate::sync_pg::{join, start_pg, till_shop, INDOMIE};

use std::path::Path;

use common::{json, ok, refused};

fn sync(db: &Path) -> serde_json::Value {
    json(db, &["sync", "--once"])
}

/// Mask what the clock makes in an exceptions document: times, and the dates inside sale
/// numbers and reasons (`YYYYMMDD`).
fn masked(v: &serde_json::Value) -> String {
    let text = serde_json::to_string_pretty(v).unwrap();
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let boundary = i == 0 || !digit(i - 1);
        if boundary && (i..i + 8).all(digit) && !digit(i + 8) && b[i] == b'2' && b[i + 1] == b'0' {
            out.push_str("YYYYMMDD");
            i += 8;
            continue;
        }
        if boundary
            && (i..i + 4).all(digit)
            && b.get(i + 4) == Some(&b'-')
            && b.get(i + 10) == Some(&b' ')
            && b.get(i + 13) == Some(&b':')
        {
            out.push_str("YYYY-MM-DD hh:mm:ss");
            i += 19;
            continue;
        }
        let c = text[i..].chars().next().unwrap();
        out.push(c);
        i += c.len_utf8();
    }
    out + "\n"
}

/// Compare with `tests/snapshots/cli_json/NAME.json` (the documents need a server, so they
/// are taken here); `KASIR_UPDATE_SNAPSHOTS=1` writes them instead.
fn assert_snapshot(name: &str, v: &serde_json::Value) {
    let got = masked(v);
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots/cli_json")
        .join(format!("{name}.json"));
    if std::env::var_os("KASIR_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&file, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&file)
        .unwrap_or_else(|_| panic!("{}: no snapshot (KASIR_UPDATE_SNAPSHOTS=1)", file.display()));
    assert_eq!(
        got,
        want,
        "{name}: --json output differs from {}",
        file.display()
    );
}

/// Indomie on hand, as `kasir stock` reports it, and the sum of its stock moves.
fn indomie(db: &Path) -> (String, i64) {
    let on_hand = common::on_hand(db, INDOMIE);
    let sum: i64 = rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT coalesce(sum(m.qty), 0) FROM stock_moves m JOIN products p ON p.id = m.product_id
             WHERE p.sku = 'IDM-GRG'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (on_hand, sum)
}

#[test]
fn goods_sold_twice_offline_are_one_exception_everywhere_resolved_once_at_the_back_office() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bo = dir.path().join("kantor.db");
    ok(&bo, &["demo"]);
    ok(&bo, &["server", "init", "--url", &pg.url()]);
    let a = till_shop(dir.path(), "sembako-1");
    let b = till_shop(dir.path(), "sembako-2");
    let start: i64 = indomie(&bo).0.parse().expect("whole pcs");
    assert!(start > 10, "the demo shop has Indomie: {start}");

    // Each till sells a little more than half of what it knows of: fine alone, `short` pcs
    // beyond the shelf together.
    let each = start / 2 + 2;
    let short = 2 * each - start;
    for (db, till) in [(&a, "sembako-1"), (&b, "sembako-2")] {
        ok(
            db,
            &[
                "sale",
                "--till",
                till,
                &format!("{INDOMIE}*{each}"),
                "cash:5000000",
            ],
        );
        assert_eq!(common::on_hand(db, INDOMIE), (start - each).to_string());
        assert_eq!(
            json(db, &["exceptions"])["exceptions"],
            serde_json::json!([])
        );
    }
    join(&pg, &a, "sembako-1");
    join(&pg, &b, "sembako-2");
    join(&pg, &bo, "kantor");
    for db in [&a, &b, &bo, &a] {
        sync(db);
    }
    let nodes = [&a, &b, &bo];
    for db in nodes {
        assert_eq!(
            indomie(db),
            ((-short).to_string(), -short * 1000),
            "{}",
            db.display()
        );
        let open = json(db, &["exceptions"]);
        let list = open["exceptions"].as_array().unwrap();
        assert_eq!(list.len(), 1, "{}: {open}", db.display());
        let x = &list[0];
        assert_eq!(
            (&x["kind"], &x["subject"], &x["figure"]),
            (
                &serde_json::json!("oversell"),
                &serde_json::json!("IDM-GRG"),
                &serde_json::json!((-short).to_string())
            )
        );
        let involved = x["involved"].as_str().unwrap();
        assert!(
            involved.contains("sembako-1: sembako-1-")
                && involved.contains("sembako-2: sembako-2-"),
            "{}: {involved}",
            db.display()
        );
        assert_eq!(x["resolved"], serde_json::Value::Null);
    }
    // Syncing again finds nothing new and records nothing again.
    sync(&bo);
    let open = json(&bo, &["exceptions", "--all"]);
    assert_eq!(open["exceptions"].as_array().unwrap().len(), 1);
    assert_snapshot("exceptions", &open);
    let id = open["exceptions"][0]["id"].as_i64().unwrap().to_string();

    // A cashier may not resolve it; the treasurer counts 0 on the shelf.
    let no = refused(
        &bo,
        &[
            "--lang",
            "en",
            "exceptions",
            "resolve",
            &id,
            "--note",
            "x",
            "--user",
            "siti",
            "--pin",
            "1111",
        ],
    );
    assert!(no.contains("resolve an exception"), "{no}");
    let no = refused(
        &bo,
        &[
            "exceptions",
            "resolve",
            &id,
            "--note",
            "x",
            "--user",
            "siti",
            "--pin",
            "1111",
        ],
    );
    assert!(no.contains("menyelesaikan pengecualian"), "{no}");
    let done = json(
        &bo,
        &[
            "exceptions",
            "resolve",
            &id,
            "--note",
            "dihitung: rak kosong",
            "--counted",
            "0",
            "--user",
            "ahmad",
            "--pin",
            "4444",
        ],
    );
    assert_snapshot("exceptions_resolve", &done);
    assert_eq!(done["resolved"]["adjustment"], short.to_string());
    assert_eq!(indomie(&bo), ("0".to_string(), 0));

    // The resolution travels: every node adjusts by the same `short` and resolves its exception.
    for db in [&bo, &a, &b] {
        sync(db);
    }
    let count: i64 = pg
        .client()
        .query_one(
            "SELECT count(*) FROM events WHERE kind = 'exception_resolve.v1'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(count, 1);
    for db in nodes {
        assert_eq!(indomie(db), ("0".to_string(), 0), "{}", db.display());
        assert_eq!(
            json(db, &["exceptions"])["exceptions"],
            serde_json::json!([]),
            "{}",
            db.display()
        );
        let all = json(db, &["exceptions", "--all"]);
        let r = &all["exceptions"][0]["resolved"];
        assert_eq!(
            (&r["by"], &r["till"], &r["note"], &r["adjustment"]),
            (
                &serde_json::json!("ahmad"),
                &serde_json::json!("kantor"),
                &serde_json::json!("dihitung: rak kosong"),
                &serde_json::json!(short.to_string())
            ),
            "{}",
            db.display()
        );
        assert_eq!(
            json(db, &["check"])["problems"],
            serde_json::json!([]),
            "{}",
            db.display()
        );
    }
}
