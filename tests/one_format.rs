//! What the generator emits and the runtime reads is one format, checked over the whole
//! catalogue: every spec's schema data parses as the runtime's `ApiSchema` (which denies
//! unknown fields, so nothing the generator writes is silently dropped) with the same facts,
//! and the runtime's rule for the `<method>_response` key (used for calls by name without
//! bindings) gives the key the generator wrote.

use std::path::Path;

#[test]
fn every_catalogue_schema_parses_in_the_runtime_with_the_same_facts() {
    let spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("spec");
    let files = topgen::spec_files(&[spec]).unwrap();
    assert!(files.len() > 4000, "{} specs", files.len());
    for file in &files {
        let spec = topgen::loader::load_file(file).unwrap().spec;
        let json = topgen::codegen::schema_json(&spec);
        let schema: topsdk::schema::ApiSchema = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{}: {e}\n{json}", file.display()));
        assert_eq!(schema.method, spec.method);
        assert_eq!(schema.idempotent, spec.is_idempotent(), "{}", spec.method);
        assert_eq!(schema.request.len(), spec.request.len(), "{}", spec.method);
        for (f, s) in schema.request.iter().zip(&spec.request) {
            assert_eq!(
                (&f.name, f.required),
                (&s.name, s.required),
                "{}",
                spec.method
            );
        }
        assert_eq!(
            schema.response_key,
            topsdk::__private::internals::response_key(&spec.method),
            "{}",
            spec.method
        );
        assert_eq!(
            schema.response_key,
            topgen::naming::response_key(&spec.method)
        );
    }
}
