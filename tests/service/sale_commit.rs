//! The sale commit's fast paths give the answers of the plain ones: the sale `checkout`
//! returns (built from what is in hand) is the sale as stored, and the next sale number
//! (read from the till's last sale through an index) is the count of the day's sales + 1.
//! The queries a cashier or treasurer waits for go through an index, not the whole history.
//! Stock carried by the moves (each with the product's balance after it) is the sum of the
//! moves, and a sale writes the pages it must and no more.

use std::sync::Arc;

use chrono::NaiveDateTime;
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::user::Actor;
use kasir::service::{FixedClock, Shop};
use kasir::store::sales::{count_for_till_day, last_seq_for_till_day, LAST_OF_TILL_DAY};
use kasir::store::Store;
use rust_decimal::Decimal;
use rust_decimal_macros::dec;

const TILLS: [&str; 2] = ["sembako-1", "cli"];

fn at(s: &str) -> NaiveDateTime {
    NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

fn shop(clock: Arc<FixedClock>) -> (Shop, Actor) {
    let mut shop = Shop::new(Store::open_in_memory().unwrap(), clock);
    kasir::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
    // These sales are about numbers, pages and moves, not about the shelf: many of them take
    // more than the demo stock holds, which this shop allows.
    shop.set_setting(&Actor::back_office(), "stock.allow_negative", "true")
        .unwrap();
    let kasir = shop.login("siti", "1111").unwrap();
    for till in TILLS {
        shop.open_shift(&kasir, till, dec!(500000), &Default::default())
            .unwrap();
    }
    (shop, kasir)
}

/// Entries a cashier types or scans: plain, multiplied, a bigger unit, a weighed item.
const ENTRIES: &[&str] = &[
    "8991993003616",
    "2*8992097000976",
    "8992097000983",
    "1,25*BRS-CRM",
    "3*8991750001060",
    "0,5*BRS-CRP",
    "8997003000798",
    "8992097001089",
];

/// A small deterministic generator, so a failure replays.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

fn random_cart(shop: &Shop, rng: &mut Lcg) -> Cart {
    let mut cart = Cart::default();
    if rng.next(3) == 0 {
        shop.attach_member(&mut cart, Some(["A0001", "A0003", "A0004"][rng.next(3)]))
            .unwrap();
    }
    for _ in 0..1 + rng.next(5) {
        shop.scan_into(&mut cart, ENTRIES[rng.next(ENTRIES.len())])
            .unwrap();
    }
    if rng.next(4) == 0 {
        let line = rng.next(cart.lines.len());
        let most = cart.lines[line].amount().min(dec!(2500));
        cart.set_discount(line, most).unwrap();
    }
    cart
}

fn tenders(shop: &Shop, cart: &Cart, rng: &mut Lcg) -> Vec<Tender> {
    let total = cart.totals(shop.settings().unwrap().tax()).total;
    let cash = |amount| Tender {
        kind: TenderKind::Cash,
        amount,
        reference: None,
    };
    match rng.next(4) {
        // Exact-ish cash, rounded up to a note: change and rounding.
        0 => vec![cash((total / dec!(50000)).ceil() * dec!(50000))],
        1 => vec![Tender {
            kind: TenderKind::Qris,
            amount: total,
            reference: Some("QR-7781".into()),
        }],
        2 if cart
            .member
            .as_ref()
            .is_some_and(|m| m.kasbon_available() > dec!(1000)) =>
        {
            let room = cart.member.as_ref().map(|m| m.kasbon_available());
            let kasbon = (total / dec!(2)).round().min(room.unwrap_or_default());
            vec![
                Tender {
                    kind: TenderKind::Kasbon,
                    amount: kasbon,
                    reference: None,
                },
                cash(total),
            ]
        }
        _ => vec![cash(total + dec!(37))],
    }
}

#[test]
fn the_sale_checkout_returns_is_the_sale_as_stored() {
    let clock = Arc::new(FixedClock::new(at("2026-12-01 08:00")));
    let (mut shop, kasir) = shop(clock.clone());
    let mut rng = Lcg(0x006b_6173_6972);
    let mut kinds = std::collections::BTreeSet::new();
    for i in 0..120 {
        let cart = random_cart(&shop, &mut rng);
        let pay = tenders(&shop, &cart, &mut rng);
        let till = TILLS[i % 2];
        let sold = shop.checkout(&kasir, till, &cart, &pay).unwrap();
        let stored = shop.sale(&sold.number).unwrap();
        assert_eq!(sold, stored, "sale {i} on {till}");
        // Decimal scales too (what the CLI prints): `Debug` shows `1.00` apart from `1`.
        assert_eq!(format!("{sold:?}"), format!("{stored:?}"));
        for t in &sold.tenders {
            kinds.insert(t.kind.clone());
        }
        if sold.member_number.is_some() {
            kinds.insert("member".into());
        }
        if sold.rounding != Decimal::ZERO {
            kinds.insert("rounding".into());
        }
        if sold.discount != Decimal::ZERO {
            kinds.insert("discount".into());
        }
        if sold.lines.iter().any(|l| l.qty.fract() != Decimal::ZERO) {
            kinds.insert("weighed".into());
        }
        clock.advance(chrono::Duration::minutes(3));
    }
    // The random carts covered every shape, so the comparison means something.
    for k in [
        "cash", "qris", "kasbon", "member", "rounding", "discount", "weighed",
    ] {
        assert!(kinds.contains(k), "no {k} sale among {kinds:?}");
    }
}

#[test]
fn the_next_sale_number_follows_the_count_of_the_days_sales() {
    let clock = Arc::new(FixedClock::new(at("2026-12-01 08:00")));
    let (mut shop, kasir) = shop(clock.clone());
    let mut rng = Lcg(7);
    for day in ["2026-12-01", "2026-12-02"] {
        clock.set(at(&format!("{day} 08:00")));
        for i in 0..40 {
            // The tills take turns unevenly, so their sequences differ.
            let till = TILLS[usize::from(rng.next(3) == 0)];
            let date = day.to_string();
            let conn = shop.store.conn();
            let counted = count_for_till_day(conn, till, &date).unwrap();
            assert_eq!(last_seq_for_till_day(conn, till, &date).unwrap(), counted);
            let cart = random_cart(&shop, &mut rng);
            let pay = tenders(&shop, &cart, &mut rng);
            let sale = shop.checkout(&kasir, till, &cart, &pay).unwrap();
            let expected = format!("{till}-{}-{:04}", day.replace('-', ""), counted + 1);
            assert_eq!(sale.number, expected, "sale {i} of {day}");
        }
    }
}

fn plan(shop: &Shop, sql: &str, params: &[&str]) -> Vec<String> {
    shop.store
        .conn()
        .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
        .unwrap()
        .query_map(rusqlite::params_from_iter(params), |r| {
            r.get::<_, String>(3)
        })
        .unwrap()
        .map(|r| r.unwrap())
        .collect()
}

/// The query goes through `index` and reads no table or index whole.
fn searches(shop: &Shop, sql: &str, params: &[&str], index: &str) -> Vec<String> {
    let plan = plan(shop, sql, params);
    assert!(
        plan.iter().any(|p| p.contains(index)),
        "{index} not used: {plan:?}"
    );
    assert!(!plan.iter().any(|p| p.starts_with("SCAN")), "{plan:?}");
    plan
}

#[test]
fn the_next_sale_number_is_found_through_an_index_not_a_scan() {
    let clock = Arc::new(FixedClock::new(at("2026-12-01 08:00")));
    let (shop, _) = shop(clock);
    let plan = searches(
        &shop,
        LAST_OF_TILL_DAY,
        &["sembako-1", "2026-12-01"],
        "sales_day_till",
    );
    assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
}

#[test]
fn day_close_and_the_reorder_window_read_only_their_period() {
    let clock = Arc::new(FixedClock::new(at("2026-12-01 08:00")));
    let (shop, _) = shop(clock);
    searches(
        &shop,
        kasir::store::ledger::STOCK_FLOWS_ON,
        &["2026-12-01", "0"],
        "stock_moves_at",
    );
    // `kasir check`: the moves the books do not hold yet, since the last posted day.
    searches(
        &shop,
        kasir::store::ledger::STOCK_SINCE,
        &["2026-12-01", "0"],
        "stock_moves_at",
    );
    // Before any day is posted: the moves since the opening's last one, by id.
    searches(
        &shop,
        kasir::store::ledger::STOCK_AFTER,
        &["0"],
        "INTEGER PRIMARY KEY (rowid>?)",
    );
    searches(
        &shop,
        kasir::store::stock::SALES_IN_WINDOW,
        &["2026-11-01 00:00:00"],
        "stock_moves_at",
    );
}

/// Moves whose stored balance is not the running sum of the product's moves up to them.
fn wrong_balances(shop: &Shop) -> i64 {
    shop.store
        .conn()
        .query_row(
            "SELECT count(*) FROM stock_moves m JOIN (
                 SELECT id, sum(qty) OVER w AS q, sum(value) OVER w AS v FROM stock_moves
                 WINDOW w AS (PARTITION BY product_id ORDER BY id)) r ON r.id = m.id
             WHERE m.on_hand_after != r.q OR m.value_after != r.v",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

#[test]
fn stock_read_from_the_newest_move_is_the_sum_of_the_moves() {
    let clock = Arc::new(FixedClock::new(at("2026-12-01 08:00")));
    let (mut shop, kasir) = shop(clock.clone());
    let mut rng = Lcg(0x5707);
    for i in 0..120 {
        let cart = random_cart(&shop, &mut rng);
        let pay = tenders(&shop, &cart, &mut rng);
        shop.checkout(&kasir, TILLS[i % 2], &cart, &pay).unwrap();
        clock.advance(chrono::Duration::minutes(2));
    }
    let c = shop.store.conn();
    let moves: i64 = c
        .query_row(
            "SELECT count(*) FROM stock_moves WHERE kind = 'sale'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(moves >= 120, "{moves} sale moves");
    let split: i64 = c
        .query_row(
            "SELECT count(*) FROM (SELECT 1 FROM stock_moves WHERE kind = 'sale'
             GROUP BY ref_id, product_id HAVING count(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    // Some lines were taken from two batches: balances carried across a line's moves.
    assert!(split > 0, "no line took from more than one batch");
    assert_eq!(wrong_balances(&shop), 0);
    // Every product's stock, as the screens and reports read it, against the plain sums.
    let sums: Vec<(i64, i64, i64)> = c
        .prepare("SELECT product_id, sum(qty), sum(value) FROM stock_moves GROUP BY product_id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(|r| r.unwrap())
        .collect();
    assert!(sums.len() > 10);
    for (product, q, v) in sums {
        let (on_hand, value, _) = kasir::store::stock::position(c, product).unwrap();
        assert_eq!(on_hand, Decimal::new(q, 3).normalize(), "product {product}");
        assert_eq!(value, Decimal::new(v, 2).normalize(), "product {product}");
        let row = kasir::store::stock::of_product(c, product)
            .unwrap()
            .unwrap();
        assert_eq!((row.on_hand, row.value), (on_hand, value));
    }
    assert!(kasir::store::stock::mismatches(c).unwrap().is_empty());
}

#[test]
fn a_products_stock_is_one_step_down_the_moves_index() {
    let clock = Arc::new(FixedClock::new(at("2026-12-01 08:00")));
    let (shop, _) = shop(clock);
    let plan = searches(
        &shop,
        kasir::store::stock::LAST_BALANCE,
        &["1"],
        "COVERING INDEX stock_moves_product",
    );
    assert!(!plan.iter().any(|p| p.contains("TEMP B-TREE")), "{plan:?}");
}

/// WAL bytes and frames (pages) one 3-line cash sale writes, averaged over `n` sales on a
/// new shop file.
fn written_per_sale(n: usize) -> (f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kasir.db");
    let clock = Arc::new(FixedClock::new(at("2026-12-01 08:00")));
    let mut shop = Shop::new(
        Store::open(&path, kasir::store::OpenMode::CreateNew).unwrap(),
        clock.clone(),
    );
    kasir::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
    // These sales are about numbers, pages and moves, not about the shelf: many of them take
    // more than the demo stock holds, which this shop allows.
    shop.set_setting(&Actor::back_office(), "stock.allow_negative", "true")
        .unwrap();
    let kasir = shop.login("siti", "1111").unwrap();
    shop.open_shift(&kasir, TILLS[0], dec!(500000), &Default::default())
        .unwrap();
    let mut cart = Cart::default();
    for code in ["8991993003616", "8992097000976", "8997003000798"] {
        shop.scan_into(&mut cart, code).unwrap();
    }
    let total = cart.totals(shop.settings().unwrap().tax()).total;
    let pay = [Tender {
        kind: TenderKind::Cash,
        amount: (total / dec!(50000)).ceil() * dec!(50000),
        reference: None,
    }];
    for _ in 0..50 {
        shop.checkout(&kasir, TILLS[0], &cart, &pay).unwrap();
    }
    let c = shop.store.conn();
    let page: i64 = c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap();
    c.execute_batch("PRAGMA wal_autocheckpoint = 0").unwrap();
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    for _ in 0..n {
        shop.checkout(&kasir, TILLS[0], &cart, &pay).unwrap();
        clock.advance(chrono::Duration::seconds(20));
    }
    let wal = std::fs::metadata(dir.path().join("kasir.db-wal"))
        .unwrap()
        .len() as f64;
    // A WAL file is a 32-byte header and frames of a 24-byte header and one page.
    let frames = (wal - 32.0) / (page + 24) as f64;
    ((wal - 32.0) / n as f64, frames / n as f64)
}

/// What a sale costs SQLite is what it writes to the WAL: a whole page for each table and
/// index leaf it changes. A new index on the sale's path, or a cache kept outside the
/// moves, shows here before any benchmark is run. The sale's event in the outbox costs
/// about 2.8 of them (17.9 pages without it): its row of about 1.4 KB in the table's last
/// leaf, a new leaf every few sales, and the leaf of its (till, seq) index.
#[test]
fn a_three_line_cash_sale_writes_at_most_twenty_one_pages() {
    let (bytes, pages) = written_per_sale(200);
    eprintln!("per 3-line cash sale: {bytes:.0} bytes, {pages:.2} pages");
    assert!(
        pages <= 21.0,
        "{pages:.2} pages ({bytes:.0} bytes) per sale"
    );
}

/// A shift's totals as the plain query over every sale reads them: (count, Σ payable,
/// Σ tenders).
fn plain_shift_totals(shop: &Shop, shift: i64) -> (i64, i64, i64) {
    shop.store
        .conn()
        .query_row(
            "SELECT count(*), coalesce(sum(payable), 0),
                    coalesce((SELECT sum(t.amount) FROM sale_tenders t JOIN sales x ON x.id = t.sale_id
                              WHERE x.shift_id = ?1), 0)
             FROM sales WHERE shift_id = ?1",
            [shift],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

#[test]
fn each_shifts_totals_are_its_own_sales_across_two_tills_and_reopened_shifts() {
    let clock = Arc::new(FixedClock::new(at("2026-12-01 08:00")));
    let (mut shop, kasir) = shop(clock.clone());
    let mut rng = Lcg(0x5417);
    let mut shifts = std::collections::BTreeSet::new();
    for round in 0..4 {
        for _ in 0..12 {
            let till = TILLS[usize::from(rng.next(3) == 0)];
            let cart = random_cart(&shop, &mut rng);
            let pay = tenders(&shop, &cart, &mut rng);
            shop.checkout(&kasir, till, &cart, &pay).unwrap();
            clock.advance(chrono::Duration::minutes(4));
        }
        // One till closes and opens again while the other keeps selling.
        let till = TILLS[round % 2];
        shifts.insert(shop.require_shift(till).unwrap().id);
        shop.close_shift(
            &kasir,
            till,
            &Default::default(),
            Some("hitung ulang"),
            kasir::i18n::Lang::Id,
        )
        .unwrap();
        shop.open_shift(&kasir, till, dec!(100000), &Default::default())
            .unwrap();
    }
    for till in TILLS {
        shifts.insert(shop.require_shift(till).unwrap().id);
    }
    assert!(shifts.len() >= 6, "{shifts:?}");
    let c = shop.store.conn();
    let mut sold = 0;
    for shift in shifts {
        let (n, payable, tendered) = plain_shift_totals(&shop, shift);
        let x = kasir::store::print::shift_totals(c, shift).unwrap();
        assert_eq!(x.sales, n, "shift {shift}");
        assert_eq!(
            x.payable,
            Decimal::new(payable, 2).normalize(),
            "shift {shift}"
        );
        let t: Decimal = x.tenders.iter().map(|(_, a)| *a).sum();
        assert_eq!(t, Decimal::new(tendered, 2).normalize(), "shift {shift}");
        let z = kasir::store::shift_close::totals(c, shift).unwrap();
        assert_eq!(i64::from(z.sales_count), n, "shift {shift}");
        sold += n;
    }
    assert_eq!(sold, 48);
    // A closed shift's range ends where it closed, so its report reads only its own period.
    let open_ended: i64 = c
        .query_row(
            "SELECT count(*) FROM shifts WHERE status = 'closed' AND sales_to IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(open_ended, 0);
}
