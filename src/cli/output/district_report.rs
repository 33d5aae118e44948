//! `district report`'s JSON: `{"report", "from", "to", "late_days", "overdue_days",
//! "coops", "rows": [{key: value…}…], "late": [{"coop_id", "coop_name", "last_received",
//! "days_silent", "never_reported"}…]}`. Money and percentages are decimal strings, counts
//! numbers, a missing date null.

use serde_json::{json, Map, Value};

use crate::service::district_report::{Cell, DistrictReport, Table};

pub(in crate::cli) struct DistrictReportOut<'a>(&'a DistrictReport);

impl<'a> From<&'a DistrictReport> for DistrictReportOut<'a> {
    fn from(r: &'a DistrictReport) -> Self {
        DistrictReportOut(r)
    }
}

fn cell(c: &Cell) -> Value {
    match c {
        Cell::Text(s) => json!(s),
        Cell::When(w) => json!(w),
        Cell::Int(n) => json!(n),
        Cell::Money(d) | Cell::Percent(d) => json!(d.normalize().to_string()),
    }
}

fn rows(t: &Table) -> Vec<Value> {
    t.rows
        .iter()
        .map(|r| {
            let mut m = Map::new();
            for (c, v) in t.columns.iter().zip(r) {
                m.insert(c.key.to_string(), cell(v));
            }
            Value::Object(m)
        })
        .collect()
}

impl DistrictReportOut<'_> {
    pub(in crate::cli) fn json(&self) -> Value {
        let r = self.0;
        let p = &r.params;
        json!({
            "report": p.kind.name(),
            "from": p.from.to_string(),
            "to": p.to.to_string(),
            "late_days": p.late_days,
            "overdue_days": p.overdue_days,
            "coops": r.coops,
            "rows": rows(&r.table),
            "late": r.late.iter().map(|c| json!({
                "coop_id": c.coop_id,
                "coop_name": c.coop_name,
                "last_received": c.last_received,
                "days_silent": c.days_silent,
                "never_reported": c.last_received.is_none(),
            })).collect::<Vec<_>>(),
        })
    }
}
