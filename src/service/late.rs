//! Events that reach a node after their business day was posted there. A till that sold
//! offline after the back office closed the day (a shift opened late, or a sale after the
//! shift's close reached the office) sends events of a day whose journal is already posted:
//! they are applied (stock, kasbon, the till's shift), and each one with an effect on the
//! books is recorded as a business exception (`late_event`) naming the till, its number, the
//! day and the amounts, with the journal lines the day close would have booked for it
//! alone. Resolving it (the treasurer) posts those lines as an adjusting journal (`adjust`)
//! dated on that day, beside the day's journal, which stays as posted: the day's books then
//! hold every till's entries, and the memo says which entries came late.
//!
//! Every node finds the same exceptions and posts the same journal. A close says what it
//! covered (per till, the highest event sequence the closing node held): an event beyond
//! it is late on every node, whether it arrives after the close (`found`) or was already
//! here, written by this node's own till, when the close arrives (`after_close`); an event
//! within it is in the close, whatever order it arrived in. The adjusting journal's id and
//! number come from the late event (`late-<event id>-<unit>`, `KOR-<till>-<seq>`), so two
//! nodes that resolve the same exception offline post one journal, not two: each skips a
//! journal it already holds. A day reversed and closed again covers its late events in the
//! new close; their open exceptions are settled by it on every node alike.

use std::collections::BTreeMap;

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde_json::{json, Value};

use crate::domain::catalog::BusinessUnit;
use crate::domain::ledger::{
    post_day, PostDay, PostLine, PostReturn, PostSale, StockFlow, StockPost,
};
use crate::domain::money::format_rupiah as rp;
use crate::error::{KasirError, Result};
use crate::store::exceptions as xq;
use crate::store::ledger as lq;
use crate::store::outbox::Pulled;
use crate::store::pull as pq;

/// The exception kind's name in the table.
pub const KIND: &str = "late_event";

/// Journal lines in account codes: (account, debit, credit, memo).
pub(super) type Lines = Vec<(String, Decimal, Decimal, String)>;

/// What a book event carries for the day's books.
pub(super) struct Effect {
    /// Its business day.
    pub date: String,
    /// What it is, in both languages: "Transaksi S-1 kasir sembako-1 tanggal … (Rp…)".
    pub what: (String, String),
    /// Its amount (minor units are the exception's figure).
    pub amount: Decimal,
    /// Its own part of the day's journals, per unit, in account codes.
    pub journals: Vec<(BusinessUnit, Lines)>,
}

fn unit(s: &str) -> BusinessUnit {
    BusinessUnit::parse(s).unwrap_or(BusinessUnit::Sembako)
}

fn dec(v: &Value) -> Decimal {
    match v {
        Value::String(s) => s.parse().unwrap_or_default(),
        Value::Number(n) => n.to_string().parse().unwrap_or_default(),
        _ => Decimal::ZERO,
    }
}

fn text<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key].as_str().unwrap_or("")
}

fn product_unit(c: &Connection, sku: &str) -> Result<BusinessUnit> {
    Ok(unit(
        pq::product_unit(c, sku)?.as_deref().unwrap_or("sembako"),
    ))
}

fn moves(c: &Connection, v: &Value, flow: StockFlow, day: &mut PostDay) -> Result<()> {
    for m in v["stock_moves"].as_array().into_iter().flatten() {
        day.stock.push(StockPost {
            unit: product_unit(c, text(m, "sku"))?,
            flow,
            value: dec(&m["value"]),
        });
    }
    Ok(())
}

fn tender_name(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "cash" => ("tunai", "cash"),
        "qris" => ("QRIS", "QRIS"),
        "transfer" => ("transfer", "transfer"),
        _ => ("kasbon", "kasbon"),
    }
}

/// The book effect of an event of `kind` with payload `v` (applied here already), or none
/// when the kind has none or its effect on the books is nothing.
pub(super) fn effect(c: &Connection, till: &str, kind: &str, v: &Value) -> Result<Option<Effect>> {
    use super::sync as k;
    let mut day = PostDay::default();
    let (date, what, amount) = match kind {
        k::SALE_KIND => {
            let s = &v["sale"];
            let tenders: Vec<(&str, Decimal)> = v["tenders"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|t| (text(t, "kind"), dec(&t["amount"])))
                .collect();
            let sum = |kind: &str| -> Decimal {
                tenders
                    .iter()
                    .filter(|(x, _)| *x == kind)
                    .map(|(_, a)| *a)
                    .sum()
            };
            let member = !s["member"].is_null();
            day.sales.push(PostSale {
                counter: unit(text(s, "business_unit")),
                member,
                lines: v["lines"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|l| PostLine {
                        unit: unit(text(l, "business_unit")),
                        amount: dec(&l["amount"]),
                        ppn: dec(&l["ppn"]),
                    })
                    .collect(),
                cash: sum("cash") - dec(&s["change"]),
                qris: sum("qris"),
                transfer: sum("transfer"),
                kasbon: sum("kasbon"),
                rounding: dec(&s["rounding"]),
            });
            moves(c, v, StockFlow::Sold { member }, &mut day)?;
            let total = dec(&s["total"]);
            // What each tender kept, as the books take it: cash net of the change.
            let change = dec(&s["change"]);
            let paid = |lang: usize| {
                ["cash", "qris", "transfer", "kasbon"]
                    .iter()
                    .filter(|kind| tenders.iter().any(|(k, _)| k == *kind))
                    .map(|kind| {
                        let kept = sum(kind)
                            - if *kind == "cash" {
                                change
                            } else {
                                Decimal::ZERO
                            };
                        let n = tender_name(kind);
                        format!("{} {}", if lang == 0 { n.0 } else { n.1 }, rp(kept))
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let number = text(s, "number");
            let date = text(s, "business_date").to_string();
            (
                date.clone(),
                (
                    format!(
                        "Transaksi {number} kasir {till} tanggal {date} ({}: {})",
                        rp(total),
                        paid(0)
                    ),
                    format!(
                        "Sale {number} of till {till} on {date} ({}: {})",
                        rp(total),
                        paid(1)
                    ),
                ),
                total,
            )
        }
        k::RETURN_KIND => {
            let r = &v["return"];
            let member = !r["member"].is_null();
            day.returns.push(PostReturn {
                counter: unit(text(r, "business_unit")),
                member,
                lines: v["lines"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|l| PostLine {
                        unit: unit(text(l, "business_unit")),
                        amount: dec(&l["amount"]),
                        ppn: dec(&l["ppn"]),
                    })
                    .collect(),
                refund_cash: dec(&r["refund_cash"]),
                refund_kasbon: dec(&r["refund_kasbon"]),
                rounding: dec(&r["rounding"]),
            });
            moves(c, v, StockFlow::Returned { member }, &mut day)?;
            let (number, sale) = (text(r, "number"), text(r, "sale_number"));
            let date = text(r, "business_date").to_string();
            let amount = dec(&r["amount"]);
            (
                date.clone(),
                (
                    format!(
                        "Retur {number} (transaksi {sale}) kasir {till} tanggal {date} ({})",
                        rp(amount)
                    ),
                    format!(
                        "Return {number} (sale {sale}) of till {till} on {date} ({})",
                        rp(amount)
                    ),
                ),
                amount,
            )
        }
        k::CASH_MOVE_KIND => {
            let u = unit(text(v, "business_unit"));
            let amount = dec(&v["amount"]);
            let out = text(v, "kind") == "out";
            if out {
                day.cash_out.push((u, amount));
            } else {
                day.cash_in.push((u, amount));
            }
            let date = text(v, "business_date").to_string();
            let reason = text(v, "reason");
            (
                date.clone(),
                (
                    format!(
                        "Kas {} kasir {till} tanggal {date} ({}: {reason})",
                        if out { "keluar" } else { "masuk" },
                        rp(amount)
                    ),
                    format!(
                        "Cash {} at till {till} on {date} ({}: {reason})",
                        if out { "out" } else { "in" },
                        rp(amount)
                    ),
                ),
                amount,
            )
        }
        k::KASBON_REPAY_KIND => {
            let u = unit(text(v, "business_unit"));
            for p in v["parts"].as_array().into_iter().flatten() {
                day.repayments
                    .push((u, unit(text(p, "receivable_unit")), dec(&p["amount"])));
            }
            let amount = dec(&v["amount"]);
            let date = text(v, "business_date").to_string();
            let member = text(v, "member");
            (
                date.clone(),
                (
                    format!(
                        "Pelunasan kasbon {member} di kasir {till} tanggal {date} ({})",
                        rp(amount)
                    ),
                    format!(
                        "Kasbon repaid by {member} at till {till} on {date} ({})",
                        rp(amount)
                    ),
                ),
                amount,
            )
        }
        k::SHIFT_CLOSE_KIND => {
            let diff = dec(&v["counted_cash"]) - dec(&v["expected_cash"]);
            let u = pq::shift_unit(c, text(v, "shift"))?;
            day.over_short
                .push((unit(u.as_deref().unwrap_or("")), diff));
            let date = text(v, "business_date").to_string();
            (
                date.clone(),
                (
                    format!(
                        "Tutup shift kasir {till} tanggal {date} (selisih kas {})",
                        rp(diff)
                    ),
                    format!(
                        "Shift close at till {till} on {date} (cash over/short {})",
                        rp(diff)
                    ),
                ),
                diff.abs(),
            )
        }
        k::RECEIVE_KIND => {
            let r = &v["receipt"];
            let payment = r["payment"].as_str();
            let paid_from = r["paid_from"].as_str();
            let supplier = !r["supplier"].is_null();
            for l in v["lines"].as_array().into_iter().flatten() {
                let u = product_unit(c, text(l, "sku"))?;
                let flow = match (payment, paid_from) {
                    (Some("credit"), _) => StockFlow::BoughtOnCredit,
                    (_, Some(p)) if !p.starts_with("drawer") => StockFlow::BoughtFromSafe,
                    (_, Some(_)) => {
                        StockFlow::BoughtFromKas(r["paid_unit"].as_str().map(unit).unwrap_or(u))
                    }
                    (Some(_), None) if supplier => StockFlow::BoughtFromKas(u),
                    _ => StockFlow::BroughtIn,
                };
                day.stock.push(StockPost {
                    unit: u,
                    flow,
                    value: dec(&l["value"]),
                });
            }
            let date = text(r, "business_date").to_string();
            let (doc, total) = (text(r, "doc_no"), dec(&r["total"]));
            (
                date.clone(),
                (
                    format!("Penerimaan barang {doc} tanggal {date} ({})", rp(total)),
                    format!("Goods receipt {doc} on {date} ({})", rp(total)),
                ),
                total,
            )
        }
        k::WRITE_OFF_KIND | k::OPNAME_KIND => {
            moves(c, v, StockFlow::Adjusted, &mut day)?;
            let at = if kind == k::WRITE_OFF_KIND {
                text(v, "at")
            } else {
                text(&v["session"], "finished_at")
            };
            let date = at.get(..10).unwrap_or("").to_string();
            let value: Decimal = day.stock.iter().map(|s| s.value).sum();
            let (id, en) = if kind == k::WRITE_OFF_KIND {
                ("Penghapusan stok", "Stock written off")
            } else {
                ("Hasil opname", "Stock count")
            };
            (
                date.clone(),
                (
                    format!("{id} tanggal {date} (nilai {})", rp(value)),
                    format!("{en} on {date} (value {})", rp(value)),
                ),
                value.abs(),
            )
        }
        _ => return Ok(None),
    };
    let mut journals = Vec::new();
    for (u, draft) in post_day(&day) {
        if draft.is_empty() {
            continue;
        }
        let Ok(j) = draft.build() else { continue };
        let mut lines = Vec::new();
        for l in j.lines() {
            let acc = lq::account_by_role(c, &l.account)?.ok_or_else(|| {
                KasirError::invalid(
                    format!("Tidak ada akun untuk peran \"{}\" di bagan akun", l.account),
                    format!(
                        "No account for the role \"{}\" in the chart of accounts",
                        l.account
                    ),
                )
            })?;
            lines.push((acc.code, l.debit, l.credit, l.memo.clone()));
        }
        if !lines.is_empty() {
            journals.push((u, lines));
        }
    }
    if journals.is_empty() || date.is_empty() {
        return Ok(None);
    }
    Ok(Some(Effect {
        date,
        what,
        amount,
        journals,
    }))
}

/// The business day of a book event (none: not a kind with an effect on the books).
fn event_date(kind: &str, v: &Value) -> Option<String> {
    use super::sync as k;
    let d = match kind {
        k::SALE_KIND => text(&v["sale"], "business_date"),
        k::RETURN_KIND => text(&v["return"], "business_date"),
        k::CASH_MOVE_KIND | k::KASBON_REPAY_KIND | k::SHIFT_CLOSE_KIND => text(v, "business_date"),
        k::RECEIVE_KIND => text(&v["receipt"], "business_date"),
        k::WRITE_OFF_KIND => text(v, "at").get(..10).unwrap_or(""),
        k::OPNAME_KIND => text(&v["session"], "finished_at").get(..10).unwrap_or(""),
        _ => return None,
    };
    (!d.is_empty()).then(|| d.to_string())
}

/// What a close covered, per till: the highest event sequence held here, applied from the
/// other tills or written by this file's own.
pub(super) fn covers_here(c: &Connection) -> Result<BTreeMap<String, i64>> {
    let mut out = BTreeMap::new();
    for (till, seq) in pq::held_through(c)? {
        let e = out.entry(till).or_insert(seq);
        *e = (*e).max(seq);
    }
    Ok(out)
}

/// The day's last close, if it is closed: what it covered (none: a close from before
/// closes said so, which covers nothing that arrives after it).
fn close_covers(c: &Connection, date: &str) -> Result<Option<Option<BTreeMap<String, i64>>>> {
    Ok(match pq::last_day_covers(c, date)? {
        Some((kind, covers)) if kind == "close" => {
            Some(covers.and_then(|s| serde_json::from_str(&s).ok()))
        }
        _ => None,
    })
}

/// Record `ev` as a late event of its day if that day is posted here and its close did not
/// cover it, with the journal its resolution will post. Nothing when it has no book effect,
/// or is recorded already (open or resolved).
fn raise(
    c: &Connection,
    event_id: &str,
    till: &str,
    seq: i64,
    kind: &str,
    payload: &Value,
    at: &str,
) -> Result<()> {
    // The cheap checks first: its day, that day's close and what it covered.
    let Some(date) = event_date(kind, payload) else {
        return Ok(());
    };
    let Some(covers) = close_covers(c, &date)? else {
        return Ok(());
    };
    if covers
        .as_ref()
        .and_then(|m| m.get(till))
        .is_some_and(|s| *s >= seq)
    {
        return Ok(());
    }
    if xq::any_for(c, KIND, event_id)? {
        return Ok(());
    }
    let Some(e) = effect(c, till, kind, payload)? else {
        return Ok(());
    };
    let reason_id = format!(
        "{} tiba setelah hari {} diposting di sini: belum masuk buku hari itu — selesaikan untuk memposting jurnal susulan bertanggal {}",
        e.what.0, e.date, e.date
    );
    let reason_en = format!(
        "{} arrived after day {} was already posted here: it is not in that day's books — resolve it to post an adjusting journal dated {}",
        e.what.1, e.date, e.date
    );
    let id = xq::insert(
        c,
        &xq::NewException {
            kind: KIND,
            subject: event_id,
            sku: None,
            batch_no: None,
            member: None,
            figure: crate::store::minor(e.amount)?,
            involved: &format!("{till} #{seq}"),
            reason: (&reason_id, &reason_en),
            detected_at: at,
        },
    )?;
    let multi = e.journals.len() > 1;
    let journals: Vec<Value> = e
        .journals
        .iter()
        .map(|(u, lines)| {
            let suffix = if multi {
                format!("-{}", u.as_str())
            } else {
                String::new()
            };
            json!({
                "uuid": format!("late-{event_id}-{}", u.as_str()),
                "number": format!("KOR-{till}-{seq}{suffix}"),
                "business_unit": u.as_str(),
                "memo": crate::domain::books_names::late_memo(&e.date, u.as_str(), &e.what.0),
                "lines": lines.iter().map(|(a, d, cr, m)| json!({
                    "account": a, "debit": d.normalize(), "credit": cr.normalize(), "memo": m,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    xq::set_correction(
        c,
        id,
        &json!({ "event": event_id, "till": till, "seq": seq, "business_date": e.date,
                 "journals": journals })
        .to_string(),
    )
}

/// After a pulled event is applied here (in its savepoint): a book event of a posted day
/// its close did not cover is a late event; a day close applied here makes this file's own
/// events of that day beyond what it covered late, and settles open late events it covers.
pub(super) fn found(c: &Connection, p: &Pulled, at: &str) -> Result<()> {
    let e = &p.event;
    let Ok(v) = serde_json::from_str::<Value>(&e.payload) else {
        return Ok(());
    };
    if e.kind == super::sync::DAY_CLOSE_KIND {
        return after_close(c, text(&v, "business_date"), &e.id, at);
    }
    raise(c, &e.id, &e.till, e.seq, &e.kind, &v, at)
}

/// A day closed here or applied from another node: this file's own book events of that
/// day beyond what the close covered are late; open late events it covers are settled.
pub(super) fn after_close(c: &Connection, date: &str, close_event: &str, at: &str) -> Result<()> {
    // A close from a program before closes said what they covered: which of this file's
    // events it held is not known, so none is called late for it.
    let Some(Some(covers)) = close_covers(c, date)? else {
        return Ok(());
    };
    own_beyond(c, date, &covers, at)?;
    settle(c, date, &covers, close_event, at)
}

/// At every sync, before pulling: this file's own book events beyond what the last close
/// covered (a sale on a day whose close this till pulled while its shift was still open)
/// are late here as they are on the nodes they reach.
pub(super) fn own_after_last_close(c: &Connection, at: &str) -> Result<()> {
    let Some((date, Some(covers))) = pq::last_close_covers(c)? else {
        return Ok(());
    };
    let covers: BTreeMap<String, i64> = serde_json::from_str(&covers).unwrap_or_default();
    own_beyond(c, &date, &covers, at)
}

/// This file's own events written on `date` or later beyond what `covers` says the close
/// of `date` held (an event of an earlier day is written before it, by the till's clock).
fn own_beyond(c: &Connection, date: &str, covers: &BTreeMap<String, i64>, at: &str) -> Result<()> {
    for till in crate::store::outbox::tills(c)? {
        let after = covers.get(&till).copied().unwrap_or(0);
        for (id, seq, kind, payload) in pq::own_events_after(c, &till, after, date)? {
            let Ok(v) = serde_json::from_str::<Value>(&payload) else {
                continue;
            };
            raise(c, &id, &till, seq, &kind, &v, at)?;
        }
    }
    Ok(())
}

/// Open late events of `date` that its close covers: they are in its journals now.
fn settle(
    c: &Connection,
    date: &str,
    covers: &BTreeMap<String, i64>,
    close_event: &str,
    at: &str,
) -> Result<()> {
    for x in xq::open_of_kind(c, KIND)? {
        let Some(corr) = xq::correction(c, x.id)? else {
            continue;
        };
        let Ok(v) = serde_json::from_str::<Value>(&corr) else {
            continue;
        };
        if text(&v, "business_date") != date {
            continue;
        }
        let (till, seq) = (text(&v, "till"), v["seq"].as_i64().unwrap_or(i64::MAX));
        if covers.get(till).is_some_and(|s| *s >= seq) {
            xq::resolve(
                c,
                x.id,
                &xq::Resolution {
                    at,
                    by: "kasir",
                    till: "",
                    note: &format!(
                        "Masuk penutupan ulang hari {date} / included in the day's new close"
                    ),
                    adjustment: None,
                    event: close_event,
                },
            )?;
        }
    }
    Ok(())
}

/// Post the adjusting journals of a late event's correction (`correction`: as recorded
/// when it was found, or as a resolution event carries it) that are not here yet; none
/// while its day is not closed here (the day's next close takes the event in). Returns
/// the journals as an event carries them.
pub(super) fn post_correction(
    c: &Connection,
    correction: &Value,
    at: &str,
    by: &str,
) -> Result<Vec<Value>> {
    let date = text(correction, "business_date");
    if close_covers(c, date)?.is_none() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for j in correction["journals"].as_array().into_iter().flatten() {
        out.push(j.clone());
        if pq::journal_by_uuid(c, text(j, "uuid"))?.is_some() {
            continue;
        }
        let mut lines = Vec::new();
        for l in j["lines"].as_array().into_iter().flatten() {
            let code = text(l, "account");
            let acc = lq::account_by_code(c, code)?.ok_or_else(|| {
                let (id, en) = super::ledger::no_account(code);
                KasirError::invalid(id, en)
            })?;
            lines.push((
                acc.id,
                dec(&l["debit"]),
                dec(&l["credit"]),
                text(l, "memo").to_string(),
            ));
        }
        lq::insert_journal(
            c,
            &lq::NewJournal {
                uuid: text(j, "uuid"),
                number: text(j, "number"),
                business_date: date,
                business_unit: text(j, "business_unit"),
                kind: "adjust",
                memo: text(j, "memo"),
                posted_at: at,
                posted_by: by,
                reverses: None,
                stock_through: None,
            },
            &lines,
        )?;
    }
    Ok(out)
}
