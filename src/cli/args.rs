//! The command line's arguments: what clap parses, and the few values typed on it that
//! are read the same way by several commands (amounts, percentages).

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Parser, Subcommand};
use rust_decimal::Decimal;

use super::{backup, bundle, district, exceptions, print, settings, stock, sync, users};
use crate::domain::money::{AllowSen, Amount, Quantity};
use crate::error::{KasirError, Result};

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
    Sale(SaleArgs),
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
    /// Users: add, pin, role, off, on, list (travel to every node of the coop).
    #[command(subcommand)]
    User(users::UserCmd),
    /// Stock count (opname): start, count, finish.
    #[command(subcommand)]
    Opname(stock::OpnameCmd),
    /// Write off stock: CODE QTY --reason rusak|kedaluwarsa|hilang [--batch B], or --expired.
    Writeoff(stock::WriteoffArgs),
    /// The coop's PostgreSQL: init (install or upgrade kasir's schema), status.
    #[command(subcommand)]
    Server(sync::ServerCmd),
    /// This machine as a till of the coop: join a server.
    #[command(subcommand)]
    Till(sync::TillCmd),
    /// Push this till's events to the coop's server and pull the other tills' now; or
    /// list the pulled events that could not be applied here.
    Sync(sync::SyncArgs),
    /// The district (Dinas Koperasi) above the coops: add a coop, status, quarantine,
    /// reports over every coop.
    #[command(subcommand)]
    District(district::DistrictCmd),
    /// Relay the coop's events to its district (outbound only): from the coop's server
    /// (--from), or from a one-till coop's own shop file.
    Relay(district::RelayArgs),
    /// The outbox carried by hand where there is no link: export, import (at the coop with
    /// --server; an acknowledgement on the shop file).
    #[command(subcommand)]
    Bundle(bundle::BundleCmd),
    /// Business exceptions found after syncing (stock sold below zero, kasbon above a
    /// member's limit): list the open ones, or resolve one (bendahara; apoteker for obat).
    Exceptions(exceptions::ExceptionsArgs),
    #[command(flatten)]
    Hardware(print::HardwareCmd),
    #[command(flatten)]
    Books(BooksCmd),
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
    Books(MembersMoreCmd),
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
    More(ShiftMoreCmd),
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

/// `kasir sale`.
#[derive(clap::Args, Debug)]
pub struct SaleArgs {
    #[arg(long, default_value = "cli")]
    pub till: String,
    #[arg(long)]
    pub member: Option<String>,
    /// A tender as TENDER:AMOUNT[:REFERENCE]; may repeat.
    #[arg(long = "pay", value_name = "TENDER:AMOUNT")]
    pub pay: Vec<String>,
    /// Items as CODE or CODE*QTY (QTY*CODE works too); TENDER:AMOUNT here counts as --pay.
    #[arg(required = true)]
    pub items: Vec<String>,
    /// Prescription-only drugs: the prescription and the approving pharmacist.
    #[command(flatten)]
    pub rx: stock::RxArgs,
    /// The cashier, and a supervisor approving items sold beyond the stock on hand
    /// (audited).
    #[command(flatten)]
    pub who: Who,
}

/// Top-level commands of the books.
#[derive(Subcommand, Debug)]
pub enum BooksCmd {
    /// Take goods back against a receipt: NO CODE[*QTY]… (needs a supervisor).
    Return {
        number: String,
        #[arg(required = true)]
        items: Vec<String>,
        #[arg(long, default_value = "cli")]
        till: String,
        #[command(flatten)]
        who: Who,
    },
    /// Close or correct a business day.
    #[command(subcommand)]
    Day(DayCmd),
    /// Journals for the books.
    #[command(subcommand)]
    Ledger(LedgerCmd),
    /// The chart of accounts.
    #[command(subcommand)]
    Accounts(AccountsCmd),
    /// Reports: x, z, trial-balance, gl, members, shu.
    #[command(subcommand)]
    Report(ReportCmd),
}

/// `--user/--pin` of the one acting and `--supervisor/--supervisor-pin` of the one approving.
#[derive(clap::Args, Debug, Default)]
pub struct Who {
    #[arg(long)]
    pub user: Option<String>,
    #[arg(long)]
    pub pin: Option<String>,
    #[arg(long)]
    pub supervisor: Option<String>,
    #[arg(long)]
    pub supervisor_pin: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum DayCmd {
    /// Close a day (bendahara): one balanced journal per business unit.
    Close {
        #[arg(long)]
        date: Option<NaiveDate>,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
    /// Reverse a posted day with a reason, then close it again (unless --no-reclose).
    Reverse {
        #[arg(long)]
        date: NaiveDate,
        #[arg(long)]
        reason: String,
        #[arg(long)]
        no_reclose: bool,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
    /// Whether a day is closed, what keeps it open, its journals.
    Status {
        #[arg(long)]
        date: Option<NaiveDate>,
    },
}

#[derive(Subcommand, Debug)]
pub enum LedgerCmd {
    /// Write the journals of a date range as hledger text, CSV or JSON.
    Export {
        #[arg(long, value_name = "hledger|csv|json")]
        format: String,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
    },
    /// Post the coop's opening balances once, before the first posted day, from a CSV:
    /// account,debit,credit[,memo] (account code; Persediaan = the stock value per unit).
    Opening {
        file: PathBuf,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum AccountsCmd {
    /// Import the chart: code,name,kind,role.
    Import { file: PathBuf },
    /// Export the chart: code,name,kind,role.
    Export { file: PathBuf },
    /// Show the chart.
    List,
}

#[derive(Subcommand, Debug)]
pub enum ReportCmd {
    /// Stock, expiry, SIPNAP and the narcotics register.
    #[command(flatten)]
    Stock(super::stock::ReportCmd),
    /// X report (interim) of the open shift of a till: for a supervisor, not for the shift's
    /// own cashier before the count (the back office without --user).
    X {
        #[arg(long, default_value = "cli")]
        till: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
    /// Z report of a closed shift (default: the last one closed on the till).
    Z {
        #[arg(long, default_value = "cli")]
        till: String,
        #[arg(long)]
        shift: Option<i64>,
    },
    /// Trial balance over a date range.
    TrialBalance {
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
    },
    /// General ledger of one account over a date range.
    Gl {
        #[arg(long)]
        account: String,
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
    },
    /// Members with their savings, kasbon limit and balance.
    Members {
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Dashboard figures: daily sales per unit, member share, top items, kasbon, stock value.
    Dashboard {
        #[arg(long)]
        from: Option<NaiveDate>,
        #[arg(long)]
        to: Option<NaiveDate>,
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
    /// SHU of a year per member (settings shu.*, or the flags).
    Shu {
        #[arg(long)]
        year: i32,
        /// SHU to share this year (overrides the setting shu.total).
        #[arg(long, allow_hyphen_values = true)]
        total: Option<String>,
        /// Percent for jasa usaha (setting shu.jasa_usaha_percent).
        #[arg(long, allow_hyphen_values = true)]
        usaha: Option<String>,
        /// Percent for jasa modal (setting shu.jasa_modal_percent).
        #[arg(long, allow_hyphen_values = true)]
        modal: Option<String>,
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

/// Added to `shift`.
#[derive(Subcommand, Debug)]
pub enum ShiftMoreCmd {
    /// Close the shift with a blind count of the drawer: DENOM*N…
    Close {
        #[arg(long, default_value = "cli")]
        till: String,
        #[arg(long, value_name = "DENOM*N", num_args = 1.., required = true)]
        count: Vec<String>,
        /// Why the count differs from what was expected (needed above the threshold).
        #[arg(long)]
        reason: Option<String>,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
    /// Petty cash into the drawer (with a reason and a supervisor).
    CashIn {
        #[arg(allow_hyphen_values = true)]
        amount: String,
        #[arg(long)]
        reason: String,
        #[arg(long, default_value = "cli")]
        till: String,
        #[command(flatten)]
        who: Who,
    },
    /// Petty cash out of the drawer (with a reason and a supervisor).
    CashOut {
        #[arg(allow_hyphen_values = true)]
        amount: String,
        #[arg(long)]
        reason: String,
        #[arg(long, default_value = "cli")]
        till: String,
        #[command(flatten)]
        who: Who,
    },
    /// The X report of the open shift (as `report x`).
    X {
        #[arg(long, default_value = "cli")]
        till: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
}

/// Added to `members`.
#[derive(Subcommand, Debug)]
pub enum MembersMoreCmd {
    /// Kasbon repaid in cash at a till.
    Repay {
        number: String,
        #[arg(allow_hyphen_values = true)]
        amount: String,
        #[arg(long, default_value = "cli")]
        till: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
    /// A member's month: purchases per unit, kasbon taken and repaid, balance.
    Statement {
        number: String,
        #[arg(long, value_name = "YYYY-MM")]
        month: String,
    },
    /// Savings balances from the simpan-pinjam unit.
    #[command(subcommand)]
    Savings(SavingsCmd),
    /// The kasbon limit rule: fixed, or savings with --percent.
    KasbonRule {
        #[arg(value_name = "fixed|savings")]
        rule: String,
        #[arg(long, allow_hyphen_values = true)]
        percent: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum SavingsCmd {
    /// Import number,pokok,wajib,sukarela (all rows or none).
    Import { file: PathBuf },
}

/// Cash typed on the command line: whole rupiah, above zero.
pub(super) fn amount(s: &str) -> Result<Decimal> {
    let a = Amount::parse(s, AllowSen::No)?;
    if a.is_zero() {
        return Err(KasirError::invalid(
            format!("Nominal \"{s}\" harus lebih dari 0"),
            format!("Amount \"{s}\" must be above 0"),
        ));
    }
    Ok(a)
}

/// A percentage typed on the command line (`2,5`), at most two decimals.
pub(super) fn percent(s: &str) -> Result<Decimal> {
    Ok(Quantity::parse(s, 2)?)
}
