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
//! runs (default 3) in milliseconds: CPU time (user + system, of the child process or of
//! the probe's thread), then wall time in brackets. On a shared, busy machine the wall time
//! includes waiting for a core; the CPU time is what the command costs. A command the shop
//! refuses is marked "refused". `KASIR_PROBE_PART=commands` or `screens` runs one half.

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

/// CPU time a process has had (user + system) in ms, from the scheduler's statistics in
/// nanoseconds: readable while it runs and after it exits, until it is waited for.
fn process_cpu_ms(pid: u32) -> Option<f64> {
    std::fs::read_to_string(format!("/proc/{pid}/schedstat"))
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map(|ns| ns / 1e6)
}

/// Whether a process has exited (a zombie not yet waited for).
fn exited(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| {
            s.rsplit_once(')')
                .map(|(_, r)| r.trim_start().starts_with('Z'))
        })
        .unwrap_or(true)
}

/// CPU time of this thread so far, in ms (nanoseconds from the scheduler's statistics).
fn thread_cpu_ms() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<f64>().ok())
        .map_or(0.0, |ns| ns / 1e6)
}

/// "CPU (wall)" of medians.
fn shown(cpu: Vec<f64>, wall: Vec<f64>) -> String {
    let (c, w) = (median(cpu), median(wall));
    if w < 10.0 {
        format!("{c:.1} ({w:.1})")
    } else {
        format!("{c:.0} ({w:.0})")
    }
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
    /// 29 days before `day`: a 30-day window for the dashboard.
    from: String,
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
        from: chrono::NaiveDate::parse_from_str(&day, "%Y-%m-%d")
            .map(|d| (d - chrono::Duration::days(29)).to_string())
            .unwrap_or_else(|_| day.clone()),
        day,
    }
}

/// Median CPU and wall time of `kasir --db DB ARGS…`, or None when it is refused.
fn time_cmd(kasir: &str, db: &Path, args: &[String], n: usize) -> Option<String> {
    let (mut cpu, mut wall) = (Vec::new(), Vec::new());
    let err_path = std::env::temp_dir().join(format!("kasir-probe-{}.err", std::process::id()));
    for _ in 0..n {
        let err = std::fs::File::create(&err_path).expect("stderr file");
        let t = Instant::now();
        let mut child = Command::new(kasir)
            .arg("--db")
            .arg(db)
            .args(args)
            .env("KASIR_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(err)
            .spawn()
            .expect("run kasir");
        // The child's CPU time is read once it has exited and before it is waited for.
        let mut used = 0.0;
        while !exited(child.id()) {
            used = process_cpu_ms(child.id()).unwrap_or(used);
            std::thread::sleep(std::time::Duration::from_micros(500));
        }
        used = process_cpu_ms(child.id()).unwrap_or(used);
        wall.push(t.elapsed().as_secs_f64() * 1000.0);
        cpu.push(used);
        let status = child.wait().expect("wait for kasir");
        if !status.success() {
            eprintln!(
                "refused: {args:?}: {}",
                std::fs::read_to_string(&err_path)
                    .unwrap_or_default()
                    .trim()
            );
            return None;
        }
    }
    let _ = std::fs::remove_file(&err_path);
    Some(shown(cpu, wall))
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
fn screens(db: &Path, f: &Facts, n: usize) -> Vec<(String, String)> {
    let mut rows = Vec::new();
    // (CPU, wall) of `f`.
    let timed = |f: &mut dyn FnMut()| -> (f64, f64) {
        let (c, t) = (thread_cpu_ms(), Instant::now());
        f();
        (thread_cpu_ms() - c, t.elapsed().as_secs_f64() * 1000.0)
    };
    let opens: (Vec<f64>, Vec<f64>) = (0..n)
        .map(|_| timed(&mut || drop(Store::open(db, OpenMode::Existing).expect("open shop"))))
        .unzip();
    rows.push((
        "open the shop (`Store::open`: the open-time check of the working tables)".into(),
        shown(opens.0, opens.1),
    ));
    let kinds = [
        (BackKind::Stock, "stock screen"),
        (BackKind::Books, "books screen"),
        (BackKind::Members, "members screen"),
        (BackKind::Products, "products screen"),
    ];
    let mut per_kind: Vec<(Vec<f64>, Vec<f64>)> = vec![Default::default(); kinds.len()];
    let mut dash: (Vec<f64>, Vec<f64>) = Default::default();
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
            let (c, w) = timed(&mut || {
                app.apply(Action::GoBack(*kind));
                frame(&ctx, &mut app);
            });
            per_kind[i].0.push(c);
            per_kind[i].1.push(w);
        }
        let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a date");
        let (c, w) = timed(&mut || {
            app.shop
                .dashboard(day(&f.from), day(&f.day), 10)
                .expect("dashboard");
        });
        dash.0.push(c);
        dash.1.push(w);
    }
    for ((_, name), (c, w)) in kinds.iter().zip(per_kind) {
        rows.push((
            format!("{name}, first load (action + first frame)"),
            shown(c, w),
        ));
    }
    rows.push((
        "dashboard tab: `Shop::dashboard` for 30 days".into(),
        shown(dash.0, dash.1),
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
        (
            "report dashboard (30 days)",
            "report dashboard --from {from} --to {day}",
            false,
        ),
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
        ("backup FILE", "backup {tmp}/backup.db", true),
    ];
    let tmp = tmp.to_string_lossy();
    LIST.iter()
        .filter(|(_, args, _)| f.sale.is_some() || !args.contains("{sale}"))
        .map(|(label, args, writes)| {
            let args = args
                .split(' ')
                .map(|a| {
                    a.replace("{day}", &f.day)
                        .replace("{from}", &f.from)
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
        let part = std::env::var("KASIR_PROBE_PART").unwrap_or_default();
        for (label, args, writes) in commands(&f, &tmp) {
            if part == "screens" {
                break;
            }
            let db = if writes { &copy } else { shop };
            // Writing commands change the shop: once each, on the copy.
            let times = if writes && !label.starts_with("report") {
                1
            } else {
                n
            };
            let v = time_cmd(&kasir, db, &args, times).unwrap_or_else(|| "refused".into());
            put(&mut table, col, &label, v);
        }
        let screens = if part == "commands" {
            Vec::new()
        } else {
            screens(shop, &f, n)
        };
        for (label, v) in screens {
            put(&mut table, col, &label, v);
        }
        let _ = std::fs::remove_dir_all(&tmp);
    }
    println!("| {} |", header.join(" | "));
    println!("|{}", "---|".repeat(header.len()));
    for (label, vals) in table {
        println!("| {label} | {} |", vals.join(" | "));
    }
}
