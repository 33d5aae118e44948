//! A district's PostgreSQL (the Dinas Koperasi above several coops): installing kasir's
//! district schema (`src/sync/district.sql`) and registering a coop and its role. Every
//! statement kasir runs on a district database is here, in `district_report.rs` (the
//! reports' queries) or in that script.

use std::path::Path;

use postgres::config::SslMode;
use postgres::{Client, NoTls};
use serde::{Deserialize, Serialize};

use crate::error::{KasirError, Result};
use crate::store::coop::{self, config, connect, pg_error, Schema};
use crate::store::outbox::Event;
use crate::store::pg_tls::{self, SavedTls, Tls};
use crate::sync::relay::{District, Failed};

/// The schema version `district.sql` installs.
pub const DISTRICT_SCHEMA_VERSION: i32 = 6;

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
/// the credentials file `kasir district coop add … --out FILE` wrote, read by
/// [`load_credentials`] and connected to as the relay connects ([`DistrictLink`]).
pub fn coop_client(source: &str) -> Result<postgres::Client> {
    let source = source.trim();
    if source.starts_with("postgres://") || source.starts_with("postgresql://") {
        return connect(&config(source)?);
    }
    let link = DistrictLink::new(load_credentials(Path::new(source))?);
    link.connect().map_err(|f| match f {
        Failed::Unknown(e) | Failed::Refused(e) => e,
    })
}

/// The coop id the district credentials file `source` names (its `coop`, read by
/// [`load_credentials`]: a file that is not one is refused); None for a `postgresql://`
/// address.
pub fn coop_of_source(source: &str) -> Result<Option<String>> {
    let source = source.trim();
    if source.starts_with("postgres://") || source.starts_with("postgresql://") {
        return Ok(None);
    }
    Ok(Some(load_credentials(Path::new(source))?.coop))
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
    // A district older than this program would quarantine what it does not know yet.
    let version: Option<i32> = client
        .query_one("SELECT max(version) FROM district_schema_version", &[])
        .map_err(|e| pg_error("read the district's version", e))?
        .get(0);
    if version.is_none_or(|v| v < DISTRICT_SCHEMA_VERSION) {
        return Err(old_district());
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
/// How a coop reaches its district: where, and as which coop and role. Written by `kasir
/// district coop add --out FILE` (0600, whole or not at all); never printed.
#[derive(Clone, Serialize, Deserialize)]
pub struct DistrictCredentials {
    /// Always [`DISTRICT_FILE_KIND`]: a till's credentials file is not one of these.
    pub kind: String,
    pub coop: String,
    pub host: String,
    pub port: u16,
    pub dbname: String,
    pub role: String,
    pub password: String,
    /// The district's address asked for TLS: the relay connects over TLS only.
    #[serde(default)]
    pub tls: bool,
    /// The `sslmode` of the district's address and, for `verify-ca`/`verify-full`, the
    /// root certificate's PEM: the relay checks the district's certificate as it was asked.
    #[serde(flatten)]
    pub verify: SavedTls,
}

/// The `kind` of a district credentials file.
pub const DISTRICT_FILE_KIND: &str = "kasir-district";

impl std::fmt::Debug for DistrictCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DistrictCredentials")
            .field("coop", &self.coop)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("dbname", &self.dbname)
            .field("role", &self.role)
            .field("password", &"…")
            .field("tls", &self.tls)
            .finish()
    }
}

/// Register coop `coop` at the district at `url` (an owner's address) as
/// [`register_coop`] does, and the credentials the coop relays with.
pub fn register_coop_credentials(
    url: &str,
    coop: &str,
    name: &str,
    rejoin: bool,
) -> Result<DistrictCredentials> {
    let cfg = config(url)?;
    let role = register_coop(url, coop, name, rejoin)?;
    let (host, port, dbname) = coop::address(&cfg);
    Ok(DistrictCredentials {
        kind: DISTRICT_FILE_KIND.to_string(),
        coop: coop.to_string(),
        host,
        port,
        dbname,
        role: role.role,
        password: role.password,
        tls: cfg.tls.encrypted(),
        verify: cfg.tls.saved(),
    })
}

/// Keep `creds` at `file` (0600, written whole or not at all).
pub fn save_credentials(file: &Path, creds: &DistrictCredentials) -> Result<()> {
    coop::save_secret(file, creds)
}

/// The district credentials kept at `file`, or a refusal saying what the file is not.
pub fn load_credentials(file: &Path) -> Result<DistrictCredentials> {
    let not_one = || {
        KasirError::invalid(
            format!(
                "{} bukan file kredensial dinas (distrik): buat dengan `kasir district coop add --out FILE`",
                file.display()
            ),
            format!(
                "{} is not a district credentials file: make one with `kasir district coop add --out FILE`",
                file.display()
            ),
        )
    };
    let text = std::fs::read_to_string(file).map_err(|_| {
        KasirError::invalid(
            format!("{} tidak ada atau tidak terbaca", file.display()),
            format!("{} is missing or unreadable", file.display()),
        )
    })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|_| not_one())?;
    if value.get("kind").and_then(|k| k.as_str()) != Some(DISTRICT_FILE_KIND) {
        return Err(not_one());
    }
    serde_json::from_value(value).map_err(|_| not_one())
}

/// A connection to the district as a coop's role, made again after a lost answer.
pub struct DistrictLink {
    creds: DistrictCredentials,
    client: Option<Client>,
}

impl DistrictLink {
    pub fn new(creds: DistrictCredentials) -> DistrictLink {
        DistrictLink {
            creds,
            client: None,
        }
    }

    fn client(&mut self) -> std::result::Result<&mut Client, Failed> {
        let client = match self.client.take() {
            Some(c) => c,
            None => self.connect()?,
        };
        Ok(self.client.insert(client))
    }

    fn connect(&self) -> std::result::Result<Client, Failed> {
        let c = &self.creds;
        let mut cfg = coop::role_config(
            (&c.host, c.port, &c.dbname),
            (&c.role, &c.password),
            "kasir relay",
        );
        let tls = Tls::from_saved(c.tls, &c.verify).map_err(Failed::Refused)?;
        let connected = if tls.encrypted() {
            cfg.ssl_mode(SslMode::Require);
            cfg.connect(pg_tls::connector(&tls).map_err(Failed::Refused)?)
        } else {
            cfg.connect(NoTls)
        };
        let mut client =
            connected.map_err(|e| match pg_tls::certificate_refusal(&e, &tls, &cfg) {
                Some(refusal) => Failed::Refused(refusal),
                None => failed("connect", e),
            })?;
        // A district older than this program would quarantine what it does not know yet
        // (new kinds, redacted kinds): refuse until the district is upgraded.
        let version: Option<i32> = match client.query_one("SELECT kasir_district_version()", &[]) {
            Ok(row) => row.get(0),
            Err(e) if e.code() == Some(&postgres::error::SqlState::UNDEFINED_FUNCTION) => None,
            Err(e) => return Err(failed("read the district's version", e)),
        };
        if version.is_none_or(|v| v < DISTRICT_SCHEMA_VERSION) {
            let had = version.map_or_else(|| "< 6".to_string(), |v| v.to_string());
            return Err(Failed::Refused(KasirError::invalid(
                format!(
                    "Skema kasir di dinas versi {had}, lebih lama dari program ini ({DISTRICT_SCHEMA_VERSION}): minta dinas menjalankan `kasir server init --district --url URL-PEMILIK` dulu; tidak ada yang dikirim"
                ),
                format!(
                    "kasir's schema at the district is version {had}, older than this program ({DISTRICT_SCHEMA_VERSION}): ask the district to run `kasir server init --district --url OWNER-URL` first; nothing was sent"
                ),
            )));
        }
        Ok(client)
    }

    fn query(
        &mut self,
        what: &str,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> std::result::Result<Vec<(String, i64)>, Failed> {
        let rows = match self.client()?.query(sql, params) {
            Ok(rows) => rows,
            Err(e) => {
                let f = failed(what, e);
                if matches!(f, Failed::Unknown(_)) {
                    // The connection may be half-dead: the next try makes a new one.
                    self.client = None;
                }
                return Err(f);
            }
        };
        Ok(rows.iter().map(|r| (r.get(0), r.get(1))).collect())
    }
}

/// A refusal the district answered with (its SQL state names no lost connection), or an
/// unknown outcome.
fn failed(what: &str, e: postgres::Error) -> Failed {
    let lost = match e.as_db_error() {
        None => true,
        // Connection trouble, the server shutting down, out of resources, a deadlock or
        // serialization failure: the call may be done or not; trying again is safe.
        Some(db) => ["08", "57", "53", "40"]
            .iter()
            .any(|class| db.code().code().starts_with(class)),
    };
    let err = pg_error(what, e);
    if lost {
        Failed::Unknown(err)
    } else {
        Failed::Refused(err)
    }
}

impl District for DistrictLink {
    fn held(&mut self) -> std::result::Result<Vec<(String, i64)>, Failed> {
        let coop = self.creds.coop.clone();
        self.query(
            "relay held",
            "SELECT till, held FROM kasir_relay_held($1)",
            &[&coop],
        )
    }

    fn relay(&mut self, batch: &str) -> std::result::Result<Vec<(String, i64)>, Failed> {
        let coop = self.creds.coop.clone();
        self.query(
            "relay",
            "SELECT till, held FROM kasir_relay($1, $2::text::jsonb)",
            &[&coop, &batch],
        )
    }
}

/// One coop as the district sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoopStatus {
    pub coop: String,
    pub name: String,
    /// When the coop last relayed (UTC, `YYYY-MM-DD HH:MM:SS`), if ever.
    pub last_relay: Option<String>,
    /// Relayed batches answered.
    pub relays: i64,
    /// Events stored for the coop.
    pub events: i64,
    /// Tills of the coop with events stored.
    pub tills: i64,
    /// The coop's events in quarantine.
    pub quarantined: i64,
}

/// Each registered coop at the district at `url` (an owner's address).
pub fn status(url: &str) -> Result<Vec<CoopStatus>> {
    let mut client = connect(&config(url)?)?;
    let rows = client
        .query(
            "SELECT c.coop_id, c.name,
                    to_char(c.last_relay AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'), c.relays,
                    (SELECT count(*) FROM district_events e WHERE e.coop_id = c.coop_id),
                    (SELECT count(DISTINCT e.till) FROM district_events e
                     WHERE e.coop_id = c.coop_id),
                    (SELECT count(*) FROM district_quarantine q WHERE q.coop_id = c.coop_id)
             FROM coops c ORDER BY c.coop_id",
            &[],
        )
        .map_err(|e| pg_error("district status", e))?;
    Ok(rows
        .iter()
        .map(|r| CoopStatus {
            coop: r.get(0),
            name: r.get(1),
            last_relay: r.get(2),
            relays: r.get(3),
            events: r.get(4),
            tills: r.get(5),
            quarantined: r.get(6),
        })
        .collect())
}

/// An event the district could not store, with its coop, till, seq and reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quarantined {
    pub coop: String,
    pub till: String,
    pub seq: Option<i64>,
    pub kind: Option<String>,
    pub event_id: String,
    pub reason: String,
    /// When it came (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub received_at: String,
}

/// The district's quarantine at `url` (an owner's address), oldest first.
pub fn quarantine(url: &str) -> Result<Vec<Quarantined>> {
    let mut client = connect(&config(url)?)?;
    let rows = client
        .query(
            "SELECT coop_id, till, seq, kind, event_id, reason,
                    to_char(received_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')
             FROM district_quarantine ORDER BY id",
            &[],
        )
        .map_err(|e| pg_error("district quarantine", e))?;
    Ok(rows
        .iter()
        .map(|r| Quarantined {
            coop: r.get(0),
            till: r.get(1),
            seq: r.get(2),
            kind: r.get(3),
            event_id: r.get(4),
            reason: r.get(5),
            received_at: r.get(6),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_district_file_never_shows_its_password_and_a_tills_file_is_not_one() {
        let creds = DistrictCredentials {
            kind: DISTRICT_FILE_KIND.to_string(),
            coop: "kdmp-a".to_string(),
            host: "dinas".to_string(),
            port: 5432,
            dbname: "dinas".to_string(),
            role: "kasir_coop_kdmp_a".to_string(),
            password: "s3cret-password".to_string(),
            tls: false,
            verify: SavedTls::default(),
        };
        let shown = format!("{creds:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("kdmp-a"), "{shown}");

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("kdmp-a.json");
        save_credentials(&file, &creds).unwrap();
        assert_eq!(load_credentials(&file).unwrap().password, "s3cret-password");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&file).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let till = dir.path().join("till.sync.json");
        std::fs::write(
            &till,
            r#"{"till":"a","host":"h","port":1,"dbname":"d","role":"r","password":"p"}"#,
        )
        .unwrap();
        let err = load_credentials(&till).unwrap_err();
        assert!(err
            .message(crate::i18n::Lang::En)
            .contains("not a district credentials file"));
    }
}
