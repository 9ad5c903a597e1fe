//! `topsdk mock` out of file descriptors: run under `ulimit -n 64` and flooded with more
//! connections than that, its accept loop backs off instead of spinning (its CPU time over
//! two seconds is measured from /proc), and it serves again once the flood is gone.

mod support;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;
use support::{BIN, KEY, SECRET};

/// utime + stime of `pid`, in clock ticks.
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

#[test]
fn out_of_descriptors_the_mock_backs_off_and_recovers() {
    if !std::path::Path::new("/proc/self/stat").exists() {
        panic!("this test reads /proc (Linux); it cannot run here");
    }
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -n 64 && exec {BIN} mock --listen 127.0.0.1:0 --tmc-listen 127.0.0.1:0 --app-key {KEY} --app-secret {SECRET}"
        ))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    let url = line.trim().strip_prefix("gateway: ").unwrap().to_string();
    let addr = url
        .strip_prefix("http://")
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string();
    // 120 idle connections: the mock holds each (it has 30 s to get headers), runs out of
    // descriptors, and the rest wait in the listen backlog (a connect the backlog cannot take
    // is given up after 200 ms).
    let sock: std::net::SocketAddr = addr.parse().unwrap();
    let flood: Vec<std::net::TcpStream> = (0..120)
        .filter_map(|_| {
            std::net::TcpStream::connect_timeout(&sock, Duration::from_millis(200)).ok()
        })
        .collect();
    assert!(flood.len() > 64, "only {} connections", flood.len());
    std::thread::sleep(Duration::from_millis(500));
    let before = cpu_ticks(child.id());
    std::thread::sleep(Duration::from_secs(2));
    let spent = cpu_ticks(child.id()) - before;
    // Clock ticks are 1/100 s: a spinning accept loop burns ~190 of them in 2 s.
    assert!(
        spent < 40,
        "the mock used {spent} ticks of CPU in 2 s while out of descriptors"
    );
    drop(flood);
    // It answers again.
    let mut answered = false;
    for _ in 0..50 {
        let call = Command::new(BIN)
            .args(["call", "taobao.time.get"])
            .env("TOP_APP_KEY", KEY)
            .env("TOP_APP_SECRET", SECRET)
            .env("TOP_GATEWAY_URL", &url)
            .output()
            .unwrap();
        if call.status.success() {
            answered = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    assert!(answered, "the mock did not answer after the flood");
}
