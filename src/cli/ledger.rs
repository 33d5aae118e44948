//! The end of the day at the command line: returns, shift close and petty cash, kasbon
//! repayments, day close and reversal, the chart of accounts, ledger exports and reports.

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use clap::Subcommand;
use rust_decimal::Decimal;
use serde_json::json;

use super::{actor_from, done, export, import, open, print_json, write_atomically};
use crate::domain::books_names;
use crate::domain::cash::CashCount;
use crate::domain::money::{format_rupiah, AllowSen, Amount, Quantity};
use crate::domain::user::Actor;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::ledger::LedgerFormat;
use crate::service::member_books::{KasbonRule, ShuParams};
use crate::service::returns::parse_return_items;
use crate::service::shift_close::CashMoveKind;
use crate::service::Shop;

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
fn amount(s: &str) -> Result<Decimal> {
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
fn percent(s: &str) -> Result<Decimal> {
    Ok(Quantity::parse(s, 2)?)
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

fn rp(d: Decimal) -> String {
    format_rupiah(d)
}

pub(super) fn run_books(cmd: BooksCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
    match cmd {
        BooksCmd::Return {
            number,
            items,
            till,
            who: w,
        } => {
            let mut shop = open(db)?;
            let (actor, approver) = who(&mut shop, w)?;
            let items = parse_return_items(&items)?;
            let r = shop.return_items(&actor, approver.as_ref(), &till, &number, &items)?;
            done(
                json,
                lang,
                serde_json::to_value(&r).unwrap_or_default(),
                &format!(
                    "{} {} ({} {}): {} {} — {} {}, {} {}",
                    lang.pick("Retur", "Return"),
                    r.number,
                    lang.pick("transaksi", "sale"),
                    r.sale_number,
                    lang.pick("nilai", "value"),
                    rp(r.amount),
                    lang.pick("tunai", "cash"),
                    rp(r.refund_cash),
                    "kasbon",
                    rp(r.refund_kasbon)
                ),
            );
        }
        BooksCmd::Day(DayCmd::Close { date, user, pin }) => {
            let mut shop = open(db)?;
            let actor = actor_from(&mut shop, user, pin)?;
            let date = date.unwrap_or_else(|| shop.now().date());
            let journals = shop.close_day(&actor, date)?;
            print_day_journals(
                json,
                date,
                &journals,
                lang.pick("Hari ditutup", "Day closed"),
                ("jurnal", "journals"),
                lang,
            );
            super::backup::after_day_close(&shop, lang);
        }
        BooksCmd::Day(DayCmd::Reverse {
            date,
            reason,
            no_reclose,
            user,
            pin,
        }) => {
            let mut shop = open(db)?;
            let actor = actor_from(&mut shop, user, pin)?;
            let journals = shop.reverse_day(&actor, date, &reason, !no_reclose)?;
            print_day_journals(
                json,
                date,
                &journals,
                lang.pick("Hari dikoreksi", "Day corrected"),
                ("jurnal baru", "new journals"),
                lang,
            );
        }
        BooksCmd::Day(DayCmd::Status { date }) => {
            let shop = open(db)?;
            let date = date.unwrap_or_else(|| shop.now().date());
            let s = shop.day_status(date)?;
            if json {
                print_json(serde_json::to_value(&s).unwrap_or_default());
            } else {
                println!(
                    "{} {}: {}",
                    lang.pick("Hari", "Day"),
                    s.date,
                    if s.closed {
                        lang.pick("ditutup", "closed")
                    } else {
                        lang.pick("terbuka", "open")
                    }
                );
                if !s.open_shifts.is_empty() {
                    println!(
                        "{}: {}",
                        lang.pick("Shift terbuka", "Open shifts"),
                        s.open_shifts.join(", ")
                    );
                }
                print_journals(&s.journals, lang);
            }
        }
        BooksCmd::Ledger(LedgerCmd::Export {
            format,
            out,
            from,
            to,
        }) => {
            let shop = open(db)?;
            let f = LedgerFormat::parse(&format).ok_or_else(|| {
                KasirError::invalid(
                    format!("Format \"{format}\" tidak dikenal (hledger, csv, json)"),
                    format!("Unknown format \"{format}\" (hledger, csv, json)"),
                )
            })?;
            export(json, lang, &out, ("journals", "jurnal", "journals"), |w| {
                shop.export_ledger(f, from, to, w)
            })?;
        }
        BooksCmd::Ledger(LedgerCmd::Opening { file, user, pin }) => {
            let mut shop = open(db)?;
            let actor = actor_from(&mut shop, user, pin)?;
            let f = super::open_input(&file)?;
            let lines = shop.parse_opening(std::io::BufReader::new(f))?;
            let j = shop.post_opening(&actor, lines)?;
            if json {
                print_json(json!({ "opening": j }));
            } else {
                print_journal(&j, lang);
                let total: Decimal = j.lines.iter().map(|l| l.debit).sum();
                println!(
                    "{} {} — {}",
                    lang.pick("Saldo awal diposting:", "Opening balances posted:"),
                    j.number,
                    rp(total)
                );
            }
        }
        BooksCmd::Accounts(AccountsCmd::Import { file }) => {
            let mut shop = open(db)?;
            import(
                json,
                lang,
                &file,
                ("akun diimpor", "accounts imported"),
                |r| shop.import_accounts(&Actor::back_office(), r),
            )?;
        }
        BooksCmd::Accounts(AccountsCmd::Export { file }) => {
            let shop = open(db)?;
            export(json, lang, &file, ("exported", "akun", "accounts"), |w| {
                shop.export_accounts(w)
            })?;
        }
        BooksCmd::Accounts(AccountsCmd::List) => {
            let shop = open(db)?;
            let accounts = shop.accounts()?;
            if json {
                print_json(json!({"accounts": accounts}));
            } else {
                println!(
                    "{:<8} {:<40} {:<9} {}",
                    lang.pick("Kode", "Code"),
                    lang.pick("Nama", "Name"),
                    lang.pick("Jenis", "Kind"),
                    lang.pick("Peran", "Role")
                );
                for a in &accounts {
                    println!(
                        "{:<8} {:<40} {:<9} {}",
                        a.code,
                        books_names::account_name(&a.code, &a.name, lang),
                        a.kind,
                        a.role.clone().unwrap_or_default()
                    );
                }
            }
        }
        BooksCmd::Report(r) => run_report(r, db, lang, json)?,
    }
    Ok(())
}

/// A day's posted journals: JSON, or a heading ("Day closed 2026-12-01: 2 journals") and
/// each journal.
fn print_day_journals(
    json: bool,
    date: chrono::NaiveDate,
    journals: &[crate::store::ledger::JournalRecord],
    heading: &str,
    (what_id, what_en): (&str, &str),
    lang: Lang,
) {
    if json {
        print_json(json!({"date": date, "journals": journals}));
        return;
    }
    println!(
        "{heading} {date}: {}",
        crate::i18n::count(lang, journals.len(), what_id, what_en)
    );
    print_journals(journals, lang);
}

/// Journals with one header line over their columns.
fn print_journals(journals: &[crate::store::ledger::JournalRecord], lang: Lang) {
    if !journals.is_empty() {
        println!(
            "  {:<8} {:<36} {:>16} {:>16}",
            lang.pick("Akun", "Account"),
            lang.pick("Nama", "Name"),
            "Debit",
            lang.pick("Kredit", "Credit")
        );
    }
    for j in journals {
        print_journal(j, lang);
    }
}

fn print_journal(j: &crate::store::ledger::JournalRecord, lang: Lang) {
    println!(
        "{} {} {} — {}",
        j.number,
        j.date,
        j.business_unit,
        books_names::memo(&j.memo, lang)
    );
    for l in &j.lines {
        println!(
            "  {:<8} {:<36} {:>16} {:>16}",
            l.code,
            books_names::account_name(&l.code, &l.name, lang),
            if l.debit.is_zero() {
                String::new()
            } else {
                rp(l.debit)
            },
            if l.credit.is_zero() {
                String::new()
            } else {
                rp(l.credit)
            }
        );
    }
}

fn run_report(cmd: ReportCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
    if let ReportCmd::Stock(cmd) = cmd {
        return super::stock::run_report(db, json, lang, cmd);
    }
    let mut shop = open(db)?;
    match cmd {
        ReportCmd::Stock(_) => {}
        ReportCmd::X { till, user, pin } => {
            let actor = super::actor_from(&mut shop, user, pin)?;
            let (report, text) = shop.x_report(&actor, &till, lang)?;
            done(json, lang, json!({"report": report, "text": text}), &text);
        }
        ReportCmd::Z { till, shift } => {
            let z = shop.z_report(&till, shift)?;
            done(
                json,
                lang,
                serde_json::to_value(&z).unwrap_or_default(),
                &z.report,
            );
        }
        ReportCmd::TrialBalance { from, to } => {
            let tb = shop.trial_balance(from, to)?;
            if json {
                print_json(serde_json::to_value(&tb).unwrap_or_default());
            } else {
                println!(
                    "{} {} – {}",
                    lang.pick("Neraca saldo", "Trial balance"),
                    tb.from,
                    tb.to
                );
                println!(
                    "{:<8} {:<36} {:>16} {:>16} {:>16}",
                    lang.pick("Akun", "Account"),
                    lang.pick("Nama", "Name"),
                    "Debit",
                    lang.pick("Kredit", "Credit"),
                    lang.pick("Saldo", "Balance")
                );
                for r in &tb.rows {
                    println!(
                        "{:<8} {:<36} {:>16} {:>16} {:>16}",
                        r.code,
                        books_names::account_name(&r.code, &r.name, lang),
                        rp(r.debit),
                        rp(r.credit),
                        rp(r.closing)
                    );
                }
                println!(
                    "{:<45} {:>16} {:>16}",
                    "TOTAL",
                    rp(tb.total_debit),
                    rp(tb.total_credit)
                );
            }
        }
        ReportCmd::Gl { account, from, to } => {
            let gl = shop.general_ledger(&account, from, to)?;
            if json {
                print_json(serde_json::to_value(&gl).unwrap_or_default());
            } else {
                println!(
                    "{} {} ({} – {})",
                    gl.code,
                    books_names::account_name(&gl.code, &gl.name, lang),
                    gl.from,
                    gl.to
                );
                println!(
                    "{:<30} {:>16}",
                    lang.pick("Saldo awal", "Opening"),
                    rp(gl.opening)
                );
                for e in &gl.entries {
                    println!(
                        "{} {} {:<30} {:>14} {:>14} {:>16}",
                        e.date,
                        e.journal,
                        books_names::memo(&e.memo, lang),
                        rp(e.debit),
                        rp(e.credit),
                        rp(e.balance)
                    );
                }
                println!(
                    "{:<30} {:>16}",
                    lang.pick("Saldo akhir", "Closing"),
                    rp(gl.closing)
                );
            }
        }
        ReportCmd::Members { out } => {
            let savings = shop.savings()?;
            let members = crate::store::members::all(shop.store.conn())?;
            let rows: Vec<serde_json::Value> = members
                .iter()
                .map(|m| {
                    let s = savings.iter().find(|s| s.number == m.number);
                    json!({
                        "number": m.number, "name": m.name,
                        "kasbon_limit": m.kasbon_limit, "kasbon_balance": m.kasbon_balance,
                        "pokok": s.map(|s| s.pokok).unwrap_or_default(),
                        "wajib": s.map(|s| s.wajib).unwrap_or_default(),
                        "sukarela": s.map(|s| s.sukarela).unwrap_or_default(),
                    })
                })
                .collect();
            if let Some(file) = &out {
                write_atomically(file, |w| {
                    let mut c = csv::Writer::from_writer(w);
                    c.write_record([
                        "number",
                        "name",
                        "kasbon_limit",
                        "kasbon_balance",
                        "pokok",
                        "wajib",
                        "sukarela",
                    ])?;
                    for r in &rows {
                        let f =
                            |k: &str| crate::service::safe_cell(r[k].as_str().unwrap_or_default());
                        c.write_record([
                            f("number"),
                            f("name"),
                            f("kasbon_limit"),
                            f("kasbon_balance"),
                            f("pokok"),
                            f("wajib"),
                            f("sukarela"),
                        ])?;
                    }
                    c.flush()?;
                    Ok(())
                })?;
            }
            if json {
                print_json(json!({"members": rows}));
            } else if out.is_none() {
                for m in &members {
                    println!(
                        "{:<8} {:<30} {:>14} {:>14}",
                        m.number,
                        m.name,
                        rp(m.kasbon_limit),
                        rp(m.kasbon_balance)
                    );
                }
            }
        }
        ReportCmd::Dashboard { from, to, top } => {
            let today = shop.now().date();
            let to = to.unwrap_or(today);
            let from = from.unwrap_or_else(|| to - chrono::Duration::days(29));
            let d = shop.dashboard(from, to, top)?;
            if json {
                print_json(serde_json::to_value(&d).unwrap_or_default());
            } else {
                // Net of returns; a return counts on the day it is taken back.
                println!(
                    "{} {} – {} ({})",
                    lang.pick("Dasbor", "Dashboard"),
                    d.from,
                    d.to,
                    lang.pick(
                        "bersih setelah retur, retur pada tanggal retur",
                        "net of returns, returns on their own date"
                    )
                );
                println!(
                    "{:<10} {:<8} {:>14} {:>14} {:>14} {:>14} {:>14}",
                    lang.pick("Tanggal", "Date"),
                    lang.pick("Unit", "Unit"),
                    lang.pick("Penjualan", "Sales"),
                    lang.pick("Anggota", "Members"),
                    lang.pick("Non-anggota", "Others"),
                    lang.pick("Retur", "Returns"),
                    lang.pick("Bersih", "Net")
                );
                for x in &d.daily {
                    println!(
                        "{:<10} {:<8} {:>14} {:>14} {:>14} {:>14} {:>14}",
                        x.date,
                        x.business_unit,
                        rp(x.gross),
                        rp(x.members),
                        rp(x.non_members),
                        rp(-x.returns),
                        rp(x.net)
                    );
                }
                println!(
                    "{}: {} ({} {})",
                    lang.pick("Penjualan bersih", "Net sales"),
                    rp(d.net_sales),
                    lang.pick("retur", "returns"),
                    rp(d.returns)
                );
                for (u, v) in &d.per_unit {
                    println!(
                        "{} {u}: {}",
                        lang.pick("Penjualan bersih", "Net sales"),
                        rp(*v)
                    );
                }
                println!(
                    "{}: {} · {}: {} · {}: {}%",
                    lang.pick("Anggota", "Members"),
                    rp(d.member_sales),
                    lang.pick("Non-anggota", "Others"),
                    rp(d.non_member_sales),
                    lang.pick("Porsi anggota", "Member share"),
                    d.member_share_percent
                );
                for s in &d.member_share_daily {
                    println!(
                        "  {} {}: {}%",
                        s.date,
                        lang.pick("porsi anggota", "member share"),
                        s.member_share_percent
                    );
                }
                println!("{}", lang.pick("Barang terlaris", "Best sellers"));
                for t in &d.top_items {
                    println!(
                        "{:<12} {:<40} {:>22} {:>14}",
                        t.sku,
                        t.name,
                        t.quantity,
                        rp(t.amount)
                    );
                }
                println!(
                    "{}: {} ({})",
                    lang.pick("Kasbon beredar", "Kasbon outstanding"),
                    rp(d.kasbon_outstanding),
                    crate::i18n::count(
                        lang,
                        usize::try_from(d.kasbon_members).unwrap_or_default(),
                        "anggota",
                        "members"
                    )
                );
                for (u, v) in &d.stock_value {
                    println!("{} {u}: {}", lang.pick("Nilai stok", "Stock value"), rp(*v));
                }
            }
        }
        ReportCmd::Shu {
            year,
            total,
            usaha,
            modal,
            out,
        } => {
            let mut p: ShuParams = shop.shu_params()?;
            if let Some(t) = total {
                p.total = Amount::parse(&t, AllowSen::Yes)?;
            }
            if let Some(u) = usaha {
                p.jasa_usaha_percent = percent(&u)?;
            }
            if let Some(m) = modal {
                p.jasa_modal_percent = percent(&m)?;
            }
            let r = shop.shu_report(year, &p)?;
            if let Some(file) = &out {
                write_atomically(file, |w| shop.write_shu_csv(&r, w))?;
            }
            if json {
                print_json(serde_json::to_value(&r).unwrap_or_default());
            } else {
                println!(
                    "SHU {year}: {} {} — {} {}, {} {}",
                    lang.pick("dibagi", "shared"),
                    rp(r.total_shared),
                    lang.pick("jasa usaha", "patronage"),
                    rp(r.total_usaha),
                    lang.pick("jasa modal", "capital"),
                    rp(r.total_modal)
                );
                for row in &r.rows {
                    println!(
                        "{:<8} {:<30} {:>14} {:>12} {:>12} {:>12}",
                        row.number,
                        row.name,
                        rp(row.purchases_total),
                        rp(row.jasa_usaha),
                        rp(row.jasa_modal),
                        rp(row.total)
                    );
                }
            }
        }
    }
    Ok(())
}

pub(super) fn run_shift_more(cmd: ShiftMoreCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
    let mut shop = open(db)?;
    match cmd {
        ShiftMoreCmd::Close {
            till,
            count,
            reason,
            user,
            pin,
        } => {
            let actor = actor_from(&mut shop, user, pin)?;
            let count = CashCount::parse(&count)?;
            let closed = shop.close_shift(&actor, &till, &count, reason.as_deref(), lang)?;
            done(
                json,
                lang,
                serde_json::to_value(&closed).unwrap_or_default(),
                &closed.close.report,
            );
        }
        ShiftMoreCmd::CashIn {
            amount: a,
            reason,
            till,
            who: w,
        } => cash(
            &mut shop,
            w,
            &till,
            CashMoveKind::In,
            &a,
            &reason,
            lang,
            json,
        )?,
        ShiftMoreCmd::CashOut {
            amount: a,
            reason,
            till,
            who: w,
        } => cash(
            &mut shop,
            w,
            &till,
            CashMoveKind::Out,
            &a,
            &reason,
            lang,
            json,
        )?,
        ShiftMoreCmd::X { till, user, pin } => {
            let actor = super::actor_from(&mut shop, user, pin)?;
            let (report, text) = shop.x_report(&actor, &till, lang)?;
            done(json, lang, json!({"report": report, "text": text}), &text);
        }
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn cash(
    shop: &mut Shop,
    w: Who,
    till: &str,
    kind: CashMoveKind,
    a: &str,
    reason: &str,
    lang: Lang,
    json: bool,
) -> Result<()> {
    let (actor, approver) = who(shop, w)?;
    let a = amount(a)?;
    shop.cash_move(&actor, approver.as_ref(), till, kind, a, reason)?;
    done(
        json,
        lang,
        json!({"till": till, "amount": a, "kind": if kind == CashMoveKind::In { "in" } else { "out" }}),
        &format!(
            "{} {} ({till})",
            if kind == CashMoveKind::In {
                lang.pick("Kas masuk", "Cash in")
            } else {
                lang.pick("Kas keluar", "Cash out")
            },
            rp(a)
        ),
    );
    Ok(())
}

pub(super) fn run_members_more(
    cmd: MembersMoreCmd,
    db: &Path,
    lang: Lang,
    json: bool,
) -> Result<()> {
    let mut shop = open(db)?;
    match cmd {
        MembersMoreCmd::Repay {
            number,
            amount: a,
            till,
            user,
            pin,
        } => {
            let actor = actor_from(&mut shop, user, pin)?;
            let m = shop.repay_kasbon(&actor, &till, &number, amount(&a)?)?;
            done(
                json,
                lang,
                serde_json::to_value(&m).unwrap_or_default(),
                &format!(
                    "{} {} — {} {}",
                    lang.pick("Kasbon dibayar:", "Kasbon repaid:"),
                    m.number,
                    lang.pick("sisa saldo", "balance left"),
                    rp(m.kasbon_balance)
                ),
            );
        }
        MembersMoreCmd::Statement { number, month } => {
            let s = shop.member_statement(&number, &month)?;
            if json {
                print_json(serde_json::to_value(&s).unwrap_or_default());
            } else {
                println!("{} {} — {}", s.number, s.name, s.month);
                for (u, a) in &s.purchases {
                    println!(
                        "{} {u:<10} {:>16}",
                        lang.pick("Belanja", "Purchases"),
                        rp(*a)
                    );
                }
                println!(
                    "{:<24} {:>16}",
                    lang.pick("Kasbon awal", "Kasbon opening"),
                    rp(s.kasbon_opening)
                );
                println!(
                    "{:<24} {:>16}",
                    lang.pick("Kasbon diambil", "Kasbon taken"),
                    rp(s.kasbon_taken)
                );
                println!(
                    "{:<24} {:>16}",
                    lang.pick("Kasbon dibayar", "Kasbon repaid"),
                    rp(s.kasbon_repaid)
                );
                println!(
                    "{:<24} {:>16}",
                    lang.pick("Kasbon akhir", "Kasbon closing"),
                    rp(s.kasbon_closing)
                );
            }
        }
        MembersMoreCmd::Savings(SavingsCmd::Import { file }) => {
            import(
                json,
                lang,
                &file,
                ("simpanan diimpor", "savings imported"),
                |r| shop.import_savings(&Actor::back_office(), r),
            )?;
        }
        MembersMoreCmd::KasbonRule { rule, percent } => {
            let percent = percent.as_deref().map(self::percent).transpose()?;
            let r = match (rule.trim(), percent) {
                ("fixed", _) => KasbonRule::Fixed,
                ("savings", Some(p)) if p >= Decimal::ZERO && p <= Decimal::from(1000) => {
                    KasbonRule::Savings { percent: p }
                }
                _ => {
                    return Err(KasirError::invalid(
                        "Aturan kasbon: fixed, atau savings --percent N",
                        "Kasbon rule: fixed, or savings --percent N",
                    ))
                }
            };
            shop.set_kasbon_rule(&Actor::back_office(), r)?;
            done(
                json,
                lang,
                json!({"rule": r}),
                lang.pick("Aturan limit kasbon disimpan", "Kasbon limit rule saved"),
            );
        }
    }
    Ok(())
}
