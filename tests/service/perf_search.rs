//! The fast product search (in-memory name list) returns exactly what the plain LIKE scan
//! returns, on a generated shop, before and after the catalog changes.

use std::sync::Arc;

use kasir::domain::user::Actor;
use kasir::service::generate::GenerateOptions;
use kasir::service::{Shop, SystemClock};
use kasir::store::catalog::search_scan;
use kasir::store::Store;

fn shop() -> Shop {
    let mut shop = Shop::new(Store::open_in_memory().unwrap(), Arc::new(SystemClock));
    kasir::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
    shop.generate(
        &Actor::back_office(),
        &GenerateOptions::new(3000, 0),
        &mut |_, _| {},
    )
    .unwrap();
    shop
}

const NEEDLES: &[&str] = &[
    "",
    "m",
    "Mi",
    "mie",
    "MIE INSTAN",
    "Minyak Goreng",
    "ayam bawang",
    "jag",
    "85 g",
    "G0012",
    "g00",
    "gula",
    "Indomie",
    "xqz",
    "%",
    "_",
    "mi%e",
    " 1 L",
    "Sukamaju",
    "sabun",
    "8991",
    "Paracetamol",
    "é",
];

fn same(shop: &Shop, needle: &str, limit: usize) {
    let plain = search_scan(shop.store.conn(), needle.trim(), limit).unwrap();
    let fast = shop.search_items(needle, limit).unwrap();
    let ids = |v: &[kasir::domain::cart::ItemRef]| v.iter().map(|i| i.unit_id).collect::<Vec<_>>();
    assert_eq!(ids(&fast), ids(&plain), "needle {needle:?} limit {limit}");
    assert_eq!(fast, plain, "needle {needle:?} limit {limit}");
}

#[test]
fn fast_search_gives_the_plain_search_answers() {
    let shop = shop();
    for needle in NEEDLES {
        for limit in [1, 7, 50, 100, 10_000] {
            same(&shop, needle, limit);
        }
    }
    // Something is found for the typical needles, so the comparison means something.
    assert_eq!(shop.search_items("Minyak Goreng", 50).unwrap().len(), 50);
    assert!(shop.search_items("xqz", 50).unwrap().is_empty());
}

#[test]
fn fast_search_sees_renamed_and_new_products_at_once() {
    let mut shop = shop();
    // Warm the list, then change the catalog: a rename, and a new product.
    shop.warm_search().unwrap();
    assert!(shop.search_items("Dodol Garut", 50).unwrap().is_empty());
    let head = "sku,name,business_unit,base_unit,tax_class,drug_class,batch_tracked,weighed,unit,factor,barcodes,price_umum,price_anggota,price_grosir,grosir_min_qty,cost,min_stock,nie,het\n";
    let csv = format!(
        "{head}G000100,Dodol Garut Sidoarjo 250 g,sembako,bks,exempt,none,0,0,bks,1,,15000,14500,,,12000,,,\n\
         KRP-1,Dodol Garut Cap Ikan 100 g,sembako,bks,exempt,none,0,0,bks,1,,8000,7800,,,6000,,,\n"
    );
    shop.import_catalog(&Actor::back_office(), csv.as_bytes(), &mut |_, _| {})
        .unwrap();
    let found = shop.search_items("dodol garut", 50).unwrap();
    let names: Vec<&str> = found.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(
        names,
        ["Dodol Garut Cap Ikan 100 g", "Dodol Garut Sidoarjo 250 g"]
    );
    for needle in NEEDLES.iter().chain(&["dodol", "G0001"]) {
        same(&shop, needle, 50);
    }
}
