//! Where scans come from: keyboard-wedge bursts picked out of egui's key events by the
//! hardware crate's [`WedgeDetector`] (the one place that classifies them), and a serial or
//! simulated scanner read on its own thread.

use std::time::Duration;

use eframe::egui::{self, Event, Key};
use kasir_hardware::{
    KeyEvent, ScanReject, ScannerEvent, ScannerHandle, SimScanner, WedgeDetector, WedgeOutput,
    MAX_CODE_LEN,
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
    /// The serial port being read, if any.
    pub port: Option<String>,
    /// The bytes of the serial scanner's last burst, exactly as they came (for the
    /// "test scanner" view).
    pub last_raw: Option<Vec<u8>>,
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
            port: None,
            last_raw: None,
            demo_codes: Vec::new(),
            next_demo: 0,
        }
    }

    pub fn from_settings(settings: &ShopSettings, demo: bool) -> Self {
        let mut s = Self::wedge_only();
        if let Some(port) = settings.scanner.port.as_deref().filter(|p| !p.is_empty()) {
            s.serial = Some(kasir_hardware::spawn_serial_scanner(
                settings.scanner.config(port),
            ));
            s.port = Some(port.to_string());
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

    /// Scans of this frame: from the serial scanner, and from the keyboard wedge when
    /// `wedge` (the selling screen; elsewhere typing goes straight to the fields). Warnings
    /// and a lost or found scanner become the notice.
    pub fn poll(
        &mut self,
        ctx: &egui::Context,
        lang: Lang,
        notice: &mut Option<Notice>,
        wedge: bool,
    ) -> Vec<Action> {
        let mut actions: Vec<Action> = if wedge {
            split_wedge(ctx, &mut self.wedge)
                .into_iter()
                .map(Action::ScanBurst)
                .collect()
        } else {
            Vec::new()
        };
        let mut tell = |text: String, error: bool| *notice = Some(Notice::new(text, error));
        if let Some(h) = &self.serial {
            while let Some(ev) = h.try_recv() {
                match ev {
                    ScannerEvent::Code(c) => actions.push(Action::ScanBurst(c)),
                    ScannerEvent::Warning(w) => tell(
                        format!("{}: {}", t(lang, "scanner.warning"), reject_text(lang, &w)),
                        true,
                    ),
                    ScannerEvent::Raw(bytes) => self.last_raw = Some(bytes),
                    ScannerEvent::Connected => {
                        if self.state == ScannerState::Disconnected {
                            tell(t(lang, "scanner.back").into(), false);
                        }
                        if self.state != ScannerState::Simulated {
                            self.state = ScannerState::Connected
                        }
                    }
                    ScannerEvent::Disconnected => {
                        if self.state != ScannerState::Disconnected {
                            tell(self.disconnected_text(lang), true);
                        }
                        self.state = ScannerState::Disconnected;
                    }
                }
            }
            // The reader thread wakes nobody: look again soon.
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        actions
    }

    /// What the status bar and the notice say while the serial scanner is gone.
    pub fn disconnected_text(&self, lang: Lang) -> String {
        match &self.port {
            Some(port) => format!("{} ({port})", t(lang, "scanner.lost")),
            None => t(lang, "scanner.lost").into(),
        }
    }
}

/// Why a scan was not a code, in the user's language; "scan again" only where scanning
/// again can help, otherwise what to check.
pub fn reject_text(lang: Lang, r: &ScanReject) -> String {
    let text = match r {
        ScanReject::Empty => lang.pick("scan kosong", "empty scan").to_string(),
        ScanReject::TooLong { .. } => match lang {
            Lang::Id => format!(
                "scan lebih dari {MAX_CODE_LEN} karakter: bukan kode produk, atau akhiran scanner tidak cocok"
            ),
            Lang::En => format!(
                "scan longer than {MAX_CODE_LEN} characters: not a product code, or the scanner's suffix does not match"
            ),
        },
        ScanReject::ControlChars => lang
            .pick(
                "scanner mengirim karakter kontrol (gangguan)",
                "the scanner sent control characters (noise)",
            )
            .to_string(),
        ScanReject::NotAscii => lang
            .pick(
                "scanner mengirim byte yang tidak terbaca: periksa baud",
                "the scanner sent unreadable bytes: check the baud rate",
            )
            .to_string(),
        ScanReject::BadChar { ch } => match lang {
            Lang::Id => format!("label berisi '{ch}', yang tidak dipakai di kode produk"),
            Lang::En => format!("the label contains '{ch}', which product codes never use"),
        },
        ScanReject::Incomplete { len } => match lang {
            Lang::Id => format!("scan tidak lengkap ({len} byte tanpa akhiran)"),
            Lang::En => format!("incomplete scan ({len} bytes without an ending)"),
        },
        ScanReject::StxEtx => lang
            .pick(
                "scanner membungkus kode dengan STX/ETX: nyalakan \"buang STX/ETX\"",
                "the scanner wraps codes in STX/ETX: turn on \"strip STX/ETX\"",
            )
            .to_string(),
        ScanReject::AimPrefix { prefix } => match lang {
            Lang::Id => format!("scanner mengirim awalan AIM {prefix}: nyalakan \"buang awalan AIM\""),
            Lang::En => format!("the scanner sends the AIM prefix {prefix}: turn on \"strip AIM prefix\""),
        },
    };
    if r.rescan_helps() {
        format!("{text}; {}", t(lang, "scanner.again"))
    } else if matches!(r, ScanReject::BadChar { .. }) {
        text
    } else {
        format!("{text} ({})", t(lang, "scanner.check_settings"))
    }
}
