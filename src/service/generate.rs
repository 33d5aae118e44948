//! Large generated shops for benchmarks and trials: `kasir demo --products N --sales M`.
//!
//! Products get realistic names, units (pcs, bks, btl… and a pack unit such as dus or pak),
//! valid EAN-13 barcodes (prefix 8990, GS1 check digit), prices and opening stock; members;
//! and sales spread over days, one shift per day, closed with its cash counted. Sales are
//! priced and settled by the cart rules (`domain::cart`), and every line takes its stock out
//! through `store::stock::record` at moving-average cost, so the shop keeps the invariants
//! `kasir check` verifies and each day closes into balanced journals. Writes go in batches,
//! one transaction each, through cached prepared statements.

use chrono::{Duration, NaiveDate, NaiveTime};
use rust_decimal::Decimal;

use super::{day, new_uuid, stamp, Shop};
use crate::domain::barcode::gs1_check_digit;
use crate::domain::cart::{Cart, CartMember, ItemRef, Tender, TenderKind};
use crate::domain::catalog::{BusinessUnit, DrugClass, TaxClass, UnitPrices};
use crate::domain::stock::issue_cost;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::catalog::{ProductRecord, UnitRecord};
use crate::store::sales::{self as sq, NewLine, NewSale};
use crate::store::shift_close::{self, NewShiftClose};
use crate::store::shifts::{self, NewShift};
use crate::store::stock::{self, MoveKind, NewMove};
use crate::store::{bulk, members};

/// How big a shop to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GenerateOptions {
    /// Products to add (each with a base unit and a pack unit).
    pub products: usize,
    /// Sales to ring, spread over `days`.
    pub sales: usize,
    /// Business days the sales are spread over, ending yesterday.
    pub days: u32,
    /// Members to add (default: one per 50 products, 20 to 5,000).
    pub members: Option<usize>,
    /// Seed of the pseudo-random choices: the same seed builds the same shop.
    pub seed: u64,
}

impl GenerateOptions {
    pub fn new(products: usize, sales: usize) -> Self {
        GenerateOptions {
            products,
            sales,
            days: if sales == 0 { 1 } else { 365 },
            members: None,
            seed: 8990,
        }
    }
}

/// What was generated.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Generated {
    pub products: usize,
    pub barcodes: usize,
    pub members: usize,
    pub sales: usize,
    pub sale_lines: usize,
    pub days: u32,
    pub first_day: Option<String>,
    pub last_day: Option<String>,
}

/// The till generated sales are rung on.
pub const GENERATED_TILL: &str = "sembako-1";

/// Small deterministic generator (SplitMix64): no dependency, same shop for the same seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// (kind, base unit, pack unit, pack factor, sizes, lowest and highest base price in rupiah,
/// PPN?)
type Kind = (
    &'static str,
    &'static str,
    &'static str,
    u32,
    &'static [&'static str],
    u32,
    u32,
    bool,
);

const KINDS: &[Kind] = &[
    (
        "Mie Instan",
        "pcs",
        "dus",
        40,
        &["70 g", "75 g", "85 g", "90 g"],
        2500,
        4500,
        true,
    ),
    (
        "Mie Cup",
        "pcs",
        "dus",
        24,
        &["60 g", "75 g"],
        4500,
        7500,
        true,
    ),
    (
        "Beras",
        "krg",
        "krg",
        1,
        &["5 kg", "10 kg", "25 kg"],
        65000,
        340000,
        false,
    ),
    (
        "Gula Pasir",
        "bks",
        "bal",
        20,
        &["500 g", "1 kg"],
        9000,
        19000,
        false,
    ),
    (
        "Minyak Goreng",
        "btl",
        "dus",
        12,
        &["1 L", "2 L", "900 ml"],
        15000,
        38000,
        true,
    ),
    (
        "Minyak Goreng Pouch",
        "pcs",
        "dus",
        12,
        &["1 L", "2 L"],
        14000,
        36000,
        true,
    ),
    (
        "Tepung Terigu",
        "bks",
        "bal",
        20,
        &["500 g", "1 kg"],
        6000,
        14000,
        false,
    ),
    (
        "Kopi Bubuk",
        "sachet",
        "renteng",
        10,
        &["20 g", "25 g", "165 g"],
        1500,
        22000,
        true,
    ),
    (
        "Kopi Susu",
        "sachet",
        "renteng",
        10,
        &["25 g", "30 g"],
        1500,
        2500,
        true,
    ),
    (
        "Teh Celup",
        "kotak",
        "dus",
        24,
        &["25 x 2 g", "50 x 2 g"],
        5500,
        12000,
        true,
    ),
    (
        "Susu Kental Manis",
        "klg",
        "dus",
        48,
        &["370 g", "490 g"],
        11000,
        15000,
        true,
    ),
    (
        "Susu UHT",
        "kotak",
        "dus",
        36,
        &["125 ml", "200 ml", "1 L"],
        3000,
        19000,
        true,
    ),
    (
        "Sabun Mandi",
        "pcs",
        "dus",
        72,
        &["75 g", "110 g"],
        3000,
        6500,
        true,
    ),
    (
        "Sabun Cuci Piring",
        "pouch",
        "dus",
        24,
        &["400 ml", "780 ml"],
        6500,
        14000,
        true,
    ),
    (
        "Deterjen Bubuk",
        "bks",
        "dus",
        24,
        &["800 g", "1,8 kg"],
        18000,
        38000,
        true,
    ),
    (
        "Sampo",
        "sachet",
        "renteng",
        12,
        &["10 ml", "12 ml"],
        500,
        1000,
        true,
    ),
    (
        "Pasta Gigi",
        "pcs",
        "dus",
        48,
        &["75 g", "120 g", "190 g"],
        6000,
        17000,
        true,
    ),
    (
        "Kecap Manis",
        "btl",
        "dus",
        24,
        &["135 ml", "275 ml", "520 ml"],
        5000,
        24000,
        true,
    ),
    (
        "Saus Sambal",
        "btl",
        "dus",
        24,
        &["135 ml", "340 ml"],
        5000,
        15000,
        true,
    ),
    (
        "Garam Beryodium",
        "bks",
        "bal",
        50,
        &["250 g", "500 g"],
        2000,
        5000,
        false,
    ),
    (
        "Telur Ayam",
        "kg",
        "peti",
        15,
        &["10 butir"],
        27000,
        32000,
        false,
    ),
    (
        "Air Mineral",
        "btl",
        "dus",
        24,
        &["330 ml", "600 ml", "1,5 L"],
        2500,
        7000,
        true,
    ),
    (
        "Biskuit",
        "bks",
        "dus",
        24,
        &["100 g", "200 g"],
        3500,
        12000,
        true,
    ),
    (
        "Wafer",
        "pcs",
        "pak",
        20,
        &["21 g", "110 g"],
        1000,
        9000,
        true,
    ),
    (
        "Rokok Kretek",
        "bks",
        "slop",
        10,
        &["12 btg", "16 btg"],
        18000,
        32000,
        true,
    ),
    ("Korek Api", "pcs", "pak", 10, &["1 pcs"], 2000, 3000, true),
    (
        "Baterai",
        "pcs",
        "pak",
        12,
        &["AA", "AAA"],
        4000,
        9000,
        true,
    ),
    (
        "Popok Bayi",
        "pak",
        "bal",
        4,
        &["S 20", "M 18", "L 16"],
        35000,
        60000,
        true,
    ),
    (
        "Pembalut",
        "pak",
        "dus",
        24,
        &["8 pcs", "16 pcs"],
        7000,
        15000,
        true,
    ),
    (
        "Obat Nyamuk Bakar",
        "kotak",
        "dus",
        60,
        &["10 spiral"],
        4500,
        6000,
        true,
    ),
    (
        "Ikan Sarden",
        "klg",
        "dus",
        24,
        &["155 g", "425 g"],
        9000,
        24000,
        true,
    ),
    (
        "Bumbu Instan",
        "sachet",
        "renteng",
        12,
        &["30 g", "45 g"],
        2500,
        5000,
        true,
    ),
    (
        "Paracetamol 500 mg",
        "strip",
        "kotak",
        10,
        &["10 tablet"],
        3000,
        8000,
        false,
    ),
    (
        "Obat Batuk Sirup",
        "btl",
        "dus",
        12,
        &["60 ml", "100 ml"],
        12000,
        28000,
        false,
    ),
    (
        "Minyak Kayu Putih",
        "btl",
        "dus",
        12,
        &["30 ml", "60 ml", "120 ml"],
        12000,
        45000,
        false,
    ),
    (
        "Vitamin C 500 mg",
        "strip",
        "kotak",
        10,
        &["4 tablet", "10 tablet"],
        3000,
        15000,
        false,
    ),
];

const BRANDS: &[&str] = &[
    "Sukamaju",
    "Merah Putih",
    "Sari Tani",
    "Mitra Desa",
    "Bumi Pangan",
    "Nusantara",
    "Cap Jago",
    "Cap Kapal",
    "Rasa Kita",
    "Tiga Roda",
    "Pelangi",
    "Sinar Jaya",
    "Harapan",
    "Sejahtera",
    "Berkah",
    "Lestari",
    "Sumber Rejeki",
    "Kembang Desa",
    "Pusaka",
    "Gunung Mas",
    "Segar Alam",
    "Mutiara",
    "Cendana",
    "Rajawali",
    "Melati",
    "Anggrek",
    "Kenanga",
    "Teratai",
    "Garuda",
    "Maju Bersama",
    "Tunas",
    "Pandan Wangi",
    "Kelapa Gading",
    "Citra Rasa",
    "Bintang Timur",
    "Surya",
    "Padi Emas",
    "Kencana",
    "Cahaya",
    "Sentosa",
];

const VARIANTS: &[&str] = &[
    "",
    "",
    "",
    "Original",
    "Premium",
    "Spesial",
    "Ekonomis",
    "Rasa Ayam Bawang",
    "Rasa Soto",
    "Pedas",
    "Manis",
    "Asin",
    "Jeruk",
    "Melon",
    "Stroberi",
    "Cokelat",
    "Vanila",
    "Mocca",
    "Wangi Melati",
    "Lemon",
    "Extra",
    "Plus",
    "Hemat",
    "Keluarga",
];

const GIVEN: &[&str] = &[
    "Siti", "Budi", "Ahmad", "Dewi", "Sri", "Agus", "Wati", "Joko", "Rina", "Yusuf", "Nur",
    "Bambang", "Eko", "Lestari", "Hendra", "Ratna", "Dedi", "Fitri", "Iwan", "Yanti", "Asep",
    "Euis", "Ujang", "Neneng", "Cecep", "Imas", "Dadang", "Tuti", "Ruslan", "Aminah",
];

const FAMILY: &[&str] = &[
    "Rahmawati",
    "Santoso",
    "Hidayat",
    "Lestari",
    "Wulandari",
    "Saputra",
    "Setiawan",
    "Kurniawan",
    "Susanti",
    "Nugroho",
    "Permana",
    "Suryadi",
    "Hasanah",
    "Gunawan",
    "Maulana",
    "Rohman",
    "Sulastri",
    "Pratama",
    "Fauzi",
    "Kusuma",
];

/// An EAN-13 with the 8990 prefix for generated item `n`, check digit included.
pub fn generated_barcode(n: u64) -> String {
    let body = format!("8990{:08}", n % 100_000_000);
    let digits: Vec<u8> = body.bytes().map(|b| b - b'0').collect();
    format!("{body}{}", gs1_check_digit(&digits))
}

/// `count` barcodes of a generated shop's products, spread over the generated catalog
/// (every 7919th), for benchmarks and probes that scan across the whole catalog.
pub fn spread_barcodes(
    c: &rusqlite::Connection,
    count: usize,
) -> crate::error::Result<Vec<String>> {
    let demo: i64 = c.query_row(
        "SELECT count(*) FROM products WHERE sku NOT GLOB 'G[0-9]*'",
        [],
        |r| r.get(0),
    )?;
    let generated: i64 = c.query_row(
        "SELECT count(*) FROM products WHERE sku GLOB 'G[0-9]*'",
        [],
        |r| r.get(0),
    )?;
    let n = generated.max(1) as u64;
    Ok((0..count as u64)
        .map(|k| generated_barcode(2 * (demo as u64 + (k * 7919) % n)))
        .collect())
}

fn rupiah(x: u64) -> Decimal {
    Decimal::from(x)
}

/// Product `i` of a generated catalog.
fn product(i: usize, rng: &mut Rng) -> ProductRecord {
    let (kind, base, pack, factor, sizes, lo, hi, ppn) = *rng.pick(KINDS);
    let brand = rng.pick(BRANDS);
    let variant = rng.pick(VARIANTS);
    let size = rng.pick(sizes);
    let name = if variant.is_empty() {
        format!("{kind} {brand} {size}")
    } else {
        format!("{kind} {brand} {variant} {size}")
    };
    let apotek = kind.contains("mg") || kind.starts_with("Obat") || kind.contains("Kayu Putih");
    let price = u64::from(lo) + (rng.next() % u64::from(hi - lo + 1));
    let umum = (price / 500).max(1) * 500;
    let anggota = umum - (umum * 3 / 100) / 100 * 100;
    let cost = umum * 85 / 100;
    let mut units = vec![UnitRecord {
        unit: base.to_string(),
        factor: Decimal::ONE,
        prices: UnitPrices {
            umum: rupiah(umum),
            anggota: rupiah(anggota),
            grosir: None,
            grosir_min_qty: None,
        },
        barcodes: vec![generated_barcode(2 * i as u64)],
    }];
    if factor > 1 {
        let pack_price = (umum * u64::from(factor) * 95 / 100 / 500).max(1) * 500;
        units.push(UnitRecord {
            unit: pack.to_string(),
            factor: Decimal::from(factor),
            prices: UnitPrices {
                umum: rupiah(pack_price),
                anggota: rupiah(pack_price - pack_price / 100 / 100 * 100),
                grosir: None,
                grosir_min_qty: None,
            },
            barcodes: vec![generated_barcode(2 * i as u64 + 1)],
        });
    }
    ProductRecord {
        sku: format!("G{i:06}"),
        name,
        business_unit: if apotek {
            BusinessUnit::Apotek
        } else {
            BusinessUnit::Sembako
        },
        base_unit: base.to_string(),
        tax_class: if ppn { TaxClass::Ppn } else { TaxClass::Exempt },
        drug_class: if apotek {
            DrugClass::Bebas
        } else {
            DrugClass::None
        },
        batch_tracked: false,
        weighed: false,
        cost: rupiah(cost),
        min_stock: Decimal::from(5),
        nie: None,
        max_per_sale: None,
        plu: None,
        het: None,
        units,
    }
}

fn item_ref(p: &ProductRecord, product_id: i64, unit_ids: &[i64], k: usize) -> ItemRef {
    let u = &p.units[k];
    ItemRef {
        product_id,
        unit_id: unit_ids[k],
        sku: p.sku.clone(),
        name: p.name.clone(),
        unit: u.unit.clone(),
        factor: u.factor,
        prices: u.prices.clone(),
        tax_class: p.tax_class,
        business_unit: p.business_unit,
        drug_class: p.drug_class,
        weighed: false,
        batch_tracked: false,
        plu: None,
    }
}

const PRODUCT_BATCH: usize = 5_000;
const SALE_BATCH: usize = 5_000;

impl Shop {
    /// Add a generated catalog, members and sales to this shop (back office). Every write
    /// batch is one transaction; `progress(done, total)` counts products then sales.
    pub fn generate(
        &mut self,
        actor: &Actor,
        opts: &GenerateOptions,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<Generated> {
        super::auth::require(
            actor,
            Permission::ManageCatalog,
            crate::domain::user::Act::GenerateShop,
        )?;
        if opts.sales > 0 && opts.products == 0 {
            return Err(KasirError::invalid(
                "Penjualan contoh butuh produk (--products)",
                "Generated sales need products (--products)",
            ));
        }
        let mut rng = Rng(opts.seed);
        let total = (opts.products + opts.sales) as u64;
        let at = stamp(self.now());
        let first_n: usize =
            self.store
                .conn()
                .query_row("SELECT count(*) FROM products", [], |r| r.get::<_, i64>(0))?
                as usize;
        // Sembako items the generated till sells: (base unit, pack unit).
        let mut sellable: Vec<(ItemRef, Option<ItemRef>)> = Vec::new();
        let mut barcodes = 0;
        let mut start = 0;
        while start < opts.products {
            let end = (start + PRODUCT_BATCH).min(opts.products);
            let batch: Vec<ProductRecord> = (start..end)
                .map(|i| product(first_n + i, &mut rng))
                .collect();
            let opening: Vec<i64> = batch.iter().map(|_| 200 + rng.below(800) as i64).collect();
            let ids = self.store.write(|tx| {
                let mut ids = Vec::with_capacity(batch.len());
                for (p, qty) in batch.iter().zip(&opening) {
                    let (pid, units) = bulk::insert_product(tx, p, &new_uuid())?;
                    let qty = Decimal::from(*qty);
                    stock::record(
                        tx,
                        &NewMove {
                            product_id: pid,
                            batch_id: None,
                            kind: MoveKind::Receipt,
                            qty,
                            value: qty * p.cost,
                            at: &at,
                            user_id: actor.user_id,
                            ref_type: None,
                            ref_id: None,
                            note: Some("Stok awal (toko contoh)"),
                        },
                    )?;
                    ids.push((pid, units));
                }
                Ok(ids)
            })?;
            for (p, (pid, units)) in batch.iter().zip(&ids) {
                barcodes += p.units.iter().map(|u| u.barcodes.len()).sum::<usize>();
                if p.business_unit == BusinessUnit::Sembako {
                    let pack = (p.units.len() > 1).then(|| item_ref(p, *pid, units, 1));
                    sellable.push((item_ref(p, *pid, units, 0), pack));
                }
            }
            progress(end as u64, total);
            start = end;
        }
        let n_members = opts
            .members
            .unwrap_or((opts.products / 50).clamp(20, 5_000));
        let first_m: i64 =
            self.store
                .conn()
                .query_row("SELECT count(*) FROM members", [], |r| r.get(0))?;
        let people: Vec<(String, String, String)> = (0..n_members)
            .map(|k| {
                let n = first_m as usize + k + 1;
                (
                    format!("G{n:05}"),
                    format!("{} {}", rng.pick(GIVEN), rng.pick(FAMILY)),
                    format!("08{:010}", rng.next() % 10_000_000_000),
                )
            })
            .collect();
        self.store.write(|tx| {
            for (number, name, phone) in &people {
                members::upsert(
                    tx,
                    &new_uuid(),
                    number,
                    name,
                    Some(phone),
                    None,
                    Decimal::from(500_000),
                )?;
            }
            Ok(())
        })?;
        let cart_members: Vec<CartMember> = people
            .iter()
            .filter_map(|(n, _, _)| members::by_number(self.store.conn(), n).ok().flatten())
            .map(|m| m.cart_member())
            .collect();
        let mut out = Generated {
            products: opts.products,
            barcodes,
            members: cart_members.len(),
            sales: 0,
            sale_lines: 0,
            days: 0,
            first_day: None,
            last_day: None,
        };
        if opts.sales > 0 && !sellable.is_empty() {
            let days = opts.days.max(1);
            let last = self.now().date() - Duration::days(1);
            let first = last - Duration::days(i64::from(days) - 1);
            out.days = days;
            out.first_day = Some(day(first));
            out.last_day = Some(day(last));
            let mut done = 0usize;
            for d in 0..days {
                let date = first + Duration::days(i64::from(d));
                let n = opts.sales * (d as usize + 1) / days as usize
                    - opts.sales * d as usize / days as usize;
                let lines = self.generate_day(
                    actor,
                    date,
                    n,
                    &sellable,
                    &cart_members,
                    &mut rng,
                    &mut |k| progress((opts.products + done + k) as u64, total),
                )?;
                done += n;
                out.sales += n;
                out.sale_lines += lines;
            }
        }
        let detail = format!(
            "{} products, {} members, {} sales",
            out.products, out.members, out.sales
        );
        self.store.write(|tx| {
            crate::store::audit::append(
                tx,
                &crate::store::audit::AuditEntry {
                    at: &at,
                    user_id: actor.user_id,
                    actor: &actor.username,
                    action: "demo_generate",
                    detail: &detail,
                    approver: None,
                },
            )
        })?;
        progress(total, total);
        Ok(out)
    }

    /// One business day on the generated till: a shift, `n` sales, the shift closed with the
    /// cash counted as expected. Returns the number of sale lines.
    #[allow(clippy::too_many_arguments)]
    fn generate_day(
        &mut self,
        actor: &Actor,
        date: NaiveDate,
        n: usize,
        sellable: &[(ItemRef, Option<ItemRef>)],
        cart_members: &[CartMember],
        rng: &mut Rng,
        progress: &mut dyn FnMut(usize),
    ) -> Result<usize> {
        let settings = self.settings()?;
        let tax = settings.tax();
        let step = settings.rounding_step;
        let open_at = date.and_time(NaiveTime::from_hms_opt(7, 0, 0).unwrap_or_default());
        let close_at = date.and_time(NaiveTime::from_hms_opt(21, 0, 0).unwrap_or_default());
        let float = Decimal::from(200_000);
        let date_s = day(date);
        let yyyymmdd = date.format("%Y%m%d").to_string();
        let shift_id = self.store.write(|tx| {
            shifts::insert(
                tx,
                &NewShift {
                    uuid: &new_uuid(),
                    till: GENERATED_TILL,
                    business_unit: BusinessUnit::Sembako.as_str(),
                    user_id: actor.user_id,
                    cashier: &actor.name,
                    opened_at: &stamp(open_at),
                    opening_float: float,
                },
            )
        })?;
        let mut cash_in = Decimal::ZERO;
        let mut lines_total = 0;
        let mut k = 0;
        // Popular goods sell more: a third of the sales come from the first 2% of the list.
        let hot = (sellable.len() / 50).max(1);
        while k < n {
            let end = (k + SALE_BATCH).min(n);
            let mut carts = Vec::with_capacity(end - k);
            for _ in k..end {
                let mut cart = Cart::default();
                if rng.chance(30) && !cart_members.is_empty() {
                    cart.set_member(Some(rng.pick(cart_members).clone()));
                }
                let lines = 1 + rng.below(3) + rng.below(3);
                for _ in 0..lines {
                    let (base, pack) = if rng.chance(33) {
                        &sellable[rng.below(hot)]
                    } else {
                        rng.pick(sellable)
                    };
                    let (item, qty) = match pack {
                        Some(p) if rng.chance(4) => (p.clone(), 1),
                        _ => (base.clone(), 1 + rng.below(3) as i64),
                    };
                    cart.add(item, Decimal::from(qty))?;
                }
                let total = cart.totals(tax).total;
                let tender = if rng.chance(20) {
                    Tender {
                        kind: TenderKind::Qris,
                        amount: total,
                        reference: Some(format!("QR{:010}", rng.next() % 10_000_000_000)),
                    }
                } else {
                    let note = Decimal::from(if total > Decimal::from(50_000) {
                        50_000
                    } else {
                        10_000
                    });
                    Tender {
                        kind: TenderKind::Cash,
                        amount: (total / note).ceil() * note,
                        reference: None,
                    }
                };
                let settlement = cart.settle_with(&[tender], step, false)?;
                carts.push((cart, settlement));
            }
            let span = (close_at - open_at).num_seconds() - 60;
            let written = self.store.write(|tx| {
                let mut lines_n = 0;
                let mut cash = Decimal::ZERO;
                for (j, (cart, settlement)) in carts.iter().enumerate() {
                    let seq = k + j + 1;
                    let offset = span * seq as i64 / (n as i64 + 1);
                    let at = stamp(open_at + Duration::seconds(offset));
                    let totals = cart.totals(tax);
                    let sale_id = sq::insert(
                        tx,
                        &NewSale {
                            uuid: &new_uuid(),
                            number: &format!("{GENERATED_TILL}-{yyyymmdd}-{seq:04}"),
                            till: GENERATED_TILL,
                            shift_id: Some(shift_id),
                            business_unit: BusinessUnit::Sembako.as_str(),
                            business_date: &date_s,
                            created_at: &at,
                            user_id: actor.user_id,
                            cashier: &actor.name,
                            member_id: cart.member.as_ref().map(|m| m.id),
                            gross: totals.gross,
                            discount: totals.discount,
                            total: settlement.total,
                            rounding: settlement.rounding,
                            payable: settlement.payable,
                            ppn: totals.ppn,
                            change: settlement.change,
                        },
                    )?;
                    let shares = cart.ppn_shares(tax);
                    for (i, line) in cart.lines.iter().enumerate() {
                        let base = line.base_qty();
                        let pid = line.item.product_id;
                        let (on_hand, value, last_cost) = stock::position(tx, pid)?;
                        let cost = issue_cost(base, on_hand, value, last_cost);
                        stock::record(
                            tx,
                            &NewMove {
                                product_id: pid,
                                batch_id: None,
                                kind: MoveKind::Sale,
                                qty: -base,
                                value: -cost,
                                at: &at,
                                user_id: actor.user_id,
                                ref_type: Some("sale"),
                                ref_id: Some(sale_id),
                                note: None,
                            },
                        )?;
                        sq::insert_line(
                            tx,
                            sale_id,
                            &NewLine {
                                line_no: i as i64 + 1,
                                product_id: pid,
                                unit_id: line.item.unit_id,
                                name: &line.item.name,
                                unit: &line.item.unit,
                                qty: line.qty,
                                base_qty: base,
                                unit_price: line.unit_price,
                                tier: line.tier.as_str(),
                                discount: line.discount,
                                amount: line.amount(),
                                tax_class: line.item.tax_class.as_str(),
                                ppn: shares.lines()[i],
                                cost,
                                business_unit: line.item.business_unit.as_str(),
                            },
                        )?;
                        lines_n += 1;
                    }
                    for (k, t) in settlement.tenders.iter().enumerate() {
                        sq::insert_tender(
                            tx,
                            sale_id,
                            k as i64 + 1,
                            t.kind.as_str(),
                            t.amount,
                            t.reference.as_deref(),
                        )?;
                        if t.kind == TenderKind::Cash {
                            cash += t.amount;
                        }
                    }
                    cash -= settlement.change;
                }
                Ok((lines_n, cash))
            })?;
            lines_total += written.0;
            cash_in += written.1;
            progress(end);
            k = end;
        }
        let expected = float + cash_in;
        let report = format!("Shift {GENERATED_TILL} {date_s}: {n} penjualan (toko contoh)");
        self.store.write(|tx| {
            shift_close::insert_close(
                tx,
                &NewShiftClose {
                    shift_id,
                    business_date: &date_s,
                    closed_at: &stamp(close_at),
                    actor: &actor.username,
                    expected_cash: expected,
                    counted_cash: expected,
                    reason: None,
                    report: &report,
                },
            )
        })?;
        Ok(lines_total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::barcode::classify;

    #[test]
    fn generated_barcodes_are_valid_ean13_and_distinct() {
        let codes: Vec<String> = (0..2000).map(generated_barcode).collect();
        for c in &codes {
            assert_eq!(c.len(), 13);
            assert!(c.starts_with("8990"));
            assert!(classify(c).is_ok(), "{c} refused");
        }
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), codes.len());
    }
}
