//! `kasir user add|pin|role|off|on|list`: the shop's users (`service::auth`). A change
//! travels to every node of the coop; a PIN is never printed.

use std::path::Path;

use clap::Subcommand;
use serde_json::json;

use super::output::{done, print_json};
use super::{actor_from, open};
use crate::domain::user::Role;
use crate::error::{KasirError, Result};
use crate::i18n::Lang;
use crate::service::auth::UserChange;

#[derive(Subcommand, Debug)]
pub enum UserCmd {
    /// Add a user (admin): USERNAME "NAME" --role ROLE --new-pin PIN.
    Add {
        username: String,
        name: String,
        #[arg(long, value_name = "kasir|gudang|apoteker|bendahara|admin")]
        role: String,
        /// The new user's PIN (4–8 digits).
        #[arg(long)]
        new_pin: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
    /// A new PIN (the user themself with --user/--pin, or an admin).
    Pin {
        username: String,
        #[arg(long)]
        new_pin: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
    /// A new role (admin).
    Role {
        username: String,
        #[arg(value_name = "kasir|gudang|apoteker|bendahara|admin")]
        role: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
    /// Take a user off: they can no longer log in (admin; their history stays).
    Off {
        username: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
    /// Put a user taken off back on (admin).
    On {
        username: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
    /// Active users and their roles.
    List,
}

fn role_arg(r: &str) -> Result<Role> {
    Role::parse(r.trim()).ok_or_else(|| {
        KasirError::invalid(
            format!("Peran {r} tidak dikenal (kasir, gudang, apoteker, bendahara, admin)"),
            format!("Role {r} is unknown (kasir, gudang, apoteker, bendahara, admin)"),
        )
    })
}

pub(super) fn run_user(db: &Path, json: bool, lang: Lang, cmd: UserCmd) -> Result<()> {
    let mut shop = open(db)?;
    let (user, pin, username, change) = match cmd {
        UserCmd::List => {
            let rows = shop.users()?;
            if json {
                let list: Vec<_> = rows
                    .iter()
                    .map(|u| json!({"username": u.username, "name": u.name, "role": u.role.as_str()}))
                    .collect();
                print_json(json!({ "users": list }));
            } else {
                for u in &rows {
                    println!("{:<16} {:<12} {}", u.username, u.role.as_str(), u.name);
                }
            }
            return Ok(());
        }
        UserCmd::Add {
            username,
            name,
            role,
            new_pin,
            user,
            pin,
        } => {
            let role = role_arg(&role)?;
            let actor = actor_from(&mut shop, user, pin)?;
            shop.add_user(&actor, &username, &name, role, &new_pin)?;
            done(
                json,
                lang,
                json!({"added": username.trim(), "role": role.as_str()}),
                &format!(
                    "{} {} ({})",
                    lang.pick("Pengguna ditambah:", "User added:"),
                    username.trim(),
                    role.as_str()
                ),
            );
            return Ok(());
        }
        UserCmd::Pin {
            username,
            new_pin,
            user,
            pin,
        } => (
            user,
            pin,
            username,
            UserChange {
                pin: Some(new_pin),
                ..UserChange::default()
            },
        ),
        UserCmd::Role {
            username,
            role,
            user,
            pin,
        } => (
            user,
            pin,
            username,
            UserChange {
                role: Some(role_arg(&role)?),
                ..UserChange::default()
            },
        ),
        UserCmd::Off {
            username,
            user,
            pin,
        } => (
            user,
            pin,
            username,
            UserChange {
                active: Some(false),
                ..UserChange::default()
            },
        ),
        UserCmd::On {
            username,
            user,
            pin,
        } => (
            user,
            pin,
            username,
            UserChange {
                active: Some(true),
                ..UserChange::default()
            },
        ),
    };
    let actor = actor_from(&mut shop, user, pin)?;
    shop.change_user(&actor, username.trim(), &change)?;
    done(
        json,
        lang,
        json!({"changed": username.trim()}),
        &format!(
            "{} {}",
            lang.pick("Pengguna diubah:", "User changed:"),
            username.trim()
        ),
    );
    Ok(())
}
