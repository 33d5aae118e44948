//! `kasir server init|status --url URL`, `kasir till join --server URL --till T`,
//! `kasir sync --once`, `kasir sync exceptions`: the coop's PostgreSQL (`service::sync`). No credential is ever
//! printed, in text or in `--json`.

use std::path::Path;

use clap::{Args, Subcommand};
use serde_json::json;

use super::open;
use super::output::{
    all, print_json, to_json, PrunedOut, RebuiltOut, ServerStatusOut, SyncExceptionsOut, SyncOut,
    TillStatusOut,
};
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::sync;

#[derive(Subcommand, Debug)]
pub enum ServerCmd {
    /// Install or upgrade kasir's schema and sync functions (idempotent, versioned).
    Init {
        /// The owner's address, e.g. postgresql://kasir@host:5432/koperasi
        #[arg(long)]
        url: String,
        /// The database is a district's (the dinas above several coops), not a coop's.
        #[arg(long)]
        district: bool,
    },
    /// Each till: last push, highest seq, events stored, quarantined.
    Status {
        #[arg(long)]
        url: String,
    },
    /// A coop server that was lost: install the schema on a new database and store every
    /// event of the coop the district holds; the tills then join again (--rejoin) and sync.
    Rebuild {
        /// The owner's address of the new (empty) coop database.
        #[arg(long)]
        url: String,
        /// The coop's role at the district: its postgresql:// address, or the credentials
        /// file `kasir district coop add … --out FILE` wrote.
        #[arg(long)]
        district: String,
        /// The coop's id at the district (its `coop.id`); by default the one the
        /// credentials file names.
        #[arg(long)]
        coop: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum TillCmd {
    /// Register this shop file as till T on the server; its credentials go to a 0600 file
    /// beside the shop file.
    Join {
        /// The owner's address (used once, never stored).
        #[arg(long)]
        server: String,
        #[arg(long)]
        till: String,
        /// The till id is registered already: move it to this machine (the old machine's
        /// credentials stop working).
        #[arg(long)]
        rejoin: bool,
    },
}

#[derive(Args, Debug)]
pub struct SyncArgs {
    /// Push, then pull until the server has nothing new, and exit (the only mode so far).
    #[arg(long)]
    pub once: bool,
    #[command(subcommand)]
    pub cmd: Option<SyncCmd>,
}

#[derive(Subcommand, Debug)]
pub enum SyncCmd {
    /// Other tills' events that could not be applied here (retried on every sync).
    Exceptions,
    /// Delete this till's own events older than N days that the coop's server and the
    /// district both hold (never its newest); the rest stay, and the output says why.
    Prune {
        #[arg(long, default_value_t = 90)]
        keep_days: i64,
    },
    /// Write every product, member, user, supplier and coop setting of this file as events
    /// (admin), for data made before it travelled or imported before joining: the next
    /// sync sends them, the server orders them last, and every node takes them.
    Publish {
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
}

pub fn run_server(cmd: ServerCmd, lang: Lang, json: bool) -> Result<()> {
    match cmd {
        ServerCmd::Init { url, district } => {
            let done = if district {
                sync::district_init(&url)?
            } else {
                sync::server_init(&url)?
            };
            if json {
                print_json(json!({ "before": done.before, "version": done.version }));
            } else {
                match done.before {
                    Some(v) if v == done.version => println!(
                        "{}",
                        lang.pick(
                            &format!("Skema kasir di server sudah versi {v}"),
                            &format!("kasir's schema on the server is already version {v}"),
                        )
                    ),
                    _ => println!(
                        "{}",
                        lang.pick(
                            &format!("Skema kasir versi {} terpasang", done.version),
                            &format!("kasir's schema version {} installed", done.version),
                        )
                    ),
                }
            }
        }
        ServerCmd::Rebuild {
            url,
            district,
            coop,
        } => {
            let done = crate::service::retention::server_rebuild(&url, &district, coop.as_deref())?;
            if json {
                print_json(to_json(&RebuiltOut::from(&done)));
            } else {
                print_rebuilt(&done, lang);
            }
        }
        ServerCmd::Status { url } => {
            let tills: Vec<TillStatusOut> = sync::server_status(&url)?
                .iter()
                .map(TillStatusOut::from)
                .collect();
            if json {
                print_json(to_json(&ServerStatusOut { tills }));
            } else {
                print_server_status(&tills, lang);
            }
        }
    }
    Ok(())
}

/// The server's tills as a table, then a line for each till whose clock is off.
fn print_server_status(tills: &[TillStatusOut], lang: Lang) {
    println!(
        "{:<16} {:<20} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "till",
        lang.pick("kirim terakhir", "last push"),
        lang.pick("seq tertinggi", "highest seq"),
        lang.pick("kejadian", "events"),
        lang.pick("menunggu", "pending"),
        lang.pick("karantina", "quarantined"),
        lang.pick("jam", "clock"),
    );
    for t in tills {
        println!(
            "{:<16} {:<20} {:>10} {:>10} {:>10} {:>10} {:>10}",
            t.till,
            t.last_push.as_deref().unwrap_or("-"),
            t.highest_seq.map_or("-".to_string(), |s| s.to_string()),
            t.events,
            t.pending.map_or("-".to_string(), |n| n.to_string()),
            t.quarantined,
            t.clock_offset_ms
                .map_or("-".to_string(), |ms| sync::offset_text(ms, lang)),
        );
    }
    for t in tills.iter().filter(|t| t.clock_off) {
        let off = sync::offset_text(t.clock_offset_ms.unwrap_or_default(), lang);
        println!(
            "{}",
            lang.pick(
                &format!(
                    "! Jam kasir {} selisih {off} dari jam server (lebih dari 5 mnt): setel jam mesin itu",
                    t.till
                ),
                &format!(
                    "! The clock of till {} is {off} off the server's (more than 5 min): set that machine's clock",
                    t.till
                ),
            )
        );
    }
}

pub fn run_till(cmd: TillCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
    match cmd {
        TillCmd::Join {
            server,
            till,
            rejoin,
        } => {
            let shop = open(db)?;
            let joined = shop.till_join(&server, &till, rejoin)?;
            if json {
                print_json(json!({
                    "till": joined.till,
                    "role": joined.role,
                    "credentials_file": joined.credentials.display().to_string(),
                }));
            } else {
                println!(
                    "{}",
                    lang.pick(
                        &format!(
                            "Terdaftar sebagai kasir {} (peran {}); kredensial di {}",
                            joined.till,
                            joined.role,
                            joined.credentials.display()
                        ),
                        &format!(
                            "Joined as till {} (role {}); credentials in {}",
                            joined.till,
                            joined.role,
                            joined.credentials.display()
                        ),
                    )
                );
            }
        }
    }
    Ok(())
}

pub fn run_sync(args: SyncArgs, db: &Path, lang: Lang, json: bool) -> Result<()> {
    match args.cmd {
        Some(SyncCmd::Exceptions) => return exceptions(db, lang, json),
        Some(SyncCmd::Publish { user, pin }) => return publish(db, lang, json, user, pin),
        Some(SyncCmd::Prune { keep_days }) => {
            let done = open(db)?.sync_prune(keep_days)?;
            if json {
                print_json(to_json(&PrunedOut::from(&done)));
            } else {
                print_pruned(&done, lang);
            }
            return Ok(());
        }
        None => {}
    }
    if !args.once {
        return Err(KasirError::invalid(
            "Sinkron terus-menerus belum ada: pakai `kasir sync --once`",
            "Continuous sync is not built yet: use `kasir sync --once`",
        ));
    }
    let shop = open(db)?;
    let r = shop.sync_once()?;
    if json {
        print_json(to_json(&SyncOut::from(&r)));
    } else {
        if let Some(n) = r.resent {
            println!(
                "{}",
                lang.pick(
                    &format!("Server koperasi dibangun ulang (id lain): {n} kejadian yang masih disimpan kasir {} dikirim lagi; kejadian server dibaca lagi dari awal", r.till),
                    &format!("The coop's server was rebuilt (another id): {n} events till {} still keeps pushed again; the server's events read again from the start", r.till),
                )
            );
        }
        println!(
            "{}",
            lang.pick(
                &format!(
                    "Kasir {}: {} kejadian dikirim dalam {} kiriman, diterima sampai #{}, {} menunggu",
                    r.till,
                    r.sent,
                    r.batches,
                    r.acked_through.map_or("-".to_string(), |s| s.to_string()),
                    r.pending
                ),
                &format!(
                    "Till {}: {} events sent in {} pushes, acknowledged through #{}, {} waiting",
                    r.till,
                    r.sent,
                    r.batches,
                    r.acked_through.map_or("-".to_string(), |s| s.to_string()),
                    r.pending
                ),
            )
        );
        println!(
            "{}",
            lang.pick(
                &format!(
                    "Kasir lain: {} kejadian diambil, {} diterapkan, sampai #{}; {} pengecualian terbuka",
                    r.pulled, r.applied, r.pulled_through, r.exceptions
                ),
                &format!(
                    "Other tills: {} pulled, {} applied, through #{}; {} exceptions open",
                    r.pulled, r.applied, r.pulled_through, r.exceptions
                ),
            )
        );
        if r.exceptions > 0 {
            println!(
                "{}",
                lang.pick(
                    "  lihat `kasir sync exceptions`",
                    "  see `kasir sync exceptions`"
                )
            );
        }
        for (t, n) in &r.other_tills {
            println!(
                "{}",
                lang.pick(
                    &format!("  {n} kejadian kasir {t} di file ini tidak dikirim dari mesin ini"),
                    &format!(
                        "  {n} events of till {t} in this file are not pushed from this machine"
                    ),
                )
            );
        }
    }
    Ok(())
}

fn exceptions(db: &Path, lang: Lang, json: bool) -> Result<()> {
    let shop = open(db)?;
    let rows = shop.sync_exceptions()?;
    if json {
        print_json(to_json(&SyncExceptionsOut {
            exceptions: all(&rows),
        }));
        return Ok(());
    }
    if rows.is_empty() {
        println!(
            "{}",
            lang.pick(
                "Tidak ada kejadian kasir lain yang tertahan",
                "No other till's event is held back"
            )
        );
    }
    for x in &rows {
        println!(
            "#{} {} {}#{} ({}×): {}",
            x.change_seq,
            x.kind,
            x.till,
            x.seq,
            x.tries,
            lang.pick(&x.reason.id, &x.reason.en)
        );
    }
    Ok(())
}

fn print_rebuilt(r: &crate::service::retention::Rebuilt, lang: Lang) {
    println!(
        "{}",
        lang.pick(
            &format!(
                "Skema kasir versi {} di server baru (id {})",
                r.version,
                r.server_id.as_deref().unwrap_or("-")
            ),
            &format!(
                "kasir's schema version {} on the new server (id {})",
                r.version,
                r.server_id.as_deref().unwrap_or("-")
            ),
        )
    );
    for t in &r.tills {
        println!(
            "{}",
            lang.pick(
                &format!(
                    "Kasir {}: {} kejadian dari dinas ({} tersamar), server memegang sampai #{}, dinas sampai #{}",
                    t.till, t.events, t.redacted, t.held, t.district_held
                ),
                &format!(
                    "Till {}: {} events from the district ({} redacted), the server holds through #{}, the district through #{}",
                    t.till, t.events, t.redacted, t.held, t.district_held
                ),
            )
        );
    }
    if r.quarantined > 0 {
        println!(
            "{}",
            lang.pick(
                &format!(
                    "! {} kejadian dikarantina: lihat `kasir server status`",
                    r.quarantined
                ),
                &format!(
                    "! {} events quarantined: see `kasir server status`",
                    r.quarantined
                ),
            )
        );
    }
    println!(
        "{}",
        lang.pick(
            "Berikutnya: di tiap kasir `kasir till join --server URL --till T --rejoin` lalu `kasir sync --once`; kasir mengirim lagi semua kejadian yang masih disimpannya",
            "Next: at each till `kasir till join --server URL --till T --rejoin`, then `kasir sync --once`; each till pushes again every event it still keeps",
        )
    );
}

fn print_pruned(p: &crate::service::retention::Pruned, lang: Lang) {
    println!(
        "{}",
        lang.pick(
            &format!(
                "Kasir {}: {} kejadian lama dihapus (sebelum {}); disimpan mulai #{}",
                p.till,
                p.deleted,
                p.cutoff,
                p.first_kept.map_or("-".to_string(), |s| s.to_string())
            ),
            &format!(
                "Till {}: {} old events deleted (before {}); kept from #{}",
                p.till,
                p.deleted,
                p.cutoff,
                p.first_kept.map_or("-".to_string(), |s| s.to_string())
            ),
        )
    );
    let lines = [
        (
            p.kept_unacked,
            "belum diterima server koperasi",
            "not yet acknowledged by the coop's server",
        ),
        (
            p.kept_district,
            "belum dipegang dinas (server koperasi yang hilang dibangun lagi dari kasir dan dinas)",
            "not yet held by the district (a lost coop server is rebuilt from the tills and the district)",
        ),
        (
            p.kept_recent,
            "lebih baru dari batas hari",
            "newer than the days kept",
        ),
        (
            p.kept_newest,
            "kejadian terbaru kasir ini (penanda urutannya)",
            "this till's newest (it holds the till's place in its sequence)",
        ),
    ];
    for (n, id, en) in lines {
        if n > 0 {
            println!(
                "{}",
                lang.pick(
                    &format!("  {n} disimpan: {id}"),
                    &format!("  {n} kept: {en}")
                )
            );
        }
    }
    if p.district_held == 0 {
        println!(
            "{}",
            lang.pick(
                "  Dinas belum memegang satu pun kejadian kasir ini: tidak ada yang dihapus sampai dinas memegangnya",
                "  The district holds none of this till's events yet: nothing goes until it does",
            )
        );
    }
}

/// `kasir sync publish`: this file's catalog, members, users, suppliers and settings as
/// events for the next sync.
fn publish(
    db: &Path,
    lang: Lang,
    json: bool,
    user: Option<String>,
    pin: Option<String>,
) -> Result<()> {
    let mut shop = open(db)?;
    let actor = super::actor_from(&mut shop, user, pin)?;
    let p = shop.publish(&actor)?;
    if json {
        print_json(json!({
            "till": p.till,
            "products": p.products,
            "members": p.members,
            "users": p.users,
            "suppliers": p.suppliers,
            "settings": p.settings,
        }));
    } else {
        println!(
            "{}",
            lang.pick(
                &format!(
                    "Diterbitkan sebagai kasir {}: {} produk, {} anggota, {} pengguna, {} pemasok, {} pengaturan; terkirim pada sinkron berikut dan menimpa perubahan sebelumnya di semua kasir",
                    p.till, p.products, p.members, p.users, p.suppliers, p.settings
                ),
                &format!(
                    "Published as till {}: {} products, {} members, {} users, {} suppliers, {} settings; sent with the next sync, they replace earlier changes on every node",
                    p.till, p.products, p.members, p.users, p.suppliers, p.settings
                ),
            )
        );
    }
    Ok(())
}
