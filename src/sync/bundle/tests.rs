use super::*;

fn events() -> Vec<Event> {
    let mut out = Vec::new();
    for (till, n) in [("sembako-1", 3), ("apotek-1", 2)] {
        for seq in 1..=n {
            let (payload, hash) = crate::store::outbox::canonical(&json!({
                "sale": {"number": format!("{till}-{seq}"), "total": "2500.50"},
            }));
            out.push(Event {
                id: format!("0190000{seq}-0000-7000-8000-00000000000{}", till.len()),
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
    out
}

fn header() -> BundleHeader {
    BundleHeader {
        tills: vec!["apotek-1".to_string(), "sembako-1".to_string()],
        coop: Some("koperasi-maju".to_string()),
        created_at: "2026-01-02 17:00:00".to_string(),
    }
}

fn bundle() -> (String, String, Vec<Event>) {
    let ev = events();
    let (text, chain) = write_bundle(&header(), &ev);
    (text, chain, ev)
}

/// The 0-based line of byte `pos`.
fn line_of(text: &[u8], pos: usize) -> usize {
    text[..pos].iter().filter(|&&b| b == b'\n').count()
}

#[test]
fn a_bundle_reads_back_whole_with_its_chain() {
    let (text, chain, ev) = bundle();
    assert_eq!(
        text.lines().count(),
        ev.len() + 2,
        "header, events, trailer"
    );
    for line in text.lines() {
        let fields: Vec<&str> = line.split('\t').collect();
        assert_eq!(fields.len(), 3);
        assert_eq!(
            fields[1],
            sha256_hex(fields[0].as_bytes()),
            "each line its sha256"
        );
    }
    let b = read_bundle(text.as_bytes()).unwrap();
    assert_eq!(b.header, header());
    assert_eq!(b.events, ev);
    assert_eq!(b.damage, None);
    assert_eq!(b.chain.as_deref(), Some(chain.as_str()));
    // The chain: each line's hash over the one before it and its record.
    let mut prev = String::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let next = sha256_hex(format!("{prev}{}", f[0]).as_bytes());
        assert_eq!(f[2], next);
        prev = next;
    }
    assert_eq!(prev, chain);
    let trailer: Value =
        serde_json::from_str(text.lines().last().unwrap().split('\t').next().unwrap()).unwrap();
    assert_eq!(trailer["count"], ev.len());
    // An empty bundle is a bundle too.
    let (empty, _) = write_bundle(&header(), &[]);
    let b = read_bundle(empty.as_bytes()).unwrap();
    assert!(b.events.is_empty() && b.damage.is_none() && b.chain.is_some());
}

#[test]
fn every_flipped_byte_is_caught_and_only_the_events_before_it_are_kept() {
    let (text, _, ev) = bundle();
    let bytes = text.as_bytes();
    let last = ev.len() + 1;
    for pos in 0..bytes.len() {
        for mask in [0x01u8, 0x20, 0x80] {
            let mut bad = bytes.to_vec();
            bad[pos] ^= mask;
            let line = line_of(bytes, pos);
            let read = read_bundle(&bad);
            if line == 0 {
                assert!(
                    read.is_err(),
                    "a damaged header refuses the file ({pos}, {mask:#x})"
                );
                continue;
            }
            let b = read.unwrap_or_else(|e| panic!("{pos} {mask:#x}: {e}"));
            assert!(b.damage.is_some(), "flip at {pos} ({mask:#x}) not caught");
            assert_eq!(b.chain, None);
            if line < last {
                assert_eq!(
                    b.events,
                    ev[..line - 1],
                    "flip at {pos} in event line {line}"
                );
                assert!(
                    matches!(b.damage, Some(Damage::Corrupt { line: l, .. }) if l == line + 1),
                    "{pos}: {:?}",
                    b.damage
                );
            } else {
                assert_eq!(b.events, ev, "a damaged trailer keeps the verified events");
            }
        }
    }
}

#[test]
fn a_corrupt_event_is_named_by_its_till_and_seq_in_both_languages() {
    let (text, _, _) = bundle();
    // Flip one byte of the payload of the third line (sembako-1 #2).
    let start: usize = text.lines().take(2).map(|l| l.len() + 1).sum();
    let at = start + text.lines().nth(2).unwrap().find("total").unwrap();
    let mut bad = text.clone().into_bytes();
    bad[at] ^= 0x20;
    let b = read_bundle(&bad).unwrap();
    assert_eq!(b.events.len(), 1);
    let damage = b.damage.unwrap();
    assert_eq!(
        damage,
        Damage::Corrupt {
            line: 3,
            till: Some("sembako-1".into()),
            seq: Some(2)
        }
    );
    let e = damage.error();
    assert!(
        e.message(crate::i18n::Lang::Id)
            .contains("kasir sembako-1 #2"),
        "{e}"
    );
    assert!(
        e.message(crate::i18n::Lang::En)
            .contains("till sembako-1 #2"),
        "{e}"
    );
}

#[test]
fn a_file_cut_anywhere_keeps_the_complete_events_and_says_it_is_cut_short() {
    let (text, _, ev) = bundle();
    let bytes = text.as_bytes();
    let header_end = text.find('\n').unwrap() + 1;
    for len in 0..bytes.len() {
        let read = read_bundle(&bytes[..len]);
        if len < header_end {
            assert!(read.is_err(), "cut inside the header at {len}");
            continue;
        }
        let b = read.unwrap();
        let complete_lines = line_of(bytes, len);
        let kept = (complete_lines - 1).min(ev.len());
        assert_eq!(b.events, ev[..kept], "cut at {len}");
        assert!(
            matches!(b.damage, Some(Damage::CutShort { .. })),
            "cut at {len}: {:?}",
            b.damage
        );
        assert_eq!(b.chain, None);
    }
    let e = Damage::CutShort { line: 4 }.error();
    assert!(e.message(crate::i18n::Lang::En).contains("cut short"));
    assert!(e.message(crate::i18n::Lang::Id).contains("terpotong"));
}

#[test]
fn a_line_moved_dropped_doubled_or_appended_breaks_the_chain() {
    let (text, _, ev) = bundle();
    let lines: Vec<&str> = text.lines().collect();
    let join = |ls: Vec<&str>| ls.iter().map(|l| format!("{l}\n")).collect::<String>();
    // Two events swapped.
    let mut swapped = lines.clone();
    swapped.swap(2, 3);
    let b = read_bundle(join(swapped).as_bytes()).unwrap();
    assert_eq!(b.events, ev[..1]);
    assert!(matches!(b.damage, Some(Damage::Corrupt { line: 3, .. })));
    // One dropped.
    let mut dropped = lines.clone();
    dropped.remove(2);
    let b = read_bundle(join(dropped).as_bytes()).unwrap();
    assert_eq!(b.events, ev[..1]);
    assert!(b.damage.is_some());
    // One doubled.
    let mut doubled = lines.clone();
    doubled.insert(2, lines[2]);
    let b = read_bundle(join(doubled).as_bytes()).unwrap();
    assert_eq!(b.events, ev[..2]);
    assert!(b.damage.is_some());
    // Anything after the trailer.
    let mut more = lines.clone();
    more.push(lines[1]);
    let b = read_bundle(join(more).as_bytes()).unwrap();
    assert_eq!(b.events, ev);
    assert!(b.damage.is_some());
    // A line that verifies but is another file's.
    let (other, _) = write_bundle(&header(), &events()[..1]);
    let mut mixed = lines.clone();
    mixed[2] = other.lines().nth(1).unwrap();
    assert!(read_bundle(join(mixed).as_bytes())
        .unwrap()
        .damage
        .is_some());
}

#[test]
fn a_newer_format_or_another_kind_of_file_is_refused() {
    let mut w = Writer::new(json!({"type": BUNDLE, "format": FORMAT + 1, "tills": []}));
    w.record(&json!({"type": "event"}));
    let (text, _) = w.finish();
    let e = read_bundle(text.as_bytes()).unwrap_err();
    assert!(e.message(crate::i18n::Lang::En).contains("format"), "{e}");
    assert!(read_bundle(b"").is_err());
    assert!(read_bundle(b"id,till,seq\n1,a,1\n").is_err());
    let ack = write_ack(&Ack {
        bundle: None,
        coop: None,
        district: false,
        tills: vec![],
    });
    let e = read_bundle(ack.as_bytes()).unwrap_err();
    assert!(
        e.message(crate::i18n::Lang::En).contains("acknowledgement"),
        "{e}"
    );
    let (text, _, _) = bundle();
    let e = read_ack(text.as_bytes()).unwrap_err();
    assert!(
        e.message(crate::i18n::Lang::En).contains("is a bundle"),
        "{e}"
    );
    assert_eq!(file_type(text.as_bytes()).unwrap(), BUNDLE);
    assert_eq!(file_type(ack.as_bytes()).unwrap(), ACK);
}

#[test]
fn an_acknowledgement_reads_back_and_any_damage_refuses_it_whole() {
    let ack = Ack {
        bundle: Some("ab".repeat(32)),
        coop: Some("koperasi-maju".into()),
        district: false,
        tills: vec![
            AckTill {
                till: "apotek-1".into(),
                held: 2,
                last_seq: 2,
                last_id: "x".into(),
            },
            AckTill {
                till: "sembako-1".into(),
                held: 7,
                last_seq: 3,
                last_id: "y".into(),
            },
        ],
    };
    let text = write_ack(&ack);
    assert_eq!(read_ack(text.as_bytes()).unwrap(), ack);
    let bytes = text.as_bytes();
    for pos in 0..bytes.len() {
        let mut bad = bytes.to_vec();
        bad[pos] ^= 0x01;
        assert!(read_ack(&bad).is_err(), "flip at {pos} accepted");
    }
    for len in 0..bytes.len() {
        assert!(read_ack(&bytes[..len]).is_err(), "cut at {len} accepted");
    }
}
