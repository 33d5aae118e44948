//! Security: every service that checks a role, called directly with every role; PIN lockout
//! with growing backoff; overrides and drawer opens in the audit log; the audit chain catches
//! an edited or a deleted row; files are owner-only; CSV exports neutralise formulas.

mod common;
use common::*;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::NaiveDate;
use kasir::domain::cart::Cart;
use kasir::domain::cash::CashCount;
use kasir::domain::catalog::PriceTier;
use kasir::domain::user::{Actor, Role};
use kasir::error::KasirError;
use kasir::i18n::Lang;
use kasir::service::checkout::parse_tender;
use kasir::service::returns::ReturnItem;
use kasir::service::shift_close::CashMoveKind;
use kasir::service::stock::{ReceiveOptions, WriteOffReason};
use kasir::service::till::Override;
use kasir::service::{FixedClock, Shop};
use kasir::store::{OpenMode, Store};
use rust_decimal::Decimal;

const ROLES: [Role; 5] = [
    Role::Kasir,
    Role::Gudang,
    Role::Apoteker,
    Role::Bendahara,
    Role::Admin,
];
const INDOMIE: &str = "8991234567891";

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

fn open_shop(db: &Path) -> Shop {
    Shop::new(
        Store::open(db, OpenMode::Existing).unwrap(),
        Arc::new(FixedClock::new(today().and_hms_opt(10, 0, 0).unwrap())),
    )
}

/// A demo shop with a shift open on `cli` and one sale on it; returns the sale number.
fn template(dir: &Path) -> (PathBuf, String) {
    let db = dir.join("template.db");
    Store::open(&db, OpenMode::CreateNew).unwrap();
    let mut shop = open_shop(&db);
    kasir::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
    let boss = Actor::back_office();
    shop.open_shift(&boss, "cli", Decimal::from(200_000), &CashCount::default())
        .unwrap();
    let sale = shop
        .checkout(
            &boss,
            "cli",
            &cart(&shop),
            &[parse_tender("cash:100000").unwrap()],
        )
        .unwrap();
    (db, sale.number)
}

fn cart(shop: &Shop) -> Cart {
    let mut c = Cart::default();
    shop.scan_into(&mut c, &format!("2*{INDOMIE}")).unwrap();
    c
}

fn actor(role: Role) -> Actor {
    Actor {
        user_id: None,
        username: format!("uji-{role}"),
        name: format!("Uji {role}"),
        role,
    }
}

type Call = Box<dyn Fn(&mut Shop, &Actor, &str) -> kasir::Result<()>>;

/// (service call, roles that may make it). The table is the shop's policy, written out.
fn table() -> Vec<(&'static str, Vec<Role>, Call)> {
    use Role::*;
    let sell = vec![Kasir, Apoteker, Bendahara, Admin];
    let supervise = vec![Apoteker, Bendahara, Admin];
    let catalog = vec![Gudang, Admin];
    let members = vec![Bendahara, Admin];
    let stock = vec![Gudang, Apoteker, Admin];
    let reports = vec![Gudang, Apoteker, Bendahara, Admin];
    let close_day = vec![Bendahara, Admin];
    let admin = vec![Admin];
    let cash = || [parse_tender("cash:100000").unwrap()];
    vec![
        (
            "checkout",
            sell.clone(),
            Box::new(move |s: &mut Shop, a: &Actor, _: &str| {
                let c = cart(s);
                s.checkout(a, "cli", &c, &cash()).map(drop)
            }),
        ),
        (
            "checkout_approved (kasbon approver)",
            supervise.clone(),
            Box::new(move |s: &mut Shop, a: &Actor, _: &str| {
                let mut c = cart(s);
                s.attach_member(&mut c, Some("A0001"))?;
                s.checkout_approved(&Actor::back_office(), "cli", &c, &cash(), Some(a))
                    .map(drop)
            }),
        ),
        (
            "hold_cart",
            sell.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                let c = cart(s);
                s.hold_cart(a, "cli", &c).map(drop)
            }),
        ),
        (
            "recall_cart",
            sell.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.recall_cart(a, "cli", 999).map(drop)),
        ),
        (
            "open_shift",
            sell.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.open_shift(a, "sembako-9", Decimal::from(1000), &CashCount::default())
                    .map(drop)
            }),
        ),
        (
            "close_shift",
            sell.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                let count = CashCount::parse(&["100000*2".to_string()])?;
                s.close_shift(a, "cli", &count, Some("uji"), Lang::En)
                    .map(drop)
            }),
        ),
        (
            "x_report (of another's shift)",
            supervise.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.x_report(a, "cli", Lang::En).map(drop)),
        ),
        (
            "cash_move in",
            sell.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.cash_move(a, None, "cli", CashMoveKind::In, Decimal::from(1000), "uji")
            }),
        ),
        (
            "repay_kasbon",
            sell.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.repay_kasbon(a, "cli", "A0001", Decimal::from(1000))
                    .map(drop)
            }),
        ),
        (
            "return_items (no approver: a cashier is told to get one)",
            sell.clone(),
            Box::new(|s: &mut Shop, a: &Actor, no: &str| {
                let items = [ReturnItem {
                    code: INDOMIE.into(),
                    qty: Decimal::ONE,
                }];
                s.return_items(a, None, "cli", no, &items).map(drop)
            }),
        ),
        (
            "return_items (approver)",
            supervise.clone(),
            Box::new(|s: &mut Shop, a: &Actor, no: &str| {
                let items = [ReturnItem {
                    code: INDOMIE.into(),
                    qty: Decimal::ONE,
                }];
                s.return_items(&actor(Role::Kasir), Some(a), "cli", no, &items)
                    .map(drop)
            }),
        ),
        (
            "enqueue_test",
            sell.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.enqueue_test(a, "cli", "sim").map(drop)),
        ),
        (
            "enqueue_report",
            sell.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                let id = s.current_shift("cli")?.map(|r| r.id).unwrap_or(1);
                let report = s.shift_report(&Actor::back_office(), id, Lang::En)?;
                s.enqueue_report(a, "cli", "sim", &report).map(drop)
            }),
        ),
        (
            "reprint",
            sell.clone(),
            Box::new(|s: &mut Shop, a: &Actor, no: &str| s.reprint(a, no, Some("sim")).map(drop)),
        ),
        (
            "open_drawer",
            supervise.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.open_drawer(a, "sim", &mut |u: &str| {
                    kasir::service::print::open_printer(u)
                })
            }),
        ),
        (
            "apply_override",
            supervise.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                let mut c = cart(s);
                s.apply_override(
                    &actor(Role::Kasir),
                    a,
                    "cli",
                    &mut c,
                    &Override::VoidLine { line: 0 },
                )
            }),
        ),
        (
            "set_price",
            catalog.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                let item = s.find_item(INDOMIE)?;
                s.set_price(a, &item, PriceTier::Umum, Decimal::from(3600))
            }),
        ),
        (
            "import_catalog",
            catalog.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.import_catalog(a, "".as_bytes(), &mut |_, _| {}).map(drop)
            }),
        ),
        (
            "set_sale_limit",
            catalog.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.set_sale_limit(a, "8996340002250", Some(Decimal::from(10)))
            }),
        ),
        (
            "import_members",
            members.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.import_members(a, "number,name\nB0001,Uji\n".as_bytes())
                    .map(drop)
            }),
        ),
        (
            "set_kasbon_rule",
            members.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                let rule = s.kasbon_rule()?;
                s.set_kasbon_rule(a, rule)
            }),
        ),
        (
            "import_savings",
            members.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.import_savings(a, "".as_bytes()).map(drop)
            }),
        ),
        (
            "receive",
            stock.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                let lines = kasir::service::stock::parse_receipt(
                    format!("code,qty,unit,cost,batch,expiry\n{INDOMIE},10,pcs,2785,,\n")
                        .as_bytes(),
                )?;
                s.receive(a, &lines, &ReceiveOptions::default()).map(drop)
            }),
        ),
        (
            "add_supplier",
            stock.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.add_supplier(a, "SUP-UJI", "Pemasok Uji", None, None)
                    .map(drop)
            }),
        ),
        (
            "write_off",
            stock.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.write_off(a, INDOMIE, Decimal::ONE, WriteOffReason::Rusak, None)
                    .map(drop)
            }),
        ),
        (
            "write_off_expired",
            stock.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.write_off_expired(a, None).map(drop)),
        ),
        (
            "opname_start",
            stock.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.opname_start(a, None).map(drop)),
        ),
        (
            "opname_count",
            stock.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.opname_count(a, INDOMIE, Decimal::from(5), None).map(drop)
            }),
        ),
        (
            "opname_finish",
            stock.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.opname_finish(a, None).map(drop)),
        ),
        (
            "drug_register",
            reports.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.drug_register(a, "2026-03").map(drop)),
        ),
        (
            "prescriptions_in",
            reports.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.prescriptions_in(a, "2026-03").map(drop)),
        ),
        (
            "sipnap",
            reports.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.sipnap(a, "2026-03").map(drop)),
        ),
        (
            "close_day",
            close_day.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.close_day(a, today()).map(drop)),
        ),
        (
            "reverse_day",
            close_day.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.reverse_day(a, today(), "uji", false).map(drop)
            }),
        ),
        (
            "import_accounts",
            close_day.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.import_accounts(a, "".as_bytes()).map(drop)
            }),
        ),
        (
            "add_user",
            admin.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.add_user(a, "baru", "Baru", Role::Kasir, "1234").map(drop)
            }),
        ),
        (
            "set_setting",
            close_day.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.set_setting(a, "shop.name", "Toko Lain")),
        ),
        (
            "set_setting (device)",
            admin.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.set_setting(a, "printer.paper", "80")),
        ),
        (
            "set_backup_policy",
            admin.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.set_backup_policy(a, Some(Path::new("/tmp/kasir-uji-cadangan")), 3)
            }),
        ),
    ]
}

#[test]
fn every_role_checked_service_refuses_every_role_it_should_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (template, sale_no) = template(dir.path());
    let mut tried = 0;
    for (i, (name, allowed, call)) in table().into_iter().enumerate() {
        let db = dir.path().join(format!("case{i}.db"));
        std::fs::copy(&template, &db).unwrap();
        let mut shop = open_shop(&db);
        for role in ROLES {
            tried += 1;
            let before = shop.store.conn().total_changes();
            let r = call(&mut shop, &actor(role), &sale_no);
            let refused = matches!(r, Err(KasirError::NotAllowed { .. }));
            if allowed.contains(&role) {
                assert!(
                    !refused,
                    "{name}: {role} should be allowed, got {:?}",
                    r.err()
                );
            } else {
                assert!(refused, "{name}: {role} should be refused, got {r:?}");
                let msg = r.unwrap_err().message(Lang::En);
                assert!(msg.contains("not allowed"), "{msg}");
                assert_eq!(
                    shop.store.conn().total_changes(),
                    before,
                    "{name}: the refusal for {role} wrote something"
                );
            }
        }
    }
    eprintln!("security: {tried} (service, role) calls checked");
}

#[test]
fn wrong_pins_lock_out_for_longer_each_time() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = template(dir.path());
    let clock = Arc::new(FixedClock::new(today().and_hms_opt(10, 0, 0).unwrap()));
    let mut shop = Shop::new(Store::open(&db, OpenMode::Existing).unwrap(), clock.clone());
    let mut waits = Vec::new();
    for _ in 0..4 {
        for i in 1..=kasir::service::auth::MAX_ATTEMPTS {
            match shop.login("siti", "0000") {
                Err(KasirError::WrongPin { attempts_left }) => {
                    assert_eq!(
                        i64::from(attempts_left),
                        kasir::service::auth::MAX_ATTEMPTS - i
                    )
                }
                Err(KasirError::LockedOut { minutes }) => {
                    assert_eq!(i, kasir::service::auth::MAX_ATTEMPTS);
                    waits.push(minutes);
                }
                other => panic!("wrong PIN accepted: {other:?}"),
            }
        }
        let wait = *waits.last().unwrap();
        // Locked: even the right PIN is refused until the wait is over.
        clock.advance(chrono::Duration::minutes(wait - 1));
        assert!(matches!(
            shop.login("siti", "1111"),
            Err(KasirError::LockedOut { .. })
        ));
        clock.advance(chrono::Duration::minutes(1));
    }
    assert_eq!(waits, vec![5, 10, 20, 40], "backoff doubles");
    assert_eq!(shop.login("siti", "1111").unwrap().username, "siti");
    // A day later the wait starts again at the shortest.
    clock.advance(chrono::Duration::hours(25));
    for _ in 0..kasir::service::auth::MAX_ATTEMPTS {
        let _ = shop.login("siti", "0000");
    }
    assert!(matches!(
        shop.login("siti", "1111"),
        Err(KasirError::LockedOut { minutes: 5 })
    ));
    let audit = kasir::store::audit::recent(shop.store.conn(), 100).unwrap();
    assert_eq!(
        audit.iter().filter(|r| r.action == "login_locked").count(),
        5
    );
}

#[test]
fn overrides_and_drawer_opens_name_the_supervisor_in_the_audit_log() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = template(dir.path());
    let mut shop = open_shop(&db);
    let siti = shop.login("siti", "1111").unwrap();
    let ahmad = shop.supervisor("ahmad", "4444").unwrap();
    assert!(matches!(
        shop.supervisor("siti", "1111"),
        Err(KasirError::NotAllowed { .. })
    ));
    let mut c = cart(&shop);
    shop.apply_override(
        &siti,
        &ahmad,
        "cli",
        &mut c,
        &Override::Price {
            line: 0,
            price: Decimal::from(3000),
        },
    )
    .unwrap();
    shop.apply_override(&siti, &ahmad, "cli", &mut c, &Override::VoidSale)
        .unwrap();
    shop.open_drawer(&ahmad, "sim", &mut |u: &str| {
        kasir::service::print::open_printer(u)
    })
    .unwrap();
    let audit = kasir::store::audit::recent(shop.store.conn(), 10).unwrap();
    let actions: Vec<(&str, &str, Option<&str>)> = audit
        .iter()
        .take(3)
        .map(|r| (r.action.as_str(), r.actor.as_str(), r.approver.as_deref()))
        .collect();
    assert_eq!(actions[0], ("drawer_open", "ahmad", Some("ahmad")));
    assert_eq!(actions[1].1, "siti");
    assert_eq!(actions[1].2, Some("ahmad"));
    assert_eq!(actions[2].1, "siti");
    assert_eq!(actions[2].2, Some("ahmad"));
    assert!(audit[2].detail.contains("Rp3.000"), "{}", audit[2].detail);
}

fn check_fails(db: &Path) -> String {
    let out = kasir(db, &["--lang", "en", "check"]);
    assert!(!out.status.success(), "check passed a tampered shop");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Tamper with the file as someone with sqlite3 would: triggers out of the way first.
fn tamper(db: &Path, sql: &str) {
    let c = rusqlite::Connection::open(db).unwrap();
    let triggers: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit_log'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in triggers {
        c.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    c.execute_batch(sql).unwrap();
}

#[test]
fn check_finds_an_edited_and_a_deleted_audit_row() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _) = template(dir.path());
    {
        let mut shop = open_shop(&db);
        for k in 0..4 {
            shop.set_setting(
                &Actor::back_office(),
                "receipt.footer",
                &format!("Terima kasih {k}"),
            )
            .unwrap();
        }
    }
    assert!(ok(&db, &["check"]).starts_with("OK"));
    let n: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0))
        .unwrap();
    assert!(n >= 4);
    let edited = dir.path().join("edited.db");
    let deleted = dir.path().join("deleted.db");
    std::fs::copy(&db, &edited).unwrap();
    std::fs::copy(&db, &deleted).unwrap();
    let mid = n / 2;
    tamper(
        &edited,
        &format!("UPDATE audit_log SET detail = 'receipt.footer=diubah' WHERE id = {mid}"),
    );
    let out = check_fails(&edited);
    assert!(
        out.contains(&format!("Audit chain broken at row {mid}")),
        "{out}"
    );
    tamper(&deleted, &format!("DELETE FROM audit_log WHERE id = {mid}"));
    let out = check_fails(&deleted);
    assert!(
        out.contains(&format!("Audit chain broken at row {}", mid + 1)),
        "{out}"
    );
    // Deleting the newest row leaves a chain that verifies by itself; the count of entries
    // kept in the settings catches it.
    let tail = dir.path().join("tail.db");
    std::fs::copy(&db, &tail).unwrap();
    tamper(&tail, &format!("DELETE FROM audit_log WHERE id = {n}"));
    let out = check_fails(&tail);
    assert!(out.contains("Audit"), "{out}");
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[test]
fn the_shop_its_journal_files_and_backups_are_owner_only() {
    let (dir, db) = demo_shop();
    ok(&db, &["sale", "cash:10000", "8991234567891"]);
    assert_eq!(mode(&db), 0o600);
    let copy = dir.path().join("cadangan.db");
    ok(&db, &["backup", copy.to_str().unwrap()]);
    assert_eq!(mode(&copy), 0o600);
    let auto = dir.path().join("auto");
    ok(&db, &["backup", "--auto", "--dir", auto.to_str().unwrap()]);
    for f in std::fs::read_dir(&auto).unwrap() {
        let p = f.unwrap().path();
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    // While a connection is open, its WAL and shared-memory files are private too.
    let c = rusqlite::Connection::open(&db).unwrap();
    c.execute_batch("PRAGMA user_version").unwrap();
    for suffix in ["-wal", "-shm"] {
        let p = PathBuf::from(format!("{}{suffix}", db.display()));
        if p.exists() {
            assert_eq!(mode(&p) & 0o077, 0, "{}", p.display());
        }
    }
}

fn assert_neutral(file: &Path, needle: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text.as_bytes());
    let mut seen = false;
    for rec in rdr.records() {
        for cell in rec.unwrap().iter() {
            if cell.contains(needle) {
                seen = true;
                assert!(
                    !cell.starts_with(['=', '+', '-', '@']),
                    "{}: formula cell {cell:?}",
                    file.display()
                );
            }
        }
    }
    assert!(
        seen,
        "{}: the planted text is not exported at all",
        file.display()
    );
}

#[test]
fn every_csv_export_neutralises_formula_cells() {
    let (dir, db) = demo_shop();
    let d = |n: &str| dir.path().join(n);
    // Plant formulas in a product (name and NIE), a member, an account and a supplier.
    let export = d("catalog.csv");
    ok(&db, &["catalog", "export", export.to_str().unwrap()]);
    let planted = std::fs::read_to_string(&export).unwrap().replace(
        "Indomie Goreng 85 g",
        "=HYPERLINK(\"http://x\";\"Indomie\")",
    );
    std::fs::write(d("evil.csv"), planted).unwrap();
    ok(&db, &["catalog", "import", d("evil.csv").to_str().unwrap()]);
    std::fs::write(
        d("m.csv"),
        "number,name,phone,nik,kasbon_limit\nZ0001,@SUM(A1:A9),,,0\n",
    )
    .unwrap();
    ok(&db, &["members", "import", d("m.csv").to_str().unwrap()]);
    ok(&db, &["sale", "cash:100000", "8991234567891*3"]);
    let sale_day = json(&db, &["sales", "list"])["date"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        &db,
        &["shift", "close", "--count", "100000*2", "--reason", "uji"],
    );
    ok(&db, &["day", "close", "--date", &sale_day]);

    ok(&db, &["catalog", "export", d("c2.csv").to_str().unwrap()]);
    assert_neutral(&d("c2.csv"), "HYPERLINK");
    ok(&db, &["members", "export", d("m2.csv").to_str().unwrap()]);
    assert_neutral(&d("m2.csv"), "SUM(A1");
    ok(
        &db,
        &["report", "members", "--out", d("rm.csv").to_str().unwrap()],
    );
    assert_neutral(&d("rm.csv"), "SUM(A1");
    ok(
        &db,
        &["report", "stock", "--out", d("rs.csv").to_str().unwrap()],
    );
    assert_neutral(&d("rs.csv"), "HYPERLINK");
    ok(
        &db,
        &[
            "ledger",
            "export",
            "--format",
            "csv",
            "--out",
            d("l.csv").to_str().unwrap(),
        ],
    );
    // Ledger lines: text cells neutral, amounts still numbers.
    assert_no_formula(&d("l.csv"));
    for f in ["c2.csv", "m2.csv", "rm.csv", "rs.csv"] {
        assert_no_formula(&d(f));
    }
}

/// No cell of `file` would run as a formula; numbers (also negative) are left as numbers.
fn assert_no_formula(file: &Path) {
    let text = std::fs::read_to_string(file).unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    for rec in rdr.records() {
        for cell in rec.unwrap().iter() {
            if cell.starts_with(['=', '+', '-', '@']) {
                assert!(
                    cell.parse::<Decimal>().is_ok(),
                    "{}: formula cell {cell:?}",
                    file.display()
                );
            }
            assert!(
                !cell.starts_with("'-") || cell[1..].parse::<Decimal>().is_err(),
                "{}: a number was quoted: {cell}",
                file.display()
            );
        }
    }
}

/// The settings table and the settings audit rows, as a refusal must leave them.
fn settings_state(db: &Path) -> (Vec<(String, String)>, i64) {
    let c = rusqlite::Connection::open(db).unwrap();
    let rows = c
        .prepare("SELECT key, value FROM settings WHERE key <> 'audit.head' ORDER BY key")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let audited = c
        .query_row(
            "SELECT count(*) FROM audit_log WHERE action = 'setting'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (rows, audited)
}

#[test]
fn settings_from_the_command_line_are_validated_role_checked_and_audited() {
    let (dir, db) = demo_shop();
    let list = json(&db, &["settings", "list"]);
    let keys: Vec<&str> = list["settings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    for k in [
        "shop.name",
        "shop.npwp",
        "tax.pkp",
        "tax.ppn_percent",
        "cash.rounding_step",
        "printer.uri",
        "printer.paper",
        "scanner.port",
        "receipt.footer",
        "ui.lang",
        "till.apotek-1.unit",
        "till.apotek-1.pharmacy",
    ] {
        assert!(keys.contains(&k), "{k} missing from {keys:?}");
    }
    assert!(!keys.contains(&"audit.head"));
    assert_eq!(
        ok(&db, &["settings", "get", "cash.rounding_step"]).trim(),
        "100"
    );

    // Refusals name the reason and change nothing: not a setting, not an audit row.
    let before = settings_state(&db);
    for (args, says) in [
        (
            vec!["settings", "set", "cash.rounding_step", "0"],
            "cash.rounding_step",
        ),
        (
            vec!["settings", "set", "shop.npwp", "01.234.567.8-901"],
            "15 digits",
        ),
        (vec!["settings", "set", "tax.pkp", "ya"], "true or false"),
        (
            vec!["settings", "set", "shop.nama", "X"],
            "did you mean shop.name",
        ),
        (
            vec![
                "settings", "set", "tax.pkp", "true", "--user", "ahmad", "--pin", "0000",
            ],
            "PIN",
        ),
        (
            vec![
                "settings", "set", "tax.pkp", "true", "--user", "siti", "--pin", "1111",
            ],
            "not allowed",
        ),
        (
            // The bendahara sets tax and receipt header, not the devices.
            vec![
                "settings",
                "set",
                "printer.paper",
                "80",
                "--user",
                "ahmad",
                "--pin",
                "4444",
            ],
            "not allowed",
        ),
        (
            vec!["settings", "set", "kasbon.limit_rule", "savings"],
            "kasir members kasbon-rule",
        ),
    ] {
        let mut all = vec!["--lang", "en"];
        all.extend(args.iter());
        let e = refused(&db, &all);
        assert!(e.contains(says), "{args:?}: {e}");
        assert_eq!(settings_state(&db), before, "{args:?} changed something");
    }

    // The bendahara registers the coop for PPN; the NPWP is stored as its digits.
    let set = json(
        &db,
        &[
            "settings",
            "set",
            "shop.npwp",
            "01.234.567.8-901.000",
            "--user",
            "ahmad",
            "--pin",
            "4444",
        ],
    );
    assert_eq!(set["change"]["new"], "012345678901000");
    ok(
        &db,
        &[
            "settings", "set", "tax.pkp", "true", "--user", "ahmad", "--pin", "4444",
        ],
    );
    ok(
        &db,
        &[
            "settings",
            "set",
            "printer.paper",
            "80",
            "--user",
            "admin",
            "--pin",
            "9999",
        ],
    );
    let got = json(&db, &["settings", "get", "shop.npwp"]);
    assert_eq!(got["value"], "012345678901000");
    assert_eq!(got["default"], false);
    let c = rusqlite::Connection::open(&db).unwrap();
    let audit: Vec<(String, String)> = c
        .prepare("SELECT actor, detail FROM audit_log WHERE action = 'setting' ORDER BY id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        audit,
        [
            (
                "ahmad".into(),
                "shop.npwp: null → \"012345678901000\"".into()
            ),
            ("ahmad".into(), "tax.pkp: \"false\" → \"true\"".into()),
            ("admin".into(), "printer.paper: \"58\" → \"80\"".into()),
        ]
    );
    drop(c);
    assert!(ok(&db, &["check"]).starts_with("OK"));

    // A value changed with sqlite3 behind kasir's back is found and named; so are a key
    // added and a key removed by hand.
    for (name, sql, says) in [
        (
            "updated",
            "UPDATE settings SET value = '0' WHERE key = 'cash.rounding_step'",
            "Setting cash.rounding_step was changed outside kasir: kasir last stored \"100\", now \"0\"",
        ),
        (
            "npwp",
            "UPDATE settings SET value = '999999999999999' WHERE key = 'shop.npwp'",
            "Setting shop.npwp was changed outside kasir",
        ),
        (
            "inserted",
            "INSERT INTO settings(key, value) VALUES ('till.x.printer', 'tcp:10.0.0.9:9100')",
            "Setting till.x.printer was changed outside kasir: kasir last stored null",
        ),
        (
            "deleted",
            "DELETE FROM settings WHERE key = 'tax.pkp'",
            "Setting tax.pkp was changed outside kasir: kasir last stored \"true\", now null",
        ),
    ] {
        let copy = dir.path().join(format!("{name}.db"));
        std::fs::copy(&db, &copy).unwrap();
        tamper(&copy, sql);
        let out = check_fails(&copy);
        assert!(out.contains(says), "{name}: {out}");
    }
}
