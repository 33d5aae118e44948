//! The rest of the events applied on every node, against a real PostgreSQL (started like
//! `sync_pg`'s; `SKIP:` without one): the back office receives goods into a new batch,
//! writes off a batch and the demo's expired one, and counts; a till takes a kasbon
//! repayment and petty cash into its drawer; the back office posts the day. After the
//! nodes sync, stock per product and batch, stock value and kasbon are the same on every
//! node and equal what the server's events add up to; `kasir ledger export` gives the same
//! journals everywhere; a till refuses to post the day again, naming where it was posted.
//! Two nodes that posted different days under the same journal number keep both.

use crate::common;
use crate::sync_pg::{join, start_pg, till_shop, Pg, INDOMIE};
use crate::sync_pull::{back_office, batches, check_ok, kasbon, pulled, sync, BATCHED};

use std::collections::BTreeMap;
use std::path::Path;

use common::{json, kasir, ok};
use rust_decimal::Decimal;

/// Per SKU: (on hand in thousandths of the base unit, stock value in minor units) after
/// the product's newest move.
fn stock_and_value(db: &Path) -> BTreeMap<String, (i64, i64)> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare(
            "SELECT p.sku,
                    coalesce((SELECT m.on_hand_after FROM stock_moves m WHERE m.product_id = p.id
                              ORDER BY m.id DESC LIMIT 1), 0),
                    coalesce((SELECT m.value_after FROM stock_moves m WHERE m.product_id = p.id
                              ORDER BY m.id DESC LIMIT 1), 0)
             FROM products p",
        )
        .unwrap();
    st.query_map([], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

fn scaled(text: &str, by: i64) -> i64 {
    let d: Decimal = text.parse().unwrap();
    let n = (d * Decimal::from(by)).normalize();
    assert!(n.fract().is_zero(), "{text} × {by}");
    n.to_string().parse().unwrap()
}

/// Every stock move in the events PostgreSQL holds — the `stock_moves` of sales, returns,
/// write-offs and counts, and the lines of goods received — summed per SKU (qty in
/// thousandths, value in minor units) and per (SKU, batch) (qty).
type ServerStock = (
    BTreeMap<String, (i64, i64)>,
    BTreeMap<(String, String), i64>,
);

fn server_stock(pg: &Pg) -> ServerStock {
    let rows = pg
        .client()
        .query(
            "SELECT sku, batch, sum(qty)::text, sum(value)::text FROM (
                 SELECT m->>'sku' AS sku, m->>'batch' AS batch, (m->>'qty')::numeric AS qty,
                        (m->>'value')::numeric AS value
                   FROM events e, jsonb_array_elements(e.payload->'stock_moves') m
                 UNION ALL
                 SELECT l->>'sku', l->>'batch', (l->>'base_qty')::numeric, (l->>'value')::numeric
                   FROM events e, jsonb_array_elements(e.payload->'lines') l
                  WHERE e.kind = 'receive.v1') x
             GROUP BY 1, 2",
            &[],
        )
        .unwrap();
    let (mut per_sku, mut per_batch) = (BTreeMap::new(), BTreeMap::new());
    for r in rows {
        let sku: String = r.get(0);
        let batch: Option<String> = r.get(1);
        let qty = scaled(&r.get::<_, String>(2), 1000);
        let value = scaled(&r.get::<_, String>(3), 100);
        let e: &mut (i64, i64) = per_sku.entry(sku.clone()).or_default();
        e.0 += qty;
        e.1 += value;
        if let Some(b) = batch {
            *per_batch.entry((sku, b)).or_default() += qty;
        }
    }
    (per_sku, per_batch)
}

/// Kasbon of `member` as the server's events add it up (minor units): tendered on sales,
/// less refunded on returns, less repaid.
fn server_kasbon(pg: &Pg, member: &str) -> i64 {
    let total: String = pg
        .client()
        .query_one(
            "SELECT (coalesce((SELECT sum((t->>'amount')::numeric)
                               FROM events e, jsonb_array_elements(e.payload->'tenders') t
                               WHERE e.kind = 'sale.v1' AND t->>'kind' = 'kasbon'
                                 AND e.payload->'sale'->>'member' = $1), 0)
                   - coalesce((SELECT sum((e.payload->'return'->>'refund_kasbon')::numeric)
                               FROM events e WHERE e.kind = 'return.v1'
                                 AND e.payload->'return'->>'member' = $1), 0)
                   - coalesce((SELECT sum((e.payload->>'amount')::numeric)
                               FROM events e WHERE e.kind = 'kasbon_repay.v1'
                                 AND e.payload->>'member' = $1), 0))::text",
            &[&member],
        )
        .unwrap()
        .get(0);
    scaled(&total, 100)
}

/// On hand of the product behind `code`, in whole base units.
fn on_hand(db: &Path, code: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT coalesce((SELECT m.on_hand_after FROM stock_moves m
                               WHERE m.product_id = u.product_id ORDER BY m.id DESC LIMIT 1), 0) / 1000
               FROM product_units u JOIN barcodes b ON b.unit_id = u.id WHERE b.code = ?1",
            [code],
            |r| r.get(0),
        )
        .unwrap()
}

/// The journals `kasir ledger export` writes, less the opening balances each demo file
/// posted for itself.
fn exported(db: &Path) -> serde_json::Value {
    let out = db.with_extension("journals.json");
    ok(
        db,
        &[
            "ledger",
            "export",
            "--format",
            "json",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let mut v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let journals = v["journals"].as_array_mut().unwrap();
    journals.retain(|j| j["kind"] != "opening");
    v
}

fn shift_close(db: &Path, till: &str) {
    ok(
        db,
        &[
            "shift", "close", "--till", till, "--count", "100000*5", "--reason", "uji",
        ],
    );
}

#[test]
fn goods_counts_kasbon_repaid_petty_cash_and_the_books_converge_on_every_node() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bo = back_office(dir.path());
    ok(&bo, &["server", "init", "--url", &pg.url()]);
    let a = till_shop(dir.path(), "sembako-1");
    let b = till_shop(dir.path(), "sembako-2");
    join(&pg, &a, "sembako-1");
    join(&pg, &b, "sembako-2");
    join(&pg, &bo, "kantor");
    let base = stock_and_value(&bo);
    let base_batches = batches(&bo);
    let base_kasbon = kasbon(&bo, "A0001");
    assert_eq!(stock_and_value(&a), base, "the demo shops start alike");

    // The back office: goods on credit (one line into a batch no node has yet), a batch
    // written off as damaged, the demo's expired batch written off, and a count with a
    // shortage and a surplus.
    let csv = dir.path().join("in.csv");
    std::fs::write(
        &csv,
        format!(
            "code,qty,unit,cost,batch,expiry\n{INDOMIE},24,,2500,,\n{BATCHED},10,,9000,LBARU1,2028-06-30\n"
        ),
    )
    .unwrap();
    ok(
        &bo,
        &[
            "receive",
            csv.to_str().unwrap(),
            "--supplier",
            "SMBR",
            "--pay",
            "credit",
        ],
    );
    ok(
        &bo,
        &[
            "writeoff", BATCHED, "1", "--reason", "rusak", "--batch", "L270581",
        ],
    );
    ok(&bo, &["writeoff", "--expired"]);
    ok(&bo, &["opname", "start"]);
    let short = (on_hand(&bo, INDOMIE) - 2).to_string();
    let over = (on_hand(&bo, BATCHED) + 1).to_string();
    ok(&bo, &["opname", "count", INDOMIE, &short]);
    ok(&bo, &["opname", "count", BATCHED, &over]);
    ok(
        &bo,
        &[
            "opname",
            "finish",
            "--approve-user",
            "admin",
            "--approve-pin",
            "9999",
        ],
    );

    // sembako-1: goods brought in (its receipt number is the one the back office's first
    // delivery took), kasbon taken, then part of it repaid, and petty cash into the
    // drawer; sembako-2 sells from the batch-tracked shelf.
    let csv_a = dir.path().join("in_a.csv");
    std::fs::write(
        &csv_a,
        format!(
            "code,qty,unit,cost,batch,expiry
{INDOMIE},6,,2500,,
"
        ),
    )
    .unwrap();
    ok(&a, &["receive", csv_a.to_str().unwrap()]);
    ok(
        &a,
        &[
            "sale",
            "--till",
            "sembako-1",
            "--member",
            "A0001",
            "--pay",
            "kasbon:8000",
            "--pay",
            "cash:100000",
            &format!("{INDOMIE}*3"),
        ],
    );
    ok(
        &a,
        &["members", "repay", "A0001", "7500", "--till", "sembako-1"],
    );
    ok(
        &a,
        &[
            "shift",
            "cash-in",
            "25000",
            "--reason",
            "modal receh",
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
            "sale",
            "--till",
            "sembako-2",
            &format!("{BATCHED}*2"),
            "cash:100000",
        ],
    );

    let nodes = [&a, &b, &bo];
    for db in [&bo, &a, &b, &bo, &a] {
        let r = sync(db);
        assert_eq!(pulled(&r).2, 0, "{}: no exception: {r}", db.display());
    }
    // Once sembako-1's shift is known there, the back office pays a delivery from its
    // drawer.
    let csv2 = dir.path().join("in2.csv");
    std::fs::write(
        &csv2,
        format!(
            "code,qty,unit,cost,batch,expiry
{INDOMIE},4,,2500,,
"
        ),
    )
    .unwrap();
    ok(
        &bo,
        &[
            "receive",
            csv2.to_str().unwrap(),
            "--supplier",
            "SMBR",
            "--pay",
            "cash",
            "--from",
            "drawer",
            "--till",
            "sembako-1",
        ],
    );
    for db in [&bo, &a, &b] {
        let r = sync(db);
        assert_eq!(pulled(&r).2, 0, "{}: no exception: {r}", db.display());
    }
    let (moved, moved_batches) = server_stock(&pg);
    assert!(
        moved_batches.contains_key(&(BATCHED_SKU.to_string(), "LBARU1".to_string())),
        "{moved_batches:?}"
    );
    let want: BTreeMap<String, (i64, i64)> = base
        .iter()
        .map(|(sku, (q, v))| {
            let (dq, dv) = moved.get(sku).copied().unwrap_or((0, 0));
            (sku.clone(), (q + dq, v + dv))
        })
        .collect();
    let mut want_batches = base_batches.clone();
    for (k, q) in &moved_batches {
        *want_batches.entry(k.clone()).or_default() += q;
    }
    let want_kasbon = base_kasbon + server_kasbon(&pg, "A0001");
    assert_eq!(server_kasbon(&pg, "A0001"), (8000 - 7500) * 100);
    for db in nodes {
        assert_eq!(
            stock_and_value(db),
            want,
            "{}: stock and its value = the opening + Σ the server's moves",
            db.display()
        );
        assert_eq!(batches(db), want_batches, "{}: batches", db.display());
        assert_eq!(kasbon(db, "A0001"), want_kasbon, "{}: kasbon", db.display());
        check_ok(db);
        // Applying wrote nothing to the node's own outbox.
        let foreign: i64 = rusqlite::Connection::open(db)
            .unwrap()
            .query_row(
                "SELECT count(*) FROM events WHERE till <> coalesce(
                     (SELECT till FROM events ORDER BY rowid LIMIT 1), '')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(foreign, 0, "{}", db.display());
    }
    // Every delivery (the demo's opening stock is each file's own) is on every node once, by its uuid; a receipt number taken here by
    // another delivery is kept with the till id after it.
    let receipts = |db: &Path| -> Vec<(String, String)> {
        rusqlite::Connection::open(db)
            .unwrap()
            .prepare(
                "SELECT uuid, doc_no FROM goods_receipts
                  WHERE id > (SELECT min(id) FROM goods_receipts) ORDER BY uuid",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap()
    };
    let all = receipts(&bo);
    assert_eq!(
        all.len(),
        3,
        "three deliveries after the demo's own: {all:?}"
    );
    for db in nodes {
        let here = receipts(db);
        let uuids = |v: &[(String, String)]| v.iter().map(|r| r.0.clone()).collect::<Vec<_>>();
        assert_eq!(uuids(&here), uuids(&all), "{}", db.display());
        let numbers: std::collections::BTreeSet<_> = here.iter().map(|r| &r.1).collect();
        assert_eq!(numbers.len(), here.len(), "{}: {here:?}", db.display());
    }
    assert!(
        all.iter().any(|r| r.1.ends_with("/sembako-1")),
        "the back office keeps sembako-1's receipt under its number and till: {all:?}"
    );
    // The petty cash, the repayment and the delivery paid from the drawer are in
    // sembako-1's shift on every node.
    for db in nodes {
        let moves: Vec<(String, i64, bool)> = rusqlite::Connection::open(db)
            .unwrap()
            .prepare(
                "SELECT m.kind, m.amount, m.goods_receipt_id IS NOT NULL
                   FROM cash_moves m JOIN shifts s ON s.id = m.shift_id
                  WHERE s.till = 'sembako-1' ORDER BY m.kind",
            )
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            moves,
            [
                ("in".to_string(), 2500000, false),
                ("out".to_string(), 1000000, true),
                ("repay".to_string(), 750000, false)
            ],
            "{}",
            db.display()
        );
    }

    // The shifts close, the back office posts the day, the tills sync.
    shift_close(&a, "sembako-1");
    shift_close(&b, "sembako-2");
    sync(&a);
    sync(&b);
    sync(&bo);
    let closed = json(&bo, &["day", "close"]);
    assert!(
        !closed["journals"].as_array().unwrap().is_empty(),
        "{closed}"
    );
    for db in [&bo, &a, &b] {
        let r = sync(db);
        assert_eq!(pulled(&r).2, 0, "{}: {r}", db.display());
    }
    let books = exported(&bo);
    assert!(
        books["journals"]
            .as_array()
            .unwrap()
            .iter()
            .any(|j| j["kind"] == "day"),
        "{books}"
    );
    for db in [&a, &b] {
        assert_eq!(exported(db), books, "{}: the same journals", db.display());
        check_ok(db);
        // Posting the day again is refused, naming where it was posted.
        let out = kasir(db, &["--lang", "en", "day", "close"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains("kantor"),
            "{}: {err}",
            db.display()
        );
    }
    // The back office corrects the day (reversed and posted again): every node holds the
    // reversing journals and the new ones.
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    ok(
        &bo,
        &["day", "reverse", "--date", &today, "--reason", "salah akun"],
    );
    for db in [&bo, &a, &b] {
        let r = sync(db);
        assert_eq!(pulled(&r).2, 0, "{}: {r}", db.display());
    }
    let books = exported(&bo);
    let kinds: Vec<&str> = books["journals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|j| j["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds.iter().filter(|k| **k == "reversal").count() * 2,
        kinds.iter().filter(|k| **k == "day").count(),
        "{kinds:?}"
    );
    for db in [&a, &b] {
        assert_eq!(exported(db), books, "{}: after the reversal", db.display());
    }
    for db in nodes {
        check_ok(db);
    }
    // A day nobody posted still closes on a till.
    let yesterday = (chrono::Local::now().date_naive() - chrono::Duration::days(1))
        .format("%Y-%m-%d")
        .to_string();
    ok(&a, &["day", "close", "--date", &yesterday]);
    check_ok(&a);
}

/// The SKU of [`BATCHED`] in the demo shop.
const BATCHED_SKU: &str = "BRS-KTP1";

/// The journals of a node as (uuid, number, what was reversed), by uuid.
fn journals(db: &Path) -> Vec<(String, String, Option<String>)> {
    rusqlite::Connection::open(db)
        .unwrap()
        .prepare(
            "SELECT j.uuid, j.number, (SELECT r.uuid FROM journals r WHERE r.id = j.reverses)
               FROM journals j WHERE j.kind <> 'opening' ORDER BY j.uuid",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// A till offline posts yesterday while the back office posts today: both took the next
/// journal number. Each node keeps the other's journal under its number with the till id
/// after it, both hold the same journals (by uuid), and a reversal pulled later reverses
/// the journal it names by uuid, not the one here that shares its number.
#[test]
fn two_nodes_that_took_the_same_journal_number_keep_both_and_reverse_the_right_one() {
    use kasir::domain::cart::{Cart, Tender, TenderKind};
    use kasir::domain::cash::CashCount;
    use kasir::domain::user::Actor;
    use kasir::i18n::Lang;
    use kasir::service::{FixedClock, Shop};
    use std::sync::Arc;

    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bo = back_office(dir.path());
    ok(&bo, &["server", "init", "--url", &pg.url()]);
    let a = dir.path().join("sembako-1.db");
    ok(&a, &["demo"]);
    join(&pg, &a, "sembako-1");
    join(&pg, &bo, "kantor");

    // sembako-1, yesterday: a shift, a sale, the shift closed, the day posted.
    let yesterday = chrono::Local::now().date_naive() - chrono::Duration::days(1);
    let clock = Arc::new(FixedClock::new(yesterday.and_hms_opt(12, 0, 0).unwrap()));
    let back = Actor::back_office();
    {
        let mut shop = Shop::open(&a, clock.clone()).unwrap();
        shop.open_shift(
            &back,
            "sembako-1",
            Decimal::from(100_000),
            &CashCount::default(),
        )
        .unwrap();
        let mut cart = Cart::default();
        shop.scan_into(&mut cart, INDOMIE).unwrap();
        let total = cart.totals(shop.settings().unwrap().tax()).total;
        shop.checkout(
            &back,
            "sembako-1",
            &cart,
            &[Tender {
                kind: TenderKind::Cash,
                amount: total,
                reference: None,
            }],
        )
        .unwrap();
        shop.close_shift(
            &back,
            "sembako-1",
            &CashCount::default(),
            Some("uji"),
            Lang::Id,
        )
        .unwrap();
        shop.close_day(&back, yesterday).unwrap();
    }
    // The back office, today, before it hears of sembako-1: goods received, the day posted.
    let csv = dir.path().join("in.csv");
    std::fs::write(
        &csv,
        format!("code,qty,unit,cost,batch,expiry\n{INDOMIE},24,,2500,,\n"),
    )
    .unwrap();
    ok(
        &bo,
        &[
            "receive",
            csv.to_str().unwrap(),
            "--supplier",
            "SMBR",
            "--pay",
            "credit",
        ],
    );
    ok(&bo, &["day", "close"]);
    let number = |db: &Path| -> String { journals(db)[0].1.clone() };
    assert_eq!(number(&a), number(&bo), "both took the same number");
    for db in [&bo, &a, &bo] {
        let r = sync(db);
        assert_eq!(pulled(&r).2, 0, "{}: {r}", db.display());
    }
    assert_eq!(journals(&a).len(), 2);
    let ids = |db: &Path| -> Vec<String> { journals(db).into_iter().map(|j| j.0).collect() };
    assert_eq!(ids(&a), ids(&bo), "the same journals on both nodes");
    let numbers = |db: &Path| -> Vec<String> {
        let mut v: Vec<String> = journals(db).into_iter().map(|j| j.1).collect();
        v.sort();
        v
    };
    let n = number(&a).split('/').next().unwrap().to_string();
    assert_eq!(numbers(&a), [n.clone(), format!("{n}/kantor")]);
    assert_eq!(numbers(&bo), [n.clone(), format!("{n}/sembako-1")]);
    check_ok(&a);
    check_ok(&bo);

    // The back office reverses today (and posts it again): on sembako-1 the reversal
    // reverses the back office's journal, not sembako-1's own of the same number.
    let today = chrono::Local::now()
        .date_naive()
        .format("%Y-%m-%d")
        .to_string();
    ok(
        &bo,
        &["day", "reverse", "--date", &today, "--reason", "salah akun"],
    );
    for db in [&bo, &a] {
        let r = sync(db);
        assert_eq!(pulled(&r).2, 0, "{}: {r}", db.display());
    }
    let reversed =
        |db: &Path| -> Vec<String> { journals(db).into_iter().filter_map(|j| j.2).collect() };
    let bo_today: Vec<String> = journals(&bo)
        .into_iter()
        .filter(|j| j.1 == n)
        .map(|j| j.0)
        .collect();
    assert_eq!(reversed(&bo), bo_today, "the back office's own journal");
    assert_eq!(reversed(&a), reversed(&bo), "the same journal on sembako-1");
    assert_eq!(ids(&a), ids(&bo));
    check_ok(&a);
    check_ok(&bo);
}
