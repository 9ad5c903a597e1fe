//! The generated code of the seed spec and of every fixture spec, snapshotted (insta).
//! The same code is compiled (warnings denied) by the root crate and by tests/catalogue.

use std::path::{Path, PathBuf};

fn generate(file: &Path) -> String {
    topgen::test_util::generate_paths(&[file.to_path_buf()], &topgen::Options::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn specs(dir: &str) -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    topgen::test_util::spec_files(&[root]).unwrap()
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
    let a = topgen::test_util::generate_paths(&files, &topgen::Options::default()).unwrap();
    let mut reversed = files.clone();
    reversed.reverse();
    let b = topgen::test_util::generate_paths(&reversed, &topgen::Options::default()).unwrap();
    assert_eq!(a, b);
}

/// The object type names of a spec, one per line: `side::Name (doc name)`.
fn names_of(spec: &topgen::model::ApiSpec) -> String {
    topgen::test_util::codegen::type_names(spec)
        .iter()
        .map(|t| format!("{}::{} ({})\n", t.side, t.name, t.doc_name))
        .collect()
}

fn load(file: &Path) -> topgen::model::ApiSpec {
    topgen::test_util::loader::load_file(file).unwrap().spec
}

/// Adding request params (one of a type name the response also uses, one of a type name the
/// request already uses with another shape) renames no response type and no existing request
/// type; the new types get names from where they sit.
#[test]
fn names_stay_when_a_request_param_is_added() {
    use topgen::model::{Field, TypeRef};
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let before = load(&root.join("tests/fixtures/deep.yaml"));
    let mut after = before.clone();
    let field = |name: &str, ty: &str, fields: Vec<Field>| Field {
        name: name.into(),
        ty: TypeRef::parse(ty).unwrap(),
        required: false,
        example: None,
        description: String::new(),
        constraints: Default::default(),
        sensitive: None,
        decimal: false,
        item_name: None,
        fields,
    };
    // First in the request: a walk-order numbering would shift every later name.
    after
        .request
        .insert(0, field("node", "Node", vec![field("z", "String", vec![])]));
    after.request.insert(
        1,
        field("extra", "Item[]", vec![field("c", "Boolean", vec![])]),
    );
    let (a, b) = (names_of(&before), names_of(&after));
    let response = |s: &str| -> String {
        s.lines()
            .filter(|l| l.starts_with("response::"))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    assert_eq!(response(&a), response(&b), "response names moved");
    for line in a.lines().filter(|l| l.starts_with("request::")) {
        assert!(b.lines().any(|l| l == line), "{line} was renamed:\n{b}");
    }
    insta::assert_snapshot!("names_before_adding_params", a);
    insta::assert_snapshot!("names_after_adding_params", b);
}

/// Across the whole catalogue, no type name needed the naming rule's last resort (a number):
/// every name comes from the docs.
#[test]
fn no_catalogue_type_name_is_numbered() {
    let files = specs("../spec");
    assert!(files.len() > 4000, "{} specs", files.len());
    let mut types = 0;
    let mut numbered = Vec::new();
    for f in &files {
        let spec = load(f);
        for t in topgen::test_util::codegen::type_names(&spec) {
            types += 1;
            if t.numbered {
                numbered.push(format!("{}: {}::{}", spec.method, t.side, t.name));
            }
        }
    }
    assert!(types > 5000, "{types} types");
    assert!(
        numbered.is_empty(),
        "numbered names:\n{}",
        numbered.join("\n")
    );
}

/// Every catalogue spec says `gateway: qimen` exactly where the importers' rule finds the
/// QIMEN shape (a `request` object in, a `response` object out, `taobao.qimen.*`): the 55
/// QIMEN APIs of the docs, and not the `taobao.qimen.*` APIs with flat params.
#[test]
fn qimen_gateway_where_the_rule_says() {
    let mut qimen = Vec::new();
    for f in specs("../spec") {
        let spec = load(&f);
        let rule = topgen::model::gateway_by_shape(&spec.method, &spec.request, &spec.response);
        assert_eq!(spec.gateway, rule, "{}", spec.method);
        if spec.gateway.is_some() {
            qimen.push(spec.method);
        }
    }
    assert_eq!(qimen.len(), 55, "{qimen:?}");
    assert!(qimen.iter().all(|m| m.starts_with("taobao.qimen.")));
}
