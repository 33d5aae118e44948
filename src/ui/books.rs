//! The books screen: shift close (blind count, Z report), petty cash and kasbon repayment for
//! the cashier; day close, ledger, members' statements, SHU and the dashboard for the
//! treasurer. Tabs a role cannot use are not shown. Data is loaded in [`apply`] only.

use chrono::{Datelike, NaiveDate};
use eframe::egui::{self, RichText};
use rust_decimal::Decimal;

mod dashboard;
mod day;

pub use day::{DayConfirm, DayTab};

use super::login::{ERROR, GOOD};
use super::{Action, Approval, Back, Screen, TillApp};
use crate::domain::books_names;
use crate::domain::cash::{CashCount, DENOMINATIONS};
use crate::domain::money::{format_rupiah, AllowSen, Amount, Quantity};
use crate::domain::user::{Actor, Permission};
use crate::error::KasirError;
use crate::i18n::{t, Lang};
use crate::service::dashboard::Dashboard;
use crate::service::ledger::{GeneralLedger, LedgerFormat, TrialBalance};
use crate::service::member_books::{ShuParams, ShuReport, Statement};
use crate::service::shift_close::{may_see_expected_cash, CashMoveKind};

/// The tabs of the books screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BooksTab {
    Shift,
    Day,
    Ledger,
    Member,
    Shu,
    Dashboard,
}

impl BooksTab {
    pub const ALL: [BooksTab; 6] = [
        BooksTab::Shift,
        BooksTab::Day,
        BooksTab::Ledger,
        BooksTab::Member,
        BooksTab::Shu,
        BooksTab::Dashboard,
    ];

    fn key(self) -> &'static str {
        match self {
            BooksTab::Shift => "books.tab_shift",
            BooksTab::Day => "books.tab_day",
            BooksTab::Ledger => "books.tab_ledger",
            BooksTab::Member => "books.tab_member",
            BooksTab::Shu => "books.tab_shu",
            BooksTab::Dashboard => "books.tab_dashboard",
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
        }
    }
}

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

/// The ledger tab: trial balance, general ledger, export.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LedgerTab {
    pub from: String,
    pub to: String,
    pub trial: Option<TrialBalance>,
    pub account: String,
    pub gl: Option<GeneralLedger>,
    /// 0 hledger, 1 csv, 2 json.
    pub format: usize,
    pub path: String,
}

/// The members' statement tab.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberTab {
    pub number: String,
    pub month: String,
    pub statement: Option<Statement>,
}

/// The SHU tab.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ShuTab {
    pub year: String,
    pub total: String,
    pub usaha: String,
    pub modal: String,
    pub report: Option<ShuReport>,
    pub path: String,
}

/// The dashboard tab.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DashTab {
    pub from: String,
    pub to: String,
    pub dash: Option<Dashboard>,
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
}

const FORMATS: [(&str, LedgerFormat, &str); 3] = [
    ("hledger", LedgerFormat::Hledger, "journal"),
    ("csv", LedgerFormat::Csv, "csv"),
    ("json", LedgerFormat::Json, "json"),
];

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
    let lang = app.lang;
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
        BooksAction::DayLoad
        | BooksAction::DayAskPost
        | BooksAction::DayPost
        | BooksAction::DayAskReverse
        | BooksAction::DayReverse
        | BooksAction::DayCancel => day::apply(app, &s, action),
        BooksAction::TrialBalance => {
            let result = range_date(&s.ledger.from)
                .and_then(|f| Ok((f, range_date(&s.ledger.to)?)))
                .and_then(|(f, to)| app.shop.trial_balance(f, to));
            match result {
                Ok(tb) => {
                    if let Some(s) = screen(app) {
                        s.ledger.trial = Some(tb);
                    }
                }
                Err(e) => report(app, Err(e)),
            }
        }
        BooksAction::GeneralLedger => {
            let result = range_date(&s.ledger.from)
                .and_then(|f| Ok((f, range_date(&s.ledger.to)?)))
                .and_then(|(f, to)| app.shop.general_ledger(&s.ledger.account, f, to));
            match result {
                Ok(gl) => {
                    if let Some(s) = screen(app) {
                        s.ledger.gl = Some(gl);
                        s.error = None;
                    }
                }
                Err(e) => report(app, Err(e)),
            }
        }
        BooksAction::Export => {
            let (_, format, _) = FORMATS[s.ledger.format.min(FORMATS.len() - 1)];
            let path = s.ledger.path.trim().to_string();
            let result = (|| {
                if path.is_empty() {
                    return Err(refuse("books.need_path"));
                }
                let from = range_date(&s.ledger.from)?;
                let to = range_date(&s.ledger.to)?;
                let file = std::fs::File::create(&path)?;
                let mut w = std::io::BufWriter::new(file);
                let n = app.shop.export_ledger(format, from, to, &mut w)?;
                std::io::Write::flush(&mut w)?;
                Ok(format!("{n} {} {path}", t(lang, "books.exported")))
            })();
            report(app, result);
        }
        BooksAction::Statement => {
            match app.shop.member_statement(&s.member.number, &s.member.month) {
                Ok(st) => {
                    if let Some(s) = screen(app) {
                        s.member.statement = Some(st);
                        s.error = None;
                    }
                }
                Err(e) => {
                    if let Some(s) = screen(app) {
                        s.member.statement = None;
                    }
                    report(app, Err(e));
                }
            }
        }
        BooksAction::Shu => match shu_report(app, &s.shu) {
            Ok(r) => {
                if let Some(s) = screen(app) {
                    s.shu.report = Some(r);
                    s.error = None;
                }
            }
            Err(e) => report(app, Err(e)),
        },
        BooksAction::ShuExport => {
            let path = s.shu.path.trim().to_string();
            let result = (|| {
                if path.is_empty() {
                    return Err(refuse("books.need_path"));
                }
                let r = shu_report(app, &s.shu)?;
                let file = std::fs::File::create(&path)?;
                let mut w = std::io::BufWriter::new(file);
                app.shop.write_shu_csv(&r, &mut w)?;
                std::io::Write::flush(&mut w)?;
                if let Some(s) = screen(app) {
                    s.shu.report = Some(r);
                }
                Ok(format!("{} {path}", t(lang, "books.exported_shu")))
            })();
            report(app, result);
        }
        BooksAction::Dashboard => {
            let result = (|| {
                let today = app.shop.now().date();
                let from = range_date(&s.dash.from)?.unwrap_or(today);
                let to = range_date(&s.dash.to)?.unwrap_or(today);
                app.shop.dashboard(from, to, 10)
            })();
            match result {
                Ok(d) => {
                    if let Some(s) = screen(app) {
                        s.dash.dash = Some(d);
                        s.error = None;
                    }
                }
                Err(e) => report(app, Err(e)),
            }
        }
    }
}

fn shu_report(app: &TillApp, tab: &ShuTab) -> Result<ShuReport, KasirError> {
    let year: i32 = tab
        .year
        .trim()
        .parse()
        .map_err(|_| refuse("books.bad_year"))?;
    let percent = |s: &str| Quantity::parse(s, 2);
    let params = ShuParams {
        total: Amount::parse(&tab.total, AllowSen::Yes)?,
        jasa_usaha_percent: percent(&tab.usaha)?,
        jasa_modal_percent: percent(&tab.modal)?,
    };
    app.shop.shu_report(year, &params)
}

fn submit_count(app: &mut TillApp, tab: &ShiftTab) {
    let lang = app.lang;
    let Some(actor) = app.actor.clone() else {
        return;
    };
    let mut entries = Vec::new();
    for (d, n) in DENOMINATIONS.iter().zip(&tab.counts) {
        if !n.trim().is_empty() && n.trim() != "0" {
            entries.push(format!("{d}*{}", n.trim()));
        }
    }
    let count = match CashCount::parse(&entries) {
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

/// A labelled single-line field.
fn field(ui: &mut egui::Ui, label: &str, text: &mut String, width: f32) -> egui::Response {
    let l = ui.label(label);
    ui.add(egui::TextEdit::singleline(text).desired_width(width))
        .labelled_by(l.id)
}

fn money_cell(ui: &mut egui::Ui, amount: Decimal) {
    if amount.is_zero() {
        ui.label("");
    } else {
        ui.label(format_rupiah(amount));
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
            BooksTab::Dashboard => dashboard::dash_ui(lang, ui, &mut s.dash, actions),
        });
}

/// What the shift tab needs from the app besides its own state.
struct Ctx<'a> {
    lang: Lang,
    actor: Option<&'a Actor>,
    has_shift: bool,
    /// The service's rule: the X report (expected cash) is not for the one who counts.
    x_report: bool,
    users: &'a [crate::store::users::UserRow],
}

fn act(actions: &mut Vec<Action>, a: BooksAction) {
    actions.push(Action::Books(a));
}

fn shift_ui(c: &Ctx, ui: &mut egui::Ui, tab: &mut ShiftTab, actions: &mut Vec<Action>) {
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
                    submit |= super::login::submitted(ui, &r);
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
            } else if super::dialogs::supervisor_ui(lang, ui, c.users, &mut tab.approval, false) {
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

fn ledger_ui(lang: Lang, ui: &mut egui::Ui, tab: &mut LedgerTab, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        field(ui, t(lang, "books.from"), &mut tab.from, 110.0);
        field(ui, t(lang, "books.to"), &mut tab.to, 110.0);
        if ui.button(t(lang, "books.trial_balance")).clicked() {
            act(actions, BooksAction::TrialBalance);
        }
    });
    if let Some(tb) = &tab.trial {
        ui.strong(format!(
            "{} {} – {}",
            t(lang, "books.trial_balance"),
            tb.from,
            tb.to
        ));
        super::table(
            ui,
            lang,
            "books_trial",
            &[
                "books.account",
                "books.account_name",
                "books.opening",
                "books.debit",
                "books.credit",
                "books.closing",
            ],
            |ui| {
                for r in tb
                    .rows
                    .iter()
                    .filter(|r| !(r.opening.is_zero() && r.debit.is_zero() && r.credit.is_zero()))
                {
                    ui.label(&r.code);
                    ui.label(books_names::account_name(&r.code, &r.name, lang));
                    ui.label(format_rupiah(r.opening));
                    money_cell(ui, r.debit);
                    money_cell(ui, r.credit);
                    ui.label(format_rupiah(r.closing));
                    ui.end_row();
                }
                ui.strong(t(lang, "books.total"));
                ui.label("");
                ui.label("");
                ui.strong(format_rupiah(tb.total_debit));
                ui.strong(format_rupiah(tb.total_credit));
                if tb.total_debit == tb.total_credit {
                    ui.colored_label(GOOD, t(lang, "books.balanced"));
                } else {
                    ui.colored_label(ERROR, t(lang, "books.unbalanced"));
                }
                ui.end_row();
            },
        );
    }
    ui.separator();
    ui.horizontal(|ui| {
        let r = field(ui, t(lang, "books.account"), &mut tab.account, 100.0);
        if super::login::submitted(ui, &r) || ui.button(t(lang, "books.general_ledger")).clicked() {
            act(actions, BooksAction::GeneralLedger);
        }
    });
    if let Some(gl) = &tab.gl {
        ui.strong(format!(
            "{} {} — {}: {}",
            gl.code,
            books_names::account_name(&gl.code, &gl.name, lang),
            t(lang, "books.opening"),
            format_rupiah(gl.opening)
        ));
        super::table(
            ui,
            lang,
            "books_gl",
            &[
                "books.date",
                "books.journal",
                "books.memo",
                "books.debit",
                "books.credit",
                "books.balance",
            ],
            |ui| {
                for e in &gl.entries {
                    ui.label(&e.date);
                    ui.label(&e.journal);
                    ui.label(books_names::memo(&e.memo, lang));
                    money_cell(ui, e.debit);
                    money_cell(ui, e.credit);
                    ui.label(format_rupiah(e.balance));
                    ui.end_row();
                }
            },
        );
        ui.label(format!(
            "{}: {}",
            t(lang, "books.closing"),
            format_rupiah(gl.closing)
        ));
    }
    ui.separator();
    ui.strong(t(lang, "books.export"));
    ui.horizontal(|ui| {
        for (i, (name, _, ext)) in FORMATS.iter().enumerate() {
            if ui.selectable_label(tab.format == i, *name).clicked() && tab.format != i {
                tab.format = i;
                let stem = tab
                    .path
                    .rsplit_once('.')
                    .map(|(s, _)| s.to_string())
                    .unwrap_or_else(|| tab.path.clone());
                tab.path = format!("{stem}.{ext}");
            }
        }
        field(ui, t(lang, "books.path"), &mut tab.path, 320.0);
        if ui.button(t(lang, "books.export_button")).clicked() {
            act(actions, BooksAction::Export);
        }
    });
}

fn member_ui(lang: Lang, ui: &mut egui::Ui, tab: &mut MemberTab, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        field(ui, t(lang, "books.member_no"), &mut tab.number, 140.0);
        let r = field(ui, t(lang, "books.month"), &mut tab.month, 90.0);
        if super::login::submitted(ui, &r) || ui.button(t(lang, "books.show")).clicked() {
            act(actions, BooksAction::Statement);
        }
    });
    let Some(st) = &tab.statement else {
        return;
    };
    ui.strong(format!("{} {} · {}", st.number, st.name, st.month));
    egui::Grid::new("books_statement")
        .num_columns(2)
        .show(ui, |ui| {
            for (u, a) in &st.purchases {
                ui.label(format!("{} {u}", t(lang, "books.purchases")));
                ui.label(format_rupiah(*a));
                ui.end_row();
            }
            for (k, a) in [
                ("books.kasbon_opening", st.kasbon_opening),
                ("books.kasbon_taken", st.kasbon_taken),
                ("books.kasbon_repaid", st.kasbon_repaid),
                ("books.kasbon_closing", st.kasbon_closing),
            ] {
                ui.label(t(lang, k));
                ui.label(format_rupiah(a));
                ui.end_row();
            }
        });
    if !st.moves.is_empty() {
        egui::Grid::new("books_moves")
            .striped(true)
            .num_columns(4)
            .show(ui, |ui| {
                for (d, what, r, a) in &st.moves {
                    ui.label(d);
                    ui.label(what);
                    ui.label(r);
                    ui.label(format_rupiah(*a));
                    ui.end_row();
                }
            });
    }
}

fn shu_ui(lang: Lang, ui: &mut egui::Ui, tab: &mut ShuTab, actions: &mut Vec<Action>) {
    ui.horizontal(|ui| {
        field(ui, t(lang, "books.year"), &mut tab.year, 60.0);
        field(ui, t(lang, "books.shu_total"), &mut tab.total, 140.0);
        field(ui, t(lang, "books.shu_usaha"), &mut tab.usaha, 50.0);
        field(ui, t(lang, "books.shu_modal"), &mut tab.modal, 50.0);
        if ui.button(t(lang, "books.show")).clicked() {
            act(actions, BooksAction::Shu);
        }
    });
    if let Some(r) = &tab.report {
        ui.label(format!(
            "{} {} · {} {}",
            t(lang, "books.pool_usaha"),
            format_rupiah(r.pool_usaha),
            t(lang, "books.pool_modal"),
            format_rupiah(r.pool_modal)
        ));
        super::table(
            ui,
            lang,
            "books_shu",
            &[
                "books.member_no",
                "back.name",
                "books.purchases",
                "books.capital",
                "books.jasa_usaha",
                "books.jasa_modal",
                "books.total",
            ],
            |ui| {
                for row in &r.rows {
                    ui.label(&row.number);
                    ui.label(&row.name);
                    ui.label(format_rupiah(row.purchases_total));
                    ui.label(format_rupiah(row.capital));
                    ui.label(format_rupiah(row.jasa_usaha));
                    ui.label(format_rupiah(row.jasa_modal));
                    ui.label(format_rupiah(row.total));
                    ui.end_row();
                }
                ui.strong(t(lang, "books.total"));
                ui.label("");
                ui.label("");
                ui.label("");
                ui.strong(format_rupiah(r.total_usaha));
                ui.strong(format_rupiah(r.total_modal));
                ui.strong(format_rupiah(r.total_shared));
                ui.end_row();
            },
        );
    }
    ui.horizontal(|ui| {
        field(ui, t(lang, "books.path"), &mut tab.path, 320.0);
        if ui.button(t(lang, "books.export_csv")).clicked() {
            act(actions, BooksAction::ShuExport);
        }
    });
}
