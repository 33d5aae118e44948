//! The performance targets in docs/PERFORMANCE.md, each measured next to a bare baseline in the same run
//! (docs/PERFORMANCE.md has the figures and the commands).
//!
//! Shops are generated once into `target/tmp/perf-shops/` (`Shop::generate`, the same code
//! as `kasir demo --products N --sales M`) and reused by later runs. Sizes: env
//! `KASIR_BENCH_SIZES` (default `1000,10000,100000`) for the benches that grow with the
//! catalog; the sale commit and day close run at 100k products.
//!
//! Short runs on a shared machine:
//! `cargo bench --bench targets -- --warm-up-time 1 --measurement-time 3 --sample-size 10`

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion, SamplingMode};
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::cash::CashCount;
use kasir::domain::user::Actor;
use kasir::service::generate::GenerateOptions;
use kasir::service::{Shop, SystemClock};
use kasir::store::{OpenMode, Store};
use kasir::ui::{Screen, TillApp, TillOptions};
use rust_decimal::Decimal;

fn sizes() -> Vec<usize> {
    std::env::var("KASIR_BENCH_SIZES")
        .ok()
        .map(|s| s.split(',').filter_map(|x| x.trim().parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 100_000])
}

fn shop_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("perf-shops");
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A demo shop plus `products` generated products and `sales` sales over `days` days,
/// built once and kept.
fn shop_file(products: usize, sales: usize, days: u32) -> PathBuf {
    let path = shop_dir().join(format!("p{products}-s{sales}-d{days}.db"));
    if !path.exists() {
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
        let mut opts = GenerateOptions::new(products, sales);
        opts.days = days;
        let g = shop
            .generate(&Actor::back_office(), &opts, &mut |_, _| {})
            .unwrap();
        drop(shop);
        std::fs::rename(&tmp, &path).unwrap();
        eprintln!(
            "generated {} in {:.1?}: {} products, {} sales, {} sale lines",
            path.display(),
            t.elapsed(),
            g.products,
            g.sales,
            g.sale_lines
        );
    }
    path
}

fn open(path: &Path) -> Shop {
    Shop::new(
        Store::open(path, OpenMode::Existing).unwrap(),
        Arc::new(SystemClock),
    )
}

fn copy_shop(from: &Path, name: &str) -> PathBuf {
    let to = shop_dir().join(name);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", to.display()));
    }
    std::fs::copy(from, &to).unwrap();
    to
}

/// Barcodes of generated products spread over the catalog.
fn codes(shop: &Shop) -> Vec<String> {
    kasir::service::generate::spread_barcodes(shop.store.conn(), 997).unwrap()
}

fn scan(c: &mut Criterion) {
    let mut g = c.benchmark_group("scan");
    for n in sizes() {
        let shop = open(&shop_file(n, 0, 1));
        let codes = codes(&shop);
        let mut i = 0;
        g.bench_function(BenchmarkId::new("baseline_select_barcode", n), |b| {
            b.iter(|| {
                i = (i + 1) % codes.len();
                let mut st = shop
                    .store
                    .conn()
                    .prepare_cached("SELECT unit_id FROM barcodes WHERE code = ?1")
                    .unwrap();
                st.query_row([&codes[i]], |r| r.get::<_, i64>(0)).unwrap()
            })
        });
        g.bench_function(BenchmarkId::new("scan_into_cart", n), |b| {
            b.iter_batched_ref(
                Cart::default,
                |cart| {
                    i = (i + 1) % codes.len();
                    shop.scan_into(cart, &codes[i]).unwrap()
                },
                BatchSize::SmallInput,
            )
        });
    }
    g.finish();
}

/// What a cashier types in the search dialog: each keystroke runs one search.
const NEEDLES: &[(&str, &str)] = &[
    ("prefix_2", "Mi"),
    ("prefix_word", "Minyak Goreng"),
    ("substring", "Ayam Bawang"),
    ("substring_3", "jag"),
    ("no_match", "xqz"),
];

fn search(c: &mut Criterion) {
    let mut g = c.benchmark_group("search");
    for n in sizes() {
        let shop = open(&shop_file(n, 0, 1));
        for (label, needle) in NEEDLES {
            g.bench_function(BenchmarkId::new(*label, n), |b| {
                b.iter(|| shop.find_items(needle, 50).unwrap().len())
            });
        }
        g.bench_function(BenchmarkId::new("old_like_scan_sorted_no_match", n), |b| {
            b.iter(|| {
                kasir::store::catalog::search_scan(shop.store.conn(), "xqz", 50)
                    .unwrap()
                    .len()
            })
        });
        g.bench_function(
            BenchmarkId::new("old_like_scan_sorted_prefix_word", n),
            |b| {
                b.iter(|| {
                    kasir::store::catalog::search_scan(shop.store.conn(), "Minyak Goreng", 50)
                        .unwrap()
                        .len()
                })
            },
        );
        g.bench_function(BenchmarkId::new("baseline_like_scan_unsorted", n), |b| {
            b.iter(|| {
                shop.store
                    .conn()
                    .prepare_cached("SELECT count(*) FROM products WHERE name LIKE '%xqz%'")
                    .unwrap()
                    .query_row([], |r| r.get::<_, i64>(0))
                    .unwrap()
            })
        });
    }
    g.finish();
}

fn sale_commit(c: &mut Criterion) {
    let n = *sizes().iter().max().unwrap_or(&100_000);
    let path = copy_shop(&shop_file(n, 0, 1), "commit.db");
    let mut shop = open(&path);
    let admin = Actor::back_office();
    shop.open_shift(
        &admin,
        "sembako-1",
        Decimal::from(200_000),
        &CashCount::default(),
    )
    .unwrap();
    // The same 3-line cart is sold thousands of times: more than the generated opening
    // stock holds. Selling beyond stock is allowed here so every iteration is a whole sale
    // (its stock moves are written all the same); the refusal is not what is measured.
    shop.set_setting(
        &admin,
        kasir::service::settings::Key::StockAllowNegative.name(),
        "true",
    )
    .unwrap();
    shop.store
        .conn()
        .execute_batch(
            "CREATE TABLE bench_bare (id INTEGER PRIMARY KEY, x INTEGER NOT NULL) STRICT",
        )
        .unwrap();
    let codes = codes(&shop);
    let mut cart = Cart::default();
    for code in codes.iter().take(3) {
        shop.scan_into(&mut cart, code).unwrap();
    }
    let total = cart.totals(shop.settings().unwrap().tax()).total;
    let pay = [Tender {
        kind: TenderKind::Cash,
        amount: (total / Decimal::from(50_000)).ceil() * Decimal::from(50_000),
        reference: None,
    }];
    let mut g = c.benchmark_group("sale_commit");
    g.sampling_mode(SamplingMode::Flat);
    g.bench_function(BenchmarkId::new("baseline_bare_insert_tx", n), |b| {
        b.iter(|| {
            shop.store
                .write(|tx| {
                    tx.prepare_cached("INSERT INTO bench_bare(x) VALUES (?1)")?
                        .execute([1])?;
                    Ok(())
                })
                .unwrap()
        })
    });
    g.bench_function(BenchmarkId::new("checkout_3_lines", n), |b| {
        b.iter(|| shop.checkout(&admin, "sembako-1", &cart, &pay).unwrap())
    });
    // A second baseline: the rows a 3-line cash sale stores (header, lines, moves with the
    // cached stock, tender, receipt and drawer jobs), written straight through the store
    // with none of the checkout's reads, checks or pricing. The gap between this and
    // `checkout_3_lines` is kasir's own work; the gap between this and the bare insert is
    // what storing a sale costs SQLite.
    let mut k = 0u64;
    g.bench_function(BenchmarkId::new("baseline_same_rows_store_only", n), |b| {
        b.iter(|| {
            k += 1;
            shop.store.write(|tx| same_rows(tx, &cart, k)).unwrap()
        })
    });
    // A third: those rows plus the two a sale has also stored since it keeps its receipt as
    // printed and its outbox event — the last checkout's own receipt document and event
    // payload, written through the store (the event serialised and hashed as a sale's is).
    shop.checkout(&admin, "sembako-1", &cart, &pay).unwrap();
    let (document, payload): (String, String) = shop
        .store
        .conn()
        .query_row(
            "SELECT (SELECT document FROM sale_receipts ORDER BY sale_id DESC LIMIT 1),
                    (SELECT payload FROM events WHERE kind = 'sale.v1' ORDER BY n DESC LIMIT 1)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    g.bench_function(
        BenchmarkId::new("baseline_same_rows_receipt_event_store_only", n),
        |b| {
            b.iter(|| {
                k += 1;
                shop.store
                    .write(|tx| {
                        let sale = same_rows(tx, &cart, k)?;
                        kasir::store::sales::insert_receipt_document(tx, sale, &document)?;
                        kasir::store::outbox::append_event(
                            tx,
                            "raw",
                            "sale.v1",
                            1,
                            &payload,
                            "2026-12-01 10:00:00",
                        )?;
                        Ok(())
                    })
                    .unwrap()
            })
        },
    );
    g.finish();
}

/// The rows of one cash sale of `cart`, written with the store's insert functions only;
/// returns the sale's id.
fn same_rows(tx: &rusqlite::Transaction, cart: &Cart, k: u64) -> kasir::Result<i64> {
    use kasir::store::print::{JobKind, NewJob};
    use kasir::store::sales::{insert, insert_line, insert_tender, NewLine, NewSale};
    use kasir::store::stock::{record, MoveKind, NewMove};
    let (uuid, number, at) = (
        format!("same-rows-{k}"),
        format!("raw-{k:08}"),
        "2026-12-01 10:00:00",
    );
    let amount = Decimal::from(10_000);
    let sale = insert(
        tx,
        &NewSale {
            uuid: &uuid,
            number: &number,
            till: "raw",
            shift_id: None,
            business_unit: "sembako",
            business_date: "2026-12-01",
            created_at: at,
            user_id: None,
            cashier: "raw",
            member_id: None,
            gross: amount,
            discount: Decimal::ZERO,
            total: amount,
            rounding: Decimal::ZERO,
            payable: amount,
            ppn: Decimal::ZERO,
            change: Decimal::ZERO,
        },
    )?;
    for (i, l) in cart.lines.iter().enumerate() {
        insert_line(
            tx,
            sale,
            &NewLine {
                line_no: i as i64 + 1,
                product_id: l.item.product_id,
                unit_id: l.item.unit_id,
                name: &l.item.name,
                unit: &l.item.unit,
                qty: l.qty,
                base_qty: l.base_qty(),
                unit_price: l.unit_price,
                tier: "umum",
                discount: Decimal::ZERO,
                amount: l.amount(),
                tax_class: l.item.tax_class.as_str(),
                ppn: Decimal::ZERO,
                cost: Decimal::ZERO,
                business_unit: "sembako",
            },
        )?;
        record(
            tx,
            &NewMove {
                product_id: l.item.product_id,
                batch_id: None,
                kind: MoveKind::Sale,
                qty: -l.base_qty(),
                value: Decimal::ZERO,
                at,
                user_id: None,
                ref_type: Some("sale"),
                ref_id: Some(sale),
                note: None,
            },
        )?;
    }
    insert_tender(tx, sale, 1, "cash", amount, None)?;
    for (kind, id) in [(JobKind::Drawer, "d"), (JobKind::Receipt, "r")] {
        kasir::store::print::insert(
            tx,
            &NewJob {
                uuid: &format!("{uuid}-{id}"),
                kind,
                reference: Some(&number),
                sale_id: Some(sale),
                till: "cli",
                printer: "sim",
                payload: None,
                at,
            },
        )?;
    }
    Ok(sale)
}

fn day_close(c: &mut Criterion) {
    // ~100,000 sale lines on one day in a 100k-product shop.
    let template = shop_file(100_000, 34_000, 1);
    let shop = open(&template);
    let date: String = shop
        .store
        .conn()
        .query_row("SELECT max(business_date) FROM sales", [], |r| r.get(0))
        .unwrap();
    let lines: i64 = shop
        .store
        .conn()
        .query_row("SELECT count(*) FROM sale_lines", [], |r| r.get(0))
        .unwrap();
    drop(shop);
    let day = chrono::NaiveDate::parse_from_str(&date, "%Y-%m-%d").unwrap();
    let mut g = c.benchmark_group("day_close");
    g.sampling_mode(SamplingMode::Flat);
    g.sample_size(10);
    let shop = open(&template);
    g.bench_function(BenchmarkId::new("baseline_sum_lines_of_day", lines), |b| {
        b.iter(|| {
            shop.store
                .conn()
                .prepare_cached(
                    "SELECT sum(l.amount), sum(l.cost) FROM sale_lines l JOIN sales s ON s.id = l.sale_id
                     WHERE s.business_date = ?1",
                )
                .unwrap()
                .query_row([&date], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?)))
                .unwrap()
        })
    });
    drop(shop);
    let admin = Actor::back_office();
    g.bench_function(BenchmarkId::new("close_day_and_journal", lines), |b| {
        b.iter_batched(
            || open(&copy_shop(&template, "close.db")),
            |mut shop| shop.close_day(&admin, day).unwrap().len(),
            BatchSize::PerIteration,
        )
    });
    g.finish();
}

fn raw_input() -> egui::RawInput {
    egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    }
}

/// One frame as the till draws it, tessellated (the CPU part of a frame).
fn frame(ctx: &egui::Context, app: &mut TillApp) -> usize {
    let out = ctx.run_ui(raw_input(), |ui| app.frame(ui));
    let prims = ctx.tessellate(out.shapes, out.pixels_per_point);
    prims.len()
}

fn selling_app(shop: Shop, lines: usize) -> TillApp {
    let codes = codes(&shop);
    let mut app = TillApp::new(
        shop,
        &TillOptions {
            till: Some("sembako-1".into()),
            ..Default::default()
        },
    )
    .unwrap();
    let mut cart = Cart::default();
    for code in codes.iter().take(lines) {
        app.shop.scan_into(&mut cart, code).unwrap();
    }
    assert_eq!(cart.lines.len(), lines);
    app.cart = cart;
    app.selected = Some(lines - 1);
    app.actor = Some(Actor::back_office());
    app.screen = Screen::Selling;
    app
}

fn ui_frame(c: &mut Criterion) {
    let mut g = c.benchmark_group("ui_frame");
    let ctx = egui::Context::default();
    g.bench_function("baseline_empty_frame", |b| {
        b.iter(|| {
            let out = ctx.run_ui(raw_input(), |ui| {
                ui.label("kasir");
            });
            ctx.tessellate(out.shapes, out.pixels_per_point).len()
        })
    });
    for lines in [20, 200] {
        let mut app = selling_app(open(&shop_file(1000, 0, 1)), lines);
        let ctx = egui::Context::default();
        frame(&ctx, &mut app);
        g.bench_function(BenchmarkId::new("selling_cart_lines", lines), |b| {
            b.iter(|| frame(&ctx, &mut app))
        });
    }
    g.finish();
}

/// Shops with a sales history for the cold start: 34,000 sales on one day, and, when
/// `KASIR_BENCH_HISTORY` names a count (e.g. `1000000`), that many over a year.
fn history_shops() -> Vec<(usize, usize, u32)> {
    let mut v = vec![(100_000, 34_000, 1)];
    if let Some(n) = std::env::var("KASIR_BENCH_HISTORY")
        .ok()
        .and_then(|s| s.trim().parse().ok())
    {
        v.push((100_000, n, 365));
    }
    v
}

fn cold_start(c: &mut Criterion) {
    let mut g = c.benchmark_group("cold_start");
    g.sampling_mode(SamplingMode::Flat);
    let shops = sizes()
        .into_iter()
        .map(|n| (n, 0, 1))
        .chain(history_shops());
    for (n, sales, days) in shops {
        let path = shop_file(n, sales, days);
        let id = if sales == 0 {
            n.to_string()
        } else {
            format!("{n}-products-{sales}-sales")
        };
        g.bench_function(
            BenchmarkId::new("baseline_open_sqlite_read_row", &id),
            |b| {
                b.iter(|| {
                    let c = rusqlite::Connection::open(&path).unwrap();
                    c.query_row("SELECT count(*) FROM settings", [], |r| r.get::<_, i64>(0))
                        .unwrap()
                })
            },
        );
        g.bench_function(BenchmarkId::new("open_till_first_frame", &id), |b| {
            b.iter(|| {
                let shop = open(&path);
                let mut app = TillApp::new(shop, &TillOptions::default()).unwrap();
                let ctx = egui::Context::default();
                frame(&ctx, &mut app)
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .sample_size(10);
    targets = scan, search, sale_commit, day_close, ui_frame, cold_start
}
criterion_main!(benches);
