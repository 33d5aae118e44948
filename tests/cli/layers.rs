//! The layers hold: the command line and the till speak only to `service` and `domain`
//! values, never to the store. A file under `src/cli` or `src/ui` that imports or names `crate::store`,
//! or reaches through a shop to its store (`shop.store`), fails here with the line.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, depth first, in a stable order.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

/// The lines of the files under `dir` (relative to the crate) that reach the store: a path
/// through `crate::store` or `super::store`, or a shop's `store` field. Comments count
/// too: a doc naming the store as something to call is as wrong as the call.
fn store_uses_under(dir: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut found = Vec::new();
    for file in rust_files(&root) {
        let text = std::fs::read_to_string(&file).expect("source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim();
            let names_store = code.contains("crate::store")
                || code.contains("super::store")
                || code.contains("shop.store")
                || code.contains("s.store.");
            if names_store {
                let rel = file
                    .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                    .unwrap_or(&file);
                found.push(format!("{}:{}: {code}", rel.display(), n + 1));
            }
        }
    }
    found
}

#[test]
fn cli_does_not_reach_the_store() {
    let found = store_uses_under("src/cli");
    assert!(
        found.is_empty(),
        "src/cli must go through service (Shop methods), not the store:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_till_screens_never_name_the_store() {
    let found = store_uses_under("src/ui");
    assert!(
        found.is_empty(),
        "src/ui must go through the services, not the store:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_scan_finds_a_store_path() {
    // The scanner itself can fail: this file names the store in its own text above.
    let found = store_uses_under("tests");
    assert!(
        found.iter().any(|l| l.contains("layers.rs")),
        "the scan found nothing in tests/cli/layers.rs: {found:?}"
    );
}

/// The setting keys of the registry (`key: "…"` in `src/service/settings.rs`), a per-till
/// key (`till.*.printer`) as its prefix `till.`.
fn registry_keys() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/service/settings.rs");
    let text = std::fs::read_to_string(path).expect("settings.rs");
    text.split("key: \"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|k| match k.split_once('*') {
            Some((pre, _)) => pre.to_string(),
            None => k.to_string(),
        })
        .collect()
}

/// Lines under `dir` that spell a setting key as a string literal (`"printer.uri"`, or a
/// per-till key built as `"till.{…}.…"`), outside the registry itself and the translation
/// table (whose keys like `scale.tare` may coincide with a setting's).
fn setting_key_literals_under(dir: &str) -> Vec<String> {
    let keys = registry_keys();
    assert!(keys.len() > 20, "registry not read: {keys:?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut found = Vec::new();
    for file in rust_files(&root) {
        let rel = file
            .strip_prefix(env!("CARGO_MANIFEST_DIR"))
            .unwrap_or(&file)
            .display()
            .to_string();
        if rel.ends_with("service/settings.rs") || rel.ends_with("src/i18n.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source file");
        for (n, line) in text.lines().enumerate() {
            let spelled = keys.iter().any(|k| {
                if k.ends_with('.') {
                    line.contains(&format!("\"{k}{{"))
                } else {
                    line.contains(&format!("\"{k}\""))
                }
            });
            if spelled {
                found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn setting_keys_are_spelled_only_in_the_registry() {
    let mut found = Vec::new();
    for dir in [
        "src/cli",
        "src/ui",
        "src/service",
        "src/store",
        "src/domain",
    ] {
        found.extend(setting_key_literals_under(dir));
    }
    assert!(
        found.is_empty(),
        "name settings with service::settings::Key / TillKey, not strings:\n{}",
        found.join("\n")
    );
}
