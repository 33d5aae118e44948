//! The stock screen for the `gudang` and `apoteker` roles, as tabs: stock on hand with the
//! stock card, receiving, opname (blind count, supervisor approval), write-offs, expiry,
//! stock reports (value per unit, reorder list, slow movers), and the apotek's SIPNAP report
//! and registers. Every tab loads its data in [`apply`] when it
//! opens or on Refresh; the draw functions only draw and push actions.
//! Each tab draws in a file of its own (`on_hand`, `receive`, `opname`, `writeoff`,
//! `reports`, `apotek`); this file holds the screen's state, actions and their handlers.

mod apotek;
mod on_hand;
mod opname;
mod receive;
mod reports;
mod writeoff;

use super::widgets::{
    code_field, field, header_row, submitted, supervisor_ui, table, ERROR, GOOD, LOW,
};
use super::{Action, Approval, Back, Screen, TillApp};
use crate::domain::cart::ItemRef;
use crate::domain::catalog::BusinessUnit;
use crate::domain::money::{format_qty, format_rupiah, AllowSen, Amount, Quantity, QTY_SCALE};
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::i18n::{t, Lang};
use crate::service::opname::{CountAck, OpnameReport};
use crate::service::screen::{
    ExpiryRow, MoveRow, PeriodMovement, PrescriptionRow, RegisterRow, SessionRow, StockRow,
    SupplierRow, UserRow,
};
use apotek::apotek_ui;
pub use apotek::ApotekTab;
use chrono::NaiveDate;
use eframe::egui::{self};
use on_hand::on_hand_ui;
pub use on_hand::OnHandTab;
use opname::opname_ui;
pub use opname::OpnameTab;
use receive::{add_line, receive_ui};
pub use receive::{DraftLine, LineForm, ReceivePay, ReceiveTab};
use reports::reports_ui;
pub use reports::ReportsTab;
use rust_decimal::Decimal;
use writeoff::{expiry_ui, write_off_ui};
pub use writeoff::{ExpiryTab, WriteOffTab};

use crate::service::stock::{CashSource, Payment, ReceiptLine, ReceiveOptions};
use crate::service::stock_reports::{ExpiryReport, ReorderRow, SlowMover, UnitStockValue};
use crate::service::write_off::WriteOffReason;
use crate::service::Shop;

/// The tabs of the stock screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StockTab {
    /// Stock on hand and the stock card.
    #[default]
    OnHand,
    Receive,
    Opname,
    WriteOff,
    Expiry,
    /// SIPNAP, prescriptions and the drug register (apoteker, admin).
    Apotek,
    /// Stock value per unit, the reorder list and slow movers.
    Reports,
}

/// The stock screen's state: the tab shown, the lines said to the user, the count under
/// way (every tab hides book figures of a unit being counted), and each tab's own state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StockScreen {
    pub tab: StockTab,
    pub error: Option<String>,
    pub info: Option<String>,
    pub session: Option<SessionRow>,
    /// Put the keyboard in the code field on the next frame (after a line or a count is
    /// booked, or a tab opened), so the next scan lands there.
    pub focus_code: bool,
    pub on_hand: OnHandTab,
    pub receive: ReceiveTab,
    pub count: OpnameTab,
    pub write_off: WriteOffTab,
    pub near_expiry: ExpiryTab,
    pub apotek: ApotekTab,
    pub reports: ReportsTab,
}

/// What the stock screen asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum StockAction {
    /// Open a tab (and load its data).
    Tab(StockTab),
    /// Load the current tab's data again.
    Refresh,
    /// Show the stock card of a product (SKU), or of one of its batches.
    Card(String, Option<String>),
    /// The receiving code field changed: load the product's units.
    CodeChanged,
    /// Book the supplier typed in `new_supplier` and pick it.
    AddSupplier,
    AddLine,
    RemoveLine(usize),
    Receive,
    OpnameStart(Option<BusinessUnit>),
    OpnameCount,
    OpnameFinish,
    WriteOff,
    WriteOffExpired,
    ExpiryDays(i64),
    SlowDays(i64),
    SipnapExport,
}

impl StockScreen {
    pub fn new(app: &TillApp) -> Self {
        let month = app.shop.now().format("%Y-%m").to_string();
        let mut s = StockScreen {
            apotek: ApotekTab {
                csv_path: format!("sipnap-{month}.csv"),
                month,
                ..Default::default()
            },
            count: OpnameTab {
                approval: Approval {
                    user: app.first_supervisor(),
                    ..Default::default()
                },
                ..Default::default()
            },
            ..Default::default()
        };
        if let Err(e) = load(&app.shop, app.actor.as_ref(), &mut s, false) {
            s.error = Some(e.message(app.lang));
        }
        s
    }
}

/// A refusal typed at the screen (both languages from the translation table).
fn bad(key: &'static str, what: &str) -> KasirError {
    let sep = if what.is_empty() { "" } else { ": " };
    KasirError::invalid(
        format!("{}{sep}{what}", t(Lang::Id, key)),
        format!("{}{sep}{what}", t(Lang::En, key)),
    )
}

fn no_actor() -> KasirError {
    bad("back.not_allowed", "")
}

/// Load the data of the current tab.
fn load(shop: &Shop, actor: Option<&Actor>, s: &mut StockScreen, may_rx: bool) -> Result<()> {
    s.session = shop.opname_current()?;
    match s.tab {
        StockTab::OnHand => {
            s.on_hand.rows = shop.stock(None)?;
            s.on_hand.low = shop.low_stock()?.into_iter().map(|r| r.sku).collect();
            if let Some(sku) = s.on_hand.card_sku.clone() {
                s.on_hand.card = shop.stock_card(&sku, s.on_hand.card_batch.as_deref())?;
            }
        }
        StockTab::Receive => s.receive.suppliers = shop.suppliers()?,
        StockTab::Opname => {
            let actor = actor.ok_or_else(no_actor)?;
            s.count.counted = shop.opname_counted(actor)?;
        }
        StockTab::WriteOff => s.write_off.expired = shop.expiry_report(None)?.expired,
        StockTab::Expiry => {
            let report = shop.expiry_report(s.near_expiry.days)?;
            s.near_expiry.days = Some(report.days);
            s.near_expiry.expiry = Some(report);
        }
        StockTab::Reports => {
            s.reports.values = shop.stock_value_by_unit()?;
            s.reports.reorder = shop.low_stock()?;
            let days = match s.reports.slow_days {
                Some(d) => d,
                None => shop.slow_days()?,
            };
            s.reports.slow_days = Some(days);
            s.reports.slow = shop.slow_movers(Some(days))?;
        }
        StockTab::Apotek => {
            let actor = actor.ok_or_else(no_actor)?;
            s.apotek.sipnap.clear();
            s.apotek.prescriptions.clear();
            s.apotek.register.clear();
            if !may_rx {
                return Err(bad("back.not_allowed", ""));
            }
            let month = s.apotek.month.trim().to_string();
            s.apotek.sipnap = shop.sipnap(actor, &month)?;
            s.apotek.prescriptions = shop.prescriptions_in(actor, &month)?;
            s.apotek.register = shop.drug_register(actor, &month)?;
        }
    }
    Ok(())
}

/// Apply a stock-screen action (the one place its state changes).
pub fn apply(app: &mut TillApp, action: StockAction) {
    let lang = app.lang;
    let may_rx = app.may(Permission::ApprovePrescription);
    let Some(actor) = app.actor.clone() else {
        return;
    };
    let users = &app.users;
    let till = app.till.as_str();
    let shop = &mut app.shop;
    let Screen::Back(Back::Stock(s)) = &mut app.screen else {
        return;
    };
    if action != StockAction::CodeChanged {
        s.error = None;
        s.info = None;
    }
    let receiving = action == StockAction::Receive;
    if let Err(e) = act(shop, (&actor, till), users, lang, may_rx, s, action) {
        s.error = Some(e.message(lang));
    }
    // A booked delivery's slip was queued for the printer: send it now.
    if receiving {
        if let Some(p) = &app.printer {
            p.wake();
        }
    }
}

fn act(
    shop: &mut Shop,
    (actor, till): (&Actor, &str),
    users: &[UserRow],
    lang: Lang,
    may_rx: bool,
    s: &mut StockScreen,
    action: StockAction,
) -> Result<()> {
    match action {
        StockAction::Tab(tab) => {
            if tab == StockTab::Apotek && !may_rx {
                return Err(bad("back.not_allowed", ""));
            }
            s.tab = tab;
            s.focus_code = true;
            load(shop, Some(actor), s, may_rx)
        }
        StockAction::Refresh => load(shop, Some(actor), s, may_rx),
        StockAction::Card(sku, batch) => {
            s.on_hand.card = shop.stock_card(&sku, batch.as_deref())?;
            s.on_hand.card_sku = Some(sku);
            s.on_hand.card_batch = batch;
            Ok(())
        }
        StockAction::AddSupplier => {
            let Some((code, name, phone)) = s.receive.new_supplier.clone() else {
                return Ok(());
            };
            let phone = opt(&phone);
            shop.add_supplier(actor, &code, &name, phone.as_deref(), None)?;
            s.receive.suppliers = shop.suppliers()?;
            s.receive.supplier = s
                .receive
                .suppliers
                .iter()
                .position(|x| x.code == code.trim());
            s.receive.new_supplier = None;
            s.info = Some(format!(
                "{}: {}",
                t(lang, "stock.supplier_saved"),
                name.trim()
            ));
            Ok(())
        }
        StockAction::CodeChanged => {
            let code = s.receive.form.code.trim();
            s.receive.form.units.clear();
            s.receive.form.unit = 0;
            if code.len() >= 3 {
                if let Ok(item) = shop.find_item(code) {
                    let units = shop.units_of(item.product_id)?;
                    s.receive.form.unit =
                        units.iter().position(|u| u.unit == item.unit).unwrap_or(0);
                    s.receive.form.units = units;
                }
            }
            Ok(())
        }
        StockAction::AddLine => add_line(shop, s),
        StockAction::RemoveLine(i) => {
            if i < s.receive.lines.len() {
                s.receive.lines.remove(i);
            }
            Ok(())
        }
        StockAction::Receive => {
            let pay = s.receive.pay.ok_or_else(|| {
                crate::error::KasirError::invalid(
                    "Pilih cara bayar: tunai dari laci, tunai dari brankas, atau utang",
                    "Choose how it is paid: cash from the drawer, cash from the safe, or owed",
                )
            })?;
            let opts = ReceiveOptions {
                supplier: s
                    .receive
                    .supplier
                    .and_then(|i| s.receive.suppliers.get(i))
                    .map(|x| x.code.clone()),
                payment: if pay == ReceivePay::Credit {
                    Payment::Credit
                } else {
                    Payment::Cash
                },
                cash_from: match pay {
                    ReceivePay::Credit => None,
                    ReceivePay::Safe => Some(CashSource::Safe),
                    ReceivePay::Drawer => Some(CashSource::Drawer {
                        till: till.to_string(),
                    }),
                },
                note: None,
                expired_reason: None,
            };
            let lines: Vec<ReceiptLine> = s
                .receive
                .lines
                .iter()
                .enumerate()
                .map(|(i, d)| ReceiptLine {
                    line: i + 1,
                    ..d.line.clone()
                })
                .collect();
            let g = shop.receive(actor, &lines, &opts)?;
            s.receive.lines.clear();
            // The slip is printed as well as shown; a printer fault leaves it queued.
            if let Err(e) = shop.print_slip(actor, till, &g) {
                tracing::warn!(error = %e, "receiving slip not queued");
            }
            s.info = Some(format!(
                "{} {} · {}",
                t(lang, "stock.received"),
                g.doc_no,
                format_rupiah(g.total)
            ));
            s.receive.slip = Some(shop.receiving_slip_text(&g, lang)?);
            s.receive.suppliers = shop.suppliers()?;
            Ok(())
        }
        StockAction::OpnameStart(scope) => {
            let session = shop.opname_start(actor, scope)?;
            s.session = Some(session);
            s.count.counted.clear();
            s.count.report = None;
            Ok(())
        }
        StockAction::OpnameCount => {
            let qty = Quantity::parse(&s.count.count_qty, QTY_SCALE)?;
            let batch = opt(&s.count.count_batch);
            let ack = shop.opname_count(actor, s.count.count_code.trim(), qty, batch.as_deref())?;
            s.count.counted = shop.opname_counted(actor)?;
            s.info = Some(format!(
                "{} {} {} {}",
                t(lang, "stock.counted"),
                ack.name,
                format_qty(ack.counted),
                ack.base_unit
            ));
            s.count.count_code.clear();
            s.count.count_qty.clear();
            s.count.count_batch.clear();
            s.focus_code = true;
            Ok(())
        }
        StockAction::OpnameFinish => {
            let Some(u) = users.get(s.count.approval.user) else {
                return Ok(());
            };
            let pin = std::mem::take(&mut s.count.approval.pin);
            match shop.opname_finish(actor, Some((&u.username, &pin))) {
                Ok(report) => {
                    s.info = Some(format!(
                        "{} #{} ({})",
                        t(lang, "stock.opname_done"),
                        report.session.id,
                        u.name
                    ));
                    s.count.report = Some(report);
                    s.session = None;
                    s.count.counted.clear();
                    s.count.approval.error = None;
                }
                Err(e) => s.count.approval.error = Some(e.message(lang)),
            }
            Ok(())
        }
        StockAction::WriteOff => {
            let reason = s
                .write_off
                .wo_reason
                .ok_or_else(|| bad("stock.need_reason", ""))?;
            let qty = Quantity::parse(&s.write_off.wo_qty, QTY_SCALE)?;
            if qty.is_zero() {
                return Err(bad("stock.bad_qty", s.write_off.wo_qty.trim()));
            }
            let batch = opt(&s.write_off.wo_batch);
            let rec = shop.write_off(
                actor,
                s.write_off.wo_code.trim(),
                qty,
                reason,
                batch.as_deref(),
            )?;
            s.info = Some(format!(
                "{} {} {} {} ({}) · {}",
                t(lang, "stock.written_off"),
                rec.name,
                format_qty(rec.qty),
                rec.base_unit,
                rec.reason.as_str(),
                format_rupiah(rec.value)
            ));
            s.write_off.wo_code.clear();
            s.write_off.wo_qty.clear();
            s.write_off.wo_batch.clear();
            s.focus_code = true;
            s.write_off.expired = shop.expiry_report(None)?.expired;
            Ok(())
        }
        StockAction::WriteOffExpired => {
            let recs = shop.write_off_expired(actor, None)?;
            let value: Decimal = recs.iter().map(|r| r.value).sum();
            s.info = Some(format!(
                "{} {} {} · {}",
                t(lang, "stock.written_off"),
                recs.len(),
                t(lang, "stock.batch_count"),
                format_rupiah(value)
            ));
            s.write_off.expired = shop.expiry_report(None)?.expired;
            Ok(())
        }
        StockAction::ExpiryDays(d) => {
            s.near_expiry.days = Some(d);
            s.tab = StockTab::Expiry;
            load(shop, Some(actor), s, may_rx)
        }
        StockAction::SlowDays(d) => {
            s.reports.slow_days = Some(d);
            s.tab = StockTab::Reports;
            load(shop, Some(actor), s, may_rx)
        }
        StockAction::SipnapExport => {
            let path = s.apotek.csv_path.trim().to_string();
            let n = shop.export_sipnap_csv(actor, &s.apotek.month, std::path::Path::new(&path))?;
            s.info = Some(format!(
                "{} {path} ({n} {})",
                t(lang, "stock.exported"),
                t(lang, "stock.products")
            ));
            Ok(())
        }
    }
}

impl StockScreen {
    /// Whether the book figures of a business unit are hidden: a count of it is under way,
    /// and the counter must not see what the books expect.
    pub fn blind(&self, business_unit: &str) -> bool {
        self.session
            .as_ref()
            .is_some_and(|s| s.scope_unit.as_deref().is_none_or(|u| u == business_unit))
    }
}

fn opt(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

/// Draw the stock screen inside the back office's central panel.
pub fn stock_ui(app: &mut TillApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let lang = app.lang;
    let may_rx = app.may(Permission::ApprovePrescription);
    let users = &app.users;
    let Screen::Back(Back::Stock(s)) = &mut app.screen else {
        return;
    };
    ui.heading(t(lang, "menu.stock"));
    ui.horizontal_wrapped(|ui| {
        for (tab, key, show) in [
            (StockTab::OnHand, "stock.tab_on_hand", true),
            (StockTab::Receive, "stock.tab_receive", true),
            (StockTab::Opname, "stock.tab_opname", true),
            (StockTab::WriteOff, "stock.tab_write_off", true),
            (StockTab::Expiry, "stock.tab_expiry", true),
            (StockTab::Reports, "stock.tab_reports", true),
            (StockTab::Apotek, "stock.tab_apotek", may_rx),
        ] {
            if show
                && ui
                    .add_sized(
                        [130.0, 34.0],
                        egui::Button::selectable(s.tab == tab, t(lang, key)),
                    )
                    .clicked()
            {
                actions.push(Action::Stock(StockAction::Tab(tab)));
            }
        }
        ui.separator();
        if ui
            .add_sized([110.0, 34.0], egui::Button::new(t(lang, "stock.refresh")))
            .clicked()
        {
            actions.push(Action::Stock(StockAction::Refresh));
        }
    });
    if let Some(e) = &s.error {
        ui.colored_label(ERROR, e.as_str());
    }
    if let Some(i) = &s.info {
        ui.colored_label(GOOD, i.as_str());
    }
    ui.separator();
    let mut push = |a: StockAction| actions.push(Action::Stock(a));
    egui::ScrollArea::vertical()
        .id_salt("stock_tab")
        .show(ui, |ui| match s.tab {
            StockTab::OnHand => on_hand_ui(lang, s, ui, &mut push),
            StockTab::Receive => receive_ui(lang, s, ui, &mut push),
            StockTab::Opname => opname_ui(lang, s, users, ui, &mut push),
            StockTab::WriteOff => write_off_ui(lang, s, ui, &mut push),
            StockTab::Expiry => expiry_ui(lang, s, ui, &mut push),
            StockTab::Apotek => apotek_ui(lang, s, ui, &mut push),
            StockTab::Reports => reports_ui(lang, s, ui, &mut push),
        });
}

fn kind_label(lang: Lang, kind: &str) -> String {
    let key = match kind {
        "sale" => "stock.kind_sale",
        "return" => "stock.kind_return",
        "receipt" => "stock.kind_receipt",
        "opname" => "stock.kind_opname",
        "writeoff" => "stock.kind_write_off",
        "transfer" => "stock.kind_transfer",
        other => return other.to_string(),
    };
    t(lang, key).to_string()
}
