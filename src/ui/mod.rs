//! The till: egui screens. Screens draw and return actions; [`TillApp::apply`] is the one
//! place state changes, through the services. No SQL and no shop rules here.

mod backoffice;
pub mod books;
mod dialogs;
mod input;
mod login;
mod pay;
mod rx;
mod scale;
mod scanner_view;
mod selling;
pub mod stock;

use std::time::{Duration, Instant};

use eframe::egui;
use rust_decimal::Decimal;

use crate::domain::cart::{Cart, ItemRef, PayError, Tender, TenderKind};
use crate::domain::catalog::{BusinessUnit, PriceTier};
use crate::domain::money::{
    format_qty, format_rupiah, round_cash_down, AllowSen, Amount, Quantity, QTY_SCALE,
};
use crate::domain::user::{Actor, Permission, Role};
use crate::error::{number_message, KasirError, Result};
use crate::i18n::{t, Lang};
use crate::service::screen::{HeldRow, MemberRow, SaleRecord, ShiftRow, UserRow};
use crate::service::till::Override;
use crate::service::weighing;
use crate::service::{Shop, ShopSettings};

pub use input::ScanSource;
pub use rx::RxForm;
pub use scale::{ScaleSource, ScaleState};
pub use selling::quick_cash;

/// Ids of the fields tests and the focus rule look for.
pub const SCAN_ID: &str = "scan_field";
pub const PIN_ID: &str = "pin_field";
pub const CASH_ID: &str = "cash_field";
pub const SEARCH_ID: &str = "search_field";

/// When the program started (set first thing in `main`), for the "till ready" log line.
pub static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();

/// How the till was started.
#[derive(Debug, Clone, Default)]
pub struct TillOptions {
    pub demo: bool,
    pub lang: Option<Lang>,
    /// Which till (counter) this machine is; default from the `till.default` setting, else
    /// `sembako-1`.
    pub till: Option<String>,
}

/// Start the till window.
pub fn run(shop: Shop, opts: TillOptions) -> Result<()> {
    let mut app = TillApp::new(shop, &opts)?;
    app.start_printer()?;
    app.start_file_check();
    // Today's backup (settings backup.dir / backup.keep) is written beside the till, so a
    // large shop's copy does not hold up the first frame.
    app.start_daily_backup();
    let native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1024.0, 720.0])
            .with_min_inner_size([800.0, 560.0])
            .with_title(t(app.lang, "app.title")),
        ..Default::default()
    };
    eframe::run_native(
        "kasir",
        native,
        Box::new(move |cc| {
            cc.egui_ctx.set_zoom_factor(1.15);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| {
        KasirError::invalid(
            format!("Layar tidak bisa dibuka: {e}"),
            format!("Cannot open the window: {e}"),
        )
    })
}

/// A message in the status line. It fades after a few seconds of the till's own clock
/// (egui's input time): a notice after [`Notice::SHOWN_S`], a refusal, which may need
/// reading, after [`Notice::ERROR_SHOWN_S`].
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
    /// The frame time it was first drawn at (none until then).
    pub at: Option<f64>,
}

impl Notice {
    /// Seconds a notice stays on screen.
    pub const SHOWN_S: f64 = 4.0;
    /// Seconds a refusal stays on screen.
    pub const ERROR_SHOWN_S: f64 = 12.0;
    /// Seconds of the fade at the end.
    const FADE_S: f64 = 1.0;

    pub fn new(text: String, error: bool) -> Self {
        Notice {
            text,
            error,
            at: None,
        }
    }

    fn lifetime(&self) -> f64 {
        if self.error {
            Self::ERROR_SHOWN_S
        } else {
            Self::SHOWN_S
        }
    }

    /// How opaque it is drawn at `now` (1 until the fade, then down to 0).
    pub fn opacity(&self, now: f64) -> f32 {
        let age = now - self.at.unwrap_or(now);
        ((self.lifetime() - age) / Self::FADE_S).clamp(0.0, 1.0) as f32
    }

    /// Its colour at `now`: red for a refusal, green otherwise, fading at the end.
    pub fn color(&self, now: f64) -> egui::Color32 {
        let base = if self.error {
            login::ERROR
        } else {
            login::GOOD
        };
        base.gamma_multiply(self.opacity(now))
    }

    /// Whether it has faded out at `now`.
    pub fn gone(&self, now: f64) -> bool {
        self.at.is_some_and(|at| now - at >= self.lifetime())
    }
}

/// The payment dialog's state: one field per tender.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PayState {
    pub cash: String,
    pub qris: String,
    pub qris_ref: String,
    pub transfer: String,
    pub transfer_ref: String,
    pub kasbon: String,
    pub error: Option<String>,
    /// Kasbon above the limit was asked: a supervisor must approve.
    pub needs_approval: bool,
    pub approval: Approval,
    pub approver: Option<Actor>,
    /// The kasbon amount the approver approved; another amount needs approving again.
    pub approved_kasbon: String,
    /// The payment field the cashier was in, where the keyboard goes back after an approval.
    pub return_to: Option<&'static str>,
    /// Give the keyboard back to `return_to` on the next frame.
    pub refocus: bool,
}

/// A supervisor's name and PIN being typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Approval {
    pub user: usize,
    pub pin: String,
    pub error: Option<String>,
}

/// What a supervisor is asked to approve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverrideKind {
    Discount,
    Price,
    VoidLine,
    VoidSale,
    /// Sell beyond the stock on hand: asked for when a scan or pick is refused for stock.
    Oversell,
}

/// A dialog over the selling screen; at most one is open, Esc closes it with no side effect.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    Help,
    Search {
        query: String,
        results: Vec<ItemRef>,
        selected: usize,
    },
    Member {
        query: String,
        results: Vec<MemberRow>,
        selected: usize,
    },
    Qty {
        line: usize,
        text: String,
        units: Vec<ItemRef>,
        unit: usize,
        error: Option<String>,
        /// A weighed line: the dialog offers Timbang (weigh) and a tare.
        weighed: bool,
        /// Tare in grams, subtracted from the scale's weight.
        tare: String,
        /// The quantity text the scale gave (anything else was typed).
        from_scale: Option<String>,
        /// Select the quantity text on the next frame (just opened): typing replaces it.
        select_all: bool,
    },
    Held {
        rows: Vec<HeldRow>,
        selected: usize,
    },
    Supervise {
        kind: OverrideKind,
        line: usize,
        amount: String,
        approval: Approval,
        /// For [`OverrideKind::Oversell`]: the cart with the refused item on line `line`,
        /// which becomes the cart once approved, and the refusal shown.
        pending: Option<Box<(Cart, String)>>,
    },
    Pay(Box<PayState>),
    Receipt {
        title: String,
        text: String,
        /// The sale it belongs to, for a reprint.
        sale: Option<String>,
    },
    /// A prescription-only drug was scanned: the prescription and a pharmacist's PIN.
    Prescription(Box<RxForm>),
    /// A return against a receipt number.
    Return(Box<ReturnForm>),
}

/// The return form.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ReturnForm {
    pub sale: String,
    /// `CODE[*QTY]` entries separated by spaces.
    pub items: String,
    pub approval: Approval,
}

/// Back-office screens, by role.
#[derive(Debug, Clone, PartialEq)]
pub enum Back {
    Products {
        query: String,
        results: Vec<ItemRef>,
        edit: Option<PriceEdit>,
    },
    Members {
        query: String,
        results: Vec<MemberRow>,
    },
    Settings(Box<SettingsForm>),
    /// Stock on hand, receiving, opname, write-offs, expiry (gudang, apoteker).
    Stock(Box<stock::StockScreen>),
    /// Shift close and Z report (cashier); day close, ledger, members, SHU, dashboard.
    Books(Box<books::BooksScreen>),
}

/// A price being edited on the products screen.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceEdit {
    pub row: usize,
    pub umum: String,
    pub anggota: String,
    pub grosir: String,
    pub error: Option<String>,
}

/// The settings screen's fields.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SettingsForm {
    pub name: String,
    pub address: String,
    pub unit: String,
    pub rounding: String,
    pub pkp: bool,
    pub printer: String,
    /// This till's own printer and drawer (`till.<till>.printer`); empty: the shop's.
    pub till_printer: String,
    pub paper: String,
    /// The serial scanner: port (empty: keyboard wedge only), baud, suffix, idle gap.
    pub scanner: String,
    pub scanner_baud: String,
    pub scanner_suffix: String,
    pub scanner_idle: String,
    pub strip_stx_etx: bool,
    pub strip_aim: bool,
    /// The "test scanner" view is open (scans show there instead of being refused).
    pub scanner_test: bool,
    pub lang: String,
    /// As typed; stored as digits.
    pub npwp: String,
    pub footer: String,
    /// The counter scale and the label-scale barcode layout.
    pub scale_port: String,
    pub scale_protocol: String,
    pub scale_baud: String,
    pub scale_tare: String,
    pub label_layout: String,
    pub error: Option<String>,
}

/// Where the till is.
#[derive(Debug, Clone, PartialEq)]
pub enum Screen {
    Login {
        user: usize,
        pin: String,
        error: Option<String>,
    },
    /// Count the float by denomination before the first sale.
    OpenShift {
        counts: Vec<String>,
        error: Option<String>,
    },
    Selling,
    Back(Back),
}

/// The back-office screen a role that does not work a counter lands on after login.
pub fn home_screen(role: Role) -> BackKind {
    match role {
        Role::Bendahara => BackKind::Books,
        Role::Gudang => BackKind::Stock,
        Role::Admin => BackKind::Settings,
        Role::Kasir | Role::Apoteker => BackKind::Products,
    }
}

/// Which back-office screen to go to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackKind {
    Products,
    Members,
    Settings,
    Stock,
    Books,
}

/// Something the cashier asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    SelectUser(usize),
    PinKey(char),
    PinBack,
    Login,
    Logout,
    ToggleLang,
    OpenShift,
    /// A code typed into the scan field and Enter.
    Scan(String),
    /// A code from a scanner (wedge burst or serial), whatever has the focus.
    ScanBurst(String),
    SelectLine(usize),
    Help,
    OpenSearch,
    SearchChanged,
    PickItem(usize),
    OpenMember,
    MemberChanged,
    PickMember(usize),
    DetachMember,
    OpenQty,
    ApplyQty,
    /// Take the scale's stable weight (less the tare) as the line's quantity.
    Weigh,
    /// The demo's scale control: put this many grams on the simulated scale.
    SimScale(i64),
    HoldOrRecall,
    Recall(i64),
    AskSupervisor(OverrideKind),
    Approve,
    OpenPay,
    Pay,
    PayCash(Decimal),
    ApproveKasbon,
    ShowLastReceipt,
    CloseDialog,
    GoBack(BackKind),
    GoSelling,
    ProductsSearch,
    EditPrice(usize),
    SavePrice,
    MembersSearch,
    SaveSettings,
    SimScan,
    ReprintLast,
    RetryPrinter,
    TestPrinter,
    ApprovePrescription,
    OpenReturn,
    SubmitReturn,
    /// Something on the stock screen.
    Stock(stock::StockAction),
    /// Something on the books screen.
    Books(books::BooksAction),
}

/// The till's state.
pub struct TillApp {
    pub shop: Shop,
    pub settings: ShopSettings,
    pub lang: Lang,
    /// The language the till starts in (`--lang`, else `ui.lang`), for users who never
    /// chose their own.
    pub default_lang: Lang,
    pub till: String,
    pub unit: BusinessUnit,
    pub users: Vec<UserRow>,
    pub screen: Screen,
    pub actor: Option<Actor>,
    pub shift: Option<ShiftRow>,
    pub cart: Cart,
    /// The line F4, discounts and voids act on (the last one scanned by default).
    pub selected: Option<usize>,
    /// Scroll the selected line into view on the next frame.
    pub reveal_line: bool,
    pub scan_text: String,
    pub dialog: Option<Dialog>,
    /// The last committed sale: its change stays on screen until the next scan.
    pub last_sale: Option<SaleRecord>,
    pub show_change: bool,
    pub notice: Option<Notice>,
    pub scans: ScanSource,
    /// The counter scale (none, serial, or the demo's simulated one).
    pub scale: ScaleSource,
    pub demo: bool,
    /// The print worker of this till (none in headless tests unless attached).
    pub printer: Option<crate::service::print::PrintWorkerHandle>,
    /// The printer's last reported state.
    pub printer_report: Option<crate::service::print::PrinterReport>,
    /// The whole-file damage check running beside the till since start.
    pub file_check: Option<std::sync::mpsc::Receiver<Result<()>>>,
    /// Damage that check found: the till stops selling and says to restore the backup.
    pub damaged: Option<KasirError>,
    /// Whether the first frame has been drawn (and logged with the time since start).
    pub drawn: bool,
}

/// New results for what was typed so far (none for an empty query), first one selected.
fn search_as_you_type<T>(
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

/// The login screen starts on the first cashier: the person who logs in most often.
fn first_cashier(users: &[UserRow]) -> usize {
    users
        .iter()
        .position(|u| u.role == Role::Kasir)
        .unwrap_or(0)
}

/// A striped grid whose header row is `headers` (translation keys, one per column), with
/// `body` drawing the rows.
fn table(
    ui: &mut egui::Ui,
    lang: Lang,
    id: &str,
    headers: &[&'static str],
    body: impl FnOnce(&mut egui::Ui),
) {
    egui::Grid::new(id)
        .striped(true)
        .num_columns(headers.len())
        .show(ui, |ui| {
            header_row(ui, lang, headers);
            body(ui);
        });
}

/// The header row of a grid: each translation key in bold, then the end of the row.
fn header_row(ui: &mut egui::Ui, lang: Lang, keys: &[&'static str]) {
    for k in keys {
        ui.strong(t(lang, k));
    }
    ui.end_row();
}

fn err_text(e: &KasirError, lang: Lang) -> String {
    e.message(lang)
}

impl TillApp {
    pub fn new(shop: Shop, opts: &TillOptions) -> Result<Self> {
        let settings = shop.settings()?;
        let users = shop.users()?;
        let till = match &opts.till {
            Some(t) => t.clone(),
            None => shop
                .setting("till.default")?
                .unwrap_or_else(|| "sembako-1".into()),
        };
        let unit = shop.till_unit(&till)?.unwrap_or(BusinessUnit::Sembako);
        let scans = ScanSource::from_settings(&settings, opts.demo);
        let scale = ScaleSource::from_settings(shop.scale_settings()?.as_ref());
        let cashier = first_cashier(&users);
        Ok(TillApp {
            lang: opts.lang.unwrap_or(settings.lang),
            default_lang: opts.lang.unwrap_or(settings.lang),
            settings,
            till,
            unit,
            users,
            screen: Screen::Login {
                user: cashier,
                pin: String::new(),
                error: None,
            },
            actor: None,
            shift: None,
            cart: Cart::default(),
            selected: None,
            reveal_line: false,
            scan_text: String::new(),
            dialog: None,
            last_sale: None,
            show_change: false,
            notice: None,
            scans,
            scale,
            demo: opts.demo,
            printer: None,
            printer_report: None,
            file_check: None,
            damaged: None,
            drawn: false,
            shop,
        })
    }

    /// Check the whole file for damage on a thread of its own: opening the shop checks only
    /// the working tables, so a shop with years of history is ready in well under a second.
    pub fn start_file_check(&mut self) {
        let path = self.shop.file_path().to_path_buf();
        if path.as_os_str() == ":memory:" {
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        let spawned = std::thread::Builder::new()
            .name("kasir-file-check".into())
            .spawn(move || {
                let started = Instant::now();
                let result = crate::service::screen::check_file(&path);
                tracing::info!(
                    ok = result.is_ok(),
                    ms = started.elapsed().as_millis() as u64,
                    "file check"
                );
                let _ = tx.send(result);
            });
        match spawned {
            Ok(_) => self.file_check = Some(rx),
            Err(e) => tracing::warn!(error = %e, "file check not started"),
        }
    }

    /// Today's backup, if the policy is on and it is not made yet, on a thread with its own
    /// connection (SQLite's online backup, as `kasir backup` does beside a selling till).
    /// The result is logged; the join handle is for tests.
    pub fn start_daily_backup(
        &self,
    ) -> Option<std::thread::JoinHandle<Result<crate::service::autobackup::AutoBackup>>> {
        let path = self.shop.file_path().to_path_buf();
        if path.as_os_str() == ":memory:" {
            return None;
        }
        let now = self.shop.now();
        let spawned = std::thread::Builder::new()
            .name("kasir-daily-backup".into())
            .spawn(move || {
                let shop = Shop::open_existing(&path)?;
                let result = shop.auto_backup_if_due(now);
                match &result {
                    Ok(b) => tracing::info!(?b, "daily backup checked"),
                    Err(e) => tracing::warn!(error = %e, "daily backup failed"),
                }
                result
            });
        match spawned {
            Ok(h) => Some(h),
            Err(e) => {
                tracing::warn!(error = %e, "daily backup not started");
                None
            }
        }
    }

    fn poll_file_check(&mut self) {
        let Some(rx) = &self.file_check else {
            return;
        };
        match rx.try_recv() {
            Ok(Ok(())) => self.file_check = None,
            Ok(Err(e)) => {
                tracing::error!(error = %e, "database damaged");
                self.file_check = None;
                // Busy or unreadable for another reason is not damage: only damage stops sales.
                if matches!(e, KasirError::DbCorrupt(_)) {
                    self.damaged = Some(e);
                }
            }
            Err(std::sync::mpsc::TryRecvError::Empty) => {}
            Err(std::sync::mpsc::TryRecvError::Disconnected) => self.file_check = None,
        }
    }

    /// Start the print worker for this till's receipt printer (its own thread and database
    /// connection); receipts of committed sales print from the queue without blocking.
    pub fn start_printer(&mut self) -> Result<()> {
        if let Some(mut old) = self.printer.take() {
            old.stop();
        }
        let path = self.shop.file_path().to_path_buf();
        if path.as_os_str() == ":memory:" {
            return Ok(());
        }
        let uri = self.shop.receipt_printer(&self.till)?;
        self.printer = Some(crate::service::print::PrintWorker::spawn(
            path, &self.till, uri,
        ));
        Ok(())
    }

    fn notify(&mut self, text: String, error: bool) {
        if error {
            tracing::info!(%text, "till refused");
        }
        self.notice = Some(Notice::new(text, error));
    }

    fn may(&self, p: Permission) -> bool {
        self.actor.as_ref().is_some_and(|a| a.role.may(p))
    }

    /// The line actions apply to: the selected one, else the last.
    fn current_line(&self) -> Option<usize> {
        match self.selected {
            Some(i) if i < self.cart.lines.len() => Some(i),
            _ => self.cart.lines.len().checked_sub(1),
        }
    }

    /// Apply one action. Every change of state goes through here; the draft cart is saved
    /// after any action that changed it.
    pub fn apply(&mut self, action: Action) {
        let before =
            (!matches!(action, Action::Pay | Action::PayCash(_))).then(|| self.cart.clone());
        self.apply_inner(action);
        if let Some(before) = before {
            if before != self.cart && self.actor.is_some() {
                if let Err(e) = self.shop.save_draft(&self.till, &self.cart) {
                    self.notify(err_text(&e, self.lang), true);
                }
            }
        }
    }

    fn apply_inner(&mut self, action: Action) {
        let lang = self.lang;
        match action {
            Action::SelectUser(i) => {
                if let Screen::Login { user, pin, error } = &mut self.screen {
                    *user = i;
                    pin.clear();
                    *error = None;
                }
            }
            Action::PinKey(c) => {
                if let Screen::Login { pin, .. } = &mut self.screen {
                    if pin.len() < 12 {
                        pin.push(c);
                    }
                }
            }
            Action::PinBack => {
                if let Screen::Login { pin, .. } = &mut self.screen {
                    pin.pop();
                }
            }
            Action::Login => self.login(),
            Action::Logout => {
                self.actor = None;
                self.lang = self.default_lang;
                self.dialog = None;
                self.shift = None;
                self.cart = Cart::default();
                self.screen = Screen::Login {
                    user: first_cashier(&self.users),
                    pin: String::new(),
                    error: None,
                };
            }
            Action::ToggleLang => {
                self.lang = match self.lang {
                    Lang::Id => Lang::En,
                    Lang::En => Lang::Id,
                };
                // Kept for whoever is logged in: their next login starts in it.
                if let Some(actor) = self.actor.clone() {
                    if let Err(e) = self.shop.set_user_lang(&actor, self.lang) {
                        self.notify(err_text(&e, lang), true);
                    }
                }
            }
            Action::OpenShift => self.open_shift(),
            Action::Scan(text) => self.scan(&text),
            Action::ScanBurst(code) => self.scan_burst(code),
            Action::SelectLine(i) => {
                if i < self.cart.lines.len() {
                    self.selected = Some(i);
                    self.reveal_line = true;
                }
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
            Action::GoBack(kind) => self.go_back(kind),
            Action::GoSelling => {
                if self.may(Permission::Sell) {
                    self.go_selling();
                }
            }
            Action::ProductsSearch => {
                if let Screen::Back(Back::Products {
                    query,
                    results,
                    edit,
                }) = &mut self.screen
                {
                    *results = self.shop.find_items(query, 100).unwrap_or_default();
                    *edit = None;
                }
            }
            Action::EditPrice(row) => {
                if let Screen::Back(Back::Products { results, edit, .. }) = &mut self.screen {
                    if let Some(item) = results.get(row) {
                        *edit = Some(PriceEdit {
                            row,
                            umum: item.prices.umum.to_string(),
                            anggota: item.prices.anggota.to_string(),
                            grosir: item
                                .prices
                                .grosir
                                .map(|g| g.to_string())
                                .unwrap_or_default(),
                            error: None,
                        });
                    }
                }
            }
            Action::SavePrice => self.save_price(),
            Action::MembersSearch => {
                if let Screen::Back(Back::Members { query, results }) = &mut self.screen {
                    *results = self.shop.search_members(query, 200).unwrap_or_default();
                }
            }
            Action::SaveSettings => self.save_settings(),
            Action::SimScan => self.scans.simulate_scan(),
            Action::Stock(a) => stock::apply(self, a),
            Action::ReprintLast => self.reprint_last(),
            Action::TestPrinter => self.test_printer(),
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
            Action::Books(a) => books::apply(self, a),
        }
    }

    fn first_supervisor(&self) -> usize {
        self.users
            .iter()
            .position(|u| u.role.may(Permission::Supervise) && u.role != Role::Admin)
            .or_else(|| {
                self.users
                    .iter()
                    .position(|u| u.role.may(Permission::Supervise))
            })
            .unwrap_or(0)
    }

    fn login(&mut self) {
        let lang = self.lang;
        let Screen::Login { user, pin, .. } = &self.screen else {
            return;
        };
        let Some(u) = self.users.get(*user) else {
            return;
        };
        let (username, pin) = (u.username.clone(), pin.clone());
        match self.shop.login(&username, &pin) {
            Ok(actor) => {
                tracing::info!(user = %actor.username, till = %self.till, "logged in");
                // Build the search index now, not on the cashier's first keystroke.
                if let Err(e) = self.shop.warm_search() {
                    tracing::warn!(error = %e, "search index not warmed");
                }
                // The user's own language, else the till's.
                self.lang = match self.shop.user_lang(&actor.username) {
                    Ok(l) => l.unwrap_or(self.default_lang),
                    Err(e) => {
                        tracing::warn!(error = %e, "user language not read");
                        self.default_lang
                    }
                };
                self.actor = Some(actor);
                self.notice = None;
                self.after_login_screen();
            }
            Err(e) => {
                if let Screen::Login { pin, error, .. } = &mut self.screen {
                    pin.clear();
                    *error = Some(err_text(&e, lang));
                }
            }
        }
    }

    /// A counter role sells (after the float is counted); the back office lands on its own
    /// screen without a shift: the treasurer on the books, the warehouse on stock, the admin
    /// on the settings.
    fn after_login_screen(&mut self) {
        let Some(role) = self.actor.as_ref().map(|a| a.role) else {
            return;
        };
        if role.works_counter() {
            self.go_selling();
            return;
        }
        self.go_back(home_screen(role));
    }

    /// The selling screen with this till's open shift, or the float count to open one.
    fn go_selling(&mut self) {
        let lang = self.lang;
        match self.shop.current_shift(&self.till) {
            Ok(Some(s)) => {
                self.shift = Some(s);
                self.screen = Screen::Selling;
                self.restore_draft();
            }
            Ok(None) => {
                self.screen = Screen::OpenShift {
                    counts: vec![String::new(); crate::domain::cash::DENOMINATIONS.len()],
                    error: None,
                }
            }
            Err(e) => self.notify(err_text(&e, lang), true),
        }
    }

    fn restore_draft(&mut self) {
        let lang = self.lang;
        match self.shop.load_draft(&self.till) {
            Ok(Some(cart)) if !cart.is_empty() => {
                let n = cart.lines.len();
                self.cart = cart;
                self.selected = None;
                self.notify(
                    format!(
                        "{} ({n} {})",
                        t(lang, "till.draft_restored"),
                        t(lang, "till.lines")
                    ),
                    false,
                );
            }
            Ok(_) => {}
            Err(e) => self.notify(err_text(&e, lang), true),
        }
    }

    fn open_shift(&mut self) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let Screen::OpenShift { counts, .. } = &self.screen else {
            return;
        };
        let mut entries = Vec::new();
        for (d, n) in crate::domain::cash::DENOMINATIONS.iter().zip(counts) {
            if !n.trim().is_empty() && n.trim() != "0" {
                entries.push(format!("{d}*{}", n.trim()));
            }
        }
        let result = crate::domain::cash::CashCount::parse(&entries)
            .map_err(KasirError::from)
            .and_then(|count| {
                let float = count.total();
                self.shop.open_shift(&actor, &self.till, float, &count)
            });
        match result {
            Ok(shift) => {
                self.notify(
                    format!(
                        "{} {}",
                        t(lang, "shift.opened"),
                        format_rupiah(shift.opening_float)
                    ),
                    false,
                );
                self.shift = Some(shift);
                self.screen = Screen::Selling;
                self.restore_draft();
            }
            Err(e) => {
                if let Screen::OpenShift { error, .. } = &mut self.screen {
                    *error = Some(err_text(&e, lang));
                }
            }
        }
    }

    fn added(&mut self, i: usize) {
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

    fn scan(&mut self, text: &str) {
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

    fn submit_return(&mut self) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let Some(Dialog::Return(form)) = &mut self.dialog else {
            return;
        };
        let pin = std::mem::take(&mut form.approval.pin);
        let form = form.clone();
        let Some(sup) = self
            .users
            .get(form.approval.user)
            .map(|u| u.username.clone())
        else {
            return;
        };
        let entries: Vec<String> = form.items.split_whitespace().map(String::from).collect();
        let till = self.till.clone();
        let result = crate::service::returns::parse_return_items(&entries).and_then(|items| {
            let approver = self.shop.supervisor(&sup, &pin)?;
            self.shop
                .return_items(&actor, Some(&approver), &till, form.sale.trim(), &items)
        });
        match result {
            Ok(r) => {
                // The return is booked: the form goes, so Enter cannot book it a second time.
                self.dialog = None;
                if let Some(p) = &self.printer {
                    p.wake();
                }
                let msg = format!(
                    "{} {}: {} {}",
                    t(lang, "return.done"),
                    r.number,
                    t(lang, "return.refund"),
                    format_rupiah(r.refund_cash + r.refund_kasbon)
                );
                self.notify(msg, false);
            }
            Err(e) => {
                if let Some(Dialog::Return(f)) = &mut self.dialog {
                    f.approval.error = Some(err_text(&e, lang));
                }
            }
        }
    }

    /// Queue a test page on this till's printer; the status bar shows how it went.
    fn test_printer(&mut self) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let result = self.shop.receipt_printer(&self.till).and_then(|uri| {
            self.shop
                .enqueue_test(&actor, &self.till, &uri)
                .map(|_| uri)
        });
        match result {
            Ok(uri) => {
                if let Some(p) = &self.printer {
                    p.wake();
                }
                self.notify(format!("{} {uri}", t(lang, "settings.test_sent")), false);
            }
            Err(e) => self.notify(err_text(&e, lang), true),
        }
    }

    /// The till's last sale as the file has it (a restart forgets nothing); says so when
    /// there is none.
    fn stored_last_sale(&mut self) -> Option<SaleRecord> {
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

    fn reprint_last(&mut self) {
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

    /// A scanner read a code. While money is being taken (payment, a supervisor's PIN) it is
    /// refused, so the total cannot change under the customer; any other dialog closes.
    fn scan_burst(&mut self, code: String) {
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

    fn apply_qty(&mut self) {
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

    fn hold_or_recall(&mut self) {
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

    fn recall(&mut self, id: i64) {
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

    fn approve(&mut self) {
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

    /// The tenders typed in the payment dialog. An empty cash field pays the rest in cash,
    /// exactly (after rounding).
    fn tenders(&self, pay: &PayState, quick_cash: Option<Decimal>) -> Result<Vec<Tender>> {
        let lang = self.lang;
        let field = |text: &str, what: &str| -> Result<Option<Decimal>> {
            if text.trim().is_empty() {
                return Ok(None);
            }
            // Every tender is whole rupiah: no coin is smaller.
            Amount::parse(text, AllowSen::No).map(Some).map_err(|e| {
                KasirError::invalid(
                    format!("{what}: {}", number_message(&e, Lang::Id)),
                    format!("{what}: {}", number_message(&e, Lang::En)),
                )
            })
        };
        let mut out = Vec::new();
        let reference = |r: &str| (!r.trim().is_empty()).then(|| r.trim().to_string());
        for (kind, text, r, label) in [
            (TenderKind::Qris, &pay.qris, Some(&pay.qris_ref), "pay.qris"),
            (
                TenderKind::Transfer,
                &pay.transfer,
                Some(&pay.transfer_ref),
                "pay.transfer",
            ),
            (TenderKind::Kasbon, &pay.kasbon, None, "pay.kasbon"),
        ] {
            if let Some(a) = field(text, t(lang, label))? {
                out.push(Tender {
                    kind,
                    amount: a,
                    reference: r.and_then(|r| reference(r)),
                });
            }
        }
        let non_cash: Decimal = out.iter().map(|t| t.amount).sum();
        let total = self.cart.totals(self.settings.tax()).total;
        let cash = match quick_cash {
            Some(c) => Some(c),
            None => match field(&pay.cash, t(lang, "pay.cash"))? {
                Some(c) => Some(c),
                // An empty cash field pays the rest in cash; a rest below the smallest coin
                // is rounded away (no Rp0 cash tender).
                None if non_cash < total => Some(round_cash_down(
                    total - non_cash,
                    self.settings.rounding_step,
                ))
                .filter(|c| *c > Decimal::ZERO),
                None => None,
            },
        };
        if let Some(c) = cash {
            out.push(Tender {
                kind: TenderKind::Cash,
                amount: c,
                reference: None,
            });
        }
        Ok(out)
    }

    fn pay(&mut self, quick_cash: Option<Decimal>) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let Some(Dialog::Pay(pay)) = &self.dialog else {
            return;
        };
        let tenders = match self.tenders(pay, quick_cash) {
            Ok(t) => t,
            Err(e) => {
                if let Some(Dialog::Pay(p)) = &mut self.dialog {
                    p.error = Some(err_text(&e, lang));
                }
                return;
            }
        };
        if let Some(e) = &self.damaged {
            let text = err_text(e, lang);
            if let Some(Dialog::Pay(p)) = &mut self.dialog {
                p.error = Some(text);
            }
            return;
        }
        let approver = pay
            .approver
            .clone()
            .filter(|_| pay.approved_kasbon.trim() == pay.kasbon.trim());
        match self.shop.checkout_approved(
            &actor,
            &self.till,
            &self.cart,
            &tenders,
            approver.as_ref(),
        ) {
            Ok(sale) => {
                tracing::info!(number = %sale.number, total = %sale.payable, "sale committed");
                self.cart = Cart::default();
                self.selected = None;
                self.dialog = None;
                self.show_change = true;
                self.notify(format!("{} {}", t(lang, "pay.done"), sale.number), false);
                if let Some(p) = &self.printer {
                    p.wake();
                }
                self.last_sale = Some(sale);
            }
            Err(e) => {
                let over = matches!(e, KasirError::Pay(PayError::KasbonOverLimit { .. }));
                if let Some(Dialog::Pay(p)) = &mut self.dialog {
                    p.error = Some(err_text(&e, lang));
                    p.needs_approval |= over;
                }
            }
        }
    }

    fn approve_kasbon(&mut self) {
        let lang = self.lang;
        let Some(Dialog::Pay(pay)) = &mut self.dialog else {
            return;
        };
        let Some(u) = self.users.get(pay.approval.user) else {
            return;
        };
        let username = u.username.clone();
        let pin = std::mem::take(&mut pay.approval.pin);
        match self.shop.supervisor(&username, &pin) {
            Ok(sup) => {
                // Approving does not pay: the cashier is back in their field and their
                // Enter commits the sale.
                if let Some(Dialog::Pay(p)) = &mut self.dialog {
                    p.approver = Some(sup);
                    p.approved_kasbon = p.kasbon.clone();
                    p.needs_approval = false;
                    p.error = None;
                    p.approval.error = None;
                    p.refocus = true;
                }
            }
            Err(e) => {
                if let Some(Dialog::Pay(p)) = &mut self.dialog {
                    p.approval.error = Some(err_text(&e, lang));
                }
            }
        }
    }

    fn show_last_receipt(&mut self) {
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

    fn go_back(&mut self, kind: BackKind) {
        let lang = self.lang;
        let allowed = match kind {
            BackKind::Products => true,
            BackKind::Members => self.may(Permission::Sell) || self.may(Permission::ManageMembers),
            BackKind::Settings => self.may(Permission::ManageUsers),
            BackKind::Stock => self.may(Permission::ReceiveStock),
            BackKind::Books => self.may(Permission::Sell) || self.may(Permission::ViewReports),
        };
        if !allowed {
            self.notify(t(lang, "back.not_allowed").into(), true);
            return;
        }
        self.dialog = None;
        let back = match kind {
            BackKind::Stock => Back::Stock(Box::new(stock::StockScreen::new(self))),
            BackKind::Books => Back::Books(Box::new(books::BooksScreen::new(self))),
            BackKind::Products => Back::Products {
                query: String::new(),
                results: self.shop.find_items("", 100).unwrap_or_default(),
                edit: None,
            },
            BackKind::Members => Back::Members {
                query: String::new(),
                results: self.shop.search_members("", 200).unwrap_or_default(),
            },
            BackKind::Settings => Back::Settings(Box::new(SettingsForm {
                name: self.settings.name.clone(),
                address: self.settings.address.clone(),
                unit: self.unit.as_str().into(),
                rounding: self.settings.rounding_step.to_string(),
                pkp: self.settings.pkp,
                printer: self.settings.printer.clone(),
                till_printer: self
                    .shop
                    .setting(&format!("till.{}.printer", self.till))
                    .ok()
                    .flatten()
                    .unwrap_or_default(),
                paper: self.settings.paper.clone(),
                scanner: self.settings.scanner.port.clone().unwrap_or_default(),
                scanner_baud: self.settings.scanner.baud.to_string(),
                scanner_suffix: self.settings.scanner.suffix.clone(),
                scanner_idle: self.settings.scanner.idle_ms.to_string(),
                strip_stx_etx: self.settings.scanner.strip_stx_etx,
                strip_aim: self.settings.scanner.strip_aim,
                scanner_test: false,
                lang: self.settings.lang.code().into(),
                npwp: self
                    .settings
                    .npwp
                    .as_deref()
                    .map(crate::service::settings::format_npwp)
                    .unwrap_or_default(),
                footer: self.settings.footer.clone(),
                scale_port: self.setting_text(weighing::SCALE_PORT_KEY, ""),
                scale_protocol: self.setting_text(weighing::SCALE_PROTOCOL_KEY, "cas"),
                scale_baud: self.setting_text(weighing::SCALE_BAUD_KEY, "9600"),
                scale_tare: self.setting_text(weighing::SCALE_TARE_KEY, "0"),
                label_layout: self.setting_text(weighing::LAYOUT_KEY, ""),
                error: None,
            })),
        };
        self.screen = Screen::Back(back);
    }

    fn save_price(&mut self) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let Screen::Back(Back::Products {
            results,
            edit: Some(edit),
            ..
        }) = &mut self.screen
        else {
            return;
        };
        let Some(item) = results.get(edit.row).cloned() else {
            return;
        };
        let mut changes = Vec::new();
        for (tier, text, old) in [
            (PriceTier::Umum, &edit.umum, Some(item.prices.umum)),
            (PriceTier::Anggota, &edit.anggota, Some(item.prices.anggota)),
            (PriceTier::Grosir, &edit.grosir, item.prices.grosir),
        ] {
            if text.trim().is_empty() {
                continue;
            }
            match Amount::parse(text, AllowSen::No) {
                Ok(p) if Some(p) != old => changes.push((tier, p)),
                Ok(_) => {}
                Err(e) => {
                    edit.error = Some(err_text(&e.into(), lang));
                    return;
                }
            }
        }
        for (tier, price) in changes {
            if let Err(e) = self.shop.set_price(&actor, &item, tier, price) {
                if let Screen::Back(Back::Products {
                    edit: Some(edit), ..
                }) = &mut self.screen
                {
                    edit.error = Some(err_text(&e, lang));
                }
                return;
            }
        }
        self.notify(t(lang, "back.saved").into(), false);
        self.apply_inner(Action::ProductsSearch);
    }

    /// A stored setting's text, or `default` when unset.
    fn setting_text(&self, key: &str, default: &str) -> String {
        self.shop
            .setting(key)
            .ok()
            .flatten()
            .unwrap_or_else(|| default.to_string())
    }

    fn save_settings(&mut self) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        let Screen::Back(Back::Settings(form)) = &mut self.screen else {
            return;
        };
        let pairs = [
            ("shop.name".to_string(), form.name.clone()),
            ("shop.address".into(), form.address.clone()),
            ("shop.npwp".into(), form.npwp.clone()),
            ("receipt.footer".into(), form.footer.clone()),
            (format!("till.{}.unit", self.till), form.unit.clone()),
            ("cash.rounding_step".into(), form.rounding.clone()),
            ("tax.pkp".into(), form.pkp.to_string()),
            ("printer.uri".into(), form.printer.clone()),
            (
                format!("till.{}.printer", self.till),
                form.till_printer.trim().into(),
            ),
            ("printer.paper".into(), form.paper.clone()),
            ("scanner.port".into(), form.scanner.clone()),
            ("ui.lang".into(), form.lang.clone()),
            (
                weighing::SCALE_PORT_KEY.into(),
                form.scale_port.trim().into(),
            ),
            (
                weighing::SCALE_PROTOCOL_KEY.into(),
                form.scale_protocol.trim().to_lowercase(),
            ),
            (
                weighing::SCALE_BAUD_KEY.into(),
                form.scale_baud.trim().into(),
            ),
            (
                weighing::SCALE_TARE_KEY.into(),
                form.scale_tare.trim().into(),
            ),
            (weighing::LAYOUT_KEY.into(), form.label_layout.trim().into()),
        ];
        let mut pairs = pairs.to_vec();
        pairs.extend(scanner_view::changed(&self.settings.scanner, form));
        // The registry's one validator, for every field before anything is saved.
        let mut checked = Vec::with_capacity(pairs.len());
        for (k, v) in pairs {
            match crate::service::settings::validate(&k, &v) {
                Ok(stored) => checked.push((k, stored)),
                Err(e) => {
                    form.error = Some(err_text(&e, lang));
                    return;
                }
            }
        }
        let pairs = checked;
        for (k, v) in &pairs {
            let current = self.shop.setting(k).ok().flatten();
            if current.as_deref() == Some(v.as_str()) || (current.is_none() && v.is_empty()) {
                continue;
            }
            if let Err(e) = self.shop.set_setting(&actor, k, v) {
                if let Screen::Back(Back::Settings(form)) = &mut self.screen {
                    form.error = Some(err_text(&e, lang));
                }
                return;
            }
        }
        match self.shop.settings() {
            Ok(s) => {
                self.scans = ScanSource::from_settings(&s, self.demo);
                self.settings = s;
                match self.shop.scale_settings() {
                    Ok(scale) => self.scale = ScaleSource::from_settings(scale.as_ref()),
                    Err(e) => self.notify(err_text(&e, lang), true),
                }
            }
            Err(e) => self.notify(err_text(&e, lang), true),
        }
        // A new printer address takes effect at once.
        if self.printer.is_some() {
            if let Err(e) = self.start_printer() {
                self.notify(err_text(&e, lang), true);
            }
        }
        if let Ok(Some(u)) = self.shop.till_unit(&self.till) {
            self.unit = u;
        }
        self.notify(t(lang, "back.saved").into(), false);
    }

    /// Draw one frame and apply what the cashier did.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let mut actions = Vec::new();
        if self.file_check.is_some() {
            self.poll_file_check();
            ui.ctx().request_repaint_after(Duration::from_millis(250));
        }
        if let Some(e) = &self.damaged {
            let text = err_text(e, self.lang);
            egui::Panel::top("damaged").show(ui, |ui| {
                ui.colored_label(
                    egui::Color32::from_rgb(200, 30, 30),
                    egui::RichText::new(text).strong().size(18.0),
                );
            });
        }
        if let Some(p) = &self.printer {
            if let Some(r) = p.try_status() {
                self.printer_report = Some(r);
            }
            ui.ctx().request_repaint_after(Duration::from_millis(500));
        }
        // The serial scanner is read on every screen, so that a scan where it cannot be
        // taken is said at once instead of landing in the cart later; the keyboard wedge
        // only on the selling screen (elsewhere typing goes to the fields).
        let wedge = self.screen == Screen::Selling;
        actions.extend(
            self.scans
                .poll(ui.ctx(), self.lang, &mut self.notice, wedge),
        );
        if self.screen == Screen::Selling {
            self.scale.poll(ui.ctx());
        }
        actions.extend(match &self.screen {
            Screen::Login { .. } => login::login_ui(self, ui),
            Screen::OpenShift { .. } => login::open_shift_ui(self, ui),
            Screen::Selling => selling::selling_ui(self, ui),
            Screen::Back(_) => backoffice::back_ui(self, ui),
        });
        for a in actions {
            self.apply(a);
        }
        // X11 without an input method: an enabled IME swallows every key.
        ui.ctx().output_mut(|o| o.ime = None);
        if !self.drawn {
            self.drawn = true;
            let ms = STARTED.get().map(|t| t.elapsed().as_secs_f64() * 1000.0);
            tracing::info!(ms_since_start = ?ms, "till ready: first frame drawn");
        }
        // Notices fade on the till's clock: stamped when first drawn, gone after their time.
        let now = ui.input(|i| i.time);
        if let Some(n) = &mut self.notice {
            let at = *n.at.get_or_insert(now);
            if n.gone(now) {
                self.notice = None;
            } else {
                let left = at + n.lifetime() - now;
                ui.ctx()
                    .request_repaint_after(Duration::from_secs_f64(left.clamp(0.05, 0.25)));
            }
        }
    }
}

impl eframe::App for TillApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }
}
