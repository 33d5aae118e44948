//! Bundles carried by hand: a till without a link exports its events to a file, the coop's
//! owner imports it into a throwaway PostgreSQL (`sync_pg::start_pg`; `SKIP:` without
//! PostgreSQL, a failure under `KASIR_CI=1`) and carries the acknowledgement back. Every
//! step is the real `kasir` binary, one process per command; PostgreSQL and the shop files
//! are read directly to check what they hold.

use crate::common;
use crate::sync_pg::{join, sell, start_pg, till_shop, unacked, Pg};

use std::path::{Path, PathBuf};

use common::{json, kasir, ok, refused, Rng};

/// (seqs stored for `till`, rows in quarantine).
fn server_holds(pg: &Pg, till: &str) -> (Vec<i64>, i64) {
    let mut c = pg.client();
    let seqs = c
        .query(
            "SELECT seq FROM events WHERE till = $1 ORDER BY seq",
            &[&till],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let q: i64 = c
        .query_one("SELECT count(*) FROM quarantine", &[])
        .unwrap()
        .get(0);
    (seqs, q)
}

fn init(pg: &Pg, dir: &Path) -> PathBuf {
    let coop = dir.join("coop.db");
    ok(&coop, &["server", "init", "--url", &pg.url()]);
    coop
}

fn export(db: &Path, out: &Path) -> serde_json::Value {
    json(db, &["bundle", "export", "--out", out.to_str().unwrap()])
}

fn import(pg: &Pg, coop: &Path, file: &Path) -> serde_json::Value {
    json(
        coop,
        &[
            "bundle",
            "import",
            file.to_str().unwrap(),
            "--server",
            &pg.url(),
        ],
    )
}

fn ack(db: &Path, file: &Path) -> serde_json::Value {
    json(db, &["bundle", "import", file.to_str().unwrap()])
}

fn ack_of(file: &Path) -> PathBuf {
    PathBuf::from(format!("{}.ack", file.display()))
}

/// The bundle's lines.
fn lines(file: &Path) -> Vec<String> {
    std::fs::read_to_string(file)
        .unwrap()
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn a_bundle_travels_to_the_coop_and_its_acknowledgement_back() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let coop = init(&pg, dir.path());
    let a = till_shop(dir.path(), "sembako-1");
    sell(&a, "sembako-1", 3);
    ok(&a, &["settings", "set", "coop.id", "koperasi-maju"]);
    let usb = dir.path().join("usb.kasir");
    let out = export(&a, &usb);
    assert_eq!(out["events"], 4, "the shift opened and three sales: {out}");
    assert_eq!(out["tills"], serde_json::json!(["sembako-1"]));
    let l = lines(&usb);
    assert_eq!(l.len(), 6, "header, four events, trailer");
    let head: serde_json::Value = serde_json::from_str(l[0].split('\t').next().unwrap()).unwrap();
    assert_eq!(
        (&head["format"], &head["tills"], &head["coop"]),
        (
            &serde_json::json!(1),
            &serde_json::json!(["sembako-1"]),
            &serde_json::json!("koperasi-maju")
        )
    );

    // At the coop: stored once, and the till is on the server's list.
    let done = import(&pg, &coop, &usb);
    assert_eq!(done["tills"][0]["held"], 4, "{done}");
    assert_eq!(server_holds(&pg, "sembako-1"), (vec![1, 2, 3, 4], 0));
    let status = json(&coop, &["server", "status", "--url", &pg.url()]);
    assert_eq!(status["tills"][0]["till"], "sembako-1");
    assert_eq!(status["tills"][0]["events"], 4);
    // Again: nothing new, nothing in quarantine, the same acknowledgement.
    let first_ack = std::fs::read_to_string(ack_of(&usb)).unwrap();
    import(&pg, &coop, &usb);
    assert_eq!(server_holds(&pg, "sembako-1"), (vec![1, 2, 3, 4], 0));
    assert_eq!(std::fs::read_to_string(ack_of(&usb)).unwrap(), first_ack);

    // Back at the till.
    assert_eq!(unacked(&a, "sembako-1"), 4);
    let acked = ack(&a, &ack_of(&usb));
    assert_eq!(acked["tills"][0]["acked_through"], 4, "{acked}");
    assert_eq!(acked["tills"][0]["marked"], 4);
    assert_eq!(unacked(&a, "sembako-1"), 0);
    // The same acknowledgement again marks nothing more.
    assert_eq!(ack(&a, &ack_of(&usb))["tills"][0]["marked"], 0);

    // The next bundle carries nothing already acknowledged.
    let again = export(&a, &usb);
    assert_eq!(again["events"], 0, "{again}");
    sell(&a, "sembako-1", 1);
    let next = export(&a, &usb);
    assert_eq!(next["events"], 1);
    assert_eq!(next["ranges"][0]["first"], 5);
    import(&pg, &coop, &usb);
    ack(&a, &ack_of(&usb));
    assert_eq!(server_holds(&pg, "sembako-1"), (vec![1, 2, 3, 4, 5], 0));
    assert_eq!(unacked(&a, "sembako-1"), 0);
}

#[test]
fn bundles_imported_out_of_order_store_each_event_once_and_ack_no_further_than_carried() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let coop = init(&pg, dir.path());
    let a = till_shop(dir.path(), "sembako-1");
    sell(&a, "sembako-1", 2);
    let older = dir.path().join("monday.kasir");
    assert_eq!(export(&a, &older)["events"], 3);
    sell(&a, "sembako-1", 2);
    let newer = dir.path().join("tuesday.kasir");
    assert_eq!(export(&a, &newer)["events"], 5, "nothing acknowledged yet");

    // The newer arrives first, then the older, then the newer again.
    assert_eq!(import(&pg, &coop, &newer)["tills"][0]["held"], 5);
    assert_eq!(import(&pg, &coop, &older)["tills"][0]["held"], 5);
    import(&pg, &coop, &newer);
    assert_eq!(server_holds(&pg, "sembako-1"), (vec![1, 2, 3, 4, 5], 0));

    // The older bundle's acknowledgement says the server holds 5, but that bundle carried
    // events 1–3 only: the till marks no further.
    let acked = ack(&a, &ack_of(&older));
    assert_eq!(acked["tills"][0]["acked_through"], 3, "{acked}");
    assert_eq!(unacked(&a, "sembako-1"), 2);
    ack(&a, &ack_of(&newer));
    assert_eq!(unacked(&a, "sembako-1"), 0);
    // An old acknowledgement after a newer one changes nothing.
    let late = ack(&a, &ack_of(&older));
    assert_eq!(
        (
            late["tills"][0]["acked_through"].as_i64(),
            late["tills"][0]["marked"].as_i64()
        ),
        (Some(5), Some(0))
    );
}

#[test]
fn a_bundle_cut_short_stores_the_complete_events_before_the_cut() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let coop = init(&pg, dir.path());
    let a = till_shop(dir.path(), "sembako-1");
    sell(&a, "sembako-1", 4);
    let usb = dir.path().join("usb.kasir");
    export(&a, &usb);
    // Cut in the middle of the fourth line: the event of seq 3.
    let text = std::fs::read(&usb).unwrap();
    let l = lines(&usb);
    let cut = l[..3].iter().map(|x| x.len() + 1).sum::<usize>() + l[3].len() / 2;
    std::fs::write(&usb, &text[..cut]).unwrap();
    let url = pg.url();
    let args = ["bundle", "import", usb.to_str().unwrap(), "--server", &url];
    let err = refused(&coop, &args);
    assert!(err.contains("terpotong"), "{err}");
    let mut en = vec!["--lang", "en"];
    en.extend_from_slice(&args);
    assert!(refused(&coop, &en).contains("cut short"));
    assert_eq!(server_holds(&pg, "sembako-1"), (vec![1, 2], 0));
    // Its acknowledgement covers what was stored; the next bundle carries the rest.
    ack(&a, &ack_of(&usb));
    assert_eq!(unacked(&a, "sembako-1"), 3);
    let rest = export(&a, &usb);
    assert_eq!(rest["ranges"][0]["first"], 3);
    import(&pg, &coop, &usb);
    ack(&a, &ack_of(&usb));
    assert_eq!(server_holds(&pg, "sembako-1"), (vec![1, 2, 3, 4, 5], 0));
    assert_eq!(unacked(&a, "sembako-1"), 0);
}

#[test]
fn a_flipped_byte_refuses_that_event_by_name_and_keeps_the_ones_before() {
    let Some(pg) = start_pg() else { return };
    let mut rng = Rng::from_env("bundle flipped byte");
    let dir = tempfile::tempdir().unwrap();
    let coop = init(&pg, dir.path());
    let a = till_shop(dir.path(), "sembako-1");
    sell(&a, "sembako-1", 4);
    let usb = dir.path().join("usb.kasir");
    export(&a, &usb);
    let l = lines(&usb);
    // An event line (seq k is line k + 1, 1-based, the header first), and a byte in it,
    // its newline included, outside the seq and till it is named by.
    let k = 1 + rng.below(5) as usize;
    let line = &l[k];
    let named_from = line.find("\"seq\":").unwrap();
    let named_to = line.find("\"till_time\"").unwrap();
    let mut at = rng.below(line.len() as u64 + 1 - (named_to - named_from) as u64) as usize;
    if at >= named_from {
        at += named_to - named_from;
    }
    let bit = rng.below(8);
    let start: usize = l[..k].iter().map(|x| x.len() + 1).sum();
    let mut bytes = std::fs::read(&usb).unwrap();
    bytes[start + at] ^= 1 << bit;
    std::fs::write(&usb, &bytes).unwrap();
    eprintln!("flipped bit {bit} of byte {at} of the event line of seq {k}");

    let url = pg.url();
    let args = ["bundle", "import", usb.to_str().unwrap(), "--server", &url];
    let err = refused(&coop, &args);
    assert!(err.contains(&format!("kasir sembako-1 #{k}")), "{err}");
    let mut en = vec!["--lang", "en"];
    en.extend_from_slice(&args);
    let err = refused(&coop, &en);
    assert!(err.contains(&format!("till sembako-1 #{k}")), "{err}");
    let before: Vec<i64> = (1..k as i64).collect();
    assert_eq!(server_holds(&pg, "sembako-1"), (before, 0));
    // The way back acknowledges only what was stored.
    ack(&a, &ack_of(&usb));
    assert_eq!(unacked(&a, "sembako-1"), 5 - (k as i64 - 1));
}

#[test]
fn an_acknowledgement_of_another_till_or_a_corrupt_one_is_refused() {
    let Some(pg) = start_pg() else { return };
    let mut rng = Rng::from_env("bundle corrupt ack");
    let dir = tempfile::tempdir().unwrap();
    let coop = init(&pg, dir.path());
    let a = till_shop(dir.path(), "sembako-1");
    let b = till_shop(dir.path(), "sembako-2");
    sell(&a, "sembako-1", 1);
    sell(&b, "sembako-2", 1);
    let from_b = dir.path().join("b.kasir");
    export(&b, &from_b);
    import(&pg, &coop, &from_b);

    let err = refused(&a, &["bundle", "import", ack_of(&from_b).to_str().unwrap()]);
    assert!(err.contains("sembako-2"), "{err}");
    assert_eq!(unacked(&a, "sembako-1"), 2, "nothing marked");

    // Another shop file using the same till id: its events are not these.
    let twin_dir = tempfile::tempdir().unwrap();
    let twin = till_shop(twin_dir.path(), "sembako-2");
    sell(&twin, "sembako-2", 1);
    let err = refused(
        &twin,
        &["bundle", "import", ack_of(&from_b).to_str().unwrap()],
    );
    assert!(err.contains("bukan untuk bundel"), "{err}");
    assert_eq!(unacked(&twin, "sembako-2"), 2);

    // One flipped byte anywhere in the acknowledgement.
    let mut bytes = std::fs::read(ack_of(&from_b)).unwrap();
    let at = rng.below(bytes.len() as u64) as usize;
    let bit = rng.below(8);
    eprintln!("flipped bit {bit} of byte {at} of the acknowledgement");
    bytes[at] ^= 1 << bit;
    let bad = dir.path().join("bad.ack");
    std::fs::write(&bad, &bytes).unwrap();
    refused(&b, &["bundle", "import", bad.to_str().unwrap()]);
    assert_eq!(unacked(&b, "sembako-2"), 2);

    // A bundle is not an acknowledgement, nor the other way round.
    let err = refused(&b, &["bundle", "import", from_b.to_str().unwrap()]);
    assert!(err.contains("--server"), "{err}");
    let out = kasir(
        &coop,
        &[
            "bundle",
            "import",
            ack_of(&from_b).to_str().unwrap(),
            "--server",
            &pg.url(),
        ],
    );
    assert!(!out.status.success());

    // The right one works.
    ack(&b, &ack_of(&from_b));
    assert_eq!(unacked(&b, "sembako-2"), 0);
}

#[test]
fn a_till_may_carry_bundles_and_push_alike() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let coop = init(&pg, dir.path());
    // A joined till whose link is down carries a bundle; its own role still pushes after.
    let a = till_shop(dir.path(), "sembako-1");
    join(&pg, &a, "sembako-1");
    sell(&a, "sembako-1", 2);
    let usb = dir.path().join("a.kasir");
    export(&a, &usb);
    import(&pg, &coop, &usb);
    let role: String = pg
        .client()
        .query_one("SELECT role_name FROM tills WHERE till = 'sembako-1'", &[])
        .unwrap()
        .get(0);
    assert_eq!(role, "kasir_till_sembako_1", "the till's own role again");
    sell(&a, "sembako-1", 1);
    let pushed = json(&a, &["sync", "--once"]);
    assert_eq!(pushed["acked_through"], 4, "{pushed}");
    assert_eq!(server_holds(&pg, "sembako-1"), (vec![1, 2, 3, 4], 0));
    // The late acknowledgement changes nothing.
    assert_eq!(ack(&a, &ack_of(&usb))["tills"][0]["marked"], 0);

    // A till that reached the coop by bundle first is registered; it joins with --rejoin.
    let b = till_shop(dir.path(), "sembako-2");
    sell(&b, "sembako-2", 1);
    let usb = dir.path().join("b.kasir");
    export(&b, &usb);
    import(&pg, &coop, &usb);
    let err = refused(
        &b,
        &["till", "join", "--server", &pg.url(), "--till", "sembako-2"],
    );
    assert!(err.contains("already registered"), "{err}");
    ok(
        &b,
        &[
            "till",
            "join",
            "--server",
            &pg.url(),
            "--till",
            "sembako-2",
            "--rejoin",
        ],
    );
    sell(&b, "sembako-2", 1);
    let pushed = json(&b, &["sync", "--once"]);
    assert_eq!(pushed["pending"], 0, "{pushed}");
    assert_eq!(server_holds(&pg, "sembako-2"), (vec![1, 2, 3], 0));
}
