//! Property tests: URIs, scan lines and the keyboard-wedge detector.

use std::time::Duration;

use kasir_hardware::{
    classify, parse_scan_line, FlowControl, KeyEvent, PrinterUri, WedgeDetector, WedgeOutput,
    MAX_CODE_LEN, SUPPORTED_BAUDS,
};
use proptest::prelude::*;

fn uri_strategy() -> impl Strategy<Value = PrinterUri> {
    let path = "/[A-Za-z0-9_./-]{1,30}";
    let flow = prop_oneof![
        Just(FlowControl::None),
        Just(FlowControl::Hardware),
        Just(FlowControl::Software)
    ];
    prop_oneof![
        (path, proptest::sample::select(SUPPORTED_BAUDS), flow)
            .prop_map(|(path, baud, flow)| PrinterUri::Serial { path, baud, flow }),
        path.prop_map(|path| PrinterUri::Usb { path }),
        "[^\\x00-\\x1f\\x7f-\\u{9f}]{1,40}"
            .prop_map(|path| PrinterUri::File {
                path: path.trim().to_string()
            })
            .prop_filter(
                "non-empty path",
                |u| !matches!(u, PrinterUri::File { path } if path.is_empty())
            ),
        ("[a-z0-9][a-z0-9.-]{0,20}", 1u16..=65535)
            .prop_map(|(host, port)| PrinterUri::Tcp { host, port }),
        (any::<[u16; 8]>(), 1u16..=65535).prop_map(|(seg, port)| PrinterUri::Tcp {
            host: std::net::Ipv6Addr::from(seg).to_string(),
            port
        }),
        Just(PrinterUri::Sim),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn any_string_parses_or_errs_without_panic(s in any::<String>()) {
        match s.parse::<PrinterUri>() {
            Ok(u) => prop_assert_eq!(u.to_string().parse::<PrinterUri>(), Ok(u)),
            Err(e) => prop_assert!(!e.to_string().is_empty()),
        }
    }

    #[test]
    fn scheme_like_strings_never_panic(s in "(serial|usb|tcp|file|sim|SIM|Tcp)?:?[ -~]{0,40}") {
        if let Ok(u) = s.parse::<PrinterUri>() {
            prop_assert_eq!(u.to_string().parse::<PrinterUri>(), Ok(u));
        }
    }

    #[test]
    fn display_round_trips(u in uri_strategy()) {
        prop_assert_eq!(u.to_string().parse::<PrinterUri>(), Ok(u));
    }

    #[test]
    fn scan_lines_never_panic_and_accept_only_clean_codes(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(code) = parse_scan_line(&bytes) {
            prop_assert!(!code.is_empty() && code.len() <= MAX_CODE_LEN);
            prop_assert!(code.bytes().all(|b| b.is_ascii_alphanumeric() || b"-./".contains(&b)));
        }
    }

    #[test]
    fn valid_codes_are_accepted(code in "[A-Za-z0-9./-]{1,64}") {
        prop_assert_eq!(parse_scan_line(format!("{code}\r\n").as_bytes()), Ok(code));
    }

    /// Any sequence whose keys are all ≥ 80 ms apart is never a scan.
    #[test]
    fn slow_keys_are_never_a_scan(
        keys in proptest::collection::vec((0u8..3, any::<char>(), 80u64..2000), 0..60)
    ) {
        let mut t = 0;
        let events: Vec<KeyEvent> = keys.iter().map(|(kind, ch, gap)| {
            t += gap;
            let at = Duration::from_millis(t);
            match kind {
                0 => KeyEvent::enter(at),
                1 => KeyEvent::other(at),
                _ => KeyEvent::char(*ch, at),
            }
        }).collect();
        let outs = classify(&events);
        prop_assert!(!outs.iter().any(|o| matches!(o, WedgeOutput::Scan(_))), "{:?}", outs);
        // Every character comes out once, in order.
        let fed: String = events.iter().filter_map(|e| e.ch.filter(|c| !c.is_control())).collect();
        let out: String = outs.iter().map(|o| match o {
            WedgeOutput::Typed { text, .. } | WedgeOutput::Scan(text) => text.as_str(),
            WedgeOutput::Nothing => "",
        }).collect();
        prop_assert_eq!(fed, out);
    }

    /// ≥ min_len printable characters at ≤ 20 ms gaps plus Enter is exactly one scan of
    /// exactly those characters, whatever slow typing came before.
    #[test]
    fn fast_burst_with_enter_is_one_scan(
        code in "[ -~]{4,60}",
        gaps in proptest::collection::vec(0u64..=20, 61),
        prefix in "[a-z0-9 ]{0,5}",
        prefix_gap in 80u64..1000,
    ) {
        let mut t = 10_000;
        let mut events = Vec::new();
        for ch in prefix.chars() {
            t += prefix_gap;
            events.push(KeyEvent::char(ch, Duration::from_millis(t)));
        }
        t += prefix_gap;
        for (i, ch) in code.chars().enumerate() {
            if i > 0 { t += gaps[i]; }
            events.push(KeyEvent::char(ch, Duration::from_millis(t)));
        }
        t += gaps[60];
        events.push(KeyEvent::enter(Duration::from_millis(t)));
        let outs = classify(&events);
        let scans: Vec<WedgeOutput> = outs.iter().filter(|o| matches!(o, WedgeOutput::Scan(_))).cloned().collect();
        prop_assert_eq!(scans, vec![WedgeOutput::Scan(code.clone())]);
        prop_assert_eq!(outs.last(), Some(&WedgeOutput::Scan(code)));
    }

    /// Feeding events one by one (as the UI does, with ticks in between) agrees with the
    /// batch classification about scans.
    #[test]
    fn incremental_feed_matches_batch(
        keys in proptest::collection::vec((0u8..4, "[0-9a-z]", 0u64..120), 0..80)
    ) {
        let mut t = 0;
        let events: Vec<KeyEvent> = keys.iter().map(|(kind, ch, gap)| {
            t += gap;
            let at = Duration::from_millis(t);
            match kind {
                0 => KeyEvent::enter(at),
                1 => KeyEvent::other(at),
                _ => KeyEvent::char(ch.chars().next().unwrap_or('x'), at),
            }
        }).collect();
        let mut det = WedgeDetector::default();
        let mut scans = Vec::new();
        for ev in &events {
            // A tick at the event's own time never changes the decision.
            if let WedgeOutput::Scan(s) = det.tick(ev.at) { scans.push(s); }
            if let WedgeOutput::Scan(s) = det.feed(*ev) { scans.push(s); }
        }
        let batch: Vec<String> = classify(&events).into_iter().filter_map(|o| match o {
            WedgeOutput::Scan(s) => Some(s),
            _ => None,
        }).collect();
        prop_assert_eq!(scans, batch);
    }
}
