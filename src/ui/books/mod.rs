//! The books screen: shift close (blind count, Z report), petty cash and kasbon repayment for
//! the cashier; day close, ledger, members' statements, SHU and the dashboard for the
//! treasurer; the exceptions syncing found, for the treasurer and the apoteker. Tabs a role cannot use are not shown. Data is loaded in [`apply`] only.
//! Each tab keeps its state, its handlers and its drawing in a file of its own (`shift`,
//! `day`, `ledger`, `members`, `shu`, `dashboard`); this file holds the tabs, the actions
//! and the dispatch.

use chrono::{Datelike, NaiveDate};
use eframe::egui::{self, RichText};

mod dashboard;
mod day;
mod exceptions;
mod ledger;
mod members;
mod shift;
mod shu;

pub use dashboard::DashTab;
pub use day::{DayConfirm, DayTab};
pub use exceptions::ExceptionsTab;
pub use ledger::LedgerTab;
pub use members::MemberTab;
pub use shift::ShiftTab;
pub use shu::ShuTab;

use super::widgets::{field, money_cell, submitted, supervisor_ui, table, ERROR, GOOD};
use super::{Action, Approval, Back, Screen, TillApp};
use crate::domain::cash::DENOMINATIONS;
use crate::domain::user::{Actor, Permission};
use crate::error::KasirError;
use crate::i18n::{t, Lang};
use crate::service::shift_close::may_see_expected_cash;
use dashboard::dash_ui;
use ledger::ledger_ui;
use members::member_ui;
use rust_decimal::Decimal;
use shift::shift_ui;
use shu::shu_ui;

/// The tabs of the books screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BooksTab {
    Shift,
    Day,
    Ledger,
    Member,
    Shu,
    Dashboard,
    /// What syncing with the other tills found wrong (treasurer, apoteker).
    Exceptions,
}

impl BooksTab {
    pub const ALL: [BooksTab; 7] = [
        BooksTab::Shift,
        BooksTab::Day,
        BooksTab::Ledger,
        BooksTab::Member,
        BooksTab::Shu,
        BooksTab::Dashboard,
        BooksTab::Exceptions,
    ];

    fn key(self) -> &'static str {
        match self {
            BooksTab::Shift => "books.tab_shift",
            BooksTab::Day => "books.tab_day",
            BooksTab::Ledger => "books.tab_ledger",
            BooksTab::Member => "books.tab_member",
            BooksTab::Shu => "books.tab_shu",
            BooksTab::Dashboard => "books.tab_dashboard",
            BooksTab::Exceptions => "books.tab_exceptions",
        }
    }

    /// Whether `actor`'s role may use this tab.
    pub fn allowed(self, actor: Option<&Actor>) -> bool {
        let may = |p| actor.is_some_and(|a| a.role.may(p));
        match self {
            BooksTab::Shift => may(Permission::Sell),
            BooksTab::Day | BooksTab::Dashboard => may(Permission::CloseDay),
            BooksTab::Ledger | BooksTab::Shu => may(Permission::ViewReports),
            BooksTab::Member => may(Permission::ViewReports) || may(Permission::ManageMembers),
            BooksTab::Exceptions => {
                actor.is_some_and(|a| crate::service::exceptions::may_resolve_some(a.role))
            }
        }
    }
}

/// One journal as shown: preview or posted.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalView {
    pub title: String,
    pub posted: bool,
    /// (account code, account name, debit, credit, memo)
    pub lines: Vec<(String, String, Decimal, Decimal, String)>,
    pub total_debit: Decimal,
    pub total_credit: Decimal,
}

/// The books screen's state.
#[derive(Debug, Clone, PartialEq)]
pub struct BooksScreen {
    pub tab: BooksTab,
    pub error: Option<String>,
    pub info: Option<String>,
    pub shift: ShiftTab,
    pub day: DayTab,
    pub ledger: LedgerTab,
    pub member: MemberTab,
    pub shu: ShuTab,
    pub dash: DashTab,
    pub exceptions: ExceptionsTab,
}

/// What the books screen asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum BooksAction {
    Tab(BooksTab),
    XReport,
    StartClose,
    CancelClose,
    SubmitCount,
    CashMove,
    RepayKasbon,
    DayLoad,
    /// Show what posting the day will write and which tills are still open; ask.
    DayAskPost,
    DayPost,
    /// Check the reason, then ask before reversing the day close.
    DayAskReverse,
    DayReverse,
    /// Drop a pending post or reversal: nothing changes.
    DayCancel,
    TrialBalance,
    GeneralLedger,
    Export,
    Statement,
    Shu,
    ShuExport,
    Dashboard,
    ExceptionsLoad,
    /// Start resolving an exception (or stop: none).
    ExceptionPick(Option<i64>),
    ExceptionResolve,
}

fn day_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn bad_date(s: &str) -> KasirError {
    KasirError::invalid(
        format!("Tanggal \"{s}\" harus YYYY-MM-DD"),
        format!("Date \"{s}\" must be YYYY-MM-DD"),
    )
}

/// An optional date field: empty is open-ended, anything else must parse.
fn range_date(s: &str) -> Result<Option<NaiveDate>, KasirError> {
    if s.trim().is_empty() {
        return Ok(None);
    }
    parse_date(s).map(Some).ok_or_else(|| bad_date(s))
}

impl BooksScreen {
    pub fn new(app: &TillApp) -> Self {
        let today = app.shop.now().date();
        let first = today.with_day(1).unwrap_or(today);
        // Without a shift the treasurer starts on the day close, not on an empty shift tab.
        let tab = if app.shift.is_none() && BooksTab::Day.allowed(app.actor.as_ref()) {
            BooksTab::Day
        } else {
            BooksTab::ALL
                .into_iter()
                .find(|t| t.allowed(app.actor.as_ref()))
                .unwrap_or(BooksTab::Shift)
        };
        BooksScreen {
            tab,
            error: None,
            info: None,
            shift: ShiftTab {
                counts: vec![String::new(); DENOMINATIONS.len()],
                approval: Approval {
                    user: app.first_supervisor(),
                    ..Default::default()
                },
                ..Default::default()
            },
            day: DayTab {
                date: day_text(today),
                ..Default::default()
            },
            ledger: LedgerTab {
                from: day_text(first),
                to: day_text(today),
                path: "kasir-ledger.journal".into(),
                ..Default::default()
            },
            member: MemberTab {
                month: today.format("%Y-%m").to_string(),
                ..Default::default()
            },
            shu: ShuTab {
                year: today.year().to_string(),
                path: format!("shu-{}.csv", today.year()),
                ..Default::default()
            },
            dash: DashTab {
                from: day_text(first),
                to: day_text(today),
                dash: None,
            },
            exceptions: ExceptionsTab::default(),
        }
    }
}

fn screen(app: &mut TillApp) -> Option<&mut BooksScreen> {
    match &mut app.screen {
        Screen::Back(Back::Books(s)) => Some(s),
        _ => None,
    }
}

/// Set the screen's error (or clear it and set the info line).
fn report(app: &mut TillApp, result: Result<String, KasirError>) {
    let lang = app.lang;
    if let Some(s) = screen(app) {
        match result {
            Ok(info) => {
                s.error = None;
                s.info = (!info.is_empty()).then_some(info);
            }
            Err(e) => {
                s.info = None;
                s.error = Some(e.message(lang));
            }
        }
    }
}

/// A refusal of the screen itself, in both languages.
fn refuse(key: &'static str) -> KasirError {
    KasirError::invalid(t(Lang::Id, key), t(Lang::En, key))
}

/// Apply a books-screen action (the one place its state changes).
pub fn apply(app: &mut TillApp, action: BooksAction) {
    let Some(s) = screen(app) else {
        return;
    };
    let s = s.clone();
    match action {
        BooksAction::Tab(tab) => {
            if !tab.allowed(app.actor.as_ref()) {
                report(app, Err(refuse("back.not_allowed")));
                return;
            }
            if let Some(s) = screen(app) {
                s.tab = tab;
                s.error = None;
                s.info = None;
            }
            match tab {
                BooksTab::Day => apply(app, BooksAction::DayLoad),
                BooksTab::Ledger => apply(app, BooksAction::TrialBalance),
                BooksTab::Dashboard => apply(app, BooksAction::Dashboard),
                BooksTab::Exceptions => apply(app, BooksAction::ExceptionsLoad),
                BooksTab::Shu => {
                    if s.shu.total.is_empty() {
                        match app.shop.shu_params() {
                            Ok(p) => {
                                if let Some(s) = screen(app) {
                                    s.shu.total = p.total.normalize().to_string();
                                    s.shu.usaha = p.jasa_usaha_percent.normalize().to_string();
                                    s.shu.modal = p.jasa_modal_percent.normalize().to_string();
                                }
                            }
                            Err(e) => report(app, Err(e)),
                        }
                    }
                }
                BooksTab::Shift | BooksTab::Member => {}
            }
        }
        BooksAction::XReport
        | BooksAction::StartClose
        | BooksAction::CancelClose
        | BooksAction::SubmitCount
        | BooksAction::CashMove
        | BooksAction::RepayKasbon => shift::apply(app, &s, action),
        BooksAction::DayLoad
        | BooksAction::DayAskPost
        | BooksAction::DayPost
        | BooksAction::DayAskReverse
        | BooksAction::DayReverse
        | BooksAction::DayCancel => day::apply(app, &s, action),
        BooksAction::TrialBalance | BooksAction::GeneralLedger | BooksAction::Export => {
            ledger::apply(app, &s, action)
        }
        BooksAction::Statement => members::load(app, &s),
        BooksAction::Shu | BooksAction::ShuExport => shu::apply(app, &s, action),
        BooksAction::Dashboard => dashboard::load(app, &s),
        BooksAction::ExceptionsLoad => exceptions::load(app, &s),
        BooksAction::ExceptionPick(id) => {
            if let Some(s) = screen(app) {
                s.exceptions.resolving = id;
                s.exceptions.note.clear();
                s.exceptions.counted.clear();
                s.error = None;
            }
        }
        BooksAction::ExceptionResolve => exceptions::resolve(app, &s),
    }
}

/// Draw the books screen inside the back office's central panel.
pub fn books_ui(app: &mut TillApp, ui: &mut egui::Ui, actions: &mut Vec<Action>) {
    let lang = app.lang;
    let actor = app.actor.clone();
    let has_shift = app.shift.is_some();
    let users = &app.users;
    let Screen::Back(Back::Books(s)) = &mut app.screen else {
        return;
    };
    ui.heading(t(lang, "menu.books"));
    ui.horizontal(|ui| {
        for tab in BooksTab::ALL {
            if tab.allowed(actor.as_ref())
                && ui
                    .selectable_label(s.tab == tab, RichText::new(t(lang, tab.key())).size(16.0))
                    .clicked()
            {
                actions.push(Action::Books(BooksAction::Tab(tab)));
            }
        }
    });
    ui.separator();
    if let Some(e) = &s.error {
        ui.colored_label(ERROR, e.as_str());
    }
    if let Some(i) = &s.info {
        ui.colored_label(GOOD, i.as_str());
    }
    let x_report = actor
        .as_ref()
        .zip(app.shift.as_ref())
        .is_some_and(|(a, shift)| may_see_expected_cash(a, shift));
    let ctx = Ctx {
        lang,
        actor: actor.as_ref(),
        has_shift,
        x_report,
        users,
    };
    egui::ScrollArea::vertical()
        .id_salt("books_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| match s.tab {
            BooksTab::Shift => shift_ui(&ctx, ui, &mut s.shift, actions),
            BooksTab::Day => day::day_ui(lang, ui, &mut s.day, actions),
            BooksTab::Ledger => ledger_ui(lang, ui, &mut s.ledger, actions),
            BooksTab::Member => member_ui(lang, ui, &mut s.member, actions),
            BooksTab::Shu => shu_ui(lang, ui, &mut s.shu, actions),
            BooksTab::Dashboard => dash_ui(lang, ui, &mut s.dash, actions),
            BooksTab::Exceptions => exceptions::exceptions_ui(lang, ui, &mut s.exceptions, actions),
        });
}

/// What the shift tab needs from the app besides its own state.
struct Ctx<'a> {
    lang: Lang,
    actor: Option<&'a Actor>,
    has_shift: bool,
    /// The service's rule: the X report (expected cash) is not for the one who counts.
    x_report: bool,
    users: &'a [crate::service::screen::UserRow],
}

fn act(actions: &mut Vec<Action>, a: BooksAction) {
    actions.push(Action::Books(a));
}
