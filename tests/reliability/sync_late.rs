//! A till that sells on a day the back office has already posted, through a real PostgreSQL
//! (started like `sync_pg`'s; `SKIP:` without one). The till syncs its morning, the office
//! closes the day, and the till — not synced since — opens a shift again on the same date,
//! sells and closes the shift. After both sync, each node holds the late sales and the
//! shift's over/short as open `late_event` exceptions naming the till, number and day; the
//! treasurer resolves them at the office, and after the next syncs every node's ledger
//! export is the same, balances, and books as the day's sales every sale of every till.

use crate::common;
use crate::sync_pg::{join, start_pg, till_shop, INDOMIE};

use std::path::Path;

use common::{json, ok};
use rust_decimal::Decimal;

fn sync(db: &Path) -> serde_json::Value {
    json(db, &["sync", "--once"])
}

fn late(db: &Path, all: bool) -> Vec<serde_json::Value> {
    let args: &[&str] = if all {
        &["exceptions", "--all"]
    } else {
        &["exceptions"]
    };
    json(db, args)["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "late_event")
        .cloned()
        .collect()
}

fn export(db: &Path, dir: &Path, name: &str) -> String {
    let out = dir.join(format!("{name}.journal"));
    ok(
        db,
        &[
            "ledger",
            "export",
            "--format",
            "hledger",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    std::fs::read_to_string(out).unwrap()
}

/// (Σ the day's sales totals, Σ credit − debit of the sales accounts in the day's
/// journals, Σ debit − credit over every journal line).
fn figures(db: &Path, day: &str) -> (Decimal, Decimal, i64) {
    let c = rusqlite::Connection::open(db).unwrap();
    let sold: i64 = c
        .query_row(
            "SELECT coalesce(sum(total), 0) FROM sales WHERE business_date = ?1",
            [day],
            |r| r.get(0),
        )
        .unwrap();
    let booked: i64 = c
        .query_row(
            "SELECT coalesce(sum(l.credit - l.debit), 0) FROM journal_lines l
               JOIN journals j ON j.id = l.journal_id JOIN accounts a ON a.id = l.account_id
              WHERE j.business_date = ?1 AND a.code LIKE '4-1%' AND a.code <> '4-1901'",
            [day],
            |r| r.get(0),
        )
        .unwrap();
    let net: i64 = c
        .query_row(
            "SELECT coalesce(sum(debit - credit), 0) FROM journal_lines",
            [],
            |r| r.get(0),
        )
        .unwrap();
    (Decimal::new(sold, 2), Decimal::new(booked, 2), net)
}

#[test]
fn sales_made_after_the_day_was_posted_are_corrected_once_and_every_node_agrees() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bo = dir.path().join("kantor.db");
    ok(&bo, &["demo"]);
    ok(&bo, &["server", "init", "--url", &pg.url()]);
    join(&pg, &bo, "kantor");
    let a = till_shop(dir.path(), "sembako-1");
    join(&pg, &a, "sembako-1");

    // The morning: one sale, the shift closed, all of it at the office.
    ok(
        &a,
        &[
            "sale",
            "--till",
            "sembako-1",
            &format!("{INDOMIE}*2"),
            "cash:50000",
        ],
    );
    ok(
        &a,
        &[
            "shift",
            "close",
            "--till",
            "sembako-1",
            "--count",
            "100000*1",
            "--reason",
            "setor",
        ],
    );
    sync(&a);
    sync(&bo);
    let closed = json(&bo, &["day", "close", "--user", "ahmad", "--pin", "4444"]);
    let day = closed["date"].as_str().unwrap_or_default().to_string();
    assert_eq!(day.len(), 10, "{closed}");
    sync(&bo);

    // The till, not synced since, opens a shift again and sells on the posted day.
    ok(
        &a,
        &["shift", "open", "--till", "sembako-1", "--float", "100000"],
    );
    for n in [3, 4] {
        ok(
            &a,
            &[
                "sale",
                "--till",
                "sembako-1",
                &format!("{INDOMIE}*{n}"),
                "cash:50000",
            ],
        );
    }
    ok(
        &a,
        &[
            "shift",
            "close",
            "--till",
            "sembako-1",
            "--count",
            "100000*1",
            "--reason",
            "setor",
        ],
    );
    sync(&a);
    sync(&bo);

    // Both nodes find the same late events: the two sales and the shift's over/short.
    let on_office = late(&bo, false);
    let on_till = late(&a, false);
    assert_eq!(on_office.len(), 3, "{on_office:#?}");
    let subjects = |xs: &[serde_json::Value]| {
        let mut s: Vec<String> = xs.iter().map(|x| x["subject"].to_string()).collect();
        s.sort();
        s
    };
    assert_eq!(subjects(&on_office), subjects(&on_till));
    for x in &on_office {
        let en = x["reason"]["en"].as_str().unwrap();
        assert!(en.contains("sembako-1") && en.contains(&day), "{en}");
    }
    for x in &on_office {
        println!("late: {}", x["reason"]["en"].as_str().unwrap());
    }
    let (sold, booked, _) = figures(&bo, &day);
    println!("before resolving, {day}: sold {sold}, booked as sales {booked}");
    assert!(
        booked < sold,
        "the day's books lack the late sales: {booked} < {sold}"
    );

    // Until resolved, `kasir check` names the late goods as books short of the stock.
    let said = common::refused(&bo, &["--lang", "en", "check"]);
    assert!(
        said.contains("Persediaan") || said.contains("Inventory"),
        "{said}"
    );

    // The treasurer resolves them at the office; a cashier may not.
    let first = on_office[0]["id"].as_i64().unwrap().to_string();
    common::refused(
        &bo,
        &[
            "exceptions",
            "resolve",
            &first,
            "--note",
            "x",
            "--user",
            "siti",
            "--pin",
            "1111",
        ],
    );
    for x in &on_office {
        let id = x["id"].as_i64().unwrap().to_string();
        ok(
            &bo,
            &[
                "exceptions",
                "resolve",
                &id,
                "--note",
                "shift dibuka lagi setelah tutup hari",
                "--user",
                "ahmad",
                "--pin",
                "4444",
            ],
        );
    }
    sync(&bo);
    sync(&a);
    sync(&bo);

    assert!(late(&bo, false).is_empty());
    assert!(late(&a, false).is_empty());
    assert_eq!(late(&a, true).len(), 3);
    for db in [&bo, &a] {
        let (sold, booked, net) = figures(db, &day);
        println!(
            "after resolving, {}: sold {sold}, booked as sales {booked}, debit - credit {net}",
            db.file_name().unwrap().to_string_lossy()
        );
        assert_eq!(
            booked,
            sold,
            "{}: the day's books hold every sale",
            db.display()
        );
        assert_eq!(net, 0, "{}: the books balance", db.display());
        assert!(json(db, &["sync", "exceptions"])["exceptions"]
            .as_array()
            .is_none_or(|x| x.is_empty()));
    }
    // The books equal the stock value per unit again on both nodes.
    for db in [&bo, &a] {
        ok(db, &["check"]);
    }
    let (office_books, till_books) = (
        export(&bo, dir.path(), "kantor"),
        export(&a, dir.path(), "sembako-1"),
    );
    assert_eq!(office_books, till_books, "the same books on every node");
    assert!(office_books.contains("KOR-sembako-1-"), "{office_books}");
    for entry in office_books.split("\n\n").filter(|e| e.contains("KOR-")) {
        println!("{entry}\n");
    }
    assert!(office_books.contains("Susulan hari"), "{office_books}");
    if common::have_tool("hledger") {
        let out = std::process::Command::new("hledger")
            .args([
                "-f",
                dir.path().join("kantor.journal").to_str().unwrap(),
                "check",
            ])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
