//! The relay from each coop to its district, on a real PostgreSQL: three coops, each with its
//! own database on the one throwaway cluster and two tills selling (real `kasir` processes),
//! relay to a district database through the lossy proxy (`fault_proxy`: resets, delays,
//! replies dropped after forwarding), with one relay killed at random each round. After
//! healing: every sale of every coop is at the district exactly once, each coop's totals there
//! equal its own, nothing is quarantined, and what the district holds is recorded at the coop
//! and on each till. A member's name, NIK and phone never reach the district; a coop's role
//! cannot relay as another coop. A one-till coop relays straight from its shop file.
//!
//! Seeded: the seed is printed, `KASIR_SEED=<n>` replays the same faults and sales.

use crate::common::{self, json, kasir, ok, refused, Rng};
use crate::district_schema::database;
use crate::fault_proxy::{route_file, Fault, FaultProxy};
use crate::sync_pg::{local_sales, sell, start_pg, till_shop};

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use rust_decimal::Decimal;

/// A member whose private fields must stay at the coop: each part is searched for at the
/// district.
const SECRET_NAME: &str = "Ratna Rahasiawati";
const SECRET_PHONE: &str = "081299887766";
const SECRET_NIK: &str = "3310999988887777";

/// Import one member with the private fields above (and a coop-specific number) on `db`.
fn import_member(dir: &Path, db: &Path, number: &str) {
    let csv = dir.join(format!("members-{number}.csv"));
    std::fs::write(
        &csv,
        format!(
            "number,name,phone,nik,kasbon_limit\n{number},{SECRET_NAME},{SECRET_PHONE},{SECRET_NIK},500000\n"
        ),
    )
    .unwrap();
    ok(db, &["members", "import", csv.to_str().unwrap()]);
}

/// Register `coop` at the district and keep its credentials at `file`; checks the password
/// is never printed and the file is its owner's only.
/// Rice for every sale a long run makes: the demo's 19 sacks run out when both tills of a
/// coop sell them (each till counts the other's sales once synced).
fn stock_up(dir: &Path, db: &Path) {
    let goods = dir.join("goods.csv");
    std::fs::write(
        &goods,
        "code,qty,unit,cost,batch,expiry\n8991993003616,1000,sak,56410,,\n",
    )
    .unwrap();
    ok(
        db,
        &[
            "receive",
            goods.to_str().unwrap(),
            "--supplier",
            "SMBR",
            "--pay",
            "credit",
        ],
    );
}

fn add_coop(none: &Path, district: &str, coop: &str, file: &Path) {
    let out = json(
        none,
        &[
            "district",
            "coop",
            "add",
            "--url",
            district,
            "--coop",
            coop,
            "--name",
            &format!("Koperasi {coop}"),
            "--out",
            file.to_str().unwrap(),
        ],
    );
    let creds: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let password = creds["password"].as_str().unwrap();
    assert!(password.len() >= 32);
    assert_eq!(creds["coop"], coop);
    assert!(
        !out.to_string().contains(password),
        "the password is never printed: {out}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(file).unwrap().permissions().mode();
        assert_eq!(
            mode & 0o777,
            0o600,
            "credentials readable by their owner only"
        );
    }
}

fn spawn_relay(none: &Path, to: &Path, from: &str) -> Child {
    Command::new(common::bin())
        .arg("--db")
        .arg(none)
        .args(["relay", "--to", to.to_str().unwrap(), "--from", from])
        .env("KASIR_LOG", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start kasir relay")
}

/// Wait for a relay (whether it succeeded); one that hangs for two minutes is a failure.
fn finish(mut child: Child, what: &str) -> bool {
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait for kasir relay") {
            return status.success();
        }
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("`kasir relay` of {what} hung for two minutes");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Relay until a run succeeds (the link is good again); its JSON report.
fn relay_healed(db: &Path, to: &Path, from: Option<&str>) -> serde_json::Value {
    let mut args = vec!["--json", "relay", "--to", to.to_str().unwrap()];
    if let Some(from) = from {
        args.extend(["--from", from]);
    }
    let mut last = String::new();
    for _ in 0..5 {
        let out = kasir(db, &args);
        if out.status.success() {
            return serde_json::from_slice(&out.stdout).unwrap();
        }
        last = String::from_utf8_lossy(&out.stderr).into_owned();
    }
    panic!("relay never succeeded once healed: {last}");
}

/// Sales the district holds for (`coop`, `till`): (events, distinct numbers, total).
fn district_sales(d: &mut postgres::Client, coop: &str, till: &str) -> (i64, i64, Decimal) {
    let row = d
        .query_one(
            "SELECT count(*), count(DISTINCT payload->'sale'->>'number'),
                    COALESCE(sum((payload->'sale'->>'total')::numeric), 0)::text
             FROM district_events WHERE coop_id = $1 AND till = $2 AND kind = 'sale.v1'",
            &[&coop, &till],
        )
        .unwrap();
    let total: String = row.get(2);
    (
        row.get(0),
        row.get(1),
        total.parse::<Decimal>().unwrap().normalize(),
    )
}

/// Per till, the highest seq the district holds of `coop`.
fn district_held(d: &mut postgres::Client, coop: &str) -> BTreeMap<String, i64> {
    d.query(
        "SELECT till, max(seq) FROM district_events WHERE coop_id = $1 GROUP BY till",
        &[&coop],
    )
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

/// What a shop file last heard the district holds of `till` (0: nothing).
fn local_district_held(db: &Path, till: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT COALESCE((SELECT held FROM district_acks WHERE till = ?1), 0)",
            [till],
            |r| r.get(0),
        )
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

fn count(c: &mut postgres::Client, sql: &str) -> i64 {
    c.query_one(sql, &[]).unwrap().get(0)
}

/// The private fields of the member never appear at the district; the member's number does,
/// in a redacted event whose hash is still the coop's.
fn assert_members_redacted(d: &mut postgres::Client, coop: &str, number: &str) {
    for secret in [SECRET_NAME, SECRET_PHONE, SECRET_NIK, "Rahasia"] {
        let n: i64 = d
            .query_one(
                "SELECT count(*) FROM district_events WHERE payload::text ILIKE '%' || $1 || '%'",
                &[&secret],
            )
            .unwrap()
            .get(0);
        assert_eq!(n, 0, "{secret} left the coop");
    }
    let rows = d
        .query(
            "SELECT redacted, payload::text FROM district_events
             WHERE coop_id = $1 AND kind = 'members.v1'",
            &[&coop],
        )
        .unwrap();
    assert!(!rows.is_empty(), "{coop}: the members' event is relayed");
    let mut seen = false;
    for r in &rows {
        assert!(
            r.get::<_, bool>(0),
            "{coop}: a members event travels redacted"
        );
        let payload: serde_json::Value = serde_json::from_str(&r.get::<_, String>(1)).unwrap();
        for m in payload["members"].as_array().unwrap() {
            let keys: Vec<&str> = m.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["active", "kasbon_limit", "number", "uuid"], "{m}");
            seen |= m["number"] == number;
        }
    }
    assert!(seen, "{coop}: member {number} is named by number");
}

const PATIENT: &str = "Joko Prasetyo";
const DOCTOR: &str = "dr. Sari Wulandari";

/// A sale on `till` of a drug on prescription (patient [`PATIENT`], doctor [`DOCTOR`]).
fn rx_sale(db: &Path, till: &str) {
    ok(
        db,
        &[
            "settings",
            "set",
            &format!("till.{till}.pharmacy"),
            "apotek",
        ],
    );
    let today = chrono::Local::now().date_naive();
    let rx =
        format!("no=R-9;doctor={DOCTOR};sip=SIP-77/2025;patient={PATIENT};date={today};qty=30");
    ok(
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
            "1*8995895003248",
        ],
    );
}

/// No user's name or PIN hash and no patient's or doctor's name of the shop file `db` is
/// at the district (stored or quarantined); the users and the prescription are, redacted.
fn assert_people_private(d: &mut postgres::Client, db: &Path) {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut q = c.prepare("SELECT pin_hash, name FROM users").unwrap();
    let users: Vec<(String, String)> = q
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!users.is_empty());
    let mut secrets = vec![PATIENT.to_string(), DOCTOR.to_string()];
    for (hash, name) in users {
        secrets.push(hash);
        if name.len() > 3 {
            secrets.push(name);
        }
    }
    for secret in &secrets {
        for table in ["district_events", "district_quarantine"] {
            let n: i64 = d
                .query_one(
                    &format!(
                        "SELECT count(*) FROM {table} WHERE payload::text ILIKE '%' || $1 || '%'"
                    ),
                    &[secret],
                )
                .unwrap()
                .get(0);
            assert_eq!(n, 0, "{secret} left the coop ({table})");
        }
    }
    let users: Vec<(bool, String)> = d
        .query(
            "SELECT redacted, payload::text FROM district_events WHERE kind = 'users.v1'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert!(!users.is_empty(), "the users are relayed");
    for (redacted, text) in users {
        assert!(redacted, "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        for u in v["users"].as_array().unwrap() {
            let keys: Vec<&str> = u.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(keys, ["active", "role", "username"], "{u}");
        }
    }
    let rx: Vec<(bool, String)> = d
        .query(
            "SELECT redacted, payload->'prescriptions'->0->>'sip' FROM district_events
             WHERE kind = 'sale.v1' AND payload ? 'prescriptions'",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(rx, [(true, "SIP-77/2025".to_string())]);
}

#[test]
fn coops_relay_through_a_lossy_link_and_the_district_holds_every_sale_once() {
    let Some(pg) = start_pg() else { return };
    let mut rng = Rng::from_env("district_relay");
    let dir = tempfile::tempdir().unwrap();
    let none = dir.path().join("none.db");
    let district = database(&pg, "district");
    ok(&none, &["server", "init", "--district", "--url", &district]);
    // A relay's connection gets a reply for the login, then two for each call (prepare,
    // answer): the district's schema version, what the district holds, then batch after
    // batch. Cuts fall on any of the first ten, so most lose the answer to a batch the
    // district has stored.
    let proxy = FaultProxy::start_cutting(pg.port(), rng.next(), 10);

    let coops = ["kdmp-a", "kdmp-b", "kdmp-c"];
    // Till ids are unique within a coop only: every coop has these two.
    let tills = ["sembako-1", "apotek-1"];
    let mut urls = Vec::new();
    let mut files = Vec::new();
    let mut shops: Vec<Vec<PathBuf>> = Vec::new();
    for (i, coop) in coops.iter().enumerate() {
        let url = database(&pg, &format!("coop_{i}"));
        ok(&none, &["server", "init", "--url", &url]);
        let file = dir.path().join(format!("{coop}.district.json"));
        add_coop(&none, &district, coop, &file);
        route_file(&file, proxy.port);
        let cdir = dir.path().join(coop);
        std::fs::create_dir_all(&cdir).unwrap();
        let dbs: Vec<PathBuf> = tills
            .iter()
            .map(|t| {
                let db = till_shop(&cdir, t);
                stock_up(&cdir, &db);
                json(&db, &["till", "join", "--server", &url, "--till", t]);
                db
            })
            .collect();
        import_member(&cdir, &dbs[0], &format!("R{i}001"));
        if i == 0 {
            // The users travel (each with the PIN's hash) and a sale dispenses on a
            // prescription: both reach the coop's server whole, the district redacted.
            ok(&dbs[1], &["sync", "publish"]);
            rx_sale(&dbs[1], tills[1]);
            ok(&dbs[1], &["sync", "--once"]);
        }
        urls.push(url);
        files.push(file);
        shops.push(dbs);
    }
    // The same coop added again is refused without --rejoin.
    let err = refused(
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
            dir.path().join("again.json").to_str().unwrap(),
        ],
    );
    assert!(err.contains("kdmp-a"), "{err}");
    assert!(!dir.path().join("again.json").exists());

    let rounds = common::sized(4, 6, 30);
    let mut failed_runs = 0;
    for _ in 0..rounds {
        for (dbs, _) in shops.iter().zip(coops) {
            for (db, till) in dbs.iter().zip(tills) {
                sell(db, till, 1 + rng.below(2) as usize);
                ok(db, &["sync", "--once"]);
            }
        }
        proxy.set_faulty(true);
        // Each coop relays twice a round, the runs of all coops at once.
        for _ in 0..2 {
            let mut running: Vec<(&str, Child)> = coops
                .iter()
                .enumerate()
                .map(|(i, coop)| (*coop, spawn_relay(&none, &files[i], &urls[i])))
                .collect();
            // One relay dies at a random moment, as the coop's office machine does.
            let victim = rng.below(running.len() as u64) as usize;
            thread::sleep(Duration::from_millis(rng.below(300)));
            let _ = running[victim].1.kill();
            for (coop, child) in running {
                failed_runs += usize::from(!finish(child, coop));
            }
        }
    }

    // A batch stored at the district whose answer is lost: the same batch goes again in the
    // same run, and is stored once. (The login is the first reply, the district's version
    // the next two, what it holds the two after, the batch's prepare and answer the sixth
    // and seventh.)
    sell(&shops[0][0], tills[0], 2);
    ok(&shops[0][0], &["sync", "--once"]);
    proxy.set_faulty(false);
    proxy.force(Some(Fault::CutReply(7)));
    let cut = relay_healed(&none, &files[0], Some(&urls[0]));
    proxy.force(None);
    assert!(cut["retries"].as_i64().unwrap() >= 1, "{cut}");

    // Healing: the link is good again.
    proxy.set_faulty(false);
    for (i, coop) in coops.iter().enumerate() {
        for db in &shops[i] {
            ok(db, &["sync", "--once"]);
        }
        let report = relay_healed(&none, &files[i], Some(&urls[i]));
        assert_eq!(report["coop"], *coop, "{report}");
        // The tills hear what the district holds on their next sync.
        for db in &shops[i] {
            ok(db, &["sync", "--once"]);
        }
    }
    let drawn = proxy.drawn.lock().unwrap().clone();
    eprintln!(
        "district_relay: {} connections: {} reset, {} cut, {} slow; {failed_runs} runs failed",
        drawn.len(),
        drawn.iter().filter(|f| **f == Fault::Reset).count(),
        drawn
            .iter()
            .filter(|f| matches!(f, Fault::CutReply(_)))
            .count(),
        drawn.iter().filter(|f| matches!(f, Fault::Slow(_))).count(),
    );

    let mut d = postgres::Client::connect(&district, postgres::NoTls).unwrap();
    for (i, coop) in coops.iter().enumerate() {
        let mut c = postgres::Client::connect(&urls[i], postgres::NoTls).unwrap();
        let mut coop_total = Decimal::ZERO;
        for (db, till) in shops[i].iter().zip(tills) {
            let (n, total) = local_sales(db, till);
            assert!(n > 0, "{coop}/{till} sold");
            assert_eq!(
                district_sales(&mut d, coop, till),
                (n, n, total),
                "{coop}/{till}: every sale at the district exactly once"
            );
            coop_total += total;
        }
        // The coop's own totals, from its server, equal the district's for it.
        let own: String = c
            .query_one(
                "SELECT COALESCE(sum((payload->'sale'->>'total')::numeric), 0)::text
                 FROM events WHERE kind = 'sale.v1'",
                &[],
            )
            .unwrap()
            .get(0);
        let at_district: String = d
            .query_one(
                "SELECT COALESCE(sum((payload->'sale'->>'total')::numeric), 0)::text
                 FROM district_events WHERE coop_id = $1 AND kind = 'sale.v1'",
                &[coop],
            )
            .unwrap()
            .get(0);
        assert_eq!(
            own.parse::<Decimal>().unwrap().normalize(),
            coop_total.normalize()
        );
        assert_eq!(
            at_district.parse::<Decimal>().unwrap().normalize(),
            coop_total.normalize(),
            "{coop}: the district's total is the coop's"
        );
        // Every event of the coop's server, once.
        let coop_events: BTreeMap<String, (i64, i64)> = c
            .query(
                "SELECT till, count(*), max(seq) FROM events GROUP BY till",
                &[],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2))))
            .collect();
        let district_events: BTreeMap<String, (i64, i64)> = d
            .query(
                "SELECT till, count(*), max(seq) FROM district_events WHERE coop_id = $1
                 GROUP BY till",
                &[coop],
            )
            .unwrap()
            .iter()
            .map(|r| (r.get(0), (r.get(1), r.get(2))))
            .collect();
        assert_eq!(district_events, coop_events, "{coop}: every event once");
        // What the district holds, recorded at the coop and on each till.
        let held = district_held(&mut d, coop);
        let at_coop: BTreeMap<String, i64> = c
            .query("SELECT till, held FROM district_acks", &[])
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        assert_eq!(at_coop, held, "{coop}: district_acks at the coop");
        for (db, till) in shops[i].iter().zip(tills) {
            assert_eq!(
                local_district_held(db, till),
                held[till],
                "{coop}/{till}: district_acks on the till"
            );
            assert_eq!(held[till], last_seq(db, till), "{coop}/{till}: all of it");
        }
        // The coop's server holds the member whole; the district by number only.
        let whole: i64 = c
            .query_one(
                "SELECT count(*) FROM events WHERE payload::text LIKE '%' || $1 || '%'",
                &[&SECRET_NIK],
            )
            .unwrap()
            .get(0);
        assert_eq!(whole, 1, "{coop}: the coop's server has the member whole");
        assert_members_redacted(&mut d, coop, &format!("R{i}001"));
    }
    assert_people_private(&mut d, &shops[0][1]);
    assert_eq!(count(&mut d, "SELECT count(*) FROM district_quarantine"), 0);
    let relays: Vec<i64> = d
        .query("SELECT relays FROM coops ORDER BY coop_id", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(relays.iter().all(|n| *n > 0), "{relays:?}");

    // A second run has nothing to send.
    let again = relay_healed(&none, &files[0], Some(&urls[0]));
    assert_eq!(again["sent"], 0, "{again}");

    // The status names every coop with its events and tills.
    let status = json(&none, &["district", "status", "--url", &district]);
    let rows = status["coops"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "{status}");
    for row in rows {
        assert_eq!(row["tills"], 2, "{row}");
        assert_eq!(row["quarantined"], 0, "{row}");
        assert!(row["events"].as_i64().unwrap() > 0, "{row}");
        assert!(row["last_relay"].is_string(), "{row}");
    }

    // Coop a's role cannot relay as coop b: its file altered to name b, relaying b's events.
    let before = count(&mut d, "SELECT count(*) FROM district_events");
    let forged = dir.path().join("forged.json");
    let mut creds: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    creds["coop"] = "kdmp-b".into();
    std::fs::write(&forged, creds.to_string()).unwrap();
    sell(&shops[1][0], tills[0], 1);
    ok(&shops[1][0], &["sync", "--once"]);
    let err = refused(
        &none,
        &[
            "relay",
            "--to",
            forged.to_str().unwrap(),
            "--from",
            &urls[1],
        ],
    );
    assert!(err.contains("kdmp-b"), "{err}");
    // Nor relay its own file from another coop's server.
    let err = refused(
        &none,
        &[
            "relay",
            "--to",
            files[0].to_str().unwrap(),
            "--from",
            &urls[1],
        ],
    );
    assert!(err.contains("kdmp-b") && err.contains("kdmp-a"), "{err}");
    assert_eq!(
        count(&mut d, "SELECT count(*) FROM district_events"),
        before
    );
    // A till's own credentials are not a district's.
    let err = refused(
        &none,
        &[
            "relay",
            "--to",
            &format!("{}.sync.json", shops[0][0].display()),
            "--from",
            &urls[0],
        ],
    );
    assert!(err.contains("distri"), "{err}");

    // An event the district cannot store is listed with its coop, till, seq and reason.
    let mut as_a = postgres::Config::new()
        .host("127.0.0.1")
        .port(pg.port())
        .dbname("district")
        .user(creds["role"].as_str().unwrap())
        .password(creds["password"].as_str().unwrap())
        .connect(postgres::NoTls)
        .unwrap();
    let bad = serde_json::json!([{
        "id": "0190a000-0000-7000-8000-0000000000aa", "till": "sembako-9", "seq": 1,
        "kind": "sale.v1", "version": 1, "payload": "{\"sale\":{}}", "hash": "00",
        "till_time": "2026-12-02T08:00:00+07:00",
    }]);
    as_a.query(
        "SELECT * FROM kasir_relay('kdmp-a', $1::text::jsonb)",
        &[&bad.to_string()],
    )
    .unwrap();
    let q = json(&none, &["district", "quarantine", "--url", &district]);
    let q = q["quarantine"].as_array().unwrap();
    assert_eq!(q.len(), 1, "{q:?}");
    assert_eq!(
        (&q[0]["coop"], &q[0]["till"], &q[0]["seq"], &q[0]["reason"]),
        (
            &serde_json::json!("kdmp-a"),
            &serde_json::json!("sembako-9"),
            &serde_json::json!(1),
            &serde_json::json!("hash does not match the payload")
        )
    );
    let status = json(&none, &["district", "status", "--url", &district]);
    assert_eq!(status["coops"][0]["quarantined"], 1, "{status}");

    // A coop server without the district function (older than version 7): sync still runs.
    let mut c = postgres::Client::connect(&urls[2], postgres::NoTls).unwrap();
    c.batch_execute("DROP FUNCTION kasir_district_held(text)")
        .unwrap();
    sell(&shops[2][0], tills[0], 1);
    ok(&shops[2][0], &["sync", "--once"]);
}

#[test]
fn a_one_till_coop_relays_straight_from_its_shop_file() {
    let Some(pg) = start_pg() else { return };
    let mut rng = Rng::from_env("district_relay_one_till");
    let dir = tempfile::tempdir().unwrap();
    let none = dir.path().join("none.db");
    let district = database(&pg, "district");
    ok(&none, &["server", "init", "--district", "--url", &district]);
    let file = dir.path().join("kdmp-d.district.json");
    add_coop(&none, &district, "kdmp-d", &file);
    let proxy = FaultProxy::start_cutting(pg.port(), rng.next(), 10);
    route_file(&file, proxy.port);

    let till = "toko-1";
    let shop = till_shop(dir.path(), till);
    stock_up(dir.path(), &shop);
    import_member(dir.path(), &shop, "D0001");
    // The users travel (each with the PIN's hash) and a sale dispenses on a prescription.
    ok(&shop, &["sync", "publish"]);
    rx_sale(&shop, till);
    sell(&shop, till, 3);
    // Through the lossy link first: some runs fail, none stores anything twice.
    proxy.set_faulty(true);
    for _ in 0..4 {
        let _ = kasir(&shop, &["relay", "--to", file.to_str().unwrap()]);
        sell(&shop, till, 1 + rng.below(2) as usize);
    }
    proxy.set_faulty(false);
    let report = relay_healed(&shop, &file, None);
    assert_eq!(report["coop"], "kdmp-d", "{report}");

    let mut d = postgres::Client::connect(&district, postgres::NoTls).unwrap();
    let (n, total) = local_sales(&shop, till);
    assert_eq!(district_sales(&mut d, "kdmp-d", till), (n, n, total));
    let held = district_held(&mut d, "kdmp-d");
    assert_eq!(held[till], last_seq(&shop, till), "every event of the file");
    assert_eq!(local_district_held(&shop, till), held[till]);
    assert_members_redacted(&mut d, "kdmp-d", "D0001");
    assert_people_private(&mut d, &shop);
    assert_eq!(count(&mut d, "SELECT count(*) FROM district_quarantine"), 0);

    // More sales go with the next run, and only they.
    sell(&shop, till, 2);
    let next = relay_healed(&shop, &file, None);
    assert_eq!(next["sent"], 2, "{next}");
    assert_eq!(local_district_held(&shop, till), last_seq(&shop, till));
}
