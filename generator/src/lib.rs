//! `topgen`: turns TOP API specs (YAML, see `spec/README.md`) into typed Rust bindings for the
//! `topsdk` runtime.
//!
//! For a build script: [`Builder`] (API bindings of spec files, or of TOP documentation
//! imported at build time) and [`build_topics`] (typed TMC topics); [`model`] is the spec
//! format as Rust types; [`cli`] is the `topgen` command.
//!
//! Inside: `loader` (YAML -> [`model::ApiSpec`], located errors) -> `validate` -> `codegen`
//! (`quote!` -> `syn::File` -> prettyplease); `naming` decides every Rust name, `heuristics`
//! what the docs' text says (sensitive, read-only, decimal, deprecated, QIMEN); `import` reads
//! the TOP documentation and the console's SDK downloads (`import::sdk`), `topics` the message
//! topics, `diff` compares spec sets, `crates` and `catalogue` write the category packages and
//! the CLI's catalogue.

/// Modules that are the generator's internals: public (hidden) only with feature `test-util`,
/// for this repository's tests.
macro_rules! internal {
    ($($m:ident),* $(,)?) => {$(
        #[cfg(feature = "test-util")]
        #[doc(hidden)]
        pub mod $m;
        #[cfg(not(feature = "test-util"))]
        mod $m;
    )*};
}

mod builder;
pub mod cli;
mod error;
mod files;
mod locate;
pub mod model;
mod report;
internal!(
    catalogue, codegen, crates, diff, heuristics, import, loader, topics, validate,
);
/// Every Rust name the bindings use: in the schema crate, so the runtime's tools (the
/// explorer's snippets) name things as the generator does.
use topsdk_schema::naming;
#[cfg(feature = "test-util")]
#[doc(hidden)]
pub mod java_sdk;
#[cfg(feature = "test-util")]
#[doc(hidden)]
pub mod random;

pub use builder::{Builder, Language, SdkOptions, build_topics};
pub use codegen::Options;
pub use error::{Errors, SpecError};
pub use loader::LoadedSpec;

/// The generator's internals, for this repository's tests (feature `test-util`): not a
/// stable API.
#[cfg(feature = "test-util")]
#[doc(hidden)]
pub mod test_util {
    pub use crate::files::write_if_changed;
    pub use crate::generate_paths;
    pub use crate::{
        catalogue, codegen, crates, diff, heuristics, import, is_spec_file, java_sdk,
        load_and_validate, load_paths, loader, random, spec_files, topics, validate,
    };
    pub use topsdk_schema::naming;
}

use std::path::{Path, PathBuf};

/// Spec files under `paths` (a path may be a file or a directory, searched recursively for
/// `*.yaml`/`*.yml`), sorted for a deterministic order.
pub fn spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SpecError> {
    files::files_under(paths, &is_spec_file)
}

/// An API spec file: `*.yaml`/`*.yml`, but not a topic spec (`*.topic.yaml`, see the `topics` module).
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

pub use topsdk_schema::is_method_name;

/// Loads, validates and generates: the whole pipeline for a set of spec paths.
pub fn generate_paths(paths: &[PathBuf], opts: &Options) -> Result<String, Errors> {
    Ok(codegen::generate(&load_paths(paths)?, opts))
}
