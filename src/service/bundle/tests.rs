use std::sync::Arc;

use super::*;
use crate::i18n::Lang;
use crate::service::FixedClock;
use crate::store::Store;

fn shop() -> Shop {
    let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 1)
        .and_then(|d| d.and_hms_opt(17, 0, 0))
        .unwrap();
    Shop::new(
        Store::open_in_memory().unwrap(),
        Arc::new(FixedClock::new(at)),
    )
}

fn event(s: &Shop, till: &str, n: i64) -> Event {
    s.store
        .write(|tx| {
            outbox::append_event(
                tx,
                till,
                "sale.v1",
                1,
                &serde_json::json!({ "n": n }),
                "2026-12-01 08:00:00",
            )
        })
        .unwrap()
}

fn ack_file(dir: &Path, name: &str, tills: Vec<AckTill>) -> PathBuf {
    let file = dir.join(name);
    let ack = Ack {
        bundle: None,
        coop: None,
        district: false,
        tills,
    };
    std::fs::write(&file, format::write_ack(&ack)).unwrap();
    file
}

fn carried(e: &Event, held: i64) -> AckTill {
    AckTill {
        till: e.till.clone(),
        held,
        last_seq: e.seq,
        last_id: e.id.clone(),
    }
}

fn pending(s: &Shop) -> Vec<(String, i64)> {
    outbox::pending_counts(s.store.conn()).unwrap()
}

#[test]
fn an_acknowledgement_marks_no_further_than_its_bundle_carried_and_is_refused_whole() {
    let dir = tempfile::tempdir().unwrap();
    let s = shop();
    let a1 = event(&s, "a", 1);
    let a2 = event(&s, "a", 2);
    let b1 = event(&s, "b", 1);
    let out = dir.path().join("usb.kasir");
    let done = s.bundle_export(&out).unwrap();
    assert_eq!(
        (done.events, done.tills.clone()),
        (3, vec!["a".into(), "b".into()])
    );
    let read = format::read_bundle(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(read.events, vec![a1.clone(), a2.clone(), b1.clone()]);
    assert_eq!(read.chain.as_deref(), Some(done.chain.as_str()));
    let a3 = event(&s, "a", 3);

    // The server holds a#3 already (pushed some other way), but this bundle carried a#1 only.
    let file = ack_file(dir.path(), "one.ack", vec![carried(&a1, 3)]);
    let acked = s.bundle_ack(&file).unwrap();
    assert_eq!(acked[0].acked_through, 1);
    assert_eq!(pending(&s), vec![("a".into(), 2), ("b".into(), 1)]);

    // A good till and a foreign one: refused whole, nothing marked.
    let foreign = AckTill {
        till: "c".into(),
        ..carried(&b1, 1)
    };
    let file = ack_file(dir.path(), "two.ack", vec![carried(&b1, 1), foreign]);
    let e = s.bundle_ack(&file).unwrap_err();
    assert!(e.message(Lang::En).contains("for till c"), "{e}");
    // An event id that is not this file's (the same till id on another machine).
    let other = AckTill {
        last_id: a1.id.clone(),
        ..carried(&a2, 2)
    };
    let file = ack_file(dir.path(), "three.ack", vec![carried(&b1, 1), other]);
    let e = s.bundle_ack(&file).unwrap_err();
    assert!(
        e.message(Lang::En)
            .contains("not for a bundle of this shop file"),
        "{e}"
    );
    // Beyond the file's own events.
    let beyond = AckTill {
        last_seq: 9,
        ..carried(&a3, 9)
    };
    let file = ack_file(dir.path(), "four.ack", vec![beyond]);
    assert!(s.bundle_ack(&file).is_err());
    assert_eq!(pending(&s), vec![("a".into(), 2), ("b".into(), 1)]);

    // The next bundle carries what is still pending, nothing acknowledged.
    let again = s.bundle_export(&out).unwrap();
    let read = format::read_bundle(&std::fs::read(&out).unwrap()).unwrap();
    assert_eq!(again.events, 3);
    assert_eq!(read.events, vec![a2, a3, b1]);
}
