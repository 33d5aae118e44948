//! The till: egui screens. Screens draw and return actions; [`TillApp::apply`] is the one
//! place state changes, through the services. No SQL and no shop rules here.

mod till;

use std::time::Instant;

use eframe::egui;
use rust_decimal::Decimal;

use crate::domain::cart::{Cart, Tender, TenderKind};
use crate::domain::user::Actor;
use crate::error::Result;
use crate::i18n::{t, Lang};
use crate::service::Shop;
use crate::store::sales::SaleRecord;

/// How the till was started.
#[derive(Debug, Clone, Default)]
pub struct TillOptions {
    pub demo: bool,
    pub lang: Option<Lang>,
}

/// Start the till window.
pub fn run(shop: Shop, opts: TillOptions) -> Result<()> {
    let app = TillApp::new(shop, &opts)?;
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
        crate::KasirError::invalid(
            format!("Layar tidak bisa dibuka: {e}"),
            format!("Cannot open the window: {e}"),
        )
    })
}

/// A message in the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub error: bool,
    pub at: Instant,
}

/// The payment dialog's state.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PayState {
    pub cash_text: String,
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
    Selling,
}

/// Something the cashier asked for.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    SelectUser(usize),
    Login,
    Logout,
    Scan(String),
    SetQty(usize, Decimal),
    RemoveLine(usize),
    OpenPay,
    ClosePay,
    Pay { cash: Decimal },
    ToggleLang,
}

/// The till's state.
pub struct TillApp {
    pub shop: Shop,
    pub lang: Lang,
    pub till: String,
    pub users: Vec<crate::store::users::UserRow>,
    pub screen: Screen,
    pub actor: Option<Actor>,
    pub cart: Cart,
    pub scan_text: String,
    pub pay: Option<PayState>,
    pub last_sale: Option<SaleRecord>,
    pub notice: Option<Notice>,
    pub demo: bool,
}

impl TillApp {
    pub fn new(shop: Shop, opts: &TillOptions) -> Result<Self> {
        let settings = shop.settings()?;
        let users = shop.users()?;
        Ok(TillApp {
            lang: opts.lang.unwrap_or(settings.lang),
            till: "sembako-1".into(),
            users,
            screen: Screen::Login {
                user: 0,
                pin: String::new(),
                error: None,
            },
            actor: None,
            cart: Cart::default(),
            scan_text: String::new(),
            pay: None,
            last_sale: None,
            notice: None,
            demo: opts.demo,
            shop,
        })
    }

    fn notify(&mut self, text: String, error: bool) {
        if error {
            tracing::info!(%text, "till refused");
        }
        self.notice = Some(Notice {
            text,
            error,
            at: Instant::now(),
        });
    }

    /// Apply one action. Every change of state goes through here.
    pub fn apply(&mut self, action: Action) {
        let lang = self.lang;
        match action {
            Action::SelectUser(i) => {
                if let Screen::Login { user, pin, error } = &mut self.screen {
                    *user = i;
                    pin.clear();
                    *error = None;
                }
            }
            Action::Login => {
                let Screen::Login { user, pin, .. } = &self.screen else {
                    return;
                };
                let Some(u) = self.users.get(*user) else {
                    return;
                };
                let (username, pin) = (u.username.clone(), pin.clone());
                match self.shop.login(&username, &pin) {
                    Ok(actor) => {
                        if let Ok(None) = self.shop.current_shift(&self.till) {
                            if let Err(e) = self.shop.open_shift(
                                &actor,
                                &self.till,
                                Decimal::ZERO,
                                &Default::default(),
                            ) {
                                self.notify(e.message(lang), true);
                            }
                        }
                        self.actor = Some(actor);
                        self.screen = Screen::Selling;
                        self.notice = None;
                    }
                    Err(e) => {
                        if let Screen::Login { pin, error, .. } = &mut self.screen {
                            pin.clear();
                            *error = Some(e.message(lang));
                        }
                    }
                }
            }
            Action::Logout => {
                self.actor = None;
                self.pay = None;
                self.screen = Screen::Login {
                    user: 0,
                    pin: String::new(),
                    error: None,
                };
            }
            Action::Scan(text) => {
                let text = text.trim().to_string();
                if text.is_empty() {
                    return;
                }
                self.last_sale = None;
                match self.shop.scan_into(&mut self.cart, &text) {
                    Ok(i) => {
                        let l = &self.cart.lines[i];
                        let msg = format!(
                            "{} × {} {}",
                            crate::domain::money::format_qty(l.qty),
                            l.item.unit,
                            l.item.name
                        );
                        self.notify(msg, false);
                    }
                    Err(e) => self.notify(e.message(lang), true),
                }
            }
            Action::SetQty(i, q) => {
                if let Err(e) = self.cart.set_qty(i, q) {
                    self.notify(crate::KasirError::from(e).message(lang), true);
                }
            }
            Action::RemoveLine(i) => {
                let _ = self.cart.remove(i);
            }
            Action::OpenPay => {
                if self.cart.is_empty() {
                    self.notify(
                        crate::KasirError::from(crate::domain::cart::PayError::EmptyCart)
                            .message(lang),
                        true,
                    );
                } else {
                    self.pay = Some(PayState::default());
                }
            }
            Action::ClosePay => self.pay = None,
            Action::Pay { cash } => self.pay_cash(cash),
            Action::ToggleLang => {
                self.lang = match self.lang {
                    Lang::Id => Lang::En,
                    Lang::En => Lang::Id,
                }
            }
        }
    }

    fn pay_cash(&mut self, cash: Decimal) {
        let lang = self.lang;
        let Some(actor) = self.actor.clone() else {
            return;
        };
        if self.pay.is_none() {
            return;
        }
        let tenders = [Tender {
            kind: TenderKind::Cash,
            amount: cash,
            reference: None,
        }];
        match self.shop.checkout(&actor, &self.till, &self.cart, &tenders) {
            Ok(sale) => {
                tracing::info!(number = %sale.number, total = %sale.payable, "sale committed");
                self.cart = Cart::default();
                self.pay = None;
                self.notify(format!("{} {}", t(lang, "pay.done"), sale.number), false);
                self.last_sale = Some(sale);
            }
            Err(e) => {
                if let Some(p) = &mut self.pay {
                    p.error = Some(e.message(lang));
                }
            }
        }
    }

    /// Draw one frame and apply what the cashier did.
    pub fn frame(&mut self, ui: &mut egui::Ui) {
        let actions = match &self.screen {
            Screen::Login { .. } => till::login_ui(self, ui),
            Screen::Selling => till::selling_ui(self, ui),
        };
        for a in actions {
            self.apply(a);
        }
        // X11 without an input method: an enabled IME swallows every key (DESIGN.md).
        ui.ctx().output_mut(|o| o.ime = None);
    }
}

impl eframe::App for TillApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        self.frame(ui);
    }
}
