//! The demo shop: a village coop with a sembako shop and an apotek, its catalog, stock,
//! members and one user per role.

use crate::service::settings::{Key, TillKey};
use rust_decimal::Decimal;

use super::Shop;
use crate::domain::catalog::BusinessUnit;
use crate::domain::ledger::{role, JournalLine};
use crate::domain::user::{Actor, Role};
use crate::error::Result;
use crate::store::settings;

/// Catalog of the demo shop (catalog import format).
pub const CATALOG_CSV: &str = include_str!("../demo/catalog.csv");
/// Opening stock (goods-received format).
pub const STOCK_CSV: &str = include_str!("../demo/stock.csv");
/// Members (members import format).
pub const MEMBERS_CSV: &str = include_str!("../demo/members.csv");

/// Demo users: (username, name, role, PIN). The README lists them.
pub const DEMO_USERS: &[(&str, &str, Role, &str)] = &[
    ("siti", "Siti Rahmawati", Role::Kasir, "1111"),
    ("budi", "Budi Santoso", Role::Gudang, "2222"),
    ("rina", "apt. Rina Wulandari", Role::Apoteker, "3333"),
    ("ahmad", "Ahmad Hidayat", Role::Bendahara, "4444"),
    ("admin", "Admin Koperasi", Role::Admin, "9999"),
];

/// The demo's label layout (setting `barcode.instore`); its weighed products have item
/// codes 101–108 (beras medium curah 101, beras premium 102, gula 103, telur 104, bawang
/// merah 105, bawang putih 106, cabai merah 107, cabai rawit 108).
pub const DEMO_LABEL_LAYOUT: &str = "20IIIIIWWWWW,21IIIIIPPPPP";

/// Demo suppliers: (code, name, phone).
pub const DEMO_SUPPLIERS: &[(&str, &str, &str)] = &[
    ("BULOG", "Perum Bulog Kanwil Jabar", "022-7271234"),
    ("SMBR", "CV Sumber Pangan Sukamaju", "0812-8800-1234"),
    (
        "KFTD",
        "PT Kimia Farma Trading & Distribution Bogor",
        "0251-8312345",
    ),
];

/// Default settings of a new shop (`init`) — the demo adds its name and tills.
pub fn init_settings(shop: &mut Shop, name: &str) -> Result<()> {
    shop.store.write(|tx| {
        for (k, v) in [
            (Key::ShopName.name(), name),
            (Key::TaxPkp.name(), "false"),
            (Key::TaxPpnPercent.name(), "11"),
            (Key::CashRoundingStep.name(), "100"),
            (Key::UiLang.name(), "id"),
            (Key::PrinterUri.name(), "sim"),
            (Key::PrinterPaper.name(), "58"),
        ] {
            settings::set(tx, k, v)?;
        }
        Ok(())
    })
}

/// Cash the demo coop starts with: (posting role, amount in rupiah) — the floats kept in
/// each unit's drawers and the office safe (Kas Besar).
pub const DEMO_CASH: &[(&str, i64)] = &[
    ("cash.sembako", 1_500_000),
    ("cash.apotek", 1_000_000),
    ("cash.safe", 25_000_000),
];

/// Fill an empty shop with the demo data and post its opening balances.
pub fn build(shop: &mut Shop, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
    fill(shop, progress)?;
    post_opening(shop)
}

/// The demo members' savings (simpanan pokok Rp100.000 each; simpanan wajib Rp10.000 a
/// month, 1 to 24 months paid), then the opening balances: the stock at cost per unit into
/// Persediaan (exactly `report stock`), the cash of [`DEMO_CASH`], the savings, and Modal /
/// Saldo Awal for the rest. A generated shop posts it after its goods and sales are made.
pub fn post_opening(shop: &mut Shop) -> Result<()> {
    let admin = Actor::back_office();
    let at = super::stamp(shop.now());
    let members = crate::store::members::all(shop.store.conn())?;
    let (mut pokok, mut wajib) = (Decimal::ZERO, Decimal::ZERO);
    shop.store.write(|tx| {
        for (i, m) in members.iter().enumerate() {
            let p = Decimal::from(100_000);
            let w = Decimal::from(10_000 * (1 + (i as i64 % 24)));
            crate::store::ledger::upsert_savings(tx, m.id, p, w, Decimal::ZERO, &at)?;
            pokok += p;
            wajib += w;
        }
        Ok(())
    })?;
    let mut lines: Vec<(String, Decimal)> = Vec::new(); // (role, debit − credit)
    for (unit, value) in crate::store::stock::value_per_unit(shop.store.conn())? {
        if let Some(u) = BusinessUnit::parse(&unit) {
            lines.push((role::inventory(u), value));
        }
    }
    for (r, amount) in DEMO_CASH {
        lines.push((r.to_string(), Decimal::from(*amount)));
    }
    lines.push(("savings.pokok".into(), -pokok));
    lines.push(("savings.wajib".into(), -wajib));
    let equity: Decimal = lines.iter().map(|(_, v)| *v).sum();
    lines.push((role::OPENING_EQUITY.into(), -equity));
    let mut journal = Vec::new();
    for (r, v) in lines {
        let code = crate::store::ledger::account_by_role(shop.store.conn(), &r)?
            .map(|a| a.code)
            .unwrap_or(r);
        journal.push(JournalLine {
            account: code,
            debit: v.max(Decimal::ZERO),
            credit: (-v).max(Decimal::ZERO),
            memo: "Saldo awal toko contoh".into(),
        });
    }
    shop.post_opening(&admin, journal)?;
    Ok(())
}

/// Fill an empty shop with the demo data (no opening balances yet).
pub fn fill(shop: &mut Shop, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
    let admin = Actor::back_office();
    init_settings(shop, "Koperasi Desa Merah Putih Sukamaju")?;
    shop.store.write(|tx| {
        for (k, v) in [
            (
                Key::ShopAddress.name(),
                "Jl. Raya Sukamaju No. 12, Kab. Bogor",
            ),
            (
                Key::ReceiptFooter.name(),
                "Terima kasih - Koperasi milik kita bersama",
            ),
            // Label-scale codes: 20 + item code + grams, 21 + item code + rupiah.
            (super::weighing::LAYOUT_KEY, DEMO_LABEL_LAYOUT),
            // A simulated counter scale (the till shows a control to put a weight on it).
            (super::weighing::SCALE_PORT_KEY, super::weighing::SIM_SCALE),
        ] {
            settings::set(tx, k, v)?;
        }
        for (till, key, v) in [
            ("sembako-1", TillKey::Unit, "sembako"),
            ("apotek-1", TillKey::Unit, "apotek"),
            ("apotek-1", TillKey::Pharmacy, "apotek"),
            ("cli", TillKey::Unit, "sembako"),
        ] {
            settings::set(tx, &key.of(till), v)?;
        }
        Ok(())
    })?;
    for (username, name, role, pin) in DEMO_USERS {
        shop.add_user_here(&admin, username, name, *role, pin)?;
    }
    // The same fixture on every node: its catalog and members write no event.
    shop.import_demo_catalog(&admin, CATALOG_CSV.as_bytes(), progress)?;
    shop.import_demo_members(&admin, MEMBERS_CSV.as_bytes())?;
    for (code, name, phone) in DEMO_SUPPLIERS {
        shop.add_demo_supplier(&admin, code, name, Some(phone))?;
    }
    let lines = super::stock::parse_receipt(STOCK_CSV.as_bytes())?;
    // The same fixture on every node: its opening stock writes no event.
    shop.receive_demo_stock(
        &admin,
        &lines,
        &super::stock::ReceiveOptions {
            note: Some("Stok awal".into()),
            // The demo shelf holds one expired batch, to practise writing it off.
            expired_reason: Some("stok awal demo: latihan penghapusan barang kedaluwarsa".into()),
            ..Default::default()
        },
    )?;
    Ok(())
}
