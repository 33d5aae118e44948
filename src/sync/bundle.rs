//! Bundles: the outbox carried by hand (a USB stick) where a till or a coop has no link.
//!
//! A file is lines, each one record: `JSON<TAB>SHA256<TAB>CHAIN`, where `SHA256` is the
//! sha256 hex of the record's JSON text and `CHAIN` is sha256 hex of the previous line's
//! chain hash followed by the record (the first line follows the empty string). The first
//! record is the header (what the file is, its format version, the node's till ids and coop
//! id), the last the trailer (how many records lie between, and the chain hash after the
//! last of them). A flipped byte breaks its line's hash; a line taken out, doubled or moved
//! breaks the chain; a file cut short has no trailer.
//!
//! Two kinds of file: a **bundle** ([`BUNDLE`]) carries a node's unacknowledged events, one
//! per record, to the coop's server; an **acknowledgement** ([`ACK`]) carries back, per till,
//! the highest seq the server holds and the last event of that till the bundle carried.
//!
//! Reading verifies record by record and keeps the verified prefix: the events before a
//! damaged record are good (each verified by its own hash and by the chain from the header),
//! the damaged one and everything after it are not used.

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::error::{KasirError, Result};
use crate::store::outbox::Event;

/// The format version this program writes and reads.
pub const FORMAT: i64 = 1;
/// The header type of a bundle of events.
pub const BUNDLE: &str = "kasir-bundle";
/// The header type of an acknowledgement.
pub const ACK: &str = "kasir-ack";

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Writes records with their hashes and the chain.
struct Writer {
    text: String,
    chain: String,
    count: i64,
}

impl Writer {
    fn new(header: Value) -> Writer {
        let mut w = Writer {
            text: String::new(),
            chain: String::new(),
            count: -1,
        };
        w.record(&header);
        w
    }

    fn record(&mut self, record: &Value) {
        let text = record.to_string();
        let own = sha256_hex(text.as_bytes());
        self.chain = sha256_hex(format!("{}{}", self.chain, text).as_bytes());
        self.text.push_str(&text);
        self.text.push('\t');
        self.text.push_str(&own);
        self.text.push('\t');
        self.text.push_str(&self.chain);
        self.text.push('\n');
        self.count += 1;
    }

    /// The whole file and its final chain hash (the trailer's line).
    fn finish(mut self) -> (String, String) {
        let trailer = json!({"type": "trailer", "count": self.count, "chain": self.chain});
        self.record(&trailer);
        (self.text, self.chain)
    }
}

/// What a bundle's header says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleHeader {
    /// The till ids of the node that wrote it.
    pub tills: Vec<String>,
    /// The coop's id, if the node has one set.
    pub coop: Option<String>,
    /// When it was written (the node's clock).
    pub created_at: String,
}

fn event_record(e: &Event) -> Value {
    let mut record = super::event_json(e);
    record["type"] = json!("event");
    record
}

fn event_of(v: &Value) -> Option<Event> {
    let s = |k: &str| v.get(k)?.as_str().map(str::to_string);
    let i = |k: &str| v.get(k)?.as_i64();
    if v.get("type")?.as_str()? != "event" {
        return None;
    }
    Some(Event {
        id: s("id")?,
        till: s("till")?,
        seq: i("seq")?,
        kind: s("kind")?,
        schema_version: i("version")?,
        payload: s("payload")?,
        hash: s("hash")?,
        till_time: s("till_time")?,
    })
}

/// A bundle of `events` (in seq order per till): the file's text and its final chain hash,
/// which names the bundle (the acknowledgement repeats it).
pub fn write_bundle(header: &BundleHeader, events: &[Event]) -> (String, String) {
    let mut w = Writer::new(json!({
        "type": BUNDLE,
        "format": FORMAT,
        "tills": header.tills,
        "coop": header.coop,
        "created_at": header.created_at,
    }));
    for e in events {
        w.record(&event_record(e));
    }
    w.finish()
}

/// Why a file's records stop before its trailer was verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Damage {
    /// Record `line` (1-based) does not match its hash or the chain; `till` and `seq` as
    /// far as they still read.
    Corrupt {
        line: usize,
        till: Option<String>,
        seq: Option<i64>,
    },
    /// The file ends before its trailer: `line` is the first line missing or incomplete.
    CutShort { line: usize },
}

impl Damage {
    /// The refusal, naming the damaged event by its till and seq where it reads.
    pub fn error(&self) -> KasirError {
        match self {
            Damage::Corrupt {
                till: Some(till),
                seq: Some(seq),
                line,
            } => KasirError::invalid(
                format!("Kejadian kasir {till} #{seq} (baris {line}) rusak: hash tidak cocok; kejadian sebelumnya tersimpan, sisanya ditolak"),
                format!("Event of till {till} #{seq} (line {line}) is corrupt: its hash does not match; the events before it are stored, the rest refused"),
            ),
            Damage::Corrupt { line, .. } => KasirError::invalid(
                format!("Baris {line} berkas rusak: hash tidak cocok; kejadian sebelumnya tersimpan, sisanya ditolak"),
                format!("Line {line} of the file is corrupt: its hash does not match; the events before it are stored, the rest refused"),
            ),
            Damage::CutShort { line } => KasirError::invalid(
                format!("Berkas terpotong (berakhir sebelum baris {line} utuh): kejadian yang utuh sebelumnya tersimpan"),
                format!("The file is cut short (it ends before line {line} is whole): the complete events before the cut are stored"),
            ),
        }
    }
}

/// A file's records that verify, in order (header first, trailer not included), and why
/// reading stopped early, if it did.
#[derive(Debug, Clone, PartialEq)]
pub struct Records {
    pub header: Value,
    pub body: Vec<Value>,
    /// The final chain hash, when the trailer verified.
    pub chain: Option<String>,
    pub damage: Option<Damage>,
}

fn not_a_file() -> KasirError {
    KasirError::invalid(
        "Berkas ini bukan bundel kasir atau kepalanya rusak; tidak ada yang disimpan",
        "This file is not a kasir bundle or its header is corrupt; nothing was stored",
    )
}

/// The record of `line` and the chain hash after it, when its own hash and its place in
/// the chain (after `prev`) both verify.
fn verify(line: &[u8], prev: &str) -> Option<(Value, String)> {
    let line = std::str::from_utf8(line).ok()?;
    let mut fields = line.split('\t');
    let (record, own, chain) = (fields.next()?, fields.next()?, fields.next()?);
    if fields.next().is_some() || own != sha256_hex(record.as_bytes()) {
        return None;
    }
    let next = sha256_hex(format!("{prev}{record}").as_bytes());
    if chain != next {
        return None;
    }
    let v: Value = serde_json::from_str(record).ok()?;
    v.is_object().then_some((v, next))
}

/// The till and seq a damaged line still reads as: from its record when that parses, else
/// from the text around `"till":"` and `"seq":` (a payload's own quotes are escaped, so
/// only the record's keys match).
fn name_of(line: &[u8]) -> (Option<String>, Option<i64>) {
    let text = String::from_utf8_lossy(line);
    let record = text.split('\t').next().unwrap_or_default();
    if let Ok(v) = serde_json::from_str::<Value>(record) {
        let till = v["till"].as_str().map(str::to_string);
        let seq = v["seq"].as_i64();
        if till.is_some() && seq.is_some() {
            return (till, seq);
        }
    }
    let till = text.find("\"till\":\"").and_then(|i| {
        let rest = &text[i + 8..];
        rest.find('"').map(|j| rest[..j].to_string())
    });
    let seq = text.find("\"seq\":").and_then(|i| {
        let digits: String = text[i + 6..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    });
    (till, seq)
}

fn check_header(v: &Value) -> Result<()> {
    let kind = v["type"].as_str().unwrap_or_default();
    if kind != BUNDLE && kind != ACK {
        return Err(not_a_file());
    }
    match v["format"].as_i64() {
        Some(FORMAT) => Ok(()),
        Some(f) if f > FORMAT => Err(KasirError::invalid(
            format!("Berkas ini format versi {f}, lebih baru dari program ini ({FORMAT}): perbarui kasir"),
            format!("This file is format version {f}, newer than this program ({FORMAT}): update kasir"),
        )),
        _ => Err(not_a_file()),
    }
}

/// Verify `bytes` record by record. Refused whole (nothing usable) when the header does
/// not verify or is not of this format.
pub fn read_records(bytes: &[u8]) -> Result<Records> {
    let mut pieces = bytes.split_inclusive(|&b| b == b'\n').peekable();
    let mut chain = String::new();
    let mut header: Option<Value> = None;
    let mut body = Vec::new();
    let mut n = 0;
    let stop = |header: Option<Value>, body, damage| match header {
        Some(header) => Ok(Records {
            header,
            body,
            chain: None,
            damage: Some(damage),
        }),
        None => Err(not_a_file()),
    };
    while let Some(piece) = pieces.next() {
        n += 1;
        let Some(line) = piece.strip_suffix(b"\n") else {
            return stop(header, body, Damage::CutShort { line: n });
        };
        let Some((v, next)) = verify(line, &chain) else {
            let (till, seq) = name_of(line);
            return stop(header, body, Damage::Corrupt { line: n, till, seq });
        };
        let before = std::mem::replace(&mut chain, next);
        if header.is_none() {
            check_header(&v)?;
            header = Some(v);
            continue;
        }
        if v["type"] != "trailer" {
            body.push(v);
            continue;
        }
        let whole = v["count"].as_u64() == Some(body.len() as u64)
            && v["chain"].as_str() == Some(before.as_str());
        if !whole {
            return stop(
                header,
                body,
                Damage::Corrupt {
                    line: n,
                    till: None,
                    seq: None,
                },
            );
        }
        if pieces.peek().is_some() {
            return stop(
                header,
                body,
                Damage::Corrupt {
                    line: n + 1,
                    till: None,
                    seq: None,
                },
            );
        }
        return Ok(Records {
            header: header.expect("the header came first"),
            body,
            chain: Some(chain),
            damage: None,
        });
    }
    stop(header, body, Damage::CutShort { line: n + 1 })
}

/// A bundle as read: its header, the events that verify, and the damage, if any.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub header: BundleHeader,
    pub events: Vec<Event>,
    /// The final chain hash (the bundle's name), when the whole file verified.
    pub chain: Option<String>,
    pub damage: Option<Damage>,
}

/// The file's header type (`BUNDLE` or `ACK`), if its first line verifies.
pub fn file_type(bytes: &[u8]) -> Result<String> {
    let r = read_records(bytes)?;
    Ok(r.header["type"].as_str().unwrap_or_default().to_string())
}

fn wrong_type(want: &str) -> KasirError {
    if want == BUNDLE {
        KasirError::invalid(
            "Berkas ini tanda terima, bukan bundel: impor di file toko tanpa --server",
            "This file is an acknowledgement, not a bundle: import it on the shop file, without --server",
        )
    } else {
        KasirError::invalid(
            "Berkas ini bundel, bukan tanda terima: impor di koperasi dengan --server URL",
            "This file is a bundle, not an acknowledgement: import it at the coop with --server URL",
        )
    }
}

/// Read a bundle; refused when it is not one or its header does not verify.
pub fn read_bundle(bytes: &[u8]) -> Result<Bundle> {
    let r = read_records(bytes)?;
    if r.header["type"] != BUNDLE {
        return Err(wrong_type(BUNDLE));
    }
    let h = &r.header;
    let header = BundleHeader {
        tills: h["tills"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|t| t.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
        coop: h["coop"].as_str().map(str::to_string),
        created_at: h["created_at"].as_str().unwrap_or_default().to_string(),
    };
    let mut events = Vec::new();
    let mut damage = r.damage;
    for (i, v) in r.body.iter().enumerate() {
        match event_of(v) {
            Some(e) => events.push(e),
            None => {
                // A record that verifies but is no event: written by something else.
                damage = Some(Damage::Corrupt {
                    line: i + 2,
                    till: v["till"].as_str().map(str::to_string),
                    seq: v["seq"].as_i64(),
                });
                break;
            }
        }
    }
    let chain = if damage.is_none() { r.chain } else { None };
    Ok(Bundle {
        header,
        events,
        chain,
        damage,
    })
}

/// Per till: what the server holds after an import, and the last event of that till the
/// bundle carried (which the node checks is its own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckTill {
    pub till: String,
    /// The highest seq of the till the server holds.
    pub held: i64,
    /// The seq and id of the till's last event in the bundle: the node acknowledges no
    /// further than this.
    pub last_seq: i64,
    pub last_id: String,
}

/// An acknowledgement: which bundle (its chain hash, when it verified whole) and per till.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub bundle: Option<String>,
    pub coop: Option<String>,
    /// Written by the district (`held_by: "district"` in its header), not the coop's
    /// server: what it says is held is held by the district.
    pub district: bool,
    pub tills: Vec<AckTill>,
}

/// The acknowledgement's text.
pub fn write_ack(ack: &Ack) -> String {
    let mut header = json!({
        "type": ACK,
        "format": FORMAT,
        "bundle": ack.bundle,
        "coop": ack.coop,
    });
    if ack.district {
        header["held_by"] = json!("district");
    }
    let mut w = Writer::new(header);
    for t in &ack.tills {
        w.record(&json!({
            "type": "till",
            "till": t.till,
            "held": t.held,
            "last_seq": t.last_seq,
            "last_id": t.last_id,
        }));
    }
    w.finish().0
}

fn corrupt_ack() -> KasirError {
    KasirError::invalid(
        "Tanda terima rusak atau terpotong: tidak ada yang ditandai diterima",
        "The acknowledgement is corrupt or cut short: nothing was marked acknowledged",
    )
}

/// Read an acknowledgement: all of it verifies, or it is refused.
pub fn read_ack(bytes: &[u8]) -> Result<Ack> {
    let r = read_records(bytes).map_err(|_| corrupt_ack())?;
    if r.header["type"] != ACK {
        return Err(wrong_type(ACK));
    }
    if r.damage.is_some() {
        return Err(corrupt_ack());
    }
    let mut tills = Vec::new();
    for v in &r.body {
        let t = (|| {
            (v.get("type")?.as_str()? == "till").then_some(())?;
            Some(AckTill {
                till: v.get("till")?.as_str()?.to_string(),
                held: v.get("held")?.as_i64()?,
                last_seq: v.get("last_seq")?.as_i64()?,
                last_id: v.get("last_id")?.as_str()?.to_string(),
            })
        })()
        .ok_or_else(corrupt_ack)?;
        tills.push(t);
    }
    Ok(Ack {
        bundle: r.header["bundle"].as_str().map(str::to_string),
        coop: r.header["coop"].as_str().map(str::to_string),
        district: r.header["held_by"] == "district",
        tills,
    })
}

#[cfg(test)]
mod tests;
