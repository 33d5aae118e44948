//! Large generated shops for benchmarks and trials: `kasir demo --products N --sales M`.
//!
//! Products get realistic names, units (pcs, bks, btl… and a pack unit such as dus or pak),
//! valid EAN-13 barcodes (prefix 8990, GS1 check digit), prices and opening stock; members;
//! and sales spread over days, one shift per day, closed with its cash counted. Sales are
//! priced and settled by the cart rules (`domain::cart`), and every line takes its stock out
//! through `store::stock::record` at moving-average cost, so the shop keeps the invariants
//! `kasir check` verifies and each day closes into balanced journals. Writes go in batches,
//! one transaction each, through cached prepared statements.
//!
//! Files: `names` (the words: kinds of goods, brands, people), `products` (barcodes and
//! generated products), `sales` (a generated business day), this file (the whole run).

use chrono::Duration;
use rust_decimal::Decimal;

mod names;
mod products;
mod sales;

use names::{FAMILY, GIVEN};
pub use products::{generated_barcode, spread_barcodes};
use products::{item_ref, product};

use super::{day, new_uuid, stamp, Shop};
use crate::domain::cart::{CartMember, ItemRef};
use crate::domain::catalog::BusinessUnit;
use crate::domain::user::{Actor, Permission};
use crate::error::{KasirError, Result};
use crate::store::catalog::ProductRecord;
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
#[derive(Debug, Clone, PartialEq, Eq)]
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
pub(super) struct Rng(u64);

impl Rng {
    pub(super) fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub(super) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    pub(super) fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
    pub(super) fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const PRODUCT_BATCH: usize = 5_000;
pub(super) const SALE_BATCH: usize = 5_000;
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
        let first_n = bulk::product_count(self.store.conn())? as usize;
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
        let first_m = bulk::member_count(self.store.conn())?;
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
        self.store
            .write(|tx| crate::service::audit(tx, actor, &at, "demo_generate", &detail, None))?;
        progress(total, total);
        Ok(out)
    }
}
