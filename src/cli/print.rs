//! `devices list|scale`, `print test|receipt|z|queue|retry`, `drawer open`: the receipt
//! printer, its queue, the cash drawer and the counter scale from the command line.
//!
//! Printing commands put a job in the shop's print queue and send it at once; when the
//! printer does not take it, the command fails with the printer's state and the job stays
//! queued (`kasir print retry` or the till's print worker sends it later).

use std::path::Path;

use clap::Subcommand;
use serde_json::json;

use super::output::{all, print_json, to_json, JobFailureOut, PrintJobOut};
use super::{actor_from, open};
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::print::{
    open_printer, parse_printer, state_key, state_text, JobStatus, PrintJob, QueueOutcome, Scope,
};
use crate::service::Shop;

#[derive(Subcommand, Debug)]
pub enum HardwareCmd {
    /// Serial ports and printer devices seen on this machine.
    #[command(subcommand)]
    Devices(DevicesCmd),
    /// Print through the shop's print queue.
    #[command(subcommand)]
    Print(PrintCmd),
    /// The cash drawer.
    #[command(subcommand)]
    Drawer(DrawerCmd),
}

#[derive(Subcommand, Debug)]
pub enum DevicesCmd {
    /// List serial ports, USB serial adapters, CDC-ACM scanners and USB printers.
    List,
    /// Read one stable weight from a counter scale (for setting it up, and for scripts).
    Scale {
        /// Serial port of the scale, e.g. /dev/ttyUSB0.
        #[arg(long, value_name = "PATH")]
        port: String,
        /// cas (continuous lines) or toledo (8217, request-response).
        #[arg(long, default_value = "cas")]
        protocol: String,
        #[arg(long, default_value_t = 9600)]
        baud: u32,
        /// Data bits, parity, stop bits: 8N1, 7E1, ... (default: the protocol's usual one).
        #[arg(long)]
        framing: Option<String>,
        /// Seconds to wait for a stable weight.
        #[arg(long, default_value_t = 5)]
        timeout: u64,
    },
}

#[derive(Subcommand, Debug)]
pub enum PrintCmd {
    /// Print the test page (paper width, characters, styles).
    Test {
        /// Printer URI (default: the receipt printer of --till).
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
        #[arg(long, default_value = "cli")]
        till: String,
    },
    /// Reprint a sale's receipt, marked SALINAN (copy).
    Receipt {
        number: String,
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
    /// Print the shift report: Z for a closed shift, X while it is still open.
    Z {
        /// Shift id (default: the open shift of --till).
        #[arg(long)]
        shift: Option<i64>,
        #[arg(long, default_value = "cli")]
        till: String,
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
        /// Who prints (default: the back office); an open shift's X report is for a
        /// supervisor who is not its cashier.
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
    /// Jobs in the print queue and their state.
    Queue {
        /// How many finished jobs to show besides the pending ones.
        #[arg(long, default_value_t = 50)]
        limit: i64,
    },
    /// Send waiting jobs now (every till's, or one till's, or one printer's).
    Retry {
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
        #[arg(long)]
        till: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum DrawerCmd {
    /// Open the cash drawer (supervisor roles; audited).
    Open {
        /// Printer URI (default: the receipt printer of --till).
        #[arg(long, value_name = "URI")]
        printer: Option<String>,
        #[arg(long, default_value = "cli")]
        till: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
}

pub(super) fn run_print(cmd: HardwareCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
    match cmd {
        HardwareCmd::Devices(DevicesCmd::List) => devices(lang, json),
        HardwareCmd::Devices(DevicesCmd::Scale {
            port,
            protocol,
            baud,
            framing,
            timeout,
        }) => scale(
            lang,
            json,
            &port,
            &protocol,
            baud,
            framing.as_deref(),
            timeout,
        ),
        HardwareCmd::Print(PrintCmd::Test { printer, till }) => {
            let mut shop = open(db)?;
            let printer = printer_or_default(&shop, &till, printer)?;
            let actor = crate::domain::user::Actor::back_office();
            let job = shop.enqueue_test(&actor, &till, &printer)?;
            send_now(&mut shop, job, lang, json, "halaman uji", "test page")
        }
        HardwareCmd::Print(PrintCmd::Receipt {
            number,
            printer,
            user,
            pin,
        }) => {
            let mut shop = open(db)?;
            let actor = actor_from(&mut shop, user, pin)?;
            let job = shop.reprint(&actor, &number, printer.as_deref())?;
            send_now(&mut shop, job, lang, json, "salinan struk", "receipt copy")
        }
        HardwareCmd::Print(PrintCmd::Z {
            shift,
            till,
            printer,
            user,
            pin,
        }) => {
            let mut shop = open(db)?;
            let actor = actor_from(&mut shop, user, pin)?;
            let shift_id = match shift {
                Some(id) => id,
                None => {
                    shop.current_shift(&till)?
                        .ok_or_else(|| {
                            KasirError::invalid(
                                format!("Tidak ada shift terbuka di {till}: sebutkan --shift ID"),
                                format!("No open shift on {till}: give --shift ID"),
                            )
                        })?
                        .id
                }
            };
            let printer = printer_or_default(&shop, &till, printer)?;
            let report = shop.shift_report(&actor, shift_id, shop.settings()?.lang)?;
            let (id, en) = match report.kind {
                kasir_receipts::ShiftReportKind::Z => ("laporan Z", "Z report"),
                kasir_receipts::ShiftReportKind::X => (
                    "laporan X (shift masih terbuka)",
                    "X report (shift still open)",
                ),
            };
            let job = shop.enqueue_report(&actor, &till, &printer, &report)?;
            send_now(&mut shop, job, lang, json, id, en)
        }
        HardwareCmd::Print(PrintCmd::Queue { limit }) => {
            let shop = open(db)?;
            let jobs = shop.print_queue(limit.max(0))?;
            if json {
                print_json(json!({"jobs": all::<_, PrintJobOut>(&jobs)}));
            } else if jobs.is_empty() {
                println!(
                    "{}",
                    lang.pick("Antrean cetak kosong", "The print queue is empty")
                );
            } else {
                for j in &jobs {
                    println!("{}", job_line(j, lang));
                }
            }
            Ok(())
        }
        HardwareCmd::Print(PrintCmd::Retry { printer, till }) => {
            let mut shop = open(db)?;
            let printer = printer.map(|p| parse_printer(&p)).transpose()?;
            let scope = Scope {
                till: till.as_deref(),
                printer: printer.as_deref(),
            };
            let results = shop.send_waiting(scope, &mut open_printer)?;
            let waiting: usize = results.iter().map(|(_, o)| o.queued).sum();
            if json {
                print_json(json!({
                    "printers": results.iter().map(|(p, o)| outcome_json(p, o)).collect::<Vec<_>>(),
                    "waiting": waiting,
                }));
            } else {
                for (p, o) in &results {
                    println!(
                        "{p}: {} {}{}",
                        o.printed.len(),
                        lang.pick("dicetak", "printed"),
                        o.state
                            .map(|s| format!(", {}", state_text(s, lang)))
                            .unwrap_or_default()
                    );
                }
                if results.is_empty() {
                    println!(
                        "{}",
                        lang.pick("Antrean cetak kosong", "The print queue is empty")
                    );
                }
            }
            if waiting > 0 {
                return Err(KasirError::invalid(
                    format!("{waiting} job cetak masih menunggu (kasir print queue)"),
                    format!("{waiting} print jobs still waiting (kasir print queue)"),
                ));
            }
            Ok(())
        }
        HardwareCmd::Drawer(DrawerCmd::Open {
            printer,
            till,
            user,
            pin,
        }) => {
            let mut shop = open(db)?;
            let actor = actor_from(&mut shop, user, pin)?;
            let printer = printer_or_default(&shop, &till, printer)?;
            shop.open_drawer(&actor, &printer, &mut open_printer)?;
            if json {
                print_json(json!({"drawer": "opened", "printer": printer, "by": actor.username}));
            } else {
                println!(
                    "{} ({printer})",
                    lang.pick("Laci kas dibuka", "Cash drawer opened")
                );
            }
            Ok(())
        }
    }
}

/// `--printer`, checked, or the receipt printer of `till`.
fn printer_or_default(shop: &Shop, till: &str, printer: Option<String>) -> Result<String> {
    match printer {
        Some(p) => parse_printer(&p),
        None => shop.receipt_printer(till),
    }
}

/// Send the queue of `job`'s printer now; fail, keeping the job queued, if it did not print.
fn send_now(
    shop: &mut Shop,
    job: PrintJob,
    lang: Lang,
    json: bool,
    what_id: &str,
    what_en: &str,
) -> Result<()> {
    shop.retry_now(Scope {
        till: Some(&job.till),
        printer: Some(&job.printer),
    })?;
    let out = shop.process_queue_once(&job.till, &job.printer, &mut open_printer)?;
    let job = shop.print_job(job.id)?;
    if job.status != JobStatus::Done {
        let state = out
            .state
            .map(|s| (state_text(s, Lang::Id), state_text(s, Lang::En)))
            .unwrap_or(("menunggu", "waiting"));
        let detail = job.last_error.clone().unwrap_or_default();
        if job.status == JobStatus::Failed {
            return Err(KasirError::invalid(
                format!(
                    "{what_id} tidak tercetak di {}: {} ({detail})",
                    job.printer, state.0
                ),
                format!(
                    "{what_en} not printed on {}: {} ({detail})",
                    job.printer, state.1
                ),
            ));
        }
        return Err(KasirError::invalid(
            format!(
                "{what_id} belum tercetak di {}: {} ({detail}); job {} menunggu di antrean (kasir print retry)",
                job.printer, state.0, job.id
            ),
            format!(
                "{what_en} not printed on {}: {} ({detail}); job {} waits in the queue (kasir print retry)",
                job.printer, state.1, job.id
            ),
        ));
    }
    if json {
        print_json(
            json!({"job": to_json(&PrintJobOut::from(&job)), "printed": true, "outcome": outcome_json(&job.printer, &out)}),
        );
    } else {
        println!(
            "{} {} {} (job {}){}",
            lang.pick(what_id, what_en),
            lang.pick("dicetak ke", "printed on"),
            job.printer,
            job.id,
            unconfirmed_note(&job, lang)
        );
    }
    Ok(())
}

fn outcome_json(printer: &str, o: &QueueOutcome) -> serde_json::Value {
    json!({
        "printer": printer,
        "printed": o.printed,
        "failed": o.failed.as_ref().map(|f| to_json(&JobFailureOut::from(f))),
        "given_up": o.given_up,
        "state": o.state.map(state_key),
        "queued": o.queued,
    })
}

/// ", sent without confirmation (printer status unknown)" for a job printed blind.
fn unconfirmed_note(j: &PrintJob, lang: Lang) -> &'static str {
    if j.unconfirmed {
        lang.pick(
            ", terkirim tanpa konfirmasi (status printer tidak diketahui)",
            ", sent without confirmation (printer status unknown)",
        )
    } else {
        ""
    }
}

fn job_line(j: &PrintJob, lang: Lang) -> String {
    let status = match j.status {
        JobStatus::Queued if j.attempts > 0 => format!(
            "{} ({}× {}, {} {})",
            lang.pick("menunggu", "waiting"),
            j.attempts,
            lang.pick("gagal", "failed"),
            lang.pick("coba lagi", "retry at"),
            j.next_attempt_at
        ),
        JobStatus::Queued => lang.pick("menunggu", "waiting").to_string(),
        JobStatus::Printing => lang.pick("sedang dicetak", "printing").to_string(),
        JobStatus::Done => format!(
            "{} {}{}",
            lang.pick("selesai", "done"),
            j.printed_at.clone().unwrap_or_default(),
            unconfirmed_note(j, lang)
        ),
        JobStatus::Failed => lang
            .pick("gagal, dihentikan", "failed, given up")
            .to_string(),
    };
    let error = match (&j.last_error, j.status) {
        (Some(e), JobStatus::Queued | JobStatus::Failed) => format!(" — {e}"),
        _ => String::new(),
    };
    format!(
        "#{:<5} {:<8} {:<22} {:<28} {status}{error}",
        j.id,
        j.kind,
        j.reference.clone().unwrap_or_default(),
        j.printer
    )
}

fn devices(lang: Lang, json: bool) -> Result<()> {
    let list = kasir_hardware::list_devices();
    if json {
        print_json(json!({
            "devices": list.iter().map(|d| json!({
                "path": d.path,
                "kind": format!("{:?}", d.kind),
                "description": d.description,
                "suggested_uri": d.suggested_uri,
            })).collect::<Vec<_>>()
        }));
    } else if list.is_empty() {
        println!(
            "{}",
            lang.pick(
                "Tidak ada port serial atau printer USB terlihat",
                "No serial ports or USB printers seen"
            )
        );
    } else {
        for d in &list {
            println!("{:<16} {:<48} {}", d.path, d.description, d.suggested_uri);
        }
    }
    Ok(())
}

/// `devices scale`: one stable reading, or why there is none (exit non-zero).
fn scale(
    lang: Lang,
    json: bool,
    port: &str,
    protocol: &str,
    baud: u32,
    framing: Option<&str>,
    timeout: u64,
) -> Result<()> {
    use kasir_hardware::{Framing, ScaleProtocol, ScaleReadError, Weight};
    let protocol = ScaleProtocol::parse(protocol).ok_or_else(|| {
        KasirError::invalid(
            format!("Protokol timbangan \"{protocol}\" tidak dikenal (cas, toledo)"),
            format!("Scale protocol \"{protocol}\" is not known (cas, toledo)"),
        )
    })?;
    if !kasir_hardware::SUPPORTED_BAUDS.contains(&baud) {
        return Err(KasirError::invalid(
            format!("Baud {baud} tidak didukung"),
            format!("Baud rate {baud} is not supported"),
        ));
    }
    let mut cfg = kasir_hardware::ScaleConfig::new(port, protocol);
    cfg.baud = baud;
    if let Some(f) = framing {
        cfg.framing = Framing::parse(f).ok_or_else(|| {
            KasirError::invalid(
                format!("Format bit \"{f}\" tidak dikenal (contoh: 8N1, 7E1)"),
                format!("Framing \"{f}\" is not known (e.g. 8N1, 7E1)"),
            )
        })?;
    }
    let reading = kasir_hardware::read_stable(&cfg, std::time::Duration::from_secs(timeout))
        .map_err(|e| match e {
            ScaleReadError::NoSuchPort(why) => KasirError::invalid(
                format!("Port {port} tidak bisa dibuka: {why}"),
                format!("Cannot open port {port}: {why}"),
            ),
            ScaleReadError::Timeout => KasirError::invalid(
                format!("Tidak ada data dari timbangan dalam {timeout} detik — periksa kabel, protokol dan baud"),
                format!("No reading from the scale within {timeout} s — check the cable, protocol and baud rate"),
            ),
            ScaleReadError::UnstableTooLong => KasirError::invalid(
                format!("Berat tidak stabil selama {timeout} detik"),
                format!("The weight did not settle within {timeout} s"),
            ),
            ScaleReadError::Overload => KasirError::invalid(
                "Timbangan kelebihan beban",
                "The scale is overloaded",
            ),
            ScaleReadError::Disconnected => KasirError::invalid(
                "Timbangan terputus saat dibaca",
                "The scale was disconnected while reading",
            ),
        })?;
    let grams = match reading.weight {
        Weight::Grams(g) => Some(g),
        Weight::Overload | Weight::UnderZero => None,
    };
    if json {
        print_json(json!({
            "grams": grams,
            "under_zero": reading.weight == Weight::UnderZero,
            "stable": reading.stable,
            "net": reading.net,
        }));
        return Ok(());
    }
    let shown = match grams {
        Some(g) => kasir_hardware::format_kg(g, lang == Lang::Id),
        None => lang.pick("di bawah nol", "below zero").to_string(),
    };
    let net = if reading.net {
        lang.pick(" (neto)", " (net)")
    } else {
        ""
    };
    println!("{shown}{net}");
    Ok(())
}
