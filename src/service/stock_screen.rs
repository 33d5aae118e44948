//! Small reads the till's stock screen needs on top of the stock, opname and pharmacy
//! services: the blind list of what was counted so far, and the SIPNAP CSV to a file.

use std::path::Path;

use super::opname::CountAck;
use super::Shop;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};

impl Shop {
    /// What has been counted in the count under way, for the counter: counted figures only,
    /// never what the books expect (blind count). Empty when no count is under way.
    pub fn opname_counted(&self, actor: &Actor) -> Result<Vec<CountAck>> {
        super::auth::require(
            actor,
            Permission::ReceiveStock,
            crate::domain::user::Act::ViewOpnameCounts,
        )?;
        let c = self.store.conn();
        let Some(session) = crate::store::opname::open_session(c)? else {
            return Ok(Vec::new());
        };
        Ok(crate::store::opname::counts(c, session.id)?
            .into_iter()
            .map(|k| CountAck {
                sku: k.sku,
                name: k.name,
                batch: k.batch_no,
                counted: k.counted,
                base_unit: k.base_unit,
            })
            .collect())
    }

    /// Write the SIPNAP report of a month (`YYYY-MM`) as CSV to `path`; returns the number of
    /// products in it. The file is written whole or not at all (a temporary file renamed).
    pub fn export_sipnap_csv(&self, actor: &Actor, month: &str, path: &Path) -> Result<usize> {
        let rows = self.sipnap(actor, month)?;
        if path.as_os_str().is_empty() {
            return Err(KasirError::invalid(
                "Nama file CSV wajib diisi",
                "The CSV file needs a name",
            ));
        }
        crate::atomic_file::write_atomically(path, |w| {
            super::pharmacy::write_sipnap_csv(month.trim(), &rows, w)
        })?;
        Ok(rows.len())
    }
}
