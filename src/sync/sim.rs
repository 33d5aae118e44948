//! A deterministic simulation of the push protocol: two tills with in-memory outboxes push
//! through [`push_all`] — the very code `kasir sync` runs — to an in-memory model of
//! `kasir_push`, over a network that drops requests, drops replies after the server stored
//! the batch, delivers a request twice, holds one back and delivers it later, and a till
//! that dies between the server's commit and recording its acknowledgement.
//!
//! Invariants, checked after every step: the server holds each event id at most once and
//! only events a till committed; no till has acknowledged a seq the server does not hold.
//! After the network heals, every committed event is on the server exactly once and
//! acknowledged. A few seeds run every time; `KASIR_LONG=1` runs 1,000;
//! `KASIR_SIM_SEED=N` replays one. Every seed is printed.

use std::collections::BTreeMap;

use super::{push_all, Outbox, Server};
use crate::error::{KasirError, Result};
use crate::store::outbox::{canonical, Event};

/// splitmix64: small, seeded, the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

#[derive(Default)]
struct MemOutbox {
    events: Vec<Event>,
    acked: i64,
}

impl MemOutbox {
    fn commit(&mut self, till: &str) {
        let seq = self.events.len() as i64 + 1;
        let (payload, hash) = canonical(&serde_json::json!({ "till": till, "n": seq }));
        self.events.push(Event {
            id: format!("{till}-{seq:06}"),
            till: till.to_string(),
            seq,
            kind: "sale.v1".to_string(),
            schema_version: 1,
            payload,
            hash,
            till_time: "2026-01-01 08:00:00".to_string(),
        });
    }
}

impl Outbox for MemOutbox {
    fn pending(&mut self, _till: &str, limit: i64) -> Result<Vec<Event>> {
        Ok(self
            .events
            .iter()
            .filter(|e| e.seq > self.acked)
            .take(limit as usize)
            .cloned()
            .collect())
    }
    fn ack_through(&mut self, _till: &str, seq: i64) -> Result<()> {
        self.acked = self.acked.max(seq);
        Ok(())
    }
}

/// `kasir_push` (server.sql) as a model: one batch applied whole; an event whose till and
/// seq hold another event goes to quarantine; a known id is not stored again.
#[derive(Default)]
struct MemServer {
    stored: BTreeMap<String, Event>,
    by_seq: BTreeMap<(String, i64), String>,
    quarantine: Vec<Event>,
}

impl MemServer {
    fn apply(&mut self, till: &str, batch: &[Event]) -> i64 {
        for e in batch {
            let key = (till.to_string(), e.seq);
            match self.by_seq.get(&key) {
                Some(id) if *id == e.id && self.stored[id].hash == e.hash => {}
                Some(_) => self.quarantine.push(e.clone()),
                None if self.stored.contains_key(&e.id) => self.quarantine.push(e.clone()),
                None => {
                    self.by_seq.insert(key, e.id.clone());
                    self.stored.insert(e.id.clone(), e.clone());
                }
            }
        }
        self.held(till)
    }
    fn held(&self, till: &str) -> i64 {
        let stored = self
            .by_seq
            .keys()
            .filter(|(t, _)| t == till)
            .map(|(_, s)| *s)
            .max()
            .unwrap_or(0);
        let q = self
            .quarantine
            .iter()
            .filter(|e| e.till == till)
            .map(|e| e.seq)
            .max()
            .unwrap_or(0);
        stored.max(q)
    }
}

/// The network and the till's process between [`push_all`] and the server.
struct Net<'a> {
    server: &'a mut MemServer,
    rng: &'a mut Rng,
    faults: bool,
    held_back: &'a mut Vec<(String, Vec<Event>)>,
}

fn lost() -> KasirError {
    KasirError::invalid("jaringan putus", "link down")
}

impl Server for Net<'_> {
    fn push(&mut self, till: &str, batch: &[Event]) -> Result<i64> {
        if !self.faults {
            return Ok(self.server.apply(till, batch));
        }
        match self.rng.below(100) {
            // The request never arrives.
            0..=9 => Err(lost()),
            // Held back by the network, delivered later (after newer pushes, maybe).
            10..=14 => {
                self.held_back.push((till.to_string(), batch.to_vec()));
                Err(lost())
            }
            // Stored, but the reply is lost (or the till dies before recording the ack).
            15..=29 => {
                self.server.apply(till, batch);
                Err(lost())
            }
            // Delivered twice.
            30..=37 => {
                self.server.apply(till, batch);
                Ok(self.server.apply(till, batch))
            }
            _ => Ok(self.server.apply(till, batch)),
        }
    }
}

const TILLS: [&str; 2] = ["sembako-1", "apotek-1"];

fn check(seed: u64, server: &MemServer, tills: &[MemOutbox]) {
    assert_eq!(
        server.stored.len(),
        server.by_seq.len(),
        "seed {seed}: an event stored under two seqs"
    );
    assert!(
        server.quarantine.is_empty(),
        "seed {seed}: honest tills' events went to quarantine: {:?}",
        server.quarantine.iter().map(|e| &e.id).collect::<Vec<_>>()
    );
    for (till, outbox) in TILLS.iter().zip(tills) {
        for (id, e) in &server.stored {
            if e.till == *till {
                let mine = outbox.events.get(e.seq as usize - 1);
                assert_eq!(
                    mine,
                    Some(e),
                    "seed {seed}: server holds {id}, not as committed"
                );
            }
        }
        assert!(
            outbox.acked <= server.held(till),
            "seed {seed}: {till} acknowledged #{} but the server holds #{}",
            outbox.acked,
            server.held(till)
        );
    }
}

fn run(seed: u64) {
    println!("sync simulation seed {seed} (replay: KASIR_SIM_SEED={seed})");
    let mut rng = Rng(seed);
    let mut server = MemServer::default();
    let mut tills: Vec<MemOutbox> = TILLS.iter().map(|_| MemOutbox::default()).collect();
    let mut held_back: Vec<(String, Vec<Event>)> = Vec::new();
    for _ in 0..200 {
        let t = rng.below(TILLS.len() as u64) as usize;
        match rng.below(10) {
            0..=3 => {
                for _ in 0..=rng.below(4) {
                    tills[t].commit(TILLS[t]);
                }
            }
            4 if !held_back.is_empty() => {
                let (till, batch) = held_back.remove(rng.below(held_back.len() as u64) as usize);
                server.apply(&till, &batch);
            }
            _ => {
                let batch = 1 + rng.below(7) as i64;
                let mut net = Net {
                    server: &mut server,
                    rng: &mut rng,
                    faults: true,
                    held_back: &mut held_back,
                };
                let _ = push_all(&mut tills[t], &mut net, TILLS[t], batch);
            }
        }
        check(seed, &server, &tills);
    }
    // The network heals; what it still held back arrives late.
    for (till, batch) in held_back.drain(..) {
        server.apply(&till, &batch);
    }
    for (t, till) in TILLS.iter().enumerate() {
        let mut net = Net {
            server: &mut server,
            rng: &mut rng,
            faults: false,
            held_back: &mut Vec::new(),
        };
        push_all(&mut tills[t], &mut net, till, 5).expect("a healed push");
    }
    check(seed, &server, &tills);
    let committed: usize = tills.iter().map(|o| o.events.len()).sum();
    assert_eq!(
        server.stored.len(),
        committed,
        "seed {seed}: every committed event stored exactly once"
    );
    for o in &tills {
        assert_eq!(
            o.acked,
            o.events.len() as i64,
            "seed {seed}: all acknowledged"
        );
    }
}

fn seeds() -> Vec<u64> {
    if let Some(s) = std::env::var("KASIR_SIM_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
    {
        return vec![s];
    }
    let n = if std::env::var("KASIR_LONG").as_deref() == Ok("1") {
        1000
    } else {
        8
    };
    (1..=n).collect()
}

#[test]
fn push_protocol_under_seeded_faults() {
    for seed in seeds() {
        run(seed);
    }
}

/// The model can fail: a client that acknowledges the whole batch when the reply is lost
/// breaks the invariant at once.
#[test]
fn acking_on_a_lost_reply_is_caught() {
    let server = MemServer::default();
    let mut outbox = MemOutbox::default();
    outbox.commit("sembako-1");
    // The request is lost; a careless client acknowledges anyway.
    outbox.ack_through("sembako-1", 1).unwrap();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check(0, &server, &[outbox, MemOutbox::default()])
    }));
    assert!(r.is_err());
}

/// A tampered event (a known till and seq with another hash) goes to quarantine, and the
/// till's later events still land.
#[test]
fn a_tampered_event_is_quarantined_and_later_ones_land() {
    let mut server = MemServer::default();
    let mut outbox = MemOutbox::default();
    outbox.commit("sembako-1");
    server.apply("sembako-1", &outbox.events);
    let mut forged = outbox.events[0].clone();
    forged.id = "forged".into();
    forged.hash = "0".repeat(64);
    outbox.commit("sembako-1");
    let held = server.apply("sembako-1", &[forged, outbox.events[1].clone()]);
    assert_eq!(held, 2);
    assert_eq!(server.quarantine.len(), 1);
    assert_eq!(server.stored.len(), 2);
}
