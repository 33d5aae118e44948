//! The coop's PostgreSQL (the store's other database; every statement kasir runs on it is
//! here or in `src/sync/server.sql`): installing kasir's schema and functions, registering
//! a till and its role, pushing as that role, and the server's status.

use std::path::{Path, PathBuf};
use std::str::FromStr;

use postgres::{Client, Config, NoTls};
use serde::{Deserialize, Serialize};

use crate::error::{KasirError, Result};
use crate::store::outbox::Event;
use crate::sync::Server;

/// The schema version `server.sql` installs.
pub const SERVER_SCHEMA_VERSION: i32 = 4;

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

pub(crate) fn config(url: &str) -> Result<Config> {
    Config::from_str(url).map_err(|_| {
        KasirError::invalid(
            "Alamat server tidak terbaca (contoh: postgresql://pemilik@host:5432/koperasi)",
            "The server address does not parse (e.g. postgresql://owner@host:5432/coop)",
        )
    })
}

pub(crate) fn connect(config: &Config) -> Result<Client> {
    config.connect(NoTls).map_err(|e| pg_error("connect", e))
}

/// Install or upgrade kasir's schema on the server at `url` (an owner's address), in one
/// transaction under an advisory lock. Returns (version before, version now).
pub fn init(url: &str) -> Result<(Option<i32>, i32)> {
    let mut client = connect(&config(url)?)?;
    let mut tx = client.transaction().map_err(|e| pg_error("begin", e))?;
    tx.execute("SELECT pg_advisory_xact_lock(727374)", &[])
        .map_err(|e| pg_error("lock", e))?;
    let exists: bool = tx
        .query_one(
            "SELECT to_regclass('kasir_schema_version') IS NOT NULL",
            &[],
        )
        .map_err(|e| pg_error("read version", e))?
        .get(0);
    let before: Option<i32> = if exists {
        tx.query_one("SELECT max(version) FROM kasir_schema_version", &[])
            .map_err(|e| pg_error("read version", e))?
            .get(0)
    } else {
        None
    };
    if let Some(v) = before {
        if v > SERVER_SCHEMA_VERSION {
            return Err(KasirError::invalid(
                format!("Skema kasir di server versi {v}, lebih baru dari program ini ({SERVER_SCHEMA_VERSION})"),
                format!("kasir's schema on the server is version {v}, newer than this program ({SERVER_SCHEMA_VERSION})"),
            ));
        }
    }
    tx.batch_execute(SERVER_SQL)
        .map_err(|e| pg_error("install schema", e))?;
    tx.commit().map_err(|e| pg_error("commit", e))?;
    Ok((before, SERVER_SCHEMA_VERSION))
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
            .finish()
    }
}

/// `SHOP.sync.json` beside the shop file `db`.
pub fn credentials_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".sync.json");
    PathBuf::from(name)
}

fn random_password() -> String {
    use rand_core::RngCore;
    let mut bytes = [0u8; 24];
    rand_core::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Register `till` on the server at `url` (an owner's address): a role that may only execute
/// `kasir_push`, and only for `till`. Returns the credentials to keep.
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
    let host = match cfg.get_hosts().first() {
        Some(postgres::config::Host::Tcp(h)) => h.clone(),
        Some(postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_string(),
    };
    Ok(Credentials {
        till: till.to_string(),
        host,
        port: cfg.get_ports().first().copied().unwrap_or(5432),
        dbname: cfg
            .get_dbname()
            .or(cfg.get_user())
            .unwrap_or("postgres")
            .to_string(),
        role,
        password,
    })
}

/// Keep `creds` at `file`, readable by its owner only (0600), written whole or not at all.
pub fn save_credentials(file: &Path, creds: &Credentials) -> Result<()> {
    let text = serde_json::to_string_pretty(creds)
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

/// A connection to the server as a till's role.
pub struct PgServer {
    client: Client,
}

impl PgServer {
    pub fn connect(creds: &Credentials) -> Result<PgServer> {
        let mut cfg = Config::new();
        cfg.host(&creds.host)
            .port(creds.port)
            .dbname(&creds.dbname)
            .user(&creds.role)
            .password(&creds.password)
            .application_name("kasir sync");
        Ok(PgServer {
            client: connect(&cfg)?,
        })
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
                    (SELECT count(*) FROM quarantine q WHERE q.till = t.till)
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
        })
        .collect())
}
