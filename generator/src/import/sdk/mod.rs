//! `topgen import-sdk`: the SDK download the TOP console generates for an app (Java, .NET,
//! PHP, Python sources) -> one spec per API. Exact where the sources are (wire names, types,
//! rules, response trees with item names, descriptions); what they lack keeps the spec
//! format's defaults, and the report says so.
//!
//! `archive` reads the files (zip, jar, folder) with limits; `lex` and `syntax` read Java and
//! C# into classes, `body` what their method bodies call and return, `oo` finds their requests and wire-named types, `script` reads PHP and
//! Python requests; `model` resolves types into spec fields.

mod archive;
mod body;
mod language;
mod lex;
mod model;
mod oo;
mod script;
mod syntax;

use crate::error::SpecError;
use crate::model::{ApiSpec, Examples};
use model::{ApiDecl, Resolver, Types};
use std::path::{Path, PathBuf};

pub use language::Language;


/// How to import.
#[derive(Clone, Debug, Default)]
pub struct SdkOptions {
    /// Every API's `category_pkg`; default: the method's second part (`tbk` of
    /// `taobao.tbk.order.details.get`).
    pub category: Option<String>,
    /// The sources to read when the download holds several languages; default the richest.
    pub language: Option<Language>,
}

/// One API made from the sources.
#[derive(Debug)]
pub struct SdkApi {
    pub spec: ApiSpec,
    /// `file:line` of its request class.
    pub source: String,
    pub warnings: Vec<String>,
    /// The spec as YAML, checked against the format's rules on import.
    pub yaml: String,
}

/// What an import made, and what it did not and why.
#[derive(Debug)]
pub struct SdkImport {
    pub language: Language,
    pub apis: Vec<SdkApi>,
    /// `file:line: reason` of every class or file not read.
    pub skipped: Vec<String>,
    /// What these sources cannot say, so the specs keep the format's defaults.
    pub notes: Vec<String>,
    pub files_read: usize,
}

/// Whether `path` names an SDK source file (`.java`, `.cs`, `.php`, `.py`).
pub fn is_sdk_source(path: &Path) -> bool {
    Language::of(&path.to_string_lossy()).is_some()
}

/// Whether `path` looks like an SDK download rather than a folder of specs: a zip or jar, or
/// a folder holding SDK sources and no spec.
pub fn looks_like_sdk(path: &Path) -> bool {
    if path.is_file() {
        let mut magic = [0u8; 4];
        return std::fs::File::open(path)
            .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut magic))
            .is_ok_and(|_| magic == *b"PK\x03\x04" || magic == *b"PK\x05\x06");
    }
    let mut files = Vec::new();
    let keep = |p: &Path| Language::of(&p.to_string_lossy()).is_some() || crate::is_spec_file(p);
    if crate::files::walk_files(path, &keep, &mut files).is_err() {
        return false;
    }
    !files.is_empty() && !files.iter().any(|p| crate::is_spec_file(p))
}

#[cfg(feature = "test-util")]
/// Whether a class name is one of the types the SDK languages have built in (`Integer`,
/// `List`, `FileItem`): a domain class of that name could not be told from it.
pub fn is_builtin_type(name: &str) -> bool {
    let t = syntax::TypeExpr {
        name: name.to_string(),
        path: vec![name.to_string()],
        args: vec![syntax::TypeExpr::default()],
        array: false,
    };
    model::scalar_of(name).is_some() || model::is_list_type(&t).is_some() || model::is_file_type(&t)
}

/// Reads the SDK at `path` (zip, jar, folder or one source file) into specs.
pub fn import_sdk(path: &Path, opts: &SdkOptions) -> Result<SdkImport, SpecError> {
    if let Some(c) = &opts.category
        && (c.is_empty() || !c.chars().all(|ch| ch.is_ascii_alphanumeric() || ch == '_'))
    {
        return Err(SpecError::Io {
            path: path.to_path_buf(),
            message: format!("--category `{c}`: letters, digits and `_` only"),
        });
    }
    let sources = archive::read(path)?;
    let present: std::collections::BTreeSet<Language> = sources
        .files
        .iter()
        .filter_map(|f| Language::of(&f.name))
        .collect();
    let Some(language) = opts
        .language
        .or_else(|| present.iter().next().copied())
    else {
        return Err(SpecError::Io {
            path: path.to_path_buf(),
            message: format!(
                "not an SDK download: no .java, .cs, .php or .py sources in it ({} other \
                 files{})",
                sources.others,
                if sources.skipped.is_empty() {
                    String::new()
                } else {
                    format!("; not read: {}", sources.skipped.join("; "))
                }
            ),
        });
    };
    if !present.contains(&language) {
        return Err(SpecError::Io {
            path: path.to_path_buf(),
            message: format!(
                "--lang {}: no {} sources here (found: {})",
                language.name().to_ascii_lowercase(),
                language.name(),
                present.iter().map(|l| l.name()).collect::<Vec<_>>().join(", ")
            ),
        });
    }
    let mut skipped = sources.skipped;
    let mut notes = Vec::new();
    let others: Vec<&str> = present
        .iter()
        .filter(|l| **l != language)
        .map(|l| l.name())
        .collect();
    if !others.is_empty() {
        notes.push(format!(
            "{} sources also here, not read (choose with --lang)",
            others.join(", ")
        ));
    }
    let mut types = Types::default();
    let mut decls: Vec<ApiDecl> = Vec::new();
    let mut files_read = 0;
    let mut unreadable_others = Vec::new();
    for f in sources
        .files
        .iter()
        .filter(|f| Language::of(&f.name) == Some(language))
    {
        files_read += 1;
        match language {
            Language::Java | Language::DotNet => {
                let (flavor, dialect) = if language == Language::Java {
                    (lex::Flavor::Java, &oo::JAVA)
                } else {
                    (lex::Flavor::CSharp, &oo::DOTNET)
                };
                let parsed = lex::lex(&f.text, flavor)
                    .map_err(|e| (e.line, e.message))
                    .and_then(|t| syntax::parse(&t, flavor).map_err(|e| (e.line, e.message)));
                match parsed {
                    Ok(classes) => {
                        oo::read(dialect, &f.name, &classes, &mut types, &mut decls, &mut skipped)
                    }
                    Err((line, why)) if is_api_source(&f.name) => {
                        skipped.push(format!("{}:{line}: not read: {why}", f.name));
                    }
                    Err((line, why)) => unreadable_others.push(format!("{}:{line}: {why}", f.name)),
                }
            }
            Language::Php => match script::php(&f.name, &f.text) {
                Ok(d) => decls.extend(d),
                Err(why) => skipped.push(format!("{why}: not read")),
            },
            Language::Python => match script::python(&f.name, &f.text) {
                Ok(d) => decls.extend(d),
                Err(why) => skipped.push(format!("{why}: not read")),
            },
        }
    }
    if let Some(first) = unreadable_others.first() {
        notes.push(format!(
            "{} source file(s) that are not requests, responses or domain types could not be \
             read and were left out (the first: {first})",
            unreadable_others.len()
        ));
    }
    let mut apis = Vec::new();
    let mut seen = std::collections::BTreeMap::new();
    for d in decls {
        if d.method.starts_with("dingtalk.oapi.") {
            skipped.push(format!(
                "{}: `{}` is a DingTalk oapi API (another gateway, JSON bodies): out of scope",
                d.at, d.method
            ));
            continue;
        }
        if let Some(first) = seen.get(&d.method) {
            skipped.push(format!(
                "{}: `{}` is already declared at {first}: not read",
                d.at, d.method
            ));
            continue;
        }
        seen.insert(d.method.clone(), d.at.clone());
        let (spec, warnings) = to_spec(&d, &types, opts);
        // What the sources declare can still break a rule of the format (a wire name with a
        // space, a param named like a system param): such an API is skipped with the reason.
        match checked_yaml(&spec, &source_file(&d.at)) {
            Ok(yaml) => apis.push(SdkApi {
                spec,
                source: d.at,
                warnings,
                yaml,
            }),
            Err(why) => skipped.push(format!("{}: `{}` not imported: {why}", d.at, d.method)),
        }
    }
    notes.extend(lacks(language));
    Ok(SdkImport {
        language,
        apis,
        skipped,
        notes,
        files_read,
    })
}

/// A request, response or domain source, by its path (`request/`, `Domain/`) or name.
fn is_api_source(name: &str) -> bool {
    let stem = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = stem.split('.').next().unwrap_or(stem);
    stem.ends_with("Request")
        || stem.ends_with("Response")
        || name
            .split(['/', '\\'])
            .any(|p| matches!(p.to_ascii_lowercase().as_str(), "request" | "response" | "domain"))
}

/// The spec of one declaration, and what resolving its types had to give up on.
fn to_spec(d: &ApiDecl, types: &Types, opts: &SdkOptions) -> (ApiSpec, Vec<String>) {
    let mut r = Resolver::new(types);
    let request = d
        .params
        .iter()
        .map(|p| r.param(p, &d.scope, &d.method))
        .collect::<Vec<_>>();
    let response = match &d.response {
        Some(ty) => match types.lookup(ty, "") {
            Some(key) => r.fields_of(key, &format!("{}: response", d.method)),
            None => {
                r.warnings.push(format!(
                    "{}: the response class `{ty}` is not in these sources: the response is \
                     untyped",
                    d.method
                ));
                Vec::new()
            }
        },
        None => Vec::new(),
    };
    let category = opts.category.clone().unwrap_or_else(|| {
        d.method.split('.').nth(1).unwrap_or("uncategorized").to_string()
    });
    let spec = ApiSpec {
        method: d.method.clone(),
        title: String::new(),
        description: d.doc.clone(),
        category: String::new(),
        category_pkg: Some(category),
        doc_url: None,
        idempotent: None,
        deprecated: None,
        gateway: crate::model::gateway_by_shape(&d.method, &request, &response),
        request,
        response,
        examples: Examples::default(),
        error_codes: Vec::new(),
    };
    (spec, r.warnings)
}

/// The first rule of the spec format the API breaks, if any.
fn checked_yaml(spec: &ApiSpec, file: &Path) -> Result<String, String> {
    let loaded = super::to_yaml(spec, file)
        .and_then(|text| crate::loader::load_str(file, text))
        .map_err(|e| e.to_string())?;
    match crate::validate::validate(&loaded).first() {
        None => Ok(loaded.text),
        Some(SpecError::Spec(l)) => Err(format!("{} (at `{}`)", l.message, l.yaml_path)),
        Some(other) => Err(other.to_string()),
    }
}

/// What a language's sources cannot say (the report's notes).
fn lacks(language: Language) -> Vec<String> {
    let mut notes = vec![format!(
        "not in {} SDK sources, so the spec format's defaults are kept: documented samples \
         (`examples`), error codes, titles, deprecation, and whether a call only reads \
         (`idempotent`, guessed from the method name when bindings are built)",
        language.name()
    )];
    match language {
        Language::Php => notes.push(
            "PHP sources have no types and no responses: params are String (Number where a \
             value rule says so; file params cannot be told from text ones), and every \
             `response:` is empty (untyped); import the Java or .NET SDK for typed responses"
                .into(),
        ),
        Language::Python => notes.push(
            "Python sources have no types, rules, descriptions or responses: params are String \
             (files from getMultipartParas), none required, and every `response:` is empty \
             (untyped); import the Java or .NET SDK for typed responses"
                .into(),
        ),
        Language::Java | Language::DotNet => {}
    }
    notes
}

impl SdkImport {
    /// The specs as loaded specs (their YAML text for located errors), for a build or a diff.
    pub fn loaded(&self) -> Vec<crate::LoadedSpec> {
        self.apis
            .iter()
            .map(|a| crate::LoadedSpec {
                file: source_file(&a.source),
                text: a.yaml.clone(),
                spec: a.spec.clone(),
            })
            .collect()
    }

    /// Writes one spec per API under `out` (`<category>/<method>.yaml`), as checked on import.
    pub fn write(&self, out: &Path) -> super::Report {
        let mut report = super::Report::default();
        for a in &self.apis {
            let dest = super::spec_path(out, &a.spec);
            match super::write_spec_file(&dest, &a.yaml) {
                Ok(()) => {
                    report.written.push(dest);
                    report.warnings.extend(a.warnings.iter().cloned());
                }
                Err(e) => report.failed.push(e),
            }
        }
        report
    }
}

/// The file part of `file:line`.
fn source_file(at: &str) -> PathBuf {
    PathBuf::from(at.rsplit_once(':').map_or(at, |(f, _)| f))
}
