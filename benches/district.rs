//! The relay from a coop to its district, each figure next to a bare baseline in the same
//! run (docs/PERFORMANCE.md, "Above the coop: the district", has the figures).
//!
//! The bench starts its own throwaway PostgreSQL as the reliability tests do (it includes
//! `tests/reliability/pg_server.rs`) and prints `SKIP:` without one. A district database
//! gets kasir's district schema and one coop; a coop database gets kasir's coop schema.
//! The events are 3-line sales shaped as a till writes them (canonical JSON, sha256).
//!
//! - `kasir_relay_500`: 500 sale events through `kasir_relay` as the coop's role
//!   (`DistrictLink`, the call `kasir relay` makes), fresh ids and seqs each time, against
//!   one `INSERT … SELECT … FROM jsonb_array_elements($1) ON CONFLICT DO NOTHING` of the
//!   same JSON into the same `district_events` table, as the owner.
//! - `kasir_relay_500_per_event_v4`: the same through `kasir_relay` as district schema
//!   version 4 had it (one INSERT per event, so the reports' statement trigger ran once per
//!   event), installed by the bench from version 1 of `src/sync/district.sql` under another
//!   name: the before of version 5 in the same run. Every arm runs with the reports' trigger
//!   installed.
//! - `relay_day_from_coop`: `relay_all` from the coop's server (`kasir relay --from`: read
//!   in seq order, payloads back to canonical text, relay, `kasir_district_ack` per batch)
//!   of a day of 3,000 sales of a new till, against the bare insert of the same rows in the
//!   same batches.
//!
//! `cargo bench --bench district -- --warm-up-time 1 --measurement-time 3 --sample-size 10`

#[allow(dead_code)]
#[path = "../tests/reliability/pg_server.rs"]
mod pg_server;

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, Throughput};
use kasir::store::coop::CoopSource;
use kasir::store::district::DistrictLink;
use kasir::store::outbox::{canonical, Event};
use kasir::sync::relay::{self, District};

/// Events per relayed batch (`kasir::sync::BATCH`).
const BATCH: usize = 500;
/// Sales in a day.
const DAY: usize = 3_000;

const BARE_INSERT: &str = "
INSERT INTO district_events (id, coop_id, till, seq, kind, version, payload, hash, redacted,
                             till_time)
SELECT (e->>'id')::uuid, 'kdmp-bench', e->>'till', (e->>'seq')::bigint, e->>'kind',
       (e->>'version')::int, (e->>'payload')::jsonb, e->>'hash', false, e->>'till_time'
FROM jsonb_array_elements($1::text::jsonb) e
ON CONFLICT DO NOTHING";

/// A 3-line sale event of `till` at `seq`, as a till writes it.
fn sale(till: &str, seq: i64) -> Event {
    let line = |no: i64, sku: &str, name: &str, price: &str| {
        serde_json::json!({
            "amount": price, "base_qty": "1", "business_unit": "sembako", "cost": "9000",
            "discount": "0", "line_no": no, "name": name, "ppn": "0", "qty": "1", "sku": sku,
            "tax_class": "exempt", "tier": "umum", "unit": "pcs", "unit_price": price,
        })
    };
    let payload = serde_json::json!({
        "lines": [line(1, "BRS-5", "Beras Premium 5 kg", "72500"),
                  line(2, "MNY-1", "Minyak Goreng 1 L", "18500"),
                  line(3, "GLA-1", "Gula Pasir 1 kg", "17000")],
        "sale": {"business_date": "2026-12-02", "business_unit": "sembako",
                 "cashier": "Siti Aminah", "change": "42000",
                 "created_at": "2026-12-02 10:00:00", "discount": "0", "gross": "108000",
                 "member": null, "number": format!("{till}-20261202-{seq:05}"),
                 "payable": "108000", "ppn": "0", "rounding": "0", "till": till,
                 "total": "108000", "uuid": uuid::Uuid::now_v7().to_string()},
        "stock_moves": [{"batch": null, "line_no": 1, "qty": "-1", "sku": "BRS-5", "value": "-9000"}],
        "tenders": [{"amount": "150000", "kind": "cash", "reference": null}],
    });
    let (payload, hash) = canonical(&payload);
    Event {
        id: uuid::Uuid::now_v7().to_string(),
        till: till.to_string(),
        seq,
        kind: "sale.v1".to_string(),
        schema_version: 1,
        payload,
        hash,
        till_time: "2026-12-02T10:00:00+07:00".to_string(),
    }
}

fn batch(till: &str, from: i64, n: usize) -> String {
    let events: Vec<Event> = (0..n as i64).map(|i| sale(till, from + i)).collect();
    relay::batch_json(&events).0
}

fn database(pg: &pg_server::Pg, name: &str) -> String {
    pg.client()
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    pg.url().replace("/postgres", &format!("/{name}"))
}

/// District schema version 4's `kasir_relay` (that of version 1: one INSERT per event),
/// as `bench_relay_per_event`.
fn relay_per_event_sql() -> String {
    let sql = include_str!("../src/sync/district.sql");
    let start = sql
        .find("CREATE OR REPLACE FUNCTION kasir_relay(p_coop text, p_batch jsonb)")
        .unwrap();
    let len = sql[start..].find("$fn$;").unwrap() + "$fn$;".len();
    sql[start..start + len].replace("FUNCTION kasir_relay(", "FUNCTION bench_relay_per_event(")
}

fn district(c: &mut Criterion) {
    let Some(pg) = pg_server::start_pg() else {
        return;
    };
    let district = database(&pg, "district");
    kasir::store::district::init(&district).unwrap();
    let creds =
        kasir::store::district::register_coop_credentials(&district, "kdmp-bench", "", false)
            .unwrap();
    let coop = database(&pg, "coop");
    kasir::store::coop::init(&coop).unwrap();
    let mut owner = postgres::Client::connect(&district, postgres::NoTls).unwrap();
    let mut link = DistrictLink::new(creds.clone());
    owner.batch_execute(&relay_per_event_sql()).unwrap();
    owner
        .batch_execute(&format!(
            "GRANT EXECUTE ON FUNCTION bench_relay_per_event(text, jsonb) TO {}",
            creds.role
        ))
        .unwrap();
    let mut as_coop = postgres::Client::connect(
        &format!(
            "host={} port={} dbname={} user={} password={}",
            creds.host, creds.port, creds.dbname, creds.role, creds.password
        ),
        postgres::NoTls,
    )
    .unwrap();
    let seq = AtomicI64::new(1);
    let next = |n: usize| seq.fetch_add(n as i64, Ordering::SeqCst);

    let mut g = c.benchmark_group("district_relay");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function("kasir_relay_500_sales", |b| {
        b.iter_batched(
            || batch("relay-1", next(BATCH), BATCH),
            |json| {
                let held = link.relay(&json).unwrap();
                assert_eq!(held.len(), 1);
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("kasir_relay_500_per_event_v4", |b| {
        b.iter_batched(
            || batch("v4-1", next(BATCH), BATCH),
            |json| {
                let rows = as_coop
                    .query(
                        "SELECT till, held FROM bench_relay_per_event('kdmp-bench', $1::text::jsonb)",
                        &[&json],
                    )
                    .unwrap();
                assert_eq!(rows.len(), 1);
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("baseline_bare_insert_500", |b| {
        b.iter_batched(
            || batch("bare-1", next(BATCH), BATCH),
            |json| {
                let n = owner.execute(BARE_INSERT, &[&json]).unwrap();
                assert_eq!(n, BATCH as u64);
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();

    // A day of a new till at the coop's server, relayed by `relay_all` as `kasir relay`
    // does, against the same rows inserted bare in the same batches.
    let mut coop_owner = postgres::Client::connect(&coop, postgres::NoTls).unwrap();
    let day = AtomicI64::new(0);
    let new_day = |coop_owner: &mut postgres::Client| -> String {
        let till = format!("day-{}", day.fetch_add(1, Ordering::SeqCst));
        let events: Vec<Event> = (1..=DAY as i64).map(|s| sale(&till, s)).collect();
        for chunk in events.chunks(BATCH) {
            let json = kasir::sync::batch_json(chunk);
            coop_owner
                .execute(
                    "INSERT INTO events (id, till, seq, kind, version, payload, hash, till_time)
                     SELECT (e->>'id')::uuid, e->>'till', (e->>'seq')::bigint, e->>'kind',
                            (e->>'version')::int, (e->>'payload')::jsonb, e->>'hash',
                            e->>'till_time'
                     FROM jsonb_array_elements($1::text::jsonb) e",
                    &[&json],
                )
                .unwrap();
        }
        till
    };
    let mut g = c.benchmark_group("district_day");
    g.throughput(Throughput::Elements(DAY as u64));
    g.bench_function("relay_day_from_coop", |b| {
        b.iter_batched(
            || new_day(&mut coop_owner),
            |_till| {
                let mut source = CoopSource::connect(&coop).unwrap();
                let mut link = DistrictLink::new(creds.clone());
                let r =
                    relay::relay_all(&mut source, &mut link, BATCH as i64, &mut |_| {}).unwrap();
                assert_eq!(r.sent, DAY);
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("baseline_bare_insert_day", |b| {
        b.iter_batched(
            || {
                let till = format!("bare-day-{}", next(1));
                (0..DAY / BATCH)
                    .map(|i| batch(&till, 1 + (i * BATCH) as i64, BATCH))
                    .collect::<Vec<_>>()
            },
            |batches| {
                for json in batches {
                    owner.execute(BARE_INSERT, &[&json]).unwrap();
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
    targets = district
}
criterion_main!(benches);
