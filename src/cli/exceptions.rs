//! `kasir exceptions`: the business exceptions found after syncing (stock sold below zero by
//! tills offline at the same time, kasbon above a member's limit, an event of a day already
//! posted), and resolving one.

use std::path::Path;

use clap::Subcommand;
use rust_decimal::Decimal;

use super::output::{all, print_json, to_json, ExceptionOut, ExceptionsOut};
use super::{actor_from, open};
use crate::domain::money::format_qty;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::exceptions::BusinessException;

/// `kasir exceptions [--all] [resolve …]`.
#[derive(clap::Args, Debug)]
pub struct ExceptionsArgs {
    /// The resolved exceptions too.
    #[arg(long)]
    pub all: bool,
    #[command(subcommand)]
    pub cmd: Option<ExceptionsCmd>,
}

#[derive(Subcommand, Debug)]
pub enum ExceptionsCmd {
    /// Resolve an open exception with a note; an oversell with a stock adjustment to what is
    /// on the shelf (--counted, default 0); a late event posts its adjusting journal on its
    /// day. Bendahara, or apoteker for obat.
    Resolve {
        id: i64,
        #[arg(long)]
        note: String,
        /// What is on the shelf now, in the base unit (oversell only; default 0).
        #[arg(long, value_name = "QTY")]
        counted: Option<String>,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
}

fn line(x: &BusinessException, lang: Lang) -> String {
    let (id_name, en_name) = x.kind.names();
    let mut s = format!(
        "#{} [{}] {} — {}",
        x.id,
        lang.pick(id_name, en_name),
        x.detected_at,
        x.reason.get(lang)
    );
    if let Some(r) = &x.resolved {
        s.push_str(&format!(
            "\n    {} {} {} ({}): {}",
            lang.pick("diselesaikan", "resolved"),
            r.at,
            r.by,
            r.till,
            r.note
        ));
        if let Some(a) = r.adjustment {
            s.push_str(&format!(
                " [{} {}]",
                lang.pick("penyesuaian", "adjustment"),
                format_qty(a)
            ));
        }
    }
    s
}

pub(super) fn run_exceptions(
    args: ExceptionsArgs,
    db: &Path,
    lang: Lang,
    json: bool,
) -> Result<()> {
    let mut shop = open(db)?;
    match args.cmd {
        None => {
            let list = shop.exceptions(args.all)?;
            if json {
                print_json(to_json(&ExceptionsOut {
                    exceptions: all::<_, ExceptionOut>(&list),
                }));
            } else if list.is_empty() {
                println!(
                    "{}",
                    lang.pick("Tidak ada pengecualian terbuka", "No open exceptions")
                );
            } else {
                for x in &list {
                    println!("{}", line(x, lang));
                }
            }
        }
        Some(ExceptionsCmd::Resolve {
            id,
            note,
            counted,
            user,
            pin,
        }) => {
            let counted = match counted {
                None => None,
                Some(c) => Some(c.trim().parse::<Decimal>().map_err(|_| {
                    KasirError::invalid(
                        format!("Jumlah \"{c}\" tidak terbaca"),
                        format!("The quantity \"{c}\" is not readable"),
                    )
                })?),
            };
            let actor = actor_from(&mut shop, user, pin)?;
            let x = shop.resolve_exception(&actor, id, &note, counted)?;
            if json {
                print_json(to_json(&ExceptionOut::from(&x)));
            } else {
                println!("{}", line(&x, lang));
            }
        }
    }
    Ok(())
}
