//! The large-shop generator builds a consistent shop: stock = Σ moves, the audit chain holds,
//! every generated day closes into balanced journals whose sales match the sale lines, and
//! the generated barcodes scan.

use std::sync::Arc;

use chrono::NaiveDate;
use kasir::domain::user::Actor;
use kasir::service::generate::{generated_barcode, GenerateOptions};
use kasir::service::{FixedClock, Shop};
use kasir::store::Store;
use rust_decimal::Decimal;

use crate::common;

fn generated_shop(products: usize, sales: usize, days: u32) -> Shop {
    let now = NaiveDate::from_ymd_opt(2025, 7, 1)
        .unwrap()
        .and_hms_opt(9, 0, 0)
        .unwrap();
    let mut shop = Shop::new(
        Store::open_in_memory().unwrap(),
        Arc::new(FixedClock::new(now)),
    );
    // As `kasir demo --products`: the opening balances after the generated goods and sales.
    kasir::service::demo::fill(&mut shop, &mut |_, _| {}).unwrap();
    let mut opts = GenerateOptions::new(products, sales);
    opts.days = days;
    let g = shop
        .generate(&Actor::back_office(), &opts, &mut |_, _| {})
        .unwrap();
    kasir::service::demo::post_opening(&mut shop).unwrap();
    assert_eq!((g.products, g.sales, g.days), (products, sales, days));
    assert_eq!(g.first_day.as_deref(), Some("2025-06-28"));
    assert_eq!(g.last_day.as_deref(), Some("2025-06-30"));
    shop
}

fn sum(shop: &Shop, sql: &str) -> i64 {
    shop.store.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn a_generated_shop_passes_the_check_and_its_days_close_balanced() {
    let mut shop = generated_shop(3000, 900, 3);
    let report = shop.check().unwrap();
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    // 3000 generated products on top of the demo catalog, each with its opening stock.
    assert_eq!(
        sum(
            &shop,
            "SELECT count(*) FROM products WHERE sku GLOB 'G[0-9]*'"
        ),
        3000
    );
    assert_eq!(sum(&shop, "SELECT count(*) FROM sales"), 900);
    // Every sale is whole: its lines add up to its total, its tenders cover what was payable.
    assert_eq!(
        sum(
            &shop,
            "SELECT count(*) FROM sales s WHERE s.total <>
               (SELECT sum(amount) FROM sale_lines WHERE sale_id = s.id)
             OR s.payable + s.change_given <>
               (SELECT sum(amount) FROM sale_tenders WHERE sale_id = s.id)"
        ),
        0
    );
    let admin = Actor::back_office();
    for d in 28..=30 {
        let date = NaiveDate::from_ymd_opt(2025, 6, d).unwrap();
        let sold: Decimal = shop
            .sales_on(date)
            .unwrap()
            .iter()
            .flat_map(|s| s.lines.iter().map(|l| l.amount))
            .sum();
        assert!(sold > Decimal::ZERO);
        let journals = shop.close_day(&admin, date).unwrap();
        assert_eq!(journals.len(), 1, "one unit sells on the generated till");
        let j = &journals[0];
        let debit: Decimal = j.lines.iter().map(|l| l.debit).sum();
        let credit: Decimal = j.lines.iter().map(|l| l.credit).sum();
        assert_eq!(debit, credit, "journal {} of {date}", j.number);
        let revenue: Decimal = j
            .lines
            .iter()
            .filter(|l| l.kind == "income")
            .map(|l| l.credit - l.debit)
            .sum();
        assert_eq!(revenue, sold, "sales in the journal of {date}");
    }
    // The generated history is in the opening balances: the books still hold the stock.
    let report = shop.check().unwrap();
    assert_eq!(
        report.books_match_stock,
        Some(true),
        "{:?}",
        report.problems
    );
}

#[test]
fn generated_barcodes_scan_to_their_product_and_unit() {
    let shop = generated_shop(500, 3, 3);
    let demo_products = sum(
        &shop,
        "SELECT count(*) FROM products WHERE sku NOT GLOB 'G[0-9]*'",
    );
    // Product k of the generated list has barcode 2k (base unit) and 2k+1 (pack unit).
    let k = demo_products as u64 + 123;
    let base = shop.find_item(&generated_barcode(2 * k)).unwrap();
    assert_eq!(base.sku, format!("G{k:06}"));
    assert_eq!(base.factor, Decimal::ONE);
    // A generated product that has a pack unit: its second barcode must scan to the pack.
    let with_pack = sum(
        &shop,
        "SELECT coalesce(min(CAST(substr(p.sku, 2) AS INTEGER)), 0) FROM products p
          WHERE p.sku GLOB 'G[0-9]*'
            AND (SELECT count(*) FROM product_units u WHERE u.product_id = p.id) > 1",
    ) as u64;
    assert!(with_pack > 0, "no generated product has a pack unit");
    let base = shop.find_item(&generated_barcode(2 * with_pack)).unwrap();
    let pack = shop
        .find_item(&generated_barcode(2 * with_pack + 1))
        .expect("the pack barcode scans");
    assert_eq!(pack.product_id, base.product_id);
    assert!(pack.factor > Decimal::ONE);
}

#[test]
fn kasir_demo_with_products_and_sales_builds_a_shop_that_checks() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("big.db");
    let v = common::json(
        &db,
        &["demo", "--products", "800", "--sales", "200", "--days", "2"],
    );
    assert_eq!(v["generated"]["products"], 800);
    assert_eq!(v["generated"]["sales"], 200);
    let v = common::json(&db, &["check"]);
    assert_eq!(v["stock_matches_moves"], true);
    assert_eq!(v["audit_chain"], true);
    assert_eq!(v["books_match_stock"], true, "the opening holds the stock");
}

#[test]
fn reorder_and_slow_mover_figures_from_the_window_match_the_whole_history() {
    use kasir::store::stock::{last_sale_at, sales_in_window, sales_since};
    let shop = generated_shop(2000, 600, 3);
    let c = shop.store.conn();
    let ids: Vec<i64> = c
        .prepare("SELECT id FROM products ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    let mut compared = (0, 0);
    for since in [
        "2025-06-28 00:00:00",
        "2025-06-29 12:00:00",
        "2025-06-30 18:00:00",
        "2025-07-02 00:00:00",
        "2000-01-01 00:00:00",
    ] {
        let plain = sales_since(c, since).unwrap();
        let window = sales_in_window(c, since).unwrap();
        for id in &ids {
            let (sold, last_ever) = plain.get(id).cloned().unwrap_or_default();
            let (in_window, last_in_window) = window.get(id).cloned().unwrap_or_default();
            assert_eq!(in_window, sold, "product {id} since {since}");
            let last = match last_in_window {
                Some(l) => Some(l),
                None => last_sale_at(c, *id).unwrap(),
            };
            assert_eq!(last, last_ever, "product {id} since {since}");
            compared.0 += usize::from(sold != Decimal::ZERO);
            compared.1 += usize::from(last_ever.is_some());
        }
    }
    // Products did sell, in and before the windows, so the comparison means something.
    assert!(compared.0 > 100 && compared.1 > 100, "{compared:?}");
}

/// The day close reads a day's sales through `sales::postings_on` (three reads of the day's
/// rows) instead of loading each sale whole: for every generated day it gives what the whole
/// sales give — unit, member, change, rounding, each line's unit, amount and PPN, each tender.
#[test]
fn the_day_close_reads_each_days_sales_as_the_whole_sales_show_them() {
    use kasir::store::sales::{by_date, postings_on, SalePosting};
    let shop = generated_shop(300, 600, 3);
    let c = shop.store.conn();
    let dates: Vec<String> = c
        .prepare("SELECT DISTINCT business_date FROM sales ORDER BY 1")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(dates.len() >= 3, "{dates:?}");
    let (mut members, mut tenders) = (0, 0);
    for d in &dates {
        let whole: Vec<SalePosting> = by_date(c, d)
            .unwrap()
            .into_iter()
            .map(|s| SalePosting {
                business_unit: s.business_unit,
                member: s.member_number.is_some(),
                change: s.change,
                rounding: s.rounding,
                lines: s
                    .lines
                    .into_iter()
                    .map(|l| (l.business_unit, l.amount, l.ppn))
                    .collect(),
                tenders: s.tenders.into_iter().map(|t| (t.kind, t.amount)).collect(),
            })
            .collect();
        members += whole.iter().filter(|s| s.member).count();
        tenders += whole
            .iter()
            .filter(|s| s.tenders.iter().any(|(k, _)| k != "cash"))
            .count();
        assert_eq!(postings_on(c, d).unwrap(), whole, "{d}");
    }
    // The days hold member sales and payments other than cash, not only plain cash sales.
    assert!(members > 0 && tenders > 0, "{members} {tenders}");
}
