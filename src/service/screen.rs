//! What the screens need from the shop file without naming `store`: the rows the services
//! hand out (defined beside their queries) and a few plain reads. The till's code goes
//! through here and through the other services only.

use std::path::Path;
use std::sync::Arc;

use super::{Shop, SystemClock};
use crate::error::Result;
use crate::store::{OpenMode, Store};

pub use crate::store::members::MemberRow;
pub use crate::store::opname::SessionRow;
pub use crate::store::pharmacy::{PrescriptionRow, RegisterRow};
pub use crate::store::sales::SaleRecord;
pub use crate::store::shifts::ShiftRow;
pub use crate::store::stock::{ExpiryRow, MoveRow, PeriodMovement, StockRow, SupplierRow};
pub use crate::store::till::HeldRow;
pub use crate::store::users::UserRow;

/// Check the whole file for damage (every table and index, the history too); slow on a
/// large shop, so the till runs it on a thread of its own.
pub fn check_file(path: &Path) -> Result<()> {
    crate::store::check_file(path)
}

impl Shop {
    /// Open an existing shop file on a connection of its own, on the machine's clock (for
    /// a thread beside the till).
    pub fn open_existing(path: &Path) -> Result<Shop> {
        let store = Store::open(path, OpenMode::Existing)?;
        Ok(Shop::new(store, Arc::new(SystemClock)))
    }

    /// The shop file's path (`:memory:` for a shop in memory).
    pub fn file_path(&self) -> &Path {
        self.store.path()
    }

    /// A stored setting's text by the registry name the settings form shows, if it is set
    /// (the registry's default is not filled in). Code that knows its key reads it typed,
    /// with [`Shop::setting`].
    pub fn setting_as_stored(&self, key: &str) -> Result<Option<String>> {
        crate::store::settings::get(self.store.conn(), key)
    }
}
