//! Named crash points: places in the use cases that write where a test can have the process
//! killed on the spot, to prove that a kill at that exact moment leaves a whole shop.
//!
//! `KASIR_CRASH_AT=<name>` (or `<name>#<n>` for its n-th hit in the process) arms one point;
//! when the process reaches it, [`std::process::abort`] ends it at once — no unwinding, no
//! destructors, no flushing, no rollback: what SQLite finds afterwards is what a power cut or
//! `kill -9` would leave. Unarmed, a point is one load of an initialised `OnceLock`.
//!
//! A point's name is `<use case>.<stage>`. The stages every write transaction has
//! (`before_begin`, `before_commit`, `after_commit`) are raised by [`crate::store::Store`]
//! under the use case the service named with [`use_case`]; the statement groups in between
//! are raised by the service itself with [`point`]. [`POINTS`] lists them all: the crash
//! test runs each use case once per point and fails when a listed point is never reached.

use std::cell::Cell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// Every crash point, `<use case>.<stage>`. (`sync.after_push`, between the server's commit of
/// a pushed batch and the till recording its acknowledgement, is outside this list: it
/// needs a server, and `tests/reliability/sync_pg.rs` kills `kasir sync` there. The
/// `sync_tills` and `sync_pull` points need one too: `tests/reliability/sync_pull.rs` kills
/// `kasir sync` at each of them, and the crash-point suite leaves them to it.)
pub const POINTS: &[&str] = &[
    // A sale with kasbon (checkout): header, lines (stock moves), tenders and the member's
    // kasbon, receipt document and print jobs, draft cleared.
    "sale.before_begin",
    "sale.after_header",
    "sale.after_lines",
    "sale.after_tenders",
    "sale.before_commit",
    "sale.after_commit",
    // A return with a kasbon refund: header, lines and stock moves, kasbon, audit, slip job.
    "return.before_begin",
    "return.after_header",
    "return.after_lines",
    "return.after_kasbon",
    "return.before_commit",
    "return.after_commit",
    // Goods received: header, lines and stock moves.
    "receive.before_begin",
    "receive.after_header",
    "receive.after_lines",
    "receive.before_commit",
    "receive.after_commit",
    // Stock opname finished: adjustments, then the count closed.
    "opname.before_begin",
    "opname.after_adjustments",
    "opname.before_commit",
    "opname.after_commit",
    // Shift close: the count stored, the shift closed, the Z report queued.
    "shift_close.before_begin",
    "shift_close.after_close",
    "shift_close.before_commit",
    "shift_close.after_commit",
    // Day close: journals posted, the day event.
    "day_close.before_begin",
    "day_close.after_journals",
    "day_close.before_commit",
    "day_close.after_commit",
    // Backup: the copy written, checked, synced, renamed.
    "backup.after_copy",
    "backup.after_sync",
    "backup.after_rename",
    // The server's list of the other tills kept before pulling (how far it holds each).
    "sync_tills.before_begin",
    "sync_tills.before_commit",
    "sync_tills.after_commit",
    // A pulled batch of other tills' events applied, with the last change_seq read.
    "sync_pull.before_begin",
    "sync_pull.before_commit",
    "sync_pull.after_commit",
    // Print: a job claimed (its own transaction), sent, then marked done.
    "print.before_begin",
    "print.before_commit",
    "print.after_commit",
    "print.after_send",
];

struct Armed {
    name: String,
    nth: u64,
    hits: AtomicU64,
}

fn armed() -> Option<&'static Armed> {
    static ARMED: OnceLock<Option<Armed>> = OnceLock::new();
    ARMED
        .get_or_init(|| {
            let v = std::env::var("KASIR_CRASH_AT").ok()?;
            let (name, nth) = match v.split_once('#') {
                Some((n, k)) => (n.to_string(), k.parse().ok()?),
                None => (v, 1),
            };
            Some(Armed {
                name,
                nth,
                hits: AtomicU64::new(0),
            })
        })
        .as_ref()
}

fn hit(use_case: &str, stage: &str) {
    let Some(a) = armed() else { return };
    let matches = match a.name.split_once('.') {
        Some((u, s)) => u == use_case && s == stage,
        None => false,
    };
    if matches && a.hits.fetch_add(1, Ordering::SeqCst) + 1 == a.nth {
        std::process::abort();
    }
}

/// The crash point `name` (`<use case>.<stage>`, listed in [`POINTS`]).
pub fn point(name: &str) {
    if armed().is_none() {
        return;
    }
    if let Some((u, s)) = name.split_once('.') {
        hit(u, s);
    }
}

thread_local! {
    static USE_CASE: Cell<&'static str> = const { Cell::new("write") };
}

/// While the guard lives, this thread's write transactions raise their crash points as
/// `<name>.before_begin`, `<name>.before_commit` and `<name>.after_commit`.
#[must_use]
pub fn use_case(name: &'static str) -> UseCase {
    UseCase(USE_CASE.with(|u| u.replace(name)))
}

/// Restores the enclosing use case when dropped.
pub struct UseCase(&'static str);

impl Drop for UseCase {
    fn drop(&mut self) {
        USE_CASE.with(|u| u.set(self.0));
    }
}

/// A stage of the current use case's write transaction (called by `Store`).
pub(crate) fn stage(stage: &str) {
    if armed().is_none() {
        return;
    }
    hit(USE_CASE.with(Cell::get), stage);
}
