//! The JSON documents of business exceptions: `kasir exceptions` and
//! `kasir exceptions resolve`.

use super::*;
use serde::Serialize;

/// `kasir exceptions [--all]`.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ExceptionsOut {
    pub exceptions: Vec<ExceptionOut>,
}

/// One exception, open or resolved.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ExceptionOut {
    pub id: i64,
    /// `oversell`, `kasbon_over_limit`, `rx_over_dispensed` or `late_event`.
    pub kind: String,
    /// SKU, SKU/batch number, member number, prescription key/SKU, or a late event's id.
    pub subject: String,
    pub sku: Option<String>,
    pub batch: Option<String>,
    pub member: Option<String>,
    /// On hand in the base unit (oversell), the kasbon balance (kasbon) or what the
    /// prescription has dispensed in the base unit (rx_over_dispensed) when found, as an
    /// exact decimal string.
    pub figure: Decimal,
    /// The tills and sales involved ("sembako-1: S-1; sembako-2: S-2").
    pub involved: String,
    /// Why, `{"id": "…", "en": "…"}`.
    pub reason: ProblemOut,
    pub detected_at: String,
    /// Null while open.
    pub resolved: Option<ExceptionResolvedOut>,
}

/// How an exception was resolved.
#[derive(Debug, Serialize)]
pub(in crate::cli) struct ExceptionResolvedOut {
    pub at: String,
    pub by: String,
    pub till: String,
    pub note: String,
    /// The stock adjustment in the base unit (oversell), or null.
    pub adjustment: Option<Decimal>,
}

impl From<&crate::service::exceptions::BusinessException> for ExceptionOut {
    fn from(x: &crate::service::exceptions::BusinessException) -> Self {
        ExceptionOut {
            id: x.id,
            kind: x.kind.as_str().to_string(),
            subject: x.subject.clone(),
            sku: x.sku.clone(),
            batch: x.batch.clone(),
            member: x.member.clone(),
            figure: x.figure.normalize(),
            involved: x.involved.clone(),
            reason: ProblemOut {
                id: x.reason.id.clone(),
                en: x.reason.en.clone(),
            },
            detected_at: x.detected_at.clone(),
            resolved: x.resolved.as_ref().map(|r| ExceptionResolvedOut {
                at: r.at.clone(),
                by: r.by.clone(),
                till: r.till.clone(),
                note: r.note.clone(),
                adjustment: r.adjustment.map(|a| a.normalize()),
            }),
        }
    }
}
