//! A large kasbon on a till joined to the coop's server needs a recent sync: the member's
//! balance here counts the kasbon other tills gave only as of the last whole pull. On a
//! real PostgreSQL the test starts itself (SKIP without it, a failure under `KASIR_CI=1`).

use crate::common::{ok, refused};

use crate::sync_pg::{join, start_pg, till_shop};
use std::path::Path;

/// A karung (25 kg) of Beras Premium Pandan Wangi: Rp350.000, six on the demo shelf.
const BERAS_KARUNG: &str = "8991993003654";

/// A kasbon sale of `kasbon` rupiah (the rest in cash) to member A0001 (limit
/// Rp1.000.000) at sembako-1.
fn kasbon_sale(kasbon: u32) -> Vec<String> {
    [
        "sale",
        "--till",
        "sembako-1",
        "--member",
        "A0001",
        "--pay",
        &format!("kasbon:{kasbon}"),
        "--pay",
        "cash:500000",
        BERAS_KARUNG,
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// (sales, events, the member's kasbon) in the file.
fn counts(db: &Path) -> (i64, i64, i64) {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT (SELECT count(*) FROM sales), (SELECT count(*) FROM events),
                    (SELECT kasbon_balance FROM members WHERE number = 'A0001')",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap()
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

#[test]
fn a_large_kasbon_waits_for_a_recent_sync_and_a_small_one_does_not() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let a = till_shop(dir.path(), "sembako-1");
    // Before the file joins a server it is the whole shop: no sync is needed.
    ok(&a, &args(&kasbon_sale(300_000)));
    ok(&a, &["server", "init", "--url", &pg.url()]);
    join(&pg, &a, "sembako-1");
    // Joined, never pulled: above Rp250.000 (the default) is refused, in both languages,
    // and changes nothing.
    let before = counts(&a);
    let msg = refused(&a, &args(&kasbon_sale(300_000)));
    assert!(
        msg.contains("perlu sinkron") && msg.contains("belum pernah"),
        "{msg}"
    );
    let mut en = vec!["--lang", "en"];
    let sale = kasbon_sale(300_000);
    en.extend(args(&sale));
    let msg = refused(&a, &en);
    assert!(msg.contains("needs a sync"), "{msg}");
    assert_eq!(counts(&a), before, "a refused sale changes nothing");
    // The treasurer lowers the amount to Rp100.000. Up to it, the till sells on kasbon
    // offline as before.
    ok(
        &a,
        &["settings", "set", "sync.kasbon_fresh_above", "100000"],
    );
    ok(&a, &args(&kasbon_sale(100_000)));
    refused(&a, &args(&kasbon_sale(120_000)));
    // After a whole pull it goes through.
    ok(&a, &["sync", "--once"]);
    ok(&a, &args(&kasbon_sale(120_000)));
    // A sync older than `sync.kasbon_fresh_minutes` is not recent.
    rusqlite::Connection::open(&a)
        .unwrap()
        .execute(
            "UPDATE sync_pull SET synced_at = datetime(synced_at, '-11 minutes')",
            [],
        )
        .unwrap();
    let msg = refused(&a, &args(&kasbon_sale(120_000)));
    assert!(
        msg.contains("10 menit") && msg.contains("terakhir"),
        "{msg}"
    );
    // The treasurer may set the amount; 0 turns the rule off.
    ok(&a, &["settings", "set", "sync.kasbon_fresh_above", "0"]);
    ok(&a, &args(&kasbon_sale(120_000)));
}
