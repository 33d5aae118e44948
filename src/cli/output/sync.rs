//! The JSON of `kasir server status`.

use serde::Serialize;

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
