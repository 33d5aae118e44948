//! `kasir return NO CODE[*QTY]…`: goods taken back against a receipt.

use std::path::Path;

use super::args::Who;
use super::output::{done, rp, to_json, ReturnOut};
use super::{open, who};
use crate::error::Result;
use crate::i18n::Lang;
use crate::service::returns::parse_return_items;

pub(super) fn run_return(
    number: String,
    items: Vec<String>,
    till: String,
    w: Who,
    db: &Path,
    lang: Lang,
    json: bool,
) -> Result<()> {
    let mut shop = open(db)?;
    let (actor, approver) = who(&mut shop, w)?;
    let items = parse_return_items(&items)?;
    let r = shop.return_items(&actor, approver.as_ref(), &till, &number, &items)?;
    done(
        json,
        lang,
        to_json(&ReturnOut::from(&r)),
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

    Ok(())
}
