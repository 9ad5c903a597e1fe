//! The build-script API: selection, imports, located errors.

use std::path::{Path, PathBuf};
use topgen::Builder;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn selects_methods_and_categories() {
    let b = Builder::new().spec_dir(repo().join("generator/tests/fixtures"));
    let all = b.clone().generate_string().unwrap();
    assert!(
        all.contains("pub mod topsdk_fixture_deep")
            && all.contains("pub mod topsdk_fixture_keywords")
    );
    let one = b
        .clone()
        .methods(["topsdk.fixture.deep"])
        .generate_string()
        .unwrap();
    assert!(
        one.contains("pub mod topsdk_fixture_deep")
            && !one.contains("pub mod topsdk_fixture_keywords")
    );
    let none = b.clone().categories(["nothing"]).generate_string().unwrap();
    assert!(!none.contains("pub mod topsdk_fixture"));
    let err = b
        .methods(["no.such.method"])
        .generate_string()
        .unwrap_err()
        .to_string();
    assert!(err.contains("no.such.method"), "{err}");
}

#[test]
fn narrowing_keeps_what_the_list_names_for_these_specs() {
    let b = Builder::new().spec_dir(repo().join("generator/tests/fixtures"));
    let modules = |b: Builder| {
        let code = b.generate_string().unwrap();
        ["deep", "keywords", "every_type"]
            .into_iter()
            .filter(|m| code.contains(&format!("pub mod topsdk_fixture_{m} ")))
            .collect::<Vec<_>>()
    };
    assert_eq!(modules(b.clone()), ["deep", "keywords", "every_type"]);
    // Methods of other categories (other crates) leave these specs alone.
    assert_eq!(
        modules(
            b.clone()
                .narrow_to(["taobao.trade.fullinfo.get", "tbtrade"])
        ),
        ["deep", "keywords", "every_type"]
    );
    assert_eq!(
        modules(
            b.clone()
                .narrow_to(["taobao.trade.fullinfo.get", "topsdk.fixture.deep"])
        ),
        ["deep"]
    );
    // Naming the category keeps all of it.
    assert_eq!(
        modules(b.narrow_to(["topsdk.fixture.deep", "fixtures"])),
        ["deep", "keywords", "every_type"]
    );
}

#[test]
fn custom_runtime_path_and_derives() {
    let code = Builder::new()
        .spec_dir(repo().join("spec/kongur"))
        .runtime_path("::my_sdk::top")
        .unwrap()
        .extra_derive("::my_derive::Thing")
        .unwrap()
        .generate_string()
        .unwrap();
    assert!(code.contains("::my_sdk::top::TopRequest") && !code.contains("::topsdk::"));
    // The serde impls through the runtime's path too (no serde derive, no string paths).
    assert!(code.contains("::my_sdk::top::__private::object_impls!("));
    assert!(code.contains("::my_sdk::top::__private::de::read_opt(map)"));
    assert!(code.contains("::my_derive::Thing"));
    assert!(Builder::new().runtime_path("not a path").is_err());
}

#[test]
fn spec_errors_are_located() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("bad.yaml"),
        "method: a.b\nrequest:\n  - name: x\n    type: Strng\n",
    )
    .unwrap();
    let err = Builder::new()
        .spec_dir(dir)
        .generate_string()
        .unwrap_err()
        .to_string();
    assert!(err.ends_with("bad.yaml:4:11: object type `Strng` needs `fields:` (or did you mean `String`?) (at `request[0].type`)"), "{err}");
}

#[test]
fn imports_metadata_at_build_time() {
    // One category of the TOP metadata corpus, committed with its licence (the whole corpus
    // lies beside CI's checkout in ../shared; the tests need only this).
    let corpus = repo().join("generator/tests/metadata/legalcase");
    let code = Builder::new().import(&corpus).generate_string().unwrap();
    assert!(code.contains("pub mod alibaba_legal_case_entrust_get"));
}
