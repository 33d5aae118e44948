//! The till window's background sync: a thread with its own connection to the shop file
//! that runs [`Shop::sync_once`] every `sync.interval_secs`, and what the status bar says
//! about it ([`SyncState::text`]). Selling never waits for it: the thread shares nothing
//! with the window but a small state behind a lock, and the shop file's own transactions.
//!
//! The state is plain data and its text a function of it and the time, so the status bar's
//! three sentences are tested without a server or a thread.

use std::path::PathBuf;
use std::sync::mpsc::{self, RecvTimeoutError, Sender};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::NaiveDateTime;

use super::{Clock, Shop};
use crate::error::KasirError;
use crate::i18n::Lang;

/// What the last sync run of the window left.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SyncState {
    /// When a run last went through (the till's clock).
    pub last_ok: Option<NaiveDateTime>,
    /// This till's events still waiting for the server.
    pub pending: i64,
    /// Why the last run failed, short and without any secret (Indonesian, English); none
    /// when it went through.
    pub failure: Option<(String, String)>,
}

impl SyncState {
    /// The status bar's words at `now`: `sinkron 2 mnt lalu · 0 menunggu`, `belum pernah
    /// sinkron · 3 menunggu`, `sinkron gagal: <reason> · 3 menunggu` (and in English).
    pub fn text(&self, now: NaiveDateTime, lang: Lang) -> String {
        let pending = self.pending;
        let waiting = lang.pick("menunggu", "pending");
        if let Some((id, en)) = &self.failure {
            let why = lang.pick(id, en);
            return lang
                .pick(
                    &format!("sinkron gagal: {why} · {pending} {waiting}"),
                    &format!("sync failed: {why} · {pending} {waiting}"),
                )
                .to_string();
        }
        let Some(at) = self.last_ok else {
            return lang
                .pick(
                    &format!("belum pernah sinkron · {pending} {waiting}"),
                    &format!("never synced · {pending} {waiting}"),
                )
                .to_string();
        };
        let mins = (now - at).num_minutes().max(0);
        let ago = if mins < 1 {
            lang.pick("baru saja", "just now").to_string()
        } else if mins < 60 {
            lang.pick(&format!("{mins} mnt lalu"), &format!("{mins} min ago"))
                .to_string()
        } else if mins < 48 * 60 {
            let h = mins / 60;
            lang.pick(&format!("{h} jam lalu"), &format!("{h} h ago"))
                .to_string()
        } else {
            let d = mins / (24 * 60);
            lang.pick(&format!("{d} hari lalu"), &format!("{d} days ago"))
                .to_string()
        };
        lang.pick(
            &format!("sinkron {ago} · {pending} {waiting}"),
            &format!("synced {ago} · {pending} {waiting}"),
        )
        .to_string()
    }

    /// Whether the last run failed (the status bar shows it in red).
    pub fn failed(&self) -> bool {
        self.failure.is_some()
    }
}

/// A failure as the status bar may show it: its first line, no address with a password,
/// no `password=…`, at most 80 characters.
pub fn short_reason(text: &str) -> String {
    let line = text.lines().next().unwrap_or("").trim();
    let mut out = String::new();
    for word in line.split(' ') {
        if !out.is_empty() {
            out.push(' ');
        }
        let lower = word.to_ascii_lowercase();
        if lower.contains("password=") || lower.contains("pwd=") {
            out.push('…');
        } else if let (Some(scheme), Some(at)) = (word.find("://"), word.rfind('@')) {
            // postgresql://user:secret@host/db → postgresql://…@host/db
            if at > scheme {
                out.push_str(&word[..scheme + 3]);
                out.push('…');
                out.push_str(&word[at..]);
            } else {
                out.push_str(word);
            }
        } else {
            out.push_str(word);
        }
    }
    if out.chars().count() > 80 {
        out = out.chars().take(79).collect::<String>() + "…";
    }
    out
}

fn failure_of(e: &KasirError) -> (String, String) {
    (
        short_reason(&e.message(Lang::Id)),
        short_reason(&e.message(Lang::En)),
    )
}

/// One run on `shop`: push, then what is left waiting; the state it leaves.
fn run_once(shop: &Shop, before: &SyncState) -> SyncState {
    match shop.sync_once() {
        Ok(r) => SyncState {
            last_ok: Some(shop.now()),
            pending: r.pending,
            failure: None,
        },
        Err(e) => {
            tracing::warn!(error = %e.message(Lang::En), "sync failed");
            let pending = shop
                .joined_till()
                .ok()
                .flatten()
                .and_then(|till| {
                    shop.outbox_pending()
                        .ok()?
                        .into_iter()
                        .find(|(t, _)| *t == till)
                        .map(|(_, n)| n)
                })
                .unwrap_or(0);
            SyncState {
                last_ok: before.last_ok,
                pending,
                failure: Some(failure_of(&e)),
            }
        }
    }
}

/// The window's handle on its sync thread. Dropping it tells the thread to stop.
pub struct SyncWorkerHandle {
    state: Arc<Mutex<SyncState>>,
    stop: Option<Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl SyncWorkerHandle {
    /// Start syncing the shop file `db_path` now and then every `interval`, on a thread with
    /// its own connection, reading the time from `clock`.
    pub fn spawn(db_path: PathBuf, clock: Arc<dyn Clock>, interval: Duration) -> Self {
        let state = Arc::new(Mutex::new(SyncState::default()));
        let shared = state.clone();
        let (stop, stopped) = mpsc::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("kasir-sync".into())
            .spawn(move || {
                let mut shop = None;
                loop {
                    if shop.is_none() {
                        match Shop::open(&db_path, clock.clone()) {
                            Ok(s) => shop = Some(s),
                            Err(e) => {
                                if let Ok(mut g) = shared.lock() {
                                    g.failure = Some(failure_of(&e));
                                }
                            }
                        }
                    }
                    if let Some(s) = &shop {
                        let before = shared.lock().map(|g| g.clone()).unwrap_or_default();
                        let after = run_once(s, &before);
                        if let Ok(mut g) = shared.lock() {
                            *g = after;
                        }
                    }
                    match stopped.recv_timeout(interval) {
                        Err(RecvTimeoutError::Timeout) => continue,
                        _ => return,
                    }
                }
            })
            .map_err(|e| tracing::error!(error = %e, "sync thread could not start"))
            .ok();
        SyncWorkerHandle {
            state,
            stop: Some(stop),
            thread,
        }
    }

    /// A handle that only shows `state` (no thread): the status bar's tests.
    pub fn showing(state: SyncState) -> Self {
        SyncWorkerHandle {
            state: Arc::new(Mutex::new(state)),
            stop: None,
            thread: None,
        }
    }

    /// The state the last run left. Never waits for a run.
    pub fn state(&self) -> SyncState {
        // The thread holds the lock only to copy or replace the state, never during a run.
        self.state.lock().map(|g| g.clone()).unwrap_or_default()
    }

    /// Whether a run has finished since the thread started.
    pub fn has_run(&self) -> bool {
        let s = self.state();
        s.last_ok.is_some() || s.failure.is_some()
    }

    /// Stop the thread and wait for the run under way, if any.
    pub fn stop(&mut self) {
        self.stop.take();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for SyncWorkerHandle {
    /// The thread is told to stop and left to end by itself: closing the window never waits
    /// for a server that is slow to answer. A run cut short by the process ending is safe
    /// (the server stores a batch whole or not at all; the till acknowledges in its own
    /// transaction afterwards).
    fn drop(&mut self) {
        self.stop.take();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn the_status_bar_says_when_it_last_synced_and_what_waits() {
        let now = at("2026-12-01 10:00:00");
        let synced = |ago_s: i64, pending| SyncState {
            last_ok: Some(now - chrono::Duration::seconds(ago_s)),
            pending,
            failure: None,
        };
        for (state, id, en) in [
            (
                synced(150, 0),
                "sinkron 2 mnt lalu · 0 menunggu",
                "synced 2 min ago · 0 pending",
            ),
            (
                synced(20, 4),
                "sinkron baru saja · 4 menunggu",
                "synced just now · 4 pending",
            ),
            (
                synced(3 * 3600 + 5, 1),
                "sinkron 3 jam lalu · 1 menunggu",
                "synced 3 h ago · 1 pending",
            ),
            (
                SyncState {
                    pending: 7,
                    ..Default::default()
                },
                "belum pernah sinkron · 7 menunggu",
                "never synced · 7 pending",
            ),
            (
                SyncState {
                    last_ok: Some(now),
                    pending: 2,
                    failure: Some(("server tidak menjawab".into(), "no answer".into())),
                },
                "sinkron gagal: server tidak menjawab · 2 menunggu",
                "sync failed: no answer · 2 pending",
            ),
        ] {
            assert_eq!(state.text(now, Lang::Id), id);
            assert_eq!(state.text(now, Lang::En), en);
        }
    }

    #[test]
    fn a_clock_more_than_five_minutes_off_is_flagged_and_shown_to_the_nearest_unit() {
        use crate::service::sync::{clock_off, offset_text};
        assert!(!clock_off(None));
        assert!(!clock_off(Some(300_000)));
        assert!(!clock_off(Some(-300_000)));
        assert!(clock_off(Some(300_001)));
        assert!(clock_off(Some(-420_000)));
        assert_eq!(offset_text(419_400, Lang::Id), "+7 mnt");
        assert_eq!(offset_text(-45_000, Lang::En), "-45 s");
        assert_eq!(offset_text(3 * 3_600_000 + 10, Lang::Id), "+3 jam");
        assert_eq!(offset_text(0, Lang::En), "0 s");
        assert_eq!(offset_text(-120, Lang::Id), "0 dtk", "no sign on a zero");
    }

    #[test]
    fn a_failure_shown_has_no_password_and_one_short_line() {
        let r = short_reason(
            "connect to postgresql://kasir_till_a:s3cret@10.0.0.5:5432/coop failed password=s3cret\nmore",
        );
        assert!(!r.contains("s3cret"), "{r}");
        assert!(r.contains("10.0.0.5"), "{r}");
        assert!(!r.contains("more"));
        assert!(short_reason(&"x".repeat(500)).chars().count() <= 80);
    }
}
