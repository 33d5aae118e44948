//! The JSON documents of sync with the coop's server: what `kasir sync --once` did, the
//! remote events kept because they could not be applied here, and `kasir server status`.

use super::*;
use serde::Serialize;

/// `kasir sync --once`: the push, then the pull.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct SyncOut {
    pub till: String,
    /// Only when the server was rebuilt (it answered another id): every event this till
    /// still keeps, pushed again.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resent: Option<usize>,
    /// Events sent (a retried event counts again).
    pub sent: usize,
    /// Pushes the server answered.
    pub batches: usize,
    /// The highest seq of this till the server acknowledged in this run, or null.
    pub acked_through: Option<i64>,
    /// This till's events still waiting.
    pub pending: i64,
    /// Events of other till ids in this file, `[till, count]`, not pushed from here.
    pub other_tills: Vec<(String, i64)>,
    /// Other tills' events received in this run.
    pub pulled: usize,
    /// Other tills' events applied here in this run.
    pub applied: usize,
    /// The server's change_seq this node has applied through.
    pub pulled_through: i64,
    /// Remote events kept because they could not be applied here.
    pub exceptions: i64,
    /// The highest seq of this till the district holds, as the coop's server last heard it;
    /// null from a server without the district.
    pub district_held: Option<i64>,
}

impl From<&crate::service::sync::SyncReport> for SyncOut {
    fn from(r: &crate::service::sync::SyncReport) -> Self {
        SyncOut {
            till: r.till.clone(),
            resent: r.resent,
            sent: r.sent,
            batches: r.batches,
            acked_through: r.acked_through,
            district_held: r.district_held,
            pending: r.pending,
            other_tills: r.other_tills.clone(),
            pulled: r.pulled,
            applied: r.applied,
            pulled_through: r.pulled_through,
            exceptions: r.exceptions,
        }
    }
}

/// `kasir sync exceptions`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct SyncExceptionsOut {
    pub exceptions: Vec<SyncExceptionOut>,
}

/// A remote event not applied here yet.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct SyncExceptionOut {
    pub event_id: String,
    pub till: String,
    pub seq: i64,
    pub kind: String,
    pub change_seq: i64,
    /// Why, `{"id": "…", "en": "…"}`.
    pub reason: ProblemOut,
    pub first_seen: String,
    pub last_tried: String,
    pub tries: i64,
}

impl From<&crate::service::pull::ApplyException> for SyncExceptionOut {
    fn from(x: &crate::service::pull::ApplyException) -> Self {
        SyncExceptionOut {
            event_id: x.event_id.clone(),
            till: x.till.clone(),
            seq: x.seq,
            kind: x.kind.clone(),
            change_seq: x.change_seq,
            reason: ProblemOut {
                id: x.reason.id.clone(),
                en: x.reason.en.clone(),
            },
            first_seen: x.first_seen.clone(),
            last_tried: x.last_tried.clone(),
            tries: x.tries,
        }
    }
}

/// `kasir server status --json`: each till registered on the coop's server.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ServerStatusOut {
    pub tills: Vec<TillStatusOut>,
}

/// One till as the server sees it.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct TillStatusOut {
    pub till: String,
    /// When the till last pushed (UTC, `YYYY-MM-DD HH:MM:SS`); null: never.
    pub last_push: Option<String>,
    /// The highest seq stored for the till; null: none.
    pub highest_seq: Option<i64>,
    /// Events stored for the till.
    pub events: i64,
    /// Events of the till in quarantine.
    pub quarantined: i64,
    /// The till's events still waiting, as it last reported; null: it never reported.
    pub pending: Option<i64>,
    /// The till's clock less the server's when it last reported, in milliseconds (positive:
    /// the till is ahead); null: it never reported.
    pub clock_offset_ms: Option<i64>,
    /// Whether that offset is more than 5 minutes either way.
    pub clock_off: bool,
    /// When the till last reported (UTC, `YYYY-MM-DD HH:MM:SS`); null: never.
    pub reported_at: Option<String>,
}

impl From<&crate::service::sync::TillStatus> for TillStatusOut {
    fn from(t: &crate::service::sync::TillStatus) -> Self {
        TillStatusOut {
            till: t.till.clone(),
            last_push: t.last_push.clone(),
            highest_seq: t.highest_seq,
            events: t.events,
            quarantined: t.quarantined,
            pending: t.pending,
            clock_offset_ms: t.clock_offset_ms,
            clock_off: crate::service::sync::clock_off(t.clock_offset_ms),
            reported_at: t.reported_at.clone(),
        }
    }
}

/// `kasir server rebuild`: the schema, the new server's id, per till what came from the
/// district, and the events quarantined.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct RebuiltOut {
    pub before: Option<i32>,
    pub version: i32,
    pub server_id: Option<String>,
    pub tills: Vec<RebuiltTillOut>,
    pub quarantined: i64,
}

/// One till of a rebuild: the district's events read (redacted among them), the highest
/// seq the server and the district hold.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct RebuiltTillOut {
    pub till: String,
    pub events: usize,
    pub redacted: usize,
    pub held: i64,
    pub district_held: i64,
}

impl From<&crate::service::retention::Rebuilt> for RebuiltOut {
    fn from(r: &crate::service::retention::Rebuilt) -> Self {
        RebuiltOut {
            before: r.before,
            version: r.version,
            server_id: r.server_id.clone(),
            tills: r
                .tills
                .iter()
                .map(|t| RebuiltTillOut {
                    till: t.till.clone(),
                    events: t.events,
                    redacted: t.redacted,
                    held: t.held,
                    district_held: t.district_held,
                })
                .collect(),
            quarantined: r.quarantined,
        }
    }
}

/// `kasir sync prune`: what went, and what was kept and why (each kept event counted once,
/// by the first reason: not acknowledged, not held by the district, recent, the newest).
#[derive(Debug, Serialize)]
pub(in crate::cli) struct PrunedOut {
    pub till: String,
    pub deleted: usize,
    pub cutoff: String,
    pub district_held: i64,
    pub first_kept: Option<i64>,
    pub kept_unacked: i64,
    pub kept_district: i64,
    pub kept_recent: i64,
    pub kept_newest: i64,
}

impl From<&crate::service::retention::Pruned> for PrunedOut {
    fn from(p: &crate::service::retention::Pruned) -> Self {
        PrunedOut {
            till: p.till.clone(),
            deleted: p.deleted,
            cutoff: p.cutoff.clone(),
            district_held: p.district_held,
            first_kept: p.first_kept,
            kept_unacked: p.kept_unacked,
            kept_district: p.kept_district,
            kept_recent: p.kept_recent,
            kept_newest: p.kept_newest,
        }
    }
}
