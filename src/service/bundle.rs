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
                let marked = if upto > before {
                    outbox::ack_through(tx, &t.till, upto)?
                } else {
                    0
                };
                out.push(AckedTill {
                    till: t.till.clone(),
                    acked_through: upto.max(before),
                    marked,
                });
            }
            Ok(out)
        })
    }
}

#[cfg(test)]
mod tests;
