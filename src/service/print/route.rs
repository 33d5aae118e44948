//! Which printer a till's jobs go to, and printer addresses in their canonical spelling.

use crate::service::settings::{Key, TillKey};
use kasir_hardware::{HardwareError, PrinterAddress, Transport};
use rusqlite::Connection;

use crate::error::{KasirError, Result};
use crate::store::settings;

/// Open a printer by URI with the hardware crate.
pub fn open_printer(uri: &str) -> std::result::Result<Box<dyn Transport>, HardwareError> {
    kasir_hardware::open(&uri.parse::<PrinterAddress>()?.uri)
}

/// Check a printer URI, in its canonical spelling.
pub fn parse_printer(uri: &str) -> Result<String> {
    uri.parse::<PrinterAddress>()
        .map(|u| u.to_string())
        .map_err(KasirError::Printer)
}

/// A printer URI in its canonical spelling when it parses (so `tcp:host` and
/// `tcp:host:9100` name one queue), else as written (the job then fails with a clear error
/// instead of the sale failing).
pub fn canonical_printer(uri: &str) -> String {
    uri.parse::<PrinterAddress>()
        .map(|u| u.to_string())
        .unwrap_or_else(|_| uri.trim().to_string())
}

/// The printer that prints a till's receipts: setting `till.<till>.printer`, else
/// `printer.uri`, else the simulated printer.
pub fn receipt_printer(c: &Connection, till: &str) -> Result<String> {
    let own = settings::get(c, &TillKey::Printer.of(till))?.filter(|s| !s.is_empty());
    let uri = match own {
        Some(p) => p,
        None => settings::get(c, Key::PrinterUri.name())?
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "sim".into()),
    };
    Ok(canonical_printer(&uri))
}

/// A printer's status mode (`?status=`) and the address its answers are remembered under
/// (without the mode, so changing the mode keeps what was learned).
pub fn status_mode_of(printer: &str) -> (kasir_hardware::StatusMode, String) {
    match printer.parse::<PrinterAddress>() {
        Ok(a) => (a.status, a.uri.to_string()),
        Err(_) => (kasir_hardware::StatusMode::Auto, printer.trim().to_string()),
    }
}

/// After a printer setting changed: every till's waiting jobs go to that till's printer as
/// it is now (a receipt queued for a broken printer prints on its replacement).
pub fn follow_printer_change(c: &Connection) -> Result<usize> {
    let mut moved = 0;
    let tills: std::collections::BTreeSet<String> = crate::store::print::queues_with_queued(c)?
        .into_iter()
        .map(|(till, _)| till)
        .collect();
    for till in tills {
        moved += crate::store::print::repoint(c, &till, &receipt_printer(c, &till)?)?;
    }
    Ok(moved)
}

impl crate::service::Shop {
    /// The printer of `till`'s receipts ([`receipt_printer`]).
    pub fn receipt_printer(&self, till: &str) -> Result<String> {
        receipt_printer(self.store.conn(), till)
    }
}
