//! The relay from a coop to its district (`kasir relay`): the coop's events — read from the
//! coop's server, or from a one-till coop's own shop file — go up to the district's
//! `kasir_relay`, outbound only, so a coop behind NAT relays as well as one with a public
//! address.
//!
//! Per till, the run starts above what the district already holds (`kasir_relay_held`) and
//! sends that till's events in seq order, [`super::BATCH`] at a time. A batch whose answer is
//! lost is an unknown outcome: the same batch is sent again (the district stores each event
//! id once), up to [`TRIES`] times; then the run ends with an error and the next run goes on
//! from what the district holds. After every answered batch the source records what the
//! district holds of the till (the coop server's `district_acks`, or the shop file's).
//!
//! Privacy: no person's name, NIK, phone or PIN leaves the coop. A `members.v1` event leaves
//! with each member by number only, a `users.v1` event with each user's username, role and
//! active flag only (no name, no PIN hash), and a `sale.v1` event that dispensed on
//! prescriptions with each prescription's paper by number, SIP and date only (no patient, no
//! doctor's name, no free-text age reason) ([`redact`]); each is marked `"redacted": true` and
//! its hash stays the coop's hash of the whole payload. Every other event leaves as the coop
//! holds it.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::error::{KasirError, Result};
use crate::store::outbox::Event;

/// Tries per call to the district before a run gives up.
pub const TRIES: u32 = 4;

/// The kinds that may leave the coop redacted (a sale only when it carries prescriptions).
pub const REDACTED_KINDS: &[&str] = &["members.v1", "users.v1", "sale.v1"];

/// The fields of a member that leave the coop; name, NIK and phone never do.
const MEMBER_FIELDS: &[&str] = &["active", "kasbon_limit", "number", "uuid"];

/// The fields of a user that leave the coop; the name and the PIN hash never do.
const USER_FIELDS: &[&str] = &["active", "role", "username"];

/// The fields of a sale's prescription that leave the coop; the patient, the doctor's name
/// and the free-text age reason never do.
const RX_FIELDS: &[&str] = &[
    "apoteker",
    "date",
    "dispensed",
    "iter",
    "line_no",
    "number",
    "prescribed",
    "sip",
    "uuid",
];

/// Where the coop's events are read and what the district holds is recorded.
pub trait Source {
    /// The district has accepted the coop's role (its first answer in a run).
    fn accepted(&mut self) -> Result<()> {
        Ok(())
    }
    /// Every till id with events here.
    fn tills(&mut self) -> Result<Vec<String>>;
    /// The first `limit` events of `till` after seq `after`, in seq order, each payload in
    /// the canonical text its hash was taken of.
    fn events_after(&mut self, till: &str, after: i64, limit: i64) -> Result<Vec<Event>>;
    /// The district holds `till`'s events up to `held` (never backwards).
    fn record_held(&mut self, till: &str, held: i64) -> Result<()>;
}

/// A call to the district that did not give an answer.
#[derive(Debug)]
pub enum Failed {
    /// No answer came (a lost connection, a reset): the call may or may not have been done.
    Unknown(KasirError),
    /// The district answered with a refusal: trying again changes nothing.
    Refused(KasirError),
}

/// The district, as one coop's role sees it.
pub trait District {
    /// Per till of this coop, the highest seq the district holds.
    fn held(&mut self) -> std::result::Result<Vec<(String, i64)>, Failed>;
    /// Store a batch (the JSON array `kasir_relay` takes); per till in it, the highest seq
    /// the district now holds.
    fn relay(&mut self, batch: &str) -> std::result::Result<Vec<(String, i64)>, Failed>;
}

/// What one run of [`relay_all`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RelayReport {
    /// Events sent (an event of a retried batch counts again).
    pub sent: usize,
    /// Batches the district answered.
    pub batches: usize,
    /// Events sent redacted (members, users, sales with prescriptions).
    pub redacted: usize,
    /// Calls sent again after an answer was lost.
    pub retries: usize,
    /// Per till, the highest seq the district holds after the run.
    pub held: Vec<(String, i64)>,
}

/// Call the district, again after a lost answer, up to [`TRIES`] times; `pause(n)` waits
/// before the `n`th retry.
fn with_retries<T>(
    what: (&str, &str),
    retries: &mut usize,
    pause: &mut dyn FnMut(u32),
    mut call: impl FnMut() -> std::result::Result<T, Failed>,
) -> Result<T> {
    let mut last = None;
    for attempt in 1..=TRIES {
        if attempt > 1 {
            *retries += 1;
            pause(attempt - 1);
        }
        match call() {
            Ok(v) => return Ok(v),
            Err(Failed::Refused(e)) => return Err(e),
            Err(Failed::Unknown(e)) => last = Some(e),
        }
    }
    let detail = last
        .map(|e| e.message(crate::i18n::Lang::En))
        .unwrap_or_default();
    Err(KasirError::invalid(
        format!(
            "Dinas tidak menjawab {} setelah {TRIES} percobaan ({detail}); jalankan `kasir relay` lagi nanti: ia melanjutkan dari yang sudah dipegang dinas",
            what.0
        ),
        format!(
            "The district did not answer {} after {TRIES} tries ({detail}); run `kasir relay` again later: it goes on from what the district holds",
            what.1
        ),
    ))
}

/// Relay every event of `source` the district does not hold yet, `batch` at a time per
/// till, recording after each answered batch what the district holds. Stops at the first
/// error (a refusal, or [`TRIES`] calls without an answer), with everything answered so far
/// recorded.
pub fn relay_all(
    source: &mut dyn Source,
    district: &mut dyn District,
    batch: i64,
    pause: &mut dyn FnMut(u32),
) -> Result<RelayReport> {
    let mut report = RelayReport::default();
    let mut held: BTreeMap<String, i64> = with_retries(
        ("daftar yang dipegangnya", "what it holds"),
        &mut report.retries,
        pause,
        || district.held(),
    )?
    .into_iter()
    .collect();
    source.accepted()?;
    // What the district holds may be ahead of what the source recorded (an answer lost on
    // the last run): record it first.
    for (till, h) in &held {
        source.record_held(till, *h)?;
    }
    let tills: BTreeSet<String> = source.tills()?.into_iter().collect();
    for till in &tills {
        loop {
            let after = held.get(till).copied().unwrap_or(0);
            let events = source.events_after(till, after, batch)?;
            let (Some(first), Some(last)) = (events.first(), events.last()) else {
                break;
            };
            let (first, last) = (first.seq, last.seq);
            let (json, redacted) = batch_json(&events);
            report.sent += events.len();
            let answer = with_retries(("kiriman", "a batch"), &mut report.retries, pause, || {
                district.relay(&json)
            })?;
            report.batches += 1;
            report.redacted += redacted;
            let now = answer
                .iter()
                .find(|(t, _)| t == till)
                .map_or(0, |(_, h)| *h);
            if now < last {
                return Err(KasirError::invalid(
                    format!("Dinas tidak menyimpan kejadian {first}–{last} kasir {till}"),
                    format!("The district did not keep events {first}–{last} of till {till}"),
                ));
            }
            source.record_held(till, now)?;
            held.insert(till.clone(), now);
            if (events.len() as i64) < batch {
                break;
            }
        }
    }
    report.held = held.into_iter().collect();
    Ok(report)
}

/// The JSON array `kasir_relay` takes, and how many of its events are redacted.
pub fn batch_json(events: &[Event]) -> (String, usize) {
    let mut redacted = 0;
    let items: Vec<serde_json::Value> = events
        .iter()
        .map(|e| {
            let mut v = super::event_json(e);
            if let Some(text) = redact(&e.kind, &e.payload) {
                v["payload"] = text.into();
                v["redacted"] = true.into();
                redacted += 1;
            }
            v
        })
        .collect();
    (serde_json::Value::Array(items).to_string(), redacted)
}

/// The payload of a [`REDACTED_KINDS`] event as it leaves the coop: each member by
/// [`MEMBER_FIELDS`], each user by [`USER_FIELDS`], each prescription of a sale by
/// [`RX_FIELDS`]. None for every other kind and for a sale without prescriptions (it leaves
/// whole). A payload that does not read leaves as an empty object, never as it is.
pub fn redact(kind: &str, payload: &str) -> Option<String> {
    if !REDACTED_KINDS.contains(&kind) {
        return None;
    }
    let mut value: serde_json::Value = serde_json::from_str(payload).unwrap_or_default();
    let (list, fields) = match kind {
        "members.v1" => ("members", MEMBER_FIELDS),
        "users.v1" => ("users", USER_FIELDS),
        _ => {
            // A sale: only its prescriptions are private.
            let Some(sale) = value.as_object_mut() else {
                return Some("{}".to_string());
            };
            let rx = sale.get_mut("prescriptions")?;
            *rx = keep_fields(rx, RX_FIELDS);
            return Some(value.to_string());
        }
    };
    let kept = keep_fields(value.get(list).unwrap_or(&serde_json::Value::Null), fields);
    Some(serde_json::json!({ list: kept }).to_string())
}

/// Each object of the array `list` by `fields` only (an array of nothing when `list` is
/// not an array).
fn keep_fields(list: &serde_json::Value, fields: &[&str]) -> serde_json::Value {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|m| {
                    let kept: serde_json::Map<String, serde_json::Value> = fields
                        .iter()
                        .filter_map(|f| m.get(*f).map(|v| (f.to_string(), v.clone())))
                        .collect();
                    serde_json::Value::Object(kept)
                })
                .collect()
        })
        .unwrap_or_else(|| serde_json::Value::Array(Vec::new()))
}

/// A payload as the coop's server gives it back (jsonb's own text: its key order and
/// spacing) in the canonical text the till hashed: serde_json's map keeps keys sorted. A
/// payload that does not read is left as it is (the district quarantines it).
pub fn canonical_payload(text: &str) -> String {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) => v.to_string(),
        Err(_) => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::outbox::canonical;

    /// A coop's events in memory.
    struct Coop {
        events: Vec<Event>,
        acks: BTreeMap<String, i64>,
    }

    impl Source for Coop {
        fn tills(&mut self) -> Result<Vec<String>> {
            Ok(self.events.iter().map(|e| e.till.clone()).collect())
        }
        fn events_after(&mut self, till: &str, after: i64, limit: i64) -> Result<Vec<Event>> {
            Ok(self
                .events
                .iter()
                .filter(|e| e.till == till && e.seq > after)
                .take(limit as usize)
                .cloned()
                .collect())
        }
        fn record_held(&mut self, till: &str, held: i64) -> Result<()> {
            let h = self.acks.entry(till.to_string()).or_default();
            assert!(held >= *h, "never backwards");
            *h = held;
            Ok(())
        }
    }

    /// A district that stores each event id once and loses answers on a seeded schedule:
    /// `lose` of every 4 calls lose their answer after storing, one in 5 before.
    struct Lossy {
        stored: BTreeMap<(String, i64), serde_json::Value>,
        seed: u64,
        lose: u64,
        refuse: bool,
    }

    impl Lossy {
        fn roll(&mut self) -> u64 {
            self.seed = self
                .seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (self.seed >> 33) % 20
        }
        fn holding(&self) -> Vec<(String, i64)> {
            let mut m: BTreeMap<String, i64> = BTreeMap::new();
            for (t, s) in self.stored.keys() {
                let h = m.entry(t.clone()).or_default();
                *h = (*h).max(*s);
            }
            m.into_iter().collect()
        }
    }

    fn lost() -> Failed {
        Failed::Unknown(KasirError::invalid("putus", "cut"))
    }

    impl District for Lossy {
        fn held(&mut self) -> std::result::Result<Vec<(String, i64)>, Failed> {
            if self.roll() < 4 {
                return Err(lost());
            }
            Ok(self.holding())
        }
        fn relay(&mut self, batch: &str) -> std::result::Result<Vec<(String, i64)>, Failed> {
            if self.refuse {
                return Err(Failed::Refused(KasirError::invalid("ditolak", "refused")));
            }
            let r = self.roll();
            if r < 4 {
                return Err(lost());
            }
            let batch: Vec<serde_json::Value> = serde_json::from_str(batch).unwrap();
            for e in batch {
                let key = (
                    e["till"].as_str().unwrap().to_string(),
                    e["seq"].as_i64().unwrap(),
                );
                if let Some(prior) = self.stored.get(&key) {
                    assert_eq!(prior["id"], e["id"], "a seq holds one event");
                }
                self.stored.insert(key, e);
            }
            if r < 4 + self.lose {
                return Err(lost());
            }
            Ok(self.holding())
        }
    }

    fn event(till: &str, seq: i64, kind: &str, payload: serde_json::Value) -> Event {
        let (payload, hash) = canonical(&payload);
        Event {
            id: format!("{till}-{seq}"),
            till: till.to_string(),
            seq,
            kind: kind.to_string(),
            schema_version: 1,
            payload,
            hash,
            till_time: "2026-12-02T08:00:00+07:00".to_string(),
        }
    }

    fn coop(n: i64) -> Coop {
        let mut events = Vec::new();
        for till in ["apotek-1", "sembako-1"] {
            for seq in 1..=n {
                events.push(if seq == 3 {
                    event(
                        till,
                        seq,
                        "members.v1",
                        serde_json::json!({"members": [{"uuid": "u1", "number": "A1",
                            "name": "Sri", "nik": "3310", "phone": "0812", "kasbon_limit": "5",
                            "active": true}]}),
                    )
                } else {
                    event(
                        till,
                        seq,
                        "sale.v1",
                        serde_json::json!({"sale": {"total": seq}}),
                    )
                });
            }
        }
        Coop {
            events,
            acks: BTreeMap::new(),
        }
    }

    #[test]
    fn runs_through_lost_answers_relay_every_event_once_and_record_what_the_district_holds() {
        for seed in 0..40u64 {
            let mut source = coop(23);
            let mut district = Lossy {
                stored: BTreeMap::new(),
                seed,
                lose: 4,
                refuse: false,
            };
            let mut runs = 0;
            while runs < 50 {
                runs += 1;
                if relay_all(&mut source, &mut district, 5, &mut |_| {}).is_ok() {
                    break;
                }
            }
            assert!(runs < 50, "seed {seed}");
            assert_eq!(district.stored.len(), 46, "seed {seed}");
            let held = district.holding();
            assert_eq!(
                held,
                vec![("apotek-1".into(), 23), ("sembako-1".into(), 23)]
            );
            assert_eq!(source.acks.into_iter().collect::<Vec<_>>(), held);
            for ((_, seq), e) in &district.stored {
                let redacted = *seq == 3;
                assert_eq!(e.get("redacted").is_some(), redacted);
                let text = e["payload"].as_str().unwrap();
                assert!(!text.contains("Sri") && !text.contains("3310") && !text.contains("0812"));
            }
        }
    }

    #[test]
    fn a_refusal_is_not_retried_and_a_second_run_sends_nothing() {
        let mut source = coop(4);
        let mut district = Lossy {
            stored: BTreeMap::new(),
            seed: 7,
            lose: 0,
            refuse: true,
        };
        let mut tries = 0;
        let err = relay_all(&mut source, &mut district, 500, &mut |_| tries += 1);
        assert!(err.is_err());
        assert!(district.stored.is_empty());
        district.refuse = false;
        district.seed = 1;
        let mut done = None;
        for _ in 0..20 {
            if let Ok(r) = relay_all(&mut source, &mut district, 500, &mut |_| {}) {
                done = Some(r);
                break;
            }
        }
        assert!(done.is_some());
        let again = loop {
            if let Ok(r) = relay_all(&mut source, &mut district, 500, &mut |_| {}) {
                break r;
            }
        };
        assert_eq!((again.sent, again.batches), (0, 0));
    }

    #[test]
    fn a_member_leaves_by_number_only_and_a_jsonb_payload_comes_back_canonical() {
        let payload = r#"{"members":[{"active":true,"kasbon_limit":"500000","name":"Sri","nik":"3310","number":"A1","phone":"0812","uuid":"u"}]}"#;
        assert_eq!(
            redact("members.v1", payload).unwrap(),
            r#"{"members":[{"active":true,"kasbon_limit":"500000","number":"A1","uuid":"u"}]}"#
        );
        assert_eq!(
            redact("members.v1", "not json").unwrap(),
            r#"{"members":[]}"#
        );
        assert_eq!(redact("sale.v1", payload), None);
        assert_eq!(redact("return.v1", payload), None);
    }

    #[test]
    fn a_user_leaves_without_name_or_pin_and_a_prescription_without_patient_or_doctor() {
        let users = r#"{"users":[{"active":true,"name":"Budi Santoso","pin_hash":"$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA","role":"kasir","username":"budi"}]}"#;
        assert_eq!(
            redact("users.v1", users).unwrap(),
            r#"{"users":[{"active":true,"role":"kasir","username":"budi"}]}"#
        );
        assert_eq!(redact("users.v1", "[").unwrap(), r#"{"users":[]}"#);
        let plain = r#"{"lines":[{"amount":"1000","sku":"A"}],"sale":{"business_date":"2026-12-01"},"stock_moves":[],"tenders":[]}"#;
        assert_eq!(redact("sale.v1", plain), None);
        let rx = r#"{"lines":[{"amount":"1000","sku":"A"}],"prescriptions":[{"age_reason":"Joko, 70 th","apoteker":"apt","date":"2026-12-01","dispensed":"30","doctor":"dr. Sari","iter":0,"line_no":1,"number":"R/7","patient":"Joko","prescribed":"30","sip":"SIP 503","uuid":"x"}],"sale":{"business_date":"2026-12-01"},"stock_moves":[],"tenders":[]}"#;
        let out = redact("sale.v1", rx).unwrap();
        assert_eq!(
            out,
            r#"{"lines":[{"amount":"1000","sku":"A"}],"prescriptions":[{"apoteker":"apt","date":"2026-12-01","dispensed":"30","iter":0,"line_no":1,"number":"R/7","prescribed":"30","sip":"SIP 503","uuid":"x"}],"sale":{"business_date":"2026-12-01"},"stock_moves":[],"tenders":[]}"#
        );
        assert!(!out.contains("Joko") && !out.contains("Sari"));
        assert_eq!(redact("sale.v1", "not json").unwrap(), "{}");
        // jsonb's text: shorter keys first, a space after each separator.
        let jsonb = r#"{"sale": {"total": "1000", "number": "x"}, "lines": []}"#;
        assert_eq!(
            canonical_payload(jsonb),
            r#"{"lines":[],"sale":{"number":"x","total":"1000"}}"#
        );
    }
}
