//! What made generated code slow to compile stays out of it (BENCHMARKS.md, "Build cost"):
//! measured per 100 APIs, serde's derived `Deserialize` with a `deserialize_with` wrapper per
//! field was half of a library build, and an `async fn` per API in `impl Apis` (each future
//! checked for `Send` on its own) another tenth; a non-`#[inline]` method per API would
//! compile every API's whole call path into the bindings (3.6 times the time). Then (session
//! 10): non-generic functions not `#[inline]` (each request object's JSON codec compiled to
//! machine code for every type: a third of the time), serde's derived `Serialize` (a third of
//! what was left) and a derived `PartialEq` per object type. A build-time figure is recorded
//! by `scripts/build-cost` in CI; this checks the text, so a regression is caught however busy
//! the machine is.

use std::path::Path;
use topgen::Builder;

fn generated() -> String {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    Builder::new()
        .spec_dir(repo.join("generator/tests/fixtures"))
        .spec_dir(repo.join("spec/tbtrade"))
        .spec_dir(repo.join("spec/qimen"))
        .generate_string()
        .unwrap()
}

#[test]
fn no_derived_deserialize_and_no_per_field_wrappers() {
    let code = generated();
    assert!(!code.contains("deserialize_with"));
    for derive_item in [
        "serde::Deserialize,",
        "serde::Deserialize\n",
        "serde::Deserialize)",
    ] {
        assert!(
            !code.contains(derive_item),
            "derived Deserialize: {derive_item:?}"
        );
    }
    // prettyplease breaks long impl headers: count on the text with whitespace collapsed.
    let flat = code.split_whitespace().collect::<Vec<_>>().join(" ");
    let structs = flat.matches("pub struct ").count();
    let requests = flat.matches("pub struct Request {").count();
    let structures = flat.matches("__private::de::Structure for ").count();
    assert_eq!(
        structures,
        structs - requests,
        "every object type reads by index"
    );
}

#[test]
fn no_derived_serialize_or_partial_eq_and_nothing_compiled_before_use() {
    let code = generated();
    let flat = code.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(!flat.contains("serde::Serialize )") && !flat.contains("serde::Serialize,"));
    assert!(
        !flat.contains("#[serde("),
        "serde attributes mean serde's derive"
    );
    let structs = flat.matches("pub struct ").count();
    let requests = flat.matches("pub struct Request {").count();
    // Object types serialize and compare through the runtime's `object_impls!` (whose
    // `eq` is `#[inline]`, src/ser.rs); only `Request`s derive `PartialEq`.
    assert_eq!(
        flat.matches("__private::object_impls!(").count(),
        structs - requests
    );
    assert_eq!(
        flat.matches("::std::cmp::PartialEq").count(),
        requests,
        "derived only by requests"
    );
    // Every non-generic function of the bindings waits for a caller: `#[inline]`.
    for f in [
        "fn write_params",
        "fn schema()",
        "fn request_id(",
        "pub fn new(",
        "fn write(&self",
        "fn parse(text",
    ] {
        let all = flat.matches(f).count();
        let inline = flat.matches(&format!("#[inline] {f}")).count();
        assert!(all > 0 && inline == all, "{f}: {inline} of {all} #[inline]");
    }
}

#[test]
fn apis_methods_are_inline_calls_of_one_generic_runtime_function() {
    let code = generated();
    assert!(!code.contains("async fn"));
    let tail = &code[code.find("impl Apis for").expect("the Apis impl")..];
    let methods = tail.matches("    fn ").count();
    assert!(methods > 80, "{methods} methods");
    assert_eq!(tail.matches("#[inline]\n    fn ").count(), methods);
    assert_eq!(
        tail.matches("__private::execute_boxed(self, request)")
            .count(),
        methods
    );
}
