//! Pure shop rules: no I/O, no clock reads. Everything here takes its inputs as data.

pub mod barcode;
pub mod books_names;
pub mod cart;
pub mod cash;
pub mod catalog;
pub mod label;
pub mod ledger;
pub mod money;
pub mod pharmacy;
pub mod stock;
pub mod tax;
pub mod user;
