//! Devices of the kasir till: receipt printers (serial, USB printer class, TCP 9100, file,
//! simulated), the cash drawer, printer status, serial barcode scanners and the
//! keyboard-wedge detector, and counter scales (CAS continuous and Toledo 8217
//! request–response).
//!
//! This crate moves bytes and reads statuses; it knows nothing of sales, receipts or the
//! database. Nothing here panics on a device fault, and nothing blocks forever.
//!
//! `escpos` 0.20 is used by the receipts crate to build documents; a few of its commands are
//! wrong, and the correct bytes live in [`commands`]: the drawer kick lacks its timing
//! bytes, the real-time status request has a stray trailing `00`, and `partial_cut()` cuts
//! fully.

pub mod commands;
mod devices;
mod error;
mod job;
mod reader;
mod scale;
mod scale_port;
mod scanner;
mod scanner_thread;
mod status;
mod status_gate;
mod transport;
mod uri;
mod wedge;

pub use devices::{list_devices, DeviceInfo, DeviceKind};
pub use error::HardwareError;
pub use job::{kick_drawer, send_job, send_job_with, JobOptions, DEFAULT_CHUNK};
pub use scale::{
    format_kg, parse_cas_line, parse_toledo_frame, FrameError, Framing, Parity, ScaleParser,
    ScaleProtocol, ScaleReading, Unsellable, Weight, MAX_FRAME_LEN,
};
pub use scale_port::{
    read_stable, spawn_serial_scale, ScaleConfig, ScaleEvent, ScaleHandle, ScaleReadError, SimScale,
};
pub use scanner::{
    describe_bytes, parse_scan_line, ScanFramer, ScanReject, ScannerConfig, ScannerEvent, Suffix,
    MAX_CODE_LEN, MAX_RAW,
};
pub use scanner_thread::{spawn_serial_scanner, ScannerHandle, SimScanner};
pub use status::{
    query_status, status_reply, PrinterState, PrinterStatus, StatusReply, DEFAULT_STATUS_TIMEOUT,
};
pub use status_gate::{StatusGate, StatusMode, Verdict};
pub use transport::{
    open, sim_printer, EscposDriver, FileTransport, SerialTransport, SimPrinter, SimPrinterHandle,
    SimState, TcpTransport, Transport, UsbLpTransport, DEFAULT_WRITE_TIMEOUT,
};
pub use uri::{
    FlowControl, PrinterAddress, PrinterUri, DEFAULT_BAUD, DEFAULT_TCP_PORT, SUPPORTED_BAUDS,
};
pub use wedge::{classify, KeyEvent, WedgeDetector, WedgeOutput, DEFAULT_MAX_GAP, DEFAULT_MIN_LEN};
