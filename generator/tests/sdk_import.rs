//! `topgen import-sdk` on SDK sources written for these tests in each language's generated
//! shape (tests/sdk/): uploads, nested request objects, lists of domain types, inner classes,
//! a domain type two APIs share, a cyclic type, an unknown type, a class with a syntax error;
//! the zip forms (read by our reader, written here by the `zip` crate); bad input.

use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use topgen::model::{ApiSpec, Field, Scalar, TypeRef};
use topgen::test_util::import::sdk::{Language, SdkImport, SdkOptions, import_sdk};

fn fixture(lang: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/sdk")
        .join(lang)
}

fn import(path: &Path) -> SdkImport {
    import_sdk(path, &SdkOptions::default()).unwrap()
}

fn api<'a>(imp: &'a SdkImport, method: &str) -> &'a ApiSpec {
    &imp.apis
        .iter()
        .find(|a| a.spec.method == method)
        .unwrap_or_else(|| panic!("{method} not imported: {imp:?}"))
        .spec
}

fn field<'a>(fields: &'a [Field], path: &str) -> &'a Field {
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
    let warnings = &imp
        .apis
        .iter()
        .find(|a| a.spec.method == "taobao.demo.category.get")
        .unwrap()
        .warnings;
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
    let warnings = &net
        .apis
        .iter()
        .find(|a| a.spec.method == "taobao.demo.category.get")
        .unwrap()
        .warnings;
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("contains itself (Category -> Category)"));
    assert!(warnings[1].contains("`MissingType` is not in these sources"));
    let java = import(&fixture("java"));
    let loaded = |imp: &SdkImport| imp.loaded().unwrap();
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
    let acc_warnings = &net
        .apis
        .iter()
        .find(|a| a.spec.method == "taobao.demo.account.create")
        .unwrap()
        .warnings;
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

/// A zip of the files under `dir` (deflated), entries named relative to it, plus `extra`.
fn zip_of(dir: &Path, extra: &[(&str, &[u8])]) -> Vec<u8> {
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

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn specs(imp: &SdkImport) -> Vec<String> {
    let mut v: Vec<String> = imp
        .apis
        .iter()
        .map(|a| serde_yaml::to_string(&a.spec).unwrap())
        .collect();
    v.sort();
    v
}

#[test]
fn the_zip_and_a_source_jar_inside_it_read_like_the_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = import(&fixture("java"));
    let zip = tmp.path().join("taobao-sdk-java-auto.zip");
    std::fs::write(&zip, zip_of(&fixture("java"), &[])).unwrap();
    assert_eq!(specs(&import(&zip)), specs(&folder));
    // The console's Java download: a binary jar and a `-source.jar` inside the zip.
    let jar = zip_of(&fixture("java"), &[]);
    let outer = tmp.path().join("outer.zip");
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(
        &outer,
        zip_of(
            empty.path(),
            &[
                ("taobao-sdk-java-auto-source.jar", &jar),
                ("taobao-sdk-java-auto.jar", b"PK\x05\x06 not really"),
                ("readme.txt", b"hello"),
            ],
        ),
    )
    .unwrap();
    let nested = import(&outer);
    assert_eq!(specs(&nested), specs(&folder));
    assert!(
        nested
            .skipped
            .iter()
            .any(|s| s.contains("taobao-sdk-java-auto.jar: not read")),
        "{:?}",
        nested.skipped
    );
}

#[test]
fn bad_downloads_are_clear_errors_and_nothing_is_written_outside_out() {
    let tmp = tempfile::tempdir().unwrap();
    let err = |p: &Path| {
        import_sdk(p, &SdkOptions::default())
            .unwrap_err()
            .to_string()
    };

    // Not an SDK: a text file, an empty folder, a folder of other files.
    let text = tmp.path().join("notes.txt");
    std::fs::write(&text, "hello").unwrap();
    assert!(err(&text).contains("not an SDK download"), "{}", err(&text));
    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    assert!(
        err(&empty).contains("no .java, .cs, .php or .py sources"),
        "{}",
        err(&empty)
    );

    // A 1 GB source file in a folder: not read, the rest is.
    let big = tmp.path().join("big");
    std::fs::create_dir_all(big.join("request")).unwrap();
    std::fs::copy(
        fixture("java").join("com/taobao/api/request/DemoCategoryGetRequest.java"),
        big.join("request/DemoCategoryGetRequest.java"),
    )
    .unwrap();
    std::fs::File::create(big.join("request/HugeRequest.java"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    let imp = import(&big);
    assert_eq!(imp.apis.len(), 1);
    assert!(
        imp.skipped[0].contains("HugeRequest.java: not read: 1073741824 bytes, more than"),
        "{:?}",
        imp.skipped
    );

    // A truncated download.
    let whole = zip_of(&fixture("java"), &[]);
    let cut = tmp.path().join("cut.zip");
    std::fs::write(&cut, &whole[..whole.len() / 2]).unwrap();
    assert!(err(&cut).contains("truncated"), "{}", err(&cut));

    // A 1 GB file (sparse): refused from its last 64 KiB, as a zip or as anything.
    for name in ["huge.zip", "huge.bin"] {
        let huge = tmp.path().join(name);
        let f = std::fs::File::create(&huge).unwrap();
        f.set_len(1 << 30).unwrap();
        drop(f);
        let e = err(&huge);
        assert!(e.contains("not an SDK download"), "{e}");
        let mut f = std::fs::OpenOptions::new().write(true).open(&huge).unwrap();
        f.write_all(b"PK\x03\x04").unwrap();
        drop(f);
        let e = err(&huge);
        assert!(e.contains("no end-of-central-directory"), "{e}");
    }

    // Hostile entries: path traversal, absolute, binary, not UTF-8; the good ones still read.
    let evil_src =
        std::fs::read(fixture("java").join("com/taobao/api/request/DemoCategoryGetRequest.java"))
            .unwrap();
    // Type arguments nested 100,000 deep: refused, not a stack overflow.
    let deep = format!(
        "class DeepRequest {{ private {}X{} x; }}",
        "List<".repeat(100_000),
        ">".repeat(100_000)
    );
    let hostile = tmp.path().join("hostile.zip");
    std::fs::write(
        &hostile,
        zip_of(
            &fixture("java"),
            &[
                ("../../evil/EvilRequest.java", &evil_src),
                ("/etc/AbsRequest.java", &evil_src),
                ("bin/BinRequest.java", b"class A {\0\0\0}"),
                ("bin/Latin1Request.java", b"class A { /* \xe9 */ }"),
                ("deep/DeepRequest.java", deep.as_bytes()),
            ],
        ),
    )
    .unwrap();
    let imp = import(&hostile);
    assert_eq!(imp.apis.len(), 4);
    let skipped = imp.skipped.join("\n");
    for want in [
        "../../evil/EvilRequest.java: not read: an unsafe path",
        "/etc/AbsRequest.java: not read: an unsafe path",
        "bin/BinRequest.java: not read: binary content",
        "bin/Latin1Request.java: not read: not UTF-8",
        "deep/DeepRequest.java:1: not read: type arguments nested deeper than 32 levels",
    ] {
        assert!(skipped.contains(want), "{want} in {skipped}");
    }
    let out = tmp.path().join("work/out");
    std::fs::create_dir_all(&out).unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_topgen"))
        .args(["import-sdk"])
        .arg(&hostile)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let mut written = Vec::new();
    walk(&tmp.path().join("work"), &mut written);
    assert_eq!(written.len(), 4, "{written:?}");
    assert!(
        written
            .iter()
            .all(|p| p.starts_with(&out) && p.extension().unwrap() == "yaml")
    );
    assert!(!tmp.path().join("evil").exists());

    // A category flag that would leave --out is refused.
    let e = import_sdk(
        &fixture("java"),
        &SdkOptions {
            category: Some("../x".into()),
            ..SdkOptions::default()
        },
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("letters, digits and `_` only"), "{e}");
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
    assert!(out.join("mine/taobao.tbk.order.details.get.yaml").is_file());
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
