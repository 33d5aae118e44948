//! The command line's JSON is a promise to scripts: each `--json` document is compared with
//! the expected one committed under `tests/snapshots/cli_json/`. A field renamed, dropped
//! or changed in kind fails here with the differing lines.
//!
//! The clock is the machine's, so dates, times, sale numbers and UUIDs are masked before
//! comparing. To accept a deliberate change: `KASIR_UPDATE_SNAPSHOTS=1 cargo test --test
//! cli cli_json::`, then read the diff of the `.json` files before committing them.

use crate::common;
use common::*;

use std::path::PathBuf;

/// Mask what changes from run to run: `YYYY-MM-DD`, `YYYYMMDD` (in numbers like
/// `SBK-20261201-0001`), `hh:mm:ss`, and UUIDs.
fn mask(text: &str) -> String {
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let digits = |i: usize, n: usize| (i..i + n).all(digit);
    let mut out = String::new();
    let mut i = 0;
    while i < b.len() {
        let boundary = i == 0 || !digit(i - 1);
        if boundary
            && digits(i, 4)
            && b.get(i + 4) == Some(&b'-')
            && digits(i + 5, 2)
            && b.get(i + 7) == Some(&b'-')
            && digits(i + 8, 2)
            && !digit(i + 10)
        {
            out.push_str("YYYY-MM-DD");
            i += 10;
            continue;
        }
        if boundary && digits(i, 8) && !digit(i + 8) && b[i] == b'2' && b[i + 1] == b'0' {
            out.push_str("YYYYMMDD");
            i += 8;
            continue;
        }
        if boundary
            && digits(i, 2)
            && b.get(i + 2) == Some(&b':')
            && digits(i + 3, 2)
            && b.get(i + 5) == Some(&b':')
            && digits(i + 6, 2)
        {
            out.push_str("hh:mm:ss");
            i += 8;
            continue;
        }
        let c = text[i..].chars().next().expect("char");
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// The JSON with masked values, `uuid` fields replaced and the receipt text left out (the
/// receipt's layout is pinned by the receipts crate's own tests).
fn masked(mut v: serde_json::Value) -> String {
    fn walk(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m.iter_mut() {
                    if k == "uuid" && x.is_string() {
                        *x = "UUID".into();
                    } else if k == "receipt" && x.is_string() {
                        *x = "RECEIPT TEXT".into();
                    } else {
                        walk(x);
                    }
                }
            }
            serde_json::Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    mask(&serde_json::to_string_pretty(&v).expect("json")) + "\n"
}

/// Compare with `tests/snapshots/cli_json/NAME.json`; with `KASIR_UPDATE_SNAPSHOTS=1`,
/// write it instead. A missing file fails (and is written, for review).
fn assert_snapshot(name: &str, v: serde_json::Value) {
    let file: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "snapshots",
        "cli_json",
        &format!("{name}.json"),
    ]
    .iter()
    .collect();
    let got = masked(v);
    let update = std::env::var_os("KASIR_UPDATE_SNAPSHOTS").is_some();
    let want = std::fs::read_to_string(&file).ok();
    if want.as_deref() == Some(got.as_str()) {
        return;
    }
    if update || want.is_none() {
        std::fs::create_dir_all(file.parent().expect("dir")).expect("snapshot dir");
        std::fs::write(&file, &got).expect("write snapshot");
        assert!(
            update,
            "{}: no snapshot yet; written, review it",
            file.display()
        );
        return;
    }
    let want = want.unwrap_or_default();
    let (w, g): (Vec<&str>, Vec<&str>) = (want.lines().collect(), got.lines().collect());
    let mut diff = String::new();
    for i in 0..w.len().max(g.len()) {
        let (a, b) = (w.get(i).copied(), g.get(i).copied());
        if a != b {
            diff.push_str(&format!(
                "line {}:\n  - {}\n  + {}\n",
                i + 1,
                a.unwrap_or("(none)"),
                b.unwrap_or("(none)")
            ));
        }
    }
    panic!(
        "{name}: --json output differs from {} (- expected, + got):\n{diff}",
        file.display()
    );
}

#[test]
fn the_json_of_a_day_at_the_counter_is_as_documented() {
    let (_dir, db) = demo_shop();
    // A sale: 1 dus + 3 pcs Indomie, cash.
    let sale = json(
        &db,
        &[
            "sale",
            "--pay",
            "cash:200000",
            "8991234567907*1",
            "8991234567891*3",
        ],
    );
    let number = sale["sale"]["number"].as_str().expect("number").to_string();
    assert_snapshot("sale", sale);
    assert_snapshot("sales_show", json(&db, &["sales", "show", &number]));
    assert_snapshot("sales_list", json(&db, &["sales", "list"]));
    assert_snapshot("stock", json(&db, &["stock", "8991234567891"]));
    assert_snapshot("members_show", json(&db, &["members", "show", "A0001"]));
    assert_snapshot(
        "return",
        json(
            &db,
            &[
                "return",
                &number,
                "8991234567891*1",
                "--supervisor",
                "admin",
                "--supervisor-pin",
                "9999",
            ],
        ),
    );
    assert_snapshot(
        "shift_open",
        json(&db, &["shift", "open", "--till", "t2", "--float", "150000"]),
    );
    assert_snapshot(
        "report_members",
        json(&db, &["report", "members"])["members"][0].clone(),
    );
    assert_snapshot(
        "stock_moves",
        json(&db, &["stock", "moves", "8991234567891"])["moves"][0].clone(),
    );
    assert_snapshot(
        "accounts",
        json(&db, &["accounts", "list"])["accounts"][0].clone(),
    );
    assert_snapshot(
        "print_queue",
        json(&db, &["print", "queue"])["jobs"][0].clone(),
    );
    assert_snapshot(
        "suppliers",
        json(&db, &["supplier", "list"])["suppliers"][0].clone(),
    );
}

#[test]
fn the_json_of_a_day_close_is_as_documented() {
    let (_dir, db) = demo_shop();
    json(&db, &["sale", "cash:20000", "8991234567891*2"]);
    ok(
        &db,
        &["shift", "close", "--count", "100000*2", "5000*1", "2000*1"],
    );
    assert_snapshot("day_close", json(&db, &["day", "close"]));
}

#[test]
fn masking_hides_only_what_the_clock_makes() {
    assert_eq!(
        mask("SBK-20261201-0007 at 2026-12-01 09:05:33, 137500, 1.25"),
        "SBK-YYYYMMDD-0007 at YYYY-MM-DD hh:mm:ss, 137500, 1.25"
    );
}
