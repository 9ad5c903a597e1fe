//! The seed API's documented samples, parsed into the generated types.

use topsdk::__private::ParamWriter;
use topsdk::by_name::Args;
use topsdk::kongur::alibaba_kongur_token_getosstoken as api;
use topsdk::test_util::decode;
use topsdk::{Error, Format, TopRequest};

fn sample(text: &'static Option<String>) -> &'static [u8] {
    text.as_deref()
        .expect("the seed spec documents this sample")
        .as_bytes()
}

fn parse(format: Format, simplified: bool, body: &[u8]) -> Result<api::Response, Error> {
    decode::<api::Response>(body, format, simplified, api::SCHEMA.get())
}

#[test]
fn xml_json_and_simplified_json_give_equal_values() {
    let ex = &api::SCHEMA.get().examples;
    let xml = parse(Format::Xml, false, sample(&ex.response_xml)).unwrap();
    let json = parse(Format::Json, false, sample(&ex.response_json)).unwrap();
    let simplified = parse(Format::Json, true, sample(&ex.response_json_simplified)).unwrap();
    assert_eq!(xml, json);
    assert_eq!(json, simplified);
    // A simplified body that was not asked for is not this API's envelope: an error, not an
    // empty success (strict envelopes). A wrapped one where simplified was asked for decodes.
    let e = parse(Format::Json, false, sample(&ex.response_json_simplified)).unwrap_err();
    assert!(
        matches!(&e, Error::Decode { message, .. } if message.contains("expected `alibaba_kongur_token_getosstoken_response`")),
        "{e}"
    );
    assert_eq!(
        parse(Format::Json, true, sample(&ex.response_json)).unwrap(),
        xml
    );

    let result = xml
        .kongur_oss_result_do
        .as_ref()
        .expect("kongur_oss_result_do");
    assert_eq!(result.datas.len(), 1);
    assert_eq!(result.errors.len(), 1);
    assert_eq!(result.success, Some(false));
    assert_eq!(result.datas[0].oss_dir_map.as_deref(), Some("{}"));
    insta::assert_json_snapshot!("seed_response", xml);
}

#[test]
fn error_sample_is_an_api_error_in_both_formats() {
    let ex = &api::SCHEMA.get().examples;
    let from_xml = parse(Format::Xml, false, sample(&ex.error_xml)).unwrap_err();
    let from_json = parse(Format::Json, false, sample(&ex.error_json)).unwrap_err();
    let from_json_simplified = parse(Format::Json, true, sample(&ex.error_json)).unwrap_err();
    let (Error::Api(a), Error::Api(b), Error::Api(c)) = (from_xml, from_json, from_json_simplified)
    else {
        panic!("error samples must decode to Error::Api");
    };
    assert_eq!(a, b);
    assert_eq!(b, c);
    assert_eq!(a.code, 50);
    assert_eq!(a.sub_code.as_deref(), Some("isv.invalid-parameter"));
    assert_eq!(a.sub_msg.as_deref(), Some("非法参数"));
    assert!(
        !a.is_platform_failure() && !a.is_rate_limit(),
        "isv.* is the caller's fault"
    );
    insta::assert_debug_snapshot!("seed_error", a);
}

#[test]
fn request_from_documented_example_values() {
    let ex = &api::SCHEMA.get().examples;
    let args = Args::new(
        api::SCHEMA.get(),
        ex.request
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    )
    .unwrap();
    let typed = api::Request::new()
        .kongur_app_key("xxxxx")
        .suit_ids("xxxxx")
        .entrust_id("xxxxx");
    let mut w = ParamWriter::new();
    typed.write_params(&mut w);
    let params: Vec<(String, String)> = w
        .text_params()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    // A call by schema sends the same params as the typed request.
    let mut by_schema: Vec<(String, String)> = args
        .params()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    by_schema.sort();
    assert_eq!(by_schema, params);
    insta::assert_debug_snapshot!("seed_request_params", params);
}

#[test]
fn unset_params_are_left_out() {
    let req = api::Request::new().suit_ids("1001,1002");
    let mut w = ParamWriter::new();
    req.write_params(&mut w);
    let names: Vec<&str> = w.text_params().map(|(k, _)| k).collect();
    assert_eq!(names, ["suit_ids"]);
}

#[test]
fn secrets_stay_out_of_debug() {
    let xml = api::SCHEMA
        .get()
        .examples
        .response_xml
        .as_deref()
        .unwrap()
        .replacen(
            "<secret_access_key>xxxxx<",
            "<secret_access_key>SAK-d1st1nct1ve-42<",
            1,
        )
        .replacen("<oss_token>xxxxx<", "<oss_token>OSS-T0KEN-d1st1nct1ve<", 1);
    let resp = parse(Format::Xml, false, xml.as_bytes()).unwrap();
    let token = &resp.kongur_oss_result_do.as_ref().unwrap().datas[0];
    assert_eq!(
        token.secret_access_key.as_ref().unwrap().expose(),
        "SAK-d1st1nct1ve-42"
    );
    assert_eq!(
        token.oss_token.as_ref().unwrap().expose(),
        "OSS-T0KEN-d1st1nct1ve"
    );
    for shown in [
        format!("{resp:?}"),
        format!("{resp:#?}"),
        format!("{token:?}"),
    ] {
        assert!(!shown.contains("SAK-d1st1nct1ve-42"), "{shown}");
        assert!(!shown.contains("OSS-T0KEN-d1st1nct1ve"), "{shown}");
        assert!(shown.contains("***"));
    }
}

#[test]
fn decode_errors_carry_the_field_path_and_mask_secrets() {
    let body = r#"{"alibaba_kongur_token_getosstoken_response":{"kongur_oss_result_do":{"datas":{"oss_token_result_vo":[{"secret_access_key":"SAK-LEAK-CHECK","success":"maybe"}]}}}}"#;
    let err = parse(Format::Json, false, body.as_bytes()).unwrap_err();
    let Error::Decode {
        path,
        message,
        excerpt,
    } = &err
    else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(
        path,
        "kongur_oss_result_do.datas.oss_token_result_vo[0].success"
    );
    assert!(message.contains("Boolean"), "{message}");
    assert!(!excerpt.contains("SAK-LEAK-CHECK"), "{excerpt}");
    assert!(!format!("{err} {err:?}").contains("SAK-LEAK-CHECK"));
}

/// XML takes the same slow path on failure (a tree, decoded with path tracking). The path is
/// the document's: a single item element has no index.
#[test]
fn xml_decode_errors_carry_the_element_path() {
    let body = "<alibaba_kongur_token_getosstoken_response><kongur_oss_result_do><datas><oss_token_result_vo><secret_access_key>SAK-LEAK-CHECK</secret_access_key><success>maybe</success></oss_token_result_vo></datas></kongur_oss_result_do></alibaba_kongur_token_getosstoken_response>";
    let err = parse(Format::Xml, false, body.as_bytes()).unwrap_err();
    let Error::Decode { path, excerpt, .. } = &err else {
        panic!("expected a decode error, got {err:?}");
    };
    assert_eq!(
        path,
        "kongur_oss_result_do.datas.oss_token_result_vo.success"
    );
    assert!(!excerpt.contains("SAK-LEAK-CHECK"), "{excerpt}");
    // Broken XML: no path, the reader's message.
    let err = parse(
        Format::Xml,
        false,
        b"<alibaba_kongur_token_getosstoken_response><a></b>",
    )
    .unwrap_err();
    assert!(err.to_string().contains("invalid XML"), "{err}");
}

/// Several items, entities and CDATA through the streaming XML path equal the JSON reading.
#[test]
fn xml_streaming_matches_json() {
    let item = |n: u32| {
        format!(
            "<oss_token_result_vo><oss_token>t{n}</oss_token><oss_dir_map><![CDATA[{{\"d\":{n}}}]]></oss_dir_map><entrust_oss_folder>a &amp; b</entrust_oss_folder><success>{}</success></oss_token_result_vo>",
            n.is_multiple_of(2)
        )
    };
    let xml = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<alibaba_kongur_token_getosstoken_response>\n  <kongur_oss_result_do>\n    <datas>{}{}{}</datas>\n  </kongur_oss_result_do>\n  <request_id>r9</request_id>\n</alibaba_kongur_token_getosstoken_response>\n",
        item(1),
        item(2),
        item(3)
    );
    let json = r#"{"alibaba_kongur_token_getosstoken_response":{"kongur_oss_result_do":{"datas":{"oss_token_result_vo":[
        {"oss_token":"t1","oss_dir_map":"{\"d\":1}","entrust_oss_folder":"a & b","success":false},
        {"oss_token":"t2","oss_dir_map":"{\"d\":2}","entrust_oss_folder":"a & b","success":true},
        {"oss_token":"t3","oss_dir_map":"{\"d\":3}","entrust_oss_folder":"a & b","success":false}]}},"request_id":"r9"}}"#;
    let from_xml = parse(Format::Xml, false, xml.as_bytes()).unwrap();
    let from_json = parse(Format::Json, false, json.as_bytes()).unwrap();
    assert_eq!(from_xml, from_json);
    assert_eq!(from_xml.kongur_oss_result_do.unwrap().datas.len(), 3);
}

#[test]
fn tolerant_scalars_and_empty_elements() {
    let body = "<alibaba_kongur_token_getosstoken_response><kongur_oss_result_do><success>true</success><datas></datas><errors/></kongur_oss_result_do><request_id>abc</request_id></alibaba_kongur_token_getosstoken_response>";
    let resp = parse(Format::Xml, false, body.as_bytes()).unwrap();
    let r = resp.kongur_oss_result_do.as_ref().unwrap();
    assert_eq!(r.success, Some(true));
    assert!(r.datas.is_empty() && r.errors.is_empty());
    assert_eq!(resp.request_id.as_deref(), Some("abc"));
    let json = r#"{"kongur_oss_result_do":{"success":"false","datas":[]},"request_id":"r1"}"#;
    let resp = parse(Format::Json, true, json.as_bytes()).unwrap();
    assert_eq!(resp.kongur_oss_result_do.unwrap().success, Some(false));
}
