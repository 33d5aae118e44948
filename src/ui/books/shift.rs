//! The shift tab: the X report (supervisors only), the blind count that closes the shift
//! with its Z report, petty cash in and out, and kasbon repayments at the counter.

use eframe::egui::{self, RichText};
use rust_decimal::Decimal;

use super::*;
use crate::domain::cash::{CashCount, DENOMINATIONS};
use crate::domain::money::{format_rupiah, AllowSen, Amount};
use crate::domain::user::Permission;
use crate::service::shift_close::CashMoveKind;

/// The shift tab: X report, blind count, petty cash, kasbon repayment.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShiftTab {
    pub x_report: Option<String>,
    /// The blind count is being entered (the X report is hidden meanwhile).
    pub closing: bool,
    /// Pieces per denomination, in the order of [`DENOMINATIONS`].
    pub counts: Vec<String>,
    /// How often the count was refused for being off by more than the limit.
    pub refusals: u8,
    /// Why the drawer is off (asked for after the second refusal).
    pub reason: String,
    /// The Z report of the shift just closed.
    pub z_report: Option<String>,
    pub move_out: bool,
    pub move_amount: String,
    pub move_reason: String,
    pub approval: Approval,
    pub repay_member: String,
    pub repay_amount: String,
}

/// Actions of the shift tab.
pub(super) fn apply(app: &mut TillApp, s: &BooksScreen, action: BooksAction) {
    let lang = app.lang;
    match action {
        BooksAction::XReport => {
            let Some(actor) = app.actor.clone() else {
                return;
            };
            if s.shift.closing {
                return;
            }
            // The service decides who may see the expected cash; a refusal is shown.
            let result = app.shop.x_report(&actor, &app.till, lang);
            if let Some(s) = screen(app) {
                match result {
                    Ok((_, text)) => {
                        s.shift.x_report = Some(text);
                        s.error = None;
                    }
                    Err(e) => s.error = Some(e.message(lang)),
                }
            }
        }
        BooksAction::StartClose => {
            // The drawer opens for the count (through the print queue, audited).
            let kicked = match app.actor.clone() {
                Some(actor) => app
                    .shop
                    .kick_drawer_for_count(&actor, &app.till)
                    .map(|_| ()),
                None => Ok(()),
            };
            if let Some(p) = &app.printer {
                p.wake();
            }
            if let Err(e) = kicked {
                tracing::warn!(error = %e, "drawer kick for the count not queued");
            }
            if let Some(s) = screen(app) {
                s.shift.closing = true;
                s.shift.x_report = None;
                s.shift.z_report = None;
                s.error = None;
                s.info = None;
            }
        }
        BooksAction::CancelClose => {
            if let Some(s) = screen(app) {
                // Once a count was refused, the close must be finished (the count stays blind).
                if s.shift.refusals == 0 {
                    s.shift.closing = false;
                    s.shift.counts = vec![String::new(); DENOMINATIONS.len()];
                }
            }
        }
        BooksAction::SubmitCount => submit_count(app, &s.shift),
        BooksAction::CashMove => cash_move(app, &s.shift),
        BooksAction::RepayKasbon => {
            let Some(actor) = app.actor.clone() else {
                return;
            };
            let result = Amount::parse(&s.shift.repay_amount, AllowSen::No)
                .map_err(KasirError::from)
                .and_then(|a| {
                    app.shop
                        .repay_kasbon(&actor, &app.till, &s.shift.repay_member, a)
                });
            match result {
                Ok(m) => {
                    let text = format!(
                        "{} {} — {} {}",
                        m.number,
                        m.name,
                        t(lang, "books.new_balance"),
                        format_rupiah(m.kasbon_balance)
                    );
                    if let Some(s) = screen(app) {
                        s.shift.repay_amount.clear();
                        s.shift.repay_member.clear();
                    }
                    report(app, Ok(text));
                }
                Err(e) => report(app, Err(e)),
            }
        }
        _ => {}
    }
}

fn submit_count(app: &mut TillApp, tab: &ShiftTab) {
    let lang = app.lang;
    let Some(actor) = app.actor.clone() else {
        return;
    };
    let fields = DENOMINATIONS
        .iter()
        .copied()
        .zip(tab.counts.iter().map(String::as_str));
    let count = match CashCount::from_fields(fields) {
        Ok(c) => c,
        Err(e) => return report(app, Err(e.into())),
    };
    let with_reason = tab.refusals >= 2;
    if with_reason && tab.reason.trim().is_empty() {
        return report(app, Err(refuse("books.reason_required")));
    }
    let reason = with_reason.then(|| tab.reason.trim().to_string());
    match app
        .shop
        .close_shift(&actor, &app.till, &count, reason.as_deref(), lang)
    {
        Ok(closed) => {
            tracing::info!(till = %app.till, shift = closed.close.shift_id, "shift closed");
            // The Z report is printed as well as shown; a printer fault leaves it queued.
            if let Err(e) = app.shop.print_z(&actor, &app.till, &closed.report) {
                app.notify(e.message(lang), true);
            }
            if let Some(p) = &app.printer {
                p.wake();
            }
            app.shift = None;
            app.notify(t(lang, "books.shift_closed").into(), false);
            if let Some(s) = screen(app) {
                s.shift = ShiftTab {
                    counts: vec![String::new(); DENOMINATIONS.len()],
                    z_report: Some(closed.close.report),
                    approval: s.shift.approval.clone(),
                    ..Default::default()
                };
                s.error = None;
                s.info = Some(t(lang, "books.shift_closed").into());
            }
        }
        Err(e) => {
            let off = reason.is_none()
                && app
                    .shop
                    .count_needs_reason(&app.till, &count)
                    .unwrap_or(false);
            let Some(s) = screen(app) else {
                return;
            };
            s.info = None;
            if off {
                s.shift.refusals = s.shift.refusals.saturating_add(1);
                if s.shift.refusals == 1 {
                    s.shift.counts = vec![String::new(); DENOMINATIONS.len()];
                    s.error = Some(t(lang, "books.recount").into());
                } else {
                    s.error = Some(t(lang, "books.give_reason").into());
                }
            } else {
                s.error = Some(e.message(lang));
            }
        }
    }
}

fn cash_move(app: &mut TillApp, tab: &ShiftTab) {
    let lang = app.lang;
    let Some(actor) = app.actor.clone() else {
        return;
    };
    let amount = match Amount::parse(&tab.move_amount, AllowSen::No) {
        Ok(a) => a,
        Err(e) => return report(app, Err(e.into())),
    };
    let approver = if actor.role.may(Permission::Supervise) {
        None
    } else {
        let Some(u) = app.users.get(tab.approval.user) else {
            return;
        };
        let username = u.username.clone();
        match app.shop.supervisor(&username, &tab.approval.pin) {
            Ok(sup) => Some(sup),
            Err(e) => {
                if let Some(s) = screen(app) {
                    s.shift.approval.pin.clear();
                    s.shift.approval.error = Some(e.message(lang));
                }
                return;
            }
        }
    };
    let kind = if tab.move_out {
        CashMoveKind::Out
    } else {
        CashMoveKind::In
    };
    let result = app.shop.cash_move(
        &actor,
        approver.as_ref(),
        &app.till,
        kind,
        amount,
        &tab.move_reason,
    );
    if let Some(s) = screen(app) {
        s.shift.approval.pin.clear();
        s.shift.approval.error = None;
    }
    match result {
        Ok(()) => {
            if let Some(s) = screen(app) {
                s.shift.move_amount.clear();
                s.shift.move_reason.clear();
            }
            let key = if tab.move_out {
                "books.cash_out_done"
            } else {
                "books.cash_in_done"
            };
            report(
                app,
                Ok(format!("{} {}", t(lang, key), format_rupiah(amount))),
            );
        }
        Err(e) => report(app, Err(e)),
    }
}

pub(super) fn shift_ui(c: &Ctx, ui: &mut egui::Ui, tab: &mut ShiftTab, actions: &mut Vec<Action>) {
    let lang = c.lang;
    if let Some(z) = &tab.z_report {
        ui.strong(t(lang, "books.z_report"));
        ui.label(RichText::new(z).monospace());
        ui.separator();
    }
    if !c.has_shift {
        ui.colored_label(ERROR, t(lang, "books.no_shift"));
        if c.actor.is_some_and(|a| a.role.may(Permission::Sell))
            && ui.button(t(lang, "books.open_new_shift")).clicked()
        {
            // Selling without an open shift asks for the float first.
            actions.push(Action::GoSelling);
        }
        return;
    }
    if !tab.closing {
        ui.horizontal(|ui| {
            // The X report shows the expected cash: not for the one who counts blind.
            if c.x_report && ui.button(t(lang, "books.x_report")).clicked() {
                act(actions, BooksAction::XReport);
            }
            if ui.button(t(lang, "books.start_close")).clicked() {
                act(actions, BooksAction::StartClose);
            }
        });
        if let Some(x) = &tab.x_report {
            ui.label(RichText::new(x).monospace());
        }
    } else {
        ui.strong(t(lang, "books.blind_count"));
        ui.label(t(lang, "books.blind_hint"));
        let mut submit = false;
        egui::Grid::new("books_count")
            .num_columns(4)
            .spacing([12.0, 6.0])
            .show(ui, |ui| {
                for (n, (i, d)) in DENOMINATIONS.iter().enumerate().rev().enumerate() {
                    let l = ui.label(format_rupiah(Decimal::from(*d)));
                    let r = ui
                        .add(egui::TextEdit::singleline(&mut tab.counts[i]).desired_width(70.0))
                        .labelled_by(l.id);
                    submit |= submitted(ui, &r);
                    if n % 2 == 1 {
                        ui.end_row();
                    }
                }
            });
        if tab.refusals >= 2 {
            ui.horizontal(|ui| {
                field(ui, t(lang, "books.count_reason"), &mut tab.reason, 400.0);
            });
        }
        ui.horizontal(|ui| {
            submit |= ui.button(t(lang, "books.submit_count")).clicked();
            if tab.refusals == 0 && ui.button(t(lang, "books.cancel")).clicked() {
                act(actions, BooksAction::CancelClose);
            }
        });
        if submit {
            act(actions, BooksAction::SubmitCount);
        }
    }
    ui.separator();
    egui::CollapsingHeader::new(t(lang, "books.cash_move"))
        .id_salt("books_cash_move")
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                if ui
                    .selectable_label(!tab.move_out, t(lang, "books.cash_in"))
                    .clicked()
                {
                    tab.move_out = false;
                }
                if ui
                    .selectable_label(tab.move_out, t(lang, "books.cash_out"))
                    .clicked()
                {
                    tab.move_out = true;
                }
            });
            ui.horizontal(|ui| {
                field(ui, t(lang, "books.amount"), &mut tab.move_amount, 140.0);
                field(
                    ui,
                    t(lang, "books.cash_reason"),
                    &mut tab.move_reason,
                    300.0,
                );
            });
            if c.actor.is_some_and(|a| a.role.may(Permission::Supervise)) {
                if ui.button(t(lang, "books.save_cash_move")).clicked() {
                    act(actions, BooksAction::CashMove);
                }
            } else if supervisor_ui(lang, ui, c.users, &mut tab.approval, false) {
                act(actions, BooksAction::CashMove);
            }
        });
    egui::CollapsingHeader::new(t(lang, "books.repay"))
        .id_salt("books_repay")
        .show(ui, |ui| {
            ui.horizontal(|ui| {
                field(ui, t(lang, "books.member_no"), &mut tab.repay_member, 140.0);
                field(
                    ui,
                    t(lang, "books.repay_amount"),
                    &mut tab.repay_amount,
                    140.0,
                );
                if ui.button(t(lang, "books.repay_save")).clicked() {
                    act(actions, BooksAction::RepayKasbon);
                }
            });
        });
}
