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
    assert!(err.contains("dinas (distrik)"), "{err}");
    let err = refused(&nowhere, &["server", "init", "--district", "--url", &coop]);
    assert!(err.contains("basis data koperasi"), "{err}");
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

fn with(mut e: serde_json::Value, key: &str, value: serde_json::Value) -> serde_json::Value {
    e[key] = value;
    e
}

#[test]
fn one_batch_is_stored_by_each_events_rules_and_keeps_no_names_or_pins() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let none = dir.path().join("none.db");
    let district = database(&pg, "district");
    json(&none, &["server", "init", "--district", "--url", &district]);
    let a = kasir::store::district::register_coop(&district, "kdmp-a", "KDMP A", false).unwrap();
    let mut ca = as_role(&pg, "district", &a.role, &a.password);
    let mut owner = postgres::Client::connect(&district, postgres::NoTls).unwrap();
    let id = |n: i64| format!("0190b000-0000-7000-8000-{n:012x}");
    let sale = |total: &str, date: &str| {
        format!(
            r#"{{"lines":[{{"amount":"{total}","business_unit":"sembako","line_no":1,"sku":"A"}}],"sale":{{"business_date":"{date}","member":null}},"stock_moves":[],"tenders":[]}}"#
        )
    };
    let rx = r#"{"lines":[{"amount":"5000","business_unit":"apotek","line_no":1,"sku":"D"}],"prescriptions":[{"age_reason":"Joko sudah 70 tahun","apoteker":"rina","date":"2026-12-01","dispensed":"10","doctor":"dr. Sari","iter":0,"line_no":1,"number":"R-1","patient":"Joko","prescribed":"30","sip":"SIP-5","uuid":"u"}],"sale":{"business_date":"2026-12-01","member":null},"stock_moves":[],"tenders":[]}"#;
    let users = r#"{"users":[{"active":true,"name":"Rina Apoteker","pin_hash":"$argon2id$v=19$SECRETPIN","role":"apoteker","username":"rina"}]}"#;
    let e1 = with(
        event("t", 1, &sale("1000", "2026-12-01")),
        "id",
        id(1).into(),
    );
    let other_at_1 = with(event("t", 1, &sale("9", "2026-12-01")), "id", id(2).into());
    let e1_at_2 = with(
        event("t", 2, &sale("1000", "2026-12-01")),
        "id",
        id(1).into(),
    );
    let no_time = with(
        with(event("t", 3, &sale("7", "2026-12-01")), "id", id(3).into()),
        "till_time",
        serde_json::Value::Null,
    );
    let e4 = with(event("t", 4, rx), "id", id(4).into());
    let e5 = with(
        with(event("t", 5, users), "id", id(5).into()),
        "kind",
        "users.v1".into(),
    );
    let e6 = with(
        event("t", 6, &sale("2000", "2026-12-02")),
        "id",
        id(6).into(),
    );
    let batch = serde_json::json!([e1, e1, other_at_1, e1_at_2, no_time, e4, e5, e6]).to_string();
    let relay = |c: &mut postgres::Client, batch: &str| -> Vec<(String, i64)> {
        c.query(
            "SELECT till, held FROM kasir_relay('kdmp-a', $1::text::jsonb)",
            &[&batch],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
    };
    assert_eq!(relay(&mut ca, &batch), [("t".to_string(), 6)]);
    assert_eq!(
        relay(&mut ca, &batch),
        [("t".to_string(), 6)],
        "a retry stores nothing"
    );
    let stored: Vec<(i64, bool)> = owner
        .query(
            "SELECT seq, redacted FROM district_events ORDER BY seq",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(stored, [(1, false), (4, true), (5, true), (6, false)]);
    let q: Vec<(i64, String)> = owner
        .query(
            "SELECT seq, reason FROM district_quarantine ORDER BY seq, reason",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(q.len(), 3, "{q:?}");
    assert_eq!(
        q[0],
        (1, "till and seq already hold another event".to_string())
    );
    assert_eq!(q[1], (2, "event id already stored elsewhere".to_string()));
    assert_eq!(q[2].0, 3);
    assert!(q[2].1.starts_with("unreadable event"), "{q:?}");
    for secret in ["Joko", "Sari", "SECRETPIN", "Rina"] {
        let n: i64 = owner
            .query_one(
                "SELECT (SELECT count(*) FROM district_events WHERE payload::text LIKE '%' || $1 || '%')
                      + (SELECT count(*) FROM district_quarantine WHERE payload LIKE '%' || $1 || '%')",
                &[&secret],
            )
            .unwrap()
            .get(0);
        assert_eq!(n, 0, "{secret} is kept at the district");
    }
    // The reports fold the batch once, the redacted sale with the others.
    let daily: Vec<(String, i64, String)> = owner
        .query(
            "SELECT day::text, sales, gross::text FROM district_sales_daily ORDER BY day, business_unit",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let dec = |s: &str| s.to_string();
    assert_eq!(
        daily,
        [
            ("2026-12-01".to_string(), 1, dec("5000")),
            ("2026-12-01".to_string(), 1, dec("1000")),
            ("2026-12-02".to_string(), 1, dec("2000")),
        ]
    );

    // A payload the reports cannot read spoils no batch: the others are stored.
    let bad_day = with(event("t", 7, &sale("3", "not a date")), "id", id(7).into());
    let e8 = with(
        event("t", 8, &sale("4000", "2026-12-02")),
        "id",
        id(8).into(),
    );
    assert_eq!(
        relay(&mut ca, &serde_json::json!([bad_day, e8]).to_string()),
        [("t".to_string(), 8)]
    );
    let gross: String = owner
        .query_one(
            "SELECT gross::text FROM district_sales_daily WHERE day = '2026-12-02'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(gross, dec("6000"));
    let reason: String = owner
        .query_one("SELECT reason FROM district_quarantine WHERE seq = 7", &[])
        .unwrap()
        .get(0);
    assert!(reason.starts_with("unreadable event"), "{reason}");

    // Users quarantined as unknown before version 5 are stored, redacted, by the upgrade.
    let old = with(
        with(event("u", 1, users), "id", id(9).into()),
        "kind",
        "users.v1".into(),
    );
    owner
        .execute(
            "INSERT INTO district_quarantine (coop_id, event_id, till, seq, kind, version,
                 payload, hash, till_time, reason)
             VALUES ('kdmp-a', $1, 'u', 1, 'users.v1', 1, $2, $3, 'x', 'unknown kind or version')",
            &[
                &old["id"].as_str().unwrap(),
                &old["payload"].as_str().unwrap(),
                &old["hash"].as_str().unwrap(),
            ],
        )
        .unwrap();
    owner
        .execute("DELETE FROM district_schema_version WHERE version = 5", &[])
        .unwrap();
    json(&none, &["server", "init", "--district", "--url", &district]);
    let (red, text): (bool, String) = owner
        .query_one(
            "SELECT redacted, payload::text FROM district_events WHERE till = 'u'",
            &[],
        )
        .map(|r| (r.get(0), r.get(1)))
        .unwrap();
    assert!(red);
    assert_eq!(
        text,
        r#"{"users": [{"role": "apoteker", "active": true, "username": "rina"}]}"#
    );
    let left: i64 = owner
        .query_one(
            "SELECT count(*) FROM district_quarantine WHERE till = 'u'",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
}

#[test]
fn a_relay_waits_for_a_district_not_yet_upgraded_and_the_upgrade_stores_what_it_refused() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let none = dir.path().join("none.db");
    let district = database(&pg, "district");
    json(&none, &["server", "init", "--district", "--url", &district]);
    let file = dir.path().join("kdmp-a.json");
    crate::common::ok(
        &none,
        &[
            "district",
            "coop",
            "add",
            "--url",
            &district,
            "--coop",
            "kdmp-a",
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let shop = crate::sync_pg::till_shop(dir.path(), "toko-1");
    crate::sync_pg::sell(&shop, "toko-1", 2);

    // The district as it stood before version 6: the relay refuses, and sends nothing.
    let mut owner = postgres::Client::connect(&district, postgres::NoTls).unwrap();
    owner
        .batch_execute(
            "DELETE FROM district_schema_version WHERE version >= 6;
             DROP FUNCTION kasir_district_version();",
        )
        .unwrap();
    let err = refused(&shop, &["relay", "--to", file.to_str().unwrap()]);
    assert!(err.contains("kasir server init --district"), "{err}");
    let stored = |c: &mut postgres::Client| -> i64 {
        c.query_one("SELECT count(*) FROM district_events", &[])
            .unwrap()
            .get(0)
    };
    assert_eq!(stored(&mut owner), 0);

    // A user change a newer relay sent redacted before the district knew it could be: it
    // was quarantined then, and the upgrade stores it.
    let payload = r#"{"users":[{"active":true,"role":"kasir","username":"siti"}]}"#;
    owner
        .execute(
            "INSERT INTO district_quarantine (coop_id, event_id, till, seq, kind, version,
                                              payload, hash, till_time, reason)
             VALUES ('kdmp-a', '0190a000-0000-7000-8000-00000000abcd', 'kantor', 1,
                     'users.v1', 1, $1, 'hash-of-the-whole-payload', '2026-12-01T08:00:00+07:00',
                     'redacted payload of a kind that is never redacted')",
            &[&payload],
        )
        .unwrap();
    json(&none, &["server", "init", "--district", "--url", &district]);
    let left: i64 = owner
        .query_one("SELECT count(*) FROM district_quarantine", &[])
        .unwrap()
        .get(0);
    assert_eq!(left, 0);
    let redacted: bool = owner
        .query_one(
            "SELECT redacted FROM district_events WHERE kind = 'users.v1' AND till = 'kantor'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(redacted);

    // Upgraded: the relay goes through.
    let relayed = json(&shop, &["relay", "--to", file.to_str().unwrap()]);
    assert_eq!(relayed["coop"], "kdmp-a", "{relayed}");
    assert!(stored(&mut owner) > 1);
}
