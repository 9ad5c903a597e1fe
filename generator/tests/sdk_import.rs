//! `topgen import-sdk` on SDK sources written for these tests in each language's generated
//! shape (tests/sdk/): uploads, nested request objects, lists of domain types, inner classes,
//! a domain type two APIs share, a cyclic type, an unknown type, a class with a syntax error;
//! the command with its report, `--compare` and a diff of two downloads. Bad input:
//! sdk_bad_input.rs.

mod support;

use std::process::Command;
use support::{api, field, fixture, import, sdk_api, walk, zip_of};
use topgen::model::{ApiSpec, Scalar, TypeRef};
use topgen::test_util::import::sdk::{Language, SdkImport};

#[test]
fn java_sources_give_exact_specs() {
    let imp = import(&fixture("java"));
    assert_eq!(imp.language, Language::Java);
    let mut methods: Vec<&str> = imp.apis.iter().map(|a| a.spec.method.as_str()).collect();
    methods.sort();
    assert_eq!(
        methods,
        [
            "taobao.demo.category.get",
            "taobao.demo.order.create",
            "taobao.picture.upload",
            "taobao.tbk.order.details.get"
        ]
    );

    // The affiliate order report: wire names from getTextParams, rules from check().
    let tbk = api(&imp, "taobao.tbk.order.details.get");
    assert_eq!(tbk.category_pkg.as_deref(), Some("tbk"));
    let names: Vec<&str> = tbk.request.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "end_time",
            "jump_type",
            "page_no",
            "page_size",
            "position_index",
            "query_type",
            "start_time",
            "tk_status"
        ]
    );
    let end = field(&tbk.request, "end_time");
    assert_eq!(
        (end.ty.clone(), end.required),
        (TypeRef::Scalar(Scalar::Date), true)
    );
    assert!(end.description.starts_with("订单查询结束时间"));
    let size = field(&tbk.request, "page_size");
    assert_eq!(
        (size.constraints.min_value, size.constraints.max_value),
        (Some(1), Some(100))
    );
    assert!(!size.required);
    assert_eq!(
        field(&tbk.request, "position_index").constraints.max_length,
        Some(256)
    );
    // Response inner classes, a list with its item name.
    let results = field(&tbk.response, "data.results");
    assert_eq!(results.ty, TypeRef::ObjectList("PublisherOrderDto".into()));
    assert_eq!(
        results.item_name.as_deref(),
        None,
        "publisher_order_dto is the default"
    );
    assert_eq!(results.list_item_name(), "publisher_order_dto");
    assert_eq!(
        field(&tbk.response, "data.results.tk_status").ty,
        TypeRef::Scalar(Scalar::Number)
    );
    assert_eq!(
        field(&tbk.response, "data.results.item_tags").ty,
        TypeRef::List(Scalar::String)
    );

    // An upload: the file param from getFileParams, in declaration order.
    let up = api(&imp, "taobao.picture.upload");
    let img = field(&up.request, "img");
    assert_eq!((img.ty.clone(), img.required), (TypeRef::File, true));
    assert_eq!(up.request[2].name, "img");
    assert_eq!(
        field(&up.request, "image_input_title")
            .constraints
            .max_length,
        Some(50)
    );

    // Nested request objects (a setter overload names the type), a comma list by its rule.
    let order = api(&imp, "taobao.demo.order.create");
    let o = field(&order.request, "order");
    assert_eq!(
        (o.ty.clone(), o.required),
        (TypeRef::Object("OrderDto".into()), true)
    );
    let lines = field(&order.request, "order.lines");
    assert_eq!(lines.ty, TypeRef::ObjectList("OrderLine".into()));
    assert_eq!(lines.list_item_name(), "order_line");
    assert_eq!(
        topgen::model::outline(&order.request),
        "item_ids[],order{buyer_nick,lines[]{item_id,num},discount},memo"
    );
    assert!(field(&order.request, "order.discount").decimal);
    let ids = field(&order.request, "item_ids");
    assert_eq!(ids.ty, TypeRef::List(Scalar::String));
    assert_eq!(ids.constraints.max_list_size, Some(20));
    assert_eq!(
        field(&order.request, "memo").description,
        "备注（多行说明：\n第二行）"
    );

    // A domain type two APIs share; a cycle and an unknown type, typed Json and reported.
    let cat = api(&imp, "taobao.demo.category.get");
    assert_eq!(
        field(&cat.response, "icon").fields,
        field(&up.response, "picture").fields
    );
    let children = field(&cat.response, "categories.children");
    assert_eq!(children.ty, TypeRef::List(Scalar::Json));
    assert_eq!(children.item_name.as_deref(), Some("category"));
    assert_eq!(
        field(&cat.response, "categories.extra").ty,
        TypeRef::Scalar(Scalar::Json)
    );
    let warnings = &sdk_api(&imp, "taobao.demo.category.get").warnings;
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(
        warnings[0].contains("contains itself (Category -> Category)"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].contains("`MissingType` is not in these sources"),
        "{warnings:?}"
    );

    // The class with a syntax error: skipped with file:line and why, never half read.
    assert_eq!(imp.skipped.len(), 1, "{:?}", imp.skipped);
    assert!(
        imp.skipped[0].contains(
            "DemoBrokenGetRequest.java:8: not read: class `DemoBrokenGetRequest` is never closed"
        ),
        "{:?}",
        imp.skipped
    );
    assert!(
        imp.apis
            .iter()
            .all(|a| a.spec.method != "taobao.demo.broken.get")
    );
    // What the sources lack is said.
    assert!(
        imp.notes
            .iter()
            .any(|n| n.contains("error codes") && n.contains("idempotent"))
    );
    assert!(
        imp.apis
            .iter()
            .all(|a| a.spec.examples == Default::default()
                && a.spec.idempotent.is_none()
                && a.spec.error_codes.is_empty())
    );
}

#[test]
fn dotnet_sources_give_the_java_specs_but_for_what_the_sdks_really_differ_in() {
    let net = import(&fixture("dotnet"));
    assert_eq!(net.language, Language::DotNet);
    // The class with a syntax error, skipped with file:line and why.
    assert_eq!(net.skipped.len(), 1, "{:?}", net.skipped);
    assert!(
        net.skipped[0]
            .contains("DemoBrokenGetRequest.cs:15: not read: a line break inside a string literal"),
        "{:?}",
        net.skipped
    );
    // The cycle and the unknown type, as in Java.
    let warnings = &sdk_api(&net, "taobao.demo.category.get").warnings;
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("contains itself (Category -> Category)"));
    assert!(warnings[1].contains("`MissingType` is not in these sources"));
    let java = import(&fixture("java"));
    let loaded = |imp: &SdkImport| imp.loaded();
    let c = topgen::test_util::diff::compare(&loaded(&java), &loaded(&net));
    assert_eq!(c.both, 3);
    // The .NET SDK types dates in domain classes as `string`.
    let changes: Vec<String> = c
        .changes
        .iter()
        .map(|c| format!("{} {} {}", c.method, c.path, c.what))
        .collect();
    assert_eq!(
        changes,
        [
            "taobao.demo.category.get response.icon.created type Date -> String",
            "taobao.picture.upload response.picture.created type Date -> String"
        ]
    );
    // An object list from its `X_` setter; an object list whose type is not named is Json.
    let acc = api(&net, "taobao.demo.account.create");
    let list = field(&acc.request, "param_list");
    assert_eq!(
        (
            list.ty.clone(),
            list.required,
            list.constraints.max_list_size
        ),
        (TypeRef::ObjectList("Account".into()), true, Some(20))
    );
    assert_eq!(
        topgen::model::outline(&acc.request),
        "param_list[]{login_id,gmt_create,tags[]},extra_list"
    );
    assert_eq!(
        field(&acc.request, "param_list.gmt_create").ty,
        TypeRef::Scalar(Scalar::Date)
    );
    assert_eq!(
        field(&acc.request, "extra_list").ty,
        TypeRef::Scalar(Scalar::Json)
    );
    assert_eq!(
        field(&acc.response, "account_ids").ty,
        TypeRef::List(Scalar::Number)
    );
    let acc_warnings = &sdk_api(&net, "taobao.demo.account.create").warnings;
    assert_eq!(acc_warnings.len(), 1, "{acc_warnings:?}");
    assert!(
        acc_warnings[0]
            .contains("request.extra_list: a list of objects whose type the sources do not name")
    );
    let order = api(&net, "taobao.demo.order.create");
    // `OrderDtoDomain` nested in the request is the domain type `OrderDto`.
    assert_eq!(
        field(&order.request, "order").ty,
        TypeRef::Object("OrderDto".into())
    );
    assert_eq!(
        api(&java, "taobao.demo.order.create").request,
        order.request
    );
}

#[test]
fn php_and_python_give_typed_requests_and_say_responses_are_untyped() {
    let php = import(&fixture("php"));
    let tbk = api(&php, "taobao.tbk.order.details.get");
    assert!(tbk.response.is_empty());
    let size = field(&tbk.request, "page_size");
    assert_eq!(
        size.ty,
        TypeRef::Scalar(Scalar::Number),
        "a value rule makes it a Number"
    );
    assert_eq!(
        (size.constraints.min_value, size.constraints.max_value),
        (Some(1), Some(100))
    );
    assert!(field(&tbk.request, "end_time").required);
    assert_eq!(
        field(&tbk.request, "position_index").constraints.max_length,
        Some(256)
    );
    assert!(
        php.notes
            .iter()
            .any(|n| n.contains("no types and no responses"))
    );
    assert_eq!(php.skipped.len(), 1, "{:?}", php.skipped);
    assert!(
        php.skipped[0].contains("DemoBrokenGetRequest.php:12: a comment that never ends"),
        "{:?}",
        php.skipped
    );

    let py = import(&fixture("python"));
    let up = api(&py, "taobao.picture.upload");
    assert_eq!(field(&up.request, "img").ty, TypeRef::File);
    assert_eq!(
        field(&up.request, "client_type").ty,
        TypeRef::Scalar(Scalar::String)
    );
    assert!(up.response.is_empty());
    assert!(
        py.notes
            .iter()
            .any(|n| n.contains("`response:` is empty (untyped)"))
    );
    assert_eq!(py.skipped.len(), 1, "{:?}", py.skipped);
    assert!(
        py.skipped[0].contains("DemoBrokenGetRequest.py:11: getapiname returns no string literal"),
        "{:?}",
        py.skipped
    );
    // Their requests agree with the Java SDK's wire names.
    let java = import(&fixture("java"));
    let wires = |s: &ApiSpec| s.request.iter().map(|f| f.name.clone()).collect::<Vec<_>>();
    assert_eq!(wires(up), wires(api(&java, "taobao.picture.upload")));
}

#[test]
fn the_command_imports_compares_and_diffs_two_downloads() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("spec");
    let run = |args: &[&std::ffi::OsStr]| {
        let o = Command::new(env!("CARGO_BIN_EXE_topgen"))
            .args(args)
            .output()
            .unwrap();
        (
            o.status.code(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    };
    let (code, _, err) = run(&[
        "import-sdk".as_ref(),
        fixture("java").as_os_str(),
        "--out".as_ref(),
        out.as_os_str(),
        "--category".as_ref(),
        "mine".as_ref(),
        "--report".as_ref(),
        tmp.path().join("report.json").as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("Java SDK at"), "{err}");
    assert!(err.contains("4 imported to"), "{err}");
    assert!(
        err.contains("skipped:") && err.contains("DemoBrokenGetRequest.java:8"),
        "{err}"
    );
    let written =
        std::fs::read_to_string(out.join("mine/taobao.tbk.order.details.get.yaml")).unwrap();
    assert!(
        written.starts_with(
            "# Imported by topgen from TbkOrderDetailsGetRequest.java. Edit freely; `topgen import-sdk` overwrites.\n"
        ),
        "{written}"
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("report.json")).unwrap()).unwrap();
    assert_eq!(report["language"], "Java");
    assert_eq!(report["apis"].as_array().unwrap().len(), 4);
    assert_eq!(report["written"].as_array().unwrap().len(), 4);
    assert_eq!(report["failed"].as_array().unwrap().len(), 0);
    assert_eq!(report["skipped"].as_array().unwrap().len(), 1);
    let cat = report["apis"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["method"] == "taobao.demo.category.get")
        .unwrap();
    assert_eq!(cat["category"], "mine");
    assert_eq!(cat["warnings"].as_array().unwrap().len(), 2);
    // Written specs are specs: `topgen check` takes them.
    let (code, _, err) = run(&["check".as_ref(), out.as_os_str()]);
    assert_eq!(code, Some(0), "{err}");

    // --compare: the .NET SDK against the specs the Java one made.
    let (code, stdout, err) = run(&[
        "import-sdk".as_ref(),
        fixture("dotnet").as_os_str(),
        "--compare".as_ref(),
        out.as_os_str(),
    ]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        stdout.contains("response.picture.created: type Date -> String"),
        "{stdout}"
    );
    assert!(
        err.contains("3 API(s) in both, 1 the same, 2 differ (2 difference(s))"),
        "{err}"
    );

    // Two downloads: a param added, one removed.
    let v1 = tmp.path().join("v1.zip");
    let v2 = tmp.path().join("v2.zip");
    let java = fixture("java");
    std::fs::write(&v1, zip_of(&java, &[])).unwrap();
    let copy = tmp.path().join("v2src");
    for f in {
        let mut v = Vec::new();
        walk(&java, &mut v);
        v
    } {
        let dest = copy.join(f.strip_prefix(&java).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        let text = std::fs::read_to_string(&f).unwrap().replace(
            "txtParams.put(\"tk_status\", this.tkStatus);",
            "txtParams.put(\"order_scene\", this.tkStatus);",
        );
        std::fs::write(dest, text).unwrap();
    }
    std::fs::write(&v2, zip_of(&copy, &[])).unwrap();
    let (code, stdout, err) = run(&["diff".as_ref(), v1.as_os_str(), v2.as_os_str()]);
    assert_eq!(code, Some(1), "a removed param breaks: {stdout}{err}");
    assert!(stdout.contains("request.tk_status: removed"), "{stdout}");
    assert!(stdout.contains("request.order_scene"), "{stdout}");
}
