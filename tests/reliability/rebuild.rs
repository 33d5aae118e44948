//! A coop whose PostgreSQL is lost, rebuilt from the district and the tills, against a real
//! PostgreSQL (`SKIP:` without one): two tills and the back office sell and sync; the coop's
//! events reach the district (through `kasir_relay` as the coop's own role, members changes
//! redacted as the relay sends them); one till prunes what the district holds, two tills
//! sell after the last relay; the coop's database is dropped. `kasir server rebuild` stores
//! what the district holds, the tills join again and sync, and the server then holds every
//! till's events exactly once (per till, the seqs 1 to its newest), every node ends with
//! the same stock and kasbon, and a till that joins afterwards reads the same from it.

use crate::common;
use crate::district_schema::database;
use crate::pg_server::{start_pg, Pg};
use crate::sync_pg::{local_sales, till_shop};
use crate::sync_pull::{back_office, check_ok, kasbon, sell_offline, stock};

use std::collections::BTreeSet;
use std::path::Path;

use common::{json, ok, refused};
use rust_decimal::Decimal;

const COOP: &str = "kdmp-maju";

fn join(db: &Path, url: &str, till: &str, rejoin: bool) {
    let mut args = vec!["till", "join", "--server", url, "--till", till];
    if rejoin {
        args.push("--rejoin");
    }
    json(db, &args);
}

fn sync(db: &Path) -> serde_json::Value {
    json(db, &["sync", "--once"])
}

/// A till's events in its shop file: (seq, id, kind, payload, hash, till_time).
type Local = Vec<(i64, String, String, String, String, String)>;

fn local_events(db: &Path, till: &str) -> Local {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare(
            "SELECT seq, id, kind, payload, hash, till_time FROM events WHERE till = ?1
             ORDER BY seq",
        )
        .unwrap();
    st.query_map([till], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            r.get(2)?,
            r.get(3)?,
            r.get(4)?,
            r.get(5)?,
        ))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

fn last_seq(db: &Path, till: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT COALESCE(max(seq), 0) FROM events WHERE till = ?1",
            [till],
            |r| r.get(0),
        )
        .unwrap()
}

/// The coop's database as its owner.
fn owner(url: &str) -> postgres::Client {
    postgres::Client::connect(url, postgres::NoTls).unwrap()
}

/// Relay every event of the tills' files the district does not hold yet, as the coop's own
/// role, members changes redacted (name, NIK and phone dropped, `redacted` set, the hash
/// the coop's), then record on the coop's server what the district holds of each till
/// (what `kasir relay` does).
fn relay(district_as_coop: &str, coop_url: &str, nodes: &[(&Path, &str)]) {
    let mut d = owner(district_as_coop);
    let mut c = owner(coop_url);
    for (db, till) in nodes {
        let held: i64 = d
            .query_opt(
                "SELECT held FROM kasir_relay_held($1) WHERE till = $2",
                &[&COOP, till],
            )
            .unwrap()
            .map_or(0, |r| r.get(0));
        let batch: Vec<serde_json::Value> = local_events(db, till)
            .into_iter()
            .filter(|e| e.0 > held)
            .map(|(seq, id, kind, payload, hash, till_time)| {
                let mut e = serde_json::json!({
                    "id": id, "till": till, "seq": seq, "kind": kind, "version": 1,
                    "payload": payload, "hash": hash, "till_time": till_time,
                });
                if kind == "members.v1" {
                    let mut p: serde_json::Value = serde_json::from_str(&payload).unwrap();
                    for m in p["members"].as_array_mut().unwrap() {
                        let m = m.as_object_mut().unwrap();
                        m.remove("name");
                        m.remove("nik");
                        m.remove("phone");
                    }
                    e["payload"] = p.to_string().into();
                    e["redacted"] = true.into();
                }
                e
            })
            .collect();
        let rows = d
            .query(
                "SELECT till, held FROM kasir_relay($1, $2::text::jsonb)",
                &[&COOP, &serde_json::Value::Array(batch).to_string()],
            )
            .unwrap();
        for r in rows {
            let (t, h): (String, i64) = (r.get(0), r.get(1));
            c.query_one("SELECT kasir_district_ack($1, $2)", &[&t, &h])
                .unwrap();
        }
    }
}

/// The coop's server's events of `till`: (seq, id, hash, redacted).
fn server_events(coop_url: &str, till: &str) -> Vec<(i64, String, String, bool)> {
    owner(coop_url)
        .query(
            "SELECT seq, id::text, hash, redacted FROM events WHERE till = $1 ORDER BY seq",
            &[&till],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect()
}

fn server_total(coop_url: &str, till: &str) -> Decimal {
    let t: String = owner(coop_url)
        .query_one(
            "SELECT COALESCE(sum((payload->'sale'->>'total')::numeric), 0)::text
             FROM events WHERE till = $1 AND kind = 'sale.v1'",
            &[&till],
        )
        .unwrap()
        .get(0);
    t.parse::<Decimal>().unwrap().normalize()
}

fn drop_coop(pg: &Pg) {
    let mut c = pg.client();
    c.batch_execute("DROP DATABASE coop WITH (FORCE)").unwrap();
    c.batch_execute("CREATE DATABASE coop").unwrap();
}

#[test]
fn a_lost_coop_server_is_rebuilt_from_the_district_and_the_tills() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("none.db");
    let district = database(&pg, "district");
    let coop = database(&pg, "coop");
    json(
        &nowhere,
        &["server", "init", "--district", "--url", &district],
    );
    json(&nowhere, &["server", "init", "--url", &coop]);
    let role = kasir::store::district::register_coop(&district, COOP, "KDMP Maju", false).unwrap();
    let as_coop = format!(
        "postgresql://{}:{}@127.0.0.1:{}/district",
        role.role,
        role.password,
        pg.port()
    );

    // The back office changes a member (a members.v1 event), two tills sell; all sync.
    let bo = back_office(dir.path());
    let a = till_shop(dir.path(), "sembako-1");
    let b = till_shop(dir.path(), "sembako-2");
    let m = dir.path().join("members.csv");
    std::fs::write(
        &m,
        "number,name,phone,nik,kasbon_limit\nA0002,Budi Santoso,08213496361,3310120211680001,300000\n",
    )
    .unwrap();
    let nodes = [(&bo, "kantor"), (&a, "sembako-1"), (&b, "sembako-2")];
    for (db, till) in nodes {
        join(db, &coop, till, false);
    }
    ok(&bo, &["members", "import", m.to_str().unwrap()]);
    sell_offline(&a, "sembako-1", 2);
    sell_offline(&b, "sembako-2", 2);
    // The users travel (each with the PIN's hash) and sembako-2 dispenses on a
    // prescription: the district holds both redacted, as it holds the member.
    ok(&bo, &["sync", "publish"]);
    ok(
        &b,
        &["settings", "set", "till.sembako-2.pharmacy", "apotek"],
    );
    let today = chrono::Local::now().date_naive();
    let rx =
        format!("no=R-1;doctor=dr. Sari;sip=SIP-5/2025;patient=Joko Prasetyo;date={today};qty=30");
    ok(
        &b,
        &[
            "sale",
            "--till",
            "sembako-2",
            "cash:500000",
            "--rx",
            &rx,
            "--apoteker",
            "rina",
            "--apoteker-pin",
            "3333",
            "1*8995895003248",
        ],
    );
    for (db, _) in nodes {
        sync(db);
    }
    // Everything so far goes to the district; the tills hear it on their next sync.
    let relayed: Vec<(&Path, &str)> = nodes.iter().map(|(d, t)| (d.as_path(), *t)).collect();
    relay(&as_coop, &coop, &relayed);
    for (db, _) in nodes {
        sync(db);
    }

    // sembako-1 sells more (not relayed), and prunes what the district holds: never what
    // the district lacks, never its newest.
    let held_a = last_seq(&a, "sembako-1");
    sell_offline(&a, "sembako-1", 1);
    sync(&a);
    let before = local_events(&a, "sembako-1");
    let pruned = json(&a, &["sync", "prune", "--keep-days", "0"]);
    let after = local_events(&a, "sembako-1");
    assert!(
        after.len() < before.len(),
        "the district's events went: {pruned}"
    );
    assert_eq!(
        after.first().map(|e| e.0),
        Some(held_a + 1),
        "everything the district holds went, and nothing it lacks: {pruned}"
    );
    assert_eq!(pruned["kept_district"].as_i64(), Some(3), "{pruned}");
    // sembako-2 sells after the last relay and syncs it to the coop only.
    sell_offline(&b, "sembako-2", 1);
    sync(&b);
    // A till that joins late sells, syncs and is relayed after sembako-1's last sync: the
    // rebuilt server numbers its events (first in the district's order) below where
    // sembako-1 had read the lost server to.
    let e = till_shop(dir.path(), "agen-1");
    join(&e, &coop, "agen-1", false);
    sell_offline(&e, "agen-1", 1);
    sync(&e);
    relay(&as_coop, &coop, &[(e.as_path(), "agen-1")]);
    let nodes = [
        (&bo, "kantor"),
        (&a, "sembako-1"),
        (&b, "sembako-2"),
        (&e, "agen-1"),
    ];

    // The coop's server is lost; a new, empty one comes in its place.
    drop_coop(&pg);
    // The coop's district credentials file (as `kasir district coop add --out` writes it)
    // names the coop.
    let creds = dir.path().join("district.json");
    std::fs::write(
        &creds,
        serde_json::json!({
            "kind": "kasir-district", "coop": COOP, "host": "127.0.0.1", "port": pg.port(),
            "dbname": "district", "role": role.role, "password": role.password, "tls": false,
        })
        .to_string(),
    )
    .unwrap();
    let built = json(
        &nowhere,
        &[
            "server",
            "rebuild",
            "--url",
            &coop,
            "--district",
            creds.to_str().unwrap(),
        ],
    );
    assert_eq!(built["quarantined"].as_i64(), Some(0), "{built}");
    let redacted: i64 = built["tills"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["redacted"].as_i64().unwrap())
        .sum();
    let at_district: Vec<String> = owner(&district)
        .query(
            "SELECT DISTINCT kind FROM district_events WHERE redacted ORDER BY kind",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(at_district, ["members.v1", "sale.v1", "users.v1"]);
    let n_district: i64 = owner(&district)
        .query_one("SELECT count(*) FROM district_events WHERE redacted", &[])
        .unwrap()
        .get(0);
    assert_eq!(
        redacted, n_district,
        "the members, users and prescription came back redacted: {built}"
    );
    let patient: i64 = owner(&coop)
        .query_one(
            "SELECT count(*) FROM events WHERE payload::text LIKE '%Joko Prasetyo%'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(
        patient, 0,
        "the rebuilt server holds the prescription redacted"
    );
    let a_built = built["tills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["till"] == "sembako-1")
        .unwrap();
    assert_eq!(a_built["held"].as_i64(), Some(held_a), "{built}");
    assert_eq!(a_built["district_held"].as_i64(), Some(held_a), "{built}");
    // The roles went with the server: a till joins again with --rejoin.
    let err = refused(
        &a,
        &["till", "join", "--server", &coop, "--till", "sembako-1"],
    );
    assert!(err.contains("--rejoin"), "{err}");
    // A sync before joining again is turned away by the new database, and says what to do.
    let err = refused(&a, &["sync", "--once"]);
    assert!(err.contains("--rejoin"), "{err}");
    for (db, till) in nodes {
        join(db, &coop, till, true);
    }
    // sembako-1's file last synced before servers had ids: it recorded none, and finds the
    // server lost by what it holds of its events.
    rusqlite::Connection::open(&a)
        .unwrap()
        .execute("UPDATE sync_pull SET server_id = NULL", [])
        .unwrap();
    for (db, till) in nodes {
        let r = sync(db);
        assert_eq!(
            r["resent"].as_i64(),
            Some(local_events(db, till).len() as i64),
            "{till} pushes again every event it keeps: {r}"
        );
    }
    for (db, _) in nodes {
        sync(db);
    }

    // The server holds every till's events once: seqs 1 to the till's newest, the ones the
    // till keeps the same ids and hashes, none redacted, nothing quarantined.
    for (db, till) in nodes {
        let held = server_events(&coop, till);
        let seqs: BTreeSet<i64> = held.iter().map(|e| e.0).collect();
        assert_eq!(seqs.len(), held.len(), "{till}: each seq once");
        assert_eq!(
            seqs,
            (1..=last_seq(db, till)).collect(),
            "{till}: the server holds its whole history"
        );
        for e in local_events(db, till) {
            let s = held.iter().find(|h| h.0 == e.0).unwrap();
            assert_eq!((&s.1, &s.2, s.3), (&e.1, &e.4, false), "{till} #{}", e.0);
        }
        assert_eq!(
            server_total(&coop, till),
            local_sales(db, till).1,
            "{till}: the sales' totals"
        );
    }
    let quarantined: i64 = owner(&coop)
        .query_one("SELECT count(*) FROM quarantine", &[])
        .unwrap()
        .get(0);
    assert_eq!(quarantined, 0);

    // Rebuilding again stores nothing twice.
    let counts = |url: &str| -> i64 {
        owner(url)
            .query_one("SELECT count(*) FROM events", &[])
            .unwrap()
            .get(0)
    };
    let n = counts(&coop);
    // The credentials file is read as the relay reads it: a file that is not one is refused.
    let bogus = dir.path().join("bogus.json");
    std::fs::write(&bogus, r#"{"coop": "kdmp-maju", "host": "127.0.0.1"}"#).unwrap();
    let err = refused(
        &nowhere,
        &[
            "server",
            "rebuild",
            "--url",
            &coop,
            "--district",
            bogus.to_str().unwrap(),
        ],
    );
    assert!(err.contains("kasir district coop add"), "{err}");
    json(
        &nowhere,
        &[
            "server",
            "rebuild",
            "--url",
            &coop,
            "--district",
            &as_coop,
            "--coop",
            COOP,
        ],
    );
    assert_eq!(counts(&coop), n);

    // Every node, and a till that joins the rebuilt server now, converge.
    let c = till_shop(dir.path(), "sembako-3");
    join(&c, &coop, "sembako-3", false);
    sync(&c);
    for (db, _) in nodes {
        sync(db);
    }
    let want = stock(&bo);
    for db in [&a, &b, &c, &e] {
        assert_eq!(stock(db), want, "{}", db.display());
    }
    for member in ["A0001", "A0002"] {
        let k = kasbon(&bo, member);
        for db in [&a, &b, &c, &e] {
            assert_eq!(kasbon(db, member), k, "{member} at {}", db.display());
        }
    }
    for db in [&bo, &a, &b, &c, &e] {
        check_ok(db);
    }
    // The member's whole change came back from the back office: the new till has it.
    let limit: i64 = rusqlite::Connection::open(&c)
        .unwrap()
        .query_row(
            "SELECT kasbon_limit FROM members WHERE number = 'A0002'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(limit, 30_000_000);
}

/// The district's events of `coop`'s `till`: (seq, id, redacted).
fn district_events(url: &str, coop: &str, till: &str) -> Vec<(i64, String, bool)> {
    owner(url)
        .query(
            "SELECT seq, id::text, redacted FROM district_events
             WHERE coop_id = $1 AND till = $2 ORDER BY seq",
            &[&coop, &till],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect()
}

fn district_import(file: &Path, url: &str) -> std::process::Output {
    common::kasir(
        &file.with_extension("none.db"),
        &[
            "--json",
            "bundle",
            "import",
            file.to_str().unwrap(),
            "--district",
            url,
        ],
    )
}

#[test]
fn a_coop_without_a_server_carries_bundles_to_the_district() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("none.db");
    let district = database(&pg, "district");
    json(
        &nowhere,
        &["server", "init", "--district", "--url", &district],
    );
    kasir::store::district::register_coop(&district, "kdmp-sepi", "KDMP Sepi", false).unwrap();

    let shop = till_shop(dir.path(), "toko-1");
    let bundle = |name: &str| {
        let f = dir.path().join(name);
        json(&shop, &["bundle", "export", "--out", f.to_str().unwrap()]);
        f
    };
    // Without a coop id the district refuses the bundle, naming what to set.
    sell_offline(&shop, "toko-1", 1);
    let unnamed = bundle("unnamed.bundle");
    let out = district_import(&unnamed, &district);
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("coop.id"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A coop id the district has not registered is refused too.
    ok(&shop, &["settings", "set", "coop.id", "kdmp-lain"]);
    let stranger = bundle("stranger.bundle");
    let out = district_import(&stranger, &district);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("kdmp-lain"));
    assert!(district_events(&district, "kdmp-lain", "toko-1").is_empty());

    ok(&shop, &["settings", "set", "coop.id", "kdmp-sepi"]);
    ok(&shop, &["settings", "set", "till.default", "toko-1"]);
    let m = dir.path().join("members.csv");
    std::fs::write(
        &m,
        "number,name,phone,nik,kasbon_limit\nA0003,Siti Aminah,081234567890,3310000000000003,400000\n",
    )
    .unwrap();
    ok(&shop, &["members", "import", m.to_str().unwrap()]);
    let older = bundle("older.bundle");
    sell_offline(&shop, "toko-1", 2);
    let newer = bundle("newer.bundle");
    // The newer first, then the older, then the newer again: each event once.
    for f in [&newer, &older, &newer] {
        let out = district_import(f, &district);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let n = last_seq(&shop, "toko-1");
    let held = district_events(&district, "kdmp-sepi", "toko-1");
    let ids: Vec<(i64, String)> = local_events(&shop, "toko-1")
        .into_iter()
        .map(|e| (e.0, e.1))
        .collect();
    assert_eq!(
        held.iter().map(|e| (e.0, e.1.clone())).collect::<Vec<_>>(),
        ids
    );
    // The member change left the coop redacted.
    let kinds = local_events(&shop, "toko-1");
    for (e, h) in kinds.iter().zip(&held) {
        assert_eq!(h.2, e.2 == "members.v1", "#{}", e.0);
    }

    // A cut file and a flipped byte: refused, nothing wrong added.
    sell_offline(&shop, "toko-1", 1);
    let latest = bundle("latest.bundle");
    let text = std::fs::read(&latest).unwrap();
    let cut = dir.path().join("cut.bundle");
    std::fs::write(&cut, &text[..text.len() * 2 / 3]).unwrap();
    let flipped = dir.path().join("flipped.bundle");
    let mut bytes = text.clone();
    let at = bytes.len() / 2;
    bytes[at] ^= 0x01;
    std::fs::write(&flipped, &bytes).unwrap();
    for f in [&cut, &flipped] {
        assert!(!district_import(f, &district).status.success());
    }
    let held = district_events(&district, "kdmp-sepi", "toko-1");
    let local = local_events(&shop, "toko-1");
    for h in &held {
        assert_eq!(local[(h.0 - 1) as usize].1, h.1, "#{}", h.0);
    }
    let quarantined: i64 = owner(&district)
        .query_one("SELECT count(*) FROM district_quarantine", &[])
        .unwrap()
        .get(0);
    assert_eq!(quarantined, 0);

    // A bundle whose lines verify but whose event does not match its own hash (written by
    // something else): that event is quarantined and named, the district keeps its own.
    let mut forged: Vec<kasir::store::outbox::Event> = local_events(&shop, "toko-1")
        .into_iter()
        .take(2)
        .map(
            |(seq, id, kind, payload, hash, till_time)| kasir::store::outbox::Event {
                id,
                till: "toko-1".into(),
                seq,
                kind,
                schema_version: 1,
                payload,
                hash,
                till_time,
            },
        )
        .collect();
    forged[1].id = "0190a000-0000-7000-8000-00000000f0f0".into();
    forged[1].payload = r#"{"forged":true}"#.into();
    let (text, _) = kasir::sync::bundle::write_bundle(
        &kasir::sync::bundle::BundleHeader {
            tills: vec!["toko-1".into()],
            coop: Some("kdmp-sepi".into()),
            created_at: "2026-12-02 08:00:00".into(),
        },
        &forged,
    );
    let forged_file = dir.path().join("forged.bundle");
    std::fs::write(&forged_file, text).unwrap();
    let out = district_import(&forged_file, &district);
    assert!(out.status.success());
    let done: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        done["quarantined"],
        serde_json::json!([{"till": "toko-1", "seq": 2, "reason": "hash does not match the payload"}]),
        "{done}"
    );
    let held_now = district_events(&district, "kdmp-sepi", "toko-1");
    assert_eq!(held_now, held, "the district keeps its own events");

    // The whole latest bundle, and its acknowledgement back on the shop file: the district
    // holds everything, and (no coop server) the events count acknowledged.
    let out = district_import(&latest, &district);
    assert!(out.status.success());
    let acked = json(
        &shop,
        &["bundle", "import", &format!("{}.ack", latest.display())],
    );
    let n_now = last_seq(&shop, "toko-1");
    assert!(n_now > n);
    let toko = acked["tills"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["till"] == "toko-1")
        .unwrap();
    assert_eq!(toko["district_held"].as_i64(), Some(n_now), "{acked}");
    assert_eq!(crate::sync_pg::unacked(&shop, "toko-1"), 0);
    // Now the till may prune all but its newest.
    let pruned = json(&shop, &["sync", "prune", "--keep-days", "0"]);
    assert_eq!(pruned["deleted"].as_i64(), Some(n_now - 1), "{pruned}");
}
