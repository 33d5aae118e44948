//! A district's PostgreSQL (the Dinas Koperasi above several coops): installing kasir's
//! district schema (`src/sync/district.sql`) and registering a coop and its role. Every
//! statement kasir runs on a district database is here, in `district_report.rs` (the
//! reports' queries) or in that script.

use crate::error::{KasirError, Result};
use crate::store::coop::{self, config, connect, pg_error, Schema};
use crate::store::outbox::Event;
use crate::store::pg_tls::{self, SavedTls, Tls};

/// The schema version `district.sql` installs.
pub const DISTRICT_SCHEMA_VERSION: i32 = 3;

const DISTRICT_SQL: &str = include_str!("../sync/district.sql");

const DISTRICT_SCHEMA: Schema = Schema {
    sql: DISTRICT_SQL,
    version_table: "district_schema_version",
    version: DISTRICT_SCHEMA_VERSION,
    other_table: "kasir_schema_version",
    other_is: ("basis data koperasi", "a coop's database"),
};

/// Install or upgrade the district schema on the database at `url` (an owner's address).
/// Returns (version before, version now).
pub fn init(url: &str) -> Result<(Option<i32>, i32)> {
    coop::install(url, &DISTRICT_SCHEMA)
}

/// A coop registered at the district: its role and the password just given to it.
pub struct CoopRole {
    pub role: String,
    pub password: String,
}

/// Register coop `coop` (named `name`) at the district at `url` (an owner's address): a role
/// that may only execute the coop functions, only for `coop`. With `rejoin`, a coop already
/// registered gets a new password; without, it is refused.
pub fn register_coop(url: &str, coop: &str, name: &str, rejoin: bool) -> Result<CoopRole> {
    let mut client = connect(&config(url)?)?;
    let password = coop::random_password();
    let role: String = client
        .query_one(
            "SELECT kasir_register_coop($1, $2, $3, $4)",
            &[&coop, &name, &password, &rejoin],
        )
        .map_err(|e| pg_error("register coop", e))?
        .get(0);
    Ok(CoopRole { role, password })
}

/// How a coop reaches the district: a `postgresql://` address of its own role there, or
/// the file `kasir district coop add … --out FILE` wrote (JSON with `host`, `port`,
/// `dbname`, `role` and `password`, optionally `tls`, `sslmode` and `sslrootcert_pem` as a
/// till's credentials keep them; or one line holding the address).
pub fn coop_client(source: &str) -> Result<postgres::Client> {
    let source = source.trim();
    if source.starts_with("postgres://") || source.starts_with("postgresql://") {
        return connect(&config(source)?);
    }
    let unreadable = || {
        KasirError::invalid(
            format!("Berkas kredensial dinas {source} tidak terbaca (atau pakai alamat postgresql:// peran koperasi di dinas)"),
            format!("The district credentials file {source} does not read (or give the postgresql:// address of the coop's role at the district)"),
        )
    };
    let text = std::fs::read_to_string(source).map_err(|_| unreadable())?;
    let text = text.trim();
    if text.starts_with("postgres://") || text.starts_with("postgresql://") {
        return connect(&config(text)?);
    }
    let v: serde_json::Value = serde_json::from_str(text).map_err(|_| unreadable())?;
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    if let Some(url) = s("url") {
        return connect(&config(&url)?);
    }
    let (Some(host), Some(dbname), Some(role), Some(password)) =
        (s("host"), s("dbname"), s("role"), s("password"))
    else {
        return Err(unreadable());
    };
    let port = v
        .get("port")
        .and_then(serde_json::Value::as_u64)
        .and_then(|p| u16::try_from(p).ok())
        .unwrap_or(5432);
    let tls = v
        .get("tls")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let saved: SavedTls = serde_json::from_value(v.clone()).map_err(|_| unreadable())?;
    let tls = Tls::from_saved(tls, &saved)?;
    let mut cfg = postgres::Config::new();
    cfg.host(&host)
        .port(port)
        .dbname(&dbname)
        .user(&role)
        .password(&password)
        .application_name("kasir")
        .connect_timeout(std::time::Duration::from_secs(10));
    pg_tls::connect(&cfg, &tls)
}

/// The coop id a district credentials file names (its `coop`), if `source` is such a file.
pub fn coop_of_source(source: &str) -> Option<String> {
    let text = std::fs::read_to_string(source.trim()).ok()?;
    let v: serde_json::Value = serde_json::from_str(&text).ok()?;
    v.get("coop")?.as_str().map(str::to_string)
}

/// One of a coop's events as the district holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeldEvent {
    pub event: Event,
    /// The payload left the coop with its private fields removed: it no longer matches the
    /// hash (the coop's hash of the whole payload).
    pub redacted: bool,
}

/// At most `limit` of coop `coop`'s events after (`till`, `seq`), in (till, seq) order, as
/// the coop's own role at the district (`kasir_coop_events`, district schema version 3).
pub fn coop_events(
    client: &mut postgres::Client,
    coop: &str,
    after: (&str, i64),
    limit: i32,
) -> Result<Vec<HeldEvent>> {
    let rows = client
        .query(
            "SELECT id::text, till, seq, kind, version, payload, hash, redacted, till_time
             FROM kasir_coop_events($1, $2, $3, $4)",
            &[&coop, &after.0, &after.1, &limit],
        )
        .map_err(|e| match e.code() {
            Some(&postgres::error::SqlState::UNDEFINED_FUNCTION) => old_district(),
            _ => pg_error("read the coop's events", e),
        })?;
    Ok(rows
        .iter()
        .map(|r| HeldEvent {
            event: Event {
                id: r.get(0),
                till: r.get(1),
                seq: r.get(2),
                kind: r.get(3),
                schema_version: i64::from(r.get::<_, i32>(4)),
                payload: r.get(5),
                hash: r.get(6),
                till_time: r.get(8),
            },
            redacted: r.get(7),
        })
        .collect())
}

/// Per till of coop `coop`: the highest seq the district holds (`kasir_relay_held`).
pub fn relay_held(client: &mut postgres::Client, coop: &str) -> Result<Vec<(String, i64)>> {
    let rows = client
        .query("SELECT till, held FROM kasir_relay_held($1)", &[&coop])
        .map_err(|e| pg_error("read what the district holds", e))?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

fn old_district() -> KasirError {
    KasirError::invalid(
        "Skema kasir di basis data dinas belum mendukung ini: jalankan `kasir server init --district --url URL-PEMILIK` di dinas",
        "kasir's schema on the district database does not support this yet: run `kasir server init --district --url OWNER-URL` at the district",
    )
}

/// Store a batch of coop `coop`'s events (a JSON array as `kasir_relay` takes it) at the
/// district at `client` (connected with the district owner's address), through
/// `kasir_district_import`: the relay's rules. Per till in the batch, the highest seq the
/// district now holds.
pub fn owner_import(
    client: &mut postgres::Client,
    coop: &str,
    batch: &str,
) -> Result<Vec<(String, i64)>> {
    let rows = client
        .query(
            "SELECT till, held FROM kasir_district_import($1, $2::text::jsonb)",
            &[&coop, &batch],
        )
        .map_err(|e| match e.code() {
            Some(&postgres::error::SqlState::UNDEFINED_FUNCTION) => old_district(),
            _ => pg_error("import at the district", e),
        })?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
}

/// Whether coop `coop` is registered at the district at `client` (owner's connection).
pub fn coop_registered(client: &mut postgres::Client, coop: &str) -> Result<bool> {
    let installed: bool = client
        .query_one("SELECT to_regclass('coops') IS NOT NULL", &[])
        .map_err(|e| pg_error("read the coops", e))?
        .get(0);
    if !installed {
        return Err(KasirError::invalid(
            "Basis data ini bukan basis data dinas: pasang dengan `kasir server init --district --url URL`",
            "This database is not a district's: install it with `kasir server init --district --url URL`",
        ));
    }
    Ok(client
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM coops WHERE coop_id = $1)",
            &[&coop],
        )
        .map_err(|e| pg_error("read the coops", e))?
        .get(0))
}

/// A connection to the district with an owner's address.
pub fn owner_client(url: &str) -> Result<postgres::Client> {
    connect(&config(url)?)
}

/// The events among `ids` of coop `coop` the district keeps in quarantine: (till, seq,
/// reason), in till and seq order.
pub fn quarantined(
    client: &mut postgres::Client,
    coop: &str,
    ids: &[String],
) -> Result<Vec<(String, Option<i64>, String)>> {
    let rows = client
        .query(
            "SELECT till, seq, reason FROM district_quarantine
             WHERE coop_id = $1 AND event_id = ANY($2) ORDER BY till, seq",
            &[&coop, &ids],
        )
        .map_err(|e| pg_error("read the quarantine", e))?;
    Ok(rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect())
}
