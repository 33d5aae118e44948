//! The shop stays whole: backups and restore, bad input at every door, processes killed
//! at random and at every named crash point, faults (locked, read-only, full disk),
//! two tills selling at once, who may do what (`security`), and the push to the coop's
//! PostgreSQL (`sync_pg`, on a server the test starts itself).
//! One test binary: `cargo test --test reliability [FILTER]`.

#[path = "../common/mod.rs"]
mod common;

mod backup_restore;
mod bad_input;
mod crash_kill9;
mod crash_points;
mod crash_suite;
mod fault_suite;
mod security;
mod sync_pg;
mod sync_status;
mod sync_tls;
mod two_tills;
