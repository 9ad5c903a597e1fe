//! Generates bindings into `OUT_DIR/apis.rs` for the selected specs only:
//! - `full`: everything under `spec/` (including spec files you add);
//! - otherwise each enabled category feature (`legalcase` -> `spec/legalcase/`),
//! - plus the categories and methods listed in `TOPSDK_APIS` (comma-separated), e.g. set in
//!   the `[env]` table of your `.cargo/config.toml`.
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
        for name in wanted.split(',').map(str::trim).filter(|m| !m.is_empty()) {
            // A category (`tbtrade`) or a method (`taobao.trade.fullinfo.get`).
            let category = root.join(name);
            if !name.contains('.') && category.is_dir() {
                builder = builder.spec_dir(category);
                continue;
            }
            match find_method(root, name) {
                Some(file) => builder = builder.spec_dir(file),
                None => {
                    eprintln!(
                        "error: TOPSDK_APIS names `{name}`, but there is no spec/{name}/ category \
                         and no spec/<category>/{name}.yaml method"
                    );
                    std::process::exit(1);
                }
            }
        }
    }
    builder.build("apis.rs");
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
