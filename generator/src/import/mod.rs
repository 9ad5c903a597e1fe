//! Importers: TOP documentation in the forms users have it -> specs.
//!
//! - doc metadata JSON (the catalogue's format), [`metadata`];
//! - documentation pages as text (what users copy from the doc center), [`page`];
//! - the SDK download of the TOP console (Java, .NET, PHP, Python sources), [`sdk`].
//!
//! `import_file` picks the importer by content.

pub mod metadata;
pub mod page;
pub mod sdk;
mod xml;

use crate::error::SpecError;
use crate::model::ApiSpec;
use std::path::{Path, PathBuf};

/// A spec made by an importer, and what it had to guess or change.
#[derive(Debug)]
pub struct Imported {
    pub spec: ApiSpec,
    pub warnings: Vec<String>,
}

#[derive(Default)]
pub(crate) struct Warnings(pub Vec<String>);

impl Warnings {
    pub(crate) fn push(&mut self, at: &str, msg: String) {
        self.0.push(format!("{at}: {msg}"));
    }
}

/// Imports one file of any supported format.
pub fn import_file(path: &Path) -> Result<Imported, SpecError> {
    let bytes = std::fs::read(path).map_err(|e| SpecError::Io {
        path: path.to_path_buf(),
        message: e.to_string(),
    })?;
    let text = String::from_utf8_lossy(&bytes);
    import_text(path, &text)
}

/// Imports text of any supported format; `path` locates errors (and the metadata category).
pub fn import_text(path: &Path, text: &str) -> Result<Imported, SpecError> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim_start().starts_with('{') || !page::looks_like_page(text) {
        return metadata::import(path, text, &metadata::category_of(path));
    }
    // A page names its category only in Chinese; a catelog.json beside it gives the package.
    let pkg = path
        .parent()
        .map(|d| d.join("catelog.json"))
        .filter(|c| c.is_file())
        .map(|_| metadata::category_of(path).pkg)
        .filter(|p| !p.is_empty());
    page::import(path, text, pkg)
}

/// Files under `paths` an importer reads: `*.json` (not `catelog.json`) and `*.txt`, sorted.
pub fn input_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SpecError> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            crate::files::walk_files(p, &is_doc_file, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    Ok(out)
}

/// Documentation an importer reads: `*.json` (not `catelog.json`) and `*.txt`.
fn is_doc_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    (name.ends_with(".json") && name != "catelog.json") || name.ends_with(".txt")
}

/// Where an imported spec goes under `out`: `<category_pkg>/<method>.yaml`.
pub fn spec_path(out: &Path, spec: &ApiSpec) -> PathBuf {
    let pkg = spec
        .category_pkg
        .as_deref()
        .filter(|p| !p.is_empty())
        .unwrap_or("uncategorized");
    out.join(pkg).join(format!("{}.yaml", spec.method))
}

/// The spec as YAML, with a header saying where it came from.
pub fn to_yaml(spec: &ApiSpec, source: &Path) -> Result<String, SpecError> {
    let body = serde_yaml::to_string(spec).map_err(|e| SpecError::Io {
        path: source.to_path_buf(),
        message: format!("cannot write YAML: {e}"),
    })?;
    let name = source
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let command = if sdk::is_sdk_source(source) {
        "topgen import-sdk"
    } else {
        "topgen import"
    };
    Ok(format!(
        "# Imported by topgen from {name}. Edit freely; `{command}` overwrites.\n{body}"
    ))
}

/// What [`write_specs`] did, file by file.
#[derive(Debug, Default)]
pub struct Report {
    /// Spec files written (or already up to date).
    pub written: Vec<PathBuf>,
    /// What the importers had to guess, each naming its source file.
    pub warnings: Vec<String>,
    /// Documentation that describes no API.
    pub skipped: Vec<SpecError>,
    /// Sources that gave no valid spec; nothing was written for them.
    pub failed: Vec<SpecError>,
}

/// Imports every documentation file to `out/<category_pkg>/<method>.yaml`. A spec is written
/// only when its YAML loads back and passes validation like any spec under `spec/`, and when
/// no other file of this run describes the same method: an importer never leaves a spec that
/// does not build.
pub fn write_specs(files: &[PathBuf], out: &Path) -> Report {
    let mut report = Report::default();
    let mut seen: std::collections::BTreeMap<String, PathBuf> = Default::default();
    for file in files {
        let result = import_file(file).and_then(|imp| {
            if let Some(first) = seen.insert(imp.spec.method.clone(), file.clone()) {
                return Err(SpecError::Duplicate {
                    method: imp.spec.method.clone(),
                    first,
                    second: file.clone(),
                });
            }
            let dest = write_checked(&imp.spec, file, out)?;
            Ok((dest, imp.warnings))
        });
        match result {
            Ok((dest, warnings)) => {
                report.written.push(dest);
                report.warnings.extend(
                    warnings
                        .into_iter()
                        .map(|w| format!("{}: warning: {w}", file.display())),
                );
            }
            Err(e @ SpecError::NotAnApi { .. }) => report.skipped.push(e),
            Err(e) => report.failed.push(e),
        }
    }
    report
}

/// Writes `spec` (imported from `source`) to its place under `out`, only when its YAML loads
/// back and validates like any spec under `spec/`.
pub(crate) fn write_checked(spec: &ApiSpec, source: &Path, out: &Path) -> Result<PathBuf, SpecError> {
    let yaml = to_yaml(spec, source)?;
    let dest = spec_path(out, spec);
    let loaded =
        crate::loader::load_str(&dest, yaml.clone()).map_err(|e| invalid(source, &e.to_string()))?;
    if let Some(e) = crate::validate::validate(&loaded).first() {
        return Err(invalid(source, &e.to_string()));
    }
    write_spec_file(&dest, &yaml)?;
    Ok(dest)
}

/// Writes a checked spec's YAML at `dest`, making its folder.
pub(crate) fn write_spec_file(dest: &Path, yaml: &str) -> Result<(), SpecError> {
    if let Some(dir) = dest.parent() {
        std::fs::create_dir_all(dir).map_err(|e| SpecError::Io {
            path: dir.to_path_buf(),
            message: e.to_string(),
        })?;
    }
    crate::files::write_if_changed(dest, yaml)
}

/// The importer made a spec that fails validation: a bug to report, never a file to write.
fn invalid(source: &Path, error: &str) -> SpecError {
    SpecError::Io {
        path: source.to_path_buf(),
        message: format!(
            "the importer made an invalid spec from this file, so none was written (please \
             report it): {error}"
        ),
    }
}
