//! Growth of every back-office command and screen with the size of the shop: each CLI
//! command run as a whole process (the real binary, as a user runs it), each back-office
//! screen's first load through the till's own app type, and the fixed cost of opening a shop
//! (the open-time damage check) apart. Prints one Markdown table, one column per shop.
//!
//! ```text
//! cargo build --release --bin kasir --example command_probe
//! target/release/examples/command_probe target/release/kasir 1k.db 10k.db 100k.db
//! ```
//!
//! Shops from `kasir demo --products N [--sales M]`. Commands that write (import, day close,
//! backup …) run on a copy of each shop made once, in the directory of `KASIR_PROBE_TMP`
//! (default: the system's temp directory). Each figure is the median of `KASIR_PROBE_RUNS`
//! runs (default 3) in milliseconds; a command the shop refuses is marked "refused".

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use kasir::service::{Shop, SystemClock};
use kasir::store::{OpenMode, Store};
use kasir::ui::{Action, BackKind, TillApp, TillOptions};

fn runs() -> usize {
    std::env::var("KASIR_PROBE_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.total_cmp(b));
    xs[xs.len() / 2]
}

/// What a shop holds that the commands need: a barcode, a member, the last day with sales,
/// a sale of that day.
struct Facts {
    products: i64,
    sales: i64,
    barcode: String,
    member: String,
    day: String,
    sale: Option<String>,
}

fn facts(db: &Path) -> Facts {
    let c = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .expect("open shop");
    let one = |sql: &str| -> Option<String> { c.query_row(sql, [], |r| r.get(0)).ok() };
    let day = one("SELECT max(business_date) FROM sales")
        .unwrap_or_else(|| chrono::Local::now().date_naive().to_string());
    Facts {
        products: c
            .query_row("SELECT count(*) FROM products", [], |r| r.get(0))
            .unwrap_or(0),
        sales: c
            .query_row("SELECT max(id) FROM sales", [], |r| r.get(0))
            .unwrap_or(0),
        barcode: one("SELECT code FROM barcodes ORDER BY code LIMIT 1").expect("a barcode"),
        member: one("SELECT number FROM members ORDER BY number LIMIT 1").expect("a member"),
        sale: c
            .query_row(
                "SELECT number FROM sales WHERE business_date = ?1 ORDER BY id DESC LIMIT 1",
                [&day],
                |r| r.get(0),
            )
            .ok(),
        day,
    }
}

/// Median wall time of `kasir --db DB ARGS…` in ms, or None when it is refused.
fn time_cmd(kasir: &str, db: &Path, args: &[String], n: usize) -> Option<f64> {
    let mut times = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        let out = Command::new(kasir)
            .arg("--db")
            .arg(db)
            .args(args)
            .env("KASIR_LOG", "warn")
            .output()
            .expect("run kasir");
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        if !out.status.success() {
            eprintln!(
                "refused: {args:?}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            );
            return None;
        }
        times.push(ms);
    }
    Some(median(times))
}

fn frame(ctx: &egui::Context, app: &mut TillApp) {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let mut out = ctx.run_ui(input, |ui| app.frame(ui));
    let _ = ctx.tessellate(std::mem::take(&mut out.shapes), out.pixels_per_point);
    out.textures_delta.clear();
}

fn open_shop(db: &Path) -> Shop {
    Shop::new(
        Store::open(db, OpenMode::Existing).expect("open shop"),
        Arc::new(SystemClock),
    )
}

/// In-process figures: opening the store, and each back-office screen's first load (the
/// app's own action and one frame) for the admin, and the dashboard tab's service call.
fn screens(db: &Path, n: usize) -> Vec<(String, f64)> {
    let mut rows = Vec::new();
    let opens: Vec<f64> = (0..n)
        .map(|_| {
            let t = Instant::now();
            drop(Store::open(db, OpenMode::Existing).expect("open shop"));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    rows.push((
        "open the shop (`Store::open`: the open-time check of the working tables)".into(),
        median(opens),
    ));
    let kinds = [
        (BackKind::Stock, "stock screen"),
        (BackKind::Books, "books screen"),
        (BackKind::Members, "members screen"),
        (BackKind::Products, "products screen"),
    ];
    let mut per_kind: Vec<Vec<f64>> = vec![Vec::new(); kinds.len()];
    let mut dash = Vec::new();
    for _ in 0..n {
        let mut app = TillApp::new(open_shop(db), &TillOptions::default()).expect("till");
        let ctx = egui::Context::default();
        frame(&ctx, &mut app);
        let admin = app
            .users
            .iter()
            .position(|u| u.username == "admin")
            .expect("the demo admin");
        app.apply(Action::SelectUser(admin));
        for k in "9999".chars() {
            app.apply(Action::PinKey(k));
        }
        app.apply(Action::Login);
        assert!(app.actor.is_some(), "admin logged in");
        frame(&ctx, &mut app);
        for (i, (kind, _)) in kinds.iter().enumerate() {
            let t = Instant::now();
            app.apply(Action::GoBack(*kind));
            frame(&ctx, &mut app);
            per_kind[i].push(t.elapsed().as_secs_f64() * 1000.0);
        }
        let today = app.shop.now().date();
        let first = chrono::Datelike::with_day(&today, 1).unwrap_or(today);
        let t = Instant::now();
        app.shop.dashboard(first, today, 10).expect("dashboard");
        dash.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    for ((_, name), times) in kinds.iter().zip(per_kind) {
        rows.push((
            format!("{name}, first load (action + first frame)"),
            median(times),
        ));
    }
    rows.push((
        "dashboard tab: `Shop::dashboard` for this month".into(),
        median(dash),
    ));
    rows
}

/// Every command, as (label, args, writes), in the order they run: `{day}`, `{month}`,
/// `{year}`, `{code}`, `{member}`, `{sale}` and `{tmp}` stand for the shop's own.
fn commands(f: &Facts, tmp: &Path) -> Vec<(String, Vec<String>, bool)> {
    const LIST: &[(&str, &str, bool)] = &[
        (
            "members show (any command: open + one row)",
            "members show {member}",
            false,
        ),
        ("catalog export", "catalog export {tmp}/catalog.csv", false),
        (
            "catalog import (its own export)",
            "catalog import {tmp}/catalog.csv",
            true,
        ),
        ("members export", "members export {tmp}/members.csv", false),
        (
            "members statement (month)",
            "members statement {member} --month {month}",
            false,
        ),
        ("stock CODE", "stock {code}", false),
        ("stock (every product)", "stock", false),
        ("stock moves CODE", "stock moves {code}", false),
        (
            "sales list --date (last day)",
            "sales list --date {day}",
            false,
        ),
        ("sales show NO", "sales show {sale}", false),
        ("report stock", "report stock", false),
        ("report stock --low", "report stock --low", false),
        ("report stock --slow", "report stock --slow", false),
        ("report expiry", "report expiry", false),
        (
            "report sipnap (month)",
            "report sipnap --month {month}",
            false,
        ),
        (
            "report register (month)",
            "report register --month {month}",
            false,
        ),
        ("report members", "report members", false),
        ("report dashboard", "report dashboard", false),
        ("report shu (year)", "report shu --year {year}", false),
        ("supplier list", "supplier list", false),
        ("print queue", "print queue", false),
        ("shift open", "shift open --till cli --float 0", true),
        ("report x", "report x --till cli", true),
        ("shift close", "shift close --till cli --count 1000*0", true),
        ("report z (last closed shift)", "report z --till cli", true),
        ("day close (last day)", "day close --date {day}", true),
        ("day status", "day status --date {day}", true),
        (
            "ledger export (last day)",
            "ledger export --format hledger --from {day} --to {day} --out {tmp}/l.journal",
            true,
        ),
        (
            "report trial-balance (last day)",
            "report trial-balance --from {day} --to {day}",
            true,
        ),
        ("check", "check", false),
        ("backup FILE", "backup {tmp}/backup.db", false),
    ];
    let tmp = tmp.to_string_lossy();
    LIST.iter()
        .filter(|(_, args, _)| f.sale.is_some() || !args.contains("{sale}"))
        .map(|(label, args, writes)| {
            let args = args
                .split(' ')
                .map(|a| {
                    a.replace("{day}", &f.day)
                        .replace("{month}", &f.day[..7])
                        .replace("{year}", &f.day[..4])
                        .replace("{code}", &f.barcode)
                        .replace("{member}", &f.member)
                        .replace("{sale}", f.sale.as_deref().unwrap_or(""))
                        .replace("{tmp}", &tmp)
                })
                .collect();
            (label.to_string(), args, *writes)
        })
        .collect()
}

/// Put `v` in column `col` of the row `label`, adding the row if it is new.
fn put(table: &mut Vec<(String, Vec<String>)>, col: usize, label: &str, v: String) {
    match table.iter_mut().find(|(l, _)| l == label) {
        Some((_, vals)) => {
            vals.resize(col, String::new());
            vals.push(v);
        }
        None => {
            let mut vals = vec![String::new(); col];
            vals.push(v);
            table.push((label.to_string(), vals));
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let kasir = args.next().expect("usage: command_probe KASIR SHOP.db…");
    let shops: Vec<PathBuf> = args.map(PathBuf::from).collect();
    assert!(!shops.is_empty(), "usage: command_probe KASIR SHOP.db…");
    let n = runs();
    let base = std::env::var_os("KASIR_PROBE_TMP")
        .map(PathBuf::from)
        .unwrap_or_else(std::env::temp_dir);
    let mut header = vec!["what".to_string()];
    let mut table: Vec<(String, Vec<String>)> = Vec::new();
    for (col, shop) in shops.iter().enumerate() {
        let f = facts(shop);
        header.push(format!("{} products, {} sales", f.products, f.sales));
        eprintln!(
            "{}: {} products, {} sales",
            shop.display(),
            f.products,
            f.sales
        );
        let tmp = base.join(format!("kasir-probe-{}-{col}", std::process::id()));
        std::fs::create_dir_all(&tmp).expect("temp dir");
        let copy = tmp.join("copy.db");
        std::fs::copy(shop, &copy).expect("copy the shop");
        for (label, args, writes) in commands(&f, &tmp) {
            let db = if writes { &copy } else { shop };
            // Writing commands change the shop: once each, on the copy.
            let times = if writes && !label.starts_with("report") {
                1
            } else {
                n
            };
            let v = time_cmd(&kasir, db, &args, times)
                .map_or("refused".to_string(), |ms| format!("{ms:.0}"));
            put(&mut table, col, &label, v);
        }
        for (label, ms) in screens(shop, n) {
            put(&mut table, col, &label, format!("{ms:.1}"));
        }
        let _ = std::fs::remove_dir_all(&tmp);
    }
    println!("| {} |", header.join(" | "));
    println!("|{}", "---|".repeat(header.len()));
    for (label, vals) in table {
        println!("| {label} | {} |", vals.join(" | "));
    }
}
