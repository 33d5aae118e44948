//! The selling screen's handlers: scans (typed, wedge or serial), picks from the search and
//! the member list, quantities, holds, supervisor overrides, the last receipt. The screen
//! draws in `selling.rs` and `dialogs.rs`; state changes here, through the services.

use rust_decimal::Decimal;

use super::*;
use crate::domain::cart::{Cart, PayError};
use crate::domain::money::{format_qty, format_rupiah, AllowSen, Amount, Quantity, QTY_SCALE};
use crate::error::{KasirError, Result};
use crate::i18n::t;
use crate::service::screen::SaleRecord;
use crate::service::till::Override;

/// New results for what was typed so far (none for an empty query), first one selected.
pub(super) fn search_as_you_type<T>(
    query: &str,
    results: &mut Vec<T>,
    selected: &mut usize,
    find: impl FnOnce(&str) -> Result<Vec<T>>,
) {
    *results = if query.trim().is_empty() {
        Vec::new()
    } else {
        find(query).unwrap_or_default()
    };
    *selected = 0;
}

impl TillApp {
    /// Actions of the selling screen and its dialogs.
    pub(super) fn apply_selling(&mut self, action: Action) {
        let lang = self.lang;
        match action {
            Action::Scan(text) => self.scan(&text),
            Action::ScanBurst(code) => self.scan_burst(code),
            Action::SelectLine(i) if i < self.cart.lines.len() => {
                self.selected = Some(i);
                self.reveal_line = true;
            }
            Action::Help => self.dialog = Some(Dialog::Help),
            Action::OpenSearch => {
                self.dialog = Some(Dialog::Search {
                    query: String::new(),
                    results: Vec::new(),
                    selected: 0,
                })
            }
            Action::SearchChanged => {
                if let Some(Dialog::Search {
                    query,
                    results,
                    selected,
                }) = &mut self.dialog
                {
                    let shop = &self.shop;
                    search_as_you_type(query, results, selected, |q| shop.find_items(q, 50));
                }
            }
            Action::PickItem(i) => {
                let Some(Dialog::Search { results, .. }) = &self.dialog else {
                    return;
                };
                let Some(item) = results.get(i).cloned() else {
                    return;
                };
                self.dialog = None;
                self.show_change = false;
                let sku = item.sku.clone();
                let mut next = self.cart.clone();
                match self
                    .shop
                    .add_item_at(&self.till, &mut next, item, Decimal::ONE)
                {
                    Ok(i) => self.take_if_in_stock(next, i),
                    // Prescription-only: the same form as a scan.
                    Err(KasirError::NeedsPrescription { .. }) => self.scan(&sku),
                    Err(e) => self.notify(err_text(&e, lang), true),
                }
            }
            Action::OpenMember => {
                self.dialog = Some(Dialog::Member {
                    query: String::new(),
                    results: Vec::new(),
                    selected: 0,
                })
            }
            Action::MemberChanged => {
                if let Some(Dialog::Member {
                    query,
                    results,
                    selected,
                }) = &mut self.dialog
                {
                    let shop = &self.shop;
                    search_as_you_type(query, results, selected, |q| shop.search_members(q, 30));
                }
            }
            Action::PickMember(i) => {
                let Some(Dialog::Member { results, .. }) = &self.dialog else {
                    return;
                };
                let Some(m) = results.get(i).cloned() else {
                    return;
                };
                self.dialog = None;
                match self.shop.attach_member(&mut self.cart, Some(&m.number)) {
                    Ok(()) => self.notify(
                        format!("{}: {} {}", t(lang, "till.member"), m.number, m.name),
                        false,
                    ),
                    Err(e) => self.notify(err_text(&e, lang), true),
                }
            }
            Action::DetachMember => {
                self.cart.set_member(None);
                self.dialog = None;
            }
            Action::OpenQty => match self.current_line() {
                Some(line) => {
                    let l = &self.cart.lines[line];
                    let units = self.shop.units_of(l.item.product_id).unwrap_or_default();
                    let unit = units
                        .iter()
                        .position(|u| u.unit_id == l.item.unit_id)
                        .unwrap_or(0);
                    self.dialog = Some(Dialog::Qty {
                        line,
                        text: format_qty(l.qty),
                        units,
                        unit,
                        error: None,
                        weighed: l.item.weighed,
                        tare: self.scale.tare_g.to_string(),
                        from_scale: None,
                        select_all: true,
                    });
                }
                None => self.notify(t(lang, "till.no_line").into(), true),
            },
            Action::ApplyQty => self.apply_qty(),
            Action::Weigh => self.weigh(),
            Action::SimScale(grams) => self.scale.simulate_put(grams),
            Action::HoldOrRecall => self.hold_or_recall(),
            Action::Recall(id) => self.recall(id),
            Action::AskSupervisor(kind) => {
                let line = self.current_line();
                if line.is_none() && kind != OverrideKind::VoidSale || self.cart.is_empty() {
                    self.notify(t(lang, "till.no_line").into(), true);
                    return;
                }
                self.dialog = Some(Dialog::Supervise {
                    kind,
                    line: line.unwrap_or(0),
                    amount: String::new(),
                    approval: Approval {
                        user: self.first_supervisor(),
                        ..Default::default()
                    },
                    pending: None,
                });
            }
            Action::Approve => self.approve(),
            Action::OpenPay => {
                if self.cart.is_empty() {
                    self.notify(err_text(&PayError::EmptyCart.into(), lang), true);
                } else {
                    self.dialog = Some(Dialog::Pay(Box::new(PayState {
                        approval: Approval {
                            user: self.first_supervisor(),
                            ..Default::default()
                        },
                        ..Default::default()
                    })));
                }
            }
            Action::Pay => self.pay(None),
            Action::PayCash(c) => self.pay(Some(c)),
            Action::ApproveKasbon => self.approve_kasbon(),
            Action::ShowLastReceipt => self.show_last_receipt(),
            Action::CloseDialog => self.dialog = None,
            Action::SimScan => self.scans.simulate_scan(),
            Action::ReprintLast => self.reprint_last(),
            Action::RetryPrinter => {
                if let Some(p) = &self.printer {
                    p.retry_now();
                }
            }
            Action::ApprovePrescription => self.approve_prescription(),
            Action::OpenReturn => {
                self.dialog = Some(Dialog::Return(Box::new(ReturnForm {
                    sale: self
                        .last_sale
                        .as_ref()
                        .map(|s| s.number.clone())
                        .unwrap_or_default(),
                    approval: Approval {
                        user: self.first_supervisor(),
                        ..Default::default()
                    },
                    ..Default::default()
                })))
            }
            Action::SubmitReturn => self.submit_return(),
            _ => {}
        }
    }

    pub(super) fn added(&mut self, i: usize) {
        self.selected = Some(i);
        self.reveal_line = true;
        let l = &self.cart.lines[i];
        let msg = format!(
            "{} × {} {} — {}",
            format_qty(l.qty),
            l.item.unit,
            l.item.name,
            format_rupiah(l.amount())
        );
        self.notify(msg, false);
    }

    pub(super) fn scan(&mut self, text: &str) {
        let text = text.trim();
        if text.is_empty() || self.screen != Screen::Selling {
            return;
        }
        self.show_change = false;
        let mut next = self.cart.clone();
        // A drug this counter may not sell is refused here by the service, before any form.
        match self.shop.scan_at(&self.till, &mut next, text) {
            Ok(i) => self.take_if_in_stock(next, i),
            Err(KasirError::NeedsPrescription { product, .. }) => {
                self.open_prescription(text, product);
            }
            Err(e) => self.notify(err_text(&e, self.lang), true),
        }
    }

    /// A scanner read a code. While money is being taken (payment, a supervisor's PIN) it is
    /// refused, so the total cannot change under the customer; any other dialog closes.
    pub(super) fn scan_burst(&mut self, code: String) {
        if self.screen != Screen::Selling {
            // Said at once, never kept for later: the test view shows the scan itself.
            if !matches!(&self.screen, Screen::Back(Back::Settings(f)) if f.scanner_test) {
                let msg = format!("{} ({code})", t(self.lang, "till.scan_elsewhere"));
                self.notify(msg, true);
            }
            return;
        }
        match &mut self.dialog {
            // A scan in the return form names an item being brought back.
            Some(Dialog::Return(f)) => {
                if !f.items.is_empty() {
                    f.items.push(' ');
                }
                f.items.push_str(&code);
            }
            Some(Dialog::Pay(_) | Dialog::Supervise { .. } | Dialog::Prescription(_)) => {
                let msg = format!("{} ({code})", t(self.lang, "till.scan_blocked"));
                self.notify(msg, true);
            }
            _ => {
                self.dialog = None;
                self.scan(&code);
            }
        }
    }

    pub(super) fn apply_qty(&mut self) {
        let lang = self.lang;
        let Some(Dialog::Qty {
            line,
            text,
            units,
            unit,
            error,
            from_scale,
            ..
        }) = &mut self.dialog
        else {
            return;
        };
        let line = *line;
        let typed = from_scale.as_deref() != Some(text.as_str());
        let qty = match Quantity::parse(text, QTY_SCALE) {
            Ok(q) => q,
            Err(e) => {
                *error = Some(err_text(&e.into(), lang));
                return;
            }
        };
        let mut next = self.cart.clone();
        let result = (|| {
            if let Some(u) = units.get(*unit) {
                if next
                    .lines
                    .get(line)
                    .is_some_and(|l| l.item.unit_id != u.unit_id)
                {
                    next.set_unit(line, u.clone())?;
                }
            }
            next.set_qty(line, qty)?;
            // The new quantity must respect the drug rules (per-sale limits, HET) and the
            // stock on hand too.
            self.shop.check_cart_pharmacy(&self.till, &next)?;
            self.shop.check_stock(&next)
        })();
        match result {
            Ok(()) => {
                if let Err(e) = self.audit_if_typed(&next, line, typed) {
                    if let Some(Dialog::Qty { error, .. }) = &mut self.dialog {
                        *error = Some(err_text(&e, lang));
                    }
                    return;
                }
                self.cart = next;
                self.dialog = None;
                self.added(line);
            }
            Err(e) => {
                if let Some(Dialog::Qty { error, .. }) = &mut self.dialog {
                    *error = Some(err_text(&e, lang));
                }
            }
        }
    }

    pub(super) fn hold_or_recall(&mut self) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        if self.cart.is_empty() {
            match self.shop.held_carts(&self.till) {
                Ok(rows) if rows.is_empty() => self.notify(t(lang, "hold.none").into(), true),
                Ok(rows) => self.dialog = Some(Dialog::Held { rows, selected: 0 }),
                Err(e) => self.notify(err_text(&e, lang), true),
            }
            return;
        }
        match self.shop.hold_cart(&actor, &self.till, &self.cart) {
            Ok(_) => {
                self.cart = Cart::default();
                self.selected = None;
                self.notify(t(lang, "hold.done").into(), false);
            }
            Err(e) => self.notify(err_text(&e, lang), true),
        }
    }

    pub(super) fn recall(&mut self, id: i64) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        if !self.cart.is_empty() {
            self.notify(t(lang, "hold.cart_busy").into(), true);
            return;
        }
        match self.shop.recall_cart(&actor, &self.till, id) {
            Ok(cart) => {
                self.cart = cart;
                self.dialog = None;
                self.selected = None;
                self.show_change = false;
                self.notify(t(lang, "hold.recalled").into(), false);
            }
            Err(e) => self.notify(err_text(&e, lang), true),
        }
    }

    pub(super) fn approve(&mut self) {
        let lang = self.lang;
        let Some(cashier) = self.actor.clone() else {
            return;
        };
        let Some(Dialog::Supervise {
            kind,
            line,
            amount,
            approval,
            pending,
        }) = &mut self.dialog
        else {
            return;
        };
        let what = match kind {
            OverrideKind::Discount | OverrideKind::Price => {
                // Discounts and prices on a line are whole rupiah.
                let a = match Amount::parse(amount, AllowSen::No) {
                    Ok(a) => a,
                    Err(e) => {
                        approval.error = Some(err_text(&e.into(), lang));
                        return;
                    }
                };
                if *kind == OverrideKind::Discount {
                    Override::Discount {
                        line: *line,
                        amount: a,
                    }
                } else {
                    Override::Price {
                        line: *line,
                        price: a,
                    }
                }
            }
            OverrideKind::VoidLine => Override::VoidLine { line: *line },
            OverrideKind::VoidSale => Override::VoidSale,
            OverrideKind::Oversell => Override::Oversell { line: *line },
        };
        // An oversell is approved on the cart that was refused, which then becomes the cart.
        let mut target = match pending {
            Some(p) => p.0.clone(),
            None => self.cart.clone(),
        };
        let Some(u) = self.users.get(approval.user) else {
            return;
        };
        let username = u.username.clone();
        let pin = std::mem::take(&mut approval.pin);
        let result = self.shop.supervisor(&username, &pin).and_then(|sup| {
            self.shop
                .apply_override(&cashier, &sup, &self.till, &mut target, &what)
        });
        match result {
            Ok(()) => {
                self.cart = target;
                self.dialog = None;
                self.selected = None;
                self.notify(format!("{} ({username})", t(lang, "override.done")), false);
            }
            Err(e) => {
                if let Some(Dialog::Supervise { approval, .. }) = &mut self.dialog {
                    approval.error = Some(err_text(&e, lang));
                }
            }
        }
    }

    /// The till's last sale as the file has it (a restart forgets nothing); says so when
    /// there is none.
    pub(super) fn stored_last_sale(&mut self) -> Option<SaleRecord> {
        match self.shop.last_sale(&self.till) {
            Ok(Some(sale)) => Some(sale),
            Ok(None) => {
                self.notify(t(self.lang, "receipt.none").into(), true);
                None
            }
            Err(e) => {
                self.notify(err_text(&e, self.lang), true);
                None
            }
        }
    }

    pub(super) fn reprint_last(&mut self) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let Some(sale) = self.stored_last_sale() else {
            return;
        };
        match self.shop.reprint(&actor, &sale.number, None) {
            Ok(_) => {
                if let Some(p) = &self.printer {
                    p.wake();
                }
                self.notify(
                    format!("{} {}", t(lang, "receipt.reprinted"), sale.number),
                    false,
                );
            }
            Err(e) => self.notify(err_text(&e, lang), true),
        }
    }

    pub(super) fn show_last_receipt(&mut self) {
        let lang = self.lang;
        let Some(sale) = self.stored_last_sale() else {
            return;
        };
        match self.shop.receipt_text(&sale, true) {
            Ok(text) => {
                self.dialog = Some(Dialog::Receipt {
                    title: sale.number.clone(),
                    text,
                    sale: Some(sale.number.clone()),
                })
            }
            Err(e) => self.notify(err_text(&e, lang), true),
        }
    }
}
