//! Importing TOP documentation pages (the seed's text format).

use std::path::{Path, PathBuf};
use topgen::model::ApiSpec;
use topgen::test_util::import::import_file;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The documentation page the project started from, committed (a copy of `../shared/seeds/`).
fn seed_page() -> PathBuf {
    repo().join("generator/tests/seed/000_1c4f2a8f8941218e.txt")
}

fn hand_written_seed() -> ApiSpec {
    topgen::test_util::loader::load_file(
        &repo().join("spec/kongur/alibaba.kongur.token.getosstoken.yaml"),
    )
    .unwrap()
    .spec
}

#[test]
fn seed_page_imports_to_the_hand_written_spec() {
    let page = seed_page();
    let imported = import_file(&page).unwrap();
    assert!(imported.warnings.is_empty(), "{:?}", imported.warnings);
    let mut spec = imported.spec;
    // The page names its category in Chinese only; the package name is ours.
    assert_eq!(spec.category_pkg, None);
    spec.category_pkg = Some("kongur".into());
    let hand = hand_written_seed();
    assert_eq!(spec, hand);
    // And so the generated code is identical.
    let generate = |s: ApiSpec, name: &str| {
        let text = topgen::test_util::import::to_yaml(&s, Path::new(name)).unwrap();
        let loaded = topgen::test_util::loader::load_str(Path::new(name), text).unwrap();
        topgen::test_util::codegen::generate(&[loaded], &topgen::Options::default())
    };
    assert_eq!(generate(spec, "a.yaml"), generate(hand, "b.yaml"));
}

fn fixture(name: &str) -> topgen::test_util::import::Imported {
    import_file(&repo().join("generator/tests/pages").join(name)).unwrap()
}

fn names(fields: &[topgen::model::Field]) -> Vec<&str> {
    fields.iter().map(|f| f.name.as_str()).collect()
}

#[test]
fn deep_page_recovers_nesting_from_the_samples() {
    let imp = fixture("topsdk.fixture.page.deep.txt");
    let s = &imp.spec;
    assert_eq!(s.category, "测试类目", "breadcrumb after a notice line");
    // Request tree from the Java sample; constraints from bullets after the 4-space artifact.
    assert_eq!(names(&s.request), ["order_query", "fields", "start_time"]);
    let q = &s.request[0];
    assert!(q.required);
    assert_eq!(
        names(&q.fields),
        ["order_id", "buyer_nick", "page", "with_items"],
        "with_items follows the page subtree but belongs to OrderQuery"
    );
    assert_eq!(q.fields[0].constraints.min_value, Some(1));
    assert_eq!(q.fields[1].constraints.max_length, Some(32));
    assert_eq!(q.fields[1].example, None, "no example: one bullet fewer");
    assert_eq!(names(&q.fields[2].fields), ["page_no", "page_size"]);
    assert_eq!(q.fields[2].fields[1].constraints.max_value, Some(100));
    assert_eq!(
        q.fields[3].example, None,
        "nonsense Boolean example dropped"
    );
    assert_eq!(s.request[1].constraints.max_list_size, Some(20));
    assert_eq!(s.request[2].example.as_deref(), Some("2026-11-29 12:00:00"));
    assert_eq!(
        s.examples.request.get("start_time").map(String::as_str),
        Some("2026-11-29 12:00:00")
    );
    // Response tree from the XML sample: leaves after subtrees go to the right ancestor.
    assert_eq!(names(&s.response), ["result", "total_results"]);
    let r = &s.response[0];
    assert_eq!(names(&r.fields), ["success", "orders", "total", "tags"]);
    let orders = &r.fields[1];
    assert_eq!(names(&orders.fields), ["tid", "items", "status"]);
    assert_eq!(orders.list_item_name(), "order");
    assert_eq!(
        orders.item_name, None,
        "order is the default item name of Order[]"
    );
    let sku = &orders.fields[1].fields[0];
    assert_eq!(
        (sku.example.as_deref(), sku.description.as_str()),
        (Some("sku-1"), "商品SKU"),
        "swapped columns"
    );
    assert_eq!(r.fields[3].example, None, "literal null example");
    assert_eq!(s.error_codes.len(), 1);
    assert_eq!(s.error_codes[0].code, "isp.order-service-unavailable");
    let w = imp.warnings.join("\n");
    assert!(w.contains("with_items") && w.contains("swapped"), "{w}");
    // Derived JSON samples follow the tree.
    let json: serde_json::Value =
        serde_json::from_str(s.examples.response_json.as_deref().unwrap()).unwrap();
    assert_eq!(
        json["topsdk_fixture_page_deep_response"]["result"]["orders"]["order"][0]["items"]["order_item"]
            [1]["sku"],
        "sku-2"
    );
    assert_eq!(
        json["topsdk_fixture_page_deep_response"]["result"]["total"],
        1
    );
    let simple: serde_json::Value =
        serde_json::from_str(s.examples.response_json_simplified.as_deref().unwrap()).unwrap();
    assert_eq!(simple["result"]["tags"], serde_json::json!(["a", "b"]));
    let err: serde_json::Value =
        serde_json::from_str(s.examples.error_json.as_deref().unwrap()).unwrap();
    assert_eq!(err["error_response"]["code"], 15);
}

#[test]
fn pipe_table_page_without_breadcrumb() {
    let imp = fixture("topsdk.fixture.page.pipe.txt");
    let s = &imp.spec;
    assert_eq!(s.method, "topsdk.fixture.page.pipe");
    assert_eq!(s.category, "");
    assert_eq!(names(&s.request), ["item_id", "title"]);
    assert!(s.request[0].required);
    assert_eq!(s.request[1].constraints.max_length, Some(60));
    assert_eq!(names(&s.response), ["item", "modified"]);
    assert_eq!(
        names(&s.response[0].fields),
        ["num_iid", "title"],
        "lost nested rows rebuilt from the XML"
    );
    assert!(
        imp.warnings
            .iter()
            .any(|w| w.contains("taken from the XML sample"))
    );
    assert_eq!(
        s.examples.request.get("item_id").map(String::as_str),
        Some("42")
    );
    assert!(
        s.examples
            .error_json
            .as_deref()
            .unwrap()
            .contains("Missing Required Arguments")
    );
}

#[test]
fn unreadable_pages_name_the_line() {
    let err = topgen::test_util::import::import_text(
        Path::new("x.txt"),
        "文档中心\n请求参数\nnothing here\n",
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("x.txt:1:1: no `method (中文名)` line"),
        "{err}"
    );
}

use topgen::model::outline as tree;

fn import_page_text(name: &str, text: &str) -> topgen::test_util::import::Imported {
    topgen::test_util::import::import_text(&repo().join("generator/tests/pages").join(name), text)
        .unwrap()
}

/// An object list inside a request object (its row not marked `└`), followed by fields of the
/// parent, one named like the list item's: the Java sample gives the exact tree.
#[test]
fn object_list_followed_by_parent_fields_with_the_same_names() {
    let imp = fixture("topsdk.fixture.page.orderlist.txt");
    let s = &imp.spec;
    assert_eq!(
        tree(&s.request),
        "order{items[]{name,quantity},name,remark},shop_id"
    );
    let items = &s.request[0].fields[0];
    assert_eq!(items.ty.to_string(), "ItemDto[]");
    assert_eq!(items.fields[1].constraints.min_value, Some(1));
    assert_eq!(s.request[0].fields[1].description, "订单名");
    assert_eq!(s.request[0].fields[2].constraints.max_length, Some(64));
    // Two levels of object lists in the response, list rows marked `└`, the XML sample nesting.
    assert_eq!(tree(&s.response), "orders[]{tid,lines[]{sku,num},status}");
    assert!(imp.warnings.is_empty(), "{:?}", imp.warnings);
    let yaml = topgen::test_util::import::to_yaml(s, Path::new("orderlist.txt")).unwrap();
    let loaded = topgen::test_util::loader::load_str(Path::new("orderlist.yaml"), yaml).unwrap();
    assert_eq!(topgen::test_util::validate::validate(&loaded), vec![]);
}

/// The same page with the `└` markers all removed, or with the list row marked too: the
/// request sample decides, so the tree is the same.
#[test]
fn leaf_markers_or_none_the_same_tree() {
    let name = "topsdk.fixture.page.orderlist.txt";
    let text = std::fs::read_to_string(repo().join("generator/tests/pages").join(name)).unwrap();
    let unmarked = import_page_text(name, &text.replace("└ ", ""));
    let marked = import_page_text(name, &text.replace("  • items\n", "  • └ items\n"));
    for imp in [&unmarked, &marked] {
        assert_eq!(
            tree(&imp.spec.request),
            "order{items[]{name,quantity},name,remark},shop_id"
        );
        assert_eq!(
            tree(&imp.spec.response),
            "orders[]{tid,lines[]{sku,num},status}"
        );
    }
}

/// Two levels of object lists, no row marked `└`: the Java sample is the only nesting signal.
#[test]
fn two_levels_of_object_lists_from_the_java_sample_alone() {
    let imp = fixture("topsdk.fixture.page.twolevel.txt");
    assert_eq!(
        tree(&imp.spec.request),
        "batch{orders[]{lines[]{sku,num},remark},remark}"
    );
    assert_eq!(imp.spec.request[0].fields[1].description, "批次备注");
    assert!(imp.warnings.is_empty(), "{:?}", imp.warnings);
    // Without the Java sample the rows alone cannot say; the repeated `remark` is still a
    // nesting signal, so the spec stays valid, and the guess is warned about.
    let text = std::fs::read_to_string(
        repo().join("generator/tests/pages/topsdk.fixture.page.twolevel.txt"),
    )
    .unwrap();
    let cut = text.find("\n请求示例\n").unwrap();
    let blind = import_page_text(
        "twolevel.txt",
        &format!(
            "{}{}",
            &text[..cut],
            &text[text.find("\n响应示例\n").unwrap()..]
        ),
    );
    let t = tree(&blind.spec.request);
    assert_eq!(t.matches("remark").count(), 2, "{t}");
    assert!(
        blind
            .warnings
            .iter()
            .any(|w| w.contains("guessed from row order")),
        "{:?}",
        blind.warnings
    );
    let yaml = topgen::test_util::import::to_yaml(&blind.spec, Path::new("blind.txt")).unwrap();
    let loaded = topgen::test_util::loader::load_str(Path::new("blind.yaml"), yaml).unwrap();
    assert_eq!(topgen::test_util::validate::validate(&loaded), vec![]);
}

/// Nested response objects described each in its own table after the field list
/// (`ItemDto` / `SkuDto 结构` and a `名称 ...` header): typed from those tables, with or without
/// an XML sample, three levels down; the samples follow the types.
#[test]
fn object_types_in_tables_after_the_field_list_are_typed() {
    let imp = fixture("topsdk.fixture.page.typetables.txt");
    assert!(imp.warnings.is_empty(), "{:?}", imp.warnings);
    let s = &imp.spec;
    assert_eq!(names(&s.response), ["result", "request_id"]);
    let result = &s.response[0];
    assert_eq!(names(&result.fields), ["success", "total", "items"]);
    assert_eq!(result.fields[0].ty.to_string(), "Boolean");
    assert_eq!(result.fields[1].ty.to_string(), "Number");
    let items = &result.fields[2];
    assert_eq!(items.ty.to_string(), "ItemDto[]");
    assert_eq!(names(&items.fields), ["item_id", "title", "price", "sku"]);
    assert_eq!(items.fields[2].ty.to_string(), "Price");
    let sku = &items.fields[3];
    assert_eq!(names(&sku.fields), ["sku_id", "properties"]);
    let simplified: serde_json::Value =
        serde_json::from_str(s.examples.response_json_simplified.as_deref().unwrap()).unwrap();
    assert_eq!(
        simplified["result"]["items"][0]["item_id"],
        serde_json::json!(4345678901234567891u64)
    );
    assert_eq!(simplified["result"]["items"][0]["sku"]["sku_id"], 7);
    assert_eq!(simplified["result"]["total"], 2);

    // Without the XML sample: the same tree from the tables alone.
    let text = std::fs::read_to_string(
        repo().join("generator/tests/pages/topsdk.fixture.page.typetables.txt"),
    )
    .unwrap();
    let cut = text.find("响应示例").unwrap();
    let errors = text.find("异常示例").unwrap();
    let no_sample = format!("{}{}", &text[..cut], &text[errors..]);
    let imp2 = topgen::test_util::import::import_text(Path::new("p.txt"), &no_sample).unwrap();
    assert_eq!(imp2.spec.response, s.response);

    // A type whose table names itself stops there, said once.
    let looped = text.replace("sku SkuDto SKU", "sku SkuDto SKU\nparent ItemDto 上级");
    let imp3 = topgen::test_util::import::import_text(Path::new("p.txt"), &looped).unwrap();
    assert!(
        imp3.warnings.iter().any(|w| w.contains("contains itself")),
        "{:?}",
        imp3.warnings
    );
}

/// A paged object: `current_page` and its siblings under `content`, beside the list.
#[test]
fn paged_fields_under_content_stay_there() {
    let imp = fixture("topsdk.fixture.page.paged.txt");
    assert!(imp.warnings.is_empty(), "{:?}", imp.warnings);
    let content = &imp.spec.response[0].fields[0];
    assert_eq!(content.name, "content");
    assert_eq!(
        names(&content.fields),
        ["current_page", "page_size", "total_count", "list"]
    );
    for sample in [
        imp.spec.examples.response_json.as_deref().unwrap(),
        imp.spec
            .examples
            .response_json_simplified
            .as_deref()
            .unwrap(),
        imp.spec.examples.response_xml.as_deref().unwrap(),
    ] {
        assert!(sample.contains("current_page"), "{sample}");
    }
    let simplified: serde_json::Value = serde_json::from_str(
        imp.spec
            .examples
            .response_json_simplified
            .as_deref()
            .unwrap(),
    )
    .unwrap();
    assert_eq!(simplified["data"]["content"]["current_page"], 1);
    assert_eq!(simplified["data"]["content"]["list"][0]["record_id"], 11);
}
