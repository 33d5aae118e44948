//! The stock screen for the `gudang` and `apoteker` roles, as tabs: stock on hand with the
//! stock card, receiving, opname (blind count, supervisor approval), write-offs, expiry,
//! stock reports (value per unit, reorder list, slow movers), and the apotek's SIPNAP report
//! and registers. Every tab loads its data in [`apply`] when it
//! opens or on Refresh; the draw functions only draw and push actions.

use chrono::NaiveDate;
use eframe::egui::{self, Color32, RichText};
use rust_decimal::Decimal;

use super::login::{submitted, ERROR, GOOD};
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
use crate::service::stock::{CashSource, Payment, ReceiptLine, ReceiveOptions, WriteOffReason};
use crate::service::stock_reports::{ExpiryReport, ReorderRow, SlowMover, UnitStockValue};
use crate::service::Shop;

/// Low-stock rows are drawn in this colour.
const LOW: Color32 = Color32::from_rgb(190, 100, 0);

/// The stock list shows at most this many products; a search narrows it.
const STOCK_ROWS_SHOWN: usize = 200;

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

/// A receiving line being typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LineForm {
    pub code: String,
    /// The selling units of the product the code names (loaded when the code changes).
    pub units: Vec<ItemRef>,
    pub unit: usize,
    pub qty: String,
    pub cost: String,
    pub batch: String,
    pub expiry: String,
}

/// A receiving line accepted into the list.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftLine {
    pub line: ReceiptLine,
    pub name: String,
    pub unit: String,
}

/// How a delivery booked on the stock screen is paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReceivePay {
    /// Cash from this till's drawer (its open shift).
    Drawer,
    /// Cash from the office safe (Kas Besar).
    Safe,
    /// Owed to the supplier.
    Credit,
}

/// The stock screen's state.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StockScreen {
    pub tab: StockTab,
    pub error: Option<String>,
    pub info: Option<String>,
    // Stock on hand.
    pub query: String,
    pub rows: Vec<StockRow>,
    /// SKUs at or below their minimum (from the low-stock report).
    pub low: std::collections::HashSet<String>,
    pub card_sku: Option<String>,
    pub card_batch: Option<String>,
    pub card: Vec<MoveRow>,
    // Receiving.
    pub suppliers: Vec<SupplierRow>,
    pub supplier: Option<usize>,
    /// A new supplier being typed on the receiving tab (code, name, phone).
    pub new_supplier: Option<(String, String, String)>,
    /// How the delivery is paid: chosen each time (none until the user picks one).
    pub pay: Option<ReceivePay>,
    pub form: LineForm,
    pub lines: Vec<DraftLine>,
    pub slip: Option<String>,
    // Opname.
    pub session: Option<SessionRow>,
    pub count_code: String,
    pub count_qty: String,
    pub count_batch: String,
    /// Counted figures only: a blind count never shows what the books expect.
    pub counted: Vec<CountAck>,
    pub approval: Approval,
    pub report: Option<OpnameReport>,
    // Write-off.
    pub wo_code: String,
    pub wo_qty: String,
    pub wo_batch: String,
    pub wo_reason: Option<WriteOffReason>,
    pub expired: Vec<ExpiryRow>,
    // Expiry.
    pub days: Option<i64>,
    pub expiry: Option<ExpiryReport>,
    // Apotek.
    pub month: String,
    pub sipnap: Vec<PeriodMovement>,
    pub prescriptions: Vec<PrescriptionRow>,
    pub register: Vec<RegisterRow>,
    pub csv_path: String,
    // Reports.
    pub values: Vec<UnitStockValue>,
    pub reorder: Vec<ReorderRow>,
    pub slow: Vec<SlowMover>,
    /// The slow-mover window (`stock.slow_days`, 90, unless picked on the tab).
    pub slow_days: Option<i64>,
    /// Put the keyboard in the code field on the next frame (after a line or a count is
    /// booked, or a tab opened), so the next scan lands there.
    pub focus_code: bool,
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
            csv_path: format!("sipnap-{month}.csv"),
            month,
            approval: Approval {
                user: app.first_supervisor(),
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
            s.rows = shop.stock(None)?;
            s.low = shop.low_stock()?.into_iter().map(|r| r.sku).collect();
            if let Some(sku) = s.card_sku.clone() {
                s.card = shop.stock_card(&sku, s.card_batch.as_deref())?;
            }
        }
        StockTab::Receive => s.suppliers = shop.suppliers()?,
        StockTab::Opname => {
            let actor = actor.ok_or_else(no_actor)?;
            s.counted = shop.opname_counted(actor)?;
        }
        StockTab::WriteOff => s.expired = shop.expiry_report(None)?.expired,
        StockTab::Expiry => {
            let report = shop.expiry_report(s.days)?;
            s.days = Some(report.days);
            s.expiry = Some(report);
        }
        StockTab::Reports => {
            s.values = shop.stock_value_by_unit()?;
            s.reorder = shop.low_stock()?;
            let days = match s.slow_days {
                Some(d) => d,
                None => shop.slow_days()?,
            };
            s.slow_days = Some(days);
            s.slow = shop.slow_movers(Some(days))?;
        }
        StockTab::Apotek => {
            let actor = actor.ok_or_else(no_actor)?;
            s.sipnap.clear();
            s.prescriptions.clear();
            s.register.clear();
            if !may_rx {
                return Err(bad("back.not_allowed", ""));
            }
            let month = s.month.trim().to_string();
            s.sipnap = shop.sipnap(actor, &month)?;
            s.prescriptions = shop.prescriptions_in(actor, &month)?;
            s.register = shop.drug_register(actor, &month)?;
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
            s.card = shop.stock_card(&sku, batch.as_deref())?;
            s.card_sku = Some(sku);
            s.card_batch = batch;
            Ok(())
        }
        StockAction::AddSupplier => {
            let Some((code, name, phone)) = s.new_supplier.clone() else {
                return Ok(());
            };
            let phone = opt(&phone);
            shop.add_supplier(actor, &code, &name, phone.as_deref(), None)?;
            s.suppliers = shop.suppliers()?;
            s.supplier = s.suppliers.iter().position(|x| x.code == code.trim());
            s.new_supplier = None;
            s.info = Some(format!(
                "{}: {}",
                t(lang, "stock.supplier_saved"),
                name.trim()
            ));
            Ok(())
        }
        StockAction::CodeChanged => {
            let code = s.form.code.trim();
            s.form.units.clear();
            s.form.unit = 0;
            if code.len() >= 3 {
                if let Ok(item) = shop.find_item(code) {
                    let units = shop.units_of(item.product_id)?;
                    s.form.unit = units.iter().position(|u| u.unit == item.unit).unwrap_or(0);
                    s.form.units = units;
                }
            }
            Ok(())
        }
        StockAction::AddLine => add_line(shop, s),
        StockAction::RemoveLine(i) => {
            if i < s.lines.len() {
                s.lines.remove(i);
            }
            Ok(())
        }
        StockAction::Receive => {
            let pay = s.pay.ok_or_else(|| {
                crate::error::KasirError::invalid(
                    "Pilih cara bayar: tunai dari laci, tunai dari brankas, atau utang",
                    "Choose how it is paid: cash from the drawer, cash from the safe, or owed",
                )
            })?;
            let opts = ReceiveOptions {
                supplier: s
                    .supplier
                    .and_then(|i| s.suppliers.get(i))
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
                .lines
                .iter()
                .enumerate()
                .map(|(i, d)| ReceiptLine {
                    line: i + 1,
                    ..d.line.clone()
                })
                .collect();
            let g = shop.receive(actor, &lines, &opts)?;
            s.lines.clear();
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
            s.slip = Some(shop.receiving_slip_text(&g, lang)?);
            s.suppliers = shop.suppliers()?;
            Ok(())
        }
        StockAction::OpnameStart(scope) => {
            let session = shop.opname_start(actor, scope)?;
            s.session = Some(session);
            s.counted.clear();
            s.report = None;
            Ok(())
        }
        StockAction::OpnameCount => {
            let qty = Quantity::parse(&s.count_qty, QTY_SCALE)?;
            let batch = opt(&s.count_batch);
            let ack = shop.opname_count(actor, s.count_code.trim(), qty, batch.as_deref())?;
            s.counted = shop.opname_counted(actor)?;
            s.info = Some(format!(
                "{} {} {} {}",
                t(lang, "stock.counted"),
                ack.name,
                format_qty(ack.counted),
                ack.base_unit
            ));
            s.count_code.clear();
            s.count_qty.clear();
            s.count_batch.clear();
            s.focus_code = true;
            Ok(())
        }
        StockAction::OpnameFinish => {
            let Some(u) = users.get(s.approval.user) else {
                return Ok(());
            };
            let pin = std::mem::take(&mut s.approval.pin);
            match shop.opname_finish(actor, Some((&u.username, &pin))) {
                Ok(report) => {
                    s.info = Some(format!(
                        "{} #{} ({})",
                        t(lang, "stock.opname_done"),
                        report.session.id,
                        u.name
                    ));
                    s.report = Some(report);
                    s.session = None;
                    s.counted.clear();
                    s.approval.error = None;
                }
                Err(e) => s.approval.error = Some(e.message(lang)),
            }
            Ok(())
        }
        StockAction::WriteOff => {
            let reason = s.wo_reason.ok_or_else(|| bad("stock.need_reason", ""))?;
            let qty = Quantity::parse(&s.wo_qty, QTY_SCALE)?;
            if qty.is_zero() {
                return Err(bad("stock.bad_qty", s.wo_qty.trim()));
            }
            let batch = opt(&s.wo_batch);
            let rec = shop.write_off(actor, s.wo_code.trim(), qty, reason, batch.as_deref())?;
            s.info = Some(format!(
                "{} {} {} {} ({}) · {}",
                t(lang, "stock.written_off"),
                rec.name,
                format_qty(rec.qty),
                rec.base_unit,
                rec.reason.as_str(),
                format_rupiah(rec.value)
            ));
            s.wo_code.clear();
            s.wo_qty.clear();
            s.wo_batch.clear();
            s.focus_code = true;
            s.expired = shop.expiry_report(None)?.expired;
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
            s.expired = shop.expiry_report(None)?.expired;
            Ok(())
        }
        StockAction::ExpiryDays(d) => {
            s.days = Some(d);
            s.tab = StockTab::Expiry;
            load(shop, Some(actor), s, may_rx)
        }
        StockAction::SlowDays(d) => {
            s.slow_days = Some(d);
            s.tab = StockTab::Reports;
            load(shop, Some(actor), s, may_rx)
        }
        StockAction::SipnapExport => {
            let path = s.csv_path.trim().to_string();
            let n = shop.export_sipnap_csv(actor, &s.month, std::path::Path::new(&path))?;
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

/// Check a typed receiving line and put it in the list; a bad line changes nothing.
fn add_line(shop: &Shop, s: &mut StockScreen) -> Result<()> {
    let f = &s.form;
    let code = f.code.trim();
    if code.is_empty() {
        return Err(bad("stock.need_code", ""));
    }
    let item = shop.find_item(code)?;
    let unit = f
        .units
        .get(f.unit)
        .filter(|u| u.product_id == item.product_id)
        .cloned()
        .unwrap_or_else(|| item.clone());
    let qty = Quantity::parse(&f.qty, QTY_SCALE)?;
    if qty.is_zero() {
        return Err(bad("stock.bad_qty", f.qty.trim()));
    }
    let cost = Amount::parse(&f.cost, AllowSen::Yes)?;
    let batch = opt(&f.batch);
    let expiry = match opt(&f.expiry) {
        None => None,
        Some(d) => {
            Some(NaiveDate::parse_from_str(&d, "%Y-%m-%d").map_err(|_| bad("stock.bad_date", &d))?)
        }
    };
    if item.batch_tracked && (batch.is_none() || expiry.is_none()) {
        return Err(bad("stock.needs_batch", &item.name));
    }
    let line = ReceiptLine {
        code: code.to_string(),
        qty,
        unit: Some(unit.unit.clone()),
        cost,
        batch,
        expiry,
        line: s.lines.len() + 1,
    };
    s.lines.push(DraftLine {
        line,
        name: item.name.clone(),
        unit: unit.unit.clone(),
    });
    s.form = LineForm::default();
    s.focus_code = true;
    Ok(())
}

/// A labelled one-line text field.
fn field(ui: &mut egui::Ui, label: &str, text: &mut String, width: f32) -> egui::Response {
    let l = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).desired_width(width))
        .labelled_by(l.id)
}

/// The code field: takes the keyboard when asked; true when Enter was pressed in it (the
/// next field then takes the keyboard).
fn code_field(
    ui: &mut egui::Ui,
    label: &str,
    text: &mut String,
    focus: &mut bool,
) -> (egui::Response, bool) {
    let resp = field(ui, label, text, 240.0);
    if std::mem::take(focus) {
        resp.request_focus();
    }
    let enter = submitted(ui, &resp);
    (resp, enter)
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

fn on_hand_ui(
    lang: Lang,
    s: &mut StockScreen,
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    if s.session.is_some() {
        ui.colored_label(LOW, t(lang, "stock.hidden_during_count"));
    }
    ui.horizontal(|ui| {
        field(ui, t(lang, "search.hint"), &mut s.query, 300.0);
        if !s.low.is_empty() {
            ui.colored_label(
                LOW,
                format!("{} {}", s.low.len(), t(lang, "stock.low_count")),
            );
        }
    });
    let needle = s.query.to_lowercase();
    let matching: Vec<&StockRow> = s
        .rows
        .iter()
        .filter(|r| {
            needle.is_empty()
                || r.name.to_lowercase().contains(&needle)
                || r.sku.to_lowercase().contains(&needle)
        })
        .collect();
    if matching.len() > STOCK_ROWS_SHOWN {
        ui.label(format!(
            "{STOCK_ROWS_SHOWN} / {} {}",
            matching.len(),
            t(lang, "stock.rows_shown")
        ));
    }
    egui::ScrollArea::vertical()
        .id_salt("stock_rows")
        .max_height(320.0)
        .show(ui, |ui| {
            super::table(
                ui,
                lang,
                "stock",
                &[
                    "back.sku",
                    "till.item",
                    "stock.on_hand",
                    "stock.min",
                    "stock.value",
                    "stock.batches",
                ],
                |ui| {
                    // The first rows that match: laying out every product of a large
                    // catalog took seconds a frame (100k products: 5 s).
                    for r in matching.iter().take(STOCK_ROWS_SHOWN) {
                        let blind = s.blind(&r.business_unit);
                        let low = s.low.contains(&r.sku) && !blind;
                        let text = |t: String| {
                            if low {
                                RichText::new(t).color(LOW).strong()
                            } else {
                                RichText::new(t)
                            }
                        };
                        ui.label(text(r.sku.clone()));
                        let selected = s.card_sku.as_deref() == Some(r.sku.as_str());
                        if ui
                            .add(egui::Button::selectable(selected, text(r.name.clone())))
                            .clicked()
                        {
                            push(StockAction::Card(r.sku.clone(), None));
                        }
                        if blind {
                            ui.label("—");
                        } else {
                            ui.label(text(format!("{} {}", format_qty(r.on_hand), r.base_unit)));
                        }
                        ui.label(text(format_qty(r.min_stock)));
                        ui.label(if blind {
                            "—".to_string()
                        } else {
                            format_rupiah(r.value)
                        });
                        ui.label(
                            r.batches
                                .iter()
                                .map(|b| {
                                    let expiry = b.expiry.as_deref().unwrap_or("-");
                                    if blind {
                                        format!("{} ({expiry})", b.batch_no)
                                    } else {
                                        format!(
                                            "{} ({expiry}) {}",
                                            b.batch_no,
                                            format_qty(b.on_hand)
                                        )
                                    }
                                })
                                .collect::<Vec<_>>()
                                .join(", "),
                        );
                        ui.end_row();
                    }
                },
            );
        });
    let Some(sku) = s.card_sku.clone() else {
        ui.label(t(lang, "stock.pick_product"));
        return;
    };
    ui.separator();
    let product = s.rows.iter().find(|r| r.sku == sku);
    ui.strong(format!(
        "{}: {} {}",
        t(lang, "stock.card"),
        sku,
        product.map(|p| p.name.as_str()).unwrap_or("")
    ));
    if let Some(p) = product.filter(|p| !p.batches.is_empty()) {
        ui.horizontal_wrapped(|ui| {
            if ui
                .selectable_label(s.card_batch.is_none(), t(lang, "stock.all_batches"))
                .clicked()
            {
                push(StockAction::Card(sku.clone(), None));
            }
            for b in &p.batches {
                if ui
                    .selectable_label(
                        s.card_batch.as_deref() == Some(b.batch_no.as_str()),
                        &b.batch_no,
                    )
                    .clicked()
                {
                    push(StockAction::Card(sku.clone(), Some(b.batch_no.clone())));
                }
            }
        });
    }
    if product.is_some_and(|p| s.blind(&p.business_unit)) {
        ui.label(t(lang, "stock.hidden_during_count"));
        return;
    }
    super::table(
        ui,
        lang,
        "stock_card",
        &[
            "stock.date",
            "stock.kind",
            "stock.reason",
            "stock.user",
            "stock.batch",
            "till.qty",
            "stock.balance",
            "stock.reference",
        ],
        |ui| {
            for m in &s.card {
                ui.label(m.at.get(..16).unwrap_or(&m.at));
                ui.label(kind_label(lang, &m.kind));
                ui.label(match m.note.as_deref() {
                    Some(note) => crate::domain::books_names::memo(note, lang),
                    None => "-".into(),
                });
                ui.label(m.user.as_deref().unwrap_or("-"));
                ui.label(m.batch.as_deref().unwrap_or("-"));
                ui.label(format_qty(m.qty));
                ui.label(format_qty(m.balance));
                ui.label(m.reference.as_deref().unwrap_or("-"));
                ui.end_row();
            }
        },
    );
}

fn receive_ui(
    lang: Lang,
    s: &mut StockScreen,
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    ui.horizontal_wrapped(|ui| {
        ui.label(t(lang, "stock.supplier"));
        if ui
            .selectable_label(s.supplier.is_none(), t(lang, "stock.no_supplier"))
            .clicked()
        {
            s.supplier = None;
        }
        for (i, sup) in s.suppliers.iter().enumerate() {
            if ui
                .selectable_label(s.supplier == Some(i), &sup.name)
                .clicked()
            {
                s.supplier = Some(i);
            }
        }
        if s.new_supplier.is_none() && ui.button(t(lang, "stock.new_supplier")).clicked() {
            s.new_supplier = Some(Default::default());
        }
    });
    if let Some((code, name, phone)) = &mut s.new_supplier {
        let mut book = false;
        let mut cancel = false;
        ui.horizontal_wrapped(|ui| {
            let a = field(ui, t(lang, "stock.supplier_code"), code, 90.0);
            let b = field(ui, t(lang, "stock.supplier_name"), name, 220.0);
            let c = field(ui, t(lang, "stock.supplier_phone"), phone, 130.0);
            book = [a, b, c].iter().any(|r| submitted(ui, r))
                || ui.button(t(lang, "stock.save_supplier")).clicked();
            cancel = ui.button(t(lang, "stock.cancel")).clicked();
        });
        if cancel {
            s.new_supplier = None;
        } else if book {
            push(StockAction::AddSupplier);
        }
    }
    ui.horizontal(|ui| {
        ui.label(t(lang, "stock.payment"));
        for (pay, key) in [
            (ReceivePay::Drawer, "stock.paid_drawer"),
            (ReceivePay::Safe, "stock.paid_safe"),
            (ReceivePay::Credit, "stock.owed"),
        ] {
            if ui
                .selectable_label(s.pay == Some(pay), t(lang, key))
                .clicked()
            {
                s.pay = Some(pay);
            }
        }
    });
    ui.separator();
    let mut add = false;
    let mut next = false;
    egui::Grid::new("receive_form")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let (resp, enter) = code_field(
                ui,
                t(lang, "stock.code"),
                &mut s.form.code,
                &mut s.focus_code,
            );
            if resp.changed() || enter {
                push(StockAction::CodeChanged);
            }
            next = enter;
            ui.end_row();
            ui.label(t(lang, "till.unit"));
            ui.horizontal_wrapped(|ui| {
                if s.form.units.is_empty() {
                    ui.label("-");
                }
                for (i, u) in s.form.units.iter().enumerate() {
                    let label = format!("{} (×{})", u.unit, format_qty(u.factor));
                    if ui.selectable_label(s.form.unit == i, label).clicked() {
                        s.form.unit = i;
                    }
                }
            });
            ui.end_row();
            for (key, text) in [
                ("stock.qty", &mut s.form.qty),
                ("stock.cost", &mut s.form.cost),
                ("stock.batch", &mut s.form.batch),
                ("stock.expiry_date", &mut s.form.expiry),
            ] {
                let resp = field(ui, t(lang, key), text, 160.0);
                if std::mem::take(&mut next) {
                    resp.request_focus();
                }
                add |= submitted(ui, &resp);
                ui.end_row();
            }
        });
    if ui
        .add_sized([160.0, 34.0], egui::Button::new(t(lang, "stock.add_line")))
        .clicked()
    {
        add = true;
    }
    if add {
        push(StockAction::AddLine);
    }
    ui.separator();
    let mut total = Decimal::ZERO;
    egui::Grid::new("receive_lines")
        .striped(true)
        .num_columns(8)
        .show(ui, |ui| {
            for h in [
                "till.item",
                "till.qty",
                "stock.cost",
                "stock.amount",
                "stock.batch",
                "stock.expiry_date",
                "",
            ] {
                if h.is_empty() {
                    ui.label("");
                } else {
                    ui.strong(t(lang, h));
                }
            }
            ui.end_row();
            for (i, d) in s.lines.iter().enumerate() {
                let amount = crate::domain::money::round_money(d.line.qty * d.line.cost);
                total += amount;
                ui.label(&d.name);
                ui.label(format!("{} {}", format_qty(d.line.qty), d.unit));
                ui.label(format_rupiah(d.line.cost));
                ui.label(format_rupiah(amount));
                ui.label(d.line.batch.as_deref().unwrap_or("-"));
                ui.label(
                    d.line
                        .expiry
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| "-".into()),
                );
                if ui.button(t(lang, "stock.remove_line")).clicked() {
                    push(StockAction::RemoveLine(i));
                }
                ui.end_row();
            }
        });
    ui.horizontal(|ui| {
        ui.strong(format!(
            "{} {}",
            t(lang, "stock.total"),
            format_rupiah(total)
        ));
        if !s.lines.is_empty()
            && ui
                .add_sized([200.0, 40.0], egui::Button::new(t(lang, "stock.submit")))
                .clicked()
        {
            push(StockAction::Receive);
        }
    });
    if let Some(slip) = &s.slip {
        ui.separator();
        ui.strong(t(lang, "stock.slip"));
        ui.label(RichText::new(slip.as_str()).monospace());
    }
}

fn opname_ui(
    lang: Lang,
    s: &mut StockScreen,
    users: &[UserRow],
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    match &s.session {
        None => {
            ui.label(t(lang, "stock.no_count"));
            ui.horizontal(|ui| {
                for (scope, key) in [
                    (None, "stock.start_all"),
                    (Some(BusinessUnit::Sembako), "stock.start_sembako"),
                    (Some(BusinessUnit::Apotek), "stock.start_apotek"),
                ] {
                    if ui
                        .add_sized([180.0, 36.0], egui::Button::new(t(lang, key)))
                        .clicked()
                    {
                        push(StockAction::OpnameStart(scope));
                    }
                }
            });
        }
        Some(session) => {
            ui.strong(format!(
                "{} #{} · {} · {} {}",
                t(lang, "stock.count_under_way"),
                session.id,
                session
                    .scope_unit
                    .as_deref()
                    .unwrap_or(t(lang, "stock.scope_all")),
                session.started_at.get(..16).unwrap_or(&session.started_at),
                session.started_by
            ));
            ui.label(t(lang, "stock.blind_hint"));
            let mut count = false;
            ui.horizontal(|ui| {
                let (_, enter) = code_field(
                    ui,
                    t(lang, "stock.code"),
                    &mut s.count_code,
                    &mut s.focus_code,
                );
                let qty = field(ui, t(lang, "stock.counted_qty"), &mut s.count_qty, 100.0);
                if enter {
                    qty.request_focus();
                }
                count |= submitted(ui, &qty);
                let batch = field(
                    ui,
                    t(lang, "stock.batch_optional"),
                    &mut s.count_batch,
                    120.0,
                );
                count |= submitted(ui, &batch);
                count |= ui.button(t(lang, "stock.record_count")).clicked();
            });
            if count {
                push(StockAction::OpnameCount);
            }
            super::table(
                ui,
                lang,
                "opname_counted",
                &["back.sku", "till.item", "stock.batch", "stock.counted_qty"],
                |ui| {
                    for c in &s.counted {
                        ui.label(&c.sku);
                        ui.label(&c.name);
                        ui.label(c.batch.as_deref().unwrap_or("-"));
                        ui.label(format!("{} {}", format_qty(c.counted), c.base_unit));
                        ui.end_row();
                    }
                },
            );
            ui.separator();
            ui.strong(t(lang, "stock.finish_count"));
            if super::dialogs::supervisor_ui(lang, ui, users, &mut s.approval, false) {
                push(StockAction::OpnameFinish);
            }
        }
    }
    if let Some(r) = &s.report {
        ui.separator();
        ui.strong(format!("{} #{}", t(lang, "stock.variance"), r.session.id));
        super::table(
            ui,
            lang,
            "opname_variance",
            &[
                "back.sku",
                "till.item",
                "stock.batch",
                "stock.counted_qty",
                "stock.variance_qty",
                "stock.variance_value",
            ],
            |ui| {
                for l in &r.lines {
                    ui.label(&l.sku);
                    ui.label(&l.name);
                    ui.label(l.batch.as_deref().unwrap_or("-"));
                    ui.label(format!("{} {}", format_qty(l.counted), l.base_unit));
                    let sign = if l.variance > Decimal::ZERO { "+" } else { "" };
                    ui.label(format!("{sign}{} {}", format_qty(l.variance), l.base_unit));
                    ui.label(format_rupiah(l.value));
                    ui.end_row();
                }
            },
        );
        ui.label(format!(
            "{} {} · {} {} · {} {} · {} {}",
            t(lang, "stock.short"),
            format_rupiah(r.value_short),
            t(lang, "stock.over"),
            format_rupiah(r.value_over),
            t(lang, "stock.net"),
            format_rupiah(r.net_value),
            t(lang, "stock.not_counted"),
            r.not_counted
        ));
    }
}

fn expiry_grid(
    lang: Lang,
    ui: &mut egui::Ui,
    id: &str,
    rows: &[ExpiryRow],
    blind: impl Fn(&str) -> bool,
) {
    if rows.is_empty() {
        ui.label(t(lang, "stock.none"));
        return;
    }
    super::table(
        ui,
        lang,
        id,
        &[
            "back.sku",
            "till.item",
            "stock.batch",
            "stock.expiry_date",
            "stock.on_hand",
        ],
        |ui| {
            for e in rows {
                ui.label(&e.sku);
                ui.label(&e.name);
                ui.label(&e.batch_no);
                ui.label(&e.expiry);
                if blind(&e.business_unit) {
                    ui.label("—");
                } else {
                    ui.label(format!("{} {}", format_qty(e.on_hand), e.base_unit));
                }
                ui.end_row();
            }
        },
    );
}

fn write_off_ui(
    lang: Lang,
    s: &mut StockScreen,
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    egui::Grid::new("write_off_form")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .show(ui, |ui| {
            let (_, enter) =
                code_field(ui, t(lang, "stock.code"), &mut s.wo_code, &mut s.focus_code);
            ui.end_row();
            let qty = field(ui, t(lang, "stock.qty"), &mut s.wo_qty, 100.0);
            if enter {
                qty.request_focus();
            }
            ui.end_row();
            ui.label(t(lang, "stock.reason"));
            ui.horizontal(|ui| {
                for (r, key) in [
                    (WriteOffReason::Rusak, "stock.reason_rusak"),
                    (WriteOffReason::Kedaluwarsa, "stock.reason_kedaluwarsa"),
                    (WriteOffReason::Hilang, "stock.reason_hilang"),
                ] {
                    if ui
                        .selectable_label(s.wo_reason == Some(r), t(lang, key))
                        .clicked()
                    {
                        s.wo_reason = Some(r);
                    }
                }
            });
            ui.end_row();
            field(ui, t(lang, "stock.batch_optional"), &mut s.wo_batch, 120.0);
            ui.end_row();
        });
    if ui
        .add_sized([160.0, 36.0], egui::Button::new(t(lang, "stock.write_off")))
        .clicked()
    {
        push(StockAction::WriteOff);
    }
    ui.separator();
    ui.strong(t(lang, "stock.expired"));
    expiry_grid(lang, ui, "write_off_expired", &s.expired, |u| s.blind(u));
    if !s.expired.is_empty()
        && ui
            .add_sized(
                [260.0, 36.0],
                egui::Button::new(t(lang, "stock.write_off_expired")),
            )
            .clicked()
    {
        push(StockAction::WriteOffExpired);
    }
}

fn expiry_ui(
    lang: Lang,
    s: &mut StockScreen,
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    ui.horizontal(|ui| {
        ui.label(t(lang, "stock.near_within"));
        for d in [30, 60, 90] {
            if ui
                .selectable_label(s.days == Some(d), format!("{d} {}", t(lang, "stock.days")))
                .clicked()
            {
                push(StockAction::ExpiryDays(d));
            }
        }
    });
    let Some(r) = &s.expiry else {
        return;
    };
    ui.strong(format!(
        "{} ({} {})",
        t(lang, "stock.near"),
        r.days,
        t(lang, "stock.days")
    ));
    expiry_grid(lang, ui, "expiry_near", &r.near, |u| s.blind(u));
    ui.separator();
    ui.strong(t(lang, "stock.expired"));
    expiry_grid(lang, ui, "expiry_expired", &r.expired, |u| s.blind(u));
}

/// A figure, or a dash while a count of its unit is under way (the count is blind).
fn figure(ui: &mut egui::Ui, blind: bool, text: String) {
    if blind {
        ui.label("—");
    } else {
        ui.label(text);
    }
}

fn reports_ui(
    lang: Lang,
    s: &mut StockScreen,
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    ui.strong(t(lang, "stock.value_by_unit"));
    super::table(
        ui,
        lang,
        "stock_values",
        &["stock.unit", "stock.products_head", "stock.value"],
        |ui| {
            for v in &s.values {
                ui.label(&v.business_unit);
                ui.label(v.products.to_string());
                figure(ui, s.blind(&v.business_unit), format_rupiah(v.value));
                ui.end_row();
            }
        },
    );
    ui.separator();
    ui.strong(format!(
        "{} ({})",
        t(lang, "stock.reorder"),
        s.reorder.len()
    ));
    if s.reorder.is_empty() {
        ui.label(t(lang, "stock.none"));
    } else {
        egui::Grid::new("stock_reorder")
            .striped(true)
            .num_columns(6)
            .show(ui, |ui| {
                let days = s.reorder.first().map(|r| r.days).unwrap_or_default();
                ui.strong(t(lang, "back.sku"));
                ui.strong(t(lang, "till.item"));
                ui.strong(t(lang, "stock.on_hand"));
                ui.strong(t(lang, "stock.min"));
                ui.strong(format!(
                    "{} {days} {}",
                    t(lang, "stock.sold"),
                    t(lang, "stock.days")
                ));
                ui.strong(t(lang, "stock.suggested"));
                ui.end_row();
                for r in &s.reorder {
                    let blind = s.blind(&r.business_unit);
                    let unit = &r.base_unit;
                    ui.label(&r.sku);
                    ui.colored_label(LOW, &r.name);
                    figure(ui, blind, format!("{} {unit}", format_qty(r.on_hand)));
                    ui.label(format!("{} {unit}", format_qty(r.min_stock)));
                    ui.label(format!("{} {unit}", format_qty(r.sold)));
                    figure(ui, blind, format!("{} {unit}", format_qty(r.suggested)));
                    ui.end_row();
                }
            });
    }
    ui.separator();
    ui.horizontal(|ui| {
        ui.strong(format!("{} ({})", t(lang, "stock.slow"), s.slow.len()));
        ui.label(t(lang, "stock.not_sold_in"));
        for d in [30, 60, 90, 180] {
            if ui
                .selectable_label(
                    s.slow_days == Some(d),
                    format!("{d} {}", t(lang, "stock.days")),
                )
                .clicked()
            {
                push(StockAction::SlowDays(d));
            }
        }
    });
    if s.slow.is_empty() {
        ui.label(t(lang, "stock.none"));
        return;
    }
    super::table(
        ui,
        lang,
        "stock_slow",
        &[
            "back.sku",
            "till.item",
            "stock.on_hand",
            "stock.value",
            "stock.last_sale",
        ],
        |ui| {
            for m in &s.slow {
                let blind = s.blind(&m.business_unit);
                ui.label(&m.sku);
                ui.label(&m.name);
                figure(
                    ui,
                    blind,
                    format!("{} {}", format_qty(m.on_hand), m.base_unit),
                );
                figure(ui, blind, format_rupiah(m.value));
                match &m.last_sale {
                    Some(at) => ui.label(at.get(..10).unwrap_or(at)),
                    None => ui.label(t(lang, "stock.never_sold")),
                };
                ui.end_row();
            }
        },
    );
}

fn apotek_ui(
    lang: Lang,
    s: &mut StockScreen,
    ui: &mut egui::Ui,
    push: &mut dyn FnMut(StockAction),
) {
    ui.horizontal(|ui| {
        let resp = field(ui, t(lang, "stock.month"), &mut s.month, 90.0);
        if submitted(ui, &resp) || ui.button(t(lang, "stock.show")).clicked() {
            push(StockAction::Refresh);
        }
    });
    ui.strong(t(lang, "stock.sipnap"));
    if s.sipnap.is_empty() {
        ui.label(t(lang, "stock.none"));
    } else {
        super::table(
            ui,
            lang,
            "sipnap",
            &[
                "back.sku",
                "stock.nie",
                "till.item",
                "stock.class",
                "stock.opening",
                "stock.in",
                "stock.out",
                "stock.closing",
                "till.unit",
            ],
            |ui| {
                for r in &s.sipnap {
                    ui.label(&r.sku);
                    ui.label(r.nie.as_deref().unwrap_or("-"));
                    ui.label(&r.name);
                    ui.label(&r.drug_class);
                    ui.label(format_qty(r.opening));
                    ui.label(format_qty(r.received + r.other_in));
                    ui.label(format_qty(r.sold + r.other_out));
                    ui.label(format_qty(r.closing));
                    ui.label(&r.base_unit);
                    ui.end_row();
                }
            },
        );
    }
    ui.horizontal(|ui| {
        field(ui, t(lang, "stock.csv_path"), &mut s.csv_path, 320.0);
        if ui.button(t(lang, "stock.export_csv")).clicked() {
            push(StockAction::SipnapExport);
        }
    });
    ui.separator();
    ui.strong(t(lang, "stock.prescriptions"));
    if s.prescriptions.is_empty() {
        ui.label(t(lang, "stock.none"));
    } else {
        super::table(
            ui,
            lang,
            "prescriptions",
            &[
                "stock.date",
                "stock.reference",
                "till.item",
                "till.qty",
                "stock.rx_no",
                "stock.doctor",
                "stock.patient",
                "stock.apoteker",
            ],
            |ui| {
                for p in &s.prescriptions {
                    ui.label(p.created_at.get(..16).unwrap_or(&p.created_at));
                    ui.label(&p.sale_number);
                    ui.label(&p.product);
                    ui.label(format!("{} {}", format_qty(p.qty), p.unit));
                    ui.label(&p.rx_no);
                    ui.label(format!("{} ({})", p.doctor, p.sip));
                    ui.label(&p.patient);
                    ui.label(&p.apoteker);
                    ui.end_row();
                }
            },
        );
    }
    ui.separator();
    ui.strong(t(lang, "stock.register"));
    if s.register.is_empty() {
        ui.label(t(lang, "stock.none"));
    } else {
        super::table(
            ui,
            lang,
            "drug_register",
            &[
                "stock.date",
                "till.item",
                "stock.kind",
                "stock.batch",
                "till.qty",
                "stock.balance",
                "stock.patient",
                "stock.doctor",
            ],
            |ui| {
                for r in &s.register {
                    ui.label(r.at.get(..16).unwrap_or(&r.at));
                    ui.label(format!("{} {}", r.sku, r.name));
                    ui.label(kind_label(lang, &r.kind));
                    ui.label(r.batch.as_deref().unwrap_or("-"));
                    ui.label(format_qty(r.qty));
                    ui.label(format_qty(r.balance));
                    ui.label(crate::service::pharmacy::register_patient(r, lang));
                    ui.label(r.doctor.as_deref().unwrap_or("-"));
                    ui.end_row();
                }
            },
        );
    }
}
