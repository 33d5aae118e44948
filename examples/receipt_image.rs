//! An 80 mm receipt as it comes out of the printer, drawn from the real ESC/POS bytes: a demo
//! shop sells a basket through the print queue to a `file:` printer, the bytes are read back
//! with `kasir_receipts::decode_lines` (text, bold, double height, alignment) and drawn with
//! ImageMagick in the printer's font A geometry (12 × 24 dots, 48 columns on 576 dots).
//!
//! ```text
//! cargo run --example receipt_image -- docs/screenshots/receipt-80mm.png
//! ```
//!
//! Needs ImageMagick's `convert` and the DejaVu Sans Mono font (`imagemagick
//! fonts-dejavu-core` on Debian/Ubuntu).

use std::fmt::Write as _;
use std::sync::Arc;

use chrono::NaiveDate;
use kasir::domain::cart::{Cart, Tender, TenderKind};
use kasir::domain::user::Actor;
use kasir::service::{FixedClock, Shop};
use kasir::store::{OpenMode, Store};
use rust_decimal::Decimal;

/// Font A: 12 dots wide, 24 dots high; 80 mm paper prints 576 dots.
const CHAR_W: usize = 12;
const LINE_H: usize = 24;
const DOTS: usize = 576;
const MARGIN: usize = 24;
const FONT: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf";
const FONT_BOLD: &str = "/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "docs/screenshots/receipt-80mm.png".into());
    let dir = tempfile::tempdir()?;
    let printed = dir.path().join("struk.bin");
    let at = NaiveDate::from_ymd_opt(2026, 12, 1)
        .and_then(|d| d.and_hms_opt(10, 42, 0))
        .ok_or("bad date")?;
    let mut shop = Shop::new(
        Store::open(&dir.path().join("shop.db"), OpenMode::CreateNew)?,
        Arc::new(FixedClock::new(at)),
    );
    kasir::service::demo::build(&mut shop, &mut |_, _| {})?;
    let admin = Actor::back_office();
    let printer = format!("file:{}", printed.display());
    shop.set_setting(&admin, "printer.uri", &printer)?;
    shop.set_setting(&admin, "printer.paper", "80")?;
    let siti = shop.login("siti", "1111")?;
    shop.open_shift(
        &siti,
        "sembako-1",
        Decimal::from(200_000),
        &Default::default(),
    )?;
    let mut cart = Cart::default();
    for code in [
        "8991993003630",    // beras premium 5 kg
        "8992097000976",    // minyak goreng 2 L
        "8994226001182",    // pasta gigi … Berlubang 190 g
        "10*8991234567891", // indomie
    ] {
        shop.scan_into(&mut cart, code)?;
    }
    let total = cart.totals(shop.settings()?.tax()).total;
    let cash = ((total / Decimal::from(50_000)).floor() + Decimal::ONE) * Decimal::from(50_000);
    shop.checkout(
        &siti,
        "sembako-1",
        &cart,
        &[Tender {
            kind: TenderKind::Cash,
            amount: cash,
            reference: None,
        }],
    )?;
    shop.process_queue_once(
        "sembako-1",
        &printer,
        &mut kasir::service::print::open_printer,
    )?;
    let bytes = std::fs::read(&printed)?;
    let lines = kasir_receipts::decode_lines(&bytes);

    // One drawing per line, at its place, bold and double height as printed.
    let mut draws = Vec::new();
    let mut y = MARGIN;
    for line in &lines {
        let cols = line.text.chars().count();
        let x = MARGIN
            + match line.align {
                1 => (DOTS.saturating_sub(cols * CHAR_W)) / 2,
                2 => DOTS.saturating_sub(cols * CHAR_W),
                _ => 0,
            };
        let h = if line.tall { 2 * LINE_H } else { LINE_H };
        if !line.text.trim().is_empty() {
            let text = line.text.replace('\\', "\\\\").replace('\'', "\\'");
            let font = if line.bold { FONT_BOLD } else { FONT };
            let scale = if line.tall { 2 } else { 1 };
            let mut draw = String::new();
            write!(
                draw,
                "font '{font}' font-size 20 translate {x},{} scale 1,{scale} text 0,0 '{text}'",
                y + h - 6 * scale
            )?;
            draws.push(draw);
        }
        y += h;
    }
    let height = y + MARGIN;
    let mut convert = std::process::Command::new("convert");
    convert
        .arg("-size")
        .arg(format!("{}x{height}", DOTS + 2 * MARGIN))
        .arg("xc:#fbfaf5")
        .arg("-fill")
        .arg("#1a1a1a");
    for draw in &draws {
        convert.arg("-draw").arg(draw);
    }
    let status = convert.arg(&out).status()?;
    if !status.success() {
        return Err("ImageMagick convert failed".into());
    }
    eprintln!(
        "{} lines, {} bytes of ESC/POS -> {out}",
        lines.len(),
        bytes.len()
    );
    Ok(())
}
