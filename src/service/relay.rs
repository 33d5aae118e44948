//! Above the coop: the district (Dinas Koperasi). Registering a coop there, relaying the
//! coop's events up to it (`crate::sync::relay`: from the coop's server, or from a one-till
//! coop's own shop file), and the district's view of its coops and quarantine.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::Shop;
use crate::error::{KasirError, Result};
use crate::store::coop::CoopSource;
use crate::store::district::{self, DistrictCredentials, DistrictLink};
use crate::store::outbox;
use crate::store::Store;
use crate::sync::relay::{self, RelayReport, Source};

pub use crate::store::district::{CoopStatus, Quarantined};

/// What `kasir district coop add` did (no secret in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CoopAdded {
    pub coop: String,
    pub role: String,
    /// The 0600 file the coop's district credentials are kept in.
    pub credentials: PathBuf,
}

/// Register coop `coop` (named `name`) at the district at `url` (an owner's address) and
/// keep the credentials it relays with at `out` (0600, whole or not at all). A coop already
/// registered is refused unless `rejoin` (it gets a new password; the old file stops
/// working); without `rejoin` an existing `out` is refused before anything is registered.
pub fn coop_add(url: &str, coop: &str, name: &str, rejoin: bool, out: &Path) -> Result<CoopAdded> {
    let coop = coop.trim();
    if coop.is_empty() {
        return Err(KasirError::invalid(
            "ID koperasi kosong",
            "The coop id is empty",
        ));
    }
    if out.exists() && !rejoin {
        return Err(KasirError::invalid(
            format!(
                "{} sudah ada: pilih file lain (atau --rejoin untuk kata sandi baru)",
                out.display()
            ),
            format!(
                "{} already exists: choose another file (or --rejoin for a new password)",
                out.display()
            ),
        ));
    }
    let creds = district::register_coop_credentials(url, coop, name.trim(), rejoin)?;
    district::save_credentials(out, &creds)?;
    Ok(CoopAdded {
        coop: creds.coop,
        role: creds.role,
        credentials: out.to_path_buf(),
    })
}

/// What one `kasir relay` run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Relayed {
    pub coop: String,
    #[serde(flatten)]
    pub report: RelayReport,
}

/// Wait before the `n`th retry of a call whose answer was lost.
fn pause(n: u32) {
    std::thread::sleep(std::time::Duration::from_millis(500 * u64::from(n)));
}

/// The coop's server, linked to the coop of the district credentials once the district has
/// accepted them.
struct Linked {
    source: CoopSource,
    coop: String,
}

impl Source for Linked {
    fn accepted(&mut self) -> Result<()> {
        let linked = self.source.link(&self.coop)?;
        if linked != self.coop {
            return Err(other_coop(&linked, &self.coop));
        }
        Ok(())
    }
    fn tills(&mut self) -> Result<Vec<String>> {
        self.source.tills()
    }
    fn events_after(
        &mut self,
        till: &str,
        after: i64,
        limit: i64,
    ) -> Result<Vec<crate::store::outbox::Event>> {
        self.source.events_after(till, after, limit)
    }
    fn record_held(&mut self, till: &str, held: i64) -> Result<()> {
        self.source.record_held(till, held)
    }
}

fn other_coop(linked: &str, file: &str) -> KasirError {
    KasirError::invalid(
        format!(
            "Server koperasi ini direlay sebagai koperasi {linked}, file kredensial untuk koperasi {file}: pakai file koperasi ini"
        ),
        format!(
            "This coop server relays as coop {linked}, the credentials file is coop {file}'s: use this coop's file"
        ),
    )
}

/// Relay every event of the coop's server at `from` (its owner's address) the district does
/// not hold yet, as the coop of the credentials at `to`, and record at the coop's server
/// what the district holds of each till. The server is linked to that coop on its first
/// relay; another coop's credentials are refused after.
pub fn relay_from_coop(to: &Path, from: &str) -> Result<Relayed> {
    let creds = district::load_credentials(to)?;
    let mut source = CoopSource::connect(from)?;
    if let Some(linked) = source.linked_coop()? {
        if linked != creds.coop {
            return Err(other_coop(&linked, &creds.coop));
        }
    }
    let coop = creds.coop.clone();
    let mut source = Linked {
        source,
        coop: coop.clone(),
    };
    run(&mut source, creds, coop)
}

fn run(source: &mut dyn Source, creds: DistrictCredentials, coop: String) -> Result<Relayed> {
    let mut link = DistrictLink::new(creds);
    let report = relay::relay_all(source, &mut link, crate::sync::BATCH, &mut pause)?;
    Ok(Relayed { coop, report })
}

/// A shop file's outbox as the relay's source: every till id in the file.
struct ShopSource<'a> {
    store: &'a Store,
    at: String,
}

impl Source for ShopSource<'_> {
    fn tills(&mut self) -> Result<Vec<String>> {
        outbox::tills(self.store.conn())
    }
    fn events_after(&mut self, till: &str, after: i64, limit: i64) -> Result<Vec<outbox::Event>> {
        outbox::events_after(self.store.conn(), till, after, limit)
    }
    fn record_held(&mut self, till: &str, held: i64) -> Result<()> {
        let _crash = crate::store::crash::use_case("district_ack");
        self.store
            .write(|tx| crate::store::pull::set_district_held(tx, till, held, &self.at))
    }
}

impl Shop {
    /// A one-till coop with no server of its own: relay this file's events straight to the
    /// district with the credentials at `to`, and record here what the district holds of
    /// each till (`district_acks`).
    pub fn relay_to_district(&self, to: &Path) -> Result<Relayed> {
        let creds = district::load_credentials(to)?;
        let coop = creds.coop.clone();
        let mut source = ShopSource {
            store: &self.store,
            at: super::stamp(self.now()),
        };
        run(&mut source, creds, coop)
    }
}

/// Each coop registered at the district at `url` (an owner's address).
pub fn status(url: &str) -> Result<Vec<CoopStatus>> {
    district::status(url)
}

/// The district's quarantine at `url` (an owner's address), each event with its coop, till,
/// seq and reason.
pub fn quarantine(url: &str) -> Result<Vec<Quarantined>> {
    district::quarantine(url)
}
