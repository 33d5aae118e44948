//! The district's documents: `kasir district status|quarantine --json` and `kasir relay
//! --json`. No credential is in any of them.

use serde::Serialize;

/// `kasir district status --json`: each coop registered at the district.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct DistrictStatusOut {
    pub coops: Vec<CoopStatusOut>,
}

/// One coop as the district sees it.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct CoopStatusOut {
    pub coop: String,
    pub name: String,
    /// When the coop last relayed (UTC, `YYYY-MM-DD HH:MM:SS`); null: never.
    pub last_relay: Option<String>,
    /// Relayed batches the district answered.
    pub relays: i64,
    /// Events stored for the coop.
    pub events: i64,
    /// Tills of the coop with events stored.
    pub tills: i64,
    /// The coop's events in the district's quarantine.
    pub quarantined: i64,
}

impl From<&crate::service::relay::CoopStatus> for CoopStatusOut {
    fn from(c: &crate::service::relay::CoopStatus) -> Self {
        CoopStatusOut {
            coop: c.coop.clone(),
            name: c.name.clone(),
            last_relay: c.last_relay.clone(),
            relays: c.relays,
            events: c.events,
            tills: c.tills,
            quarantined: c.quarantined,
        }
    }
}

/// `kasir district quarantine --json`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct DistrictQuarantineOut {
    pub quarantine: Vec<QuarantinedOut>,
}

/// An event the district could not store.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct QuarantinedOut {
    pub coop: String,
    pub till: String,
    /// null: the event had no readable seq.
    pub seq: Option<i64>,
    pub kind: Option<String>,
    pub event_id: String,
    /// Why, as the district's schema words it.
    pub reason: String,
    /// When it came (UTC, `YYYY-MM-DD HH:MM:SS`).
    pub received_at: String,
}

impl From<&crate::service::relay::Quarantined> for QuarantinedOut {
    fn from(q: &crate::service::relay::Quarantined) -> Self {
        QuarantinedOut {
            coop: q.coop.clone(),
            till: q.till.clone(),
            seq: q.seq,
            kind: q.kind.clone(),
            event_id: q.event_id.clone(),
            reason: q.reason.clone(),
            received_at: q.received_at.clone(),
        }
    }
}

/// `kasir relay --json`: what one run sent and what the district holds after it.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct RelayOut {
    pub coop: String,
    /// Events sent (an event of a batch sent again counts again).
    pub sent: usize,
    /// Batches the district answered.
    pub batches: usize,
    /// Events sent redacted (members, users, sales with prescriptions).
    pub redacted: usize,
    /// Calls sent again after their answer was lost.
    pub retries: usize,
    /// Per till, the highest seq the district holds.
    pub held: Vec<HeldOut>,
}

/// What the district holds of one till.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct HeldOut {
    pub till: String,
    pub held: i64,
}

impl From<&crate::service::relay::Relayed> for RelayOut {
    fn from(r: &crate::service::relay::Relayed) -> Self {
        RelayOut {
            coop: r.coop.clone(),
            sent: r.report.sent,
            batches: r.report.batches,
            redacted: r.report.redacted,
            retries: r.report.retries,
            held: r
                .report
                .held
                .iter()
                .map(|(till, held)| HeldOut {
                    till: till.clone(),
                    held: *held,
                })
                .collect(),
        }
    }
}
