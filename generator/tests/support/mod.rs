//! What the import-sdk tests share: the fixtures under tests/sdk/, importing, zipping.

#![allow(dead_code)] // each test file uses some of these

use std::io::Write as _;
use std::path::{Path, PathBuf};
use topgen::model::{ApiSpec, Field};
use topgen::test_util::import::sdk::{SdkApi, SdkImport, SdkOptions, import_sdk};

pub fn fixture(lang: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sdk")
        .join(lang)
}

pub fn import(path: &Path) -> SdkImport {
    import_sdk(path, &SdkOptions::default()).unwrap()
}

/// The API `method` of an import, with its source and warnings.
pub fn sdk_api<'a>(imp: &'a SdkImport, method: &str) -> &'a SdkApi {
    imp.apis
        .iter()
        .find(|a| a.spec.method == method)
        .unwrap_or_else(|| panic!("{method} not imported: {imp:?}"))
}

/// The spec of the API `method` of an import.
pub fn api<'a>(imp: &'a SdkImport, method: &str) -> &'a ApiSpec {
    &sdk_api(imp, method).spec
}

pub fn field<'a>(fields: &'a [Field], path: &str) -> &'a Field {
    let mut fields = fields;
    let mut found = None;
    for part in path.split('.') {
        let f = fields
            .iter()
            .find(|f| f.name == part)
            .unwrap_or_else(|| panic!("no `{part}` of {path}"));
        fields = &f.fields;
        found = Some(f);
    }
    found.unwrap()
}

/// A zip of the files under `dir` (deflated), entries named relative to it, plus `extra`.
pub fn zip_of(dir: &Path, extra: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut buf);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut files = Vec::new();
    walk(dir, &mut files);
    files.sort();
    for f in files {
        let name = f
            .strip_prefix(dir)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        w.start_file(name, opts).unwrap();
        w.write_all(&std::fs::read(&f).unwrap()).unwrap();
    }
    for (name, bytes) in extra {
        w.start_file(*name, opts).unwrap();
        w.write_all(bytes).unwrap();
    }
    w.finish().unwrap();
    buf.into_inner()
}

pub fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

pub fn specs(imp: &SdkImport) -> Vec<String> {
    let mut v: Vec<String> = imp
        .apis
        .iter()
        .map(|a| serde_yaml::to_string(&a.spec).unwrap())
        .collect();
    v.sort();
    v
}
