//! Properties over many random documents: no text line wider than the paper, the printer gets
//! the same lines as the preview, and caller text never turns into printer commands.

mod common;

use chrono::{NaiveDate, NaiveDateTime};
use common::comparable_lines;
use kasir_receipts::*;
use proptest::prelude::*;
use rust_decimal::Decimal;

/// Caller text: plain words, long unbroken words, and arbitrary Unicode with control bytes.
fn caller_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[A-Za-z0-9 .,()/-]{0,60}",
        "[A-Za-z]{30,70}( [a-z]{1,8}){0,3}",
        any::<String>(),
        prop::collection::vec(
            prop_oneof![
                Just('\u{1B}'),
                Just('\u{1D}'),
                Just('\u{10}'),
                Just('@'),
                Just('V'),
                Just('-'),
                Just('é'),
                Just(' ')
            ],
            0..40
        )
        .prop_map(|v| v.into_iter().collect()),
    ]
}

/// Money from -10^13 to 10^13 rupiah with up to 3 decimals (also covers huge and fractional).
fn amount() -> impl Strategy<Value = Decimal> {
    prop_oneof![
        (0i64..2_000_000).prop_map(|n| Decimal::new(n * 100, 0)),
        (-10_000_000_000_000i64..10_000_000_000_000, 0u32..=3)
            .prop_map(|(n, s)| Decimal::new(n, s)),
    ]
}

fn quantity() -> impl Strategy<Value = Decimal> {
    (-1_000_000i64..10_000_000, 0u32..=3).prop_map(|(n, s)| Decimal::new(n, s))
}

fn datetime() -> impl Strategy<Value = NaiveDateTime> {
    (2000i32..2100, 1u32..=12, 1u32..=28, 0u32..24, 0u32..60).prop_map(|(y, m, d, h, min)| {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|date| date.and_hms_opt(h, min, 0))
            .unwrap_or_default()
    })
}

fn receipt_line() -> impl Strategy<Value = ReceiptLine> {
    (
        caller_text(),
        quantity(),
        caller_text(),
        amount(),
        amount(),
        amount(),
        any::<bool>(),
    )
        .prop_map(
            |(name, qty, unit, unit_price, discount, amount, taxable)| ReceiptLine {
                name,
                qty,
                unit,
                unit_price,
                discount,
                amount,
                taxable,
                weighed: false,
            },
        )
}

fn tender() -> impl Strategy<Value = ReceiptTender> {
    (
        caller_text(),
        amount(),
        prop::option::of(caller_text()),
        any::<bool>(),
    )
        .prop_map(|(label, amount, reference, cash)| ReceiptTender {
            label,
            amount,
            reference,
            cash,
        })
}

fn member() -> impl Strategy<Value = ReceiptMember> {
    (caller_text(), caller_text(), prop::option::of(amount())).prop_map(
        |(number, name, kasbon_remaining)| ReceiptMember {
            number,
            name,
            kasbon_remaining,
        },
    )
}

prop_compose! {
    fn receipt()(
        head in (caller_text(), caller_text(), caller_text(), prop::option::of(caller_text()), caller_text(), caller_text(), datetime(), caller_text()),
        lines in prop::collection::vec(receipt_line(), 0..12),
        sums in (amount(), amount(), prop::option::of(amount()), amount(), amount(), amount()),
        tenders in prop::collection::vec(tender(), 0..4),
        member in prop::option::of(member()),
        footer in prop::collection::vec(caller_text(), 0..3),
        copy in any::<bool>(),
        qr in prop::option::of("[ -~]{0,80}"),
        rx in prop::collection::vec((caller_text(), caller_text()), 0..3),
    ) -> Receipt {
        let (shop_name, unit_label, address, npwp, till, cashier, datetime, sale_no) = head;
        let (subtotal, discount_total, ppn, rounding, total, change) = sums;
        let dpp = ppn.map(|p| total - p);
        Receipt {
            shop_name, unit_label, address, npwp, till, cashier, datetime, sale_no, lines,
            subtotal, discount_total, ppn, dpp, rounding, total, tenders, change, member, footer, copy, qr,
            prescriptions: rx
                .into_iter()
                .map(|(number, apoteker)| ReceiptPrescription { number, apoteker })
                .collect(),
        }
    }
}

prop_compose! {
    fn shift_report()(
        z in any::<bool>(),
        names in (caller_text(), caller_text(), caller_text(), caller_text(), caller_text()),
        times in (datetime(), prop::option::of(datetime()), datetime()),
        sales_count in any::<u32>(),
        rows in prop::collection::vec((caller_text(), amount(), any::<bool>()), 0..12),
        notes in prop::collection::vec(caller_text(), 0..3),
    ) -> ShiftReport {
        let (shop_name, unit_label, till, cashier, shift_no) = names;
        ShiftReport {
            kind: if z { ShiftReportKind::Z } else { ShiftReportKind::X },
            shop_name, unit_label, till, cashier,
            opened: times.0, closed: times.1, printed: times.2,
            shift_no, sales_count,
            rows: rows.into_iter().map(|(label, amount, bold)| ReportRow { label, amount, bold }).collect(),
            notes,
        }
    }
}

prop_compose! {
    fn slip()(
        names in (caller_text(), caller_text(), caller_text(), caller_text(), caller_text()),
        datetime in datetime(),
        lines in prop::collection::vec(
            (caller_text(), quantity(), caller_text(), amount(), prop::option::of(caller_text()), prop::option::of(datetime()), amount()),
            0..10,
        ),
        total in amount(),
    ) -> ReceivingSlip {
        let (shop_name, unit_label, supplier, doc_no, user) = names;
        ReceivingSlip {
            shop_name, unit_label, supplier, doc_no, datetime, user,
            lines: lines.into_iter().map(|(name, qty, unit, cost, batch, expiry, amount)| SlipLine {
                name, qty, unit, cost, batch, expiry: expiry.map(|e| e.date()), amount,
            }).collect(),
            total,
        }
    }
}

fn paper() -> impl Strategy<Value = Paper> {
    prop_oneof![Just(Paper::Mm58), Just(Paper::Mm80)]
}

fn lang() -> impl Strategy<Value = Lang> {
    prop_oneof![Just(Lang::Id), Just(Lang::En)]
}

fn options() -> impl Strategy<Value = EscposOptions> {
    (any::<bool>(), any::<bool>()).prop_map(|(cut, drawer_kick)| EscposOptions { cut, drawer_kick })
}

/// The checks every document must pass.
fn check(
    text: &str,
    bytes: &[u8],
    paper: Paper,
    opts: &EscposOptions,
) -> Result<(), TestCaseError> {
    let width = paper.columns();
    for line in text.lines() {
        prop_assert!(
            line.len() <= width,
            "{} > {width} columns: {line:?}",
            line.len()
        );
        prop_assert!(
            line.bytes().all(|b| (0x20..=0x7E).contains(&b)),
            "non-ASCII: {line:?}"
        );
    }
    let decoded = decode_text(bytes);
    prop_assert_eq!(comparable_lines(&decoded), comparable_lines(text));
    prop_assert!(bytes.starts_with(raw::INIT));
    prop_assert_eq!(common::count(bytes, raw::INIT), 1, "a second ESC @");
    prop_assert!(!bytes.contains(&0xF0));
    prop_assert_eq!(
        common::count(bytes, raw::DRAWER_KICK),
        usize::from(opts.drawer_kick)
    );
    prop_assert_eq!(bytes.ends_with(raw::PARTIAL_CUT), opts.cut);
    prop_assert_eq!(common::count(bytes, &[0x1D, 0x56]), usize::from(opts.cut));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn receipts_fit_the_paper_and_print_as_previewed(r in receipt(), paper in paper(), lang in lang(), opts in options()) {
        let text = receipt_text(&r, paper, lang);
        let bytes = receipt_escpos(&r, paper, lang, &opts);
        check(&text, &bytes, paper, &opts)?;
    }

    #[test]
    fn shift_reports_fit_the_paper_and_print_as_previewed(r in shift_report(), paper in paper(), lang in lang(), opts in options()) {
        let text = shift_report_text(&r, paper, lang);
        let bytes = shift_report_escpos(&r, paper, lang, &opts);
        check(&text, &bytes, paper, &opts)?;
    }

    #[test]
    fn slips_fit_the_paper_and_print_as_previewed(s in slip(), paper in paper(), lang in lang(), opts in options()) {
        let text = slip_text(&s, paper, lang);
        let bytes = slip_escpos(&s, paper, lang, &opts);
        check(&text, &bytes, paper, &opts)?;
    }

    #[test]
    fn rupiah_round_trips_through_indonesian_notation(n in -10_000_000_000_000i64..10_000_000_000_000, scale in 0u32..=2) {
        let amount = Decimal::new(n, scale);
        let s = rupiah(amount);
        let digits: String = s.trim_start_matches('-').trim_start_matches("Rp").replace('.', "").replace(',', ".");
        let parsed: Decimal = digits.parse().map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
        let sign = if s.starts_with('-') { -Decimal::ONE } else { Decimal::ONE };
        prop_assert_eq!(parsed * sign, amount);
        prop_assert!(s.starts_with("Rp") || s.starts_with("-Rp"));
    }

    #[test]
    fn qty_round_trips(n in -10_000_000i64..10_000_000, scale in 0u32..=3) {
        let q = Decimal::new(n, scale);
        let s = qty(q);
        let parsed: Decimal = s.replace('.', "").replace(',', ".").parse().map_err(|e| TestCaseError::fail(format!("{s}: {e}")))?;
        prop_assert_eq!(parsed, q);
        prop_assert!(!s.contains(',') || !s.ends_with('0'), "trailing zero in {}", s);
    }
}
