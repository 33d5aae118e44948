//! Bundles carried by hand, for a till or a coop without a link (`crate::sync::bundle` holds
//! the file format): the node exports its unacknowledged events to a file, the coop's owner
//! imports it into the coop's PostgreSQL (through the server's own push rules) and gets an
//! acknowledgement back, and the node imports the acknowledgement to mark its events
//! acknowledged. Any of the three may be repeated, or done out of order, without harm.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{stamp, Shop};
use crate::error::{KasirError, Result};
use crate::store::bundles::{event_id_at, OwnerImport};
use crate::store::outbox::{self, Event};
use crate::sync::bundle::{self as format, Ack, AckTill, BundleHeader, Damage};
use crate::sync::Server;

/// One till's events in a bundle: seqs `first` to `last`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TillRange {
    pub till: String,
    pub events: usize,
    pub first: i64,
    pub last: i64,
}

fn ranges(events: &[Event]) -> Vec<TillRange> {
    let mut out: Vec<TillRange> = Vec::new();
    for e in events {
        match out.iter_mut().find(|r| r.till == e.till) {
            Some(r) => {
                r.events += 1;
                r.last = e.seq;
            }
            None => out.push(TillRange {
                till: e.till.clone(),
                events: 1,
                first: e.seq,
                last: e.seq,
            }),
        }
    }
    out
}

/// What `kasir bundle export` wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exported {
    pub file: PathBuf,
    /// The till ids of this shop file (the header's).
    pub tills: Vec<String>,
    pub events: usize,
    pub ranges: Vec<TillRange>,
    /// The bundle's final chain hash.
    pub chain: String,
}

/// What `kasir bundle import FILE --server URL` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    /// Per till: the events read (stored or already held) and the highest seq the server
    /// now holds.
    pub tills: Vec<ImportedTill>,
    /// The acknowledgement written for the node.
    pub ack: PathBuf,
    /// Where the file stopped verifying, if it did: the events before are stored.
    #[serde(skip)]
    pub damage: Option<Damage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedTill {
    pub till: String,
    pub events: usize,
    pub first: i64,
    pub last: i64,
    pub held: i64,
}

/// What importing an acknowledgement did, per till.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AckedTill {
    pub till: String,
    /// The till's events acknowledged through this seq now.
    pub acked_through: i64,
    /// Events this import marked.
    pub marked: usize,
    /// From the district's acknowledgement: the till's events the district holds through
    /// this seq now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district_held: Option<i64>,
}

fn read(file: &Path) -> Result<Vec<u8>> {
    std::fs::read(file).map_err(|e| KasirError::file(file, e))
}

fn write(file: &Path, text: &str) -> Result<()> {
    crate::atomic_file::write_atomically(file, |out| {
        out.write_all(text.as_bytes())?;
        Ok(())
    })
}

/// `FILE.ack` beside the bundle `file`.
pub fn default_ack_path(file: &Path) -> PathBuf {
    let mut name = file.as_os_str().to_owned();
    name.push(".ack");
    PathBuf::from(name)
}

/// Store the events of the bundle `file` on the coop's server at `server_url` (the owner's
/// address) and write the acknowledgement to `ack_out` (else `FILE.ack`). Each event goes
/// through the server's push rules: stored once by its id, or quarantined. A damaged file
/// stores the events before the damage and says where it is in [`Imported::damage`].
pub fn import_bundle(file: &Path, server_url: &str, ack_out: Option<&Path>) -> Result<Imported> {
    let bundle = format::read_bundle(&read(file)?)?;
    let mut server = OwnerImport::connect(server_url)?;
    let mut tills = Vec::new();
    let mut acks = Vec::new();
    for r in ranges(&bundle.events) {
        let events: Vec<Event> = bundle
            .events
            .iter()
            .filter(|e| e.till == r.till)
            .cloned()
            .collect();
        let mut held = 0;
        for batch in events.chunks(crate::sync::BATCH as usize) {
            held = server.push(&r.till, batch)?;
        }
        let last = events.last().expect("a range has an event");
        acks.push(AckTill {
            till: r.till.clone(),
            held,
            last_seq: last.seq,
            last_id: last.id.clone(),
        });
        tills.push(ImportedTill {
            till: r.till,
            events: r.events,
            first: r.first,
            last: r.last,
            held,
        });
    }
    let ack = Ack {
        bundle: bundle.chain.clone(),
        coop: bundle.header.coop.clone(),
        district: false,
        tills: acks,
    };
    let ack_file = ack_out.map_or_else(|| default_ack_path(file), Path::to_path_buf);
    write(&ack_file, &format::write_ack(&ack))?;
    Ok(Imported {
        tills,
        ack: ack_file,
        damage: bundle.damage,
    })
}

/// An event the district put in quarantine: its till, seq and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Quarantined {
    pub till: String,
    pub seq: Option<i64>,
    pub reason: String,
}

/// What `kasir bundle import FILE --district URL` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportedAtDistrict {
    pub coop: String,
    /// Per till: the events read and the highest seq the district now holds.
    pub tills: Vec<ImportedTill>,
    /// The bundle's events the district keeps in quarantine (this import's or an earlier
    /// one's), named.
    pub quarantined: Vec<Quarantined>,
    pub ack: PathBuf,
    #[serde(skip)]
    pub damage: Option<Damage>,
}

/// One bundle event as `kasir_relay` takes it: redacted as the relay sends it
/// ([`crate::sync::relay::redact`]: members, users and prescriptions without names or PINs).
fn relay_json(e: &Event) -> serde_json::Value {
    let mut v = crate::sync::event_json(e);
    if let Some(p) = crate::sync::relay::redact(&e.kind, &e.payload) {
        v["payload"] = p.into();
        v["redacted"] = true.into();
    }
    v
}

fn no_coop_id() -> KasirError {
    KasirError::invalid(
        "Bundel ini tidak menyebut kode koperasi: setel `coop.id` di file toko (`kasir settings set coop.id KODE`) lalu ekspor lagi; tidak ada yang disimpan",
        "This bundle names no coop id: set `coop.id` on the shop file (`kasir settings set coop.id ID`) and export again; nothing was stored",
    )
}

/// Store the events of coop bundle `file` at the district at `district_url` (its owner's
/// address) through the relay's rules (`kasir_district_import`): each event id once, a bad
/// one quarantined and named, members, users and prescriptions redacted as the relay sends them. The header's
/// coop id is required and must be registered at the district. Writes the district's
/// acknowledgement to `ack_out` (else `FILE.ack`). A damaged file stores the events before
/// the damage and says where it is in [`ImportedAtDistrict::damage`].
pub fn import_bundle_at_district(
    file: &Path,
    district_url: &str,
    ack_out: Option<&Path>,
) -> Result<ImportedAtDistrict> {
    let bundle = format::read_bundle(&read(file)?)?;
    let coop = match bundle.header.coop.as_deref().map(str::trim) {
        Some(c) if !c.is_empty() => c.to_string(),
        _ => return Err(no_coop_id()),
    };
    let mut client = crate::store::district::owner_client(district_url)?;
    if !crate::store::district::coop_registered(&mut client, &coop)? {
        return Err(KasirError::invalid(
            format!("Koperasi {coop} belum terdaftar di dinas ini: daftarkan dulu; tidak ada yang disimpan"),
            format!("Coop {coop} is not registered at this district: register it first; nothing was stored"),
        ));
    }
    let mut tills = Vec::new();
    let mut acks = Vec::new();
    for r in ranges(&bundle.events) {
        let events: Vec<&Event> = bundle.events.iter().filter(|e| e.till == r.till).collect();
        let mut held = 0;
        for batch in events.chunks(crate::sync::BATCH as usize) {
            let json =
                serde_json::Value::Array(batch.iter().map(|e| relay_json(e)).collect()).to_string();
            for (till, h) in crate::store::district::owner_import(&mut client, &coop, &json)? {
                if till == r.till {
                    held = h;
                }
            }
        }
        let Some(last) = events.last() else { continue };
        acks.push(AckTill {
            till: r.till.clone(),
            held,
            last_seq: last.seq,
            last_id: last.id.clone(),
        });
        tills.push(ImportedTill {
            till: r.till,
            events: r.events,
            first: r.first,
            last: r.last,
            held,
        });
    }
    let ids: Vec<String> = bundle.events.iter().map(|e| e.id.clone()).collect();
    let quarantined = crate::store::district::quarantined(&mut client, &coop, &ids)?
        .into_iter()
        .map(|(till, seq, reason)| Quarantined { till, seq, reason })
        .collect();
    let ack = Ack {
        bundle: bundle.chain.clone(),
        coop: Some(coop.clone()),
        district: true,
        tills: acks,
    };
    let ack_file = ack_out.map_or_else(|| default_ack_path(file), Path::to_path_buf);
    write(&ack_file, &format::write_ack(&ack))?;
    Ok(ImportedAtDistrict {
        coop,
        tills,
        quarantined,
        ack: ack_file,
        damage: bundle.damage,
    })
}

fn foreign_till(till: &str, ours: &[String]) -> KasirError {
    let ours = if ours.is_empty() {
        "-".to_string()
    } else {
        ours.join(", ")
    };
    KasirError::invalid(
        format!("Tanda terima ini untuk kasir {till}, bukan kasir file toko ini ({ours}); tidak ada yang ditandai"),
        format!("This acknowledgement is for till {till}, not a till of this shop file ({ours}); nothing was marked"),
    )
}

fn not_our_bundle(till: &str, seq: i64) -> KasirError {
    KasirError::invalid(
        format!("Tanda terima ini bukan untuk bundel file toko ini (kejadian kasir {till} #{seq} lain); tidak ada yang ditandai"),
        format!("This acknowledgement is not for a bundle of this shop file (event of till {till} #{seq} differs); nothing was marked"),
    )
}

impl Shop {
    /// Write every event of this shop file the coop's server has not acknowledged to the
    /// bundle `out`, written whole or not at all.
    pub fn bundle_export(&self, out: &Path) -> Result<Exported> {
        let c = self.store.conn();
        let tills = outbox::tills(c)?;
        let mut events = Vec::new();
        for till in &tills {
            events.extend(outbox::pending(c, till, i64::MAX)?);
        }
        let coop = self.setting(super::settings::Key::CoopId)?;
        let header = BundleHeader {
            tills: tills.clone(),
            coop: (!coop.trim().is_empty()).then(|| coop.trim().to_string()),
            created_at: stamp(self.now()),
        };
        let (text, chain) = format::write_bundle(&header, &events);
        write(out, &text)?;
        Ok(Exported {
            file: out.to_path_buf(),
            tills,
            events: events.len(),
            ranges: ranges(&events),
            chain,
        })
    }

    /// Mark this file's events acknowledged as the acknowledgement `file` says: per till, up
    /// to the highest seq the server holds but never past the last event the bundle carried
    /// (which must be this file's own). A corrupt acknowledgement, or one naming a till or an
    /// event that is not this file's, is refused whole.
    pub fn bundle_ack(&self, file: &Path) -> Result<Vec<AckedTill>> {
        let ack = format::read_ack(&read(file)?)?;
        let joined = self.joined_till()?.is_some();
        let at = stamp(self.now());
        let _crash = crate::store::crash::use_case("bundle_ack");
        self.store.write(|tx| {
            let ours = outbox::tills(tx)?;
            let mut out = Vec::new();
            for t in &ack.tills {
                if !ours.contains(&t.till) {
                    return Err(foreign_till(&t.till, &ours));
                }
                let before = outbox::acked_through(tx, &t.till)?;
                match event_id_at(tx, &t.till, t.last_seq)? {
                    Some(id) if id == t.last_id => {}
                    None if t.last_seq <= before => {}
                    _ => return Err(not_our_bundle(&t.till, t.last_seq)),
                }
                let upto = t.held.min(t.last_seq);
                if ack.district {
                    crate::store::pull::set_district_held(tx, &t.till, upto, &at)?;
                }
                // The district's acknowledgement marks events acknowledged only on a file
                // without a coop server of its own (the district is then its only keeper).
                let marks = !ack.district || !joined;
                let marked = if upto > before && marks {
                    outbox::ack_through(tx, &t.till, upto)?
                } else {
                    0
                };
                out.push(AckedTill {
                    till: t.till.clone(),
                    acked_through: if marks { upto.max(before) } else { before },
                    marked,
                    district_held: if ack.district {
                        Some(crate::store::pull::district_held(tx, &t.till)?)
                    } else {
                        None
                    },
                });
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests;
