//! PIN login with lockout, and role checks every service calls.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use chrono::NaiveDateTime;
use rand_core::OsRng;

use super::{stamp, Shop};
use crate::domain::user::{Actor, Permission, Role};
use crate::error::{KasirError, Result};
use crate::store::users::UserRecord;
use crate::store::{audit, users};

/// Wrong PINs in a row before the user is locked out.
pub const MAX_ATTEMPTS: i64 = 5;
/// How long a lockout lasts.
pub const LOCKOUT_MINUTES: i64 = 5;

/// Lockouts within this many hours make the next one longer.
pub const BACKOFF_WINDOW_HOURS: i64 = 24;
/// The longest lockout.
pub const LOCKOUT_MAX_MINUTES: i64 = 60;

/// How long the next lockout lasts after `earlier` lockouts within the backoff window:
/// 5, 10, 20, 40, then 60 minutes.
pub fn lockout_minutes(earlier: i64) -> i64 {
    let doubled = LOCKOUT_MINUTES.saturating_mul(1i64 << earlier.clamp(0, 8));
    doubled.min(LOCKOUT_MAX_MINUTES)
}

/// Hash a PIN with argon2 and a random salt.
pub fn hash_pin(pin: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| {
            KasirError::invalid(
                format!("PIN gagal di-hash: {e}"),
                format!("Could not hash PIN: {e}"),
            )
        })
}

fn pin_matches(pin: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A username: 1–40 lowercase letters, digits, `.`, `_` or `-`.
pub fn valid_username(u: &str) -> bool {
    (1..=40).contains(&u.len())
        && u.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

/// What [`Shop::change_user`] changes (`None`: left as it is).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserChange {
    pub pin: Option<String>,
    pub role: Option<Role>,
    pub name: Option<String>,
    pub active: Option<bool>,
}

/// A PIN must be 4–8 digits.
pub fn valid_pin(pin: &str) -> bool {
    (4..=8).contains(&pin.len()) && pin.bytes().all(|b| b.is_ascii_digit())
}

/// Refuse unless the actor's role may do `p`. `action` names it for the message.
pub fn require(actor: &Actor, p: Permission, action: crate::domain::user::Act) -> Result<()> {
    if actor.role.may(p) {
        Ok(())
    } else {
        Err(KasirError::NotAllowed {
            role: actor.role,
            action,
        })
    }
}

impl Shop {
    /// Add a user (admin only); the user travels to every node of the coop (`users.v1`).
    pub fn add_user(
        &mut self,
        actor: &Actor,
        username: &str,
        name: &str,
        role: Role,
        pin: &str,
    ) -> Result<i64> {
        self.add_user_with(actor, username, name, role, pin, true)
    }

    /// [`Shop::add_user`] for a user of this file only, written as no event: the `admin`
    /// that `kasir init` makes on every node, and the demo's users (the same fixture on
    /// every node).
    pub fn add_user_here(
        &mut self,
        actor: &Actor,
        username: &str,
        name: &str,
        role: Role,
        pin: &str,
    ) -> Result<i64> {
        self.add_user_with(actor, username, name, role, pin, false)
    }

    fn add_user_with(
        &mut self,
        actor: &Actor,
        username: &str,
        name: &str,
        role: Role,
        pin: &str,
        event: bool,
    ) -> Result<i64> {
        require(
            actor,
            Permission::ManageUsers,
            crate::domain::user::Act::AddUser,
        )?;
        let (username, name) = (username.trim(), name.trim());
        if !valid_username(username) {
            return Err(KasirError::invalid(
                "Nama pengguna harus 1–40 huruf kecil, angka, \".\", \"_\" atau \"-\"",
                "A username is 1–40 lowercase letters, digits, \".\", \"_\" or \"-\"",
            ));
        }
        if name.is_empty() {
            return Err(KasirError::invalid(
                "Nama lengkap pengguna wajib diisi",
                "A user needs a name",
            ));
        }
        if !valid_pin(pin) {
            return Err(KasirError::invalid(
                "PIN harus 4–8 angka",
                "The PIN must be 4–8 digits",
            ));
        }
        let hash = hash_pin(pin)?;
        let till = if event {
            Some(self.event_till()?)
        } else {
            None
        };
        let at = stamp(self.now());
        self.store.write(|tx| {
            if users::record(tx, username)?.is_some() {
                return Err(KasirError::Duplicate(format!("user {username}")));
            }
            let id = users::insert(tx, username, name, role, &hash)?;
            if let Some(till) = &till {
                super::travel::user_events(tx, till, &at, &[username.to_string()])?;
                super::audit(
                    tx,
                    actor,
                    &at,
                    "user_add",
                    &format!("{username} {}", role.as_str()),
                    None,
                )?;
            }
            Ok(id)
        })
    }

    /// Change a user: a new PIN (the user themself, or an admin), a new role or name, or
    /// taken off (active = false) or back on (admin only). Audited (never the PIN) and
    /// travels to every node (`users.v1`). A change to nothing new changes nothing.
    pub fn change_user(
        &mut self,
        actor: &Actor,
        username: &str,
        change: &UserChange,
    ) -> Result<()> {
        let own_pin_only = actor.username == username
            && change.role.is_none()
            && change.name.is_none()
            && change.active.is_none();
        if !own_pin_only {
            require(
                actor,
                Permission::ManageUsers,
                crate::domain::user::Act::ChangeUser,
            )?;
        }
        let hash = match &change.pin {
            Some(pin) if !valid_pin(pin) => {
                return Err(KasirError::invalid(
                    "PIN harus 4–8 angka",
                    "The PIN must be 4–8 digits",
                ))
            }
            Some(pin) => Some(hash_pin(pin)?),
            None => None,
        };
        if change.name.as_deref().is_some_and(|n| n.trim().is_empty()) {
            return Err(KasirError::invalid(
                "Nama lengkap pengguna wajib diisi",
                "A user needs a name",
            ));
        }
        let till = self.event_till()?;
        let at = stamp(self.now());
        self.store.write(|tx| {
            let old = users::record(tx, username)?
                .ok_or_else(|| KasirError::UnknownUser(username.to_string()))?;
            if change.active == Some(false) && old.role == Role::Admin && old.active {
                let admins = users::list(tx)?
                    .iter()
                    .filter(|u| u.role == Role::Admin)
                    .count();
                if admins <= 1 {
                    return Err(KasirError::invalid(
                        "Admin terakhir tidak bisa dinonaktifkan",
                        "The last admin cannot be taken off",
                    ));
                }
            }
            let new = UserRecord {
                username: old.username.clone(),
                name: change
                    .name
                    .as_deref()
                    .map_or(old.name.clone(), |n| n.trim().to_string()),
                role: change.role.unwrap_or(old.role),
                pin_hash: hash.clone().unwrap_or_else(|| old.pin_hash.clone()),
                active: change.active.unwrap_or(old.active),
            };
            if new == old {
                return Ok(());
            }
            users::upsert(tx, &new)?;
            let mut what = Vec::new();
            if hash.is_some() {
                what.push("pin".to_string());
            }
            if new.role != old.role {
                what.push(format!(
                    "role {} → {}",
                    old.role.as_str(),
                    new.role.as_str()
                ));
            }
            if new.name != old.name {
                what.push(format!("name {:?} → {:?}", old.name, new.name));
            }
            if new.active != old.active {
                what.push(format!("active {} → {}", old.active, new.active));
            }
            super::travel::user_events(tx, &till, &at, &[username.to_string()])?;
            super::audit(
                tx,
                actor,
                &at,
                "user_change",
                &format!("{username}: {}", what.join(", ")),
                None,
            )
        })
    }

    /// Check a user's PIN. Wrong PINs count towards a lockout; the right one resets it.
    pub fn login(&mut self, username: &str, pin: &str) -> Result<Actor> {
        let now = self.now();
        let user = users::by_username(self.store.conn(), username)?
            .ok_or_else(|| KasirError::UnknownUser(username.to_string()))?;
        if let Some(until) = user
            .locked_until
            .as_deref()
            .and_then(|u| NaiveDateTime::parse_from_str(u, "%Y-%m-%d %H:%M:%S").ok())
        {
            if until > now {
                let minutes = ((until - now).num_seconds() + 59) / 60;
                return Err(KasirError::LockedOut { minutes });
            }
        }
        if pin_matches(pin, &user.pin_hash) {
            if user.failed_attempts != 0 || user.locked_until.is_some() {
                self.store
                    .write(|tx| users::set_failures(tx, user.id, 0, None))?;
            }
            return Ok(Actor {
                user_id: Some(user.id),
                username: user.username,
                name: user.name,
                role: user.role,
            });
        }
        let failed = user.failed_attempts + 1;
        let at = stamp(now);
        let wait = if failed >= MAX_ATTEMPTS {
            let since = stamp(now - chrono::Duration::hours(BACKOFF_WINDOW_HOURS));
            let earlier =
                audit::count_since(self.store.conn(), &user.username, "login_locked", &since)?;
            Some(lockout_minutes(earlier))
        } else {
            None
        };
        let locked = wait.map(|m| stamp(now + chrono::Duration::minutes(m)));
        self.store.write(|tx| {
            users::set_failures(
                tx,
                user.id,
                if locked.is_some() { 0 } else { failed },
                locked.as_deref(),
            )?;
            audit::append(
                tx,
                &audit::AuditEntry {
                    at: &at,
                    user_id: Some(user.id),
                    actor: &user.username,
                    action: if locked.is_some() {
                        "login_locked"
                    } else {
                        "login_failed"
                    },
                    detail: &format!("attempt {failed}"),
                    approver: None,
                },
            )
        })?;
        if let Some(minutes) = wait {
            Err(KasirError::LockedOut { minutes })
        } else {
            Err(KasirError::WrongPin {
                attempts_left: (MAX_ATTEMPTS - failed) as u32,
            })
        }
    }

    /// Active users, for the login screen.
    pub fn users(&self) -> Result<Vec<users::UserRow>> {
        users::list(self.store.conn())
    }
}
