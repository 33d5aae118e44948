//! The till's screens: its widgets driven headless with egui_kittest (`till_ui`, `books_ui`,
//! `stock_ui`, `exceptions_ui`). The real window under a virtual X server has its own
//! binary, `window`, so that no other test competes with its typed keys for the machine.
//! One test binary: `cargo test --test ui [FILTER]`.

#[path = "../common/mod.rs"]
mod common;
#[path = "../ui_common/mod.rs"]
mod ui_common;

mod books_ui;
mod exceptions_ui;
mod stock_ui;
mod till_ui;
