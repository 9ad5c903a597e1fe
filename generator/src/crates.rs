//! One crate per API category: `apis/<category>/` is the package `topsdk-<category>`, whose
//! `build.rs` generates the bindings of `spec/<category>/` (reached through the symlink
//! `apis/<category>/spec`, so the packaged crate carries its specs).
//!
//! Why crates and not features: crates.io allows a crate 300 features and the catalogue has
//! more categories than that; one `rustc` per category also keeps a whole-catalogue build's
//! memory bounded and lets categories compile in parallel and rebuild alone.
//!
//! [`sync`] writes the crates from `spec/`; [`check`] reports where they differ from it.

use crate::error::SpecError;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Categories compiled into the runtime `topsdk` itself by its `build.rs` (the seed API's,
/// which the project started from) rather than a package of their own.
pub use topsdk_schema::naming::IN_RUNTIME;

/// The package name of a category's crate: `tbtrade` -> `topsdk-tbtrade`.
pub fn package_name(category: &str) -> String {
    format!("topsdk-{category}")
}

/// What one category crate consists of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    File(String),
    /// A symlink with this target (relative to the link's directory).
    Link(PathBuf),
}

/// The category directories under `spec_root` (each holding spec files), sorted.
pub fn categories(spec_root: &Path) -> Result<Vec<String>, SpecError> {
    let io = |e: std::io::Error| SpecError::Io {
        path: spec_root.to_path_buf(),
        message: e.to_string(),
    };
    let mut out = Vec::new();
    for entry in std::fs::read_dir(spec_root).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if crate::is_spec_file(&path) {
            return Err(SpecError::Io {
                path,
                message: "a spec lies outside any category directory, so no package builds it: \
                          move it to spec/<category_pkg>/"
                    .into(),
            });
        }
        if path.is_dir() {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            // The message topics (package topsdk-topics), not an API category.
            if name == crate::topics::TOPICS_DIR {
                continue;
            }
            if !valid_category(&name) {
                return Err(SpecError::Io {
                    path,
                    message: "a category directory is named with lowercase ASCII letters and \
                              digits only (it becomes a crate name)"
                        .into(),
                });
            }
            out.push(name);
        }
    }
    out.sort();
    Ok(out)
}

/// The categories that are packages of their own (all but [`IN_RUNTIME`]).
fn packaged(spec_root: &Path) -> Result<Vec<String>, SpecError> {
    let mut cats = categories(spec_root)?;
    cats.retain(|c| !IN_RUNTIME.contains(&c.as_str()));
    Ok(cats)
}

fn valid_category(name: &str) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
}

/// The files of the crate for `spec_root/<category>`, by path relative to the crate's directory.
/// Reads the category's specs for its title and API count.
pub fn category_crate(
    spec_root: &Path,
    category: &str,
) -> Result<BTreeMap<PathBuf, Entry>, crate::Errors> {
    let specs = crate::load_paths(&[spec_root.join(category)])?;
    // The directory is the category: a spec that says otherwise would be built into a package
    // its users do not look in.
    let misplaced: Vec<SpecError> = specs
        .iter()
        .filter(|s| s.spec.category_pkg.as_deref() != Some(category))
        .map(|s| SpecError::Io {
            path: s.file.clone(),
            message: format!(
                "category_pkg is {}, but the file lies in the category directory `{category}`",
                s.spec
                    .category_pkg
                    .as_deref()
                    .map_or("missing".to_string(), |c| format!("`{c}`"))
            ),
        })
        .collect();
    if !misplaced.is_empty() {
        return Err(crate::Errors(misplaced));
    }
    let title = specs
        .iter()
        // The docs' breadcrumb sometimes ends with a separator (`淘宝交易API,`).
        .map(|s| s.spec.category.trim().trim_end_matches([',', '，', ';', '；', '、']))
        .find(|t| !t.is_empty())
        .unwrap_or("");
    let count = specs.len();
    let name = package_name(category);
    let lib = name.replace('-', "_");
    let version = env!("CARGO_PKG_VERSION");
    let apis = if count == 1 { "API" } else { "APIs" };
    let titled = if title.is_empty() {
        format!("`{category}`")
    } else {
        format!("`{category}` ({title})")
    };
    let description = format!(
        "Typed bindings of the Taobao Open Platform (TOP) category {titled}: {count} {apis}, for the topsdk runtime"
    );
    let first = specs
        .iter()
        .map(|s| s.spec.method.as_str())
        .min()
        .unwrap_or("");
    let module = first.replace('.', "_");

    let manifest = format!(
        r#"# @generated by `topgen crates spec apis` from spec/{category}/. Do not edit: the template is
# topgen's `crates` module.
[package]
name = "{name}"
description = "{description}"
version = "{version}"
edition = "2024"
license = "Apache-2.0"
rust-version = "1.88"
documentation = "https://docs.rs/{name}"
keywords = ["taobao", "tmall", "alibaba", "top", "sdk"]
categories = ["api-bindings"]
build = "build.rs"

# Generated bindings have no unit tests; a test build of the library would compile them twice.
[lib]
test = false

[dependencies]
topsdk = {{ path = "../..", version = "{version}", default-features = false }}

[build-dependencies]
topgen = {{ path = "../../generator", version = "{version}" }}
"#
    );
    let build = r#"// @generated by `topgen crates`. Generates the bindings of spec/ (all of them, or those of
// this category that TOPSDK_APIS names) into OUT_DIR.
fn main() {
    topgen::Builder::new()
        .spec_dir("spec")
        .narrow_by_env("TOPSDK_APIS")
        .build("apis.rs");
}
"#
    .to_string();
    let lib_rs = format!(
        r#"//! Typed bindings of the TOP category {titled}: {count} {apis}, generated at build time
//! from the specs in `spec/` by topgen, for the [`topsdk`] runtime.
//!
//! Each API is a module named after its method, with `Request`, `Response` and the nested
//! types: `{first}` is `{module}`.
//! [`Apis`] adds one method per API to [`topsdk::Client`]; [`APIS`] lists them for calls by
//! name and the mock gateway.
//!
//! ```no_run
//! use {lib}::Apis as _;
//! ```
//!
//! Set `TOPSDK_APIS` (comma-separated methods, e.g. in the `[env]` table of
//! `.cargo/config.toml`) to compile only the APIs of this category that it names.
// @generated by `topgen crates`.

include!(concat!(env!("OUT_DIR"), "/apis.rs"));
"#
    );
    let mut out = BTreeMap::new();
    out.insert(PathBuf::from("Cargo.toml"), Entry::File(manifest));
    out.insert(PathBuf::from("build.rs"), Entry::File(build));
    out.insert(PathBuf::from("src/lib.rs"), Entry::File(lib_rs));
    out.insert(
        PathBuf::from("spec"),
        Entry::Link(Path::new("../../spec").join(category)),
    );
    out.insert(
        PathBuf::from("LICENSE"),
        Entry::Link("../../LICENSE".into()),
    );
    out.insert(PathBuf::from("NOTICE"), Entry::Link("../../NOTICE".into()));
    Ok(out)
}

/// Differences between `apis_root` and the crates `spec_root` calls for, one line each
/// (empty when in step).
pub fn check(spec_root: &Path, apis_root: &Path) -> Result<Vec<String>, crate::Errors> {
    let cats = packaged(spec_root)?;
    let mut diffs = Vec::new();
    for cat in &cats {
        for (rel, want) in category_crate(spec_root, cat)? {
            let path = apis_root.join(cat).join(&rel);
            let have = match want {
                Entry::File(_) => std::fs::read_to_string(&path).ok().map(Entry::File),
                Entry::Link(_) => std::fs::read_link(&path).ok().map(Entry::Link),
            };
            match have {
                None => diffs.push(format!("{}: missing", path.display())),
                Some(h) if h != want => diffs.push(format!("{}: differs", path.display())),
                Some(_) => {}
            }
        }
    }
    if let Ok(dir) = std::fs::read_dir(apis_root) {
        let mut extra: Vec<String> = dir
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !cats.contains(n))
            .collect();
        extra.sort();
        for n in extra {
            diffs.push(format!(
                "{}: no spec/{n}/ category for it",
                apis_root.join(&n).display()
            ));
        }
    }
    Ok(diffs)
}

/// Writes the crates `spec_root` calls for under `apis_root` (only files that changed) and
/// removes crates whose category is gone. Returns how many crates there are.
pub fn sync(spec_root: &Path, apis_root: &Path) -> Result<usize, crate::Errors> {
    let io = |path: &Path, e: std::io::Error| {
        crate::Errors::from(SpecError::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    };
    let cats = packaged(spec_root)?;
    for cat in &cats {
        let root = apis_root.join(cat);
        for (rel, want) in category_crate(spec_root, cat)? {
            let path = root.join(&rel);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            }
            match want {
                Entry::File(text) => crate::files::write_if_changed(&path, &text)?,
                Entry::Link(target) => {
                    if std::fs::read_link(&path).ok().as_ref() != Some(&target) {
                        let _ = std::fs::remove_file(&path);
                        symlink(&target, &path).map_err(|e| io(&path, e))?;
                    }
                }
            }
        }
    }
    if let Ok(dir) = std::fs::read_dir(apis_root) {
        for e in dir.filter_map(Result::ok) {
            let name = e.file_name().to_string_lossy().into_owned();
            if !cats.contains(&name) && e.path().join("Cargo.toml").is_file() {
                std::fs::remove_dir_all(e.path()).map_err(|err| io(&e.path(), err))?;
            }
        }
    }
    Ok(cats.len())
}

#[cfg(unix)]
fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

#[cfg(not(unix))]
fn symlink(_target: &Path, _link: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "the category crates link spec/ with symlinks: run `topgen crates` on a Unix system",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_names_that_make_crate_names() {
        for (name, ok) in [
            ("tbtrade", true),
            ("alihealth2", true),
            ("", false),
            ("Trade", false),
            ("a-b", false),
            ("a_b", false),
            ("交易", false),
        ] {
            assert_eq!(valid_category(name), ok, "{name:?}");
        }
        assert_eq!(package_name("tbtrade"), "topsdk-tbtrade");
    }

    #[test]
    fn sync_writes_what_check_accepts_and_removes_stale_crates() {
        let tmp = tempfile::tempdir().unwrap();
        let spec = tmp.path().join("spec");
        let apis = tmp.path().join("apis");
        std::fs::create_dir_all(spec.join("demo")).unwrap();
        std::fs::write(
            spec.join("demo/demo.thing.get.yaml"),
            "method: demo.thing.get\ncategory: 演示API\ncategory_pkg: demo\n",
        )
        .unwrap();
        assert_eq!(
            check(&spec, &apis).unwrap().len(),
            6,
            "all six entries missing"
        );
        std::fs::create_dir_all(apis.join("gone/src")).unwrap();
        std::fs::write(apis.join("gone/Cargo.toml"), "").unwrap();
        assert_eq!(sync(&spec, &apis).unwrap(), 1);
        assert_eq!(check(&spec, &apis).unwrap(), Vec::<String>::new());
        assert!(!apis.join("gone").exists());
        let manifest = std::fs::read_to_string(apis.join("demo/Cargo.toml")).unwrap();
        assert!(manifest.contains("name = \"topsdk-demo\""), "{manifest}");
        assert!(
            manifest.contains("category `demo` (演示API): 1 API,"),
            "{manifest}"
        );
        assert_eq!(
            std::fs::read_link(apis.join("demo/spec")).unwrap(),
            Path::new("../../spec/demo")
        );
        assert!(apis.join("demo/spec/demo.thing.get.yaml").is_file());
        std::fs::write(apis.join("demo/build.rs"), "fn main() {}").unwrap();
        assert_eq!(
            check(&spec, &apis).unwrap(),
            vec![format!("{}: differs", apis.join("demo/build.rs").display())]
        );
    }

    #[test]
    fn a_spec_in_the_wrong_place_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("demo")).unwrap();
        let file = tmp.path().join("demo/demo.thing.get.yaml");
        std::fs::write(&file, "method: demo.thing.get\ncategory_pkg: other\n").unwrap();
        let err = category_crate(tmp.path(), "demo").unwrap_err().to_string();
        assert!(
            err.contains("demo.thing.get.yaml") && err.contains("`other`"),
            "{err}"
        );
        std::fs::write(tmp.path().join("loose.yaml"), "method: a.b\n").unwrap();
        let err = categories(tmp.path()).unwrap_err().to_string();
        assert!(
            err.contains("loose.yaml") && err.contains("outside"),
            "{err}"
        );
    }

    #[test]
    fn a_bad_category_directory_is_named() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("Bad-Name")).unwrap();
        let err = categories(tmp.path()).unwrap_err().to_string();
        assert!(
            err.contains("Bad-Name") && err.contains("crate name"),
            "{err}"
        );
    }
}
