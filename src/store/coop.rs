//! The coop's PostgreSQL (the store's other database; every statement kasir runs on it is
//! here or in `src/sync/server.sql`): installing kasir's schema and functions, registering
//! a till and its role, pushing and pulling as that role, and the server's status.

use std::path::{Path, PathBuf};

use postgres::{Client, Config};
use serde::{Deserialize, Serialize};

use crate::error::{KasirError, Result};
use crate::store::outbox::{Event, Pulled};
use crate::store::pg_tls::{self, Address, SavedTls, Tls};
use crate::sync::{Feed, Server};

/// The schema version `server.sql` installs.
pub const SERVER_SCHEMA_VERSION: i32 = 11;

const SERVER_SQL: &str = include_str!("../sync/server.sql");

pub(crate) fn pg_error(what: &str, e: postgres::Error) -> KasirError {
    // The server's own message when it sent one (never the connection string).
    let detail = match e.as_db_error() {
        Some(db) => db.message().to_string(),
        None => e.to_string(),
    };
    KasirError::invalid(
        format!("PostgreSQL: {what} gagal: {detail}"),
        format!("PostgreSQL: {what} failed: {detail}"),
    )
}

/// The server's schema is older than the pull.
fn old_server() -> KasirError {
    KasirError::invalid(
        "Skema kasir di server belum mendukung pengambilan kejadian: jalankan `kasir server init --url URL-PEMILIK`",
        "kasir's schema on the server does not support the pull yet: run `kasir server init --url OWNER-URL`",
    )
}

/// Read a PostgreSQL address kasir was given (URL or `key=value` pairs), with libpq's
/// `sslmode` (up to `verify-full`) and `sslrootcert` ([`pg_tls`]).
pub(crate) fn config(url: &str) -> Result<Address> {
    pg_tls::parse(url)
}

/// Connect to the address, with the TLS it asked for.
pub(crate) fn connect(address: &Address) -> Result<Client> {
    pg_tls::connect(&address.config, &address.tls)
}

/// Install or upgrade kasir's schema on the server at `url` (an owner's address), in one
/// transaction under an advisory lock. Returns (version before, version now).
pub fn init(url: &str) -> Result<(Option<i32>, i32)> {
    install(url, &COOP_SCHEMA)
}

/// One of the schemas kasir installs on a PostgreSQL database: the coop's or a district's.
pub(crate) struct Schema {
    /// Its script, every statement idempotent.
    pub sql: &'static str,
    /// The table that records its versions.
    pub version_table: &'static str,
    /// The version the script installs.
    pub version: i32,
    /// The other schema's version table: a database holds one of them, never both.
    pub other_table: &'static str,
    /// What the database is, in the refusal (Indonesian, English) when it holds the other.
    pub other_is: (&'static str, &'static str),
}

const COOP_SCHEMA: Schema = Schema {
    sql: SERVER_SQL,
    version_table: "kasir_schema_version",
    version: SERVER_SCHEMA_VERSION,
    other_table: "district_schema_version",
    other_is: ("basis data dinas (distrik)", "a district database"),
};

/// Install or upgrade `schema` on the database at `url` (an owner's address), in one
/// transaction under an advisory lock. Returns (version before, version now).
pub(crate) fn install(url: &str, schema: &Schema) -> Result<(Option<i32>, i32)> {
    let mut client = connect(&config(url)?)?;
    let mut tx = client.transaction().map_err(|e| pg_error("begin", e))?;
    tx.execute("SELECT pg_advisory_xact_lock(727374)", &[])
        .map_err(|e| pg_error("lock", e))?;
    let has = |tx: &mut postgres::Transaction, table: &str| -> Result<bool> {
        Ok(tx
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])
            .map_err(|e| pg_error("read version", e))?
            .get(0))
    };
    if has(&mut tx, schema.other_table)? {
        let (id, en) = schema.other_is;
        return Err(KasirError::invalid(
            format!("Basis data ini sudah {id}: pakai basis data lain"),
            format!("This database is already {en}: use another database"),
        ));
    }
    let before: Option<i32> = if has(&mut tx, schema.version_table)? {
        tx.query_one(
            &format!("SELECT max(version) FROM {}", schema.version_table),
            &[],
        )
        .map_err(|e| pg_error("read version", e))?
        .get(0)
    } else {
        None
    };
    let now = schema.version;
    if let Some(v) = before {
        if v > now {
            return Err(KasirError::invalid(
                format!("Skema kasir di server versi {v}, lebih baru dari program ini ({now})"),
                format!(
                    "kasir's schema on the server is version {v}, newer than this program ({now})"
                ),
            ));
        }
    }
    tx.batch_execute(schema.sql)
        .map_err(|e| pg_error("install schema", e))?;
    tx.commit().map_err(|e| pg_error("commit", e))?;
    Ok((before, now))
}

/// How a till reaches the server: where, and as which role. Kept in a 0600 file beside the
/// shop file ([`credentials_path`]); never printed.
#[derive(Clone, Serialize, Deserialize)]
pub struct Credentials {
    pub till: String,
    pub host: String,
    pub port: u16,
    pub dbname: String,
    pub role: String,
    pub password: String,
    /// Whether the server was joined over TLS (any `sslmode` from `require` on): the till
    /// then connects over TLS only. A file with only this (written before `sslmode`) means
    /// `require`.
    #[serde(default)]
    pub tls: bool,
    /// The `sslmode` the server was joined with and, for `verify-ca`/`verify-full`, the
    /// root certificate copied from `sslrootcert`: the till keeps checking the server's
    /// certificate against it.
    #[serde(flatten)]
    pub verify: SavedTls,
}

impl Credentials {
    /// The TLS this till speaks to its server.
    pub fn tls(&self) -> Result<Tls> {
        Tls::from_saved(self.tls, &self.verify)
    }
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("till", &self.till)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("dbname", &self.dbname)
            .field("role", &self.role)
            .field("password", &"…")
            .field("tls", &self.tls)
            .field("sslmode", &self.verify.sslmode)
            .finish()
    }
}

/// `SHOP.sync.json` beside the shop file `db`.
pub fn credentials_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".sync.json");
    PathBuf::from(name)
}

pub(crate) fn random_password() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 24];
    rand_core::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Register `till` on the server at `url` (an owner's address): a role that may only execute
/// `kasir_push` and `kasir_pull`, and only for `till`. Returns the credentials to keep.
/// With `rejoin`, a till id already registered moves to this machine (a new password);
/// without, it is refused.
pub fn register(url: &str, till: &str, rejoin: bool) -> Result<Credentials> {
    let cfg = config(url)?;
    let mut client = connect(&cfg)?;
    let password = random_password();
    let role: String = client
        .query_one(
            "SELECT kasir_register_till($1, $2, $3)",
            &[&till, &password, &rejoin],
        )
        .map_err(|e| pg_error("register till", e))?
        .get(0);
    let (host, port, dbname) = address(&cfg);
    Ok(Credentials {
        till: till.to_string(),
        host,
        port,
        dbname,
        role,
        password,
        tls: cfg.tls.encrypted(),
        verify: cfg.tls.saved(),
    })
}

/// Where an address points: host, port and database.
pub(crate) fn address(cfg: &Config) -> (String, u16, String) {
    let host = match cfg.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_string(),
    };
    (
        host,
        cfg.get_ports().first().copied().unwrap_or(5432),
        cfg.get_dbname()
            .or(cfg.get_user())
            .unwrap_or("postgres")
            .to_string(),
    )
}

/// Keep `creds` at `file`, readable by its owner only (0600), written whole or not at all.
pub fn save_credentials(file: &Path, creds: &Credentials) -> Result<()> {
    save_secret(file, creds)
}

/// Keep `value` as JSON at `file`, readable by its owner only (0600), written whole or not
/// at all.
pub(crate) fn save_secret(file: &Path, value: &impl Serialize) -> Result<()> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|e| KasirError::invalid(e.to_string(), e.to_string()))?;
    crate::atomic_file::write_atomically(file, |out| {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            out.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        std::io::Write::write_all(out, text.as_bytes())?;
        Ok(())
    })
}

/// The credentials kept at `file`, or a refusal saying how to join.
pub fn load_credentials(file: &Path) -> Result<Credentials> {
    let text = std::fs::read_to_string(file).map_err(|_| {
        KasirError::invalid(
            format!(
                "Kasir ini belum terdaftar di server ({} tidak ada): jalankan `kasir till join --server URL --till T`",
                file.display()
            ),
            format!(
                "This till has not joined a server ({} is missing): run `kasir till join --server URL --till T`",
                file.display()
            ),
        )
    })?;
    serde_json::from_str(&text).map_err(|_| {
        KasirError::invalid(
            format!(
                "{} tidak terbaca; daftarkan lagi dengan `kasir till join`",
                file.display()
            ),
            format!(
                "{} does not read; join again with `kasir till join`",
                file.display()
            ),
        )
    })
}

/// How kasir reaches a database as a role it was given (a till's, a coop's at the
/// district): `(host, port, dbname)`, `(role, password)`, named `application` in
/// PostgreSQL's activity. A server that does not answer within 10 s is a failed run, not a
/// hung thread.
pub(crate) fn role_config(
    (host, port, dbname): (&str, u16, &str),
    (role, password): (&str, &str),
    application: &str,
) -> Config {
    let mut cfg = Config::new();
    cfg.host(host)
        .port(port)
        .dbname(dbname)
        .user(role)
        .password(password)
        .application_name(application)
        .connect_timeout(std::time::Duration::from_secs(10));
    cfg
}

/// A connection to the server as a till's role.
pub struct PgServer {
    client: Client,
}

impl PgServer {
    pub fn connect(creds: &Credentials) -> Result<PgServer> {
        let cfg = role_config(
            (&creds.host, creds.port, &creds.dbname),
            (&creds.role, &creds.password),
            "kasir sync",
        );
        Ok(PgServer {
            client: pg_tls::connect(&cfg, &creds.tls()?)?,
        })
    }
}

impl PgServer {
    /// Tell the server how many of `till`'s events still wait and what the till's clock
    /// reads (`till_now`, RFC 3339 with its offset). Returns the clock offset the server
    /// stored: till less server, in milliseconds; none from a server whose schema is older
    /// than version 3 (the push went through all the same).
    pub fn report(&mut self, till: &str, pending: i64, till_now: &str) -> Result<Option<i64>> {
        match self.client.query_one(
            "SELECT kasir_report($1, $2, $3::text::timestamptz)",
            &[&till, &pending, &till_now],
        ) {
            Ok(row) => Ok(Some(row.get(0))),
            Err(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_FUNCTION) => Ok(None),
            Err(e) => Err(pg_error("report", e)),
        }
    }
}

impl Server for PgServer {
    fn push(&mut self, till: &str, batch: &[Event]) -> Result<i64> {
        let json = crate::sync::batch_json(batch);
        let row = self
            .client
            .query_one("SELECT kasir_push($1, $2::text::jsonb)", &[&till, &json])
            .map_err(|e| pg_error("push", e))?;
        Ok(row.get(0))
    }
}

impl Feed for PgServer {
    fn pull(&mut self, till: &str, after: i64, limit: i64) -> Result<Vec<Pulled>> {
        let limit = limit.clamp(1, 5000) as i32;
        // `kasir_feed` (schema version 6) also gives back this till's own catalog and
        // member changes; a server not yet upgraded has only `kasir_pull`.
        let query = |client: &mut Client, function: &str| {
            client.query(
                &format!(
                    "SELECT change_seq, id::text, till, seq, kind, version, payload, hash,
                            till_time
                     FROM {function}($1, $2, $3)"
                ),
                &[&till, &after, &limit],
            )
        };
        let undefined =
            |e: &postgres::Error| e.code() == Some(&postgres::error::SqlState::UNDEFINED_FUNCTION);
        let rows = match query(&mut self.client, "kasir_feed") {
            Err(e) if undefined(&e) => query(&mut self.client, "kasir_pull"),
            other => other,
        }
        .map_err(|e| {
            if undefined(&e) {
                old_server()
            } else {
                pg_error("pull", e)
            }
        })?;
        Ok(rows
            .iter()
            .map(|r| Pulled {
                change_seq: r.get(0),
                event: Event {
                    id: r.get(1),
                    till: r.get(2),
                    seq: r.get(3),
                    kind: r.get(4),
                    schema_version: i64::from(r.get::<_, i32>(5)),
                    payload: r.get(6),
                    hash: r.get(7),
                    till_time: r.get(8),
                },
            })
            .collect())
    }
}

impl PgServer {
    /// The other registered tills, each with the change_seq of its newest stored event.
    pub fn tills(&mut self, till: &str) -> Result<Vec<(String, i64)>> {
        let rows = self
            .client
            .query(
                "SELECT till, last_change_seq FROM kasir_tills($1)",
                &[&till],
            )
            .map_err(|e| match e.code() {
                Some(&postgres::error::SqlState::UNDEFINED_FUNCTION) => old_server(),
                _ => pg_error("list tills", e),
            })?;
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }
}

/// One till as the server sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TillStatus {
    pub till: String,
    /// When the till last pushed (UTC, `YYYY-MM-DD HH:MM:SS`), if ever.
    pub last_push: Option<String>,
    /// The highest seq stored for the till.
    pub highest_seq: Option<i64>,
    /// Events stored for the till.
    pub events: i64,
    /// Events of the till in quarantine.
    pub quarantined: i64,
    /// The till's events not yet acknowledged, as it last reported (none: never reported).
    pub pending: Option<i64>,
    /// The till's clock less the server's when it last reported, in milliseconds.
    pub clock_offset_ms: Option<i64>,
    /// When the till last reported (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub reported_at: Option<String>,
}

/// Each registered till on the server at `url` (an owner's address).
pub fn status(url: &str) -> Result<Vec<TillStatus>> {
    let mut client = connect(&config(url)?)?;
    let rows = client
        .query(
            "SELECT t.till,
                    to_char(t.last_push AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'),
                    (SELECT max(seq) FROM events e WHERE e.till = t.till),
                    (SELECT count(*) FROM events e WHERE e.till = t.till),
                    (SELECT count(*) FROM quarantine q WHERE q.till = t.till),
                    t.pending, t.clock_offset_ms,
                    to_char(t.reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
             FROM tills t ORDER BY t.till",
            &[],
        )
        .map_err(|e| pg_error("status", e))?;
    Ok(rows
        .iter()
        .map(|r| TillStatus {
            till: r.get(0),
            last_push: r.get(1),
            highest_seq: r.get(2),
            events: r.get(3),
            quarantined: r.get(4),
            pending: r.get(5),
            clock_offset_ms: r.get(6),
            reported_at: r.get(7),
        })
        .collect())
}

/// Whether a PostgreSQL error is a function not installed (a server whose schema is older).
fn undefined_function(e: &postgres::Error) -> bool {
    e.code() == Some(&postgres::error::SqlState::UNDEFINED_FUNCTION)
}

impl PgServer {
    /// The server's id (schema version 8): made once when its database was first set up,
    /// so a server rebuilt after a loss answers another. None from an older server.
    pub fn server_id(&mut self) -> Result<Option<String>> {
        match self.client.query_one("SELECT kasir_server_id()::text", &[]) {
            Ok(row) => Ok(row.get(0)),
            Err(e) if undefined_function(&e) => Ok(None),
            // The till's role exists (roles belong to the whole PostgreSQL) but this
            // database never granted it anything: a server set up again, or rebuilt.
            Err(e) if e.code() == Some(&postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) => {
                Err(KasirError::invalid(
                    "Peran kasir ini belum diberi hak di basis data server ini (server baru atau dibangun ulang): jalankan `kasir till join --server URL-PEMILIK --till T --rejoin`",
                    "This till's role has no rights in this server database (a new or rebuilt server): run `kasir till join --server OWNER-URL --till T --rejoin`",
                ))
            }
            Err(e) => Err(pg_error("read server id", e)),
        }
    }

    /// The highest seq of `till` the district holds, as the coop's server last heard it
    /// (0: none yet, or no district); None from a server older than schema version 7.
    pub fn district_held(&mut self, till: &str) -> Result<Option<i64>> {
        match self
            .client
            .query_one("SELECT kasir_district_held($1)", &[&till])
        {
            Ok(row) => Ok(Some(row.get(0))),
            Err(e) if undefined_function(&e) => Ok(None),
            Err(e) => Err(pg_error("read district acknowledgement", e)),
        }
    }
}

/// The id of the server at `url` (an owner's address); None from a server older than
/// schema version 8 or without kasir's schema.
pub fn owner_server_id(url: &str) -> Result<Option<String>> {
    let mut client = connect(&config(url)?)?;
    let installed: bool = client
        .query_one("SELECT to_regclass('server_identity') IS NOT NULL", &[])
        .map_err(|e| pg_error("read server id", e))?
        .get(0);
    if !installed {
        return Ok(None);
    }
    Ok(client
        .query_one("SELECT id::text FROM server_identity", &[])
        .map_err(|e| pg_error("read server id", e))?
        .get(0))
}

/// A connection to the coop's server as its owner, storing the district's copy of the
/// coop's events (`kasir server rebuild`).
pub struct OwnerRestore {
    client: Client,
}

impl OwnerRestore {
    pub fn connect(url: &str) -> Result<OwnerRestore> {
        Ok(OwnerRestore {
            client: connect(&config(url)?)?,
        })
    }

    /// Store a batch of `till`'s events (a JSON array as `kasir_push` takes it, an event
    /// may carry `"redacted": true`) through `kasir_restore`; the highest seq of `till` the
    /// server now holds.
    pub fn restore(&mut self, till: &str, batch: &str) -> Result<i64> {
        Ok(self
            .client
            .query_one(
                "SELECT kasir_restore($1, $2::text::jsonb)",
                &[&till, &batch],
            )
            .map_err(|e| pg_error("restore", e))?
            .get(0))
    }

    /// Record that the district holds `till`'s events through `held` (never backwards).
    pub fn district_ack(&mut self, till: &str, held: i64) -> Result<i64> {
        Ok(self
            .client
            .query_one("SELECT kasir_district_ack($1, $2)", &[&till, &held])
            .map_err(|e| pg_error("district acknowledgement", e))?
            .get(0))
    }

    /// Per till: (events stored, redacted among them, quarantined).
    pub fn counts(&mut self) -> Result<Vec<(String, i64, i64, i64)>> {
        let rows = self
            .client
            .query(
                "SELECT t.till,
                        (SELECT count(*) FROM events e WHERE e.till = t.till),
                        (SELECT count(*) FROM events e WHERE e.till = t.till AND e.redacted),
                        (SELECT count(*) FROM quarantine q WHERE q.till = t.till)
                 FROM tills t ORDER BY t.till",
                &[],
            )
            .map_err(|e| pg_error("status", e))?;
        Ok(rows
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
            .collect())
    }
}

/// The coop's server read by its owner for the relay to the district (`kasir relay
/// --from`): its events, and what the district holds of each till (`district_acks`).
pub struct CoopSource {
    client: Client,
}

impl CoopSource {
    /// Connect to the coop's server at `url` (an owner's address); refused unless it holds
    /// kasir's coop schema with the relay's functions (version 10).
    pub fn connect(url: &str) -> Result<CoopSource> {
        let mut client = connect(&config(url)?)?;
        let row = client
            .query_one(
                "SELECT to_regclass('kasir_schema_version') IS NOT NULL,
                        to_regclass('district_schema_version') IS NOT NULL,
                        to_regprocedure('kasir_district_link(text)') IS NOT NULL",
                &[],
            )
            .map_err(|e| pg_error("read version", e))?;
        let (coop, district, linked): (bool, bool, bool) = (row.get(0), row.get(1), row.get(2));
        if district {
            return Err(KasirError::invalid(
                "--from menunjuk basis data dinas (distrik): berikan alamat pemilik server koperasi",
                "--from names a district database: give the coop server's owner address",
            ));
        }
        if !coop {
            return Err(KasirError::invalid(
                "--from bukan server koperasi kasir: pasang dulu dengan `kasir server init --url URL-PEMILIK`",
                "--from is not a kasir coop server: install it first with `kasir server init --url OWNER-URL`",
            ));
        }
        if !linked {
            return Err(KasirError::invalid(
                "Skema kasir di server koperasi belum mendukung relay ke dinas: jalankan `kasir server init --url URL-PEMILIK`",
                "kasir's schema on the coop's server does not support the relay to the district yet: run `kasir server init --url OWNER-URL`",
            ));
        }
        Ok(CoopSource { client })
    }

    /// The coop id this server relays as, if it has relayed before.
    pub fn linked_coop(&mut self) -> Result<Option<String>> {
        Ok(self
            .client
            .query_opt("SELECT coop_id FROM district_link", &[])
            .map_err(|e| pg_error("read district link", e))?
            .map(|r| r.get(0)))
    }

    /// Link this server to `coop` if it is not linked yet; the coop it is linked to.
    pub fn link(&mut self, coop: &str) -> Result<String> {
        Ok(self
            .client
            .query_one("SELECT kasir_district_link($1)", &[&coop])
            .map_err(|e| pg_error("link to the district", e))?
            .get(0))
    }
}

impl crate::sync::relay::Source for CoopSource {
    fn tills(&mut self) -> Result<Vec<String>> {
        let rows = self
            .client
            .query(
                // One index step per till of `events` (its (till, seq) key), never a read
                // of the history; the registered tills besides.
                "WITH RECURSIVE t(till) AS (
                     SELECT min(till) FROM events
                     UNION ALL
                     SELECT (SELECT min(e.till) FROM events e WHERE e.till > t.till) FROM t
                     WHERE t.till IS NOT NULL)
                 SELECT till FROM t WHERE till IS NOT NULL
                 UNION SELECT till FROM tills ORDER BY 1",
                &[],
            )
            .map_err(|e| pg_error("list tills", e))?;
        Ok(rows.iter().map(|r| r.get(0)).collect())
    }

    fn events_after(&mut self, till: &str, after: i64, limit: i64) -> Result<Vec<Event>> {
        let rows = self
            .client
            .query(
                "SELECT id::text, till, seq, kind, version, payload::text, hash, till_time
                 FROM events WHERE till = $1 AND seq > $2 ORDER BY seq LIMIT $3",
                &[&till, &after, &limit],
            )
            .map_err(|e| pg_error("read events", e))?;
        Ok(rows
            .iter()
            .map(|r| Event {
                id: r.get(0),
                till: r.get(1),
                seq: r.get(2),
                kind: r.get(3),
                schema_version: i64::from(r.get::<_, i32>(4)),
                payload: crate::sync::relay::canonical_payload(r.get(5)),
                hash: r.get(6),
                till_time: r.get(7),
            })
            .collect())
    }

    fn record_held(&mut self, till: &str, held: i64) -> Result<()> {
        self.client
            .execute("SELECT kasir_district_ack($1, $2)", &[&till, &held])
            .map_err(|e| pg_error("district ack", e))?;
        Ok(())
    }
}
