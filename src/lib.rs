//! kasir: point of sale and stock for Koperasi Desa/Kelurahan Merah Putih.
//!
//! `domain` holds the rules, `store` the SQL, `service` the use cases shared by the till
//! (`ui`) and the command line (`cli`). See ARCHITECTURE.md.

pub mod atomic_file;
pub mod cli;
pub mod domain;
pub mod error;
pub mod i18n;
pub mod service;
pub mod store;
pub mod sync;
pub mod ui;

pub use error::{KasirError, Result};
