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
/// `SBK-20261201-0001`), `hh:mm:ss` (with any fraction of a second), the printed reports'
/// `dd/mm/yyyy hh:mm`, and UUIDs.
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
            // Fractions of a second, where a time carries them.
            if b.get(i) == Some(&b'.') && digit(i + 1) {
                out.push_str(".f");
                i += 1;
                while digit(i) {
                    i += 1;
                }
            }
            continue;
        }
        // The printed reports' `dd/mm/yyyy hh:mm`.
        if boundary
            && digits(i, 2)
            && b.get(i + 2) == Some(&b'/')
            && digits(i + 3, 2)
            && b.get(i + 5) == Some(&b'/')
            && digits(i + 6, 4)
        {
            out.push_str("DD/MM/YYYY");
            i += 10;
            if b.get(i) == Some(&b' ')
                && digits(i + 1, 2)
                && b.get(i + 3) == Some(&b':')
                && digits(i + 4, 2)
            {
                out.push_str(" hh:mm");
                i += 6;
            }
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
        mask(
            "SBK-20261201-0007 at 2026-12-01 09:05:33, 137500, 1.25, 2026-12-01T09:05:33.882567913, 01/12/2026 09:05, 12:30"
        ),
        "SBK-YYYYMMDD-0007 at YYYY-MM-DD hh:mm:ss, 137500, 1.25, YYYY-MM-DDThh:mm:ss.f, DD/MM/YYYY hh:mm, 12:30"
    );
}

/// `v` with the shop's temp folder written as `DIR` (backup paths name it).
fn without_dir(v: serde_json::Value, dir: &std::path::Path) -> serde_json::Value {
    let text = v.to_string().replace(&dir.display().to_string(), "DIR");
    serde_json::from_str(&text).expect("json")
}

#[test]
fn the_json_of_a_shift_and_the_books_is_as_documented() {
    let (_dir, db) = demo_shop();
    json(&db, &["sale", "cash:20000", "8991234567891*2"]);
    assert_snapshot("report_x", json(&db, &["report", "x"]));
    assert_snapshot(
        "shift_close",
        json(
            &db,
            &["shift", "close", "--count", "100000*2", "5000*1", "2000*1"],
        ),
    );
    assert_snapshot("report_z", json(&db, &["report", "z"]));
    assert_snapshot("day_status_open", json(&db, &["day", "status"]));
    json(&db, &["day", "close"]);
    assert_snapshot("day_status_closed", json(&db, &["day", "status"]));
    let tb = json(&db, &["report", "trial-balance"]);
    assert!(tb["rows"].as_array().is_some_and(|r| !r.is_empty()), "{tb}");
    assert_snapshot("trial_balance", tb);
    assert_snapshot(
        "general_ledger",
        json(&db, &["report", "gl", "--account", "1-1101"]),
    );
    assert_snapshot("dashboard", json(&db, &["report", "dashboard"]));
    let year = ok(&db, &["--json", "day", "status"])
        .split("\"date\":\"")
        .nth(1)
        .expect("date")[..4]
        .to_string();
    assert_snapshot(
        "shu",
        json(
            &db,
            &["report", "shu", "--year", &year, "--total", "1000000"],
        ),
    );
    let month = json(&db, &["day", "status"])["date"]
        .as_str()
        .expect("date")[..7]
        .to_string();
    assert_snapshot(
        "members_statement",
        json(&db, &["members", "statement", "A0001", "--month", &month]),
    );
}

#[test]
fn the_json_of_the_back_office_is_as_documented() {
    let (dir, db) = demo_shop();
    let recv = dir.path().join("recv.csv");
    std::fs::write(&recv, "code,qty,cost\n8991234567891,10,2500\n").expect("write");
    assert_snapshot(
        "receive",
        json(&db, &["receive", recv.to_str().expect("path")]),
    );
    assert_snapshot(
        "writeoff",
        json(
            &db,
            &["writeoff", "8991234567891", "1", "--reason", "rusak"],
        ),
    );
    assert_snapshot("opname_start", json(&db, &["opname", "start"]));
    assert_snapshot(
        "opname_count",
        json(&db, &["opname", "count", "8991234567891", "5"]),
    );
    assert_snapshot(
        "opname_finish",
        json(
            &db,
            &[
                "opname",
                "finish",
                "--approve-user",
                "admin",
                "--approve-pin",
                "9999",
            ],
        ),
    );
    // The document with its first expired and first near batch (the demo has hundreds).
    let mut expiry = json(&db, &["report", "expiry", "--days", "3650"]);
    for list in ["expired", "near"] {
        let rows = expiry[list].as_array_mut().expect(list);
        assert!(!rows.is_empty(), "no {list} batch in the demo");
        rows.truncate(1);
    }
    assert_snapshot("expiry", expiry);
    assert_snapshot(
        "stock_low",
        json(&db, &["report", "stock", "--low"])["low"][0].clone(),
    );
    assert_snapshot(
        "stock_slow",
        json(&db, &["report", "stock", "--slow"])["slow"][0].clone(),
    );
    assert_snapshot("stock_value", json(&db, &["report", "stock"]));
    assert_snapshot("settings_get", json(&db, &["settings", "get", "shop.name"]));
    assert_snapshot(
        "settings_list",
        json(&db, &["settings", "list"])["settings"][0].clone(),
    );
    let copy = dir.path().join("copy.db");
    assert_snapshot(
        "backup",
        without_dir(
            json(&db, &["backup", copy.to_str().expect("path")]),
            dir.path(),
        ),
    );
    assert_snapshot(
        "backup_auto",
        without_dir(
            json(
                &db,
                &[
                    "backup",
                    "--auto",
                    "--dir",
                    dir.path().join("auto").to_str().expect("path"),
                ],
            ),
            dir.path(),
        ),
    );
    assert_snapshot("check", json(&db, &["check"]));
}

/// Where a file of `src/cli` outside `output/` makes JSON of something that is not one
/// of the output types of `src/cli/output/`: it calls `serde_json::to_value` (or
/// `to_string`, `to_writer`), derives or implements `Serialize`, marks a type as an output
/// document (`impl Out for`), or hands `to_json` / `all::<_, T>` a type whose name does not
/// end in `Out` (the names of the output types). `to_json` itself only takes `Out` types.
fn own_json(file: &str, text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let bad = code.contains("to_value(")
            || code.contains("serde_json::to_string")
            || code.contains("serde_json::to_writer")
            || (code.contains("derive(") && code.contains("Serialize"))
            || code.contains("impl Serialize")
            || code.contains("impl serde::Serialize")
            || code.contains(" Out for ");
        if bad {
            found.push(format!("{file}:{}: {}", n + 1, line.trim()));
        }
    }
    // `to_json(` and `all::<_, T>` may span lines once formatted: read the text as one line.
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let names_out = |rest: &str| {
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        name.ends_with("Out")
    };
    for (i, _) in flat.match_indices("to_json(") {
        let rest = flat[i + "to_json(".len()..].trim_start();
        if !rest.strip_prefix('&').is_some_and(names_out) {
            found.push(format!("{file}: to_json({}", &rest[..rest.len().min(40)]));
        }
    }
    for (i, _) in flat.match_indices("all::<_, ") {
        let rest = &flat[i + "all::<_, ".len()..];
        if !names_out(rest) {
            found.push(format!("{file}: all::<_, {}", &rest[..rest.len().min(40)]));
        }
    }
    found
}

#[test]
fn the_command_line_makes_json_only_of_its_output_types() {
    let dir: PathBuf = [env!("CARGO_MANIFEST_DIR"), "src", "cli"].iter().collect();
    let mut found = Vec::new();
    let mut files = 0;
    for entry in std::fs::read_dir(&dir).expect("src/cli") {
        let path = entry.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .to_string();
        // The output documents live in `output/`, a folder: only the files beside it are read.
        if !name.ends_with(".rs") {
            continue;
        }
        files += 1;
        let text = std::fs::read_to_string(&path).expect("read");
        found.extend(own_json(&format!("src/cli/{name}"), &text));
    }
    assert!(
        files > 5,
        "found only {files} files under {}",
        dir.display()
    );
    assert!(
        found.is_empty(),
        "src/cli makes JSON of types that are not its output types (add one to src/cli/output/):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_json_scan_finds_a_service_type_serialised() {
    // What the command line once did: each is found.
    for text in [
        "print_json(serde_json::to_value(&report).unwrap_or_default());",
        "done(json, lang, to_json(&z), &z.report);",
        "print_json(to_json(\n    &closed,\n));",
        "print_json(json!({\"low\": all::<_, ReorderRow>(&rows)}));",
        "#[derive(Debug, serde::Serialize)]",
        "impl Out for ShiftClosed {}",
    ] {
        assert_eq!(own_json("x.rs", text).len(), 1, "not found: {text}");
    }
    for text in [
        "print_json(to_json(&CheckOut::from(&report)));",
        "to_json(&XReportOut {\n    report,\n})",
        "json!({\"low\": all::<_, ReorderOut>(&rows)})",
    ] {
        assert_eq!(own_json("x.rs", text), Vec::<String>::new(), "{text}");
    }
}
