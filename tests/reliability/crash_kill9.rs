//! Invariant 1: an acknowledged sale survives kill -9; a half-written sale never appears.
//!
//! Sales are rung by real `kasir sale` processes, each killed with SIGKILL after a seeded
//! random delay — mostly before or after its transaction, which is a few ms of the process;
//! `tests/reliability/crash_points.rs` kills inside it, at every named point. A sale counts as
//! acknowledged when its number reached stdout.

use crate::common;
use common::*;

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::Duration;

#[test]
fn killed_sales_are_whole_or_absent() {
    let (_dir, db) = demo_shop();
    let start: rust_decimal::Decimal = on_hand(&db, "8991234567891").parse().unwrap();
    let mut seed: u64 = 0x5eed_1234;
    let mut next = || {
        seed = seed
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (seed >> 33) % 80
    };
    let mut acknowledged = Vec::new();
    let mut killed = 0;
    for _ in 0..40 {
        let mut child = Command::new(bin())
            .arg("--db")
            .arg(&db)
            .args(["sale", "cash:10000", "8991234567891*2"])
            .env("KASIR_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn kasir");
        std::thread::sleep(Duration::from_millis(next()));
        if child.try_wait().expect("wait").is_none() {
            child.kill().expect("kill -9");
            killed += 1;
        }
        child.wait().expect("reap");
        let mut out = String::new();
        if let Some(mut s) = child.stdout.take() {
            let _ = s.read_to_string(&mut out);
        }
        if let Some(n) = out.lines().find_map(|l| l.strip_prefix("No. transaksi: ")) {
            acknowledged.push(n.to_string());
        }
    }
    assert!(
        killed > 0,
        "no process was killed mid-run; the test proved nothing"
    );

    let listed = json(&db, &["sales", "list"]);
    let sales = listed["sales"].as_array().expect("sales");
    for n in &acknowledged {
        assert!(
            sales.iter().any(|s| s["number"] == n.as_str()),
            "acknowledged sale {n} is missing"
        );
    }
    for s in sales {
        let lines = s["lines"].as_array().unwrap();
        let tenders = s["tenders"].as_array().unwrap();
        assert_eq!(lines.len(), 1, "partial sale {}", s["number"]);
        assert_eq!(tenders.len(), 1, "partial sale {}", s["number"]);
        assert_eq!(lines[0]["base_qty"], "2");
    }
    // Stock went down by exactly what the stored sales say, and the caches match the moves.
    let end: rust_decimal::Decimal = on_hand(&db, "8991234567891").parse().unwrap();
    assert_eq!(
        start - end,
        rust_decimal::Decimal::from(2 * sales.len() as i64)
    );
    assert!(ok(&db, &["check"]).starts_with("OK"));
    // Numbers stay unique and gapless per till and day even across kills.
    let mut numbers: Vec<&str> = sales
        .iter()
        .map(|s| s["number"].as_str().unwrap())
        .collect();
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), sales.len());
    eprintln!(
        "kill -9: {killed} of 40 processes killed, {} acknowledged, {} stored, 0 lost",
        acknowledged.len(),
        sales.len()
    );
}
