//! The SQLite store: schema, migrations and every query. No other module writes SQL.
//!
//! One file, WAL, `synchronous=FULL`, foreign keys on, a busy timeout, and immediate write
//! transactions so two tills on one file queue instead of failing.

pub mod audit;
pub mod bulk;
pub mod bundles;
pub mod catalog;
pub mod coop;
pub mod crash;
pub mod dashboard;
pub mod district;
pub mod district_report;
pub mod exceptions;
pub mod ledger;
pub mod members;
pub mod opname;
pub mod outbox;
pub mod pg_tls;
pub mod pharmacy;
#[cfg(test)]
mod plan_guard;
pub mod print;
pub mod pull;
pub mod returns;
pub mod sales;
pub mod search;
pub mod settings;
pub mod shift_close;
pub mod shifts;
pub mod stock;
pub mod till;
pub mod users;

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OpenFlags, OptionalExtension, Transaction, TransactionBehavior};
use rusqlite_migration::{Migrations, M};

use crate::error::{KasirError, Result};

/// `PRAGMA application_id` of a kasir database ("KSIR").
pub const APPLICATION_ID: i32 = 0x4B53_4952;

fn migrations() -> Migrations<'static> {
    Migrations::new(vec![
        M::up(include_str!("schema_v1.sql")),
        M::up(include_str!("schema_v2_till.sql")),
        M::up(include_str!("schema_v3_print.sql")),
        M::up(include_str!("schema_v4_stock.sql")),
        M::up(include_str!("schema_v5_ledger.sql")),
        M::up(include_str!("schema_v6_perf.sql")),
        M::up(include_str!("schema_v7_reliability.sql")),
        M::up(include_str!("schema_v8_print.sql")),
        M::up(include_str!("schema_v9_stock.sql")),
        M::up(include_str!("schema_v10_ledger.sql")),
        M::up(include_str!("schema_v11_till.sql")),
        M::up(include_str!("schema_v12_perf.sql")),
        M::up(include_str!("schema_v13_sale_pages.sql")),
        M::up(include_str!("schema_v14_stock_in_moves.sql")),
        M::up(include_str!("schema_v15_shift_sales.sql")),
        M::up(include_str!("schema_v16_opening.sql")).foreign_key_check(),
        M::up(include_str!("schema_v17_prescriptions.sql")),
        M::up(include_str!("schema_v18_settings_receipts.sql")),
        M::up(include_str!("schema_v19_label_scale.sql")),
        M::up(include_str!("schema_v20_print_tills.sql")),
        M::up(include_str!("schema_v21_lookups.sql")),
        M::up(include_str!("schema_v22_once.sql")),
        M::up(include_str!("schema_v23_outbox.sql")),
        M::up(include_str!("schema_v24_pull.sql")),
        M::up(include_str!("schema_v25_posted_on.sql")),
        M::up(include_str!("schema_v26_exceptions.sql")),
        M::up(include_str!("schema_v27_catalog_sync.sql")),
        M::up(include_str!("schema_v28_synced_at.sql")),
        M::up(include_str!("schema_v29_district.sql")),
        M::up(include_str!("schema_v30_rx_sync.sql")).foreign_key_check(),
        M::up(include_str!("schema_v31_server_id.sql")),
        M::up(include_str!("schema_v32_travel.sql")),
        M::up(include_str!("schema_v33_late_events.sql")).foreign_key_check(),
    ])
}

/// Schema version this program writes.
pub fn schema_version() -> i64 {
    33
}

/// Tables that only grow with the shop's history; [`Store::open`] does not read them whole.
pub const HISTORY: &[&str] = &[
    "audit_log",
    "cash_counts",
    "cash_moves",
    "day_events",
    "events",
    "goods_receipt_lines",
    "goods_receipts",
    "journal_lines",
    "journals",
    "member_savings",
    "opname_counts",
    "prescriptions",
    "print_jobs",
    "return_lines",
    "returns",
    "sale_lines",
    "sale_receipts",
    "sale_tenders",
    "sales",
    "shift_closes",
    "stock_moves",
];

/// `PRAGMA quick_check` of one table and its indexes, or of the whole file.
fn quick_check(conn: &Connection, table: Option<&str>) -> Result<()> {
    let sql = match table {
        Some(t) => format!("PRAGMA quick_check(\"{}\")", t.replace('"', "\"\"")),
        None => "PRAGMA quick_check(1)".to_string(),
    };
    match conn.query_row(&sql, [], |r| r.get::<_, String>(0)) {
        Ok(s) if s == "ok" => Ok(()),
        Ok(s) => Err(KasirError::DbCorrupt(s)),
        Err(e) => Err(damage(e)),
    }
}

fn damage(e: rusqlite::Error) -> KasirError {
    if is_corruption(&e) {
        KasirError::DbCorrupt(e.to_string())
    } else {
        busy(e)
    }
}

/// The whole file checked for damage (every table, the history too) on a connection of its
/// own, so it can run beside a till that is selling. Reads only.
pub fn check_file(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.busy_timeout(busy_timeout())?;
    quick_check(&conn, None)
}

/// An open kasir database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    /// Product names in memory for search as you type (rebuilt when the catalog changes).
    pub(crate) names: search::NameCache,
}

/// Whether [`Store::open`] may create a new file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpenMode {
    /// The shop must exist.
    Existing,
    /// Create a new, empty shop; refuse if the file exists.
    CreateNew,
}

impl Store {
    /// Open (or create) the shop database at `path`, refusing anything that is not a kasir
    /// database of this or an older schema.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Store> {
        let shown = path.display().to_string();
        if path.is_dir() {
            return Err(KasirError::DbIsDirectory(shown));
        }
        let exists = path.exists();
        match (mode, exists) {
            (OpenMode::Existing, false) => return Err(KasirError::NoDb(shown)),
            (OpenMode::CreateNew, true) => return Err(KasirError::DbExists(shown)),
            (OpenMode::CreateNew, false) => create_private_file(path)?,
            (OpenMode::Existing, true) => {}
        }
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        let mut store = Store {
            conn,
            path: path.to_path_buf(),
            names: Default::default(),
        };
        store.check_identity(mode, &shown)?;
        store.configure()?;
        if mode == OpenMode::Existing {
            store.quick_check()?;
        }
        store.migrate()?;
        Ok(store)
    }

    /// A private in-memory shop, for tests and benchmarks.
    pub fn open_in_memory() -> Result<Store> {
        let conn = Connection::open_in_memory()?;
        let mut store = Store {
            conn,
            path: PathBuf::from(":memory:"),
            names: Default::default(),
        };
        store.configure()?;
        store.migrate()?;
        Ok(store)
    }

    fn check_identity(&self, mode: OpenMode, shown: &str) -> Result<()> {
        // Only "this is no database" means a foreign file; a locked, unreadable or
        // read-only file says so instead.
        let not_kasir = |e: rusqlite::Error| {
            if is_corruption(&e) {
                KasirError::NotKasirDb(shown.to_string())
            } else {
                busy(e)
            }
        };
        let app_id: i32 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .map_err(not_kasir)?;
        // The header says kasir: anything unreadable past it is damage, not a foreign file.
        let damaged = |e: rusqlite::Error| {
            if app_id == APPLICATION_ID && is_corruption(&e) {
                KasirError::DbCorrupt(e.to_string())
            } else {
                not_kasir(e)
            }
        };
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(damaged)?;
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get(0))
            .map_err(damaged)?;
        match mode {
            OpenMode::CreateNew => Ok(()),
            OpenMode::Existing if app_id != APPLICATION_ID || tables == 0 => {
                Err(KasirError::NotKasirDb(shown.to_string()))
            }
            OpenMode::Existing if version > schema_version() => Err(KasirError::DbTooNew {
                found: version,
                supported: schema_version(),
            }),
            OpenMode::Existing => Ok(()),
        }
    }

    fn configure(&mut self) -> Result<()> {
        self.conn.busy_timeout(busy_timeout())?;
        self.conn
            .query_row("PRAGMA journal_mode=WAL", [], |r| r.get::<_, String>(0))?;
        self.conn.execute_batch(
            "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;",
        )?;
        self.conn.set_prepared_statement_cache_capacity(256);
        Ok(())
    }

    fn migrate(&mut self) -> Result<()> {
        // A migration that rebuilds a table other tables point at (journals) needs foreign
        // keys off while it runs, as SQLite prescribes; such a migration checks them itself
        // before it commits (`foreign_key_check`).
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if (10..22).contains(&version) {
            check_before_v22(&self.conn)?;
        }
        self.conn.execute_batch("PRAGMA foreign_keys=OFF")?;
        let migrated = migrations()
            .to_latest(&mut self.conn)
            .map_err(|e| KasirError::DbCorrupt(e.to_string()));
        self.conn.execute_batch("PRAGMA foreign_keys=ON")?;
        migrated?;
        // Writing the header takes the write lock: only when it is not set yet, so that
        // opening the shop never waits behind another till's sale.
        let app_id: i32 = self
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))?;
        if app_id != APPLICATION_ID {
            self.conn
                .execute_batch(&format!("PRAGMA application_id={APPLICATION_ID}"))
                .map_err(busy)?;
        }
        Ok(())
    }

    /// Damage in the shop's working tables (catalog, members, users, settings, open shifts,
    /// drafts …) refuses the shop at start, with the advice to restore the last backup,
    /// instead of failing mid-sale. The history tables, which grow with every sale, are left
    /// to [`check_file`] (run by the till in the background after start, by `kasir check` and
    /// by every backup), so that opening a shop with years of sales still takes well under a
    /// second; a query that reaches a damaged history page is refused with the same advice.
    fn quick_check(&self) -> Result<()> {
        let tables: Vec<String> = self
            .conn
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
            .and_then(|mut st| {
                st.query_map([], |r| r.get(0))?
                    .collect::<rusqlite::Result<Vec<String>>>()
            })
            .map_err(damage)?;
        for table in tables.iter().filter(|t| !HISTORY.contains(&t.as_str())) {
            quick_check(&self.conn, Some(table))?;
        }
        Ok(())
    }

    /// The file this store lives in.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Read-only access for queries.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Run a use case in one immediate write transaction: all of it is committed, or none.
    /// The transaction takes the file's write lock before `f` runs, so everything `f`
    /// reads — through `tx` or through [`Store::conn`] (its checks, settings, prices) — is
    /// read inside it: no other till can change it between the check and the write, and
    /// the use case takes the locks once. A row the schema refuses (a day posted twice, a
    /// return above what was sold, a second open shift on a till) comes back as the
    /// refusal it stands for, not as SQLite's words.
    pub fn write<T>(&self, f: impl FnOnce(&Transaction) -> Result<T>) -> Result<T> {
        crash::stage("before_begin");
        let tx =
            Transaction::new_unchecked(&self.conn, TransactionBehavior::Immediate).map_err(busy)?;
        let out = f(&tx).map_err(refusal)?;
        crash::stage("before_commit");
        tx.commit().map_err(busy)?;
        crash::stage("after_commit");
        Ok(out)
    }

    /// Copy the whole file into a new SQLite file `dst` with SQLite's online backup (other
    /// connections may keep writing meanwhile), then check the copy opens as a whole shop:
    /// a copy that does not is no backup. Syncing and naming the copy is the caller's.
    pub fn copy_to(&self, dst: &Path) -> Result<()> {
        let mut out = Connection::open(dst)?;
        {
            let b = rusqlite::backup::Backup::new(&self.conn, &mut out)?;
            b.run_to_completion(256, Duration::from_millis(5), None)?;
        }
        crash::point("backup.after_copy");
        let ok: String = out.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
        if ok != "ok" {
            return Err(KasirError::DbCorrupt(ok));
        }
        Ok(())
    }

    /// SQLite's own integrity check; `Ok(())` when it says "ok".
    pub fn integrity_check(&self) -> Result<()> {
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        if rows.len() == 1 && rows[0] == "ok" {
            Ok(())
        } else {
            Err(KasirError::DbCorrupt(rows.join("; ")))
        }
    }
}

/// Schema 22 refuses a second live day journal for a date and unit. A file that already
/// holds one (two day closes that raced before it) is not upgraded: the books of that day
/// count twice, and only a person can say which close stands. The refusal names the day;
/// reversing it with the program that wrote it (`kasir day reverse`) reverses both and
/// posts the day once, after which the upgrade goes through. Nothing is dropped.
fn check_before_v22(c: &Connection) -> Result<()> {
    let twice: Option<(String, String)> = opt(c.query_row(
        "SELECT business_date, business_unit FROM journals j
         WHERE kind = 'day' AND NOT EXISTS (SELECT 1 FROM journals r WHERE r.reverses = j.id)
         GROUP BY business_date, business_unit HAVING count(*) > 1
         ORDER BY business_date LIMIT 1",
        [],
        |r| Ok((r.get(0)?, r.get(1)?)),
    ))?;
    match twice {
        None => Ok(()),
        Some((date, unit)) => Err(KasirError::invalid(
            format!(
                "Hari {date} unit {unit} terposting dua kali (dua jurnal hari yang berlaku) — database tidak diperbarui. Dengan versi kasir sebelumnya jalankan `kasir day reverse --date {date} --reason \"posting ganda\"`, lalu buka lagi dengan versi ini"
            ),
            format!(
                "Day {date} unit {unit} is posted twice (two live day journals) — the database was not upgraded. With the previous kasir version run `kasir day reverse --date {date} --reason \"posted twice\"`, then open it with this version again"
            ),
        )),
    }
}

/// How long a write waits for another till's transaction before giving up:
/// `KASIR_BUSY_TIMEOUT_MS` (tests shorten it), default 10 s.
pub fn busy_timeout() -> Duration {
    std::env::var("KASIR_BUSY_TIMEOUT_MS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
        .map(Duration::from_millis)
        .unwrap_or(Duration::from_secs(10))
}

/// SQLite says the file is damaged or not a database.
pub(crate) fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt) | Some(rusqlite::ErrorCode::NotADatabase)
    )
}

/// A row the schema refuses (schema_v22_once, `shifts_open_per_till`), as the refusal it
/// stands for; any other error as it is.
fn refusal(e: KasirError) -> KasirError {
    let KasirError::Db(db) = &e else {
        return e;
    };
    if db.sqlite_error_code() != Some(rusqlite::ErrorCode::ConstraintViolation) {
        return e;
    }
    let text = db.to_string();
    let (id, en) = if text.contains("kasir: day already closed")
        || text.contains("kasir: day journal already posted")
    {
        (
            "Hari itu sudah ditutup dan diposting (oleh proses lain barusan) — tidak diposting dua kali",
            "That day is already closed and posted (by another process just now) — not posted twice",
        )
    } else if text.contains("kasir: day not closed") {
        (
            "Hari itu belum ditutup: tidak ada yang dibalik",
            "That day is not closed: nothing to reverse",
        )
    } else if text.contains("kasir: return above sold") {
        (
            "Retur melebihi yang dijual dikurangi yang sudah diretur — tidak dicatat",
            "The return is more than was sold less what came back already — not recorded",
        )
    } else if text.contains("UNIQUE constraint failed: shifts.till") {
        (
            "Shift di till itu sudah terbuka (dibuka barusan) — tidak dibuka dua kali",
            "A shift on that till is already open (opened just now) — not opened twice",
        )
    } else {
        return e;
    };
    KasirError::invalid(id, en)
}

fn busy(e: rusqlite::Error) -> KasirError {
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseBusy) | Some(rusqlite::ErrorCode::DatabaseLocked) => {
            KasirError::Busy
        }
        _ => KasirError::Db(e),
    }
}

#[cfg(unix)]
fn create_private_file(path: &Path) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    Ok(())
}

#[cfg(not(unix))]
fn create_private_file(path: &Path) -> Result<()> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    Ok(())
}

/// `query_row` that maps "no rows" to `None`.
pub(crate) fn opt<T>(r: rusqlite::Result<T>) -> Result<Option<T>> {
    Ok(r.optional()?)
}

/// Fixed names (drug classes, kinds) as an SQL list for `IN (…)`: `'a','b'`. The names come
/// from the program, never from input; a quote in one is dropped.
pub(crate) fn text_list(names: &[&str]) -> String {
    names
        .iter()
        .map(|k| format!("'{}'", k.replace('\'', "")))
        .collect::<Vec<_>>()
        .join(",")
}

/// Decimal money → stored minor units; amounts finer than 1/100 rupiah are refused.
pub(crate) fn minor(d: rust_decimal::Decimal) -> Result<i64> {
    crate::domain::money::money_to_minor(d).ok_or_else(|| {
        KasirError::invalid(
            format!("Nominal {d} terlalu teliti atau terlalu besar"),
            format!("Amount {d} is too precise or too large"),
        )
    })
}

/// Decimal quantity → stored thousandths; finer quantities are refused.
pub(crate) fn milli(d: rust_decimal::Decimal) -> Result<i64> {
    crate::domain::money::qty_to_milli(d).ok_or_else(|| {
        KasirError::invalid(
            format!("Jumlah {d} terlalu teliti atau terlalu besar"),
            format!("Quantity {d} is too precise or too large"),
        )
    })
}

#[cfg(test)]
mod tests;
