//! A deterministic simulation of the push protocol: two tills with in-memory outboxes push
//! through [`push_all`] — the very code `kasir sync` runs — to an in-memory model of
//! `kasir_push`, over a network that drops requests, drops replies after the server stored
//! the batch, delivers a request twice, holds one back and delivers it later, and a till
//! that dies between the server's commit and recording its acknowledgement.
//!
//! The tills and a back office also pull through [`pull_all`] over a network that loses
//! requests, loses replies, delivers a reply late (after newer pulls) and delivers one twice.
//!
//! Invariants, checked after every step: the server holds each event id at most once and
//! only events a till committed; no till has acknowledged a seq the server does not hold;
//! no node has applied an event twice, or its own, and every other till's event up to the
//! change_seq a node has read through is applied there (a pull never skips one).
//! After the network heals, every committed event is on the server exactly once and
//! acknowledged, and every node has applied every other till's event exactly once. A few
//! seeds run every time; `KASIR_LONG=1` runs 1,000; `KASIR_SIM_SEED=N` replays one. Every
//! seed is printed.

use std::collections::BTreeMap;

use super::{pull_all, push_all, Applied, Feed, Node, Outbox, Server};
use crate::error::{KasirError, Result};
use crate::store::outbox::{canonical, Event, Pulled};

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
    /// Stored events in change_seq order (change_seq = index + 1).
    order: Vec<Event>,
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
                    self.order.push(e.clone());
                }
            }
        }
        self.held(till)
    }
    /// `kasir_pull`: the other tills' events after `after`, at most `limit`.
    fn feed(&self, till: &str, after: i64, limit: i64) -> Vec<Pulled> {
        self.order
            .iter()
            .enumerate()
            .map(|(i, e)| Pulled {
                change_seq: i as i64 + 1,
                event: e.clone(),
            })
            .filter(|p| p.change_seq > after && p.event.till != till)
            .take(limit as usize)
            .collect()
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

/// A node's pull state: how many times each event was applied, how far it has read.
#[derive(Default)]
struct MemNode {
    till: String,
    applied: BTreeMap<String, u32>,
    last: i64,
}

impl Node for MemNode {
    fn last_pulled(&mut self) -> Result<i64> {
        Ok(self.last)
    }
    fn apply(&mut self, batch: &[Pulled]) -> Result<Applied> {
        let mut done = Applied::default();
        for p in batch {
            let n = self.applied.entry(p.event.id.clone()).or_default();
            if *n > 0 {
                done.already += 1;
            } else {
                *n += 1;
                done.applied += 1;
            }
        }
        if let Some(m) = batch.iter().map(|p| p.change_seq).max() {
            self.last = self.last.max(m);
        }
        Ok(done)
    }
    fn retry_exceptions(&mut self) -> Result<Applied> {
        Ok(Applied::default())
    }
}

/// The network between [`pull_all`] and the server.
struct PullNet<'a> {
    server: &'a MemServer,
    rng: &'a mut Rng,
    faults: bool,
    /// Replies delivered late (or a second time), applied when the network gets to them.
    late: &'a mut Vec<Vec<Pulled>>,
}

impl Feed for PullNet<'_> {
    fn pull(&mut self, till: &str, after: i64, limit: i64) -> Result<Vec<Pulled>> {
        let batch = self.server.feed(till, after, limit);
        if !self.faults {
            return Ok(batch);
        }
        match self.rng.below(100) {
            // The request never arrives, or the reply is lost (the till dies before its
            // apply commits: the same to the node).
            0..=19 => Err(lost()),
            // The reply is held back and arrives after newer pulls.
            20..=27 => {
                self.late.push(batch);
                Err(lost())
            }
            // Delivered, and delivered again later.
            28..=35 => {
                self.late.push(batch.clone());
                Ok(batch)
            }
            _ => Ok(batch),
        }
    }
}

/// Every node: nothing applied twice, nothing of its own, and nothing skipped up to where
/// it has read.
fn check_nodes(seed: u64, server: &MemServer, nodes: &[MemNode]) {
    for n in nodes {
        for (id, k) in &n.applied {
            assert!(*k == 1, "seed {seed}: {} applied {id} {k} times", n.till);
            assert_ne!(
                server.stored[id].till, n.till,
                "seed {seed}: {} applied its own event",
                n.till
            );
        }
        for (i, e) in server.order.iter().enumerate() {
            if (i as i64) < n.last && e.till != n.till {
                assert!(
                    n.applied.contains_key(&e.id),
                    "seed {seed}: {} read through #{} but skipped #{} ({})",
                    n.till,
                    n.last,
                    i + 1,
                    e.id
                );
            }
        }
    }
}

const TILLS: [&str; 2] = ["sembako-1", "apotek-1"];
/// The nodes that pull: both tills and the back office (which sells nothing).
const NODES: [&str; 3] = ["sembako-1", "apotek-1", "kantor"];

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
    let mut nodes: Vec<MemNode> = NODES
        .iter()
        .map(|t| MemNode {
            till: t.to_string(),
            ..MemNode::default()
        })
        .collect();
    let mut late: Vec<(usize, Vec<Pulled>)> = Vec::new();
    for _ in 0..300 {
        let t = rng.below(TILLS.len() as u64) as usize;
        match rng.below(14) {
            10 | 11 => {
                let n = rng.below(NODES.len() as u64) as usize;
                let batch = 1 + rng.below(5) as i64;
                let mut stash = Vec::new();
                let mut net = PullNet {
                    server: &server,
                    rng: &mut rng,
                    faults: true,
                    late: &mut stash,
                };
                let _ = pull_all(&mut nodes[n], &mut net, NODES[n], batch);
                late.extend(stash.into_iter().map(|b| (n, b)));
            }
            12 if !late.is_empty() => {
                let (n, batch) = late.remove(rng.below(late.len() as u64) as usize);
                nodes[n].apply(&batch).unwrap();
            }
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
        check_nodes(seed, &server, &nodes);
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
    for (n, batch) in late.drain(..) {
        nodes[n].apply(&batch).unwrap();
    }
    for (n, node) in nodes.iter_mut().enumerate() {
        let mut net = PullNet {
            server: &server,
            rng: &mut rng,
            faults: false,
            late: &mut Vec::new(),
        };
        pull_all(node, &mut net, NODES[n], 3).expect("a healed pull");
    }
    check_nodes(seed, &server, &nodes);
    for n in &nodes {
        let others = server.order.iter().filter(|e| e.till != n.till).count();
        assert_eq!(
            n.applied.len(),
            others,
            "seed {seed}: {} applied every other till's event",
            n.till
        );
        let last_other = server
            .order
            .iter()
            .rposition(|e| e.till != n.till)
            .map_or(0, |i| i as i64 + 1);
        assert_eq!(
            n.last, last_other,
            "seed {seed}: read through the last other till's"
        );
    }
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
    // (and the pull's: both run in every seed)
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

/// A till that keeps selling while it pushes: every read of its outbox finds one sale more.
struct Busy {
    outbox: MemOutbox,
    reads: usize,
}

impl Outbox for Busy {
    fn pending(&mut self, till: &str, limit: i64) -> Result<Vec<Event>> {
        self.reads += 1;
        assert!(
            self.reads < 1000,
            "push_all never stops while the till sells"
        );
        self.outbox.commit(till);
        self.outbox.pending(till, limit)
    }
    fn ack_through(&mut self, till: &str, seq: i64) -> Result<()> {
        self.outbox.ack_through(till, seq)
    }
}

struct Direct<'a>(&'a mut MemServer);

impl Server for Direct<'_> {
    fn push(&mut self, till: &str, batch: &[Event]) -> Result<i64> {
        Ok(self.0.apply(till, batch))
    }
}

/// A run of the push ends while the till sells on: what it sold after the last short batch
/// was read goes with the next run, and nothing is lost.
#[test]
fn a_push_ends_while_the_till_keeps_selling() {
    let mut server = MemServer::default();
    let mut till = Busy {
        outbox: MemOutbox::default(),
        reads: 0,
    };
    for _ in 0..5 {
        till.outbox.commit("sembako-1");
    }
    let r = push_all(&mut till, &mut Direct(&mut server), "sembako-1", 2).unwrap();
    let acked = r.acked_through.unwrap();
    assert!(
        acked >= 5,
        "everything that waited at the start went: {r:?}"
    );
    assert_eq!(till.outbox.acked, acked);
    assert_eq!(server.stored.len() as i64, acked);
    // The next run takes what was sold meanwhile.
    let again = push_all(&mut till, &mut Direct(&mut server), "sembako-1", 2).unwrap();
    assert!(again.acked_through.unwrap() > acked);
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

/// The pull model can fail: a node that records how far it read without applying (a
/// careless apply that drops a batch) is caught by the invariant.
#[test]
fn a_pull_that_skips_an_event_is_caught() {
    let mut server = MemServer::default();
    let mut outbox = MemOutbox::default();
    outbox.commit("sembako-1");
    outbox.commit("sembako-1");
    server.apply("sembako-1", &outbox.events);
    let node = MemNode {
        till: "kantor".into(),
        applied: BTreeMap::new(),
        last: 2,
    };
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        check_nodes(0, &server, &[node])
    }));
    assert!(r.is_err());
}

/// A reply delivered twice is applied once; a stale one changes nothing.
#[test]
fn a_batch_delivered_twice_is_applied_once() {
    let mut server = MemServer::default();
    let mut outbox = MemOutbox::default();
    for _ in 0..3 {
        outbox.commit("sembako-1");
    }
    server.apply("sembako-1", &outbox.events);
    let mut node = MemNode {
        till: "kantor".into(),
        ..MemNode::default()
    };
    let batch = server.feed("kantor", 0, 2);
    assert_eq!(node.apply(&batch).unwrap().applied, 2);
    assert_eq!(node.apply(&batch).unwrap().already, 2);
    let mut net = PullNet {
        server: &server,
        rng: &mut Rng(1),
        faults: false,
        late: &mut Vec::new(),
    };
    let r = pull_all(&mut node, &mut net, "kantor", 2).unwrap();
    assert_eq!((r.pulled, r.applied, r.through), (1, 1, 3));
    check_nodes(0, &server, &[node]);
}
