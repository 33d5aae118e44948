//! The district's reports over 50 generated coops with a year each (≈ 2M sales), next to a
//! plain scan of the events in the same run (docs/PERFORMANCE.md, "The district's reports",
//! has the figures).
//!
//! The bench starts its own throwaway PostgreSQL (`tests/reliability/pg_server.rs`, as the
//! reliability tests do; `SKIP:` without PostgreSQL), installs the district schema, and
//! generates the events in SQL with `generate_series` straight into `district_events`, one
//! INSERT per coop, so the report trigger folds them as it would a relay (each statement's
//! rows in one pass). Per coop and day: sales at the sembako and the apotek counter (two
//! lines each, a third of them to one of 500 members, a tenth of those on kasbon), a return
//! a day, a kasbon repayment a day, goods received a week. It prints how long generating
//! took with the trigger and, for one coop's events, without it (a copy of the table).
//!
//! Measured (criterion): `scan_events` (`SELECT count(*) FROM district_events`, the
//! baseline: the least any report straight from the events would cost), and each report
//! through `service::district_report::report` — connect, query the report tables, list the
//! late coops — over the whole year: `sales`, `members`, `stock`, `kasbon`, `shu`. Once,
//! by the clock: the sales report computed straight from the events (no report tables).
//!
//! `cargo bench --bench district_reports -- --warm-up-time 1 --measurement-time 3 --sample-size 10`
//! (`KASIR_DISTRICT_COOPS` and `KASIR_DISTRICT_SALES`, sales per coop, scale it down).

#[allow(dead_code)]
#[path = "../tests/reliability/pg_server.rs"]
mod pg_server;

use std::time::Instant;

use chrono::NaiveDate;
use criterion::{criterion_group, criterion_main, Criterion};
use kasir::service::district_report::{report, ReportKind, ReportParams};

fn env_or(name: &str, default: i64) -> i64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// One coop's year of events: `n` sales over 365 days from 2025-01-01, then per day a
/// return and a kasbon repayment, and a receipt of goods a week. `target` is the table.
fn coop_sql(target: &str, coop: &str, n: i64) -> String {
    format!(
        "INSERT INTO {target} (id, coop_id, till, seq, kind, version, payload, hash, till_time)
         SELECT gen_random_uuid(), '{coop}', s.unit || '-1', s.g, 'sale.v1', 1,
           jsonb_build_object(
             'sale', jsonb_build_object('business_date', s.day, 'business_unit', s.unit,
                                        'member', s.member, 'total', (s.a1 + s.a2)::text),
             'lines', jsonb_build_array(
               jsonb_build_object('line_no', 1, 'sku', s.unit || '-' || (s.g % 300),
                                  'business_unit', s.unit, 'amount', s.a1::text,
                                  'cost', (s.a1 * 0.8)::text, 'ppn', '0'),
               jsonb_build_object('line_no', 2, 'sku', s.unit || '-' || (s.g % 7),
                                  'business_unit', s.unit, 'amount', s.a2::text,
                                  'cost', (s.a2 * 0.85)::text, 'ppn', '0')),
             'tenders', CASE WHEN s.member IS NOT NULL AND s.g % 10 = 3
               THEN jsonb_build_array(jsonb_build_object('kind', 'kasbon',
                                                         'amount', (s.a1 + s.a2)::text))
               ELSE jsonb_build_array(jsonb_build_object('kind', 'cash',
                                                         'amount', (s.a1 + s.a2)::text)) END,
             'stock_moves', jsonb_build_array(
               jsonb_build_object('sku', s.unit || '-' || (s.g % 300), 'qty', '-1',
                                  'value', (-s.a1 * 0.8)::text),
               jsonb_build_object('sku', s.unit || '-' || (s.g % 7), 'qty', '-1',
                                  'value', (-s.a2 * 0.85)::text))),
           'bench', '2025-01-01T08:00:00+07:00'
         FROM (SELECT g,
                      to_char(date '2025-01-01' + (g * 365 / ({n} + 1))::int, 'YYYY-MM-DD') AS day,
                      CASE WHEN g % 5 = 0 THEN 'apotek' ELSE 'sembako' END AS unit,
                      CASE WHEN g % 3 = 0 THEN 'A' || lpad((g % 500)::text, 4, '0') END AS member,
                      1000 + (g % 97) * 500 AS a1, 2500 + (g % 13) * 1000 AS a2
               FROM generate_series(1, {n}) g) s;
         INSERT INTO {target} (id, coop_id, till, seq, kind, version, payload, hash, till_time)
         SELECT gen_random_uuid(), '{coop}', 'kantor', d, 'return.v1', 1,
           jsonb_build_object(
             'return', jsonb_build_object('business_date', to_char(date '2025-01-01' + d - 1, 'YYYY-MM-DD'),
                                          'member', 'A' || lpad(((d * 10 + 3) % 500)::text, 4, '0'),
                                          'refund_kasbon', '1000'),
             'lines', jsonb_build_array(jsonb_build_object('sku', 'sembako-1',
                'business_unit', 'sembako', 'amount', '1000', 'cost', '800', 'ppn', '0')),
             'stock_moves', jsonb_build_array(jsonb_build_object('sku', 'sembako-1',
                'qty', '1', 'value', '800'))),
           'bench', '2025-01-01T08:00:00+07:00'
         FROM generate_series(1, 365) d;
         INSERT INTO {target} (id, coop_id, till, seq, kind, version, payload, hash, till_time)
         SELECT gen_random_uuid(), '{coop}', 'kantor', 365 + d, 'kasbon_repay.v1', 1,
           jsonb_build_object('member', 'A' || lpad(((d * 20 + 3) % 500)::text, 4, '0'),
                              'amount', '20000',
                              'business_date', to_char(date '2025-01-01' + d - 1, 'YYYY-MM-DD')),
           'bench', '2025-01-01T08:00:00+07:00'
         FROM generate_series(1, 365) d;
         INSERT INTO {target} (id, coop_id, till, seq, kind, version, payload, hash, till_time)
         SELECT gen_random_uuid(), '{coop}', 'kantor', 730 + w, 'receive.v1', 1,
           jsonb_build_object('receipt', jsonb_build_object(
                                'business_date', to_char(date '2025-01-01' + w * 7, 'YYYY-MM-DD')),
                              'lines', (SELECT jsonb_agg(jsonb_build_object(
                                          'sku', 'sembako-' || k, 'base_qty', '100',
                                          'value', '150000')) FROM generate_series(0, 299) k)),
           'bench', '2025-01-01T08:00:00+07:00'
         FROM generate_series(1, 52) w;"
    )
}

fn bench(c: &mut Criterion) {
    let Some(pg) = pg_server::start_pg() else {
        return;
    };
    let coops = env_or("KASIR_DISTRICT_COOPS", 50);
    let per_coop = env_or("KASIR_DISTRICT_SALES", 40_000);
    pg.client()
        .batch_execute("CREATE DATABASE district")
        .unwrap();
    let url = pg.url().replace("/postgres", "/district");
    kasir::store::district::init(&url).unwrap();
    let mut db = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    db.batch_execute(
        "CREATE TABLE bench_plain (LIKE district_events INCLUDING ALL);
         ALTER TABLE bench_plain ALTER COLUMN coop_id DROP NOT NULL;",
    )
    .unwrap();
    for i in 0..coops + 1 {
        let coop = format!("kdmp-{i:03}");
        db.execute(
            "INSERT INTO coops (coop_id, role_name, name) VALUES ($1, $2, $3)",
            &[&coop, &format!("bench_{i}"), &format!("KDMP {i}")],
        )
        .unwrap();
    }
    // Without the trigger: one coop's events into a plain copy of the table.
    let t = Instant::now();
    db.batch_execute(&coop_sql("bench_plain", "kdmp-000", per_coop))
        .unwrap();
    let plain = t.elapsed();
    let t = Instant::now();
    // The last coop never reports: it is late in every report.
    for i in 0..coops {
        db.batch_execute(&coop_sql(
            "district_events",
            &format!("kdmp-{i:03}"),
            per_coop,
        ))
        .unwrap();
    }
    let folded = t.elapsed();
    db.batch_execute("VACUUM ANALYZE").unwrap();
    let counts = db
        .query_one(
            "SELECT (SELECT count(*) FROM district_events),
                    (SELECT count(*) FROM district_events WHERE kind = 'sale.v1'),
                    (SELECT count(*) FROM district_sales_daily),
                    (SELECT count(*) FROM district_member_purchases),
                    (SELECT count(*) FROM district_kasbon_daily),
                    (SELECT count(*) FROM district_stock),
                    pg_size_pretty(pg_total_relation_size('district_events')),
                    pg_size_pretty(pg_total_relation_size('district_sales_daily')
                        + pg_total_relation_size('district_member_purchases')
                        + pg_total_relation_size('district_kasbon_daily')
                        + pg_total_relation_size('district_stock'))",
            &[],
        )
        .unwrap();
    let events: i64 = counts.get(0);
    println!(
        "district: {coops} coops, {} events ({} sales; {}), report rows: {} daily, {} member-years, \
         {} kasbon member-days, {} stock ({})",
        events,
        counts.get::<_, i64>(1),
        counts.get::<_, String>(6),
        counts.get::<_, i64>(2),
        counts.get::<_, i64>(3),
        counts.get::<_, i64>(4),
        counts.get::<_, i64>(5),
        counts.get::<_, String>(7),
    );
    let per_coop_events = per_coop + 365 + 365 + 52;
    println!(
        "generate with the trigger: {:.1} s for {events} events ({:.0} events/s); one coop's \
         {per_coop_events} without it: {:.2} s ({:.0} events/s)",
        folded.as_secs_f64(),
        events as f64 / folded.as_secs_f64(),
        plain.as_secs_f64(),
        per_coop_events as f64 / plain.as_secs_f64(),
    );
    let t = Instant::now();
    let raw: i64 = db
        .query_one(
            "SELECT count(*) FROM (
               SELECT n.coop_id, (n.payload->'sale'->>'business_date')::date, l->>'business_unit',
                      sum((l->>'amount')::numeric)
               FROM district_events n CROSS JOIN LATERAL jsonb_array_elements(n.payload->'lines') l
               WHERE n.kind = 'sale.v1'
               GROUP BY 1, 2, 3) x",
            &[],
        )
        .unwrap()
        .get(0);
    println!(
        "the sales report straight from the events (no report tables): {:.2} s ({raw} rows)",
        t.elapsed().as_secs_f64()
    );

    let year = |kind| ReportParams {
        kind,
        from: NaiveDate::from_ymd_opt(2025, 1, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2025, 12, 31).unwrap(),
        late_days: 3,
        overdue_days: 30,
    };
    let mut g = c.benchmark_group("district");
    g.bench_function("scan_events", |b| {
        b.iter(|| {
            let n: i64 = db
                .query_one("SELECT count(*) FROM district_events", &[])
                .unwrap()
                .get(0);
            assert_eq!(n, events);
        })
    });
    for kind in [
        ReportKind::Sales,
        ReportKind::Members,
        ReportKind::Stock,
        ReportKind::Kasbon,
        ReportKind::Shu,
    ] {
        let p = year(kind);
        let r = report(&url, &p).unwrap();
        println!(
            "{}: {} rows, {} late",
            kind.name(),
            r.table.rows.len(),
            r.late.len()
        );
        g.bench_function(kind.name(), |b| {
            b.iter(|| report(&url, &p).unwrap().table.rows.len())
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
