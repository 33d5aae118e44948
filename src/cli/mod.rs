//! The command line: the same services as the till, for the back office and scripts.
//!
//! Exit 0 on success; on a refusal a one-line reason on stderr, a non-zero exit, and nothing
//! changed. `--json` prints one JSON document on stdout.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use serde_json::json;

use crate::domain::cart::{Cart, Tender};
use crate::domain::money::{format_qty, format_rupiah, AllowSen, Amount};
use crate::domain::user::Actor;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::checkout::parse_tender;

use crate::service::{demo, Shop, SystemClock};
use crate::store::{OpenMode, Store};

mod backup;
mod ledger;
mod print;
mod settings;
mod stock;

#[derive(Parser, Debug)]
#[command(
    name = "kasir",
    version,
    about = "Kasir Koperasi: till, stock and books for a village cooperative"
)]
pub struct Cli {
    /// Shop database file (default: kasir.db in the platform data directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Language of messages: id (Bahasa Indonesia) or en.
    #[arg(long, global = true, value_name = "id|en")]
    pub lang: Option<String>,
    /// Print one JSON document on stdout.
    #[arg(long, global = true)]
    pub json: bool,
    /// Log to stderr as well as to the log file.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// Start the till on a demo shop (created on first use) with a simulated printer and scanner.
    #[arg(long)]
    pub demo: bool,
    /// Which till (counter) this window is, e.g. sembako-1 or apotek-1 (default: the
    /// `till.default` setting, else sembako-1).
    #[arg(long, value_name = "TILL")]
    pub till: Option<String>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Create an empty shop.
    Init {
        #[arg(long, default_value = "Koperasi Desa Merah Putih")]
        name: String,
        /// Admin PIN for the first user `admin`.
        #[arg(long, default_value = "9999")]
        admin_pin: String,
    },
    /// Create the demo shop; with --products/--sales, a large generated shop on top of it.
    Demo {
        /// Generated products to add (realistic names, units, EAN-13 barcodes, stock).
        #[arg(long, default_value_t = 0)]
        products: usize,
        /// Generated sales to ring, spread over --days.
        #[arg(long, default_value_t = 0)]
        sales: usize,
        /// Business days the generated sales cover, ending yesterday.
        #[arg(long, default_value_t = 365)]
        days: u32,
    },
    /// Products, units, barcodes, prices.
    #[command(subcommand)]
    Catalog(CatalogCmd),
    /// Members (anggota).
    #[command(subcommand)]
    Members(MembersCmd),
    /// Ring and commit one sale: CODE[*QTY]… and TENDER:AMOUNT (cash, qris, transfer, kasbon).
    Sale {
        #[arg(long, default_value = "cli")]
        till: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
        #[arg(long)]
        member: Option<String>,
        /// A tender as TENDER:AMOUNT[:REFERENCE]; may repeat.
        #[arg(long = "pay", value_name = "TENDER:AMOUNT")]
        pay: Vec<String>,
        /// Items as CODE or CODE*QTY (QTY*CODE works too); TENDER:AMOUNT here counts as --pay.
        #[arg(required = true)]
        items: Vec<String>,
        /// Prescription-only drugs: the prescription and the approving pharmacist.
        #[command(flatten)]
        rx: stock::RxArgs,
        /// A supervisor approving items sold beyond the stock on hand (audited).
        #[arg(long)]
        supervisor: Option<String>,
        #[arg(long)]
        supervisor_pin: Option<String>,
    },
    /// Sales of a day, or one sale.
    #[command(subcommand)]
    Sales(SalesCmd),
    /// Stock on hand (per batch where tracked), or the stock card of a product.
    #[command(args_conflicts_with_subcommands = true)]
    Stock {
        /// Barcode or SKU; all products when absent.
        code: Option<String>,
        #[command(subcommand)]
        sub: Option<StockCmd>,
    },
    /// Goods received from a CSV: code,qty,unit,cost,batch,expiry.
    Receive {
        file: PathBuf,
        #[arg(long)]
        supplier: Option<String>,
        /// credit (owed to the supplier) or cash (then --from says where the cash comes
        /// from). Without it and without a supplier: opening stock, paid by nobody.
        #[arg(long, value_name = "cash|credit")]
        pay: Option<String>,
        /// Cash paid from a till's drawer (with --till, during its shift) or the office safe.
        #[arg(long, value_name = "drawer|safe")]
        from: Option<String>,
        /// The till whose drawer pays (--from drawer).
        #[arg(long)]
        till: Option<String>,
        #[arg(long)]
        note: Option<String>,
        /// Take in batches that have already expired (with --reason; audited).
        #[arg(long)]
        allow_expired: bool,
        /// Why expired batches are taken in.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Cashier shifts.
    #[command(subcommand)]
    Shift(ShiftCmd),
    /// Online backup of the shop database, or the daily automatic one (--auto).
    Backup(backup::BackupArgs),
    /// Integrity check: SQLite, audit chain, stock = moves, settings changed outside kasir.
    Check,
    /// Shop settings: list, get KEY, set KEY VALUE (audited).
    #[command(subcommand)]
    Settings(settings::SettingsCmd),
    /// Suppliers (pemasok).
    #[command(subcommand)]
    Supplier(stock::SupplierCmd),
    /// Stock count (opname): start, count, finish.
    #[command(subcommand)]
    Opname(stock::OpnameCmd),
    /// Write off stock: CODE QTY --reason rusak|kedaluwarsa|hilang [--batch B], or --expired.
    Writeoff(stock::WriteoffArgs),
    #[command(flatten)]
    Hardware(print::HardwareCmd),
    #[command(flatten)]
    Books(ledger::BooksCmd),
}

#[derive(Subcommand, Debug)]
pub enum CatalogCmd {
    Import { file: PathBuf },
    Export { file: PathBuf },
}

#[derive(Subcommand, Debug)]
pub enum MembersCmd {
    Import {
        file: PathBuf,
    },
    Export {
        file: PathBuf,
    },
    Show {
        number: String,
    },
    #[command(flatten)]
    Books(ledger::MembersMoreCmd),
}

#[derive(Subcommand, Debug)]
pub enum SalesCmd {
    /// Every sale of a day (default today).
    List {
        #[arg(long)]
        date: Option<chrono::NaiveDate>,
    },
    Show {
        number: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum ShiftCmd {
    /// Open a shift with its float (the cash in the drawer at the start).
    Open {
        #[arg(long, default_value = "cli")]
        till: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
        /// The float in rupiah; with --count it may be left out.
        #[arg(long, value_name = "AMOUNT", allow_hyphen_values = true)]
        float: Option<String>,
        /// The float counted by denomination: DENOM*N…
        #[arg(long, value_name = "DENOM*N", num_args = 1..)]
        count: Vec<String>,
    },
    #[command(flatten)]
    More(ledger::ShiftMoreCmd),
}

#[derive(Subcommand, Debug)]
pub enum StockCmd {
    /// The stock card (kartu stok) of a product, or of one batch.
    Moves {
        code: String,
        #[arg(long)]
        batch: Option<String>,
    },
}

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
    Ok(Shop::new(
        Store::open(db, OpenMode::Existing)?,
        Arc::new(SystemClock),
    ))
}

fn create(db: &Path) -> Result<Shop> {
    if let Some(dir) = db.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let store = Store::open(db, OpenMode::CreateNew);
    match store {
        Ok(s) => Ok(Shop::new(s, Arc::new(SystemClock))),
        Err(e) => Err(e),
    }
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

fn print_json(v: serde_json::Value) {
    println!("{v}");
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
        Command::Init { name, admin_pin } => {
            let shop = create_with(db, |s| {
                demo::init_settings(s, &name)?;
                s.add_user(
                    &Actor::back_office(),
                    "admin",
                    "Admin",
                    crate::domain::user::Role::Admin,
                    &admin_pin,
                )?;
                Ok(())
            })?;
            done(
                json,
                lang,
                json!({"created": shop.store.path()}),
                &format!(
                    "{} {}",
                    lang.pick("Toko baru dibuat:", "New shop created:"),
                    db.display()
                ),
            );
        }
        Command::Demo {
            products: n_products,
            sales,
            days,
        } => {
            let mut generated = None;
            let shop = create_with(db, |s| {
                demo::fill(s, &mut progress_bar(json, "demo"))?;
                if n_products > 0 || sales > 0 {
                    let mut opts =
                        crate::service::generate::GenerateOptions::new(n_products, sales);
                    opts.days = days;
                    generated = Some(s.generate(
                        &Actor::back_office(),
                        &opts,
                        &mut progress_bar(json, "toko contoh"),
                    )?);
                }
                demo::post_opening(s)
            })?;
            let products = crate::store::catalog::count(shop.store.conn())?;
            done(
                json,
                lang,
                json!({"created": db, "products": products, "generated": generated, "users": demo::DEMO_USERS.iter().map(|u| json!({"username": u.0, "role": u.2, "pin": u.3})).collect::<Vec<_>>()}),
                &format!(
                    "{} {} ({})",
                    lang.pick("Toko demo dibuat:", "Demo shop created:"),
                    db.display(),
                    crate::i18n::count(
                        lang,
                        usize::try_from(products).unwrap_or_default(),
                        "produk",
                        "products"
                    )
                ),
            );
        }
        Command::Catalog(CatalogCmd::Import { file }) => {
            let mut shop = open(db)?;
            import(
                json,
                lang,
                &file,
                ("produk diimpor", "products imported"),
                |r| {
                    shop.import_catalog(
                        &Actor::back_office(),
                        r,
                        &mut progress_bar(json, "katalog"),
                    )
                },
            )?;
        }
        Command::Catalog(CatalogCmd::Export { file }) => {
            let shop = open(db)?;
            export(json, lang, &file, ("exported", "produk", "products"), |w| {
                shop.export_catalog(w)
            })?;
        }
        Command::Members(MembersCmd::Import { file }) => {
            let mut shop = open(db)?;
            import(
                json,
                lang,
                &file,
                ("anggota diimpor", "members imported"),
                |r| shop.import_members(&Actor::back_office(), r),
            )?;
        }
        Command::Members(MembersCmd::Export { file }) => {
            let shop = open(db)?;
            export(json, lang, &file, ("exported", "anggota", "members"), |w| {
                shop.export_members(w)
            })?;
        }
        Command::Members(MembersCmd::Show { number }) => {
            let shop = open(db)?;
            let m = shop.member(&number)?;
            let text = format!(
                "{} {}\n{}: {}\nNIK: {}\n{}: {}\n{}: {}\n{}: {}",
                m.number,
                m.name,
                lang.pick("HP", "Phone"),
                m.phone.clone().unwrap_or_default(),
                m.nik.clone().unwrap_or_default(),
                lang.pick("Limit kasbon", "Kasbon limit"),
                format_rupiah(m.kasbon_limit),
                lang.pick("Saldo kasbon", "Kasbon balance"),
                format_rupiah(m.kasbon_balance),
                lang.pick("Sisa limit", "Available"),
                format_rupiah(m.cart_member().kasbon_available()),
            );
            done(
                json,
                lang,
                serde_json::to_value(&m).unwrap_or_default(),
                &text,
            );
        }
        Command::Sale {
            till,
            user,
            pin,
            member,
            pay,
            items,
            rx,
            supervisor,
            supervisor_pin,
        } => {
            let mut shop = open(db)?;
            let actor = actor_from(&mut shop, user, pin)?;
            let rx = rx.parse()?;
            let mut tenders: Vec<Tender> =
                pay.iter().map(|p| parse_tender(p)).collect::<Result<_>>()?;
            let mut cart = Cart::default();
            if let Some(m) = &member {
                shop.attach_member(&mut cart, Some(m))?;
            }
            for item in &items {
                if looks_like_tender(item) {
                    tenders.push(parse_tender(item)?);
                } else {
                    let approval = rx.as_ref().map(|(r, u, p, why)| {
                        (
                            r,
                            crate::service::pharmacy::RxApproval {
                                apoteker: u,
                                pin: p,
                                age_reason: why.as_deref(),
                            },
                        )
                    });
                    let rx = approval.as_ref().map(|(r, a)| (*r, a));
                    shop.scan_or_prescribe(&till, &mut cart, item, rx)?;
                }
            }
            let supervisor = match (supervisor, supervisor_pin) {
                (Some(u), Some(p)) => Some(shop.supervisor(&u, &p)?),
                (None, None) => None,
                _ => {
                    return Err(KasirError::invalid(
                        "--supervisor dan --supervisor-pin harus diberikan berdua",
                        "--supervisor and --supervisor-pin go together",
                    ))
                }
            };
            if let Some(sup) = supervisor {
                // Only the lines the stock cannot cover carry the approval; checkout audits
                // each with the sale, in the sale's own transaction.
                for line in shop.lines_beyond_stock(&cart)? {
                    cart.lines[line].oversell_approved_by = Some(sup.username.clone());
                }
            }
            let sale = shop.checkout(&actor, &till, &cart, &tenders)?;
            let receipt = shop.receipt_text(&sale, false)?;
            if json {
                print_json(json!({"sale": sale, "receipt": receipt}));
            } else {
                println!("{receipt}");
                println!(
                    "{} {}",
                    lang.pick("No. transaksi:", "Sale number:"),
                    sale.number
                );
            }
        }
        Command::Sales(SalesCmd::List { date }) => {
            let shop = open(db)?;
            let date = date.unwrap_or_else(|| shop.now().date());
            let sales = shop.sales_on(date)?;
            if json {
                print_json(json!({"date": date, "sales": sales}));
            } else {
                println!(
                    "{:<17}  {:<5}  {:<8} {:>14}  {}",
                    lang.pick("No. transaksi", "Sale"),
                    lang.pick("Jam", "Time"),
                    lang.pick("Unit", "Unit"),
                    "Total",
                    lang.pick("Anggota", "Member")
                );
                for s in &sales {
                    println!(
                        "{:<17}  {}  {:<8} {:>14}  {}",
                        s.number,
                        &s.created_at[11..16],
                        s.business_unit,
                        format_rupiah(s.payable),
                        s.member_number.clone().unwrap_or_default()
                    );
                }
                let total: rust_decimal::Decimal = sales.iter().map(|s| s.payable).sum();
                println!(
                    "{}, total: {}",
                    crate::i18n::count(lang, sales.len(), "transaksi", "sales"),
                    format_rupiah(total)
                );
            }
        }
        Command::Sales(SalesCmd::Show { number }) => {
            let shop = open(db)?;
            let sale = shop.sale(&number)?;
            let receipt = shop.receipt_text(&sale, true)?;
            if json {
                print_json(json!({"sale": sale, "receipt": receipt}));
            } else {
                println!("{receipt}");
            }
        }
        Command::Stock { code, sub } => {
            let shop = open(db)?;
            match sub {
                Some(StockCmd::Moves { code, batch }) => {
                    let card = shop.stock_card(&code, batch.as_deref())?;
                    if json {
                        print_json(json!({"code": code, "moves": card}));
                    } else {
                        for m in &card {
                            println!(
                                "{}  {:<9} {:>10} {:>10}  {}{}  {} {}",
                                m.at,
                                m.kind,
                                format_qty(m.qty),
                                format_qty(m.balance),
                                m.reference.clone().unwrap_or_default(),
                                m.batch
                                    .as_ref()
                                    .map(|b| format!(" batch {b}"))
                                    .unwrap_or_default(),
                                m.user.clone().unwrap_or_default(),
                                crate::domain::books_names::memo(
                                    m.note.as_deref().unwrap_or_default(),
                                    lang
                                )
                            );
                        }
                    }
                }
                None => {
                    let rows = shop.stock(code.as_deref())?;
                    if json {
                        print_json(json!({"stock": rows}));
                    } else {
                        for r in &rows {
                            println!(
                                "{:<12} {:<44} {:>10} {}",
                                r.sku,
                                r.name,
                                format_qty(r.on_hand),
                                r.base_unit
                            );
                            for b in &r.batches {
                                println!(
                                    "{:<12}   batch {:<14} {} {:>10}",
                                    "",
                                    b.batch_no,
                                    b.expiry.clone().unwrap_or_default(),
                                    format_qty(b.on_hand)
                                );
                            }
                        }
                    }
                }
            }
        }
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
        Command::Shift(ShiftCmd::Open {
            till,
            user,
            pin,
            float,
            count,
        }) => {
            let mut shop = open(db)?;
            let actor = actor_from(&mut shop, user, pin)?;
            let count = crate::domain::cash::CashCount::parse(&count)?;
            let float = match float {
                Some(f) => Amount::parse(&f, AllowSen::No)?,
                None => count.total(),
            };
            let shift = shop.open_shift(&actor, &till, float, &count)?;
            done(
                json,
                lang,
                serde_json::to_value(&shift).unwrap_or_default(),
                &format!(
                    "{} {} — {} {}",
                    lang.pick("Shift dibuka di", "Shift opened on"),
                    shift.till,
                    lang.pick("modal", "float"),
                    format_rupiah(shift.opening_float)
                ),
            );
        }
        Command::Books(cmd) => ledger::run_books(cmd, db, lang, json)?,
        Command::Members(MembersCmd::Books(cmd)) => ledger::run_members_more(cmd, db, lang, json)?,
        Command::Shift(ShiftCmd::More(cmd)) => ledger::run_shift_more(cmd, db, lang, json)?,
        Command::Backup(args) => backup::run_backup(db, json, lang, args)?,
        Command::Check => {
            let shop = open(db)?;
            let report = shop.check()?;
            let ok = report.problems.is_empty();
            if json {
                print_json(serde_json::to_value(&report).unwrap_or_default());
            } else if ok {
                println!(
                    "{}",
                    lang.pick(
                        "OK: database utuh, jejak audit utuh, stok dan nilainya = mutasi, kasbon anggota = catatannya, pengaturan utuh",
                        "OK: database intact, audit chain intact, stock and its value = moves, members' kasbon = entries, settings intact"
                    )
                );
                if report.books_match_stock.is_some() {
                    println!(
                        "{}",
                        lang.pick(
                            "OK: persediaan di buku = nilai stok per unit",
                            "OK: Persediaan in the books = stock value per unit"
                        )
                    );
                }
            } else {
                for p in &report.problems {
                    println!("{}", p.get(lang));
                }
            }
            if !ok {
                let join = |f: fn(&crate::i18n::Bilingual) -> &String| {
                    report
                        .problems
                        .iter()
                        .map(|p| f(p).clone())
                        .collect::<Vec<_>>()
                        .join("; ")
                };
                // Books that differ from the stock are a posting matter, not a damaged file.
                let damaged =
                    !(report.integrity
                        && report.audit_chain
                        && report.stock_matches_moves
                        && report.stock_value_matches_moves
                        && report.kasbon_matches_entries);
                return Err(if damaged {
                    KasirError::DbCorrupt(join(|p| &p.en))
                } else {
                    KasirError::invalid(join(|p| &p.id), join(|p| &p.en))
                });
            }
        }
        Command::Settings(cmd) => settings::run_settings(db, json, lang, cmd)?,
        Command::Supplier(cmd) => stock::run_supplier(db, json, lang, cmd)?,
        Command::Opname(cmd) => stock::run_opname(db, json, lang, cmd)?,
        Command::Writeoff(args) => stock::run_writeoff(db, json, lang, args)?,
        Command::Hardware(cmd) => print::run_print(cmd, db, lang, json)?,
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

/// Product codes never contain a colon, so an item argument with one is meant as a tender.
fn looks_like_tender(s: &str) -> bool {
    s.contains(':')
}

fn done(json: bool, _lang: Lang, value: serde_json::Value, text: &str) {
    if json {
        print_json(value);
    } else {
        println!("{text}");
    }
}

/// Read an import file and say how many records came in (the service imports all or none).
pub(super) fn import(
    json: bool,
    lang: Lang,
    file: &Path,
    (what_id, what_en): (&str, &str),
    f: impl FnOnce(std::io::BufReader<std::fs::File>) -> Result<usize>,
) -> Result<()> {
    let n = f(std::io::BufReader::new(open_input(file)?))?;
    done(
        json,
        lang,
        json!({"imported": n}),
        &crate::i18n::count(lang, n, what_id, what_en),
    );
    Ok(())
}

/// A file the user named, or a refusal that names it.
pub(super) fn open_input(file: &Path) -> Result<std::fs::File> {
    let p = file.display();
    let refuse = |id: String, en: String| Err(KasirError::invalid(id, en));
    if file.is_dir() {
        return refuse(
            format!("{p} adalah folder, bukan file"),
            format!("{p} is a folder, not a file"),
        );
    }
    std::fs::File::open(file).map_err(|e| KasirError::file(file, e))
}

/// Write an export through [`write_atomically`] and say how many records went where.
pub(super) fn export(
    json: bool,
    lang: Lang,
    file: &Path,
    (key, what_id, what_en): (&str, &str, &str),
    f: impl FnOnce(&mut std::fs::File) -> Result<usize>,
) -> Result<()> {
    let n = write_atomically(file, f)?;
    done(
        json,
        lang,
        json!({ key: n, "file": file }),
        &format!(
            "{} → {}",
            crate::i18n::count(lang, n, what_id, what_en),
            file.display()
        ),
    );
    Ok(())
}

/// Write a file through a temporary sibling, so a failed export leaves no half file.
fn write_atomically<T>(file: &Path, f: impl FnOnce(&mut std::fs::File) -> Result<T>) -> Result<T> {
    let tmp = file.with_extension("tmp-kasir");
    let mut out = std::fs::File::create(&tmp).map_err(|e| KasirError::file(file, e))?;
    let result = f(&mut out).and_then(|v| {
        out.sync_all()?;
        std::fs::rename(&tmp, file)?;
        Ok(v)
    });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
