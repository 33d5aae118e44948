//! What a till remembers across a restart comes from the file, not from memory.

use super::*;

#[test]
fn f10_after_a_restart_shows_the_receipt_sold_just_before_with_its_change() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    let number = {
        let mut h = harness(shop_at(&db, true));
        login(&mut h, "siti", "1111");
        burst(&mut h, &format!("2*{GULA}"));
        press(&mut h, Key::F12);
        typing(&mut h, "50000");
        press(&mut h, Key::Enter);
        assert_eq!(sales_count(&h), 1);
        // The till dies here: no logout, nothing saved on exit.
        h.state().last_sale.clone().expect("sold").number
    };
    let mut h = harness(shop_at(&db, false));
    login(&mut h, "siti", "1111");
    press(&mut h, Key::F10);
    match &h.state().dialog {
        Some(Dialog::Receipt { title, text, .. }) => {
            assert_eq!(title, &number);
            assert!(text.contains(&number), "{text}");
            assert!(
                text.lines()
                    .any(|l| l.contains("Kembali") && l.contains("Rp13.000")),
                "{text}"
            );
        }
        other => panic!("F10 shows no receipt: {other:?} / {}", notice(&h)),
    }
    // Another till's sale is not this till's last receipt.
    let mut other = harness_on(shop_at(&db, false), "sembako-2");
    login(&mut other, "siti", "1111");
    press(&mut other, Key::F10);
    assert!(other.state().dialog.is_none());
    assert!(
        notice(&other).contains("Belum ada struk"),
        "{}",
        notice(&other)
    );
}
