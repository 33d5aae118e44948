//! The services on a real store: the books, stock, committing a sale, the print queue, the
//! large-shop generator and search.
//! One test binary: `cargo test --test service [FILTER]`.

#[path = "../common/mod.rs"]
mod common;

mod exceptions_service;
mod late_events;
mod ledger_books;
mod perf_generate;
mod perf_search;
mod print_queue;
mod rx_sync;
mod sale_commit;
mod stock_service;
mod sync_events;
