//! The command line: the same services as the till, for the back office and scripts.
//!
//! Exit 0 on success; on a refusal a one-line reason on stderr, a non-zero exit, and nothing
//! changed. `--json` prints one JSON document on stdout.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;
use serde_json::json;

use crate::domain::user::Actor;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;

use crate::service::{demo, Shop, SystemClock};

mod args;
mod backup;
mod bundle;
mod district;
mod district_report;
mod exceptions;
mod ledger;
mod members;
mod output;
mod print;
mod reports;
mod returns;
mod sale;
mod settings;
mod shift;
mod shop;
mod stock;
mod sync;
mod users;

pub use args::Cli;
use args::{Command, Who};
use output::print_json;

/// Where the shop lives when `--db` is not given.
pub fn data_dir() -> PathBuf {
    directories::ProjectDirs::from("id", "Koperasi", "kasir")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from("."))
}

fn default_db(demo: bool) -> PathBuf {
    data_dir().join(if demo { "demo.db" } else { "kasir.db" })
}

fn init_logging(db: &Path, verbose: bool) -> Option<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::prelude::*;
    let dir = db
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .join("logs");
    let file = std::fs::create_dir_all(&dir).ok().and_then(|_| {
        tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix("kasir")
            .filename_suffix("log")
            .max_log_files(14)
            .build(&dir)
            .ok()
    });
    let (file_layer, guard) = match file {
        Some(appender) => {
            let (w, g) = tracing_appender::non_blocking(appender);
            (
                Some(
                    tracing_subscriber::fmt::layer()
                        .with_ansi(false)
                        .with_writer(w),
                ),
                Some(g),
            )
        }
        None => (None, None),
    };
    let stderr_layer =
        verbose.then(|| tracing_subscriber::fmt::layer().with_writer(std::io::stderr));
    let _ = tracing_subscriber::registry()
        .with(
            tracing_subscriber::EnvFilter::try_from_env("KASIR_LOG")
                .unwrap_or_else(|_| "info".into()),
        )
        .with(file_layer)
        .with(stderr_layer)
        .try_init();
    guard
}

/// Entry point of the binary.
pub fn main() -> ExitCode {
    let _ = crate::ui::STARTED.set(std::time::Instant::now());
    quiet_broken_pipe();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => return usage_error(e),
    };
    let lang = cli
        .lang
        .as_deref()
        .and_then(Lang::parse)
        .unwrap_or_default();
    if let Some(l) = &cli.lang {
        if Lang::parse(l).is_none() {
            eprintln!(
                "kasir: bahasa \"{l}\" tidak dikenal (id, en) / unknown language \"{l}\" (id, en)"
            );
            return ExitCode::from(2);
        }
    }
    let db = cli.db.clone().unwrap_or_else(|| default_db(cli.demo));
    let _guard = init_logging(&db, cli.verbose);
    let json = cli.json;
    match run(cli, &db, lang) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::warn!(error = %e, "command refused");
            // One line, whatever the reason carries (SQLite reports span lines).
            let msg = e.message(lang);
            let msg = msg.split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!("kasir: {msg}");
            // With --json, stdout still carries one JSON document: the refusal.
            if json {
                print_json(json!({"error": {"code": e.code(), "message": msg}}));
            }
            ExitCode::FAILURE
        }
    }
}

/// A value clap could not read (a date like `2026-13-01`, a count like `-5`) is refused in
/// kasir's words and the user's language; help, version and other usage errors stay clap's.
fn usage_error(e: clap::Error) -> ExitCode {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if !matches!(
        e.kind(),
        ErrorKind::ValueValidation | ErrorKind::InvalidValue
    ) {
        e.exit()
    }
    let text = |k| match e.get(k) {
        Some(ContextValue::String(s)) => s.clone(),
        _ => String::new(),
    };
    let (arg, value) = (
        text(ContextKind::InvalidArg),
        text(ContextKind::InvalidValue),
    );
    let args: Vec<String> = std::env::args().collect();
    let lang = args
        .iter()
        .position(|a| a == "--lang")
        .and_then(|i| args.get(i + 1))
        .map(String::as_str)
        .or_else(|| args.iter().find_map(|a| a.strip_prefix("--lang=")))
        .and_then(Lang::parse)
        .unwrap_or_default();
    let hint = if arg.contains("date") || arg.contains("DATE") {
        lang.pick(" (tulis TTTT-BB-HH)", " (write YYYY-MM-DD)")
    } else {
        ""
    };
    eprintln!(
        "kasir: {}{hint}",
        lang.pick(
            &format!("Nilai \"{value}\" untuk {arg} tidak sah"),
            &format!("\"{value}\" is not a valid value for {arg}")
        )
    );
    ExitCode::from(2)
}

fn open(db: &Path) -> Result<Shop> {
    Shop::open(db, Arc::new(SystemClock))
}

fn create(db: &Path) -> Result<Shop> {
    if let Some(dir) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    Shop::create(db, Arc::new(SystemClock))
}

/// Create a shop, removing the half-made file if building it fails.
fn create_with(db: &Path, build: impl FnOnce(&mut Shop) -> Result<()>) -> Result<Shop> {
    let mut shop = create(db)?;
    if let Err(e) = build(&mut shop) {
        drop(shop);
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
        }
        return Err(e);
    }
    Ok(shop)
}

fn progress_bar(json: bool, what: &'static str) -> impl FnMut(u64, u64) {
    let bar = (!json && std::io::stderr().is_terminal()).then(|| {
        let b = indicatif::ProgressBar::new(0);
        b.set_message(what);
        b
    });
    move |done, total| {
        if let Some(b) = &bar {
            b.set_length(total);
            b.set_position(done);
            if done >= total {
                b.finish_and_clear();
            }
        }
    }
}

/// Output piped into `head` or a closed reader ends the program quietly, as other command
/// line tools do, instead of with a panic and a backtrace. Whatever the command did was
/// committed before it printed.
fn quiet_broken_pipe() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let text = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or("");
        if text.contains("failed printing to stdout") && text.contains("Broken pipe") {
            std::process::exit(141);
        }
        default(info);
    }));
}

fn run(cli: Cli, db: &Path, lang: Lang) -> Result<()> {
    let json = cli.json;
    let Some(command) = cli.command else {
        let shop = if cli.demo && !db.exists() {
            create_with(db, |s| demo::build(s, &mut progress_bar(false, "demo")))?
        } else {
            open(db)?
        };
        return crate::ui::run(
            shop,
            crate::ui::TillOptions {
                demo: cli.demo,
                lang: cli.lang.as_deref().and_then(Lang::parse),
                till: cli.till,
            },
        );
    };
    match command {
        Command::Init { name, admin_pin } => shop::run_init(name, admin_pin, db, lang, json)?,
        Command::Demo {
            products,
            sales,
            days,
        } => shop::run_demo(products, sales, days, db, lang, json)?,
        Command::Catalog(cmd) => shop::run_catalog(cmd, db, lang, json)?,
        Command::Members(cmd) => members::run_members(cmd, db, lang, json)?,
        Command::Sale(args) => sale::run_sale(args, db, lang, json)?,
        Command::Sales(cmd) => sale::run_sales(cmd, db, lang, json)?,
        Command::Stock { code, sub } => stock::run_stock(code, sub, db, lang, json)?,
        Command::Receive {
            file,
            supplier,
            pay,
            from,
            till,
            note,
            allow_expired,
            reason,
        } => stock::run_receive(
            db,
            json,
            lang,
            &file,
            stock::PayArgs { pay, from, till },
            crate::service::stock::ReceiveOptions {
                supplier,
                note,
                expired_reason: match (allow_expired, reason) {
                    (true, Some(r)) if !r.trim().is_empty() => Some(r),
                    (false, None) => None,
                    _ => {
                        return Err(KasirError::invalid(
                            "--allow-expired perlu --reason ALASAN (dan --reason hanya bersama --allow-expired)",
                            "--allow-expired needs --reason TEXT (and --reason goes only with --allow-expired)",
                        ))
                    }
                },
                ..Default::default()
            },
        )?,
        Command::Shift(cmd) => shift::run_shift(cmd, db, lang, json)?,
        Command::Books(cmd) => ledger::run_books(cmd, db, lang, json)?,
        Command::Backup(args) => backup::run_backup(db, json, lang, args)?,
        Command::Check => shop::run_check(db, lang, json)?,
        Command::Settings(cmd) => settings::run_settings(db, json, lang, cmd)?,
        Command::Supplier(cmd) => stock::run_supplier(db, json, lang, cmd)?,
        Command::User(cmd) => users::run_user(db, json, lang, cmd)?,
        Command::Opname(cmd) => stock::run_opname(db, json, lang, cmd)?,
        Command::Writeoff(args) => stock::run_writeoff(db, json, lang, args)?,
        Command::Hardware(cmd) => print::run_print(cmd, db, lang, json)?,
        Command::Server(cmd) => sync::run_server(cmd, lang, json)?,
        Command::Till(cmd) => sync::run_till(cmd, db, lang, json)?,
        Command::Sync(args) => sync::run_sync(args, db, lang, json)?,
        Command::District(cmd) => district::run_district(cmd, lang, json)?,
        Command::Relay(args) => district::run_relay(args, db, lang, json)?,
        Command::Bundle(cmd) => bundle::run_bundle(cmd, db, lang, json)?,
        Command::Exceptions(args) => exceptions::run_exceptions(args, db, lang, json)?,
    }
    Ok(())
}

/// The user named by `--user/--pin`, or the back office when neither is given.
fn actor_from(shop: &mut Shop, user: Option<String>, pin: Option<String>) -> Result<Actor> {
    match (user, pin) {
        (Some(u), Some(p)) => shop.login(&u, &p),
        (None, None) => Ok(Actor::back_office()),
        _ => Err(KasirError::invalid(
            "--user dan --pin harus diberikan berdua",
            "--user and --pin go together",
        )),
    }
}

fn who(shop: &mut Shop, w: Who) -> Result<(Actor, Option<Actor>)> {
    let actor = actor_from(shop, w.user, w.pin)?;
    let approver = match (w.supervisor, w.supervisor_pin) {
        (Some(u), Some(p)) => Some(shop.login(&u, &p)?),
        (None, None) => None,
        _ => {
            return Err(KasirError::invalid(
                "--supervisor dan --supervisor-pin harus diberikan berdua",
                "--supervisor and --supervisor-pin go together",
            ))
        }
    };
    Ok((actor, approver))
}
