//! Imports the sampled catalogue files (see sample.txt) and generates their bindings.

use std::path::Path;

fn main() {
    let corpus = Path::new("../../../shared/corpus/top-metadata");
    let sample = std::fs::read_to_string("sample.txt").unwrap_or_default();
    println!("cargo:rerun-if-changed=sample.txt");
    let mut builder = topgen::Builder::new();
    // Typed calls by name (each compiles its API's whole call path, ~0.4 s per API in a debug
    // build) for every fourth API of the sample, the fixtures and every fourth random spec;
    // all of them are compiled, documented and served by the mock.
    let mut called = topgen::Builder::new();
    let use_corpus = corpus.is_dir();
    if !use_corpus {
        println!(
            "cargo:warning=../shared/corpus/top-metadata not found: using the committed spec/ copies of the sample"
        );
    }
    for (i, line) in sample
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .enumerate()
    {
        let mut parts = line.split_whitespace();
        let (Some(file), Some(method)) = (parts.next(), parts.next()) else {
            eprintln!("error: sample.txt: `{line}` is not `<corpus file> <method>`");
            std::process::exit(1);
        };
        let category = file.split('/').next().unwrap_or_default();
        let spec = Path::new("../../spec")
            .join(category)
            .join(format!("{method}.yaml"));
        builder = if use_corpus {
            builder.import(corpus.join(file))
        } else {
            builder.spec_dir(&spec)
        };
        if i % 4 == 0 {
            called = called.spec_dir(spec);
        }
    }
    // The generator's adversarial fixtures (keywords, every type, deep nesting) compile here too.
    builder = builder.spec_dir("../../generator/tests/fixtures");
    called = called.spec_dir("../../generator/tests/fixtures");
    // And the doc-page fixtures, imported at build time.
    builder = builder.import("../../generator/tests/pages");
    called = called.import("../../generator/tests/pages");
    // And a fixed batch of random specs (the property test's generator, seeds 0..40).
    let random = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("random");
    let _ = std::fs::create_dir_all(&random);
    for seed in 0..40u64 {
        let spec = topgen::test_util::random::random_spec(seed);
        let yaml = serde_yaml_text(&spec);
        let file = random.join(format!("{}.yaml", spec.method));
        let _ = topgen::test_util::write_if_changed(&file, &yaml);
        if seed % 4 == 0 {
            called = called.spec_dir(file);
        }
    }
    builder = builder.spec_dir(random);
    builder.build("sample_apis.rs");
    // The test calls these by name through their typed bindings.
    called.calls_by_name().build("called_apis.rs");
}

fn serde_yaml_text(spec: &topgen::model::ApiSpec) -> String {
    topgen::test_util::import::to_yaml(spec, Path::new("random")).unwrap_or_default()
}
