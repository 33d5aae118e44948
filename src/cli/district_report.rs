//! `kasir district report sales|members|stock|kasbon|shu --url URL`: the district's
//! reports over every coop it supervises (`service::district_report`), as text, CSV or
//! one JSON document; every report lists the coops that are late.

use std::path::PathBuf;

use chrono::{Datelike, NaiveDate};
use clap::{Args, ValueEnum};

use super::output::{print_json, write_atomically, DistrictReportOut};
use crate::error::Result;
use crate::i18n::Lang;
use crate::service::district_report::{self as svc, ReportKind, ReportParams};

/// `kasir district report`: a report over every coop of the district, from its report
/// tables.
#[derive(Args, Debug)]
pub struct ReportArgs {
    /// sales (per coop, unit and day), members (members' share of sales), stock (value
    /// per unit), kasbon (outstanding and overdue), shu (SHU basis per coop and year).
    #[arg(value_enum)]
    pub report: Which,
    /// The district's address (the owner's, or a role granted kasir_district_reader).
    #[arg(long)]
    pub url: String,
    /// First business date (default: 29 days before --to; shu: 1 January of --to's year).
    #[arg(long)]
    pub from: Option<NaiveDate>,
    /// Last business date, and the day kasbon is counted as of (default: today).
    #[arg(long)]
    pub to: Option<NaiveDate>,
    /// text (default), csv or json (--json is the same as --format json).
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Also write the report as CSV to FILE (written whole or not at all).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// A coop with no event received for this many days is listed as late.
    #[arg(long, default_value_t = 3)]
    pub late_days: i64,
    /// Kasbon unpaid for more than this many days is overdue (repayments pay the
    /// oldest kasbon first).
    #[arg(long, default_value_t = 30)]
    pub overdue_days: i32,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Sales,
    Members,
    Stock,
    Kasbon,
    Shu,
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Csv,
    Json,
}

pub fn run_report(args: ReportArgs, lang: Lang, json: bool) -> Result<()> {
    let ReportArgs {
        report,
        url,
        from,
        to,
        format,
        out,
        late_days,
        overdue_days,
    } = args;
    {
        {
            let kind = match report {
                Which::Sales => ReportKind::Sales,
                Which::Members => ReportKind::Members,
                Which::Stock => ReportKind::Stock,
                Which::Kasbon => ReportKind::Kasbon,
                Which::Shu => ReportKind::Shu,
            };
            let to = to.unwrap_or_else(|| chrono::Local::now().date_naive());
            let from = from.unwrap_or_else(|| match kind {
                ReportKind::Shu => NaiveDate::from_ymd_opt(to.year(), 1, 1).unwrap_or(to),
                _ => to - chrono::Duration::days(29),
            });
            let p = ReportParams {
                kind,
                from,
                to,
                late_days,
                overdue_days,
            };
            let r = svc::report(&url, &p)?;
            if let Some(file) = &out {
                write_atomically(file, |w| r.write_csv(w))?;
            }
            match (json, format) {
                (true, _) | (_, Format::Json) => {
                    print_json(DistrictReportOut::from(&r).json());
                }
                (_, Format::Csv) => r.write_csv(std::io::stdout().lock())?,
                (_, Format::Text) => println!("{}", r.text(lang)),
            }
        }
    }
    Ok(())
}
