//! Helpers for tests that run the real `kasir` binary.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_kasir")
}

/// Run `kasir --db DB ARGS…`.
pub fn kasir(db: &Path, args: &[&str]) -> Output {
    Command::new(bin())
        .arg("--db")
        .arg(db)
        .args(args)
        .env("KASIR_LOG", "warn")
        .output()
        .expect("run kasir")
}

/// Run and require success; returns stdout.
pub fn ok(db: &Path, args: &[&str]) -> String {
    let out = kasir(db, args);
    assert!(
        out.status.success(),
        "kasir {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Run and require a refusal; returns the one-line message on stderr.
pub fn refused(db: &Path, args: &[&str]) -> String {
    let out = kasir(db, args);
    assert!(
        !out.status.success(),
        "kasir {args:?} should have been refused, stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr).trim().to_string();
    assert_eq!(
        err.lines().count(),
        1,
        "one-line reason expected, got: {err}"
    );
    err
}

/// Run with --json and parse stdout.
pub fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = ok(db, &all);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("bad JSON from {args:?}: {e}\n{out}"))
}

/// A demo shop in a fresh temp dir, with a shift open on the `cli` till.
pub fn demo_shop() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("shop.db");
    ok(&db, &["demo"]);
    ok(&db, &["shift", "open", "--float", "200000"]);
    (dir, db)
}

/// On-hand quantity (base units) of a product, as the CLI reports it.
pub fn on_hand(db: &Path, code: &str) -> String {
    let v = json(db, &["stock", code]);
    v["stock"][0]["on_hand"]
        .as_str()
        .expect("on_hand")
        .to_string()
}

/// Everything a refusal must leave unchanged: every sale of today and all stock.
pub fn snapshot(db: &Path) -> (serde_json::Value, serde_json::Value, serde_json::Value) {
    (
        json(db, &["sales", "list"]),
        json(db, &["stock"]),
        json(db, &["members", "show", "A0001"]),
    )
}

/// Whether an outside tool is on PATH. Without it a test prints `SKIP: <why>` and returns
/// early — except under `KASIR_CI=1`, where a missing tool fails the test.
pub fn have_tool(name: &str) -> bool {
    // Look on PATH itself: not every tool answers `--version` (dash's sh does not).
    let found = std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(name).is_file()));
    if !found {
        if std::env::var("KASIR_CI").as_deref() == Ok("1") {
            panic!("{name} is required under KASIR_CI=1 but is not on PATH");
        }
        println!("SKIP: {name} is not on PATH");
    }
    found
}

/// A small seeded generator (SplitMix64): suites print their seed and replay with `KASIR_SEED`.
pub struct Rng(pub u64);

impl Rng {
    /// The seed from `KASIR_SEED`, else a fresh one; printed either way.
    pub fn from_env(suite: &str) -> Rng {
        let seed = std::env::var("KASIR_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
            });
        eprintln!("{suite}: seed {seed} (replay with KASIR_SEED={seed})");
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// Whether the long versions of the suites run (`KASIR_LONG=1`, by hand: hours).
pub fn long_run() -> bool {
    std::env::var("KASIR_LONG").as_deref() == Ok("1")
}

/// How much a suite does: `long` under `KASIR_LONG=1`, `ci` under `KASIR_CI=1` (the middle
/// setting `.ci/run` uses, so CI exercises more than a developer's `cargo test` while the
/// whole run stays well under 30 minutes), else `short`.
pub fn sized<T>(short: T, ci: T, long: T) -> T {
    if long_run() {
        long
    } else if std::env::var("KASIR_CI").as_deref() == Ok("1") {
        ci
    } else {
        short
    }
}

/// The name libtest knows a test by: `module_path!()` of the calling file without the crate
/// (the test binary) in front, then the function. The test files share binaries as modules,
/// so `two_tills::till_seller_child`, never a bare `till_seller_child`.
pub fn test_name(module: &str, test: &str) -> String {
    match module.split_once("::") {
        Some((_, inside)) => format!("{inside}::{test}"),
        None => test.to_string(),
    }
}

/// The `#[ignore]`d tests of this test binary, as `--list --ignored` names them.
fn ignored_tests() -> &'static [String] {
    static LIST: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    LIST.get_or_init(|| {
        let out = Command::new(std::env::current_exe().expect("test binary"))
            .args(["--list", "--ignored"])
            .output()
            .expect("list the test binary's tests");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.strip_suffix(": test"))
            .map(str::to_string)
            .collect()
    })
}

/// Run one test of this same test binary as a child process (`--ignored --exact NAME`: the
/// child parts are `#[ignore]`d so they never count as tests of their own), with `env`;
/// the test notices the env and plays its part. stdout is piped. Call it as
/// `self_exec(module_path!(), "fn_name", env)`; a name the binary does not have fails here
/// rather than starting a child that runs nothing.
pub fn self_exec(module: &str, test: &str, env: &[(&str, String)]) -> std::process::Child {
    let test = test_name(module, test);
    assert!(
        ignored_tests().contains(&test),
        "no ignored test {test} in this binary: {:?}",
        ignored_tests()
    );
    let mut c = Command::new(std::env::current_exe().expect("test binary"));
    // Child parts are `#[ignore]`d, so that a plain run never counts them as passing tests.
    c.args([
        "--ignored",
        "--exact",
        &test,
        "--nocapture",
        "--test-threads=1",
        "--quiet",
    ])
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::null());
    for (k, v) in env {
        c.env(k, v);
    }
    c.spawn().expect("spawn child test")
}

/// The shop's journals exported for hledger into `out`; when hledger is installed (always
/// under `KASIR_CI=1`), `hledger check` with `checks` (e.g. `accounts`) must pass on them.
/// Returns whether hledger ran.
#[allow(dead_code)]
pub fn hledger_export_checked(db: &Path, out: &Path, checks: &[&str]) -> bool {
    ok(
        db,
        &[
            "ledger",
            "export",
            "--format",
            "hledger",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    if !have_tool("hledger") {
        return false;
    }
    let run = std::process::Command::new("hledger")
        .arg("-f")
        .arg(out)
        .arg("check")
        .args(checks)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "hledger check {checks:?}: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    true
}
