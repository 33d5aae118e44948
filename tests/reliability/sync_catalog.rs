//! The catalog and the members travel, against a real PostgreSQL (started like `sync_pg`'s;
//! `SKIP:` without one): a product and a member the back office adds reach the tills, which
//! sell the product by its barcode and give the member kasbon; two nodes that change the
//! same price offline both end, like every other node, with the change the server ordered
//! last; a sync after that pulls and changes nothing.

use crate::common;
use crate::sync_pg::{join, start_pg, till_shop};
use crate::sync_pull::{back_office, check_ok, kasbon, pulled, sync};

use std::path::{Path, PathBuf};

use common::ok;

const HEADER: &str = "sku,name,business_unit,base_unit,tax_class,drug_class,batch_tracked,weighed,unit,factor,barcodes,price_umum,price_anggota,price_grosir,grosir_min_qty,cost,min_stock,nie,het,plu";
const KOPI_BARCODE: &str = "8990000000013";

/// A catalog file of one row.
fn catalog_file(dir: &Path, name: &str, row: &str) -> PathBuf {
    let f = dir.join(format!("{name}.csv"));
    std::fs::write(&f, format!("{HEADER}\n{row}\n")).unwrap();
    f
}

/// The whole catalog as `kasir catalog export` writes it.
fn catalog(db: &Path) -> String {
    let out = db.with_extension("catalog.csv");
    ok(db, &["catalog", "export", out.to_str().unwrap()]);
    std::fs::read_to_string(&out).unwrap()
}

/// The members as `kasir members export` writes them.
fn members(db: &Path) -> String {
    let out = db.with_extension("members.csv");
    ok(db, &["members", "export", out.to_str().unwrap()]);
    std::fs::read_to_string(&out).unwrap()
}

/// The umum price of Indomie Goreng (pcs) in this file.
fn indomie_price(db: &Path) -> String {
    catalog(db)
        .lines()
        .find(|l| l.starts_with("IDM-GRG,"))
        .expect("IDM-GRG exported")
        .split(',')
        .nth(11)
        .unwrap()
        .to_string()
}

fn indomie_row(price: u32) -> String {
    format!("IDM-GRG,Indomie Goreng 85 g,sembako,pcs,ppn,none,0,0,pcs,1,8991234567891,{price},3400,,,2785,80,,")
}

#[test]
fn a_new_product_and_member_from_the_back_office_sell_and_give_kasbon_on_a_till() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bo = back_office(dir.path());
    ok(&bo, &["server", "init", "--url", &pg.url()]);
    let a = till_shop(dir.path(), "sembako-1");
    join(&pg, &a, "sembako-1");
    join(&pg, &bo, "kantor");
    // The demo seed wrote no catalog or member event: nothing to pull but the shift.
    assert_eq!(pulled(&sync(&a)), (0, 0, 0));
    assert_eq!(pulled(&sync(&bo)), (1, 1, 0));

    let kopi = catalog_file(
        dir.path(),
        "kopi",
        &format!("TST-KOPI,Kopi Uji 200 g,sembako,pcs,ppn,none,0,0,pcs,1,{KOPI_BARCODE},15000,14000,,,10000,5,,,"),
    );
    ok(&bo, &["catalog", "import", kopi.to_str().unwrap()]);
    let m = dir.path().join("anggota.csv");
    std::fs::write(
        &m,
        "number,name,phone,nik,kasbon_limit\nZ0001,Anggota Uji,081200000001,,500000\n",
    )
    .unwrap();
    ok(&bo, &["members", "import", m.to_str().unwrap()]);
    // And receives a carton of it: the goods need the product on every node.
    let goods = dir.path().join("goods.csv");
    std::fs::write(
        &goods,
        format!("code,qty,unit,cost,batch,expiry\n{KOPI_BARCODE},24,pcs,10000,,\n"),
    )
    .unwrap();
    ok(&bo, &["receive", goods.to_str().unwrap()]);

    sync(&bo);
    let r = sync(&a);
    assert_eq!(pulled(&r).0, 3, "{r}");
    assert_eq!(pulled(&r).2, 0, "{r}");
    // The till knows both now: it sells the product by its barcode, on kasbon.
    ok(
        &a,
        &[
            "sale",
            "--till",
            "sembako-1",
            "--member",
            "Z0001",
            "--pay",
            "kasbon:14000",
            KOPI_BARCODE,
        ],
    );
    assert_eq!(kasbon(&a, "Z0001"), 1_400_000);
    sync(&a);
    sync(&bo);
    assert_eq!(kasbon(&bo, "Z0001"), 1_400_000);
    assert_eq!(catalog(&a), catalog(&bo));
    assert_eq!(members(&a), members(&bo));

    // Again: nothing to pull, nothing changes.
    let before = (catalog(&a), members(&a), catalog(&bo), members(&bo));
    for db in [&a, &bo] {
        assert_eq!(pulled(&sync(db)), (0, 0, 0), "{}", db.display());
        check_ok(db);
    }
    assert_eq!(
        before,
        (catalog(&a), members(&a), catalog(&bo), members(&bo))
    );
}

#[test]
fn two_nodes_changing_one_price_offline_end_with_the_change_the_server_ordered_last() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bo = back_office(dir.path());
    ok(&bo, &["server", "init", "--url", &pg.url()]);
    let a = till_shop(dir.path(), "sembako-1");
    let b = till_shop(dir.path(), "sembako-2");
    join(&pg, &a, "sembako-1");
    join(&pg, &b, "sembako-2");
    join(&pg, &bo, "kantor");
    let nodes = [&a, &bo, &b];
    for db in nodes {
        sync(db);
    }
    for db in nodes {
        sync(db);
    }
    assert_eq!(indomie_price(&a), "3500");

    // Offline, a till and the back office each change the price.
    let cheap = catalog_file(dir.path(), "cheap", &indomie_row(3600));
    let dear = catalog_file(dir.path(), "dear", &indomie_row(3700));
    ok(&a, &["catalog", "import", cheap.to_str().unwrap()]);
    ok(&bo, &["catalog", "import", dear.to_str().unwrap()]);

    // sembako-1 pushes first, the back office second: the server orders 3700 last.
    for _ in 0..2 {
        for db in nodes {
            let r = sync(db);
            assert_eq!(pulled(&r).2, 0, "{}: {r}", db.display());
        }
    }
    for db in nodes {
        assert_eq!(indomie_price(db), "3700", "{}", db.display());
        check_ok(db);
    }
    assert_eq!(catalog(&a), catalog(&bo));
    assert_eq!(catalog(&b), catalog(&bo));

    // Again: nothing to pull, nothing changes.
    let before: Vec<String> = nodes.iter().map(|db| catalog(db)).collect();
    for db in nodes {
        assert_eq!(pulled(&sync(db)), (0, 0, 0), "{}", db.display());
    }
    let after: Vec<String> = nodes.iter().map(|db| catalog(db)).collect();
    assert_eq!(before, after);
}
