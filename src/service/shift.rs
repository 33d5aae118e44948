//! Opening a cashier shift with a counted float. (Closing, X/Z reports: see the day-close
//! work in `service`.)

use rust_decimal::Decimal;

use super::{new_uuid, stamp, Shop};
use crate::domain::cash::CashCount;
use crate::domain::money::format_rupiah;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::shifts::{self as q, NewShift, ShiftRow};

impl Shop {
    /// Open a shift on `till` with its float; `count` (may be empty) is the float counted by
    /// denomination and must add up to it. One open shift per till.
    pub fn open_shift(
        &mut self,
        actor: &Actor,
        till: &str,
        float: Decimal,
        count: &CashCount,
    ) -> Result<ShiftRow> {
        super::auth::require(actor, Permission::Sell, crate::domain::user::Act::OpenShift)?;
        if float < Decimal::ZERO {
            return Err(KasirError::invalid(
                "Modal awal tidak boleh negatif",
                "The float cannot be negative",
            ));
        }
        if !count.pieces.is_empty() && count.total() != float {
            return Err(KasirError::invalid(
                format!(
                    "Hitungan pecahan {} tidak sama dengan modal {}",
                    format_rupiah(count.total()),
                    format_rupiah(float)
                ),
                format!(
                    "The count by denomination {} does not match the float {}",
                    format_rupiah(count.total()),
                    format_rupiah(float)
                ),
            ));
        }
        let unit = self
            .till_unit(till)?
            .map(|u| u.as_str())
            .unwrap_or("sembako");
        let at = stamp(self.now());
        // Checked inside the write: a day closed or a shift opened on this till a moment
        // before (another process) is seen, so a till never has two open shifts and no
        // shift opens on a posted day.
        let id = self.store.write(|tx| {
            if let Some(today) = self.today_closed()? {
                return Err(KasirError::invalid(
                    format!("Hari {today} sudah ditutup bendahara: shift baru tidak bisa dibuka — jual lagi besok, atau bendahara membalik penutupan hari"),
                    format!("Day {today} has been closed by the treasurer: no new shift can open — sell again tomorrow, or the treasurer reverses the day close"),
                ));
            }
            if let Some(open) = q::open_on(tx, till)? {
                return Err(KasirError::invalid(
                    format!(
                        "Shift di {till} masih terbuka (dibuka {} oleh {})",
                        open.opened_at, open.cashier
                    ),
                    format!(
                        "A shift on {till} is still open (opened {} by {})",
                        open.opened_at, open.cashier
                    ),
                ));
            }
            let uuid = new_uuid();
            let id = q::insert(
                tx,
                &NewShift {
                    uuid: &uuid,
                    till,
                    business_unit: unit,
                    user_id: actor.user_id,
                    cashier: &actor.name,
                    opened_at: &at,
                    opening_float: float,
                },
            )?;
            q::insert_count(tx, id, "open", count)?;
            crate::store::outbox::append_event(
                tx,
                till,
                super::sync::SHIFT_OPEN_KIND,
                1,
                &serde_json::json!({
                    "shift": uuid,
                    "till": till,
                    "business_unit": unit,
                    "cashier": actor.name,
                    "opened_at": at,
                    "opening_float": float.normalize(),
                }),
                &at,
            )?;
            Ok(id)
        })?;
        q::by_id(self.store.conn(), id)?
            .ok_or_else(|| KasirError::invalid("Shift hilang", "Shift vanished"))
    }

    /// The open shift of a till.
    pub fn current_shift(&self, till: &str) -> Result<Option<ShiftRow>> {
        q::open_on(self.store.conn(), till)
    }

    /// Today's date when the treasurer has closed today (no shift may open, nothing sold).
    fn today_closed(&self) -> Result<Option<String>> {
        let today = super::day(self.now().date());
        let event = crate::store::ledger::last_day_event(self.store.conn(), &today)?;
        Ok((event.as_deref() == Some("close")).then_some(today))
    }

    /// The open shift of a till, or a refusal telling the cashier to open one.
    pub fn require_shift(&self, till: &str) -> Result<ShiftRow> {
        if let Some(shift) = self.current_shift(till)? {
            return Ok(shift);
        }
        // After the day close no shift can open: say so, not "open a shift".
        if let Some(today) = self.today_closed()? {
            return Err(KasirError::invalid(
                format!("Hari {today} sudah ditutup bendahara: penjualan hari ini selesai — jual lagi besok, atau bendahara membalik penutupan hari"),
                format!("Day {today} has been closed by the treasurer: no more sales today — sell again tomorrow, or the treasurer reverses the day close"),
            ));
        }
        self.current_shift(till)?.ok_or_else(|| {
            KasirError::invalid(
                format!("Belum ada shift terbuka di {till}: buka shift dulu (kasir shift open --till {till} --float JUMLAH)"),
                format!("No open shift on {till}: open one first (kasir shift open --till {till} --float AMOUNT)"),
            )
        })
    }
}
