//! `kasir settings list | get KEY | set KEY VALUE`: the registry of `service::settings`.

use std::path::Path;

use clap::Subcommand;
use serde_json::json;

use super::output::{print_json, quoted, to_json, SettingChangeOut, SettingOut};
use super::{actor_from, open};
use crate::error::Result;
use crate::i18n::Lang;
use crate::service::settings::SettingView;

#[derive(Subcommand, Debug)]
pub enum SettingsCmd {
    /// Every setting with its value in force, what it takes and who may change it.
    List,
    /// One setting's value.
    Get { key: String },
    /// Change a setting (admin; tax, money and receipt header also bendahara). Audited.
    Set {
        key: String,
        value: String,
        #[arg(long)]
        user: Option<String>,
        #[arg(long)]
        pin: Option<String>,
    },
}

fn line(v: &SettingView, lang: Lang) -> String {
    format!(
        "{:<28} {:<24} {}{}  [{}; {}]",
        v.key,
        quoted(&v.value),
        v.description,
        if v.default {
            lang.pick(" (bawaan)", " (default)")
        } else {
            ""
        },
        v.values,
        v.who
    )
}

pub fn run_settings(db: &Path, json: bool, lang: Lang, cmd: SettingsCmd) -> Result<()> {
    let mut shop = open(db)?;
    match cmd {
        SettingsCmd::List => {
            let all = shop.setting_list(lang)?;
            if json {
                print_json(json!({ "settings": super::output::all::<_, SettingOut>(&all) }));
            } else {
                for v in &all {
                    println!("{}", line(v, lang));
                }
            }
        }
        SettingsCmd::Get { key } => {
            let v = shop.setting_view(key.trim(), lang)?;
            if json {
                print_json(to_json(&SettingOut::from(&v)));
            } else {
                println!("{}", v.value);
            }
        }
        SettingsCmd::Set {
            key,
            value,
            user,
            pin,
        } => {
            let actor = actor_from(&mut shop, user, pin)?;
            let change = shop.change_setting(&actor, key.trim(), &value)?;
            if json {
                print_json(
                    json!({ "change": to_json(&SettingChangeOut::from(&change)), "by": actor.username }),
                );
            } else if change.changed {
                println!(
                    "{}",
                    crate::service::settings::audit_detail(
                        &change.key,
                        change.old.as_deref(),
                        &change.new
                    )
                );
            } else {
                println!(
                    "{}: {} ({})",
                    change.key,
                    quoted(&change.new),
                    lang.pick("tidak berubah", "unchanged")
                );
            }
        }
    }
    Ok(())
}
