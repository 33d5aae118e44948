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
        #[arg(long)]
        server: Option<String>,
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
            server: Some(url),
            ack_out,
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
            ack_out,
        } => {
            if ack_out.is_some() {
                return Err(KasirError::invalid(
                    "--ack-out hanya bersama --server (impor bundel di koperasi)",
                    "--ack-out goes only with --server (importing a bundle at the coop)",
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
                }
            }
        }
    }
    Ok(())
}
