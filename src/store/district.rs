//! A district's PostgreSQL (the Dinas Koperasi above several coops): installing kasir's
//! district schema (`src/sync/district.sql`) and registering a coop and its role. Every
//! statement kasir runs on a district database is here, in `district_report.rs` (the
//! reports' queries) or in that script.

use crate::error::Result;
use crate::store::coop::{self, config, connect, pg_error, Schema};

/// The schema version `district.sql` installs.
pub const DISTRICT_SCHEMA_VERSION: i32 = 2;

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
