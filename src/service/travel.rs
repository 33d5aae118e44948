//! Users, suppliers and the coop's settings between nodes, like the catalog and the members
//! (`catalog_sync`): each use case that changes one writes the full resulting state of what
//! it touched as an event in its own transaction (`users.v1`, `suppliers.v1`,
//! `settings.v1`), and every node applies these in the server's order, its own included.
//! Per username, supplier code and setting key a node keeps the change_seq of the last
//! change it applied (`sync_versions`) and skips an older one; its own change not yet
//! acknowledged by the server stays as it made it.
//!
//! A user travels with what login needs: name, role, active, and the PIN's argon2 hash
//! (salt included), never the PIN. The wrong-PIN count and a lockout stay on the node.
//! Settings travel when [`super::settings::travels`] says they hold for the whole coop;
//! each till's own configuration (`till.<TILL>.unit`, `till.<TILL>.pharmacy`) is such a
//! setting, kept on every node and read by the till it names.
//!
//! `kasir sync publish` ([`Shop::publish`]) writes the current state of every product,
//! member, user, supplier and travelling setting of this file as events: for a file whose
//! data predates travelling or was imported before it joined. The server orders them after
//! everything it holds, so on every node they win over earlier changes.

use serde::Deserialize;
use serde_json::json;

use super::Shop;
use crate::domain::user::{Actor, Permission, Role};
use crate::error::{KasirError, Result};
use crate::store::pull as q;
use crate::store::stock::{self, SupplierRecord};
use crate::store::users::{self, UserRecord};
use crate::store::{outbox, settings};

use rusqlite::Connection;

/// Users, suppliers or settings per event.
const PER_EVENT: usize = 200;

/// Write `kind` events (in the caller's transaction), [`PER_EVENT`] of `keys` each,
/// carrying under `field` the state `state` finds for each key now (none: left out);
/// nothing is written for a chunk with nothing to carry.
fn state_events<K>(
    c: &Connection,
    (till, at): (&str, &str),
    (kind, field): (&str, &str),
    keys: &[K],
    mut state: impl FnMut(&K) -> Result<Option<serde_json::Value>>,
) -> Result<()> {
    for chunk in keys.chunks(PER_EVENT) {
        let mut list = Vec::with_capacity(chunk.len());
        for key in chunk {
            if let Some(v) = state(key)? {
                list.push(v);
            }
        }
        if list.is_empty() {
            continue;
        }
        outbox::append_event(c, till, kind, 1, &json!({ field: list }), at)?;
    }
    Ok(())
}

/// Write [`super::sync::USERS_KIND`] events (in the caller's transaction) carrying each
/// user of `usernames` as it now stands.
pub(super) fn user_events(
    c: &Connection,
    till: &str,
    at: &str,
    usernames: &[String],
) -> Result<()> {
    state_events(
        c,
        (till, at),
        (super::sync::USERS_KIND, "users"),
        usernames,
        |name| {
            Ok(users::record(c, name)?.map(|u| {
                json!({
                    "username": u.username,
                    "name": u.name,
                    "role": u.role.as_str(),
                    "pin_hash": u.pin_hash,
                    "active": u.active,
                })
            }))
        },
    )
}

/// Write [`super::sync::SUPPLIERS_KIND`] events (in the caller's transaction) carrying each
/// supplier of `codes` as it now stands.
pub(super) fn supplier_events(
    c: &Connection,
    till: &str,
    at: &str,
    codes: &[String],
) -> Result<()> {
    state_events(
        c,
        (till, at),
        (super::sync::SUPPLIERS_KIND, "suppliers"),
        codes,
        |code| {
            Ok(stock::supplier_record(c, code)?.map(|s| {
                json!({
                    "uuid": s.uuid,
                    "code": s.code,
                    "name": s.name,
                    "phone": s.phone,
                    "address": s.address,
                    "active": s.active,
                })
            }))
        },
    )
}

/// Write [`super::sync::SETTINGS_KIND`] events (in the caller's transaction) carrying each
/// setting of `keys` that travels, as it is now stored here. Keys of this machine only are
/// left out; nothing is written when none is left.
pub(super) fn setting_events(c: &Connection, till: &str, at: &str, keys: &[String]) -> Result<()> {
    let travelling: Vec<&String> = keys
        .iter()
        .filter(|k| super::settings::travels(k))
        .collect();
    state_events(
        c,
        (till, at),
        (super::sync::SETTINGS_KIND, "settings"),
        &travelling,
        |key| Ok(settings::get(c, key)?.map(|value| json!({ "key": key, "value": value }))),
    )
}

#[derive(Deserialize)]
struct UserEv {
    username: String,
    name: String,
    role: String,
    pin_hash: String,
    active: bool,
}

#[derive(Deserialize)]
pub(super) struct UsersEv {
    users: Vec<UserEv>,
}

#[derive(Deserialize)]
struct SupplierEv {
    uuid: Option<String>,
    code: String,
    name: String,
    phone: Option<String>,
    address: Option<String>,
    active: bool,
}

#[derive(Deserialize)]
pub(super) struct SuppliersEv {
    suppliers: Vec<SupplierEv>,
}

#[derive(Deserialize)]
struct SettingEv {
    key: String,
    value: String,
}

#[derive(Deserialize)]
pub(super) struct SettingsEv {
    settings: Vec<SettingEv>,
}

/// Apply a users event at `change_seq`: each user newer than the last change applied to its
/// username here, and not changed here since, is written as the event states.
pub(super) fn apply_users(c: &Connection, change_seq: i64, ev: &UsersEv) -> Result<()> {
    let mine = super::catalog_sync::unacked_keys(c, super::sync::USERS_KIND, "users", "username")?;
    for u in &ev.users {
        if mine.contains(&u.username) || q::version(c, "user", &u.username)? >= change_seq {
            continue;
        }
        let role = Role::parse(&u.role).ok_or_else(|| {
            KasirError::invalid(
                format!("Kejadian pengguna: peran {} tidak dikenal", u.role),
                format!("Users event: role {} is unknown", u.role),
            )
        })?;
        users::upsert(
            c,
            &UserRecord {
                username: u.username.clone(),
                name: u.name.clone(),
                role,
                pin_hash: u.pin_hash.clone(),
                active: u.active,
            },
        )?;
        q::set_version(c, "user", &u.username, change_seq)?;
    }
    Ok(())
}

/// Apply a suppliers event at `change_seq`, as [`apply_users`] does users (by code).
pub(super) fn apply_suppliers(c: &Connection, change_seq: i64, ev: &SuppliersEv) -> Result<()> {
    let mine =
        super::catalog_sync::unacked_keys(c, super::sync::SUPPLIERS_KIND, "suppliers", "code")?;
    for s in &ev.suppliers {
        let key = s.code.to_lowercase();
        if mine.iter().any(|m| m.eq_ignore_ascii_case(&s.code))
            || q::version(c, "supplier", &key)? >= change_seq
        {
            continue;
        }
        stock::upsert_supplier(
            c,
            &SupplierRecord {
                uuid: s.uuid.clone().unwrap_or_else(super::new_uuid),
                code: s.code.clone(),
                name: s.name.clone(),
                phone: s.phone.clone(),
                address: s.address.clone(),
                active: s.active,
            },
        )?;
        q::set_version(c, "supplier", &key, change_seq)?;
    }
    Ok(())
}

/// Apply a settings event at `change_seq`, as [`apply_users`] does users (by key). A value
/// this program's registry refuses makes the event wait as an exception; a key of this
/// machine only is never taken from another node.
pub(super) fn apply_settings(c: &Connection, change_seq: i64, ev: &SettingsEv) -> Result<()> {
    let mine = super::catalog_sync::unacked_keys(c, super::sync::SETTINGS_KIND, "settings", "key")?;
    for s in &ev.settings {
        if !super::settings::travels(&s.key)
            || mine.contains(&s.key)
            || q::version(c, "setting", &s.key)? >= change_seq
        {
            continue;
        }
        let value = super::settings::validate(&s.key, &s.value)?;
        settings::set(c, &s.key, &value)?;
        q::set_version(c, "setting", &s.key, change_seq)?;
    }
    Ok(())
}

/// What [`Shop::publish`] wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Published {
    /// The till id the events went under.
    pub till: String,
    pub products: usize,
    pub members: usize,
    pub users: usize,
    pub suppliers: usize,
    pub settings: usize,
}

impl Shop {
    /// Write the current state of every product, member, user, supplier and travelling
    /// setting of this file as events (admin only), in one transaction: for a file whose
    /// data predates travelling, or was imported before it joined. The server orders them
    /// after everything it holds, so on every node they win over earlier changes.
    pub fn publish(&mut self, actor: &Actor) -> Result<Published> {
        super::auth::require(
            actor,
            Permission::ManageUsers,
            crate::domain::user::Act::PublishSync,
        )?;
        let till = self.event_till()?;
        let at = super::stamp(self.now());
        self.store.write(|tx| {
            let skus = crate::store::catalog::skus(tx)?;
            let numbers = crate::store::members::numbers(tx)?;
            let names = users::usernames(tx)?;
            let codes = stock::supplier_codes(tx)?;
            let keys: Vec<String> = settings::all(tx)?
                .into_iter()
                .map(|(k, _)| k)
                .filter(|k| super::settings::travels(k))
                .collect();
            super::catalog_sync::catalog_events(tx, &till, &at, &skus)?;
            super::catalog_sync::member_events(tx, &till, &at, &numbers)?;
            user_events(tx, &till, &at, &names)?;
            supplier_events(tx, &till, &at, &codes)?;
            setting_events(tx, &till, &at, &keys)?;
            super::audit(
                tx,
                actor,
                &at,
                "sync_publish",
                &format!(
                    "{} products, {} members, {} users, {} suppliers, {} settings",
                    skus.len(),
                    numbers.len(),
                    names.len(),
                    codes.len(),
                    keys.len()
                ),
                None,
            )?;
            Ok(Published {
                till: till.clone(),
                products: skus.len(),
                members: numbers.len(),
                users: names.len(),
                suppliers: codes.len(),
                settings: keys.len(),
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use chrono::NaiveDateTime;

    use super::*;
    use crate::service::auth::UserChange;
    use crate::service::settings::{Key, TillKey};
    use crate::service::stock::{parse_receipt, Payment, ReceiveOptions};
    use crate::service::FixedClock;
    use crate::store::outbox::Pulled;
    use crate::store::Store;
    use crate::sync::{ordered_kind, Feed};

    const CATALOG: &str = "sku,name,business_unit,base_unit,tax_class,drug_class,batch_tracked,weighed,unit,factor,barcodes,price_umum,price_anggota,price_grosir,grosir_min_qty,cost,min_stock,nie,het,plu\nKOPI,Kopi 200 g,sembako,pcs,ppn,none,0,0,pcs,1,8990000000013,15000,14000,,,10000,5,,,\n";

    fn now() -> NaiveDateTime {
        NaiveDateTime::parse_from_str("2026-12-02 10:00:00", "%Y-%m-%d %H:%M:%S").unwrap()
    }

    fn back() -> Actor {
        Actor::back_office()
    }

    /// The coop's server: every event pushed, in the order it came (change_seq = place + 1).
    #[derive(Default, Clone)]
    struct Coop(Vec<Pulled>);

    impl Feed for Coop {
        fn pull(&mut self, till: &str, after: i64, limit: i64) -> Result<Vec<Pulled>> {
            Ok(self
                .0
                .iter()
                .filter(|p| {
                    p.change_seq > after && (p.event.till != till || ordered_kind(&p.event.kind))
                })
                .take(limit as usize)
                .cloned()
                .collect())
        }
    }

    impl Coop {
        /// Take every event `till` has not had acknowledged.
        fn push(&mut self, shop: &Shop, till: &str) {
            let events = outbox::pending(shop.store.conn(), till, 100_000).unwrap();
            let Some(last) = events.last().map(|e| e.seq) else {
                return;
            };
            for event in events {
                let change_seq = self.0.len() as i64 + 1;
                self.0.push(Pulled { change_seq, event });
            }
            shop.store
                .write(|tx| outbox::ack_through(tx, till, last))
                .unwrap();
        }

        /// Pull and apply everything new at `shop` (till `till`), as `kasir sync` does.
        fn deliver(&self, shop: &Shop, till: &str) -> crate::sync::PullReport {
            let mut node = super::super::pull::StoreNode {
                store: &shop.store,
                now: now(),
            };
            crate::sync::pull_all(&mut node, &mut self.clone(), till, 3).unwrap()
        }

        fn sync(&mut self, shop: &Shop, till: &str) -> crate::sync::PullReport {
            self.push(shop, till);
            self.deliver(shop, till)
        }
    }

    /// A node whose events go under `till`, with one product (no event: like the demo).
    fn node(till: &str) -> Shop {
        let mut shop = Shop::new(
            Store::open_in_memory().unwrap(),
            Arc::new(FixedClock::new(now())),
        );
        crate::service::demo::init_settings(&mut shop, "Koperasi Uji").unwrap();
        shop.set_setting(&back(), Key::TillDefault.name(), till)
            .unwrap();
        shop.import_demo_catalog(&back(), CATALOG.as_bytes(), &mut |_, _| {})
            .unwrap();
        assert_eq!(
            outbox::pending(shop.store.conn(), till, 100).unwrap(),
            vec![],
            "a new node writes no event"
        );
        shop
    }

    fn kinds(shop: &Shop, till: &str) -> Vec<String> {
        outbox::pending(shop.store.conn(), till, 100)
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect()
    }

    fn role(shop: &Shop, username: &str) -> Role {
        users::record(shop.store.conn(), username)
            .unwrap()
            .unwrap()
            .role
    }

    #[test]
    fn a_user_made_at_the_back_office_logs_in_on_a_till_with_its_pin_and_its_changes_follow() {
        let mut coop = Coop::default();
        let mut bo = node("kantor");
        let mut till = node("sembako-1");
        bo.add_user(&back(), "dewi", "Dewi Lestari", Role::Kasir, "2468")
            .unwrap();
        assert_eq!(kinds(&bo, "kantor"), vec!["users.v1"]);
        let e = &outbox::pending(bo.store.conn(), "kantor", 1).unwrap()[0];
        assert!(!e.payload.contains("2468"), "never the PIN: {}", e.payload);
        assert!(e.payload.contains("$argon2"), "{}", e.payload);
        assert!(till.login("dewi", "2468").is_err());
        coop.sync(&bo, "kantor");
        let r = coop.deliver(&till, "sembako-1");
        assert_eq!((r.pulled, r.applied), (1, 1));
        assert_eq!(till.login("dewi", "2468").unwrap().role, Role::Kasir);
        assert!(till.login("dewi", "1111").is_err());

        // A new PIN, a new role, then taken off: each follows to the till.
        bo.change_user(
            &back(),
            "dewi",
            &UserChange {
                pin: Some("1357".into()),
                ..UserChange::default()
            },
        )
        .unwrap();
        bo.change_user(
            &back(),
            "dewi",
            &UserChange {
                role: Some(Role::Bendahara),
                ..UserChange::default()
            },
        )
        .unwrap();
        coop.sync(&bo, "kantor");
        coop.sync(&till, "sembako-1");
        assert!(till.login("dewi", "2468").is_err());
        assert_eq!(till.login("dewi", "1357").unwrap().role, Role::Bendahara);
        // She changes her own PIN on the till (but not her role); the office follows.
        let dewi = till.login("dewi", "1357").unwrap();
        let own = |pin: &str, role: Option<Role>| UserChange {
            pin: Some(pin.into()),
            role,
            ..UserChange::default()
        };
        assert!(matches!(
            till.change_user(&dewi, "dewi", &own("8642", Some(Role::Admin))),
            Err(KasirError::NotAllowed { .. })
        ));
        till.change_user(&dewi, "dewi", &own("8642", None)).unwrap();
        coop.sync(&till, "sembako-1");
        coop.sync(&bo, "kantor");
        assert!(bo.login("dewi", "8642").is_ok());
        assert!(bo.login("dewi", "1357").is_err());
        bo.change_user(
            &back(),
            "dewi",
            &UserChange {
                active: Some(false),
                ..UserChange::default()
            },
        )
        .unwrap();
        coop.sync(&bo, "kantor");
        coop.sync(&till, "sembako-1");
        assert!(matches!(
            till.login("dewi", "8642"),
            Err(KasirError::UnknownUser(_))
        ));
        // A change to nothing new writes nothing; bad input changes nothing.
        bo.change_user(
            &back(),
            "dewi",
            &UserChange {
                active: Some(false),
                ..UserChange::default()
            },
        )
        .unwrap();
        assert!(bo
            .change_user(
                &back(),
                "dewi",
                &UserChange {
                    pin: Some("12".into()),
                    ..UserChange::default()
                },
            )
            .is_err());
        assert!(bo
            .add_user(&back(), "Bad Name", "X", Role::Kasir, "1234")
            .is_err());
        assert_eq!(kinds(&bo, "kantor"), Vec::<String>::new());
    }

    #[test]
    fn conflicting_offline_changes_to_a_user_and_a_setting_end_with_the_servers_last_everywhere() {
        let mut coop = Coop::default();
        let mut bo = node("kantor");
        let mut till = node("sembako-1");
        bo.add_user(&back(), "dewi", "Dewi", Role::Kasir, "2468")
            .unwrap();
        coop.sync(&bo, "kantor");
        coop.sync(&till, "sembako-1");
        let set_role = |shop: &mut Shop, r: Role| {
            shop.change_user(
                &back(),
                "dewi",
                &UserChange {
                    role: Some(r),
                    ..UserChange::default()
                },
            )
            .unwrap()
        };
        let name = Key::ShopName.name();
        // Offline, each changes the same user and the same setting.
        set_role(&mut till, Role::Gudang);
        till.set_setting(&back(), name, "Koperasi Till").unwrap();
        set_role(&mut bo, Role::Bendahara);
        bo.set_setting(&back(), name, "Koperasi Kantor").unwrap();
        // The till pushes first: the back office's changes are the server's last.
        coop.push(&till, "sembako-1");
        // Pulling its own change back, the till keeps it until the newer one arrives.
        coop.deliver(&till, "sembako-1");
        assert_eq!(role(&till, "dewi"), Role::Gudang);
        coop.sync(&bo, "kantor");
        coop.sync(&till, "sembako-1");
        for shop in [&bo, &till] {
            assert_eq!(role(shop, "dewi"), Role::Bendahara);
            assert_eq!(shop.setting(Key::ShopName).unwrap(), "Koperasi Kantor");
            assert_eq!(shop.settings_problems().unwrap(), vec![]);
        }
        // An older change in the server's order does not undo a newer one: a node that
        // gets the back office's change (#4) before the till's (#2) keeps the back office's.
        let late = node("sembako-2");
        let mut at_late = super::super::pull::StoreNode {
            store: &late.store,
            now: now(),
        };
        for i in [0, 3, 1] {
            let done = crate::sync::Node::apply(&mut at_late, &[coop.0[i].clone()]).unwrap();
            assert_eq!(done.applied, 1);
        }
        assert_eq!(role(&late, "dewi"), Role::Bendahara);
    }

    #[test]
    fn a_tills_configuration_travels_and_this_machines_devices_stay() {
        let mut coop = Coop::default();
        let mut bo = node("kantor");
        let till = node("apotek-1");
        let unit = TillKey::Unit.of("apotek-1");
        bo.set_setting(&back(), &unit, "apotek").unwrap();
        bo.set_setting(&back(), &TillKey::Pharmacy.of("apotek-1"), "apotek")
            .unwrap();
        bo.set_setting(
            &back(),
            &TillKey::Printer.of("apotek-1"),
            "tcp:10.0.0.9:9100",
        )
        .unwrap();
        bo.set_setting(&back(), Key::PrinterUri.name(), "file:/tmp/struk.bin")
            .unwrap();
        bo.set_setting(&back(), Key::ScalePort.name(), "sim")
            .unwrap();
        assert_eq!(kinds(&bo, "kantor"), vec!["settings.v1", "settings.v1"]);
        coop.sync(&bo, "kantor");
        coop.sync(&till, "apotek-1");
        assert_eq!(
            till.till_setting(TillKey::Unit, "apotek-1")
                .unwrap()
                .as_deref(),
            Some("apotek")
        );
        assert_eq!(
            till.till_setting(TillKey::Pharmacy, "apotek-1")
                .unwrap()
                .as_deref(),
            Some("apotek")
        );
        assert_eq!(
            till.till_setting(TillKey::Printer, "apotek-1").unwrap(),
            None
        );
        assert_eq!(till.setting(Key::PrinterUri).unwrap(), "sim");
        assert_eq!(till.setting(Key::ScalePort).unwrap(), "");
    }

    #[test]
    fn goods_from_a_supplier_made_elsewhere_apply_and_wait_only_until_the_supplier_arrives() {
        let mut coop = Coop::default();
        let mut bo = node("kantor");
        let mut till = node("sembako-1");
        let mut old = node("gudang");
        let goods =
            parse_receipt("code,qty,unit,cost,batch,expiry\nKOPI,24,pcs,10000,,\n".as_bytes())
                .unwrap();
        let credit = |s: &str| ReceiveOptions {
            supplier: Some(s.into()),
            payment: Payment::Credit,
            ..ReceiveOptions::default()
        };
        // A supplier made at the back office lets the till receive from it.
        bo.add_supplier(&back(), "CV-MAJU", "CV Maju Jaya", None, None)
            .unwrap();
        coop.sync(&bo, "kantor");
        coop.sync(&till, "sembako-1");
        till.receive(&back(), &goods, &credit("CV-MAJU")).unwrap();
        coop.sync(&till, "sembako-1");
        let r = coop.sync(&bo, "kantor");
        assert_eq!(
            crate::store::pull::exception_count(bo.store.conn()).unwrap(),
            0,
            "{r:?}"
        );
        assert_eq!(
            bo.suppliers().unwrap()[0].owed,
            rust_decimal::Decimal::from(240_000)
        );

        // A supplier made before suppliers travelled: its goods wait at the back office…
        old.add_demo_supplier(&back(), "PT-LAMA", "PT Lama", None)
            .unwrap();
        old.receive(&back(), &goods, &credit("PT-LAMA")).unwrap();
        coop.sync(&old, "gudang");
        coop.sync(&bo, "kantor");
        assert_eq!(
            crate::store::pull::exception_count(bo.store.conn()).unwrap(),
            1
        );
        // …until that node publishes: the same sync applies the supplier, then the goods.
        let p = old.publish(&back()).unwrap();
        assert_eq!((p.products, p.suppliers), (1, 2));
        coop.sync(&old, "gudang");
        let r = coop.sync(&bo, "kantor");
        assert_eq!(
            crate::store::pull::exception_count(bo.store.conn()).unwrap(),
            0,
            "{r:?}"
        );
        let owed: Vec<_> = bo
            .suppliers()
            .unwrap()
            .into_iter()
            .map(|s| (s.code, s.owed))
            .collect();
        assert_eq!(
            owed,
            vec![
                ("CV-MAJU".to_string(), rust_decimal::Decimal::from(240_000)),
                ("PT-LAMA".to_string(), rust_decimal::Decimal::from(240_000))
            ]
        );

        // Taken off at the back office while the till, offline, still receives from it: the
        // till's delivery still applies at the office, and after a sync the till can no
        // longer receive from it.
        bo.change_supplier(
            &back(),
            "CV-MAJU",
            &crate::service::stock::SupplierChange {
                active: Some(false),
                ..Default::default()
            },
        )
        .unwrap();
        till.receive(&back(), &goods, &credit("CV-MAJU")).unwrap();
        coop.sync(&bo, "kantor");
        coop.sync(&till, "sembako-1");
        coop.sync(&bo, "kantor");
        assert_eq!(
            crate::store::pull::exception_count(bo.store.conn()).unwrap(),
            0
        );
        assert!(till.receive(&back(), &goods, &credit("CV-MAJU")).is_err());
        let codes: Vec<_> = till
            .suppliers()
            .unwrap()
            .into_iter()
            .map(|s| s.code)
            .collect();
        assert_eq!(codes, vec!["PT-LAMA".to_string()]);
    }
}
