//! Imports the sampled catalogue files (see sample.txt) and generates their bindings.

use std::path::Path;

fn main() {
    let corpus = Path::new("../../../shared/corpus/top-metadata");
    let sample = std::fs::read_to_string("sample.txt").unwrap_or_default();
    println!("cargo:rerun-if-changed=sample.txt");
    let mut builder = topgen::Builder::new();
    let use_corpus = corpus.is_dir();
    if !use_corpus {
        println!(
            "cargo:warning=../shared/corpus/top-metadata not found: using the committed spec/ copies of the sample"
        );
    }
    for line in sample
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
    {
        let mut parts = line.split_whitespace();
        let (Some(file), Some(method)) = (parts.next(), parts.next()) else {
            eprintln!("error: sample.txt: `{line}` is not `<corpus file> <method>`");
            std::process::exit(1);
        };
        builder = if use_corpus {
            builder.import(corpus.join(file))
        } else {
            let category = file.split('/').next().unwrap_or_default();
            builder.spec_dir(
                Path::new("../../spec")
                    .join(category)
                    .join(format!("{method}.yaml")),
            )
        };
    }
    // The generator's adversarial fixtures (keywords, every type, deep nesting) compile here too.
    builder = builder.spec_dir("../../generator/tests/fixtures");
    // And the doc-page fixtures, imported at build time.
    builder = builder.import("../../generator/tests/pages");
    // And a fixed batch of random specs (the property test's generator, seeds 0..40).
    let random = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("random");
    let _ = std::fs::create_dir_all(&random);
    for seed in 0..40u64 {
        let spec = topgen::test_util::random::random_spec(seed);
        let yaml = serde_yaml_text(&spec);
        let _ = topgen::test_util::write_if_changed(
            &random.join(format!("{}.yaml", spec.method)),
            &yaml,
        );
    }
    builder = builder.spec_dir(random);
    // The test calls every API by name through the typed bindings.
    builder.calls_by_name().build("sample_apis.rs");
}

fn serde_yaml_text(spec: &topgen::model::ApiSpec) -> String {
    topgen::test_util::import::to_yaml(spec, Path::new("random")).unwrap_or_default()
}
