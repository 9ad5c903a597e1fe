//! Generates bindings into `OUT_DIR/top_apis.rs` for the selected specs only:
//! - `full`: everything under `spec/` (including spec files you add);
//! - otherwise each enabled category feature (`legalcase` -> `spec/legalcase/`),
//! - plus the methods listed in `TOPSDK_APIS` (comma-separated), wherever they live.
//!
//! Only the selected files are read, and only they trigger a rebuild when changed.

use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new("spec");
    println!("cargo:rerun-if-env-changed=TOPSDK_APIS");
    let mut builder = topgen::Builder::new();
    if std::env::var_os("CARGO_FEATURE_FULL").is_some() {
        builder = builder.spec_dir(root);
    } else {
        for dir in category_dirs(root) {
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let feature = format!("CARGO_FEATURE_{}", name.to_uppercase().replace('-', "_"));
            if std::env::var_os(feature).is_some() {
                builder = builder.spec_dir(dir);
            }
        }
        let wanted = std::env::var("TOPSDK_APIS").unwrap_or_default();
        for method in wanted.split(',').map(str::trim).filter(|m| !m.is_empty()) {
            match find_method(root, method) {
                Some(file) => builder = builder.spec_dir(file),
                None => {
                    eprintln!(
                        "error: TOPSDK_APIS names `{method}`, but no spec/<category>/{method}.yaml exists"
                    );
                    std::process::exit(1);
                }
            }
        }
    }
    builder.build("top_apis.rs");
}

fn category_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|it| {
            it.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_dir())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    dirs
}

/// Spec files are named after their method; only directory listings are read.
fn find_method(root: &Path, method: &str) -> Option<PathBuf> {
    let file = format!("{method}.yaml");
    category_dirs(root)
        .into_iter()
        .map(|d| d.join(&file))
        .find(|p| p.is_file())
}
