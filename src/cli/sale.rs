//! `kasir sale` (ring and commit one sale) and `kasir sales list|show`.

use std::path::Path;

use super::args::{SaleArgs, SalesCmd, Who};
use super::output::{all, print_json, to_json, SaleOut, SaleWithReceiptOut, SalesOut};
use super::{actor_from, open};
use crate::domain::cart::{Cart, Tender};
use crate::domain::money::format_rupiah;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::checkout::parse_tender;
use crate::service::{SaleRecord, Shop};

pub(super) fn run_sale(args: SaleArgs, db: &Path, lang: Lang, json: bool) -> Result<()> {
    let SaleArgs {
        till,
        member,
        pay,
        items,
        rx,
        who:
            Who {
                user,
                pin,
                supervisor,
                supervisor_pin,
            },
    } = args;
    let mut shop = open(db)?;
    let actor = actor_from(&mut shop, user, pin)?;
    let rx = rx.parse()?;
    let mut tenders: Vec<Tender> = pay.iter().map(|p| parse_tender(p)).collect::<Result<_>>()?;
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
    print_sale(&shop, &sale, false, json)?;
    if !json {
        println!(
            "{} {}",
            lang.pick("No. transaksi:", "Sale number:"),
            sale.number
        );
    }
    Ok(())
}

/// A sale and its receipt: the receipt's text, or both as JSON (`SaleWithReceiptOut`);
/// `reprint` marks the receipt a copy.
fn print_sale(shop: &Shop, sale: &SaleRecord, reprint: bool, json: bool) -> Result<()> {
    let receipt = shop.receipt_text(sale, reprint)?;
    if json {
        print_json(to_json(&SaleWithReceiptOut {
            sale: SaleOut::from(sale),
            receipt,
        }));
    } else {
        println!("{receipt}");
    }
    Ok(())
}

/// Product codes never contain a colon, so an item argument with one is meant as a tender.
fn looks_like_tender(s: &str) -> bool {
    s.contains(':')
}

pub(super) fn run_sales(cmd: SalesCmd, db: &Path, lang: Lang, json: bool) -> Result<()> {
    match cmd {
        SalesCmd::List { date } => {
            let shop = open(db)?;
            let date = date.unwrap_or_else(|| shop.now().date());
            let sales = shop.sales_on(date)?;
            if json {
                print_json(to_json(&SalesOut {
                    date,
                    sales: all(&sales),
                }));
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
        SalesCmd::Show { number } => {
            let shop = open(db)?;
            let sale = shop.sale(&number)?;
            print_sale(&shop, &sale, true, json)?;
        }
    }
    Ok(())
}
