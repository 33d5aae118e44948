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
