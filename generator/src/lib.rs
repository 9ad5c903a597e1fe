//! `topgen`: turns TOP API specs (YAML, see `spec/README.md`) into typed Rust bindings for the
//! `topsdk` runtime.
//!
//! Pipeline: [`loader`] (YAML -> [`model::ApiSpec`], located errors) -> [`validate`] ->
//! [`codegen`] (`quote!` -> `syn::File` -> prettyplease). [`Builder`] wraps it for build scripts.

pub mod builder;
pub mod catalogue;
pub mod codegen;
pub mod crates;
pub mod diff;
pub mod error;
pub mod import;
pub mod loader;
pub mod locate;
pub mod markdown;
pub mod model;
pub mod naming;
#[doc(hidden)]
pub mod random;
pub mod report;
pub mod topics;
pub mod validate;

pub use builder::Builder;
pub use codegen::Options;
pub use error::{Errors, SpecError};
pub use loader::LoadedSpec;

use std::path::{Path, PathBuf};

/// Spec files under `paths` (a path may be a file or a directory, searched recursively for
/// `*.yaml`/`*.yml`), sorted for a deterministic order.
pub fn spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SpecError> {
    files_under(paths, &is_spec_file)
}

/// The files under `paths` that `keep` accepts (a path may be a file, taken as it is, or a
/// directory, searched recursively), sorted and without duplicates.
pub(crate) fn files_under(
    paths: &[PathBuf],
    keep: &dyn Fn(&Path) -> bool,
) -> Result<Vec<PathBuf>, SpecError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk_files(p, keep, &mut out)?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(SpecError::Io {
                path: p.clone(),
                message: "no such file or directory".into(),
            });
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Files under `dir` (recursively) that `keep` accepts, appended to `out`.
pub(crate) fn walk_files(
    dir: &Path,
    keep: &dyn Fn(&Path) -> bool,
    out: &mut Vec<PathBuf>,
) -> Result<(), SpecError> {
    let io = |e: std::io::Error| SpecError::Io {
        path: dir.to_path_buf(),
        message: e.to_string(),
    };
    for entry in std::fs::read_dir(dir).map_err(io)? {
        let path = entry.map_err(io)?.path();
        if path.is_dir() {
            walk_files(&path, keep, out)?;
        } else if keep(&path) {
            out.push(path);
        }
    }
    Ok(())
}

/// An API spec file: `*.yaml`/`*.yml`, but not a topic spec (`*.topic.yaml`, see [`topics`]).
pub fn is_spec_file(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    ) && !topics::is_topic_file(path)
}

/// Loads and validates the specs under `paths` (files or directories, see [`spec_files`]).
pub fn load_paths(paths: &[PathBuf]) -> Result<Vec<LoadedSpec>, Errors> {
    load_and_validate(&spec_files(paths)?)
}

/// Loads and validates every spec file; all errors are returned, not only the first.
pub fn load_and_validate(files: &[PathBuf]) -> Result<Vec<LoadedSpec>, Errors> {
    validate_all(files.iter().map(|f| loader::load_file(f)))
}

/// Imports documentation files (metadata JSON, doc pages) and validates the specs made.
/// Errors in the made spec are located in its YAML form and name the source file.
pub fn import_and_validate(files: &[PathBuf]) -> Result<Vec<LoadedSpec>, Errors> {
    validate_all(files.iter().map(|f| import_one(f)))
}

/// One documentation file as a spec with YAML text to locate validation errors in.
pub(crate) fn import_one(f: &Path) -> Result<LoadedSpec, SpecError> {
    let imp = import::import_file(f)?;
    let text = import::to_yaml(&imp.spec, f)?;
    Ok(LoadedSpec {
        file: f.to_path_buf(),
        text,
        spec: imp.spec,
    })
}

/// Validates every loaded spec and checks that no method is described twice; every error
/// found is returned.
pub(crate) fn validate_all(
    loaded: impl Iterator<Item = Result<LoadedSpec, SpecError>>,
) -> Result<Vec<LoadedSpec>, Errors> {
    let mut specs = Vec::new();
    let mut errors = Vec::new();
    for l in loaded {
        match l {
            // Skipped: whoever reads the documentation reports it (the import command does).
            Err(SpecError::NotAnApi { .. }) => {}
            Ok(s) => {
                errors.extend(validate::validate(&s));
                specs.push(s);
            }
            Err(e) => errors.push(e),
        }
    }
    let mut seen: std::collections::BTreeMap<&str, &Path> = Default::default();
    for s in &specs {
        if let Some(first) = seen.insert(&s.spec.method, &s.file) {
            errors.push(SpecError::Duplicate {
                method: s.spec.method.clone(),
                first: first.to_path_buf(),
                second: s.file.clone(),
            });
        }
    }
    if errors.is_empty() {
        Ok(specs)
    } else {
        Err(Errors(errors))
    }
}

/// Whether `m` is a TOP method name: dot-separated parts of letters, digits, `_` and `-`
/// (Aliyun-style methods in the catalogue carry `-`).
pub fn is_method_name(m: &str) -> bool {
    m.split('.').count() >= 2
        && m.split('.').all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
}

/// Loads, validates and generates: the whole pipeline for a set of spec paths.
pub fn generate_paths(paths: &[PathBuf], opts: &Options) -> Result<String, Errors> {
    Ok(codegen::generate(&load_paths(paths)?, opts))
}
