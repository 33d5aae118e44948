//! The real till window under a virtual X server, typed into with xdotool as a cashier and
//! a wedge scanner would (`till_window`). A binary of its own: its keys are timed, so no
//! other test runs beside it. `cargo test --test window`.

#[path = "../common/mod.rs"]
mod common;

mod till_window;
