//! `kasir district coop add|status|quarantine --url URL` (`district report` is in
//! `district_report`) and `kasir relay --to FILE [--from
//! URL]`: the district above the coops (`service::relay`). No credential is ever printed,
//! in text or in `--json`.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use serde_json::json;

use super::open;
use super::output::{all, print_json, to_json, DistrictQuarantineOut, DistrictStatusOut, RelayOut};
use crate::error::Result;
use crate::i18n::Lang;
use crate::service::relay;

#[derive(Subcommand, Debug)]
pub enum DistrictCmd {
    /// A report over every coop of the district: sales, members, stock, kasbon or shu.
    Report(super::district_report::ReportArgs),
    /// The coops of the district.
    #[command(subcommand)]
    Coop(CoopCmd),
    /// Each coop: last relay, events, tills, quarantined.
    Status {
        /// The district's owner address.
        #[arg(long)]
        url: String,
    },
    /// Events the district could not store: coop, till, seq, kind and reason.
    Quarantine {
        /// The district's owner address.
        #[arg(long)]
        url: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum CoopCmd {
    /// Register a coop at the district; its credentials go to a 0600 file (--out) that the
    /// coop's `kasir relay --to` reads.
    Add {
        /// The district's owner address (used once, never stored).
        #[arg(long)]
        url: String,
        /// The coop's id at the district (letters, digits, ".", "_", "-").
        #[arg(long)]
        coop: String,
        #[arg(long, default_value = "")]
        name: String,
        /// The coop is registered already: give it a new password (its old file stops
        /// working).
        #[arg(long)]
        rejoin: bool,
        /// Where the coop's district credentials are written (0600).
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Args, Debug)]
pub struct RelayArgs {
    /// The coop's district credentials file (`kasir district coop add --out`).
    #[arg(long)]
    pub to: PathBuf,
    /// The coop server's owner address. Without it, the shop file (--db) of a one-till coop
    /// relays its own events.
    #[arg(long)]
    pub from: Option<String>,
}

pub fn run_district(cmd: DistrictCmd, lang: Lang, json: bool) -> Result<()> {
    match cmd {
        DistrictCmd::Report(args) => super::district_report::run_report(args, lang, json)?,
        DistrictCmd::Coop(CoopCmd::Add {
            url,
            coop,
            name,
            rejoin,
            out,
        }) => {
            let added = relay::coop_add(&url, &coop, &name, rejoin, &out)?;
            if json {
                print_json(json!({
                    "coop": added.coop,
                    "role": added.role,
                    "credentials_file": added.credentials.display().to_string(),
                }));
            } else {
                println!(
                    "{}",
                    lang.pick(
                        &format!(
                            "Koperasi {} terdaftar di dinas (peran {}); kredensial di {}",
                            added.coop,
                            added.role,
                            added.credentials.display()
                        ),
                        &format!(
                            "Coop {} registered at the district (role {}); credentials in {}",
                            added.coop,
                            added.role,
                            added.credentials.display()
                        ),
                    )
                );
            }
        }
        DistrictCmd::Status { url } => {
            let coops = relay::status(&url)?;
            if json {
                print_json(to_json(&DistrictStatusOut { coops: all(&coops) }));
            } else {
                println!(
                    "{:<16} {:<24} {:<20} {:>8} {:>10} {:>6} {:>10}",
                    lang.pick("koperasi", "coop"),
                    lang.pick("nama", "name"),
                    lang.pick("relay terakhir", "last relay"),
                    lang.pick("kiriman", "relays"),
                    lang.pick("kejadian", "events"),
                    lang.pick("kasir", "tills"),
                    lang.pick("karantina", "quarantined"),
                );
                for c in &coops {
                    println!(
                        "{:<16} {:<24} {:<20} {:>8} {:>10} {:>6} {:>10}",
                        c.coop,
                        c.name,
                        c.last_relay.as_deref().unwrap_or("-"),
                        c.relays,
                        c.events,
                        c.tills,
                        c.quarantined
                    );
                }
                if coops.iter().any(|c| c.quarantined > 0) {
                    println!(
                        "{}",
                        lang.pick(
                            "  lihat `kasir district quarantine --url URL`",
                            "  see `kasir district quarantine --url URL`"
                        )
                    );
                }
            }
        }
        DistrictCmd::Quarantine { url } => {
            let rows = relay::quarantine(&url)?;
            if json {
                print_json(to_json(&DistrictQuarantineOut {
                    quarantine: all(&rows),
                }));
            } else if rows.is_empty() {
                println!(
                    "{}",
                    lang.pick(
                        "Karantina dinas kosong",
                        "The district's quarantine is empty"
                    )
                );
            } else {
                for q in &rows {
                    println!(
                        "{} {} {}#{} {} ({}): {}",
                        q.received_at,
                        q.coop,
                        q.till,
                        q.seq.map_or("-".to_string(), |s| s.to_string()),
                        q.kind.as_deref().unwrap_or("-"),
                        q.event_id,
                        q.reason
                    );
                }
            }
        }
    }
    Ok(())
}

pub fn run_relay(args: RelayArgs, db: &Path, lang: Lang, json: bool) -> Result<()> {
    let done = match &args.from {
        Some(from) => relay::relay_from_coop(&args.to, from)?,
        None => open(db)?.relay_to_district(&args.to)?,
    };
    if json {
        print_json(to_json(&RelayOut::from(&done)));
        return Ok(());
    }
    let r = &done.report;
    println!(
        "{}",
        lang.pick(
            &format!(
                "Koperasi {}: {} kejadian dikirim ke dinas dalam {} kiriman ({} kejadian disamarkan: anggota, pengguna, resep; {} kali diulang)",
                done.coop, r.sent, r.batches, r.redacted, r.retries
            ),
            &format!(
                "Coop {}: {} events relayed to the district in {} batches ({} events redacted: members, users, prescriptions; {} retries)",
                done.coop, r.sent, r.batches, r.redacted, r.retries
            ),
        )
    );
    for (till, held) in &r.held {
        println!(
            "{}",
            lang.pick(
                &format!("  kasir {till}: dinas memegang sampai #{held}"),
                &format!("  till {till}: the district holds through #{held}"),
            )
        );
    }
    Ok(())
}
