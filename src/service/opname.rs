//! Stock opname: a blind count, a variance report valued at moving-average cost, a
//! supervisor's approval, and adjustment moves.
//!
//! Each count records what the books said at the moment the item was counted; the
//! adjustment is counted − that figure, so sales and receipts during the count (which move
//! the books and the shelf alike) are handled without stopping the till.

use rust_decimal::Decimal;

use super::write_off::issue;
use super::{stamp, Shop};
use crate::domain::catalog::BusinessUnit;
use crate::domain::stock::{average_value, count_variance};
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::opname::{self as q, SessionRow};
use crate::store::stock::{self as st, MoveKind, NewMove};

/// What the counter sees after a count: what was recorded, never the expected figure.
#[derive(Debug, Clone, PartialEq)]
pub struct CountAck {
    pub sku: String,
    pub name: String,
    pub batch: Option<String>,
    /// Base units counted.
    pub counted: Decimal,
    pub base_unit: String,
}

/// One line of the variance report.
#[derive(Debug, Clone, PartialEq)]
pub struct VarianceLine {
    pub sku: String,
    pub name: String,
    pub batch: Option<String>,
    pub base_unit: String,
    /// What the books said when it was counted.
    pub expected: Decimal,
    pub counted: Decimal,
    /// counted − expected.
    pub variance: Decimal,
    /// The variance at moving-average cost (negative: a loss).
    pub value: Decimal,
    pub counted_by: String,
    pub counted_at: String,
}

/// The variance report of a count.
#[derive(Debug, Clone, PartialEq)]
pub struct OpnameReport {
    pub session: SessionRow,
    pub lines: Vec<VarianceLine>,
    /// Products in scope that were not counted (left as they are).
    pub not_counted: usize,
    pub value_short: Decimal,
    pub value_over: Decimal,
    pub net_value: Decimal,
}

fn needs_approval() -> KasirError {
    KasirError::invalid(
        "Selisih opname harus disetujui supervisor (--approve-user U --approve-pin P)",
        "Count variances need a supervisor's approval (--approve-user U --approve-pin P)",
    )
}

fn no_open() -> KasirError {
    KasirError::invalid(
        "Tidak ada opname yang sedang berjalan (kasir opname start)",
        "No stock count under way (kasir opname start)",
    )
}

impl Shop {
    /// Start a count of everything, or of one business unit. Only one count at a time.
    pub fn opname_start(
        &mut self,
        actor: &Actor,
        unit: Option<BusinessUnit>,
    ) -> Result<SessionRow> {
        super::auth::require(
            actor,
            Permission::ReceiveStock,
            crate::domain::user::Act::StartOpname,
        )?;
        let at = stamp(self.now());
        let id = self.store.write(|tx| {
            // Only one count at a time: looked for inside the write, so two starts at
            // once open one count.
            if let Some(s) = q::open_session(tx)? {
                return Err(KasirError::invalid(
                    format!(
                        "Opname #{} sejak {} masih berjalan — selesaikan dulu",
                        s.id, s.started_at
                    ),
                    format!(
                        "Count #{} since {} is still under way — finish it first",
                        s.id, s.started_at
                    ),
                ));
            }
            let id = q::insert_session(
                tx,
                &super::new_uuid(),
                unit.map(|u| u.as_str()),
                &at,
                &actor.username,
            )?;
            super::audit(
                tx,
                actor,
                &at,
                "opname_start",
                &format!("#{id} {}", unit.map(|u| u.as_str()).unwrap_or("all")),
                None,
            )?;
            Ok(id)
        })?;
        q::session(self.store.conn(), id)?.ok_or_else(no_open)
    }

    /// The count under way, if any.
    pub fn opname_current(&self) -> Result<Option<SessionRow>> {
        q::open_session(self.store.conn())
    }

    /// Record a count of `qty` in the unit `code` names (a dus code counts dus), for the
    /// product or one of its batches. Counting again replaces the earlier figure. Blind:
    /// the answer does not show what the books expect.
    pub fn opname_count(
        &mut self,
        actor: &Actor,
        code: &str,
        qty: Decimal,
        batch: Option<&str>,
    ) -> Result<CountAck> {
        super::auth::require(
            actor,
            Permission::ReceiveStock,
            crate::domain::user::Act::CountOpname,
        )?;
        let session = q::open_session(self.store.conn())?.ok_or_else(no_open)?;
        if qty < Decimal::ZERO {
            return Err(KasirError::invalid(
                "Jumlah hitungan tidak boleh negatif",
                "A count cannot be negative",
            ));
        }
        let item = self.find_item(code)?;
        if let Some(scope) = &session.scope_unit {
            if item.business_unit.as_str() != scope {
                return Err(KasirError::invalid(
                    format!(
                        "{} bukan barang unit {scope} — di luar opname ini",
                        item.name
                    ),
                    format!("{} is not a {scope} item — outside this count", item.name),
                ));
            }
        }
        let (base, batch_row) = self.base_and_batch(&item, qty, batch)?;
        let c = self.store.conn();
        let base_unit = st::of_product(c, item.product_id)?
            .map(|p| p.base_unit)
            .unwrap_or_default();
        let at = stamp(self.now());
        self.store.write(|tx| {
            // The count under way is still the one this count belongs to (not finished by
            // another till a moment before).
            if q::open_session(tx)?.map(|s| s.id) != Some(session.id) {
                return Err(no_open());
            }
            // The books at this moment, read inside the write transaction so no sale slips
            // between the reading and the recording.
            let expected = match &batch_row {
                Some(b) => st::batch_on_hand(tx, b.id)?,
                None => st::position(tx, item.product_id)?.0,
            };
            q::upsert_count(
                tx,
                session.id,
                item.product_id,
                batch_row.as_ref().map(|b| b.id),
                base,
                expected,
                &at,
                &actor.username,
            )
        })?;
        Ok(CountAck {
            sku: item.sku,
            name: item.name,
            batch: batch_row.map(|b| b.batch_no),
            counted: base,
            base_unit,
        })
    }

    /// What has been counted in the count under way, for the counter (the stock screen's
    /// list): counted figures only, never what the books expect (blind count). Empty when no
    /// count is under way.
    pub fn opname_counted(&self, actor: &Actor) -> Result<Vec<CountAck>> {
        super::auth::require(
            actor,
            Permission::ReceiveStock,
            crate::domain::user::Act::ViewOpnameCounts,
        )?;
        let c = self.store.conn();
        let Some(session) = q::open_session(c)? else {
            return Ok(Vec::new());
        };
        Ok(q::counts(c, session.id)?
            .into_iter()
            .map(|k| CountAck {
                sku: k.sku,
                name: k.name,
                batch: k.batch_no,
                counted: k.counted,
                base_unit: k.base_unit,
            })
            .collect())
    }

    /// The variance report of the count under way (for the supervisor before approving).
    pub fn opname_variance(&self) -> Result<OpnameReport> {
        let session = q::open_session(self.store.conn())?.ok_or_else(no_open)?;
        self.variance_of(session)
    }

    fn variance_of(&self, session: SessionRow) -> Result<OpnameReport> {
        let c = self.store.conn();
        let counts = q::counts(c, session.id)?;
        let mut lines = Vec::with_capacity(counts.len());
        for k in &counts {
            let variance = count_variance(k.counted, k.expected);
            let (on_hand, value, last) = st::position(c, k.product_id)?;
            let v = if variance < Decimal::ZERO {
                -crate::domain::stock::issue_cost(-variance, on_hand, value, last)
            } else {
                average_value(variance, on_hand, value, last)
            };
            lines.push(VarianceLine {
                sku: k.sku.clone(),
                name: k.name.clone(),
                batch: k.batch_no.clone(),
                base_unit: k.base_unit.clone(),
                expected: k.expected,
                counted: k.counted,
                variance,
                value: v,
                counted_by: k.counted_by.clone(),
                counted_at: k.counted_at.clone(),
            });
        }
        let counted: std::collections::HashSet<i64> = counts.iter().map(|k| k.product_id).collect();
        let not_counted = st::all(c)?
            .iter()
            .filter(|p| {
                session
                    .scope_unit
                    .as_ref()
                    .is_none_or(|s| *s == p.business_unit)
            })
            .filter(|p| !counted.contains(&p.product_id))
            .count();
        let value_short: Decimal = lines
            .iter()
            .map(|l| l.value)
            .filter(|v| *v < Decimal::ZERO)
            .sum();
        let value_over: Decimal = lines
            .iter()
            .map(|l| l.value)
            .filter(|v| *v > Decimal::ZERO)
            .sum();
        Ok(OpnameReport {
            session,
            lines,
            not_counted,
            value_short,
            value_over,
            net_value: value_short + value_over,
        })
    }

    /// Finish the count: any variance needs a supervisor (a user who may supervise, PIN
    /// checked) whose approval is recorded; each variance becomes an `opname` move.
    /// Returns the variance report as booked.
    pub fn opname_finish(
        &mut self,
        actor: &Actor,
        approver: Option<(&str, &str)>,
    ) -> Result<OpnameReport> {
        super::auth::require(
            actor,
            Permission::ReceiveStock,
            crate::domain::user::Act::FinishOpname,
        )?;
        // The supervisor's PIN is checked first (a wrong PIN is counted, in its own
        // write); what is booked is read again inside the write below.
        let session = q::open_session(self.store.conn())?.ok_or_else(no_open)?;
        let preview = self.variance_of(session)?;
        let any_variance = preview.lines.iter().any(|l| !l.variance.is_zero());
        let approved = match approver {
            Some((u, pin)) => {
                let a = self.login(u, pin)?;
                super::auth::require(
                    &a,
                    Permission::Supervise,
                    crate::domain::user::Act::ApproveOpname,
                )?;
                Some(a)
            }
            None if any_variance => return Err(needs_approval()),
            None => None,
        };
        let now = self.now();
        let at = stamp(now);
        let event_till = self.event_till()?;
        let _crash = crate::store::crash::use_case("opname");
        // The session, its counts and the variances are read inside the write: a count
        // recorded or a count finished by another till a moment before is seen.
        let (session, preview) = self.store.write(|tx| {
            super::ledger::refuse_if_day_posted(tx, now, "selisih opname", "count adjustment")?;
            let session = q::open_session(tx)?.ok_or_else(no_open)?;
            let preview = self.variance_of(session.clone())?;
            if approved.is_none() && preview.lines.iter().any(|l| !l.variance.is_zero()) {
                return Err(needs_approval());
            }
            let counts = q::counts(tx, session.id)?;
            let note = format!("opname #{}", session.id);
            let mut event_counts = Vec::with_capacity(counts.len());
            let mut event_moves = Vec::new();
            for k in &counts {
                let variance = count_variance(k.counted, k.expected);
                event_counts.push(serde_json::json!({
                    "sku": k.sku,
                    "batch": k.batch_no,
                    "expected": k.expected.normalize(),
                    "counted": k.counted.normalize(),
                    "variance": variance.normalize(),
                }));
                if variance.is_zero() {
                    continue;
                }
                let tracked = crate::store::catalog::item_by_sku(tx, &k.sku)?
                    .map(|i| i.batch_tracked)
                    .unwrap_or(false);
                if variance < Decimal::ZERO {
                    let moves = issue(
                        tx,
                        k.product_id,
                        tracked,
                        k.batch_id,
                        -variance,
                        MoveKind::Opname,
                        &at,
                        actor.user_id,
                        Some(session.id),
                        Some(&note),
                    )?;
                    event_moves.extend(super::write_off::event_moves(tx, &k.sku, &moves)?);
                } else {
                    // A surplus goes to the counted batch, or for tracked goods counted as a
                    // whole, to the batch that expires last.
                    let batch_id = match k.batch_id {
                        Some(b) => Some(b),
                        None if tracked => st::batches_with_stock(tx, k.product_id)?
                            .last()
                            .map(|b| b.id),
                        None => None,
                    };
                    let (on_hand, value, last) = st::position(tx, k.product_id)?;
                    let value = average_value(variance, on_hand, value, last);
                    event_moves.push(super::write_off::event_move(
                        tx, &k.sku, batch_id, variance, value,
                    )?);
                    st::record(
                        tx,
                        &NewMove {
                            product_id: k.product_id,
                            batch_id,
                            kind: MoveKind::Opname,
                            qty: variance,
                            value,
                            at: &at,
                            user_id: actor.user_id,
                            ref_type: Some("opname"),
                            ref_id: Some(session.id),
                            note: Some(&note),
                        },
                    )?;
                }
            }
            crate::store::crash::point("opname.after_adjustments");
            q::finish(
                tx,
                session.id,
                &at,
                &actor.username,
                approved.as_ref().and_then(|a| a.user_id),
                approved.as_ref().map(|a| a.username.as_str()),
            )?;
            super::audit(
                tx,
                actor,
                &at,
                "opname_finish",
                &format!(
                    "#{} {} lines, net {}",
                    session.id,
                    preview.lines.len(),
                    preview.net_value
                ),
                approved.as_ref().map(|a| a.username.as_str()),
            )?;
            let session = q::session(tx, session.id)?.ok_or_else(no_open)?;
            crate::store::outbox::append_event(
                tx,
                &event_till,
                super::sync::OPNAME_KIND,
                1,
                &serde_json::json!({
                    "session": {
                        "uuid": session.uuid,
                        "scope_unit": session.scope_unit,
                        "started_at": session.started_at,
                        "started_by": session.started_by,
                        "finished_at": at,
                        "finished_by": actor.username,
                        "approver": session.approver,
                    },
                    "counts": event_counts,
                    "stock_moves": event_moves,
                }),
                &at,
            )?;
            Ok((session, preview))
        })?;
        Ok(OpnameReport { session, ..preview })
    }
}
