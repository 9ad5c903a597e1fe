//! The generator's adversarial fixtures, compiled: names, every type, samples.

use topsdk::test_util::decode;
use topsdk::{DateTime, Format, TopRequest};
use topsdk_catalogue_sample::apis::{
    topsdk_fixture_deep as deep, topsdk_fixture_every_type as every, topsdk_fixture_keywords as kw,
};

#[test]
fn keyword_and_reserved_names_are_usable() {
    let req = kw::Request::new("t", 7)
        .r#in(true)
        .self_(DateTime::parse("2026-11-29 12:00:00").unwrap())
        .set_new("n")
        .set_send("s")
        .set_build("b")
        .set_default("d")
        .set_params(3)
        .set_new_2("x")
        .f_1st_choice("1")
        .user_id("camel")
        .user_id_2("snake")
        .a_b_c("odd")
        .option(kw::request::Option {
            some: Some("v".into()),
            none: Some(1),
        })
        .results(vec![kw::request::Result {
            ok: Some("fine".into()),
            err: None,
        }]);
    let mut w = topsdk::__private::ParamWriter::new();
    req.write_params(&mut w);
    let sent: Vec<(&str, &str)> = w.text_params().collect();
    assert!(
        sent.contains(&("type", "t"))
            && sent.contains(&("match", "7"))
            && sent.contains(&("self", "2026-11-29 12:00:00"))
    );
    assert!(
        sent.contains(&("userId", "camel"))
            && sent.contains(&("user_id", "snake"))
            && sent.contains(&("a-b.c", "odd"))
    );
    assert!(
        sent.contains(&("Option", r#"{"Some":"v","None":1}"#)),
        "{sent:?}"
    );
    assert!(
        sent.contains(&("results", r#"[{"Ok":"fine"}]"#)),
        "{sent:?}"
    );
    // The documented `RequestId` keeps `request_id`; the gateway's id is `request_id_2`.
    let body = r#"{"topsdk_fixture_keywords_response":{"RequestId":5,"request_id":"gw-1","type":"x","Result":{"Vec":{"vec":[{"String":"s","Box":"2"}]}},"Request":{"Response":{"SCHEMA":"y"}}}}"#;
    let resp: kw::Response =
        decode(body.as_bytes(), Format::Json, false, kw::SCHEMA.get()).unwrap();
    assert_eq!(
        (resp.request_id, resp.request_id_2.as_deref()),
        (Some(5), Some("gw-1"))
    );
    assert_eq!(
        topsdk::TopResponse::request_id(&kw::Response {
            request_id_2: Some("gw".into()),
            ..Default::default()
        }),
        Some("gw")
    );
    let vec = &resp.result.unwrap().vec[0];
    assert_eq!((vec.string.as_deref(), vec.r#box), (Some("s"), Some(2)));
    assert_eq!(
        resp.request.unwrap().response.unwrap().schema.as_deref(),
        Some("y")
    );
}

#[test]
fn every_type_sample_agrees_across_formats() {
    let schema = every::SCHEMA.get();
    let ex = &schema.examples;
    let sample = |body: &Option<String>, format, simplified| -> every::Response {
        decode(
            body.as_deref().unwrap().as_bytes(),
            format,
            simplified,
            schema,
        )
        .unwrap()
    };
    let xml = sample(&ex.response_xml, Format::Xml, false);
    let json = sample(&ex.response_json, Format::Json, false);
    let simple = sample(&ex.response_json_simplified, Format::Json, true);
    assert_eq!(xml, json);
    assert_eq!(json, simple);
    assert_eq!(xml.amount.as_ref().map(|p| p.as_str()), Some("12.50"));
    assert_eq!(
        xml.extra
            .as_ref()
            .unwrap()
            .parse::<serde_json::Value>()
            .unwrap(),
        serde_json::json!({"k": [1, 2]})
    );
    assert_eq!(xml.ids, vec![7]);
    // 19-digit ids exact (never through f64); decimals exact, as numbers or text.
    assert_eq!(xml.num_iid, Some(i64::MAX));
    assert_eq!(
        xml.lat.as_ref().map(topsdk::Decimal::as_str),
        Some("30.274150123456")
    );
    assert_eq!(
        xml.discount_rate.as_ref().map(topsdk::Decimal::as_str),
        Some("0.95")
    );
    assert_eq!(xml.items.len(), 2);
    assert_eq!(xml.start.unwrap().to_string(), "2026-11-29 12:00:00");
    let shown = format!("{xml:?}");
    assert!(
        !shown.contains("AT-secret"),
        "access_token is guessed sensitive: {shown}"
    );
    assert!(
        shown.contains("SK"),
        "session_key is marked not sensitive: {shown}"
    );
}

#[test]
fn every_type_request_encodes_per_top_rules() {
    let req = every::Request::new("hello")
        .count(5)
        .flag(false)
        .amount(topsdk::Price::new("9.90").unwrap())
        .fields(["num_iid", "title"])
        .tags(["a", "b"])
        .ids([1, 2])
        .password("hunter2")
        .lng(topsdk::Decimal::new("120.15").unwrap())
        .rates([
            topsdk::Decimal::new("0.5").unwrap(),
            topsdk::Decimal::from(2i64),
        ])
        .blobs([
            topsdk::Json::new(r#"{"a":1,"b":[2,3]}"#),
            topsdk::Json::new("\"x,y\""),
        ])
        .flags([])
        .address(every::request::Address {
            city: "杭州".into(),
            zip: None,
            moved_at: None,
        })
        .image(topsdk::FileUpload::new("a.png", vec![1, 2, 3]));
    let mut w = topsdk::__private::ParamWriter::new();
    req.write_params(&mut w);
    let sent: Vec<(&str, &str)> = w.text_params().collect();
    assert_eq!(
        sent,
        // In key order, the order they are signed in.
        [
            ("address", r#"{"city":"杭州"}"#),
            ("amount", "9.90"),
            // Json[] as one JSON array (its values hold commas).
            ("blobs", r#"[{"a":1,"b":[2,3]},"x,y"]"#),
            ("count", "5"),
            ("fields", "num_iid,title"),
            ("flag", "false"),
            // `flags` is an empty list: blank, so neither sent nor signed.
            ("ids", "1,2"),
            ("lng", "120.15"),
            ("password", "hunter2"),
            ("rates", "0.5,2"),
            ("tags", "a,b"),
            ("text", "hello"),
        ]
    );
    assert_eq!(w.files().map(|(k, _)| k).collect::<Vec<_>>(), ["image"]);
    assert!(!format!("{req:?}").contains("hunter2"));
    // The rules are checked before any I/O (`prepare` signs without sending).
    let client = topsdk::Client::builder("k", "s").build().unwrap();
    let too_many = every::Request::new("hello").tags(["a", "b", "c", "d"]);
    assert!(client.prepare(&too_many).is_err());
    // Decimal bounds are checked as numbers.
    let out_of_range = every::Request::new("hello").lng(topsdk::Decimal::new("180.5").unwrap());
    let e = client.prepare(&out_of_range).unwrap_err();
    assert!(e.to_string().contains("180.5; the maximum is 180"), "{e}");
    // A blank required param is missing (code 40), not sent empty.
    let blank = every::Request::new("  ");
    let e = client.prepare(&blank).unwrap_err();
    assert!(
        matches!(&e, topsdk::Error::InvalidRequest { code: 40, param, .. } if param == "text"),
        "{e}"
    );
    // Json[] parses back from the CLI's text.
    let parsed =
        <Vec<topsdk::Json> as topsdk::__private::Param>::parse(r#"[{"a":1},"x,y"]"#).unwrap();
    assert_eq!(
        parsed,
        [
            topsdk::Json::new(r#"{"a":1}"#),
            topsdk::Json::new("\"x,y\"")
        ]
    );
}

#[test]
fn same_type_name_different_shapes_get_distinct_types() {
    // Request: Item{a}, Holder{item: Item{b}} -> Item, Holder, Item2.
    let _ = deep::Request::new()
        .filter(deep::request::FilterItem {
            a: Some("x".into()),
        })
        .other(deep::request::Holder {
            item: Some(deep::request::HolderItem { b: Some(1) }),
        });
    // Response Item{a} and Item{b} and Item[]{a}: distinct from the request's types.
    let r = deep::Response::default();
    let _: Option<deep::response::FirstItem> = r.first;
    let _: Option<deep::response::SecondItem> = r.second;
    let _: Vec<deep::response::FirstItem> = r.third;
}

#[test]
fn imported_doc_pages_parse_their_xml_samples() {
    use topsdk_catalogue_sample::apis::{
        topsdk_fixture_page_deep as page, topsdk_fixture_page_pipe as pipe,
    };
    let schema = page::SCHEMA.get();
    let xml = schema.examples.response_xml.as_deref().unwrap();
    let resp: page::Response = decode(xml.as_bytes(), Format::Xml, false, schema).unwrap();
    let result = resp.result.unwrap();
    assert_eq!(
        result.orders[0].items[1].price.as_ref().unwrap().as_str(),
        "0.10"
    );
    assert_eq!(result.orders[0].status.as_deref(), Some("WAIT_SELLER_SEND"));
    assert_eq!(
        (result.total, result.tags.clone()),
        (Some(1), vec!["a".to_string(), "b".to_string()])
    );
    assert_eq!(resp.total_results, Some(1));
    let req = page::Request::new(page::request::OrderQuery {
        order_id: 7,
        page: Some(page::request::PageParam {
            page_no: Some(1),
            page_size: Some(20),
        }),
        ..Default::default()
    });
    let mut w = topsdk::__private::ParamWriter::new();
    req.write_params(&mut w);
    assert_eq!(
        w.text_params().collect::<Vec<_>>(),
        [(
            "order_query",
            r#"{"order_id":7,"page":{"page_no":1,"page_size":20}}"#
        )]
    );
    let schema = pipe::SCHEMA.get();
    let resp: pipe::Response = decode(
        schema.examples.response_xml.as_deref().unwrap().as_bytes(),
        Format::Xml,
        false,
        schema,
    )
    .unwrap();
    assert_eq!(resp.item.unwrap().num_iid.as_deref(), Some("42"));
}

/// An API the docs call deprecated is still bound (with `#[deprecated]`, which is why this
/// test allows it) and its schema says why, for `topsdk describe`.
#[test]
#[allow(deprecated)]
fn deprecated_apis_are_marked_and_still_usable() {
    use topsdk_catalogue_sample::apis::taobao_baodian_deposit_get as baodian;
    let d = baodian::SCHEMA
        .get()
        .deprecated
        .as_ref()
        .expect("deprecated");
    assert_eq!(d.reason, "宝点用户帐户查询（已迁移）");
    assert!(!d.offline);
    assert_eq!(
        <baodian::Request as TopRequest>::METHOD,
        "taobao.baodian.deposit.get"
    );
    let generated = include_str!(concat!(env!("OUT_DIR"), "/sample_apis.rs"));
    assert!(
        generated.contains("#[deprecated(note = \"deprecated (宝点用户帐户查询（已迁移）)\")]"),
        "no #[deprecated] on the module"
    );
}

/// The QIMEN fixture's XML body: documented order, `<orderLines><orderLine>` items, a scalar
/// list as repeated `<sn>` elements, text escaped; the query carries `customerId`.
#[test]
fn qimen_request_is_the_xml_body() {
    use topsdk_catalogue_sample::apis::taobao_qimen_fixture_create as q;
    let req = q::Request::new().request(q::request::FixtureCreateRequest {
        order: Some(q::request::FixtureOrder {
            order_code: "A&B".into(),
            sn: Some(vec!["S1".into(), "S2".into()]),
        }),
        order_lines: Some(vec![q::request::OrderLine {
            line_no: Some("1".into()),
            plan_qty: Some(2),
        }]),
    });
    let client = topsdk::Client::builder("k", "s")
        .gateway_url("http://127.0.0.1:9/router/rest")
        .build()
        .unwrap();
    assert!(matches!(
        client.prepare(&req),
        Err(topsdk::Error::InvalidRequest { .. })
    ));
    let prepared = client.with_customer_id("cust").prepare(&req).unwrap();
    assert!(
        prepared
            .url()
            .starts_with("http://127.0.0.1:9/router/qimen/service?app_key=k&customerId=cust&format=xml&method=taobao.qimen.fixture.create&"),
        "{}",
        prepared.url()
    );
    let topsdk::Body::Text {
        content_type,
        bytes,
    } = prepared.body()
    else {
        panic!("a QIMEN body is text");
    };
    assert_eq!(content_type, "text/xml;charset=utf-8");
    assert_eq!(
        std::str::from_utf8(bytes).unwrap(),
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><request><order><orderCode>A&amp;B</orderCode>\
         <sn>S1</sn><sn>S2</sn></order><orderLines><orderLine><lineNo>1</lineNo>\
         <planQty>2</planQty></orderLine></orderLines></request>"
    );
}
