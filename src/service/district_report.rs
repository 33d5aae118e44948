//! The district's reports (`kasir district report …`): sales per coop, unit and day; the
//! members' share of sales; stock value per unit; kasbon outstanding and overdue; the SHU
//! basis per coop and year. Each is a [`Table`] (columns with headings in both languages and
//! a machine key, rows of typed cells) read from the district's report tables
//! (`store::district_report`), and every report lists the coops that are late: no event
//! received for `late_days` days, or never.

use std::io::Write;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

use crate::domain::money::format_rupiah;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::store::district_report::{self as q, CoopSeen};

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportKind {
    Sales,
    Members,
    Stock,
    Kasbon,
    Shu,
}

impl ReportKind {
    pub fn name(self) -> &'static str {
        match self {
            ReportKind::Sales => "sales",
            ReportKind::Members => "members",
            ReportKind::Stock => "stock",
            ReportKind::Kasbon => "kasbon",
            ReportKind::Shu => "shu",
        }
    }

    /// The report's title, (Bahasa Indonesia, English).
    pub fn title(self) -> (&'static str, &'static str) {
        match self {
            ReportKind::Sales => (
                "Penjualan per koperasi, unit dan hari (bersih setelah retur)",
                "Sales per coop, unit and day (net of returns)",
            ),
            ReportKind::Members => (
                "Porsi anggota dalam penjualan per koperasi",
                "Members' share of sales per coop",
            ),
            ReportKind::Stock => (
                "Nilai stok per koperasi dan unit (harga pokok, per kejadian terakhir)",
                "Stock value per coop and unit (at cost, as of the last event)",
            ),
            ReportKind::Kasbon => (
                "Kasbon beredar dan menunggak per koperasi",
                "Kasbon outstanding and overdue per coop",
            ),
            ReportKind::Shu => (
                "Dasar SHU per koperasi dan tahun (belanja anggota bersih)",
                "SHU basis per coop and year (members' net purchases)",
            ),
        }
    }
}

/// What a report is asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportParams {
    pub kind: ReportKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// A coop with no event received for this many days is late.
    pub late_days: i64,
    /// Kasbon older than this many days, unpaid, is overdue.
    pub overdue_days: i32,
}

/// The longest range of days a report may cover (ten years).
const MAX_DAYS: i64 = 3660;

/// Refuse a range or a number of days that makes no sense, saying why.
pub fn check(p: &ReportParams) -> Result<()> {
    if p.from > p.to {
        return Err(KasirError::invalid(
            format!("Tanggal awal {} sesudah tanggal akhir {}", p.from, p.to),
            format!("The start date {} is after the end date {}", p.from, p.to),
        ));
    }
    if (p.to - p.from).num_days() > MAX_DAYS {
        return Err(KasirError::invalid(
            format!("Rentang tanggal lebih dari {MAX_DAYS} hari"),
            format!("The date range is longer than {MAX_DAYS} days"),
        ));
    }
    if !(1..=MAX_DAYS).contains(&p.late_days) {
        return Err(KasirError::invalid(
            format!(
                "--late-days harus 1 sampai {MAX_DAYS}, bukan {}",
                p.late_days
            ),
            format!("--late-days must be 1 to {MAX_DAYS}, not {}", p.late_days),
        ));
    }
    if !(0..=MAX_DAYS as i32).contains(&p.overdue_days) {
        return Err(KasirError::invalid(
            format!(
                "--overdue-days harus 0 sampai {MAX_DAYS}, bukan {}",
                p.overdue_days
            ),
            format!(
                "--overdue-days must be 0 to {MAX_DAYS}, not {}",
                p.overdue_days
            ),
        ));
    }
    Ok(())
}

/// A cell of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Text(String),
    /// A date or time, or nothing.
    When(Option<String>),
    Int(i64),
    Money(Decimal),
    /// Percent to 2 decimals.
    Percent(Decimal),
}

impl Cell {
    /// For people: rupiah as `Rp12.500`, percent with `%`.
    pub fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::When(w) => w.clone().unwrap_or_else(|| "-".to_string()),
            Cell::Int(n) => n.to_string(),
            Cell::Money(d) => format_rupiah(*d),
            Cell::Percent(d) => format!("{}%", d.normalize()),
        }
    }

    /// For files: plain decimal strings, empty for nothing.
    pub fn plain(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::When(w) => w.clone().unwrap_or_default(),
            Cell::Int(n) => n.to_string(),
            Cell::Money(d) | Cell::Percent(d) => d.normalize().to_string(),
        }
    }

    fn right_aligned(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Money(_) | Cell::Percent(_))
    }
}

/// A column: its key in CSV and JSON, and its heading in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub key: &'static str,
    pub id: &'static str,
    pub en: &'static str,
}

const fn col(key: &'static str, id: &'static str, en: &'static str) -> Column {
    Column { key, id, en }
}

/// Columns and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// Aligned columns under headings in `lang`.
    pub fn text(&self, lang: Lang) -> String {
        let heads: Vec<String> = self
            .columns
            .iter()
            .map(|c| lang.pick(c.id, c.en).to_string())
            .collect();
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::text).collect())
            .collect();
        let widths: Vec<usize> = (0..heads.len())
            .map(|i| {
                cells
                    .iter()
                    .map(|r| r.get(i).map_or(0, |s| s.chars().count()))
                    .chain([heads[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let right: Vec<bool> = (0..heads.len())
            .map(|i| {
                self.rows
                    .first()
                    .and_then(|r| r.get(i))
                    .is_some_and(Cell::right_aligned)
            })
            .collect();
        let line = |row: &[String]| -> String {
            row.iter()
                .enumerate()
                .map(|(i, s)| {
                    let pad = widths[i].saturating_sub(s.chars().count());
                    if right[i] {
                        format!("{}{s}", " ".repeat(pad))
                    } else {
                        format!("{s}{}", " ".repeat(pad))
                    }
                })
                .collect::<Vec<_>>()
                .join("  ")
                .trim_end()
                .to_string()
        };
        let mut out = line(&heads);
        for r in &cells {
            out.push('\n');
            out.push_str(&line(r));
        }
        out
    }
}

/// A coop with no event received for the report's `late_days`, or never.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LateCoop {
    pub coop_id: String,
    pub coop_name: String,
    /// UTC; none: never reported.
    pub last_received: Option<String>,
    /// Days since the last event (since registering, for one that never reported).
    pub days_silent: i64,
}

/// The coops of `seen` that are late: silent `late_days` days or more, or never heard of.
pub fn late_coops(seen: &[CoopSeen], late_days: i64) -> Vec<LateCoop> {
    seen.iter()
        .filter(|c| c.last_received.is_none() || c.days_silent >= late_days)
        .map(|c| LateCoop {
            coop_id: c.coop_id.clone(),
            coop_name: c.coop_name.clone(),
            last_received: c.last_received.clone(),
            days_silent: c.days_silent,
        })
        .collect()
}

/// The late coops as a table.
pub fn late_table(late: &[LateCoop]) -> Table {
    Table {
        columns: vec![
            col("coop_id", "Koperasi", "Coop"),
            col("coop_name", "Nama", "Name"),
            col(
                "last_received",
                "Kejadian terakhir (UTC)",
                "Last event (UTC)",
            ),
            col("days_silent", "Hari tanpa kabar", "Days silent"),
        ],
        rows: late
            .iter()
            .map(|c| {
                vec![
                    Cell::Text(c.coop_id.clone()),
                    Cell::Text(c.coop_name.clone()),
                    Cell::When(c.last_received.clone()),
                    Cell::Int(c.days_silent),
                ]
            })
            .collect(),
    }
}

/// A district report: what was asked, its table, and the late coops.
#[derive(Debug, Clone, PartialEq)]
pub struct DistrictReport {
    pub params: ReportParams,
    /// Coops registered at the district.
    pub coops: usize,
    pub table: Table,
    pub late: Vec<LateCoop>,
}

impl DistrictReport {
    /// The report for people: title, range, table, then the late coops.
    pub fn text(&self, lang: Lang) -> String {
        let p = &self.params;
        let (tid, ten) = p.kind.title();
        let mut out = format!("{}\n", lang.pick(tid, ten));
        let range = match p.kind {
            ReportKind::Stock => String::new(),
            ReportKind::Kasbon => format!(
                "{} {} · {} {}",
                lang.pick("per", "as of"),
                p.to,
                lang.pick("menunggak: lebih dari", "overdue: older than"),
                crate::i18n::count(
                    lang,
                    usize::try_from(p.overdue_days).unwrap_or_default(),
                    "hari",
                    "days"
                )
            ),
            _ => format!("{} – {}", p.from, p.to),
        };
        if !range.is_empty() {
            out.push_str(&range);
            out.push('\n');
        }
        out.push_str(&crate::i18n::count(lang, self.coops, "koperasi", "coops"));
        out.push('\n');
        if self.table.rows.is_empty() {
            out.push_str(lang.pick("(tidak ada data)", "(no figures)"));
        } else {
            out.push_str(&self.table.text(lang));
        }
        out.push_str("\n\n");
        let late_days = usize::try_from(p.late_days).unwrap_or_default();
        let days = crate::i18n::count(lang, late_days, "hari", "days");
        out.push_str(&format!(
            "{} ({}): {}",
            lang.pick("Koperasi terlambat", "Late coops"),
            lang.pick(
                &format!("tanpa kejadian {days} atau lebih, atau belum pernah"),
                &format!("no event for {days} or more, or never"),
            ),
            self.late.len()
        ));
        if !self.late.is_empty() {
            out.push('\n');
            out.push_str(&late_table(&self.late).text(lang));
        }
        out
    }

    /// The report as CSV: its table under the columns' keys; then, after an empty line, the
    /// late coops under their own keys.
    pub fn write_csv(&self, out: impl Write) -> Result<()> {
        let mut w = super::CsvOut::flexible(out);
        let mut block = |t: &Table| -> Result<()> {
            w.write_record(t.columns.iter().map(|c| c.key))?;
            for r in &t.rows {
                w.write_record(r.iter().map(|c| c.plain()))?;
            }
            Ok(())
        };
        block(&self.table)?;
        let late = late_table(&self.late);
        let mut keys = vec!["late_coops".to_string()];
        keys.extend(late.columns.iter().skip(1).map(|c| c.key.to_string()));
        w.write_record([""])?;
        w.write_record(&keys)?;
        for r in &late.rows {
            w.write_record(r.iter().map(|c| c.plain()))?;
        }
        w.flush()?;
        Ok(())
    }
}

/// Run report `p` on the district's database at `url`.
pub fn report(url: &str, p: &ReportParams) -> Result<DistrictReport> {
    check(p)?;
    let mut c = q::open(url)?;
    let table = match p.kind {
        ReportKind::Sales => sales_table(&q::sales(&mut c, p.from, p.to)?),
        ReportKind::Members => share_table(&q::member_share(&mut c, p.from, p.to)?),
        ReportKind::Stock => stock_table(&q::stock(&mut c)?),
        ReportKind::Kasbon => kasbon_table(&q::kasbon(&mut c, p.to, p.overdue_days)?),
        ReportKind::Shu => shu_table(&q::shu(&mut c, p.from.year(), p.to.year())?),
    };
    let seen = q::coops_seen(&mut c)?;
    Ok(DistrictReport {
        params: p.clone(),
        coops: seen.len(),
        table,
        late: late_coops(&seen, p.late_days),
    })
}

/// The unit as people say it.
fn unit_cell(u: &str) -> Cell {
    Cell::Text(u.to_string())
}

pub fn sales_table(rows: &[q::SalesRow]) -> Table {
    Table {
        columns: vec![
            col("coop_id", "Koperasi", "Coop"),
            col("day", "Tanggal", "Date"),
            col("business_unit", "Unit", "Unit"),
            col("sales", "Transaksi", "Sales"),
            col("gross", "Penjualan", "Sold"),
            col("returns", "Retur", "Returns"),
            col("net", "Bersih", "Net"),
            col("members", "Anggota", "Members"),
            col("non_members", "Non-anggota", "Others"),
            col("cost", "HPP", "Cost"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.coop_id.clone()),
                    Cell::Text(r.day.clone()),
                    unit_cell(&r.business_unit),
                    Cell::Int(r.sales),
                    Cell::Money(r.gross),
                    Cell::Money(r.returns),
                    Cell::Money(r.net),
                    Cell::Money(r.members),
                    Cell::Money(r.non_members),
                    Cell::Money(r.cost),
                ]
            })
            .collect(),
    }
}

pub fn share_table(rows: &[q::ShareRow]) -> Table {
    Table {
        columns: vec![
            col("coop_id", "Koperasi", "Coop"),
            col("coop_name", "Nama", "Name"),
            col("business_unit", "Unit", "Unit"),
            col("members", "Anggota", "Members"),
            col("non_members", "Non-anggota", "Others"),
            col("net", "Bersih", "Net"),
            col("member_share_percent", "Porsi anggota", "Member share"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.coop_id.clone()),
                    Cell::Text(r.coop_name.clone()),
                    // The coop's all-units row.
                    Cell::Text(r.business_unit.clone().unwrap_or_else(|| "*".to_string())),
                    Cell::Money(r.members),
                    Cell::Money(r.non_members),
                    Cell::Money(r.net),
                    Cell::Percent(r.member_share_percent),
                ]
            })
            .collect(),
    }
}

pub fn stock_table(rows: &[q::StockRow]) -> Table {
    Table {
        columns: vec![
            col("coop_id", "Koperasi", "Coop"),
            col("coop_name", "Nama", "Name"),
            col("business_unit", "Unit", "Unit"),
            col("products", "Produk", "Products"),
            col("below_zero", "Di bawah nol", "Below zero"),
            col("value", "Nilai stok", "Stock value"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.coop_id.clone()),
                    Cell::Text(r.coop_name.clone()),
                    unit_cell(&r.business_unit),
                    Cell::Int(r.products),
                    Cell::Int(r.below_zero),
                    Cell::Money(r.value),
                ]
            })
            .collect(),
    }
}

pub fn kasbon_table(rows: &[q::KasbonRow]) -> Table {
    Table {
        columns: vec![
            col("coop_id", "Koperasi", "Coop"),
            col("coop_name", "Nama", "Name"),
            col("members_owing", "Anggota berutang", "Members owing"),
            col("outstanding", "Kasbon beredar", "Outstanding"),
            col("members_overdue", "Anggota menunggak", "Members overdue"),
            col("overdue", "Menunggak", "Overdue"),
            col("oldest_unpaid", "Belum lunas sejak", "Unpaid since"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.coop_id.clone()),
                    Cell::Text(r.coop_name.clone()),
                    Cell::Int(r.members_owing),
                    Cell::Money(r.outstanding),
                    Cell::Int(r.members_overdue),
                    Cell::Money(r.overdue),
                    Cell::When(r.oldest_unpaid.clone()),
                ]
            })
            .collect(),
    }
}

pub fn shu_table(rows: &[q::ShuRow]) -> Table {
    Table {
        columns: vec![
            col("coop_id", "Koperasi", "Coop"),
            col("coop_name", "Nama", "Name"),
            col("year", "Tahun", "Year"),
            col("members", "Anggota berbelanja", "Members buying"),
            col("sembako", "Belanja sembako", "Sembako purchases"),
            col("apotek", "Belanja apotek", "Apotek purchases"),
            col("shu_basis", "Dasar SHU", "SHU basis"),
        ],
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    Cell::Text(r.coop_id.clone()),
                    Cell::Text(r.coop_name.clone()),
                    Cell::Int(i64::from(r.year)),
                    Cell::Int(r.members),
                    Cell::Money(r.sembako),
                    Cell::Money(r.apotek),
                    Cell::Money(r.shu_basis),
                ]
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests;
