//! `kasir shift`: open with a float, close with a blind count, petty cash in and out, and
//! the X report of the open shift.

use std::path::Path;

use serde_json::json;

use super::args::{amount, ShiftCmd, ShiftMoreCmd, Who};
use super::output::{done, rp, to_json, ShiftClosedOut, ShiftOut, ShiftReportOut, XReportOut};
use super::{actor_from, open, who};
use crate::domain::cash::CashCount;
use crate::domain::money::{format_rupiah, AllowSen, Amount};
use crate::error::Result;
use crate::i18n::Lang;
use crate::service::shift_close::CashMoveKind;
use crate::service::Shop;

pub(super) fn run_shift(cmd: ShiftCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
    let (till, user, pin, float, count) = match cmd {
        ShiftCmd::More(cmd) => return run_shift_more(cmd, db, lang, json),
        ShiftCmd::Open {
            till,
            user,
            pin,
            float,
            count,
        } => (till, user, pin, float, count),
    };
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
        to_json(&ShiftOut::from(&shift)),
        &format!(
            "{} {} — {} {}",
            lang.pick("Shift dibuka di", "Shift opened on"),
            shift.till,
            lang.pick("modal", "float"),
            format_rupiah(shift.opening_float)
        ),
    );

    Ok(())
}

fn run_shift_more(cmd: ShiftMoreCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
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
                to_json(&ShiftClosedOut::from(&closed)),
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
            let actor = actor_from(&mut shop, user, pin)?;
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
