//! Sync with the coop's PostgreSQL, each figure next to a bare baseline in the same run
//! (docs/PERFORMANCE.md, "Sync with the coop's PostgreSQL", has the figures).
//!
//! The bench starts its own throwaway PostgreSQL exactly as the reliability tests do (it
//! includes `tests/reliability/pg_server.rs`: `initdb -A trust`, `pg_ctl` on a free
//! 127.0.0.1 port, `fsync=off`) and prints `SKIP:` and measures nothing when PostgreSQL is
//! not installed. Two demo shops join it as tills: `sembako-1` sells [`DAY`] 3-line sales
//! offline through `Shop::checkout` (its file is kept as a template and copied before each
//! run that needs it unsynced), `sembako-2` is the node that pulls them.
//!
//! - `push_500`: 500 of those sale events pushed by `PgServer::push` (the call `sync_once`
//!   makes, `kasir_push` as a till's role), fresh ids and seqs each time, against one
//!   `INSERT … SELECT … FROM jsonb_array_elements($1) ON CONFLICT (id) DO NOTHING` of the
//!   same JSON into a table like `events` (same columns, keys and indexes, no trigger).
//! - `day_offline`: `sync_once` of the till with the day waiting (push in batches of 500,
//!   acknowledge, list tills, empty pull, report), against the bare insert of the same rows
//!   in the same batches.
//! - `pull_day`: `sync_once` on the second node applying the day.
//! - `empty_sync`: `sync_once` with nothing new either way; it connects each run, so the
//!   baseline is a fresh connection as the till's role and one `SELECT 1`.
//! - `commit_with_sync`: `Shop::checkout` of a 3-line sale on the joined till while another
//!   thread runs `sync_once` back to back on its own connection, against the same checkout
//!   with no sync running (before and after); then the same in alternating rounds (the
//!   worker paused, then running, then a server-only control that connects and lists the
//!   tills back to back without touching the shop file), whose medians see the same load.
//!
//! `cargo bench --bench sync -- --warm-up-time 1 --measurement-time 3 --sample-size 10`

#[allow(dead_code)]
#[path = "../tests/reliability/pg_server.rs"]
mod pg_server;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::cash::CashCount;
use kasir::domain::user::Actor;
use kasir::service::{Shop, SystemClock};
use kasir::store::coop::{Credentials, PgServer};
use kasir::store::outbox::Event;
use kasir::store::{OpenMode, Store};
use kasir::sync::Server;
use rust_decimal::Decimal;

/// Sales in a day offline.
const DAY: usize = 3_000;
/// Events per push (`kasir::sync::BATCH`).
const PUSH: usize = 500;
/// Three sembako goods of the demo shop.
const CODES: [&str; 3] = ["8991993003616", "8991993003654", "8991993003661"];

const TABLE: &str = "
CREATE SEQUENCE bench_change_seq;
CREATE TABLE bench_events (
    id uuid PRIMARY KEY,
    till text NOT NULL,
    seq bigint NOT NULL,
    kind text NOT NULL,
    version integer NOT NULL,
    payload jsonb NOT NULL,
    hash text NOT NULL,
    till_time text NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now(),
    change_seq bigint NOT NULL DEFAULT nextval('bench_change_seq'),
    UNIQUE (till, seq)
);
CREATE UNIQUE INDEX ON bench_events (change_seq);
CREATE INDEX ON bench_events (till, change_seq);
";

const BARE_INSERT: &str = "
INSERT INTO bench_events (id, till, seq, kind, version, payload, hash, till_time)
SELECT (e->>'id')::uuid, e->>'till', (e->>'seq')::bigint, e->>'kind', (e->>'version')::int,
       (e->>'payload')::jsonb, e->>'hash', e->>'till_time'
FROM jsonb_array_elements($1::text::jsonb) e
ON CONFLICT (id) DO NOTHING";

fn open(path: &Path) -> Shop {
    Shop::new(
        Store::open(path, OpenMode::Existing).unwrap(),
        Arc::new(SystemClock),
    )
}

/// A demo shop joined to the server as `till`, its shift open, selling below zero allowed
/// (the same 3-line cart is sold thousands of times).
fn joined_shop(path: &Path, url: &str, till: &str) -> Shop {
    let mut shop = Shop::new(
        Store::open(path, OpenMode::CreateNew).unwrap(),
        Arc::new(SystemClock),
    );
    kasir::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
    let admin = Actor::back_office();
    shop.open_shift(&admin, till, Decimal::from(200_000), &CashCount::default())
        .unwrap();
    shop.set_setting(
        &admin,
        kasir::service::settings::Key::StockAllowNegative.name(),
        "true",
    )
    .unwrap();
    shop.till_join(url, till, false).unwrap();
    shop
}

fn cart(shop: &Shop) -> (Cart, [Tender; 1]) {
    let mut cart = Cart::default();
    for code in CODES {
        shop.scan_into(&mut cart, code).unwrap();
    }
    let total = cart.totals(shop.settings().unwrap().tax()).total;
    let pay = [Tender {
        kind: TenderKind::Cash,
        amount: (total / Decimal::from(50_000)).ceil() * Decimal::from(50_000),
        reference: None,
    }];
    (cart, pay)
}

/// Copy a shop file and its credentials (the template stays as it is).
fn copy_shop(from: &Path, to: &Path) {
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(from, to).unwrap();
    let creds = kasir::store::coop::credentials_path;
    std::fs::copy(creds(from), creds(to)).unwrap();
}

fn load(path: &Path) -> Credentials {
    kasir::store::coop::load_credentials(&kasir::store::coop::credentials_path(path)).unwrap()
}

/// `pool`'s events as new events of `till` from seq `from` on (fresh ids; payloads and
/// hashes as they are).
fn fresh(pool: &[Event], till: &str, from: i64) -> Vec<Event> {
    pool.iter()
        .enumerate()
        .map(|(i, e)| Event {
            id: uuid::Uuid::now_v7().to_string(),
            till: till.to_string(),
            seq: from + i as i64,
            ..e.clone()
        })
        .collect()
}

fn load_avg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn sync(c: &mut Criterion) {
    let Some(pg) = pg_server::start_pg() else {
        return;
    };
    let url = pg.url();
    kasir::service::sync::server_init(&url).unwrap();
    let mut owner = pg.client();
    let mut cleaner = pg.client();
    owner.batch_execute(TABLE).unwrap();
    let dir = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap();
    let admin = Actor::back_office();

    // The day: DAY sales on sembako-1, offline, kept as a template.
    let a0 = dir.path().join("a0.db");
    let t = std::time::Instant::now();
    {
        let mut shop = joined_shop(&a0, &url, "sembako-1");
        let (cart, pay) = cart(&shop);
        for _ in 0..DAY {
            shop.checkout(&admin, "sembako-1", &cart, &pay).unwrap();
        }
    }
    let day: Vec<Event> = {
        let shop = open(&a0);
        kasir::store::outbox::pending(shop.store.conn(), "sembako-1", 10 * DAY as i64).unwrap()
    };
    let sales: Vec<Event> = day
        .iter()
        .filter(|e| e.kind == "sale.v1")
        .cloned()
        .collect();
    assert_eq!(sales.len(), DAY);
    eprintln!(
        "{} events waiting on sembako-1 ({DAY} sales, {} bytes of payload on average), made in {:.1?}",
        day.len(),
        sales.iter().map(|e| e.payload.len()).sum::<usize>() / DAY,
        t.elapsed()
    );
    let b0 = dir.path().join("b0.db");
    drop(joined_shop(&b0, &url, "sembako-2"));

    // 1. Push rate.
    let pool = &sales[..PUSH];
    let push_creds = kasir::store::coop::register(&url, "bench-push", false).unwrap();
    let mut server = PgServer::connect(&push_creds).unwrap();
    let mut g = c.benchmark_group("sync_push");
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Elements(PUSH as u64));
    eprintln!("load before push_500: {}", load_avg());
    let mut next = 1i64;
    g.bench_function("kasir_push_500_sales", |b| {
        b.iter_batched(
            || {
                let batch = fresh(pool, "bench-push", next);
                next += PUSH as i64;
                batch
            },
            |batch| {
                let held = server.push("bench-push", &batch).unwrap();
                assert_eq!(held, batch.last().unwrap().seq);
            },
            BatchSize::PerIteration,
        )
    });
    let mut k = 1i64;
    g.bench_function("baseline_bare_insert_500", |b| {
        b.iter_batched(
            || {
                let batch = fresh(pool, "bench-bare", k);
                k += PUSH as i64;
                batch
            },
            |batch| {
                let json = kasir::sync::batch_json(&batch);
                let n = owner.execute(BARE_INSERT, &[&json]).unwrap();
                assert_eq!(n, PUSH as u64);
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
    eprintln!("load after push_500: {}", load_avg());

    // 2. A day offline caught up, end to end.
    let a = dir.path().join("a.db");
    let mut g = c.benchmark_group("sync_day");
    g.sampling_mode(SamplingMode::Flat);
    g.throughput(Throughput::Elements(day.len() as u64));
    eprintln!("load before day_offline: {}", load_avg());
    g.bench_function("sync_once_push_day", |b| {
        b.iter_batched(
            || {
                owner.batch_execute("TRUNCATE events, quarantine").unwrap();
                copy_shop(&a0, &a);
                open(&a)
            },
            |shop| {
                let r = shop.sync_once().unwrap();
                assert_eq!((r.sent, r.pending), (day.len(), 0));
                shop
            },
            BatchSize::PerIteration,
        )
    });
    g.bench_function("baseline_bare_insert_day", |b| {
        b.iter_batched(
            || {
                cleaner.batch_execute("TRUNCATE bench_events").unwrap();
            },
            |()| {
                for batch in day.chunks(PUSH) {
                    let json = kasir::sync::batch_json(batch);
                    owner.execute(BARE_INSERT, &[&json]).unwrap();
                }
            },
            BatchSize::PerIteration,
        )
    });
    eprintln!("load after day_offline: {}", load_avg());

    // 4. The day pulled and applied on the second node (the server holds it now).
    let b = dir.path().join("b.db");
    eprintln!("load before pull_day: {}", load_avg());
    let mut kept = 0;
    g.bench_function("sync_once_pull_day", |bench| {
        bench.iter_batched(
            || {
                copy_shop(&b0, &b);
                open(&b)
            },
            |shop| {
                let r = shop.sync_once().unwrap();
                assert_eq!(r.pulled, day.len());
                kept = r.exceptions;
                shop
            },
            BatchSize::PerIteration,
        )
    });
    g.finish();
    eprintln!(
        "load after pull_day: {}; events kept as apply exceptions on the pulling node: {kept}",
        load_avg()
    );

    // 3. Nothing new either way.
    let shop = open(&a);
    shop.sync_once().unwrap();
    let till = load(&a);
    let mut g = c.benchmark_group("sync_empty");
    g.sampling_mode(SamplingMode::Flat);
    eprintln!("load before empty_sync: {}", load_avg());
    g.bench_function("sync_once_nothing_new", |b| {
        b.iter(|| {
            let r = shop.sync_once().unwrap();
            assert_eq!((r.sent, r.pulled), (0, 0));
        })
    });
    g.bench_function("baseline_connect_select_1", |b| {
        b.iter(|| {
            let mut client = postgres::Config::new()
                .host(&till.host)
                .port(till.port)
                .dbname(&till.dbname)
                .user(&till.role)
                .password(&till.password)
                .connect(postgres::NoTls)
                .unwrap();
            client.query_one("SELECT 1", &[]).unwrap().get::<_, i32>(0)
        })
    });
    g.finish();
    eprintln!("load after empty_sync: {}", load_avg());
    drop(shop);

    // 5. The sale commit while sync runs on its own connection.
    let mut shop = open(&a);
    let (cart, pay) = cart(&shop);
    let worker = SyncWorker::start(&a, false);
    let mut g = c.benchmark_group("sync_commit");
    g.sampling_mode(SamplingMode::Flat);
    eprintln!("load before commit_with_sync: {}", load_avg());
    g.bench_function("checkout_3_lines_no_sync", |b| {
        b.iter(|| shop.checkout(&admin, "sembako-1", &cart, &pay).unwrap())
    });
    // What the baseline sold is pushed first: the worker then sends only what is sold
    // beside it, a few events per run, as a till's sync does all day.
    shop.sync_once().unwrap();
    worker.set_running(true);
    g.bench_function("checkout_3_lines_sync_running", |b| {
        b.iter(|| shop.checkout(&admin, "sembako-1", &cart, &pay).unwrap())
    });
    worker.set_running(false);
    g.bench_function("checkout_3_lines_no_sync_after", |b| {
        b.iter(|| shop.checkout(&admin, "sembako-1", &cart, &pay).unwrap())
    });
    g.finish();
    eprintln!("load after commit_with_sync (criterion): {}", load_avg());
    worker.report("criterion");
    // The same, alternating: rounds of checkouts with the worker paused, then running, so
    // both modes see the same load on a shared machine; and a third mode, a control that
    // makes the server work as often but never touches the shop file (connect and list
    // the tills, back to back). Medians per checkout.
    shop.sync_once().unwrap();
    let control = SyncWorker::start(&a, true);
    let mut times = [Vec::new(), Vec::new(), Vec::new()];
    for _ in 0..ROUNDS {
        for (mode, out) in times.iter_mut().enumerate() {
            worker.set_running(mode == 1);
            control.set_running(mode == 2);
            for _ in 0..PER_ROUND {
                let t = std::time::Instant::now();
                shop.checkout(&admin, "sembako-1", &cart, &pay).unwrap();
                out.push(t.elapsed());
            }
        }
    }
    worker.set_running(false);
    control.set_running(false);
    let [off, on, ctl] = times.map(|mut v| (quantile(&mut v, 0.5), quantile(&mut v, 0.9)));
    eprintln!(
        "alternating, {ROUNDS} rounds of {PER_ROUND} checkouts each way: median {:.2?} \
         (p90 {:.2?}) without sync, {:.2?} (p90 {:.2?}) with sync running, ratio of medians \
         {:.2}; {:.2?} (p90 {:.2?}) beside the server-only control, ratio {:.2}; load {}",
        off.0,
        off.1,
        on.0,
        on.1,
        on.0.as_secs_f64() / off.0.as_secs_f64(),
        ctl.0,
        ctl.1,
        ctl.0.as_secs_f64() / off.0.as_secs_f64(),
        load_avg()
    );
    worker.report("alternating");
    control.report("control");
    control.stop();
    worker.stop();
}

/// Rounds and checkouts per round of the alternating commit measurement.
const ROUNDS: usize = 20;
const PER_ROUND: usize = 100;

fn quantile(v: &mut [Duration], q: f64) -> Duration {
    v.sort();
    v[((v.len() - 1) as f64 * q).round() as usize]
}

/// `sync_once` back to back on its own connection to the shop file, while running; or,
/// `server_only`, the server's side alone: connect as the till and list the tills.
struct SyncWorker {
    running: Arc<AtomicBool>,
    busy: Arc<AtomicBool>,
    stop: Arc<AtomicBool>,
    runs: Arc<AtomicUsize>,
    sent: Arc<AtomicUsize>,
    failed: Arc<AtomicUsize>,
    thread: std::thread::JoinHandle<()>,
}

impl SyncWorker {
    fn start(path: &Path, server_only: bool) -> SyncWorker {
        let flag = || Arc::new(AtomicBool::new(false));
        let count = || Arc::new(AtomicUsize::new(0));
        let (running, busy, stop) = (flag(), flag(), flag());
        let (runs, sent, failed) = (count(), count(), count());
        let thread = {
            let (running, busy, stop) = (running.clone(), busy.clone(), stop.clone());
            let (runs, sent, failed) = (runs.clone(), sent.clone(), failed.clone());
            let path: PathBuf = path.to_path_buf();
            std::thread::spawn(move || {
                let shop = open(&path);
                let creds = load(&path);
                while !stop.load(Ordering::SeqCst) {
                    busy.store(true, Ordering::SeqCst);
                    if !running.load(Ordering::SeqCst) {
                        busy.store(false, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(1));
                        continue;
                    }
                    let done = if server_only {
                        PgServer::connect(&creds)
                            .and_then(|mut s| s.tills(&creds.till))
                            .map(|_| 0)
                    } else {
                        shop.sync_once().map(|r| r.sent)
                    };
                    match done {
                        Ok(n) => {
                            sent.fetch_add(n, Ordering::Relaxed);
                        }
                        Err(e) => {
                            if failed.fetch_add(1, Ordering::Relaxed) == 0 {
                                eprintln!("sync failed beside the checkouts: {e}");
                            }
                        }
                    }
                    runs.fetch_add(1, Ordering::Relaxed);
                }
                busy.store(false, Ordering::SeqCst);
            })
        };
        SyncWorker {
            running,
            busy,
            stop,
            runs,
            sent,
            failed,
            thread,
        }
    }

    /// Run or pause; a pause waits for the run under way to end.
    fn set_running(&self, on: bool) {
        self.running.store(on, Ordering::SeqCst);
        while !on && self.busy.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_micros(200));
        }
    }

    /// Print and reset the counts.
    fn report(&self, what: &str) {
        eprintln!(
            "{what}: sync ran {} times beside the checkouts, sent {} events, {} runs failed",
            self.runs.swap(0, Ordering::Relaxed),
            self.sent.swap(0, Ordering::Relaxed),
            self.failed.swap(0, Ordering::Relaxed)
        );
    }

    fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        self.thread.join().unwrap();
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    targets = sync
}
criterion_main!(benches);
