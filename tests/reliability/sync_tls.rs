//! TLS to the coop's server on a real PostgreSQL that takes TLS connections only (`hostssl`
//! in its pg_hba.conf, certificates made with the `openssl` command):
//! - `sslmode=require`: init, join, sync and status all go over TLS, any certificate;
//! - `sslmode=verify-full` / `verify-ca` with `sslrootcert`: a small CA signs the server's
//!   certificate for 127.0.0.1; the till remembers the mode and the root, and keeps
//!   verifying; another CA's certificate is refused, a certificate for another name is
//!   refused by verify-full and taken by verify-ca; no root is a refusal.

use crate::common;
use crate::sync_pg::{sell, start_pg, till_shop, Pg};

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{json, kasir, ok, refused};

/// The owner's password in the addresses below: it must never reach a file or a message
/// (the test server trusts every local connection, so any password is taken).
const OWNER_SECRET: &str = "pemilik-rahasia-4711";

/// Run `openssl` in `dir`; false (after `SKIP:`) without the command.
fn openssl(dir: &Path, args: &[&str]) -> bool {
    let out = Command::new("openssl").current_dir(dir).args(args).output();
    match out {
        Ok(o) if o.status.success() => true,
        Ok(o) => panic!(
            "openssl {args:?} failed: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(_) => {
            if std::env::var("KASIR_CI").as_deref() == Ok("1") {
                panic!("the openssl command is needed under KASIR_CI=1");
            }
            println!("SKIP: no openssl command to make a test certificate");
            false
        }
    }
}

/// A certificate authority in `dir`: `NAME.crt` (its root certificate) and `NAME.key`.
fn make_ca(dir: &Path, name: &str) -> bool {
    openssl(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            &format!("/CN=kasir test {name}"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.crt"),
        ],
    )
}

/// A server certificate `NAME.crt` / `NAME.key` in `dir`, signed by the CA `ca` (made by
/// [`make_ca`] in the same folder), for the names in `san` (e.g. `IP:127.0.0.1`).
fn make_server_cert(dir: &Path, name: &str, ca: &str, san: &str) {
    assert!(openssl(
        dir,
        &[
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            "/CN=kasir test server",
            "-keyout",
            &format!("{name}.key"),
            "-out",
            &format!("{name}.csr"),
        ],
    ));
    std::fs::write(
        dir.join(format!("{name}.ext")),
        format!(
            "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName={san}\n"
        ),
    )
    .unwrap();
    assert!(openssl(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{name}.csr"),
            "-CA",
            &format!("{ca}.crt"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            &format!("{name}.ext"),
            "-out",
            &format!("{name}.crt"),
        ],
    ));
}

/// The PEM blocks of `text`, whitespace aside.
fn pem_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines().map(str::trim) {
        if line == "-----BEGIN CERTIFICATE-----" {
            current = Some(String::new());
        } else if line == "-----END CERTIFICATE-----" {
            blocks.extend(current.take());
        } else if let Some(c) = current.as_mut() {
            c.push_str(line);
        }
    }
    blocks
}

/// Have `pg` serve the certificate `crt` with its key `key`, TLS connections only
/// (`ssl = on`, every TCP connection `hostssl`); returns once a new connection is handed
/// that certificate.
fn serve(pg: &Pg, crt: &Path, key: &Path) {
    let mut c = pg_client(pg);
    let data: String = c.query_one("SHOW data_directory", &[]).unwrap().get(0);
    let hba: String = c.query_one("SHOW hba_file", &[]).unwrap().get(0);
    let data = PathBuf::from(data);
    // The server reads its key only when it owns it and nobody else may read it.
    let owner = std::fs::metadata(&data).map(|m| {
        use std::os::unix::fs::MetadataExt;
        m.uid()
    });
    for (from, to) in [(crt, "server.crt"), (key, "server.key")] {
        let path = data.join(to);
        std::fs::copy(from, &path).unwrap();
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
    // The reload is asynchronous: wait until a plain connection is turned away and the
    // server hands out the new certificate (≤ 10 s).
    let want = pem_blocks(&std::fs::read_to_string(crt).unwrap());
    for _ in 0..200 {
        let plain_refused = postgres::Client::connect(&pg.url(), postgres::NoTls).is_err();
        let served = Command::new("openssl")
            .args(["s_client", "-starttls", "postgres", "-connect"])
            .arg(format!("127.0.0.1:{}", pg.port()))
            .stdin(std::process::Stdio::null())
            .output()
            .map(|o| pem_blocks(&String::from_utf8_lossy(&o.stdout)))
            .unwrap_or_default();
        if plain_refused && served.first() == want.first() {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the server does not serve the new certificate over TLS only");
}

/// The owner's connection over the Unix socket (never refused by `hostssl`).
fn pg_client(pg: &Pg) -> postgres::Client {
    // Before TLS is switched on this is plain TCP; afterwards TCP needs TLS, so the owner's
    // own statements go through the socket folder the server was started with.
    match postgres::Client::connect(&pg.url(), postgres::NoTls) {
        Ok(c) => c,
        Err(_) => {
            let mut cfg = postgres::Config::new();
            cfg.host_path(pg.socket_dir())
                .port(pg.port())
                .user("kasir")
                .dbname("postgres");
            cfg.connect(postgres::NoTls)
                .expect("connect as owner by socket")
        }
    }
}

/// The owner's address with a password (to show it never leaks) and `params`.
fn owner(pg: &Pg, params: &str) -> String {
    format!(
        "postgresql://kasir:{OWNER_SECRET}@127.0.0.1:{}/postgres?{params}",
        pg.port()
    )
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

#[test]
fn sslmode_require_joins_pushes_and_reads_status_over_tls() {
    let Some(pg) = start_pg() else { return };
    let certs = tempfile::tempdir().unwrap();
    // A self-signed certificate: `require` takes any.
    if !openssl(
        certs.path(),
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-keyout",
            "self.key",
            "-out",
            "self.crt",
        ],
    ) {
        return;
    }
    serve(
        &pg,
        &certs.path().join("self.crt"),
        &certs.path().join("self.key"),
    );
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("x.db");
    let plain = pg.url();
    let tls = format!("{plain}?sslmode=require");
    // Without TLS the server turns kasir away.
    let out = kasir(&nowhere, &["server", "init", "--url", &plain]);
    assert!(!out.status.success(), "a plain connection was taken");
    assert!(stderr(&out).contains("PostgreSQL"), "{}", stderr(&out));
    ok(&nowhere, &["server", "init", "--url", &tls]);
    let a = till_shop(dir.path(), "sembako-1");
    ok(
        &a,
        &["till", "join", "--server", &tls, "--till", "sembako-1"],
    );
    let file = format!("{}.sync.json", a.display());
    let mut creds: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(creds["tls"], true, "the till keeps to TLS");
    let r = json(&a, &["sync", "--once"]);
    assert_eq!(r["pending"], 0, "{r}");
    // A credentials file written before kasir knew verify-full (only `tls`) still works.
    let fields = creds.as_object_mut().unwrap();
    fields.retain(|k, _| {
        ["till", "host", "port", "dbname", "role", "password", "tls"].contains(&k.as_str())
    });
    std::fs::write(&file, serde_json::to_string(&creds).unwrap()).unwrap();
    let r = json(&a, &["sync", "--once"]);
    assert_eq!(r["pending"], 0, "{r}");
    let status = json(&nowhere, &["server", "status", "--url", &tls]);
    assert_eq!(status["tills"][0]["till"], "sembako-1");
    assert!(status["tills"][0]["last_push"].is_string());
}

#[test]
fn verify_full_with_the_coops_root_joins_syncs_and_keeps_verifying() {
    let Some(pg) = start_pg() else { return };
    let certs = tempfile::tempdir().unwrap();
    if !make_ca(certs.path(), "coop-ca") || !make_ca(certs.path(), "other-ca") {
        return;
    }
    make_server_cert(certs.path(), "server", "coop-ca", "IP:127.0.0.1");
    make_server_cert(certs.path(), "forged", "other-ca", "IP:127.0.0.1");
    serve(
        &pg,
        &certs.path().join("server.crt"),
        &certs.path().join("server.key"),
    );
    let dir = tempfile::tempdir().unwrap();
    // The root is given by a path that goes away after the join: the till keeps its copy.
    let root = dir.path().join("root.crt");
    std::fs::copy(certs.path().join("coop-ca.crt"), &root).unwrap();
    let url = owner(
        &pg,
        &format!("sslmode=verify-full&sslrootcert={}", root.display()),
    );
    let nowhere = dir.path().join("x.db");
    ok(&nowhere, &["server", "init", "--url", &url]);
    let a = till_shop(dir.path(), "sembako-1");
    ok(
        &a,
        &["till", "join", "--server", &url, "--till", "sembako-1"],
    );
    let file = PathBuf::from(format!("{}.sync.json", a.display()));
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        !text.contains(OWNER_SECRET),
        "the owner's password is in the till's file"
    );
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the credentials file is the owner's only");
    }
    let creds: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(creds["sslmode"], "verify-full", "{creds:#}");
    assert_eq!(creds["tls"], true);
    let kept = creds["sslrootcert_pem"].as_str().unwrap_or_default();
    assert_eq!(
        pem_blocks(kept),
        pem_blocks(&std::fs::read_to_string(&root).unwrap()),
        "the till keeps the root certificate"
    );
    std::fs::remove_file(&root).unwrap();
    sell(&a, "sembako-1", 2);
    let r = json(&a, &["sync", "--once"]);
    assert_eq!(r["pending"], 0, "{r}");
    std::fs::copy(certs.path().join("coop-ca.crt"), &root).unwrap();
    let status = json(&nowhere, &["server", "status", "--url", &url]);
    assert_eq!(status["tills"][0]["till"], "sembako-1");
    assert!(status["tills"][0]["last_push"].is_string(), "{status}");

    // The server now shows a certificate another CA signed (a machine in its place): the
    // till refuses it, and so does the owner's address with the coop's root.
    serve(
        &pg,
        &certs.path().join("forged.crt"),
        &certs.path().join("forged.key"),
    );
    let out = kasir(&a, &["sync", "--once"]);
    assert!(
        !out.status.success(),
        "the till took another CA's certificate"
    );
    let err = stderr(&out);
    assert!(err.contains("Sertifikat server ditolak"), "{err}");
    let err = refused(&nowhere, &["server", "status", "--url", &url]);
    assert!(err.contains("Sertifikat server ditolak"), "{err}");
    assert!(!err.contains(OWNER_SECRET), "{err}");
    let out = kasir(
        &nowhere,
        &["--lang", "en", "server", "status", "--url", &url],
    );
    assert!(
        stderr(&out).contains("The server's certificate was refused"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn verify_full_refuses_another_ca_and_another_name_verify_ca_takes_another_name() {
    let Some(pg) = start_pg() else { return };
    let certs = tempfile::tempdir().unwrap();
    if !make_ca(certs.path(), "coop-ca") || !make_ca(certs.path(), "other-ca") {
        return;
    }
    make_server_cert(certs.path(), "forged", "other-ca", "IP:127.0.0.1");
    make_server_cert(
        certs.path(),
        "elsewhere",
        "coop-ca",
        "DNS:server.koperasi.example,IP:127.0.0.2",
    );
    let root = certs.path().join("coop-ca.crt");
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("x.db");
    let with = |mode: &str| {
        owner(
            &pg,
            &format!("sslmode={mode}&sslrootcert={}", root.display()),
        )
    };

    // Another CA signed the server's certificate: refused by both, and by require with a
    // root (as libpq, `require` with `sslrootcert` checks the chain).
    serve(
        &pg,
        &certs.path().join("forged.crt"),
        &certs.path().join("forged.key"),
    );
    for mode in ["verify-full", "verify-ca", "require"] {
        let err = refused(&nowhere, &["server", "init", "--url", &with(mode)]);
        assert!(err.contains("Sertifikat server ditolak"), "{mode}: {err}");
        assert!(!err.contains(OWNER_SECRET), "{err}");
    }

    // The coop's CA signed it, for another name: verify-full refuses, verify-ca takes it.
    serve(
        &pg,
        &certs.path().join("elsewhere.crt"),
        &certs.path().join("elsewhere.key"),
    );
    let err = refused(&nowhere, &["server", "init", "--url", &with("verify-full")]);
    assert!(err.contains("Sertifikat server ditolak"), "{err}");
    assert!(
        err.contains("127.0.0.1"),
        "the name that did not match: {err}"
    );
    ok(&nowhere, &["server", "init", "--url", &with("verify-ca")]);
    let a = till_shop(dir.path(), "sembako-1");
    ok(
        &a,
        &[
            "till",
            "join",
            "--server",
            &with("verify-ca"),
            "--till",
            "sembako-1",
        ],
    );
    let creds: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(format!("{}.sync.json", a.display())).unwrap(),
    )
    .unwrap();
    assert_eq!(creds["sslmode"], "verify-ca", "{creds:#}");
    let r = json(&a, &["sync", "--once"]);
    assert_eq!(r["pending"], 0, "{r}");
}

#[test]
fn verify_modes_without_a_root_are_refused_before_connecting() {
    // No server is needed: the address is refused as it is read.
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("x.db");
    let base = format!("postgresql://kasir:{OWNER_SECRET}@127.0.0.1:1/postgres");
    for mode in ["verify-full", "verify-ca"] {
        let url = format!("{base}?sslmode={mode}");
        let err = refused(&nowhere, &["server", "init", "--url", &url]);
        assert!(err.contains("sslrootcert"), "{mode}: {err}");
        assert!(!err.contains(OWNER_SECRET), "{err}");
        let out = kasir(&nowhere, &["--lang", "en", "server", "init", "--url", &url]);
        assert!(
            stderr(&out).contains("needs sslrootcert"),
            "{}",
            stderr(&out)
        );
        // The key=value form too.
        let kv = format!("host=127.0.0.1 port=1 user=kasir password={OWNER_SECRET} sslmode={mode}");
        let err = refused(&nowhere, &["server", "init", "--url", &kv]);
        assert!(err.contains("sslrootcert"), "{mode}: {err}");
    }
    // A root that is not there, or not a certificate.
    let url = format!("{base}?sslmode=verify-full&sslrootcert=/nonexistent/root.crt");
    let err = refused(&nowhere, &["server", "init", "--url", &url]);
    assert!(err.contains("/nonexistent/root.crt"), "{err}");
    let junk = dir.path().join("junk.crt");
    std::fs::write(&junk, "not a certificate\n").unwrap();
    let url = format!("{base}?sslmode=verify-full&sslrootcert={}", junk.display());
    let err = refused(&nowhere, &["server", "init", "--url", &url]);
    assert!(err.contains("junk.crt"), "{err}");
    // A root without a mode that checks it would be a false comfort: refused.
    let url = format!("{base}?sslrootcert={}", junk.display());
    let err = refused(&nowhere, &["server", "init", "--url", &url]);
    assert!(err.contains("sslmode"), "{err}");
    // An sslmode libpq does not know.
    let err = refused(
        &nowhere,
        &["server", "init", "--url", &format!("{base}?sslmode=verify")],
    );
    assert!(err.contains("sslmode"), "{err}");
    // A till joining with such an address keeps no file.
    let db = dir.path().join("till.db");
    ok(&db, &["demo"]);
    let err = refused(
        &db,
        &[
            "till",
            "join",
            "--server",
            &format!("{base}?sslmode=verify-full"),
            "--till",
            "sembako-1",
        ],
    );
    assert!(err.contains("sslrootcert"), "{err}");
    assert!(!PathBuf::from(format!("{}.sync.json", db.display())).exists());
}

#[test]
fn a_district_credentials_file_keeps_verify_full_and_its_root() {
    let Some(pg) = start_pg() else { return };
    let certs = tempfile::tempdir().unwrap();
    if !make_ca(certs.path(), "district-ca") || !make_ca(certs.path(), "other-ca") {
        return;
    }
    make_server_cert(certs.path(), "server", "district-ca", "IP:127.0.0.1");
    let district = crate::district_schema::database(&pg, "district");
    let coop = crate::district_schema::database(&pg, "coop");
    serve(
        &pg,
        &certs.path().join("server.crt"),
        &certs.path().join("server.key"),
    );
    let root = certs.path().join("district-ca.crt");
    let verified = |url: &str| format!("{url}?sslmode=verify-full&sslrootcert={}", root.display());
    let dir = tempfile::tempdir().unwrap();
    let nowhere = dir.path().join("x.db");
    ok(
        &nowhere,
        &[
            "server",
            "init",
            "--district",
            "--url",
            &verified(&district),
        ],
    );
    ok(&nowhere, &["server", "init", "--url", &verified(&coop)]);
    let role = kasir::store::district::register_coop(
        &verified(&district),
        "kdmp-maju",
        "KDMP Maju",
        false,
    )
    .unwrap();
    // The coop's district credentials file keeps the mode and the root as a till's does.
    let file = |name: &str, fields: serde_json::Value| {
        let mut v = serde_json::json!({
            "kind": "kasir-district", "coop": "kdmp-maju", "host": "127.0.0.1",
            "port": pg.port(), "dbname": "district", "role": role.role,
            "password": role.password, "tls": true,
        });
        v.as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        let path = dir.path().join(name);
        std::fs::write(&path, v.to_string()).unwrap();
        path.display().to_string()
    };
    let pem = |ca: &str| std::fs::read_to_string(certs.path().join(format!("{ca}.crt"))).unwrap();
    let good = file(
        "good.json",
        serde_json::json!({"sslmode": "verify-full", "sslrootcert_pem": pem("district-ca")}),
    );
    let coop_v = verified(&coop);
    let rebuild = ["server", "rebuild", "--url", &coop_v, "--district"];
    let with = |file: &str| -> Vec<String> {
        rebuild
            .iter()
            .map(|a| a.to_string())
            .chain([file.to_string()])
            .collect()
    };
    let built = json(&nowhere, &strs(&with(&good)));
    assert_eq!(built["quarantined"].as_i64(), Some(0), "{built}");
    // Another CA's root in the file: the district's certificate is refused.
    let other = file(
        "other.json",
        serde_json::json!({"sslmode": "verify-full", "sslrootcert_pem": pem("other-ca")}),
    );
    let err = refused(&nowhere, &strs(&with(&other)));
    assert!(err.contains("Sertifikat server ditolak"), "{err}");
    // A verify mode kept without its root: refused, nothing trusted.
    let bare = file("bare.json", serde_json::json!({"sslmode": "verify-full"}));
    let err = refused(&nowhere, &strs(&with(&bare)));
    assert!(err.contains("sslrootcert"), "{err}");

    // `district coop add` on a verify-full address writes a file that keeps the mode and the
    // root, and the relay checks the district's certificate with it.
    let added = dir.path().join("added.json");
    ok(
        &nowhere,
        &[
            "district",
            "coop",
            "add",
            "--url",
            &verified(&district),
            "--coop",
            "kdmp-maju",
            "--rejoin",
            "--out",
            added.to_str().unwrap(),
        ],
    );
    let mut kept: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&added).unwrap()).unwrap();
    assert_eq!(kept["sslmode"], "verify-full", "{kept}");
    assert_eq!(
        pem_blocks(kept["sslrootcert_pem"].as_str().unwrap()),
        pem_blocks(&pem("district-ca"))
    );
    let relayed = json(
        &nowhere,
        &[
            "relay",
            "--to",
            added.to_str().unwrap(),
            "--from",
            &verified(&coop),
        ],
    );
    assert_eq!(relayed["coop"], "kdmp-maju", "{relayed}");
    kept["sslrootcert_pem"] = serde_json::json!(pem("other-ca"));
    std::fs::write(&added, kept.to_string()).unwrap();
    let err = refused(
        &nowhere,
        &[
            "relay",
            "--to",
            added.to_str().unwrap(),
            "--from",
            &verified(&coop),
        ],
    );
    assert!(err.contains("Sertifikat server ditolak"), "{err}");
}

fn strs(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}
