//! `kasir report`: X and Z, trial balance, general ledger, members, dashboard, SHU (and
//! the stock reports of `cli::stock`).

use std::path::Path;

use serde_json::json;

use super::args::{percent, ReportCmd};
use super::open;
use super::output::{
    all, done, print_json, rp, to_json, write_atomically, DashboardOut, GeneralLedgerOut,
    MemberReportOut, ShiftCloseOut, ShiftReportOut, ShuOut, TrialBalanceOut, XReportOut,
};
use crate::domain::books_names;
use crate::domain::money::{AllowSen, Amount};
use crate::error::Result;
use crate::i18n::Lang;
use crate::service::member_books::ShuParams;

pub(super) fn run_report(cmd: ReportCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
    if let ReportCmd::Stock(cmd) = cmd {
        return super::stock::run_report(db, json, lang, cmd);
    }
    let mut shop = open(db)?;
    match cmd {
        ReportCmd::Stock(_) => {}
        ReportCmd::X { till, user, pin } => {
            let actor = super::actor_from(&mut shop, user, pin)?;
            let (report, text) = shop.x_report(&actor, &till, lang)?;
            done(
                json,
                lang,
                to_json(&XReportOut {
                    report: ShiftReportOut::from(&report),
                    text: text.clone(),
                }),
                &text,
            );
        }
        ReportCmd::Z { till, shift } => {
            let z = shop.z_report(&till, shift)?;
            done(json, lang, to_json(&ShiftCloseOut::from(&z)), &z.report);
        }
        ReportCmd::TrialBalance { from, to } => {
            let tb = shop.trial_balance(from, to)?;
            if json {
                print_json(to_json(&TrialBalanceOut::from(&tb)));
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
                print_json(to_json(&GeneralLedgerOut::from(&gl)));
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
            let rows = shop.members_report()?;
            if let Some(file) = &out {
                write_atomically(file, |w| shop.write_members_report_csv(&rows, w))?;
            }
            if json {
                print_json(json!({"members": all::<_, MemberReportOut>(&rows)}));
            } else if out.is_none() {
                for m in &rows {
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
                print_json(to_json(&DashboardOut::from(&d)));
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
                print_json(to_json(&ShuOut::from(&r)));
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
