//! The property: a spec -> the Java SDK sources the official generator would write for it (a
//! writer here, for tests only) -> `import-sdk` -> the same spec, as far as Java sources can
//! say it (`java_view`: what they cannot carry is left out before comparing).

use proptest::prelude::*;
use topgen::model::{Field, TypeRef};
use topgen::test_util::import::sdk::{SdkOptions, import_sdk};
use topgen::test_util::java_sdk::{java_view, write_java};

fn roundtrip(seed: u64) -> Result<(), TestCaseError> {
    let expected = java_view(&topgen::test_util::random::random_spec(seed));
    let dir = tempfile::tempdir().unwrap();
    write_java(&expected, dir.path());
    let imp = import_sdk(dir.path(), &SdkOptions::default()).unwrap();
    prop_assert!(imp.skipped.is_empty(), "seed {seed}: {:?}", imp.skipped);
    prop_assert_eq!(imp.apis.len(), 1);
    let api = &imp.apis[0];
    prop_assert!(api.warnings.is_empty(), "seed {seed}: {:?}", api.warnings);
    let (got, want) = (
        serde_yaml::to_string(&api.spec).unwrap(),
        serde_yaml::to_string(&expected).unwrap(),
    );
    prop_assert_eq!(got, want, "seed {}", seed);
    // And what was imported is a spec like any other: it validates.
    let out = tempfile::tempdir().unwrap();
    let report = imp.write(out.path());
    prop_assert!(report.failed.is_empty(), "{:?}", report.failed);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn a_spec_written_as_java_sdk_sources_imports_back_the_same(seed in any::<u64>()) {
        roundtrip(seed)?;
    }
}

#[test]
fn the_first_hundred_seeds_round_trip_and_cover_every_shape() {
    let mut seen = std::collections::BTreeSet::new();
    fn shapes(
        fields: &[Field],
        depth: usize,
        side: &str,
        seen: &mut std::collections::BTreeSet<String>,
    ) {
        for f in fields {
            let kind = match &f.ty {
                TypeRef::Object(_) => "object",
                TypeRef::ObjectList(_) => "object list",
                TypeRef::List(_) => "list",
                TypeRef::File => "file",
                TypeRef::Scalar(s) => s.name(),
            };
            seen.insert(format!("{side} {kind}"));
            if f.decimal {
                seen.insert("decimal".into());
            }
            if f.required {
                seen.insert("required".into());
            }
            if !f.constraints.is_empty() {
                seen.insert("rule".into());
            }
            if depth >= 3 {
                seen.insert("depth 3".into());
            }
            shapes(&f.fields, depth + 1, side, seen);
        }
    }
    for seed in 0..100 {
        roundtrip(seed).unwrap();
        let s = java_view(&topgen::test_util::random::random_spec(seed));
        shapes(&s.request, 1, "request", &mut seen);
        shapes(&s.response, 1, "response", &mut seen);
    }
    for want in [
        "request object",
        "request object list",
        "request list",
        "request file",
        "request Date",
        "response object list",
        "response list",
        "response Boolean",
        "decimal",
        "required",
        "rule",
        "depth 3",
    ] {
        assert!(seen.contains(want), "no {want} in the corpus: {seen:?}");
    }
}

/// The real catalogue's shapes (spec/, 5,109 APIs), written as one Java SDK and imported back.
#[test]
fn the_catalogue_written_as_a_java_sdk_imports_back_the_same() {
    let spec = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
    let specs = topgen::test_util::load_paths(&[spec]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let expected: Vec<_> = specs.iter().map(|s| java_view(&s.spec)).collect();
    for s in &expected {
        write_java(s, dir.path());
    }
    let imp = import_sdk(dir.path(), &SdkOptions::default()).unwrap();
    assert!(
        imp.skipped.is_empty(),
        "{:?}",
        &imp.skipped[..imp.skipped.len().min(5)]
    );
    assert_eq!(imp.apis.len(), expected.len());
    let got: std::collections::BTreeMap<&str, &topgen::model::ApiSpec> = imp
        .apis
        .iter()
        .map(|a| (a.spec.method.as_str(), &a.spec))
        .collect();
    let mut differ = Vec::new();
    for want in &expected {
        if got[want.method.as_str()] != want {
            differ.push(want.method.clone());
        }
    }
    let first = differ.first().map(|m| {
        let want = expected.iter().find(|e| e.method == *m).unwrap();
        let (w, g) = (
            serde_yaml::to_string(want).unwrap(),
            serde_yaml::to_string(got[m.as_str()]).unwrap(),
        );
        let (w, g): (Vec<&str>, Vec<&str>) = (w.lines().collect(), g.lines().collect());
        let i = (0..w.len().max(g.len()))
            .find(|&i| w.get(i) != g.get(i))
            .unwrap_or(0);
        format!(
            "want {:?}\n got {:?}",
            &w[i.saturating_sub(3)..(i + 3).min(w.len())],
            &g[i.saturating_sub(3)..(i + 3).min(g.len())]
        )
    });
    assert!(
        differ.is_empty(),
        "{} differ, e.g. {:?}: {}",
        differ.len(),
        &differ[..differ.len().min(5)],
        first.unwrap_or_default()
    );
}
