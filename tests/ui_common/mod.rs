//! Helpers for the till's widget tests (egui_kittest): keys and text as a person or a
//! scanner sends them.
#![allow(dead_code)]

use egui::{Event, Key, Modifiers};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use kasir::ui::{Action, TillApp};

pub fn key_event(key: Key, pressed: bool) -> Event {
    Event::Key {
        key,
        physical_key: None,
        pressed,
        repeat: false,
        modifiers: Modifiers::NONE,
    }
}

/// Press and release a key.
pub fn press(h: &mut Harness<TillApp>, key: Key) {
    h.input_mut().events.push(key_event(key, true));
    h.input_mut().events.push(key_event(key, false));
    h.run_steps(3);
}

/// A person typing: one key per frame, a quarter second apart.
pub fn typing(h: &mut Harness<TillApp>, text: &str) {
    for ch in text.chars() {
        h.input_mut().events.push(Event::Text(ch.to_string()));
        h.step();
    }
    h.run_steps(2);
}

/// A scanner: the code and Enter within one frame.
pub fn burst(h: &mut Harness<TillApp>, text: &str) {
    let ev = &mut h.input_mut().events;
    ev.push(Event::Text(text.into()));
    ev.push(key_event(Key::Enter, true));
    ev.push(key_event(Key::Enter, false));
    h.run_steps(3);
}

/// Click the widget with this label.
pub fn click(h: &mut Harness<TillApp>, label: &str) {
    h.get_by_label(label).click();
    h.run_steps(3);
}

/// Choose a user on the login screen.
pub fn select_user(h: &mut Harness<TillApp>, username: &str) {
    let i = h
        .state()
        .users
        .iter()
        .position(|u| u.username == username)
        .unwrap();
    h.state_mut().apply(Action::SelectUser(i));
    h.run_steps(2);
}

/// The demo shop in a new file at `db` (`create`), or the shop already there, on the
/// machine's clock.
pub fn demo_shop_at(db: &std::path::Path, create: bool) -> kasir::service::Shop {
    use kasir::store::{OpenMode, Store};
    let mode = if create {
        OpenMode::CreateNew
    } else {
        OpenMode::Existing
    };
    let mut shop = kasir::service::Shop::new(
        Store::open(db, mode).unwrap(),
        std::sync::Arc::new(kasir::service::SystemClock),
    );
    if create {
        kasir::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
    }
    shop
}

/// The till of `shop` at counter `till`, in a window of `size`.
pub fn harness_sized(
    shop: kasir::service::Shop,
    till: &str,
    size: egui::Vec2,
) -> Harness<'static, TillApp> {
    let app = TillApp::new(
        shop,
        &kasir::ui::TillOptions {
            till: Some(till.into()),
            ..Default::default()
        },
    )
    .unwrap();
    Harness::builder()
        .with_size(size)
        .build_ui_state(|ui, app: &mut TillApp| app.frame(ui), app)
}

/// The till of `shop` at counter `till`, 1280 × 800.
pub fn harness_on(shop: kasir::service::Shop, till: &str) -> Harness<'static, TillApp> {
    harness_sized(shop, till, egui::vec2(1280.0, 800.0))
}

/// Choose `username` on the login screen, type the PIN and Enter; they are logged in.
pub fn log_in(h: &mut Harness<TillApp>, username: &str, pin: &str) {
    select_user(h, username);
    typing(h, pin);
    press(h, Key::Enter);
    assert!(h.state().actor.is_some(), "{username} did not log in");
}

/// Click a labelled text (or PIN) field and type into it.
pub fn fill(h: &mut Harness<TillApp>, label: &str, text: &str) {
    use egui::accesskit::Role;
    match h.query_by_role_and_label(Role::TextInput, label) {
        Some(n) => n.click(),
        None => match h.query_by_role_and_label(Role::PasswordInput, label) {
            Some(n) => n.click(),
            None => h.get_by_label(label).click(),
        },
    }
    h.run_steps(3);
    typing(h, text);
}

/// Some widget's label contains `text`.
pub fn shown(h: &Harness<TillApp>, text: &str) -> bool {
    h.query_all_by_label_contains(text).next().is_some()
}

/// A widget labelled exactly `label` is on screen.
pub fn exact(h: &Harness<TillApp>, label: &str) -> bool {
    h.query_all_by_label(label).next().is_some()
}
