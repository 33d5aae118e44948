//! Several machines: the events a use case writes to the outbox (their kinds and payloads),
//! and the commands that join this shop file to the coop's PostgreSQL, push to it and pull
//! from it (`crate::sync` holds the protocols and the server's SQL, `service::pull` applies
//! what is pulled).

use std::path::PathBuf;

use rust_decimal::Decimal;
use serde::Serialize;

use super::Shop;
use crate::error::{KasirError, Result};
use crate::store::coop as pg;
use crate::store::sales::SaleRecord;

pub use crate::store::coop::TillStatus;

/// A committed sale: header, lines, tenders, member and stock moves.
pub const SALE_KIND: &str = "sale.v1";
/// A booked return: header, lines, refunds and stock moves.
pub const RETURN_KIND: &str = "return.v1";
/// A shift opened: its uuid, till, unit, cashier, time and float.
pub const SHIFT_OPEN_KIND: &str = "shift_open.v1";
/// A shift closed: its uuid, the business date, the expected and counted cash, the reason.
pub const SHIFT_CLOSE_KIND: &str = "shift_close.v1";

/// Goods received. Payload: `receipt` (`uuid`, `doc_no`, `supplier` code, `business_date`,
/// `at`, `actor`, `payment` cash/credit, `total`, `note`, `paid_from` drawer:TILL/safe or
/// none, `paid_unit`), `lines` (`line_no`, `sku`, `unit`, `qty`, `base_qty`, `cost`, `value`,
/// `batch`, `expiry`: each line is one stock move in), and `cash_move` (`uuid`, `till`,
/// `shift` uuid, `amount`) when a drawer paid.
pub const RECEIVE_KIND: &str = "receive.v1";
/// Stock written off (one product, or every expired batch). Payload: `at`,
/// `business_date`, `actor`, `reason` (rusak, kedaluwarsa, hilang) and `stock_moves` (`sku`,
/// `batch`, `qty`, `value`, negative as stored: stock out; `expiry`, the batch's, added
/// later: an older payload has none).
pub const WRITE_OFF_KIND: &str = "write_off.v1";
/// A stock count finished. Payload: `session` (`uuid`, `scope_unit`, `started_at`,
/// `started_by`, `finished_at`, `finished_by`, `approver`), `counts` (`sku`, `batch`,
/// `expected`, `counted`, `variance`, one per counted product or batch) and `stock_moves`
/// (`sku`, `batch`, `qty`, `value`: the adjustments as stored, shortages negative; the
/// batch's `expiry`, added later: an older payload has none).
pub const OPNAME_KIND: &str = "opname.v1";
/// Petty cash into or out of a drawer. Payload: `uuid`, `shift` uuid, `till`,
/// `business_unit`, `business_date`, `kind` (in/out), `amount`, `reason`, `at`, `actor`,
/// `approver`.
pub const CASH_MOVE_KIND: &str = "cash_move.v1";
/// A member repaid kasbon in cash at a drawer. Payload: `member` number, `amount`, `shift`
/// uuid, `till`, `business_unit`, `business_date`, `at`, `actor`, and `parts` (`uuid`,
/// `receivable_unit`, `amount`: what each unit's receivable went down by).
pub const KASBON_REPAY_KIND: &str = "kasbon_repay.v1";
/// A business day closed and posted. Payload: `business_date`, `at`, `actor` and `journals`
/// (`uuid`, `number`, `business_unit`, `kind`, `memo`, `lines`: `account` code, `debit`,
/// `credit`, `memo`).
pub const DAY_CLOSE_KIND: &str = "day_close.v1";
/// A posted day reversed. Payload: `business_date`, `at`, `actor`, `reason` and `journals`
/// (the reversing journals, shaped as in [`DAY_CLOSE_KIND`], each with `reverses`: the
/// number of the journal it reverses on the node that reversed it, and `reverses_uuid`: its
/// uuid, the same on every node — added later: an older payload has only the number). A re-close writes its own [`DAY_CLOSE_KIND`] event.
pub const DAY_REVERSE_KIND: &str = "day_reverse.v1";

/// A business exception resolved (`service::exceptions`). Payload: `kind` (oversell,
/// kasbon_over_limit, rx_over_dispensed), `subject` (SKU, SKU/batch, member number, or
/// prescription key/SKU), `sku`, `batch`,
/// `member`, `at`, `actor`, `note`, `stock_moves` (`sku`, `batch`, `qty`, `value`: the
/// stock adjustment of an oversell, as stored) and, for a prescription, `dispensed` (what
/// it had dispensed where it was resolved, base units; added later: an older payload has
/// none).
pub const EXCEPTION_RESOLVE_KIND: &str = "exception_resolve.v1";

/// Products changed (a catalog import, a price changed): `products`, each as it now stands
/// — `uuid`, `sku`, `name`, `business_unit`, `base_unit`, `tax_class`, `drug_class`,
/// `batch_tracked`, `weighed`, `cost`, `min_stock`, `nie`, `het`, `max_per_sale`, `plu`,
/// `active` (false: taken off the catalog) and `units` (`unit`, `factor`, `prices`: `umum`,
/// `anggota`, `grosir`, `grosir_min_qty`; `barcodes`). Applied in the server's order on every
/// node, the one that made it included (`service::catalog_sync`).
pub const CATALOG_KIND: &str = "catalog.v1";
/// Members changed (a members import): `members`, each as it now stands — `uuid`,
/// `number`, `name`, `phone`, `nik`, `kasbon_limit`, `active`; never the kasbon balance,
/// which every node adds up from the sales and repayments. Applied like [`CATALOG_KIND`].
pub const MEMBERS_KIND: &str = "members.v1";
/// Users as they now stand (`users`: username, name, role, the PIN's argon2 hash with its
/// salt — never the PIN — and whether active), written by every use case that adds or
/// changes one. Applied like [`CATALOG_KIND`] (`service::travel`).
pub const USERS_KIND: &str = "users.v1";
/// Suppliers as they now stand (`suppliers`: uuid, code, name, phone, address, active).
/// Applied like [`CATALOG_KIND`].
pub const SUPPLIERS_KIND: &str = "suppliers.v1";
/// The coop's settings as they now stand (`settings`: key and value), each till's own
/// configuration included; a setting of one machine only never travels
/// (`service::settings::travels`). Applied like [`CATALOG_KIND`].
pub const SETTINGS_KIND: &str = "settings.v1";

/// The payload of a [`SALE_KIND`] event: the sale as stored, amounts as exact decimal
/// strings, the stock moves it made (`line_no`, `sku`, `batch` number, `qty`, `value`) and,
/// only when the sale dispensed on prescriptions, `prescriptions` ([`SaleRx`]: one per
/// prescribed line). A sale without prescriptions has no `prescriptions` key, as before it
/// existed, and a node applies an older sale event without it.
/// Serialised straight from the sale (`store::outbox::canonical_of`): every field is declared
/// in sorted key order, so the text is the canonical JSON a `serde_json::Value` of the same
/// keys would give, byte for byte.
pub fn sale_payload<'a>(
    s: &'a SaleRecord,
    stock_moves: &'a [SaleMove],
    prescriptions: &'a [SaleRx],
) -> SalePayload<'a> {
    SalePayload {
        lines: s.lines.iter().map(PayloadLine).collect(),
        prescriptions,
        sale: PayloadSale(s),
        stock_moves,
        tenders: s.tenders.iter().map(PayloadTender).collect(),
    }
}

/// A prescription a sale line dispensed on, as the sale's event carries it (keys in sorted
/// order): the paper (`number`, `doctor`, `sip`, `patient`, `date`), what it prescribes of
/// the line's drug (`prescribed`, base units, and `iter`), what this line dispensed on it
/// (`dispensed`, base units), the approving pharmacist's username (`apoteker`), the reason
/// for accepting it outside its age limit (`age_reason`), and the uuid it is stored under on
/// every node.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize)]
pub struct SaleRx {
    pub age_reason: Option<String>,
    pub apoteker: String,
    pub date: String,
    pub dispensed: Decimal,
    pub doctor: String,
    pub iter: u32,
    pub line_no: i64,
    pub number: String,
    pub patient: String,
    pub prescribed: Decimal,
    pub sip: String,
    pub uuid: String,
}

/// A stock move of a sale as its event carries it (keys in sorted order).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SaleMove {
    pub batch: Option<String>,
    pub line_no: i64,
    pub qty: Decimal,
    pub sku: String,
    pub value: Decimal,
}

/// [`sale_payload`]: keys in sorted order.
#[derive(Serialize)]
pub struct SalePayload<'a> {
    lines: Vec<PayloadLine<'a>>,
    #[serde(skip_serializing_if = "<[SaleRx]>::is_empty")]
    prescriptions: &'a [SaleRx],
    sale: PayloadSale<'a>,
    stock_moves: &'a [SaleMove],
    tenders: Vec<PayloadTender<'a>>,
}

/// The sale's header in its event.
pub struct PayloadSale<'a>(&'a SaleRecord);

impl Serialize for PayloadSale<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let s = self.0;
        let mut m = ser.serialize_struct("sale", 15)?;
        m.serialize_field("business_date", &s.business_date)?;
        m.serialize_field("business_unit", &s.business_unit)?;
        m.serialize_field("cashier", &s.cashier)?;
        m.serialize_field("change", &s.change)?;
        m.serialize_field("created_at", &s.created_at)?;
        m.serialize_field("discount", &s.discount)?;
        m.serialize_field("gross", &s.gross)?;
        m.serialize_field("member", &s.member_number)?;
        m.serialize_field("number", &s.number)?;
        m.serialize_field("payable", &s.payable)?;
        m.serialize_field("ppn", &s.ppn)?;
        m.serialize_field("rounding", &s.rounding)?;
        m.serialize_field("till", &s.till)?;
        m.serialize_field("total", &s.total)?;
        m.serialize_field("uuid", &s.uuid)?;
        m.end()
    }
}

/// A sale line in its event.
pub struct PayloadLine<'a>(&'a crate::store::sales::SaleLineRecord);

impl Serialize for PayloadLine<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let l = self.0;
        let mut m = ser.serialize_struct("line", 14)?;
        m.serialize_field("amount", &l.amount)?;
        m.serialize_field("base_qty", &l.base_qty)?;
        m.serialize_field("business_unit", &l.business_unit)?;
        m.serialize_field("cost", &l.cost)?;
        m.serialize_field("discount", &l.discount)?;
        m.serialize_field("line_no", &l.line_no)?;
        m.serialize_field("name", &l.name)?;
        m.serialize_field("ppn", &l.ppn)?;
        m.serialize_field("qty", &l.qty)?;
        m.serialize_field("sku", &l.sku)?;
        m.serialize_field("tax_class", &l.tax_class)?;
        m.serialize_field("tier", &l.tier)?;
        m.serialize_field("unit", &l.unit)?;
        m.serialize_field("unit_price", &l.unit_price)?;
        m.end()
    }
}

/// A tender in its event.
pub struct PayloadTender<'a>(&'a crate::store::sales::TenderRecord);

impl Serialize for PayloadTender<'_> {
    fn serialize<S: serde::Serializer>(&self, ser: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let t = self.0;
        let mut m = ser.serialize_struct("tender", 3)?;
        m.serialize_field("amount", &t.amount)?;
        m.serialize_field("kind", &t.kind)?;
        m.serialize_field("reference", &t.reference)?;
        m.end()
    }
}

/// How far a till's clock may be from the server's before `kasir server status` flags it.
pub const CLOCK_TOLERANCE_MS: i64 = 5 * 60 * 1000;

/// Whether a till's clock, as it last reported, is off by more than [`CLOCK_TOLERANCE_MS`].
pub fn clock_off(offset_ms: Option<i64>) -> bool {
    offset_ms.is_some_and(|ms| ms.unsigned_abs() > CLOCK_TOLERANCE_MS.unsigned_abs())
}

/// A clock offset as people read it: `+7 mnt` / `-45 dtk` (English `+7 min`, `-45 s`),
/// to the nearest whole unit.
pub fn offset_text(ms: i64, lang: crate::i18n::Lang) -> String {
    let secs = (ms.unsigned_abs() + 500) / 1000;
    // Under half a second either way is no offset at all: no sign on a zero.
    let sign = match (secs, ms < 0) {
        (0, _) => "",
        (_, true) => "-",
        (_, false) => "+",
    };
    if secs < 60 {
        format!("{sign}{secs} {}", lang.pick("dtk", "s"))
    } else if secs < 3600 - 30 {
        format!("{sign}{} {}", (secs + 30) / 60, lang.pick("mnt", "min"))
    } else {
        format!("{sign}{} {}", (secs + 1800) / 3600, lang.pick("jam", "h"))
    }
}

/// What `kasir server init` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerInit {
    /// The schema version found before (none on a fresh database).
    pub before: Option<i32>,
    pub version: i32,
}

/// Install or upgrade kasir's schema and functions on the coop's PostgreSQL at `url` (an
/// owner's address). Running it again changes nothing.
pub fn server_init(url: &str) -> Result<ServerInit> {
    let (before, version) = pg::init(url)?;
    Ok(ServerInit { before, version })
}

/// Install or upgrade the district schema on the database at `url` (an owner's address).
pub fn district_init(url: &str) -> Result<ServerInit> {
    let (before, version) = crate::store::district::init(url)?;
    Ok(ServerInit { before, version })
}

/// Each till registered on the server at `url`: last push, highest seq, events stored,
/// events in quarantine.
pub fn server_status(url: &str) -> Result<Vec<TillStatus>> {
    pg::status(url)
}

/// What `kasir till join` did (no secret in it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Joined {
    pub till: String,
    pub role: String,
    /// The 0600 file the till's credentials are kept in.
    pub credentials: PathBuf,
}

/// What `kasir sync --once` did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    pub till: String,
    /// The server answered another id than the one this node last synced with (it was
    /// rebuilt): every event this till still keeps, pushed again (none otherwise).
    pub resent: Option<usize>,
    /// Events sent (a retried event counts again).
    pub sent: usize,
    /// Pushes the server answered.
    pub batches: usize,
    /// The highest seq the server acknowledged in this run.
    pub acked_through: Option<i64>,
    /// This till's events still waiting.
    pub pending: i64,
    /// Events of other till ids in this file, which this machine does not push.
    pub other_tills: Vec<(String, i64)>,
    /// Events received from the server in this run: the other tills', and this till's own
    /// catalog and member changes coming back in the server's order.
    pub pulled: usize,
    /// Other tills' events applied here in this run (pulled now, or kept from an earlier
    /// pull and applied now).
    pub applied: usize,
    /// The server's change_seq this node has applied through.
    pub pulled_through: i64,
    /// Remote events kept because they could not be applied here (`sync_exceptions`).
    pub exceptions: i64,
    /// This machine's clock less the server's, as the server measured it (milliseconds);
    /// none from a server not yet upgraded to schema version 3.
    pub clock_offset_ms: Option<i64>,
    /// The highest seq of this till the district above the coop holds, as the coop's server
    /// last heard it; none from a server older than schema version 7.
    pub district_held: Option<i64>,
}

/// A local time of this machine as RFC 3339 with its UTC offset (what the server compares
/// with its own clock).
fn rfc3339(at: chrono::NaiveDateTime) -> String {
    use chrono::TimeZone;
    match chrono::Local.from_local_datetime(&at).earliest() {
        Some(t) => t.to_rfc3339(),
        // A local time skipped by a clock change: read it as UTC.
        None => at.and_utc().to_rfc3339(),
    }
}

impl Shop {
    /// Register this shop file as till `till` on the coop's server at `server_url` (an
    /// owner's address): the server gets a role for it that may only push its own events,
    /// and the role's credentials go to a 0600 file beside the shop file. A till id already
    /// registered is refused unless `rejoin` (the same till moved to this machine: the old
    /// machine's credentials stop working).
    pub fn till_join(&self, server_url: &str, till: &str, rejoin: bool) -> Result<Joined> {
        let till = till.trim();
        if till.is_empty() {
            return Err(KasirError::invalid(
                "Nama kasir kosong",
                "The till id is empty",
            ));
        }
        let creds = pg::register(server_url, till, rejoin)?;
        let file = pg::credentials_path(self.store.path());
        pg::save_credentials(&file, &creds)?;
        // A file that never synced takes this server as its own. One that synced with
        // another keeps that id: its next sync finds the server changed and pushes again.
        if let Some(id) = pg::owner_server_id(server_url)? {
            let c = self.store.conn();
            if crate::store::pull::server_id(c)?.is_none()
                && crate::store::pull::last_change_seq(c)? == 0
                && crate::store::outbox::tills(c)?
                    .iter()
                    .all(|t| crate::store::outbox::acked_through(c, t).is_ok_and(|a| a == 0))
            {
                self.store
                    .write(|tx| crate::store::pull::set_server_id(tx, &id))?;
            }
        }
        Ok(Joined {
            till: creds.till,
            role: creds.role,
            credentials: file,
        })
    }

    /// The till id this file's own events go under when a use case names no till (goods
    /// received, write-offs, a count, the books): the till it joined as, else the window's
    /// default till (`till.default`).
    pub fn event_till(&self) -> Result<String> {
        match self.joined_till()? {
            Some(t) => Ok(t),
            None => {
                let key = super::settings::Key::TillDefault;
                let t = self.setting(key)?;
                Ok(if t.trim().is_empty() {
                    key.default().to_string()
                } else {
                    t
                })
            }
        }
    }

    /// A kasbon above `sync.kasbon_fresh_above` on a file joined to the coop's server needs
    /// a whole pull within `sync.kasbon_fresh_minutes`: only then does the member's balance
    /// here count the kasbon other tills gave. A file that never joined is the whole shop.
    pub(crate) fn check_kasbon_fresh(&self, kasbon: Decimal) -> Result<()> {
        use super::settings::Key;
        use crate::domain::money::format_rupiah as rp;
        let above: Decimal = self
            .setting(Key::SyncKasbonFreshAbove)?
            .parse()
            .unwrap_or(Decimal::ZERO);
        if above.is_zero() || kasbon <= above || self.joined_till()?.is_none() {
            return Ok(());
        }
        let minutes: i64 = self
            .setting(Key::SyncKasbonFreshMinutes)?
            .parse()
            .unwrap_or(10);
        let last = crate::store::pull::synced_at(self.store.conn())?;
        let at = last
            .as_deref()
            .and_then(|t| chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S").ok());
        if at.is_some_and(|t| self.now() - t <= chrono::Duration::minutes(minutes)) {
            return Ok(());
        }
        let (when_id, when_en) = match &last {
            Some(t) => (format!("terakhir {t}"), format!("last at {t}")),
            None => ("belum pernah".to_string(), "never yet".to_string()),
        };
        Err(KasirError::invalid(
            format!(
                "Kasbon {} di atas {} perlu sinkron dengan server koperasi dalam {minutes} menit terakhir ({when_id}): kasbon anggota di kasir lain belum diketahui. Sinkronkan dulu, atau kurangi kasbonnya",
                rp(kasbon),
                rp(above)
            ),
            format!(
                "A kasbon of {} is above {} and needs a sync with the coop's server in the last {minutes} minutes ({when_en}): the member's kasbon at other tills is not known here. Sync first, or take less on kasbon",
                rp(kasbon),
                rp(above)
            ),
        ))
    }

    /// The till this file joined, if it did.
    pub fn joined_till(&self) -> Result<Option<String>> {
        let file = pg::credentials_path(self.store.path());
        if !file.exists() {
            return Ok(None);
        }
        Ok(Some(pg::load_credentials(&file)?.till))
    }

    /// Push this till's unacknowledged events to the coop's server, in batches, and mark
    /// acknowledged what it holds; then pull the other tills' events until the server has
    /// nothing new, and apply them here (`service::pull`). A push whose answer is lost
    /// acknowledges nothing; the next run sends the same events again and the server
    /// stores each once. A pulled batch is applied whole or not at all.
    pub fn sync_once(&self) -> Result<SyncReport> {
        let creds = pg::load_credentials(&pg::credentials_path(self.store.path()))?;
        let mut server = pg::PgServer::connect(&creds)?;
        let resent = self.follow_server(&mut server, &creds.till)?;
        let mut outbox = crate::sync::StoreOutbox(&self.store);
        let pushed =
            crate::sync::push_all(&mut outbox, &mut server, &creds.till, crate::sync::BATCH)?;
        // What the district above the coop holds of this till, as the coop's server last
        // heard it: this file keeps its events until the district holds them.
        let district_held = server.district_held(&creds.till)?;
        if let Some(held) = district_held {
            let _crash = crate::store::crash::use_case("sync_district");
            let at = super::stamp(self.now());
            self.store
                .write(|tx| crate::store::pull::set_district_held(tx, &creds.till, held, &at))?;
        }
        // The other tills and how far the server holds each, kept before pulling: if the
        // pull stops half-way, this file knows which tills it is behind on.
        let tills = server.tills(&creds.till)?;
        {
            let _crash = crate::store::crash::use_case("sync_tills");
            let at = super::stamp(self.now());
            self.store
                .write(|tx| crate::store::pull::set_tills(tx, &tills, &at))?;
        }
        let began = super::stamp(self.now());
        let mut node = super::pull::StoreNode {
            store: &self.store,
            now: self.now(),
        };
        let pulled =
            crate::sync::pull_all(&mut node, &mut server, &creds.till, crate::sync::BATCH)?;
        {
            // Read to the end: this node knows every till's kasbon as of `began`.
            let _crash = crate::store::crash::use_case("sync_done");
            self.store
                .write(|tx| crate::store::pull::set_synced_at(tx, &began))?;
        }
        let exceptions = crate::store::pull::exception_count(self.store.conn())?;
        let counts = crate::store::outbox::pending_counts(self.store.conn())?;
        let pending = counts
            .iter()
            .find(|(t, _)| *t == creds.till)
            .map_or(0, |(_, n)| *n);
        let clock_offset_ms = server.report(&creds.till, pending, &rfc3339(self.now()))?;
        Ok(SyncReport {
            clock_offset_ms,
            district_held,
            till: creds.till.clone(),
            resent,
            sent: pushed.sent,
            batches: pushed.batches,
            acked_through: pushed.acked_through,
            pending,
            other_tills: counts
                .into_iter()
                .filter(|(t, _)| *t != creds.till)
                .collect(),
            pulled: pulled.pulled,
            applied: pulled.applied,
            pulled_through: pulled.through,
            exceptions,
        })
    }

    /// Compare the server's id with the one this node last synced with. The first time, it
    /// is recorded. When it differs, the server was lost and rebuilt: every event of `till`
    /// this file still keeps is pushed again (the server stores each id once), and only then
    /// the new id is recorded with the read position back at the new server's start
    /// (`store::pull::restart_on_server`); a run cut short before that does it all again.
    /// Returns the events pushed again, if the server was rebuilt.
    fn follow_server(&self, server: &mut pg::PgServer, till: &str) -> Result<Option<usize>> {
        let Some(id) = server.server_id()? else {
            return Ok(None);
        };
        let known = crate::store::pull::server_id(self.store.conn())?;
        // A file that synced before servers had ids records none: a server that holds less
        // of this till than it acknowledged is not the one it synced with all the same.
        let lost = |server: &mut pg::PgServer| -> Result<bool> {
            let acked = crate::store::outbox::acked_through(self.store.conn(), till)?;
            Ok(acked > 0 && crate::sync::Server::push(server, till, &[])? < acked)
        };
        match known {
            Some(k) if k == id => Ok(None),
            None if !lost(server)? => {
                self.store
                    .write(|tx| crate::store::pull::set_server_id(tx, &id))?;
                Ok(None)
            }
            _ => {
                let sent = crate::sync::repush_all(&self.store, server, till, crate::sync::BATCH)?;
                let _crash = crate::store::crash::use_case("sync_rebuilt");
                self.store
                    .write(|tx| crate::store::pull::restart_on_server(tx, &id))?;
                Ok(Some(sent))
            }
        }
    }

    /// Per till id in this file: events waiting for the coop's server.
    pub fn outbox_pending(&self) -> Result<Vec<(String, i64)>> {
        crate::store::outbox::pending_counts(self.store.conn())
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal_macros::dec;
    use serde_json::json;

    use super::*;
    use crate::store::outbox::{canonical, canonical_of};
    use crate::store::sales::{SaleLineRecord, TenderRecord};

    /// The sale's event as it was first written: a `serde_json::Value` built key by key.
    fn as_value(s: &SaleRecord, moves: &[SaleMove]) -> serde_json::Value {
        let lines: Vec<_> = s
            .lines
            .iter()
            .map(|l| {
                json!({
                    "line_no": l.line_no, "sku": l.sku, "name": l.name, "unit": l.unit,
                    "qty": l.qty, "base_qty": l.base_qty, "unit_price": l.unit_price,
                    "tier": l.tier, "discount": l.discount, "amount": l.amount, "ppn": l.ppn,
                    "cost": l.cost, "business_unit": l.business_unit, "tax_class": l.tax_class,
                })
            })
            .collect();
        let tenders: Vec<_> = s
            .tenders
            .iter()
            .map(|t| json!({"kind": t.kind, "amount": t.amount, "reference": t.reference}))
            .collect();
        let moves: Vec<_> = moves
            .iter()
            .map(|m| {
                json!({"line_no": m.line_no, "sku": m.sku, "batch": m.batch, "qty": m.qty,
                       "value": m.value})
            })
            .collect();
        json!({
            "sale": {
                "uuid": s.uuid, "number": s.number, "till": s.till,
                "business_unit": s.business_unit, "business_date": s.business_date,
                "created_at": s.created_at, "cashier": s.cashier, "member": s.member_number,
                "gross": s.gross, "discount": s.discount, "total": s.total,
                "rounding": s.rounding, "payable": s.payable, "ppn": s.ppn, "change": s.change,
            },
            "lines": lines,
            "tenders": tenders,
            "stock_moves": moves,
        })
    }

    fn line(no: i64, name: &str, qty: Decimal, amount: Decimal) -> SaleLineRecord {
        SaleLineRecord {
            line_no: no,
            sku: format!("SKU-{no}"),
            name: name.to_string(),
            unit: "kg".to_string(),
            qty,
            base_qty: qty * dec!(1000),
            unit_price: dec!(12500.5),
            tier: "anggota".to_string(),
            discount: dec!(-0.5),
            amount,
            ppn: dec!(0),
            cost: dec!(9876.54),
            business_unit: "apotek".to_string(),
            tax_class: "exempt".to_string(),
            weighed: true,
        }
    }

    #[test]
    fn the_sale_event_is_the_canonical_json_of_its_keys_byte_for_byte() {
        let mut sale = SaleRecord {
            id: 7,
            uuid: "0190-abc".to_string(),
            number: "sembako-1-20261202-0001".to_string(),
            till: "sembako-1".to_string(),
            business_unit: "sembako".to_string(),
            business_date: "2026-12-02".to_string(),
            created_at: "2026-12-02 10:00:00".to_string(),
            cashier: "Siti \"kasir\" Ñ".to_string(),
            member_number: Some("A0001".to_string()),
            member_name: Some("Budi".to_string()),
            gross: dec!(100000),
            discount: dec!(2500.25),
            total: dec!(97499.75),
            rounding: dec!(0.25),
            payable: dec!(97500),
            ppn: dec!(9661.16),
            change: dec!(2500),
            status: "completed".to_string(),
            lines: vec![
                line(1, "Beras \\ 5 kg", dec!(1.234), dec!(15432.1)),
                line(2, "Minyak\tGoreng", dec!(3), dec!(-3)),
            ],
            tenders: vec![
                TenderRecord {
                    kind: "cash".to_string(),
                    amount: dec!(50000),
                    reference: None,
                },
                TenderRecord {
                    kind: "qris".to_string(),
                    amount: dec!(47500),
                    reference: Some("QR-1".to_string()),
                },
            ],
        };
        let moves = vec![
            SaleMove {
                batch: Some("B-2027".to_string()),
                line_no: 1,
                qty: dec!(-1234),
                sku: "SKU-1".to_string(),
                value: dec!(-12.34),
            },
            SaleMove {
                batch: None,
                line_no: 2,
                qty: dec!(-3000),
                sku: "SKU-2".to_string(),
                value: dec!(0),
            },
        ];
        let want = canonical(&as_value(&sale, &moves));
        assert_eq!(
            canonical_of(&sale_payload(&sale, &moves, &[])).unwrap(),
            want
        );
        // Without a member, tenders or moves.
        sale.member_number = None;
        sale.tenders.clear();
        assert_eq!(
            canonical_of(&sale_payload(&sale, &[], &[])).unwrap(),
            canonical(&as_value(&sale, &[]))
        );
        // With a prescription: one more key, `prescriptions`, and no other change.
        let rx = vec![SaleRx {
            age_reason: None,
            apoteker: "rina".to_string(),
            date: "2026-12-01".to_string(),
            dispensed: dec!(20),
            doctor: "dr. Sari".to_string(),
            iter: 0,
            line_no: 1,
            number: "RX-7".to_string(),
            patient: "Joko".to_string(),
            prescribed: dec!(30),
            sip: "SIP 503".to_string(),
            uuid: "0190-rx".to_string(),
        }];
        let mut want = as_value(&sale, &moves);
        want["prescriptions"] = json!([{
            "uuid": "0190-rx", "line_no": 1, "number": "RX-7", "doctor": "dr. Sari",
            "sip": "SIP 503", "patient": "Joko", "date": "2026-12-01", "prescribed": dec!(30),
            "iter": 0, "dispensed": dec!(20), "apoteker": "rina", "age_reason": null,
        }]);
        assert_eq!(
            canonical_of(&sale_payload(&sale, &moves, &rx)).unwrap(),
            canonical(&want)
        );
    }
}
