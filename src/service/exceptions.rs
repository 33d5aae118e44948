//! Business exceptions across tills. Tills that were offline together may sell the same last
//! goods, or put kasbon on the same member, each within what it knew: once their events
//! meet on a node, stock on hand may stand below zero, a member's kasbon above their limit.
//! After a pulled batch is applied (in the same transaction) the products, batches and
//! members it touched are checked, and what is wrong is recorded once as an open exception,
//! with when and why (naming the tills and sales involved). The treasurer (or the apoteker,
//! for obat) resolves it with a note and, for an oversell, a stock adjustment to what is on
//! the shelf; the resolution is audited and travels as an `exception_resolve.v1` event
//! that every other node applies: the same adjustment, the same exception resolved.
//!
//! A sale's event carries the prescriptions its lines dispensed on, so a node also finds a
//! prescription that the tills together dispensed beyond its total (two apotek tills
//! offline each giving "the rest"): one open exception per prescription and drug, naming the
//! tills, sales and quantities, for the apoteker. It is resolved with a note only (what was
//! dispensed has left the shop); it is found again only when a later dispensing goes beyond
//! what it had reached when it was resolved.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::Connection;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{stamp, Shop};
use crate::domain::catalog::DrugClass;
use crate::domain::money::{format_qty, format_rupiah};
use crate::domain::pharmacy::{dispensable, rx_key};
use crate::domain::user::{Act, Actor, Role};
use crate::error::{KasirError, Result};
use crate::i18n::Bilingual;
use crate::store::exceptions::{self as q, ExceptionRow, NewException, Resolution};
use crate::store::outbox::Pulled;
use crate::store::stock::{self as st, MoveKind, NewMove};

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExceptionKind {
    /// Stock on hand (of a product, or of one batch) below zero.
    Oversell,
    /// A member's kasbon above their limit.
    KasbonOverLimit,
    /// A prescription dispensed beyond its total by several tills.
    RxOverDispensed,
    /// An event with an effect on the books that reached this node after its business day
    /// was posted here (`service::late`).
    LateEvent,
}

impl ExceptionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ExceptionKind::Oversell => "oversell",
            ExceptionKind::KasbonOverLimit => "kasbon_over_limit",
            ExceptionKind::RxOverDispensed => "rx_over_dispensed",
            ExceptionKind::LateEvent => super::late::KIND,
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "oversell" => Some(ExceptionKind::Oversell),
            "kasbon_over_limit" => Some(ExceptionKind::KasbonOverLimit),
            "rx_over_dispensed" => Some(ExceptionKind::RxOverDispensed),
            super::late::KIND => Some(ExceptionKind::LateEvent),
            _ => None,
        }
    }

    /// The kind's name: (Bahasa Indonesia, English).
    pub fn names(self) -> (&'static str, &'static str) {
        match self {
            ExceptionKind::Oversell => ("stok minus", "oversold"),
            ExceptionKind::KasbonOverLimit => ("kasbon di atas limit", "kasbon over limit"),
            ExceptionKind::RxOverDispensed => (
                "resep ditebus melebihi total",
                "prescription over-dispensed",
            ),
            ExceptionKind::LateEvent => (
                "tiba setelah hari diposting",
                "arrived after the day was posted",
            ),
        }
    }
}

/// How an exception was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExceptionResolution {
    pub at: String,
    pub by: String,
    /// The till (or back office) where it was resolved.
    pub till: String,
    pub note: String,
    /// The stock adjustment, in the base unit (oversell).
    pub adjustment: Option<Decimal>,
}

/// An exception, open or resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BusinessException {
    pub id: i64,
    pub kind: ExceptionKind,
    /// SKU, SKU/batch number, or member number: the same on every node.
    pub subject: String,
    pub sku: Option<String>,
    pub batch: Option<String>,
    pub member: Option<String>,
    /// On hand in the base unit (oversell), the kasbon balance (kasbon), or what the
    /// prescription has dispensed in the base unit (prescription) when found.
    pub figure: Decimal,
    /// The tills and sales involved, as far as this node knows them.
    pub involved: String,
    pub reason: Bilingual,
    pub detected_at: String,
    pub resolved: Option<ExceptionResolution>,
}

fn from_row(r: ExceptionRow) -> BusinessException {
    let kind = ExceptionKind::parse(&r.kind).unwrap_or(ExceptionKind::Oversell);
    let figure = match kind {
        ExceptionKind::Oversell | ExceptionKind::RxOverDispensed => q::qty_of(r.figure),
        ExceptionKind::KasbonOverLimit | ExceptionKind::LateEvent => q::money_of(r.figure),
    };
    BusinessException {
        id: r.id,
        kind,
        subject: r.subject,
        sku: r.sku,
        batch: r.batch_no,
        member: r.member,
        figure,
        involved: r.involved,
        reason: Bilingual::new(r.reason_id, r.reason_en),
        detected_at: r.detected_at,
        resolved: match (r.resolved_at, r.resolved_by) {
            (Some(at), Some(by)) => Some(ExceptionResolution {
                at,
                by,
                till: r.resolved_till.unwrap_or_default(),
                note: r.note.unwrap_or_default(),
                adjustment: r.adjustment.map(q::qty_of),
            }),
            _ => None,
        },
    }
}

/// Whether `role` may resolve an exception of `kind` (`drug`: the oversold product is obat,
/// whose stock the apoteker answers for). The treasurer resolves oversells and kasbon; a
/// prescription dispensed beyond its total is the apoteker's (and admin's) alone.
pub fn may_resolve(role: Role, kind: ExceptionKind, drug: bool) -> bool {
    match role {
        Role::Admin => true,
        // A late event's correction is a journal: the books are the treasurer's.
        Role::Bendahara => kind != ExceptionKind::RxOverDispensed,
        Role::Apoteker => {
            (kind == ExceptionKind::Oversell && drug) || kind == ExceptionKind::RxOverDispensed
        }
        Role::Kasir | Role::Gudang => false,
    }
}

/// Whether `role` may resolve some exception (the exceptions screen is theirs).
pub fn may_resolve_some(role: Role) -> bool {
    may_resolve(role, ExceptionKind::Oversell, true)
}

impl Shop {
    /// The exceptions: open ones, or with `all` the resolved ones too; newest first.
    pub fn exceptions(&self, all: bool) -> Result<Vec<BusinessException>> {
        Ok(q::list(self.store.conn(), all)?
            .into_iter()
            .map(from_row)
            .collect())
    }

    /// How many exceptions are open.
    pub fn open_exception_count(&self) -> Result<i64> {
        q::open_count(self.store.conn())
    }

    /// Resolve the open exception `id` with a note. An oversell is resolved with a stock
    /// adjustment: what is on the shelf now (`counted`, in the base unit; none: nothing is
    /// left) less what the books say, valued at moving-average cost. Audited; writes an
    /// `exception_resolve.v1` event.
    pub fn resolve_exception(
        &mut self,
        actor: &Actor,
        id: i64,
        note: &str,
        counted: Option<Decimal>,
    ) -> Result<BusinessException> {
        let note = note.trim();
        if note.is_empty() {
            return Err(KasirError::invalid(
                "Tulis catatan penyelesaiannya",
                "Write a note on how it was resolved",
            ));
        }
        if counted.is_some_and(|c| c < Decimal::ZERO) {
            return Err(KasirError::invalid(
                "Jumlah di rak tidak boleh negatif",
                "The quantity on the shelf cannot be negative",
            ));
        }
        let now = self.now();
        let at = stamp(now);
        let event_till = self.event_till()?;
        let _crash = crate::store::crash::use_case("exception_resolve");
        self.store.write(|tx| {
            let row = q::by_id(tx, id)?.ok_or_else(|| {
                KasirError::invalid(
                    format!("Pengecualian {id} tidak ada"),
                    format!("There is no exception {id}"),
                )
            })?;
            if row.resolved_at.is_some() {
                return Err(KasirError::invalid(
                    format!("Pengecualian {id} sudah diselesaikan"),
                    format!("Exception {id} is resolved already"),
                ));
            }
            let kind = ExceptionKind::parse(&row.kind).unwrap_or(ExceptionKind::Oversell);
            let product = match &row.sku {
                Some(sku) => q::product(tx, sku)?,
                None => None,
            };
            let drug = product.as_ref().is_some_and(|p| p.drug_class != "none");
            if !may_resolve(actor.role, kind, drug) {
                return Err(KasirError::NotAllowed {
                    role: actor.role,
                    action: Act::ResolveException,
                });
            }
            if kind == ExceptionKind::KasbonOverLimit && counted.is_some() {
                return Err(KasirError::invalid(
                    "Kasbon di atas limit diselesaikan dengan catatan saja, tanpa jumlah stok",
                    "Kasbon over limit is resolved with a note only, no stock quantity",
                ));
            }
            if kind == ExceptionKind::LateEvent && counted.is_some() {
                return Err(KasirError::invalid(
                    "Kejadian yang terlambat diselesaikan dengan catatan saja, tanpa jumlah stok: jurnal susulannya diposting",
                    "A late event is resolved with a note only, no stock quantity: its adjusting journal is posted",
                ));
            }
            if kind == ExceptionKind::RxOverDispensed && counted.is_some() {
                return Err(KasirError::invalid(
                    "Resep yang ditebus melebihi total diselesaikan dengan catatan saja, tanpa jumlah stok",
                    "A prescription dispensed beyond its total is resolved with a note only, no stock quantity",
                ));
            }
            let mut moves = Vec::new();
            let mut adjustment = None;
            if kind == ExceptionKind::Oversell {
                let p = product.ok_or_else(|| {
                    KasirError::invalid(
                        format!(
                            "Produk {} tidak ada di sini",
                            row.sku.as_deref().unwrap_or("")
                        ),
                        format!("Product {} is not here", row.sku.as_deref().unwrap_or("")),
                    )
                })?;
                super::ledger::refuse_if_day_posted(
                    tx,
                    now,
                    "penyesuaian stok",
                    "a stock adjustment",
                )?;
                let batch_id = match &row.batch_no {
                    Some(b) => {
                        Some(crate::store::pull::batch_of(tx, p.id, b)?.ok_or_else(|| {
                            KasirError::invalid(
                                format!("Batch {b} tidak ada di sini"),
                                format!("Batch {b} is not here"),
                            )
                        })?)
                    }
                    None => None,
                };
                let on_hand = match batch_id {
                    Some(b) => st::batch_on_hand(tx, b)?,
                    None => st::position(tx, p.id)?.0,
                };
                let delta = counted.unwrap_or(Decimal::ZERO) - on_hand;
                if !delta.is_zero() {
                    let (p_on_hand, p_value, last) = st::position(tx, p.id)?;
                    let value =
                        crate::domain::stock::average_value(delta, p_on_hand, p_value, last);
                    st::record(
                        tx,
                        &NewMove {
                            product_id: p.id,
                            batch_id,
                            kind: MoveKind::Opname,
                            qty: delta,
                            value,
                            at: &at,
                            user_id: actor.user_id,
                            ref_type: Some("exception"),
                            ref_id: Some(id),
                            note: Some(note),
                        },
                    )?;
                    moves.push(serde_json::json!({
                        "sku": row.sku,
                        "batch": row.batch_no,
                        "qty": delta.normalize(),
                        "value": value.normalize(),
                    }));
                }
                adjustment = Some(delta);
            }
            let mut payload = serde_json::json!({
                "kind": row.kind,
                "subject": row.subject,
                "sku": row.sku,
                "batch": row.batch_no,
                "member": row.member,
                "at": at,
                "actor": actor.username,
                "note": note,
                "stock_moves": moves,
            });
            // A late event: its adjusting journals, posted here (unless already here, from
            // another node's resolution) and carried so every node posts the same ones.
            if kind == ExceptionKind::LateEvent {
                let corr = q::correction(tx, id)?
                    .and_then(|s| serde_json::from_str::<Value>(&s).ok())
                    .ok_or_else(|| {
                        KasirError::invalid(
                            format!("Pengecualian {id} tidak membawa jurnal koreksinya"),
                            format!("Exception {id} carries no correcting journal"),
                        )
                    })?;
                let journals =
                    super::late::post_correction(tx, &corr, &at, &actor.username)?;
                payload["event"] = corr["event"].clone();
                payload["business_date"] = corr["business_date"].clone();
                payload["correction"] = corr;
                payload["journals"] = serde_json::json!(journals);
            }
            // A prescription is resolved at what it has dispensed as far as this node
            // knows: a dispensing that reaches another node only later is found again there
            // and here alike.
            if kind == ExceptionKind::RxOverDispensed {
                if let Some(d) = rx_dispensed(tx, &row.subject, row.sku.as_deref())? {
                    q::set_figure(tx, id, crate::store::milli(d)?)?;
                    payload["dispensed"] = serde_json::json!(d.normalize());
                }
            }
            let event = crate::store::outbox::append_event(
                tx,
                &event_till,
                super::sync::EXCEPTION_RESOLVE_KIND,
                1,
                &payload,
                &at,
            )?;
            q::resolve(
                tx,
                id,
                &Resolution {
                    at: &at,
                    by: &actor.username,
                    till: &event_till,
                    note,
                    adjustment,
                    event: &event.id,
                },
            )?;
            super::audit(
                tx,
                actor,
                &at,
                "exception_resolve",
                &format!(
                    "{} {} {}{}: {}",
                    id,
                    row.kind,
                    row.subject,
                    adjustment
                        .map(|a| format!(" adjust {}", a.normalize()))
                        .unwrap_or_default(),
                    note
                ),
                None,
            )?;
            Ok(())
        })?;
        q::by_id(self.store.conn(), id)?
            .map(from_row)
            .ok_or_else(|| KasirError::invalid("Pengecualian hilang", "The exception is gone"))
    }

    /// Apply events pulled from the coop's server here, as `kasir sync` does after each
    /// batch it pulls (for a node that gets events by other means, and for tests).
    pub fn apply_pulled(&self, batch: &[Pulled]) -> Result<crate::sync::Applied> {
        use crate::sync::Node;
        super::pull::StoreNode {
            store: &self.store,
            now: self.now(),
        }
        .apply(batch)
    }
}

#[derive(Deserialize)]
struct ResolveEv {
    kind: String,
    subject: String,
    sku: Option<String>,
    batch: Option<String>,
    member: Option<String>,
    at: String,
    actor: String,
    note: String,
    #[serde(default)]
    stock_moves: Vec<MoveEv>,
    /// A prescription's: what it had dispensed where it was resolved.
    #[serde(default)]
    dispensed: Option<Decimal>,
}

#[derive(Deserialize)]
struct MoveEv {
    sku: String,
    #[serde(default)]
    batch: Option<String>,
    qty: Decimal,
    value: Decimal,
}

/// Apply another node's resolution (inside the pull's savepoint): its stock adjustment,
/// and the same exception resolved here; if this node had not found it, it is kept as
/// resolved all the same.
pub(super) fn apply_resolve(
    c: &Connection,
    event_id: &str,
    till: &str,
    value: Value,
) -> Result<()> {
    let value_copy = value.clone();
    let ev: ResolveEv = serde_json::from_value(value).map_err(|_| {
        KasirError::invalid(
            "Isi kejadian penyelesaian tidak lengkap atau tidak terbaca",
            "The exception_resolve event's payload is incomplete or unreadable",
        )
    })?;
    let kind = ExceptionKind::parse(&ev.kind).ok_or_else(|| {
        KasirError::invalid(
            format!("Jenis pengecualian {} tidak dikenal", ev.kind),
            format!("Exception kind {} is unknown", ev.kind),
        )
    })?;
    if kind == ExceptionKind::LateEvent {
        return apply_late_resolve(c, event_id, till, &ev, &value_copy);
    }
    let mut adjustment = None;
    let mut found = Vec::new();
    for m in &ev.stock_moves {
        let p = q::product(c, &m.sku)?.ok_or_else(|| {
            KasirError::invalid(
                format!("Produk {} tidak ada di sini", m.sku),
                format!("Product {} is not here", m.sku),
            )
        })?;
        let batch_id = match &m.batch {
            Some(b) => Some(crate::store::pull::batch_of(c, p.id, b)?.ok_or_else(|| {
                KasirError::invalid(
                    format!("Batch {b} produk {} tidak ada di sini", m.sku),
                    format!("Batch {b} of product {} is not here", m.sku),
                )
            })?),
            None => None,
        };
        found.push((p.id, batch_id));
    }
    let open = q::open_for(c, kind.as_str(), &ev.subject)?;
    // A prescription is resolved at what it had dispensed where it was resolved (a
    // resolution written before it said so: what it has dispensed here now).
    let rx_figure = match kind {
        ExceptionKind::RxOverDispensed => {
            let here = rx_dispensed(c, &ev.subject, ev.sku.as_deref())?;
            ev.dispensed.or(here).map(crate::store::milli).transpose()?
        }
        _ => None,
    };
    let figure = rx_figure.unwrap_or(0);
    let id = match open {
        Some(id) => {
            if let Some(f) = rx_figure {
                q::set_figure(c, id, f)?;
            }
            id
        }
        None => q::insert(
            c,
            &NewException {
                kind: kind.as_str(),
                subject: &ev.subject,
                sku: ev.sku.as_deref(),
                batch_no: ev.batch.as_deref(),
                member: ev.member.as_deref(),
                figure,
                involved: "",
                reason: (
                    &format!("Diselesaikan di {till} sebelum ditemukan di sini"),
                    &format!("Resolved at {till} before it was found here"),
                ),
                detected_at: &ev.at,
            },
        )?,
    };
    for (m, (product_id, batch_id)) in ev.stock_moves.iter().zip(found) {
        st::record(
            c,
            &NewMove {
                product_id,
                batch_id,
                kind: MoveKind::Opname,
                qty: m.qty,
                value: m.value,
                at: &ev.at,
                user_id: None,
                ref_type: Some("exception"),
                ref_id: Some(id),
                note: Some(&ev.note),
            },
        )?;
        adjustment = Some(adjustment.unwrap_or(Decimal::ZERO) + m.qty);
    }
    if kind == ExceptionKind::Oversell && adjustment.is_none() {
        adjustment = Some(Decimal::ZERO);
    }
    q::resolve(
        c,
        id,
        &Resolution {
            at: &ev.at,
            by: &ev.actor,
            till,
            note: &ev.note,
            adjustment,
            event: event_id,
        },
    )?;
    // Dispensing here that the resolving node did not know of is found again, as it is
    // there once it arrives.
    if kind == ExceptionKind::RxOverDispensed {
        if let Some(sku) = ev.sku.as_deref() {
            if let Some(key) = ev.subject.strip_suffix(&format!("/{sku}")) {
                over_dispensed(c, key, sku, &ev.at)?;
            }
        }
    }
    Ok(())
}

/// Another node's resolution of a late event: the adjusting journals it carries that are not
/// here yet (the same ids wherever it was resolved, so two resolutions post one), and the
/// same exception resolved; if this node had not found it, it is kept as resolved.
fn apply_late_resolve(
    c: &Connection,
    event_id: &str,
    till: &str,
    ev: &ResolveEv,
    value: &Value,
) -> Result<()> {
    let correction = if value["correction"].is_object() {
        value["correction"].clone()
    } else {
        serde_json::json!({
            "business_date": value["business_date"],
            "journals": value["journals"],
        })
    };
    if !value["journals"].as_array().is_some_and(|j| j.is_empty()) {
        super::late::post_correction(c, &correction, &ev.at, &ev.actor)?;
    }
    let id = match q::latest_for(c, super::late::KIND, &ev.subject)? {
        Some((id, true)) => id,
        // Resolved here already (here, or by another node's resolution): one is enough.
        Some((_, false)) => return Ok(()),
        None => {
            let id = q::insert(
                c,
                &NewException {
                    kind: super::late::KIND,
                    subject: &ev.subject,
                    sku: None,
                    batch_no: None,
                    member: None,
                    figure: 0,
                    involved: "",
                    reason: (
                        &format!("Diselesaikan di {till} sebelum ditemukan di sini"),
                        &format!("Resolved at {till} before it was found here"),
                    ),
                    detected_at: &ev.at,
                },
            )?;
            q::set_correction(c, id, &correction.to_string())?;
            id
        }
    };
    q::resolve(
        c,
        id,
        &Resolution {
            at: &ev.at,
            by: &ev.actor,
            till,
            note: &ev.note,
            adjustment: None,
            event: event_id,
        },
    )
}

/// After a pulled batch is applied (in its transaction): record, once, every product or
/// batch it touched whose stock is now below zero and every member it put kasbon on whose
/// balance is now above their limit.
pub(super) fn detect(c: &Connection, batch: &[Pulled], at: &str) -> Result<()> {
    // (sku, batch number) touched by stock moves; member → earliest business date.
    let mut stock: BTreeSet<(String, Option<String>)> = BTreeSet::new();
    let mut kasbon: BTreeMap<String, String> = BTreeMap::new();
    // (prescription key, SKU) dispensed on.
    let mut rx: BTreeSet<(String, String)> = BTreeSet::new();
    for p in batch {
        let Ok(v) = serde_json::from_str::<Value>(&p.event.payload) else {
            continue;
        };
        for r in v["prescriptions"].as_array().into_iter().flatten() {
            let (Some(number), Some(sip)) = (r["number"].as_str(), r["sip"].as_str()) else {
                continue;
            };
            let sku = v["lines"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|l| l["line_no"] == r["line_no"])
                .and_then(|l| l["sku"].as_str());
            if let Some(sku) = sku {
                rx.insert((rx_key(number, sip), sku.to_string()));
            }
        }
        for m in v["stock_moves"].as_array().into_iter().flatten() {
            if let Some(sku) = m["sku"].as_str() {
                stock.insert((sku.to_string(), m["batch"].as_str().map(str::to_string)));
            }
        }
        let sale = &v["sale"];
        let on_kasbon = v["tenders"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|t| t["kind"] == "kasbon");
        if let (Some(member), true) = (sale["member"].as_str(), on_kasbon) {
            let date = sale["business_date"].as_str().unwrap_or("").to_string();
            let e = kasbon.entry(member.to_string()).or_insert(date.clone());
            if date < *e {
                *e = date;
            }
        }
    }
    for (sku, batch_no) in stock {
        let Some(p) = q::product(c, &sku)? else {
            continue;
        };
        let (batch_no, batch_id) = match (&batch_no, p.batch_tracked) {
            (Some(b), true) => match crate::store::pull::batch_of(c, p.id, b)? {
                Some(id) => (Some(b.clone()), Some(id)),
                None => continue,
            },
            _ => (None, None),
        };
        let on_hand = match batch_id {
            Some(b) => st::batch_on_hand(c, b)?,
            None => st::position(c, p.id)?.0,
        };
        if on_hand >= Decimal::ZERO {
            continue;
        }
        let subject = match &batch_no {
            Some(b) => format!("{sku}/{b}"),
            None => sku.clone(),
        };
        if q::open_for(c, "oversell", &subject)?.is_some() {
            continue;
        }
        let involved = named(&q::sales_since_stock_in(c, p.id, batch_id, 200)?);
        let qty = format!("{} {}", format_qty(on_hand), p.base_unit);
        let (what_id, what_en) = match &batch_no {
            Some(b) => (
                format!("{} ({sku}) batch {b}", p.name),
                format!("{} ({sku}), batch {b},", p.name),
            ),
            None => (format!("{} ({sku})", p.name), format!("{} ({sku})", p.name)),
        };
        let reason_id = format!(
            "Stok {what_id} menjadi {qty}: terjual melebihi stok oleh kasir yang offline bersamaan{}",
            if involved.is_empty() { String::new() } else { format!(" ({involved})") }
        );
        let reason_en = format!(
            "Stock of {what_en} went to {qty}: sold beyond stock by tills offline at the same time{}",
            if involved.is_empty() { String::new() } else { format!(" ({involved})") }
        );
        q::insert(
            c,
            &NewException {
                kind: "oversell",
                subject: &subject,
                sku: Some(&sku),
                batch_no: batch_no.as_deref(),
                member: None,
                figure: crate::store::milli(on_hand)?,
                involved: &involved,
                reason: (&reason_id, &reason_en),
                detected_at: at,
            },
        )?;
    }
    for (key, sku) in rx {
        over_dispensed(c, &key, &sku, at)?;
    }
    for (number, since) in kasbon {
        let Some((member_id, name, limit, balance)) = q::member_kasbon(c, &number)? else {
            continue;
        };
        if balance <= limit || q::open_for(c, "kasbon_over_limit", &number)?.is_some() {
            continue;
        }
        let involved = named(&q::kasbon_sales_since(c, member_id, &since)?);
        let tail = if involved.is_empty() {
            String::new()
        } else {
            format!(" ({involved})")
        };
        let reason_id = format!(
            "Kasbon {number} {name} {} melebihi limit {}: kasbon dari beberapa kasir{tail}",
            format_rupiah(balance),
            format_rupiah(limit)
        );
        let reason_en = format!(
            "Kasbon of {number} {name} {} is above the limit {}: kasbon on several tills{tail}",
            format_rupiah(balance),
            format_rupiah(limit)
        );
        q::insert(
            c,
            &NewException {
                kind: "kasbon_over_limit",
                subject: &number,
                sku: None,
                batch_no: None,
                member: Some(&number),
                figure: q::minor_of(balance)?,
                involved: &involved,
                reason: (&reason_id, &reason_en),
                detected_at: at,
            },
        )?;
    }
    Ok(())
}

/// The subject of a prescription's exception: its key and the drug's SKU.
fn rx_subject_of(key: &str, sku: &str) -> String {
    format!("{key}/{sku}")
}

/// What the prescription of an exception (subject `KEY/SKU`) has dispensed as far as this
/// node knows, if its drug is here.
fn rx_dispensed(c: &Connection, subject: &str, sku: Option<&str>) -> Result<Option<Decimal>> {
    let Some(sku) = sku else { return Ok(None) };
    let Some(key) = subject.strip_suffix(&format!("/{sku}")) else {
        return Ok(None);
    };
    match q::product(c, sku)? {
        Some(p) => Ok(Some(
            crate::store::pharmacy::history(c, key, p.id)?.dispensed,
        )),
        None => Ok(None),
    }
}

/// Record, once, prescription `key` for `sku` when every till's dispensing on it that this
/// node holds goes beyond what it allows in total — unless it is open already, or was
/// resolved at this quantity or more.
fn over_dispensed(c: &Connection, key: &str, sku: &str, at: &str) -> Result<()> {
    let Some(p) = q::product(c, sku)? else {
        return Ok(());
    };
    let history = crate::store::pharmacy::history(c, key, p.id)?;
    let Some((prescribed, iter)) = history.recorded else {
        return Ok(());
    };
    let class = DrugClass::parse(&p.drug_class).unwrap_or(DrugClass::None);
    let total = dispensable(class, prescribed, iter);
    if history.dispensed <= total {
        return Ok(());
    }
    let subject = rx_subject_of(key, sku);
    let figure = crate::store::milli(history.dispensed)?;
    if q::open_for(c, ExceptionKind::RxOverDispensed.as_str(), &subject)?.is_some()
        || q::resolved_figure(c, ExceptionKind::RxOverDispensed.as_str(), &subject)?
            .is_some_and(|f| f >= figure)
    {
        return Ok(());
    }
    let unit = &p.base_unit;
    let dispensings = crate::store::pharmacy::dispensings(c, key, p.id)?;
    // The paper as the first dispensing here wrote it.
    let (number, sip) = dispensings
        .first()
        .map(|d| (d.rx_no.clone(), d.sip.clone()))
        .unwrap_or_default();
    let mut by_till: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for d in dispensings {
        by_till.entry(d.till).or_default().push(format!(
            "{} {} {unit}",
            d.sale_number,
            format_qty(d.dispensed)
        ));
    }
    let tills = by_till.len();
    let involved = by_till
        .into_iter()
        .map(|(t, xs)| format!("{t}: {}", xs.join(", ")))
        .collect::<Vec<_>>()
        .join("; ");
    let (got, allowed) = (format_qty(history.dispensed), format_qty(total));
    let reason_id = format!(
        "Resep {number} (SIP {sip}) untuk {} ({sku}) sudah ditebus {got} {unit}, melebihi totalnya {allowed} {unit}: ditebus di {tills} kasir yang offline bersamaan ({involved})",
        p.name
    );
    let reason_en = format!(
        "Prescription {number} (SIP {sip}) for {} ({sku}) has dispensed {got} {unit}, beyond its total of {allowed} {unit}: dispensed on {tills} tills offline at the same time ({involved})",
        p.name
    );
    q::insert(
        c,
        &NewException {
            kind: ExceptionKind::RxOverDispensed.as_str(),
            subject: &subject,
            sku: Some(sku),
            batch_no: None,
            member: None,
            figure,
            involved: &involved,
            reason: (&reason_id, &reason_en),
            detected_at: at,
        },
    )?;
    Ok(())
}

/// "sembako-1: S-1, S-2; sembako-2: S-3", tills in order, the last few sales of each (and
/// how many more).
fn named(sales: &[(String, String)]) -> String {
    const SHOWN: usize = 5;
    let mut by_till: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (till, number) in sales {
        by_till.entry(till).or_default().push(number);
    }
    by_till
        .into_iter()
        .map(|(t, ns)| {
            let more = ns.len().saturating_sub(SHOWN);
            let shown = ns[more..].join(", ");
            if more > 0 {
                format!("{t}: +{more}, {shown}")
            } else {
                format!("{t}: {shown}")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}
