//! The real till in a real window: under Xvfb, xdotool logs in as the cashier, counts the
//! float, scans two barcodes at scanner speed (5 ms a key), pays cash, and the test then asks
//! the CLI for the day's sales. A return of one item against that receipt (F11, the item
//! scanned, a supervisor's PIN typed) is booked once and the form closes. Then a member's kasbon above the limit: a supervisor types
//! the PIN straight after the refusal, approving does not pay, the cashier's Enter does.
//! Needs `xvfb-run` and `xdotool` (and `import` for the screenshots); without them it prints
//! SKIP, and with KASIR_CI=1 it fails instead.

use crate::common;

use std::path::Path;
use std::process::Command;

fn script(bin: &str, db: &Path, shots: &Path) -> String {
    format!(
        r#"set -u
"{bin}" --db "{db}" --lang id &
TILL=$!
WID=$(timeout 90 xdotool search --sync --name "Kasir Koperasi" | head -1)
if [ -z "$WID" ]; then echo "no window"; kill $TILL; exit 3; fi
sleep 2
xdotool windowfocus --sync "$WID"
# Siti (kasir) is preselected: her PIN, then Enter.
xdotool type --delay 120 1111; xdotool key Return; sleep 2
# Float: two Rp100.000 notes.
xdotool type --delay 120 2; xdotool key Return; sleep 2
# A wedge scanner: 5 ms a key, then Enter.
xdotool type --delay 5 8991234567891; xdotool key --delay 5 Return; sleep 1
xdotool type --delay 5 '3*8991483002310'; xdotool key --delay 5 Return; sleep 1
import -window root "{shots}/selling.png" || echo "screenshot failed"
xdotool key F12; sleep 2
xdotool type --delay 120 100000; sleep 1
import -window root "{shots}/payment.png" || echo "screenshot failed"
xdotool key Return; sleep 2
# A second Enter must not pay twice.
xdotool key Return; sleep 1
import -window root "{shots}/paid.png" || echo "screenshot failed"
# The customer brings the noodles back: F11 fills in the receipt just paid, the scanner
# reads the item, the supervisor preselected (the pharmacist, Rina) types her PIN, Enter.
xdotool key F11; sleep 2
xdotool type --delay 5 8991234567891; xdotool key --delay 5 Return; sleep 1
xdotool type --delay 120 3333; sleep 1
import -window root "{shots}/return.png" || echo "screenshot failed"
xdotool key Return; sleep 2
"{bin}" --db "{db}" --json stock 8991234567891 > "{shots}/after-return.json"
# The form is gone: the same PIN and Enter again book nothing (they land in the scan field).
xdotool type --delay 120 3333; xdotool key Return; sleep 2
import -window root "{shots}/after-return.png" || echo "screenshot failed"
# Member A0002 (kasbon limit Rp250.000) takes a sack of rice on kasbon, above the limit.
xdotool key F3; sleep 1
xdotool type --delay 120 A0002; xdotool key Return; sleep 1
xdotool type --delay 5 8991993003654; xdotool key --delay 5 Return; sleep 1
xdotool key F12; sleep 2
# Tab past QRIS, its reference, transfer and its reference to Kasbon.
xdotool key --delay 150 Tab Tab Tab Tab Tab; sleep 1
xdotool type --delay 120 339500; xdotool key Return; sleep 2
# Refused: the supervisor preselected (the pharmacist, Rina) types her PIN at once.
xdotool type --delay 120 3333; sleep 1
import -window root "{shots}/payment-approval.png" || echo "screenshot failed"
xdotool key Return; sleep 2
"{bin}" --db "{db}" --json sales list > "{shots}/after-approval.json"
# Approving did not pay: the cashier's Enter does.
xdotool key Return; sleep 2
kill $TILL; wait $TILL 2>/dev/null
exit 0
"#,
        db = db.display(),
        shots = shots.display(),
    )
}

#[test]
fn a_cashier_sells_in_the_real_window_with_keyboard_and_scanner_speed() {
    if !(common::have_tool("xvfb-run") && common::have_tool("xdotool")) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shop.db");
    common::ok(&db, &["demo"]);
    let shots = std::env::var("KASIR_SCREENSHOTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| dir.path().to_path_buf());
    std::fs::create_dir_all(&shots).unwrap();
    let mie_before = common::on_hand(&db, "8991234567891");
    let out = Command::new("xvfb-run")
        .args(["-a", "-s", "-screen 0 1280x800x24", "bash", "-c"])
        .arg(script(common::bin(), &db, &shots))
        .env("KASIR_LOG", "info")
        .output()
        .expect("run xvfb-run");
    assert!(
        out.status.success(),
        "window run failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    // Every screenshot was taken and is a picture (README and docs show them).
    if common::have_tool("import") {
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(!stdout.contains("screenshot failed"), "{stdout}");
        for name in ["selling", "payment", "paid", "payment-approval"] {
            let png = std::fs::read(shots.join(format!("{name}.png")))
                .unwrap_or_else(|e| panic!("screenshot {name}.png: {e}"));
            assert!(
                png.starts_with(b"\x89PNG"),
                "{name}.png is not a PNG ({} bytes)",
                png.len()
            );
        }
    }
    let between: serde_json::Value = serde_json::from_slice(
        &std::fs::read(shots.join("after-approval.json")).expect("sales after the approval"),
    )
    .expect("sales json");
    assert_eq!(
        between["sales"].as_array().map(Vec::len),
        Some(1),
        "approving the kasbon must not pay: {between}"
    );
    // The return: booked once against the cash sale, the noodle back on the shelf.
    let after_return: serde_json::Value = serde_json::from_slice(
        &std::fs::read(shots.join("after-return.json")).expect("stock after the return"),
    )
    .expect("stock json");
    assert_eq!(
        after_return["stock"][0]["on_hand"].as_str(),
        Some(mie_before.as_str()),
        "one sold, one returned: {after_return}"
    );
    assert_eq!(common::on_hand(&db, "8991234567891"), mie_before);
    let conn = rusqlite::Connection::open(&db).unwrap();
    let returns: Vec<(String, i64)> = conn
        .prepare("SELECT r.number, l.qty FROM returns r JOIN return_lines l ON l.return_id = r.id")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(returns.len(), 1, "one return, booked once: {returns:?}");
    assert_eq!(returns[0].1, 1000, "one piece (in thousandths)");
    let sales = common::json(&db, &["sales", "list"]);
    let list = sales["sales"].as_array().expect("sales array");
    assert_eq!(list.len(), 2, "the cash sale and the kasbon sale: {sales}");
    let kasbon = &list[1];
    assert_eq!(kasbon["payable"].as_str(), Some("339500"), "{kasbon}");
    assert_eq!(kasbon["change"].as_str(), Some("0"), "{kasbon}");
    assert_eq!(kasbon["member_number"].as_str(), Some("A0002"), "{kasbon}");
    let sale = &list[0];
    // 1 × Indomie Rp3.500 + 3 × Gula Rp18.500 = Rp59.000, paid with Rp100.000.
    assert_eq!(sale["payable"].as_str(), Some("59000"), "{sale}");
    assert_eq!(sale["change"].as_str(), Some("41000"), "{sale}");
    assert_eq!(sale["till"].as_str(), Some("sembako-1"), "{sale}");
}
