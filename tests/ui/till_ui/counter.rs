//! The till's own rules at the scan and at the keyboard: what this counter may sell, Up/Down
//! through the cart, F4 with the quantity selected, notices that fade, Esc that closes every
//! dialog, and each user's own language.

use egui_kittest::kittest::NodeT;
use kasir::error::KasirError;
use kasir::i18n::Lang;
use kasir::ui::{Action, Notice, OverrideKind};

use super::*;

const AMOXICILLIN_STRIP: &str = "8999825002592"; // obat keras
const BERAS: &str = "8991993003654"; // Beras Premium Pandan Wangi 5 kg

fn error_notice(h: &Harness<TillApp>) -> bool {
    h.state().notice.as_ref().is_some_and(|n| n.error)
}

#[test]
fn obat_keras_at_the_sembako_till_is_refused_at_the_scan_naming_the_apotek_counter() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, AMOXICILLIN_STRIP);
    assert!(h.state().cart.is_empty(), "nothing added");
    assert!(
        h.state().dialog.is_none(),
        "no prescription form at a counter that may not sell it: {:?}",
        h.state().dialog
    );
    assert!(
        notice(&h).contains("Jual di konter apotek"),
        "{}",
        notice(&h)
    );
    assert!(error_notice(&h));

    // Picked from the search: the same refusal, no form.
    press(&mut h, Key::F2);
    typing(&mut h, "Amoksisilin 500");
    press(&mut h, Key::Enter);
    assert!(h.state().cart.is_empty());
    assert!(h.state().dialog.is_none(), "{:?}", h.state().dialog);
    assert!(
        notice(&h).contains("Jual di konter apotek"),
        "{}",
        notice(&h)
    );

    // In English too.
    h.get_by_label("English").click();
    h.run_steps(3);
    burst(&mut h, AMOXICILLIN_STRIP);
    assert!(
        notice(&h).contains("Sell this at the apotek counter"),
        "{}",
        notice(&h)
    );

    // The refusal is the service's: the command line's sale gets it without a prescription.
    let mut cart = kasir::domain::cart::Cart::default();
    let refused =
        h.state_mut()
            .shop
            .scan_or_prescribe("sembako-1", &mut cart, AMOXICILLIN_STRIP, None);
    assert!(
        matches!(refused, Err(KasirError::NotAtGerai { .. })),
        "{refused:?}"
    );
    assert!(cart.is_empty());
}

fn selected_line(h: &Harness<TillApp>) -> Option<usize> {
    let app = h.state();
    match app.selected {
        Some(i) if i < app.cart.lines.len() => Some(i),
        _ => app.cart.lines.len().checked_sub(1),
    }
}

fn line_shown_selected(h: &Harness<TillApp>, name: &str) -> bool {
    h.get_by_label(name).accesskit_node().toggled() == Some(egui::accesskit::Toggled::True)
}

#[test]
fn up_and_down_select_cart_lines_and_f4_f6_f7_f8_act_on_the_selected_one() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE);
    burst(&mut h, GULA);
    burst(&mut h, BERAS);
    assert_eq!(selected_line(&h), Some(2), "the last scanned line");
    press(&mut h, Key::ArrowUp);
    assert_eq!(selected_line(&h), Some(1));
    assert!(line_shown_selected(&h, "Gula Pasir Gulaku Premium 1 kg"));
    assert!(!line_shown_selected(&h, "Beras Premium Pandan Wangi 5 kg"));
    press(&mut h, Key::ArrowUp);
    press(&mut h, Key::ArrowUp);
    assert_eq!(selected_line(&h), Some(0), "the first line stays selected");
    press(&mut h, Key::ArrowDown);
    assert_eq!(selected_line(&h), Some(1));

    press(&mut h, Key::F4);
    assert!(
        matches!(h.state().dialog, Some(Dialog::Qty { line: 1, .. })),
        "{:?}",
        h.state().dialog
    );
    press(&mut h, Key::Escape);
    for (key, kind) in [
        (Key::F6, OverrideKind::Discount),
        (Key::F7, OverrideKind::Price),
        (Key::F8, OverrideKind::VoidLine),
    ] {
        press(&mut h, key);
        match &h.state().dialog {
            Some(Dialog::Supervise { kind: k, line, .. }) => {
                assert_eq!((*k, *line), (kind, 1), "{key:?}")
            }
            other => panic!("{key:?} opened {other:?}"),
        }
        press(&mut h, Key::Escape);
    }

    // Up/Down in a dialog are the dialog's: the cart's selection stays.
    press(&mut h, Key::F2);
    typing(&mut h, "gula");
    press(&mut h, Key::ArrowDown);
    press(&mut h, Key::ArrowUp);
    press(&mut h, Key::ArrowUp);
    assert_eq!(selected_line(&h), Some(1));
    press(&mut h, Key::Escape);
    press(&mut h, Key::F12);
    press(&mut h, Key::ArrowDown);
    press(&mut h, Key::ArrowUp);
    assert_eq!(selected_line(&h), Some(1));
    press(&mut h, Key::Escape);
    assert!(h.state().dialog.is_none());
}

#[test]
fn up_down_on_a_long_cart_scrolls_the_selected_line_into_view() {
    let (_dir, mut h) = harness_after_login();
    // Forty different goods (one unit of each): more lines than the screen shows.
    let mut seen = std::collections::HashSet::new();
    let items: Vec<_> = h
        .state()
        .shop
        .find_items("a", 400)
        .unwrap()
        .into_iter()
        .filter(|i| !i.drug_class.needs_prescription() && !i.weighed)
        .filter(|i| seen.insert(i.product_id))
        .take(40)
        .collect();
    assert_eq!(items.len(), 40);
    {
        let app = h.state_mut();
        let mut cart = app.cart.clone();
        for item in items.iter().cloned() {
            app.shop
                .add_item(&mut cart, item, rust_decimal::Decimal::ONE)
                .unwrap();
        }
        app.cart = cart;
    }
    h.run_steps(3);
    let n = h.state().cart.lines.len();
    let first = h.state().cart.lines[0].item.name.clone();
    assert!(
        h.query_by_label(&first).is_none(),
        "the first line starts out of view"
    );
    for _ in 0..n {
        press(&mut h, Key::ArrowUp);
    }
    assert_eq!(selected_line(&h), Some(0));
    assert!(
        h.query_by_label(&first).is_some(),
        "the selected first line is on screen"
    );
    assert!(line_shown_selected(&h, &first));
}

#[test]
fn f4_opens_with_the_quantity_selected_so_typing_2_gives_2() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE);
    press(&mut h, Key::F4);
    typing(&mut h, "2");
    press(&mut h, Key::Enter);
    assert!(h.state().dialog.is_none(), "{:?}", h.state().dialog);
    assert_eq!(h.state().cart.lines[0].qty, dec!(2));
    // Again on the new quantity: 5 replaces 2.
    press(&mut h, Key::F4);
    typing(&mut h, "5");
    press(&mut h, Key::Enter);
    assert_eq!(h.state().cart.lines[0].qty, dec!(5));
}

/// Run frames until `seconds` of the till's clock have passed (a frame is a quarter second).
fn wait(h: &mut Harness<TillApp>, seconds: f64) {
    for _ in 0..(seconds * 4.0).ceil() as usize {
        h.step();
    }
}

#[test]
fn notices_fade_after_a_few_seconds_and_refusals_after_a_few_more() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE);
    assert!(notice(&h).contains("Indomie"), "{}", notice(&h));
    wait(&mut h, Notice::SHOWN_S - 1.5);
    assert!(h.state().notice.is_some(), "still there after a moment");
    wait(&mut h, 2.0);
    assert!(h.state().notice.is_none(), "{:?}", h.state().notice);

    burst(&mut h, "8990000000006");
    assert!(error_notice(&h));
    wait(&mut h, Notice::SHOWN_S + 1.0);
    assert!(
        error_notice(&h),
        "a refusal stays longer than a notice, to be read"
    );
    wait(&mut h, Notice::ERROR_SHOWN_S);
    assert!(
        h.state().notice.is_none(),
        "a refusal goes too: {:?}",
        h.state().notice
    );
}

/// Open a dialog with `open`, type into it, press Esc: it closes and nothing changed.
fn esc_closes(h: &mut Harness<TillApp>, what: &str, open: impl FnOnce(&mut Harness<TillApp>)) {
    let cart = h.state().cart.clone();
    let sales = sales_count(h);
    open(h);
    assert!(h.state().dialog.is_some(), "{what}: nothing opened");
    typing(h, "12");
    press(h, Key::Escape);
    assert!(
        h.state().dialog.is_none(),
        "{what}: still open: {:?}",
        h.state().dialog
    );
    assert_eq!(h.state().cart, cart, "{what} changed the cart");
    assert_eq!(sales_count(h), sales, "{what} sold");
}

#[test]
fn esc_closes_each_dialog_of_the_selling_screen_without_acting() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness_on(shop_at(&dir.path().join("shop.db"), true), "apotek-1");
    login(&mut h, "siti", "1111");
    // A sale first, so that the receipt and a return have something to show.
    burst(&mut h, MIE);
    press(&mut h, Key::F12);
    press(&mut h, Key::Enter);
    assert_eq!(sales_count(&h), 1);
    // A held cart for the recall list.
    burst(&mut h, GULA);
    press(&mut h, Key::F5);
    assert!(h.state().cart.is_empty());
    esc_closes(&mut h, "recall (F5)", |h| press(h, Key::F5));
    esc_closes(&mut h, "receipt (F10)", |h| press(h, Key::F10));
    esc_closes(&mut h, "return (F11)", |h| press(h, Key::F11));
    burst(&mut h, MIE);
    for (what, key) in [
        ("help", Key::F1),
        ("search", Key::F2),
        ("member", Key::F3),
        ("quantity", Key::F4),
        ("discount", Key::F6),
        ("price", Key::F7),
        ("void line", Key::F8),
        ("void sale", Key::F9),
        ("return", Key::F11),
        ("payment", Key::F12),
    ] {
        esc_closes(&mut h, what, |h| press(h, key));
    }
    esc_closes(&mut h, "prescription", |h| burst(h, AMOXICILLIN_STRIP));
    esc_closes(&mut h, "supervisor in the payment", |h| {
        h.state_mut().apply(Action::OpenPay);
        if let Some(Dialog::Pay(p)) = &mut h.state_mut().dialog {
            p.needs_approval = true;
        }
        h.run_steps(3);
    });
    burst(&mut h, GULA);
    esc_closes(&mut h, "quantity and unit of a second line", |h| {
        press(h, Key::ArrowUp);
        press(h, Key::F4);
    });
}

fn logout(h: &mut Harness<TillApp>) {
    h.state_mut().apply(Action::Logout);
    h.run_steps(2);
}

#[test]
fn each_user_keeps_their_own_language() {
    let (dir, mut h) = harness_after_login();
    assert_eq!(h.state().lang, Lang::Id);
    h.get_by_label("English").click();
    h.run_steps(3);
    h.get_by_label("Pay (F12)");
    logout(&mut h);
    // Another user keeps theirs (the shop's).
    login(&mut h, "rina", "3333");
    assert_eq!(h.state().lang, Lang::Id);
    h.get_by_label("Bayar (F12)");
    logout(&mut h);
    login(&mut h, "siti", "1111");
    assert_eq!(h.state().lang, Lang::En);
    drop(h);
    // Siti gets English back at her next login, after a restart too.
    let mut h = harness(shop_at(&dir.path().join("shop.db"), false));
    assert_eq!(h.state().lang, Lang::Id, "the login screen is the shop's");
    login(&mut h, "siti", "1111");
    assert_eq!(h.state().lang, Lang::En);
    h.get_by_label("Pay (F12)");
    assert_eq!(h.state().shop.user_lang("siti").unwrap(), Some(Lang::En));
    assert_eq!(h.state().shop.user_lang("rina").unwrap(), None);
}

#[test]
fn up_and_down_on_the_login_screen_move_through_the_users_only() {
    let (_dir, mut h) = demo();
    let chosen = |h: &Harness<TillApp>| match &h.state().screen {
        Screen::Login { user, .. } => h.state().users[*user].username.clone(),
        other => panic!("not on the login screen: {other:?}"),
    };
    // Admin, Rina, Ahmad, Budi, Siti: the cashier is preselected, at the end of the list.
    assert_eq!(chosen(&h), "siti");
    press(&mut h, Key::ArrowDown);
    assert_eq!(chosen(&h), "siti");
    press(&mut h, Key::ArrowUp);
    assert_eq!(chosen(&h), "budi");
    press(&mut h, Key::ArrowDown);
    assert_eq!(chosen(&h), "siti");
    assert!(h.state().cart.is_empty());
    typing(&mut h, "1111");
    press(&mut h, Key::Enter);
    assert_eq!(
        h.state().actor.as_ref().map(|a| a.username.as_str()),
        Some("siti")
    );
}
