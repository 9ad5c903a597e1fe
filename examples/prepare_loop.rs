//! `prepare` in a loop, for profilers that count rather than time:
//!
//! ```sh
//! cargo build --release --example prepare_loop
//! valgrind --tool=callgrind target/release/examples/prepare_loop md5 1000
//! valgrind --tool=callgrind target/release/examples/prepare_loop md5 2000
//! ```
//!
//! The difference of the two totals over 1,000 is the instructions per call, without the
//! start-up (see BENCHMARKS.md). Arguments: sign method (default `md5`), calls (default 1,000).

use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};
use topsdk::Body;
use topsdk::kongur::alibaba_kongur_token_getosstoken as api;
use topsdk::{Client, SignMethod};

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let method = args.next().unwrap_or_else(|| "md5".into());
    let calls = args.next().unwrap_or_else(|| "1000".into());
    let (Ok(method), Ok(calls)) = (method.parse::<SignMethod>(), calls.parse::<u64>()) else {
        eprintln!("usage: prepare_loop [md5|hmac|hmac-sha256] [calls]");
        return ExitCode::from(64);
    };
    // The bench's instant, so the timestamp text is computed once and then reused.
    let at = UNIX_EPOCH + Duration::from_secs(1_795_924_800);
    let client = match Client::builder("12345678", "test_secret_123")
        .sign_method(method)
        .clock(Arc::new(topsdk::FixedClock(at)))
        .build()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::FAILURE;
        }
    };
    let req = api::Request::new()
        .kongur_app_key("kak-001")
        .suit_ids("1001,1002")
        .entrust_id("E-77");
    let mut body_bytes = 0;
    for _ in 0..calls {
        match client.prepare(std::hint::black_box(&req)) {
            Ok(p) => {
                if let Body::Form(b) = std::hint::black_box(&p).body() {
                    body_bytes += b.len();
                }
            }
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{calls} calls, {body_bytes} body bytes");
    ExitCode::SUCCESS
}
