//! Users, suppliers and the coop's settings travel, against a real PostgreSQL (started like
//! `sync_pg`'s; `SKIP:` without one): a user made at the back office sells on a till with
//! its PIN after a sync, and a new PIN follows; a supplier made at a till lets the back
//! office receive from it; a coop setting and each till's own configuration converge, and
//! conflicting offline changes to one user and one setting end, on every node, with the
//! change the server ordered last; `kasir sync publish` brings a catalog, members, users
//! and settings that never travelled to a new node.

use crate::common;
use crate::sync_pg::{join, start_pg, till_shop, BERAS, INDOMIE};
use crate::sync_pull::{back_office, check_ok, pulled, sync};

use std::path::Path;

use common::{json, kasir, ok, refused};

/// A sale of one Indomie and one rice at `till`, rung by `user` with `pin`.
fn sale_as(db: &Path, till: &str, user: &str, pin: &str) -> std::process::Output {
    kasir(
        db,
        &[
            "sale",
            "--till",
            till,
            "--user",
            user,
            "--pin",
            pin,
            INDOMIE,
            BERAS,
            "cash:500000",
        ],
    )
}

fn setting(db: &Path, key: &str) -> String {
    ok(db, &["settings", "get", key]).trim().to_string()
}

fn role_of(db: &Path, username: &str) -> Option<String> {
    json(db, &["user", "list"])["users"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["username"] == username)
        .map(|u| u["role"].as_str().unwrap().to_string())
}

fn export(db: &Path, what: &str) -> String {
    let out = db.with_extension(format!("{what}.csv"));
    ok(db, &[what, "export", out.to_str().unwrap()]);
    std::fs::read_to_string(&out).unwrap()
}

#[test]
fn a_user_made_at_the_back_office_sells_on_a_till_with_its_pin_after_a_sync() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bo = back_office(dir.path());
    ok(&bo, &["server", "init", "--url", &pg.url()]);
    let a = till_shop(dir.path(), "sembako-1");
    join(&pg, &a, "sembako-1");
    join(&pg, &bo, "kantor");

    ok(
        &bo,
        &[
            "user",
            "add",
            "dewi",
            "Dewi Lestari",
            "--role",
            "kasir",
            "--new-pin",
            "2468",
        ],
    );
    assert!(!sale_as(&a, "sembako-1", "dewi", "2468").status.success());
    sync(&bo);
    let r = sync(&a);
    assert_eq!(pulled(&r).2, 0, "{r}");
    assert!(
        sale_as(&a, "sembako-1", "dewi", "2468").status.success(),
        "dewi sells on the till with her PIN"
    );
    refused(
        &a,
        &[
            "sale",
            "--till",
            "sembako-1",
            "--user",
            "dewi",
            "--pin",
            "1111",
            INDOMIE,
            "cash:5000",
        ],
    );

    // A new PIN at the back office: the old one stops working on the till.
    ok(&bo, &["user", "pin", "dewi", "--new-pin", "1357"]);
    sync(&bo);
    sync(&a);
    assert!(!sale_as(&a, "sembako-1", "dewi", "2468").status.success());
    assert!(sale_as(&a, "sembako-1", "dewi", "1357").status.success());
    // Taken off at the back office: she can no longer log in on the till.
    ok(&bo, &["user", "off", "dewi"]);
    sync(&bo);
    sync(&a);
    assert!(!sale_as(&a, "sembako-1", "dewi", "1357").status.success());
    assert_eq!(role_of(&a, "dewi"), None);
    for db in [&a, &bo] {
        sync(db);
        check_ok(db);
    }
}

#[test]
fn a_supplier_made_at_a_till_lets_the_back_office_receive_from_it() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    let bo = back_office(dir.path());
    ok(&bo, &["server", "init", "--url", &pg.url()]);
    let a = till_shop(dir.path(), "sembako-1");
    join(&pg, &a, "sembako-1");
    join(&pg, &bo, "kantor");

    ok(
        &a,
        &[
            "supplier",
            "add",
            "CV-BARU",
            "CV Baru Jaya",
            "--phone",
            "0251-111",
        ],
    );
    sync(&a);
    let r = sync(&bo);
    assert_eq!(pulled(&r).2, 0, "{r}");
    let goods = dir.path().join("goods.csv");
    std::fs::write(
        &goods,
        format!("code,qty,unit,cost,batch,expiry\n{INDOMIE},40,pcs,2800,,\n"),
    )
    .unwrap();
    ok(
        &bo,
        &[
            "receive",
            goods.to_str().unwrap(),
            "--supplier",
            "CV-BARU",
            "--pay",
            "credit",
        ],
    );
    sync(&bo);
    let r = sync(&a);
    assert_eq!(pulled(&r).2, 0, "{r}");
    for db in [&a, &bo] {
        let list = json(db, &["supplier", "list"]);
        let baru = list["suppliers"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["code"] == "CV-BARU")
            .unwrap_or_else(|| panic!("{}: {list}", db.display()))
            .clone();
        assert_eq!(baru["name"], "CV Baru Jaya", "{}", db.display());
        assert_eq!(baru["owed"], "112000", "{}: {baru}", db.display());
        check_ok(db);
    }
}

#[test]
fn coop_settings_and_till_configuration_converge_and_conflicts_end_with_the_servers_last() {
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

    // A coop setting at a till, a till's configuration and a device at the back office.
    ok(&a, &["settings", "set", "stock.expiry_warn_days", "45"]);
    ok(&bo, &["settings", "set", "till.sembako-2.unit", "apotek"]);
    ok(
        &bo,
        &[
            "settings",
            "set",
            "printer.uri",
            "file:/tmp/kantor-struk.bin",
        ],
    );
    ok(
        &bo,
        &[
            "user",
            "add",
            "dewi",
            "Dewi",
            "--role",
            "kasir",
            "--new-pin",
            "2468",
        ],
    );
    for _ in 0..2 {
        for db in nodes {
            let r = sync(db);
            assert_eq!(pulled(&r).2, 0, "{}: {r}", db.display());
        }
    }
    for db in nodes {
        assert_eq!(
            setting(db, "stock.expiry_warn_days"),
            "45",
            "{}",
            db.display()
        );
        assert_eq!(
            setting(db, "till.sembako-2.unit"),
            "apotek",
            "{}",
            db.display()
        );
        assert_eq!(role_of(db, "dewi").as_deref(), Some("kasir"));
    }
    assert_eq!(
        setting(&a, "printer.uri"),
        "sim",
        "a device stays on its machine"
    );

    // Offline, a till and the back office change one setting and one user each.
    ok(&a, &["settings", "set", "shop.name", "Koperasi Sembako"]);
    ok(&a, &["user", "role", "dewi", "gudang"]);
    ok(&bo, &["settings", "set", "shop.name", "Koperasi Kantor"]);
    ok(&bo, &["user", "role", "dewi", "bendahara"]);
    // sembako-1 pushes first, the back office second: the server orders the office's last.
    for _ in 0..2 {
        for db in nodes {
            let r = sync(db);
            assert_eq!(pulled(&r).2, 0, "{}: {r}", db.display());
        }
    }
    for db in nodes {
        assert_eq!(
            setting(db, "shop.name"),
            "Koperasi Kantor",
            "{}",
            db.display()
        );
        assert_eq!(
            role_of(db, "dewi").as_deref(),
            Some("bendahara"),
            "{}",
            db.display()
        );
        check_ok(db);
    }
    // Again: nothing to pull, nothing changes.
    for db in nodes {
        assert_eq!(pulled(&sync(db)), (0, 0, 0), "{}", db.display());
    }
}

#[test]
fn publish_brings_a_catalog_members_users_and_settings_that_never_travelled_to_a_new_node() {
    let Some(pg) = start_pg() else { return };
    let dir = tempfile::tempdir().unwrap();
    // The demo's data writes no event: it is all "from before".
    let bo = back_office(dir.path());
    ok(&bo, &["server", "init", "--url", &pg.url()]);
    let new = dir.path().join("baru.db");
    ok(&new, &["init"]);
    join(&pg, &bo, "kantor");
    join(&pg, &new, "baru");
    sync(&bo);
    sync(&new);
    assert_eq!(
        export(&new, "catalog").lines().count(),
        1,
        "only the header"
    );

    let p = json(&bo, &["sync", "publish"]);
    assert_eq!(p["till"], "kantor");
    assert!(p["products"].as_u64().unwrap() > 10, "{p}");
    sync(&bo);
    let r = sync(&new);
    assert_eq!(pulled(&r).2, 0, "{r}");
    assert_eq!(export(&new, "catalog"), export(&bo, "catalog"));
    assert_eq!(
        export(&new, "members").lines().count(),
        export(&bo, "members").lines().count()
    );
    assert_eq!(setting(&new, "shop.name"), setting(&bo, "shop.name"));
    assert_eq!(role_of(&new, "siti").as_deref(), Some("kasir"));
    // The demo's cashier logs in on the new node with her own PIN and opens a shift.
    ok(
        &new,
        &[
            "shift", "open", "--till", "baru", "--float", "100000", "--user", "siti", "--pin",
            "1111",
        ],
    );
    for db in [&bo, &new] {
        sync(db);
        check_ok(db);
    }
}
