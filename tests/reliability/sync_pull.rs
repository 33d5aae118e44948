//! The pull, against a real PostgreSQL (started like `sync_pg`'s; `SKIP:` without one):
//! two tills and a back office, each its own shop file driven through the real `kasir`
//! binary, sell offline, then `kasir sync --once` pushes each one's events and pulls the
//! others'. Every node ends with the same stock, the same kasbon balances and every sale
//! exactly once; PostgreSQL is read directly to check the sums against what it holds.

use crate::common;
use crate::sync_pg::{join, start_pg, till_shop, Pg, BERAS, INDOMIE};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{json, kasir, ok};
use rust_decimal::Decimal;

/// Dated, batch-numbered stock in the demo shop (batch L270581).
pub(crate) const BATCHED: &str = "8991993003821";

/// Per product SKU: (on hand in thousandths of the base unit, stock value in minor units),
/// from each product's newest move.
pub(crate) fn stock(db: &Path) -> BTreeMap<String, (i64, i64)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare(
            "SELECT p.sku,
                    coalesce((SELECT m.on_hand_after FROM stock_moves m WHERE m.product_id = p.id
                              ORDER BY m.id DESC LIMIT 1), 0),
                    coalesce((SELECT sum(m.qty) FROM stock_moves m WHERE m.product_id = p.id), 0)
             FROM products p",
        )
        .unwrap();
    st.query_map([], |r| {
        let (sku, on_hand, sum): (String, i64, i64) = (r.get(0)?, r.get(1)?, r.get(2)?);
        assert_eq!(on_hand, sum, "{sku}: the balance is the sum of its moves");
        Ok((sku, (on_hand, sum)))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// Per (SKU, batch number): the batch's cached balance.
pub(crate) fn batches(db: &Path) -> BTreeMap<(String, String), i64> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare(
            "SELECT p.sku, b.batch_no, b.on_hand FROM batches b JOIN products p ON p.id = b.product_id",
        )
        .unwrap();
    st.query_map([], |r| Ok(((r.get(0)?, r.get(1)?), r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

pub(crate) fn kasbon(db: &Path, member: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT kasbon_balance FROM members WHERE number = ?1",
            [member],
            |r| r.get(0),
        )
        .unwrap()
}

/// Every sale in the file: (uuid, number, till, total, tenders), sorted by uuid.
pub(crate) fn sales(db: &Path) -> Vec<(String, String, String, i64, String)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare(
            "SELECT s.uuid, s.number, s.till, s.total,
                    (SELECT group_concat(t.kind || ':' || t.amount, ' ') FROM sale_tenders t
                     WHERE t.sale_id = s.id)
             FROM sales s ORDER BY s.uuid",
        )
        .unwrap();
    st.query_map([], |r| {
        Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// Row counts of every table: what "changes nothing" is held to.
pub(crate) fn rows(db: &Path) -> Vec<(String, i64)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let tables: Vec<String> = c
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    tables
        .into_iter()
        .map(|t| {
            let n = c
                .query_row(&format!("SELECT count(*) FROM \"{t}\""), [], |r| r.get(0))
                .unwrap();
            (t, n)
        })
        .collect()
}

/// Σ qty of the stock moves in every event PostgreSQL holds, per SKU, in thousandths.
pub(crate) fn server_moves(pg: &Pg) -> BTreeMap<String, i64> {
    pg.client()
        .query(
            "SELECT m->>'sku', sum((m->>'qty')::numeric)::text
             FROM events e, jsonb_array_elements(e.payload->'stock_moves') m GROUP BY 1",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| {
            let q: Decimal = r.get::<_, String>(1).parse().unwrap();
            let milli = (q * Decimal::from(1000)).normalize();
            assert!(milli.fract().is_zero(), "{q} in thousandths");
            (r.get(0), milli.to_string().parse().unwrap())
        })
        .collect()
}

/// Σ kasbon tendered to `member` in the sales PostgreSQL holds, less the kasbon its returns
/// refunded, in minor units.
pub(crate) fn server_kasbon(pg: &Pg, member: &str) -> i64 {
    let total: String = pg
        .client()
        .query_one(
            "SELECT (coalesce((SELECT sum((t->>'amount')::numeric)
                               FROM events e, jsonb_array_elements(e.payload->'tenders') t
                               WHERE e.kind = 'sale.v1' AND t->>'kind' = 'kasbon'
                                 AND e.payload->'sale'->>'member' = $1), 0)
                   - coalesce((SELECT sum((e.payload->'return'->>'refund_kasbon')::numeric)
                               FROM events e
                               WHERE e.kind = 'return.v1'
                                 AND e.payload->'return'->>'member' = $1), 0))::text",
            &[&member],
        )
        .unwrap()
        .get(0);
    let d: Decimal = total.parse().unwrap();
    (d * Decimal::from(100))
        .normalize()
        .to_string()
        .parse()
        .unwrap()
}

pub(crate) fn server_count(pg: &Pg, kind: &str) -> i64 {
    pg.client()
        .query_one("SELECT count(*) FROM events WHERE kind = $1", &[&kind])
        .unwrap()
        .get(0)
}

/// What a till sells while offline: cash sales, a batch-tracked item, and kasbon for A0001.
pub(crate) fn sell_offline(db: &Path, till: &str, n: usize) {
    for i in 0..n {
        let items = [format!("{INDOMIE}*{}", i + 1), BERAS.to_string()];
        ok(
            db,
            &["sale", "--till", till, &items[0], &items[1], "cash:500000"],
        );
    }
    ok(
        db,
        &[
            "sale",
            "--till",
            till,
            &format!("{BATCHED}*2"),
            "cash:100000",
        ],
    );
    ok(
        db,
        &[
            "sale",
            "--till",
            till,
            "--member",
            "A0001",
            "--pay",
            "kasbon:5000",
            "--pay",
            "cash:100000",
            &format!("{INDOMIE}*3"),
        ],
    );
}

/// `kasir sync`'s JSON is a promise to scripts like the rest of the command line's: it is
/// compared with `tests/snapshots/cli_json/NAME.json` (event ids and times masked; the
/// documents need a server, so they are taken here rather than in `tests/cli/cli_json.rs`).
/// `KASIR_UPDATE_SNAPSHOTS=1` writes them instead.
fn assert_snapshot(name: &str, mut v: serde_json::Value) {
    for x in v["exceptions"].as_array_mut().into_iter().flatten() {
        x["event_id"] = "UUID".into();
        x["first_seen"] = "YYYY-MM-DD hh:mm:ss".into();
        x["last_tried"] = "YYYY-MM-DD hh:mm:ss".into();
    }
    let got = serde_json::to_string_pretty(&v).unwrap() + "\n";
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

pub(crate) fn check_ok(db: &Path) {
    let c = json(db, &["check"]);
    assert_eq!(
        c["problems"],
        serde_json::json!([]),
        "{}: {c}",
        db.display()
    );
}

pub(crate) fn sync(db: &Path) -> serde_json::Value {
    json(db, &["sync", "--once"])
}

pub(crate) fn pulled(r: &serde_json::Value) -> (i64, i64, i64) {
    (
        r["pulled"].as_i64().expect("pulled"),
        r["applied"].as_i64().expect("applied"),
        r["exceptions"].as_i64().expect("exceptions"),
    )
}

/// A back-office file: the demo shop, no shift of its own.
pub(crate) fn back_office(dir: &Path) -> PathBuf {
    let db = dir.join("kantor.db");
    ok(&db, &["demo"]);
    db
}

#[test]
fn two_tills_and_the_back_office_converge_through_the_server() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bo = back_office(dir.path());
    ok(&bo, &["server", "init", "--url", &pg.url()]);
    let a = till_shop(dir.path(), "sembako-1");
    let b = till_shop(dir.path(), "sembako-2");
    let base_stock = stock(&bo);
    let base_batches = batches(&bo);
    let base_kasbon = kasbon(&bo, "A0001");
    assert_eq!(stock(&a), base_stock, "the demo shops start alike");

    // Both tills sell the same products offline; sembako-1 takes one item back, sembako-2
    // closes its shift.
    sell_offline(&a, "sembako-1", 2);
    sell_offline(&b, "sembako-2", 3);
    let first: String = rusqlite::Connection::open(&a)
        .unwrap()
        .query_row("SELECT number FROM sales ORDER BY id LIMIT 1", [], |r| {
            r.get(0)
        })
        .unwrap();
    ok(
        &a,
        &[
            "return",
            &first,
            INDOMIE,
            "--till",
            "sembako-1",
            "--supervisor",
            "admin",
            "--supervisor-pin",
            "9999",
        ],
    );
    ok(
        &b,
        &[
            "shift",
            "close",
            "--till",
            "sembako-2",
            "--count",
            "100000*20",
            "--reason",
            "uji",
        ],
    );
    join(&pg, &a, "sembako-1");
    join(&pg, &b, "sembako-2");
    join(&pg, &bo, "kantor");

    // sembako-1 pushes (nothing to pull yet), sembako-2 pushes and pulls sembako-1's, the
    // back office pulls both, sembako-1 pulls sembako-2's.
    let a_events = 1 + 4 + 1; // shift opened, four sales, a return
    let b_events = 1 + 5 + 1; // shift opened, five sales, shift closed
    assert_eq!(pulled(&sync(&a)), (0, 0, 0));
    assert_eq!(pulled(&sync(&b)), (a_events, a_events, 0));
    let r = sync(&bo);
    assert_eq!(pulled(&r), (a_events + b_events, a_events + b_events, 0));
    assert_snapshot("sync", r);
    assert_eq!(pulled(&sync(&a)), (b_events, b_events, 0));

    let nodes = [&a, &b, &bo];
    let moved = server_moves(&pg);
    assert!(moved.len() >= 3, "the sales moved stock: {moved:?}");
    let want: BTreeMap<String, (i64, i64)> = base_stock
        .iter()
        .map(|(sku, (q, _))| {
            let q = q + moved.get(sku).copied().unwrap_or(0);
            (sku.clone(), (q, q))
        })
        .collect();
    for db in nodes {
        assert_eq!(
            stock(db),
            want,
            "{}: stock = the opening + Σ the server's moves",
            db.display()
        );
        assert_eq!(batches(db), batches(&a), "{}: batches", db.display());
        assert_eq!(
            kasbon(db, "A0001"),
            base_kasbon + server_kasbon(&pg, "A0001"),
            "{}: kasbon",
            db.display()
        );
    }
    assert_ne!(batches(&a), base_batches, "the batch-tracked item was sold");
    assert_eq!(server_kasbon(&pg, "A0001"), 2 * 5000 * 100);
    let all = sales(&bo);
    assert_eq!(all.len() as i64, server_count(&pg, "sale.v1"));
    assert_eq!(all.len(), 9);
    for db in nodes {
        let here = sales(db);
        assert_eq!(here, all, "{}: every sale exactly once", db.display());
        let numbers: std::collections::BTreeSet<_> = here.iter().map(|s| &s.1).collect();
        assert_eq!(numbers.len(), here.len(), "receipt numbers unique");
        check_ok(db);
    }
    // sembako-2's shift is closed on every node; the return is on every node.
    for db in nodes {
        let c = rusqlite::Connection::open(db).unwrap();
        let open: i64 = c
            .query_row(
                "SELECT count(*) FROM shifts WHERE till = 'sembako-2' AND status = 'open'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let closed: i64 = c
            .query_row(
                "SELECT count(*) FROM shifts s JOIN shift_closes c ON c.shift_id = s.id
                 WHERE s.till = 'sembako-2'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!((open, closed), (0, 1), "{}", db.display());
        let returns: i64 = c
            .query_row("SELECT count(*) FROM returns", [], |r| r.get(0))
            .unwrap();
        assert_eq!(returns, 1, "{}", db.display());
        // Applying wrote nothing to the node's own outbox.
        let foreign: i64 = c
            .query_row(
                "SELECT count(*) FROM events WHERE till NOT IN ('sembako-1', 'sembako-2')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(foreign, 0);
    }
    let outbox = |db: &Path| -> i64 {
        rusqlite::Connection::open(db)
            .unwrap()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(
        (outbox(&a), outbox(&b), outbox(&bo)),
        (a_events, b_events, 0)
    );

    // sembako-2 takes back goods sembako-1 sold: a batch-tracked item (cash, on a new
    // shift) and an item paid with kasbon. The other nodes apply the returns into the
    // same batches and refund the same kasbon.
    let numbers: Vec<String> = rusqlite::Connection::open(&a)
        .unwrap()
        .prepare("SELECT number FROM sales WHERE till = 'sembako-1' ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let sup = ["--supervisor", "admin", "--supervisor-pin", "9999"];
    ok(
        &b,
        &["shift", "open", "--till", "sembako-2", "--float", "100000"],
    );
    for (sale, item) in [
        (&numbers[2], BATCHED.to_string()),
        (&numbers[3], INDOMIE.to_string()),
    ] {
        let mut args = vec![
            "return",
            sale.as_str(),
            item.as_str(),
            "--till",
            "sembako-2",
        ];
        args.extend(sup);
        ok(&b, &args);
    }
    assert_eq!(pulled(&sync(&b)), (0, 0, 0));
    assert_eq!(pulled(&sync(&a)), (3, 3, 0));
    assert_eq!(pulled(&sync(&bo)), (3, 3, 0));
    assert!(
        server_kasbon(&pg, "A0001") < 2 * 5000 * 100,
        "a kasbon refund travelled"
    );
    let moved = server_moves(&pg);
    for db in nodes {
        let want: BTreeMap<String, (i64, i64)> = base_stock
            .iter()
            .map(|(sku, (q, _))| {
                let q = q + moved.get(sku).copied().unwrap_or(0);
                (sku.clone(), (q, q))
            })
            .collect();
        assert_eq!(stock(db), want, "{}: after the returns", db.display());
        assert_eq!(batches(db), batches(&b), "{}: batches", db.display());
        assert_eq!(
            kasbon(db, "A0001"),
            base_kasbon + server_kasbon(&pg, "A0001"),
            "{}: kasbon refunded",
            db.display()
        );
        check_ok(db);
    }
    ok(
        &b,
        &[
            "shift",
            "close",
            "--till",
            "sembako-2",
            "--count",
            "100000*1",
            "--reason",
            "uji",
        ],
    );
    sync(&b);
    sync(&a);
    sync(&bo);

    // Again: nothing new, nothing changes.
    let before: Vec<_> = nodes.iter().map(|db| rows(db)).collect();
    for db in nodes {
        let r = sync(db);
        assert_eq!(pulled(&r), (0, 0, 0), "{}", db.display());
        assert_eq!(r["sent"], 0);
    }
    let after: Vec<_> = nodes.iter().map(|db| rows(db)).collect();
    assert_eq!(before, after, "a sync with nothing new changes nothing");
    // The report says it in words too.
    let text = ok(&bo, &["--lang", "en", "sync", "--once"]);
    assert!(text.contains("0 pulled"), "{text}");

    // The back office's day close sees every till: sembako-1's shift is open there, so the
    // day waits; once sembako-1 closes and the close is pulled, the day posts every till's
    // sales, and the books still match the stock.
    let out = kasir(&bo, &["--lang", "en", "day", "close"]);
    assert!(!out.status.success(), "a till's shift is still open");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("sembako-1"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ok(
        &a,
        &[
            "shift",
            "close",
            "--till",
            "sembako-1",
            "--count",
            "100000*20",
            "--reason",
            "uji",
        ],
    );
    sync(&a);
    assert_eq!(pulled(&sync(&bo)), (1, 1, 0));
    let closed = json(&bo, &["day", "close"]);
    let posted: Vec<String> = rusqlite::Connection::open(&bo)
        .unwrap()
        .prepare("SELECT DISTINCT s.till FROM sales s ORDER BY s.till")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(posted, ["sembako-1", "sembako-2"]);
    // Persediaan moves in the day's journals by exactly the value of every till's stock
    // moves the server holds.
    let mut persediaan = Decimal::ZERO;
    for j in closed["journals"].as_array().unwrap() {
        for l in j["lines"].as_array().unwrap() {
            if l["name"].as_str().unwrap().starts_with("Persediaan") {
                let d: Decimal = l["debit"].as_str().unwrap().parse().unwrap();
                let c: Decimal = l["credit"].as_str().unwrap().parse().unwrap();
                persediaan += d - c;
            }
        }
    }
    let moved: String = pg
        .client()
        .query_one(
            "SELECT sum((m->>'value')::numeric)::text
             FROM events e, jsonb_array_elements(e.payload->'stock_moves') m",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(persediaan, moved.parse::<Decimal>().unwrap());
    assert!(persediaan < Decimal::ZERO, "{closed}");
    check_ok(&bo);
}

/// `kasir sync --once` killed at each stage of keeping the server's list of tills and of
/// applying a pulled batch: before the batch's COMMIT nothing of it is here and the next
/// sync applies it once; after COMMIT all of it is, and the next sync pulls nothing. Once
/// the list is kept, the node knows it is behind until it has caught up.
#[test]
fn a_sync_killed_while_applying_a_pulled_batch_leaves_all_or_nothing() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = till_shop(dir.path(), "sembako-1");
    ok(&a, &["server", "init", "--url", &pg.url()]);
    join(&pg, &a, "sembako-1");
    sell_offline(&a, "sembako-1", 2);
    sync(&a);
    let points = [
        "sync_tills.before_begin",
        "sync_tills.before_commit",
        "sync_tills.after_commit",
        "sync_pull.before_begin",
        "sync_pull.before_commit",
        "sync_pull.after_commit",
    ];
    for (i, point) in points.iter().enumerate() {
        // sembako-1's shift and four sales, and the shifts the earlier nodes opened.
        let n_events = 1 + 4 + i as i64;
        let b = till_shop(dir.path(), &format!("sembako-{}", i + 2));
        join(&pg, &b, &format!("sembako-{}", i + 2));
        let before = (sales(&b), stock(&b), kasbon(&b, "A0001"));
        let out = Command::new(common::bin())
            .arg("--db")
            .arg(&b)
            .args(["sync", "--once"])
            .env("KASIR_CRASH_AT", point)
            .env("KASIR_LOG", "warn")
            .output()
            .unwrap();
        assert!(!out.status.success(), "{point}: the sync was killed");
        let c = rusqlite::Connection::open(&b).unwrap();
        let applied: i64 = c
            .query_row("SELECT count(*) FROM sync_applied", [], |r| r.get(0))
            .unwrap();
        let sales_of_a: i64 = c
            .query_row(
                "SELECT count(*) FROM sales WHERE till = 'sembako-1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        drop(c);
        let committed = *point == "sync_pull.after_commit";
        if committed {
            assert_eq!((applied, sales_of_a), (n_events, 4), "{point}");
        } else {
            assert_eq!(
                (applied, sales_of_a),
                (0, 0),
                "{point}: nothing of the batch"
            );
            assert_eq!(
                (sales(&b), stock(&b), kasbon(&b, "A0001")),
                before,
                "{point}: the shop as before"
            );
        }
        // Once the server's list of tills is kept, a node the pull did not finish on knows
        // it is behind on sembako-1, and its day close waits.
        let listed = !point.starts_with("sync_tills.") || *point == "sync_tills.after_commit";
        let behind = json(&b, &["day", "status"])["unsynced_tills"].clone();
        if listed && !committed {
            assert!(
                behind.as_array().unwrap().iter().any(|t| t == "sembako-1"),
                "{point}: {behind}"
            );
            let out = kasir(&b, &["--lang", "en", "day", "close"]);
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(
                !out.status.success() && err.contains("sembako-1") && err.contains("sync"),
                "{point}: {err}"
            );
        } else {
            assert_eq!(behind, serde_json::json!([]), "{point}");
        }
        check_ok(&b);
        let r = sync(&b);
        let again = if committed {
            (0, 0, 0)
        } else {
            (n_events, n_events, 0)
        };
        assert_eq!(pulled(&r), again, "{point}: the next sync");
        assert_eq!(sales(&b), sales(&a), "{point}: each sale once");
        assert_eq!(
            stock(&b),
            stock(&a),
            "{point}: the same stock as sembako-1's"
        );
        assert_eq!(
            json(&b, &["day", "status"])["unsynced_tills"],
            serde_json::json!([]),
            "{point}: caught up"
        );
        check_ok(&b);
    }
}

/// Events this node cannot apply (goods received and sold of a product it does not have:
/// one sembako-1 holds without its catalog event, as a file from before the catalog
/// travelled does) are kept as exceptions; the rest is applied, and once the product is
/// here the next sync applies them.
#[test]
fn an_event_that_cannot_be_applied_here_waits_and_does_not_block_the_rest() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = till_shop(dir.path(), "sembako-1");
    let b = till_shop(dir.path(), "sembako-2");
    ok(&a, &["server", "init", "--url", &pg.url()]);
    join(&pg, &a, "sembako-1");
    join(&pg, &b, "sembako-2");
    // A product only sembako-1 has, sold between two sales of known products.
    let csv = dir.path().join("new.csv");
    std::fs::write(
        &csv,
        "sku,name,business_unit,base_unit,tax_class,drug_class,batch_tracked,weighed,unit,factor,barcodes,price_umum,price_anggota,price_grosir,grosir_min_qty,cost,min_stock,nie,het,plu\n\
         KOPI-X,Kopi Baru 200 g,sembako,pcs,ppn,none,0,0,pcs,1,8999990000010,15000,14500,,,12000,5,,,\n",
    )
    .unwrap();
    rusqlite::Connection::open(&a)
        .unwrap()
        .execute_batch(
            "INSERT INTO products(uuid, sku, name, business_unit, base_unit, tax_class,
                                  min_stock, last_cost)
             VALUES ('kopi-x', 'KOPI-X', 'Kopi Baru 200 g', 'sembako', 'pcs', 'ppn', 5000,
                     1200000);
             INSERT INTO product_units(product_id, unit, factor, price_umum, price_anggota)
             VALUES ((SELECT id FROM products WHERE sku = 'KOPI-X'), 'pcs', 1000, 1500000,
                     1450000);
             INSERT INTO barcodes(code, unit_id) VALUES ('8999990000010', last_insert_rowid());",
        )
        .unwrap();
    let stock_csv = dir.path().join("in.csv");
    std::fs::write(
        &stock_csv,
        "code,qty,unit,cost,batch,expiry\n8999990000010,10,pcs,12000,,\n",
    )
    .unwrap();
    ok(&a, &["receive", stock_csv.to_str().unwrap()]);
    ok(&a, &["sale", "--till", "sembako-1", INDOMIE, "cash:100000"]);
    ok(
        &a,
        &[
            "sale",
            "--till",
            "sembako-1",
            "8999990000010*2",
            "cash:100000",
        ],
    );
    ok(&a, &["sale", "--till", "sembako-1", BERAS, "cash:100000"]);
    sync(&a);
    let r = sync(&b);
    // The goods received and the sale of the new product wait; the shift and the other
    // two sales are applied.
    assert_eq!(pulled(&r), (5, 3, 2), "pulled 5, applied 3, two exceptions");
    let listed = json(&b, &["sync", "exceptions"]);
    assert_snapshot("sync_exceptions", listed.clone());
    let list = listed["exceptions"].as_array().expect("exceptions");
    assert_eq!(list.len(), 2, "{listed}");
    for (x, kind) in list.iter().zip(["receive.v1", "sale.v1"]) {
        assert_eq!(x["till"], "sembako-1");
        assert_eq!(x["kind"], kind);
        assert!(
            x["reason"]["en"].as_str().unwrap().contains("KOPI-X"),
            "{listed}"
        );
    }
    assert_eq!(sales(&b).len(), 2, "the other two sales are here");
    check_ok(&b);
    // Its day close waits for the events it does not have.
    assert_eq!(
        json(&b, &["day", "status"])["unsynced_tills"],
        serde_json::json!(["sembako-1"])
    );
    // Still missing: retried, still open.
    assert_eq!(pulled(&sync(&b)), (0, 0, 2));
    // Once the product is here, the next sync applies its goods received and its sale (and
    // takes back the import's own catalog event in the server's order).
    ok(&b, &["catalog", "import", csv.to_str().unwrap()]);
    let r = sync(&b);
    assert_eq!(pulled(&r), (1, 3, 0), "the exceptions applied: {r}");
    assert_eq!(
        json(&b, &["sync", "exceptions"])["exceptions"],
        serde_json::json!([])
    );
    assert_eq!(stock(&b), stock(&a), "the new product's stock too");
    assert_eq!(sales(&b), sales(&a));
    assert_eq!(
        json(&b, &["day", "status"])["unsynced_tills"],
        serde_json::json!([])
    );
    check_ok(&b);
}

/// A database installed by version 1 of the server script is upgraded by `kasir server
/// init`: its events get their order, and a till registered under version 1 may pull.
#[test]
fn server_init_upgrades_a_version_1_database() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let script =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/sync/server.sql"))
            .unwrap();
    let v1 = script
        .split("-- Version 2:")
        .next()
        .unwrap()
        .trim_end_matches(['-', '\n', ' ']);
    assert!(
        v1.len() < script.len(),
        "the script has a version 2 section"
    );
    pg.client().batch_execute(v1).unwrap();
    let a = till_shop(dir.path(), "sembako-1");
    let b = till_shop(dir.path(), "sembako-2");
    join(&pg, &a, "sembako-1");
    join(&pg, &b, "sembako-2");
    ok(&a, &["sale", "--till", "sembako-1", INDOMIE, "cash:100000"]);
    // Version 1 has no pull: sync pushes, then fails to pull.
    for db in [&a, &b] {
        let out = kasir(db, &["--lang", "en", "sync", "--once"]);
        assert!(
            !out.status.success(),
            "a version 1 server cannot be pulled from"
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("kasir server init"), "{err}");
    }
    assert_eq!(server_count(&pg, "sale.v1"), 1, "the push went through");
    let up = json(&a, &["server", "init", "--url", &pg.url()]);
    assert_eq!(
        (up["before"].as_i64(), up["version"].as_i64()),
        (
            Some(1),
            Some(kasir::store::coop::SERVER_SCHEMA_VERSION as i64)
        )
    );
    let seqs: Vec<i64> = pg
        .client()
        .query("SELECT change_seq FROM events ORDER BY change_seq", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(seqs, [1, 2, 3], "two shifts opened, one sale");
    assert_eq!(
        pulled(&sync(&b)),
        (2, 2, 0),
        "a till registered under version 1 pulls"
    );
    assert_eq!(sales(&b).len(), 1);
    ok(&b, &["sale", "--till", "sembako-2", BERAS, "cash:100000"]);
    assert_eq!(pulled(&sync(&b)), (0, 0, 0));
    assert_eq!(pulled(&sync(&a)), (2, 2, 0));
    let last: i64 = pg
        .client()
        .query_one("SELECT max(change_seq) FROM events", &[])
        .unwrap()
        .get(0);
    assert_eq!(last, 4, "new events numbered after the old");
    assert_eq!(sales(&a), sales(&b));
    let again = json(&a, &["server", "init", "--url", &pg.url()]);
    assert_eq!(again["before"], up["version"]);
}

/// A push that commits late never lets a pull skip its event: while one transaction holds
/// a change_seq it has not committed, a second insert cannot draw the next number, so a
/// pull in between sees neither, and afterwards both in order.
#[test]
fn an_event_committed_late_is_never_skipped_by_a_pull() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = till_shop(dir.path(), "sembako-1");
    ok(&a, &["server", "init", "--url", &pg.url()]);
    join(&pg, &a, "sembako-1");
    let insert = |id: &str, till: &str| {
        format!(
            "INSERT INTO events (id, till, seq, kind, version, payload, hash, till_time)
             VALUES ('{id}', '{till}', 1, 'sale.v1', 1, '{{}}', 'h', 't') RETURNING change_seq"
        )
    };
    let mut first = pg.client();
    let mut tx = first.transaction().unwrap();
    let n1: i64 = tx
        .query_one(&insert("01890000-0000-7000-8000-0000000000a1", "x-1"), &[])
        .unwrap()
        .get(0);
    // A second writer, in its own connection, commits as soon as it may.
    let url = pg.url();
    let sql = insert("01890000-0000-7000-8000-0000000000a2", "x-2");
    let second = std::thread::spawn(move || -> i64 {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        c.query_one(&sql, &[]).unwrap().get(0)
    });
    // Until the second writer is seen waiting for the lock (polled, bounded).
    let mut waiting = false;
    for _ in 0..600 {
        let n: i64 = pg
            .client()
            .query_one(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
                &[],
            )
            .unwrap()
            .get(0);
        if n > 0 {
            waiting = true;
            break;
        }
        assert!(!second.is_finished(), "the second insert committed first");
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(waiting, "the second insert never waited for the first");
    let seen: Vec<i64> = crate::sync_pg::as_till(&a)
        .query(
            "SELECT change_seq FROM kasir_pull('sembako-1', 0, 100)",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(
        seen.iter().all(|s| *s < n1),
        "a pull sees nothing at or after the open transaction's #{n1}: {seen:?}"
    );
    tx.commit().unwrap();
    let n2 = second.join().unwrap();
    assert!(n2 > n1, "the later commit has the later number: {n1} {n2}");
}
