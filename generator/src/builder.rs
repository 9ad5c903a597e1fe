//! The build-script API: `topgen::Builder::new().spec_dir("spec").build("apis.rs")` for API
//! bindings, [`build_topics`] for typed TMC topics.

use crate::error::{Errors, SpecError};
pub use crate::import::sdk::{Language, SdkOptions};
use crate::{LoadedSpec, Options};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Generates bindings from spec files, typically from a crate's `build.rs`.
#[derive(Clone, Default)]
pub struct Builder {
    paths: Vec<PathBuf>,
    imports: Vec<PathBuf>,
    sdks: Vec<(PathBuf, crate::import::sdk::SdkOptions)>,
    methods: Option<BTreeSet<String>>,
    categories: Option<BTreeSet<String>>,
    narrow: Option<BTreeSet<String>>,
    options: Options,
}

impl Builder {
    pub fn new() -> Self {
        Self::default()
    }

    /// A spec file or a directory searched recursively for `*.yaml`/`*.yml`.
    pub fn spec_dir(mut self, path: impl Into<PathBuf>) -> Self {
        self.paths.push(path.into());
        self
    }

    /// TOP documentation to import at build time: metadata JSON files or doc pages (`.txt`),
    /// or directories of them (searched recursively; `catelog.json` names the category).
    pub fn import(mut self, path: impl Into<PathBuf>) -> Self {
        self.imports.push(path.into());
        self
    }

    /// The SDK download the TOP console made for your app (its zip or jar, or the unpacked
    /// folder of Java, .NET, PHP or Python sources), imported at build time: bindings for
    /// every API your app is granted, including those in no public documentation. Each API's
    /// category is the second part of its method name.
    pub fn import_sdk(self, path: impl Into<PathBuf>) -> Self {
        self.import_sdk_with(path, Default::default())
    }

    /// [`Builder::import_sdk`] with a category for every API, or the language to read when
    /// the download holds several (`topgen import-sdk --category --lang`).
    pub fn import_sdk_with(mut self, path: impl Into<PathBuf>, options: SdkOptions) -> Self {
        self.sdks.push((path.into(), options));
        self
    }

    /// Generate only these methods (by TOP name, e.g. `alibaba.kongur.token.getosstoken`).
    /// Combined with [`Builder::categories`], a spec is kept when either selects it.
    pub fn methods<I: IntoIterator<Item = S>, S: Into<String>>(mut self, methods: I) -> Self {
        self.methods
            .get_or_insert_with(BTreeSet::new)
            .extend(methods.into_iter().map(Into::into));
        self
    }

    /// Generate only the APIs of these categories (the spec's `category_pkg`, e.g. `legalcase`).
    pub fn categories<I: IntoIterator<Item = S>, S: Into<String>>(mut self, cats: I) -> Self {
        self.categories
            .get_or_insert_with(BTreeSet::new)
            .extend(cats.into_iter().map(Into::into));
        self
    }

    /// Narrows the build to the methods that `names` (TOP method names or categories) lists
    /// among this builder's specs: when it names a category of them, or none of their methods,
    /// everything selected so far is kept. So one list serves many category crates, each
    /// keeping what is listed for it.
    pub fn narrow_to<I: IntoIterator<Item = S>, S: Into<String>>(mut self, names: I) -> Self {
        let names: BTreeSet<String> = names.into_iter().map(Into::into).collect();
        self.narrow = (!names.is_empty()).then_some(names);
        self
    }

    /// [`Builder::narrow_to`] the comma-separated names in the environment variable `var`
    /// (e.g. `TOPSDK_APIS`). Call from `build.rs` (prints `rerun-if-env-changed`).
    pub fn narrow_by_env(self, var: &str) -> Self {
        println!("cargo:rerun-if-env-changed={var}");
        let value = std::env::var(var).unwrap_or_default();
        self.narrow_to(
            value
                .split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(String::from)
                .collect::<Vec<_>>(),
        )
    }

    /// Path of the runtime crate in the emitted code (default `::topsdk`).
    pub fn runtime_path(mut self, path: &str) -> Result<Self, Errors> {
        let parsed: syn::Path = syn::parse_str(path).map_err(|e| {
            Errors::from(SpecError::Io {
                path: PathBuf::from("<runtime_path>"),
                message: format!("`{path}` is not a Rust path: {e}"),
            })
        })?;
        self.options.runtime = quote::quote!(#parsed).to_string().replace(' ', "");
        Ok(self)
    }

    /// Also emit a typed call by method name for each API (`CALLS`, see
    /// [`Options::calls_by_name`]); for tests.
    pub fn calls_by_name(mut self) -> Self {
        self.options.calls_by_name = true;
        self
    }

    /// An extra derive for every emitted struct, e.g. `::schemars::JsonSchema`.
    pub fn extra_derive(mut self, path: &str) -> Result<Self, Errors> {
        let parsed: syn::Path = syn::parse_str(path).map_err(|e| {
            Errors::from(SpecError::Io {
                path: PathBuf::from("<extra_derive>"),
                message: format!("`{path}` is not a Rust path: {e}"),
            })
        })?;
        self.options
            .extra_derives
            .push(quote::quote!(#parsed).to_string().replace(' ', ""));
        Ok(self)
    }

    fn selected(&self, s: &LoadedSpec) -> bool {
        if self.methods.is_none() && self.categories.is_none() {
            return true;
        }
        let by_method = self
            .methods
            .as_ref()
            .is_some_and(|m| m.contains(&s.spec.method));
        let by_cat = self
            .categories
            .as_ref()
            .is_some_and(|c| s.spec.category_pkg.as_ref().is_some_and(|p| c.contains(p)));
        by_method || by_cat
    }

    /// The files this builder reads (its inputs): spec files, then documentation to import.
    pub fn input_files(&self) -> Result<Vec<PathBuf>, Errors> {
        let mut files = crate::spec_files(&self.paths)?;
        files.extend(crate::import::input_files(&self.imports)?);
        for (sdk, _) in &self.sdks {
            if sdk.is_dir() {
                crate::files::walk_files(sdk, &|_| true, &mut files)?;
            } else {
                files.push(sdk.clone());
            }
        }
        Ok(files)
    }

    /// Loads, validates, selects and generates; returns the Rust source.
    pub fn generate_string(&self) -> Result<String, Errors> {
        self.generate_with_warnings().map(|(code, _)| code)
    }

    /// [`Builder::generate_string`], and warnings for the build script to print: documentation
    /// that describes no API (skipped), and names in the
    /// narrowing list that look like methods of these specs (same first two parts) but are
    /// none of them, most likely misspelt (other names belong to other packages).
    fn generate_with_warnings(&self) -> Result<(String, Vec<String>), Errors> {
        // One validation pass over specs and imports, so a method described twice across
        // both is reported like any other duplicate.
        let spec_files = crate::spec_files(&self.paths)?;
        let doc_files = crate::import::input_files(&self.imports)?;
        let mut warnings = Vec::new();
        let mut imported: Vec<_> = doc_files.iter().map(|f| crate::import_one(f)).collect();
        for r in &imported {
            if let Err(e @ SpecError::NotAnApi { .. }) = r {
                warnings.push(e.to_string());
            }
        }
        for (path, options) in &self.sdks {
            let sdk = crate::import::sdk::import_sdk(path, options)?;
            warnings.extend(sdk.skipped.iter().map(|s| format!("skipped: {s}")));
            warnings.extend(sdk.apis.iter().flat_map(|a| a.warnings.iter().cloned()));
            imported.extend(sdk.loaded().into_iter().map(Ok));
        }
        let specs = crate::validate_all(
            spec_files
                .iter()
                .map(|f| crate::loader::load_file(f))
                .chain(imported),
        )?;
        let mut selected: Vec<LoadedSpec> =
            specs.into_iter().filter(|s| self.selected(s)).collect();
        if let Some(names) = &self.narrow {
            let family = |m: &str| m.splitn(3, '.').take(2).collect::<Vec<_>>().join(".");
            let here: BTreeSet<&str> = selected.iter().map(|s| s.spec.method.as_str()).collect();
            let families: BTreeSet<String> = here.iter().map(|m| family(m)).collect();
            for n in names.iter().filter(|n| n.contains('.')) {
                if !here.contains(n.as_str()) && families.contains(&family(n)) {
                    warnings.push(format!(
                        "TOPSDK_APIS names `{n}`, which no spec here describes (misspelt?); \
                         this package has other `{}.*` methods",
                        family(n)
                    ));
                }
            }
            let names_a_category = selected.iter().any(|s| {
                s.spec
                    .category_pkg
                    .as_ref()
                    .is_some_and(|c| names.contains(c))
            });
            let names_a_method = selected.iter().any(|s| names.contains(&s.spec.method));
            if names_a_method && !names_a_category {
                selected.retain(|s| names.contains(&s.spec.method));
            }
        }
        if let Some(wanted) = &self.methods {
            let found: BTreeSet<&str> = selected.iter().map(|s| s.spec.method.as_str()).collect();
            let missing: Vec<SpecError> = wanted
                .iter()
                .filter(|m| !found.contains(m.as_str()))
                .map(|m| SpecError::Io {
                    path: self
                        .paths
                        .iter()
                        .chain(&self.imports)
                        .next()
                        .cloned()
                        .unwrap_or_default(),
                    message: format!("method `{m}` was selected but no spec describes it"),
                })
                .collect();
            if !missing.is_empty() {
                return Err(Errors(missing));
            }
        }
        Ok((crate::codegen::generate(&selected, &self.options), warnings))
    }

    /// Writes the bindings to `$OUT_DIR/<file_name>` and tells cargo to rerun only when an
    /// input changes. Returns the path written. Call from `build.rs`.
    pub fn generate_to_out_dir(&self, file_name: &str) -> Result<PathBuf, Errors> {
        for p in self
            .paths
            .iter()
            .chain(&self.imports)
            .chain(self.sdks.iter().map(|(p, _)| p))
        {
            println!("cargo:rerun-if-changed={}", p.display());
        }
        for f in self.input_files()? {
            println!("cargo:rerun-if-changed={}", f.display());
        }
        let out_dir = std::env::var_os("OUT_DIR").ok_or_else(|| {
            Errors::from(SpecError::Io {
                path: PathBuf::from("OUT_DIR"),
                message: "OUT_DIR is not set: call generate_to_out_dir from a build script".into(),
            })
        })?;
        let (code, warnings) = self.generate_with_warnings()?;
        for w in warnings {
            println!("cargo:warning={w}");
        }
        let out = Path::new(&out_dir).join(file_name);
        crate::files::write_if_changed(&out, &code)?;
        Ok(out)
    }

    /// [`Builder::generate_to_out_dir`], and on error print one located error per line and
    /// exit the build script with status 1 (no panic backtrace).
    pub fn build(&self, file_name: &str) {
        if let Err(errors) = self.generate_to_out_dir(file_name) {
            for e in &errors.0 {
                eprintln!("error: {e}");
                println!("cargo:warning={e}");
            }
            std::process::exit(1);
        }
    }
}

/// For a build script: generates the topics under `spec_dir` into `$OUT_DIR/<file_name>`
/// (rerun when a topic spec changes); on error prints one located error per line and exits 1.
///
/// `TOPSDK_TOPICS` (comma-separated topic names or name prefixes, e.g.
/// `taobao_trade_,taobao_refund_`) narrows the typed topics to those it names: the others
/// then decode as raw JSON, and the crate compiles in a fraction of the time.
pub fn build_topics(spec_dir: impl AsRef<Path>, file_name: &str) {
    let dir = spec_dir.as_ref().to_path_buf();
    let result = (|| -> Result<(), Errors> {
        println!("cargo:rerun-if-changed={}", dir.display());
        println!("cargo:rerun-if-env-changed=TOPSDK_TOPICS");
        let mut topics = crate::topics::load_paths(std::slice::from_ref(&dir))?;
        if let Ok(list) = std::env::var("TOPSDK_TOPICS") {
            let wanted: Vec<&str> = list
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect();
            if !wanted.is_empty() {
                topics.retain(|t| wanted.iter().any(|w| t.spec.topic.starts_with(w)));
                if topics.is_empty() {
                    println!("cargo:warning=TOPSDK_TOPICS=`{list}` names no topic: none is typed");
                }
            }
        }
        for t in &topics {
            println!("cargo:rerun-if-changed={}", t.file.display());
        }
        let out_dir = std::env::var_os("OUT_DIR").ok_or_else(|| SpecError::Io {
            path: PathBuf::from("OUT_DIR"),
            message: "OUT_DIR is not set: call build from a build script".into(),
        })?;
        let code = crate::codegen::topics::generate(&topics, &crate::Options::default());
        crate::files::write_if_changed(&Path::new(&out_dir).join(file_name), &code)?;
        Ok(())
    })();
    if let Err(errors) = result {
        for e in &errors.0 {
            eprintln!("error: {e}");
            println!("cargo:warning={e}");
        }
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_method_of_this_family_is_warned_about() {
        let b = Builder::new()
            .spec_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"))
            .narrow_to([
                "topsdk.fixture.deeep",
                "topsdk.fixture.deep",
                "taobao.trade.fullinfo.get",
            ]);
        let (code, warnings) = b.generate_with_warnings().unwrap();
        assert!(code.contains("pub mod topsdk_fixture_deep "));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("`topsdk.fixture.deeep`")
                && warnings[0].contains("topsdk.fixture.*"),
            "{warnings:?}"
        );
    }
}
