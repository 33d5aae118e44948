//! Paying: cash and change, rounding, the Done button.

use super::*;

#[test]
fn pay_cash_shows_the_change_and_commits_once_even_on_double_enter() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE);
    burst(&mut h, &format!("2*{GULA}"));
    assert_eq!(total(&h), dec!(40500));
    press(&mut h, Key::F12);
    assert!(matches!(h.state().dialog, Some(Dialog::Pay(_))));
    // Quick-cash buttons: exact, then the next sensible notes.
    h.get_by_label("Rp50.000");
    h.get_by_label("Rp100.000");
    typing(&mut h, "50000");
    press(&mut h, Key::Enter);
    press(&mut h, Key::Enter);
    assert_eq!(
        sales_count(&h),
        1,
        "one sale, however often Enter is pressed"
    );
    let sale = h.state().last_sale.clone().expect("sale shown");
    assert_eq!(sale.payable, dec!(40500));
    assert_eq!(sale.change, dec!(9500));
    h.get_by_label("Kembali Rp9.500");
    assert!(h.state().cart.is_empty());
    assert!(h.state().shop.load_draft("sembako-1").unwrap().is_none());
    // The next scan clears the change from the screen.
    burst(&mut h, MIE);
    assert!(!h.state().show_change);
}

#[test]
fn cash_rounding_goes_to_the_customer_and_is_shown() {
    let (_dir, mut h) = harness_after_login();
    // A price that is not a multiple of the Rp100 rounding step.
    let item = h.state().shop.find_item(MIE).unwrap();
    let admin = kasir::domain::user::Actor::back_office();
    h.state_mut()
        .shop
        .set_price(&admin, &item, PriceTier::Umum, dec!(3550))
        .unwrap();
    burst(&mut h, &format!("3*{MIE}"));
    assert_eq!(total(&h), dec!(10650));
    press(&mut h, Key::F12);
    h.get_by_label("Uang pas").click();
    h.run_steps(3);
    let sale = h.state().last_sale.clone().expect("paid");
    assert_eq!(
        sale.rounding,
        dec!(50),
        "rounded down, in the customer's favour"
    );
    assert_eq!(sale.payable, dec!(10600));
    h.get_by_label("Pembulatan: -Rp50");
}

#[test]
fn the_done_button_pays_like_enter() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE);
    press(&mut h, Key::F12);
    typing(&mut h, "5000");
    h.get_by_label("Selesai (Enter)").click();
    h.run_steps(4);
    assert_eq!(sales_count(&h), 1, "{:?}", h.state().dialog);
}
