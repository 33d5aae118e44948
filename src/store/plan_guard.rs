//! The plan guard: every SQL statement written in the store's sources is planned by SQLite
//! (`EXPLAIN QUERY PLAN`) on a small shop, and none may read a whole table that grows with
//! the catalog or the history once for every row of something else — inside a correlated
//! subquery, as the inner loop of a join, or as a lookup by a parameter (a statement with
//! `?` is run once per thing looked up). Such a plan costs rows × rows: unnoticed on a demo
//! shop, minutes at 100k products.
//!
//! The statements are found by reading `src/store/*.rs` (outside their `#[cfg(test)]`
//! modules) for string literals that start an SQL statement, with the `format!` pieces they
//! are built from filled in: constants of the store by name, and the few holes that are
//! run-time values from [`[`holes`]`]. A new statement is therefore checked without anyone
//! listing it; a statement with a hole the guard cannot fill fails the test until a sample
//! is added to [`holes`]. Without `ANALYZE` (kasir never runs it) SQLite plans with fixed
//! estimates, so the plans on a small shop are the plans on a large one.

use std::collections::{BTreeSet, HashMap};
use std::path::Path;
use std::sync::Arc;

use super::HISTORY;

/// Tables that grow with the catalog, the membership or the shift history (the history
/// tables proper are [`HISTORY`]).
const CATALOG: &[&str] = &[
    "products",
    "product_units",
    "barcodes",
    "batches",
    "members",
    "shifts",
];

/// Whole-table reads that are meant, each with its reason: (file, a piece of the statement
/// that names it, table, reason). An entry that matches nothing fails the test, so the list
/// stays true.
const ALLOWED: &[(&str, &str, &str, &str)] = &[
    (
        "audit.rs",
        "FROM audit_log ORDER BY id DESC LIMIT",
        "audit_log",
        "the newest entries: read newest first by id, stopping at the limit",
    ),
    (
        "catalog.rs",
        "(p.name LIKE ?1 OR p.sku LIKE ?1)",
        "product_units",
        "search_scan is the plain rule kept for tests; the till and CLI search the name list",
    ),
    (
        "ledger.rs",
        "FROM shifts WHERE status = 'open'",
        "shifts",
        "reads only the open shifts (one a till) through the partial index shifts_open_per_till",
    ),
    (
        "members.rs",
        "number LIKE ?1 OR name LIKE ?1",
        "members",
        "member search by any part of number, name or phone: every member once per search",
    ),
    (
        "pharmacy.rs",
        "FROM prescriptions r",
        "prescriptions",
        "the prescription register of a period or a sale: every prescription once per report",
    ),
    (
        "print.rs",
        "WHERE status IN ('queued', 'printing') AND",
        "print_jobs",
        "the print queue listing (`kasir print queue`): once per listing; an index of waiting \
         jobs would cost every sale a page",
    ),
    (
        "print.rs",
        "OR id > (SELECT coalesce(max(id), 0) FROM print_jobs) - ?1",
        "print_jobs",
        "the printer screen's recent jobs: once per opening, for the same reason",
    ),
    (
        "print.rs",
        "SET status = 'queued', claimed_at = NULL",
        "print_jobs",
        "taking back interrupted jobs: once when a print worker starts",
    ),
    (
        "print.rs",
        "SET status = 'queued', next_attempt_at = ?3",
        "print_jobs",
        "\"retry now\": once per press of the button or `kasir print retry`",
    ),
    (
        "shift_close.rs",
        "status = 'closed' ORDER BY id DESC LIMIT 1",
        "shifts",
        "a till's last closed shift: newest first, stopping at the first match",
    ),
    (
        "stock.rs",
        "b.expiry <= ?1",
        "batches",
        "the expiry report: every batch once per report",
    ),
    (
        "stock.rs",
        "FROM stock_moves WHERE kind IN ('sale', 'return') GROUP BY product_id",
        "stock_moves",
        "sales_since is the plain rule kept for tests of the windowed query",
    ),
    (
        "stock.rs",
        "WHERE p.drug_class IN (",
        "products",
        "the SIPNAP report: every product once per monthly report",
    ),
];

/// Run-time pieces of statements, by (file, the placeholder's name or argument), with the
/// values the guard plans them with: every value the code passes, from the code itself
/// where it builds them.
fn holes() -> Vec<(&'static str, &'static str, Vec<String>)> {
    use super::stock::{last_of_p, stock_cols};
    let v = |xs: &[&str]| xs.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    vec![
        (
            "catalog.rs",
            "column",
            v(&["price_umum", "price_anggota", "price_grosir"]),
        ),
        (
            "dashboard.rs",
            "super::stock::last_of_p(\"value_after\")",
            vec![last_of_p("value_after")],
        ),
        (
            "ledger.rs",
            "cond",
            v(&[
                "j.business_date BETWEEN ?1 AND ?2",
                "j.business_date = ?1 AND j.kind IN ('day', 'adjust') AND NOT EXISTS \
                 (SELECT 1 FROM journals r WHERE r.reverses = j.id)",
            ]),
        ),
        (
            "pharmacy.rs",
            "list",
            vec![super::text_list(
                &crate::domain::pharmacy::register_class_names(),
            )],
        ),
        (
            "returns.rs",
            "cond",
            v(&["r.business_date = ?1", "r.number = ?1"]),
        ),
        ("stock.rs", "stock_cols()", vec![stock_cols()]),
        (
            "stock.rs",
            "last_of_p(\"on_hand_after\")",
            vec![last_of_p("on_hand_after")],
        ),
        (
            "stock.rs",
            "last_of_p(\"value_after\")",
            vec![last_of_p("value_after")],
        ),
        (
            "stock.rs",
            "list",
            v(&["'narkotika','psikotropika','keras'"]),
        ),
    ]
}

/// A string literal of a Rust source: where it starts and ends, and its value.
struct Lit {
    start: usize,
    end: usize,
    value: String,
}

fn ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Every string literal of `src` (comments, char literals and lifetimes skipped).
fn literals(src: &str) -> Vec<Lit> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let prev_ident = i > 0 && ident_char(b[i - 1]);
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let mut depth = 0;
                while i < b.len() {
                    if b[i..].starts_with(b"/*") {
                        depth += 1;
                        i += 2;
                    } else if b[i..].starts_with(b"*/") {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        i += 1;
                    }
                }
            }
            b'\'' => {
                if b.get(i + 1) == Some(&b'\\') {
                    i += 2;
                    while i < b.len() && b[i] != b'\'' {
                        i += 1;
                    }
                    i += 1;
                } else {
                    let len = src[i + 1..].chars().next().map_or(1, char::len_utf8);
                    if b.get(i + 1 + len) == Some(&b'\'') {
                        i += 2 + len;
                    } else {
                        i += 1;
                    }
                }
            }
            b'r' | b'b' if !prev_ident => {
                let start = i;
                let mut j = i + 1;
                if b[i] == b'b' && b.get(j) == Some(&b'r') {
                    j += 1;
                }
                let raw = b[j - 1] == b'r';
                let mut hashes = 0;
                while raw && b.get(j) == Some(&b'#') {
                    hashes += 1;
                    j += 1;
                }
                if raw && b.get(j) == Some(&b'"') {
                    let close = format!("\"{}", "#".repeat(hashes));
                    let body = j + 1;
                    let len = src[body..].find(&close).unwrap_or(src.len() - body);
                    out.push(Lit {
                        start,
                        end: body + len + close.len(),
                        value: src[body..body + len].to_string(),
                    });
                    i = body + len + close.len();
                } else if b[i] == b'b' && b.get(i + 1) == Some(&b'"') {
                    let (_, end) = cooked(src, i + 1);
                    i = end;
                } else {
                    i += 1;
                }
            }
            b'"' => {
                let (value, end) = cooked(src, i);
                out.push(Lit {
                    start: i,
                    end,
                    value,
                });
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// The value of the ordinary string literal whose opening quote is at `at`, and the index
/// after its closing quote.
fn cooked(src: &str, at: usize) -> (String, usize) {
    let mut s = String::new();
    let mut chars = src[at + 1..].char_indices().peekable();
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => return (s, at + 1 + k + 1),
            '\\' => match chars.next().map(|(_, e)| e) {
                Some('n') => s.push('\n'),
                Some('t') => s.push('\t'),
                Some('r') => s.push('\r'),
                Some('0') => s.push('\0'),
                Some('\n') => {
                    while matches!(chars.peek(), Some((_, w)) if w.is_whitespace()) {
                        chars.next();
                    }
                }
                Some('u') => {
                    let mut hex = String::new();
                    for (_, h) in chars.by_ref() {
                        match h {
                            '{' => {}
                            '}' => break,
                            h => hex.push(h),
                        }
                    }
                    s.extend(u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32));
                }
                Some(e) => s.push(e),
                None => {}
            },
            c => s.push(c),
        }
    }
    (s, src.len())
}

/// `const NAME: &str = ` just before a literal: NAME.
fn const_name(before: &str) -> Option<&str> {
    let t = before.trim_end().strip_suffix('=')?.trim_end();
    let t = t.strip_suffix("str")?.trim_end();
    let t = t.strip_suffix("'static").unwrap_or(t).trim_end();
    let t = t
        .strip_suffix('&')?
        .trim_end()
        .strip_suffix(':')?
        .trim_end();
    let name_at = t
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .map_or(0, |k| k + 1);
    t[..name_at]
        .trim_end()
        .ends_with("const")
        .then_some(&t[name_at..])
}

/// The arguments of a `format!` after its format string, as source text.
fn format_args(src: &str, lits: &[Lit], after: usize) -> Vec<String> {
    let rest = src[after..].trim_start();
    let Some(rest) = rest.strip_prefix(',') else {
        return Vec::new();
    };
    let base = src.len() - rest.len();
    let mut args = Vec::new();
    let (mut depth, mut cur) = (0i32, String::new());
    let mut i = base;
    while i < src.len() {
        if let Some(l) = lits.iter().find(|l| l.start == i) {
            cur.push_str(&src[l.start..l.end]);
            i = l.end;
            continue;
        }
        let c = src[i..].chars().next().unwrap_or(' ');
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => break,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => {
                args.push(std::mem::take(&mut cur));
                i += 1;
                continue;
            }
            _ => {}
        }
        cur.push(c);
        i += c.len_utf8();
    }
    args.push(cur);
    args.into_iter()
        .map(|a| a.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|a| !a.is_empty())
        .collect()
}

/// One statement of the sources: where it is, and its text with every piece filled in
/// (several texts when a hole has several samples).
struct Statement {
    place: String,
    texts: Vec<String>,
}

/// The statements of every file of the store, or the holes no one filled.
fn statements(dir: &Path) -> (Vec<Statement>, Vec<String>) {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        // coop.rs and bundles.rs speak to the coop's PostgreSQL, district.rs and
        // district_report.rs to the district's: their statements are PostgreSQL's (run on a
        // real server by tests/reliability/sync_pg.rs, bundles.rs, district_schema.rs,
        // district_reports.rs and rebuild.rs), not SQLite's to plan. (bundles.rs reads one
        // event of the shop file by its unique till and seq.) tests.rs is the store's own
        // tests, which write SQL of their own.
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                !matches!(
                    n.to_str(),
                    Some(
                        "coop.rs"
                            | "bundles.rs"
                            | "district.rs"
                            | "district_report.rs"
                            | "tests.rs"
                    )
                )
            })
        })
        .map(|p| {
            let src = std::fs::read_to_string(&p).unwrap();
            // Only the shipped code: the tests at the end of a file write SQL of their own.
            let shipped = src.split("#[cfg(test)]").next().unwrap_or("").to_string();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                shipped,
            )
        })
        .collect();
    files.sort();
    let lexed: Vec<Vec<Lit>> = files.iter().map(|(_, s)| literals(s)).collect();
    let holes = holes();
    // Constants: first of the file itself, then of the whole store by name.
    let mut consts: HashMap<(String, String), String> = HashMap::new();
    let mut global: HashMap<String, Vec<String>> = HashMap::new();
    for ((file, src), lits) in files.iter().zip(&lexed) {
        for l in lits {
            if let Some(name) = const_name(&src[..l.start]) {
                consts.insert((file.clone(), name.to_string()), l.value.clone());
                global
                    .entry(name.to_string())
                    .or_default()
                    .push(l.value.clone());
            }
        }
    }
    let resolve = |file: &str, expr: &str| -> Option<Vec<String>> {
        let name = expr.rsplit("::").next().unwrap_or(expr);
        if let Some(v) = consts.get(&(file.to_string(), name.to_string())) {
            return Some(vec![v.clone()]);
        }
        if let Some(v) = global.get(name).filter(|v| v.len() == 1) {
            return Some(v.clone());
        }
        holes
            .iter()
            .find(|(f, h, _)| *f == file && *h == expr)
            .map(|(_, _, v)| v.clone())
    };
    let starts_statement = |t: &str| {
        let head = t.trim_start().to_ascii_uppercase();
        ["SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "REPLACE"]
            .iter()
            .any(|k| {
                head.starts_with(k)
                    && !head[k.len()..].starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
            })
    };
    let mut out = Vec::new();
    let mut unfilled = Vec::new();
    for ((file, src), lits) in files.iter().zip(&lexed) {
        for l in lits {
            let line = src[..l.start].lines().count();
            let place = format!("src/store/{file}:{line}");
            let is_format = src[..l.start].trim_end().ends_with("format!(");
            // A format string is a statement when it starts like one, or starts with a
            // constant of the store that does (`{SUPPLIER_SQL} WHERE …`).
            let head = l.value.trim_start();
            let leading_const = head
                .strip_prefix('{')
                .and_then(|h| h.split('}').next())
                .and_then(|name| resolve(file, name))
                .and_then(|v| v.into_iter().next())
                .unwrap_or_default();
            if !starts_statement(head) && !starts_statement(&leading_const) {
                continue;
            }
            let mut texts = vec![String::new()];
            if is_format {
                let args = format_args(src, lits, l.end);
                let mut next_positional = 0;
                let mut rest = l.value.as_str();
                while !rest.is_empty() {
                    let (piece, fill) = if let Some(r) = rest.strip_prefix("{{") {
                        rest = r;
                        ("{", None)
                    } else if let Some(r) = rest.strip_prefix("}}") {
                        rest = r;
                        ("}", None)
                    } else if let Some(r) = rest.strip_prefix('{') {
                        let close = r.find('}').unwrap_or(r.len());
                        let name = r[..close].split(':').next().unwrap_or("").trim();
                        rest = r.get(close + 1..).unwrap_or("");
                        let expr = if name.is_empty() {
                            next_positional += 1;
                            args.get(next_positional - 1).cloned().unwrap_or_default()
                        } else if let Ok(k) = name.parse::<usize>() {
                            args.get(k).cloned().unwrap_or_default()
                        } else {
                            name.to_string()
                        };
                        ("", Some(expr))
                    } else {
                        let k = rest.find(['{', '}']).unwrap_or(rest.len()).max(1);
                        let piece = &rest[..k];
                        rest = &rest[k..];
                        (piece, None)
                    };
                    match fill {
                        None => texts.iter_mut().for_each(|t| t.push_str(piece)),
                        Some(expr) => match resolve(file, &expr) {
                            Some(values) => {
                                texts = texts
                                    .iter()
                                    .flat_map(|t| values.iter().map(move |v| format!("{t}{v}")))
                                    .collect();
                            }
                            None => {
                                unfilled.push(format!("{place}: {{{expr}}}"));
                                texts.clear();
                                break;
                            }
                        },
                    }
                }
            } else {
                texts = vec![l.value.clone()];
            }
            if !texts.is_empty() {
                out.push(Statement { place, texts });
            }
        }
    }
    (out, unfilled)
}

/// Table names of a statement by the names its plan uses for them (aliases and names).
fn aliases(sql: &str) -> HashMap<String, BTreeSet<String>> {
    let words: Vec<String> = sql
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ','))
        .flat_map(|w| {
            let mut parts: Vec<String> = w.split(',').map(str::to_string).collect();
            let n = parts.len();
            // Keep the commas as words of their own, between the pieces they separate.
            (1..n).rev().for_each(|k| parts.insert(k, ",".into()));
            parts
        })
        .filter(|w| !w.is_empty())
        .collect();
    const NOT_ALIAS: &[&str] = &[
        "WHERE",
        "JOIN",
        "LEFT",
        "INNER",
        "CROSS",
        "NATURAL",
        "ON",
        "USING",
        "ORDER",
        "GROUP",
        "LIMIT",
        "UNION",
        "INDEXED",
        "NOT",
        "WINDOW",
        "HAVING",
        "SET",
        "VALUES",
        "DEFAULT",
        "EXCEPT",
        "INTERSECT",
        "RETURNING",
        "AS",
    ];
    let mut map: HashMap<String, BTreeSet<String>> = HashMap::new();
    let mut k = 0;
    while k < words.len() {
        let kw = words[k].to_ascii_uppercase();
        if kw == "FROM" || kw == "JOIN" || kw == "INTO" || kw == "UPDATE" {
            let mut j = k + 1;
            while let Some(table) = words.get(j) {
                let table = table.to_ascii_lowercase();
                map.entry(table.clone()).or_default().insert(table.clone());
                j += 1;
                if words.get(j).is_some_and(|w| w.eq_ignore_ascii_case("AS")) {
                    j += 1;
                }
                if let Some(alias) = words
                    .get(j)
                    .filter(|w| *w != "," && !NOT_ALIAS.contains(&w.to_ascii_uppercase().as_str()))
                {
                    map.entry(alias.to_ascii_lowercase())
                        .or_default()
                        .insert(table.clone());
                    j += 1;
                }
                if words.get(j).is_some_and(|w| w == ",") {
                    j += 1;
                } else {
                    break;
                }
            }
            k = j;
        } else {
            k += 1;
        }
    }
    map
}

/// One node of a query plan.
struct Node {
    id: i64,
    parent: i64,
    detail: String,
}

fn growing(table: &str) -> bool {
    CATALOG.contains(&table) || HISTORY.contains(&table)
}

/// The whole-table reads of a growing table that happen once per row of something else:
/// (table, why).
fn per_row_scans(sql: &str, plan: &[Node]) -> Vec<(String, &'static str)> {
    let names = aliases(sql);
    let lookup = sql.contains('?');
    let mut out = Vec::new();
    for (k, n) in plan.iter().enumerate() {
        let Some(rest) = n.detail.strip_prefix("SCAN ") else {
            continue;
        };
        let name = rest.split(' ').next().unwrap_or("").to_ascii_lowercase();
        let tables: Vec<String> = names
            .get(&name)
            .map(|t| t.iter().cloned().collect())
            .unwrap_or_else(|| vec![name.clone()]);
        let Some(table) = tables.into_iter().find(|t| growing(t)) else {
            continue;
        };
        // A table the statement does not name is read by SQLite's foreign-key check. For an
        // INSERT or UPDATE that runs only when a parent key changes or a deferred violation
        // is pending (kasir never changes ids and defers nothing); a DELETE of a parent row
        // runs it for every row deleted.
        let named = names.values().any(|t| t.contains(&table));
        if !named && !sql.trim_start().to_ascii_uppercase().starts_with("DELETE") {
            continue;
        }
        let mut correlated = false;
        let mut parent = n.parent;
        while parent != 0 {
            let Some(p) = plan.iter().find(|p| p.id == parent) else {
                break;
            };
            correlated |= p.detail.starts_with("CORRELATED ");
            parent = p.parent;
        }
        let inner_loop = plan[..k].iter().any(|m| {
            m.parent == n.parent
                && (m.detail.starts_with("SCAN ") || m.detail.starts_with("SEARCH "))
        });
        let why = if correlated {
            "read whole inside a correlated subquery, once per outer row"
        } else if inner_loop {
            "read whole as the inner loop of a join, once per outer row"
        } else if lookup {
            "read whole by a statement with parameters (a lookup, run once per thing looked up)"
        } else {
            continue;
        };
        out.push((table, why));
    }
    out
}

/// The statements of `sql`, split on `;` outside quotes.
fn split_statements(sql: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut quote, mut from) = (None, 0);
    for (k, c) in sql.char_indices() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, ';') => {
                out.push(&sql[from..k]);
                from = k + 1;
            }
            _ => {}
        }
    }
    out.push(&sql[from..]);
    out.into_iter().filter(|s| !s.trim().is_empty()).collect()
}

/// What the guard refuses in the store's sources as they are, as lines to show.
fn refusals(shop: &crate::service::Shop) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/store");
    let (statements, unfilled) = statements(&dir);
    assert!(
        statements.len() > 100,
        "the guard found only {} statements in {}",
        statements.len(),
        dir.display()
    );
    let mut refused: Vec<String> = unfilled
        .into_iter()
        .map(|h| format!("{h}: a piece the guard cannot fill; add samples to holes()"))
        .collect();
    let mut used = vec![false; ALLOWED.len()];
    let c = shop.store.conn();
    for s in &statements {
        for text in &s.texts {
            for sql in split_statements(text) {
                let plan: Vec<Node> = match c
                    .prepare(&format!("EXPLAIN QUERY PLAN {sql}"))
                    .and_then(|mut st| {
                        // Parameters stay unbound (NULL): the plan does not depend on them.
                        let mut rows = st.raw_query();
                        let mut plan = Vec::new();
                        while let Some(r) = rows.next()? {
                            plan.push(Node {
                                id: r.get(0)?,
                                parent: r.get(1)?,
                                detail: r.get(3)?,
                            });
                        }
                        Ok(plan)
                    }) {
                    Ok(plan) => plan,
                    Err(e) => {
                        refused.push(format!("{}: does not prepare ({e}): {sql}", s.place));
                        continue;
                    }
                };
                for (table, why) in per_row_scans(sql, &plan) {
                    let file = s.place.trim_start_matches("src/store/");
                    let file = file.split(':').next().unwrap_or("");
                    if let Some(k) = ALLOWED.iter().position(|(f, piece, t, _)| {
                        *f == file && sql.contains(piece) && *t == table
                    }) {
                        used[k] = true;
                        continue;
                    }
                    let shown = plan
                        .iter()
                        .map(|n| n.detail.as_str())
                        .collect::<Vec<_>>()
                        .join(" / ");
                    refused.push(format!(
                        "{}: `{table}` {why}\n    plan: {shown}\n    sql: {}",
                        s.place,
                        sql.split_whitespace().collect::<Vec<_>>().join(" ")
                    ));
                }
            }
        }
    }
    for ((file, piece, table, _), used) in ALLOWED.iter().zip(used) {
        if !used {
            refused.push(format!(
                "ALLOWED entry ({file}, {piece:?}, {table}) matches no plan any more: remove it"
            ));
        }
    }
    refused
}

fn small_shop() -> crate::service::Shop {
    let at = chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
        .and_then(|d| d.and_hms_opt(9, 0, 0))
        .unwrap();
    let mut shop = crate::service::Shop::new(
        super::Store::open_in_memory().unwrap(),
        Arc::new(crate::service::FixedClock::new(at)),
    );
    crate::service::demo::build(&mut shop, &mut |_, _| {}).unwrap();
    shop
}

#[test]
fn no_statement_reads_a_growing_table_once_per_row() {
    let refused = refusals(&small_shop());
    assert!(
        refused.is_empty(),
        "{} statement(s) of the store read a growing table once per row:\n{}",
        refused.len(),
        refused.join("\n")
    );
}

#[test]
fn the_catalog_export_is_refused_without_the_index_of_a_units_barcodes() {
    // The export's unit query asks each unit for its barcodes: without an index on the
    // barcode's unit, that read every barcode once per unit (minutes at 100k products).
    let shop = small_shop();
    shop.store
        .conn()
        .execute_batch("DROP INDEX barcodes_unit")
        .unwrap();
    let refused = refusals(&shop);
    assert!(
        refused.iter().any(|r| r.starts_with("src/store/catalog.rs")
            && r.contains("`barcodes` read whole inside a correlated subquery")
            && r.contains("group_concat(code")),
        "{refused:#?}"
    );
}

#[test]
fn statements_are_found_through_constants_format_pieces_and_raw_strings() {
    let src = r####"
        const HEAD: &str = "SELECT a FROM t";
        // "SELECT commented FROM out"
        fn f<'a>(x: &'a str) -> char { let _ = '"'; let s = format!("{HEAD} WHERE {}", cols()); 'x' }
        fn g() { c.prepare(r#"DELETE FROM "q" WHERE b = ?1"#); }
    "####;
    let lits = literals(src);
    let values: Vec<&str> = lits.iter().map(|l| l.value.as_str()).collect();
    assert_eq!(
        values,
        [
            "SELECT a FROM t",
            "{HEAD} WHERE {}",
            "DELETE FROM \"q\" WHERE b = ?1"
        ]
    );
    assert_eq!(const_name(&src[..lits[0].start]), Some("HEAD"));
    assert_eq!(format_args(src, &lits, lits[1].end), ["cols()"]);
    let names = aliases("SELECT 1 FROM products p, barcodes b JOIN product_units AS pu ON 1");
    assert!(names["p"].contains("products") && names["pu"].contains("product_units"));
    assert!(names["b"].contains("barcodes"));
}
