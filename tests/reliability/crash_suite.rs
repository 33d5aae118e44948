//! Crash suite (invariants 1–4): the real binary rings sales, takes returns, books goods
//! received, prints receipts through the queue, closes shifts and the day, and is SIGKILLed at seeded random
//! points; the till's draft cart is written by a child process killed mid-write. After every
//! kill the shop must be whole:
//! - every acknowledged sale (exit 0 and its number printed) is stored with its lines and
//!   tenders, and the tenders pay exactly what it says is payable;
//! - no partial sale: the sale moves of each product equal the stored sale lines;
//! - stock = moves and the audit chain holds (`kasir check`);
//! - every journal balances;
//! - the print queue has exactly one receipt job per stored sale;
//! - the draft cart reloads as the last one acknowledged or the one being written, never torn.
//!
//! Short run in `cargo test` (~30 kills), `KASIR_CI=1` ~60; `KASIR_LONG=1` runs hundreds (`KASIR_KILLS=N` sets
//! the number). The seed is printed; `KASIR_SEED=N` replays the same script and delays.

use crate::common;
use common::*;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use kasir::domain::cart::Cart;
use kasir::service::{Shop, SystemClock};
use kasir::store::{OpenMode, Store};
use rust_decimal::Decimal;

static DRAFT_SAVES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
const DRAFT_TILL: &str = "crash-draft";
/// Indomie (pcs), beras 5 kg sak (factor 5), paracetamol strip (batch-tracked), beras premium.
const CODES: [&str; 4] = [
    "8991234567891",
    "8991993003616",
    "8996340002250",
    "8991993003630",
];

fn dec(v: &serde_json::Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("decimal string expected, got {v}"))
        .parse()
        .unwrap()
}

/// The n-th draft the child writes: 1–4 lines, every quantity n % 50 + 1.
fn draft_cart(shop: &Shop, n: u64) -> Cart {
    let mut cart = Cart::default();
    for code in CODES.iter().take((n % 4) as usize + 1) {
        shop.scan_into(&mut cart, &format!("{}*{code}", n % 50 + 1))
            .unwrap();
    }
    cart
}

/// Child part: save drafts n, n+1, … and print "saved n" after each commit, until killed.
#[test]
#[ignore = "a child process of another test, started by it with --ignored"]
fn draft_writer_child() {
    let Ok(db) = std::env::var("KASIR_DRAFT_CHILD") else {
        return;
    };
    let from: u64 = std::env::var("KASIR_DRAFT_FROM").unwrap().parse().unwrap();
    let mut shop = Shop::new(
        Store::open(Path::new(&db), OpenMode::Existing).unwrap(),
        Arc::new(SystemClock),
    );
    for n in from..from + 100_000 {
        let cart = draft_cart(&shop, n);
        shop.save_draft(DRAFT_TILL, &cart).unwrap();
        println!("saved {n}");
    }
}

/// What the harness was told about a sale it saw acknowledged.
struct Acked {
    lines: usize,
    qty: Decimal,
}

struct Killed {
    killed: bool,
    success: bool,
    stdout: String,
}

fn run_killable(db: &Path, args: &[String], delay_ms: u64) -> Killed {
    let mut child = Command::new(bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .env("KASIR_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn kasir");
    std::thread::sleep(Duration::from_millis(delay_ms));
    let mut killed = false;
    if child.try_wait().expect("wait").is_none() {
        child.kill().expect("kill -9");
        killed = true;
    }
    let status = child.wait().expect("reap");
    let mut stdout = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_string(&mut stdout);
    }
    Killed {
        killed,
        success: !killed && status.success(),
        stdout,
    }
}

/// Run a command that may be refused; the harness does not care which.
fn settle(db: &Path, args: &[&str]) {
    let _ = kasir(db, args);
}

struct Figures {
    kills: usize,
    steps: usize,
    acked_sales: usize,
    stored_sales: usize,
    stored_total: usize,
    draft_kills: usize,
    checks: usize,
}

/// Every invariant the brief lists, on the shop as it is now.
fn verify(db: &Path, acked: &BTreeMap<String, Acked>, fig: &mut Figures) {
    fig.checks += 1;
    let out = kasir(db, &["--lang", "en", "check"]);
    assert!(
        out.status.success(),
        "kasir check after a kill: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );

    let listed = json(db, &["sales", "list"]);
    let sales = listed["sales"].as_array().expect("sales");
    let mut sold_by_sku: BTreeMap<String, Decimal> = BTreeMap::new();
    for s in sales {
        let no = s["number"].as_str().unwrap();
        let lines = s["lines"].as_array().unwrap();
        let tenders = s["tenders"].as_array().unwrap();
        assert!(!lines.is_empty(), "sale {no} has no lines");
        assert!(!tenders.is_empty(), "sale {no} has no tenders");
        let paid: Decimal = tenders.iter().map(|t| dec(&t["amount"])).sum();
        assert_eq!(
            paid - dec(&s["change"]),
            dec(&s["payable"]),
            "sale {no}: tenders do not pay what is payable"
        );
        let gross: Decimal = lines.iter().map(|l| dec(&l["amount"])).sum();
        assert_eq!(gross, dec(&s["gross"]), "sale {no}: lines do not add up");
        for l in lines {
            *sold_by_sku
                .entry(l["sku"].as_str().unwrap().to_string())
                .or_default() += dec(&l["base_qty"]);
        }
        if let Some(a) = acked.get(no) {
            assert_eq!(lines.len(), a.lines, "acknowledged sale {no} lost lines");
            let qty: Decimal = lines.iter().map(|l| dec(&l["qty"])).sum();
            assert_eq!(qty, a.qty, "acknowledged sale {no} changed");
        }
    }
    for no in acked.keys() {
        assert!(
            sales.iter().any(|s| s["number"] == no.as_str()),
            "acknowledged sale {no} is missing"
        );
    }
    fig.stored_sales = sales.len();

    // No partial sale: the stock card's sale moves are exactly the stored lines.
    for code in CODES {
        let sku = json(db, &["stock", code])["stock"][0]["sku"]
            .as_str()
            .unwrap()
            .to_string();
        let moves = json(db, &["stock", "moves", code]);
        let sum = |kind: &str| -> Decimal {
            moves["moves"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|m| m["kind"] == kind)
                .map(|m| dec(&m["qty"]))
                .sum()
        };
        let sold = sold_by_sku.get(&sku).copied().unwrap_or_default();
        assert_eq!(-sum("sale"), sold, "{sku}: sale moves ≠ stored sale lines");
        assert!(sum("return") <= sold, "{sku}: more returned than sold");
    }

    // One receipt job per stored sale, never two.
    let queue = json(db, &["print", "queue", "--limit", "1000000"]);
    let mut receipts: BTreeMap<String, usize> = BTreeMap::new();
    for j in queue["jobs"].as_array().unwrap() {
        if j["kind"] == "receipt" {
            *receipts
                .entry(j["reference"].as_str().unwrap().to_string())
                .or_default() += 1;
        }
    }
    for s in sales {
        let no = s["number"].as_str().unwrap();
        assert_eq!(
            receipts.get(no).copied().unwrap_or(0),
            1,
            "sale {no}: receipt jobs in the queue"
        );
    }

    // Every journal balances.
    let file = db.with_extension("ledger.json");
    let _ = std::fs::remove_file(&file);
    ok(
        db,
        &[
            "ledger",
            "export",
            "--format",
            "json",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let ledger: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    for j in ledger["journals"].as_array().unwrap() {
        let lines = j["lines"].as_array().unwrap();
        let debit: Decimal = lines.iter().map(|l| dec(&l["debit"])).sum();
        let credit: Decimal = lines.iter().map(|l| dec(&l["credit"])).sum();
        assert_eq!(debit, credit, "journal {} does not balance", j["number"]);
        assert!(!lines.is_empty());
    }
}

/// Kill the draft writer at a random point; the draft must reload whole.
fn draft_round(db: &Path, rng: &mut Rng, next: &mut u64) -> bool {
    let mut child = self_exec(
        module_path!(),
        "draft_writer_child",
        &[
            ("KASIR_DRAFT_CHILD", db.display().to_string()),
            ("KASIR_DRAFT_FROM", next.to_string()),
        ],
    );
    std::thread::sleep(Duration::from_millis(5 + rng.below(60)));
    let killed = child.try_wait().expect("wait").is_none();
    child.kill().expect("kill -9");
    child.wait().expect("reap");
    let mut out = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_string(&mut out);
    }
    let saves = out.lines().filter(|l| l.starts_with("saved ")).count();
    DRAFT_SAVES.fetch_add(saves, std::sync::atomic::Ordering::Relaxed);
    let last_acked = out
        .lines()
        .filter_map(|l| l.strip_prefix("saved "))
        .filter_map(|n| n.parse::<u64>().ok())
        .next_back();
    let shop = Shop::new(
        Store::open(db, OpenMode::Existing).unwrap(),
        Arc::new(SystemClock),
    );
    let loaded = shop.load_draft(DRAFT_TILL).unwrap();
    let candidates: Vec<u64> = match last_acked {
        Some(n) => vec![n, n + 1],
        None => vec![next.saturating_sub(1), *next],
    };
    let found = candidates
        .iter()
        .find(|n| loaded.as_ref() == Some(&draft_cart(&shop, **n)));
    match found {
        Some(n) => *next = n + 1,
        None => {
            assert!(
                last_acked.is_none() && loaded.is_none() && *next == 1,
                "draft after kill is neither the acknowledged one ({last_acked:?}) nor the next: {loaded:?}"
            );
        }
    }
    killed
}

fn sale_args(rng: &mut Rng) -> (Vec<String>, Acked) {
    let mut args: Vec<String> = vec!["sale".into()];
    match rng.below(5) {
        0 => args.extend(["--pay".into(), "qris:1000".into()]),
        1 => args.extend([
            "--member".into(),
            "A0001".into(),
            "--pay".into(),
            "kasbon:1000".into(),
        ]),
        _ => {}
    }
    args.extend(["--pay".into(), "cash:2000000".into()]);
    let n = 1 + rng.below(3) as usize;
    let mut qty = Decimal::ZERO;
    let start = rng.below(CODES.len() as u64) as usize;
    for i in 0..n {
        let q = 1 + rng.below(3);
        qty += Decimal::from(q);
        args.push(format!("{}*{q}", CODES[(start + i) % CODES.len()]));
    }
    (args, Acked { lines: n, qty })
}

fn sale_number(stdout: &str) -> Option<String> {
    stdout
        .lines()
        .find_map(|l| l.strip_prefix("No. transaksi: "))
        .map(str::to_string)
}

#[test]
fn killed_till_work_leaves_a_whole_shop() {
    let mut rng = Rng::from_env("crash suite");
    let target: usize = std::env::var("KASIR_KILLS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(sized(30, 60, 300));
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("template.db");
    ok(&template, &["demo"]);
    let delivery = dir.path().join("delivery.csv");
    std::fs::write(
        &delivery,
        format!(
            "code,qty,unit,cost,batch,expiry\n{},24,pcs,2785,,\n{},2,sak,56410,,\n",
            CODES[0], CODES[1]
        ),
    )
    .unwrap();
    let mut fig = Figures {
        kills: 0,
        steps: 0,
        acked_sales: 0,
        stored_sales: 0,
        stored_total: 0,
        draft_kills: 0,
        checks: 0,
    };
    let mut round = 0;
    while fig.kills < target {
        round += 1;
        assert!(
            round < 10 * target + 10,
            "kills never land; delays too short?"
        );
        let db = dir.path().join(format!("round{round}.db"));
        std::fs::copy(&template, &db).unwrap();
        ok(&db, &["shift", "open", "--float", "200000"]);
        let mut acked: BTreeMap<String, Acked> = BTreeMap::new();
        let mut draft_next = 1u64;
        let steps = 10 + rng.below(8);
        for step in 0..=steps {
            fig.steps += 1;
            let last = step == steps;
            let kind = if last { 9 } else { rng.below(10) };
            let delay = rng.below(50);
            let killed = match kind {
                0..=4 => {
                    let (args, expect) = sale_args(&mut rng);
                    let r = run_killable(&db, &args, delay);
                    if r.success {
                        let no = sale_number(&r.stdout).expect("acknowledged without number");
                        acked.insert(no, expect);
                    }
                    r.killed
                }
                5 => {
                    let Some(no) = acked.keys().nth(rng.below(acked.len() as u64 + 1) as usize)
                    else {
                        continue;
                    };
                    let args = vec!["return".into(), no.clone(), format!("{}*1", CODES[0])];
                    run_killable(&db, &args, delay).killed
                }
                6 if rng.below(3) == 0 => {
                    // Goods received: stock moves and caches written in one transaction.
                    let args = vec!["receive".into(), delivery.display().to_string()];
                    run_killable(&db, &args, delay).killed
                }
                6 => run_killable(&db, &["print".into(), "retry".into()], delay).killed,
                7 => {
                    let r = run_killable(&db, &shift_close(), delay);
                    settle(&db, &["shift", "open", "--float", "200000"]);
                    r.killed
                }
                8 => {
                    let k = draft_round(&db, &mut rng, &mut draft_next);
                    fig.draft_kills += k as usize;
                    k
                }
                _ => {
                    // End of the day: close the shift, then the day, each killable; repeat
                    // until each is done.
                    for _ in 0..20 {
                        let r = run_killable(&db, &shift_close(), rng.below(30));
                        if r.killed {
                            fig.kills += 1;
                            verify(&db, &acked, &mut fig);
                        }
                        if !r.killed {
                            break;
                        }
                    }
                    settle(
                        &db,
                        &["shift", "close", "--count", "100000*1", "--reason", "uji"],
                    );
                    let date = chrono::Local::now().date_naive().to_string();
                    for _ in 0..20 {
                        let args: Vec<String> =
                            ["day", "close", "--date", &date].map(String::from).into();
                        let r = run_killable(&db, &args, rng.below(40));
                        if r.killed {
                            fig.kills += 1;
                            verify(&db, &acked, &mut fig);
                        } else {
                            break;
                        }
                    }
                    settle(&db, &["day", "close", "--date", &date]);
                    false
                }
            };
            if killed {
                fig.kills += 1;
                verify(&db, &acked, &mut fig);
            }
        }
        verify(&db, &acked, &mut fig);
        let end = db.with_extension("end.json");
        let journals = json(
            &db,
            &[
                "ledger",
                "export",
                "--format",
                "json",
                "--out",
                end.to_str().unwrap(),
            ],
        );
        assert!(
            journals["journals"].as_u64().unwrap_or(0) >= 1,
            "day close posted nothing"
        );
        fig.acked_sales += acked.len();
        fig.stored_total += fig.stored_sales;
        let _ = std::fs::remove_file(&db);
    }
    eprintln!(
        "crash suite: {} kills ({} of the draft writer) in {} steps over {round} shop days, {} checks; {} sales acknowledged, {} stored, {} drafts acknowledged; 0 lost, 0 partial",
        fig.kills, fig.draft_kills, fig.steps, fig.checks, fig.acked_sales, fig.stored_total,
        DRAFT_SAVES.load(std::sync::atomic::Ordering::Relaxed)
    );
}

fn shift_close() -> Vec<String> {
    ["shift", "close", "--count", "100000*1", "--reason", "uji"]
        .map(String::from)
        .into()
}

#[test]
fn a_killed_backup_leaves_no_half_copy() {
    let mut rng = Rng::from_env("killed backups");
    let (dir, db) = demo_shop();
    ok(&db, &["sale", "cash:10000", "8991234567891*2"]);
    let runs = sized(12, 30, 100);
    let (mut killed, mut whole) = (0, 0);
    for i in 0..runs {
        let copy = dir.path().join(format!("copy{i}.db"));
        let args = vec!["backup".to_string(), copy.display().to_string()];
        let r = run_killable(&db, &args, rng.below(40));
        killed += r.killed as usize;
        if copy.exists() {
            // Under its own name a copy is always a whole shop.
            assert!(
                ok(&copy, &["check"]).starts_with("OK"),
                "half copy {}",
                copy.display()
            );
            whole += 1;
        } else {
            assert!(r.killed, "backup {i} not killed, yet no copy");
        }
    }
    assert!(ok(&db, &["check"]).starts_with("OK"));
    eprintln!("killed backups: {runs} runs, {killed} killed, {whole} whole copies, 0 half copies");
}
