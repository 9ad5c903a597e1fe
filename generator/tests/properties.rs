//! Property tests: random valid specs generate code that parses; arbitrary input never
//! panics the loader or the importers (they answer with located errors).

use proptest::prelude::*;
use std::path::Path;
use topgen::test_util::loader::{LoadedSpec, load_str};

fn loaded(seed: u64) -> LoadedSpec {
    let spec = topgen::test_util::random::random_spec(seed);
    let text = serde_yaml::to_string(&spec).unwrap();
    // Round trip through YAML: what is written is what loads.
    let back = load_str(Path::new("random.yaml"), text).unwrap();
    assert_eq!(back.spec, spec);
    back
}

use topgen::model::outline as tree;

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Whatever a page shows, `import` writes a spec that passes `check`; where the samples
    /// tell the nesting (Java for the request, XML for the response), it is the page's tree.
    #[test]
    fn imported_pages_always_check_and_follow_the_samples(seed in any::<u64>()) {
        let page = topgen::test_util::random::random_page(seed);
        let imp = topgen::test_util::import::import_text(Path::new("random-page.txt"), &page.text)
            .map_err(|e| TestCaseError::fail(format!("{e}\n{}", page.text)))?;
        let yaml = topgen::test_util::import::to_yaml(&imp.spec, Path::new("random-page.txt")).unwrap();
        let back = load_str(Path::new("random-page.yaml"), yaml).unwrap();
        let errors = topgen::test_util::validate::validate(&back);
        prop_assert!(errors.is_empty(), "{:?}\n{}", errors, page.text);
        if page.has_java {
            prop_assert_eq!(tree(&imp.spec.request), tree(&page.request), "{}", page.text);
        }
        if page.has_xml {
            prop_assert_eq!(tree(&imp.spec.response), tree(&page.response), "{}", page.text);
        }
    }

    #[test]
    fn random_specs_validate_and_generate_parsable_code(seed in any::<u64>()) {
        let spec = loaded(seed);
        let errors = topgen::test_util::validate::validate(&spec);
        prop_assert!(errors.is_empty(), "{:?}", errors);
        let code = topgen::test_util::codegen::generate(&[spec], &topgen::Options::default());
        prop_assert!(syn::parse_file(&code).is_ok(), "unparsable output for seed {}", seed);
    }

    #[test]
    fn arbitrary_bytes_never_panic_the_yaml_loader(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = load_str(Path::new("fuzz.yaml"), text);
    }

    #[test]
    fn mutated_specs_never_panic_the_loader(seed in any::<u64>(), cut in 0usize..4000, junk in "[ -~\n\t:\\-\\[\\]{}]{0,40}") {
        let text = serde_yaml::to_string(&topgen::test_util::random::random_spec(seed)).unwrap();
        let at = text.char_indices().map(|(i, _)| i).nth(cut % text.chars().count().max(1)).unwrap_or(0);
        let mutated = format!("{}{}{}", &text[..at], junk, &text[at..]);
        if let Ok(s) = load_str(Path::new("m.yaml"), mutated) {
            let _ = topgen::test_util::validate::validate(&s);
        }
    }

    #[test]
    fn arbitrary_text_never_panics_the_importers(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = topgen::test_util::import::import_text(Path::new("fuzz.json"), &text);
    }

    #[test]
    fn json_shaped_junk_never_panics_the_metadata_importer(
        name in "[a-z.\\-]{0,20}",
        ty in "(String|Number|byte|byte\\[\\]|null\\[\\]|Foo \\[\\]|T|Option|)",
        depth in 0usize..40,
    ) {
        let mut p = format!(r#"{{"name":"f","type":"{ty}"}}"#);
        for _ in 0..depth {
            p = format!(r#"{{"name":"n","type":"Node","subParams":[{p}]}}"#);
        }
        let text = format!(r#"{{"name":"{name}","requestParams":[{p}],"responseParams":[{p},{p}]}}"#);
        if let Ok(imp) = topgen::test_util::import::import_text(Path::new("j.json"), &text) {
            let yaml = topgen::test_util::import::to_yaml(&imp.spec, Path::new("j.json")).unwrap();
            let s = load_str(Path::new("j.yaml"), yaml).unwrap();
            prop_assert!(topgen::test_util::validate::validate(&s).is_empty());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics_the_page_importer(
        body in "[a-zA-Z0-9_ .()<>/\\[\\]•└:|\n可选必须请求参数响应参数示例]{0,600}",
        cut in 0usize..8000,
    ) {
        let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pages/topsdk.fixture.page.deep.txt")).unwrap();
        let at = page.char_indices().map(|(i, _)| i).nth(cut % page.chars().count()).unwrap_or(0);
        for text in [format!("a.b (x)\n请求参数\n{body}"), format!("{}{}{}", &page[..at], body, &page[at..]), body.clone()] {
            if let Ok(imp) = topgen::test_util::import::import_text(Path::new("p.txt"), &text) {
                let yaml = topgen::test_util::import::to_yaml(&imp.spec, Path::new("p.txt")).unwrap();
                let _ = load_str(Path::new("p.yaml"), yaml);
            }
        }
    }
}
