//! Telling a USB keyboard-wedge scanner from a person at the keyboard.
//!
//! A wedge scanner "types" the code very fast (a few ms per key) and presses Enter; a person
//! types at 100+ ms per key. [`WedgeDetector`] is pure: it sees only (key, time) events and
//! never reads a clock, so it is tested with tables of events.
//!
//! Use in the UI, once per frame:
//! ```
//! use std::time::Duration;
//! use kasir_hardware::{KeyEvent, WedgeDetector, WedgeOutput};
//!
//! let mut det = WedgeDetector::default();
//! // The frame's time (e.g. egui's `input.time`), through the detector's clock, which
//! // steps over the app standing still mid-burst:
//! let now = det.frame_clock(Duration::from_millis(1000));
//! // Text events of this frame (a scanner puts several in one frame), then Enter:
//! let mut outputs = Vec::new();
//! for ch in "8991234567891".chars() {
//!     outputs.push(det.feed(KeyEvent::char(ch, now)));
//! }
//! outputs.push(det.feed(KeyEvent::enter(now)));
//! outputs.push(det.tick(now)); // every frame, also frames without keys
//! assert_eq!(outputs.last(), Some(&WedgeOutput::Nothing));
//! assert!(outputs.contains(&WedgeOutput::Scan("8991234567891".into())));
//! ```
//! Feed `Text` events as [`KeyEvent::char`], the Enter key as [`KeyEvent::enter`], and keys
//! that a scanner never sends (Backspace, arrows, Escape) as [`KeyEvent::other`]; leave out
//! modifier keys and the key events egui sends alongside a `Text` event. Events of one frame
//! may share the frame's timestamp.

use std::time::Duration;

/// Default largest pause between two keys of a scanner burst.
pub const DEFAULT_MAX_GAP: Duration = Duration::from_millis(50);
/// Default shortest scan (EAN-8 is 8; 4 leaves room for short in-store codes).
pub const DEFAULT_MIN_LEN: usize = 4;

/// One key press with a monotonic timestamp (time since any fixed start).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyEvent {
    /// The character typed, if the key typed one.
    pub ch: Option<char>,
    /// Whether this is the Enter key.
    pub enter: bool,
    /// When the key came.
    pub at: Duration,
}

impl KeyEvent {
    /// A typed character.
    pub fn char(ch: char, at: Duration) -> Self {
        KeyEvent {
            ch: Some(ch),
            enter: false,
            at,
        }
    }

    /// The Enter key.
    pub fn enter(at: Duration) -> Self {
        KeyEvent {
            ch: None,
            enter: true,
            at,
        }
    }

    /// Any other key (Backspace, arrows, …): it ends a burst, scanners never send it.
    pub fn other(at: Duration) -> Self {
        KeyEvent {
            ch: None,
            enter: false,
            at,
        }
    }
}

/// What the detector decided after one event.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WedgeOutput {
    /// Nothing decided yet (the characters so far are held in [`WedgeDetector::pending`]).
    Nothing,
    /// A scanner burst ending in Enter: look the code up.
    Scan(String),
    /// Characters a person typed, and whether they ended with Enter (submit the field).
    Typed {
        /// The characters, in order.
        text: String,
        /// The person pressed Enter after them.
        enter: bool,
    },
}

/// Splits key events into scans and typing.
///
/// Every character fed comes out exactly once, in order, in a `Scan` or a `Typed`.
/// A scan is at least `min_len` characters, each less than `max_gap` after the one before,
/// followed by Enter less than `max_gap` after the last character. Anything else is typing:
/// slow keys, a fast burst without Enter, a fast burst whose Enter comes late, or one broken
/// by another key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WedgeDetector {
    /// Largest pause between keys of a burst (default 50 ms).
    pub max_gap: Duration,
    /// Shortest burst counted as a scan (default 4).
    pub min_len: usize,
    run: String,
    run_len: usize,
    last_at: Option<Duration>,
    /// Time the app stood still while a burst was held (see [`WedgeDetector::frame_clock`]).
    lag: Duration,
    last_frame: Option<Duration>,
}

impl Default for WedgeDetector {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_GAP, DEFAULT_MIN_LEN)
    }
}

impl WedgeDetector {
    /// A detector with the given thresholds.
    pub fn new(max_gap: Duration, min_len: usize) -> Self {
        WedgeDetector {
            max_gap,
            min_len,
            run: String::new(),
            run_len: 0,
            last_at: None,
            lag: Duration::ZERO,
            last_frame: None,
        }
    }

    /// The detector's time for a UI frame that began at `now`; feed the frame's keys and
    /// tick with it. Keys only reach the detector when the UI runs a frame, and while a
    /// burst is held the UI asks for a frame after `max_gap`. A longer gap between frames
    /// (more than 1.5 × `max_gap`) is therefore the app standing still (a slow frame on an
    /// old PC, a disk write), not the scanner pausing: the keys that waited in the window
    /// system meanwhile came as fast as ever. The detector's clock moves on by only half a
    /// gap across such a stall, so the burst is not cut in two.
    pub fn frame_clock(&mut self, now: Duration) -> Duration {
        let seen = now.saturating_sub(self.lag);
        if let Some(prev) = self.last_frame {
            let step = seen.saturating_sub(prev);
            if self.run_len > 0 && step > self.max_gap * 3 / 2 {
                self.lag += step - self.max_gap / 2;
            }
        }
        let t = now.saturating_sub(self.lag);
        self.last_frame = Some(t);
        t
    }

    fn fast(&self, at: Duration) -> bool {
        self.last_at
            .is_some_and(|last| at.saturating_sub(last) < self.max_gap)
    }

    fn take_typed(&mut self, enter: bool) -> WedgeOutput {
        self.run_len = 0;
        self.last_at = None;
        WedgeOutput::Typed {
            text: std::mem::take(&mut self.run),
            enter,
        }
    }

    /// Feed one key event.
    pub fn feed(&mut self, ev: KeyEvent) -> WedgeOutput {
        if ev.enter {
            if self.run_len >= self.min_len && self.fast(ev.at) {
                self.run_len = 0;
                self.last_at = None;
                return WedgeOutput::Scan(std::mem::take(&mut self.run));
            }
            return self.take_typed(true);
        }
        match ev.ch {
            Some(ch) if !ch.is_control() => {
                let out = if self.run_len > 0 && !self.fast(ev.at) {
                    self.take_typed(false)
                } else {
                    WedgeOutput::Nothing
                };
                self.run.push(ch);
                self.run_len += 1;
                self.last_at = Some(ev.at);
                out
            }
            _ => {
                if self.run_len > 0 {
                    self.take_typed(false)
                } else {
                    self.last_at = None;
                    WedgeOutput::Nothing
                }
            }
        }
    }

    /// Tell the detector the time now (call every frame): a burst that has gone quiet for
    /// `max_gap` without Enter is released as typing.
    pub fn tick(&mut self, now: Duration) -> WedgeOutput {
        if self.run_len > 0 && !self.fast(now) {
            self.take_typed(false)
        } else {
            WedgeOutput::Nothing
        }
    }

    /// Release whatever is held as typing (end of input).
    pub fn finish(&mut self) -> WedgeOutput {
        if self.run_len > 0 {
            self.take_typed(false)
        } else {
            WedgeOutput::Nothing
        }
    }

    /// The characters held back while undecided.
    pub fn pending(&self) -> &str {
        &self.run
    }

    /// Whether a fast burst is under way (two or more quick keys held).
    pub fn in_burst(&self) -> bool {
        self.run_len >= 2
    }

    /// Whether the held characters would be a scan if Enter came now-ish.
    pub fn looks_like_scan(&self) -> bool {
        self.run_len >= self.min_len
    }

    /// Classify a whole recorded sequence (see [`classify`]).
    pub fn classify_all(&mut self, events: &[KeyEvent]) -> Vec<WedgeOutput> {
        let mut out: Vec<WedgeOutput> = Vec::new();
        let mut outputs: Vec<WedgeOutput> = events.iter().map(|ev| self.feed(*ev)).collect();
        outputs.push(self.finish());
        for o in outputs {
            match o {
                WedgeOutput::Nothing => {}
                WedgeOutput::Typed { text, enter } => match out.last_mut() {
                    Some(WedgeOutput::Typed {
                        text: prev,
                        enter: prev_enter @ false,
                    }) => {
                        prev.push_str(&text);
                        *prev_enter = enter;
                    }
                    _ => out.push(WedgeOutput::Typed { text, enter }),
                },
                scan @ WedgeOutput::Scan(_) => out.push(scan),
            }
        }
        // Drop empty typing with no Enter (it says nothing).
        out.retain(|o| !matches!(o, WedgeOutput::Typed { text, enter: false } if text.is_empty()));
        out
    }
}

/// Classify a recorded sequence of key events with the default thresholds: scans, and
/// runs of typing merged (with `enter: true` when the person pressed Enter after them).
pub fn classify(events: &[KeyEvent]) -> Vec<WedgeOutput> {
    WedgeDetector::default().classify_all(events)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    /// Events from a compact script: each item is (text, gap_ms before each key); `\n` is
    /// Enter and `\x08` is another key.
    fn keys(script: &[(&str, u64)]) -> Vec<KeyEvent> {
        let mut t = 1000;
        let mut out = Vec::new();
        for (text, gap) in script {
            for ch in text.chars() {
                t += gap;
                out.push(match ch {
                    '\n' => KeyEvent::enter(ms(t)),
                    '\x08' => KeyEvent::other(ms(t)),
                    c => KeyEvent::char(c, ms(t)),
                });
            }
        }
        out
    }

    fn scan(s: &str) -> WedgeOutput {
        WedgeOutput::Scan(s.into())
    }

    fn typed(s: &str, enter: bool) -> WedgeOutput {
        WedgeOutput::Typed {
            text: s.into(),
            enter,
        }
    }

    #[test]
    fn table() {
        type Script<'a> = Vec<(&'a str, u64)>;
        let table: Vec<(&str, Script, Vec<WedgeOutput>)> = vec![
            (
                "scanner burst",
                vec![("8991234567891\n", 5)],
                vec![scan("8991234567891")],
            ),
            (
                "person typing a code",
                vec![("8991\n", 150)],
                vec![typed("8991", true)],
            ),
            (
                "burst without Enter is typing",
                vec![("8991234567891", 5)],
                vec![typed("8991234567891", false)],
            ),
            (
                "burst with a late Enter is typing",
                vec![("12345678", 5), ("\n", 300)],
                vec![typed("12345678", true)],
            ),
            (
                "too short burst",
                vec![("123\n", 5)],
                vec![typed("123", true)],
            ),
            ("exactly min_len", vec![("1234\n", 5)], vec![scan("1234")]),
            (
                "typing, then a scan",
                vec![("2*", 200), ("8", 900), ("991234567891", 5), ("\n", 5)],
                vec![typed("2*", false), scan("8991234567891")],
            ),
            (
                "scan, then typing",
                vec![("12345678\n", 4), ("abc\n", 180)],
                vec![scan("12345678"), typed("abc", true)],
            ),
            (
                "backspace breaks a burst",
                vec![("1234", 5), ("\x08", 5), ("5678\n", 5)],
                vec![typed("1234", false), scan("5678")],
            ),
            ("lone Enter", vec![("\n", 500)], vec![typed("", true)]),
            (
                "gap of exactly max_gap is too slow",
                vec![("1234", 50), ("\n", 50)],
                vec![typed("1234", true)],
            ),
            (
                "gap just under max_gap is fast",
                vec![("1234", 49), ("\n", 49)],
                vec![scan("1234")],
            ),
            (
                "a slow key then fast keys: the burst starts at the slow key",
                vec![("1234", 5), ("5", 200), ("678", 5), ("\n", 5)],
                vec![typed("1234", false), scan("5678")],
            ),
            (
                "slow typing merges into one Typed",
                vec![("beras", 120), ("\n", 300)],
                vec![typed("beras", true)],
            ),
        ];
        for (what, script, want) in table {
            assert_eq!(classify(&keys(&script)), want, "{what}");
        }
    }

    #[test]
    fn frame_batched_timestamps() {
        // A scanner at 5 ms/key seen by a 60 Hz UI: several keys share one frame time.
        let mut det = WedgeDetector::default();
        let mut outs = Vec::new();
        let code = "8991234567891";
        for (i, ch) in code.chars().enumerate() {
            let frame = (i as u64 * 5) / 16 * 16;
            outs.push(det.feed(KeyEvent::char(ch, ms(1000 + frame))));
            assert!(det.looks_like_scan() || i < 3);
        }
        outs.push(det.feed(KeyEvent::enter(ms(1000 + 64))));
        outs.retain(|o| *o != WedgeOutput::Nothing);
        assert_eq!(outs, vec![scan(code)]);
    }

    /// One UI frame: the detector's clock for it, its keys, then the tick.
    fn frame(det: &mut WedgeDetector, at: u64, text: &str, enter: bool) -> Vec<WedgeOutput> {
        let now = det.frame_clock(ms(at));
        let mut outs: Vec<WedgeOutput> = text
            .chars()
            .map(|ch| det.feed(KeyEvent::char(ch, now)))
            .collect();
        if enter {
            outs.push(det.feed(KeyEvent::enter(now)));
        }
        outs.push(det.tick(now));
        outs.retain(|o| *o != WedgeOutput::Nothing);
        outs
    }

    #[test]
    fn a_burst_survives_the_app_standing_still_between_two_frames() {
        let mut det = WedgeDetector::default();
        assert_eq!(frame(&mut det, 1000, "3*89", false), vec![]);
        // The next frame comes 180 ms later (a slow frame): the rest of the burst waited.
        assert_eq!(
            frame(&mut det, 1180, "91483002310", true),
            vec![scan("3*8991483002310")]
        );
        // Across several stalls too, and the next scan is clean.
        assert_eq!(frame(&mut det, 2000, "899", false), vec![]);
        assert_eq!(frame(&mut det, 2300, "1234", false), vec![]);
        assert_eq!(
            frame(&mut det, 2700, "567891", true),
            vec![scan("8991234567891")]
        );
    }

    #[test]
    fn a_person_pausing_is_still_typing_when_the_app_keeps_up() {
        let mut det = WedgeDetector::default();
        assert_eq!(frame(&mut det, 0, "ab", false), vec![]);
        // The frame the UI asked for, 50 ms on: quiet, so released as typing.
        assert_eq!(frame(&mut det, 52, "", false), vec![typed("ab", false)]);
        // A stall with nothing held changes nothing: slow keys stay typing.
        assert_eq!(frame(&mut det, 400, "c", false), vec![]);
        assert_eq!(frame(&mut det, 455, "", false), vec![typed("c", false)]);
        assert_eq!(frame(&mut det, 700, "", true), vec![typed("", true)]);
    }

    #[test]
    fn tick_releases_a_stalled_burst() {
        let mut det = WedgeDetector::default();
        for (i, ch) in "1234".chars().enumerate() {
            assert_eq!(
                det.feed(KeyEvent::char(ch, ms(i as u64 * 5))),
                WedgeOutput::Nothing
            );
        }
        assert!(det.in_burst());
        assert_eq!(det.pending(), "1234");
        assert_eq!(det.tick(ms(30)), WedgeOutput::Nothing);
        assert_eq!(det.tick(ms(70)), typed("1234", false));
        assert_eq!(det.pending(), "");
        assert_eq!(det.feed(KeyEvent::enter(ms(75))), typed("", true));
    }
}
