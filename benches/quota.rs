//! The client's quota limiter per call, uncontended (one task) and with 16 tasks on 2 threads:
//! app, API and session buckets all checked, rates high enough never to wait.
//! `cargo bench --bench quota`.

use std::sync::Arc;
use std::time::Instant;
use topsdk::quota::{Quotas, Rate};
use topsdk::test_util::Limiter;

const CALLS: u64 = 2_000_000;

fn quotas() -> Quotas {
    Quotas::new()
        .app(Rate::per_second(1e12))
        .api("taobao.trades.sold.get", Rate::per_second(1e12))
        .session(Rate::per_second(1e12))
}

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let mut rounds = Vec::new();
        for _ in 0..5 {
            let l = Limiter::new(quotas());
            let t = Instant::now();
            for i in 0..CALLS {
                l.acquire("taobao.trades.sold.get", Some(i % 64))
                    .await
                    .expect("never limited");
            }
            rounds.push(t.elapsed().as_nanos() as f64 / CALLS as f64);
        }
        rounds.sort_by(f64::total_cmp);
        println!(
            "one task, app + API + session rates: {:.0} ns a call (median of 5 x {CALLS})",
            rounds[2]
        );
        let app = Limiter::new(Quotas::new().app(Rate::per_second(1e12)));
        let t = Instant::now();
        for _ in 0..CALLS {
            app.acquire("taobao.trades.sold.get", None)
                .await
                .expect("never limited");
        }
        println!(
            "one task, an app rate only: {:.0} ns a call",
            t.elapsed().as_nanos() as f64 / CALLS as f64
        );
        let none = Limiter::new(Quotas::new());
        let t = Instant::now();
        for i in 0..CALLS {
            none.acquire("taobao.trades.sold.get", Some(i % 64))
                .await
                .expect("never limited");
        }
        println!(
            "one task, no rates and no ban (the default client): {:.1} ns a call",
            t.elapsed().as_nanos() as f64 / CALLS as f64
        );
        let l = Arc::new(Limiter::new(quotas()));
        let t = Instant::now();
        let per_task = CALLS / 16;
        let tasks: Vec<_> = (0..16u64)
            .map(|k| {
                let l = l.clone();
                tokio::spawn(async move {
                    for _ in 0..per_task {
                        l.acquire("taobao.trades.sold.get", Some(k))
                            .await
                            .expect("never limited");
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task");
        }
        println!(
            "16 tasks, 2 threads: {:.0} ns a call",
            t.elapsed().as_nanos() as f64 / (per_task * 16) as f64
        );
    });
}
