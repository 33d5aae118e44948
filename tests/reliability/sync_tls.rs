//! `sslmode=require` on a real PostgreSQL that takes TLS connections only (`hostssl` in its
//! pg_hba.conf, a self-signed certificate made with the `openssl` command): init, join,
//! sync and status all go over TLS, and a plain connection is turned away.

use crate::common;
use crate::sync_pg::{start_pg, till_shop, Pg};

use std::process::Command;

use common::{json, kasir, ok};

/// Make `pg` take TLS connections only: a self-signed certificate in its data folder,
/// `ssl = on`, every TCP connection `hostssl`. False (after `SKIP:`) without `openssl`.
fn tls_only(pg: &Pg) -> bool {
    let mut c = pg.client();
    let data: String = c.query_one("SHOW data_directory", &[]).unwrap().get(0);
    let hba: String = c.query_one("SHOW hba_file", &[]).unwrap().get(0);
    let data = std::path::PathBuf::from(data);
    let made = Command::new("openssl")
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        ])
        .args(["-subj", "/CN=127.0.0.1", "-keyout"])
        .arg(data.join("server.key"))
        .arg("-out")
        .arg(data.join("server.crt"))
        .output();
    if !made.is_ok_and(|o| o.status.success()) {
        if std::env::var("KASIR_CI").as_deref() == Ok("1") {
            panic!("the openssl command is needed under KASIR_CI=1");
        }
        println!("SKIP: no openssl command to make a test certificate");
        return false;
    }
    // The server reads its key only when it owns it and nobody else may read it.
    let owner = std::fs::metadata(&data).map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid()
    });
    for f in ["server.key", "server.crt"] {
        let path = data.join(f);
        Command::new("chmod")
            .arg("600")
            .arg(&path)
            .status()
            .unwrap();
        if let Ok(uid) = owner {
            Command::new("chown")
                .arg(uid.to_string())
                .arg(&path)
                .status()
                .unwrap();
        }
    }
    std::fs::write(
        &hba,
        "local all all trust\nhostssl all all 127.0.0.1/32 trust\n",
    )
    .unwrap();
    c.batch_execute("ALTER SYSTEM SET ssl = on").unwrap();
    c.query_one("SELECT pg_reload_conf()", &[]).unwrap();
    // The reload is asynchronous: wait until a plain connection is turned away (≤ 5 s).
    for _ in 0..100 {
        if postgres::Client::connect(&pg.url(), postgres::NoTls).is_err() {
            return true;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the server still takes plain connections");
}

#[test]
fn sslmode_require_joins_pushes_and_reads_status_over_tls() {
    let Some(pg) = start_pg() else { return };
    if !tls_only(&pg) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("x.db");
    let plain = pg.url();
    let tls = format!("{plain}?sslmode=require");
    // Without TLS the server turns kasir away.
    let out = kasir(&nowhere, &["server", "init", "--url", &plain]);
    assert!(!out.status.success(), "a plain connection was taken");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("PostgreSQL"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    ok(&nowhere, &["server", "init", "--url", &tls]);
    let a = till_shop(dir.path(), "sembako-1");
    ok(
        &a,
        &["till", "join", "--server", &tls, "--till", "sembako-1"],
    );
    let creds: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{}.sync.json", a.display())).unwrap(),
    )
    .unwrap();
    assert_eq!(creds["tls"], true, "the till keeps to TLS");
    let r = json(&a, &["sync", "--once"]);
    assert_eq!(r["pending"], 0, "{r}");
    let status = json(&nowhere, &["server", "status", "--url", &tls]);
    assert_eq!(status["tills"][0]["till"], "sembako-1");
    assert!(status["tills"][0]["last_push"].is_string());
}
