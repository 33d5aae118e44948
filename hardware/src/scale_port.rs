//! A scale on a serial port: a background reader the till polls, a one-shot read for
//! `kasir devices scale`, and a simulated scale for the demo and tests. The protocol itself
//! is in `scale` (pure); this is only the I/O around it.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, Sender};
use std::time::{Duration, Instant};

use crate::reader::{sleep_unless_stopped, Reader, POLL};
use crate::scale::{FrameError, Framing, Parity, ScaleParser, ScaleProtocol, ScaleReading, Weight};

/// How to reach a scale.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScaleConfig {
    /// Device path, e.g. `/dev/ttyUSB0`.
    pub path: String,
    /// Line speed.
    pub baud: u32,
    /// Data bits, parity, stop bits.
    pub framing: Framing,
    /// The protocol the scale speaks.
    pub protocol: ScaleProtocol,
    /// Request–response: time between two `W` requests.
    pub poll_interval: Duration,
    /// Request–response: how long to wait for an answer before asking again.
    pub reply_timeout: Duration,
    /// Pause between attempts to reopen a missing scale.
    pub retry_interval: Duration,
}

impl ScaleConfig {
    /// 9600 baud, the protocol's usual framing (CAS 8N1, Toledo 7E1), a request every
    /// 200 ms, answers within 1 s, retry every second.
    pub fn new(path: impl Into<String>, protocol: ScaleProtocol) -> Self {
        ScaleConfig {
            path: path.into(),
            baud: 9600,
            framing: protocol.default_framing(),
            protocol,
            poll_interval: Duration::from_millis(200),
            reply_timeout: Duration::from_secs(1),
            retry_interval: Duration::from_secs(1),
        }
    }
}

/// What the scale reader reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScaleEvent {
    /// A reading (stable or not; [`ScaleReading::sellable_grams`] says whether to sell it).
    Reading(ScaleReading),
    /// Something that is not a reading, or no answer to a request.
    Warning(String),
    /// The port is open.
    Connected,
    /// The scale is gone (unplugged or never found); the reader keeps trying.
    Disconnected,
}

/// The till's end of a scale: call [`ScaleHandle::poll`] every frame, then read
/// [`ScaleHandle::latest`] and [`ScaleHandle::connected`].
#[derive(Debug)]
pub struct ScaleHandle {
    rx: Receiver<ScaleEvent>,
    reader: Reader,
    connected: bool,
    latest: Option<ScaleReading>,
}

impl ScaleHandle {
    fn new(rx: Receiver<ScaleEvent>, reader: Reader) -> Self {
        ScaleHandle {
            rx,
            reader,
            connected: false,
            latest: None,
        }
    }

    fn absorb(&mut self, ev: &ScaleEvent) {
        match ev {
            ScaleEvent::Reading(r) => self.latest = Some(*r),
            // No answer or garbage: the last reading no longer says what is on the scale.
            ScaleEvent::Warning(_) => self.latest = None,
            ScaleEvent::Connected => self.connected = true,
            ScaleEvent::Disconnected => {
                self.connected = false;
                self.latest = None;
            }
        }
    }

    /// Take every waiting event into the handle's state and return them.
    pub fn poll(&mut self) -> Vec<ScaleEvent> {
        let evs: Vec<ScaleEvent> = self.rx.try_iter().collect();
        for ev in &evs {
            self.absorb(ev);
        }
        evs
    }

    /// Wait up to `timeout` for the next event (and take it into the state).
    pub fn recv_timeout(&mut self, timeout: Duration) -> Option<ScaleEvent> {
        let ev = self.rx.recv_timeout(timeout).ok()?;
        self.absorb(&ev);
        Some(ev)
    }

    /// The newest reading since the port opened (none after a warning or an unplug).
    pub fn latest(&self) -> Option<ScaleReading> {
        self.latest
    }

    /// Whether the port is open.
    pub fn connected(&self) -> bool {
        self.connected
    }

    /// Whether the reader thread is still running (always false for a simulated scale).
    pub fn is_running(&self) -> bool {
        self.reader.is_running()
    }

    /// Stop the reader thread and wait for it.
    pub fn stop(&mut self) {
        self.reader.stop();
    }
}

fn open_port(cfg: &ScaleConfig) -> serialport::Result<Box<dyn serialport::SerialPort>> {
    let data_bits = match cfg.framing.data_bits {
        7 => serialport::DataBits::Seven,
        _ => serialport::DataBits::Eight,
    };
    let parity = match cfg.framing.parity {
        Parity::None => serialport::Parity::None,
        Parity::Even => serialport::Parity::Even,
        Parity::Odd => serialport::Parity::Odd,
    };
    let stop_bits = match cfg.framing.stop_bits {
        2 => serialport::StopBits::Two,
        _ => serialport::StopBits::One,
    };
    serialport::new(cfg.path.as_str(), cfg.baud)
        .data_bits(data_bits)
        .parity(parity)
        .stop_bits(stop_bits)
        .flow_control(serialport::FlowControl::None)
        .timeout(POLL)
        .open()
}

/// What one step of talking to an open scale gave.
enum Step {
    Frames(Vec<Result<ScaleReading, FrameError>>),
    /// A request went unanswered for `reply_timeout`.
    NoAnswer,
    /// The port is gone.
    Lost,
}

/// An open port and the protocol state over it.
struct Link {
    port: Box<dyn serialport::SerialPort>,
    parser: ScaleParser,
    protocol: ScaleProtocol,
    poll_interval: Duration,
    reply_timeout: Duration,
    /// When the last `W` went out, and whether it is still unanswered.
    asked: Option<(Instant, bool)>,
}

impl Link {
    fn new(port: Box<dyn serialport::SerialPort>, cfg: &ScaleConfig) -> Self {
        Link {
            port,
            parser: ScaleParser::new(cfg.protocol),
            protocol: cfg.protocol,
            poll_interval: cfg.poll_interval,
            reply_timeout: cfg.reply_timeout,
            asked: None,
        }
    }

    /// Ask for a weight when it is time (request–response only), then read once.
    fn step(&mut self) -> Step {
        let now = Instant::now();
        let mut no_answer = false;
        if self.protocol == ScaleProtocol::Toledo {
            let due = match self.asked {
                None => true,
                Some((at, pending)) => {
                    let waited = now.saturating_duration_since(at);
                    if pending && waited >= self.reply_timeout {
                        no_answer = true;
                        true
                    } else {
                        !pending && waited >= self.poll_interval
                    }
                }
            };
            if due {
                if self
                    .port
                    .write_all(b"W")
                    .and_then(|()| self.port.flush())
                    .is_err()
                {
                    return Step::Lost;
                }
                self.asked = Some((now, true));
            }
        }
        let mut buf = [0u8; 256];
        let frames = match self.port.read(&mut buf) {
            Ok(0) => return Step::Lost,
            Ok(n) => self.parser.push(buf.get(..n).unwrap_or_default()),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::Interrupted
                ) =>
            {
                Vec::new()
            }
            Err(e) => {
                tracing::debug!(error = %e, "scale read failed");
                return Step::Lost;
            }
        };
        if !frames.is_empty() {
            if let Some((at, _)) = self.asked {
                self.asked = Some((at, false));
            }
        }
        if no_answer && frames.is_empty() {
            return Step::NoAnswer;
        }
        Step::Frames(frames)
    }
}

/// Start reading a serial scale on a background thread.
pub fn spawn_serial_scale(cfg: ScaleConfig) -> ScaleHandle {
    let name = format!("scale {}", cfg.path);
    let (reader, rx) = Reader::spawn(name, ScaleEvent::Disconnected, move |tx, stop| {
        run_scale(&cfg, tx, stop)
    });
    ScaleHandle::new(rx, reader)
}

fn run_scale(cfg: &ScaleConfig, tx: &Sender<ScaleEvent>, stop: &AtomicBool) {
    let mut reported_down = false;
    while !stop.load(Ordering::SeqCst) {
        match open_port(cfg) {
            Ok(port) => {
                tracing::info!(path = %cfg.path, "scale connected");
                reported_down = false;
                if tx.send(ScaleEvent::Connected).is_err() {
                    return;
                }
                let mut link = Link::new(port, cfg);
                loop {
                    if stop.load(Ordering::SeqCst) {
                        return;
                    }
                    let evs = match link.step() {
                        Step::Lost => break,
                        Step::NoAnswer => {
                            vec![ScaleEvent::Warning("the scale does not answer".into())]
                        }
                        Step::Frames(frames) => frames
                            .into_iter()
                            .map(|f| match f {
                                Ok(r) => ScaleEvent::Reading(r),
                                Err(e) => ScaleEvent::Warning(e.to_string()),
                            })
                            .collect(),
                    };
                    for ev in evs {
                        if tx.send(ev).is_err() {
                            return;
                        }
                    }
                }
                tracing::warn!(path = %cfg.path, "scale disconnected");
                if !reported_down {
                    reported_down = true;
                    if tx.send(ScaleEvent::Disconnected).is_err() {
                        return;
                    }
                }
            }
            Err(e) => {
                if !reported_down {
                    tracing::warn!(path = %cfg.path, error = %e, "scale not available");
                    reported_down = true;
                    if tx.send(ScaleEvent::Disconnected).is_err() {
                        return;
                    }
                }
            }
        }
        let pause = cfg.retry_interval.max(Duration::from_millis(50));
        if !sleep_unless_stopped(pause, stop) {
            return;
        }
    }
}

/// Why [`read_stable`] gave no weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScaleReadError {
    /// The port does not exist or cannot be opened.
    NoSuchPort(String),
    /// Nothing readable came in time (wrong port, protocol, baud rate, or the scale is off).
    Timeout,
    /// Readings came but none was stable in time.
    UnstableTooLong,
    /// The scale is overloaded.
    Overload,
    /// The port went away while reading.
    Disconnected,
}

impl std::fmt::Display for ScaleReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ScaleReadError::NoSuchPort(e) => write!(f, "cannot open the port: {e}"),
            ScaleReadError::Timeout => f.write_str("no reading from the scale"),
            ScaleReadError::UnstableTooLong => f.write_str("the weight did not settle"),
            ScaleReadError::Overload => f.write_str("the scale is overloaded"),
            ScaleReadError::Disconnected => f.write_str("the scale was disconnected"),
        }
    }
}

impl std::error::Error for ScaleReadError {}

/// Open the scale, read until one stable reading (zero and below zero included: they are
/// what the scale shows) and close it; `timeout` bounds the whole wait.
pub fn read_stable(cfg: &ScaleConfig, timeout: Duration) -> Result<ScaleReading, ScaleReadError> {
    let port = open_port(cfg).map_err(|e| ScaleReadError::NoSuchPort(e.to_string()))?;
    let mut link = Link::new(port, cfg);
    let deadline = crate::transport::deadline_after(timeout);
    let mut saw_reading = false;
    let mut last_overload = false;
    while Instant::now() < deadline {
        match link.step() {
            Step::Lost => return Err(ScaleReadError::Disconnected),
            Step::NoAnswer => {}
            Step::Frames(frames) => {
                for r in frames.into_iter().flatten() {
                    saw_reading = true;
                    last_overload = r.weight == Weight::Overload;
                    if r.stable && !last_overload {
                        return Ok(r);
                    }
                }
            }
        }
    }
    Err(if last_overload {
        ScaleReadError::Overload
    } else if saw_reading {
        ScaleReadError::UnstableTooLong
    } else {
        ScaleReadError::Timeout
    })
}

/// A simulated scale for the demo till and tests: put a weight on it and the handle reads
/// it as a serial scale would deliver it.
#[derive(Debug, Clone)]
pub struct SimScale {
    tx: Sender<ScaleEvent>,
}

impl SimScale {
    /// A simulated scale (connected, showing a stable zero) and the handle the till polls.
    pub fn new() -> (SimScale, ScaleHandle) {
        let (tx, rx) = mpsc::channel();
        let _ = tx.send(ScaleEvent::Connected);
        let zero = ScaleReading::stable_grams(0);
        let _ = tx.send(ScaleEvent::Reading(zero));
        let handle = ScaleHandle::new(rx, Reader::none());
        (SimScale { tx }, handle)
    }

    /// Show `reading` (as the next line a scale would send). Returns whether the handle is
    /// still there.
    pub fn show(&self, reading: ScaleReading) -> bool {
        self.tx.send(ScaleEvent::Reading(reading)).is_ok()
    }

    /// Put `grams` on the scale and let it settle.
    pub fn put(&self, grams: i64) -> bool {
        self.show(ScaleReading::stable_grams(grams))
    }

    /// Simulate pulling the cable.
    pub fn unplug(&self) -> bool {
        self.tx.send(ScaleEvent::Disconnected).is_ok()
    }

    /// Simulate plugging it back in (showing a stable zero).
    pub fn plug(&self) -> bool {
        self.tx.send(ScaleEvent::Connected).is_ok() && self.put(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sim_scale_feeds_the_handle() {
        let (sim, mut h) = SimScale::new();
        h.poll();
        assert!(h.connected());
        assert_eq!(h.latest(), Some(ScaleReading::stable_grams(0)));
        assert!(sim.put(1250));
        h.poll();
        assert_eq!(h.latest().map(|r| r.sellable_grams()), Some(Ok(1250)));
        assert!(sim.unplug());
        h.poll();
        assert!(!h.connected());
        assert_eq!(h.latest(), None);
        assert!(sim.plug());
        h.poll();
        assert!(h.connected());
        assert!(!h.is_running());
    }
}
