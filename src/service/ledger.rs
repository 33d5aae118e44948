//! Day close → one balanced journal per business unit; reversal; the chart of accounts;
//! exports for the accountant (hledger, CSV, JSON); trial balance and general ledger.

use std::io::{Read, Write};

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::catalog::CsvRows;
use super::{day, new_uuid, stamp, Shop};
use crate::domain::catalog::BusinessUnit;
use crate::domain::ledger::{
    post_day, Journal, JournalError, PostDay, PostLine, PostReturn, PostSale, StockFlow, StockPost,
};
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::ledger::{self as q, AccountRow, JournalRecord, NewJournal};
use crate::store::{returns, sales};

/// Posting roles the day close needs an account for.
pub const ROLES: &[&str] = &[
    "cash.sembako",
    "cash.apotek",
    "bank",
    "qris",
    "receivable.sembako",
    "receivable.apotek",
    "inventory.sembako",
    "inventory.apotek",
    "interunit",
    "payable",
    "ppn_out",
    "savings.sukarela",
    "savings.pokok",
    "savings.wajib",
    "sales.sembako.member",
    "sales.sembako.public",
    "sales.apotek.member",
    "sales.apotek.public",
    "returns",
    "cogs.sembako.member",
    "cogs.sembako.public",
    "cogs.apotek.member",
    "cogs.apotek.public",
    "stock_loss",
    "petty_cash",
    "over_short",
    "rounding",
    "cash.safe",
    "equity.opening",
];

const KINDS: &[&str] = &["asset", "liability", "equity", "income", "expense"];

/// Export formats of `ledger export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerFormat {
    Hledger,
    Csv,
    Json,
}

impl LedgerFormat {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "hledger" | "ledger" => Some(LedgerFormat::Hledger),
            "csv" => Some(LedgerFormat::Csv),
            "json" => Some(LedgerFormat::Json),
            _ => None,
        }
    }
}

/// Where a day stands: closed or not, and what keeps it from closing.
#[derive(Debug, Clone, PartialEq)]
pub struct DayStatus {
    pub date: String,
    pub closed: bool,
    /// Tills with a shift still open from this day or before (this file's own, and the
    /// other tills' pulled from the coop's server).
    pub open_shifts: Vec<String>,
    /// Other tills whose events are not all applied here: the coop's server listed events
    /// of theirs this file has not pulled yet, or one of theirs from this day or before
    /// waits as an exception (`kasir sync exceptions`).
    pub unsynced_tills: Vec<String>,
    pub journals: Vec<JournalRecord>,
}

/// One row of the trial balance.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialRow {
    pub code: String,
    pub name: String,
    pub kind: String,
    pub opening: Decimal,
    pub debit: Decimal,
    pub credit: Decimal,
    /// opening + debit − credit (debit positive).
    pub closing: Decimal,
}

/// The trial balance over a date range.
#[derive(Debug, Clone, PartialEq)]
pub struct TrialBalance {
    pub from: String,
    pub to: String,
    pub rows: Vec<TrialRow>,
    pub total_debit: Decimal,
    pub total_credit: Decimal,
}

/// One entry of the general ledger of an account.
#[derive(Debug, Clone, PartialEq)]
pub struct GlEntry {
    pub date: String,
    pub journal: String,
    pub memo: String,
    pub debit: Decimal,
    pub credit: Decimal,
    pub balance: Decimal,
}

/// The general ledger of one account over a date range.
#[derive(Debug, Clone, PartialEq)]
pub struct GeneralLedger {
    pub code: String,
    pub name: String,
    pub from: String,
    pub to: String,
    pub opening: Decimal,
    pub entries: Vec<GlEntry>,
    pub closing: Decimal,
}

fn range(from: Option<NaiveDate>, to: Option<NaiveDate>) -> (String, String) {
    (
        from.map(day).unwrap_or_else(|| "0000-01-01".into()),
        to.map(day).unwrap_or_else(|| "9999-12-31".into()),
    )
}

fn unit(s: &str) -> BusinessUnit {
    BusinessUnit::parse(s).unwrap_or(BusinessUnit::Sembako)
}

fn journal_error(e: JournalError) -> KasirError {
    use crate::domain::money::format_rupiah as rp;
    let (id, en) = match e {
        JournalError::Unbalanced { debit, credit } => (
            format!("debit {} ≠ kredit {}", rp(debit), rp(credit)),
            format!("debit {} ≠ credit {}", rp(debit), rp(credit)),
        ),
        JournalError::NegativeAmount(a) => (
            format!("nominal negatif di akun {a}"),
            format!("negative amount on account {a}"),
        ),
        JournalError::BothSides(a) => (
            format!("akun {a} di debit dan kredit sekaligus"),
            format!("account {a} on both debit and credit"),
        ),
        JournalError::TooPrecise(a) => (
            format!("nominal di akun {a} lebih teliti dari sen"),
            format!("amount on account {a} finer than sen"),
        ),
        JournalError::Empty => ("jurnal kosong".to_string(), "empty journal".to_string()),
    };
    KasirError::invalid(
        format!("Jurnal tidak seimbang, tidak diposting: {id}"),
        format!("Journal does not balance, not posted: {en}"),
    )
}

/// A name hledger reads as one account: no ':' (hierarchy), ';' (comment) or double spaces.
fn hledger_account(code: &str, name: &str) -> String {
    let raw = format!("{code} {name}");
    raw.replace([':', ';', '\t', '\n', '\r'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn hledger_type(kind: &str) -> &'static str {
    match kind {
        "asset" => "A",
        "liability" => "L",
        "equity" => "E",
        "income" => "R",
        _ => "X",
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Stock cannot change on a business day whose books are posted: the day's journal could no
/// longer hold the change, and the books would fall short of the stock (`kasir check`). Run
/// inside the transaction that writes, so a day closed a moment before is seen.
pub(crate) fn refuse_if_day_posted(
    tx: &rusqlite::Transaction,
    now: chrono::NaiveDateTime,
    what_id: &str,
    what_en: &str,
) -> Result<()> {
    let today = day(now.date());
    if q::last_day_event(tx, &today)?.as_deref() == Some("close") {
        return Err(KasirError::invalid(
            format!("Hari {today} sudah ditutup bendahara: {what_id} dicatat besok, atau bendahara membalik penutupan hari"),
            format!("Day {today} has been closed by the treasurer: record the {what_en} tomorrow, or the treasurer reverses the day close"),
        ));
    }
    Ok(())
}

/// The account with `code`, or the refusal that names it and where the chart is listed.
pub(super) fn account(c: &rusqlite::Connection, code: &str) -> Result<AccountRow> {
    q::account_by_code(c, code)?.ok_or_else(|| {
        let (id, en) = no_account(code);
        KasirError::invalid(id, en)
    })
}

/// The refusal of an account code not in the chart, in both languages.
pub(super) fn no_account(code: &str) -> (String, String) {
    (
        format!("akun \"{code}\" tidak ada di bagan akun (kasir accounts list)"),
        format!("account \"{code}\" is not in the chart of accounts (kasir accounts list)"),
    )
}

impl Shop {
    /// The day's activity as posting reads it.
    pub fn day_activity(&self, date: NaiveDate) -> Result<PostDay> {
        let c = self.store.conn();
        let d = day(date);
        let mut p = PostDay::default();
        for s in sales::postings_on(c, &d)? {
            let sum = |k: &str| -> Decimal {
                s.tenders
                    .iter()
                    .filter(|(kind, _)| kind == k)
                    .map(|(_, amount)| *amount)
                    .sum()
            };
            p.sales.push(PostSale {
                counter: unit(&s.business_unit),
                member: s.member,
                lines: s
                    .lines
                    .iter()
                    .map(|(u, amount, ppn)| PostLine {
                        unit: unit(u),
                        amount: *amount,
                        ppn: *ppn,
                    })
                    .collect(),
                cash: sum("cash") - s.change,
                qris: sum("qris"),
                transfer: sum("transfer"),
                kasbon: sum("kasbon"),
                rounding: s.rounding,
            });
        }
        for r in returns::on_date(c, &d)? {
            p.returns.push(PostReturn {
                counter: unit(&r.business_unit),
                member: r.member,
                lines: r
                    .lines
                    .iter()
                    .map(|(u, amount, ppn, _cost)| PostLine {
                        unit: unit(u),
                        amount: *amount,
                        ppn: *ppn,
                    })
                    .collect(),
                refund_cash: r.refund_cash,
                refund_kasbon: r.refund_kasbon,
                rounding: r.rounding,
            });
        }
        for (u, diff) in q::over_short_on(c, &d)? {
            p.over_short.push((unit(&u), diff));
        }
        for m in q::cash_moves_on(c, &d)? {
            let u = unit(&m.unit);
            match m.kind.as_str() {
                "in" => p.cash_in.push((u, m.amount)),
                "out" => p.cash_out.push((u, m.amount)),
                _ => p.repayments.push((u, unit(&m.receivable_unit), m.amount)),
            }
        }
        // The opening balances hold the stock up to their last move: only later moves post.
        let after = q::opening(c)?.map(|(_, through)| through).unwrap_or(0);
        for f in q::stock_flows_on(c, &d, after)? {
            let u = unit(&f.unit);
            let flow = match f.kind.as_str() {
                "sale" => StockFlow::Sold { member: f.member },
                "return" => StockFlow::Returned { member: f.member },
                "receipt" => match (f.payment.as_deref(), f.paid_from.as_deref()) {
                    (Some("credit"), _) => StockFlow::BoughtOnCredit,
                    (_, Some("safe")) => StockFlow::BoughtFromSafe,
                    (_, Some(_)) => {
                        StockFlow::BoughtFromKas(unit(f.paid_unit.as_deref().unwrap_or(&f.unit)))
                    }
                    // Before the drawer/safe choice: paid from the goods' unit's kas.
                    (Some(_), None) if f.supplier => StockFlow::BoughtFromKas(u),
                    _ => StockFlow::BroughtIn,
                },
                _ => StockFlow::Adjusted,
            };
            p.stock.push(StockPost {
                unit: u,
                flow,
                value: f.value,
            });
        }
        Ok(p)
    }

    /// The day's journals as they would be posted now (role keys mapped to account codes),
    /// per unit. Nothing is written.
    pub fn preview_day(&self, date: NaiveDate) -> Result<Vec<(BusinessUnit, Journal)>> {
        let activity = self.day_activity(date)?;
        let mut out = Vec::new();
        for (u, draft) in post_day(&activity) {
            let j = draft.build().map_err(journal_error)?;
            let j = j.map_accounts(|role| self.account_for(role).map(|a| a.code))?;
            out.push((u, j));
        }
        Ok(out)
    }

    fn account_for(&self, role: &str) -> Result<AccountRow> {
        q::account_by_role(self.store.conn(), role)?.ok_or_else(|| {
            KasirError::invalid(
                format!("Tidak ada akun untuk peran \"{role}\" di bagan akun"),
                format!("No account for the role \"{role}\" in the chart of accounts"),
            )
        })
    }

    /// Whether a day is closed and what blocks closing it.
    pub fn day_status(&self, date: NaiveDate) -> Result<DayStatus> {
        let c = self.store.conn();
        let d = day(date);
        Ok(DayStatus {
            closed: q::last_day_event(c, &d)?.as_deref() == Some("close"),
            open_shifts: q::open_shifts_through(c, &d)?,
            unsynced_tills: crate::store::pull::unsynced_tills(c, &d)?,
            journals: q::live_day_journals(c, &d)?,
            date: d,
        })
    }

    /// Close business day `date` (bendahara): only when every shift of the day is closed,
    /// on every till this file knows of, and every other till's events are applied here.
    /// Posts one balanced journal per business unit with activity; the day is then final.
    pub fn close_day(&mut self, actor: &Actor, date: NaiveDate) -> Result<Vec<JournalRecord>> {
        super::auth::require(
            actor,
            Permission::CloseDay,
            crate::domain::user::Act::CloseDay,
        )?;
        let today = self.now().date();
        if date > today {
            return Err(KasirError::invalid(
                format!(
                    "Hari {} belum tiba (hari ini {}) — hanya hari yang sudah berjalan yang bisa ditutup",
                    day(date),
                    day(today)
                ),
                format!(
                    "Day {} has not come yet (today is {}) — only a day that has begun can be closed",
                    day(date),
                    day(today)
                ),
            ));
        }
        let at = stamp(self.now());
        let event_till = self.event_till()?;
        let _crash = crate::store::crash::use_case("day_close");
        // The checks, the day's activity and the journals are read inside the write: a
        // shift opened or a sale made a moment before is seen, and nothing can slip in
        // between the reading and the posting.
        self.store
            .write(|tx| self.post_day_in(tx, actor, date, &at, &event_till))
    }

    /// The checks and writes of [`Shop::close_day`], inside its transaction.
    fn post_day_in(
        &self,
        tx: &rusqlite::Transaction,
        actor: &Actor,
        date: NaiveDate,
        at: &str,
        event_till: &str,
    ) -> Result<Vec<JournalRecord>> {
        let d = day(date);
        let status = self.day_status(date)?;
        if status.closed {
            // Closed on another node and applied here from its event: say where.
            if let Some(Some(on)) = crate::store::pull::day_closed_on(tx, &d)? {
                return Err(KasirError::invalid(
                    format!(
                        "Hari {} sudah ditutup dan diposting di {on} (diterima lewat sinkron)",
                        status.date
                    ),
                    format!(
                        "Day {} is already closed and posted on {on} (received by sync)",
                        status.date
                    ),
                ));
            }
            return Err(KasirError::invalid(
                format!("Hari {} sudah ditutup dan diposting", status.date),
                format!("Day {} is already closed and posted", status.date),
            ));
        }
        // Every till this file knows of: a shift still open (its own, or another till's
        // pulled from the coop's server), or another till's events not all applied here.
        let (mut why_id, mut why_en) = (Vec::new(), Vec::new());
        if !status.open_shifts.is_empty() {
            let tills = status.open_shifts.join(", ");
            why_id.push(format!(
                "shift masih terbuka di {tills} — tutup shift itu dulu"
            ));
            why_en.push(format!(
                "shifts are still open at {tills} — close them first"
            ));
        }
        if !status.unsynced_tills.is_empty() {
            let tills = status.unsynced_tills.join(", ");
            why_id.push(format!(
                "kejadian kasir {tills} di server belum semua diterapkan di sini — jalankan `kasir sync --once` (dan lihat `kasir sync exceptions`)"
            ));
            why_en.push(format!(
                "the events of till {tills} on the server are not all applied here — run `kasir sync --once` (and see `kasir sync exceptions`)"
            ));
        }
        if !why_en.is_empty() {
            return Err(KasirError::invalid(
                format!(
                    "Hari {} belum bisa ditutup: {}",
                    status.date,
                    why_id.join("; ")
                ),
                format!(
                    "Day {} cannot be closed yet: {}",
                    status.date,
                    why_en.join("; ")
                ),
            ));
        }
        let journals = self.preview_day(date)?;
        let mut resolved = Vec::new();
        for (u, j) in &journals {
            let mut lines = Vec::new();
            let mut event_lines = Vec::new();
            for l in j.lines() {
                let acc = account(tx, &l.account)?;
                lines.push((acc.id, l.debit, l.credit, l.memo.clone()));
                event_lines.push(journal_line_event(&l.account, l.debit, l.credit, &l.memo));
            }
            resolved.push((*u, lines, j.total(), event_lines));
        }
        let mut n = q::journal_count(tx)?;
        let mut event_journals = Vec::with_capacity(resolved.len());
        for (u, lines, total, event_lines) in &resolved {
            n += 1;
            let uuid = new_uuid();
            let memo = crate::domain::books_names::day_close_memo(&d.to_string(), u.as_str());
            event_journals.push(serde_json::json!({
                "uuid": uuid,
                "number": format!("J{n:06}"),
                "business_unit": u.as_str(),
                "kind": "day",
                "memo": memo,
                "lines": event_lines,
            }));
            q::insert_journal(
                tx,
                &NewJournal {
                    uuid: &uuid,
                    number: &format!("J{n:06}"),
                    business_date: &d,
                    business_unit: u.as_str(),
                    kind: "day",
                    memo: &memo,
                    posted_at: at,
                    posted_by: &actor.username,
                    reverses: None,
                    stock_through: None,
                },
                lines,
            )?;
            super::audit(
                tx,
                actor,
                at,
                "journal_post",
                &format!("J{n:06} {d} {} total={total}", u.as_str()),
                None,
            )?;
        }
        crate::store::crash::point("day_close.after_journals");
        // What the close covers: every event held here, per till (an event of this day
        // beyond it is late, on every node).
        let covers = super::late::covers_here(tx)?;
        let covers_json = serde_json::to_string(&covers).map_err(|e| {
            KasirError::invalid(
                format!("Cakupan penutupan tidak tertulis: {e}"),
                format!("The close's coverage could not be written: {e}"),
            )
        })?;
        q::insert_day_event(
            tx,
            &d,
            "close",
            at,
            &actor.username,
            None,
            Some(&covers_json),
        )?;
        super::audit(
            tx,
            actor,
            at,
            "day_close",
            &format!("{d} journals={}", resolved.len()),
            None,
        )?;
        let event = crate::store::outbox::append_event(
            tx,
            event_till,
            super::sync::DAY_CLOSE_KIND,
            1,
            &serde_json::json!({
                "business_date": d,
                "at": at,
                "actor": actor.username,
                "journals": event_journals,
                "covers": covers,
            }),
            at,
        )?;
        // Late events of this day still open here are in this close now.
        super::late::after_close(tx, &d, &event.id, at)?;
        q::live_day_journals(tx, &d)
    }

    /// Correct a posted day: every live journal of `date` gets a reversing journal (the
    /// posted ones stay untouched), audited with the reason; with `reclose`, the day is then
    /// closed again from the data as it stands. Returns the journals written.
    pub fn reverse_day(
        &mut self,
        actor: &Actor,
        date: NaiveDate,
        reason: &str,
        reclose: bool,
    ) -> Result<Vec<JournalRecord>> {
        super::auth::require(
            actor,
            Permission::CloseDay,
            crate::domain::user::Act::ReverseDay,
        )?;
        let reason = one_line(reason);
        if reason.is_empty() {
            return Err(KasirError::invalid(
                "Koreksi hari perlu alasan (--reason)",
                "Reversing a day needs a reason (--reason)",
            ));
        }
        let at = stamp(self.now());
        let event_till = self.event_till()?;
        // Reversal and re-close are one transaction, checks and all: either the day is
        // posted again from the data as it stands, or nothing changed.
        self.store.write(|tx| {
            let status = self.day_status(date)?;
            if !status.closed {
                return Err(KasirError::invalid(
                    format!("Hari {} belum ditutup: tidak ada yang dibalik", status.date),
                    format!("Day {} is not closed: nothing to reverse", status.date),
                ));
            }
            let d = status.date.clone();
            let mut n = q::journal_count(tx)?;
            let mut written: Vec<String> = Vec::new();
            let mut event_journals = Vec::with_capacity(status.journals.len());
            for j in &status.journals {
                let mut lines = Vec::new();
                let mut event_lines = Vec::new();
                for l in &j.lines {
                    let acc = account(tx, &l.code)?;
                    // debit ↔ credit
                    lines.push((acc.id, l.credit, l.debit, l.memo.clone()));
                    event_lines.push(journal_line_event(&l.code, l.credit, l.debit, &l.memo));
                }
                n += 1;
                let num = format!("J{n:06}");
                let uuid = new_uuid();
                let memo = format!("Balik {}: {reason}", j.number);
                event_journals.push(serde_json::json!({
                    "uuid": uuid,
                    "number": num,
                    "business_unit": j.business_unit,
                    "kind": "reversal",
                    "memo": memo,
                    "reverses": j.number,
                    "reverses_uuid": crate::store::pull::journal_uuid(tx, j.id)?,
                    "lines": event_lines,
                }));
                q::insert_journal(
                    tx,
                    &NewJournal {
                        uuid: &uuid,
                        number: &num,
                        business_date: &d,
                        business_unit: &j.business_unit,
                        kind: "reversal",
                        memo: &memo,
                        posted_at: &at,
                        posted_by: &actor.username,
                        reverses: Some(j.id),
                        stock_through: None,
                    },
                    &lines,
                )?;
                written.push(num);
            }
            q::insert_day_event(tx, &d, "reverse", &at, &actor.username, Some(&reason), None)?;
            super::audit(
                tx,
                actor,
                &at,
                "day_reverse",
                &format!("{d} reversed={} reason={reason}", status.journals.len()),
                None,
            )?;
            crate::store::outbox::append_event(
                tx,
                &event_till,
                super::sync::DAY_REVERSE_KIND,
                1,
                &serde_json::json!({
                    "business_date": d,
                    "at": at,
                    "actor": actor.username,
                    "reason": reason,
                    "journals": event_journals,
                }),
                &at,
            )?;
            let mut out: Vec<JournalRecord> = q::journals_between(tx, &d, &d)?
                .into_iter()
                .filter(|j| written.contains(&j.number))
                .collect();
            if reclose {
                out.extend(self.post_day_in(tx, actor, date, &at, &event_till)?);
            }
            Ok(out)
        })
    }

    /// The chart of accounts.
    pub fn accounts(&self) -> Result<Vec<AccountRow>> {
        q::accounts(self.store.conn())
    }

    /// Import the chart (`code,name,kind,role`): all rows or none. Accounts are added or
    /// renamed by code; a role moves to the account that names it. Nothing is deleted, so
    /// posted lines keep their account.
    pub fn import_accounts(&mut self, actor: &Actor, input: impl Read) -> Result<usize> {
        super::auth::require(
            actor,
            Permission::CloseDay,
            crate::domain::user::Act::EditAccounts,
        )?;
        let mut rows = CsvRows::new(input, &["code", "name", "kind"], &["role"])?;
        let mut out: Vec<(String, String, String, Option<String>)> = Vec::new();
        while let Some(row) = rows.next_row() {
            let (_, r) = row?;
            let code = r.required("code")?;
            if code.len() > 20
                || !code
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            {
                return Err(r.err(
                    format!("kode akun \"{code}\" tidak sah"),
                    format!("account code \"{code}\" is not valid"),
                ));
            }
            let name = one_line(&r.required("name")?);
            if name.chars().any(char::is_control) || name.len() > 100 {
                return Err(r.err("nama akun tidak sah", "account name is not valid"));
            }
            let kind = r.required("kind")?.to_ascii_lowercase();
            if !KINDS.contains(&kind.as_str()) {
                return Err(r.err(
                    format!("jenis akun \"{kind}\" tidak dikenal ({})", KINDS.join(", ")),
                    format!("unknown account kind \"{kind}\" ({})", KINDS.join(", ")),
                ));
            }
            let role = r.opt_text("role");
            if let Some(ro) = &role {
                if !ROLES.contains(&ro.as_str()) {
                    return Err(r.err(
                        format!("peran \"{ro}\" tidak dikenal"),
                        format!("unknown role \"{ro}\""),
                    ));
                }
                if out.iter().any(|o| o.3.as_deref() == Some(ro)) {
                    return Err(r.err(
                        format!("peran {ro} muncul dua kali"),
                        format!("role {ro} appears twice"),
                    ));
                }
            }
            if out.iter().any(|o| o.0 == code) {
                return Err(r.err(
                    format!("kode akun {code} muncul dua kali"),
                    format!("account code {code} appears twice"),
                ));
            }
            out.push((code, name, kind, role));
        }
        let at = stamp(self.now());
        self.store.write(|tx| {
            for (code, name, kind, role) in &out {
                q::upsert_account(tx, code, name, kind, role.as_deref())?;
            }
            super::audit(
                tx,
                actor,
                &at,
                "accounts_import",
                &format!("{} accounts", out.len()),
                None,
            )
        })?;
        Ok(out.len())
    }

    /// Write the chart as CSV (`code,name,kind,role`).
    pub fn export_accounts(&self, out: impl Write) -> Result<usize> {
        let accounts = self.accounts()?;
        let mut w = crate::service::CsvOut::new(out);
        w.write_record(["code", "name", "kind", "role"])?;
        for a in &accounts {
            w.write_record([
                a.code.to_string(),
                a.name.to_string(),
                a.kind.clone(),
                a.role.clone().unwrap_or_default(),
            ])?;
        }
        w.flush()?;
        Ok(accounts.len())
    }

    /// Posted journals (day journals and reversals) dated within the range.
    pub fn journals(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Vec<JournalRecord>> {
        let (f, t) = range(from, to);
        q::journals_between(self.store.conn(), &f, &t)
    }

    /// Write the journals of a range for the accountant; returns the number of journals.
    pub fn export_ledger(
        &self,
        format: LedgerFormat,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        mut out: impl Write,
    ) -> Result<usize> {
        let journals = self.journals(from, to)?;
        match format {
            LedgerFormat::Hledger => {
                let s = self.settings()?;
                writeln!(out, "; {} — kasir ledger export", one_line(&s.name))?;
                writeln!(out, "commodity IDR 1000.00")?;
                writeln!(out)?;
                for a in self.accounts()? {
                    writeln!(
                        out,
                        "account {}  ; type: {}",
                        hledger_account(&a.code, &a.name),
                        hledger_type(&a.kind)
                    )?;
                }
                for j in &journals {
                    writeln!(out)?;
                    writeln!(out, "{} * ({}) {}", j.date, j.number, one_line(&j.memo))?;
                    for l in &j.lines {
                        let amount = (l.debit - l.credit).normalize();
                        writeln!(
                            out,
                            "    {}  IDR {amount}",
                            hledger_account(&l.code, &l.name)
                        )?;
                    }
                }
            }
            LedgerFormat::Csv => {
                let mut w = crate::service::CsvOut::new(&mut out);
                w.write_record([
                    "date",
                    "journal",
                    "account_code",
                    "account_name",
                    "debit",
                    "credit",
                    "memo",
                ])?;
                for j in &journals {
                    for l in &j.lines {
                        let memo = if l.memo.is_empty() {
                            j.memo.clone()
                        } else {
                            format!("{} — {}", j.memo, l.memo)
                        };
                        w.write_record([
                            j.date.clone(),
                            j.number.to_string(),
                            l.code.to_string(),
                            l.name.to_string(),
                            l.debit.normalize().to_string(),
                            l.credit.normalize().to_string(),
                            memo.to_string(),
                        ])?;
                    }
                }
                w.flush()?;
            }
            LedgerFormat::Json => {
                serde_json::to_writer_pretty(
                    &mut out,
                    &serde_json::json!({ "journals": journals }),
                )
                .map_err(|e| KasirError::Io(e.into()))?;
                writeln!(out)?;
            }
        }
        Ok(journals.len())
    }

    /// The trial balance over a range: per account, the balance before, debits, credits, after.
    pub fn trial_balance(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<TrialBalance> {
        let (f, t) = range(from, to);
        let rows: Vec<TrialRow> = q::account_totals(self.store.conn(), &f, &t)?
            .into_iter()
            .map(|a| TrialRow {
                closing: a.opening + a.debit - a.credit,
                code: a.code,
                name: a.name,
                kind: a.kind,
                opening: a.opening,
                debit: a.debit,
                credit: a.credit,
            })
            .collect();
        Ok(TrialBalance {
            total_debit: rows.iter().map(|r| r.debit).sum(),
            total_credit: rows.iter().map(|r| r.credit).sum(),
            from: f,
            to: t,
            rows,
        })
    }

    /// The general ledger of account `code` over a range, with running balance.
    pub fn general_ledger(
        &self,
        code: &str,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<GeneralLedger> {
        let acc = account(self.store.conn(), code.trim())?;
        let (f, t) = range(from, to);
        let opening = q::account_totals(self.store.conn(), &f, &t)?
            .into_iter()
            .find(|a| a.code == acc.code)
            .map(|a| a.opening)
            .unwrap_or_default();
        let mut balance = opening;
        let mut entries = Vec::new();
        for j in q::journals_between(self.store.conn(), &f, &t)? {
            for l in j.lines.iter().filter(|l| l.code == acc.code) {
                balance += l.debit - l.credit;
                entries.push(GlEntry {
                    date: j.date.clone(),
                    journal: j.number.clone(),
                    memo: j.memo.clone(),
                    debit: l.debit,
                    credit: l.credit,
                    balance,
                });
            }
        }
        Ok(GeneralLedger {
            code: acc.code,
            name: acc.name,
            from: f,
            to: t,
            opening,
            entries,
            closing: balance,
        })
    }
}

/// One journal line as an event carries it.
fn journal_line_event(
    account: &str,
    debit: Decimal,
    credit: Decimal,
    memo: &str,
) -> serde_json::Value {
    serde_json::json!({
        "account": account,
        "debit": debit.normalize(),
        "credit": credit.normalize(),
        "memo": memo,
    })
}
