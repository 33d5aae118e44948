//! The layers point one way: screens reach the shop file only through the services. A
//! source file under a front end's folder that names the `store` module (or the `store`
//! field of a `Shop`) fails here, with the file and line.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`, sorted.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                todo.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// What naming the store looks like in source: its module path, or a `Shop`'s field.
const STORE_NAMES: &[&str] = &["crate::store", "kasir::store", "shop.store", "::store::"];

/// The lines under `front_end` (a folder of `src`) that name the store, as `file:line: text`.
fn lines_naming_store(front_end: &str) -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("src")
        .join(front_end);
    let mut hits = Vec::new();
    for file in rust_files(&root) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            // `use super::store` or `use crate::{store, …}` name it too.
            let named = STORE_NAMES.iter().any(|s| code.contains(s))
                || (code.trim_start().starts_with("use ") && code.contains("store"));
            if named {
                hits.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    hits
}

#[test]
fn the_till_screens_never_name_the_store() {
    let hits = lines_naming_store("ui");
    assert!(
        hits.is_empty(),
        "src/ui must go through the services, not the store:\n{}",
        hits.join("\n")
    );
}

#[test]
fn the_check_finds_a_store_import_where_there_is_one() {
    // The service layer does use the store: the scan must see it there.
    assert!(!lines_naming_store("service").is_empty());
}
