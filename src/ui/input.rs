//! Where scans come from: keyboard-wedge bursts picked out of egui's key events by the
//! hardware crate's [`WedgeDetector`] (the one place that classifies them), and a serial or
//! simulated scanner read on its own thread.

use std::time::Duration;

use eframe::egui::{self, Event, Key};
use kasir_hardware::{
    KeyEvent, ScannerConfig, ScannerEvent, ScannerHandle, SimScanner, WedgeDetector, WedgeOutput,
};

use super::{Action, Notice};
use crate::i18n::{t, Lang};
use crate::service::ShopSettings;

/// Keys a scanner never sends: they end a burst and pass through to the widgets.
fn ends_burst(key: Key) -> bool {
    use Key::*;
    matches!(
        key,
        Backspace
            | Delete
            | Escape
            | Tab
            | ArrowUp
            | ArrowDown
            | ArrowLeft
            | ArrowRight
            | Home
            | End
            | PageUp
            | PageDown
            | Insert
            | F1
            | F2
            | F3
            | F4
            | F5
            | F6
            | F7
            | F8
            | F9
            | F10
            | F11
            | F12
    )
}

fn enter_event() -> Event {
    Event::Key {
        key: Key::Enter,
        physical_key: None,
        pressed: true,
        repeat: false,
        modifiers: egui::Modifiers::NONE,
    }
}

/// Run this frame's key events through the wedge detector: scanner bursts come out as
/// codes (and never reach a text field), typing is put back for the widgets — late by at
/// most the detector's gap.
pub fn split_wedge(ctx: &egui::Context, det: &mut WedgeDetector) -> Vec<String> {
    let mut scans = Vec::new();
    ctx.input_mut(|i| {
        let now = det.frame_clock(Duration::from_secs_f64(i.time.max(0.0)));
        let mut out = Vec::with_capacity(i.events.len());
        let mut emit = |o: WedgeOutput, out: &mut Vec<Event>| match o {
            WedgeOutput::Nothing => {}
            WedgeOutput::Scan(code) => scans.push(code),
            WedgeOutput::Typed { text, enter } => {
                if !text.is_empty() {
                    out.push(Event::Text(text));
                }
                if enter {
                    out.push(enter_event());
                }
            }
        };
        for ev in std::mem::take(&mut i.events) {
            match &ev {
                Event::Text(text) => {
                    for ch in text.chars() {
                        emit(det.feed(KeyEvent::char(ch, now)), &mut out);
                    }
                }
                Event::Key {
                    key: Key::Enter,
                    pressed: true,
                    modifiers,
                    ..
                } if modifiers.is_none() => emit(det.feed(KeyEvent::enter(now)), &mut out),
                Event::Key {
                    key: Key::Enter,
                    pressed: false,
                    ..
                } => {}
                Event::Key {
                    key, pressed: true, ..
                } if ends_burst(*key) => {
                    emit(det.feed(KeyEvent::other(now)), &mut out);
                    out.push(ev);
                }
                _ => out.push(ev),
            }
        }
        emit(det.tick(now), &mut out);
        i.events = out;
    });
    if !det.pending().is_empty() {
        ctx.request_repaint_after(det.max_gap);
    }
    scans
}

/// The till's scanners: the keyboard wedge always, plus a serial port (setting
/// `scanner.port`) or, in the demo, a simulated scanner.
pub struct ScanSource {
    pub wedge: WedgeDetector,
    serial: Option<ScannerHandle>,
    sim: Option<SimScanner>,
    /// What the status bar says about the scanner.
    pub state: ScannerState,
    demo_codes: Vec<&'static str>,
    next_demo: usize,
}

/// The serial scanner's state, for the status bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScannerState {
    /// Only the keyboard wedge.
    Wedge,
    Connected,
    Disconnected,
    Simulated,
}

impl ScannerState {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            ScannerState::Wedge => t(lang, "scanner.wedge"),
            ScannerState::Connected => t(lang, "scanner.connected"),
            ScannerState::Disconnected => t(lang, "scanner.disconnected"),
            ScannerState::Simulated => t(lang, "scanner.sim"),
        }
    }
}

impl ScanSource {
    /// Keyboard wedge only.
    pub fn wedge_only() -> Self {
        ScanSource {
            wedge: WedgeDetector::default(),
            serial: None,
            sim: None,
            state: ScannerState::Wedge,
            demo_codes: Vec::new(),
            next_demo: 0,
        }
    }

    pub fn from_settings(settings: &ShopSettings, demo: bool) -> Self {
        let mut s = Self::wedge_only();
        if let Some(port) = settings.scanner.as_deref().filter(|p| !p.is_empty()) {
            s.serial = Some(kasir_hardware::spawn_serial_scanner(ScannerConfig::new(
                port,
            )));
            s.state = ScannerState::Disconnected;
        } else if demo {
            let (sim, handle) = SimScanner::new();
            s.sim = Some(sim);
            s.serial = Some(handle);
            s.state = ScannerState::Simulated;
            s.demo_codes = vec![
                "8991234567891",
                "8991483002310",
                "8992097000976",
                "8991993003616",
            ];
        }
        s
    }

    /// A simulated scanner (tests, demo): codes sent to it arrive like a serial scanner's.
    pub fn simulated() -> (Self, SimScanner) {
        let (sim, handle) = SimScanner::new();
        let mut s = Self::wedge_only();
        s.serial = Some(handle);
        s.state = ScannerState::Simulated;
        (s, sim)
    }

    /// Whether the demo's "simulated scan" button makes sense.
    pub fn can_simulate(&self) -> bool {
        self.sim.is_some() && !self.demo_codes.is_empty()
    }

    /// The demo's simulated scanner reads the next demo barcode.
    pub fn simulate_scan(&mut self) {
        if let (Some(sim), false) = (&self.sim, self.demo_codes.is_empty()) {
            let code = self.demo_codes[self.next_demo % self.demo_codes.len()];
            self.next_demo += 1;
            sim.scan(code);
        }
    }

    /// Scans of this frame, from the wedge and the serial scanner.
    pub fn poll(
        &mut self,
        ctx: &egui::Context,
        lang: Lang,
        notice: &mut Option<Notice>,
    ) -> Vec<Action> {
        let mut actions: Vec<Action> = split_wedge(ctx, &mut self.wedge)
            .into_iter()
            .map(Action::ScanBurst)
            .collect();
        if let Some(h) = &self.serial {
            while let Some(ev) = h.try_recv() {
                match ev {
                    ScannerEvent::Code(c) => actions.push(Action::ScanBurst(c)),
                    ScannerEvent::Warning(w) => {
                        tracing::warn!(warning = %w, "scanner");
                        *notice = Some(Notice {
                            text: format!("{}: {w}", t(lang, "scanner.warning")),
                            error: true,
                            at: std::time::Instant::now(),
                        });
                    }
                    ScannerEvent::Connected => {
                        if self.state != ScannerState::Simulated {
                            self.state = ScannerState::Connected
                        }
                    }
                    ScannerEvent::Disconnected => self.state = ScannerState::Disconnected,
                }
            }
            // The reader thread wakes nobody: look again soon.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        actions
    }
}
