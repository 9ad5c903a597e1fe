//! Generator throughput: load + validate + codegen + format for 1, 100 and 1,000 specs of the
//! imported catalogue under spec/ (the whole catalogue is timed with the CLI; see BENCHMARKS.md).

use criterion::{Criterion, criterion_group, criterion_main};
use std::path::Path;

fn generate(c: &mut Criterion) {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let files = topgen::test_util::spec_files(&[spec]).unwrap();
    let mut g = c.benchmark_group("generate");
    g.sample_size(10);
    for n in [1usize, 100, 1000] {
        let part = &files[..n.min(files.len())];
        g.throughput(criterion::Throughput::Elements(part.len() as u64));
        g.bench_function(format!("{n}_specs"), |b| {
            b.iter(|| {
                let specs = topgen::test_util::load_and_validate(part).unwrap();
                topgen::test_util::codegen::generate(&specs, &topgen::Options::default())
            })
        });
    }
    g.finish();
}

criterion_group!(benches, generate);
criterion_main!(benches);
