//! The real `kasir` binary at the command line: a shop's day, the books, stock, printing,
//! bad input, the `--json` promise to scripts; and the layers the code keeps (`layers`).
//! One test binary: `cargo test --test cli [FILTER]`.

#[path = "../common/mod.rs"]
mod common;

mod cli_bad_input;
mod cli_json;
mod cli_shop_day;
mod layers;
mod ledger_cli_day;
mod print_cli;
mod stock_cli;
