//! A month of a one-till coop carried to the district by hand, each figure next to a bare
//! baseline in the same run (docs/PERFORMANCE.md, "A month's bundle at the district").
//!
//! The shop file is the demo shop with `DAYS × PER_DAY` real 3-line cash sales rung through
//! `Shop::checkout` on one till (each writes its `sale.v1` event, as at a till; the
//! generator behind `kasir demo --sales` writes sales without events, so it is not used),
//! built once into `target/tmp/perf-shops/`. The bench starts its own throwaway PostgreSQL
//! (it includes `tests/reliability/pg_server.rs`) and prints `SKIP:` without one.
//!
//! - `bundle_export_month`: `Shop::bundle_export` (what `kasir bundle export` does) of the
//!   month, against copying the shop file.
//! - `import_month_at_district`: `import_bundle_at_district` (what `kasir bundle import FILE
//!   --district URL` does: read and check the bundle, redact, `kasir_district_import` batch
//!   by batch) into a district emptied before each run, against one bare `INSERT … SELECT`
//!   per batch of the same rows into the same table (the reports' trigger installed in both).
//!
//! `cargo bench --bench district_bundle -- --warm-up-time 1 --measurement-time 3 --sample-size 10`

#[allow(dead_code)]
#[path = "../tests/reliability/pg_server.rs"]
mod pg_server;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::cash::CashCount;
use kasir::domain::user::Actor;
use kasir::service::{Shop, SystemClock};
use kasir::store::{OpenMode, Store};
use rust_decimal::Decimal;

/// Business days in the month.
const DAYS: usize = 30;
/// Sales a day (a village shop's busy day is 100–300).
const PER_DAY: usize = 200;
const TILL: &str = "toko-1";
const COOP: &str = "kdmp-bench";

const BARE_INSERT: &str = "
INSERT INTO district_events (id, coop_id, till, seq, kind, version, payload, hash, redacted,
                             till_time)
SELECT (e->>'id')::uuid, 'kdmp-bench', e->>'till', (e->>'seq')::bigint, e->>'kind',
       (e->>'version')::int, (e->>'payload')::jsonb, e->>'hash', false, e->>'till_time'
FROM jsonb_array_elements($1::text::jsonb) e
ON CONFLICT DO NOTHING";

const EMPTY_DISTRICT: &str = "TRUNCATE district_events, district_quarantine,
    district_sales_daily, district_member_purchases, district_products, district_stock,
    district_kasbon_daily, district_coop_activity";

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/tmp/perf-shops");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn open(path: &std::path::Path) -> Shop {
    Shop::new(
        Store::open(path, OpenMode::Existing).unwrap(),
        Arc::new(SystemClock),
    )
}

/// The demo shop with a month of real sales on one till, built once and kept.
fn month_file() -> PathBuf {
    let path = dir().join(format!("month-{DAYS}x{PER_DAY}.db"));
    if path.exists() {
        return path;
    }
    let tmp = path.with_extension("tmp");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", tmp.display()));
    }
    let t = std::time::Instant::now();
    let mut shop = Shop::new(
        Store::open(&tmp, OpenMode::CreateNew).unwrap(),
        Arc::new(SystemClock),
    );
    kasir::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
    let admin = Actor::back_office();
    shop.set_setting(&admin, "coop.id", COOP).unwrap();
    shop.set_setting(
        &admin,
        kasir::service::settings::Key::StockAllowNegative.name(),
        "true",
    )
    .unwrap();
    shop.open_shift(&admin, TILL, Decimal::from(200_000), &CashCount::default())
        .unwrap();
    // Two demo products (instant noodles, rice) and a third line of noodles again.
    let mut cart = Cart::default();
    for code in ["8991234567891", "8991993003616", "8991234567891"] {
        shop.scan_into(&mut cart, code).unwrap();
    }
    let pay = [Tender {
        kind: TenderKind::Cash,
        amount: Decimal::from(500_000),
        reference: None,
    }];
    for _ in 0..DAYS * PER_DAY {
        shop.checkout(&admin, TILL, &cart, &pay).unwrap();
    }
    drop(shop);
    std::fs::rename(&tmp, &path).unwrap();
    eprintln!(
        "built {} in {:.1?}: {} sales",
        path.display(),
        t.elapsed(),
        DAYS * PER_DAY
    );
    path
}

fn database(pg: &pg_server::Pg, name: &str) -> String {
    pg.client()
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    pg.url().replace("/postgres", &format!("/{name}"))
}

fn bundle(c: &mut Criterion) {
    let month = month_file();
    let shop = open(&month);
    let events = DAYS * PER_DAY;
    let out = dir().join("month.bundle");
    let copy = dir().join("month-copy.db");

    let mut g = c.benchmark_group("bundle_month");
    g.throughput(Throughput::Elements(events as u64));
    g.bench_function("bundle_export_month", |b| {
        b.iter(|| {
            let e = shop.bundle_export(&out).unwrap();
            assert!(e.events >= events);
        })
    });
    g.bench_function("baseline_copy_shop_file", |b| {
        b.iter(|| std::fs::copy(&month, &copy).unwrap())
    });
    g.finish();
    let exported = shop.bundle_export(&out).unwrap();
    eprintln!(
        "bundle: {} events, {} bytes; shop file {} bytes",
        exported.events,
        std::fs::metadata(&out).unwrap().len(),
        std::fs::metadata(&month).unwrap().len()
    );

    let Some(pg) = pg_server::start_pg() else {
        return;
    };
    let district = database(&pg, "district");
    kasir::store::district::init(&district).unwrap();
    kasir::store::district::register_coop(&district, COOP, "", false).unwrap();
    let mut owner = postgres::Client::connect(&district, postgres::NoTls).unwrap();
    let mut emptier = postgres::Client::connect(&district, postgres::NoTls).unwrap();
    // The same rows as the import sends, in the same batches.
    let all = {
        let c = shop.store.conn();
        kasir::store::outbox::pending(c, TILL, i64::MAX).unwrap()
    };
    let batches: Vec<String> = all
        .chunks(kasir::sync::BATCH as usize)
        .map(|b| kasir::sync::relay::batch_json(b).0)
        .collect();

    let mut g = c.benchmark_group("bundle_month_district");
    g.throughput(Throughput::Elements(exported.events as u64));
    g.bench_function("import_month_at_district", |b| {
        b.iter_batched(
            || owner.batch_execute(EMPTY_DISTRICT).unwrap(),
            |()| {
                let r = kasir::service::bundle::import_bundle_at_district(&out, &district, None)
                    .unwrap();
                assert!(r.quarantined.is_empty());
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("baseline_bare_insert_month", |b| {
        b.iter_batched(
            || emptier.batch_execute(EMPTY_DISTRICT).unwrap(),
            |()| {
                for json in &batches {
                    owner.execute(BARE_INSERT, &[json]).unwrap();
                }
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    targets = bundle
}
criterion_main!(benches);
