//! The district's reports on a real PostgreSQL: coops built from real shop files (demo
//! shops selling through the real `kasir` binary, to members and others, on kasbon, at the
//! sembako and the apotek counter, with a return and a repayment), their outbox events read
//! from each shop file and relayed with `kasir_relay` as each coop's own role. The
//! district's figures must be each coop's own: sales per unit and day (`report
//! dashboard`), members' purchases (`report shu`), kasbon outstanding, each product's
//! stock moved since the opening (`stock moves`); a coop with no events is late; relaying
//! the same events again changes no figure; a reader role runs the reports.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde_json::Value;

use crate::common::{json, ok, refused};
use crate::district_schema::database;
use crate::pg_server::{start_pg, Pg};

const INDOMIE: &str = "8991234567891";
const BERAS: &str = "8991993003616";
/// Paracetamol 500 mg, a strip of 10 (obat bebas): sold at the apotek counter.
const PCT_STRIP: &str = "8996340002250";

fn d(v: &Value) -> Decimal {
    v.as_str()
        .unwrap_or_else(|| panic!("a decimal string, got {v}"))
        .parse::<Decimal>()
        .unwrap()
        .normalize()
}

/// A demo shop for a coop, shifts open at sembako-1 and apotek-1.
fn coop_shop(dir: &Path, coop: &str) -> std::path::PathBuf {
    let db = dir.join(format!("{coop}.db"));
    ok(&db, &["demo"]);
    for till in ["sembako-1", "apotek-1"] {
        ok(&db, &["shift", "open", "--till", till, "--float", "100000"]);
    }
    db
}

fn sale(db: &Path, till: &str, member: Option<&str>, items: &[&str], pay: &[&str]) -> String {
    let mut args = vec!["sale", "--till", till];
    if let Some(m) = member {
        args.extend(["--member", m]);
    }
    for p in pay {
        args.extend(["--pay", p]);
    }
    args.extend(items);
    let v = json(db, &args);
    v["sale"]["number"].as_str().unwrap().to_string()
}

/// Coop `seed`'s day: members and others at both counters, kasbon, a return, a repayment.
fn trade(db: &Path, seed: u32) {
    let n = 1 + seed as usize;
    for i in 0..n {
        let qty = format!("{INDOMIE}*{}", i + 2);
        sale(db, "sembako-1", None, &[&qty, BERAS], &["cash:500000"]);
    }
    let kasbon = sale(
        db,
        "sembako-1",
        Some("A0001"),
        &[BERAS, &format!("{INDOMIE}*{}", 3 + seed)],
        &["kasbon:50000", "cash:200000"],
    );
    sale(
        db,
        "apotek-1",
        Some("A0002"),
        &[PCT_STRIP],
        &["kasbon:3000", "cash:10000"],
    );
    sale(
        db,
        "apotek-1",
        None,
        &[&format!("{PCT_STRIP}*2")],
        &["cash:20000"],
    );
    sale(db, "sembako-1", Some("A0003"), &[INDOMIE], &["cash:10000"]);
    // A member brings back one Indomie of the kasbon sale; then repays part of the kasbon.
    ok(
        db,
        &[
            "return",
            &kasbon,
            INDOMIE,
            "--till",
            "sembako-1",
            "--supervisor",
            "admin",
            "--supervisor-pin",
            "9999",
        ],
    );
    ok(
        db,
        &[
            "members",
            "repay",
            "A0001",
            &format!("{}", 10000 + 1000 * seed),
            "--till",
            "sembako-1",
        ],
    );
}

/// Every event of the shop file, as the relay sends them, in (till, seq) order.
fn outbox(db: &Path) -> Vec<Value> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c
        .prepare(
            "SELECT id, till, seq, kind, schema_version, payload, hash, till_time
             FROM events ORDER BY till, seq",
        )
        .unwrap();
    st.query_map([], |r| {
        Ok(serde_json::json!({
            "id": r.get::<_, String>(0)?, "till": r.get::<_, String>(1)?,
            "seq": r.get::<_, i64>(2)?, "kind": r.get::<_, String>(3)?,
            "version": r.get::<_, i64>(4)?, "payload": r.get::<_, String>(5)?,
            "hash": r.get::<_, String>(6)?, "till_time": r.get::<_, String>(7)?,
        }))
    })
    .unwrap()
    .collect::<rusqlite::Result<_>>()
    .unwrap()
}

/// Relay `events` for `coop` as its own role, in batches of `batch`.
fn relay(
    pg: &Pg,
    role: &kasir::store::district::CoopRole,
    coop: &str,
    events: &[Value],
    batch: usize,
) {
    let mut c = postgres::Client::connect(
        &format!(
            "postgresql://{}:{}@127.0.0.1:{}/district",
            role.role,
            role.password,
            pg.port()
        ),
        postgres::NoTls,
    )
    .expect("connect as the coop's role");
    for chunk in events.chunks(batch) {
        let body = Value::Array(chunk.to_vec()).to_string();
        c.query(
            "SELECT till, held FROM kasir_relay($1, $2::text::jsonb)",
            &[&coop, &body],
        )
        .unwrap();
    }
}

fn report(nowhere: &Path, district: &str, which: &str, day: &str) -> Value {
    json(
        nowhere,
        &[
            "district", "report", which, "--url", district, "--from", day, "--to", day,
        ],
    )
}

/// The district's figures for one coop: sales per (day, unit), member share, the SHU basis
/// per member-less coop total, kasbon outstanding.
type Figures = (
    BTreeMap<(String, String), [Decimal; 5]>,
    [Decimal; 2],
    Decimal,
    Decimal,
);

fn district_figures(nowhere: &Path, district: &str, coop: &str, day: &str) -> Figures {
    let mut sales = BTreeMap::new();
    for r in report(nowhere, district, "sales", day)["rows"]
        .as_array()
        .unwrap()
    {
        if r["coop_id"] != coop {
            continue;
        }
        sales.insert(
            (
                r["day"].as_str().unwrap().to_string(),
                r["business_unit"].as_str().unwrap().to_string(),
            ),
            [
                d(&r["gross"]),
                d(&r["returns"]),
                d(&r["members"]),
                d(&r["non_members"]),
                d(&r["net"]),
            ],
        );
    }
    let members = report(nowhere, district, "members", day);
    let all = members["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["coop_id"] == coop && r["business_unit"] == "*")
        .expect("the coop's all-units row");
    let share = [d(&all["members"]), d(&all["non_members"])];
    let shu = report(nowhere, district, "shu", day);
    let basis = shu["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["coop_id"] == coop)
        .map_or(Decimal::ZERO, |r| d(&r["shu_basis"]));
    let kasbon = report(nowhere, district, "kasbon", day);
    let outstanding = kasbon["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["coop_id"] == coop)
        .map_or(Decimal::ZERO, |r| d(&r["outstanding"]));
    (sales, share, basis, outstanding)
}

/// The coop's own figures, from its own reports on its shop file.
fn coop_figures(db: &Path, day: &str) -> Figures {
    let dash = json(db, &["report", "dashboard", "--from", day, "--to", day]);
    let mut sales = BTreeMap::new();
    for x in dash["daily"].as_array().unwrap() {
        sales.insert(
            (
                x["date"].as_str().unwrap().to_string(),
                x["business_unit"].as_str().unwrap().to_string(),
            ),
            [
                d(&x["gross"]),
                d(&x["returns"]),
                d(&x["members"]),
                d(&x["non_members"]),
                d(&x["net"]),
            ],
        );
    }
    let share = [d(&dash["member_sales"]), d(&dash["non_member_sales"])];
    let year = &day[..4];
    let shu = json(db, &["report", "shu", "--year", year]);
    let basis: Decimal = shu["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| d(&r["purchases_total"]))
        .sum();
    (sales, share, basis, d(&dash["kasbon_outstanding"]))
}

#[test]
fn the_districts_reports_equal_each_coops_own_and_a_silent_coop_is_late() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("none.db");
    let district = database(&pg, "district");
    json(
        &nowhere,
        &["server", "init", "--district", "--url", &district],
    );

    let coops = ["kdmp-a", "kdmp-b"];
    let mut shops = Vec::new();
    for (i, coop) in coops.iter().enumerate() {
        let db = coop_shop(dir.path(), coop);
        trade(&db, i as u32);
        let role =
            kasir::store::district::register_coop(&district, coop, &format!("KDMP {coop}"), false)
                .unwrap();
        shops.push((coop.to_string(), db, role));
    }
    kasir::store::district::register_coop(&district, "kdmp-silent", "KDMP Sepi", false).unwrap();

    let day = json(&shops[0].1, &["sales", "list"])["date"]
        .as_str()
        .unwrap()
        .to_string();
    for (coop, db, role) in &shops {
        let events = outbox(db);
        assert!(events.iter().any(|e| e["kind"] == "kasbon_repay.v1"));
        relay(&pg, role, coop, &events, 4);
    }
    let mut first = BTreeMap::new();
    for (coop, db, _) in &shops {
        let district_side = district_figures(&nowhere, &district, coop, &day);
        let coop_side = coop_figures(db, &day);
        assert_eq!(
            district_side, coop_side,
            "{coop}: district vs the coop's own"
        );
        assert!(
            district_side.0.keys().any(|(_, u)| u == "apotek")
                && district_side.0.keys().any(|(_, u)| u == "sembako"),
            "both units sold: {:?}",
            district_side.0
        );
        assert!(district_side.3 > Decimal::ZERO, "kasbon outstanding");
        first.insert(coop.clone(), district_side);
    }

    // Every report lists the coop that never reported as late, and only it.
    for which in ["sales", "members", "stock", "kasbon", "shu"] {
        let r = report(&nowhere, &district, which, &day);
        let late: Vec<&str> = r["late"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["coop_id"].as_str().unwrap())
            .collect();
        assert_eq!(late, ["kdmp-silent"], "{which}");
        assert_eq!(r["late"][0]["never_reported"], true);
        assert_eq!(r["coops"], 3);
    }

    // The same events relayed again (a lost reply retried, in other batches): no figure moves.
    for (coop, db, role) in &shops {
        relay(&pg, role, coop, &outbox(db), 7);
    }
    for (coop, _, _) in &shops {
        assert_eq!(
            district_figures(&nowhere, &district, coop, &day),
            first[coop],
            "{coop}: relayed twice"
        );
    }

    // Stock: per product, the district holds what the coop's own moves add up to since
    // its opening stock (which is no event), quantity and value at cost.
    let mut owner = postgres::Client::connect(&district, postgres::NoTls).unwrap();
    for (coop, db, _) in &shops {
        for code in [INDOMIE, BERAS, PCT_STRIP] {
            let sku = json(db, &["stock", code])["stock"][0]["sku"]
                .as_str()
                .unwrap()
                .to_string();
            let moves = json(db, &["stock", "moves", code]);
            let (mut qty, mut value) = (Decimal::ZERO, Decimal::ZERO);
            for m in moves["moves"].as_array().unwrap() {
                if m["note"] != "Stok awal" {
                    qty += d(&m["qty"]);
                    value += d(&m["value"]);
                }
            }
            let row = owner
                .query_one(
                    "SELECT qty::text, value::text FROM district_v_stock
                     WHERE coop_id = $1 AND sku = $2",
                    &[coop, &sku],
                )
                .unwrap();
            let held: (String, String) = (row.get(0), row.get(1));
            assert_eq!(
                (
                    held.0.parse::<Decimal>().unwrap().normalize(),
                    held.1.parse::<Decimal>().unwrap().normalize()
                ),
                (qty.normalize(), value.normalize()),
                "{coop} {sku}"
            );
            assert!(qty < Decimal::ZERO, "{coop} {sku} sold");
        }
    }

    // Stock per unit in the report.
    let stock = report(&nowhere, &district, "stock", &day);
    let units: Vec<&str> = stock["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["coop_id"] == "kdmp-a")
        .map(|r| r["business_unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["apotek", "sembako"]);

    // All the kasbon is today's: none overdue after 30 days, all of it after 0 days.
    let kasbon = |days: &str| {
        json(
            &nowhere,
            &[
                "district",
                "report",
                "kasbon",
                "--url",
                &district,
                "--to",
                &day,
                "--overdue-days",
                days,
            ],
        )["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| (d(&r["outstanding"]), d(&r["overdue"])))
            .collect::<Vec<_>>()
    };
    for (outstanding, overdue) in kasbon("30") {
        assert!(outstanding > Decimal::ZERO && overdue.is_zero());
    }
    for (outstanding, overdue) in kasbon("0") {
        assert_eq!(overdue, outstanding);
    }

    // A role granted kasir_district_reader runs the reports and cannot read the events.
    let mut owner = postgres::Client::connect(&district, postgres::NoTls).unwrap();
    owner
        .batch_execute(
            "CREATE ROLE dinas_bi LOGIN PASSWORD 'baca-saja';
             GRANT kasir_district_reader TO dinas_bi;",
        )
        .unwrap();
    let reader = format!(
        "postgresql://dinas_bi:baca-saja@127.0.0.1:{}/district",
        pg.port()
    );
    for which in ["sales", "members", "stock", "kasbon", "shu"] {
        let as_reader = report(&nowhere, &reader, which, &day);
        assert_eq!(
            as_reader["rows"],
            report(&nowhere, &district, which, &day)["rows"],
            "{which} as the reader"
        );
    }
    let mut bi = postgres::Client::connect(&reader, postgres::NoTls).unwrap();
    assert!(bi
        .query("SELECT count(*) FROM district_events", &[])
        .is_err());
    let mut bi = postgres::Client::connect(&reader, postgres::NoTls).unwrap();
    assert!(bi
        .query("SELECT count(*) FROM district_v_late_coops", &[])
        .is_ok());

    // Text and CSV carry the same report; bad input is refused and says why.
    let text = ok(
        &nowhere,
        &[
            "district", "report", "sales", "--url", &district, "--from", &day, "--to", &day,
        ],
    );
    assert!(
        text.contains("Koperasi terlambat") && text.contains("kdmp-silent"),
        "{text}"
    );
    let en = ok(
        &nowhere,
        &[
            "--lang", "en", "district", "report", "kasbon", "--url", &district, "--to", &day,
        ],
    );
    assert!(
        en.contains("Outstanding") && en.contains("Late coops"),
        "{en}"
    );
    let csv = ok(
        &nowhere,
        &[
            "district", "report", "sales", "--url", &district, "--from", &day, "--to", &day,
            "--format", "csv",
        ],
    );
    assert!(
        csv.starts_with("coop_id,day,business_unit,sales,gross"),
        "{csv}"
    );
    assert!(csv.contains("late_coops,coop_name"), "{csv}");
    let msg = refused(
        &nowhere,
        &[
            "district",
            "report",
            "sales",
            "--url",
            &district,
            "--from",
            "2026-12-31",
            "--to",
            "2026-01-01",
        ],
    );
    assert!(msg.contains("sesudah"), "{msg}");
}
