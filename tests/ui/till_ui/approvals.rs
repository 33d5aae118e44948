//! Supervisor approvals and split tenders in the payment dialog, typed as a cashier and a
//! supervisor type them: the PIN goes only into the PIN field, approving never pays, and
//! Enter in any payment field pays once the tenders cover the total.

use egui_kittest::kittest::NodeT;

use super::*;

const BERAS: &str = "8991993003654"; // Beras Premium 5 kg, Rp350.000 umum / Rp339.500 anggota

/// Every text a person can read on the screen: labels and field contents.
fn visible_texts(h: &Harness<TillApp>) -> Vec<String> {
    h.query_all_by(|_| true)
        .flat_map(|n| {
            let n = n.accesskit_node();
            [n.label(), n.value()]
        })
        .flatten()
        .collect()
}

/// F12, and let the centred dialog settle where it will stay.
fn open_pay(h: &mut Harness<TillApp>) {
    press(h, Key::F12);
    h.run_steps(5);
}

fn pay_state(h: &Harness<TillApp>) -> kasir::ui::PayState {
    match &h.state().dialog {
        Some(Dialog::Pay(p)) => (**p).clone(),
        other => panic!("the payment dialog is not open: {other:?}"),
    }
}

fn last_receipt(h: &mut Harness<TillApp>) -> String {
    press(h, Key::F10);
    match &h.state().dialog {
        Some(Dialog::Receipt { text, .. }) => text.clone(),
        other => panic!("no receipt shown: {other:?}"),
    }
}

fn user_name(h: &Harness<TillApp>, username: &str) -> String {
    h.state()
        .users
        .iter()
        .find(|u| u.username == username)
        .map(|u| u.name.clone())
        .unwrap()
}

#[test]
fn a_supervisor_pin_typed_for_kasbon_over_the_limit_goes_only_to_the_pin_and_the_cashier_pays() {
    let (_dir, mut h) = harness_after_login();
    press(&mut h, Key::F3);
    typing(&mut h, "A0002"); // Budi Santoso, kasbon limit Rp250.000
    press(&mut h, Key::Enter);
    burst(&mut h, BERAS);
    let owed = total(&h);
    let owed_text = kasir::domain::money::format_rupiah(owed);
    open_pay(&mut h);
    click(&mut h, "Kasbon");
    typing(&mut h, &owed.to_string());
    press(&mut h, Key::Enter);
    assert_eq!(sales_count(&h), 0, "over the limit: refused");
    assert!(pay_state(&h).needs_approval);
    // The supervisor picks their name and types the PIN straight away: it lands in the PIN
    // field, never in a tender, and is never shown.
    let ahmad = user_name(&h, "ahmad");
    click(&mut h, &ahmad);
    typing(&mut h, "4444");
    let p = pay_state(&h);
    assert_eq!(p.approval.pin, "4444", "the PIN field has the keyboard");
    assert_eq!(p.cash, "", "no digit reached the cash field");
    assert_eq!(p.kasbon, owed.to_string());
    let shown = visible_texts(&h);
    assert!(
        !shown
            .iter()
            .any(|s| s.contains("4444") || s.contains("4.444")),
        "the PIN is visible: {shown:?}"
    );
    // Approving does not pay: the cashier is back where they were.
    press(&mut h, Key::Enter);
    assert_eq!(
        sales_count(&h),
        0,
        "approving the kasbon must not commit the sale"
    );
    let p = pay_state(&h);
    assert!(!p.needs_approval);
    assert_eq!(
        p.approver.as_ref().map(|a| a.username.as_str()),
        Some("ahmad")
    );
    h.get_by_label(&format!("Disetujui oleh: {ahmad}"));
    // Only the cashier's Enter commits, with the kasbon alone.
    press(&mut h, Key::Enter);
    assert_eq!(sales_count(&h), 1, "{:?}", h.state().dialog);
    let sale = h.state().last_sale.clone().expect("sale");
    assert_eq!(sale.change, Decimal::ZERO);
    let receipt = last_receipt(&mut h);
    assert!(
        receipt
            .lines()
            .any(|l| l.contains("Kasbon") && l.contains(&owed_text)),
        "{receipt}"
    );
    assert!(
        !receipt.contains("Tunai") && !receipt.contains("Kembali"),
        "{receipt}"
    );
}

#[test]
fn while_a_discount_waits_for_approval_typed_digits_go_to_the_pin() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, &format!("2*{GULA}"));
    press(&mut h, Key::F6);
    typing(&mut h, "2000");
    press(&mut h, Key::Enter);
    let ahmad = user_name(&h, "ahmad");
    click(&mut h, &ahmad);
    typing(&mut h, "4444");
    match &h.state().dialog {
        Some(Dialog::Supervise {
            amount, approval, ..
        }) => {
            assert_eq!(amount, "2000");
            assert_eq!(approval.pin, "4444");
        }
        other => panic!("{other:?}"),
    }
    assert!(h.state().scan_text.is_empty());
    press(&mut h, Key::Enter);
    assert!(h.state().dialog.is_none());
    assert_eq!(total(&h), dec!(35000));
}

#[test]
fn qris_for_part_of_the_total_with_the_cash_field_empty_pays_the_rest_in_cash() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE); // Rp3.500
    open_pay(&mut h);
    click(&mut h, "QRIS");
    typing(&mut h, "3450");
    press(&mut h, Key::Enter);
    assert_eq!(sales_count(&h), 1, "{:?}", h.state().dialog);
    let sale = h.state().last_sale.clone().expect("sale");
    assert_eq!(sale.payable, dec!(3450), "the Rp50 left is rounded away");
    assert_eq!(sale.change, Decimal::ZERO);

    burst(&mut h, &format!("2*{GULA}")); // Rp37.000
    open_pay(&mut h);
    click(&mut h, "Transfer");
    typing(&mut h, "20000");
    press(&mut h, Key::Enter);
    assert_eq!(sales_count(&h), 2, "{:?}", h.state().dialog);
    let sale = h.state().last_sale.clone().expect("sale");
    assert_eq!(sale.payable, dec!(37000));
    let receipt = last_receipt(&mut h);
    assert!(receipt.contains("Rp17.000"), "{receipt}");
}

#[test]
fn enter_in_the_qris_reference_pays_and_cash_is_refused_when_nothing_is_due_in_cash() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, MIE);
    open_pay(&mut h);
    click(&mut h, "QRIS");
    typing(&mut h, "3500");
    // Cash typed although QRIS pays everything: refused, nothing saved.
    if let Some(Dialog::Pay(p)) = &mut h.state_mut().dialog {
        p.cash = "5000".into();
    }
    click(&mut h, "Selesai (Enter)");
    assert_eq!(sales_count(&h), 0);
    assert!(pay_state(&h).error.is_some());
    assert!(h.query_by_label_contains("Kembali").is_none());
    if let Some(Dialog::Pay(p)) = &mut h.state_mut().dialog {
        p.cash.clear();
    }
    let refs: Vec<_> = h.get_all_by_label("Ref.").collect();
    refs[0].click();
    h.run_steps(3);
    typing(&mut h, "QR123");
    press(&mut h, Key::Enter);
    assert_eq!(sales_count(&h), 1, "{:?}", h.state().dialog);
    let sale = h.state().last_sale.clone().expect("sale");
    assert_eq!(sale.tenders.len(), 1, "{:?}", sale.tenders);
    assert_eq!(sale.tenders[0].reference.as_deref(), Some("QR123"));
}

#[test]
fn a_return_scanned_then_the_supervisor_pin_typed_lands_in_the_pin() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, &format!("3*{MIE}"));
    open_pay(&mut h);
    press(&mut h, Key::Enter);
    let sale = h.state().last_sale.clone().unwrap();
    let before = h.state().shop.stock(Some(MIE)).unwrap()[0].on_hand;
    press(&mut h, Key::F11);
    burst(&mut h, MIE);
    h.run_steps(3);
    let ahmad = user_name(&h, "ahmad");
    click(&mut h, &ahmad);
    typing(&mut h, "4444");
    match &h.state().dialog {
        Some(Dialog::Return(f)) => {
            assert_eq!(f.sale, sale.number);
            assert_eq!(f.items, MIE);
            assert_eq!(f.approval.pin, "4444");
        }
        other => panic!("no return form: {other:?}"),
    }
    press(&mut h, Key::Enter);
    let after = h.state().shop.stock(Some(MIE)).unwrap()[0].on_hand;
    assert_eq!(after, before + Decimal::ONE, "{}", notice(&h));
}

#[test]
fn kasbon_above_the_limit_is_refused_until_a_supervisor_approves() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, &format!("100*{MIE}"));
    h.state_mut().apply(kasir::ui::Action::OpenMember);
    typing(&mut h, "A0002"); // Budi Santoso, limit Rp250.000
    press(&mut h, Key::Enter);
    assert_eq!(total(&h), dec!(340000));
    press(&mut h, Key::F12);
    if let Some(Dialog::Pay(p)) = &mut h.state_mut().dialog {
        p.kasbon = "340000".into();
    }
    // Enter in the cash field confirms, as a cashier does.
    press(&mut h, Key::Enter);
    assert_eq!(sales_count(&h), 0);
    match &h.state().dialog {
        Some(Dialog::Pay(p)) => {
            assert!(p.needs_approval);
            assert!(
                p.error.as_deref().unwrap_or("").contains("limit"),
                "{:?}",
                p.error
            );
        }
        other => panic!("payment closed: {other:?}"),
    }
    // A wrong supervisor PIN changes nothing.
    let ahmad = h
        .state()
        .users
        .iter()
        .position(|u| u.username == "ahmad")
        .unwrap();
    if let Some(Dialog::Pay(p)) = &mut h.state_mut().dialog {
        p.approval.user = ahmad;
        p.approval.pin = "0000".into();
    }
    h.get_by_label("Setujui").click();
    h.run_steps(3);
    assert_eq!(sales_count(&h), 0);
    if let Some(Dialog::Pay(p)) = &mut h.state_mut().dialog {
        assert!(p.approval.error.is_some());
        p.approval.pin = "4444".into();
    }
    h.get_by_label("Setujui").click();
    h.run_steps(3);
    assert_eq!(sales_count(&h), 0, "approving does not pay");
    // The cashier's Enter pays.
    press(&mut h, Key::Enter);
    assert_eq!(sales_count(&h), 1);
    let audit = kasir::store::audit::recent(h.state().shop.store.conn(), 5).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "kasbon_over_limit" && a.approver.as_deref() == Some("ahmad")));
    let m = h.state().shop.member("A0002").unwrap();
    assert_eq!(m.kasbon_balance, dec!(340000));
}

#[test]
fn a_discount_needs_the_supervisor_pin_and_is_audited() {
    let (_dir, mut h) = harness_after_login();
    burst(&mut h, &format!("2*{GULA}"));
    let before = h.state().cart.clone();
    press(&mut h, Key::F6);
    assert!(matches!(h.state().dialog, Some(Dialog::Supervise { .. })));
    let ahmad = h
        .state()
        .users
        .iter()
        .position(|u| u.username == "ahmad")
        .unwrap();
    if let Some(Dialog::Supervise {
        amount, approval, ..
    }) = &mut h.state_mut().dialog
    {
        *amount = "2000".into();
        approval.user = ahmad;
        approval.pin = "9998".into();
    }
    h.get_by_label("Setujui").click();
    h.run_steps(3);
    assert_eq!(h.state().cart, before, "a wrong PIN changes nothing");
    if let Some(Dialog::Supervise { approval, .. }) = &mut h.state_mut().dialog {
        assert!(approval.error.is_some());
        approval.pin = "4444".into();
    }
    h.get_by_label("Setujui").click();
    h.run_steps(3);
    assert!(h.state().dialog.is_none());
    assert_eq!(total(&h), dec!(35000));
    let audit = kasir::store::audit::recent(h.state().shop.store.conn(), 5).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "line_discount" && a.approver.is_some()));
}
