//! The mock gateway's memory under a long run: RSS of this process (the mock and its client)
//! after 0, 10,000 and 100,000 signed calls, then after bad-signature calls and three 30 MB
//! form posts. The journal keeps the last 1,024 requests with values cut to 4 KiB, so the
//! figures stay flat. `cargo bench --bench mock_memory`.

use std::time::Instant;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use topsdk::Client;
use topsdk::mock::MockGateway;

const KEY: &str = "bench-key";
const SECRET: &str = "bench-secret";

fn rss_kb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok())
        })
        .unwrap_or(0)
}

async fn calls(client: &Client, n: usize) {
    for i in 0..n {
        client
            .execute_raw(
                "alibaba.kongur.token.getosstoken",
                [("suit_ids".to_string(), format!("{i},{}", i + 1))],
            )
            .await
            .expect("the mock answers");
    }
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mock = MockGateway::start(topsdk::kongur::APIS, KEY, SECRET)
            .await
            .expect("mock");
        let client = Client::builder(KEY, SECRET)
            .gateway_url(mock.url())
            .build()
            .expect("client");
        // Warm up: connection pool, schema, allocator arenas.
        calls(&client, 2_000).await;
        let base = rss_kb();
        println!("signed calls   RSS (MB)   vs 0 calls");
        println!("{:>12} {:>10.1} {:>+11.1}", 0, base as f64 / 1024.0, 0.0);
        let mut done = 0;
        let start = Instant::now();
        for target in [10_000, 100_000] {
            calls(&client, target - done).await;
            done = target;
            let now = rss_kb();
            println!(
                "{:>12} {:>10.1} {:>+11.1}",
                target,
                now as f64 / 1024.0,
                (now as f64 - base as f64) / 1024.0
            );
        }
        println!(
            "({} calls in {:.1} s; the journal holds {} of {})",
            done,
            start.elapsed().as_secs_f64(),
            mock.requests().len(),
            mock.request_count()
        );
        let wrong = Client::builder(KEY, "wrong")
            .gateway_url(mock.url())
            .build()
            .expect("client");
        for _ in 0..10_000 {
            let _ = wrong
                .execute_raw("alibaba.kongur.token.getosstoken", [])
                .await;
        }
        let now = rss_kb();
        println!(
            "after 10,000 bad-signature calls: {:.1} MB ({:+.1})",
            now as f64 / 1024.0,
            (now as f64 - base as f64) / 1024.0
        );
        // Each post is read whole (the mock's cap is 64 MB) and dropped once answered: the
        // allocator keeps the pages for the next one, so three more do not add.
        for round in ["three", "six", "nine", "twelve"] {
            for _ in 0..3 {
                post_30mb(mock.addr()).await;
            }
            let now = rss_kb();
            println!(
                "after {round} 30 MB form posts: {:.1} MB ({:+.1})",
                now as f64 / 1024.0,
                (now as f64 - base as f64) / 1024.0
            );
        }
    });
}

async fn post_30mb(addr: std::net::SocketAddr) {
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    let body = format!(
        "method=alibaba.kongur.token.getosstoken&big={}",
        "x".repeat(30 << 20)
    );
    let head = format!(
        "POST /router/rest HTTP/1.1\r\nHost: {addr}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).await.expect("write");
    s.write_all(body.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer).await;
}
