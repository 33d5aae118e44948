//! The till's counter scale: a serial scale read on its own thread (setting `scale.port`),
//! or the demo's simulated one (`sim`), with its state for the status bar. What may be sold
//! from a reading is decided in `service::weighing`.

use std::time::Duration;

use eframe::egui;
use kasir_hardware::{ScaleHandle, ScaleReading, SimScale, Weight};

use super::{err_text, Dialog, TillApp};
use crate::domain::cart::Cart;
use crate::domain::money::format_qty;
use crate::error::{KasirError, Result};
use crate::i18n::{t, Lang};
use crate::service::weighing::{self, ScaleSettings, SIM_SCALE};

/// The scale's state, for the status bar and the audit of typed weights.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScaleState {
    /// No scale set up: weights are typed.
    None,
    Connected,
    Disconnected,
    Simulated,
}

impl ScaleState {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ScaleState::None => t(lang, "scale.none"),
            ScaleState::Connected => t(lang, "scale.connected"),
            ScaleState::Disconnected => t(lang, "scale.disconnected"),
            ScaleState::Simulated => t(lang, "scale.sim"),
        }
    }
}

/// The till's scale.
pub struct ScaleSource {
    handle: Option<ScaleHandle>,
    sim: Option<SimScale>,
    pub state: ScaleState,
    /// The tare (grams) the F4 dialog starts from (setting `scale.tare`).
    pub tare_g: u32,
    /// The demo's control: grams to put on the simulated scale.
    pub sim_grams: String,
}

impl ScaleSource {
    /// No scale.
    pub fn none() -> Self {
        ScaleSource {
            handle: None,
            sim: None,
            state: ScaleState::None,
            tare_g: 0,
            sim_grams: String::new(),
        }
    }

    /// The scale the settings name: a serial reader, the simulated scale (`sim`), or none.
    pub fn from_settings(settings: Option<&ScaleSettings>) -> Self {
        let Some(s) = settings else {
            return Self::none();
        };
        if s.port == SIM_SCALE {
            let (mut source, _) = Self::simulated();
            source.tare_g = s.tare_g;
            return source;
        }
        ScaleSource {
            handle: Some(kasir_hardware::spawn_serial_scale(s.config())),
            sim: None,
            state: ScaleState::Disconnected,
            tare_g: s.tare_g,
            sim_grams: String::new(),
        }
    }

    /// A simulated scale (demo, tests) and the simulator that puts weights on it.
    pub fn simulated() -> (Self, SimScale) {
        let (sim, handle) = SimScale::new();
        let source = ScaleSource {
            handle: Some(handle),
            sim: Some(sim.clone()),
            state: ScaleState::Simulated,
            tare_g: 0,
            sim_grams: "1250".into(),
        };
        (source, sim)
    }

    /// Whether a scale is set up (typed weights are then audited).
    pub fn configured(&self) -> bool {
        self.handle.is_some()
    }

    /// Whether the demo's scale control makes sense.
    pub fn can_simulate(&self) -> bool {
        self.sim.is_some()
    }

    /// The demo's control: put `grams` on the simulated scale (0 takes the goods off).
    pub fn simulate_put(&self, grams: i64) {
        if let Some(sim) = &self.sim {
            sim.put(grams);
        }
    }

    /// Take what the reader sent since the last frame.
    pub fn poll(&mut self, ctx: &egui::Context) {
        let Some(h) = &mut self.handle else {
            return;
        };
        h.poll();
        self.state = match (h.connected(), self.sim.is_some()) {
            (true, true) => ScaleState::Simulated,
            (true, false) => ScaleState::Connected,
            (false, _) => ScaleState::Disconnected,
        };
        ctx.request_repaint_after(Duration::from_millis(100));
    }

    /// The newest reading (none when unplugged or after garbage).
    pub fn latest(&self) -> Option<ScaleReading> {
        self.handle.as_ref().and_then(ScaleHandle::latest)
    }

    /// The scale's state and what it shows, for the cashier: `simulasi · 1,250 kg`.
    pub fn shown(&self, lang: Lang) -> String {
        let state = self.state.label(lang);
        match self.latest() {
            None => state.to_string(),
            Some(r) => {
                let w = match r.weight {
                    Weight::Grams(g) => kasir_hardware::format_kg(g, lang == Lang::Id),
                    Weight::Overload => t(lang, "scale.overload").to_string(),
                    Weight::UnderZero => t(lang, "scale.under_zero").to_string(),
                };
                let moving = if r.stable {
                    ""
                } else {
                    t(lang, "scale.moving")
                };
                format!("{state} · {w}{moving}")
            }
        }
    }

    /// What the scale shows, for the audit of a typed weight: its state and last reading.
    pub fn describe(&self) -> String {
        let state = self.state.label(Lang::En);
        match self.latest() {
            None => format!("{state}, no reading"),
            Some(r) => {
                let w = match r.weight {
                    Weight::Grams(g) => kasir_hardware::format_kg(g, false),
                    Weight::Overload => "overload".into(),
                    Weight::UnderZero => "under zero".into(),
                };
                let stable = if r.stable { "stable" } else { "unstable" };
                format!("{state}, {w} {stable}")
            }
        }
    }
}

impl TillApp {
    /// Timbang: the scale's stable weight less the tare becomes the line's quantity, or the
    /// dialog says why not (unstable, zero, negative, overload, no scale, tare too heavy).
    pub(super) fn weigh(&mut self) {
        let lang = self.lang;
        let reading = self.scale.latest();
        let Some(Dialog::Qty {
            text,
            error,
            tare,
            from_scale,
            ..
        }) = &mut self.dialog
        else {
            return;
        };
        let tare_g = match tare.trim() {
            "" => Ok(0),
            t => t
                .parse::<u32>()
                .ok()
                .filter(|g| *g <= weighing::MAX_TARE_G)
                .ok_or_else(|| {
                    KasirError::invalid(
                        format!("Tara \"{t}\" harus gram bulat"),
                        format!("Tare \"{t}\" must be whole grams"),
                    )
                }),
        };
        match tare_g.and_then(|g| weighing::weight_to_sell(reading, g)) {
            Ok(kg) => {
                *text = format_qty(kg);
                *from_scale = Some(text.clone());
                *error = None;
                self.apply_qty();
            }
            Err(e) => *error = Some(err_text(&e, lang)),
        }
    }

    /// With a scale at the till, a weighed line's weight typed by hand (`typed`) is put on
    /// record with what the scale showed.
    pub(super) fn audit_if_typed(&mut self, next: &Cart, line: usize, typed: bool) -> Result<()> {
        // Only a weight that changed: opening F4 and confirming the same weight types nothing.
        let before = self.cart.lines.get(line).map(|l| l.qty);
        let weighed = next
            .lines
            .get(line)
            .filter(|l| l.item.weighed && Some(l.qty) != before);
        match (weighed, typed, self.scale.configured(), &self.actor) {
            (Some(l), true, true, Some(actor)) => {
                let scale = self.scale.describe();
                self.shop
                    .audit_typed_weight(actor, &self.till, &l.item, l.qty, &scale)
            }
            _ => Ok(()),
        }
    }
}
