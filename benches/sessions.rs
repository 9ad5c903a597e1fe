//! What a session handle costs: heap bytes per handle, time to make one, and connections and
//! throughput when 10,000 shops call through one client (a loopback gateway written for the
//! tests, `tests/support`). Prints a table for BENCHMARKS.md; `cargo bench --bench sessions`.

#[path = "../tests/support/mod.rs"]
mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use topsdk::kongur::alibaba_kongur_token_getosstoken as api;

/// Counts live heap bytes.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        // SAFETY: forwarded unchanged to the system allocator.
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const SHOPS: usize = 10_000;
/// A realistic TOP session: `6100e...` style, 51 characters.
fn session(i: usize) -> String {
    format!("6100e{i:05}a8b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1")
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let ok = r#"{"alibaba_kongur_token_getosstoken_response":{"kongur_oss_result_do":{"success":true},"request_id":"r"}}"#;
        let g = support::Gateway::start(vec![], Some(support::Answer::json(ok))).await;
        let client = topsdk::Client::builder("12345678", "secret")
            .gateway_url(&g.url)
            .build()
            .unwrap();
        let sessions: Vec<String> = (0..SHOPS).map(session).collect();

        let before = LIVE.load(Ordering::Relaxed);
        let t = Instant::now();
        let handles: Vec<topsdk::Client> =
            sessions.iter().map(|s| client.with_session(s)).collect();
        let make = t.elapsed();
        let after = LIVE.load(Ordering::Relaxed);
        let vec_bytes = SHOPS * std::mem::size_of::<topsdk::Client>();
        let per_handle = (after - before - vec_bytes) as f64 / SHOPS as f64;

        // A fresh client per shop instead (what one `Client` per session costs).
        let before = LIVE.load(Ordering::Relaxed);
        let separate: Vec<topsdk::Client> = sessions[..100]
            .iter()
            .map(|s| {
                topsdk::Client::builder("12345678", "secret")
                    .gateway_url(&g.url)
                    .session(s)
                    .build()
                    .unwrap()
            })
            .collect();
        let per_client = (LIVE.load(Ordering::Relaxed) - before) as f64 / 100.0;
        drop(separate);

        let t = Instant::now();
        for h in &handles {
            h.execute(&api::Request::new()).await.unwrap();
        }
        let calls = t.elapsed();
        println!("shops (session handles)            {SHOPS}");
        println!(
            "size_of::<Client>()                {} bytes",
            std::mem::size_of::<topsdk::Client>()
        );
        println!("heap per session handle            {per_handle:.0} bytes (51-char session)");
        println!("heap per separate Client (1 shop)  {per_client:.0} bytes, before any connection");
        println!(
            "with_session                       {:.0} ns per handle",
            make.as_nanos() as f64 / SHOPS as f64
        );
        println!(
            "calls through {SHOPS} handles         {:.0} calls/s (sequential, loopback, one core)",
            SHOPS as f64 / calls.as_secs_f64()
        );
        println!("connections opened                 {}", g.connections());
        assert_eq!(g.connections(), 1, "handles must share one connection pool");
    });
}
