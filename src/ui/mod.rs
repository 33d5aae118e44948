//! The till: egui screens. Screens draw and return actions; [`TillApp::apply`] is the one
//! place state changes, through the services. No SQL and no shop rules here, and no
//! `store`: rows and plain reads come through `service::screen`.
//!
//! One room per screen: each keeps its state, its handlers and its drawing together —
//! `app` (the state, background threads, routing each action to its screen, the frame),
//! `login`, `selling` + `sell` (the selling screen and its handlers), `dialogs`, `pay`,
//! `returns`, `rx`, `backoffice`, `settings`, `stock/` and `books/` (a file per tab);
//! `widgets` holds what they all draw with.

mod app;
mod backoffice;
pub mod books;
mod dialogs;
mod input;
mod login;
mod pay;
mod returns;
mod rx;
mod scale;
mod scanner_view;
mod sell;
mod selling;
mod settings;
pub mod stock;
mod widgets;

use std::time::Instant;

use eframe::egui;
use rust_decimal::Decimal;

use crate::domain::cart::{Cart, ItemRef, PayError, Tender, TenderKind};
use crate::domain::catalog::{BusinessUnit, PriceTier};
use crate::domain::money::{AllowSen, Amount};
use crate::domain::user::{Actor, Role};
use crate::error::{number_message, KasirError, Result};
use crate::i18n::{t, Lang};
use crate::service::screen::{HeldRow, MemberRow, UserRow};
use crate::service::weighing;
use crate::service::Shop;

pub use app::{Notice, TillApp};
pub use backoffice::{Back, PriceEdit};
pub use dialogs::{Approval, Dialog, OverrideKind};
pub use input::ScanSource;
use login::first_cashier;
pub use pay::PayState;
pub use returns::ReturnForm;
pub use rx::RxForm;
pub use scale::{ScaleSource, ScaleState};
pub use selling::quick_cash;
pub use settings::SettingsForm;
use widgets::{err_text, header_row, table};

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
    app.start_sync()?;
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
