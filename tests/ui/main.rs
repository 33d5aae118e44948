//! The till's screens: its widgets driven headless with egui_kittest (`till_ui`, `books_ui`,
//! `stock_ui`) and the real window under a virtual X server (`till_window`).
//! One test binary: `cargo test --test ui [FILTER]`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../ui_common/mod.rs"]
mod ui_common;

mod books_ui;
mod stock_ui;
mod till_ui;
mod till_window;
