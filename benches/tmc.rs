//! TMC end to end over loopback: mock server -> websocket -> frame decode -> typed content ->
//! confirm. `cargo bench --bench tmc` prints:
//! - throughput: messages per second for a backlog of 200,000 (3 runs);
//! - memory: the consumer's peak RSS (a separate process, so the mock's backlog is not
//!   counted) with a slow handler, for backlogs of 1,000 and 100,000;
//! - `topsdk tmc listen` with its stdout stalled (a pipe nobody reads) and 100 gzip messages
//!   that inflate to 15 MiB each: its peak RSS, which the read-ahead in bytes bounds (the
//!   release CLI, `cargo build --release -p topsdk-cli`, or `TOPSDK_BIN`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};
use topsdk::mock::{MockTmc, Published};
use topsdk::tmc::{ConnectToken, Message, TmcBuilder};
use topsdk_topics::Topic;

const KEY: &str = "bench-key";
const SECRET: &str = "bench-secret";
const CONTENT: &str = r#"{"buyer_nick":"buyer1","payment":"1299.00","oid":4345678901234567891,"tid":4345678901234567891,"type":"guarantee_trade","seller_nick":"shop1","status":"WAIT_BUYER_PAY"}"#;

fn main() {
    // `cargo bench` passes `--bench`; the child role comes through the environment.
    if let Ok(url) = std::env::var("TMC_BENCH_CONSUMER") {
        consumer(&url);
        return;
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        for run in 1..=3 {
            throughput(run, 200_000).await;
        }
        for backlog in [1_000, 100_000] {
            memory(backlog).await;
        }
        listen_stalled().await;
    });
}

async fn listen_stalled() {
    let bin = std::env::var_os("TOPSDK_BIN")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/topsdk")
        });
    if !bin.exists() {
        println!(
            "tmc listen, stalled stdout: NOT RUN: no {} (cargo build --release -p topsdk-cli)",
            bin.display()
        );
        return;
    }
    let tmc = MockTmc::start(KEY, SECRET).await.expect("mock");
    tmc.set_window(usize::MAX);
    // 15 MiB of JSON that gzip takes down to ~15 KB.
    let big = format!(r#"{{"tid":1,"pad":"{}"}}"#, "x".repeat(15 * 1024 * 1024));
    for _ in 0..100 {
        tmc.publish(Published::new("taobao_trade_TradeCreate", big.clone()).gzip(true));
    }
    drop(big);
    let mut child = tokio::process::Command::new(&bin)
        .args(["tmc", "listen"])
        .env("TOP_APP_KEY", KEY)
        .env("TOP_APP_SECRET", SECRET)
        .env("TOP_TMC_URL", tmc.url())
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("topsdk tmc listen");
    // stdout is held, never read: the CLI blocks on its first writes.
    let _stalled = child.stdout.take();
    tokio::time::sleep(Duration::from_secs(10)).await;
    let pid = child.id().expect("pid");
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .map(|l| l[name.len()..].trim().to_string())
            .unwrap_or_else(|| "unknown".into())
    };
    println!(
        "tmc listen, stalled stdout, 100 gzip messages of 15 MiB inflated: peak RSS {}, RSS now {} \
         (mock pushed {}, confirmed {})",
        field("VmHWM:"),
        field("VmRSS:"),
        tmc.stats().pushed,
        tmc.stats().confirmed
    );
    let _ = child.kill().await;
}

fn typed_ok(msg: &Message) -> bool {
    matches!(msg.typed::<Topic>(), Ok(Topic::TaobaoTradeTradeCreate(c)) if c.tid.is_some())
}

async fn throughput(run: u32, n: u64) {
    let tmc = MockTmc::start(KEY, SECRET).await.expect("mock");
    tmc.set_window(20_000);
    for i in 0..n {
        tmc.publish(Published::new("taobao_trade_TradeCreate", CONTENT).gzip(i % 10 == 0));
    }
    let typed = Arc::new(AtomicU64::new(0));
    let t = typed.clone();
    let started = Instant::now();
    let messages = TmcBuilder::new(KEY, SECRET)
        .url(tmc.url())
        .expect("url")
        .connect_token(ConnectToken::Omit)
        .buffer(1024)
        .build()
        .connect()
        .await
        .expect("connect");
    let stop = messages.handle();
    let run_task = tokio::spawn(messages.run(64, move |msg: Arc<Message>| {
        let t = t.clone();
        async move {
            if typed_ok(&msg) {
                t.fetch_add(1, Ordering::Relaxed);
            }
            Ok::<(), String>(())
        }
    }));
    while tmc.stats().confirmed < n {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let secs = started.elapsed().as_secs_f64();
    stop.shutdown();
    let _ = run_task.await;
    assert_eq!(typed.load(Ordering::Relaxed), n, "every message typed");
    println!(
        "throughput run {run}: {n} messages (10% gzip) in {secs:.2} s = {:.0} msg/s (typed and confirmed)",
        n as f64 / secs
    );
}

async fn memory(backlog: u64) {
    let tmc = MockTmc::start(KEY, SECRET).await.expect("mock");
    // No server-side window: the consumer alone must bound what it holds.
    tmc.set_window(usize::MAX);
    for _ in 0..backlog {
        tmc.publish(Published::new("taobao_trade_TradeCreate", CONTENT));
    }
    let exe = std::env::current_exe().expect("exe");
    let out = tokio::process::Command::new(exe)
        .env("TMC_BENCH_CONSUMER", tmc.url())
        .output()
        .await
        .expect("consumer");
    let text = String::from_utf8_lossy(&out.stdout);
    println!(
        "memory, backlog {backlog}: {} (mock: {} pushed, {} confirmed)",
        text.trim(),
        tmc.stats().pushed,
        tmc.stats().confirmed
    );
}

/// The child: a slow handler (2 ms per message, 16 at a time) for 5 s, then its peak RSS.
fn consumer(url: &str) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let handled = Arc::new(AtomicU64::new(0));
    let h = handled.clone();
    rt.block_on(async {
        let messages = TmcBuilder::new(KEY, SECRET)
            .url(url)
            .expect("url")
            .connect_token(ConnectToken::Omit)
            .build()
            .connect()
            .await
            .expect("connect");
        let stop = messages.handle();
        let run = tokio::spawn(messages.run(16, move |msg: Arc<Message>| {
            let h = h.clone();
            async move {
                tokio::time::sleep(Duration::from_millis(2)).await;
                if typed_ok(&msg) {
                    h.fetch_add(1, Ordering::Relaxed);
                }
                Ok::<(), String>(())
            }
        }));
        tokio::time::sleep(Duration::from_secs(5)).await;
        stop.shutdown();
        let _ = run.await;
    });
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let hwm = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .map(|l| l.trim_start_matches("VmHWM:").trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!(
        "consumer peak RSS {hwm}, {} handled in 5 s (concurrency 16, read-ahead 256)",
        handled.load(Ordering::Relaxed)
    );
}
