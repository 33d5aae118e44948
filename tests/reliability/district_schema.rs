//! The district's schema on a real PostgreSQL: `kasir server init --district` installs it
//! (idempotent; never on a coop's database, and a coop's never on it), a coop registered
//! there relays only for its own coop id, and `kasir_relay` keeps the push's rules one level
//! up: each event once, a bad one quarantined with its coop named, the rest stored.

use crate::common::{json, refused};
use crate::pg_server::{start_pg, Pg};

use sha2::{Digest, Sha256};

/// A fresh database `name` on `pg` and the owner's address of it.
pub(crate) fn database(pg: &Pg, name: &str) -> String {
    pg.client()
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .unwrap();
    pg.url().replace("/postgres", &format!("/{name}"))
}

fn event(till: &str, seq: i64, payload: &str) -> serde_json::Value {
    let hash = hex::encode(Sha256::digest(payload.as_bytes()));
    serde_json::json!({
        "id": format!("0190a000-0000-7000-8000-{:012x}", seq + 1000 * till.len() as i64),
        "till": till, "seq": seq, "kind": "sale.v1", "version": 1,
        "payload": payload, "hash": hash, "till_time": "2026-12-01T08:00:00+07:00",
    })
}

/// Connect to `url`'s database as `role` with `password`.
fn as_role(pg: &Pg, db: &str, role: &str, password: &str) -> postgres::Client {
    postgres::Client::connect(
        &format!(
            "postgresql://{role}:{password}@127.0.0.1:{}/{db}",
            pg.port()
        ),
        postgres::NoTls,
    )
    .expect("connect as the coop's role")
}

#[test]
fn district_init_is_idempotent_and_apart_from_a_coops_database() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("none.db");
    let district = database(&pg, "district");
    let coop = database(&pg, "coop");

    let first = json(
        &nowhere,
        &["server", "init", "--district", "--url", &district],
    );
    assert_eq!(first["before"], serde_json::Value::Null);
    let again = json(
        &nowhere,
        &["server", "init", "--district", "--url", &district],
    );
    assert_eq!(again["before"], first["version"]);

    json(&nowhere, &["server", "init", "--url", &coop]);
    let err = refused(&nowhere, &["server", "init", "--url", &district]);
    assert!(err.contains("district"), "{err}");
    let err = refused(&nowhere, &["server", "init", "--district", "--url", &coop]);
    assert!(err.contains("coop"), "{err}");
}

#[test]
fn a_coop_relays_its_own_events_once_and_bad_ones_go_to_quarantine() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let district = database(&pg, "district");
    json(
        &dir.path().join("none.db"),
        &["server", "init", "--district", "--url", &district],
    );
    let a = kasir::store::district::register_coop(&district, "kdmp-a", "KDMP A", false).unwrap();
    let b = kasir::store::district::register_coop(&district, "kdmp-b", "KDMP B", false).unwrap();
    assert!(kasir::store::district::register_coop(&district, "kdmp-a", "", false).is_err());

    let mut ca = as_role(&pg, "district", &a.role, &a.password);
    let good = [
        event("sembako-1", 1, r#"{"sale":{"total":"1000"}}"#),
        event("sembako-1", 2, r#"{"sale":{"total":"2000"}}"#),
        event("apotek-1", 1, r#"{"sale":{"total":"3000"}}"#),
    ];
    let mut bad = event("apotek-1", 2, r#"{"sale":{"total":"4000"}}"#);
    bad["payload"] = serde_json::json!(r#"{"sale":{"total":"4001"}}"#);
    let batch =
        serde_json::Value::Array(vec![good[0].clone(), good[1].clone(), good[2].clone(), bad])
            .to_string();
    let relay = |c: &mut postgres::Client, coop: &str, batch: &str| {
        c.query(
            "SELECT till, held FROM kasir_relay($1, $2::text::jsonb)",
            &[&coop, &batch],
        )
        .map(|rows| {
            rows.iter()
                .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1)))
                .collect::<Vec<_>>()
        })
    };
    let held = relay(&mut ca, "kdmp-a", &batch).unwrap();
    assert_eq!(
        held,
        vec![("apotek-1".to_string(), 2), ("sembako-1".to_string(), 2)]
    );
    // The lost reply retried: nothing new.
    assert_eq!(relay(&mut ca, "kdmp-a", &batch).unwrap(), held);
    let mut owner = postgres::Client::connect(&district, postgres::NoTls).unwrap();
    let stored: i64 = owner
        .query_one("SELECT count(*) FROM district_events", &[])
        .unwrap()
        .get(0);
    assert_eq!(stored, 3);
    let q = owner
        .query(
            "SELECT coop_id, till, seq, reason FROM district_quarantine",
            &[],
        )
        .unwrap();
    assert_eq!(q.len(), 1);
    assert_eq!(q[0].get::<_, String>(0), "kdmp-a");
    assert_eq!(q[0].get::<_, String>(3), "hash does not match the payload");

    // Coop a's role may not relay or read for coop b, nor read the tables.
    assert!(relay(&mut ca, "kdmp-b", &batch).is_err());
    let mut ca = as_role(&pg, "district", &a.role, &a.password);
    assert!(ca.query("SELECT * FROM district_events", &[]).is_err());
    let mut cb = as_role(&pg, "district", &b.role, &b.password);
    let held_b = cb
        .query("SELECT till, held FROM kasir_relay_held('kdmp-b')", &[])
        .unwrap();
    assert!(held_b.is_empty());
    // The same event id from another coop is refused, not stored twice.
    let dup = serde_json::Value::Array(vec![good[0].clone()]).to_string();
    relay(&mut cb, "kdmp-b", &dup).unwrap();
    let reason: String = owner
        .query_one(
            "SELECT reason FROM district_quarantine WHERE coop_id = 'kdmp-b'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(reason, "event id already stored elsewhere");
}
