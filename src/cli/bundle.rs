//! `kasir bundle export --out FILE`, `kasir bundle import FILE --server URL [--ack-out F]`
//! and `kasir bundle import ACK`: the outbox carried by hand (`service::bundle`).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use serde_json::json;

use super::open;
use super::output::print_json;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::bundle;

#[derive(Subcommand, Debug)]
pub enum BundleCmd {
    /// Write every event of this shop file the coop's server has not acknowledged to FILE.
    Export {
        #[arg(long)]
        out: PathBuf,
    },
    /// At the coop, with --server: store a bundle's events and write its acknowledgement.
    /// On the shop file, without: mark the events an acknowledgement names acknowledged.
    Import {
        /// A bundle (with --server) or an acknowledgement (without).
        file: PathBuf,
        /// The owner's address of the coop's PostgreSQL.
        #[arg(long, conflicts_with = "district")]
        server: Option<String>,
        /// At the district: the owner's address of the district's PostgreSQL (the bundle's
        /// coop id must be registered there).
        #[arg(long)]
        district: Option<String>,
        /// Where the acknowledgement goes (default FILE.ack).
        #[arg(long)]
        ack_out: Option<PathBuf>,
    },
}

fn seqs(first: i64, last: i64) -> String {
    if first == last {
        format!("#{first}")
    } else {
        format!("#{first}–#{last}")
    }
}

pub fn run_bundle(cmd: BundleCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
    match cmd {
        BundleCmd::Export { out } => {
            let shop = open(db)?;
            let done = shop.bundle_export(&out)?;
            if json {
                print_json(json!({
                    "file": done.file.display().to_string(),
                    "tills": done.tills,
                    "events": done.events,
                    "ranges": done.ranges,
                    "chain": done.chain,
                }));
            } else {
                println!(
                    "{}",
                    lang.pick(
                        &format!("Bundel {}: {} kejadian", done.file.display(), done.events),
                        &format!("Bundle {}: {} events", done.file.display(), done.events),
                    )
                );
                for r in &done.ranges {
                    println!("  {} {}", r.till, seqs(r.first, r.last));
                }
            }
        }
        BundleCmd::Import {
            file,
            server: None,
            district: Some(url),
            ack_out,
        } => {
            let done = bundle::import_bundle_at_district(&file, &url, ack_out.as_deref())?;
            print_district_import(&done, lang, json);
            if let Some(damage) = done.damage {
                return Err(damage.error());
            }
        }
        BundleCmd::Import {
            file,
            server: Some(url),
            ack_out,
            ..
        } => {
            let done = bundle::import_bundle(&file, &url, ack_out.as_deref())?;
            if json && done.damage.is_none() {
                print_json(json!({
                    "tills": done.tills,
                    "ack": done.ack.display().to_string(),
                }));
            } else if !json {
                for t in &done.tills {
                    println!(
                        "{}",
                        lang.pick(
                            &format!(
                                "Kasir {}: {} kejadian ({}) dibaca; server memegang sampai #{}",
                                t.till,
                                t.events,
                                seqs(t.first, t.last),
                                t.held
                            ),
                            &format!(
                                "Till {}: {} events ({}) read; the server holds through #{}",
                                t.till,
                                t.events,
                                seqs(t.first, t.last),
                                t.held
                            ),
                        )
                    );
                }
                println!(
                    "{}",
                    lang.pick(
                        &format!("Tanda terima: {}", done.ack.display()),
                        &format!("Acknowledgement: {}", done.ack.display()),
                    )
                );
            }
            if let Some(damage) = done.damage {
                return Err(damage.error());
            }
        }
        BundleCmd::Import {
            file,
            server: None,
            district: None,
            ack_out,
        } => {
            if ack_out.is_some() {
                return Err(KasirError::invalid(
                    "--ack-out hanya bersama --server atau --district (impor bundel di koperasi atau dinas)",
                    "--ack-out goes only with --server or --district (importing a bundle at the coop or the district)",
                ));
            }
            let shop = open(db)?;
            let done = shop.bundle_ack(&file)?;
            if json {
                print_json(json!({ "tills": done }));
            } else {
                for t in &done {
                    println!(
                        "{}",
                        lang.pick(
                            &format!(
                                "Kasir {}: diterima server sampai #{} ({} kejadian ditandai)",
                                t.till, t.acked_through, t.marked
                            ),
                            &format!(
                                "Till {}: acknowledged through #{} ({} events marked)",
                                t.till, t.acked_through, t.marked
                            ),
                        )
                    );
                    if let Some(held) = t.district_held {
                        println!(
                            "{}",
                            lang.pick(
                                &format!("  dinas memegang sampai #{held}"),
                                &format!("  the district holds through #{held}"),
                            )
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

fn print_district_import(done: &bundle::ImportedAtDistrict, lang: Lang, json: bool) {
    if json {
        if done.damage.is_none() {
            print_json(json!({
                "coop": done.coop,
                "tills": done.tills,
                "quarantined": done.quarantined,
                "ack": done.ack.display().to_string(),
            }));
        }
        return;
    }
    for t in &done.tills {
        println!(
            "{}",
            lang.pick(
                &format!(
                    "Koperasi {} kasir {}: {} kejadian ({}) dibaca; dinas memegang sampai #{}",
                    done.coop,
                    t.till,
                    t.events,
                    seqs(t.first, t.last),
                    t.held
                ),
                &format!(
                    "Coop {} till {}: {} events ({}) read; the district holds through #{}",
                    done.coop,
                    t.till,
                    t.events,
                    seqs(t.first, t.last),
                    t.held
                ),
            )
        );
    }
    for q in &done.quarantined {
        let seq = q.seq.map_or("-".to_string(), |s| s.to_string());
        println!(
            "{}",
            lang.pick(
                &format!("! Dikarantina: kasir {} #{seq}: {}", q.till, q.reason),
                &format!("! Quarantined: till {} #{seq}: {}", q.till, q.reason),
            )
        );
    }
    println!(
        "{}",
        lang.pick(
            &format!("Tanda terima dinas: {}", done.ack.display()),
            &format!("The district's acknowledgement: {}", done.ack.display()),
        )
    );
}
