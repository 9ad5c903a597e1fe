//! `import-sdk` throughput: the first 1,000 catalogue APIs written as a Java SDK (a request and
//! a response class each: 2,000 top-level classes, their inner classes besides), as a folder and
//! as a zip, read back into specs. Goal (issue 46): a 2,000-class SDK in < 5 s.

use criterion::{Criterion, criterion_group, criterion_main};
use std::path::Path;
use topgen::test_util::import::sdk::{SdkOptions, import_sdk};

fn import(c: &mut Criterion) {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let specs = topgen::test_util::load_paths(&[spec]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    for s in specs.iter().take(1000) {
        topgen::test_util::java_sdk::write_java(
            &topgen::test_util::java_sdk::java_view(&s.spec),
            dir.path(),
        );
    }
    let zip = dir.path().join("sdk.zip");
    write_zip(dir.path(), &zip);
    let mut g = c.benchmark_group("import_sdk");
    g.sample_size(10);
    g.throughput(criterion::Throughput::Elements(2000));
    g.bench_function("2000_java_classes_folder", |b| {
        b.iter(|| {
            let imp = import_sdk(dir.path(), &SdkOptions::default()).unwrap();
            assert_eq!(imp.apis.len(), 1000);
        })
    });
    g.bench_function("2000_java_classes_zip", |b| {
        b.iter(|| {
            let imp = import_sdk(&zip, &SdkOptions::default()).unwrap();
            assert_eq!(imp.apis.len(), 1000);
        })
    });
    g.finish();
}

/// The sources under `dir` as a deflated zip at `to`.
fn write_zip(dir: &Path, to: &Path) {
    use std::io::Write;
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "java") {
                files.push(p);
            }
        }
    }
    files.sort();
    let mut w = zip::ZipWriter::new(std::fs::File::create(to).unwrap());
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for f in files {
        let name = f.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
        w.start_file(name, opts).unwrap();
        w.write_all(&std::fs::read(&f).unwrap()).unwrap();
    }
    w.finish().unwrap();
}

criterion_group!(benches, import);
criterion_main!(benches);
