//! The status bar and the background sync: when the shop file has joined the coop's server
//! it says when the till last synced and what waits, or why the last sync failed (without
//! a secret); a shop that never joined says nothing about sync.

use egui_kittest::kittest::{NodeT, Queryable};
use egui_kittest::Harness;
use kasir::i18n::Lang;
use kasir::service::sync_worker::{SyncState, SyncWorkerHandle};
use kasir::ui::TillApp;

use super::{harness, login, shop_at, MIE};
use crate::ui_common::{burst, harness_sized};

fn status_texts(h: &Harness<TillApp>, needle: &str) -> Vec<String> {
    h.query_all_by_label_contains(needle)
        .map(|n| {
            let n = n.accesskit_node();
            // A label's text is its value, or its label.
            match n.value() {
                Some(v) if !v.is_empty() => v.to_string(),
                _ => n.label().map(|l| l.to_string()).unwrap_or_default(),
            }
        })
        .collect()
}

#[test]
fn a_shop_that_never_joined_a_server_shows_nothing_about_sync() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(shop_at(&dir.path().join("shop.db"), true));
    h.state_mut().start_sync().unwrap();
    assert!(h.state().sync.is_none(), "no sync thread without joining");
    login(&mut h, "siti", "1111");
    burst(&mut h, MIE);
    for word in ["sinkron", "menunggu"] {
        assert!(status_texts(&h, word).is_empty(), "{word} shown");
    }
}

#[test]
fn the_status_bar_says_when_the_till_last_synced_and_what_waits() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(shop_at(&dir.path().join("shop.db"), true));
    login(&mut h, "siti", "1111");
    let now = h.state().shop.now();
    h.state_mut().sync = Some(SyncWorkerHandle::showing(SyncState {
        last_ok: Some(now - chrono::Duration::seconds(150)),
        pending: 0,
        failure: None,
    }));
    h.run_steps(2);
    assert_eq!(
        status_texts(&h, "sinkron"),
        ["sinkron 2 mnt lalu · 0 menunggu"]
    );
    h.state_mut().lang = Lang::En;
    h.run_steps(2);
    assert_eq!(status_texts(&h, "synced"), ["synced 2 min ago · 0 pending"]);
    h.state_mut().lang = Lang::Id;
    h.state_mut().sync = Some(SyncWorkerHandle::showing(SyncState {
        last_ok: None,
        pending: 3,
        failure: None,
    }));
    h.run_steps(2);
    assert_eq!(
        status_texts(&h, "sinkron"),
        ["belum pernah sinkron · 3 menunggu"]
    );
}

#[test]
fn a_joined_till_whose_server_does_not_answer_says_sync_failed_and_keeps_selling() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let mut shop = shop_at(&db, true);
    // Joined to a server on a port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let secret = "rahasia-sekali-0123456789";
    kasir::store::coop::save_credentials(
        &kasir::store::coop::credentials_path(&db),
        &kasir::store::coop::Credentials {
            till: "sembako-1".into(),
            host: "127.0.0.1".into(),
            port,
            dbname: "koperasi".into(),
            role: "kasir_till_sembako_1".into(),
            password: secret.into(),
            tls: false,
            verify: Default::default(),
        },
    )
    .unwrap();
    shop.set_setting(
        &kasir::domain::user::Actor::back_office(),
        "sync.interval_secs",
        "5",
    )
    .unwrap();
    let mut h = harness(shop);
    login(&mut h, "siti", "1111");
    h.state_mut().start_sync().unwrap();
    // Selling goes on while the sync thread tries.
    burst(&mut h, MIE);
    assert_eq!(h.state().cart.lines.len(), 1);
    for _ in 0..200 {
        if h.state().sync.as_ref().is_some_and(|s| s.has_run()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    h.run_steps(2);
    let pending = h
        .state()
        .shop
        .outbox_pending()
        .unwrap()
        .into_iter()
        .find(|(t, _)| t == "sembako-1")
        .map_or(0, |(_, n)| n);
    let shown = status_texts(&h, "sinkron gagal");
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(
        shown[0].starts_with("sinkron gagal: PostgreSQL"),
        "{shown:?}"
    );
    assert!(
        shown[0].ends_with(&format!(" · {pending} menunggu")),
        "{shown:?}"
    );
    assert!(!shown[0].contains(secret), "{shown:?}");
}

#[test]
fn a_credentials_file_that_does_not_read_says_so_in_the_status_bar_and_the_till_opens() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let shop = shop_at(&db, true);
    std::fs::write(kasir::store::coop::credentials_path(&db), "{ rusak").unwrap();
    let mut h = harness(shop);
    login(&mut h, "siti", "1111");
    h.state_mut().start_sync().unwrap();
    for _ in 0..200 {
        if h.state().sync.as_ref().is_some_and(|s| s.has_run()) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    h.run_steps(2);
    let shown = status_texts(&h, "sinkron gagal");
    assert_eq!(shown.len(), 1, "{shown:?}");
    assert!(shown[0].contains("tidak terbaca"), "{shown:?}");
}

#[test]
fn the_sync_state_stays_in_view_at_the_windows_opening_size() {
    // The window opens at 1024 × 720: a status bar wider than that wraps rather than
    // pushing the sync state (last on the bar but the clock) off the right edge.
    let dir = tempfile::tempdir().unwrap();
    let shop = shop_at(&dir.path().join("shop.db"), true);
    let mut h = harness_sized(shop, "sembako-1", egui::vec2(1024.0, 720.0));
    login(&mut h, "siti", "1111");
    let now = h.state().shop.now();
    h.state_mut().sync = Some(SyncWorkerHandle::showing(SyncState {
        last_ok: Some(now - chrono::Duration::seconds(150)),
        pending: 0,
        failure: None,
    }));
    h.run_steps(2);
    let node = h.get_by_label_contains("sinkron 2 mnt lalu");
    let rect = node.rect();
    assert!(
        rect.max.x <= 1024.0 && rect.max.y <= 720.0,
        "the sync state is drawn at {rect:?}, outside the 1024 × 720 window"
    );
}
