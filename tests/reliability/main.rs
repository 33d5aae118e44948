//! The shop stays whole: backups and restore, bad input at every door, processes killed
//! at random and at every named crash point, faults (locked, read-only, full disk),
//! two tills selling at once, who may do what (`security`), and sync with the coop's
//! PostgreSQL on a server the test starts itself (`sync_pg` the push, `sync_pull` the pull,
//! `sync_apply` the back office's goods, counts and books and the drawers' cash applied on
//! every node, `sync_faults` the push through a proxy that drops, delays and cuts, with
//! tills killed and the server crashed, `sync_exceptions` goods sold twice offline, found
//! and resolved on every node), and by hand on a USB stick (`bundles`).
//! One test binary: `cargo test --test reliability [FILTER]`.

#[path = "../common/mod.rs"]
mod common;

mod backup_restore;
mod bad_input;
mod bundles;
mod crash_kill9;
mod crash_points;
mod crash_suite;
mod district_relay;
mod district_reports;
mod district_schema;
mod fault_proxy;
mod fault_suite;
mod pg_server;
mod rebuild;
mod security;
mod sync_apply;
mod sync_catalog;
mod sync_exceptions;
mod sync_faults;
mod sync_kasbon;
mod sync_late;
mod sync_pg;
mod sync_pull;
mod sync_rx;
mod sync_status;
mod sync_tls;
mod sync_travel;
mod two_tills;
