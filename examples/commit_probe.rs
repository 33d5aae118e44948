//! The sale commit next to a bare insert transaction, alternating one of each so that both
//! see the same moment of a noisy machine, and the WAL pages one sale writes.
//!
//! ```text
//! cargo run --release --example commit_probe -- SHOP.db [SALES]          # timings
//! cargo run --release --example commit_probe -- SHOP.db [SALES] pages    # pages per sale
//! ```
//!
//! SHOP.db (e.g. from `kasir demo --products 100000`) is copied first and left untouched.
//! To see a till's own disk, where a flush takes milliseconds, run it with
//! `LD_PRELOAD=…/slow_flush.so SLOW_FLUSH_US=500` (benches/slow_flush.c).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::cash::CashCount;
use kasir::domain::user::Actor;
use kasir::service::generate::spread_barcodes;
use kasir::service::{Shop, SystemClock};
use kasir::store::{OpenMode, Store};
use rust_decimal::Decimal;

fn main() {
    let mut args = std::env::args().skip(1);
    let src = args
        .next()
        .expect("usage: commit_probe SHOP.db [SALES] [pages]");
    let n: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(2000);
    let pages = args.next().as_deref() == Some("pages");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("probe.db");
    std::fs::copy(&src, &path).expect("copy the shop");
    let mut shop = Shop::new(
        Store::open(&path, OpenMode::Existing).expect("open the copy"),
        Arc::new(SystemClock),
    );
    let admin = Actor::back_office();
    shop.open_shift(
        &admin,
        "probe-1",
        Decimal::from(200_000),
        &CashCount::default(),
    )
    .expect("open a shift");
    shop.store
        .conn()
        .execute_batch(
            "CREATE TABLE probe_bare (id INTEGER PRIMARY KEY, x INTEGER NOT NULL) STRICT",
        )
        .expect("bare table");
    // Three generated products spread over the catalog, as in benches/targets.rs.
    let mut cart = Cart::default();
    for code in spread_barcodes(shop.store.conn(), 3).expect("barcodes") {
        shop.scan_into(&mut cart, &code).expect("scan");
    }
    let total = cart.totals(shop.settings().expect("settings").tax()).total;
    let pay = [Tender {
        kind: TenderKind::Cash,
        amount: (total / Decimal::from(50_000)).ceil() * Decimal::from(50_000),
        reference: None,
    }];
    let sale = |shop: &mut Shop| {
        shop.checkout(&admin, "probe-1", &cart, &pay)
            .expect("checkout");
    };
    if pages {
        for _ in 0..300 {
            sale(&mut shop);
        }
        let c = shop.store.conn();
        let page: i64 = c
            .query_row("PRAGMA page_size", [], |r| r.get(0))
            .expect("page");
        c.execute_batch("PRAGMA wal_autocheckpoint = 0")
            .expect("pragma");
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .expect("checkpoint");
        for _ in 0..n {
            sale(&mut shop);
        }
        let wal = wal_len(&path);
        println!(
            "{:.2} pages ({:.0} bytes) per 3-line cash sale over {n} sales",
            (wal - 32) as f64 / (page + 24) as f64 / n as f64,
            (wal - 32) as f64 / n as f64
        );
        return;
    }
    for round in 1..=3 {
        let (mut bare, mut sales) = (Vec::with_capacity(n), Vec::with_capacity(n));
        for _ in 0..n {
            let t = Instant::now();
            shop.store
                .write(|tx| {
                    tx.prepare_cached("INSERT INTO probe_bare(x) VALUES (1)")?
                        .execute([])?;
                    Ok(())
                })
                .expect("bare insert");
            bare.push(t.elapsed().as_secs_f64() * 1e6);
            let t = Instant::now();
            sale(&mut shop);
            sales.push(t.elapsed().as_secs_f64() * 1e6);
        }
        let (b_mean, b_med) = stats(&mut bare);
        let (s_mean, s_med) = stats(&mut sales);
        println!(
            "round {round}: bare mean {b_mean:.0} µs, median {b_med:.0} µs | sale mean {s_mean:.0} µs, \
             median {s_med:.0} µs | ratio of means {:.2}, of medians {:.2}",
            s_mean / b_mean,
            s_med / b_med
        );
    }
}

fn stats(v: &mut [f64]) -> (f64, f64) {
    v.sort_by(f64::total_cmp);
    (v.iter().sum::<f64>() / v.len() as f64, v[v.len() / 2])
}

fn wal_len(db: &Path) -> i64 {
    let mut wal = db.as_os_str().to_owned();
    wal.push("-wal");
    std::fs::metadata(wal).map(|m| m.len() as i64).unwrap_or(0)
}
