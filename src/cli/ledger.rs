//! The books at the command line: day close, status and reversal, ledger exports, the
//! opening balances and the chart of accounts.

use std::path::Path;

use rust_decimal::Decimal;
use serde_json::json;

use super::args::{AccountsCmd, BooksCmd, DayCmd, LedgerCmd};
use super::output::{
    all, export, import, print_json, rp, to_json, AccountOut, DayCloseOut, DayStatusOut, JournalOut,
};
use super::{actor_from, open};
use crate::domain::books_names;
use crate::domain::user::Actor;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::ledger::LedgerFormat;
use crate::service::JournalRecord;

pub(super) fn run_books(cmd: BooksCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
    match cmd {
        BooksCmd::Return {
            number,
            items,
            till,
            who: w,
        } => super::returns::run_return(number, items, till, w, db, lang, json)?,
        BooksCmd::Report(r) => super::reports::run_report(r, db, lang, json)?,
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
                print_json(to_json(&DayStatusOut::from(&s)));
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
                if !s.unsynced_tills.is_empty() {
                    println!(
                        "{}: {}",
                        lang.pick(
                            "Kasir yang kejadiannya belum semua diterapkan di sini",
                            "Tills whose events are not all applied here"
                        ),
                        s.unsynced_tills.join(", ")
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
            let f = super::output::open_input(&file)?;
            let lines = shop.parse_opening(std::io::BufReader::new(f))?;
            let j = shop.post_opening(&actor, lines)?;
            if json {
                print_json(json!({ "opening": to_json(&JournalOut::from(&j)) }));
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
                print_json(json!({"accounts": all::<_, AccountOut>(&accounts)}));
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
    }
    Ok(())
}

/// A day's posted journals: JSON, or a heading ("Day closed 2026-12-01: 2 journals") and
/// each journal.
fn print_day_journals(
    json: bool,
    date: chrono::NaiveDate,
    journals: &[JournalRecord],
    heading: &str,
    (what_id, what_en): (&str, &str),
    lang: Lang,
) {
    if json {
        print_json(to_json(&DayCloseOut {
            date,
            journals: all(journals),
        }));
        return;
    }
    println!(
        "{heading} {date}: {}",
        crate::i18n::count(lang, journals.len(), what_id, what_en)
    );
    print_journals(journals, lang);
}

/// Journals with one header line over their columns.
fn print_journals(journals: &[JournalRecord], lang: Lang) {
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

fn print_journal(j: &JournalRecord, lang: Lang) {
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
