//! The demo shop: a village coop with a sembako shop and an apotek, its catalog, stock,
//! members and one user per role.

use super::Shop;
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
            ("shop.name", name),
            ("tax.pkp", "false"),
            ("tax.ppn_percent", "11"),
            ("cash.rounding_step", "100"),
            ("ui.lang", "id"),
            ("printer.uri", "sim"),
            ("printer.paper", "58"),
        ] {
            settings::set(tx, k, v)?;
        }
        Ok(())
    })
}

/// Fill an empty shop with the demo data.
pub fn build(shop: &mut Shop, progress: &mut dyn FnMut(u64, u64)) -> Result<()> {
    let admin = Actor::back_office();
    init_settings(shop, "Koperasi Desa Merah Putih Sukamaju")?;
    shop.store.write(|tx| {
        for (k, v) in [
            ("shop.address", "Jl. Raya Sukamaju No. 12, Kab. Bogor"),
            (
                "receipt.footer",
                "Terima kasih - Koperasi milik kita bersama",
            ),
            ("till.sembako-1.unit", "sembako"),
            ("till.apotek-1.unit", "apotek"),
            ("till.apotek-1.pharmacy", "apotek"),
            ("till.cli.unit", "sembako"),
        ] {
            settings::set(tx, k, v)?;
        }
        Ok(())
    })?;
    for (username, name, role, pin) in DEMO_USERS {
        shop.add_user(&admin, username, name, *role, pin)?;
    }
    shop.import_catalog(&admin, CATALOG_CSV.as_bytes(), progress)?;
    shop.import_members(&admin, MEMBERS_CSV.as_bytes())?;
    for (code, name, phone) in DEMO_SUPPLIERS {
        shop.add_supplier(&admin, code, name, Some(phone), None)?;
    }
    let lines = super::stock::parse_receipt(STOCK_CSV.as_bytes())?;
    shop.receive(
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
