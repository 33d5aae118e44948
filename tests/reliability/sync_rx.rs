//! Prescriptions through a real PostgreSQL (started like `sync_pg`'s; `SKIP:` without one):
//! two apotek tills, offline, each dispense 20 of the 30 tablets of one diazepam
//! prescription. Once all have synced, both tills and the back office hold both dispensings
//! in their drug register and one open exception naming the prescription, the drug, both
//! tills and what each dispensed. The treasurer may not resolve it; the apoteker does, at
//! the back office, and after the next syncs it is resolved on every node.

use crate::common;
use crate::sync_pg::{join, start_pg};

use std::path::{Path, PathBuf};

use common::{json, ok, refused};

/// Diazepam 2 mg (psikotropika) of the demo shop: one scan is a strip of 10 tablets.
const DIAZEPAM: &str = "8995895003248";

fn sync(db: &Path) -> serde_json::Value {
    json(db, &["sync", "--once"])
}

/// A demo shop with an apotek counter `till` and its shift open.
fn apotek_till(dir: &Path, till: &str) -> PathBuf {
    let db = dir.join(format!("{till}.db"));
    ok(&db, &["demo"]);
    ok(
        &db,
        &[
            "settings",
            "set",
            &format!("till.{till}.pharmacy"),
            "apotek",
        ],
    );
    ok(
        &db,
        &["settings", "set", &format!("till.{till}.unit"), "apotek"],
    );
    ok(&db, &["shift", "open", "--till", till, "--float", "100000"]);
    db
}

/// The exceptions of kind `rx_over_dispensed` (`--all`: the resolved ones too).
fn rx_exceptions(db: &Path, all: bool) -> Vec<serde_json::Value> {
    let args: &[&str] = if all {
        &["exceptions", "--all"]
    } else {
        &["exceptions"]
    };
    json(db, args)["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "rx_over_dispensed")
        .cloned()
        .collect()
}

#[test]
fn a_prescription_dispensed_offline_on_two_tills_beyond_its_total_is_one_exception_everywhere() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bo = dir.path().join("kantor.db");
    ok(&bo, &["demo"]);
    ok(&bo, &["server", "init", "--url", &pg.url()]);
    let a = apotek_till(dir.path(), "apotek-1");
    let b = apotek_till(dir.path(), "apotek-2");
    let today = chrono::Local::now().date_naive();
    let month = today.format("%Y-%m").to_string();
    let rx = format!("no=R-77;doctor=dr. Sari;sip=SIP-503/2025;patient=Joko;date={today};qty=30");

    // Offline, each till dispenses two strips (20 tablets) of the 30: fine alone.
    let mut numbers = Vec::new();
    for (db, till) in [(&a, "apotek-1"), (&b, "apotek-2")] {
        let sale = json(
            db,
            &[
                "sale",
                "--till",
                till,
                "cash:500000",
                "--rx",
                &rx,
                "--apoteker",
                "rina",
                "--apoteker-pin",
                "3333",
                &format!("2*{DIAZEPAM}"),
            ],
        );
        numbers.push(sale["sale"]["number"].as_str().unwrap().to_string());
        assert!(rx_exceptions(db, true).is_empty());
    }
    join(&pg, &a, "apotek-1");
    join(&pg, &b, "apotek-2");
    join(&pg, &bo, "kantor");
    for db in [&a, &b, &bo, &a] {
        sync(db);
    }
    let nodes = [&a, &b, &bo];
    for db in nodes {
        let open = rx_exceptions(db, false);
        assert_eq!(open.len(), 1, "{}: {open:?}", db.display());
        let x = &open[0];
        assert_eq!(x["figure"], "40", "{}", db.display());
        assert_eq!(x["subject"], "R77|SIP5032025/DZP-2", "{}", db.display());
        let involved = x["involved"].as_str().unwrap();
        for n in &numbers {
            assert!(
                involved.contains(&format!("{n} 20 tablet")),
                "{}: {involved}",
                db.display()
            );
        }
        assert!(
            involved.starts_with("apotek-1: ") && involved.contains("; apotek-2: "),
            "{involved}"
        );
        let reason = x["reason"]["id"].as_str().unwrap();
        assert!(
            reason.contains("Resep R-77") && reason.contains("melebihi totalnya 30 tablet"),
            "{reason}"
        );
        // The register lists both tills' dispensing, with the prescription.
        let reg = json(db, &["report", "register", "--month", &month]);
        let sold: Vec<&str> = reg["register"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["kind"] == "sale" && r["rx_no"] == "R-77")
            .map(|r| r["reference"].as_str().unwrap())
            .collect();
        assert_eq!(sold.len(), 2, "{}: {reg}", db.display());
        for n in &numbers {
            assert!(sold.contains(&n.as_str()), "{}: {sold:?}", db.display());
        }
    }
    // Syncing again finds nothing new.
    sync(&bo);
    assert_eq!(rx_exceptions(&bo, true).len(), 1);
    let id = rx_exceptions(&bo, false)[0]["id"]
        .as_i64()
        .unwrap()
        .to_string();

    // The treasurer may not resolve a prescription; the apoteker does, with a note.
    let resolve = |user: &str, pin: &str| {
        vec![
            "exceptions".to_string(),
            "resolve".to_string(),
            id.clone(),
            "--note".to_string(),
            "pasien dihubungi, sisa 10 tablet dikembalikan".to_string(),
            "--user".to_string(),
            user.to_string(),
            "--pin".to_string(),
            pin.to_string(),
        ]
    };
    fn as_args(v: &[String]) -> Vec<&str> {
        v.iter().map(String::as_str).collect()
    }
    let treasurer = resolve("ahmad", "4444");
    let no = refused(&bo, &as_args(&treasurer));
    assert!(no.contains("menyelesaikan pengecualian"), "{no}");
    let apoteker = resolve("rina", "3333");
    let done = json(&bo, &as_args(&apoteker));
    assert_eq!(done["resolved"]["by"], "rina");
    assert_eq!(done["resolved"]["adjustment"], serde_json::Value::Null);

    for db in [&bo, &a, &b] {
        sync(db);
    }
    for db in nodes {
        assert!(rx_exceptions(db, false).is_empty(), "{}", db.display());
        let all = rx_exceptions(db, true);
        assert_eq!(all.len(), 1, "{}: {all:?}", db.display());
        let r = &all[0]["resolved"];
        assert_eq!(
            (&r["by"], &r["till"]),
            (&serde_json::json!("rina"), &serde_json::json!("kantor")),
            "{}",
            db.display()
        );
        assert_eq!(
            json(db, &["check"])["problems"],
            serde_json::json!([]),
            "{}",
            db.display()
        );
    }
}
