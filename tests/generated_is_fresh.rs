//! `generated/` holds the generator's output for review; it must be what the root package's
//! `build.rs` generated and compiled into `topsdk::kongur` (the file itself, from OUT_DIR).
//! `src/security/bindings.rs` is compiled as committed: it must be what topgen generates now
//! from its three specs.

fn same_as_committed(file: &str, built: &str, module: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("generated")
        .join(file);
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == built,
        "generated/{file} is stale (or missing): it differs from what the root build.rs \
         generated into {module}.\nRefresh it with:\n    scripts/refresh-generated\nand \
         review the diff."
    );
}

#[test]
fn generated_dir_matches_build_output() {
    let built = include_str!(concat!(env!("OUT_DIR"), "/kongur.rs"));
    same_as_committed("kongur.rs", built, "topsdk::kongur");
}

/// The bindings of the APIs `topsdk::security` calls (feature `security`), committed in src/.
#[test]
fn security_bindings_are_what_topgen_generates_now() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let fresh = topgen::Builder::new()
        .spec_dir(root.join("spec/util/taobao.top.secret.get.yaml"))
        .spec_dir(root.join("spec/tbtrade/taobao.top.oaid.merge.yaml"))
        .spec_dir(root.join("spec/tbtrade/taobao.top.oaid.decrypt.yaml"))
        .generate_string()
        .unwrap_or_else(|e| panic!("{e}"));
    let committed =
        std::fs::read_to_string(root.join("src/security/bindings.rs")).unwrap_or_default();
    assert!(
        committed == fresh,
        "src/security/bindings.rs is stale: it differs from what topgen generates from its specs.\n\
         Refresh it with:\n    scripts/refresh-generated\nand review the diff."
    );
}
