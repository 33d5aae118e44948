use rust_decimal_macros::dec;

use super::*;

fn params(kind: ReportKind) -> ReportParams {
    ReportParams {
        kind,
        from: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        to: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        late_days: 3,
        overdue_days: 30,
    }
}

fn seen(id: &str, last: Option<&str>, days: i64) -> CoopSeen {
    CoopSeen {
        coop_id: id.to_string(),
        coop_name: format!("KDMP {id}"),
        last_received: last.map(str::to_string),
        days_silent: days,
    }
}

fn sales_row(coop: &str, unit: &str, gross: Decimal, returns: Decimal) -> q::SalesRow {
    q::SalesRow {
        coop_id: coop.to_string(),
        coop_name: "=HYPERLINK(\"x\")".to_string(),
        day: "2026-11-02".to_string(),
        business_unit: unit.to_string(),
        sales: 3,
        returns_count: 1,
        gross,
        returns,
        net: gross - returns,
        members: gross - returns,
        non_members: Decimal::ZERO,
        cost: dec!(1250.5),
    }
}

#[test]
fn a_range_backwards_or_days_out_of_range_are_refused_in_both_languages() {
    let mut p = params(ReportKind::Sales);
    assert!(check(&p).is_ok());
    p.from = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let e = check(&p).unwrap_err();
    assert!(
        e.message(Lang::Id).contains("sesudah"),
        "{}",
        e.message(Lang::Id)
    );
    assert!(
        e.message(Lang::En).contains("after"),
        "{}",
        e.message(Lang::En)
    );
    let mut p = params(ReportKind::Sales);
    p.late_days = 0;
    assert!(check(&p)
        .unwrap_err()
        .message(Lang::En)
        .contains("--late-days"));
    let mut p = params(ReportKind::Kasbon);
    p.overdue_days = -1;
    assert!(check(&p)
        .unwrap_err()
        .message(Lang::En)
        .contains("--overdue-days"));
    let mut p = params(ReportKind::Sales);
    p.from = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap();
    assert!(check(&p).is_err(), "a range of decades is refused");
}

#[test]
fn late_coops_are_those_silent_for_the_days_given_and_those_never_heard_of() {
    let all = [
        seen("a", Some("2026-11-30 08:00:00"), 0),
        seen("b", Some("2026-11-27 08:00:00"), 3),
        seen("c", None, 0),
        seen("d", Some("2026-11-28 08:00:00"), 2),
    ];
    let ids = |v: Vec<LateCoop>| v.into_iter().map(|c| c.coop_id).collect::<Vec<_>>();
    assert_eq!(ids(late_coops(&all, 3)), ["b", "c"]);
    assert_eq!(ids(late_coops(&all, 2)), ["b", "c", "d"]);
    assert_eq!(
        ids(late_coops(&all, 30)),
        ["c"],
        "never reported is always late"
    );
}

#[test]
fn the_csv_has_plain_decimals_under_keys_and_the_late_coops_after_an_empty_line() {
    let r = DistrictReport {
        params: params(ReportKind::Sales),
        coops: 3,
        table: sales_table(&[sales_row("kdmp-a", "sembako", dec!(150000), dec!(2500.50))]),
        late: late_coops(&[seen("kdmp-c", None, 1)], 3),
    };
    let mut out = Vec::new();
    r.write_csv(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "coop_id,day,business_unit,sales,gross,returns,net,members,non_members,cost"
    );
    assert_eq!(
        lines[1],
        "kdmp-a,2026-11-02,sembako,3,150000,2500.5,147499.5,147499.5,0,1250.5"
    );
    assert_eq!(lines[2], "\"\"");
    assert_eq!(lines[3], "late_coops,coop_name,last_received,days_silent");
    assert_eq!(lines[4], "kdmp-c,KDMP kdmp-c,,1");
}

#[test]
fn a_coop_name_that_looks_like_a_formula_is_neutralised_in_the_csv() {
    let r = DistrictReport {
        params: params(ReportKind::Members),
        coops: 1,
        table: share_table(&[q::ShareRow {
            coop_id: "kdmp-a".to_string(),
            coop_name: "=cmd|' /C calc'!A0".to_string(),
            business_unit: None,
            members: dec!(1),
            non_members: dec!(1),
            net: dec!(2),
            member_share_percent: dec!(50.00),
        }]),
        late: vec![],
    };
    let mut out = Vec::new();
    r.write_csv(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    assert!(!text.contains(",=cmd"), "{text}");
    assert!(text.contains("kdmp-a,"), "{text}");
    assert!(text.contains(",*,1,1,2,50"), "{text}");
}

#[test]
fn the_text_has_headings_in_the_language_asked_rupiah_and_the_late_coops() {
    let r = DistrictReport {
        params: params(ReportKind::Sales),
        coops: 2,
        table: sales_table(&[sales_row("kdmp-a", "apotek", dec!(1250000), dec!(0))]),
        late: late_coops(&[seen("kdmp-b", Some("2026-11-20 10:00:00"), 10)], 3),
    };
    let id = r.text(Lang::Id);
    assert!(id.contains("Penjualan per koperasi"), "{id}");
    assert!(id.contains("Bersih") && id.contains("Rp1.250.000"), "{id}");
    assert!(
        id.contains("Koperasi terlambat") && id.contains("kdmp-b"),
        "{id}"
    );
    assert!(id.contains("2026-11-01 – 2026-11-30"), "{id}");
    let en = r.text(Lang::En);
    assert!(en.contains("Sales per coop") && en.contains("Net"), "{en}");
    assert!(
        en.contains("Late coops") && en.contains("Days silent"),
        "{en}"
    );
    let none = DistrictReport {
        late: vec![],
        table: sales_table(&[]),
        ..r
    };
    assert!(none.text(Lang::En).contains("(no figures)"));
    assert!(none
        .text(Lang::En)
        .contains("Late coops (no event for 3 days or more, or never): 0"));
}

#[test]
fn percent_and_money_read_as_people_write_them_and_plain_in_files() {
    assert_eq!(Cell::Money(dec!(12500)).text(), "Rp12.500");
    assert_eq!(Cell::Money(dec!(2500.50)).plain(), "2500.5");
    assert_eq!(Cell::Percent(dec!(66.70)).text(), "66.7%");
    assert_eq!(Cell::When(None).text(), "-");
    assert_eq!(Cell::When(None).plain(), "");
}
