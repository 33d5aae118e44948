//! The layers hold: the command line and the till speak only to `service` and `domain`
//! values, never to the store. A file under `src/cli` or `src/ui` that imports or names `crate::store`,
//! or reaches through a shop to its store (`shop.store`), fails here with the line.
//! Only `src/store` runs SQL; setting keys are spelled only in the registry; every test
//! ARCHITECTURE.md's invariant table names exists.

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

/// A file's path relative to the crate, as the failures name it.
fn relative(file: &Path) -> String {
    file.strip_prefix(env!("CARGO_MANIFEST_DIR"))
        .unwrap_or(file)
        .display()
        .to_string()
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
                || names_field(code, "shop.store")
                || code.contains("s.store.");
            if names_store {
                found.push(format!("{}:{}: {code}", relative(&file), n + 1));
            }
        }
    }
    found
}

/// Whether `code` names `path` as a whole name (`shop.store`, not `shop.stored_setting`).
fn names_field(code: &str, path: &str) -> bool {
    code.match_indices(path).any(|(i, _)| {
        !code[i + path.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
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

/// The setting keys of the registry (`key: "…"` in `src/service/settings/registry.rs`), a
/// per-till key (`till.*.printer`) as its prefix `till.`.
fn registry_keys() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/service/settings/registry.rs");
    let text = std::fs::read_to_string(path).expect("settings/registry.rs");
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
        let rel = relative(&file);
        if rel.ends_with("service/settings.rs")
            || rel.ends_with("service/settings/registry.rs")
            || rel.ends_with("src/i18n.rs")
        {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source file");
        for (n, line) in text.lines().enumerate() {
            let spelled = keys.iter().any(|k| {
                if k.ends_with('.') {
                    line.contains(&format!("\"{k}{{"))
                } else {
                    let quoted = format!("\"{k}\"");
                    line.match_indices(&quoted)
                        .any(|(i, _)| !translation_key(&line[..i]))
                }
            });
            if spelled {
                found.push(format!("{rel}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    found
}

/// Whether the literal after `before` is the key of a translation, `t(lang, "…")`: the
/// table's keys (`scale.tare`) may be spelled like a setting's.
fn translation_key(before: &str) -> bool {
    let Some(head) = before.trim_end().strip_suffix(',') else {
        return false;
    };
    head.rfind("t(").is_some_and(|i| {
        let starts_name = i == 0
            || !head[..i]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_alphanumeric() || c == '_');
        starts_name && !head[i + 2..].contains(['(', ')', '"', ','])
    })
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

/// The lines of the files under `dir` that run SQL themselves: a statement prepared,
/// executed or queried on a connection, a connection or backup opened by hand, or an SQL
/// statement spelled as a string literal. Only `src/store` may; `skip` names it.
fn sql_lines_under(dir: &str, skip: Option<&str>) -> Vec<String> {
    const CALLS: [&str; 9] = [
        ".prepare(",
        ".prepare_cached(",
        ".execute(",
        ".execute_batch(",
        "query_row(",
        "query_map(",
        "Connection::open",
        "rusqlite::backup",
        "pragma_update(",
    ];
    const STATEMENTS: [&str; 7] = [
        "SELECT ", "INSERT ", "UPDATE ", "DELETE ", "PRAGMA ", "CREATE ", "WITH ",
    ];
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut found = Vec::new();
    for file in rust_files(&root) {
        let rel = relative(&file);
        if skip.is_some_and(|s| rel.starts_with(s)) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("source file");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim();
            let runs = CALLS.iter().any(|c| code.contains(c));
            let spells = STATEMENTS
                .iter()
                .any(|s| code.contains(&format!("\"{s}")) || code.starts_with(s));
            if runs || spells {
                found.push(format!("{rel}:{}: {code}", n + 1));
            }
        }
    }
    found
}

#[test]
fn no_sql_outside_the_store() {
    let found = sql_lines_under("src", Some("src/store/"));
    assert!(
        found.is_empty(),
        "only src/store runs SQL; give the query a store function:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_sql_scan_finds_the_stores_sql() {
    // The scanner can fail too: the store is full of statements it must see.
    let found = sql_lines_under("src/store", None);
    for (what, needle) in [
        ("a prepared statement", ".prepare"),
        ("a SELECT literal", "\"SELECT "),
        ("an INSERT literal", "INSERT "),
        ("a PRAGMA", "PRAGMA "),
    ] {
        assert!(
            found.iter().any(|l| l.contains(needle)),
            "the scan found no {what} in src/store"
        );
    }
}

/// The rows of ARCHITECTURE.md's table of invariants and the tests that pin them: each row's
/// invariant and its cell of tests, e.g. `` `tests/two_tills.rs`: `two_processes_…` ``.
fn invariant_table() -> Vec<(String, String)> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md");
    let text = std::fs::read_to_string(path).expect("ARCHITECTURE.md");
    let section = text
        .split("\n## ")
        .find(|s| s.starts_with("Invariants and the tests that pin them"))
        .expect("ARCHITECTURE.md has a section \"Invariants and the tests that pin them\"");
    section
        .lines()
        .filter(|l| l.starts_with('|'))
        .skip(2) // the head and its rule
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            assert_eq!(cells.len(), 2, "a row is | invariant | tests |: {l}");
            (cells[0].to_string(), cells[1].to_string())
        })
        .collect()
}

/// Whether the file (relative to the crate) defines a function `name`.
fn defines_fn(file: &str, name: &str) -> bool {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    std::fs::read_to_string(path).is_ok_and(|t| t.contains(&format!("fn {name}(")))
}

#[test]
fn every_invariant_names_tests_that_exist() {
    let rows = invariant_table();
    assert!(
        rows.len() >= 20,
        "the invariant table has {} rows",
        rows.len()
    );
    let mut wrong = Vec::new();
    for (invariant, tests) in &rows {
        let mut file: Option<&str> = None;
        let mut named = 0;
        for token in tests.split('`').skip(1).step_by(2) {
            if token.ends_with(".rs") {
                if !Path::new(env!("CARGO_MANIFEST_DIR")).join(token).is_file() {
                    wrong.push(format!("{invariant}: no file {token}"));
                }
                file = Some(token);
            } else {
                named += 1;
                match file {
                    Some(f) if defines_fn(f, token) => {}
                    Some(f) => wrong.push(format!("{invariant}: no test {token} in {f}")),
                    None => wrong.push(format!("{invariant}: {token} has no file before it")),
                }
            }
        }
        if named == 0 {
            wrong.push(format!("{invariant}: names no test"));
        }
    }
    assert!(
        wrong.is_empty(),
        "ARCHITECTURE.md's invariant table:\n{}",
        wrong.join("\n")
    );
}
