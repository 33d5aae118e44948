//! The till's state and its one place of change: [`TillApp::apply`] routes each action to
//! the screen it belongs to (login, selling, back office, stock, books); [`TillApp::frame`]
//! draws the screen in force and applies what it returned. Background threads (file check,
//! daily backup, print worker) start here too.

use std::time::{Duration, Instant};

use eframe::egui;

use super::*;
use crate::domain::cart::Cart;
use crate::domain::catalog::BusinessUnit;
use crate::domain::user::{Actor, Permission, Role};
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::screen::{SaleRecord, ShiftRow, UserRow};
use crate::service::{Shop, ShopSettings};

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
            widgets::ERROR
        } else {
            widgets::GOOD
        };
        base.gamma_multiply(self.opacity(now))
    }

    /// Whether it has faded out at `now`.
    pub fn gone(&self, now: f64) -> bool {
        self.at.is_some_and(|at| now - at >= self.lifetime())
    }
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
    /// The background sync with the coop's server, when this shop file has joined one.
    pub sync: Option<crate::service::sync_worker::SyncWorkerHandle>,
}

impl TillApp {
    pub fn new(shop: Shop, opts: &TillOptions) -> Result<Self> {
        let settings = shop.settings()?;
        let users = shop.users()?;
        let till = match &opts.till {
            Some(t) => t.clone(),
            None => shop.setting(crate::service::settings::Key::TillDefault)?,
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
            sync: None,
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

    /// Sync with the coop's server in the background, every `sync.interval_secs`, when this
    /// shop file has joined one (`kasir till join`); a shop that has not shows nothing of it.
    pub fn start_sync(&mut self) -> Result<()> {
        self.sync = None;
        let path = self.shop.file_path().to_path_buf();
        // A credentials file that does not read still starts the thread: each run fails
        // and the status bar says so, instead of the window not opening.
        if path.as_os_str() == ":memory:" || matches!(self.shop.joined_till(), Ok(None)) {
            return Ok(());
        }
        let secs: u64 = self
            .shop
            .setting(crate::service::settings::Key::SyncIntervalSecs)?
            .parse()
            .unwrap_or(30);
        self.sync = Some(crate::service::sync_worker::SyncWorkerHandle::spawn(
            path,
            self.shop.clock.clone(),
            Duration::from_secs(secs.max(1)),
        ));
        Ok(())
    }

    pub(super) fn notify(&mut self, text: String, error: bool) {
        if error {
            tracing::info!(%text, "till refused");
        }
        self.notice = Some(Notice::new(text, error));
    }

    pub(super) fn may(&self, p: Permission) -> bool {
        self.actor.as_ref().is_some_and(|a| a.role.may(p))
    }

    /// The line actions apply to: the selected one, else the last.
    pub(super) fn current_line(&self) -> Option<usize> {
        match self.selected {
            Some(i) if i < self.cart.lines.len() => Some(i),
            _ => self.cart.lines.len().checked_sub(1),
        }
    }

    pub(super) fn first_supervisor(&self) -> usize {
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

    pub(super) fn apply_inner(&mut self, action: Action) {
        match action {
            Action::SelectUser(_)
            | Action::PinKey(_)
            | Action::PinBack
            | Action::Login
            | Action::Logout
            | Action::ToggleLang
            | Action::OpenShift => self.apply_login(action),
            Action::GoBack(_)
            | Action::GoSelling
            | Action::ProductsSearch
            | Action::EditPrice(_)
            | Action::SavePrice
            | Action::MembersSearch
            | Action::SaveSettings
            | Action::TestPrinter => self.apply_back(action),
            Action::Stock(a) => stock::apply(self, a),
            Action::Books(a) => books::apply(self, a),
            other => self.apply_selling(other),
        }
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
        if self.sync.is_some() {
            // The status bar's "synced N min ago" follows the sync thread and the clock.
            ui.ctx().request_repaint_after(Duration::from_secs(1));
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
