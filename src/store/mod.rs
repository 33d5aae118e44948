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
mod tests {
    use super::*;

    #[test]
    fn refuses_directories_foreign_files_and_newer_schemas() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            Store::open(dir.path(), OpenMode::Existing),
            Err(KasirError::DbIsDirectory(_))
        ));
        let text = dir.path().join("notes.txt");
        std::fs::write(&text, "bukan database, hanya catatan belanja\n".repeat(200)).unwrap();
        assert!(matches!(
            Store::open(&text, OpenMode::Existing),
            Err(KasirError::NotKasirDb(_))
        ));
        assert_eq!(
            std::fs::read(&text).unwrap().len(),
            "bukan database, hanya catatan belanja\n".len() * 200
        );
        let other = dir.path().join("other.db");
        Connection::open(&other)
            .unwrap()
            .execute_batch("CREATE TABLE t(x)")
            .unwrap();
        assert!(matches!(
            Store::open(&other, OpenMode::Existing),
            Err(KasirError::NotKasirDb(_))
        ));
        let db = dir.path().join("kasir.db");
        drop(Store::open(&db, OpenMode::CreateNew).unwrap());
        assert!(matches!(
            Store::open(&db, OpenMode::CreateNew),
            Err(KasirError::DbExists(_))
        ));
        Connection::open(&db)
            .unwrap()
            .execute_batch("PRAGMA user_version=99")
            .unwrap();
        assert!(matches!(
            Store::open(&db, OpenMode::Existing),
            Err(KasirError::DbTooNew { found: 99, .. })
        ));
    }

    #[test]
    fn schema_version_is_the_last_migration() {
        let s = Store::open_in_memory().unwrap();
        let v: i64 = s
            .conn()
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(v, schema_version());
    }

    #[test]
    fn new_store_is_wal_with_full_sync_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kasir.db");
        let s = Store::open(&db, OpenMode::CreateNew).unwrap();
        let mode: String = s
            .conn()
            .query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap();
        let sync: i64 = s
            .conn()
            .query_row("PRAGMA synchronous", [], |r| r.get(0))
            .unwrap();
        let fk: i64 = s
            .conn()
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!((mode.as_str(), sync, fk), ("wal", 2, 1));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let perms = std::fs::metadata(&db).unwrap().permissions().mode();
            assert_eq!(perms & 0o077, 0, "database readable by others: {perms:o}");
        }
        s.integrity_check().unwrap();
    }

    #[test]
    fn a_v12_shop_keeps_its_draft_carts_and_moves_through_v13() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kasir.db");
        {
            let mut c = Connection::open(&db).unwrap();
            migrations().to_version(&mut c, 12).unwrap();
            c.execute_batch(
                "INSERT INTO drafts(till, cart, updated_at) VALUES ('sembako-1', '{\"lines\":[]}', 't');
                 INSERT INTO products(uuid, sku, name, business_unit, base_unit, tax_class) VALUES ('u', 'X', 'X', 'sembako', 'pcs', 'exempt');
                 INSERT INTO batches(product_id, batch_no, expiry, on_hand) VALUES (1, 'B1', '2027-01-01', 5000);
                 INSERT INTO stock_moves(product_id, batch_id, kind, qty, value, at) VALUES (1, 1, 'receipt', 5000, 100, 't');
                 INSERT INTO stock_moves(product_id, kind, qty, value, at) VALUES (1, 'receipt', 1000, 20, 't');",
            )
            .unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
        }
        let s = Store::open(&db, OpenMode::Existing).unwrap();
        let c = s.conn();
        let draft: String = c
            .query_row(
                "SELECT cart FROM drafts WHERE till = 'sembako-1'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(draft, "{\"lines\":[]}");
        let by_batch: i64 = c
            .query_row(
                "SELECT count(*) FROM stock_moves WHERE batch_id = 1",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(by_batch, 1);
        let indexes: Vec<String> = c
            .prepare("SELECT name FROM sqlite_schema WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(indexes.contains(&"sales_day_till".to_string()));
        // The X and Z reports find a shift's sales by their range of ids (v15).
        assert!(!indexes.contains(&"sales_shift".to_string()));
        let plan: String = c
            .query_row(
                &format!(
                    "EXPLAIN QUERY PLAN SELECT count(*), sum(payable) FROM sales s
                     WHERE {}",
                    shifts::SALES_OF_SHIFT
                ),
                [1],
                |r| r.get(3),
            )
            .unwrap();
        assert!(
            plan.contains("INTEGER PRIMARY KEY (rowid>? AND rowid<?)"),
            "{plan}"
        );
        assert!(indexes.contains(&"stock_moves_batch".to_string()));
        assert!(!indexes.contains(&"sales_date".to_string()));
        assert!(!indexes.contains(&"sale_lines_product".to_string()));
        s.integrity_check().unwrap();
    }

    #[test]
    fn a_v13_shop_keeps_its_stock_tenders_and_print_jobs_through_v14() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kasir.db");
        {
            let mut c = Connection::open(&db).unwrap();
            migrations().to_version(&mut c, 13).unwrap();
            // Two products, one with a batch; the v13 cache on the product holds the sums.
            c.execute_batch(
                "INSERT INTO products(uuid, sku, name, business_unit, base_unit, tax_class, on_hand, stock_value)
                     VALUES ('u1', 'X', 'X', 'sembako', 'pcs', 'exempt', 4000, 80),
                            ('u2', 'Y', 'Y', 'apotek', 'pcs', 'exempt', 300, 900);
                 INSERT INTO batches(product_id, batch_no, expiry, on_hand) VALUES (1, 'B1', '2027-01-01', 3000);
                 INSERT INTO stock_moves(product_id, batch_id, kind, qty, value, at) VALUES (1, 1, 'receipt', 5000, 100, 't1');
                 INSERT INTO stock_moves(product_id, kind, qty, value, at) VALUES (2, 'receipt', 500, 1500, 't1');
                 INSERT INTO stock_moves(product_id, kind, qty, value, at) VALUES (1, 'receipt', 1000, 20, 't2');
                 INSERT INTO stock_moves(product_id, batch_id, kind, qty, value, at) VALUES (1, 1, 'sale', -2000, -40, 't3');
                 INSERT INTO stock_moves(product_id, kind, qty, value, at) VALUES (2, 'sale', -200, -600, 't3');
                 INSERT INTO sales(uuid, number, till, business_unit, business_date, created_at, cashier,
                                   gross, discount, total, rounding, payable, ppn, change_given)
                     VALUES ('s1', 'T-20261201-0001', 'T', 'sembako', '2026-12-01', 't3', 'siti',
                             5000, 0, 5000, 0, 5000, 0, 0);
                 INSERT INTO sale_tenders(sale_id, kind, amount, reference) VALUES (1, 'qris', 3000, 'QR-1');
                 INSERT INTO sale_tenders(sale_id, kind, amount) VALUES (1, 'cash', 2000);
                 INSERT INTO print_jobs(uuid, kind, ref, sale_id, printer, next_attempt_at, created_at)
                     VALUES ('j1', 'drawer', 'T-20261201-0001', 1, 'sim', 't3', 't3'),
                            ('j2', 'receipt', 'T-20261201-0001', 1, 'sim', 't3', 't3');",
            )
            .unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
        }
        let s = Store::open(&db, OpenMode::Existing).unwrap();
        let c = s.conn();
        // The balances after each move are the running sums, and the stock read from them
        // is what the cache held.
        let balances: Vec<(i64, i64, i64)> = c
            .prepare("SELECT product_id, on_hand_after, value_after FROM stock_moves ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(
            balances,
            vec![
                (1, 5000, 100),
                (2, 500, 1500),
                (1, 6000, 120),
                (1, 4000, 80),
                (2, 300, 900)
            ]
        );
        let (on_hand, value, _) = stock::position(c, 1).unwrap();
        assert_eq!(
            (on_hand, value),
            (
                rust_decimal::Decimal::from(4),
                rust_decimal::Decimal::new(80, 2)
            )
        );
        assert!(stock::mismatches(c).unwrap().is_empty());
        // The cache is gone from the product, and moves stay append-only.
        let cols: Vec<String> = c
            .prepare("SELECT name FROM pragma_table_info('products')")
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert!(
            !cols.iter().any(|n| n == "on_hand" || n == "stock_value"),
            "{cols:?}"
        );
        assert!(c
            .execute("UPDATE stock_moves SET qty = 0 WHERE id = 1", [])
            .is_err());
        // Tenders keep their order; print jobs keep their ids and uuids.
        let sale = sales::by_number(c, "T-20261201-0001").unwrap().unwrap();
        let kinds: Vec<&str> = sale.tenders.iter().map(|t| t.kind.as_str()).collect();
        assert_eq!(kinds, ["qris", "cash"]);
        let jobs: Vec<(i64, String)> = c
            .prepare("SELECT id, uuid FROM print_jobs ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .map(|r| r.unwrap())
            .collect();
        assert_eq!(jobs, vec![(1, "j1".to_string()), (2, "j2".to_string())]);
        let fk: i64 = c
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(fk, 0);
        s.integrity_check().unwrap();
    }

    #[test]
    fn a_v14_shop_finds_each_shifts_sales_by_their_ids_after_v15() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kasir.db");
        let sale = |id: i64, shift: i64, total: i64| {
            format!(
                "INSERT INTO sales(id, uuid, number, till, shift_id, business_unit, business_date,
                                   created_at, cashier, gross, discount, total, rounding, payable,
                                   ppn, change_given)
                 VALUES ({id}, 'u{id}', 'n{id}', 't', {shift}, 'sembako', '2026-12-01', 't', 'c',
                         {total}, 0, {total}, 0, {total}, 0, 0);"
            )
        };
        {
            let mut c = Connection::open(&db).unwrap();
            migrations().to_version(&mut c, 14).unwrap();
            // Shift 1 closed with sales 1 and 3; shift 2 (another till) sold 2 and 5 and is
            // still open; shift 3 closed without a sale; shift 4 open without a sale.
            let mut sql = String::from(
                "INSERT INTO shifts(id, uuid, till, business_unit, cashier, opened_at, opening_float, status, closed_at)
                 VALUES (1, 's1', 'a', 'sembako', 'c', 't', 0, 'closed', 't'),
                        (2, 's2', 'b', 'sembako', 'c', 't', 0, 'open', NULL),
                        (3, 's3', 'a', 'sembako', 'c', 't', 0, 'closed', 't'),
                        (4, 's4', 'c', 'sembako', 'c', 't', 0, 'open', NULL);",
            );
            for (id, shift, total) in [(1, 1, 100), (2, 2, 20), (3, 1, 300), (5, 2, 50)] {
                sql.push_str(&sale(id, shift, total));
            }
            c.execute_batch(&sql).unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
        }
        let s = Store::open(&db, OpenMode::Existing).unwrap();
        let c = s.conn();
        let totals = |shift: i64| -> (i64, i64) {
            c.query_row(
                &format!(
                    "SELECT count(*), coalesce(sum(total), 0) FROM sales s WHERE {}",
                    shifts::SALES_OF_SHIFT
                ),
                [shift],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap()
        };
        assert_eq!(totals(1), (2, 400));
        assert_eq!(totals(2), (2, 70));
        assert_eq!(totals(3), (0, 0));
        assert_eq!(totals(4), (0, 0));
        // A sale after the migration counts for the open shifts it belongs to.
        c.execute_batch(&sale(6, 4, 7)).unwrap();
        c.execute_batch(&sale(7, 2, 9)).unwrap();
        assert_eq!(totals(4), (1, 7));
        assert_eq!(totals(2), (3, 79));
        assert_eq!(totals(1), (2, 400));
        // No sale is deleted, so no later sale can take a lower id than a shift's start.
        assert!(c.execute("DELETE FROM sales WHERE id = 7", []).is_err());
        s.integrity_check().unwrap();
    }

    #[test]
    fn a_v15_shop_keeps_its_posted_journals_after_v16_and_takes_one_opening() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kasir.db");
        {
            let mut c = Connection::open(&db).unwrap();
            migrations().to_version(&mut c, 15).unwrap();
            c.execute_batch(
                "INSERT INTO journals(id, uuid, number, business_date, business_unit, kind, memo,
                                      posted_at, posted_by, reverses)
                 VALUES (1, 'j1', 'J000001', '2026-12-01', 'sembako', 'day', 'Tutup hari', 't', 'a', NULL),
                        (2, 'j2', 'J000002', '2026-12-01', 'sembako', 'reversal', 'Balik', 't', 'a', 1);
                 INSERT INTO journal_lines(journal_id, line_no, account_id, debit, credit)
                 SELECT 2, 1, id, 0, 500 FROM accounts WHERE code = '1-1101';
                 INSERT INTO journal_lines(journal_id, line_no, account_id, debit, credit)
                 SELECT 2, 2, id, 500, 0 FROM accounts WHERE code = '4-1102';",
            )
            .unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
        }
        // The journals table is rebuilt under foreign keys, which are on again afterwards.
        let s = Store::open(&db, OpenMode::Existing).unwrap();
        let c = s.conn();
        let fk: i64 = c
            .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
            .unwrap();
        assert_eq!(fk, 1, "foreign keys are back on after the migration");
        let kept: (i64, i64, i64) = c
            .query_row(
                "SELECT count(*), (SELECT reverses FROM journals WHERE id = 2),
                        (SELECT count(*) FROM journal_lines WHERE journal_id = 2)
                 FROM journals",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!(kept, (2, 1, 2));
        assert!(c.execute("UPDATE journals SET memo = 'x'", []).is_err());
        assert!(c.execute("DELETE FROM journals WHERE id = 2", []).is_err());
        let opening = |n: i64| {
            c.execute(
                &format!(
                    "INSERT INTO journals(uuid, number, business_date, business_unit, kind, memo,
                                          posted_at, posted_by, stock_through)
                     VALUES ('o{n}', 'J00000{n}', '2026-12-02', 'koperasi', 'opening', 'Saldo awal',
                             't', 'a', 0)"
                ),
                [],
            )
        };
        assert!(opening(3).is_ok());
        assert!(opening(4).is_err(), "one opening only");
        assert!(c
            .query_row("SELECT role FROM accounts WHERE code = '3-1201'", [], |r| r
                .get::<_, String>(0))
            .is_ok_and(|r| r == "equity.opening"));
        s.integrity_check().unwrap();
    }

    #[test]
    fn a_shop_with_a_day_posted_twice_is_not_upgraded_until_that_day_is_reversed() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kasir.db");
        let journal = |id: i64, kind: &str, reverses: &str| {
            format!(
                "INSERT INTO journals(id, uuid, number, business_date, business_unit, kind, memo,
                                      posted_at, posted_by, reverses)
                 VALUES ({id}, 'j{id}', 'J00000{id}', '2026-12-01', 'sembako', '{kind}', 'm', 't',
                         'a', {reverses});"
            )
        };
        {
            let mut c = Connection::open(&db).unwrap();
            migrations().to_version(&mut c, 21).unwrap();
            // Two closes that raced: two live day journals for one date and unit.
            c.execute_batch(&(journal(1, "day", "NULL") + &journal(2, "day", "NULL")))
                .unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
        }
        let e = Store::open(&db, OpenMode::Existing).err().unwrap();
        let en = e.message(crate::i18n::Lang::En);
        assert!(
            en.contains("Day 2026-12-01 unit sembako is posted twice"),
            "{en}"
        );
        assert!(e
            .message(crate::i18n::Lang::Id)
            .contains("terposting dua kali"));
        let version = |db: &Path| -> i64 {
            Connection::open(db)
                .unwrap()
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap()
        };
        assert_eq!(version(&db), 21, "not upgraded");
        // The day reversed (both journals) and posted once, as the earlier program does.
        Connection::open(&db)
            .unwrap()
            .execute_batch(
                &(journal(3, "reversal", "1")
                    + &journal(4, "reversal", "2")
                    + &journal(5, "day", "NULL")),
            )
            .unwrap();
        let s = Store::open(&db, OpenMode::Existing).unwrap();
        assert_eq!(version(&db), schema_version());
        // From now on the file itself refuses a second live day journal, in clear words.
        let again = s.write(|tx| {
            tx.execute_batch(&journal(6, "day", "NULL"))?;
            Ok(())
        });
        let en = again.err().unwrap().message(crate::i18n::Lang::En);
        assert!(en.contains("already closed and posted"), "{en}");
        s.integrity_check().unwrap();
    }

    #[test]
    fn a_row_the_schema_refuses_comes_back_as_a_refusal_in_both_languages() {
        let s = Store::open_in_memory().unwrap();
        let shift = |uuid: &str| {
            s.write(|tx| {
                tx.execute(
                    "INSERT INTO shifts(uuid, till, business_unit, cashier, opened_at, opening_float)
                     VALUES (?1, 'sembako-1', 'sembako', 'c', 't', 0)",
                    [uuid],
                )?;
                Ok(())
            })
        };
        shift("a").unwrap();
        let e = shift("b").err().unwrap();
        assert!(matches!(e, KasirError::Invalid(_)), "{e:?}");
        assert!(e.message(crate::i18n::Lang::En).contains("already open"));
        assert!(e.message(crate::i18n::Lang::Id).contains("sudah terbuka"));
        let close = || {
            s.write(|tx| {
                tx.execute(
                    "INSERT INTO day_events(business_date, kind, at, actor)
                     VALUES ('2026-12-01', 'close', 't', 'a')",
                    [],
                )?;
                Ok(())
            })
        };
        close().unwrap();
        let e = close().err().unwrap();
        assert!(e
            .message(crate::i18n::Lang::En)
            .contains("already closed and posted"));
        // Nothing of the refused transaction stays.
        let n: i64 = s
            .conn()
            .query_row("SELECT count(*) FROM shifts", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        // Other errors are left as they are.
        let e = s
            .write(|tx| {
                tx.execute("INSERT INTO shifts(uuid) VALUES ('x')", [])?;
                Ok(())
            })
            .err()
            .unwrap();
        assert!(matches!(e, KasirError::Db(_)), "{e:?}");
    }

    #[test]
    fn print_jobs_already_queued_belong_to_a_till_after_the_upgrade() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kasir.db");
        {
            let mut c = Connection::open(&db).unwrap();
            // The version before print jobs belonged to a till (schema_v20_print_tills).
            migrations().to_version(&mut c, 19).unwrap();
            c.execute_batch(
                "INSERT INTO shifts(id, uuid, till, business_unit, cashier, opened_at, opening_float, status)
                 VALUES (1, 's1', 'sembako-1', 'sembako', 'c', 't', 0, 'open');
                 INSERT INTO sales(id, uuid, number, till, shift_id, business_unit, business_date,
                                   created_at, cashier, gross, discount, total, rounding, payable,
                                   ppn, change_given)
                 VALUES (1, 'u1', 'n1', 'sembako-1', 1, 'sembako', '2026-12-01', 't', 'c',
                         100, 0, 100, 0, 100, 0, 0);
                 INSERT INTO settings(key, value) VALUES
                     ('till.apotek-1.printer', 'tcp:10.0.0.5:9100'),
                     ('till.a.printer', 'usb:/dev/usb/lp0'),
                     ('till.b.printer', 'usb:/dev/usb/lp0');
                 INSERT INTO print_jobs(id, uuid, kind, ref, sale_id, printer, payload, status,
                                        next_attempt_at, created_at)
                 VALUES (1, 'j1', 'receipt', 'n1', 1, 'usb:/dev/usb/lp0', NULL, 'queued', 't', 't'),
                        (2, 'j2', 'z', '1', NULL, 'tcp:10.0.0.5:9100', x'00', 'queued', 't', 't'),
                        (3, 'j3', 'test', NULL, NULL, 'usb:/dev/usb/lp0', x'00', 'done', 't', 't'),
                        (4, 'j4', 'test', NULL, NULL, 'sim', x'00', 'queued', 't', 't');",
            )
            .unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
        }
        let s = Store::open(&db, OpenMode::Existing).unwrap();
        let tills: Vec<(i64, String, bool)> = s
            .conn()
            .prepare("SELECT id, till, unconfirmed FROM print_jobs ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        assert_eq!(
            tills,
            vec![
                (1, "sembako-1".to_string(), false), // the sale's till
                (2, "apotek-1".to_string(), false),  // the one till with that printer
                (3, "cli".to_string(), false),       // two tills share it: the back office's
                (4, "cli".to_string(), false),
            ]
        );
        s.integrity_check().unwrap();
    }

    #[test]
    fn a_v15_shop_exports_its_barcodes_through_the_index_of_their_unit() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("kasir.db");
        {
            let mut c = Connection::open(&db).unwrap();
            migrations().to_version(&mut c, 15).unwrap();
            c.execute_batch(
                "INSERT INTO products(uuid, sku, name, business_unit, base_unit, tax_class)
                     VALUES ('u1', 'MIE', 'Mie', 'sembako', 'pcs', 'ppn'),
                            ('u2', 'gula', 'Gula', 'sembako', 'kg', 'exempt');
                 INSERT INTO product_units(id, product_id, unit, factor, price_umum, price_anggota)
                     VALUES (1, 1, 'pcs', 1000, 350000, 340000), (2, 1, 'dus', 40000, 12800000, 12600000),
                            (3, 2, 'kg', 1000, 1500000, 1450000);
                 INSERT INTO barcodes(code, unit_id) VALUES ('8991234567907', 2), ('8991234567891', 1),
                     ('2000000000022', 1), ('2000000000015', 3);
                 INSERT INTO members(uuid, number, name) VALUES ('m1', 'A0001', 'Siti');",
            )
            .unwrap();
            c.pragma_update(None, "application_id", APPLICATION_ID)
                .unwrap();
        }
        let s = Store::open(&db, OpenMode::Existing).unwrap();
        let c = s.conn();
        let codes: Vec<(String, Vec<Vec<String>>)> = catalog::all(c)
            .unwrap()
            .into_iter()
            .map(|p| (p.sku, p.units.into_iter().map(|u| u.barcodes).collect()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (
                    "MIE".to_string(),
                    vec![
                        vec!["2000000000022".to_string(), "8991234567891".to_string()],
                        vec!["8991234567907".to_string()]
                    ]
                ),
                ("gula".to_string(), vec![vec!["2000000000015".to_string()]]),
            ]
        );
        // A typed SKU and member number are found in any case, through their own indexes.
        let item = catalog::item_by_sku(c, "GULA").unwrap().unwrap();
        assert_eq!(item.sku, "gula");
        assert_eq!(
            members::by_number(c, "a0001").unwrap().unwrap().name,
            "Siti"
        );
        let plan: String = c
            .query_row(
                "EXPLAIN QUERY PLAN SELECT code FROM barcodes WHERE unit_id = ?1 ORDER BY code",
                [1],
                |r| r.get(3),
            )
            .unwrap();
        assert!(plan.contains("barcodes_unit"), "{plan}");
        s.integrity_check().unwrap();
    }
}
