//! The generated code of the seed spec and of every fixture spec, snapshotted (insta).
//! The same code is compiled (warnings denied) by the root crate and by tests/catalogue.

use std::path::{Path, PathBuf};

fn generate(file: &Path) -> String {
    topgen::generate_paths(&[file.to_path_buf()], &topgen::Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn specs(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    topgen::spec_files(&[root]).unwrap()
}

#[test]
fn seed_spec() {
    for f in specs("../spec/kongur") {
        let name = f.file_stem().unwrap().to_string_lossy().replace('.', "_");
        insta::assert_snapshot!(name, generate(&f));
    }
}

#[test]
fn fixture_specs() {
    let files = specs("tests/fixtures");
    assert!(files.len() >= 3);
    for f in files {
        let name = format!("fixture_{}", f.file_stem().unwrap().to_string_lossy());
        insta::assert_snapshot!(name, generate(&f));
    }
}

#[test]
fn output_is_deterministic() {
    let files = specs("tests/fixtures");
    let a = topgen::generate_paths(&files, &topgen::Options::default()).unwrap();
    let mut reversed = files.clone();
    reversed.reverse();
    let b = topgen::generate_paths(&reversed, &topgen::Options::default()).unwrap();
    assert_eq!(a, b);
}
