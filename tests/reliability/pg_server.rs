//! A throwaway PostgreSQL server from the installed package: `initdb -A trust` and `pg_ctl`
//! into a temp dir, as the `postgres` user when running as root, on a free 127.0.0.1 port;
//! stopped when dropped. Without PostgreSQL, [`start_pg`] prints `SKIP:` and gives `None`;
//! under `KASIR_CI=1` it panics instead. Shared by the reliability tests (`sync_pg` and the
//! other sync tests) and the sync benchmarks (`benches/sync.rs` includes this file).

use std::path::PathBuf;
use std::process::Command;

/// A throwaway PostgreSQL server; stopped when dropped.
pub struct Pg {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    as_postgres: bool,
}

impl Pg {
    pub fn url(&self) -> String {
        format!("postgresql://kasir@127.0.0.1:{}/postgres", self.port)
    }

    pub fn client(&self) -> postgres::Client {
        postgres::Client::connect(&self.url(), postgres::NoTls).expect("connect as owner")
    }

    fn ctl(&self, args: &[&str]) -> std::process::Output {
        let pg_ctl = self.bin.join("pg_ctl");
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&pg_ctl);
            c
        } else {
            Command::new(&pg_ctl)
        };
        cmd.args(args).output().expect("run pg_ctl")
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The folder of the server's Unix socket.
    pub fn socket_dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// Start the server (again) on its port, waiting until it accepts connections.
    pub fn start(&self) {
        let data = self.dir.path().join("data");
        let opts = format!(
            "-c listen_addresses=127.0.0.1 -p {} -k {} -c fsync=off",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log");
        let out = self.ctl(&[
            "-D",
            data.to_str().unwrap(),
            "-o",
            &opts,
            "-l",
            log.to_str().unwrap(),
            "-w",
            "start",
        ]);
        assert!(
            out.status.success(),
            "pg_ctl start failed: {}\n{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
    }

    /// Stop the server as a power cut would (`pg_ctl stop -m immediate`): no checkpoint,
    /// every connection dropped, recovery from the WAL at the next start.
    pub fn stop_immediate(&self) {
        let out = self.ctl_stop();
        assert!(
            out.status.success(),
            "pg_ctl stop failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn ctl_stop(&self) -> std::process::Output {
        let data = self.dir.path().join("data");
        self.ctl(&[
            "-D",
            data.to_str().unwrap(),
            "-m",
            "immediate",
            "-w",
            "stop",
        ])
    }
}

impl Drop for Pg {
    fn drop(&mut self) {
        let _ = self.ctl_stop();
    }
}

fn skip(why: &str) -> Option<Pg> {
    if std::env::var("KASIR_CI").as_deref() == Ok("1") {
        panic!("PostgreSQL is required under KASIR_CI=1: {why}");
    }
    println!("SKIP: {why}");
    None
}

/// The newest installed PostgreSQL's bin directory (Debian: /usr/lib/postgresql/N/bin).
fn pg_bin() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|e| {
            let v: u32 = e.file_name().to_str()?.parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, b)| b)
}

pub fn start_pg() -> Option<Pg> {
    let Some(bin) = pg_bin() else {
        return skip("PostgreSQL is not installed (/usr/lib/postgresql/*/bin/initdb)");
    };
    let root = Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false);
    let dir = tempfile::tempdir().expect("tempdir");
    if root {
        // initdb refuses root: the server runs as `postgres`, in a folder it owns.
        let chown = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(dir.path())
            .status();
        if !chown.is_ok_and(|s| s.success()) {
            return skip("running as root and there is no `postgres` user to run PostgreSQL");
        }
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let pg = Pg {
        dir,
        bin,
        port,
        as_postgres: root,
    };
    let data = pg.dir.path().join("data");
    let initdb = pg.bin.join("initdb");
    let mut cmd = if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(&initdb);
        c
    } else {
        Command::new(&initdb)
    };
    let out = cmd
        .args(["-A", "trust", "-U", "kasir", "-E", "UTF8", "-D"])
        .arg(&data)
        .output()
        .expect("run initdb");
    assert!(
        out.status.success(),
        "initdb failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    pg.start();
    Some(pg)
}
