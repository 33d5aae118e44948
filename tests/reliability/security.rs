//! Security: every service that checks a role, called directly with every role; PIN lockout
//! with growing backoff; overrides and drawer opens in the audit log; the audit chain catches
//! an edited or a deleted row; files are owner-only; CSV exports neutralise formulas.

use crate::common;
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
use kasir::service::stock::ReceiveOptions;
use kasir::service::till::Override;
use kasir::service::write_off::WriteOffReason;
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
            "change_supplier",
            stock.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.change_supplier(
                    a,
                    "KFTD",
                    &kasir::service::stock::SupplierChange {
                        phone: Some("0251-000".into()),
                        ..Default::default()
                    },
                )
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
            "change_user",
            admin.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.change_user(
                    a,
                    "siti",
                    &kasir::service::auth::UserChange {
                        name: Some("Siti R.".into()),
                        ..Default::default()
                    },
                )
            }),
        ),
        (
            "publish",
            admin.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.publish(a).map(drop)),
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
        (
            "generate",
            catalog.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                let opts = kasir::service::generate::GenerateOptions::new(2, 0);
                s.generate(a, &opts, &mut |_, _| {}).map(drop)
            }),
        ),
        (
            "enqueue_slip",
            stock.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                let slip = kasir_receipts::ReceivingSlip {
                    shop_name: "Koperasi".into(),
                    unit_label: "Sembako".into(),
                    supplier: "-".into(),
                    doc_no: "GR-1".into(),
                    datetime: today().and_hms_opt(10, 0, 0).unwrap(),
                    user: a.name.clone(),
                    lines: Vec::new(),
                    total: Decimal::ZERO,
                };
                s.enqueue_slip(a, "cli", "sim", &slip, "GR-1").map(drop)
            }),
        ),
        (
            "kick_drawer_for_count",
            sell.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.kick_drawer_for_count(a, "cli").map(drop)
            }),
        ),
        (
            "opname_counted",
            stock.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.opname_counted(a).map(drop)),
        ),
        (
            "change_setting",
            close_day.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                s.change_setting(a, "receipt.footer", "Sampai jumpa")
                    .map(drop)
            }),
        ),
        (
            "supervisor (PIN of the demo user of that role)",
            supervise.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| {
                let (user, pin) = match a.role {
                    Role::Kasir => ("siti", "1111"),
                    Role::Gudang => ("budi", "2222"),
                    Role::Apoteker => ("rina", "3333"),
                    Role::Bendahara => ("ahmad", "4444"),
                    Role::Admin => ("admin", "9999"),
                };
                s.supervisor(user, pin).map(drop)
            }),
        ),
        (
            "post_opening",
            close_day.clone(),
            Box::new(|s: &mut Shop, a: &Actor, _: &str| s.post_opening(a, Vec::new()).map(drop)),
        ),
    ]
}

/// Every service function that checks a role, read from the code: the functions of
/// `src/service` whose body calls `auth::require`.
fn role_checked_services() -> std::collections::BTreeSet<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/service");
    let mut found = std::collections::BTreeSet::new();
    let mut stack = vec![root];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap();
            let mut current: Option<String> = None;
            for line in text.lines() {
                let t = line.trim_start();
                if t.starts_with("#[cfg(test)]") {
                    break;
                }
                // A service is a `pub fn`; a role check in a private helper (the supervisor
                // of an approval) belongs to the services calling it.
                if let Some(rest) = t.strip_prefix("pub fn ") {
                    current = rest.split(['(', '<']).next().map(str::to_string);
                } else if t.starts_with("fn ") || t.starts_with("pub(crate) fn ") {
                    current = None;
                }
                if t.contains("auth::require(") && !t.contains("pub fn require") {
                    if let Some(f) = &current {
                        found.insert(f.clone());
                    }
                }
            }
        }
    }
    found
}

#[test]
fn the_role_table_covers_every_service_that_checks_a_role() {
    let in_code = role_checked_services();
    assert!(
        in_code.len() >= 30,
        "the scan found too little: {in_code:?}"
    );
    let in_table: std::collections::BTreeSet<String> = table()
        .iter()
        .map(|(name, _, _)| name.split(' ').next().unwrap().to_string())
        .collect();
    let missing: Vec<_> = in_code.difference(&in_table).collect();
    assert!(
        missing.is_empty(),
        "services that check a role but are not in the role table: {missing:?}"
    );
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
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
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

/// Every place in the program that writes CSV, by file, with the exports that reach it.
/// A new writer makes `every_csv_export_neutralises_formula_cells` fail until it is listed
/// (and exported below).
const CSV_WRITERS: &[(&str, &[&str])] = &[
    ("src/service/catalog.rs", &["catalog export"]),
    ("src/service/members.rs", &["members export"]),
    (
        "src/cli/stock.rs",
        &[
            "report stock --out",
            "report stock --low --out",
            "report stock --slow --out",
            "report expiry --out",
        ],
    ),
    ("src/service/pharmacy.rs", &["report sipnap --out"]),
    (
        "src/service/member_books.rs",
        &["report shu --out", "report members --out"],
    ),
    (
        "src/service/ledger.rs",
        &["accounts export", "ledger export --format csv"],
    ),
    // The district's reports read a district's PostgreSQL, not a shop file: their CSV
    // (a coop's id and name reach it) is checked by `service::district_report`'s own tests.
    ("src/service/district_report.rs", &[]),
];

#[test]
fn every_csv_export_neutralises_formula_cells() {
    // One writer: nothing but `service::CsvOut` writes CSV, and each of its uses is listed.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut uses = Vec::new();
    let mut stack = vec![root.join("src")];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                let rel = p.strip_prefix(root).unwrap().display().to_string();
                if rel != "src/service/mod.rs" {
                    assert!(
                        !text.contains("csv::Writer"),
                        "{rel} writes CSV around service::CsvOut"
                    );
                }
                for _ in text
                    .matches("CsvOut::new(")
                    .chain(text.matches("CsvOut::flexible("))
                {
                    uses.push(rel.clone());
                }
            }
        }
    }
    uses.sort();
    let mut listed: Vec<String> = CSV_WRITERS.iter().map(|(f, _)| f.to_string()).collect();
    // Two writers each: accounts and journals; the SHU and the members report.
    listed.extend([
        "src/service/ledger.rs".to_string(),
        "src/service/member_books.rs".to_string(),
    ]);
    listed.sort();
    assert_eq!(
        uses, listed,
        "CSV writers in the code ≠ the exports this test runs"
    );

    let (dir, db) = demo_shop();
    let d = |n: &str| dir.path().join(n);
    // Plant formulas in every text a shop can type that reaches an export: every product's
    // name and NIE, a member's number, name, phone and NIK, a batch number.
    let export = d("catalog.csv");
    ok(&db, &["catalog", "export", export.to_str().unwrap()]);
    let text = std::fs::read_to_string(&export).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers = rdr.headers().unwrap().clone();
    let col = |n: &str| headers.iter().position(|h| h == n).unwrap();
    let (name, nie) = (col("name"), col("nie"));
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&headers).unwrap();
    for rec in rdr.records() {
        let mut rec: Vec<String> = rec.unwrap().iter().map(String::from).collect();
        rec[name] = format!("=HYPERLINK(\"http://x\";\"{}\")", rec[name]);
        if !rec[nie].is_empty() {
            rec[nie] = format!("=HYPERLINK(\"http://x\";\"{}\")", rec[nie]);
        }
        w.write_record(&rec).unwrap();
    }
    std::fs::write(d("evil.csv"), w.into_inner().unwrap()).unwrap();
    ok(&db, &["catalog", "import", d("evil.csv").to_str().unwrap()]);
    std::fs::write(
        d("m.csv"),
        "number,name,phone,nik,kasbon_limit\n-Z0001,@SUM(A1:A9),+628123456789,,100000\n",
    )
    .unwrap();
    ok(&db, &["members", "import", d("m.csv").to_str().unwrap()]);
    let soon = (chrono::Local::now().date_naive() + chrono::Days::new(30)).to_string();
    std::fs::write(
        d("delivery.csv"),
        format!("code,qty,unit,cost,batch,expiry\n8996340002250,10,strip,3000,=BATCH(1),{soon}\n"),
    )
    .unwrap();
    ok(&db, &["receive", d("delivery.csv").to_str().unwrap()]);
    ok(
        &db,
        &[
            "sale",
            "--member=-Z0001",
            "--pay",
            "kasbon:5000",
            "--pay",
            "cash:100000",
            "8991234567891*3",
        ],
    );
    let sale_day = json(&db, &["sales", "list"])["date"]
        .as_str()
        .unwrap()
        .to_string();
    ok(
        &db,
        &["shift", "close", "--count", "100000*2", "--reason", "uji"],
    );
    ok(&db, &["day", "close", "--date", &sale_day]);
    let month = &sale_day[..7];
    let year = &sale_day[..4];

    let out = |f: &str| d(f).to_str().unwrap().to_string();
    let runs: Vec<(&str, Vec<String>, &[&str])> = vec![
        (
            "catalog export",
            vec!["catalog".into(), "export".into(), out("x1.csv")],
            &["HYPERLINK"],
        ),
        (
            "members export",
            vec!["members".into(), "export".into(), out("x2.csv")],
            &["SUM(A1", "Z0001"],
        ),
        (
            "report members --out",
            vec![
                "report".into(),
                "members".into(),
                "--out".into(),
                out("x3.csv"),
            ],
            &["SUM(A1", "Z0001"],
        ),
        (
            "report stock --out",
            vec![
                "report".into(),
                "stock".into(),
                "--out".into(),
                out("x4.csv"),
            ],
            &["HYPERLINK"],
        ),
        (
            "report stock --low --out",
            vec![
                "report".into(),
                "stock".into(),
                "--low".into(),
                "--out".into(),
                out("x5.csv"),
            ],
            &[],
        ),
        (
            "report stock --slow --out",
            vec![
                "report".into(),
                "stock".into(),
                "--slow".into(),
                "--out".into(),
                out("x6.csv"),
            ],
            &["HYPERLINK"],
        ),
        (
            "report expiry --out",
            vec![
                "report".into(),
                "expiry".into(),
                "--out".into(),
                out("x7.csv"),
            ],
            &["HYPERLINK", "BATCH(1)"],
        ),
        (
            "report sipnap --out",
            vec![
                "report".into(),
                "sipnap".into(),
                "--month".into(),
                month.into(),
                "--out".into(),
                out("x8.csv"),
            ],
            &["\"GPL"],
        ),
        (
            "report shu --out",
            vec![
                "report".into(),
                "shu".into(),
                "--year".into(),
                year.into(),
                "--total".into(),
                "1000000".into(),
                "--out".into(),
                out("x9.csv"),
            ],
            &["SUM(A1", "Z0001"],
        ),
        (
            "accounts export",
            vec!["accounts".into(), "export".into(), out("x10.csv")],
            &[],
        ),
        (
            "ledger export --format csv",
            vec![
                "ledger".into(),
                "export".into(),
                "--format".into(),
                "csv".into(),
                "--out".into(),
                out("x11.csv"),
            ],
            &[],
        ),
    ];
    let mut all: Vec<&str> = CSV_WRITERS
        .iter()
        .flat_map(|(_, e)| e.iter().copied())
        .collect();
    let mut ran: Vec<&str> = runs.iter().map(|r| r.0).collect();
    all.sort_unstable();
    ran.sort_unstable();
    assert_eq!(all, ran, "the exports listed ≠ the exports run");
    for (what, args, planted) in &runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&db, &args);
        let file = Path::new(args.last().unwrap());
        for needle in *planted {
            assert_neutral(file, needle);
        }
        assert_no_formula(file);
        eprintln!("{what}: no formula");
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
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
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

/// Plant `sql` with the table's triggers out of the way, as someone with sqlite3 would.
fn plant(db: &Path, table: &str, sql: &str) {
    let c = rusqlite::Connection::open(db).unwrap();
    let triggers: Vec<String> = c
        .prepare("SELECT name FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = ?1")
        .unwrap()
        .query_map([table], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in triggers {
        c.execute_batch(&format!("DROP TRIGGER {t}")).unwrap();
    }
    assert_eq!(c.execute(sql, []).unwrap(), 1, "{sql}");
}

#[test]
fn check_finds_a_wrong_kasbon_balance_and_a_wrong_stock_value() {
    let (dir, db) = demo_shop();
    ok(
        &db,
        &[
            "sale",
            "--member",
            "A0001",
            "--pay",
            "kasbon:5000",
            "--pay",
            "cash:100000",
            "8991234567891*2",
        ],
    );
    assert!(ok(&db, &["check"]).starts_with("OK"));

    let kasbon = dir.path().join("kasbon.db");
    std::fs::copy(&db, &kasbon).unwrap();
    plant(
        &kasbon,
        "members",
        "UPDATE members SET kasbon_balance = kasbon_balance + 1000000 WHERE number = 'A0001'",
    );
    let out = check_fails(&kasbon);
    assert!(
        out.contains("Kasbon of member A0001: recorded Rp15.000, sum of kasbon, returns and repayments Rp5.000"),
        "{out}"
    );

    // The newest move carries the product's value: a wrong one is what every report reads.
    let value = dir.path().join("value.db");
    std::fs::copy(&db, &value).unwrap();
    plant(
        &value,
        "stock_moves",
        "UPDATE stock_moves SET value_after = value_after + 123400
          WHERE id = (SELECT max(id) FROM stock_moves)",
    );
    let out = check_fails(&value);
    assert!(out.contains("Stock value "), "{out}");
    assert!(out.contains("sum of move values"), "{out}");
}
