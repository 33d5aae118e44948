//! Retention and a lost coop server. `kasir sync prune` deletes a till's own events that
//! both the coop's server (acknowledged) and the district (`district_acks`, as the coop's
//! server last told this node) hold, older than some days, never the till's newest: the
//! shop file's trigger refuses the rest. `kasir server rebuild` puts the district's copy of
//! a coop's events on a new coop server; each till then pushes again what it keeps
//! (`service::sync`), and the server holds the coop's whole history again.

use serde::Serialize;

use super::{stamp, Shop};
use crate::error::{KasirError, Result};
use crate::store::coop as pg;
use crate::store::district::{self, HeldEvent};
use crate::store::outbox::{self, canonical};
use crate::store::pull as q;

/// What `kasir sync prune` did for this file's till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pruned {
    pub till: String,
    /// Events deleted now.
    pub deleted: usize,
    /// Events older than this (`YYYY-MM-DD HH:MM:SS`, this machine's time) may go.
    pub cutoff: String,
    /// The highest seq of the till the district holds, as this node last heard (0: none).
    pub district_held: i64,
    /// The first seq the file still keeps (none: the till has no events).
    pub first_kept: Option<i64>,
    /// Kept: the coop's server has not acknowledged them.
    pub kept_unacked: i64,
    /// Kept: the coop's server holds them, the district does not (yet).
    pub kept_district: i64,
    /// Kept: newer than the cutoff (or after one that is).
    pub kept_recent: i64,
    /// Kept: the till's newest, which holds its place in its sequence (0 or 1).
    pub kept_newest: i64,
}

impl Shop {
    /// Delete this file's own events (its till's) older than `keep_days` days that the
    /// coop's server and the district both hold, never the newest. Always a prefix of the
    /// till's events, so what is kept is every event from the first kept seq on.
    pub fn sync_prune(&self, keep_days: i64) -> Result<Pruned> {
        if !(0..=36_500).contains(&keep_days) {
            return Err(KasirError::invalid(
                "--keep-days harus 0 sampai 36500",
                "--keep-days must be 0 to 36500",
            ));
        }
        let till = self.event_till()?;
        let cutoff = stamp(self.now() - chrono::Duration::days(keep_days));
        let _crash = crate::store::crash::use_case("sync_prune");
        self.store.write(|tx| {
            let held = q::district_held(tx, &till)?;
            let outbox::Prune {
                deleted,
                newest,
                acked,
                first_recent,
                first_kept,
            } = outbox::prune(tx, &till, held, &cutoff)?;
            // Each kept event counted once, by the first reason that keeps it.
            let from = first_kept.unwrap_or(newest + 1);
            let span = |lo: i64, hi: i64| (hi.min(newest) - lo.max(from) + 1).max(0);
            let kept_unacked = span(acked + 1, newest);
            let kept_district = span(held + 1, acked);
            let kept_recent = span(first_recent, acked.min(held));
            let kept_newest =
                i64::from(newest > 0 && newest <= acked.min(held) && newest < first_recent);
            Ok(Pruned {
                till: till.clone(),
                deleted,
                cutoff: cutoff.clone(),
                district_held: held,
                first_kept,
                kept_unacked,
                kept_district,
                kept_recent,
                kept_newest,
            })
        })
    }
}

/// What `kasir server rebuild` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rebuilt {
    /// The schema version found before (none on an empty database) and now.
    pub before: Option<i32>,
    pub version: i32,
    /// The new server's id (tills that synced with the lost one find it changed).
    pub server_id: Option<String>,
    /// Per till: the district's events read and what the server now holds.
    pub tills: Vec<RebuiltTill>,
    /// Events the server put in quarantine (over every till).
    pub quarantined: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RebuiltTill {
    pub till: String,
    /// The district's events of the till read now.
    pub events: usize,
    /// Of them, members changes the district holds redacted (whole again once the till
    /// that made them pushes them again).
    pub redacted: usize,
    /// The highest seq of the till the server holds now.
    pub held: i64,
    /// The highest seq of the till the district holds (recorded as `district_acks`).
    pub district_held: i64,
}

/// Events read from the district at a time.
const REBUILD_BATCH: i32 = 2000;

/// One of the district's events as `kasir_restore` takes it: its payload back in canonical
/// form (the district keeps it as jsonb), `redacted` when it is.
fn restore_json(h: &HeldEvent) -> serde_json::Value {
    let mut v = crate::sync::event_json(&h.event);
    if let Ok(p) = serde_json::from_str::<serde_json::Value>(&h.event.payload) {
        v["payload"] = canonical(&p).0.into();
    }
    if h.redacted {
        v["redacted"] = true.into();
    }
    v
}

/// Rebuild the coop's server at `url` (an owner's address of a new or emptied database)
/// from the district: install kasir's schema if missing, store every event of coop `coop`
/// (else the coop the credentials file names)
/// the district holds (read as the coop's own role at `district_source`: its address, or the
/// credentials file) through the push's rules, till by till in seq order, and record what
/// the district holds of each till. Running it again stores nothing twice.
pub fn server_rebuild(url: &str, district_source: &str, coop: Option<&str>) -> Result<Rebuilt> {
    let from_file = district::coop_of_source(district_source)?;
    let coop = match (coop.map(str::trim), from_file.as_deref()) {
        (Some(c), Some(f)) if !c.is_empty() && c != f => {
            return Err(KasirError::invalid(
                format!("--coop {c} bukan koperasi berkas kredensial dinas ({f}); tidak ada yang diubah"),
                format!("--coop {c} is not the coop of the district credentials file ({f}); nothing was changed"),
            ))
        }
        (Some(c), _) if !c.is_empty() => c,
        (_, Some(f)) => f,
        _ => {
            return Err(KasirError::invalid(
                "Kode koperasi kosong: beri --coop KODE (atau berkas kredensial dinas)",
                "The coop id is empty: give --coop ID (or the district credentials file)",
            ))
        }
    };
    let mut d = district::coop_client(district_source)?;
    let (before, version) = pg::init(url)?;
    let mut server = pg::OwnerRestore::connect(url)?;
    let mut tills: Vec<RebuiltTill> = Vec::new();
    let mut after = (String::new(), 0i64);
    loop {
        let got = district::coop_events(&mut d, coop, (&after.0, after.1), REBUILD_BATCH)?;
        let Some(last) = got.last() else { break };
        after = (last.event.till.clone(), last.event.seq);
        for run in got.chunk_by(|x, y| x.event.till == y.event.till) {
            let till = &run[0].event.till;
            let batch =
                serde_json::Value::Array(run.iter().map(restore_json).collect()).to_string();
            let held = server.restore(till, &batch)?;
            let redacted = run.iter().filter(|h| h.redacted).count();
            match tills.iter_mut().find(|t| &t.till == till) {
                Some(t) => {
                    t.events += run.len();
                    t.redacted += redacted;
                    t.held = held;
                }
                None => tills.push(RebuiltTill {
                    till: till.clone(),
                    events: run.len(),
                    redacted,
                    held,
                    district_held: 0,
                }),
            }
        }
    }
    for (till, held) in district::relay_held(&mut d, coop)? {
        let now = server.district_ack(&till, held)?;
        if let Some(t) = tills.iter_mut().find(|t| t.till == till) {
            t.district_held = now;
        }
    }
    let quarantined = server.counts()?.iter().map(|c| c.3).sum();
    Ok(Rebuilt {
        before,
        version,
        server_id: pg::owner_server_id(url)?,
        tills,
        quarantined,
    })
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::NaiveDate;

    use super::*;
    use crate::service::FixedClock;
    use crate::store::Store;

    fn shop() -> Shop {
        let at = NaiveDate::from_ymd_opt(2026, 11, 23)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap();
        Shop::new(
            Store::open_in_memory().unwrap(),
            Arc::new(FixedClock::new(at)),
        )
    }

    fn event(shop: &Shop, till: &str, at: &str) {
        shop.store
            .write(|tx| {
                outbox::append_event(tx, till, "sale.v1", 1, &serde_json::json!({"at": at}), at)
            })
            .unwrap();
    }

    fn heard(shop: &Shop, till: &str, acked: i64, district: i64) {
        shop.store
            .write(|tx| {
                outbox::ack_through(tx, till, acked)?;
                q::set_district_held(tx, till, district, "t")
            })
            .unwrap();
    }

    #[test]
    fn only_what_the_coop_and_the_district_both_hold_goes_and_never_the_newest() {
        let shop = shop();
        let till = shop.event_till().unwrap();
        for _ in 0..5 {
            event(&shop, &till, "2026-01-01 08:00:00");
        }
        heard(&shop, &till, 4, 0);
        // No district: nothing goes; the coop's copy alone is not enough.
        let p = shop.sync_prune(90).unwrap();
        assert_eq!((p.deleted, p.kept_district, p.kept_unacked), (0, 4, 1));
        heard(&shop, &till, 4, 3);
        let p = shop.sync_prune(90).unwrap();
        assert_eq!((p.deleted, p.first_kept), (3, Some(4)));
        assert_eq!((p.kept_district, p.kept_unacked, p.kept_newest), (1, 1, 0));
        heard(&shop, &till, 5, 5);
        let p = shop.sync_prune(90).unwrap();
        assert_eq!((p.deleted, p.first_kept, p.kept_newest), (1, Some(5), 1));
        // A recent event stays for its days; the one before it goes.
        event(&shop, &till, "2026-11-23 08:00:00");
        heard(&shop, &till, 6, 6);
        let p = shop.sync_prune(90).unwrap();
        assert_eq!((p.deleted, p.first_kept, p.kept_recent), (1, Some(6), 1));
        assert!(shop.sync_prune(-1).is_err());
        // Another till's events in the file are not this till's to prune.
        event(&shop, "lain-1", "2026-01-01 08:00:00");
        event(&shop, "lain-1", "2026-01-01 08:00:00");
        heard(&shop, "lain-1", 2, 2);
        assert_eq!(shop.sync_prune(0).unwrap().deleted, 0);
        assert_eq!(outbox::last_seq(shop.store.conn(), "lain-1").unwrap(), 2);
    }
}
