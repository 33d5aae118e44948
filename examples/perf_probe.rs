//! Resident memory of the till with a shop open, and receipt sizes with the print time they
//! imply at 9600 baud (8N1: 960 bytes/s). Prints one JSON document.
//!
//! `cargo run --release --example perf_probe -- SHOP.db` (a shop from
//! `kasir demo --products 100000 --sales 1000`).

use std::sync::Arc;

use kasir::service::{Shop, SystemClock};
use kasir::store::{OpenMode, Store};
use kasir::ui::{TillApp, TillOptions};
use kasir_receipts::EscposOptions;

fn status_kb(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(key))
        .and_then(|l| l.split_whitespace().nth(1)?.parse().ok())
        .unwrap_or(0)
}

fn frame(ctx: &egui::Context, app: &mut TillApp) {
    let input = egui::RawInput {
        screen_rect: Some(egui::Rect::from_min_size(
            egui::Pos2::ZERO,
            egui::vec2(1280.0, 800.0),
        )),
        ..Default::default()
    };
    let out = ctx.run_ui(input, |ui| app.frame(ui));
    let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: perf_probe SHOP.db");
    let rss_start = status_kb("VmRSS:");
    let shop = Shop::new(
        Store::open(std::path::Path::new(&path), OpenMode::Existing).expect("open shop"),
        Arc::new(SystemClock),
    );
    let products = kasir::store::catalog::count(shop.store.conn()).unwrap_or(0);
    let mut app = TillApp::new(shop, &TillOptions::default()).expect("till");
    let ctx = egui::Context::default();
    for _ in 0..10 {
        frame(&ctx, &mut app);
    }
    let rss_till = status_kb("VmRSS:");
    // Search as the cashier would: the name list is built on the first keystroke.
    for needle in ["m", "mi", "mie", "minyak", "xqz"] {
        let _ = app.shop.find_items(needle, 50);
    }
    for _ in 0..10 {
        frame(&ctx, &mut app);
    }
    let rss_search = status_kb("VmRSS:");
    // Receipts: the sales with 1, 3, 10 and the most lines.
    let c = app.shop.store.conn();
    let mut receipts = Vec::new();
    for want in [1i64, 3, 10, 1000] {
        let number: Option<String> = c
            .query_row(
                "SELECT s.number FROM sales s JOIN sale_lines l ON l.sale_id = s.id
                 GROUP BY s.id HAVING count(*) <= ?1 ORDER BY count(*) DESC, s.id LIMIT 1",
                [want],
                |r| r.get(0),
            )
            .ok();
        let Some(number) = number else { continue };
        let sale = app.shop.sale(&number).expect("sale");
        let r = app.shop.receipt(&sale, false, app.lang).expect("receipt");
        let paper = app.shop.paper().expect("paper");
        let bytes = kasir_receipts::receipt_escpos(
            &r,
            paper,
            app.lang.receipts(),
            &EscposOptions {
                cut: true,
                drawer_kick: false,
            },
        );
        receipts.push(serde_json::json!({
            "sale": number,
            "lines": sale.lines.len(),
            "bytes": bytes.len(),
            "print_ms_at_9600_baud": bytes.len() * 1000 / 960,
        }));
    }
    println!(
        "{}",
        serde_json::json!({
            "shop": path,
            "products": products,
            "rss_kb_process_start": rss_start,
            "rss_kb_till_open": rss_till,
            "rss_kb_after_search": rss_search,
            "peak_kb": status_kb("VmHWM:"),
            "receipts": receipts,
        })
    );
}
