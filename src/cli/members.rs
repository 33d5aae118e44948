//! `kasir members`: import, export, show, kasbon repayments, the monthly statement,
//! savings balances and the kasbon limit rule.

use std::path::Path;

use serde_json::json;

use rust_decimal::Decimal;

use super::args::{amount, percent, MembersCmd, MembersMoreCmd, SavingsCmd};
use super::output::{
    done, export, import, print_json, rp, to_json, KasbonRuleOut, MemberOut, StatementOut,
};
use super::{actor_from, open};
use crate::domain::money::format_rupiah;
use crate::domain::user::Actor;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::member_books::KasbonRule;

pub(super) fn run_members(cmd: MembersCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
    match cmd {
        MembersCmd::Import { file } => {
            let mut shop = open(db)?;
            import(
                json,
                lang,
                &file,
                ("anggota diimpor", "members imported"),
                |r| shop.import_members(&Actor::back_office(), r),
            )?;
        }
        MembersCmd::Export { file } => {
            let shop = open(db)?;
            export(json, lang, &file, ("exported", "anggota", "members"), |w| {
                shop.export_members(w)
            })?;
        }
        MembersCmd::Show { number } => {
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
            done(json, lang, to_json(&MemberOut::from(&m)), &text);
        }
        MembersCmd::Books(cmd) => run_members_more(cmd, db, lang, json)?,
    }
    Ok(())
}

fn run_members_more(cmd: MembersMoreCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
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
                to_json(&MemberOut::from(&m)),
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
                print_json(to_json(&StatementOut::from(&s)));
            } else {
                println!("{} {} — {}", s.number, s.name, s.month);
                for (u, a) in &s.purchases {
                    println!(
                        "{} {u:<10} {:>16}",
                        lang.pick("Belanja", "Purchases"),
                        rp(*a)
                    );
                }
                for (label, amount) in [
                    (lang.pick("Kasbon awal", "Kasbon opening"), s.kasbon_opening),
                    (lang.pick("Kasbon diambil", "Kasbon taken"), s.kasbon_taken),
                    (
                        lang.pick("Kasbon dibayar", "Kasbon repaid"),
                        s.kasbon_repaid,
                    ),
                    (
                        lang.pick("Kasbon akhir", "Kasbon closing"),
                        s.kasbon_closing,
                    ),
                ] {
                    println!("{label:<24} {:>16}", rp(amount));
                }
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
                json!({"rule": to_json(&KasbonRuleOut::from(r))}),
                lang.pick("Aturan limit kasbon disimpan", "Kasbon limit rule saved"),
            );
        }
    }
    Ok(())
}
