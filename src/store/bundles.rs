//! What bundles carried by hand need of the two databases: on the coop's PostgreSQL, storing
//! a till's events as the owner through `kasir_import` (which hands them to `kasir_push`,
//! `src/sync/server.sql` version 4); in the shop file, the id of a till's event at a seq.

use postgres::Client;
use rusqlite::{params, Connection, OptionalExtension};

use super::coop::{config, connect, pg_error};
use crate::error::{KasirError, Result};
use crate::store::outbox::Event;
use crate::sync::Server;

/// The first server schema version with `kasir_import`.
pub const IMPORT_SCHEMA_VERSION: i32 = 4;

/// A connection to the coop's server as its owner, storing bundles' events.
pub struct OwnerImport {
    client: Client,
}

impl OwnerImport {
    /// Connect with the owner's address `url`; refused when the server's kasir schema is
    /// older than bundles need (or missing).
    pub fn connect(url: &str) -> Result<OwnerImport> {
        let mut client = connect(&config(url)?)?;
        let installed: bool = client
            .query_one(
                "SELECT to_regclass('kasir_schema_version') IS NOT NULL",
                &[],
            )
            .map_err(|e| pg_error("read version", e))?
            .get(0);
        let version: Option<i32> = if installed {
            client
                .query_one("SELECT max(version) FROM kasir_schema_version", &[])
                .map_err(|e| pg_error("read version", e))?
                .get(0)
        } else {
            None
        };
        if version.unwrap_or(0) < IMPORT_SCHEMA_VERSION {
            let v = version.map_or("-".to_string(), |v| v.to_string());
            return Err(KasirError::invalid(
                format!("Skema kasir di server versi {v}: jalankan dulu `kasir server init --url URL`"),
                format!("kasir's schema on the server is version {v}: run `kasir server init --url URL` first"),
            ));
        }
        Ok(OwnerImport { client })
    }
}

impl Server for OwnerImport {
    fn push(&mut self, till: &str, batch: &[Event]) -> Result<i64> {
        let json = crate::sync::batch_json(batch);
        let row = self
            .client
            .query_one("SELECT kasir_import($1, $2::text::jsonb)", &[&till, &json])
            .map_err(|e| pg_error("import", e))?;
        Ok(row.get(0))
    }
}

/// The id of `till`'s event `seq` in this shop file, if it is still there.
pub fn event_id_at(c: &Connection, till: &str, seq: i64) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT id FROM events WHERE till = ?1 AND seq = ?2")?
            .query_row(params![till, seq], |r| r.get(0))
            .optional()?,
    )
}
