//! A private PostgreSQL cluster for one test binary (Debian's `postgresql`; as root,
//! `initdb` and `pg_ctl` run as the `postgres` user), stopped by a watcher when the test
//! process ends. Without PostgreSQL: said once, unless `TOPSDK_REQUIRE_POSTGRES=1` (CI),
//! which makes a missing server a failure. Shared by tests/postgres_store.rs and the CLI's
//! tests (`#[path]`).

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// A running cluster (stopped by a watcher when the test process ends).
/// The cluster's superuser password (a test cluster's, on loopback).
pub const PASSWORD: &str = "topsdk-test-pw";

pub struct Cluster {
    pub url: String,
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// `program` as the `postgres` user when this process is root (initdb refuses root).
fn as_postgres(program: PathBuf) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

/// The binaries of the newest PostgreSQL installed.
fn bin_dir() -> Option<PathBuf> {
    let mut majors: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists())
        .collect();
    majors.sort();
    majors.pop()
}

fn start() -> Result<Cluster, String> {
    let bin = bin_dir().ok_or("no PostgreSQL under /usr/lib/postgresql (package postgresql)")?;
    let dir = std::env::temp_dir().join(format!("topsdk-pg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    if is_root() {
        let ok = Command::new("chown")
            .args(["postgres", &dir.to_string_lossy()])
            .status()
            .map_err(|e| e.to_string())?;
        if !ok.success() {
            return Err("chown postgres failed (no postgres user?)".into());
        }
    }
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map_err(|e| e.to_string())?
        .port();
    let data = dir.join("data");
    // Passwords checked over TCP (a test gives a wrong one), trust on the private socket.
    let pwfile = dir.join("pw");
    std::fs::write(&pwfile, PASSWORD).map_err(|e| e.to_string())?;
    let out = as_postgres(bin.join("initdb"))
        .args([
            "-D",
            &data.to_string_lossy(),
            "--auth-host=scram-sha-256",
            "--auth-local=trust",
            "-U",
            "test",
            "--no-sync",
        ])
        .arg(format!("--pwfile={}", pwfile.display()))
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!("initdb: {}", String::from_utf8_lossy(&out.stderr)));
    }
    let opts = format!(
        "-p {port} -k {} -c listen_addresses=127.0.0.1 -c fsync=off",
        dir.display()
    );
    let out = as_postgres(bin.join("pg_ctl"))
        .args(["-D", &data.to_string_lossy(), "-l"])
        .arg(dir.join("log"))
        .args(["-w", "-o", &opts, "start"])
        .output()
        .map_err(|e| e.to_string())?;
    if !out.status.success() {
        return Err(format!(
            "pg_ctl start: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    // Statics are never dropped: a watcher stops the cluster and removes its files once this
    // test process has ended.
    let stop = format!(
        "while kill -0 {pid} 2>/dev/null; do sleep 0.5; done; {runuser}{pg_ctl} -D {data} -m \
         immediate stop >/dev/null 2>&1; rm -rf {dir}",
        pid = std::process::id(),
        runuser = if is_root() {
            "runuser -u postgres -- "
        } else {
            ""
        },
        pg_ctl = bin.join("pg_ctl").display(),
        data = data.display(),
        dir = dir.display(),
    );
    Command::new("sh")
        .args(["-c", &stop])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| e.to_string())?;
    Ok(Cluster {
        url: format!("postgres://test:{PASSWORD}@127.0.0.1:{port}/postgres"),
    })
}

/// The cluster of this test binary, or None (said once) where PostgreSQL is missing and not
/// required.
pub fn cluster(test: &str) -> Option<&'static Cluster> {
    static CLUSTER: OnceLock<Result<Cluster, String>> = OnceLock::new();
    match CLUSTER.get_or_init(start) {
        Ok(c) => Some(c),
        Err(why) => {
            if std::env::var("TOPSDK_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("TOPSDK_REQUIRE_POSTGRES=1 and no PostgreSQL cluster started: {why}");
            }
            static SAID: OnceLock<()> = OnceLock::new();
            SAID.get_or_init(|| {
                eprintln!(
                    "NOT RUN: {test} needs PostgreSQL ({why}); install the `postgresql` \
                     package and run it with TOPSDK_REQUIRE_POSTGRES=1"
                );
            });
            None
        }
    }
}
